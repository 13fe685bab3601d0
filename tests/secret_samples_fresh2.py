"""Held-out planted secrets, second fresh set (`FRESH2`), and look-alikes (`BENIGN_FRESH2`) (issue 60).

Who and how: written on 2026-11-26 by a second helper session (issue 60) that never saw the
redactor's rules (src/lessonloop/secrets/), docs/privacy.md, nor any other sample set (the first
fresh set, the issue-60 set, the held-out set, the samples of tests/secret_samples.py beyond its first
60 lines, read only for `Planted`, `_rep`, `mnemonic` and `wif`). The kinds come from public knowledge
of the vendors' token formats and of how a coding agent's transcript holds text: shell commands, a
tool's output, config files, code, chat. They are grouped in eight families (`FAMILIES2`). The
redactor was not run while they were written; no sample was changed after the first measurement
(`benchmarks/secret_leaks.py --module tests.secret_samples_fresh2`).

Secret values are drawn at import time from SHA-256 of the kind's name (and a part label) mapped
onto each format's alphabet (base62, hex, base32, base64, base64url, bech32, base58, digits), with
the vendors' real prefixes and lengths, so no secret-shaped literal sits in this file.

This set MEASURES only. It must never be used to write or tune a rule: a rule made from one of its
lines makes it worthless as a held-out measure. Read the figures, not the lines.
"""

# ruff: noqa: RUF001

from __future__ import annotations

import base64
import hashlib
import html
import json
import string
import urllib.parse

from tests.secret_samples import Planted, mnemonic, wif

_UP = string.ascii_uppercase
_LO = string.ascii_lowercase
_DI = string.digits
_B62 = _UP + _LO + _DI
_HEX = "0123456789abcdef"
_HEXU = "0123456789ABCDEF"
_B32 = _UP + "234567"
_B64 = _B62 + "+/"
_B64URL = _B62 + "-_"
_LALNUM = _LO + _DI
_UALNUM = _UP + _DI
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_PWCHARS = _B62 + "!#%*+-=?^_~."


def _bytes(seed: str, n: int) -> bytes:
    """`n` bytes drawn from SHA-256 of `seed` (counter mode)."""
    out = bytearray()
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"fresh2:{seed}:{i}".encode()).digest()
        i += 1
    return bytes(out[:n])


def _draw(seed: str, alphabet: str, n: int) -> str:
    return "".join(alphabet[b % len(alphabet)] for b in _bytes(seed, n))


def _b62(seed: str, n: int) -> str:
    return _draw(seed, _B62, n)


def _hex(seed: str, n: int) -> str:
    return _draw(seed, _HEX, n)


def _digits(seed: str, n: int) -> str:
    d = _draw(seed, _DI, n)
    return "123456789"[int(d[0]) % 9] + d[1:]


def _b64(seed: str, nbytes: int) -> str:
    """Standard base64 (with padding) of `nbytes` drawn bytes."""
    return base64.b64encode(_bytes(seed, nbytes)).decode()


def _b64u(seed: str, nbytes: int) -> str:
    """Unpadded base64url of `nbytes` drawn bytes."""
    return base64.urlsafe_b64encode(_bytes(seed, nbytes)).decode().rstrip("=")


def _b64of(data: bytes | str) -> str:
    return base64.b64encode(data.encode() if isinstance(data, str) else data).decode()


def _b64uof(data: bytes | str) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _uuid(seed: str) -> str:
    h = _hex(seed, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:]}"


def _jwt(seed: str, claims: dict[str, object], alg: str = "RS256") -> str:
    head = _b64uof(json.dumps({"alg": alg, "typ": "JWT"}, separators=(",", ":")))
    body = _b64uof(json.dumps(claims, separators=(",", ":")))
    return f"{head}.{body}.{_b64u(seed + '/sig', 256 if alg.startswith('RS') else 32)}"


_WORDS = (
    "Summer", "Winter", "Autumn", "Spring", "Blue", "Falcon", "Maple", "Harbor", "Tiger", "Coffee",
    "Dragon", "Sunset", "Rocket", "Monkey", "Shadow", "Panther", "Orchid", "Pepper", "Granite",
    "Velvet", "Lemon", "Nebula", "Cobalt", "Willow",
)  # fmt: skip
_NOUNS = (
    "maple", "otter", "quartz", "lantern", "violin", "glacier", "pebble", "harbor", "cactus", "meadow",
    "walrus", "tundra", "saffron", "beacon", "copper", "falcon", "juniper", "orbit", "lagoon", "thistle",
)  # fmt: skip
_LEET = str.maketrans({"o": "0", "a": "4", "e": "3", "i": "1", "s": "5"})


def _human(seed: str, style: str, syms: str = "!#%*?+") -> str:
    """A password as a person makes one: `season` (Summer2024!Blue), `leet` (Tr0ub4dor&3-like),
    `pet` (Falcon#1987), `phrase` (four words and hyphens), `random` (16 characters)."""
    b = _bytes(seed, 12)
    w1, w2 = _WORDS[b[0] % len(_WORDS)], _WORDS[b[1] % len(_WORDS)]
    sym = syms[b[2] % len(syms)]
    if style == "season":
        return f"{w1}{1990 + b[3] % 36}{sym}{w2}"
    if style == "leet":
        return (w1 + w2.lower()).translate(_LEET) + sym + str(b[4] % 10)
    if style == "pet":
        return f"{w1}{sym}{1960 + b[5] % 60}"
    if style == "phrase":
        return "-".join(_NOUNS[x % len(_NOUNS)] for x in b[6:10])
    return _draw(seed, _PWCHARS, 16)


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)]


def _pem_lines(seed: str, prefix: bytes, total: int, width: int = 64) -> list[str]:
    """The base64 body lines of a DER structure starting with `prefix`, `total` bytes long."""
    return _wrap(_b64of(prefix + _bytes(seed, total - len(prefix))), width)


def _block(label: str, lines: list[str], nl: str = "\n") -> str:
    return nl.join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----"])


def _long(lines: list[str]) -> tuple[str, ...]:
    """The body lines long enough to stand for the key (the short last line may recur by chance)."""
    return tuple(x for x in lines if len(x) >= 16)


_RSA_PKCS1 = bytes.fromhex("308204a40201000282010100")
_RSA_PKCS8 = bytes.fromhex("308204be020100300d06092a864886f70d0101010500048204a8308204a40201000282010100")
_ENC_PKCS8 = bytes.fromhex("3082052d305706092a864886f70d01050d304a302906092a864886f70d01050c301c0408")
_PKCS12 = bytes.fromhex("30820a3c020103308209f606092a864886f70d010701a08209e7048209e3")
_JKS = bytes.fromhex("feedfeed000000020000000100000001")
_KEYTAB = bytes.fromhex("0502000000")


def _ec_p256(seed: str) -> bytes:
    d = _bytes(seed + "/d", 32)
    xy = _bytes(seed + "/xy", 64)
    return bytes.fromhex("30770201010420") + d + bytes.fromhex("a00a06082a8648ce3d030107a144034200") + b"\x04" + xy


