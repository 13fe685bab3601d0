# ruff: noqa: RUF001
"""A ninth held-out set of planted secrets and their look-alikes (issue 60).

Written on 2026-11-27 by a helper who never saw the redaction rules, their documentation, the
benchmarks or the other sample sets: only the `Planted` dataclass and its helpers in
tests/secret_samples.py. Every value is fake and drawn at import time from SHA-256 of its kind's
name, mapped onto the alphabet, length and prefix of the real format (prefixes are built by
concatenation, so no secret-shaped literal sits in this file).

The lines come from the whole range of coding-agent sessions: people writing to their agent in
their own language, the agent's own plans and summaries, terminal sessions, config and code in many
formats and languages, logs and HTTP dumps, diffs and reviews, notebooks and data exports, pasted
tickets and emails, and secrets hidden by escaping, encoding, splitting and wrapping.

This set MEASURES only. It must never be used to write or tune rules.
"""

from __future__ import annotations

import base64
import hashlib
import urllib.parse
from collections.abc import Callable

from tests.secret_samples import Planted, mnemonic, wif

Gen = Callable[[str], str]

_UP = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LO = "abcdefghijklmnopqrstuvwxyz"
_DI = "0123456789"
_AN = _UP + _LO + _DI
_LAN = _LO + _DI
_UAN = _UP + _DI
_HEX = "0123456789abcdef"
_UHEX = "0123456789ABCDEF"
_B64 = _AN + "+/"
_B64U = _AN + "-_"
_B32 = _UP + "234567"
_B32L = _LO + "234567"
_BECH = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _bytes(seed: str, n: int) -> bytes:
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"fresh9:{seed}:{i}".encode()).digest()
        i += 1
    return out[:n]


def _draw(seed: str, alphabet: str, length: int) -> str:
    return "".join(alphabet[b % len(alphabet)] for b in _bytes(seed, length))


def _r(alphabet: str, length: int, prefix: str = "", suffix: str = "") -> Gen:
    return lambda seed: prefix + _draw(seed, alphabet, length) + suffix


def _parts(*pieces: tuple[str, int] | str | Gen) -> Gen:
    """Literal pieces (str), random pieces ((alphabet, length)) and generated pieces joined."""

    def make(seed: str) -> str:
        out = ""
        for i, piece in enumerate(pieces):
            if isinstance(piece, str):
                out += piece
            elif isinstance(piece, tuple):
                out += _draw(f"{seed}#{i}", piece[0], piece[1])
            else:
                out += piece(f"{seed}#{i}")
        return out

    return make


def _pin(n: int) -> Gen:
    return lambda seed: "123456789"[_bytes(seed, 1)[0] % 9] + _draw(seed + "p", _DI, n - 1)


