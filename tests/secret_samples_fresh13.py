# ruff: noqa: RUF001
"""A thirteenth held-out set of planted secrets and look-alikes (issue 60).

Written on 2026-11-27 by a helper who never saw the redaction rules, their docs, the benchmarks or
the other sample sets. The values are fake, drawn deterministically from SHA-256 of the kind's name
(seed strings prefixed "fresh13:"); vendors' prefixes are built by concatenation so no
secret-shaped literal sits in this file. Each family holds one kind of place a secret turns up in a
coding agent's transcript (vendors' tokens, terminal sessions, config files, source code, logs,
chat in many languages, the agent's own prose, diffs, notebooks and data, pasted documentation,
encoded and split values, key material, and other hard but ordinary cases).

This set MEASURES only. It must never be used to write or tune rules.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import struct
import urllib.parse

from tests.secret_samples import Planted, mnemonic, wif

_LOWER = "abcdefghijklmnopqrstuvwxyz"
_UPPER = _LOWER.upper()
_DIGITS = "0123456789"
_ALNUM = _UPPER + _LOWER + _DIGITS
_HEXDIGITS = "0123456789abcdef"
_B64 = _ALNUM + "+/"
_B64URL = _ALNUM + "-_"
_B32 = _UPPER + "234567"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_SYMBOLS = "!#$%&*?@-_.+="

# Words people build passwords from, by language (ASCII spellings, as they are typed).
_WORDS = {
    "en": ("sunshine", "dragon", "monkey", "football", "princess", "shadow", "buster", "freedom", "summer", "cookie"),
    "de": ("sommer", "schatz", "mausi", "fussball", "sonnenschein", "schnecke", "bayern", "hasenbraten", "blume"),
    "fr": ("soleil", "chouchou", "doudou", "loulou", "marseille", "chaton", "nounours", "bisous", "papillon"),
    "es": ("tequiero", "corazon", "princesa", "mariposa", "barcelona", "chiquita", "estrella", "amorcito"),
    "pt": ("saudade", "flamengo", "felicidade", "gatinha", "corinthians", "benfica", "amorzinho", "saopaulo"),
    "it": ("juventus", "tesoro", "amore", "stellina", "napoli", "cucciolo", "forzainter", "girasole", "topolino"),
    "nl": ("welkom", "voetbal", "konijn", "zonnetje", "schatje", "feyenoord", "lieverd", "hondje", "tulpen"),
    "pl": ("kochanie", "misiek", "polska", "slonko", "kotek", "legia", "kwiatek", "zabka", "biedronka"),
    "tr": ("galatasaray", "fenerbahce", "sevgilim", "askim", "besiktas", "istanbul", "canim", "bitanem", "kartal"),
    "ru": ("privet", "solnyshko", "lubov", "zvezda", "kotenok", "spartak", "zenit", "malysh", "rybka"),
    "sv": ("sommar", "hejsan", "fotboll", "sverige", "kanelbulle", "solsken", "blomma", "hammarby", "kossan"),
    "id": ("sayang", "rahasia", "cinta", "bismillah", "persib", "kucing", "bintang", "rindu", "mawar"),
    "ja": ("sakura", "doraemon", "himitsu", "pikachu", "daisuki", "totoro", "naruto", "tamago", "hanabi"),
    "vi": ("matkhau", "anhyeuem", "emyeuanh", "saigon", "hanoi", "conmeo", "hoami", "thuongem", "bongda"),
    "hi": ("jaanu", "pyaar", "mahadev", "bharat", "krishna", "shona", "dilse", "ganesha", "sanam"),
    "fi": ("salasana", "kissa", "aurinko", "perkele", "mokki", "kesaloma", "jaakiekko", "koira", "tahti"),
    "cs": ("heslo", "kocicka", "pejsek", "sparta", "slunicko", "zlatko", "beruska", "miluju", "medvidek"),
    "ko": ("saranghae", "gomawo", "sarang", "bogosipda", "haengbok", "chingu", "kimchi", "hangul", "oppa"),
}
_NAMES = {
    "en": ("jessica", "michael", "ashley", "daniel", "olivia", "tyler"),
    "de": ("lukas", "sophie", "maximilian", "lena", "jonas", "anja"),
    "fr": ("camille", "louis", "manon", "hugo", "chloe", "mathis"),
    "es": ("alejandro", "lucia", "javier", "carmen", "sergio", "paula"),
    "pt": ("joao", "larissa", "gabriel", "beatriz", "thiago", "camila"),
    "it": ("giulia", "marco", "francesca", "alessandro", "chiara", "matteo"),
    "pl": ("kasia", "tomek", "agnieszka", "piotr", "zosia", "bartek"),
    "tr": ("mehmet", "ayse", "emre", "zeynep", "burak", "elif"),
    "ru": ("sasha", "natasha", "dima", "olga", "vanya", "katya"),
    "ja": ("yuki", "haruto", "sakura", "ren", "aoi", "sota"),
    "hi": ("priya", "rahul", "anjali", "arjun", "neha", "vikram"),
    "nl": ("daan", "sanne", "bram", "femke", "thijs", "lotte"),
}
_WALKS = ("1qaz2wsx", "zaq12wsx", "qwertz", "azerty", "qazwsx", "1q2w3e4r", "asdfghjkl", "qweasdzxc", "q1w2e3r4t5")
_LEET = str.maketrans({"a": "@", "e": "3", "i": "1", "o": "0", "s": "5"})


class _G:
    """Draws one kind's fake values from SHA-256 streams of "fresh13:<kind>[/<n>]:<i>"."""

    def __init__(self, seed: str) -> None:
        self.seed = seed
        self.count = 0

    def raw(self, n: int) -> bytes:
        seed = self.seed if not self.count else f"{self.seed}/{self.count}"
        self.count += 1
        out = b""
        i = 0
        while len(out) < n:
            out += hashlib.sha256(f"fresh13:{seed}:{i}".encode()).digest()
            i += 1
        return out[:n]

    def of(self, alphabet: str, n: int) -> str:
        return "".join(alphabet[b % len(alphabet)] for b in self.raw(n))

    def alnum(self, n: int) -> str:
        return self.of(_ALNUM, n)

    def hex(self, n: int) -> str:
        return self.of(_HEXDIGITS, n)

    def hex_upper(self, n: int) -> str:
        return self.hex(n).upper()

    def low(self, n: int) -> str:
        return self.of(_LOWER + _DIGITS, n)

    def up(self, n: int) -> str:
        return self.of(_UPPER + _DIGITS, n)

    def b64(self, n: int) -> str:
        return self.of(_B64, n)

    def b64u(self, n: int) -> str:
        return self.of(_B64URL, n)

    def b32(self, n: int) -> str:
        return self.of(_B32, n)

    def digits(self, n: int) -> str:
        return self.of(_DIGITS, n)

    def bech32(self, n: int) -> str:
        return self.of(_BECH32, n)

    def num(self, lo: int, hi: int) -> int:
        return lo + int.from_bytes(self.raw(4), "big") % (hi - lo + 1)

    def pick(self, seq):
        return seq[self.num(0, len(seq) - 1)]

    def uuid(self) -> str:
        h = self.hex(32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:]}"

    def rpw(self, n: int = 16) -> str:
        """A generated password: letters, digits and symbols, at least one of each."""
        body = self.of(_ALNUM + _SYMBOLS, n - 4)
        return (
            self.pick(_UPPER)
            + body[: n // 2]
            + self.pick(_DIGITS)
            + self.pick("!#%&*?@")
            + body[n // 2 :]
            + self.pick(_LOWER)
        )

    def upw(self, n: int = 16) -> str:
        """A generated password whose symbols need no escaping in a URL's user information."""
        body = self.of(_ALNUM + "-_.~", n - 3)
        return self.pick(_UPPER) + body[: n // 2] + self.pick(_DIGITS) + body[n // 2 :] + self.pick(_LOWER)

    def pw(self, lang: str = "en", style: str = "season") -> str:
        """A password as people make them up, from words of `lang`."""
        words = _WORDS[lang]
        word = self.pick(words)
        year = self.num(1971, 2026)
        sym = self.pick("!?#.*@$%&")
        if style == "season":
            return word.capitalize() + str(year) + sym
        if style == "leet":
            return word.capitalize().translate(_LEET) + str(self.num(10, 99)) + sym
        if style == "phrase":
            others = [w for w in words if w != word]
            second = self.pick(others)
            third = self.pick([w for w in others if w != second])
            return self.pick(("-", ".", " ", "_")).join((word, second, third)) + str(self.num(2, 99))
        if style == "camel":
            others = [w for w in words if w != word]
            return word.capitalize() + self.pick(others).capitalize() + str(self.num(10, 99)) + sym
        if style == "pin":
            return self.digits(self.num(6, 8))
        if style == "walk":
            return self.pick(_WALKS) + str(self.num(100, 999)) + sym
        if style == "name":
            name = self.pick(_NAMES.get(lang, _NAMES["en"]))
            day, month = self.num(1, 28), self.num(1, 12)
            sep = self.pick(("", ".", "_"))
            return f"{name.capitalize()}{sep}{day:02d}{sep}{month:02d}{sep}{year}" + self.pick(("", "!", "*"))
        if style == "random":
            return self.rpw(self.num(12, 20))
        raise ValueError(style)


def _b64e(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)]


def _jwt(g: _G, payload: dict, alg: str = "HS256") -> str:
    header = _b64url(json.dumps({"alg": alg, "typ": "JWT"}, separators=(",", ":")).encode())
    body = _b64url(json.dumps(payload, separators=(",", ":")).encode())
    return f"{header}.{body}.{_b64url(g.raw(32 if alg.startswith('HS') else 64))}"


def _ssh_string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def _openssh_ed25519(g: _G, comment: str) -> tuple[str, list[str]]:
    """An OpenSSH ed25519 private key file (the real layout, random key bytes) and its lines that hold
    key material."""
    seed, pub, check = g.raw(32), g.raw(32), g.raw(4)
    pub_blob = _ssh_string(b"ssh-ed25519") + _ssh_string(pub)
    private = check + check + pub_blob + _ssh_string(seed + pub) + _ssh_string(comment.encode())
    private += bytes(range(1, 1 + (-len(private)) % 8))
    blob = b"openssh-key-v1\0" + _ssh_string(b"none") * 2 + _ssh_string(b"") + struct.pack(">I", 1)
    blob += _ssh_string(pub_blob) + _ssh_string(private)
    lines = _wrap(_b64e(blob), 70)
    text = "-----BEGIN OPENSSH " + "PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END OPENSSH " + "PRIVATE KEY-----"
    return text, lines[2:]


def _pem(g: _G, label: str, der_prefix: bytes, size: int) -> tuple[str, list[str]]:
    """A PEM block of `label` whose body starts with `der_prefix` and goes on with random bytes, and its
    body lines that hold random bytes (8 characters or more)."""
    lines = _wrap(_b64e(der_prefix + g.raw(size)), 64)
    text = f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----"
    return text, [line for line in lines if len(line) >= 8]


_RSA_DER = bytes.fromhex("308204a40201000282010100")
_EC_DER = bytes.fromhex("30770201010420")
_PKCS8_DER = bytes.fromhex("308204be020100300d06092a864886f70d0101010500048204a8")
_PKCS8_ED25519_DER = bytes.fromhex("302e020100300506032b657004220420")


class _Family:
    """The kinds of one family, each added right after `kind` names it."""

    def __init__(self) -> None:
        self.items: list[Planted] = []
        self.name = ""

    def kind(self, name: str) -> _G:
        self.name = name
        return _G(name)

    def add(self, line: str, *secrets: str, file_line: str = "") -> None:
        self.items.append(Planted(kind=self.name, line=line, secrets=tuple(secrets), file_line=file_line))

    def done(self) -> tuple[Planted, ...]:
        return tuple(self.items)


# 1. Vendors' and clouds' tokens, in env files, headers, CLI flags, config files and SDK calls.
def _vendor_tokens() -> tuple[Planted, ...]:
    f = _Family()

    g = f.kind("flyio_access_token_flag")
    t = "fm2" + "_" + g.b64(220)
    f.add(f'flyctl deploy --remote-only --access-token "FlyV1 {t}"', t)

    g = f.kind("render_bearer_curl")
    t = "rnd" + "_" + g.alnum(32)
    f.add(
        f'curl -s https://api.render.com/v1/services?limit=20 -H "Accept: application/json" -H "Authorization: Bearer {t}"',
        t,
    )

    g = f.kind("vercel_token_flag")
    t = g.alnum(24)
    f.add(f"npx vercel deploy --prod --yes --token {t} --scope acme-web", t)

    g = f.kind("cloudflare_token_env_prefix")
    t = g.b64u(40)
    f.add(f"CLOUDFLARE_ACCOUNT_ID=9a8f1c2e7b3d4f5a6c7e8d9f0a1b2c3d CLOUDFLARE_API_TOKEN={t} npx wrangler deploy", t)

    g = f.kind("cloudflare_global_key_headers")
    t = g.hex(37)
    f.add(
        'curl -X GET "https://api.cloudflare.com/client/v4/zones?name=example.org" \\\n'
        '     -H "X-Auth-Email: ops@example.org" \\\n'
        f'     -H "X-Auth-Key: {t}" \\\n'
        '     -H "Content-Type: application/json"',
        t,
    )

    g = f.kind("hcloud_cli_toml")
    t = g.alnum(64)
    f.add(f'active_context = "prod"\n\n[[contexts]]\n  name = "prod"\n  token = "{t}"\n', t)

    g = f.kind("scaleway_config_yaml")
    access, secret = "SCW" + g.up(17), g.uuid()
    f.add(
        f"access_key: {access}\nsecret_key: {secret}\ndefault_organization_id: {g.uuid()}\n"
        f"default_project_id: {g.uuid()}\ndefault_region: fr-par\ndefault_zone: fr-par-2\n",
        secret,
    )

    g = f.kind("ovh_conf_ini")
    app_key, app_secret, consumer = g.alnum(16), g.alnum(32), g.alnum(32)
    f.add(
        f"[default]\nendpoint=ovh-eu\n\n[ovh-eu]\napplication_key={app_key}\n"
        f"application_secret={app_secret}\nconsumer_key={consumer}\n",
        app_secret,
        consumer,
    )

    g = f.kind("yandex_oauth_yc_config")
    t = "y0" + "_" + "AgAAAAA" + g.b64u(48)
    f.add(
        f"yc config profile create prod && yc config set token {t} && yc config set folder-id b1g8s2ktq7e0v5n3c1jd", t
    )

    g = f.kind("tencent_tccli_configure")
    sid, skey = "AKID" + g.alnum(32), g.alnum(32)
    f.add(f"tccli configure set secretId {sid} secretKey {skey} region ap-guangzhou output json", sid, skey)

    g = f.kind("huawei_python_sdk_credentials")
    ak, sk = g.up(20), g.alnum(40)
    f.add(
        f'credentials = BasicCredentials(ak="{ak}", sk="{sk}", project_id="{g.hex(32)}")\n'
        'client = EcsClient.new_builder().with_credentials(credentials).with_region(EcsRegion.value_of("ap-southeast-1")).build()',
        sk,
    )

    g = f.kind("oci_config_pass_phrase")
    p = g.pw("nl", "camel")
    f.add(
        f"[DEFAULT]\nuser=ocid1.user.oc1..aaaaaaaa{g.low(52)}\n"
        "fingerprint=3c:9a:1f:70:42:be:5d:0e:88:a1:c4:2f:9b:e6:11:d7\n"
        f"tenancy=ocid1.tenancy.oc1..aaaaaaaa{g.low(52)}\nregion=eu-frankfurt-1\n"
        f"key_file=~/.oci/oci_api_key.pem\npass_phrase={p}\n",
        p,
    )

    g = f.kind("ibmcloud_login_apikey")
    t = g.b64u(44)
    f.add(f"ibmcloud login --apikey {t} -r eu-de -g default", t)

    g = f.kind("razorpay_client_auth_tuple")
    key_id, secret = "rzp" + "_live_" + g.alnum(14), g.alnum(24)
    f.add(
        f'client = razorpay.Client(auth=("{key_id}", "{secret}"))\nclient.set_app_details({{"title": "shop"}})', secret
    )

    g = f.kind("paystack_node_require")
    t = "sk" + "_live_" + g.hex(40)
    f.add(
        f"const paystack = require('paystack-api')('{t}');\nconst tx = await paystack.transaction.list({{ perPage: 20 }});",
        t,
    )

    g = f.kind("mollie_php_set_api_key")
    t = "live" + "_" + g.alnum(30)
    f.add(f'$mollie = new \\Mollie\\Api\\MollieApiClient();\n$mollie->setApiKey("{t}");', t)

    g = f.kind("adyen_java_client")
    t = "AQE" + g.b64(90) + "=-" + g.b64(43) + "=-" + g.alnum(16)
    f.add(f'Client client = new Client("{t}", Environment.LIVE, "1797a841fbb37ca7-AcmeShop");', t)

    g = f.kind("flutterwave_env_line")
    t = "FLWSECK" + "-" + g.hex(32) + "-X"
    f.add(f"FLW_PUBLIC_KEY=FLWPUBK-{g.hex(32)}-X\nFLW_SECRET_KEY={t}\nFLW_ENCRYPTION_KEY={g.hex(24)}", t)

    g = f.kind("paypal_oauth_client_credentials")
    cid, secret = "A" + g.b64u(79), "E" + g.b64u(79)
    f.add(
        f'curl -v -X POST "https://api-m.paypal.com/v1/oauth2/token" -u "{cid}:{secret}" '
        '-H "Content-Type: application/x-www-form-urlencoded" -d "grant_type=client_credentials"',
        secret,
    )

    g = f.kind("circleci_token_header")
    t = "CCIPAT" + "_" + g.alnum(22) + "_" + g.hex(40)
    f.add(f'curl -s --header "Circle-Token: {t}" https://circleci.com/api/v2/me | jq .login', t)

    g = f.kind("buildkite_agent_cfg")
    t = g.hex(50)
    f.add(
        f'token="{t}"\nname="%hostname-%spawn"\ntags="queue=deploy,os=linux"\nbuild-path="/var/lib/buildkite-agent/builds"',
        t,
    )

    g = f.kind("travis_api_token_header")
    t = g.b64u(22)
    f.add(
        f'curl -s -H "Travis-API-Version: 3" -H "Authorization: token {t}" https://api.travis-ci.com/repo/acme%2Fweb/builds',
        t,
    )

    g = f.kind("jenkins_api_token_basic_trigger")
    t = "11" + g.hex(32)
    f.add(f'curl -X POST -u ci-bot:{t} "https://jenkins.acme.dev/job/deploy/buildWithParameters?ENV=prod"', t)

    g = f.kind("codecov_token_in_workflow")
    t = g.uuid()
    f.add(
        f"      - uses: codecov/codecov-action@v4\n        with:\n          files: ./coverage.xml\n          token: {t}\n          fail_ci_if_error: true",
        t,
    )

    g = f.kind("azure_devops_pat_export")
    t = g.of("abcdefghijklmnopqrstuvwxyz234567", 52)
    f.add(
        f"export AZURE_DEVOPS_EXT_PAT={t}\naz devops configure --defaults organization=https://dev.azure.com/acme project=web",
        t,
    )

    g = f.kind("quay_robot_docker_login")
    t = g.up(64)
    f.add(f'docker login -u="acme+deployer" -p="{t}" quay.io', t)

    g = f.kind("jfrog_reference_token_cli")
    t = "cmVmdGtuOjAxOjE3" + g.alnum(48)
    f.add(f"jf c add prod --url=https://acme.jfrog.io --access-token={t} --interactive=false", t)

    g = f.kind("cloudsmith_push_key_flag")
    t = g.hex(40)
    f.add(f"cloudsmith push python acme/pypi dist/acme_sdk-2.4.0-py3-none-any.whl -k {t}", t)

    g = f.kind("rubygems_credentials_file")
    t = "rubygems" + "_" + g.hex(48)
    f.add(f"---\n:rubygems_api_key: {t}\n", t)

    g = f.kind("nuget_push_api_key")
    t = "oy2" + g.low(43)
    f.add(
        f"dotnet nuget push bin/Release/Acme.Core.3.1.0.nupkg --api-key {t} --source https://api.nuget.org/v3/index.json",
        t,
    )

    g = f.kind("mistral_python_client")
    t = g.alnum(32)
    f.add(f'from mistralai import Mistral\nclient = Mistral(api_key="{t}")', t)

    g = f.kind("perplexity_lowercase_header")
    t = "pplx" + "-" + g.alnum(48)
    f.add(
        "curl --request POST --url https://api.perplexity.ai/chat/completions "
        f"--header 'accept: application/json' --header 'authorization: Bearer {t}' --data @q.json",
        t,
    )

    g = f.kind("together_v1_key_envrc")
    t = "tgp" + "_v1_" + g.b64u(43)
    f.add(f"# .envrc\nexport TOGETHER_API_KEY='{t}'\nlayout python3", t)

    g = f.kind("elevenlabs_xi_header")
    t = "sk" + "_" + g.hex(48)
    f.add(
        "curl -X POST https://api.elevenlabs.io/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM "
        f'-H "xi-api-key: {t}" -H "Content-Type: application/json" -d \'{{"text": "hello"}}\' -o out.mp3',
        t,
    )

    g = f.kind("gemini_goog_api_key_header")
    t = "AIza" + g.b64u(35)
    f.add(
        'curl "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent" '
        f"-H 'x-goog-api-key: {t}' -H 'Content-Type: application/json' -X POST -d @prompt.json",
        t,
    )

    g = f.kind("pinecone_sdk_init")
    t = "pcsk" + "_" + g.alnum(5) + "_" + g.alnum(60)
    f.add(f'pc = Pinecone(api_key="{t}")\nindex = pc.Index("docs-prod")', t)

    g = f.kind("algolia_admin_key_js")
    t = g.hex(32)
    f.add(
        f"const client = algoliasearch('{g.up(10)}', '{t}');\nawait client.clearObjects({{ indexName: 'products' }});",
        t,
    )

    g = f.kind("contentful_management_token_flag")
    t = "CFPAT" + "-" + g.b64u(43)
    f.add(f"contentful space export --space-id 8xk2q9w1m3z7 --management-token {t} --export-dir ./backup", t)

    g = f.kind("postmark_server_token_header")
    t = g.uuid()
    f.add(
        'curl "https://api.postmarkapp.com/email" -X POST -H "Accept: application/json" '
        f'-H "X-Postmark-Server-Token: {t}" -d @mail.json',
        t,
    )

    g = f.kind("kakao_ak_scheme")
    t = g.hex(32)
    f.add(
        f'curl -G "https://dapi.kakao.com/v2/local/search/address.json" -H "Authorization: KakaoAK {t}" --data-urlencode "query=판교역로 166"',
        t,
    )

    g = f.kind("mercadopago_sdk_configure")
    t = "APP" + "_USR-" + g.digits(16) + "-" + g.digits(6) + "-" + g.hex(32) + "-" + g.digits(9)
    f.add(f"const client = new MercadoPagoConfig({{ accessToken: '{t}', options: {{ timeout: 5000 }} }});", t)

    g = f.kind("midtrans_server_key_basic")
    key = "Mid" + "-server-" + g.b64u(24)
    basic = _b64e((key + ":").encode())
    f.add(
        f'curl https://api.midtrans.com/v2/charge -H "Accept: application/json" -H "Authorization: Basic {basic}"',
        basic,
    )

    g = f.kind("wechat_token_query_secret")
    t = g.hex(32)
    f.add(
        f'curl "https://api.weixin.qq.com/cgi-bin/token?grant_type=client_credential&appid=wx{g.hex(16)}&secret={t}"',
        t,
    )

    g = f.kind("yandex_cloud_api_key_scheme")
    t = "AQVN" + g.b64u(36)
    f.add(
        f'curl -H "Authorization: Api-Key {t}" -d @body.json https://llm.api.cloud.yandex.net/foundationModels/v1/completion',
        t,
    )

    return f.done()


# 2. Terminal sessions: commands and what they print.
def _terminal() -> tuple[Planted, ...]:
    f = _Family()

    g = f.kind("aws_sts_assume_role_json")
    key_id, secret, session = "ASIA" + g.up(16), g.b64(40), "IQoJb3JpZ2luX2Vj" + g.b64(300)
    f.add(
        "$ aws sts assume-role --role-arn arn:aws:iam::123456789012:role/deploy --role-session-name ci\n"
        "{\n"
        '    "Credentials": {\n'
        f'        "AccessKeyId": "{key_id}",\n'
        f'        "SecretAccessKey": "{secret}",\n'
        f'        "SessionToken": "{session}",\n'
        '        "Expiration": "2026-11-27T14:03:11+00:00"\n'
        "    },\n"
        '    "AssumedRoleUser": {"AssumedRoleId": "AROAXXXXXXXXXXXXXXXXX:ci", "Arn": "arn:aws:sts::123456789012:assumed-role/deploy/ci"}\n'
        "}",
        key_id,
        secret,
        session,
    )

    g = f.kind("aws_create_access_key_table")
    key_id, secret = "AKIA" + g.up(16), g.b64(40)
    f.add(
        "$ aws iam create-access-key --user-name svc-backup --output table\n"
        "-----------------------------------------------------------------------------------\n"
        "|                               CreateAccessKey                                   |\n"
        "+---------------------------------------------------------------------------------+\n"
        "||                                  AccessKey                                    ||\n"
        "|+----------------+-----------------------------------------+---------+----------+|\n"
        "||  AccessKeyId   |            SecretAccessKey              | Status  | UserName ||\n"
        "|+----------------+-----------------------------------------+---------+----------+|\n"
        f"||  {key_id}  |  {secret}  |  Active | svc-backup ||\n"
        "|+----------------+-----------------------------------------+---------+----------+|",
        key_id,
        secret,
    )

    g = f.kind("gcloud_print_access_token")
    t = "ya29" + ".a0" + g.b64u(180)
    f.add(f"$ gcloud auth print-access-token\n{t}\n$ ", t)

    g = f.kind("az_sp_create_for_rbac_output")
    secret = g.b64u(6) + "~" + g.b64u(33)
    f.add(
        "$ az ad sp create-for-rbac --name gh-deployer --role contributor --scopes /subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333\n"
        "Creating 'contributor' role assignment under scope '/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333'\n"
        "{\n"
        f'  "appId": "{g.uuid()}",\n'
        '  "displayName": "gh-deployer",\n'
        f'  "password": "{secret}",\n'
        f'  "tenant": "{g.uuid()}"\n'
        "}",
        secret,
    )

    g = f.kind("vault_kv_get_table")
    p = g.pw("de", "leet")
    f.add(
        "$ vault kv get -mount=secret app/prod/db\n"
        "====== Secret Path ======\nsecret/data/app/prod/db\n\n"
        "======= Metadata =======\nKey                Value\n---                -----\n"
        "created_time       2026-11-20T09:12:44.21Z\nversion            7\n\n"
        "====== Data ======\nKey         Value\n---         -----\n"
        f"password    {p}\nusername    app_rw",
        p,
    )

    g = f.kind("vault_token_create_table")
    t = "hvs" + "." + g.b64u(24)
    accessor = g.alnum(24)
    f.add(
        "$ vault token create -policy=deploy -ttl=24h\n"
        "Key                  Value\n---                  -----\n"
        f"token                {t}\ntoken_accessor       {accessor}\ntoken_duration       24h\n"
        'token_renewable      true\ntoken_policies       ["default" "deploy"]',
        t,
    )

    g = f.kind("kubectl_secret_jsonpath_decode")
    p = g.rpw(20)
    enc = _b64e(p.encode())
    f.add(
        f"$ kubectl get secret pg-app -n data -o jsonpath='{{.data.password}}'\n{enc}\n"
        f"$ kubectl get secret pg-app -n data -o jsonpath='{{.data.password}}' | base64 -d; echo\n{p}",
        enc,
        p,
    )

    g = f.kind("kubectl_describe_pod_env")
    p, t = g.rpw(18), g.alnum(40)
    f.add(
        "$ kubectl describe pod api-7d9f8c6b5-x2lqp -n prod | sed -n '/Environment:/,/Mounts:/p'\n"
        "    Environment:\n"
        "      NODE_ENV:             production\n"
        f"      DATABASE_PASSWORD:    {p}\n"
        f"      INTERNAL_API_TOKEN:   {t}\n"
        "      REDIS_HOST:           redis-master.data.svc\n"
        "    Mounts:",
        p,
        t,
    )

    g = f.kind("docker_inspect_env_array")
    p = g.pw("pt", "season")
    f.add(
        "$ docker inspect --format '{{json .Config.Env}}' pg16 | jq .\n"
        "[\n"
        f'  "POSTGRES_PASSWORD={p}",\n'
        '  "POSTGRES_USER=loja",\n'
        '  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/16/bin",\n'
        '  "PGDATA=/var/lib/postgresql/data"\n'
        "]",
        p,
    )

    g = f.kind("docker_run_env_flags")
    p = g.pw("it", "camel")
    f.add(
        f"docker run -d --name mariadb -e MARIADB_ROOT_PASSWORD='{p}' -e MARIADB_DATABASE=gestionale -p 3306:3306 mariadb:11",
        p,
    )

    g = f.kind("env_grep_output")
    t1, t2 = g.alnum(36), g.hex(40)
    f.add(
        f"$ env | grep -i -E 'key|token'\nGPG_KEY=7169605F62C751356D054A26A821E680E5FA6305\n"
        f"SEGMENT_WRITE_KEY={t1}\nGITHUB_TOKEN_ORG_SCOPE=\nDD_APP_KEY={t2}",
        t1,
        t2,
    )

    g = f.kind("printenv_single_value")
    p = g.rpw(24)
    f.add(f"$ printenv SMTP_PASS\n{p}\n$ printenv SMTP_USER\nnoreply@acme.dev", p)

    g = f.kind("windows_cmd_set_output")
    p = g.pw("fr", "season")
    f.add(
        "C:\\Users\\deploy> set DB\nDB_HOST=sqlprod01.corp.local\nDB_NAME=Compta\n"
        f"DB_PASS={p}\nDB_USER=svc_compta\n\nC:\\Users\\deploy>",
        p,
    )

    g = f.kind("powershell_env_drive_table")
    t = g.b64(44)
    f.add(
        "PS C:\\> Get-ChildItem Env: | Where-Object Name -like '*STORAGE*'\n\n"
        "Name                           Value\n----                           -----\n"
        "AZURE_STORAGE_ACCOUNT          acmebackups\n"
        f"AZURE_STORAGE_KEY              {t}",
        t,
    )

    g = f.kind("psql_alter_role_prompt")
    p = g.pw("sv", "phrase")
    f.add(
        f"app=# ALTER ROLE reporting WITH LOGIN PASSWORD '{p}' VALID UNTIL '2027-01-01';\nALTER ROLE\napp=# \\q",
        p,
    )

    g = f.kind("mysql_create_user_prompt")
    p = g.pw("es", "leet")
    f.add(
        f"mysql> CREATE USER 'metabase'@'10.0.%' IDENTIFIED BY '{p}';\nQuery OK, 0 rows affected (0.02 sec)\n\n"
        "mysql> GRANT SELECT ON ventas.* TO 'metabase'@'10.0.%';",
        p,
    )

    g = f.kind("mongosh_create_user")
    p = g.rpw(16)
    f.add(
        f'rs0 [direct: primary] admin> db.createUser({{ user: "etl", pwd: "{p}", roles: [{{ role: "readWrite", db: "events" }}] }})\n'
        "{ ok: 1, '$clusterTime': { clusterTime: Timestamp({ t: 1764230400, i: 1 }) } }",
        p,
    )

    g = f.kind("redis_cli_auth_and_config_get")
    p = g.alnum(32)
    f.add(
        f'127.0.0.1:6379> AUTH default {p}\nOK\n127.0.0.1:6379> CONFIG GET requirepass\n1) "requirepass"\n2) "{p}"',
        p,
    )

    g = f.kind("password_typed_at_shell_prompt")
    p = g.pw("tr", "season")
    f.add(
        "$ ssh deploy@10.20.0.14\ndeploy@10.20.0.14's password: \nConnection closed by 10.20.0.14 port 22\n"
        f"$ {p}\nbash: {p}: command not found",
        p,
    )

    g = f.kind("sudo_password_echoed_to_history")
    p = g.pw("pl", "name")
    f.add(f"$ history | tail -n 3\n  501  sudo -k\n  502  {p}\n  503  sudo systemctl restart nginx", p)

    g = f.kind("rsync_password_env")
    p = g.pw("fi", "camel")
    f.add(f"RSYNC_PASSWORD='{p}' rsync -avz --delete ./dist/ rsync://backup@nas.lan/www/", p)

    g = f.kind("curl_password_grant_form")
    p = g.pw("en", "walk")
    f.add(
        "curl -s -X POST https://auth.acme.dev/realms/acme/protocol/openid-connect/token "
        f"-d grant_type=password -d client_id=cli -d username=jenny -d 'password={p}' | jq -r .access_token",
        p,
    )

    g = f.kind("httpie_header_items")
    t = g.alnum(40)
    f.add(f"http POST https://api.acme.dev/v2/jobs X-API-Key:{t} name=reindex priority:=3", t)

    g = f.kind("git_remote_v_token")
    t = "glpat" + "-" + g.b64u(20)
    f.add(
        f"$ git remote -v\norigin\thttps://oauth2:{t}@gitlab.acme.dev/platform/infra.git (fetch)\n"
        f"origin\thttps://oauth2:{t}@gitlab.acme.dev/platform/infra.git (push)",
        t,
    )

    g = f.kind("git_config_extraheader_list")
    basic = _b64e(("x-access-token:" + "ghs" + "_" + g.alnum(36)).encode())
    f.add(
        "$ git config --list --show-origin | grep extraheader\n"
        f"file:.git/config        http.https://github.com/.extraheader=AUTHORIZATION: basic {basic}",
        basic,
    )

    g = f.kind("git_credential_fill_output")
    t = "gho" + "_" + g.alnum(36)
    f.add(
        "$ printf 'protocol=https\\nhost=github.com\\n\\n' | git credential fill\n"
        f"protocol=https\nhost=github.com\nusername=octo-dev\npassword={t}",
        t,
    )

    g = f.kind("heroku_config_output")
    p = g.low(64)
    f.add(
        "$ heroku config -a acme-api\n=== acme-api Config Vars\n"
        f"DATABASE_URL: postgres://u{g.low(13)}:{p}@ec2-3-210-55-12.compute-1.amazonaws.com:5432/d{g.low(13)}\n"
        "NODE_ENV:     production",
        p,
    )

    g = f.kind("flyctl_postgres_create_output")
    p = g.alnum(16)
    f.add(
        "$ fly postgres create --name acme-db --region fra\n...\nPostgres cluster acme-db created\n"
        "  Username:    postgres\n"
        f"  Password:    {p}\n"
        "  Hostname:    acme-db.internal\n  Proxy port:  5432\n"
        f"  Connection string: postgres://postgres:{p}@acme-db.flycast:5432\n"
        "Save your credentials in a secure place -- you won't be able to see them again!",
        p,
    )

    g = f.kind("supabase_status_keys")
    jwt = _jwt(g, {"iss": "supabase-demo", "role": "service_role", "exp": 1983812996})
    p = g.alnum(20)
    f.add(
        "$ supabase status\n         API URL: http://127.0.0.1:54321\n"
        f"          DB URL: postgresql://postgres:{p}@127.0.0.1:54322/postgres\n"
        f"service_role key: {jwt}",
        jwt,
        p,
    )

    g = f.kind("openssl_enc_pass_arg")
    p = g.pw("ja", "camel")
    f.add(f"openssl enc -aes-256-cbc -pbkdf2 -salt -in db.sql -out db.sql.enc -pass pass:{p}", p)

    g = f.kind("gpg_batch_passphrase")
    p = g.pw("en", "phrase")
    f.add(f'gpg --batch --yes --pinentry-mode loopback --passphrase "{p}" -d backup-2026-11.tar.gpg | tar x', p)

    g = f.kind("ldapsearch_bind_w")
    p = g.rpw(14)
    f.add(
        f"ldapsearch -x -H ldaps://dc1.corp.local -D 'CN=svc-ldap,OU=Service,DC=corp,DC=local' -w '{p}' -b 'DC=corp,DC=local' '(sAMAccountName=jdoe)'",
        p,
    )

    g = f.kind("rclone_config_show")
    key_id, secret = g.alnum(25), g.b64(31)
    f.add(
        f"$ rclone config show b2\n[b2]\ntype = b2\naccount = {key_id}\nkey = {secret}\nhard_delete = true",
        key_id,
        secret,
    )

    g = f.kind("terraform_output_json_sensitive")
    p = g.rpw(22)
    f.add(
        "$ terraform output -json db\n"
        f'{{"sensitive":true,"type":["object",{{"host":"string","password":"string"}}],"value":{{"host":"db.internal","password":"{p}"}}}}',
        p,
    )

    g = f.kind("aws_secretsmanager_secretstring")
    p = g.rpw(28)
    f.add(
        "$ aws secretsmanager get-secret-value --secret-id prod/api/db --query SecretString --output text\n"
        f'{{"username":"api","password":"{p}","engine":"postgres","host":"prod-db.cluster-c9akciq32.eu-west-1.rds.amazonaws.com","port":5432}}',
        p,
    )

    g = f.kind("ssm_get_parameter_decrypted")
    t = g.b64u(64)
    f.add(
        "$ aws ssm get-parameter --name /prod/stripe/webhook --with-decryption\n"
        '{\n    "Parameter": {\n        "Name": "/prod/stripe/webhook",\n        "Type": "SecureString",\n'
        f'        "Value": "whsec_{t}",\n        "Version": 3\n    }}\n}}',
        t,
    )

    g = f.kind("npm_token_create_table")
    t = "npm" + "_" + g.alnum(36)
    f.add(
        "$ npm token create --read-only\n"
        "┌────────────────┬──────────────────────────────────────────┐\n"
        f"│ token          │ {t} │\n"
        "├────────────────┼──────────────────────────────────────────┤\n"
        "│ readonly       │ true                                     │\n"
        "│ created        │ 2026-11-27T10:41:09.112Z                 │\n"
        "└────────────────┴──────────────────────────────────────────┘",
        t,
    )

    g = f.kind("az_storage_keys_list_table")
    k1, k2 = g.b64(86) + "==", g.b64(86) + "=="
    f.add(
        "$ az storage account keys list -g rg-data -n acmelake -o table\n"
        "CreationTime                      KeyName    Permissions    Value\n"
        "--------------------------------  ---------  -------------  ----------\n"
        f"2026-03-02T08:11:45.912871+00:00  key1       FULL           {k1}\n"
        f"2026-03-02T08:11:45.912871+00:00  key2       FULL           {k2}",
        k1,
        k2,
    )

    g = f.kind("keepassxc_cli_show")
    p = g.rpw(20)
    f.add(
        "$ keepassxc-cli show -s ~/vault.kdbx Infra/Router\nEnter password to unlock /home/me/vault.kdbx: \n"
        f"Title: Router\nUserName: admin\nPassword: {p}\nURL: https://192.168.1.1\nNotes: ",
        p,
    )

    g = f.kind("bitwarden_cli_get_password")
    p = g.pw("id", "camel")
    f.add(f"$ bw get password 'VPS hostinger root'\n{p}\n$ bw lock", p)

    g = f.kind("ps_aux_process_args")
    p = g.rpw(16)
    f.add(
        "$ ps aux | grep [b]ackup\n"
        f"root      8123  2.1  0.4 112340 18232 ?  S  03:00  0:04 /usr/bin/mysqldump -h db01 -u backup --password={p} --all-databases",
        p,
    )

    g = f.kind("cmdkey_and_net_use")
    p = g.pw("nl", "season")
    f.add(
        f"C:\\> net use Z: \\\\fs01\\projects {p} /user:CORP\\svc_build /persistent:no\nThe command completed successfully.",
        p,
    )

    g = f.kind("minio_mc_alias_set")
    access, secret = g.up(20), g.b64(40)
    f.add(f"mc alias set backup https://s3.lan:9000 {access} {secret} --api S3v4\nAdded `backup` successfully.", secret)

    g = f.kind("expect_script_send")
    p = g.pw("fr", "leet")
    f.add(
        '#!/usr/bin/expect -f\nspawn ssh admin@switch-core-01\nexpect "password:"\n'
        f'send "{p}\\r"\nexpect "#"\nsend "show running-config\\r"\ninteract',
        p,
    )

    return f.done()


# 3. Config formats and connection strings.
def _configs() -> tuple[Planted, ...]:
    f = _Family()

    g = f.kind("spring_yaml_nested_datasource")
    p = g.pw("de", "season")
    f.add(
        "spring:\n  datasource:\n    url: jdbc:postgresql://pg-main:5432/lager\n    username: lager_app\n"
        f"    password: {p}\n  jpa:\n    hibernate:\n      ddl-auto: validate",
        p,
    )

    g = f.kind("spring_mail_properties")
    p = g.alnum(16)
    f.add(
        "spring.mail.host=smtp.office365.com\nspring.mail.port=587\nspring.mail.username=noreply@acme.dev\n"
        f"spring.mail.password={p}\nspring.mail.properties.mail.smtp.starttls.enable=true",
        p,
    )

    g = f.kind("cargo_credentials_toml")
    t = "cio" + g.alnum(32)
    f.add(f'[registry]\ntoken = "{t}"\n\n[registries.acme]\ntoken = "Bearer {g.alnum(40)}"', t)

    g = f.kind("poetry_auth_toml")
    p = g.rpw(18)
    f.add(f'[http-basic.acme]\nusername = "ci"\npassword = "{p}"', p)

    g = f.kind("odoo_conf_admin_passwd")
    p1, p2 = g.pw("fr", "camel"), g.rpw(16)
    f.add(
        f"[options]\naddons_path = /mnt/extra-addons\nadmin_passwd = {p1}\ndb_host = db\ndb_port = 5432\n"
        f"db_user = odoo\ndb_password = {p2}\nlist_db = False",
        p1,
        p2,
    )

    g = f.kind("maven_settings_server")
    p = g.rpw(20)
    f.add(
        "<settings>\n  <servers>\n    <server>\n      <id>nexus-releases</id>\n      <username>deployment</username>\n"
        f"      <password>{p}</password>\n    </server>\n  </servers>\n</settings>",
        p,
    )

    g = f.kind("nuget_config_cleartext")
    p = g.alnum(52)
    f.add(
        '<packageSourceCredentials>\n  <AcmeFeed>\n    <add key="Username" value="build" />\n'
        f'    <add key="ClearTextPassword" value="{p}" />\n  </AcmeFeed>\n</packageSourceCredentials>',
        p,
    )

    g = f.kind("tomcat_users_xml")
    p = g.pw("it", "season")
    f.add(
        '<tomcat-users xmlns="http://tomcat.apache.org/xml" version="1.0">\n'
        '  <role rolename="manager-gui"/>\n'
        f'  <user username="tcadmin" password="{p}" roles="manager-gui,admin-gui"/>\n'
        "</tomcat-users>",
        p,
    )

    g = f.kind("web_config_connection_strings")
    p = g.pw("en", "camel")
    f.add(
        "<connectionStrings>\n"
        f'  <add name="Default" connectionString="Data Source=sql01;Initial Catalog=Crm;User ID=crm_web;Password={p};MultipleActiveResultSets=True" providerName="System.Data.SqlClient" />\n'
        "</connectionStrings>",
        p,
    )

    g = f.kind("java_properties_xml_entry")
    p = g.rpw(15)
    f.add(
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE properties SYSTEM "http://java.sun.com/dtd/properties.dtd">\n'
        f'<properties>\n  <entry key="jdbc.user">batch</entry>\n  <entry key="jdbc.secret">{p}</entry>\n</properties>',
        p,
    )

    g = f.kind("terraform_provider_block")
    p = g.rpw(24)
    f.add(
        'provider "postgresql" {\n  host            = "pg.internal"\n  port            = 5432\n'
        f'  username        = "tf_admin"\n  password        = "{p}"\n  sslmode         = "require"\n}}',
        p,
    )

    g = f.kind("terraform_variable_default")
    t = g.hex(32)
    f.add(f'variable "datadog_api_key" {{\n  type    = string\n  default = "{t}"\n}}', t)

    g = f.kind("json5_unquoted_keys")
    t = g.alnum(40)
    f.add(
        "{\n  // staging only, rotate before launch\n  endpoint: 'https://api.staging.acme.dev',\n"
        f"  apiKey: '{t}',\n  retries: 3,\n}}",
        t,
    )

    g = f.kind("nginx_proxy_set_header_key")
    t = g.alnum(32)
    f.add(
        "location /upstream/ {\n    proxy_pass https://partner.example.net/;\n"
        f'    proxy_set_header X-Api-Key "{t}";\n    proxy_set_header Host partner.example.net;\n}}',
        t,
    )

    g = f.kind("apache_request_header_bearer")
    t = g.b64u(48)
    f.add(
        "<Location /reports>\n    ProxyPass http://127.0.0.1:9000/\n"
        f'    RequestHeader set Authorization "Bearer {t}"\n</Location>',
        t,
    )

    g = f.kind("haproxy_userlist_and_stats")
    p1, p2 = g.pw("sv", "season"), g.pw("en", "leet")
    f.add(
        f"userlist ops\n    user admin insecure-password {p1}\n\n"
        f"listen stats\n    bind :8404\n    stats enable\n    stats uri /stats\n    stats auth admin:{p2}",
        p1,
        p2,
    )

    g = f.kind("systemd_environment_quoted")
    p = g.upw(18)
    f.add(
        "[Service]\nUser=app\n"
        f'Environment="DATABASE_URL=postgresql://app:{p}@127.0.0.1:5432/app" "RUST_LOG=info"\n'
        "ExecStart=/opt/app/bin/server\nRestart=on-failure",
        p,
    )

    g = f.kind("compose_environment_list")
    p = g.pw("es", "season")
    f.add(
        "services:\n  rabbitmq:\n    image: rabbitmq:3.13-management\n    environment:\n"
        f'      - RABBITMQ_DEFAULT_USER=pedidos\n      - RABBITMQ_DEFAULT_PASS={p}\n    ports:\n      - "15672:15672"',
        p,
    )

    g = f.kind("compose_healthcheck_inline_password")
    p = g.rpw(14)
    f.add(
        "    healthcheck:\n"
        f'      test: ["CMD", "mysqladmin", "ping", "-h", "localhost", "-uroot", "-p{p}"]\n'
        "      interval: 10s\n      retries: 5",
        p,
    )

    g = f.kind("k8s_secret_stringdata")
    p, t = g.rpw(20), g.alnum(48)
    f.add(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: billing\n  namespace: prod\ntype: Opaque\nstringData:\n"
        f"  DB_PASSWORD: '{p}'\n  PSP_API_TOKEN: {t}",
        p,
        t,
    )

    g = f.kind("k8s_secret_data_base64")
    p, t = g.pw("pl", "camel"), g.alnum(40)
    ep, et = _b64e(p.encode()), _b64e(t.encode())
    f.add(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: sklep-db\ntype: Opaque\ndata:\n"
        f"  username: {_b64e(b'sklep')}\n  password: {ep}\n  api-token: {et}",
        ep,
        et,
    )

    g = f.kind("helm_values_bitnami_auth")
    p1, p2 = g.rpw(16), g.rpw(16)
    f.add(
        "postgresql:\n  enabled: true\n  auth:\n"
        f'    postgresPassword: "{p1}"\n    username: keycloak\n    password: "{p2}"\n    database: keycloak',
        p1,
        p2,
    )

    g = f.kind("ansible_inventory_ini_vars")
    p = g.pw("tr", "camel")
    f.add(
        "[web]\n"
        f"web01 ansible_host=10.0.1.11 ansible_user=deploy ansible_ssh_pass={p} ansible_become_pass={p}\n"
        "web02 ansible_host=10.0.1.12",
        p,
    )

    g = f.kind("npmrc_scoped_registry")
    t = "ghp" + "_" + g.alnum(36)
    f.add(f"@acme:registry=https://npm.pkg.github.com\n//npm.pkg.github.com/:_authToken={t}\nalways-auth=true", t)

    g = f.kind("npmrc_username_password_b64")
    p = g.rpw(16)
    ep = _b64e(p.encode())
    f.add(
        "registry=https://nexus.acme.dev/repository/npm-group/\n"
        f"//nexus.acme.dev/repository/npm-group/:username=ci\n//nexus.acme.dev/repository/npm-group/:_password={ep}\n"
        "//nexus.acme.dev/repository/npm-group/:email=ci@acme.dev",
        ep,
    )

    g = f.kind("pypirc_testpypi_section")
    p = g.pw("fi", "season")
    f.add(
        "[distutils]\nindex-servers =\n    internal\n\n[internal]\nrepository = https://pypi.acme.dev/\n"
        f"username = uploader\npassword = {p}",
        p,
    )

    g = f.kind("netrc_one_line_many")
    p1, p2 = g.rpw(14), g.alnum(40)
    f.add(
        f"machine ftp.partner.de login acme password {p1}\nmachine api.heroku.com login ops@acme.dev password {p2}",
        p1,
        p2,
    )

    g = f.kind("pgpass_escaped_colon")
    a, b = g.alnum(6), g.alnum(8)
    written = a + "\\:" + b
    f.add(f"# hostname:port:database:username:password\npg-replica.lan:5432:*:replicator:{written}", written)

    g = f.kind("my_cnf_client_section")
    p = g.pw("ru", "camel")
    f.add(f'[client]\nuser = backup\npassword = "{p}"\nhost = 127.0.0.1\n\n[mysqldump]\nsingle-transaction', p)

    g = f.kind("git_credentials_store_file")
    p = g.rpw(16)
    enc = urllib.parse.quote(p, safe="")
    f.add(f"https://m.rossi:{enc}@bitbucket.org\nhttps://ci-bot:{g.alnum(20)}@git.acme.dev", enc)

    g = f.kind("pip_conf_extra_index")
    t = g.alnum(32)
    f.add(
        f"[global]\nindex-url = https://pypi.org/simple\nextra-index-url = https://__token__:{t}@pkgs.acme.dev/simple/",
        t,
    )

    g = f.kind("yarnrc_yml_npm_auth")
    t = g.uuid()
    f.add(
        f'npmScopes:\n  acme:\n    npmRegistryServer: "https://npm.acme.dev"\n    npmAuthToken: "{t}"\n    npmAlwaysAuth: true',
        t,
    )

    g = f.kind("gradle_properties_signing")
    p1, p2 = g.rpw(18), g.pw("de", "phrase")
    f.add(
        f"ossrhUsername=acme-release\nossrhPassword={p1}\nsigning.keyId=24875D73\n"
        f"signing.password={p2}\nsigning.secretKeyRingFile=/home/ci/.gnupg/secring.gpg",
        p1,
        p2,
    )

    g = f.kind("ado_net_sql_connection_json")
    p = g.rpw(18)
    f.add(
        '{\n  "ConnectionStrings": {\n'
        f'    "Default": "Server=tcp:acme-sql.database.windows.net,1433;Initial Catalog=shop;User ID=shopapi;Password={p};Encrypt=True;"\n'
        '  },\n  "Logging": { "LogLevel": { "Default": "Information" } }\n}',
        p,
    )

    g = f.kind("oracle_tns_connection_string")
    p = g.pw("en", "season")
    f.add(
        f"User Id=HR_APP;Password={p};Data Source=(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=ora-prod)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=HRPDB)))",
        p,
    )

    g = f.kind("odbc_dsn_pwd_braces")
    p = g.rpw(14)
    f.add(
        f"DRIVER={{ODBC Driver 18 for SQL Server}};SERVER=bi-sql;DATABASE=dwh;UID=powerbi;PWD={{{p}}};TrustServerCertificate=yes",
        p,
    )

    g = f.kind("amqps_url_vhost")
    p = g.alnum(24)
    f.add(f"CELERY_BROKER_URL=amqps://worker:{p}@b-1a2b3c4d.mq.eu-central-1.amazonaws.com:5671/%2Fprod", p)

    g = f.kind("kafka_sasl_jaas_config")
    p = g.b64(40)
    f.add(
        "bootstrap.servers=pkc-4r087.europe-west3.gcp.confluent.cloud:9092\nsecurity.protocol=SASL_SSL\nsasl.mechanism=PLAIN\n"
        f'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="{g.up(16)}" password="{p}";',
        p,
    )

    g = f.kind("snowflake_sqlalchemy_url")
    p = g.rpw(16)
    enc = urllib.parse.quote(p, safe="")
    f.add(
        f"SNOWFLAKE_URL=snowflake://DBT_USER:{enc}@xy12345.eu-central-1/ANALYTICS/PUBLIC?warehouse=TRANSFORM_WH&role=TRANSFORMER",
        enc,
    )

    g = f.kind("prometheus_scrape_basic_auth")
    p, t = g.rpw(16), g.alnum(40)
    f.add(
        "scrape_configs:\n  - job_name: node\n    basic_auth:\n      username: prom\n"
        f"      password: {p}\n  - job_name: app\n    authorization:\n      credentials: {t}",
        p,
        t,
    )

    g = f.kind("grafana_datasource_secure_json")
    p = g.pw("sv", "camel")
    f.add(
        "apiVersion: 1\ndatasources:\n  - name: Postgres\n    type: postgres\n    url: pg:5432\n    user: grafana\n"
        f"    secureJsonData:\n      password: '{p}'",
        p,
    )

    g = f.kind("rails_database_yml_erb_fallback")
    p = g.rpw(18)
    f.add(
        "production:\n  <<: *default\n  database: shop_production\n  username: shop\n"
        f'  password: <%= ENV.fetch("SHOP_DATABASE_PASSWORD") {{ "{p}" }} %>',
        p,
    )

    g = f.kind("redis_conf_requirepass_masterauth")
    p = g.hex(48)
    f.add(f"bind 0.0.0.0\nprotected-mode yes\nrequirepass {p}\nmasterauth {p}\nappendonly yes", p)

    g = f.kind("pgbouncer_userlist")
    p1, p2 = g.rpw(16), g.rpw(16)
    f.add(f'"app" "{p1}"\n"metabase" "{p2}"', p1, p2)

    g = f.kind("networkmanager_keyfile_psk")
    p = g.pw("de", "phrase")
    f.add(
        f"[connection]\nid=Buero-5G\ntype=wifi\n\n[wifi]\nssid=Buero-5G\n\n[wifi-security]\nkey-mgmt=wpa-psk\npsk={p}",
        p,
    )

    return f.done()


# 4. Source code in many languages.
def _source_code() -> tuple[Planted, ...]:
    f = _Family()

    g = f.kind("go_const_block")
    t = g.alnum(40)
    f.add(f'const (\n\tdefaultRegion = "eu-west-1"\n\tpartnerAPIKey = "{t}"\n\tmaxRetries    = 5\n)', t)

    g = f.kind("go_struct_literal_config")
    p = g.rpw(18)
    f.add(
        'cfg := &mysql.Config{\n\tUser:                 "orders",\n'
        f'\tPasswd:               "{p}",\n\tNet:                  "tcp",\n\tAddr:                 "10.1.2.3:3306",\n'
        '\tDBName:               "orders",\n\tAllowNativePasswords: true,\n}',
        p,
    )

    g = f.kind("go_sprintf_dsn")
    p = g.pw("en", "camel")
    f.add(f'dsn := fmt.Sprintf("postgres://%s:%s@%s/%s?sslmode=disable", "billing", "{p}", host, "billing")', p)

    g = f.kind("rust_const_str")
    t = g.alnum(48)
    f.add(f'const UPSTREAM_TOKEN: &str = "{t}";\n\nfn client() -> reqwest::Client {{ reqwest::Client::new() }}', t)

    g = f.kind("rust_reqwest_basic_auth_builder")
    p = g.rpw(16)
    f.add(
        f'let resp = client\n    .get("https://registry.acme.dev/v2/_catalog")\n    .basic_auth("puller", Some("{p}"))\n    .send()\n    .await?;',
        p,
    )

    g = f.kind("java_value_annotation_default")
    t = g.alnum(32)
    f.add(f'@Value("${{payments.gateway.secret:{t}}}")\nprivate String gatewaySecret;', t)

    g = f.kind("java_drivermanager_args")
    p = g.pw("it", "leet")
    f.add(
        f'Connection conn = DriverManager.getConnection("jdbc:mariadb://db.lan:3306/magazzino", "magazzino", "{p}");',
        p,
    )

    g = f.kind("java_keystore_tochararray")
    p = g.pw("de", "camel")
    f.add(
        f'KeyStore ks = KeyStore.getInstance("PKCS12");\ntry (InputStream in = Files.newInputStream(Path.of("client.p12"))) {{\n'
        f'    ks.load(in, "{p}".toCharArray());\n}}',
        p,
    )

    g = f.kind("kotlin_buildconfigfield_escaped")
    t = g.alnum(40)
    f.add(
        f'android {{\n    defaultConfig {{\n        buildConfigField("String", "BACKEND_KEY", "\\"{t}\\"")\n    }}\n}}',
        t,
    )

    g = f.kind("kotlin_data_class_default")
    p = g.rpw(16)
    f.add(
        f'data class SmtpSettings(\n    val host: String = "smtp.mailbox.org",\n    val user: String = "alerts@acme.dev",\n    val pass: String = "{p}",\n)',
        p,
    )

    g = f.kind("swift_enum_static_let")
    t = g.b64u(43)
    f.add(
        f'enum Secrets {{\n    static let webhookSigningSecret = "{t}"\n    static let environment = "production"\n}}',
        t,
    )

    g = f.kind("swift_urlcredential")
    p = g.pw("ja", "season")
    f.add(f'let credential = URLCredential(user: "kiosk", password: "{p}", persistence: .forSession)', p)

    g = f.kind("csharp_network_credential")
    p = g.pw("nl", "leet")
    f.add(
        f'var smtp = new SmtpClient("mail.acme.nl", 587) {{\n    Credentials = new NetworkCredential("facturen@acme.nl", "{p}"),\n    EnableSsl = true,\n}};',
        p,
    )

    g = f.kind("csharp_null_coalescing_fallback")
    t = g.b64(64)
    f.add(f'var signingKey = builder.Configuration["Jwt:Key"] ?? "{t}";', t)

    g = f.kind("php_pdo_constructor")
    p = g.pw("fr", "camel")
    f.add(
        f"$pdo = new PDO('mysql:host=127.0.0.1;dbname=boutique;charset=utf8mb4', 'boutique', '{p}', [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);",
        p,
    )

    g = f.kind("laravel_env_helper_default")
    t = "sk" + "_live_" + g.alnum(99)
    f.add(
        f"    'stripe' => [\n        'key' => env('STRIPE_KEY'),\n        'secret' => env('STRIPE_SECRET', '{t}'),\n    ],",
        t,
    )

    g = f.kind("ruby_net_smtp_start")
    p = g.rpw(16)
    f.add(
        f"Net::SMTP.start('smtp.sendgrid.net', 587, 'acme.dev', 'apikey', '{p}', :login) do |smtp|\n  smtp.send_message msg, from, to\nend",
        p,
    )

    g = f.kind("ruby_octokit_hash_arg")
    t = "ghp" + "_" + g.alnum(36)
    f.add(f'client = Octokit::Client.new(access_token: "{t}", per_page: 100)', t)

    g = f.kind("elixir_repo_config")
    p = g.rpw(20)
    f.add(f'config :shop, Shop.Repo,\n  username: "shop",\n  password: "{p}",\n  hostname: "db",\n  pool_size: 10', p)

    g = f.kind("elixir_endpoint_secret_key_base")
    t = g.b64(64)
    f.add(f'config :shop, ShopWeb.Endpoint,\n  url: [host: "shop.acme.dev", port: 443],\n  secret_key_base: "{t}"', t)

    g = f.kind("scala_typesafe_parse_string")
    p = g.pw("pt", "leet")
    f.add(f'val conf = ConfigFactory.parseString("""\n  db.user = "relatorios"\n  db.password = "{p}"\n""")', p)

    g = f.kind("dart_const_string")
    t = "pk" + "_live_" + g.alnum(24)
    s = "sk" + "_live_" + g.alnum(99)
    f.add(f"const String kStripePublishable = '{t}';\nconst String kStripeSecret = '{s}'; // TODO move to backend", s)

    g = f.kind("lua_openresty_redis_auth")
    p = g.alnum(24)
    f.add(
        f'local red = redis:new()\nred:set_timeouts(1000, 1000, 1000)\nlocal ok, err = red:connect("10.0.0.7", 6379)\nlocal res, err = red:auth("{p}")',
        p,
    )

    g = f.kind("r_sys_setenv")
    t = "sk" + "-proj-" + g.b64u(74)
    f.add(f'Sys.setenv(OPENAI_API_KEY = "{t}")\nlibrary(ellmer)\nchat <- chat_openai(model = "gpt-4o-mini")', t)

    g = f.kind("julia_libpq_keyword_dsn")
    p = g.rpw(16)
    f.add(f'conn = LibPQ.Connection("host=pg.lab dbname=sims user=julia password={p}")', p)

    g = f.kind("haskell_connectinfo_record")
    p = g.pw("cs", "leet")
    f.add(
        f'conn <- connect defaultConnectInfo\n  {{ connectHost = "db", connectUser = "haskell", connectPassword = "{p}", connectDatabase = "ledger" }}',
        p,
    )

    g = f.kind("bash_declare_readonly")
    t = g.alnum(44)
    f.add(
        f'#!/usr/bin/env bash\nset -euo pipefail\ndeclare -r UPLOAD_TOKEN=\'{t}\'\ncurl -fsS -T "$1" -H "X-Token: $UPLOAD_TOKEN" https://files.acme.dev/up/',
        t,
    )

    g = f.kind("powershell_securestring_plain")
    p = g.pw("sv", "camel")
    f.add(
        f'$pw = ConvertTo-SecureString "{p}" -AsPlainText -Force\n'
        '$cred = New-Object System.Management.Automation.PSCredential ("CORP\\svc_sql", $pw)\n'
        "Invoke-Command -ComputerName sql02 -Credential $cred -ScriptBlock { Get-Service MSSQLSERVER }",
        p,
    )

    g = f.kind("powershell_headers_hashtable")
    t = g.hex(40)
    f.add(
        f"$headers = @{{ 'X-Api-Key' = '{t}'; 'Accept' = 'application/json' }}\nInvoke-RestMethod -Uri https://api.acme.dev/v1/tenants -Headers $headers",
        t,
    )

    g = f.kind("tsql_create_login")
    p = g.rpw(18)
    f.add(f"CREATE LOGIN [reporting] WITH PASSWORD = N'{p}', CHECK_POLICY = ON, DEFAULT_DATABASE = [Reports];", p)

    g = f.kind("oracle_database_link")
    p = g.pw("en", "leet")
    f.add(f"CREATE DATABASE LINK finance_link CONNECT TO fin_ro IDENTIFIED BY \"{p}\" USING 'FINPDB';", p)

    g = f.kind("arduino_wifi_begin")
    p = g.pw("it", "phrase")
    f.add(
        f'#define WIFI_SSID "Casa-Rossi"\n#define WIFI_PASS "{p}"\n\nvoid setup() {{\n  WiFi.begin(WIFI_SSID, WIFI_PASS);\n}}',
        p,
    )

    g = f.kind("cpp_getenv_fallback")
    t = g.alnum(40)
    f.add(f'const char* env = std::getenv("TELEMETRY_KEY");\nstd::string key = env ? env : "{t}";', t)

    g = f.kind("node_jwt_sign_literal")
    t = g.b64u(48)
    f.add(f"const token = jwt.sign({{ sub: user.id, role: user.role }}, '{t}', {{ expiresIn: '12h' }});", t)

    g = f.kind("express_session_secret")
    t = g.rpw(32)
    f.add(
        f"app.use(session({{\n  secret: '{t}',\n  resave: false,\n  saveUninitialized: false,\n  cookie: {{ secure: true }}\n}}));",
        t,
    )

    g = f.kind("python_hmac_bytes_literal")
    t = g.b64u(40)
    f.add(f'def sign(body: bytes) -> str:\n    return hmac.new(b"{t}", body, hashlib.sha256).hexdigest()', t)

    g = f.kind("python_httpbasicauth")
    p = g.pw("hi", "season")
    f.add(
        f'r = requests.get(f"{{BASE}}/api/v2/tickets.json", auth=HTTPBasicAuth("support@acme.in", "{p}"), timeout=10)',
        p,
    )

    g = f.kind("perl_dbi_connect")
    p = g.rpw(14)
    f.add(
        f'my $dbh = DBI->connect("dbi:Pg:dbname=inventory;host=db", "inventory", "{p}", {{ RaiseError => 1, AutoCommit => 0 }});',
        p,
    )

    g = f.kind("jenkinsfile_withenv_literal")
    t = g.alnum(36)
    f.add(
        f"stage('Publish') {{\n  steps {{\n    withEnv([\"ARTIFACT_TOKEN={t}\"]) {{\n      sh './gradlew publish'\n    }}\n  }}\n}}",
        t,
    )

    g = f.kind("clojure_db_spec_map")
    p = g.pw("ru", "season")
    f.add(f'(def db {{:dbtype "postgresql" :dbname "ledger" :host "pg" :user "ledger" :password "{p}"}})', p)

    g = f.kind("fsharp_sprintf_conn")
    p = g.rpw(16)
    f.add(f'let connStr = sprintf "Host=%s;Username=%s;Password=%s;Database=%s" host "fsapp" "{p}" "orders"', p)

    g = f.kind("objc_string_with_format")
    t = g.b64u(40)
    f.add(
        f'NSString *auth = [NSString stringWithFormat:@"Bearer %@", @"{t}"];\n[request setValue:auth forHTTPHeaderField:@"Authorization"];',
        t,
    )

    g = f.kind("vbnet_dim_string")
    p = g.pw("nl", "camel")
    f.add(
        f'Dim ftpUser As String = "upload"\nDim ftpPass As String = "{p}"\nrequest.Credentials = New NetworkCredential(ftpUser, ftpPass)',
        p,
    )

    g = f.kind("pytest_monkeypatch_setenv")
    t = "sk" + "_live_" + g.alnum(99)
    f.add(f'@pytest.fixture(autouse=True)\ndef _env(monkeypatch):\n    monkeypatch.setenv("STRIPE_API_KEY", "{t}")', t)

    g = f.kind("junit_test_property_source")
    t = g.alnum(32)
    f.add(
        f'@SpringBootTest\n@TestPropertySource(properties = {{"partner.api.key={t}", "partner.api.url=https://api.partner.io"}})\nclass PartnerClientIT {{ }}',
        t,
    )

    return f.done()


# 5. Logs, HTTP dumps and stack traces.
def _logs_http() -> tuple[Planted, ...]:
    f = _Family()

    g = f.kind("okhttp_logging_interceptor")
    t = g.b64u(64)
    f.add(
        "D/OkHttp: --> POST https://api.acme.dev/v3/sync\n"
        "D/OkHttp: Content-Type: application/json; charset=utf-8\n"
        f"D/OkHttp: Authorization: Bearer {t}\n"
        "D/OkHttp: --> END POST (412-byte body)",
        t,
    )

    g = f.kind("python_http_client_send_bytes")
    t = g.hex(40)
    f.add(
        "send: b'GET /api/v1/deployments?limit=10 HTTP/1.1\\r\\nHost: deploy.acme.dev\\r\\n"
        f"User-Agent: python-requests/2.32.3\\r\\nAccept: */*\\r\\nAuthorization: Token {t}\\r\\n\\r\\n'\n"
        "reply: 'HTTP/1.1 200 OK\\r\\n'",
        t,
    )

    g = f.kind("axios_error_config_dump")
    t = g.alnum(40)
    f.add(
        "AxiosError: Request failed with status code 429\n    at settle (node_modules/axios/lib/core/settle.js:19:12) {\n"
        "  code: 'ERR_BAD_REQUEST',\n  config: {\n    method: 'post',\n    url: 'https://api.partner.io/v2/quotes',\n"
        f"    headers: Object [AxiosHeaders] {{\n      Accept: 'application/json',\n      'x-api-key': '{t}',\n"
        "      'Content-Type': 'application/json'\n    },\n  },",
        t,
    )

    g = f.kind("spring_datasource_properties_tostring")
    p = g.rpw(16)
    f.add(
        "2026-11-27T09:14:02.118Z DEBUG 1 --- [main] o.s.b.a.jdbc.DataSourceConfiguration : "
        f"DataSourceProperties{{url=jdbc:postgresql://pg:5432/orders, username=orders, password={p}, driverClassName=org.postgresql.Driver}}",
        p,
    )

    g = f.kind("go_printf_plus_v_struct")
    p, t = g.pw("en", "camel"), g.alnum(32)
    f.add(
        f"2026/11/27 10:02:11 config loaded: {{Addr::8080 DB:{{Host:db Port:5432 User:app Password:{p}}} APIKey:{t} Debug:false}}",
        p,
        t,
    )

    g = f.kind("python_settings_dict_repr")
    t = g.rpw(50)
    f.add(
        f"[2026-11-27 10:11:05,442] DEBUG app.settings: loaded {{'DEBUG': False, 'SECRET_KEY': '{t}', 'ALLOWED_HOSTS': ['shop.acme.dev']}}",
        t,
    )

    g = f.kind("rust_debug_struct_print")
    t = g.b64u(40)
    f.add(
        f'[2026-11-27T10:20:31Z INFO  worker] starting with Settings {{ queue: "jobs", broker_url: "nats://nats:4222", auth_token: "{t}", concurrency: 8 }}',
        t,
    )

    g = f.kind("mongo_parse_error_uri")
    p = g.pw("pt", "name")
    f.add(
        f"MongoParseError: Password contains unescaped characters\n    at new ConnectionString (node_modules/mongodb-connection-string-url/lib/index.js:86:19)\n"
        f"  uri: 'mongodb+srv://loja:{p}@cluster0.ab1cd.mongodb.net/?retryWrites=true'",
        p,
    )

    g = f.kind("traceback_locals_dump")
    p = g.pw("de", "leet")
    f.add(
        'Traceback (most recent call last):\n  File "/app/sync.py", line 41, in connect\n    return ftplib.FTP_TLS(host, user, password)\n'
        f"    host = 'ftp.lieferant.de'\n    user = 'acme'\n    password = '{p}'\n"
        "ConnectionRefusedError: [Errno 111] Connection refused",
        p,
    )

    g = f.kind("access_log_query_api_key")
    t = g.hex(32)
    f.add(
        f'10.0.4.17 - - [27/Nov/2026:10:44:01 +0000] "GET /api/v1/export?api_key={t}&format=csv HTTP/1.1" 200 48213 "-" "python-requests/2.31.0"',
        t,
    )

    g = f.kind("nginx_log_websocket_token")
    t = _jwt(g, {"sub": "u_1842", "scope": "stream", "exp": 1795000000})
    f.add(
        f'172.18.0.1 - - [27/Nov/2026:11:02:44 +0000] "GET /ws/live?access_token={t} HTTP/1.1" 101 0 "-" "Mozilla/5.0"',
        t,
    )

    g = f.kind("devtools_request_headers_copy")
    sid, csrf = g.b64u(43), g.alnum(32)
    f.add(
        ":authority: app.acme.dev\n:method: GET\n:path: /dashboard\naccept: text/html\n"
        f"cookie: _ga=GA1.1.1841929281.1764230000; _session_id={sid}; csrftoken={csrf}\n"
        "user-agent: Mozilla/5.0 (X11; Linux x86_64)",
        sid,
        csrf,
    )

    g = f.kind("set_cookie_remember_token")
    t = g.b64u(30) + "--" + g.hex(40)
    f.add(
        f"< HTTP/2 302\n< location: /\n< set-cookie: remember_user_token={t}; path=/; expires=Sat, 27 Dec 2026 11:00:00 GMT; secure; HttpOnly; SameSite=Lax",
        t,
    )

    g = f.kind("elasticsearch_apikey_scheme")
    enc = _b64e((g.b64u(20) + ":" + g.b64u(22)).encode())
    f.add(f'curl -H "Authorization: ApiKey {enc}" "https://es.acme.dev:9200/logs-*/_search?size=1"', enc)

    g = f.kind("splunk_hec_scheme")
    t = g.uuid()
    f.add(
        f"POST /services/collector/event HTTP/1.1\nHost: hec.splunk.acme.dev:8088\nAuthorization: Splunk {t}\nContent-Type: application/json",
        t,
    )

    g = f.kind("rails_token_token_scheme")
    t = g.alnum(24)
    f.add(
        f'Started GET "/api/v2/tickets" for 10.0.0.12 at 2026-11-27 11:05:12 +0000\n  Headers: {{"Authorization"=>"Token token=\\"{t}\\", email=\\"ops@acme.dev\\""}}',
        t,
    )

    g = f.kind("grpc_python_metadata_tuple")
    t = g.b64u(48)
    f.add(
        f"DEBUG:grpc._channel:call /ledger.v1.Ledger/Transfer metadata=(('authorization', 'Bearer {t}'), ('x-request-id', '5b1d3e7c'))",
        t,
    )

    g = f.kind("grpc_java_metadata_tostring")
    t = g.alnum(40)
    f.add(
        f"io.grpc.StatusRuntimeException: UNAUTHENTICATED: invalid credentials\n\tMetadata(content-type=application/grpc,x-api-key={t},grpc-accept-encoding=gzip)",
        t,
    )

    g = f.kind("websocket_url_apikey_param")
    t = g.alnum(32)
    f.add(
        f"[ws] connecting to wss://stream.marketdata.io/v2/iex?apikey={t}&symbols=AAPL,MSFT\n[ws] connected (protocol=json)",
        t,
    )

    g = f.kind("login_debug_log_leak")
    p = g.pw("es", "walk")
    f.add(
        f"2026-11-27 11:20:09.331 DEBUG [auth] login attempt user=mgarcia@acme.es password={p} ip=83.44.12.9 result=FAILED",
        p,
    )

    g = f.kind("php_stack_trace_pdo_args")
    p = g.pw("fr", "season")
    f.add(
        "PDOException: SQLSTATE[HY000] [2002] Connection refused in /var/www/html/lib/Db.php:14\nStack trace:\n"
        f"#0 /var/www/html/lib/Db.php(14): PDO->__construct('mysql:host=db;dbn...', 'boutique', '{p}', Array)\n"
        "#1 /var/www/html/index.php(8): Db::connect()\n#2 {main}",
        p,
    )

    g = f.kind("java_caused_by_jdbc_url")
    p = g.rpw(14)
    f.add(
        "Caused by: com.microsoft.sqlserver.jdbc.SQLServerException: The TCP/IP connection to the host sql01, port 1433 has failed.\n"
        f"\tConnection URL: jdbc:sqlserver://sql01:1433;databaseName=Crm;user=crm_batch;password={p};encrypt=true\n"
        "\tat com.microsoft.sqlserver.jdbc.SQLServerConnection.connectHelper(SQLServerConnection.java:3806)",
        p,
    )

    g = f.kind("redis_py_connection_error")
    p = g.alnum(26)
    f.add(
        f"redis.exceptions.ConnectionError: Error 110 connecting to rediss://default:{p}@cache.acme.dev:6380/0. Connection timed out.",
        p,
    )

    g = f.kind("har_header_entry")
    t = _jwt(g, {"sub": "4412", "email": "lena@acme.dev", "iat": 1764230000})
    f.add(
        '"request": {\n  "method": "GET",\n  "url": "https://app.acme.dev/api/me",\n  "headers": [\n'
        f'    {{ "name": "Authorization", "value": "Bearer {t}" }},\n    {{ "name": "Accept", "value": "application/json" }}\n  ]\n}}',
        t,
    )

    g = f.kind("curl_verbose_basic_header")
    enc = _b64e(("admin:" + g.pw("sv", "leet")).encode())
    f.add(
        "* Connected to router.lan (192.168.1.1) port 443\n> GET /api/v1/status HTTP/2\n> Host: router.lan\n"
        f"> authorization: Basic {enc}\n> user-agent: curl/8.5.0\n>\n< HTTP/2 200",
        enc,
    )

    g = f.kind("webhook_payload_signing_secret_log")
    t = g.b64u(32)
    f.add(
        f'INFO webhooks.registered {{"id": "we_1Q2w3E", "url": "https://acme.dev/hooks/billing", "secret": "whsec_{t}", "status": "enabled"}}',
        t,
    )

    g = f.kind("docker_build_arg_log")
    t = "npm" + "_" + g.alnum(36)
    f.add(
        f"#7 [build 3/8] RUN --mount=type=cache,target=/root/.npm NPM_TOKEN={t} npm ci --ignore-scripts\n"
        "#7 2.114 npm warn deprecated inflight@1.0.6",
        t,
    )

    g = f.kind("terraform_plan_attribute")
    p = g.rpw(20)
    f.add(
        '  # helm_release.keycloak will be created\n  + resource "helm_release" "keycloak" {\n'
        '      + chart     = "keycloak"\n      + name      = "keycloak"\n      + namespace = "auth"\n\n'
        f'      + set {{\n          + name  = "auth.adminPassword"\n          + value = "{p}"\n        }}\n    }}',
        p,
    )

    g = f.kind("ansible_vvv_result_json")
    t = g.alnum(40)
    f.add(
        'ok: [web01] => {\n    "changed": false,\n    "invocation": {\n        "module_args": {\n'
        '            "url": "https://api.partner.io/v1/ping",\n            "method": "GET",\n'
        f'            "headers": {{\n                "X-Api-Key": "{t}"\n            }},\n'
        '            "status_code": [200]\n        }\n    },\n    "status": 200\n}',
        t,
    )

    g = f.kind("postgres_log_statement_password")
    p = g.rpw(16)
    f.add(
        f"2026-11-27 11:41:09.552 UTC [2231] postgres@app LOG:  statement: CREATE ROLE grafana_ro LOGIN PASSWORD '{p}';",
        p,
    )

    g = f.kind("redis_monitor_auth")
    p = g.hex(32)
    f.add(
        f'1764243012.118345 [0 10.0.3.4:53122] "AUTH" "queue-worker" "{p}"\n1764243012.118911 [0 10.0.3.4:53122] "SELECT" "2"',
        p,
    )

    g = f.kind("structured_json_log_headers")
    t = g.alnum(48)
    f.add(
        f'{{"level":"debug","ts":"2026-11-27T11:50:00Z","msg":"outgoing request","method":"POST","url":"https://api.carrier.io/labels","headers":{{"X-Auth-Token":["{t}"]}}}}',
        t,
    )

    g = f.kind("browser_console_failed_fetch")
    t = "AIza" + g.b64u(35)
    f.add(
        f"GET https://maps.googleapis.com/maps/api/geocode/json?address=Berlin&key={t} 403 (Forbidden)\t\tmap.js:118", t
    )

    g = f.kind("java_properties_tostring_log")
    p = g.pw("pl", "leet")
    f.add(
        f"INFO  MailConfig - mail session props: {{mail.smtp.auth=true, mail.smtp.host=smtp.wp.pl, mail.smtp.password={p}, mail.smtp.port=587, mail.smtp.user=sklep@wp.pl}}",
        p,
    )

    g = f.kind("python_os_environ_repr")
    t = g.hex(64)
    f.add(
        f"environ({{'PATH': '/usr/local/bin:/usr/bin', 'HOSTNAME': 'worker-5', 'ALGOLIA_ADMIN_KEY': '{t}', 'LANG': 'C.UTF-8'}})",
        t,
    )

    g = f.kind("oauth_token_response_body")
    at, rt = g.b64u(64), g.b64u(64)
    f.add(
        f'< HTTP/1.1 200 OK\n< Content-Type: application/json\n{{"access_token":"{at}","token_type":"bearer","expires_in":3600,"refresh_token":"{rt}","scope":"read write"}}',
        at,
        rt,
    )

    g = f.kind("soap_ws_security_password_text")
    p = g.pw("nl", "season")
    f.add(
        "<soapenv:Header>\n  <wsse:Security>\n    <wsse:UsernameToken>\n      <wsse:Username>koppeling</wsse:Username>\n"
        f'      <wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">{p}</wsse:Password>\n'
        "    </wsse:UsernameToken>\n  </wsse:Security>\n</soapenv:Header>",
        p,
    )

    g = f.kind("smtp_auth_plain_transcript")
    enc = _b64e(b"\0alerts@acme.dev\0" + g.rpw(16).encode())
    f.add(
        f"C: EHLO worker-3\nS: 250-smtp.acme.dev\nS: 250 AUTH PLAIN LOGIN\nC: AUTH PLAIN {enc}\nS: 235 2.7.0 Authentication successful",
        enc,
    )

    g = f.kind("imap_login_transcript")
    p = g.pw("fi", "leet")
    f.add(f"* OK [CAPABILITY IMAP4rev1] Dovecot ready.\na1 LOGIN laskutus@firma.fi {p}\na1 OK Logged in", p)

    g = f.kind("ftp_session_pass_command")
    p = g.pw("cs", "name")
    f.add(
        f"Status:\tConnecting to 81.2.194.7:21...\nCommand:\tUSER eshop\nResponse:\t331 Password required for eshop\nCommand:\tPASS {p}\nResponse:\t230 User eshop logged in",
        p,
    )

    g = f.kind("envoy_access_log_header_field")
    t = g.alnum(36)
    f.add(
        f'[2026-11-27T12:01:44.221Z] "POST /v1/charge HTTP/2" 401 - 88 0 3 - "10.4.0.9" "okhttp/4.12.0" "x-api-key={t}" "payments.internal"',
        t,
    )

    g = f.kind("sentry_breadcrumb_url_userinfo")
    p = g.upw(14)
    f.add(
        f'{{"type": "http", "category": "httplib", "data": {{"url": "https://exporter:{p}@metrics.acme.dev/push", "method": "PUT", "status_code": 502}}}}',
        p,
    )

    g = f.kind("nslog_ios_token")
    t = g.b64u(64)
    f.add(f"2026-11-27 12:10:03.441 Acme[4412:118823] [Auth] refreshed session, token={t} expires=3600", t)

    return f.done()


# 6. Users' chat messages in many languages.
def _chat() -> tuple[Planted, ...]:
    f = _Family()

    g = f.kind("chat_de_pw_with_apology")
    p = g.pw("de", "season")
    f.add(
        f"kannst du dich mal auf den staging server einloggen? user ist deploy und pw {p} (ja ich weiß, ändern wir noch)",
        p,
    )

    g = f.kind("chat_de_value_before_word")
    p = g.pw("de", "camel")
    f.add(f"{p} ist das neue Passwort fürs NAS, das alte geht nicht mehr", p)

    g = f.kind("chat_fr_mdp_bdd")
    p = g.pw("fr", "season")
    f.add(f"le mdp de la bdd c'est {p} et l'utilisateur c'est admin, tu peux lancer la migration stp", p)

    g = f.kind("chat_fr_typos_no_punct")
    p = g.pw("fr", "leet")
    f.add(f"jai change le mot de pase du compte ovh maintenant cest {p} dsl pour le retard", p)

    g = f.kind("chat_es_wifi_laugh")
    p = g.pw("es", "phrase")
    f.add(f"la contraseña del wifi de la oficina es {p} jajaja no se la pases a nadie", p)

    g = f.kind("chat_es_two_values")
    p, t = g.pw("es", "camel"), g.alnum(32)
    f.add(f"oye para el panel de facturación: usuario contabilidad, clave {p}. y el token de la api es {t}", p, t)

    g = f.kind("chat_pt_br_slang")
    p, t = g.pw("pt", "season"), g.hex(40)
    f.add(f"mano a senha do banco é {p} blz? e o token do bot ta aqui {t} vlw", p, t)

    g = f.kind("chat_it_ftp")
    p = g.pw("it", "season")
    f.add(f"ecco la password dell'ftp: {p} mi raccomando non condividerla con nessuno", p)

    g = f.kind("chat_nl_vps")
    p = g.pw("nl", "camel")
    f.add(f"wachtwoord voor de vps is {p}, gebruikersnaam root. kun je even kijken waarom nginx niet start?", p)

    g = f.kind("chat_pl_panel_login")
    p = g.pw("pl", "season")
    f.add(f"hasło do panelu: {p} login admin, jakby co to daj znać", p)

    g = f.kind("chat_ru_cyrillic")
    p = g.pw("ru", "leet")
    f.add(f"пароль от сервера {p}, логин root. зайди посмотри почему падает докер", p)

    g = f.kind("chat_uk_bot_token")
    t = g.digits(10) + ":AA" + g.b64u(33)
    f.add(f"ось токен від бота {t} встав його в конфіг і перезапусти", t)

    g = f.kind("chat_tr_sifre")
    p = g.pw("tr", "season")
    f.add(f"şifre {p} kullanıcı adı yonetici, sunucuya bağlanınca bana yaz", p)

    g = f.kind("chat_ja_db_password")
    p = g.pw("ja", "season")
    f.add(f"DBのパスワードは{p}です。ユーザー名はappです。よろしくお願いします", p)

    g = f.kind("chat_zh_db_password")
    p = g.rpw(14)
    f.add(f"数据库密码是{p}，用户名root，帮我看一下为什么连不上", p)

    g = f.kind("chat_zh_key_after_colon_fullwidth")
    t = "sk" + "-" + g.hex(32)
    f.add(f"这是我们的key：{t} 先用着，月底再换", t)

    g = f.kind("chat_ko_password")
    p = g.pw("ko", "season")
    f.add(f"비밀번호는 {p} 입니다. 아이디는 admin이에요", p)

    g = f.kind("chat_vi_mat_khau")
    p = g.pw("vi", "camel")
    f.add(f"mật khẩu là {p} nhé anh, tài khoản là ketoan", p)

    g = f.kind("chat_id_passwordnya")
    p = g.pw("id", "season")
    f.add(f"passwordnya {p} ya bang, username nya admin_toko", p)

    g = f.kind("chat_hi_devanagari")
    p = g.pw("hi", "camel")
    f.add(f"सर्वर का पासवर्ड {p} है, यूज़र deploy है", p)

    g = f.kind("chat_hinglish")
    p = g.pw("hi", "name")
    f.add(f"bhai gmail ka pass {p} hai, 2fa off hai abhi, jaldi check kar le", p)

    g = f.kind("chat_ar_password")
    p = g.rpw(14)
    f.add(f"كلمة المرور هي {p} واسم المستخدم admin", p)

    g = f.kind("chat_he_password")
    p = g.pw("en", "leet")
    f.add(f"הסיסמה לשרת היא {p} תעדכן אותי כשזה עובד", p)

    g = f.kind("chat_sv_losenord")
    p = g.pw("sv", "camel")
    f.add(f"lösenordet till routern är {p} om du behöver starta om den", p)

    g = f.kind("chat_fi_salasana")
    p = g.pw("fi", "season")
    f.add(f"salasana on {p}, käyttäjä on yllapito. älä laita sitä gittiin", p)

    g = f.kind("chat_cs_heslo")
    p = g.pw("cs", "camel")
    f.add(f"heslo do adminu je {p}, jméno spravce", p)

    g = f.kind("chat_el_kodikos")
    p = g.rpw(13)
    f.add(f"ο κωδικός για το cpanel είναι {p} και το όνομα χρήστη info", p)

    g = f.kind("chat_th_password")
    p = g.pw("en", "season")
    f.add(f"รหัสผ่านคือ {p} นะครับ ชื่อผู้ใช้ admin", p)

    g = f.kind("chat_fa_password")
    p = g.pw("en", "camel")
    f.add(f"رمز عبور سرور {p} هست، یوزر root", p)

    g = f.kind("chat_en_no_label_ssh_context")
    p = g.pw("en", "name")
    f.add(f"ssh into 10.0.3.7 as ubuntu, when it asks just use {p}", p)

    g = f.kind("chat_en_slash_pair")
    p = g.pw("en", "walk")
    f.add(f"creds for the grafana: admin / {p}", p)

    g = f.kind("chat_en_old_new_rotation")
    p1, p2 = g.pw("en", "season"), g.pw("en", "season")
    f.add(f"fyi the old jenkins pw was {p1}, i changed it to {p2} this morning, update the job pls", p1, p2)

    g = f.kind("chat_en_same_as_wifi")
    p = g.pw("en", "phrase")
    f.add(f'it\'s the same as the wifi one: "{p}" (all lowercase)', p)

    g = f.kind("chat_en_pasted_env_block")
    t1, t2 = g.alnum(40), "sk" + "_live_" + g.alnum(99)
    f.add(
        f"here's what I have in my .env, does this look right?\n\nAPP_URL=http://localhost:3000\nMAILER_KEY={t1}\nPAYMENTS_SECRET={t2}",
        t1,
        t2,
    )

    g = f.kind("chat_en_capital_hint")
    p = g.pw("en", "camel")
    f.add(f"pass is {p} (capital first letter, no spaces)", p)

    g = f.kind("chat_de_pin_tresor")
    p = g.digits(8)
    f.add(f"der PIN für den Schlüsseltresor im Serverraum ist {p}, bitte nicht weitergeben", p)

    g = f.kind("chat_es_mx_token_caps")
    t = "ghp" + "_" + g.alnum(36)
    f.add(f"AQUI TE DEJO EL TOKEN DE GITHUB {t} PARA QUE HAGAS EL PUSH", t)

    g = f.kind("chat_pt_pt_chave")
    t = g.alnum(32)
    f.add(f"a chave da API do fornecedor é esta: {t} — foi-me enviada por email ontem", t)

    g = f.kind("chat_it_two_accounts")
    p1, p2 = g.pw("it", "camel"), g.pw("it", "leet")
    f.add(f"allora: per aruba l'utente è 12345@aruba.it con {p1}, per il gestionale invece admin e {p2}", p1, p2)

    g = f.kind("chat_tr_en_mixed")
    t = g.b64u(40)
    f.add(f"api keyi buraya bırakıyorum {t} prod ortamında da aynısı", t)

    g = f.kind("chat_ja_romaji_mix")
    p = g.pw("ja", "leet")
    f.add(f"あ、ルーターの管理画面のpassは{p}だよ", p)

    g = f.kind("chat_ko_token_paste")
    t = "xapp" + "-1-" + g.up(11) + "-" + g.digits(13) + "-" + g.hex(64)
    f.add(f"슬랙 앱 토큰 여기요 {t} 소켓 모드용이에요", t)

    return f.done()


# 7. The agent's own prose: summaries, tables, explanations and proposed fixes.
def _agent_prose() -> tuple[Planted, ...]:
    f = _Family()

    g = f.kind("agent_summary_backticked_value")
    p = g.rpw(18)
    f.add(
        f"I've added the database password to `.env` (`DB_PASSWORD={p}`) and restarted the `api` container; the health check now passes.",
        p,
    )

    g = f.kind("agent_markdown_table_vars")
    p, t = g.rpw(16), g.alnum(40)
    f.add(
        "Here are the variables I set on the staging service:\n\n| Variable | Value |\n|---|---|\n"
        f"| `DATABASE_USER` | `shop` |\n| `DATABASE_PASSWORD` | `{p}` |\n| `SEARCH_API_KEY` | `{t}` |\n| `LOG_LEVEL` | `info` |",
        p,
        t,
    )

    g = f.kind("agent_bullet_list_credentials")
    p = g.pw("en", "camel")
    f.add(
        f"The admin account was created:\n\n- **URL:** https://staging.acme.dev/admin\n- **Username:** `admin@acme.dev`\n- **Password:** `{p}`\n\nPlease change it after the first login.",
        p,
    )

    g = f.kind("agent_compare_old_new_token")
    t1, t2 = "glpat" + "-" + g.b64u(20), "glpat" + "-" + g.b64u(20)
    f.add(
        f"The pipeline was still using the old token `{t1}`, which expired on 2026-11-20. I replaced it with the new one you gave me (`{t2}`) in `.gitlab-ci.yml`.",
        t1,
        t2,
    )

    g = f.kind("agent_proposed_fix_code_block")
    t = g.hex(40)
    f.add(
        "The 401 comes from the missing header. Change `client.py` like this:\n\n```python\n"
        f'session.headers.update({{"X-Api-Key": "{t}"}})\n```\n\nThen rerun `pytest tests/test_client.py`.',
        t,
    )

    g = f.kind("agent_explains_config_line")
    p = g.alnum(32)
    f.add(
        f"In `redis.conf`, `requirepass {p}` means every client has to send `AUTH {p}` before any other command, which is why the worker fails with `NOAUTH`.",
        p,
    )

    g = f.kind("agent_security_audit_table")
    t1, t2, p = "AKIA" + g.up(16), g.b64(40), g.rpw(14)
    f.add(
        "I found three hard-coded credentials:\n\n| File | Line | Kind | Value |\n|------|------|------|-------|\n"
        f"| `deploy/upload.sh` | 12 | AWS access key id | `{t1}` |\n| `deploy/upload.sh` | 13 | AWS secret key | `{t2}` |\n"
        f"| `app/settings.py` | 88 | DB password | `{p}` |\n\nI recommend rotating all three.",
        t1,
        t2,
        p,
    )

    g = f.kind("agent_next_steps_export")
    t = "hf" + "_" + g.alnum(34)
    f.add(
        f"Next steps:\n\n1. Run `export HF_TOKEN={t}` in your shell.\n2. Run `python scripts/download.py --model acme/ner-small`.\n3. Check `models/` for the weights.",
        t,
    )

    g = f.kind("agent_connection_succeeded")
    p = g.pw("de", "name")
    f.add(
        f"Connected successfully using `postgresql://lager_app:{p}@pg-main:5432/lager` — the `orders` table has 18,204 rows.",
        p,
    )

    g = f.kind("agent_quotes_tool_output")
    t = g.b64u(43)
    f.add(
        f"The `vercel env pull` output shows that `EDGE_CONFIG_TOKEN` is set to `{t}` in production but is empty in preview, so the preview deploys can't read the flags.",
        t,
    )

    g = f.kind("agent_diagnosis_wrong_password")
    p1, p2 = g.pw("fr", "season"), g.pw("fr", "season")
    f.add(
        f"The login fails because `docker-compose.yml` sets `POSTGRES_PASSWORD={p1}` but the app's `.env` has `DB_PASS={p2}`. I made them both `{p1}`.",
        p1,
        p2,
    )

    g = f.kind("agent_yaml_snippet_in_reply")
    t = g.alnum(48)
    f.add(
        f"Add this to `config/services.yaml`:\n\n```yaml\nmailer:\n  dsn: 'smtp://apikey:{t}@smtp.sendgrid.net:587'\n```",
        t,
    )

    g = f.kind("agent_reports_generated_secret")
    t = g.b64(64)
    f.add(
        f"I generated a new signing key with `openssl rand -base64 48` and stored it as `JWT_SECRET`:\n\n    {t}\n\nThe old tokens are now invalid.",
        t,
    )

    g = f.kind("agent_inline_prose_no_code")
    p = g.pw("en", "season")
    f.add(
        f"I logged in to the router admin page with the password {p} that you mentioned and enabled port forwarding for 8443.",
        p,
    )

    g = f.kind("agent_json_answer_block")
    t = g.alnum(40)
    f.add(
        "The request body that works is:\n\n```json\n{\n"
        f'  "apiKey": "{t}",\n  "account": "acme-eu",\n  "dryRun": false\n}}\n```',
        t,
    )

    g = f.kind("agent_curl_reproduction")
    t = g.b64u(56)
    f.add(
        f"To reproduce, run:\n\n```bash\ncurl -sS https://api.acme.dev/v1/invoices -H 'Authorization: Bearer {t}' | jq '.data | length'\n```\n\nIt returns `0` for the `eu` tenant.",
        t,
    )

    g = f.kind("agent_rotation_report_bullets")
    t1, t2 = (
        "xoxb" + "-" + g.digits(12) + "-" + g.digits(13) + "-" + g.alnum(24),
        "xoxb" + "-" + g.digits(12) + "-" + g.digits(13) + "-" + g.alnum(24),
    )
    f.add(
        f"Rotation done:\n* revoked `{t1}`\n* installed `{t2}` as `SLACK_BOT_TOKEN` in the `notifier` secret\n* restarted the deployment",
        t1,
        t2,
    )

    g = f.kind("agent_explains_dsn_parts")
    p = g.rpw(16)
    f.add(
        f"The DSN breaks down as: user `metrics`, password `{p}`, host `ch.lan`, port `9440`, database `events`. "
        "The password contains a special character, so it has to be percent-encoded in the URL.",
        p,
    )

    g = f.kind("agent_plan_with_credentials")
    p = g.pw("it", "season")
    f.add(
        f"Plan:\n1. SSH into `10.0.8.4` as `gestione` (password `{p}`).\n2. Stop `tomcat9`.\n3. Replace `ROOT.war`.\n4. Start `tomcat9` and tail the log.",
        p,
    )

    g = f.kind("agent_before_after_diff_prose")
    t1, t2 = g.hex(32), g.hex(32)
    f.add(
        f"Before: `MAPS_KEY` was `{t1}` (the revoked key).\nAfter: `MAPS_KEY` is `{t2}`.\nNothing else changed in `app.config.ts`.",
        t1,
        t2,
    )

    g = f.kind("agent_heading_and_secret_value")
    t = g.alnum(64)
    f.add(
        f"### Webhook secret\n\nThe webhook signing secret is **{t}** — it's used by `verify_signature()` in `hooks/views.py`.",
        t,
    )

    g = f.kind("agent_terraform_suggestion")
    p = g.rpw(20)
    f.add(
        "You can set it directly in `terraform.tfvars` for now:\n\n```hcl\n"
        f'db_master_password = "{p}"\n```\n\nbut I would move it to SSM Parameter Store before merging.',
        p,
    )

    g = f.kind("agent_kubectl_command_suggestion")
    p = g.rpw(18)
    f.add(
        f"Create the secret with:\n\n```\nkubectl create secret generic smtp -n mail --from-literal=username=relay --from-literal=password='{p}'\n```",
        p,
    )

    g = f.kind("agent_test_user_summary")
    p1, p2 = g.pw("en", "camel"), g.pw("en", "camel")
    f.add(
        f"I created two test users on staging: `qa1@acme.dev` with `{p1}` and `qa2@acme.dev` with `{p2}`. Both have the `editor` role.",
        p1,
        p2,
    )

    g = f.kind("agent_explains_jwt_contents")
    t = _jwt(g, {"sub": "svc-reporting", "role": "admin", "exp": 1798761600})
    f.add(
        f"The token in `reporting/.env` is a long-lived admin JWT (`{t}`); it expires only in 2027, so it should be rotated.",
        t,
    )

    g = f.kind("agent_reply_found_in_history")
    p = g.pw("sv", "season")
    f.add(
        f"Your shell history shows you ran `mysql -u root -p'{p}' shop` on Nov 20; that is the root password the backup script needs.",
        p,
    )

    g = f.kind("agent_ini_snippet_explanation")
    p = g.pw("nl", "camel")
    f.add(
        f"The `[smtp]` section should read:\n\n```ini\n[smtp]\nhost = smtp.transip.email\nuser = info@bakkerij.nl\npassword = {p}\n```",
        p,
    )

    g = f.kind("agent_cli_flags_explained")
    t = g.hex(40)
    f.add(f"`--token {t}` authenticates the runner and `--executor docker` makes it run each job in a container.", t)

    g = f.kind("agent_pr_description")
    t = g.alnum(36)
    f.add(
        "## Summary\n- Switch the analytics client to the new project\n- New write key: "
        f"`{t}`\n- Remove the old `segment.js` shim\n\n## Testing\n- [x] Events show up in the debugger",
        t,
    )

    g = f.kind("agent_multilingual_reply_de")
    p = g.pw("de", "season")
    f.add(f"Ich habe das Passwort für den Benutzer `backup` auf `{p}` gesetzt und den Cronjob neu gestartet.", p)

    g = f.kind("agent_multilingual_reply_es")
    t = g.alnum(40)
    f.add(f"Listo: configuré la clave `{t}` en `settings.py` como `PASARELA_API_KEY` y las pruebas pasan.", t)

    g = f.kind("agent_quotes_error_with_secret")
    p = g.upw(16)
    f.add(
        f'The error is `FATAL: password authentication failed for user "etl"` because `airflow.cfg` still has `sql_alchemy_conn = postgresql://etl:{p}@pg-old/airflow`, pointing at the old host.',
        p,
    )

    g = f.kind("agent_env_example_filled")
    t = g.b64u(40)
    f.add(
        f"I copied `.env.example` to `.env` and filled in the value you gave me:\n\n```dotenv\nPORT=8080\nMAPTILER_KEY={t}\n```",
        t,
    )

    g = f.kind("agent_status_line_with_key")
    t = "rk" + "_live_" + g.alnum(99)
    f.add(f"✅ Stripe restricted key `{t}` verified (scopes: `charges:read`, `refunds:write`).", t)

    g = f.kind("agent_mentions_wifi_for_device")
    p = g.pw("fr", "phrase")
    f.add(
        f"I flashed the firmware and configured the sensor to join `Maison-2G` with the key `{p}`; it's reporting every 30 seconds now.",
        p,
    )

    g = f.kind("agent_collapsed_details_block")
    p = g.rpw(20)
    f.add(
        '<details>\n<summary>Full config used</summary>\n\n```toml\n[database]\nhost = "db"\nuser = "ledger"\n'
        f'password = "{p}"\n```\n</details>',
        p,
    )

    g = f.kind("agent_two_environments_table")
    t1, t2 = g.alnum(32), g.alnum(32)
    f.add(f"| Environment | Client secret |\n| --- | --- |\n| staging | {t1} |\n| production | {t2} |", t1, t2)

    g = f.kind("agent_explains_netrc_entry")
    p = g.rpw(14)
    f.add(
        f"`~/.netrc` has `machine ftp.partner.de login acme password {p}`, so `curl --netrc` picks it up automatically.",
        p,
    )

    g = f.kind("agent_recap_after_debug")
    t = g.hex(64)
    f.add(
        f"Recap: the webhook was rejected because the HMAC secret in Vault (`{t}`) didn't match the one configured in the partner portal. Both are now the same.",
        t,
    )

    g = f.kind("agent_warns_but_quotes")
    t = "ghp" + "_" + g.alnum(36)
    f.add(
        f"⚠️ Heads-up: `scripts/release.sh` contains a personal access token ({t}). I didn't change it, but you should revoke it.",
        t,
    )

    return f.done()


# 8. Diffs, code reviews and git output.
def _diffs() -> tuple[Planted, ...]:
    f = _Family()

    g = f.kind("diff_env_file_added")
    t = g.alnum(40)
    f.add(
        "diff --git a/.env.staging b/.env.staging\nindex 3f1a9c2..8b0e4d1 100644\n--- a/.env.staging\n+++ b/.env.staging\n"
        f"@@ -3,3 +3,4 @@ APP_ENV=staging\n LOG_LEVEL=debug\n CACHE_TTL=60\n+GEOCODER_KEY={t}\n",
        t,
    )

    g = f.kind("diff_secret_removed_line")
    p = g.rpw(16)
    f.add(
        "--- a/config/settings.py\n+++ b/config/settings.py\n@@ -41,7 +41,7 @@ DATABASES = {\n"
        f"         'USER': 'shop',\n-        'PASSWORD': '{p}',\n+        'PASSWORD': os.environ['SHOP_DB_PASSWORD'],\n         'HOST': 'db',",
        p,
    )

    g = f.kind("diff_yaml_value_changed")
    t1, t2 = g.hex(32), g.hex(32)
    f.add(
        "@@ -12,7 +12,7 @@ monitoring:\n   datadog:\n     site: datadoghq.eu\n"
        f"-    api_key: {t1}\n+    api_key: {t2}\n     tags:\n       - env:prod",
        t1,
        t2,
    )

    g = f.kind("diff_json_package_config")
    t = g.uuid()
    f.add(
        'diff --git a/app.json b/app.json\n@@ -8,6 +8,9 @@\n     "name": "acme-mobile",\n'
        f'+    "extra": {{\n+      "sentryAuthToken": "{t}"\n+    }},\n     "version": "4.2.0",',
        t,
    )

    g = f.kind("diff_terraform_new_resource")
    p = g.rpw(20)
    f.add(
        '+resource "azurerm_mssql_server" "main" {\n+  name                         = "acme-sql-weu"\n'
        '+  resource_group_name          = azurerm_resource_group.data.name\n+  administrator_login          = "sqladmin"\n'
        f'+  administrator_login_password = "{p}"\n+}}',
        p,
    )

    g = f.kind("diff_dockerfile_env")
    t = g.alnum(32)
    f.add(
        "--- a/Dockerfile\n+++ b/Dockerfile\n@@ -5,6 +5,7 @@ FROM node:22-alpine AS build\n WORKDIR /app\n COPY package*.json ./\n"
        f'+RUN echo "//npm.acme.dev/:_authToken={t}" > .npmrc\n RUN npm ci',
        t,
    )

    g = f.kind("diff_github_workflow_env")
    t = g.b64u(40)
    f.add(
        "@@ -18,6 +18,8 @@ jobs:\n       - uses: actions/checkout@v4\n       - run: ./scripts/e2e.sh\n+        env:\n"
        f"+          E2E_ADMIN_TOKEN: {t}",
        t,
    )

    g = f.kind("diff_properties_file")
    p = g.pw("de", "season")
    f.add(
        "diff --git a/src/main/resources/application-prod.properties b/src/main/resources/application-prod.properties\n"
        f"@@ -2,4 +2,4 @@\n spring.datasource.username=lager\n-spring.datasource.password=${{DB_PASSWORD}}\n+spring.datasource.password={p}\n",
        p,
    )

    g = f.kind("diff_php_define")
    p = g.pw("fr", "camel")
    f.add(
        "--- a/wp-config.php\n+++ b/wp-config.php\n@@ -25,7 +25,7 @@\n define( 'DB_USER', 'wp_boutique' );\n"
        f"-define( 'DB_PASSWORD', 'password_here' );\n+define( 'DB_PASSWORD', '{p}' );\n define( 'DB_HOST', 'localhost' );",
        p,
    )

    g = f.kind("diff_go_test_fixture")
    t = g.alnum(40)
    f.add(
        "@@ -10,6 +10,7 @@ func TestClient(t *testing.T) {\n \tsrv := httptest.NewServer(handler)\n \tdefer srv.Close()\n"
        f'+\tt.Setenv("PARTNER_KEY", "{t}") // the sandbox key from the partner portal\n \tc := New(srv.URL)',
        t,
    )

    g = f.kind("diff_ini_both_sides")
    p1, p2 = g.rpw(14), g.rpw(14)
    f.add(
        f"@@ -1,5 +1,5 @@\n [mail]\n host = smtp.mailbox.org\n user = alerts@acme.dev\n-password = {p1}\n+password = {p2}\n",
        p1,
        p2,
    )

    g = f.kind("diff_toml_streamlit_secrets")
    t = "sk" + "-ant-api03-" + g.b64u(93) + "AA"
    f.add(
        f'diff --git a/.streamlit/secrets.toml b/.streamlit/secrets.toml\nnew file mode 100644\n--- /dev/null\n+++ b/.streamlit/secrets.toml\n@@ -0,0 +1,2 @@\n+[llm]\n+api_key = "{t}"',
        t,
    )

    g = f.kind("diff_gradle_kts_credentials")
    p = g.rpw(18)
    f.add(
        '@@ -20,6 +20,12 @@ publishing {\n     repositories {\n+        maven {\n+            url = uri("https://nexus.acme.dev/repository/releases/")\n'
        f'+            credentials {{\n+                username = "deploy"\n+                password = "{p}"\n+            }}\n+        }}',
        p,
    )

    g = f.kind("diff_makefile_variable")
    t = g.hex(40)
    f.add(
        f"--- a/Makefile\n+++ b/Makefile\n@@ -1,4 +1,5 @@\n IMAGE ?= acme/api\n+SENTRY_AUTH ?= {t}\n TAG ?= $(shell git rev-parse --short HEAD)",
        t,
    )

    g = f.kind("diff_compose_file")
    p = g.pw("es", "camel")
    f.add(
        f'@@ -14,6 +14,8 @@ services:\n   db:\n     image: postgres:16\n+    environment:\n+      POSTGRES_PASSWORD: "{p}"\n     volumes:',
        p,
    )

    g = f.kind("diff_k8s_manifest_env_value")
    t = g.alnum(48)
    f.add(
        "@@ -31,6 +31,8 @@ spec:\n         - name: api\n           image: ghcr.io/acme/api:2.8.1\n           env:\n"
        f'+            - name: PUSH_SERVICE_KEY\n+              value: "{t}"',
        t,
    )

    g = f.kind("review_comment_quotes_secret")
    t = "sk" + "_live_" + g.alnum(99)
    f.add(
        f"> **reviewer** commented on `billing/client.ts` line 7:\n> `const STRIPE = '{t}';`\n> Please don't commit the live key — read it from the environment instead.",
        t,
    )

    g = f.kind("review_suggestion_block")
    p = g.rpw(16)
    f.add(
        "**suggestion** (on `deploy/values-prod.yaml`):\n```suggestion\n"
        f"  password: {p}\n```\nThe old value has a trailing space that breaks the login.",
        p,
    )

    g = f.kind("git_show_commit_with_diff")
    t = g.b64u(40)
    f.add(
        "commit 5f0c2b9e8a7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b\nAuthor: Lena Fischer <lena@acme.dev>\nDate:   Tue Nov 24 16:02:11 2026 +0100\n\n"
        "    wire up the translation API\n\ndiff --git a/i18n/client.py b/i18n/client.py\n--- a/i18n/client.py\n+++ b/i18n/client.py\n"
        f'@@ -3,3 +3,4 @@ import httpx\n \n BASE = "https://api-free.deepl.com/v2"\n+AUTH = "DeepL-Auth-Key {t}:fx"',
        t,
    )

    g = f.kind("git_log_message_mentions_key")
    t = "AKIA" + g.up(16)
    f.add(
        "commit 0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e\nAuthor: ci-bot <ci@acme.dev>\nDate:   Mon Nov 23 09:00:00 2026 +0000\n\n"
        f"    remove leaked key {t} from deploy script (rotated)",
        t,
    )

    g = f.kind("git_blame_line")
    p = g.pw("en", "season")
    f.add(f'^9c1e4f2 (Tom Baker 2025-03-11 14:22:07 +0000 17)     smtp_password = "{p}"', p)

    g = f.kind("git_log_p_stat_snippet")
    t = g.hex(40)
    f.add(
        "commit 7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b\n\n    add pagerduty integration\n\n integrations/pd.yaml | 2 ++\n 1 file changed, 2 insertions(+)\n\n"
        f"diff --git a/integrations/pd.yaml b/integrations/pd.yaml\n+routing_key: {t[:32]}\n+service: checkout",
        t[:32],
    )

    g = f.kind("patch_email_format")
    p = g.pw("it", "camel")
    f.add(
        "From 3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b Mon Sep 17 00:00:00 2001\nFrom: Marco Bianchi <marco@acme.it>\n"
        "Date: Wed, 25 Nov 2026 11:31:00 +0100\nSubject: [PATCH 2/3] configura il backup notturno\n\n---\n backup.sh | 1 +\n\n"
        f"diff --git a/backup.sh b/backup.sh\n@@ -4,0 +5 @@\n+export RESTIC_PASSWORD='{p}'\n-- \n2.47.0",
        p,
    )

    g = f.kind("merge_conflict_markers")
    t1, t2 = g.alnum(40), g.alnum(40)
    f.add(
        f"<<<<<<< HEAD\nANALYTICS_WRITE_KEY={t1}\n=======\nANALYTICS_WRITE_KEY={t2}\n>>>>>>> feature/new-analytics-project",
        t1,
        t2,
    )

    g = f.kind("git_stash_show_p")
    p = g.rpw(16)
    f.add(
        f'$ git stash show -p stash@{{0}}\ndiff --git a/local.settings.json b/local.settings.json\n@@ -4,5 +4,6 @@\n     "FUNCTIONS_WORKER_RUNTIME": "dotnet-isolated",\n+    "SqlPassword": "{p}",',
        p,
    )

    g = f.kind("word_diff_output")
    t1, t2 = g.b64u(32), g.b64u(32)
    f.add(f"$ git diff --word-diff config/app.yml\n@@ -7 +7 @@ notifications:\n  token: [-{t1}-]{{+{t2}+}}", t1, t2)

    g = f.kind("svn_diff_output")
    p = g.pw("pl", "camel")
    f.add(
        f"Index: conf/db.properties\n===================================================================\n--- conf/db.properties\t(revision 4811)\n+++ conf/db.properties\t(working copy)\n@@ -1,3 +1,3 @@\n db.user=sklep\n-db.pass=\n+db.pass={p}",
        p,
    )

    g = f.kind("diff_side_by_side")
    p1, p2 = g.rpw(12), g.rpw(12)
    f.add(
        f"$ diff -y --suppress-common-lines old/.my.cnf new/.my.cnf\npassword={p1}\t\t\t\t\t      |\tpassword={p2}",
        p1,
        p2,
    )

    g = f.kind("diff_combined_cc")
    t = g.hex(32)
    f.add(
        f"diff --cc config/keys.env\nindex 1a2b3c4,5d6e7f8..0000000\n--- a/config/keys.env\n+++ b/config/keys.env\n@@@ -1,3 -1,3 +1,3 @@@\n  REGION=eu\n- MAILGUN_KEY=old\n -MAILGUN_KEY=other\n++MAILGUN_KEY=key-{t}",
        t,
    )

    g = f.kind("context_diff_format")
    p = g.rpw(14)
    f.add(
        f'*** fetchmailrc.orig\n--- fetchmailrc\n***************\n*** 1,2 ****\n! poll imap.acme.dev user "scanner" password "changeme"\n--- 1,2 ----\n! poll imap.acme.dev user "scanner" password "{p}"',
        p,
    )

    g = f.kind("gitlab_mr_note_quote")
    p = g.alnum(32)
    f.add(
        "**@j.novak** started a thread on an old version of the diff:\n"
        f"> `REDIS_URL=rediss://default:{p}@redis-18231.c1.eu-west-1-2.ec2.redns.redis-cloud.com:18231`\n"
        "isn't this the production one? it should come from the CI variables.",
        p,
    )

    g = f.kind("git_grep_output")
    p = g.pw("nl", "season")
    f.add(
        f"$ git grep -n -i 'wachtwoord'\nscripts/import.py:14:WACHTWOORD = \"{p}\"\nREADME.md:40:Zet het wachtwoord in de omgeving.",
        p,
    )

    g = f.kind("git_log_pickaxe")
    t = "shpat" + "_" + g.hex(32)
    f.add(
        f"$ git log -S'shpat' --oneline -p -- shop/sync.rb\n4e5f6a7 sync products nightly\n+  ShopifyAPI::Context.setup(api_key: ENV['SHOPIFY_KEY'], access_token: '{t}')",
        t,
    )

    g = f.kind("git_reflog_commit_message")
    p = g.pw("sv", "leet")
    f.add(
        f"$ git reflog -3\na1b2c3d HEAD@{{0}}: commit: tmp: hardcode admin pw {p} to debug login\n9f8e7d6 HEAD@{{1}}: checkout: moving from main to fix/login",
        p,
    )

    g = f.kind("diff_csharp_appsettings_removed")
    t = g.b64(44)
    f.add(
        f'-  "BlobStorage": {{\n-    "AccountKey": "{t}"\n-  }},\n+  "BlobStorage": {{ "UseManagedIdentity": true }},',
        t,
    )

    g = f.kind("diff_rust_test_constant")
    t = g.hex(64)
    f.add(
        f'@@ -1,3 +1,5 @@\n+// signing key copied from prod to reproduce #812\n+const SIGNING_KEY: &str = "{t}";\n use super::*;',
        t,
    )

    g = f.kind("diff_ansible_vars_plain")
    p = g.rpw(18)
    f.add(
        f"--- a/group_vars/all.yml\n+++ b/group_vars/all.yml\n@@ -9,2 +9,3 @@ ntp_servers:\n   - pool.ntp.org\n+keycloak_admin_password: {p}",
        p,
    )

    g = f.kind("gerrit_inline_comment")
    t = g.b64u(40)
    f.add(
        f'Patch Set 3:\n\n(1 comment)\n\nFile ops/notify.sh:\n\nLine 9: TELEGRAM_TOKEN="{g.digits(10)}:AA{t}"\n> move to the secret store please',
        t,
    )

    g = f.kind("diff_xml_spring_bean")
    p = g.pw("it", "leet")
    f.add(
        '@@ -14,6 +14,7 @@\n   <bean id="dataSource" class="org.apache.commons.dbcp2.BasicDataSource">\n'
        '     <property name="username" value="contabilita"/>\n'
        f'+    <property name="password" value="{p}"/>\n   </bean>',
        p,
    )

    g = f.kind("diff_npmrc_new_file")
    t = "npm" + "_" + g.alnum(36)
    f.add(
        f"new file mode 100644\nindex 0000000..e69de29\n--- /dev/null\n+++ b/.npmrc\n@@ -0,0 +1 @@\n+//registry.npmjs.org/:_authToken={t}",
        t,
    )

    g = f.kind("pr_review_summary_list")
    p, t = g.rpw(14), g.alnum(32)
    f.add(
        f'Review summary:\n1. `docker-compose.override.yml:12` — `MYSQL_PASSWORD: {p}` should not be committed.\n2. `src/config.js:3` — hardcoded `RECAPTCHA_SECRET = "{t}"`.\n3. Otherwise LGTM.',
        p,
        t,
    )

    g = f.kind("diff_swift_plist_string")
    t = g.alnum(40)
    f.add(
        f"@@ -22,6 +22,8 @@\n \t<key>CFBundleVersion</key>\n \t<string>318</string>\n+\t<key>ChatServiceSecret</key>\n+\t<string>{t}</string>",
        t,
    )

    g = f.kind("diff_ruby_credentials_yaml_decrypted")
    t = g.hex(128)
    f.add(f"$ bin/rails credentials:diff\n-secret_key_base: \n+secret_key_base: {t}\n aws:\n   region: eu-central-1", t)

    return f.done()


# 9. Notebooks, data exports and spreadsheets.
def _notebooks_data() -> tuple[Planted, ...]:
    f = _Family()

    g = f.kind("ipynb_cell_source_array")
    t = "sk" + "-proj-" + g.b64u(74)
    f.add(
        '  {\n   "cell_type": "code",\n   "execution_count": 3,\n   "metadata": {},\n   "outputs": [],\n   "source": [\n'
        '    "import openai\\n",\n'
        f'    "client = openai.OpenAI(api_key=\\"{t}\\")\\n",\n'
        '    "resp = client.responses.create(model=\\"gpt-4.1-mini\\", input=\\"hi\\")"\n   ]\n  }',
        t,
    )

    g = f.kind("ipynb_env_magic")
    t = g.alnum(40)
    f.add(f'   "source": [\n    "%env WANDB_API_KEY={t}\\n",\n    "!wandb login"\n   ]', t)

    g = f.kind("ipynb_stream_output_prints_key")
    t = g.hex(40)
    f.add(
        '   "outputs": [\n    {\n     "name": "stdout",\n     "output_type": "stream",\n     "text": [\n'
        f'      "Using key {t} for project churn-v3\\n",\n      "Loaded 48211 rows\\n"\n     ]\n    }}\n   ]',
        t,
    )

    g = f.kind("ipynb_pip_index_url_with_password")
    p = g.rpw(16)
    enc = urllib.parse.quote(p, safe="")
    f.add(
        f'    "!pip install -q --extra-index-url https://data-team:{enc}@pypi.acme.dev/simple acme-features==0.9.2"',
        enc,
    )

    g = f.kind("ipynb_execute_result_dict")
    p = g.pw("de", "camel")
    f.add(
        '     "data": {\n      "text/plain": [\n'
        f"       \"{{'host': 'dwh.lan', 'user': 'analyst', 'password': '{p}', 'port': 5432}}\"\n      ]\n     }},\n"
        '     "execution_count": 7,\n     "output_type": "execute_result"',
        p,
    )

    g = f.kind("csv_users_plaintext_passwords")
    p1, p2, p3 = g.pw("en", "season"), g.pw("fr", "camel"), g.pw("de", "name")
    f.add(
        f"id,email,password,role\n1,anna@acme.dev,{p1},admin\n2,luc@acme.fr,{p2},editor\n3,jonas@acme.de,{p3},viewer",
        p1,
        p2,
        p3,
    )

    g = f.kind("tsv_api_keys_export")
    t1, t2 = g.alnum(40), g.alnum(40)
    f.add(
        f"tenant\tkey_name\tkey\tcreated\nacme-eu\tingest\t{t1}\t2026-10-02\nacme-us\tingest\t{t2}\t2026-10-05", t1, t2
    )

    g = f.kind("sql_insert_users")
    p1, p2 = g.pw("es", "season"), g.pw("pt", "camel")
    f.add(
        "INSERT INTO `usuarios` (`id`, `login`, `clave`, `activo`) VALUES\n"
        f"(1,'admin','{p1}',1),\n(2,'caixa','{p2}',1);",
        p1,
        p2,
    )

    g = f.kind("pg_dump_copy_block")
    t1, t2 = g.hex(40), g.hex(40)
    f.add(
        "COPY public.integrations (id, provider, api_token, enabled) FROM stdin;\n"
        f"1\tzendesk\t{t1}\tt\n2\tfreshdesk\t{t2}\tf\n\\.",
        t1,
        t2,
    )

    g = f.kind("mysqldump_oauth_clients")
    s1 = g.alnum(40)
    f.add(
        f"INSERT INTO `oauth_clients` VALUES (3,NULL,'Mobile App','{s1}',NULL,'http://localhost',0,1,0,'2026-01-11 10:00:00','2026-01-11 10:00:00');",
        s1,
    )

    g = f.kind("dataframe_print_aligned")
    t1, t2 = g.alnum(32), g.alnum(32)
    f.add(
        "        store        platform                           api_key  active\n"
        f"0  berlin-mitte   shopify   {t1}    True\n1  hamburg-hafen  woocommerce  {t2}   False",
        t1,
        t2,
    )

    g = f.kind("pandas_to_dict_records")
    p = g.rpw(14)
    f.add(
        f">>> df.head(1).to_dict('records')\n[{{'host': 'sftp.partner.io', 'port': 22, 'username': 'acme_drop', 'password': '{p}', 'path': '/in'}}]",
        p,
    )

    g = f.kind("markdown_table_accounts")
    p1, p2 = g.pw("it", "season"), g.pw("it", "camel")
    f.add(
        f"| Servizio | Utente | Password |\n|---|---|---|\n| Aruba PEC | fatture@pec.acme.it | {p1} |\n| Fatture in Cloud | amministrazione | {p2} |",
        p1,
        p2,
    )

    g = f.kind("html_table_cells")
    p = g.rpw(16)
    f.add(
        f"<table>\n  <tr><th>System</th><th>Login</th><th>Password</th></tr>\n  <tr><td>NAS</td><td>admin</td><td>{p}</td></tr>\n</table>",
        p,
    )

    g = f.kind("json_array_of_users")
    p1, p2 = g.pw("nl", "season"), g.pw("sv", "camel")
    f.add(
        json.dumps(
            [
                {"username": "jvisser", "password": p1, "team": "ops"},
                {"username": "elin.b", "password": p2, "team": "data"},
            ],
            indent=2,
        ),
        p1,
        p2,
    )

    g = f.kind("yaml_fixture_rails")
    t = g.hex(40)
    f.add(f"# test/fixtures/api_clients.yml\npartner:\n  name: Partner Portal\n  token: {t}\n  scopes: read,write", t)

    g = f.kind("psql_expanded_record")
    p = g.rpw(18)
    f.add(
        f"-[ RECORD 1 ]---+------------------------------\nid              | 4\nname            | legacy-ftp\nusername        | acme\nsecret          | {p}\nupdated_at      | 2026-11-02 08:14:11+00",
        p,
    )

    g = f.kind("sqlite_box_mode")
    t = g.b64u(40)
    f.add(
        "sqlite> .mode box\nsqlite> SELECT name, value FROM settings WHERE name LIKE '%token%';\n"
        "┌────────────────┬──────────────────────────────────────────┐\n│      name      │                  value                   │\n"
        "├────────────────┼──────────────────────────────────────────┤\n"
        f"│ telegram_token │ {t} │\n└────────────────┴──────────────────────────────────────────┘",
        t,
    )

    g = f.kind("mongo_find_output")
    t = g.hex(48)
    f.add(
        f"shop> db.apps.find({{name: 'erp-bridge'}})\n[\n  {{\n    _id: ObjectId('6744b2c0e4b0a1f3c2d1e0f9'),\n    name: 'erp-bridge',\n    apiSecret: '{t}',\n    createdAt: ISODate('2026-11-25T10:00:00.000Z')\n  }}\n]",
        t,
    )

    g = f.kind("redis_hgetall_output")
    p = g.rpw(16)
    f.add(
        f'127.0.0.1:6379> HGETALL smtp:config\n1) "host"\n2) "smtp.zoho.eu"\n3) "user"\n4) "billing@acme.dev"\n5) "pass"\n6) "{p}"',
        p,
    )

    g = f.kind("elasticsearch_hit_source")
    t = g.alnum(40)
    f.add(
        f'{{"_index":"integrations-2026.11","_id":"Xk2","_source":{{"vendor":"twilio","account":"AC{g.hex(32)}","auth_token":"{t}"}}}}',
        t,
    )

    g = f.kind("ndjson_export_lines")
    p1, p2 = g.upw(14), g.upw(14)
    f.add(
        f'{{"device":"cam-01","rtsp":"rtsp://viewer:{p1}@10.0.9.21:554/stream1"}}\n{{"device":"cam-02","rtsp":"rtsp://viewer:{p2}@10.0.9.22:554/stream1"}}',
        p1,
        p2,
    )

    g = f.kind("airflow_connections_export_json")
    p = g.rpw(18)
    f.add(
        json.dumps(
            {
                "postgres_dwh": {
                    "conn_type": "postgres",
                    "host": "dwh.lan",
                    "login": "airflow",
                    "password": p,
                    "schema": "analytics",
                    "port": 5432,
                }
            },
            indent=4,
        ),
        p,
    )

    g = f.kind("spark_show_table")
    t1, t2 = g.alnum(24), g.alnum(24)
    f.add(
        f"+-------+------------------------+\n|account|secret                  |\n+-------+------------------------+\n|north  |{t1}|\n|south  |{t2}|\n+-------+------------------------+",
        t1,
        t2,
    )

    g = f.kind("polars_print_frame")
    p = g.pw("fi", "camel")
    f.add(
        f"shape: (1, 3)\n┌───────────┬──────────┬──────────────────┐\n│ service   ┆ user     ┆ password         │\n│ ---       ┆ ---      ┆ ---              │\n│ str       ┆ str      ┆ str              │\n╞═══════════╪══════════╪══════════════════╡\n│ intranet  ┆ tuki     ┆ {p} │\n└───────────┴──────────┴──────────────────┘",
        p,
    )

    g = f.kind("r_dataframe_print")
    t = g.hex(32)
    f.add(f"> creds\n     source        key\n1 openweather {t}\n2    noaa_cdo       <NA>", t)

    g = f.kind("excel_paste_tab_separated")
    p1, p2 = g.pw("pl", "season"), g.pw("pl", "camel")
    f.add(f"Nazwa\tLogin\tHasło\tUwagi\nAllegro\tsklep_acme\t{p1}\tkonto firmowe\nInPost\tacme.wysylki\t{p2}\t", p1, p2)

    g = f.kind("google_sheets_csv_quoted")
    t = g.alnum(36)
    f.add(f'"Integration","Owner","Key","Rotated"\n"Mailchimp","marketing","{t}-us21","2026-09-01"', t)

    g = f.kind("django_fixture_json_api_key")
    t = g.alnum(40)
    f.add(
        json.dumps(
            [{"model": "integrations.partner", "pk": 1, "fields": {"name": "DHL", "api_key": t, "sandbox": False}}],
            indent=2,
        ),
        t,
    )

    g = f.kind("csv_connection_strings_column")
    p = g.rpw(16)
    f.add(
        f'env,service,connection\nprod,reports,"Server=rpt01;Database=Reports;User Id=rpt;Password={p};"\nstage,reports,"Server=rpt-stg;Database=Reports;Integrated Security=true;"',
        p,
    )

    g = f.kind("sql_update_statement")
    t = g.hex(40)
    f.add(f"UPDATE integrations SET api_token = '{t}', updated_at = now() WHERE provider = 'hubspot';", t)

    g = f.kind("jupyter_widget_password_value")
    p = g.pw("ja", "camel")
    f.add(
        f'"model_name": "PasswordModel",\n"state": {{\n  "description": "DB password",\n  "value": "{p}",\n  "layout": "IPY_MODEL_3f1c"\n}}',
        p,
    )

    g = f.kind("yaml_seed_data_users")
    p1, p2 = g.pw("tr", "season"), g.pw("tr", "camel")
    f.add(
        f"users:\n  - email: admin@firma.com.tr\n    password: {p1}\n    role: admin\n  - email: muhasebe@firma.com.tr\n    password: {p2}\n    role: accountant",
        p1,
        p2,
    )

    g = f.kind("bigquery_cli_table_output")
    t = g.alnum(40)
    f.add(
        f"+-------------+------------------------------------------+\n|  partner    |                 api_key                  |\n+-------------+------------------------------------------+\n| glovo       | {t} |\n+-------------+------------------------------------------+",
        t,
    )

    g = f.kind("duckdb_query_result")
    p = g.rpw(16)
    f.add(
        f"D SELECT host, login, pwd FROM read_csv('ftp_accounts.csv');\n┌─────────────────┬─────────┬──────────────────┐\n│      host       │  login  │       pwd        │\n├─────────────────┼─────────┼──────────────────┤\n│ ftp.partner.io  │ acme    │ {p} │\n└─────────────────┴─────────┴──────────────────┘",
        p,
    )

    g = f.kind("notebook_print_connection_object")
    p = g.alnum(20)
    f.add(f"In [4]: engine.url\nOut[4]: postgresql+psycopg2://analyst:{p}@dwh.lan:5432/analytics", p)

    g = f.kind("json_lines_audit_with_token")
    t = g.b64u(48)
    f.add(f'{{"ts":"2026-11-27T08:00:01Z","actor":"svc-sync","action":"token.create","token":"{t}","ttl":"720h"}}', t)

    g = f.kind("csv_semicolon_european")
    p = g.pw("fr", "season")
    f.add(f"Site;Identifiant;Mot de passe;Commentaire\nFree Pro;0912345678;{p};box bureau\nOrange;;;", p)

    g = f.kind("xml_data_export_rows")
    t = g.hex(32)
    f.add(f'<rows>\n  <row id="1" shop="nord" apiKey="{t}" />\n  <row id="2" shop="sud" apiKey="" />\n</rows>', t)

    g = f.kind("pickle_repr_in_notebook")
    p = g.pw("en", "camel")
    f.add(f"Out[12]: Credentials(username='svc_ingest', password='{p}', host='warehouse.lan')", p)

    g = f.kind("dbt_profiles_in_notebook_output")
    p = g.rpw(18)
    f.add(
        f"!cat ~/.dbt/profiles.yml\nanalytics:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      host: localhost\n      user: dbt\n      password: {p}\n      dbname: analytics",
        p,
    )

    return f.done()


# 10. Pasted documentation: runbooks, wikis, READMEs, emails, tickets and handover notes.
def _pasted_docs() -> tuple[Planted, ...]:
    f = _Family()

    g = f.kind("runbook_numbered_steps")
    p = g.rpw(18)
    f.add(
        "## Restore the nightly backup\n\n1. SSH to `backup01`.\n2. `export RESTIC_REPOSITORY=s3:s3.eu-central-1.amazonaws.com/acme-restic`\n"
        f"3. `export RESTIC_PASSWORD='{p}'`\n4. `restic snapshots --latest 3`\n5. `restic restore latest --target /srv/restore`",
        p,
    )

    g = f.kind("wiki_credentials_section")
    p1, p2 = g.pw("de", "camel"), g.pw("de", "season")
    f.add(
        f"h2. Zugangsdaten\n\n* Firewall (Sophos): admin / {p1}\n* Drucker-Webinterface: PIN 4711, Admin-Passwort {p2}\n* WLAN Gäste: siehe Aushang",
        p1,
        p2,
    )

    g = f.kind("readme_setup_filled_value")
    t = g.alnum(32)
    f.add(
        f"### Setup\n\n1. `cp .env.example .env`\n2. Set `OPENWEATHER_KEY={t}` (shared team key)\n3. `npm install && npm run dev`",
        t,
    )

    g = f.kind("onboarding_email_temp_password")
    p = g.pw("en", "season")
    f.add(
        "Subject: Welcome to Acme – your accounts\n\nHi Priya,\n\nyour laptop is ready. Log in with your username p.sharma and the temporary password "
        f"{p} — you'll be asked to change it at first login.\n\nCheers,\nIT",
        p,
    )

    g = f.kind("jira_ticket_repro_steps")
    p = g.pw("en", "camel")
    f.add(
        f"*Steps to reproduce*\n# Log in to https://staging.acme.dev as qa.lead@acme.dev / {p}\n# Open Orders > Export\n# Click *CSV*\n\n*Expected*: download starts\n*Actual*: 500",
        p,
    )

    g = f.kind("handover_note_router")
    p1, p2 = g.pw("nl", "season"), g.pw("nl", "phrase")
    f.add(
        f"Overdrachtsnotitie kantoor Utrecht:\n- router beheer: http://192.168.1.1 (admin / {p1})\n- wifi: Kantoor-5G, sleutel {p2}\n- alarmcode bij Jeroen opvragen",
        p1,
        p2,
    )

    g = f.kind("postmortem_leaked_key_quote")
    t = "AKIA" + g.up(16)
    s = g.b64(40)
    f.add(
        "## Incident 2026-11-18: leaked deploy credentials\n\n**What happened:** the access key `"
        f"{t}` and its secret `{s}` were pasted into a public gist at 14:02 UTC and used from 3 IPs within 9 minutes.",
        t,
        s,
    )

    g = f.kind("notion_page_table_export")
    t1, t2 = g.alnum(40), g.alnum(40)
    f.add(f"Name\tTool\tAPI key\tOwner\nNewsletter\tBrevo\t{t1}\tMarketing\nCRM sync\tPipedrive\t{t2}\tSales", t1, t2)

    g = f.kind("oncall_cheatsheet")
    p = g.rpw(16)
    f.add(
        f"ON-CALL CHEATSHEET\n- grafana: https://grafana.acme.dev (oncall / {p})\n- page the DBA: +49 30 1234567\n- status page: https://status.acme.dev",
        p,
    )

    g = f.kind("break_glass_procedure")
    p = g.rpw(24)
    f.add(
        f"BREAK GLASS ONLY. If SSO is down, log in to the AWS root account (root@acme.dev) with:\n\n    {p}\n\nthen immediately notify #security.",
        p,
    )

    g = f.kind("vendor_welcome_email_key")
    t = g.hex(40)
    f.add(
        f"Welcome to ParcelPoint!\n\nYour account is active. Use the following API key to authenticate your requests:\n\n    {t}\n\nKeep it secret. Questions? support@parcelpoint.example",
        t,
    )

    g = f.kind("sftp_account_email")
    p = g.pw("de", "camel")
    f.add(
        f"Guten Tag,\n\nanbei die Zugangsdaten für den SFTP-Austausch:\nHost: sftp.lieferant.de\nPort: 2222\nBenutzer: acme_gmbh\nKennwort: {p}\n\nMit freundlichen Grüßen",
        p,
    )

    g = f.kind("vpn_onboarding_psk")
    psk = g.alnum(32)
    f.add(f"VPN setup (L2TP/IPsec)\nServer: vpn.acme.dev\nPre-shared key: {psk}\nUsername/password: your AD login", psk)

    g = f.kind("guest_wifi_notice")
    p = g.pw("en", "phrase")
    f.add(f"GUEST WIFI\nNetwork: Acme-Guest\nPassword: {p}\n(changes every quarter)", p)

    g = f.kind("zendesk_ticket_internal_note")
    p = g.pw("es", "camel")
    f.add(
        f"Internal note (Lucía): customer gave us their shop admin login so we can check the plugin: tienda-admin / {p}. Delete after closing the ticket.",
        p,
    )

    g = f.kind("internal_docker_readme_run")
    p = g.rpw(16)
    f.add(
        f"## Running locally\n\n```\ndocker run -p 8080:8080 -e ADMIN_USER=admin -e ADMIN_PASSWORD='{p}' registry.acme.dev/tools/pgadmin:8\n```",
        p,
    )

    g = f.kind("migration_guide_old_new_dsn")
    p1, p2 = g.upw(14), g.upw(14)
    f.add(
        f"Old DSN: mysql://shop:{p1}@db-old.lan/shop\nNew DSN: mysql://shop:{p2}@db-new.lan/shop\nSwitch over on Saturday 06:00.",
        p1,
        p2,
    )

    g = f.kind("meeting_notes_shared_creds")
    p = g.pw("en", "leet")
    f.add(
        f"Meeting notes 2026-11-26\n- Bob shared the prod DB creds in the call (user: ro_analytics, pw: {p}) — to be moved to the vault\n- Next sync Thursday",
        p,
    )

    g = f.kind("terraform_readme_tfvars_example_filled")
    t = g.alnum(40)
    f.add(f'Example `terraform.tfvars`:\n\n```hcl\nproject = "acme-prod"\ncloudflare_token = "{t}"\n```', t)

    g = f.kind("postman_docs_environment_values")
    t = g.b64u(40)
    f.add(
        f"Environment **Production**\n\n| Variable | Initial value | Current value |\n|---|---|---|\n| baseUrl | https://api.acme.dev | https://api.acme.dev |\n| apiKey | {t} | {t} |",
        t,
    )

    g = f.kind("cert_renewal_runbook_p12")
    p = g.pw("fr", "camel")
    f.add(
        f"Renouvellement du certificat client :\n1. Télécharger `client-2026.p12` depuis le portail\n2. Mot de passe du fichier : {p}\n3. `openssl pkcs12 -in client-2026.p12 -nodes -out client.pem`",
        p,
    )

    g = f.kind("kubernetes_runbook_create_secret")
    t = g.alnum(40)
    f.add(
        f"### Rotating the webhook secret\n```\nkubectl -n payments create secret generic psp-webhook --from-literal=secret={t} --dry-run=client -o yaml | kubectl apply -f -\n```",
        t,
    )

    g = f.kind("faq_shared_mailbox")
    p = g.pw("sv", "season")
    f.add(f"**F: Vad är lösenordet till support-brevlådan?**\nS: {p} – men be hellre IT om delegerad åtkomst.", p)

    g = f.kind("adr_document_example_creds")
    t = g.hex(64)
    f.add(
        f"# ADR 014: Signed download links\n\nWe sign links with HMAC-SHA256. The current key (`{t}`) is stored in the `downloads` secret.",
        t,
    )

    g = f.kind("release_checklist_store_password")
    p = g.rpw(18)
    f.add(
        f"Release checklist (Android)\n- [ ] bump versionCode\n- [ ] `./gradlew bundleRelease -Pandroid.injected.signing.store.password={p}`\n- [ ] upload to Play Console",
        p,
    )

    g = f.kind("alarm_and_door_codes_sheet")
    c1, c2 = g.digits(8), g.digits(8)
    f.add(
        f"Büro Hamburg\n- Alarmanlage: Code {c1}\n- Serverraum-Tür: {c2}#\n- Notfallkontakt Wachdienst: 040 123456",
        c1,
        c2,
    )

    g = f.kind("support_macro_reset_password")
    p = g.pw("pt", "season")
    f.add(
        f"Olá! Redefinimos a sua senha de acesso ao portal. A nova senha provisória é {p}. Por segurança, altere-a no primeiro acesso.",
        p,
    )

    g = f.kind("wiki_table_confluence_markup")
    t1, t2 = g.alnum(32), g.alnum(32)
    f.add(
        f"||Service||Client ID||Client secret||\n|Google SSO|812334-abc.apps.googleusercontent.com|{t1}|\n|Azure AD|3f1a-99|{t2}|",
        t1,
        t2,
    )

    g = f.kind("it_ticket_laptop_bitlocker")
    k = "-".join(f"{11 * g.num(0, 65535):06d}" for _ in range(8))
    f.add(
        f"Ticket #88213 – Laptop LT-0419 locked at boot.\nBitLocker recovery key (from Intune): {k}\nUser confirmed access restored.",
        k,
    )

    g = f.kind("slack_canvas_env_list")
    t = g.b64u(48)
    f.add(f"📌 *Staging env*\n• URL: https://stg.acme.dev\n• Admin token: `{t}`\n• Reset DB: `make reset-stg`", t)

    g = f.kind("ops_handbook_ipmi_defaults")
    p = g.up(10)
    f.add(
        f"New Supermicro nodes ship with a unique BMC password on the sticker. For rack A3 node 7 it is {p}; change it during provisioning.",
        p,
    )

    g = f.kind("readme_private_dependency_url")
    t = "ghp" + "_" + g.alnum(36)
    f.add(
        f"Install the private UI kit first:\n\n    npm install git+https://{t}:x-oauth-basic@github.com/acme/ui-kit.git#v3.2.0",
        t,
    )

    g = f.kind("email_forward_db_access")
    p = g.pw("it", "camel")
    f.add(
        f"---------- Forwarded message ---------\nDa: Luca <luca@acme.it>\nOggetto: accesso db\n\nCiao, l'utente è report_ro e la password {p}. Host db.acme.it porta 5432.",
        p,
    )

    g = f.kind("wiki_docker_registry_login")
    t = g.alnum(40)
    f.add(
        f"To pull images on a new build host:\n\n    echo '{t}' | docker login registry.acme.dev -u ci-puller --password-stdin",
        t,
    )

    g = f.kind("runbook_powershell_domain_join")
    p = g.rpw(16)
    f.add(
        f"# Domain join (new VM)\n$pw = '{p}' | ConvertTo-SecureString -AsPlainText -Force\nAdd-Computer -DomainName corp.local -Credential (New-Object PSCredential('CORP\\\\svc_join', $pw)) -Restart",
        p,
    )

    g = f.kind("customer_handover_pdf_text")
    p1, p2 = g.pw("cs", "season"), g.pw("cs", "camel")
    f.add(
        f"PŘEDÁVACÍ PROTOKOL\nWeb: https://eshop.example.cz/admin\nUživatel: majitel\nHeslo: {p1}\nFTP: ftp.example.cz, uživatel eshop, heslo {p2}",
        p1,
        p2,
    )

    g = f.kind("runbook_vault_unseal_quorum")
    k1, k2, k3 = g.b64(44), g.b64(44), g.b64(44)
    f.add(f"Unseal (need 3 of 5):\n- key A (Anna): {k1}\n- key B (Bilal): {k2}\n- key C (Chen): {k3}", k1, k2, k3)

    g = f.kind("tender_doc_test_account")
    p = g.pw("en", "name")
    f.add(
        f"7.3 Test access\nThe contractor receives a test account on the acceptance environment (login: vendor-test, password: {p}) for the duration of the project.",
        p,
    )

    g = f.kind("wiki_snmp_community")
    c = g.alnum(16)
    f.add(f"Monitoring: SNMPv2 community string for all switches in DC2 is `{c}`, read-only.", c)

    g = f.kind("sticky_note_ocr")
    p = g.pw("en", "walk")
    f.add(f"[image text] REMEMBER!! new printer admin pw -> {p} (dont tell Dave)", p)

    return f.done()


# 11. Encoded, escaped, split and wrapped values.
def _encoded_split() -> tuple[Planted, ...]:
    f = _Family()

    g = f.kind("base64_userpass_echo_decode")
    enc = _b64e(("svc_etl:" + g.rpw(16)).encode())
    f.add(f"$ echo '{enc}' | base64 -d\n# (that's the basic auth the partner gave us)", enc)

    g = f.kind("base64_whole_env_blob")
    blob = f"DB_HOST=db\nDB_USER=app\nDB_PASS={g.rpw(16)}\nAPI_KEY={g.alnum(32)}\n"
    enc = _b64e(blob.encode())
    f.add(f'ENV_FILE_B64={enc}\n# decoded at boot: echo "$ENV_FILE_B64" | base64 -d > .env', enc)

    g = f.kind("hex_encoded_password_flag")
    h = g.pw("de", "camel").encode().hex()
    f.add(f"./vpnclient --user m.weber --password-hex {h} --server vpn.firma.de", h)

    g = f.kind("url_encoded_password_in_uri")
    p = g.pw("en", "leet") + "/" + g.alnum(4)
    enc = urllib.parse.quote(p, safe="")
    f.add(f"DATABASE_URL=postgresql://shop:{enc}@db.internal:5432/shop?sslmode=require", enc)

    g = f.kind("url_encoded_form_client_secret")
    s = g.b64(30) + "+/" + g.b64(10)
    enc = urllib.parse.quote(s, safe="")
    f.add(
        f"curl -X POST https://login.acme.dev/oauth/token -d 'grant_type=client_credentials&client_id=reporting&client_secret={enc}'",
        enc,
    )

    g = f.kind("json_escaped_quote_and_backslash")
    p = g.alnum(5) + '"' + g.alnum(4) + "\\" + g.alnum(5)
    esc = json.dumps(p)[1:-1]
    f.add(f'{{"service": "ldap", "bind_dn": "cn=reader,dc=acme,dc=dev", "bind_password": "{esc}"}}', esc)

    g = f.kind("unicode_escaped_js_string")
    p = g.pw("fr", "camel")
    esc = "".join(f"\\u{ord(c):04x}" for c in p)
    f.add(f'const k = "{esc}"; // obfuscated so the scanner stops complaining', esc)

    g = f.kind("html_entity_in_attribute")
    a, b = g.alnum(6), g.alnum(7)
    p = a + "&" + b + "<" + g.digits(3)
    esc = p.replace("&", "&amp;").replace("<", "&lt;")
    f.add(f'<input type="hidden" name="smtp_pass" value="{esc}">', esc)

    g = f.kind("html_numeric_entities")
    p = g.pw("es", "season")
    esc = "".join(f"&#{ord(c)};" for c in p)
    f.add(f"<p>Contraseña: <code>{esc}</code></p>", esc)

    g = f.kind("shell_backslash_continuation_split")
    t = g.alnum(64)
    f.add(f"export SIGNING_TOKEN={t[:32]}\\\n{t[32:]}\n./release.sh", t[:32], t[32:])

    g = f.kind("python_implicit_concatenation")
    t = "ghp" + "_" + g.alnum(36)
    a, b = t[:20], t[20:]
    f.add(f'TOKEN = (\n    "{a}"\n    "{b}"\n)', a, b)

    g = f.kind("js_array_join")
    t = g.hex(48)
    parts = [t[:16], t[16:32], t[32:]]
    f.add(f"const key = [{', '.join(repr(x) for x in parts)}].join('');", *parts)

    g = f.kind("shell_variables_glued")
    t = g.alnum(40)
    f.add(f'P1="{t[:20]}"\nP2="{t[20:]}"\nexport PARTNER_TOKEN="${{P1}}${{P2}}"', t[:20], t[20:])

    g = f.kind("terminal_wrapped_long_token")
    t = "IQoJb3JpZ2luX2Vj" + g.b64(380)
    lines = _wrap(t, 80)
    f.add("AWS_SESSION_TOKEN=\n" + "\n".join(lines) + "\n", *[x for x in lines if len(x) >= 8])

    g = f.kind("json_inside_json_double_escaped")
    t = g.alnum(40)
    inner = json.dumps({"apiKey": t, "region": "eu"})
    outer = json.dumps({"body": json.dumps({"config": inner})})
    f.add(outer, t)

    g = f.kind("ansi_colored_token_output")
    t = g.b64u(48)
    f.add(
        f"\x1b[1;32m✔\x1b[0m Created token \x1b[36mci-deploy\x1b[0m\n  \x1b[2mtoken:\x1b[0m \x1b[1m{t}\x1b[0m\n  \x1b[33mThis is the only time it will be shown.\x1b[0m",
        t,
    )

    g = f.kind("ansi_codes_inside_token")
    t = g.alnum(48)
    f.add(f"secret: \x1b[31m{t[:24]}\x1b[0m\x1b[31m{t[24:]}\x1b[0m", t[:24], t[24:])

    g = f.kind("reversed_string_literal")
    t = g.alnum(40)
    f.add(f'API_KEY = "{t[::-1]}"[::-1]  # lol', t[::-1])

    g = f.kind("java_char_array_literal")
    p = g.pw("it", "camel")
    chars = ", ".join(f"'{c}'" for c in p)
    f.add(f"private static final char[] KS_PASS = {{ {chars} }};", chars)

    g = f.kind("python_bytes_list_hex")
    p = g.rpw(12).encode()
    lst = ", ".join(f"0x{b:02x}" for b in p)
    f.add(f"_K = bytes([{lst}]).decode()", lst)

    g = f.kind("quoted_printable_email_body")
    enc = g.alnum(7) + "=3D" + g.alnum(6)
    f.add(
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
        f"Hallo Jens,\n\nhier die Zugangsdaten f=C3=BCr das Lager-Portal:\nBenutzer: lager\nKennwort: {enc}\n\nGr=C3=BC=C3=9Fe",
        enc,
    )

    g = f.kind("jdbc_percent_encoded_ampersand")
    a, b = g.alnum(8), g.alnum(8)
    enc = a + "%26" + b
    f.add(f"jdbc:mysql://db:3306/shop?user=shop&password={enc}&useSSL=true", enc)

    g = f.kind("xml_escaped_attribute")
    a, b = g.alnum(7), g.alnum(7)
    esc = a + "&quot;" + b + "&gt;"
    f.add(f'<add key="SmtpPassword" value="{esc}" />', esc)

    g = f.kind("yaml_folded_split_token")
    t = g.b64(96)
    f.add(f"partner:\n  token: >-\n    {t[:48]}\n    {t[48:]}\n", t[:48], t[48:])

    g = f.kind("dockerconfigjson_double_base64")
    auth = _b64e(("robot$ci:" + g.alnum(32)).encode())
    outer = _b64e(json.dumps({"auths": {"harbor.acme.dev": {"auth": auth}}}).encode())
    f.add(
        f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: harbor-pull\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: {outer}",
        outer,
    )

    g = f.kind("windows_reg_utf16_hex")
    p = g.pw("en", "camel")
    hx = ",".join(f"{b:02x}" for b in p.encode("utf-16-le"))
    f.add(
        f'Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Acme\\Agent]\n"Server"="mon.acme.dev"\n"Password"=hex:{hx}',
        hx,
    )

    g = f.kind("python_bytes_repr_sasl")
    p = g.rpw(16)
    f.add(f"DEBUG sasl: sending initial response b'\\x00kafka-app\\x00{p}'", p)

    g = f.kind("url_encoded_redirect_with_creds")
    p = g.rpw(14)
    inner = f"https://backup:{p}@files.acme.dev/export"
    enc = urllib.parse.quote(inner, safe="")
    frag = urllib.parse.quote(p, safe="")
    f.add(f"GET /login?next={enc} HTTP/1.1", frag)

    g = f.kind("token_split_two_env_vars")
    t = g.b64(120)
    f.add(f"# heroku's 32KB limit made us split the key\nGCP_SA_KEY_1={t[:60]}\nGCP_SA_KEY_2={t[60:]}", t[:60], t[60:])

    g = f.kind("printf_hex_escapes")
    p = g.pw("en", "season")
    esc = "".join(f"\\x{b:02x}" for b in p.encode())
    f.add(f"printf '{esc}' | sudo -S systemctl restart app", esc)

    g = f.kind("data_url_base64_json")
    blob = _b64e(json.dumps({"user": "kiosk", "password": g.rpw(14)}).encode())
    f.add(f"localStorage.setItem('creds', 'data:application/json;base64,{blob}')", blob)

    g = f.kind("sed_escaped_replacement")
    a, b = g.alnum(8), g.alnum(8)
    esc = a + "\\/" + b + "\\$"
    f.add(f"sed -i 's/^DB_PASS=.*/DB_PASS={esc}/' /etc/app/env", esc)

    g = f.kind("shell_single_quote_escape")
    a, b = g.alnum(8), g.alnum(8)
    f.add(f"echo '{a}'\\''{b}' | sudo tee /etc/app/secret > /dev/null", a, b)

    g = f.kind("powershell_backtick_escapes")
    a, b = g.alnum(8), g.alnum(8)
    esc = a + "`$" + b + '`"'
    f.add(f'$env:SVC_PASSWORD = "{esc}"', esc)

    g = f.kind("csv_doubled_quotes")
    a, b = g.alnum(8), g.alnum(8)
    esc = a + '""' + b
    f.add(f'name,login,password\n"Lager","lager","{esc}"', esc)

    g = f.kind("php_json_encode_escaped_slash")
    t = g.b64(20) + "/" + g.b64(20)
    esc = t.replace("/", "\\/")
    f.add(f'{{"storage":{{"account":"acmefiles","key":"{esc}"}}}}', esc)

    g = f.kind("terraform_heredoc_key")
    t = g.b64(120)
    lines = _wrap(t, 60)
    f.add(
        'resource "null_resource" "x" {\n  triggers = {\n    token = <<EOT\n' + "\n".join(lines) + "\nEOT\n  }\n}",
        *lines,
    )

    g = f.kind("json_array_chunks")
    t = g.b64u(90)
    parts = [t[:30], t[30:60], t[60:]]
    f.add(json.dumps({"name": "sync", "tokenChunks": parts}), *parts)

    g = f.kind("email_wrapped_base64_76")
    blob = _b64e(("-----BEGIN " + "PRIVATE KEY-----\n").encode() + g.raw(160))
    lines = _wrap(blob, 76)
    f.add(
        'Content-Type: application/octet-stream; name="key.pem"\nContent-Transfer-Encoding: base64\n\n'
        + "\n".join(lines),
        *[x for x in lines[1:] if len(x) >= 8],
    )

    g = f.kind("env_blob_inside_json_string")
    t = g.alnum(40)
    f.add(json.dumps({"name": "worker", "env": f"NODE_ENV=production\nQUEUE_TOKEN={t}\nPORT=8080"}), t)

    g = f.kind("properties_unicode_escape")
    p = g.pw("de", "season")
    esc = "".join(f"\\u{ord(c):04X}" if c.isalpha() else c for c in p)
    f.add(f"# exported by the IDE\nmail.password={esc}", esc)

    g = f.kind("base32_encoded_secret")
    t = base64.b32encode(g.alnum(20).encode()).decode().rstrip("=")
    f.add(f"LICENSE_SERVER_SECRET_B32={t}", t)

    g = f.kind("split_parts_in_comments")
    t = g.hex(48)
    f.add(f"# key is part1+part2 (don't ask)\n# part1: {t[:24]}\n# part2: {t[24:]}", t[:24], t[24:])

    return f.done()


# 12. Key material: private keys, wallets, seeds, one-time-password seeds and recovery codes.
def _key_material() -> tuple[Planted, ...]:
    f = _Family()

    g = f.kind("openssh_ed25519_private_key_cat")
    text, lines = _openssh_ed25519(g, "deploy@ci")
    f.add(f"$ cat ~/.ssh/id_ed25519\n{text}\n$ ", *lines)

    g = f.kind("ec_private_key_pem")
    text, lines = _pem(g, "EC " + "PRIVATE KEY", _EC_DER, 104)
    f.add(text, *lines)

    g = f.kind("encrypted_pkcs8_with_passphrase")
    text, lines = _pem(g, "ENCRYPTED " + "PRIVATE KEY", bytes.fromhex("308205363060"), 300)
    p = g.pw("en", "phrase")
    f.add(f"{text}\n\nopenssl pkey -in tls.key -passin 'pass:{p}' -out tls.dec.key", p, *lines)

    g = f.kind("pgp_private_key_block")
    body = _wrap(_b64e(bytes.fromhex("9507c60467") + g.raw(420)), 64)
    crc = "=" + g.b64(4)
    f.add(
        "-----BEGIN PGP "
        + "PRIVATE KEY BLOCK-----\nComment: release signing key\n\n"
        + "\n".join(body)
        + f"\n{crc}\n-----END PGP "
        + "PRIVATE KEY BLOCK-----",
        *[x for x in body if len(x) >= 8],
    )

    g = f.kind("jwk_rsa_private_members")
    n = _b64url(b"\xc3" + g.raw(255))
    d, p, q, dp, dq, qi = (_b64url(g.raw(k)) for k in (256, 128, 128, 128, 128, 128))
    f.add(
        json.dumps(
            {
                "kty": "RSA",
                "kid": "sig-2026-11",
                "use": "sig",
                "n": n,
                "e": "AQAB",
                "d": d,
                "p": p,
                "q": q,
                "dp": dp,
                "dq": dq,
                "qi": qi,
            },
            indent=2,
        ),
        d,
        p,
        q,
        dp,
        dq,
        qi,
    )

    g = f.kind("jwk_ec_p256_d")
    x, y, d = _b64url(g.raw(32)), _b64url(g.raw(32)), _b64url(g.raw(32))
    f.add(json.dumps({"kty": "EC", "crv": "P-256", "kid": "apns-dev", "x": x, "y": y, "d": d}), d)

    g = f.kind("jwk_okp_ed25519_in_env")
    x, d = _b64url(g.raw(32)), _b64url(g.raw(32))
    jwk = json.dumps({"kty": "OKP", "crv": "Ed25519", "x": x, "d": d}, separators=(",", ":"))
    f.add(f"AUTH_SIGNING_JWK='{jwk}'", d)

    g = f.kind("pkcs12_base64_env_and_password")
    blob = _b64e(bytes.fromhex("30820a2b020103308209f106092a864886f70d010701") + g.raw(200))
    p = g.rpw(16)
    f.add(f"SIGNING_CERT_P12_BASE64={blob}\nSIGNING_CERT_PASSWORD={p}", blob, p)

    g = f.kind("java_keystore_base64_secret")
    blob = _b64e(bytes.fromhex("feedfeed00000002") + g.raw(180))
    f.add(f"      - name: Decode keystore\n        run: echo '{blob}' | base64 -d > app/release.jks", blob)

    g = f.kind("sops_age_key_env")
    k = "AGE-SECRET-KEY-1" + g.bech32(58).upper()
    f.add(f"export SOPS_AGE_KEY={k}\nsops -d secrets/prod.enc.yaml | yq .database", k)

    g = f.kind("minisign_secret_key_file")
    k = "RWRTY0Iy" + g.b64(148)
    f.add(f"$ cat ~/.minisign/minisign.key\nuntrusted comment: minisign encrypted secret key\n{k}", k)

    g = f.kind("wireguard_interface_and_psk")
    priv, pub, psk = _b64e(g.raw(32)), _b64e(g.raw(32)), _b64e(g.raw(32))
    f.add(
        f"[Interface]\nAddress = 10.8.0.2/32\nPrivateKey = {priv}\nDNS = 10.8.0.1\n\n[Peer]\nPublicKey = {pub}\n"
        f"PresharedKey = {psk}\nEndpoint = vpn.acme.dev:51820\nAllowedIPs = 10.8.0.0/24",
        priv,
        psk,
    )

    g = f.kind("tor_client_auth_private")
    onion = g.of("abcdefghijklmnopqrstuvwxyz234567", 56)
    k = g.of("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 52)
    f.add(f"$ cat /var/lib/tor/onion_auth/admin.auth_private\n{onion}:descriptor:x25519:{k}", k)

    g = f.kind("nostr_nsec_bech32")
    k = "nsec1" + g.bech32(58)
    f.add(f"import your account into Damus with {k} (your npub stays the same)", k)

    g = f.kind("bip39_numbered_grid")
    words = mnemonic("fresh13:bip39_numbered_grid", 12).split()
    grid = "\n".join(
        f"{i + 1:>2}. {w:<10}" + (f"{i + 7:>2}. {words[i + 6]}" if i < 6 else "") for i, w in enumerate(words[:6])
    )
    f.add(
        f"Recovery phrase (write it down):\n{grid}",
        *[f"{i + 1:>2}. {w:<10}{i + 7:>2}. {words[i + 6]}" for i, w in enumerate(words[:6])],
    )

    g = f.kind("bip39_24_with_passphrase")
    seed = mnemonic("fresh13:bip39_24_with_passphrase", 24)
    p = g.pw("en", "phrase")
    f.add(f"ledger backup\nwords: {seed}\n25th word / passphrase: {p}", seed, p)

    g = f.kind("bip39_18_in_json_backup")
    seed = mnemonic("fresh13:bip39_18_in_json_backup", 18)
    f.add(
        json.dumps({"version": 2, "wallet": "cold-2", "mnemonic": seed, "derivationPath": "m/84'/0'/0'"}, indent=2),
        seed,
    )

    g = f.kind("ethereum_keystore_v3_with_password")
    ct, p = g.hex(64), g.rpw(16)
    ks = {
        "address": "5c1f" + g.hex(36),
        "crypto": {
            "cipher": "aes-128-ctr",
            "ciphertext": ct,
            "cipherparams": {"iv": g.hex(32)},
            "kdf": "scrypt",
            "kdfparams": {"dklen": 32, "n": 262144, "p": 1, "r": 8, "salt": g.hex(64)},
            "mac": g.hex(64),
        },
        "id": g.uuid(),
        "version": 3,
    }
    f.add(f"{json.dumps(ks)}\n\npassword.txt: {p}", ct, p)

    g = f.kind("solana_id_json_byte_array")
    arr = "[" + ",".join(str(b) for b in g.raw(64)) + "]"
    f.add(f"$ cat ~/.config/solana/id.json\n{arr}", arr)

    g = f.kind("metamask_export_hex_no_prefix")
    k = g.hex(64)
    f.add(
        f"exported the private key from MetaMask (Account 2): {k} — import it into the hardhat config for the testnet deploy",
        k,
    )

    g = f.kind("tprv_testnet_extended")
    k = "tprv8ZgxMBicQKsPd" + g.of("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", 94)
    f.add(f"descriptor: wpkh({k}/84'/1'/0'/0/*)#8xk3q2m7", k)

    g = f.kind("wif_testnet_compressed_import")
    k = wif("fresh13:wif_testnet_compressed_import", compressed=True, testnet=True)
    f.add(f"$ bitcoin-cli -testnet importprivkey {k} faucet-refill false", k)

    g = f.kind("bitcoin_dumpwallet_lines")
    k1 = wif("fresh13:bitcoin_dumpwallet_lines:1")
    k2 = wif("fresh13:bitcoin_dumpwallet_lines:2")
    f.add(
        "# Wallet dump created by Bitcoin Core v27.0.0\n"
        f"{k1} 2026-01-04T10:11:12Z reserve=1 #addr=bc1q{g.bech32(38)}\n"
        f"{k2} 2026-01-04T10:11:12Z change=1 #addr=bc1q{g.bech32(38)}",
        k1,
        k2,
    )

    g = f.kind("otpauth_totp_uri")
    s = g.b32(32)
    f.add(f"otpauth://totp/Acme%20VPN:m.rossi?secret={s}&issuer=Acme%20VPN&algorithm=SHA1&digits=6&period=30", s)

    g = f.kind("totp_setup_key_grouped")
    s = g.b32(32).lower()
    grouped = " ".join(_wrap(s, 4))
    f.add(f"Can't scan the QR code? Enter this setup key in your authenticator app:\n\n{grouped}", grouped)

    g = f.kind("otpauth_migration_uri")
    data = urllib.parse.quote(_b64e(bytes.fromhex("0a2d0a14") + g.raw(60)), safe="")
    f.add(f"otpauth-migration://offline?data={data}", data)

    g = f.kind("github_recovery_codes_list")
    codes = [g.hex(5) + "-" + g.hex(5) for _ in range(8)]
    f.add("github-recovery-codes.txt\n" + "\n".join(codes), *codes)

    g = f.kind("google_backup_codes_spaced")
    codes = [g.digits(4) + " " + g.digits(4) for _ in range(6)]
    f.add("BACKUP VERIFICATION CODES\n" + "\n".join(f"{i + 1}. {c}" for i, c in enumerate(codes)), *codes)

    g = f.kind("ssh_askpass_script")
    p = g.pw("de", "phrase")
    f.add(
        f"$ cat ~/bin/askpass.sh\n#!/bin/sh\necho '{p}'\n$ SSH_ASKPASS=~/bin/askpass.sh SSH_ASKPASS_REQUIRE=force ssh-add ~/.ssh/id_ed25519\nIdentity added: /home/ci/.ssh/id_ed25519 (ci@build)",
        p,
    )

    g = f.kind("k8s_tls_secret_key_base64")
    text, _ = _pem(g, "PRIVATE " + "KEY", _PKCS8_ED25519_DER, 32)
    enc = _b64e(text.encode())
    f.add(f"data:\n  tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJ\n  tls.key: {enc}", enc)

    g = f.kind("cosign_key_and_password")
    body = _wrap(_b64e(g.raw(330)), 64)
    p = g.rpw(20)
    f.add(
        "-----BEGIN ENCRYPTED SIGSTORE "
        + "PRIVATE KEY-----\n"
        + "\n".join(body)
        + "\n-----END ENCRYPTED SIGSTORE "
        + "PRIVATE KEY-----\n"
        f"COSIGN_PASSWORD={p} cosign sign --key cosign.key ghcr.io/acme/api@sha256:{g.hex(64)}",
        p,
        *[x for x in body if len(x) >= 8],
    )

    g = f.kind("ssh2_rfc4716_private")
    body = _wrap(_b64e(bytes.fromhex("3f6ff9eb") + g.raw(300)), 70)
    f.add(
        "---- BEGIN SSH2 ENCRYPTED "
        + 'PRIVATE KEY ----\nComment: "rsa-key-20261127"\n'
        + "\n".join(body)
        + "\n---- END SSH2 ENCRYPTED "
        + "PRIVATE KEY ----",
        *[x for x in body if len(x) >= 8],
    )

    g = f.kind("vault_operator_init_output")
    keys = [g.b64(44) for _ in range(3)]
    root = "hvs" + "." + g.b64u(24)
    f.add(
        "\n".join(f"Unseal Key {i + 1}: {k}" for i, k in enumerate(keys))
        + f"\n\nInitial Root Token: {root}\n\nVault initialized with 3 key shares and a key threshold of 2.",
        *keys,
        root,
    )

    g = f.kind("consul_gossip_encrypt_key")
    k = _b64e(g.raw(32))
    f.add(f'datacenter = "fra1"\ndata_dir = "/opt/consul"\nencrypt = "{k}"\nverify_incoming = true', k)

    g = f.kind("rails_master_key_file")
    k = g.hex(32)
    f.add(f"$ cat config/master.key\n{k}$ RAILS_MASTER_KEY={k} bin/rails credentials:show", k)

    g = f.kind("laravel_app_key")
    k = "base64:" + _b64e(g.raw(32))
    f.add(f"APP_NAME=Boutique\nAPP_ENV=production\nAPP_KEY={k}\nAPP_DEBUG=false", k[7:])

    g = f.kind("fernet_key_python_bytes")
    k = base64.urlsafe_b64encode(g.raw(32)).decode()
    f.add(f"from cryptography.fernet import Fernet\nfernet = Fernet(b'{k}')", k)

    g = f.kind("gcp_service_account_json_private_key")
    _, lines = _pem(g, "PRIVATE " + "KEY", _PKCS8_DER, 600)
    escaped = "-----BEGIN " + "PRIVATE KEY-----\\n" + "\\n".join(lines) + "\\n-----END " + "PRIVATE KEY-----\\n"
    f.add(
        '{\n  "type": "service_account",\n  "project_id": "acme-data-prod",\n'
        f'  "private_key_id": "{g.hex(40)}",\n  "private_key": "{escaped}",\n'
        '  "client_email": "etl@acme-data-prod.iam.gserviceaccount.com"\n}',
        *lines,
    )

    g = f.kind("apple_p8_authkey")
    text, lines = _pem(
        g,
        "PRIVATE " + "KEY",
        bytes.fromhex("308193020100301306072a8648ce3d020106082a8648ce3d030107047930770201010420"),
        100,
    )
    f.add(f"$ cat AuthKey_7Q2XK9M3LP.p8\n{text}", *lines)

    g = f.kind("macos_filevault_recovery_key")
    k = "-".join(g.up(4) for _ in range(6))
    f.add(f"FileVault recovery key for MBP-0412 (escrowed to Jamf): {k}", k)

    g = f.kind("onepassword_secret_key_emergency_kit")
    k = "A3-" + g.up(6) + "-" + g.up(6) + "-" + "-".join(g.up(5) for _ in range(4))
    f.add(f"Emergency Kit\nSign-in address: acme.1password.eu\nEmail: cfo@acme.dev\nSecret Key: {k}", k)

    g = f.kind("keepass_keyfile_xml")
    data = " ".join(g.hex_upper(8) for _ in range(8))
    f.add(
        f'<?xml version="1.0" encoding="utf-8"?>\n<KeyFile>\n\t<Meta><Version>2.0</Version></Meta>\n\t<Key>\n\t\t<Data Hash="{g.hex_upper(8)}">\n\t\t\t{data}\n\t\t</Data>\n\t</Key>\n</KeyFile>',
        data,
    )

    g = f.kind("cardano_skey_cborhex")
    k = "5820" + g.hex(64)
    f.add(
        json.dumps(
            {"type": "PaymentSigningKeyShelley_ed25519", "description": "Payment Signing Key", "cborHex": k}, indent=4
        ),
        k,
    )

    g = f.kind("swarm_join_token")
    t = "SWMTKN-1-" + g.low(50) + "-" + g.low(25)
    f.add(
        f"To add a worker to this swarm, run the following command:\n\n    docker swarm join --token {t} 10.0.0.10:2377",
        t,
    )

    g = f.kind("ipsec_secrets_psk")
    p = g.b64(32)
    f.add(f'# /etc/ipsec.secrets\n203.0.113.10 198.51.100.20 : PSK "{p}"', p)

    return f.done()


# 13. Other hard but ordinary places: mobile apps, IDE and tool settings, CI logs, browser devtools,
# password managers' exports and backup files.
def _misc() -> tuple[Planted, ...]:
    f = _Family()

    g = f.kind("ios_info_plist_secret")
    t = g.alnum(40)
    f.add(
        f"\t<key>CFBundleShortVersionString</key>\n\t<string>5.3.1</string>\n\t<key>BackendClientSecret</key>\n\t<string>{t}</string>",
        t,
    )

    g = f.kind("android_key_properties")
    p1, p2 = g.rpw(16), g.rpw(16)
    f.add(
        f"storePassword={p1}\nkeyPassword={p2}\nkeyAlias=upload\nstoreFile=/Users/dev/keys/upload-keystore.jks", p1, p2
    )

    g = f.kind("fastlane_env_default")
    p1, p2 = g.pw("en", "camel"), g.rpw(20)
    f.add(
        f"# fastlane/.env.default\nFASTLANE_USER=release@acme.dev\nFASTLANE_PASSWORD={p1}\nMATCH_PASSWORD={p2}\nMATCH_GIT_URL=git@github.com:acme/certs.git",
        p1,
        p2,
    )

    g = f.kind("eas_json_build_env")
    t = g.b64u(40)
    f.add(
        json.dumps(
            {
                "build": {
                    "production": {
                        "channel": "production",
                        "env": {"API_URL": "https://api.acme.dev", "API_SIGNING_SECRET": t},
                    }
                }
            },
            indent=2,
        ),
        t,
    )

    g = f.kind("react_native_config_env")
    t = g.alnum(40)
    f.add(
        f"# .env.production (react-native-config)\nAPI_URL=https://api.acme.dev\nCHAT_SDK_SECRET={t}\nSENTRY_ENV=production",
        t,
    )

    g = f.kind("vscode_sqltools_connection")
    p = g.rpw(16)
    f.add(
        '  "sqltools.connections": [\n    {\n      "name": "prod-ro",\n      "driver": "PostgreSQL",\n      "server": "pg-prod.lan",\n'
        f'      "port": 5432,\n      "database": "shop",\n      "username": "readonly",\n      "password": "{p}"\n    }}\n  ]',
        p,
    )

    g = f.kind("vscode_launch_json_env")
    t = g.hex(40)
    f.add(
        f'{{\n  "type": "node",\n  "request": "launch",\n  "name": "api",\n  "program": "${{workspaceFolder}}/src/server.ts",\n  "env": {{ "PAYMENTS_TOKEN": "{t}" }}\n}}',
        t,
    )

    g = f.kind("jetbrains_workspace_run_config_env")
    t = g.alnum(36)
    f.add(
        f'<configuration name="Application" type="SpringBootApplicationConfigurationType">\n  <envs>\n    <env name="PARTNER_API_KEY" value="{t}" />\n  </envs>\n</configuration>',
        t,
    )

    g = f.kind("jetbrains_http_client_private_env")
    t = g.b64u(48)
    f.add(json.dumps({"prod": {"host": "https://api.acme.dev", "token": t}}, indent=2), t)

    g = f.kind("rest_client_http_file_variable")
    t = g.b64u(44)
    f.add(
        f"@baseUrl = https://api.acme.dev\n@token = {t}\n\n### list orders\nGET {{{{baseUrl}}}}/orders\nAuthorization: Bearer {{{{token}}}}",
        t,
    )

    g = f.kind("postman_environment_export")
    t = g.alnum(40)
    f.add(
        json.dumps(
            {
                "name": "Production",
                "values": [
                    {"key": "baseUrl", "value": "https://api.acme.dev", "enabled": True},
                    {"key": "apiKey", "value": t, "type": "secret", "enabled": True},
                ],
            },
            indent=2,
        ),
        t,
    )

    g = f.kind("insomnia_export_basic_auth")
    p = g.rpw(16)
    f.add(
        f'{{"_type": "request", "name": "Export", "url": "https://erp.acme.dev/api/export", "authentication": {{"type": "basic", "username": "integration", "password": "{p}"}}}}',
        p,
    )

    g = f.kind("filezilla_sitemanager_base64")
    enc = _b64e(g.pw("de", "camel").encode())
    f.add(
        f'<Server>\n  <Host>ftp.kunde.de</Host>\n  <Port>21</Port>\n  <User>webmaster</User>\n  <Pass encoding="base64">{enc}</Pass>\n  <Name>Kunde Webspace</Name>\n</Server>',
        enc,
    )

    g = f.kind("winscp_ini_password")
    h = g.hex_upper(72)
    f.add(f"[Sessions\\deploy@web01]\nHostName=web01.acme.dev\nUserName=deploy\nPassword={h}\nFSProtocol=2", h)

    g = f.kind("gh_hosts_yml_token")
    t = "gho" + "_" + g.alnum(36)
    f.add(
        f"github.com:\n    users:\n        octo-dev:\n            oauth_token: {t}\n    git_protocol: https\n    oauth_token: {t}\n    user: octo-dev",
        t,
    )

    g = f.kind("github_actions_log_unmasked")
    t = g.alnum(40)
    f.add(
        "2026-11-27T10:02:11.4412Z ##[group]Run ./scripts/deploy.sh\n2026-11-27T10:02:11.4413Z + curl -fsS -X POST https://hooks.acme.dev/deploy "
        f"-H 'X-Deploy-Key: {t}'\n2026-11-27T10:02:12.0011Z ok",
        t,
    )

    g = f.kind("set_x_trace_ci_log")
    p = g.rpw(16)
    f.add(f"+ export PGPASSWORD={p}\n+ PGPASSWORD={p}\n+ psql -h db -U migrator -c 'select 1'", p)

    g = f.kind("gitlab_ci_job_log_echo")
    t = g.b64u(20)
    f.add(
        f'$ echo "registry login as $CI_REGISTRY_USER with $DEPLOY_TOKEN"\nregistry login as gitlab+deploy-token-41 with gldt-{t}\n$ docker login ...',
        t,
    )

    g = f.kind("jenkins_console_sh_trace")
    p = g.rpw(14)
    f.add(
        f"[Pipeline] sh\n+ docker login -u jenkins -p {p} nexus.acme.dev:8443\nWARNING! Using --password via the CLI is insecure. Use --password-stdin.\nLogin Succeeded",
        p,
    )

    g = f.kind("devtools_copy_as_curl_cookie")
    sid = g.b64u(64)
    f.add(
        f"curl 'https://app.acme.dev/api/projects' \\\n  -H 'accept: application/json' \\\n  -b 'ajs_anonymous_id=a1b2c3; app_session={sid}' \\\n  -H 'referer: https://app.acme.dev/'",
        sid,
    )

    g = f.kind("devtools_copy_as_fetch")
    t = _jwt(g, {"sub": "u_992", "org": "acme", "exp": 1795000000}, "RS256")
    f.add(
        f'fetch("https://app.acme.dev/graphql", {{\n  "headers": {{\n    "authorization": "Bearer {t}",\n    "content-type": "application/json"\n  }},\n  "body": "{{\\"query\\":\\"{{me{{id}}}}\\"}}",\n  "method": "POST"\n}});',
        t,
    )

    g = f.kind("devtools_localstorage_dump")
    at, rt = g.b64u(64), g.b64u(64)
    f.add(
        f'> localStorage.getItem(\'auth\')\n\'{{"accessToken":"{at}","refreshToken":"{rt}","expiresAt":1764243600}}\'',
        at,
        rt,
    )

    g = f.kind("devtools_document_cookie")
    sid, xsrf = g.hex(64), g.b64u(40)
    f.add(f"> document.cookie\n'theme=dark; laravel_session={sid}; XSRF-TOKEN={xsrf}'", sid, xsrf)

    g = f.kind("chrome_passwords_csv_export")
    p1, p2 = g.pw("en", "season"), g.pw("es", "name")
    f.add(
        f"name,url,username,password,note\naccounts.google.com,https://accounts.google.com/,maria.lopez@gmail.com,{p1},\nbanco.example.es,https://banco.example.es/login,mlopez,{p2},",
        p1,
        p2,
    )

    g = f.kind("bitwarden_json_export")
    p, totp = g.rpw(18), g.b32(32)
    f.add(
        json.dumps(
            {
                "encrypted": False,
                "items": [
                    {
                        "type": 1,
                        "name": "AWS root",
                        "login": {
                            "username": "root@acme.dev",
                            "password": p,
                            "totp": totp,
                            "uris": [{"uri": "https://signin.aws.amazon.com"}],
                        },
                    }
                ],
            },
            indent=2,
        ),
        p,
        totp,
    )

    g = f.kind("keepass_xml_export_entry")
    p = g.pw("fr", "camel")
    f.add(
        f'<Entry>\n  <String><Key>Title</Key><Value>Freebox</Value></String>\n  <String><Key>UserName</Key><Value>freebox</Value></String>\n  <String><Key>Password</Key><Value ProtectInMemory="True">{p}</Value></String>\n</Entry>',
        p,
    )

    g = f.kind("lastpass_csv_with_notes")
    p, t = g.pw("en", "camel"), g.alnum(32)
    f.add(
        f'url,username,password,totp,extra,name,grouping,fav\nhttps://dash.cloudflare.com,ops@acme.dev,{p},,"API token: {t}",Cloudflare,Infra,0',
        p,
        t,
    )

    g = f.kind("firefox_logins_csv")
    p = g.pw("pl", "name")
    f.add(
        f'"url","username","password","httpRealm","formActionOrigin","guid","timeCreated"\n"https://poczta.example.pl","jan.kowalski","{p}",,"https://poczta.example.pl","{{{g.uuid()}}}","1764230000000"',
        p,
    )

    g = f.kind("env_bak_file_listing")
    t = g.alnum(40)
    f.add(f"$ ls -a\n.  ..  .env  .env.bak  app.py\n$ cat .env.bak\nSTRIPE_WEBHOOK_SECRET=whsec_{t}\nDEBUG=true", t)

    g = f.kind("wp_config_save_backup")
    p = g.pw("it", "season")
    f.add(
        f"$ curl -s https://blog.example.it/wp-config.php.save | grep DB_\ndefine('DB_NAME', 'blog');\ndefine('DB_USER', 'blog');\ndefine('DB_PASSWORD', '{p}');",
        p,
    )

    g = f.kind("bash_history_file")
    p, t = g.pw("en", "leet"), g.alnum(40)
    f.add(
        f"$ tail -n 4 ~/.bash_history\ncd /srv/app\nmysql -uroot -p{p} -e 'show databases'\ncurl -H \"PRIVATE-TOKEN: {t}\" https://gitlab.acme.dev/api/v4/projects\nexit",
        p,
        t,
    )

    g = f.kind("crontab_inline_credentials")
    p = g.upw(14)
    f.add(
        f'$ crontab -l\n# m h  dom mon dow   command\n30 2 * * * /usr/bin/pg_dump "postgresql://backup:{p}@localhost/erp" | gzip > /backups/erp-$(date +\\%F).sql.gz',
        p,
    )

    g = f.kind("fstab_cifs_inline")
    p = g.pw("de", "season")
    f.add(f"//nas.lan/archiv  /mnt/archiv  cifs  username=scanner,password={p},vers=3.0,uid=1000  0  0", p)

    g = f.kind("unattend_xml_admin_password")
    p = g.rpw(16)
    f.add(
        f"<UserAccounts>\n  <AdministratorPassword>\n    <Value>{p}</Value>\n    <PlainText>true</PlainText>\n  </AdministratorPassword>\n</UserAccounts>",
        p,
    )

    g = f.kind("gpp_cpassword_groups_xml")
    c = g.b64(43)
    f.add(
        f'<User clsid="{{DF5F1855-51E5-4d24-8B1A-D9BDE98BA1D1}}" name="localadmin" image="2" changed="2026-10-01 09:12:45"><Properties action="U" newName="" fullName="" cpassword="{c}" userName="localadmin"/></User>',
        c,
    )

    g = f.kind("supervisord_inet_http_server")
    p = g.pw("en", "camel")
    f.add(f"[inet_http_server]\nport=127.0.0.1:9001\nusername=supervisor\npassword={p}", p)

    g = f.kind("vagrantfile_ssh_password")
    p = g.pw("nl", "season")
    f.add(
        f'Vagrant.configure("2") do |config|\n  config.vm.box = "acme/win2022"\n  config.winrm.username = "vagrant"\n  config.winrm.password = "{p}"\nend',
        p,
    )

    g = f.kind("terraform_tfstate_attribute")
    p = g.rpw(24)
    f.add(
        '      "instances": [\n        {\n          "schema_version": 0,\n          "attributes": {\n            "identifier": "app-prod",\n'
        f'            "password": "{p}",\n            "username": "app"\n          }},\n          "sensitive_attributes": []',
        p,
    )

    g = f.kind("devcontainer_container_env")
    t = g.alnum(40)
    f.add(
        f'{{\n  "name": "api",\n  "image": "mcr.microsoft.com/devcontainers/python:3.12",\n  "containerEnv": {{\n    "ARTIFACTORY_TOKEN": "{t}"\n  }}\n}}',
        t,
    )

    g = f.kind("mise_toml_env_section")
    t = g.hex(40)
    f.add(f'[tools]\nnode = "22"\n\n[env]\nNODE_ENV = "development"\nLINEAR_WEBHOOK_SECRET = "{t}"', t)

    g = f.kind("cypress_env_json")
    p = g.pw("en", "season")
    f.add(
        json.dumps(
            {"baseUrl": "https://staging.acme.dev", "adminEmail": "e2e-admin@acme.dev", "adminPassword": p}, indent=2
        ),
        p,
    )

    g = f.kind("playwright_storage_state_cookie")
    v = g.b64u(80)
    f.add(
        json.dumps(
            {
                "cookies": [
                    {
                        "name": "__Secure-next-auth.session-token",
                        "value": v,
                        "domain": "app.acme.dev",
                        "path": "/",
                        "httpOnly": True,
                        "secure": True,
                    }
                ],
                "origins": [],
            },
            indent=2,
        ),
        v,
    )

    g = f.kind("app_yaml_gae_env_variables")
    t = g.alnum(40)
    f.add(
        f'runtime: python312\nentrypoint: gunicorn -b :$PORT main:app\nenv_variables:\n  BUCKET: acme-uploads\n  SIGNED_URL_SECRET: "{t}"',
        t,
    )

    g = f.kind("netlify_toml_build_environment")
    t = g.alnum(40)
    f.add(
        f'[build]\n  command = "npm run build"\n  publish = "dist"\n\n[build.environment]\n  NODE_VERSION = "22"\n  CMS_PREVIEW_SECRET = "{t}"',
        t,
    )

    return f.done()


FAMILIES13: dict[str, tuple[Planted, ...]] = {
    "vendor_tokens": _vendor_tokens(),
    "terminal_sessions": _terminal(),
    "config_formats": _configs(),
    "source_code": _source_code(),
    "logs_http_traces": _logs_http(),
    "chat_languages": _chat(),
    "agent_prose": _agent_prose(),
    "diffs_reviews": _diffs(),
    "notebooks_data": _notebooks_data(),
    "pasted_docs": _pasted_docs(),
    "encoded_split": _encoded_split(),
    "key_material": _key_material(),
    "tools_mobile_ci_backups": _misc(),
}

FRESH13: tuple[Planted, ...] = tuple(p for family in FAMILIES13.values() for p in family)

# Look-alikes: public or non-secret values shaped like secrets, written as they appear in transcripts.
_PUB_ED25519 = _b64e(_ssh_string(b"ssh-ed25519") + _ssh_string(hashlib.sha256(b"public host key").digest()))
_LEFTPAD_SHA512 = _b64e(hashlib.sha512(b"left-pad-1.3.0.tgz").digest())
_RELEASE_SHA256 = hashlib.sha256(b"acme-cli-2.8.1-linux-amd64.tar.gz").hexdigest()
_SOPS_DATA = _b64e(hashlib.sha256(b"sops sample ciphertext").digest())

BENIGN_FRESH13: tuple[str, ...] = (
    # version control ids
    "commit 3b18e512dba79e4c8300dd08aeb37f8e728b8dad\nAuthor: Lena Fischer <lena@acme.dev>",
    "Merge: 1a2b3c4 5d6e7f8",
    "HEAD is now at 9c2f4e1 fix: retry on 429",
    "$ git log --oneline -3\n9c2f4e1 fix: retry on 429\n7a0d3b2 chore: bump deps\n51e8c44 feat: export CSV",
    "$ git rev-parse HEAD\ne83c5163316f89bfbde7d9ab23ca2e25604af290",
    "Docker image: ghcr.io/acme/api:sha-3b18e51",
    "v1.4.2-rc.1+g3b18e51",
    # ids and trace ids
    "request-id: 7f3c9a2e-4b1d-4e8f-9a6c-2d5e8b1f0c3a",
    "trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7",
    "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    'metadata:\n  uid: 8f2d1c3b-7a6e-4d5c-9b8a-1f2e3d4c5b6a\n  resourceVersion: "4815162342"',
    'CONTAINER ID   IMAGE         COMMAND                  STATUS\n4f1a2b3c4d5e   postgres:16   "docker-entrypoint.s…"   Up 3 hours',
    "order id 01JDXK8Q5M3ZV7T2N9R4W6Y8BC created",
    "{ _id: ObjectId('6744b2c0e4b0a1f3c2d1e0aa'), status: 'shipped' }",
    "cf-ray: 8e9f1a2b3c4d5e6f-FRA",
    'ETag: W/"5e15153d-120f"',
    "Subscription ID: 0b1f6471-1bf0-4dda-aec3-111122223333 (Pay-As-You-Go)",
    "arn:aws:iam::123456789012:role/deploy",
    '{\n    "UserId": "AIDAXXXXXXXXXXXXXXXXX",\n    "Account": "123456789012",\n    "Arn": "arn:aws:iam::123456789012:user/ci"\n}',
    "{4D36E972-E325-11CE-BFC1-08002BE10318}",
    "BUILD_ID=20261127.4 BUILD_NUMBER=4821",
    "Build #4821 finished in 3m 12s (runner: linux-x64-7)",
    # checksums and lock files
    f"{_RELEASE_SHA256}  acme-cli-2.8.1-linux-amd64.tar.gz",
    "md5sum: d41d8cd98f00b204e9800998ecf8427e  empty.txt",
    f'    "integrity": "sha512-{_LEFTPAD_SHA512}",',
    '  resolved "https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz#679591c564c3bffaae8454cf0b3df370c3d6911c"',
    '    {file = "requests-2.32.3-py3-none-any.whl", hash = "sha256:70761cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6"},',
    'checksum = "b89ed7d8dc6f4c0fe1a6e40d4e9f9c6c0ea5b7f2e5d2ab8a4e1d2c6b5f7e9a3c"',
    "golang.org/x/text v0.14.0 h1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=",
    "FROM python:3.12-slim@sha256:2bc5e0bbe4a1a0b3c0d5e5d8f1b6a2c7e9d4f3a1b8c6e2d7f5a9b0c4e1d3f2a6",
    "requests==2.32.3 --hash=sha256:70761cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6",
    '  hashes = [\n    "h1:Gd1a6XnT4lqG1m2Z0b2Hc6zYbCyj2a8Bq9p4mJ8Xv1U=",\n    "zh:0a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b",\n  ]',
    "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 1048576",
    "/nix/store/0c0xbqckmbhxwgyrdcgbjqx1kbpn4pzp-python3-3.12.7",
    "dist/assets/main.3f9a1c2e.js   142.31 kB │ gzip: 45.12 kB",
    '<script src="https://cdn.jsdelivr.net/npm/bootstrap@5.3.3/dist/js/bootstrap.bundle.min.js" integrity="sha384-YvpcrYf0tY3lHB60NNkmXc5s9fDVZLESaAA55NDzOxhy9GkcIdslK1eN7N6jIeHz" crossorigin="anonymous"></script>',
    "Checksum mismatch for model.bin: expected 5f2b9c1e, got 9c1e5f2b",
    "HMAC-SHA256 test vector (RFC 4231, case 2): 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    'sha256("") = e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    # references, templates and placeholders
    "DB_URL=postgres://${PGUSER}:${PGPASSWORD}@${PGHOST}:5432/app",
    "password: {{ .Values.postgresql.auth.password | quote }}",
    "          token: ${{ secrets.CODECOV_TOKEN }}",
    'ansible_become_pass: "{{ vault_become_pass }}"',
    "//registry.npmjs.org/:_authToken=${NPM_TOKEN}",
    'SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]',
    "spring.datasource.password=${DB_PASSWORD:}",
    "jdbc:postgresql://db:5432/app?user=app&password=${DB_PASS}",
    'curl -u "$CI_USER:$CI_PASS" https://nexus.acme.dev/service/rest/v1/status',
    'op read "op://Prod/Stripe/secret_key"',
    "vault kv get -field=password secret/app/db",
    'PGPASSWORD="$(cat /run/secrets/pg_password)" psql -h db -U app',
    'kubectl create secret generic db --from-literal=password="$(openssl rand -base64 24)"',
    "openssl rand -hex 32 > .jwt_secret && chmod 600 .jwt_secret",
    'password = getpass.getpass("Vault password: ")',
    "postgresql://USER:PASSWORD@HOST:5432/DBNAME",
    'curl -H "Authorization: Bearer YOUR_API_KEY" https://api.example.com/v1/items',
    'api_key: "<your api key>"',
    "OPENAI_API_KEY=sk-...",
    "STRIPE_SECRET_KEY=sk_test_your_key_here",
    "DB_PASSWORD=",
    "export AWS_SECRET_ACCESS_KEY",
    "unset GITHUB_TOKEN HF_TOKEN",
    "Required environment variables: DATABASE_URL, REDIS_URL, STRIPE_SECRET_KEY, SENTRY_DSN",
    "mongodb://localhost:27017/test",
    "redis://localhost:6379/0",
    # masked and redacted values
    "AWS Access Key ID [****************QX7Z]: \nAWS Secret Access Key [****************7QxZ]: ",
    "  - Token: gho_************************************",
    'password: "********"',
    '"apiKey": "[REDACTED]"',
    "DATABASE_URL=postgres://app:***@db.internal:5432/app",
    "Authorization: Bearer <token>",
    "token=[REDACTED:github-token]",
    "STRIPE_KEY: sk_live_••••••••••••3f9a (last rotated 2026-10-02)",
    "Connected to amqp://worker:**@rabbit.lan:5672//",
    # labelled fakes and test code
    'FAKE_API_KEY = "fake-key-for-unit-tests"  # not a real key',
    'assert redact("token=abc") == "token=[REDACTED]"',
    'TOKEN_PATTERN = re.compile(r"ghp_[A-Za-z0-9]{36}")',
    "grep -rE 'AKIA[0-9A-Z]{16}' .",
    'if len(api_key) != 40:\n    raise ValueError("API key must be 40 characters")',
    "password_hash = models.CharField(max_length=128)",
    "bcrypt hashes start with $2b$, then the cost, then 53 characters of salt and hash",
    # colours, encodings of public data, versions
    "color: #3f9a1c; background: #fafafa; border-color: #e5e7eb;",
    ":root { --primary: #1e40af; --accent: #f59e0b; }",
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
    "$ echo aGVsbG8gd29ybGQ= | base64 -d\nhello world",
    "node v22.11.0, npm 10.9.0, python 3.12.7, go1.23.3",
    'version = "2.8.1+build.20261127.4f2a9c1"',
    "com.fasterxml.jackson.core:jackson-databind:2.17.2",
    "00000000: 6865 6c6c 6f20 776f 726c 640a            hello world.",
    # public keys, certificates and fingerprints
    f"ssh-ed25519 {_PUB_ED25519} deploy@ci",
    "github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
    "256 SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU github.com (ED25519)",
    "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\n...",
    "Key fingerprint = 7169 605F 62C7 5135 6D05  4A26 A821 E680 E5FA 6305",
    "send the test coins to bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 (BIP-173 example address)",
    "contract deployed at 0x742d35Cc6634C0532925a3b844Bc454e4438f44e",
    "ipfs cat bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
    # encrypted values
    f"password: ENC[AES256_GCM,data:{_SOPS_DATA[:24]},iv:{_SOPS_DATA[24:]},tag:Zm9vYmFyYmF6cXV4,type:str]",
    # prompts, policies and prose without values
    "Passwords must be at least 12 characters and include an uppercase letter, a digit and a symbol.",
    "Das Passwort muss mindestens 12 Zeichen lang sein und darf den Benutzernamen nicht enthalten.",
    "密码长度至少为12位，且必须包含数字和字母。",
    "パスワードを忘れた場合は管理者に連絡してください。",
    "La contraseña debe cambiarse cada 90 días.",
    "Enter passphrase for key '/home/me/.ssh/id_ed25519':",
    "Password for 'https://github.com': ",
    "Your password was changed successfully.",
    "The API key is shown only once; copy it now and store it in the team vault.",
    "I rotated the webhook secret and saved the new value in 1Password under Prod / Webhooks; I did not print it.",
    'HTTP/1.1 401 Unauthorized\nWWW-Authenticate: Bearer realm="api", error="invalid_token"',
    "Set-Cookie: session=; Max-Age=0; Path=/; Secure; HttpOnly",
    "Cookie: theme=dark; lang=de; _ga=GA1.1.1841929281.1764230000",
    "gtag('config', 'G-8XK2Q9W1M3');",
    "Tests: 412 passed, 3 skipped in 38.21s",
    "Listening on http://127.0.0.1:8000 (press CTRL+C to quit)",
    "2001:db8:85a3::8a2e:370:7334 and 00:1A:2B:3C:4D:5E are on the same link",
    "password: !vault |",
    "the token expires in 3600 seconds; refresh it with the refresh endpoint",
    "Example: an access key id is AKIA followed by 16 upper-case letters and digits.",
    "Secret scanning found 0 new alerts in acme/api (last scan 2026-11-27 09:12 UTC).",
    '{"model": "auth.user", "pk": 42, "fields": {"username": "alice", "is_staff": true, "last_login": "2026-11-26T17:03:11Z"}}',
    "the JWT header eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9 only says HS256; the payload and signature were cut off",
)

_KIND_SHAPE = re.compile(r"[a-z0-9]+(_[a-z0-9]+)*")
assert len({p.kind for p in FRESH13}) == len(FRESH13), "kinds must be unique"
assert all(_KIND_SHAPE.fullmatch(p.kind) for p in FRESH13), "kinds are snake_case"
assert all(p.secrets for p in FRESH13), "every kind plants a secret"
for _p in FRESH13:
    for _s in _p.secrets:
        assert len(_s) >= 8, (_p.kind, _s)
        assert _s in _p.in_file, (_p.kind, _s)
_ALL_SECRETS = {s for p in FRESH13 for s in p.secrets}
for _text in BENIGN_FRESH13:
    assert not any(s in _text for s in _ALL_SECRETS), _text
assert 530 <= len(FRESH13) <= 570, len(FRESH13)
assert len(FAMILIES13) == 13
