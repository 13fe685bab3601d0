"""Per model (issue 85, item 4): errors, stops and lessons per model in `stats` and `report`,
`recall --model`, and a lesson's models in `lessons show`; each agent context counts with its own
model (a subagent's is its own)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from lessonloop.apply.hooks.hook_store import apply_decision, connect_for_writing, decision, write
from tests.conftest import cli
from tests.transcript_builder import TranscriptBuilder

SHOP = "/home/dev/shop"
OPUS = "claude-opus-4-6"
SONNET = "claude-sonnet-4-5-20250929"


def _bash(t: TranscriptBuilder, command: str, output: str, model: str, exit_code: int = 0) -> None:
    tool_id = t.tool_use("Bash", {"command": command, "description": "run"}, model=model)
    if exit_code:
        text = f"Exit code {exit_code}\n{output}"
        t.tool_result(tool_id, text, is_error=True, tool_use_result=f"Error: {text}")
    else:
        t.tool_result(tool_id, output, is_error=False, tool_use_result={"stdout": output, "stderr": ""})


def _store(tmp_path: Path) -> tuple[Path, list[str]]:
    """Three sessions on Opus that fail `npm run build` twice before `npm install` (a lesson), and
    two on Sonnet whose calls all work."""
    now = datetime.now(UTC)
    ids = []
    for days in (5, 4, 3):
        t = TranscriptBuilder(cwd=SHOP, start=now - timedelta(days=days))
        t.prompt("make the build pass")
        for _ in range(2):
            _bash(t, "npm run build", "Error: Cannot find module 'left-pad'", OPUS, exit_code=1)
        _bash(t, "npm install && npm run build", "built", OPUS)
        t.write(tmp_path / "in" / f"{t.session_id}.jsonl")
        ids.append(t.session_id)
    for days in (2, 1):
        t = TranscriptBuilder(cwd=SHOP, start=now - timedelta(days=days))
        t.prompt("run the tests")
        _bash(t, "npm test", "12 passing", SONNET)
        _bash(t, "git status", "clean", SONNET)
        t.write(tmp_path / "in" / f"{t.session_id}.jsonl")
    db = tmp_path / "store.db"
    assert cli("ingest", "--db", db, "--wait", tmp_path / "in").exit_code == 0
    return db, ids


def test_errors_stops_and_lessons_per_model(tmp_path: Path) -> None:
    db, opus_sessions = _store(tmp_path)
    [lesson] = cli("lessons", "list", "--db", db, "--json").json()
    conn = connect_for_writing(str(db))
    try:  # a call the hooks stopped in an Opus session
        write(conn, lambda c: apply_decision(c, decision(opus_sessions[-1], "PreToolUse", "stop", [lesson["id"]])[1]))
    finally:
        conn.close()

    models = cli("stats", "--db", db, "--json").json()["models"]
    assert set(models) == {OPUS, SONNET}
    assert models[OPUS] == {
        "sessions": 3, "tool_calls": 9, "errors": 6, "stops": 1, "lessons": 1, "error_rate": round(6 / 9, 4)
    }  # fmt: skip
    assert models[SONNET] == {"sessions": 2, "tool_calls": 4, "errors": 0, "stops": 0, "lessons": 0, "error_rate": 0.0}
    assert list(models) == [OPUS, SONNET]  # the most calls first
    text = cli("stats", "--db", db).output
    assert "Mistakes by model" in text and "66.7%" in text

    report = cli("report", "--db", db, "--json").json()
    assert report["models"] == models
    assert "by model: claude-opus-4-6 6 of 9 calls failed (66.7%), 1 stop, 1 lesson" in cli("report", "--db", db).output
    # --since chooses the sessions, as everywhere: the last day's, one Sonnet session
    recent = cli("stats", "--db", db, "--json", "--since", "36h").json()["models"]
    assert list(recent) == [SONNET] and recent[SONNET]["sessions"] == 1

    shown = cli("lessons", "show", str(lesson["id"]), "--db", db, "--json").json()
    assert shown["models"] == [{"model": OPUS, "sessions": 3}]
    assert f"models       {OPUS} (3 sessions)" in cli("lessons", "show", str(lesson["id"]), "--db", db).output

    def recalled(*model: str) -> list[int]:
        found = cli("recall", "npm run build", "--db", db, "--json", *model).json()
        return [r["id"] for r in found["results"]]

    assert recalled() == [lesson["id"]]
    assert recalled("--model", "opus") == [lesson["id"]]  # a part of the name, any case
    assert recalled("--model", "OPUS-4") == [lesson["id"]]
    assert recalled("--model", "sonnet") == []
    assert recalled("--model", "%") == []  # LIKE's wildcard is a character here
    assert cli("recall", "npm", "run", "--db", db, "--model=opus", "--json").json()["model"] == "opus"
