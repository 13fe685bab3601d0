"""Amp's threads, as Amp wrote them (tests/agents/amp/data/toolpath/: a real thread Amp exported,
PROVENANCE.md), found in a temporary HOME with no path, read exactly; their token totals against
ccusage 20's: tests/cli/test_costs_ccusage.py."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from lessonloop.agents.amp.reader import paths
from lessonloop.agents.amp.reader.parser import read_thread
from lessonloop.capture.adapters import DiscoveryContext
from lessonloop.capture.sniffer import sniff
from tests.agents.gemini.test_gemini_adapter import ingest, rows

DATA = Path(__file__).parent / "data" / "toolpath"
[THREAD_FILE] = sorted(DATA.glob("T-*.json"))
THREAD = THREAD_FILE.stem


def amp_home(tmp_path: Path) -> Path:
    """A HOME where Amp left this thread."""
    home = tmp_path / "home"
    threads = home / ".local" / "share" / "amp" / "threads"
    threads.mkdir(parents=True)
    shutil.copy(THREAD_FILE, threads / THREAD_FILE.name)
    return home


def _thread() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(THREAD_FILE.read_text(encoding="utf-8"))
    return loaded


def test_ingest_with_no_path_reads_the_thread_exactly(tmp_path: Path) -> None:
    home = amp_home(tmp_path)
    db = tmp_path / "s.db"
    report = ingest(db, env={**os.environ, "HOME": str(home)})
    assert report["files"]["read"] == 1 and report["problems"] == []
    assert rows(db, "SELECT id, agent, kind, cwd, title, model, started_at, ended_at FROM sessions") == [
        (
            THREAD,
            "amp",
            "main",
            "/tmp/amp-elicit",
            "Filesystem tool exercise",
            "gpt-5.6-sol",
            "2026-07-27T18:34:14.351Z",
            "2026-07-27T18:35:19.883Z",
        )
    ]
    assert rows(db, "SELECT kind, count(*) FROM messages GROUP BY 1 ORDER BY 1") == [("assistant", 12), ("prompt", 1)]
    calls = rows(db, "SELECT tool, kind, status FROM tool_calls ORDER BY seq")
    assert [(tool, kind) for tool, kind, _ in calls] == [
        ("skill", "other"),
        ("shell_command", "shell"),
        ("apply_patch", "edit"),
        ("shell_command", "shell"),
        ("apply_patch", "edit"),
        ("shell_command", "shell"),
        ("shell_command", "shell"),
        ("shell_command", "shell"),
        ("apply_patch", "edit"),
        ("shell_command", "shell"),
        ("Task", "subagent"),
    ]
    # Amp says "done" for a command that failed: its exit code says the failure
    assert rows(db, "SELECT command, exit_code, error_text FROM tool_calls WHERE status != 'ok'") == [
        ("cat does-not-exist.txt", 1, "cat: does-not-exist.txt: No such file or directory")
    ]
    # the edits carry Amp's own diffs and counts
    assert rows(
        db, "SELECT target_path, lines_added, lines_removed FROM tool_calls WHERE tool = 'apply_patch' ORDER BY seq"
    ) == [("notes.md", 2, 0), ("notes.md", 1, 1), ("count.sh", 5, 0)]
    [(diff,)] = rows(db, "SELECT diff FROM tool_calls WHERE tool = 'apply_patch' AND lines_removed = 1")
    assert diff.startswith("--- /tmp/amp-elicit/notes.md\n+++ /tmp/amp-elicit/notes.md\n@@ -1,2 +1,2 @@\n")
    # one row per billed turn, as Amp counted them (upstream's own figures: PROVENANCE.md)
    assert rows(
        db,
        """SELECT count(*), sum(input_tokens), sum(output_tokens), sum(cache_creation_tokens), sum(cache_read_tokens)
           FROM token_usage""",
    ) == [(12, 0, 1537, 20758, 210694)]
    [(prompt,)] = rows(db, "SELECT text FROM messages WHERE kind = 'prompt'")
    assert prompt.startswith("You're going to walk through a small set of tasks")


def test_ingest_again_changes_nothing(tmp_path: Path) -> None:
    home = amp_home(tmp_path)
    db = tmp_path / "s.db"
    env = {**os.environ, "HOME": str(home)}
    ingest(db, env=env)
    before = rows(db, "SELECT id, status, exit_code FROM tool_calls ORDER BY id")
    again = ingest(db, env=env)
    assert again["files"]["unchanged"] == 1
    assert rows(db, "SELECT id, status, exit_code FROM tool_calls ORDER BY id") == before


def test_found_where_amp_keeps_threads(tmp_path: Path) -> None:
    home = amp_home(tmp_path)
    threads = home / ".local" / "share" / "amp" / "threads"
    (threads / "notes.json").write_text("{}")  # not a thread's name
    found = paths.discover(DiscoveryContext(environ={}, home=str(home)))
    assert [(Path(f.path), f.format) for f in found] == [(threads / THREAD_FILE.name, "amp-thread")]
    assert paths.claims(str(threads / THREAD_FILE.name)) == "amp-thread"
    assert paths.claims(str(tmp_path / "elsewhere" / THREAD_FILE.name)) is None
    moved = tmp_path / "data"
    shutil.move(str(home / ".local" / "share" / "amp"), moved / "amp")
    assert paths.discover(DiscoveryContext(environ={}, home=str(home))) == []
    found = paths.discover(DiscoveryContext(environ={"XDG_DATA_HOME": str(moved)}, home=str(home)))
    assert [Path(f.path) for f in found] == [moved / "amp" / "threads" / THREAD_FILE.name]


def test_an_exported_thread_saved_anywhere_is_sniffed_and_read(tmp_path: Path) -> None:
    """`amp threads export <id> > thread.json`: not in Amp's folder, recognized by its keys."""
    copy = tmp_path / "exports" / "thread.json"
    copy.parent.mkdir()
    shutil.copy(THREAD_FILE, copy)
    assert sniff(str(copy), copy.read_bytes()[:65536]) == "amp-thread"
    db = tmp_path / "s.db"
    ingest(db, copy.parent)
    assert rows(db, "SELECT id, agent FROM sessions") == [(THREAD, "amp")]