def _ssh_string(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def _openssh_ed25519(seed: str) -> list[str]:
    pub = _bytes(seed + "/pub", 32)
    pubblob = _ssh_string(b"ssh-ed25519") + _ssh_string(pub)
    check = _bytes(seed + "/chk", 4)
    priv = (
        check
        + check
        + pubblob
        + _ssh_string(_bytes(seed + "/sec", 32) + pub)
        + _ssh_string(b"deploy@ci")
        + b"\x01\x02\x03\x04\x05"
    )
    blob = (
        b"openssh-key-v1\x00"
        + _ssh_string(b"none")
        + _ssh_string(b"none")
        + _ssh_string(b"")
        + (1).to_bytes(4, "big")
        + _ssh_string(pubblob)
        + _ssh_string(priv)
    )
    return _wrap(_b64of(blob), 70)


def _base58(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, digit = divmod(number, 58)
        out = _B58[digit] + out
    return "1" * (len(data) - len(data.lstrip(b"\x00"))) + out


_BY_FAMILY: dict[str, list[Planted]] = {}


def _add(family: str, kind: str, line: str, *secrets: str, file_line: str = "") -> None:
    _BY_FAMILY.setdefault(family, []).append(Planted(kind, line, tuple(secrets), file_line))


# --- 1. vendor API keys and tokens, in many contexts ---------------------------------------------


def _vendor_keys() -> None:
    F = "vendor_keys"

    k = "openai-project-key-sdk-constructor"
    s = "sk-proj-" + _draw(k, _B64URL, 74) + "T3BlbkFJ" + _draw(k + "2", _B64URL, 74)
    _add(F, k, f'client = OpenAI(api_key="{s}", timeout=30)', s)

    k = "openai-legacy-key-jupyter-magic"
    s = "sk-" + _b62(k, 20) + "T3BlbkFJ" + _b62(k + "2", 20)
    _add(F, k, f"%env OPENAI_API_KEY={s}", s)

    k = "anthropic-key-curl-header"
    s = "sk-ant-api03-" + _draw(k, _B64URL, 93) + "AA"
    _add(
        F,
        k,
        f"curl https://api.anthropic.com/v1/messages -H 'x-api-key: {s}' -H 'anthropic-version: 2023-06-01' "
        "-H 'content-type: application/json' -d @req.json",
        s,
    )

    k = "openrouter-key-ts-headers"
    s = "sk-or-v1-" + _hex(k, 64)
    _add(
        F, k, f'const res = await fetch(url, {{ headers: {{ Authorization: "Bearer {s}", "X-Title": "bench" }} }});', s
    )

    k = "github-classic-pat-clone-url"
    s = "ghp_" + _b62(k, 36)
    _add(F, k, f"git clone https://{s}@github.com/acme-corp/infra-live.git", s)

    k = "github-fine-grained-pat-export"
    s = "github_pat_11" + _draw(k, _UALNUM, 20) + "_" + _b62(k + "2", 59)
    _add(F, k, f"export GH_TOKEN={s}", s)

    k = "github-app-installation-token-api"
    s = "ghs_" + _b62(k, 36)
    _add(
        F,
        k,
        "$ gh api -X POST /app/installations/41207734/access_tokens\n"
        f'{{\n  "token": "{s}",\n  "expires_at": "2026-11-26T11:02:51Z",\n'
        '  "permissions": {\n    "contents": "read",\n    "metadata": "read"\n  },\n  "repository_selection": "all"\n}',
        s,
    )

    k = "gitlab-pat-glab-login-flag"
    s = "glpat-" + _draw(k, _B64URL, 20)
    _add(F, k, f"glab auth login --hostname gitlab.acme.io --token {s}", s)

    k = "gitlab-runner-register-flag"
    s = "glrt-t3_" + _draw(k, _B64URL, 20)
    _add(
        F,
        k,
        f'sudo gitlab-runner register --non-interactive --url "https://gitlab.com/" --token "{s}" '
        '--executor "docker" --docker-image alpine:3.20',
        s,
    )

    k = "gitlab-trigger-token-form-field"
    s = "glptt-" + _hex(k, 40)
    _add(
        F,
        k,
        f"curl -X POST --fail -F token={s} -F ref=main https://gitlab.com/api/v4/projects/4412/trigger/pipeline",
        s,
    )

    k = "slack-bot-token-webclient"
    s = f"xoxb-{_digits(k, 12)}-{_digits(k + '2', 13)}-{_b62(k + '3', 24)}"
    _add(F, k, f'client = WebClient(token="{s}")\nclient.chat_postMessage(channel="#deploys", text="done")', s)

    k = "slack-user-token-curl-bearer"
    s = f"xoxp-{_digits(k, 11)}-{_digits(k + '2', 11)}-{_digits(k + '3', 13)}-{_hex(k + '4', 32)}"
    _add(
        F,
        k,
        f"curl -s -H 'Authorization: Bearer {s}' https://slack.com/api/conversations.list | jq .channels[].name",
        s,
    )

    k = "slack-incoming-webhook-url"
    s = _b62(k, 24)
    _add(
        F,
        k,
        "curl -X POST -H 'Content-type: application/json' --data '{\"text\":\"build 812 green\"}' "
        f"https://hooks.slack.com/services/T0{_draw(k + 't', _UALNUM, 8)}/B0{_draw(k + 'b', _UALNUM, 9)}/{s}",
        s,
    )

    k = "slack-app-level-token-socket-mode"
    s = f"xapp-1-A0{_draw(k, _UALNUM, 9)}-{_digits(k + '2', 13)}-{_hex(k + '3', 64)}"
    _add(F, k, f'SocketModeHandler(app, "{s}").start()', s)

    k = "stripe-secret-key-require-positional"
    s = "sk_live_51" + _b62(k, 97)
    _add(F, k, f"const stripe = require('stripe')('{s}');", s)

    k = "stripe-restricted-key-dotenv-quoted"
    s = "rk_live_51" + _b62(k, 97)
    _add(F, k, f'STRIPE_RESTRICTED_KEY="{s}"', s)

    k = "stripe-webhook-secret-cli-listen"
    s = "whsec_" + _b62(k, 32)
    _add(
        F,
        k,
        "$ stripe listen --forward-to localhost:4242/webhook\n"
        f"> Ready! You are using Stripe API Version [2024-06-20]. Your webhook signing secret is {s} (^C to quit)",
        s,
    )

    k = "aws-secret-key-boto3-kwargs"
    s = _draw(k, _B64, 40)
    _add(
        F,
        k,
        f's3 = boto3.client("s3", region_name="eu-west-1", aws_access_key_id="AKIA{_draw(k + "id", _B32, 16)}", '
        f'aws_secret_access_key="{s}")',
        s,
    )

    k = "google-maps-key-url-query"
    s = "AIza" + _draw(k, _B64URL, 35)
    _add(F, k, f'curl "https://maps.googleapis.com/maps/api/geocode/json?address=Alexanderplatz+Berlin&key={s}"', s)

    k = "gemini-key-configure-call"
    s = "AIza" + _draw(k, _B64URL, 35)
    _add(F, k, f"genai.configure(api_key='{s}')\nmodel = genai.GenerativeModel('gemini-1.5-pro')", s)

    k = "google-oauth-client-secret-json"
    s = "GOCSPX-" + _draw(k, _B64URL, 28)
    _add(
        F,
        k,
        '{"installed":{"client_id":"'
        + _digits(k + "c", 12)
        + "-"
        + _draw(k + "d", _LALNUM, 32)
        + '.apps.googleusercontent.com","project_id":"acme-ml","auth_uri":"https://accounts.google.com/o/oauth2/auth",'
        f'"client_secret":"{s}","redirect_uris":["http://localhost"]}}}}',
        s,
    )

    k = "azure-storage-connection-string-flag"
    s = _b64(k, 64)
    _add(
        F,
        k,
        "az storage blob upload --container-name builds --file app.zip --name app.zip --connection-string "
        f'"DefaultEndpointsProtocol=https;AccountName=acmebuilds;AccountKey={s};EndpointSuffix=core.windows.net"',
        s,
    )

    k = "azure-sas-signature-azcopy-url"
    s = urllib.parse.quote(_b64(k, 32), safe="")
    _add(
        F,
        k,
        'azcopy copy "./dist/*" "https://acmecdn.blob.core.windows.net/web?sv=2022-11-02&ss=b&srt=co&sp=rwlac'
        f'&se=2026-12-31T23:59:59Z&st=2026-11-01T00:00:00Z&spr=https&sig={s}" --recursive',
        s,
    )

    k = "azure-openai-key-kwarg"
    s = _hex(k, 32)
    _add(
        F,
        k,
        f'client = AzureOpenAI(api_key="{s}", api_version="2024-02-01", azure_endpoint="https://acme-oai.openai.azure.com")',
        s,
    )

    k = "twilio-auth-token-ruby-positional"
    s = _hex(k, 32)
    _add(F, k, f"@client = Twilio::REST::Client.new('AC{_hex(k + 'sid', 32)}', '{s}')", s)

    k = "twilio-api-key-secret-node"
    s = _b62(k, 32)
    _add(
        F,
        k,
        f"const client = twilio('SK{_hex(k + 'sid', 32)}', '{s}', {{ accountSid: 'AC{_hex(k + 'ac', 32)}' }});",
        s,
    )

    k = "sendgrid-key-headers-dict"
    s = f"SG.{_draw(k, _B64URL, 22)}.{_draw(k + '2', _B64URL, 43)}"
    _add(F, k, f'headers = {{"Authorization": "Bearer {s}", "Content-Type": "application/json"}}', s)

    k = "mailgun-key-curl-user"
    s = "key-" + _hex(k, 32)
    _add(
        F,
        k,
        f"curl -s --user 'api:{s}' https://api.mailgun.net/v3/mg.acme.io/messages -F from='ops@acme.io' -F to=me@acme.io",
        s,
    )

    k = "mailchimp-key-php-array"
    s = _hex(k, 32) + "-us14"
    _add(F, k, f"$mailchimp->setConfig(['apiKey' => '{s}', 'server' => 'us14']);", s)

    k = "postmark-server-token-header"
    s = _uuid(k)
    _add(
        F,
        k,
        'curl "https://api.postmarkapp.com/email" -X POST -H "Accept: application/json" '
        f'-H "X-Postmark-Server-Token: {s}" -d @mail.json',
        s,
    )

    k = "resend-key-ts-constructor"
    s = f"re_{_b62(k, 8)}_{_b62(k + '2', 24)}"
    _add(F, k, f"const resend = new Resend('{s}');", s)

    k = "brevo-key-header"
    s = f"xkeysib-{_hex(k, 64)}-{_b62(k + '2', 16)}"
    _add(F, k, f"-H 'api-key: {s}'", s)

    k = "vonage-secret-kwargs"
    s = _b62(k, 16)
    _add(F, k, f'client = vonage.Client(key="{_hex(k + "key", 8)}", secret="{s}")', s)

    k = "datadog-keys-env-prefix-command"
    s1, s2 = _hex(k, 32), _hex(k + "app", 40)
    _add(
        F,
        k,
        f"DD_API_KEY={s1} DD_APP_KEY={s2} npx @datadog/datadog-ci sourcemaps upload ./dist "
        "--service web --release-version 4.2.0 --minified-path-prefix /static",
        s1,
        s2,
    )

    k = "newrelic-user-key-graphql-header"
    s = "NRAK-" + _draw(k, _UALNUM, 27)
    _add(
        F,
        k,
        f"curl https://api.newrelic.com/graphql -H 'Content-Type: application/json' -H 'API-Key: {s}' "
        '--data-binary \'{"query":"{ actor { user { name } } }"}\'',
        s,
    )

    k = "sentry-org-token-cli-flag"
    s = (
        "sntrys_"
        + _b64of(
            json.dumps(
                {"iat": 1764150000.1, "url": "https://sentry.io", "region_url": "https://us.sentry.io", "org": "acme"}
            )
        ).rstrip("=")
        + "_"
        + _draw(k, _B64URL, 43)
    )
    _add(F, k, f"sentry-cli --auth-token {s} releases new web@4.2.0", s)

    k = "grafana-service-account-terraform-provider"
    s = f"glsa_{_b62(k, 32)}_{_hex(k + '2', 8)}"
    _add(F, k, f'provider "grafana" {{\n  url  = "https://acme.grafana.net/"\n  auth = "{s}"\n}}', s)

    k = "pagerduty-token-header"
    s = "u+" + _draw(k, _B64URL, 18)
    _add(
        F,
        k,
        f'curl -H "Accept: application/vnd.pagerduty+json;version=2" -H "Authorization: Token token={s}" '
        '"https://api.pagerduty.com/incidents?statuses[]=triggered"',
        s,
    )

    k = "honeycomb-ingest-key-otel-headers"
    s = "hcaik_01" + _draw(k, _LALNUM, 56)
    _add(F, k, f'export OTEL_EXPORTER_OTLP_HEADERS="x-honeycomb-team={s}"', s)

    k = "circleci-token-header"
    s = f"CCIPAT_{_b62(k, 22)}_{_hex(k + '2', 40)}"
    _add(F, k, f'curl --header "Circle-Token: {s}" https://circleci.com/api/v2/me', s)

    k = "buildkite-token-env"
    s = "bkua_" + _hex(k, 40)
    _add(F, k, f"BUILDKITE_API_TOKEN={s} bk pipeline list --org acme", s)

    k = "vercel-token-cli-flag"
    s = _b62(k, 24)
    _add(F, k, f"npx vercel deploy --prod --yes --token {s} --scope acme", s)

    k = "netlify-token-cli-flag"
    s = "nfp_" + _b62(k, 36)
    _add(F, k, f"netlify deploy --prod --dir=build --auth {s} --site {_uuid(k + 'site')}", s)

    k = "heroku-authorization-create-output"
    s = "HRKU-AA" + _draw(k, _B64URL, 58)
    _add(
        F,
        k,
        "$ heroku authorizations:create -d 'ci deploys'\nCreating OAuth Authorization... done\n"
        f"Client:      <none>\nID:          {_uuid(k + 'id')}\nDescription: ci deploys\nScope:       global\n"
        f"Token:       {s}\nUpdated at:  Wed Nov 26 2026 10:12:44 GMT+0100 (less than a minute ago)",
        s,
    )

    k = "digitalocean-doctl-flag"
    s = "dop_v1_" + _hex(k, 64)
    _add(F, k, f"doctl auth init --context acme --access-token {s}", s)

    k = "cloudflare-api-token-bearer"
    s = _draw(k, _B64URL, 40)
    _add(
        F,
        k,
        f'curl "https://api.cloudflare.com/client/v4/user/tokens/verify" -H "Authorization: Bearer {s}"',
        s,
    )

    k = "cloudflare-global-key-headers"
    s = _hex(k, 37)
    _add(
        F,
        k,
        f"curl -X GET https://api.cloudflare.com/client/v4/zones -H 'X-Auth-Email: ops@acme.io' -H 'X-Auth-Key: {s}'",
        s,
    )

    k = "flyio-token-flag"
    s = "FlyV1 fm2_" + _b64(k, 150).rstrip("=") + ",fm2_" + _b64(k + "2", 90).rstrip("=")
    _add(F, k, f'fly deploy --remote-only -a acme-api -t "{s}"', s)

    k = "render-key-header"
    s = "rnd_" + _b62(k, 32)
    _add(F, k, f"http GET https://api.render.com/v1/services Authorization:'Bearer {s}'", s)

    k = "supabase-service-role-jwt-js"
    s = _jwt(
        k,
        {
            "iss": "supabase",
            "ref": _draw(k + "ref", _LO, 20),
            "role": "service_role",
            "iat": 1735689600,
            "exp": 2051265600,
        },
        "HS256",
    )
    _add(F, k, f"const supabase = createClient('https://{_draw(k + 'ref', _LO, 20)}.supabase.co', '{s}')", s)

    k = "supabase-access-token-cli"
    s = "sbp_" + _hex(k, 40)
    _add(F, k, f"supabase login --token {s} && supabase link --project-ref {_draw(k + 'r', _LO, 20)}", s)

    k = "firebase-server-key-header"
    s = "AAAA" + _draw(k, _B64URL, 7) + ":APA91b" + _draw(k + "2", _B64URL, 134)
    _add(F, k, f'headers: {{ "Content-Type": "application/json", "Authorization": "key={s}" }}', s)

    k = "npm-token-config-set"
    s = "npm_" + _b62(k, 36)
    _add(F, k, f"npm config set //registry.npmjs.org/:_authToken {s}", s)

    k = "pypi-token-twine-password-flag"
    s = "pypi-AgEIcHlwaS5vcmc" + _draw(k, _B64URL, 160)
    _add(F, k, f"python -m twine upload -u __token__ -p {s} dist/*", s)

    k = "rubygems-key-env-prefix"
    s = "rubygems_" + _hex(k, 48)
    _add(F, k, f"GEM_HOST_API_KEY={s} gem push acme_client-2.3.1.gem", s)

    k = "nuget-key-dotnet-flag"
    s = "oy2" + _draw(k, _LALNUM, 43)
    _add(
        F,
        k,
        f"dotnet nuget push bin/Release/Acme.Core.3.1.0.nupkg --api-key {s} --source https://api.nuget.org/v3/index.json",
        s,
    )

    k = "dockerhub-pat-password-stdin"
    s = "dckr_pat_" + _draw(k, _B64URL, 27)
    _add(F, k, f"echo {s} | docker login -u acmebot --password-stdin", s)

    k = "huggingface-token-cli"
    s = "hf_" + _draw(k, _UP + _LO, 34)
    _add(F, k, f"huggingface-cli login --token {s} --add-to-git-credential", s)

    k = "replicate-token-notebook-cell"
    s = "r8_" + _b62(k, 37)
    _add(F, k, f'import os\nos.environ["REPLICATE_API_TOKEN"] = "{s}"\nimport replicate', s)

    k = "groq-key-constructor"
    s = "gsk_" + _b62(k, 52)
    _add(F, k, f'client = Groq(api_key="{s}")', s)

    k = "mistral-key-constructor-no-prefix"
    s = _b62(k, 32)
    _add(
        F,
        k,
        f'client = Mistral(api_key="{s}")\nresp = client.chat.complete(model="mistral-large-latest", messages=msgs)',
        s,
    )

    k = "cohere-key-positional"
    s = _b62(k, 40)
    _add(F, k, f"co = cohere.Client('{s}')", s)

    k = "perplexity-key-header"
    s = "pplx-" + _b62(k, 48)
    _add(F, k, f"-H 'Authorization: Bearer {s}' https://api.perplexity.ai/chat/completions", s)

    k = "xai-key-env"
    s = "xai-" + _b62(k, 80)
    _add(F, k, f"XAI_API_KEY={s}", s)

    k = "together-key-hex-constructor"
    s = _hex(k, 64)
    _add(F, k, f'together_client = Together(api_key="{s}")', s)

    k = "elevenlabs-key-header"
    s = "sk_" + _hex(k, 48)
    _add(
        F, k, f'curl -X POST https://api.elevenlabs.io/v1/text-to-speech/21m00Tcm -H "xi-api-key: {s}" -d @tts.json', s
    )

    k = "pinecone-key-constructor"
    s = f"pcsk_{_b62(k, 6)}_{_draw(k + '2', _B62 + '_', 63)}"
    _add(F, k, f'pc = Pinecone(api_key="{s}")\nindex = pc.Index("docs")', s)

    k = "wandb-login-positional"
    s = _hex(k, 40)
    _add(F, k, f"wandb login {s}", s)

    k = "langsmith-key-env"
    s = f"lsv2_pt_{_hex(k, 32)}_{_hex(k + '2', 10)}"
    _add(F, k, f"LANGCHAIN_TRACING_V2=true\nLANGCHAIN_API_KEY={s}\nLANGCHAIN_PROJECT=agent-evals", s)

    k = "nvidia-api-key-openai-compatible"
    s = "nvapi-" + _draw(k, _B64URL, 64)
    _add(F, k, f'client = OpenAI(base_url="https://integrate.api.nvidia.com/v1", api_key="{s}")', s)

    k = "shopify-admin-token-header"
    s = "shpat_" + _hex(k, 32)
    _add(
        F,
        k,
        f"curl -X GET https://acme-store.myshopify.com/admin/api/2024-10/products.json -H 'X-Shopify-Access-Token: {s}'",
        s,
    )

    k = "square-access-token-python"
    s = "EAAA" + _draw(k, _B64URL, 60)
    _add(F, k, f"client = Client(access_token='{s}', environment='production')", s)

    k = "braintree-access-token"
    s = f"access_token$production${_draw(k, _LALNUM, 16)}${_hex(k + '2', 32)}"
    _add(F, k, f'gateway = braintree.BraintreeGateway(access_token="{s}")', s)

    k = "razorpay-secret-auth-tuple"
    s = _b62(k, 24)
    _add(F, k, f'client = razorpay.Client(auth=("rzp_live_{_b62(k + "id", 14)}", "{s}"))', s)

    k = "plaid-secret-env"
    s = _hex(k, 30)
    _add(F, k, f"PLAID_CLIENT_ID={_hex(k + 'id', 24)}\nPLAID_SECRET={s}\nPLAID_ENV=production", s)

    k = "binance-ccxt-dict"
    s1, s2 = _b62(k, 64), _b62(k + "2", 64)
    _add(F, k, f"exchange = ccxt.binance({{'apiKey': '{s1}', 'secret': '{s2}', 'enableRateLimit': True}})", s1, s2)

    k = "kraken-key-file-cat"
    s1, s2 = _b64(k, 42), _b64(k + "2", 64)
    _add(F, k, f"$ cat ~/.config/kraken.key\n{s1}\n{s2}", s1, s2)

    k = "launchdarkly-sdk-key-config"
    s = "sdk-" + _uuid(k)
    _add(F, k, f'ldclient.set_config(Config("{s}"))', s)

    k = "statsig-server-secret-init"
    s = "secret-" + _b62(k, 43)
    _add(F, k, f"await Statsig.initialize('{s}', {{ environment: {{ tier: 'production' }} }});", s)

    k = "unleash-client-token-env"
    s = "*:production." + _hex(k, 64)
    _add(F, k, f"UNLEASH_API_TOKEN='{s}' UNLEASH_URL=https://flags.acme.io/api node server.js", s)

    k = "algolia-admin-key-positional"
    s = _hex(k, 32)
    _add(F, k, f"const client = algoliasearch('{_draw(k + 'app', _UALNUM, 10)}', '{s}');", s)

    k = "elastic-apikey-header"
    s = _b64of(f"{_draw(k + 'id', _B64URL, 20)}:{_draw(k, _B64URL, 22)}")
    _add(F, k, f'curl -H "Authorization: ApiKey {s}" https://es.acme.internal:9200/_cat/indices?v', s)

    k = "meilisearch-master-key-flag"
    s = _draw(k, _B64URL, 32)
    _add(F, k, f"./meilisearch --env production --master-key='{s}' --db-path /var/lib/meili", s)

    k = "contentful-management-token"
    s = "CFPAT-" + _draw(k, _B64URL, 43)
    _add(F, k, f"contentful login --management-token {s}", s)

    k = "sanity-token-env"
    s = "sk" + _b62(k, 180)
    _add(F, k, f"SANITY_API_WRITE_TOKEN={s}", s)

    k = "mixpanel-secret-basic-user"
    s = _hex(k, 32)
    _add(
        F, k, f"curl https://data.mixpanel.com/api/2.0/export -u {s}: -d from_date=2026-11-01 -d to_date=2026-11-25", s
    )

    k = "posthog-personal-key-env"
    s = "phx_" + _b62(k, 43)
    _add(F, k, f"POSTHOG_PERSONAL_API_KEY={s}", s)

    k = "mapbox-secret-token-download-url"
    s = (
        "sk."
        + _b64uof(json.dumps({"u": "acme-maps", "a": _draw(k, _LALNUM, 25)}, separators=(",", ":")))
        + "."
        + _draw(k + "2", _B64URL, 22)
    )
    _add(
        F,
        k,
        f"curl -o tiles.mbtiles 'https://api.mapbox.com/v4/acme-maps.base.mbtiles?access_token={s}'",
        s,
    )

    k = "telegram-bot-token-url-path"
    s = f"{_digits(k, 10)}:AA{_draw(k + '2', _B64URL, 33)}"
    _add(F, k, f"curl -s https://api.telegram.org/bot{s}/getUpdates | jq '.result[-1]'", s)

    k = "discord-bot-token-run"
    s = f"{_b64uof(_digits(k, 19))}.{_draw(k + '2', _B64URL, 6)}.{_draw(k + '3', _B64URL, 38)}"
    _add(F, k, f"bot.run('{s}')", s)

    k = "discord-webhook-url"
    s = _draw(k, _B64URL, 68)
    _add(F, k, f"DISCORD_WEBHOOK=https://discord.com/api/webhooks/{_digits(k + 'id', 19)}/{s}", s)

    k = "linear-key-raw-authorization"
    s = "lin_api_" + _b62(k, 40)
    _add(
        F,
        k,
        f"curl -X POST https://api.linear.app/graphql -H 'Content-Type: application/json' -H 'Authorization: {s}' "
        '--data \'{ "query": "{ viewer { id } }" }\'',
        s,
    )

    k = "notion-token-client-auth"
    s = "ntn_" + _b62(k, 46)
    _add(F, k, f'notion = Client(auth="{s}")', s)

    k = "atlassian-token-basic-user"
    s = "ATATT3xFfGF0" + _draw(k, _B64URL, 170) + "=" + _draw(k + "2", _HEXU, 8)
    _add(F, k, f"curl -u jdoe@acme.io:{s} https://acme.atlassian.net/rest/api/3/myself", s)

    k = "airtable-pat-bearer"
    s = f"pat{_b62(k, 14)}.{_hex(k + '2', 64)}"
    _add(F, k, f'curl "https://api.airtable.com/v0/appXyZ/Tasks?maxRecords=3" -H "Authorization: Bearer {s}"', s)

    k = "figma-token-header"
    s = "figd_" + _draw(k, _B64URL, 40)
    _add(F, k, f"curl -H 'X-Figma-Token: {s}' https://api.figma.com/v1/files/{_b62(k + 'f', 22)}", s)

    k = "dropbox-short-lived-token"
    s = "sl." + _draw(k, _B64URL, 138)
    _add(F, k, f'dbx = dropbox.Dropbox("{s}")', s)

    k = "okta-ssws-header"
    s = "00" + _draw(k, _B64URL, 40)
    _add(F, k, f'curl -H "Authorization: SSWS {s}" https://acme.okta.com/api/v1/users?limit=5', s)

    k = "hubspot-private-app-token"
    s = "pat-na1-" + _uuid(k)
    _add(F, k, f"const hubspotClient = new hubspot.Client({{ accessToken: '{s}' }});", s)

    k = "twitter-bearer-go-const"
    s = "A" * 21 + _b62(k, 24) + "%3D" + _b62(k + "2", 50)
    _add(F, k, f'const bearer = "{s}"\nreq.Header.Set("Authorization", "Bearer "+bearer)', s)

    k = "facebook-graph-token-url"
    s = "EAAG" + _b62(k, 180)
    _add(F, k, f"GET https://graph.facebook.com/v19.0/me/accounts?access_token={s}", s)

    k = "vault-token-env-export"
    s = "hvs.CAESI" + _draw(k, _B64URL, 86)
    _add(F, k, f"export VAULT_ADDR=https://vault.acme.internal:8200\nexport VAULT_TOKEN={s}", s)

    k = "pulumi-access-token-env"
    s = "pul-" + _hex(k, 40)
    _add(F, k, f"PULUMI_ACCESS_TOKEN={s} pulumi up --stack prod --yes", s)

    k = "snyk-auth-uuid-positional"
    s = _uuid(k)
    _add(F, k, f"snyk auth {s}", s)

    k = "sonarqube-token-maven-property"
    s = "sqp_" + _hex(k, 40)
    _add(F, k, f"mvn -B verify sonar:sonar -Dsonar.host.url=https://sonar.acme.io -Dsonar.token={s}", s)

    k = "jfrog-reference-token-flag"
    s = _b64of(f"reftkn:01:1795000000:{_b62(k, 43)}").rstrip("=")
    _add(F, k, f"jf c add acme --url=https://acme.jfrog.io --access-token={s} --interactive=false", s)

    k = "postman-api-key-flag"
    s = f"PMAK-{_hex(k, 24)}-{_hex(k + '2', 34)}"
    _add(F, k, f"postman login --with-api-key {s}", s)

    k = "doppler-service-token"
    s = "dp.st.prd." + _b62(k, 40)
    _add(F, k, f"DOPPLER_TOKEN={s} doppler run -- npm start", s)

    k = "onepassword-service-account-token"
    s = "ops_" + _b64uof(
        json.dumps(
            {
                "signInAddress": "acme.1password.com",
                "email": _draw(k + "e", _LALNUM, 13) + "@1passwordserviceaccounts.com",
                "srpX": _hex(k + "x", 64),
                "muk": {"k": _b64u(k + "m", 32), "kid": "mp"},
                "secretKey": "A3-" + _draw(k + "s", _UALNUM, 6) + "-" + _draw(k + "s2", _UALNUM, 26),
            },
            separators=(",", ":"),
        )
    )
    _add(F, k, f"export OP_SERVICE_ACCOUNT_TOKEN={s}", s)

    k = "zendesk-token-basic-user"
    s = _b62(k, 40)
    _add(F, k, f"curl https://acme.zendesk.com/api/v2/tickets.json -u agent@acme.io/token:{s}", s)

    k = "databricks-pat-env"
    s = "dapi" + _hex(k, 32)
    _add(F, k, f"DATABRICKS_HOST=https://adb-{_digits(k + 'h', 16)}.7.azuredatabricks.net DATABRICKS_TOKEN={s}", s)

    k = "confluent-api-key-store-positional"
    s = _b64(k, 48)
    _add(
        F,
        k,
        f"confluent api-key store {_draw(k + 'id', _UALNUM, 16)} {s} --resource lkc-{_draw(k + 'c', _LALNUM, 5)}",
        s,
    )

    k = "upstash-redis-rest-token"
    s = "AX" + _draw(k, _B64URL, 58) + "="
    _add(F, k, f'UPSTASH_REDIS_REST_URL="https://eu1-happy-gnu-31337.upstash.io"\nUPSTASH_REDIS_REST_TOKEN="{s}"', s)

    k = "planetscale-password-in-url"
    s = "pscale_pw_" + _draw(k, _B64URL, 43)
    _add(
        F,
        k,
        f"DATABASE_URL='mysql://{_draw(k + 'u', _LALNUM, 12)}:{s}@aws.connect.psdb.cloud/shop?sslaccept=strict'",
        s,
    )

    k = "neon-api-key-bearer"
    s = "napi_" + _draw(k, _LALNUM, 64)
    _add(F, k, f"curl 'https://console.neon.tech/api/v2/projects' -H 'Authorization: Bearer {s}'", s)

    k = "fastly-key-header"
    s = _draw(k, _B64URL, 32)
    _add(F, k, f'curl -X POST -H "Fastly-Key: {s}" https://api.fastly.com/service/{_b62(k + "s", 22)}/purge_all', s)

    k = "linode-cli-token-env"
    s = _hex(k, 64)
    _add(F, k, f"LINODE_CLI_TOKEN={s} linode-cli linodes list --text", s)

    k = "alibaba-keys-aliyun-configure"
    s = _b62(k, 30)
    _add(
        F,
        k,
        f"aliyun configure set --profile prod --mode AK --region cn-hangzhou --access-key-id LTAI{_b62(k + 'id', 20)} "
        f"--access-key-secret {s}",
        s,
    )

    k = "tencent-secret-key-tccli"
    s = _b62(k, 32)
    _add(F, k, f"tccli configure set secretId AKID{_b62(k + 'id', 32)} secretKey {s} region ap-guangzhou", s)

    k = "ibm-cloud-apikey-login"
    s = _draw(k, _B64URL, 44)
    _add(F, k, f"ibmcloud login --apikey {s} -r us-south -g default", s)

    k = "codecov-token-action-input"
    s = _uuid(k)
    _add(
        F,
        k,
        f"      - uses: codecov/codecov-action@v4\n        with:\n          token: {s}\n          files: coverage.xml",
        s,
    )

    k = "bitbucket-app-password-remote"
    s = "ATBB" + _b62(k, 32) + _draw(k + "2", _HEXU, 8)
    _add(F, k, f"git remote set-url origin https://jdoe:{s}@bitbucket.org/acme/payments.git", s)

    k = "crates-io-token-cargo-login"
    s = "cio" + _b62(k, 32)
    _add(F, k, f"cargo login {s}", s)

    k = "deepgram-token-header"
    s = _hex(k, 40)
    _add(
        F,
        k,
        f"curl -X POST -H 'Authorization: Token {s}' -H 'Content-Type: audio/wav' --data-binary @call.wav "
        "'https://api.deepgram.com/v1/listen?model=nova-2'",
        s,
    )

    k = "clerk-secret-key-next-env"
    s = "sk_live_" + _b62(k, 40)
    _add(F, k, f"NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=pk_live_Y2xlcmsuYWNtZS5pbyQ\nCLERK_SECRET_KEY={s}", s)

    k = "terraform-cloud-token-env"
    s = f"{_b62(k, 14)}.atlasv1.{_b62(k + '2', 67)}"
    _add(F, k, f"export TF_TOKEN_app_terraform_io={s}", s)


# --- 2. structured output of CLIs and APIs revealing credentials ---------------------------------


def _cli_api_output() -> None:
    F = "cli_api_output"

    k = "aws-sts-assume-role-json"
    sk = _draw(k, _B64, 40)
    st = _b64of(b"!\n\torigin_ec" + _bytes(k + "st", 560))
    _add(
        F,
        k,
        "$ aws sts assume-role --role-arn arn:aws:iam::210987654321:role/deployer --role-session-name ci\n"
        "{\n"
        '    "Credentials": {\n'
        f'        "AccessKeyId": "ASIA{_draw(k + "id", _B32, 16)}",\n'
        f'        "SecretAccessKey": "{sk}",\n'
        f'        "SessionToken": "{st}",\n'
        '        "Expiration": "2026-11-26T12:14:03+00:00"\n'
        "    },\n"
        '    "AssumedRoleUser": {\n'
        '        "AssumedRoleId": "AROATX3PYZ4EXQ5K7MNOP:ci",\n'
        '        "Arn": "arn:aws:sts::210987654321:assumed-role/deployer/ci"\n'
        "    }\n"
        "}",
        sk,
        st,
    )

    k = "aws-export-credentials-env-format"
    sk = _draw(k, _B64, 40)
    st = _b64of(b"!\n\torigin_ec" + _bytes(k + "st", 400))
    _add(
        F,
        k,
        "$ aws configure export-credentials --profile prod --format env\n"
        f"export AWS_ACCESS_KEY_ID=ASIA{_draw(k + 'id', _B32, 16)}\n"
        f"export AWS_SECRET_ACCESS_KEY={sk}\n"
        f"export AWS_SESSION_TOKEN={st}\n"
        "export AWS_CREDENTIAL_EXPIRATION=2026-11-26T13:00:00+00:00",
        sk,
        st,
    )

    k = "aws-iam-create-access-key-table"
    sk = _draw(k, _B64, 40)
    _add(
        F,
        k,
        "$ aws iam create-access-key --user-name ci-bot --output table\n"
        "-------------------------------------------------------------------------\n"
        "|                            CreateAccessKey                            |\n"
        "+-----------------------------------------------------------------------+\n"
        "||                              AccessKey                              ||\n"
        "|+-----------------+---------------------------------------------------+|\n"
        f"||  AccessKeyId    |  AKIA{_draw(k + 'id', _B32, 16)}                             ||\n"
        "||  CreateDate     |  2026-11-26T09:41:12+00:00                        ||\n"
        f"||  SecretAccessKey|  {sk}         ||\n"
        "||  Status         |  Active                                           ||\n"
        "||  UserName       |  ci-bot                                           ||\n"
        "|+-----------------+---------------------------------------------------+|",
        sk,
    )

    k = "gcloud-print-access-token"
    s = "ya29.a0" + _draw(k, _B64URL, 210)
    _add(F, k, f"$ gcloud auth print-access-token\n{s}", s)

    k = "gcloud-identity-token-curl-substitution"
    s = _jwt(
        k,
        {
            "aud": "https://api-xyz-ew.a.run.app",
            "azp": "1043",
            "email": "ci@acme-prod.iam.gserviceaccount.com",
            "exp": 1764155000,
            "iat": 1764151400,
            "iss": "https://accounts.google.com",
            "sub": "1043",
        },
    )
    _add(
        F,
        k,
        "+ TOKEN=$(gcloud auth print-identity-token)\n"
        f"+ curl -H 'Authorization: Bearer {s}' https://api-xyz-ew.a.run.app/healthz\n"
        '{"status":"ok"}',
        s,
    )

    k = "az-ad-sp-create-for-rbac-json"
    s = _draw(k, _B62, 3) + _draw(k + "d", _DI, 1) + "Q~" + _draw(k + "2", _B62 + "_.~-", 34)
    _add(
        F,
        k,
        "$ az ad sp create-for-rbac --name gha-deployer --role contributor --scopes /subscriptions/...\n"
        "{\n"
        f'  "appId": "{_uuid(k + "app")}",\n'
        '  "displayName": "gha-deployer",\n'
        f'  "password": "{s}",\n'
        f'  "tenant": "{_uuid(k + "tenant")}"\n'
        "}",
        s,
    )

    k = "az-storage-account-keys-list-table"
    s1, s2 = _b64(k, 64), _b64(k + "2", 64)
    _add(
        F,
        k,
        "$ az storage account keys list -g rg-data -n acmelake -o table\n"
        "CreationTime                      KeyName    Permissions    Value\n"
        "--------------------------------  ---------  -------------  ------------------------------------------\n"
        f"2026-03-02T10:11:12.000000+00:00  key1       FULL           {s1}\n"
        f"2026-03-02T10:11:12.000000+00:00  key2       FULL           {s2}",
        s1,
        s2,
    )

    k = "kubectl-get-secret-yaml-data"
    pw, tok = _b64of(_human(k, "season")), _b64of("ghp_" + _b62(k + "t", 36))
    _add(
        F,
        k,
        "$ kubectl get secret app-env -n prod -o yaml\n"
        "apiVersion: v1\n"
        "data:\n"
        f"  DB_PASSWORD: {pw}\n"
        f"  GITHUB_TOKEN: {tok}\n"
        "  DB_USER: YXBw\n"
        "kind: Secret\n"
        "metadata:\n"
        "  name: app-env\n"
        "  namespace: prod\n"
        "type: Opaque",
        pw,
        tok,
    )

    k = "kubectl-jsonpath-decoded-password"
    s = _human(k, "random")
    _add(
        F,
        k,
        "$ kubectl get secret grafana -n monitoring -o jsonpath='{.data.admin-password}' | base64 -d; echo\n" + s,
        s,
    )

    k = "kubectl-config-view-raw"
    kd = _b64of(_block("RSA PRIVATE KEY", _pem_lines(k, _RSA_PKCS1, 1192)) + "\n")
    tok = _jwt(
        k,
        {
            "iss": "kubernetes/serviceaccount",
            "kubernetes.io/serviceaccount/namespace": "ci",
            "sub": "system:serviceaccount:ci:deployer",
        },
    )
    _add(
        F,
        k,
        "$ kubectl config view --raw --minify\n"
        "apiVersion: v1\nclusters:\n- cluster:\n    server: https://10.0.0.12:6443\n  name: prod\n"
        "users:\n- name: admin\n  user:\n"
        f"    client-certificate-data: {_b64of('-----BEGIN CERTIFICATE-----' + chr(10) + _b64(k + 'cert', 600) + chr(10))}\n"
        f"    client-key-data: {kd}\n"
        f"- name: deployer\n  user:\n    token: {tok}",
        kd,
        tok,
    )

    k = "kubectl-create-token-output"
    s = _jwt(
        k,
        {
            "aud": ["https://kubernetes.default.svc"],
            "exp": 1764158000,
            "iss": "https://kubernetes.default.svc",
            "sub": "system:serviceaccount:ci:builder",
        },
    )
    _add(F, k, f"$ kubectl create token builder -n ci --duration 1h\n{s}", s)

    k = "terraform-output-json-sensitive"
    pw = _human(k, "random")
    _add(
        F,
        k,
        "$ terraform output -json\n"
        "{\n"
        '  "db_endpoint": {\n    "sensitive": false,\n    "type": "string",\n    "value": "prod-db.cluster-c9x.eu-west-1.rds.amazonaws.com"\n  },\n'
        f'  "db_password": {{\n    "sensitive": true,\n    "type": "string",\n    "value": "{pw}"\n  }}\n'
        "}",
        pw,
    )

    k = "terraform-state-show-access-key"
    sk = _draw(k, _B64, 40)
    smtp = "B" + _draw(k + "smtp", _B64, 43)
    _add(
        F,
        k,
        "$ terraform state show aws_iam_access_key.mailer\n"
        "# aws_iam_access_key.mailer:\n"
        'resource "aws_iam_access_key" "mailer" {\n'
        '    create_date          = "2026-10-01T08:00:00Z"\n'
        f'    id                   = "AKIA{_draw(k + "id", _B32, 16)}"\n'
        f'    secret               = "{sk}"\n'
        f'    ses_smtp_password_v4 = "{smtp}"\n'
        '    status               = "Active"\n'
        '    user                 = "mailer"\n'
        "}",
        sk,
        smtp,
    )

    k = "vault-kv-get-table"
    pw = _human(k, "leet")
    api = "sk_live_" + _b62(k + "api", 24)
    _add(
        F,
        k,
        "$ vault kv get secret/payments/prod\n"
        "====== Secret Path ======\nsecret/data/payments/prod\n\n"
        "======= Metadata =======\nKey                Value\n---                -----\n"
        "created_time       2026-11-20T08:12:44.1Z\nversion            7\n\n"
        "====== Data ======\nKey            Value\n---            -----\n"
        f"db_password    {pw}\nstripe_key     {api}",
        pw,
        api,
    )

    k = "vault-login-userpass-output"
    s = "hvs.CAESI" + _draw(k, _B64URL, 86)
    _add(
        F,
        k,
        "$ vault login -method=userpass username=jdoe\nPassword (will be hidden):\n"
        "Success! You are now authenticated. The token information displayed below\n"
        "is already stored in the token helper.\n\n"
        "Key                    Value\n---                    -----\n"
        f"token                  {s}\n"
        f"token_accessor         {_draw(k + 'acc', _B62, 24)}\n"
        "token_duration         768h\ntoken_renewable        true\n"
        'token_policies         ["default" "dev"]',
        s,
    )

    k = "docker-inspect-env-array"
    pw = _human(k, "pet")
    dsn = _b62(k + "dsn", 32)
    _add(
        F,
        k,
        "$ docker inspect --format '{{json .Config.Env}}' shop-db | jq .\n"
        "[\n"
        f'  "POSTGRES_PASSWORD={pw}",\n'
        '  "POSTGRES_USER=shop",\n'
        f'  "SENTRY_DSN=https://{dsn}@o4507.ingest.sentry.io/4508",\n'
        '  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",\n'
        '  "PGDATA=/var/lib/postgresql/data"\n'
        "]",
        pw,
    )

    k = "mysql-select-api-clients-table"
    s1, s2 = _b62(k, 40), _b62(k + "2", 40)
    _add(
        F,
        k,
        "mysql> SELECT id, name, client_id, client_secret FROM oauth_clients;\n"
        "+----+---------+----------------------+------------------------------------------+\n"
        "| id | name    | client_id            | client_secret                            |\n"
        "+----+---------+----------------------+------------------------------------------+\n"
        f"|  1 | mobile  | {_hex(k + 'c1', 20)} | {s1} |\n"
        f"|  2 | partner | {_hex(k + 'c2', 20)} | {s2} |\n"
        "+----+---------+----------------------+------------------------------------------+\n"
        "2 rows in set (0.00 sec)",
        s1,
        s2,
    )

    k = "github-actions-log-set-x-trace"
    s = "ghp_" + _b62(k, 36)
    _add(
        F,
        k,
        "2026-11-26T10:12:03.4471920Z ##[group]Run ./scripts/release.sh\n"
        "2026-11-26T10:12:03.5012337Z + curl -sf -X POST "
        f"-H 'Authorization: token {s}' https://api.github.com/repos/acme/web/releases\n"
        "2026-11-26T10:12:04.1022981Z ##[endgroup]",
        s,
    )

    k = "oauth-token-response-google"
    at = "ya29.a0" + _draw(k, _B64URL, 200)
    rt = "1//0" + _draw(k + "rt", _B64URL, 99)
    idt = _jwt(
        k + "id",
        {
            "iss": "https://accounts.google.com",
            "aud": "1043.apps.googleusercontent.com",
            "sub": "1109",
            "email": "jdoe@acme.io",
            "exp": 1764155000,
        },
    )
    _add(
        F,
        k,
        "HTTP/2 200\ncontent-type: application/json; charset=utf-8\n\n"
        f'{{\n  "access_token": "{at}",\n  "expires_in": 3599,\n  "refresh_token": "{rt}",\n'
        f'  "scope": "openid https://www.googleapis.com/auth/userinfo.email",\n  "token_type": "Bearer",\n'
        f'  "id_token": "{idt}"\n}}',
        at,
        rt,
        idt,
    )

    k = "oauth-device-flow-poll"
    s = "gho_" + _b62(k, 36)
    _add(
        F,
        k,
        "POST https://github.com/login/device/code -> "
        f'{{"device_code":"{_hex(k + "dc", 40)}","user_code":"WDJB-MJHT","verification_uri":"https://github.com/login/device","expires_in":899,"interval":5}}\n'
        'POST https://github.com/login/oauth/access_token -> {"error":"authorization_pending"}\n'
        f'POST https://github.com/login/oauth/access_token -> {{"access_token":"{s}","token_type":"bearer","scope":"repo,read:org"}}',
        s,
    )

    k = "oauth-client-credentials-response-keycloak"
    at = _jwt(
        k,
        {
            "exp": 1764152000,
            "iat": 1764151700,
            "iss": "https://sso.acme.io/realms/prod",
            "azp": "billing-worker",
            "scope": "profile email",
        },
    )
    _add(
        F,
        k,
        "$ curl -s -d grant_type=client_credentials -d client_id=billing-worker -d client_secret=$KC_SECRET "
        "https://sso.acme.io/realms/prod/protocol/openid-connect/token\n"
        f'{{"access_token":"{at}","expires_in":300,"refresh_expires_in":0,"token_type":"Bearer","not-before-policy":0,"scope":"profile email"}}',
        at,
    )

    k = "saml-response-form-post"
    xml = (
        '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_'
        + _hex(k, 32)
        + '" Version="2.0" IssueInstant="2026-11-26T10:00:00Z"><saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">'
        "<saml:Subject><saml:NameID>jdoe@acme.io</saml:NameID></saml:Subject><ds:Signature><ds:SignatureValue>"
        + _b64(k + "sig", 256)
        + "</ds:SignatureValue></ds:Signature></saml:Assertion></samlp:Response>"
    )
    s = urllib.parse.quote(_b64of(xml), safe="")
    _add(
        F,
        k,
        "POST /saml/acs HTTP/1.1\nHost: app.acme.io\nContent-Type: application/x-www-form-urlencoded\n\n"
        f"SAMLResponse={s}&RelayState=%2Fdashboard",
        s,
    )

    k = "netscape-cookie-jar"
    s1, s2 = _b64u(k, 48), _hex(k + "2", 64)
    _add(
        F,
        k,
        "$ cat cookies.txt\n# Netscape HTTP Cookie File\n# https://curl.se/docs/http-cookies.html\n"
        "# This file was generated by libcurl! Edit at your own risk.\n\n"
        f"#HttpOnly_.app.acme.io\tTRUE\t/\tTRUE\t1795689600\t__Host-session\t{s1}\n"
        f"app.acme.io\tFALSE\t/\tTRUE\t1795689600\tremember_token\t{s2}\n"
        "app.acme.io\tFALSE\t/\tFALSE\t0\ttheme\tdark",
        s1,
        s2,
    )

    k = "har-entry-headers-and-cookies"
    bearer = _jwt(k, {"sub": "u_81", "scope": "admin", "exp": 1764155000}, "HS256")
    sid = _b62(k + "sid", 32)
    _add(
        F,
        k,
        '{"log": {"entries": [{"request": {"method": "GET", "url": "https://api.acme.io/v2/admin/users",\n'
        f'  "headers": [{{"name": "Authorization", "value": "Bearer {bearer}"}}, {{"name": "Accept", "value": "*/*"}}],\n'
        f'  "cookies": [{{"name": "sid", "value": "{sid}", "httpOnly": true}}]}},\n'
        '  "response": {"status": 200}}]}}',
        bearer,
        sid,
    )

    k = "http-set-cookie-curl-include"
    s = _b64(k, 96).rstrip("=")
    _add(
        F,
        k,
        "$ curl -si -X POST https://shop.acme.io/login -d 'email=a@b.c&password=...' | head -5\n"
        "HTTP/1.1 302 Found\nLocation: /account\n"
        f"Set-Cookie: _shop_session={s}--{_hex(k + 'mac', 40)}; path=/; secure; HttpOnly; SameSite=Lax",
        s,
    )

    k = "heroku-config-output-urls"
    pw = _draw(k, _LALNUM, 65)
    rpw = _draw(k + "r", _B62, 32)
    _add(
        F,
        k,
        "$ heroku config -a acme-api\n=== acme-api Config Vars\n"
        f"DATABASE_URL: postgres://u{_draw(k + 'u', _LALNUM, 13)}:{pw}@ec2-52-1-2-3.compute-1.amazonaws.com:5432/d{_draw(k + 'd', _LALNUM, 13)}\n"
        "NODE_ENV:     production\n"
        f"REDIS_URL:    rediss://:{rpw}@ec2-3-4-5-6.compute-1.amazonaws.com:14390",
        pw,
        rpw,
    )

    k = "gh-auth-status-show-token"
    s = "gho_" + _b62(k, 36)
    _add(
        F,
        k,
        "$ gh auth status --show-token\ngithub.com\n  ✓ Logged in to github.com account jdoe (keyring)\n"
        "  - Active account: true\n  - Git operations protocol: https\n"
        f"  - Token: {s}\n  - Token scopes: 'gist', 'read:org', 'repo', 'workflow'",
        s,
    )

    k = "git-credential-fill-output"
    s = "gho_" + _b62(k, 36)
    _add(
        F,
        k,
        "$ printf 'protocol=https\\nhost=github.com\\n\\n' | git credential fill\n"
        f"protocol=https\nhost=github.com\nusername=jdoe\npassword={s}",
        s,
    )

    k = "salesforce-org-display-table"
    s = f"00D{_b62(k + 'org', 12)}!AQ{_b62(k + 'q', 1)}AQ" + _draw(k, _B62 + "._", 90)
    _add(
        F,
        k,
        "$ sf org display --target-org prod\n\n=== Org Description\n\n KEY              VALUE\n ──────────────── ─────\n"
        f" Access Token     {s}\n Api Version      62.0\n Client Id        PlatformCLI\n"
        " Connected Status Connected\n Instance Url     https://acme.my.salesforce.com\n Username         jdoe@acme.io",
        s,
    )

    k = "firebase-login-ci-output"
    s = "1//0" + _draw(k, _B64URL, 99)
    _add(
        F,
        k,
        "$ firebase login:ci --no-localhost\n...\n✔  Success! Use this token to login on a CI server:\n\n"
        f'{s}\n\nExample: firebase deploy --token "$FIREBASE_TOKEN"',
        s,
    )

    k = "stripe-config-list"
    s = "rk_live_51" + _b62(k, 97)
    _add(
        F,
        k,
        "$ stripe config --list\n[default]\n  device_name = 'jdoe-mbp'\n  display_name = 'Acme Inc'\n"
        f"  live_mode_api_key = '{s}'\n  live_mode_key_expires_at = '2027-02-24'\n  test_mode_api_key = ''",
        s,
    )

    k = "redis-cli-config-get-requirepass"
    s = _human(k, "random")
    _add(
        F,
        k,
        f'127.0.0.1:6379> CONFIG GET requirepass\n1) "requirepass"\n2) "{s}"\n127.0.0.1:6379> CONFIG GET maxmemory\n1) "maxmemory"\n2) "0"',
        s,
    )

    k = "printenv-grep-output"
    s1 = "glpat-" + _draw(k, _B64URL, 20)
    s2 = _human(k + "pw", "season")
    _add(
        F,
        k,
        f"$ printenv | grep -iE 'token|pass'\nCI_JOB_TOKEN_TTL=3600\nGITLAB_TOKEN={s1}\nPGPASSWORD={s2}\nHISTCONTROL=ignoreboth",
        s1,
        s2,
    )

    k = "jenkins-console-docker-login"
    s = _human(k, "random")
    _add(
        F,
        k,
        "[Pipeline] sh\n"
        f"+ docker login -u ci-pusher -p {s} registry.acme.io\n"
        "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\nLogin Succeeded",
        s,
    )

    k = "curl-verbose-request-headers"
    s = "glpat-" + _draw(k, _B64URL, 20)
    _add(
        F,
        k,
        "*   Trying 172.65.251.78:443...\n* Connected to gitlab.com (172.65.251.78) port 443\n"
        "> GET /api/v4/projects?membership=true HTTP/2\n> Host: gitlab.com\n> user-agent: curl/8.5.0\n"
        f"> private-token: {s}\n> accept: */*\n>\n< HTTP/2 200",
        s,
    )

    k = "mongo-atlas-dbuser-create-output"
    s = _human(k, "random")
    _add(
        F,
        k,
        f"$ atlas dbusers create readWriteAnyDatabase --username reporter --password '{s}' --projectId {_hex(k + 'p', 24)}\n"
        "Database user 'reporter' successfully created.",
        s,
    )


# --- 3. config files in many formats ------------------------------------------------------------


def _config_files() -> None:
    F = "config_files"

    k = "spring-application-yml-datasource"
    pw = _human(k, "season")
    _add(
        F,
        k,
        "spring:\n  datasource:\n    url: jdbc:postgresql://db.internal:5432/orders\n    username: orders_app\n"
        f"    password: {pw}\n  jpa:\n    hibernate:\n      ddl-auto: validate",
        pw,
    )

    k = "cargo-credentials-toml"
    s = "cio" + _b62(k, 32)
    _add(F, k, f'$ cat ~/.cargo/credentials.toml\n[registry]\ntoken = "{s}"', s)

    k = "pypirc-ini"
    s = "pypi-AgEIcHlwaS5vcmc" + _draw(k, _B64URL, 150)
    pw = _human(k, "leet")
    _add(
        F,
        k,
        "[distutils]\nindex-servers =\n    pypi\n    internal\n\n[pypi]\nusername = __token__\n"
        f"password = {s}\n\n[internal]\nrepository = https://pkgs.acme.io/simple/\nusername = ci\npassword = {pw}",
        s,
        pw,
    )

    k = "maven-settings-xml-server"
    pw = _human(k, "random")
    _add(
        F,
        k,
        "<settings>\n  <servers>\n    <server>\n      <id>acme-nexus</id>\n      <username>deployer</username>\n"
        f"      <password>{pw}</password>\n    </server>\n  </servers>\n</settings>",
        pw,
    )

    k = "vscode-sqltools-json"
    pw = _human(k, "pet")
    _add(
        F,
        k,
        '"sqltools.connections": [\n  {\n    "name": "prod-readonly",\n    "driver": "PostgreSQL",\n'
        f'    "server": "10.4.0.7",\n    "port": 5432,\n    "username": "ro",\n    "password": "{pw}",\n'
        '    "database": "app"\n  }\n]',
        pw,
    )

    k = "hcl-datadog-provider"
    s1, s2 = _hex(k, 32), _hex(k + "2", 40)
    _add(
        F,
        k,
        f'provider "datadog" {{\n  api_key = "{s1}"\n  app_key = "{s2}"\n  api_url = "https://api.datadoghq.eu/"\n}}',
        s1,
        s2,
    )

    k = "java-properties-mail-and-jdbc"
    p1, p2 = _human(k, "random"), _human(k + "2", "season")
    _add(
        F,
        k,
        "spring.mail.host=smtp.office365.com\nspring.mail.username=noreply@acme.io\n"
        f"spring.mail.password={p1}\njdbc.url=jdbc:oracle:thin:@//ora1:1521/ERP\njdbc.user=erp\njdbc.password={p2}",
        p1,
        p2,
    )

    k = "npmrc-scoped-token-and-auth"
    s1 = "ghp_" + _b62(k, 36)
    s2 = _b64of(f"deploy:{_human(k, 'random')}")
    _add(
        F,
        k,
        "@acme:registry=https://npm.pkg.github.com\n"
        f"//npm.pkg.github.com/:_authToken={s1}\n"
        "//nexus.acme.io/repository/npm/:always-auth=true\n"
        f"//nexus.acme.io/repository/npm/:_auth={s2}",
        s1,
        s2,
    )

    k = "netrc-two-machines"
    s1 = _uuid(k)
    s2 = "ghp_" + _b62(k + "2", 36)
    _add(
        F,
        k,
        f"machine api.heroku.com\n  login jdoe@acme.io\n  password {s1}\nmachine github.com login jdoe password {s2}",
        s1,
        s2,
    )

    k = "nginx-proxy-basic-header"
    s = _b64of(f"svc-gateway:{_human(k, 'random')}")
    _add(
        F,
        k,
        "location /internal/ {\n    proxy_pass http://backend:8080/;\n"
        f'    proxy_set_header Authorization "Basic {s}";\n    proxy_set_header Host $host;\n}}',
        s,
    )

    k = "apache-request-header-apikey"
    s = _b62(k, 40)
    _add(
        F,
        k,
        "<VirtualHost *:443>\n  ServerName api.acme.io\n  ProxyPass / http://127.0.0.1:9000/\n"
        f'  RequestHeader set X-Api-Key "{s}"\n</VirtualHost>',
        s,
    )

    k = "systemd-unit-environment"
    pw = _human(k, "random")
    s = "xoxb-" + _digits(k, 12) + "-" + _digits(k + "2", 13) + "-" + _b62(k + "3", 24)
    _add(
        F,
        k,
        "[Unit]\nDescription=Alert relay\nAfter=network-online.target\n\n[Service]\n"
        f'Environment="REDIS_PASSWORD={pw}"\nEnvironment=SLACK_TOKEN={s}\n'
        "ExecStart=/usr/local/bin/alert-relay\nRestart=on-failure\n\n[Install]\nWantedBy=multi-user.target",
        pw,
        s,
    )

    k = "docker-compose-environment-list"
    p1, p2 = _human(k, "season"), _human(k + "2", "random")
    _add(
        F,
        k,
        "services:\n  db:\n    image: mysql:8.4\n    environment:\n"
        f"      - MYSQL_ROOT_PASSWORD={p1}\n      - MYSQL_DATABASE=wp\n      - MYSQL_USER=wp\n      - MYSQL_PASSWORD={p2}\n"
        "    volumes:\n      - db:/var/lib/mysql",
        p1,
        p2,
    )

    k = "github-actions-hardcoded-env"
    s = "npm_" + _b62(k, 36)
    _add(
        F,
        k,
        "jobs:\n  publish:\n    runs-on: ubuntu-latest\n    env:\n"
        f"      NODE_AUTH_TOKEN: {s}\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm publish --access public",
        s,
    )

    k = "gitlab-ci-variables-block"
    s = "squ_" + _hex(k, 40)
    _add(
        F,
        k,
        'variables:\n  SONAR_HOST_URL: "https://sonar.acme.io"\n'
        f'  SONAR_TOKEN: "{s}"\n  GIT_DEPTH: "0"\n\nsonar:\n  stage: test\n  script:\n    - sonar-scanner',
        s,
    )

    k = "jenkinsfile-withenv-and-sh"
    pw = _human(k, "leet")
    _add(
        F,
        k,
        "pipeline {\n  agent any\n  stages {\n    stage('Publish') {\n      steps {\n"
        f'        withEnv(["ARTIFACTORY_PASSWORD={pw}"]) {{\n'
        "          sh './gradlew publish'\n        }\n      }\n    }\n  }\n}",
        pw,
    )

    k = "ansible-inventory-ini-host-vars"
    p1, p2 = _human(k, "pet"), _human(k + "2", "random")
    _add(
        F,
        k,
        "[db]\n"
        f"db1.acme.lan ansible_user=deploy ansible_password={p1} ansible_become_password='{p2}'\n"
        "db2.acme.lan ansible_user=deploy ansible_ssh_private_key_file=~/.ssh/deploy",
        p1,
        p2,
    )

    k = "chef-knife-rb"
    s = _draw(k, _B64, 40)
    _add(
        F,
        k,
        "knife[:aws_access_key_id] = 'AKIA" + _draw(k + "id", _B32, 16) + "'\n"
        f"knife[:aws_secret_access_key] = '{s}'\nknife[:region] = 'us-east-1'",
        s,
    )

    k = "puppet-hiera-yaml"
    pw = _human(k, "phrase")
    _add(
        F,
        k,
        f"---\nprofile::postgres::db_user: 'billing'\nprofile::postgres::db_password: '{pw}'\nprofile::postgres::port: 5432",
        pw,
    )

    k = "rails-credentials-show"
    s = _hex(k, 128)
    s2 = "sk_live_" + _b62(k + "2", 99)
    _add(
        F,
        k,
        "$ bin/rails credentials:show\n"
        f"secret_key_base: {s}\n\nstripe:\n  secret_key: {s2}\n  publishable_key: pk_live_public",
        s,
        s2,
    )

    k = "laravel-dotenv"
    ak = "base64:" + _b64(k, 32)
    p1, p2 = _human(k + "db", "random"), _human(k + "mail", "random")
    _add(
        F,
        k,
        f"APP_NAME=Shop\nAPP_ENV=production\nAPP_KEY={ak}\nAPP_DEBUG=false\n\nDB_CONNECTION=mysql\nDB_HOST=127.0.0.1\n"
        f"DB_DATABASE=shop\nDB_USERNAME=shop\nDB_PASSWORD={p1}\n\nMAIL_MAILER=smtp\nMAIL_USERNAME=postmaster@mg.shop.io\nMAIL_PASSWORD={p2}",
        ak,
        p1,
        p2,
    )

    k = "django-settings-secret-key"
    s = _draw(k, _LALNUM + "!@#%^&*(-_=+)", 50)
    pw = _human(k + "db", "season")
    _add(
        F,
        k,
        f"SECRET_KEY = '{s}'\n\nDATABASES = {{\n    'default': {{\n        'ENGINE': 'django.db.backends.postgresql',\n"
        f"        'NAME': 'crm',\n        'USER': 'crm',\n        'PASSWORD': '{pw}',\n        'HOST': 'db',\n    }}\n}}",
        s,
        pw,
    )

    k = "wordpress-wp-config-defines"
    pw = _human(k, "random")
    salt = _draw(k + "salt", _B62 + "!#%^*()-_=+[]{}|;:,.<>?~", 64)
    _add(
        F,
        k,
        "define( 'DB_NAME', 'wordpress' );\ndefine( 'DB_USER', 'wp_admin' );\n"
        f"define( 'DB_PASSWORD', '{pw}' );\ndefine( 'DB_HOST', 'localhost' );\n"
        f"define( 'AUTH_KEY',         '{salt}' );",
        pw,
        salt,
    )

    k = "pgpass-file"
    pw = _human(k, "random")
    _add(
        F,
        k,
        f"$ cat ~/.pgpass\ndb.internal:5432:*:analytics:{pw}\n*:*:*:postgres:{_human(k + '2', 'pet')}",
        pw,
        _human(k + "2", "pet"),
    )

    k = "my-cnf-client"
    pw = _human(k, "leet")
    _add(F, k, f'[client]\nuser=root\npassword="{pw}"\nhost=127.0.0.1\n\n[mysqld]\nbind-address=0.0.0.0', pw)

    k = "git-credentials-store-file"
    s = "glpat-" + _draw(k, _B64URL, 20)
    _add(F, k, f"$ cat ~/.git-credentials\nhttps://jdoe:{s}@gitlab.acme.io\nhttps://oauth2:{s}@gitlab.com", s)

    k = "helm-values-nested-auth"
    p1, p2 = _human(k, "season"), _human(k + "2", "random")
    _add(
        F,
        k,
        "postgresql:\n  enabled: true\n  auth:\n"
        f'    postgresPassword: {p1}\n    username: keycloak\n    password: "{p2}"\n    database: keycloak',
        p1,
        p2,
    )

    k = "terraform-tfvars"
    pw = _human(k, "random")
    s = "dop_v1_" + _hex(k + "do", 64)
    _add(F, k, f'region      = "fra1"\ndo_token    = "{s}"\ndb_password = "{pw}"\ninstance_count = 3', s, pw)

    k = "terraform-credentials-tfrc-json"
    s = f"{_b62(k, 14)}.atlasv1.{_b62(k + '2', 67)}"
    _add(F, k, f'{{\n  "credentials": {{\n    "app.terraform.io": {{\n      "token": "{s}"\n    }}\n  }}\n}}', s)

    k = "redis-conf-requirepass-masterauth"
    pw = _draw(k, _B62, 32)
    _add(F, k, f"bind 0.0.0.0\nprotected-mode yes\nrequirepass {pw}\nmasterauth {pw}\nappendonly yes", pw)

    k = "s3cfg-ini"
    s = _draw(k, _B64, 40)
    _add(
        F,
        k,
        f"[default]\naccess_key = AKIA{_draw(k + 'id', _B32, 16)}\nsecret_key = {s}\nhost_base = s3.amazonaws.com\nuse_https = True",
        s,
    )

    k = "rclone-conf-obscured-pass"
    s = _draw(k, _B64URL, 40)
    sk = _draw(k + "sk", _B64, 40)
    _add(
        F,
        k,
        "[nas]\ntype = sftp\nhost = 192.168.1.20\nuser = backup\n"
        f"pass = {s}\n\n[s3]\ntype = s3\nprovider = AWS\naccess_key_id = AKIA{_draw(k + 'id', _B32, 16)}\nsecret_access_key = {sk}",
        s,
        sk,
    )

    k = "dotnet-appsettings-connection-strings"
    pw = _human(k, "random")
    s = _b64(k + "sb", 32)
    _add(
        F,
        k,
        '{\n  "ConnectionStrings": {\n'
        f'    "Default": "Server=tcp:acme-sql.database.windows.net,1433;Initial Catalog=erp;User ID=erp_app;Password={pw};Encrypt=True;",\n'
        f'    "Bus": "Endpoint=sb://acme-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={s}"\n'
        '  },\n  "Logging": { "LogLevel": { "Default": "Information" } }\n}',
        pw,
        s,
    )

    k = "nextjs-env-production"
    s = _b64(k, 32)
    cs = "GOCSPX-" + _draw(k + "g", _B64URL, 28)
    _add(
        F,
        k,
        f"NEXTAUTH_URL=https://app.acme.io\nNEXTAUTH_SECRET={s}\nGOOGLE_CLIENT_ID={_digits(k + 'c', 12)}-x.apps.googleusercontent.com\nGOOGLE_CLIENT_SECRET={cs}",
        s,
        cs,
    )

    k = "pip-conf-index-url-credentials"
    pw = _human(k, "random").replace("#", "").replace("%", "").replace("?", "")
    _add(F, k, f"[global]\nindex-url = https://ci:{pw}@pypi.acme.internal/simple/\ntimeout = 30", pw)

    k = "gradle-properties-signing"
    p1, p2 = _human(k, "season"), _human(k + "2", "phrase")
    _add(
        F,
        k,
        f"ossrhUsername=acme-release\nossrhPassword={p1}\nsigning.keyId=0A1B2C3D\nsigning.password={p2}\n"
        "signing.secretKeyRingFile=/home/ci/.gnupg/secring.gpg",
        p1,
        p2,
    )

    k = "composer-auth-json"
    s1 = "gho_" + _b62(k, 36)
    s2 = _hex(k + "2", 32)
    _add(
        F,
        k,
        f'{{\n    "github-oauth": {{\n        "github.com": "{s1}"\n    }},\n    "http-basic": {{\n'
        f'        "repo.magento.com": {{\n            "username": "{_hex(k + "u", 32)}",\n            "password": "{s2}"\n        }}\n    }}\n}}',
        s1,
        s2,
    )

    k = "web-config-xml-connection-string"
    pw = _human(k, "pet")
    _add(
        F,
        k,
        '<configuration>\n  <connectionStrings>\n    <add name="ErpDb" providerName="System.Data.SqlClient"\n'
        f'         connectionString="Data Source=SQL01;Initial Catalog=Erp;User Id=erp;Password={pw};" />\n'
        "  </connectionStrings>\n</configuration>",
        pw,
    )

    k = "prometheus-scrape-basic-auth"
    pw = _human(k, "random")
    s = _jwt(k, {"sub": "prom", "iss": "grafana"}, "HS256")
    _add(
        F,
        k,
        "scrape_configs:\n  - job_name: node\n    basic_auth:\n      username: prom\n"
        f"      password: '{pw}'\n    static_configs:\n      - targets: ['10.0.0.5:9100']\n"
        f"  - job_name: app\n    authorization:\n      credentials: {s}",
        pw,
        s,
    )

    k = "alertmanager-receivers"
    s = _b62(k, 24)
    pk = _hex(k + "pd", 32)
    _add(
        F,
        k,
        "receivers:\n  - name: ops\n    slack_configs:\n"
        f"      - api_url: https://hooks.slack.com/services/T0{_draw(k + 't', _UALNUM, 8)}/B0{_draw(k + 'b', _UALNUM, 9)}/{s}\n"
        f"    pagerduty_configs:\n      - routing_key: {pk}",
        s,
        pk,
    )

    k = "fluent-bit-output-http-passwd"
    pw = _human(k, "random")
    _add(
        F,
        k,
        "[OUTPUT]\n    Name        es\n    Match       *\n    Host        es.acme.internal\n    HTTP_User   fluent\n"
        f"    HTTP_Passwd {pw}\n    tls         On",
        pw,
    )

    k = "akamai-edgerc"
    s = _b64(k, 32)
    tok = "akab-" + _draw(k + "t", _LALNUM, 16) + "-" + _draw(k + "t2", _LALNUM, 16)
    _add(
        F,
        k,
        "[default]\n"
        f"client_secret = {s}\nhost = akab-{_draw(k + 'h', _LALNUM, 16)}.luna.akamaiapis.net\n"
        f"access_token = {tok}\nclient_token = akab-{_draw(k + 'c', _LALNUM, 16)}-{_draw(k + 'c2', _LALNUM, 16)}",
        s,
        tok,
    )

    k = "kafka-client-properties-jaas"
    pw = _b64(k, 48)
    _add(
        F,
        k,
        "bootstrap.servers=pkc-abc12.eu-west-1.aws.confluent.cloud:9092\nsecurity.protocol=SASL_SSL\nsasl.mechanism=PLAIN\n"
        f'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="{_draw(k + "u", _UALNUM, 16)}" password="{pw}";',
        pw,
    )

    k = "openvpn-auth-user-pass-inline"
    pw = _human(k, "season")
    _add(
        F,
        k,
        f"client\ndev tun\nremote vpn.acme.io 1194 udp\nauth-user-pass\n<auth-user-pass>\njdoe\n{pw}\n</auth-user-pass>",
        pw,
    )

    k = "ini-php-style-db-section"
    pw = _human(k, "random")
    _add(
        F,
        k,
        f'; config/app.ini\n[database]\nadapter = pdo_mysql\nhost = localhost\nusername = app\npassword = "{pw}"\ndbname = app',
        pw,
    )


# --- 4. code in many languages assigning or passing secrets --------------------------------------


def _code() -> None:
    F = "code"

    k = "python-requests-headers-dict"
    s = _b62(k, 40)
    _add(
        F,
        k,
        f'resp = requests.get(f"{{BASE}}/v1/orders", headers={{"X-API-Key": "{s}", "Accept": "application/json"}}, timeout=10)',
        s,
    )

    k = "python-implicit-concat-split"
    s = "sk_live_51" + _b62(k, 97)
    a, b = s[:52], s[52:]
    _add(F, k, f'STRIPE_KEY = (\n    "{a}"\n    "{b}"\n)', a, b)

    k = "python-dataclass-default"
    pw = _human(k, "season")
    _add(
        F,
        k,
        '@dataclass\nclass SmtpSettings:\n    host: str = "smtp.gmail.com"\n    port: int = 587\n'
        f'    user: str = "alerts@acme.io"\n    password: str = "{pw}"',
        pw,
    )

    k = "python-redis-positional-args"
    pw = _human(k, "random")
    _add(F, k, f'r = redis.Redis("cache.internal", 6379, 0, "{pw}", socket_timeout=5)', pw)

    k = "js-btoa-basic-concatenation"
    pw = _human(k, "leet")
    _add(
        F,
        k,
        f'const auth = "Basic " + btoa("svc-sync:" + "{pw}");\nfetch(url, {{ headers: {{ Authorization: auth }} }});',
        pw,
    )

    k = "js-nodemailer-nested-object"
    pw = _draw(k, _LO, 16)
    _add(
        F,
        k,
        "const transporter = nodemailer.createTransport({\n  host: 'smtp.gmail.com',\n  port: 465,\n  secure: true,\n"
        f"  auth: {{ user: 'noreply.acme@gmail.com', pass: '{pw}' }},\n}});",
        pw,
    )

    k = "ts-static-readonly-field"
    s = _b64(k, 48)
    _add(
        F,
        k,
        f"export class JwtService {{\n  private static readonly SECRET = '{s}';\n  sign(p: object) {{ return jwt.sign(p, JwtService.SECRET); }}\n}}",
        s,
    )

    k = "go-struct-literal-password"
    pw = _human(k, "random")
    _add(
        F,
        k,
        f'cfg := &mysql.Config{{\n\tUser:   "inventory",\n\tPasswd: "{pw}",\n\tNet:    "tcp",\n\tAddr:   "10.1.2.3:3306",\n}}',
        pw,
    )

    k = "go-header-set-concat"
    s = "xoxb-" + _digits(k, 12) + "-" + _digits(k + "2", 13) + "-" + _b62(k + "3", 24)
    _add(F, k, f'req.Header.Set("Authorization", "Bearer "+"{s}")', s)

    k = "rust-const-and-bearer"
    s = "glpat-" + _draw(k, _B64URL, 20)
    _add(
        F,
        k,
        f'const GITLAB_TOKEN: &str = "{s}";\n\nlet resp = client.get(url).bearer_auth(GITLAB_TOKEN).send().await?;',
        s,
    )

    k = "java-aws-builder-basic-credentials"
    sk = _draw(k, _B64, 40)
    _add(
        F,
        k,
        "AmazonS3 s3 = AmazonS3ClientBuilder.standard()\n    .withRegion(Regions.EU_CENTRAL_1)\n"
        f'    .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials("AKIA{_draw(k + "id", _B32, 16)}", "{sk}")))\n'
        "    .build();",
        sk,
    )

    k = "java-jdbc-getconnection-positional"
    pw = _human(k, "pet")
    _add(
        F,
        k,
        f'Connection conn = DriverManager.getConnection("jdbc:postgresql://db:5432/ledger", "ledger", "{pw}");',
        pw,
    )

    k = "kotlin-okhttp-add-header"
    s = _hex(k, 40)
    _add(
        F,
        k,
        f'val request = Request.Builder()\n    .url("https://api.acme.io/v3/sync")\n    .addHeader("X-Auth-Token", "{s}")\n    .build()',
        s,
    )

    k = "csharp-sqlconnection-string"
    pw = _human(k, "random")
    _add(
        F,
        k,
        f'using var conn = new SqlConnection("Server=sql01;Database=Crm;User Id=sa;Password={pw};TrustServerCertificate=True");',
        pw,
    )

    k = "csharp-client-secret-credential"
    s = _draw(k, _B62, 3) + _draw(k + "d", _DI, 1) + "Q~" + _draw(k + "2", _B62 + "_.~-", 34)
    _add(F, k, f'var cred = new ClientSecretCredential(tenantId, clientId, "{s}");', s)

    k = "ruby-stripe-and-hash-symbol"
    s = "sk_live_" + _b62(k, 99)
    pw = _human(k, "season")
    _add(
        F,
        k,
        f"Stripe.api_key = '{s}'\nSMTP = {{ address: 'smtp.acme.io', user_name: 'mailer', password: '{pw}' }}.freeze",
        s,
        pw,
    )

    k = "php-pdo-constructor"
    pw = _human(k, "random")
    _add(
        F,
        k,
        f"$pdo = new PDO('mysql:host=db;dbname=shop;charset=utf8mb4', 'shop', '{pw}', [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);",
        pw,
    )

    k = "swift-let-and-interpolation"
    s = _b62(k, 32)
    _add(F, k, f'let apiKey = "{s}"\nrequest.setValue("Bearer \\(apiKey)", forHTTPHeaderField: "Authorization")', s)

    k = "elixir-repo-config"
    pw = _human(k, "phrase")
    sk = _b64(k + "skb", 48)
    _add(
        F,
        k,
        'config :shop, Shop.Repo,\n  username: "shop",\n'
        f'  password: "{pw}",\n  hostname: "db.internal",\n  pool_size: 10\n\n'
        f'config :shop, ShopWeb.Endpoint, secret_key_base: "{sk}"',
        pw,
        sk,
    )

    k = "scala-env-fallback-default"
    s = _b62(k, 48)
    _add(F, k, f'val jwtSecret: String = sys.env.getOrElse("JWT_SECRET", "{s}")', s)

    k = "c-define-and-call"
    pw = _human(k, "random")
    _add(
        F,
        k,
        f'#define MQTT_USER "sensor-07"\n#define MQTT_PASS "{pw}"\n\nmosquitto_username_pw_set(mosq, MQTT_USER, MQTT_PASS);',
        pw,
    )

    k = "cpp-string-concat-split"
    s = "AKIA" + _draw(k + "id", _B32, 16)
    sk = _draw(k, _B64, 40)
    a, b = sk[:20], sk[20:]
    _add(
        F,
        k,
        f'const std::string secret = std::string("{a}") + "{b}";\nAws::Auth::AWSCredentials creds("{s}", secret);',
        a,
        b,
    )

    k = "shell-function-default-param"
    s = "ghp_" + _b62(k, 36)
    _add(
        F,
        k,
        f'gh_api() {{\n  curl -fsS -H "Authorization: token ${{GH_TOKEN:-{s}}}" "https://api.github.com$1"\n}}',
        s,
    )

    k = "powershell-securestring-credential"
    pw = _human(k, "season")
    _add(
        F,
        k,
        f"$secpw = ConvertTo-SecureString '{pw}' -AsPlainText -Force\n"
        "$cred = New-Object System.Management.Automation.PSCredential ('ACME\\svc-deploy', $secpw)\n"
        "Invoke-Command -ComputerName web01 -Credential $cred -ScriptBlock { iisreset }",
        pw,
    )

    k = "sql-alter-login-nvarchar"
    pw = _human(k, "random")
    _add(F, k, f"ALTER LOGIN [etl_loader] WITH PASSWORD = N'{pw}', CHECK_POLICY = OFF;", pw)

    k = "lua-resty-redis-auth"
    pw = _human(k, "random")
    _add(
        F,
        k,
        f'local red = redis:new()\nlocal ok, err = red:connect("127.0.0.1", 6379)\nlocal res, err = red:auth("{pw}")',
        pw,
    )

    k = "r-sys-setenv-and-httr"
    s = "sk-proj-" + _draw(k, _B64URL, 74) + "T3BlbkFJ" + _draw(k + "2", _B64URL, 74)
    t = _hex(k + "t", 40)
    _add(
        F,
        k,
        f'Sys.setenv(OPENAI_API_KEY = "{s}")\nres <- GET(url, add_headers(Authorization = paste("token", "{t}")))',
        s,
        t,
    )

    k = "terraform-resource-inline-password"
    pw = _human(k, "random")
    _add(
        F,
        k,
        'resource "aws_db_instance" "main" {\n  engine            = "postgres"\n  instance_class    = "db.t3.medium"\n'
        f'  username          = "dbadmin"\n  password          = "{pw}"\n  allocated_storage = 50\n}}',
        pw,
    )

    k = "perl-dbi-connect"
    pw = _human(k, "pet")
    _add(
        F, k, f"my $dbh = DBI->connect('DBI:Pg:dbname=billing;host=db', 'billing', '{pw}', {{ RaiseError => 1 }});", pw
    )

    k = "java-string-format-url"
    pw = _human(k, "random").replace("%", "")
    _add(F, k, f'String url = String.format("amqp://%s:%s@mq.internal:5672/%s", "orders", "{pw}", "prod");', pw)

    k = "python-format-split-halves"
    s = "hf_" + _draw(k, _UP + _LO, 34)
    a, b = s[:18], s[18:]
    _add(F, k, f'HF_TOKEN = "{{}}{{}}".format("{a}", "{b}")', a, b)

    k = "js-array-join-split"
    s = "ghp_" + _b62(k, 36)
    a, b, c = s[:14], s[14:27], s[27:]
    _add(F, k, f'const token = ["{a}", "{b}", "{c}"].join("");', a, b, c)

    k = "dart-const-string"
    s = "AIza" + _draw(k, _B64URL, 35)
    _add(F, k, f"const String kMapsApiKey = '{s}';", s)

    k = "go-base64-decoded-key"
    s = _b64(k, 32)
    _add(F, k, f'hmacKey, _ := base64.StdEncoding.DecodeString("{s}")\nmac := hmac.New(sha256.New, hmacKey)', s)

    k = "python-hvac-client-token"
    s = "hvs.CAESI" + _draw(k, _B64URL, 86)
    _add(F, k, f"client = hvac.Client(url='https://vault.acme.internal:8200', token='{s}')", s)

    k = "ts-axios-auth-object"
    pw = _human(k, "leet")
    _add(F, k, f"await axios.post(url, body, {{ auth: {{ username: 'jenkins', password: '{pw}' }} }});", pw)

    k = "java-spring-value-default"
    s = _b62(k, 32)
    _add(F, k, f'@Value("${{stripe.webhook-secret:whsec_{s}}}")\nprivate String webhookSecret;', "whsec_" + s)

    k = "python-sqlalchemy-url-object"
    pw = _human(k, "season")
    _add(
        F,
        k,
        f'url = URL.create("postgresql+psycopg", username="etl", password="{pw}", host="warehouse", database="dw")',
        pw,
    )

    k = "groovy-gradle-credentials-block"
    pw = _human(k, "random")
    _add(
        F,
        k,
        "repositories {\n    maven {\n        url 'https://nexus.acme.io/repository/releases/'\n"
        f"        credentials {{\n            username 'deploy'\n            password '{pw}'\n        }}\n    }}\n}}",
        pw,
    )

    k = "python-jwt-encode-literal-key"
    s = _b62(k, 64)
    _add(F, k, f'token = jwt.encode({{"sub": user.id}}, "{s}", algorithm="HS256")', s)

    k = "ruby-net-ftp-login"
    pw = _human(k, "pet")
    _add(
        F,
        k,
        f"Net::FTP.open('ftp.partner.example') do |ftp|\n  ftp.login('acme_upload', '{pw}')\n  ftp.putbinaryfile('feed.csv')\nend",
        pw,
    )


# --- 5. passwords given to programs --------------------------------------------------------------


def _program_passwords() -> None:
    F = "program_passwords"

    k = "mysql-p-attached"
    pw = _human(k, "season")
    _add(F, k, f"mysql -h 10.0.3.4 -u root -p'{pw}' shop -e 'SHOW PROCESSLIST'", pw)

    k = "mysqldump-password-long-option"
    pw = _human(k, "random")
    _add(F, k, f"mysqldump --single-transaction --user=backup --password={pw} --all-databases | gzip > all.sql.gz", pw)

    k = "pgpassword-env-psql"
    pw = _human(k, "pet")
    _add(F, k, f"PGPASSWORD={pw} psql -h pg.internal -U analytics -d warehouse -c '\\dt'", pw)

    k = "mongosh-srv-uri"
    pw = _draw(k, _B62, 20)
    _add(F, k, f'mongosh "mongodb+srv://appUser:{pw}@cluster0.x7k2p.mongodb.net/shop?retryWrites=true&w=majority"', pw)

    k = "redis-cli-a-flag"
    pw = _human(k, "random")
    _add(F, k, f"redis-cli -h cache.internal -p 6380 --tls -a '{pw}' --no-auth-warning INFO keyspace", pw)

    k = "rabbitmqctl-add-user"
    pw = _human(k, "leet")
    _add(
        F,
        k,
        f"sudo rabbitmqctl add_user orders-svc '{pw}' && sudo rabbitmqctl set_permissions -p / orders-svc '.*' '.*' '.*'",
        pw,
    )

    k = "ldapsearch-bind-w"
    pw = _human(k, "random")
    _add(
        F,
        k,
        f'ldapsearch -x -H ldaps://ldap.acme.lan -D "cn=admin,dc=acme,dc=lan" -w \'{pw}\' -b "ou=people,dc=acme,dc=lan" "(uid=jdoe)"',
        pw,
    )

    k = "smbclient-user-percent"
    pw = _human(k, "season")
    _add(F, k, f"smbclient //fs01.acme.lan/finance -U 'ACME\\jdoe%{pw}' -c 'ls'", pw)

    k = "lftp-user-comma"
    pw = _human(k, "random").replace(",", "")
    _add(F, k, f"lftp -u partner_feed,'{pw}' sftp://files.partner.example -e 'mirror -R ./out /in; bye'", pw)

    k = "curl-ftp-user"
    pw = _human(k, "pet")
    _add(F, k, f"curl -T report.csv --user ftpuser:{pw} ftp://ftp.acme.io/uploads/", pw)

    k = "sshpass-p-flag"
    pw = _human(k, "season")
    _add(
        F, k, f"sshpass -p '{pw}' ssh -o StrictHostKeyChecking=no deploy@203.0.113.17 'sudo systemctl restart app'", pw
    )

    k = "openconnect-passwd-stdin-echo"
    pw = _human(k, "random")
    _add(F, k, f"echo '{pw}' | sudo openconnect --protocol=anyconnect --user=jdoe --passwd-on-stdin vpn.acme.io", pw)

    k = "nmcli-wifi-connect"
    pw = _human(k, "phrase")
    _add(F, k, f'nmcli dev wifi connect "Acme-Office-5G" password "{pw}" ifname wlan0', pw)

    k = "wpa-supplicant-psk"
    pw = _human(k, "season")
    _add(F, k, f'network={{\n    ssid="HomeNet"\n    psk="{pw}"\n    key_mgmt=WPA-PSK\n}}', pw)

    k = "7z-archive-password"
    pw = _human(k, "random")
    _add(F, k, f"7z a -t7z -mhe=on -p'{pw}' backup-2026-11.7z ./exports", pw)

    k = "zip-P-and-unzip"
    pw = _human(k, "pet")
    _add(F, k, f"zip -r -P {pw} handover.zip docs/ && unzip -P {pw} -l handover.zip", pw)

    k = "gpg-batch-passphrase"
    pw = _human(k, "phrase")
    _add(F, k, f"gpg --batch --yes --pinentry-mode loopback --passphrase '{pw}' -c --cipher-algo AES256 db.sql", pw)

    k = "keytool-storepass-keypass"
    p1, p2 = _human(k, "random"), _human(k + "2", "random")
    _add(
        F,
        k,
        f"keytool -genkeypair -alias release -keyalg RSA -keysize 4096 -validity 9125 -keystore release.jks "
        f"-storepass {p1} -keypass {p2} -dname 'CN=Acme, O=Acme, C=DE'",
        p1,
        p2,
    )

    k = "openssl-pkcs12-passout"
    pw = _human(k, "season")
    _add(F, k, f"openssl pkcs12 -export -in cert.pem -inkey key.pem -out bundle.p12 -passout pass:{pw}", pw)

    k = "windows-net-user-add"
    pw = _human(k, "season")
    _add(F, k, f"net user svc_backup {pw} /add /passwordchg:no && net localgroup Administrators svc_backup /add", pw)

    k = "windows-cmdkey-add"
    pw = _human(k, "random")
    _add(F, k, f"cmdkey /add:fileserver01 /user:ACME\\jdoe /pass:{pw}", pw)

    k = "chpasswd-echo"
    pw = _human(k, "leet")
    _add(F, k, f"echo 'deploy:{pw}' | sudo chpasswd", pw)

    k = "usermod-openssl-passwd"
    pw = _human(k, "pet")
    _add(F, k, f"sudo usermod --password \"$(openssl passwd -6 '{pw}')\" alice", pw)

    k = "docker-login-p-flag"
    pw = _human(k, "random")
    _add(F, k, f"docker login registry.acme.io -u robot$ci -p '{pw}'", pw)

    k = "helm-repo-add-password"
    pw = _human(k, "season")
    _add(F, k, f"helm repo add acme https://charts.acme.io --username ci --password {pw}", pw)

    k = "pip-install-index-credentials"
    s = "glpat-" + _draw(k, _B64URL, 20)
    _add(
        F,
        k,
        f"pip install --index-url https://__token__:{s}@gitlab.acme.io/api/v4/projects/12/packages/pypi/simple acme-utils",
        s,
    )

    k = "sqlcmd-P-flag"
    pw = _human(k, "random")
    _add(F, k, f'sqlcmd -S tcp:sql01,1433 -U sa -P "{pw}" -Q "SELECT name FROM sys.databases"', pw)

    k = "htpasswd-batch"
    pw = _human(k, "pet")
    _add(F, k, f"htpasswd -bB /etc/nginx/.htpasswd admin {pw}", pw)

    k = "rsync-password-env"
    pw = _human(k, "random")
    _add(F, k, f"RSYNC_PASSWORD='{pw}' rsync -av ./site/ rsync://backup@nas.lan/web/", pw)

    k = "sudo-S-echo"
    pw = _human(k, "season")
    _add(F, k, f"echo '{pw}' | sudo -S apt-get -y upgrade", pw)

    k = "mount-cifs-options"
    pw = _human(k, "random").replace(",", "")
    _add(F, k, f"sudo mount -t cifs //nas/media /mnt/media -o username=jdoe,password={pw},uid=1000,vers=3.0", pw)

    k = "wget-user-password"
    pw = _human(k, "leet")
    _add(F, k, f"wget --user=mirror --password='{pw}' -r -np https://intranet.acme.lan/builds/", pw)

    k = "az-vm-create-admin-password"
    pw = _human(k, "season") + "7"
    _add(
        F,
        k,
        f"az vm create -g rg-lab -n win-lab --image Win2022Datacenter --admin-username labadmin --admin-password '{pw}'",
        pw,
    )

    k = "vault-login-userpass-inline"
    pw = _human(k, "random")
    _add(F, k, f"vault login -method=userpass username=jdoe password='{pw}'", pw)

    k = "ansible-playbook-extra-vars"
    pw = _human(k, "leet")
    _add(F, k, f"ansible-playbook site.yml -i prod -e 'ansible_become_pass={pw}' --limit web", pw)

    k = "influx-setup-password"
    pw = _human(k, "random")
    tok = _draw(k + "t", _B64URL, 86) + "=="
    _add(
        F,
        k,
        f"influx setup --org acme --bucket metrics --username admin --password {pw} --token {tok} --force",
        pw,
        tok,
    )

    k = "psql-conninfo-password"
    pw = _human(k, "phrase")
    _add(F, k, f'psql "host=pg.internal port=5432 dbname=app user=app password={pw} sslmode=require"', pw)

    k = "mssql-docker-run-sa-password"
    pw = _human(k, "season")
    _add(
        F,
        k,
        f'docker run -e "ACCEPT_EULA=Y" -e "MSSQL_SA_PASSWORD={pw}" -p 1433:1433 -d mcr.microsoft.com/mssql/server:2022-latest',
        pw,
    )

    k = "git-clone-user-password-url"
    pw = _human(k, "pet").replace("#", "").replace("?", "").replace("%", "")
    _add(F, k, f"git clone https://jdoe:{pw}@git.acme.lan/scm/core/api.git", pw)

    k = "unrar-p-flag"
    pw = _human(k, "random")
    _add(F, k, f"unrar x -p{pw} scans-2026.rar ./scans/", pw)


# --- 6. prose and chat, in English and other languages -------------------------------------------


def _prose_chat() -> None:
    F = "prose_chat"

    k = "en-chat-staging-db-password"
    pw = _human(k, "season")
    _add(F, k, f"fyi the staging db password is now {pw} — don't paste it in #general pls", pw)

    k = "en-user-message-use-my-token"
    s = "ghp_" + _b62(k, 36)
    _add(F, k, f"just use my token for now ({s}), I'll revoke it after the release", s)

    k = "en-safe-pin"
    pin = _digits(k, 6)
    _add(F, k, f"The server room safe code was changed yesterday; new PIN: {pin}. Ask Tom for the key card.", pin)

    k = "en-slack-export-wifi"
    pw = _human(k, "phrase")
    _add(F, k, f"[10:42] maria.k: guest wifi pass is {pw}\n[10:43] tom: thx!", pw)

    k = "en-assistant-repeating-key"
    s = _b62(k, 40)
    _add(F, k, f"Got it. I'll set the Mistral key you gave me ({s}) in the .env file and restart the dev server.", s)

    k = "en-email-signature-credentials"
    pw = _human(k, "leet")
    _add(
        F,
        k,
        "Hi team,\n\nThe new vendor portal is live. Login: procurement@acme.io\n"
        f"Temporary password: {pw}\nYou'll be asked to change it on first login.\n\nBest,\nPriya",
        pw,
    )

    k = "en-password-in-parentheses-phrase"
    pw = _human(k, "random")
    _add(F, k, f"I logged into the router admin (user admin, pass {pw}) and opened port 8443.", pw)

    k = "en-recovery-key-for-laptop"
    rk = "-".join(_digits(k + str(i), 6) for i in range(8))
    _add(F, k, f"BitLocker asked for the recovery key on Jane's laptop, it's {rk} if you need it again", rk)

    k = "de-jenkins-admin-password"
    pw = _human(k, "season")
    _add(F, k, f"Das neue Passwort für den Jenkins-Admin lautet {pw} – bitte nicht weitergeben.", pw)

    k = "de-api-schluessel"
    s = _hex(k, 32)
    _add(F, k, f"Hier der API-Schlüssel für die Wetter-API: {s}. Läuft Ende des Monats ab.", s)

    k = "fr-mot-de-passe-prod"
    pw = _human(k, "random")
    _add(F, k, f"Le mot de passe de la base de prod est « {pw} », pense à le changer après la migration.", pw)

    k = "es-contrasena-router"
    pw = _human(k, "pet")
    _add(F, k, f"La contraseña del router de la oficina es {pw} (la cambié ayer).", pw)

    k = "es-pin-tarjeta"
    pin = _digits(k, 6)
    _add(F, k, f"Oye, el PIN de la tarjeta corporativa es {pin}, no lo apuntes en ningún sitio.", pin)

    k = "pt-senha-homologacao"
    pw = _human(k, "leet")
    _add(F, k, f"A senha do servidor de homologação é {pw} e o usuário é deploy.", pw)

    k = "it-password-admin"
    pw = _human(k, "season")
    _add(F, k, f"La password dell'utente admin è {pw}, ricordati di cambiarla dopo il primo accesso.", pw)

    k = "nl-wachtwoord-nas"
    pw = _human(k, "random")
    _add(F, k, f"Het wachtwoord van de NAS is {pw}; gebruikersnaam is gewoon backup.", pw)

    k = "pl-haslo-vpn"
    pw = _human(k, "pet")
    _add(F, k, f"Hasło do VPN: {pw} — login taki sam jak do poczty.", pw)

    k = "ru-parol-pochta"
    pw = _human(k, "season")
    _add(F, k, f"Пароль от корпоративной почты: {pw}, логин — ivan.petrov", pw)

    k = "ru-token-bota"
    s = f"{_digits(k, 10)}:AA{_draw(k + '2', _B64URL, 33)}"
    _add(F, k, f"Вот токен бота, вставь его в конфиг: {s}", s)

    k = "uk-parol-bazy"
    pw = _human(k, "random")
    _add(F, k, f"Пароль до бази даних на проді — {pw}. Нікому не пересилай.", pw)

    k = "zh-mima-no-spaces"
    pw = _human(k, "leet")
    _add(F, k, f"数据库密码是{pw}，别外传。", pw)

    k = "zh-miyao-colon"
    s = "sk-" + _hex(k, 32)
    _add(F, k, f"通义千问的API密钥：{s}，记得放到环境变量里。", s)

    k = "ja-api-key-desu"
    s = _b62(k, 32)
    _add(F, k, f"本番環境のAPIキーは{s}です。よろしくお願いします。", s)

    k = "ja-password-kakko"
    pw = _human(k, "season")
    _add(F, k, f"管理画面のパスワードは「{pw}」に変更しました。", pw)

    k = "ko-bimilbeonho"
    pw = _human(k, "pet")
    _add(F, k, f"관리자 비밀번호는 {pw} 입니다. 공유하지 마세요.", pw)

    k = "tr-sunucu-sifresi"
    pw = _human(k, "random")
    _add(F, k, f"Sunucu şifresi: {pw} (root için)", pw)

    k = "vi-mat-khau-wifi"
    pw = _human(k, "phrase")
    _add(F, k, f"Mật khẩu wifi tầng 3 là {pw} nhé mọi người", pw)

    k = "hi-server-password"
    pw = _human(k, "season")
    _add(F, k, f"सर्वर का पासवर्ड {pw} है, कृपया इसे किसी के साथ साझा न करें।", pw)

    k = "ar-kalimat-al-murur"
    pw = _human(k, "random")
    _add(F, k, f"كلمة المرور الجديدة لحساب الخادم هي {pw} يرجى عدم مشاركتها.", pw)

    k = "he-sisma"
    pw = _human(k, "leet")
    _add(F, k, f"הסיסמה לשרת הבדיקות היא {pw} תחליף אותה אחרי ההדגמה", pw)

    k = "id-kata-sandi"
    pw = _human(k, "pet")
    _add(F, k, f"Kata sandi email kantor: {pw}. Jangan disebar ya.", pw)

    k = "id-token-chat"
    s = "glpat-" + _draw(k, _B64URL, 20)
    _add(F, k, f"token gitlab-nya pakai ini aja dulu {s} nanti aku ganti", s)

    k = "pt-br-chave-pix-api"
    s = _b62(k, 48)
    _add(F, k, f"segue a chave da API do gateway de pagamento: {s} (ambiente de produção)", s)

    k = "fr-code-pin-badge"
    pin = _digits(k, 6)
    _add(F, k, f"Pour l'alarme du bureau, le code est {pin}, puis tu valides avec la touche #.", pin)

    k = "de-wlan-schluessel"
    pw = _human(k, "phrase")
    _add(F, k, f"WLAN: Acme-Gast, Schlüssel {pw}", pw)


# --- 7. key material -----------------------------------------------------------------------------


def _key_material() -> None:
    F = "key_material"

    k = "pem-rsa-pkcs1-cat"
    lines = _pem_lines(k, _RSA_PKCS1, 1192)
    _add(F, k, "$ cat deploy/id_rsa\n" + _block("RSA PRIVATE KEY", lines), *_long(lines))

    k = "pem-pkcs8-in-python-triple-quoted"
    lines = _pem_lines(k, _RSA_PKCS8, 1218)
    _add(F, k, 'PRIVATE_KEY = """' + _block("PRIVATE KEY", lines) + '\n"""', *_long(lines))

    k = "pem-ec-private-key-crlf"
    lines = _wrap(_b64of(_ec_p256(k)), 64)
    _add(F, k, _block("EC PRIVATE KEY", lines, "\r\n") + "\r\n", *_long(lines))

    k = "pem-encrypted-pkcs8"
    lines = _pem_lines(k, _ENC_PKCS8, 1329)
    _add(F, k, _block("ENCRYPTED PRIVATE KEY", lines), *_long(lines))

    k = "pem-rsa-legacy-encrypted-headers"
    lines = _pem_lines(k, bytes.fromhex("3082"), 1200)
    _add(
        F,
        k,
        "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,"
        + _hex(k + "iv", 32).upper()
        + "\n\n"
        + "\n".join(lines)
        + "\n-----END RSA PRIVATE KEY-----",
        *_long(lines),
    )

    k = "openssh-ed25519-private"
    lines = _openssh_ed25519(k)
    _add(F, k, _block("OPENSSH PRIVATE KEY", lines), *_long(lines))

    k = "openssh-in-yaml-block-scalar"
    lines = _openssh_ed25519(k)
    body = "\n".join(
        "    " + x for x in ["-----BEGIN OPENSSH PRIVATE KEY-----", *lines, "-----END OPENSSH PRIVATE KEY-----"]
    )
    _add(F, k, "deploy:\n  host: web01.acme.lan\n  ssh_key: |\n" + body + "\n  user: deploy", *_long(lines))

    k = "gcp-service-account-json-escaped-pem"
    lines = _pem_lines(k, _RSA_PKCS8, 1218)
    pk = "-----BEGIN PRIVATE KEY-----\\n" + "\\n".join(lines) + "\\n-----END PRIVATE KEY-----\\n"
    _add(
        F,
        k,
        '{\n  "type": "service_account",\n  "project_id": "acme-prod",\n'
        f'  "private_key_id": "{_hex(k + "kid", 40)}",\n'
        f'  "private_key": "{pk}",\n'
        '  "client_email": "ci-deployer@acme-prod.iam.gserviceaccount.com",\n'
        f'  "client_id": "{_digits(k + "cid", 21)}",\n'
        '  "token_uri": "https://oauth2.googleapis.com/token"\n}',
        *_long(lines),
    )

    k = "coinbase-cdp-key-json-ec"
    lines = _wrap(_b64of(_ec_p256(k)), 64)
    pk = "-----BEGIN EC PRIVATE KEY-----\\n" + "\\n".join(lines) + "\\n-----END EC PRIVATE KEY-----\\n"
    _add(
        F,
        k,
        f'{{\n   "name": "organizations/{_uuid(k + "o")}/apiKeys/{_uuid(k + "a")}",\n   "privateKey": "{pk}"\n}}',
        *_long(lines),
    )

    k = "pgp-private-key-block"
    lines = _pem_lines(k, b"\x95\x03\x98\x04", 1100)
    crc = "=" + _draw(k + "crc", _B64, 4)
    _add(
        F,
        k,
        "$ gpg --armor --export-secret-keys release@acme.io\n-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n"
        + "\n".join(lines)
        + f"\n{crc}\n-----END PGP PRIVATE KEY BLOCK-----",
        *_long(lines),
    )

    k = "putty-ppk-v3"
    priv = _wrap(_b64of(_bytes(k + "priv", 36)), 64)
    _add(
        F,
        k,
        "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: eddsa-key-20261126\nPublic-Lines: 2\n"
        + "\n".join(_wrap(_b64of(_ssh_string(b"ssh-ed25519") + _ssh_string(_bytes(k + "pub", 32))), 64))
        + f"\nPrivate-Lines: {len(priv)}\n"
        + "\n".join(priv)
        + f"\nPrivate-MAC: {_hex(k + 'mac', 64)}",
        *priv,
    )

    k = "age-identity-file"
    s = "AGE-SECRET-KEY-1" + _draw(k, _BECH32, 58).upper()
    _add(
        F,
        k,
        f"$ cat ~/.config/sops/age/keys.txt\n# created: 2026-11-26T09:30:00+01:00\n# public key: age1{_draw(k + 'pub', _BECH32, 58)}\n{s}",
        s,
    )

    k = "wireguard-conf-private-and-psk"
    pk, psk = _b64(k, 32), _b64(k + "psk", 32)
    _add(
        F,
        k,
        f"[Interface]\nAddress = 10.8.0.2/32\nPrivateKey = {pk}\nDNS = 1.1.1.1\n\n[Peer]\n"
        f"PublicKey = {_b64(k + 'pub', 32)}\nPresharedKey = {psk}\nEndpoint = vpn.acme.io:51820\nAllowedIPs = 0.0.0.0/0",
        pk,
        psk,
    )

    k = "jwk-ec-private-d"
    d = _b64u(k, 32)
    _add(
        F,
        k,
        json.dumps(
            {
                "kty": "EC",
                "crv": "P-256",
                "kid": "sig-2026-11",
                "use": "sig",
                "x": _b64u(k + "x", 32),
                "y": _b64u(k + "y", 32),
                "d": d,
            }
        ),
        d,
    )

    k = "jwks-rsa-private-members"
    d, p, q = _b64u(k + "d", 256), _b64u(k + "p", 128), _b64u(k + "q", 128)
    _add(
        F,
        k,
        json.dumps(
            {
                "keys": [
                    {
                        "kty": "RSA",
                        "kid": "2026-rot-1",
                        "alg": "RS256",
                        "n": _b64u(k + "n", 256),
                        "e": "AQAB",
                        "d": d,
                        "p": p,
                        "q": q,
                        "dp": _b64u(k + "dp", 128),
                        "dq": _b64u(k + "dq", 128),
                        "qi": _b64u(k + "qi", 128),
                    }
                ]
            },
            indent=2,
        ),
        d,
        p,
        q,
    )

    k = "pkcs12-base64-in-k8s-secret"
    s = _b64of(_PKCS12 + _bytes(k, 2624 - len(_PKCS12)))
    _add(
        F,
        k,
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: kafka-client-tls\ntype: Opaque\ndata:\n"
        f"  keystore.p12: {s}\n  keystore.password: {_b64of(_human(k, 'random'))}",
        s,
        _b64of(_human(k, "random")),
    )

    k = "jks-base64-env-var"
    s = _b64of(_JKS + _bytes(k, 2200))
    _add(F, k, f"ANDROID_KEYSTORE_BASE64={s}\nANDROID_KEY_ALIAS=upload", s)

    k = "kerberos-keytab-base64"
    s = _b64of(_KEYTAB + _bytes(k, 180))
    _add(
        F,
        k,
        f'$ base64 -w0 svc-hdfs.keytab\n{s}\n$ echo "$KEYTAB_B64" | base64 -d > /etc/security/keytabs/hdfs.keytab',
        s,
    )

    k = "ethereum-private-key-hardhat-env"
    s = "0x" + _hex(k, 64)
    _add(F, k, f"SEPOLIA_RPC_URL=https://eth-sepolia.g.alchemy.com/v2/demo\nDEPLOYER_PRIVATE_KEY={s}", s)

    k = "solana-keypair-json-array"
    s = json.dumps(list(_bytes(k, 64)), separators=(",", ":"))
    _add(F, k, f"$ cat ~/.config/solana/id.json\n{s}", s)

    k = "bip39-mnemonic-env-quoted"
    m = mnemonic(k, 12)
    _add(F, k, f'MNEMONIC="{m}"\nINFURA_PROJECT_ID={_hex(k + "i", 32)}', m)

    k = "bip39-mnemonic-24-numbered"
    words = mnemonic(k, 24).split()
    numbered = [f"{i + 1}. {w}" for i, w in enumerate(words)]
    chunks = tuple("\n".join(numbered[i : i + 6]) for i in range(0, 24, 6))
    _add(F, k, "Write down your recovery phrase:\n" + "\n".join(numbered), *chunks)

    k = "bip39-mnemonic-in-js-array"
    words = mnemonic(k, 12).split()
    arr = ", ".join(f"'{w}'" for w in words)
    _add(F, k, f"const seed = [{arr}].join(' ');", arr)

    k = "bitcoin-wif-importprivkey"
    s = wif(k)
    _add(F, k, f'bitcoin-cli -rpcwallet=cold importprivkey "{s}" "cold-2026" false', s)

    k = "bitcoin-xprv"
    s = "xprv9s21ZrQH143K" + _draw(k, _B58, 95)
    _add(F, k, f"Master private key (BIP32 root): {s}", s)

    k = "nostr-nsec"
    s = "nsec1" + _draw(k, _BECH32, 58)
    _add(F, k, f'{{"relays": ["wss://relay.damus.io"], "nsec": "{s}"}}', s)

    k = "monero-wallet-spendkey-output"
    s = _hex(k, 64)
    _add(F, k, f"[wallet 48jRSv]: spendkey\nsecret: {s}\npublic: {_hex(k + 'pub', 64)}", s)

    k = "totp-otpauth-uri"
    s = _draw(k, _B32, 32)
    _add(
        F,
        k,
        f"otpauth://totp/Acme%20AWS:jdoe@acme.io?secret={s}&issuer=Acme%20AWS&algorithm=SHA1&digits=6&period=30",
        s,
    )

    k = "totp-setup-key-grouped"
    raw = _draw(k, _B32, 32)
    s = " ".join(raw[i : i + 4] for i in range(0, 32, 4))
    _add(F, k, f"Can't scan the QR code? Enter this setup key in your authenticator app:\n\n    {s}\n", s)

    k = "recovery-codes-file"
    codes = [f"{_hex(k + str(i), 5)}-{_hex(k + str(i) + 'b', 5)}" for i in range(10)]
    _add(F, k, "$ cat ~/Downloads/github-recovery-codes.txt\n" + "\n".join(codes), *codes)

    k = "hmac-secret-python-bytes-escaped"
    s = "".join(f"\\x{b:02x}" for b in _bytes(k, 32))
    _add(
        F, k, f'WEBHOOK_SIGNING_KEY = b"{s}"\nsig = hmac.new(WEBHOOK_SIGNING_KEY, body, hashlib.sha256).hexdigest()', s
    )

    k = "hmac-secret-node-buffer-hex"
    s = _hex(k, 64)
    _add(
        F, k, f"const sig = crypto.createHmac('sha256', Buffer.from('{s}', 'hex')).update(payload).digest('base64');", s
    )

    k = "lnd-admin-macaroon-hex"
    s = "0201036c6e6402f801" + _hex(k, 380)
    _add(F, k, f"lncli --macaroonpath /dev/null --rpcserver node:10009 getinfo  # MACAROON_HEX={s}", s)

    k = "ssh-private-key-heredoc"
    lines = _openssh_ed25519(k)
    _add(
        F,
        k,
        "cat > ~/.ssh/id_ed25519 <<'EOF'\n"
        + _block("OPENSSH PRIVATE KEY", lines)
        + "\nEOF\nchmod 600 ~/.ssh/id_ed25519",
        *_long(lines),
    )

    k = "pem-pkcs8-one-line-env-escaped"
    lines = _pem_lines(k, _RSA_PKCS8, 1218)
    one = "-----BEGIN PRIVATE KEY-----\\n" + "\\n".join(lines) + "\\n-----END PRIVATE KEY-----"
    _add(F, k, f'GITHUB_APP_PRIVATE_KEY="{one}"', *_long(lines))


# --- 8. encoded or hidden forms ------------------------------------------------------------------


def _encoded_hidden() -> None:
    F = "encoded_hidden"

    k = "json-string-inside-json"
    s = _b62(k, 48)
    inner = json.dumps({"client_id": "partner-42", "client_secret": s})
    _add(F, k, json.dumps({"id": "evt_1", "type": "integration.created", "body": inner}), s)

    k = "json-double-escaped-in-log"
    s = "xoxb-" + _digits(k, 12) + "-" + _digits(k + "2", 13) + "-" + _b62(k + "3", 24)
    inner = json.dumps(json.dumps({"token": s, "channel": "C0123"}))
    _add(F, k, f'2026-11-26 10:14:02 DEBUG queue.publish payload="{inner[1:-1]}"', s)

    k = "json-unicode-escaped-password"
    pw = _human(k, "season")
    esc = "".join(f"\\u{ord(c):04x}" for c in pw)
    _add(F, k, f'{{"username": "svc-report", "password": "{esc}"}}', esc)

    k = "url-encoded-password-dsn"
    pw = _human(k, "random")[:10] + "@/:" + _human(k + "2", "pet")
    enc = urllib.parse.quote(pw, safe="")
    _add(F, k, f"DATABASE_URL=postgresql://app:{enc}@db.internal:5432/app?sslmode=require", enc)

    k = "form-urlencoded-password-grant"
    pw = _human(k, "season") + " &x"
    enc = urllib.parse.quote_plus(pw)
    _add(
        F,
        k,
        "curl -X POST https://sso.acme.io/oauth/token -H 'Content-Type: application/x-www-form-urlencoded' "
        f"-d 'grant_type=password&username=jdoe&password={enc}&client_id=cli'",
        enc,
    )

    k = "html-numeric-entities-hidden-input"
    s = _b62(k, 32)
    ent = "".join(f"&#{ord(c)};" for c in s)
    _add(
        F, k, f'<form method="post"><input type="hidden" name="api_key" value="{ent}"><button>Sync</button></form>', ent
    )

    k = "xml-entities-in-attribute"
    pw = _human(k, "random")[:8] + '&<"' + _human(k + "2", "pet")
    ent = html.escape(pw, quote=True)
    _add(F, k, f'<appSettings>\n  <add key="SmtpPassword" value="{ent}" />\n</appSettings>', ent)

    k = "base64-aws-credentials-file"
    sk = _draw(k, _B64, 40)
    blob = _b64of(f"[default]\naws_access_key_id = AKIA{_draw(k + 'id', _B32, 16)}\naws_secret_access_key = {sk}\n")
    _add(F, k, f"echo '{blob}' | base64 -d > ~/.aws/credentials", blob)

    k = "base64-dotenv-ci-variable"
    pw = _human(k, "season")
    s = "sk_live_" + _b62(k + "s", 99)
    blob = _b64of(f"DB_PASSWORD={pw}\nSTRIPE_SECRET_KEY={s}\nNODE_ENV=production\n")
    _add(F, k, f"ENV_FILE_B64={blob}", blob)

    k = "hex-encoded-password-xxd"
    pw = _human(k, "leet")
    hx = pw.encode().hex()
    _add(F, k, f"$ echo {hx} | xxd -r -p | sudo -S systemctl restart postgresql", hx)

    k = "python-split-across-lines-backslash"
    s = "glpat-" + _draw(k, _B64URL, 20)
    a, b = s[:13], s[13:]
    _add(F, k, f'GITLAB_TOKEN = "{a}" \\\n    "{b}"', a, b)

    k = "yaml-folded-scalar-split"
    s = _b64(k, 96)
    a, b, c = s[:44], s[44:88], s[88:]
    _add(F, k, f"signing:\n  secret: >-\n    {a}\n    {b}\n    {c}", a, b, c)

    k = "markdown-table-credentials"
    p1, p2 = _human(k, "season"), _human(k + "2", "random")
    _add(
        F,
        k,
        "| Service | User | Password |\n|---|---|---|\n"
        f"| Grafana | admin | {p1} |\n| RabbitMQ | ops | `{p2}` |\n| Kibana | elastic | see vault |",
        p1,
        p2,
    )

    k = "markdown-code-fence-in-chat"
    s = "sk-ant-api03-" + _draw(k, _B64URL, 93) + "AA"
    _add(
        F, k, f"Try this:\n\n```bash\nexport ANTHROPIC_API_KEY={s}\nclaude -p 'hello'\n```\n\nthen rerun the tests.", s
    )

    k = "unified-diff-changed-password"
    old, new = _human(k, "season"), _human(k + "2", "season")
    _add(
        F,
        k,
        "diff --git a/.env.staging b/.env.staging\nindex 3f2a1c9..8b7d004 100644\n--- a/.env.staging\n+++ b/.env.staging\n"
        f"@@ -3,7 +3,7 @@ DB_HOST=staging-db\n DB_USER=app\n-DB_PASSWORD={old}\n+DB_PASSWORD={new}\n DB_NAME=app",
        old,
        new,
    )

    k = "diff-removed-key-still-shown"
    s = "AIza" + _draw(k, _B64URL, 35)
    _add(
        F,
        k,
        "commit 9d1e6b2 (HEAD -> main)\n    remove hardcoded key\n\n"
        "diff --git a/src/config.ts b/src/config.ts\n@@ -1,4 +1,4 @@\n export const config = {\n"
        f"-  mapsKey: '{s}',\n+  mapsKey: process.env.MAPS_KEY!,\n }};",
        s,
    )

    k = "python-traceback-sqlalchemy-url"
    pw = _human(k, "random").replace("@", "").replace("/", "")
    _add(
        F,
        k,
        'Traceback (most recent call last):\n  File "/app/worker.py", line 41, in <module>\n    engine.connect()\n'
        'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "10.0.0.9", port 5432 failed: timeout\n'
        f"[engine url: postgresql+psycopg2://etl:{pw}@10.0.0.9:5432/dw]\n(Background on this error at: https://sqlalche.me/e/20/e3q8)",
        pw,
    )

    k = "java-exception-message-token"
    s = "xoxp-" + _digits(k, 11) + "-" + _digits(k + "2", 11) + "-" + _digits(k + "3", 13) + "-" + _hex(k + "4", 32)
    _add(
        F,
        k,
        f"Exception in thread \"main\" com.acme.slack.AuthException: token '{s}' rejected: invalid_auth\n"
        "\tat com.acme.slack.Client.call(Client.java:88)\n\tat com.acme.Main.main(Main.java:12)",
        s,
    )

    k = "node-error-inspected-config"
    pw = _human(k, "pet")
    _add(
        F,
        k,
        "Error: connect ECONNREFUSED 10.0.0.4:3306\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16) {\n"
        "  errno: -111,\n  code: 'ECONNREFUSED',\n"
        f"  config: {{ host: '10.0.0.4', port: 3306, user: 'root', password: '{pw}', database: 'shop' }}\n}}",
        pw,
    )

    k = "zsh-extended-history"
    pw = _human(k, "season")
    _add(
        F, k, f": 1764150121:0;cd ~/src/shop\n: 1764150133:0;mysql -uroot -p'{pw}' shop\n: 1764150180:0;git status", pw
    )

    k = "bash-history-with-timeformat"
    s = "sk-proj-" + _draw(k, _B64URL, 74) + "T3BlbkFJ" + _draw(k + "2", _B64URL, 74)
    _add(
        F,
        k,
        f"$ history | tail -3\n  511  2026-11-20 10:14:02 cd agent\n  512  2026-11-20 10:14:22 export OPENAI_API_KEY={s}\n"
        "  513  2026-11-20 10:14:30 python run.py",
        s,
    )

    k = "fish-history-yaml"
    s = "github_pat_11" + _draw(k, _UALNUM, 20) + "_" + _b62(k + "2", 59)
    _add(F, k, f"- cmd: set -gx GITHUB_TOKEN {s}\n  when: 1764150200\n- cmd: gh repo list\n  when: 1764150210", s)

    k = "powershell-psreadline-history"
    s = _draw(k, _B62, 3) + _draw(k + "d", _DI, 1) + "Q~" + _draw(k + "2", _B62 + "_.~-", 34)
    _add(
        F,
        k,
        "PS> Get-Content (Get-PSReadLineOption).HistorySavePath | Select-Object -Last 2\n"
        f'$env:AZURE_CLIENT_SECRET = "{s}"\nConnect-AzAccount -ServicePrincipal -Tenant $tid -Credential $cred',
        s,
    )

    k = "docker-config-json-auth-base64"
    s = _b64of(f"gitlab-ci-token:glpat-{_draw(k, _B64URL, 20)}")
    _add(F, k, f'{{\n  "auths": {{\n    "registry.gitlab.com": {{\n      "auth": "{s}"\n    }}\n  }}\n}}', s)

    k = "basic-auth-header-base64"
    s = _b64of(f"admin:{_human(k, 'season')}")
    _add(
        F,
        k,
        f"GET /api/v1/nodes HTTP/1.1\nHost: rancher.acme.lan\nAuthorization: Basic {s}\nAccept: application/json",
        s,
    )

    k = "echo-base64-both-forms"
    pw = _human(k, "random")
    _add(F, k, f"$ echo -n '{pw}' | base64\n{_b64of(pw)}", pw, _b64of(pw))

    k = "python-repr-settings-object"
    s = "whsec_" + _b62(k, 32)
    pw = _human(k + "pw", "random").replace("'", "")
    _add(
        F,
        k,
        f"Settings(db_url='postgresql://app:{pw}@db/app', api_key=SecretStr('**********'), webhook_secret='{s}', debug=False)",
        pw,
        s,
    )

    k = "structured-log-nested-authorization"
    s = _jwt(k, {"sub": "svc-billing", "scope": "invoices:write", "exp": 1764155000})
    _add(
        F,
        k,
        json.dumps(
            {
                "ts": "2026-11-26T10:15:00Z",
                "level": "debug",
                "msg": "outgoing request",
                "req": {
                    "method": "POST",
                    "url": "https://billing/v1/invoices",
                    "headers": {"authorization": "Bearer " + s, "content-type": "application/json"},
                },
            }
        ),
        s,
    )

    k = "oauth-implicit-fragment-redirect"
    s = _draw(k, _B64URL, 64)
    _add(
        F,
        k,
        f"Redirecting to https://app.acme.io/callback#access_token={s}&token_type=bearer&expires_in=3600&state=xyz",
        s,
    )

    k = "git-remote-v-with-token"
    s = "glpat-" + _draw(k, _B64URL, 20)
    _add(
        F,
        k,
        f"$ git remote -v\norigin\thttps://oauth2:{s}@gitlab.com/acme/api.git (fetch)\norigin\thttps://oauth2:{s}@gitlab.com/acme/api.git (push)",
        s,
    )

    k = "go-percent-plus-v-struct"
    s = _b62(k, 40)
    pw = _human(k, "season")
    _add(
        F,
        k,
        f"2026/11/26 10:20:01 loaded config: {{Addr::8080 DB:{{User:app Password:{pw}}} APIToken:{s} Debug:false}}",
        pw,
        s,
    )

    k = "jupyter-notebook-json-source"
    s = "hf_" + _draw(k, _UP + _LO, 34)
    _add(
        F,
        k,
        '{\n "cells": [\n  {\n   "cell_type": "code",\n   "execution_count": 1,\n   "source": [\n'
        f"    \"import os\\n\",\n    \"os.environ['HF_TOKEN'] = '{s}'\\n\"\n   ]\n  }}\n ]\n}}",
        s,
    )

    k = "csv-export-with-api-keys"
    s1, s2 = "sk_live_" + _b62(k, 24), "rk_live_" + _b62(k + "2", 24)
    _add(F, k, f"id,account,plan,api_key\n101,acme,pro,{s1}\n102,globex,team,{s2}", s1, s2)

    k = "sql-insert-dump"
    s = "xoxb-" + _digits(k, 12) + "-" + _digits(k + "2", 13) + "-" + _b62(k + "3", 24)
    pw = _human(k, "pet")
    _add(
        F,
        k,
        f"INSERT INTO `integrations` VALUES (7,'slack','{s}','2026-11-01 08:00:00'),(8,'smtp','{pw}','2026-11-02 09:00:00');",
        s,
        pw,
    )

    k = "quoted-printable-email-body"
    pw = _human(k, "season").replace("=", "") + "=" + _digits(k, 3)
    qp = pw.replace("=", "=3D")
    _add(
        F,
        k,
        'Content-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: quoted-printable\n\n'
        f"Your temporary password is: {qp}\nPlease change it after you sign in.",
        qp,
    )

    k = "js-escaped-string-in-bundle"
    s = "sk_live_" + _b62(k, 40)
    esc = "".join(f"\\x{ord(c):02x}" for c in s)
    _add(F, k, f'var a=function(){{return"{esc}"}};module.exports={{k:a}};', esc)


# --- look-alikes: close to secrets, holding none -------------------------------------------------


def _benign() -> tuple[str, ...]:
    sha = [_hex(f"benign-commit-{i}", 40) for i in range(8)]
    out = [
        # version control
        "$ git log --oneline -5\n"
        + "\n".join(
            f"{h[:7]} {m}"
            for h, m in zip(
                sha,
                (
                    "fix: retry on 503",
                    "chore(deps): bump vite to 5.4.11",
                    "feat: export csv",
                    "docs: rotate keys section",
                    "test: flaky timeout",
                ),
                strict=False,
            )
        ),
        f"commit {sha[0]}\nAuthor: Jane Doe <jane@acme.io>\nDate:   Wed Nov 26 10:02:11 2026 +0100\n\n    Merge pull request #812 from acme/feature/export",
        f"$ git rev-parse HEAD\n{sha[1]}",
        f"Merge: {sha[2][:7]} {sha[3][:7]}\nparent {sha[2]}\ntree {sha[3]}",
        f"$ git reflog -3\n{sha[4][:7]} HEAD@{{0}}: commit: wip\n{sha[5][:7]} HEAD@{{1}}: checkout: moving from main to fix/login\n{sha[6][:7]} HEAD@{{2}}: pull: Fast-forward",
        f"remote: Resolving deltas: 100% (412/412), done.\nTo github.com:acme/web.git\n   {sha[0][:7]}..{sha[1][:7]}  main -> main",
        f".git/objects/pack/pack-{sha[7]}.pack",
        f"version https://git-lfs.github.com/spec/v1\noid sha256:{_hex('benign-lfs', 64)}\nsize 48213377",
        f"$ git stash list\nstash@{{0}}: WIP on main: {sha[4][:7]} refactor token refresh loop",
        f"See https://github.com/acme/web/blob/{sha[5]}/docs/SECURITY.md#key-rotation for the runbook.",
        f"https://gitlab.com/acme/api/-/commit/{sha[6]}",
        # ids
        f"2026-11-26T10:00:01Z INFO request_id={_uuid('benign-req')} method=GET path=/v1/users status=200 dur=12ms",
        f"x-request-id: req_{_b62('benign-stripe-req', 14)}\nstripe-version: 2024-06-20",
        f"trace_id={_hex('benign-trace', 32)} span_id={_hex('benign-span', 16)} sampled=1",
        f'uid: {_uuid("benign-k8s-uid")}\nresourceVersion: "{_digits("benign-rv", 9)}"\ncreationTimestamp: "2026-11-20T08:00:00Z"',
        f'{{"_id": {{"$oid": "{_hex("benign-oid", 24)}"}}, "name": "acme", "createdAt": "2026-11-26"}}',
        f"order 01J{_draw('benign-ulid', '0123456789ABCDEFGHJKMNPQRSTVWXYZ', 23)} created",
        f"user_id={_digits('benign-snowflake', 19)} guild_id={_digits('benign-guild', 18)}",
        f"arn:aws:iam::210987654321:role/service-role/lambda-exec-{_draw('benign-arn', _LALNUM, 8)}",
        f"InstanceId: i-{_hex('benign-i', 17)}  ImageId: ami-{_hex('benign-ami', 17)}  SubnetId: subnet-{_hex('benign-sn', 17)}",
        f"/subscriptions/{_uuid('benign-sub')}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/acmelake",
        f"pod/api-7d9f8b6c5-{_draw('benign-pod', _LALNUM, 5)} 1/1 Running 0 3h12m",
        f"kid: {_draw('benign-kid', _B64URL, 43)}  # public key thumbprint (RFC 7638)",
        f"Session {_uuid('benign-session')} ended after 42 turns",
        # package manager integrity / digests / checksums
        f'"integrity": "sha512-{_b64("benign-integrity", 64)}"',
        f'  resolved "https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz#{_hex("benign-yarn", 40)}"',
        f"docker pull ghcr.io/acme/api@sha256:{_hex('benign-digest', 64)}",
        f"Digest: sha256:{_hex('benign-digest2', 64)}\nStatus: Downloaded newer image for postgres:16",
        f"$ docker images\nREPOSITORY   TAG     IMAGE ID       CREATED        SIZE\nacme/api     4.2.0   {_hex('benign-img', 12)}   2 hours ago    187MB",
        "$ cat SHA256SUMS\n"
        + "\n".join(
            f"{_hex('benign-sum' + n, 64)}  {n}"
            for n in ("app-linux-amd64.tar.gz", "app-darwin-arm64.tar.gz", "app-windows-amd64.zip")
        ),
        f"requests==2.32.3 \\\n    --hash=sha256:{_hex('benign-pip1', 64)} \\\n    --hash=sha256:{_hex('benign-pip2', 64)}",
        f'[[package]]\nname = "serde"\nversion = "1.0.215"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "{_hex("benign-cargo", 64)}"',
        f"golang.org/x/crypto v0.29.0 h1:{_b64('benign-gosum', 32)}\ngolang.org/x/crypto v0.29.0/go.mod h1:{_b64('benign-gosum2', 32)}",
        f'provider "registry.terraform.io/hashicorp/aws" {{\n  version = "5.77.0"\n  hashes = [\n    "h1:{_b64("benign-tf", 32)}",\n    "zh:{_hex("benign-tfzh", 64)}",\n  ]\n}}',
        f"/nix/store/{_draw('benign-nix', '0123456789abcdfghijklmnpqrsvwxyz', 32)}-python3-3.12.7",
        f'<script src="https://cdn.jsdelivr.net/npm/htmx.org@2.0.3" integrity="sha384-{_b64("benign-sri", 48)}" crossorigin="anonymous"></script>',
        f"md5sum backup.tar.gz\n{_hex('benign-md5', 32)}  backup.tar.gz",
        f'ETag: "{_hex("benign-etag", 32)}"\nLast-Modified: Wed, 26 Nov 2026 09:00:00 GMT',
        f"BuildID[sha1]={_hex('benign-buildid', 40)}, for GNU/Linux 3.2.0, stripped",
        # code-ish look-alikes
        f"function {_draw('benign-min', _UP + _LO, 2)}(e,t){{return e&&t?{_draw('benign-min2', _LO, 1)}(e,t):null}}var {_draw('benign-min3', _UP + _LO, 3)}=Object.defineProperty,{_draw('benign-min4', _UP + _LO, 3)}=Object.getOwnPropertyNames;",
        '"mappings": ";;;;;;AAAA,SAASA,EAAE,CAACC,CAAD,EAAI;AACjB,SAAOA,CAAC,GAAG,CAAX;AACD"',
        "public class AbstractSingletonProxyFactoryBeanDefinitionRegistryPostProcessorAdapter extends BaseAdapter {}",
        "InternalFrameworkAuthenticationTokenValidationHandlerFactoryProvider.getInstance()",
        "_ZNSt6vectorIiSaIiEE17_M_realloc_insertIJRKiEEEvN9__gnu_cxx17__normal_iteratorIPiS1_EEDpOT_",
        "_ZN4acme6crypto12TokenManager14refreshSessionERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE",
        "at com.acme.auth.TokenService$$EnhancerBySpringCGLIB$$5f2a1c9e.validate(<generated>)",
        f'  File "/usr/lib/python3.12/site-packages/urllib3/connectionpool.py", line 789, in urlopen\n<object object at 0x{_hex("benign-addr", 12)}>',
        f"static/js/main.{_hex('benign-chunk', 8)}.js   187.41 kB │ gzip: 61.02 kB",
        f'<div class="css-{_draw("benign-css", _LALNUM, 6)} e1{_draw("benign-css2", _LALNUM, 5)}0">',
        "color: #3b82f6; background: #0f172a; border-color: #e2e8f0;",
        "data:image/png;base64," + _b64of(b"\x89PNG\r\n\x1a\n" + bytes(13) + b"IHDR" + bytes(30)),
        f"{_b64of(json.dumps({'event': 'page_view', 'path': '/pricing', 'ts': 1764150000}))}",
        f"2026-11-26 10:01:22 INFO kafka consumed offset=88121 value={_b64of(json.dumps({'order_id': 4412, 'status': 'shipped', 'carrier': 'dhl'}))}",
        "0000000: 7f45 4c46 0201 0100 0000 0000 0000 0000  .ELF............\n0000010: 0300 3e00 0100 0000 4010 0000 0000 0000  ..>.....@.......",
        # versions
        "Successfully installed fastapi-0.115.5 pydantic-2.10.1 pydantic-core-2.27.1 starlette-0.41.3",
        "node v22.11.0 (npm v10.9.0) — next 15.0.3+canary.20241120.a3f9c1e",
        "torch==2.5.1+cu124  torchvision==0.20.1+cu124",
        "Version: 3.4.0-rc.2+build.20261126.5a3f9c1",
        "org.springframework.boot:spring-boot-starter-security:3.3.5",
        # placeholders and env reads
        'OPENAI_API_KEY=<your-api-key>\nANTHROPIC_API_KEY="${ANTHROPIC_API_KEY}"\nSTRIPE_SECRET_KEY=sk_live_...',
        "export GITHUB_TOKEN=<token>\nexport NPM_TOKEN=${NPM_TOKEN:?set me}",
        'password: "changeme"\napi_key: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"\nsecret: "REPLACE_ME"',
        "DB_PASSWORD=your_password_here\nJWT_SECRET=please-change-this-in-production",
        'api_key = os.environ["API_KEY"]\ntoken = os.getenv("GITHUB_TOKEN", "")',
        "const key = process.env.STRIPE_SECRET_KEY!;\nconst hook = process.env['SLACK_WEBHOOK_URL'];",
        'String pw = System.getenv("DB_PASSWORD");\nvar secret = Environment.GetEnvironmentVariable("AZURE_CLIENT_SECRET");',
        "      - run: npm publish\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}",
        '    password: ${DB_PASSWORD}\n    url: "jdbc:postgresql://${DB_HOST}:5432/${DB_NAME}"',
        'echo "$CR_PAT" | docker login ghcr.io -u acme-bot --password-stdin',
        'curl -H "Authorization: Bearer $TOKEN" https://api.acme.io/v1/me',
        "vault kv get -field=password secret/data/app/db\naws secretsmanager get-secret-value --secret-id prod/db --query SecretString",
        "password = getpass.getpass('Password: ')\nkey = keyring.get_password('acme', 'jdoe')",
        "SECRET_KEY = env('DJANGO_SECRET_KEY')\nDATABASES = {'default': env.db('DATABASE_URL')}",
        # prompts and prose
        "Enter passphrase for key '/home/jdoe/.ssh/id_ed25519':",
        "[sudo] password for jdoe:\nSorry, try again.\n[sudo] password for jdoe:",
        "$ mysql -u root -p\nEnter password:\nWelcome to the MySQL monitor.  Commands end with ; or \\g.",
        "Password (will be hidden):\nError authenticating: Error making API request. Code: 400. Errors: * invalid username or password",
        "We rotated the Stripe and Twilio keys after the incident; the old ones were revoked at 14:02 UTC and the new ones live only in Vault.",
        "Reminder: never paste API keys or passwords into tickets. Use 1Password share links that expire after 7 days.",
        "Das Passwort muss mindestens 12 Zeichen lang sein und darf nicht dem Benutzernamen entsprechen.",
        "请定期更换密码，不要把密钥提交到代码仓库。",
        "パスワードを忘れた場合は、管理者にリセットを依頼してください。",
        "La contraseña debe tener al menos una mayúscula, un número y un símbolo.",
        "The token expired (401 invalid_grant); run `gh auth refresh -s workflow` to get a new one.",
        "PASSWORD_MIN_LENGTH = 12\nTOKEN_TTL_SECONDS = 3600\nMAX_LOGIN_ATTEMPTS = 5",
        # key files that are public or only named
        "$ ls ~/.ssh\nauthorized_keys  config  id_ed25519  id_ed25519.pub  id_rsa.pub  known_hosts",
        "$ ls certs/\nca.crt  server.crt  server.csr  key.pem  tls.key  keystore.jks  truststore.p12",
        f"ssh-ed25519 {_b64of(_ssh_string(b'ssh-ed25519') + _ssh_string(_bytes('benign-pub', 32)))} jdoe@laptop",
        f"github.com ssh-ed25519 {_b64of(_ssh_string(b'ssh-ed25519') + _ssh_string(_bytes('benign-kh', 32)))}\n|1|{_b64('benign-khh', 20)}|{_b64('benign-khh2', 20)} ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEmKSENjQEezOmxkZMy7opKgwFB9nkt5YRrYMjNuG5N87uRgg6CLrbo5wAdT/y6v0mKV0U2w0WZ2YB/++Tpockg=",
        f"256 SHA256:{_b64('benign-fp', 32).rstrip('=')} jdoe@laptop (ED25519)",
        f"pub   rsa4096 2024-02-01 [SC] [expires: 2027-02-01]\n      {_hex('benign-gpgfp', 40).upper()}\nuid           [ultimate] Acme Release <release@acme.io>",
        _block("CERTIFICATE", _pem_lines("benign-cert", bytes.fromhex("308203"), 900)),
        _block(
            "PUBLIC KEY",
            _pem_lines("benign-pubkey", bytes.fromhex("30820122300d06092a864886f70d01010105000382010f00"), 294),
        ),
        # chain data that is public
        f"Sent 0.05 ETH to 0x{_hex('benign-eth-addr', 40)}\ntx hash: 0x{_hex('benign-tx', 64)}",
        f"bc1q{_draw('benign-btc', _BECH32, 38)}",
        f"age public key: age1{_draw('benign-age', _BECH32, 58)}",
        # encrypted-at-rest values that are meant to be committed
        f"$ANSIBLE_VAULT;1.1;AES256\n{_hex('benign-vault1', 80)}\n{_hex('benign-vault2', 80)}",
        f"password: ENC[AES256_GCM,data:{_b64('benign-sops', 18)},iv:{_b64('benign-sops-iv', 32)},tag:{_b64('benign-sops-tag', 16)},type:str]",
        # misc
        "fe80::1c2d:3e4f:5a6b:7c8d%en0  2001:db8:85a3::8a2e:370:7334  aa:bb:cc:dd:ee:ff",
        "ISBN 978-0-13-235088-4; DOI 10.1145/3597503.3639187",
        f"https://youtu.be/{_draw('benign-yt', _B64URL, 11)}?t=42 and https://bit.ly/{_b62('benign-bitly', 7)}",
        f'cell id: "{_hex("benign-cell", 8)}"  execution_count: 17',
        f"Lockfile updated: package-lock.json (lockfileVersion 3, {_digits('benign-pkgs', 3)} packages)",
    ]
    return tuple(out)


_vendor_keys()
_cli_api_output()
_config_files()
_code()
_program_passwords()
_prose_chat()
_key_material()
_encoded_hidden()

FAMILIES2: dict[str, tuple[Planted, ...]] = {name: tuple(members) for name, members in _BY_FAMILY.items()}
FRESH2: tuple[Planted, ...] = tuple(p for members in FAMILIES2.values() for p in members)
BENIGN_FRESH2: tuple[str, ...] = _benign()


def _check() -> None:
    kinds = [p.kind for p in FRESH2]
    assert len(kinds) == len(set(kinds)), "kinds must be unique"
    for p in FRESH2:
        assert p.secrets, p.kind
        for s in p.secrets:
            assert len(s) >= 6, (p.kind, "secret too short to stand alone")
            assert s in p.line and s in p.in_file, (p.kind, "secret not in its line")
    assert len(set(BENIGN_FRESH2)) == len(BENIGN_FRESH2), "look-alikes must be distinct"


_check()
