# ruff: noqa: RUF001
"""A tenth held-out set of planted secrets and their look-alikes (issue 60).

Written on 2026-11-27 by a helper who never saw the redaction rules, their documentation, the
benchmarks or the other sample sets, only the `Planted` dataclass and its helpers in
tests/secret_samples.py. Every value is fake and drawn at import time from SHA-256 of its kind's
name (seed strings prefixed "fresh10:"), mapped onto the alphabet, length and prefix of the real
format; prefixes are built by concatenation so that no secret-shaped literal sits in this file.

This set MEASURES only. It must never be used to write or tune rules.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import string
import urllib.parse
from collections.abc import Callable

from tests.secret_samples import Planted, mnemonic, wif

# --- alphabets -------------------------------------------------------------------------------

_UP = string.ascii_uppercase
_LO = string.ascii_lowercase
_DI = string.digits
_AN = _UP + _LO + _DI
_ANL = _LO + _DI
_ANU = _UP + _DI
_HX = "0123456789abcdef"
_HXU = "0123456789ABCDEF"
_B64A = _AN + "+/"
_B64U = _AN + "-_"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_BECH = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_PWSYM = "!#$%&*+-=?@^_~"

# --- deterministic drawing -------------------------------------------------------------------


def _bytes(seed: str, n: int) -> bytes:
    """`n` bytes from SHA-256 of "fresh10:{seed}:{i}" for i = 0, 1, ..."""
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"fresh10:{seed}:{i}".encode()).digest()
        i += 1
    return out[:n]


def _draw(seed: str, alphabet: str, n: int) -> str:
    return "".join(alphabet[b % len(alphabet)] for b in _bytes(seed, n))


def _pick(seed: str, options: list[str] | tuple[str, ...]) -> str:
    return options[int.from_bytes(_bytes(seed, 4), "big") % len(options)]


def _num(seed: str, low: int, high: int) -> int:
    return low + int.from_bytes(_bytes(seed, 4), "big") % (high - low + 1)


def _b64(raw: bytes, url: bool = False, pad: bool = True) -> str:
    text = (base64.urlsafe_b64encode(raw) if url else base64.b64encode(raw)).decode()
    return text if pad else text.rstrip("=")


def _b64s(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _uuid(seed: str, upper: bool = False) -> str:
    raw = bytearray(_bytes(seed, 16))
    raw[6] = (raw[6] & 0x0F) | 0x40
    raw[8] = (raw[8] & 0x3F) | 0x80
    h = raw.hex()
    out = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    return out.upper() if upper else out


def _b58check(payload: bytes) -> str:
    data = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, digit = divmod(number, 58)
        out = _B58[digit] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def _wrap(text: str, width: int = 64) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)]


# --- generators: each takes a seed string and gives the value --------------------------------
# A generator returns either the text (a secret) or (text, secrets) when what must disappear
# differs from what is placed (public values give an empty tuple).

Gen = Callable[[str], "str | tuple[str, tuple[str, ...]]"]


def R(n: int, alpha: str = _AN, pre: str = "", suf: str = "") -> Gen:
    """`pre` + `n` characters of `alpha` + `suf`."""
    return lambda s: pre + _draw(s, alpha, n) + suf


def H(n: int, pre: str = "", suf: str = "", upper: bool = False) -> Gen:
    return R(n, _HXU if upper else _HX, pre, suf)


def D(n: int, pre: str = "") -> Gen:
    return lambda s: pre + str(_num(s + ":lead", 1, 9)) + _draw(s, _DI, n - 1)


def B64(nbytes: int, pre: str = "", url: bool = False, pad: bool = True, suf: str = "") -> Gen:
    return lambda s: pre + _b64(_bytes(s, nbytes), url, pad) + suf


def UUID(pre: str = "", upper: bool = False, suf: str = "") -> Gen:
    return lambda s: pre + _uuid(s, upper) + suf


def JWT(payload: dict[str, object], alg: str = "HS256", sig: int = 32, pre: str = "") -> Gen:
    """A JSON Web Token: fixed header and claims plus a seeded `jti`, a random signature."""

    def g(s: str) -> str:
        head = _b64(json.dumps({"alg": alg, "typ": "JWT"}, separators=(",", ":")).encode(), True, False)
        claims = dict(payload, jti=_uuid(s + ":jti"))
        body = _b64(json.dumps(claims, separators=(",", ":")).encode(), True, False)
        return pre + head + "." + body + "." + _b64(_bytes(s + ":sig", sig), True, False)

    return g


_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("Summer", "Dragon", "Sunshine", "Liverpool", "Charlie", "Shadow", "Buster", "Maple", "Bluebird"),
    "de": ("Sommer", "Katze", "Schatz", "Hamburg", "Fussball", "Sonnenblume", "Mausi", "Schalke", "Müller"),
    "fr": ("soleil", "Chouchou", "Marseille", "doudou", "Bonheur", "Papillon", "Nounours", "Été"),
    "es": ("Mariposa", "Corazon", "Barcelona", "Gatito", "Princesa", "Tequila", "Cumbia", "Año"),
    "pt": ("Saudade", "Flamengo", "Amorzinho", "Corinthians", "Pipoca", "Benfica", "Coração"),
    "it": ("Tesoro", "Juventus", "Amore", "Girasole", "Napoli", "Topolino", "Farfalla"),
    "nl": ("Fietsen", "Kaaskop", "Ajax", "Hondje", "Tulpen", "Stroopwafel", "Knuffel"),
    "pl": ("Kochanie", "Zabka", "Warszawa", "Kotek", "Slonce", "Legia", "Misiaczek"),
    "ru": ("Kotenok", "Solnyshko", "Zenit", "gfhjkm", "Lyubov", "Spartak", "Medved"),
    "uk": ("Kohannya", "Kyiv", "Sonechko", "Dnipro", "Zirka", "Kalyna"),
    "tr": ("Galatasaray", "Fenerbahce", "Sevgilim", "Istanbul", "Karabas", "Besiktas"),
    "ja": ("sakura", "tanuki", "Doraemon", "hikari", "Totoro", "nekochan"),
    "ko": ("saranghae", "tkfkdgo", "Haneul", "Gangnam", "Dubu", "Bom"),
    "zh": ("woaini", "Wangwei", "zhongguo", "Xiaoming", "Longma", "Tianjin"),
    "sv": ("Sommar", "Kanelbulle", "Djurgarden", "Mysig", "Älskling"),
    "fi": ("Kissa", "Aurinko", "Sisu", "Tampere", "Mummola"),
    "cs": ("Slunicko", "Sparta", "Kocicka", "Praha", "Pivo"),
    "hu": ("Cicamica", "Szerelem", "Ferencvaros", "Balaton"),
    "el": ("Agapi", "Olympiakos", "Thalassa", "Kalimera"),
    "he": ("Ahava", "Shalom", "Maccabi", "Yerushalayim"),
    "ar": ("Habibi", "Qamar", "Zahra", "Ahly"),
    "hi": ("Pyaar", "Mumbai", "Sachin", "Jaanu", "Dilwale"),
    "vi": ("Anhyeuem", "Saigon", "Hoalan", "Banhmi"),
    "id": ("Sayang", "Persib", "Garuda", "Bandung", "Rendang"),
    "sw": ("Mpenzi", "Simba", "Jambo", "Nairobi"),
    "ro": ("Iubire", "Steaua", "Dracula", "Bucuresti"),
}


def _leet(word: str) -> str:
    return word.translate(str.maketrans({"a": "@", "e": "3", "o": "0", "i": "1", "s": "$"}))


def HP(lang: str = "en", syms: str = "!#*?.$&@_") -> Gen:
    """A password a person would choose: words of `lang`, a year or digits, a symbol."""

    def g(s: str) -> str:
        words = _WORDS[lang]
        w1, w2 = _pick(s + ":w1", words), _pick(s + ":w2", words)
        if w2 == w1:
            w2 = words[(words.index(w1) + 1) % len(words)]
        sym = _pick(s + ":sym", syms)
        year = str(_num(s + ":y", 1976, 2026))
        dd = _draw(s + ":d", _DI, _num(s + ":n", 2, 3))
        style = _num(s + ":style", 0, 5)
        if style == 0:
            out = w1 + year + sym
        elif style == 1:
            out = w1.lower() + w2 + dd
        elif style == 2:
            out = w1 + sym + w2.lower() + dd
        elif style == 3:
            out = _leet(w1) + dd + sym
        elif style == 4:
            out = w1.lower() + "." + w2.lower() + "." + year
        else:
            out = w1 + dd + sym + w2
        return out if len(out) >= 8 else out + year

    return g


def GP(n: int = 20, syms: str = _PWSYM) -> Gen:
    """A password from a generator: letters, digits and `syms`, with each class present."""

    def g(s: str) -> str:
        body = list(_draw(s, _AN + syms * 2, n))
        body[_num(s + ":a", 0, n - 1)] = _pick(s + ":sym", syms) if syms else "7"
        body[_num(s + ":b", 0, n - 1)] = _pick(s + ":dig", _DI)
        return "".join(body)

    return g


def PUB(gen: Gen) -> Gen:
    """The generated value is not a secret (an id, a host): placed, not listed."""

    def g(s: str) -> tuple[str, tuple[str, ...]]:
        out = gen(s)
        return (out if isinstance(out, str) else out[0]), ()

    return g


def X(gen: Gen, key: str, fn: Callable[[str], str] = lambda v: v, secret: bool = True) -> Gen:
    """A form of a value shared inside one kind: `gen` drawn under `key`, passed through `fn`
    (a half, its base64, its URL-encoding); `fn`'s result is what appears and is listed."""

    def g(s: str) -> tuple[str, tuple[str, ...]]:
        base = gen(s.rsplit(":", 1)[0] + ":" + key)
        value = fn(base if isinstance(base, str) else base[0])
        return value, ((value,) if secret else ())

    return g


def _q(v: str) -> str:
    return urllib.parse.quote(v, safe="")


_HOLE = re.compile(r"@@[A-Z][A-Z0-9]?\b")


def _t(kind: str, template: str, **gens: Gen) -> Planted:
    """`template` with each `@@NAME` replaced by the value of generator NAME seeded by
    "{kind}:{NAME}"; the secrets are every generated value not marked public."""
    line = template
    secrets: list[str] = []
    for name in sorted(gens, key=len, reverse=True):
        out = gens[name](f"{kind}:{name}")
        text, listed = (out, (out,)) if isinstance(out, str) else out
        line = line.replace("@@" + name, text)
        for value in listed:
            if value not in secrets:
                secrets.append(value)
    if _HOLE.search(line):
        raise ValueError(f"{kind}: unfilled placeholder in {line!r}")
    return Planted(kind=kind, line=line, secrets=tuple(secrets))


def _b(template: str, **gens: Gen) -> str:
    """A look-alike line: `template` with generated (non-secret) values."""
    line = template
    for name in sorted(gens, key=len, reverse=True):
        out = gens[name](f"benign:{template[:40]}:{name}")
        line = line.replace("@@" + name, out if isinstance(out, str) else out[0])
    if _HOLE.search(line):
        raise ValueError(f"unfilled placeholder in {line!r}")
    return line


def C(*parts: str | Gen) -> Gen:
    """Literal pieces and generated pieces joined into one value (one secret)."""

    def g(s: str) -> str:
        out = ""
        for i, part in enumerate(parts):
            if isinstance(part, str):
                out += part
            else:
                value = part(f"{s}:{i}")
                out += value if isinstance(value, str) else value[0]
        return out

    return g


def L(text: str) -> Gen:
    """A fixed, public text (for symmetry in templates)."""
    return lambda s: (text, ())


def B64S(gen: Gen, key: str, before: str = "", after: str = "") -> Gen:
    """Base64 of `before` + the shared value `key` + `after` (what a Basic header or a
    Kubernetes secret holds); the base64 text is the listed secret."""
    return X(gen, key, lambda v: _b64s(before + v + after))


# Shapes of real formats used across families.
GH_PAT = R(36, pre="gh" + "p_")
OPENAI_PROJ = C("sk-" + "proj-", R(74, _B64U), "T3Blbk" + "FJ", R(74, _B64U))
ANTHROPIC = C("sk-" + "ant-api03-", R(93, _B64U), "AA")
AWS_ID = R(16, _ANU, pre="AK" + "IA")
AWS_SECRET = R(40, _B64A.replace("+", ""))
STRIPE_LIVE = R(97, _AN, pre="sk_" + "live_51")
SLACK_BOT = C("xox" + "b-", D(12), "-", D(13), "-", R(24))
GOOGLE_KEY = R(35, _B64U, pre="AI" + "za")
HF = R(34, _UP + _LO, pre="hf" + "_")
GITLAB = R(20, _B64U, pre="gl" + "pat-")
NPM = R(36, pre="np" + "m_")
SG = C("S" + "G.", R(22, _B64U), ".", R(43, _B64U))
DO = H(64, pre="do" + "p_v1_")
TELEGRAM_SECRET = R(33, _B64U, pre="A" + "A")

# --- 1. vendor tokens ------------------------------------------------------------------------

VENDOR_TOKENS: tuple[Planted, ...] = (
    _t("v_github_pat_classic_export", "export GITHUB_TOKEN=@@S", S=GH_PAT),
    _t(
        "v_github_fine_grained_gh_login",
        "echo @@S | gh auth login --with-token",
        S=C("github" + "_pat_11", R(20, _ANU), "_", R(59)),
    ),
    _t(
        "v_github_user_refresh_json",
        '{"access_token":"@@A","expires_in":28800,"refresh_token":"@@R",'
        '"refresh_token_expires_in":15811200,"scope":"","token_type":"bearer"}',
        A=R(36, pre="gh" + "u_"),
        R=R(76, pre="gh" + "r_"),
    ),
    _t(
        "v_gitlab_pat_header",
        'curl --header "PRIVATE-TOKEN: @@S" "https://gitlab.example.org/api/v4/projects?owned=true"',
        S=GITLAB,
    ),
    _t(
        "v_gitlab_runner_register",
        "sudo gitlab-runner register --non-interactive --url https://gitlab.com --token @@S --executor docker",
        S=R(20, _B64U, pre="gl" + "rt-"),
    ),
    _t(
        "v_gitlab_pipeline_trigger",
        "curl -X POST --fail -F token=@@S -F ref=main https://gitlab.com/api/v4/projects/48213377/trigger/pipeline",
        S=H(40, pre="gl" + "ptt-"),
    ),
    _t(
        "v_bitbucket_app_password_clone",
        "git clone https://mkowalski:@@S@bitbucket.org/northwind/warehouse-etl.git",
        S=R(32, pre="AT" + "BB"),
    ),
    _t(
        "v_azure_devops_pat",
        "AZURE_DEVOPS_EXT_PAT=@@S az devops project list --org https://dev.azure.com/contoso",
        S=R(52, "abcdefghijklmnopqrstuvwxyz234567"),
    ),
    _t(
        "v_pypi_token_twine",
        "twine upload -u __token__ -p @@S dist/*",
        S=R(150, _B64U, pre="py" + "pi-AgEIcHlwaS5vcmcCJ"),
    ),
    _t(
        "v_rubygems_api_key",
        "GEM_HOST_API_KEY=@@S gem push pkg/fastlane-plugin-acme-0.3.1.gem",
        S=H(48, pre="ruby" + "gems_"),
    ),
    _t(
        "v_nuget_push",
        "dotnet nuget push bin/Release/Acme.Core.2.4.0.nupkg "
        "--api-key @@S --source https://api.nuget.org/v3/index.json",
        S=R(43, _ANL, pre="oy" + "2"),
    ),
    _t("v_cratesio_login", "$ cargo login @@S\n       Login token for `crates-io` saved", S=R(32, pre="ci" + "o")),
    _t(
        "v_dockerhub_pat",
        "docker login -u acmebuild -p @@S docker.io",
        S=R(27, _B64U, pre="dckr" + "_pat_"),
    ),
    _t("v_openai_project_dotenv", 'OPENAI_API_KEY="@@S"', S=OPENAI_PROJ),
    _t(
        "v_openai_legacy_python",
        "openai.api_key = '@@S'  # TODO move to env",
        S=C("sk-", R(20), "T3Blbk" + "FJ", R(20)),
    ),
    _t(
        "v_anthropic_header",
        "-H 'x-api-key: @@S' -H 'anthropic-version: 2023-06-01'",
        S=ANTHROPIC,
    ),
    _t(
        "v_google_api_key_query",
        "https://maps.googleapis.com/maps/api/geocode/json?address=Unter+den+Linden+1&key=@@S",
        S=GOOGLE_KEY,
    ),
    _t(
        "v_google_oauth_client_secret",
        '{"installed":{"client_id":"@@I.apps.googleusercontent.com","project_id":"acme-cli",'
        '"client_secret":"@@S","redirect_uris":["http://localhost"]}}',
        I=PUB(C(D(12), "-", R(32, _ANL))),
        S=R(28, _B64U, pre="GOC" + "SPX-"),
    ),
    _t("v_groq_key", "GROQ_API_KEY=@@S", S=R(52, pre="gs" + "k_")),
    _t("v_replicate_token", "export REPLICATE_API_TOKEN='@@S'", S=R(37, pre="r" + "8_")),
    _t(
        "v_openrouter_key",
        'client = OpenAI(base_url="https://openrouter.ai/api/v1", api_key="@@S")',
        S=H(64, pre="sk-" + "or-v1-"),
    ),
    _t("v_xai_key", "XAI_API_KEY: @@S", S=R(80, pre="x" + "ai-")),
    _t(
        "v_langsmith_key",
        "LANGSMITH_API_KEY=@@S\nLANGSMITH_TRACING=true",
        S=C("lsv2" + "_pt_", H(32), "_", H(10)),
    ),
    _t(
        "v_slack_app_token",
        "socket mode: app_token=@@S",
        S=C("xa" + "pp-1-A", R(10, _ANU), "-", D(13), "-", H(64)),
    ),
    _t(
        "v_discord_bot_token",
        "DISCORD_TOKEN=@@S",
        S=C(
            lambda s: _b64(("1" + _draw(s, _DI, 18)).encode(), pad=False),
            ".",
            R(6, _B64U),
            ".",
            R(38, _B64U),
        ),
    ),
    _t(
        "v_telegram_bot_url",
        "https://api.telegram.org/bot@@I:@@S/sendMessage?chat_id=-1001234567890&text=build%20green",
        I=PUB(D(10)),
        S=TELEGRAM_SECRET,
    ),
    _t("v_newrelic_user_key", 'NEW_RELIC_API_KEY = "@@S"', S=R(27, _ANU, pre="NR" + "AK-")),
    _t("v_sentry_user_token", "sentry-cli --auth-token @@S releases new 4.12.0", S=H(64, pre="sntry" + "u_")),
    _t(
        "v_grafana_service_account",
        "GRAFANA_TOKEN=@@S",
        S=C("gl" + "sa_", R(32), "_", H(8)),
    ),
    _t(
        "v_vault_service_token",
        "VAULT_ADDR=https://vault.acme.internal:8200 VAULT_TOKEN=@@S",
        S=R(90, _B64U, pre="hv" + "s.CAESI"),
    ),
    _t(
        "v_terraform_cloud_credentials",
        '{\n  "credentials": {\n    "app.terraform.io": {\n      "token": "@@S"\n    }\n  }\n}',
        S=C(R(14), ".atlas" + "v1.", R(67)),
    ),
    _t(
        "v_atlassian_api_token",
        "JIRA_API_TOKEN=@@S",
        S=C("ATATT" + "3xFfGF0", R(170, _B64U), "=", H(8, upper=True)),
    ),
    _t("v_linear_api_key", "Authorization: @@S", S=R(40, pre="lin" + "_api_")),
    _t("v_notion_integration", 'NOTION_TOKEN="@@S"', S=C("nt" + "n_", D(11), R(35))),
    _t("v_airtable_pat", "AIRTABLE_API_KEY=@@S", S=C("pa" + "t", R(14), ".", H(64))),
    _t("v_postman_api_key", "postman login --with-api-key @@S", S=C("PM" + "AK-", H(24), "-", H(34))),
    _t(
        "v_shopify_admin_token",
        "X-Shopify-Access-Token: @@S",
        S=H(32, pre="shp" + "at_"),
    ),
    _t("v_cloudflare_api_token", "CLOUDFLARE_API_TOKEN=@@S wrangler deploy", S=R(40, _B64U)),
    _t("v_figma_token", "X-Figma-Token: @@S", S=R(40, _B64U, pre="fi" + "gd_")),
    _t("v_hubspot_private_app", "HUBSPOT_ACCESS_TOKEN=@@S", S=UUID(pre="pat-" + "eu1-")),
    _t(
        "v_sonarqube_token",
        "mvn sonar:sonar -Dsonar.host.url=https://sonar.acme.io -Dsonar.token=@@S",
        S=H(40, pre="sq" + "u_"),
    ),
    _t(
        "v_fcm_legacy_server_key",
        "Authorization: key=@@S",
        S=C("AAAA", R(7, _B64U), ":APA" + "91b", R(134, _B64U)),
    ),
    _t(
        "v_mapbox_secret_token",
        "MAPBOX_DOWNLOADS_TOKEN=@@S",
        S=C(
            "sk.",
            lambda s: _b64(
                json.dumps({"u": "acme-maps", "a": _draw(s, _ANL, 25)}, separators=(",", ":")).encode(), True, False
            ),
            ".",
            R(22, _B64U),
        ),
    ),
    _t(
        "v_jfrog_reference_token",
        "jf c add acme --url https://acme.jfrog.io --access-token @@S",
        S=R(50, pre="cmVmdGtu" + "OjAxOj"),
    ),
)

