"""Secret redaction: each rule finds its secret and leaves look-alikes alone."""

from __future__ import annotations

import pytest

from lessonloop.analyze.redaction import RULES, redact, redact_value

SECRETS = {
    "private-key": "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
    "aws-access-key-id": "AKIAIOSFODNN7EXAMPLE",
    "github-token": "ghp_" + "A1b2C3d4" * 5,
    "gitlab-token": "glpat-" + "x" * 20,
    "slack-token": "xoxb-123456789012-abcdefghij",
    "slack-webhook": "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXX",
    "anthropic-key": "sk-ant-api03-" + "k" * 30,
    "openai-key": "sk-proj-" + "a" * 30,
    "stripe-key": "sk_live_" + "4" * 24,
    "google-api-key": "AIza" + "B" * 35,
    "npm-token": "npm_" + "c" * 36,
    "pypi-token": "pypi-" + "d" * 60,
    "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
}
LOOK_ALIKES = [
    "the task-runner uses sk-learn",  # too short to be a key
    "AKIAIOSFODNN7EXAMPL",  # one character short
    "password = get_password_from_vault()",  # code, not a literal
    'TOKEN="${SPOTTER_REVIEW_TOKEN:-}"',  # a shell expansion
    "the tokens used were 12345",
    "git push origin main",
    "postgres://localhost:5432/db",  # no password in the URL
]


def test_every_rule_has_a_planted_secret() -> None:
    kinds = {rule.kind for rule in RULES}
    assert set(SECRETS) <= kinds
    assert kinds - set(SECRETS) == {"bearer-token", "url-password", "assigned-secret", "env-secret"}


@pytest.mark.parametrize("kind", sorted(SECRETS))
def test_each_kind_of_secret_is_redacted(kind: str) -> None:
    secret = SECRETS[kind]
    cleaned, count = redact(f"before {secret} after")
    assert secret not in cleaned and f"[REDACTED:{kind}]" in cleaned and count == 1
    assert cleaned.startswith("before ") and cleaned.endswith(" after")


@pytest.mark.parametrize(
    ("text", "kind", "kept"),
    [
        ("Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123", "bearer-token", "Authorization: Bearer "),
        ("postgres://app:s3cr3tpw@db.internal/app", "url-password", "postgres://app:"),
        ('password = "correct-horse-battery"', "assigned-secret", 'password = "'),
        ('{"client_secret": "abcdef0123456789"}', "assigned-secret", '{"client_secret": "'),
        ("export DB_PASSWORD=hunter2hunter2", "env-secret", "export DB_PASSWORD="),
    ],
)
def test_secrets_by_context_keep_their_name(text: str, kind: str, kept: str) -> None:
    cleaned, count = redact(text)
    assert count == 1 and f"[REDACTED:{kind}]" in cleaned and cleaned.startswith(kept)


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_are_left_alone(text: str) -> None:
    assert redact(text) == (text, 0)


def test_redacting_twice_changes_nothing() -> None:
    once, _ = redact(f"token {SECRETS['github-token']} and password = 'abcdefgh12'")
    assert redact(once) == (once, 0)


def test_json_values_are_redacted_before_serializing() -> None:
    value = {
        "command": f"curl -H 'X: {SECRETS['anthropic-key']}'",
        "nested": [{"content": 'api_key = "0123456789abcdef"'}],
    }
    cleaned, count = redact_value(value)
    assert count == 2
    assert SECRETS["anthropic-key"] not in str(cleaned) and "0123456789abcdef" not in str(cleaned)
    assert redact_value({"n": 1, "ok": True}) == ({"n": 1, "ok": True}, 0)
