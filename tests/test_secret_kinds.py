"""Issue 25's kinds of secrets, one by one in every scope (tests/secret_samples.py's PLANTED lines and
their file forms), their look-alikes, keys written in pieces (split strings, list items), the
vendored gitleaks rules (the JSON is the conversion of the TOML; every rule compiles and has
anchors) and idempotence."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lessonloop.secrets.field_redaction import redact_fields
from lessonloop.secrets.gitleaks_rules import VENDORED_RULES, shannon
from lessonloop.secrets.redaction import SCOPES, Scope, redact, redact_value
from tests.secret_samples import LOOK_ALIKES, PEM_LINE_2, PEM_LINE_3, PKCS8_LINE, PLANTED

REPO = Path(__file__).resolve().parent.parent
NEW = [p for p in PLANTED if PLANTED.index(p) >= 33]  # the kinds added for issue 25


def test_issue_25_plants_every_kind_it_names() -> None:
    kinds = {p.kind for p in NEW}
    assert {
        "discord-bot-token", "discord-webhook", "telegram-bot-token", "twilio-api-key", "netrc", "curl-cookie",
        "cookie-header", "set-cookie", "kubeconfig", "docker-config", "npmrc", "postgres-url-slash",
        "pem-split-code", "pem-json-lines", "putty-key", "ssh-keygen", "password-in-prose", "gcp-private-key-id",
        "htpasswd", "line-after-redacted",
    } <= kinds  # fmt: skip
    assert len(PLANTED) >= 60


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("planted", NEW, ids=[p.kind for p in NEW])
def test_each_new_kind_is_redacted_in_every_scope(planted: object, scope: Scope) -> None:
    for text in {planted.line, planted.in_file}:  # type: ignore[attr-defined]
        cleaned, count = redact(text, scope)
        assert count >= 1 and "[REDACTED:" in cleaned, cleaned
        assert [s for s in planted.secrets if s in cleaned] == [], cleaned  # type: ignore[attr-defined]
        assert redact(cleaned, scope) == (cleaned, 0)  # idempotent


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_planted_look_alikes_are_kept(text: str, scope: Scope) -> None:
    assert redact(text, scope) == (text, 0)


def test_kinds_are_named_after_the_secret() -> None:
    named = {
        "client.run('MTA5ODc2NTQzMjEwOTg3NjU0Mw.GhQ3xk.Zq8Lm2Vx7Rt4Kp9W_dZq8Lm2Vx7Rt4Kp9W_dZqX')": "discord-bot-token",
        "machine h login u password Netrc5ecretPw9": "netrc-password",
        "Set-Cookie: sid=Ck3SetC00kieVal9Z; Path=/": "cookie",
        "admin:$apr1$Xq7Lm2Vr$Qm8Rt2Lx7Vn4Ks9PzW3yHQ": "password-hash",
        "postgres://app:Pg/Sl4sh9Pw@db.internal:5432/app": "url-password",
    }
    for text, kind in named.items():
        assert f"[REDACTED:{kind}]" in redact(text)[0], text


def test_a_cookie_keeps_its_name_and_attributes() -> None:
    assert redact("Set-Cookie: sid=Ck3SetC00kieVal9Z; Path=/; HttpOnly")[0] == (
        "Set-Cookie: sid=[REDACTED:cookie]; Path=/; HttpOnly"
    )
    assert redact("Cookie: theme=dark; session=Ck9sEss10nV4lue7Q")[0] == "Cookie: theme=dark; session=[REDACTED:cookie]"


def test_a_url_with_a_port_and_a_path_before_an_at_sign_is_kept() -> None:
    for text in ("https://host.example:8080/users/@alice", "see https://example.com:443/path@v2 for it"):
        assert redact(text) == (text, 0)


def test_a_key_split_across_list_items_is_removed_item_by_item() -> None:
    items = ["-----BEGIN PRIVATE KEY-----", PKCS8_LINE, PEM_LINE_3, "-----END PRIVATE KEY-----", "after the key"]
    cleaned, count = redact_value({"key": items}, "output")
    assert cleaned["key"][:4] == ["[REDACTED:private-key]"] * 4 and cleaned["key"][4] == "after the key"
    assert count == 4
    fields, _ = redact_fields({"lines": items})
    assert not any(line in str(fields) for line in (PKCS8_LINE, PEM_LINE_3))


def test_a_key_body_without_its_begin_line_is_removed_to_its_last_line() -> None:
    text = f'k = "MIIEpAIBAAKCAQEA{PEM_LINE_2}" +\n    "{PEM_LINE_3}"\nprint(k)'
    cleaned, count = redact(text, "code")
    assert cleaned == 'k = "[REDACTED:private-key]"\nprint(k)' and count == 1


def test_a_certificate_body_is_not_a_private_key() -> None:
    cert = "MIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ"
    assert redact(cert, "output") == (cert, 0)


def test_the_vendored_rules_json_is_the_conversion_of_the_toml() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gitleaks_rules.py"), "--check"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_every_vendored_rule_compiles_and_has_anchors() -> None:
    assert len(VENDORED_RULES) >= 200
    for rule in VENDORED_RULES:
        assert rule.anchors, rule.kind
        rule.pattern.compiled  # noqa: B018  (compiles)
        for pattern in (*rule.allow_secret, *rule.allow_match, *rule.allow_line):
            pattern.compiled  # noqa: B018


def test_vendored_rules_check_entropy_and_allowlists() -> None:
    assert shannon("aaaa") == 0.0 and shannon("ab") == 1.0
    low = "SK" + "0" * 32  # twilio's shape without its entropy
    assert redact(f"key {low} here") == (f"key {low} here", 0)
    example = "AKIAIOSFODNN7EXAMPLE"  # allowlisted by gitleaks (.+EXAMPLE$); our own AWS rule redacts it
    assert "[REDACTED:aws-access-key-id]" in redact(example)[0]


@pytest.mark.parametrize(
    "text",
    [
        "blob -5ghp_DtgiFrcnBNuezjR9mNezYbyd4MdzGTQMs0Zh end",  # a token's prefix inside encrypted content
        "TASK0a9b8c7d6e5f0a9b8c7d6e5f0a9b8c7d done",  # Twilio's SK inside a word
        "oauth2_token: Optional[str] = None\\n    refresh_token: Optional[str] = None\\n",  # escaped code
        "localhost:5432:*:postgres:postgres",  # a .pgpass line with the well-known default
        "if token is other_token2:",
    ],
)
def test_vendored_and_new_rules_keep_these_look_alikes(text: str) -> None:
    for scope in SCOPES:
        assert redact(text, scope) == (text, 0), scope


def test_a_url_password_before_a_templated_host_is_redacted() -> None:
    text = 'f"https://foo:aabbcc@{Bitbucket.DEFAULT_DOMAIN}/custom/example.git"'
    assert (
        redact(text, "code")[0]
        == 'f"https://foo:[REDACTED:url-password]@{Bitbucket.DEFAULT_DOMAIN}/custom/example.git"'
    )
