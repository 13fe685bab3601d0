"""Secrets recognised by their own format (vendor key prefixes, PEM blocks, JWTs, credentials in
URLs and HTTP headers): redacted in every scope, whatever surrounds them.

Each rule is matched where one of its anchors occurs (redaction.py finds the anchors in one pass),
never searched for over the whole text. The formats follow public secret-scanner rule sets
(gitleaks, detect-secrets, trufflehog); the regexes are our own.
"""

from __future__ import annotations

import re

from lessonloop.core.lazy_regex import LazyRegex
from lessonloop.secrets.chat_tokens import CHAT_RULES
from lessonloop.secrets.cookies import COOKIE_RULES
from lessonloop.secrets.credential_files import CREDENTIAL_FILE_RULES
from lessonloop.secrets.format_rule import B64_END as _B64_END
from lessonloop.secrets.format_rule import END as _END
from lessonloop.secrets.format_rule import FormatRule, has_digit_and_letter, looks_random
from lessonloop.secrets.format_rule import rule as _rule
from lessonloop.secrets.http_credentials import AUTHORIZATION_RULE, HTTP_CREDENTIAL_RULES
from lessonloop.secrets.piped_passwords import PIPED_PASSWORD_RULES
from lessonloop.secrets.private_key_parts import KEY_PART_RULES
from lessonloop.secrets.sql_passwords import SQL_PASSWORD_RULES

