# ruff: noqa: RUF001
"""A fifteenth held-out set of planted secrets and look-alikes (issue 60).

Written on 2026-11-28 by a helper who never saw the redaction rules, their docs, the benchmarks or the other sample sets.
Each `Planted` is one place where a secret shows up in a coding agent's session (a user's message, a command and what
it prints, a file, a log, the agent's own reply), with every substring that must not survive. The values are fake: drawn from SHA-256 of seed strings
prefixed "fresh15:", and vendor prefixes are built by concatenation so no secret-shaped literal sits
in this file. `BENIGN_FRESH15` are texts that look like secrets but hold none (public keys, hashes,
identifiers, placeholders, masked values, names of variables without values).

This set MEASURES only. It must never be used to write or tune rules.
"""

from __future__ import annotations

import base64
import hashlib
import json
import string
import urllib.parse

from tests.secret_samples import Planted, mnemonic, wif

# --------------------------------------------------------------------------------------------------
# Deterministic fake values
# --------------------------------------------------------------------------------------------------

_ALNUM = string.ascii_letters + string.digits
_LOWER_ALNUM = string.ascii_lowercase + string.digits
_UPPER_ALNUM = string.ascii_uppercase + string.digits
_LETTERS = string.ascii_letters
_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_GEN_SYMS = "!#%+-.=?_~^*"


def _stream(seed: str, n: int) -> bytes:
    """`n` bytes drawn from SHA-256 of "fresh15:" + `seed` (and a counter, when more are needed)."""
    out = b""
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(f"fresh15:{seed}:{counter}".encode()).digest()
        counter += 1
    return out[:n]


def _pick(seed: str, n: int, alphabet: str) -> str:
    return "".join(alphabet[b % len(alphabet)] for b in _stream(seed, n))


def _hex(seed: str, n: int) -> str:
    return _stream(seed, (n + 1) // 2).hex()[:n]


def _an(seed: str, n: int) -> str:
    return _pick("an:" + seed, n, _ALNUM)


def _low(seed: str, n: int) -> str:
    return _pick("low:" + seed, n, _LOWER_ALNUM)


def _up(seed: str, n: int) -> str:
    return _pick("up:" + seed, n, _UPPER_ALNUM)


def _letters(seed: str, n: int) -> str:
    return _pick("let:" + seed, n, _LETTERS)


def _digits(seed: str, n: int) -> str:
    return _pick("dig:" + seed, n, string.digits)


def _b58(seed: str, n: int) -> str:
    return _pick("b58:" + seed, n, _B58_ALPHABET)


def _bech(seed: str, n: int) -> str:
    return _pick("bech:" + seed, n, _BECH32)


def _b64(seed: str, nbytes: int) -> str:
    """Standard base64 (with padding) of `nbytes` random bytes."""
    return base64.b64encode(_stream("b64:" + seed, nbytes)).decode()


def _b64u(seed: str, nchars: int) -> str:
    """`nchars` characters of URL-safe base64, no padding."""
    return base64.urlsafe_b64encode(_stream("b64u:" + seed, nchars)).decode().rstrip("=")[:nchars]


def _b32(seed: str, nchars: int) -> str:
    return base64.b32encode(_stream("b32:" + seed, nchars)).decode().rstrip("=")[:nchars]


def _uuid(seed: str) -> str:
    h = _hex("uuid:" + seed, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:32]}"


