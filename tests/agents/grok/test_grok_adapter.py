"""Grok Build's update logs, as Grok Build wrote them (tests/agents/grok/data/ctxrs_ctx_1_0_3/: a
real 1.0.3 session, PROVENANCE.md), found in a temporary HOME with no path and read exactly; read in
two parts as in one; recognized by sniffing, and by its place. Its tokens against ccusage 20's:
tests/cli/test_costs_ccusage.py (the sample has none: its publisher removed the usage).

The rewinds, the chunks of one message over several lines and the usage rows are checked on lines
made here in the shapes grok-build's source writes (session/storage/mod.rs, extensions/
notification.rs): no real log with them could be attributed (PROVENANCE.md)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from lessonloop.agents.grok.reader import paths
from lessonloop.agents.grok.reader.parser import UpdatesParser
from lessonloop.capture.adapters import DiscoveryContext
from lessonloop.capture.sniffer import sniff
from tests.agents.gemini.test_gemini_adapter import ingest, rows
from tests.conftest import dump_store, store_differences
from tests.parts_read import parse_in_parts

DATA = Path(__file__).parent / "data" / "ctxrs_ctx_1_0_3"
UPDATES = DATA / "updates.jsonl"
SESSION = "01990000-0000-7000-8000-000000000001"
CWD = "/workspace/pocket-calculator"
GROUP = "%2Fworkspace%2Fpocket-calculator"  # the folder as Grok Build names it: the path URL-encoded
FORMAT = "grok-build-updates"


def grok_home(tmp_path: Path, folder: str = ".grok") -> Path:
    """A HOME where Grok Build left this session (in `folder` under it)."""
    home = tmp_path / "home"
    session = home / folder / "sessions" / GROUP / SESSION
    session.mkdir(parents=True)
    shutil.copy(UPDATES, session / UPDATES.name)
    return home


def _captured(db: Path) -> dict[str, Any]:
    return {table: found for table, found in dump_store(db).items() if not table.startswith(("lesson", "learn"))}


def test_ingest_with_no_path_reads_the_session_exactly(tmp_path: Path) -> None:
    home = grok_home(tmp_path)
    db = tmp_path / "s.db"
    ingest(db, env={**os.environ, "HOME": str(home)})
    assert rows(db, "SELECT id, agent, kind, cwd, model, started_at FROM sessions") == [
        (SESSION, "grok-build", "main", CWD, "fixture-model", "2026-08-12T15:16:00.000Z")
    ]
    assert rows(db, "SELECT kind, count(*) FROM messages GROUP BY 1 ORDER BY 1") == [("assistant", 1), ("prompt", 1)]
    [(prompt,)] = rows(db, "SELECT text FROM messages WHERE kind = 'prompt'")
    assert prompt.startswith("Work only in this synthetic repository.") and prompt.endswith("read, edit, and command.")
    assert rows(db, "SELECT tool, kind, status, count(*) FROM tool_calls GROUP BY 1, 2, 3 ORDER BY 1, 2, 3") == [
        ("read_file", "read", "ok", 2),
        ("run_terminal_command", "shell", "ok", 1),
        ("search_replace", "edit", "error", 1),
        ("search_replace", "edit", "ok", 2),
    ]
    # the failed edit: Grok's own words; the test run: its command and exit code; a read: its file
    assert rows(db, "SELECT id, target_path, error_text FROM tool_calls WHERE status = 'error'") == [
        (
            "call_edit_tests_retry",
            "calculator.test.js",
            "The string to replace was not found in the file, use the read_file tool to see the correct string."
            " The user may have changed the file since you last read it.\n\nNearest match: line 4: import { add }"
            ' from "./calculator.js";',
        )
    ]
    assert rows(db, "SELECT command, exit_code, cwd FROM tool_calls WHERE kind = 'shell'") == [("npm test", 0, CWD)]
    assert rows(db, "SELECT lines_added, lines_removed FROM tool_calls WHERE id = 'call_edit_tests'") == [(5, 1)]
    assert rows(db, "SELECT target_path FROM tool_calls WHERE id = 'call_read_source'") == [("calculator.js",)]
    # its publisher took the usage out: no token row
    assert rows(db, "SELECT count(*) FROM token_usage") == [(0,)]
    assert rows(db, "SELECT count(*) FROM ingest_problems") == [(0,)]


def test_grok_home_moves_the_sessions(tmp_path: Path) -> None:
    home = grok_home(tmp_path, "elsewhere")
    db = tmp_path / "s.db"
    ingest(db, env={**os.environ, "HOME": str(home)})
    assert rows(db, "SELECT count(*) FROM sessions WHERE agent = 'grok-build'") == [(0,)]
    ingest(db, env={**os.environ, "HOME": str(home), "GROK_HOME": str(home / "elsewhere")})
    assert rows(db, "SELECT id, cwd FROM sessions WHERE agent = 'grok-build'") == [(SESSION, CWD)]
    found = paths.discover(DiscoveryContext(environ={"GROK_HOME": str(home / "elsewhere")}, home=str(home)))
    assert [Path(f.path) for f in found] == [home / "elsewhere" / "sessions" / GROUP / SESSION / "updates.jsonl"]
    assert [f.format for f in found] == [FORMAT]


def test_read_in_two_parts_it_is_the_store_of_one_read(tmp_path: Path) -> None:
    data = UPDATES.read_bytes()
    cut = data.index(b"\n", len(data) // 2) + 1  # mid-session, between two calls' updates
    home = grok_home(tmp_path)
    log = home / ".grok" / "sessions" / GROUP / SESSION / "updates.jsonl"
    log.write_bytes(data[:cut])
    env = {**os.environ, "HOME": str(home)}
    db = tmp_path / "parts.db"
    ingest(db, env=env)
    log.write_bytes(data)
    ingest(db, env=env)
    before = dump_store(db)
    ingest(db, env=env)
    assert store_differences(before, dump_store(db)) == []  # read again: nothing changes
    clean = tmp_path / "clean.db"
    ingest(clean, env=env)
    assert store_differences(_captured(clean), _captured(db)) == []


def test_read_a_line_at_a_time_it_is_the_same_session(tmp_path: Path) -> None:
    lines = UPDATES.read_bytes().splitlines()
    [whole] = _read(tmp_path / "updates.jsonl", lines, [])
    assert _stored([whole]) == _stored(_read(tmp_path / "updates.jsonl", lines, list(range(1, len(lines)))))


def test_it_is_sniffed_and_claimed_as_grok_builds(tmp_path: Path) -> None:
    assert sniff(str(UPDATES), UPDATES.read_bytes()[:65536]) == FORMAT
    placed = f"/home/me/.grok/sessions/{GROUP}/{SESSION}/updates.jsonl"
    assert paths.claims(placed) == FORMAT
    assert paths.claims(f"/home/me/elsewhere/{SESSION}/updates.jsonl") is None
    assert paths.claims(f"/home/me/.grok/sessions/{GROUP}/{SESSION}/chat_history.jsonl") is None
    # the legacy lines, the notification without its envelope
    legacy = json.dumps({"sessionId": "s", "update": {"sessionUpdate": "agent_message_chunk", "content": {}}})
    assert sniff("updates.jsonl", legacy.encode() + b"\n") == FORMAT
    # other agents' JSONL is not taken: ACP-like keys without the envelope, a method of another protocol
    assert sniff("x.jsonl", b'{"jsonrpc": "2.0", "method": "session/update", "params": {"sessionId": "s"}}\n') != FORMAT
    assert sniff("x.jsonl", b'{"type": "user", "sessionId": "s", "uuid": "u", "message": {}}\n') != FORMAT


def test_other_agents_real_files_are_not_taken() -> None:
    """Every other agent's recorded JSONL in tests/agents/*/data/ is sniffed as something else."""
    agents = Path(__file__).parents[1]
    others = [p for p in sorted(agents.glob("*/data/**/*.jsonl")) if "grok" not in p.parts]
    assert others
    for path in others:
        with open(path, "rb") as handle:
            assert sniff(str(path), handle.read(65536)) != FORMAT, path


