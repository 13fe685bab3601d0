# ruff: noqa: RUF001
"""Issue 60's fresh held-out set: kinds of secrets written by someone who has never seen the rules.

Written on 2026-11-26 for issue 60 by a helper session that was asked NOT to open anything under
src/lessonloop/secrets/ or docs/privacy.md, and that did not run the redactor while writing: the
kinds below come from how vendors, tools and people write credentials (a coding agent's terminal,
config files, code, chat), not from the rules. Only tests/secret_samples.py and
tests/secret_samples_heldout.py were read, to reuse `Planted` and its helpers and to avoid their
kinds.

This file MEASURES the redactor (benchmarks/secret_leaks.py); it must not be used to write or tune
rules. A rule written from these lines turns a held-out figure into a training figure. To improve
the rules, write new samples of your own (elsewhere), fix the rules, and run this set once after.

Each `Planted` is one snippet as an agent transcript would hold it, with the exact substrings that
must not survive redaction. Values are fake but have the real formats (prefix, length, alphabet);
they are drawn from a seeded hash (`_g`) and joined at import, so no secret-shaped literal sits in
this file. `BENIGN_FRESH` are look-alikes that hold no secret and must be kept as they are.
`FAMILIES` groups the kinds for the report.
"""

from __future__ import annotations

import base64
import hashlib
import json
import string
import urllib.parse

from tests.secret_samples import Planted, _rep, mnemonic, wif

_D = string.digits
_ALNUM = string.ascii_letters + string.digits
_HEX = "0123456789abcdef"
_HEXU = _HEX.upper()
_LOWER = string.ascii_lowercase + string.digits
_UPPER = string.ascii_uppercase + string.digits
_B64 = _ALNUM + "+/"
_B64URL = _ALNUM + "-_"
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_SYM = "!#%*+-=?@^_~."  # symbols people and generators put in passwords (none that need shell quoting inside '')


def _g(seed: str, length: int, alphabet: str = _ALNUM) -> str:
    """`length` characters of `alphabet`, drawn from SHA-256 of `seed` (deterministic, random-looking)."""
    out: list[str] = []
    limit = 256 - 256 % len(alphabet)
    block = 0
    while len(out) < length:
        for byte in hashlib.sha256(f"fresh:{seed}:{block}".encode()).digest():
            if byte < limit:
                out.append(alphabet[byte % len(alphabet)])
        block += 1
    return "".join(out[:length])


def _pw(seed: str, length: int = 16, symbols: str = "") -> str:
    """A generated password: upper, lower and digits (and `symbols`), each class present."""
    for attempt in range(100):
        value = _g(f"{seed}/{attempt}", length, _ALNUM + symbols)
        classes = (string.ascii_uppercase, string.ascii_lowercase, _D, symbols or "x")
        if all(any(c in cls for c in value) for cls in classes if cls != "x") and (not symbols or value[0] in _ALNUM):
            return value
    raise AssertionError(seed)


def _raw(seed: str, n: int) -> bytes:
    return hashlib.shake_256(f"fresh:{seed}".encode()).digest(n)


def _b64(seed: str, n: int) -> str:
    """Standard base64 of `n` random bytes."""
    return base64.b64encode(_raw(seed, n)).decode()


def _b64url(data: bytes | str) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _uuid(seed: str) -> str:
    h = _g(seed, 32, _HEX)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:]}"


def _jwt(seed: str, claims: dict[str, object], alg: str = "RS256") -> str:
    header = {"alg": alg, "kid": _g(seed + "/kid", 27, _B64URL), "typ": "JWT"}
    signature = _g(seed + "/sig", 342 if alg.startswith("RS") else 43, _B64URL)
    return ".".join((_b64url(json.dumps(header, separators=(",", ":"))), _b64url(json.dumps(claims)), signature))


def _wrap(body: str, width: int = 64) -> list[str]:
    return [body[i : i + width] for i in range(0, len(body), width)]