def _gen(seed: str, n: int = 20, syms: str = _GEN_SYMS) -> str:
    """A password-manager style password: letters, digits and symbols, at least one of each."""
    raw = _stream("gen:" + seed, n + 4)
    pool = _ALNUM + syms
    chars = [pool[b % len(pool)] for b in raw[:n]]
    chars[0] = _LETTERS[raw[n] % len(_LETTERS)]
    chars[n // 2] = string.digits[raw[n + 1] % 10]
    chars[n - 3] = syms[raw[n + 2] % len(syms)]
    chars[2] = string.ascii_uppercase[raw[n + 3] % 26]
    return "".join(chars)


_HUMAN_WORDS = (
    "sunshine", "dragon", "football", "princess", "freedom", "shadow", "butterfly", "Liverpool",
    "Sommer", "Schatz", "Hamburg", "Kartoffel", "Frühling", "Schalke", "soleil", "chocolat",
    "Lumiere", "bonjour", "Marseille", "doudou", "mariposa", "verano", "corazon", "Barcelona",
    "mañana", "saudade", "estrela", "flamengo", "amorzinho", "gattino", "Juventus", "girasole",
    "kochanie", "Warszawa", "slonko", "privet", "solnyshko", "Spartak", "zvezda", "Galatasaray",
    "yildiz", "merhaba", "Istanbul", "sakura", "tanuki", "Doraemon", "vogeltje", "Amsterdam",
    "koekje", "kanelbulle", "aurinko", "matahari", "sayang", "Persija", "Saigon", "kocicka",
    "Olympiakos", "agapi", "jaanu", "mumbai", "saranghae", "Busan", "Chelsea", "monkey",
)  # fmt: skip

_DICE_WORDS = (
    "anchor", "bramble", "cactus", "dolphin", "ember", "fjord", "glacier", "harbor", "igloo",
    "jasmine", "kettle", "lantern", "meadow", "nectar", "orbit", "pepper", "quarry", "ribbon",
    "saddle", "thimble", "umbrella", "velvet", "walnut", "yonder", "zephyr", "acorn", "biscuit",
    "canyon", "drizzle", "gravel", "hazel", "indigo", "juniper", "kayak", "lemon", "marble",
    "nutmeg", "oyster", "pebble", "quill", "raven", "spruce", "tundra", "upland", "violet",
    "willow", "yarrow", "zinnia", "amber", "basalt", "cobalt", "dune", "fennel", "garnet",
    "hollow", "jigsaw", "lichen", "mosaic", "nimbus", "opal", "plume", "rocket", "tulip", "wombat",
)  # fmt: skip


def _human(seed: str, syms: str = "!#.*?%_+") -> str:
    """A password a person picks: a word (of some language), digits or a year, a symbol."""
    d = _stream("human:" + seed, 8)
    word = _HUMAN_WORDS[d[0] % len(_HUMAN_WORDS)]
    other = _HUMAN_WORDS[d[5] % len(_HUMAN_WORDS)]
    sym = syms[d[1] % len(syms)]
    year = str(1961 + d[2] % 64)
    two = f"{d[3] % 100:02d}"
    style = d[4] % 6
    if style == 0:
        return word.capitalize() + year + sym
    if style == 1:
        return word + sym + two + two[::-1]
    if style == 2:
        return sym + word.capitalize() + year
    if style == 3:
        return word.capitalize() + sym + other.lower() + two
    if style == 4:
        return word[0].upper() + word[1:] + two + sym + sym
    return word.replace("o", "0").replace("e", "3").replace("a", "4").capitalize() + year + sym


def _phrase(seed: str, words: int = 4, sep: str = "-") -> str:
    d = _stream("phrase:" + seed, words)
    return sep.join(_DICE_WORDS[b % len(_DICE_WORDS)] for b in d)


def _pin(seed: str, n: int = 6) -> str:
    return _digits("pin:" + seed, n)


def _b64url_json(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")


def _jwt(seed: str, payload: dict[str, object], alg: str = "HS256", sig_len: int = 43) -> str:
    header = _b64url_json({"alg": alg, "typ": "JWT"})
    return header + "." + _b64url_json(payload) + "." + _b64u("jwt:" + seed, sig_len)


def _pem(label: str, seed: str, prefix: str, nbytes: int) -> tuple[str, tuple[str, ...]]:
    """A PEM block of fake key material, and its body lines (each one must not survive)."""
    prefix = prefix[: len(prefix) // 4 * 4]  # whole base64 quanta, so the body decodes
    body = prefix + base64.b64encode(_stream("pem:" + seed, nbytes)).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    text = f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----"
    return text, tuple(line for line in lines if len(line) >= 16)


def _b58check_like(seed: str, n: int) -> str:
    return _b58(seed, n)


def _basic(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


# Vendor prefixes, built by concatenation.
_GHP = "gh" + "p_"
_GHO = "gh" + "o_"
_GHS = "gh" + "s_"
_GHU = "gh" + "u_"
_GHR = "gh" + "r_"
_GH_FINE = "github" + "_pat_"
_GLPAT = "gl" + "pat-"
_AKIA = "AK" + "IA"
_ASIA = "AS" + "IA"
_SK_LIVE = "sk" + "_live_"
_SK_TEST = "sk" + "_test_"
_RK_LIVE = "rk" + "_live_"
_WHSEC = "wh" + "sec_"
_XOXB = "xo" + "xb-"
_XOXP = "xo" + "xp-"
_XAPP = "xa" + "pp-"
_SLACK_HOOK = "https://hooks.slack" + ".com/services/"
_NPM = "np" + "m_"
_PYPI = "py" + "pi-"
_HF = "h" + "f_"
_ANT = "sk-" + "ant-"
_OPENAI_PROJ = "sk-" + "proj-"
_OPENAI_SVC = "sk-" + "svcacct-"
_AIZA = "AI" + "za"
_SG = "S" + "G."
_DOP = "do" + "p_v1_"
_SHPAT = "shp" + "at_"
_HVS = "hv" + "s."
_GLSA = "gl" + "sa_"
_DCKR = "dckr" + "_pat_"
_AGE = "AGE-SECRET" + "-KEY-1"


def _slack_hook(seed: str) -> str:
    return _SLACK_HOOK + "T0" + _up(seed + "t", 7) + "/B0" + _up(seed + "b", 8) + "/" + _an(seed, 24)


def _aws_pair(seed: str) -> tuple[str, str]:
    return _AKIA + _up(seed + ":id", 16), _pick(seed + ":secret", 40, _ALNUM + "/+")


def _gh_classic(seed: str) -> str:
    return _GHP + _an(seed, 36)


# --------------------------------------------------------------------------------------------------
# 1. Vendor tokens
# --------------------------------------------------------------------------------------------------


def _vendor_tokens() -> tuple[Planted, ...]:
    stripe_rk = _RK_LIVE + "51" + _an("stripe-rk", 97)
    whsec = _WHSEC + _an("stripe-whsec", 32)
    sendgrid = _SG + _b64u("sendgrid-a", 22) + "." + _b64u("sendgrid-b", 43)
    mailgun = _hex("mailgun", 32) + "-" + _hex("mailgun2", 8) + "-" + _hex("mailgun3", 8)
    twilio_sid = "AC" + _hex("twilio-sid", 32)
    twilio_token = _hex("twilio-token", 32)
    twilio_api_secret = _an("twilio-api-secret", 32)
    postmark = _uuid("postmark")
    dd_api = _hex("dd-api", 32)
    dd_app = _hex("dd-app", 40)
    nrak = "NR" + "AK-" + _up("nrak", 27)
    nr_license = _hex("nr-license", 36) + "NR" + "AL"
    sentry = "sntr" + "ys_" + _b64u("sentry-org", 120) + "_" + _b64u("sentry-org2", 43)
    anthropic = _ANT + "api03-" + _b64u("anthropic", 93) + "AA"
    openai_svc = _OPENAI_SVC + _b64u("openai-svc", 74) + "T3Blbk" + "FJ" + _b64u("openai-svc2", 74)
    hf = _HF + _letters("hf-write", 34)
    replicate = "r" + "8_" + _an("replicate", 37)
    groq = "gs" + "k_" + _an("groq", 52)
    cohere = _an("cohere", 40)
    mistral = _an("mistral", 32)
    glpat = _GLPAT + _b64u("glpat-clone", 20)
    glrt = "gl" + "rt-" + _b64u("glrt", 20)
    ghs = _GHS + _an("ghs-app", 36)
    gho = _GHO + _an("gho-hosts", 36)
    circle = "CCI" + "PAT_" + _an("circle", 22) + "_" + _hex("circle2", 40)
    npm = _NPM + _an("npm-publish", 36)
    pypi = _PYPI + "AgEIcHlwaS5vcmc" + _b64u("pypi-twine", 150)
    rubygems = "rubygems" + "_" + _hex("rubygems", 48)
    nuget = "oy" + "2" + _low("nuget", 43)
    dockerhub = _DCKR + _b64u("dockerhub", 27)
    xoxp = (
        _XOXP + _digits("xoxp1", 11) + "-" + _digits("xoxp2", 11) + "-" + _digits("xoxp3", 13) + "-" + _hex("xoxp", 32)
    )
    xapp = _XAPP + "1-A0" + _up("xapp1", 9) + "-" + _digits("xapp2", 13) + "-" + _hex("xapp", 64)
    discord_id = "1187" + _digits("discord-id", 15)
    discord = (
        base64.b64encode(discord_id.encode()).decode().rstrip("=")
        + "."
        + _b64u("discord2", 6)
        + "."
        + _b64u("discord3", 38)
    )
    telegram = _digits("tg-id", 10) + ":AA" + _b64u("tg", 33)
    gmaps = _AIZA + "Sy" + _b64u("gmaps", 33)
    mapbox = "sk" + "." + _b64url_json({"u": "lena-geo", "a": "clx" + _low("mapbox-a", 22)}) + "." + _b64u("mapbox", 22)
    azure_key = _b64("azure-storage", 64)
    aws_id, aws_secret = _aws_pair("vendor-aws-credentials")
    dop = _DOP + _hex("digitalocean", 64)
    cf = _b64u("cloudflare", 40)
    heroku = "HRKU" + "-AA" + _b64u("heroku", 58)
    vercel = _an("vercel", 24)
    netlify = "nf" + "p_" + _an("netlify", 36)
    shopify = _SHPAT + _hex("shopify", 32)
    square = "EA" + "AA" + _b64u("square", 60)
    linear = "lin" + "_api_" + _an("linear", 40)
    notion = "nt" + "n_" + _an("notion", 46)
    atlassian = "ATATT" + "3xFfGF0" + _b64u("atlassian", 170) + "=" + _up("atl2", 8)
    figma = "fi" + "gd_" + _b64u("figma", 40)
    pagerduty = _b64u("pagerduty", 20)
    okta = "00" + _b64u("okta", 40)
    algolia = _hex("algolia-admin", 32)
    mailchimp = _hex("mailchimp", 32) + "-us14"
    airtable = "pat" + _an("airtable", 14) + "." + _hex("airtable2", 64)
    doppler = "dp" + ".st.prd." + _an("doppler", 40)
    tfc = _an("tfc", 14) + ".atlas" + "v1." + _an("tfc2", 67)
    grafana = _GLSA + _an("grafana", 32) + "_" + _hex("grafana2", 8)
    supabase = "sb" + "p_" + _hex("supabase", 40)
    pscale = "pscale" + "_pw_" + _b64u("pscale", 43)
    resend = "r" + "e_" + _an("resend1", 8) + "_" + _an("resend2", 24)
    eleven = "s" + "k_" + _hex("elevenlabs", 48)
    tailscale = "tskey" + "-auth-k" + _an("ts1", 11) + "CNTRL-" + _an("ts2", 33)
    fly = "fm" + "2_" + _b64("flyio", 180)
    clerk = _SK_LIVE + _an("clerk", 40)
    paypal = "E" + _b64u("paypal", 79)
    deepgram = _hex("deepgram", 40)
    pinecone = "pc" + "sk_" + _an("pine1", 5) + "_" + _an("pine2", 64)
    langsmith = "lsv2" + "_pt_" + _hex("langsmith", 32) + "_" + _hex("langsmith2", 10)
    wandb = _hex("wandb", 40)
    ngrok = "2" + _an("ngrok1", 26) + "_" + _an("ngrok2", 21)
    snyk = _uuid("snyk")
    sonar = "sq" + "u_" + _hex("sonar", 40)
    contentful = "CFP" + "AT-" + _b64u("contentful", 43)
    postman = "PM" + "AK-" + _hex("postman1", 24) + "-" + _hex("postman2", 34)
    return (
        Planted("stripe_restricted_key_env", f"STRIPE_RESTRICTED_KEY={stripe_rk}", (stripe_rk,)),
        Planted(
            "stripe_cli_listen_whsec",
            "$ stripe listen --forward-to localhost:4242/webhooks/stripe\n"
            "> Ready! You are using Stripe API Version [2024-06-20]. Your webhook signing secret is "
            f"{whsec} (^C to quit)",
            (whsec,),
        ),
        Planted(
            "sendgrid_curl_bearer",
            "curl --request POST --url https://api.sendgrid.com/v3/mail/send \\\n"
            f'  --header "Authorization: Bearer {sendgrid}" \\\n'
            "  --header 'Content-Type: application/json' --data @mail.json",
            (sendgrid,),
        ),
        Planted(
            "mailgun_requests_auth_tuple",
            'resp = requests.post("https://api.eu.mailgun.net/v3/mg.ortega-bikes.es/messages",\n'
            f'                     auth=("api", "{mailgun}"),\n'
            '                     data={"from": "Tienda <no-reply@mg.ortega-bikes.es>", "to": [to], "subject": s})',
            (mailgun,),
        ),
        Planted(
            "twilio_auth_token_exports",
            f"export TWILIO_ACCOUNT_SID={twilio_sid}\nexport TWILIO_AUTH_TOKEN={twilio_token}",
            (twilio_token,),
        ),
        Planted(
            "twilio_api_key_secret_dotenv",
            f"TWILIO_API_KEY=SK{_hex('twilio-sk', 32)}\nTWILIO_API_SECRET={twilio_api_secret}",
            (twilio_api_secret,),
        ),
        Planted(
            "postmark_server_token_header",
            "POST /email HTTP/1.1\nHost: api.postmarkapp.com\nAccept: application/json\n"
            f"X-Postmark-Server-Token: {postmark}",
            (postmark,),
        ),
        Planted(
            "datadog_helm_set_keys",
            "helm upgrade --install datadog-agent datadog/datadog -n monitoring \\\n"
            f"  --set datadog.apiKey={dd_api} --set datadog.appKey={dd_app} --set datadog.site=datadoghq.eu",
            (dd_api, dd_app),
        ),
        Planted("newrelic_user_key_env", f"NEW_RELIC_API_KEY={nrak}", (nrak,)),
        Planted(
            "newrelic_license_yml",
            f"common: &default_settings\n  license_key: '{nr_license}'\n  app_name: checkout-api (staging)",
            (nr_license,),
        ),
        Planted(
            "sentry_org_token_sentryclirc",
            f"[defaults]\norg=kowalski-labs\nproject=web\n\n[auth]\ntoken={sentry}",
            (sentry,),
        ),
        Planted("anthropic_key_exported", f"export ANTHROPIC_API_KEY='{anthropic}'", (anthropic,)),
        Planted(
            "openai_service_account_key",
            f'OPENAI_API_KEY="{openai_svc}" python scripts/eval_prompts.py --model gpt-4.1-mini',
            (openai_svc,),
        ),
        Planted(
            "huggingface_cli_login",
            f"$ huggingface-cli login --token {hf} --add-to-git-credential\n"
            "Token is valid (permission: write).\nYour token has been saved in your configured git credential helpers (store).\n"
            "Login successful",
            (hf,),
        ),
        Planted(
            "replicate_bearer_curl",
            f'curl -s -X POST -H "Authorization: Bearer {replicate}" -H "Content-Type: application/json" '
            '-d \'{"version": "5c7d5dc6", "input": {"prompt": "a lighthouse"}}\' https://api.replicate.com/v1/predictions',
            (replicate,),
        ),
        Planted(
            "groq_client_constructor",
            f'from groq import Groq\n\nclient = Groq(api_key="{groq}")\n',
            (groq,),
        ),
        Planted("cohere_key_plain_env", f"CO_API_KEY={cohere}\nCOHERE_MODEL=command-r-plus", (cohere,)),
        Planted(
            "mistral_bearer_httpie",
            f"http POST https://api.mistral.ai/v1/chat/completions 'Authorization:Bearer {mistral}' model=mistral-small-latest",
            (mistral,),
        ),
        Planted(
            "gitlab_pat_in_clone_url",
            f"git clone https://oauth2:{glpat}@gitlab.com/stadtwerke-nord/zaehler-portal.git",
            (glpat,),
        ),
        Planted(
            "gitlab_runner_register_token",
            "sudo gitlab-runner register --non-interactive --url https://gitlab.example-hosting.de "
            f'--token {glrt} --executor docker --docker-image alpine:3.20 --description "build-box-02"',
            (glrt,),
        ),
        Planted(
            "github_app_installation_token",
            f"GH_TOKEN={ghs} gh api repos/acme-robotics/firmware/releases --jq '.[0].tag_name'",
            (ghs,),
        ),
        Planted(
            "github_cli_hosts_yml",
            f"github.com:\n    users:\n        mkaur:\n            oauth_token: {gho}\n    git_protocol: https\n"
            f"    oauth_token: {gho}\n    user: mkaur",
            (gho,),
        ),
        Planted(
            "circleci_cli_yml",
            f"host: https://circleci.com\nendpoint: graphql-unstable\ntoken: {circle}\nrest_endpoint: api/v2",
            (circle,),
        ),
        Planted(
            "npm_token_npmrc",
            f"@acme:registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken={npm}\nalways-auth=true",
            (npm,),
        ),
        Planted(
            "pypi_token_twine_cli",
            f"python -m twine upload --repository pypi -u __token__ -p {pypi} dist/*",
            (pypi,),
        ),
        Planted(
            "rubygems_credentials_file",
            f"---\n:rubygems_api_key: {rubygems}",
            (rubygems,),
        ),
        Planted(
            "nuget_push_api_key",
            f"dotnet nuget push bin/Release/Acme.Telemetry.2.4.0.nupkg --api-key {nuget} "
            "--source https://api.nuget.org/v3/index.json",
            (nuget,),
        ),
        Planted(
            "dockerhub_pat_stdin",
            f"echo {dockerhub} | docker login -u acmeci --password-stdin\nLogin Succeeded",
            (dockerhub,),
        ),
        Planted(
            "slack_user_token_curl",
            f"curl -s -H 'Authorization: Bearer {xoxp}' 'https://slack.com/api/conversations.history?channel=C04QJ2B7Z&limit=5'",
            (xoxp,),
        ),
        Planted("slack_app_level_token_env", f"SLACK_APP_TOKEN={xapp}\nSLACK_SOCKET_MODE=true", (xapp,)),
        Planted(
            "discord_bot_run_call",
            f'if __name__ == "__main__":\n    bot.run("{discord}")',
            (discord,),
        ),
        Planted(
            "telegram_bot_api_url",
            f"GET https://api.telegram.org/bot{telegram}/getUpdates?offset=918273645 200 OK (143 ms)",
            (telegram,),
        ),
        Planted(
            "google_maps_script_tag",
            f'<script async src="https://maps.googleapis.com/maps/api/js?key={gmaps}&callback=initMap&libraries=places"></script>',
            (gmaps,),
        ),
        Planted("mapbox_downloads_token", f"MAPBOX_DOWNLOADS_TOKEN={mapbox}", (mapbox,)),
        Planted(
            "azure_storage_connection_string",
            'AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=https;AccountName=acmeexports;'
            f'AccountKey={azure_key};EndpointSuffix=core.windows.net"',
            (azure_key,),
        ),
        Planted(
            "aws_credentials_profile_file",
            f"[profile-ci]\naws_access_key_id = {aws_id}\naws_secret_access_key = {aws_secret}\nregion = eu-central-1",
            (aws_id, aws_secret),
        ),
        Planted(
            "digitalocean_doctl_init",
            f"doctl auth init --context staging --access-token {dop}",
            (dop,),
        ),
        Planted(
            "cloudflare_token_wrangler_inline",
            f"CLOUDFLARE_API_TOKEN={cf} npx wrangler deploy --env production",
            (cf,),
        ),
        Planted(
            "heroku_netrc_entry",
            f"machine api.heroku.com\n  login dev@fernandez.io\n  password {heroku}\n"
            f"machine git.heroku.com\n  login dev@fernandez.io\n  password {heroku}",
            (heroku,),
        ),
        Planted("vercel_cli_token_flag", f"npx vercel deploy --prod --yes --token {vercel}", (vercel,)),
        Planted("netlify_auth_token_env", f"NETLIFY_AUTH_TOKEN={netlify} netlify deploy --prod --dir=dist", (netlify,)),
        Planted(
            "shopify_admin_header",
            "curl -X GET 'https://nordic-wool.myshopify.com/admin/api/2024-07/orders.json?status=any' "
            f"-H 'X-Shopify-Access-Token: {shopify}'",
            (shopify,),
        ),
        Planted("square_access_token_env", f"SQUARE_ENVIRONMENT=production\nSQUARE_ACCESS_TOKEN={square}", (square,)),
        Planted(
            "linear_graphql_header",
            f"curl https://api.linear.app/graphql -H 'Content-Type: application/json' -H 'Authorization: {linear}' "
            '--data \'{ "query": "{ viewer { id name } }" }\'',
            (linear,),
        ),
        Planted(
            "notion_integration_token", f"NOTION_TOKEN={notion}\nNOTION_DATABASE_ID={_hex('notion-db', 32)}", (notion,)
        ),
        Planted(
            "atlassian_basic_curl",
            f"curl -s -u 'hana.novak@tiskarna.cz:{atlassian}' https://tiskarna.atlassian.net/rest/api/3/myself | jq .displayName",
            (atlassian,),
        ),
        Planted("figma_token_header", f"X-Figma-Token: {figma}", (figma,)),
        Planted(
            "pagerduty_token_header",
            f"curl -H 'Accept: application/vnd.pagerduty+json;version=2' -H 'Authorization: Token token={pagerduty}' "
            "'https://api.pagerduty.com/incidents?statuses[]=triggered'",
            (pagerduty,),
        ),
        Planted("okta_ssws_header", f"Authorization: SSWS {okta}", (okta,)),
        Planted(
            "algolia_admin_key_env",
            f"ALGOLIA_APP_ID=QX3K7ZB2PL\nALGOLIA_SEARCH_KEY=public-search-only\nALGOLIA_ADMIN_KEY={algolia}",
            (algolia,),
        ),
        Planted("mailchimp_key_with_dc", f"MAILCHIMP_API_KEY={mailchimp}", (mailchimp,)),
        Planted(
            "airtable_pat_python",
            f'api = Api("{airtable}")\ntable = api.table("appQ8xZ2k4LmN7pR1", "Inventory")',
            (airtable,),
        ),
        Planted("doppler_service_token_run", f"DOPPLER_TOKEN={doppler} doppler run -- npm start", (doppler,)),
        Planted(
            "terraform_cloud_credentials_tfrc",
            f'credentials "app.terraform.io" {{\n  token = "{tfc}"\n}}',
            (tfc,),
        ),
        Planted(
            "grafana_service_account_token",
            f'GF_TOKEN={grafana}\ncurl -H "Authorization: Bearer $GF_TOKEN" https://grafana.kowalski.pl/api/dashboards/uid/node-exp',
            (grafana,),
        ),
        Planted(
            "supabase_cli_login",
            f"supabase login --token {supabase} && supabase link --project-ref qwerty",
            (supabase,),
        ),
        Planted(
            "planetscale_password_url",
            f"DATABASE_URL='mysql://k3v9x2m7qz1p:{pscale}@aws.connect.psdb.cloud/inventory?sslaccept=strict'",
            (pscale,),
        ),
        Planted("resend_key_env", f"RESEND_API_KEY={resend}", (resend,)),
        Planted(
            "elevenlabs_header",
            "curl -X POST https://api.elevenlabs.io/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM "
            f'-H "xi-api-key: {eleven}" -H "Content-Type: application/json" -d @tts.json -o out.mp3',
            (eleven,),
        ),
        Planted(
            "tailscale_up_authkey", f"sudo tailscale up --authkey={tailscale} --advertise-tags=tag:ci", (tailscale,)
        ),
        Planted("flyio_token_env", f'FLY_API_TOKEN="FlyV1 {fly}"', (fly,)),
        Planted(
            "clerk_secret_key_env",
            "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=pk" + f"_live_Y2xlcmsuZXhhbXBsZS5jb20k\nCLERK_SECRET_KEY={clerk}",
            (clerk,),
        ),
        Planted(
            "paypal_client_secret_env",
            f"PAYPAL_CLIENT_ID=AZ{_b64u('paypal-id', 78)}\nPAYPAL_CLIENT_SECRET={paypal}",
            (paypal,),
        ),
        Planted(
            "deepgram_token_header",
            f"curl --request POST --header 'Authorization: Token {deepgram}' --data-binary @call.wav "
            "'https://api.deepgram.com/v1/listen?model=nova-2&language=es'",
            (deepgram,),
        ),
        Planted("pinecone_key_env", f"PINECONE_API_KEY={pinecone}\nPINECONE_INDEX=docs-prod", (pinecone,)),
        Planted(
            "langsmith_key_tracing_env",
            f"LANGCHAIN_TRACING_V2=true\nLANGCHAIN_API_KEY={langsmith}\nLANGCHAIN_PROJECT=agent-evals",
            (langsmith,),
        ),
        Planted(
            "wandb_login_key",
            f"$ wandb login {wandb}\nwandb: Appending key for api.wandb.ai to your netrc file: /home/ayse/.netrc",
            (wandb,),
        ),
        Planted(
            "ngrok_add_authtoken",
            f"ngrok config add-authtoken {ngrok}\nAuthtoken saved to configuration file: /Users/tomas/Library/Application Support/ngrok/ngrok.yml",
            (ngrok,),
        ),
        Planted("snyk_token_env", f"SNYK_TOKEN={snyk} snyk test --severity-threshold=high", (snyk,)),
        Planted(
            "sonar_token_scanner",
            f"sonar-scanner -Dsonar.projectKey=billing -Dsonar.host.url=https://sonar.acme.io -Dsonar.token={sonar}",
            (sonar,),
        ),
        Planted("contentful_cma_token", f"contentful login --management-token {contentful}", (contentful,)),
        Planted("postman_api_key_header", f"X-Api-Key: {postman}", (postman,)),
    )


# --------------------------------------------------------------------------------------------------
# 2. Terminal sessions: commands that take a password or a token, and what they print
# --------------------------------------------------------------------------------------------------

_URL_SAFE_SYMS = "!*.-_~"


def _terminal_sessions() -> tuple[Planted, ...]:
    mysql_pw = _human("term-mysql")
    psql_pw = _gen("term-psql", 18, _URL_SAFE_SYMS)
    pgdump_pw = _gen("term-pgdump", 24)
    mongo_pw = _an("term-mongo", 16)
    redis_pw = _b64u("term-redis", 32)
    redis_acl_pw = _human("term-redis-acl")
    sa_pw = _gen("term-sqlcmd", 16, "!#%+-.=?_~")
    ora_pw = _human("term-oracle", "#_")
    vpn_pw = _human("term-openconnect")
    ovpn_pw = _human("term-openvpn", "!.*_")
    sshpass_pw = _human("term-sshpass", "!#.*%_")
    wifi_pw = _human("term-nmcli", "!.*_")
    wpa_pw = _phrase("term-wpa", 3, "")
    wpa_psk = hashlib.pbkdf2_hmac("sha1", wpa_pw.encode(), b"Casa_Rossi", 4096, 32).hex()
    netsh_pw = _human("term-netsh", "!.?")
    rabbit_pw = _gen("term-rabbit", 22)
    rabbitadm_pw = _an("term-rabbitadm", 14)
    docker_pw = _gen("term-docker", 20, "!#%+-.=?_~")
    helm_pw = _an("term-helm", 24)
    k8s_pw = _gen("term-k8s", 20, "!#%+-.=?_~")
    grafana_pw = _an("term-grafana", 40)
    grafana_b64 = base64.b64encode(grafana_pw.encode()).decode()
    vault_tok = _HVS + "CAESI" + _b64u("term-vault", 86)
    vault_kv_pw = _gen("term-vault-kv", 26)
    _aws_id, aws_secret = _aws_pair("term-aws-configure")
    az_secret = _an("term-az", 3) + "8Q" + "~" + _pick("term-az2", 37, _ALNUM + "_-.~")
    op_pw = _gen("term-op", 32)
    bw_session = _b64("term-bw", 64)
    net_pw = _human("term-netuser", "!#.")
    cmdkey_pw = _human("term-cmdkey", "!#.*")
    ps_pw = _human("term-securestring", "!#.*?%_+")
    psexec_pw = _gen("term-psexec", 14, "!#.-_")
    snmp_auth = _an("term-snmp-auth", 16)
    snmp_priv = _an("term-snmp-priv", 16)
    ipmi_pw = _an("term-ipmi", 10)
    lftp_pw = _gen("term-lftp", 16, "!.-_")
    smb_pw = _human("term-smb", "!#.*?_+")
    cifs_pw = _human("term-cifs", "!#.*?_+")
    htpasswd_pw = _human("term-htpasswd")
    p12_pw = _gen("term-p12", 18, "!#%+-.=?_~")
    store_pw = _human("term-storepass", "!#.")
    key_pw = _gen("term-keypass", 16, "!#%+-.=?_~")
    ldap_pw = _gen("term-ldap", 16)
    mqtt_pw = _an("term-mqtt", 20)
    kafka_pw = _an("term-kafka", 32)
    influx_pw = _human("term-influx", "!#.*?%_+")
    influx_tok = _b64u("term-influx-token", 86) + "=="
    zip_pw = _human("term-zip")
    sevenz_pw = _phrase("term-7z", 5, "-")
    gpg_pw = _phrase("term-gpg", 6, " ")
    minio_access = _up("term-minio-access", 20)
    minio_secret = _an("term-minio-secret", 40)
    cred_tok = _GHP + _an("term-git-credential", 36)
    env_db = _gen("term-env-db", 20)
    env_sentry = "sntr" + "yu_" + _hex("term-env-sentry", 64)
    env_gh = _gh_classic("term-env-gh")
    keygen_pw = _phrase("term-keygen", 4, " ")
    luks_pw = _phrase("term-luks", 5, "-")
    ftp_pw = _human("term-ftp", "!.*_")
    consul_tok = _uuid("term-consul")
    pg_docker_pw = _an("term-docker-pg", 24)
    sudo_pw = _human("term-sudo")
    expect_pw = _human("term-expect", "!#.*%_+")
    cisco_pw = _gen("term-cisco", 16, "!#%+-.=_~")
    mikrotik_pw = _an("term-mikrotik", 18)
    heroku_stripe = _SK_LIVE + "51" + _an("term-heroku-stripe", 97)
    fly_pw = _an("term-fly-pg", 24)
    gh_npm = _NPM + _an("term-gh-secret", 36)
    return (
        Planted(
            "mysql_client_p_flag",
            f"$ mysql -h 10.20.0.14 -u root -p'{mysql_pw}' shop_prod -e 'SHOW TABLES;'\n"
            "mysql: [Warning] Using a password on the command line interface can be insecure.\n"
            "+---------------------+\n| Tables_in_shop_prod |\n+---------------------+\n| orders              |",
            (mysql_pw,),
        ),
        Planted(
            "psql_conninfo_url",
            f'psql "postgresql://analytics:{psql_pw}@pg-replica.internal:5432/events?sslmode=require" -c "\\dt"',
            (psql_pw,),
        ),
        Planted(
            "pgpassword_env_pg_dump",
            f"PGPASSWORD='{pgdump_pw}' pg_dump -h db-prod-1.c9xk2.eu-west-1.rds.amazonaws.com -U backup -Fc billing > billing.dump",
            (pgdump_pw,),
        ),
        Planted(
            "mongosh_srv_uri",
            f'mongosh "mongodb+srv://admin:{mongo_pw}@cluster0.ab3cd.mongodb.net/test" --apiVersion 1\n'
            "Current Mongosh Log ID: 6650f3e2a1b2c3d4e5f60718\nConnecting to: mongodb+srv://<credentials>@cluster0.ab3cd.mongodb.net/test",
            (mongo_pw,),
        ),
        Planted(
            "redis_cli_a_flag",
            f"$ redis-cli -h cache-01.internal -a {redis_pw} --no-auth-warning INFO keyspace\n# Keyspace\ndb0:keys=18213,expires=17990,avg_ttl=81234",
            (redis_pw,),
        ),
        Planted(
            "redis_cli_auth_interactive",
            f"$ redis-cli -h 127.0.0.1\n127.0.0.1:6379> AUTH worker {redis_acl_pw}\nOK\n127.0.0.1:6379> KEYS session:*\n(empty array)",
            (redis_acl_pw,),
        ),
        Planted(
            "sqlcmd_sa_password",
            f'sqlcmd -S tcp:sql01.corp.local,1433 -U sa -P "{sa_pw}" -Q "SELECT @@VERSION" -C',
            (sa_pw,),
        ),
        Planted(
            "sqlplus_easy_connect",
            f"$ sqlplus system/{ora_pw}@//ora-db.internal:1521/ORCLPDB1\n\nSQL*Plus: Release 19.0.0.0.0 - Production\nConnected to:\nOracle Database 19c Enterprise Edition",
            (ora_pw,),
        ),
        Planted(
            "openconnect_passwd_stdin",
            f"echo '{vpn_pw}' | sudo openconnect --protocol=anyconnect --user=j.meier --passwd-on-stdin vpn.uni-example.de",
            (vpn_pw,),
        ),
        Planted(
            "openvpn_auth_file_printf",
            f"printf 'jmeier\\n{ovpn_pw}\\n' > /tmp/vpn.auth && sudo openvpn --config office.ovpn --auth-user-pass /tmp/vpn.auth",
            (ovpn_pw,),
        ),
        Planted(
            "sshpass_inline",
            f"sshpass -p '{sshpass_pw}' ssh -o StrictHostKeyChecking=no pi@192.168.1.37 'uptime && df -h /'",
            (sshpass_pw,),
        ),
        Planted(
            "nmcli_wifi_connect",
            f'$ nmcli dev wifi connect "FRITZ!Box 7590 KQ" password "{wifi_pw}"\n'
            "Device 'wlp2s0' successfully activated with 'b3c2e0a4-6f1d-4c55-9a0e-2d7c1f8e9b10'.",
            (wifi_pw,),
        ),
        Planted(
            "wpa_passphrase_output",
            f'$ wpa_passphrase "Casa_Rossi" "{wpa_pw}"\nnetwork={{\n\tssid="Casa_Rossi"\n\t#psk="{wpa_pw}"\n\tpsk={wpa_psk}\n}}',
            (wpa_pw, wpa_psk),
        ),
        Planted(
            "netsh_wlan_key_clear",
            'PS C:\\Users\\fatma> netsh wlan show profile name="TurkNet_5G" key=clear\n\n'
            "Security settings\n-----------------\n    Authentication         : WPA2-Personal\n"
            f"    Cipher                 : CCMP\n    Security key           : Present\n    Key Content            : {netsh_pw}\n",
            (netsh_pw,),
        ),
        Planted(
            "rabbitmqctl_add_user",
            f"$ sudo rabbitmqctl add_user orders_svc '{rabbit_pw}'\nAdding user \"orders_svc\" ...\nDone. Don't forget to grant the user permissions to some virtual hosts!",
            (rabbit_pw,),
        ),
        Planted(
            "rabbitmqadmin_list_queues",
            f"rabbitmqadmin -H mq.internal -u admin -p {rabbitadm_pw} list queues name messages consumers",
            (rabbitadm_pw,),
        ),
        Planted(
            "docker_login_password_flag",
            f"$ docker login registry.gitlab.com -u deploy-bot -p '{docker_pw}'\n"
            "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\nLogin Succeeded",
            (docker_pw,),
        ),
        Planted(
            "helm_repo_add_credentials",
            f"helm repo add internal https://charts.acme.internal/stable --username ci-reader --password {helm_pw}",
            (helm_pw,),
        ),
        Planted(
            "kubectl_secret_from_literal",
            "kubectl create secret generic api-db -n payments --from-literal=username=payments "
            f"--from-literal=password='{k8s_pw}'",
            (k8s_pw,),
        ),
        Planted(
            "kubectl_jsonpath_base64_decode",
            '$ kubectl get secret grafana -n monitoring -o jsonpath="{.data.admin-password}"\n'
            f"{grafana_b64}\n"
            '$ kubectl get secret grafana -n monitoring -o jsonpath="{.data.admin-password}" | base64 -d; echo\n'
            f"{grafana_pw}",
            (grafana_b64, grafana_pw),
        ),
        Planted(
            "vault_login_token_output",
            f"$ vault login {vault_tok}\nSuccess! You are now authenticated.\n\nKey                  Value\n---                  -----\n"
            f"token                {vault_tok}\ntoken_accessor       {_b64u('term-vault-acc', 24)}\ntoken_duration       768h",
            (vault_tok,),
        ),
        Planted(
            "vault_kv_get_table",
            "$ vault kv get -mount=secret payments/db\n======= Secret Path =======\nsecret/data/payments/db\n\n"
            f"====== Data ======\nKey         Value\n---         -----\npassword    {vault_kv_pw}\nusername    payments_rw",
            (vault_kv_pw,),
        ),
        Planted(
            "aws_configure_set_secret",
            f"aws configure set aws_secret_access_key {aws_secret} --profile staging",
            (aws_secret,),
        ),
        Planted(
            "az_login_service_principal",
            f'az login --service-principal -u 3f2b8c1d-7a4e-4f09-b6d2-91c0e5a7f3b8 -p "{az_secret}" '
            "--tenant 72f988bf-0000-41af-91ab-2d7cd011db47",
            (az_secret,),
        ),
        Planted(
            "onepassword_op_read",
            f'$ op read "op://Private/Hetzner Robot/password"\n{op_pw}',
            (op_pw,),
        ),
        Planted(
            "bitwarden_unlock_session",
            "$ bw unlock\n? Master password: [hidden]\nYour vault is now unlocked!\n\n"
            "To unlock your vault, set your session key to the `BW_SESSION` environment variable. ex:\n"
            f'$ export BW_SESSION="{bw_session}"',
            (bw_session,),
        ),
        Planted(
            "windows_net_user_add",
            f"C:\\Windows\\system32> net user svc_backup {net_pw} /add /domain\nThe command completed successfully.",
            (net_pw,),
        ),
        Planted(
            "windows_cmdkey_add",
            f"cmdkey /add:fileserver01.corp.local /user:CORP\\jlaurent /pass:{cmdkey_pw}\n\nCMDKEY: Credential added successfully.",
            (cmdkey_pw,),
        ),
        Planted(
            "powershell_securestring_plaintext",
            f"PS> $pw = ConvertTo-SecureString '{ps_pw}' -AsPlainText -Force\n"
            'PS> $cred = New-Object System.Management.Automation.PSCredential ("CORP\\adm-okafor", $pw)',
            (ps_pw,),
        ),
        Planted(
            "psexec_credentials",
            f'PsExec64.exe \\\\WS-0142 -u CORP\\helpdesk -p {psexec_pw} -s cmd /c "ipconfig /flushdns"',
            (psexec_pw,),
        ),
        Planted(
            "snmpwalk_v3_auth_priv",
            f"snmpwalk -v3 -l authPriv -u nms -a SHA -A '{snmp_auth}' -x AES -X '{snmp_priv}' 10.0.0.1 sysDescr",
            (snmp_auth, snmp_priv),
        ),
        Planted(
            "ipmitool_lanplus",
            f"$ ipmitool -I lanplus -H 10.10.5.21 -U ADMIN -P {ipmi_pw} chassis power status\nChassis Power is on",
            (ipmi_pw,),
        ),
        Planted(
            "lftp_user_comma_password",
            f'lftp -u uploader,{lftp_pw} sftp://files.partner-logistik.de -e "cd inbound; put export.csv; bye"',
            (lftp_pw,),
        ),
        Planted(
            "smbclient_user_percent_password",
            f"smbclient //nas01/scans -U 'HOME\\marta%{smb_pw}' -c 'ls'",
            (smb_pw,),
        ),
        Planted(
            "mount_cifs_options",
            f"sudo mount -t cifs //192.168.0.10/media /mnt/media -o username=kodi,password={cifs_pw},uid=1000,vers=3.0",
            (cifs_pw,),
        ),
        Planted(
            "htpasswd_batch_create",
            f"$ sudo htpasswd -bc /etc/nginx/.htpasswd grafana '{htpasswd_pw}'\nAdding password for user grafana",
            (htpasswd_pw,),
        ),
        Planted(
            "openssl_pkcs12_passout",
            f"openssl pkcs12 -export -in fullchain.pem -inkey privkey.pem -out bundle.p12 -name api -passout 'pass:{p12_pw}'",
            (p12_pw,),
        ),
        Planted(
            "keytool_storepass_keypass",
            "keytool -genkeypair -v -keystore release.jks -alias upload -keyalg RSA -keysize 4096 -validity 10000 "
            f'-storepass "{store_pw}" -keypass "{key_pw}" -dname "CN=Ana Souza, O=Padaria Online, C=BR"',
            (store_pw, key_pw),
        ),
        Planted(
            "ldapsearch_simple_bind",
            'ldapsearch -x -H ldaps://ldap.uni-example.edu -D "cn=admin,dc=uni-example,dc=edu" '
            f'-w \'{ldap_pw}\' -b "ou=people,dc=uni-example,dc=edu" "(uid=jdoe)" mail',
            (ldap_pw,),
        ),
        Planted(
            "mosquitto_pub_credentials",
            f"mosquitto_pub -h mqtt.local -p 8883 --cafile ca.crt -u sensor-07 -P '{mqtt_pw}' -t home/garage/door -m open",
            (mqtt_pw,),
        ),
        Planted(
            "kafka_console_jaas_password",
            "kafka-console-consumer.sh --bootstrap-server b-1.msk.internal:9096 --topic orders "
            "--consumer-property security.protocol=SASL_SSL --consumer-property sasl.mechanism=SCRAM-SHA-512 "
            "--consumer-property 'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
            f'username="orders-reader" password="{kafka_pw}";\'',
            (kafka_pw,),
        ),
        Planted(
            "influx_setup_password_token",
            f"influx setup --org home --bucket sensors --username admin --password '{influx_pw}' --token {influx_tok} --force",
            (influx_pw, influx_tok),
        ),
        Planted("zip_password_flag", f"zip -r -P '{zip_pw}' invoices-2025.zip invoices/", (zip_pw,)),
        Planted(
            "sevenzip_password_flag",
            f'7z a -t7z -mhe=on -p"{sevenz_pw}" backup-photos.7z ~/Pictures/2024',
            (sevenz_pw,),
        ),
        Planted(
            "gpg_batch_passphrase",
            f"gpg --batch --yes --pinentry-mode loopback --passphrase '{gpg_pw}' -d secrets.tar.gpg | tar x",
            (gpg_pw,),
        ),
        Planted(
            "minio_mc_alias_set",
            f"$ mc alias set minio http://127.0.0.1:9000 {minio_access} {minio_secret}\nAdded `minio` successfully.",
            (minio_access, minio_secret),
        ),
        Planted(
            "git_credential_approve_printf",
            f'printf "protocol=https\\nhost=git.acme.io\\nusername=ci\\npassword={cred_tok}\\n" | git credential approve',
            (cred_tok,),
        ),
        Planted(
            "env_grep_output",
            "$ env | grep -iE 'pass|token'\n"
            f"DB_PASSWORD={env_db}\nSENTRY_AUTH_TOKEN={env_sentry}\nGITHUB_TOKEN={env_gh}\nPASSWORD_MIN_LENGTH=12",
            (env_db, env_sentry, env_gh),
        ),
        Planted(
            "ssh_keygen_new_passphrase",
            f"ssh-keygen -t ed25519 -C deploy@ci -N '{keygen_pw}' -f ~/.ssh/deploy_ed25519",
            (keygen_pw,),
        ),
        Planted(
            "cryptsetup_key_from_stdin",
            f"echo -n '{luks_pw}' | sudo cryptsetup luksOpen /dev/sdb1 backupdisk -d -",
            (luks_pw,),
        ),
        Planted(
            "curl_ftp_upload_user",
            f"curl -T rapport-mensuel.pdf ftp://ftp.partenaire.fr/incoming/ --user depot:{ftp_pw}",
            (ftp_pw,),
        ),
        Planted("consul_http_token_inline", f"CONSUL_HTTP_TOKEN={consul_tok} consul members -detailed", (consul_tok,)),
        Planted(
            "docker_run_env_password",
            f"docker run -d --name pg16 -e POSTGRES_USER=app -e POSTGRES_PASSWORD={pg_docker_pw} -p 5432:5432 postgres:16-alpine",
            (pg_docker_pw,),
        ),
        Planted("sudo_stdin_password", f"echo '{sudo_pw}' | sudo -S apt-get -y upgrade", (sudo_pw,)),
        Planted(
            "expect_spawn_ssh",
            f'expect -c \'spawn ssh admin@10.0.0.2; expect "assword:"; send "{expect_pw}\\r"; interact\'',
            (expect_pw,),
        ),
        Planted(
            "cisco_cli_username_secret",
            f"sw-core-01# configure terminal\nsw-core-01(config)# username netops privilege 15 secret {cisco_pw}\nsw-core-01(config)# end",
            (cisco_pw,),
        ),
        Planted(
            "mikrotik_user_add",
            f'[admin@MikroTik] > /user add name=backup group=full password={mikrotik_pw} comment="nightly export"',
            (mikrotik_pw,),
        ),
        Planted(
            "heroku_config_set_output",
            f"$ heroku config:set STRIPE_SECRET_KEY={heroku_stripe} -a shop-prod\n"
            f"Setting STRIPE_SECRET_KEY and restarting ⬢ shop-prod... done, v212\nSTRIPE_SECRET_KEY: {heroku_stripe}",
            (heroku_stripe,),
        ),
        Planted(
            "fly_secrets_set_url",
            f"fly secrets set DATABASE_URL=postgres://postgres:{fly_pw}@shop-db.flycast:5432/shop?sslmode=disable -a shop",
            (fly_pw,),
        ),
        Planted("gh_secret_set_body", f'gh secret set NPM_TOKEN --repo acme/ui-kit --body "{gh_npm}"', (gh_npm,)),
    )


# --------------------------------------------------------------------------------------------------
# 3. Configuration formats
# --------------------------------------------------------------------------------------------------

_WP_SYMS = "!#$%&()*+,-./:;<=>?@[]^_{|}~"


def _config_formats() -> tuple[Planted, ...]:
    env_db = _gen("cfg-env-db", 22)
    env_session = _hex("cfg-env-session", 64)
    env_mail = _human("cfg-env-mail", "!#.*?%_+")
    spring_pw = _gen("cfg-spring", 20, "!#%+-.=?_~")
    toml_pw = _human("cfg-toml")
    odbc_pw = _gen("cfg-odbc", 16, "!#%+-.?_~")
    appsettings_pw = _gen("cfg-appsettings", 24, "!#%+-.?_~")
    maven_pw = _an("cfg-maven", 28)
    tf_pw = _gen("cfg-terraform", 24)
    gradle_signing = _human("cfg-gradle-sign")
    gradle_ossrh = _an("cfg-gradle-ossrh", 44)
    nginx_pw = _human("cfg-nginx", "!#.*?%_+")
    nginx_b64 = _basic("metrics", nginx_pw)
    apache_key = _hex("cfg-apache", 40)
    systemd_tok = _an("cfg-systemd-tok", 40)
    systemd_pw = _human("cfg-systemd-pw", "!#.*?%_+")
    compose_root = _an("cfg-compose-root", 20)
    compose_app = _human("cfg-compose-app", "!#.*?%_+")
    k8s_string = _gen("cfg-k8s-stringdata", 24, "!#%+-.=?_~")
    k8s_key = _an("cfg-k8s-data", 32)
    k8s_key_b64 = base64.b64encode(k8s_key.encode()).decode()
    helm_pg = _an("cfg-helm-pg", 16)
    helm_app = _an("cfg-helm-app", 16)
    ansible_become = _human("cfg-ansible", "!#.*?%_+")
    cisco7 = _hex("cfg-cisco7", 22).upper()
    snmp_rw = _an("cfg-snmp-rw", 14)
    juniper9 = "$9$" + _pick("cfg-junos", 30, _ALNUM + "./-")
    wpa_conf_pw = _human("cfg-wpa-supplicant", "!#.*?%_+")
    pgpass_pw = _gen("cfg-pgpass", 20, "!#%+-.=?_~")
    netrc_tok = _gh_classic("cfg-netrc")
    pypirc_tok = _PYPI + "AgENdGVzdC5weXBpLm9yZw" + _b64u("cfg-pypirc", 140)
    pip_pw = _an("cfg-pip", 24)
    docker_auth = _basic("ci-bot", _GHP + _an("cfg-docker-config", 36))
    rclone_id, rclone_secret = _aws_pair("cfg-rclone")
    s3cfg_id, s3cfg_secret = _aws_pair("cfg-s3cfg")
    kube_jwt = _jwt(
        "cfg-kube",
        {
            "iss": "kubernetes/serviceaccount",
            "kubernetes.io/serviceaccount/namespace": "ci",
            "sub": "system:serviceaccount:ci:deployer",
        },
        alg="RS256",
        sig_len=342,
    )
    mycnf_pw = _human("cfg-mycnf", "!#.*?%_+")
    redis_require = _b64u("cfg-redis-require", 48)
    redis_master = _b64u("cfg-redis-master", 48)
    pgb_pw = _gen("cfg-pgbouncer", 20, "!#%+-.=?_~")
    wp_db = _human("cfg-wp-db", "!#.*?%_+")
    wp_auth = _pick("cfg-wp-auth", 64, _ALNUM + _WP_SYMS)
    wp_salt = _pick("cfg-wp-salt", 64, _ALNUM + _WP_SYMS)
    django_key = _pick("cfg-django", 50, string.ascii_lowercase + string.digits + "!@#%^&*(-_=+)")
    rails_pw = _human("cfg-rails", "!#.*?%_+")
    grafana_admin = _human("cfg-grafana-admin", "!#.*?%_+")
    grafana_secret = _an("cfg-grafana-secret", 32)
    prom_pw = _an("cfg-prom", 24)
    am_hook = _slack_hook("cfg-alertmanager")
    haproxy_pw = _human("cfg-haproxy", "!#.*?%_+")
    supervisor_pw = _an("cfg-supervisor", 12)
    radius_secret = _an("cfg-radius", 18)
    ipsec_psk = _b64("cfg-ipsec", 24)
    postfix_sg = _SG + _b64u("cfg-postfix-a", 22) + "." + _b64u("cfg-postfix-b", 43)
    app_pw_raw = _pick("cfg-msmtp", 16, string.ascii_lowercase)
    app_pw = " ".join(app_pw_raw[i : i + 4] for i in range(0, 16, 4))
    fetch_pw = _human("cfg-fetchmail", "!#.*?%_+")
    gha_key = _an("cfg-gha", 40)
    gitlab_sonar = "sq" + "p_" + _hex("cfg-gitlab-sonar", 40)
    logstash_pw = _an("cfg-logstash", 20)
    fluent_pw = _an("cfg-fluentbit", 20)
    kibana_pw = _gen("cfg-kibana", 20, "!#%+-.=?_~")
    ovpn_pw = _human("cfg-ovpn-inline", "!#.*?%_+")
    vrrp_pw = _an("cfg-keepalived", 8)
    sip_pw = _an("cfg-asterisk", 16)
    composer_pw = _hex("cfg-composer", 40)
    composer_gh = _GHO + _an("cfg-composer-gh", 36)
    yarn_tok = _NPM + _an("cfg-yarnrc", 36)
    cargo_tok = "ci" + "o" + _an("cfg-cargo", 32)
    nuget_pw = _an("cfg-nuget-config", 52)
    hg_pw = _human("cfg-hgrc", "!#.*?%_+")
    ha_wifi = _human("cfg-ha-wifi", "!#.*?%_+")
    ha_mqtt = _an("cfg-ha-mqtt", 20)
    esp_wifi = _human("cfg-esphome-wifi", "!#.*?%_+")
    esp_ota = _hex("cfg-esphome-ota", 32)
    esp_api = _b64("cfg-esphome-api", 32)
    uci_key = _human("cfg-openwrt", "!#.*?%_+")
    return (
        Planted(
            "dotenv_mixed_quoting",
            f'APP_ENV=production\nDB_HOST=10.0.4.12\nDB_PASSWORD="{env_db}"\nSESSION_SECRET={env_session}\n'
            f"MAIL_USERNAME=ventas@ferreteria-lopez.mx\nMAIL_PASSWORD='{env_mail}'",
            (env_db, env_session, env_mail),
        ),
        Planted(
            "spring_application_yml",
            "spring:\n  datasource:\n    url: jdbc:postgresql://pg.internal:5432/ledger\n    username: ledger_app\n"
            f"    password: '{spring_pw}'\n  jpa:\n    open-in-view: false",
            (spring_pw,),
        ),
        Planted(
            "toml_app_config",
            f'[server]\nport = 8080\n\n[database]\nurl = "postgres://db.lan/inventar"\nuser = "inventar"\npassword = "{toml_pw}"',
            (toml_pw,),
        ),
        Planted(
            "odbc_ini_pwd",
            f"[Reporting]\nDriver=ODBC Driver 18 for SQL Server\nServer=tcp:bi-sql.corp.local,1433\nDatabase=DWH\nUID=report_reader\nPWD={odbc_pw}",
            (odbc_pw,),
        ),
        Planted(
            "dotnet_appsettings_connection",
            '{\n  "ConnectionStrings": {\n    "Default": "Server=sql-prod;Database=Clinic;User Id=clinic_app;'
            f'Password={appsettings_pw};TrustServerCertificate=True"\n  }},\n  "Logging": {{ "LogLevel": {{ "Default": "Warning" }} }}\n}}',
            (appsettings_pw,),
        ),
        Planted(
            "maven_settings_server",
            "<settings>\n  <servers>\n    <server>\n      <id>nexus-releases</id>\n      <username>deploy</username>\n"
            f"      <password>{maven_pw}</password>\n    </server>\n  </servers>\n</settings>",
            (maven_pw,),
        ),
        Planted(
            "terraform_provider_password",
            f'provider "postgresql" {{\n  host     = "pg.internal"\n  username = "terraform"\n  password = "{tf_pw}"\n  sslmode  = "require"\n}}',
            (tf_pw,),
        ),
        Planted(
            "gradle_properties_signing",
            f"org.gradle.jvmargs=-Xmx4g\nsigning.keyId=4F2A9C1E\nsigning.password={gradle_signing}\n"
            f"signing.secretKeyRingFile=/home/ci/.gnupg/secring.gpg\nossrhUsername=acme-release\nossrhPassword={gradle_ossrh}",
            (gradle_signing, gradle_ossrh),
        ),
        Planted(
            "nginx_proxy_basic_header",
            f'location /metrics/ {{\n    proxy_pass http://127.0.0.1:9100/;\n    proxy_set_header Authorization "Basic {nginx_b64}";\n}}',
            (nginx_b64,),
        ),
        Planted(
            "apache_request_header_key",
            f'<Location "/api">\n    RequestHeader set X-Api-Key "{apache_key}"\n    ProxyPass "http://backend:8000/api"\n</Location>',
            (apache_key,),
        ),
        Planted(
            "systemd_environment_lines",
            f'[Service]\nUser=bot\nEnvironment="API_TOKEN={systemd_tok}"\nEnvironment=DB_PASS={systemd_pw}\nExecStart=/opt/bot/bin/bot',
            (systemd_tok, systemd_pw),
        ),
        Planted(
            "docker_compose_environment",
            "services:\n  db:\n    image: mariadb:11\n    environment:\n"
            f'      MARIADB_ROOT_PASSWORD: {compose_root}\n      MARIADB_USER: shop\n      MARIADB_PASSWORD: "{compose_app}"',
            (compose_root, compose_app),
        ),
        Planted(
            "k8s_secret_stringdata",
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ledger-db\ntype: Opaque\nstringData:\n"
            f'  username: ledger\n  password: "{k8s_string}"',
            (k8s_string,),
        ),
        Planted(
            "k8s_secret_data_base64",
            f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: geocoder\ndata:\n  api-key: {k8s_key_b64}",
            (k8s_key_b64,),
        ),
        Planted(
            "helm_values_postgresql_auth",
            f"postgresql:\n  enabled: true\n  auth:\n    postgresPassword: {helm_pg}\n    username: keycloak\n    password: {helm_app}\n    database: keycloak",
            (helm_pg, helm_app),
        ),
        Planted(
            "ansible_group_vars_become",
            f"ansible_user: deploy\nansible_become: true\nansible_become_password: '{ansible_become}'",
            (ansible_become,),
        ),
        Planted(
            "cisco_running_config_type7",
            f"hostname br-rtr-02\n!\nusername admin privilege 15 password 7 {cisco7}\n!\nsnmp-server community {snmp_rw} RW 10\n"
            "snmp-server community public RO",
            (cisco7, snmp_rw),
        ),
        Planted(
            "junos_encrypted_password",
            f'set system login user ops class super-user authentication encrypted-password "{juniper9}"',
            (juniper9,),
        ),
        Planted(
            "wpa_supplicant_conf",
            f'ctrl_interface=/var/run/wpa_supplicant\nnetwork={{\n    ssid="Biblioteca-Staff"\n    psk="{wpa_conf_pw}"\n    key_mgmt=WPA-PSK\n}}',
            (wpa_conf_pw,),
        ),
        Planted("pgpass_line", f"db.internal:5432:*:reporter:{pgpass_pw}", (pgpass_pw,)),
        Planted("netrc_github_line", f"machine github.com login octo-ci password {netrc_tok}", (netrc_tok,)),
        Planted(
            "pypirc_testpypi",
            f"[distutils]\nindex-servers =\n    testpypi\n\n[testpypi]\nrepository = https://test.pypi.org/legacy/\nusername = __token__\npassword = {pypirc_tok}",
            (pypirc_tok,),
        ),
        Planted(
            "pip_conf_index_url_credentials",
            f"[global]\nindex-url = https://pypi-reader:{pip_pw}@nexus.acme.internal/repository/pypi-all/simple\ntimeout = 60",
            (pip_pw,),
        ),
        Planted(
            "docker_config_json_auth",
            f'{{\n\t"auths": {{\n\t\t"ghcr.io": {{\n\t\t\t"auth": "{docker_auth}"\n\t\t}}\n\t}},\n\t"credsStore": ""\n}}',
            (docker_auth,),
        ),
        Planted(
            "rclone_conf_s3",
            f"[wasabi]\ntype = s3\nprovider = Wasabi\naccess_key_id = {rclone_id}\nsecret_access_key = {rclone_secret}\nendpoint = s3.eu-central-2.wasabisys.com",
            (rclone_id, rclone_secret),
        ),
        Planted(
            "s3cfg_keys",
            f"[default]\naccess_key = {s3cfg_id}\nhost_base = s3.amazonaws.com\nsecret_key = {s3cfg_secret}\nuse_https = True",
            (s3cfg_id, s3cfg_secret),
        ),
        Planted(
            "kubeconfig_user_token",
            f"users:\n- name: ci-deployer\n  user:\n    token: {kube_jwt}\ncontexts:\n- context:\n    cluster: prod\n    user: ci-deployer",
            (kube_jwt,),
        ),
        Planted("my_cnf_client_section", f'[client]\nuser=root\npassword="{mycnf_pw}"\nhost=127.0.0.1', (mycnf_pw,)),
        Planted(
            "redis_conf_requirepass",
            f"bind 0.0.0.0\nprotected-mode yes\nrequirepass {redis_require}\nmasterauth {redis_master}\nmaxmemory 2gb",
            (redis_require, redis_master),
        ),
        Planted("pgbouncer_userlist", f'"app" "{pgb_pw}"\n"stats" "md5{_hex("cfg-pgb-md5", 32)}"', (pgb_pw,)),
        Planted(
            "wordpress_wp_config",
            f"define( 'DB_NAME', 'wp_blog' );\ndefine( 'DB_USER', 'wp_blog' );\ndefine( 'DB_PASSWORD', '{wp_db}' );\n"
            f"define( 'AUTH_KEY',         '{wp_auth}' );\ndefine( 'SECURE_AUTH_SALT', '{wp_salt}' );",
            (wp_db, wp_auth, wp_salt),
        ),
        Planted(
            "django_settings_secret_key",
            f"DEBUG = False\nSECRET_KEY = '{django_key}'\nALLOWED_HOSTS = ['shop.example.ch']",
            (django_key,),
        ),
        Planted(
            "rails_database_yml_default",
            f'production:\n  <<: *default\n  database: app_production\n  password: <%= ENV.fetch("DATABASE_PASSWORD") {{ "{rails_pw}" }} %>',
            (rails_pw,),
        ),
        Planted(
            "grafana_ini_security",
            f"[security]\nadmin_user = admin\nadmin_password = {grafana_admin}\nsecret_key = {grafana_secret}\ncookie_secure = true",
            (grafana_admin, grafana_secret),
        ),
        Planted(
            "prometheus_scrape_basic_auth",
            f"scrape_configs:\n  - job_name: pushgateway\n    basic_auth:\n      username: prom\n      password: {prom_pw}\n    static_configs:\n      - targets: ['pgw:9091']",
            (prom_pw,),
        ),
        Planted(
            "alertmanager_slack_api_url",
            f"global:\n  resolve_timeout: 5m\n  slack_api_url: '{am_hook}'\nroute:\n  receiver: ops-slack",
            (am_hook,),
        ),
        Planted(
            "haproxy_stats_auth",
            f"listen stats\n    bind *:8404\n    stats enable\n    stats uri /\n    stats auth admin:{haproxy_pw}",
            (haproxy_pw,),
        ),
        Planted(
            "supervisord_inet_http",
            f"[inet_http_server]\nport=*:9001\nusername=admin\npassword={supervisor_pw}",
            (supervisor_pw,),
        ),
        Planted(
            "freeradius_client_secret",
            f"client office-aps {{\n    ipaddr = 10.20.0.0/24\n    secret = {radius_secret}\n    shortname = aps\n}}",
            (radius_secret,),
        ),
        Planted("strongswan_ipsec_secrets_psk", f'%any 203.0.113.5 : PSK "{ipsec_psk}"', (ipsec_psk,)),
        Planted("postfix_sasl_passwd", f"[smtp.sendgrid.net]:587 apikey:{postfix_sg}", (postfix_sg,)),
        Planted(
            "msmtprc_gmail_app_password",
            f"defaults\nauth on\ntls on\n\naccount gmail\nhost smtp.gmail.com\nport 587\nfrom yuki.tanaka.dev@gmail.com\n"
            f"user yuki.tanaka.dev@gmail.com\npassword {app_pw}\n\naccount default : gmail",
            (app_pw,),
        ),
        Planted(
            "fetchmailrc_poll",
            f'poll imap.gmx.net protocol IMAP\n    user "k.schneider@gmx.de" there with password "{fetch_pw}" is kathi here\n    ssl',
            (fetch_pw,),
        ),
        Planted(
            "github_actions_hardcoded_env",
            "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n"
            f"      DEPLOY_API_KEY: {gha_key}\n      NODE_ENV: production\n    steps:\n      - uses: actions/checkout@v4",
            (gha_key,),
        ),
        Planted(
            "gitlab_ci_variables_block",
            f'variables:\n  SONAR_HOST_URL: "https://sonar.acme.io"\n  SONAR_TOKEN: "{gitlab_sonar}"\n  GIT_DEPTH: "0"',
            (gitlab_sonar,),
        ),
        Planted(
            "logstash_output_elasticsearch",
            f'output {{\n  elasticsearch {{\n    hosts => ["https://es01:9200"]\n    user => "logstash_writer"\n    password => "{logstash_pw}"\n  }}\n}}',
            (logstash_pw,),
        ),
        Planted(
            "fluentbit_output_es",
            f"[OUTPUT]\n    Name        es\n    Match       kube.*\n    Host        es.logging.svc\n    HTTP_User   fluent\n    HTTP_Passwd {fluent_pw}\n    tls         On",
            (fluent_pw,),
        ),
        Planted(
            "kibana_yml_password",
            f'server.host: "0.0.0.0"\nelasticsearch.hosts: ["https://es01:9200"]\nelasticsearch.username: "kibana_system"\nelasticsearch.password: "{kibana_pw}"',
            (kibana_pw,),
        ),
        Planted(
            "openvpn_inline_auth_user_pass",
            f"client\ndev tun\nproto udp\nremote vpn.hausverwaltung-kraus.de 1194\n<auth-user-pass>\nmkraus\n{ovpn_pw}\n</auth-user-pass>",
            (ovpn_pw,),
        ),
        Planted(
            "keepalived_vrrp_auth_pass",
            f"vrrp_instance VI_1 {{\n    state MASTER\n    interface eth0\n    virtual_router_id 51\n    authentication {{\n"
            f"        auth_type PASS\n        auth_pass {vrrp_pw}\n    }}\n}}",
            (vrrp_pw,),
        ),
        Planted(
            "asterisk_sip_conf_secret",
            f"[1001]\ntype=friend\ncontext=office\nhost=dynamic\nsecret={sip_pw}\ndisallow=all\nallow=alaw",
            (sip_pw,),
        ),
        Planted(
            "composer_auth_json",
            f'{{\n    "http-basic": {{\n        "repo.packagist.com": {{\n            "username": "token",\n            "password": "{composer_pw}"\n'
            f'        }}\n    }},\n    "github-oauth": {{\n        "github.com": "{composer_gh}"\n    }}\n}}',
            (composer_pw, composer_gh),
        ),
        Planted(
            "yarnrc_yml_npm_auth",
            f'npmScopes:\n  acme:\n    npmRegistryServer: "https://registry.npmjs.org"\n    npmAuthToken: "{yarn_tok}"',
            (yarn_tok,),
        ),
        Planted("cargo_credentials_toml", f'[registry]\ntoken = "{cargo_tok}"', (cargo_tok,)),
        Planted(
            "nuget_config_cleartext_password",
            '<packageSourceCredentials>\n  <AcmeFeed>\n    <add key="Username" value="az" />\n'
            f'    <add key="ClearTextPassword" value="{nuget_pw}" />\n  </AcmeFeed>\n</packageSourceCredentials>',
            (nuget_pw,),
        ),
        Planted(
            "mercurial_hgrc_auth",
            f"[auth]\nbb.prefix = https://hg.example.org/\nbb.username = pieter\nbb.password = {hg_pw}",
            (hg_pw,),
        ),
        Planted(
            "home_assistant_secrets_yaml",
            f'wifi_ssid: "Huis van Dijk"\nwifi_password: "{ha_wifi}"\nmqtt_user: homeassistant\nmqtt_password: {ha_mqtt}\nlatitude: 52.09',
            (ha_wifi, ha_mqtt),
        ),
        Planted(
            "esphome_device_yaml",
            f'wifi:\n  ssid: "IoT-2G"\n  password: "{esp_wifi}"\n\nota:\n  - platform: esphome\n    password: "{esp_ota}"\n\n'
            f'api:\n  encryption:\n    key: "{esp_api}"',
            (esp_wifi, esp_ota, esp_api),
        ),
        Planted(
            "openwrt_uci_wireless",
            f"config wifi-iface 'default_radio0'\n\toption device 'radio0'\n\toption network 'lan'\n\toption mode 'ap'\n"
            f"\toption ssid 'OpenWrt-Home'\n\toption encryption 'psk2'\n\toption key '{uci_key}'",
            (uci_key,),
        ),
    )


# --------------------------------------------------------------------------------------------------
# 4. Source code
# --------------------------------------------------------------------------------------------------


def _source_code() -> tuple[Planted, ...]:
    psy_pw = _gen("src-psycopg", 20, "!#%+-.=?_~")
    django_db_pw = _human("src-django-db")
    sqla_pw = _an("src-sqlalchemy", 18)
    boto_id, boto_secret = _aws_pair("src-boto3")
    requests_pw = _human("src-requests-auth")
    fixture_tok = _GH_FINE + "11" + _up("src-fixture-a", 20) + "_" + _an("src-fixture-b", 59)
    smtp_pw = _human("src-smtplib")
    paramiko_pw = _gen("src-paramiko", 16)
    redis_pw = _an("src-redis-py", 32)
    jwt_secret = _b64u("src-jwt-secret", 48)
    flask_secret = _hex("src-flask", 48)
    js_key = _hex("src-fetch-key", 32)
    ts_stripe = _SK_LIVE + "51" + _an("src-ts-stripe", 97)
    ts_webhook = _WHSEC + _an("src-ts-whsec", 32)
    mongoose_pw = _an("src-mongoose", 16)
    nodemailer_pw = _human("src-nodemailer")
    go_pw = _human("src-go-struct")
    go_dsn_pw = _gen("src-go-dsn", 18, "!#%+-.=?_~")
    go_key = _an("src-go-const", 40)
    rust_tok = _GLPAT + _b64u("src-rust-const", 20)
    rust_pw = _human("src-rust-reqwest")
    java_ds_pw = _gen("src-java-ds", 20)
    jdbc_pw = _human("src-jdbc")
    kotlin_secret = _b64("src-kotlin", 32)
    cs_pw = _gen("src-csharp-connstr", 22, "!#%+-.?_~")
    cs_cred_pw = _human("src-networkcredential")
    php_pdo_pw = _human("src-pdo")
    laravel_pw = _gen("src-laravel-default", 18, "!#%+-.=?_~")
    ruby_stripe = _SK_LIVE + _an("src-ruby-stripe", 99)
    ruby_basic_pw = _human("src-ruby-basic")
    swift_key = _an("src-swift", 39)
    swift_kc_pw = _human("src-swift-keychain")
    elixir_pw = _an("src-elixir", 24)
    lua_pw = _an("src-lua-redis", 20)
    bash_pw = _gen("src-bash-mysqldump", 20, "!#%+-.=?_~")
    pwsh_pw = _human("src-pwsh-cred")
    sql_pg_pw = _gen("src-sql-pg", 20, "!#%+-.=?_~")
    sql_mssql_pw = _gen("src-sql-mssql", 20, "!#%+-.=?_~")
    sql_mysql_pw = _human("src-sql-mysql")
    perl_pw = _human("src-perl")
    r_pw = _gen("src-r", 18, "!#%+-.=?_~")
    scala_tok = _HVS + "CAESI" + _b64u("src-scala", 86)
    dart_key = _AIZA + "Sy" + _b64u("src-dart", 33)
    arduino_pw = _human("src-arduino", "!#.*?%_+")
    arduino_mqtt = _an("src-arduino-mqtt", 16)
    curl_c_pw = _human("src-curl-c")
    spring_default = _gen("src-spring-value", 16, "!#%+-.?_~")
    ts_default = _b64u("src-ts-default", 44)
    py_default = _an("src-py-getenv", 40)
    go_fallback = _hex("src-go-fallback", 40)
    comment_pw = _human("src-comment")
    jest_key = _SK_TEST + "51" + _an("src-jest", 97)
    graphql_tok = _GHP + _an("src-graphql-codegen", 36)
    hs_pw = _human("src-haskell")
    cpp_key = _hex("src-cpp-aes", 64)
    zig_tok = _an("src-zig", 32)
    return (
        Planted(
            "python_psycopg2_connect",
            'conn = psycopg2.connect(\n    host="db.internal",\n    dbname="warehouse",\n    user="etl",\n'
            f'    password="{psy_pw}",\n    connect_timeout=10,\n)',
            (psy_pw,),
        ),
        Planted(
            "python_django_databases",
            "DATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.postgresql',\n        'NAME': 'clinica',\n"
            f"        'USER': 'clinica',\n        'PASSWORD': '{django_db_pw}',\n        'HOST': 'localhost',\n    }}\n}}",
            (django_db_pw,),
        ),
        Planted(
            "python_sqlalchemy_create_engine",
            f'engine = create_engine("mysql+pymysql://shop:{sqla_pw}@10.0.3.7:3306/shop?charset=utf8mb4", pool_pre_ping=True)',
            (sqla_pw,),
        ),
        Planted(
            "python_boto3_client_keys",
            's3 = boto3.client(\n    "s3",\n    region_name="eu-west-3",\n'
            f'    aws_access_key_id="{boto_id}",\n    aws_secret_access_key="{boto_secret}",\n)',
            (boto_id, boto_secret),
        ),
        Planted(
            "python_requests_httpbasicauth",
            f'r = requests.get(f"{{BASE}}/api/v2/reports", auth=HTTPBasicAuth("svc-report", "{requests_pw}"), timeout=30)',
            (requests_pw,),
        ),
        Planted(
            "python_pytest_fixture_token",
            f'@pytest.fixture\ndef gh_token() -> str:\n    # real token, scoped to the sandbox org\n    return "{fixture_tok}"',
            (fixture_tok,),
        ),
        Planted(
            "python_smtplib_login",
            'with smtplib.SMTP_SSL("smtp.web.de", 465) as server:\n'
            f'    server.login("rechnungen-baeckerei@web.de", "{smtp_pw}")\n    server.send_message(msg)',
            (smtp_pw,),
        ),
        Planted(
            "python_paramiko_connect",
            f'ssh = paramiko.SSHClient()\nssh.set_missing_host_key_policy(paramiko.AutoAddPolicy())\nssh.connect("10.1.1.5", username="deploy", password="{paramiko_pw}")',
            (paramiko_pw,),
        ),
        Planted(
            "python_redis_constructor",
            f'cache = redis.Redis(host="redis-17342.c1.eu-west-1.ec2.redns.redis-cloud.com", port=17342, password="{redis_pw}", decode_responses=True)',
            (redis_pw,),
        ),
        Planted(
            "python_pyjwt_encode_secret",
            f'JWT_SECRET = "{jwt_secret}"\n\ndef make_token(uid: int) -> str:\n    return jwt.encode({{"sub": uid}}, JWT_SECRET, algorithm="HS256")',
            (jwt_secret,),
        ),
        Planted(
            "python_flask_secret_key", f'app = Flask(__name__)\napp.secret_key = "{flask_secret}"', (flask_secret,)
        ),
        Planted(
            "javascript_fetch_api_key_header",
            "const res = await fetch(`${API}/v1/forecast?lat=${lat}&lon=${lon}`, {\n"
            f"  headers: {{ 'x-api-key': '{js_key}', accept: 'application/json' }},\n}});",
            (js_key,),
        ),
        Planted(
            "typescript_config_object",
            f'export const config = {{\n  stripe: {{\n    secretKey: "{ts_stripe}",\n    webhookSecret: "{ts_webhook}",\n  }},\n'
            '  currency: "eur",\n} as const;',
            (ts_stripe, ts_webhook),
        ),
        Planted(
            "node_mongoose_connect",
            f"await mongoose.connect('mongodb://admin:{mongoose_pw}@mongo-0.mongo,mongo-1.mongo/app?replicaSet=rs0&authSource=admin');",
            (mongoose_pw,),
        ),
        Planted(
            "node_nodemailer_transport",
            "const transporter = nodemailer.createTransport({\n  host: 'smtp.office365.com',\n  port: 587,\n"
            f"  auth: {{ user: 'reservas@hotel-miramar.pt', pass: '{nodemailer_pw}' }},\n}});",
            (nodemailer_pw,),
        ),
        Planted(
            "go_struct_literal_password",
            f'cfg := &ftp.Config{{\n\tHost:     "ftp.lager-sued.de:21",\n\tUser:     "edi",\n\tPassword: "{go_pw}",\n\tTimeout:  30 * time.Second,\n}}',
            (go_pw,),
        ),
        Planted(
            "go_sql_open_dsn",
            f'db, err := sql.Open("mysql", "orders:{go_dsn_pw}@tcp(127.0.0.1:3306)/orders?parseTime=true")',
            (go_dsn_pw,),
        ),
        Planted("go_const_api_key", f'const openWeatherKey = "{go_key}"', (go_key,)),
        Planted("rust_const_token", f'const GITLAB_TOKEN: &str = "{rust_tok}";', (rust_tok,)),
        Planted(
            "rust_reqwest_basic_auth",
            f'let resp = client\n    .get("https://nexus.internal/service/rest/v1/components")\n    .basic_auth("ci", Some("{rust_pw}"))\n    .send()\n    .await?;',
            (rust_pw,),
        ),
        Planted(
            "java_datasource_setters",
            f'HikariConfig cfg = new HikariConfig();\ncfg.setJdbcUrl("jdbc:postgresql://pg:5432/pay");\ncfg.setUsername("pay");\ncfg.setPassword("{java_ds_pw}");',
            (java_ds_pw,),
        ),
        Planted(
            "java_drivermanager_connection",
            f'Connection c = DriverManager.getConnection("jdbc:oracle:thin:@//ora:1521/HR", "hr_app", "{jdbc_pw}");',
            (jdbc_pw,),
        ),
        Planted("kotlin_private_val_secret", f'private val hmacSecret = "{kotlin_secret}"', (kotlin_secret,)),
        Planted(
            "csharp_connection_string_literal",
            f'var cs = "Server=tcp:acme-sql.database.windows.net,1433;Initial Catalog=crm;User ID=crm_app;Password={cs_pw};Encrypt=True;";',
            (cs_pw,),
        ),
        Planted(
            "csharp_network_credential",
            f'client.Credentials = new NetworkCredential("svc-scan", "{cs_cred_pw}", "CORP");',
            (cs_cred_pw,),
        ),
        Planted(
            "php_pdo_constructor",
            f"$pdo = new PDO('mysql:host=localhost;dbname=tienda;charset=utf8mb4', 'tienda', '{php_pdo_pw}');",
            (php_pdo_pw,),
        ),
        Planted(
            "php_laravel_env_default",
            f"'mysql' => [\n    'driver' => 'mysql',\n    'username' => env('DB_USERNAME', 'forge'),\n    'password' => env('DB_PASSWORD', '{laravel_pw}'),\n],",
            (laravel_pw,),
        ),
        Planted("ruby_stripe_api_key", f"require 'stripe'\nStripe.api_key = '{ruby_stripe}'", (ruby_stripe,)),
        Planted(
            "ruby_net_http_basic_auth",
            f'req = Net::HTTP::Get.new(uri)\nreq.basic_auth "jenkins", "{ruby_basic_pw}"\nres = http.request(req)',
            (ruby_basic_pw,),
        ),
        Planted(
            "swift_let_api_key", f'enum Secrets {{\n    static let weatherAPIKey = "{swift_key}"\n}}', (swift_key,)
        ),
        Planted(
            "swift_keychain_set_test",
            f'func testStoresPassword() throws {{\n    try keychain.set("{swift_kc_pw}", key: "db.password")\n}}',
            (swift_kc_pw,),
        ),
        Planted(
            "elixir_repo_config",
            f'config :shop, Shop.Repo,\n  username: "postgres",\n  password: "{elixir_pw}",\n  hostname: "db",\n  pool_size: 10',
            (elixir_pw,),
        ),
        Planted(
            "lua_resty_redis_auth",
            f'local red = redis:new()\nred:connect("127.0.0.1", 6379)\nlocal ok, err = red:auth("{lua_pw}")',
            (lua_pw,),
        ),
        Planted(
            "bash_script_mysqldump",
            f"#!/usr/bin/env bash\nset -euo pipefail\nDB_PASS='{bash_pw}'\nmysqldump -u backup -p\"$DB_PASS\" --all-databases | gzip > /backup/all-$(date +%F).sql.gz",
            (bash_pw,),
        ),
        Planted(
            "powershell_pscredential_script",
            f'$secure = ConvertTo-SecureString "{pwsh_pw}" -AsPlainText -Force\n'
            '$cred = [pscredential]::new("CORP\\svc-sched", $secure)\nInvoke-Command -ComputerName APP07 -Credential $cred -ScriptBlock { Restart-Service W3SVC }',
            (pwsh_pw,),
        ),
        Planted(
            "sql_postgres_create_role",
            f"CREATE ROLE reporting LOGIN PASSWORD '{sql_pg_pw}' VALID UNTIL '2027-01-01';",
            (sql_pg_pw,),
        ),
        Planted(
            "sql_mssql_alter_login",
            f"ALTER LOGIN [sa] WITH PASSWORD = N'{sql_mssql_pw}', CHECK_POLICY = OFF;",
            (sql_mssql_pw,),
        ),
        Planted(
            "sql_mysql_identified_by",
            f"CREATE USER 'wp'@'%' IDENTIFIED BY '{sql_mysql_pw}';\nGRANT ALL PRIVILEGES ON wp.* TO 'wp'@'%';",
            (sql_mysql_pw,),
        ),
        Planted(
            "perl_dbi_connect",
            f'my $dbh = DBI->connect("dbi:Pg:dbname=inventory;host=db", "inv", "{perl_pw}", {{ RaiseError => 1 }});',
            (perl_pw,),
        ),
        Planted(
            "r_dbconnect_password",
            f'con <- dbConnect(RPostgres::Postgres(), dbname = "survey", host = "10.8.0.4",\n                 user = "analyst", password = "{r_pw}")',
            (r_pw,),
        ),
        Planted("scala_val_vault_token", f'val vaultToken = "{scala_tok}"', (scala_tok,)),
        Planted("dart_const_maps_key", f"const String kMapsApiKey = '{dart_key}';", (dart_key,)),
        Planted(
            "arduino_wifi_credentials",
            f'const char* ssid     = "Werkstatt";\nconst char* password = "{arduino_pw}";\nconst char* mqtt_pass = "{arduino_mqtt}";',
            (arduino_pw, arduino_mqtt),
        ),
        Planted(
            "c_libcurl_userpwd",
            f'curl_easy_setopt(curl, CURLOPT_URL, "ftp://ftp.lab.local/upload/");\ncurl_easy_setopt(curl, CURLOPT_USERPWD, "lab:{curl_c_pw}");',
            (curl_c_pw,),
        ),
        Planted(
            "java_spring_value_default",
            f'@Value("${{mail.smtp.password:{spring_default}}}")\nprivate String smtpPassword;',
            (spring_default,),
        ),
        Planted(
            "typescript_env_fallback", f'const jwtSecret = process.env.JWT_SECRET ?? "{ts_default}";', (ts_default,)
        ),
        Planted("python_getenv_default", f'API_KEY = os.getenv("GEOCODER_API_KEY", "{py_default}")', (py_default,)),
        Planted(
            "go_getenv_fallback",
            f'token := os.Getenv("HETZNER_TOKEN")\nif token == "" {{\n\ttoken = "{go_fallback}"\n}}',
            (go_fallback,),
        ),
        Planted(
            "code_comment_password",
            f"def rotate_backups():\n    # NOTE: prod NAS login is admin / {comment_pw} (ask Piet before changing)\n    ...",
            (comment_pw,),
        ),
        Planted(
            "jest_setup_env_assignment",
            f"// jest.setup.ts\nprocess.env.STRIPE_SECRET_KEY = '{jest_key}';\nprocess.env.NODE_ENV = 'test';",
            (jest_key,),
        ),
        Planted(
            "graphql_codegen_headers",
            f"const config: CodegenConfig = {{\n  schema: [{{ 'https://api.github.com/graphql': {{ headers: {{ Authorization: 'Bearer {graphql_tok}' }} }} }}],\n}};",
            (graphql_tok,),
        ),
        Planted(
            "haskell_connect_info",
            f'conn <- connect defaultConnectInfo\n  {{ connectHost = "db", connectUser = "hs", connectPassword = "{hs_pw}" }}',
            (hs_pw,),
        ),
        Planted(
            "cpp_aes_key_array_hex",
            f'static const std::string kLicenseAesKey = "{cpp_key}"; // AES-256',
            (cpp_key,),
        ),
        Planted("zig_const_token", f'const api_token: []const u8 = "{zig_tok}";', (zig_tok,)),
    )


# --------------------------------------------------------------------------------------------------
# 5. Logs and HTTP traffic
# --------------------------------------------------------------------------------------------------


def _logs_http() -> tuple[Planted, ...]:
    curl_basic_pw = _human("log-curl-basic", "!#.*?%_+")
    curl_basic = _basic("jenkins-ro", curl_basic_pw)
    curl_bearer = _GLPAT + _b64u("log-curl-bearer", 20)
    raw_cookie = _b64u("log-raw-cookie", 43)
    raw_csrf = _b64u("log-raw-csrf", 32)
    set_cookie = _jwt("log-set-cookie", {"sub": "u_81231", "sid": _hex("log-sid", 16), "exp": 1767225600})
    oauth_access = _b64u("log-oauth-access", 64)
    oauth_refresh = _b64u("log-oauth-refresh", 64)
    client_secret = _b64u("log-client-secret", 40)
    nginx_tok = _an("log-nginx-token", 32)
    apache_key = _hex("log-apache-key", 32)
    har_tok = _jwt("log-har", {"sub": "4412", "role": "admin", "iat": 1764000000}, alg="RS256", sig_len=342)
    mitm_pw = _human("log-mitm-form")
    mitm_pw_enc = urllib.parse.quote_plus(mitm_pw)
    requests_dbg = _GHO + _an("log-requests-debug", 36)
    urllib3_pw = _an("log-urllib3", 14)
    locals_pw = _gen("log-traceback-locals", 18)
    locals_key = _SK_LIVE + _an("log-traceback-key", 99)
    node_pw = _an("log-node-mongo", 16)
    spring_pw = _gen("log-spring-env", 20)
    amqp_pw = _an("log-amqp", 20)
    mysql_general_pw = _human("log-mysql-general")
    pg_log_pw = _gen("log-pg-statement", 18, "!#%+-.=?_~")
    mongo_log_pw = _an("log-mongo-createuser", 20)
    redis_monitor_pw = _b64u("log-redis-monitor", 32)
    docker_build_tok = _NPM + _an("log-docker-build", 36)
    gha_log_pw = _human("log-gha")
    jenkins_pw = _an("log-jenkins", 16)
    tf_plan_pw = _gen("log-terraform-plan", 24)
    ansible_pw = _human("log-ansible")
    aws_dbg_id = _ASIA + _up("log-aws-debug-id", 16)
    aws_dbg_token = "IQoJb3JpZ2luX2VjE" + _b64("log-aws-session", 240).rstrip("=")
    presign_token = "IQoJb3JpZ2luX2VjE" + _b64("log-presign-session", 180).rstrip("=")
    presign_token_enc = urllib.parse.quote(presign_token, safe="")
    sas_sig = urllib.parse.quote(_b64("log-azure-sas", 32), safe="")
    gcs_sig = _hex("log-gcs-sig", 512)
    wss_tok = _b64u("log-wss", 40)
    grpc_tok = _jwt("log-grpc", {"sub": "svc-billing", "aud": "ledger"})
    sudo_pw = _human("log-sudo-auth")
    audit_pw = _human("log-auditd", "!#.*%_+")
    audit_hex = ("-p" + audit_pw).encode().hex().upper()
    celery_pw = _an("log-celery", 24)
    sqla_key = _b64u("log-sqlalchemy-param", 40)
    laravel_key = "base64:" + _b64("log-laravel-app-key", 32)
    smtp_pw = _human("log-smtp-auth")
    smtp_plain = base64.b64encode(f"\0alerts@bauhaus-kiel.de\0{smtp_pw}".encode()).decode()
    smtp_login_pw = _human("log-smtp-login")
    smtp_login_b64 = base64.b64encode(smtp_login_pw.encode()).decode()
    ftp_pw = _human("log-ftp-session")
    imap_pw = _human("log-imap")
    proxy_pw = _an("log-proxy-auth", 16)
    proxy_basic = _basic("branch-07", proxy_pw)
    rdkafka_pw = _an("log-rdkafka", 32)
    supa_service = _jwt(
        "log-supabase",
        {"iss": "supabase", "ref": "qzxkplmnbvcx", "role": "service_role", "iat": 1714000000, "exp": 2029576000},
    )
    envoy_key = _hex("log-envoy", 40)
    ws_frame_tok = _b64u("log-ws-frame", 48)
    return (
        Planted(
            "curl_verbose_basic_auth",
            "*   Trying 10.4.2.9:8080...\n* Connected to ci.internal (10.4.2.9) port 8080\n> GET /job/release/api/json HTTP/1.1\n"
            f"> Host: ci.internal:8080\n> Authorization: Basic {curl_basic}\n> User-Agent: curl/8.5.0\n> Accept: */*\n>\n< HTTP/1.1 200 OK",
            (curl_basic,),
        ),
        Planted(
            "curl_verbose_bearer",
            f"> POST /api/v4/projects/412/pipeline HTTP/2\n> Host: gitlab.com\n> authorization: Bearer {curl_bearer}\n> content-length: 17\n>\n< HTTP/2 201",
            (curl_bearer,),
        ),
        Planted(
            "raw_http_request_cookie",
            f"GET /account/orders HTTP/1.1\r\nHost: shop.example.it\r\nCookie: _ga=GA1.2.1234567890.1700000000; sessionid={raw_cookie}; csrftoken={raw_csrf}\r\n"
            "Accept-Language: it-IT,it;q=0.9\r\n",
            (raw_cookie, raw_csrf),
        ),
        Planted(
            "http_response_set_cookie",
            f"HTTP/1.1 302 Found\nLocation: /dashboard\nSet-Cookie: auth={set_cookie}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=86400",
            (set_cookie,),
        ),
        Planted(
            "oauth_token_response_json",
            f'{{"access_token":"{oauth_access}","token_type":"Bearer","expires_in":3599,"refresh_token":"{oauth_refresh}","scope":"openid email offline_access"}}',
            (oauth_access, oauth_refresh),
        ),
        Planted(
            "oauth_client_credentials_body",
            "POST /oauth2/v2.0/token HTTP/1.1\nHost: login.microsoftonline.com\nContent-Type: application/x-www-form-urlencoded\n\n"
            f"grant_type=client_credentials&client_id=5d1c3a9e-8f2b-4e7d-a6c0-1b9f2e3d4c5a&client_secret={client_secret}&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default",
            (client_secret,),
        ),
        Planted(
            "nginx_access_log_query_token",
            f'203.0.113.77 - - [14/Nov/2026:09:12:44 +0100] "GET /export/download?file=q3.csv&token={nginx_tok} HTTP/1.1" 200 88213 "-" "Mozilla/5.0"',
            (nginx_tok,),
        ),
        Planted(
            "apache_access_log_api_key",
            f'10.0.0.8 - - [02/Oct/2026:17:03:11 +0000] "POST /v1/sms/send?api_key={apache_key}&to=%2B4915112345678 HTTP/1.1" 202 41',
            (apache_key,),
        ),
        Planted(
            "har_entry_authorization",
            '"request": {\n  "method": "GET",\n  "url": "https://admin.klinikum-app.de/api/patients?page=2",\n  "headers": [\n'
            f'    {{ "name": "authorization", "value": "Bearer {har_tok}" }},\n    {{ "name": "accept", "value": "application/json" }}\n  ]\n}}',
            (har_tok,),
        ),
        Planted(
            "mitmproxy_form_login",
            "POST https://portal.stadtwerke-beispiel.de/login\n    Content-Type: application/x-www-form-urlencoded\n"
            f"    username=h.becker&password={mitm_pw_enc}&remember=on\n << 302 Found 0b",
            (mitm_pw_enc,),
        ),
        Planted(
            "python_http_client_debug_send",
            f"send: b'GET /user/repos?per_page=100 HTTP/1.1\\r\\nHost: api.github.com\\r\\nUser-Agent: python-requests/2.32.3\\r\\n"
            f"Authorization: token {requests_dbg}\\r\\nAccept: */*\\r\\n\\r\\n'\nreply: 'HTTP/1.1 200 OK\\r\\n'",
            (requests_dbg,),
        ),
        Planted(
            "urllib3_debug_url_credentials",
            f"DEBUG:urllib3.connectionpool:Starting new HTTPS connection (1): elastic:{urllib3_pw}@es.logging.internal:9200\n"
            'DEBUG:urllib3.connectionpool:https://es.logging.internal:9200 "GET /_cluster/health HTTP/1.1" 200 389',
            (urllib3_pw,),
        ),
        Planted(
            "python_traceback_with_locals",
            'Traceback (most recent call last):\n  File "/srv/app/billing/charge.py", line 88, in charge\n    resp = stripe.Charge.create(**params)\n'
            f"    ╭─ locals ─╮\n    │ db_password = '{locals_pw}' │\n    │ api_key = '{locals_key}' │\n"
            "stripe.error.CardError: Request req_Q8x: Your card was declined.",
            (locals_pw, locals_key),
        ),
        Planted(
            "node_error_with_connection_uri",
            f"MongoServerSelectionError: connect ECONNREFUSED 10.2.0.5:27017\n    at Timeout._onTimeout (/app/node_modules/mongodb/lib/sdam/topology.js:278:38)\n"
            f"  uri: 'mongodb://root:{node_pw}@10.2.0.5:27017/admin?authSource=admin',\n  reason: TopologyDescription {{ type: 'Unknown' }}",
            (node_pw,),
        ),
        Planted(
            "spring_boot_env_dump_log",
            "2026-11-02T08:14:55.201Z DEBUG 1 --- [main] o.s.b.c.c.ConfigDataEnvironment : Property source 'application-prod.yml' "
            f"spring.datasource.username=ledger, spring.datasource.password={spring_pw}, server.port=8080",
            (spring_pw,),
        ),
        Planted(
            "k8s_pod_log_amqp_url",
            f"2026-11-27 22:01:13,004 INFO  worker.main: connecting to broker amqp://orders:{amqp_pw}@rabbitmq.messaging.svc:5672/orders\n"
            "2026-11-27 22:01:13,118 INFO  worker.main: connected, consuming from queue 'orders.created'",
            (amqp_pw,),
        ),
        Planted(
            "mysql_general_query_log",
            "2026-11-20T10:22:31.114905Z\t   41 Connect\troot@localhost on  using Socket\n"
            f"2026-11-20T10:22:31.115201Z\t   41 Query\tALTER USER 'shop'@'%' IDENTIFIED BY '{mysql_general_pw}'",
            (mysql_general_pw,),
        ),
        Planted(
            "postgres_statement_log",
            f"2026-11-20 10:30:02.411 UTC [2217] postgres@app LOG:  statement: ALTER ROLE app_rw WITH PASSWORD '{pg_log_pw}';",
            (pg_log_pw,),
        ),
        Planted(
            "mongodb_json_log_createuser",
            '{"t":{"$date":"2026-11-21T07:01:44.219+00:00"},"s":"I","c":"COMMAND","id":51803,"ctx":"conn12","msg":"Slow query",'
            f'"attr":{{"type":"command","ns":"admin.$cmd","command":{{"createUser":"reporting","pwd":"{mongo_log_pw}","roles":["read"]}}}}}}',
            (mongo_log_pw,),
        ),
        Planted(
            "redis_monitor_auth",
            f'1764320011.482913 [0 10.0.0.5:51234] "AUTH" "{redis_monitor_pw}"\n1764320011.483101 [0 10.0.0.5:51234] "GET" "session:81f2"',
            (redis_monitor_pw,),
        ),
        Planted(
            "docker_buildkit_log_npmrc",
            f'#7 [builder 4/9] RUN echo "//registry.npmjs.org/:_authToken={docker_build_tok}" > .npmrc && npm ci\n#7 3.218 added 812 packages in 3s',
            (docker_build_tok,),
        ),
        Planted(
            "github_actions_log_unmasked",
            "2026-11-26T12:00:03.1183440Z ##[group]Run ./scripts/deploy.sh\n"
            f"2026-11-26T12:00:03.2291021Z + sshpass -p {gha_log_pw} rsync -az dist/ deploy@web-01:/var/www/app\n2026-11-26T12:00:05.0011233Z ##[endgroup]",
            (gha_log_pw,),
        ),
        Planted(
            "jenkins_console_set_x",
            f"[Pipeline] sh\n+ curl -fsS -u deploy:{jenkins_pw} -T target/app-2.3.1.war 'http://tomcat-02:8080/manager/text/deploy?path=/app&update=true'\nOK - Deployed application at context path [/app]",
            (jenkins_pw,),
        ),
        Planted(
            "terraform_plan_output",
            '  # aws_db_instance.main will be created\n  + resource "aws_db_instance" "main" {\n      + engine   = "postgres"\n'
            f'      + username = "master"\n      + password = "{tf_plan_pw}"\n    }}',
            (tf_plan_pw,),
        ),
        Planted(
            "ansible_vvv_host_vars",
            'ok: [web-03] => {\n    "hostvars[inventory_hostname]": {\n        "ansible_host": "10.1.4.23",\n'
            f'        "ansible_password": "{ansible_pw}",\n        "ansible_user": "Administrator"\n    }}\n}}',
            (ansible_pw,),
        ),
        Planted(
            "aws_cli_debug_headers",
            "2026-11-25 14:02:11,229 - MainThread - botocore.endpoint - DEBUG - Sending http request: <AWSPreparedRequest stream_output=False, "
            f"method=POST, url=https://sts.amazonaws.com/, headers={{'X-Amz-Security-Token': b'{aws_dbg_token}', "
            f"'Authorization': b'AWS4-HMAC-SHA256 Credential={aws_dbg_id}/20261125/us-east-1/sts/aws4_request'}}>",
            (aws_dbg_token, aws_dbg_id),
        ),
        Planted(
            "s3_presigned_url_session_token",
            "https://acme-exports.s3.eu-west-1.amazonaws.com/2026/11/ledger.parquet?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            f"&X-Amz-Credential={_ASIA}{_up('log-presign-id', 16)}%2F20261128%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20261128T101500Z"
            f"&X-Amz-Expires=3600&X-Amz-Security-Token={presign_token_enc}&X-Amz-Signature={_hex('log-presign-sig', 64)}&X-Amz-SignedHeaders=host",
            (presign_token_enc,),
        ),
        Planted(
            "azure_blob_sas_url",
            "https://acmebackups.blob.core.windows.net/db/full-20261127.bak?sv=2022-11-02&ss=b&srt=co&sp=rwdlac"
            f"&se=2027-06-30T18:00:00Z&st=2026-11-27T10:00:00Z&spr=https&sig={sas_sig}",
            (sas_sig,),
        ),
        Planted(
            "gcs_signed_url_signature",
            "https://storage.googleapis.com/ml-datasets-eu/train.tfrecord?X-Goog-Algorithm=GOOG4-RSA-SHA256"
            "&X-Goog-Credential=loader%40ml-prod.iam.gserviceaccount.com%2F20261128%2Fauto%2Fstorage%2Fgoog4_request"
            f"&X-Goog-Date=20261128T093000Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host&X-Goog-Signature={gcs_sig}",
            (gcs_sig,),
        ),
        Planted(
            "websocket_url_token_log",
            f"[ws] connecting to wss://realtime.tablero.app/socket/websocket?token={wss_tok}&vsn=2.0.0\n[ws] joined room:lobby",
            (wss_tok,),
        ),
        Planted(
            "grpc_metadata_debug",
            f"I1128 09:14:02.331 grpc_client.go:88] outgoing metadata: map[authorization:[Bearer {grpc_tok}] x-request-id:[7c1e]]",
            (grpc_tok,),
        ),
        Planted(
            "auth_log_sudo_command",
            f"Nov 28 03:12:01 db01 sudo:   backup : TTY=unknown ; PWD=/home/backup ; USER=root ; COMMAND=/usr/bin/mysql -uroot -p{sudo_pw} -e FLUSH LOGS",
            (sudo_pw,),
        ),
        Planted(
            "auditd_execve_hex_arg",
            f'type=EXECVE msg=audit(1764299521.118:4412): argc=3 a0="mysql" a1="-uroot" a2={audit_hex}',
            (audit_hex,),
        ),
        Planted(
            "celery_worker_banner",
            f"-------------- celery@worker-7d9f v5.4.0 (opalescent)\n--- ***** -----\n-- ******* ---- Linux-6.8.0-x86_64 2026-11-28 10:01:22\n"
            f"- ** ---------- [config]\n- ** ---------- .> app:         shop:0x7f3a\n- ** ---------- .> transport:   redis://:{celery_pw}@redis-master:6379/0",
            (celery_pw,),
        ),
        Planted(
            "sqlalchemy_echo_params",
            "INFO sqlalchemy.engine.Engine INSERT INTO integrations (tenant_id, provider, api_key) VALUES (%(tenant_id)s, %(provider)s, %(api_key)s)\n"
            f"INFO sqlalchemy.engine.Engine [generated in 0.00031s] {{'tenant_id': 42, 'provider': 'mapbox', 'api_key': '{sqla_key}'}}",
            (sqla_key,),
        ),
        Planted(
            "laravel_ignition_env_dump",
            f'APP_NAME="Reservas"\nAPP_ENV=local\nAPP_KEY={laravel_key}\nAPP_DEBUG=true\nAPP_URL=http://localhost',
            (laravel_key,),
        ),
        Planted(
            "smtp_session_auth_plain",
            f"<<< 250-AUTH PLAIN LOGIN\n>>> AUTH PLAIN {smtp_plain}\n<<< 235 2.7.0 Authentication successful",
            (smtp_plain,),
        ),
        Planted(
            "smtp_session_auth_login",
            f">>> AUTH LOGIN\n<<< 334 VXNlcm5hbWU6\n>>> bm9yZXBseUBrYW56bGVpLmF0\n<<< 334 UGFzc3dvcmQ6\n>>> {smtp_login_b64}\n<<< 235 Authentication succeeded",
            (smtp_login_b64,),
        ),
        Planted(
            "ftp_session_transcript",
            f"220 ProFTPD Server (Lager) [192.168.10.4]\nUSER lieferant\n331 Password required for lieferant\nPASS {ftp_pw}\n230 User lieferant logged in",
            (ftp_pw,),
        ),
        Planted(
            "imap_login_transcript",
            f'* OK [CAPABILITY IMAP4rev1] Dovecot ready.\na1 LOGIN "m.rossi@studiolegale.it" "{imap_pw}"\na1 OK Logged in',
            (imap_pw,),
        ),
        Planted(
            "squid_proxy_authorization",
            f"CONNECT api.partner.com:443 HTTP/1.1\nHost: api.partner.com:443\nProxy-Authorization: Basic {proxy_basic}\nProxy-Connection: Keep-Alive",
            (proxy_basic,),
        ),
        Planted(
            "librdkafka_debug_config",
            f"%7|1764321000.112|CONFWARN|rdkafka#producer-1| [thrd:app]: sasl.username = orders-svc\n"
            f"%7|1764321000.112|CONF|rdkafka#producer-1| [thrd:app]: sasl.password = {rdkafka_pw}",
            (rdkafka_pw,),
        ),
        Planted(
            "browser_console_supabase_client",
            f"[supabase] createClient('https://qzxkplmnbvcx.supabase.co', '{supa_service}')\n  auth: {{persistSession: false}}",
            (supa_service,),
        ),
        Planted(
            "envoy_access_log_header",
            f'[2026-11-28T10:11:12.000Z] "POST /v2/charges HTTP/2" 200 - 214 512 38 36 "10.0.8.1" "okhttp/4.12.0" "{envoy_key}" "pay.internal" "10.0.9.12:8443"',
            (envoy_key,),
        ),
        Planted(
            "devtools_websocket_frame",
            f'↑ {{"type":"connection_init","payload":{{"headers":{{"x-hasura-admin-secret":"{ws_frame_tok}"}}}}}}\n↓ {{"type":"connection_ack"}}',
            (ws_frame_tok,),
        ),
    )


# --------------------------------------------------------------------------------------------------
# 6. People telling the agent a secret
# --------------------------------------------------------------------------------------------------


def _user_chat() -> tuple[Planted, ...]:
    h = _human
    p = {name: h("chat-" + name) for name in (
        "en_label", "en_nolabel", "en_after", "en_usual", "en_pair1", "en_pair2", "en_typo", "en_login",
        "en_backtick", "en_wrong", "en_right", "de", "de_informal", "fr", "fr_mdp", "es", "es_clave",
        "pt_br", "pt_pt", "it", "nl", "pl", "ru", "tr", "ja", "zh", "zh_tw", "ko", "vi", "id", "sv",
        "cs", "fi", "ar", "he", "hi", "el", "hu", "ro", "no", "th", "da",
    )}  # fmt: skip
    gh = _gh_classic("chat-gh")
    oops = _OPENAI_PROJ + _b64u("chat-oops", 48) + "T3Blbk" + "FJ" + _b64u("chat-oops2", 48)
    tg = _digits("chat-tg", 10) + ":AA" + _b64u("chat-tg", 33)
    mixed_tok = _GLPAT + _b64u("chat-mixed", 20)
    keepass = _phrase("chat-keepass", 5, " ")
    sim_pin = _pin("chat-sim", 6)
    puk = _pin("chat-puk", 8)
    env_ant = _ANT + "api03-" + _b64u("chat-env-ant", 93) + "AA"
    env_db = _gen("chat-env-db", 20)
    umlaut = "Schneeglöckchen" + _digits("chat-umlaut", 2) + "§"
    gen_en = _gen("chat-gen-en", 24)
    wifi_digits = _digits("chat-wifi-digits", 12)
    hetzner = _an("chat-hetzner", 64)
    return (
        Planted(
            "chat_en_labelled",
            f"the staging db password is {p['en_label']}, can you connect and check why the migrations hang?",
            (p["en_label"],),
        ),
        Planted("chat_en_no_label", f"ok try {p['en_nolabel']}", (p["en_nolabel"],)),
        Planted("chat_en_label_after", f"{p['en_after']} <- thats the admin pw for the router", (p["en_after"],)),
        Planted(
            "chat_en_the_usual_one",
            f"just use the usual one for root on all the raspis ({p['en_usual']})",
            (p["en_usual"],),
        ),
        Planted(
            "chat_en_two_pairs",
            f"ftp user is lieferant / {p['en_pair1']} and the mysql one is shop:{p['en_pair2']}",
            (p["en_pair1"], p["en_pair2"]),
        ),
        Planted("chat_en_typo_label", f"pasword for teh vpn is {p['en_typo']} (capital first letter)", (p["en_typo"],)),
        Planted("chat_en_github_token", f"here's my github token {gh} - only repo scope, should be enough", (gh,)),
        Planted("chat_en_oops_ignore", f"oops pasted the wrong thing, ignore {oops} I'll rotate it later", (oops,)),
        Planted(
            "chat_en_login_and_pass",
            f"my login is anna.k and pass {p['en_login']}, ssh into 10.0.0.4 and restart nginx pls",
            (p["en_login"],),
        ),
        Planted(
            "chat_en_backticks", f"set `DB_PASS` to `{p['en_backtick']}` in the .env and rerun", (p["en_backtick"],)
        ),
        Planted(
            "chat_en_correction",
            f"no wait, it's {p['en_right']} not {p['en_wrong']} — I changed it last week",
            (p["en_right"], p["en_wrong"]),
        ),
        Planted(
            "chat_de_formal",
            f"Das Passwort für den NAS-Admin ist {p['de']}, bitte nicht ins Repo committen.",
            (p["de"],),
        ),
        Planted("chat_de_informal", f"pw is {p['de_informal']} glaub ich, probier mal", (p["de_informal"],)),
        Planted(
            "chat_fr_formal",
            f"Le mot de passe de la base de prod c'est {p['fr']}, l'utilisateur c'est app_prod.",
            (p["fr"],),
        ),
        Planted("chat_fr_mdp_abbrev", f"mdp : {p['fr_mdp']} (le même que d'hab)", (p["fr_mdp"],)),
        Planted("chat_es_wifi", f"La contraseña del wifi de la oficina es {p['es']} por si la necesitas", (p["es"],)),
        Planted("chat_es_clave", f"clave del servidor: {p['es_clave']} usuario root", (p["es_clave"],)),
        Planted("chat_pt_br_senha", f"a senha do banco é {p['pt_br']}, usuário postgres, valeu!", (p["pt_br"],)),
        Planted("chat_pt_pt_palavra_passe", f"Palavra-passe do portal das Finanças: {p['pt_pt']}", (p["pt_pt"],)),
        Planted("chat_it_ftp", f"la password dell'FTP è {p['it']}, utente fornitore", (p["it"],)),
        Planted("chat_nl_wachtwoord", f"wachtwoord van de testomgeving is {p['nl']}, gebruiker is beheer", (p["nl"],)),
        Planted("chat_pl_haslo", f"hasło do serwera to {p['pl']}, login: admin", (p["pl"],)),
        Planted("chat_ru_parol", f"пароль от базы: {p['ru']}, логин reporter", (p["ru"],)),
        Planted("chat_uk_bot_token", f"ось токен для бота: {tg} — не світи його ніде", (tg,)),
        Planted("chat_tr_sifre", f"veritabanı şifresi {p['tr']} kullanıcı adı da root", (p["tr"],)),
        Planted("chat_ja_password", f"本番DBのパスワードは「{p['ja']}」です。ユーザーは app です。", (p["ja"],)),
        Planted("chat_zh_mima", f"数据库密码是 {p['zh']}，用户名 root", (p["zh"],)),
        Planted("chat_zh_tw_mima", f"伺服器密碼：{p['zh_tw']}（帳號是 admin）", (p["zh_tw"],)),
        Planted("chat_ko_bimilbeonho", f"관리자 비밀번호는 {p['ko']} 입니다", (p["ko"],)),
        Planted("chat_vi_mat_khau", f"mật khẩu admin là {p['vi']} nhé", (p["vi"],)),
        Planted("chat_id_password_nya", f"password nya {p['id']} ya, username admin", (p["id"],)),
        Planted("chat_sv_losenord", f"lösenordet till routern är {p['sv']}", (p["sv"],)),
        Planted("chat_cs_heslo", f"heslo k databázi je {p['cs']}", (p["cs"],)),
        Planted("chat_fi_salasana", f"salasana on {p['fi']}, käyttäjä on pääkäyttäjä", (p["fi"],)),
        Planted("chat_ar_kalimat_murur", f"كلمة المرور للخادم هي {p['ar']} واسم المستخدم admin", (p["ar"],)),
        Planted("chat_he_sisma", f"הסיסמה לשרת היא {p['he']}", (p["he"],)),
        Planted("chat_hi_password", f"सर्वर का पासवर्ड {p['hi']} है", (p["hi"],)),
        Planted("chat_el_kodikos", f"ο κωδικός για το wifi είναι {p['el']}", (p["el"],)),
        Planted("chat_hu_jelszo", f"a jelszó: {p['hu']} (kis és nagybetű számít)", (p["hu"],)),
        Planted("chat_ro_parola", f"parola de la server e {p['ro']}", (p["ro"],)),
        Planted("chat_no_passord", f"passordet til admin-kontoen er {p['no']}", (p["no"],)),
        Planted("chat_th_rahat", f"รหัสผ่านคือ {p['th']} นะครับ", (p["th"],)),
        Planted("chat_da_adgangskode", f"adgangskoden er {p['da']} – brugernavn: drift", (p["da"],)),
        Planted("chat_es_en_code_switch", f"bro el token es {mixed_tok} lol, no lo subas", (mixed_tok,)),
        Planted("chat_en_passphrase_quoted", f"the keepass master is '{keepass}' don't judge", (keepass,)),
        Planted(
            "chat_en_sim_pin_puk",
            f"for the LTE stick: PIN {sim_pin}, PUK {puk} (it's locked after 3 tries)",
            (sim_pin, puk),
        ),
        Planted(
            "chat_en_pasted_env",
            f"here's my .env, something's off:\n\nANTHROPIC_API_KEY={env_ant}\nDATABASE_PASSWORD={env_db}\nDEBUG=1",
            (env_ant, env_db),
        ),
        Planted("chat_de_umlaut_password", f"Passwort ist {umlaut} (mit ö und Paragraph am Ende)", (umlaut,)),
        Planted("chat_en_generated_from_manager", f"copied from bitwarden: {gen_en}", (gen_en,)),
        Planted("chat_en_wifi_digits", f"guest wifi key is {wifi_digits}, the SSID is Gaeste", (wifi_digits,)),
        Planted("chat_en_hetzner_token_context", f"hetzner cloud api token (read/write): {hetzner}", (hetzner,)),
    )


# --------------------------------------------------------------------------------------------------
# 7. The agent's own replies
# --------------------------------------------------------------------------------------------------


def _agent_prose() -> tuple[Planted, ...]:
    g = _gen
    used_pw = _human("prose-used")
    tbl_graf = g("prose-table-grafana", 18)
    tbl_pg = g("prose-table-pg", 20)
    tbl_rabbit = _an("prose-table-rabbit", 16)
    iam_id, iam_secret = _aws_pair("prose-iam")
    bold_pw = _human("prose-bold")
    italic_tok = _an("prose-italic", 40)
    recap_pw = _b64u("prose-recap", 32)
    used_tok = _GHP + _an("prose-used-token", 36)
    block_tok = _HVS + "CAESI" + _b64u("prose-codeblock", 86)
    once_pw = g("prose-once", 24)
    rotated = "sk-" + "ant-admin01-" + _b64u("prose-rotated", 93) + "AA"
    dbeaver_pw = g("prose-dbeaver", 18, _URL_SAFE_SYMS)
    env_secret = _b64u("prose-env-secret", 50)
    old_pw = _human("prose-old")
    new_pw = g("prose-new", 22)
    verified_pw = _human("prose-verified")
    emoji_pw1 = g("prose-emoji-1", 16)
    emoji_pw2 = _an("prose-emoji-2", 32)
    audit_hook = _slack_hook("prose-audit-hook")
    qr_pw = _human("prose-qr", "!#.*%_+")
    steps_pw = _human("prose-steps")
    fr_pw = _human("prose-fr")
    de_tok = _GLPAT + _b64u("prose-de", 20)
    kc_secret = _an("prose-keycloak", 32)
    totp = _b32("prose-totp", 32)
    codes = tuple(f"{_low('prose-code' + str(i), 5)}-{_low('prose-code2' + str(i), 5)}" for i in range(8))
    minted = _jwt("prose-minted", {"sub": "test-user", "role": "admin", "exp": 1764330000})
    tok_bad = _an("prose-tok-bad", 32)
    tok_good = _an("prose-tok-good", 32)
    basic_pw = _human("prose-basic-decoded")
    mysql_user_pw = g("prose-mysql-user", 20)
    html_tok = (
        "xo" + "xb-" + _digits("prose-html1", 12) + "-" + _digits("prose-html2", 13) + "-" + _an("prose-html3", 24)
    )
    quoted_pw = _human("prose-quoted")
    env_tbl_stripe = _SK_LIVE + _an("prose-env-table", 99)
    env_tbl_mail = _an("prose-env-table-mail", 32)
    es_pw = _human("prose-es")
    ja_tok = _an("prose-ja", 40)
    inline_kv = g("prose-inline-kv", 18)
    random_hex = _hex("prose-random-hex", 64)
    su_pw = g("prose-superuser", 16)
    ssh_phrase = _phrase("prose-ssh-phrase", 5, " ")
    minio_a = _up("prose-minio-a", 20)
    minio_s = _an("prose-minio-s", 40)
    again_key = _an("prose-again", 32)
    strike_old = _an("prose-strike-old", 24)
    strike_new = _an("prose-strike-new", 24)
    footnote_tok = _NPM + _an("prose-footnote", 36)
    mermaid_tok = _an("prose-mermaid", 40)
    todo_key = _AIZA + "Sy" + _b64u("prose-todo", 33)
    return (
        Planted(
            "prose_i_connected_with",
            f"I connected as `app` with the password `{used_pw}` and the migration `0042_add_invoice_index` ran without errors.",
            (used_pw,),
        ),
        Planted(
            "prose_markdown_credentials_table",
            "Here is what the stack uses now:\n\n| Service | User | Password |\n|---|---|---|\n"
            f"| Grafana | admin | {tbl_graf} |\n| Postgres | keycloak | `{tbl_pg}` |\n| RabbitMQ | orders | {tbl_rabbit} |",
            (tbl_graf, tbl_pg, tbl_rabbit),
        ),
        Planted(
            "prose_bullets_iam_user",
            "Done:\n- Created the IAM user `ci-deploy` with the `DeployOnly` policy\n"
            f"- Access key ID: `{iam_id}`\n- Secret access key: `{iam_secret}`\n- Stored both as GitHub secrets",
            (iam_id, iam_secret),
        ),
        Planted("prose_bold_label", f"**Password:** {bold_pw}\n**Host:** db.internal:5432", (bold_pw,)),
        Planted(
            "prose_italic_value",
            f"The webhook *token* is _{italic_tok}_, it goes in the `X-Token` header.",
            (italic_tok,),
        ),
        Planted(
            "prose_recap_redis",
            f"To recap: Redis now requires a password (`requirepass {recap_pw}` in `/etc/redis/redis.conf`), and the app reads it from `REDIS_PASSWORD`.",
            (recap_pw,),
        ),
        Planted(
            "prose_used_your_token",
            f"I used the token you gave me ({used_tok}) to list the open pull requests; there are 7.",
            (used_tok,),
        ),
        Planted(
            "prose_code_block_export",
            f"Run this before `terraform apply`:\n\n```bash\nexport VAULT_ADDR=https://vault.internal:8200\nexport VAULT_TOKEN={block_tok}\n```",
            (block_tok,),
        ),
        Planted(
            "prose_generated_once",
            f"The installer generated the admin password (it is only printed once): {once_pw}\nSave it somewhere safe.",
            (once_pw,),
        ),
        Planted(
            "prose_rotated_new_key",
            f"I've rotated the admin key. New key: `{rotated}` — the old one is revoked.",
            (rotated,),
        ),
        Planted(
            "prose_dbeaver_connection_string",
            f"You can paste this into DBeaver: `postgresql://analyst:{dbeaver_pw}@bi-db.internal:5432/warehouse`",
            (dbeaver_pw,),
        ),
        Planted(
            "prose_env_file_created",
            f"Note: the `.env` I created contains `SECRET_KEY={env_secret}`; it's in `.gitignore`.",
            (env_secret,),
        ),
        Planted(
            "prose_old_replaced_new",
            f"The old password `{old_pw}` was replaced with `{new_pw}` on all three replicas.",
            (old_pw, new_pw),
        ),
        Planted(
            "prose_verified_login",
            f"Verified: login works with admin/{verified_pw} on https://192.168.1.1.",
            (verified_pw,),
        ),
        Planted(
            "prose_emoji_status_table",
            f"| Check | Result |\n|---|---|\n| SMTP auth (`mailer` / `{emoji_pw1}`) | ✅ |\n| API key `{emoji_pw2}` | ❌ 401 |",
            (emoji_pw1, emoji_pw2),
        ),
        Planted(
            "prose_audit_found_webhook",
            f"I found a hard-coded Slack webhook in `notify.py` (line 12): {audit_hook}. You should revoke it.",
            (audit_hook,),
        ),
        Planted(
            "prose_wifi_qr_payload",
            f"The QR code I generated encodes `WIFI:T:WPA;S:Gästenetz;P:{qr_pw};;` — print `wifi.png`.",
            (qr_pw,),
        ),
        Planted(
            "prose_numbered_steps",
            f"Steps I took:\n1. Logged in to Grafana as `admin` with `{steps_pw}`\n2. Imported dashboard 1860\n3. Set the Prometheus data source",
            (steps_pw,),
        ),
        Planted(
            "prose_french_reply",
            f"J'ai utilisé le mot de passe {fr_pw} pour me connecter au routeur et j'ai redémarré le service DHCP.",
            (fr_pw,),
        ),
        Planted(
            "prose_german_reply",
            f"Ich habe den Token `{de_tok}` in `.gitlab-ci.yml` als Variable `DEPLOY_TOKEN` eingetragen.",
            (de_tok,),
        ),
        Planted(
            "prose_keycloak_client_secret",
            f"The Keycloak client `web-frontend` is confidential now; its client secret is {kc_secret}.",
            (kc_secret,),
        ),
        Planted(
            "prose_totp_seed", f"TOTP seed for the test account `qa-bot`: `{totp}` (SHA1, 6 digits, 30 s).", (totp,)
        ),
        Planted(
            "prose_recovery_codes",
            "Recovery codes saved to `recovery.txt`:\n" + "\n".join(f"- {c}" for c in codes),
            codes,
        ),
        Planted("prose_minted_jwt", f"The JWT I minted for testing: `{minted}` (expires in 1 h).", (minted,)),
        Planted(
            "prose_first_failed_second_worked",
            f"The first token (`{tok_bad}`) failed with 401; the second (`{tok_good}`) worked.",
            (tok_bad, tok_good),
        ),
        Planted(
            "prose_decoded_basic_header",
            f"I decoded the `Authorization` header from the log: it's `ops:{basic_pw}`, so the proxy is sending the old credentials.",
            (basic_pw,),
        ),
        Planted(
            "prose_mysql_user_created",
            f"Created MySQL user `metabase`@`10.0.%` — password: {mysql_user_pw} — store it in 1Password.",
            (mysql_user_pw,),
        ),
        Planted(
            "prose_html_code_tag",
            f"<p>Set <code>SLACK_BOT_TOKEN</code> to <code>{html_tok}</code> and restart.</p>",
            (html_tok,),
        ),
        Planted(
            "prose_quoting_user",
            f"> the router password is {quoted_pw}\n\nThanks — I logged in and the port forward for 8443 is set up.",
            (quoted_pw,),
        ),
        Planted(
            "prose_env_vars_table",
            f"I set these variables on Render:\n\n| Variable | Value |\n|---|---|\n| `STRIPE_SECRET_KEY` | `{env_tbl_stripe}` |\n"
            f"| `POSTMARK_TOKEN` | `{env_tbl_mail}` |\n| `NODE_ENV` | `production` |",
            (env_tbl_stripe, env_tbl_mail),
        ),
        Planted(
            "prose_spanish_reply",
            f"Listo: creé el usuario `facturacion` con la contraseña {es_pw} y le di permisos de solo lectura.",
            (es_pw,),
        ),
        Planted("prose_japanese_reply", f"APIキー `{ja_tok}` を `.env` に追加しました。", (ja_tok,)),
        Planted(
            "prose_inline_key_value",
            f"With DB_PASSWORD={inline_kv} in the compose file, the container starts and the healthcheck passes.",
            (inline_kv,),
        ),
        Planted(
            "prose_random_secret_generated",
            f"I generated a random 32-byte secret for `SESSION_SECRET`: {random_hex}",
            (random_hex,),
        ),
        Planted(
            "prose_django_superuser",
            f"Done. Django superuser created: username `admin`, password `{su_pw}`.",
            (su_pw,),
        ),
        Planted(
            "prose_smart_quotes_passphrase",
            f"The passphrase for `deploy_ed25519` is “{ssh_phrase}”.",
            (ssh_phrase,),
        ),
        Planted(
            "prose_minio_root_credentials",
            f"Your MinIO root credentials: access key {minio_a}, secret key {minio_s}.",
            (minio_a, minio_s),
        ),
        Planted("prose_key_again", f"Here's the API key again in case you need it: {again_key}", (again_key,)),
        Planted("prose_strikethrough_rotation", f"Token: ~~{strike_old}~~ → {strike_new}", (strike_old, strike_new)),
        Planted(
            "prose_footnote_token",
            f"The package was published as `@acme/ui@3.2.0`.[^1]\n\n[^1]: published with the automation token {footnote_tok}",
            (footnote_tok,),
        ),
        Planted(
            "prose_mermaid_edge_label",
            f'```mermaid\nflowchart LR\n  A[Client] -- "Bearer {mermaid_tok}" --> B[Gateway]\n  B --> C[Orders API]\n```',
            (mermaid_tok,),
        ),
        Planted(
            "prose_todo_checklist",
            f"Follow-ups:\n- [x] move secrets to Secret Manager\n- [ ] revoke `{todo_key}` (leaked in commit 3f2a1b9)\n- [ ] add gitleaks to CI",
            (todo_key,),
        ),
    )


# --------------------------------------------------------------------------------------------------
# 8. Diffs, commits and reviews
# --------------------------------------------------------------------------------------------------


def _diffs_reviews() -> tuple[Planted, ...]:
    env_pw = _gen("diff-env", 20)
    removed_key = _an("diff-removed", 40)
    rot_old = _SK_LIVE + "51" + _an("diff-rot-old", 97)
    rot_new = _SK_LIVE + "51" + _an("diff-rot-new", 97)
    show_tok = _XOXB + _digits("diff-show1", 12) + "-" + _digits("diff-show2", 13) + "-" + _an("diff-show3", 24)
    msg_pw = _human("diff-commit-msg")
    body_tok = _GLPAT + _b64u("diff-commit-body", 20)
    review_tok = _an("diff-review", 40)
    suggest_key = _hex("diff-suggest", 32)
    gerrit_pw = _human("diff-gerrit")
    conflict_a = _gen("diff-conflict-a", 18)
    conflict_b = _gen("diff-conflict-b", 18)
    stash_pw = _human("diff-stash")
    patch_tok = _HF + _letters("diff-patch", 34)
    blame_key = _hex("diff-blame", 64)
    logs_id, logs_secret = _aws_pair("diff-log-s")
    grep_base = _hex("diff-grep", 128)
    svn_pw = _human("diff-svn")
    hg_key = _an("diff-hg", 32)
    json_pw = _gen("diff-json", 24, "!#%+-.=?_~")
    yaml_b64 = base64.b64encode(_gen("diff-yaml", 20).encode()).decode()
    tfvars_pw = _gen("diff-tfvars", 22)
    tfvars_tok = _DOP + _hex("diff-tfvars-do", 64)
    word_old = _human("diff-word-old")
    word_new = _human("diff-word-new")
    ansi_pw = _gen("diff-ansi", 18)
    u_pw = _human("diff-u")
    y_old = _an("diff-y-old", 16)
    y_new = _an("diff-y-new", 16)
    mr_key = _pem("OPENSSH PRIVATE KEY", "diff-mr-key", "b3BlbnNzaC1rZXktdjEAAAAA", 40)[1][0]
    oneline_pw = _human("diff-oneline")
    reflog_id = _AKIA + _up("diff-reflog", 16)
    bb_pw = _human("diff-bitbucket")
    gitleaks_secret = _b64u("diff-gitleaks", 40)
    trufflehog_tok = _gh_classic("diff-trufflehog")
    npmrc_tok = _NPM + _an("diff-npmrc-review", 36)
    dockerfile_key = _an("diff-dockerfile", 32)
    compose_pw = _human("diff-compose")
    cron_pw = _an("diff-cron", 18)
    nginx_b64 = _basic("grafana", _human("diff-nginx"))
    pgpass_pw = _gen("diff-pgpass", 20, "!#%+-.=?_~")
    nb_tok = _OPENAI_PROJ + _b64u("diff-nbdiff", 48) + "T3Blbk" + "FJ" + _b64u("diff-nbdiff2", 48)
    commit_cmd_key = _an("diff-commit-cmd", 32)
    cherry_pw = _gen("diff-cherry", 20)
    pt_review_pw = _human("diff-pt-review")
    return (
        Planted(
            "diff_env_example_filled",
            "diff --git a/.env.example b/.env.example\nindex 3b18e51..a9c2f07 100644\n--- a/.env.example\n+++ b/.env.example\n"
            f"@@ -3,4 +3,4 @@ APP_ENV=local\n DB_HOST=127.0.0.1\n DB_USER=app\n-DB_PASSWORD=\n+DB_PASSWORD={env_pw}\n MAIL_DRIVER=log",
            (env_pw,),
            file_line=f"APP_ENV=local\nDB_HOST=127.0.0.1\nDB_USER=app\nDB_PASSWORD={env_pw}\nMAIL_DRIVER=log",
        ),
        Planted(
            "diff_removed_line_still_leaks",
            "@@ -10,7 +10,7 @@ class WeatherClient:\n     def __init__(self):\n"
            f'-        self.api_key = "{removed_key}"\n+        self.api_key = os.environ["WEATHER_API_KEY"]\n         self.base = BASE_URL',
            (removed_key,),
        ),
        Planted(
            "diff_key_rotation_both_sides",
            f"--- a/config/stripe.yml\n+++ b/config/stripe.yml\n@@ -1,3 +1,3 @@\n production:\n-  secret_key: {rot_old}\n+  secret_key: {rot_new}\n   currency: eur",
            (rot_old, rot_new),
        ),
        Planted(
            "git_show_commit_with_hunk",
            "commit 8e4f1c2b9a7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f\nAuthor: Lars Eriksson <lars@fika.se>\nDate:   Tue Nov 25 16:02:11 2026 +0100\n\n"
            '    notifications: post to #deploys\n\ndiff --git a/bot/settings.py b/bot/settings.py\n@@ -4,3 +4,4 @@\n CHANNEL = "#deploys"\n'
            f'+SLACK_TOKEN = "{show_tok}"',
            (show_tok,),
        ),
        Planted(
            "commit_message_subject_password",
            f"fix(staging): use new db password {msg_pw} after the reset",
            (msg_pw,),
        ),
        Planted(
            "commit_message_body_token",
            "ci: mirror to gitlab\n\nThe mirror job pushes with the project access token\n"
            f"{body_tok} (maintainer, expires 2027-01-31).\n\nRefs: #412",
            (body_tok,),
        ),
        Planted(
            "review_comment_hardcoded",
            f"**src/api/client.ts** line 14\n> nit: please don't hardcode `{review_tok}` here — read it from `process.env.PARTNER_TOKEN`",
            (review_tok,),
        ),
        Planted(
            "github_suggestion_block",
            f'> ```python\n> GEO_KEY = "{suggest_key}"\n> ```\n\n```suggestion\nGEO_KEY = os.environ["GEO_KEY"]\n```',
            (suggest_key,),
        ),
        Planted(
            "gerrit_inline_comment",
            f"Patch Set 3:\n\n(1 comment)\n\nFile deploy/db.sh:\n\nLine 27: the password '{gerrit_pw}' is committed in clear text, please use the vault lookup.",
            (gerrit_pw,),
        ),
        Planted(
            "merge_conflict_markers",
            f"redis:\n<<<<<<< HEAD\n  password: {conflict_a}\n=======\n  password: {conflict_b}\n>>>>>>> feature/sentinel",
            (conflict_a, conflict_b),
        ),
        Planted(
            "git_stash_show_patch",
            "$ git stash show -p stash@{0}\ndiff --git a/scripts/sync.sh b/scripts/sync.sh\n@@ -2,2 +2,3 @@\n set -e\n"
            f"+export RSYNC_PASSWORD='{stash_pw}'\n rsync -av /data/ backup@nas::data",
            (stash_pw,),
        ),
        Planted(
            "format_patch_email",
            "From 1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b Mon Sep 17 00:00:00 2001\nFrom: Priya Raman <priya@lab.example.in>\n"
            "Subject: [PATCH 2/3] eval: pull gated model\n\n---\n scripts/pull.sh | 1 +\n\ndiff --git a/scripts/pull.sh b/scripts/pull.sh\n"
            f"@@ -1 +1,2 @@\n+export HF_TOKEN={patch_tok}\n huggingface-cli download meta-llama/Llama-3.1-8B",
            (patch_tok,),
        ),
        Planted(
            "git_blame_line",
            f'^4c1d2e3 (Tomasz Nowak 2024-03-11 09:14:02 +0100 17)     HMAC_KEY = "{blame_key}"',
            (blame_key,),
        ),
        Planted(
            "git_log_pickaxe_output",
            f"$ git log -S'aws_secret_access_key' -p --oneline | head\n7f3e2d1 temp creds for the import\n"
            f"+aws_access_key_id = {logs_id}\n+aws_secret_access_key = {logs_secret}",
            (logs_id, logs_secret),
        ),
        Planted(
            "git_grep_secret_key_base",
            f'$ git grep -n secret_key_base\nconfig/environments/production.rb:12:  config.secret_key_base = "{grep_base}"',
            (grep_base,),
        ),
        Planted(
            "svn_diff_settings",
            f"Index: conf/settings.ini\n===================================================================\n--- conf/settings.ini\t(revision 4411)\n"
            f"+++ conf/settings.ini\t(working copy)\n@@ -7 +7 @@\n-password =\n+password = {svn_pw}",
            (svn_pw,),
        ),
        Planted(
            "hg_diff_config",
            f"diff -r 1f0a2b3c4d5e app/config.py\n--- a/app/config.py\tMon Nov 24 10:00:00 2026 +0100\n+++ b/app/config.py\tMon Nov 24 10:05:00 2026 +0100\n"
            f'@@ -1,1 +1,2 @@\n+MAPS_KEY = "{hg_key}"',
            (hg_key,),
        ),
        Planted(
            "diff_appsettings_json",
            '--- a/appsettings.Production.json\n+++ b/appsettings.Production.json\n@@ -2,5 +2,5 @@\n   "Smtp": {\n     "Host": "smtp.sendgrid.net",\n'
            f'-    "Password": ""\n+    "Password": "{json_pw}"\n   }},',
            (json_pw,),
        ),
        Planted(
            "diff_k8s_secret_base64",
            f"--- a/k8s/secret.yaml\n+++ b/k8s/secret.yaml\n@@ -6,2 +6,2 @@ type: Opaque\n data:\n-  password: Y2hhbmdlbWU=\n+  password: {yaml_b64}",
            (yaml_b64,),
        ),
        Planted(
            "diff_terraform_tfvars",
            f'+++ b/envs/prod/terraform.tfvars\n@@ -0,0 +1,4 @@\n+region      = "fra1"\n+db_password = "{tfvars_pw}"\n+do_token    = "{tfvars_tok}"\n+node_count  = 3',
            (tfvars_pw, tfvars_tok),
        ),
        Planted(
            "git_word_diff",
            f"$ git diff --word-diff\n@@ -12 +12 @@ smtp:\n  password: [-{word_old}-]{{+{word_new}+}}",
            (word_old, word_new),
        ),
        Planted(
            "git_diff_ansi_colors",
            f"\x1b[1mdiff --git a/.env b/.env\x1b[m\n\x1b[36m@@ -1,2 +1,2 @@\x1b[m\n\x1b[31m-REDIS_PASSWORD=\x1b[m\n\x1b[32m+REDIS_PASSWORD={ansi_pw}\x1b[m",
            (ansi_pw,),
        ),
        Planted(
            "plain_diff_u",
            f"--- /etc/mysql/debian.cnf.orig\t2026-11-20 09:12:00\n+++ /etc/mysql/debian.cnf\t2026-11-28 11:40:02\n@@ -3 +3 @@\n-password = \n+password = {u_pw}",
            (u_pw,),
        ),
        Planted(
            "diff_side_by_side",
            f"$ diff -y old.conf new.conf\nuser = monitor\t\t\t\t\t\t\t\tuser = monitor\npass = {y_old}\t\t\t\t\t\t      |\tpass = {y_new}",
            (y_old, y_new),
        ),
        Planted(
            "gitlab_mr_note_private_key_line",
            f"@marek this MR adds `deploy/id_ed25519` — the first line of the key is\n`{mr_key}`\nplease remove it from history, not just in a new commit.",
            (mr_key,),
        ),
        Planted(
            "git_log_oneline_subject",
            f"$ git log --oneline -5\n3e1f9a2 (HEAD -> demo) temp: hardcode pw {oneline_pw} for the demo\n8c7b6a5 add login page\n1d2e3f4 init",
            (oneline_pw,),
        ),
        Planted(
            "git_reflog_message",
            f"$ git reflog -3\nb91c2d3 HEAD@{{0}}: commit (amend): load creds ({reflog_id}) from env\n4a5b6c7 HEAD@{{1}}: commit: load creds",
            (reflog_id,),
        ),
        Planted(
            "bitbucket_pr_description",
            f"### How to test\n1. Deploy to `qa-3`\n2. Log in as `qa.tester` / `{bb_pw}`\n3. Open *Invoices → Export*",
            (bb_pw,),
        ),
        Planted(
            "gitleaks_finding_output",
            f'Finding:     SEARCH_API_KEY = "{gitleaks_secret}"\nSecret:      {gitleaks_secret}\nRuleID:      generic-api-key\n'
            "Entropy:     4.72\nFile:        search/settings.py\nLine:        9\nCommit:      0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d",
            (gitleaks_secret,),
        ),
        Planted(
            "trufflehog_raw_result",
            f"🐷🔑🐷  TruffleHog. Unearth your secrets. 🐷🔑🐷\n\nFound verified result 🐷🔑\nDetector Type: Github\nRaw result: {trufflehog_tok}\n"
            "File: .github/scripts/release.sh\nLine: 4",
            (trufflehog_tok,),
        ),
        Planted(
            "review_npmrc_in_pr",
            f"The `.npmrc` in this PR contains `//registry.npmjs.org/:_authToken={npmrc_tok}` — please revoke that token and force-push.",
            (npmrc_tok,),
        ),
        Planted(
            "diff_dockerfile_env",
            f"@@ -8,6 +8,7 @@ WORKDIR /app\n COPY package*.json ./\n+ENV ALGOLIA_ADMIN_KEY={dockerfile_key}\n RUN npm ci --omit=dev",
            (dockerfile_key,),
        ),
        Planted(
            "diff_compose_password",
            f'   keycloak:\n     environment:\n-      KC_DB_PASSWORD: ${{KC_DB_PASSWORD}}\n+      KC_DB_PASSWORD: "{compose_pw}"',
            (compose_pw,),
        ),
        Planted(
            "diff_crontab_curl",
            f"+*/5 * * * * curl -fsS -u monitor:{cron_pw} https://status.internal/api/ping >/dev/null",
            (cron_pw,),
        ),
        Planted(
            "diff_nginx_basic_header",
            f'+        proxy_set_header Authorization "Basic {nginx_b64}";\n         proxy_pass http://grafana:3000;',
            (nginx_b64,),
        ),
        Planted(
            "diff_new_pgpass_file",
            f"diff --git a/ops/.pgpass b/ops/.pgpass\nnew file mode 100600\nindex 0000000..5e6f7a8\n--- /dev/null\n+++ b/ops/.pgpass\n@@ -0,0 +1 @@\n+*:*:*:replicator:{pgpass_pw}",
            (pgpass_pw,),
        ),
        Planted(
            "nbdiff_output_token",
            f"## modified /cells/3/outputs/0/text:\n-  'sk-...'\n+  '{nb_tok}'\n",
            (nb_tok,),
        ),
        Planted(
            "git_commit_command_message",
            f'git commit -am "switch geocoder, key {commit_cmd_key}"',
            (commit_cmd_key,),
        ),
        Planted(
            "cherry_pick_conflict_lines",
            "$ git cherry-pick 9f8e7d6\nerror: could not apply 9f8e7d6... bump replica password\nCONFLICT (content): Merge conflict in ops/replica.env\n"
            f"$ grep -n PASSWORD ops/replica.env\n4:REPLICA_PASSWORD={cherry_pw}",
            (cherry_pw,),
        ),
        Planted(
            "review_comment_portuguese",
            f"Comentário em `infra/db.tf` linha 33: a senha `{pt_review_pw}` ficou no código, move para o Secrets Manager por favor.",
            (pt_review_pw,),
        ),
    )


# --------------------------------------------------------------------------------------------------
# 9. Notebooks, data frames, exports, query results
# --------------------------------------------------------------------------------------------------


def _notebooks_data() -> tuple[Planted, ...]:
    nb_key = _OPENAI_PROJ + _b64u("nb-out", 48) + "T3Blbk" + "FJ" + _b64u("nb-out2", 48)
    ipynb_tok = _HF + _letters("nb-ipynb", 34)
    df_keys = (_hex("nb-df-1", 32), _hex("nb-df-2", 32))
    head_pws = (_human("nb-head-1"), _human("nb-head-2"), _human("nb-head-3"))
    tibble_pw = _gen("nb-tibble", 14, "!#%+-.?_~")
    polars_tok = _an("nb-polars", 40)
    csv_pws = (_human("nb-csv-1"), _human("nb-csv-2"))
    tsv_keys = (_an("nb-tsv-1", 32), _an("nb-tsv-2", 32))
    sql_pws = (_gen("nb-sql-1", 16), _gen("nb-sql-2", 16))
    copy_tok = _b64u("nb-copy", 40)
    mysql_tbl_pw = _human("nb-mysql-table")
    psql_x_key = _hex("nb-psql-x", 40)
    sqlite_tok = _an("nb-sqlite", 32)
    mongo_tok = _b64u("nb-mongo", 43)
    hgetall_pw = _an("nb-hgetall", 24)
    sheet_pws = (_human("nb-sheet-1"), _gen("nb-sheet-2", 16), _human("nb-sheet-3"))
    formula_tok = _an("nb-formula", 32)
    jsonl_keys = (_SK_LIVE + _an("nb-jsonl-1", 99), _SK_LIVE + _an("nb-jsonl-2", 99))
    dict_pw = _gen("nb-dict", 20)
    pyd_pw = _an("nb-pydantic", 20)
    env_magic_id, env_magic_secret = _aws_pair("nb-env-magic")
    kaggle_key = _hex("nb-kaggle", 32)
    pip_tok = _GLPAT + _b64u("nb-pip", 20)
    md_pw = _human("nb-markdown")
    duck_tok = _an("nb-duckdb", 32)
    spark_pw = _gen("nb-spark", 14)
    bq_key = _b64u("nb-bq", 40)
    ch_pw = _an("nb-clickhouse", 16)
    rdf_pw = _human("nb-rdf")
    julia_tok = _an("nb-julia", 36)
    es_pw = _human("nb-es")
    ddb_tok = _uuid("nb-dynamodb")
    ldif_pw = _human("nb-ldif")
    ldif_b64 = base64.b64encode(ldif_pw.encode()).decode()
    chrome_pws = (_human("nb-chrome-1"), _gen("nb-chrome-2", 16, "!#%+-.=?_~"))
    firefox_pw = _human("nb-firefox")
    keepass_pw = _gen("nb-keepass", 24)
    bw_pw = _human("nb-bw")
    bw_totp = _b32("nb-bw-totp", 32)
    op_pw = _gen("nb-1password", 20)
    iam_console_pw = _gen("nb-iam-console", 16, "!#%+-.=?_~")
    iam_id, iam_secret = _aws_pair("nb-iam-csv")
    warn_pw = _an("nb-warn", 16)
    st_pw = _human("nb-streamlit")
    st_key = _an("nb-streamlit-key", 40)
    read_sql_pw = _gen("nb-read-sql", 16, _URL_SAFE_SYMS)
    return (
        Planted(
            "jupyter_out_cell_env",
            f"In [3]: os.environ[\"OPENAI_API_KEY\"]\nOut[3]: '{nb_key}'",
            (nb_key,),
        ),
        Planted(
            "ipynb_json_stream_output",
            '{\n "cell_type": "code",\n "execution_count": 7,\n "outputs": [\n  {\n   "name": "stdout",\n   "output_type": "stream",\n'
            f'   "text": [\n    "logged in as lab-bot, token={ipynb_tok}\\n"\n   ]\n  }}\n ],\n "source": ["print(login())"]\n}}',
            (ipynb_tok,),
        ),
        Planted(
            "pandas_df_api_key_column",
            f"   tenant_id      provider                           api_key\n0         12      openweather  {df_keys[0]}\n1         31  openweather  {df_keys[1]}",
            df_keys,
        ),
        Planted(
            "pandas_head_password_column",
            "df.head()\n        email                      password      last_login\n"
            f"0  maria@example.org  {head_pws[0]}  2026-11-02\n1  tariq@example.org  {head_pws[1]}  2026-10-29\n2  lin@example.org    {head_pws[2]}  2026-11-20",
            head_pws,
        ),
        Planted(
            "r_tibble_print",
            f'# A tibble: 2 × 3\n  host          user     pass\n  <chr>         <chr>    <chr>\n1 10.0.4.2      survey   "{tibble_pw}"\n2 10.0.4.3      survey   NA',
            (tibble_pw,),
        ),
        Planted(
            "polars_dataframe_box",
            f"shape: (1, 3)\n┌──────────┬──────────────────────────────────────────┬────────┐\n│ name     ┆ token                                    ┆ active │\n"
            f"│ ---      ┆ ---                                      ┆ ---    │\n│ str      ┆ str                                      ┆ bool   │\n╞══════════╪══════════════════════════════════════════╪════════╡\n"
            f"│ ingest   ┆ {polars_tok} ┆ true   │\n└──────────┴──────────────────────────────────────────┴────────┘",
            (polars_tok,),
        ),
        Planted(
            "csv_users_export_plaintext",
            f"id,username,email,password,created_at\n1,jgarcia,jgarcia@ferreteria.mx,{csv_pws[0]},2025-03-01\n2,lmartin,lmartin@ferreteria.mx,{csv_pws[1]},2025-04-12",
            csv_pws,
        ),
        Planted(
            "tsv_integration_keys",
            f"account\tservice\tkey\nacme\tmailjet\t{tsv_keys[0]}\nglobex\tmailjet\t{tsv_keys[1]}",
            tsv_keys,
        ),
        Planted(
            "sql_dump_insert_passwords",
            "INSERT INTO `smtp_accounts` (`id`, `host`, `user`, `password`) VALUES\n"
            f"(1,'smtp.ionos.de','info@pension-alpenblick.at','{sql_pws[0]}'),\n(2,'smtp.ionos.de','buchung@pension-alpenblick.at','{sql_pws[1]}');",
            sql_pws,
        ),
        Planted(
            "pg_dump_copy_rows",
            "COPY public.api_clients (id, name, secret, created_at) FROM stdin;\n"
            f"1\tpos-terminal\t{copy_tok}\t2026-01-14 09:00:00+00\n\\.",
            (copy_tok,),
        ),
        Planted(
            "mysql_result_table",
            "mysql> SELECT name, login, pass FROM ftp_accounts WHERE active=1;\n+---------+-----------+------------------+\n"
            f"| name    | login     | pass             |\n+---------+-----------+------------------+\n| Spedi   | spedi_in  | {mysql_tbl_pw} |\n"
            "+---------+-----------+------------------+\n1 row in set (0.00 sec)",
            (mysql_tbl_pw,),
        ),
        Planted(
            "psql_expanded_record",
            f"app=# \\x\nExpanded display is on.\napp=# SELECT * FROM webhooks WHERE id = 3;\n-[ RECORD 1 ]-----------------------------------------\n"
            f"id         | 3\nurl        | https://hooks.partner.io/in\nsigning_key | {psql_x_key}\nenabled    | t",
            (psql_x_key,),
        ),
        Planted(
            "sqlite3_pipe_output",
            f"sqlite> SELECT * FROM settings;\ntheme|dark\nsync_token|{sqlite_tok}\nlocale|pt-BR",
            (sqlite_tok,),
        ),
        Planted(
            "mongosh_find_output",
            f"test> db.devices.find({{name: 'gate-2'}})\n[\n  {{\n    _id: ObjectId('6651a2b3c4d5e6f7a8b9c0d1'),\n    name: 'gate-2',\n    token: '{mongo_tok}',\n    fw: '2.4.1'\n  }}\n]",
            (mongo_tok,),
        ),
        Planted(
            "redis_hgetall_output",
            f'127.0.0.1:6379> HGETALL cfg:smtp\n1) "host"\n2) "mail.gandi.net"\n3) "user"\n4) "bot@asso-velo.fr"\n5) "pass"\n6) "{hgetall_pw}"',
            (hgetall_pw,),
        ),
        Planted(
            "spreadsheet_paste_tabs",
            f"Service\tLogin\tPassword\tNotes\nRouter\tadmin\t{sheet_pws[0]}\tFritzBox\nNAS\tadmin\t{sheet_pws[1]}\tSynology\nWLAN\t-\t{sheet_pws[2]}\tGast",
            sheet_pws,
        ),
        Planted(
            "spreadsheet_hyperlink_formula",
            f'=HYPERLINK("https://reports.acme.io/export.xlsx?access_token={formula_tok}", "Export Q3")',
            (formula_tok,),
        ),
        Planted(
            "jsonl_export_keys",
            f'{{"merchant":"café-lumière","stripe_key":"{jsonl_keys[0]}"}}\n{{"merchant":"bäckerei-huber","stripe_key":"{jsonl_keys[1]}"}}',
            jsonl_keys,
        ),
        Planted(
            "notebook_print_dict",
            f"print(cfg)\n{{'host': 'warehouse.internal', 'user': 'etl', 'password': '{dict_pw}', 'port': 5439}}",
            (dict_pw,),
        ),
        Planted(
            "pydantic_settings_repr",
            f"Settings(db_url='postgresql://app:{pyd_pw}@db:5432/app', api_key=SecretStr('**********'), debug=False)",
            (pyd_pw,),
        ),
        Planted(
            "ipython_env_magic",
            f"%env AWS_ACCESS_KEY_ID={env_magic_id}\n%env AWS_SECRET_ACCESS_KEY={env_magic_secret}\nenv: AWS_SECRET_ACCESS_KEY={env_magic_secret}",
            (env_magic_id, env_magic_secret),
        ),
        Planted(
            "notebook_cat_kaggle_json",
            f'!cat ~/.kaggle/kaggle.json\n{{"username":"olenakovalenko","key":"{kaggle_key}"}}',
            (kaggle_key,),
        ),
        Planted(
            "notebook_pip_private_index",
            f"!pip install -q --index-url https://__token__:{pip_tok}@gitlab.com/api/v4/projects/4412/packages/pypi/simple acme-features",
            (pip_tok,),
        ),
        Planted(
            "pandas_to_markdown",
            f"| | system | user | secret |\n|---:|:---|:---|:---|\n| 0 | SAP | RFC_USER | {md_pw} |",
            (md_pw,),
        ),
        Planted(
            "duckdb_result_box",
            f"┌─────────┬──────────────────────────────────┐\n│ source  │             api_token            │\n│ varchar │              varchar             │\n"
            f"├─────────┼──────────────────────────────────┤\n│ hubspot │ {duck_tok} │\n└─────────┴──────────────────────────────────┘",
            (duck_tok,),
        ),
        Planted(
            "spark_show_output",
            f"+------+--------+--------------+\n|system|username|      password|\n+------+--------+--------------+\n|   sftp|  partner|{spark_pw}|\n+------+--------+--------------+",
            (spark_pw,),
        ),
        Planted(
            "bq_query_table",
            f"+--------------+------------------------------------------+\n| integration  |                 api_key                  |\n+--------------+------------------------------------------+\n"
            f"| zendesk      | {bq_key} |\n+--------------+------------------------------------------+",
            (bq_key,),
        ),
        Planted(
            "clickhouse_pretty_compact",
            f"┌─name──────┬─user────┬─password─────────┐\n│ mysql_src │ replica │ {ch_pw} │\n└───────────┴─────────┴──────────────────┘",
            (ch_pw,),
        ),
        Planted(
            "r_data_frame_print",
            f"> creds\n  service   login         secret\n1    smtp  newsletter  {rdf_pw}",
            (rdf_pw,),
        ),
        Planted(
            "julia_dataframe_print",
            f"1×2 DataFrame\n Row │ bot        token\n     │ String     String\n─────┼───────────────────────────────────────────────────\n   1 │ telegram   {julia_tok}",
            (julia_tok,),
        ),
        Planted(
            "elasticsearch_hit_source",
            f'"hits": [{{"_index": "users-v3", "_id": "8812", "_source": {{"login": "b.okafor", "password": "{es_pw}", "role": "editor"}}}}]',
            (es_pw,),
        ),
        Planted(
            "dynamodb_scan_item",
            f'{{"Items": [{{"pk": {{"S": "TENANT#77"}}, "apiKey": {{"S": "{ddb_tok}"}}, "plan": {{"S": "pro"}}}}], "Count": 1}}',
            (ddb_tok,),
        ),
        Planted(
            "ldif_user_password_b64",
            f"dn: uid=jdoe,ou=people,dc=uni-example,dc=edu\nobjectClass: inetOrgPerson\nuid: jdoe\nuserPassword:: {ldif_b64}\nmail: jdoe@uni-example.edu",
            (ldif_b64,),
        ),
        Planted(
            "chrome_passwords_csv",
            f"name,url,username,password,note\nbank.example.de,https://bank.example.de/login,kunde4711,{chrome_pws[0]},\n"
            f"github.com,https://github.com/login,mkaur,{chrome_pws[1]},",
            chrome_pws,
        ),
        Planted(
            "firefox_logins_csv",
            f'"url","username","password","httpRealm","formActionOrigin","guid","timeCreated"\n"https://mail.proton.me","r.silva","{firefox_pw}",,"https://mail.proton.me","{{8a1f}}","1700000000000"',
            (firefox_pw,),
        ),
        Planted(
            "keepass_xml_export",
            f"<Entry>\n  <String><Key>Title</Key><Value>Hetzner Robot</Value></String>\n  <String><Key>UserName</Key><Value>K123456789</Value></String>\n"
            f'  <String><Key>Password</Key><Value ProtectInMemory="True">{keepass_pw}</Value></String>\n</Entry>',
            (keepass_pw,),
        ),
        Planted(
            "bitwarden_json_export",
            f'{{"type": 1, "name": "Cloudflare", "login": {{"username": "ops@acme.io", "password": "{bw_pw}", "totp": "{bw_totp}", "uris": [{{"uri": "https://dash.cloudflare.com"}}]}}}}',
            (bw_pw, bw_totp),
        ),
        Planted(
            "onepassword_csv_export",
            f"Title,Website,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes\nAWS root,https://console.aws.amazon.com,root@acme.io,{op_pw},,false,false,infra,",
            (op_pw,),
        ),
        Planted(
            "aws_iam_credentials_csv",
            f"User name,Password,Access key ID,Secret access key,Console login link\nci-deploy,{iam_console_pw},{iam_id},{iam_secret},https://123456789012.signin.aws.amazon.com/console",
            (iam_console_pw, iam_id, iam_secret),
        ),
        Planted(
            "notebook_warning_dsn",
            f"/opt/conda/lib/python3.11/site-packages/pandas/io/sql.py:761: UserWarning: pandas only supports SQLAlchemy connectable "
            f"(engine/connection) or database string URI. Got 'mysql://bi:{warn_pw}@10.0.0.9/sales'",
            (warn_pw,),
        ),
        Planted(
            "streamlit_secrets_print",
            f'st.write(st.secrets)\n{{\n  "db_password": "{st_pw}",\n  "openweather_key": "{st_key}"\n}}',
            (st_pw, st_key),
        ),
        Planted(
            "pandas_read_sql_operational_error",
            'OperationalError: (psycopg2.OperationalError) connection to server at "10.0.7.3", port 5432 failed: timeout expired\n'
            f"(Background on this error at: https://sqlalche.me/e/20/e3q8)\nengine url: postgresql://bi:{read_sql_pw}@10.0.7.3:5432/dwh",
            (read_sql_pw,),
        ),
    )


# --------------------------------------------------------------------------------------------------
# 10. Pasted documents: wikis, tickets, notes, emails, chat exports, runbooks
# --------------------------------------------------------------------------------------------------


def _pasted_docs() -> tuple[Planted, ...]:
    wiki = (_human("doc-wiki-1"), _gen("doc-wiki-2", 16), _human("doc-wiki-3"))
    jira_pw = _human("doc-jira")
    handover_pw = _gen("doc-handover", 18)
    alarm = _pin("doc-alarm", 6)
    email_de_pw = _human("doc-email-de")
    slack_pw = _human("doc-slack-export")
    teams_tok = _an("doc-teams", 40)
    runbook_pw = _gen("doc-runbook", 22, "!#%+-.=?_~")
    incident_old_id, incident_old_secret = _aws_pair("doc-incident")
    onboarding_pw = _human("doc-onboarding")
    reset_pw = _human("doc-reset")
    postmortem_tok = _XOXB + _digits("doc-pm1", 12) + "-" + _digits("doc-pm2", 13) + "-" + _an("doc-pm3", 24)
    readme_pw = _human("doc-readme")
    notion_pw = _gen("doc-notion", 16)
    gdoc_wifi = _human("doc-gdoc-wifi")
    meeting_psk = _b64u("doc-meeting-psk", 24)
    vendor_secret = _an("doc-vendor-secret", 48)
    hosting_pw = _gen("doc-hosting", 16)
    outlook_pw = _human("doc-outlook")
    whatsapp_pw = _human("doc-whatsapp")
    tg_export_pw = _human("doc-telegram-export")
    discord_pw = _human("doc-discord")
    trello_pw = _human("doc-trello")
    ocr_pw = _human("doc-ocr")
    pdf_pw = _gen("doc-pdf", 12, "!#%+-.?_")
    docs_key = _hex("doc-docs-example", 40)
    vault_pw = _phrase("doc-ansible-vault", 4, "-")
    initial_pw = _gen("doc-initial", 12, "!#%+-.?_")
    sharepoint_pws = (_gen("doc-breakglass-1", 24), _gen("doc-breakglass-2", 24))
    change_pw = _gen("doc-change", 20)
    fritz_raw = _digits("doc-fritz", 20)
    fritz = " ".join(fritz_raw[i : i + 4] for i in range(0, 20, 4))
    cpanel_pw = _gen("doc-cpanel", 16)
    apple_raw = _pick("doc-apple", 16, string.ascii_lowercase)
    apple = "-".join(apple_raw[i : i + 4] for i in range(0, 16, 4))
    m365 = _pick("doc-m365", 16, string.ascii_lowercase)
    op_secret_key = "A3-" + "-".join(_up(f"doc-op-sk{i}", n) for i, n in enumerate((6, 6, 5, 5, 5, 5)))
    envelope_pw = _gen("doc-envelope", 20)
    fr_pw = _human("doc-ticket-fr")
    it_pw = _human("doc-email-it")
    es_pw = _human("doc-hr-es")
    release_key = _an("doc-release-notes", 32)
    so_pw = _an("doc-stackoverflow", 16)
    issue_tok = _gh_classic("doc-github-issue")
    ml_pw = _human("doc-mailing-list")
    nl_pw = _human("doc-nl")
    return (
        Planted(
            "confluence_access_table",
            "## Staging access\n\n| System | URL | User | Password |\n|---|---|---|---|\n"
            f"| Jenkins | https://ci.stg.internal | admin | {wiki[0]} |\n| Kibana | https://logs.stg.internal | elastic | {wiki[1]} |\n"
            f"| pgAdmin | https://pg.stg.internal | admin@acme.io | {wiki[2]} |",
            wiki,
        ),
        Planted(
            "jira_ticket_description",
            f"OPS-1182  Can't connect to partner SFTP\nPriority: High   Reporter: Dmitri Volkov\n\nDescription:\nSince Monday the upload fails. "
            f"Credentials we use: user dhl_edi / {jira_pw}\nHost: sftp.partner-logistik.de:2222",
            (jira_pw,),
        ),
        Planted(
            "handover_notes",
            f"Handover – Nov 2026 (Sanne → Joost)\n- Backup server (bk01) root: {handover_pw}\n- Office alarm code: {alarm}\n- Domain renewals: see Gandi",
            (handover_pw, alarm),
        ),
        Planted(
            "email_german_zugangsdaten",
            "Von: IT-Service <it@kanzlei-weber.de>\nAn: Neue Mitarbeiterin <l.schulz@kanzlei-weber.de>\nBetreff: Ihre Zugangsdaten\n\n"
            f"Hallo Frau Schulz,\n\nhier Ihre Zugangsdaten für DATEV:\nBenutzer: lschulz\nKennwort: {email_de_pw}\n\nViele Grüße",
            (email_de_pw,),
        ),
        Planted(
            "slack_export_json_message",
            f'{{"type": "message", "user": "U04QX1Z2B", "text": "db pw for the reporting replica is {slack_pw} fyi", "ts": "1764320011.482913"}}',
            (slack_pw,),
        ),
        Planted(
            "teams_chat_copy",
            f"[10:42] Okonkwo, Chidi\nhere's the PAT for the Azure DevOps feed: {teams_tok}\n[10:43] Lindqvist, Emma\nthx 👍",
            (teams_tok,),
        ),
        Planted(
            "runbook_restore_section",
            "## Restore the billing DB\n\n1. Stop the API: `systemctl stop billing-api`\n2. Restore:\n\n```\n"
            f"PGPASSWORD='{runbook_pw}' pg_restore -h db-prod -U postgres -d billing --clean billing.dump\n```",
            (runbook_pw,),
        ),
        Planted(
            "incident_timeline_notes",
            f"14:02  key {incident_old_id} found in public gist (secret {incident_old_secret})\n14:05  key deactivated in IAM\n14:20  CloudTrail reviewed, no use",
            (incident_old_id, incident_old_secret),
        ),
        Planted(
            "onboarding_temp_password",
            f"Welcome to Acme! Your laptop login is your e-mail address. Your temporary password is: {onboarding_pw}\nYou will be asked to change it at first login.",
            (onboarding_pw,),
        ),
        Planted(
            "it_ticket_password_reset",
            f"Request #88123 – Password reset\nStatus: Solved\n\nHi Aiko, I reset your password to {reset_pw} – please change it after logging in.",
            (reset_pw,),
        ),
        Planted(
            "postmortem_leaked_bot_token",
            f"### What happened\nAt 09:14 the bot token `{postmortem_tok}` was posted in #general by the release script.",
            (postmortem_tok,),
        ),
        Planted(
            "internal_readme_default_login",
            f"# Lager-App\n\nStart with `docker compose up`. Default admin login: **admin / {readme_pw}** (same on staging).",
            (readme_pw,),
        ),
        Planted(
            "notion_export_toggle",
            f"- ▶ Credentials (click to expand)\n    - Metabase: `ops@acme.io` / `{notion_pw}`",
            (notion_pw,),
        ),
        Planted(
            "google_doc_wifi_block",
            f"Guest Wi-Fi\nNetwork: Acme-Guest\nPassword: {gdoc_wifi}\nValid until: 31.12.2026",
            (gdoc_wifi,),
        ),
        Planted(
            "meeting_notes_action_item",
            f"Action items:\n- Jan: send Anya the site-to-site VPN PSK ({meeting_psk}) via Signal\n- Anya: update firewall rules",
            (meeting_psk,),
        ),
        Planted(
            "vendor_api_credentials_email",
            f"Dear customer,\n\nYour sandbox API credentials:\nClient ID: acme-sbx-4471\nClient Secret: {vendor_secret}\n\nKind regards,\nPayGate Support",
            (vendor_secret,),
        ),
        Planted(
            "hosting_server_ready_email",
            f'Your server "vps-fra-17" is ready.\n\nIPv4: 203.0.113.41\nUsername: root\nPassword: {hosting_pw}\n\nPlease change the password after the first login.',
            (hosting_pw,),
        ),
        Planted(
            "outlook_quoted_reply",
            f"Sounds good, logging in now.\n\n-----Original Message-----\nFrom: Bianca Costa\nSent: Friday, 28 November 2026 09:12\n\n"
            f"> The portal password is {outlook_pw} (case sensitive)",
            (outlook_pw,),
        ),
        Planted(
            "whatsapp_export_line",
            f"[28/11/26, 09:14:02] Marta: la contraseña del router es {whatsapp_pw}\n[28/11/26, 09:14:40] Pablo: gracias!!",
            (whatsapp_pw,),
        ),
        Planted(
            "telegram_export_json",
            f'{{"id": 55123, "type": "message", "date": "2026-11-28T09:15:00", "from": "Oleksii", "text": "пароль від адмінки: {tg_export_pw}"}}',
            (tg_export_pw,),
        ),
        Planted(
            "discord_copy_paste",
            f"devops-team — Today at 9:14 AM\nthe grafana pw is {discord_pw} btw\ndevops-team — Today at 9:15 AM\nty",
            (discord_pw,),
        ),
        Planted(
            "trello_card_description",
            f"**Card:** Set up the kiosk tablets\nKiosk mode exit PIN is in 1Password. Device Google account: kiosk@acme.io / {trello_pw}",
            (trello_pw,),
        ),
        Planted(
            "ocr_sticky_note",
            f"[OCR result, photo_2026-11-27.jpg]\nSERVER RAUM\nuser: admin\nPW: {ocr_pw}\ndo not remove!!",
            (ocr_pw,),
        ),
        Planted(
            "pdf_text_portal_login",
            f"Rechnung Nr. 2026-4471\n...\nIhre Zugangsdaten zum Kundenportal: Kundennummer 4471, Passwort {pdf_pw}\nSeite 2 von 2",
            (pdf_pw,),
        ),
        Planted(
            "docs_example_with_real_key",
            f"### Quick start\n\n```sh\ncurl -H 'X-API-Key: {docs_key}' https://api.tarifa.es/v2/rates?from=MAD\n```",
            (docs_key,),
        ),
        Planted(
            "ansible_readme_vault_password",
            f"## Running the playbooks\nThe vault password is `{vault_pw}` — put it in `~/.vault_pass` and run `ansible-playbook site.yml`.",
            (vault_pw,),
        ),
        Planted(
            "letter_initial_password",
            f"Sehr geehrte Damen und Herren,\nIhr Initial-Passwort für das Online-Banking lautet: {initial_pw}\nBitte ändern Sie es bei der ersten Anmeldung.",
            (initial_pw,),
        ),
        Planted(
            "sharepoint_break_glass_accounts",
            f"Break-glass accounts (Entra ID)\nbg-admin-01@acme.onmicrosoft.com  {sharepoint_pws[0]}\nbg-admin-02@acme.onmicrosoft.com  {sharepoint_pws[1]}",
            sharepoint_pws,
        ),
        Planted(
            "password_change_notice",
            f"Change CHG0042117 completed.\nNew password for svc_sql_agent: {change_pw} (valid until 2027-05-31)",
            (change_pw,),
        ),
        Planted(
            "isp_router_letter_wlan_key",
            f"Ihre FRITZ!Box 7590\nWLAN-Netzwerk (SSID): FRITZ!Box 7590 QX\nWLAN-Netzwerkschlüssel: {fritz}\nFRITZ!Box-Kennwort: siehe Rückseite",
            (fritz,),
        ),
        Planted(
            "cpanel_welcome",
            f"New Account Info\n+===================================+\n| Domain: baeckerei-huber.at\n| UserName: baeckerei\n| PassWord: {cpanel_pw}\n+===================================+",
            (cpanel_pw,),
        ),
        Planted("apple_app_specific_password", f"App-specific password for Thunderbird:\n{apple}", (apple,)),
        Planted(
            "microsoft_app_password",
            f"Your app password: {m365}\nUse it instead of your normal password in Outlook 2016.",
            (m365,),
        ),
        Planted(
            "onepassword_emergency_kit",
            f"1Password Emergency Kit\nSign-in address: acme.1password.eu\nEmail: it@acme.io\nSecret Key: {op_secret_key}",
            (op_secret_key,),
        ),
        Planted(
            "break_glass_runbook_envelope",
            f"If Vault is sealed and nobody is reachable: ssh root@10.0.0.2, password (also in the safe envelope): {envelope_pw}",
            (envelope_pw,),
        ),
        Planted(
            "ticket_french_comment",
            f"Commentaire de Julien : j'ai recréé le compte FTP, identifiant « agence-lyon », mot de passe « {fr_pw} ».",
            (fr_pw,),
        ),
        Planted(
            "email_italian",
            f"Ciao Giulia,\nti giro le credenziali del gestionale: utente g.ferri, password {it_pw}\nA presto,\nMarco",
            (it_pw,),
        ),
        Planted(
            "hr_onboarding_spanish",
            f"Bienvenida al equipo 🎉\nUsuario de la intranet: cgomez\nContraseña provisional: {es_pw}",
            (es_pw,),
        ),
        Planted(
            "release_notes_leak",
            f"## 2.8.1\n- Fixed CSV export timezone\n- Tested against sandbox with key {release_key}\n- Bumped axios",
            (release_key,),
        ),
        Planted(
            "stackoverflow_question_paste",
            f"MongoNetworkError when connecting from Lambda\n\nI'm using this code:\n\n    const client = new MongoClient('mongodb+srv://lambda:{so_pw}@cluster1.x7k2p.mongodb.net/?retryWrites=true');",
            (so_pw,),
        ),
        Planted(
            "github_issue_repro_steps",
            f"**Steps to reproduce**\n1. `export GITHUB_TOKEN={issue_tok}`\n2. `npx release-it --ci`\n3. see 403",
            (issue_tok,),
        ),
        Planted(
            "mailing_list_post",
            f"On Thu, Nov 27, 2026 at 10:02 PM Hugo <hugo@lists.example.org> wrote:\n> my pg_hba is fine, here is recovery.conf:\n> primary_conninfo = 'host=10.0.0.5 user=replicator password={ml_pw}'",
            (ml_pw,),
        ),
        Planted(
            "dutch_inloggegevens",
            f"Hoi Sven,\n\nDe inloggegevens voor het klantportaal:\ngebruikersnaam: vdberg\nwachtwoord: {nl_pw}\n\nGroet, Eva",
            (nl_pw,),
        ),
    )


# --------------------------------------------------------------------------------------------------
# 11. Encoded, escaped and split secrets
# --------------------------------------------------------------------------------------------------


def _encoded_split() -> tuple[Planted, ...]:
    b64_pw = _gen("enc-b64-decode", 20)
    b64_pw_enc = base64.b64encode(b64_pw.encode()).decode()
    basic_tok = _gh_classic("enc-basic-token")
    basic_tok_enc = base64.b64encode(f"x-access-token:{basic_tok}".encode()).decode()
    hex_pw = _human("enc-hex")
    hex_pw_enc = hex_pw.encode().hex()
    url_pw = _human("enc-url", "@#!/?")
    url_pw_enc = urllib.parse.quote(url_pw, safe="")
    dbl_pw = _human("enc-double-url", "@#")
    dbl_pw_enc = urllib.parse.quote(urllib.parse.quote(dbl_pw, safe=""), safe="")
    qp_pw = "Grüne=Wiese" + _digits("enc-qp", 4)
    qp_enc = qp_pw.replace("=", "=3D").replace("ü", "=C3=BC")
    amp_pw = "Kaffee&Kuchen" + _digits("enc-amp", 4) + "!"
    amp_enc = amp_pw.replace("&", "&amp;")
    ncr_pw = _human("enc-ncr")
    ncr_enc = "".join(f"&#{ord(c)};" for c in ncr_pw)
    uesc_pw = "Kiel@" + _digits("enc-uesc", 4) + "#" + _letters("enc-uesc2", 6)
    uesc_enc = uesc_pw.replace("@", "\\u0040")
    cesc_pw = _human("enc-c-escape")
    cesc_enc = "".join(f"\\x{b:02x}" for b in cesc_pw.encode())
    rot_tok = _an("enc-rot13", 32)
    rot_enc = rot_tok.translate(
        str.maketrans(
            string.ascii_lowercase + string.ascii_uppercase,
            string.ascii_lowercase[13:]
            + string.ascii_lowercase[:13]
            + string.ascii_uppercase[13:]
            + string.ascii_uppercase[:13],
        )
    )
    rev_tok = _SK_LIVE + _an("enc-reversed", 40)
    rev_enc = rev_tok[::-1]
    split_tok = _OPENAI_PROJ + _b64u("enc-split-vars", 48) + "T3Blbk" + "FJ" + _b64u("enc-split-vars2", 48)
    split_a, split_b = split_tok[:60], split_tok[60:]
    cont_tok = _gh_classic("enc-backslash")
    cont_a, cont_b = cont_tok[:20], cont_tok[20:]
    js_key = _SK_LIVE + "51" + _an("enc-js-concat", 97)
    js_parts = (js_key[:8], js_key[8:48], js_key[48:])
    py_tok = (
        _XOXB
        + _digits("enc-py-implicit1", 12)
        + "-"
        + _digits("enc-py-implicit2", 13)
        + "-"
        + _an("enc-py-implicit3", 24)
    )
    py_parts = (py_tok[:32], py_tok[32:])
    arr_pw = _human("enc-char-array")
    arr_enc = ", ".join(f"'{c}'" for c in arr_pw)
    codes_pw = _human("enc-charcodes")
    codes_enc = ",".join(str(ord(c)) for c in codes_pw)
    jij_pw = _gen("enc-json-in-json", 20, "!#%+-.=?_~")
    jij_tok = _b64u("enc-escaped-body", 40)
    fold_key = _b64("enc-yaml-folded", 96)
    fold_parts = (fold_key[:64], fold_key[64:])
    b32_pw = _human("enc-base32")
    b32_enc = base64.b32encode(b32_pw.encode()).decode()
    dockercfg_tok = _GLPAT + _b64u("enc-dockercfg", 20)
    dockercfg_inner = json.dumps(
        {
            "auths": {
                "registry.gitlab.com": {
                    "username": "deploy",
                    "password": dockercfg_tok,
                    "auth": _basic("deploy", dockercfg_tok),
                }
            }
        }
    )
    dockercfg_b64 = base64.b64encode(dockercfg_inner.encode()).decode()
    urlsafe_pw = _human("enc-urlsafe-basic")
    urlsafe_enc = base64.urlsafe_b64encode(f"kiosk:{urlsafe_pw}".encode()).decode()
    hexdump_pw = _an("enc-hexdump", 13)
    hd_bytes = ("pw=" + hexdump_pw).encode()
    hd_hex = " ".join(f"{b:02x}" for b in hd_bytes[:8]) + "  " + " ".join(f"{b:02x}" for b in hd_bytes[8:])
    hd_secret = hd_hex[9:]
    form_pw = _human("enc-form", "!#&+=")
    form_enc = urllib.parse.quote_plus(form_pw)
    nested_pw = _human("enc-nested-url", "!#")
    nested_enc = urllib.parse.quote(urllib.parse.quote(nested_pw, safe=""), safe="")
    wrap_tok = _jwt(
        "enc-wrap",
        {"iss": "https://kubernetes.default.svc", "sub": "system:serviceaccount:argo:runner"},
        alg="RS256",
        sig_len=342,
    )
    wrap_parts = (wrap_tok[:80], wrap_tok[80:160], wrap_tok[160:240], wrap_tok[240:])
    grouped_raw = _hex("enc-grouped", 32)
    grouped = " ".join(grouped_raw[i : i + 4] for i in range(0, 32, 4))
    printf_tok = _NPM + _an("enc-printf", 36)
    printf_parts = (printf_tok[:18], printf_tok[18:])
    b64d_pw = _human("enc-b64d-env")
    b64d_enc = base64.b64encode(b64d_pw.encode()).decode()
    go_bytes_pw = _human("enc-go-bytes")
    go_bytes_enc = ", ".join(f"0x{b:02x}" for b in go_bytes_pw.encode())
    py_key_bytes = _stream("enc-py-bytes", 32)
    py_key_enc = "".join(f"\\x{b:02x}" for b in py_key_bytes)
    datauri_tok = _an("enc-data-uri", 40)
    datauri_enc = base64.b64encode(f"token={datauri_tok}\n".encode()).decode()
    jwt_claim_pw = _human("enc-jwt-claim")
    jwt_with_pw = _jwt("enc-jwt-claim", {"user": "kiosk-07", "password": jwt_claim_pw, "iat": 1764300000})
    reg_pw = _human("enc-registry")
    reg_enc = ",".join(f"{b:02x}" for b in reg_pw.encode("utf-16-le")) + ",00,00"
    ps_pw = _human("enc-powershell")
    ps_script = f"$p = ConvertTo-SecureString '{ps_pw}' -AsPlainText -Force; New-LocalUser -Name kiosk -Password $p"
    ps_enc = base64.b64encode(ps_script.encode("utf-16-le")).decode()
    sed_pw = "Tor/" + _letters("enc-sed", 5) + "&" + _digits("enc-sed2", 4)
    sed_enc = sed_pw.replace("/", "\\/").replace("&", "\\&")
    ansi_c_pw = _human("enc-ansi-c")
    ansi_c_enc = "".join(f"\\x{b:02x}" if i % 2 else chr(b) for i, b in enumerate(ansi_c_pw.encode()) if b < 128)
    props_pw = "Grün" + _letters("enc-props", 5) + _digits("enc-props2", 3) + "!"
    props_enc = props_pw.replace("ü", "\\u00FC")
    return (
        Planted(
            "base64_decode_pipe",
            f"$ echo '{b64_pw_enc}' | base64 -d > /tmp/pw && mysql --defaults-extra-file=/tmp/my.cnf",
            (b64_pw_enc,),
        ),
        Planted(
            "basic_auth_x_access_token",
            f'git -c http.extraHeader="Authorization: Basic {basic_tok_enc}" clone https://github.com/acme/infra.git',
            (basic_tok_enc,),
        ),
        Planted(
            "hex_encoded_password_var",
            f'DB_PASSWORD_HEX = "{hex_pw_enc}"  # bytes.fromhex(...).decode()',
            (hex_pw_enc,),
        ),
        Planted(
            "url_percent_encoded_userinfo",
            f"DATABASE_URL=postgresql://app:{url_pw_enc}@db.internal:5432/app",
            (url_pw_enc,),
        ),
        Planted(
            "double_url_encoded_password",
            f"GET /sso/callback?state=abc&return=%2Flogin%3Fuser%3Dkiosk%26pass%3D{dbl_pw_enc} HTTP/1.1",
            (dbl_pw_enc,),
        ),
        Planted(
            "quoted_printable_email",
            f"Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: quoted-printable\n\nHallo Jens,\ndas neue Passwort lautet: {qp_enc}\nGru=C3=9F, Petra",
            (qp_enc,),
        ),
        Planted(
            "html_amp_escaped_password",
            f"<tr><td>Mailbox</td><td>info@cafe-wien.at</td><td>{amp_enc}</td></tr>",
            (amp_enc,),
        ),
        Planted(
            "html_numeric_char_refs",
            f'<input type="hidden" name="svc_pass" value="{ncr_enc}">',
            (ncr_enc,),
        ),
        Planted(
            "json_unicode_escape_in_password",
            f'{{"smtp": {{"user": "kiel-ticket", "pass": "{uesc_enc}"}}}}',
            (uesc_enc,),
        ),
        Planted("c_hex_escaped_string", f'static const char kPw[] = "{cesc_enc}";', (cesc_enc,)),
        Planted(
            "rot13_obfuscated_token",
            f"# token, rot13'd so the scanner doesn't flag it\nTOKEN_R13 = '{rot_enc}'",
            (rot_enc,),
        ),
        Planted("reversed_string_literal", f'STRIPE = "{rev_enc}"[::-1]', (rev_enc,)),
        Planted(
            "split_across_variables",
            f'_k1 = "{split_a}"\n_k2 = "{split_b}"\nclient = OpenAI(api_key=_k1 + _k2)',
            (split_a, split_b),
        ),
        Planted(
            "shell_backslash_continuation",
            f"export GH_TOKEN={cont_a}\\\n{cont_b}",
            (cont_a, cont_b),
        ),
        Planted(
            "js_string_concatenation",
            f"const key = '{js_parts[0]}' +\n  '{js_parts[1]}' +\n  '{js_parts[2]}';",
            (js_parts[1], js_parts[2]),
        ),
        Planted(
            "python_implicit_concatenation",
            f'SLACK_TOKEN = (\n    "{py_parts[0]}"\n    "{py_parts[1]}"\n)',
            py_parts,
        ),
        Planted("char_array_literal", f"char pw[] = {{{arr_enc}, '\\0'}};", (arr_enc,)),
        Planted("js_from_char_code", f"const p = String.fromCharCode({codes_enc});", (codes_enc,)),
        Planted(
            "json_string_inside_json",
            '{"name": "billing", "config": "{\\"db\\":{\\"user\\":\\"billing\\",\\"password\\":\\"'
            f'{jij_pw}\\"}},\\"pool\\":5}}"}}',
            (jij_pw,),
        ),
        Planted(
            "escaped_json_body_in_log",
            f'level=info msg="outgoing request" body="{{\\"grant_type\\":\\"refresh_token\\",\\"refresh_token\\":\\"{jij_tok}\\"}}"',
            (jij_tok,),
        ),
        Planted(
            "yaml_folded_long_key",
            f"license:\n  key: >-\n    {fold_parts[0]}\n    {fold_parts[1]}",
            fold_parts,
        ),
        Planted("base32_encoded_password", f"ADMIN_PASS_B32={b32_enc}", (b32_enc,)),
        Planted(
            "dockerconfigjson_base64",
            f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: regcred\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: {dockercfg_b64}",
            (dockercfg_b64,),
        ),
        Planted("urlsafe_base64_query", f"https://kiosk.local/api/auth?c={urlsafe_enc}", (urlsafe_enc,)),
        Planted(
            "hexdump_canonical_line",
            f"$ hexdump -C device.cfg | sed -n 3p\n00000020  {hd_hex}  |{('pw=' + hexdump_pw)}|",
            (hd_secret, hexdump_pw),
        ),
        Planted(
            "form_body_plus_encoded",
            f"POST /wp-login.php\nlog=redaktion&pwd={form_enc}&wp-submit=Anmelden&testcookie=1",
            (form_enc,),
        ),
        Planted(
            "url_inside_url_param",
            f"https://sso.example.net/logout?redirect=https%3A%2F%2Fbackup%3A{nested_enc}%40nas.local%2Fstatus",
            (nested_enc,),
        ),
        Planted(
            "terminal_wrapped_token",
            f"Name:         runner-token-x7k2p\nType:  kubernetes.io/service-account-token\ntoken:      {wrap_parts[0]}\n{wrap_parts[1]}\n{wrap_parts[2]}\n{wrap_parts[3]}",
            wrap_parts,
        ),
        Planted("hex_key_grouped", f"Recovery key: {grouped}", (grouped,)),
        Planted(
            "shell_printf_join",
            f"NPM_TOKEN=$(printf '%s%s' '{printf_parts[0]}' '{printf_parts[1]}')",
            printf_parts,
        ),
        Planted("env_from_base64_subshell", f"export DB_PASS=$(echo '{b64d_enc}' | base64 --decode)", (b64d_enc,)),
        Planted("go_byte_slice_literal", f"var adminPass = []byte{{{go_bytes_enc}}}", (go_bytes_enc,)),
        Planted("python_bytes_hex_escapes", f'SIGNING_KEY = b"{py_key_enc}"', (py_key_enc,)),
        Planted(
            "data_uri_base64",
            f'<a href="data:text/plain;base64,{datauri_enc}" download="token.txt">token</a>',
            (datauri_enc,),
        ),
        Planted("jwt_with_password_claim", f"?sso={jwt_with_pw}", (jwt_with_pw,)),
        Planted(
            "windows_registry_hex_utf16",
            f'[HKEY_LOCAL_MACHINE\\SOFTWARE\\Kiosk]\n"User"="kiosk"\n"Password"=hex:{reg_enc}',
            (reg_enc,),
        ),
        Planted("powershell_encoded_command", f"powershell.exe -NoProfile -EncodedCommand {ps_enc}", (ps_enc,)),
        Planted(
            "sed_escaped_replacement",
            f"sed -i 's/^ADMIN_PASSWORD=.*/ADMIN_PASSWORD={sed_enc}/' /etc/kiosk/env",
            (sed_enc,),
        ),
        Planted("bash_ansi_c_quoting", f"PASS=$'{ansi_c_enc}' ./connect.sh", (ansi_c_enc,)),
        Planted("java_properties_unicode_escape", f"db.user=kasse\ndb.password={props_enc}", (props_enc,)),
    )


# --------------------------------------------------------------------------------------------------
# 12. Key material
# --------------------------------------------------------------------------------------------------

_OPENSSH_PREFIX = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gt"


def _jwk_field(seed: str, nbytes: int) -> str:
    return base64.urlsafe_b64encode(_stream("jwk:" + seed, nbytes)).decode().rstrip("=")


def _grid(words: list[str], columns: int) -> tuple[str, tuple[str, ...]]:
    """A seed phrase laid out in numbered columns, and its rows (each must not survive)."""
    rows = []
    for start in range(0, len(words), columns):
        cells = [f"{i + 1:>2}. {words[i]:<10}" for i in range(start, min(start + columns, len(words)))]
        rows.append("  ".join(cells).rstrip())
    return "\n".join(rows), tuple(rows)


def _key_material() -> tuple[Planted, ...]:
    rsa_pem, rsa_lines = _pem("RSA PRIVATE KEY", "key-rsa-pkcs1", "MIIEpAIBAAKCAQEA", 1180)
    ec_pem, ec_lines = _pem("EC PRIVATE KEY", "key-ec", "MHcCAQEEI", 112)
    gcp_body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIB" + base64.b64encode(_stream("key-gcp", 1160)).decode()
    gcp_lines = [gcp_body[i : i + 64] for i in range(0, len(gcp_body), 64)]
    gcp_pk = "-----BEGIN PRIVATE KEY-----\\n" + "\\n".join(gcp_lines) + "\\n-----END PRIVATE KEY-----\\n"
    gcp_key_id = _hex("key-gcp-id", 40)
    enc_pem, enc_lines = _pem(
        "ENCRYPTED PRIVATE KEY", "key-enc-pkcs8", "MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI", 1240
    )
    enc_pass = _phrase("key-enc-pass", 4, " ")
    ossh_pem, ossh_lines = _pem("OPENSSH PRIVATE KEY", "key-openssh", _OPENSSH_PREFIX, 300)
    legacy_body = base64.b64encode(_stream("key-legacy-enc", 1190)).decode()
    legacy_lines = [legacy_body[i : i + 64] for i in range(0, len(legacy_body), 64)]
    legacy = (
        "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,"
        + _hex("key-legacy-iv", 32).upper()
        + "\n\n"
        + "\n".join(legacy_lines)
        + "\n-----END RSA PRIVATE KEY-----"
    )
    ppk_pub = "AAAAC3NzaC1lZDI1NTE5AAAAI" + _b64("key-ppk-pub", 24)
    ppk_priv = "AAAAI" + _b64("key-ppk-priv", 33)
    jwk_ec_d = _jwk_field("ec-d", 32)
    jwk_rsa = {k: _jwk_field("rsa-" + k, 256 if k == "d" else 128) for k in ("d", "p", "q", "dp", "dq", "qi")}
    jwk_rsa_n = _jwk_field("rsa-n", 256)
    p12_b64 = (
        "MIIKYQIBAzCCCicGCSqGSIb3DQEHAaCCChgEggoUMIIKEDCCBMcGCSqGSIb3DQEHBqCCBLgwggS0AgEAMIIErQYJKoZIhvcNAQcB"
        + _b64("key-p12", 1800)
    )
    p12_pw = _gen("key-p12-pw", 18, "!#%+-.=?_~")
    wif_c = wif("fresh15:key-wif-compressed")
    wif_u = wif("fresh15:key-wif-uncompressed", compressed=False)
    wif_t = wif("fresh15:key-wif-testnet", testnet=True)
    m12 = mnemonic("fresh15:key-bip39-12", 12)
    m24 = mnemonic("fresh15:key-bip39-24", 24)
    grid_text, grid_rows = _grid(m24.split(), 3)
    m12_hardhat = mnemonic("fresh15:key-bip39-hardhat", 12)
    m18 = mnemonic("fresh15:key-bip39-18", 18)
    m18_commas = ", ".join(m18.split())
    eth_pk = "0x" + _hex("key-eth", 64)
    sol_bytes = _stream("key-solana", 64)
    sol_json = "[" + ",".join(str(b) for b in sol_bytes) + "]"
    xprv = "xprv9s21ZrQH143K" + _b58("key-xprv", 95)
    age_key = _AGE + _bech("key-age", 58).upper()
    age_pub = "age1" + _bech("key-age-pub", 58)
    minisign = "RWRTY0Iy" + _b64("key-minisign", 152)
    signify = "RWRCSwAAAA" + _b64("key-signify", 96)
    wg_priv = _b64("key-wg-priv", 32)
    wg_psk = _b64("key-wg-psk", 32)
    wg_pub = _b64("key-wg-peer-pub", 32)
    wg_gen = _b64("key-wg-genkey", 32)
    gpg_body = "lQVYBGZk" + base64.b64encode(_stream("key-gpg", 1500)).decode()
    gpg_lines = [gpg_body[i : i + 64] for i in range(0, len(gpg_body), 64)]
    gpg = (
        "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n"
        + "\n".join(gpg_lines)
        + "\n="
        + _b64("key-gpg-crc", 3)
        + "\n-----END PGP PRIVATE KEY BLOCK-----"
    )
    gradle_store = _human("key-gradle-store")
    gradle_key = _human("key-gradle-key")
    props_store = _gen("key-props-store", 20, "!#%+-.=?_~")
    props_key = _gen("key-props-key", 20, "!#%+-.=?_~")
    keylog_secrets = (_hex("key-keylog-1", 96), _hex("key-keylog-2", 64), _hex("key-keylog-3", 64))
    dnssec = _b64("key-dnssec", 32)
    tsig = _b64("key-tsig", 32)
    keytab_keys = (_hex("key-keytab-1", 64), _hex("key-keytab-2", 32))
    cosign_body = "eyJrZGYiOnsibmFtZSI6InNjcnlwdCIsInBhcmFtcyI6eyJOIjozMjc2OCwiciI6OCwicCI6MX0sInNhbHQiOi" + _b64(
        "key-cosign", 420
    )
    cosign_lines = [cosign_body[i : i + 64] for i in range(0, len(cosign_body), 64)]
    cosign = (
        "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n"
        + "\n".join(cosign_lines)
        + "\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----"
    )
    cosign_pw = _gen("key-cosign-pw", 24)
    ovpn_lines = tuple(_hex(f"key-ovpn-static-{i}", 32) for i in range(16))
    le_d, le_p, le_q = _jwk_field("le-d", 256), _jwk_field("le-p", 128), _jwk_field("le-q", 128)
    nacl_seed = _hex("key-nacl", 64)
    nsec = "nsec1" + _bech("key-nostr", 58)
    xmr_spend = _hex("key-xmr-spend", 64)
    xmr_view = _hex("key-xmr-view", 64)
    electrum = _phrase("key-electrum", 12, " ")
    slip39 = _phrase("key-slip39", 20, " ")
    host_pem, host_lines = _pem("OPENSSH PRIVATE KEY", "key-hostkey", _OPENSSH_PREFIX, 290)
    unseal = tuple(_b64(f"key-unseal-{i}", 33) for i in range(5))
    root_tok = _HVS + _b64u("key-vault-root", 24)
    tls_pem, _tls_lines = _pem("PRIVATE KEY", "key-k8s-tls", "MIIEvgIBADANBgkqhkiG9w0BAQEFAASC", 1180)
    tls_b64 = base64.b64encode((tls_pem + "\n").encode()).decode()
    apns_pem, apns_lines = _pem("PRIVATE KEY", "key-apns", "MIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQg", 100)
    eth_ct = _hex("key-eth-keystore-ct", 64)
    eth_pw = _human("key-eth-keystore-pw")
    dkim_pem, dkim_lines = _pem("PRIVATE KEY", "key-dkim", "MIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBA", 580)
    kube_key_pem, _kk = _pem("RSA PRIVATE KEY", "key-kubeconfig", "MIIEowIBAAKCAQEA", 1180)
    kube_key_b64 = base64.b64encode((kube_key_pem + "\n").encode()).decode()
    return (
        Planted("rsa_pkcs1_pem_cat", f"$ cat ~/.ssh/id_rsa_legacy\n{rsa_pem}", rsa_lines),
        Planted("ec_private_key_pem", f"$ openssl ecparam -name prime256v1 -genkey -noout\n{ec_pem}", ec_lines),
        Planted(
            "gcp_service_account_json",
            '{\n  "type": "service_account",\n  "project_id": "ml-prod-4471",\n'
            f'  "private_key_id": "{gcp_key_id}",\n  "private_key": "{gcp_pk}",\n'
            '  "client_email": "loader@ml-prod-4471.iam.gserviceaccount.com",\n  "client_id": "104882137650912345678"\n}',
            (gcp_key_id, *(line for line in gcp_lines if len(line) >= 16)),
        ),
        Planted(
            "encrypted_pkcs8_with_passphrase",
            f"{enc_pem}\n\nPassphrase for the key above: {enc_pass}",
            (*enc_lines, enc_pass),
        ),
        Planted("openssh_private_key", f"{ossh_pem}", ossh_lines),
        Planted("legacy_encrypted_rsa_pem", legacy, tuple(line for line in legacy_lines if len(line) >= 16)),
        Planted(
            "putty_ppk_v3",
            f"PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: ed25519-key-20261128\nPublic-Lines: 2\n{ppk_pub[:64]}\n{ppk_pub[64:]}\n"
            f"Private-Lines: 1\n{ppk_priv}\nPrivate-MAC: {_hex('key-ppk-mac', 64)}",
            (ppk_priv,),
        ),
        Planted(
            "jwk_ec_private",
            f'{{"kty":"EC","crv":"P-256","kid":"sig-2026-11","x":"{_jwk_field("ec-x", 32)}","y":"{_jwk_field("ec-y", 32)}","d":"{jwk_ec_d}"}}',
            (jwk_ec_d,),
        ),
        Planted(
            "jwk_rsa_private",
            '{\n  "kty": "RSA",\n  "kid": "auth-rs256-1",\n  "e": "AQAB",\n'
            f'  "n": "{jwk_rsa_n}",\n'
            + "".join(f'  "{k}": "{v}",\n' for k, v in jwk_rsa.items())
            + '  "alg": "RS256"\n}',
            tuple(jwk_rsa.values()),
        ),
        Planted(
            "pkcs12_base64_ci_variables",
            f"IOS_DIST_CERT_P12_BASE64={p12_b64}\nIOS_DIST_CERT_PASSWORD={p12_pw}",
            (p12_b64, p12_pw),
        ),
        Planted("bitcoin_wif_compressed", f'importprivkey "{wif_c}" "cold-1" false', (wif_c,)),
        Planted(
            "bitcoin_wif_dumpprivkey",
            f"$ bitcoin-cli dumpprivkey 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2\n{wif_u}",
            (wif_u,),
        ),
        Planted("bitcoin_wif_testnet_env", f"TESTNET_FAUCET_WIF={wif_t}", (wif_t,)),
        Planted("bip39_12_words_plain", f"my metamask recovery phrase: {m12}", (m12,)),
        Planted("bip39_24_words_grid", f"Recovery phrase (write it down!)\n\n{grid_text}", grid_rows),
        Planted(
            "hardhat_config_mnemonic",
            f'module.exports = {{\n  networks: {{\n    sepolia: {{\n      url: process.env.SEPOLIA_RPC,\n      accounts: {{ mnemonic: "{m12_hardhat}" }},\n    }},\n  }},\n}};',
            (m12_hardhat,),
        ),
        Planted("bip39_18_words_commas", f"seed: {m18_commas}", (m18_commas,)),
        Planted(
            "ethereum_private_key_env", f"SEPOLIA_RPC=https://rpc.sepolia.org\nDEPLOYER_PRIVATE_KEY={eth_pk}", (eth_pk,)
        ),
        Planted("solana_keypair_json", f"$ cat ~/.config/solana/id.json\n{sol_json}", (sol_json,)),
        Planted("bip32_xprv", f"Account extended private key: {xprv}", (xprv,)),
        Planted(
            "age_identity_file",
            f"# created: 2026-11-28T10:00:00+01:00\n# public key: {age_pub}\n{age_key}",
            (age_key,),
        ),
        Planted(
            "minisign_secret_key_file", f"untrusted comment: minisign encrypted secret key\n{minisign}", (minisign,)
        ),
        Planted("signify_secret_key_file", f"untrusted comment: signify secret key\n{signify}", (signify,)),
        Planted(
            "wireguard_wg0_conf",
            f"[Interface]\nAddress = 10.8.0.2/24\nPrivateKey = {wg_priv}\nDNS = 1.1.1.1\n\n[Peer]\nPublicKey = {wg_pub}\n"
            f"PresharedKey = {wg_psk}\nEndpoint = vpn.casa-rossi.it:51820\nAllowedIPs = 0.0.0.0/0",
            (wg_priv, wg_psk),
        ),
        Planted("wireguard_genkey_output", f"$ wg genkey | tee privatekey\n{wg_gen}", (wg_gen,)),
        Planted("gpg_armored_private_key", gpg, tuple(line for line in gpg_lines if len(line) >= 16)),
        Planted(
            "gradle_signing_config",
            'signingConfigs {\n    release {\n        storeFile file("upload-keystore.jks")\n'
            f'        storePassword "{gradle_store}"\n        keyAlias "upload"\n        keyPassword "{gradle_key}"\n    }}\n}}',
            (gradle_store, gradle_key),
        ),
        Planted(
            "android_key_properties",
            f"storePassword={props_store}\nkeyPassword={props_key}\nkeyAlias=upload\nstoreFile=/Users/ana/upload-keystore.jks",
            (props_store, props_key),
        ),
        Planted(
            "tls_keylog_file",
            f"# SSL/TLS secrets log file, generated by NSS\nCLIENT_RANDOM {_hex('key-keylog-cr', 64)} {keylog_secrets[0]}\n"
            f"CLIENT_HANDSHAKE_TRAFFIC_SECRET {_hex('key-keylog-cr2', 64)} {keylog_secrets[1]}\n"
            f"SERVER_TRAFFIC_SECRET_0 {_hex('key-keylog-cr2', 64)} {keylog_secrets[2]}",
            keylog_secrets,
        ),
        Planted(
            "dnssec_private_key_file",
            f"Private-key-format: v1.3\nAlgorithm: 13 (ECDSAP256SHA256)\nPrivateKey: {dnssec}\nCreated: 20261128100000",
            (dnssec,),
        ),
        Planted(
            "bind_tsig_key", f'key "xfr-secondary" {{\n    algorithm hmac-sha256;\n    secret "{tsig}";\n}};', (tsig,)
        ),
        Planted(
            "klist_keytab_with_keys",
            "$ klist -k -K -e /etc/krb5.keytab\nKeytab name: FILE:/etc/krb5.keytab\nKVNO Principal\n---- --------------------------------------------------------------------------\n"
            f"   3 host/app01.corp.local@CORP.LOCAL (aes256-cts-hmac-sha1-96)  (0x{keytab_keys[0]})\n"
            f"   3 host/app01.corp.local@CORP.LOCAL (aes128-cts-hmac-sha1-96)  (0x{keytab_keys[1]})",
            keytab_keys,
        ),
        Planted(
            "cosign_key_and_password",
            f"{cosign}\n\nCOSIGN_PASSWORD={cosign_pw}",
            (*(line for line in cosign_lines if len(line) >= 16), cosign_pw),
        ),
        Planted(
            "openvpn_static_key",
            "#\n# 2048 bit OpenVPN static key\n#\n-----BEGIN OpenVPN Static key V1-----\n"
            + "\n".join(ovpn_lines)
            + "\n-----END OpenVPN Static key V1-----",
            ovpn_lines,
        ),
        Planted(
            "letsencrypt_account_private_key_json",
            f'{{"e": "AQAB", "kty": "RSA", "n": "{_jwk_field("le-n", 256)}", "d": "{le_d}", "p": "{le_p}", "q": "{le_q}"}}',
            (le_d, le_p, le_q),
        ),
        Planted(
            "pynacl_signing_key_seed",
            f'signing_key = nacl.signing.SigningKey(bytes.fromhex("{nacl_seed}"))',
            (nacl_seed,),
        ),
        Planted("nostr_nsec", f"my nostr key (don't share): {nsec}", (nsec,)),
        Planted(
            "monero_wallet_keys",
            f"[wallet 4Ax8Kz]: spendkey\nsecret: {xmr_spend}\npublic: {_hex('key-xmr-spend-pub', 64)}\n"
            f"[wallet 4Ax8Kz]: viewkey\nsecret: {xmr_view}\npublic: {_hex('key-xmr-view-pub', 64)}",
            (xmr_spend, xmr_view),
        ),
        Planted("electrum_style_seed", f'Your wallet generation seed is:\n"{electrum}"', (electrum,)),
        Planted("slip39_share", f"Share #1 of 3 (threshold 2):\n{slip39}", (slip39,)),
        Planted("ssh_host_key_cat", f"$ sudo cat /etc/ssh/ssh_host_ed25519_key\n{host_pem}", host_lines),
        Planted(
            "vault_operator_init_output",
            "$ vault operator init\n"
            + "".join(f"Unseal Key {i + 1}: {k}\n" for i, k in enumerate(unseal))
            + f"\nInitial Root Token: {root_tok}\n\nVault initialized with 5 key shares and a key threshold of 3.",
            (*unseal, root_tok),
        ),
        Planted(
            "k8s_tls_secret_key_b64",
            f"apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\nmetadata:\n  name: shop-tls\ndata:\n  tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t\n  tls.key: {tls_b64}",
            (tls_b64,),
        ),
        Planted("apns_p8_auth_key", f"$ cat AuthKey_7QX2K9LM4B.p8\n{apns_pem}", apns_lines),
        Planted(
            "ethereum_keystore_and_password",
            f'{{"version":3,"id":"{_uuid("key-eth-ks")}","address":"{_hex("key-eth-addr", 40)}","crypto":{{"ciphertext":"{eth_ct}",'
            f'"cipherparams":{{"iv":"{_hex("key-eth-iv", 32)}"}},"cipher":"aes-128-ctr","kdf":"scrypt"}}}}\n$ cat password.txt\n{eth_pw}',
            (eth_ct, eth_pw),
        ),
        Planted(
            "dkim_private_key_file", f"$ cat /etc/opendkim/keys/vereinsheim.de/mail.private\n{dkim_pem}", dkim_lines
        ),
        Planted(
            "kubeconfig_client_key_data",
            f"users:\n- name: kubernetes-admin\n  user:\n    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t\n    client-key-data: {kube_key_b64}",
            (kube_key_b64,),
        ),
    )


# --------------------------------------------------------------------------------------------------
# 13. Hard cases
# --------------------------------------------------------------------------------------------------


def _hard_cases() -> tuple[Planted, ...]:
    otp = _b32("hard-otpauth", 32)
    manual_raw = _b32("hard-totp-manual", 32).lower()
    manual = " ".join(manual_raw[i : i + 4] for i in range(0, 32, 4))
    backup_codes = tuple(f"{_digits(f'hard-backup-{i}', 4)} {_digits(f'hard-backup2-{i}', 4)}" for i in range(10))
    cookie_val = _b64u("hard-cookie-jar", 64)
    frag_tok = _b64u("hard-fragment", 86)
    md_tok = "glsa_" + _an("hard-md-link", 32) + "_" + _hex("hard-md-link2", 8)
    wget_tok = _an("hard-wget", 32)
    raw_tok = _GLPAT + _b64u("hard-gitlab-raw", 20)
    anchor_pw = _gen("hard-yaml-anchor", 20, "!#%+-.=?_~")
    hist_tok = _HVS + "CAESI" + _b64u("hard-history", 86)
    hist_pw = _human("hard-history-pw")
    bh_pw = _human("hard-bash-history")
    bh_tok = _gh_classic("hard-bash-history-tok")
    ps_pw1 = _an("hard-ps-1", 18)
    ps_pw2 = _gen("hard-ps-2", 16, "!#%+-.=?_~")
    environ_pw = _gen("hard-environ", 20, "!#%+-.=?_~")
    environ_key = _SK_LIVE + _an("hard-environ-key", 99)
    cmdline_pw = _an("hard-cmdline", 20)
    inspect_pw = _an("hard-docker-inspect", 24)
    inspect_key = _an("hard-docker-inspect-key", 40)
    describe_key = _hex("hard-describe", 40)
    remote_tok = _GHP + _an("hard-git-remote", 36)
    req_tok = _GH_FINE + "11" + _up("hard-req-a", 20) + "_" + _an("hard-req-b", 59)
    lock_pw = _an("hard-npm-lock", 20)
    goproxy_tok = _an("hard-goproxy", 32)
    wifi_pw = _human("hard-wifi-qr", "!#.*%_+")
    rtsp_pw = _an("hard-rtsp", 12)
    smb_pw = _human("hard-smb-url", "!*.-_~")
    vnc_pw = _an("hard-vnc", 8)
    socks_pw = _an("hard-socks", 16)
    snow_pw = _gen("hard-snowflake", 18, _URL_SAFE_SYMS)
    jdbc_pw = _an("hard-jdbc-query", 18)
    mssql_pw = _gen("hard-mssql-url", 18, _URL_SAFE_SYMS)
    nats_pw = _an("hard-nats", 24)
    ch_pw = _an("hard-clickhouse", 20)
    dwh_id = _digits("hard-discord-wh", 19)
    dwh_tok = _b64u("hard-discord-wh-token", 68)
    teams_url = (
        f"https://acme.webhook.office.com/webhookb2/{_uuid('hard-teams-1')}@{_uuid('hard-teams-2')}/IncomingWebhook/"
        f"{_hex('hard-teams-3', 32)}/{_uuid('hard-teams-4')}/V2{_b64u('hard-teams-5', 43)}"
    )
    gchat_tok = _b64u("hard-gchat", 43)
    reset_tok = _b64u("hard-reset", 43)
    invite_tok = "zt-2" + _low("hard-invite1", 10) + "-" + _b64u("hard-invite2", 22)
    flask_cookie = ".eJw" + _b64u("hard-flask", 60) + "." + _b64u("hard-flask2", 6) + "." + _b64u("hard-flask3", 27)
    setx_tok = _GHP + _an("hard-set-x", 36)
    make_tok = _an("hard-make", 40)
    strace_pw = _human("hard-strace")
    tcpdump_pw = _human("hard-tcpdump")
    tcpdump_b64 = _basic("printer", tcpdump_pw)
    fill_tok = _GHO + _an("hard-cred-fill", 36)
    vscode_pw = _human("hard-vscode")
    annot_pw = _gen("hard-last-applied", 22, "!#%+-.=?_~")
    tfstate_pw = _gen("hard-tfstate", 24)
    dh_key = _an("hard-docker-history", 40)
    cookie_js = _b64u("hard-document-cookie", 40)
    ls_access = _jwt(
        "hard-localstorage", {"sub": "u_4411", "scope": "orders:write", "exp": 1764400000}, alg="RS256", sig_len=342
    )
    ls_refresh = _b64u("hard-localstorage-refresh", 64)
    migration = urllib.parse.quote(base64.b64encode(_stream("hard-otp-migration", 92)).decode(), safe="")
    jupyter_tok = _hex("hard-jupyter", 48)
    gh_status = _GHO + _an("hard-gh-auth-status", 36)
    sts_secret = _pick("hard-sts-secret", 40, _ALNUM + "/+")
    sts_session = "IQoJb3JpZ2luX2VjE" + _b64("hard-sts-session", 300).rstrip("=")
    sts_id = _ASIA + _up("hard-sts-id", 16)
    az_access = _jwt(
        "hard-az-token",
        {"aud": "https://management.azure.com/", "iss": "https://sts.windows.net/72f988bf/", "upn": "ops@acme.io"},
        alg="RS256",
        sig_len=342,
    )
    ya29 = "ya" + "29.a0" + _b64u("hard-ya29", 200)
    heroku_tok = "HRKU" + "-AA" + _b64u("hard-heroku-token", 58)
    url_path_jwt = _jwt("hard-url-path", {"email": "p.novak@firma.cz", "purpose": "magic-link", "exp": 1764330000})
    custom_hdr = _an("hard-custom-header", 36)
    return (
        Planted(
            "otpauth_uri",
            f"otpauth://totp/Acme%20VPN:m.kowalski@acme.io?secret={otp}&issuer=Acme%20VPN&algorithm=SHA1&digits=6&period=30",
            (otp,),
        ),
        Planted(
            "totp_manual_entry_key",
            f"Can't scan the QR code? Enter this setup key in your authenticator app:\n{manual}",
            (manual,),
        ),
        Planted(
            "google_backup_codes_file",
            "BACKUP VERIFICATION CODES\nm.kowalski@gmail.com\n\n"
            + "\n".join(f"{i + 1}. {c}" for i, c in enumerate(backup_codes)),
            backup_codes,
        ),
        Planted(
            "netscape_cookie_jar",
            f"# Netscape HTTP Cookie File\n#HttpOnly_.portal.example.de\tTRUE\t/\tTRUE\t1767225600\tPORTALSESSID\t{cookie_val}",
            (cookie_val,),
        ),
        Planted(
            "oauth_implicit_fragment",
            f"http://localhost:5173/callback#access_token={frag_tok}&token_type=Bearer&expires_in=3600&state=xyzABC",
            (frag_tok,),
        ),
        Planted(
            "markdown_link_with_token",
            f"See the [latency dashboard](https://grafana.acme.io/d/lat01/latency?orgId=1&auth_token={md_tok}) for the spike.",
            (md_tok,),
        ),
        Planted(
            "wget_saved_filename",
            f"--2026-11-28 10:14:02--  https://files.acme.io/dl?token={wget_tok}\nResolving files.acme.io... 203.0.113.9\n"
            f"HTTP request sent, awaiting response... 200 OK\nSaving to: ‘dl?token={wget_tok}’",
            (wget_tok,),
        ),
        Planted(
            "gitlab_raw_private_token_param",
            f"curl -sL 'https://gitlab.com/api/v4/projects/4412/repository/files/deploy%2Fvalues.yaml/raw?ref=main&private_token={raw_tok}'",
            (raw_tok,),
        ),
        Planted(
            "yaml_anchor_alias",
            f'x-db-password: &dbpass "{anchor_pw}"\n\nservices:\n  api:\n    environment:\n      DB_PASSWORD: *dbpass\n  worker:\n    environment:\n      DB_PASSWORD: *dbpass',
            (anchor_pw,),
        ),
        Planted(
            "shell_history_tail",
            f"$ history | tail -4\n  509  cd infra\n  510  export VAULT_TOKEN={hist_tok}\n  511  mysql -u admin -p'{hist_pw}' -h 10.0.0.9\n  512  history | tail -4",
            (hist_tok, hist_pw),
        ),
        Planted(
            "bash_history_with_timestamps",
            f"#1764300112\nmysql -uroot -p'{bh_pw}' -e 'select 1'\n#1764300190\ncurl -H \"Authorization: token {bh_tok}\" https://api.github.com/user",
            (bh_pw, bh_tok),
        ),
        Planted(
            "ps_aux_listing",
            "USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n"
            f"backup    2211  3.1  0.4 221044 18812 ?        S    03:00   0:04 pg_dump postgresql://backup:{ps_pw1}@10.0.0.5/billing\n"
            f"app       3104 12.0 11.2 6.1g  912m ?          Sl   Nov27  88:12 java -Dspring.datasource.password={ps_pw2} -jar /opt/app/app.jar",
            (ps_pw1, ps_pw2),
        ),
        Planted(
            "proc_environ_cat_v",
            f"$ sudo cat -v /proc/3104/environ\nHOSTNAME=app-7d9f8c6b5-x2kq9^@DB_PASSWORD={environ_pw}^@STRIPE_KEY={environ_key}^@HOME=/root^@",
            (environ_pw, environ_key),
        ),
        Planted(
            "proc_cmdline_tr",
            f"$ tr '\\0' ' ' < /proc/2211/cmdline\nredis-server --requirepass {cmdline_pw} --port 6380 --appendonly yes",
            (cmdline_pw,),
        ),
        Planted(
            "docker_inspect_env",
            f'"Config": {{\n    "Hostname": "f3a9c1d2e4b5",\n    "Env": [\n        "POSTGRES_PASSWORD={inspect_pw}",\n        "MAPBOX_KEY={inspect_key}",\n'
            '        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"\n    ],',
            (inspect_pw, inspect_key),
        ),
        Planted(
            "kubectl_describe_env",
            f"Containers:\n  api:\n    Image:   registry.acme.io/api:2.4.1\n    Environment:\n      NODE_ENV:        production\n      PAYMENT_API_KEY: {describe_key}\n"
            "      DB_PASSWORD:     <set to the key 'password' in secret 'api-db'>  Optional: false",
            (describe_key,),
        ),
        Planted(
            "git_remote_v",
            f"$ git remote -v\norigin\thttps://ci-bot:{remote_tok}@github.com/acme/platform.git (fetch)\norigin\thttps://ci-bot:{remote_tok}@github.com/acme/platform.git (push)",
            (remote_tok,),
        ),
        Planted(
            "requirements_txt_vcs_token",
            f"requests==2.32.3\nacme-common @ git+https://{req_tok}@github.com/acme/acme-common.git@v1.8.0\npydantic>=2.7",
            (req_tok,),
        ),
        Planted(
            "package_lock_resolved_credentials",
            f'"node_modules/lodash": {{\n  "version": "4.17.21",\n  "resolved": "https://npm-reader:{lock_pw}@nexus.acme.internal/repository/npm-all/lodash/-/lodash-4.17.21.tgz",\n'
            '  "integrity": "sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg=="\n}',
            (lock_pw,),
        ),
        Planted(
            "goproxy_with_credentials",
            f"export GOPROXY=https://go:{goproxy_tok}@athens.acme.internal,direct",
            (goproxy_tok,),
        ),
        Planted(
            "wifi_qr_payload", f"$ zbarimg wifi.png\nQR-Code:WIFI:T:WPA;S:Casa Lopes;P:{wifi_pw};H:false;;", (wifi_pw,)
        ),
        Planted(
            "rtsp_camera_url", f"ffplay 'rtsp://admin:{rtsp_pw}@192.168.1.64:554/Streaming/Channels/101'", (rtsp_pw,)
        ),
        Planted("smb_url_credentials", f"open 'smb://marta:{smb_pw}@nas01.local/scans'", (smb_pw,)),
        Planted("vnc_url_password", f"vncviewer vnc://:{vnc_pw}@10.0.0.77:5901", (vnc_pw,)),
        Planted("socks5_proxy_env", f"export ALL_PROXY=socks5h://tunnel:{socks_pw}@proxy.acme.io:1080", (socks_pw,)),
        Planted(
            "snowflake_sqlalchemy_url",
            f"SNOWFLAKE_URL=snowflake://etl:{snow_pw}@xy12345.eu-central-1/ANALYTICS/PUBLIC?warehouse=LOAD_WH&role=LOADER",
            (snow_pw,),
        ),
        Planted(
            "jdbc_query_param_password",
            f"spring.datasource.url=jdbc:mysql://db:3306/app?user=app&password={jdbc_pw}&useSSL=true&serverTimezone=UTC",
            (jdbc_pw,),
        ),
        Planted(
            "mssql_pyodbc_url",
            f"mssql+pyodbc://sa:{mssql_pw}@sql01.corp.local:1433/ERP?driver=ODBC+Driver+18+for+SQL+Server&TrustServerCertificate=yes",
            (mssql_pw,),
        ),
        Planted(
            "nats_url_credentials",
            f"NATS_URL=nats://orders:{nats_pw}@nats-0.nats:4222,nats://orders:{nats_pw}@nats-1.nats:4222",
            (nats_pw,),
        ),
        Planted(
            "clickhouse_url",
            f"clickhouse-client --host ch.internal --user default --password {ch_pw} --query 'SELECT 1'",
            (ch_pw,),
        ),
        Planted(
            "discord_webhook_url",
            f"DISCORD_WEBHOOK=https://discord.com/api/webhooks/{dwh_id}/{dwh_tok}",
            (dwh_tok,),
        ),
        Planted("teams_incoming_webhook_url", f'$webhook = "{teams_url}"', (teams_url,)),
        Planted(
            "google_chat_webhook_token",
            f"https://chat.googleapis.com/v1/spaces/AAAAq7xK2Lm/messages?key={_AIZA}SyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI&token={gchat_tok}",
            (gchat_tok,),
        ),
        Planted(
            "password_reset_link",
            f"Click the link below to reset your password (valid for 30 minutes):\nhttps://app.tablero.io/reset-password?uid=4411&token={reset_tok}",
            (reset_tok,),
        ),
        Planted(
            "slack_shared_invite_link",
            f"join us: https://join.slack.com/t/acme-oss/shared_invite/{invite_tok}",
            (invite_tok,),
        ),
        Planted("flask_session_cookie", f"Cookie: session={flask_cookie}; theme=dark", (flask_cookie,)),
        Planted(
            "set_x_trace_authorization",
            f"+ curl -sS -H 'Authorization: token {setx_tok}' https://api.github.com/repos/acme/app/actions/runs\n+ jq '.total_count'",
            (setx_tok,),
        ),
        Planted("make_variable_token", f"make deploy ENV=prod API_TOKEN={make_tok}", (make_tok,)),
        Planted(
            "strace_write_password",
            f'write(3, "USER lieferant\\r\\n", 16)          = 16\nwrite(3, "PASS {strace_pw}\\r\\n", {len(strace_pw) + 7}) = {len(strace_pw) + 7}',
            (strace_pw,),
        ),
        Planted(
            "tcpdump_ascii_payload",
            f"10:14:02.118204 IP 10.0.0.23.51544 > 10.0.0.50.631: Flags [P.], seq 1:212, ack 1, win 502, length 211\n"
            f"E...@.@.....POST /admin HTTP/1.1\nHost: 10.0.0.50:631\nAuthorization: Basic {tcpdump_b64}",
            (tcpdump_b64,),
        ),
        Planted(
            "git_credential_fill_output",
            f"$ printf 'protocol=https\\nhost=github.com\\n' | git credential fill\nprotocol=https\nhost=github.com\nusername=mkaur\npassword={fill_tok}",
            (fill_tok,),
        ),
        Planted(
            "vscode_settings_sqltools",
            f'"sqltools.connections": [\n    {{\n        "name": "prod (read-only)",\n        "driver": "PostgreSQL",\n        "server": "pg-ro.internal",\n'
            f'        "username": "ro",\n        "password": "{vscode_pw}"\n    }}\n]',
            (vscode_pw,),
        ),
        Planted(
            "k8s_last_applied_annotation",
            "metadata:\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: |\n"
            f'      {{"apiVersion":"v1","kind":"Secret","metadata":{{"name":"ledger-db","namespace":"prod"}},"stringData":{{"password":"{annot_pw}"}},"type":"Opaque"}}',
            (annot_pw,),
        ),
        Planted(
            "terraform_state_attributes",
            '{\n  "mode": "managed",\n  "type": "random_password",\n  "name": "db",\n  "instances": [\n    {\n      "attributes": {\n'
            f'        "length": 24,\n        "result": "{tfstate_pw}",\n        "special": true\n      }},\n      "sensitive_attributes": []\n    }}\n  ]\n}}',
            (tfstate_pw,),
        ),
        Planted(
            "docker_history_env",
            "$ docker history --no-trunc registry.acme.io/search:1.9 | head -3\nIMAGE          CREATED       CREATED BY\n"
            f"sha256:9f8e7d  2 days ago    /bin/sh -c #(nop)  ENV TYPESENSE_API_KEY={dh_key}",
            (dh_key,),
        ),
        Planted(
            "devtools_document_cookie",
            f"> document.cookie\n< '_ga=GA1.1.1234567890.1764300000; remember_user_token={cookie_js}; locale=pt-BR'",
            (cookie_js,),
        ),
        Planted(
            "devtools_localstorage_auth",
            f'> localStorage.getItem(\'auth\')\n< \'{{"accessToken":"{ls_access}","refreshToken":"{ls_refresh}","user":{{"id":4411}}}}\'',
            (ls_access, ls_refresh),
        ),
        Planted(
            "authenticator_migration_qr",
            f"$ zbarimg export.png\nQR-Code:otpauth-migration://offline?data={migration}\nscanned 1 barcode symbols from 1 images",
            (migration,),
        ),
        Planted(
            "jupyter_server_token_url",
            f"[I 2026-11-28 10:01:02.118 ServerApp] Jupyter Server 2.14.2 is running at:\n[I 2026-11-28 10:01:02.118 ServerApp] http://127.0.0.1:8888/lab?token={jupyter_tok}",
            (jupyter_tok,),
        ),
        Planted(
            "gh_auth_status_show_token",
            f"$ gh auth status --show-token\ngithub.com\n  ✓ Logged in to github.com account mkaur (keyring)\n  - Active account: true\n  - Git operations protocol: https\n  - Token: {gh_status}",
            (gh_status,),
        ),
        Planted(
            "aws_sts_session_token_output",
            f'{{\n    "Credentials": {{\n        "AccessKeyId": "{sts_id}",\n        "SecretAccessKey": "{sts_secret}",\n        "SessionToken": "{sts_session}",\n'
            '        "Expiration": "2026-11-28T22:14:02+00:00"\n    }\n}',
            (sts_id, sts_secret, sts_session),
        ),
        Planted(
            "az_get_access_token_output",
            f'{{\n  "accessToken": "{az_access}",\n  "expiresOn": "2026-11-28 11:14:02.000000",\n  "subscription": "3f2b8c1d-0000-4f09-b6d2-91c0e5a7f3b8",\n  "tokenType": "Bearer"\n}}',
            (az_access,),
        ),
        Planted("gcloud_print_access_token", f"$ gcloud auth print-access-token\n{ya29}", (ya29,)),
        Planted(
            "heroku_auth_token_output",
            f"$ heroku auth:token\n ›   Warning: token will expire 11/28/2027\n{heroku_tok}",
            (heroku_tok,),
        ),
        Planted(
            "jwt_in_url_path",
            f'172.18.0.1 - - [28/Nov/2026:10:20:11 +0000] "GET /auth/magic/{url_path_jwt} HTTP/1.1" 302 0',
            (url_path_jwt,),
        ),
        Planted("custom_auth_header_name", f"X-Tablero-Auth: {custom_hdr}", (custom_hdr,)),
    )


# --------------------------------------------------------------------------------------------------
# The set
# --------------------------------------------------------------------------------------------------

FAMILIES15: dict[str, tuple[Planted, ...]] = {
    "vendor_tokens": _vendor_tokens(),
    "terminal_sessions": _terminal_sessions(),
    "config_formats": _config_formats(),
    "source_code": _source_code(),
    "logs_http": _logs_http(),
    "user_chat": _user_chat(),
    "agent_prose": _agent_prose(),
    "diffs_reviews": _diffs_reviews(),
    "notebooks_data": _notebooks_data(),
    "pasted_docs": _pasted_docs(),
    "encoded_split": _encoded_split(),
    "key_material": _key_material(),
    "hard_cases": _hard_cases(),
}

FRESH15: tuple[Planted, ...] = tuple(p for family in FAMILIES15.values() for p in family)


# --------------------------------------------------------------------------------------------------
# Look-alikes: texts that resemble secrets but hold none
# --------------------------------------------------------------------------------------------------


def _sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _sha1_of(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def _benign() -> tuple[str, ...]:
    commit = [_sha1_of(f"benign-commit-{i}") for i in range(6)]
    ed_pub = "AAAAC3NzaC1lZDI1NTE5AAAAI" + _b64("benign-ed-pub", 24)
    rsa_pub = "AAAAB3NzaC1yc2EAAAADAQABAAABgQ" + _b64("benign-rsa-pub", 380)
    pub_pem_body = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" + _b64("benign-pub-pem", 250)
    pub_pem = "\n".join(pub_pem_body[i : i + 64] for i in range(0, len(pub_pem_body), 64))
    cert_body = "MIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ" + _b64("benign-cert", 600)
    cert = "\n".join(cert_body[i : i + 64] for i in range(0, len(cert_body), 64))
    aws_doc_id = "AKIA" + "IOSFODNN7" + "EXAMPLE"
    aws_doc_secret = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCY" + "EXAMPLEKEY"
    pk_test = "pk" + "_test_" + "TYooMQauvdEDq54NiTphI7jx"
    gh_regex = "gh" + "p_[A-Za-z0-9]{36}"
    return (
        f"ssh-ed25519 {ed_pub} lena@thinkpad-x1",
        f"ssh-rsa {rsa_pub} deploy@ci-runner-03",
        f"-----BEGIN PUBLIC KEY-----\n{pub_pem}\n-----END PUBLIC KEY-----",
        f"-----BEGIN CERTIFICATE-----\n{cert}\n-----END CERTIFICATE-----",
        f"$ git log --oneline -4\n{commit[0][:7]} fix(api): handle empty cart\n{commit[1][:7]} chore: bump deps\n{commit[2][:7]} docs: update README\n{commit[3][:7]} feat: export to CSV",
        f"commit {commit[4]}\nMerge: {commit[5][:7]} {commit[0][:7]}\nAuthor: Lars Eriksson <lars@fika.se>\nDate:   Tue Nov 25 16:02:11 2026 +0100",
        f"{_sha256_of('benign-iso')}  ubuntu-24.04.1-live-server-amd64.iso",
        f"REPOSITORY   TAG       IMAGE ID       CREATED       SIZE\npostgres     16        {_hex('benign-image-id', 12)}   2 weeks ago   432MB\n"
        f"DIGEST: sha256:{_sha256_of('benign-digest')}",
        '"integrity": "sha512-' + base64.b64encode(hashlib.sha512(b"benign-npm").digest()).decode() + '"',
        "github.com/spf13/cobra v1.8.1 h1:"
        + base64.b64encode(hashlib.sha256(b"cobra").digest()).decode()
        + "\ngithub.com/spf13/cobra v1.8.1/go.mod h1:"
        + base64.b64encode(hashlib.sha256(b"cobra-mod").digest()).decode(),
        f'[[package]]\nname = "serde"\nversion = "1.0.215"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "{_sha256_of("benign-serde")}"',
        f"version https://git-lfs.github.com/spec/v1\noid sha256:{_sha256_of('benign-lfs')}\nsize 48213377",
        f'"subscriptionId": "{_uuid("benign-sub")}",\n"resourceGroup": "rg-shop-prod-weu"',
        f"X-Request-Id: {_uuid('benign-request')}",
        f"traceparent: 00-{_hex('benign-trace', 32)}-{_hex('benign-span', 16)}-01",
        f'ETag: "{_hex("benign-etag", 32)}"',
        "Authorization: Bearer <your-token>",
        "API_KEY=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "    password: ${DB_PASSWORD}",
        'token = os.environ["GITHUB_TOKEN"]',
        'curl -H "Authorization: Bearer $TOKEN" https://api.example.com/v1/me',
        '{\n  "username": "admin",\n  "password": "<your-password-here>"\n}',
        "[default]\naws_access_key_id = <redacted>\naws_secret_access_key = <redacted>",
        "      - run: npm publish\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}",
        "API key: ••••••••••••••••3f9a (created 2026-03-14, last used 2 hours ago)",
        "Card ending in ****4242, expires 08/29",
        "Run ./deploy.sh\n  env:\n    DEPLOY_TOKEN: ***\n    REGION: eu-west-1",
        "Content-Security-Policy: script-src 'self' 'sha256-"
        + base64.b64encode(hashlib.sha256(b"inline-1").digest()).decode()
        + "' 'nonce-"
        + _b64("benign-nonce", 16)
        + "'",
        '<script src="https://cdn.jsdelivr.net/npm/bootstrap@5.3.3/dist/js/bootstrap.bundle.min.js" integrity="sha384-'
        + base64.b64encode(hashlib.sha384(b"bootstrap").digest()).decode()
        + '" crossorigin="anonymous"></script>',
        f"Cache restored from key: node-cache-Linux-x64-npm-{_sha256_of('benign-cache')}",
        "Version: 1.0.0-rc.2+build.5114f85 (go1.23.3 linux/amd64)",
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.",
        f"# Example from the AWS docs, not a real key\naws_access_key_id = {aws_doc_id}\naws_secret_access_key = {aws_doc_secret}",
        "Set OPENAI_API_KEY, ANTHROPIC_API_KEY and STRIPE_SECRET_KEY in your environment before running `make dev`.",
        "Passwords must be at least 12 characters long and contain an upper-case letter, a digit and one of ! @ # $ % ^ & *.",
        "Forgot your password? Enter your e-mail address and we'll send you a reset link.",
        'response = client.messages.create(model="claude-sonnet-4", max_tokens=4096, messages=msgs)',
        "Total tokens used: 18,233 (prompt 15,011 / completion 3,222)",
        "Token(type=IDENT, value='secret', line=3, col=9)\nToken(type=EQ, value='=', line=3, col=16)",
        "api-7d9f8c6b5-x2kq9      1/1     Running   0          3d4h\nworker-6c8b7d9f4-qz8mn   1/1     Running   2          3d4h",
        "arn:aws:iam::123456789012:role/service-role/lambda-exec-role-4f2a9c1e",
        f'CONTAINER ID   IMAGE          COMMAND                  STATUS\n{_hex("benign-container", 12)}   nginx:1.27     "/docker-entrypoint.…"   Up 3 hours',
        "Send donations to bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq (public address)",
        "Contract deployed at 0x5FbDB2315678afecb367f032d93F642f64180aa3",
        "pub   ed25519 2024-02-11 [SC]\n      "
        + _sha1_of("benign-gpg").upper()
        + "\nuid           [ultimate] Priya Raman <priya@lab.example.in>",
        "256 SHA256:"
        + base64.b64encode(hashlib.sha256(b"benign-ssh-fp").digest()).decode().rstrip("=")
        + " lena@thinkpad-x1 (ED25519)",
        "SHA256 Fingerprint=" + ":".join(f"{b:02X}" for b in hashlib.sha256(b"benign-cert-fp").digest()),
        '<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==" alt="">',
        "hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=12))",
        '<input type="password" name="password" id="password" autocomplete="current-password" required>',
        f"NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY={pk_test}",
        "gtag('config', 'G-7XK2Q9LM4B'); // Google Analytics measurement ID",
        "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: api-db\n        key: password",
        "vault kv get -field=password secret/payments/db",
        'ansible_become_password: "{{ vault_become_password }}"',
        "password: ENC[AES256_GCM,data:"
        + _b64("benign-sops-data", 18)
        + ",iv:"
        + _b64("benign-sops-iv", 32)
        + ",tag:"
        + _b64("benign-sops-tag", 16)
        + ",type:str]",
        "$ANSIBLE_VAULT;1.1;AES256\n" + "\n".join(_hex(f"benign-vault-{i}", 80) for i in range(4)),
        "spec:\n  encryptedData:\n    password: AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq" + _b64("benign-sealed", 90),
        "# .env.example\nDATABASE_URL=\nREDIS_URL=\nSTRIPE_SECRET_KEY=\nSENTRY_DSN=",
        "The secret to a good sourdough is patience and a lively starter.",
        "Implemented a token bucket rate limiter: capacity 100, refill 10 tokens/s.",
        "Press Ctrl+K to open the command palette, then type 'key bindings'.",
        "customer: cus_NffrFeUfNV2Hib, payment_intent: pi_3MtwBwLkdIwHu7ix28a3tqPa, status: succeeded",
        "Posted to channel C04QJ2B7Z by user U01AB2CD3E",
        "https://github.com/acme/platform/actions/runs/11982347712/job/33409812244",
        "Image: registry.acme.io/api:sha-3f2a1b9",
        "git checkout -b feature/rotate-api-keys",
        "stash@{0}: WIP on main: 3f2a1b9 add token refresh",
        "inet6 fe80::1c2b:3aff:fe4d:5e6f/64 scope link\nlink/ether 1e:2b:3a:4d:5e:6f brd ff:ff:ff:ff:ff:ff",
        'btoa("Hello, World!") // "SGVsbG8sIFdvcmxkIQ=="',
        "colors: { primary: '#1e293b', accent: '#f59e0b', muted: '#94a3b8' }",
        f">>> hashlib.sha256(b\"hello\").hexdigest()\n'{_sha256_of('hello')}'",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "Order ORD-2026-000481 shipped, tracking 1Z999AA10123456784",
        "passwd: password updated successfully",
        "Enter passphrase (empty for no passphrase):\nEnter same passphrase again:",
        "[sudo] password for lena:",
        "Use a personal access token instead of your account password when Git asks for credentials.",
        "[client]\nuser=reporter\npassword=\nhost=127.0.0.1",
        "openai:\n  api_key: null\n  organization: null",
        "PASSWORD_HASHERS = [\n    'django.contrib.auth.hashers.Argon2PasswordHasher',\n    'django.contrib.auth.hashers.PBKDF2PasswordHasher',\n]",
        "TOKEN_EXPIRY_SECONDS=3600\nREFRESH_TOKEN_EXPIRY_DAYS=30",
        "SECRET_KEY_FILE=/run/secrets/django_secret_key",
        "export AWS_PROFILE=staging && aws s3 ls",
        "$ kubectl get secrets -n payments\nNAME          TYPE                DATA   AGE\napi-db        Opaque              2      41d\nregcred       kubernetes.io/dockerconfigjson   1      41d",
        "$ vault status\nKey                Value\n---                -----\nSeal Type          shamir\nInitialized        true\nSealed             true\nTotal Shares       5\nThreshold          3\nUnseal Progress    1/3",
        "$ gpg --list-secret-keys --keyid-format long\nsec   ed25519/4F2A9C1E7B3D6A80 2024-02-11 [SC]\n      "
        + _sha1_of("benign-gpg-sec").upper(),
        "$ ssh-add -l\n256 SHA256:"
        + base64.b64encode(hashlib.sha256(b"benign-agent").digest()).decode().rstrip("=")
        + " deploy@ci (ED25519)",
        '{\n    "UserId": "AIDA'
        + _up("benign-userid", 17)
        + '",\n    "Account": "123456789012",\n    "Arn": "arn:aws:iam::123456789012:user/ci-deploy"\n}',
        "components:\n  securitySchemes:\n    ApiKeyAuth:\n      type: apiKey\n      in: header\n      name: X-API-Key",
        'variable "db_password" {\n  type      = string\n  sensitive = true\n}',
        "# secrets\n.env\n.env.*\n!.env.example\n*.pem\nid_rsa*",
        f"DETECTORS = {{'github_pat': re.compile(r\"{gh_regex}\")}}",
        "- Rotated all third-party API keys after INC-2211 (see postmortem).",
        'HTTP/1.1 401 Unauthorized\n{"error":"invalid_token","error_description":"The access token expired"}',
        'WWW-Authenticate: Bearer realm="api", error="invalid_token"',
        f"X-Hub-Signature-256: sha256={hashlib.sha256(b'benign-hub').hexdigest()}",
        f"Stripe-Signature: t=1764320011,v1={hashlib.sha256(b'benign-stripe-sig').hexdigest()}",
        'ETag: W/"5e15153d-120f"',
        "session=sess_**** (masked) user=4411 ip=203.0.113.7",
        "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
        "magnet:?xt=urn:btih:" + _sha1_of("benign-magnet") + "&dn=debian-12.8.0-amd64-netinst.iso",
        "Serial Number: 04:" + ":".join(f"{b:02x}" for b in _stream("benign-serial", 17)),
        f'uid: {_uuid("benign-k8s-uid")}\nresourceVersion: "88412371"',
        "S-1-5-21-3623811015-3361044348-30300820-1013",
        "Paste your key (it starts with -----BEGIN OPENSSH PRIVATE KEY-----) into the Deploy keys field.",
        "Write down your 24-word recovery phrase on paper and never share it with anyone, including support.",
        "The BIP-39 English list starts: abandon, ability, able, about, above, absent, absorb, abstract ...",
        "zxcvbn score: 4/4 (very strong), estimated crack time: centuries",
        "Password: [hidden]\nConfirm password: [hidden]",
        "UPDATE users SET password_hash = crypt($1, gen_salt('bf', 12)) WHERE id = $2;",
        "$ printenv | cut -d= -f1 | grep -E 'TOKEN|KEY|SECRET'\nGITHUB_TOKEN\nSTRIPE_SECRET_KEY\nAWS_SECRET_ACCESS_KEY",
        'export DB_PASSWORD="$(cat /run/secrets/db_password)"',
        'curl -fsS -u "$NEXUS_USER:$NEXUS_PASS" "$NEXUS_URL/service/rest/v1/status"',
        'echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"',
        "请输入密码 / パスワードを入力してください / 비밀번호를 입력하세요",
        "Passwort vergessen? Mot de passe oublié ? ¿Olvidaste tu contraseña?",
        f"$ git ls-tree HEAD\n100644 blob {_sha1_of('benign-blob-1')}\t.gitignore\n100644 blob {_sha1_of('benign-blob-2')}\tREADME.md",
        f"{_sha1_of('benign-sha1sum')}  release-notes.txt",
        "The password reset e-mail was sent. It expires in 30 minutes.",
        "I didn't find any credentials in the repository; the config reads them from the environment.",
        "The `.env` file is listed in `.gitignore`, so the keys stay local. Use `cp .env.example .env` and fill in your own values.",
        "| Variable | Required | Description |\n|---|---|---|\n| `STRIPE_SECRET_KEY` | yes | from the Stripe dashboard |\n| `SENTRY_DSN` | no | error reporting |",
        "Generated a new Ed25519 key pair; the public key is in `~/.ssh/id_ed25519.pub` and I added it to the server's authorized_keys.",
        "password_min_length: 12\npassword_require_symbols: true\nlockout_after_failed_attempts: 5",
        "-- migration 0042\nALTER TABLE api_clients ADD COLUMN secret_hash bytea NOT NULL;",
        "Key fingerprint = 4F2A 9C1E 7B3D 6A80 51C2  E9F0 A1B2 C3D4 E5F6 0718",
        "const token = await getToken({ template: 'supabase' });",
        "if (!process.env.API_KEY) throw new Error('API_KEY is not set');",
        "kind: ExternalSecret\nspec:\n  secretStoreRef:\n    name: aws-secrets-manager\n  data:\n    - secretKey: password\n      remoteRef:\n        key: prod/payments/db",
        "Requests per minute: 600, burst: 50, key prefix: rl:api:",
        "cache:\n  key: ${CI_COMMIT_REF_SLUG}-node-modules\n  paths:\n    - node_modules/",
        "Downloading https://files.pythonhosted.org/packages/12/90/3c9ff0512038035f59d279fddeb79f5f1eccd8859f06d6163c58798b9487/requests-2.32.3-py3-none-any.whl (64 kB)",
        "DNS TXT: v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ" + _b64("benign-dkim-pub", 120),
        "WireGuard peer:\n  public key: "
        + _b64("benign-wg-pub", 32)
        + "\n  endpoint: 203.0.113.5:51820\n  allowed ips: 10.8.0.0/24",
        "age1" + _bech("benign-age-recipient", 58) + "  # recipient (public key) for backups",
        "npub1" + _bech("benign-npub", 58),
        "Your one-time code is valid for 30 seconds; we never ask for it by phone.",
        "The Wi-Fi password is printed on the sticker under the router.",
        "Ask Piet for the NAS password – it's in the team vault under 'Infra / NAS'.",
    )


BENIGN_FRESH15: tuple[str, ...] = _benign()


# --------------------------------------------------------------------------------------------------
# Consistency checks
# --------------------------------------------------------------------------------------------------

_KINDS = [p.kind for p in FRESH15]
assert len(_KINDS) == len(set(_KINDS)), sorted({k for k in _KINDS if _KINDS.count(k) > 1})
for _family, _planted in FAMILIES15.items():
    assert _planted, _family
for _p in FRESH15:
    assert _p.kind.replace("_", "").isalnum() and _p.kind == _p.kind.lower(), _p.kind
    assert _p.secrets, _p.kind
    for _s in _p.secrets:
        assert _s and (_s in _p.line or _s in _p.file_line), (_p.kind, _s)
assert len(BENIGN_FRESH15) == len(set(BENIGN_FRESH15))