# --- 2. payments and regional clouds ---------------------------------------------------------

PAYMENTS_AND_REGIONAL_CLOUDS: tuple[Planted, ...] = (
    _t("pr_stripe_restricted_key", "STRIPE_RESTRICTED_KEY=@@S", S=R(97, pre="rk_" + "live_51")),
    _t(
        "pr_stripe_webhook_secret",
        "stripe listen --forward-to localhost:4242/webhook\n> Ready! Your webhook signing secret is @@S (^C to quit)",
        S=R(32, pre="wh" + "sec_"),
    ),
    _t(
        "pr_paypal_client_secret",
        "PAYPAL_CLIENT_ID=@@I\nPAYPAL_CLIENT_SECRET=@@S",
        I=PUB(R(79, _B64U, pre="A")),
        S=R(79, _B64U, pre="E"),
    ),
    _t("pr_paypal_access_token", 'paypal: "Authorization: Bearer @@S"', S=R(94, _B64U, pre="A21" + "AA")),
    _t(
        "pr_braintree_access_token",
        "BRAINTREE_ACCESS_TOKEN=@@S",
        S=C("access_token$" + "production$", R(16, _ANL), "$", H(32)),
    ),
    _t("pr_square_access_token", "SQUARE_ACCESS_TOKEN=@@S", S=R(60, _B64U, pre="EA" + "AA")),
    _t("pr_square_oauth_secret", "square:\n  application_secret: @@S", S=R(43, _B64U, pre="sq0" + "csp-")),
    _t(
        "pr_adyen_api_key",
        "X-API-Key: @@S",
        S=C("AQE", R(60, _B64A), "==-", B64(32), "-", R(16, _AN + "#<>")),
    ),
    _t(
        "pr_razorpay_keys",
        "Razorpay(key_id='@@I', key_secret='@@S')",
        I=PUB(R(14, pre="rzp_" + "live_")),
        S=R(24),
    ),
    _t("pr_paystack_secret", "Authorization: Bearer @@S", S=H(40, pre="sk_" + "live_")),
    _t("pr_flutterwave_secret", "FLW_SECRET_KEY=@@S", S=C("FLW" + "SECK-", H(32), "-X")),
    _t("pr_mollie_api_key", "$mollie->setApiKey('@@S');", S=R(30, pre="li" + "ve_")),
    _t(
        "pr_mercadopago_token",
        "MERCADOPAGO_ACCESS_TOKEN=@@S",
        S=C("APP" + "_USR-", D(16), "-", D(6), "-", H(32), "-", D(9)),
    ),
    _t("pr_midtrans_server_key", "midtrans.server_key = @@S", S=R(24, _B64U, pre="Mid-" + "server-")),
    _t("pr_xendit_secret", "XENDIT_SECRET_KEY=@@S", S=R(60, pre="xnd_" + "production_")),
    _t(
        "pr_paddle_api_key",
        "Authorization: Bearer @@S",
        S=C("pdl_" + "live_apikey_", R(26, _ANL), "_", R(27), "_", R(3)),
    ),
    _t(
        "pr_yookassa_secret",
        "curl https://api.yookassa.ru/v3/payments -u @@I:@@S -H 'Idempotence-Key: @@K'",
        I=PUB(D(6)),
        S=R(43, _B64U, pre="li" + "ve_"),
        K=PUB(UUID()),
    ),
    _t(
        "pr_cloudpayments_secret",
        "CLOUDPAYMENTS_PUBLIC_ID=pk_@@I\nCLOUDPAYMENTS_API_SECRET=@@S",
        I=PUB(H(29)),
        S=H(32),
    ),
    _t(
        "pr_tbank_terminal_password",
        '{"TerminalKey": "1712345678901", "Password": "@@S", "Amount": 140000, "OrderId": "21090"}',
        S=R(16, _AN + "_%#"),
    ),
    _t("pr_toss_secret_key", "TOSS_SECRET_KEY=@@S", S=R(32, pre="live" + "_gsk_")),
    _t("pr_portone_api_secret", 'PORTONE_API_SECRET="@@S"', S=R(80)),
    _t(
        "pr_kakao_admin_key",
        "Authorization: KakaoAK @@S",
        S=H(32),
    ),
    _t(
        "pr_naver_cloud_keys",
        "ncloud configure\nNcloud Access Key ID []: @@A\nNcloud Secret Access Key []: @@S",
        A=R(20, _AN),
        S=R(40, _AN),
    ),
    _t(
        "pr_alibaba_access_key",
        "aliyun configure set --access-key-id @@A --access-key-secret @@S --region cn-hangzhou",
        A=R(18, pre="LTAI" + "5t"),
        S=R(30),
    ),
    _t(
        "pr_tencent_secret",
        "export TENCENTCLOUD_SECRET_ID=@@A\nexport TENCENTCLOUD_SECRET_KEY=@@S",
        A=R(32, pre="AK" + "ID"),
        S=R(32),
    ),
    _t(
        "pr_huawei_obs_keys",
        "obsutil config -i=@@A -k=@@S -e=obs.cn-north-4.myhuaweicloud.com",
        A=R(20, _ANU),
        S=R(40),
    ),
    _t(
        "pr_baidu_bce_keys",
        "[bce]\nak = @@A\nsk = @@S\nregion = bj",
        A=H(32),
        S=H(32),
    ),
    _t(
        "pr_volcengine_keys",
        "VOLC_ACCESSKEY=@@A VOLC_SECRETKEY=@@S",
        A=R(43, pre="AK" + "LT"),
        S=B64(45),
    ),
    _t("pr_yandex_api_key", "YC_API_KEY=@@S", S=R(36, _B64U, pre="AQ" + "VN")),
    _t(
        "pr_yandex_iam_token",
        'curl -H "Authorization: Bearer @@S" https://resource-manager.api.cloud.yandex.net/resource-manager/v1/clouds',
        S=C("t1.9eu" + "elZ", R(200, _B64U), ".", R(86, _B64U)),
    ),
    _t("pr_yandex_oauth_token", "yc config set token @@S", S=R(55, _B64U, pre="y0" + "_")),
    _t(
        "pr_selectel_token",
        "curl -H 'X-Auth-Token: @@S' https://api.selectel.ru/vpc/resell/v2/projects",
        S=H(32),
    ),
    _t(
        "pr_ovh_credentials",
        "[ovh-eu]\napplication_key=@@A\napplication_secret=@@S\nconsumer_key=@@K",
        A=PUB(R(16)),
        S=R(32),
        K=R(32),
    ),
    _t(
        "pr_scaleway_keys",
        "SCW_ACCESS_KEY=@@A\nSCW_SECRET_KEY=@@S\nSCW_DEFAULT_PROJECT_ID=@@P",
        A=R(17, _ANU, pre="SC" + "W"),
        S=UUID(),
        P=PUB(UUID()),
    ),
    _t("pr_hetzner_cloud_token", "hcloud context create prod\nToken: @@S\nContext prod created and activated", S=R(64)),
    _t(
        "pr_exoscale_keys",
        "exo config add --key @@A --secret @@S",
        A=H(24, pre="EX" + "O"),
        S=R(43, _B64U),
    ),
    _t("pr_ibm_cloud_api_key", "ibmcloud login --apikey @@S -r eu-de", S=R(44, _B64U)),
    _t(
        "pr_oracle_auth_token",
        "docker login fra.ocir.io -u 'frbkz1qxyz/oracleidentitycloudservice/j.doe@acme.de' -p '@@S'",
        S=R(20, _AN + "()<>;:.[]{}#+-"),
    ),
    _t(
        "pr_binance_keys",
        "client = Client(api_key='@@A', api_secret='@@S')",
        A=R(64),
        S=R(64),
    ),
    _t("pr_cashfree_secret", "x-client-secret: @@S", S=C("cfsk_ma_" + "prod_", H(32), "_", H(8))),
    _t("pr_wechatpay_apiv3_key", "wechatpay:\n  mch-id: 1900009191\n  api-v3-key: @@S", S=R(32)),
    _t("pr_line_channel_token", "LINE_CHANNEL_ACCESS_TOKEN=@@S\nLINE_CHANNEL_SECRET=@@K", S=B64(129), K=H(32)),
    _t("pr_gocardless_token", "GOCARDLESS_ACCESS_TOKEN=@@S", S=R(40, _B64U, pre="li" + "ve_")),
    _t("pr_iyzico_keys", "IYZICO_API_KEY=@@A\nIYZICO_SECRET_KEY=@@S", A=R(32), S=R(32)),
)

# --- 3. people writing secrets to the agent, in many languages --------------------------------

MULTILINGUAL_CHAT: tuple[Planted, ...] = (
    _t("ml_german_root_pw", "hey, das root pw für den staging server ist @@P, bitte nicht weitergeben lol", P=HP("de")),
    _t(
        "ml_german_value_first",
        "@@P – das ist das neue WLAN-Passwort fürs Büro, kannst du das bitte in die config eintragen?",
        P=HP("de"),
    ),
    _t("ml_french_db", "salut, le mot de passe de la base c'est @@P (attention aux majuscules)", P=HP("fr")),
    _t("ml_french_api_key", "voilà ma clé api : @@K , mets-la dans le .env stp, merci !", K=OPENAI_PROJ),
    _t("ml_spanish_admin", "oye la contraseña del admin es @@P pero cambiala despues porfa", P=HP("es")),
    _t(
        "ml_spanish_latam_token",
        "Te paso el token de prod de mercado pago: @@K. No lo subas al repo!!",
        K=C("APP" + "_USR-", D(16), "-", D(6), "-", H(32), "-", D(9)),
    ),
    _t("ml_portuguese_br", "a senha do banco é @@P, usuário postgres. valeu!", P=HP("pt")),
    _t("ml_portuguese_pt", "A palavra-passe do servidor de email é «@@P». Não partilhes.", P=HP("pt")),
    _t("ml_italian", "ciao! la password del db è @@P, l'utente è admin. grazie mille", P=HP("it")),
    _t("ml_dutch", "het wachtwoord voor de NAS is @@P en de gebruikersnaam is beheerder", P=HP("nl")),
    _t("ml_polish", "hasło do panelu to @@P, login admin. zmień je potem pls", P=HP("pl")),
    _t("ml_russian_server", "пароль от сервера: @@P, логин root. порт 2222", P=HP("ru")),
    _t(
        "ml_russian_bot_token",
        "вот токен бота @@I:@@K — вставь его в конфиг, плиз",
        I=PUB(D(10)),
        K=TELEGRAM_SECRET,
    ),
    _t("ml_ukrainian", "ось пароль від адмінки @@P, нікому не кажи 🙂", P=HP("uk")),
    _t("ml_czech", "heslo k databázi je @@P a uživatel je app", P=HP("cs")),
    _t("ml_swedish", "lösenordet till routern är @@P btw, användare admin", P=HP("sv")),
    _t("ml_norwegian", "passordet er @@P, brukernavnet er drift", P=GP(14, "!#%")),
    _t("ml_danish", "adgangskoden til serveren er: @@P (husk at skifte den)", P=GP(16, "!-_")),
    _t("ml_finnish", "salasana on @@P ja käyttäjä on deploy", P=HP("fi")),
    _t("ml_turkish", "sunucunun şifresi @@P, kullanıcı adı ubuntu. kolay gelsin", P=HP("tr")),
    _t("ml_greek", "ο κωδικός για τη βάση είναι @@P, χρήστης postgres", P=HP("el")),
    _t("ml_hebrew", "הסיסמה לשרת היא @@P והמשתמש הוא admin", P=HP("he")),
    _t("ml_arabic", "كلمة المرور الخاصة بقاعدة البيانات هي @@P واسم المستخدم root", P=HP("ar")),
    _t("ml_persian", "رمز عبور سرور @@P هست، یوزر root", P=GP(12, "@#")),
    _t("ml_hinglish", "bhai server ka password @@P hai, user ubuntu. jaldi kar", P=HP("hi")),
    _t("ml_hindi", "सर्वर का पासवर्ड @@P है, यूज़र admin", P=HP("hi")),
    _t("ml_bengali", "ডাটাবেসের পাসওয়ার্ড হলো @@P, ইউজার root", P=GP(12, "#$")),
    _t("ml_urdu", "سرور کا پاس ورڈ @@P ہے", P=GP(14, "!@")),
    _t("ml_chinese_simplified", "数据库密码是@@P，用户名root，别外传", P=HP("zh")),
    _t("ml_chinese_traditional", "API 金鑰：@@K（請勿外流）", K=ANTHROPIC),
    _t("ml_japanese", "本番DBのパスワードは「@@P」です。ユーザーはapp_rwです。", P=HP("ja")),
    _t("ml_korean_password", "서버 비밀번호는 @@P 입니다. 유저는 ec2-user", P=HP("ko")),
    _t("ml_korean_token", "토큰: @@K 이거 .env에 넣어줘", K=GH_PAT),
    _t("ml_vietnamese", "mật khẩu wifi là @@P nha anh", P=HP("vi")),
    _t("ml_thai", "รหัสผ่านเซิร์ฟเวอร์คือ @@P ครับ ผู้ใช้ root", P=GP(12, "#!")),
    _t("ml_indonesian", "pw nya @@P ya, user root. jgn lupa ganti", P=HP("id")),
    _t("ml_malay", "kata laluan untuk db ialah @@P, nama pengguna admin", P=GP(13, "@!")),
    _t("ml_tagalog", "yung password ng admin ay @@P, wag mo ipagsabi haha", P=HP("en")),
    _t("ml_swahili", "nenosiri la seva ni @@P na mtumiaji ni admin", P=HP("sw")),
    _t("ml_romanian", "parola de la server e @@P, userul e root", P=HP("ro")),
    _t("ml_hungarian", "a jelszó @@P, a felhasználó admin", P=HP("hu")),
    _t(
        "ml_english_typos",
        "heres the pasword for the stagin db: @@P thx. usr is svc_app",
        P=HP("en"),
    ),
    _t("ml_english_value_first", "@@P <- thats the sudo pw on the build box", P=GP(18, "!@#$")),
    _t(
        "ml_german_aws_keys",
        "Hier die AWS Keys vom Kunden:\nAccess Key: @@A\nSecret: @@S\nbitte nur lokal verwenden",
        A=AWS_ID,
        S=AWS_SECRET,
    ),
)

# --- 4. the agent's own prose quoting a credential -------------------------------------------

