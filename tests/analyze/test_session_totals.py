"""The totals the store keeps per session (store/sessions/totals.py, issue 43): what reads show is
what the rows sum to, kept as rows arrive (the sessions that changed are settled, never the
history), through every writer (ingest, forget), with each call's cost stored once and worked out
again when the price table changes. The main reads use indexes, not scans of the calls."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from lessonloop.analyze.pricing import call_cost
from lessonloop.report.analysis_queries import build_report
from lessonloop.report.queries import list_sessions, stats
from lessonloop.report.usage_queries import usage_periods
from lessonloop.store import open_store
from lessonloop.store.sessions.totals import SLOT, settle_totals
from tests.conftest import SHARED_CORPUS, cli
from tests.transcript_builder import TranscriptBuilder

SPOTTER = SHARED_CORPUS / "claude-code" / "spotter"

# Each totals table, as the rows it sums would give it now (ordered alike).
_FRESH = {
    "usage_totals": f"""SELECT session_id, model, {SLOT.format(ts="ts")}, count(*), sum(input_tokens),
                               sum(output_tokens), sum(cache_creation_tokens), sum(cache_read_tokens),
                               sum(reasoning_tokens), sum(price_usd), sum(price_usd IS NULL)
                        FROM token_usage GROUP BY 1, 2, 3 ORDER BY 1, 2, 3""",
    "call_totals": """SELECT session_id, tool, kind, count(*), coalesce(sum(ok = 0), 0), min(ts), max(ts)
                      FROM tool_calls GROUP BY 1, 2, 3 ORDER BY 1, 2, 3""",
    "message_totals": """SELECT session_id, kind, count(*), min(ts), max(ts) FROM messages
                         GROUP BY 1, 2 ORDER BY 1, 2""",
}
_KEPT = {
    "usage_totals": """SELECT session_id, model, slot, calls, input, output, cache_creation, cache_read, reasoning,
                              cost_usd, unpriced FROM usage_totals ORDER BY 1, 2, 3""",
    "call_totals": "SELECT session_id, tool, kind, calls, errors, first_ts, last_ts FROM call_totals ORDER BY 1, 2, 3",
    "message_totals": "SELECT session_id, kind, messages, first_ts, last_ts FROM message_totals ORDER BY 1, 2",
}

# Each session's row of figures (m041), as its rows would give it now; costs rounded (summed in
# another order).
_FRESH_FIGURES = """WITH ids AS (SELECT session_id AS id FROM token_usage UNION SELECT session_id FROM tool_calls
                                UNION SELECT session_id FROM messages)
    SELECT i.id,
           (SELECT count(*) FROM tool_calls c WHERE c.session_id = i.id),
           (SELECT coalesce(sum(c.ok = 0), 0) FROM tool_calls c WHERE c.session_id = i.id),
           (SELECT min(c.ts) FROM tool_calls c WHERE c.session_id = i.id),
           (SELECT max(c.ts) FROM tool_calls c WHERE c.session_id = i.id),
           (SELECT min(m.ts) FROM messages m WHERE m.session_id = i.id),
           (SELECT max(m.ts) FROM messages m WHERE m.session_id = i.id),
           (SELECT count(*) FROM messages m WHERE m.session_id = i.id AND m.kind = 'prompt'),
           (SELECT coalesce(sum(u.input_tokens), 0) FROM token_usage u WHERE u.session_id = i.id),
           (SELECT coalesce(sum(u.output_tokens), 0) FROM token_usage u WHERE u.session_id = i.id),
           (SELECT coalesce(sum(u.cache_creation_tokens), 0) FROM token_usage u WHERE u.session_id = i.id),
           (SELECT coalesce(sum(u.cache_read_tokens), 0) FROM token_usage u WHERE u.session_id = i.id),
           (SELECT round(sum(u.price_usd), 9) FROM token_usage u WHERE u.session_id = i.id),
           (SELECT coalesce(sum(u.price_usd IS NULL), 0) FROM token_usage u WHERE u.session_id = i.id),
           (SELECT u.model FROM token_usage u WHERE u.session_id = i.id
            GROUP BY u.model ORDER BY sum(u.output_tokens) DESC, u.model LIMIT 1)
    FROM ids i ORDER BY 1"""
_KEPT_FIGURES = """SELECT session_id, calls, errors, calls_first, calls_last, msgs_first, msgs_last, prompts, input,
                          output, cache_creation, cache_read, round(cost_usd, 9), unpriced, model
                   FROM session_figures ORDER BY 1"""


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _assert_totals_are_the_rows(db: Path) -> None:
    assert _rows(db, "SELECT count(*) FROM totals_dirty") == [(0,)]
    for table, fresh in _FRESH.items():
        kept = _rows(db, _KEPT[table])
        assert kept == _rows(db, fresh), table
    assert _rows(db, _KEPT_FIGURES) == _rows(db, _FRESH_FIGURES)
    unpriced = _rows(db, "SELECT count(*) FROM token_usage WHERE priced = 0")
    assert unpriced == [(0,)]


def _session(folder: Path, sid: str, day: int, model: str = "claude-opus-4-6") -> TranscriptBuilder:
    t = TranscriptBuilder(session_id=sid, cwd="/home/dev/alpha", start=datetime(2026, 11, day, 9, 7, tzinfo=UTC))
    t.prompt("run the tests")
    t.say("running", model=model, input_tokens=12, output_tokens=40, cache_creation=500, cache_read=4000)
    t.bash("pytest -q", "1 failed", exit_code=1)
    t.bash("pytest -q -x", "ok")
    t.say("fixed", model="claude-haiku-4-5", input_tokens=5, output_tokens=9)
    t.write(folder / f"{sid}.jsonl")
    return t


_IDS = ("a1110000-0000-4000-8000-000000000001", "b2220000-0000-4000-8000-000000000002")


def _store(tmp_path: Path, db_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "in"
    _session(folder, _IDS[0], 1)
    _session(folder, _IDS[1], 3, model="in-house-model-7")  # a model with no price
    assert cli("ingest", "--db", db_path, "--no-analyze", folder).exit_code == 0
    return db_path, folder


def test_the_totals_are_what_the_rows_sum_to(tmp_path: Path, db_path: Path) -> None:
    db, _ = _store(tmp_path, db_path)
    _assert_totals_are_the_rows(db)
    priced = _rows(db, "SELECT model, ts, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens,"
                   " cost_usd, cache_creation_1h_tokens, price_usd FROM token_usage")  # fmt: skip
    assert len(priced) == 8  # each session: its two replies and the two calls' requests
    for row in priced:
        assert row[-1] == (None if row[0] == "in-house-model-7" else pytest.approx(call_cost(*row[:-1])))


def test_a_new_turn_settles_its_session_alone(tmp_path: Path, db_path: Path) -> None:
    db, folder = _store(tmp_path, db_path)
    before = _rows(db, f"SELECT sum(calls) FROM usage_totals WHERE session_id = '{_IDS[0]}'")[0][0]
    conn = sqlite3.connect(db)
    with conn:  # a mark no settle of the other session would leave: it is not rebuilt
        conn.execute("UPDATE usage_totals SET calls = -7 WHERE session_id = ?", (_IDS[1],))
    conn.close()
    turn = _session(tmp_path / "scratch", _IDS[0], 1)
    turn.prompt("and the linter")
    turn.say("clean", model="claude-opus-4-6", input_tokens=3, output_tokens=4)
    turn.write(folder / f"{_IDS[0]}.jsonl")  # the same session, longer
    assert cli("ingest", "--db", db, "--no-analyze", folder).exit_code == 0
    untouched = _rows(db, f"SELECT DISTINCT calls FROM usage_totals WHERE session_id = '{_IDS[1]}'")
    assert untouched == [(-7,)]
    assert _rows(db, f"SELECT sum(calls) FROM usage_totals WHERE session_id = '{_IDS[0]}'") == [(before + 1,)]
    conn = open_store(db)
    try:  # the mark goes once that session is settled
        conn.execute("INSERT INTO totals_dirty (session_id) VALUES (?)", (_IDS[1],))
        assert settle_totals(conn) == 1
    finally:
        conn.close()
    _assert_totals_are_the_rows(db)


def test_forgetting_a_session_takes_its_totals(tmp_path: Path, db_path: Path) -> None:
    db, _ = _store(tmp_path, db_path)
    assert cli("forget", "--db", db, "session", _IDS[1][:8], "--yes").exit_code == 0
    for table in (*_KEPT, "session_figures"):
        assert _rows(db, f"SELECT count(*) FROM {table} WHERE session_id = '{_IDS[1]}'") == [(0,)], table
    _assert_totals_are_the_rows(db)
    assert cli("stats", "--db", db, "--json").json()["sessions"] == 1


def test_a_new_price_table_prices_every_call_again(tmp_path: Path, db_path: Path) -> None:
    db, folder = _store(tmp_path, db_path)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE price_state SET price_table = 'genai-prices 0.0.1'")
        conn.execute("UPDATE token_usage SET price_usd = 1000")  # what the old table said
    turn = _session(tmp_path / "scratch", _IDS[1], 3, model="in-house-model-7")
    turn.say("more", model="claude-opus-4-6", input_tokens=1, output_tokens=1)
    turn.write(folder / f"{_IDS[1]}.jsonl")
    assert cli("ingest", "--db", db, "--no-analyze", folder).exit_code == 0
    assert _rows(db, "SELECT count(*) FROM token_usage WHERE price_usd = 1000") == [(0,)]
    assert _rows(db, "SELECT price_table FROM price_state")[0][0].startswith("genai-prices ")
    assert _rows(db, "SELECT price_table FROM price_state") != [("genai-prices 0.0.1",)]
    _assert_totals_are_the_rows(db)


def test_a_read_settles_what_a_writer_left(tmp_path: Path, db_path: Path) -> None:
    """A writer that stopped before settling (a crash, another program): the next command settles."""
    db, _ = _store(tmp_path, db_path)
    settled = cli("stats", "--db", db, "--json").json()
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM usage_totals")
        conn.execute("UPDATE token_usage SET price_usd = NULL, priced = 0")
        conn.execute("INSERT INTO totals_dirty (session_id) SELECT id FROM sessions")
    data = cli("stats", "--db", db, "--json").json()
    assert data == settled and data["cost_usd"] is not None
    _assert_totals_are_the_rows(db)


def test_days_from_the_totals_are_the_days_of_the_calls(tmp_path: Path, db_path: Path) -> None:
    """`stats --by` reads quarters of an hour; a bound inside a quarter reads the calls: the same
    periods either way, in a time zone a quarter of an hour off UTC too."""
    db, _ = _store(tmp_path, db_path)
    conn = open_store(db)
    try:
        for tz in ("UTC", "Asia/Kathmandu", "America/St_Johns"):
            with pytest.MonkeyPatch.context() as patch:
                patch.setenv("TZ", tz)
                import time

                time.tzset()
                for by in ("day", "week", "month"):
                    whole = usage_periods(conn, by)
                    calls = usage_periods(conn, by, since="2000-01-01T00:00:00.001Z")
                    assert whole["periods"] == calls["periods"] and whole["periods"], (tz, by)
            time.tzset()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def spotter_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not SPOTTER.is_dir():
        pytest.skip(f"no corpus at {SPOTTER} (../shared beside the checkout)")
    folder = tmp_path_factory.mktemp("spotter")
    shutil.copytree(SPOTTER, folder / "projects")
    db = folder / "store.db"
    assert cli("ingest", "--db", db, "--no-analyze", folder / "projects").exit_code == 0
    return db


def test_real_sessions_totals_are_their_rows(spotter_store: Path) -> None:
    _assert_totals_are_the_rows(spotter_store)
    conn = open_store(spotter_store)
    try:
        rows = {row.id: row for row in list_sessions(conn)}
        for sid, calls, tokens in conn.execute(
            """SELECT s.id, (SELECT count(*) FROM tool_calls c JOIN sessions k ON k.id = c.session_id
                             WHERE k.id = s.id OR k.parent_id = s.id),
                      (SELECT sum(u.output_tokens) FROM token_usage u JOIN sessions k ON k.id = u.session_id
                       WHERE k.id = s.id OR k.parent_id = s.id)
               FROM sessions s WHERE s.parent_id IS NULL"""
        ):
            assert rows[sid].tool_calls == calls and rows[sid].output_tokens == (tokens or 0), sid
        borrowed = 0  # the main model: its own requests' with the most output, else its subagents'
        for sid, own, theirs in conn.execute(
            """SELECT s.id, (SELECT u.model FROM token_usage u WHERE u.session_id = s.id
                             GROUP BY u.model ORDER BY sum(u.output_tokens) DESC, u.model LIMIT 1),
                      (SELECT u.model FROM token_usage u JOIN sessions k ON k.id = u.session_id
                       WHERE k.parent_id = s.id GROUP BY u.model ORDER BY sum(u.output_tokens) DESC, u.model LIMIT 1)
               FROM sessions s WHERE s.parent_id IS NULL"""
        ):
            assert rows[sid].model == (own if own is not None else theirs), sid
            borrowed += own is None and theirs is not None
        assert borrowed  # spotter has main sessions whose every request is a subagent's
        figures = stats(conn)
        assert figures["tool_calls"] == conn.execute("SELECT count(*) FROM tool_calls").fetchone()[0]
        assert figures["cost_usd"] == pytest.approx(
            conn.execute("SELECT sum(price_usd) FROM token_usage").fetchone()[0]
        )
    finally:
        conn.close()


_BIG = ("token_usage", "tool_calls", "messages")


def test_the_main_reads_scan_no_call_message_or_token_row(spotter_store: Path) -> None:
    """Every statement of stats, stats --by day, sessions and report, as SQLite plans it: no full
    scan of the tables that grow with every turn (each read costs what it shows)."""
    conn = open_store(spotter_store)
    statements: list[str] = []
    try:
        conn.set_trace_callback(statements.append)
        stats(conn)
        usage_periods(conn, "day")
        list_sessions(conn)
        build_report(conn)
        conn.set_trace_callback(None)
        scans = []
        for sql in statements:
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"):
                detail = str(row[3])
                if detail.startswith("SCAN ") and detail.split()[1] in _BIG:
                    scans.append((detail, sql[:120]))
        assert statements and scans == []
    finally:
        conn.close()


def test_settling_nothing_is_one_query(spotter_store: Path) -> None:
    conn = open_store(spotter_store)
    statements: list[str] = []
    try:
        conn.set_trace_callback(statements.append)
        assert settle_totals(conn) == 0
    finally:
        conn.close()
    assert statements == ["SELECT 1 FROM totals_dirty LIMIT 1"]


def test_a_model_and_day_seen_before_is_priced_without_the_price_table(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """How a model is priced on a day is kept (price_rates): a new turn of a model and day seen
    before is priced from it, with no price table loaded, to the same cost."""
    db, folder = _store(tmp_path, db_path)
    assert _rows(db, "SELECT count(*) FROM price_rates")[0][0] >= 2
    import lessonloop.analyze.pricing as pricing

    def asked(model: str, day: str | None) -> None:
        raise AssertionError(f"the price table was asked for {model} on {day}")

    monkeypatch.setattr(pricing, "model_day_rates", asked)
    turn = _session(tmp_path / "scratch", _IDS[0], 1)
    turn.say("again", model="claude-opus-4-6", input_tokens=7, output_tokens=11, cache_read=900)
    turn.write(folder / f"{_IDS[0]}.jsonl")
    assert cli("ingest", "--db", db, "--no-analyze", folder).exit_code == 0
    monkeypatch.undo()
    _assert_totals_are_the_rows(db)
    for row in _rows(db, "SELECT model, ts, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens,"
                     " cost_usd, cache_creation_1h_tokens, price_usd FROM token_usage"):  # fmt: skip
        assert row[-1] == (None if row[0] == "in-house-model-7" else pytest.approx(call_cost(*row[:-1])))


def test_the_price_table_is_named_by_the_installed_genai_prices_version(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read from genai-prices' dist-info beside it, without importlib.metadata's look through every
    distribution (28 ms on each settle of new calls): the same version it gives."""
    import importlib.metadata

    from lessonloop.analyze.pricing import price_table

    expected = f"genai-prices {importlib.metadata.version('genai-prices')}"

    def no_scan(name: str) -> str:
        raise AssertionError(f"importlib.metadata.version({name!r}) was called")

    monkeypatch.setattr(importlib.metadata, "version", no_scan)
    assert price_table() == expected