def _uuid() -> Gen:
    def make(seed: str) -> str:
        h = _draw(seed, _HEX, 32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    return make


def _b64(nbytes: int, url: bool = False, pad: bool = True) -> Gen:
    def make(seed: str) -> str:
        raw = _bytes(seed, nbytes)
        out = (base64.urlsafe_b64encode(raw) if url else base64.b64encode(raw)).decode()
        return out if pad else out.rstrip("=")

    return make


_EN: tuple[str, ...] = (
    "sunflower",
    "marmalade",
    "falcon",
    "pumpkin",
    "harbor",
    "velvet",
    "cactus",
    "lantern",
    "pepper",
    "orchid",
)
_EN += ("copper", "meadow", "rocket", "salmon", "thunder", "maple", "juniper", "biscuit", "gravel", "otter")
_DE = ("sonnenblume", "kaffeetasse", "schneemann", "fussball", "baerchen", "himbeere", "wolke", "zitrone")
_FR = ("soleil", "chaton", "fromage", "papillon", "croissant", "marguerite", "lapin", "bonjour")
_ES = ("mariposa", "corazon", "tortuga", "girasol", "chocolate", "estrella", "gatito", "futbol")
_PT = ("saudade", "abacaxi", "flamengo", "pipoca", "brigadeiro", "jabuti", "mineiro", "cachorro")
_IT = ("farfalla", "gelato", "tramonto", "girasole", "pizzaiolo", "juventus", "cavallo", "limone")
_NL = ("fietsen", "tulpen", "stroopwafel", "drop", "konijn", "gezellig", "kaas", "molen")
_PL = ("kotek", "slonce", "biedronka", "pierogi", "zabka", "wisla", "kwiatek", "misiek")
_RU = (
    "ghbdtn",
    "vfhecz",
    "rjirf",
    "cjkywt",
    "ntktajy",
    "gfhjkm",
    "kjifrf",
    "pfqxbr",
)  # Russian typed on a Latin layout
_TR = ("galatasaray", "kelebek", "simit", "aslan", "bulut", "kahve", "deniz", "yildiz")
_JA = ("sakura", "neko", "ramen", "tanuki", "fujisan", "momiji", "hanabi", "kitsune")
_ZH = ("woaini", "zhongguo", "xiaomao", "tiantian", "laopo", "baobei", "hongkong", "panda")
_KO = ("dkssud", "tkfkd", "qkqh", "wlsgml", "zhfldk", "gksrmf", "dlfkd", "thfkd")  # Hangul typed on a Latin layout
_VI = ("hanoi", "phobo", "conmeo", "hoasen", "saigon", "matkhau", "bongda", "caphe")
_ID = ("rendang", "garuda", "kucing", "merdeka", "sambal", "bakso", "melati", "jakarta")
_SYM = "!#%*-_.+?"
_USYM = "-_.!~"
_LEET = str.maketrans("aeios", "43105")


def _pw(words: tuple[str, ...] = _EN, url: bool = False) -> Gen:
    """A password a person chose: words, a year or two digits, a symbol, in one of several habits."""

    def make(seed: str) -> str:
        b = _bytes(seed, 8)
        w1, w2 = words[b[0] % len(words)], words[b[1] % len(words)]
        year, two = str(1961 + b[2] % 64), f"{b[3] % 100:02d}"
        sym = (_USYM if url else _SYM)[b[4] % len(_USYM if url else _SYM)]
        style = b[5] % 6
        if style == 0:
            return w1.capitalize() + w2.capitalize() + year + sym
        if style == 1:
            return w1 + sym + w2 + two
        if style == 2:
            return w1.translate(_LEET).capitalize() + sym + year
        if style == 3:
            return w1.capitalize() + two + sym + w2
        if style == 4:
            return w1.upper()[:4] + two + w2 + sym
        return w1.capitalize() + "." + w2 + "." + year

    return make


_DICE: tuple[str, ...] = (
    "correct",
    "staple",
    "orbit",
    "gravy",
    "tundra",
    "pickle",
    "noble",
    "wizard",
    "cobalt",
    "fjord",
)
_DICE += ("lemur", "quartz", "saddle", "tango", "urchin", "vortex", "walnut", "yodel", "zephyr", "anvil")


def _phrase(n: int, sep: str = " ") -> Gen:
    return lambda seed: sep.join(_DICE[b % len(_DICE)] for b in _bytes(seed, n))


def _make(kind: str, text: str, values: dict[str, str], file_text: str = "") -> Planted:
    line, file_line = text, file_text
    for name, value in values.items():
        line = line.replace("@@" + name, value)
        file_line = file_line.replace("@@" + name, value)
    return Planted(kind=kind, line=line, secrets=tuple(values.values()), file_line=file_line)


def _t(kind: str, text: str, **gens: Gen) -> Planted:
    return _make(kind, text, {name: gen(f"{kind}/{name}") for name, gen in gens.items()})


def _tf(kind: str, text: str, file_text: str, **gens: Gen) -> Planted:
    return _make(kind, text, {name: gen(f"{kind}/{name}") for name, gen in gens.items()}, file_text)


def _pem_lines(seed: str, lines: int = 6, head: str = "") -> list[str]:
    body = head + base64.b64encode(_bytes(seed, 48 * lines)).decode()
    body = body[: 64 * lines]
    return [body[i : i + 64] for i in range(0, len(body), 64)]


def _pem(kind: str, label: str, template: str, sep: str = "\n", head: str = "", indent: str = "") -> Planted:
    lines = _pem_lines(kind, 6, head)
    block = (
        f"-----BEGIN {label}-----{sep}" + sep.join(indent + x for x in lines) + f"{sep}{indent}-----END {label}-----"
    )
    return Planted(kind=kind, line=template.replace("@@K", block), secrets=tuple(lines))


# --- 1. Vendor tokens with a prefix (and a few without), in every kind of surrounding -------------

_VENDOR = (
    _t("v_huggingface_export", "export HF_TOKEN=@@S", S=_r(_AN, 34, "h" + "f_")),
    _t(
        "v_npm_npmrc_prose",
        "I added //registry.npmjs.org/:_authToken=@@S to ~/.npmrc so `npm publish` works now.",
        S=_r(_AN, 36, "np" + "m_"),
    ),
    _t(
        "v_pypi_pypirc",
        "[pypi]\n  username = __token__\n  password = @@S",
        S=_r(_B64U, 150, "pyp" + "i-AgEIcHlwaS5vcmcCJ"),
    ),
    _t("v_shopify_admin_colon", "Shopify admin API access token: @@S", S=_r(_HEX, 32, "shp" + "at_")),
    _t(
        "v_shopify_secret_after",
        "@@S <- that's the app's API secret from the Partners dashboard, the client id is 8f2c1e",
        S=_r(_HEX, 32, "shp" + "ss_"),
    ),
    _t("v_doppler_service_cli", 'doppler run --token "@@S" -- npm start', S=_r(_AN, 40, "dp." + "st.prd.")),
    _t("v_pulumi_yaml_env", "      PULUMI_ACCESS_TOKEN: @@S", S=_r(_HEX, 40, "pu" + "l-")),
    _t(
        "v_terraform_cloud_hcl",
        'credentials "app.terraform.io" {\n  token = "@@S"\n}',
        S=_parts((_AN, 14), ".atlas" + "v1.", (_AN, 67)),
    ),
    _t(
        "v_linear_curl_header",
        "curl -s -H 'Authorization: @@S' -d '{\"query\":\"{ viewer { id } }\"}' https://api.linear.app/graphql",
        S=_r(_AN, 40, "lin" + "_api_"),
    ),
    _t("v_postman_cli", "postman login --with-api-key @@S", S=_parts("PM" + "AK-", (_HEX, 24), "-", (_HEX, 34))),
    _t(
        "v_databricks_cfg",
        "[DEFAULT]\nhost  = https://adb-3344556677.12.azuredatabricks.net\ntoken = @@S",
        S=_r(_HEX, 32, "da" + "pi"),
    ),
    _t(
        "v_grafana_sa_inline",
        "GF_TOKEN=@@S ./provision-dashboards.sh",
        S=_parts("gl" + "sa_", (_AN, 32), "_", (_HEX, 8)),
    ),
    _t("v_newrelic_cli", "newrelic profile add --profile eu --apiKey @@S --region EU", S=_r(_UAN, 27, "NR" + "AK-")),
    _t(
        "v_sentry_user_token",
        'SENTRY_AUTH_TOKEN="@@S" npx sentry-cli releases new 2.4.1',
        S=_r(_HEX, 64, "sntr" + "yu_"),
    ),
    _t("v_digitalocean_doctl", "doctl auth init --access-token @@S", S=_r(_HEX, 64, "do" + "p_v1_")),
    _t("v_fly_header", "Authorization: FlyV1 @@S", S=_r(_B64U, 180, "fm" + "2_lJPECAAAAAAAA")),
    _t("v_supabase_mgmt", "supabase login --token @@S", S=_r(_HEX, 40, "sb" + "p_")),
    _t("v_sendgrid_python", "SENDGRID_API_KEY = '@@S'", S=_parts("S" + "G.", (_B64U, 22), ".", (_B64U, 43))),
    _t(
        "v_mailgun_kwarg",
        "mg = Mailgun(domain='mg.example.org', api_key='@@S')",
        S=_r(_HEX, 32, "ke" + "y-"),
    ),
    _t(
        "v_atlassian_api_token",
        "jira login is dev@firma.example and the API token @@S",
        S=_parts("ATA" + "TT3xFfGF0", (_B64U, 180), "=", (_UHEX, 8)),
    ),
    _t("v_figma_header", "X-Figma-Token: @@S", S=_r(_B64U, 40, "fig" + "d_")),
    _t("v_notion_env", "NOTION_KEY=@@S", S=_r(_AN, 46, "nt" + "n_")),
    _t("v_airtable_bearer", "Bearer @@S", S=_parts("pa" + "t", (_AN, 14), ".", (_HEX, 64))),
    _t(
        "v_tailscale_up",
        "sudo tailscale up --authkey=@@S --ssh",
        S=_parts("tsk" + "ey-auth-", (_AN, 16), "-", (_AN, 32)),
    ),
    _t("v_netlify_cli", "netlify deploy --prod --auth @@S", S=_r(_AN, 36, "nf" + "p_")),
    _t("v_replicate_inline_env", "REPLICATE_API_TOKEN=@@S python predict.py", S=_r(_AN, 37, "r" + "8_")),
    _t("v_groq_client", 'client = Groq(api_key="@@S")', S=_r(_AN, 52, "gs" + "k_")),
    _t("v_xai_chat", "the grok key is @@S fyi, use it for the eval run", S=_r(_AN, 80, "xa" + "i-")),
    _t("v_perplexity_colon", "pplx key: @@S", S=_r(_AN, 48, "ppl" + "x-")),
    _t("v_openrouter_env", "OPENROUTER_API_KEY=@@S", S=_r(_HEX, 64, "sk-" + "or-v1-")),
    _t(
        "v_deepseek_kwargs",
        "OpenAI(base_url='https://api.deepseek.com', api_key='@@S')",
        S=_r(_HEX, 32, "s" + "k-"),
    ),
    _t("v_langsmith_env", "LANGCHAIN_API_KEY=@@S", S=_parts("lsv" + "2_pt_", (_HEX, 32), "_", (_HEX, 10))),
    _t("v_pinecone_client", "pc = Pinecone(api_key='@@S')", S=_parts("pc" + "sk_", (_AN, 5), "_", (_AN, 62))),
    _t(
        "v_anthropic_admin",
        "admin key for the usage report script: @@S",
        S=_r(_B64U, 93, "sk-" + "ant-admin01-", "AA"),
    ),
    _t("v_mistral_noprefix", "MISTRAL_API_KEY=@@S", S=_r(_AN, 32)),
    _t("v_cohere_noprefix_call", "co = cohere.ClientV2('@@S')", S=_r(_AN, 40)),
    _t("v_onepassword_sa", "export OP_SERVICE_ACCOUNT_TOKEN=@@S", S=_r(_B64U, 300, "op" + "s_eyJ")),
    _t(
        "v_vault_token_inline",
        "VAULT_TOKEN=@@S vault kv get -field=password secret/app/db",
        S=_r(_B64U, 91, "hv" + "s."),
    ),
    _t("v_heroku_token_output", "$ heroku auth:token\n@@S", S=_r(_AN, 58, "HR" + "KU-AA")),
    _t("v_contentful_cli", "contentful login --management-token @@S", S=_r(_B64U, 43, "CF" + "PAT-")),
    _t(
        "v_clerk_env_pair",
        "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=p" + "k_test_Y2xlcmsuZXhhbXBsZS5jb20k\nCLERK_SECRET_KEY=@@S",
        S=_r(_AN, 40, "s" + "k_" + "live_"),
    ),
    _t(
        "v_twilio_api_secret",
        "TWILIO_API_KEY=S" + "K3f9a0c7d1e2b4a5968c7d0e1f2a3b4c5\nTWILIO_API_SECRET=@@S",
        S=_r(_AN, 32),
    ),
    _t("v_cloudflare_wrangler", "CLOUDFLARE_API_TOKEN=@@S npx wrangler deploy", S=_r(_B64U, 40)),
    _t(
        "v_discord_bot_login",
        "client.login('@@S');",
        S=_parts("MTE", (_B64U, 23), ".", (_B64U, 6), ".", (_B64U, 38)),
    ),
    _t(
        "v_telegram_bot_url",
        "requests.get('https://api.telegram.org/bot@@S/sendMessage', params={'chat_id': 42})",
        S=_parts((_DI, 10), ":AA", (_B64U, 33)),
    ),
    _t("v_circleci_header", "Circle-Token: @@S", S=_parts("CCI" + "PAT_", (_AN, 22), "_", (_HEX, 40))),
    _t("v_buildkite_env", "BUILDKITE_API_TOKEN=@@S", S=_r(_HEX, 40, "bk" + "ua_")),
    _t("v_dynatrace_header", "Authorization: Api-Token @@S", S=_parts("dt0" + "c01.", (_UAN, 24), ".", (_UAN, 64))),
    _t("v_planetscale_cli", "pscale auth login --service-token @@S", S=_r(_B64U, 43, "psc" + "ale_tkn_")),
    _t("v_sonarqube_maven", "mvn verify sonar:sonar -Dsonar.token=@@S", S=_r(_HEX, 40, "sq" + "u_")),
    _t("v_dockerhub_stdin", "echo @@S | docker login -u ci-bot --password-stdin", S=_r(_B64U, 27, "dck" + "r_pat_")),
    _t("v_jfrog_yaml", "  JFROG_ACCESS_TOKEN: @@S", S=_r(_AN, 56, "cmVmdGtu" + "OjAxOjE3")),
    _t(
        "v_azure_devops_clone",
        "git clone https://pat:@@S@dev.azure.com/contoso/Platform/_git/api",
        S=_r(_B32L, 52),
    ),
    _t(
        "v_fcm_server_key",
        "Authorization: key=@@S",
        S=_parts("AAAA", (_AN, 7), ":APA" + "91b", (_B64U, 134)),
    ),
    _t("v_deno_deploy_env", "DENO_DEPLOY_TOKEN=@@S deployctl deploy --project=site", S=_r(_AN, 36, "dd" + "p_")),
    _t(
        "v_bitbucket_app_password",
        "bitbucket app password for ci-user: @@S",
        S=_parts("AT" + "BB", (_AN, 28), (_UHEX, 8)),
    ),
    _t(
        "v_asana_pat",
        "asana_client = asana.Client.access_token('@@S')",
        S=_parts("2/", (_DI, 16), "/", (_DI, 16), ":", (_HEX, 32)),
    ),
    _t("v_hubspot_private_app", "hubspot private app token=@@S", S=_parts("pat-" + "na1-", _uuid())),
    _t("v_mailchimp_key", "MAILCHIMP_API_KEY=@@S", S=_r(_HEX, 32, "", "-us21")),
    _t("v_snyk_uuid", "snyk auth @@S", S=_uuid()),
    _t(
        "v_mapbox_secret",
        "MAPBOX_DOWNLOADS_TOKEN=@@S",
        S=_parts("s" + "k.eyJ1IjoiZGV2c3R1ZGlvIiwiYSI6I", (_B64U, 22), ".", (_B64U, 22)),
    ),
    _t("v_algolia_admin", "algoliasearch('PL0K7M2QXZ', '@@S') // admin key, not the search-only one", S=_r(_HEX, 32)),
)


# --- 2. Payments and regional clouds ---------------------------------------------------------------

_PAYMENTS = (
    _t("p_stripe_restricted", "STRIPE_KEY=@@S", S=_r(_AN, 99, "r" + "k_" + "live_")),
    _t("p_stripe_webhook_secret", "endpoint_secret = '@@S'", S=_r(_AN, 32, "wh" + "sec_")),
    _t("p_paystack_secret", "Authorization: Bearer @@S", S=_r(_HEX, 40, "s" + "k_" + "live_")),
    _t("p_flutterwave_secret", "FLW_SECRET_KEY=@@S", S=_parts("FLW" + "SECK-", (_HEX, 32), "-X")),
    _t(
        "p_razorpay_pair",
        "RAZORPAY_KEY_ID=rzp" + "_live_Q8x2LmV7Kp3Tz9\nRAZORPAY_KEY_SECRET=@@S",
        S=_r(_AN, 24),
    ),
    _t(
        "p_mercadopago_token",
        'sdk = mercadopago.SDK("@@S")',
        S=_parts("APP" + "_USR-", (_DI, 16), "-", (_DI, 6), "-", (_HEX, 32), "-", (_DI, 9)),
    ),
    _t(
        "p_braintree_access",
        "gateway = braintree.BraintreeGateway(access_token='@@S')",
        S=_parts("access_" + "token$production$", (_LAN, 16), "$", (_HEX, 32)),
    ),
    _t("p_adyen_api_key", "X-API-Key: @@S", S=_r(_B64, 120, "AQE" + "yhmfxK")),
    _t("p_square_access", "SQUARE_ACCESS_TOKEN=@@S", S=_r(_B64U, 60, "EA" + "AA")),
    _t("p_plaid_secret", '{"client_id": "5f3c2a1b9d8e7f6a5b4c3d2e", "secret": "@@S"}', S=_r(_HEX, 30)),
    _t("p_mollie_live", "mollie.setApiKey('@@S')", S=_r(_AN, 30, "li" + "ve_")),
    _t("p_wechat_appsecret", "WECHAT_APPID=wx8f2c1e0d9b7a6354\nWECHAT_APPSECRET=@@S", S=_r(_HEX, 32)),
    _t("p_wechatpay_apiv3", "微信支付 APIv3 密钥：@@S", S=_r(_AN, 32)),
    _t(
        "p_aliyun_access_secret",
        "aliyun configure set --access-key-id LT" + "AI5tQ8x2LmV7Kp3Tz9Wc --access-key-secret @@S",
        S=_r(_AN, 30),
    ),
    _t(
        "p_tencent_secret_key",
        'cred = credential.Credential("AK' + 'IDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA", "@@S")',
        S=_r(_AN, 32),
    ),
    _t("p_yandex_oauth", "yc config set token @@S", S=_r(_B64U, 54, "y" + "0_")),
    _t("p_naver_client_secret", "X-Naver-Client-Id: Qm8RtLx7Vn4Ks9PzW3y\nX-Naver-Client-Secret: @@S", S=_r(_AN, 10)),
    _t("p_kakao_admin_key", "Authorization: KakaoAK @@S", S=_r(_HEX, 32)),
    _t("p_line_channel_token", "LINE_CHANNEL_ACCESS_TOKEN=@@S", S=_r(_B64, 172, "", "=")),
    _t("p_line_channel_secret", "channelSecret: '@@S',", S=_r(_HEX, 32)),
    _t("p_paytm_merchant_key", 'PAYTM_MERCHANT_KEY = "@@S"', S=_r(_AN + "#&@", 16)),
    _t("p_midtrans_server", "MIDTRANS_SERVER_KEY=@@S", S=_r(_B64U, 24, "Mid-" + "server-")),
    _t("p_xendit_secret", "Xendit.init('@@S')", S=_r(_AN, 60, "xnd" + "_production_")),
    _t("p_gocardless_live", "GOCARDLESS_ACCESS_TOKEN=@@S", S=_r(_B64U, 40, "li" + "ve_")),
    _t("p_binance_secret", "binance api secret = @@S (key is in the vault)", S=_r(_AN, 64)),
    _t("p_yookassa_secret", "Configuration::setAuth('318246', '@@S');", S=_r(_B64U, 43, "li" + "ve_")),
    _t("p_iyzico_secret", 'options.secretKey = "@@S";', S=_r(_AN, 32, "sandbox-")),
    _t("p_coinbase_commerce", "X-CC-Api-Key: @@S", S=_uuid()),
)


# --- 3. People writing to their agent in their own language ---------------------------------------

_CHAT = (
    _t("c_de_db_passwort", "Das Passwort für die Staging-DB ist @@S, bitte nicht ins Repo committen.", S=_pw(_DE)),
    _t("c_de_after_value", "@@S – das ist mein Jenkins-Passwort, trag es bitte in die Pipeline ein", S=_pw(_DE)),
    _t("c_de_kennwort_umlaut", "Kennwort lautet @@S, Benutzer admin", S=_r(_DI, 4, "SchneeBär")),
    _t("c_fr_mot_de_passe", "le mot de passe du serveur FTP c'est @@S", S=_pw(_FR)),
    _t("c_fr_mdp_abbrev", "mdp : @@S (pour le compte root de la VM)", S=_pw(_FR)),
    _t("c_fr_token_sentence", "Voici mon jeton GitLab, utilise-le pour cloner : @@S", S=_r(_AN, 20, "gl" + "pat-")),
    _t("c_es_contrasena", "la contraseña de la base es @@S y el usuario es postgres", S=_pw(_ES)),
    _t("c_es_clave_wifi", "La clave del wifi de la oficina: @@S", S=_pw(_ES)),
    _t("c_es_mx_informal", "oye, pon esta api key en el .env porfa @@S", S=_r(_AN, 48, "s" + "k-proj-")),
    _t("c_pt_senha", "a senha do admin do WordPress é @@S, troca depois", S=_pw(_PT)),
    _t("c_pt_br_token_after", "@@S esse é o token do bot do Telegram", S=_parts((_DI, 10), ":AA", (_B64U, 33))),
    _t("c_it_password", "la password di produzione è @@S, non scriverla nei log", S=_pw(_IT)),
    _t("c_it_chiave", "ecco la chiave segreta per firmare i JWT: @@S", S=_r(_HEX, 64)),
    _t("c_nl_wachtwoord", "wachtwoord van de mailserver is @@S", S=_pw(_NL)),
    _t("c_pl_haslo", "hasło do bazy: @@S, login: app_rw", S=_pw(_PL)),
    _t("c_pl_token_nazwa_po", "@@S to mój token do Vercela", S=_r(_AN, 24)),
    _t("c_ru_parol", "пароль от сервера @@S, логин root", S=_pw(_RU)),
    _t("c_ru_kluch", "вот ключ от API OpenAI: @@S — добавь в секреты", S=_r(_B64U, 48, "s" + "k-proj-")),
    _t("c_uk_parol", "пароль до адмінки: @@S", S=_pw(_RU)),
    _t("c_tr_sifre", "veritabanı şifresi @@S, kullanıcı adı deploy", S=_pw(_TR)),
    _t("c_tr_parola", "sunucu parolası: @@S", S=_pw(_TR)),
    _t("c_ja_password", "本番DBのパスワードは「@@S」です。", S=_pw(_JA)),
    _t("c_ja_token", "APIトークン：@@S を環境変数に入れてください", S=_r(_AN, 40)),
    _t("c_zh_mima", "数据库密码是@@S，用户名root", S=_pw(_ZH)),
    _t("c_zh_miyao", "这是阿里云的AccessKey Secret：@@S，帮我配置一下", S=_r(_AN, 30)),
    _t("c_zh_tw_mima", "密碼：@@S（測試環境用的）", S=_pw(_ZH)),
    _t("c_ko_password", "DB 비밀번호는 @@S 입니다", S=_pw(_KO)),
    _t("c_ko_token", "깃허브 토큰 @@S 이걸로 푸시해줘", S=_r(_AN, 36, "gh" + "p_")),
    _t("c_vi_matkhau", "mật khẩu của tài khoản admin là @@S", S=_pw(_VI)),
    _t("c_id_kata_sandi", "kata sandi server: @@S ya, jangan disebar", S=_pw(_ID)),
    _t("c_hi_hinglish", "bhai password hai @@S, isko config me daal do", S=_pw(_EN)),
    _t("c_hi_devanagari", "पासवर्ड @@S है, इसे .env में डाल दो", S=_pw(_EN)),
    _t("c_ar_password", "كلمة المرور هي @@S لحساب المسؤول", S=_pw(_EN)),
    _t("c_he_password", "הסיסמה לשרת היא @@S", S=_pw(_EN)),
    _t("c_fa_password", "رمز عبور دیتابیس: @@S", S=_pw(_EN)),
    _t("c_sv_losenord", "lösenordet till NAS:en är @@S", S=_pw(_EN)),
    _t("c_cs_heslo", "heslo k databázi je @@S", S=_pw(_EN)),
    _t("c_el_kodikos", "ο κωδικός είναι @@S", S=_pw(_EN)),
    _t("c_th_password", "รหัสผ่าน @@S นะครับ", S=_pw(_EN)),
    _t("c_fi_salasana", "salasana on @@S", S=_pw(_EN)),
    _t("c_hu_jelszo", "a jelszó: @@S", S=_pw(_EN)),
    _t("c_ro_parola", "parola de la contul de test este @@S", S=_pw(_EN)),
    _t("c_sw_nenosiri", "nenosiri ni @@S", S=_pw(_EN)),
    _t("c_da_adgangskode", "adgangskoden er @@S", S=_pw(_EN)),
    _t("c_en_lowercase_no_punct", "ok the pw is @@S try that", S=_pw(_EN)),
    _t("c_en_passphrase_quoted", 'my 1password master passphrase is "@@S" dont store it', S=_phrase(5)),
    _t("c_en_otp_code", "the code they texted me is @@S, enter it quick before it expires", S=_pin(6)),
    _t("c_en_pin_sim", "sim pin @@S and puk @@B if it locks", S=_pin(4), B=_pin(8)),
    _t("c_de_otp", "Der Bestätigungscode lautet @@S", S=_pin(6)),
    _t("c_es_codigo", "el código de verificación es @@S", S=_pin(6)),
    _t("c_en_creds_slash", "creds: admin / @@S", S=_pw(_EN)),
    _t("c_en_user_pass_colon", "login with ops:@@S on the jump host", S=_pw(_EN, url=True)),
    _t("c_en_same_as", "use the same password as the old box, @@S", S=_pw(_EN)),
    _t("c_en_token_bare_paste", "@@S", S=_r(_AN, 36, "gh" + "p_")),
    _t("c_en_typo_paswd", "paswd for the redis is @@S", S=_pw(_EN)),
)


# --- 4. The agent's own explanations, plans and summaries -----------------------------------------

_AGENT = (
    _t(
        "a_env_summary",
        "I've updated `.env` so `DATABASE_URL` points at staging; the password there is now `@@S` as you asked.",
        S=_pw(),
    ),
    _t(
        "a_plan_rotate",
        "Plan:\n1. Revoke the leaked key `@@S`\n2. Generate a new one in the dashboard\n3. Update the CI secret",
        S=_r(_AN, 36, "gh" + "p_"),
    ),
    _t(
        "a_summary_smtp",
        "Summary of changes:\n- SMTP now uses port 587 with STARTTLS\n- app password `@@S` set in settings.py",
        S=_r(_LO, 16),
    ),
    _t(
        "a_test_failure_reason",
        "The test fails because the fixture hard-codes the token @@S, which has expired.",
        S=_r(_B64U, 40),
    ),
    _t(
        "a_login_intent",
        "⏺ I'll log in with the credentials you provided (admin / @@S) and check the dashboard.",
        S=_pw(),
    ),
    _t(
        "a_warning_live_key",
        "Note: the commit includes a live key (`@@S`) on line 12 of deploy.sh. I recommend revoking it.",
        S=_r(_AN, 34, "s" + "k_" + "live_"),
    ),
    _t("a_redis_requirepass", "Done. Redis now requires AUTH: I set `requirepass @@S` in redis.conf.", S=_r(_AN, 32)),
    _t(
        "a_found_in_history",
        "I found the password in your shell history: `mysql -u root -p@@S`. You may want to clear it.",
        S=_pw(),
    ),
    _t(
        "a_table_summary",
        "| Service | User | Password |\n|---|---|---|\n| Postgres | app | @@A |\n| RabbitMQ | guest2 | @@B |",
        A=_pw(),
        B=_pw(),
    ),
    _t(
        "a_generated_for_you",
        "I generated a strong password for the new service account: @@S",
        S=_r(_AN + "!@#$%^&*", 24),
    ),
    _t(
        "a_explain_value",
        "The value `@@S` is your webhook signing secret; Stripe uses it to compute the signature header.",
        S=_r(_AN, 32, "wh" + "sec_"),
    ),
    _t(
        "a_compare_two",
        "Your `.env.local` has `API_KEY=@@A` but production uses `@@B`, so requests from local fail with 401.",
        A=_r(_HEX, 32),
        B=_r(_HEX, 32),
    ),
    _t(
        "a_bullet_creds",
        "Credentials I used for the smoke test:\n  • user: qa-bot\n  • pass: @@S",
        S=_pw(),
    ),
    _t(
        "a_step_export",
        "Next, run this so the CLI picks up your key:\n\n```bash\nexport ANTHROPIC_API_KEY=@@S\n```",
        S=_r(_B64U, 93, "sk-" + "ant-api03-", "AA"),
    ),
    _t(
        "a_todo_list",
        "☐ Move DB password (@@S) out of docker-compose.yml into an env file",
        S=_pw(),
    ),
    _t(
        "a_thinking",
        "Thinking: the 403 probably comes from the expired session cookie sessionid=@@S, let me log in again.",
        S=_r(_LAN, 32),
    ),
    _t(
        "a_recap_ssh",
        "Recap: the bastion accepts password auth; I connected as `deploy` with `@@S`.",
        S=_pw(),
    ),
    _t(
        "a_quote_user",
        "> the admin pin is @@S\n\nGot it — I'll use that PIN when the kiosk app asks for it.",
        S=_pin(6),
    ),
    _t(
        "a_masking_partial",
        "I replaced `sk-...` placeholders with your real key (@@S) in `notebook.ipynb` cell 3.",
        S=_r(_B64U, 48, "s" + "k-proj-"),
    ),
    _t(
        "a_json_plan",
        'Proposed change to `appsettings.json`: set `"ClientSecret": "@@S"` under `AzureAd`.',
        S=_parts((_AN, 3), "8Q~", (_AN + "_~.-", 34)),
    ),
    _t(
        "a_seed_warning",
        "That looks like a wallet recovery phrase (@@S). Never share it; I have not stored it anywhere.",
        S=lambda s: mnemonic(s, 12),
    ),
    _t(
        "a_verified",
        "Verified: `curl -u admin:@@S http://localhost:15672/api/overview` returns 200.",
        S=_pw(url=True),
    ),
    _t(
        "a_error_explain",
        "PostgreSQL rejected `@@S` for user `app` — either the password changed or pg_hba.conf uses scram.",
        S=_pw(),
    ),
    _t(
        "a_diff_narration",
        "I changed the hard-coded secret from `@@A` to read `os.environ['JWT_SECRET']`, and set JWT_SECRET=@@B in .env.",
        A=_r(_AN, 20),
        B=_r(_HEX, 48),
    ),
    _t(
        "a_recovery_codes",
        "Save these backup codes somewhere safe:\n@@A  @@B  @@C",
        A=_parts((_LAN, 5), "-", (_LAN, 5)),
        B=_parts((_LAN, 5), "-", (_LAN, 5)),
        C=_parts((_LAN, 5), "-", (_LAN, 5)),
    ),
    _t(
        "a_parenthetical_pw_before",
        "I logged in to Grafana (password @@S, user admin) and the panels load.",
        S=_pw(),
    ),
    _t(
        "a_long_explanation",
        "Because the service reads the key at startup, changing it in the UI is not enough. Restart with "
        "SERVICE_KEY=@@S so the new key is loaded.",
        S=_r(_B64U, 44),
    ),
    _t(
        "a_heading_then_value",
        "### Admin account\n\nEmail: owner@shop.example\n\n@@S\n\n(that is the initial password)",
        S=_pw(),
    ),
    _t(
        "a_wifi_setup",
        'I wrote wpa_supplicant.conf with ssid "Lab-5G" and psk "@@S" so the Pi joins on boot.',
        S=_pw(),
    ),
    _t(
        "a_keychain",
        "Stored the token in Keychain with `security add-generic-password -s gh -a me -w @@S`.",
        S=_r(_AN, 36, "gh" + "o_"),
    ),
)


# --- 5. Terminal sessions and tool output ---------------------------------------------------------

_TERMINAL = (
    _t("t_mysql_p_attached", "$ mysql -h db.internal -u root -p@@S shop", S=_pw()),
    _t("t_pgpassword_inline", "PGPASSWORD='@@S' psql -h 10.0.3.7 -U analytics -d warehouse", S=_pw()),
    _t(
        "t_docker_run_env",
        "docker run -d -e POSTGRES_PASSWORD=@@S -p 5432:5432 postgres:16",
        S=_pw(),
    ),
    _t(
        "t_kubectl_create_secret",
        "kubectl create secret generic api-creds --from-literal=api-key=@@S -n prod",
        S=_r(_AN, 40),
    ),
    _t("t_curl_user", "curl -u ci:@@S https://nexus.corp.example/service/rest/v1/status", S=_pw(url=True)),
    _t(
        "t_curl_bearer_multiline",
        'curl -X POST \\\n  -H "Authorization: Bearer @@S" \\\n  https://api.example.com/v2/jobs',
        S=_r(_B64U, 64),
    ),
    _t(
        "t_gh_auth_status",
        "✓ Logged in to github.com account octo (keyring)\n  - Token: @@S",
        S=_r(_AN, 36, "gh" + "o_"),
    ),
    _t(
        "t_aws_configure_list",
        "$ cat ~/.aws/credentials\n[default]\naws_access_key_id = AK"
        + "IAZ3M9Q2LT7XK4B8RW\naws_secret_access_key = @@S",
        S=_r(_B64, 40),
    ),
    _t(
        "t_heroku_config",
        "=== app-prod Config Vars\nDATABASE_URL: postgres://u3kq:@@S@ec2-3-91-4-22.compute-1.amazonaws.com:5432/d9f",
        S=_r(_HEX, 64),
    ),
    _t("t_env_dump", "$ env | grep -i key\nOPENAI_API_KEY=@@S\nKEYBOARD=us", S=_r(_B64U, 48, "s" + "k-proj-")),
    _t("t_set_x_trace", "+ export DEPLOY_TOKEN=@@S\n+ ./deploy.sh production", S=_r(_AN, 40)),
    _t("t_history_output", "  512  ssh-add ~/.ssh/id_ed25519\n  513  sshpass -p '@@S' ssh pi@192.168.1.40", S=_pw()),
    _t("t_htpasswd_b", "htpasswd -b -c /etc/nginx/.htpasswd admin @@S", S=_pw()),
    _t("t_redis_cli_a", "redis-cli -h cache.internal -a @@S --no-auth-warning INFO", S=_r(_AN, 32)),
    _t("t_mongosh_uri", 'mongosh "mongodb+srv://app:@@S@cluster0.ab1cd.mongodb.net/prod"', S=_pw(url=True)),
    _t("t_psql_conninfo", 'psql "host=db port=5432 user=report password=@@S dbname=bi sslmode=require"', S=_pw()),
    _t("t_git_clone_token", "git clone https://oauth2:@@S@gitlab.com/acme/infra.git", S=_r(_AN, 20, "gl" + "pat-")),
    _t(
        "t_git_remote_v",
        "$ git remote -v\norigin  https://x-access-token:@@S@github.com/acme/web.git (fetch)",
        S=_r(_AN, 36, "gh" + "s_"),
    ),
    _t("t_npm_config_set", "npm config set //npm.pkg.github.com/:_authToken @@S", S=_r(_AN, 36, "gh" + "p_")),
    _t(
        "t_pip_index_url",
        "pip install --index-url https://__token__:@@S@pypi.corp.example/simple/ corp-sdk",
        S=_r(_AN, 32),
    ),
    _t(
        "t_openssl_pass",
        "openssl pkcs12 -export -in cert.pem -inkey key.pem -out bundle.p12 -passout pass:@@S",
        S=_pw(),
    ),
    _t(
        "t_keytool_storepass",
        "keytool -genkeypair -alias release -keystore release.jks -storepass @@S -keypass @@S",
        S=_pw(),
    ),
    _t("t_sqlcmd", 'sqlcmd -S tcp:sql01,1433 -U sa -P "@@S" -Q "SELECT 1"', S=_pw()),
    _t(
        "t_ftp_session",
        "ftp> user deploy\n331 Password required for deploy.\nPassword: @@S\n230 User deploy logged in.",
        S=_pw(),
    ),
    _t("t_wp_cli_user_create", "wp user create editor ed@site.example --role=editor --user_pass=@@S", S=_pw()),
    _t(
        "t_vault_read_output",
        "Key                Value\n---                -----\nlease_duration     768h\npassword           @@S\nusername           svc_etl",
        S=_r(_AN + "-", 20),
    ),
    _t(
        "t_kubectl_get_secret_decoded",
        "$ kubectl get secret db -o jsonpath='{.data.password}' | base64 -d\n@@S",
        S=_pw(),
    ),
    _t("t_docker_login_p", "docker login registry.corp.example -u robot$ci -p @@S", S=_r(_AN, 32)),
    _t("t_helm_set", "helm upgrade --install app ./chart --set postgresql.auth.password=@@S", S=_pw()),
    _t("t_terraform_var", "terraform apply -var 'db_password=@@S' -auto-approve", S=_pw()),
    _t("t_ansible_extra_vars", 'ansible-playbook site.yml -e "ansible_become_pass=@@S"', S=_pw()),
    _t("t_smbclient", "smbclient //fs01/share -U 'CORP\\jdoe%@@S'", S=_pw()),
    _t(
        "t_rclone_obscure",
        "rclone config create s3 s3 access_key_id AK" + "IAQ7LM2XR4TZ9KD3WC secret_access_key @@S",
        S=_r(_B64, 40),
    ),
    _t("t_powershell_secure", "$pw = ConvertTo-SecureString '@@S' -AsPlainText -Force", S=_pw()),
    _t("t_windows_net_user", "C:\\> net user svc_backup @@S /add", S=_pw()),
    _t(
        "t_ldapsearch",
        "ldapsearch -x -H ldap://dc01 -D 'cn=admin,dc=corp,dc=local' -w @@S -b dc=corp,dc=local",
        S=_pw(),
    ),
    _t(
        "t_supabase_status",
        "         API URL: http://127.0.0.1:54321\n    service_role key: @@S",
        S=_parts("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.", (_B64U, 120), ".", (_B64U, 43)),
    ),
    _t("t_gcloud_print_token", "$ gcloud auth print-access-token\n@@S", S=_r(_B64U, 180, "ya" + "29.a0AfB_by")),
    _t(
        "t_az_sp_create",
        '{\n  "appId": "1f0e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",\n  "password": "@@S",\n  "tenant": "72f988bf-86f1-41af-91ab-2d7cd011db47"\n}',
        S=_parts((_AN, 3), "8Q~", (_AN + "_~.-", 34)),
    ),
    _t("t_mc_alias", "mc alias set minio http://localhost:9000 minioadmin @@S", S=_r(_AN, 40)),
    _t("t_ssh_askpass_echo", "SSHPASS=@@S sshpass -e rsync -av ./dist/ web@host:/srv", S=_pw()),
    _t("t_psql_prompt_echo", 'Password for user postgres: @@S\npsql (16.2)\nType "help" for help.', S=_pw()),
    _t("t_jupyter_token_url", "    http://127.0.0.1:8888/lab?token=@@S", S=_r(_HEX, 48)),
    _t("t_ngrok_authtoken", "ngrok config add-authtoken @@S", S=_parts((_AN, 27), "_", (_AN, 21))),
    _t("t_cargo_login", "cargo login @@S", S=_r(_AN, 32, "ci" + "o")),
    _t("t_gem_push_key", "GEM_HOST_API_KEY=@@S gem push pkg/tool-1.2.0.gem", S=_r(_HEX, 48, "rubygem" + "s_")),
    _t(
        "t_ansi_colored",
        "Your new token: \x1b[1;32m@@S\x1b[0m (copy it now, it will not be shown again)",
        S=_r(_AN, 40),
    ),
    _t(
        "t_box_table",
        "┌──────────┬──────────────────────────────┐\n│ API key  │ @@S │\n└──────────┴──────────────────────────────┘",
        S=_r(_AN, 28),
    ),
)


# --- 6. Config files in many formats -------------------------------------------------------------

_CONFIG = (
    _tf(
        "f_yaml_nested",
        "Write(config/database.yml)",
        "production:\n  adapter: postgresql\n  username: shop\n  password: @@S\n  host: db.internal",
        S=_pw(),
    ),
    _t("f_yaml_quoted_single", "  smtp_password: '@@S'", S=_pw()),
    _t("f_toml_section", '[database]\nuser = "app"\npassword = "@@S"\nport = 5432', S=_pw()),
    _t("f_ini_colon", "[mail]\nserver: smtp.example.org\npasswd: @@S", S=_pw()),
    _t("f_dotenv_quoted_double", 'STRIPE_SECRET="@@S"', S=_r(_AN, 99, "s" + "k_" + "live_")),
    _t("f_dotenv_export", "export SESSION_SECRET=@@S", S=_r(_HEX, 64)),
    _t("f_json_nested", '{\n  "db": {\n    "host": "localhost",\n    "pass": "@@S"\n  }\n}', S=_pw()),
    _t("f_xml_element", '<property name="password">@@S</property>', S=_pw()),
    _t(
        "f_xml_attribute",
        '<add name="Main" connectionString="Server=sql01;Database=Erp;User Id=erp;Password=@@S;" />',
        S=_pw(),
    ),
    _t("f_properties_spring", "spring.datasource.password=@@S", S=_pw()),
    _t("f_properties_mail", "spring.mail.password = @@S", S=_r(_LO, 16)),
    _t("f_hcl_tfvars", 'db_password = "@@S"\nregion      = "eu-west-1"', S=_pw()),
    _t("f_nginx_proxy_header", "proxy_set_header X-Api-Key @@S;", S=_r(_AN, 40)),
    _t("f_php_define", "define( 'DB_PASSWORD', '@@S' );", S=_pw()),
    _t("f_php_array", "'password' => env('DB_PASSWORD', '@@S'),", S=_pw()),
    _t("f_dockerfile_env", "ENV NPM_TOKEN=@@S", S=_r(_AN, 36, "np" + "m_")),
    _t("f_compose_list_env", "    environment:\n      - MYSQL_ROOT_PASSWORD=@@S\n      - MYSQL_DATABASE=shop", S=_pw()),
    _t(
        "f_k8s_secret_data_b64",
        "apiVersion: v1\nkind: Secret\ndata:\n  password: @@S",
        S=lambda s: base64.b64encode(_pw()(s).encode()).decode(),
    ),
    _t("f_k8s_stringdata", 'stringData:\n  API_TOKEN: "@@S"', S=_r(_AN, 40)),
    _t("f_netrc", "machine api.heroku.com\n  login me@example.com\n  password @@S", S=_uuid()),
    _t("f_pgpass", "db.internal:5432:*:report:@@S", S=_pw()),
    _t("f_pip_conf", "[global]\nextra-index-url = https://build:@@S@pkgs.corp.example/pypi/simple", S=_r(_AN, 32)),
    _t("f_gradle_properties", "signing.password=@@A\nossrhPassword=@@B", A=_pw(), B=_pw()),
    _t(
        "f_maven_settings",
        "<server>\n  <id>releases</id>\n  <username>deploy</username>\n  <password>@@S</password>\n</server>",
        S=_pw(),
    ),
    _t(
        "f_docker_config_auths",
        '{"auths": {"ghcr.io": {"auth": "@@S"}}}',
        S=lambda s: base64.b64encode(("octo:" + "gh" + "p_" + _draw(s, _AN, 36)).encode()).decode(),
    ),
    _t("f_git_credentials", "https://jdoe:@@S@bitbucket.org", S=_pw(url=True)),
    _t("f_rclone_conf", "[b2]\ntype = b2\naccount = 0023a8b7c6d5e4f\nkey = @@S", S=_r(_AN, 31, "K002")),
    _t("f_s3cfg", "[default]\naccess_key = AK" + "IAZ7XQ3M2LT9K4B8RV\nsecret_key = @@S", S=_r(_B64, 40)),
    _t(
        "f_appsettings_json",
        '"ConnectionStrings": {\n  "Default": "Host=pg;Username=api;Password=@@S;Database=api"\n}',
        S=_pw(),
    ),
    _t("f_ansible_group_vars", "vault_db_password: @@S\nvault_db_user: app", S=_pw()),
    _t("f_helm_values", "redis:\n  auth:\n    enabled: true\n    password: @@S", S=_r(_AN, 24)),
    _t("f_systemd_environment", '[Service]\nEnvironment="API_SECRET=@@S"\nExecStart=/usr/bin/api', S=_r(_B64U, 43)),
    _t("f_crontab_inline", "0 3 * * * BACKUP_PASS=@@S /opt/backup.sh >> /var/log/backup.log", S=_pw()),
    _t("f_redis_conf", "requirepass @@S", S=_r(_AN, 32)),
    _t("f_my_cnf", '[client]\nuser=root\npassword="@@S"', S=_pw()),
    _t("f_odbc_ini", "[Warehouse]\nDriver=Snowflake\nuid=ETL_USER\npwd=@@S", S=_pw()),
    _t("f_yarnrc", 'npmRegistries:\n  "https://npm.corp.example":\n    npmAuthToken: "@@S"', S=_r(_AN, 40)),
    _t("f_composer_auth", '{"github-oauth": {"github.com": "@@S"}}', S=_r(_AN, 36, "gh" + "p_")),
    _t("f_cargo_credentials", '[registry]\ntoken = "@@S"', S=_r(_AN, 32, "ci" + "o")),
    _t("f_nuget_config", '<add key="ClearTextPassword" value="@@S" />', S=_r(_B32L, 52)),
    _t("f_renviron", "GITHUB_PAT=@@S", S=_r(_AN, 36, "gh" + "p_")),
    _t(
        "f_local_settings_json",
        '"Values": {\n  "AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=fnstore;AccountKey=@@S;EndpointSuffix=core.windows.net"\n}',
        S=_r(_B64, 86, "", "=="),
    ),
    _t("f_android_local_props", "RELEASE_STORE_PASSWORD=@@A\nRELEASE_KEY_PASSWORD=@@B", A=_pw(), B=_pw()),
    _t("f_alembic_ini", "sqlalchemy.url = postgresql+psycopg://etl:@@S@warehouse:5432/dw", S=_pw(url=True)),
    _t("f_flyway_conf", "flyway.url=jdbc:postgresql://db:5432/app\nflyway.password=@@S", S=_pw()),
    _t(
        "f_sentry_properties",
        "defaults.org=acme\nauth.token=@@S",
        S=_parts("sntr" + "ys_", "eyJpYXQiOjE3", (_B64U, 140)),
    ),
    _t(
        "f_github_actions_inline",
        "    env:\n      SLACK_BOT_TOKEN: @@S",
        S=_parts("xo" + "xb-", (_DI, 12), "-", (_DI, 13), "-", (_AN, 24)),
    ),
    _t("f_gitlab_ci_vars", 'variables:\n  SONAR_TOKEN: "@@S"', S=_r(_HEX, 40, "sq" + "p_")),
    _t("f_serverless_yml", "provider:\n  environment:\n    JWT_SECRET: @@S", S=_r(_AN, 48)),
    _t("f_prisma_env", 'DATABASE_URL="mysql://root:@@S@localhost:3306/app"', S=_pw(url=True)),
    _t("f_wpa_supplicant", 'network={\n    ssid="HomeNet"\n    psk="@@S"\n}', S=_pw()),
    _t(
        "f_jenkins_credentials_xml",
        "<com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>\n  <username>jenkins</username>\n  <password>@@S</password>",
        S=_pw(),
    ),
    _t("f_ssh_config_comment", "Host nas\n  HostName 192.168.1.5\n  User admin\n  # password: @@S", S=_pw()),
    _t("f_mosquitto_bridge", "connection cloud\naddress mqtt.example.io:8883\nremote_password @@S", S=_r(_AN, 24)),
)


# --- 7. Code in many languages ---------------------------------------------------------------------

_CODE = (
    _t("k_python_const", 'API_KEY = "@@S"  # TODO move to env', S=_r(_HEX, 32)),
    _t("k_python_kwargs", "conn = psycopg2.connect(host='db', user='etl', password='@@S', dbname='dw')", S=_pw()),
    _t("k_python_dict_headers", 'headers = {"X-Auth-Token": "@@S", "Accept": "application/json"}', S=_r(_AN, 40)),
    _t("k_python_getenv_default", "SECRET = os.getenv('APP_SECRET', '@@S')", S=_r(_B64U, 43)),
    _t("k_js_const", "const apiKey = '@@S';", S=_r(_AN, 39, "AI" + "za")),
    _t("k_ts_object", "export const config = {\n  auth: { clientSecret: '@@S' },\n};", S=_r(_B64U, 40)),
    _t("k_js_fetch_header", "fetch(url, { headers: { Authorization: `Bearer @@S` } })", S=_r(_B64U, 64)),
    _t("k_go_struct", 'cfg := Config{User: "svc", Password: "@@S", Host: "10.1.2.3"}', S=_pw()),
    _t("k_go_dsn", 'dsn := "app:@@S@tcp(127.0.0.1:3306)/orders?parseTime=true"', S=_pw(url=True)),
    _t("k_rust_const", 'const TOKEN: &str = "@@S";', S=_r(_AN, 40)),
    _t("k_java_field", 'private static final String DB_PASS = "@@S";', S=_pw()),
    _t("k_java_jdbc", 'DriverManager.getConnection("jdbc:mysql://db:3306/erp", "erp", "@@S");', S=_pw()),
    _t(
        "k_csharp_cs",
        'var client = new SmtpClient("smtp.office365.com") { Credentials = new NetworkCredential("noreply@corp.example", "@@S") };',
        S=_pw(),
    ),
    _t("k_ruby_hash", "Stripe.api_key = '@@S'", S=_r(_AN, 99, "s" + "k_" + "live_")),
    _t("k_php_pdo", "$pdo = new PDO('mysql:host=localhost;dbname=shop', 'shop', '@@S');", S=_pw()),
    _t("k_kotlin_val", 'val secret = "@@S"', S=_r(_AN, 32)),
    _t("k_swift_let", 'let apiSecret = "@@S"', S=_r(_HEX, 40)),
    _t("k_scala_conf", 'val password = sys.env.getOrElse("KAFKA_PASSWORD", "@@S")', S=_pw()),
    _t("k_elixir_config", 'config :app, App.Repo, username: "postgres", password: "@@S"', S=_pw()),
    _t("k_haskell", 'apiKey = "@@S" :: Text', S=_r(_AN, 32)),
    _t("k_lua", 'local token = "@@S"', S=_r(_AN, 40)),
    _t("k_r_sys_setenv", 'Sys.setenv(OPENAI_API_KEY = "@@S")', S=_r(_B64U, 48, "s" + "k-proj-")),
    _t("k_julia", 'ENV["DB_PASSWORD"] = "@@S"', S=_pw()),
    _t("k_dart", "static const String mapsKey = '@@S';", S=_r(_AN, 40)),
    _t("k_sql_create_user", "CREATE USER reporting WITH PASSWORD '@@S';", S=_pw()),
    _t("k_sql_alter_role", 'ALTER ROLE app_rw IDENTIFIED BY "@@S";', S=_pw()),
    _t("k_sql_insert_apikey", "INSERT INTO api_keys (owner, key) VALUES ('ops', '@@S');", S=_r(_HEX, 40)),
    _t(
        "k_bash_var",
        'TOKEN="@@S"\ncurl -H "PRIVATE-TOKEN: $TOKEN" "$GITLAB/api/v4/projects"',
        S=_r(_AN, 20, "gl" + "pat-"),
    ),
    _t("k_powershell_header", "$headers = @{ 'x-api-key' = '@@S' }", S=_r(_AN, 40)),
    _t("k_perl", "my $dbh = DBI->connect('dbi:Pg:dbname=app', 'app', '@@S');", S=_pw()),
    _t("k_c_define", '#define WIFI_PASSWORD "@@S"', S=_pw()),
    _t("k_cpp_string", 'std::string key = "@@S";', S=_r(_HEX, 64)),
    _t("k_arduino", 'const char* mqtt_pass = "@@S";', S=_pw()),
    _t("k_python_fstring_url", 'url = f"https://api.example.com/v1/items?api_key=@@S&page={page}"', S=_r(_HEX, 32)),
    _t("k_js_env_fallback", "const secret = process.env.JWT_SECRET || '@@S';", S=_r(_AN, 32)),
    _t(
        "k_python_docstring_example",
        '"""Example:\n    >>> Client(token="@@S").ping()\n    True\n"""',
        S=_r(_AN, 36, "gh" + "p_"),
    ),
    _t("k_java_annotation", '@Value("${api.key:@@S}")\nprivate String apiKey;', S=_r(_AN, 32)),
    _t("k_go_test_table", '{name: "valid", token: "@@S", want: 200},', S=_r(_B64U, 40)),
    _t("k_yaml_in_python_string", 'CONFIG = """\nsmtp:\n  password: @@S\n"""', S=_pw()),
    _t("k_clojure", '(def db {:dbtype "postgresql" :user "app" :password "@@S"})', S=_pw()),
    _t("k_objc", 'NSString *secret = @"@@S";', S=_r(_AN, 32)),
)


# --- 8. Logs, stack traces and HTTP dumps ----------------------------------------------------------

_LOGS = (
    _t(
        "l_http_request_dump",
        "> GET /v1/me HTTP/1.1\n> Host: api.example.com\n> Authorization: Bearer @@S\n> Accept: */*",
        S=_r(_B64U, 64),
    ),
    _t("l_http_cookie", "Cookie: _ga=GA1.2.1234; sessionid=@@S; csrftoken=x", S=_r(_LAN, 32)),
    _t("l_set_cookie", "< Set-Cookie: connect.sid=s%3A@@S; Path=/; HttpOnly", S=_r(_B64U, 32)),
    _t("l_x_api_key_header", "x-api-key: @@S", S=_r(_AN, 40)),
    _t(
        "l_nginx_access_query",
        '203.0.113.9 - - [27/Nov/2026:10:14:03 +0000] "GET /hook?token=@@S HTTP/1.1" 200 2',
        S=_r(_AN, 32),
    ),
    _t(
        "l_python_traceback_dsn",
        "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server failed\n[SQL: None]\n(Background on this error: postgresql://app:@@S@db:5432/app)",
        S=_pw(url=True),
    ),
    _t(
        "l_java_exception_jdbc",
        "java.sql.SQLException: Access denied for user 'erp'@'10.0.0.5' (using password: YES) url=jdbc:mysql://db/erp?user=erp&password=@@S",
        S=_pw(url=True),
    ),
    _t(
        "l_node_error_config",
        "Error: connect ECONNREFUSED 127.0.0.1:6379\n    at TCPConnectWrap.afterConnect [as oncomplete] { config: { password: '@@S' } }",
        S=_r(_AN, 24),
    ),
    _t(
        "l_debug_log_token",
        "2026-11-27T10:14:03.221Z DEBUG auth: refreshed access token=@@S expires_in=3600",
        S=_r(_B64U, 80),
    ),
    _t("l_json_log_line", '{"level":"info","msg":"login ok","user":"ana","password":"@@S","ts":1796000000}', S=_pw()),
    _t(
        "l_oauth_redirect_fragment",
        "Navigated to https://app.example.com/callback#access_token=@@S&token_type=bearer&expires_in=3600",
        S=_r(_B64U, 64),
    ),
    _t(
        "l_oauth_code_exchange",
        "POST /oauth/token grant_type=authorization_code&code=abc123&client_id=web&client_secret=@@S",
        S=_r(_AN, 40),
    ),
    _t("l_websocket_url", "WebSocket connection to 'wss://rt.example.com/socket?auth=@@S' failed", S=_r(_B64U, 48)),
    _t("l_grpc_metadata", "metadata: {'authorization': 'Bearer @@S', 'x-request-id': '7f3a'}", S=_r(_B64U, 64)),
    _t(
        "l_k8s_event_env",
        "Warning  Failed  pod/api-7d9f  Error: container has env SECRET_KEY=@@S which is invalid",
        S=_r(_AN, 50),
    ),
    _t(
        "l_celery_broker",
        "[2026-11-27 10:14:03,221: INFO/MainProcess] Connected to amqp://worker:@@S@rabbit:5672//",
        S=_pw(url=True),
    ),
    _t(
        "l_sqlalchemy_echo", "INFO sqlalchemy.engine.Engine UPDATE users SET password_plain=%(p)s {'p': '@@S'}", S=_pw()
    ),
    _t("l_django_debug_settings", "EMAIL_HOST_PASSWORD\t'@@S'", S=_r(_LO, 16)),
    _t(
        "l_php_pdo_error",
        "PDOException: SQLSTATE[HY000] [1045] Access denied in /var/www/db.php:4\n#0 /var/www/db.php(4): PDO->__construct('mysql:host=db', 'wp', '@@S')",
        S=_pw(),
    ),
    _t(
        "l_go_panic_dsn",
        'panic: dial tcp: lookup pg: no such host (dsn="postgres://api:@@S@pg:5432/api")',
        S=_pw(url=True),
    ),
    _t("l_rust_debug_struct", 'Config { api_url: "https://api.x", api_key: "@@S", timeout: 30 }', S=_r(_AN, 40)),
    _t("l_elixir_inspect", '%{username: "admin", password: "@@S", role: :owner}', S=_pw()),
    _t("l_requests_prepared", "{'User-Agent': 'python-requests/2.32', 'Authorization': 'Token @@S'}", S=_r(_HEX, 40)),
    _t(
        "l_har_entry",
        '{"name": "Authorization", "value": "Basic @@S"}',
        S=lambda s: base64.b64encode(("admin:" + _pw()(s)).encode()).decode(),
    ),
    _t(
        "l_apache_basic_in_url",
        '10.0.0.3 - - "GET http://admin:@@S@router.local/cgi-bin/status HTTP/1.0" 401',
        S=_pw(url=True),
    ),
    _t(
        "l_aws_presigned",
        "https://bucket.s3.amazonaws.com/report.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AK"
        + "IAQ7LM2XR4TZ9KD3WB%2F20261127%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=@@S",
        S=_r(_HEX, 64),
    ),
    _t("l_aws_session_token", "X-Amz-Security-Token: @@S", S=_r(_B64, 300, "IQoJb3JpZ2luX2Vj")),
    _t(
        "l_azure_sas_url",
        "https://acct.blob.core.windows.net/backups/db.bak?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-12-01&sig=@@S",
        S=lambda s: urllib.parse.quote(_b64(32)(s), safe=""),
    ),
    _t(
        "l_gcs_signed",
        "https://storage.googleapis.com/b/o?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Signature=@@S",
        S=_r(_HEX, 512),
    ),
    _t(
        "l_slack_webhook_in_log",
        "POST @@S -> 200 ok",
        S=_parts("https://hooks.slack.com/services/T", (_UAN, 8), "/B", (_UAN, 10), "/", (_AN, 24)),
    ),
    _t(
        "l_discord_webhook",
        "webhook_url=@@S",
        S=_parts("https://discord.com/api/webhooks/", (_DI, 19), "/", (_B64U, 68)),
    ),
    _t(
        "l_teams_webhook",
        "Sending card to @@S",
        S=_parts(
            "https://acme.webhook.office.com/webhookb2/",
            _uuid(),
            "@",
            _uuid(),
            "/IncomingWebhook/",
            (_HEX, 32),
            "/",
            _uuid(),
        ),
    ),
    _t(
        "l_github_actions_log",
        "2026-11-27T10:14:03.1234567Z ##[debug]Evaluating: secrets.NPM_TOKEN => '@@S'",
        S=_r(_AN, 36, "np" + "m_"),
    ),
    _t(
        "l_curl_verbose_proxy",
        "* Proxy auth using Basic with user 'corp\\jdoe'\n> Proxy-Authorization: Basic @@S",
        S=lambda s: base64.b64encode(("corp\\jdoe:" + _pw()(s)).encode()).decode(),
    ),
    _t(
        "l_smtp_auth_plain",
        "C: AUTH PLAIN @@S\nS: 235 2.7.0 Authentication successful",
        S=lambda s: base64.b64encode(("\0mailer@corp.example\0" + _pw()(s)).encode()).decode(),
    ),
    _t("l_docker_inspect_env", '"Env": [\n    "PATH=/usr/local/bin",\n    "RABBITMQ_DEFAULT_PASS=@@S"\n]', S=_pw()),
    _t(
        "l_airflow_conn_uri",
        "Using connection ID 'warehouse' for task execution. uri=snowflake://etl:@@S@acme/dw",
        S=_pw(url=True),
    ),
    _t("l_pytest_assert_diff", "E   AssertionError: assert 'Bearer @@S' == 'Bearer <redacted>'", S=_r(_B64U, 48)),
    _t(
        "l_mqtt_connect",
        "Client mqttjs_3f sending CONNECT (u1, p1, c1, k60, username=sensor, password=@@S)",
        S=_r(_AN, 20),
    ),
    _t(
        "l_jwt_in_log",
        "auth header accepted: @@S",
        S=_parts("eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.", (_B64U, 110), ".", (_B64U, 342)),
    ),
)


# --- 9. Diffs, patches and reviews ----------------------------------------------------------------

_DIFFS = (
    _t("d_added_line", "+    api_key: @@S", S=_r(_HEX, 32)),
    _t("d_removed_line", "-DB_PASSWORD=@@S\n+DB_PASSWORD=${DB_PASSWORD}", S=_pw()),
    _t(
        "d_hunk_context",
        '@@ -10,6 +10,7 @@ class Settings:\n     debug = False\n+    secret = "@@S"\n     timeout = 30',
        S=_r(_AN, 40),
    ),
    _t("d_changed_both", "-TOKEN=@@A\n+TOKEN=@@B", A=_r(_AN, 36, "gh" + "p_"), B=_r(_AN, 36, "gh" + "p_")),
    _t("d_review_comment", '> +password = "@@S"\n\nPlease don\'t hard-code this, read it from the vault.', S=_pw()),
    _t(
        "d_pr_description",
        "This PR swaps the sandbox key for the prod one (`@@S`) so the checkout works.",
        S=_r(_AN, 99, "s" + "k_" + "live_"),
    ),
    _t("d_git_show_word_diff", '[-secret_key = "old"-]{+secret_key = "@@S"+}', S=_r(_AN, 50)),
    _t(
        "d_patch_email",
        "Subject: [PATCH] add sentry\n---\n+SENTRY_DSN=https://@@S@o450.ingest.sentry.io/5731",
        S=_r(_HEX, 32),
    ),
    _t(
        "d_gitleaks_report",
        'Finding:     password = "@@S"\nSecret:      @@S\nRuleID:      generic-api-key\nFile:        config.py',
        S=_pw(),
    ),
    _t("d_trufflehog_output", "Found verified result 🐷🔑\nDetector Type: Postmark\nRaw result: @@S", S=_uuid()),
    _t("d_blame_line", "4f2a91c3 (Ana Souza 2025-03-02 14:11:09 +0100 27) SMTP_PASS = '@@S'", S=_pw()),
    _t("d_stash_show", 'stash@{0}: WIP on main\n+  token: "@@S"', S=_r(_AN, 40)),
    _t(
        "d_github_suggestion",
        "```suggestion\nclient = Client(key=os.environ[\"KEY\"])  # was '@@S'\n```",
        S=_r(_AN, 32),
    ),
    _t(
        "d_merge_conflict",
        "<<<<<<< HEAD\nREDIS_PASSWORD=@@A\n=======\nREDIS_PASSWORD=@@B\n>>>>>>> feature/cache",
        A=_r(_AN, 24),
        B=_r(_AN, 24),
    ),
    _t("d_unified_json", '   "auth": {\n-    "token": ""\n+    "token": "@@S"\n   }', S=_r(_B64U, 40)),
    _t("d_diff_yaml_multiline", "+  private_key_passphrase: >-\n+    @@S", S=_phrase(4)),
    _t("d_commit_message", "commit 9b1e2f0\n\n    temporarily use admin pw @@S for e2e", S=_pw()),
    _t("d_review_inline_later", "nit: line 88 leaks @@S into the logs, wrap it with mask()", S=_r(_AN, 32)),
    _t("d_diff_tf_state", '+      "master_password": "@@S",', S=_pw()),
    _t(
        "d_gerrit_comment",
        "Patch Set 3:\n\n(1 comment)\n\nsettings.py line 12: the key @@S must not be committed",
        S=_r(_B64U, 43),
    ),
    _t("d_diff_ini_added_two", "+[smtp]\n+user = alerts\n+pass = @@S", S=_r(_LO, 16)),
    _t("d_diff_notebook_output", '+      "text": ["token=@@S\\n"]', S=_r(_AN, 40)),
    _t(
        "d_svn_diff",
        "Index: conf/app.conf\n===================================================================\n+db.pass=@@S",
        S=_pw(),
    ),
    _t("d_hg_diff", "diff -r 3a1f settings.cfg\n+api_secret: @@S", S=_r(_HEX, 40)),
    _t("d_patch_context_only", "     # keep in sync with the vault: @@S\n     TIMEOUT = 10", S=_r(_AN, 32)),
    _t(
        "d_diff_env_example_mistake",
        "--- a/.env.example\n+++ b/.env.example\n-OPENAI_API_KEY=\n+OPENAI_API_KEY=@@S",
        S=_r(_B64U, 48, "s" + "k-proj-"),
    ),
)


# --- 10. Notebooks and data exports ----------------------------------------------------------------

_DATA = (
    _t(
        "n_ipynb_source",
        '"source": [\n    "openai.api_key = \\"@@S\\"\\n",\n    "resp = openai.chat.completions.create(...)"\n]',
        S=_r(_B64U, 48, "s" + "k-proj-"),
    ),
    _t(
        "n_ipynb_output_stream",
        '{"name": "stdout", "output_type": "stream", "text": ["Using key @@S\\n"]}',
        S=_r(_HEX, 32),
    ),
    _t("n_ipynb_magic_env", "%env HUGGINGFACEHUB_API_TOKEN=@@S", S=_r(_AN, 34, "h" + "f_")),
    _t("n_colab_userdata", "# userdata.get('KEY') failed, so:\nos.environ['KAGGLE_KEY'] = '@@S'", S=_r(_HEX, 32)),
    _t(
        "n_csv_users_export",
        "id,email,password,created\n17,ana@shop.example,@@A,2025-01-02\n18,li@shop.example,@@B,2025-01-03",
        A=_pw(),
        B=_pw(),
    ),
    _t("n_csv_semicolon", "Name;Login;Kennwort\nMüller;mmueller;@@S", S=_pw(_DE)),
    _t("n_tsv_keys", "service\tkey\tenv\nmaps\t@@S\tprod", S=_r(_AN, 40)),
    _t(
        "n_sql_result_table",
        " id | username | api_token\n----+----------+----------\n  1 | admin    | @@S\n(1 row)",
        S=_r(_HEX, 40),
    ),
    _t(
        "n_mysql_box_result",
        "+----+-------+------------------+\n| id | user  | pass             |\n+----+-------+------------------+\n|  1 | root  | @@S |\n+----+-------+------------------+",
        S=_pw(),
    ),
    _t("n_pandas_repr", "   user        secret\n0  etl   @@S\n1  bi    masked", S=_r(_AN, 24)),
    _t("n_jsonl_record", '{"id": 9, "integration": "zendesk", "api_token": "@@S"}', S=_r(_AN, 40)),
    _t(
        "n_markdown_table_creds",
        "| env | url | password |\n|---|---|---|\n| stage | https://stage.example | @@S |",
        S=_pw(),
    ),
    _t("n_excel_paste", "Account\tUsername\tPassword\tNotes\nAWS root\troot@corp.example\t@@S\tMFA on phone", S=_pw()),
    _t(
        "n_mongo_export",
        '{ "_id": ObjectId("65a1f0"), "service": "sendgrid", "key": "@@S" }',
        S=_parts("S" + "G.", (_B64U, 22), ".", (_B64U, 43)),
    ),
    _t("n_yaml_fixture", "- model: auth.user\n  fields:\n    username: demo\n    raw_password: @@S", S=_pw()),
    _t(
        "n_parquet_head",
        "shape: (2, 3)\n┌─────┬──────────┬──────────────────────────────────┐\n│ id  ┆ name     ┆ token                            │\n╞═════╪══════════╪══════════════════════════════════╡\n│ 1   ┆ crawler  ┆ @@S │\n└─────┴──────────┴──────────────────────────────────┘",
        S=_r(_HEX, 32),
    ),
    _t("n_redis_dump", '127.0.0.1:6379> GET session:ana\n"{\\"uid\\":17,\\"refresh\\":\\"@@S\\"}"', S=_r(_B64U, 64)),
    _t("n_sqlite_dump", "INSERT INTO settings VALUES('smtp_password','@@S');", S=_pw()),
    _t("n_bigquery_json", '[{"key_name": "twilio", "key_value": "@@S"}]', S=_r(_HEX, 32)),
    _t("n_printed_dict", "{'host': 'ftp.partner.example', 'user': 'acme', 'passwd': '@@S', 'port': 21}", S=_pw()),
    _t(
        "n_env_file_cat_numbered",
        "     1\tNODE_ENV=production\n     2\tSESSION_SECRET=@@S\n     3\tPORT=3000",
        S=_r(_AN, 48),
    ),
    _t("n_read_tool_output", "   41→    'PASSWORD': '@@S',\n   42→    'HOST': 'db',", S=_pw()),
    _t("n_xml_export", "<user><login>svc</login><password>@@S</password></user>", S=_pw()),
    _t("n_ldif", "dn: uid=jdoe,ou=people,dc=corp\nuserPassword: @@S", S=_pw()),
    _t(
        "n_keepass_csv",
        '"Group","Title","Username","Password","URL"\n"Root","Router","admin","@@S","http://192.168.0.1"',
        S=_pw(),
    ),
    _t(
        "n_bitwarden_json",
        '{"type": 1, "name": "Hetzner", "login": {"username": "ops", "password": "@@S", "totp": null}}',
        S=_pw(),
    ),
    _t("n_chrome_passwords_csv", "name,url,username,password\nnas.local,http://nas.local/,admin,@@S", S=_pw()),
    _t("n_totp_export", '{"issuer": "GitHub", "account": "octo", "secret": "@@S", "digits": 6}', S=_r(_B32, 32)),
    _t("n_kaggle_json", '{"username":"anaml","key":"@@S"}', S=_r(_HEX, 32)),
    _t(
        "n_dataframe_to_markdown",
        "|    | vendor   | api_key   |\n|---:|:---------|:----------|\n|  0 | mapbox   | @@S |",
        S=_r(_B64U, 40),
    ),
)


# --- 11. Tickets, emails, chats and docs pasted in -------------------------------------------------

_PASTED = (
    _t(
        "m_email_onboarding",
        "Hi Sam,\n\nWelcome aboard! Your temporary password is @@S — you'll be asked to change it at first login.\n\nIT",
        S=_pw(),
    ),
    _t(
        "m_jira_ticket",
        "OPS-4412: Staging DB unreachable\nSteps: connect as app / @@S to pg-stage-1 → timeout",
        S=_pw(),
    ),
    _t(
        "m_slack_paste",
        "[10:42] ana: here's the new token @@S\n[10:43] ben: thx",
        S=_parts("xo" + "xp-", (_DI, 12), "-", (_DI, 12), "-", (_DI, 13), "-", (_HEX, 32)),
    ),
    _t("m_wiki_wifi", "## Office\n- Wi-Fi: Acme-Guest\n- Passphrase: @@S", S=_phrase(4, "-")),
    _t("m_door_code", "the door code for the server room is @@S#", S=_pin(5)),
    _t("m_alarm_code", "Alarm code: @@S (disarm within 30 s)", S=_pin(4)),
    _t("m_voicemail_pin", "voicemail PIN @@S", S=_pin(6)),
    _t("m_bank_otp_sms", "Your one-time code is @@S. Do not share it with anyone.", S=_pin(6)),
    _t(
        "m_2fa_backup_list",
        "GitHub recovery codes\n@@A\n@@B\n@@C",
        A=_parts((_HEX, 5), "-", (_HEX, 5)),
        B=_parts((_HEX, 5), "-", (_HEX, 5)),
        C=_parts((_HEX, 5), "-", (_HEX, 5)),
    ),
    _t("m_support_reply", "> Could you send the API key?\nSure: @@S\nThanks, Priya", S=_r(_AN, 32)),
    _t("m_handover_doc", "Handover notes\n* root pw on the old NAS: @@S\n* UPS login: admin/admin (default)", S=_pw()),
    _t("m_confluence_table", "|| System || Login || Password ||\n| Jenkins | admin | @@S |", S=_pw()),
    _t("m_zendesk_ticket", 'Customer writes: "I reset my password to @@S but still can\'t log in"', S=_pw()),
    _t(
        "m_github_issue_paste",
        "### Steps to reproduce\n```\nexport CLIENT_SECRET=@@S\nnpm run dev\n```",
        S=_r(_B64U, 40),
    ),
    _t(
        "m_email_forward_creds",
        "---------- Forwarded message ---------\nFrom: hosting@provider.example\nPanel: https://panel.provider.example\nUser: c4411\nPassword: @@S",
        S=_r(_AN, 12),
    ),
    _t("m_sticky_note", "post-it on the monitor says: @@S", S=_pw()),
    _t("m_teams_message", "Ana Souza 09:14\nnew vpn pw is @@S from today", S=_pw()),
    _t("m_notion_page", "🔐 Secrets (do not share)\nMailgun: @@S", S=_r(_HEX, 32, "ke" + "y-")),
    _t("m_trello_card", "Card: 'Set up Hotjar' — comment: site id 3341, api secret @@S", S=_r(_HEX, 40)),
    _t("m_runbook_recovery", "If the HSM locks, enter the recovery PIN @@S on the front panel.", S=_pin(8)),
    _t("m_email_quoted_reply", "> > the password for the share is @@S\n> Got it, thanks", S=_pw()),
    _t("m_calendar_invite", "Join Zoom Meeting https://zoom.us/j/8123456789\nPasscode: @@S", S=_r(_AN, 6)),
    _t(
        "m_bitlocker_recovery",
        "BitLocker recovery key: @@S",
        S=lambda s: "-".join(_draw(f"{s}{i}", _DI, 6) for i in range(8)),
    ),
    _t(
        "m_license_key",
        "License: @@S (seat for ana)",
        S=lambda s: "-".join(_draw(f"{s}{i}", _UAN, 5) for i in range(5)),
    ),
    _t("m_sms_2fa_german", "Ihr Sicherheitscode: @@S. Geben Sie ihn nicht weiter.", S=_pin(6)),
    _t("m_pdf_extract", "Zugangsdaten\nBenutzer: kunde-7734\nInitialpasswort: @@S", S=_r(_AN, 10)),
    _t("m_invoice_portal", "Portal-Zugang: https://rechnung.example / Kundennr. 55123 / PIN @@S", S=_pin(5)),
    _t("m_pgp_passphrase_note", "gpg passphrase for the release key: @@S", S=_phrase(6)),
    _t(
        "m_router_label",
        "Label on the router: SSID FRITZ!Box 7590 XY, WLAN key @@S",
        S=lambda s: " ".join(_draw(f"{s}{i}", _DI, 4) for i in range(5)),
    ),
    _t(
        "m_meeting_notes",
        "Notes 11/26: agreed to rotate creds; interim shared admin password = @@S (Ben to change by Fri)",
        S=_pw(),
    ),
    _t("m_email_html", "<p>Your API key is <code>@@S</code></p>", S=_r(_AN, 40)),
    _t("m_escalation_pager", "PagerDuty integration key: @@S", S=_r(_HEX, 32)),
    _t(
        "m_postmortem",
        "Root cause: the token `@@S` was pasted into a public gist at 14:02 UTC.",
        S=_r(_AN, 36, "gh" + "p_"),
    ),
    _t(
        "m_discord_paste_spoiler",
        "||@@S|| <- bot token, don't leak",
        S=_parts("MTE", (_B64U, 23), ".", (_B64U, 6), ".", (_B64U, 38)),
    ),
    _t("m_whatsapp_export", "27/11/2026, 09:12 - Carla: a senha nova do wifi é @@S", S=_pw(_PT)),
)


# --- 12. Hidden by escaping, encoding, splitting, wrapping ------------------------------------------


def _basic_pw(kind: str, user: str) -> str:
    return base64.b64encode(f"{user}:{_pw()(kind)}".encode()).decode()


def _split(kind: str, template: str, token: str, cut: int) -> Planted:
    a, b = token[:cut], token[cut:]
    return Planted(kind=kind, line=template.replace("@@A", a).replace("@@B", b), secrets=(a, b))


def _wrapped(kind: str, template: str, token: str, width: int) -> Planted:
    chunks = [token[i : i + width] for i in range(0, len(token), width)]
    return Planted(kind=kind, line=template.replace("@@S", "\n".join(chunks)), secrets=tuple(chunks))


_ENCODED = (
    _make("e_basic_header", "Authorization: Basic @@S", {"S": _basic_pw("e_basic_header", "deploy")}),
    _make(
        "e_basic_in_curl_H",
        "curl -H 'Authorization: basic @@S' https://jira.corp.example/rest/api/2/myself",
        {"S": _basic_pw("e_basic_in_curl_H", "ana@corp.example")},
    ),
    _make(
        "e_url_encoded_pw",
        "postgresql://app:@@S@db:5432/app",
        {"S": urllib.parse.quote(_pw()("e_url_encoded_pw") + "@#", safe="")},
    ),
    _make(
        "e_form_body_encoded",
        "username=ana&password=@@S&remember=1",
        {"S": urllib.parse.quote_plus("Sol " + _pw()("e_form_body_encoded") + "&=")},
    ),
    _make(
        "e_json_escaped_quote",
        '{"password": "@@S"}',
        {"S": _pw()("e_json_escaped_quote")[:6] + '\\"' + _draw("e_json_escaped_quote", _AN, 6)},
    ),
    _make("e_json_in_json", '{"body": "{\\"api_key\\": \\"@@S\\"}"}', {"S": _draw("e_json_in_json", _AN, 40)}),
    _make(
        "e_unicode_escaped", '"token": "\\u0067\\u0068\\u0070\\u005f@@S"', {"S": _draw("e_unicode_escaped", _AN, 36)}
    ),
    _make("e_hex_encoded", "db_password_hex = @@S", {"S": _pw()("e_hex_encoded").encode().hex()}),
    _make(
        "e_k8s_b64_token",
        "data:\n  token: @@S",
        {"S": base64.b64encode(("gh" + "p_" + _draw("e_k8s_b64_token", _AN, 36)).encode()).decode()},
    ),
    _make(
        "e_double_b64",
        "CREDS=@@S",
        {"S": base64.b64encode(base64.b64encode(f"svc:{_pw()('e_double_b64')}".encode())).decode()},
    ),
    _split("e_split_python_concat", 'TOKEN = "@@A" + "@@B"', "gh" + "p_" + _draw("e_split_python_concat", _AN, 36), 20),
    _split(
        "e_split_js_join",
        "const k = ['@@A', '@@B'].join('');",
        "s" + "k_" + "live_" + _draw("e_split_js_join", _AN, 40),
        24,
    ),
    _split(
        "e_split_shell_vars", 'P1="@@A"\nP2="@@B"\nexport API_KEY="$P1$P2"', _draw("e_split_shell_vars", _HEX, 48), 24
    ),
    _split(
        "e_split_chat_two_messages",
        "first half: @@A\nsecond half: @@B",
        _draw("e_split_chat_two_messages", _B64U, 64),
        32,
    ),
    _wrapped(
        "e_wrapped_terminal_80", "New token created:\n@@S", "hv" + "s." + _draw("e_wrapped_terminal_80", _B64U, 160), 60
    ),
    _wrapped("e_wrapped_yaml_folded", "api_key: >-\n  @@S", _draw("e_wrapped_yaml_folded", _AN, 96), 48),
    _make(
        "e_backslash_continuation",
        'export KEY="@@A\\\n@@B"',
        {"A": _draw("e_bc/a", _AN, 24), "B": _draw("e_bc/b", _AN, 24)},
    ),
    _make(
        "e_xml_entities",
        "<password>@@S</password>",
        {"S": _pw()("e_xml_entities")[:8] + "&amp;" + _draw("e_xml_entities", _AN, 5) + "&lt;"},
    ),
    _make(
        "e_html_attribute",
        '<input type="hidden" name="api_key" value="@@S">',
        {"S": _draw("e_html_attribute", _AN, 40)},
    ),
    _make("e_shell_single_quote_escape", "mysql -p'@@S'", {"S": "it'\\''s" + _pw()("e_shell_single_quote_escape")}),
    _make("e_python_bytes", "secret = b'@@S'", {"S": _draw("e_python_bytes", _AN, 32)}),
    _make(
        "e_python_repr_escaped",
        "{'user': 'ana', 'password': '@@S'}",
        {"S": _pw()("e_python_repr_escaped")[:5] + "\\\\" + _draw("e_pre", _AN, 8)},
    ),
    _make(
        "e_quoted_printable",
        "Content-Transfer-Encoding: quoted-printable\n\nYour password: @@A=\n@@B",
        {"A": _draw("e_qp/a", _AN, 9) + "=3D" + _draw("e_qp/c", _AN, 3), "B": _draw("e_qp/b", _AN, 10)},
    ),
    _make("e_ansi_wrapped", "\x1b[33mtoken\x1b[0m=\x1b[1m@@S\x1b[22m", {"S": _draw("e_ansi_wrapped", _AN, 40)}),
    _make("e_markdown_bold", "**Password:** **@@S**", {"S": _pw()("e_markdown_bold")}),
    _make("e_markdown_code_cell", "| key | `@@S` |", {"S": _draw("e_markdown_code_cell", _B64U, 40)}),
    _make(
        "e_reversed_note",
        "(reversed so the scanner doesn't catch it) @@S",
        {"S": ("gh" + "p_" + _draw("e_reversed_note", _AN, 36))[::-1]},
    ),
    _make(
        "e_spaced_out",
        "token is @@S (without spaces)",
        {"S": " ".join(_draw("e_spaced_out", _AN, 32)[i : i + 8] for i in range(0, 32, 8))},
    ),
    _make(
        "e_dashes_groups",
        "activation secret @@S",
        {"S": "-".join(_draw("e_dashes_groups", _UAN, 32)[i : i + 4] for i in range(0, 32, 4))},
    ),
    _make(
        "e_base32_totp_spaced",
        "Can't scan? Enter this key: @@S",
        {"S": " ".join(_draw("e_base32_totp_spaced", _B32L, 32)[i : i + 4] for i in range(0, 32, 4))},
    ),
    _make(
        "e_url_fragment_id_token",
        "https://app.example/#id_token=@@S&state=af0",
        {
            "S": "eyJ"
            + _draw("e_url_fragment_id_token", _B64U, 60)
            + "."
            + _draw("e_ufit2", _B64U, 120)
            + "."
            + _draw("e_ufit3", _B64U, 86)
        },
    ),
    _make(
        "e_cmd_caret_escape",
        "set DB_PASS=@@S",
        {"S": _pw()("e_cmd_caret_escape")[:6] + "^&" + _draw("e_cmd_caret_escape", _AN, 6)},
    ),
    _make("e_yaml_double_escaped", 'password: "@@S"', {"S": _pw()("e_yaml_double_escaped") + "\\t\\\\"}),
    _make(
        "e_data_uri",
        "data:text/plain;base64,@@S",
        {"S": base64.b64encode(("api_key=" + _draw("e_data_uri", _AN, 32)).encode()).decode()},
    ),
    _make(
        "e_b64_echo_decode",
        "echo @@S | base64 -d   # the ssh password",
        {"S": base64.b64encode(_pw()("e_b64_echo_decode").encode()).decode()},
    ),
)


# --- 13. Key material ---------------------------------------------------------------------------------

_KEYS = (
    _pem("km_rsa_pkcs1", "RSA PRIVATE KEY", "$ cat id_rsa\n@@K"),
    _pem("km_ec_key", "EC PRIVATE KEY", "Write(certs/server.key)\n@@K"),
    _pem("km_pkcs8", "PRIVATE KEY", "@@K"),
    _pem("km_encrypted_pkcs8", "ENCRYPTED PRIVATE KEY", "key.pem (passphrase in 1Password):\n@@K"),
    _pem(
        "km_openssh",
        "OPENSSH PRIVATE KEY",
        "@@K",
        head="b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
    ),
    _pem("km_pgp_private", "PGP PRIVATE KEY BLOCK", "gpg --export-secret-keys -a release@acme.example\n@@K"),
    _pem("km_dsa", "DSA PRIVATE KEY", "@@K"),
    _pem("km_pem_json_escaped", "PRIVATE KEY", '"private_key": "@@K\\n",', sep="\\n"),
    _pem("km_pem_yaml_block", "RSA PRIVATE KEY", "tls:\n  key: |\n    @@K", indent="    "),
    _pem("km_pem_env_oneline", "PRIVATE KEY", 'GITHUB_APP_PRIVATE_KEY="@@K"', sep="\\n"),
    _make(
        "km_putty_ppk",
        "PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\nPrivate-Lines: 2\n@@A\n@@B\nPrivate-MAC: 5e7f",
        {"A": _draw("km_putty/a", _B64, 64), "B": _draw("km_putty/b", _B64, 64)},
    ),
    _t("km_wireguard", "[Interface]\nPrivateKey = @@S\nAddress = 10.8.0.2/32", S=_b64(32)),
    _t("km_age_key", "# public key: age1qz8x...\n@@S", S=_r(_BECH.upper(), 58, "AGE-SECRET" + "-KEY-1")),
    _t("km_eth_private_hex", "PRIVATE_KEY=@@S", S=_r(_HEX, 64, "0x")),
    _t("km_eth_hardhat", "accounts: ['@@S'],", S=_r(_HEX, 64, "0x")),
    _t(
        "km_solana_keypair",
        "~/.config/solana/id.json:\n@@S",
        S=lambda s: "[" + ",".join(str(b) for b in _bytes(s, 64)) + "]",
    ),
    _t("km_bip39_12", "seed: @@S", S=lambda s: mnemonic(s, 12)),
    _t(
        "km_bip39_24_prose",
        "my ledger words are @@S, please restore the wallet in the test",
        S=lambda s: mnemonic(s, 24),
    ),
    _t("km_bip39_commas", 'MNEMONIC="@@S"', S=lambda s: ", ".join(mnemonic(s, 12).split())),
    _t("km_wif_compressed", 'bitcoin-cli importprivkey @@S "" false', S=wif),
    _t("km_wif_testnet", "regtest key: @@S", S=lambda s: wif(s, compressed=True, testnet=True)),
    _t("km_nostr_nsec", "nostr nsec: @@S", S=_r(_BECH, 58, "nse" + "c1")),
    _t("km_xprv", "xprv for the hot wallet: @@S", S=_r(_B58, 95, "xp" + "rv9s21ZrQH143K")),
    _t("km_otpauth_uri", "otpauth://totp/Acme:ana?secret=@@S&issuer=Acme", S=_r(_B32, 32)),
    _t("km_django_secret", "SECRET_KEY = 'django-insecure-@@S'", S=_r(_LAN + "!@#%^&*(-_=+)", 50)),
    _t("km_rails_secret_base", "secret_key_base: @@S", S=_r(_HEX, 128)),
    _t("km_laravel_app_key", "APP_KEY=base64:@@S", S=_b64(32)),
    _t("km_fernet", "FERNET_KEY=@@S", S=_b64(32, url=True)),
    _t("km_jwt_hs_secret", "JWT_SIGNING_KEY: @@S", S=_r(_HEX, 64)),
    _t(
        "km_jwk_private",
        '{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","d":"@@S"}',
        S=_b64(32, url=True, pad=False),
    ),
    _t("km_jwk_oct", '{"kty":"oct","k":"@@S","alg":"HS256"}', S=_b64(32, url=True, pad=False)),
    _t(
        "km_kubeconfig_client_key",
        "users:\n- name: admin\n  user:\n    client-key-data: @@S",
        S=_r(_B64, 200, "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQo"),
    ),
    _t("km_aws_secret_bare", "aws_secret_access_key=@@S", S=_r(_B64, 40)),
    _t("km_gcp_hmac_secret", "GCS HMAC secret: @@S", S=_r(_B64, 40)),
    _t("km_minio_secret", "MINIO_ROOT_PASSWORD=@@S", S=_r(_AN, 40)),
    _t("km_hmac_webhook_secret", "GITHUB_WEBHOOK_SECRET=@@S", S=_r(_HEX, 40)),
    _t("km_android_keystore", "storePassword=@@A\nkeyAlias=upload\nkeyPassword=@@B", A=_pw(), B=_pw()),
    _t("km_gpg_passphrase_file", "$ cat ~/.gnupg/passphrase\n@@S", S=_phrase(5)),
    _t("km_tls_key_password", "ssl_key_password: @@S", S=_pw()),
    _t("km_ansible_vault_pass", "echo '@@S' > ~/.vault_pass.txt", S=_phrase(4, "-")),
)


FAMILIES9: dict[str, tuple[Planted, ...]] = {
    "vendor_tokens": _VENDOR,
    "payments_and_regional_clouds": _PAYMENTS,
    "multilingual_chat": _CHAT,
    "agent_prose": _AGENT,
    "terminal_sessions": _TERMINAL,
    "config_formats": _CONFIG,
    "code_languages": _CODE,
    "logs_and_http": _LOGS,
    "diffs_and_reviews": _DIFFS,
    "notebooks_and_data": _DATA,
    "pasted_docs": _PASTED,
    "encoded_split_wrapped": _ENCODED,
    "key_material": _KEYS,
}

FRESH9: tuple[Planted, ...] = tuple(p for family in FAMILIES9.values() for p in family)


# --- Look-alikes that hold no secret -------------------------------------------------------------

_SHA = _draw("benign/sha", _HEX, 40)
_SHA256 = _draw("benign/sha256", _HEX, 64)
_UUID = _uuid()("benign/uuid")

BENIGN_FRESH9: tuple[str, ...] = (
    f"commit {_SHA}\nAuthor: Ana Souza <ana@example.com>",
    f"sha256:{_SHA256}",
    f"FROM python:3.12-slim@sha256:{_SHA256}",
    f"request-id: {_UUID}",
    f"X-Request-Id: {_UUID}",
    f"trace_id={_draw('benign/trace', _HEX, 32)} span_id={_draw('benign/span', _HEX, 16)}",
    '"integrity": "sha512-' + _draw("benign/integ", _B64, 86) + '=="',
    "password: ${DB_PASSWORD}",
    "DB_PASSWORD=${{ secrets.DB_PASSWORD }}",
    'password = os.environ["DB_PASSWORD"]',
    "api_key: <your-api-key-here>",
    "OPENAI_API_KEY=sk-...",
    "export GITHUB_TOKEN=$(gh auth token)",
    "token: '{{ vault_token }}'",
    "PASSWORD=changeme  # placeholder, set a real one in .env.local",
    "Password: ********",
    "secret: [REDACTED]",
    "The password must be at least 12 characters and contain a digit.",
    "Das Passwort muss mindestens 12 Zeichen lang sein.",
    "Le mot de passe est incorrect. Réessayez.",
    "La contraseña no coincide.",
    "パスワードが間違っています",
    "密码错误，请重试",
    "비밀번호를 입력하세요",
    "Забыли пароль?",
    "NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY=p" + "k_" + "live_" + _draw("benign/pk", _AN, 24),
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + _draw("benign/sshpub", _B64, 43) + " ana@laptop",
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ" + _draw("benign/rsapub", _B64, 120) + " deploy@ci",
    "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"
    + _draw("benign/pub", _B64, 52)
    + "\n-----END PUBLIC KEY-----",
    "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE"
    + _draw("benign/cert", _B64, 44)
    + "\n-----END CERTIFICATE-----",
    "age1" + _draw("benign/agepub", _BECH, 58),
    "npub1" + _draw("benign/npub", _BECH, 58),
    "0x" + _draw("benign/ethaddr", _HEX, 40) + " is the contract address",
    "bc1q" + _draw("benign/btcaddr", _BECH, 38),
    "AWS account 123456789012, role arn:aws:iam::123456789012:role/deploy",
    "client_id: 1f0e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
    "GOOGLE_CLIENT_ID=8123456789-" + _draw("benign/gcid", _LAN, 32) + ".apps.googleusercontent.com",
    "firebaseConfig = { projectId: 'acme-web', appId: '1:8123456789:web:" + _draw("benign/fbapp", _HEX, 22) + "' }",
    "Sentry DSN project id 5731, org o450",
    "color: #3fa9f5; background: #1e1e1e;",
    "version 4.12.0-rc.3+build.20261127",
    "npm WARN deprecated uuid@3.4.0",
    "Successfully installed requests-2.32.3 urllib3-2.2.3",
    "Downloading https://files.pythonhosted.org/packages/"
    + _draw("benign/pyh", _HEX, 2)
    + "/"
    + _draw("benign/pyh2", _HEX, 60)
    + "/pkg.whl",
    'etag: W/"' + _draw("benign/etag", _HEX, 32) + '"',
    "Content-Security-Policy: default-src 'self'; script-src 'self' https://cdn.example.com",
    "Cache-Control: no-store, max-age=0",
    "Authorization: Bearer $TOKEN",
    "Authorization: Bearer ${ACCESS_TOKEN}",
    'headers = {"Authorization": f"Bearer {token}"}',
    'curl -u "$USER:$PASS" https://nexus.corp.example',
    "mysql -u root -p   # prompts for the password",
    "psql postgres://app@localhost/app",
    "redis://localhost:6379/0",
    "postgresql://user:password@localhost:5432/db  # the docs' example",
    "https://example.com/reset?email=ana%40example.com",
    "https://github.com/acme/web/pull/4412#discussion_r1834455667",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "git checkout -b fix/token-refresh-race",
    "def rotate_password(user: User, new_password: str) -> None:",
    "if not verify_token(request.headers.get('X-Api-Key')):",
    "class PasswordResetTokenGenerator:",
    "SECRET_KEY_LENGTH = 50",
    "token_type: bearer, expires_in: 3600",
    "grant_type=client_credentials&scope=read",
    "AssertionError: assert 401 == 200",
    "FAILED tests/test_auth.py::test_login_wrong_password - AssertionError",
    "E   KeyError: 'API_KEY'",
    "Error: Missing required environment variable STRIPE_SECRET_KEY",
    "401 Unauthorized: invalid api key",
    "Your session has expired. Please log in again.",
    "Enter your 6-digit code from the authenticator app",
    "Order #48213 shipped, tracking 1Z999AA10123456784",
    "Invoice 2026-11-0042 total 1.249,00 EUR",
    "Call me at +49 30 1234567 tomorrow",
    "the port is 5432 and the timeout 30000 ms",
    "Build #18273 passed in 4m 12s",
    "PR #4412 merged by octo",
    "pid 48213 exited with status 137",
    "chmod 600 ~/.ssh/id_ed25519",
    "ssh-keygen -t ed25519 -C ana@laptop",
    "gpg --full-generate-key",
    "openssl rand -hex 32 > secret.txt   # generate, don't paste it here",
    "kubectl get secret db -o yaml",
    "vault kv get secret/app/db",
    "aws sts get-caller-identity",
    "Set the variable in Settings → Secrets and variables → Actions.",
    "Rotate the key in the dashboard, then update the GitHub secret NPM_TOKEN.",
    "I won't print the token; it's stored in the macOS keychain under 'gh:github.com'.",
    "The API key was removed from the file and replaced by an env lookup.",
    "Use a passphrase of five random words, e.g. from a diceware list.",
    "base64 of 'hello world' is aGVsbG8gd29ybGQ=",
    "echo aGVsbG8gd29ybGQ= | base64 -d",
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
    "| id | name | created_at |\n|---|---|---|\n| 1 | ana | 2025-01-02 |",
    "id,email,created\n17,ana@shop.example,2025-01-02",
    '{"id": 9, "integration": "zendesk", "enabled": true}',
    '"outputs": [{"name": "stdout", "text": ["accuracy 0.913\\n"]}]',
    "+    timeout: 30\n-    timeout: 10",
    "@@ -1,4 +1,5 @@",
    "node_modules/.cache/babel-loader/" + _draw("benign/babel", _HEX, 32) + ".json",
    "webpack 5.94.0 compiled successfully in 2341 ms (hash " + _draw("benign/wp", _HEX, 20) + ")",
    "Created wheel for lessonloop: filename=lessonloop-0.9.0-py3-none-any.whl sha256=" + _draw("benign/whl", _HEX, 64),
    "docker image ls\nREPOSITORY  TAG  IMAGE ID\napi  latest  " + _draw("benign/img", _HEX, 12),
    "bcrypt cost factor 12 is the default",
    "TOTP uses a 30-second step and 6 digits",
    "The Wi-Fi network is called Acme-Guest; ask reception for access.",
    "Reset your password at https://id.example.com/reset",
    "Passwort vergessen? Klicke auf „Zurücksetzen“.",
    "senha: (deixe em branco para usar a padrão)",
    "api_key = None  # set via CLI flag --api-key",
    "key_id: kid-2025-11",
    "AccessKeyId in the logs is only the identifier; the secret never appears there.",
    "pk.eyJ1IjoiZGV2c3R1ZGlvIiwiYSI6ImNscHVibGljIn0.public_example_token",
    "Stripe test card 4242 4242 4242 4242, any future date",
    "git rev-parse HEAD\n" + _draw("benign/head", _HEX, 40),
    "MD5 (release.tar.gz) = " + _draw("benign/md5", _HEX, 32),
    "Ticket OPS-4412 closed: password policy updated.",
    "⏺ I'll read the config without printing any credential values.",
    "The agent masked the value as s" + "k_" + "live_****************.",
)