AGENT_PROSE: tuple[Planted, ...] = (
    _t(
        "ap_found_in_settings",
        "I found the database password hard-coded in `config/settings.py` (`@@P`) and moved it into "
        "the `DATABASE_PASSWORD` environment variable.",
        P=HP("en"),
    ),
    _t(
        "ap_plan_uses_token",
        "Next, I'll authenticate with the token you provided (@@K) and list the organisation's repositories.",
        K=GH_PAT,
    ),
    _t(
        "ap_summary_bullet",
        'Summary of changes:\n- Replaced the hard-coded Stripe key @@K with `os.environ["STRIPE_API_KEY"]`\n'
        "- Added `.env` to `.gitignore`",
        K=STRIPE_LIVE,
    ),
    _t(
        "ap_redis_url_explanation",
        "The test fails because `REDIS_URL` points to redis://:@@P@localhost:6379/0, and the local "
        "Redis has no password set.",
        P=GP(24, ""),
    ),
    _t(
        "ap_will_run_psql",
        "I'll run `PGPASSWORD=@@P psql -h db.internal -U app -c 'select 1'` to check connectivity.",
        P=HP("en", "!#*"),
    ),
    _t(
        "ap_secret_key_committed",
        "Looking at the .env file, SECRET_KEY is set to '@@S' — this should be rotated since it was committed.",
        S=R(50, _LO + _DI + "!@#%^&*(-_=+)"),
    ),
    _t(
        "ap_access_token_from_response",
        "The response contains an access token (@@T) that expires in 3600 seconds; I'll reuse it for the next call.",
        T=JWT({"iss": "https://login.acme.io/", "sub": "svc-reporting", "aud": "api", "exp": 1795000000}, "RS256", 256),
    ),
    _t(
        "ap_webhook_secret_same",
        "I notice the webhook signing secret **@@S** is identical in staging and production.",
        S=R(32, pre="wh" + "sec_"),
    ),
    _t(
        "ap_decoded_basic",
        "Decoding the Authorization header: `@@B` is base64 for `deploy:@@P`.",
        B=B64S(GP(16, "!#"), "P", "deploy:"),
        P=X(GP(16, "!#"), "P"),
    ),
    _t(
        "ap_compose_change",
        "I've updated `docker-compose.yml` so that `POSTGRES_PASSWORD` is no longer the literal "
        '"@@P"; it now reads `${POSTGRES_PASSWORD}` from `.env`.',
        P=HP("es"),
    ),
    _t(
        "ap_sandbox_key_error",
        "The 401 happens because the key `@@K` belongs to the sandbox account, not production.",
        K=SG,
    ),
    _t(
        "ap_vault_root_token_note",
        "Note for later: the root token printed during `vault operator init` was @@T. You should revoke it "
        "once the admin policy is in place.",
        T=R(24, pre="hv" + "s."),
    ),
    _t(
        "ap_terraform_state",
        "According to the Terraform state, the RDS master password is @@P (resource aws_db_instance.main).",
        P=GP(20, "!#$%&*"),
    ),
    _t(
        "ap_login_attempt",
        "I tried logging in as `admin` with password @@P, but the server returned 403 Forbidden.",
        P=HP("it"),
    ),
    _t(
        "ap_jupyter_url",
        "The notebook server is up at http://127.0.0.1:8888/lab?token=@@T — open that link to continue.",
        T=H(48),
    ),
    _t(
        "ap_credentials_recap",
        "Quick recap of the credentials I used: MySQL root / @@P, Redis AUTH @@Q, MinIO access key @@A "
        "with secret @@S.",
        P=HP("pl"),
        Q=GP(32, ""),
        A=R(20, _ANU),
        S=R(40),
    ),
    _t(
        "ap_npmrc_removed",
        "The commit added `.npmrc` containing `_authToken=@@T`. I removed the file and added it to `.gitignore`.",
        T=NPM,
    ),
    _t(
        "ap_thinking_aloud",
        "Thinking: the user pasted an API key earlier (@@K). I should pass it as the `x-api-key` header rather "
        "than in the query string.",
        K=ANTHROPIC,
    ),
    _t(
        "ap_numbered_plan",
        "Plan:\n1. Export `AWS_ACCESS_KEY_ID=@@A` and `AWS_SECRET_ACCESS_KEY=@@S`.\n2. Run `aws s3 ls`.\n"
        "3. Sync the bucket.",
        A=AWS_ID,
        S=AWS_SECRET,
    ),
    _t(
        "ap_table_of_findings",
        "| File | Finding |\n|---|---|\n| `deploy/values.yaml` | Grafana admin password `@@P` |\n"
        "| `scripts/sync.sh` | GitLab token `@@K` |",
        P=HP("de"),
        K=GITLAB,
    ),
    _t(
        "ap_explain_connection_string",
        "The connection string Server=sql01;Database=Orders;User Id=sa;Password=@@P; uses the sa account, "
        "which is why the audit flagged it.",
        P=HP("fr", "!#*"),
    ),
    _t(
        "ap_quote_block",
        "Here is the relevant line from your `.env`:\n\n> SLACK_BOT_TOKEN=@@K\n\nThe bot token looks valid; "
        "the error comes from missing scopes.",
        K=SLACK_BOT,
    ),
    _t(
        "ap_parenthetical_password",
        "The backup archive is encrypted (password: @@P), so I extracted it with `7z x -p` first.",
        P=HP("sv"),
    ),
    _t(
        "ap_rotation_done",
        "Done. The old key @@O has been revoked and the new key @@N is stored in Secrets Manager under "
        "`prod/payments/stripe`.",
        O=STRIPE_LIVE,
        N=R(97, pre="sk_" + "live_51"),
    ),
    _t(
        "ap_git_remote_warning",
        "Warning: your git remote contains a token: https://oauth2:@@T@gitlab.com/acme/infra.git. "
        "I'd suggest using a credential helper instead.",
        T=GITLAB,
    ),
    _t(
        "ap_ssh_passphrase",
        'The key `~/.ssh/deploy_ed25519` is protected with the passphrase "@@P", which you gave me earlier; '
        "I've added it to the agent.",
        P=C(HP("en", "-"), " ", HP("en", "-")),
    ),
    _t(
        "ap_env_diff_explained",
        "In the new `.env.production`, `JWT_SECRET` changed from @@O to @@N, which invalidates all sessions.",
        O=R(32, _HX),
        N=R(64, _HX),
    ),
    _t(
        "ap_mongo_uri",
        "I connected with mongodb+srv://analytics:@@P@cluster0.x7kq2.mongodb.net/reports and the "
        "aggregation now returns 1,204 documents.",
        P=GP(16, ""),
    ),
    _t(
        "ap_status_update_hf",
        "Status: model upload finished using the Hugging Face token @@K; the repo is private.",
        K=HF,
    ),
    _t(
        "ap_inline_json",
        'The API expects {"client_id": "reporting", "client_secret": "@@S"} in the body of the token request.',
        S=R(40, _B64U),
    ),
    _t(
        "ap_wifi_for_device",
        "To provision the device I'll write SSID `Lab-5G` and PSK `@@P` into `wpa_supplicant.conf`.",
        P=HP("nl"),
    ),
    _t(
        "ap_sentence_end_colon",
        "The Keycloak admin console accepted these credentials — username: admin, password:@@P",
        P=GP(15, "%$"),
    ),
    _t(
        "ap_datadog_explanation",
        "I used the Datadog API key (@@A) and application key (@@B) to export the dashboard JSON.",
        A=H(32),
        B=H(40),
    ),
    _t(
        "ap_replay_curl",
        'Reproducing the call:\n```\ncurl -H "Authorization: Token @@T" https://api.acme.io/v2/reports\n```\n'
        "returns 200 with the expected body.",
        T=H(40),
    ),
    _t(
        "ap_smtp_settings",
        "SMTP works now: host smtp.office365.com, port 587, user noreply@contoso.com, password @@P.",
        P=HP("en"),
    ),
    _t(
        "ap_german_summary",
        "Zusammenfassung: Das Passwort für den Datenbanknutzer `shop` lautet jetzt @@P und ist in Vault hinterlegt.",
        P=HP("de"),
    ),
    _t(
        "ap_private_key_mention",
        "The Ethereum deployer key in `hardhat.config.js` is 0x@@K; anyone with it can drain the wallet, "
        "so I've removed it.",
        K=H(64),
    ),
    _t(
        "ap_openai_key_hint",
        "Your `OPENAI_API_KEY` (@@K) is being read correctly; the 429 errors are rate limits.",
        K=OPENAI_PROJ,
    ),
    _t(
        "ap_cookie_reuse",
        "I copied the session cookie `sessionid=@@S` from the browser devtools to call the admin API.",
        S=R(32, _ANL),
    ),
    _t(
        "ap_bullets_mixed",
        "- DB: `app` / `@@P`\n- Admin panel: `root@acme.io` / `@@Q`\n- Mailgun: `@@K`",
        P=HP("pt"),
        Q=HP("en"),
        K=C(H(32), "-", H(8), "-", H(8)),
    ),
)

# --- 5. terminal sessions --------------------------------------------------------------------

TERMINAL_SESSIONS: tuple[Planted, ...] = (
    _t(
        "ts_mysql_inline_password",
        "dev@web01:~$ mysql -h 10.0.4.12 -u root -p@@P shop_prod\nmysql: [Warning] Using a password on the "
        "command line interface can be insecure.\nWelcome to the MySQL monitor.",
        P=HP("en", "!#*"),
    ),
    _t(
        "ts_psql_uri",
        "$ psql 'postgresql://reporting:@@P@pg-prod.internal:5432/analytics?sslmode=require'\npsql (16.2)\nanalytics=>",
        P=GP(20, "-_"),
    ),
    _t(
        "ts_redis_cli_auth",
        "$ redis-cli -h cache.internal -a '@@P' --no-auth-warning ping\nPONG",
        P=GP(32, ""),
    ),
    _t(
        "ts_docker_login_flag",
        "❯ docker login registry.acme.io -u ci-bot -p @@P\nWARNING! Using --password via the CLI is insecure. "
        "Use --password-stdin.\nLogin Succeeded",
        P=GP(22, "#%+="),
    ),
    _t(
        "ts_kubectl_create_secret",
        "$ kubectl -n payments create secret generic db-creds --from-literal=username=payments "
        "--from-literal=password='@@P'\nsecret/db-creds created",
        P=HP("de"),
    ),
    _t(
        "ts_kubectl_get_secret_decoded",
        "$ kubectl get secret api-keys -o jsonpath='{.data.STRIPE_KEY}' | base64 -d\n@@K",
        K=STRIPE_LIVE,
    ),
    _t(
        "ts_kubectl_get_secret_yaml",
        "$ kubectl get secret grafana -o yaml\napiVersion: v1\ndata:\n  admin-password: @@B\n  admin-user: YWRtaW4=\n"
        "kind: Secret",
        B=B64S(HP("en"), "P"),
    ),
    _t(
        "ts_aws_configure",
        "$ aws configure\nAWS Access Key ID [None]: @@A\nAWS Secret Access Key [None]: @@S\n"
        "Default region name [None]: us-east-2\nDefault output format [None]: json",
        A=AWS_ID,
        S=AWS_SECRET,
    ),
    _t(
        "ts_aws_sts_output",
        "$ aws sts assume-role --role-arn arn:aws:iam::123456789012:role/deploy --role-session-name ci\n{\n"
        '    "Credentials": {\n        "AccessKeyId": "@@A",\n        "SecretAccessKey": "@@S",\n'
        '        "SessionToken": "@@T",\n        "Expiration": "2026-11-27T15:04:05+00:00"\n    }\n}',
        A=R(16, _ANU, pre="AS" + "IA"),
        S=AWS_SECRET,
        T=R(356, _B64A, pre="FwoGZXIvYXdz" + "E"),
    ),
    _t(
        "ts_gcloud_print_token",
        "$ gcloud auth print-access-token\n@@T",
        T=R(220, _B64U, pre="ya" + "29.c."),
    ),
    _t(
        "ts_az_sp_create",
        '$ az ad sp create-for-rbac --name gh-deploy --role contributor\n{\n  "appId": "@@U",\n'
        '  "displayName": "gh-deploy",\n  "password": "@@S",\n  "tenant": "@@T"\n}',
        U=PUB(UUID()),
        S=C(R(3, _AN), D(1), "Q~", R(34, _AN + "_.~-")),
        T=PUB(UUID()),
    ),
    _t(
        "ts_vault_kv_get",
        "$ vault kv get secret/payments/db\n====== Data ======\nKey         Value\n---         -----\n"
        "password    @@P\nusername    payments_rw",
        P=GP(24, "-_"),
    ),
    _t(
        "ts_vault_operator_init",
        "$ vault operator init -key-shares=3 -key-threshold=2\nUnseal Key 1: @@A\nUnseal Key 2: @@B\n"
        "Unseal Key 3: @@C\n\nInitial Root Token: @@T",
        A=B64(33),
        B=B64(33),
        C=B64(33),
        T=R(24, pre="hv" + "s."),
    ),
    _t(
        "ts_sshpass",
        "[ops@bastion ~]$ sshpass -p '@@P' ssh -o StrictHostKeyChecking=no admin@192.168.10.21 uptime",
        P=HP("fr", "!#*"),
    ),
    _t(
        "ts_curl_user",
        "$ curl -su admin:@@P https://jenkins.acme.io/api/json?pretty=true | head",
        P=HP("en", "!*_"),
    ),
    _t(
        "ts_httpie_bearer",
        "$ http GET https://api.acme.io/v1/me 'Authorization:Bearer @@T'\nHTTP/1.1 200 OK",
        T=R(43, _B64U),
    ),
    _t(
        "ts_git_clone_token",
        "$ git clone https://@@T@github.com/acme-corp/terraform-modules.git\nCloning into 'terraform-modules'...",
        T=GH_PAT,
    ),
    _t(
        "ts_mongosh",
        '$ mongosh "mongodb+srv://admin:@@P@prod.ab12c.mongodb.net/?retryWrites=true"\nCurrent Mongosh Log ID: '
        "6745f0c2e1",
        P=GP(16, ""),
    ),
    _t(
        "ts_heroku_config",
        "$ heroku config -a acme-api\n=== acme-api Config Vars\nDATABASE_URL:      postgres://u7a1:@@P@"
        "ec2-54-1-2-3.compute-1.amazonaws.com:5432/d9\nSECRET_KEY_BASE:   @@S",
        P=H(64),
        S=H(128),
    ),
    _t(
        "ts_cat_netrc",
        "$ cat ~/.netrc\nmachine api.heroku.com\n  login ops@acme.io\n  password @@T\nmachine git.heroku.com\n"
        "  login ops@acme.io\n  password @@T",
        T=UUID(pre="HRKU-"),
    ),
    _t(
        "ts_env_grep",
        "$ env | grep -i -E 'token|key'\nGITLAB_TOKEN=@@G\nOPENAI_API_KEY=@@O\nSSH_AUTH_SOCK=/tmp/ssh-XXXX/agent.1",
        G=GITLAB,
        O=OPENAI_PROJ,
    ),
    _t(
        "ts_terraform_output_raw",
        "$ terraform output -raw admin_password\n@@P$ ",
        P=GP(16, "!#$%&*()-_=+[]{}<>:?"),
    ),
    _t(
        "ts_openssl_enc",
        "$ openssl enc -aes-256-cbc -salt -pbkdf2 -in backup.tar -out backup.tar.enc -k '@@P'",
        P=HP("it"),
    ),
    _t("ts_7z_password", "PS C:\\backup> 7z a -p@@P -mhe=on archive.7z .\\data\\", P=HP("de", "!#_")),
    _t("ts_gh_auth_token", "$ gh auth token\n@@T", T=R(36, pre="gh" + "o_")),
    _t(
        "ts_npm_config_set",
        "$ npm config set //npm.pkg.github.com/:_authToken @@T",
        T=GH_PAT,
    ),
    _t(
        "ts_pip_index_url",
        "$ pip install --index-url https://build:@@P@nexus.acme.io/repository/pypi/simple acme-sdk",
        P=GP(20, ""),
    ),
    _t(
        "ts_mc_alias",
        "$ mc alias set minio http://minio.lan:9000 @@A @@S\nAdded `minio` successfully.",
        A=R(20, _ANU),
        S=R(40),
    ),
    _t("ts_smbclient", "$ smbclient //fs01/finance -U 'CORP\\jdoe%@@P' -c 'ls'", P=HP("en", "!#")),
    _t(
        "ts_ldapsearch",
        "$ ldapsearch -x -H ldaps://dc1.corp.local -D "
        "'cn=svc_ldap,ou=svc,dc=corp,dc=local' -w '@@P' -b 'dc=corp,dc=local'",
        P=GP(18, "!#$%"),
    ),
    _t(
        "ts_sqlcmd",
        'C:\\> sqlcmd -S tcp:sql01,1433 -U sa -P "@@P" -Q "SELECT name FROM sys.databases"',
        P=HP("es", "!#*"),
    ),
    _t(
        "ts_influx_auth_create",
        "$ influx auth create --org acme --all-access\nID\t\t\tDescription\tToken\t\t\t\tUser Name\n"
        "0a1b2c3d4e5f6a7b\t\t\t@@T\tadmin",
        T=B64(64, url=True, pad=False, suf="=="),
    ),
    _t(
        "ts_firebase_login_ci",
        "$ firebase login:ci\n✔  Success! Use this token to login on a CI server:\n\n@@T\n\n"
        'Example: firebase deploy --token "$FIREBASE_TOKEN"',
        T=R(100, _B64U, pre="1//0" + "g"),
    ),
    _t(
        "ts_ngrok_authtoken",
        "$ ngrok config add-authtoken @@T\nAuthtoken saved to configuration file",
        T=C(R(27), "_", R(21)),
    ),
    _t(
        "ts_export_then_echo",
        "bash-5.2$ export PGPASSWORD='@@P'\nbash-5.2$ echo $PGPASSWORD\n@@P",
        P=HP("pl", "!#*"),
    ),
    _t(
        "ts_psql_create_user",
        "postgres=# CREATE USER metabase WITH PASSWORD '@@P';\nCREATE ROLE",
        P=GP(20, "!#$%"),
    ),
    _t(
        "ts_redis_config_get",
        '127.0.0.1:6379> CONFIG GET requirepass\n1) "requirepass"\n2) "@@P"',
        P=GP(40, ""),
    ),
    _t(
        "ts_powershell_securestring",
        'PS> $pw = ConvertTo-SecureString "@@P" -AsPlainText -Force\nPS> New-LocalUser -Name svc_backup -Password $pw',
        P=HP("en", "!#*"),
    ),
    _t(
        "ts_docker_run_env",
        "$ docker run -d --name pg -e POSTGRES_PASSWORD=@@P -p 5432:5432 postgres:16\n@@I",
        P=HP("en", "!_"),
        I=PUB(H(64)),
    ),
    _t(
        "ts_wrangler_secret_put",
        "$ echo @@T | npx wrangler secret put OPENAI_API_KEY\n✨ Success! Uploaded secret OPENAI_API_KEY",
        T=OPENAI_PROJ,
    ),
)

# --- 6. configuration formats ----------------------------------------------------------------

