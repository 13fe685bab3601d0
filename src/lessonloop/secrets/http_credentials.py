"""Credentials in HTTP requests: `Authorization:` headers of every scheme, signatures in signed
URLs, and tokens in a channel URL's path.

- `Authorization: <scheme> <credential>` whatever the scheme (`Bearer`, `Basic`, `SSWS` (Okta),
  `Splunk`, `GenieKey`, `Zoho-oauthtoken`, `DeepL-Auth-Key`, ...), or none; and the schemes
  whose credential is a list of parameters (`Token token=...` (PagerDuty), `AWS4-HMAC-SHA256
  Credential=..., Signature=...`, `Digest ... response=...`, `OAuth oauth_signature=...`): the
  values of the parameters that are secrets;
- a signed URL's signature (`X-Amz-Signature=` of S3's presigned URLs, `X-Goog-Signature=` of
  Google Cloud Storage's, CloudFront's `Signature=`): anyone holding the URL has the object
  (`X-Amz-Security-Token=` is a secret-named key: secrets/assignments.py's; the key id of
  `X-Amz-Credential=` is an AWS access key id: secrets/formats.py's);
- a token in a URL's path after `/t/` (conda channels: `https://conda.anaconda.org/t/<token>/
  channel`, `https://repo.anaconda.cloud/t/<token>/...`), unless it reads as a page's name
  (Discourse topics are `/t/<title-words>/<id>`).
"""

from __future__ import annotations

from lessonloop.core.lazy_regex import LazyRegex
from lessonloop.secrets.format_rule import FormatRule, continues_word, looks_random, rule

_HEAD = LazyRegex(r"(?i:authorization)[\"']?[ \t]*[:=][ \t]*[\"']?")
_SCHEME = LazyRegex(r"[A-Za-z][A-Za-z0-9_\-]{1,40}[ \t]+")
_CREDENTIAL = LazyRegex(r"[A-Za-z0-9._~+/\-:]{8,4096}+={0,2}+(?![A-Za-z0-9._~+/\-:=])")
# A scheme's parameter: name=value or name="value" (not base64's padding: `dXNlcg==`).
_PARAMETER = LazyRegex(
    r"[ \t]*,?[ \t]*(?P<name>[A-Za-z][\w\-]{0,40})=(?:\"(?P<quoted>[^\"\n]{1,4096})\"|(?P<bare>[^\s,\"'=][^\s,\"']{0,4095}))"
)
# Parameters of an Authorization header that hold a secret (lower-case).
_SECRET_PARAMETERS = frozenset(
    {"token", "signature", "oauth_signature", "oauth_token", "response", "access_token", "key", "apikey",
     "api_key", "password", "secret", "sentry_secret", "client_secret"}
)  # fmt: skip
MAX_PARAMETERS = 20


def _authorization(text: str, at: int) -> list[tuple[int, int, str]]:
    if continues_word(text, at):
        return []  # a name ending in the word: "AWS::Config::AggregationAuthorization": "..."
    head = _HEAD.match(text, at)
    if head is None:
        return []
    position = head.end()
    scheme = _SCHEME.match(text, position)
    if scheme is not None:
        after = scheme.end()
        parameters = _parameters(text, after)
        if parameters is not None:
            return parameters
        credential = _CREDENTIAL.match(text, after)
        if credential is not None:
            return [(credential.start(), credential.end(), "auth-header")]
    credential = _CREDENTIAL.match(text, position)
    return [] if credential is None else [(credential.start(), credential.end(), "auth-header")]


def _parameters(text: str, position: int) -> list[tuple[int, int, str]] | None:
    """The secret values of a scheme's `name=value, ...` parameters (None: the scheme has none)."""
    out: list[tuple[int, int, str]] = []
    seen = 0
    for _ in range(MAX_PARAMETERS):
        found = _PARAMETER.match(text, position)
        if found is None:
            break
        seen += 1
        if found.group("name").lower() in _SECRET_PARAMETERS:
            group = "quoted" if found.group("quoted") is not None else "bare"
            out.append((found.start(group), found.end(group), "auth-header"))
        position = found.end()
    return out if seen else None


_URL_HOST = LazyRegex(r"[A-Za-z][A-Za-z0-9+.\-]{0,20}://[^\s/'\"<>`]{1,200}$")
_PATH_TOKEN = LazyRegex(r"[A-Za-z0-9][A-Za-z0-9_\-]{15,127}(?=/|[\s'\"`]|$)")


def _path_token(text: str, at: int) -> list[tuple[int, int, str]]:
    """The token of `scheme://host/t/<token>/...` (text[at:] is `/t/`)."""
    if _URL_HOST.search(text, max(0, at - 230), at) is None:
        return []
    found = _PATH_TOKEN.match(text, at + 3)
    if found is None:
        return []
    token = found.group()
    if not (any(c.isdigit() for c in token) and any(c.isalpha() for c in token)) or not looks_random(token):
        return []
    words = [part for part in token.replace("_", "-").split("-") if len(part) >= 3 and part.isalpha()]
    if len(words) >= 2:
        return []  # a page's name: /t/how-to-pin-python-3-12/1234
    return [(found.start(), found.end(), "url-path-token")]


HTTP_CREDENTIAL_RULES: tuple[FormatRule, ...] = (
    rule(
        "url-signature",
        ("Signature=", "signature=", "SIGNATURE="),
        r"(?i:signature)=(?P<sig>[A-Za-z0-9%+/~_\-]{16,2048}+={0,2}+)(?![A-Za-z0-9%+/~_\-=])",
        groups=(("sig", "url-signature"),),
        exact=True,
        boundary=False,
    ),
    rule("url-path-token", ("/t/",), "", exact=True, finder=_path_token),
)
# After the other formats: a header holding a token of a known format is named by that format.
AUTHORIZATION_RULE = rule("auth-header", "authorization", "", finder=_authorization)
