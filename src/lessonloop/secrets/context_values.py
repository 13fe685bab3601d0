"""Secrets read by their context where neither a vendor's format nor a secret word's key names
them (issue 60):

- a value under any name ending in `key` (`CYPRESS_RECORD_KEY: <uuid>`, `"routing_key": "..."`)
  when the value is random (a UUID, a long hex or random token), unless the name says the key is
  not a secret (sort, primary, public, cache, ...);
- PINs: `DEPLOY_PIN=31428366`, `PIN 5423`, `PUK 04971604`, `the PIN is 6827`;
- a URL's password when its user holds an `@` (`smtp://alerts@acme.io:PW@smtp.host`), JDBC's
  Oracle `thin:user/PW@`, `openssl passwd 'PW'`, an ftp script's `user NAME PW`;
- a value printed right after a command that reads a secret (`terraform output -raw
  db_password`, `kubectl get secret ... | base64 -d`): the next line when it is one token;
- a webhook URL's path after its `hook` segment (`/hooks/<token>`);
- a setup key of a two-factor app written in groups (`6fxt rh34 k72d ...`);
- a seed phrase written as a numbered grid after the words recovery/seed phrase or mnemonic.
"""

from __future__ import annotations

from lessonloop.core.lazy_regex import LazyRegex
from lessonloop.secrets.token_shape import is_hex, random_token

