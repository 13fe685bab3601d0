"""Antigravity's brain transcripts, as agy 1.2.0 wrote them (tests/agents/antigravity/data/
pond_agy_1_2_0/: a real capture, PROVENANCE.md), found in a temporary HOME with no path and read
exactly; $GEMINI_HOME followed; Gemini CLI's chats beside them still Gemini CLI's; read in two parts
as in one; recognized by sniffing and by their place. Sub-agent transcripts, chunks after the first
and bad lines are checked on lines made here in the shape of the real ones."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from lessonloop.agents.antigravity.reader import paths
from lessonloop.agents.antigravity.reader.parser import TranscriptParser
from lessonloop.agents.gemini.reader import paths as gemini_paths
from lessonloop.capture import agents
from lessonloop.capture.adapters import DiscoveryContext
from lessonloop.capture.sniffer import sniff
from tests.agent_data import agent_data
from tests.agents.gemini.test_gemini_adapter import ingest, rows
from tests.conftest import dump_store, store_differences
from tests.parts_read import parse_in_parts

DATA = agent_data("antigravity") / "pond_agy_1_2_0"
LANE = Path(".gemini") / "antigravity-cli"
TOOLS = "3f72cf51-666b-4a7c-a08f-1ade2eaafa0f"
RUNNING = "121e0cfc-1014-4f42-8666-c73df1a38457"
PARENT = "6479151c-9891-477a-b60d-df51a4e1dd07"
CHILD = "11b9a01c-2233-415d-b4be-a0204e8ab2ff"
LOGS = Path(".system_generated") / "logs"
FULL = DATA / "home" / LANE / "brain" / TOOLS / LOGS / "chunks" / "transcript_full" / "00000000.jsonl"
PLAIN = DATA / "home" / LANE / "brain" / TOOLS / LOGS / "chunks" / "transcript" / "00000000.jsonl"
FORMAT = "antigravity-transcript"
CWD = "/tmp/agy-fixture/project"
MODEL = "Gemini 3.8 Flash (High)"
GEMINI_CHAT = agent_data("gemini") / "gemini_061" / "session-2026-11-26T17-00-d1bc5b12.jsonl"


def agy_home(tmp_path: Path, folder: str = ".gemini") -> Path:
    """A HOME where agy left the capture (its ~/.gemini at `folder` under it)."""
    home = tmp_path / "home"
    shutil.copytree(DATA / "home" / ".gemini", home / folder)
    return home


def _env(home: Path, **more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GEMINI_HOME", "GEMINI_CLI_HOME")}
    return {**env, "HOME": str(home), **more}


def _captured(db: Path) -> dict[str, Any]:
    return {table: found for table, found in dump_store(db).items() if not table.startswith(("lesson", "learn"))}


def test_ingest_with_no_path_reads_the_capture_exactly(tmp_path: Path) -> None:
    home = agy_home(tmp_path)
    db = tmp_path / "s.db"
    ingest(db, env=_env(home))
    assert rows(db, "SELECT id, agent, kind, cwd, model, started_at, ended_at FROM sessions ORDER BY id") == [
        (RUNNING, "antigravity", "main", CWD, MODEL, "2026-09-10T15:14:33.000Z", "2026-09-10T15:14:37.000Z"),
        (TOOLS, "antigravity", "main", CWD, MODEL, "2026-09-10T15:14:15.000Z", "2026-09-10T15:14:21.000Z"),
    ]
    assert rows(db, "SELECT session_id, kind, count(*) FROM messages GROUP BY 1, 2 ORDER BY 1, 2") == [
        (RUNNING, "assistant", 1),
        (RUNNING, "prompt", 1),
        (TOOLS, "assistant", 1),
        (TOOLS, "prompt", 1),
    ]
    # the prompt is what the person typed: agy's metadata and settings blocks are not
    [(prompt,)] = rows(db, "SELECT text FROM messages WHERE kind = 'prompt' AND session_id = ?", RUNNING)
    assert prompt == "Run the shell command 'sleep 45' and then tell me it finished. Do not create any files."
    assert rows(db, "SELECT tool, kind, status, count(*) FROM tool_calls GROUP BY 1, 2, 3 ORDER BY 1, 2, 3") == [
        ("run_command", "shell", None, 1),  # sleep 45: its step still RUNNING, no result
        ("run_command", "shell", "error", 1),  # false: exit code 1
        ("run_command", "shell", "ok", 1),
        ("view_file", "read", None, 1),  # missing.txt: agy left its ERROR step out of the transcript
        ("view_file", "read", "ok", 1),
    ]
    assert rows(db, "SELECT id, command, exit_code, cwd, ok FROM tool_calls WHERE kind = 'shell' ORDER BY seq, id") == [
        (f"{RUNNING}:1:0", "sleep 45", None, CWD, None),
        (f"{TOOLS}:1:0", "ls", 0, CWD, 1),
        (f"{TOOLS}:5:0", "false", 1, CWD, 0),
    ]
    assert rows(db, "SELECT error_text FROM tool_calls WHERE status = 'error'") == [
        ("The command exited with code 1.\nStdout:\n\nStderr:",)
    ]
    assert rows(
        db, "SELECT target_path, result_text IS NOT NULL FROM tool_calls WHERE tool = 'view_file' ORDER BY seq"
    ) == [
        (f"{CWD}/missing.txt", 0),
        (f"{CWD}/README.md", 1),
    ]
    assert rows(db, "SELECT count(*) FROM token_usage") == [(0,)]  # the transcripts hold none
    assert rows(db, "SELECT count(*) FROM ingest_problems") == [(0,)]
    # one transcript a conversation: the JSON-encoded copy (chunks/transcript/) is not read
    assert rows(db, "SELECT count(*) FROM source_files WHERE path LIKE '%/chunks/transcript/%'") == [(0,)]


def test_gemini_home_moves_the_conversations(tmp_path: Path) -> None:
    home = agy_home(tmp_path, "elsewhere")
    db = tmp_path / "s.db"
    ingest(db, env=_env(home))
    assert rows(db, "SELECT count(*) FROM sessions WHERE agent = 'antigravity'") == [(0,)]
    ingest(db, env=_env(home, GEMINI_HOME=str(home / "elsewhere")))
    assert rows(db, "SELECT id FROM sessions WHERE agent = 'antigravity' ORDER BY id") == [(RUNNING,), (TOOLS,)]
    found = paths.discover(DiscoveryContext(environ={"GEMINI_HOME": str(home / "elsewhere")}, home=str(home)))
    assert sorted(Path(f.path).relative_to(home / "elsewhere").as_posix() for f in found) == [
        f"antigravity-cli/brain/{RUNNING}/.system_generated/logs/transcript_full.jsonl",
        f"antigravity-cli/brain/{TOOLS}/.system_generated/logs/chunks/transcript_full/00000000.jsonl",
    ]
    assert {f.format for f in found} == {FORMAT}


def test_a_gemini_cli_chat_beside_it_stays_gemini_clis(tmp_path: Path) -> None:
    home = agy_home(tmp_path)
    chats = home / ".gemini" / "tmp" / "project" / "chats"
    chats.mkdir(parents=True)
    shutil.copy(GEMINI_CHAT, chats / GEMINI_CHAT.name)
    db = tmp_path / "s.db"
    ingest(db, env=_env(home))
    assert rows(db, "SELECT agent, count(*) FROM sessions GROUP BY 1 ORDER BY 1") == [("antigravity", 2), ("gemini", 1)]
    assert rows(db, "SELECT sessions.agent, format FROM source_files JOIN sessions"
                " ON sessions.source_file_id = source_files.id GROUP BY 1, 2 ORDER BY 1") == [("antigravity", FORMAT), ("gemini", "gemini-chat-jsonl")]  # fmt: skip
    # and given as a folder: each read by its own reader, the copy and the prompt history not at all
    folder_db = tmp_path / "folder.db"
    ingest(folder_db, home / ".gemini", env=_env(home))
    assert rows(folder_db, "SELECT agent, count(*) FROM sessions GROUP BY 1 ORDER BY 1") == [
        ("antigravity", 2),
        ("gemini", 1),
    ]
    assert rows(folder_db, "SELECT count(*) FROM tool_calls WHERE session_id = ?", TOOLS) == [(4,)]
    # by their places: neither takes the other's
    chat = str(chats / GEMINI_CHAT.name)
    assert paths.claims(chat) is None and gemini_paths.claims(chat) == "gemini-chat-jsonl"
    for brain_file in (FULL, PLAIN):
        assert gemini_paths.claims(str(brain_file)) is None
    assert sniff(chat, GEMINI_CHAT.read_bytes()[:65536]) == "gemini-chat-jsonl"


def test_read_in_two_parts_it_is_the_store_of_one_read(tmp_path: Path) -> None:
    data = FULL.read_bytes()
    cut = data.index(b'"step_index":6') - 1  # between the call of `false` and its result
    home = agy_home(tmp_path)
    log = home / LANE / "brain" / TOOLS / LOGS / "chunks" / "transcript_full" / "00000000.jsonl"
    log.write_bytes(data[:cut])
    env = _env(home)
    db = tmp_path / "parts.db"
    ingest(db, env=env)
    assert rows(db, "SELECT status FROM tool_calls WHERE id = ?", f"{TOOLS}:5:0") == [(None,)]
    log.write_bytes(data)
    ingest(db, env=env)
    before = dump_store(db)
    ingest(db, env=env)
    assert store_differences(before, dump_store(db)) == []  # read again: nothing changes
    clean = tmp_path / "clean.db"
    ingest(clean, env=env)
    assert store_differences(_captured(clean), _captured(db)) == []
    assert rows(db, "SELECT status, exit_code FROM tool_calls WHERE id = ?", f"{TOOLS}:5:0") == [("error", 1)]


def _parse(path: Path, cuts: list[int] | None = None, at: Path | None = None) -> list[Any]:
    """The batches of the file read in parts ending at `cuts` (line counts), each read with the
    state the one before left (at its place `at` when given)."""
    lines = path.read_bytes().splitlines()
    target = at or path
    if at is not None:
        at.parent.mkdir(parents=True, exist_ok=True)
        at.write_bytes(path.read_bytes())
    return parse_in_parts(
        lambda pending, state: TranscriptParser(str(target), pending_calls=pending, state=state), lines, cuts or []
    )


def _calls(batches: list[Any]) -> list[tuple[Any, ...]]:
    return [(c.id, c.tool, c.kind, c.input_json, c.command, c.target_path) for b in batches for c in b.tool_calls]


def test_the_json_encoded_copy_reads_as_the_full_transcript(tmp_path: Path) -> None:
    """transcript.jsonl's arguments are JSON-encoded again: decoded, its calls are transcript_full's,
    at its place and away from it."""
    full = _calls(_parse(FULL))
    assert (
        _calls(_parse(PLAIN, at=tmp_path / "brain" / TOOLS / LOGS / "chunks" / "transcript" / "00000000.jsonl")) == full
    )
    away = [(c[1:]) for c in _calls(_parse(PLAIN))]
    assert away == [c[1:] for c in full]
    assert json.loads(full[0][3])["WaitMsBeforeAsync"] == 5000
    assert paths.claims(str(PLAIN)) == "antigravity-transcript-copy"
    assert paths.claims(str(FULL)) == FORMAT


def test_read_a_line_at_a_time_it_is_the_same(tmp_path: Path) -> None:
    at = tmp_path / "brain" / TOOLS / LOGS / "chunks" / "transcript_full" / "00000000.jsonl"
    [whole] = _parse(FULL, at=at)
    parts = _parse(FULL, list(range(1, 9)), at=at)
    assert [(r.tool_use_id, r.ok, r.exit_code) for b in parts for r in b.tool_results] == [
        (r.tool_use_id, r.ok, r.exit_code) for r in whole.tool_results
    ]
    assert [m.text for b in parts for m in b.messages] == [m.text for m in whole.messages]


def test_a_chunk_after_the_first_takes_the_calls_its_chunk_before_left(tmp_path: Path) -> None:
    """agy goes on in chunks/transcript_full/00000001.jsonl: a result there is the call's of 00000000."""
    lines = FULL.read_bytes().splitlines(keepends=True)
    home = tmp_path / "home"
    chunks = home / LANE / "brain" / TOOLS / LOGS / "chunks" / "transcript_full"
    chunks.mkdir(parents=True)
    (chunks / "00000000.jsonl").write_bytes(b"".join(lines[:5]))  # ... the call of `false`
    (chunks / "00000001.jsonl").write_bytes(b"".join(lines[5:]))  # its result, ...
    db = tmp_path / "s.db"
    ingest(db, env=_env(home))
    assert rows(db, "SELECT id, status, exit_code FROM tool_calls WHERE kind = 'shell' ORDER BY seq") == [
        (f"{TOOLS}:1:0", "ok", 0),
        (f"{TOOLS}:5:0", "error", 1),
    ]
    assert rows(db, "SELECT model, cwd FROM sessions") == [(MODEL, CWD)]


