# ruff: noqa: RUF001
"""An eleventh held-out set of planted secrets and their look-alikes (issue 60).

Written on 2026-11-27 by a helper who never saw the redaction rules, their documentation, the
benchmarks or the other sample sets, only the `Planted` dataclass and its helpers in
tests/secret_samples.py. Every value is fake: it is drawn at import time from SHA-256 of its kind's
name (seed strings prefixed "fresh11:"), mapped onto the alphabet, length and prefix of the real
format. Prefixes are built by concatenation so that no secret-shaped literal sits in this file.
Public parts (account ids, hosts, public keys) are not listed as secrets; when a secret shows in an
encoded, escaped or split form, the forms that literally appear in the line are listed.

This set MEASURES only. It must never be used to write or tune rules.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable
from urllib.parse import quote

from tests.secret_samples import Planted, mnemonic, wif

Gen = Callable[[str], str]

_LOWER = "abcdefghijklmnopqrstuvwxyz"
_UPPER = _LOWER.upper()
_DIGITS = "0123456789"
_ALNUM = _UPPER + _LOWER + _DIGITS
_HEX = "0123456789abcdef"
_URLSAFE = _ALNUM + "-_"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B32 = _UPPER + "234567"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_PWCHARS = _ALNUM + "!#$%&*+-.=?@^_~"
_URLPW = _ALNUM + "-_.~"


# --------------------------------------------------------------------------------------------
# deterministic drawing


def _stream(seed: str, n: int) -> bytes:
    """`n` bytes from SHA-256 of "fresh11:{seed}:{i}" for i = 0, 1, ..."""
    out = bytearray()
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"fresh11:{seed}:{i}".encode()).digest()
        i += 1
    return bytes(out[:n])


def _draw(seed: str, alphabet: str, n: int) -> str:
    return "".join(alphabet[b % len(alphabet)] for b in _stream(seed, n))


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _chars(alphabet: str) -> Callable[..., Gen]:
    def factory(n: int, prefix: str = "", suffix: str = "") -> Gen:
        return lambda seed: prefix + _draw(seed, alphabet, n) + suffix

    return factory


an = _chars(_ALNUM)  # letters and digits
hx = _chars(_HEX)  # lower-case hex
hxu = _chars(_HEX.upper())  # upper-case hex
lan = _chars(_LOWER + _DIGITS)  # lower-case letters and digits
uan = _chars(_UPPER + _DIGITS)  # upper-case letters and digits
dig = _chars(_DIGITS)
url = _chars(_URLSAFE)  # the base64url alphabet
b58 = _chars(_B58)
b32 = _chars(_B32)
b32l = _chars(_LOWER + "234567")
bech = _chars(_BECH32)
bechu = _chars(_BECH32.upper())
letters = _chars(_UPPER + _LOWER)
rpw = _chars(_PWCHARS)  # a generated password with symbols
upw = _chars(_URLPW)  # a generated password that needs no escaping in a URL


def b64(nbytes: int, head: bytes = b"", prefix: str = "") -> Gen:
    """Standard base64 of `head` and `nbytes` drawn bytes."""
    return lambda seed: prefix + base64.b64encode(head + _stream(seed, nbytes)).decode()


def b64url(nbytes: int, prefix: str = "") -> Gen:
    return lambda seed: prefix + _b64u(_stream(seed, nbytes))


def uuid4() -> Gen:
    def gen(seed: str) -> str:
        h = bytearray(_stream(seed, 16))
        h[6] = (h[6] & 0x0F) | 0x40
        h[8] = (h[8] & 0x3F) | 0x80
        x = h.hex()
        return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"

    return gen


def cat(*parts: Gen | str) -> Gen:
    """Parts joined; each drawn part gets its own seed."""
    return lambda seed: "".join(p(f"{seed}:{i}") if callable(p) else p for i, p in enumerate(parts))


_WORDS: dict[str, tuple[str, ...]] = {
    "en": (
        "sunshine",
        "dragon",
        "liverpool",
        "buster",
        "princess",
        "charlie",
        "shadow",
        "mustang",
        "pepper",
        "hunter",
        "snoopy",
        "biscuit",
        "arsenal",
        "maverick",
    ),
    "de": (
        "sonnenblume",
        "schalke",
        "fruehling",
        "kaffeetasse",
        "mausebaer",
        "schatzi",
        "bergfex",
        "zitrone",
        "dackel",
        "schäfchen",
        "Hasenbrot",
        "eintracht",
    ),
    "fr": (
        "soleil",
        "chouquette",
        "doudou",
        "marseille",
        "fromage",
        "papillon",
        "loulou",
        "nounours",
        "framboise",
        "étoile",
        "chaton",
    ),
    "es": (
        "girasol",
        "mariposa",
        "barcelona",
        "corazon",
        "perrito",
        "chispita",
        "tequila",
        "gatito",
        "princesa",
        "ñandú",
        "boquita",
    ),
    "pt": ("saudade", "flamengo", "cachorro", "morango", "palmeiras", "brigadeiro", "gatinha", "corinthians"),
    "it": ("juventus", "farfalla", "tesoro", "girasole", "amoremio", "napoli", "cucciolo", "forzainter"),
    "nl": ("fietsband", "stroopwafel", "konijn", "feyenoord", "hagelslag", "schatje", "poesje"),
    "pl": ("kotek", "zabka", "legia", "slonko", "kochanie", "misiaczek", "zaq1@WSX"),
    "ru": ("ghbdtn", "solnyshko", "zaichik", "spartak", "kotenok", "lubimaya", "natasha", "vjqgfhjkm"),
    "tr": ("galatasaray", "kedicik", "fenerbahce", "sevgilim", "istanbul", "bursaspor", "karadeniz"),
    "zh": ("woaini", "zhangwei", "xiaobao", "wangyang", "aini1314", "lixiaolong", "huangjin"),
    "ja": ("sakura", "doraemon", "pikachu", "tanpopo", "nekochan", "himawari", "totoro"),
    "ko": ("saranghae", "dkssud", "gangaji", "haneul", "tjdnf", "doraji", "bomnal"),
    "hi": ("bharat", "krishna", "ganesha", "mumbai", "jaanu", "khushi", "chennai"),
    "ar": ("habibi", "falcon", "qamar", "yasmin", "sultan", "alahly"),
    "id": ("kucing", "sayang", "indonesia", "rahasia", "garuda", "bakso"),
    "nordic": ("sommar", "kanelbulle", "hemligt", "hallonsaft", "salainen", "kissa", "hygge", "fjellet"),
    "el": ("agapi", "thalassa", "olympiakos", "panathinaikos", "kalimera"),
    "vi": ("matkhau", "anhyeuem", "hanoi", "saigon", "emyeuanh"),
    "th": ("rakkan", "bangkok", "chiangmai", "mamuang"),
    "he": ("shalom", "maccabi", "ahava", "telaviv"),
    "fa": ("tehran", "esteghlal", "persepolis", "azadi"),
    "sw": ("simba", "jambo", "nairobi", "kilimanjaro"),
    "tl": ("mahalkita", "manila", "bulaklak", "ginebra"),
    "hu": ("cicamica", "szerelem", "budapest", "ferencvaros"),
    "ro": ("dinamo", "iubire", "bucuresti", "pisicuta"),
    "cs": ("heslo", "sparta", "kocicka", "pivo"),
    "uk": ("kyivstar", "dynamo", "sonechko", "kalyna"),
}
_PWSYMS = "!#$%&*?@.-_+"


def pw(lang: str = "en", syms: str = _PWSYMS) -> Gen:
    """A password as people choose them: a word or two, a number, a symbol."""

    def gen(seed: str) -> str:
        b = _stream(seed, 8)
        words = _WORDS[lang]
        w1, w2 = words[b[0] % len(words)], words[(b[1] + 1) % len(words)]
        num = str(1961 + b[2] % 65) if b[3] % 2 else f"{b[2] % 100:02d}{b[4] % 10}"
        sym = syms[b[5] % len(syms)] if syms else ""
        pattern = b[6] % 6
        if pattern == 0:
            return w1.capitalize() + num + sym
        if pattern == 1:
            return w1.lower() + sym + num
        if pattern == 2:
            return w1.capitalize() + w2.capitalize() + num
        if pattern == 3:
            return w1.translate(str.maketrans("aeios", "43105")) + num + sym
        if pattern == 4:
            return num + w1.capitalize() + sym + sym
        return w1.capitalize() + sym + w2.lower() + num[-2:]

    return gen


_PHRASE_WORDS = (
    "plank",
    "ovary",
    "wing",
    "drench",
    "copper",
    "mellow",
    "jigsaw",
    "canyon",
    "lantern",
    "velvet",
    "orbit",
    "pickle",
    "thunder",
    "saddle",
    "marble",
    "hazel",
    "quartz",
    "ember",
    "fjord",
    "walrus",
    "tundra",
    "cobalt",
    "glacier",
    "noodle",
    "paprika",
    "rocket",
    "willow",
    "zephyr",
    "bramble",
    "cactus",
    "dolphin",
    "falcon",
)


def phrase(n: int = 4, sep: str = "-", digit: bool = True) -> Gen:
    """A password-manager passphrase: `n` words joined by `sep`, maybe a digit on one word."""

    def gen(seed: str) -> str:
        b = _stream(seed, n + 2)
        words = [_PHRASE_WORDS[x % len(_PHRASE_WORDS)] for x in b[:n]]
        if digit:
            words[b[n] % n] += str(b[n + 1] % 10)
        return sep.join(words)

    return gen


def jwt(alg: str = "HS256", **claims: object) -> Gen:
    """A JWT: real header and claims (with drawn subject, times and id), a drawn signature."""

    def gen(seed: str) -> str:
        b = _stream(seed + ":claims", 8)
        body: dict[str, object] = {"sub": _draw(seed + ":sub", _LOWER + _DIGITS, 12)}
        body.update(claims)
        iat = 1764000000 + int.from_bytes(b[:3], "big")
        body["iat"], body["exp"] = iat, iat + 3600 * (1 + b[3] % 48)
        body["jti"] = uuid4()(seed + ":jti")
        head = _b64u(json.dumps({"alg": alg, "typ": "JWT"}, separators=(",", ":")).encode())
        payload = _b64u(json.dumps(body, separators=(",", ":")).encode())
        sig = _draw(seed + ":sig", _URLSAFE, 43 if alg.startswith("HS") else 342)
        return f"{head}.{payload}.{sig}"

    return gen


# --------------------------------------------------------------------------------------------
# building the samples

_PLACEHOLDER = re.compile(r"@@([A-Z][A-Z0-9]*)")


def _g(kind: str, name: str, gen: Gen) -> str:
    """The value `_t` would draw for placeholder `name` of `kind`."""
    return gen(f"{kind}:{name}")


def _t(kind: str, template: str, public: tuple[str, ...] = (), **gens: Gen | str) -> Planted:
    """`template` with each @@NAME replaced by its drawn value; all but the `public` ones are secrets."""
    values = {name: _g(kind, name, gen) if callable(gen) else gen for name, gen in gens.items()}
    used = set(_PLACEHOLDER.findall(template))
    if used != set(values):
        raise ValueError(f"{kind}: placeholders {sorted(used)} but values for {sorted(values)}")
    line = _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)
    secrets = tuple(dict.fromkeys(v for name, v in values.items() if name not in public))
    return Planted(kind=kind, line=line, secrets=secrets)


def _p(kind: str, line: str, *secrets: str) -> Planted:
    return Planted(kind=kind, line=line, secrets=tuple(dict.fromkeys(secrets)))


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)]


def _pem(label: str, der: bytes, width: int = 64) -> tuple[str, list[str]]:
    """A PEM block and its body lines."""
    lines = _wrap(base64.b64encode(der).decode(), width)
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----", lines


def _ssh_str(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def _openssh_ed25519(seed: str, comment: str) -> tuple[str, list[str], str]:
    """An OpenSSH ed25519 private key file (unencrypted), its body lines holding key bytes, and the
    matching public key line."""
    priv, pub, check = _stream(seed + ":priv", 32), _stream(seed + ":pub", 32), _stream(seed + ":chk", 4)
    kt = b"ssh-" + b"ed25519"
    pubblob = _ssh_str(kt) + _ssh_str(pub)
    section = check + check + _ssh_str(kt) + _ssh_str(pub) + _ssh_str(priv + pub) + _ssh_str(comment.encode())
    section += bytes(range(1, 1 + (-len(section)) % 8))
    blob = b"openssh-key-v1\0" + _ssh_str(b"none") + _ssh_str(b"none") + _ssh_str(b"")
    blob += (1).to_bytes(4, "big") + _ssh_str(pubblob) + _ssh_str(section)
    label = "OPENSSH PRIVATE" + " KEY"
    text, lines = _pem(label, blob, 70)
    public = "ssh-ed25519 " + base64.b64encode(pubblob).decode() + " " + comment
    return text, [x for x in lines[1:] if len(x) >= 16], public


def _ec_p256_der(seed: str) -> bytes:
    head = bytes.fromhex("30770201010420")
    mid = bytes.fromhex("a00a06082a8648ce3d030107a14403420004")
    return head + _stream(seed + ":d", 32) + mid + _stream(seed + ":xy", 64)


def _pkcs8_rsa_der(seed: str, size: int = 1216) -> bytes:
    head = bytes.fromhex("308204bd020100300d06092a864886f70d0101010500048204a7308204a30201000282010100")
    return head + _stream(seed + ":rsa", size - len(head))


def _pkcs1_rsa_der(seed: str, size: int = 1192) -> bytes:
    head = bytes.fromhex("308204a40201000282010100")
    return head + _stream(seed + ":rsa1", size - len(head))


def _pkcs8_ed25519_der(seed: str) -> bytes:
    return bytes.fromhex("302e020100300506032b657004220420") + _stream(seed + ":ed", 32)


def _key_lines(lines: list[str]) -> list[str]:
    """Body lines worth listing (the short last line of a block is left out when tiny)."""
    return [x for x in lines if len(x) >= 16]


PRIV = "PRIVATE" + " KEY"


# --------------------------------------------------------------------------------------------
# vendor tokens

VENDOR_TOKENS: tuple[Planted, ...] = (
    _t(
        "gh_classic_pat_in_remote_url",
        "git remote set-url origin https://@@S@github.com/acme-corp/infra.git",
        S=an(36, "ghp" + "_"),
    ),
    _t(
        "gh_fine_grained_env_prefix",
        "GH_TOKEN=@@S gh release create v2.3.0 --generate-notes",
        S=cat("github" + "_pat_", an(22), "_", an(59)),
    ),
    _t(
        "gh_app_installation_json",
        '{"token": "@@S", "expires_at": "2026-11-27T14:03:11Z", "permissions": {}}',
        S=an(36, "ghs" + "_"),
    ),
    _t(
        "gitlab_pat_private_token_header",
        'curl --header "PRIVATE-TOKEN: @@S" "https://gitlab.example.org/api/v4/projects?owned=true"',
        S=url(20, "glpat" + "-"),
    ),
    _t(
        "gitlab_pipeline_trigger",
        "curl -X POST -F token=@@S -F ref=main https://gitlab.com/api/v4/projects/4412/trigger/pipeline",
        S=hx(40, "glptt" + "-"),
    ),
    _t("slack_bot_token_env", "SLACK_BOT_TOKEN=@@S", S=cat("xo" + "xb-", dig(12), "-", dig(13), "-", an(24))),
    _t(
        "slack_user_token_quoted",
        "token = '@@S'  # user token, needed for search.messages",
        S=cat("xo" + "xp-", dig(12), "-", dig(12), "-", dig(13), "-", hx(32)),
    ),
    _t(
        "slack_app_level_socket_mode",
        "SLACK_APP_TOKEN=@@S python -m bolt_app",
        S=cat("xa" + "pp-1-A", uan(10), "-", dig(13), "-", hx(64)),
    ),
    _t("slack_incoming_webhook", "webhook_url: https://hooks.slack.com/services/T04QK2M7Z/B07A1LD9RPQ/@@S", S=an(24)),
    _t(
        "discord_bot_token",
        "client.run('@@S')",
        S=cat(lambda s: _b64u(dig(19, "1")(s).encode()), ".", url(6), ".", url(38)),
    ),
    _t("discord_webhook_url", "DISCORD_WEBHOOK=https://discord.com/api/webhooks/1187734029165281290/@@S", S=url(68)),
    _t(
        "telegram_bot_in_api_url",
        "https://api.telegram.org/bot@@S/sendMessage?chat_id=-1001874410923&text=deploy%20ok",
        S=cat(dig(9, "7"), ":AA", url(33)),
    ),
    _t("twilio_auth_token_client", 'client = Client("AC@@SID", "@@S")', public=("SID",), SID=hx(32), S=hx(32)),
    _t("sendgrid_api_key", "SENDGRID_API_KEY='@@S'", S=cat("S" + "G.", url(22), ".", url(43))),
    _t(
        "mailgun_private_key_basic",
        "curl -s --user 'api:@@S' https://api.eu.mailgun.net/v3/mg.shop.example/messages",
        S=cat(hx(32), "-", hx(8), "-", hx(8)),
    ),
    _t("mailchimp_datacenter_key", "MAILCHIMP_API_KEY=@@S", S=hx(32, "", "-us21")),
    _t("postmark_server_token_header", "X-Postmark-Server-Token: @@S", S=uuid4()),
    _t("npm_automation_token_npmrc", "//registry.npmjs.org/:_authToken=@@S", S=an(36, "np" + "m_")),
    _t("pypi_upload_token_twine", "twine upload dist/* -u __token__ -p @@S", S=url(148, "pypi" + "-AgEIcHlwaS5vcmc")),
    _t("docker_hub_pat_login", "echo @@S | docker login -u acmebuild --password-stdin", S=url(27, "dckr" + "_pat_")),
    _t(
        "openai_project_key_export",
        'export OPENAI_API_KEY="@@S"',
        S=cat("sk" + "-proj-", url(74), "T3Blbk" + "FJ", url(74)),
    ),
    _t(
        "anthropic_api_key_header",
        "-H 'x-api-key: @@S' -H 'anthropic-version: 2023-06-01'",
        S=cat("sk" + "-ant-api03-", url(93), "AA"),
    ),
    _t("google_maps_server_key", "GOOGLE_MAPS_API_KEY=@@S", S=url(35, "AI" + "za")),
    _t(
        "google_oauth_client_secret",
        "client_id: 812003114471-8c2r0q5m7u2m6k7gq0d5b3ls8n0vphr1.apps.googleusercontent.com\nclient_secret: @@S",
        S=url(28, "GOC" + "SPX-"),
    ),
    _t("google_refresh_token_adc", '"refresh_token": "@@S",', S=cat("1//0", letters(1), url(101))),
    _t("google_access_token_bearer", "Authorization: Bearer @@S", S=cat("ya" + "29.a0A", url(170))),
    _t("atlassian_api_token_basic", "jira_token: @@S", S=cat("ATA" + "TT3xFfGF0", url(172), "=", hxu(8))),
    _t("notion_integration_secret", 'const notion = new Client({ auth: "@@S" })', S=cat("nt" + "n_", dig(12), an(34))),
    _t("linear_api_key", "LINEAR_API_KEY=@@S", S=an(40, "lin" + "_api_")),
    _t("figma_pat_header", "X-Figma-Token: @@S", S=url(40, "fi" + "gd_")),
    _t("airtable_pat", "AIRTABLE_TOKEN=@@S", S=cat("p" + "at", an(14), ".", hx(64))),
    _t("asana_pat_bearer", "Authorization: Bearer @@S", S=cat("2/", dig(16), "/", dig(16), ":", hx(32))),
    _t("newrelic_user_key", "NEW_RELIC_API_KEY=@@S", S=uan(27, "NR" + "AK-")),
    _t("grafana_service_account", 'grafana_auth = "@@S"', S=cat("gl" + "sa_", an(32), "_", hx(8))),
    _t("doppler_service_token", "doppler run --token @@S -- npm start", S=an(40, "dp" + ".st.prd.")),
    _t("vault_service_token_env", "VAULT_TOKEN=@@S vault kv get secret/payments", S=url(86, "hv" + "s.CAESI")),
    _t(
        "terraform_cloud_credentials",
        'credentials "app.terraform.io" {\n  token = "@@S"\n}',
        S=cat(an(14), ".atlas" + "v1.", url(67)),
    ),
    _t(
        "databricks_pat_cfg",
        "[DEFAULT]\nhost = https://adb-4417238114.7.azuredatabricks.net\ntoken = @@S",
        S=hx(32, "da" + "pi"),
    ),
    _t("langsmith_key", "LANGCHAIN_API_KEY=@@S", S=cat("lsv" + "2_pt_", hx(32), "_", hx(10))),
    _t(
        "tailscale_auth_key_up",
        "sudo tailscale up --authkey=@@S --ssh",
        S=cat("tskey" + "-auth-", an(11), "CNTRL-", an(33)),
    ),
    _t("ngrok_authtoken_config", "ngrok config add-authtoken @@S", S=cat("2", an(26), "_", an(21))),
    _t("pinecone_key_no_label", "pc = Pinecone('@@S')", S=cat("pc" + "sk_", an(5), "_", an(58))),
    _t("neon_api_key_bearer", "Authorization: Bearer @@S", S=lan(64, "na" + "pi_")),
    _t("cloudflare_api_token_wrangler", "CLOUDFLARE_API_TOKEN=@@S npx wrangler deploy", S=url(40)),
    _t("azure_devops_pat_netrc", "machine dev.azure.com login pat password @@S", S=b32l(52)),
)


# --------------------------------------------------------------------------------------------
# payment processors and regional clouds

PAYMENTS_AND_REGIONAL_CLOUDS: tuple[Planted, ...] = (
    _t("stripe_live_secret_env", "STRIPE_SECRET_KEY=@@S", S=cat("sk" + "_live_51", an(97))),
    _t(
        "stripe_restricted_key_cli",
        "stripe listen --api-key @@S --forward-to localhost:4242/webhook",
        S=cat("rk" + "_live_51", an(97)),
    ),
    _t("stripe_webhook_secret_yaml", "  webhookSecret: @@S", S=an(32, "wh" + "sec_")),
    _t("paypal_rest_client_secret", "PAYPAL_CLIENT_ID=AeK2vF0s9jW4nB7\nPAYPAL_CLIENT_SECRET=@@S", S=url(79, "E")),
    _t(
        "braintree_access_token",
        "gateway = braintree.BraintreeGateway(access_token='@@S')",
        S=cat("access" + "_token$production$", lan(16), "$", hx(32)),
    ),
    _t("square_access_token", "SQUARE_ACCESS_TOKEN=@@S", S=url(60, "EA" + "AA")),
    _t("square_oauth_app_secret", "square_application_secret: '@@S'", S=url(43, "sq0" + "csp-")),
    _t(
        "adyen_api_key_header",
        "x-API-key: @@S",
        S=cat("AQE" + "yhmfx", an(40), "/", an(20), "=-", an(43), "=-", url(16)),
    ),
    _t("mollie_live_key_php", '$mollie->setApiKey("@@S");', S=an(30, "li" + "ve_")),
    _t("razorpay_key_pair", "RAZORPAY_KEY_ID=rzp_live_Lq8cE3bT0sWm2a\nRAZORPAY_KEY_SECRET=@@S", S=an(24)),
    _t("paytm_merchant_key", "PAYTM_MERCHANT_KEY = '@@S'", S=cat(an(4), "@", an(5), "#", an(4), "&")),
    _t("cashfree_secret_header", "x-client-secret: @@S", S=cat("cfsk" + "_ma_prod_", hx(32), "_", hx(8))),
    _t("phonepe_salt_key", "phonepe:\n  merchantId: ACMEONLINE\n  saltKey: @@S\n  saltIndex: 1", S=uuid4()),
    _t("paystack_live_secret", "Authorization: Bearer @@S", S=hx(40, "sk" + "_live_")),
    _t("flutterwave_secret_key", "FLW_SECRET_KEY=@@S", S=hx(32, "FLW" + "SECK-", "-X")),
    _t(
        "mercadopago_access_token",
        'sdk = mercadopago.SDK("@@S")',
        S=cat("APP" + "_USR-", dig(16), "-", dig(6), "-", hx(32), "-", dig(9)),
    ),
    _t(
        "pagseguro_token_param",
        "https://ws.pagseguro.uol.com.br/v2/checkout?email=loja@example.com.br&token=@@S",
        S=hxu(32),
    ),
    _t("conekta_private_key", "Conekta::setApiKey('@@S');", S=an(20, "ke" + "y_")),
    _t("wompi_private_key", "WOMPI_PRIVATE_KEY=@@S", S=an(32, "prv" + "_prod_")),
    _t("midtrans_server_key", "midtrans.serverKey = '@@S'", S=url(24, "Mid" + "-server-")),
    _t("xendit_secret_key_basic", "XENDIT_SECRET_KEY=@@S", S=an(60, "xnd" + "_production_")),
    _t("toss_payments_secret", "TOSS_SECRET_KEY=@@S", S=an(24, "live" + "_sk_")),
    _t("payjp_secret_key", "Payjp.api_key = '@@S'", S=hx(24, "sk" + "_live_")),
    _t("yookassa_secret_key", "Configuration.configure('418263', '@@S')", S=url(43, "li" + "ve_")),
    _t(
        "alipay_app_private_key_single_line",
        "alipay.app-private-key=@@S",
        S=b64(1190, bytes.fromhex("308204bd020100300d06092a864886f70d010101050004")),
    ),
    _t("wechat_pay_apiv3_key", "wechatpay:\n  mch-id: 1609288741\n  api-v3-key: @@S", S=an(32)),
    _t(
        "aliyun_accesskey_pair",
        "ALIBABA_CLOUD_ACCESS_KEY_ID=@@ID\nALIBABA_CLOUD_ACCESS_KEY_SECRET=@@S",
        public=("ID",),
        ID=an(20, "LT" + "AI"),
        S=an(30),
    ),
    _t(
        "tencentcloud_secret_pair",
        'cred = credential.Credential("@@ID", "@@S")',
        public=("ID",),
        ID=an(32, "AK" + "ID"),
        S=an(32),
    ),
    _t(
        "huaweicloud_ak_sk",
        "export HUAWEICLOUD_SDK_AK=@@ID\nexport HUAWEICLOUD_SDK_SK=@@S",
        public=("ID",),
        ID=uan(20),
        S=an(40),
    ),
    _t("baidu_bce_keys", "bce_access_key_id: @@ID\nbce_secret_access_key: @@S", public=("ID",), ID=hx(32), S=hx(32)),
    _t(
        "volcengine_ak_sk",
        "VOLC_ACCESSKEY=@@ID VOLC_SECRETKEY=@@S ve ecs DescribeInstances",
        public=("ID",),
        ID=url(44, "AK" + "LT"),
        S=b64(45),
    ),
    _t(
        "yandex_cloud_iam_token",
        'curl -H "Authorization: Bearer @@S" https://compute.api.cloud.yandex.net/',
        S=cat("t1" + ".9euelZ", url(180)),
    ),
    _t("yandex_cloud_api_key", "YC_API_KEY=@@S", S=url(36, "AQ" + "VN")),
    _t("yandex_oauth_token", "yc config set token @@S", S=url(55, "y0" + "_AgAAAA")),
    _t(
        "vk_user_access_token",
        "https://api.vk.com/method/users.get?v=5.199&access_token=@@S",
        S=url(198, "vk" + "1.a."),
    ),
    _t(
        "gigachat_authorization_key",
        "GIGACHAT_CREDENTIALS=@@S",
        S=lambda s: base64.b64encode(f"{uuid4()(s + ':id')}:{uuid4()(s + ':sec')}".encode()).decode(),
    ),
    _t("kakao_admin_key_header", "Authorization: KakaoAK @@S", S=hx(32)),
    _t("naver_client_secret_headers", "X-Naver-Client-Id: q9ZkT1wYdB3mFh\nX-Naver-Client-Secret: @@S", S=an(10)),
    _t(
        "line_channel_access_token", "LINE_CHANNEL_ACCESS_TOKEN=@@S", S=cat(lambda s: _draw(s, _ALNUM + "+/", 171), "=")
    ),
    _t(
        "ovh_application_secret",
        "[ovh-eu]\napplication_key=Xa8kq2LwZt5mNc1P\napplication_secret=@@S\nconsumer_key=@@C",
        S=an(32),
        C=an(32),
    ),
    _t(
        "scaleway_secret_key",
        "SCW_ACCESS_KEY=@@ID\nSCW_SECRET_KEY=@@S",
        public=("ID",),
        ID=uan(17, "SC" + "W"),
        S=uuid4(),
    ),
    _t("hetzner_cloud_token", "hcloud context create prod  # token: @@S", S=an(64)),
    _t("gocardless_live_token", "GOCARDLESS_ACCESS_TOKEN=@@S", S=url(40, "li" + "ve_")),
    _t("mpesa_daraja_passkey", "MPESA_CONSUMER_SECRET=@@C\nMPESA_PASSKEY=@@S", C=an(16), S=hx(64)),
    _t("asaas_api_key_header", "access_token: @@S", S=cat("$aa" + "ct_", b64(72))),
)


# --------------------------------------------------------------------------------------------
# people writing credentials to the agent, in many languages

MULTILINGUAL_CHAT: tuple[Planted, ...] = (
    _t(
        "chat_de_staging_login",
        "kannst du dich mal auf den staging-server einloggen? user ist deploy, passwort @@P",
        P=pw("de"),
    ),
    _t("chat_de_typo_jetz", "Das passwort für die DB ist jetz @@P – bitte nich ins repo committen", P=pw("de")),
    _t("chat_fr_mot_de_passe_colon", "voilà le mot de passe du compte admin : @@P (ne le partage pas stp)", P=pw("fr")),
    _t("chat_fr_mdp_value_first", "@@P c'est le mdp du wifi du bureau, au cas où", P=pw("fr")),
    _t("chat_es_contrasena_base", "la contraseña de la base es @@P, ya la cambié ayer", P=pw("es")),
    _t("chat_es_guillemets_typo", "oye la contrasena del servidor es «@@P» jaja no la pierdas", P=pw("es")),
    _t("chat_pt_br_senha_banco", "a senha do banco é @@P, usa ela pra rodar as migrations", P=pw("pt")),
    _t("chat_pt_pt_palavra_passe", "Palavra-passe do router: @@P", P=pw("pt")),
    _t("chat_it_password_ftp", "la password dell'FTP è @@P, mi raccomando non committarla", P=pw("it")),
    _t("chat_nl_wachtwoord", "het wachtwoord van de testomgeving is @@P en de user is beheerder", P=pw("nl")),
    _t("chat_pl_haslo_do_bazy", "hasło do bazy to @@P, nie wrzucaj go do gita", P=pw("pl")),
    _t("chat_cs_heslo", "heslo k serveru je @@P, uživatel root", P=pw("cs")),
    _t("chat_hu_jelszo", "a jelszó @@P, a felhasználónév admin", P=pw("hu")),
    _t("chat_ro_parola", "parola de la baza de date este @@P", P=pw("ro")),
    _t("chat_ru_parol_login", "пароль от сервера: @@P, логин root", P=pw("ru")),
    _t("chat_ru_layout_password", "вот пароль от почты @@P (да, я знаю что он слабый)", P=pw("ru")),
    _t("chat_uk_parol_adminky", "ось пароль від адмінки @@P, не світи його", P=pw("uk")),
    _t("chat_tr_sifre", "veritabanı şifresi @@P, kimseyle paylaşma lütfen", P=pw("tr")),
    _t("chat_el_kodikos", "ο κωδικός για το VPN είναι @@P", P=pw("el")),
    _t("chat_ar_kalimat_murur", "كلمة المرور الجديدة هي @@P", P=pw("ar")),
    _t("chat_he_sisma", "הסיסמה לשרת היא @@P תשמור אותה", P=pw("he")),
    _t("chat_fa_ramz", "رمز عبور دیتابیس @@P هست", P=pw("fa")),
    _t("chat_hi_devanagari", "सर्वर का पासवर्ड @@P है", P=pw("hi")),
    _t("chat_hinglish_bhai", "bhai db ka password @@P hai, prod pe mat chalana", P=pw("hi")),
    _t("chat_bn_password", "ডাটাবেসের পাসওয়ার্ড হলো @@P", P=pw("hi")),
    _t("chat_ur_password", "سرور کا پاس ورڈ @@P ہے", P=pw("ar")),
    _t("chat_ta_password", "சர்வர் கடவுச்சொல் @@P", P=pw("hi")),
    _t("chat_zh_cn_no_spaces", "数据库密码是@@P，别提交到仓库里", P=pw("zh")),
    _t("chat_zh_tw_account", "帳號 admin 密碼 @@P 記得改掉", P=pw("zh")),
    _t("chat_ja_kagikakko", "DBのパスワードは「@@P」です。", P=pw("ja")),
    _t("chat_ko_bibeon", "서버 비번 @@P 임 ㅋㅋ", P=pw("ko")),
    _t("chat_vi_mat_khau", "mật khẩu wifi là @@P nha", P=pw("vi")),
    _t("chat_th_rahat", "รหัสผ่านคือ @@P นะครับ", P=pw("th")),
    _t("chat_id_password_nya", "password db-nya @@P ya, jangan di-push", P=pw("id")),
    _t("chat_tl_taglish", "ang password ng admin ay @@P, wag mo i-share ha", P=pw("tl")),
    _t("chat_sw_nenosiri", "nenosiri la seva ni @@P", P=pw("sw")),
    _t("chat_sv_losenord", "lösenordet till servern är @@P", P=pw("nordic")),
    _t("chat_fi_salasana", "salasana on @@P, käyttäjä on admin", P=pw("nordic")),
    _t("chat_en_typos", "heres teh pasword for jenkins @@P dont lose it lol", P=pw("en")),
    _t("chat_en_use_this_to_get_in", "use @@P to get into the grafana box, user is ops", P=pw("en")),
    _t("chat_ja_api_key_colon", "このAPIキー使って：@@S", S=cat("sk" + "-proj-", url(74), "T3Blbk" + "FJ", url(74))),
    _t("chat_es_key_arrow", "@@S ← esa es la key de stripe de prod", S=cat("sk" + "_live_51", an(97))),
    _t("chat_de_gitlab_token", "Token für GitLab: @@S (läuft Ende Dezember ab)", S=url(20, "glpat" + "-")),
    _t("chat_ru_bot_token", "вот токен бота @@S", S=cat(dig(9, "6"), ":AA", url(33))),
    _t("chat_fr_generated_pw", "j'ai généré un mdp avec bitwarden : @@P", P=rpw(20)),
    _t("chat_pt_passphrase", "a frase-senha do cofre é @@P", P=phrase(5, "-")),
)


# --------------------------------------------------------------------------------------------
# the agent's own words quoting a credential it saw

AGENT_PROSE: tuple[Planted, ...] = (
    _t(
        "agent_found_hardcoded_django_key",
        "I found the problem: `config/settings.py` hardcodes `SECRET_KEY = '@@S'`. I'll move it to an "
        "environment variable.",
        S=rpw(50, "django" + "-insecure-"),
    ),
    _t(
        "agent_done_exported_openai",
        "Done. I exported OPENAI_API_KEY=@@S in your ~/.zshrc and re-ran the tests; all 48 pass.",
        S=cat("sk" + "-proj-", url(74), "T3Blbk" + "FJ", url(74)),
    ),
    _t(
        "agent_summary_rotation_old_new",
        "Summary of changes:\n- Rotated the Redis password (old: `@@O`, new: `@@N`)\n- Updated the Helm values",
        O=rpw(24),
        N=rpw(24),
    ),
    _t(
        "agent_expired_github_token",
        "The 401 comes from the expired token @@S — GitHub answers `Bad credentials`.",
        S=an(36, "ghp" + "_"),
    ),
    _t(
        "agent_next_psql_url",
        "Next, I'll connect with `psql postgresql://analytics:@@P@10.0.3.17:5432/warehouse` and check the row counts.",
        P=upw(22),
    ),
    _t(
        "agent_webhook_secret_both_sides",
        "I'll set the webhook secret to @@S in both the Stripe dashboard config and `.env` so the signatures match.",
        S=an(32, "wh" + "sec_"),
    ),
    _t(
        "agent_note_prod_credentials",
        "Note: the credentials you pasted (`admin` / `@@P`) are for production; I only used them to read the schema.",
        P=pw("en"),
    ),
    _t(
        "agent_plan_registry_login",
        "Plan:\n1. Log in to ghcr.io with the token @@S\n2. Build and push the image\n3. Roll the deployment",
        S=an(36, "ghp" + "_"),
    ),
    _t(
        "agent_markdown_table_values",
        "| Variable | Value |\n|---|---|\n| `DB_USER` | `shop` |\n| `DB_PASSWORD` | `@@P` |",
        P=rpw(18),
    ),
    _t(
        "agent_heads_up_aws_secret",
        "**Heads-up:** the AWS secret access key `@@S` is committed in `deploy/old.env`; you should rotate it.",
        S=lambda s: _draw(s, _ALNUM + "+/", 40),
    ),
    _t(
        "agent_explains_basic_auth",
        "The header `Authorization: Basic @@S` decodes to `deploy:@@P`, which is the password in the vault note.",
        S=lambda s: base64.b64encode(f"deploy:{_g('agent_explains_basic_auth', 'P', pw('de'))}".encode()).decode(),
        P=pw("de"),
    ),
    _t(
        "agent_thinking_aloud_env",
        "Let me check the env... DATABASE_URL is mysql://root:@@P@127.0.0.1:3306/crm, so the root password is @@P.",
        P=pw("es", "!*"),
    ),
    _t(
        "agent_bullet_keys_in_repo",
        "Secrets I noticed in the repo:\n* `SENDGRID_API_KEY` = @@S\n* `MAPBOX_TOKEN` (public, fine)",
        S=cat("S" + "G.", url(22), ".", url(43)),
    ),
    _t(
        "agent_in_sentence_without_label",
        "I tried @@P against the admin login and it worked, so the account isn't locked.",
        P=pw("it"),
    ),
    _t(
        "agent_japanese_summary",
        "本番のAPIキー（@@S）が README にそのまま書かれています。削除をおすすめします。",
        S=url(35, "AI" + "za"),
    ),
    _t(
        "agent_german_summary",
        "Ich habe das Passwort `@@P` aus der docker-compose.yml entfernt und durch ${DB_PASS} ersetzt.",
        P=pw("de"),
    ),
    _t(
        "agent_quotes_log_line",
        "The failing call is visible in the log: `POST /v1/charges key=@@S status=402`.",
        S=hx(40, "sk" + "_live_"),
    ),
    _t("agent_retry_with_new_token", "Retrying with the new token `@@S`…", S=url(20, "glpat" + "-")),
    _t(
        "agent_commit_message_draft",
        "Proposed commit message:\n\n    fix(ci): use project token @@S for the release job\n",
        S=cat("github" + "_pat_", an(22), "_", an(59)),
    ),
    _t(
        "agent_compare_two_keys",
        "The key in `.env` (`@@A`) differs from the one in Vercel (`@@B`); the deploy uses the second.",
        A=an(52, "gs" + "k_"),
        B=an(52, "gs" + "k_"),
    ),
    _t(
        "agent_ssh_password_instructions",
        "To reach the box: `ssh pi@192.168.1.40`, password @@P (the default was changed last week).",
        P=pw("nl"),
    ),
    _t(
        "agent_json_summary_block",
        'Here is the resolved config:\n```json\n{"host": "smtp.mailgun.org", "user": "postmaster@mg.acme.io", '
        '"pass": "@@P"}\n```',
        P=cat(hx(32), "-", hx(8), "-", hx(8)),
    ),
    _t(
        "agent_vault_unseal_summary",
        "Vault is initialised. Unseal keys: @@A, @@B, @@C. Initial root token: @@R. Store them somewhere safe.",
        A=b64(33),
        B=b64(33),
        C=b64(33),
        R=url(24, "hv" + "s."),
    ),
    _t(
        "agent_quoting_user_message",
        'You wrote "the wifi is BÜRO-5G and the password is @@P" — I added it to the onboarding checklist.',
        P=pw("de"),
    ),
    _t(
        "agent_connection_string_explained",
        "The connection string is `Server=tcp:acme-sql.database.windows.net,1433;User ID=appuser;"
        "Password=@@P;Encrypt=True;` — the firewall rule is what blocks you, not the password.",
        P=rpw(16),
    ),
    _t(
        "agent_telegram_bot_plan",
        "I'll call setWebhook for the bot @@S with the new URL.",
        S=cat(dig(9, "5"), ":AA", url(33)),
    ),
    _t(
        "agent_caveat_token_scopes",
        "The Slack token (@@S) lacks `chat:write`, that's why posting fails.",
        S=cat("xo" + "xb-", dig(12), "-", dig(13), "-", an(24)),
    ),
    _t("agent_french_plan", "Je vais utiliser la clé @@S pour appeler l'API de Mistral.", S=an(32)),
    _t(
        "agent_curl_suggestion",
        "You can verify it yourself: curl -u elastic:@@P https://es.internal:9200/_cluster/health",
        P=upw(20),
    ),
    _t("agent_secret_in_parentheses", "Pushed the image (registry password: @@P).", P=rpw(14)),
    _t(
        "agent_found_jwt_secret",
        "The JWT signing secret is read from `JWT_SECRET` (currently @@S in `.env.local`).",
        S=b64(48),
    ),
    _t(
        "agent_supabase_service_role",
        "Using the service role key @@S bypasses RLS, so I switched the frontend to the anon key.",
        S=jwt(iss="supabase", ref="qzvmkhwtpabcrlnsoedu", role="service_role"),
    ),
    _t("agent_recap_table_tabs", "service\tuser\tpassword\nrabbitmq\tguest-admin\t@@P\n", P=pw("pl")),
    _t(
        "agent_mentions_wallet_key",
        "The deployer account private key in hardhat.config.js is 0x@@S; move it to .env.",
        S=hx(64),
    ),
    _t(
        "agent_explains_pgpass",
        "psql picks up `db.prod:5432:app:app_rw:@@P` from ~/.pgpass, so no prompt appears.",
        P=pw("nordic"),
    ),
    _t("agent_step_output_summary", "Step 3 printed the generated admin password: @@P", P=rpw(24)),
    _t("agent_chinese_explanation", "我在 `.env` 里找到了阿里云的 AccessKey Secret：@@S，建议立即轮换。", S=an(30)),
    _t(
        "agent_spanish_recap",
        "Listo: el token de Mercado Pago (@@S) ya está en los secretos del repo.",
        S=cat("APP" + "_USR-", dig(16), "-", dig(6), "-", hx(32), "-", dig(9)),
    ),
    _t("agent_hf_token_in_sentence", "Downloading the gated model with token @@S worked.", S=letters(34, "h" + "f_")),
    _t("agent_korean_summary", "서비스 계정 비밀번호를 `@@P`(으)로 바꿨습니다.", P=pw("ko")),
)


# --------------------------------------------------------------------------------------------
# shell transcripts

TERMINAL_SESSIONS: tuple[Planted, ...] = (
    _t(
        "term_mysql_p_attached",
        "dev@laptop:~/crm$ mysql -h 10.20.0.5 -u root -p'@@P' crm_prod -e 'SHOW TABLES'",
        P=pw("pt", "!#%*"),
    ),
    _t(
        "term_psql_url_prompt",
        '(venv) ➜  api git:(main) ✗ psql "postgresql://app_rw:@@P@pg-prod.internal:5432/app"',
        P=upw(24),
    ),
    _t("term_pgpassword_env", "$ PGPASSWORD=@@P pg_dump -h db -U postgres -Fc shop > shop.dump", P=upw(18)),
    _t(
        "term_redis_cli_a",
        "root@cache-1:/# redis-cli -h 127.0.0.1 -p 6379 -a @@P --no-auth-warning ping\nPONG",
        P=an(32),
    ),
    _t(
        "term_docker_login_p",
        "$ docker login registry.gitlab.com -u deploy-bot -p @@P\n"
        "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\nLogin Succeeded",
        P=url(20, "gldt" + "-"),
    ),
    _t(
        "term_kubectl_from_literal",
        "$ kubectl -n payments create secret generic api-creds --from-literal=username=svc "
        "--from-literal=password='@@P'\nsecret/api-creds created",
        P=rpw(22),
    ),
    _t(
        "term_kubectl_get_secret_yaml",
        "$ kubectl get secret grafana-admin -o yaml\napiVersion: v1\ndata:\n  admin-password: @@B\n"
        "  admin-user: YWRtaW4=\nkind: Secret",
        B=lambda s: base64.b64encode(rpw(20)(s).encode()).decode(),
    ),
    _t(
        "term_kubectl_jsonpath_decoded",
        "$ kubectl get secret db -o jsonpath='{.data.password}' | base64 -d\n@@P",
        P=rpw(26),
    ),
    _t(
        "term_aws_configure_set",
        "$ aws configure set aws_secret_access_key @@S --profile prod",
        S=lambda s: _draw(s, _ALNUM + "+/", 40),
    ),
    _t(
        "term_aws_sts_output",
        "$ aws sts assume-role --role-arn arn:aws:iam::381492017733:role/deploy --role-session-name ci\n"
        '{\n    "Credentials": {\n        "AccessKeyId": "@@ID",\n        "SecretAccessKey": "@@S",\n'
        '        "SessionToken": "@@T",\n        "Expiration": "2026-11-27T15:12:09+00:00"\n    }\n}',
        public=("ID",),
        ID=uan(16, "AS" + "IA"),
        S=lambda s: _draw(s, _ALNUM + "+/", 40),
        T=cat("IQoJb3JpZ2luX2Vj", lambda s: _draw(s, _ALNUM + "+/", 380)),
    ),
    _t("term_gcloud_print_access_token", "$ gcloud auth print-access-token\n@@S", S=cat("ya" + "29.a0A", url(170))),
    _t(
        "term_az_sp_create_output",
        '$ az ad sp create-for-rbac --name ci-deployer --role contributor\n{\n  "appId": "'
        '6f1c2b9e-4d0a-4e7b-9c55-2a1f0e3d8b71",\n  "displayName": "ci-deployer",\n  "password": "@@S",\n'
        '  "tenant": "0b7e8d2c-1f34-4a5e-8c69-7d2e1f0a9b36"\n}',
        S=cat(an(3), "8Q~", url(34)),
    ),
    _t(
        "term_vault_token_create_table",
        "$ vault token create -policy=deploy -ttl=24h\nKey                  Value\n---                  -----\n"
        "token                @@S\ntoken_accessor       Xq3HbPz8RkT1mWc2nV7yLd4s\ntoken_duration       24h",
        S=url(90, "hv" + "s.CAESI"),
    ),
    _t("term_vault_kv_get_field", "$ vault kv get -field=password secret/data/mysql/root\n@@P", P=rpw(28)),
    _t(
        "term_curl_user_colon",
        "$ curl -sS -u admin:@@P https://jenkins.corp.example/api/json?pretty=true",
        P=pw("fr", "!*"),
    ),
    _t(
        "term_curl_bearer_header",
        "$ curl -s https://api.linear.app/graphql -H 'Authorization: @@S' -d '{\"query\":\"{ viewer { id } }\"}'",
        S=an(40, "lin" + "_api_"),
    ),
    _t(
        "term_httpie_bearer",
        "$ http --auth-type=bearer --auth=@@S GET https://api.digitalocean.com/v2/droplets",
        S=hx(64, "do" + "p_v1_"),
    ),
    _t("term_httpie_header_item", "$ http POST :8000/api/import X-API-Key:@@S < rows.json", S=an(40)),
    _t("term_sshpass", "$ sshpass -p '@@P' ssh -o StrictHostKeyChecking=no admin@192.168.88.1", P=pw("ru")),
    _t(
        "term_env_grep_output",
        "$ env | grep -i token\nGITHUB_TOKEN=@@A\nNPM_TOKEN=@@B\nTOKENIZERS_PARALLELISM=false",
        A=an(36, "ghp" + "_"),
        B=an(36, "np" + "m_"),
    ),
    _t(
        "term_cat_netrc",
        "$ cat ~/.netrc\nmachine api.heroku.com\n  login ops@acme.io\n  password @@S",
        S=url(58, "HRKU" + "-AA"),
    ),
    _t(
        "term_git_clone_token_url",
        "$ git clone https://oauth2:@@S@gitlab.example.org/platform/terraform.git",
        S=url(20, "glpat" + "-"),
    ),
    _t(
        "term_git_remote_v_output",
        "$ git remote -v\norigin\thttps://x-access-token:@@S@github.com/acme/site.git (fetch)\n"
        "origin\thttps://x-access-token:@@S@github.com/acme/site.git (push)",
        S=an(36, "ghs" + "_"),
    ),
    _t("term_npm_config_set", "$ npm config set //npm.pkg.github.com/:_authToken @@S", S=an(36, "ghp" + "_")),
    _t(
        "term_pip_index_url_creds",
        "$ pip install --extra-index-url https://ci:@@P@nexus.corp.example/repository/pypi/simple acme-core",
        P=upw(20),
    ),
    _t(
        "term_heroku_config_output",
        "$ heroku config -a acme-api\n=== acme-api Config Vars\nDATABASE_URL: postgres://u8k2j1:@@P@ec2-3-91-4-22"
        ".compute-1.amazonaws.com:5432/d9f0\nREDIS_URL:    redis://h:@@R@ec2-52-1-9-8.compute-1.amazonaws.com:6379",
        P=hx(64),
        R=hx(64),
    ),
    _t(
        "term_fly_secrets_set",
        "$ fly secrets set SESSION_SECRET=@@S STRIPE_KEY=@@K -a acme-web",
        S=hx(64),
        K=cat("sk" + "_live_51", an(97)),
    ),
    _t("term_gh_auth_token_output", "$ gh auth token\n@@S", S=an(36, "gho" + "_")),
    _t(
        "term_docker_run_env_flags",
        "$ docker run -d --name pg -e POSTGRES_PASSWORD=@@P -e POSTGRES_USER=app -p 5432:5432 postgres:16",
        P=pw("it", "!*"),
    ),
    _t("term_mongosh_srv", '$ mongosh "mongodb+srv://admin:@@P@cluster0.x7kq2.mongodb.net/shop"', P=upw(16)),
    _t("term_rabbitmqctl_add_user", "# rabbitmqctl add_user orders '@@P'\nAdding user \"orders\" ...", P=rpw(20)),
    _t(
        "term_ldapsearch_w",
        "$ ldapsearch -x -H ldaps://ldap.corp.example -D 'cn=admin,dc=corp,dc=example' "
        "-w '@@P' -b 'ou=people,dc=corp,dc=example'",
        P=pw("fr"),
    ),
    _t("term_smbclient_percent", "$ smbclient //fs01/finance -U 'CORP\\jmeier%@@P'", P=pw("de", "!#*")),
    _t(
        "term_sqlcmd_capital_p",
        'PS C:\\> sqlcmd -S tcp:sql01,1433 -U sa -P "@@P" -Q "SELECT name FROM sys.databases"',
        P=pw("en", "!#*"),
    ),
    _t("term_terraform_output_raw", "$ terraform output -raw db_admin_password\n@@P", P=rpw(32)),
    _t(
        "term_history_numbered",
        "$ history | tail -3\n  512  export DO_TOKEN=@@S\n  513  doctl compute droplet list\n  514  history | tail -3",
        S=hx(64, "do" + "p_v1_"),
    ),
    _t("term_powershell_env", 'PS C:\\src\\api> $env:AZURE_CLIENT_SECRET = "@@S"', S=cat(an(3), "8Q~", url(34))),
    _t("term_powershell_securestring", 'PS> $pw = ConvertTo-SecureString "@@P" -AsPlainText -Force', P=pw("nl", "!#*")),
    _t("term_cmd_set", "C:\\Users\\ana> set ANTHROPIC_API_KEY=@@S", S=cat("sk" + "-ant-api03-", url(93), "AA")),
    _t(
        "term_influx_auth_create",
        "$ influx auth create --org acme --all-access\nID\t\t\tDescription\tToken\n0c5f8a2d1e3b4000\t\t\t@@S",
        S=cat(lambda s: _draw(s, _URLSAFE, 86), "=="),
    ),
    _t(
        "term_htpasswd_b",
        "$ htpasswd -bc /etc/nginx/.htpasswd grafana @@P\nAdding password for user grafana",
        P=pw("tr"),
    ),
    _t(
        "term_openssl_pass_arg",
        "$ openssl pkcs12 -export -in cert.pem -inkey key.pem -out bundle.p12 -passout pass:@@P",
        P=pw("es"),
    ),
    _t(
        "term_wget_password_flag",
        "$ wget --user=reports --password='@@P' https://files.corp.example/q3.xlsx",
        P=pw("pl"),
    ),
)


# --------------------------------------------------------------------------------------------
# configuration files

CONFIG_FORMATS: tuple[Planted, ...] = (
    _t(
        "cfg_dotenv_quoted_and_bare",
        '# .env.production\nAPP_ENV=production\nDB_PASSWORD="@@P"\nREDIS_PASSWORD=@@R',
        P=pw("de"),
        R=an(32),
    ),
    _t("cfg_dotenv_export_single_quotes", "export MAIL_PASSWORD='@@P'", P=rpw(16)),
    _t(
        "cfg_yaml_nested_datasource",
        "spring:\n  datasource:\n    url: jdbc:postgresql://pg:5432/orders\n    username: orders\n    password: @@P",
        P=pw("it"),
    ),
    _t("cfg_yaml_quoted_list_item", 'users:\n  - name: ci\n    password: "@@P"\n  - name: viewer', P=rpw(20)),
    _t("cfg_toml_table", '[database]\nhost = "db.internal"\nuser = "svc_billing"\npassword = "@@P"', P=pw("fr")),
    _t(
        "cfg_ini_section",
        "[smtp]\nserver = smtp.office365.com\nport = 587\nuser = alerts@acme.example\npass = @@P",
        P=pw("nl"),
    ),
    _t(
        "cfg_json_appsettings",
        '{\n  "ConnectionStrings": {\n    "Default": "Host=pg;Database=shop;Username=shop;Password=@@P"\n  }\n}',
        P=upw(18),
    ),
    _t(
        "cfg_xml_web_config",
        '<add name="Main" connectionString="Data Source=SQL02;Initial Catalog=Hr;User Id=hr_app;'
        'Password=@@P;" providerName="System.Data.SqlClient" />',
        P=pw("es", "!#*"),
    ),
    _t(
        "cfg_maven_settings_xml",
        "<server>\n  <id>nexus-releases</id>\n  <username>deployer</username>\n  <password>@@P</password>\n</server>",
        P=pw("pl", "!#*"),
    ),
    _t(
        "cfg_nuget_cleartext",
        '<packageSourceCredentials>\n  <github>\n    <add key="Username" value="acme-ci" />\n'
        '    <add key="ClearTextPassword" value="@@S" />\n  </github>\n</packageSourceCredentials>',
        S=an(36, "ghp" + "_"),
    ),
    _t("cfg_hcl_provider_block", 'provider "datadog" {\n  api_key = "@@A"\n  app_key = "@@B"\n}', A=hx(32), B=hx(40)),
    _t("cfg_tfvars", 'cloudflare_api_token = "@@S"\nzone_id = "5c2e1a9f0d3b4e6a8c7f1b2d3e4f5a6b"', S=url(40)),
    _t(
        "cfg_java_properties",
        "spring.mail.host=smtp.sendgrid.net\nspring.mail.username=apikey\nspring.mail.password=@@S",
        S=cat("S" + "G.", url(22), ".", url(43)),
    ),
    _t(
        "cfg_nginx_proxy_auth_header",
        'location /api/ {\n    proxy_pass http://upstream;\n    proxy_set_header Authorization "Bearer @@S";\n}',
        S=jwt(),
    ),
    _t("cfg_apache_setenv", "SetEnv STRIPE_API_KEY @@S", S=cat("sk" + "_live_51", an(97))),
    _t("cfg_systemd_environment", '[Service]\nEnvironment="API_TOKEN=@@S"\nExecStart=/usr/local/bin/worker', S=hx(48)),
    _t(
        "cfg_docker_compose_env",
        "services:\n  db:\n    image: mariadb:11\n    environment:\n      MARIADB_ROOT_PASSWORD: @@P\n"
        "      MARIADB_PASSWORD: @@Q",
        P=pw("tr"),
        Q=pw("en"),
    ),
    _t(
        "cfg_compose_list_syntax",
        "    environment:\n      - MINIO_ROOT_USER=minio\n      - MINIO_ROOT_PASSWORD=@@P",
        P=an(24),
    ),
    _t(
        "cfg_k8s_secret_stringdata",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: smtp\nstringData:\n  password: '@@P'",
        P=rpw(22),
    ),
    _t(
        "cfg_k8s_secret_data_b64",
        "apiVersion: v1\nkind: Secret\ntype: Opaque\ndata:\n  api-key: @@B",
        B=lambda s: base64.b64encode(an(36, "np" + "m_")(s).encode()).decode(),
    ),
    _t(
        "cfg_github_actions_env_literal",
        "    env:\n      SONAR_TOKEN: @@S\n    steps:\n      - uses: actions/checkout@v4",
        S=hx(40, "sq" + "p_"),
    ),
    _t("cfg_gitlab_ci_variables", 'variables:\n  DOCKER_AUTH_PASSWORD: "@@P"\n  DOCKER_DRIVER: overlay2', P=rpw(18)),
    _t(
        "cfg_npmrc_scoped",
        "@acme:registry=https://npm.pkg.github.com\n//npm.pkg.github.com/:_authToken=@@S",
        S=an(36, "ghp" + "_"),
    ),
    _t("cfg_pypirc", "[pypi]\nusername = __token__\npassword = @@S", S=url(148, "pypi" + "-AgEIcHlwaS5vcmc")),
    _t(
        "cfg_pip_conf_index_url",
        "[global]\nindex-url = https://build:@@P@artifactory.acme.example/api/pypi/simple",
        P=cat("AKCp", an(69)),
    ),
    _t("cfg_pgpass_line", "pg-replica.internal:5432:*:replicator:@@P", P=pw("ro")),
    _t("cfg_my_cnf_client", '[client]\nuser=backup\npassword="@@P"\nhost=127.0.0.1', P=pw("hu")),
    _t("cfg_redis_conf_requirepass", "# redis.conf\nrequirepass @@P\nmasterauth @@P", P=hx(48)),
    _t("cfg_pgbouncer_userlist", '"app_user" "@@P"\n"stats" "md5d41d8cd98f00b204e9800998ecf8427e"', P=pw("cs")),
    _t(
        "cfg_rclone_conf",
        "[b2]\ntype = b2\naccount = 0024f6a7c3d10e90000000003\nkey = @@S\nhard_delete = true",
        S=an(31, "K002"),
    ),
    _t(
        "cfg_s3cfg",
        "[default]\naccess_key = @@ID\nsecret_key = @@S\nhost_base = s3.eu-central-1.wasabisys.com",
        public=("ID",),
        ID=uan(20),
        S=an(40),
    ),
    _t(
        "cfg_kubeconfig_user_token",
        "users:\n- name: ci-bot\n  user:\n    token: @@S",
        S=jwt("RS256", iss="kubernetes/serviceaccount"),
    ),
    _t(
        "cfg_docker_config_auths",
        '{\n  "auths": {\n    "ghcr.io": {\n      "auth": "@@B"\n    }\n  }\n}',
        B=lambda s: base64.b64encode(f"acme-ci:{an(36, 'ghp' + '_')(s)}".encode()).decode(),
    ),
    _t("cfg_wp_config_define", "define( 'DB_PASSWORD', '@@P' );\ndefine( 'AUTH_KEY', '@@K' );", P=pw("fr"), K=rpw(64)),
    _t(
        "cfg_rails_database_yml",
        "production:\n  <<: *default\n  database: shop_production\n  password: @@P",
        P=pw("en"),
    ),
    _t(
        "cfg_gradle_properties",
        "signing.keyId=24875D73\nsigning.password=@@P\nossrhPassword=@@Q",
        P=pw("de"),
        Q=rpw(20),
    ),
    _t("cfg_ansible_vars_plain", 'mysql_root_password: "@@P"\nmysql_users:\n  - name: wp', P=pw("es")),
    _t(
        "cfg_helm_values_nested",
        "postgresql:\n  auth:\n    postgresPassword: @@P\n    password: @@Q",
        P=an(20),
        Q=an(20),
    ),
    _t(
        "cfg_jenkins_credentials_xml",
        "<com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>\n  <id>nexus</id>\n"
        "  <username>jenkins</username>\n  <password>@@P</password>",
        P=pw("it"),
    ),
    _t(
        "cfg_hocon_application_conf",
        'db {\n  default.url = "jdbc:mysql://db/app"\n  default.password = ${?DB_PW}\n  default.password = "@@P"\n}',
        P=pw("pt"),
    ),
    _t("cfg_cargo_credentials", '[registry]\ntoken = "@@S"', S=an(32, "cio")),
    _t(
        "cfg_composer_auth_json",
        '{"github-oauth": {"github.com": "@@S"}, "http-basic": {"repo.packagist.com": '
        '{"username": "token", "password": "@@T"}}}',
        S=an(36, "gho" + "_"),
        T=hx(64),
    ),
    _t("cfg_prometheus_basic_auth", "  basic_auth:\n    username: prometheus\n    password: @@P", P=rpw(24)),
    _t(
        "cfg_alertmanager_slack_url",
        "global:\n  slack_api_url: 'https://hooks.slack.com/services/T01ABCD2E/B05FGHI6J/@@S'",
        S=an(24),
    ),
    _t(
        "cfg_grafana_ini",
        "[security]\nadmin_user = admin\nadmin_password = @@P\nsecret_key = @@K",
        P=pw("sw"),
        K=an(32),
    ),
    _t(
        "cfg_git_config_extraheader",
        '[http "https://dev.azure.com/"]\n\textraheader = AUTHORIZATION: basic @@B',
        B=lambda s: base64.b64encode(f":{b32l(52)(s)}".encode()).decode(),
    ),
)


# --------------------------------------------------------------------------------------------
# source code in many languages

CODE_LANGUAGES: tuple[Planted, ...] = (
    _t("py_module_constant", 'STRIPE_KEY = "@@S"  # TODO move to settings', S=cat("sk" + "_live_51", an(97))),
    _t(
        "py_kwargs_constructor",
        "conn = psycopg2.connect(host='db', dbname='ledger', user='ledger', password='@@P')",
        P=pw("de"),
    ),
    _t("py_dict_literal", 'HEADERS = {"X-Figma-Token": "@@S", "Accept": "application/json"}', S=url(40, "fi" + "gd_")),
    _t("py_os_environ_setdefault", 'os.environ.setdefault("HF_TOKEN", "@@S")', S=letters(34, "h" + "f_")),
    _t(
        "py_boto3_client",
        "s3 = boto3.client('s3', aws_access_key_id='@@ID', aws_secret_access_key='@@S')",
        public=("ID",),
        ID=uan(16, "AK" + "IA"),
        S=lambda s: _draw(s, _ALNUM + "+/", 40),
    ),
    _t(
        "js_const_config",
        "const config = { apiKey: '@@S', authDomain: 'acme-prod.firebaseapp.com' };\n"
        "const admin = { serviceKey: '@@K' };",
        public=("S",),
        S=url(35, "AI" + "za"),
        K=rpw(40),
    ),
    _t(
        "js_fetch_headers",
        "await fetch(url, { headers: { 'x-api-key': '@@S' } });",
        S=cat("sk" + "-ant-api03-", url(93), "AA"),
    ),
    _t(
        "ts_class_field",
        'export class Mailer {\n  private readonly apiKey = "@@S";\n}',
        S=cat("re" + "_", an(8), "_", an(24)),
    ),
    _t("ts_process_env_fallback", "const token = process.env.NOTION_TOKEN ?? '@@S';", S=an(43, "sec" + "ret_")),
    _t("go_struct_literal", 'cfg := &Config{\n\tUser:     "billing",\n\tPassword: "@@P",\n}', P=pw("pl")),
    _t("go_const_block", 'const (\n\tapiBase = "https://api.example.net"\n\tapiKey  = "@@S"\n)', S=hx(40)),
    _t("rust_let_string_from", 'let token = String::from("@@S");', S=an(36, "ghp" + "_")),
    _t("rust_builder_call", '.basic_auth("admin", Some("@@P"))', P=pw("nordic")),
    _t("java_string_field", 'private static final String DB_PASS = "@@P";', P=pw("pt")),
    _t(
        "java_builder_chain",
        'DataSource ds = DataSourceBuilder.create().url(url).username("sa").password("@@P").build();',
        P=rpw(16),
    ),
    _t("kotlin_val", 'val signingSecret = "@@S"', S=hx(64)),
    _t(
        "csharp_connection_string",
        'var cs = "Server=db;Database=Crm;User Id=crm;Password=@@P;TrustServerCertificate=True";',
        P=pw("en", "!#*"),
    ),
    _t(
        "csharp_dictionary_init",
        'var creds = new Dictionary<string, string> { ["ApiKey"] = "@@S" };',
        S=cat(an(3), "8Q~", url(34)),
    ),
    _t("php_array_config", "'mysql' => [\n    'username' => 'forge',\n    'password' => '@@P',\n],", P=pw("fr")),
    _t("php_curl_setopt", 'curl_setopt($ch, CURLOPT_USERPWD, "api:@@S");', S=hx(32, "ke" + "y-")),
    _t(
        "ruby_hash_symbols",
        "Stripe.api_key = '@@S'\nconfig = { smtp_password: \"@@P\" }",
        S=cat("sk" + "_live_51", an(97)),
        P=pw("es"),
    ),
    _t("ruby_env_fetch_default", 'ENV.fetch("SHOPIFY_TOKEN", "@@S")', S=hx(32, "sh" + "pat_")),
    _t("swift_let", 'let apiKey = "@@S"', S=an(48, "pp" + "lx-")),
    _t("scala_val_config", 'val password: String = "@@P"', P=pw("it")),
    _t("elixir_config", 'config :my_app, MyApp.Repo,\n  username: "postgres",\n  password: "@@P"', P=pw("pt")),
    _t("c_define_macro", '#define WIFI_PASSWORD "@@P"\n#define WIFI_SSID "Fritz!Box 7590 KX"', P=pw("de")),
    _t("cpp_std_string", 'const std::string kMqttPassword{"@@P"};', P=rpw(20)),
    _t("dart_final", "final String openAiKey = '@@S';", S=cat("sk" + "-proj-", url(74), "T3Blbk" + "FJ", url(74))),
    _t("r_sys_setenv", 'Sys.setenv(OPENWEATHER_KEY = "@@S")', S=hx(32)),
    _t("lua_table", 'local redis_opts = { host = "10.0.0.9", password = "@@P" }', P=an(24)),
    _t("perl_dbi_connect", 'my $dbh = DBI->connect("DBI:mysql:db=crm;host=db", "crm", "@@P");', P=pw("nl")),
    _t(
        "bash_script_var",
        '#!/usr/bin/env bash\nset -euo pipefail\nAPI_TOKEN="@@S"\ncurl -H "Authorization: Bearer $API_TOKEN"',
        S=an(64),
    ),
    _t(
        "powershell_script_credential",
        "$secure = ConvertTo-SecureString '@@P' -AsPlainText -Force\n"
        "$cred = New-Object System.Management.Automation.PSCredential('CORP\\svc_backup', $secure)",
        P=pw("de"),
    ),
    _t("haskell_record", 'defaultCfg = Cfg { cfgUser = "api", cfgPass = "@@P" }', P=rpw(18)),
    _t("clojure_map", '(def db {:dbtype "postgresql" :user "app" :password "@@P"})', P=pw("cs")),
    _t("sql_create_user", "CREATE USER 'reporting'@'%' IDENTIFIED BY '@@P';", P=pw("tr")),
    _t("sql_alter_role", "ALTER ROLE app_rw WITH LOGIN PASSWORD '@@P';", P=rpw(24)),
    _t("julia_const", 'const API_KEY = "@@S"', S=an(32)),
    _t("objc_nsstring", 'NSString *const kClientSecret = @"@@S";', S=url(28, "GOC" + "SPX-")),
    _t("groovy_jenkinsfile", "environment {\n    NEXUS_PASSWORD = '@@P'\n}", P=pw("nordic")),
    _t("yaml_in_python_string", 'CONFIG = """\nredis:\n  password: @@P\n"""', P=an(28)),
)


# --------------------------------------------------------------------------------------------
# logs and HTTP traffic

LOGS_AND_HTTP: tuple[Planted, ...] = (
    _t(
        "log_app_login_kv",
        "2026-11-27T09:14:02.117Z INFO  auth.login user=mschmidt password=@@P ip=10.2.4.19 ok=true",
        P=pw("de"),
    ),
    _t(
        "log_json_structured",
        '{"level":"debug","ts":1764234842.5,"msg":"outgoing request","headers":{"Authorization":"Bearer @@S"}}',
        S=jwt("RS256", scope="orders:write"),
    ),
    _t(
        "http_request_dump_basic",
        "GET /api/v2/reports HTTP/1.1\r\nHost: reports.acme.example\r\nAuthorization: Basic @@B\r\nAccept: */*",
        B=lambda s: base64.b64encode(f"reports:{pw('fr')(s)}".encode()).decode(),
    ),
    _t("http_x_api_key_header", "POST /v1/embeddings HTTP/2\nx-api-key: @@S\ncontent-type: application/json", S=an(40)),
    _t(
        "http_cookie_session",
        "Cookie: _ga=GA1.2.1987215540.1764200000; sessionid=@@S; csrftoken=@@C",
        S=lan(32),
        C=an(64),
    ),
    _t(
        "http_set_cookie_response",
        "HTTP/1.1 302 Found\nSet-Cookie: __Host-sid=@@S; Path=/; Secure; HttpOnly; SameSite=Lax\nLocation: /dashboard",
        S=url(43),
    ),
    _t(
        "http_query_string_api_key",
        "GET /maps/api/geocode/json?address=Berlin&key=@@S HTTP/1.1",
        S=url(35, "AI" + "za"),
    ),
    _t(
        "nginx_access_log_token_query",
        '203.0.113.7 - - [27/Nov/2026:10:02:11 +0000] "GET /export.csv?access_token=@@S HTTP/1.1" 200 5120 "-" '
        '"python-requests/2.32.3"',
        S=an(40),
    ),
    _t(
        "curl_verbose_request_lines",
        "* Connected to api.openai.com (104.18.7.192) port 443\n> POST /v1/chat/completions HTTP/2\n"
        "> Host: api.openai.com\n> authorization: Bearer @@S\n> content-type: application/json",
        S=cat("sk" + "-proj-", url(74), "T3Blbk" + "FJ", url(74)),
    ),
    _t(
        "python_traceback_conn_string",
        'Traceback (most recent call last):\n  File "/app/db.py", line 12, in connect\n'
        "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server failed\n"
        "(Background on this error at: https://sqlalche.me/e/20/e3q8)\n[SQL: None]\n"
        "url='postgresql+psycopg2://etl:@@P@warehouse.internal:5432/dw'",
        P=upw(20),
    ),
    _t(
        "java_exception_jdbc_password",
        "Caused by: java.sql.SQLException: Access denied for user 'app'@'10.0.1.15' (using password: YES)\n"
        "\tat com.acme.Db.open(Db.java:44) url=jdbc:mysql://db:3306/app?user=app&password=@@P",
        P=pw("it", "!*"),
    ),
    _t("log_redis_monitor_auth", '1764234901.123456 [0 10.0.0.21:53122] "AUTH" "@@P"', P=an(32)),
    _t(
        "log_postgres_statement_password",
        "2026-11-27 10:15:22 UTC [4121] LOG:  statement: ALTER USER analytics WITH PASSWORD '@@P';",
        P=pw("ro"),
    ),
    _t(
        "log_mysql_general_log",
        "2026-11-27T10:16:00.001Z\t   12 Query\tCREATE USER 'grafana'@'%' IDENTIFIED BY '@@P'",
        P=pw("en"),
    ),
    _t(
        "log_k8s_event_env_dump",
        "Warning  Failed  pod/worker-5c7d9  Error: container env SMTP_PASSWORD=@@P is invalid",
        P=rpw(18),
    ),
    _t(
        "log_requests_debug_send",
        "send: b'POST /oauth/token HTTP/1.1\\r\\nHost: auth.acme.example\\r\\nContent-Type: application/"
        "x-www-form-urlencoded\\r\\n\\r\\ngrant_type=client_credentials&client_id=reports&client_secret=@@S'",
        S=an(48),
    ),
    _t("log_okhttp_interceptor", "I/okhttp.OkHttpClient: Authorization: Bearer @@S", S=url(60, "EA" + "AA")),
    _t(
        "log_axios_error_config",
        "AxiosError: Request failed with status code 401\n  config: {\n    headers: { 'X-Shopify-Access-Token': "
        "'@@S' },\n    url: '/admin/api/2024-10/orders.json'\n  }",
        S=hx(32, "sh" + "pat_"),
    ),
    _t("log_websocket_url_token", "WebSocket connection to 'wss://rt.acme.example/socket?token=@@S' failed", S=jwt()),
    _t(
        "log_grpc_metadata",
        "grpc metadata: [authorization: Bearer @@S, x-request-id: 7b1e0c44-a7de-4a6c-b5f4-0f7a8c3d2e91]",
        S=url(86, "hv" + "s.CAESI"),
    ),
    _t(
        "log_python_logging_dict",
        "DEBUG:root:settings={'DEBUG': False, 'SECRET_KEY': '@@S', 'ALLOWED_HOSTS': ['*']}",
        S=rpw(50),
    ),
    _t(
        "log_sentry_breadcrumb",
        '{"category":"httplib","data":{"method":"GET","url":"https://api.twilio.com/2010-04-01/Accounts.json",'
        '"auth":"AC1f9d0e3c5b7a2d4e6f8091a2b3c4d5e6:@@S"}}',
        S=hx(32),
    ),
    _t("log_har_header_entry", '{"name": "Authorization", "value": "token @@S"}', S=an(36, "ghp" + "_")),
    _t(
        "http_response_json_token",
        'HTTP/1.1 200 OK\nContent-Type: application/json\n\n{"access_token":"@@S","token_type":"Bearer",'
        '"expires_in":3599,"refresh_token":"@@R"}',
        S=url(64),
        R=url(64),
    ),
    _t(
        "http_form_body_password",
        "POST /login HTTP/1.1\nContent-Type: application/x-www-form-urlencoded\n\n"
        "username=jdoe&password=@@P&remember=1",
        P=upw(14),
    ),
    _t(
        "log_heroku_router",
        'at=info method=POST path="/hooks/stripe?secret=@@S" host=acme.herokuapp.com status=200',
        S=an(32),
    ),
    _t(
        "log_docker_inspect_env",
        '"Env": [\n    "PATH=/usr/local/sbin:/usr/local/bin",\n    "RABBITMQ_DEFAULT_PASS=@@P",\n    "LANG=C.UTF-8"\n]',
        P=an(20),
    ),
    _t(
        "log_ci_masked_failure",
        "Run ./deploy.sh\n+ curl -fsS -X POST -H 'Authorization: Bearer @@S' https://api.vercel.com/v13/deployments",
        S=an(24),
    ),
    _t(
        "log_celery_task_args",
        "[2026-11-27 10:20:01,004: INFO/MainProcess] Task sync.push[8c1e] received args=('acme', '@@S') kwargs={}",
        S=hx(64, "do" + "p_v1_"),
    ),
    _t(
        "log_syslog_sudo_echo",
        "Nov 27 10:21:44 web-3 sudo:   deploy : TTY=pts/0 ; PWD=/srv ; USER=root ; COMMAND=/usr/bin/mysql -uroot -p@@P",
        P=pw("pl", "!#*"),
    ),
    _t(
        "log_windows_event_cmdline",
        "Process Command Line: net use \\\\fs01\\share /user:CORP\\backup @@P",
        P=pw("de", "!#*"),
    ),
    _t(
        "http_proxy_authorization",
        "Proxy-Authorization: Basic @@B",
        B=lambda s: base64.b64encode(f"proxyuser:{rpw(16)(s)}".encode()).decode(),
    ),
    _t(
        "http_location_redirect_code",
        "HTTP/1.1 302 Found\nLocation: https://app.acme.example/callback#access_token=@@S&token_type=bearer",
        S=url(43),
    ),
    _t(
        "log_gitlab_runner_clone",
        "Fetching changes with git depth set to 20...\nCloning into '/builds/acme/api'...\n"
        "remote: https://gitlab-ci-token:@@S@gitlab.acme.example/acme/api.git",
        S=url(20, "glcbt" + "-"),
    ),
    _t("log_unity_stack_trace_key", 'NullReferenceException at Backend.Init (System.String apiKey="@@S")', S=hx(32)),
    _t(
        "log_graphql_variables",
        '{"operationName":"Login","variables":{"email":"ana@acme.example","password":"@@P"}}',
        P=pw("es"),
    ),
    _t(
        "log_elastic_slowlog_api_key",
        "Authorization: ApiKey @@B",
        B=lambda s: base64.b64encode(f"{url(20)(s + ':id')}:{url(22)(s + ':key')}".encode()).decode(),
    ),
    _t(
        "log_php_error_dsn",
        "PHP Fatal error:  Uncaught PDOException: SQLSTATE[HY000] [1045] in /var/www/db.php:7\n"
        "Stack trace:\n#0 /var/www/db.php(7): PDO->__construct('mysql:host=db;d...', 'shop', '@@P')",
        P=pw("fr"),
    ),
    _t("log_mqtt_connect_packet", "MQTT CONNECT client_id=sensor-42 username=iot password=@@P keepalive=60", P=an(16)),
    _t(
        "log_smtp_auth_plain_b64",
        "C: AUTH PLAIN @@B\nS: 235 2.7.0 Authentication successful",
        B=lambda s: base64.b64encode(f"\0alerts@acme.example\0{pw('en')(s)}".encode()).decode(),
    ),
)


# --------------------------------------------------------------------------------------------
# diffs and code reviews

DIFFS_AND_REVIEWS: tuple[Planted, ...] = (
    _t(
        "diff_add_env_line",
        "diff --git a/.env b/.env\nindex 3f2a1c9..8b7d0e4 100644\n--- a/.env\n+++ b/.env\n@@ -3,2 +3,3 @@\n"
        " APP_DEBUG=false\n+MAILGUN_API_KEY=@@S\n APP_URL=https://acme.example",
        S=cat(hx(32), "-", hx(8), "-", hx(8)),
    ),
    _t(
        "diff_remove_hardcoded_password",
        '--- a/src/db.py\n+++ b/src/db.py\n@@ -8,7 +8,7 @@ def connect():\n-    password = "@@P"\n'
        '+    password = os.environ["DB_PASSWORD"]',
        P=pw("de"),
    ),
    _t("diff_rotate_old_and_new", "-  token: @@O\n+  token: @@N", O=an(36, "ghp" + "_"), N=an(36, "ghp" + "_")),
    _t(
        "diff_yaml_values_change",
        "@@ -21,7 +21,7 @@ redis:\n   auth:\n     enabled: true\n-    password: changeme\n+    password: @@P",
        P=an(32),
    ),
    _t("diff_word_diff_markers", "STRIPE_KEY=[-sk_test_placeholder-]{+@@S+}", S=cat("sk" + "_live_51", an(97))),
    _t(
        "diff_git_show_commit",
        "commit 4e1f0c2b9a7d3e5f6a8b1c2d3e4f5a6b7c8d9e0f\nAuthor: Ana Souza <ana@acme.example>\n\n"
        '    add deploy key\n\ndiff --git a/deploy.sh b/deploy.sh\n+export FLY_API_TOKEN="@@S"',
        S=cat("FlyV1 fm2_", b64(180)),
    ),
    _t(
        "diff_merge_conflict_both_sides",
        "<<<<<<< HEAD\nSENTRY_AUTH_TOKEN=@@A\n=======\nSENTRY_AUTH_TOKEN=@@B\n>>>>>>> feature/release-tooling",
        A=hx(64, "sntr" + "yu_"),
        B=hx(64, "sntr" + "yu_"),
    ),
    _t(
        "review_comment_quoting_key",
        '**reviewer** commented on `config/prod.py` line 14:\n> `ALGOLIA_ADMIN_KEY = "@@S"`\n'
        "Please don't commit admin keys, use the search-only key here.",
        S=hx(32),
    ),
    _t(
        "review_suggestion_block",
        '```suggestion\nAPI_KEY = os.environ["PAYSTACK_SECRET"]\n```\nreplacing `API_KEY = "@@S"`',
        S=hx(40, "sk" + "_live_"),
    ),
    _t(
        "review_gerrit_inline",
        "Patch Set 3:\n\n(1 comment)\n\nFile src/main/resources/application.yml:\n\n"
        "Line 22: password: @@P <- this must come from Vault",
        P=pw("it"),
    ),
    _t(
        "diff_json_added_key",
        '   "name": "acme-bot",\n-  "telegramToken": "",\n+  "telegramToken": "@@S",\n   "chatId": -100188',
        S=cat(dig(9, "7"), ":AA", url(33)),
    ),
    _t(
        "diff_hunk_in_code_python",
        '@@ -1,4 +1,5 @@\n import openai\n+openai.api_key = "@@S"\n \n def ask(q):',
        S=cat("sk" + "-svcacct-", url(74), "T3Blbk" + "FJ", url(74)),
    ),
    _t(
        "diff_removed_only_line",
        "diff --git a/ansible/group_vars/all.yml b/ansible/group_vars/all.yml\n--- a/ansible/group_vars/all.yml\n"
        "+++ b/ansible/group_vars/all.yml\n@@ -5 +4,0 @@\n-vault_password: @@P",
        P=pw("nl"),
    ),
    _t("diff_git_log_p_oneline", "a91c3e0 chore: temp creds for demo\n+DEMO_ADMIN_PASSWORD=@@P", P=pw("ko")),
    _t(
        "diff_terraform_plan_sensitive_leak",
        '  # aws_db_instance.main will be updated in-place\n  ~ resource "aws_db_instance" "main" {\n'
        '      ~ password = "@@O" -> "@@N"',
        O=rpw(24),
        N=rpw(24),
    ),
    _t("diff_k8s_manifest_added", '+        - name: SLACK_SIGNING_SECRET\n+          value: "@@S"', S=hx(32)),
    _t(
        "review_pr_description",
        "## Summary\nSwitches the scraper to the paid proxy.\n\nProxy creds for testing: `scraper` / `@@P` "
        "(ask me for prod ones)",
        P=pw("pt"),
    ),
    _t("review_blame_line", "^4b2c1d0 (Jonas Berg 2025-03-02 14:11:09 +0100 17) SMTP_PASS = '@@P'", P=pw("nordic")),
    _t(
        "diff_properties_file",
        "--- a/gradle.properties\n+++ b/gradle.properties\n@@ -1,3 +1,4 @@\n org.gradle.jvmargs=-Xmx2g\n"
        "+mavenCentralPassword=@@P",
        P=rpw(20),
    ),
    _t(
        "diff_dockerfile_arg",
        "@@ -4,6 +4,7 @@ FROM node:20-alpine\n+ARG NPM_TOKEN=@@S\n RUN npm ci",
        S=an(36, "np" + "m_"),
    ),
    _t(
        "review_github_comment_token_url",
        "@mkoenig the CI fails because `https://@@S@github.com/acme/private-lib.git` was revoked yesterday",
        S=an(36, "ghp" + "_"),
    ),
    _t(
        "diff_xml_connection_string",
        '-    <add key="Storage" value="UseDevelopmentStorage=true" />\n+    <add key="Storage" value="'
        'DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey=@@S;EndpointSuffix=core.windows.net" />',
        S=b64(64),
    ),
    _t(
        "diff_side_by_side_table",
        "| before | after |\n|---|---|\n"
        "| `REDIS_URL=redis://localhost:6379` | `REDIS_URL=redis://:@@P@cache.prod:6379` |",
        P=an(32),
    ),
    _t(
        "review_patch_email_quote",
        "> +    'auth': ('svc-sync', '@@P'),\n\nThis looks like a real password, can you rotate it?",
        P=pw("en"),
    ),
    _t(
        "diff_ini_pypirc_added",
        "+[testpypi]\n+username = __token__\n+password = @@S",
        S=url(148, "pypi" + "-AgENdGVzdC5weXBpLm9yZw"),
    ),
    _t(
        "diff_go_source",
        '+\tclient := twilio.NewRestClientWithParams(twilio.ClientParams{Username: sid, Password: "@@S"})',
        S=hx(32),
    ),
    _t("diff_changelog_accident", "+## 2.4.1\n+- Fixed login (test with admin / @@P on staging)", P=pw("fr")),
    _t(
        "diff_gitlab_mr_note",
        'Thread on `.gitlab-ci.yml` L31: `- echo "$CI_REGISTRY_PASSWORD"` prints @@S in the job log',
        S=url(20, "glcbt" + "-"),
    ),
    _t(
        "diff_svn_style",
        "Index: conf/app.conf\n===================================================================\n"
        "--- conf/app.conf\t(revision 1841)\n+++ conf/app.conf\t(working copy)\n+db.pass=@@P",
        P=pw("cs"),
    ),
    _t(
        "diff_combined_format",
        'diff --cc settings.toml\n@@@ -1,3 -1,3 +1,3 @@@\n- token = "@@A"\n -token = "@@B"\n++token = "@@C"',
        A=hx(40, "pu" + "l-"),
        B=hx(40, "pu" + "l-"),
        C=hx(40, "pu" + "l-"),
    ),
    _t(
        "review_inline_code_span_only",
        "nit: `@@S` should not be in the test fixture, it's the live key",
        S=an(30, "li" + "ve_"),
    ),
    _t(
        "diff_stat_and_hunk",
        " config/secrets.yml | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n"
        '-  secret_key_base: <%= ENV["SECRET_KEY_BASE"] %>\n+  secret_key_base: @@S',
        S=hx(128),
    ),
    _t(
        "diff_patch_file_header",
        "From 6d2a1f0 Mon Sep 17 00:00:00 2001\nSubject: [PATCH] wire up search\n\n+ELASTIC_PASSWORD=@@P",
        P=upw(20),
    ),
    _t(
        "review_bitbucket_comment",
        "Removed the app password `@@S` from `bitbucket-pipelines.yml` in 3f1a2b7.",
        S=cat("AT" + "BB", an(32), hxu(8)),
    ),
    _t(
        "diff_env_example_vs_real",
        "--- a/.env.example\n+++ b/.env\n-OPENROUTER_API_KEY=your-key-here\n+OPENROUTER_API_KEY=@@S",
        S=hx(64, "sk" + "-or-v1-"),
    ),
    _t("review_jira_smart_commit", "ACME-412 #comment rotated; new jenkins token is @@S", S=hx(34, "11")),
    _t("diff_multiline_string_add", '+CREDENTIALS = {\n+    "user": "sync",\n+    "pass": "@@P",\n+}', P=pw("id")),
    _t("diff_windows_crlf_hunk", "@@ -2 +2 @@\r\n-ApiKey=\r\n+ApiKey=@@S\r\n", S=an(32)),
    _t("review_approval_with_secret", "LGTM once you drop the hunk with `OKTA_API_TOKEN=@@S` 👍", S=cat("00", url(40))),
)


# --------------------------------------------------------------------------------------------
# notebooks and tabular data

NOTEBOOKS_AND_DATA: tuple[Planted, ...] = (
    _t(
        "nb_cell_source_openai",
        '{"cell_type": "code", "execution_count": 3, "metadata": {}, "source": ["import openai\\n", '
        "\"openai.api_key = '@@S'\\n\"]}",
        S=cat("sk" + "-proj-", url(74), "T3Blbk" + "FJ", url(74)),
    ),
    _t("nb_cell_env_magic", '"source": ["%env HF_TOKEN=@@S"]', S=letters(34, "h" + "f_")),
    _t(
        "nb_output_stream_printenv",
        '"outputs": [{"name": "stdout", "output_type": "stream", "text": ["WANDB_API_KEY=@@S\\n", "HOME=/root\\n"]}]',
        S=hx(40),
    ),
    _t(
        "nb_colab_userdata_fallback",
        "try:\n    key = userdata.get('GEMINI_API_KEY')\nexcept Exception:\n    key = '@@S'",
        S=url(35, "AI" + "za"),
    ),
    _t("nb_bang_pip_token", "!pip install git+https://@@S@github.com/acme/ml-utils.git@v0.4", S=an(36, "ghp" + "_")),
    _t(
        "csv_header_and_row",
        "service,username,password,url\nsftp-partner,acme_upload,@@P,sftp://files.partner.example",
        P=pw("de", "!#*"),
    ),
    _t("csv_quoted_field", 'name,api_key,created\n"prod-reporting","@@S",2026-10-02', S=an(40)),
    _t("tsv_spreadsheet_paste", "System\tLogin\tPasswort\tBemerkung\nDATEV\tbuchhaltung\t@@P\tnur Montag", P=pw("de")),
    _t(
        "sql_insert_users_plaintext",
        "INSERT INTO users (id, email, password, role) VALUES (1, 'admin@acme.example', '@@P', 'admin');",
        P=pw("en"),
    ),
    _t(
        "sql_insert_api_keys",
        "INSERT INTO integrations (provider, secret) VALUES ('sendgrid', '@@S'), ('twilio', '@@T');",
        S=cat("S" + "G.", url(22), ".", url(43)),
        T=hx(32),
    ),
    _t(
        "sql_update_set_token",
        "UPDATE settings SET value = '@@S' WHERE key = 'slack_bot_token';",
        S=cat("xo" + "xb-", dig(12), "-", dig(13), "-", an(24)),
    ),
    _t(
        "pandas_dataframe_print",
        "           name                                     token  active\n0   ci-runner  @@A    True\n"
        "1  nightly-etl  @@B   False",
        A=an(36, "ghp" + "_"),
        B=an(36, "ghp" + "_"),
    ),
    _t(
        "psql_table_output",
        " id | username |       password\n----+----------+----------------------\n  1 | svc_api  | @@P\n(1 row)",
        P=rpw(20),
    ),
    _t(
        "mysql_table_output",
        "+----+--------+------------------+\n| id | name   | secret           |\n+----+--------+------------------+\n"
        "|  3 | paypal | @@S |",
        S=url(79, "E"),
    ),
    _t(
        "jsonl_rows",
        '{"tenant": "acme", "smtp_password": "@@P"}\n{"tenant": "globex", "smtp_password": null}',
        P=pw("it"),
    ),
    _t(
        "mongo_shell_document",
        "{\n  _id: ObjectId('6745f1c2a9e3b4d5c6f7a8b9'),\n  provider: 'stripe',\n  secretKey: '@@S'\n}",
        S=cat("sk" + "_live_51", an(97)),
    ),
    _t(
        "elasticsearch_hit_source",
        '"_source": {"integration": "jira", "email": "bot@acme.example", "api_token": "@@S"}',
        S=cat("ATA" + "TT3xFfGF0", url(172), "=", hxu(8)),
    ),
    _t(
        "excel_webservice_formula",
        '=WEBSERVICE("https://api.openweathermap.org/data/2.5/weather?q=Lyon&appid=@@S")',
        S=hx(32),
    ),
    _t(
        "gsheets_importjson",
        '=IMPORTJSON("https://api.airtable.com/v0/appX1y2Z3/Table?api_key=@@S")',
        S=cat("p" + "at", an(14), ".", hx(64)),
    ),
    _t("r_dataframe_print", "  user       pass\n1 admin  @@P\n2 guest  guest", P=pw("es")),
    _t(
        "yaml_fixture_real_looking",
        "- model: accounts.apikey\n  pk: 7\n  fields:\n    key: @@S\n    owner: 3",
        S=hx(40),
    ),
    _t(
        "nb_output_dict_repr",
        "Out[12]: {'host': 'redis-17123.c1.eu-west-1-2.ec2.redns.redis-cloud.com', 'port': 17123, 'password': '@@P'}",
        P=an(32),
    ),
    _t(
        "nb_markdown_cell_note",
        '{"cell_type": "markdown", "source": ["**Creds** for the demo DB: `analyst` / `@@P`"]}',
        P=pw("fr"),
    ),
    _t("nb_databricks_widget_default", 'dbutils.widgets.text("sf_password", "@@P")', P=rpw(20)),
    _t(
        "nb_snowflake_connect",
        "conn = snowflake.connector.connect(\n    user='ETL_USER',\n    password='@@P',\n"
        "    account='xy12345.eu-central-1',\n)",
        P=pw("nordic"),
    ),
    _t("csv_semicolon_european", "Kunde;Benutzer;Kennwort\nMüller GmbH;mueller_admin;@@P", P=pw("de")),
    _t(
        "parquet_schema_and_sample",
        "shape: (1, 2)\n┌──────────┬──────────────────────────────────────────┐\n"
        "│ provider ┆ key                                      │\n"
        "╞══════════╪══════════════════════════════════════════╡\n"
        "│ mistral  ┆ @@S         │\n└──────────┴──────────────────────────────────────────┘",
        S=an(32),
    ),
    _t(
        "nb_traceback_with_locals",
        "---> 14 client = MongoClient(uri)\nuri = 'mongodb://root:@@P@10.1.0.4:27017/?authSource=admin'",
        P=upw(18),
    ),
    _t("sql_copy_data_block", "COPY public.credentials (service, secret) FROM stdin;\nmailjet\t@@S\n\\.", S=hx(32)),
    _t(
        "nb_output_json_credentials",
        '{"output_type": "execute_result", "data": {"text/plain": ["{\'client_id\': \'a0f3\', \'client_secret\': '
        "'@@S'}\"]}}",
        S=url(40),
    ),
    _t(
        "csv_bank_export_pin", "Konto,IBAN,Online-Banking PIN\nGeschäftskonto,DE02 1203 0000 0000 2020 51,@@P", P=dig(8)
    ),
    _t(
        "spreadsheet_wifi_list",
        "Location | SSID | Password\nHQ 3rd floor | ACME-Staff | @@P\nWarehouse | ACME-WH | @@Q",
        P=pw("en"),
        Q=pw("nordic"),
    ),
    _t(
        "sql_dump_insert_multirow",
        "INSERT INTO `oauth_clients` VALUES (1,'web','@@A','https://app.acme.example/cb'),(2,'mobile','@@B',NULL);",
        A=an(40),
        B=an(40),
    ),
    _t(
        "nb_sagemaker_estimator",
        "estimator = Estimator(..., environment={'HUGGINGFACE_HUB_TOKEN': '@@S'})",
        S=letters(34, "h" + "f_"),
    ),
    _t("nb_plain_print_token", "print(token)\n@@S", S=jwt("RS256", scope="read:reports")),
    _t(
        "tsv_firewall_appliances",
        "host\tuser\tpass\nfw-edge-1\tadmin\t@@P\nfw-edge-2\tadmin\t@@Q",
        P=pw("tr"),
        Q=pw("tr"),
    ),
    _t("sql_select_result_cli", "sqlite> select name, value from secrets;\nbinance_secret|@@S", S=an(64)),
    _t("nb_polars_write_database", "df.write_database('staging', connection='mssql://sa:@@P@sql:1433/etl')", P=upw(16)),
    _t("xlsx_to_csv_accounts", "Konto;Login;PIN\nSparkasse;7714098;@@P", P=dig(5, "", "")),
)


# --------------------------------------------------------------------------------------------
# pasted documents: tickets, emails, wikis, runbooks

PASTED_DOCS: tuple[Planted, ...] = (
    _t(
        "doc_jira_ticket_body",
        "OPS-2291: Partner SFTP access\nPriority: High\nDescription: Host sftp.partner.example, user acme_in, "
        "password @@P. Please set up the nightly sync.",
        P=pw("en"),
    ),
    _t(
        "doc_email_new_password",
        "Hi team,\n\nthe new VPN password for the shared account is @@P — it changes again on the 1st.\n\nBest,\nLena",
        P=pw("de"),
    ),
    _t(
        "doc_email_vendor_welcome",
        "Welcome to Acme Payments!\nYour live secret key: @@S\nKeep it safe and never share it.",
        S=cat("sk" + "_live_", hx(40)),
    ),
    _t(
        "doc_wiki_markdown_table",
        "| Service | User | Password | Notes |\n|---|---|---|---|\n| Grafana | admin | @@P | prod |\n"
        "| Kibana | elastic | @@Q | staging |",
        P=rpw(16),
        Q=pw("fr"),
    ),
    _t(
        "doc_runbook_step",
        "### Restore from backup\n3. Decrypt the archive: `gpg --batch --passphrase '@@P' -d backup.tar.gpg | tar x`",
        P=phrase(6, " "),
    ),
    _t(
        "doc_handover_note",
        "Handover notes (Tom → Priya)\n- AWS root account MFA is on the office YubiKey\n- Root password: @@P\n"
        "- Billing alerts go to finance@",
        P=rpw(24),
    ),
    _t("doc_slack_paste", "[10:42] Marco: ok the new mongo atlas pw is @@P\n[10:43] Jade: thx", P=pw("it")),
    _t(
        "doc_confluence_code_macro",
        "{code:title=application-prod.properties}\nspring.rabbitmq.password=@@P\n{code}",
        P=pw("pl"),
    ),
    _t(
        "doc_onboarding_checklist",
        "- [x] Laptop\n- [ ] Figma seat\n- [ ] Shared 1Password vault (temporary master pass: @@P)",
        P=phrase(4),
    ),
    _t(
        "doc_postmortem_leak",
        "Root cause: the Datadog API key `@@S` was printed by `set -x` in the deploy script and ended up in public "
        "CI logs.",
        S=hx(32),
    ),
    _t(
        "doc_meeting_notes_passcode",
        "Weekly sync – Zoom: https://acme.zoom.us/j/84512299371?pwd=@@S  Meeting ID: 845 1229 9371",
        S=an(32),
    ),
    _t(
        "doc_readme_quickstart_real",
        "## Quickstart\n```bash\nexport REPLICATE_API_TOKEN=@@S\npython run.py\n```",
        S=an(37, "r" + "8_"),
    ),
    _t(
        "doc_stackoverflow_question",
        "I'm getting 403 from the API even though my key is right:\n\n    headers = {'X-API-KEY': '@@S'}\n\n"
        "What am I doing wrong?",
        S=uuid4(),
    ),
    _t(
        "doc_support_temp_password",
        "Your temporary password is: @@P\nYou will be asked to change it at first login.",
        P=cat(upw(4), "-", upw(4), "-", upw(4)),
    ),
    _t(
        "doc_notion_export_toggle", "▸ Staging credentials\n    DB: staging / @@P\n    Redis: @@R", P=pw("nl"), R=an(24)
    ),
    _t("doc_trello_card", "Card: Renew SSL\nChecklist: login to registrar with ops@acme.example / @@P", P=pw("es")),
    _t(
        "doc_calendar_invite",
        "Join Microsoft Teams Meeting\nMeeting ID: 312 884 090 117\nPasscode: @@S",
        S=an(6, "", ""),
    ),
    _t("doc_wifi_sign_wiki", "**Gäste-WLAN**\nSSID: ACME-Gast\nPasswort: @@P", P=pw("de")),
    _t(
        "doc_incident_timeline",
        "14:02 on-call rotated the Twilio auth token (old @@O)\n14:05 new token @@N deployed to all regions",
        O=hx(32),
        N=hx(32),
    ),
    _t(
        "doc_email_forwarded_creds",
        "---------- Forwarded message ---------\nFrom: IT Helpdesk\nSubject: Your account\n\n"
        "Username: p.nowak\nPassword: @@P",
        P=pw("pl"),
    ),
    _t(
        "doc_client_letter_fr",
        "Bonjour,\nVoici vos identifiants pour l'espace client :\nIdentifiant : SARL-DUPONT\nMot de passe : @@P\n"
        "Cordialement",
        P=pw("fr"),
    ),
    _t("doc_japanese_wiki", "## 検証環境\n- ユーザー名: admin\n- パスワード: @@P", P=pw("ja")),
    _t(
        "doc_changelog_with_key",
        "v1.8.0 – switched geocoding to Mapbox (token @@S)",
        S=lambda s: "sk." + _b64u(json.dumps({"u": "acme", "a": lan(25)(s)}).encode()) + "." + url(22)(s),
    ),
    _t(
        "doc_internal_faq",
        "Q: What's the staging admin login?\nA: admin@acme.example, password is @@P (don't tell customers)",
        P=pw("en"),
    ),
    _t("doc_translated_manual_es", "Paso 4: introduzca la clave de API @@S en el campo «Token».", S=an(40)),
    _t("doc_readme_table_env", "| Env var | Example |\n|---|---|\n| `TOGETHER_API_KEY` | `@@S` |", S=hx(64)),
    _t(
        "doc_ticket_customer_paste",
        'Customer wrote: "I can\'t connect, I use the key @@S and get 401" – please check their account.',
        S=url(35, "AI" + "za"),
    ),
    _t(
        "doc_vendor_portal_email",
        "Your API credentials\nClient ID: 9b1f3e7a-2c4d-4f6a-8b0c-1d2e3f4a5b6c\n"
        "Client Secret: @@S\nEnvironment: Production",
        S=url(40),
    ),
    _t(
        "doc_runbook_db_failover",
        "5. Promote replica: `PGPASSWORD='@@P' psql -h replica-2 -U postgres -c 'SELECT pg_promote()'`",
        P=rpw(22),
    ),
    _t(
        "doc_gitbook_hint",
        '{% hint style="warning" %}\nThe shared Postman key is `@@S`, rotate monthly.\n{% endhint %}',
        S=cat("PM" + "AK-", hx(24), "-", hx(34)),
    ),
    _t("doc_email_signature_line", "— sent from the deploy box, root pw still @@P btw", P=pw("en")),
    _t("doc_korean_notice", "[공지] 개발 서버 계정\n아이디: dev / 비밀번호: @@P", P=pw("ko")),
    _t("doc_russian_instruction", "Подключение к 1С: пользователь Администратор, пароль @@P", P=pw("ru")),
    _t(
        "doc_github_issue_body",
        "### Steps to reproduce\n1. `export ELEVENLABS_API_KEY=@@S`\n2. run `python tts.py`\n3. crash",
        S=hx(48, "sk" + "_"),
    ),
    _t("doc_kb_article_router", "Router admin UI: http://192.168.0.1 — login `admin`, Kennwort `@@P`", P=pw("de")),
    _t(
        "doc_release_email_license",
        "License key for Acme Studio Pro: @@S",
        S=cat(uan(5), "-", uan(5), "-", uan(5), "-", uan(5), "-", uan(5)),
    ),
    _t(
        "doc_recovery_codes_list",
        "GitHub recovery codes (acme-admin):\n@@A\n@@B\n@@C\n@@D",
        A=cat(hx(5), "-", hx(5)),
        B=cat(hx(5), "-", hx(5)),
        C=cat(hx(5), "-", hx(5)),
        D=cat(hx(5), "-", hx(5)),
    ),
    _t(
        "doc_pdf_text_extract",
        "Zugangsdaten Kundenportal    Benutzer: KD-100482    Kennwort: @@P    Stand: 11/2026",
        P=pw("de"),
    ),
    _t(
        "doc_incident_slack_quote",
        "> heads up: the Groq key @@S got posted in #general, revoking now",
        S=an(52, "gs" + "k_"),
    ),
    _t("doc_wiki_env_block_indented", "    BROKER_URL=amqp://celery:@@P@mq.internal:5672//", P=upw(20)),
)


# --------------------------------------------------------------------------------------------
# encoded, escaped, split and wrapped secrets (only forms a machine or a person could recover)


def _encoded() -> tuple[Planted, ...]:
    out: list[Planted] = []

    k = "enc_json_escaped_slashes"
    s = _g(k, "S", cat(lambda x: _draw(x, _ALNUM + "+", 14), "/", an(11), "/", lambda x: _draw(x, _ALNUM + "+", 13)))
    e = s.replace("/", "\\/")
    i = _g(k, "I", uan(16, "AK" + "IA"))
    out.append(_p(k, '{"aws_access_key_id":"' + i + '","aws_secret_access_key":"' + e + '"}', e))

    k = "enc_url_encoded_db_password"
    s = _g(k, "P", cat(pw("de", ""), "@", dig(2), "#"))
    e = quote(s, safe="")
    out.append(_p(k, f"DATABASE_URL=postgresql://billing:{e}@pg-main.internal:5432/billing?sslmode=require", e))

    k = "enc_git_credentials_percent"
    s = _g(k, "P", cat(pw("fr", ""), "!", dig(2), ":", letters(3)))
    e = quote(s, safe="")
    out.append(_p(k, f"https://jmartin:{e}@bitbucket.org", e))

    k = "enc_dockerconfigjson_double_b64"
    tok = _g(k, "T", an(36, "ghp" + "_"))
    inner = base64.b64encode(f"acme-bot:{tok}".encode()).decode()
    outer = base64.b64encode(json.dumps({"auths": {"ghcr.io": {"auth": inner}}}).encode()).decode()
    out.append(_p(k, f"data:\n  .dockerconfigjson: {outer}\ntype: kubernetes.io/dockerconfigjson", outer))

    k = "enc_split_python_concat"
    s = _g(k, "S", an(36, "ghp" + "_"))
    a, b, c = s[:16], s[16:28], s[28:]
    out.append(_p(k, f'TOKEN = "{a}" + "{b}" + "{c}"  # split so the scanner stops complaining', a, b, c))

    k = "enc_split_js_array_join"
    s = _g(k, "S", cat("sk" + "_live_51", an(97)))
    parts = [s[i : i + 36] for i in range(0, len(s), 36)]
    out.append(_p(k, "const key = [" + ", ".join(f"'{x}'" for x in parts) + "].join('');", *parts))

    k = "enc_split_go_multiline"
    s = _g(k, "S", cat("xo" + "xb-", dig(12), "-", dig(13), "-", an(24)))
    a, b = s[:27], s[27:]
    out.append(_p(k, f'var slackToken = "{a}" +\n\t"{b}"', a, b))

    k = "enc_hex_xxd_reverse"
    s = _g(k, "S", an(36, "np" + "m_"))
    e = s.encode().hex()
    out.append(_p(k, f"echo {e} | xxd -r -p > ~/.npm-token", e))

    k = "enc_go_json_unicode_amp"
    s = _g(k, "P", cat(pw("en", ""), "&", dig(3), "<", letters(2)))
    e = s.replace("&", "\\u0026").replace("<", "\\u003c")
    out.append(_p(k, '{"user":"svc-ingest","password":"' + e + '","port":5672}', e))

    k = "enc_azure_sas_sig_urlencoded"
    s = _g(k, "S", cat(lambda x: _draw(x, _ALNUM + "+/", 42), "="))
    e = quote(s, safe="")
    out.append(
        _p(
            k,
            "https://acmeprod.blob.core.windows.net/exports?sv=2022-11-02&ss=b&srt=co&sp=rl"
            f"&se=2026-12-31T00:00:00Z&st=2026-11-01T00:00:00Z&spr=https&sig={e}",
            e,
        )
    )

    k = "enc_xml_amp_entity"
    s = _g(k, "P", cat(pw("it", ""), "&", dig(4)))
    e = s.replace("&", "&amp;")
    out.append(_p(k, f'<property name="hibernate.connection.password">{e}</property>', e))

    k = "enc_shell_single_quote_escape"
    s = _g(k, "P", cat(letters(6), "'", dig(2), "!", letters(5)))
    e = s.replace("'", "'\\''")
    out.append(_p(k, f"mysql -u admin -p'{e}' -h 127.0.0.1", e))

    k = "enc_backslash_line_continuation"
    s = _g(k, "S", cat("sk" + "-ant-api03-", url(93), "AA"))
    a, b = s[:60], s[60:]
    out.append(
        _p(
            k,
            f'curl https://api.anthropic.com/v1/messages \\\n  -H "x-api-key: {a}\\\n{b}" \\\n'
            '  -H "content-type: application/json"',
            a,
            b,
        )
    )

    k = "enc_base64_env_file"
    env = f"DB_PASSWORD={_g(k, 'P', pw('pt'))}\nJWT_SECRET={_g(k, 'J', hx(64))}\n"
    e = base64.b64encode(env.encode()).decode()
    out.append(_p(k, f"echo '{e}' | base64 -d > .env", e))

    k = "enc_mime_base64_wrapped"
    body = f"[default]\naws_access_key_id = AKIA{_g(k, 'I', uan(16))}\naws_secret_access_key = "
    body += _g(k, "S", lambda x: _draw(x, _ALNUM + "+/", 40)) + "\n"
    lines = _wrap(base64.b64encode(body.encode()).decode(), 76)
    out.append(
        _p(
            k,
            'Content-Type: text/plain; name="credentials"\nContent-Transfer-Encoding: base64\n\n' + "\n".join(lines),
            *[x for x in lines if len(x) >= 16],
        )
    )

    k = "enc_c_byte_array_key"
    raw = _stream(k + ":K", 16)
    e = ", ".join(f"0x{x:02x}" for x in raw)
    out.append(_p(k, f"static const uint8_t AES_KEY[16] = {{{e}}};", e))

    k = "enc_form_body_urlencoded_secret"
    s = _g(k, "S", cat(lambda x: _draw(x, _ALNUM + "+/", 30), "+", an(8), "/", an(4)))
    e = quote(s, safe="")
    out.append(_p(k, f"grant_type=client_credentials&client_id=3MVG9lKcPoNINVBK&client_secret={e}", e))

    k = "enc_json_unicode_escape_non_ascii"
    s = _g(k, "P", cat("Schäfchen", dig(4), "!"))
    e = json.dumps(s)[1:-1]
    out.append(_p(k, '{"smtp": {"user": "kontakt@baeckerei-example.de", "password": "' + e + '"}}', e))

    k = "enc_yaml_double_quoted_continuation"
    s = _g(k, "S", cat("ATA" + "TT3xFfGF0", url(172), "=", hxu(8)))
    a, b = s[:90], s[90:]
    out.append(_p(k, f'jira:\n  token: "{a}\\\n    {b}"', a, b))

    k = "enc_java_string_concat_lines"
    s = _g(k, "S", url(86, "hv" + "s.CAESI"))
    a, b = s[:45], s[45:]
    out.append(_p(k, f'String vaultToken = "{a}"\n        + "{b}";', a, b))

    k = "enc_sql_concat_operator"
    s = _g(k, "P", rpw(24))
    a, b = s[:12], s[12:]
    out.append(_p(k, f"UPDATE service_accounts SET secret = '{a}' || '{b}' WHERE name = 'etl';", a, b))

    k = "enc_env_parts_joined"
    s = _g(k, "S", cat("github" + "_pat_", an(22), "_", an(59)))
    a, b = s[:45], s[45:]
    out.append(_p(k, f'TOKEN_A={a}\nTOKEN_B={b}\nexport GITHUB_TOKEN="$TOKEN_A$TOKEN_B"', a, b))

    k = "enc_service_account_json_b64"
    sa = json.dumps(
        {
            "type": "service_account",
            "project_id": "acme-prod",
            "private_key_id": _g(k, "I", hx(40)),
            "private_key": _pem(PRIV, _pkcs8_rsa_der(k))[0] + "\n",
            "client_email": "deployer@acme-prod.iam.gserviceaccount.com",
        }
    )
    e = base64.b64encode(sa.encode()).decode()
    out.append(_p(k, f"GOOGLE_CREDENTIALS_B64={e}", e))

    k = "enc_echo_base64_pair"
    s = _g(k, "P", rpw(20))
    e = base64.b64encode(s.encode()).decode()
    out.append(_p(k, f"$ echo -n '{s}' | base64\n{e}", s, e))

    k = "enc_escaped_json_in_log_msg"
    s = _g(k, "S", an(36, "gho" + "_"))
    out.append(_p(k, '{"level":"info","msg":"{\\"token\\":\\"' + s + '\\",\\"user\\":\\"octo\\"}"}', s))

    k = "enc_quoted_printable_soft_breaks"
    s = _g(k, "S", b64(46))
    a = s[:40]
    b = s[40:].replace("=", "=3D")
    out.append(_p(k, f"Your new API secret is: {a}=\n{b}\n\nRegards, Acme Support", a, b))

    k = "enc_markdown_escaped_underscores"
    s = _g(k, "P", cat(letters(5), "_", dig(4), "_", letters(6), "!"))
    e = s.replace("_", "\\_")
    out.append(_p(k, f"Staging login: **ops** / {e}", e))

    k = "enc_json_escaped_backslash"
    s = _g(k, "P", cat("Corp", "\\", letters(6), dig(3), "!"))
    e = s.replace("\\", "\\\\")
    out.append(_p(k, '{"domain": "CORP", "user": "svc_scan", "password": "' + e + '"}', e))

    k = "enc_ansi_colored_output"
    s = _g(k, "S", hx(64, "do" + "p_v1_"))
    out.append(_p(k, f"\x1b[1mToken:\x1b[0m \x1b[32m{s}\x1b[0m", s))

    k = "enc_powershell_encoded_command"
    p = _g(k, "P", pw("de", "!#"))
    cmd = f"net user backup_admin {p} /add"
    e = base64.b64encode(cmd.encode("utf-16-le")).decode()
    out.append(_p(k, f"powershell.exe -NoProfile -EncodedCommand {e}", e))

    k = "enc_terminal_wrapped_80_cols"
    s = _g(k, "S", cat("sk" + "-proj-", url(74), "T3Blbk" + "FJ", url(74)))
    first = "OPENAI_API_KEY=" + s[: 80 - len("OPENAI_API_KEY=")]
    rest = s[80 - len("OPENAI_API_KEY=") :]
    chunks = _wrap(rest, 80)
    out.append(_p(k, first + "\n" + "\n".join(chunks), s[: 80 - len("OPENAI_API_KEY=")], *chunks))

    k = "enc_urlencoded_json_state"
    s = _g(k, "S", cat(lambda x: _draw(x, _ALNUM + "/+", 40)))
    e = quote(json.dumps({"refresh": s}), safe="")
    inner = quote(s, safe="")
    out.append(_p(k, f"https://app.acme.example/oauth/return?state={e}&code=4%2F0AbC", inner))

    k = "enc_basic_auth_in_query"
    s = _g(k, "P", pw("tr"))
    e = base64.b64encode(f"reporting:{s}".encode()).decode()
    out.append(_p(k, f"https://grafana.acme.example/render/d-solo/abc?auth={quote(e, safe='')}", quote(e, safe="")))

    k = "enc_docker_build_arg_b64"
    s = _g(k, "S", an(36, "np" + "m_"))
    e = base64.b64encode(s.encode()).decode()
    out.append(_p(k, f"docker build --build-arg NPM_TOKEN=$(echo {e} | base64 -d) -t web .", e))

    k = "enc_ruby_pack_hex"
    s = _g(k, "S", hx(32, "sh" + "pat_"))
    e = s.encode().hex()
    out.append(_p(k, f"TOKEN = ['{e}'].pack('H*')", e))

    k = "enc_split_over_yaml_keys"
    s = _g(k, "S", uuid4())
    a, b = s[:18], s[18:]
    out.append(_p(k, f"snyk:\n  token_prefix: {a}\n  token_suffix: {b}", a, b))

    k = "enc_kotlin_char_array"
    s = _g(k, "P", pw("pl"))
    e = ", ".join(f"'{ch}'" for ch in s)
    out.append(_p(k, f"val keystorePass = charArrayOf({e})", e))

    k = "enc_url_double_encoded"
    s = _g(k, "P", cat(pw("es", ""), "%", dig(2), "+"))
    e = quote(quote(s, safe=""), safe="")
    out.append(_p(k, f"GET /redirect?next=https%3A%2F%2Fsvc%2Flogin%3Fpw%3D{e} HTTP/1.1", e))

    k = "enc_ldif_base64_password"
    s = _g(k, "P", pw("fr"))
    e = base64.b64encode(s.encode()).decode()
    out.append(_p(k, f"dn: uid=jdupont,ou=people,dc=acme,dc=example\nuserPassword:: {e}", e))

    return tuple(out)


ENCODED_SPLIT_WRAPPED: tuple[Planted, ...] = _encoded()


# --------------------------------------------------------------------------------------------
# key material


def _keys() -> tuple[Planted, ...]:
    out: list[Planted] = []

    k = "km_pkcs8_rsa_cat"
    text, lines = _pem(PRIV, _pkcs8_rsa_der(k))
    out.append(_p(k, "$ cat certs/server.key\n" + text, *_key_lines(lines)[1:]))

    k = "km_pkcs1_rsa_tfstate_escaped"
    text, lines = _pem("RSA " + PRIV, _pkcs1_rsa_der(k))
    esc = json.dumps(text + "\n")
    out.append(_p(k, '          "private_key_pem": ' + esc + ",", *_key_lines(lines)[1:]))

    k = "km_ec_private_key_pem"
    text, lines = _pem("EC " + PRIV, _ec_p256_der(k))
    out.append(_p(k, text, *_key_lines(lines)))

    k = "km_openssh_ed25519_cat"
    text, lines, public = _openssh_ed25519(k, "deploy@build-01")
    out.append(_p(k, "$ cat ~/.ssh/id_ed25519\n" + text + "\n$ cat ~/.ssh/id_ed25519.pub\n" + public, *lines))

    k = "km_openssh_in_gitlab_variable"
    text, lines, _ = _openssh_ed25519(k, "gitlab-ci")
    block = "\n".join("    " + x for x in text.splitlines())
    out.append(_p(k, "variables:\n  SSH_PRIVATE_KEY: |\n" + block, *lines))

    k = "km_pkcs8_ed25519_one_line"
    text, lines = _pem(PRIV, _pkcs8_ed25519_der(k))
    out.append(_p(k, "# signing key for webhooks\n" + text, *lines))

    k = "km_encrypted_pkcs8"
    head = bytes.fromhex("30820526305006092a864886f70d01050d3043302206092a864886f70d01050c3015")
    text, lines = _pem("ENCRYPTED " + PRIV, head + _stream(k, 1250))
    out.append(_p(k, text, *_key_lines(lines)[1:]))

    k = "km_pgp_private_key_block"
    body = _wrap(base64.b64encode(bytes.fromhex("9503c604") + _stream(k, 940)).decode(), 64)
    crc = "=" + _g(k, "C", lambda x: _draw(x, _ALNUM + "+/", 4))
    pgp = "PGP PRIVATE KEY BLOCK"
    out.append(
        _p(k, f"-----BEGIN {pgp}-----\n\n" + "\n".join(body) + f"\n{crc}\n-----END {pgp}-----", *_key_lines(body))
    )

    k = "km_putty_ppk_v3"
    pubblob = _ssh_str(b"ssh-ed25519") + _ssh_str(_stream(k + ":pub", 32))
    priv = base64.b64encode(_ssh_str(_stream(k + ":priv", 32))).decode()
    out.append(
        _p(
            k,
            "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: ed25519-key-20261127\n"
            f"Public-Lines: 2\n{base64.b64encode(pubblob).decode()}\nPrivate-Lines: 1\n{priv}\n"
            f"Private-MAC: {_g(k, 'M', hx(64))}",
            priv,
        )
    )

    k = "km_age_identity_file"
    sk = _g(k, "S", bechu(58, "AGE-SECRET" + "-KEY-1"))
    pk = _g(k, "P", bech(58, "age1"))
    out.append(_p(k, f"# created: 2026-11-27T09:12:44+01:00\n# public key: {pk}\n{sk}", sk))

    k = "km_minisign_secret_key"
    sk = base64.b64encode(b"EdScB2" + _stream(k, 152)).decode()
    out.append(_p(k, f"untrusted comment: minisign encrypted secret key\n{sk}", sk))

    k = "km_wireguard_interface"
    pk = _g(k, "K", b64(32))
    peer = _g(k, "PEER", b64(32))
    psk = _g(k, "PSK", b64(32))
    out.append(
        _p(
            k,
            f"[Interface]\nAddress = 10.8.0.2/24\nPrivateKey = {pk}\n\n[Peer]\nPublicKey = {peer}\n"
            f"PresharedKey = {psk}\nEndpoint = vpn.acme.example:51820",
            pk,
            psk,
        )
    )

    k = "km_eth_private_key_env"
    s = _g(k, "S", hx(64, "0x"))
    out.append(_p(k, f"DEPLOYER_PRIVATE_KEY={s}\nRPC_URL=https://mainnet.infura.io/v3/", s))

    k = "km_eth_keystore_password_file"
    p = _g(k, "P", pw("en"))
    out.append(
        _p(
            k,
            f"$ echo '{p}' > /etc/geth/password.txt\n$ geth --unlock 0x5a3b9C1d0E7f2A4b6C8d0E1f3A5b7C9d1E3f5A7b "
            "--password /etc/geth/password.txt",
            p,
        )
    )

    k = "km_solana_keypair_json"
    arr = "[" + ",".join(str(x) for x in _stream(k, 64)) + "]"
    out.append(_p(k, f"$ cat ~/.config/solana/id.json\n{arr}", arr))

    k = "km_bip39_12_label"
    m = mnemonic("fresh11:" + k, 12)
    out.append(_p(k, f"Recovery phrase: {m}", m))

    k = "km_bip39_24_four_lines"
    words = mnemonic("fresh11:" + k, 24).split()
    rows = [" ".join(words[i : i + 6]) for i in range(0, 24, 6)]
    out.append(_p(k, "seed (write down!)\n" + "\n".join(rows), *rows))

    k = "km_bip39_in_chat_sentence"
    m = mnemonic("fresh11:" + k, 12)
    out.append(_p(k, f"my metamask won't import, the words are {m} — what am I doing wrong?", m))

    k = "km_bip39_json_wallet_config"
    m = mnemonic("fresh11:" + k, 24)
    out.append(_p(k, '{"network": "sepolia", "mnemonic": "' + m + '", "path": "m/44\'/60\'/0\'/0"}', m))

    k = "km_wif_compressed_import"
    s = wif("fresh11:" + k)
    out.append(_p(k, f'$ bitcoin-cli importprivkey "{s}" "cold-1" false', s))

    k = "km_wif_uncompressed_paper"
    s = wif("fresh11:" + k, compressed=False)
    out.append(_p(k, f"Paper wallet (2014)\nPrivate key (WIF): {s}", s))

    k = "km_wif_testnet_env"
    s = wif("fresh11:" + k, testnet=True)
    out.append(_p(k, f"TESTNET_WIF={s}", s))

    k = "km_xprv_descriptor"
    s = _g(k, "S", b58(95, "xprv" + "9s21ZrQH143K"))
    out.append(_p(k, f"wpkh({s}/84h/0h/0h/0/*)#8r7hq3lk", s))

    k = "km_jwk_ec_private"
    d, x, y = _g(k, "D", b64url(32)), _g(k, "X", b64url(32)), _g(k, "Y", b64url(32))
    out.append(_p(k, json.dumps({"kty": "EC", "crv": "P-256", "kid": "sig-2026-11", "x": x, "y": y, "d": d}), d))

    k = "km_jwk_okp_private"
    d, x = _g(k, "D", b64url(32)), _g(k, "X", b64url(32))
    out.append(_p(k, f'{{"kty":"OKP","crv":"Ed25519","x":"{x}","d":"{d}","use":"sig"}}', d))

    k = "km_jwk_rsa_private_params"
    n = _g(k, "N", b64url(256))
    priv = {
        name: _g(k, name.upper(), b64url(size))
        for name, size in (("d", 256), ("p", 128), ("q", 128), ("dp", 128), ("dq", 128), ("qi", 128))
    }
    jwk = {"kty": "RSA", "kid": "rs-1", "n": n, "e": "AQAB"} | priv
    out.append(_p(k, json.dumps(jwk, indent=2), *priv.values()))

    k = "km_pkcs12_base64_blob"
    s = base64.b64encode(
        bytes.fromhex("30820a4202010330820a0806092a864886f70d010701a0820a") + _stream(k, 1500)
    ).decode()
    out.append(_p(k, f"KEYSTORE_P12_BASE64={s}\nKEYSTORE_PASSWORD_REF=vault:kv/android/keystore", s))

    k = "km_k8s_tls_secret_b64_pem"
    text, _ = _pem(PRIV, _ec_p256_der(k))
    s = base64.b64encode((text + "\n").encode()).decode()
    out.append(_p(k, f"kind: Secret\ntype: kubernetes.io/tls\ndata:\n  tls.crt: LS0tLS1CRUdJTi...\n  tls.key: {s}", s))

    k = "km_gcp_sa_json_private_key"
    text, lines = _pem(PRIV, _pkcs8_rsa_der(k))
    esc = json.dumps(text + "\n")
    out.append(
        _p(
            k,
            '{\n  "type": "service_account",\n  "project_id": "acme-analytics",\n  "private_key_id": "'
            + _g(k, "I", hx(40))
            + '",\n  "private_key": '
            + esc
            + ',\n  "client_email": '
            '"etl@acme-analytics.iam.gserviceaccount.com"\n}',
            *_key_lines(lines)[1:],
        )
    )

    k = "km_nostr_nsec"
    s = _g(k, "S", bech(58, "nsec1"))
    out.append(_p(k, f"nostr key for the bot: {s}", s))

    k = "km_tendermint_priv_validator"
    pub = base64.b64encode(_stream(k + ":pub", 32)).decode()
    s = base64.b64encode(_stream(k + ":priv", 32) + _stream(k + ":pub", 32)).decode()
    out.append(
        _p(
            k,
            '{\n  "address": "7A1C3E5F9B2D4A6C8E0F1B3D5A7C9E1F3B5D7A9C",\n  "pub_key": {"type": '
            f'"tendermint/PubKeyEd25519", "value": "{pub}"}},\n  "priv_key": {{"type": '
            f'"tendermint/PrivKeyEd25519", "value": "{s}"}}\n}}',
            s,
        )
    )

    k = "km_lnd_admin_macaroon_hex"
    s = "0201036c6e6402f801" + _stream(k, 120).hex()
    out.append(_p(k, f'curl --cacert tls.cert -H "Grpc-Metadata-macaroon: {s}" https://localhost:8080/v1/getinfo', s))

    k = "km_totp_otpauth_uri"
    s = _g(k, "S", b32(32))
    out.append(_p(k, f"otpauth://totp/Acme:ops%40acme.example?secret={s}&issuer=Acme&digits=6", s))

    k = "km_totp_manual_entry_grouped"
    s = " ".join(_wrap(_g(k, "S", b32l(32)), 4))
    out.append(_p(k, f"Can't scan? Enter this key manually: {s}", s))

    k = "km_laravel_app_key"
    s = _g(k, "S", b64(32, prefix="base64:"))
    out.append(_p(k, f"APP_NAME=Shop\nAPP_KEY={s}\nAPP_DEBUG=false", s))

    k = "km_rails_master_key"
    s = _g(k, "S", hx(32))
    out.append(_p(k, f"$ cat config/master.key\n{s}", s))

    k = "km_fernet_key"
    s = _g(k, "S", lambda x: base64.urlsafe_b64encode(_stream(x, 32)).decode())
    out.append(_p(k, f"AIRFLOW__CORE__FERNET_KEY={s}", s))

    k = "km_vault_operator_init"
    keys = [_g(k, f"U{i}", b64(33)) for i in range(1, 4)]
    root = _g(k, "R", url(24, "hv" + "s."))
    out.append(
        _p(
            k,
            "\n".join(f"Unseal Key {i}: {u}" for i, u in enumerate(keys, 1)) + f"\n\nInitial Root Token: {root}",
            *keys,
            root,
        )
    )

    k = "km_dkim_private_key_opendkim"
    text, lines = _pem("RSA " + PRIV, _pkcs1_rsa_der(k, 608))
    out.append(_p(k, "$ sudo cat /etc/opendkim/keys/acme.example/mail.private\n" + text, *_key_lines(lines)[1:]))

    k = "km_aes_key_hex_env"
    s = _g(k, "S", hx(64))
    out.append(_p(k, f"FIELD_ENCRYPTION_KEY={s}", s))

    k = "km_tor_hs_secret_b64"
    s = base64.b64encode(b"== ed25519v1-secret: type0 ==\0\0\0" + _stream(k, 64)).decode()
    out.append(_p(k, f"HS_ED25519_SECRET_KEY_B64={s}", s))

    k = "km_cosign_key_with_password"
    body = _wrap(base64.b64encode(b'{"kdf":{"name":"scrypt","params":' + _stream(k, 300)).decode(), 64)
    p = _g(k, "P", rpw(24))
    label = "ENCRYPTED SIGSTORE " + PRIV
    out.append(
        _p(
            k,
            f"COSIGN_PASSWORD={p}\n-----BEGIN {label}-----\n" + "\n".join(body) + f"\n-----END {label}-----",
            p,
            *_key_lines(body)[1:],
        )
    )

    k = "km_ssh_key_json_api_payload"
    text, lines, _ = _openssh_ed25519(k, "backup@nas")
    out.append(_p(k, json.dumps({"name": "backup", "private_key": text + "\n"}), *lines))

    return tuple(out)


KEY_MATERIAL: tuple[Planted, ...] = _keys()


# --------------------------------------------------------------------------------------------
# families

FAMILIES11: dict[str, tuple[Planted, ...]] = {
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

FRESH11: tuple[Planted, ...] = tuple(p for family in FAMILIES11.values() for p in family)


# --------------------------------------------------------------------------------------------
# look-alikes: lines with no secret that a careful redactor must keep unchanged


def _bx(seed: str, n: int) -> str:
    return _draw("benign:" + seed, _HEX, n)


def _bb64(seed: str, n: int) -> str:
    return base64.b64encode(_stream("benign:" + seed, n)).decode()


def _buuid(seed: str) -> str:
    return uuid4()("benign:" + seed)


_PUB_ED = base64.b64encode(_ssh_str(b"ssh-ed25519") + _ssh_str(_stream("benign:pub-ed", 32))).decode()
_CERT_LINES = _wrap(base64.b64encode(bytes.fromhex("308203") + _stream("benign:cert", 180)).decode(), 64)
_PUBKEY_LINES = _wrap(
    base64.b64encode(
        bytes.fromhex("3059301306072a8648ce3d020106082a8648ce3d03010703420004") + _stream("benign:spki", 64)
    ).decode(),
    64,
)

BENIGN_FRESH11: tuple[str, ...] = (
    # hashes, digests, ids
    f"commit {_bx('commit1', 40)}",
    f"Merge pull request #4821 from acme/fix-login ({_bx('merge', 7)})",
    f"{_bx('sum1', 64)}  dist/acme-cli_2.4.1_linux_amd64.tar.gz",
    f"image: ghcr.io/acme/api@sha256:{_bx('digest1', 64)}",
    f"FROM python:3.12-slim@sha256:{_bx('digest2', 64)}",
    f"X-Request-Id: {_buuid('req1')}",
    f"trace_id={_bx('trace', 32)} span_id={_bx('span', 16)} sampled=1",
    f'"integrity": "sha512-{_bb64("npm-int", 64)}"',
    f"golang.org/x/crypto v0.28.0 h1:{_bb64('gosum', 32)}",
    f"oid sha256:{_bx('lfs', 64)}\nsize 1048576",
    f'<script src="/static/app.js" integrity="sha384-{_bb64("sri", 48)}" crossorigin="anonymous"></script>',
    f'ETag: W/"{_bx("etag", 4)}-{_bx("etag2", 11)}"',
    f'checksum = "{_bx("cargo", 64)}"',
    f'hash = "sha256:{_bx("poetry", 64)}"',
    f"/nix/store/{_draw('benign:nix', '0123456789abcdfghijklmnpqrsvwxyz', 32)}-openssl-3.3.2",
    f"Created order {_buuid('order')} for customer {_buuid('cust')}",
    f"a1b2c3d..{_bx('range', 7)}  main -> main",
    f"X-Hub-Signature-256: sha256={_bx('hmac', 64)}",
    f"Content-MD5: {_bb64('md5', 16)}",
    f"x-amz-request-id: {_bx('amzreq', 16).upper()}\nx-amz-id-2: {_bb64('amzid2', 54)}",
    "md5sum /dev/null -> d41d8cd98f00b204e9800998ecf8427e",
    "hashlib.sha256(b'hello').hexdigest() == '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'",
    f"Build ID: 20261127.4821 ({_bx('build', 12)})",
    f"acme-web@4.2.0-beta.3.g{_bx('describe', 7)}",
    "version 2.14.3-rc.1+build.5f3a9c1",
    "uuid = 00000000-0000-0000-0000-000000000000",
    f"api-7d9f8b6c5-x2kqp   1/1   Running   0   3h12m   10.42.3.17   node-{_bx('node', 6)}",
    f'CONTAINER ID   IMAGE          COMMAND\n{_bx("cid", 12)}   nginx:1.27     "/docker-entrypoint…"',
    "arn:aws:iam::381492017733:role/github-actions-deploy",
    "i-0a1b2c3d4e5f67890  t3.medium  running  eu-central-1b",
    f"Treasury address: 0x{_bx('ethaddr', 40)}",
    "Burn address 0x0000000000000000000000000000000000000000",
    f"Donations welcome: bc1q{_draw('benign:btc', _BECH32, 38)}",
    "Google Analytics: G-4XK2LQ9ZP7 (old property UA-1234567-1)",
    "Chrome extension id: kbfnbcaeplbcioakkpcpgfkobkghlhen",
    # public keys and certificates
    f"ssh-ed25519 {_PUB_ED} ana@laptop",
    f"github.com ssh-ed25519 {_PUB_ED}",
    f"SSH fingerprint: SHA256:{_b64u(_stream('benign:fp', 32))} (ED25519)",
    "-----BEGIN CERTIFICATE-----\n" + "\n".join(_CERT_LINES) + "\n-----END CERTIFICATE-----",
    "-----BEGIN PUBLIC KEY-----\n" + "\n".join(_PUBKEY_LINES) + "\n-----END PUBLIC KEY-----",
    f"# public key: age1{_draw('benign:age', _BECH32, 58)}",
    "GPG key ID 3AA5C34371567BD2, fingerprint 4AEE 18F8 3AFD EB23 B3D9  4F8E 3AA5 C343 7156 7BD2",
    "SHA1 of the debug keystore: 5E:8F:16:06:2E:A3:CD:2C:4A:0D:54:78:76:BA:A6:F3:8C:AB:F6:25",
    '{"kty": "EC", "crv": "P-256", "kid": "sig-2026-11", "x": "'
    + _b64u(_stream("benign:jx", 32))
    + '", "y": "'
    + _b64u(_stream("benign:jy", 32))
    + '", "use": "sig"}',
    f"PublicKey = {_bb64('wgpub', 32)}\nAllowedIPs = 10.8.0.0/24",
    # placeholders and references
    "export OPENAI_API_KEY=<your-api-key>",
    "API_KEY=${API_KEY}",
    "password: changeme  # replace before deploying",
    "GITHUB_TOKEN=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "Authorization: Bearer <token>",
    'curl -H "Authorization: Bearer $GITHUB_TOKEN" https://api.github.com/user',
    'token = os.environ["SLACK_BOT_TOKEN"]',
    'password = getpass.getpass("Password: ")',
    "${{ secrets.NPM_TOKEN }}",
    "{{ .Values.postgresql.auth.password | b64enc | quote }}",
    'password: "{{ vault_db_password }}"',
    "PGPASSWORD=$(cat /run/secrets/pg_password) psql -h db -U app",
    'kubectl create secret generic db --from-literal=password="$DB_PASSWORD"',
    'docker login -u "$REGISTRY_USER" --password-stdin < /run/secrets/registry',
    "op read op://Private/GitHub/token",
    "vault kv get -field=password secret/data/mysql/root",
    "aws secretsmanager get-secret-value --secret-id prod/api --query SecretString --output text",
    "valueFrom:\n  secretKeyRef:\n    name: db\n    key: password",
    "password = var.db_password",
    "password = random_password.db.result",
    "DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/DBNAME",
    "Replace YOUR_API_KEY with the key from the dashboard: curl 'https://api.example.com/v1/search?key=YOUR_API_KEY'",
    "aws_access_key_id = " + "AKIA" + "IOSFODNN7EXAMPLE  # the example from the AWS docs",
    "STRIPE_SECRET_KEY=sk_live_...   # paste from the dashboard",
    "Keys look like `sk-proj-…`; paste yours into Settings → API.",
    "secret_name: prod/db/password",
    "mysql -u root -p",
    "ssh -i ~/.ssh/id_ed25519 deploy@203.0.113.10",
    # redaction markers
    "DB_PASSWORD=[REDACTED]",
    "Authorization: Bearer ***",
    "api_key: '********'",
    "token=<redacted>",
    "password=•••••••• (hidden)",
    "SLACK_WEBHOOK_URL=https://hooks.slack.com/services/[REDACTED]",
    # test fixtures that are obviously fake
    "assert login('alice', 'wrong-password') is False",
    "fake_token = 'test-token-123'",
    'DUMMY_SECRET = "dummy"',
    "MOCK_API_KEY=mock-key-for-unit-tests",
    'user = User(email="test@example.com", password="test")',
    "api_key = 'your_api_key_here'",
    # prose and UI text
    "Reset your password from the account settings page; the link expires after 24 hours.",
    "The password field must be at least 12 characters long and include a digit.",
    "TODO: rotate the API key every 90 days (see RUNBOOK.md#rotation)",
    "Set `SENTRY_DSN` in your environment; never commit the auth token.",
    "Use `gh auth login` to authenticate; the token is stored in your keychain.",
    "The Wi-Fi password is on the whiteboard in room 3.",
    "Redis AUTH is configured via the REDIS_PASSWORD environment variable.",
    "CSRF token mismatch. Please reload the page.",
    "Your session expired; please log in again.",
    "max_tokens=4096, temperature=0.2, top_p=0.95",
    "The tokenizer splits 'unhappiness' into three tokens.",
    "commit message: fix: don't log the Authorization header (#812)",
    "Passwort vergessen? Klicken Sie hier, um es zurückzusetzen.",
    "パスワードを忘れた場合は、管理者に連絡してください。",
    "密码长度至少为 8 位，且必须包含数字。",
    "Введите пароль ещё раз.",
    "La contraseña debe tener al menos 8 caracteres.",
    "Le mot de passe a été modifié avec succès.",
    "PASSWORD_MIN_LENGTH = 12",
    "password_hash = bcrypt.hashpw(password.encode(), bcrypt.gensalt())",
    'if not check_password(user, password):\n    raise AuthError("invalid credentials")',
    "feature flags: enable_token_refresh_v2=true, secret_rotation_banner=false",
    # URLs, versions, colours, encodings
    "https://example.com/api/v1/users?page=2&per_page=50",
    "git clone https://user@example.com/team/repo.git",
    "mailto:support@example.com?subject=Password%20reset",
    '"resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz"',
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "color: #1e90ff; background: #fafafa; border-color: #C0FFEE;",
    "--primary: #3B82F6; --accent: #F59E0B; --danger: #DC2626;",
    "SGVsbG8sIHdvcmxkISBUaGlzIGlzIGEgdGVzdC4=",
    base64.b64encode(json.dumps({"theme": "dark", "lang": "de"}).encode()).decode(),
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6"
    "kgAAAABJRU5ErkJggg==",
    "Set-Cookie: theme=dark; Path=/; Max-Age=31536000; SameSite=Lax",
    "Cookie: _ga=GA1.2.1987215540.1764200000; consent=all",
    'versionCode 48211\nversionName "4.8.2"',
    "=VLOOKUP(A2,Sheet2!A:B,2,FALSE)",
    "font-family: 'Inter', system-ui, sans-serif;",
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.",
)


# --------------------------------------------------------------------------------------------
# import-time checks

_kinds = [p.kind for p in FRESH11]
if len(set(_kinds)) != len(_kinds):
    raise ValueError("duplicate kinds: " + ", ".join(sorted({k for k in _kinds if _kinds.count(k) > 1})))
for _planted in FRESH11:
    if not _planted.secrets:
        raise ValueError(f"{_planted.kind}: no secrets")
    for _secret in _planted.secrets:
        if _secret not in _planted.line:
            raise ValueError(f"{_planted.kind}: secret {_secret[:12]}… not in its line")
for _line in BENIGN_FRESH11:
    for _planted in FRESH11:
        for _secret in _planted.secrets:
            if len(_secret) >= 8 and _secret in _line:
                raise ValueError(f"look-alike holds the secret of {_planted.kind}")
