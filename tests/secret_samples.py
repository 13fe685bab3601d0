"""Planted secrets and their look-alikes, for the tests that check no secret is stored or given out.

Each `Planted` is one kind of secret as it appears in a line of text (a command, a config line, a
header), with the secret values that must never be found again. The values are fake but have the
real formats (the public secret-scanner rule sets' shapes); they are built by concatenation so no
secret-shaped literal sits in this file. `LOOK_ALIKES` are texts that resemble secrets and must be
kept as they are.
"""

from __future__ import annotations

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
)
