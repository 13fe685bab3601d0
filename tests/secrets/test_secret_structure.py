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
    # on a line about logging in, what is not a password's shape (cued_passwords)
    "login with user@example.com, then run npm i react@18.2.0 and python3.11 -m venv",
    "password: ENC[AES256_GCM,data:aM+Cr4d/Z6MuZeypwC6DFnDu,iv:jAdDhP5obuGeiBGrRP2rruSJqIBEi6OD,type:str]",
    "user test_user2 logged in at 10:42 from 10.0.0.7 (session abc123def)",
    "<name>keyboard.layout</name><value>de-nodeadkeys2</value>",
    "k=${TOKEN_TTL:3600} and ${API_KEY:-}",
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
    # look-alikes of the tenth and eleventh rounds' rules
    "| api_key | string | Your API key from the dashboard. |\n| db_url | string | The URL |",
    "| step | token |\n|---|---|\n| 1 | 2345 |",
    "Idempotency-Key: 399f78b7-9312-4a49-8e84-d2cb68adf79f",
    "Object key: uploads/2026/11/27/54c38d6e-2229-40ac-8756-754092198bf7.jpg",
    "Cookie: locale=de-DE; tz=Europe%2FBerlin",
    "assert login('alice', 'wrong-password') is False",
    "MOCK_API_KEY=mock-key-for-unit-tests",
    "the log level is set to 'debug'",
    "SENTRY_DSN=https://" + HEX64[:32] + "@o450.ingest.sentry.io/5731",
    "$ cat README-seed.md\nthis file explains the seeds",
    'user,name\n"ab","cd"\n"ef","gh"',
)


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("planted", ISSUE_60, ids=[p.kind for p in ISSUE_60])
def test_issue_60_kinds_are_redacted_in_every_scope(planted: object, scope: Scope) -> None:
    for text in {planted.line, planted.in_file}:  # type: ignore[attr-defined]
        cleaned, count = redact(text, scope)
        assert count >= 1, cleaned
        assert [s for s in planted.secrets if s in cleaned] == [], cleaned  # type: ignore[attr-defined]
        assert redact(cleaned, scope) == (cleaned, 0)  # idempotent


@pytest.mark.usefixtures("rules_only")
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
# that must not fall back. Their first figures (before the rules saw them) are the held-out ones;
# the learned pass (secrets/learned_tokens.py) is trained on them too, so these are not.
MEASURED = (
    ("tests.secret_samples_fresh", "FRESH", "BENIGN_FRESH", 0.006, 1),
    ("tests.secret_samples_fresh2", "FRESH2", "BENIGN_FRESH2", 0.007, 1),
    ("tests.secret_samples_fresh3", "FRESH3", "BENIGN_FRESH3", 0.009, 1),
    ("tests.secret_samples_fresh4", "FRESH4", "BENIGN_FRESH4", 0.01, 1),
    ("tests.secret_samples_fresh5", "FRESH5", "BENIGN_FRESH5", 0.011, 0),
    ("tests.secret_samples_fresh6", "FRESH6", "BENIGN_FRESH6", 0.012, 0),
    ("tests.secret_samples_fresh7", "FRESH7", "BENIGN_FRESH7", 0.016, 3),
    ("tests.secret_samples_fresh8", "FRESH8", "BENIGN_FRESH8", 0.007, 3),
    ("tests.secret_samples_fresh9", "FRESH9", "BENIGN_FRESH9", 0.011, 2),
    ("tests.secret_samples_fresh10", "FRESH10", "BENIGN_FRESH10", 0.011, 0),
    ("tests.secret_samples_fresh11", "FRESH11", "BENIGN_FRESH11", 0.009, 2),
    ("tests.secret_samples_fresh12", "FRESH12", "BENIGN_FRESH12", 0.005, 3),
    ("tests.secret_samples_fresh13", "FRESH13", "BENIGN_FRESH13", 0.012, 4),
    ("tests.secret_samples_fresh14", "FRESH14", "BENIGN_FRESH14", 0.014, 7),
)


@pytest.mark.parametrize(
    ("module", "planted", "benign", "at_most", "changed_at_most"), MEASURED, ids=[m[0] for m in MEASURED]
)
def test_the_sets_written_apart_leak_no_more_than_now(
    module: str, planted: str, benign: str, at_most: float, changed_at_most: int
) -> None:
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
        <= changed_at_most
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
@pytest.mark.usefixtures("rules_only")
def test_public_values_and_names_near_secret_words_are_kept(text: str, scope: Scope) -> None:
    assert redact(text, scope) == (text, 0)


