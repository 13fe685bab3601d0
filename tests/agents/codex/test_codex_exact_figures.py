"""Codex figures exact (issue 26): prompts without what the CLI injects, forks counted once (a
replay that kept the parent's times ends where the fork's own records begin), token totals that
reset. Hand-built rollouts in the shapes of codex-rs's rollout recorder; the real corpora are
checked in tests/agents/codex/test_codex_corpus_figures.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lessonloop.agents.codex.reader.injected import is_injected_event, is_injected_item
from lessonloop.agents.codex.reader.outcomes import outcome_of
from tests.agents.codex.test_codex_adapter import assert_counts_agree, event, item, line, rows, write
from tests.conftest import run_ingest

PARENT = "5fa1c7c2-2be0-48f3-ae24-33c9720e26b2"
CHILD = "6b0e1a64-4d1e-4b4e-9f7a-0c3a7d9e8f10"
NAMES = ("input_tokens", "cached_input_tokens", "output_tokens", "reasoning_output_tokens", "total_tokens")


def _at(seconds: float) -> str:
    minutes, sec = divmod(seconds, 60)
    return f"2025-12-02T10:{int(minutes):02d}:{sec:06.3f}Z"


def _meta(session_id: str, ts: str, **extra: Any) -> str:
    payload = {"id": session_id, "timestamp": ts, "cwd": "/work/proj", "cli_version": "0.77.0", **extra}
    return line("session_meta", payload, ts)


def _user(text: str, ts: str = _at(1)) -> str:
    return item({"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}, ts)


def _tokens(ts: str, total: list[int] | None, last: list[int] | None = None) -> str:
    info: dict[str, Any] = {}
    if total is not None:
        info["total_token_usage"] = dict(zip(NAMES, total, strict=True))
    if last is not None:
        info["last_token_usage"] = dict(zip(NAMES, last, strict=True))
    return event({"type": "token_count", "info": info}, ts)


def _shell(call_id: str, exit_code: int, ts: str) -> list[str]:
    arguments = json.dumps({"command": ["bash", "-lc", "make"]})
    output = json.dumps({"output": "", "metadata": {"exit_code": exit_code, "duration_seconds": 0.1}})
    return [
        item({"type": "function_call", "name": "shell", "call_id": call_id, "arguments": arguments}, ts),
        item({"type": "function_call_output", "call_id": call_id, "output": output}, ts),
    ]


# ----------------------------------------------------------------------------- injected texts


def test_injected_forms_are_known_by_their_form() -> None:
    for text in (
        "<environment_context>\n  <cwd>/w</cwd>\n</environment_context>",
        "  <user_instructions>be brief</user_instructions>",
        "<TURN_ABORTED>The user interrupted</TURN_ABORTED>",
        "<user_shell_command>ls</user_shell_command>",
        "<subagent_notification>{}</subagent_notification>",
        "<skill>\n<name>x</name>",
        "# AGENTS.md instructions for /w\n\n<INSTRUCTIONS>",
    ):
        assert is_injected_event(text), text
        assert is_injected_item(text), text
    assert is_injected_event("anything", "environment_context")
    for typed in ("fix the <div> in page.html", "# My plan\nstep 1", "<3 thanks", "why does <T> fail?"):
        assert not is_injected_event(typed), typed
    assert not is_injected_item("fix the <div> in page.html")


def test_prompts_are_what_the_person_typed(tmp_path: Path, db_path: Path) -> None:
    """A rollout whose first prompt comes as a user-role item before any event (Codex 0.5x-0.9x
    in the IDE): the item repeats the user_message event and is not a second prompt; events
    holding Codex's own context (0.2x-0.4x `kind`, tags, the AGENTS.md block) are no prompts."""
    lines = [
        _meta(CHILD, _at(0)),
        item({"type": "message", "role": "developer", "content": [{"type": "input_text", "text": "<permissions>"}]}),
        _user("# AGENTS.md instructions for /work/proj\n\n<INSTRUCTIONS>\nbe brief\n</INSTRUCTIONS>"),
        _user("<environment_context>\n  <cwd>/work/proj</cwd>\n</environment_context>"),
        _user("# Context from my IDE setup:\n\n## My request for Codex:\nfix the bug"),
        event(
            {"type": "user_message", "message": "# Context from my IDE setup:\n\n## My request for Codex:\nfix the bug"}
        ),
        event({"type": "user_message", "message": "<user_instructions>be brief</user_instructions>"}),
        event({"type": "user_message", "message": "cwd is /w", "kind": "environment_context"}),
        event({"type": "user_message", "message": "<turn_aborted>\nThe user interrupted.\n</turn_aborted>"}),
        _user("and the <div> too", _at(5)),
        event({"type": "user_message", "message": "and the <div> too"}, _at(5)),
    ]
    write(tmp_path / "s" / f"rollout-2025-12-02T10-00-00-{CHILD}.jsonl", lines)
    run_ingest(db_path, tmp_path / "s")
    prompts = rows(db_path, "SELECT text FROM messages WHERE kind = 'prompt' ORDER BY seq")
    assert prompts == [
        ("# Context from my IDE setup:\n\n## My request for Codex:\nfix the bug",),
        ("and the <div> too",),
    ]
    assert rows(db_path, "SELECT count(*) FROM messages WHERE kind = 'instructions'") == [(3,)]
    assert_counts_agree(db_path, [tmp_path / "s"])