# --------------------------------------------------------------------------- shapes not in the sample


def _line(method: str, update: dict[str, Any], n: int, **meta: Any) -> bytes:
    params = {
        "sessionId": "s1",
        "update": update,
        "_meta": {"eventId": f"s1-{n}", "agentTimestampMs": 1_785_000_000_000 + n, **meta},
    }
    return json.dumps({"timestamp": 1_785_000_000 + n, "method": method, "params": params}).encode()


def _prompt(text: str, index: int | None, n: int) -> bytes:
    meta: dict[str, Any] = {"modelId": "grok-4.5"} | ({} if index is None else {"promptIndex": index})
    return _line(
        "session/update",
        {"sessionUpdate": "user_message_chunk", "content": {"type": "text", "text": text}, "_meta": meta},
        n,
    )


def _reply(text: str, n: int) -> bytes:
    return _line(
        "session/update", {"sessionUpdate": "agent_message_chunk", "content": {"type": "text", "text": text}}, n
    )


def _call(call_id: str, command: str, n: int) -> bytes:
    tool = {"version": 1, "name": "run_terminal_command", "kind": "execute", "namespace": "grok_build"}
    update = {"sessionUpdate": "tool_call", "toolCallId": call_id, "title": "run_terminal_command",
              "rawInput": {"command": command}, "_meta": {"x.ai/tool": tool}}  # fmt: skip
    return _line("session/update", update, n)