FORMAT_RULES: tuple[FormatRule, ...] = (
    _rule(
        "private-key",
        "-----BEGIN",
        r"-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----.*?(?:-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|\Z)",
        flags=re.DOTALL,
        boundary=False,
        random=False,
    ),
    # The key id, and the secret access key when it follows the id (CSV rows, `aws configure` output).
    _rule(
        "aws-access-key-id",
        ("AKIA", "ASIA", "ABIA", "ACCA", "A3T"),
        r"(?P<id>(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16})(?![A-Za-z0-9])"
        r"(?:[\"']?[ \t]*[,;|:= \t][ \t]*[\"']?(?:[A-Za-z_]{0,40}(?i:secret)[A-Za-z_]*[\"']?[ \t]*[=:][ \t]*[\"']?)?"
        r"(?P<secret>[A-Za-z0-9/+]{40})" + _B64_END + ")?",
        groups=(("id", "aws-access-key-id"), ("secret", "aws-secret-access-key")),
    ),
    _rule("github-token", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), r"gh[pousr]_[A-Za-z0-9]{36,255}+" + _END),
    _rule("github-token", "github_pat_", r"github_pat_[A-Za-z0-9_]{40,255}+" + _END),
    _rule(
        "gitlab-token",
        ("glpat-", "gldt-", "glrt-", "glptt-", "glft-", "glsoat-", "gloas-", "glcbt-", "glimt-", "glagent-", "glffct-"),
        r"gl(?:pat|dt|rt|ptt|ft|soat|oas|cbt|imt|agent|ffct)-[A-Za-z0-9_\-.]{20,300}",
    ),
    _rule("gitlab-token", "GR1348941", r"GR1348941[A-Za-z0-9_\-]{20,64}"),
    _rule("slack-token", "xox", r"xox[abposer]-[A-Za-z0-9-]{10,250}"),
    _rule("slack-token", "xapp-", r"xapp-\d-[A-Z0-9]+-\d+-[A-Za-z0-9]+"),
    _rule(
        "slack-webhook",
        "hooks.slack.com",
        r"hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_\-]{20,200}",
        boundary=False,
    ),
    _rule("anthropic-key", "sk-ant-", r"sk-ant-[A-Za-z0-9_\-]{20,300}"),
    _rule("openrouter-key", "sk-or-v1-", r"sk-or-v1-[a-f0-9]{64}"),
    _rule("openai-key", "sk-", r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,300}+" + _END),
    _rule(
        "stripe-key",
        ("sk_live_", "sk_test_", "sk_prod_", "rk_live_", "rk_test_", "rk_prod_"),
        r"[sr]k_(?:live|test|prod)_[A-Za-z0-9]{10,250}",
    ),
    _rule("stripe-key", "whsec_", r"whsec_[A-Za-z0-9+/=]{24,100}"),
    _rule("google-api-key", "AIza", r"AIza[0-9A-Za-z_\-]{35}" + _END),
    _rule("google-oauth-secret", "GOCSPX-", r"GOCSPX-[A-Za-z0-9_\-]{28}"),
    _rule("google-oauth-token", "ya29.", r"ya29\.[0-9A-Za-z_\-]{20,2048}"),
    _rule("jwt", "eyJ", r"eyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{8,4096}"),
    _rule("npm-token", "npm_", r"npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])"),
    _rule("pypi-token", "pypi-", r"pypi-[A-Za-z0-9_\-]{50,400}"),
    _rule("huggingface-token", "hf_", r"hf_[A-Za-z0-9]{34,40}+(?![A-Za-z0-9])"),
    _rule("huggingface-token", "api_org_", r"api_org_[A-Za-z]{34}(?![A-Za-z0-9])"),
    _rule("sendgrid-key", "SG.", r"SG\.[A-Za-z0-9_\-]{16,32}\.[A-Za-z0-9_\-]{16,64}"),
    _rule(
        "azure-storage-key",
        ("AccountKey=", "SharedAccessKey="),
        r"(?i:AccountKey|SharedAccessKey)=(?P<key>[A-Za-z0-9+/]{30,100}={0,2})",
        groups=(("key", "azure-storage-key"),),
        search=False,
    ),
    # A shared access signature in a URL's query: ...?sv=...&sig=<signature>
    _rule(
        "azure-sas-token",
        ("sig=",),
        r"sig=(?P<sig>[A-Za-z0-9%+/]{30,200}(?:%3D|=){0,2})",
        groups=(("sig", "azure-sas-token"),),
        boundary=False,
    ),
    _rule(
        "azure-client-secret",
        "Q~",
        r"[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.\-]{31,34}+(?![A-Za-z0-9_~.\-])",
        back=4,
    ),
    _rule("digitalocean-token", ("dop_v1_", "doo_v1_", "dor_v1_"), r"do[por]_v1_[a-f0-9]{64}"),
    _rule("shopify-token", ("shpat_", "shpca_", "shppa_", "shpss_"), r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}"),
    _rule("mailgun-key", "key-", r"key-[0-9a-f]{32}(?![0-9A-Za-z])"),
    _rule("databricks-token", "dapi", r"dapi[a-f0-9]{32}(?:-\d)?(?![A-Za-z0-9])"),
    _rule("vault-token", ("hvs.", "hvb."), r"hv[sb]\.[A-Za-z0-9_\-]{90,300}"),
    _rule("terraform-token", ".atlasv1.", r"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_\-=]{60,70}", back=14),
    _rule("age-secret-key", "AGE-SECRET-KEY-1", r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}"),
    _rule("heroku-key", "HRKU-", r"HRKU-AA[0-9A-Za-z_\-]{58}"),
    _rule("linear-key", "lin_api_", r"lin_api_[A-Za-z0-9]{40}"),
    _rule("postman-key", "PMAK-", r"PMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34}"),
    _rule("pulumi-token", "pul-", r"pul-[a-f0-9]{40}"),
    _rule("sentry-token", "sntryu_", r"sntryu_[a-f0-9]{64}"),
    _rule("sentry-token", "sntrys_", r"sntrys_[A-Za-z0-9+/=_]{50,500}"),
    _rule("grafana-token", "glsa_", r"glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}"),
    _rule("grafana-token", "glc_", r"glc_[A-Za-z0-9+/]{32,400}={0,3}"),
    _rule("doppler-token", "dp.pt.", r"dp\.pt\.[A-Za-z0-9]{43}"),
    _rule("dockerhub-token", "dckr_pat_", r"dckr_pat_[A-Za-z0-9_\-]{27,100}"),
    _rule("groq-key", "gsk_", r"gsk_[A-Za-z0-9]{52}"),
    _rule("perplexity-key", "pplx-", r"pplx-[A-Za-z0-9]{48}"),
    _rule("xai-key", "xai-", r"xai-[A-Za-z0-9]{80}"),
    _rule("replicate-token", "r8_", r"r8_[A-Za-z0-9]{37}(?![A-Za-z0-9])"),
    _rule("notion-token", "ntn_", r"ntn_[0-9]{11}[A-Za-z0-9]{35}"),
    _rule("notion-token", "secret_", r"secret_[A-Za-z0-9]{43}(?![A-Za-z0-9])"),
    _rule("supabase-token", "sbp_", r"sbp_[a-f0-9]{40}"),
    _rule("square-token", ("sq0atp-", "sq0csp-"), r"sq0(?:atp|csp)-[0-9A-Za-z_\-]{22,60}"),
    _rule("atlassian-token", "ATATT3", r"ATATT3[A-Za-z0-9_\-=]{150,250}"),
    _rule("rubygems-token", "rubygems_", r"rubygems_[a-f0-9]{48}"),
    _rule("planetscale-token", "pscale_", r"pscale_(?:tkn|oauth|pw)_[A-Za-z0-9_=.\-]{32,64}"),
    _rule("newrelic-key", "NRAK-", r"NRAK-[A-Z0-9]{27}"),
    _rule("mapbox-token", "sk.eyJ", r"sk\.eyJ[A-Za-z0-9_\-]{20,1000}\.[A-Za-z0-9_\-]{20,1000}"),
    _rule(
        "flyio-token", ("fo1_", "fm1", "fm2_"), r"(?:fo1_[A-Za-z0-9_\-]{43}|fm[12][ar]?_[A-Za-z0-9+/]{100,2000}={0,3})"
    ),
    # Formats gitleaks' rule set has not (yet): package registries, CI, hosting, payments, push.
    _rule("nuget-key", "oy2", r"oy2[a-z0-9]{43}(?![A-Za-z0-9])"),
    _rule("crates-io-token", "cio", r"cio[A-Za-z0-9]{32}(?![A-Za-z0-9])"),
    _rule("circleci-token", "CCIPAT_", r"CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40}"),
    _rule("buildkite-token", "bkua_", r"bkua_[a-f0-9]{40}(?![A-Za-z0-9])"),
    _rule("render-key", "rnd_", r"rnd_[A-Za-z0-9]{32}(?![A-Za-z0-9])"),
    _rule(
        "braintree-token",
        "access_token$",
        r"access_token\$(?:production|sandbox)\$[0-9a-z]{16}\$[0-9a-f]{32}",
        boundary=False,
    ),
    _rule("figma-token", "figd_", r"figd_[A-Za-z0-9_\-]{38,80}+" + _END),
    _rule("sonarqube-token", ("squ_", "sqp_", "sqa_"), r"sq[upa]_[a-f0-9]{40}(?![A-Za-z0-9])"),
    _rule("netlify-token", ("nfp_", "nfc_", "nfo_"), r"nf[pco]_[A-Za-z0-9]{36,44}(?![A-Za-z0-9])"),
    _rule("langsmith-key", ("lsv2_pt_", "lsv2_sk_"), r"lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}(?![A-Za-z0-9])"),
    _rule("resend-key", "re_", r"re_[A-Za-z0-9]{8}_[A-Za-z0-9]{24}(?![A-Za-z0-9])"),
    _rule("mailchimp-key", "-us", r"[0-9a-f]{32}-us[0-9]{1,2}(?![A-Za-z0-9])", back=32),
    _rule("dropbox-token", "sl.", r"sl\.[A-Za-z0-9_\-]{130,1400}+" + _END),
    _rule("facebook-token", "EAA", r"EAA[A-Z][A-Za-z0-9]{96,400}+" + _B64_END),  # not a base64 blob that starts so
    _rule("twitter-bearer-token", "A" * 21, r"A{21}[A-Za-z0-9%]{30,200}+(?![A-Za-z0-9%+/=])", exact=True),
    # Google's OAuth refresh tokens (1//0g..., 1//03...), never `1//0` (Python's floor division).
    _rule("google-refresh-token", "1//0", r"1//0[A-Za-z0-9_\-]{40,512}+" + _END),
    # BIP-32 extended private keys (a wallet's root of every key): base58, 111 characters.
    # Tencent Cloud's SecretId (AKID and 32 letters and digits), the id of a key pair as AWS's AKIA is
    _rule("tencent-secret-id", "AKID", r"AKID[A-Za-z0-9]{32}(?![A-Za-z0-9])", exact=True),
    _rule("nostr-private-key", "nsec1", r"nsec1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{58}(?![A-Za-z0-9])"),
    # Mercado Pago's access tokens: APP_USR- (production) or TEST-, a 16-digit application id, the
    # token's date, its hex and the user's id
    _rule(
        "mercadopago-token",
        ("APP_USR-", "TEST-"),
        r"(?:APP_USR|TEST)-\d{16}-\d{6}-[0-9a-f]{32}-\d{6,12}(?![A-Za-z0-9])",
        random=False,
        exact=True,
    ),
    _rule("bip32-private-key", ("xprv", "tprv"), r"[xt]prv[1-9A-HJ-NP-Za-km-z]{107,108}(?![A-Za-z0-9])"),
    _rule("firebase-server-key", ":APA91b", r"AAAA[A-Za-z0-9_\-]{7}:APA91b[A-Za-z0-9_\-]{130,160}", back=11),
    # Cohere's keys have no prefix: 40 letters and digits near the vendor's name (its SDK's
    # `cohere.Client("...")`, `cohere.ClientV2(api_key=...)`, a config's cohere section).
    _rule(
        "cohere-key",
        ("cohere", "Cohere", "COHERE"),
        r"(?<![A-Za-z0-9_\-])[A-Za-z0-9]{40}(?![A-Za-z0-9_\-])",
        exact=True,
        window=200,
    ),
    *HTTP_CREDENTIAL_RULES,
    *CHAT_RULES,
    *CREDENTIAL_FILE_RULES,
    *COOKIE_RULES,
    *KEY_PART_RULES,
    *PIPED_PASSWORD_RULES,
    *SQL_PASSWORD_RULES,
    # user:password@ in a URL (postgres://, https://, redis://:pw@, mongodb+srv://, ...). The password
    # may hold `/` (`postgres://app:a/b@db`): what follows its `@` must then be a host.
    _rule(
        "url-password",
        "://",
        r"://(?P<user>[^\s:/?#@'\"`<>]{0,64}+):(?P<password>[^\s@'\"`<>]{1,128}+)@(?=[^\s/@'\"`<>])",
        groups=(("password", "url-password"),),
        boundary=False,
    ),
    # Authorization headers (and Bearer tokens wherever they are written).
    _rule(
        "bearer-token",
        "bearer",
        r"(?i:bearer)[ \t]+(?P<token>[A-Za-z0-9._~+/\-]{16,4096}={0,2})",
        groups=(("token", "bearer-token"),),
        search=False,
    ),
    AUTHORIZATION_RULE,  # any scheme, and schemes of parameters (secrets/http_credentials.py)
)