def test_paginated_rollouts_count_their_typed_user_items_only(tmp_path: Path, db_path: Path) -> None:
    """ "Paginated" history mode keeps prompts only as item_completed UserMessage items: the same
    forms of injected context are no prompts there either."""

    def user_item(text: str, ts: str) -> str:
        turn_item = {"type": "UserMessage", "id": "u", "content": [{"type": "text", "text": text}]}
        return event({"type": "item_completed", "thread_id": CHILD, "turn_id": "t", "item": turn_item}, ts)

    lines = [
        _meta(CHILD, _at(0)),
        user_item("<environment_context>\n  <cwd>/work/proj</cwd>\n</environment_context>", _at(1)),
        user_item("rename the module", _at(2)),
    ]
    write(tmp_path / "s" / f"rollout-2025-12-02T10-00-00-{CHILD}.jsonl", lines)
    run_ingest(db_path, tmp_path / "s")
    assert rows(db_path, "SELECT text FROM messages WHERE kind = 'prompt'") == [("rename the module",)]
    assert_counts_agree(db_path, [tmp_path / "s"])


def test_a_rollout_without_the_envelope_keeps_its_user_items_as_prompts(tmp_path: Path, db_path: Path) -> None:
    lines = [
        json.dumps({"id": CHILD, "timestamp": "2025-07-01T10:00:00Z", "instructions": None}),
        json.dumps(
            {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "<user_instructions>x"}]}
        ),
        json.dumps({"type": "message", "role": "user", "content": [{"type": "input_text", "text": "list the files"}]}),
    ]
    write(tmp_path / "s" / f"rollout-2025-07-01-{CHILD}.jsonl", lines)
    run_ingest(db_path, tmp_path / "s")
    assert rows(db_path, "SELECT text FROM messages WHERE kind = 'prompt'") == [("list the files",)]


# ----------------------------------------------------------------------------- forks


def _fork_with_parent_times() -> list[str]:
    """A fork whose replay kept the parent's own times (copied as they were) and whose turns carry
    no turn id (Codex before UUIDv7 turns): its own records are those stamped after the fork."""
    fork = 600.0
    replay = [
        _meta(PARENT, _at(10)),
        line("turn_context", {"cwd": "/work/proj", "model": "gpt-5-codex"}, _at(11)),
        event({"type": "user_message", "message": "the parent's prompt"}, _at(11)),
        *_shell("parent-1", 2, _at(20)),
        _tokens(_at(21), [1000, 400, 50, 10, 1050], [1000, 400, 50, 10, 1050]),
        *_shell("parent-2", 0, _at(40)),
        _tokens(_at(41), [2500, 1400, 90, 20, 2590], [1500, 1000, 40, 10, 1540]),
    ]
    own = [
        line("turn_context", {"cwd": "/work/proj", "model": "gpt-5-codex"}, _at(fork + 0.5)),
        event({"type": "user_message", "message": "the fork's prompt"}, _at(fork + 0.5)),
        _tokens(_at(fork + 0.6), [2500, 1400, 90, 20, 2590], [1500, 1000, 40, 10, 1540]),  # the replay's count again
        *_shell("child-1", 1, _at(fork + 1)),
        _tokens(_at(fork + 2), [4500, 2400, 390, 120, 4890], [2000, 1000, 300, 100, 2300]),
        *_shell("child-2", 0, _at(fork + 3)),
        _tokens(_at(fork + 4), [7000, 3400, 690, 220, 7690], [2500, 1000, 300, 100, 2800]),
    ]
    return [_meta(CHILD, _at(fork), forked_from_id=PARENT), *replay, *own]