def _step(index: int, kind: str, **fields: Any) -> dict[str, Any]:
    source = "USER_EXPLICIT" if kind == "USER_INPUT" else "MODEL"
    return {"step_index": index, "source": source, "type": kind, "status": "DONE",
            "created_at": f"2026-09-10T15:20:{index:02d}Z", **fields}  # fmt: skip


def _write(path: Path, *steps: dict[str, Any] | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join((s if isinstance(s, bytes) else json.dumps(s).encode()) + b"\n" for s in steps))


def test_a_subagent_is_linked_to_its_parent(tmp_path: Path) -> None:
    """The parent's subagents/<child>.json (real) names the child; the transcripts are made here."""
    home = agy_home(tmp_path)
    brain = home / LANE / "brain"
    _write(
        brain / PARENT / LOGS / "transcript_full.jsonl",
        _step(0, "USER_INPUT", content="<USER_REQUEST>\nHave a subagent read the README.\n</USER_REQUEST>"),
        _step(1, "PLANNER_RESPONSE", tool_calls=[{"name": "start_subagent", "args": {"TypeName": "research"}}]),
        _step(2, "GENERIC", content="Created At: 2026-09-10T15:20:02Z\n\nSubagent started."),
    )
    _write(
        brain / CHILD / LOGS / "transcript_full.jsonl",
        _step(0, "USER_INPUT", content="<USER_REQUEST>\nRead README.md and report.\n</USER_REQUEST>"),
        _step(1, "PLANNER_RESPONSE", content="It describes a calculator."),
    )
    db = tmp_path / "s.db"
    ingest(db, env=_env(home))
    assert rows(db, "SELECT kind, parent_id, agent_type, description FROM sessions WHERE id = ?", CHILD) == [
        ("subagent", PARENT, "research", "Readme Reader")
    ]
    assert rows(db, "SELECT kind, text FROM messages WHERE session_id = ? ORDER BY seq", CHILD) == [
        ("task_prompt", "Read README.md and report."),
        ("assistant", "It describes a calculator."),
    ]
    assert rows(db, "SELECT tool, kind, subagent_id FROM tool_calls WHERE session_id = ?", PARENT) == [
        ("start_subagent", "subagent", CHILD)
    ]


