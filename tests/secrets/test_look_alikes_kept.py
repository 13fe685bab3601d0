"""Look-alikes kept and secrets found where issue 82's adversarial set showed otherwise: what a text
says a value is decides, in every scope. Values here were written for this test (no corpus)."""

from __future__ import annotations

import pytest

from lessonloop.secrets.redaction import SCOPES, Scope, redact

_HEX = "8f3a1b2c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8"

KEPT = [
    "[1] https://arxiv.org/abs/2401.00001",  # a Markdown reference before a URL (was `https:[REDACTED:url-password]`)
    "[link] https://example.com/docs/getting-started",
    "[12]: http://example.org/a/b",
    "AKIAIOSFODNN7EXAMPLE",  # AWS's documented example keys
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "minisign public key: RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3",
    '{"publicKey": "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3"}',
    "cache key: Linux-node-modules-" + _HEX[:48],
    "Cache restored from key: node-cache-Linux-npm-" + _HEX,
    '{"code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256"}',
    "code_challenge: E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    # base64 of a JSON document holding no secret: a page token, a cursor
    '"nextPageToken": "eyJwYWdlIjogMiwgInBlcl9wYWdlIjogNTAsICJzb3J0IjogImNyZWF0ZWRfYXQiLCAib3JkZXIiOiAiZGVzYyJ9"',
    # a test's placeholder password
    "@pytest.fixture\ndef user():\n    return User(email='a@b.c', password='password123')",
]


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("text", KEPT)
def test_a_look_alike_is_kept(text: str, scope: Scope) -> None:
    assert redact(text, scope) == (text, 0)


def test_postfix_sasl_passwords_are_still_found() -> None:
    for line in ("[smtp.gmail.com]:587 me@gmail.com:hunter2hunter", "[mail.example.org] bob:S3cr3t-Pa55word"):
        out, count = redact(line, "output")
        assert count == 1 and "hunter2hunter" not in out and "S3cr3t-Pa55word" not in out


@pytest.mark.parametrize("scope", SCOPES)
def test_a_key_at_the_end_of_a_grep_hit_is_found(scope: Scope) -> None:
    """A key after its flag in a grep hit (`config.txt:1:...`): `.txt` read as the word `tx` (a
    transaction's hash) kept it, and a `sha256:` earlier on the line too."""
    line = (
        "config.txt:1:kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef "
        f"--discovery-token-ca-cert-hash sha256:1234 --control-plane --certificate-key {_HEX}"
    )
    out, _count = redact(line, scope)
    assert _HEX not in out and "[REDACTED:" in out
    assert redact(f"commit {_HEX}", scope)[0].endswith(_HEX)  # a hash's word: kept


def test_what_looks_alike_but_is_a_secret_is_still_redacted() -> None:
    import base64
    import json

    auth = base64.b64encode(b"bob:Xk29pQ-Tr0ub4dor").decode()
    docker = base64.b64encode(json.dumps({"auths": {"ghcr.io": {"auth": auth}}}).encode()).decode()
    assert docker[:-2] not in redact(f'"dockerconfigjson": "{docker}"', "output")[0]  # it holds a credential
    assert "password123" not in redact("db.connect(user='app', password='password123')", "code")[0]  # not a test
    assert "password123" not in redact("the staging db password is password123", "prose")[0]


# Secrets that what surrounds them names (issue 82, item 1): a fresh set written for the issue, in
# every form the issue lists (the line after a command that reveals one, a label before it, its
# encoding, a correction, `!` mode's wrapper). Prefixes are joined so no token-shaped literal sits here.
CARRIED = [
    ("$ kubectl get secret redis -o jsonpath='{.data.redis-password}' | base64 -d\n", "Vq3mK8zPw2LxR7"),
    ("$ vault kv get -field=api_key kv/prod/payments\n", "pk9Xw2mQz7RtL4vB"),
    ("$ gcloud secrets versions access latest --secret=stripe\n", "Zt8wQv3NpL6rXk2m"),
    ("$ doppler secrets get DB_PASSWORD --plain\n", "qW7eRt9yUi3oP"),
    ("$ pass show infra/root\n", "Bq8!mZ2#rT5w"),
    ("$ op read 'op://Private/GitHub/token'\n", "gh" + "p_Q1w2E3r4T5y6U7i8O9p0AsDfGhJkL1z2X3c4"),
    ("? Service account key: ", "7c9e6679-7425-40de-944b-e07fc1f90ae7"),
    ("Master key: ", "5f2b8c1d9e7a4f6b3c2d1e0f9a8b7c6d"),
    ("$ echo -n 'S3cr3tPassw0rd!' | xxd -p\n", "53336372337450617373773072642100"),
    ("$ printf '%s' 'Corr3ct-H0rse-Battery' | xxd -p\n", "436f72723363742d48307273652d42617474657279"),
    ("$ printf 'Corr3ct-H0rse-Battery' | base64\n", "Q29ycjNjdC1IMHJzZS1CYXR0ZXJ5"),
    ("No, don't do that, run it with MYSQL_PWD=", "Lp9vQe2Zr7Wx"),
    ("<bash-input>export OPENAI_API_KEY=", "sk-" + "proj-Ab3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY"),
    ("db.internal:5432:app:appuser:", "Xc7vBn3MzQ9w"),
    ("machine api.example.com login bot password ", "R4ndomP4ssW0rdZ"),
    ("Authorization: Basic ", "YWRtaW46c3VwZXJzZWNyZXQxMjM="),
]


@pytest.mark.parametrize(("before", "secret"), CARRIED, ids=[c[0][:30] for c in CARRIED])
def test_a_secret_named_by_what_surrounds_it_is_redacted(before: str, secret: str) -> None:
    out, count = redact(before + secret, "output")
    assert secret not in out and count >= 1, out


def test_what_a_printf_piped_into_an_encoder_prints_is_kept_when_it_is_no_secret() -> None:
    for text in ("printf 'hello world' | wc -c\n11", "printf 'build-output' | sha256sum\n" + _HEX + "  -"):
        assert redact(text, "output") == (text, 0)