# What the rules of secrets/paired_values.py and the second round of prose and printed secrets
# read (dev examples, written for these tests), and what they must leave alone.
_NEIGHBOURS = (
    ("        - name: SESSION_SECRET\n          value: 9f8e7d6c5b4a39281706f5e4d3c2b1a0ffee", "9f8e7d6c5b4a39281706"),
    ('{"name": "Cookie", "value": "_app_session=b1946ac92492d2347c6235b4d2611184; lang=en"}', "b1946ac92492d2347c62"),
    ('<add key="MailPassword" value="Quartz&amp;Lime7" />', "Quartz&amp;Lime7"),
    ('<entry key="db.password">Tundra-Owl-44</entry>', "Tundra-Owl-44"),
    ('<input type="password" name="p" value="Orbit_9_Falcon">', "Orbit_9_Falcon"),
    ('os.environ.setdefault("API_TOKEN", "k3Jx9LmQ2vR8tW5z")', "k3Jx9LmQ2vR8tW5z"),
    ('cred = NetworkCredential("ops@example.org", "qwpzrtkxmvbnhjgf")', "qwpzrtkxmvbnhjgf"),
    ('sdk = Client("0123abcd4567ef890123abcd4567ef89", region="eu")', "0123abcd4567ef890123abcd4567ef89"),
    ("INSERT INTO mail VALUES (3,'relay','Marble*2019');", "Marble*2019"),
    ("$ vaultctl show-password db\nPlum7Raven2Cobalt", "Plum7Raven2Cobalt"),
    ('{"issuer": "acme", "totp": "MZXW6YTBOI4DCMRTGQ2TMNZY"}', "MZXW6YTBOI4DCMRTGQ2TMNZY"),
    ("$ echo -n 'Fj3#kd9!Qz' | base64\nRmozI2tkOSFReg==", "RmozI2tkOSFReg=="),
    ("wifi password -> Lantern4Meadow", "Lantern4Meadow"),
    ('my passphrase is "velvet comet harbor prism"', "velvet comet harbor prism"),
    ("The PUK of the spare SIM is on file, PUK 55120934", "55120934"),
    ("requirepass 8c1f0e4b2a7d9c3e5f6a1b0d2c4e8f7a", "8c1f0e4b2a7d9c3e5f6a1b0d2c4e8f7a"),
    (
        "$ pwgen -s 24 1\nqT7vLx2mRk9pWz4nBc6hJd3s\n$ export APP_KEY=qT7vLx2mRk9pWz4nBc6hJd3s",
        "qT7vLx2mRk9pWz4nBc6hJd3s",
    ),
    ('variable "db_password" {\n  default = "Harbor7Lime!"\n}', "Harbor7Lime!"),
    ("keys:\n  tokens:\n    - 9d1c7e2a4b6f8a0c3e5d7f9b1a2c4e6d\n", "9d1c7e2a4b6f8a0c3e5d7f9b1a2c4e6d"),
    ("aes_key: [12,34,56,78,90,12,34,56,78,90,12,34,56,78,90,12]", "12,34,56,78,90,12,34,56"),
    ("const t = ['Qw8xZk2', 'Lm4Pv9r', 'Tn6Bj3s'].join('');", "Qw8xZk2"),
    ("Who has the wifi password?\nme: Otter.Cliff.884", "Otter.Cliff.884"),
    ("I set the admin password to Cedar-Lynx-42 and restarted", "Cedar-Lynx-42"),
    ("Tresorcode: 582913", "582913"),
    ("验证码385720，请勿泄露", "385720"),  # noqa: RUF001
    ("Password: Gl4ss&Stone", "Gl4ss&Stone"),
    ("openssl pkcs12 -export -out a.p12 -passout pass:Quill5Ember", "Quill5Ember"),
    ('proxy_set_header Authorization "Basic dXNlcjpzM2NyM3RQYXNz";', "dXNlcjpzM2NyM3RQYXNz"),
)
_NOT_SECRETS = (
    '<a href="mailto:ops@example.org?subject=hello">mail</a>',
    "feat: add map_refresh parameter to Coder and pass it to `get_repo_map2`",
    "Pinned toolchain and tooling: `rust-toolchain.toml` (1.78.0 + rustfmt)",
    '{"hookEvent":"SessionStart","hookName":"SessionStart:startup"}',
    'commands = ["ls", "pwd", "git-status", "invalid-command"]',
    "overlay.innerHTML = '<div style=\"padding:8px;color:#888\">none</div>'",
    'group_key = tool_use_id || "group-#{:erlang.phash2(content)}"',
    '"ash": {:hex, :ash, "3.16.0", "f5e8c3a1b2d4e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1", [:mix]}',
    'pkg = "typescript@5.3.3"; ver = "v1.2.3+build5"; q = "a%20b%20c2!"',
    'the password is "not in the repo" and the passphrase — see the vault entry — is rotated',
    "pass show email/work",
    "the exit code was 1234 and the error code: 10054",
    "watch-only wallet: xpub661MyMwAqRbcNk73hKTwB79bzwGxjdzMXke9tQ8kiSgSFgLU2UZ8Pbo9CCkMGtv9CyJupQ",
    "Content-Security-Policy: script-src 'self' 'sha256-S+Ut2Ma7DRYHj9Hd810kNneaa33lLb9eFzooODI/tdW='",
    "sec   rsa4096/0x884668A46D23BC21 2024-01-09 [SC] [expires: 2027-01-08]",
    "密码长度至少12位，且必须包含数字和符号。",  # noqa: RUF001
    "I need to pass the password to the function",
    'x = "Django.Settings.2024"; path = "/".join(["usr", "local", "bin"])',
    "Server={server};Database={db};User Id={user};Password={password};",
)