def test_a_fork_whose_replay_kept_the_parents_times_counts_its_own_calls_and_tokens(
    tmp_path: Path, db_path: Path
) -> None:
    write(tmp_path / "s" / f"rollout-2025-12-02T10-10-00-{CHILD}.jsonl", _fork_with_parent_times())
    run_ingest(db_path, tmp_path / "s")
    calls = rows(db_path, "SELECT id, session_id, status FROM tool_calls ORDER BY seq")
    assert calls == [("child-1", CHILD, "error"), ("child-2", CHILD, "ok")]
    usage = rows(
        db_path,
        "SELECT sum(input_tokens), sum(cache_read_tokens), sum(output_tokens), sum(reasoning_tokens)"
        f" FROM token_usage WHERE session_id = '{CHILD}'",
    )
    assert usage == [(2500, 2000, 600, 200)]
    assert rows(db_path, "SELECT text FROM messages WHERE kind = 'prompt'") == [("the fork's prompt",)]
    assert_counts_agree(db_path, [tmp_path / "s"])


def test_a_fork_read_in_parts_stores_what_one_read_stores(tmp_path: Path, db_path: Path) -> None:
    lines = _fork_with_parent_times()
    whole = tmp_path / "whole.db"
    write(tmp_path / "a" / f"rollout-2025-12-02T10-10-00-{CHILD}.jsonl", lines)
    run_ingest(whole, tmp_path / "a")
    path = write(tmp_path / "b" / f"rollout-2025-12-02T10-10-00-{CHILD}.jsonl", lines[:9])
    run_ingest(db_path, tmp_path / "b")
    write(path, lines)
    run_ingest(db_path, tmp_path / "b")
    sql = "SELECT id, status FROM tool_calls ORDER BY id"
    assert rows(db_path, sql) == rows(whole, sql)
    sql = "SELECT sum(input_tokens), sum(output_tokens) FROM token_usage"
    assert rows(db_path, sql) == rows(whole, sql)


# ----------------------------------------------------------------------------- token totals


def test_totals_without_a_last_count_that_reset_count_from_zero(tmp_path: Path, db_path: Path) -> None:
    """Token counts carrying totals only (no last_token_usage): each count is the totals' growth;
    when the totals go down (a resumed session's new process counts again from 0), the new totals
    are all new."""
    lines = [
        _meta(CHILD, _at(0)),
        line("turn_context", {"cwd": "/work/proj", "model": "gpt-5"}, _at(1)),
        _tokens(_at(2), [100, 0, 10, 0, 110]),
        _tokens(_at(3), [100, 0, 10, 0, 110]),  # repeated
        _tokens(_at(4), [300, 100, 30, 5, 330]),
        _tokens(_at(5), [50, 0, 7, 0, 57]),  # reset
        _tokens(_at(6), [80, 10, 9, 1, 89]),
    ]
    write(tmp_path / "s" / f"rollout-2025-12-02T10-00-00-{CHILD}.jsonl", lines)
    run_ingest(db_path, tmp_path / "s")
    usage = rows(
        db_path,
        "SELECT sum(input_tokens + cache_read_tokens), sum(cache_read_tokens), sum(output_tokens) FROM token_usage",
    )
    assert usage == [(100 + 200 + 50 + 30, 100 + 10, 10 + 20 + 7 + 2)]
    assert_counts_agree(db_path, [tmp_path / "s"])


