"""Issue 60's structural redaction: its development set (tests/secret_samples_issue60.py) in
every scope, the decoded views' map back to the text, and the look-alikes the new rules must
keep (ports after -p, commit ids after a label, ids with a prefix, a path after admin/, words
about passwords in other languages)."""

from __future__ import annotations

import pytest

from lessonloop.secrets.decoded_views import views
from lessonloop.secrets.redaction import SCOPES, Scope, redact
from lessonloop.secrets.token_shape import random_token
from tests.secret_samples import _rep
from tests.secret_samples_issue60 import ISSUE_60

HEX40 = _rep("3e8b1d6f9a2c7e04", 40)
HEX64 = _rep("9f2c7a4e1b8d3f60", 64)

KEPT = (
    "ssh -p 2222 -l deploy build01",
    "docker run -u 1000 -p 8080:80 nginx:1.27",
    "mysql -u root -p",
    "psql -U app -p 5432 -h db",
    "git show commit-" + HEX40,
    "cache key: Linux-pip-" + HEX64,
    "sha256_" + HEX64,
    "call_" + _rep("Ab12Cd34", 24) + " returned 0",
    "toolu_" + _rep("01AbCdEf23", 24),
    "see admin / settings / users for the list",
    "log in as admin / root is disabled",
    "Das Passwort ist falsch",
    "le mot de passe est trop court",
    "la contraseña es obligatoria",
    "пароль: не задан",
    "密码是必填项",
    "kubectl get secret app -o yaml",
    "gh secret set DEPLOY_KEY < key.txt",
    'gh secret set TOKEN --body "$TOKEN"',
    "vault kv put secret/app db=${DB_PASSWORD}",
    'az keyvault secret set --vault-name kv --name pw --value "$(cat pw.txt)"',
    "handleUserAuthenticationCallbackWithRetries",
    "REDIS_AUTH=yes",
    "auth: basic",
    "SMTP_AUTH=LOGIN",
    "cmdkey /list",
    "net user deploy /delete",
    "rabbitmqctl add_user deploy $RABBIT_PW",
    "schtasks /create /tn Backup /tr backup.bat /sc daily",
    'expect "*assword:"; send "$env(PW)\\r"',
    "const data = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]",
    "-----BEGIN CERTIFICATE-----\nMIIB" + _rep("xY3z", 60) + "\n-----END CERTIFICATE-----",
    "-----BEGIN PUBLIC KEY-----\nMIIB" + _rep("xY3z", 60) + "\n-----END PUBLIC KEY-----",
    'print("a" + "b")',
)


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("planted", ISSUE_60, ids=[p.kind for p in ISSUE_60])
def test_issue_60_kinds_are_redacted_in_every_scope(planted: object, scope: Scope) -> None:
    for text in {planted.line, planted.in_file}:  # type: ignore[attr-defined]
        cleaned, count = redact(text, scope)
        assert count >= 1, cleaned
        assert [s for s in planted.secrets if s in cleaned] == [], cleaned  # type: ignore[attr-defined]
        assert redact(cleaned, scope) == (cleaned, 0)  # idempotent


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("text", KEPT)
def test_look_alikes_of_the_structural_rules_are_kept(text: str, scope: Scope) -> None:
    assert redact(text, scope) == (text, 0)


def test_a_secret_found_decoded_is_replaced_where_it_is_spelled() -> None:
    token = "ghp_" + _rep("Zx8Qw2Lm4Vb6Nt0Rk3", 36)
    escaped = '{"k": "\\u0067hp_' + token[4:] + '"}'
    cleaned, _ = redact(escaped, "output")
    assert token[4:] not in cleaned and cleaned.startswith('{"k": "[REDACTED:') and cleaned.endswith('"}')
    split = 'token = "' + token[:10] + '" + "' + token[10:] + '"'
    cleaned, _ = redact(split, "code")
    assert token[10:] not in cleaned and token[4:10] not in cleaned, cleaned
    assert cleaned.startswith('token = "[REDACTED:'), cleaned


def test_views_map_every_character_back() -> None:
    text = 'a\\"b\\\\nc "x" + "y" \\u0041'
    for view in views(text):
        for i, char in enumerate(view.text):
            start, end = view.source_span(i, i + 1)
            source = text[start:end]
            assert char in source or source.startswith("\\"), (view.text, i, source)


def test_random_token_tells_keys_from_names() -> None:
    assert random_token("Qx7Lm2Vb9Tk4Wz8Rp3Hc")
    assert random_token(_rep("a83f0c9d6e2b1f47", 32))
    assert not random_token("handleUserCallback2024")
    assert not random_token("node_modules_cache_dir")
    assert not random_token(_rep("ab", 32))


def _leaking(planted: tuple[object, ...]) -> list[str]:
    leaking = []
    for item in planted:
        texts = {item.line, item.in_file}  # type: ignore[attr-defined]
        cleaned = [redact(text, scope)[0] for text in texts for scope in SCOPES]
        if any(secret in text for secret in item.secrets for text in cleaned):  # type: ignore[attr-defined]
            leaking.append(item.kind)  # type: ignore[attr-defined]
    return leaking


# The sets written apart from the rules (docs/privacy.md, "Measured"): what leaks now, as a floor
# that must not fall back. Their first figures (before the rules saw them) are the held-out ones.
MEASURED = (
    ("tests.secret_samples_fresh", "FRESH", "BENIGN_FRESH", 0.03),
    ("tests.secret_samples_fresh2", "FRESH2", "BENIGN_FRESH2", 0.035),
    ("tests.secret_samples_fresh3", "FRESH3", "BENIGN_FRESH3", 0.055),
    ("tests.secret_samples_fresh4", "FRESH4", "BENIGN_FRESH4", 0.09),
)


@pytest.mark.parametrize(("module", "planted", "benign", "at_most"), MEASURED, ids=[m[0] for m in MEASURED])
def test_the_sets_written_apart_leak_no_more_than_now(module: str, planted: str, benign: str, at_most: float) -> None:
    import importlib

    samples = importlib.import_module(module)
    kinds = getattr(samples, planted)
    leaking = _leaking(kinds)
    assert len(leaking) <= at_most * len(kinds), leaking
    changed = [text for text in getattr(samples, benign) if redact(text, "output")[1]]
    # the AWS documentation's example keys, jwt.io's example token and password hashes are redacted
    # on purpose: a redactor cannot tell an example from a real key, and a hash can be cracked
    kept_on_purpose = ("AKIAIOSFODNN7EXAMPLE", "jwt.io", "[REDACTED:password-hash]")
    assert (
        len([text for text in changed if not any(mark in text + redact(text, "output")[0] for mark in kept_on_purpose)])
        <= 1
    ), changed


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize(
    "text",
    [
        '{"name": "cli", "license": "Apache-2.0", "version": "1.2.3"}',
        '{"type":"thinking","thinking":"...","signature":"' + _rep("EqQCCkYICxgCKkDkoj349GKo", 120) + '"}',
        "snmp-server location rack 4",
        "Rotate the staging password every month in Vault",
        "kid: " + _rep("tHHFkHlC47wNLx8I", 16),
    ],
)
def test_public_values_and_names_near_secret_words_are_kept(text: str, scope: Scope) -> None:
    assert redact(text, scope) == (text, 0)