def _result(call_id: str, exit_code: int, n: int) -> bytes:
    update = {"sessionUpdate": "tool_call_update", "toolCallId": call_id, "status": "completed",
              "content": [{"type": "content", "content": {"type": "text", "text": "out"}}],
              "rawOutput": {"type": "Bash", "exit_code": exit_code, "signal": None, "timed_out": False}}  # fmt: skip
    return _line("session/update", update, n)


def _turn(n: int, **usage: Any) -> bytes:
    update = {"sessionUpdate": "turn_completed", "prompt_id": f"p{n}", "stop_reason": "end_turn"}
    return _line("_x.ai/session/update", update | ({"usage": usage} if usage else {}), n)


def _rewind(target: int, n: int) -> bytes:
    return _line(
        "_x.ai/session/update", {"sessionUpdate": "rewind_marker", "target_prompt_index": target, "created_at": "t"}, n
    )


USAGE = {"inputTokens": 13599, "outputTokens": 33, "totalTokens": 13632, "cachedReadTokens": 13440, "reasoningTokens": 24,
         "modelCalls": 1, "costUsdTicks": 45480000}  # fmt: skip
SESSION_LINES = [
    _prompt("first ", 0, 1),
    _prompt("prompt", 0, 2),  # the same prompt, a second chunk
    _reply("Hello ", 3),
    _reply("there", 4),  # the same message
    _call("c1", "pytest -q", 5),
    _result("c1", 1, 6),
    _turn(7, **USAGE, modelUsage={"grok-4.5-build": USAGE}),
    _prompt("a prompt taken back", 1, 8),
    _call("c2", "rm -rf build", 9),
    _result("c2", 0, 10),
    _turn(11, inputTokens=100, outputTokens=5, cachedReadTokens=40, cacheCreationTokens=10),
    _rewind(1, 12),
    _prompt("the prompt after the rewind", 1, 13),
    _reply("done", 14),
]


def _read(path: Path, lines: list[bytes], cuts: list[int]) -> list[Any]:
    """The batches of `lines` read in parts ending at `cuts` (line counts), as ingest reads them:
    each read from the parser's restart line, with its state."""
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return parse_in_parts(
        lambda pending, state: UpdatesParser(str(path), pending_calls=pending, state=state), lines, cuts
    )


def test_chunks_rewinds_and_usage(tmp_path: Path) -> None:
    [batch] = _read(tmp_path / "updates.jsonl", SESSION_LINES, [])
    assert [(m.kind, m.text) for m in batch.messages] == [
        ("prompt", "first prompt"),
        ("assistant", "Hello there"),
        ("prompt", "the prompt after the rewind"),
        ("assistant", "done"),
    ]
    assert [(c.id, c.command) for c in batch.tool_calls] == [("c1", "pytest -q")]  # c2 was taken back
    [failed] = batch.tool_results
    assert (failed.ok, failed.exit_code, failed.error_text) == (False, 1, "out")
    # tokens as ccusage counts them: the rewound turn's too; the cost from ticks; without modelUsage, "unknown"
    usage = {key: (u.input_tokens, u.cache_read_tokens, u.cache_creation_tokens, u.output_tokens, u.reasoning_tokens,
                   u.cost_usd) for key, u in batch.usage.items()}  # fmt: skip
    assert usage == {
        ("s1-7", "grok-4.5-build"): (159, 13440, 0, 33, 24, 0.004548),
        ("s1-11", "unknown"): (50, 40, 10, 5, 0, None),
    }
    [session] = batch.sessions.values()
    assert (session.id, session.model) == ("s1", "grok-4.5")


