# ruff: noqa: RUF001
"""A fourth held-out set of planted secrets and their look-alikes (issue 60).

Written on 2026-11-26 by a fourth helper who never saw the redaction rules (src/lessonloop/secrets/),
docs/privacy.md, nor any of the other sample sets (it read only the `Planted` dataclass and the
`_rep`, `mnemonic` and `wif` helpers of tests/secret_samples.py). The kinds come from what a coding
agent's transcript really holds: shell commands and their output, tool output, config files in many
formats, code in many languages, chat in many languages, key and recovery material, and secrets hidden
by escaping, encoding, splitting, diffs and tables.

Every value is fake and drawn at import time from SHA-256 of the kind (and the value's name, or of a
short tag for values assembled by hand) mapped onto the real alphabet, length and prefix of its kind; no secret-shaped literal sits in this file (prefixes are built
by concatenation). `FRESH4` holds the planted secrets, `FAMILIES4` groups them by family,
`BENIGN_FRESH4` holds texts close to secrets that hold none.

This set MEASURES only. It must never be used to write or tune rules: once a rule is written from it,
it stops being held out and says nothing more.
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

__all__ = ["BENIGN_FRESH4", "FAMILIES4", "FRESH4"]

# --------------------------------------------------------------------------------------------------
# Deterministic value generators
# --------------------------------------------------------------------------------------------------

_ALNUM = string.ascii_letters + string.digits
_LOWNUM = string.ascii_lowercase + string.digits
_UPNUM = string.ascii_uppercase + string.digits
_HEX = "0123456789abcdef"
_B64 = _ALNUM + "+/"
_B64U = _ALNUM + "-_"
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_PRODUCT = "BCDFGHJKMPQRTVWXY2346789"
_SYMS = "!@#%^*-_=+.?~"

_WORDS = [
    "amber",
    "anchor",
    "apple",
    "autumn",
    "badger",
    "banjo",
    "basil",
    "beacon",
    "birch",
    "biscuit",
    "blossom",
    "boulder",
    "breeze",
    "bridge",
    "bronze",
    "butter",
    "cactus",
    "candle",
    "canyon",
    "carrot",
    "castle",
    "cedar",
    "cherry",
    "cinder",
    "clover",
    "cobalt",
    "comet",
    "copper",
    "coral",
    "cotton",
    "cricket",
    "crystal",
    "daisy",
    "delta",
    "desert",
    "dolphin",
    "dragon",
    "eagle",
    "ember",
    "falcon",
    "fennel",
    "fern",
    "forest",
    "fossil",
    "garnet",
    "ginger",
    "glacier",
    "granite",
    "harbor",
    "hazel",
    "heron",
    "hickory",
    "honey",
    "island",
    "ivory",
    "jasper",
    "juniper",
    "kettle",
    "lantern",
    "lemon",
    "lilac",
    "lotus",
    "maple",
    "marble",
    "meadow",
    "mango",
    "mercury",
    "midnight",
    "monsoon",
    "moss",
    "nectar",
    "nutmeg",
    "olive",
    "onyx",
    "orchid",
    "otter",
    "panda",
    "pebble",
    "pepper",
    "pine",
    "planet",
    "plum",
    "poppy",
    "quartz",
    "rabbit",
    "raven",
    "river",
    "robin",
    "saffron",
    "sage",
    "salmon",
    "sapphire",
    "shadow",
    "silver",
    "sparrow",
    "spruce",
    "summer",
    "sunset",
    "thistle",
    "thunder",
    "tiger",
    "timber",
    "topaz",
    "tulip",
    "velvet",
    "violet",
    "walnut",
    "willow",
    "winter",
    "yarrow",
    "zephyr",
]

Gen = Callable[[str, dict[str, str]], str]


def _bytes(seed: str, n: int) -> bytes:
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"{seed}#{i}".encode()).digest()
        i += 1
    return out[:n]


def _draw(seed: str, alphabet: str, n: int) -> str:
    """`n` characters of `alphabet`, unbiased, from the SHA-256 stream of `seed`."""
    limit = 256 - 256 % len(alphabet)
    out: list[str] = []
    i = 0
    while len(out) < n:
        for b in hashlib.sha256(f"{seed}@{i}".encode()).digest():
            if b < limit:
                out.append(alphabet[b % len(alphabet)])
                if len(out) == n:
                    break
        i += 1
    return "".join(out)


def _num(seed: str, lo: int, hi: int) -> int:
    return lo + int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big") % (hi - lo + 1)


def s(n: int, alphabet: str = _ALNUM, pre: str = "", post: str = "") -> Gen:
    return lambda seed, v: pre + _draw(seed, alphabet, n) + post


def hx(n: int, pre: str = "", post: str = "") -> Gen:
    return s(n, _HEX, pre, post)


def dg(n: int, pre: str = "", post: str = "") -> Gen:
    return lambda seed, v: pre + str(_num(seed + "lead", 1, 9)) + _draw(seed, string.digits, n - 1) + post


def b64(nbytes: int, pre: str = "") -> Gen:
    return lambda seed, v: pre + base64.b64encode(_bytes(seed, nbytes)).decode()


def b64u(nbytes: int, pre: str = "") -> Gen:
    return lambda seed, v: pre + base64.urlsafe_b64encode(_bytes(seed, nbytes)).decode().rstrip("=")


def uuid() -> Gen:
    def g(seed: str, v: dict[str, str]) -> str:
        h = _draw(seed, _HEX, 32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    return g


def groups(n: int, size: int, alphabet: str, sep: str = "-", pre: str = "") -> Gen:
    def g(seed: str, v: dict[str, str]) -> str:
        raw = _draw(seed, alphabet, n * size)
        return pre + sep.join(raw[i * size : (i + 1) * size] for i in range(n))

    return g


def human() -> Gen:
    """A password a person would pick: words, years, a symbol, some leetspeak."""

    def g(seed: str, v: dict[str, str]) -> str:
        w = [_WORDS[_num(f"{seed}w{i}", 0, len(_WORDS) - 1)] for i in range(3)]
        year = str(_num(seed + "y", 1971, 2025))
        sym = "!@#$%&*?"[_num(seed + "s", 0, 7)]
        two = str(_num(seed + "d", 10, 99))
        style = _num(seed + "style", 0, 6)
        if style == 0:
            return w[0].capitalize() + w[1].capitalize() + year + sym
        if style == 1:
            return f"{w[0]}.{w[1]}{two}"
        if style == 2:
            leet = str.maketrans({"a": "@", "o": "0", "e": "3", "i": "1"})
            return w[0].capitalize().translate(leet) + w[1].translate(leet) + year + sym
        if style == 3:
            return "ilove" + w[0] + year
        if style == 4:
            return w[0].capitalize() + sym + str(_num(seed + "p", 1000, 9999)) + w[1].capitalize()
        if style == 5:
            return w[0].capitalize() + "_" + w[1] + "_" + two + sym
        return w[0].upper()[:1] + w[0][1:] + year[2:] + w[1] + sym

    return g


def phrase(k: int, sep: str = " ", cap: bool = False) -> Gen:
    def g(seed: str, v: dict[str, str]) -> str:
        words = [_WORDS[_num(f"{seed}p{i}", 0, len(_WORDS) - 1)] for i in range(k)]
        if cap:
            words = [w.capitalize() for w in words]
        return sep.join(words)

    return g


def rpw(n: int, syms: str = _SYMS) -> Gen:
    """A random password with at least one symbol, digit, upper and lower letter."""

    def g(seed: str, v: dict[str, str]) -> str:
        body = _draw(seed, _ALNUM + syms * 2, n - 4)
        extra = _draw(seed + "x", syms, 1) + _draw(seed + "d", string.digits, 1)
        extra += _draw(seed + "u", string.ascii_uppercase, 1) + _draw(seed + "l", string.ascii_lowercase, 1)
        cut = _num(seed + "cut", 1, len(body) - 1)
        return body[:cut] + extra + body[cut:]

    return g


def jwt(claims: dict[str, object], alg: str = "HS256") -> Gen:
    def enc(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")

    def g(seed: str, v: dict[str, str]) -> str:
        body = dict(claims)
        body.setdefault("iat", 1760000000 + _num(seed + "iat", 0, 9_999_999))
        body.setdefault("jti", _draw(seed + "jti", _HEX, 16))
        sig = base64.urlsafe_b64encode(_bytes(seed + "sig", 64 if alg.startswith("RS") else 32))
        return enc({"alg": alg, "typ": "JWT"}) + "." + enc(body) + "." + sig.decode().rstrip("=")

    return g


def derived(fn: Callable[[dict[str, str]], str]) -> Gen:
    return lambda seed, v: fn(v)


def seed_words(n: int) -> Gen:
    return lambda seed, v: mnemonic(seed, n)


def wif_key(compressed: bool = True) -> Gen:
    return lambda seed, v: wif(seed, compressed)


def _b64_of(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _pem_lines(seed: str, nbytes: int, width: int = 64, head: bytes = b"") -> list[str]:
    body = base64.b64encode(head + _bytes(seed, nbytes)).decode()
    return [body[i : i + width] for i in range(0, len(body), width)]


# --------------------------------------------------------------------------------------------------
# Building planted lines: `@@name@@` in the template is replaced by the generated value `name`;
# every generated value whose name does not start with "_" is a secret.
# --------------------------------------------------------------------------------------------------

_ALL: dict[str, list[Planted]] = {}
_KINDS: set[str] = set()


def _fill(template: str, values: dict[str, str]) -> str:
    return re.sub(r"@@(\w+)@@", lambda m: values[m.group(1)], template)


def P(family: str, kind: str, template: str, file_template: str = "", extra: tuple[str, ...] = (), **gens: Gen) -> None:
    assert kind not in _KINDS, kind
    _KINDS.add(kind)
    root = hashlib.sha256(kind.encode()).hexdigest()
    values: dict[str, str] = {}
    for name, gen in gens.items():
        values[name] = gen(f"{root}/{name}", values)
    line = _fill(template, values)
    file_line = _fill(file_template, values) if file_template else ""
    secrets = tuple(v for k, v in values.items() if not k.startswith("_")) + extra
    assert secrets, kind
    for secret in secrets:
        assert len(secret) >= 4, (kind, secret)
        assert secret in (file_line or line), (kind, secret)
    _ALL.setdefault(family, []).append(Planted(kind, line, secrets, file_line))


def P2(family: str, kind: str, line: str, secrets: tuple[str, ...], file_line: str = "") -> None:
    """A planted line built by hand (for values that need more than one generator)."""
    assert kind not in _KINDS, kind
    _KINDS.add(kind)
    for secret in secrets:
        assert len(secret) >= 4, (kind, secret)
        assert secret in (file_line or line), (kind, secret)
    _ALL.setdefault(family, []).append(Planted(kind, line, secrets, file_line))


def _k(kind: str, name: str = "v") -> str:
    return hashlib.sha256(kind.encode()).hexdigest() + "/" + name


_RSA_HEAD = bytes.fromhex("308204a40201000282010100")
_PKCS8_HEAD = bytes.fromhex("308204be020100300d06092a864886f70d0101010500048204a8")
_PNG_HEAD = b"\x89PNG\r\n\x1a\n"

# Prefixes, cut so that no line of this file reads as a token.
GHP, GHO, GHPAT = "gh" + "p_", "gh" + "o_", "github" + "_pat_"
GLPAT, GLRT = "gl" + "pat-", "gl" + "rt-"
XOXB, XOXP, XAPP = "xo" + "xb-", "xo" + "xp-", "xa" + "pp-"
SKLIVE, RKLIVE, WHSEC = "sk" + "_live_", "rk" + "_live_", "wh" + "sec_"
OPENAI_MARK = "T3Blbk" + "FJ"
AKIA, ASIA, AIZA = "AK" + "IA", "AS" + "IA", "AI" + "za"
SG, NPM, PYPI = "S" + "G.", "np" + "m_", "py" + "pi-" + "AgEIcHlwaS5vcmc"
DCKR, HVS, HF = "dckr" + "_pat_", "hv" + "s.", "h" + "f_"
SHPAT, GLSA, ATATT = "shp" + "at_", "gl" + "sa_", "ATAT" + "T3xFfGF0"
DOP, SQU, AKCP = "dop" + "_v1_", "sq" + "u_", "AK" + "Cp"
LIN, PMAK, SNTRYS = "lin" + "_api_", "PM" + "AK-", "sntr" + "ys_"
YA29, NRAK = "ya" + "29.", "NR" + "AK-"
AGE = "AGE-SECRET" + "-KEY-1"
EYJ = "ey" + "J"

# ==================================================================================================
# Family 1: vendor and self-hosted service tokens in varied contexts
# ==================================================================================================
F = "vendor_tokens"

P(
    F,
    "github-fine-grained-pat-remote-url",
    "$ git remote set-url origin https://x-access-token:@@t@@@github.com/acme/billing-api.git\n$ git push -u origin fix/retry",
    t=derived(lambda v: GHPAT + _draw(_k("gfgp", "a"), _ALNUM, 22) + "_" + _draw(_k("gfgp", "b"), _ALNUM, 59)),
)
P(
    F,
    "github-classic-pat-in-actions-step",
    "      - name: checkout private submodule\n        run: git clone https://@@t@@@github.com/acme/protos.git vendor/protos",
    t=s(36, pre=GHP),
)
P(
    F,
    "gitlab-pat-private-token-header",
    'curl --silent --header "PRIVATE-TOKEN: @@t@@" "https://gitlab.example.org/api/v4/projects?membership=true" | jq \'.[].path\'',
    t=s(20, _B64U, pre=GLPAT),
)
P(
    F,
    "gitlab-runner-token-config-toml",
    '[[runners]]\n  name = "build-03"\n  url = "https://gitlab.internal.lan/"\n  token = "@@t@@"\n  executor = "docker"',
    t=s(20, _B64U, pre=GLRT + "t1_"),
)
P(
    F,
    "slack-bot-token-python-client",
    'from slack_sdk import WebClient\nclient = WebClient(token="@@t@@")\nclient.chat_postMessage(channel="#deploys", text="done")',
    t=derived(
        lambda v: (
            XOXB
            + _draw(_k("sb", "a"), string.digits, 12)
            + "-"
            + _draw(_k("sb", "b"), string.digits, 13)
            + "-"
            + _draw(_k("sb", "c"), _ALNUM, 24)
        )
    ),
)
P(
    F,
    "slack-webhook-in-workflow-env",
    "    env:\n      SLACK_WEBHOOK_URL: https://hooks.slack.com/services/T@@_a@@/B@@_b@@/@@t@@",
    _a=s(10, _UPNUM),
    _b=s(10, _UPNUM),
    t=s(24, _ALNUM),
)
P(
    F,
    "slack-app-level-token-socket-mode",
    "SLACK_APP_TOKEN=@@t@@ python -m bolt_app --socket-mode",
    t=derived(
        lambda v: (
            XAPP
            + "1-A"
            + _draw(_k("sa", "a"), _UPNUM, 10)
            + "-"
            + _draw(_k("sa", "b"), string.digits, 13)
            + "-"
            + _draw(_k("sa", "c"), _HEX, 64)
        )
    ),
)
P(
    F,
    "stripe-restricted-key-dotenv",
    "# payments\nSTRIPE_PUBLISHABLE_KEY=pk_live_51Nx\nSTRIPE_RESTRICTED_KEY=@@t@@\n",
    t=s(99, _ALNUM, pre=RKLIVE + "51"),
)
P(
    F,
    "stripe-webhook-secret-node",
    "const event = stripe.webhooks.constructEvent(req.body, req.headers['stripe-signature'], '@@t@@');",
    t=s(32, _ALNUM, pre=WHSEC),
)
P(
    F,
    "stripe-secret-key-curl-user",
    "curl https://api.stripe.com/v1/charges -u @@t@@: -d amount=2000 -d currency=eur",
    t=s(99, _ALNUM, pre=SKLIVE + "51"),
)
P(
    F,
    "openai-project-key-export",
    "export OPENAI_API_KEY=@@t@@\npython scripts/eval.py --model gpt-4.1 --n 50",
    t=derived(
        lambda v: "sk-" + "proj-" + _draw(_k("oa", "a"), _B64U, 74) + OPENAI_MARK + _draw(_k("oa", "b"), _B64U, 74)
    ),
)
P(
    F,
    "anthropic-key-inline-env-uv-run",
    'ANTHROPIC_API_KEY="@@t@@" uv run agent.py --task "summarise failing tests"',
    t=derived(lambda v: "sk-" + "ant-api03-" + _draw(_k("an", "a"), _B64U, 93) + "AA"),
)
P(
    F,
    "aws-keypair-inline-shell",
    "AWS_ACCESS_KEY_ID=@@id@@ AWS_SECRET_ACCESS_KEY=@@sk@@ aws s3 ls s3://acme-backups/ --region eu-central-1",
    id=s(16, _UPNUM, pre=AKIA),
    sk=s(40, _B64),
)
P(
    F,
    "google-api-key-in-url",
    "GET https://maps.googleapis.com/maps/api/geocode/json?address=Alexanderplatz+Berlin&key=@@t@@ 200 OK (143ms)",
    t=s(35, _B64U, pre=AIZA),
)
P(
    F,
    "twilio-auth-token-positional",
    'client = Client("AC@@_sid@@", "@@t@@")\nmessage = client.messages.create(to="+4915112345678", from_="+15005550006", body="hi")',
    _sid=hx(32),
    t=hx(32),
)
P(
    F,
    "sendgrid-key-http-request-log",
    "> POST /v3/mail/send HTTP/2\n> Host: api.sendgrid.com\n> Authorization: Bearer @@t@@\n> Content-Type: application/json",
    t=derived(lambda v: SG + _draw(_k("sg", "a"), _B64U, 22) + "." + _draw(_k("sg", "b"), _B64U, 43)),
)
P(
    F,
    "npm-token-config-set",
    "$ npm config set //registry.npmjs.org/:_authToken @@t@@\n$ npm publish --access public",
    t=s(36, _ALNUM, pre=NPM),
)
P(
    F,
    "pypi-token-twine-password",
    "twine upload --repository pypi -u __token__ -p @@t@@ dist/*",
    t=s(140, _B64U, pre=PYPI),
)
P(
    F,
    "dockerhub-pat-password-stdin",
    "echo @@t@@ | docker login -u acmebot --password-stdin\nLogin Succeeded",
    t=s(27, _B64U, pre=DCKR),
)
P(
    F,
    "vault-service-token-env",
    "$ export VAULT_ADDR=https://vault.service.consul:8200 VAULT_TOKEN=@@t@@\n$ vault kv get secret/ci",
    t=s(91, _B64U, pre=HVS + "CAESI"),
)
P(
    F,
    "terraform-cloud-token-terraformrc",
    'credentials "app.terraform.io" {\n  token = "@@t@@"\n}',
    t=derived(lambda v: _draw(_k("tfc", "a"), _ALNUM, 14) + ".atlasv1." + _draw(_k("tfc", "b"), _ALNUM, 67)),
)
P(
    F,
    "huggingface-token-cli-login",
    "$ huggingface-cli login --token @@t@@ --add-to-git-credential\nToken is valid (permission: write).",
    t=s(34, string.ascii_letters, pre=HF),
)
P(F, "shopify-admin-token-header", "X-Shopify-Access-Token: @@t@@", t=hx(32, pre=SHPAT))
P(
    F,
    "datadog-keys-helm-set",
    "helm upgrade --install datadog datadog/datadog --set datadog.apiKey=@@api@@ --set datadog.appKey=@@app@@ -n monitoring",
    api=hx(32),
    app=hx(40),
)
P(
    F,
    "newrelic-license-and-user-key",
    "NEW_RELIC_LICENSE_KEY=@@lic@@\nNEW_RELIC_API_KEY=@@user@@",
    lic=hx(36, post="NRAL"),
    user=s(27, _UPNUM, pre=NRAK),
)
P(
    F,
    "grafana-service-account-token-provider",
    'provider "grafana" {\n  url  = "https://grafana.acme.io"\n  auth = "@@t@@"\n}',
    t=derived(lambda v: GLSA + _draw(_k("gf", "a"), _ALNUM, 32) + "_" + _draw(_k("gf", "b"), _HEX, 8)),
)
P(
    F,
    "atlassian-token-curl-basic",
    "curl -u ops@acme.io:@@t@@ -H 'Accept: application/json' https://acme.atlassian.net/rest/api/3/myself",
    t=derived(lambda v: ATATT + _draw(_k("at", "a"), _B64U, 171) + "=" + _draw(_k("at", "b"), _UPNUM, 8)),
)
P(
    F,
    "telegram-bot-token-url",
    'requests.post(f"https://api.telegram.org/bot@@t@@/sendMessage", json={"chat_id": chat, "text": msg})',
    t=derived(lambda v: str(_num(_k("tg"), 1_000_000_000, 7_999_999_999)) + ":AA" + _draw(_k("tg", "b"), _B64U, 33)),
)
P(
    F,
    "discord-bot-token-client-run",
    "bot = commands.Bot(command_prefix='!', intents=intents)\nbot.run('@@t@@')",
    t=derived(
        lambda v: (
            base64.b64encode(str(_num(_k("dc"), 10**17, 10**18 - 1)).encode()).decode().rstrip("=")
            + "."
            + _draw(_k("dc", "b"), _B64U, 6)
            + "."
            + _draw(_k("dc", "c"), _B64U, 38)
        )
    ),
)
P(
    F,
    "digitalocean-doctl-auth-init",
    "$ doctl auth init --context prod -t @@t@@\nValidating token... OK",
    t=hx(64, pre=DOP),
)
P(F, "gitea-token-tea-login", "tea login add --name home --url https://git.home.lan --token @@t@@", t=hx(40))
P(
    F,
    "sonarqube-token-maven-property",
    "mvn -B verify sonar:sonar -Dsonar.host.url=https://sonar.corp.lan -Dsonar.token=@@t@@",
    t=hx(40, pre=SQU),
)
P(
    F,
    "jenkins-api-token-remote-build",
    'curl -X POST "https://jenkins.corp.lan/job/deploy-prod/buildWithParameters?TAG=v2.4.1" --user deployer:@@t@@',
    t=hx(32, pre="11"),
)
P(
    F,
    "artifactory-api-key-header",
    'curl -H "X-JFrog-Art-Api: @@t@@" -T build/app.tar.gz "https://acme.jfrog.io/artifactory/generic-local/app/"',
    t=s(69, _ALNUM, pre=AKCP),
)
P(
    F,
    "keycloak-client-secret-compose",
    "  oauth2-proxy:\n    environment:\n      OAUTH2_PROXY_CLIENT_ID: grafana\n      OAUTH2_PROXY_CLIENT_SECRET: @@t@@\n      OAUTH2_PROXY_COOKIE_SECRET: @@c@@",
    t=s(32),
    c=b64u(32),
)
P(
    F,
    "rancher-bearer-token-env",
    "CATTLE_ACCESS_KEY=token-@@_a@@ CATTLE_SECRET_KEY=@@t@@ rancher login https://rancher.lan",
    _a=s(5, _LOWNUM),
    t=s(54, _LOWNUM),
)
P(
    F,
    "mattermost-access-token-mmctl",
    "mmctl auth login https://chat.team.lan --name team --username admin --access-token @@t@@",
    t=s(26, _LOWNUM),
)
P(
    F,
    "linear-api-key-graphql",
    'curl https://api.linear.app/graphql -H "Authorization: @@t@@" -d \'{"query":"{ viewer { id } }"}\'',
    t=s(40, _ALNUM, pre=LIN),
)
P(
    F,
    "supabase-service-role-js",
    "const supabase = createClient('https://xyzcompany.supabase.co', '@@t@@')",
    t=jwt({"iss": "supabase", "ref": "xyzcompany", "role": "service_role", "exp": 2070000000}),
)
P(F, "cloudflare-token-wrangler", "CLOUDFLARE_API_TOKEN=@@t@@ npx wrangler deploy --env production", t=s(40, _B64U))
P(
    F,
    "postman-api-key-newman",
    "newman run https://api.getpostman.com/collections/1234?apikey=@@t@@ -e staging.json",
    t=derived(lambda v: PMAK + _draw(_k("pm", "a"), _HEX, 24) + "-" + _draw(_k("pm", "b"), _HEX, 34)),
)
P(
    F,
    "sentry-auth-token-sentryclirc",
    "[auth]\ntoken=@@t@@\n[defaults]\norg=acme\nproject=web",
    t=derived(
        lambda v: (
            SNTRYS
            + _b64_of('{"iat":1761000000.0,"url":"https://sentry.io","org":"acme"}').rstrip("=")
            + "_"
            + _draw(_k("se"), _B64, 43)
        )
    ),
)

# ==================================================================================================
# Family 2: credentials in CLI and API output
# ==================================================================================================
F = "cli_output"

P(
    F,
    "aws-iam-create-access-key-json",
    '$ aws iam create-access-key --user-name ci-deployer\n{\n    "AccessKey": {\n        "UserName": "ci-deployer",\n        "AccessKeyId": "@@id@@",\n        "Status": "Active",\n        "SecretAccessKey": "@@sk@@",\n        "CreateDate": "2026-11-20T09:14:02+00:00"\n    }\n}',
    id=s(16, _UPNUM, pre=AKIA),
    sk=s(40, _B64),
)
P(
    F,
    "aws-sts-assume-role-json",
    '{\n    "Credentials": {\n        "AccessKeyId": "@@id@@",\n        "SecretAccessKey": "@@sk@@",\n        "SessionToken": "@@st@@",\n        "Expiration": "2026-11-26T12:00:00Z"\n    }\n}',
    id=s(16, _UPNUM, pre=ASIA),
    sk=s(40, _B64),
    st=b64(300, pre="IQoJb3JpZ2luX2Vj"),
)
P(F, "gh-auth-token-stdout", "$ gh auth token\n@@t@@\n$ ", t=s(36, pre=GHO))
P(
    F,
    "gh-auth-status-show-token",
    "github.com\n  ✓ Logged in to github.com account octodev (keyring)\n  - Active account: true\n  - Git operations protocol: https\n  - Token: @@t@@\n  - Token scopes: 'gist', 'read:org', 'repo', 'workflow'",
    t=s(36, pre=GHO),
)
P(
    F,
    "kubectl-get-secret-yaml-data",
    "$ kubectl get secret db-credentials -o yaml\napiVersion: v1\ndata:\n  password: @@b@@\n  username: YXBw\nkind: Secret\nmetadata:\n  name: db-credentials\ntype: Opaque",
    _pw=rpw(20),
    b=derived(lambda v: _b64_of(v["_pw"])),
)
P(
    F,
    "kubectl-jsonpath-base64-decoded",
    "$ kubectl -n data get secret pg-superuser -o jsonpath='{.data.password}' | base64 -d\n@@pw@@$ ",
    pw=rpw(24),
)
P(
    F,
    "vault-token-create-table",
    '$ vault token create -policy=ci -ttl=24h\nKey                  Value\n---                  -----\ntoken                @@t@@\ntoken_accessor       @@_acc@@\ntoken_duration       24h\ntoken_renewable      true\ntoken_policies       ["ci" "default"]',
    t=s(91, _B64U, pre=HVS + "CAESI"),
    _acc=s(24),
)
P(
    F,
    "vault-kv-get-table",
    "====== Data ======\nKey         Value\n---         -----\npassword    @@pw@@\nusername    billing_rw",
    pw=rpw(22),
)
P(
    F,
    "az-sp-create-for-rbac-json",
    '$ az ad sp create-for-rbac --name gh-deployer --role contributor --scopes /subscriptions/@@_sub@@\n{\n  "appId": "@@_app@@",\n  "displayName": "gh-deployer",\n  "password": "@@pw@@",\n  "tenant": "@@_ten@@"\n}',
    _sub=uuid(),
    _app=uuid(),
    _ten=uuid(),
    pw=derived(lambda v: _draw(_k("az", "a"), _ALNUM, 3) + "8Q~" + _draw(_k("az", "b"), _ALNUM + "_~.-", 34)),
)
P(F, "gcloud-print-access-token", "$ gcloud auth print-access-token\n@@t@@", t=s(214, _B64U, pre=YA29 + "a0AfB_by"))
P(
    F,
    "npm-token-create-table",
    "$ npm token create --read-only\n┌────────────────┬──────────────────────────────────────────┐\n│ token          │ @@t@@ │\n├────────────────┼──────────────────────────────────────────┤\n│ readonly       │ true                                     │\n│ created        │ 2026-11-26T08:41:10.112Z                 │\n└────────────────┴──────────────────────────────────────────┘",
    t=s(36, _ALNUM, pre=NPM),
)
P(
    F,
    "consul-acl-token-create",
    "$ consul acl token create -description 'agent token' -policy-name agent\nAccessorID:       @@_acc@@\nSecretID:         @@t@@\nDescription:      agent token\nLocal:            false",
    _acc=uuid(),
    t=uuid(),
)
P(
    F,
    "kubeadm-print-join-command",
    "$ kubeadm token create --print-join-command\nkubeadm join 10.20.0.10:6443 --token @@t@@ --discovery-token-ca-cert-hash sha256:@@_ca@@",
    t=derived(lambda v: _draw(_k("kadm", "a"), _LOWNUM, 6) + "." + _draw(_k("kadm", "b"), _LOWNUM, 16)),
    _ca=hx(64),
)
P(
    F,
    "jenkins-initial-admin-password-cat",
    "$ docker exec jenkins cat /var/jenkins_home/secrets/initialAdminPassword\n@@pw@@",
    pw=hx(32),
)
P(
    F,
    "mysql-temporary-root-password-log",
    "2026-11-26T10:02:11.501318Z 6 [Note] [MY-010454] [Server] A temporary password is generated for root@localhost: @@pw@@",
    pw=rpw(12, ";:#%,<>&_!"),
)
P(
    F,
    "elasticsearch-reset-password-output",
    "$ bin/elasticsearch-reset-password -u elastic\nThis tool will reset the password of the [elastic] user to an autogenerated value.\nThe password will be printed in the console.\nPlease confirm that you would like to continue [y/N]y\n\n\nPassword for the [elastic] user successfully reset.\nNew value: @@pw@@",
    pw=s(20, _ALNUM + "*_=+-"),
)
P(
    F,
    "gitlab-initial-root-password-file",
    "$ sudo cat /etc/gitlab/initial_root_password\n# WARNING: This value is valid only in the following conditions\n#          1. If provided manually (either via `GITLAB_ROOT_PASSWORD` environment variable or via `gitlab_rails['initial_root_password']` setting in `gitlab.rb`, it was provided before database was seeded for the first time (usually, the first reconfigure run).\n\nPassword: @@pw@@\n\n# NOTE: This file will be automatically deleted in the first reconfigure run after 24 hours.",
    pw=b64(32),
)
P(
    F,
    "argocd-initial-admin-secret-decoded",
    "$ argocd admin initial-password -n argocd\n@@pw@@\n\n This password must be only used for first time login. We strongly recommend you update the password using `argocd account update-password`.",
    pw=s(16, _B64U),
)
P(
    F,
    "terraform-output-json-sensitive",
    '$ terraform output -json\n{\n  "db_endpoint": {"sensitive": false, "type": "string", "value": "prod-db.c9x.eu-west-1.rds.amazonaws.com"},\n  "db_password": {"sensitive": true, "type": "string", "value": "@@pw@@"}\n}',
    pw=rpw(28),
)
P(
    F,
    "influx-auth-create-table",
    "$ influx auth create --org acme --all-access\nID\t\t\tDescription\tToken\t\t\t\t\t\t\t\t\t\t\t\tUser Name\tUser ID\t\t\tPermissions\n0c1e2d3f4a5b6c70\t\t\t@@t@@\tadmin\t\t0b9f8e7d6c5b4a30\t[read:orgs/...]",
    t=b64(64),
)
P(
    F,
    "docker-inspect-env-array",
    '$ docker inspect pg --format \'{{json .Config.Env}}\'\n["POSTGRES_USER=app","POSTGRES_PASSWORD=@@pw@@","PGDATA=/var/lib/postgresql/data","PATH=/usr/local/bin:/usr/bin"]',
    pw=rpw(18, "!#%^*-_=+.?~"),
)
P(
    F,
    "heroku-config-table",
    "$ heroku config -a acme-web\n=== acme-web Config Vars\nDATABASE_URL:        postgres://u@@_u@@:@@pw@@@ec2-54-1-2-3.eu-west-1.compute.amazonaws.com:5432/d@@_d@@\nRAILS_MASTER_KEY:    @@mk@@\nREDIS_TLS_URL:       rediss://:@@rp@@@ec2-3-4-5-6.compute-1.amazonaws.com:29310",
    _u=s(13, _LOWNUM),
    pw=hx(64),
    _d=s(13, _LOWNUM),
    mk=hx(32),
    rp=hx(64),
)
P(
    F,
    "minio-svcacct-add-output",
    "$ mc admin user svcacct add local ci\nAccess Key: @@ak@@\nSecret Key: @@sk@@\nExpiration: no-expiry",
    ak=s(20, _UPNUM),
    sk=s(40, _ALNUM + "+"),
)
P(
    F,
    "openstack-app-credential-table",
    "+--------------+----------------------------------------------------------------------------------------+\n| Field        | Value                                                                                  |\n+--------------+----------------------------------------------------------------------------------------+\n| id           | @@_id@@                                                       |\n| name         | terraform                                                                              |\n| secret       | @@t@@ |\n| unrestricted | False                                                                                  |\n+--------------+----------------------------------------------------------------------------------------+",
    _id=hx(32),
    t=s(86, _B64U),
)
P(
    F,
    "oauth-token-endpoint-response",
    '$ curl -s -X POST https://auth.acme.io/oauth/token -d grant_type=client_credentials -d client_id=reporting\n{"access_token":"@@at@@","expires_in":3600,"refresh_token":"@@rt@@","scope":"reports:read","token_type":"Bearer"}',
    at=s(40, _ALNUM),
    rt=s(64, _B64U),
)
P(
    F,
    "kubectl-create-token-jwt",
    "$ kubectl -n ci create token deployer --duration=8h\n@@t@@",
    t=jwt(
        {
            "aud": ["https://kubernetes.default.svc"],
            "iss": "https://kubernetes.default.svc",
            "sub": "system:serviceaccount:ci:deployer",
        },
        "RS256",
    ),
)
P(
    F,
    "gitlab-rails-runner-token-print",
    "$ sudo gitlab-rails runner \"t = User.find_by_username('automation').personal_access_tokens.create(scopes: ['api'], name: 'bot', expires_at: 365.days.from_now); puts t.token\"\n@@t@@",
    t=s(20, _B64U, pre=GLPAT),
)
P(
    F,
    "env-grep-output",
    "$ env | grep -iE 'pass|secret|url'\nDB_PASSWORD=@@pw@@\nSESSION_SECRET=@@ss@@\nREDIS_URL=redis://default:@@rp@@@cache.internal:6379/0",
    pw=human(),
    ss=hx(64),
    rp=s(32),
)
P(
    F,
    "fly-tokens-create-deploy",
    "$ fly tokens create deploy -x 720h\nFlyV1 @@t@@",
    t=derived(
        lambda v: (
            "fm2_"
            + base64.b64encode(_bytes(_k("fly"), 240)).decode()
            + ",fm2_"
            + base64.b64encode(_bytes(_k("fly", "b"), 120)).decode()
        )
    ),
)
P(
    F,
    "doppler-secrets-get-plain",
    "$ doppler secrets get STRIPE_SECRET --plain -p billing -c prd\n@@t@@",
    t=s(99, _ALNUM, pre=SKLIVE + "51"),
)
P(
    F,
    "op-item-get-fields-password",
    '$ op item get "Prod Postgres" --vault Infra --fields label=password --reveal\n@@pw@@',
    pw=rpw(32),
)
P(F, "bw-get-password", '$ bw get password smtp.mailrelay.net --session "$BW_SESSION"\n@@pw@@', pw=human())
P(
    F,
    "pass-show-first-line",
    "$ pass show infra/ldap/cn=admin\n@@pw@@\nurl: ldaps://ldap.corp.lan\nuser: cn=admin,dc=corp,dc=lan",
    pw=rpw(26),
)
P(
    F,
    "macos-security-find-generic-password",
    '$ security find-generic-password -wa "HomeWiFi-5G"\n@@pw@@',
    pw=phrase(4, "-"),
)
P(
    F,
    "sops-decrypt-output",
    "$ sops -d secrets/prod.enc.yaml\ndatabase:\n    user: orders\n    password: @@pw@@\nsmtp:\n    password: @@sp@@",
    pw=rpw(24),
    sp=s(16),
)

# ==================================================================================================
# Family 3: configuration files
# ==================================================================================================
F = "config_files"

P(
    F,
    "hocon-akka-persistence",
    'akka.persistence.jdbc {\n  slick.db {\n    url = "jdbc:postgresql://db:5432/events"\n    user = "akka"\n    password = "@@pw@@"\n  }\n}',
    pw=rpw(20, "!#%^*-_=+.?~"),
)
P(
    F,
    "hocon-unquoted-secret",
    'play.http.secret.key = @@t@@\nplay.filters.hosts.allowed = [".acme.io"]',
    t=s(48, _ALNUM),
)
P(
    F,
    "edn-datomic-config",
    '{:db {:uri "datomic:sql://app?jdbc:postgresql://localhost:5432/datomic?user=datomic&password=@@pw@@"}\n :mail {:host "smtp.acme.io" :user "noreply@acme.io" :pass "@@mp@@"}}',
    pw=s(18),
    mp=human(),
)
P(
    F,
    "nix-module-inline-password",
    '  services.nextcloud = {\n    enable = true;\n    hostName = "cloud.home.lan";\n    config.adminpassFile = "${pkgs.writeText "adminpass" "@@pw@@"}";\n  };',
    pw=human(),
)
P(F, "nix-wireless-psk", '  networking.wireless.networks."Kitchen-Mesh".psk = "@@pw@@";', pw=phrase(3, " "))
P(
    F,
    "dhall-record",
    'let db = { host = "pg.internal", port = 5432, user = "reporting", password = "@@pw@@" }\nin  { db, replicas = 2 }',
    pw=rpw(22, "!#%^*-_=+.?~"),
)
P(
    F,
    "cue-values",
    'smtp: {\n\thost:     "smtp.sendgrid.net"\n\tport:     587\n\tusername: "apikey"\n\tpassword: "@@t@@"\n}',
    t=derived(lambda v: SG + _draw(_k("cue", "a"), _B64U, 22) + "." + _draw(_k("cue", "b"), _B64U, 43)),
)
P(
    F,
    "jsonnet-local",
    "local secrets = {\n  grafanaAdmin: '@@pw@@',\n  slackUrl: 'https://hooks.slack.com/services/T01/B02/@@hook@@',\n};\n{ grafana+: { adminPassword: secrets.grafanaAdmin } }",
    pw=human(),
    hook=s(24),
)
P(
    F,
    "java-properties-datasource",
    "spring.datasource.url=jdbc:mysql://mysql.prod:3306/shop?useSSL=true\nspring.datasource.username=shop_app\nspring.datasource.password=@@pw@@\nspring.mail.password=@@mp@@",
    pw=rpw(18),
    mp=s(16, _LOWNUM),
)
P(
    F,
    "macos-plist-string",
    "<key>VPNSharedSecret</key>\n<string>@@pw@@</string>\n<key>AuthPassword</key>\n<string>@@ap@@</string>",
    pw=s(24),
    ap=human(),
)
P(
    F,
    "windows-registry-export",
    'Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon]\n"AutoAdminLogon"="1"\n"DefaultUserName"="kiosk"\n"DefaultPassword"="@@pw@@"',
    pw=human(),
)
P(
    F,
    "crontab-mysqldump",
    "# m h dom mon dow command\n15 3 * * * mysqldump -u backup -p'@@pw@@' --all-databases | gzip > /srv/backup/all-$(date +\\%F).sql.gz",
    pw=rpw(16, "!#^*-_=+.?~"),
)
P(
    F,
    "fstab-cifs-inline",
    "//nas.home.lan/media  /mnt/media  cifs  username=mediauser,password=@@pw@@,uid=1000,gid=1000,iocharset=utf8  0  0",
    pw=s(14),
)
P(
    F,
    "cifs-credentials-file",
    "$ sudo cat /etc/samba/creds-nas\nusername=svc_backup\npassword=@@pw@@\ndomain=CORP",
    pw=human(),
)
P(
    F,
    "pgbouncer-userlist",
    '"app_rw" "@@pw@@"\n"reporting" "md5@@_md5@@"\n"pgbouncer_admin" "@@pw2@@"',
    pw=rpw(20, "!#%^*-_=+.?~"),
    _md5=hx(32),
    pw2=s(18),
)
P(
    F,
    "haproxy-userlist-and-stats",
    "userlist ops\n    user admin insecure-password @@pw@@\n\nlisten stats\n    bind :8404\n    stats enable\n    stats auth admin:@@st@@",
    pw=human(),
    st=s(14),
)
P(
    F,
    "squid-cache-peer-login",
    "cache_peer upstream.proxy.corp parent 3128 0 no-query default login=proxyuser:@@pw@@",
    pw=s(16),
)
P(
    F,
    "postfix-sasl-passwd",
    "[smtp.office365.com]:587 relay@acme.io:@@pw@@\n[email-smtp.eu-west-1.amazonaws.com]:587 @@id@@:@@sk@@",
    pw=human(),
    id=s(16, _UPNUM, pre=AKIA),
    sk=s(44, _B64),
)
P(
    F,
    "dovecot-passwd-file-plain",
    "alice@mail.lan:{PLAIN}@@pw@@:5000:5000::/var/mail/alice\nbob@mail.lan:{SHA512-CRYPT}$6$@@_salt@@$@@_hash@@:5001:5001::/var/mail/bob",
    pw=human(),
    _salt=s(16, _ALNUM + "./"),
    _hash=s(86, _ALNUM + "./"),
)
P(
    F,
    "samba-ldap-admin",
    "[global]\n   workgroup = CORP\n   passdb backend = ldapsam:ldap://ldap.corp.lan\n   ldap admin dn = cn=samba,ou=svc,dc=corp,dc=lan\n   # ldap admin password is stored with smbpasswd -w @@pw@@",
    pw=rpw(18, "!#%^*-_=+.?~"),
)
P(
    F,
    "kerberos-keytab-base64",
    "# keytab for HTTP/web01.corp.lan@CORP.LAN, base64 (ansible var)\nhttp_keytab_b64: @@kt@@",
    kt=derived(
        lambda v: base64.b64encode(
            b"\x05\x02\x00\x00\x00\x47\x00\x02\x00\x08CORP.LAN\x00\x04HTTP\x00\x0fweb01.corp.lan" + _bytes(_k("kt"), 90)
        ).decode()
    ),
)
P(
    F,
    "netrc-machine",
    "machine api.heroku.com\n  login ops@acme.io\n  password @@t@@\nmachine git.heroku.com\n  login ops@acme.io\n  password @@t@@",
    t=uuid(),
)
P(F, "pgpass-line", "db.prod.internal:5432:*:analytics:@@pw@@", pw=rpw(20, "!#%^*-_=+.?~"))
P(F, "my-cnf-client", '[client]\nuser=root\npassword="@@pw@@"\nhost=127.0.0.1', pw=human())
P(
    F,
    "maven-settings-xml",
    "<servers>\n  <server>\n    <id>nexus-releases</id>\n    <username>deployment</username>\n    <password>@@pw@@</password>\n  </server>\n</servers>",
    pw=rpw(20, "!#%^*-_=+.?~"),
)
P(
    F,
    "pip-conf-index-url",
    "[global]\nindex-url = https://pypi-ro:@@pw@@@nexus.corp.lan/repository/pypi/simple\ntimeout = 30",
    pw=s(20),
)
P(F, "wpa-supplicant-psk", 'network={\n    ssid="Loft 2.4"\n    psk="@@pw@@"\n    key_mgmt=WPA-PSK\n}', pw=human())
P(
    F,
    "networkmanager-keyfile",
    "[wifi-security]\nkey-mgmt=wpa-eap\n\n[802-1x]\neap=peap;\nidentity=j.doe@uni.edu\npassword=@@pw@@\nphase2-auth=mschapv2",
    pw=human(),
)
P(
    F,
    "rclone-conf-obscured",
    "[b2]\ntype = b2\naccount = @@_acct@@\nkey = @@key@@\n\n[webdav]\ntype = webdav\nuser = me\npass = @@ob@@",
    _acct=hx(12),
    key=s(31, _ALNUM, pre="K00"),
    ob=b64u(30),
)
P(
    F,
    "laravel-env-app-key",
    "APP_NAME=Shop\nAPP_ENV=production\nAPP_KEY=base64:@@k@@\nDB_PASSWORD=@@pw@@",
    k=b64(32),
    pw=human(),
)
P(
    F,
    "redis-conf-requirepass",
    "bind 0.0.0.0\nprotected-mode yes\nrequirepass @@pw@@\nmasterauth @@pw@@",
    pw=s(32, _HEX),
)
P(
    F,
    "alertmanager-smtp",
    "global:\n  smtp_smarthost: 'smtp.gmail.com:587'\n  smtp_from: 'alerts@acme.io'\n  smtp_auth_username: 'alerts@acme.io'\n  smtp_auth_password: '@@pw@@'",
    pw=groups(4, 4, string.ascii_lowercase, " "),
)
P(
    F,
    "systemd-unit-environment",
    '[Service]\nEnvironment="MINIO_ROOT_USER=admin" "MINIO_ROOT_PASSWORD=@@pw@@"\nExecStart=/usr/local/bin/minio server /data',
    pw=rpw(24, "!#%^*-_=+.?~"),
)
P(
    F,
    "tomcat-users-xml",
    '<tomcat-users>\n  <user username="manager" password="@@pw@@" roles="manager-gui,admin-gui"/>\n</tomcat-users>',
    pw=human(),
)
P(
    F,
    "grafana-ini-security",
    "[security]\nadmin_user = admin\nadmin_password = @@pw@@\nsecret_key = @@sk@@",
    pw=human(),
    sk=s(32),
)
P(F, "openvpn-auth-user-pass", "$ cat /etc/openvpn/client/auth.txt\nvpn.jdoe\n@@pw@@", pw=rpw(14, "!#%^*-_=+.?~"))

# ==================================================================================================
# Family 4: code in many languages
# ==================================================================================================
F = "code"

P(
    F,
    "python-psycopg-connect-kwargs",
    'conn = psycopg2.connect(host="db", dbname="orders", user="orders_app", password="@@pw@@")',
    pw=rpw(20, "!#%^*-_=+.?~"),
)
P(
    F,
    "python-env-fallback-default",
    'API_KEY = os.environ.get("PAYMENTS_API_KEY", "@@t@@")',
    t=s(99, _ALNUM, pre=SKLIVE + "51"),
)
P(
    F,
    "python-django-settings-secret-key",
    "SECRET_KEY = '@@t@@'\nDEBUG = False",
    t=s(50, string.ascii_lowercase + string.digits + "!@#%^&*(-_=+)", pre="django-" + "insecure-"),
)
P(F, "python-requests-auth-tuple", 'r = requests.get(url, auth=("svc-reporting", "@@pw@@"), timeout=10)', pw=human())
P(
    F,
    "python-pytest-fixture",
    '@pytest.fixture\ndef admin_client(client):\n    client.login(username="admin@acme.io", password="@@pw@@")\n    return client',
    pw=human(),
)
P(
    F,
    "typescript-const-config",
    'export const config = {\n  region: "eu-west-1",\n  credentials: { accessKeyId: "@@id@@", secretAccessKey: "@@sk@@" },\n} as const;',
    id=s(16, _UPNUM, pre=AKIA),
    sk=s(40, _B64),
)
P(F, "javascript-process-env-or", "const token = process.env.GITHUB_TOKEN || '@@t@@';", t=s(36, pre=GHP))
P(
    F,
    "go-struct-literal",
    'cfg := mysql.Config{\n\tUser:   "inventory",\n\tPasswd: "@@pw@@",\n\tNet:    "tcp",\n\tAddr:   "10.0.3.7:3306",\n\tDBName: "inventory",\n}',
    pw=rpw(18, "!#%^*-_=+.?~"),
)
P(
    F,
    "go-redis-options",
    'rdb := redis.NewClient(&redis.Options{Addr: "cache:6379", Password: "@@pw@@", DB: 0})',
    pw=s(32),
)
P(
    F,
    "rust-builder-chain",
    'let client = Client::builder()\n    .user_agent("ingest/0.3")\n    .basic_auth("ingest", Some("@@pw@@"))\n    .build()?;',
    pw=human(),
)
P(F, "rust-const", 'const WEBHOOK_SECRET: &str = "@@t@@";', t=s(32, _ALNUM, pre=WHSEC))
P(
    F,
    "java-datasource-builder",
    'DataSource ds = DataSourceBuilder.create()\n    .url("jdbc:postgresql://pg:5432/crm")\n    .username("crm")\n    .password("@@pw@@")\n    .build();',
    pw=rpw(16, "!#%^*-_=+.?~"),
)
P(
    F,
    "java-jdbc-positional",
    'Connection c = DriverManager.getConnection("jdbc:oracle:thin:@//ora:1521/ORCL", "HR", "@@pw@@");',
    pw=human(),
)
P(F, "kotlin-map-of", 'val headers = mapOf("X-Api-Key" to "@@t@@", "Accept" to "application/json")', t=hx(40))
P(
    F,
    "csharp-connection-string",
    'var cs = "Server=tcp:acme.database.windows.net,1433;Initial Catalog=crm;User ID=crm_app;Password=@@pw@@;Encrypt=True;";',
    pw=rpw(20, "!#%^*-_=+.?~"),
)
P(
    F,
    "csharp-network-credential",
    'smtp.Credentials = new NetworkCredential("noreply@acme.io", "@@pw@@");',
    pw=groups(4, 4, string.ascii_lowercase, ""),
)
P(
    F,
    "ruby-hash-symbol-keys",
    "Stripe.api_key = '@@t@@'\nredis = Redis.new(host: 'cache', password: '@@pw@@')",
    t=s(99, _ALNUM, pre=SKLIVE + "51"),
    pw=s(24),
)
P(F, "php-pdo-positional", "$pdo = new PDO('mysql:host=localhost;dbname=wp', 'wp_user', '@@pw@@');", pw=human())
P(
    F,
    "php-define-constants",
    "define( 'DB_PASSWORD', '@@pw@@' );\ndefine( 'AUTH_KEY',         '@@ak@@' );",
    pw=rpw(16, "!#%^*-_=+.?~"),
    ak=s(64, _ALNUM + "!@#%^*()-_[]{}<>~+=,.;:/?|"),
)
P(
    F,
    "swift-keychain-fallback",
    'let apiKey = Bundle.main.object(forInfoDictionaryKey: "API_KEY") as? String ?? "@@t@@"',
    t=s(35, _B64U, pre=AIZA),
)
P(
    F,
    "scala-case-class",
    'val kafka = KafkaAuth(user = "orders-producer", password = "@@pw@@", mechanism = "SCRAM-SHA-512")',
    pw=s(28),
)
P(
    F,
    "elixir-runtime-config",
    'config :app, App.Repo,\n  username: "postgres",\n  password: System.get_env("DB_PASS") || "@@pw@@",\n  hostname: "localhost"',
    pw=human(),
)
P(
    F,
    "haskell-record",
    'defaultConn = ConnectInfo { connectHost = "db", connectPort = 5432, connectUser = "hs", connectPassword = "@@pw@@", connectDatabase = "hs" }',
    pw=rpw(18, "!#%^*-_=+.?~"),
)
P(F, "lua-nginx-table", 'local red = redis:new()\nlocal ok, err = red:auth("@@pw@@")', pw=s(20))
P(
    F,
    "perl-dbi-connect",
    'my $dbh = DBI->connect("dbi:Pg:dbname=ledger;host=pg", "ledger", "@@pw@@", { RaiseError => 1 });',
    pw=human(),
)
P(
    F,
    "r-dbconnect",
    'con <- dbConnect(RPostgres::Postgres(), dbname = "stats", user = "analyst", password = "@@pw@@")',
    pw=human(),
)
P(F, "julia-named-tuple", 'conn = LibPQ.Connection("host=pg dbname=sim user=julia password=@@pw@@")', pw=s(16))
P(
    F,
    "dart-const",
    "const String mapboxToken = '@@t@@';",
    t=derived(lambda v: "sk." + EYJ + _draw(_k("mb", "a"), _B64U, 60) + "." + _draw(_k("mb", "b"), _B64U, 22)),
)
P(
    F,
    "c-define-macro",
    '#define MQTT_USER "sensor-17"\n#define MQTT_PASS "@@pw@@"\n#define WIFI_PSK "@@psk@@"',
    pw=s(16),
    psk=human(),
)
P(F, "cpp-std-string-init", 'const std::string kSigningKey{"@@t@@"};', t=hx(64))
P(
    F,
    "sql-create-user",
    "CREATE USER 'grafana'@'%' IDENTIFIED BY '@@pw@@';\nGRANT SELECT ON metrics.* TO 'grafana'@'%';",
    pw=human(),
)
P(
    F,
    "sql-alter-role-password",
    "ALTER ROLE replicator WITH REPLICATION LOGIN PASSWORD '@@pw@@';",
    pw=rpw(22, "!#%^*-_=+.?~"),
)
P(
    F,
    "sql-insert-api-key-seed",
    "INSERT INTO api_keys (owner_id, label, key) VALUES (1, 'ci', '@@t@@');",
    t=s(48, _ALNUM, pre="ak_live_"),
)
P(
    F,
    "terraform-hcl-provider",
    'provider "postgresql" {\n  host     = "db.internal"\n  username = "terraform"\n  password = "@@pw@@"\n  sslmode  = "require"\n}',
    pw=rpw(24, "!#%^*-_=+.?~"),
)
P(F, "clojure-def", '(def db-spec {:dbtype "postgresql" :dbname "app" :user "app" :password "@@pw@@"})', pw=human())
P(
    F,
    "groovy-jenkinsfile-env",
    "pipeline {\n  environment {\n    NEXUS_PASSWORD = '@@pw@@'\n  }\n}",
    pw=rpw(16, "!#%^*-_=+.?~"),
)
P(F, "fsharp-let-binding", 'let connStr = "Host=pg;Username=fs;Password=@@pw@@;Database=fs"', pw=s(20))
P(F, "ocaml-let", 'let api_token = "@@t@@"', t=s(36, pre=GHP))
P(F, "vbnet-dim", 'Dim cred As New NetworkCredential("svc_sharepoint", "@@pw@@", "CORP")', pw=human())

# ==================================================================================================
# Family 5: passwords given to programs, shells and devices
# ==================================================================================================
F = "passwords_to_programs"

P(
    F,
    "mysql-p-attached-quoted",
    "$ mysql -h 127.0.0.1 -u root -p'@@pw@@' -e 'SHOW DATABASES;'",
    pw=rpw(16, "!#%^*-_=+.?~"),
)
P(F, "psql-pgpassword-prefix", "$ PGPASSWORD=@@pw@@ psql -h db.prod -U migrator -d orders -c '\\dt'", pw=s(22))
P(F, "sshpass-p", "sshpass -p '@@pw@@' ssh -o StrictHostKeyChecking=no pi@192.168.1.44 'sudo reboot'", pw=human())
P(
    F,
    "windows-net-use",
    "C:\\> net use Z: \\\\fileserver\\finance /user:CORP\\j.smith @@pw@@ /persistent:yes\nThe command completed successfully.",
    pw=human(),
)
P(
    F,
    "windows-net-user-add",
    "C:\\Windows\\system32> net user backupsvc @@pw@@ /add /expires:never",
    pw=rpw(14, "!#%^*-_=+.?~"),
)
P(F, "cmdkey-add-pass", "cmdkey /add:TERMSRV/rdp01.corp.lan /user:CORP\\admin /pass:@@pw@@", pw=human())
P(
    F,
    "powershell-securestring-plaintext",
    "PS> $pw = ConvertTo-SecureString '@@pw@@' -AsPlainText -Force\nPS> $cred = New-Object System.Management.Automation.PSCredential('CORP\\svc_deploy', $pw)",
    pw=rpw(18, "!#%^*-_=+.?~"),
)
P(
    F,
    "powershell-new-localuser",
    'New-LocalUser -Name "kiosk" -Password (ConvertTo-SecureString "@@pw@@" -AsPlainText -Force) -PasswordNeverExpires',
    pw=human(),
)
P(
    F,
    "cisco-enable-secret-0",
    "router(config)# enable secret 0 @@pw@@\nrouter(config)# username netops privilege 15 secret 0 @@pw2@@",
    pw=human(),
    pw2=rpw(14, "!#%^*-_=+.?~"),
)
P(
    F,
    "cisco-type7-password",
    "line vty 0 4\n password 7 @@t@@\n login",
    t=derived(lambda v: "0" + str(_num(_k("c7"), 2, 9)) + _draw(_k("c7", "b"), "0123456789ABCDEF", 22)),
)
P(F, "cisco-snmp-community", "snmp-server community @@c@@ RO 10\nsnmp-server community @@rw@@ RW 11", c=s(14), rw=s(16))
P(
    F,
    "juniper-plain-text-and-9",
    'set system login user ops authentication encrypted-password "$6$@@_s@@$@@_h@@"\nset snmp community @@c@@ authorization read-only\nset protocols bgp group ext neighbor 203.0.113.1 authentication-key "$9$@@j9@@"',
    _s=s(8, _ALNUM + "./"),
    _h=s(86, _ALNUM + "./"),
    c=s(12),
    j9=s(28, _ALNUM + "./-"),
)
P(
    F,
    "mikrotik-user-add",
    "[admin@MikroTik] > /user add name=monitor group=read password=@@pw@@\n[admin@MikroTik] > /interface wireless security-profiles set default wpa2-pre-shared-key=@@psk@@",
    pw=s(16),
    psk=human(),
)
P(
    F,
    "ipmitool-lanplus",
    "ipmitool -I lanplus -H 10.0.9.21 -U ADMIN -P @@pw@@ chassis power status\nChassis Power is on",
    pw=s(10, _UPNUM),
)
P(F, "racadm-remote", "racadm -r 10.0.9.30 -u root -p @@pw@@ serveraction hardreset", pw=human())
P(F, "redis-cli-a", "$ redis-cli -h cache.internal -a @@pw@@ --no-auth-warning INFO replication", pw=hx(48))
P(
    F,
    "mongosh-uri-and-flag",
    'mongosh "mongodb://cluster0.abcde.mongodb.net/app" --username app --password @@pw@@ --authenticationDatabase admin',
    pw=s(16),
)
P(
    F,
    "rabbitmqctl-add-user",
    '$ rabbitmqctl add_user orders @@pw@@\nAdding user "orders" ...\n$ rabbitmqctl change_password guest @@pw2@@',
    pw=rpw(18, "!#%^*-_=+.?~"),
    pw2=human(),
)
P(
    F,
    "kafka-jaas-inline",
    "KAFKA_OPTS='-Djava.security.auth.login.config=/dev/stdin' kafka-console-consumer.sh --bootstrap-server b1:9094 --topic orders --consumer-property sasl.jaas.config='org.apache.kafka.common.security.scram.ScramLoginModule required username=\"reader\" password=\"@@pw@@\";'",
    pw=s(24),
)
P(
    F,
    "curl-user-colon",
    "curl -fsS -u admin:@@pw@@ http://localhost:15672/api/overview | jq .rabbitmq_version",
    pw=s(18),
)
P(
    F,
    "wget-password-flag",
    "wget --user=ftpuser --password='@@pw@@' ftp://files.partner.example/exports/2026-11.csv",
    pw=human(),
)
P(F, "smbclient-percent", "smbclient //fs01/IT -U 'CORP\\helpdesk%@@pw@@' -c 'ls'", pw=human())
P(
    F,
    "openssl-passin-pass",
    "openssl pkcs12 -export -in cert.pem -inkey key.pem -out bundle.p12 -passout pass:@@pw@@",
    pw=s(16),
)
P(
    F,
    "zip-and-7z-password",
    "zip -r -P @@pw@@ handover.zip handover/\n7z a -p@@pw2@@ -mhe=on db-dump.7z dump.sql",
    pw=human(),
    pw2=rpw(20, "!#%^*-_=+.?~"),
)
P(F, "htpasswd-batch", "htpasswd -b -c /etc/nginx/.htpasswd grafana @@pw@@", pw=human())
P(F, "chpasswd-echo", "echo 'deploy:@@pw@@' | sudo chpasswd", pw=rpw(16, "!#%^*-_=+.?~"))
P(
    F,
    "ldapsearch-w",
    'ldapsearch -x -H ldaps://dc01.corp.lan -D "CN=svc_ldap,OU=Service,DC=corp,DC=lan" -w @@pw@@ -b "DC=corp,DC=lan" "(sAMAccountName=jdoe)"',
    pw=human(),
)
P(F, "sqlcmd-capital-p", 'sqlcmd -S tcp:sql01,1433 -U sa -P "@@pw@@" -Q "SELECT @@VERSION"', pw=rpw(16, "!#%^*-_=+.?~"))
P(F, "sqlplus-slash-at", "sqlplus system/@@pw@@@//ora-prod:1521/ORCLPDB1 @migrate.sql", pw=s(14))
P(
    F,
    "keytool-storepass",
    "keytool -importcert -alias corp-root -file root.crt -keystore truststore.jks -storepass @@pw@@ -noprompt",
    pw=s(16),
)
P(
    F,
    "helm-repo-add-password",
    "helm repo add internal https://charts.corp.lan --username ci --password @@pw@@",
    pw=s(24),
)
P(F, "psexec-p", "PsExec64.exe \\\\ws-0412 -u CORP\\itadmin -p @@pw@@ -s cmd /c gpupdate /force", pw=human())
P(F, "vncpasswd-f-pipe", "echo '@@pw@@' | vncpasswd -f > ~/.vnc/passwd", pw=s(8))
P(
    F,
    "ansible-extra-vars-become",
    'ansible-playbook site.yml -i prod.ini -e "ansible_become_password=@@pw@@ db_root_password=@@pw2@@"',
    pw=human(),
    pw2=rpw(20, "!#%^*-_=+.?~"),
)

# ==================================================================================================
# Family 6: chat and prose telling a secret, English and other languages
# ==================================================================================================
F = "chat_prose"

P(F, "en-slack-wifi", "hey, guest wifi is `Office-Guest` and the password is @@pw@@ — it rotates on Monday", pw=human())
P(
    F,
    "en-pin-casual",
    "ok the door code for the server room changed, new one is @@pin@@#, don't write it on the whiteboard again",
    pin=dg(6),
)
P(
    F,
    "en-passphrase-quoted",
    'my GPG passphrase is "@@pw@@" — yes with the spaces, please run the signing step for me',
    pw=phrase(5, " "),
)
P(
    F,
    "en-agent-user-prompt-creds",
    "Please log into staging as qa-admin (pw: @@pw@@) and check why the export button is greyed out.",
    pw=human(),
)
P(
    F,
    "en-token-pasted-in-chat",
    "I made you a new token, paste it into the .env: @@t@@ (it expires in 7 days)",
    t=s(36, pre=GHP),
)
P(F, "de-passwort", "Das Passwort für den Router lautet @@pw@@, der Benutzer ist admin.", pw=human())
P(
    F,
    "de-kennwort-casual",
    "Kennwort vom NAS ist übrigens immer noch @@pw@@ — bitte ändern, wenn du eh drin bist.",
    pw=s(12),
)
P(F, "fr-mot-de-passe", "Le mot de passe de la base de recette est @@pw@@ (login : recette).", pw=human())
P(F, "fr-code-pin", "Pour la carte SIM de test, le code PIN c'est @@pin@@ et le PUK @@puk@@.", pin=dg(4), puk=dg(8))
P(F, "es-contrasena", "La contraseña del correo de soporte es @@pw@@, no la compartas por favor.", pw=human())
P(F, "es-clave-wifi", "oye, la clave del wifi de la oficina nueva es «@@pw@@»", pw=phrase(3, "-"))
P(F, "pt-senha", "A senha do painel do servidor é @@pw@@ e o usuário é root.", pw=rpw(14, "!#%^*-_=+.?~"))
P(F, "it-password", "La password dell'account di servizio è @@pw@@, scade a fine mese.", pw=human())
P(F, "nl-wachtwoord", "Het wachtwoord voor de testomgeving is @@pw@@, gebruikersnaam tester01.", pw=human())
P(F, "pl-haslo", "Hasło do VPN-a to @@pw@@, login masz taki sam jak do poczty.", pw=human())
P(
    F,
    "ru-parol",
    "Пароль от базы: @@pw@@, пользователь postgres. Только не коммить его, пожалуйста.",
    pw=rpw(16, "!#%^*-_=+.?~"),
)
P(F, "uk-parol", "Ось пароль від адмінки: @@pw@@ — змінимо після релізу.", pw=human())
P(F, "tr-sifre", "Sunucunun root şifresi @@pw@@, giriş yaptıktan sonra değiştir.", pw=human())
P(F, "ja-pasuwado", "検証環境の管理者パスワードは「@@pw@@」です。ユーザー名は admin です。", pw=rpw(14, "!#%^*-_=+.?~"))
P(F, "zh-mima", "测试服务器的密码是 @@pw@@ ，用户名是 deploy，用完记得改掉。", pw=human())
P(F, "ko-bimilbeonho", "관리자 계정 비밀번호는 @@pw@@ 입니다. 로그인 후 바로 변경해 주세요.", pw=human())
P(F, "ar-kalimat-sir", "كلمة المرور الخاصة بلوحة التحكم هي @@pw@@ واسم المستخدم admin", pw=s(12))
P(F, "hi-password", "सर्वर का पासवर्ड @@pw@@ है, कृपया किसी के साथ साझा न करें।", pw=human())
P(F, "sv-losenord", "Lösenordet till byggservern är @@pw@@ – användarnamnet är jenkins.", pw=human())
P(F, "cs-heslo", "Heslo k testovací databázi je @@pw@@, uživatel je tester.", pw=human())
P(F, "vi-mat-khau", "Mật khẩu của tài khoản quản trị là @@pw@@, nhớ đổi sau khi đăng nhập nhé.", pw=human())
P(F, "id-kata-sandi", "Kata sandi server staging: @@pw@@ (user: ubuntu).", pw=rpw(14, "!#%^*-_=+.?~"))
P(
    F,
    "en-api-key-prose-no-label-word",
    "use this one for the integration tests instead of mine: @@t@@ — it only has read scope",
    t=s(32, _ALNUM, pre=RKLIVE),
)

# ==================================================================================================
# Family 7: key and recovery material
# ==================================================================================================
F = "key_material"

P(F, "bip39-24-words-chat", "Here is the seed of the test wallet (24 words): @@m@@", m=seed_words(24))
_B12 = mnemonic(_k("bip39-12-numbered-list"), 12).split()
P2(
    F,
    "bip39-12-numbered-list",
    "recovery phrase:\n" + "\n".join(f"{i + 1}. {w}" for i, w in enumerate(_B12)),
    tuple("\n".join(f"{i + 1}. {_B12[i]}" for i in range(j, j + 3)) for j in (0, 3, 6, 9)),
)
P(F, "wif-uncompressed-bitcoin-cli", '$ bitcoin-cli importprivkey @@k@@ "cold" false', k=wif_key(False))
P(
    F,
    "wif-compressed-electrum",
    "Electrum restore: choose 'Import Bitcoin addresses or private keys', paste @@k@@",
    k=wif_key(True),
)
P(
    F,
    "ethereum-private-key-cast",
    "$ cast wallet new\nSuccessfully created new keypair.\nAddress:     0x@@_a@@\nPrivate key: 0x@@k@@",
    _a=hx(40),
    k=hx(64),
)
P(F, "hardhat-accounts-array", 'networks: { sepolia: { url: process.env.RPC_URL, accounts: ["0x@@k@@"] } }', k=hx(64))
P(
    F,
    "solana-id-json-array",
    "$ cat ~/.config/solana/id.json\n@@k@@",
    k=derived(lambda v: "[" + ",".join(str(b) for b in _bytes(_k("sol"), 64)) + "]"),
)
P(
    F,
    "age-secret-key-file",
    "# created: 2026-11-20T10:31:07+01:00\n# public key: age1@@_pub@@\n@@k@@",
    _pub=s(58, _BECH32),
    k=s(58, _BECH32.upper(), pre=AGE),
)
P(F, "nostr-nsec", "my nostr key (nsec) for the bot: @@k@@", k=s(58, _BECH32, pre="nsec1"))
P(
    F,
    "wireguard-private-key-conf",
    "[Interface]\nAddress = 10.8.0.2/32\nPrivateKey = @@k@@\nDNS = 10.8.0.1\n\n[Peer]\nPublicKey = @@_pub@@\nPresharedKey = @@psk@@\nEndpoint = vpn.home.lan:51820",
    k=b64(32),
    _pub=b64(32),
    psk=b64(32),
)
P(
    F,
    "totp-otpauth-uri",
    "otpauth://totp/ACME:alice%40acme.io?secret=@@k@@&issuer=ACME&algorithm=SHA1&digits=6&period=30",
    k=s(32, _B32),
)
P(
    F,
    "totp-setup-key-spaced",
    "Can't scan the QR code? Enter this setup key instead: @@k@@",
    k=groups(8, 4, _B32.lower(), " "),
)
P2(
    F,
    "backup-codes-two-columns",
    "Your backup codes (each can be used once):\n\n"
    + "\n".join(
        f"  {a}    {b}"
        for a, b in zip(
            [
                _draw(_k("bc", f"{i}"), string.digits, 4) + " " + _draw(_k("bc", f"{i}b"), string.digits, 4)
                for i in range(5)
            ],
            [
                _draw(_k("bc", f"{i}c"), string.digits, 4) + " " + _draw(_k("bc", f"{i}d"), string.digits, 4)
                for i in range(5)
            ],
            strict=True,
        )
    ),
    tuple(
        _draw(_k("bc", f"{i}"), string.digits, 4) + " " + _draw(_k("bc", f"{i}b"), string.digits, 4) for i in range(5)
    )
    + tuple(
        _draw(_k("bc", f"{i}c"), string.digits, 4) + " " + _draw(_k("bc", f"{i}d"), string.digits, 4) for i in range(5)
    ),
)
P2(
    F,
    "github-recovery-codes-file",
    "$ cat ~/Downloads/github-recovery-codes.txt\n"
    + "\n".join(_draw(_k("ghr", f"{i}"), _HEX, 5) + "-" + _draw(_k("ghr", f"{i}b"), _HEX, 5) for i in range(8)),
    tuple(_draw(_k("ghr", f"{i}"), _HEX, 5) + "-" + _draw(_k("ghr", f"{i}b"), _HEX, 5) for i in range(8)),
)
P(
    F,
    "bitlocker-recovery-key",
    "BitLocker Drive Encryption recovery key\n\nIdentifier:\n\t@@_id@@\n\nRecovery Key:\n\t@@k@@",
    _id=uuid(),
    k=groups(8, 6, string.digits),
)
P(F, "filevault-recovery-key", "Your FileVault recovery key is: @@k@@", k=groups(6, 4, _UPNUM))
P(
    F,
    "onepassword-secret-key",
    "Emergency Kit\nSign-in address: my.1password.com\nSecret Key: @@k@@",
    k=derived(
        lambda v: (
            "A3-"
            + _draw(_k("1p", "a"), _UPNUM, 6)
            + "-"
            + _draw(_k("1p", "b"), _UPNUM, 6)
            + "-"
            + "-".join(_draw(_k("1p", f"c{i}"), _UPNUM, 5) for i in range(4))
        )
    ),
)
P(F, "windows-product-key-slmgr", "C:\\> slmgr /ipk @@k@@", k=groups(5, 5, _PRODUCT))
P(
    F,
    "license-key-in-env",
    "SIDEKIQ_PRO_LICENSE=@@k@@\nBUNDLE_ENTERPRISE__CONTRIBSYS__COM=@@k2@@",
    k=groups(4, 8, _HEX, "-"),
    k2=derived(lambda v: _draw(_k("skq", "u"), _HEX, 8) + ":" + _draw(_k("skq", "p"), _HEX, 8)),
)
P(
    F,
    "yubikey-piv-management-key",
    "ykman piv access change-management-key --management-key 010203040506070801020304050607080102030405060708 --new-management-key @@k@@\nykman piv access change-pin --pin 123456 --new-pin @@pin@@",
    k=hx(48),
    pin=dg(8),
)
P(F, "rails-master-key-cat", "$ cat config/master.key\n@@k@@", k=hx(32))
P(
    F,
    "borg-passphrase-and-key-export",
    "export BORG_PASSPHRASE='@@pw@@'\n$ borg key export --paper /srv/borg/repo\nTo restore key use borg key import --paper /path/to/repo\n\nBORG PAPER KEY v1\nid: 20 / @@_id@@ / 2c\n 1: @@l1@@\n 2: @@l2@@",
    pw=phrase(6, " "),
    _id=groups(3, 6, _HEX, " "),
    l1=groups(
        9,
        6,
        _HEX,
        " ",
    ),
    l2=groups(9, 6, _HEX, " "),
)
P(
    F,
    "restic-password-env",
    "RESTIC_REPOSITORY=s3:s3.amazonaws.com/acme-restic RESTIC_PASSWORD=@@pw@@ restic snapshots",
    pw=s(32),
)
P2(
    F,
    "openssh-private-key-block",
    "$ cat ~/.ssh/id_ed25519\n-----BEGIN OPENSSH PRIVATE KEY-----\n"
    + "\n".join(_pem_lines(_k("ossh"), 380, 70, b"openssh-key-v1\x00"))
    + "\n-----END OPENSSH PRIVATE KEY-----",
    tuple(_pem_lines(_k("ossh"), 380, 70, b"openssh-key-v1\x00")[i] for i in (1, 3, -2)),
)
P2(
    F,
    "rsa-private-key-pem-in-secret-yaml",
    "  tls.key: |\n    -----BEGIN RSA PRIVATE KEY-----\n    "
    + "\n    ".join(_pem_lines(_k("rsa"), 1180, 64, _RSA_HEAD))
    + "\n    -----END RSA PRIVATE KEY-----",
    tuple(_pem_lines(_k("rsa"), 1180, 64, _RSA_HEAD)[i] for i in (0, 7, 15, -2)),
)
P2(
    F,
    "gcp-service-account-json",
    '{\n  "type": "service_account",\n  "project_id": "acme-prod",\n  "private_key_id": "'
    + _draw(_k("gsa", "id"), _HEX, 40)
    + '",\n  "private_key": "-----BEGIN PRIVATE KEY-----\\n'
    + "\\n".join(_pem_lines(_k("gsa"), 1190, 64, _PKCS8_HEAD))
    + '\\n-----END PRIVATE KEY-----\\n",\n  "client_email": "deployer@acme-prod.iam.gserviceaccount.com"\n}',
    (_draw(_k("gsa", "id"), _HEX, 40), *tuple(_pem_lines(_k("gsa"), 1190, 64, _PKCS8_HEAD)[i] for i in (0, 6, 13, -2))),
)
P2(
    F,
    "pgp-private-key-block",
    "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n"
    + "\n".join(_pem_lines(_k("pgp"), 700, 64, b"\x95\x05\x58\x04"))
    + "\n="
    + _draw(_k("pgp", "crc"), _B64, 4)
    + "\n-----END PGP PRIVATE KEY BLOCK-----",
    tuple(_pem_lines(_k("pgp"), 700, 64, b"\x95\x05\x58\x04")[i] for i in (0, 5, -2)),
)
P(
    F,
    "jwk-private-d",
    '{"kty":"EC","crv":"P-256","kid":"sig-2026-11","x":"@@_x@@","y":"@@_y@@","d":"@@d@@"}',
    _x=b64u(32),
    _y=b64u(32),
    d=b64u(32),
)
P(
    F,
    "tor-hs-secret-key-base64",
    "$ sudo base64 -w0 /var/lib/tor/hidden_service/hs_ed25519_secret_key\n@@k@@",
    k=derived(
        lambda v: base64.b64encode(b"== ed25519v1-secret: type0 ==\x00\x00\x00" + _bytes(_k("tor"), 64)).decode()
    ),
)
P(F, "luks-keyfile-hex", "$ xxd -p /root/luks-data.key | tr -d '\\n'\n@@k@@", k=hx(128))
P(
    F,
    "signal-registration-pin",
    "Signal asked for my registration lock PIN again, it's @@pin@@ if you need to re-register the support phone",
    pin=dg(7),
)
P(
    F,
    "electrum-seed-with-passphrase",
    'wallet restore: seed words = "@@m@@", extension (25th word) = "@@ext@@"',
    m=seed_words(12),
    ext=phrase(2, "", cap=True),
)

# ==================================================================================================
# Family 8: encoded and hidden forms
# ==================================================================================================
F = "encoded_hidden"

P(
    F,
    "basic-auth-header-base64",
    "> GET /api/v1/nodes HTTP/1.1\n> Host: prometheus.internal:9090\n> Authorization: Basic @@b@@\n> User-Agent: curl/8.5.0",
    _pw=human(),
    b=derived(lambda v: _b64_of("prom-reader:" + v["_pw"])),
)
P(
    F,
    "docker-config-auths-base64",
    '{\n  "auths": {\n    "registry.gitlab.com": {\n      "auth": "@@b@@"\n    }\n  }\n}',
    _t=s(20, _B64U, pre=GLPAT),
    b=derived(lambda v: _b64_of("ci-bot:" + v["_t"])),
)
P(
    F,
    "url-encoded-password-in-dsn",
    "DATABASE_URL=postgresql://app:@@enc@@@db.internal:5432/app?sslmode=require",
    _pw=rpw(18, "!#%^*@:/?=+"),
    enc=derived(lambda v: urllib.parse.quote(v["_pw"], safe="")),
)
P(
    F,
    "html-entity-escaped-password",
    '<input type="password" name="pwd" value="@@enc@@" autocomplete="off">',
    _pw=derived(
        lambda v: (
            _draw(_k("he", "a"), _ALNUM, 6)
            + "&"
            + _draw(_k("he", "b"), _ALNUM, 5)
            + "<"
            + _draw(_k("he", "c"), _ALNUM, 4)
        )
    ),
    enc=derived(lambda v: v["_pw"].replace("&", "&amp;").replace("<", "&lt;")),
)
P(
    F,
    "html-numeric-entities",
    '<a href="mailto:ops@acme.io?subject=creds&body=@@enc@@">send</a>',
    _pw=human(),
    enc=derived(lambda v: "".join(f"&#{ord(c)};" for c in v["_pw"])),
)
P(
    F,
    "hex-encoded-credentials-xxd-r",
    "$ echo @@h@@ | xxd -r -p\n@@pw@@",
    pw=rpw(16, "!#%^*-_=+.?~"),
    h=derived(lambda v: v["pw"].encode().hex()),
)
P(F, "base64-echo-decode", "$ echo '@@b@@' | base64 -d\n@@t@@", t=s(36, pre=GHP), b=derived(lambda v: _b64_of(v["t"])))
P(
    F,
    "split-string-concatenation",
    'const TOKEN = "@@a@@" + "@@b@@" + "@@c@@";',
    a=s(12, _ALNUM, pre=GHP),
    b=s(12),
    c=s(12),
)
P(F, "python-implicit-concatenation", 'AWS_SECRET = (\n    "@@a@@"\n    "@@b@@"\n)', a=s(20, _B64), b=s(20, _B64))
P(
    F,
    "unified-diff-changed-password",
    "diff --git a/config/database.yml b/config/database.yml\nindex 3f2a1c9..8b7d0e4 100644\n--- a/config/database.yml\n+++ b/config/database.yml\n@@ -12,7 +12,7 @@ production:\n   adapter: postgresql\n   username: shop\n-  password: @@old@@\n+  password: @@new@@\n   host: db.internal",
    old=human(),
    new=rpw(22, "!#%^*-_=+.?~"),
)
P(
    F,
    "git-log-p-removed-env",
    "commit 4f1e2d3c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e\nAuthor: Dev <dev@acme.io>\n\n    remove .env from repo\n\ndiff --git a/.env b/.env\ndeleted file mode 100644\n--- a/.env\n+++ /dev/null\n@@ -1,3 +0,0 @@\n-MAILGUN_API_KEY=key-@@mg@@\n-JWT_SECRET=@@js@@\n-NODE_ENV=production",
    mg=hx(32),
    js=b64(48),
)
P(
    F,
    "python-traceback-connection-string",
    'Traceback (most recent call last):\n  File "/app/worker.py", line 41, in <module>\n    engine = create_engine(DB_URL)\nsqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "10.0.4.2", port 5432 failed: FATAL:  password authentication failed for user "worker"\n(Background on this error at: https://sqlalche.me/e/20/e3q8)\n[SQL: dsn=postgresql://worker:@@pw@@@10.0.4.2:5432/jobs]',
    pw=s(20),
)
P(
    F,
    "pytest-locals-showlocals",
    "    def test_login(client):\n        password = '@@pw@@'\n>       assert client.login('admin', password)\nE       AssertionError: assert False\n\nclient     = <FlaskClient <App 'web'>>\npassword   = '@@pw@@'",
    pw=human(),
)
P(
    F,
    "java-stacktrace-jdbc-url",
    'org.postgresql.util.PSQLException: FATAL: password authentication failed for user "etl"\n\tat org.postgresql.core.v3.ConnectionFactoryImpl.doAuthentication(ConnectionFactoryImpl.java:693)\nCaused by: config jdbc:postgresql://pg:5432/etl?user=etl&password=@@pw@@',
    pw=s(18),
)
P(
    F,
    "bash-history-numbered",
    "$ history | tail -4\n  501  cd /srv/app\n  502  mysql -uroot -p@@pw@@ app < dump.sql\n  503  export SMTP_PASS=@@sp@@\n  504  history | tail -4",
    pw=s(14),
    sp=human(),
)
P(
    F,
    "markdown-table-credentials",
    "| Service | User | Password |\n|---|---|---|\n| Grafana | admin | @@a@@ |\n| pgAdmin | ops@acme.io | @@b@@ |\n| MinIO | minio | @@c@@ |",
    a=human(),
    b=rpw(16, "!#%^*-_=+.?~"),
    c=s(24),
)
P(
    F,
    "csv-export-users",
    "email,role,temp_password\nann@acme.io,editor,@@a@@\nraj@acme.io,viewer,@@b@@\nlee@acme.io,admin,@@c@@",
    a=s(12),
    b=human(),
    c=rpw(12, "!#%^*-_=+.?~"),
)
P(
    F,
    "html-form-hidden-field",
    '<form method="post" action="/login">\n  <input type="hidden" name="csrf" value="@@_csrf@@">\n  <input type="hidden" name="api_secret" value="@@t@@">\n</form>',
    _csrf=s(40),
    t=hx(40),
)
P(
    F,
    "json-string-in-string-escaped",
    '"payload": "{\\"user\\":\\"sync\\",\\"password\\":\\"@@pw@@\\",\\"scope\\":\\"all\\"}"',
    pw=s(20),
)
P(
    F,
    "json-unicode-escaped-password",
    '{"smtp": {"user": "mailer", "pass": "@@enc@@"}}',
    _pw=human(),
    enc=derived(lambda v: "".join(f"\\u{ord(c):04x}" for c in v["_pw"])),
)
P(F, "python-bytes-repr", "DEBUG received frame: b'AUTH @@pw@@\\r\\n'", pw=s(24))
P(
    F,
    "ansi-colored-token-output",
    "\x1b[1;32m✔\x1b[0m Created token \x1b[36m@@t@@\x1b[0m for \x1b[1mdeploy-bot\x1b[0m",
    t=s(36, pre=GHP),
)
P(
    F,
    "set-cookie-session-jwt",
    "< HTTP/2 200\n< set-cookie: session=@@t@@; Path=/; HttpOnly; Secure; SameSite=Lax",
    t=jwt({"sub": "1042", "role": "admin", "exp": 1790000000}),
)
P(F, "har-json-authorization-header", '{"name": "authorization", "value": "Bearer @@t@@"}', t=s(64, _ALNUM))
P(F, "yaml-block-scalar-password", "smtp:\n  password: |-\n    @@pw@@\n  host: mail.acme.io", pw=phrase(4, " "))
P(
    F,
    "azure-sas-url-encoded-sig",
    "https://acmebackups.blob.core.windows.net/db/dump.bak?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-12-01T00:00:00Z&sig=@@sig@@",
    sig=derived(lambda v: urllib.parse.quote(base64.b64encode(_bytes(_k("sas"), 32)).decode(), safe="")),
)
P(
    F,
    "azure-storage-connection-string",
    "AzureWebJobsStorage=DefaultEndpointsProtocol=https;AccountName=acmefuncs;AccountKey=@@k@@;EndpointSuffix=core.windows.net",
    k=b64(64),
)
P(
    F,
    "sql-dump-plaintext-column",
    "INSERT INTO `smtp_accounts` VALUES (1,'newsletter','mail.acme.io',587,'news@acme.io','@@pw@@','2026-10-01 12:00:00');",
    pw=human(),
)
P(
    F,
    "wrapped-token-across-lines",
    "Your key (copy both lines, no spaces):\n@@a@@\n@@b@@",
    a=s(40, _ALNUM, pre=SKLIVE),
    b=s(40),
)
P(
    F,
    "xml-cdata-password",
    "<datasource>\n  <user>etl</user>\n  <password><![CDATA[@@pw@@]]></password>\n</datasource>",
    pw=rpw(18, "!#%^*-_=+.?~<>&"),
)
P(
    F,
    "quoted-printable-email",
    "Content-Transfer-Encoding: quoted-printable\n\nHi Sam,=0A=0Ayour temporary password is: @@enc@@=0A",
    _pw=derived(lambda v: _draw(_k("qp", "a"), _ALNUM, 7) + "=" + _draw(_k("qp", "b"), _ALNUM, 6)),
    enc=derived(lambda v: v["_pw"].replace("=", "=3D")),
)

FAMILIES4: dict[str, tuple[Planted, ...]] = {name: tuple(items) for name, items in _ALL.items()}
FRESH4: tuple[Planted, ...] = tuple(p for items in FAMILIES4.values() for p in items)

# ==================================================================================================
# Look-alikes: close to secrets, holding none.
# ==================================================================================================


def _b(name: str, alphabet: str, n: int) -> str:
    return _draw("benign/" + name, alphabet, n)


_EXAMPLE_AKID = "AK" + "IAIOSFODNN7" + "EXAMPLE"
_EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCY" + "EXAMPLEKEY"

BENIGN_FRESH4: tuple[str, ...] = (
    # hashes, digests and ids
    f"commit {_b('c1', _HEX, 40)}\nAuthor: Mia Chen <mia@acme.io>\nDate:   Tue Nov 25 17:02:11 2026 +0100\n\n    fix flaky retry test",
    f"$ git rev-parse HEAD\n{_b('c2', _HEX, 40)}",
    f"$ sha256sum dist/lessonloop-0.9.0.tar.gz\n{_b('c3', _HEX, 64)}  dist/lessonloop-0.9.0.tar.gz",
    f"Digest: sha256:{_b('c4', _HEX, 64)}\nStatus: Downloaded newer image for postgres:16-alpine",
    f'"integrity": "sha512-{base64.b64encode(_bytes("benign/c5", 64)).decode()}"',
    f"golang.org/x/crypto v0.31.0 h1:{base64.b64encode(_bytes('benign/c6', 32)).decode()}",
    f'checksum = "{_b("c7", _HEX, 64)}"',
    f'  "h1:{base64.b64encode(_bytes("benign/c8", 32)).decode()}",\n  "zh:{_b("c8z", _HEX, 64)}",',
    f"oid sha256:{_b('c9', _HEX, 64)}\nsize 48213",
    f"X-Request-Id: {_b('c10', _HEX, 8)}-{_b('c10b', _HEX, 4)}-4{_b('c10c', _HEX, 3)}-9{_b('c10d', _HEX, 3)}-{_b('c10e', _HEX, 12)}",
    f'ETag: "{_b("c11", _HEX, 32)}"',
    f"Content-MD5: {base64.b64encode(_bytes('benign/c12', 16)).decode()}",
    f'<script src="/assets/app.{_b("c13", _HEX, 8)}.js" integrity="sha384-{base64.b64encode(_bytes("benign/c13b", 48)).decode()}" crossorigin="anonymous"></script>',
    f'  resourceVersion: "{_num("benign/c14", 10**6, 10**8)}"\n  uid: {_b("c14u", _HEX, 8)}-{_b("c14v", _HEX, 4)}-4{_b("c14w", _HEX, 3)}-8{_b("c14x", _HEX, 3)}-{_b("c14y", _HEX, 12)}',
    f"Transaction hash: 0x{_b('c15', _HEX, 64)}\nBlock: 21488211",
    f"Send to: 0x{_b('c16', _HEX, 40)} (my public address, not a key)",
    f"bc1q{_b('c17', _BECH32, 38)}",
    f"Job {_b('c18', _LOWNUM, 20)} finished in 4m12s",
    f"Trace ID {_b('c19', _HEX, 32)} span {_b('c19s', _HEX, 16)}",
    f"docker run --rm ghcr.io/acme/api@sha256:{_b('c20', _HEX, 64)}",
    "npm warn deprecated inflight@1.0.6: This module is not supported\nadded 412 packages, and audited 413 packages in 9s\nfound 0 vulnerabilities",
    f"Object ID: {_b('c22', _HEX, 24)}",
    f"fingerprint SHA256:{base64.b64encode(_bytes('benign/c23', 32)).decode().rstrip('=')}",
    f"The key's randomart image is:\n+--[ED25519 256]--+\n|      .o+=.      |\n+----[SHA256]-----+\nSHA256:{base64.b64encode(_bytes('benign/c24', 32)).decode().rstrip('=')} dev@laptop",
    f"css: .btn-{_b('c25', _LOWNUM, 6)} {{ color: #{_b('c25c', _HEX, 6)}; }}",
    f"Stripe event id evt_{_b('c26', _ALNUM, 24)} received (type=invoice.paid)",
    f"customer cus_{_b('c27', _ALNUM, 14)} charged via pi_{_b('c27p', _ALNUM, 24)}",
    f"Slack channel C{_b('c28', _UPNUM, 10)} user U{_b('c28u', _UPNUM, 10)} ts 1764152400.{_b('c28t', string.digits, 6)}",
    f"Created GitHub App installation {_num('benign/c29', 10**7, 10**8)} (app id 912345)",
    f"AWS account 1234{_b('c30', string.digits, 8)}, role arn:aws:iam::1234{_b('c30', string.digits, 8)}:role/ci-deployer",
    # placeholders and references to secrets
    "export OPENAI_API_KEY=<your-api-key-here>",
    "GITHUB_TOKEN=${{ secrets.GITHUB_TOKEN }}",
    "          password: ${{ secrets.REGISTRY_PASSWORD }}",
    'password = os.environ["DB_PASSWORD"]',
    'api_key = os.getenv("STRIPE_API_KEY")  # set in the deployment, never here',
    "const token = process.env.SLACK_BOT_TOKEN ?? '';",
    "DB_PASSWORD=  # filled in by the entrypoint from Vault at start-up",
    "password: ********",
    "Authorization: Bearer <REDACTED>",
    "token: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "AWS_SECRET_ACCESS_KEY=$(aws configure get aws_secret_access_key --profile prod)",
    'export VAULT_TOKEN="$(vault login -method=oidc -token-only)"',
    "password_file: /run/secrets/db_password",
    "      valueFrom:\n        secretKeyRef:\n          name: db-credentials\n          key: password",
    "{{ .Values.postgres.auth.password | b64enc | quote }}",
    'smtp_password: "{{ vault_smtp_password }}"',
    "Enter passphrase for key '/home/dev/.ssh/id_ed25519':",
    "[sudo] password for dev:",
    "Password: \nmysql: [Warning] Using a password on the command line interface can be insecure.",
    "mysql -u root -p app_db",
    "read -rsp 'Vault token: ' VAULT_TOKEN && export VAULT_TOKEN",
    "Get-Credential -UserName 'CORP\\admin' -Message 'Enter the domain admin password'",
    "enable secret 9 <hash from the vault>  ! set from the runbook, never paste the real one",
    "ipmitool -I lanplus -H $BMC_HOST -U $BMC_USER -E chassis status   # -E reads IPMI_PASSWORD",
    'curl -u "$JENKINS_USER:$JENKINS_TOKEN" https://jenkins.corp.lan/api/json',
    'psql "postgresql://app@db.internal:5432/app?sslmode=require"   # password comes from ~/.pgpass',
    # public keys and certificates
    f"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{base64.b64encode(_bytes('benign/k1', 32)).decode().rstrip('=')} dev@laptop",
    f"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ{base64.b64encode(_bytes('benign/k2', 256)).decode().rstrip('=')} ci@runner",
    "-----BEGIN CERTIFICATE-----\n" + "\n".join(_pem_lines("benign/k3", 700)) + "\n-----END CERTIFICATE-----",
    "-----BEGIN PUBLIC KEY-----\n" + "\n".join(_pem_lines("benign/k4", 294)) + "\n-----END PUBLIC KEY-----",
    "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n"
    + "\n".join(_pem_lines("benign/k5", 400))
    + "\n-----END PGP PUBLIC KEY BLOCK-----",
    f"[Peer]\nPublicKey = {base64.b64encode(_bytes('benign/k6', 32)).decode()}\nAllowedIPs = 10.8.0.0/24",
    f"# public key: age1{_b('k7', _BECH32, 58)}",
    f"npub1{_b('k8', _BECH32, 58)} is my nostr public key, follow me there",
    f'{{"kty":"RSA","use":"sig","kid":"{_b("k9", _ALNUM, 16)}","e":"AQAB","n":"{base64.urlsafe_b64encode(_bytes("benign/k9n", 256)).decode().rstrip("=")}"}}',
    "-----BEGIN CERTIFICATE REQUEST-----\n"
    + "\n".join(_pem_lines("benign/k10", 420))
    + "\n-----END CERTIFICATE REQUEST-----",
    # ciphertext and hashes of passwords
    "$ANSIBLE_VAULT;1.1;AES256\n" + "\n".join(_b(f"e1{i}", string.digits + "abcdef", 80) for i in range(4)),
    f"db_password: ENC[AES256_GCM,data:{base64.b64encode(_bytes('benign/e2', 18)).decode()},iv:{base64.b64encode(_bytes('benign/e2i', 32)).decode()},tag:{base64.b64encode(_bytes('benign/e2t', 16)).decode()},type:str]",
    f"admin:$2y$10${_b('e3', _ALNUM + './', 53)}",
    f"root:$6${_b('e4s', _ALNUM + './', 16)}${_b('e4', _ALNUM + './', 86)}:19700:0:99999:7:::",
    f"md5{_b('e5', _HEX, 32)}",
    f"pbkdf2_sha256$600000${_b('e6s', _ALNUM, 22)}${base64.b64encode(_bytes('benign/e6', 32)).decode()}",
    "-----BEGIN AGE ENCRYPTED FILE-----\n"
    + "\n".join(_pem_lines("benign/e7", 200))
    + "\n-----END AGE ENCRYPTED FILE-----",
    "  encryptedData:\n    password: Ag" + base64.b64encode(_bytes("benign/e8", 300)).decode(),
    # documentation examples and prose about secrets
    f"aws_access_key_id = {_EXAMPLE_AKID}\naws_secret_access_key = {_EXAMPLE_SECRET}   # from the AWS docs",
    'Example: `curl -H "Authorization: token YOUR_TOKEN" https://api.github.com/user`',
    "Set STRIPE_SECRET_KEY to the key from your dashboard (it starts with sk_live_ for live mode).",
    "GitHub personal access tokens start with ghp_ and fine-grained ones with github_pat_; rotate them every 90 days.",
    "The password must be at least 12 characters and contain a number, an upper-case letter and a symbol.",
    "I rotated the database password this morning and put the new one in 1Password under 'Prod DB'.",
    "Das Passwort steht im Tresor, nicht im Chat – frag Jonas, wenn du Zugriff brauchst.",
    "La contraseña está en el gestor de secretos; no la pegues aquí.",
    "パスワードは Vault に保存してあります。チャットには書かないでください。",
    "We should never log tokens; the middleware already replaces them with [FILTERED].",
    "Your verification code has been sent to +49 *** *** 4821.",
    "Recovery codes were regenerated; the old ones no longer work. Store the new ones offline.",
    "The seed phrase is 12 or 24 words from the BIP-39 list; never type it into a website.",
    "Reset link: https://app.acme.io/reset?expires=3600 (sent to your email)",
    # other random-looking but public text
    f"data:image/png;base64,{base64.b64encode(_PNG_HEAD + _bytes('benign/x1', 90)).decode()}",
    f"uuid4() -> {_b('x2', _HEX, 8)}-{_b('x2b', _HEX, 4)}-4{_b('x2c', _HEX, 3)}-b{_b('x2d', _HEX, 3)}-{_b('x2e', _HEX, 12)}",
    f"Build {_b('x3', _UPNUM, 10)} published to TestFlight (version 3.4.1)",
    f"YouTube video https://www.youtube.com/watch?v={_b('x4', _B64U, 11)}",
    f"Shortened: https://bit.ly/{_b('x5', _ALNUM, 7)}",
    f"Pasted at https://gist.github.com/octodev/{_b('x6', _HEX, 32)}",
    f"ulid {_b('x7', '0123456789ABCDEFGHJKMNPQRSTVWXYZ', 26)} created",
    f"nonce={_b('x8', _HEX, 16)}&timestamp=1764150000",
    f'  "_resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz",\n  "_shasum": "{_b("x9", _HEX, 40)}"',
)

assert len(FRESH4) >= 200, len(FRESH4)
assert len(BENIGN_FRESH4) >= 80, len(BENIGN_FRESH4)
assert len({p.kind for p in FRESH4}) == len(FRESH4)
