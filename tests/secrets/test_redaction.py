"""Secret redaction: every kind found in every scope where it applies, look-alikes left alone in
every scope, the scopes' differences, idempotence and the tool-input scoping."""

from __future__ import annotations

import random
import string

import pytest

from lessonloop.secrets.formats import FORMAT_RULES
from lessonloop.secrets.redaction import SCOPES, Scope, redact, redact_tool_input, redact_value

_rng = random.Random(12)
ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"


def rand(n: int, alphabet: str = ALNUM) -> str:
    """A random-looking body (seeded): fake secrets are built, never written out whole."""
    while True:
        body = "".join(_rng.choice(alphabet) for _ in range(n))
        if alphabet != ALNUM or (any(c.isdigit() for c in body) and any(c.isalpha() for c in body)):
            return body


# Secrets with a format of their own: found in every scope, whatever surrounds them.
FORMATS: dict[str, str] = {
    "aws-access-key-id": "AKIA" + rand(16, string.ascii_uppercase + string.digits),
    "github-token": "ghp_" + rand(36),
    "gitlab-token": "glpat-" + rand(20),
    "slack-token": "xoxb-" + rand(12, string.digits) + "-" + rand(24),
    "slack-webhook": "https://hooks.slack.com/services/T" + rand(8) + "/B" + rand(8) + "/" + rand(24),
    "anthropic-key": "sk-ant-api03-" + rand(40),
    "openai-key": "sk-proj-" + rand(48),
    "openrouter-key": "sk-or-v1-" + rand(64, HEX),
    "stripe-key": "sk_live_" + rand(24),
    "google-api-key": "AIza" + rand(35),
    "google-oauth-secret": "GOCSPX-" + rand(28),
    "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0." + rand(43),
    "private-key": "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA" + rand(40) + "\n-----END RSA PRIVATE KEY-----",
    "npm-token": "npm_" + rand(36),
    "pypi-token": "pypi-AgEIcHlwaS5vcmc" + rand(60),
    "huggingface-token": "hf_" + rand(34, string.ascii_letters),
    "sendgrid-key": "SG." + rand(22) + "." + rand(43),
    "azure-client-secret": rand(3) + "8Q~" + rand(34),
    "digitalocean-token": "dop_v1_" + rand(64, HEX),
    "shopify-token": "shpat_" + rand(32, HEX),
    "mailgun-key": "key-" + rand(32, HEX),
    "databricks-token": "dapi" + rand(32, HEX),
    "vault-token": "hvs." + rand(95),
    "age-secret-key": "AGE-SECRET-KEY-1" + rand(58, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"),
    "linear-key": "lin_api_" + rand(40),
    "dockerhub-token": "dckr_pat_" + rand(27),
    "groq-key": "gsk_" + rand(52),
    "grafana-token": "glsa_" + rand(32) + "_" + rand(8, HEX),
    "sentry-token": "sntryu_" + rand(64, HEX),
    "postman-key": "PMAK-" + rand(24, HEX) + "-" + rand(34, HEX),
    "heroku-key": "HRKU-AA" + rand(58),
    "tencent-secret-id": "AKID" + rand(32),
    "nostr-private-key": "nsec1" + rand(58, "qpzry9x8gf2tvdw0s3jn54khce6mua7l"),
    "mercadopago-token": "APP_USR-"
    + rand(16, string.digits)
    + "-"
    + rand(6, string.digits)
    + "-"
    + rand(32, HEX)
    + "-"
    + rand(9, string.digits),
    "discord-bot-token": "MTA5ODc2NTQzMjEwOTg3NjU0Mw." + rand(6) + "." + rand(38),
    "password-hash": "$2y$10$" + rand(53, string.ascii_letters + string.digits + "./"),
    "twilio-api-key": "SK" + rand(32, HEX),  # gitleaks' rule (secrets/vendor/)
    "dynatrace-api-token": "dt0c01." + rand(24, string.ascii_uppercase + string.digits) + "." + rand(64),
    "nuget-key": "oy2" + rand(43, string.ascii_lowercase + string.digits),
    "crates-io-token": "cio" + rand(32),
    "circleci-token": "CCIPAT_" + rand(22) + "_" + rand(40, HEX),
    "buildkite-token": "bkua_" + rand(40, HEX),
    "render-key": "rnd_" + rand(32),
    "figma-token": "figd_" + rand(40),
    "sonarqube-token": "squ_" + rand(40, HEX),
    "netlify-token": "nfp_" + rand(36),
    "langsmith-key": "lsv2_pt_" + rand(32, HEX) + "_" + rand(10, HEX),
    "resend-key": "re_" + rand(8) + "_" + rand(24),
    "mailchimp-key": rand(32, HEX) + "-us" + rand(2, string.digits),
    "dropbox-token": "sl." + rand(140),
    "facebook-token": "EAAB" + rand(120),
    "twitter-bearer-token": "A" * 22 + rand(80),
    "google-refresh-token": "1//0" + rand(80),
    "bip32-private-key": "xprv" + rand(107, "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"),
    "braintree-token": "access_token$production$"
    + rand(16, string.ascii_lowercase + string.digits)
    + "$"
    + rand(32, HEX),
    "firebase-server-key": "AAAA" + rand(7) + ":APA91b" + rand(140),
}
# Secrets given by their surroundings (the secret is the part that must go).
CONTEXTS: dict[str, tuple[str, str]] = {
    "url-password": ("postgres://app:{s}@db.internal:5432/app", "S3cr3t-" + rand(8)),
    "bearer-token": ("the header was Bearer {s} and it failed", rand(32)),
    "auth-header": ("Authorization: Basic {s}", rand(24) + "=="),
    "azure-storage-key": ("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={s};", rand(86) + "=="),
    "aws-secret-access-key": ("AWS_SECRET_ACCESS_KEY={s}", rand(30) + "/" + rand(9)),
    "discord-webhook": ("https://discord.com/api/webhooks/123456789012345678/{s}", rand(68)),
    "telegram-bot-token": ("https://api.telegram.org/bot{s}/getMe", "123456789:AA" + rand(33)),
    "netrc-password": ("machine example.com login me password {s}", rand(12)),
    "cookie": ("Cookie: session={s}", rand(24)),
    "kubeconfig-credential": ("client-key-data: {s}", rand(80)),
    "docker-auth": ('"auth": "{s}"', rand(28) + "=="),
    "npm-auth": ("//registry.npmjs.org/:_auth={s}", rand(24)),
    "pgpass-password": ("db.internal:5432:app:admin:{s}", rand(14)),
    # Issue 39's formats
    "url-signature": ("https://b.s3.amazonaws.com/k?X-Amz-Date=20260101T000000Z&X-Amz-Signature={s}", rand(64, HEX)),
    "url-path-token": ("https://conda.anaconda.org/t/{s}/acme", "ab-" + rand(30)),
    "piped-password": ("echo '{s}' | sudo -S systemctl restart app", rand(12)),
    "cohere-key": ("co = cohere.Client('{s}')", rand(20, string.ascii_uppercase) + rand(20)),
    "sql-password": ("CREATE USER app IDENTIFIED BY '{s}';", rand(14)),
}


def test_at_least_25_kinds_are_planted_and_every_format_rule_has_one() -> None:
    planted = set(FORMATS) | set(CONTEXTS) | {kind for _, _, kind, _ in ASSIGNMENTS}
    assert len(planted) >= 25
    assert {rule.kind for rule in FORMAT_RULES} - planted <= {
        "google-oauth-token", "azure-sas-token", "terraform-token", "pulumi-token", "doppler-token",
        "perplexity-key", "xai-key", "replicate-token", "notion-token", "supabase-token", "square-token",
        "atlassian-token", "rubygems-token", "planetscale-token", "newrelic-key", "mapbox-token", "flyio-token",
    }  # fmt: skip


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_each_format_is_redacted_in_every_scope(kind: str, scope: Scope) -> None:
    secret = FORMATS[kind]
    text = {
        "prose": f"I pasted {secret} into the chat, sorry",
        "command": f"deploy --verbose {secret} && echo done",
        "code": f'client = Client("{secret}")\n',
        "output": f"INFO loaded {secret}\nready",
    }[scope]
    cleaned, count = redact(text, scope)
    assert secret not in cleaned and f"[REDACTED:{kind}]" in cleaned and count == 1, cleaned
    assert redact(cleaned, scope) == (cleaned, 0)  # idempotent


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("kind", sorted(CONTEXTS))
def test_each_contextual_format_is_redacted_in_every_scope(kind: str, scope: Scope) -> None:
    template, secret = CONTEXTS[kind]
    text = template.format(s=secret)
    cleaned, count = redact(text, scope)
    assert secret not in cleaned and f"[REDACTED:{kind}]" in cleaned and count == 1, cleaned
    assert cleaned.startswith(template.split("{s}")[0])  # the key, the user name stay
    assert redact(cleaned, scope) == (cleaned, 0)


ALL: tuple[Scope, ...] = SCOPES
SHELL: tuple[Scope, ...] = ("command", "prose")
# (text, secret, kind, scopes where it is redacted; in the others it is kept)
ASSIGNMENTS: list[tuple[str, str, str, tuple[Scope, ...]]] = [
    # The forms
    ("password=hunter2 and retry", "hunter2", "assigned-secret", ALL),  # a statement: a literal
    ("login --api-key=XYZ12345abc", "XYZ12345abc", "cli-secret", ALL),
    ("login --password hunter22x --verbose", "hunter22x", "cli-secret", ALL),
    ("gh-tool --token abc123def456", "abc123def456", "cli-secret", ALL),
    ("export TOKEN=tok3nValue99; make deploy", "tok3nValue99", "env-secret", ALL),
    ("cd app && SECRET_KEY=k3y-for-django-0a9 python manage.py runserver", "k3y-for-django-0a9", "env-secret", ALL),
    (
        "AWS_ACCESS_KEY_ID=AKIAQWERTYUIOP123456 AWS_SECRET_ACCESS_KEY=Zx9/aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3wX4 aws s3 ls",
        "Zx9/aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3wX4",
        "aws-secret-access-key",
        ALL,
    ),
    # Quoted literals under secret-named keys, in code and config
    ('DB_PASSWORD = "Tr0ub4dor&3"', "Tr0ub4dor&3", "assigned-secret", ALL),
    ('{"client_secret": "abcdef0123456789"}', "abcdef0123456789", "assigned-secret", ALL),
    ("config :app, Repo, password: \"pg-Pa55word!\"", "pg-Pa55word!", "assigned-secret", ALL),
    ("$apiKey = 'q8Wn2Lp0Zt5Y';", "q8Wn2Lp0Zt5Y", "assigned-secret", ALL),
    ('const APIKey = "Qm9vZ2xlQXBpS2V5MQ";', "Qm9vZ2xlQXBpS2V5MQ", "assigned-secret", ALL),
    ("Api-Key: 7c1e9a44d2b84f0e", "7c1e9a44d2b84f0e", "assigned-secret", ALL),
    ('settings = {"api_key": "0b1c2d3e4f5a6b7c"}', "0b1c2d3e4f5a6b7c", "assigned-secret", ALL),
    ("'token' => 'Sx81kLm0QaZ2'", "Sx81kLm0QaZ2", "assigned-secret", ALL),
    ('os.environ["API_TOKEN"] = "abc123def456"', "abc123def456", "assigned-secret", ALL),
    ("api_key: str = 'abcdef123456'", "abcdef123456", "assigned-secret", ALL),
    ('{\\"password\\": \\"esc4ped-Pw9\\"}', "esc4ped-Pw9", "assigned-secret", ALL),
    # Config files: YAML, .env, INI/properties, TOML, XML
    ("db:\n  password: hunter22\n  host: localhost\n", "hunter22", "assigned-secret", ALL),
    ("DATABASE_PASSWORD=s3cretpass\nDEBUG=1\n", "s3cretpass", "env-secret", ALL),
    ("[smtp]\nsmtp_password = Mail!Pass99\n", "Mail!Pass99", "assigned-secret", ALL),
    ("spring.datasource.password=db-Pa55!\n", "db-Pa55!", "assigned-secret", ALL),
    ('[tool.x]\ntoken = "tomlT0ken1234"\n', "tomlT0ken1234", "assigned-secret", ALL),
    ("<server><password>mvnPa55word</password></server>", "mvnPa55word", "assigned-secret", ALL),
    ("x-api-key: 9f8e7d6c5b4a3f2e1d0c", "9f8e7d6c5b4a3f2e1d0c", "assigned-secret", ALL),
    ("DD_API_KEY=0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef", "datadog-key", ALL),
    # Connection strings
    ("Server=db;Database=app;User Id=sa;Password=Adm1n!pass;", "Adm1n!pass", "assigned-secret", ALL),
    ("jdbc:mysql://db/app?user=app&password=jdbcPa55", "jdbcPa55", "assigned-secret", ALL),
    # Flags of common clients
    ("mysql -u root -pS3cretRoot app", "S3cretRoot", "cli-secret", ALL),
    ("curl -u admin:hunter22 https://api.example.com", "hunter22", "cli-secret", ALL),
    ("@@ -1 +1 @@\n-curl -u admin:hunter22 x\n+mysql -pS3cretRoot y", "hunter22", "cli-secret", ALL),  # a diff
    ("curl -s -H 'X-Api-Key: live9a8b7c6d5e4f' https://x", "live9a8b7c6d5e4f", "assigned-secret", ALL),
    ("sshpass -p 'ssh-Pw-42' ssh deploy@host", "ssh-Pw-42", "cli-secret", ALL),
    ("redis-cli -h cache -a r3disPass", "r3disPass", "cli-secret", ALL),
    ("docker login -u me -p dockerPw77 registry.io", "dockerPw77", "cli-secret", ALL),
    ("PGPASSWORD=pgPass123 psql -h db -U app", "pgPass123", "env-secret", ALL),
    ("sqlcmd -S db -U sa -P Sql!Pass1", "Sql!Pass1", "cli-secret", ALL),
    ("keytool -list -keystore k.jks -storepass st0rePass", "st0rePass", "cli-secret", ALL),
    ("openssl enc -aes256 -pass pass:enc-Pass9 -in f", "enc-Pass9", "assigned-secret", ALL),
    ("aws configure set aws_secret_access_key Qw3/Er4Ty5Ui6Op7As8Df9Gh0Jk1Lz2Xc3Vb4Nm5M", "Qw3/Er4Ty5Ui6Op7As8Df9Gh0Jk1Lz2Xc3Vb4Nm5M", "aws-secret-access-key", ALL),
    ("kubectl create secret generic db --from-literal=password=kubePa55", "kubePa55", "assigned-secret", ALL),
    ("login --password 'two words here'", "two words here", "cli-secret", SHELL),
    # Forms whose reading depends on the scope
    ("token = abc123def", "abc123def", "assigned-secret", SHELL),
    ("run it --password secretword", "secretword", "cli-secret", ("command",)),
    ("mysql --password ab1c db", "ab1c", "cli-secret", SHELL),  # short, after the option: still a secret
    ("deploy --api-key=XYZ1", "XYZ1", "cli-secret", SHELL),
    ("apiKey: 'proxy-handled'", "proxy-handled", "assigned-secret", SHELL),
    ("connect password=hunter2 now", "hunter2", "assigned-secret", ALL),  # the form, in results too
    ("db = connect(host, password=hunter2)", "hunter2", "assigned-secret", ()),  # a keyword argument
    ("password=user_pw_2", "user_pw_2", "assigned-secret", SHELL),  # a snake_case variable in code
]  # fmt: skip


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize(("text", "secret", "kind", "scopes"), ASSIGNMENTS, ids=[a[0][:40] for a in ASSIGNMENTS])
def test_assigned_secrets_by_scope(text: str, secret: str, kind: str, scopes: tuple[Scope, ...], scope: Scope) -> None:
    cleaned, count = redact(text, scope)
    if scope in scopes:
        assert secret not in cleaned and f"[REDACTED:{kind}]" in cleaned and count >= 1, cleaned
        assert redact(cleaned, scope) == (cleaned, 0)
    else:
        assert (cleaned, count) == (text, 0)


# Texts that look like secrets and are not: untouched in every scope.
LOOK_ALIKES = [
    'api_key=os.environ["KEY"]',
    "password_field = form.password",
    "--token-file ~/.config/tok",
    "Server={server};Database={db};User Id={user};Password={password};",
    "token = compute()",
    'TOKEN="${X:-}"',
    "echo $PASSWORD | docker login --password-stdin -u me",
    "secret_name: my-db-secret",  # names a secret, is not one
    "password: ${{ secrets.DB_PASSWORD }}",
    "api_key: <your-api-key>",
    "API_KEY=your-api-key-here",
    "password: changeme",
    'token = "xxxxxxxxxxxxxxxx"',
    "password = '********'",
    "f(password=password)",
    "connect(host=h, password=db_password)",
    "self.token = token",
    "token: Optional[str] = None",
    "password: str",
    "secret = get_secret('name')",
    "claude --max-tokens 100000",
    "max_tokens=4096, total_tokens: 1234",
    "KeyError: 'token'",
    "commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
    "id 123e4567-e89b-12d3-a456-426614174000",
    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    '"integrity": "sha512-7XGXE0jG1O1KpZ5SVfHBXZ0RJ5c8Q2d4Iyd8uXhoBbXlDqoFpwsuLqZpNlTfQrFxx3uq8KDuj0yWZv7n8XvKTQ=="',
    "INFO payload eyJmb28iOiJiYXIifQ== decoded",
    "the task-runner uses sk-learn",
    "AKIAIOSFODNN7EXAMPL",  # one character short
    "postgres://localhost:5432/db",
    "https://user@github.com/org/repo.git",
    "git push origin main",
    "the tokens used were 12345",
    "pad_token = '<pad>'",
    "docker run -u 1000:1000 image",
    "mysql -p app_db",  # -p alone prompts
    "passwordless login is enabled",
    "bypass: true",
    "Authorization: Bearer $TOKEN",
    'headers = {"Authorization": f"Bearer {token}"}',
    "[REDACTED:github-token] and password=[REDACTED:assigned-secret]",
    'TOKEN_URL = "https://oauth2.googleapis.com/token"',
    "password = models.CharField(max_length=128)",
    "secretName: tls-secret",
    "[sudo] password for dev:",
    "pwd = os.getcwd()",
    "PWD=/home/dev/project",
    '"api_key": "sk-...",',
    "token: ${{ secrets.GITHUB_TOKEN }}",
    "export GITHUB_TOKEN=$(gh auth token)",
    'mysql -uroot -p"$MYSQL_PASSWORD" db',
    "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----",
    "postgresql://user:password@localhost/db",
    "password: process.env.DB_PASSWORD || 'postgres'",
    "https://api.example.com/v1/items?page_token=CAESBggDEG&limit=10",
    "--password-file /run/secrets/db --no-password",
    "postgres://postgres:postgres@localhost:5432/app_dev",  # a well-known default
    "amqp://guest:guest@localhost:5672",
    'os.environ["OPENAI_API_KEY"] = "deadbeef"',  # a well-known filler
]


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_are_left_alone_in_every_scope(text: str, scope: Scope) -> None:
    assert redact(text, scope) == (text, 0)


def test_there_are_at_least_25_look_alikes() -> None:
    assert len(set(LOOK_ALIKES)) >= 25


def test_code_keeps_code_that_prose_and_commands_redact() -> None:
    assert redact("token = compute()", "code") == ("token = compute()", 0)
    shell: tuple[Scope, ...] = ("command", "prose")
    code: tuple[Scope, ...] = ("code", "output")
    for scope in shell:
        assert redact("--token abc123def456", scope) == ("--token [REDACTED:cli-secret]", 1)
        assert redact("password=hunter2", scope)[1] == 1
        assert redact("token = abc123def", scope)[1] == 1
        assert redact("apiKey: 'proxy-handled'", scope)[1] == 1
    for scope in code:
        assert redact("token = abc123def", scope)[1] == 0  # a variable there
        assert redact("apiKey: 'proxy-handled'", scope)[1] == 0  # a stand-in
        assert redact("--password secretword", scope)[1] == 0  # a flag's value must look like one
        # ...while unquoted assignments without spaces are literals in every scope
        assert redact("password=hunter2", scope)[1] == 1
        assert redact("log in with password=hunter2 and retry", scope)[1] == 1
        assert redact("DB_PASSWORD=hunter2", scope)[1] == 1


def test_a_private_key_is_removed_whole_even_unterminated() -> None:
    text = "key:\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nAAAAbm9uZQ"
    cleaned, count = redact(text, "output")
    assert cleaned == "key:\n[REDACTED:private-key]" and count == 1


def test_every_secret_of_a_text_goes_and_the_rest_stays() -> None:
    github, openai = FORMATS["github-token"], FORMATS["openai-key"]
    text = f"GITHUB_TOKEN={github}\nOPENAI_API_KEY={openai}\nDEBUG=1\npassword: hunter22\n"
    cleaned, count = redact(text, "output")
    assert count == 3
    assert cleaned == (
        "GITHUB_TOKEN=[REDACTED:github-token]\nOPENAI_API_KEY=[REDACTED:openai-key]\nDEBUG=1\n"
        "password: [REDACTED:assigned-secret]\n"
    )


def test_positions_hold_after_characters_that_change_length_when_lowered() -> None:
    secret = FORMATS["github-token"]
    text = "İİİ token " + secret + " İ"
    assert redact(text, "prose") == ("İİİ token [REDACTED:github-token] İ", 1)


def test_an_unknown_scope_is_refused_with_the_valid_ones_named() -> None:
    with pytest.raises(ValueError, match="prose, command, code, output"):
        redact("x", "shell")  # type: ignore[arg-type]


def test_tool_inputs_are_redacted_key_by_key_with_their_scope() -> None:
    tool_input = {
        "command": "connect token = abc123def",  # command: redacted
        "description": "token = abc123def",  # prose: redacted
        "new_string": "secret = compute()\ntoken = abc123def",  # code: kept
        "edits": [
            {"old_string": "x", "new_string": 'API_TOKEN = "Zq81kLm0QaZ2x"', "replace_all": False},
            {"old_string": "token = abc123def", "new_string": "token = compute()"},
        ],
    }
    cleaned, count = redact_tool_input(tool_input)
    assert count == 3
    assert cleaned["command"] == "connect token = [REDACTED:assigned-secret]"
    assert cleaned["description"] == "token = [REDACTED:assigned-secret]"
    assert cleaned["new_string"] == tool_input["new_string"]
    assert cleaned["edits"][0] == {
        "old_string": "x",
        "new_string": 'API_TOKEN = "[REDACTED:assigned-secret]"',
        "replace_all": False,
    }
    assert cleaned["edits"][1] == tool_input["edits"][1]
    assert redact_tool_input({"command": "ls"}) == ({"command": "ls"}, 0)


def test_structured_values_under_secret_named_keys_are_replaced_whole() -> None:
    """An MCP tool's input or a JSON document: the key names the secret, the value is all of it."""
    tool_input = {
        "sql": "select 1",
        "password": "McpPassw0rd Q7",
        "connection": {"api_key": "K3yQ7x9Lm2Vn4", "host": "db", "token_type": "bearer"},
        "tokens": "many words here",
        "secret_name": "my-db-secret",
        "token": "${TOKEN}",
    }
    cleaned, count = redact_tool_input(tool_input)
    assert count == 2
    assert cleaned["password"] == "[REDACTED:assigned-secret]"
    assert cleaned["connection"] == {"api_key": "[REDACTED:assigned-secret]", "host": "db", "token_type": "bearer"}
    for key in ("sql", "tokens", "secret_name", "token"):
        assert cleaned[key] == tool_input[key]
    assert redact_tool_input(cleaned) == (cleaned, 0)
    assert redact_value({"DB_PASSWORD": "hunter22"}, "output") == ({"DB_PASSWORD": "[REDACTED:env-secret]"}, 1)


def test_json_values_are_redacted_before_serializing() -> None:
    value = {
        "command": f"curl -H 'X: {FORMATS['anthropic-key']}'",
        "nested": [{"content": 'api_key = "0123456789abcdef"'}],
        "n": 3,
    }
    cleaned, count = redact_value(value, "output")
    assert count == 2
    assert cleaned["nested"][0]["content"] == 'api_key = "[REDACTED:assigned-secret]"'
    assert redact_value(cleaned, "output") == (cleaned, 0)


@pytest.mark.parametrize("seed", range(20))
def test_secrets_and_look_alikes_mixed_in_one_text(seed: int) -> None:
    """Planted secrets and look-alikes in random order in one text: every secret goes, every
    look-alike stays, and a second pass changes nothing."""
    rng = random.Random(seed)
    scope = rng.choice(SCOPES)
    secrets = rng.sample(sorted(FORMATS.values()), 6)
    kept = rng.sample([t for t in LOOK_ALIKES if "\n" not in t and "REDACTED" not in t], 8)
    pieces = [f"key {s} end" for s in secrets] + kept
    rng.shuffle(pieces)
    text = "\n".join(pieces)
    cleaned, count = redact(text, scope)
    assert count == len(secrets), cleaned
    for secret in secrets:
        assert secret not in cleaned
    for line in kept:
        assert line in cleaned.split("\n")
    assert redact(cleaned, scope) == (cleaned, 0)