@pytest.mark.parametrize(("text", "secret"), _NEIGHBOURS, ids=[t[:40] for t, _ in _NEIGHBOURS])
def test_a_secret_told_by_its_neighbours_is_redacted(text: str, secret: str) -> None:
    for scope in SCOPES:
        assert secret not in redact(text, scope)[0], scope


@pytest.mark.usefixtures("rules_only")
@pytest.mark.parametrize("text", _NOT_SECRETS, ids=[t[:40] for t in _NOT_SECRETS])
def test_what_only_looks_told_is_kept(text: str) -> None:
    for scope in SCOPES:
        assert redact(text, scope) == (text, 0), scope


@pytest.mark.parametrize(
    "text", ["the password is ....", "Passwort ist ....", "パスワードは ....", "the password is 。。。。", "pin: !!!!"]
)
def test_a_word_for_password_followed_by_punctuation_only_is_read_without_error(text: str) -> None:
    # The value after the word is all trailing punctuation: nothing is left once it is stripped.
    for scope in SCOPES:
        assert redact(text, scope) == (text, 0)


def test_the_cue_pattern_is_tried_where_a_cue_word_stands_and_finds_what_a_scan_finds() -> None:
    """cued_passwords finds the cues at the places of their words (CUE_WORDS, one automaton pass)
    instead of trying the pattern at every character: the same matches as `_CUE.finditer`, on a
    text holding every alternative of the pattern and on every planted set's texts."""
    import importlib
    import pkgutil
    import re as std_re

    import tests
    from lessonloop.secrets import cued_passwords
    from lessonloop.secrets.structural import matches_at, places

    branches = std_re.findall(r"\(\?:([^()]*)\)", cued_passwords._CUE.pattern) + cued_passwords._CUE.pattern.split(")")[
        -1
    ].split("|")
    words = [w.rstrip("?").replace("s?", "s") for group in branches for w in group.split("|") if w]
    assert all(any(word.startswith(cue) for cue in cued_passwords.CUE_WORDS) for word in words), words
    texts = [" ".join(f"{w} Tr0ub4dor&77 {w.upper()}" for w in words), "xpassword userss ssh-keygen sudo"]
    for info in pkgutil.iter_modules(tests.__path__):
        if info.name.startswith("secret_samples"):
            module = importlib.import_module(f"tests.{info.name}")
            texts += [v for v in vars(module).values() if isinstance(v, str)]
            for value in vars(module).values():
                if isinstance(value, list | tuple):
                    texts += [
                        x
                        for item in value
                        for x in (item if isinstance(item, tuple) else (item,))
                        if isinstance(x, str)
                    ]
    for text in texts:
        lowered = text.lower()
        scanned = [m.span() for m in cued_passwords._CUE.finditer(lowered)]
        placed = [m.span() for m in matches_at(cued_passwords._CUE, lowered, places(lowered, cued_passwords.CUE_WORDS))]
        assert placed == scanned, text[:200]