_KEY_NAME = LazyRegex(
    r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9_.\-]{0,60}?(?:[_.\-]key|Key|KEY))[\"']?[ \t]*(?:=|:|=>|:=)[ \t]*"
    r"[\"']?([A-Za-z0-9+/=_\-.~]{16,300})(?=[\"'\s,;}\]]|$)"
)
_NOT_SECRET_KEYS = (
    "sort", "primary", "foreign", "cache", "partition", "public", "publishable", "hot", "shortcut", "idempotency",
    "object", "s3", "map", "dict", "lookup", "group", "index", "unique", "composite", "range", "hash", "row",
    "cluster", "dedup", "dedupe", "lock", "storage", "sign", "pub", "ssh_pub", "query", "react", "render",
    "translation", "i18n", "message", "label", "field", "column", "table", "foreign", "natural", "surrogate",
    "redis", "kv", "cache_", "state", "local_storage", "session_storage", "route", "node", "item", "entry",
)  # fmt: skip
_UUID = LazyRegex(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_PIN_NAME = LazyRegex(
    r"(?<![A-Za-z])[A-Za-z0-9_]*(?:PIN|Pin|PUK)(?:_?CODE|Code)?[\"']?[ \t]*[=:][ \t]*[\"']?(\d{4,12})\b"
)
_PIN_WORDS = LazyRegex(
    r"(?<![A-Za-z])(?:PIN|PUK|PIN code|pin code|passcode|Passcode|PIN number)(?:[ \t]+(?:is|was|number|code))?"
    r"[ \t]*[:=]?[ \t]*(\d{4,12})(?![\d.])"
)
_URL_AT_USER = LazyRegex(r"\b[a-z][a-z0-9+.\-]{1,20}://[^\s:/@]+@[^\s:/@]+:([^\s/@]{3,200})@[\w.\-]+")
_JDBC_THIN = LazyRegex(r"thin:[\w.$\-]+/([^@\s\"']{3,200})@")
_OPENSSL_PASSWD = LazyRegex(r"openssl[ \t]+passwd[ \t]+(?:-\S+[ \t]+)*([\"'])([^\"'\n]{3,200})\1")
_FTP_USER = LazyRegex(r"(?m)^[ \t]*user[ \t]+\S+[ \t]+(\S{4,200})[ \t]*$")
_READS_SECRET = LazyRegex(
    r"(?im)^[ \t]*(?:[$>#%][ \t]*|PS[^>\n]{0,60}>[ \t]*)?(?:sudo[ \t]+)?(?:terraform|tofu|kubectl|oc|vault|aws|gcloud|az"
    r"|op|doppler|pass|gopass|bw|lpass|security|cat|type|echo|printf|heroku|fly|flyctl|gh|docker|podman|openssl"
    r"|pwgen|head|jq|yq|sops|age|gpg|infisical|chamber|berglas|kubeseal|helm|ansible-vault|grep)\b"
    r"[^\n]*?(?:password|passwd|secret|token|credential|api[_-]?key|private[_-]?key)[^\n]*\r?\n(\S{8,300})[ \t]*\r?$"
)
_HOOK_URL = LazyRegex(r"https?://[^\s\"'<>]*?hooks?[^\s\"'<>/]*/([^\s\"'<>?#]+)")
_GROUPED = LazyRegex(r"(?i)(?:key|secret|code)\b[^:\n]{0,50}:[ \t]*((?:[a-z2-7]{4}[ \t]){3,}[a-z2-7]{4})\b")
_SEED_HEAD = LazyRegex(r"(?i)(?:recovery|seed|secret|backup)[ \t]+(?:phrase|words)|mnemonic")
_NUMBERED_WORD = LazyRegex(r"(?<![\w])\d{1,2}[.)][ \t]+([a-z]{3,8})\b")


def _random_value(value: str) -> bool:
    return (
        _UUID.fullmatch(value) is not None
        or (is_hex(value) and len(value) >= 16 and len(value) not in (40, 64))
        or random_token(value, 16, hex_ok=False)
    )


def context_spans(text: str, lowered: str | None = None) -> list[tuple[int, int, str]]:
    lowered = text.lower() if lowered is None else lowered
    out: list[tuple[int, int, str]] = []
    position = lowered.find("key")
    searched_to = -1
    while position >= 0:
        # the name may start 60 characters before its `key`; searched once per stretch
        start = max(0, position - 62, searched_to)
        for found in _KEY_NAME.finditer(text, start, position + 330):
            if found.start(1) > position:
                break
            name = found.group(1).lower().replace("-", "_").replace(".", "_")
            stem = name[:-3].rstrip("_")
            if stem and not stem.endswith(_NOT_SECRET_KEYS) and _random_value(found.group(2)):
                out.append((found.start(2), found.end(2), "key-value"))
        searched_to = position + 3
        position = lowered.find("key", position + 3)
    if "pin" in lowered or "puk" in lowered or "passcode" in lowered:
        for pattern in (_PIN_NAME, _PIN_WORDS):
            out += [(f.start(1), f.end(1), "pin") for f in pattern.finditer(text)]
    if "://" in text:
        out += [(f.start(1), f.end(1), "url-password") for f in _URL_AT_USER.finditer(text)]
        for found in _HOOK_URL.finditer(text):
            position = found.start(1)
            for segment in found.group(1).split("/"):
                if len(segment) >= 16 and any(c.isdigit() for c in segment) and any(c.isalpha() for c in segment):
                    out.append((position, position + len(segment), "webhook-token"))
                position += len(segment) + 1
    if "thin:" in text:
        out += [(f.start(1), f.end(1), "url-password") for f in _JDBC_THIN.finditer(text)]
    if "passwd" in text:
        out += [(f.start(2), f.end(2), "cli-secret") for f in _OPENSSL_PASSWD.finditer(text)]
    if "ftp" in text and "user" in text:
        out += [(f.start(1), f.end(1), "cli-secret") for f in _FTP_USER.finditer(text)]
    secret_word = any(word in lowered for word in ("passw", "secret", "token", "credential", "api_key", "api-key"))
    if "\n" in text and (secret_word or "private" in lowered):
        for found in _READS_SECRET.finditer(text):
            value = found.group(1)
            if any(c.isdigit() for c in value) and any(c.isalpha() for c in value) and "/" not in value[:1]:
                out.append((found.start(1), found.end(1), "secret-output"))
        if ("phrase" in lowered or "mnemonic" in lowered or "words" in lowered) and _SEED_HEAD.search(text) is not None:
            from lessonloop.secrets.bip39_words import WORDS

            words = set(WORDS)
            listed = [f for f in _NUMBERED_WORD.finditer(text) if f.group(1) in words]
            if len(listed) >= 12:
                out += [(f.start(1), f.end(1), "seed-phrase") for f in listed]
    if (secret_word or "key" in lowered or "code" in lowered) and ":" in text:
        out += [(f.start(1), f.end(1), "totp-secret") for f in _GROUPED.finditer(text)]
    return out
