"""Personal data scrubbing (secrets/pii.py, config `[privacy]`, docs/privacy.md): emails, IP
addresses, host names and user names in home paths leave no export and no team push by default,
and stay in the local store unless privacy.scrub_pii_store says otherwise. Through the real
command line (exports, ingest), the team push's payload builder, and a push to a real PostgreSQL."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from lessonloop.secrets.pii import scrub_pii, scrub_pii_value
from lessonloop.settings.config import ConfigError, PrivacySettings, load_config
from lessonloop.store import open_store
from lessonloop.team import items
from lessonloop.team.store import state as team_state
from tests.conftest import cli, store_with_active_lessons
from tests.planted_transcripts import write_planted_session

EMAIL = "alice.smith@acme-corp.com"
IP = "10.20.30.40"
HOST = "build01.acme.internal"
USER_PATHS = ("/home/alice/", "/Users/alice/", "C:\\Users\\alice\\")
PII_TEXT = f"mail {EMAIL} about ssh deploy@{IP}, then curl https://{HOST}/api and open /home/alice/app/main.py"
PII = (EMAIL, IP, HOST, "/home/alice")

LESSON = {
    "signature": "pii-lesson-signature",
    "kind": "correction",
    "title": f"Ask {EMAIL} before deploying to {HOST}",
    "body": f"The deploy from /home/alice/app to {IP} failed.",
    "prevention": f"Run the checks in /Users/alice/app first, then mail {EMAIL}",
    "scope": "global",
    "sessions": 2,
    "failed_sessions": 2,
    "observations": 2,
}


@pytest.mark.parametrize(
    ("text", "marker"),
    [
        (f"write to {EMAIL} today", "[REDACTED:email]"),
        (f"ssh deploy@{IP} -p 22", "[REDACTED:ip]"),
        ("the server at 2001:db8:85a3::8a2e:370:7334 answered", "[REDACTED:ip]"),
        (f"curl https://{HOST}/api/v1", "[REDACTED:hostname]"),
        ("psql -h db.acme.corp -p 5432", "[REDACTED:hostname]"),
        ("cat /home/alice/project/.env", "/home/[REDACTED:user]/project"),
        ("ls /Users/alice/src", "/Users/[REDACTED:user]/src"),
        ("dir C:\\Users\\alice\\repo", "C:\\Users\\[REDACTED:user]\\repo"),
        ('{"cwd": "C:\\\\Users\\\\alice\\\\repo"}', "C:\\\\Users\\\\[REDACTED:user]\\\\repo"),
    ],
)
def test_each_kind_of_personal_data_is_scrubbed(text: str, marker: str) -> None:
    cleaned, count = scrub_pii(text)
    assert marker in cleaned and count >= 1, cleaned
    assert not any(part in cleaned for part in ("alice", IP, HOST, EMAIL))
    assert scrub_pii(cleaned) == (cleaned, 0)  # idempotent


@pytest.mark.parametrize(
    "text",
    [
        "git clone git@github.com:acme/app.git",
        "Co-Authored-By: Claude <noreply@anthropic.com>",
        "see https://github.com/acme/app and https://pypi.org/project/x",
        "listen on 127.0.0.1:8080 and 0.0.0.0, ::1",
        "edit setup.py, config.local.json, .env.local and node.js",
        "version v10.0.0.1 released",
        "the time was 12:30:45",
        "std::vector<int> and Foo::bar",
        "icon@2x.png and lodash@4.17.21",
        "/home/runner/work and /Users/Shared/x",
        "commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
        "ping host.docker.internal",
    ],
)
def test_look_alikes_of_personal_data_are_kept(text: str) -> None:
    assert scrub_pii(text) == (text, 0)


def test_values_are_scrubbed_field_by_field() -> None:
    value = {"title": f"mail {EMAIL}", "n": 3, "paths": ["/home/alice/a", "ok"]}
    cleaned, count = scrub_pii_value(value)
    assert cleaned == {"title": "mail [REDACTED:email]", "n": 3, "paths": ["/home/[REDACTED:user]/a", "ok"]}
    assert count == 2


def test_the_defaults_scrub_what_leaves_and_keep_the_local_store(tmp_path: Path) -> None:
    assert load_config(str(tmp_path / "none.toml")).privacy == PrivacySettings(
        scrub_pii_store=False, scrub_pii_exports=True, scrub_pii_team=True
    )
    config = tmp_path / "config.toml"
    config.write_text("[privacy]\nscrub_pii_store = true\nscrub_pii_exports = false\n")
    assert load_config(str(config)).privacy == PrivacySettings(True, False, True)
    config.write_text("[privacy]\nscrub_pii = true\n")  # a misspelt privacy setting is an error
    with pytest.raises(ConfigError, match=r"unknown setting privacy\.scrub_pii "):
        load_config(str(config))


def _config(text: str) -> None:
    import os

    Path(os.environ["LESSONLOOP_CONFIG"]).write_text(text, encoding="utf-8")


@pytest.fixture
def store_with_pii(tmp_path: Path) -> Path:
    return store_with_active_lessons(tmp_path, LESSON)


def _has_pii(text: str) -> list[str]:
    return [part for part in PII if part in text]


def test_every_export_scrubs_personal_data_by_default(store_with_pii: Path, tmp_path: Path) -> None:
    outputs = {
        "lessons export jsonl": cli("lessons", "export", "--db", store_with_pii, "--format", "jsonl").output,
        "lessons export md": cli("lessons", "export", "--db", store_with_pii, "--format", "md").output,
        "export lessons": cli(
            "dataset", "export", "--kind", "lessons", "--db", store_with_pii, "--format", "jsonl", "--to", "-"
        ).output,
    }
    for name, text in outputs.items():
        assert "Ask [REDACTED:email]" in text, (name, text)
        assert _has_pii(text) == [], (name, text)
    # The person's own view keeps them (the local store is theirs)
    shown = cli("lessons", "list", "--db", store_with_pii, "--json", "--status", "all").output
    assert EMAIL in shown


def test_exports_keep_personal_data_when_the_setting_is_off(store_with_pii: Path) -> None:
    _config("[privacy]\nscrub_pii_exports = false\n")
    text = cli("lessons", "export", "--db", store_with_pii, "--format", "jsonl").output
    assert EMAIL in text and HOST in text
    text = cli(
        "dataset", "export", "--kind", "lessons", "--db", store_with_pii, "--format", "jsonl", "--to", "-"
    ).output
    assert EMAIL in text


def _own_lesson(db: Path) -> dict[str, Any]:
    conn = open_store(db)
    try:
        return team_state.own_lessons(conn)[0]
    finally:
        conn.close()


def test_a_team_push_payload_is_scrubbed_unless_the_setting_says_otherwise(store_with_pii: Path) -> None:
    lesson = _own_lesson(store_with_pii)
    pushed = json.dumps(items.lesson_item(lesson, "").item)
    assert _has_pii(pushed) == [] and "[REDACTED:email]" in pushed
    kept = json.dumps(items.lesson_item(lesson, "", scrub_pii=False).item)
    assert EMAIL in kept and HOST in kept
    command = items.command_item({"command": f"ssh deploy@{IP} make", "program": "ssh"}, "", scrub_pii=True)
    assert IP not in json.dumps(command.item)


def test_pending_changes_follow_the_team_setting(store_with_pii: Path) -> None:
    from lessonloop.team.sync import pending_changes

    conn = open_store(store_with_pii)
    try:
        changes, _unshared = pending_changes(conn)
        assert changes and _has_pii(json.dumps([c.item for c in changes])) == []
        _config("[privacy]\nscrub_pii_team = false\n")
        changes, _unshared = pending_changes(conn)
        assert EMAIL in json.dumps([c.item for c in changes])
    finally:
        conn.close()


@pytest.mark.slow
def test_a_push_to_a_real_team_server_carries_no_personal_data(team_server: Any, store_with_pii: Path) -> None:
    import psycopg

    url = team_server.new_database()
    for args in (("team", "init", url, "--as", "alice"), ("team", "push")):
        result = cli(*args, "--db", store_with_pii, "--json")
        assert result.exit_code == 0, result.stderr + result.output
    with psycopg.connect(url) as conn:
        held = conn.execute(
            "SELECT payload::text FROM lessonloop_team.items UNION ALL "
            "SELECT payload::text FROM lessonloop_team.contributions"
        ).fetchall()
    text = " ".join(row[0] for row in held)
    assert "[REDACTED:email]" in text and _has_pii(text) == []


def _ingest(tmp_path: Path) -> list[str]:
    transcripts = tmp_path / "transcripts"
    write_planted_session(transcripts, PII_TEXT, 0)
    db = tmp_path / "pii.db"
    result = cli("ingest", "--db", db, "--no-bandit", transcripts)
    assert result.exit_code == 0, result.stderr
    conn = sqlite3.connect(db)
    try:
        return [str(row[0]) for row in conn.execute("SELECT text FROM messages WHERE text IS NOT NULL")]
    finally:
        conn.close()


def test_the_local_store_keeps_personal_data_by_default(tmp_path: Path) -> None:
    texts = _ingest(tmp_path)
    assert any(EMAIL in text for text in texts)


def test_the_local_store_scrubs_personal_data_when_configured(tmp_path: Path) -> None:
    from lessonloop.secrets import redaction
    from lessonloop.store import redaction_pass

    _config("[privacy]\nscrub_pii_store = true\n")
    redaction_pass._DIGEST = None  # read once per process: an earlier test's may be cached
    try:
        texts = _ingest(tmp_path)
    finally:
        redaction.set_pii(False)  # the in-process ingest turned it on for this process
        redaction_pass._DIGEST = None  # nor is this test's digest (with personal data) left to the next
    joined = "\n".join(texts)
    assert "[REDACTED:email]" in joined and _has_pii(joined) == []


def test_turning_the_store_setting_on_scrubs_what_is_stored_already(tmp_path: Path) -> None:
    from lessonloop.secrets import redaction
    from lessonloop.store import redaction_pass

    redaction_pass._DIGEST = None  # read once per process: an earlier test's may be cached
    texts = _ingest(tmp_path)
    assert any(EMAIL in text for text in texts)
    _config("[privacy]\nscrub_pii_store = true\n")
    redaction_pass._DIGEST = None  # read once per process: this process reads it again
    try:
        assert cli("stats", "--db", tmp_path / "pii.db").exit_code == 0  # the next open runs the pass
    finally:
        redaction.set_pii(False)
        redaction_pass._DIGEST = None
    conn = sqlite3.connect(tmp_path / "pii.db")
    try:
        joined = "\n".join(str(row[0]) for row in conn.execute("SELECT text FROM messages WHERE text IS NOT NULL"))
    finally:
        conn.close()
    assert "[REDACTED:email]" in joined and _has_pii(joined) == []
