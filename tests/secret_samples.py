"""Planted secrets and their look-alikes, for the tests that check no secret is stored or given out.

Each `Planted` is one kind of secret as it appears in a line of text (a command, a config line, a
header), with the secret values that must never be found again. The values are fake but have the
real formats (the public secret-scanner rule sets' shapes); they are built by concatenation so no
secret-shaped literal sits in this file. `LOOK_ALIKES` are texts that resemble secrets and must be
kept as they are.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass


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
)

LOOK_ALIKES: tuple[str, ...] = (
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
)