# Rules whose secret must hold a digit and a letter (their formats are otherwise plain words).
_NEEDS_DIGIT = frozenset({"openai-key", "bearer-token", "mailgun-key", "url-signature"})
_CHECKED = _NEEDS_DIGIT | {"url-password", "auth-header", "pgpass-password", "cohere-key"}
_URL_PLACEHOLDERS = frozenset(
    {"password", "passwd", "pass", "pwd", "secret", "token", "changeme", "changeit", "x", "***", "postgres", "root"}
    | {"admin", "guest", "test", "example", "user", "mysql", "redis", "rabbitmq"}
)


_PORT_PATH = LazyRegex(r"\d{1,5}/")


def format_spans(rule: FormatRule, text: str, at: int | None) -> list[tuple[int, int, str]]:
    """The spans of `rule`'s secrets matched at `at` (None: anywhere in `text`), after the checks
    particular to some kinds."""
    spans = rule.search_spans(text) if at is None else rule.spans(text, at)
    if not spans or rule.kind not in _CHECKED:
        return spans
    kept = []
    for start, end, kind in spans:
        secret = text[start:end]
        if secret.startswith("[REDACTED"):
            continue
        if rule.kind == "url-password":
            if secret == "x-oauth-basic":  # GitHub's https://<token>:x-oauth-basic@ form
                user = text.rfind("/", max(0, start - 300), start) + 1
                if looks_random(text[user : start - 1]) and start - 1 - user >= 16:
                    kept.append((user, start - 1, kind))
                continue
            if secret.lower() in _URL_PLACEHOLDERS or secret.isdigit() or "$" in secret or "%s" in secret:
                continue
            if "/" in secret and _PORT_PATH.match(secret) is not None:
                continue  # https://host:8080/path@x: a port and a path, not a password
        elif rule.kind == "pgpass-password":
            if len(secret) < 4 or secret.lower() in _URL_PLACEHOLDERS or secret == "*":
                continue
        elif rule.kind == "auth-header":
            if not (has_digit_and_letter(secret) or len(secret) >= 24 or any(c in secret for c in "+/=")):
                continue
        elif rule.kind == "cohere-key":
            if not has_digit_and_letter(secret) or secret.lower() == secret or secret.upper() == secret:
                continue  # a git SHA or a hex digest near the word: one case
        elif not has_digit_and_letter(secret) or ("--" in secret and rule.kind != "url-signature"):
            continue
        kept.append((start, end, kind))
    return kept