CONFIG_FORMATS: tuple[Planted, ...] = (
    _t(
        "cf_dotenv_quoted_comment",
        '# --- database ---\nDB_HOST=db\nDB_USER=shop\nDB_PASSWORD="@@P" # rotated 2026-10\nDB_NAME=shop',
        P=HP("en"),
    ),
    _t(
        "cf_yaml_nested",
        "spring:\n  datasource:\n    url: jdbc:postgresql://db:5432/orders\n    username: orders\n    password: @@P\n",
        P=HP("de", "!#_"),
    ),
    _t(
        "cf_yaml_quoted_api_key",
        'integrations:\n  openai:\n    model: gpt-4o-mini\n    api_key: "@@K"\n',
        K=OPENAI_PROJ,
    ),
    _t(
        "cf_toml_table",
        '[database]\nhost = "127.0.0.1"\nport = 5432\nuser = "app"\npassword = "@@P"\n',
        P=HP("fr"),
    ),
    _t(
        "cf_ini_section",
        "[smtp]\nserver = smtp.gmail.com\nport = 587\nusername = alerts@acme.io\npassword = @@P\n",
        P=R(16, _LO),
    ),
    _t(
        "cf_json_appsettings",
        '{\n  "ConnectionStrings": {\n    "Default": "Server=tcp:acme.database.windows.net,1433;Database=crm;'
        'User ID=crmadmin;Password=@@P;Encrypt=True;"\n  }\n}',
        P=HP("en", "!#*"),
    ),
    _t(
        "cf_xml_web_config",
        '<connectionStrings>\n  <add name="Main" connectionString="Data Source=SQL02;Initial Catalog=Billing;'
        'User Id=billing;Password=@@P;" providerName="System.Data.SqlClient" />\n</connectionStrings>',
        P=HP("nl", "!#*"),
    ),
    _t(
        "cf_maven_settings",
        "<server>\n  <id>nexus-releases</id>\n  <username>deployment</username>\n  <password>@@P</password>\n</server>",
        P=GP(20, "!#$%*"),
    ),
    _t(
        "cf_hcl_provider",
        'provider "github" {\n  owner = "acme-corp"\n  token = "@@T"\n}',
        T=GH_PAT,
    ),
    _t(
        "cf_tfvars",
        'db_username = "admin"\ndb_password = "@@P"\ninstance_class = "db.t4g.medium"',
        P=GP(24, "!#$%&*"),
    ),
    _t(
        "cf_java_properties",
        "spring.mail.host=smtp.sendgrid.net\nspring.mail.username=apikey\nspring.mail.password=@@K",
        K=SG,
    ),
    _t(
        "cf_kafka_jaas",
        "sasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
        'username="@@U" password="@@P";',
        U=PUB(R(16, _ANU)),
        P=R(64, _B64A),
    ),
    _t(
        "cf_nginx_basic_header",
        "location /upstream/ {\n    proxy_pass https://legacy.internal;\n"
        '    proxy_set_header Authorization "Basic @@B";\n}',
        B=B64S(GP(14, ""), "P", "svc_proxy:"),
    ),
    _t(
        "cf_apache_ldap_bind",
        'AuthLDAPURL "ldap://dc1.corp.local/ou=people,dc=corp,dc=local?uid"\n'
        'AuthLDAPBindDN "cn=apache,ou=svc,dc=corp,dc=local"\nAuthLDAPBindPassword "@@P"',
        P=HP("en", "!#*"),
    ),
    _t(
        "cf_systemd_environment",
        '[Service]\nEnvironment=NODE_ENV=production\nEnvironment="API_TOKEN=@@T"\nExecStart=/usr/bin/node server.js',
        T=H(40),
    ),
    _t(
        "cf_compose_env_list",
        "services:\n  db:\n    image: mariadb:11\n    environment:\n      - MARIADB_ROOT_PASSWORD=@@R\n"
        "      - MARIADB_PASSWORD=@@P\n      - MARIADB_USER=wp",
        R=GP(20, "!#%"),
        P=HP("en", "!#_"),
    ),
    _t(
        "cf_k8s_secret_data",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: smtp\ntype: Opaque\ndata:\n  password: @@B\n",
        B=B64S(HP("sv"), "P"),
    ),
    _t(
        "cf_k8s_secret_stringdata",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: openai\nstringData:\n  OPENAI_API_KEY: @@K\n",
        K=OPENAI_PROJ,
    ),
    _t(
        "cf_github_actions_env",
        "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n "
        "     NPM_TOKEN: @@T\n    steps:\n      - run: npm publish",
        T=NPM,
    ),
    _t(
        "cf_gitlab_ci_variables",
        'variables:\n  DOCKER_DRIVER: overlay2\n  SONAR_TOKEN: "@@T"\n',
        T=H(40, pre="sq" + "p_"),
    ),
    _t(
        "cf_jenkinsfile_env",
        "environment {\n    ARTIFACTORY_PASSWORD = '@@P'\n    ARTIFACTORY_USER = 'ci'\n}",
        P=R(73, pre="AK" + "Cp"),
    ),
    _t(
        "cf_pypirc",
        "[pypi]\nusername = __token__\npassword = @@T\n",
        T=R(150, _B64U, pre="py" + "pi-AgEIcHlwaS5vcmcCJ"),
    ),
    _t(
        "cf_pip_conf", "[global]\nindex-url = https://deploy:@@P@artifactory.acme.io/api/pypi/pypi/simple", P=GP(20, "")
    ),
    _t("cf_pgpass", "db-prod.internal:5432:*:report_ro:@@P", P=HP("en", "!#_")),
    _t("cf_my_cnf", '[client]\nuser=backup\npassword="@@P"\nhost=127.0.0.1', P=HP("ru", "!#*")),
    _t("cf_redis_conf", "# requirepass foobared\nrequirepass @@P\nmaxmemory 2gb", P=H(64)),
    _t(
        "cf_wpa_supplicant",
        'network={\n    ssid="Acme-Office"\n    psk="@@P"\n    key_mgmt=WPA-PSK\n}',
        P=HP("de"),
    ),
    _t(
        "cf_rclone_conf",
        "[b2]\ntype = b2\naccount = @@A\nkey = @@K\nhard_delete = true",
        A=PUB(H(12)),
        K=R(27, pre="K00" + "5"),
    ),
    _t("cf_git_credentials", "https://jdoe:@@T@gitlab.example.org", T=GITLAB),
    _t(
        "cf_docker_config_json",
        '{\n  "auths": {\n    "ghcr.io": {\n      "auth": "@@B"\n    }\n  }\n}',
        B=B64S(GH_PAT, "T", "acme-bot:"),
    ),
    _t(
        "cf_kubeconfig_token",
        "users:\n- name: ci-deployer\n  user:\n    token: @@T\n",
        T=JWT({"iss": "kubernetes/serviceaccount", "sub": "system:serviceaccount:ci:deployer"}, "RS256", 256),
    ),
    _t(
        "cf_php_env_array",
        "return [\n    'driver' => 'mysql',\n    'username' => 'laravel',\n    'password' => '@@P',\n];",
        P=HP("tr"),
    ),
    _t(
        "cf_grafana_ini",
        "[security]\nadmin_user = admin\nadmin_password = @@P\nsecret_key = @@S",
        P=HP("en"),
        S=R(16),
    ),
    _t(
        "cf_haproxy_stats",
        "listen stats\n    bind :8404\n    stats enable\n    stats auth admin:@@P",
        P=HP("fr", "!#*"),
    ),
    _t(
        "cf_filebeat_output",
        'output.elasticsearch:\n  hosts: ["https://es.acme.io:9243"]\n  api_key: "@@I:@@K"',
        I=PUB(R(20, _B64U)),
        K=R(22, _B64U),
    ),
    _t(
        "cf_cargo_credentials",
        '[registries.crates-io]\ntoken = "@@T"',
        T=R(32, pre="ci" + "o"),
    ),
    _t(
        "cf_composer_auth",
        '{\n    "http-basic": {\n        "repo.packagist.com": {\n            "username": "token",\n'
        '            "password": "@@T"\n        }\n    }\n}',
        T=H(64),
    ),
    _t(
        "cf_gradle_properties",
        "org.gradle.jvmargs=-Xmx2g\nsigning.password=@@P\nossrhPassword=@@Q",
        P=HP("en"),
        Q=GP(20, ""),
    ),
    _t(
        "cf_ansible_vars",
        'mysql_root_password: "@@P"\nansible_become_pass: @@B\n',
        P=GP(20, "!#%"),
        B=HP("en", "!#_"),
    ),
    _t(
        "cf_openvpn_auth",
        "# /etc/openvpn/client/auth.txt\nvpn.jdoe\n@@P",
        P=HP("pt"),
    ),
    _t(
        "cf_airflow_conn_uri",
        "AIRFLOW_CONN_WAREHOUSE='snowflake://etl_user:@@P@ab12345/ANALYTICS/PUBLIC?warehouse=ETL_WH&role=ETL'",
        P=GP(20, "-_."),
    ),
)

# --- 7. code in many languages ---------------------------------------------------------------

CODE_LANGUAGES: tuple[Planted, ...] = (
    _t(
        "cl_python_requests_auth",
        'resp = requests.get(f"{BASE}/export", auth=("reporting", "@@P"), timeout=30)',
        P=HP("en"),
    ),
    _t(
        "cl_python_boto3_client",
        's3 = boto3.client(\n    "s3",\n    aws_access_key_id="@@A",\n    aws_secret_access_key="@@S",\n)',
        A=AWS_ID,
        S=AWS_SECRET,
    ),
    _t("cl_python_environ_setdefault", 'os.environ.setdefault("ANTHROPIC_API_KEY", "@@K")', K=ANTHROPIC),
    _t(
        "cl_python_dict_literal",
        'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "shop", "USER": "shop", '
        '"PASSWORD": "@@P"}}',
        P=HP("it"),
    ),
    _t("cl_js_const", "const apiKey = '@@K';\nconst client = new OpenAI({ apiKey });", K=OPENAI_PROJ),
    _t("cl_js_stripe_ctor", "const stripe = require('stripe')('@@K');", K=STRIPE_LIVE),
    _t(
        "cl_ts_fetch_headers",
        "await fetch(url, {\n  headers: { Authorization: `Bearer @@T`, 'Content-Type': 'application/json' },\n});",
        T=R(40, _B64U, pre="lin" + "_oauth_"),
    ),
    _t(
        "cl_go_struct_literal",
        'cfg := mysql.Config{\n\tUser:   "orders",\n\tPasswd: "@@P",\n\tNet:    "tcp",\n\tAddr:   "db:3306",\n}',
        P=GP(18, "!#%"),
    ),
    _t("cl_go_setenv", 'os.Setenv("SLACK_TOKEN", "@@T")', T=SLACK_BOT),
    _t(
        "cl_rust_bearer_auth",
        'let resp = client\n    .get("https://api.acme.io/v2/items")\n'
        '    .bearer_auth("@@T")\n    .send()\n    .await?;',
        T=R(48, _B64U),
    ),
    _t("cl_rust_const", 'const HF_TOKEN: &str = "@@T";', T=HF),
    _t(
        "cl_java_driver_manager",
        'Connection conn = DriverManager.getConnection("jdbc:oracle:thin:@//ora01:1521/ORCL", "HR", "@@P");',
        P=HP("en", "#_"),
    ),
    _t(
        "cl_java_properties_put",
        'props.put("mail.smtp.password", "@@P");\nprops.put("mail.smtp.user", "noreply@acme.io");',
        P=R(16, _LO),
    ),
    _t(
        "cl_kotlin_val",
        'private val telegramToken = "@@I:@@K"',
        I=PUB(D(10)),
        K=TELEGRAM_SECRET,
    ),
    _t("cl_swift_let", 'let revenueCatKey = "@@K"', K=R(32, pre="sk" + "_")),
    _t(
        "cl_csharp_network_credential",
        'var creds = new NetworkCredential("svc_sharepoint", "@@P", "CORP");',
        P=HP("en", "!#*"),
    ),
    _t(
        "cl_csharp_connection_string",
        'var cs = "Host=pg01;Username=erp;Password=@@P;Database=erp";',
        P=HP("de", "!#*"),
    ),
    _t("cl_php_variable", "$dbPassword = '@@P';\n$pdo = new PDO($dsn, 'wordpress', $dbPassword);", P=HP("fr")),
    _t("cl_php_define", "define('AUTH_KEY', '@@S');", S=R(64, _AN + "!@#$%^&*()-_[]{}<>~`+=,.;:/?|")),
    _t(
        "cl_ruby_hash",
        "Aws.config.update(credentials: Aws::Credentials.new('@@A', '@@S'))",
        A=AWS_ID,
        S=AWS_SECRET,
    ),
    _t(
        "cl_scala_config",
        'val db = Database.forURL("jdbc:postgresql://db/app", user = "app", password = "@@P")',
        P=GP(20, ""),
    ),
    _t("cl_c_define", '#define MQTT_PASSWORD "@@P"\n#define MQTT_USER "sensor-17"', P=HP("en", "!#")),
    _t("cl_cpp_std_string", 'const std::string kApiKey{"@@K"};', K=GOOGLE_KEY),
    _t("cl_arduino_wifi", 'const char* ssid = "HomeNet";\nconst char* password = "@@P";', P=HP("es")),
    _t(
        "cl_bash_script",
        '#!/usr/bin/env bash\nset -euo pipefail\nTOKEN="@@T"\ncurl -H "Authorization: token $TOKEN" "$API"',
        T=GH_PAT,
    ),
    _t(
        "cl_powershell_credential",
        '$secpw = ConvertTo-SecureString -String "@@P" -AsPlainText -Force\n'
        "$cred = New-Object System.Management.Automation.PSCredential ('CORP\\svc_sql', $secpw)",
        P=HP("en", "!#*"),
    ),
    _t("cl_r_sys_setenv", 'Sys.setenv(OPENAI_API_KEY = "@@K")', K=OPENAI_PROJ),
    _t(
        "cl_dart_flutter",
        "static const String _supabaseServiceKey = '@@K';",
        K=JWT({"iss": "supabase", "role": "service_role"}),
    ),
    _t(
        "cl_elixir_config",
        'config :my_app, MyApp.Mailer,\n  adapter: Swoosh.Adapters.Sendgrid,\n  api_key: "@@K"',
        K=SG,
    ),
    _t("cl_lua_table", 'local cfg = { host = "10.0.0.5", user = "game", pass = "@@P" }', P=GP(16, "")),
    _t("cl_perl_dbi", 'my $dbh = DBI->connect("DBI:mysql:database=crm;host=db", "crm", "@@P");', P=HP("en", "!#")),
    _t("cl_haskell", 'apiToken :: Text\napiToken = "@@T"', T=DO),
    _t(
        "cl_sql_create_user",
        "CREATE USER 'grafana'@'%' IDENTIFIED BY '@@P';\nGRANT SELECT ON metrics.* TO 'grafana'@'%';",
        P=HP("en"),
    ),
    _t("cl_sql_alter_role", "ALTER ROLE app_rw WITH LOGIN PASSWORD '@@P' VALID UNTIL '2027-01-01';", P=GP(22, "!#%")),
    _t("cl_objc", 'NSString *const kAPISecret = @"@@S";', S=H(64)),
    _t("cl_clojure", '(def config {:db-user "ledger" :db-password "@@P"})', P=HP("en")),
    _t(
        "cl_groovy",
        "def nexusPassword = '@@P'\nrepositories { maven { credentials { password nexusPassword } } }",
        P=GP(20, ""),
    ),
    _t(
        "cl_python_kwargs_builder",
        "client = (\n    Minio.builder()\n    .endpoint('s3.acme.io')\n    .credentials('@@A', '@@S')\n    .build()\n)",
        A=R(20, _ANU),
        S=R(40),
    ),
    _t(
        "cl_java_builder",
        "AmazonS3 s3 = AmazonS3ClientBuilder.standard()\n    .withCredentials(new AWSStaticCredentialsProvider("
        'new BasicAWSCredentials("@@A", "@@S")))\n    .build();',
        A=AWS_ID,
        S=AWS_SECRET,
    ),
    _t(
        "cl_ts_object_map",
        "export const providers = {\n  mistral: { apiKey: '@@M' },\n  cohere: { apiKey: '@@C' },\n};",
        M=R(32),
        C=R(40),
    ),
    _t("cl_go_map", 'headers := map[string]string{"X-Api-Key": "@@K", "Accept": "application/json"}', K=H(32)),
)

# --- 8. logs and HTTP ------------------------------------------------------------------------

