"""Planted secrets and their look-alikes, for the tests that check no secret is stored or given out.

Each `Planted` is one kind of secret as it appears in a line of text (a command, a config line, a
header), with the secret values that must never be found again. The values are fake but have the
real formats (the public secret-scanner rule sets' shapes); they are built by concatenation so no
secret-shaped literal sits in this file. `LOOK_ALIKES` are texts that resemble secrets and must be
kept as they are.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from lessonloop.secrets.bip39_words import WORDS as BIP39_WORDS


@dataclass(frozen=True)
class Planted:
    kind: str
    line: str  # the text holding the secret, as a person or a tool would write it
    secrets: tuple[str, ...]  # what must not occur anywhere afterwards
    file_line: str = ""  # how it reads in a file (an edit, a write), when not as `line`

    @property
    def in_file(self) -> str:
        return self.file_line or self.line


def _rep(unit: str, length: int) -> str:
    """`unit` repeated and cut to `length` characters."""
    return (unit * (length // len(unit) + 1))[:length]


_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def mnemonic(seed: str, words: int) -> str:
    """A BIP-39 seed phrase of `words` words (12, 15, 18, 21 or 24) with a valid checksum, its
    entropy drawn from `seed` (the BIP's own algorithm: entropy, then the first bits of its
    SHA-256, read 11 bits a word)."""
    entropy = hashlib.sha256(seed.encode()).digest()[: words * 4 // 3]
    bits = len(entropy) * 8
    checksum = hashlib.sha256(entropy).digest()[0] >> (8 - bits // 32)
    number = (int.from_bytes(entropy, "big") << (bits // 32)) | checksum
    return " ".join(BIP39_WORDS[(number >> (11 * i)) & 2047] for i in reversed(range(words)))


def wif(seed: str, compressed: bool = True, testnet: bool = False) -> str:
    """A bitcoin private key in wallet import format (base58check of 0x80 or 0xef, the 32-byte key,
    0x01 when compressed): 51 characters from 5 (9 on testnet), 52 from K or L (c)."""
    payload = bytes([0xEF if testnet else 0x80]) + hashlib.sha256(seed.encode()).digest() + (b"\x01" * compressed)
    data = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, digit = divmod(number, 58)
        out = _BASE58[digit] + out
    return out


AWS_ID = "AKIA" + "Q7LM2XR4TZ9KD3WB"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYq3Ub8Nz1Pk0A"  # 40 characters
GITHUB_PAT_CLASSIC = "ghp_" + _rep("R7kQ2mVx9LpT4wZc", 36)
GITHUB_PAT_FINE = "github_pat_" + _rep("11ABCDEFG0", 22) + "_" + _rep("Qm8Rt2Lx7Vn4Ks9P", 59)
SLACK_BOT = "xoxb-" + "2048115391" + "-" + "5522196734519" + "-" + _rep("Hq3Nc8Vz", 24)
SLACK_WEBHOOK = "https://hooks.slack.com/services/" + "T04RZ6Q1P/B05KX8M2N/" + _rep("a9Fk2Lq7", 24)
STRIPE = "sk_live_" + _rep("51HxQ2Lm9Vr4", 34)
OPENAI = "sk-proj-" + _rep("Tz8Qm2Lx5Vr9Kp4W", 48)
ANTHROPIC = "sk-ant-api03-" + _rep("Jm4Vq9Lr2Xt7Kz1W", 93) + "AA"
GOOGLE = "AIza" + _rep("SyD4Qm8Lx2Vr7", 35)
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    + ".eyJzdWIiOiJ1c2VyLTQyIiwibmFtZSI6IlBsYW50ZWQifQ"
    + ".Qm8Rt2Lx7Vn4Ks9PzW3yTf6Hc1Jd5Ga0"
)
PEM_BODY = _rep("MIIEowIBAAKCAQEAq7Zt9Xw3Lm", 64)
PEM = "-----BEGIN RSA PRIVATE KEY-----\n" + PEM_BODY + "\n" + PEM_BODY[::-1] + "\n-----END RSA PRIVATE KEY-----"
GITLAB = "glpat-" + _rep("Xk9Qm2Vr7Lz4", 20)
NPM = "npm_" + _rep("Qx7Lm2Vr9Kt4", 36)
PYPI = "pypi-" + "AgEIcHlwaS5vcmc" + _rep("CJDk4Zjg1YTQ3", 70)
HUGGING_FACE = "hf_" + _rep("QmXrLzVtKpWyNb", 34)
SENDGRID = "SG." + _rep("Qm8Rt2Lx7Vn4Ks", 22) + "." + _rep("Zx3Wc6Yb1Td5Fg", 43)

# Issue 25's kinds (issue 25, item 4: "Secrets and PII").
DISCORD_BOT = (
    base64.b64encode(b"1098765432109876543").decode().rstrip("=") + ".GhQ3xk." + _rep("Zq8Lm2Vx7Rt4Kp9W_d", 38)
)
DISCORD_HOOK_TOKEN = _rep("Dw9Kq2Lm7Xr4Vt8Zp", 68)
TELEGRAM = "7123456789:AA" + _rep("Hq3Nc8VzTg5Lw", 33)
TWILIO = "SK" + _rep("0a9b8c7d6e5f", 32)
KUBE_KEY_DATA = "LS0tLS1CRUdJTiBSU0Eg" + _rep("UFJJVkFURSBLRVktQm9keQ", 60)
KUBE_TOKEN = "kubeT0ken" + _rep("Qm8Rt2Lx7Vn4Ks9P", 24)
DOCKER_AUTH = base64.b64encode(b"deploy:D0ckerHubPassw0rd9").decode()
NPM_AUTH = base64.b64encode(b"ci:NpmAuthPassw0rd7").decode()
NPM_LEGACY = "a1b2c3d4-e5f6-4a7b-8c9d-" + "0e1f2a3b4c5d"
PEM_LINE_1 = "MIIEpAIBAAKCAQEA" + _rep("q7Zt9Xw3Lm8Kp2", 48)
PEM_LINE_2 = _rep("Lm3wX9tZ7qVr4Kp", 64)
PEM_LINE_3 = _rep("Yb6Nc1Hd5Fg0Jk", 64)
PKCS8_LINE = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" + _rep("Wq4Er8Ty2Ui6Op0A", 32)
PUTTY_PRIVATE = "AAAAIBx" + _rep("Pu7tYkEyQm8Rt2Lx", 57)
PUTTY_MAC = _rep("4b3c9e1f", 64)
HTPASSWD_APR1 = "$apr1$Xq7Lm2Vr$" + _rep("Qm8Rt2Lx7Vn4Ks9PzW3yH", 22)
HTPASSWD_BCRYPT = "$2y$10$" + _rep("Bc7Ry9Pt3Hs2Wq.Lm/", 53)
HTPASSWD_SHA = "{SHA}" + _rep("Sh4Dg5Xk8Lz1Vb3Nm", 27) + "="
GCP_KEY_ID = _rep("3f9a1c7e5b2d", 40)
ALIBABA = "LTAI" + _rep("q7Zt9Xw3Lm8K", 20)
DYNATRACE = "dt0c01." + _rep("QM8RT2LX7VN4KS9P", 24) + "." + _rep("ZX3WC6YB1TD5FG8H", 64)
ONEPASSWORD = "ops_eyJ" + _rep("c2lnbkluQWRkcmVzcyI6Im15Lj", 260)
ARTIFACTORY = "AKCp" + _rep("8Lm2Vr4Kt9Qx7Zw3aBcDeFgHiJkNoPsUyE5", 69)
SENDINBLUE = "xkeysib-" + _rep("0a9b8c7d6e5f4a3b", 64) + "-" + _rep("Qm8Rt2Lx7Vn4Ks9P", 16)
SHIPPO = "shippo_live_" + _rep("0a9b8c7d6e5f4a3b", 40)
PREFECT = "pnu_" + _rep("Qm8Rt2Lx7Vn4Ks9PzW3y", 36)
OPENSHIFT = "sha256~" + _rep("Op3nSh1ftT0k3n_Qm8R", 43)
HEROKU_UUID = "4f9c2a71-8d3e-4b6a-9c1f-" + "7e2d5b8a0c36"
EASYPOST = "EZAK" + _rep("q7Zt9Xw3Lm8Kp2Vr", 54)
BRAINTREE = "access_token$production$" + "q7zt9xw3lm8kp2vr" + "$" + _rep("0a9b8c7d6e5f4a3b", 32)

# More vendors' formats and the places people write credentials (issue 25's done-when: 90+ kinds).
AZURE_STORAGE = _rep("Zq8Lm2Vx7Rt4Kp9W/+", 86) + "=="
DIGITALOCEAN = "dop_v1_" + _rep("a3f9c2e7b1d4", 64)
DOPPLER = "dp.pt." + _rep("Qm8Rt2Lx7Vn4", 43)
SHOPIFY = "shpat_" + _rep("a3f9c2e7b1d4", 32)
SQUARE = "sq0atp-" + _rep("Qm8Rt2Lx7Vn4", 22)
MAILGUN = "key-" + _rep("a3f9c2e7b1d4", 32)
MAILCHIMP = _rep("b4e8d1c6f2a9", 32) + "-us12"
DATABRICKS = "dapi" + _rep("a3f9c2e7b1d4", 32)
LINEAR = "lin_api_" + _rep("Qm8Rt2Lx7Vn4", 40)
POSTMAN = "PMAK-" + _rep("a3f9c2e7b1d4", 24) + "-" + _rep("a3f9c2e7b1d4", 34)
PULUMI = "pul-" + _rep("a3f9c2e7b1d4", 40)
GRAFANA_SA = "glsa_" + _rep("Qm8Rt2Lx7Vn4", 32) + "_" + _rep("a3f9c2e7", 8)
NEWRELIC = "NRAK-" + _rep("QM8RT2LX7VN4", 27)
VAULT = "hvs." + _rep("Qm8Rt2Lx7Vn4Ks9P", 90)
TERRAFORM = _rep("Qm8Rt2Lx7Vn4Ks", 14) + ".atlasv1." + _rep("Qm8Rt2Lx7Vn4Ks", 67)
SUPABASE = "sbp_" + _rep("a3f9c2e7b1d4", 40)
AGE_KEY = "AGE-SECRET-KEY-1" + _rep("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)
GITHUB_OAUTH = "gho_" + _rep("R7kQ2mVx9LpT4wZc", 36)
GITLAB_RUNNER = "glrt-" + _rep("Xk9Qm2Vr7Lz4", 20)
BEARER = _rep("Qm8Rt2Lx7Vn4Ks9P", 40)
GOOGLE_OAUTH_SECRET = "GOCSPX-" + _rep("Qm8Rt2Lx7Vn4", 28)
GOOGLE_REFRESH = "1//0" + _rep("gQm8Rt2Lx7Vn4Ks9P-_", 100)
MAPBOX = "sk.eyJ1" + _rep("Qm8Rt2Lx7Vn4", 60) + "." + _rep("Qm8Rt2Lx7Vn4", 22)
DROPBOX = "sl." + _rep("Qm8Rt2Lx7Vn4-_", 135)
PLANETSCALE = "pscale_tkn_" + _rep("Qm8Rt2Lx7Vn4", 43)
REPLICATE = "r8_" + _rep("Qm8Rt2Lx7Vn4", 37)
GROQ = "gsk_" + _rep("Qm8Rt2Lx7Vn4", 52)
XAI = "xai-" + _rep("Qm8Rt2Lx7Vn4", 80)
LANGSMITH = "lsv2_pt_" + _rep("a3f9c2e7b1d4", 32) + "_" + _rep("a3f9c2e7b1", 10)
DOCKERHUB = "dckr_pat_" + _rep("Qm8Rt2Lx7Vn4", 27)
HEROKU_V2 = "HRKU-AA" + _rep("Qm8Rt2Lx7Vn4", 58)
SONARQUBE = "squ_" + _rep("a3f9c2e7b1d4", 40)
FIGMA = "figd_" + _rep("Qm8Rt2Lx7Vn4", 40)
TAILSCALE = "tskey-auth-" + _rep("Qm8Rt2Lx7Vn4", 17) + "-" + _rep("Qm8Rt2Lx7Vn4", 33)
RESEND = "re_" + _rep("Qm8Rt2Lx", 8) + "_" + _rep("Qm8Rt2Lx7Vn4", 24)
AWS_STS_ID = "ASIA" + "Q7LM2XR4TZ9KD3WB"
AWS_SESSION = "IQoJb3JpZ2luX2VjE" + _rep("Qm8Rt2Lx7Vn4Ks9P/+", 280)
SENTRY = "sntrys_" + _rep("Qm8Rt2Lx7Vn4", 80)
ATLASSIAN = "ATATT3xFfGF0" + _rep("Qm8Rt2Lx7Vn4-_", 180) + "=A1B2C3D4"
NOTION = "secret_" + _rep("Qm8Rt2Lx7Vn4", 43)
NETLIFY = "nfp_" + _rep("Qm8Rt2Lx7Vn4", 36)
OPENROUTER = "sk-or-v1-" + _rep("a3f9c2e7b1d4", 64)
FACEBOOK = "EAAB" + _rep("Qm8Rt2Lx7Vn4Ks9P", 120)
TWITTER_BEARER = "A" * 22 + _rep("Qm8Rt2Lx7Vn4Ks9P%2F", 90)
BIP32 = "xprv9s21ZrQH143K" + _rep("Qm8Rt2Lx7Vn4", 95)
ETH_KEY = "0x" + _rep("4c0883a69102937d6231471b5dbb6204fe512961708279f3", 64)

# Issue 39's kinds (B9): passwords given as a program's options or after a bare word, connection
# strings, wallets' seed phrases and keys, and vendors' tokens in headers, URLs and config.
SEED_12 = mnemonic("lessonloop planted seed twelve", 12)
SEED_24 = mnemonic("lessonloop planted seed twenty-four", 24)
WIF_KEY = wif("lessonloop planted wif", compressed=False)
OKTA = "00" + _rep("Qm8Rt2Lx7Vn4Ks9PzW3y", 40)
SNYK = "5b7e2c19-" + "4d8a-4f3b-9e61-" + "c2a7f0d94b18"
COHERE = _rep("Co8Rt2Lx7Vn4Ks9PzW3yTf6H", 40)
VAULT_LEGACY = "s." + _rep("Vq8Rt2Lx7Vn4Ks9PzW3y", 24)
HONEYCOMB = _rep("Hc8Rt2Lx7Vn4Ks9PzW3y", 22)
AMZ_SIGNATURE = _rep("4b3c9e1f0a7d2c58", 64)
AMZ_SESSION = "IQoJb3JpZ2luX2Vj" + _rep("EJr%2F%2BQm8Rt2Lx7Vn4", 200)
CONDA = "ac-" + _rep("8f3e2d1c-9b7a", 33)
GHOST = _rep("6a1f9c3e8b2d", 24) + ":" + _rep("e4b7a29c0d5f1836", 64)
WORDPRESS = "Q?8+Lm@2;Vx|7Rt4 Kp#9W&z3yTf6-Hc1Jd5Ga0]Bq7Ne!Zs2Uw8Xo4Pi6Ly%Mr"
PAGERDUTY = "y_NbAk" + "Kc66ryYTWUXYEu"
JSON_ENV_SECRET = "Secret2024x"

PLANTED: tuple[Planted, ...] = (
    Planted("aws-access-key-id", f"aws configure set aws_access_key_id {AWS_ID}", (AWS_ID,)),
    Planted(
        "aws-inline-pair",
        f"AWS_ACCESS_KEY_ID={AWS_ID} AWS_SECRET_ACCESS_KEY={AWS_SECRET} aws s3 ls s3://bucket",
        (AWS_ID, AWS_SECRET),
    ),
    Planted(
        "github-classic",
        f"git clone https://github.com/acme/app.git && echo {GITHUB_PAT_CLASSIC}",
        (GITHUB_PAT_CLASSIC,),
    ),
    Planted("github-fine-grained", f"GH token is {GITHUB_PAT_FINE}", (GITHUB_PAT_FINE,)),
    Planted("slack-token", f"the bot uses {SLACK_BOT} to post", (SLACK_BOT,)),
    Planted("slack-webhook", f"curl -X POST {SLACK_WEBHOOK} -d '{{}}'", (SLACK_WEBHOOK.rsplit("/", 1)[1],)),
    Planted("stripe", f"stripe.api_key = {STRIPE}", (STRIPE,)),
    Planted("openai", f"OPENAI key {OPENAI} works", (OPENAI,)),
    Planted("anthropic", f"use {ANTHROPIC} for the API", (ANTHROPIC,)),
    Planted("google", f"maps key {GOOGLE}", (GOOGLE,)),
    Planted("jwt", f"the session cookie was {JWT}", (JWT,)),
    Planted("pem", f"key file:\n{PEM}\nend", (PEM_BODY,)),
    Planted("url-password", "postgres://admin:Urlpassw0rdQ7x@db.example.com:5432/app", ("Urlpassw0rdQ7x",)),
    Planted("password-unquoted", "log in with password=hunter2 and retry", ("hunter2",), "password=hunter2"),
    Planted("api-key-flag", "mytool --api-key=Zx81kQp0Lm2Vn7Rt deploy", ("Zx81kQp0Lm2Vn7Rt",)),
    Planted("password-flag", "somecli --password Pw0rdFl4gValue9 login", ("Pw0rdFl4gValue9",)),
    Planted("token-flag", "deployer --token Tk9xQ2Lm7Vn4Rs8P run", ("Tk9xQ2Lm7Vn4Rs8P",)),
    Planted("export-then-command", "export API_TOKEN=Exp0rtT0kenVal9x; ./deploy.sh", ("Exp0rtT0kenVal9x",)),
    Planted(
        "secret-key-mid-line",
        "cd app && SECRET_KEY=Dj4ngoS3cretK3yValue python manage.py runserver",
        ("Dj4ngoS3cretK3yValue",),
    ),
    Planted("gitlab", f"GITLAB token {GITLAB}", (GITLAB,)),
    Planted("npm", f"//registry.npmjs.org/:_authToken={NPM}", (NPM,)),
    Planted("pypi", f"twine upload -u __token__ -p {PYPI} dist/*", (PYPI,)),
    Planted("hugging-face", f"huggingface-cli login --token {HUGGING_FACE}", (HUGGING_FACE,)),
    Planted("sendgrid", f"SENDGRID key {SENDGRID}", (SENDGRID,)),
    Planted("yaml-config", "database:\n  db_password: Yaml5ecretVal9Qx\n  host: db", ("Yaml5ecretVal9Qx",)),
    Planted("dotenv", "DEBUG=1\nSTRIPE_SECRET=q8Zr2Lm5Tx9Vw3Kp\nPORT=8000", ("q8Zr2Lm5Tx9Vw3Kp",)),
    Planted("ini-config", "[database]\npassword = Wn4Tz8Qp1Lx6Rb3\nuser = app", ("Wn4Tz8Qp1Lx6Rb3",)),
    Planted("json-config", '{"service": "billing", "api_key": "JsonC0nfigApiKey9Q"}', ("JsonC0nfigApiKey9Q",)),
    Planted("curl-user", "curl -u admin:CurlPassw0rd9Qx https://api.example.com/v1", ("CurlPassw0rd9Qx",)),
    Planted(
        "curl-bearer",
        'curl -H "Authorization: Bearer Be4rerT0kenQm8Rt2Lx7Vn" https://api.example.com',
        ("Be4rerT0kenQm8Rt2Lx7Vn",),
    ),
    Planted("mysql-password", "mysql -u root -pMySqlPassw0rd9 app_db", ("MySqlPassw0rd9",)),
    Planted("psql-uri", "psql postgresql://app:PsqlUr1Secret9@localhost/app", ("PsqlUr1Secret9",)),
    Planted(
        "connection-string",
        "Server=db.local;Database=app;User Id=sa;Password=C0nnStr1ngSecret9;",
        ("C0nnStr1ngSecret9",),
    ),
    # Issue 25, item 4: the kinds a security review found leaking, each as it is written.
    Planted("discord-bot-token", f"client.run('{DISCORD_BOT}')", (DISCORD_BOT,)),
    Planted(
        "discord-webhook",
        f'curl -X POST -d \'{{"content": "deployed"}}\' https://discord.com/api/webhooks/1234567890123456789/{DISCORD_HOOK_TOKEN}',
        (DISCORD_HOOK_TOKEN,),
    ),
    Planted("telegram-bot-token", f"curl https://api.telegram.org/bot{TELEGRAM}/getMe", (TELEGRAM,)),
    Planted("twilio-api-key", f'client = Client("{TWILIO}", api_secret)', (TWILIO,)),
    Planted(
        "netrc",
        "machine api.example.com login deploy password Netrc5ecretPw9",
        ("Netrc5ecretPw9",),
        "machine api.example.com\n  login deploy\n  password Netrc5ecretPw9\n",
    ),
    Planted(
        "curl-cookie", "curl -b 'session=Ck9sEss10nV4lue7Q; theme=dark' https://app.example.com", ("Ck9sEss10nV4lue7Q",)
    ),
    Planted("cookie-header", "Cookie: theme=dark; sessionid=Ck2HeaderSess1onQ8", ("Ck2HeaderSess1onQ8",)),
    Planted("set-cookie", "Set-Cookie: sid=Ck3SetC00kieVal9Z; Path=/; HttpOnly; Secure", ("Ck3SetC00kieVal9Z",)),
    Planted(
        "kubeconfig",
        f"users:\n- name: admin\n  user:\n    client-key-data: {KUBE_KEY_DATA}\n    token: {KUBE_TOKEN}\n",
        (KUBE_KEY_DATA, KUBE_TOKEN),
    ),
    Planted("docker-config", f'{{"auths": {{"registry.example.com": {{"auth": "{DOCKER_AUTH}"}}}}}}', (DOCKER_AUTH,)),
    Planted(
        "npmrc",
        f"//registry.npmjs.org/:_auth={NPM_AUTH}\n//npm.example.com/:_authToken={NPM_LEGACY}",
        (NPM_AUTH, NPM_LEGACY),
    ),
    Planted("postgres-url-slash", "psql postgres://app:Pg/Sl4sh9Pw@db.internal:5432/app", ("Pg/Sl4sh9Pw",)),
    Planted(
        "pem-split-code",
        f'KEY = (\n    "-----BEGIN RSA " + "PRIVATE KEY-----\\n"\n    "{PEM_LINE_1}\\n"\n    "{PEM_LINE_2}\\n"\n    "{PEM_LINE_3}\\n"\n)',
        (PEM_LINE_1, PEM_LINE_2, PEM_LINE_3),
    ),
    Planted(
        "pem-json-lines",
        f'"key": [\n  "-----BEGIN PRIVATE KEY-----",\n  "{PKCS8_LINE}",\n  "{PEM_LINE_3[::-1]}",\n  "-----END PRIVATE KEY-----"\n]',
        (PKCS8_LINE, PEM_LINE_3[::-1]),
    ),
    Planted(
        "putty-key",
        "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy\nPublic-Lines: 2\n"
        f"AAAAC3NzaC1lZDI1NTE5AAAAIPq\nAAAA\nPrivate-Lines: 1\n{PUTTY_PRIVATE}\nPrivate-MAC: {PUTTY_MAC}",
        (PUTTY_PRIVATE, PUTTY_MAC),
    ),
    Planted("ssh-keygen", "ssh-keygen -t ed25519 -N 'Ssh-Keygen-Pass9' -f ~/.ssh/id_deploy", ("Ssh-Keygen-Pass9",)),
    Planted("password-in-prose", "fyi my password is Prose!Pass42 for the staging box", ("Prose!Pass42",)),
    Planted("gcp-private-key-id", f'"private_key_id": "{GCP_KEY_ID}",', (GCP_KEY_ID,)),
    Planted(
        "htpasswd",
        f"admin:{HTPASSWD_APR1}\ndeploy:{HTPASSWD_BCRYPT}\nci:{HTPASSWD_SHA}",
        (HTPASSWD_APR1, HTPASSWD_BCRYPT, HTPASSWD_SHA),
    ),
    Planted(
        "line-after-redacted",
        f"export GITHUB_TOKEN={GITHUB_PAT_CLASSIC}\nexport NPM_TOKEN=Nxt1ineT0kenVal9Q\nexport AWS_SESSION_TOKEN=Thrd1ineT0kenV8",
        ("Nxt1ineT0kenVal9Q", "Thrd1ineT0kenV8"),
    ),
    # Providers of gitleaks' rule set (secrets/vendor/), written without a secret-named key.
    Planted("alibaba", f"aliyun configure --access-key-id {ALIBABA}", (ALIBABA,)),
    Planted("dynatrace", f"the Dynatrace token {DYNATRACE} expired", (DYNATRACE,)),
    Planted("1password", f"op signin with {ONEPASSWORD}", (ONEPASSWORD,)),
    Planted("artifactory", f"jfrog uses {ARTIFACTORY} now", (ARTIFACTORY,)),
    Planted("sendinblue", f"brevo key {SENDINBLUE}", (SENDINBLUE,)),
    Planted("shippo", f"shipping via {SHIPPO}", (SHIPPO,)),
    Planted("prefect", f"prefect cloud login -k {PREFECT}", (PREFECT,)),
    Planted("openshift", f"oc login --server=https://api.ocp:6443 {OPENSHIFT}", (OPENSHIFT,)),
    Planted("heroku-uuid", f"heroku_api_key: {HEROKU_UUID}", (HEROKU_UUID,)),
    Planted("easypost", f"EasyPost production {EASYPOST}", (EASYPOST,)),
    Planted("pgpass", "echo 'db.internal:5432:app:admin:Pgp4ssW0rd9' >> ~/.pgpass", ("Pgp4ssW0rd9",)),
    Planted(
        "subscription-key",
        "curl -H 'Ocp-Apim-Subscription-Key: 0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d' x",
        ("0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d",),
    ),
    Planted("password-for-in-prose", "the password for the staging db is Stag1ng!Pw9, use it", ("Stag1ng!Pw9",)),
    Planted("braintree", f"gateway = Gateway({BRAINTREE})", (BRAINTREE,)),
    Planted("azure-storage-key", f"AccountName=acct;AccountKey={AZURE_STORAGE};EndpointSuffix=x", (AZURE_STORAGE,)),
    Planted("digitalocean", f"doctl auth init -t {DIGITALOCEAN}", (DIGITALOCEAN,)),
    Planted("doppler", f"doppler configure set token {DOPPLER}", (DOPPLER,)),
    Planted("shopify", f"the shop's admin token is {SHOPIFY}", (SHOPIFY,)),
    Planted("square", f"square access token {SQUARE}", (SQUARE,)),
    Planted("mailgun", f"curl --user 'api:{MAILGUN}' https://api.mailgun.net/v3", (MAILGUN,)),
    Planted("mailchimp", f"mailchimp client with {MAILCHIMP}", (MAILCHIMP,)),
    Planted("databricks", f"databricks configure with {DATABRICKS}", (DATABRICKS,)),
    Planted("linear", f"linear key {LINEAR}", (LINEAR,)),
    Planted("postman", f"postman login --with-api-key {POSTMAN}", (POSTMAN,)),
    Planted("pulumi", f"pulumi login with {PULUMI}", (PULUMI,)),
    Planted("grafana-service-account", f"grafana token {GRAFANA_SA}", (GRAFANA_SA,)),
    Planted("newrelic", f"newrelic key {NEWRELIC}", (NEWRELIC,)),
    Planted("vault", f"VAULT_ADDR=https://vault:8200 vault login {VAULT}", (VAULT,)),
    Planted("terraform-cloud", f'credentials "app.terraform.io" {{ token = "{TERRAFORM}" }}', (TERRAFORM,)),
    Planted("supabase", f"supabase login --token {SUPABASE}", (SUPABASE,)),
    Planted("age-key", f"# created: 2026-01-01\n{AGE_KEY}", (AGE_KEY,)),
    Planted("github-oauth", f"gh auth status shows {GITHUB_OAUTH}", (GITHUB_OAUTH,)),
    Planted("gitlab-runner", f"gitlab-runner register --token {GITLAB_RUNNER}", (GITLAB_RUNNER,)),
    Planted("mongo-uri", "mongosh 'mongodb+srv://app:Mg0Pa55wRd9@cluster0.mongodb.net/db'", ("Mg0Pa55wRd9",)),
    Planted("redis-uri", "redis-cli -u redis://:R3disPa55Q9@cache.internal:6379/0 ping", ("R3disPa55Q9",)),
    Planted(
        "basic-auth-header",
        "Authorization: Basic " + base64.b64encode(b"admin:BasicAuthPw9Q").decode(),
        (base64.b64encode(b"admin:BasicAuthPw9Q").decode(),),
    ),
    Planted("bearer-header", f"curl -H 'Authorization: Bearer {BEARER}' https://api.example.com", (BEARER,)),
    Planted("google-oauth-secret", f"client secret {GOOGLE_OAUTH_SECRET}", (GOOGLE_OAUTH_SECRET,)),
    Planted("google-refresh-token", f"the refresh token {GOOGLE_REFRESH} still works", (GOOGLE_REFRESH,)),
    Planted("mapbox", f"mapboxgl.accessToken = '{MAPBOX}';", (MAPBOX,)),
    Planted("dropbox", f"dbx = dropbox.Dropbox('{DROPBOX}')", (DROPBOX,)),
    Planted("planetscale", f"pscale auth login {PLANETSCALE}", (PLANETSCALE,)),
    Planted("replicate", f"replicate key {REPLICATE}", (REPLICATE,)),
    Planted("groq", f"groq client({GROQ})", (GROQ,)),
    Planted("xai", f"grok with {XAI}", (XAI,)),
    Planted("langsmith", f"tracing to langsmith with {LANGSMITH}", (LANGSMITH,)),
    Planted("dockerhub-pat", f"echo {DOCKERHUB} | docker login -u bob --password-stdin", (DOCKERHUB,)),
    Planted("heroku-v2", f"heroku authorizations show {HEROKU_V2}", (HEROKU_V2,)),
    Planted("sonarqube", f"sonar-scanner -Dsonar.login={SONARQUBE}", (SONARQUBE,)),
    Planted("figma", f"figma api with {FIGMA}", (FIGMA,)),
    Planted("tailscale", f"sudo tailscale up --authkey {TAILSCALE}", (TAILSCALE,)),
    Planted("resend", f"resend.api_key = '{RESEND}'", (RESEND,)),
    Planted("keytool-storepass", "keytool -list -keystore app.jks -storepass St0rePa55Q9z", ("St0rePa55Q9z",)),
    Planted("sshpass", "sshpass -p 'SshPa55Q9z' ssh root@10.0.0.5 uptime", ("SshPa55Q9z",)),
    Planted("docker-login-p", "docker login -u bob -p D0ckPa55Q9z registry.example.com", ("D0ckPa55Q9z",)),
    Planted("kubectl-token", f"kubectl --token={BEARER[:48]} get pods", (BEARER[:48],)),
    Planted("git-credential-url", f"git clone https://oauth2:{GITHUB_OAUTH}@github.com/o/r", (GITHUB_OAUTH,)),
    Planted(
        "aws-sts-pair",
        f"AWS_ACCESS_KEY_ID={AWS_STS_ID} AWS_SESSION_TOKEN={AWS_SESSION} aws s3 ls",
        (AWS_STS_ID, AWS_SESSION),
    ),
    Planted("smtp-password", "EMAIL_HOST_PASSWORD = 'SmtpPa55Q9z'", ("SmtpPa55Q9z",)),
    Planted("sentry", f"SENTRY_AUTH_TOKEN={SENTRY} sentry-cli releases new 1.0", (SENTRY,)),
    Planted("atlassian", f"jira api token {ATLASSIAN}", (ATLASSIAN,)),
    Planted("notion", f"notion integration {NOTION}", (NOTION,)),
    Planted("netlify", f"netlify deploy --auth {NETLIFY}", (NETLIFY,)),
    Planted("openrouter", f"openrouter {OPENROUTER}", (OPENROUTER,)),
    Planted("jdbc-password", "jdbc:mysql://db:3306/app?user=root&password=JdbcPa55Q9", ("JdbcPa55Q9",)),
    Planted("python-connect-kwarg", "psycopg.connect(host='db', password='PyPa55Q9z')", ("PyPa55Q9z",)),
    Planted("django-secret-key", "SECRET_KEY = 'SecretKeyDjango9Qz!x'", ("SecretKeyDjango9Qz!x",)),
    Planted("pip-index-url", "pip install --index-url https://dev:P1pIdxPa55@pypi.corp/simple pkg", ("P1pIdxPa55",)),
    Planted("x-api-key-header", f"curl -H 'x-api-key: {BEARER[:40]}' https://api.example.com", (BEARER[:40],)),
    Planted("pgpassword-env", "PGPASSWORD=EnvPgPw9Q psql -h db -U app", ("EnvPgPw9Q",)),
    Planted("ngrok", f"ngrok config add-authtoken {BEARER[:43]}", (BEARER[:43],)),
    Planted("eth-private-key", f"PRIVATE_KEY={ETH_KEY} npx hardhat run deploy.js", (ETH_KEY[2:],)),
    Planted("facebook", f"fb page token {FACEBOOK}", (FACEBOOK,)),
    Planted("twitter-bearer", f"twitter bearer {TWITTER_BEARER}", (TWITTER_BEARER,)),
    Planted("bip32", f"wallet root {BIP32}", (BIP32,)),
    Planted("git-config-credential", "git config --global credential.password G1tCr3dPw9", ("G1tCr3dPw9",)),
    Planted("dotted-key-suffix", "api_key.value: Qm8Rt2Lx7Vn4Ks9P", ("Qm8Rt2Lx7Vn4Ks9P",)),
    Planted("net-user", "net user svc_backup " + _rep("Nu7Wq3Xk9Lm", 14) + " /add", (_rep("Nu7Wq3Xk9Lm", 14),)),
    # Issue 39 (B9): passwords in programs' options and after bare words.
    Planted("nmcli-password", 'nmcli dev wifi connect HomeNet password "Wif1Pa55word!"', ("Wif1Pa55word!",)),
    Planted(
        "wpa-psk",
        'wpa_cli set_network 0 ssid "HomeNet" && echo psk="WpaPsk5ecret9"',
        ("WpaPsk5ecret9",),
        'network={\n    ssid="HomeNet"\n    psk="WpaPsk5ecret9"\n}\n',
    ),
    Planted("chpasswd", "echo 'deploy:Chp4sswdSecret9' | sudo chpasswd", ("Chp4sswdSecret9",)),
    Planted("sudo-stdin", "echo 'Sud0Pa55word' | sudo -S apt-get update", ("Sud0Pa55word",)),
    Planted("zip-password", "zip -P Z1pPa55word -r backup.zip data/", ("Z1pPa55word",)),
    Planted("7z-password", "7z a -p7zPa55word9 -mhe=on backup.7z data/", ("7zPa55word9",)),
    Planted("plink-password", "plink -ssh admin@10.0.0.9 -pw Pl1nkPa55 uptime", ("Pl1nkPa55",)),
    Planted("snmp-community", "snmpwalk -v2c -c Snmp5ecretComm 10.0.0.1 system", ("Snmp5ecretComm",)),
    Planted("mosquitto-password", "mosquitto_pub -h broker -u iot -P Mqtt5ecret9 -t a/b -m hi", ("Mqtt5ecret9",)),
    Planted(
        "ipmitool-password",
        "ipmitool -I lanplus -H 10.0.0.20 -U ADMIN -P Ipm1Pa55word chassis status",
        ("Ipm1Pa55word",),
    ),
    Planted("httpie-auth", "http -a alice:Http1ePa55 GET https://api.example.com/me", ("Http1ePa55",)),
    Planted("poetry-http-basic", "poetry config http-basic.private ci P0etryRep0Pa55", ("P0etryRep0Pa55",)),
    Planted("sqlplus-connect", "sqlplus system/Or4cleSecret9@//db.internal:1521/ORCL", ("Or4cleSecret9",)),
    Planted(
        "cifs-password",
        "sudo mount -t cifs //nas/share /mnt/share -o username=bob,password=cifsSecret,uid=1000",
        ("cifsSecret",),
    ),
    Planted("sshpass-env", "SSHPASS=SshP4ssEnv9 sshpass -e ssh root@10.0.0.5 uptime", ("SshP4ssEnv9",)),
    Planted("passwd-env", "DB_PASSWD=Dz9!k ./migrate.sh", ("Dz9!k",)),
    Planted(
        "url-passwd-query",
        "curl 'https://router.local/api/login?user=admin&passwd=Rt7qz'",
        ("Rt7qz",),
    ),
    # Issue 39 (B9): wallets' seed phrases and keys.
    Planted("bip39-seed-12", f"restore the wallet with: {SEED_12}", (SEED_12,)),
    Planted("bip39-seed-24", f'export WALLET_WORDS="{SEED_24}"', (SEED_24,)),
    Planted("bitcoin-wif", f'bitcoin-cli importprivkey {WIF_KEY} "cold" false', (WIF_KEY,)),
    # Issue 39 (B9): vendors' tokens in headers, URLs and config.
    Planted(
        "okta-ssws",
        f'curl -H "Authorization: SSWS {OKTA}" https://acme.okta.com/api/v1/users',
        (OKTA,),
    ),
    Planted("snyk", f"snyk auth {SNYK}", (SNYK,)),
    Planted("cohere", f'co = cohere.Client("{COHERE}")', (COHERE,)),
    Planted(
        "vault-header",
        f'curl -H "X-Vault-Token: {VAULT_LEGACY}" https://vault.internal:8200/v1/secret/data/app',
        (VAULT_LEGACY,),
    ),
    Planted(
        "honeycomb-header",
        f"curl https://api.honeycomb.io/1/events/prod -H 'X-Honeycomb-Team: {HONEYCOMB}' -d '{{}}'",
        (HONEYCOMB,),
    ),
    Planted(
        "s3-presigned-url",
        f"curl 'https://bucket.s3.amazonaws.com/report.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        f"&X-Amz-Credential={AWS_STS_ID}%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z"
        f"&X-Amz-Expires=3600&X-Amz-Security-Token={AMZ_SESSION}&X-Amz-SignedHeaders=host"
        f"&X-Amz-Signature={AMZ_SIGNATURE}'",
        (AMZ_SIGNATURE, AMZ_SESSION, AWS_STS_ID),
    ),
    Planted("conda-token", f"conda config --add channels https://conda.anaconda.org/t/{CONDA}/acme", (CONDA,)),
    Planted(
        "ghost-admin-key",
        f"const api = new GhostAdminAPI({{url: 'https://blog.example.com', key: '{GHOST}', version: 'v5.0'}});",
        (GHOST.split(":")[1],),
    ),
    Planted("wordpress-salt", f"define('AUTH_KEY',         '{WORDPRESS}');", (WORDPRESS,)),
    Planted(
        "pagerduty-token",
        f"curl -H 'Authorization: Token token={PAGERDUTY}' https://api.pagerduty.com/incidents",
        (PAGERDUTY,),
    ),
    Planted(
        "client-secret-json-env",
        f"""GOOGLE_OAUTH='{{"web": {{"client_id": "1234.apps.example.com", "client_secret": "{JSON_ENV_SECRET}"}}}}' ./serve""",
        (JSON_ENV_SECRET,),
    ),
)

# Issue 39's look-alikes: ordinary commands and text near the new rules (programs' options that
# hold no password, prompts for one, English made of seed-phrase words, hashes, hex and base58).
BENIGN_COMMANDS: tuple[str, ...] = (
    "grep -P '^\\d+$' log.txt",
    "ssh -p 2222 deploy@10.0.0.5",
    "scp -P 2222 build.tgz deploy@10.0.0.5:/tmp",
    "zip -r backup.zip src/",
    "unzip -p archive.zip README.md",
    "git log -p --stat",
    "7z x archive.7z -o/tmp/out",
    "7z a -t7z -mx=9 backup.7z data/",
    "mysql -p",
    "mysql -u root -p app_db",
    "psql -h db -p 5432 -U app",
    "docker login --password-stdin -u bob registry.io",
    'echo "$REGISTRY_TOKEN" | docker login --password-stdin -u bob',
    "echo $PASSWORD | sudo -S apt-get update",
    "sudo -S true < /dev/null",
    "echo hello | sudo tee /etc/motd",
    "snmpwalk -v2c -c public 10.0.0.1 system",
    "ipmitool -I lanplus -H 10.0.0.20 -U ADMIN -E chassis status",
    "http -a alice GET https://api.example.com/me",
    "http GET https://api.example.com/items page==2",
    "plink -ssh admin@10.0.0.9 -i key.ppk uptime",
    "sqlplus / as sysdba",
    "sqlplus -s @scripts/report.sql",
    "rman target /",
    "mosquitto_sub -h broker -t 'sensors/#' -v",
    "poetry config virtualenvs.in-project true",
    "nmcli dev wifi connect HomeNet --ask",
    "Password:",
    "Enter password: ",
    "password: ",
    "[sudo] password for bob:",
    "Please enter the password to unlock the keystore",
    "The password reset link expires in one hour",
    "the password field must not be empty",
    "grep -rn password src/",
    "pass show email/work",
    "pass insert -m web/forum",
    "if not password: raise ValueError('password required')",
    "make sure you have enough space before you start this task now",
    "you can move the file into the other folder when the build is done",
    "please check that all the tests pass before you open a review",
    "they will keep the same name for this project until the next major version",
    "the model will learn from every error and update the plan",
    "sha256 digest e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "5Hue is a prefix and so is KwDiBf89",  # (a longer piece of a key is random enough to go: issue 60)
    "see https://discourse.example.org/t/how-to-pin-python-3-12/1234 for details",
    "Signature=None",
    "X-Atlassian-Token: no-check",
    "Authorization: Bearer ${API_TOKEN}",
    "define('WP_DEBUG', false);",
    "define( 'DB_HOST', 'localhost' );",
    "signing_salt: 'spotter_lv_salt'",
    "bypass: true",
    "IDENTIFIED BY the team during review",
    "connect to the database and list the tables",
)

LOOK_ALIKES: tuple[str, ...] = (
    "if token.length > 5: the password. It is long",
    "assert 1//0 == 0  # floor division by zero raises",
    "ctx = ssl.create_default_context(); sl.append(x)",
    "Accept-Language: en-us,en;q=0.5",
    "path = re_path(r'^admin/', admin.site.urls)",
    "data:application/octet-stream;base64," + "A" * 40 + "EAAB" + "Q" * 40 + "+/8=",
    'token = "tokenValue"',
    'api_key=os.environ["KEY"]',
    "password_field = form.password",
    "--token-file /run/secrets/token",
    "postgresql://{user}:{password}@{host}:{port}/{db}",
    "token = compute()",
    'TOKEN="${SPOTTER_REVIEW_TOKEN:-}"',
    "postgres://localhost:5432/db",
    "git push origin main",
    "the tokens used were 12345",
    "AKIAIOSFODNN7EXAMPL",
    "password: ${DB_PASSWORD}",
    "export TOKEN=$(cat token.txt)",
    "--password-file /run/secrets/db",
    "secret_key = settings.SECRET_KEY",
    "Authorization: Bearer $TOKEN",
    'curl -u "$USER:$PASS" https://example.com',
    "the task-runner uses sk-learn",
    "password=<your-password>",
    'api_key: "{{ api_key }}"',
    "https://user@example.com/path",
    "max_tokens=4096",
    "def get_token(self) -> str:",
    "if not password:",
    "mysql -u root -p app_db",
    # Issue 25's look-alikes: hashes, ids and base64 of ordinary data stay.
    '"resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz"',
    "sha512-7XGXE0jG1O1KpZ5SVfHBXZ0RJ5c8Q2d4Iyd8uXhoBbXlDqoFpwsuLqZpNlTfQrFxx3uq8KDuj0yWZv7n8XvKTQ==",
    "commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
    "request id 123e4567-e89b-12d3-a456-426614174000",
    "data: aGVsbG8gd29ybGQsIHRoaXMgaXMgb3JkaW5hcnkgdGV4dA==",
    "the password is wrong, try again",
    "curl -b cookies.txt https://example.com",
    "ssh-keygen -t ed25519 -N '' -f key",
    "Cookie: theme=dark; lang=en",
    "machine learning models need a password manager",
    "document.cookie = value",
    "the task took 12 seconds",
    *BENIGN_COMMANDS,
)
