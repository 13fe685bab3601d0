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