# ----------------------------------------------------------------------------- failed calls


def test_a_command_stopped_while_it_ran_is_interrupted_and_an_unavailable_tool_failed() -> None:
    """Forms seen in codex/zo-qore that were stored as ok: codex-rs writes the wall time then
    "aborted by user" for a command stopped while it ran, and answers a tool the current mode does
    not offer with "TOOL is unavailable in MODE mode"."""
    assert outcome_of("Wall time: 103.9 seconds\naborted by user").status == "interrupted"
    assert outcome_of("Wall time: 1 second\naborted").status == "interrupted"
    assert outcome_of("request_user_input is unavailable in Code mode").status == "error"
    assert outcome_of("Exit code: 0\nWall time: 1 seconds\nOutput:\naborted by user").status == "ok"
    assert outcome_of("the docs say it is unavailable in dark mode").status == "ok"


def test_a_command_the_exec_policy_refused_or_a_powershell_error_record_is_an_error() -> None:
    """Forms of codex/zo-qore stored as ok before (its labels, tests/data/labels, count them as
    failed calls): "`CMD` rejected: blocked by policy" (no person declined it: the agent ran what
    the policy forbids) and PowerShell's error record in an output whose exit code is 0."""
    text = (
        '`"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" -Command "pwd"` rejected: blocked by policy'
    )
    assert outcome_of(text).status == "error"
    assert outcome_of("`ls` is what I ran; it was rejected: no").status == "ok"
    record = (
        "Exit code: 0\r\nWall time: 1.4 seconds\r\nOutput:\r\n"
        "Set-Location : A positional parameter cannot be found that accepts argument 'g:\\w'.\r\n"
        "At line:1 char:1\r\n+ cd /d g:\\w; ls\r\n+ ~~~~~~~~~~~~~~~~\r\n"
        "    + CategoryInfo          : InvalidArgument: (:) [Set-Location], ParameterBindingException\r\n"
        "    + FullyQualifiedErrorId : PositionalParameterNotFound,Microsoft.PowerShell.Commands.SetLocationCommand\r\n"
    )
    found = outcome_of(record)
    assert (found.status, found.exit_code) == ("error", 0)
    assert outcome_of("Exit code: 0\nOutput:\nthe docs mention + CategoryInfo : once").status == "ok"


# ----------------------------------------------------------------------------- older stores


def test_a_store_made_before_reads_its_codex_rollouts_again(tmp_path: Path, db_path: Path) -> None:
    """m029_codex_reread: a store an older lessonloop filled (a prompt stored twice, as it did)
    has its Codex rollouts read again at the next ingest, and then holds what a new store holds."""
    from lessonloop.store.connection import open_store

    lines = [
        _meta(CHILD, _at(0)),
        _user("fix the bug"),
        event({"type": "user_message", "message": "fix the bug"}, _at(1)),
        *_shell("c1", 1, _at(2)),
    ]
    write(tmp_path / "s" / f"rollout-2025-12-02T10-00-00-{CHILD}.jsonl", lines)
    run_ingest(db_path, tmp_path / "s")
    conn = open_store(db_path)
    try:
        conn.execute(
            "INSERT INTO messages (session_id, uuid, seq, ts, role, kind, text, source_file_id)"
            " SELECT session_id, session_id || ':2', 2, ts, 'user', 'prompt', text, source_file_id"
            " FROM messages WHERE kind = 'prompt'"
        )
        conn.execute("DELETE FROM _migrations WHERE name = 'm029_codex_reread'")
        conn.commit()
    finally:
        conn.close()
    assert rows(db_path, "SELECT count(*) FROM messages WHERE kind = 'prompt'") == [(2,)]
    summary = run_ingest(db_path, tmp_path / "s")  # opens the store: m029 marks the file
    assert summary.files_replaced == 1
    assert rows(db_path, "SELECT count(*) FROM messages WHERE kind = 'prompt'") == [(1,)]
    assert rows(db_path, "SELECT id, status FROM tool_calls") == [("c1", "error")]
