# ruff: noqa: RUF001
"""A fifth held-out set of planted secrets and their look-alikes (issue 60).

Written on 2026-11-27 by a helper who never saw the redaction rules, their documentation, their
tests, the benchmarks or the earlier sample sets: only the `Planted` record and the `mnemonic` and
`wif` helpers of `tests/secret_samples.py` were read. The kinds were chosen the way a red-teamer
looking for leaks would choose them: secrets as they reach a coding agent's session through shell
commands and their output, tool output, config files in many formats, code in many languages, logs,
diffs, tables, people's chat messages in many languages, escaped, encoded, split or quoted values,
human-chosen passwords, short numeric codes, random tokens with and without vendor prefixes, and key
material in many formats.

This set MEASURES only. It must never be used to write or tune rules: once a rule has been written
while looking at it, it is no longer held out, and a sixth set must be written instead.

Every value is fake and generated when the module is imported, from SHA-256 of the kind's name,
mapped onto the alphabet, length and prefix its real counterpart has. Templates mark generated
values with `⟪type:length⟫` (a secret), `⟪~type:length⟫` (a generated value that is not a secret,
such as an account id or a public key), `⟪#id⟫` (the value named `#id` again) and `⟪=NAME⟫` (a
vendor prefix from `_LIT`, built by concatenation so no secret-shaped literal sits in this file);
`⟦...⟧` makes everything inside one secret (a value made of several generated pieces).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import string
import textwrap
import urllib.parse
from collections.abc import Callable

from tests.secret_samples import Planted, mnemonic, wif

# ---------------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------------

_HEX = "0123456789abcdef"
_B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_ALPHABETS = {
    "hex": _HEX,
    "HEX": _HEX.upper(),
    "b62": _B62,
    "b64": _B62 + "+/",
    "b64u": _B62 + "-_",
    "b32": _B32,
    "b32l": _B32.lower(),
    "dig": string.digits,
    "b58": _B58,
    "low": string.ascii_lowercase + string.digits,
    "up": string.ascii_uppercase + string.digits,
    "alpha": string.ascii_letters,
    "ab": string.ascii_lowercase,
    "AB": string.ascii_uppercase,
    "bech": _BECH,
    "BECH": _BECH.upper(),
    "dj": "abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)",
    "salt": _B62 + "!#$%&()*+,-./:;<=>?@[]^_`{|}~",
}
_PW_WORDS = [
    "Falcon",
    "Harbor",
    "Mango",
    "Sommer",
    "Winter",
    "Katze",
    "Lobster",
    "Tulip",
    "Marble",
    "Orbit",
    "Ferry",
    "Cobalt",
    "Maple",
    "Jaguar",
    "Pepper",
    "Nimbus",
    "Velvet",
    "Quartz",
    "Rocket",
    "Saffron",
    "Biscuit",
    "Pingouin",
    "Soleil",
    "Zebra",
    "Tornado",
    "Gecko",
    "Walnut",
    "Cactus",
    "Hummel",
    "Nordlicht",
    "Bambus",
    "Kiwi",
    "Panther",
    "Oktober",
    "Lavender",
    "Copper",
    "Dragon",
    "Meadow",
    "Sparrow",
    "Granit",
]
_PW_WORDS_INTL = [
    "Brücke",
    "Größe",
    "Mañana",
    "Crème",
    "Çiçek",
    "Łódź",
    "Smörgås",
    "Żółw",
    "Ñandú",
    "Fjäril",
    "Señorita",
    "Höhle",
    "Forêt",
    "Ærø",
]
_PP_WORDS = [
    "tulip",
    "marble",
    "orbit",
    "ferry",
    "cobalt",
    "maple",
    "pepper",
    "nimbus",
    "velvet",
    "quartz",
    "rocket",
    "saffron",
    "biscuit",
    "zebra",
    "gecko",
    "walnut",
    "cactus",
    "bamboo",
    "kiwi",
    "panther",
    "copper",
    "dragon",
    "meadow",
    "sparrow",
    "granite",
    "lantern",
    "harbor",
    "violet",
    "pebble",
    "thunder",
    "olive",
    "canyon",
    "glacier",
    "mosaic",
    "ember",
    "falcon",
    "willow",
    "anchor",
    "prism",
    "tundra",
]
_SYMS = "!@#$%&*?.-_+"
_SYMS_URL = "-_.!~*"
_LEET = str.maketrans({"a": "4", "e": "3", "o": "0", "i": "1"})

# Vendor prefixes and armour lines, built by concatenation.
_LIT = {
    "AKIA": "AK" + "IA",
    "ASIA": "AS" + "IA",
    "STS": "IQo" + "Jb3JpZ2luX2VjE",
    "GHP": "gh" + "p_",
    "GHO": "gh" + "o_",
    "GLPAT": "gl" + "pat-",
    "GLRT": "gl" + "rt-",
    "XOXB": "xo" + "xb-",
    "XAPP": "xa" + "pp-1-",
    "SKLIVE": "sk" + "_live_",
    "SKTEST": "sk" + "_test_",
    "RKLIVE": "rk" + "_live_",
    "WHSEC": "wh" + "sec_",
    "AIZA": "AI" + "za",
    "YA29": "ya" + "29.",
    "GOCSPX": "GOC" + "SPX-",
    "NPM": "np" + "m_",
    "PYPI": "py" + "pi-AgEIcHlwaS5vcmc",
    "HF": "h" + "f_",
    "SG": "S" + "G.",
    "DOP": "do" + "p_v1_",
    "HVS": "hv" + "s.",
    "SHPAT": "shp" + "at_",
    "DCKR": "dc" + "kr_pat_",
    "GSK": "gs" + "k_",
    "R8": "r" + "8_",
    "PPLX": "pp" + "lx-",
    "PCSK": "pc" + "sk_",
    "LIN": "li" + "n_api_",
    "NTN": "nt" + "n_",
    "FIGD": "fi" + "gd_",
    "PMAK": "PM" + "AK-",
    "SNTRYU": "sntr" + "yu_",
    "GLSA": "gl" + "sa_",
    "NRAK": "NR" + "AK-",
    "ATATT": "ATA" + "TT3xFfGF0",
    "DPST": "dp" + ".st.prd.",
    "ATLAS": ".atl" + "asv1.",
    "PUL": "pu" + "l-",
    "RND": "rn" + "d_",
    "NFP": "nf" + "p_",
    "SBP": "sb" + "p_",
    "PSCALE": "psc" + "ale_pw_",
    "NAPI": "na" + "pi_",
    "TSKEY": "tsk" + "ey-auth-",
    "BKUA": "bk" + "ua_",
    "CCIPAT": "CCI" + "PAT_",
    "ATBB": "AT" + "BB",
    "CFPAT": "CFP" + "AT-",
    "HSPAT": "pa" + "t-na1-",
    "TFP": "tf" + "p_",
    "SKOR": "sk" + "-or-v1-",
    "XAI": "xa" + "i-",
    "LSV2": "lsv" + "2_pt_",
    "SSWS": "SS" + "WS",
    "RESEND": "r" + "e_",
    "RUBYGEMS": "ruby" + "gems_",
    "CIO": "ci" + "o",
    "OY2": "o" + "y2",
    "SHIPPO": "shi" + "ppo_live_",
    "SQ": "EA" + "AA",
    "DAPI": "da" + "pi",
    "OPS": "op" + "s_eyJ",
    "SQU": "sq" + "u_",
    "K10": "K1" + "0",
    "SWM": "SWM" + "TKN-1-",
    "AGE": "AGE-SEC" + "RET-KEY-1",
    "NSEC": "ns" + "ec1",
    "XPRV": "xp" + "rv9s21ZrQH143K",
    "DROPBOX": "s" + "l.",
    "MAPBOX": "s" + "k.eyJ1IjoiY",
    "FCM": "AA" + "AA",
    "APA": "APA" + "91b",
    "OSV2": "os_" + "v2_app_",
    "LTAI": "LT" + "AI",
    "B2": "K0" + "05",
    "SKANT": "sk" + "-ant-api03-",
    "SKPROJ": "sk" + "-proj-",
    "PUTTY": "PuTTY-User-" + "Key-File-3",
    "BEGIN": "-----BEG" + "IN ",
    "END": "-----EN" + "D ",
    "PRIV": "PRIV" + "ATE",
    "SNTRYS": "sntr" + "ys_",
    "ELEVEN": "s" + "k_",
    "TWITTER": "AAAAAAAAAAAAAAAA" + "AAAAA",
    "MACAROON": "0201036c6e64" + "02f801",
    "DDOG": "dd" + "api_",
    "GLDT": "gl" + "dt-",
    "HRKU": "HR" + "KU-AA",
    "ROBLOX": "_|WARNING:-DO-NOT-SHARE-THIS.--Sharing-this-will-allow-someone-to-log-in-as-you-and-to-"
    + "steal-your-ROBUX-and-items.|_",
}


class _G:
    """Deterministic values for one kind: each call draws new bytes from SHA-256 of the kind's name
    and a counter."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.count = 0

    def bytes(self, n: int) -> bytes:
        self.count += 1
        out = b""
        block = 0
        while len(out) < n:
            out += hashlib.sha256(f"fresh5|{self.kind}|{self.count}|{block}".encode()).digest()
            block += 1
        return out[:n]

    def pick(self, alphabet: str, n: int) -> str:
        return "".join(alphabet[b % len(alphabet)] for b in self.bytes(n))

    def hex(self, n: int) -> str:
        return self.pick(_HEX, n)

    def b62(self, n: int) -> str:
        return self.pick(_B62, n)

    def b64b(self, n: int) -> str:
        return base64.b64encode(self.bytes(n)).decode()

    def num(self, low: int, high: int) -> int:
        return low + int.from_bytes(self.bytes(8), "big") % (high - low + 1)

    def pw(self, symbols: str = _SYMS, words: list[str] | None = None) -> str:
        """A password as a person makes one: words, digits, a symbol or two."""
        words = words or _PW_WORDS
        b = self.bytes(12)
        w1, w2, w3 = (words[x % len(words)] for x in b[1:4])
        s1, s2 = symbols[b[4] % len(symbols)], symbols[b[5] % len(symbols)]
        d4 = str(int.from_bytes(b[6:10], "big") % 10000).zfill(4)
        d2, d3, d1 = d4[2:], d4[1:], d4[3]
        patterns = (
            w1 + w2 + d2 + s1,
            w1.lower() + "_" + w2.lower() + d4,
            w1 + s1 + d4,
            w1.translate(_LEET) + w2 + s1 + d2,
            w1 + "." + w2 + "." + d3,
            s1 + w1 + d4 + w2.lower(),
            w1 + d4 + s1 + s2,
            w1.upper() + "-" + w2 + "-" + d2,
            w1 + s1 + w2 + s1 + w3 + d1,
            d2 + w1 + s1 + w2.lower() + d1,
        )
        return patterns[b[0] % len(patterns)]

    def pp(self, n: int, sep: str) -> str:
        return sep.join(_PP_WORDS[b % len(_PP_WORDS)] for b in self.bytes(n))

    def uuid(self) -> str:
        h = self.bytes(16).hex()
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:32]}"

    def jwt(self, payload: dict | None = None, alg: str = "HS256", sig: int = 43) -> str:
        header = {"alg": alg, "typ": "JWT"}
        if alg != "HS256":
            header["kid"] = self.pick(_ALPHABETS["b64u"], 43)
        if payload is None:
            payload = {"sub": self.uuid(), "iat": self.num(1_790_000_000, 1_799_999_999)}

        def enc(d: dict) -> str:
            return base64.urlsafe_b64encode(json.dumps(d, separators=(",", ":")).encode()).rstrip(b"=").decode()

        return f"{enc(header)}.{enc(payload)}.{self.pick(_ALPHABETS['b64u'], sig)}"

    def make(self, kind: str, n: int) -> str:
        if kind in _ALPHABETS:
            return self.pick(_ALPHABETS[kind], n)
        makers: dict[str, Callable[[], str]] = {
            "b64b": lambda: self.b64b(n),
            "b64ub": lambda: base64.urlsafe_b64encode(self.bytes(n)).decode(),
            "wg": lambda: self.b64b(32),
            "pw": self.pw,
            "pwu": lambda: self.pw(_SYMS_URL),
            "pwi": lambda: self.pw(words=_PW_WORDS_INTL),
            "pp": lambda: self.pp(n or 4, "-"),
            "pps": lambda: self.pp(n or 4, " "),
            "uuid": self.uuid,
            "UUID": lambda: self.uuid().upper(),
            "mn": lambda: mnemonic(f"fresh5|{self.kind}|{self.bytes(4).hex()}", n),
            "wif": lambda: wif(f"fresh5|{self.kind}|{self.bytes(4).hex()}"),
            "wifu": lambda: wif(f"fresh5|{self.kind}|{self.bytes(4).hex()}", compressed=False),
            "wift": lambda: wif(f"fresh5|{self.kind}|{self.bytes(4).hex()}", testnet=True),
            "jwt": self.jwt,
            "jwtrs": lambda: self.jwt(alg="RS256", sig=342),
            "bytes": lambda: ",".join(str(b) for b in self.bytes(n)),
        }
        return makers[kind]()


_PH = r"⟪(?:=(?P<lit>\w+)|#(?P<ref>\w+)|(?P<pub>~?)(?P<type>[A-Za-z0-9]+?)(?::(?P<n>\d+))?(?:#(?P<id>\w+))?)⟫"
_PH_RE = re.compile(_PH)
_TOKEN_RE = re.compile(r"⟦(?:#(?P<gid>\w+)\|)?(?P<body>.*?)⟧|" + _PH, re.S)


def _note(secrets: list[str], value: str) -> None:
    if value not in secrets:
        secrets.append(value)


def _fill(g: _G, text: str, values: dict[str, str], secrets: list[str] | None) -> str:
    """`text` with its placeholders replaced; the secrets among them are added to `secrets`."""

    def value(m: re.Match[str], record: bool) -> str:
        if m["lit"]:
            return _LIT[m["lit"]]
        if m["ref"]:
            return values[m["ref"]]
        v = g.make(m["type"], int(m["n"] or 0))
        if m["id"]:
            values[m["id"]] = v
        if record and not m["pub"] and secrets is not None:
            _note(secrets, v)
        return v

    def token(m: re.Match[str]) -> str:
        if m["body"] is None:
            return value(m, True)
        inner = _PH_RE.sub(lambda pm: value(pm, False), m["body"])
        if m["gid"]:
            values[m["gid"]] = inner
        if secrets is not None:
            _note(secrets, inner)
        return inner

    return _TOKEN_RE.sub(token, text)


def _text(text: str) -> str:
    return textwrap.dedent(text).strip("\n") if text.startswith("\n") else text


def _t(kind: str, line: str, file_line: str = "") -> Planted:
    """A planted secret from a template (see the module's docstring)."""
    g, values, secrets = _G(kind), {}, []
    filled = _fill(g, _text(line), values, secrets)
    filled_file = _fill(g, _text(file_line), values, secrets) if file_line else ""
    return Planted(kind=kind, line=filled, secrets=tuple(secrets), file_line=filled_file)


def _x(kind: str, build: Callable[[_G], tuple]) -> Planted:
    """A planted secret built by code: `build` gets the kind's generator and gives back the line,
    the secrets and, optionally, the file line."""
    line, secrets, *rest = build(_G(kind))
    return Planted(kind=kind, line=line, secrets=tuple(secrets), file_line=rest[0] if rest else "")


def _tool_write(kind: str, path: str, content: str) -> Planted:
    """An agent's write tool: the call as JSON in the transcript, the content as it reads in the
    file. Secrets are listed in both their plain and their JSON-escaped forms."""
    g, values, secrets = _G(kind), {}, []
    filled = _fill(g, _text(content), values, secrets)
    call = json.dumps({"tool": "Write", "input": {"file_path": path, "content": filled + "\n"}})
    escaped = [json.dumps(s)[1:-1] for s in secrets]
    return Planted(kind=kind, line=call, secrets=tuple(dict.fromkeys(secrets + escaped)), file_line=filled)


def _pem(label: str, body: list[str]) -> str:
    return "\n".join([f"{_LIT['BEGIN']}{label}-----", *body, f"{_LIT['END']}{label}-----"])


def _b64_lines(data: bytes, width: int = 64) -> list[str]:
    text = base64.b64encode(data).decode()
    return [text[i : i + width] for i in range(0, len(text), width)]


def _rsa_der(g: _G, n: int = 600) -> bytes:
    return bytes.fromhex("308204a40201000282010100") + g.bytes(n)


def _ec_der(g: _G) -> bytes:
    return (
        bytes.fromhex("30770201010420")
        + g.bytes(32)
        + bytes.fromhex("a00a06082a8648ce3d030107a144034200")
        + g.bytes(65)
    )


def _pkcs8_ec_der(g: _G) -> bytes:
    return bytes.fromhex("308187020100301306072a8648ce3d020106082a8648ce3d030107046d306b0201010420") + g.bytes(100)


def _openssh_body(g: _G) -> bytes:
    return b"openssh-key-v1\x00\x00\x00\x00\x04none\x00\x00\x00\x04none\x00\x00\x00\x00\x00\x00\x00\x01" + g.bytes(300)


def _u(s: str) -> str:
    """Percent-encoded as in a URL's user info or query."""
    return urllib.parse.quote(s, safe="")


# ---------------------------------------------------------------------------------------------
# 1. Cloud, CI and infrastructure tooling
# ---------------------------------------------------------------------------------------------