def test_a_rewind_of_a_branch_read_before_is_taken_back(tmp_path: Path) -> None:
    """Cut after the prompt that is rewound, and mid-message: the second read takes the branch back
    (it reads the file again from its start, the session whole) and the store is a clean read's."""
    home = tmp_path / "home"
    log = home / ".grok" / "sessions" / "%2Fw" / "s1" / "updates.jsonl"
    log.parent.mkdir(parents=True)
    data = b"".join(line + b"\n" for line in SESSION_LINES)
    env = {**os.environ, "HOME": str(home)}
    db = tmp_path / "parts.db"
    for end in (3, 10, len(SESSION_LINES)):  # mid-reply (line 3 of "Hello there"), before the rewind, all
        log.write_bytes(b"".join(line + b"\n" for line in SESSION_LINES[:end]))
        ingest(db, env=env)
    assert rows(db, "SELECT count(*) FROM tool_calls WHERE id = 'c2'") == [(0,)]
    assert rows(db, "SELECT text FROM messages WHERE kind = 'assistant' ORDER BY seq") == [("Hello there",), ("done",)]
    log.write_bytes(data)
    clean = tmp_path / "clean.db"
    ingest(clean, env=env)
    assert store_differences(_captured(clean), _captured(db)) == []
    assert rows(db, "SELECT count(*), sum(input_tokens) FROM token_usage") == [(2, 209)]


def _stored(batches: list[Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[Any, Any]]:
    """What the store keeps of a file's batches: a batch holding its session whole replaces what
    came before; a message or a call stored once stays (INSERT OR IGNORE)."""
    messages: dict[str, Any] = {}
    calls: dict[str, Any] = {}
    results: dict[str, Any] = {}
    usage: dict[Any, Any] = {}
    for batch in batches:
        if batch.replaced_sessions:
            messages, calls, results, usage = {}, {}, {}, {}
        for m in batch.messages:
            messages.setdefault(m.uuid, (m.kind, m.seq, m.text))
        for c in batch.tool_calls:
            calls.setdefault(c.id, (c.tool, c.seq, c.command, c.target_path))
        for r in batch.tool_results:
            results.setdefault(r.tool_use_id, (r.ok, r.exit_code, r.error_text, r.result_text, r.diff))
        usage.update({key: (u.input_tokens, u.output_tokens, u.cost_usd) for key, u in batch.usage.items()})
    return messages, calls, results, usage


def test_read_in_any_two_parts_it_is_read_as_one(tmp_path: Path) -> None:
    """Cut anywhere (mid-prompt, mid-reply, between a rewound prompt and its rewind): what is stored
    is what one read stores."""
    whole = _stored(_read(tmp_path / "u.jsonl", SESSION_LINES, []))
    for cut in range(1, len(SESSION_LINES)):
        assert _stored(_read(tmp_path / "u.jsonl", SESSION_LINES, [cut])) == whole, cut
    assert _stored(_read(tmp_path / "u.jsonl", SESSION_LINES, list(range(1, len(SESSION_LINES))))) == whole


def test_bad_input_is_a_problem_of_its_line(tmp_path: Path) -> None:
    good = UPDATES.read_bytes().splitlines()
    wrong = json.loads(good[2])
    wrong["params"]["update"]["toolCallId"] = 7  # a number where Grok writes a string
    unknown = _line("_x.ai/session/update", {"sessionUpdate": "brand_new_update"}, 9)
    lines = [good[0][:40], b"\xff" + good[1][1:], json.dumps(wrong).encode(), b"[1, 2]", unknown, *good[5:]]
    path = tmp_path / "updates.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    parser = UpdatesParser(str(path))
    batch = parser.parse(lines, 1)
    assert [(p.line, p.code) for p in batch.problems] == [
        (1, "truncated-line"),
        (2, "invalid-utf8"),
        (3, "malformed-record"),
        (4, "not-an-object"),
    ]
    assert [(n.line, n.code, n.severity) for n in parser.notices()] == [(5, "unknown-record-type", "notice")]
    assert len(batch.tool_calls) == 4  # the rest is read
