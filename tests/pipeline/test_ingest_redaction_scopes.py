"""Ingest redacts each text in its own scope (secrets/redaction.py): prompts and replies as prose,
Bash commands as command lines, edits' code as code, tool results as output. Real ingest into a
real store; each look-alike is one that another scope would redact."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from tests.conftest import run_ingest
from tests.transcript_builder import TranscriptBuilder


def rows(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_each_text_is_redacted_in_its_scope(tmp_path: Path, db_path: Path) -> None:
    t = TranscriptBuilder()
    t.prompt("the db password=hunter2 is wrong, fix it")  # prose: an unquoted assignment is a secret
    t.prompt("<bash-input>mysql -u root -pS3cretRoot app</bash-input>")  # typed after `!`: a command
    t.say("I will run `deploy --token abc123def456` now")  # prose quoting a command line
    bash = t.bash("export TOKEN=tok3nValue99; make deploy", "token = abc123def\npassword: hunter22")
    code = "token = abc123def\nsecret = compute()\n"  # code: a variable and a call, kept
    edit = t.tool_use("Edit", {"file_path": "/p/app.py", "old_string": "pass", "new_string": code})
    t.tool_result(edit, "The file /p/app.py has been updated.")
    literal = t.tool_use(
        "MultiEdit",
        {"file_path": "/p/cfg.py", "edits": [{"old_string": "x = 1", "new_string": 'API_TOKEN = "Zq81kLm0QaZ2x"'}]},
    )
    t.tool_result(literal, "Applied 1 edit to /p/cfg.py")
    t.write(tmp_path / f"{t.session_id}.jsonl")
    summary = run_ingest(db_path, tmp_path)
    assert summary.problems == []

    texts = [text for (text,) in rows(db_path, "SELECT text FROM messages WHERE text IS NOT NULL ORDER BY seq")]
    assert "the db password=[REDACTED:assigned-secret] is wrong, fix it" in texts
    assert any("-p[REDACTED:cli-secret] app" in text for text in texts)
    assert "I will run `deploy --token [REDACTED:cli-secret]` now" in texts

    ((command, input_json),) = rows(db_path, "SELECT command, input_json FROM tool_calls WHERE id = ?", bash)
    assert command == "export TOKEN=[REDACTED:env-secret]; make deploy"
    assert json.loads(input_json)["command"] == command
    ((result,),) = rows(db_path, "SELECT result_text FROM tool_calls WHERE id = ?", bash)
    # output: `token = abc123def` is code there (a variable), `password: hunter22` config
    assert result == "token = abc123def\npassword: [REDACTED:assigned-secret]"

    ((edit_input,),) = rows(db_path, "SELECT input_json FROM tool_calls WHERE id = ?", edit)
    assert json.loads(edit_input)["new_string"] == code
    ((diff,),) = rows(db_path, "SELECT diff FROM tool_calls WHERE id = ?", edit)
    assert "+token = abc123def" in diff

    ((multi_input,),) = rows(db_path, "SELECT input_json FROM tool_calls WHERE id = ?", literal)
    assert json.loads(multi_input)["edits"][0]["new_string"] == 'API_TOKEN = "[REDACTED:assigned-secret]"'
    ((multi_diff,),) = rows(db_path, "SELECT diff FROM tool_calls WHERE id = ?", literal)
    assert "Zq81kLm0QaZ2x" not in multi_diff and "[REDACTED:assigned-secret]" in multi_diff

    stored = b"".join(p.read_bytes() for p in db_path.parent.iterdir() if p.name.startswith(db_path.name))
    for secret in (b"hunter2 ", b"S3cretRoot", b"abc123def456", b"tok3nValue99", b"hunter22", b"Zq81kLm0QaZ2x"):
        assert secret not in stored, secret