def _gcp_sa_key(g: _G) -> tuple:
    key_id = g.hex(40)
    body = _b64_lines(_rsa_der(g, 420))
    doc = {
        "type": "service_account",
        "project_id": "ledger-prod-4471",
        "private_key_id": key_id,
        "private_key": _pem(_LIT["PRIV"] + " KEY", body) + "\n",
        "client_email": "exporter@ledger-prod-4471.iam.gserviceaccount.com",
        "client_id": str(g.num(10**20, 10**21 - 1)),
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    return "$ cat ~/Downloads/ledger-prod-4471-3f9a.json\n" + json.dumps(doc, indent=2), [key_id, *body]


def _k8s_secret_b64(g: _G) -> tuple:
    password, token = g.pw(), g.b62(40)
    b64p, b64t = (base64.b64encode(v.encode()).decode() for v in (password, token))
    line = (
        "$ kubectl get secret payments-db -n prod -o yaml\napiVersion: v1\ndata:\n"
        f"  DB_PASSWORD: {b64p}\n  DB_USER: cGF5bWVudHM=\n  STRIPE_RESTRICTED: {b64t}\nkind: Secret\n"
        "metadata:\n  name: payments-db\n  namespace: prod\ntype: Opaque"
    )
    return line, [b64p, b64t]


def _kubectl_jsonpath_decode(g: _G) -> tuple:
    password = g.pw()
    b64 = base64.b64encode(password.encode()).decode()
    line = (
        "$ kubectl get secret grafana -o jsonpath='{.data.admin-password}'\n"
        f"{b64}$ kubectl get secret grafana -o jsonpath='{{.data.admin-password}}' | base64 -d\n{password}"
    )
    return line, [b64, password]


def _aws_secretsmanager(g: _G) -> tuple:
    password = g.pw()
    inner = json.dumps({"username": "ledger_admin", "password": password, "engine": "postgres", "port": 5432})
    doc = {
        "ARN": "arn:aws:secretsmanager:eu-west-1:" + str(g.num(10**11, 10**12 - 1)) + ":secret:prod/ledger-AbCdEf",
        "Name": "prod/ledger",
        "VersionId": g.uuid(),
        "SecretString": inner,
        "VersionStages": ["AWSCURRENT"],
    }
    return "$ aws secretsmanager get-secret-value --secret-id prod/ledger\n" + json.dumps(doc, indent=4), [password]


def _docker_config_auth(g: _G) -> tuple:
    password = g.pw()
    auth = base64.b64encode(f"ci-bot:{password}".encode()).decode()
    doc = {"auths": {"registry.gitlab.example.com": {"auth": auth}, "https://index.docker.io/v1/": {}}}
    return "$ cat ~/.docker/config.json\n" + json.dumps(doc, indent=4), [auth]


_CLOUD_CI_INFRA = (
    _t(
        "aws_credentials_two_profiles",
        """
        $ cat ~/.aws/credentials
        [default]
        aws_access_key_id = ⟪=AKIA⟫⟪up:16⟫
        aws_secret_access_key = ⟪b64:40⟫

        [staging]
        aws_access_key_id=⟪=AKIA⟫⟪up:16⟫
        aws_secret_access_key=⟪b64:40⟫
        region=eu-central-1
        """,
    ),
    _t(
        "aws_sts_assume_role_json",
        """
        $ aws sts assume-role --role-arn arn:aws:iam::⟪~dig:12⟫:role/deployer --role-session-name ci
        {
            "Credentials": {
                "AccessKeyId": "⟪=ASIA⟫⟪up:16⟫",
                "SecretAccessKey": "⟪b64:40⟫",
                "SessionToken": "⟪=STS⟫⟪b64:356⟫",
                "Expiration": "2026-11-27T11:02:51+00:00"
            },
            "AssumedRoleUser": {
                "AssumedRoleId": "AROA⟪~up:17⟫:ci",
                "Arn": "arn:aws:sts::⟪~dig:12⟫:assumed-role/deployer/ci"
            }
        }
        """,
    ),
    _t(
        "aws_configure_set_history",
        """
        $ history | grep 'aws configure'
          412  aws configure set aws_access_key_id ⟪=AKIA⟫⟪up:16⟫ --profile ci
          413  aws configure set aws_secret_access_key ⟪b64:40⟫ --profile ci
          414  aws configure list --profile ci
        """,
    ),
    _t(
        "aws_eks_get_token",
        """
        $ aws eks get-token --cluster-name prod-eu
        {"kind": "ExecCredential", "apiVersion": "client.authentication.k8s.io/v1beta1", "spec": {}, "status": {"expirationTimestamp": "2026-11-27T10:14:00Z", "token": "k8s-aws-v1.⟪b64u:420⟫"}}
        """,
    ),
    _t(
        "aws_ssm_parameter_decrypted",
        """
        $ aws ssm get-parameter --name /prod/api/JWT_SIGNING_KEY --with-decryption --query Parameter.Value --output text
        ⟪b64u:64⟫
        """,
    ),
    _x("gcp_service_account_key_json", _gcp_sa_key),
    _t(
        "gcloud_print_access_token",
        """
        $ gcloud auth print-access-token
        ⟪=YA29⟫⟪b64u:180⟫
        $ curl -H "Authorization: Bearer $(gcloud auth print-access-token)" https://cloudresourcemanager.googleapis.com/v1/projects
        """,
    ),
    _t(
        "gcloud_adc_refresh_token",
        """
        $ cat ~/.config/gcloud/application_default_credentials.json
        {
          "account": "",
          "client_id": "⟪~dig:12⟫-⟪~low:32⟫.apps.googleusercontent.com",
          "client_secret": "⟪=GOCSPX⟫⟪b64u:28⟫",
          "quota_project_id": "ledger-dev",
          "refresh_token": "1//0⟪b64u:99⟫",
          "type": "authorized_user"
        }
        """,
    ),
    _t(
        "gcp_secret_manager_access",
        """
        $ gcloud secrets versions access latest --secret=stripe-restricted-key --project=shop-prod
        ⟪=RKLIVE⟫⟪b62:99⟫
        """,
    ),
    _t(
        "azure_sp_create_for_rbac",
        """
        $ az ad sp create-for-rbac --name gh-deploy --role contributor --scopes /subscriptions/⟪~uuid⟫
        Creating 'contributor' role assignment under scope '/subscriptions/...'
        The output includes credentials that you must protect. Be sure that you do not include these credentials in your code or check the credentials into your source control.
        {
          "appId": "⟪~uuid⟫",
          "displayName": "gh-deploy",
          "password": "⟦⟪b62:3⟫⟪dig:1⟫Q~⟪b64u:34⟫⟧",
          "tenant": "⟪~uuid⟫"
        }
        """,
    ),
    _t(
        "azure_storage_keys_table",
        """
        $ az storage account keys list -g rg-data -n stdatalake042 -o table
        CreationTime                      KeyName    Permissions    Value
        --------------------------------  ---------  -------------  ----------------------------------------------------------------------------------------
        2026-03-02T09:14:51.123456+00:00  key1       FULL           ⟪b64b:64⟫
        2026-03-02T09:14:51.123456+00:00  key2       FULL           ⟪b64b:64⟫
        """,
    ),
    _t(
        "azure_keyvault_secret_show",
        """
        $ az keyvault secret show --vault-name kv-shop-prod --name SqlAdminPassword --query value -o tsv
        ⟪pw⟫
        """,
    ),
    _t(
        "oci_config_pass_phrase",
        """
        [DEFAULT]
        user=ocid1.user.oc1..⟪~low:60⟫
        fingerprint=⟪~hex:2⟫:⟪~hex:2⟫:⟪~hex:2⟫:⟪~hex:2⟫:⟪~hex:2⟫:⟪~hex:2⟫:⟪~hex:2⟫:⟪~hex:2⟫
        key_file=~/.oci/oci_api_key.pem
        pass_phrase=⟪pw⟫
        tenancy=ocid1.tenancy.oc1..⟪~low:60⟫
        region=eu-frankfurt-1
        """,
    ),
    _t(
        "doctl_auth_init",
        """
        $ doctl auth init --context personal
        Please authenticate doctl for use with your DigitalOcean account. You can generate a token in the control panel at https://cloud.digitalocean.com/account/api/tokens

        ❯ Enter your access token:  ⟪=DOP⟫⟪hex:64⟫
        Validating token... ✔
        """,
    ),
    _t(
        "hcloud_context_token",
        """
        $ hcloud context create homelab
        Token: ⟪b62:64⟫
        Context homelab created and activated
        """,
    ),
    _t(
        "aliyun_config_json",
        """
        {
          "current": "default",
          "profiles": [
            {"name": "default", "mode": "AK", "access_key_id": "⟪=LTAI⟫⟪b62:20⟫", "access_key_secret": "⟪b62:30⟫", "region_id": "cn-hangzhou"}
          ]
        }
        """,
    ),
    _t(
        "ibmcloud_api_key_create",
        """
        $ ibmcloud iam api-key-create terraform-ci -d "CI key" --output json
        {"id": "ApiKey-⟪~uuid⟫", "name": "terraform-ci", "apikey": "⟪b64u:44⟫", "locked": false}
        """,
    ),
    _t(
        "terraform_tfvars",
        """
        # terraform.tfvars  (do not commit!)
        region               = "eu-west-1"
        db_master_password   = "⟪pw⟫"
        cloudflare_api_token = "⟪b64u:40⟫"
        allowed_cidrs        = ["10.0.0.0/8"]
        """,
    ),
    _t(
        "terraform_state_sensitive_output",
        """
        $ jq '.outputs' terraform.tfstate
        {
          "db_endpoint": {"value": "ledger.c9akciq32.eu-west-1.rds.amazonaws.com", "type": "string"},
          "db_admin_password": {"value": "⟪pw⟫", "type": "string", "sensitive": true},
          "redis_auth_token": {"value": "⟪b62:64⟫", "type": "string", "sensitive": true}
        }
        """,
    ),
    _t(
        "pulumi_config_set_secret",
        """
        $ pulumi config set --secret dbPassword '⟪pw⟫'
        $ pulumi config set --secret datadog:apiKey ⟪hex:32⟫
        $ cat Pulumi.dev.yaml
        config:
          aws:region: us-east-2
          app:dbPassword:
            secure: v1:⟪~b64:24⟫:⟪~b64:40⟫
        """,
    ),
    _x("kubectl_get_secret_yaml_base64", _k8s_secret_b64),
    _t(
        "k8s_secret_stringdata_manifest",
        """
        apiVersion: v1
        kind: Secret
        metadata:
          name: smtp-relay
        type: Opaque
        stringData:
          SMTP_USER: postmaster@mg.example.org
          SMTP_PASSWORD: "⟪pw⟫"
        """,
    ),
    _x("kubectl_jsonpath_base64_decode", _kubectl_jsonpath_decode),
    _t(
        "kubectl_create_secret_from_literal",
        "$ kubectl create secret generic api-keys --from-literal=SEARCH_ADMIN_KEY=⟪b62:32⟫ "
        "--from-literal=DB_PASS='⟪pw⟫' -n staging\nsecret/api-keys created",
    ),
    _t(
        "helm_install_set_password",
        "$ helm upgrade --install cache bitnami/redis --namespace infra --set auth.password=⟪pwu⟫ "
        '--set replica.replicaCount=2\nRelease "cache" has been upgraded. Happy Helming!',
    ),
    _t(
        "kubeconfig_user_token",
        """
        users:
        - name: ci-deployer
          user:
            token: ⟪jwtrs⟫
        contexts:
        - context: {cluster: prod, user: ci-deployer}
          name: prod
        """,
    ),
    _t(
        "kubeadm_join_token",
        "kubeadm join 10.20.0.5:6443 --token ⟦⟪low:6⟫.⟪low:16⟫⟧ "
        "--discovery-token-ca-cert-hash sha256:⟪~hex:64⟫ --control-plane --certificate-key ⟪hex:64⟫",
    ),
    _t(
        "docker_swarm_join_token",
        """
        $ docker swarm join-token worker
        To add a worker to this swarm, run the following command:

            docker swarm join --token ⟦⟪=SWM⟫⟪low:50⟫-⟪low:25⟫⟧ 192.168.10.2:2377
        """,
    ),
    _t("k3s_node_token", "$ sudo cat /var/lib/rancher/k3s/server/node-token\n⟦⟪=K10⟫⟪hex:64⟫::server:⟪hex:32⟫⟧"),
    _t(
        "vault_operator_init",
        """
        $ vault operator init
        Unseal Key 1: ⟪b64b:33⟫
        Unseal Key 2: ⟪b64b:33⟫
        Unseal Key 3: ⟪b64b:33⟫
        Unseal Key 4: ⟪b64b:33⟫
        Unseal Key 5: ⟪b64b:33⟫

        Initial Root Token: ⟪=HVS⟫⟪b62:24⟫

        Vault initialized with 5 key shares and a key threshold of 3.
        """,
    ),
    _t(
        "vault_kv_get_table",
        """
        $ vault kv get secret/billing/prod
        ====== Secret Path ======
        secret/data/billing/prod

        ======= Metadata =======
        Key                Value
        ---                -----
        created_time       2026-11-20T08:12:44.182Z
        version            7

        ====== Data ======
        Key           Value
        ---           -----
        api_secret    ⟪hex:40⟫
        db_password   ⟪pw⟫
        """,
    ),
    _t(
        "consul_acl_bootstrap",
        """
        $ consul acl bootstrap
        AccessorID:       ⟪~uuid⟫
        SecretID:         ⟪uuid⟫
        Description:      Bootstrap Token (Global Management)
        Local:            false
        Create Time:      2026-11-27 09:01:12.331 +0000 UTC
        Policies:
           00000000-0000-0000-0000-000000000001 - global-management
        """,
    ),
    _t(
        "ansible_inventory_become_pass",
        """
        [db]
        pg-01 ansible_host=10.0.4.11 ansible_user=ops ansible_become_pass='⟪pw⟫'
        pg-02 ansible_host=10.0.4.12 ansible_user=ops ansible_ssh_pass=⟪pw⟫
        """,
    ),
    _t(
        "ansible_vault_pass_file",
        "$ echo '⟪pp:5⟫' > ~/.vault_pass.txt && chmod 600 ~/.vault_pass.txt\n"
        "$ ansible-playbook site.yml --vault-password-file ~/.vault_pass.txt",
    ),
    _t(
        "github_actions_inline_env",
        """
        name: notify
        on: [push]
        jobs:
          ping:
            runs-on: ubuntu-latest
            env:
              NPM_TOKEN: ${{ secrets.NPM_TOKEN }}
              SLACK_BOT_TOKEN: ⟪=XOXB⟫⟦⟪dig:11⟫-⟪dig:13⟫-⟪b62:24⟫⟧
            steps:
              - run: ./scripts/notify.sh
        """,
    ),
    _t(
        "gitlab_ci_variables_api",
        """
        $ curl -s --header "PRIVATE-TOKEN: ⟪=GLPAT⟫⟪b64u:20⟫" https://gitlab.example.com/api/v4/projects/118/variables | jq .
        [
          {"variable_type": "env_var", "key": "DEPLOY_SSH_PASSPHRASE", "value": "⟪pp:4⟫", "protected": true, "masked": false},
          {"variable_type": "env_var", "key": "SENTRY_AUTH_TOKEN", "value": "⟪=SNTRYU⟫⟪hex:64⟫", "protected": false, "masked": true}
        ]
        """,
    ),
    _t(
        "jenkins_initial_admin_password",
        """
        $ docker exec jenkins cat /var/jenkins_home/secrets/initialAdminPassword
        ⟪hex:32⟫
        """,
    ),
    _t(
        "argocd_initial_password",
        """
        $ argocd admin initial-password -n argocd
        ⟪b64u:16⟫

         This password must be only used for first time login. We strongly recommend you update the password using `argocd account update-password`.
        """,
    ),
    _t(
        "docker_run_env_flags",
        "$ docker run -d --name minio -p 9000:9000 -e MINIO_ROOT_USER=admin -e MINIO_ROOT_PASSWORD=⟪b62:24⟫ "
        "-e MINIO_KMS_SECRET_KEY=minio-kms:⟪b64b:32⟫ quay.io/minio/minio server /data",
    ),
    _t(
        "docker_build_arg_token",
        "$ docker build --build-arg NPM_TOKEN=⟪=NPM⟫⟪b62:36⟫ --build-arg SENTRY_DSN=https://public@sentry.io/1 -t web:ci .",
    ),
    _t(
        "cloud_init_chpasswd",
        """
        #cloud-config
        ssh_pwauth: true
        chpasswd:
          expire: false
          users:
            - {name: ubuntu, password: ⟪pw⟫, type: text}
        """,
    ),
    _t(
        "packer_variable_default",
        """
        variable "winrm_password" {
          type      = string
          default   = "⟪pw⟫"
          sensitive = true
        }
        """,
    ),
    _t(
        "cloudformation_default_password",
        """
        Parameters:
          MasterUserPassword:
            Type: String
            NoEcho: true
            Default: ⟪pw⟫
        """,
    ),
    _x("aws_secretsmanager_secret_string", _aws_secretsmanager),
    _x("docker_config_json_auth", _docker_config_auth),
)


# ---------------------------------------------------------------------------------------------
# 2. Source code in many languages
# ---------------------------------------------------------------------------------------------

_SOURCE_CODE = (
    _t(
        "python_client_kwarg",
        """
        from meilisearch import Client

        client = Client("https://search.internal:7700", api_key="⟪b62:43⟫", timeout=30)
        """,
    ),
    _t(
        "python_environ_setdefault",
        'os.environ.setdefault("DJANGO_DB_PASSWORD", "⟪pw⟫")\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")',
    ),
    _t(
        "python_psycopg_connect",
        'conn = psycopg2.connect(host="db.internal", port=5432, user="orders_rw", password="⟪pw⟫", dbname="orders")',
    ),
    _t(
        "python_boto3_inline_keys",
        """
        s3 = boto3.client(
            "s3",
            aws_access_key_id="⟪=AKIA⟫⟪up:16⟫",
            aws_secret_access_key="⟪b64:40⟫",
            region_name="us-east-1",
        )
        """,
    ),
    _t(
        "python_fastapi_jwt_secret",
        """
        SECRET_KEY = "⟪hex:64⟫"
        ALGORITHM = "HS256"
        ACCESS_TOKEN_EXPIRE_MINUTES = 30
        """,
    ),
    _t(
        "js_stripe_require",
        "const stripe = require('stripe')('⟪=SKLIVE⟫⟪b62:99⟫');\nconst endpointSecret = \"⟪=WHSEC⟫⟪b62:32⟫\";",
    ),
    _t(
        "ts_axios_default_header",
        "axios.defaults.headers.common['X-Api-Key'] = '⟪hex:32⟫';\naxios.defaults.baseURL = 'https://api.partner.example/v3';",
    ),
    _t(
        "js_nodemailer_app_password",
        """
        const transporter = nodemailer.createTransport({
          service: 'gmail',
          auth: { user: 'reports.bot@example.com', pass: '⟦⟪ab:4⟫ ⟪ab:4⟫ ⟪ab:4⟫ ⟪ab:4⟫⟧' },
        });
        """,
    ),
    _t(
        "go_struct_literal_secrets",
        'cfg := &Config{\n\tDSN:       "postgres://billing:⟪pwu⟫@10.1.2.3:5432/billing?sslmode=disable",\n'
        '\tJWTSecret: []byte("⟪b62:48⟫"),\n\tDebug:     false,\n}',
    ),
    _t("go_basic_auth", 'req, _ := http.NewRequest("GET", url, nil)\nreq.SetBasicAuth("admin", "⟪pw⟫")'),
    _t(
        "rust_const_webhook_secret",
        'const WEBHOOK_SECRET: &str = "⟪b64u:48⟫";\nconst API_BASE: &str = "https://hooks.partner.example";',
    ),
    _t(
        "rust_reqwest_bearer",
        'let res = client.get(url).bearer_auth("⟪b62:56⟫").send().await?;',
    ),
    _t(
        "java_datasource_setter",
        """
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl("jdbc:postgresql://pg.internal:5432/inventory");
        ds.setUsername("inventory");
        ds.setPassword("⟪pw⟫");
        """,
    ),
    _t(
        "java_kafka_jaas_property",
        'props.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required '
        'username=\\"⟪~up:16⟫\\" password=\\"⟪b64:64⟫\\";");',
    ),
    _t(
        "kotlin_buildconfig_field",
        'buildConfigField("String", "PAYMENTS_SECRET", "\\"⟪b62:40⟫\\"")\nbuildConfigField("boolean", "USE_SANDBOX", "false")',
    ),
    _t(
        "swift_let_secret",
        'struct Keys {\n    static let analyticsSecret = "⟪hex:40⟫"\n    static let bundleId = "com.example.app"\n}',
    ),
    _t(
        "csharp_sqlconnection",
        'using var conn = new SqlConnection("Server=tcp:sql-prod.database.windows.net,1433;Initial Catalog=crm;'
        'User ID=crm_app;Password=⟪pw⟫;Encrypt=True;");',
    ),
    _t(
        "php_pdo_constructor",
        "$pdo = new PDO('mysql:host=localhost;dbname=shop;charset=utf8mb4', 'shop', '⟪pw⟫', [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);",
    ),
    _t("ruby_api_key_assignment", 'Stripe.api_key = "⟪=RKLIVE⟫⟪b62:99⟫"\nStripe.api_version = "2024-06-20"'),
    _t(
        "elixir_repo_config",
        """
        config :shop, Shop.Repo,
          username: "shop",
          password: "⟪pw⟫",
          hostname: "localhost",
          pool_size: 10
        """,
    ),
    _t(
        "scala_sbt_credentials",
        'credentials += Credentials("Sonatype Nexus Repository Manager", "nexus.corp.example", "deploy", "⟪pw⟫")',
    ),
    _t("haskell_let_token", 'main = do\n  let token = "⟪b62:40⟫" :: Text\n  runBot token'),
    _t("lua_redis_auth", 'local ok, err = red:auth("⟪pw⟫")\nif not ok then ngx.log(ngx.ERR, "auth failed: ", err) end'),
    _t("perl_dbi_connect", 'my $dbh = DBI->connect("dbi:Pg:dbname=crm;host=db", "crm", "⟪pw⟫", { RaiseError => 1 });'),
    _t("r_sys_setenv", 'Sys.setenv(CENSUS_API_KEY = "⟪hex:40⟫")\nlibrary(tidycensus)'),
    _t("julia_env_assignment", 'ENV["PLOTLY_API_KEY"] = "⟪b62:20⟫"\nusing PlotlyJS'),
    _t(
        "dart_static_const",
        "class Env {\n  static const String supabaseUrl = 'https://⟪~low:20⟫.supabase.co';\n"
        "  static const String supabaseServiceKey = '⟪jwt⟫';\n}",
    ),
    _t(
        "c_define_mqtt_password",
        '#define MQTT_HOST "broker.local"\n#define MQTT_USER "greenhouse"\n#define MQTT_PASS "⟪pw⟫"',
    ),
    _t("cpp_string_brace_init", 'static const std::string kLicenseSecret{"⟪b64b:33⟫"};'),
    _t(
        "powershell_securestring",
        '$pw = ConvertTo-SecureString "⟪pw⟫" -AsPlainText -Force\n'
        "$cred = New-Object System.Management.Automation.PSCredential('CORP\\svc-backup', $pw)",
    ),
    _t(
        "bash_script_variable",
        "#!/usr/bin/env bash\nset -euo pipefail\nDB_PASS='⟪pw⟫'\nmysqldump -u root -p\"$DB_PASS\" shop > /backups/shop-$(date +%F).sql",
    ),
    _t(
        "sql_create_user",
        "CREATE USER reporting WITH PASSWORD '⟪pw⟫';\nGRANT SELECT ON ALL TABLES IN SCHEMA public TO reporting;",
    ),
    _t("sql_alter_login_mssql", "ALTER LOGIN [sa] WITH PASSWORD = N'⟪pw⟫', CHECK_POLICY = OFF;"),
    _t(
        "groovy_jenkinsfile_withenv",
        "stage('Sonar') {\n  withEnv([\"SONAR_TOKEN=⟪=SQU⟫⟪hex:40⟫\"]) {\n    sh 'mvn -B sonar:sonar'\n  }\n}",
    ),
    _t("objc_nsstring_constant", 'NSString *const kAPISecret = @"⟪hex:64⟫";'),
    _t(
        "vba_connection_string",
        'conn.Open "Provider=SQLOLEDB;Data Source=SRV-FIN01;Initial Catalog=Ledger;User Id=finance;Password=⟪pw⟫;"',
    ),
    _t("matlab_weboptions", "opts = weboptions('Username','svc_matlab','Password','⟪pw⟫','Timeout',30);"),
    _t("clojure_db_spec", '(def db {:dbtype "postgresql" :dbname "ledger" :user "ledger" :password "⟪pw⟫"})'),
    _t("fsharp_let_binding", 'let apiKey = "⟪b62:32⟫"\nlet client = new HttpClient()'),
    _t("zig_const_token", 'const token: []const u8 = "⟪b64u:43⟫";'),
    _t("nim_let_secret", 'let hmacSecret = "⟪hex:32⟫"\necho sign(hmacSecret, payload)'),
    _t(
        "hardhat_config_accounts",
        """
        module.exports = {
          solidity: "0.8.24",
          networks: {
            sepolia: { url: "https://sepolia.infura.io/v3/⟪hex:32⟫", accounts: ["0x⟪hex:64⟫"] },
          },
        };
        """,
    ),
    _t(
        "java_spring_value_default",
        '@Value("${mail.password:⟪pw⟫}")\nprivate String mailPassword;',
    ),
    _t(
        "python_test_left_real_token",
        """
        def test_fetch_repos():
            # FIXME: replace with a fixture before merging
            gh = Github(login_or_token="⟪=GHP⟫⟪b62:36⟫")
            assert gh.get_user().login
        """,
    ),
)


# ---------------------------------------------------------------------------------------------
# 3. Configuration files
# ---------------------------------------------------------------------------------------------


def _npmrc_auth(g: _G) -> tuple:
    password = g.pw()
    auth = base64.b64encode(f"builder:{password}".encode()).decode()
    line = (
        "$ cat .npmrc\nregistry=https://nexus.corp.example/repository/npm-group/\n"
        f"always-auth=true\n_auth={auth}\nemail=builder@corp.example"
    )
    return line, [auth]


def _gitconfig_extraheader(g: _G) -> tuple:
    pat = g.pick(_ALPHABETS["b32l"], 52)
    header = base64.b64encode(f":{pat}".encode()).decode()
    line = (
        "$ git config --global --get-regexp extraheader\nhttp.https://dev.azure.com/.extraheader "
        f"AUTHORIZATION: basic {header}"
    )
    return line, [header]


def _nginx_basic_upstream(g: _G) -> tuple:
    password = g.pw()
    auth = base64.b64encode(f"metrics:{password}".encode()).decode()
    line = (
        "location /metrics/ {\n    proxy_pass http://prometheus:9090/;\n"
        f'    proxy_set_header Authorization "Basic {auth}";\n}}'
    )
    return line, [auth]


_CONFIG_FILES = (
    _t(
        "dotenv_mixed_values",
        """
        # .env
        APP_ENV=production
        APP_URL=https://shop.example.com
        SESSION_SECRET=⟪b64u:43⟫
        MAIL_PASSWORD="⟪pw⟫"
        SENTRY_DSN=
        FEATURE_FLAGS=checkout_v2,search_v3
        """,
    ),
    _tool_write(
        "dotenv_written_by_tool",
        "/srv/app/.env.production",
        """
        DATABASE_URL=postgres://app:⟪pwu⟫@db:5432/app
        REDIS_PASSWORD='⟪b62:32⟫'
        ENCRYPTION_KEY="⟪b64b:32⟫"
        """,
    ),
    _t(
        "spring_application_yml",
        """
        spring:
          datasource:
            url: jdbc:postgresql://pg:5432/orders
            username: orders
            password: ⟪pw⟫
          mail:
            host: smtp.office365.com
            username: noreply@corp.example
            password: '⟪pw⟫'
        """,
    ),
    _t(
        "spring_application_properties",
        "spring.rabbitmq.host=mq.internal\nspring.rabbitmq.username=orders\nspring.rabbitmq.password=⟪pw⟫\n"
        "app.jwt.secret=⟪b64b:48⟫",
    ),
    _t(
        "toml_app_config",
        """
        [database]
        host = "127.0.0.1"
        user = "tracker"
        password = "⟪pw⟫"

        [integrations.pagerduty]
        routing_key = "⟪hex:32⟫"
        """,
    ),
    _t("mysql_my_cnf", "[client]\nuser=backup\npassword=⟪pw⟫\nhost=127.0.0.1\n\n[mysqldump]\nsingle-transaction"),
    _t(
        "pgpass_file",
        "$ cat ~/.pgpass\ndb.internal:5432:orders:orders_ro:⟪pw⟫\n*:5432:*:postgres:⟪pw⟫",
    ),
    _t(
        "netrc_file",
        """
        machine api.wandb.ai
          login user
          password ⟪hex:40⟫
        machine ftp.partner.example login acme password ⟪pw⟫
        """,
    ),
    _t(
        "npmrc_auth_token",
        "//registry.npmjs.org/:_authToken=⟪=NPM⟫⟪b62:36⟫\n@corp:registry=https://npm.pkg.github.com\n"
        "//npm.pkg.github.com/:_authToken=⟪=GHP⟫⟪b62:36⟫",
    ),
    _x("npmrc_legacy_auth_base64", _npmrc_auth),
    _t(
        "pypirc_token",
        """
        [distutils]
        index-servers = pypi testpypi

        [pypi]
        username = __token__
        password = ⟪=PYPI⟫⟪b64u:150⟫
        """,
    ),
    _t(
        "pip_conf_extra_index_url",
        """
        [global]
        extra-index-url = https://__token__:⟪b64u:40⟫@gitlab.corp.example/api/v4/projects/42/packages/pypi/simple
        trusted-host = gitlab.corp.example
        """,
    ),
    _t(
        "cargo_credentials_toml",
        '$ cat ~/.cargo/credentials.toml\n[registry]\ntoken = "⟪=CIO⟫⟪b62:32⟫"\n\n[registries.corp]\ntoken = "Bearer ⟪b64u:40⟫"',
    ),
    _t("gem_credentials", "---\n:rubygems_api_key: ⟪=RUBYGEMS⟫⟪hex:48⟫\n:github: Bearer ⟪=GHP⟫⟪b62:36⟫"),
    _t(
        "maven_settings_xml",
        """
        <settings>
          <servers>
            <server>
              <id>corp-releases</id>
              <username>deployer</username>
              <password>⟪pw⟫</password>
            </server>
          </servers>
        </settings>
        """,
    ),
    _t(
        "gradle_properties",
        "org.gradle.jvmargs=-Xmx4g\nsigning.keyId=⟪~HEX:8⟫\nsigning.password=⟪pw⟫\n"
        "signing.secretKeyRingFile=/home/ci/.gnupg/secring.gpg\nossrhPassword=⟪b62:44⟫",
    ),
    _t(
        "nuget_config_cleartext",
        """
        <packageSourceCredentials>
          <corp-feed>
            <add key="Username" value="build" />
            <add key="ClearTextPassword" value="⟪pw⟫" />
          </corp-feed>
        </packageSourceCredentials>
        """,
    ),
    _t(
        "composer_auth_json",
        '{\n  "http-basic": {"repo.packagist.com": {"username": "token", "password": "⟪hex:40⟫"}},\n'
        '  "github-oauth": {"github.com": "⟪=GHO⟫⟪b62:36⟫"}\n}',
    ),
    _t(
        "git_credentials_store",
        "$ cat ~/.git-credentials\nhttps://jdoe:⟪=GHP⟫⟪b62:36⟫@github.com\nhttps://ci:⟪pwu⟫@git.corp.example",
    ),
    _t(
        "wp_config_php",
        """
        define( 'DB_NAME', 'wp_blog' );
        define( 'DB_USER', 'wp_blog' );
        define( 'DB_PASSWORD', '⟪pw⟫' );
        define( 'AUTH_KEY',         '⟪salt:64⟫' );
        define( 'SECURE_AUTH_KEY',  '⟪salt:64⟫' );
        """,
    ),
    _t(
        "django_settings_secret_key",
        "SECRET_KEY = 'django-insecure-⟪dj:50⟫'\nDEBUG = False\nALLOWED_HOSTS = ['shop.example.com']",
    ),
    _t("rails_master_key_cat", "$ cat config/master.key\n⟪hex:32⟫$ EDITOR=vim bin/rails credentials:edit"),
    _t(
        "rails_database_yml",
        """
        production:
          <<: *default
          database: shop_production
          username: shop
          password: <%= ENV.fetch("SHOP_DATABASE_PASSWORD") { "⟪pw⟫" } %>
        """,
    ),
    _t("laravel_app_key", "APP_NAME=Shop\nAPP_KEY=base64:⟪b64b:32⟫\nAPP_DEBUG=false"),
    _t(
        "symfony_app_secret",
        "###> symfony/framework-bundle ###\nAPP_ENV=prod\nAPP_SECRET=⟪hex:32⟫\n###< symfony/framework-bundle ###",
    ),
    _x("nginx_upstream_basic_auth", _nginx_basic_upstream),
    _t(
        "apache_request_header",
        '<Location "/api">\n    RequestHeader set X-Upstream-Token "⟪b64u:40⟫"\n    ProxyPass "http://backend:8080/api"\n</Location>',
    ),
    _t(
        "systemd_unit_environment",
        """
        [Service]
        User=exporter
        Environment="EXPORTER_TOKEN=⟪b62:40⟫"
        Environment=PGPASSWORD=⟪pw⟫
        ExecStart=/usr/local/bin/pg_exporter
        """,
    ),
    _t(
        "crontab_line",
        "$ crontab -l\n*/15 * * * * curl -fsS -u backup:⟪pw⟫ https://nas.lan/api/snapshot >/dev/null 2>&1",
    ),
    _t("redis_conf", "bind 0.0.0.0\nprotected-mode yes\nrequirepass ⟪b62:32⟫\nmasterauth ⟪b62:32⟫"),
    _t(
        "docker_compose_environment",
        """
        services:
          db:
            image: mariadb:11
            environment:
              - MARIADB_ROOT_PASSWORD=⟪pw⟫
              - MARIADB_PASSWORD=⟪pw⟫
          app:
            environment:
              APP_SECRET: "⟪hex:48⟫"
        """,
    ),
    _t(
        "supervisord_environment",
        "[program:worker]\ncommand=/srv/venv/bin/celery -A shop worker\n"
        'environment=BROKER_URL="amqp://shop:⟪pwu⟫@mq:5672//",AWS_SECRET_ACCESS_KEY="⟪b64:40⟫"',
    ),
    _t(
        "aspnet_web_config",
        '<connectionStrings>\n  <add name="Default" connectionString="Data Source=SQL01;Initial Catalog=Hr;'
        'User ID=hr_app;Password=⟪pw⟫" providerName="System.Data.SqlClient" />\n</connectionStrings>',
    ),
    _t(
        "appsettings_json",
        '{\n  "Logging": {"LogLevel": {"Default": "Information"}},\n  "Jwt": {"Issuer": "shop", "Key": "⟪b64b:48⟫"},\n'
        '  "Smtp": {"User": "apikey", "Password": "⟪=SG⟫⟪b64u:22⟫.⟪b64u:43⟫"}\n}',
    ),
    _t(
        "logstash_output_conf",
        'output {\n  elasticsearch {\n    hosts => ["https://es01:9200"]\n    user => "logstash_writer"\n'
        '    password => "⟪pw⟫"\n  }\n}',
    ),
    _t(
        "grafana_ini",
        """
        [security]
        admin_user = admin
        admin_password = ⟪pw⟫
        secret_key = ⟪b62:16⟫

        [auth.generic_oauth]
        client_id = grafana
        client_secret = ⟪b64u:32⟫
        """,
    ),
    _t(
        "prometheus_basic_auth",
        """
        scrape_configs:
          - job_name: 'federate'
            basic_auth:
              username: prom
              password: ⟪pw⟫
            static_configs:
              - targets: ['prom-eu:9090']
        """,
    ),
    _x("gitconfig_extraheader_basic", _gitconfig_extraheader),
    _t(
        "pgbouncer_userlist",
        '$ cat /etc/pgbouncer/userlist.txt\n"app" "⟪pw⟫"\n"stats" "⟪pw⟫"',
    ),
    _t(
        "hcl_nomad_template_env",
        'template {\n  data        = <<EOH\nAPI_TOKEN="⟪b62:40⟫"\nEOH\n  destination = "secrets/file.env"\n  env         = true\n}',
    ),
    _t(
        "ini_odbc_dsn",
        "[ReportingDSN]\nDriver=ODBC Driver 18 for SQL Server\nServer=tcp:sql02,1433\nDatabase=reports\nUID=reporter\nPWD=⟪pw⟫",
    ),
    _t(
        "xml_tomcat_users",
        '<tomcat-users>\n  <role rolename="manager-gui"/>\n  <user username="tomcat" password="⟪pw⟫" roles="manager-gui"/>\n</tomcat-users>',
    ),
    _tool_write(
        "yaml_written_by_tool_quoted",
        "config/secrets.yml",
        """
        production:
          secret_key_base: "⟪hex:128⟫"
          payment_api_password: "Pa\\"⟪pw⟫"
        """,
    ),
)


# ---------------------------------------------------------------------------------------------
# 4. Command lines and their output: databases, queues, password managers, developer tools
# ---------------------------------------------------------------------------------------------


def _kafka_jaas_cli(g: _G) -> tuple:
    password = g.pw()
    line = (
        "$ kafka-console-producer.sh --bootstrap-server pkc-41wq6.eu-west-1.aws.confluent.cloud:9092 --topic orders "
        "--producer-property security.protocol=SASL_SSL --producer-property sasl.mechanism=PLAIN "
        "--producer-property 'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
        f'username="ORDERS_SVC" password="{password}";\''
    )
    return line, [password]


_CLI_SESSIONS = (
    _t("psql_pgpassword_prefix", "$ PGPASSWORD='⟪pw⟫' psql -h db.internal -U admin -d orders -c '\\dt'"),
    _t(
        "mysql_inline_password",
        "$ mysql -u root -p⟪pw⟫ -e 'SHOW DATABASES;'\nmysql: [Warning] Using a password on the command line interface can be insecure.\n"
        "+--------------------+\n| Database           |\n+--------------------+\n| shop               |\n+--------------------+",
    ),
    _t("redis_cli_auth_flag", "$ redis-cli -h cache.internal -p 6380 --tls -a '⟪b62:32⟫' --no-auth-warning PING\nPONG"),
    _t(
        "mongosh_password_flag",
        "$ mongosh --host rs0/mongo-1:27017,mongo-2:27017 --username admin --password ⟪pw⟫ --authenticationDatabase admin",
    ),
    _t(
        "rabbitmqctl_add_user",
        '$ rabbitmqctl add_user orders_svc ⟪pw⟫\nAdding user "orders_svc" ...\nDone. Don\'t forget to grant the user permissions',
    ),
    _x("kafka_producer_jaas_property", _kafka_jaas_cli),
    _t("onepassword_op_read", '$ op read "op://Production/Stripe/credential"\n⟪=RKLIVE⟫⟪b62:99⟫'),
    _t(
        "bitwarden_unlock_and_get",
        """
        $ bw unlock
        ? Master password: [hidden]
        Your vault is now unlocked!

        To unlock your vault, set your session key to the `BW_SESSION` environment variable. ex:
        $ export BW_SESSION="⟪b64b:64#s⟫"
        > $env:BW_SESSION="⟪#s⟫"
        $ bw get password github.com
        ⟪pw⟫
        """,
    ),
    _t(
        "pass_show_entry",
        "$ pass show email/fastmail\n⟪pw⟫\nurl: https://app.fastmail.com\nusername: jdoe@fastmail.example\napp-password: ⟪low:16⟫",
    ),
    _t(
        "keepassxc_cli_show",
        """
        $ keepassxc-cli show -s ~/vault.kdbx "Infra/iDRAC"
        Enter password to unlock /home/jdoe/vault.kdbx:
        Title: iDRAC
        UserName: root
        Password: ⟪pw⟫
        URL: https://10.0.9.20
        Notes: rack B3
        """,
    ),
    _t("lastpass_show_password", "$ lpass show --password 'Shared-Infra/Core VPN'\n⟪pw⟫"),
    _t(
        "gh_auth_status_show_token",
        """
        $ gh auth status --show-token
        github.com
          ✓ Logged in to github.com account jdoe (keyring)
          - Active account: true
          - Git operations protocol: https
          - Token: ⟪=GHO⟫⟪b62:36⟫
          - Token scopes: 'gist', 'read:org', 'repo', 'workflow'
        """,
    ),
    _t(
        "heroku_auth_token_uuid",
        "$ heroku auth:token\n ›   Warning: token will expire 11/27/2027\n ›   Use heroku authorizations:create to generate a long-term token\n⟪uuid⟫",
    ),
    _t(
        "npm_token_create_table",
        """
        $ npm token create --read-only
        ┌────────────────┬──────────────────────────────────────────┐
        │ token          │ ⟪=NPM⟫⟪b62:36⟫ │
        ├────────────────┼──────────────────────────────────────────┤
        │ readonly       │ true                                     │
        ├────────────────┼──────────────────────────────────────────┤
        │ created        │ 2026-11-27T09:41:07.144Z                 │
        └────────────────┴──────────────────────────────────────────┘
        """,
    ),
    _t(
        "stripe_cli_config_toml",
        "$ cat ~/.config/stripe/config.toml\n[default]\n  device_name = 'jdoe-mbp'\n  display_name = 'Acme'\n"
        "  test_mode_api_key = '⟪=SKTEST⟫⟪b62:99⟫'\n  test_mode_pub_key = 'pk_test_⟪~b62:99⟫'",
    ),
    _t(
        "firebase_login_ci",
        """
        $ firebase login:ci --no-localhost
        ✔  Success! Use this token to login on a CI server:

        1//0⟪b64u:99⟫

        Example: firebase deploy --token "$FIREBASE_TOKEN"
        """,
    ),
    _t(
        "supabase_status_keys",
        """
        $ supabase status
                 API URL: http://127.0.0.1:54321
             GraphQL URL: http://127.0.0.1:54321/graphql/v1
                  DB URL: postgresql://postgres:postgres@127.0.0.1:54322/postgres
              JWT secret: ⟪b64u:40⟫
                anon key: ⟪~jwt⟫
        service_role key: ⟪jwt⟫
           S3 Secret Key: ⟪hex:64⟫
        """,
    ),
    _t(
        "openssl_rand_then_export",
        "$ openssl rand -hex 32\n⟪hex:64#k⟫\n$ fly secrets set SESSION_SECRET=⟪#k⟫ -a shop-api\nSecrets are staged for the first deployment",
    ),
    _t(
        "python_secrets_token_urlsafe",
        "$ python3 -c 'import secrets; print(secrets.token_urlsafe(32))'\n⟪b64u:43⟫\n"
        "# ^ use that as JWT_SECRET in the staging env",
    ),
    _t("htpasswd_batch_mode", "$ sudo htpasswd -b -c /etc/nginx/.htpasswd admin ⟪pw⟫\nAdding password for user admin"),
    _t("chpasswd_echo", "$ echo 'deploy:⟪pw⟫' | sudo chpasswd\n$ sudo usermod -aG docker deploy"),
    _t("smbclient_user_percent", "$ smbclient //nas01/finance -U 'CORP\\jdoe%⟪pw⟫' -c 'ls'"),
    _t(
        "curl_user_flag",
        '$ curl -s -u admin:⟪pw⟫ http://localhost:15672/api/overview | jq .rabbitmq_version\n"3.13.2"',
    ),
    _t("sshpass_inline", "$ sshpass -p '⟪pw⟫' ssh -o StrictHostKeyChecking=no pi@192.168.1.40 'uptime'"),
    _t(
        "rclone_config_show",
        """
        $ rclone config show
        [b2]
        type = b2
        account = ⟪~hex:12⟫
        key = ⟪=B2⟫⟪b62:27⟫

        [gdrive]
        type = drive
        token = {"access_token":"⟪=YA29⟫⟪b64u:160⟫","token_type":"Bearer","refresh_token":"1//0⟪b64u:99⟫","expiry":"2026-11-27T11:20:31.5Z"}
        """,
    ),
    _t(
        "restic_password_env",
        "$ export RESTIC_REPOSITORY=s3:s3.amazonaws.com/backups-jdoe\n$ export RESTIC_PASSWORD='⟪pp:5⟫'\n$ restic snapshots",
    ),
    _t("borg_passphrase_prefix", "$ BORG_PASSPHRASE='⟪pps:4⟫' borg create --stats ::'{hostname}-{now}' ~/projects"),
    _t("lftp_user_comma", "$ lftp -u webmaster,⟪pw⟫ -e 'mirror -R dist/ /public_html; bye' ftp.hosting.example"),
    _t(
        "docker_login_password_flag",
        "$ docker login -u ci-bot -p ⟪=DCKR⟫⟪b64u:27⟫ docker.io\nWARNING! Using --password via the CLI is insecure. Use --password-stdin.\nLogin Succeeded",
    ),
    _t(
        "az_login_service_principal",
        "$ az login --service-principal -u ⟪~uuid⟫ -p '⟦⟪b62:3⟫⟪dig:1⟫Q~⟪b64u:34⟫⟧' --tenant ⟪~uuid⟫",
    ),
    _t(
        "snowsql_env_password",
        "$ SNOWSQL_PWD='⟪pw⟫' snowsql -a xy12345.eu-central-1 -u LOADER -d RAW -q 'select current_version()'",
    ),
    _t(
        "clickhouse_client_password",
        "$ clickhouse-client --host ch01 --user analyst --password ⟪pw⟫ --query 'SELECT count() FROM events'",
    ),
    _t(
        "minio_mc_alias_set",
        "$ mc alias set local http://127.0.0.1:9000 minioadmin ⟪b62:40⟫\nAdded `local` successfully.",
    ),
    _t(
        "ps_aux_java_keystore_password",
        """
        $ ps aux | grep [j]ava
        tomcat    1187  2.3 18.1 5123456 742112 ?  Sl   Nov26  41:07 /usr/bin/java -Xmx2g -Djavax.net.ssl.keyStore=/etc/ssl/app.jks -Djavax.net.ssl.keyStorePassword=⟪pw⟫ -jar app.jar
        """,
    ),
    _t(
        "env_grep_token_output",
        "$ env | grep -i -E 'token|key'\nHOMEBREW_GITHUB_API_TOKEN=⟪=GHP⟫⟪b62:36⟫\nAPI_KEY=⟪hex:32⟫\nSSH_AUTH_SOCK=/tmp/ssh-XXXX/agent.1234",
    ),
    _t(
        "shell_history_output",
        """
        $ history | tail -4
         1021  export OPENROUTER_API_KEY=⟪=SKOR⟫⟪hex:64⟫
         1022  python bench.py --model mistral-large
         1023  git push
         1024  history | tail -4
        """,
    ),
    _t(
        "cqlsh_user_password",
        "$ cqlsh cassandra-0.cassandra 9042 -u cassandra -p ⟪pw⟫ -e 'DESCRIBE KEYSPACES'",
    ),
    _t(
        "wp_cli_user_create",
        "$ wp user create editor2 editor2@example.com --role=editor --user_pass='⟪pw⟫'\nSuccess: Created user 7.",
    ),
    _t(
        "mysql_config_editor_print",
        "$ mysql_config_editor set --login-path=prod --host=db --user=root --password\nEnter password: ⟪pw⟫",
    ),
    _t(
        "ldapmodify_bind_password",
        "$ ldappasswd -H ldaps://ldap.corp.example -x -D 'cn=admin,dc=corp,dc=example' -w '⟪pw⟫' "
        "-s '⟪pw⟫' 'uid=jdoe,ou=people,dc=corp,dc=example'",
    ),
)


# ---------------------------------------------------------------------------------------------
# 5. Connection strings and URLs that carry credentials
# ---------------------------------------------------------------------------------------------


def _azure_sas_url(g: _G) -> tuple:
    sig = g.b64b(32)
    line = (
        "$ azcopy copy 'https://stexports01.blob.core.windows.net/exports/2026-11.parquet?sv=2022-11-02&ss=b&srt=o"
        f"&sp=r&se=2026-12-31T00:00:00Z&st=2026-11-27T00:00:00Z&spr=https&sig={_u(sig)}' ./data/"
    )
    return line, [_u(sig)]


def _url_encoded_password(g: _G) -> tuple:
    password = g.pw() + "@/" + g.pick("#?:", 1)
    encoded = _u(password)
    line = f"DATABASE_URL=postgresql://analytics:{encoded}@pg-analytics.internal:5432/warehouse?sslmode=verify-full"
    return line, [encoded]


_CONNECTION_STRINGS = (
    _t("postgres_url_env", "DATABASE_URL=postgresql://app:⟪pwu⟫@db.example.internal:5432/app?sslmode=require"),
    _t(
        "mysql_sqlalchemy_url",
        'engine = create_engine("mysql+pymysql://etl:⟪pwu⟫@mysql-replica:3306/sales?charset=utf8mb4")',
    ),
    _t(
        "mongodb_srv_url",
        'MONGO_URI="mongodb+srv://admin:⟪b62:16⟫@cluster0.⟪~low:5⟫.mongodb.net/?retryWrites=true&w=majority"',
    ),
    _t("redis_tls_url", "REDIS_URL=rediss://default:⟪b62:32⟫@eu1-sharp-gecko-⟪~dig:5⟫.upstash.io:6379"),
    _t("amqp_url", "CELERY_BROKER_URL=amqps://shopq:⟪b64u:32⟫@goose.rmq2.cloudamqp.com/shopq"),
    _t("smtp_url_apikey", "EMAIL_URL=smtp+tls://apikey:⟪=SG⟫⟪b64u:22⟫.⟪b64u:43⟫@smtp.sendgrid.net:587"),
    _t("ftp_url", "$ wget -r ftp://webmaster:⟪pwu⟫@ftp.hosting.example/public_html/uploads/"),
    _t(
        "ldapsearch_bind",
        "$ ldapsearch -x -H ldaps://dc01.corp.example -D 'CN=svc-ldap,OU=Service,DC=corp,DC=example' -w '⟪pw⟫' "
        "-b 'DC=corp,DC=example' '(sAMAccountName=jdoe)'",
    ),
    _t(
        "jdbc_sqlserver_password_param",
        "jdbc:sqlserver://sql01.corp.example:1433;databaseName=erp;user=erp_app;password=⟪pw⟫;encrypt=true;trustServerCertificate=false",
    ),
    _t(
        "odbc_braced_pwd",
        "conn_str = 'Driver={ODBC Driver 18 for SQL Server};Server=tcp:sql-prod.database.windows.net,1433;"
        "Database=crm;Uid=crm_reader;Pwd={⟪pw⟫};Encrypt=yes;'",
    ),
    _t(
        "azure_storage_connection_string",
        "AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=https;AccountName=stexports01;"
        "AccountKey=⟪b64b:64⟫;EndpointSuffix=core.windows.net",
    ),
    _t(
        "azure_servicebus_connection_string",
        '"ServiceBus": "Endpoint=sb://orders-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;'
        'SharedAccessKey=⟪b64b:32⟫"',
    ),
    _x("azure_blob_sas_url", _azure_sas_url),
    _t("oracle_sqlplus_ezconnect", "$ sqlplus system/⟪pw⟫@//ora-db01:1521/ORCLPDB1 @migrate.sql"),
    _t("neo4j_auth_env", "docker run -p 7687:7687 -e NEO4J_AUTH=neo4j/⟪pw⟫ neo4j:5"),
    _t(
        "elasticsearch_url_userinfo",
        'es = Elasticsearch("https://elastic:⟪b62:20⟫@es01.internal:9200", verify_certs=False)',
    ),
    _t(
        "git_remote_v_token",
        "$ git remote -v\norigin\thttps://oauth2:⟪=GLPAT⟫⟪b64u:20⟫@gitlab.com/acme/platform.git (fetch)\n"
        "origin\thttps://oauth2:⟪=GLPAT⟫⟪b64u:20⟫@gitlab.com/acme/platform.git (push)",
    ),
    _t(
        "https_proxy_credentials",
        "export https_proxy=http://CORP%5Cjdoe:⟪pwu⟫@proxy.corp.example:3128\nexport no_proxy=localhost,.corp.example",
    ),
    _t(
        "discord_webhook_url",
        "DISCORD_WEBHOOK=https://discord.com/api/webhooks/⟪~dig:19⟫/⟪b64u:68⟫",
    ),
    _t(
        "teams_incoming_webhook",
        "curl -H 'Content-Type: application/json' -d '{\"text\":\"deploy ok\"}' "
        "https://contoso.webhook.office.com/webhookb2/⟪~uuid⟫@⟪~uuid⟫/IncomingWebhook/⟪hex:32⟫/⟪~uuid⟫/⟪b64u:48⟫",
    ),
    _t(
        "telegram_bot_api_url",
        'requests.post("https://api.telegram.org/bot⟦⟪dig:10⟫:AA⟪b64u:33⟫⟧/sendMessage", json={"chat_id": -100⟪~dig:10⟫, "text": msg})',
    ),
    _t(
        "google_maps_key_query",
        "GET https://maps.googleapis.com/maps/api/geocode/json?address=Rua+Augusta+Lisboa&key=⟪=AIZA⟫⟪b64u:35⟫ 200",
    ),
    _t(
        "openweather_appid_query",
        "$ curl 'https://api.openweathermap.org/data/2.5/weather?q=Lisbon&units=metric&appid=⟪hex:32⟫'",
    ),
    _t(
        "s3_presigned_url",
        "https://exports-prod.s3.eu-west-1.amazonaws.com/reports/q3.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=⟪=AKIA⟫⟪up:16⟫%2F20261127%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20261127T101500Z"
        "&X-Amz-Expires=604800&X-Amz-SignedHeaders=host&X-Amz-Signature=⟪hex:64⟫",
    ),
    _t(
        "gcs_signed_url",
        "https://storage.googleapis.com/ml-artifacts/model.pt?X-Goog-Algorithm=GOOG4-RSA-SHA256"
        "&X-Goog-Credential=signer%40ml-prod.iam.gserviceaccount.com%2F20261127%2Fauto%2Fstorage%2Fgoog4_request"
        "&X-Goog-Date=20261127T101500Z&X-Goog-Expires=3600&X-Goog-SignedHeaders=host&X-Goog-Signature=⟪hex:256⟫",
    ),
    _t("sentry_legacy_dsn_secret", "SENTRY_DSN=https://⟪~hex:32⟫:⟪hex:32⟫@o⟪~dig:6⟫.ingest.sentry.io/⟪~dig:7⟫"),
    _t("cloudinary_url", "CLOUDINARY_URL=cloudinary://⟪~dig:15⟫:⟪b64u:27⟫@acme-media"),
    _t(
        "snowflake_sqlalchemy_url",
        "snowflake://loader:⟪pwu⟫@xy12345.eu-central-1/RAW/PUBLIC?warehouse=LOAD_WH&role=LOADER",
    ),
    _t("clickhouse_url", "CLICKHOUSE_URL=clickhouse://default:⟪pwu⟫@ch01.internal:9000/default?secure=true"),
    _t("nats_url", "nats sub 'orders.>' --server nats://svc_orders:⟪b62:24⟫@nats.internal:4222"),
    _t(
        "websocket_token_query",
        "WebSocket connection to 'wss://stream.example.io/v1/ws?token=⟪b64u:64⟫&v=2' failed: Connection closed before receiving a handshake response",
    ),
    _t(
        "nextcloud_webdav_app_password",
        "$ rclone lsd ':webdav,url=\"https://jdoe:⟦⟪b62:5⟫-⟪b62:5⟫-⟪b62:5⟫-⟪b62:5⟫-⟪b62:5⟫⟧@cloud.example.org/remote.php/dav/files/jdoe/\",vendor=nextcloud:'",
    ),
    _t("sftp_duplicity_url", "$ duplicity /home/jdoe sftp://backup:⟪pwu⟫@backup.lan//srv/backups/jdoe"),
    _t("couchdb_url", '$ curl http://admin:⟪pwu⟫@127.0.0.1:5984/_all_dbs\n["_replicator","_users","orders"]'),
    _x("postgres_url_percent_encoded_password", _url_encoded_password),
    _t(
        "jdbc_mysql_query_password",
        "spring.datasource.url=jdbc:mysql://db:3306/app?user=app&password=⟪pwu⟫&useSSL=true",
    ),
    _t(
        "dotnet_npgsql_connection",
        '"ConnectionStrings": { "Default": "Host=pg;Port=5432;Database=hr;Username=hr;Password=⟪pw⟫;SSL Mode=Require" }',
    ),
    _t(
        "influx_cli_config",
        "$ influx config create --config-name prod --host-url https://influx.internal:8086 --org acme --token ⟪b64ub:64⟫ --active",
    ),
    _t("imap_url_python", 'mailbox = MailBox("imap.fastmail.com").login("reports@fastmail.example", "⟪low:16⟫")'),
)


# ---------------------------------------------------------------------------------------------
# 6. Tokens with vendor prefixes (mostly vendors less famous than the usual few)
# ---------------------------------------------------------------------------------------------

_VENDOR_TOKENS = (
    _t("huggingface_token_file", "$ cat ~/.cache/huggingface/token\n⟪=HF⟫⟪alpha:34⟫"),
    _t("replicate_token_export", "export REPLICATE_API_TOKEN=⟪=R8⟫⟪b62:37⟫"),
    _t(
        "groq_curl_header",
        '$ curl https://api.groq.com/openai/v1/models -H "Authorization: Bearer ⟪=GSK⟫⟪b62:52⟫"',
    ),
    _t("perplexity_python_client", 'client = OpenAI(api_key="⟪=PPLX⟫⟪b62:48⟫", base_url="https://api.perplexity.ai")'),
    _t("pinecone_env_yaml", "pinecone:\n  api_key: ⟦⟪=PCSK⟫⟪b62:5⟫_⟪b62:63⟫⟧\n  index: docs-prod"),
    _t(
        "linear_api_key_graphql",
        "$ curl -X POST https://api.linear.app/graphql -H 'Authorization: ⟪=LIN⟫⟪b62:40⟫' -d '{\"query\":\"{ viewer { id } }\"}'",
    ),
    _t("notion_integration_secret", "NOTION_TOKEN=⟦⟪=NTN⟫⟪dig:11⟫⟪b62:35⟫⟧\nNOTION_DATABASE_ID=⟪~hex:32⟫"),
    _t(
        "figma_personal_token",
        "fetch('https://api.figma.com/v1/files/' + key, { headers: { 'X-Figma-Token': '⟪=FIGD⟫⟪b64u:40⟫' } })",
    ),
    _t("postman_api_key", '$ newman run collection.json --env-var "postmanApiKey=⟦⟪=PMAK⟫⟪hex:24⟫-⟪hex:34⟫⟧"'),
    _t("sentry_user_auth_token", "[auth]\ntoken=⟪=SNTRYU⟫⟪hex:64⟫\n\n[defaults]\norg=acme\nproject=web"),
    _t(
        "grafana_service_account_token",
        "GRAFANA_TOKEN=⟦⟪=GLSA⟫⟪b62:32⟫_⟪hex:8⟫⟧ terraform apply -target=module.dashboards",
    ),
    _t(
        "newrelic_user_key",
        "newrelic profile add --profile prod --region EU --apiKey ⟪=NRAK⟫⟪up:27⟫ --accountId ⟪~dig:7⟫",
    ),
    _t("atlassian_api_token", 'JIRA_API_TOKEN="⟦⟪=ATATT⟫⟪b64u:183⟫=⟪HEX:8⟫⟧"\nJIRA_EMAIL=jdoe@acme.example'),
    _t("shopify_admin_token_env", "SHOPIFY_STORE=acme-outlet.myshopify.com\nSHOPIFY_ADMIN_TOKEN=⟪=SHPAT⟫⟪hex:32⟫"),
    _t("sendgrid_key_python", "sg = SendGridAPIClient('⟦⟪=SG⟫⟪b64u:22⟫.⟪b64u:43⟫⟧')"),
    _t("doppler_service_token", "$ doppler secrets download --no-file --format env --token ⟪=DPST⟫⟪b62:40⟫"),
    _t(
        "terraform_cloud_credentials",
        '$ cat ~/.terraform.d/credentials.tfrc.json\n{\n  "credentials": {\n    "app.terraform.io": {\n      "token": "⟦⟪b62:14⟫⟪=ATLAS⟫⟪b62:67⟫⟧"\n    }\n  }\n}',
    ),
    _t("pulumi_access_token", "PULUMI_ACCESS_TOKEN=⟪=PUL⟫⟪hex:40⟫ pulumi up --stack prod --yes"),
    _t("render_api_key", "curl -H 'Authorization: Bearer ⟪=RND⟫⟪b62:32⟫' https://api.render.com/v1/services"),
    _t("netlify_personal_token", "$ netlify deploy --prod --auth ⟪=NFP⟫⟪b62:36⟫ --dir dist"),
    _t("supabase_access_token", "$ SUPABASE_ACCESS_TOKEN=⟪=SBP⟫⟪hex:40⟫ supabase link --project-ref ⟪~low:20⟫"),
    _t(
        "planetscale_password",
        "DATABASE_URL='mysql://⟪~low:12⟫:⟪=PSCALE⟫⟪b64u:43⟫@aws.connect.psdb.cloud/shop?sslaccept=strict'",
    ),
    _t("neon_api_key", "$ neonctl projects list --api-key ⟪=NAPI⟫⟪low:64⟫"),
    _t("tailscale_auth_key", "$ sudo tailscale up --authkey=⟦⟪=TSKEY⟫⟪b62:17⟫-⟪b62:33⟫⟧ --advertise-tags=tag:ci"),
    _t("buildkite_user_token", "BUILDKITE_API_TOKEN=⟪=BKUA⟫⟪hex:40⟫ bk build list --pipeline web"),
    _t(
        "circleci_personal_token",
        "$ circleci setup --no-prompt --host https://circleci.com --token ⟦⟪=CCIPAT⟫⟪b62:22⟫_⟪hex:40⟫⟧",
    ),
    _t("bitbucket_app_password", "$ git clone https://jdoe:⟦⟪=ATBB⟫⟪b62:28⟫⟪HEX:8⟫⟧@bitbucket.org/acme/mobile.git"),
    _t(
        "contentful_management_token",
        "contentful space export --space-id ⟪~low:12⟫ --management-token ⟪=CFPAT⟫⟪b64u:43⟫",
    ),
    _t("hubspot_private_app_token", "hubspot_client = HubSpot(access_token='⟪=HSPAT⟫⟪uuid⟫')"),
    _t("typeform_token", "TYPEFORM_TOKEN=⟦⟪=TFP⟫⟪b62:44⟫_⟪b62:14⟫⟧"),
    _t("xai_key_in_yaml", "providers:\n  grok:\n    api_key: ⟪=XAI⟫⟪b62:80⟫\n    model: grok-4"),
    _t("langsmith_key", "LANGSMITH_TRACING=true\nLANGSMITH_API_KEY=⟦⟪=LSV2⟫⟪hex:32⟫_⟪hex:10⟫⟧"),
    _t("okta_ssws_header", "$ curl -H 'Authorization: ⟪=SSWS⟫ 00⟪b64u:40⟫' https://acme.okta.com/api/v1/users?limit=5"),
    _t("resend_key_ts", "const resend = new Resend('⟦⟪=RESEND⟫⟪b62:8⟫_⟪b62:24⟫⟧');"),
    _t(
        "gitlab_runner_token",
        "$ gitlab-runner register --non-interactive --url https://gitlab.com --token ⟪=GLRT⟫⟪b64u:20⟫ --executor docker",
    ),
    _t("gitlab_deploy_token", "$ docker login registry.gitlab.com -u gitlab+deploy-token-⟪~dig:6⟫ -p ⟪=GLDT⟫⟪b64u:20⟫"),
    _t(
        "nuget_push_key",
        "$ dotnet nuget push bin/Release/Acme.Core.3.2.0.nupkg --api-key ⟪=OY2⟫⟪low:43⟫ --source https://api.nuget.org/v3/index.json",
    ),
    _t("shippo_live_token", "SHIPPO_TOKEN=⟪=SHIPPO⟫⟪hex:40⟫"),
    _t("square_access_token", "client = Client(access_token='⟪=SQ⟫⟪b64u:60⟫', environment='production')"),
    _t(
        "databricks_pat",
        "$ databricks configure --token\nDatabricks Host: https://adb-⟪~dig:16⟫.7.azuredatabricks.net\nToken: ⟪=DAPI⟫⟪hex:32⟫",
    ),
    _t("onepassword_service_account", "export OP_SERVICE_ACCOUNT_TOKEN=⟪=OPS⟫⟪b64u:300⟫"),
    _t("elevenlabs_key_header", 'headers = {"xi-api-key": "⟪=ELEVEN⟫⟪hex:48⟫", "Content-Type": "application/json"}'),
    _t("dropbox_short_lived_token", 'dbx = dropbox.Dropbox("⟪=DROPBOX⟫⟪b64u:135⟫")'),
    _t("mapbox_secret_token", "MAPBOX_DOWNLOADS_TOKEN=⟦⟪=MAPBOX⟫⟪b64u:30⟫.⟪b64u:22⟫⟧"),
    _t(
        "anthropic_key_in_json_settings",
        '{\n  "env": {\n    "ANTHROPIC_API_KEY": "⟪=SKANT⟫⟪b64u:93⟫AA",\n    "DISABLE_TELEMETRY": "1"\n  }\n}',
    ),
    _t("openai_project_key_in_toml", '[llm]\nprovider = "openai"\napi_key = "⟪=SKPROJ⟫⟪b64u:156⟫"'),
    _t("sentry_org_auth_token", "SENTRY_AUTH_TOKEN=⟦⟪=SNTRYS⟫⟪b64u:120⟫_⟪b64u:43⟫⟧ npx @sentry/wizard -i nextjs"),
    _t("heroku_new_format_token", "HEROKU_API_KEY=⟪=HRKU⟫⟪b64u:58⟫ heroku apps --all"),
    _t("datadog_api_key_prefixed", "DD_API_KEY=⟪=DDOG⟫⟪hex:32⟫"),
)


# ---------------------------------------------------------------------------------------------
# 7. Random tokens without a vendor prefix, under many names (some not obviously secret)
# ---------------------------------------------------------------------------------------------

_UNPREFIXED_TOKENS = (
    _t(
        "x_api_key_header_hex32",
        '$ curl -s https://api.partner.example/v2/orders -H "X-API-Key: ⟪hex:32⟫" | jq length\n42',
    ),
    _t("cloudflare_token_env", "CLOUDFLARE_API_TOKEN=⟪b64u:40⟫\nCLOUDFLARE_ACCOUNT_ID=⟪~hex:32⟫"),
    _t(
        "datadog_api_and_app_keys",
        "$ export DD_API_KEY=⟪hex:32⟫ DD_APP_KEY=⟪hex:40⟫\n$ datadog-ci sourcemaps upload ./dist",
    ),
    _t(
        "algolia_admin_key",
        "const client = algoliasearch('⟪~up:10⟫', '⟪hex:32⟫');\nconst index = client.initIndex('products');",
    ),
    _t("mistral_key_json", '{"providers": {"mistral": {"api_key": "⟪b62:32⟫", "model": "mistral-large-latest"}}}'),
    _t("cohere_key_yaml", "embedder:\n  kind: cohere\n  cohere_api_key: ⟪b62:40⟫"),
    _t(
        "vercel_token_flag",
        "$ vercel deploy --prod --token ⟪b62:24⟫ --yes\nProduction: https://shop-8f2k1.vercel.app [48s]",
    ),
    _t("plaid_secret_env", "PLAID_CLIENT_ID=⟪~hex:24⟫\nPLAID_SECRET=⟪hex:30⟫\nPLAID_ENV=production"),
    _t(
        "paypal_client_credentials_curl",
        '$ curl -v https://api-m.paypal.com/v1/oauth2/token -u "⟪~b64u:80⟫:⟦E⟪b64u:79⟫⟧" -d grant_type=client_credentials',
    ),
    _t("ccxt_exchange_keys", "exchange = ccxt.binance({\n    'apiKey': '⟪b62:64⟫',\n    'secret': '⟪b62:64⟫',\n})"),
    _t(
        "assemblyai_raw_authorization",
        'headers = {"authorization": "⟪hex:32⟫"}\nrequests.post(upload_url, headers=headers, data=f)',
    ),
    _t("deepgram_token_scheme", "-H 'Authorization: Token ⟪hex:40⟫'"),
    _t("uuid_auth_token_header", "$ curl -H 'X-Auth-Token: ⟪uuid⟫' https://api.statuspage.example/v1/pages"),
    _t("uuid_uppercase_secret_yaml", "licensing:\n  customer: acme\n  apiSecret: ⟪UUID⟫"),
    _t("ipinfo_token_query", "$ curl ipinfo.io/8.8.8.8?token=⟪hex:14⟫"),
    _t("software_license_key", "LICENSE_KEY=⟦⟪up:5⟫-⟪up:5⟫-⟪up:5⟫-⟪up:5⟫-⟪up:5⟫⟧ ./installer --accept-eula"),
    _t("session_cookie_request", "Cookie: sessionid=⟪low:32⟫; csrftoken=⟪~b62:32⟫; django_language=en"),
    _t(
        "set_cookie_response",
        "< HTTP/2 200\n< set-cookie: __Host-session=⟪b64u:120⟫; Path=/; Secure; HttpOnly; SameSite=Lax\n< content-type: text/html",
    ),
    _t("bearer_opaque_b62", "Authorization: Bearer ⟪b62:64⟫"),
    _t(
        "oauth_token_response_json",
        '{"access_token":"⟪b64u:120⟫","token_type":"Bearer","expires_in":3599,"refresh_token":"⟪b64u:64⟫","scope":"read write"}',
    ),
    _t(
        "oauth_client_secret_yaml",
        "oidc:\n  issuer: https://login.acme.example\n  client_id: portal\n  client_secret: ⟪b64u:32⟫",
    ),
    _t("go_hmac_signing_key", 'var signingKey = []byte("⟪hex:64⟫")'),
    _t("encryption_key_base64_env", "ENCRYPTION_KEY=⟪b64b:32⟫\nENCRYPTION_KEY_PREVIOUS=⟪b64b:32⟫"),
    _t("odd_variable_name_b62", "PAYLOAD_K=⟪b62:40⟫\nPAYLOAD_REGION=eu"),
    _t("zapier_catch_hook", "https://hooks.zapier.com/hooks/catch/⟪~dig:7⟫/⟪low:7⟫/"),
    _t("steam_style_upper_hex", "STEAM_WEB_API_KEY=⟪HEX:32⟫"),
    _t("dotted_three_part_token", "bot:\n  token: ⟦⟪b64u:24⟫.⟪b64u:6⟫.⟪b64u:38⟫⟧"),
    _t("yaml_list_of_api_keys", "auth:\n  api_keys:\n    - ⟪hex:40⟫\n    - ⟪hex:40⟫\n  rate_limit: 100"),
    _t("rails_secret_key_base_env", "SECRET_KEY_BASE=⟪hex:128⟫ RAILS_ENV=production bin/rails db:migrate"),
    _t("java_aes_key_hex", 'SecretKeySpec key = new SecretKeySpec(Hex.decodeHex("⟪hex:64⟫"), "AES");'),
    _t("facebook_app_secret", "FACEBOOK_APP_ID=⟪~dig:16⟫\nFACEBOOK_APP_SECRET=⟪hex:32⟫"),
    _t("mailchimp_dc_suffixed_key", "MAILCHIMP_API_KEY=⟦⟪hex:32⟫-us21⟧"),
    _t(
        "twilio_auth_token",
        "client = Client('AC⟪~hex:32⟫', '⟪hex:32⟫')\nclient.messages.create(to=to, from_='+15005550006', body=body)",
    ),
    _t(
        "api_key_in_query_of_log",
        '203.0.113.7 - - [27/Nov/2026:10:02:11 +0000] "GET /v1/export?format=csv&api_key=⟪b62:32⟫ HTTP/1.1" 200 5123',
    ),
    _t("token_in_error_message", "Error: Request failed with status 401: invalid token '⟪b64u:48⟫' for tenant acme"),
    _t("numeric_only_api_secret", "CLIENT_ID=⟪~dig:8⟫\nCLIENT_SECRET=⟪dig:24⟫"),
    _t("base32_upper_secret_env", "GATEWAY_SHARED_SECRET=⟪b32:40⟫"),
    _t("lowercase_alnum_token_toml", '[deploy]\nhook_token = "⟪low:40⟫"'),
    _t(
        "mixed_case_json_key_name",
        '{"clientSecret": "⟪b64u:40⟫", "clientId": "⟪~uuid⟫", "redirectUri": "https://app/cb"}',
    ),
    _t("header_private_token_unprefixed", "PRIVATE-TOKEN: ⟪b62:20⟫"),
    _t("together_key_hex64", "TOGETHER_API_KEY=⟪hex:64⟫"),
)


# ---------------------------------------------------------------------------------------------
# 8. People's messages: many languages, human-chosen passwords, PINs and codes
# ---------------------------------------------------------------------------------------------

_HUMAN_PROSE = (
    _t(
        "en_chat_office_wifi",
        "btw the office wifi is `Acme-Guest`, password is ⟪pw⟫ if you need to test the captive portal",
    ),
    _t("de_chat_staging_password", "Das Passwort für den Staging-Server lautet ⟪pw⟫ – bitte nach dem Deploy ändern."),
    _t("fr_chat_prod_db", "Le mot de passe de la base de prod est « ⟪pw⟫ », ne le mets surtout pas dans le repo."),
    _t("es_chat_admin_and_alarm", "La contraseña del usuario admin es ⟪pw⟫ y el código de la alarma es ⟪dig:4⟫."),
    _t("pt_br_chat_db", "a senha do banco é ⟪pw⟫, usuário postgres, host 10.0.3.12"),
    _t("it_chat_ftp", "la password dell'FTP è ⟪pw⟫ (attenzione alle maiuscole)"),
    _t("nl_chat_case_sensitive", "het wachtwoord is ⟪pw⟫ (hoofdlettergevoelig!)"),
    _t("pl_chat_panel", "hasło do panelu: ⟪pw⟫, login: admin"),
    _t("ru_chat_server_root", "пароль от сервера: ⟪pw⟫, логин root, порт 2222"),
    _t("uk_chat_vpn", "пароль до VPN — ⟪pw⟫, не пересилай нікому"),
    _t("zh_chat_no_spaces", "数据库密码是⟪pw⟫，别外传。"),
    _t("ja_chat_corner_brackets", "本番DBのパスワードは「⟪pw⟫」です。よろしくお願いします。"),
    _t("ko_chat_admin", "관리자 비밀번호는 ⟪pw⟫ 입니다"),
    _t("ar_chat_rtl", "كلمة المرور للخادم هي ⟪pw⟫ من فضلك غيّرها بعد أول دخول"),
    _t("he_chat_rtl", "הסיסמה לשרת היא ⟪pw⟫ תחליף אותה אחרי ההתקנה"),
    _t("hi_chat_devanagari", "सर्वर का पासवर्ड ⟪pw⟫ है, किसी को मत बताना"),
    _t("tr_chat_sifre", "sunucu şifresi: ⟪pw⟫ (kullanıcı: deploy)"),
    _t("vi_chat_wifi", "mật khẩu wifi là ⟪pw⟫ nhé"),
    _t("id_chat_sandi", "kata sandinya ⟪pw⟫ ya, jangan disebar"),
    _t("sv_chat_router", "lösenordet till routern är ⟪pw⟫"),
    _t("fi_chat_salasana", "salasana on ⟪pw⟫, käyttäjätunnus admin"),
    _t("el_chat_kodikos", "ο κωδικός για το NAS είναι ⟪pw⟫"),
    _t("cs_chat_heslo", "heslo k databázi je ⟪pw⟫, uživatel app"),
    _t("th_chat_no_spaces", "รหัสผ่านคือ⟪pw⟫ครับ"),
    _t("de_umlaut_password", "Neues Kennwort für das Intranet: ⟪pwi⟫"),
    _t("es_intl_password", "te paso la clave del router: ⟪pwi⟫"),
    _t("en_door_and_alarm_codes", "Door code for the server room is ⟪dig:4⟫# and the alarm panel code is ⟪dig:6⟫."),
    _t("en_sim_pin_puk", "my SIM PIN is ⟪dig:4⟫ and the PUK is ⟪dig:8⟫ in case it locks again"),
    _t("en_safe_combination", "safe combo: ⟦⟪dig:2⟫-⟪dig:2⟫-⟪dig:2⟫⟧ (turn left first)"),
    _t("en_spoken_passphrase", "the passphrase is four words, all lower case, separated by spaces: ⟪pps:4⟫"),
    _t(
        "en_recovery_codes_list",
        "Here are my backup codes in case I'm locked out:\n⟦⟪low:5⟫-⟪low:5⟫⟧\n⟦⟪low:5⟫-⟪low:5⟫⟧\n⟦⟪low:5⟫-⟪low:5⟫⟧\n⟦⟪low:5⟫-⟪low:5⟫⟧",
    ),
    _t("en_card_pin_casual", "card PIN is ⟪dig:4⟫ lol don't lose it"),
    _t("en_otp_code_relay", "the 2FA code it just texted me is ⟪dig:6⟫, quick before it expires"),
    _t("en_password_correction", "sorry, typo — the password is not ⟪pw⟫, it's ⟪pw⟫"),
    _t("en_voicemail_pin", "voicemail PIN: ⟪dig:6⟫"),
    _t(
        "de_fritzbox_wlan_key",
        "WLAN-Netzwerkschlüssel (steht unten auf der FRITZ!Box): ⟦⟪dig:4⟫ ⟪dig:4⟫ ⟪dig:4⟫ ⟪dig:4⟫ ⟪dig:4⟫⟧",
    ),
    _t("en_markdown_bold_credentials", "**Username:** `svc-reports`\n**Password:** `⟪pw⟫`"),
    _t("en_usual_password_hint", "just use my usual one with this year's number: ⟪pw⟫"),
    _t(
        "en_helpdesk_email_temp_password",
        "From: IT Helpdesk <it@corp.example>\nSubject: Your new account\n\nHi Jane,\nYour temporary password is: ⟪pw⟫\n"
        "You will be asked to change it at first login.",
    ),
    _t("es_tarjeta_pin", "el PIN de la tarjeta de empresa es ⟪dig:4⟫"),
    _t("fr_digicode", "digicode de l'immeuble : ⟦⟪AB:1⟫⟪dig:4⟫⟧, 3e étage gauche"),
    _t("ja_wifi_key", "Wi-Fiの暗号化キー：⟪low:13⟫"),
    _t("zh_sms_verification", "【云服务】验证码⟪dig:6⟫，5分钟内有效，请勿泄露。"),
    _t("en_password_with_spaces", "password (yes, with the spaces): ⟪pps:3⟫"),
    _t("en_reply_is_only_password", "assistant: I need the sudo password to install the driver.\nuser: ⟪pw⟫"),
    _t(
        "en_reply_password_then_thanks", "user: ok try ⟪pw⟫\nassistant: Thanks, that worked — the package is installed."
    ),
    _t("pt_pt_pin_multibanco", "o código do cartão é ⟪dig:4⟫, levanta 50€"),
    _t("en_garage_keypad", "garage keypad is ⟪dig:5⟫ then the * key"),
    _t("de_tresor_code", "Tresorcode: ⟪dig:6⟫ (Büro 2.14)"),
    _t("en_password_in_quotes_sentence", 'I reset it to "⟪pw⟫" so you can log in and change it'),
    _t("en_slack_style_message", "[10:42] jane: @bob prod grafana is admin / ⟪pw⟫ until SSO works"),
    _t("ru_wifi_password_colon", "Wi-Fi: сеть Dacha_5G, пароль ⟪dig:8⟫"),
    _t("en_seed_phrase_in_chat", "here is the test wallet seed, don't use it for real money: ⟪mn:12⟫"),
)


# ---------------------------------------------------------------------------------------------
# 9. Escaped, encoded, split, quoted, tabulated, diffed and logged
# ---------------------------------------------------------------------------------------------


def _basic_auth_header(g: _G) -> tuple:
    auth = base64.b64encode(f"api-reader:{g.pw()}".encode()).decode()
    line = f"> GET /api/v1/metrics HTTP/1.1\n> Host: metrics.internal\n> Authorization: Basic {auth}\n> Accept: */*"
    return line, [auth]


def _basic_auth_decoded(g: _G) -> tuple:
    password = g.pw()
    auth = base64.b64encode(f"admin:{password}".encode()).decode()
    line = f"$ echo '{auth}' | base64 -d\nadmin:{password}"
    return line, [auth, password]


def _json_in_json(g: _G) -> tuple:
    password, token = g.pw(), g.b62(40)
    inner = json.dumps({"db": {"user": "svc", "password": password}, "token": token})
    outer = json.dumps({"level": "debug", "msg": "loaded config", "config": inner})
    return outer, [password, token]


def _double_escaped(g: _G) -> tuple:
    password = g.pw() + '"' + g.pick(_B62, 6)
    once = json.dumps({"password": password})
    twice = json.dumps({"tool_result": once})
    head, tail = password.split('"')
    return twice, [head, tail]


def _unicode_escaped(g: _G) -> tuple:
    left, right = g.pw(), g.b62(8)
    escaped = left + "\\u0040" + right
    return '{"smtp": {"user": "alerts", "pass": "' + escaped + '"}}', [escaped]


def _python_concat(g: _G) -> tuple:
    a, b, c = g.b62(16), g.b62(16), g.b62(16)
    line = f'API_TOKEN = (\n    "{a}"\n    "{b}"\n    "{c}"\n)'
    return line, [a, b, c]


def _js_join(g: _G) -> tuple:
    parts = [g.b62(12) for _ in range(4)]
    line = "// split so the scanner doesn't catch it\nconst k = [" + ", ".join(f"'{p}'" for p in parts) + "].join('');"
    return line, parts


def _hex_encoded(g: _G) -> tuple:
    password = g.pw()
    hexed = password.encode().hex()
    return f'PASSWORD = bytes.fromhex("{hexed}").decode()', [hexed]


def _base64_env_file(g: _G) -> tuple:
    env = f"DB_PASSWORD={g.pw()}\nSTRIPE_SECRET={_LIT['SKLIVE']}{g.b62(99)}\nJWT_SECRET={g.hex(64)}\n"
    blob = base64.encodebytes(env.encode()).decode().strip("\n")
    lines = blob.split("\n")
    return "$ base64 .env.production\n" + blob, lines


def _shell_quote_apostrophe(g: _G) -> tuple:
    left, right = g.pick(string.ascii_letters, 6), g.pw()
    line = f"$ mysql -u app -p'{left}'\\''{right}' shop"
    return line, [left + "'\\''" + right, right]


def _xml_escaped(g: _G) -> tuple:
    left, mid, right = g.pw(), g.b62(5), g.pick(string.digits, 4)
    escaped = f"{left}&amp;{mid}&lt;{right}"
    line = f"<datasource>\n  <user>erp</user>\n  <password>{escaped}</password>\n</datasource>"
    return line, [escaped, left]


def _powershell_encoded(g: _G) -> tuple:
    password = g.pw()
    command = f"net user svc_backup {password} /add; net localgroup administrators svc_backup /add"
    blob = base64.b64encode(command.encode("utf-16-le")).decode()
    return f"powershell.exe -NoProfile -EncodedCommand {blob}", [blob]


def _ansi_colored(g: _G) -> tuple:
    token = g.b62(40)
    line = f"\x1b[1;32m✔\x1b[0m Created token \x1b[36mci-deploy\x1b[0m: \x1b[1m{token}\x1b[0m (copy it now, it won't be shown again)"
    return line, [token]


def _jsonl_tool_result(g: _G) -> tuple:
    secret = g.hex(48)
    record = {"type": "tool_result", "content": f"API_SECRET={secret}\nAPI_REGION=eu\n", "is_error": False}
    return json.dumps(record), [secret]


def _url_query_encoded_secret(g: _G) -> tuple:
    secret = g.b64b(24)
    return f"POST /oauth/token?grant_type=client_credentials&client_id=portal&client_secret={_u(secret)}", [_u(secret)]


def _git_show_leak(g: _G) -> tuple:
    token = g.b64b(32)
    line = (
        f"$ git show --stat -p {g.hex(7)}\ncommit {g.hex(40)}\nAuthor: Jane Roe <jane@acme.example>\n\n"
        "    wire up analytics\n\ndiff --git a/src/config.js b/src/config.js\n--- a/src/config.js\n+++ b/src/config.js\n"
        f"@@ -3,3 +3,4 @@ export default {{\n   env: 'prod',\n+  analyticsWriteKey: '{token}',\n   debug: false,\n }}"
    )
    return line, [token]


_ENCODED_HIDDEN = (
    _x("basic_auth_request_header", _basic_auth_header),
    _x("basic_auth_decoded_by_agent", _basic_auth_decoded),
    _x("json_string_inside_json", _json_in_json),
    _x("double_escaped_quote_in_password", _double_escaped),
    _x("unicode_escape_inside_password", _unicode_escaped),
    _x("python_implicit_concatenation", _python_concat),
    _x("js_array_join_split_key", _js_join),
    _x("hex_encoded_password", _hex_encoded),
    _x("base64_of_env_file_wrapped", _base64_env_file),
    _x("shell_quoted_apostrophe_password", _shell_quote_apostrophe),
    _t(
        "heredoc_env_file",
        "$ cat > .env <<'EOF'\nSTRIPE_SECRET=⟪=SKLIVE⟫⟪b62:99⟫\nMAILGUN_KEY=⟪hex:32⟫-⟪hex:8⟫-⟪hex:8⟫\nEOF",
    ),
    _t("yaml_folded_scalar_token", "integration:\n  token: >-\n    ⟪b62:40⟫\n    ⟪b62:40⟫\n  region: eu"),
    _t(
        "curl_line_continuation",
        "curl -X POST https://api.partner.example/v1/jobs \\\n  -H 'Content-Type: application/json' \\\n"
        '  -H "Authorization: Bearer ⟪b62:48⟫" \\\n  -d @job.json',
    ),
    _t(
        "markdown_table_credentials",
        "| service | user  | password |\n|---------|-------|----------|\n| grafana | admin | ⟪pw⟫ |\n| jenkins | ci    | ⟪pw⟫ |",
    ),
    _t(
        "password_manager_csv_export",
        "name,url,username,password,totp\nGitHub,https://github.com,jdoe,⟪pw⟫,⟪b32:32⟫\n"
        "AWS root,https://signin.aws.amazon.com,jdoe@acme.example,⟪pw⟫,",
    ),
    _t(
        "unified_diff_rotated_secret",
        "--- a/.env.staging\n+++ b/.env.staging\n@@ -1,3 +1,3 @@\n APP_ENV=staging\n-WEBHOOK_SECRET=⟪b62:32⟫\n+WEBHOOK_SECRET=⟪b62:32⟫\n LOG_LEVEL=info",
    ),
    _x("git_show_commit_adds_key", _git_show_leak),
    _t(
        "log_line_key_value_password",
        "2026-11-27T10:01:22.514Z INFO  auth.login ok user=svc_batch password=⟪pw⟫ ip=10.0.3.7 took=12ms",
    ),
    _t(
        "python_repr_settings_dump",
        "DEBUG settings loaded: {'DEBUG': False, 'SECRET_KEY': '⟪dj:50⟫', 'DATABASES': {'default': {'ENGINE': "
        "'django.db.backends.postgresql', 'NAME': 'shop', 'USER': 'shop', 'PASSWORD': '⟪pw⟫', 'HOST': 'db'}}}",
    ),
    _t(
        "traceback_with_connection_url",
        'Traceback (most recent call last):\n  File "/srv/app/db.py", line 12, in connect\n    engine.connect()\n'
        'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "10.0.4.11", port 5432 failed: '
        'FATAL:  password authentication failed for user "orders"\n(Background on this error at: https://sqlalche.me/e/20/e3q8)\n'
        "engine url: postgresql://orders:⟪pwu⟫@10.0.4.11:5432/orders",
    ),
    _t(
        "curl_verbose_request_dump",
        "> GET /v1/me HTTP/2\n> Host: api.example.com\n> user-agent: curl/8.5.0\n> authorization: Bearer ⟪b64u:86⟫\n>\n< HTTP/2 200",
    ),
    _t(
        "docker_inspect_env_array",
        "$ docker inspect --format '{{json .Config.Env}}' rabbit\n[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\","
        '"RABBITMQ_DEFAULT_USER=shop","RABBITMQ_DEFAULT_PASS=⟪pw⟫","RABBITMQ_ERLANG_COOKIE=⟪up:20⟫"]',
    ),
    _t(
        "sql_insert_api_secret",
        "INSERT INTO api_clients (name, client_id, client_secret) VALUES ('billing', '⟪~uuid⟫', '⟪hex:40⟫');",
    ),
    _t(
        "url_fragment_implicit_grant",
        "Navigated to https://app.acme.example/callback#access_token=⟪b64u:40⟫&token_type=bearer&expires_in=3600&state=xyz",
    ),
    _x("powershell_encoded_command", _powershell_encoded),
    _x("xml_entity_escaped_password", _xml_escaped),
    _t(
        "psql_table_output",
        "shop=# select id, username, api_token from service_accounts;\n id | username | api_token\n----+----------+------------------------------------------\n"
        "  1 | reporter | ⟪b62:40⟫\n  2 | exporter | ⟪b62:40⟫\n(2 rows)",
    ),
    _x("ansi_colored_cli_output", _ansi_colored),
    _x("jsonl_tool_result_escaped_newline", _jsonl_tool_result),
    _t("python_literal_escaped_newline", 'payload = "USER=bob\\nPASSWORD=⟪pw⟫\\nHOST=db"'),
    _x("client_secret_url_encoded_query", _url_query_encoded_secret),
    _t("split_across_env_vars", "export SIGNING_KEY_PART1=⟪b62:24⟫\nexport SIGNING_KEY_PART2=⟪b62:24⟫"),
    _t(
        "netscape_cookie_jar",
        "# Netscape HTTP Cookie File\n#HttpOnly_.shop.example.com\tTRUE\t/\tTRUE\t1798000000\tsession\t⟪b64u:64⟫\n"
        ".shop.example.com\tTRUE\t/\tFALSE\t1798000000\tlang\ten",
    ),
    _t(
        "mysql_vertical_output",
        "mysql> select user, authentication_string, plugin from mysql.user where user='legacy'\\G\n"
        "*************************** 1. row ***************************\n                 user: legacy\n"
        "             password: ⟪pw⟫\n               plugin: mysql_native_password",
    ),
    _t(
        "yaml_anchor_shared_password",
        "x-db: &db\n  user: app\n  password: ⟪pw⟫\nservices:\n  api:\n    environment: *db",
    ),
    _t("dollar_escaped_in_double_quotes", 'export DB_PASS="⟦⟪pw⟫\\$\\$⟪b62:6⟫⟧"'),
    _t(
        "secret_inside_markdown_code_fence",
        "Here's my config:\n```ini\n[api]\nkey = ⟪b62:40⟫\nsecret = ⟪b64:44⟫\n```\nwhy does it 401?",
    ),
    _t("csv_row_with_quoted_secret", 'id,name,webhook_secret\n17,"Billing, EU","⟪b64u:40⟫"'),
    _t("tsv_export_with_token", "account\tregion\ttoken\nacme\teu-west-1\t⟪b62:48⟫"),
)


# ---------------------------------------------------------------------------------------------
# 10. Key material: PEM, OpenSSH, PGP, PuTTY, JWK, age, minisign, wallets, TOTP seeds
# ---------------------------------------------------------------------------------------------


def _openssh_key(g: _G) -> tuple:
    body = _b64_lines(_openssh_body(g), 70)
    line = "$ cat ~/.ssh/id_ed25519\n" + _pem("OPENSSH " + _LIT["PRIV"] + " KEY", body)
    return line, body


def _rsa_key_file(g: _G) -> tuple:
    body = _b64_lines(_rsa_der(g, 700))
    line = "$ head -c 2000 deploy/keys/jenkins.pem\n" + _pem("RSA " + _LIT["PRIV"] + " KEY", body)
    return line, body


def _ec_key(g: _G) -> tuple:
    body = _b64_lines(_ec_der(g))
    line = "$ openssl ecparam -name prime256v1 -genkey -noout\n" + _pem("EC " + _LIT["PRIV"] + " KEY", body)
    return line, body


def _pkcs8_in_python(g: _G) -> tuple:
    body = _b64_lines(_rsa_der(g, 500))
    pem = _pem(_LIT["PRIV"] + " KEY", body)
    line = 'SIGNING_KEY = """' + pem + '"""\n\njwt.encode(claims, SIGNING_KEY, algorithm="RS256")'
    return line, body


def _escaped_pem_env(g: _G) -> tuple:
    body = _b64_lines(_rsa_der(g, 450))
    pem = _pem(_LIT["PRIV"] + " KEY", body).replace("\n", "\\n")
    return f'FIREBASE_PRIVATE_KEY="{pem}\\n"', body


def _encrypted_key_with_pass(g: _G) -> tuple:
    password = g.pw()
    body = _b64_lines(bytes.fromhex("308205") + g.bytes(560))
    line = f"$ openssl pkcs8 -topk8 -in key.pem -passout pass:{password} -out key.enc.pem && cat key.enc.pem\n" + _pem(
        "ENCRYPTED " + _LIT["PRIV"] + " KEY", body
    )
    return line, [password, *body]


def _pgp_private_block(g: _G) -> tuple:
    body = _b64_lines(bytes.fromhex("9501d8") + g.bytes(450))
    checksum = "=" + g.b64b(3)
    label = "PGP " + _LIT["PRIV"] + " KEY BLOCK"
    text = "\n".join([f"{_LIT['BEGIN']}{label}-----", "", *body, checksum, f"{_LIT['END']}{label}-----"])
    return "$ gpg --armor --export-secret-keys jdoe@acme.example\n" + text, body


def _putty_key(g: _G) -> tuple:
    public = _b64_lines(g.bytes(51), 64)
    private = _b64_lines(g.bytes(48), 64)
    mac = g.hex(64)
    line = "\n".join(
        [
            f"{_LIT['PUTTY']}: ssh-ed25519",
            "Encryption: none",
            "Comment: jdoe@laptop",
            f"Public-Lines: {len(public)}",
            *public,
            f"Private-Lines: {len(private)}",
            *private,
            f"Private-MAC: {mac}",
        ]
    )
    return line, private


def _jwk_ec(g: _G) -> tuple:
    d = g.pick(_ALPHABETS["b64u"], 43)
    jwk = {
        "kty": "EC",
        "crv": "P-256",
        "kid": "sig-2026-11",
        "x": g.pick(_ALPHABETS["b64u"], 43),
        "y": g.pick(_ALPHABETS["b64u"], 43),
        "d": d,
    }
    return "$ cat jwks/private.json\n" + json.dumps(jwk, indent=2), [d]


def _jwk_rsa(g: _G) -> tuple:
    parts = {
        name: g.pick(_ALPHABETS["b64u"], size)
        for name, size in (("d", 342), ("p", 171), ("q", 171), ("dp", 171), ("dq", 171), ("qi", 171))
    }
    jwk = {"kty": "RSA", "n": g.pick(_ALPHABETS["b64u"], 342), "e": "AQAB", **parts, "alg": "RS256", "use": "sig"}
    return json.dumps({"keys": [jwk]}), list(parts.values())


def _age_key(g: _G) -> tuple:
    secret = _LIT["AGE"] + g.pick(_BECH.upper(), 58)
    line = f"$ age-keygen -o key.txt && cat key.txt\n# created: 2026-11-27T10:11:12Z\n# public key: age1{g.pick(_BECH, 58)}\n{secret}"
    return line, [secret[len(_LIT["AGE"]) :]]


def _minisign_key(g: _G) -> tuple:
    blob = "RWRTY0Iy" + g.b64b(150)
    return f"$ cat ~/.minisign/minisign.key\nuntrusted comment: minisign encrypted secret key\n{blob}", [blob[8:]]


def _solana_keypair(g: _G) -> tuple:
    numbers = ",".join(str(b) for b in g.bytes(64))
    return f"$ cat ~/.config/solana/id.json\n[{numbers}]", [numbers]


def _mnemonic_table(g: _G) -> tuple:
    words = mnemonic(f"fresh5|{g.kind}", 24).split()
    rows = ["  ".join(f"{i + 1:>2}. {words[i]:<10}" for i in range(r, r + 4)).rstrip() for r in range(0, 24, 4)]
    return "Recovery phrase — write these down in order:\n" + "\n".join(rows), rows


def _ssh_key_base64_env(g: _G) -> tuple:
    pem = _pem("OPENSSH " + _LIT["PRIV"] + " KEY", _b64_lines(_openssh_body(g), 70)) + "\n"
    blob = base64.b64encode(pem.encode()).decode()
    return f"DEPLOY_SSH_KEY_B64={blob}", [blob]


def _deploy_key_json(g: _G) -> tuple:
    body = _b64_lines(_openssh_body(g), 70)
    pem = _pem("OPENSSH " + _LIT["PRIV"] + " KEY", body) + "\n"
    doc = {"title": "ci-deploy", "key": pem, "read_only": True}
    return "terraform state show github_repository_deploy_key.ci\n" + json.dumps(doc), body


def _app_store_p8(g: _G) -> tuple:
    body = _b64_lines(_pkcs8_ec_der(g))
    line = "$ cat ~/private_keys/AuthKey_" + g.pick(_ALPHABETS["up"], 10) + ".p8\n" + _pem(_LIT["PRIV"] + " KEY", body)
    return line, body


_KEY_MATERIAL = (
    _x("openssh_ed25519_private_key", _openssh_key),
    _x("rsa_private_key_pem", _rsa_key_file),
    _x("ec_private_key_pem", _ec_key),
    _x("pkcs8_key_in_python_triple_quotes", _pkcs8_in_python),
    _x("pem_with_escaped_newlines_in_env", _escaped_pem_env),
    _x("encrypted_pkcs8_with_passout", _encrypted_key_with_pass),
    _x("pgp_private_key_block", _pgp_private_block),
    _x("putty_ppk_v3", _putty_key),
    _x("jwk_ec_private_d", _jwk_ec),
    _x("jwk_rsa_private_parts", _jwk_rsa),
    _x("age_secret_key", _age_key),
    _x("minisign_secret_key", _minisign_key),
    _t("nostr_nsec", "my nostr key for the bot account: ⟪=NSEC⟫⟪bech:58⟫ (npub is in the README)"),
    _t("ethereum_private_key_env", "PRIVATE_KEY=0x⟪hex:64⟫\nRPC_URL=https://eth-sepolia.g.alchemy.com/v2/⟪b64u:32⟫"),
    _t(
        "foundry_cast_wallet_new",
        "$ cast wallet new\nSuccessfully created new keypair.\nAddress:     0x⟪~hex:40⟫\nPrivate key: 0x⟪hex:64⟫",
    ),
    _x("solana_keypair_json_array", _solana_keypair),
    _t("bip39_mnemonic_12_inline", 'MNEMONIC="⟪mn:12⟫" npx hardhat run scripts/deploy.ts --network sepolia'),
    _x("bip39_mnemonic_24_numbered_table", _mnemonic_table),
    _t("bitcoin_wif_dumpprivkey", "$ bitcoin-cli -rpcwallet=hot dumpprivkey bc1q⟪~bech:38⟫\n⟪wif⟫"),
    _t("bitcoin_wif_uncompressed_testnet", "Electrum > Import private keys:\np2pkh:⟪wift⟫\np2pkh:⟪wifu⟫"),
    _t("bip32_xprv", "$ cat wallet-backup.txt\nmaster: ⟪=XPRV⟫⟪b58:95⟫\npath: m/84'/0'/0'"),
    _t("monero_wallet_keys", "wallet: ⟪~b58:95⟫\nSecret spend key: ⟪hex:64⟫\nSecret view key: ⟪hex:64⟫"),
    _t(
        "totp_otpauth_uri", "otpauth://totp/GitHub:jdoe?secret=⟪b32:32⟫&issuer=GitHub&algorithm=SHA1&digits=6&period=30"
    ),
    _t(
        "totp_seed_grouped_lowercase",
        "Can't scan the QR code? Enter this setup key instead:\n⟦⟪b32l:4⟫ ⟪b32l:4⟫ ⟪b32l:4⟫ ⟪b32l:4⟫ ⟪b32l:4⟫ ⟪b32l:4⟫ ⟪b32l:4⟫ ⟪b32l:4⟫⟧",
    ),
    _t("python_pyotp_seed", 'totp = pyotp.TOTP("⟪b32:16⟫")\nprint(totp.now())'),
    _x("ssh_private_key_base64_env", _ssh_key_base64_env),
    _x("deploy_key_json_escaped", _deploy_key_json),
    _t(
        "tls_keylog_file",
        "$ tail -2 $SSLKEYLOGFILE\nCLIENT_HANDSHAKE_TRAFFIC_SECRET ⟪~hex:64⟫ ⟪hex:64⟫\nCLIENT_RANDOM ⟪~hex:64⟫ ⟪hex:96⟫",
    ),
    _t(
        "fernet_key_generated",
        "$ python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key())'\nb'⟪b64ub:32⟫'",
    ),
    _t(
        "kerberos_keytab_klist",
        "$ klist -k -K -e /etc/krb5.keytab\nKeytab name: FILE:/etc/krb5.keytab\nKVNO Principal\n---- ----------------\n"
        "   3 host/web01.corp.example@CORP.EXAMPLE (aes256-cts-hmac-sha1-96)  (0x⟪hex:64⟫)",
    ),
    _t(
        "keytool_storepass_keypass",
        "$ keytool -genkeypair -v -keystore release.jks -alias upload -keyalg RSA -keysize 2048 -validity 10000 -storepass ⟪pw⟫ -keypass ⟪pw⟫",
    ),
    _t(
        "openssl_pkcs12_passout",
        "$ openssl pkcs12 -export -in cert.pem -inkey key.pem -out client.p12 -passout pass:⟪pw⟫",
    ),
    _t(
        "gpg_batch_passphrase",
        "$ gpg --batch --yes --pinentry-mode loopback --passphrase '⟪pp:5⟫' -d secrets.tar.gz.gpg | tar xz",
    ),
    _t("lnd_macaroon_hex", "$ lncli bakemacaroon offchain:read invoices:write\n⟪=MACAROON⟫⟪hex:220⟫"),
    _t(
        "openvpn_static_key",
        "-----BEGIN OpenVPN Static key V1-----\n⟪hex:32⟫\n⟪hex:32⟫\n⟪hex:32⟫\n⟪hex:32⟫\n⟪hex:32⟫\n⟪hex:32⟫\n⟪hex:32⟫\n⟪hex:32⟫\n"
        "-----END OpenVPN Static key V1-----",
    ),
    _t(
        "cosign_password_env", "$ COSIGN_PASSWORD='⟪pw⟫' cosign sign --key cosign.key ghcr.io/acme/api@sha256:⟪~hex:64⟫"
    ),
    _x("app_store_connect_p8_key", _app_store_p8),
    _t("ed25519_seed_hex_yaml", "signer:\n  algorithm: ed25519\n  seed: ⟪hex:64⟫\n  public: ⟪~hex:64⟫"),
)


# ---------------------------------------------------------------------------------------------
# 11. Network gear, VPNs, Wi-Fi and IoT
# ---------------------------------------------------------------------------------------------


def _wpa_passphrase(g: _G) -> tuple:
    passphrase = g.pw()
    psk = hashlib.pbkdf2_hmac("sha1", passphrase.encode(), b"Lab-IoT", 4096, 32).hex()
    line = f'$ wpa_passphrase Lab-IoT \'{passphrase}\'\nnetwork={{\n\tssid="Lab-IoT"\n\t#psk="{passphrase}"\n\tpsk={psk}\n}}'
    return line, [passphrase, psk]


def _cisco_type7(g: _G) -> tuple:
    salt = g.num(0, 15)
    type7 = f"{salt:02d}" + g.pick(_HEX.upper(), 20)
    community = g.pick(_ALPHABETS["low"], 12)
    line = (
        "router#show running-config | include username|snmp\n"
        f"username admin privilege 15 password 7 {type7}\n"
        f"snmp-server community {community} RO 10"
    )
    return line, [type7, community]


_NETWORK_IOT = (
    _t("wpa_supplicant_psk", 'network={\n    ssid="Home-5G"\n    psk="⟪pw⟫"\n    key_mgmt=WPA-PSK\n}'),
    _x("wpa_passphrase_output", _wpa_passphrase),
    _t("hostapd_conf", "interface=wlan0\nssid=Workshop\nwpa=2\nwpa_passphrase=⟪pw⟫\nwpa_key_mgmt=WPA-PSK"),
    _t("nmcli_show_password", "$ nmcli device wifi show-password\nSSID: Cafe-Corner\nSecurity: WPA\nPassword: ⟪pw⟫"),
    _t(
        "netsh_wlan_key_clear",
        'PS> netsh wlan show profile name="Office" key=clear\n...\nSecurity settings\n-----------------\n'
        "    Authentication         : WPA2-Personal\n    Cipher                 : CCMP\n    Security key           : Present\n"
        "    Key Content            : ⟪pw⟫",
    ),
    _t("macos_security_find_generic_password", '$ security find-generic-password -wa "Home-5G"\n⟪pw⟫'),
    _x("cisco_type7_and_community", _cisco_type7),
    _t("cisco_cleartext_password_0", "username netops privilege 15 password 0 ⟪pw⟫\nline vty 0 4\n login local"),
    _t(
        "juniper_set_commands",
        'set snmp community ⟪low:10⟫ authorization read-only\nset protocols bgp group ext-peers authentication-key "$9$⟪b62:24⟫"',
    ),
    _t(
        "mikrotik_export",
        "/user add group=full name=backup password=⟪pw⟫\n"
        '/interface wireless security-profiles set [ find default=yes ] mode=dynamic-keys wpa2-pre-shared-key="⟪pw⟫"',
    ),
    _t(
        "freeradius_clients_conf",
        "client ap-floor2 {\n    ipaddr = 10.20.0.0/24\n    secret = ⟪b62:20⟫\n    shortname = ap2\n}",
    ),
    _t("tacacs_server_key", "tacacs server ISE01\n address ipv4 10.1.1.5\n key ⟪pw⟫"),
    _t("ipsec_secrets_psk", '# /etc/ipsec.secrets\n198.51.100.7 203.0.113.9 : PSK "⟪b64:32⟫"'),
    _t(
        "swanctl_secrets_block",
        "secrets {\n    ike-branch {\n        id = branch.acme.example\n        secret = ⟪pw⟫\n    }\n}",
    ),
    _t("openvpn_auth_user_pass", "$ sudo cat /etc/openvpn/client/auth.txt\njdoe\n⟪pw⟫"),
    _t(
        "wireguard_conf_private_and_psk",
        "[Interface]\nPrivateKey = ⟪wg⟫\nAddress = 10.8.0.2/32\nDNS = 10.8.0.1\n\n[Peer]\nPublicKey = ⟪~wg⟫\n"
        "PresharedKey = ⟪wg⟫\nEndpoint = vpn.acme.example:51820\nAllowedIPs = 0.0.0.0/0",
    ),
    _t(
        "wg_genkey_output",
        "$ wg genkey | tee privatekey | wg pubkey > publickey\n$ cat privatekey publickey\n⟪wg⟫\n⟪~wg⟫",
    ),
    _t("mosquitto_passwd_batch", "$ sudo mosquitto_passwd -b /etc/mosquitto/passwd sensor01 ⟪pw⟫"),
    _t("mqtt_url_with_credentials", "mqtt:\n  server: mqtts://sensor01:⟪pwu⟫@broker.home.arpa:8883"),
    _t(
        "esphome_secrets_yaml",
        'wifi_ssid: "Home-IoT"\nwifi_password: "⟪pw⟫"\napi_encryption_key: "⟪b64b:32⟫"\nota_password: "⟪hex:32⟫"',
    ),
    _t("home_assistant_secrets_yaml", "# secrets.yaml\nhttp_password: ⟪pw⟫\nha_long_lived_token: ⟪jwt⟫"),
    _t("zigbee2mqtt_network_key", "advanced:\n  pan_id: 6754\n  network_key: [⟪bytes:16⟫]"),
    _t(
        "lorawan_app_key",
        "$ ttn-lw-cli end-devices create soil-app dev-07 --dev-eui 70B3D57ED005⟪~HEX:4⟫ --join-eui 0000000000000000 "
        "--root-keys.app-key.key ⟪HEX:32⟫ --frequency-plan-id EU_863_870_TTN",
    ),
    _t(
        "tinytuya_devices_json",
        '[{"name": "Desk lamp", "id": "bf⟪~low:20⟫", "key": "⟪b62:16⟫", "ip": "192.168.1.77", "version": "3.4"}]',
    ),
    _t(
        "particle_token_create", "$ particle token create --never-expires\nNew access token never expires\n    ⟪hex:40⟫"
    ),
    _t(
        "arduino_sketch_wifi",
        '#include <WiFi.h>\nconst char* ssid = "Lab";\nconst char* password = "⟪pw⟫";\nconst char* apiKey = "⟪b62:32⟫";',
    ),
    _t(
        "rtsp_camera_url",
        'ffmpeg -rtsp_transport tcp -i "rtsp://admin:⟪pwu⟫@192.168.1.64:554/Streaming/Channels/101" -t 10 clip.mp4',
    ),
    _t(
        "ipmitool_password_flag",
        "$ ipmitool -I lanplus -H 10.0.0.50 -U ADMIN -P ⟪AB:10⟫ chassis power status\nChassis Power is on",
    ),
    _t(
        "unifi_device_authentication",
        "Settings > System > Advanced > Device Authentication\nUsername: ui-ssh\nPassword: ⟪b62:16⟫",
    ),
    _t("snmpwalk_v2c_community", "$ snmpwalk -v2c -c ⟪low:12⟫ 10.0.0.1 1.3.6.1.2.1.1"),
    _t("snmpv3_auth_priv", "$ snmpget -v3 -l authPriv -u monitor -a SHA -A '⟪pw⟫' -x AES -X '⟪pw⟫' 10.0.0.1 sysName.0"),
    _t(
        "frr_bgp_neighbor_password",
        "router bgp 65010\n neighbor 192.0.2.1 remote-as 65020\n neighbor 192.0.2.1 password ⟪pw⟫",
    ),
    _t("opnsense_api_key_secret", '$ curl -k -u "⟪b64:80⟫:⟪b64:80⟫" https://fw.lan/api/core/firmware/status'),
    _t(
        "wpa_enterprise_peap",
        'network={\n    ssid="eduroam"\n    key_mgmt=WPA-EAP\n    eap=PEAP\n    identity="jdoe@uni.example"\n    password="⟪pw⟫"\n}',
    ),
    _t(
        "keepalived_auth_pass",
        "vrrp_instance VI_1 {\n    authentication {\n        auth_type PASS\n        auth_pass ⟪b62:8⟫\n    }\n}",
    ),
    _t(
        "hsrp_md5_key_string",
        "interface Vlan10\n standby 1 ip 10.10.0.1\n standby 1 authentication md5 key-string ⟪pw⟫",
    ),
    _t("router_admin_chat", "reset the ISP router to factory and set admin / ⟪pw⟫, the old one was on the sticker"),
    _t("ubiquiti_wifi_qr_string", "WIFI:T:WPA;S:Guest-Lobby;P:⟪pw⟫;H:false;;"),
)


# ---------------------------------------------------------------------------------------------
# 12. Mobile apps, games, notebooks and data tools
# ---------------------------------------------------------------------------------------------


def _notebook_cell(g: _G) -> tuple:
    key = g.hex(40)
    cell = {
        "cell_type": "code",
        "execution_count": 3,
        "metadata": {},
        "outputs": [],
        "source": ["import os\n", f"os.environ['WANDB_API_KEY'] = '{key}'\n", "wandb.init(project='churn')"],
    }
    return json.dumps(cell, indent=1), [key]


def _notebook_output(g: _G) -> tuple:
    token = g.pick(string.ascii_letters, 34)
    output = {
        "name": "stdout",
        "output_type": "stream",
        "text": ["HOME=/root\n", f"HF_TOKEN={_LIT['HF']}{token}\n", "PYTHONPATH=/env/python\n"],
    }
    return json.dumps({"outputs": [output]}, indent=1), [token]


_APPS_GAMES_NOTEBOOKS = (
    _x("jupyter_cell_source_json", _notebook_cell),
    _x("jupyter_output_printed_env", _notebook_output),
    _t("kaggle_json", '$ cat ~/.kaggle/kaggle.json\n{"username":"jdoe","key":"⟪hex:32⟫"}'),
    _t("colab_env_magic", "%env PINECONE_API_KEY=⟦⟪=PCSK⟫⟪b62:5⟫_⟪b62:63⟫⟧\n%env PINECONE_INDEX=docs"),
    _t(
        "databrickscfg_profiles",
        "[DEFAULT]\nhost = https://adb-⟪~dig:16⟫.7.azuredatabricks.net\ntoken = ⟪=DAPI⟫⟪hex:32⟫\n\n[staging]\nhost = https://dbc-⟪~hex:8⟫-⟪~hex:4⟫.cloud.databricks.com\ntoken = ⟪=DAPI⟫⟪hex:32⟫",
    ),
    _t(
        "mlflow_tracking_env",
        "MLFLOW_TRACKING_URI=https://mlflow.acme.example\nMLFLOW_TRACKING_USERNAME=trainer\nMLFLOW_TRACKING_PASSWORD=⟪pw⟫",
    ),
    _t(
        "spark_defaults_s3a",
        "spark.hadoop.fs.s3a.access.key     ⟪=AKIA⟫⟪up:16⟫\nspark.hadoop.fs.s3a.secret.key     ⟪b64:40⟫",
    ),
    _t("renviron_twitter_bearer", "# ~/.Renviron\nTWITTER_BEARER=⟪=TWITTER⟫⟦⟪b62:30⟫%2F⟪b62:6⟫%3D⟪b62:50⟫⟧"),
    _t(
        "dvc_remote_modify_local",
        "$ dvc remote modify --local storage access_key_id ⟪=AKIA⟫⟪up:16⟫\n$ dvc remote modify --local storage secret_access_key ⟪b64:40⟫",
    ),
    _t(
        "streamlit_secrets_toml",
        '[connections.snowflake]\naccount = "xy12345"\nuser = "STREAMLIT"\npassword = "⟪pw⟫"\nwarehouse = "COMPUTE_WH"',
    ),
    _t(
        "airflow_connection_and_fernet",
        "$ airflow connections add pg_prod --conn-uri 'postgresql://etl:⟪pwu⟫@pg-prod:5432/dwh'\n"
        "AIRFLOW__CORE__FERNET_KEY=⟪b64ub:32⟫",
    ),
    _t(
        "dbt_profiles_yml",
        'analytics:\n  target: prod\n  outputs:\n    prod:\n      type: postgres\n      user: dbt\n      password: "⟪pw⟫"\n      dbname: analytics',
    ),
    _t(
        "superset_config_secret",
        "SECRET_KEY = '⟪b64b:42⟫'\nSQLALCHEMY_DATABASE_URI = 'postgresql://superset:⟪pwu⟫@db/superset'",
    ),
    _t(
        "android_signing_config_gradle",
        "signingConfigs {\n    release {\n        storeFile file('release.jks')\n        storePassword '⟪pw⟫'\n"
        "        keyAlias 'upload'\n        keyPassword '⟪pw⟫'\n    }\n}",
    ),
    _t(
        "apple_app_specific_password",
        "$ xcrun altool --upload-app -f build/Acme.ipa -t ios -u dev@acme.example -p ⟦⟪ab:4⟫-⟪ab:4⟫-⟪ab:4⟫-⟪ab:4⟫⟧",
    ),
    _t(
        "fastlane_match_password",
        "$ MATCH_PASSWORD='⟪pw⟫' FASTLANE_PASSWORD='⟪pw⟫' bundle exec fastlane match appstore --readonly",
    ),
    _t("firebase_fcm_legacy_server_key", "Authorization: key=⟦⟪=FCM⟫⟪b64u:7⟫:⟪=APA⟫⟪b64u:134⟫⟧"),
    _t(
        "onesignal_rest_key",
        "curl -X POST https://api.onesignal.com/notifications -H 'Authorization: Key ⟪=OSV2⟫⟪b32l:113⟫'",
    ),
    _t("revenuecat_secret_key", "REVENUECAT_SECRET_API_KEY=⟪=ELEVEN⟫⟪b62:32⟫"),
    _t("expo_token_eas_build", "$ EXPO_TOKEN=⟪b62:40⟫ eas build --platform ios --non-interactive"),
    _t(
        "unity_batchmode_serial",
        "$ unity-editor -batchmode -quit -serial ⟦E3-⟪up:4⟫-⟪up:4⟫-⟪up:4⟫-⟪up:4⟫-⟪up:4⟫⟧ -username 'ci@acme.example' -password '⟪pw⟫'",
    ),
    _t(
        "steam_web_api_key_url",
        "GET https://api.steampowered.com/ISteamUser/GetPlayerSummaries/v2/?key=⟪HEX:32⟫&steamids=7656119⟪~dig:10⟫",
    ),
    _t(
        "steamcmd_login_guard",
        "$ steamcmd +login acme_builder ⟪pw⟫ ⟪AB:5⟫ +run_app_build ../scripts/app_build_⟪~dig:7⟫.vdf +quit",
    ),
    _t("playfab_secret_header", "X-SecretKey: ⟪up:44⟫\nContent-Type: application/json"),
    _t("unreal_ini_eos_secret", "[OnlineSubsystemEOS]\nbEnabled=true\nClientId=xyza⟪~b62:28⟫\nClientSecret=⟪b64:43⟫"),
    _t("roblox_security_cookie", "Cookie: .ROBLOSECURITY=⟪=ROBLOX⟫⟪HEX:316⟫"),
    _t("minecraft_server_properties", "enable-rcon=true\nrcon.port=25575\nrcon.password=⟪pw⟫\nmotd=Acme survival"),
    _t(
        "valheim_server_password",
        './valheim_server.x86_64 -name "Vikings" -port 2456 -world "Midgard" -password "⟪pw⟫" -public 0',
    ),
    _t(
        "factorio_server_settings",
        '{\n  "name": "Acme factory",\n  "username": "jdoe",\n  "token": "⟪hex:30⟫",\n  "game_password": "⟪pw⟫"\n}',
    ),
    _t(
        "godot_export_presets",
        '[preset.0.options]\nkeystore/release="/home/ci/release.keystore"\nkeystore/release_user="upload"\nkeystore/release_password="⟪pw⟫"',
    ),
    _t(
        "discord_bot_run",
        "client.run('⟦MT⟪b64u:22⟫.⟪b64u:6⟫.⟪b64u:38⟫⟧')",
    ),
    _t("twitch_irc_oauth", "PASS oauth:⟪low:30⟫\nNICK acme_bot\nJOIN #acme"),
    _t("appcenter_login_token", "$ appcenter login --token ⟪hex:40⟫"),
    _t(
        "tableau_pat_login",
        "$ tabcmd login -s https://tableau.acme.example --token-name ci --token-value '⟦⟪b64b:16⟫:⟪b62:32⟫⟧'",
    ),
    _t("metabase_encryption_key", "MB_DB_PASS=⟪pw⟫\nMB_ENCRYPTION_SECRET_KEY=⟪b64b:32⟫"),
    _t("huggingface_login_in_notebook", 'from huggingface_hub import login\nlogin(token="⟪=HF⟫⟪alpha:34⟫")'),
    _t(
        "google_play_upload_key_password",
        "$ ./gradlew bundleRelease -Pandroid.injected.signing.store.password=⟪pw⟫ -Pandroid.injected.signing.key.password=⟪pw⟫",
    ),
)


# ---------------------------------------------------------------------------------------------
# Look-alikes: texts that resemble secrets and hold none
# ---------------------------------------------------------------------------------------------

_BENIGN_TEMPLATES = (
    "$ git log --oneline -3\n⟪hex:7⟫ Fix flaky checkout test\n⟪hex:7⟫ Bump axios to 1.7.9\n⟪hex:7⟫ Rotate API keys (see SEC-4821)",
    "commit ⟪hex:40⟫\nMerge: ⟪hex:7⟫ ⟪hex:7⟫\nAuthor: Jane Roe <jane@acme.example>\nDate:   Thu Nov 27 10:15:30 2026 +0000",
    "$ sha256sum dist/app-1.8.2.tar.gz\n⟪hex:64⟫  dist/app-1.8.2.tar.gz",
    "image: nginx@sha256:⟪hex:64⟫",
    "$ docker images\nREPOSITORY   TAG       IMAGE ID       CREATED       SIZE\nshop-api     latest    ⟪hex:12⟫   2 hours ago   187MB",
    'metadata:\n  name: api-7d9f8b6c5d-x2k4q\n  uid: ⟪uuid⟫\n  resourceVersion: "48213377"',
    "REPORT RequestId: ⟪uuid⟫\tDuration: 12.43 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB",
    "arn:aws:iam::⟪dig:12⟫:role/github-actions-deploy",
    '$ aws ec2 describe-images --owners self --query \'Images[].ImageId\'\n["ami-0⟪hex:16⟫", "ami-0⟪hex:16⟫"]',
    "vpc-0⟪hex:16⟫ subnet-0⟪hex:16⟫ sg-0⟪hex:16⟫",
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI⟪b64:43⟫ jdoe@laptop",
    "|1|⟪b64b:20⟫|⟪b64b:20⟫ ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBB⟪b64:90⟫=",
    "-----BEGIN CERTIFICATE-----\nMIID⟪b64:60⟫\n⟪b64:64⟫\n⟪b64:64⟫\n⟪b64:40⟫==\n-----END CERTIFICATE-----",
    "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBG⟪b64:58⟫\n⟪b64:64⟫\n⟪b64:64⟫\n=⟪b64:4⟫\n-----END PGP PUBLIC KEY BLOCK-----",
    "[Peer]\nPublicKey = ⟪wg⟫\nAllowedIPs = 10.8.0.0/24\nEndpoint = vpn.acme.example:51820",
    "# public key: age1⟪bech:58⟫",
    "follow the bot at npub1⟪bech:58⟫",
    "Send testnet coins to tb1q⟪bech:38⟫ (faucet limit 0.01)",
    "Contract deployed at 0x⟪hex:40⟫ on Sepolia",
    "Transaction hash: 0x⟪hex:64⟫\nBlock: 7123456\nGas used: 21000",
    "watch-only wallet: xpub661MyMwAqRbc⟪b58:95⟫",
    'curl -H "Authorization: Bearer <your-token>" https://api.example.com/v1/me',
    "export OPENAI_API_KEY=YOUR_API_KEY_HERE",
    "API_KEY=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "The default password is `changeme`; you will be asked to change it at first login.",
    "      - run: npm publish\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}",
    'psql "postgresql://app:$DB_PASSWORD@db:5432/app"',
    ": ${DB_PASSWORD:?DB_PASSWORD must be set}",
    'stripe.api_key = os.environ["STRIPE_SECRET_KEY"]',
    "const token = process.env.GITHUB_TOKEN ?? '';",
    'password = getpass.getpass("Password: ")',
    "Passwords must be at least 12 characters long and contain a digit, an upper-case letter and a symbol.",
    "$ chmod 600 ~/.ssh/id_ed25519 && ssh-add ~/.ssh/id_ed25519\nIdentity added: /home/jdoe/.ssh/id_ed25519 (jdoe@laptop)",
    "# .env.example\nAPI_KEY=\nDB_PASSWORD=\nSESSION_SECRET=",
    '"node_modules/axios": {\n  "version": "1.7.9",\n  "resolved": "https://registry.npmjs.org/axios/-/axios-1.7.9.tgz",\n  "integrity": "sha512-⟪b64:86⟫=="\n}',
    "requests==2.32.3 \\\n    --hash=sha256:⟪hex:64⟫",
    "golang.org/x/crypto v0.31.0 h1:⟪b64:43⟫=",
    '[[package]]\nname = "serde"\nversion = "1.0.215"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "⟪hex:64⟫"',
    '<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAA⟪b64:120⟫" alt="logo">',
    "Version 1.24.3-rc.2+build.20261127 is now available.",
    "https://app.acme.example/projects/⟪uuid⟫/settings/members",
    "traceparent: 00-⟪hex:32⟫-⟪hex:16⟫-01",
    "Sentry event ID: ⟪hex:32⟫ — see the issue for the stack trace",
    '<script src="/static/js/main.⟪hex:8⟫.js"></script>\n<link rel="stylesheet" href="/static/css/main.⟪hex:8⟫.css">',
    ".btn-primary { background: #⟪hex:6⟫; border-color: #⟪hex:6⟫; }",
    "ether ⟪hex:2⟫:⟪hex:2⟫:⟪hex:2⟫:⟪hex:2⟫:⟪hex:2⟫:⟪hex:2⟫  inet6 fe80::⟪hex:4⟫:⟪hex:4⟫:⟪hex:4⟫:⟪hex:4⟫/64",
    "db_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  ⟪hex:80⟫\n  ⟪hex:80⟫\n  ⟪hex:64⟫",
    "password: ENC[AES256_GCM,data:⟪b64:24⟫,iv:⟪b64:43⟫=,tag:⟪b64:22⟫==,type:str]",
    "$ kubectl get secrets\nNAME              TYPE                DATA   AGE\ndb-credentials    Opaque              2      3d\nregistry-pull     kubernetes.io/dockerconfigjson   1   41d",
    "github.com\n  ✓ Logged in to github.com account jdoe (keyring)\n  - Token: gho_************************************",
    "$ aws configure list\n      Name                    Value             Type    Location\n   access_key     ****************ZQ4T shared-credentials-file\n   secret_key     ****************9xLm shared-credentials-file",
    "version https://git-lfs.github.com/spec/v1\noid sha256:⟪hex:64⟫\nsize 48213377",
    '  # aws_db_instance.main will be updated in-place\n  ~ resource "aws_db_instance" "main" {\n      ~ password = (sensitive value)\n    }',
    "Password: ********",
    '<input type="password" name="password" autocomplete="current-password" minlength="12" required>',
    'GITHUB_PAT_RE = re.compile(r"⟪=GHP⟫[A-Za-z0-9]{36}")',
    "def reset_password_token_expiry(user): return user.password_reset_sent_at + timedelta(hours=2)",
    ">>> hashlib.sha256(b'hello').hexdigest()\n'2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'",
    "np.random.seed(42)\ntorch.manual_seed(1337)\nrandom.seed(20261127)",
    "2026-11-27T10:15:30.123456Z INFO request completed status=200 duration_ms=41 bytes=5123",
    'ETag: "⟪hex:40⟫"\nCache-Control: max-age=3600',
    "Content-Security-Policy: script-src 'self' 'sha256-⟪b64:43⟫='",
    '<script src="https://cdn.example.com/lib.min.js" integrity="sha384-⟪b64:64⟫" crossorigin="anonymous"></script>',
    "$ docker ps --no-trunc -q\n⟪hex:64⟫\n⟪hex:64⟫",
    "git checkout -b feature/rotate-api-keys-after-incident",
    "ipfs://bafybei⟪b32l:52⟫/metadata.json",
    "magnet:?xt=urn:btih:⟪hex:40⟫&dn=ubuntu-24.04.1-desktop-amd64.iso",
    "http://⟪b32l:56⟫.onion/",
    "please review the code and then add a test for each case before you push the change",
    "=========== 1234 passed, 12 skipped, 3 xfailed in 56.78s ===========",
    "Error 0x80070005: Access is denied. (port 5432, pid 4711)",
    '$ az account show\n{\n  "id": "⟪uuid⟫",\n  "tenantId": "⟪uuid⟫",\n  "user": {"name": "jdoe@acme.example", "type": "user"}\n}',
    "SHA256 Fingerprint=⟪HEX:2⟫:⟪HEX:2⟫:⟪HEX:2⟫:⟪HEX:2⟫:⟪HEX:2⟫:⟪HEX:2⟫:⟪HEX:2⟫:⟪HEX:2⟫:⟪HEX:2⟫:⟪HEX:2⟫",
    "256 SHA256:⟪b64:43⟫ jdoe@laptop (ED25519)",
    "sec   rsa4096/0x⟪HEX:16⟫ 2024-01-09 [SC] [expires: 2027-01-08]",
    'Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in compliance with the License.',
    "Set `ANTHROPIC_API_KEY` in your shell before running `make eval`.",
    'curl -H "Authorization: Bearer $TOKEN" https://api.example.com/v1/me',
    'DB_PASSWORD = os.getenv("DB_PASSWORD", "")',
    "        env:\n        - name: DB_PASSWORD\n          valueFrom:\n            secretKeyRef: {name: db-credentials, key: password}",
    "auth:\n  existingSecret: redis-auth\n  existingSecretPasswordKey: redis-password",
    "arn:aws:sts::⟪dig:12⟫:assumed-role/deployer/ci",
    "Created customer cus_⟪b62:14⟫ and payment intent pi_⟪b62:24⟫",
    "Posted to channel C0⟪up:9⟫ by user U0⟪up:9⟫",
    "https://github.com/acme/shop/actions/runs/⟪dig:11⟫/job/⟪dig:11⟫",
    "https://www.google.com/search?q=how+to+rotate+a+leaked+api+key&oq=rotate+leaked",
    'WWW-Authenticate: Basic realm="Restricted area", charset="UTF-8"',
    'FAKE_TOKEN = "test-token"  # used by the mocked client only',
    "import secrets\nSESSION_SECRET = secrets.token_hex(32)",
    "$ openssl rand -base64 32 > /run/secrets/session_key",
    "-API_KEY=<paste your key here>\n+API_KEY=",
    "$ pip install pycryptodome==3.20.0 cryptography==43.0.3",
    "00000000: 8950 4e47 0d0a 1a0a 0000 000d 4948 4452  .PNG........IHDR",
    "# syntax=docker/dockerfile:1\nARG NPM_TOKEN\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci",
    r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Run",
    "$ md5sum backup.sql.gz\n⟪hex:32⟫  backup.sql.gz",
    "/nix/store/⟪b32l:32⟫-openssl-3.0.13/lib/libssl.so.3",
    "github.com/acme/lib v0.0.0-20261127101530-⟪hex:12⟫ // indirect",
    "Click the link below to reset your password. The link expires in 24 hours.",
    "The PIN must be 4 to 8 digits long and cannot be a sequence like 1234.",
    "The door code changes every month; ask reception for the current one.",
    "SSID: Acme-Guest (open network, no password needed)",
    "密码长度至少12位，且必须包含数字和符号。",
    "Bitte teile Passwörter nie im Chat, sondern über den Passwort-Manager.",
    "$ ssh-keygen -t ed25519 -C jdoe@laptop\nYour public key has been saved in /home/jdoe/.ssh/id_ed25519.pub\nThe key fingerprint is:\nSHA256:⟪b64:43⟫ jdoe@laptop",
    "Order #1002348 shipped, tracking 1Z⟪up:16⟫",
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9 is the base64url of {"alg":"HS256","typ":"JWT"}',
    "[mysqld]\ninnodb_buffer_pool_size=4G\nmax_connections=500\nlog_bin=mysql-bin",
    "Request ID: req_⟪b62:24⟫ (include this when contacting support)",
    "The API key is stored in 1Password under Shared-Infra/Stripe; ask @jane for access.",
    "$ vault kv metadata get secret/billing/prod\n======= Metadata =======\ncreated_time    2026-11-20T08:12:44.182Z\ncurrent_version 7\nmax_versions    10",
    "Remote: https://github.com/acme/platform.git (fetch)",
    "pk_test_⟪b62:99⟫ is the publishable key used in the checkout form",
    "AWS_REGION=eu-west-1\nAWS_DEFAULT_OUTPUT=json\nAWS_PROFILE=staging",
    "session expired, please log in again (code 401)",
    "UUID=⟪uuid⟫ /data ext4 defaults,noatime 0 2",
    "The recovery phrase uses 24 words from the BIP-39 English list; never type it into a website.",
    "sha1: ⟪hex:40⟫ - build 8812 of branch main",
    "⟪b62:8⟫-⟪b62:4⟫ is the name of the generated preview environment",
    "Uploading artifact build-⟪hex:10⟫.zip (48.2 MB)",
    "wallet address: bc1q⟪bech:38⟫ (donations welcome)",
    "The password field is ignored when SSO is enabled; see docs/sso.md.",
    "kube-root-ca.crt   1      41d",
    "Your verification code will arrive by SMS within a minute.",
)


def _benign(index: int, template: str) -> str:
    return _fill(_G(f"benign-{index}"), template, {}, None)


BENIGN_FRESH5: tuple[str, ...] = tuple(_benign(i, text) for i, text in enumerate(_BENIGN_TEMPLATES))

FAMILIES5: dict[str, tuple[Planted, ...]] = {
    "cloud_ci_infra": _CLOUD_CI_INFRA,
    "source_code": _SOURCE_CODE,
    "config_files": _CONFIG_FILES,
    "cli_sessions": _CLI_SESSIONS,
    "connection_strings": _CONNECTION_STRINGS,
    "vendor_tokens": _VENDOR_TOKENS,
    "unprefixed_tokens": _UNPREFIXED_TOKENS,
    "human_prose": _HUMAN_PROSE,
    "encoded_hidden": _ENCODED_HIDDEN,
    "key_material": _KEY_MATERIAL,
    "network_iot": _NETWORK_IOT,
    "apps_games_notebooks": _APPS_GAMES_NOTEBOOKS,
}

FRESH5: tuple[Planted, ...] = tuple(p for family in FAMILIES5.values() for p in family)