_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _bech32(hrp: str, data: bytes) -> str:
    """BIP-173 bech32 of `data` with a valid checksum (what nsec1... keys are)."""
    acc, bits, words = 0, 0, []
    for byte in data:
        acc = (acc << 8) | byte
        bits += 8
        while bits >= 5:
            bits -= 5
            words.append((acc >> bits) & 31)
    if bits:
        words.append((acc << (5 - bits)) & 31)

    def polymod(values: list[int]) -> int:
        gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
        chk = 1
        for v in values:
            top = chk >> 25
            chk = ((chk & 0x1FFFFFF) << 5) ^ v
            for i in range(5):
                chk ^= gen[i] if (top >> i) & 1 else 0
        return chk

    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    mod = polymod(expanded + words + [0] * 6) ^ 1
    checksum = [(mod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_BECH32[d] for d in words + checksum)


def _p(kind: str, line: str, *, keep: tuple[str, ...] = (), file_line: str = "", **values: str) -> Planted:
    """A `Planted` from `line` with «name» markers replaced by `values`; every value is a secret
    unless its name is in `keep` (identifiers that are not secret, such as a client id or a tenant)."""
    for name, value in values.items():
        marker = "«" + name + "»"
        assert marker in line or marker in file_line, (kind, name)
        line = line.replace(marker, value)
        file_line = file_line.replace(marker, value)
    assert "«" not in line and "«" not in file_line, kind
    return Planted(kind, line, tuple(v for n, v in values.items() if n not in keep), file_line)


def _block(label: str, body: str, width: int = 64) -> tuple[str, list[str]]:
    lines = _wrap(body, width)
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----", lines


# --- Vendors' tokens, each where a person or a tool would write it (mostly without a secret-named key).

_EC_DER = (
    bytes.fromhex("30770201010420")
    + _raw("coinbase-ec-d", 32)
    + bytes.fromhex("a00a06082a8648ce3d030107a144034200")
    + b"\x04"
    + _raw("coinbase-ec-q", 64)
)
_EC_LINES = _wrap(base64.b64encode(_EC_DER).decode())
_CF_TUNNEL = base64.b64encode(
    json.dumps({"a": _g("cf-acct", 32, _HEX), "t": _uuid("cf-tunnel"), "s": _b64("cf-tunnel-secret", 32)}).encode()
).decode()
_GRAFANA_CLOUD = (
    "glc_"
    + base64.b64encode(
        json.dumps(
            {"o": "912345", "n": "stack-845123-alloy-write", "k": _g("glc", 24), "m": {"r": "prod-us-east-0"}},
            separators=(",", ":"),
        ).encode()
    ).decode()
)

VENDOR: tuple[Planted, ...] = (
    _p(
        "stripe-restricted-key-node",
        'const stripe = require("stripe")("«k»", { apiVersion: "2024-06-20" });',
        k="rk_live_51" + _g("rk-live", 97),
    ),
    _p(
        "stripe-cli-listen-output",
        "$ stripe listen --forward-to localhost:4242/webhook\n"
        "> Ready! You are using Stripe API Version [2024-06-20]. Your webhook signing secret is «k» (^C to quit)",
        k="whsec_" + _g("whsec", 32),
    ),
    _p(
        "slack-app-level-token-socket-mode",
        'handler = SocketModeHandler(app, "«k»")\nhandler.start()',
        k="xapp-1-A07" + _g("xapp-a", 8, _UPPER) + "-" + _g("xapp-d", 13, _D) + "-" + _g("xapp-h", 64, _HEX),
    ),
    _p(
        "slack-user-token-in-query",
        'curl -s "https://slack.com/api/conversations.history?channel=C024BE91L&token=«k»&limit=5" | jq .messages',
        k="xoxp-"
        + _g("xoxp1", 10, _D)
        + "-"
        + _g("xoxp2", 12, _D)
        + "-"
        + _g("xoxp3", 13, _D)
        + "-"
        + _g("xoxp4", 32, _HEX),
    ),
    _p(
        "github-installation-token-git-remote",
        "$ git remote -v\n"
        "origin\thttps://x-access-token:«k»@github.com/acme/billing-api.git (fetch)\n"
        "origin\thttps://x-access-token:«k»@github.com/acme/billing-api.git (push)",
        k="ghs_" + _g("ghs", 36),
    ),
    _p(
        "github-app-user-token-exchange-json",
        '{"access_token":"«a»","expires_in":28800,"refresh_token":"«r»",'
        '"refresh_token_expires_in":15811200,"scope":"","token_type":"bearer"}',
        a="ghu_" + _g("ghu", 36),
        r="ghr_" + _g("ghr", 76),
    ),
    _p(
        "gitlab-pipeline-trigger-token",
        "curl -X POST --fail -F token=«k» -F ref=main https://gitlab.com/api/v4/projects/48213377/trigger/pipeline",
        k="glptt-" + _g("glptt", 40, _HEX),
    ),
    _p(
        "gitlab-deploy-token-clone",
        "git clone https://gitlab+deploy-token-1843207:«k»@gitlab.com/acme/infra/terraform-modules.git",
        k="gldt-" + _g("gldt", 20, _B64URL),
    ),
    _p(
        "anthropic-admin-key-chat",
        "rotated the org admin key after the offboarding, new one is «k» — old one is revoked",
        k="sk-ant-admin01-" + _g("ant-admin", 93, _B64URL) + "AA",
    ),
    _p(
        "openai-service-account-key-chat",
        "Service account `eval-runner` created. Save this key, it won't be shown again:\n«k»",
        k="sk-svcacct-" + _g("svcacct-a", 74, _B64URL) + "T3BlbkFJ" + _g("svcacct-b", 74, _B64URL),
    ),
    _p(
        "openai-legacy-key-ruby",
        'client = OpenAI::Client.new(access_token: "«k»", log_errors: true)',
        k="sk-" + _g("oai-legacy-a", 20) + "T3BlbkFJ" + _g("oai-legacy-b", 20),
    ),
    _p(
        "perplexity-compose-env-list",
        "services:\n  research-bot:\n    image: acme/research-bot:1.4\n    environment:\n      - PPLX=«k»\n      - LOG_LEVEL=info",
        k="pplx-" + _g("pplx", 48),
    ),
    _p(
        "deepseek-aider-api-key-flag",
        "aider --model deepseek/deepseek-chat --api-key deepseek=«k» src/app.py",
        k="sk-" + _g("deepseek", 32, _HEX),
    ),
    _p(
        "mistral-litellm-yaml",
        "model_list:\n  - model_name: codestral\n    litellm_params:\n      model: mistral/codestral-latest\n"
        "      api_key: «k»",
        k=_g("mistral", 32),
    ),
    _p(
        "fireworks-zshrc-append",
        "echo 'export FIREWORKS_API_KEY=«k»' >> ~/.zshrc && source ~/.zshrc",
        k="fw_" + _g("fireworks", 24),
    ),
    _p(
        "elevenlabs-header",
        'curl -X POST "https://api.elevenlabs.io/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM" -H "xi-api-key: «k»" '
        "-H 'Content-Type: application/json' -d '{\"text\": \"Build finished\"}' --output done.mp3",
        k="sk_" + _g("elevenlabs", 48, _HEX),
    ),
    _p(
        "pinecone-client",
        'from pinecone import Pinecone\npc = Pinecone(api_key="«k»")\nindex = pc.Index("docs")',
        k="pcsk_" + _g("pcsk-a", 5) + "_" + _g("pcsk-b", 63),
    ),
    _p(
        "wandb-login-positional",
        "$ wandb login «k»\nwandb: Appending key for api.wandb.ai to your netrc file: /home/dev/.netrc",
        k=_g("wandb", 40, _HEX),
    ),
    _p("voyage-client-positional", 'vo = voyageai.Client("«k»")', k="pa-" + _g("voyage", 43, _B64URL)),
    _p(
        "cerebras-key-chat",
        "the cerebras key in the team vault is stale, use «k» until Monday",
        k="csk-" + _g("cerebras", 48, _LOWER),
    ),
    _p(
        "together-dotenv-short-name",
        "TOGETHER=«k»\nMODEL=meta-llama/Llama-3.3-70B-Instruct-Turbo",
        k="tgp_v1_" + _g("together", 43, _B64URL),
    ),
    _p(
        "azure-ad-client-secret-msal",
        "app = msal.ConfidentialClientApplication(\n"
        '    "6f1c2e4a-9b7d-4c3e-8a1f-2d5e7b9c0a64",\n'
        '    authority="https://login.microsoftonline.com/acme.onmicrosoft.com",\n'
        '    client_credential="«k»",\n)',
        k=_g("aad-a", 3) + "8Q~" + _g("aad-b", 34, _ALNUM + "_.~-"),
    ),
    _p(
        "azure-devops-pat-stdin",
        "echo «k» | az devops login --organization https://dev.azure.com/acme",
        k=_g("ado-pat", 52, "abcdefghijklmnopqrstuvwxyz234567"),
    ),
    _p(
        "azure-openai-api-key-header",
        'curl "https://acme-eastus.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-06-01" '
        '-H "api-key: «k»" -H "Content-Type: application/json" -d @req.json',
        k=_g("aoai", 32, _HEX),
    ),
    _p(
        "azure-sas-sig-azcopy",
        'azcopy copy ./dist "https://acmestatic.blob.core.windows.net/$web?sv=2022-11-02&ss=b&srt=co&sp=rwdlac'
        '&se=2026-12-31T23:59:59Z&st=2026-11-01T00:00:00Z&spr=https&sig=«s»" --recursive',
        s=urllib.parse.quote(_b64("azure-sas", 32), safe=""),
    ),
    _p(
        "azure-service-bus-connection-csharp",
        'await using var client = new ServiceBusClient("Endpoint=sb://acme-orders.servicebus.windows.net/;'
        'SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=«k»");',
        k=_b64("servicebus", 32),
    ),
    _p(
        "paypal-sdk-configure",
        'paypalrestsdk.configure({\n  "mode": "live",\n  "client_id": "«i»",\n  "client_secret": "«k»"\n})',
        keep=("i",),
        i="A" + _g("paypal-id", 79, _B64URL),
        k="E" + _g("paypal-secret", 79, _B64URL),
    ),
    _p(
        "razorpay-auth-tuple",
        'client = razorpay.Client(auth=("rzp_live_«i»", "«k»"))',
        keep=("i",),
        i=_g("rzp-id", 14),
        k=_g("rzp-secret", 24),
    ),
    _p(
        "flutterwave-secret-positional",
        'const flw = new Flutterwave(process.env.FLW_PUBLIC_KEY, "«k»");',
        k="FLWSECK-" + _g("flw", 32, _HEX) + "-X",
    ),
    _p("mollie-php-set-api-key", '$mollie->setApiKey("«k»");', k="live_" + _g("mollie", 30)),
    _p(
        "paystack-laravel-config",
        "<?php\n\nreturn [\n    'publicKey' => env('PAYSTACK_PUBLIC_KEY'),\n    'secretKey' => '«k»',\n"
        "    'paymentUrl' => 'https://api.paystack.co',\n];",
        k="sk_live_" + _g("paystack", 40, _HEX),
    ),
    _p(
        "adyen-java-client",
        'Client client = new Client("«k»", Environment.LIVE, "5a8b2c7d1e-AcmeCompany");',
        k="AQE" + _g("adyen", 180, _B64),
    ),
    _p(
        "square-application-secret-yaml",
        "square:\n  environment: production\n  application_id: sq0idp-«i»\n  application_secret: «k»",
        keep=("i",),
        i=_g("sq-id", 22, _B64URL),
        k="sq0csp-" + _g("sq-secret", 43, _B64URL),
    ),
    _p(
        "shopify-shared-secret-ruby",
        'ShopifyAPI::Context.setup(api_key: "«i»", api_secret_key: "«k»", host: "https://app.acme.io",\n'
        '  scope: "read_orders", is_embedded: true, api_version: "2024-07")',
        keep=("i",),
        i=_g("shopify-id", 32, _HEX),
        k="shpss_" + _g("shpss", 32, _HEX),
    ),
    _p(
        "twilio-auth-token-positional",
        'from twilio.rest import Client\nclient = Client("AC«i»", "«k»")',
        keep=("i",),
        i=_g("twilio-sid", 32, _HEX),
        k=_g("twilio-auth", 32, _HEX),
    ),
    _p(
        "vonage-key-secret-kwargs",
        'client = vonage.Client(key="«i»", secret="«k»")',
        keep=("i",),
        i=_g("vonage-key", 8, _HEX),
        k=_g("vonage-secret", 16),
    ),
    _p(
        "postmark-raw-http-request",
        "POST /email HTTP/1.1\nHost: api.postmarkapp.com\nAccept: application/json\nContent-Type: application/json\n"
        'X-Postmark-Server-Token: «k»\n\n{"From": "ci@acme.io", "To": "ops@acme.io", "Subject": "nightly"}',
        k=_uuid("postmark"),
    ),
    _p("sparkpost-js-positional", 'const client = new SparkPost("«k»");', k=_g("sparkpost", 40, _HEX)),
    _p(
        "mandrill-python-positional",
        'mandrill_client = mandrill.Mandrill("«k»")',
        k="md-" + _g("mandrill", 22, _B64URL),
    ),
    _p(
        "plivo-auth-positional",
        'client = plivo.RestClient("MA«i»", "«k»")',
        keep=("i",),
        i=_g("plivo-id", 18, _UPPER),
        k=_g("plivo-token", 40),
    ),
    _p(
        "telnyx-module-attribute",
        'telnyx.api_key = "«k»"',
        k="KEY" + _g("telnyx-a", 32, _HEXU) + "_" + _g("telnyx-b", 22),
    ),
    _p(
        "newrelic-license-key-yml",
        "common: &default_settings\n  license_key: '«k»'\n  app_name: billing-api (production)\n  distributed_tracing:\n"
        "    enabled: true",
        k=_g("nr-license", 36, _HEX) + "NRAL",
    ),
    _p(
        "newrelic-insert-key-header",
        'gzip -c events.json | curl -X POST -H "Content-Type: application/json" -H "X-Insert-Key: «k»" '
        '-H "Content-Encoding: gzip" https://insights-collector.newrelic.com/v1/accounts/3141592/events --data-binary @-',
        k="NRII-" + _g("nrii", 32, _B64URL),
    ),
    _p(
        "grafana-cloud-token-alloy-config",
        'prometheus.remote_write "cloud" {\n  endpoint {\n'
        '    url = "https://prometheus-prod-13-prod-us-east-0.grafana.net/api/prom/push"\n'
        '    basic_auth {\n      username = "1452873"\n      password = "«k»"\n    }\n  }\n}',
        k=_GRAFANA_CLOUD,
    ),
    _p(
        "axiom-vector-toml",
        '[sinks.axiom]\ntype = "axiom"\ninputs = ["app_logs"]\ndataset = "prod"\ntoken = "«k»"',
        k="xaat-" + _uuid("axiom"),
    ),
    _p(
        "posthog-personal-api-key",
        'posthog = Posthog("phc_«i»", host="https://eu.i.posthog.com", personal_api_key="«k»")',
        keep=("i",),
        i=_g("phc", 43),
        k="phx_" + _g("phx", 43),
    ),
    _p("launchdarkly-sdk-key", 'ldclient.set_config(Config("«k»"))', k="sdk-" + _uuid("launchdarkly")),
    _p(
        "algolia-admin-key-positional",
        'const client = algoliasearch("LH2Q7XK9ZP", "«k»");\nawait client.clearObjects({ indexName: "products" });',
        k=_g("algolia", 32, _HEX),
    ),
    _p(
        "contentful-management-token",
        "contentful login --management-token «k»",
        k="CFPAT-" + _g("contentful", 43, _B64URL),
    ),
    _p("vercel-short-token-flag", "npx vercel deploy --prod -t «k» --yes", k=_g("vercel", 24)),
    _p(
        "flyio-access-token-macaroon",
        'flyctl deploy --remote-only --access-token "FlyV1 «k»"',
        k="fm2_lJPE" + _g("fly-a", 220, _B64) + ",fm2_lJPE" + _g("fly-b", 120, _B64),
    ),
    _p(
        "render-httpie-header",
        'http GET https://api.render.com/v1/services limit==20 "Authorization:Bearer «k»"',
        k="rnd_" + _g("render", 32),
    ),
    _p(
        "cloudflare-wrangler-action-input",
        "      - uses: cloudflare/wrangler-action@v3\n        with:\n          apiToken: «k»\n"
        "          accountId: 9a7806061c88ada191ed06f989cc3dac",
        k=_g("cf-api-token", 40, _B64URL),
    ),
    _p(
        "cloudflare-origin-ca-key-header",
        'curl -X POST https://api.cloudflare.com/client/v4/certificates -H "X-Auth-User-Service-Key: «k»" --data @csr.json',
        k="v1.0-" + _g("cf-origin-a", 24, _HEX) + "-" + _g("cf-origin-b", 146, _HEX),
    ),
    _p("linode-terraform-provider", 'provider "linode" {\n  token = "«k»"\n}', k=_g("linode", 64, _HEX)),
    _p("hetzner-inline-env", "HCLOUD_TOKEN=«k» hcloud server list -o columns=name,status,ipv4", k=_g("hcloud", 64)),
    _p(
        "scaleway-init-key-value-args",
        "scw init access-key=SCW«i» secret-key=«k» organization-id=«o» send-telemetry=false",
        keep=("i", "o"),
        i=_g("scw-access", 17, _UPPER),
        k=_uuid("scw-secret"),
        o=_uuid("scw-org"),
    ),
    _p("vultr-cli-yaml-kebab", "$ cat ~/.vultr-cli.yaml\napi-key: «k»\noutput: text", k=_g("vultr", 36, _UPPER)),
    _p("ibmcloud-login-apikey", "ibmcloud login --apikey «k» -r us-south -g default", k=_g("ibm", 44, _B64URL)),
    _p("yandex-cloud-oauth-token", "yc config set token «k»", k="y0_AgAAAAA" + _g("yandex", 49, _B64URL)),
    _p(
        "confluent-api-key-store",
        "confluent api-key store «i» «k» --resource lkc-7q2m9z",
        keep=("i",),
        i=_g("confluent-key", 16, _UPPER),
        k=_g("confluent-secret", 64, _ALNUM + "+/"),
    ),
    _p(
        "upstash-redis-rest-token-js",
        'const redis = new Redis({\n  url: "https://eu2-settled-marlin-31207.upstash.io",\n  token: "«k»",\n});',
        k="AXmnAAIjcDE" + _g("upstash", 56) + "=",
    ),
    _p(
        "neon-password-in-psql-url",
        'psql "postgresql://neondb_owner:«k»@ep-fragrant-sun-a5x2q9lw.us-east-2.aws.neon.tech/neondb?sslmode=require"',
        k="npg_" + _g("neon", 12),
    ),
    _p(
        "supabase-secret-key-positional",
        'const supabase = createClient("https://xyzcompany.supabase.co", "«k»");',
        k="sb_secret_" + _g("sb-secret", 31, _B64URL),
    ),
    _p("mongodb-atlas-private-api-key", "atlas config set private_api_key «k»", k=_uuid("atlas")),
    _p(
        "clerk-secret-key-ts",
        'const clerk = createClerkClient({ secretKey: "«k»" });',
        k="sk_live_" + _g("clerk", 46),
    ),
    _p(
        "stytch-secret-kwarg",
        'client = stytch.Client(project_id="project-live-«i»", secret="«k»")',
        keep=("i",),
        i=_uuid("stytch-project"),
        k="secret-live-" + _g("stytch", 36, _B64URL),
    ),
    _p(
        "firebase-fcm-legacy-server-key",
        'curl -X POST -H "Authorization: key=«k»" -H "Content-Type: application/json" '
        "https://fcm.googleapis.com/fcm/send -d @message.json",
        k="AAAA" + _g("fcm-a", 7, _B64URL) + ":APA91b" + _g("fcm-b", 134, _B64URL),
    ),
    _p(
        "bitbucket-app-password-push-url",
        "git push https://bob-acme:«k»@bitbucket.org/acme/site.git HEAD:main",
        k="ATBB" + _g("atbb", 32) + _g("atbb-crc", 8, _HEXU),
    ),
    _p(
        "asana-pat-access-token",
        'client = asana.Client.access_token("«k»")',
        k="2/" + _g("asana-1", 16, _D) + "/" + _g("asana-2", 16, _D) + ":" + _g("asana-3", 32, _HEX),
    ),
    _p(
        "clickup-authorization-without-scheme",
        'headers = {"Authorization": "«k»", "Content-Type": "application/json"}',
        k="pk_" + _g("clickup-1", 8, _D) + "_" + _g("clickup-2", 32, _UPPER),
    ),
    _p(
        "trello-token-query",
        'curl "https://api.trello.com/1/members/me/boards?key=«i»&token=«k»"',
        keep=("i",),
        i=_g("trello-key", 32, _HEX),
        k="ATTA" + _g("trello-token", 64, _HEX) + _g("trello-crc", 8, _HEXU),
    ),
    _p(
        "airtable-pat-positional",
        'table = Api("«k»").table("appX7q2LmN9pQ4rT1", "Orders")',
        k="pat" + _g("airtable-1", 14) + "." + _g("airtable-2", 64, _HEX),
    ),
    _p("hubspot-private-app-token", 'api_client = HubSpot(access_token="«k»")', k="pat-na1-" + _uuid("hubspot")),
    _p(
        "intercom-base64-token-ruby",
        'intercom = Intercom::Client.new(token: "«k»")',
        k=base64.b64encode(("tok:" + _uuid("intercom") + ":1:0").encode()).decode(),
    ),
    _p(
        "teams-incoming-webhook-url",
        "Invoke-RestMethod -Method Post -ContentType 'application/json' -Body $payload -Uri "
        "'https://acme.webhook.office.com/webhookb2/«g»@«t»/IncomingWebhook/«k»/«o»/V2«v»'",
        keep=("g", "t", "o"),
        g=_uuid("teams-group"),
        t=_uuid("teams-tenant"),
        k=_g("teams-hook", 32, _HEX),
        o=_uuid("teams-owner"),
        v=_g("teams-v2", 43, _B64URL),
    ),
    _p(
        "google-chat-webhook-token",
        "curl -X POST -H 'Content-Type: application/json' "
        "'https://chat.googleapis.com/v1/spaces/AAAAq7Lm2Xc/messages?key=AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI"
        '&token=«k»\' -d \'{"text": "nightly build green"}\'',
        k=_g("gchat", 43, _B64URL) + "%3D",
    ),
    _p(
        "mattermost-incoming-webhook",
        "curl -i -X POST -H 'Content-Type: application/json' -d '{\"text\": \"deploy #418 done\"}' "
        "https://chat.acme.io/hooks/«k»",
        k=_g("mattermost", 26, string.ascii_lowercase + _D),
    ),
    _p(
        "zuliprc-key",
        "$ cat ~/zuliprc\n[api]\nemail=deploy-bot@acme.zulipchat.com\nkey=«k»\nsite=https://acme.zulipchat.com",
        k=_g("zulip", 32),
    ),
    _p(
        "pushbullet-token-as-curl-user",
        "curl -u «k»: -X POST https://api.pushbullet.com/v2/pushes --header 'Content-Type: application/json' "
        '--data-binary \'{"type": "note", "title": "CI", "body": "done"}\'',
        k="o." + _g("pushbullet", 32),
    ),
    _p(
        "twitch-irc-pass-oauth",
        "< :tmi.twitch.tv CAP * ACK :twitch.tv/tags\n> PASS oauth:«k»\n> NICK acme_bot\n> JOIN #acme",
        k=_g("twitch", 30, string.ascii_lowercase + _D),
    ),
    _p(
        "spotify-client-credentials",
        'sp = spotipy.Spotify(auth_manager=SpotifyClientCredentials(client_id="«i»", client_secret="«k»"))',
        keep=("i",),
        i=_g("spotify-id", 32, _HEX),
        k=_g("spotify-secret", 32, _HEX),
    ),
    _p(
        "mastodon-access-token-kwarg",
        'masto = Mastodon(access_token="«k»", api_base_url="https://fosstodon.org")',
        k=_g("mastodon", 43, _B64URL),
    ),
    _p(
        "binance-ccxt-dict",
        'exchange = ccxt.binance({"apiKey": "«a»", "secret": "«k»", "enableRateLimit": True})',
        a=_g("binance-key", 64),
        k=_g("binance-secret", 64),
    ),
    _p(
        "kraken-key-file-two-lines",
        "$ cat ~/.config/krakenex/kraken.key\n«a»\n«k»",
        a=_g("kraken-key", 56, _B64),
        k=_b64("kraken-private", 64),
    ),
    Planted(
        "coinbase-cdp-key-json",
        '{\n   "name": "organizations/'
        + _uuid("cdp-org")
        + "/apiKeys/"
        + _uuid("cdp-key")
        + '",\n   "privateKey": "-----BEGIN EC PRIVATE KEY-----\\n'
        + "\\n".join(_EC_LINES)
        + '\\n-----END EC PRIVATE KEY-----\\n"\n}',
        (_EC_LINES[0][16:], _EC_LINES[1]),
    ),
    _p(
        "alchemy-url-foundry-toml",
        '[rpc_endpoints]\nmainnet = "https://eth-mainnet.g.alchemy.com/v2/«k»"\nsepolia = "${SEPOLIA_RPC_URL}"',
        k=_g("alchemy", 32, _B64URL),
    ),
    _p(
        "infura-url-hardhat",
        'networks: {\n  mainnet: { url: "https://mainnet.infura.io/v3/«k»", accounts: [process.env.DEPLOYER] },\n},',
        k=_g("infura", 32, _HEX),
    ),
    _p("etherscan-hardhat-api-key", 'etherscan: { apiKey: "«k»" },', k=_g("etherscan", 34, _UPPER)),
    _p(
        "here-geocode-apikey-query",
        'curl "https://geocode.search.hereapi.com/v1/geocode?q=Invalidenstr+117+Berlin&apiKey=«k»"',
        k=_g("here", 43, _B64URL),
    ),
    _p(
        "tomtom-map-key",
        'const map = tt.map({ key: "«k»", container: "map", center: [13.4, 52.5], zoom: 11 });',
        k=_g("tomtom", 32),
    ),
    _p(
        "buildkite-terraform-provider",
        'provider "buildkite" {\n  api_token    = "«k»"\n  organization = "acme"\n}',
        k="bkua_" + _g("buildkite", 40, _HEX),
    ),
    _p(
        "jenkins-cli-auth-api-token",
        "java -jar jenkins-cli.jar -s https://ci.acme.io/ -auth deploy:«k» build release-pipeline -p VERSION=2.4.1",
        k="11" + _g("jenkins", 32, _HEX),
    ),
    _p("codecov-upload-token", "./codecov upload-process -t «k» -f coverage.xml -F unit", k=_uuid("codecov")),
    _p(
        "travis-token-scheme",
        'curl -H "Travis-API-Version: 3" -H "Authorization: token «k»" '
        'https://api.travis-ci.com/repo/acme%2Fapp/requests -d \'{"request": {"branch": "main"}}\'',
        k=_g("travis", 22),
    ),
    _p(
        "rubygems-credentials-file",
        "$ cat ~/.gem/credentials\n---\n:rubygems_api_key: «k»",
        k="rubygems_" + _g("rubygems", 48, _HEX),
    ),
    _p(
        "nuget-setapikey",
        "nuget setapikey «k» -Source https://api.nuget.org/v3/index.json",
        k="oy2" + _g("nuget", 43, string.ascii_lowercase + _D),
    ),
    _p(
        "cargo-login-positional",
        "$ cargo login «k»\n       Login token for `crates-io` saved",
        k="cio" + _g("cargo", 32),
    ),
    _p(
        "clojars-lein-profiles-edn",
        '{:auth {:repository-auth {#"clojars" {:username "bob" :password "«k»"}}}}',
        k="CLOJARS_" + _g("clojars", 60, _HEX),
    ),
    _p(
        "sourcegraph-src-env",
        "SRC_ENDPOINT=https://sourcegraph.acme.io SRC_ACCESS_TOKEN=«k» src search 'repo:^github\\.com/acme/ TODO'",
        k="sgp_" + _g("sgp-a", 16, _HEX) + "_" + _g("sgp-b", 40, _HEX),
    ),
    _p(
        "gitea-tea-config-yaml",
        "logins:\n  - name: acme\n    url: https://git.acme.io\n    token: «k»\n    default: true\n    user: bob",
        k=_g("gitea", 40, _HEX),
    ),
    _p(
        "infisical-service-token",
        "infisical export --env=prod --token=«k» > .env.prod",
        k="st." + _uuid("infisical") + "." + _g("infisical-a", 32, _HEX) + "." + _g("infisical-b", 32, _HEX),
    ),
    _p("cloudflared-tunnel-run-token", "cloudflared tunnel --no-autoupdate run --token «k»", k=_CF_TUNNEL),
    _p(
        "bitwarden-secrets-manager-token",
        "bws secret list --access-token «k» --output table",
        k="0." + _uuid("bws") + "." + _g("bws-a", 30) + ":" + _b64("bws-b", 16),
    ),
    _p(
        "woocommerce-consumer-secret-php",
        "$woocommerce = new Client('https://shop.acme.io', '«c»', '«k»', ['version' => 'wc/v3']);",
        c="ck_" + _g("woo-ck", 40, _HEX),
        k="cs_" + _g("woo-cs", 40, _HEX),
    ),
    _p(
        "discourse-api-key-header",
        'curl -X GET "https://forum.acme.io/admin/users/list/active.json" -H "Api-Key: «k»" -H "Api-Username: system"',
        k=_g("discourse", 64, _HEX),
    ),
    _p(
        "sentry-clirc-user-token",
        "[auth]\ntoken=«k»\n\n[defaults]\norg=acme\nproject=web",
        k="sntryu_" + _g("sntryu", 64, _HEX),
    ),
    _p("notion-ntn-token-js", 'const notion = new Client({ auth: "«k»" });', k="ntn_" + _g("notion-ntn", 46)),
    _p(
        "datadog-agent-yaml",
        "$ sudo cat /etc/datadog-agent/datadog.yaml\napi_key: «k»\nsite: datadoghq.eu\nlogs_enabled: true",
        k=_g("datadog-agent", 32, _HEX),
    ),
    _p(
        "pagerduty-events-routing-key",
        "curl -X POST https://events.pagerduty.com/v2/enqueue -H 'Content-Type: application/json' "
        '-d \'{"routing_key": "«k»", "event_action": "trigger", '
        '"payload": {"summary": "disk 95%", "source": "db-1", "severity": "critical"}}\'',
        k="R0" + _g("pd-routing", 30, _UPPER),
    ),
    _p("deepl-free-key-positional", 'translator = deepl.Translator("«k»")', k=_uuid("deepl") + ":fx"),
    _p(
        "openweathermap-appid-query",
        'curl "https://api.openweathermap.org/data/2.5/weather?q=Lisbon&units=metric&appid=«k»"',
        k=_g("owm", 32, _HEX),
    ),
    _p(
        "github-runner-registration-token",
        "./config.sh --url https://github.com/acme/platform --token «k» --labels self-hosted,linux,gpu --unattended",
        k="A" + _g("gh-runner", 28, _UPPER),
    ),
    _p(
        "yarnrc-yml-npm-auth-token",
        'npmScopes:\n  acme:\n    npmRegistryServer: "https://npm.pkg.github.com"\n    npmAuthToken: «k»',
        k="ghp_" + _g("yarnrc-ghp", 36),
    ),
    _p(
        "klaviyo-private-key-positional",
        'klaviyo = KlaviyoAPI("«k»", max_delay=60, max_retries=3)',
        k="pk_" + _g("klaviyo", 34, _HEX),
    ),
    _p(
        "pusher-secret-object",
        'const pusher = new Pusher({ appId: "1789345", key: "«i»", secret: "«k»", cluster: "eu", useTLS: true });',
        keep=("i",),
        i=_g("pusher-key", 20, _HEX),
        k=_g("pusher-secret", 20, _HEX),
    ),
    _p(
        "ably-api-key-positional",
        'const ably = new Ably.Realtime("«k»");',
        k=_g("ably-app", 6, _B64URL) + "." + _g("ably-id", 6, _B64URL) + ":" + _g("ably-secret", 43, _B64URL),
    ),
    _p(
        "cloudinary-url",
        "CLOUDINARY_URL=cloudinary://«i»:«k»@acme-media",
        keep=("i",),
        i=_g("cloudinary-id", 15, _D),
        k=_g("cloudinary-secret", 27, _B64URL),
    ),
    _p(
        "zendesk-email-slash-token",
        "curl https://acme.zendesk.com/api/v2/tickets.json -u ops@acme.io/token:«k»",
        k=_g("zendesk", 40),
    ),
    _p(
        "freshdesk-key-as-user-x-as-password",
        'curl -u «k»:X -H "Content-Type: application/json" -X GET "https://acme.freshdesk.com/api/v2/tickets"',
        k=_g("freshdesk", 20),
    ),
    _p(
        "duo-authproxy-skey",
        "[ldap_server_auto]\nikey=DI«i»\nskey=«k»\napi_host=api-4f2e9a1c.duosecurity.com\nclient=ad_client",
        keep=("i",),
        i=_g("duo-ikey", 18, _UPPER),
        k=_g("duo-skey", 40),
    ),
    _p(
        "keycloak-adapter-json-credentials",
        '{"realm": "acme", "auth-server-url": "https://sso.acme.io/", "ssl-required": "external", '
        '"resource": "orders-api", "credentials": {"secret": "«k»"}, "confidential-port": 0}',
        k=_g("keycloak", 32),
    ),
    _p(
        "salesforce-org-display-table",
        "$ sf org display --target-org prod\n=== Org Description\n\n KEY              VALUE\n"
        " ──────────────── ──────────────────────────────────────\n Access Token     «k»\n Alias            prod\n"
        " Client Id        PlatformCLI\n Connected Status Connected\n Instance Url     https://acme.my.salesforce.com",
        k="00D" + _g("sf-org", 12) + "!AQ" + _g("sf-session", 94, _ALNUM + "._"),
    ),
)


# --- Structured outputs and config files: cloud CLIs' JSON, Kubernetes, Terraform, containers, CI, IaC.

_STS_ID = "ASIA" + _g("sts-id", 16, _UPPER)
_STS_SECRET = _g("sts-secret", 40, _ALNUM + "/+")
_STS_TOKEN = "IQoJb3JpZ2luX2VjE" + _g("sts-token", 420, _B64)
_IAM_ID = "AKIA" + _g("iam-id", 16, _UPPER)
_IAM_SECRET = _g("iam-secret", 40, _ALNUM + "/+")
_SSO_ID = "ASIA" + _g("sso-id", 16, _UPPER)
_SSO_SECRET = _g("sso-secret", 40, _ALNUM + "/+")
_SSO_TOKEN = "IQoJb3JpZ2luX2VjE" + _g("sso-token", 380, _B64)
_CRED_ID = "AKIA" + _g("credfile-id", 16, _UPPER)
_CRED_SECRET = _g("credfile-secret", 40, _ALNUM + "/+")
_CRED_ID2 = "ASIA" + _g("credfile-id2", 16, _UPPER)
_CRED_SECRET2 = _g("credfile-secret2", 40, _ALNUM + "/+")
_CRED_TOKEN2 = "IQoJb3JpZ2luX2VjE" + _g("credfile-token2", 360, _B64)
_COGNITO_ACCESS = _jwt(
    "cognito-access",
    {"sub": _uuid("cognito-sub"), "token_use": "access", "scope": "aws.cognito.signin.user.admin", "exp": 1764169391},
)
_COGNITO_ID = _jwt(
    "cognito-id", {"sub": _uuid("cognito-sub"), "email": "jdoe@acme.io", "token_use": "id", "exp": 1764169391}
)
_COGNITO_REFRESH = (
    "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ."
    + _g("cognito-r1", 342, _B64URL)
    + "."
    + _g("cognito-r2", 16, _B64URL)
    + "."
    + _g("cognito-r3", 1200, _B64URL)
    + "."
    + _g("cognito-r4", 22, _B64URL)
)
_AZ_TOKEN = _jwt(
    "az-token",
    {
        "aud": "https://management.core.windows.net/",
        "iss": "https://sts.windows.net/" + _uuid("az-tenant") + "/",
        "exp": 1764166360,
    },
)
_GCP_BODY = _wrap("MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC" + _g("gcp-pkcs8", 1540, _B64) + "=")
_TLS_KEY_PEM = _block("EC PRIVATE KEY", base64.b64encode(_EC_DER[::-1]).decode())[0] + "\n"
_TLS_KEY_B64 = base64.b64encode(_TLS_KEY_PEM.encode()).decode()
_TLS_CRT_B64 = base64.b64encode(
    b"-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAKHBfpE\n-----END CERTIFICATE-----\n"
).decode()
_K8S_PW = _pw("k8s-secret-db", 20, "#%-_")
_ECR = "eyJwYXlsb2FkIjoi" + _g("ecr", 1480, _B64) + "In0="
_UNSEAL = [_b64(f"unseal-{i}", 33) for i in range(1, 6)]

STRUCTURED: tuple[Planted, ...] = (
    _p(
        "aws-sts-assume-role-json",
        "$ aws sts assume-role --role-arn arn:aws:iam::123456789012:role/deploy --role-session-name ci\n"
        '{\n    "Credentials": {\n        "AccessKeyId": "«a»",\n        "SecretAccessKey": "«s»",\n'
        '        "SessionToken": "«t»",\n        "Expiration": "2026-11-26T14:03:11+00:00"\n    },\n'
        '    "AssumedRoleUser": {\n        "AssumedRoleId": "AROA3XFRBF23QZ7KD1WML:ci",\n'
        '        "Arn": "arn:aws:sts::123456789012:assumed-role/deploy/ci"\n    }\n}',
        a=_STS_ID,
        s=_STS_SECRET,
        t=_STS_TOKEN,
    ),
    _p(
        "aws-iam-create-access-key-json",
        "$ aws iam create-access-key --user-name ci-bot\n"
        '{\n    "AccessKey": {\n        "UserName": "ci-bot",\n        "AccessKeyId": "«a»",\n        "Status": "Active",\n'
        '        "SecretAccessKey": "«s»",\n        "CreateDate": "2026-11-26T08:41:02+00:00"\n    }\n}',
        a=_IAM_ID,
        s=_IAM_SECRET,
    ),
    _p(
        "aws-sso-role-credentials-camel",
        "$ aws sso get-role-credentials --role-name Admin --account-id 123456789012 --access-token $TOKEN\n"
        '{"roleCredentials": {"accessKeyId": "«a»", "secretAccessKey": "«s»", "sessionToken": "«t»", '
        '"expiration": 1764165791000}}',
        a=_SSO_ID,
        s=_SSO_SECRET,
        t=_SSO_TOKEN,
    ),
    _p(
        "aws-credentials-file-two-profiles",
        "$ cat ~/.aws/credentials\n[default]\naws_access_key_id = «a»\naws_secret_access_key = «s»\n\n"
        "[prod-admin]\naws_access_key_id=«b»\naws_secret_access_key=«u»\naws_session_token=«t»",
        a=_CRED_ID,
        s=_CRED_SECRET,
        b=_CRED_ID2,
        u=_CRED_SECRET2,
        t=_CRED_TOKEN2,
    ),
    _p(
        "aws-secretsmanager-secretstring-escaped",
        "$ aws secretsmanager get-secret-value --secret-id prod/db\n{\n"
        '    "ARN": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-Xq7Lm2",\n    "Name": "prod/db",\n'
        '    "VersionId": "' + _uuid("sm-version") + '",\n'
        r'    "SecretString": "{\"username\":\"app\",\"password\":\"«p»\",\"engine\":\"postgres\",'
        r'\"host\":\"prod-db.cluster-c9x.eu-west-1.rds.amazonaws.com\",\"port\":5432}",'
        '\n    "VersionStages": [\n        "AWSCURRENT"\n    ],\n    "CreatedDate": "2026-10-02T09:14:51.201000+02:00"\n}',
        p=_pw("secretsmanager", 32, "!#*-_=+"),
    ),
    _p(
        "aws-ssm-securestring-value",
        "$ aws ssm get-parameter --name /billing/prod/PAYMENTS_KEY --with-decryption\n"
        '{\n    "Parameter": {\n        "Name": "/billing/prod/PAYMENTS_KEY",\n        "Type": "SecureString",\n'
        '        "Value": "«k»",\n        "Version": 3,\n        "LastModifiedDate": "2026-11-02T10:11:12.345000+01:00",\n'
        '        "ARN": "arn:aws:ssm:eu-west-1:123456789012:parameter/billing/prod/PAYMENTS_KEY",\n        "DataType": "text"\n    }\n}',
        k=_g("ssm-value", 40),
    ),
    _p(
        "aws-ec2-password-data-decrypted",
        "$ aws ec2 get-password-data --instance-id i-0a1b2c3d4e5f67890 --priv-launch-key ~/.ssh/win.pem\n"
        '{\n    "InstanceId": "i-0a1b2c3d4e5f67890",\n    "PasswordData": "«p»",\n    "Timestamp": "2026-11-26T08:02:10+00:00"\n}',
        p=_pw("ec2-windows", 32, "!$%&()*;.?@="),
    ),
    _p("aws-ecr-get-login-password-output", "$ aws ecr get-login-password --region eu-west-1\n«k»", k=_ECR),
    _p(
        "aws-cognito-initiate-auth-result",
        '{\n    "ChallengeParameters": {},\n    "AuthenticationResult": {\n        "AccessToken": "«a»",\n'
        '        "ExpiresIn": 3600,\n        "TokenType": "Bearer",\n        "RefreshToken": "«r»",\n        "IdToken": "«i»"\n    }\n}',
        a=_COGNITO_ACCESS,
        r=_COGNITO_REFRESH,
        i=_COGNITO_ID,
    ),
    _p(
        "az-ad-sp-create-for-rbac-output",
        "$ az ad sp create-for-rbac --name gh-deploy --role contributor --scopes /subscriptions/«sub»\n"
        "Creating 'contributor' role assignment under scope '/subscriptions/«sub»'\n"
        "The output includes credentials that you must protect. Be sure that you do not include these credentials "
        "in your code or check the credentials into your source control.\n"
        '{\n  "appId": "«i»",\n  "displayName": "gh-deploy",\n  "password": "«k»",\n  "tenant": "«t»"\n}',
        keep=("sub", "i", "t"),
        sub=_uuid("az-sub"),
        i=_uuid("az-app"),
        k=_g("az-sp-a", 3) + "8Q~" + _g("az-sp-b", 34, _ALNUM + "_.~-"),
        t=_uuid("az-tenant"),
    ),
    _p(
        "az-storage-account-keys-list",
        "$ az storage account keys list -g rg-prod -n acmeprodsa\n[\n  {\n"
        '    "creationTime": "2026-03-14T10:22:05.123456+00:00",\n    "keyName": "key1",\n    "permissions": "FULL",\n'
        '    "value": "«a»"\n  },\n  {\n    "creationTime": "2026-03-14T10:22:05.123456+00:00",\n    "keyName": "key2",\n'
        '    "permissions": "FULL",\n    "value": "«b»"\n  }\n]',
        a=_b64("az-key1", 64),
        b=_b64("az-key2", 64),
    ),
    _p(
        "az-account-get-access-token-json",
        '$ az account get-access-token\n{\n  "accessToken": "«t»",\n  "expiresOn": "2026-11-26 15:12:40.000000",\n'
        '  "expires_on": 1764166360,\n  "subscription": "'
        + _uuid("az-sub")
        + '",\n  "tenant": "'
        + _uuid("az-tenant")
        + '",\n'
        '  "tokenType": "Bearer"\n}',
        t=_AZ_TOKEN,
    ),
    Planted(
        "gcp-service-account-key-escaped-newlines",
        '{\n  "type": "service_account",\n  "project_id": "acme-prod-4412",\n'
        '  "private_key_id": "' + _g("gcp-kid", 40, _HEX) + '",\n'
        '  "private_key": "-----BEGIN PRIVATE KEY-----\\n'
        + "\\n".join(_GCP_BODY)
        + '\\n-----END PRIVATE KEY-----\\n",\n'
        '  "client_email": "deploy@acme-prod-4412.iam.gserviceaccount.com",\n  "client_id": "104729385610284756193",\n'
        '  "auth_uri": "https://accounts.google.com/o/oauth2/auth",\n  "token_uri": "https://oauth2.googleapis.com/token"\n}',
        (_GCP_BODY[1], _GCP_BODY[7], _GCP_BODY[-2]),
    ),
    _p(
        "gcloud-print-access-token-output",
        "$ gcloud auth print-access-token\n«t»",
        t="ya29.a0" + _g("ya29", 230, _B64URL),
    ),
    _p(
        "gcloud-secrets-versions-access-output",
        "$ gcloud secrets versions access latest --secret=db-password --project=acme-prod\n«p»",
        p=_pw("gcloud-secret", 24, "#%-_"),
    ),
    _p(
        "k8s-secret-get-yaml-base64-data",
        "$ kubectl get secret app-db -n prod -o yaml\napiVersion: v1\ndata:\n  DB_HOST: cG9zdGdyZXMucHJvZC5zdmM=\n"
        '  DB_PASSWORD: «p»\n  DB_USER: YXBw\nkind: Secret\nmetadata:\n  creationTimestamp: "2026-09-12T08:11:42Z"\n'
        "  name: app-db\n  namespace: prod\ntype: Opaque",
        p=base64.b64encode(_K8S_PW.encode()).decode(),
    ),
    _p(
        "k8s-secret-stringdata-embedded-file",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: mailer-config\nstringData:\n  config.yaml: |\n    smtp:\n"
        "      host: smtp.mailgun.org\n      port: 587\n      user: postmaster@mg.acme.io\n      pass: «p»",
        p=_pw("k8s-stringdata", 18, "-_."),
    ),
    _p(
        "k8s-tls-secret-key-base64",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: api-tls\n  namespace: prod\ntype: kubernetes.io/tls\ndata:\n"
        "  tls.crt: «c»\n  tls.key: «k»",
        keep=("c",),
        c=_TLS_CRT_B64,
        k=_TLS_KEY_B64,
    ),
    _p(
        "kubectl-create-secret-from-literal",
        "kubectl create secret generic api-keys -n prod --from-literal=payments=«a» --from-literal=jwt-signing=«b»",
        a=_g("k8s-literal-a", 40),
        b=_g("k8s-literal-b", 64, _B64URL),
    ),
    _p(
        "argocd-initial-admin-decoded-output",
        '$ kubectl -n argocd get secret argocd-initial-admin-secret -o jsonpath="{.data.password}" | base64 -d\n«p»',
        p=_g("argocd-admin", 16, _B64URL),
    ),
    _p(
        "k8s-deployment-env-name-value",
        "        env:\n        - name: RAILS_ENV\n          value: production\n        - name: SECRET_KEY_BASE\n"
        "          value: «k»\n        - name: REDIS_URL\n          value: redis://redis-master:6379/1",
        k=_g("k8s-skb", 128, _HEX),
    ),
    _p(
        "ecs-task-definition-environment",
        '"containerDefinitions": [{\n  "name": "api",\n  "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:2.3.0",\n'
        '  "environment": [\n    {"name": "NODE_ENV", "value": "production"},\n    {"name": "JWT_SECRET", "value": "«k»"},\n'
        '    {"name": "PORT", "value": "8080"}\n  ]\n}]',
        k=_g("ecs-jwt", 48, _B64URL),
    ),
    _p(
        "terraform-state-attributes",
        '{\n  "version": 4,\n  "terraform_version": "1.9.5",\n  "resources": [\n    {\n      "mode": "managed",\n'
        '      "type": "aws_db_instance",\n      "name": "main",\n'
        '      "instances": [{"attributes": {"identifier": "prod-main", "username": "dbadmin", "password": "«p»", '
        '"port": 5432}, "sensitive_attributes": [[{"type": "get_attr", "value": "password"}]]}]\n    },\n'
        '    {\n      "mode": "managed",\n      "type": "random_password",\n      "name": "grafana",\n'
        '      "instances": [{"attributes": {"id": "none", "length": 24, "special": true, "result": "«r»"}}]\n    }\n  ]\n}',
        p=_pw("tfstate-db", 28, "!#%*-_=+"),
        r=_pw("tfstate-random", 24, "!#%&*()-_=+[]{}<>:?"),
    ),
    _p(
        "terraform-output-json-sensitive",
        '$ terraform output -json\n{\n  "admin_api_key": {\n    "sensitive": true,\n    "type": "string",\n    "value": "«k»"\n  },\n'
        '  "db_endpoint": {\n    "sensitive": false,\n    "type": "string",\n'
        '    "value": "prod-main.c9x.eu-west-1.rds.amazonaws.com:5432"\n  }\n}',
        k=_g("tf-output", 40),
    ),
    _p(
        "terraform-output-raw",
        "$ terraform output -raw grafana_admin_password\n«p»",
        p=_pw("tf-raw", 24, "!#%&*-_=+:?"),
    ),
    _p(
        "terraform-tfvars",
        'region          = "eu-west-1"\ndb_master_pass  = "«p»"\ninstance_class  = "db.r6g.large"',
        p=_pw("tfvars", 22, "!#-_"),
    ),
    _p(
        "terraform-aws-provider-static-keys",
        'provider "aws" {\n  region     = "us-east-1"\n  access_key = "«a»"\n  secret_key = "«s»"\n}',
        a="AKIA" + _g("tf-aws-id", 16, _UPPER),
        s=_g("tf-aws-secret", 40, _ALNUM + "/+"),
    ),
    _p(
        "docker-inspect-env-array",
        '$ docker inspect --format \'{{json .Config.Env}}\' pg | jq .\n[\n  "POSTGRES_PASSWORD=«p»",\n  "POSTGRES_USER=app",\n'
        '  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/16/bin",\n'
        '  "GOSU_VERSION=1.17",\n  "PG_MAJOR=16"\n]',
        p=_pw("docker-inspect", 20),
    ),
    _p(
        "docker-run-env-flag",
        "docker run -d --name mysql -e MYSQL_ROOT_PASSWORD=«p» -e MYSQL_DATABASE=shop -p 3306:3306 mysql:8.4",
        p=_pw("docker-run", 18),
    ),
    _p(
        "compose-environment-map-and-list",
        "services:\n  minio:\n    image: minio/minio:RELEASE.2024-10-13T13-34-11Z\n    environment:\n"
        '      MINIO_ROOT_USER: admin\n      MINIO_ROOT_PASSWORD: "«p»"\n  grafana:\n    image: grafana/grafana:11.3.0\n'
        "    environment:\n      - GF_SECURITY_ADMIN_PASSWORD=«q»",
        p=_pw("compose-minio", 24),
        q=_pw("compose-grafana", 16),
    ),
    _p(
        "printenv-sorted-output",
        "$ printenv | sort\nHOME=/home/runner\nHOSTNAME=9f2c1b7e4a0d\nLANG=C.UTF-8\n"
        "PATH=/usr/local/bin:/usr/bin:/bin\nPGHOST=db\nPGPASSWORD=«p»\nPWD=/app\nSESSION_SECRET=«s»\nSHLVL=1",
        p=_pw("printenv-pg", 18),
        s=_g("printenv-session", 64, _HEX),
    ),
    _p(
        "dotenv-export-quoted-commented",
        "# .env.production — do not commit\nexport NODE_ENV=production\n"
        "export MAILER_PASSWORD='«m»'   # rotated 2026-11\nexport COOKIE_SECRET=\"«c»\"\nexport PORT=8080",
        m=_pw("dotenv-mailer", 16, "#!%-"),
        c=_g("dotenv-cookie", 48, _B64URL),
    ),
    _p(
        "github-actions-job-env-hardcoded",
        "jobs:\n  e2e:\n    runs-on: ubuntu-latest\n    env:\n      CYPRESS_RECORD_KEY: «k»\n"
        "      TEST_USER_PASSWORD: «p»\n    steps:\n      - uses: actions/checkout@v4\n      - run: npx cypress run --record",
        k=_uuid("cypress"),
        p=_pw("gha-test-user", 14),
    ),
    _p(
        "gitlab-ci-variables-block",
        'variables:\n  DOCKER_DRIVER: overlay2\n  REGISTRY_PASSWORD: "«p»"\n\ndeploy:\n  script:\n'
        '    - echo "$REGISTRY_PASSWORD" | docker login -u ci --password-stdin registry.acme.io',
        p=_pw("gitlab-ci", 20),
    ),
    _p(
        "helm-values-camelcase-passwords",
        "postgresql:\n  auth:\n    username: app\n    postgresPassword: «a»\n    password: «b»\n"
        "redis:\n  auth:\n    enabled: true\n    password: «c»",
        a=_pw("helm-pg-admin", 20),
        b=_pw("helm-pg-app", 20),
        c=_pw("helm-redis", 20),
    ),
    _p(
        "helm-set-flags",
        "helm upgrade --install keycloak bitnami/keycloak -n auth --set auth.adminUser=admin "
        "--set auth.adminPassword=«p» --set postgresql.auth.password=«q»",
        p=_pw("helm-set-admin", 16),
        q=_pw("helm-set-db", 16),
    ),
    _p(
        "ansible-ini-inventory-winrm",
        "[windows]\nwin-dc01.acme.local\n\n[windows:vars]\nansible_user=Administrator\nansible_password=«p»\n"
        "ansible_connection=winrm\nansible_winrm_server_cert_validation=ignore",
        p=_pw("ansible-winrm", 16, "#%-_"),
    ),
    _p(
        "ansible-playbook-extra-vars",
        'ansible-playbook site.yml -i inventories/prod -e "ansible_become_pass=«p» db_root_password=«q»"',
        p=_pw("ansible-become", 14),
        q=_pw("ansible-dbroot", 18),
    ),
    _p(
        "streamlit-secrets-toml",
        '# .streamlit/secrets.toml\n[connections.snowflake]\naccount = "xy12345.eu-central-1"\nuser = "ANALYST"\n'
        'password = "«p»"\nwarehouse = "COMPUTE_WH"',
        p=_pw("streamlit", 18, "!#-"),
    ),
    _p(
        "maven-settings-server-password",
        "<settings>\n  <servers>\n    <server>\n      <id>acme-releases</id>\n      <username>deployer</username>\n"
        "      <password>«p»</password>\n    </server>\n  </servers>\n</settings>",
        p=_pw("maven", 20),
    ),
    _p(
        "tomcat-users-attribute",
        '<tomcat-users>\n  <role rolename="manager-gui"/>\n  <user username="admin" password="«p»" roles="manager-gui,admin-gui"/>\n'
        "</tomcat-users>",
        p=_pw("tomcat", 14),
    ),
    _p(
        "nuget-config-cleartextpassword",
        '<packageSourceCredentials>\n  <AcmeFeed>\n    <add key="Username" value="az" />\n'
        '    <add key="ClearTextPassword" value="«k»" />\n  </AcmeFeed>\n</packageSourceCredentials>',
        k=_g("nuget-ado-pat", 52, "abcdefghijklmnopqrstuvwxyz234567"),
    ),
    _p(
        "web-config-appsettings-key-value",
        '<appSettings>\n  <add key="Environment" value="Production" />\n  <add key="StripeSecretKey" value="«k»" />\n'
        "</appSettings>",
        k="sk_live_51" + _g("webconfig-stripe", 97),
    ),
    _p(
        "spring-properties-rabbit-and-jwt",
        "spring.rabbitmq.host=mq.acme.local\nspring.rabbitmq.username=orders\nspring.rabbitmq.password=«p»\n"
        "jwt.signing-key=«k»",
        p=_pw("spring-rabbit", 18),
        k=_g("spring-jwt", 64, _B64),
    ),
    _p(
        "heroku-config-output",
        "$ heroku config -a acme-api\n=== acme-api Config Vars\n"
        "DATABASE_URL:         postgres://u9k2b7xq1m4d0c:«p»@ec2-3-251-12-4.eu-west-1.compute.amazonaws.com:5432/d8f3k1m9q2z7\n"
        "PAPERTRAIL_API_TOKEN: «t»\nRAILS_MASTER_KEY:     «m»",
        p=_g("heroku-pg", 64, _HEX),
        t=_g("papertrail", 20),
        m=_g("heroku-master", 32, _HEX),
    ),
    _p(
        "vault-token-create-table",
        "$ vault token create -policy=deploy -ttl=1h\nKey                  Value\n---                  -----\n"
        "token                «t»\ntoken_accessor       «a»\ntoken_duration       1h\ntoken_renewable      true\n"
        'token_policies       ["default" "deploy"]',
        keep=("a",),
        t="hvs.CAESI" + _g("vault-create", 80, _B64URL),
        a=_g("vault-accessor", 24),
    ),
    _p(
        "vault-operator-init-output",
        "$ vault operator init\n"
        + "".join(f"Unseal Key {i}: «u{i}»\n" for i in range(1, 6))
        + "\nInitial Root Token: «r»\n\nVault initialized with 5 key shares and a key threshold of 3.",
        u1=_UNSEAL[0],
        u2=_UNSEAL[1],
        u3=_UNSEAL[2],
        u4=_UNSEAL[3],
        u5=_UNSEAL[4],
        r="hvs." + _g("vault-root", 24),
    ),
    _p(
        "kubeadm-join-bootstrap-token",
        "You can now join any number of machines by running the following on each node as root:\n\n"
        "  kubeadm join 10.0.0.10:6443 --token «t» \\\n\t--discovery-token-ca-cert-hash sha256:«h»",
        keep=("h",),
        t=_g("kubeadm-id", 6, string.ascii_lowercase + _D)
        + "."
        + _g("kubeadm-secret", 16, string.ascii_lowercase + _D),
        h=_g("kubeadm-ca", 64, _HEX),
    ),
    _p(
        "docker-swarm-join-token",
        "docker swarm join --token «t» 10.0.0.10:2377",
        t="SWMTKN-1-"
        + _g("swarm-a", 50, string.ascii_lowercase + _D)
        + "-"
        + _g("swarm-b", 25, string.ascii_lowercase + _D),
    ),
    _p(
        "k3s-agent-join-token",
        "curl -sfL https://get.k3s.io | K3S_URL=https://10.0.0.10:6443 K3S_TOKEN=«t» sh -",
        t="K10" + _g("k3s-ca", 64, _HEX) + "::server:" + _g("k3s-secret", 32, _HEX),
    ),
    _p(
        "jenkins-initial-admin-password-cat",
        "$ sudo cat /var/lib/jenkins/secrets/initialAdminPassword\n«p»",
        p=_g("jenkins-initial", 32, _HEX),
    ),
    _p(
        "mysql-temporary-password-log",
        "$ sudo grep 'temporary password' /var/log/mysqld.log\n2026-11-26T09:12:44.123456Z 6 [Note] [MY-010454] [Server] "
        "A temporary password is generated for root@localhost: «p»",
        p=_pw("mysql-temp", 12, "#;>%&<_-(,.:"),
    ),
    _p(
        "elasticsearch-reset-password-output",
        "$ bin/elasticsearch-reset-password -u elastic\nThis tool will reset the password of the [elastic] user to an "
        "autogenerated value.\nThe password will be printed in the console.\nPlease confirm that you would like to "
        "continue [y/N]y\n\n\nPassword for the [elastic] user successfully reset.\nNew value: «p»",
        p=_pw("elastic-reset", 20, "*=+-_"),
    ),
    _p(
        "gitlab-initial-root-password-file",
        "$ sudo cat /etc/gitlab/initial_root_password\n# WARNING: This value is valid only in the following conditions\n"
        "#          1. If provided manually (either via `GITLAB_ROOT_PASSWORD` environment variable or via "
        "`gitlab_rails['initial_root_password']` setting in `gitlab.rb`, it was provided before database was seeded "
        "for the first time (usually, the first reconfigure run).\n\nPassword: «p»\n\n"
        "# NOTE: This file will be automatically deleted in the first reconfigure run after 24 hours.",
        p=_b64("gitlab-root", 33),
    ),
    _p(
        "pulumi-stack-output-show-secrets",
        "$ pulumi stack output --show-secrets\nCurrent stack outputs (3):\n    OUTPUT      VALUE\n"
        "    bucketName  acme-assets-4f2a9c1\n    dbPassword  «p»\n    url         https://api.acme.io",
        p=_pw("pulumi-out", 20, "!#%-_"),
    ),
    _p(
        "cloudformation-parameter-overrides",
        "aws cloudformation deploy --template-file stack.yml --stack-name prod-db "
        "--parameter-overrides DBUsername=admin DBPassword=«p» Environment=prod",
        p=_pw("cfn", 20),
    ),
    _p(
        "systemd-unit-environment",
        '[Service]\nUser=app\nEnvironment="NODE_ENV=production" "SESSION_SECRET=«s»"\n'
        "ExecStart=/usr/bin/node /srv/app/server.js",
        s=_g("systemd-session", 48, _B64URL),
    ),
    _p(
        "supervisord-environment-line",
        '[program:celery]\ncommand=celery -A acme worker -l info\nenvironment=DJANGO_SETTINGS_MODULE="acme.settings.prod",'
        'DB_PASS="«p»",CELERY_BROKER_URL="redis://localhost:6379/0"',
        p=_pw("supervisord", 18),
    ),
    _p(
        "php-fpm-pool-env",
        "; /etc/php/8.3/fpm/pool.d/www.conf\nenv[APP_ENV] = prod\nenv[DB_PASSWORD] = «p»\nenv[DB_HOST] = 10.0.2.15",
        p=_pw("php-fpm", 18),
    ),
    _p(
        "nginx-proxy-set-header-token-scheme",
        'location /api/ {\n    proxy_pass https://backend.internal;\n    proxy_set_header Authorization "Token «k»";\n}',
        k=_g("nginx-token", 40, _HEX),
    ),
    _p(
        "apache-setenv",
        "<VirtualHost *:443>\n    ServerName shop.acme.io\n    SetEnv APP_DB_PASS «p»\n    SetEnv APP_ENV production\n</VirtualHost>",
        p=_pw("apache", 16),
    ),
)


# --- Connection strings of databases and queues, URLs with credentials or tokens.

_MONGO_PW = _pw("mongo-enc", 12) + "@:" + _pw("mongo-enc-2", 6) + "!"

CONNECTION: tuple[Planted, ...] = (
    _p(
        "jdbc-sqlserver-semicolon-password",
        "spring.datasource.url=jdbc:sqlserver://sql01.acme.local:1433;databaseName=orders;user=orders_app;"
        "password=«p»;encrypt=true;trustServerCertificate=true",
        p=_pw("jdbc-mssql", 18),
    ),
    _p(
        "jdbc-oracle-thin-user-slash-password",
        'Connection c = DriverManager.getConnection("jdbc:oracle:thin:scott/«p»@//ora-prod.acme.local:1521/ORCLPDB1");',
        p=_pw("jdbc-oracle", 14),
    ),
    _p(
        "odbc-connection-pwd",
        'conn = pyodbc.connect("DRIVER={ODBC Driver 18 for SQL Server};SERVER=tcp:acme.database.windows.net,1433;'
        'DATABASE=sales;UID=reporter;PWD=«p»;Encrypt=yes")',
        p=_pw("odbc", 18, "!#-"),
    ),
    _p(
        "appsettings-json-ado-pwd",
        '{\n  "ConnectionStrings": {\n    "Default": "Server=tcp:sql.acme.io;Database=Shop;User ID=shop;Pwd=«p»;'
        'TrustServerCertificate=True"\n  }\n}',
        p=_pw("ado-pwd", 18),
    ),
    _p(
        "mongodb-replicaset-percent-encoded",
        "mongosh 'mongodb://app_rw:«p»@mongo-0.mongo:27017,mongo-1.mongo:27017/orders?replicaSet=rs0&authSource=admin'",
        p=urllib.parse.quote(_MONGO_PW, safe=""),
    ),
    _p(
        "amqps-broker-url",
        "CELERY_BROKER_URL=amqps://orders:«p»@b-3f2a9c1e.mq.eu-west-1.amazonaws.com:5671/prod",
        p=_pw("amqps", 20),
    ),
    _p(
        "rediss-acl-user-url",
        'r = redis.from_url("rediss://cache-user:«p»@redis-15432.c12.eu-west-1-2.ec2.cloud.redislabs.com:15432/0")',
        p=_pw("rediss", 32),
    ),
    _p(
        "sqlalchemy-mssql-pyodbc-url",
        'engine = create_engine("mssql+pyodbc://sa:«p»@sql01:1433/warehouse?driver=ODBC+Driver+18+for+SQL+Server")',
        p=_pw("sqlalchemy", 16),
    ),
    _p(
        "kafka-sasl-jaas-config",
        "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain."
        'PlainLoginModule required username="«u»" password="«p»";',
        keep=("u",),
        u=_g("kafka-key", 16, _UPPER),
        p=_g("kafka-secret", 64, _ALNUM + "+/"),
    ),
    _p(
        "elasticsearch-basic-auth-tuple",
        'es = Elasticsearch("https://es01.acme.local:9200", basic_auth=("elastic", "«p»"), ca_certs="ca.crt")',
        p=_pw("es-tuple", 20, "*=+-_"),
    ),
    _p(
        "neo4j-auth-env-slash",
        "docker run -p 7474:7474 -p 7687:7687 -e NEO4J_AUTH=neo4j/«p» neo4j:5",
        p=_pw("neo4j", 16),
    ),
    _p(
        "snowsql-pwd-env",
        "SNOWSQL_PWD='«p»' snowsql -a xy12345.eu-central-1 -u ANALYST -d SALES -q \"select count(*) from orders\"",
        p=_pw("snowsql", 18, "!#%-"),
    ),
    _p(
        "clickhouse-client-password",
        'clickhouse-client --host ch01 --user default --password «p» --query "SELECT version()"',
        p=_pw("clickhouse", 16),
    ),
    _p("cqlsh-user-password", "cqlsh cass01.acme.local 9042 -u cassandra -p «p»", p=_pw("cqlsh", 14)),
    _p("ftp-url-wget-mirror", "wget -m ftp://backup:«p»@ftp.acme.local/exports/", p=_pw("ftp-url", 14)),
    _p(
        "smtp-url-user-with-at",
        "EMAIL_URL=smtp+tls://alerts@acme.io:«p»@smtp.gmail.com:587",
        p=_g("gmail-app-pw", 16, string.ascii_lowercase),
    ),
    _p(
        "https-proxy-credentials",
        "export HTTPS_PROXY=http://jdoe:«p»@proxy.corp.acme.local:3128\nexport NO_PROXY=localhost,.acme.local",
        p=_pw("proxy", 14),
    ),
    _p(
        "sqlcmd-capital-p",
        'sqlcmd -S tcp:sql01,1433 -U sa -P «p» -Q "SELECT @@VERSION"',
        p=_pw("sqlcmd", 16, "#%-"),
    ),
    _p(
        "redis-cli-interactive-auth",
        "$ redis-cli -h cache01\ncache01:6379> AUTH default «p»\nOK\ncache01:6379> KEYS session:*",
        p=_pw("redis-auth", 24),
    ),
    _p(
        "ldapsearch-bind-password",
        'ldapsearch -x -H ldaps://dc01.acme.local -D "CN=svc_ldap,OU=Service,DC=acme,DC=local" -w «p» '
        '-b "DC=acme,DC=local" "(sAMAccountName=jdoe)"',
        p=_pw("ldapsearch", 16),
    ),
    _p(
        "php-pdo-positional-password",
        "$pdo = new PDO('mysql:host=db;dbname=shop;charset=utf8mb4', 'shop', '«p»', "
        "[PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);",
        p=_pw("pdo", 18, "!#%"),
    ),
    _p(
        "go-mysql-dsn-tcp",
        'db, err := sql.Open("mysql", "orders:«p»@tcp(mysql.internal:3306)/orders?parseTime=true")',
        p=_pw("go-dsn", 18),
    ),
    _p(
        "perl-dbi-connect-positional",
        'my $dbh = DBI->connect("dbi:Pg:dbname=app;host=db01", "app", "«p»", { RaiseError => 1 });',
        p=_pw("perl-dbi", 16),
    ),
    _p(
        "influx-cli-token-flag",
        "influx write -b metrics -o acme -t «t» -f data.lp",
        t=_g("influx", 86, _B64URL) + "==",
    ),
    _p(
        "nats-cli-user-password",
        "nats pub orders.created '{\"id\": 1}' --server nats://nats.acme.local:4222 --user ops --password «p»",
        p=_pw("nats", 20),
    ),
    _p(
        "rabbitmq-pika-plain-credentials",
        'credentials = pika.PlainCredentials("orders", "«p»")\n'
        'params = pika.ConnectionParameters("mq.acme.local", 5672, "/", credentials)',
        p=_pw("pika", 18),
    ),
    _p(
        "websocket-token-query",
        'websocat "wss://stream.acme.io/v1/events?token=«t»&channel=orders"',
        t=_g("wss-token", 40, _B64URL),
    ),
    _p(
        "apikey-lowercase-query",
        'curl "https://api.acme-weather.io/v2/forecast?lat=38.7&lon=-9.1&apikey=«k»"',
        k=_g("apikey-query", 32),
    ),
    _p(
        "gitlab-private-token-query",
        'curl "https://gitlab.acme.io/api/v4/projects?private_token=«t»&per_page=100"',
        t=_g("gitlab-legacy", 20, _B64URL),
    ),
    _p(
        "oauth-implicit-fragment",
        "Redirected to http://localhost:3000/callback#access_token=«t»&token_type=Bearer&expires_in=3600&state=af0ifjsldkj",
        t=_g("implicit", 64, _B64URL),
    ),
    _p(
        "password-reset-link-token",
        "Reset link from the mail log: https://app.acme.io/account/reset-password?token=«t»&email=jdoe%40acme.io",
        t=_g("reset-link", 43, _B64URL),
    ),
    _p(
        "firebase-rtdb-auth-query",
        "curl 'https://acme-prod-default-rtdb.firebaseio.com/users.json?auth=«k»'",
        k=_g("firebase-legacy", 40),
    ),
    _p(
        "git-clone-token-as-username",
        "git clone https://«t»@github.com/acme/private-infra.git",
        t="ghp_" + _g("git-token-user", 36),
    ),
)


# --- Secret-named variables of many shapes, in many languages' syntaxes.

VARIABLES: tuple[Planted, ...] = (
    _p("go-signing-key-bytes", 'var webhookSigningKey = []byte("«k»")', k=_g("go-signing", 48, _B64URL)),
    _p("rust-const-passwd", 'const DB_PASSWD: &str = "«p»";', p=_pw("rust-passwd", 18)),
    _p("java-static-final-creds", 'private static final String SFTP_CREDS = "batch:«p»";', p=_pw("java-creds", 16)),
    _p(
        "csharp-const-pascal-client-secret",
        'private const string ClientSecret = "«k»";',
        k=_g("cs-client-secret", 40, _B64URL),
    ),
    _p("ruby-env-fallback-pw", 'ENV["SMTP_PW"] ||= "«p»"', p=_pw("ruby-pw", 16)),
    _p("php-array-db-pass", "$config['db_pass'] = '«p»';", p=_pw("php-array", 16, "!#%")),
    _p("php-define-mail-password", "define('MAIL_PASSWORD', '«p»');", p=_pw("php-define", 16)),
    _p(
        "kotlin-gradle-signing-config",
        'signingConfigs {\n    create("release") {\n        storeFile = file("release.jks")\n        storePassword = "«a»"\n'
        '        keyAlias = "upload"\n        keyPassword = "«b»"\n    }\n}',
        a=_pw("gradle-store", 18),
        b=_pw("gradle-key", 18),
    ),
    _p("swift-static-let-secret", 'enum Config {\n    static let apiSecret = "«k»"\n}', k=_g("swift-secret", 40)),
    _p("objc-nsstring-constant", 'NSString *const kAPIToken = @"«k»";', k=_g("objc-token", 32, _HEX)),
    _p(
        "hocon-play-config",
        'db.default.url = "jdbc:postgresql://db/shop"\ndb.default.password = "«p»"\nplay.http.secret.key = "«k»"',
        p=_pw("hocon-db", 16),
        k=_g("play-secret", 64, _B64URL),
    ),
    _p(
        "elixir-repo-config",
        'config :shop, Shop.Repo,\n  username: "shop",\n  password: "«p»",\n  hostname: "db.internal",\n  pool_size: 10',
        p=_pw("elixir-repo", 18),
    ),
    _p(
        "lua-local-redis-auth",
        'local redis_auth = "«p»"\nlocal ok, err = red:auth(redis_auth)',
        p=_pw("lua-redis", 24),
    ),
    _p(
        "r-sys-setenv",
        'Sys.setenv(DB_PW = "«p»")\ncon <- dbConnect(RPostgres::Postgres(), password = Sys.getenv("DB_PW"))',
        p=_pw("r-setenv", 16),
    ),
    _p("dart-const-maps-key", "const String mapsKey = '«k»';", k=_g("dart-maps", 39, _B64URL)),
    _p(
        "typescript-env-fallback-default",
        'export const JWT_SECRET = process.env.JWT_SECRET ?? "«k»";',
        k=_g("ts-jwt-fallback", 40, _B64URL),
    ),
    _p(
        "js-camelcase-client-secret-object",
        'const auth = { clientId: "orders-svc", clientSecret: "«k»", audience: "https://api.acme.io" };',
        k=_g("js-client-secret", 48, _B64URL),
    ),
    _p(
        "python-kebab-header-dict",
        'headers = {"x-auth-token": "«k»", "accept": "application/json"}',
        k=_g("py-kebab-header", 40, _HEX),
    ),
    _p("shell-pin-inline-env", "DEPLOY_PIN=«p» ./unlock-hsm.sh --slot 0", p=_g("hsm-pin", 8, _D)),
    _p("shell-export-creds-pair", 'export BACKUP_CREDS="svc_backup:«p»"', p=_pw("backup-creds", 18)),
    _p(
        "powershell-env-client-secret",
        '$env:ARM_CLIENT_SECRET = "«k»"\nterraform plan -out tfplan',
        k=_g("ps-arm-a", 3) + "8Q~" + _g("ps-arm-b", 34, _ALNUM + "_.~-"),
    ),
    _p("batch-set-db-pass", "set DB_PASS=«p»\r\ncall migrate.cmd", p=_pw("batch-set", 16)),
    _p("batch-setx-persisted", 'setx SENTRY_AUTH "«k»"', k=_g("setx-sentry", 64, _HEX)),
    _p(
        "dockerfile-env-continuation",
        "FROM node:22-alpine\nENV APP_ENV=production \\\n    DB_PASSWD=«p» \\\n    PORT=8080",
        p=_pw("dockerfile-env", 16),
    ),
    _p(
        "dockerfile-arg-default",
        'ARG NPM_TOKEN=«k»\nRUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci',
        k="npm_" + _g("dockerfile-npm", 36),
    ),
    _p(
        "makefile-auth-and-passwd",
        "API_AUTH ?= «k»\nREGISTRY_PASSWD := «p»\n\ndeploy:\n\t./deploy.sh --auth $(API_AUTH)",
        k=_g("make-auth", 32),
        p=_pw("make-passwd", 16),
    ),
    _p(
        "spring-properties-kebab-client-secret",
        "okta.oauth2.issuer=https://acme.okta.com/oauth2/default\nokta.oauth2.client-id=0oa8x2b7qkZgmPd1u5d7\n"
        "okta.oauth2.client-secret=«k»",
        k=_g("okta-client-secret", 64, _B64URL),
    ),
    _p(
        "toml-signing-key",
        '[jwt]\nalgorithm = "HS256"\nsigning_key = "«k»"\nttl_minutes = 30',
        k=_g("toml-signing", 64, _B64URL),
    ),
    _p(
        "dotenv-salts",
        "PASSWORD_SALT=«s»\nHASHIDS_SALT=«h»\nHASHIDS_MIN_LENGTH=8",
        s=_g("pw-salt", 32, _B64),
        h=_g("hashids-salt", 24),
    ),
    _p(
        "dotenv-webhook-url",
        "ALERT_WEBHOOK=https://hooks.acme.io/services/in/«k»\nALERT_CHANNEL=#ops",
        k=_g("alert-webhook", 32),
    ),
    _p(
        "registry-auth-base64-env",
        "REGISTRY_AUTH=«b»",
        b=base64.b64encode(("ci:" + _pw("registry-auth", 20)).encode()).decode(),
    ),
    _p(
        "arduino-define-wifi-and-mqtt",
        '#define WIFI_SSID "Acme-IoT"\n#define WIFI_PASS "«w»"\n#define MQTT_PASSWORD "«m»"',
        w=_pw("arduino-wifi", 14),
        m=_pw("arduino-mqtt", 18),
    ),
    _p("cpp-constexpr-secret", 'static constexpr char kLicenseSecret[] = "«k»";', k=_g("cpp-secret", 32, _HEX)),
    _p(
        "spring-value-annotation-default",
        '@Value("${payments.api-secret:«k»}")\nprivate String apiSecret;',
        k=_g("spring-value", 40),
    ),
    _p(
        "dotnet-user-secrets-json-colon-keys",
        '{\n  "Jwt:Key": "«k»",\n  "Jwt:Issuer": "https://api.acme.io",\n  "Smtp:Host": "smtp.office365.com"\n}',
        k=_g("dotnet-jwt", 64, _B64),
    ),
    _p(
        "jenkinsfile-withenv",
        "stage('Deploy') {\n  steps {\n    withEnv([\"DEPLOY_PASS=«p»\"]) {\n      sh './deploy.sh prod'\n    }\n  }\n}",
        p=_pw("jenkinsfile", 16),
    ),
    _p(
        "terraform-variable-default",
        'variable "db_password" {\n  type      = string\n  default   = "«p»"\n  sensitive = true\n}',
        p=_pw("tf-var-default", 20),
    ),
    _p(
        "nix-attribute-admin-password",
        'services.grafana.settings.security.admin_password = "«p»";',
        p=_pw("nix-grafana", 18),
    ),
    _p(
        "java-password-authentication",
        'return new PasswordAuthentication("smtp-user@acme.io", "«p»".toCharArray());',
        p=_pw("java-pwauth", 16),
    ),
    _p(
        "json-camelcase-db-password",
        '{"dbHost": "db.internal", "dbPort": 5432, "dbPassword": "«p»"}',
        p=_pw("json-camel", 18),
    ),
    _p(
        "shell-lowercase-db-pwd",
        "db_pwd='«p»'\nPGPASSWORD=\"$db_pwd\" pg_dump -h db -U app app > app.sql",
        p=_pw("sh-lower", 16),
    ),
    _p(
        "go-struct-literal-pass-field",
        'cfg := Config{Host: "db", User: "app", Pass: "«p»", SSLMode: "require"}',
        p=_pw("go-struct", 18),
    ),
    _p(
        "npmrc-legacy-password-base64",
        "//npm.acme.io/:username=ci\n//npm.acme.io/:_password=«b»\n//npm.acme.io/:email=ci@acme.io",
        b=base64.b64encode(_pw("npmrc-pw", 18).encode()).decode(),
    ),
    _p("env-signing-secret-hex", "SLACK_SIGNING_SECRET=«k»\nSLACK_APP_ID=A07QZ8KLM2N", k=_g("slack-signing", 32, _HEX)),
)


# --- Passwords given to programs: Windows admin tools, database and queue clients, VPNs, keystores,
# archives, secret managers' CLIs, package tools, scripted prompts.

PROGRAMS: tuple[Planted, ...] = (
    _p(
        "net-use-map-drive",
        "net use Z: \\\\fs01\\finance /user:ACME\\jdoe «p» /persistent:no",
        p=_pw("net-use", 14, "#!"),
    ),
    _p(
        "cmdkey-generic-pass",
        "cmdkey /generic:TERMSRV/rdp01.acme.local /user:ACME\\admin /pass:«p»",
        p=_pw("cmdkey", 16, "#!"),
    ),
    _p(
        "schtasks-run-as-password",
        'schtasks /create /tn "NightlyBackup" /tr "C:\\scripts\\backup.cmd" /sc daily /st 02:00 /ru ACME\\svc_backup /rp «p»',
        p=_pw("schtasks", 16, "#!"),
    ),
    _p(
        "psexec-user-password",
        'PsExec64.exe \\\\app01 -u ACME\\admin -p «p» -h cmd /c "ipconfig /all"',
        p=_pw("psexec", 14, "#!"),
    ),
    _p(
        "xfreerdp-slash-p",
        "xfreerdp /v:rdp01.acme.local /u:Administrator /p:'«p»' /cert:ignore +clipboard /dynamic-resolution",
        p=_pw("xfreerdp", 16, "#!%"),
    ),
    _p("winrs-remote-shell", "winrs -r:app01.acme.local -u:ACME\\admin -p:«p» ipconfig /all", p=_pw("winrs", 14)),
    _p(
        "powershell-securestring-pscredential",
        '$pw = ConvertTo-SecureString "«p»" -AsPlainText -Force\n'
        '$cred = New-Object System.Management.Automation.PSCredential ("ACME\\svc_deploy", $pw)\n'
        "Enter-PSSession -ComputerName app01 -Credential $cred",
        p=_pw("ps-securestring", 16, "#!%"),
    ),
    _p(
        "powershell-new-localuser",
        "New-LocalUser -Name \"kiosk\" -Password (ConvertTo-SecureString '«p»' -AsPlainText -Force) -PasswordNeverExpires",
        p=_pw("new-localuser", 14),
    ),
    _p(
        "powershell-set-adaccountpassword",
        'Set-ADAccountPassword -Identity jdoe -Reset -NewPassword (ConvertTo-SecureString -AsPlainText "«p»" -Force)',
        p=_pw("set-adpw", 14, "!"),
    ),
    _p(
        "wmic-remote-password",
        'wmic /node:app02 /user:ACME\\admin /password:«p» process call create "cmd /c hostname"',
        p=_pw("wmic", 14),
    ),
    _p(
        "dsadd-user-pwd",
        'dsadd user "CN=Jane Roe,OU=Staff,DC=acme,DC=local" -samid jroe -pwd «p» -mustchpwd yes',
        p=_pw("dsadd", 12, "!"),
    ),
    _p("certutil-importpfx-password", 'certutil -f -p «p» -importpfx "C:\\certs\\wildcard.pfx"', p=_pw("certutil", 16)),
    _p(
        "useradd-openssl-passwd",
        "sudo useradd -m -s /bin/bash -p \"$(openssl passwd -6 '«p»')\" deploy",
        p=_pw("useradd", 14, "!#"),
    ),
    _p("mysqladmin-set-root-password", "mysqladmin -u root password '«p»'", p=_pw("mysqladmin", 16)),
    _p(
        "mongosh-user-password",
        "mongosh \"mongodb://mongo-0:27017/admin\" -u admin -p '«p»' --authenticationDatabase admin",
        p=_pw("mongosh", 18),
    ),
    _p(
        "mongodump-password-equals",
        'mongodump --uri="mongodb://mongo-0:27017" --username=backup --password=«p» --out=/backups/$(date +%F)',
        p=_pw("mongodump", 18),
    ),
    _p(
        "sql-create-user-identified-by",
        "mysql> CREATE USER 'reporting'@'%' IDENTIFIED BY '«p»';\nQuery OK, 0 rows affected (0.01 sec)",
        p=_pw("create-user", 16, "!#"),
    ),
    _p(
        "sql-alter-role-password",
        "app=# ALTER ROLE app_rw WITH LOGIN PASSWORD '«p»';\nALTER ROLE",
        p=_pw("alter-role", 18),
    ),
    _p(
        "rabbitmqctl-add-user",
        "rabbitmqctl add_user orders «p»\nrabbitmqctl set_permissions -p / orders '.*' '.*' '.*'",
        p=_pw("rabbitmqctl", 18),
    ),
    _p(
        "rabbitmqadmin-password",
        "rabbitmqadmin -H mq.acme.local -u admin -p «p» list queues name messages",
        p=_pw("rabbitmqadmin", 16),
    ),
    _p("neo4j-set-initial-password", "neo4j-admin dbms set-initial-password «p»", p=_pw("neo4j-initial", 16)),
    _p(
        "etcdctl-user-colon-password",
        "etcdctl --endpoints=https://10.0.0.5:2379 --user root:«p» get /registry --prefix --keys-only",
        p=_pw("etcdctl", 16),
    ),
    _p(
        "couchbase-cluster-init",
        "couchbase-cli cluster-init -c 127.0.0.1 --cluster-username Administrator --cluster-password «p» --services data,index,query",
        p=_pw("couchbase", 16),
    ),
    _p(
        "ldappasswd-new-secret",
        'ldappasswd -H ldap://ldap01 -x -D "cn=admin,dc=acme,dc=io" -W -s «p» "uid=jdoe,ou=people,dc=acme,dc=io"',
        p=_pw("ldappasswd", 14),
    ),
    _p(
        "svn-checkout-password",
        "svn checkout https://svn.acme.io/repos/legacy/trunk legacy --username jdoe --password «p» --non-interactive",
        p=_pw("svn", 14),
    ),
    _p(
        "aria2c-http-passwd",
        "aria2c --http-user=mirror --http-passwd=«p» https://mirror.acme.io/iso/ubuntu-24.04.1-live-server-amd64.iso",
        p=_pw("aria2c", 14),
    ),
    _p("rar-header-password", "rar a -hp«p» -m5 backup-2026-11.rar ~/Documents/taxes", p=_pw("rar", 14)),
    _p(
        "qpdf-encrypt-user-owner",
        "qpdf --encrypt «u» «o» 256 -- statement.pdf statement-locked.pdf",
        u=_pw("qpdf-user", 12),
        o=_pw("qpdf-owner", 16),
    ),
    _p(
        "veracrypt-mount-password",
        'veracrypt --text --mount /dev/sdb1 /mnt/secure --password=«p» --pim=0 --keyfiles="" --protect-hidden=no',
        p=_pw("veracrypt", 20),
    ),
    _p(
        "gpg-symmetric-passphrase",
        "gpg --batch --yes --pinentry-mode loopback --passphrase '«p»' -c backups.tar",
        p=_pw("gpg-pass", 22, "-_ "),
    ),
    _p(
        "jarsigner-storepass-keypass",
        "jarsigner -keystore release.jks -storepass «a» -keypass «b» app-release-unsigned.apk upload",
        a=_pw("jarsigner-store", 16),
        b=_pw("jarsigner-key", 16),
    ),
    _p(
        "apksigner-pass-prefix",
        "apksigner sign --ks upload.jks --ks-key-alias upload --ks-pass pass:«a» --key-pass pass:«b» app-release.apk",
        a=_pw("apksigner-ks", 16),
        b=_pw("apksigner-key", 16),
    ),
    _p(
        "openconnect-passwd-on-stdin",
        "echo '«p»' | sudo openconnect --protocol=anyconnect --user=jdoe --passwd-on-stdin vpn.acme.io",
        p=_pw("openconnect", 14, "!#"),
    ),
    _p(
        "openfortivpn-p",
        "sudo openfortivpn vpn.acme.io:443 -u jdoe -p '«p»' --trusted-cert «c»",
        keep=("c",),
        p=_pw("openfortivpn", 14, "!#"),
        c=_g("forti-cert", 64, _HEX),
    ),
    _p(
        "ipsec-secrets-psk",
        '$ sudo cat /etc/ipsec.secrets\n# ipsec.secrets - strongSwan IPsec secrets file\n203.0.113.10 198.51.100.7 : PSK "«p»"',
        p=_g("ipsec-psk", 32, _B64),
    ),
    _p(
        "openvpn-auth-user-pass-file",
        "$ grep auth-user-pass client.ovpn\nauth-user-pass /etc/openvpn/client/auth.txt\n"
        "$ sudo cat /etc/openvpn/client/auth.txt\njdoe\n«p»",
        p=_pw("ovpn-auth", 14),
    ),
    _p(
        "vpnc-conf-group-and-xauth",
        "IPSec gateway vpn.acme.io\nIPSec ID acme-remote\nIPSec secret «g»\nXauth username jdoe\nXauth password «p»",
        g=_pw("vpnc-group", 16),
        p=_pw("vpnc-xauth", 14),
    ),
    _p("gh-secret-set-body", 'gh secret set DEPLOY_KEY --repo acme/site --body "«k»"', k=_g("gh-secret-body", 40)),
    _p(
        "az-keyvault-secret-set-value",
        "az keyvault secret set --vault-name kv-acme-prod --name sql-admin --value '«p»'",
        p=_pw("kv-set", 22, "!#%"),
    ),
    _p(
        "aws-secretsmanager-create-secret-string",
        "aws secretsmanager create-secret --name prod/orders/db --secret-string "
        '\'{"username":"orders","password":"«p»"}\'',
        p=_pw("sm-create", 24, "!#"),
    ),
    _p(
        "aws-ssm-put-parameter-value",
        "aws ssm put-parameter --name /orders/prod/payments --type SecureString --value «k» --overwrite",
        k=_g("ssm-put", 32),
    ),
    _p(
        "gcloud-secrets-create-from-echo",
        'echo -n "«p»" | gcloud secrets create smtp-password --data-file=- --replication-policy=automatic',
        p=_pw("gcloud-create", 20),
    ),
    _p(
        "vault-kv-put-pairs",
        "vault kv put -mount=secret orders/prod db_password=«p» api_key=«k»",
        p=_pw("vault-kv", 20),
        k=_g("vault-kv-api", 32),
    ),
    _p(
        "doppler-secrets-set",
        'doppler secrets set PAYMENTS_KEY="«k»" --project billing --config prd',
        k=_g("doppler-set", 40),
    ),
    _p(
        "op-item-create-assignment",
        "op item create --category=login --title=\"Grafana prod\" --vault=Ops username=admin password='«p»' "
        "--url https://grafana.acme.io",
        p=_pw("op-create", 20, "!#%"),
    ),
    _p("heroku-config-set", "heroku config:set SECRET_KEY_BASE=«k» -a acme-web", k=_g("heroku-skb", 128, _HEX)),
    _p(
        "fly-secrets-set-two",
        "fly secrets set DATABASE_PASSWORD=«p» REDIS_PASSWORD=«q» -a acme-api",
        p=_pw("fly-db", 20),
        q=_pw("fly-redis", 20),
    ),
    _p(
        "wrangler-secret-put-from-echo",
        'echo "«k»" | npx wrangler secret put TURNSTILE_SECRET',
        k="0x4AAAAAAA" + _g("turnstile", 24, _B64URL),
    ),
    _p(
        "dotnet-user-secrets-set",
        'dotnet user-secrets set "Smtp:Password" "«p»" --project src/Acme.Web',
        p=_pw("user-secrets", 16),
    ),
    _p(
        "macos-security-add-generic-password",
        "security add-generic-password -a deploy -s acme-registry -w '«p»' -U",
        p=_pw("keychain", 20),
    ),
    _p(
        "secret-tool-store-from-printf",
        "printf '%s' '«p»' | secret-tool store --label=\"IMAP\" service imap user jdoe@acme.io",
        p=_pw("secret-tool", 16),
    ),
    _p(
        "helm-repo-add-password",
        "helm repo add acme-charts https://charts.acme.io --username ci --password «p»",
        p=_pw("helm-repo", 18),
    ),
    _p(
        "argocd-login-password",
        "argocd login argocd.acme.io --username admin --password «p» --grpc-web",
        p=_g("argocd-login", 16, _B64URL),
    ),
    _p(
        "oc-login-kubeadmin",
        "oc login https://api.ocp.acme.local:6443 -u kubeadmin -p «p» --insecure-skip-tls-verify",
        p="-".join(_g(f"kubeadmin-{i}", 5) for i in range(4)),
    ),
    _p(
        "cf-login-password",
        "cf login -a https://api.sys.acme.io -u admin -p «p» -o acme -s prod",
        p=_pw("cf-login", 16),
    ),
    _p(
        "az-login-service-principal",
        "az login --service-principal -u «i» -p «k» --tenant acme.onmicrosoft.com",
        keep=("i",),
        i=_uuid("az-login-app"),
        k=_g("az-login-a", 3) + "8Q~" + _g("az-login-b", 34, _ALNUM + "_.~-"),
    ),
    _p(
        "skopeo-src-creds",
        "skopeo copy --src-creds ci:«p» docker://registry.acme.io/app:1.4 docker://ghcr.io/acme/app:1.4",
        p=_pw("skopeo", 20),
    ),
    _p("crane-auth-login", "crane auth login registry.acme.io -u 'robot$ci' -p «p»", p=_g("harbor-robot", 32)),
    _p(
        "kubectl-set-credentials-password",
        "kubectl config set-credentials admin --username=admin --password=«p»",
        p=_pw("kubectl-basic", 16),
    ),
    _p(
        "composer-http-basic-token",
        "composer config --global http-basic.repo.packagist.com token «k»",
        k=_g("packagist", 64, _HEX),
    ),
    _p(
        "bundle-config-host-credentials",
        "bundle config set --global rubygems.pkg.github.com jdoe:«k»",
        k="ghp_" + _g("bundle-ghp", 36),
    ),
    _p("conan-remote-login", "conan remote login artifactory ci -p «p»", p=_pw("conan", 18)),
    _p(
        "dotnet-nuget-add-source-password",
        "dotnet nuget add source https://pkgs.dev.azure.com/acme/_packaging/feed/nuget/v3/index.json -n acme -u az "
        "-p «k» --store-password-in-clear-text",
        k=_g("nuget-source-pat", 52, "abcdefghijklmnopqrstuvwxyz234567"),
    ),
    _p(
        "restic-password-env",
        "RESTIC_PASSWORD='«p»' restic -r s3:s3.amazonaws.com/acme-backups backup /srv",
        p=_pw("restic", 24, "-_ "),
    ),
    _p(
        "borg-passphrase-export",
        "export BORG_PASSPHRASE='«p»'\nborg create ::'{hostname}-{now}' /etc /home",
        p=_pw("borg", 24),
    ),
    _p("pulumi-config-set-secret", "pulumi config set --secret dbPassword «p»", p=_pw("pulumi-set", 20)),
    _p(
        "firebase-functions-config-set",
        'firebase functions:config:set stripe.secret="«k»" mailgun.key="«m»"',
        k="sk_live_51" + _g("firebase-stripe", 97),
        m=_g("firebase-mailgun", 32, _HEX)
        + "-"
        + _g("firebase-mailgun-2", 8, _HEX)
        + "-"
        + _g("firebase-mailgun-3", 8, _HEX),
    ),
    _p(
        "expect-script-send",
        'spawn ssh admin@10.0.0.20\nexpect "password:"\nsend "«p»\\r"\nexpect "$ "\nsend "uptime\\r"',
        p=_pw("expect", 14),
    ),
    _p(
        "heredoc-ftp-user-command",
        "ftp -n ftp.acme.local <<EOF\nuser backup «p»\nbinary\nput db.sql.gz\nbye\nEOF",
        p=_pw("heredoc-ftp", 14),
    ),
    _p("sudo-here-string", 'sudo -S <<< "«p»" systemctl restart nginx', p=_pw("sudo-herestring", 14)),
    _p(
        "curl-proxy-user",
        "curl --proxy http://proxy.corp:3128 --proxy-user jdoe:«p» https://pypi.org/simple/",
        p=_pw("proxy-user", 14),
    ),
    _p(
        "influx-setup-password",
        "influx setup --username admin --password «p» --org acme --bucket metrics --retention 30d --force",
        p=_pw("influx-setup", 18),
    ),
    _p("vsql-w-password", 'vsql -h vertica01 -U dbadmin -w «p» -c "select version();"', p=_pw("vsql", 14)),
    _p(
        "git-credential-approve-stdin",
        "printf 'protocol=https\\nhost=git.acme.io\\nusername=jdoe\\npassword=«p»\\n' | git credential approve",
        p=_pw("git-credential", 18),
    ),
    _p(
        "ansible-vault-pass-file",
        "echo '«p»' > ~/.vault_pass && chmod 600 ~/.vault_pass\nansible-vault view --vault-password-file ~/.vault_pass group_vars/all/vault.yml",
        p=_pw("vault-pass-file", 20),
    ),
    _p("minio-admin-user-add", "mc admin user add myminio analytics «p»", p=_pw("mc-user-add", 20)),
    _p(
        "jfrog-cli-config-add",
        "jf c add acme --url https://acme.jfrog.io --user ci --password «p» --interactive=false",
        p=_pw("jfrog-cli", 18),
    ),
)


def _human(word: str, seed: str) -> str:
    """A password as people pick them: a word, digits, a symbol (and still not guessable from the line)."""
    return word + _g(seed + "/d", 3, _D) + "!#$%&*?"[int(_g(seed + "/s", 1, _D)) % 7] + _g(seed + "/t", 3, _ALNUM)


# --- The word for password or secret in other languages, and people's short forms.

LANGUAGES: tuple[Planted, ...] = (
    _p(
        "german-passwort-lautet",
        "Das Passwort für den Staging-Server lautet «p», bitte nicht weitergeben.",
        p=_human("Kolibri", "de1"),
    ),
    _p("german-kennwort-colon", "Benutzer: admin\nKennwort: «p»", p=_pw("de-kennwort", 14)),
    _p("german-zugangsdaten-slash", "Zugangsdaten fürs Grafana: admin / «p»", p=_pw("de-zugang", 14)),
    _p(
        "french-mot-de-passe",
        "Le mot de passe de la base de prod est «p» (à changer après la migration).",
        p=_human("Papillon", "fr1"),
    ),
    _p("french-mdp-abbrev", "mdp wifi bureau : «p»", p=_pw("fr-mdp", 12)),
    _p("spanish-contrasena", "La contraseña del servidor es «p», no la compartas.", p=_human("Girasol", "es1")),
    _p("spanish-clave", "usuario: deploy / clave: «p»", p=_pw("es-clave", 14)),
    _p("spanish-token-de-acceso", "el token de acceso es «k», caduca en 30 días", k=_g("es-token", 40, _B64URL)),
    _p("portuguese-senha", "A senha do banco de homologação é «p»", p=_human("Jabuticaba", "pt1")),
    _p(
        "italian-password-e", "La password dell'utente root è «p» — cambiala dopo il primo accesso.", p=_pw("it-pw", 14)
    ),
    _p("russian-parol", "Пароль от сервера: «p»", p=_pw("ru-parol", 14)),
    _p("ukrainian-parol-do-bazy", "Логін: admin, пароль до бази — «p»", p=_pw("uk-parol", 14)),
    _p("chinese-mima-fullwidth-colon", "服务器登录信息：用户名 root，密码：«p»", p=_pw("zh-mima", 14)),
    _p("chinese-traditional-mima", "帳號 admin 密碼 «p»", p=_pw("zh-tw-mima", 12)),
    _p("japanese-password-wa-desu", "本番DBのパスワードは「«p»」です。", p=_pw("ja-pw", 14)),
    _p("japanese-api-key", "APIキー：«k»", k=_g("ja-apikey", 40)),
    _p("korean-bimilbeonho", "관리자 비밀번호는 «p» 입니다.", p=_pw("ko-pw", 14)),
    _p("polish-haslo", "Login: jkowalski, hasło: «p»", p=_human("Biedronka", "pl1")),
    _p("dutch-wachtwoord", "Het wachtwoord voor de testomgeving is «p»", p=_pw("nl-ww", 14)),
    _p("turkish-sifre", "Sunucu şifresi: «p»", p=_pw("tr-sifre", 14)),
    _p("swedish-losenord", "Lösenordet till routern är «p»", p=_pw("sv-pw", 14)),
    _p("czech-heslo", "Heslo k databázi je «p»", p=_pw("cs-heslo", 14)),
    _p("vietnamese-mat-khau", "Mật khẩu tài khoản admin là «p»", p=_pw("vi-pw", 14)),
    _p("indonesian-kata-sandi", "kata sandi server: «p»", p=_pw("id-pw", 14)),
    _p("arabic-kalimat-al-murur", "كلمة المرور هي «p»", p=_pw("ar-pw", 14)),
    _p("hindi-password", "सर्वर का पासवर्ड «p» है", p=_pw("hi-pw", 14)),
    _p("greek-kodikos", "Ο κωδικός πρόσβασης είναι «p»", p=_pw("el-pw", 14)),
    _p("finnish-salasana", "Salasana on «p»", p=_pw("fi-pw", 14)),
    _p("hungarian-jelszo", "A jelszó: «p»", p=_pw("hu-pw", 14)),
    _p("norwegian-passord", "Passordet til NAS-en er «p»", p=_pw("no-pw", 14)),
)

SHORTHAND: tuple[Planted, ...] = (
    _p(
        "passcode-server-room", "Door passcode for the server room is «p», it changes monthly.", p=_g("passcode", 6, _D)
    ),
    _p(
        "sim-pin-and-puk",
        "new SIM for the on-call phone: PIN «a», PUK «b»",
        a=_g("sim-pin-2", 4, _D),
        b=_g("sim-puk", 8, _D),
    ),
    _p("admin-slash-password", "router login is admin / «p»", p=_pw("admin-slash", 12)),
    _p("user-pw-abbrev", "staging: user deploy pw «p»", p=_pw("pw-abbrev", 14)),
    _p("creds-user-colon-password", "creds for the bastion are ops:«p»", p=_pw("creds-colon", 16)),
    _p("login-pass-abbrev", "login jdoe pass «p» (temporary, change on first login)", p=_pw("pass-abbrev", 12)),
    _p("wifi-qr-payload", "WIFI:T:WPA;S:Acme-Guest;P:«p»;H:false;;", p=_pw("wifi-qr", 16)),
    _p("pwd-colon-line", "host: 10.0.4.12\nuser: root\npwd: «p»", p=_pw("pwd-colon", 14)),
    _p("password-arrow", "vpn password -> «p»", p=_pw("arrow", 14)),
    _p("card-pin", "corporate card PIN is «p», don't write it on the card", p=_g("card-pin", 4, _D)),
)

PROSE: tuple[Planted, ...] = (
    _p("prose-use-x-as-the-token", "use «k» as the token for the staging API", k=_g("prose-token", 40)),
    _p(
        "prose-rotated-new-one-is",
        "I've rotated the key; new one is «k», old one revoked",
        k=_g("prose-rotated", 32, _HEX),
    ),
    _p("prose-backticked-deploy-key", "here's the deploy key: `«k»`", k=_g("prose-backtick", 48, _B64URL)),
    _p("prose-try-logging-in-with", "can you try logging in with «p»? that's what IT gave me", p=_pw("prose-it", 14)),
    _p("prose-wallet-passphrase", "the passphrase for the wallet backup is «p»", p=_pw("prose-wallet", 20, "-_ ")),
    _p("prose-set-api-key-to", "set the API key to «k» and rerun the tests", k=_g("prose-setkey", 32)),
    _p("prose-token-expired-new-one", "my token expired, the new one is «k»", k=_g("prose-expired", 40, _B64URL)),
    _p(
        "prose-webhook-secret-header",
        "the secret for the webhook is «k», put it in the X-Hub-Signature check",
        k=_g("prose-webhook", 40, _HEX),
    ),
    _p(
        "prose-paste-into-config", "Just paste this into the config under `auth`: «k»", k=_g("prose-paste", 44, _B64URL)
    ),
    _p(
        "prose-same-creds-new-password",
        "same creds as last time except the password is now «p»",
        p=_pw("prose-same", 14),
    ),
    _p("prose-if-it-asks-type", "if it asks for a password just type «p»", p=_pw("prose-type", 12)),
    _p("prose-helpdesk-reset-to", "the account password got reset to «p» by the helpdesk", p=_pw("prose-helpdesk", 12)),
    _p(
        "prose-signing-secret-from-page",
        "signing secret (from the Slack app page): «k»",
        k=_g("prose-signing", 32, _HEX),
    ),
)


# --- Key material by form.

_OPENSSH, _OPENSSH_LINES = _block(
    "OPENSSH PRIVATE KEY",
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQAAACD"
    + _g("openssh", 300, _B64)
    + "==",
    70,
)
_PGP_LINES = _wrap("lQVYBGYx" + _g("pgp", 600, _B64), 64)
_PGP = (
    "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n"
    + "\n".join(_PGP_LINES)
    + "\n="
    + _g("pgp-crc", 4, _B64)
    + "\n-----END PGP PRIVATE KEY BLOCK-----"
)
_ENC_PKCS8, _ENC_PKCS8_LINES = _block(
    "ENCRYPTED PRIVATE KEY", "MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI" + _g("enc-pkcs8", 420, _B64) + "=="
)
_DSA, _DSA_LINES = _block("DSA PRIVATE KEY", "MIIBuwIBAAKBgQD" + _g("dsa", 560, _B64))
_EC_HEREDOC, _EC_HEREDOC_LINES = _block(
    "EC PRIVATE KEY", base64.b64encode(_EC_DER[:7] + _raw("ec-heredoc", 114)).decode()
)
_MINISIGN = "RWRTY0Iy" + _g("minisign", 204, _B64)
_SIGNIFY = "RWRCSwAAAA" + _g("signify", 142, _B64) + "=="
_OVPN_STATIC = [_g(f"ovpn-static-{i}", 32, _HEX) for i in range(16)]
_OVPN_KEY, _OVPN_KEY_LINES = _block(
    "PRIVATE KEY", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ" + _g("ovpn-inline", 500, _B64)
)
_SOLANA = list(_raw("solana-id", 64))
_P8, _P8_LINES = _block(
    "PRIVATE KEY", "MIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQg" + base64.b64encode(_raw("apns-p8", 99)).decode()
)
_FLASK = "".join(f"\\x{b:02x}" for b in _raw("flask-secret", 24))
_NSEC = _bech32("nsec", _raw("nostr", 32))
_RECOVERY = [_g(f"recovery-{i}a", 5, _HEX) + "-" + _g(f"recovery-{i}b", 5, _HEX) for i in range(8)]
_GRID_WORDS = list(enumerate(mnemonic("fresh numbered grid", 12).split()))
_GRID_ROWS = tuple("  ".join(f"{i + 1:>2}. {w:<10}" for i, w in _GRID_WORDS[r::3]).rstrip() for r in range(3))
_TOTP_DISPLAY = " ".join(_wrap(_g("totp-display", 32, _B32).lower(), 4))

KEYS: tuple[Planted, ...] = (
    Planted("openssh-private-key-block", "$ cat ~/.ssh/id_ed25519\n" + _OPENSSH, tuple(_OPENSSH_LINES[1:-1])),
    Planted(
        "pgp-private-key-block", "$ gpg --export-secret-keys --armor jdoe@acme.io\n" + _PGP, tuple(_PGP_LINES[1:-1])
    ),
    Planted("encrypted-pkcs8-block", _ENC_PKCS8, tuple(_ENC_PKCS8_LINES[1:-1])),
    Planted("dsa-private-key-block", _DSA, tuple(_DSA_LINES[1:-1])),
    Planted(
        "ec-private-key-in-heredoc",
        "sudo tee /etc/ssl/private/api.key > /dev/null <<'EOF'\n" + _EC_HEREDOC + "\nEOF",
        tuple(_EC_HEREDOC_LINES[1:]),
    ),
    _p(
        "minisign-secret-key-file",
        "$ cat ~/.minisign/minisign.key\nuntrusted comment: minisign encrypted secret key\n«k»",
        k=_MINISIGN,
    ),
    _p("signify-secret-key-file", "$ cat release.sec\nuntrusted comment: signify secret key\n«k»", k=_SIGNIFY),
    _p(
        "wireguard-conf-private-and-preshared",
        "[Interface]\nPrivateKey = «k»\nAddress = 10.8.0.2/32\nDNS = 1.1.1.1\n\n[Peer]\nPublicKey = «pub»\n"
        "PresharedKey = «psk»\nEndpoint = vpn.acme.io:51820\nAllowedIPs = 0.0.0.0/0",
        keep=("pub",),
        k=_b64("wg-private", 32),
        pub=_b64("wg-public", 32),
        psk=_b64("wg-psk", 32),
    ),
    _p(
        "wireguard-genkey-cat-output",
        "$ wg genkey | tee privatekey | wg pubkey > publickey\n$ cat privatekey\n«k»",
        k=_b64("wg-genkey", 32),
    ),
    Planted(
        "openvpn-static-key-v1",
        "#\n# 2048 bit OpenVPN static key\n#\n-----BEGIN OpenVPN Static key V1-----\n"
        + "\n".join(_OVPN_STATIC)
        + "\n-----END OpenVPN Static key V1-----",
        tuple(_OVPN_STATIC[1:-1]),
    ),
    Planted(
        "ovpn-inline-key-tag",
        "client\ndev tun\nremote vpn.acme.io 1194\n<ca>\n-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ\n"
        "-----END CERTIFICATE-----\n</ca>\n<key>\n" + _OVPN_KEY + "\n</key>",
        tuple(_OVPN_KEY_LINES[1:-1]),
    ),
    _p(
        "jwk-ec-private-d",
        '{"kty":"EC","crv":"P-256","x":"«x»","y":"«y»","d":"«d»","use":"sig","kid":"2026-11"}',
        keep=("x", "y"),
        x=_b64url(_raw("jwk-x", 32)),
        y=_b64url(_raw("jwk-y", 32)),
        d=_b64url(_raw("jwk-d", 32)),
    ),
    _p(
        "jwks-rsa-private-members",
        '{"keys": [{"kty": "RSA", "kid": "signing-1", "use": "sig", "alg": "RS256", "n": "«n»", "e": "AQAB",\n'
        '  "d": "«d»",\n  "p": "«pp»",\n  "q": "«q»",\n  "dp": "«dp»", "dq": "«dq»", "qi": "«qi»"}]}',
        keep=("n",),
        n=_b64url(_raw("jwk-n", 256)),
        d=_b64url(_raw("jwk-rsa-d", 256)),
        pp=_b64url(_raw("jwk-p", 128)),
        q=_b64url(_raw("jwk-q", 128)),
        dp=_b64url(_raw("jwk-dp", 128)),
        dq=_b64url(_raw("jwk-dq", 128)),
        qi=_b64url(_raw("jwk-qi", 128)),
    ),
    Planted(
        "solana-id-json-byte-array",
        "$ cat ~/.config/solana/id.json\n[" + ",".join(str(b) for b in _SOLANA) + "]",
        (",".join(str(b) for b in _SOLANA[:32]),),
    ),
    _p(
        "foundry-cast-private-key-flag",
        'cast send 0x5FbDB2315678afecb367f032d93F642f64180aa3 "setNumber(uint256)" 42 --rpc-url $RPC_URL --private-key 0x«k»',
        k=_g("foundry-key", 64, _HEX),
    ),
    _p(
        "hardhat-accounts-array",
        'sepolia: {\n  url: process.env.SEPOLIA_RPC,\n  accounts: ["0x«k»"],\n},',
        k=_g("hardhat-key", 64, _HEX),
    ),
    _p("rails-master-key-cat", "$ cat config/master.key\n«k»", k=_g("rails-master", 32, _HEX)),
    _p(
        "laravel-app-key-base64",
        "APP_NAME=Shop\nAPP_ENV=production\nAPP_KEY=base64:«k»\nAPP_DEBUG=false",
        k=_b64("laravel", 32),
    ),
    _p(
        "phoenix-secret-key-base",
        'config :acme, AcmeWeb.Endpoint,\n  url: [host: "acme.io", port: 443],\n  secret_key_base: "«k»"',
        k=_g("phoenix", 64, _B64),
    ),
    _p("flask-secret-key-bytes-escapes", "app = Flask(__name__)\napp.secret_key = b'«k»'", k=_FLASK),
    _p(
        "fernet-key-bytes",
        'from cryptography.fernet import Fernet\nf = Fernet(b"«k»")\ntoken = f.encrypt(b"payload")',
        k=base64.urlsafe_b64encode(_raw("fernet", 32)).decode(),
    ),
    _p("nostr-nsec-flag", 'nak event -c "hello from the release bot" --sec «k» wss://relay.damus.io', k=_NSEC),
    _p(
        "tendermint-priv-validator-key",
        '{\n  "address": "' + _g("tm-addr", 40, _HEXU) + '",\n  "pub_key": {\n    "type": "tendermint/PubKeyEd25519",\n'
        '    "value": "' + _b64("tm-pub", 32) + '"\n  },\n  "priv_key": {\n    "type": "tendermint/PrivKeyEd25519",\n'
        '    "value": "«k»"\n  }\n}',
        k=_b64("tm-priv", 64),
    ),
    _p(
        "lnd-macaroon-hex-header",
        'curl -X GET --cacert tls.cert --header "Grpc-Metadata-macaroon: «m»" https://localhost:8080/v1/getinfo',
        m="0201036c6e6402f801030a10" + _g("macaroon", 380, _HEX),
    ),
    _p("tor-add-onion-ed25519-v3", "ADD_ONION ED25519-V3:«k» Port=80,127.0.0.1:8080", k=_b64("tor-onion", 64)),
    _p(
        "totp-otpauth-uri",
        "otpauth://totp/Acme:jdoe@acme.io?secret=«s»&issuer=Acme&algorithm=SHA1&digits=6&period=30",
        s=_g("totp-uri", 32, _B32),
    ),
    _p("totp-setup-key-grouped", "2FA setup key (if you can't scan the QR code): «s»", s=_TOTP_DISPLAY),
    Planted(
        "recovery-codes-file",
        "$ cat ~/Downloads/github-recovery-codes.txt\n" + "\n".join(_RECOVERY),
        tuple(_RECOVERY),
    ),
    Planted(
        "apns-p8-key-in-js-string",
        'const provider = new apn.Provider({\n  token: {\n    key: "'
        + _P8.replace("\n", "\\n")
        + '",\n    keyId: "8KQ2X7L9MN",\n    teamId: "ABCDE12345",\n  },\n  production: true,\n});',
        tuple(_P8_LINES[1:-1]),
    ),
    _p(
        "pkcs12-keystore-base64-env",
        "ANDROID_KEYSTORE_B64=«k»",
        k="MIIKkAIBAzCCCjoGCSqGSIb3DQEHAaCCCisEggonMIIKIzCCBboGCSqGSIb3DQEHAaCCBasEggWnMIIFozCCBZ8GCyqGSIb3DQEMCgECoIIFQDCC"
        + _g("p12", 400, _B64),
    ),
    _p(
        "flutter-key-properties",
        "storePassword=«a»\nkeyPassword=«b»\nkeyAlias=upload\nstoreFile=../upload-keystore.jks",
        a=_pw("key-props-store", 16),
        b=_pw("key-props-key", 16),
    ),
    _p(
        "java-keystore-system-properties",
        "java -Djavax.net.ssl.keyStore=/etc/app/keystore.p12 -Djavax.net.ssl.keyStorePassword=«a» "
        "-Djavax.net.ssl.trustStorePassword=«b» -jar app.jar",
        a=_pw("jvm-keystore", 16),
        b=_pw("jvm-truststore", 16),
    ),
    _p(
        "aes-key-bytes-fromhex",
        'key = bytes.fromhex("«k»")  # AES-256-GCM\ncipher = AESGCM(key)',
        k=_g("aes-key", 64, _HEX),
    ),
    _p(
        "jwt-encode-positional-secret",
        'token = jwt.encode({"sub": user.id, "exp": exp}, "«k»", algorithm="HS256")',
        k=_g("jwt-hs256", 43, _B64URL),
    ),
    _p(
        "hmac-new-bytes-key",
        'expected = hmac.new(b"«k»", request.body, hashlib.sha256).hexdigest()',
        k=_g("hmac-key", 40, _HEX),
    ),
    _p(
        "electrum-getprivatekeys-output",
        '$ electrum getprivatekeys bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq\n[\n    "p2wpkh:«k»"\n]',
        k=wif("electrum fresh p2wpkh"),
    ),
    Planted("seed-phrase-numbered-grid", "Write down your recovery phrase:\n" + "\n".join(_GRID_ROWS), _GRID_ROWS),
)


# --- Hidden forms: escaped, encoded, split, quoted inside other formats, printed by programs.

_DOTENV_FOR_B64 = (
    "NODE_ENV=production\nDATABASE_URL=postgres://app:" + _pw("b64-env-db", 18) + "@db:5432/app\n"
    "SESSION_SECRET=" + _g("b64-env-session", 48) + "\n"
)
_FORM_PW = _pw("form-body", 10) + "!& " + _pw("form-body-2", 6)
_URL_PW = _pw("url-enc", 8) + "/?#" + _pw("url-enc-2", 8)

HIDDEN: tuple[Planted, ...] = (
    _p(
        "json-escaped-config-in-log-line",
        r'{"ts":"2026-11-26T09:14:02Z","level":"debug","msg":"loaded config","config":"{\"db\":{\"host\":\"db01\",'
        r'\"user\":\"app\",\"pass\":\"«p»\"},\"cache\":\"redis://cache:6379\"}"}',
        p=_pw("json-escaped", 18),
    ),
    _p(
        "double-escaped-json-in-log",
        r'2026-11-26 09:14:02 DEBUG forwarding event={"body": "{\"payload\": \"{\\\"auth\\\": {\\\"apiSecret\\\": '
        r'\\\"«k»\\\"}}\"}"}',
        k=_g("double-escaped", 40),
    ),
    _p(
        "unicode-escape-inside-secret",
        '{"service": "billing", "api_key": "«a»\\u002b«b»"}',
        a=_g("uesc-a", 20),
        b=_g("uesc-b", 20),
    ),
    _p(
        "unicode-escaped-key-name",
        r'{"user": "svc_sync", "\u0070\u0061\u0073\u0073\u0077\u006f\u0072\u0064": "«p»"}',
        p=_pw("uesc-key", 18),
    ),
    _p(
        "split-python-implicit-concatenation",
        'TOKEN = (\n    "ghp_"\n    "«a»"\n    "«b»"\n)',
        a=_g("split-py-a", 18),
        b=_g("split-py-b", 18),
    ),
    _p(
        "split-js-array-join",
        'const slackToken = ["xoxb", "«t»", "«b»", "«c»"].join("-");',
        keep=("t", "b"),
        t=_g("split-js-team", 10, _D),
        b=_g("split-js-bot", 13, _D),
        c=_g("split-js-secret", 24),
    ),
    _p(
        "split-java-concatenation",
        'private static final String KEY = "sk_" + "live_" + "«a»" + "«b»";',
        a="51" + _g("split-java-a", 47),
        b=_g("split-java-b", 50),
    ),
    _p("split-go-concatenation", 'token := "glpat-" + "«a»"', a=_g("split-go", 20, _B64URL)),
    _p(
        "split-ruby-adjacent-literals",
        'Aws::S3::Client.new(access_key_id: "AKIA" "«a»", secret_access_key: "«b»" \\\n  "«c»")',
        a=_g("split-rb-id", 16, _UPPER),
        b=_g("split-rb-s1", 20, _ALNUM + "/+"),
        c=_g("split-rb-s2", 20, _ALNUM + "/+"),
    ),
    _p(
        "split-csharp-string-concat",
        'var hook = string.Concat("https://hooks.slack.com/services/", "T04RZ6Q1P/B07HQ2M8K/", "«a»");',
        a=_g("split-cs", 24),
    ),
    _p(
        "base64-decoded-token-in-code",
        'TOKEN = base64.b64decode("«b»").decode()  # so scanners do not see it',
        b=base64.b64encode(("ghp_" + _g("b64-ghp", 36)).encode()).decode(),
    ),
    _p(
        "proxy-authorization-basic",
        "CONNECT api.acme.io:443 HTTP/1.1\nHost: api.acme.io:443\nProxy-Authorization: Basic «b»",
        b=base64.b64encode(("jdoe:" + _pw("proxy-basic", 14)).encode()).decode(),
    ),
    _p(
        "git-extraheader-basic-pat",
        'git -c http.extraHeader="Authorization: Basic «b»" clone https://dev.azure.com/acme/Platform/_git/api',
        b=base64.b64encode((":" + _g("extraheader-pat", 52, "abcdefghijklmnopqrstuvwxyz234567")).encode()).decode(),
    ),
    _p(
        "lowercase-basic-in-requests",
        'r = requests.get(url, headers={"authorization": "basic «b»"}, timeout=10)',
        b=base64.b64encode(("api:" + _g("lower-basic", 32, _HEX)).encode()).decode(),
    ),
    _p(
        "postgres-url-percent-encoded-password",
        "DATABASE_URL=postgresql://app:«p»@db.internal:5432/app",
        p=urllib.parse.quote(_URL_PW, safe=""),
    ),
    _p(
        "form-urlencoded-login-body",
        "curl -X POST https://sso.acme.io/login -d 'username=jdoe&password=«p»&remember=1'",
        p=urllib.parse.quote_plus(_FORM_PW),
    ),
    _p(
        "markdown-table-of-credentials",
        "| Environment | URL | User | Password |\n|---|---|---|---|\n| staging | https://staging.acme.io | admin | «a» |\n"
        "| prod | https://acme.io | admin | «b» |",
        a=_pw("md-table-a", 14),
        b=_pw("md-table-b", 14),
    ),
    _p(
        "code-fence-dotenv-in-chat",
        "Here's my local setup, it works on my machine:\n\n```dotenv\nSMTP_HOST=smtp.office365.com\nSMTP_USER=noreply@acme.io\n"
        "SMTP_PASSWORD=«p»\n```\n\nbut CI fails with 535 auth errors.",
        p=_pw("fence-smtp", 16),
    ),
    _p(
        "html-password-input-value",
        '<form method="post" action="/login">\n  <input type="text" name="user" value="admin">\n'
        '  <input type="password" name="pwd" id="pwd" value="«p»" autocomplete="off">\n</form>',
        p=_pw("html-input", 14),
    ),
    _p(
        "git-diff-changed-password",
        "diff --git a/config/prod.env b/config/prod.env\nindex 3f2a1c9..8b7d4e0 100644\n--- a/config/prod.env\n"
        "+++ b/config/prod.env\n@@ -3,3 +3,3 @@ APP_ENV=production\n-MAILER_PASSWORD=«a»\n+MAILER_PASSWORD=«b»\n"
        " MAILER_HOST=smtp.acme.io",
        a=_pw("diff-old", 16),
        b=_pw("diff-new", 16),
    ),
    _p(
        "grep-output-with-file-and-line",
        '$ grep -rn "PRIVATE_TOKEN" .\n./scripts/sync.sh:4:PRIVATE_TOKEN=«k»\n./README.md:12:Set PRIVATE_TOKEN in your environment.',
        k=_g("grep-token", 20, _B64URL),
    ),
    _p(
        "set-x-trace-private-token-header",
        "+ curl -sf -H 'PRIVATE-TOKEN: «k»' https://gitlab.acme.io/api/v4/projects/42/jobs\n+ jq '.[0].status'",
        k=_g("setx-token", 20, _B64URL),
    ),
    _p(
        "curl-verbose-request-custom-header",
        "> GET /v1/accounts HTTP/2\n> Host: api.acme.io\n> user-agent: curl/8.5.0\n> accept: */*\n> x-acme-key: «k»\n>\n"
        "< HTTP/2 200\n< content-type: application/json",
        k=_g("curl-v", 40),
    ),
    _p(
        "har-headers-name-value",
        '"headers": [\n  {"name": "Authorization", "value": "Bearer «t»"},\n  {"name": "Cookie", "value": "session=«c»; theme=dark"},\n'
        '  {"name": "Accept", "value": "application/json"}\n]',
        t=_g("har-bearer", 48, _B64URL),
        c=_g("har-cookie", 32),
    ),
    _p(
        "python-repr-kwargs-in-log",
        "INFO connecting with kwargs={'host': 'db01', 'port': 5432, 'user': 'etl', 'passwd': '«p»', 'sslmode': 'require'}",
        p=_pw("repr-kwargs", 18),
    ),
    _p(
        "java-lombok-tostring",
        "DEBUG c.a.o.Config - DataSourceProperties(url=jdbc:postgresql://db:5432/orders, username=orders, "
        "password=«p», driverClassName=org.postgresql.Driver)",
        p=_pw("tostring", 16),
    ),
    _p(
        "go-plus-v-struct-print",
        "2026/11/26 09:14:02 config: {Host:db01 Port:5432 User:etl Password:«p» SSLMode:require}",
        p=_pw("go-plus-v", 16),
    ),
    _p(
        "rust-debug-struct-print",
        'Settings { database: DatabaseSettings { username: "app", password: "«p»", host: "127.0.0.1", port: 5432 }, '
        "application_port: 8000 }",
        p=_pw("rust-debug", 18),
    ),
    _p(
        "jupyter-notebook-source-escaped",
        '  {\n   "cell_type": "code",\n   "execution_count": 3,\n   "metadata": {},\n   "outputs": [],\n   "source": [\n'
        '    "import openai\\n",\n    "openai.api_key = \\"«k»\\"\\n",\n'
        '    "resp = openai.chat.completions.create(model=\\"gpt-4o\\", messages=msgs)"\n   ]\n  }',
        k="sk-proj-" + _g("ipynb-a", 74, _B64URL) + "T3BlbkFJ" + _g("ipynb-b", 74, _B64URL),
    ),
    _p(
        "password-manager-csv-export",
        "name,url,username,password,note\nGitHub,https://github.com/login,jdoe,«a»,\n"
        "AWS console,https://acme.signin.aws.amazon.com/console,jdoe,«b»,prod",
        a=_pw("csv-a", 18),
        b=_pw("csv-b", 18),
    ),
    _p(
        "sql-insert-plaintext-password",
        "INSERT INTO users (email, password, role) VALUES ('admin@acme.io', '«p»', 'admin');",
        p=_pw("sql-insert", 14),
    ),
    _p(
        "yaml-folded-block-scalar",
        "sftp:\n  host: files.partner.com\n  user: acme\n  password: >-\n    «p»\n  port: 22",
        p=_pw("yaml-folded", 18),
    ),
    _p(
        "pytest-traceback-locals",
        'E   psycopg.OperationalError: connection failed: FATAL:  password authentication failed for user "etl"\n\n'
        "conninfo   = 'host=db01 dbname=warehouse user=etl password=«p»'\nkwargs     = {}",
        p=_pw("traceback", 16),
    ),
    _p(
        "shell-escaped-dollar-in-password",
        'mysql -u app -p"«a»\\$«b»" shop',
        a=_pw("dollar-a", 10),
        b=_pw("dollar-b", 10),
    ),
    _p(
        "xml-entity-in-password",
        '<entry key="smtp.user">noreply@acme.io</entry>\n<entry key="smtp.password">«a»&amp;«b»</entry>',
        a=_pw("xml-amp-a", 10),
        b=_pw("xml-amp-b", 10),
    ),
    _p(
        "base64-of-dotenv-file",
        "$ base64 -w0 .env.production\n«b»",
        b=base64.b64encode(_DOTENV_FOR_B64.encode()).decode(),
    ),
    _p(
        "powershell-here-string-body",
        '$body = @"\n{\n  "username": "svc_sync",\n  "password": "«p»"\n}\n"@\n'
        "Invoke-RestMethod -Uri https://idm.acme.io/api/login -Method Post -Body $body -ContentType 'application/json'",
        p=_pw("ps-herestring", 16),
    ),
    _p(
        "tool-result-escaped-newlines",
        '{"type":"tool_result","tool_use_id":"toolu_01XkQ","content":"DB_USER=app\\nDB_PASSWORD=«p»\\nDB_HOST=db01\\n"}',
        p=_pw("tool-result", 16),
    ),
    _p(
        "markdown-link-url-credentials",
        "The dashboard is [here](https://admin:«p»@grafana.acme.io/d/abc123/overview) if you need it.",
        p=_pw("md-link", 14),
    ),
    _p(
        "yaml-flow-mapping",
        "partners:\n  - {name: sftp-partner, host: files.partner.com, user: acme, pass: «p»}",
        p=_pw("yaml-flow", 16),
    ),
    _p(
        "subprocess-argv-list",
        'subprocess.run(["mysql", "-u", "root", "--password=«p»", "-e", "SHOW DATABASES"], check=True)',
        p=_pw("argv", 16),
    ),
    _p(
        "codex-json-argv-command",
        '{"command": ["bash", "-lc", "PGPASSWORD=«p» psql -h db -U app -c \'select 1\'"], "workdir": "/srv/app"}',
        p=_pw("codex-argv", 16),
    ),
)


FAMILIES: dict[str, tuple[Planted, ...]] = {
    "vendor tokens": VENDOR,
    "structured outputs and configs": STRUCTURED,
    "connection strings and URLs": CONNECTION,
    "secret-named variables in many languages": VARIABLES,
    "passwords given to programs": PROGRAMS,
    "other languages' words": LANGUAGES,
    "short forms (PIN, passcode, admin / pw)": SHORTHAND,
    "prose": PROSE,
    "key material": KEYS,
    "hidden forms": HIDDEN,
}

FRESH: tuple[Planted, ...] = tuple(p for family in FAMILIES.values() for p in family)


# --- Look-alikes: no secret in any of them (ids, hashes, digests, placeholders, prompts, prose, code that
# reads a secret from elsewhere, masked values, public keys and certificates, encrypted blobs).

BENIGN_FRESH: tuple[str, ...] = (
    # Commit ids, UUIDs, request and trace ids.
    "commit 7c4e9a1f0b3d85e2a6f1c9d4b7e0a3f5c8d2e614\nAuthor: Jane Roe <jane@acme.io>\nDate:   Wed Nov 26 09:12:44 2026 +0100\n\n"
    "    Rotate the staging password (stored in Vault now)",
    "$ git log --oneline -3\n9f2c1b7 fix token refresh race\n4a8e0d3 add secret scanning to CI\n1c7f5e9 bump bcrypt to 4.2.0",
    "HEAD is now at 5e8b2d1c9a4f7e03b6d1c8a2f5e9b0d4c7a3e612 Merge pull request #418 from acme/rotate-keys",
    "Request-Id: 0b9c3f7e-2d41-4a8e-9f65-c1e0d7b2a934",
    "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    "UUID=3f1c9e2a-7b4d-4e8f-a1c6-9d2b5e0f7a38 /data ext4 defaults,noatime 0 2",
    "X-Request-ID: f3b1c7e0a9d24c5e8b6f1a2d3c4e5f60",
    'ETag: "33a64df551425fcc55e4d42a148795d9f25f89d4"',
    # Paths and file names with key, token, secret or password in them.
    "ls ~/.ssh\nauthorized_keys  config  id_ed25519  id_ed25519.pub  known_hosts",
    "chmod 600 secrets/api_key.txt token.json client_secret.json",
    "git add config/credentials.yml.enc config/master.key.example",
    "src/auth/tokenStore.ts  src/auth/passwordPolicy.ts  tests/fixtures/fake_api_key.json",
    "https://github.com/acme/api/blob/main/src/secrets/token_cache.py#L42",
    "--token-file /var/run/secrets/kubernetes.io/serviceaccount/token",
    "POSTGRES_PASSWORD_FILE=/run/secrets/db_password",
    "docker run --env-file .env.local -p 8080:8080 acme/api",
    # Placeholders.
    "API_KEY=<your-api-key-here>",
    'export GITHUB_TOKEN="${GITHUB_TOKEN:?set it first}"',
    "DB_PASSWORD=changeme  # replace before deploying",
    "password: CHANGE_ME",
    "token: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "api_key = 'YOUR_API_KEY'",
    "SECRET_KEY=${SECRET_KEY}",
    "Authorization: Bearer <token>",
    "client_secret: {{ .Values.oauth.clientSecret }}",
    "password: '********'",
    "$ cat .env.example\nDATABASE_URL=postgres://user:password@localhost:5432/app\nSTRIPE_SECRET_KEY=sk_test_...\n"
    "REDIS_URL=redis://localhost:6379",
    "spring.datasource.password=${DB_PASSWORD}",
    "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: app-db\n        key: password",
    "helm install redis bitnami/redis --set auth.existingSecret=redis-auth --set auth.existingSecretPasswordKey=password",
    # Prompts and programs' messages.
    "Enter passphrase for key '/home/dev/.ssh/id_ed25519': ",
    "Password for 'https://jdoe@github.com': ",
    "Enter PEM pass phrase:\nVerifying - Enter PEM pass phrase:",
    "mysql: [Warning] Using a password on the command line interface can be insecure.",
    'FATAL:  password authentication failed for user "app"',
    "Usage: mysql [OPTIONS] [database]\n  -p, --password[=name]  Password to use when connecting to server.",
    "      --token string   Bearer token for authentication to the API server",
    "OPENAI_API_KEY is not set. Run `export OPENAI_API_KEY=...` first.",
    "pre-commit: detect-private-key....................................Passed",
    "gitleaks detect --source . --no-banner\n9:41AM INF 212 commits scanned.\n9:41AM INF no leaks found",
    "terraform plan\n  + password = (sensitive value)\n  + result   = (sensitive value)",
    "Outputs:\n\ndb_password = <sensitive>",
    "gh secret list\nNAME            UPDATED\nAWS_ROLE_ARN    about 2 months ago\nNPM_TOKEN       about 1 day ago",
    "kubectl get secrets -n prod\nNAME            TYPE                 DATA   AGE\napp-db          Opaque               3      41d\n"
    "tls-acme        kubernetes.io/tls    2      12d",
    "aws configure list\n      Name                    Value             Type    Location\n"
    "access_key     ****************WB3D shared-credentials-file\nsecret_key     ****************x9Qa shared-credentials-file\n"
    "    region                eu-west-1      config-file    ~/.aws/config",
    # Prose about passwords and keys, in English and other languages.
    "Your password must be at least 12 characters long and include a number.",
    "We recommend rotating API keys every 90 days and storing them in a secrets manager.",
    "The `--password-stdin` flag reads the password from standard input, so it stays out of your shell history.",
    "The Wi-Fi network is Acme-Guest; ask reception for the password.",
    "PIN codes are four digits; after three wrong PINs the card locks.",
    "Der Benutzer muss sein Passwort beim nächsten Login ändern.",
    "Mot de passe oublié ?",
    "¿Olvidaste tu contraseña?",
    "パスワードを忘れた場合はこちら",
    "密码错误，请重试",
    "Неверный пароль",
    "the tokenizer splits 'password' into two tokens",
    "Tokens: 12,408 input / 1,932 output",
    # Code that reads a secret from somewhere else.
    'api_key = os.environ["OPENAI_API_KEY"]',
    'token := os.Getenv("SLACK_BOT_TOKEN")',
    'let secret = std::env::var("JWT_SECRET").expect("JWT_SECRET must be set");',
    'String pw = System.getenv("DB_PASSWORD");',
    'var key = builder.Configuration["Stripe:SecretKey"];',
    'password = ENV.fetch("SMTP_PASSWORD")',
    "$password = getenv('DB_PASSWORD');",
    '$cred = Get-Credential -UserName "ACME\\svc_deploy" -Message "Deploy account"',
    'password = getpass.getpass("Vault password: ")',
    "read -rsp 'Password: ' PASSWORD && echo",
    "password_hash = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=12))",
    "if (!apiKey) throw new Error('Missing API key: set ACME_API_KEY');",
    "salt = os.urandom(16)\nnonce = secrets.token_hex(16)",
    "SELECT id, email FROM users WHERE password_reset_token IS NOT NULL;",
    # Lockfile hashes, integrity strings, digests, checksums.
    '"node_modules/left-pad": {\n  "version": "1.3.0",\n  "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",\n'
    '  "integrity": "sha512-XI5MPzVNApjAyhQzphX8BkmKsKUxD4LdyK24iZeQuQX5JKnZ3gLPmRbGmVMtELs3kuD9p/zIq5zX/+jDwn2Rsg=="\n}',
    'lodash@^4.17.21:\n  version "4.17.21"\n  resolved "https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz#679591c564c3bffaae8454cf0b3df370c3d6911c"\n'
    "  integrity sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg==",
    'files = [\n    {file = "requests-2.32.3-py3-none-any.whl", hash = "sha256:70761cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6"},\n]',
    'checksum = "b79a2e1b5a2e8b1b5e3c0a9e6f0d4c7a8b2e1f3d5c7a9b0e2d4f6a8c0e2b4d6f"',
    "golang.org/x/crypto v0.28.0 h1:GXm2NjJrPaiv/h1tb2UH8QfgC/hOf/+z0p6PT8o1w7A=",
    "django==5.1.3 \\\n    --hash=sha256:8b38a9a12da3ae00cb0ba72da985ec4b14de6345046b1e174b1fd7254398f818",
    "FROM python:3.12-slim@sha256:af4e85f1cac90dd3771e47292ea7c8a9830abfabbe4faa5c53f158854c2e819d",
    "Digest: sha256:3f1c9e2a7b4d4e8fa1c69d2b5e0f7a38b6d1c8a2f5e9b0d4c7a3e6125e8b2d1c\nStatus: Downloaded newer image for postgres:16",
    'SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    "sha256sum release.tar.gz\n9b1c5f2e7a3d4c8b0e6f1a2d3c4b5a69788f7e6d5c4b3a2918f7e6d5c4b3a291  release.tar.gz",
    # Base64 of ordinary data in logs and mail.
    '{"level":"info","event":"webhook","payload":"'
    + base64.b64encode(b'{"event":"push","ref":"refs/heads/main","repository":"acme/api"}').decode()
    + '"}',
    "Content-Transfer-Encoding: base64\n\n"
    + base64.b64encode(b"Hello Jane,\n\nThe nightly report is attached.\n\nBest,\nCI\n").decode(),
    # Long identifiers.
    "AbstractSingletonProxyFactoryBeanDefinitionRegistryPostProcessor",
    "class TokenRefreshCoordinatorFactoryImplTest extends BaseIntegrationTest {",
    "PasswordResetRequestValidationExceptionHandler.handle(request, exception)",
    "export function useOAuth2AccessTokenRefreshInterceptor(client: AxiosInstance) {",
    'data-testid="password-input" aria-label="Password"',
    'auth.passwordTooShort = "Password must be at least {min} characters"',
    # Masked values, public material, encrypted blobs.
    "Stripe key: sk_live_" + _rep("*", 28) + "4f2a (masked)",
    "GITHUB_TOKEN=ghp_" + _rep("*", 36),
    "ssh-keygen -lf ~/.ssh/id_ed25519.pub\n256 SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s jdoe@laptop (ED25519)",
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl jdoe@laptop",
    "Key fingerprint = 9A3C 71F2 4B8E 0D6A 1C5F  E7B2 3D94 08AF 6C1E 52B7",
    "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEVs/o5+uQbTjL3chynL4wXgUg2R9\n"
    "q9UU8I5mEovUf86QZ7kOBIjJwqnzD1omageEHWwHdBO6B+dFabmdT9POxg==\n-----END PUBLIC KEY-----",
    "Ethereum address 0x742d35Cc6634C0532925a3b844Bc454e4438f44e",
    "tx hash 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060 confirmed in block 21345678",
    "IPFS CID bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
    "password: !vault |\n          $ANSIBLE_VAULT;1.1;AES256\n          62383366333430386161376462353437623433303436386235353063396462323639\n"
    "          3365643162383035616266393262656666396136343930340a",
    "db_password: ENC[AES256_GCM,data:q8ZtK3w=,iv:3Xk9LmQ2Vr7Tz4Wp1Nc8Hb5Yd0Ff6Gg2=,tag:Aa1Bb2Cc3Dd4Ee5Ff6Gg7Q==,type:str]",
    "client_id=0oa8x2b7qkZgmPd1u5d7&response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A8080%2Fcallback"
    "&state=xyz&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256",
    '{"access_token": "<redacted>", "token_type": "Bearer", "expires_in": 3600, "scope": "read write"}',
    "vault write auth/approle/role/ci token_ttl=1h token_max_ttl=4h secret_id_ttl=10m",
    "kubectl create secret generic app-db --from-env-file=.env.prod --dry-run=client -o yaml | kubeseal > sealed.yaml",
)