LOGS_AND_HTTP: tuple[Planted, ...] = (
    _t(
        "lh_request_bearer_header",
        "GET /v1/accounts HTTP/1.1\nHost: api.acme.io\nAuthorization: Bearer @@T\nAccept: */*",
        T=R(64, _B64U),
    ),
    _t(
        "lh_cookie_header",
        "Cookie: csrftoken=@@C; sessionid=@@S; _ga=GA1.2.1234567890.1700000000",
        C=R(32),
        S=R(32, _ANL),
    ),
    _t(
        "lh_set_cookie",
        "HTTP/2 200\nset-cookie: __Host-session=@@S; Path=/; Secure; HttpOnly; SameSite=Lax\ncontent-type: text/html",
        S=R(43, _B64U),
    ),
    _t(
        "lh_query_api_key",
        '203.0.113.7 - - [27/Nov/2026:10:14:02 +0000] "GET /v2/forecast?lat=52.5&lon=13.4&apikey=@@K HTTP/1.1" 200 812',
        K=H(32),
    ),
    _t(
        "lh_oauth_callback_code",
        '10.2.0.14 - - [27/Nov/2026:10:15:44 +0000] "GET /auth/callback?code=@@C&state=@@S HTTP/1.1" 302 0',
        C=R(40, _B64U, pre="4/0A"),
        S=PUB(R(16)),
    ),
    _t(
        "lh_implicit_fragment",
        "redirecting to https://app.acme.io/#access_token=@@T&token_type=Bearer&expires_in=3599",
        T=R(190, _B64U, pre="ya" + "29.a0"),
    ),
    _t(
        "lh_curl_verbose_basic",
        "* Connected to registry.acme.io (10.0.3.4) port 443\n> GET /v2/_catalog HTTP/2\n> Host: registry.acme.io\n"
        "> authorization: Basic @@B\n> user-agent: curl/8.5.0\n< HTTP/2 200",
        B=B64S(GP(18, "!#"), "P", "ci:"),
    ),
    _t(
        "lh_app_log_db_url",
        "2026-11-27 10:16:03,481 INFO  [db] connecting to postgresql://orders:@@P@10.0.5.20:5432/orders",
        P=GP(20, "-_"),
    ),
    _t(
        "lh_python_debug_headers",
        'DEBUG:urllib3.connectionpool:https://api.acme.io:443 "POST /v1/jobs HTTP/1.1" 201 None\n'
        "DEBUG:client:request headers={'X-Api-Key': '@@K', 'User-Agent': 'acme-sdk/2.1'}",
        K=R(40),
    ),
    _t(
        "lh_python_traceback_locals",
        'Traceback (most recent call last):\n  File "/app/sync.py", line 88, in connect\n'
        "    conn = psycopg.connect(dsn)\n    dsn = 'host=db user=sync password=@@P dbname=crm'\n"
        "psycopg.OperationalError: connection failed",
        P=HP("en", "!#*"),
    ),
    _t(
        "lh_rails_params",
        'Started POST "/users/sign_in" for 127.0.0.1\nProcessing by Devise::SessionsController#create as HTML\n'
        '  Parameters: {"authenticity_token"=>"[FILTERED]", "user"=>{"email"=>"ana@acme.io", "password"=>"@@P"}}',
        P=HP("pt"),
    ),
    _t(
        "lh_json_log_authorization",
        '{"ts":"2026-11-27T10:17:00Z","level":"debug","msg":"outgoing","headers":{"authorization":"Bearer @@T",'
        '"x-request-id":"@@R"}}',
        T=SLACK_BOT,
        R=PUB(UUID()),
    ),
    _t(
        "lh_token_response_body",
        '< HTTP/1.1 200 OK\n< Content-Type: application/json\n{"access_token":"@@A","token_type":"Bearer",'
        '"expires_in":3600,"refresh_token":"@@R","scope":"offline_access"}',
        A=R(64, _B64U),
        R=R(64, _B64U),
    ),
    _t(
        "lh_har_entry",
        '{"name": "Authorization", "value": "Bearer @@T"},\n{"name": "X-Client-Version", "value": "5.12.0"}',
        T=JWT({"sub": "4711", "scope": "read write", "iss": "https://auth.acme.io"}, "ES256", 64),
    ),
    _t(
        "lh_proxy_authorization",
        "CONNECT api.openai.com:443 HTTP/1.1\nProxy-Authorization: Basic @@B",
        B=B64S(HP("de", "!#_"), "P", "jdoe:"),
    ),
    _t(
        "lh_s3_presigned",
        "GET https://acme-reports.s3.eu-central-1.amazonaws.com/q3.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&"
        "X-Amz-Credential=@@A%2F20261127%2Feu-central-1%2Fs3%2Faws4_request&X-Amz-Date=20261127T101800Z&"
        "X-Amz-Expires=604800&X-Amz-Security-Token=@@T&X-Amz-SignedHeaders=host&X-Amz-Signature=@@S",
        A=R(16, _ANU, pre="AS" + "IA"),
        T=X(R(300, _B64A, pre="IQoJb3JpZ2luX2Vj" + "EJ"), "T", _q),
        S=H(64),
    ),
    _t(
        "lh_slack_webhook_error",
        "ERROR notifier: POST https://hooks.slack.com/services/@@T/@@B/@@S failed: 404 no_service",
        T=PUB(R(10, _ANU, pre="T")),
        B=PUB(R(10, _ANU, pre="B")),
        S=R(24),
    ),
    _t(
        "lh_k8s_audit",
        '{"kind":"Event","verb":"get","user":{"username":"system:serviceaccount:ci:deployer"},'
        '"requestURI":"/api/v1/namespaces/ci/secrets","annotations":{"token":"@@T"}}',
        T=JWT({"iss": "kubernetes/serviceaccount", "sub": "system:serviceaccount:ci:deployer"}, "RS256", 256),
    ),
    _t(
        "lh_grpc_metadata",
        "I1127 10:19:07.112 client.go:211] grpc call /billing.v1.Invoices/List metadata=map[authorization:[Bearer @@T] "
        "x-tenant:[acme]]",
        T=R(48, _B64U),
    ),
    _t(
        "lh_websocket_url",
        "WebSocket connection to 'wss://rt.acme.io/socket?token=@@T&vsn=2.0.0' failed",
        T=H(40),
    ),
    _t(
        "lh_django_debug_page",
        "Settings\nSetting                Value\nDEBUG                  True\n"
        "SECRET_KEY             '@@S'\nALLOWED_HOSTS          ['*']",
        S=C("django-insecure-", R(50, _LO + _DI + "!@#$%^&*(-_=+)")),
    ),
    _t("lh_laravel_app_key", "[2026-11-27 10:20:11] production.ERROR: MAC is invalid. APP_KEY=base64:@@K", K=B64(32)),
    _t(
        "lh_nginx_error_upstream",
        "2026/11/27 10:21:40 [error] 3121#3121: *88 upstream timed out, client: 198.51.100.9, request: "
        '"GET /api/export?access_token=@@T HTTP/1.1", upstream: "http://10.0.0.8:8080/api/export"',
        T=R(40, _B64U),
    ),
    _t(
        "lh_java_stack_with_url",
        "org.springframework.jdbc.CannotGetJdbcConnectionException: Failed to obtain JDBC Connection\n"
        "\tat ... url=jdbc:mysql://db01:3306/erp?user=erp&password=@@P&useSSL=true",
        P=HP("en", "!*_"),
    ),
    _t(
        "lh_node_unhandled_rejection",
        "UnhandledPromiseRejection: Error: Request failed with status code 401\n    config: {\n      headers: {\n"
        "        'X-Shopify-Access-Token': '@@T',\n      },\n    }",
        T=H(32, pre="shp" + "at_"),
    ),
    _t(
        "lh_sentry_breadcrumb",
        '{"category":"http","data":{"url":"https://api.twilio.com/2010-04-01/Accounts/@@I/Messages.json",'
        '"auth":"@@I:@@S","status_code":201}}',
        I=PUB(H(32, pre="AC")),
        S=H(32),
    ),
    _t(
        "lh_x_api_key_response_echo",
        'HTTP/1.1 403 Forbidden\nx-amzn-ErrorType: ForbiddenException\n\n{"message":"Invalid API key @@K"}',
        K=R(40),
    ),
    _t(
        "lh_smtp_session_auth",
        "C: EHLO client.acme.io\nS: 250-AUTH PLAIN LOGIN\nC: AUTH PLAIN @@B\nS: 235 2.7.0 Authentication successful",
        B=B64S(HP("en", "!#_"), "P", "\0alerts@acme.io\0"),
    ),
    _t(
        "lh_ftp_session",
        "220 (vsFTPd 3.0.5)\nUSER upload\n331 Please specify the password.\nPASS @@P\n230 Login successful.",
        P=HP("en", "!#"),
    ),
    _t(
        "lh_syslog_sudo_pw_typed",
        "Nov 27 10:22:05 web01 sshd[2211]: Failed password for invalid user @@P from 203.0.113.50 port 51122 ssh2",
        P=HP("fi", "!#"),
    ),
    _t(
        "lh_webhook_signature_secret_log",
        "2026-11-27T10:23:00Z WARN webhook: signature mismatch (secret=@@S, header=t=1795000000,v1=@@V)",
        S=R(32, pre="wh" + "sec_"),
        V=PUB(H(64)),
    ),
    _t(
        "lh_graphql_variables",
        'POST /graphql\n{"query":"mutation Login($email: String!, $password: String!) { login(email: $email, '
        'password: $password) { token } }","variables":{"email":"li.wei@acme.cn","password":"@@P"}}',
        P=HP("zh"),
    ),
    _t(
        "lh_form_urlencoded",
        "POST /oauth/token HTTP/1.1\nContent-Type: application/x-www-form-urlencoded\n\n"
        "grant_type=client_credentials&client_id=reporting&client_secret=@@S",
        S=R(40, _AN),
    ),
    _t(
        "lh_apache_combined_basic_url",
        '192.0.2.44 - - [27/Nov/2026:10:24:31 +0100] "GET https://backup:@@P@files.acme.io/db.sql.gz HTTP/1.1" 407 -',
        P=GP(16, ""),
    ),
    _t(
        "lh_docker_inspect_env",
        '"Env": [\n    "PATH=/usr/local/sbin:/usr/local/bin",\n    "RABBITMQ_DEFAULT_PASS=@@P",\n'
        '    "RABBITMQ_DEFAULT_USER=orders"\n],',
        P=GP(20, ""),
    ),
    _t(
        "lh_github_actions_log",
        "2026-11-27T10:25:12.0031Z ##[group]Run ./deploy.sh\n2026-11-27T10:25:12.0032Z env:\n"
        "2026-11-27T10:25:12.0033Z   DEPLOY_KEY: @@K\n2026-11-27T10:25:12.0034Z ##[endgroup]",
        K=R(40, _B64U),
    ),
    _t(
        "lh_ldap_bind_log",
        'conn=1042 op=0 BIND dn="cn=admin,dc=acme,dc=io" method=128 credentials="@@P"',
        P=HP("en", "!#*"),
    ),
    _t(
        "lh_mqtt_connect",
        "1795000000: New client connected from 10.0.0.77:50422 as sensor-17 (p2, c1, k60, u'sensor', p'@@P').",
        P=GP(14, ""),
    ),
    _t(
        "lh_elastic_apikey_header",
        "Authorization: ApiKey @@B",
        B=B64S(R(22, _B64U), "K", "VuaCfGcBCdbkQm-e5aOx:"),
    ),
    _t(
        "lh_wsgi_environ_dump",
        "{'HTTP_HOST': 'admin.acme.io', 'HTTP_AUTHORIZATION': 'Token @@T', 'REMOTE_ADDR': '10.0.0.9'}",
        T=H(40),
    ),
)

# --- 9. diffs and reviews --------------------------------------------------------------------

DIFFS_AND_REVIEWS: tuple[Planted, ...] = (
    _t(
        "dr_env_added",
        "diff --git a/.env b/.env\nnew file mode 100644\n--- /dev/null\n+++ b/.env\n@@ -0,0 +1,3 @@\n"
        "+AWS_ACCESS_KEY_ID=@@A\n+AWS_SECRET_ACCESS_KEY=@@S\n+AWS_REGION=eu-west-1",
        A=AWS_ID,
        S=AWS_SECRET,
    ),
    _t(
        "dr_password_rotated",
        "--- a/config/database.yml\n+++ b/config/database.yml\n@@ -4,7 +4,7 @@ production:\n   username: app\n"
        "-  password: @@O\n+  password: @@N\n   host: db.internal",
        O=HP("en"),
        N=HP("de"),
    ),
    _t(
        "dr_removed_token_still_secret",
        "@@ -12,3 +12,3 @@ jobs:\n       - name: publish\n-       "
        " run: npm publish --//registry.npmjs.org/:_authToken=@@T\n"
        "+        run: npm publish",
        T=NPM,
    ),
    _t(
        "dr_review_nit",
        "**review** on `src/billing/client.ts` line 14:\n> nit: "
        "please don't commit `@@K`, even in a test — it's a live key.",
        K=STRIPE_LIVE,
    ),
    _t(
        "dr_github_suggestion",
        '```suggestion\nconst token = process.env.GITHUB_TOKEN;\n```\ninstead of `const token = "@@T";`',
        T=GH_PAT,
    ),
    _t(
        "dr_git_show_commit",
        "commit @@C\nAuthor: Mei Tanaka <mei@acme.jp>\nDate:   Thu Nov 26 18:02:11 2026 +0900\n\n"
        "    temp: hardcode sendgrid key @@K for demo\n",
        C=PUB(H(40)),
        K=SG,
    ),
    _t(
        "dr_merge_conflict",
        "<<<<<<< HEAD\nSLACK_WEBHOOK_URL=https://hooks.slack.com/services/@@T/@@B/@@S\n=======\n"
        "SLACK_WEBHOOK_URL=https://hooks.slack.com/services/@@T/@@B/@@R\n>>>>>>> feature/alerts",
        T=PUB(R(10, _ANU, pre="T")),
        B=PUB(R(10, _ANU, pre="B")),
        S=R(24),
        R=R(24),
    ),
    _t(
        "dr_helm_values_diff",
        " grafana:\n   adminUser: admin\n-  adminPassword: changeme\n+  adminPassword: @@P\n",
        P=HP("en"),
    ),
    _t(
        "dr_terraform_plan",
        '  # aws_db_instance.main will be updated in-place\n  ~ resource "aws_db_instance" "main" {\n'
        '      ~ password = (sensitive value)\n      ~ tags     = {\n          + "owner" = "data"\n        }\n    }\n'
        '# tfvars change: db_password = "@@P"',
        P=GP(24, "!#$%&*"),
    ),
    _t(
        "dr_python_test_fixture_real_key",
        '+    client = Anthropic(api_key="@@K")  # FIXME\n+    resp = client.messages.create(',
        K=ANTHROPIC,
    ),
    _t(
        "dr_gerrit_comment",
        "Patch Set 3:\n\n(1 comment)\n\nFile deploy/secrets.env:\n\nLine 7: DOCKER_PASSWORD=@@P\n"
        "-> this must come from the CI vault, not the repo.",
        P=GP(20, "#%"),
    ),
    _t(
        "dr_git_log_p_json",
        '+  "firebase": {\n+    "serverKey": "@@K"\n+  },',
        K=C("AAAA", R(7, _B64U), ":APA" + "91b", R(134, _B64U)),
    ),
    _t(
        "dr_diff_context_only",
        "@@ -1,4 +1,5 @@\n MYSQL_HOST=db\n MYSQL_USER=wp\n MYSQL_PASSWORD=@@P\n+MYSQL_PORT=3306\n MYSQL_DB=wp",
        P=HP("es"),
    ),
    _t(
        "dr_review_quote_password",
        "> `redis://default:@@P@redis-12345.c1.eu-west-1-2.ec2.cloud.redislabs.com:12345`\n\n"
        "Can we move this URL to the secret store? It has the password inline.",
        P=R(32),
    ),
    _t(
        "dr_patch_email",
        "From 3e1d Mon Sep 17 00:00:00 2001\nSubject: [PATCH] add mail config\n\n---\n mail.ini | 2 ++\n"
        "+user = noreply@acme.io\n+pass = @@P",
        P=HP("it"),
    ),
    _t(
        "dr_yaml_key_renamed",
        "-    apiKey: @@K\n+    apiKeyRef: datadog-api-key",
        K=H(32),
    ),
    _t(
        "dr_side_by_side",
        "DB_PASS=@@O                         | DB_PASS=@@N",
        O=HP("fr", "!#_"),
        N=HP("fr", "!#_"),
    ),
    _t(
        "dr_pr_description",
        "## What\nSwitch the analytics job to the new service account.\n\n## Testing\nRan locally with "
        "`GOOGLE_API_KEY=@@K make test` — all green.",
        K=GOOGLE_KEY,
    ),
    _t(
        "dr_commit_message_rotate",
        "chore: rotate twilio token (old one was @@O)\n\nNew token lives in 1Password.",
        O=H(32),
    ),
    _t(
        "dr_github_secret_scanning_alert",
        "GitGuardian has detected the following Generic Password exposed within your GitHub account.\n"
        "Secret type: Generic Password\nRepository: acme-corp/ops\nPushed date: November 27th 2026\n"
        "Matched: password=@@P",
        P=HP("en"),
    ),
    _t(
        "dr_diff_dockerfile_arg",
        '-ARG NPM_TOKEN\n+ARG NPM_TOKEN=@@T\n RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc',
        T=NPM,
    ),
    _t(
        "dr_diff_ini_hunk",
        "@@ -22,6 +22,8 @@ [ldap]\n bind_dn = cn=svc,dc=acme,dc=io\n+bind_password = @@P\n+start_tls = true",
        P=GP(18, "!#%"),
    ),
    _t(
        "dr_bitbucket_inline_comment",
        "Maria Rossi commented on line 31 of settings_local.py\n  EMAIL_HOST_PASSWORD = '@@P'\n"
        "Questo non dovrebbe stare nel repo.",
        P=R(16, _LO),
    ),
    _t(
        "dr_git_stash_show",
        "$ git stash show -p stash@{0}\n--- a/local.settings.json\n+++ b/local.settings.json\n"
        '+    "AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=fnstore01;AccountKey=@@K;'
        'EndpointSuffix=core.windows.net",',
        K=B64(64),
    ),
    _t(
        "dr_diff_kotlin_buildconfig",
        '+        buildConfigField("String", "MAPS_KEY", "\\"@@K\\"")',
        K=GOOGLE_KEY,
    ),
    _t(
        "dr_review_table",
        "| Severity | Location | Detail |\n|---|---|---|\n| high | `infra/main.tf:40` | hard-coded `@@K` |\n"
        "| low | `README.md:3` | typo |",
        K=DO,
    ),
    _t(
        "dr_word_diff",
        "token: [-@@O-]{+@@N+}",
        O=R(40, _B64U),
        N=R(40, _B64U),
    ),
    _t(
        "dr_squash_message_list",
        "* add staging env\n* fix typo\n* use openrouter key @@K\n* revert",
        K=H(64, pre="sk-" + "or-v1-"),
    ),
    _t(
        "dr_gitlab_mr_note",
        "@devops-bot the pipeline uses `CI_REGISTRY_PASSWORD: @@P` in `.gitlab-ci.yml`; "
        "please mark it masked and protected.",
        P=GP(20, ""),
    ),
    _t(
        "dr_diff_algolia_admin_key",
        '   "algoliaAppId": "@@I",\n+  "algoliaAdminKey": "@@K",\n   "algoliaIndex": "products_prod"',
        I=PUB(R(10, _ANU)),
        K=H(32),
    ),
    _t(
        "dr_diff_appsettings_added",
        '+    "Jwt": {\n+      "Key": "@@K",\n+      "Issuer": "acme"\n+    },',
        K=R(64, _AN),
    ),
    _t(
        "dr_review_quote_with_typo",
        "pls rm the pasword from line 3 (`@@P`) before merging, ty",
        P=HP("en"),
    ),
    _t(
        "dr_patch_shell_script",
        "--- a/scripts/backup.sh\n+++ b/scripts/backup.sh\n@@ -3 +3 @@\n"
        "-mysqldump -u root -p\"$MYSQL_PWD\" shop > dump.sql\n+mysqldump -u root -p'@@P' shop > dump.sql",
        P=HP("ru", "!#*"),
    ),
    _t(
        "dr_svn_diff",
        "Index: conf/app.properties\n===================================================================\n"
        "--- conf/app.properties\t(revision 4211)\n+++ conf/app.properties\t(working copy)\n"
        "+payment.gateway.secret=@@S",
        S=R(32),
    ),
    _t(
        "dr_blame_output",
        '@@C (Priya Nair 2026-11-20 09:12:44 +0530 17) RAZORPAY_KEY_SECRET = "@@S"',
        C=PUB(H(8)),
        S=R(24),
    ),
    _t(
        "dr_cherry_pick_conflict",
        "CONFLICT (content): Merge conflict in config/prod.yml\n<<<<<<< HEAD\n  api_token: @@A\n=======\n"
        "  api_token: @@B\n>>>>>>> 9c1e2f7 (update token)",
        A=R(40, _B64U),
        B=R(40, _B64U),
    ),
    _t(
        "dr_diff_removed_key_comment",
        "-# old key, do not use: @@K\n # new keys are issued per environment",
        K=R(36, _B64U, pre="AQ" + "VN"),
    ),
    _t(
        "dr_review_korean",
        "리뷰: 12번째 줄에 있는 DB 비밀번호 `@@P` 는 환경변수로 빼주세요.",
        P=HP("ko"),
    ),
    _t(
        "dr_diff_gemfile_source",
        '-source "https://rubygems.org"\n+source "https://@@T@gems.contribsys.com/"',
        T=C(H(8), ":", H(8)),
    ),
    _t(
        "dr_phabricator_inline",
        "Inline comment on D4821, deploy/env.production:5\n  > HASURA_GRAPHQL_ADMIN_SECRET=@@S\n"
        "  This is the prod admin secret; please rotate.",
        S=R(48, _AN),
    ),
)

# --- 10. notebooks and data ------------------------------------------------------------------