def test_bad_lines_are_problems(tmp_path: Path) -> None:
    home = tmp_path / "home"
    log = home / LANE / "brain" / "c0ffee00-0000-4000-8000-000000000000" / LOGS / "transcript_full.jsonl"
    _write(
        log,
        _step(0, "USER_INPUT", content="<USER_REQUEST>\nhello\n</USER_REQUEST>"),
        b'{"step_index": 1, "source": "MODEL", "type": "PLANNER',  # cut
        b"\xff\xfe not json",
        _step(2, "PLANNER_RESPONSE", tool_calls={"name": "run_command"}),  # not a list
        {**_step(3, "PLANNER_RESPONSE"), "step_index": "3"},  # not a number
        _step(4, "SOMETHING_NEW", content="x"),
        _step(5, "PLANNER_RESPONSE", content="bye"),
    )
    db = tmp_path / "s.db"
    report = ingest(db, env=_env(home))
    assert rows(db, "SELECT kind, text FROM messages ORDER BY seq") == [("prompt", "hello"), ("assistant", "bye")]
    assert sorted((p["line"], p["code"]) for p in report["problems"]) == [
        (2, "truncated-line"),
        (3, "invalid-utf8"),
        (4, "malformed-record"),
        (5, "malformed-record"),
    ]
    assert [(n["line"], n["code"]) for n in report["notices"]] == [(6, "unknown-record-type")]


