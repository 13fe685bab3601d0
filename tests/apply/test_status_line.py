"""`lessonloop statusline` (apply/status_line.py): the line Claude Code shows, from its real
statusline input (tests/data/statusline/), over a real store; it prints a line whatever the store's
state. The real Claude Code showing it: tests/real_agents/test_status_line.py; its speed:
BENCHMARKS.md, "The status line"."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from lessonloop.apply.hooks.hook_store import apply_decision, connect_for_writing, decision, write
from tests.conftest import cli
from tests.transcript_builder import TranscriptBuilder

PAYLOAD = Path(__file__).resolve().parent.parent / "data" / "statusline" / "claude-code-2.1.328.json"
SHOP = "/home/dev/shop"


def _payload(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(PAYLOAD.read_text(encoding="utf-8"))
    data.update(changes)
    return data


def _line(db: Path, payload: dict[str, Any] | str, *args: str) -> subprocess.CompletedProcess[str]:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return subprocess.run(
        [sys.executable, "-m", "lessonloop", "statusline", "--db", str(db), *args],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _store(tmp_path: Path) -> tuple[Path, TranscriptBuilder]:
    """A store that learned one lesson in the shop (three sessions of the last days, each failing
    `npm run build` twice before `npm install`) and holds a session that started 40 minutes ago."""
    now = datetime.now(UTC)
    for days in (3, 2, 1):
        t = TranscriptBuilder(cwd=SHOP, start=now - timedelta(days=days))
        t.prompt("make the build pass")
        for _ in range(2):
            t.bash("npm run build", "Error: Cannot find module 'left-pad'", exit_code=1)
        t.bash("npm install && npm run build", "built")
        t.write(tmp_path / "in" / f"{t.session_id}.jsonl")
    current = TranscriptBuilder(cwd=SHOP, start=now - timedelta(minutes=40))
    current.prompt("add the search page")
    current.say("On it.", input_tokens=2000, output_tokens=500)
    current.write(tmp_path / "in" / f"{current.session_id}.jsonl")
    db = tmp_path / "store.db"
    assert cli("ingest", "--db", db, "--wait", tmp_path / "in").exit_code == 0
    return db, current


def test_the_line_of_claude_codes_real_input_over_a_real_store(tmp_path: Path) -> None:
    db, current = _store(tmp_path)
    conn = connect_for_writing(str(db))
    try:  # a call the hooks stopped today, as PreToolUse records it
        write(conn, lambda c: apply_decision(c, decision(current.session_id, "PreToolUse", "stop", [1])[1]))
    finally:
        conn.close()
    blocks = cli("stats", "--by", "block", "--db", db, "--json").json()["blocks"]
    [running] = [b for b in blocks if b["active"]]
    payload = _payload(session_id=current.session_id, cwd=SHOP, workspace={"current_dir": SHOP})
    done = _line(db, payload)
    assert done.returncode == 0, done.stderr
    line = done.stdout.strip()
    parts = line.split(" | ")
    assert parts[0] == "Opus 5.5"  # the payload's display name
    assert parts[1] == "$0.00 session"  # Claude Code's own figure (its cost is 0 in the capture)
    assert parts[2].startswith(f"${running['cost_usd']:,.2f} block, ") and parts[2].endswith("m left")
    assert parts[3:] == ["1 lesson here", "1 stop today"]
    figures = json.loads(_line(db, payload, "--json").stdout)
    assert figures["block"]["start"] == running["start"] and figures["block"]["end"] == running["end"]
    assert figures["session_cost_source"] == "agent" and figures["problem"] is None

    # Without Claude Code's cost, the store's; in another project, the global lessons only (none).
    del payload["cost"]
    figures = json.loads(_line(db, payload, "--json").stdout)
    assert figures["session_cost_source"] == "store" and figures["session_cost_usd"] > 0
    elsewhere = _payload(session_id="not-seen", cwd=str(tmp_path), workspace={"current_dir": str(tmp_path)})
    assert json.loads(_line(db, elsewhere, "--json").stdout)["lessons_here"] == 0


def test_a_subscriptions_five_hour_window_gives_the_reset_time(tmp_path: Path) -> None:
    db, current = _store(tmp_path)
    resets = int(time.time()) + 95 * 60
    payload = _payload(
        session_id=current.session_id, rate_limits={"five_hour": {"used_percentage": 41.5, "resets_at": resets}}
    )
    figures = json.loads(_line(db, payload, "--json").stdout)
    assert figures["block"]["used_percentage"] == 41.5
    assert figures["block"]["minutes_left"] in (94, 95)
    assert " 42% used, 1h3" in _line(db, payload).stdout  # 1h34m or 1h35m


def test_a_line_whatever_the_store(tmp_path: Path) -> None:
    payload = _payload()
    missing = _line(tmp_path / "none.db", payload)
    assert missing.returncode == 0 and missing.stdout.startswith("Opus 5.5 | $0.00 session | ")
    assert "no store yet" in missing.stdout
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"this is no SQLite database, only some bytes" * 100)
    done = _line(corrupt, payload)
    assert done.returncode == 0 and done.stdout.startswith("Opus 5.5 | $0.00 session | ")
    assert "cannot read the store" in done.stdout and done.stdout.count("\n") == 1
    assert corrupt.read_bytes().startswith(b"this is no SQLite")  # read, never altered
    for bad in ("", "not json", "[1, 2]", '{"model": 7, "cost": "x"}'):
        done = _line(corrupt, bad)
        assert done.returncode == 0 and done.stdout.strip(), bad


def test_a_busy_store_does_not_hold_the_line(tmp_path: Path) -> None:
    db, current = _store(tmp_path)
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()
        done = _line(db, _payload(session_id=current.session_id))
        waited = time.monotonic() - started
    finally:
        holder.close()
    assert done.returncode == 0 and done.stdout.startswith("Opus 5.5 | ")
    assert "lessonloop: store busy" in done.stdout
    assert waited < 30  # the line waits WAIT_MS for the lock, not the store's usual seconds


def test_hooks_install_sets_the_status_line_and_uninstall_takes_it_out(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    settings = project / ".claude" / "settings.local.json"
    args = ("--agent", "claude", "--project-dir", project)
    assert cli("hooks", "install", *args, "--statusline").exit_code == 0
    line = json.loads(settings.read_text(encoding="utf-8"))["statusLine"]
    assert line["type"] == "command" and "lessonloop.apply.status_line" in line["command"]
    done = subprocess.run(line["command"], shell=True, input=PAYLOAD.read_text(), capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("Opus 5.5 | ")
    assert cli("hooks", "uninstall", *args).exit_code == 0
    assert not settings.exists()  # install had made the file: it is gone again

    settings.parent.mkdir()
    theirs = {"statusLine": {"type": "command", "command": "~/bin/my-line"}, "model": "opus"}
    settings.write_text(json.dumps(theirs), encoding="utf-8")
    result = cli("hooks", "install", *args, "--statusline")
    assert result.exit_code == 0 and "sets a status line of its own" in result.output + result.stderr
    assert json.loads(settings.read_text(encoding="utf-8"))["statusLine"] == theirs["statusLine"]
    assert cli("hooks", "uninstall", *args).exit_code == 0
    assert json.loads(settings.read_text(encoding="utf-8")) == theirs


def test_statusline_help_names_its_options() -> None:
    done = cli("statusline", "--help")
    assert done.exit_code == 0
    for option in ("--db", "--json", "--agent"):
        assert option in done.output


def test_statusline_is_claude_codes_only(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    result = cli("hooks", "install", "--agent", "codex", "--project-dir", project, "--statusline")
    assert result.exit_code == 0
    assert "none of these agents has a status line command" in result.output + result.stderr
    assert "statusLine" not in (project / ".codex" / "hooks.json").read_text(encoding="utf-8")