NOTEBOOKS_AND_DATA: tuple[Planted, ...] = (
    _t(
        "nd_ipynb_source_openai",
        '{\n "cell_type": "code",\n "execution_count": 3,\n "metadata": {},\n "source": [\n'
        '  "import openai\\n",\n  "openai.api_key = \\"@@K\\"\\n",\n  "openai.models.list()"\n ]\n}',
        K=OPENAI_PROJ,
    ),
    _t(
        "nd_ipynb_output_stream",
        '"outputs": [\n  {\n   "name": "stdout",\n   "output_type": "stream",\n   "text": [\n'
        '    "token: @@T\\n"\n   ]\n  }\n ],',
        T=HF,
    ),
    _t("nd_ipython_env_magic", "%env PINECONE_API_KEY=@@K", K=C("pcs" + "k_", R(5), "_", R(63))),
    _t(
        "nd_ipython_set_env_cell",
        "In [4]: import os\n   ...: os.environ['WANDB_API_KEY'] = '@@K'\n\nIn [5]: wandb.login()",
        K=H(40),
    ),
    _t(
        "nd_colab_pip_token",
        "!pip install -q git+https://@@T@github.com/acme-ml/feature-store.git",
        T=GH_PAT,
    ),
    _t(
        "nd_csv_users_passwords",
        "username,email,password,role\nalice,alice@acme.io,@@A,admin\nbob,bob@acme.io,@@B,editor",
        A=HP("en", "!#*"),
        B=HP("de", "!#*"),
    ),
    _t(
        "nd_csv_quoted_commas",
        'service,login,secret\n"smtp","alerts@acme.io","@@P"\n"vpn","jdoe","@@Q"',
        P=GP(16, "!#$%&*,;"),
        Q=HP("es"),
    ),
    _t(
        "nd_tsv_api_keys",
        "vendor\tenv\tkey\nsendgrid\tprod\t@@S\nmailgun\tprod\t@@M",
        S=SG,
        M=C(H(32), "-", H(8), "-", H(8)),
    ),
    _t(
        "nd_sql_insert_users",
        "INSERT INTO users (id, email, password_plain) VALUES\n  (1, 'ops@acme.io', '@@A'),\n"
        "  (2, 'qa@acme.io', '@@B');",
        A=HP("en"),
        B=HP("nl"),
    ),
    _t(
        "nd_sql_insert_api_keys",
        "INSERT INTO integrations(name, api_key, created_at) VALUES ('hubspot', '@@K', now());",
        K=UUID(pre="pat-" + "na1-"),
    ),
    _t(
        "nd_pandas_dataframe_print",
        "      name          host     user            password\n0  orders  10.0.0.5  orders  @@A\n"
        "1  crm     10.0.0.6  crm     @@B",
        A=GP(16, "!#"),
        B=GP(16, "!#"),
    ),
    _t(
        "nd_spreadsheet_paste",
        "System\tURL\tUser\tPassword\tNotes\nWordPress\thttps://blog.acme.io/wp-admin\tadmin\t@@P\tchange after launch",
        P=HP("fr"),
    ),
    _t(
        "nd_markdown_table_data",
        "| env | db_password |\n|-----|-------------|\n| dev | @@D |\n| prod | @@P |",
        D=HP("en"),
        P=GP(24, "!#$%"),
    ),
    _t(
        "nd_jsonl_records",
        '{"tenant":"acme","webhook_secret":"@@A"}\n{"tenant":"globex","webhook_secret":"@@B"}',
        A=R(32, pre="wh" + "sec_"),
        B=R(32, pre="wh" + "sec_"),
    ),
    _t(
        "nd_mongo_shell_doc",
        "acme> db.integrations.findOne({name: 'twilio'})\n{\n  _id: ObjectId('@@O'),\n  name: 'twilio',\n"
        "  accountSid: '@@I',\n  authToken: '@@S'\n}",
        O=PUB(H(24)),
        I=PUB(H(32, pre="AC")),
        S=H(32),
    ),
    _t(
        "nd_sqlite_pipe_output",
        "sqlite> select key, value from settings where key like '%token%';\ntelegram_token|@@I:@@K\ngithub_token|@@G",
        I=PUB(D(10)),
        K=TELEGRAM_SECRET,
        G=GH_PAT,
    ),
    _t(
        "nd_psql_table_output",
        " id |   name   |             secret\n----+----------+----------------------------------\n"
        "  1 | billing  | @@A\n  2 | payouts  | @@B\n(2 rows)",
        A=H(32),
        B=H(32),
    ),
    _t(
        "nd_mysql_table_output",
        "+----+-------+------------------+\n| id | user  | pass             |\n+----+-------+------------------+\n"
        "|  1 | admin | @@P |\n+----+-------+------------------+",
        P=GP(16, "!#"),
    ),
    _t(
        "nd_r_dataframe",
        "> creds\n  service        key\n1   mapbox @@K\n> Sys.setenv(MAPBOX_TOKEN = creds$key[1])",
        K=C(
            "sk.",
            lambda s: _b64(
                json.dumps({"u": "acme-gis", "a": _draw(s, _ANL, 25)}, separators=(",", ":")).encode(), True, False
            ),
            ".",
            R(22, _B64U),
        ),
    ),
    _t(
        "nd_yaml_fixture_real",
        "- model: accounts.apicredential\n  pk: 1\n  fields:\n    provider: aws\n    key_id: @@A\n    secret: @@S",
        A=AWS_ID,
        S=AWS_SECRET,
    ),
    _t(
        "nd_ipynb_json_output_dict",
        '"data": {\n "text/plain": [\n  "{\'access_token\': \'@@T\',\\n",\n  " \'expires_in\': 3599}"\n ]\n}',
        T=R(190, _B64U, pre="ya" + "29.a0"),
    ),
    _t(
        "nd_dotenv_load_print",
        ">>> from dotenv import dotenv_values\n>>> dotenv_values()\nOrderedDict([('DB_URL', "
        "'postgresql://etl:@@P@warehouse:5432/dw'), ('DEBUG', '1')])",
        P=GP(20, ""),
    ),
    _t(
        "nd_excel_formula_paste",
        'A1: Service\tB1: Key\nA2: OpenWeather\tB2: @@K\nA3: =CONCAT("appid=",B2)',
        K=H(32),
    ),
    _t(
        "nd_keepass_csv",
        '"Group","Title","Username","Password","URL","Notes"\n"Root/Infra","Proxmox","root@pam","@@P",'
        '"https://pve.lan:8006",""',
        P=GP(20, "!#$%&*"),
    ),
    _t(
        "nd_bitwarden_export_json",
        '{"type":1,"name":"AWS root","login":{"username":"aws-root@acme.io","password":"@@P","totp":"@@O"}}',
        P=GP(24, "!#$%&*^"),
        O=R(32, _B32),
    ),
    _t(
        "nd_chrome_passwords_csv",
        "name,url,username,password\nnas.lan,https://nas.lan:5001/,admin,@@P\n"
        "github.com,https://github.com/login,octo-dev,@@Q",
        P=HP("de"),
        Q=HP("en"),
    ),
    _t(
        "nd_polars_print",
        "shape: (1, 3)\n┌─────────┬──────────────────────────────────────────┬────────┐\n"
        "│ service ┆ token                                    ┆ active │\n╞═════════╪══════════════════════"
        "════════════════════╪════════╡\n│ vercel  ┆ @@T                 ┆ true   │",
        T=R(24),
    ),
    _t(
        "nd_redis_monitor",
        '1795000000.123456 [0 10.0.0.3:50544] "AUTH" "@@P"\n1795000000.123999 [0 10.0.0.3:50544] "GET" "session:42"',
        P=GP(32, ""),
    ),
    _t(
        "nd_parquet_schema_sample",
        "sample rows:\n{'user_id': 9911, 'api_key': '@@K', 'plan': "
        "'pro'}\n{'user_id': 9912, 'api_key': None, 'plan': 'free'}",
        K=R(32, pre="sk_" + "live_"),
    ),
    _t(
        "nd_ipynb_markdown_cell",
        '{\n "cell_type": "markdown",\n "source": [\n  "### Credentials\\n",\n  "- user: `analyst`\\n",\n'
        '  "- password: `@@P`"\n ]\n}',
        P=HP("it"),
    ),
    _t(
        "nd_sql_update_config",
        "UPDATE app_config SET value = '@@S' WHERE key = 'smtp.password';",
        S=HP("en"),
    ),
    _t(
        "nd_csv_semicolon_european",
        "Kunde;Benutzer;Passwort;Notiz\nMüller GmbH;mueller-admin;@@P;Zugang Shopware\n",
        P=HP("de"),
    ),
    _t(
        "nd_json_array_config",
        '[{"name":"stripe","secret":"@@S"},{"name":"paypal","secret":"@@P"}]',
        S=STRIPE_LIVE,
        P=R(79, _B64U, pre="E"),
    ),
    _t(
        "nd_sql_copy_block",
        "COPY public.api_tokens (id, owner, token) FROM stdin;\n1\tci\t@@A\n2\tgrafana\t@@B\n\\.",
        A=GITLAB,
        B=C("gl" + "sa_", R(32), "_", H(8)),
    ),
    _t(
        "nd_jupyter_kernel_traceback",
        "---------------------------------------------------------------------------\n"
        "AuthenticationError                       Traceback (most recent call last)\n"
        'Cell In[7], line 2\n      1 client = Groq(\n----> 2     api_key="@@K",\n      3 )',
        K=R(52, pre="gs" + "k_"),
    ),
    _t(
        "nd_xml_data_export",
        "<account>\n  <name>ftp-partner</name>\n  <user>xfer_acme</user>\n  <pass>@@P</pass>\n</account>",
        P=GP(14, "!#"),
    ),
    _t(
        "nd_airtable_record_json",
        '{"id":"@@I","fields":{"Client":"Globex","Portal password":"@@P"}}',
        I=PUB(R(14, pre="rec")),
        P=HP("en"),
    ),
    _t(
        "nd_google_sheets_gviz",
        "Service | Login | Password\nZoom admin | it@acme.io | @@P\nMiro | it@acme.io | @@Q",
        P=HP("pl"),
        Q=HP("sv"),
    ),
    _t(
        "nd_numpy_repr",
        "array(['prod', 'eu-west-1', '@@K'], dtype='<U40')",
        K=AWS_SECRET,
    ),
    _t(
        "nd_ipynb_widget_state",
        '"state": {"_model_name": "PasswordModel", "description": "Token:", "value": "@@T"}',
        T=R(43, _B64U),
    ),
)

# --- 11. pasted documents --------------------------------------------------------------------

PASTED_DOCS: tuple[Planted, ...] = (
    _t(
        "pd_jira_ticket",
        "OPS-4821: Staging login broken\nSteps: go to https://staging.acme.io, log in with admin / @@P, "
        "click Reports -> 500.\nPriority: High",
        P=HP("en"),
    ),
    _t(
        "pd_email_vpn",
        "From: it-helpdesk@acme.io\nSubject: New VPN password\n\nHi team,\n\nthe new shared VPN password is "
        "@@P — it is valid from Monday.\n\nCheers,\nIT",
        P=HP("en"),
    ),
    _t(
        "pd_wiki_table",
        "| Service | URL | User | Password |\n|---|---|---|---|\n| Grafana | https://grafana.acme.io | admin | @@A |\n"
        "| ArgoCD | https://argo.acme.io | admin | @@B |",
        A=HP("en"),
        B=GP(16, ""),
    ),
    _t(
        "pd_runbook_step",
        "### Step 3 – restore\n1. `export VAULT_TOKEN=@@T`\n2. `vault kv get -field=dump_url secret/backups`",
        T=R(90, _B64U, pre="hv" + "s.CAESI"),
    ),
    _t(
        "pd_handover_notes",
        "Handover (leaving Friday):\n- Cloudflare API token is @@C, scoped to acme.io DNS only\n"
        "- The Hetzner robot password is @@H\n- Ask Jana for the rest",
        C=R(40, _B64U),
        H=HP("de"),
    ),
    _t(
        "pd_confluence_panel",
        "ℹ️ Info\nTest account for the partner sandbox: partner-test@acme.io, password: @@P (do not use in prod)",
        P=HP("en"),
    ),
    _t(
        "pd_slack_message_paste",
        "[10:42] Tomasz: can someone share the sentry token?\n[10:43] Ewa: @@T\n[10:43] Tomasz: thx 🙏",
        T=H(64, pre="sntry" + "u_"),
    ),
    _t(
        "pd_meeting_notes",
        "Notes – infra sync 27.11.\n* Mongo Atlas: new DB user "
        "`reporting`, pw `@@P`\n* action: Lea to rotate next week",
        P=GP(16, ""),
    ),
    _t(
        "pd_onboarding_wifi",
        "Welcome to Acme! 🎉\nWi-Fi: Acme-Staff\nPassword: @@P\nPrinter: ask reception",
        P=HP("en"),
    ),
    _t(
        "pd_postmortem_quote",
        "## Root cause\nOn 2026-11-20 a developer pushed `config.js` "
        "containing the Mailgun key `@@K` to a public fork. "
        "The key was used to send 40k spam mails within 3 hours.",
        K=C(H(32), "-", H(8), "-", H(8)),
    ),
    _t(
        "pd_readme_quickstart",
        "## Quickstart\n\n```bash\nexport ACME_API_KEY=@@K\nacme deploy --env staging\n```",
        K=R(40, pre="acme" + "_live_"),
    ),
    _t(
        "pd_support_ticket_customer",
        'Customer wrote: "Our integration stopped working. Our key is @@K, account 55102. Please help ASAP!"',
        K=R(97, pre="rk_" + "live_51"),
    ),
    _t(
        "pd_totp_otpauth",
        "otpauth://totp/Acme:ops@acme.io?secret=@@S&issuer=Acme&algorithm=SHA1&digits=6&period=30",
        S=R(32, _B32),
    ),
    _t(
        "pd_totp_setup_key_text",
        "Can't scan the QR code? Enter this setup key instead: @@A @@B @@C @@D",
        A=X(R(32, _B32.lower()), "K", lambda v: v[:8]),
        B=X(R(32, _B32.lower()), "K", lambda v: v[8:16]),
        C=X(R(32, _B32.lower()), "K", lambda v: v[16:24]),
        D=X(R(32, _B32.lower()), "K", lambda v: v[24:]),
    ),
    _t(
        "pd_recovery_codes",
        "Your GitHub recovery codes:\n@@A\n@@B\n@@C\n@@D\nKeep them somewhere safe.",
        A=C(H(5), "-", H(5)),
        B=C(H(5), "-", H(5)),
        C=C(H(5), "-", H(5)),
        D=C(H(5), "-", H(5)),
    ),
    _t("pd_wifi_qr_payload", "WIFI:T:WPA;S:Acme-Guest;P:@@P;;", P=HP("en", "!#*")),
    _t(
        "pd_credentials_markdown_list",
        "**Prod access**\n- SSH: `deploy@203.0.113.10`, key passphrase: _@@P_\n- Admin UI password: **@@Q**",
        P=HP("en", "-"),
        Q=GP(18, "!#$%"),
    ),
    _t(
        "pd_google_doc_bullets",
        "• DigitalOcean team token: @@T\n• Spaces key: @@A / @@S",
        T=DO,
        A=R(20, _ANU, pre="DO"),
        S=R(43, _B64U),
    ),
    _t(
        "pd_email_signature_quoted",
        "> On Tue, 24 Nov 2026, Omar Haddad wrote:\n> > the FTP password for the upload is @@P\n> thanks, works now",
        P=HP("ar"),
    ),
    _t(
        "pd_incident_timeline",
        "10:02 alert fired\n10:05 found leaked token ghp in pastebin: @@T\n10:07 token revoked",
        T=GH_PAT,
    ),
    _t(
        "pd_status_page_draft",
        "DRAFT – do not publish\nWe rotated the API gateway master key (old: @@O). Customers need no action.",
        O=R(40),
    ),
    _t(
        "pd_html_email_body",
        "<p>Hello Priya,</p><p>Your temporary password is <b>@@P</b>. You will be asked to change it.</p>",
        P=R(12, _AN),
    ),
    _t(
        "pd_ticket_french",
        "Ticket #8812 – Accès FTP client\nIdentifiant : depot_client\n"
        "Mot de passe : @@P\nMerci de confirmer la réception.",
        P=HP("fr"),
    ),
    _t(
        "pd_ticket_japanese",
        "【共有】検証環境のアカウント\nID：tester01\nパスワード：@@P\n※本番では使用しないでください",
        P=HP("ja"),
    ),
    _t(
        "pd_ticket_spanish",
        "Hola equipo, les dejo las credenciales del SFTP:\nusuario: proveedor_mx\nclave: @@P\nSaludos",
        P=HP("es"),
    ),
    _t(
        "pd_sms_forward",
        'Fwd: SMS from +49 170 0000000: "Dein Zugang: Benutzer kunde4711, Kennwort @@P"',
        P=R(10, _AN),
    ),
    _t(
        "pd_asciidoc_admonition",
        "[WARNING]\n====\nThe bootstrap token `@@T` is valid for 24h only.\n====",
        T=C(R(6, _ANL), ".", R(16, _ANL)),
    ),
    _t(
        "pd_rst_code_block",
        ".. code-block:: ini\n\n   [sentry]\n   dsn = https://@@K@o4504.ingest.sentry.io/4505\n   auth_token = @@T",
        K=PUB(H(32)),
        T=C("sntr" + "ys_", B64(60, pad=False), "_", R(43, _B64U)),
    ),
    _t(
        "pd_handwritten_like",
        "admin pass = @@P   (written on the whiteboard, pls change!!)",
        P=HP("en"),
    ),
    _t(
        "pd_release_notes_leak",
        "v4.2.0\n- Fixed login loop\n- Default admin password changed to @@P",
        P=HP("en"),
    ),
    _t(
        "pd_notion_export",
        "Property: Service = Figma\nProperty: Token = @@T\nProperty: Owner = design-ops",
        T=R(40, _B64U, pre="fi" + "gd_"),
    ),
    _t(
        "pd_1password_share",
        'Shared item: "Mailchimp API"\nusername: marketing@acme.io\ncredential: @@K\nExpires in 7 days',
        K=C(H(32), "-us21"),
    ),
    _t(
        "pd_teams_message_german",
        "Max Mustermann (10:11): Zugangsdaten für das Kundenportal: user=kunde-portal, pw=@@P",
        P=HP("de"),
    ),
    _t(
        "pd_printed_label",
        "Router FRITZ!Box 7590\nWLAN-Netzwerkschlüssel: @@P\nFRITZ!Box-Kennwort: @@Q",
        P=C(D(4), " ", D(4), " ", D(4), " ", D(4), " ", D(4)),
        Q=R(10, _LO + _DI),
    ),
    _t(
        "pd_contract_appendix",
        "Annex B – Technical access\nAPI endpoint: https://partner.globex.com/api\nClient ID: acme-prod\n"
        "Client secret: @@S",
        S=R(48, _AN),
    ),
    _t(
        "pd_markdown_details_block",
        "<details><summary>creds (click)</summary>\n\nuser: `ro_user`\npass: `@@P`\n</details>",
        P=GP(20, "!#"),
    ),
    _t(
        "pd_korean_wiki",
        "## 접속 정보\n- 관리자 계정: admin\n- 비밀번호: @@P\n- 비고: 분기마다 변경",
        P=HP("ko"),
    ),
    _t(
        "pd_russian_instruction",
        "Инструкция по подключению:\n1. Хост: 10.1.2.3\n2. Логин: buh\n3. Пароль: @@P",
        P=HP("ru"),
    ),
    _t(
        "pd_csv_inventory_note",
        "Asset: NAS-02 | IP 192.168.1.20 | admin PW: @@P | warranty until 2027",
        P=HP("en"),
    ),
    _t(
        "pd_chinese_email",
        "各位好，\n测试环境的数据库账号：test_rw，密码：@@P。\n请勿转发，谢谢！",
        P=HP("zh"),
    ),
)

# --- 12. encoded, escaped, split and wrapped ---------------------------------------------------

_AWS_SLASHED = C(R(12, _AN), "/", R(14, _AN), "/", R(12, _AN))
_PW_SPECIAL = C(HP("en", "#"), "@", R(3, _DI), ":", R(4, _LO), "/", R(2, _DI), "!")