def test_run_states_say_the_outcome(tmp_path: Path) -> None:
    """A call Amp reports in error, cancelled or refused by the person, and one still running (no
    result yet): the real thread with its runs' states changed."""
    thread = _thread()
    results = [b for m in thread["messages"] for b in m["content"] if b.get("type") == "tool_result"]
    results[0]["run"] = {"status": "error", "error": {"message": "skill not found: using-superpowers"}}
    results[1]["run"] = {"status": "cancelled", "reason": "user interrupted"}
    results[2]["run"] = {"status": "rejected-by-user"}
    results[3]["run"] = {"status": "in-progress", "progress": {}}
    path = tmp_path / f"{THREAD}.json"
    path.write_text(json.dumps(thread), encoding="utf-8")
    batch = read_thread(str(path))
    outcome = {r.tool_use_id: (r.ok, r.status, r.error_text) for r in batch.tool_results}
    calls = [c.id for c in batch.tool_calls]
    assert outcome[calls[0]] == (False, "error", "skill not found: using-superpowers")
    assert outcome[calls[1]] == (False, "interrupted", "user interrupted")
    assert outcome[calls[2]] == (False, "rejected", "rejected-by-user")
    assert calls[3] not in outcome and len(batch.tool_results) == 10


def test_a_thread_with_a_usage_ledger_is_billed_by_its_events(tmp_path: Path) -> None:
    """Amp's older threads bill each operation in `usageLedger.events` (the title's too): those are
    the token rows, as ccusage counts them, with the cache counts of the message each ends at."""
    thread = _thread()
    thread["usageLedger"] = {
        "events": [
            {"id": "e1", "timestamp": "2026-07-27T18:34:20.295Z", "model": "gpt-5.6-sol", "credits": 1.5,
             "tokens": {"input": 120, "output": 117}, "operationType": "inference", "fromMessageId": 1,
             "toMessageId": 2},
            {"id": "e2", "timestamp": "2026-07-27T18:34:21.000Z", "model": "claude-haiku-4-5",
             "tokens": {"input": 300, "output": 12}, "operationType": "title-generation"},
            {"id": "e3", "timestamp": "2026-07-27T18:34:22.000Z", "model": "gpt-5.6-sol", "tokens": {}},
        ]
    }  # fmt: skip
    path = tmp_path / f"{THREAD}.json"
    path.write_text(json.dumps(thread), encoding="utf-8")
    batch = read_thread(str(path))
    counted = sorted(
        (u.model, u.input_tokens, u.output_tokens, u.cache_creation_tokens, u.cache_read_tokens)
        for u in batch.usage.values()
    )
    assert counted == [("claude-haiku-4-5", 300, 12, 0, 0), ("gpt-5.6-sol", 120, 117, 16954, 0)]


def test_bad_input_is_a_problem_of_the_file(tmp_path: Path) -> None:
    cut = tmp_path / "cut.json"
    cut.write_bytes(THREAD_FILE.read_bytes()[:30_000])
    [problem] = read_thread(str(cut)).problems
    assert problem.code == "truncated-file" and problem.path == str(cut)
    other = tmp_path / "other.json"
    other.write_text('{"v": 1, "id": "T-1", "created": 0}')
    [problem] = read_thread(str(other)).problems
    assert problem.code == "malformed-record" and "no messages list" in problem.detail
    odd = _thread()
    odd["messages"][3]["content"] = [{"type": "tool_use", "id": "TU-x", "name": 7, "input": [1, 2]}, "stray", None]
    odd["messages"][5]["usage"] = {"model": "gpt-5.6-sol", "inputTokens": "many", "outputTokens": -3}
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(odd))
    batch = read_thread(str(path))
    assert batch.problems == [] and len(batch.sessions) == 1
    assert [c.tool for c in batch.tool_calls if c.id == "TU-x"] == ["?"]