def test_it_is_sniffed_and_claimed_as_antigravitys() -> None:
    assert sniff(str(FULL), FULL.read_bytes()) == FORMAT
    assert sniff("elsewhere.jsonl", PLAIN.read_bytes()) == FORMAT
    assert (
        paths.claims(f"/home/me/.gemini/antigravity-acp/brain/{TOOLS}/.system_generated/logs/transcript.jsonl")
        == FORMAT
    )
    assert paths.claims(f"/home/me/{TOOLS}/transcript_full.jsonl") is None
    assert paths.claims(f"/home/me/.gemini/antigravity-cli/brain/{TOOLS}/.system_generated/logs/other.jsonl") is None
    assert paths.claims("/home/me/.gemini/antigravity-cli/history.jsonl") == "antigravity-history"
    assert paths.claims("/home/me/.gemini/tmp/project/chats/session-1.jsonl") is None


def test_other_agents_real_files_are_not_taken() -> None:
    """Every other agent's recorded JSONL in tests/agents/*/data/ is sniffed as something else."""
    everyone = Path(__file__).parents[1]
    others = [p for p in sorted(everyone.glob("*/data/**/*.jsonl")) if "antigravity" not in p.parts]
    assert others
    for path in others:
        with open(path, "rb") as handle:
            assert sniff(str(path), handle.read(65536)) != FORMAT, path


def test_before_its_reader_it_was_no_agents() -> None:
    adapter = agents.by_agent("antigravity")
    assert adapter is not None
    agents.unregister(adapter)
    try:
        assert sniff("00000000.jsonl", FULL.read_bytes()) == "unknown"
    finally:
        agents._reset((*agents.adapters(), adapter))