def _cred_json_b64(s: str) -> str:
    doc = {"account": "acme-prod-eu", "api_key": GOOGLE_KEY(s + ":g"), "secret": R(40)(s + ":s"), "region": "eu-west3"}
    return _b64s(json.dumps(doc))


def _half(gen: Gen, i: int, n: int = 2) -> Gen:
    """Part `i` of `n` of the shared value "T" of a kind."""

    def cut(v: str) -> str:
        size = -(-len(v) // n)
        return v[i * size : (i + 1) * size]

    return X(gen, "T", cut)


ENCODED_SPLIT_WRAPPED: tuple[Planted, ...] = (
    _t(
        "es_json_escaped_slash",
        '{"provider":"aws","key":"@@A","secret":"@@S"}',
        A=AWS_ID,
        S=X(_AWS_SLASHED, "S", lambda v: v.replace("/", "\\/")),
    ),
    _t(
        "es_json_escaped_quote",
        '{"username": "svc_report", "password": "@@P"}',
        P=X(C(HP("en", "!"), '"', R(4, _AN)), "P", lambda v: v.replace('"', '\\"')),
    ),
    _t(
        "es_json_unicode_escape",
        '{"user":"m.mueller","pass":"@@P"}',
        P=X(
            C("M", "ü", "ller", D(4), "@", R(4, _LO)),
            "P",
            lambda v: v.replace("ü", "\\u00fc").replace("@", "\\u0040"),
        ),
    ),
    _t(
        "es_url_encoded_dsn_password",
        "DATABASE_URL=postgres://app:@@P@db.internal:5432/app",
        P=X(_PW_SPECIAL, "P", _q),
    ),
    _t(
        "es_azure_sas_sig",
        "https://contosoassets.blob.core.windows.net/exports/q4.csv?sv=2022-11-02&ss=b&srt=o&sp=r&"
        "se=2026-12-31T00:00:00Z&spr=https&sig=@@S",
        S=X(C(R(20, _B64A), "+", R(10, _B64A), "/", R(11, _B64A), "="), "S", _q),
    ),
    _t(
        "es_double_url_encoded",
        "https://sso.acme.io/login?next=https%3A%2F%2Fapp.acme.io%2Fsetup%3Fpassword%3D@@P%26user%3Dnew",
        P=X(C(HP("en", "#"), "@", R(4, _AN), "!"), "P", lambda v: _q(_q(v))),
    ),
    _t(
        "es_npmrc_legacy_auth",
        "registry=https://nexus.acme.io/repository/npm-group/\n_auth=@@B\nalways-auth=true",
        B=B64S(GP(18, ""), "P", "ci-npm:"),
    ),
    _t(
        "es_k8s_data_token",
        "data:\n  GITHUB_TOKEN: @@B\n  GITHUB_OWNER: YWNtZS1jb3Jw",
        B=B64S(GH_PAT, "T"),
    ),
    _t(
        "es_base64_env_file",
        "echo '@@B' | base64 -d > .env",
        B=lambda s: _b64s(f"DB_PASSWORD={HP('en')(s + ':p')}\nSTRIPE_KEY={STRIPE_LIVE(s + ':k')}\n"),
    ),
    _t(
        "es_mime_wrapped_base64",
        "Content-Type: application/json; name=credentials.json\nContent-Transfer-Encoding: base64\n\n@@A\n@@B\n@@C",
        A=X(_cred_json_b64, "J", lambda v: v[:76]),
        B=X(_cred_json_b64, "J", lambda v: v[76:152]),
        C=X(_cred_json_b64, "J", lambda v: v[152:]),
    ),
    _t(
        "es_python_string_concat",
        'OPENAI_KEY = "@@A" + "@@B"',
        A=_half(OPENAI_PROJ, 0),
        B=_half(OPENAI_PROJ, 1),
    ),
    _t(
        "es_js_array_join",
        "const token = ['@@A', '@@B'].join('');",
        A=_half(SLACK_BOT, 0),
        B=_half(SLACK_BOT, 1),
    ),
    _t(
        "es_c_adjacent_literals",
        'static const char *API_KEY =\n    "@@A"\n    "@@B";',
        A=_half(GOOGLE_KEY, 0),
        B=_half(GOOGLE_KEY, 1),
    ),
    _t(
        "es_java_stringbuilder",
        'String secret = new StringBuilder().append("@@A").append("@@B").append("@@C").toString();',
        A=_half(R(64, _HX), 0, 3),
        B=_half(R(64, _HX), 1, 3),
        C=_half(R(64, _HX), 2, 3),
    ),
    _t(
        "es_shell_line_continuation",
        'curl -s -H "Authorization: Bearer @@A\\\n@@B" https://api.acme.io/v1/me',
        A=_half(R(120, _B64U), 0),
        B=_half(R(120, _B64U), 1),
    ),
    _t(
        "es_terminal_hard_wrap",
        "$ cat token.txt\n@@A\n@@B\n@@C\n$",
        A=X(R(190, _B64U, pre="ya" + "29.a0"), "T", lambda v: v[:80]),
        B=X(R(190, _B64U, pre="ya" + "29.a0"), "T", lambda v: v[80:160]),
        C=X(R(190, _B64U, pre="ya" + "29.a0"), "T", lambda v: v[160:]),
    ),
    _t(
        "es_quoted_printable_soft_break",
        "Content-Transfer-Encoding: quoted-printable\n\nyour api token: @@A=\n@@B\n",
        A=X(SG, "T", lambda v: v[:40]),
        B=X(SG, "T", lambda v: v[40:]),
    ),
    _t(
        "es_hex_xxd",
        "echo @@H | xxd -r -p > ~/.config/acme/token",
        H=X(GH_PAT, "T", lambda v: v.encode().hex()),
    ),
    _t(
        "es_python_bytes_escapes",
        "KEY = b'@@E'",
        E=X(R(24), "T", lambda v: "".join(f"\\x{b:02x}" for b in v.encode())),
    ),
    _t(
        "es_shell_single_quote_escape",
        "export SMTP_PASS='@@P'",
        P=X(C(HP("en", "!"), "'", R(5, _AN)), "P", lambda v: v.replace("'", "'\\''")),
    ),
    _t(
        "es_csv_doubled_quotes",
        'id,login,password\n7,kiosk,"@@P"',
        P=X(C(R(6, _AN), '"', R(8, _AN)), "P", lambda v: v.replace('"', '""')),
    ),
    _t(
        "es_xml_entities",
        "<datasource><user>finance</user><password>@@P</password></datasource>",
        P=X(
            C(R(5, _AN), "&", R(4, _AN), "<", D(4), ">"),
            "P",
            lambda v: v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
        ),
    ),
    _t(
        "es_html_input_value",
        '<input type="password" name="smtp_pass" value="@@P" autocomplete="off">',
        P=X(C(HP("fr", "!"), "&", R(4, _AN)), "P", lambda v: v.replace("&", "&amp;")),
    ),
    _t(
        "es_yaml_double_quoted_continuation",
        'signing_key: "@@A\\\n  @@B"',
        A=_half(R(88, _B64A), 0),
        B=_half(R(88, _B64A), 1),
    ),
    _t(
        "es_json_in_json",
        '{"event":"config","payload":"{\\"db_password\\":\\"@@P\\",\\"db_user\\":\\"etl\\"}"}',
        P=GP(20, ""),
    ),
    _t(
        "es_actions_extraheader",
        'git config --local http.https://github.com/.extraheader "AUTHORIZATION: basic @@B"',
        B=B64S(R(36, pre="gh" + "s_"), "T", "x-access-token:"),
    ),
    _t(
        "es_form_body_percent",
        "POST /login HTTP/1.1\nContent-Type: application/x-www-form-urlencoded\n"
        "\nusername=marta&password=@@P&remember=1",
        P=X(C(HP("es", "#"), "!", R(3, _DI), "&", R(2, _LO), "+"), "P", lambda v: urllib.parse.quote_plus(v)),
    ),
    _t(
        "es_env_two_parts",
        "SA_KEY_PART1=@@A\nSA_KEY_PART2=@@B\nSA_KEY=${SA_KEY_PART1}${SA_KEY_PART2}",
        A=_half(R(88, _B64A), 0),
        B=_half(R(88, _B64A), 1),
    ),
    _t(
        "es_go_prefix_split",
        'token := "gh" + "p_" + "@@B"',
        B=R(36),
    ),
    _t(
        "es_rust_concat_macro",
        'const KEY: &str = concat!("@@A", "@@B");',
        A=_half(ANTHROPIC, 0),
        B=_half(ANTHROPIC, 1),
    ),
    _t(
        "es_python_paren_concat",
        'API_TOKEN = (\n    "@@A"\n    "@@B"\n    "@@C"\n)',
        A=_half(R(96, _B64U, pre="hv" + "s.CAESI"), 0, 3),
        B=_half(R(96, _B64U, pre="hv" + "s.CAESI"), 1, 3),
        C=_half(R(96, _B64U, pre="hv" + "s.CAESI"), 2, 3),
    ),
    _t(
        "es_sql_concat",
        "UPDATE settings SET v = '@@A' || '@@B' WHERE k = 'paystack_secret';",
        A=_half(H(40, pre="sk_" + "live_"), 0),
        B=_half(H(40, pre="sk_" + "live_"), 1),
    ),
    _t(
        "es_powershell_join",
        "$key = -join @('@@A', '@@B')",
        A=_half(R(52, "abcdefghijklmnopqrstuvwxyz234567"), 0),
        B=_half(R(52, "abcdefghijklmnopqrstuvwxyz234567"), 1),
    ),
    _t(
        "es_custom_header_b64",
        "X-Acme-Auth: @@B",
        B=B64S(R(40), "K"),
    ),
    _t(
        "es_shell_escaped_dollars",
        'export DB_PASS="@@P"',
        P=X(C(R(5, _AN), "$", R(4, _AN), "$", D(3), "!"), "P", lambda v: v.replace("$", "\\$")),
    ),
    _t(
        "es_compose_double_dollar",
        "environment:\n  - ADMIN_PASSWORD=@@P",
        P=X(C(HP("it", "#"), "$", R(6, _AN)), "P", lambda v: v.replace("$", "$$")),
    ),
    _t(
        "es_ansi_colored",
        "\x1b[1;32m✔\x1b[0m token created: \x1b[33m@@T\x1b[0m",
        T=R(40, pre="acme" + "_pat_"),
    ),
    _t(
        "es_markdown_escaped_underscores",
        "Use this key: sk\\_live\\_@@B (don't share)",
        B=R(97, pre="51"),
    ),
    _t(
        "es_url_encoded_json_state",
        "GET /cb?state=%7B%22return%22%3A%22%2Fhome%22%2C%22token%22%3A%22@@T%22%7D HTTP/1.1",
        T=R(48),
    ),
    _t(
        "es_json_escaped_newline_multi",
        '{"env":"DB_USER=app\\nDB_PASSWORD=@@P\\nDB_HOST=db"}',
        P=HP("de", "!#_"),
    ),
)

# --- 13. key material ------------------------------------------------------------------------

_DASH = "-----"


def _armour(
    label: str, body: str, join: str = "\n", headers: tuple[str, ...] = (), width: int = 64
) -> tuple[str, list[str]]:
    lines = _wrap(body, width)
    text = join.join([_DASH + "BEGIN " + label + _DASH, *headers, *lines, _DASH + "END " + label + _DASH])
    return text, lines


def PEM(
    label: str, der_head: str, nbytes: int, join: str = "\n", indent: str = "", headers: tuple[str, ...] = ()
) -> Gen:
    """A PEM block of `label` whose DER starts with `der_head` (hex) and goes on with `nbytes`
    drawn bytes; the listed secrets are its body lines (the short last one left out)."""

    def g(s: str) -> tuple[str, tuple[str, ...]]:
        der = bytes.fromhex(der_head) + _bytes(s, nbytes)
        text, lines = _armour(label, _b64(der), join, headers)
        if indent:
            text = "\n".join(indent + line for line in text.split("\n"))
        return text, tuple(line for line in lines if len(line) >= 16)

    return g


def _ec_p256_der(s: str) -> bytes:
    return (
        bytes.fromhex("30770201010420")
        + _bytes(s + ":d", 32)
        + bytes.fromhex("a00a06082a8648ce3d030107a14403420004")
        + _bytes(s + ":q", 64)
    )


def EC_PEM(join: str = "\n") -> Gen:
    def g(s: str) -> tuple[str, tuple[str, ...]]:
        text, lines = _armour("EC PRIVATE KEY", _b64(_ec_p256_der(s)), join)
        return text, tuple(lines)

    return g


def _ssh_str(b: bytes) -> bytes:
    return len(b).to_bytes(4, "big") + b


def OPENSSH_ED25519(comment: str = "deploy@ci", indent: str = "") -> Gen:
    """An unencrypted OpenSSH ed25519 private key; listed are the body lines holding private bytes."""

    def g(s: str) -> tuple[str, tuple[str, ...]]:
        priv, pub, check = _bytes(s + ":k", 32), _bytes(s + ":p", 32), _bytes(s + ":c", 4)
        key_type = _ssh_str(b"ssh-ed25519")
        section = check + check + key_type + _ssh_str(pub) + _ssh_str(priv + pub) + _ssh_str(comment.encode())
        section += bytes(range(1, (8 - len(section) % 8) % 8 + 1))
        blob = (
            b"openssh-key-v1\0"
            + _ssh_str(b"none")
            + _ssh_str(b"none")
            + _ssh_str(b"")
            + (1).to_bytes(4, "big")
            + _ssh_str(key_type + _ssh_str(pub))
            + _ssh_str(section)
        )
        text, lines = _armour("OPENSSH PRIVATE KEY", _b64(blob), width=70)
        if indent:
            text = "\n".join(indent + line for line in text.split("\n"))
        return text, tuple(line for line in lines[2:] if len(line) >= 16)

    return g


def PGP_SECRET() -> Gen:
    def g(s: str) -> tuple[str, tuple[str, ...]]:
        body = _b64(bytes.fromhex("9503c604") + _bytes(s, 900))
        lines = _wrap(body)
        crc = "=" + _draw(s + ":crc", _B64A, 4)
        text = "\n".join(
            [
                _DASH + "BEGIN PGP PRIVATE KEY BLOCK" + _DASH,
                "",
                *lines,
                crc,
                _DASH + "END PGP PRIVATE KEY BLOCK" + _DASH,
            ]
        )
        return text, tuple(line for line in lines if len(line) >= 16)

    return g


def _xprv(s: str) -> str:
    payload = bytes.fromhex("0488ade4") + b"\0" * 9 + _bytes(s + ":chain", 32) + b"\0" + _bytes(s + ":key", 32)
    return _b58check(payload)


def _bech_secret(hrp: str, n: int = 58, upper: bool = False) -> Gen:
    def g(s: str) -> str:
        out = hrp + _draw(s, _BECH, n)
        return out.upper() if upper else out

    return g


AGE_SECRET = _bech_secret("age-secret-key-1", 58, upper=True)


def _cosign(s: str) -> tuple[str, tuple[str, ...]]:
    inner = json.dumps(
        {
            "kdf": {"name": "scrypt", "params": {"N": 65536, "r": 8, "p": 1}, "salt": _b64(_bytes(s + ":salt", 32))},
            "cipher": {"name": "nacl/secretbox", "nonce": _b64(_bytes(s + ":nonce", 24))},
            "ciphertext": _b64(_bytes(s + ":ct", 121)),
        },
        separators=(",", ":"),
    )
    text, lines = _armour("ENCRYPTED SIGSTORE PRIVATE KEY", _b64s(inner))
    return text, tuple(line for line in lines[-4:-1])


def _jwk_rsa(s: str) -> tuple[str, tuple[str, ...]]:
    part = {k: _b64(_bytes(f"{s}:{k}", n), True, False) for k, n in (("n", 256), ("d", 256), ("p", 128), ("q", 128))}
    part |= {k: _b64(_bytes(f"{s}:{k}", 128), True, False) for k in ("dp", "dq", "qi")}
    doc = {"kty": "RSA", "kid": "signing-2026-11", "use": "sig", "alg": "RS256", "e": "AQAB", **part}
    return json.dumps(doc), tuple(part[k] for k in ("d", "p", "q", "dp", "dq", "qi"))


def _ec_k1(s: str) -> tuple[str, tuple[str, ...]]:
    der = (
        bytes.fromhex("30740201010420")
        + _bytes(s + ":d", 32)
        + bytes.fromhex("a00706052b8104000aa14403420004")
        + _bytes(s + ":q", 64)
    )
    text, lines = _armour("EC PRIVATE KEY", _b64(der))
    return text, tuple(lines)


def _solana(s: str) -> str:
    return "[" + ",".join(str(b) for b in _bytes(s, 64)) + "]"


def _keystore(s: str) -> tuple[str, tuple[str, ...]]:
    ct = _bytes(s + ":ct", 32).hex()
    doc = {
        "address": _bytes(s + ":addr", 20).hex(),
        "crypto": {
            "cipher": "aes-128-ctr",
            "ciphertext": ct,
            "cipherparams": {"iv": _bytes(s + ":iv", 16).hex()},
            "kdf": "scrypt",
            "kdfparams": {"dklen": 32, "n": 262144, "p": 1, "r": 8, "salt": _bytes(s + ":salt", 32).hex()},
            "mac": _bytes(s + ":mac", 32).hex(),
        },
        "id": _uuid(s + ":id"),
        "version": 3,
    }
    return json.dumps(doc), (ct,)


_RSA_PKCS1 = ("RSA PRIVATE KEY", "308204a40201000282010100", 1150)
_PKCS8_RSA = ("PRIVATE KEY", "308204bd020100300d06092a864886f70d0101010500048204a7308204a30201000282010100", 1150)

KEY_MATERIAL: tuple[Planted, ...] = (
    _t("km_rsa_pkcs1_file", "$ cat deploy/id_rsa\n@@K", K=PEM(*_RSA_PKCS1)),
    _t("km_pkcs8_rsa_paste", "here's the key from the vendor portal:\n\n@@K\n\nthanks!", K=PEM(*_PKCS8_RSA)),
    _t("km_ec_p256", "// apple push key\n@@K", K=EC_PEM()),
    _t(
        "km_ed25519_pkcs8",
        "signing.key:\n@@K",
        K=PEM("PRIVATE KEY", "302e020100300506032b657004220420", 32),
    ),
    _t("km_openssh_ed25519", "$ cat ~/.ssh/id_ed25519\n@@K", K=OPENSSH_ED25519("marta@laptop")),
    _t(
        "km_openssh_in_cloud_init",
        "#cloud-config\nssh_keys:\n  ed25519_private: |\n@@K\n  ed25519_public: ssh-ed25519 AAAAC3Nza... root@vm",
        K=OPENSSH_ED25519("root@vm", indent="    "),
    ),
    _t(
        "km_encrypted_pkcs8",
        "key.pem (passphrase in 1Password):\n@@K",
        K=PEM("ENCRYPTED PRIVATE KEY", "308205233055", 1250),
    ),
    _t(
        "km_pkcs1_dek_info",
        "@@K",
        K=lambda s: PEM(
            "RSA PRIVATE KEY",
            "",
            1200,
            headers=("Proc-Type: 4,ENCRYPTED", "DEK-Info: AES-256-CBC," + _draw(s + ":iv", _HXU, 32), ""),
        )(s),
    ),
    _t("km_pgp_private_block", "gpg --armor --export-secret-keys ops@acme.io\n@@K", K=PGP_SECRET()),
    _t(
        "km_gcp_service_account_json",
        '{\n  "type": "service_account",\n  "project_id": "acme-data",\n  "private_key_id": "@@I",\n'
        '  "private_key": "@@K\\n",\n  "client_email": "etl@acme-data.iam.gserviceaccount.com"\n}',
        I=PUB(H(40)),
        K=PEM(*_PKCS8_RSA, join="\\n"),
    ),
    _t("km_pem_env_one_line", 'JWT_PRIVATE_KEY="@@K"', K=EC_PEM(join="\\n")),
    _t(
        "km_pem_yaml_block",
        "apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\nstringData:\n  tls.key: |\n@@K",
        K=PEM(*_RSA_PKCS1, indent="    "),
    ),
    _t(
        "km_k8s_tls_key_base64",
        "data:\n  tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM=\n  tls.key: @@B",
        B=X(lambda s: _armour("EC PRIVATE KEY", _b64(_ec_p256_der(s)))[0] + "\n", "K", _b64s),
    ),
    _t(
        "km_terraform_state_pem",
        '"attributes": {\n  "algorithm": "RSA",\n  "private_key_pem": "@@K\\n",\n  "rsa_bits": 2048\n}',
        K=PEM(*_RSA_PKCS1, join="\\n"),
    ),
    _t(
        "km_putty_ppk",
        "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: eddsa-key-20261127\nPublic-Lines: 1\n"
        "AAAAC3NzaC1lZDI1NTE5AAAAI@@U\nPrivate-Lines: 1\n@@K\nPrivate-MAC: @@M",
        U=PUB(R(43, _B64A)),
        K=R(43, _B64A, pre="AAAAI"),
        M=PUB(H(64)),
    ),
    _t(
        "km_age_identity_file",
        "# created: 2026-11-27T09:12:44+01:00\n# public key: @@P\n@@K",
        P=PUB(_bech_secret("age1", 58)),
        K=AGE_SECRET,
    ),
    _t(
        "km_minisign_secret",
        "$ cat ~/.minisign/minisign.key\nuntrusted comment: minisign encrypted secret key\n@@K",
        K=B64(152, pre="RWRTY0Iy"),
    ),
    _t(
        "km_wireguard_conf",
        "[Interface]\nAddress = 10.8.0.2/32\nPrivateKey = @@K\nDNS = 1.1.1.1\n\n[Peer]\nPublicKey = @@P\n"
        "PresharedKey = @@S\nEndpoint = vpn.acme.io:51820\nAllowedIPs = 0.0.0.0/0",
        K=B64(32),
        P=PUB(B64(32)),
        S=B64(32),
    ),
    _t(
        "km_hardhat_accounts",
        'networks: {\n  mainnet: {\n    url: process.env.RPC_URL,\n    accounts: ["0x@@K"],\n  },\n},',
        K=H(64),
    ),
    _t(
        "km_eth_keystore",
        "UTC--2026-11-27T09-00-00.000Z--wallet.json:\n@@J\nkeystore password: @@P",
        J=_keystore,
        P=HP("en"),
    ),
    _t("km_bip39_12_words", "seed phrase (metamask): @@M", M=lambda s: mnemonic("fresh10:" + s, 12)),
    _t(
        "km_bip39_24_numbered",
        "Recovery sheet\n@@A\n@@B",
        A=X(
            lambda s: mnemonic("fresh10:" + s, 24),
            "M",
            lambda v: "\n".join(f"{i + 1}. {w}" for i, w in enumerate(v.split()[:12])),
        ),
        B=X(
            lambda s: mnemonic("fresh10:" + s, 24),
            "M",
            lambda v: "\n".join(f"{i + 13}. {w}" for i, w in enumerate(v.split()[12:])),
        ),
    ),
    _t(
        "km_bip39_in_sentence_german",
        "Meine Wiederherstellungsphrase ist @@M – bitte nirgends speichern!",
        M=lambda s: mnemonic("fresh10:" + s, 12),
    ),
    _t("km_wif_compressed", '$ bitcoin-cli importprivkey @@K "cold-2026" false', K=lambda s: wif("fresh10:" + s)),
    _t(
        "km_wif_uncompressed_paper",
        "PAPER WALLET\nPublic address: 1BoatSLRHtKNngkdXEeobR76b53LETtpyT\nPrivate key (WIF): @@K",
        K=lambda s: wif("fresh10:" + s, compressed=False),
    ),
    _t("km_xprv", "master xprv: @@K", K=_xprv),
    _t("km_solana_keypair", "$ cat ~/.config/solana/id.json\n@@K", K=_solana),
    _t("km_nostr_nsec", "my nostr key is @@K, import it into the client", K=_bech_secret("nsec1", 58)),
    _t(
        "km_jwk_ec_d",
        '{"kty":"EC","crv":"P-256","kid":"k1","x":"@@X","y":"@@Y","d":"@@D"}',
        X=PUB(B64(32, url=True, pad=False)),
        Y=PUB(B64(32, url=True, pad=False)),
        D=B64(32, url=True, pad=False),
    ),
    _t("km_jwk_rsa_private", "JWKS_PRIVATE='{\"keys\":[@@J]}'", J=_jwk_rsa),
    _t(
        "km_jwk_okp",
        '{"kty":"OKP","crv":"Ed25519","x":"@@X","d":"@@D"}',
        X=PUB(B64(32, url=True, pad=False)),
        D=B64(32, url=True, pad=False),
    ),
    _t("km_tls_keylog", "# SSL/TLS secrets log file\nCLIENT_RANDOM @@R @@M", R=PUB(H(64)), M=H(96)),
    _t("km_fernet_key", "FERNET_KEY=@@K", K=B64(32, url=True)),
    _t(
        "km_rails_master_key",
        "$ cat config/master.key\n@@K\n$ EDITOR=vim bin/rails credentials:edit",
        K=H(32),
    ),
    _t("km_cosign_key", "cosign.key:\n@@K", K=_cosign),
    _t(
        "km_pkcs12_base64",
        "APPLE_CERT_P12_BASE64=@@B\nAPPLE_CERT_PASSWORD=@@P",
        B=lambda s: _b64(bytes.fromhex("30820a1e020103") + _bytes(s, 1500)),
        P=HP("en"),
    ),
    _t(
        "km_etcd_encryption_config",
        "resources:\n  - resources: [secrets]\n    providers:\n      - aescbc:\n          keys:\n"
        "            - name: key1\n              secret: @@K\n      - identity: {}",
        K=B64(32),
    ),
    _t(
        "km_lnd_macaroon_hex",
        "lncli --macaroonpath=/dev/null --macaroon @@M getinfo",
        M=H(230, pre="0201036c6e6402f801030a10"),
    ),
    _t("km_secp256k1_pem", "-- validator key --\n@@K", K=_ec_k1),
    _t(
        "km_monero_keys",
        "Secret view key: @@V\nSecret spend key: @@S",
        V=H(64),
        S=H(64),
    ),
    _t(
        "km_tendermint_priv_validator",
        '{\n  "address": "@@A",\n  "pub_key": {"type": "tendermint/PubKeyEd25519", "value": "@@P"},\n'
        '  "priv_key": {"type": "tendermint/PrivKeyEd25519", "value": "@@K"}\n}',
        A=PUB(H(40, upper=True)),
        P=PUB(B64(32)),
        K=B64(64),
    ),
)

# --- look-alikes: no secret in any of these --------------------------------------------------

_CERT_BODY = _wrap(_b64(bytes.fromhex("308203") + _bytes("benign:cert", 700)))
_PUBKEY_BODY = _wrap(
    _b64(bytes.fromhex("30820122300d06092a864886f70d01010105000382010f00") + _bytes("benign:pub", 270))
)

BENIGN_FRESH10: tuple[str, ...] = (
    _b("commit @@C\nMerge: @@A @@B\nAuthor: Lena Vogel <lena@acme.io>", C=H(40), A=H(7), B=H(7)),
    _b("Fixes a race in the retry loop (see @@C).", C=H(12)),
    _b("@@S  release/acme-cli-4.2.0-linux-amd64.tar.gz", S=H(64)),
    _b("sha256:@@S", S=H(64)),
    _b("FROM python:3.12-slim@sha256:@@S", S=H(64)),
    _b('"integrity": "sha512-@@S"', S=B64(64)),
    _b("github.com/spf13/cobra v1.8.1 h1:@@S", S=B64(32, suf="")),
    _b("requests==2.32.3 --hash=sha256:@@S", S=H(64)),
    _b("X-Request-Id: @@U", U=UUID()),
    _b('{"level":"info","trace_id":"@@T","span_id":"@@S","msg":"request finished","status":200}', T=H(32), S=H(16)),
    _b("traceparent: 00-@@T-@@S-01", T=H(32), S=H(16)),
    _b('metadata:\n  uid: @@U\n  resourceVersion: "48213"', U=UUID()),
    _b("arn:aws:iam::123456789012:role/github-actions-deploy"),
    _b("ami-0@@A  i-0@@B  vpc-0@@C", A=H(16), B=H(16), C=H(16)),
    _b('ETag: "@@E"', E=H(32)),
    _b("Docker image id: @@I", I=H(12)),
    _b("pod/web-7d4b9c8f5d-x2k9p   1/1   Running   0   3d4h"),
    _b("Version 4.12.0-rc.2+build.5823 (commit @@C)", C=H(9)),
    _b("Build ID: 20261127.4 / pipeline #48213 / job 993311"),
    _b("color: #1e90ff; background: #fafafa; border-color: #c0ffee;"),
    _b("--primary: #7c3aed;\n--accent: #f59e0b;"),
    _b("MAC 3c:22:fb:9a:10:4e, IPv6 fe80::3e22:fbff:fe9a:104e"),
    _b("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI@@K marta@laptop", K=R(43, _B64A)),
    _b("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ@@K deploy@ci", K=B64(120)),
    _b("SHA256:@@F (ED25519)", F=B64(32, pad=False)),
    _b("Host key fingerprint is SHA256:@@F", F=B64(32, pad=False)),
    "-----BEGIN CERTIFICATE-----\n" + "\n".join(_CERT_BODY) + "\n-----END CERTIFICATE-----",
    "-----BEGIN PUBLIC KEY-----\n" + "\n".join(_PUBKEY_BODY) + "\n-----END PUBLIC KEY-----",
    _b("# public key: age1@@K", K=R(58, _BECH)),
    _b("untrusted comment: minisign public key @@I\nRWQ@@K", I=H(16, upper=True), K=B64(39)),
    _b("[Peer]\nPublicKey = @@K\nAllowedIPs = 10.8.0.0/24", K=B64(32)),
    _b("pub   ed25519 2026-01-05 [SC]\n      @@F\nuid           Ops Team <ops@acme.io>", F=H(40, upper=True)),
    _b("Ethereum address: 0x@@A", A=H(40)),
    _b("bc1q@@A", A=R(38, _BECH)),
    _b("npub1@@A", A=R(58, _BECH)),
    "export OPENAI_API_KEY=<your-api-key>",
    "GITHUB_TOKEN=${GITHUB_TOKEN}",
    "api_key: ${API_KEY}",
    "token: ${{ secrets.NPM_TOKEN }}",
    "password: {{ vault_db_password }}",
    "DB_PASSWORD=changeme",
    "SECRET_KEY=xxxxxxxxxxxxxxxxxxxxxxxx",
    "STRIPE_SECRET_KEY=sk_live_...",
    "AWS_SECRET_ACCESS_KEY=<redacted>",
    "Authorization: Bearer $TOKEN",
    'curl -H "Authorization: Bearer ${ACCESS_TOKEN}" https://api.example.com/v1/me',
    "password = os.environ['DB_PASSWORD']",
    'const apiKey = process.env.OPENAI_API_KEY ?? "";',
    'token := os.Getenv("GITHUB_TOKEN")',
    'echo "$REGISTRY_PASSWORD" | docker login ghcr.io -u "$REGISTRY_USER" --password-stdin',
    "read -rsp 'Password: ' PGPASSWORD && export PGPASSWORD",
    "PasswordAuthentication no\nPubkeyAuthentication yes",
    "Your password must be at least 12 characters and contain a number.",
    "Forgot your password? We will email you a reset link.",
    "The token expired after 3600 seconds, so the client refreshed it.",
    "We moved to passwordless login with WebAuthn last quarter.",
    "password: ********",
    "api_key=[REDACTED]",
    "token=<redacted:github_pat>",
    "Bearer ****************************a1f3",
    "secret: '*****'",
    "https://api.example.com/v1/users?page=2&per_page=50",
    "postgres://localhost:5432/app_test",
    "redis://localhost:6379/0",
    "mongodb://mongo:27017/?replicaSet=rs0",
    "https://user@example.com/path",
    "git@github.com:acme-corp/billing-api.git",
    'password = "test"',
    'api_key = "dummy"',
    "DB_PASSWORD=password",
    'TEST_API_KEY = "fake-key-for-tests"',
    "token: xxxx-xxxx-xxxx-xxxx",
    'client_secret: "<client-secret>"',
    "Set `ANTHROPIC_API_KEY` in your shell before running `make eval`; never commit it.",
    "To rotate the Stripe key, open Dashboard → Developers → API keys and click Roll key.",
    "Run `gh auth login` and choose HTTPS; the CLI stores the token in the system keychain.",
    "The `--password-stdin` flag reads the password from standard input instead of argv.",
    _b("SGVsbG8sIHdvcmxkISBUaGlzIGlzIGp1c3QgYSBncmVldGluZy4="),
    _b(
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAA"
        "AAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    ),
    'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9 is just the header; it decodes to {"alg":"RS256","typ":"JWT"}.',
    "Content-Security-Policy: default-src 'self'; script-src 'self' 'strict-dynamic'",
    'WWW-Authenticate: Bearer realm="api", error="invalid_token"',
    "Set-Cookie: theme=dark; Path=/; Max-Age=31536000",
    "Cookie: locale=de-DE; tz=Europe%2FBerlin",
    "risk-assessment desk-lamp task-runner ask-me-anything",
    'tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")',
    "max_tokens=4096, temperature=0.2",
    "The secret to good bread is a long, cold fermentation.",
    "Das Passwort-Feld darf nicht leer sein.",
    "Le mot de passe doit contenir au moins 8 caractères.",
    "La contraseña se restablece desde la página de perfil.",
    "密码长度至少为 8 位。",
    "パスワードを忘れた場合は管理者に連絡してください。",
    "비밀번호는 90일마다 변경해야 합니다.",
    "Пароль должен содержать не менее 10 символов.",
    "kubectl create secret generic db-creds --from-env-file=.env.production",
    "vault kv put secret/app password=@password.txt",
    "aws secretsmanager get-secret-value --secret-id prod/db --query SecretString",
    'keyring.get_password("acme", "deploy")',
    "ssh-keygen -t ed25519 -C \"ci@acme.io\" -f ~/.ssh/id_ed25519 -N ''",
    "openssl rand -base64 32 > /run/secrets/session_key",
    "chmod 600 ~/.ssh/id_ed25519 ~/.pgpass",
    "id_rsa.pub  known_hosts  authorized_keys  config",
    _b("Request @@U failed after 3 retries (HTTP 503)", U=UUID()),
    _b("session 7f3a completed in 812 ms; cache key user:42:@@H", H=H(16)),
    _b("Object key: uploads/2026/11/27/@@U.jpg", U=UUID()),
    _b("Idempotency-Key: @@U", U=UUID()),
    _b("Stripe event evt_@@I type=invoice.paid", I=R(24)),
    _b("Customer cus_@@I created", I=R(14)),
    _b("Twilio message SM@@I queued", I=H(32)),
    _b("S3 version id: @@V", V=R(32, _B64U.replace("-", "."))),
    _b("Google Analytics: G-@@I", I=R(10, _ANU)),
    _b("Sentry event @@E captured", E=H(32)),
    _b("Slack channel C@@C, user U@@U", C=R(10, _ANU), U=R(10, _ANU)),
    _b("Jira: OPS-4821, Confluence page 22937811, Git tag v2026.11.27"),
    "AKIA followed by 16 characters is the shape of an AWS access key id; ours live in Vault.",
    "GitHub tokens start with ghp_, gho_, ghu_, ghs_ or ghr_; never paste them in chat.",
    "- name: Login\n  uses: docker/login-action@v3\n  with:\n    password: ${{ secrets.GHCR_TOKEN }}",
    "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db-creds\n        key: password",
    "[database]\npassword_file = /run/secrets/db_password",
    "POSTGRES_PASSWORD_FILE=/run/secrets/postgres_password",
    '"password": null,',
    "password_min_length = 12\npassword_require_symbol = true",
    "| Name | Type | Description |\n|---|---|---|\n| api_key | string | Your API key from the dashboard. |",
    "The hash of the empty string is e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855.",
    "uuid.uuid4() returned 00000000-0000-4000-8000-000000000000 in the mocked test.",
    "lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor",
)

# --- assembly and import-time checks ---------------------------------------------------------

FAMILIES10: dict[str, tuple[Planted, ...]] = {
    "vendor_tokens": VENDOR_TOKENS,
    "payments_and_regional_clouds": PAYMENTS_AND_REGIONAL_CLOUDS,
    "multilingual_chat": MULTILINGUAL_CHAT,
    "agent_prose": AGENT_PROSE,
    "terminal_sessions": TERMINAL_SESSIONS,
    "config_formats": CONFIG_FORMATS,
    "code_languages": CODE_LANGUAGES,
    "logs_and_http": LOGS_AND_HTTP,
    "diffs_and_reviews": DIFFS_AND_REVIEWS,
    "notebooks_and_data": NOTEBOOKS_AND_DATA,
    "pasted_docs": PASTED_DOCS,
    "encoded_split_wrapped": ENCODED_SPLIT_WRAPPED,
    "key_material": KEY_MATERIAL,
}

FRESH10: tuple[Planted, ...] = tuple(p for family in FAMILIES10.values() for p in family)


def _check() -> None:
    kinds: set[str] = set()
    for planted in FRESH10:
        if planted.kind in kinds:
            raise ValueError(f"duplicate kind {planted.kind}")
        kinds.add(planted.kind)
        if not planted.secrets:
            raise ValueError(f"{planted.kind}: no secret")
        for secret in planted.secrets:
            if secret not in planted.line:
                raise ValueError(f"{planted.kind}: {secret!r} does not occur in its line")
            if len(secret) < 6:
                raise ValueError(f"{planted.kind}: {secret!r} is too short to be meaningful")
    for line in BENIGN_FRESH10:
        if _HOLE.search(line):
            raise ValueError(f"unfilled look-alike {line!r}")


_check()
