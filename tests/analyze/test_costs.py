"""Costs at list prices (report/costs.py, docs/costs.md), `stats --by day|week|month` and the
--since/--until every listing shares (arg_types.since_time/until_time)."""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lessonloop.analyze.pricing import call_cost, priced_model
from lessonloop.core.arg_types import since_time, until_time
from lessonloop.report.costs import cost_text
from tests.conftest import cli
from tests.transcript_builder import TranscriptBuilder

# Claude Opus 4.6's list prices per MTok: $5 input, $25 output, $6.25 cache write (5 minutes), $0.50 cache read
OPUS = {"input": 5.0, "output": 25.0, "cache_creation": 6.25, "cache_read": 0.5}


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC (periods and --since dates are local days; the test's days are UTC ones)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _opus(i: int, o: int, cc: int, cr: int) -> float:
    return (i * OPUS["input"] + o * OPUS["output"] + cc * OPUS["cache_creation"] + cr * OPUS["cache_read"]) / 1e6


def test_a_call_is_priced_from_its_tokens_by_kind() -> None:
    assert call_cost("claude-opus-4-6", "2026-11-01T09:00:00.000Z", 9, 30, 300, 3000) == pytest.approx(
        _opus(9, 30, 300, 3000)
    )
    # OpenAI: cached input at its own rate (gpt-5: $1.25 input, $0.125 cached, $10 output per MTok)
    assert call_cost("gpt-5", "2026-11-01T09:00:00.000Z", 1000, 100, 0, 4000) == pytest.approx(
        (1000 * 1.25 + 4000 * 0.125 + 100 * 10) / 1e6
    )


def test_an_unknown_model_is_unpriced_never_free() -> None:
    assert call_cost("in-house-model-7", "2026-11-01T09:00:00.000Z", 1000, 100) is None
    assert call_cost(None, None, 1000, 100) is None
    assert cost_text(None, 3) == "unknown" and cost_text(1.5, 2) == "$1.50+" and cost_text(None, 0) == "-"
    # no tokens at all (Claude Code's <synthetic> messages) cost nothing, priced or not
    assert call_cost("<synthetic>", "2026-11-01T09:00:00.000Z", 0, 0, 0, 0) == 0.0


def test_the_cost_an_agent_reported_is_taken_as_it_is() -> None:
    assert call_cost("in-house-model-7", None, 1000, 100, reported=0.25) == 0.25
    assert call_cost("claude-opus-4-6", None, 1000, 100, reported=0.25) == 0.25
    # ... but a $0 for a model the table prices (Aider reports $0 for a model it has no price for)
    assert call_cost("claude-opus-4-6", "2026-11-01T09:00:00.000Z", 1000, 100, reported=0.0) == pytest.approx(
        _opus(1000, 100, 0, 0)
    )
    assert call_cost("in-house-model-7", None, 1000, 100, reported=0.0) == 0.0  # a local model: free indeed


def test_routing_and_cloud_prefixes_find_the_model() -> None:
    assert priced_model("openrouter/anthropic/claude-opus-4-6") == ("claude-opus-4-6", None)
    # Amazon Bedrock's regional endpoints cost 10% more than Anthropic's own API
    bedrock = "converse/jp.anthropic.claude-haiku-4-5-20251001-v1:0"
    assert priced_model(bedrock) == ("jp.anthropic.claude-haiku-4-5-20251001-v1:0", "aws")
    assert call_cost(bedrock, "2025-12-10T19:37:42.118Z", 16878, 237) == pytest.approx(
        1.1 * (16878 * 1.0 + 237 * 5.0) / 1e6
    )
    assert priced_model("no-such-model-anywhere") is None


def test_a_gemini_name_without_preview_is_priced_as_its_preview() -> None:
    # Gemini CLI's "gemini-3-pro": Google prices Gemini 3 Pro only as gemini-3-pro-preview:
    # $2 input, $12 output, $0.20 cached per MTok; $4, $18, $0.40 for a prompt past 200k tokens
    assert priced_model("gemini-3-pro") == ("gemini-3-pro-preview", None)
    assert priced_model("google/gemini-3-flash") == ("gemini-3-flash-preview", None)
    assert priced_model("gemini-2.5-pro") == ("gemini-2.5-pro", None)  # a name the table has stays itself
    day = "2026-01-16T11:00:00.000Z"
    assert call_cost("gemini-3-pro", day, 1000, 300, 0, 9000) == pytest.approx((1000 * 2 + 300 * 12 + 9000 * 0.2) / 1e6)
    assert call_cost("gemini-3-pro", day, 1000, 300, 0, 250_000) == pytest.approx(
        (1000 * 4 + 300 * 18 + 250_000 * 0.4) / 1e6
    )


def test_a_google_model_with_no_cache_price_takes_openrouters() -> None:
    # the table's Google entries for the image models list no cached-input price; OpenRouter's
    # listings of the same models do ($0.20 and $0.03 per MTok), at Google's input price
    day = "2025-12-01T21:45:40.110Z"
    assert call_cost("gemini-3-pro-image-preview", day, 1000, 300, 0, 9000) == pytest.approx(
        (1000 * 2 + 300 * 12 + 9000 * 0.2) / 1e6
    )
    assert call_cost("gemini-2.5-flash-image", day, 0, 0, 0, 1_000_000) == pytest.approx(0.03)


def test_since_and_until_read_dates_times_and_durations() -> None:
    day = datetime(2026, 11, 1).astimezone()  # a date is a local day
    start = day.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    end = (day + timedelta(days=1)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert since_time("2026-11-01") == since_time("20261101") == start
    assert until_time("2026-11-01") == end  # the day given is included whole
    assert since_time("2026-11-01T14:00Z") == "2026-11-01T14:00:00.000Z"
    assert since_time("2026-11-01T14:00+02:00") == "2026-11-01T12:00:00.000Z"
    week = datetime.fromisoformat(since_time("2w").replace("Z", "+00:00"))
    assert abs((datetime.now(tz=UTC) - week) - timedelta(weeks=2)) < timedelta(minutes=1)
    for bad in ("7", "yesterday", "2026-13-01", "7x", ""):
        with pytest.raises(argparse.ArgumentTypeError, match="not a date, time or duration"):
            since_time(bad)


def _store(tmp_path: Path, db: Path) -> Path:
    """Three sessions: Opus on 2026-11-01 and 2026-11-03, a model with no price on 2026-11-03."""
    days = [
        ("a1110000-0000-4000-8000-000000000001", datetime(2026, 11, 1, 12, tzinfo=UTC), "claude-opus-4-6"),
        ("a2220000-0000-4000-8000-000000000002", datetime(2026, 11, 3, 12, tzinfo=UTC), "claude-opus-4-6"),
        ("a3330000-0000-4000-8000-000000000003", datetime(2026, 11, 3, 13, tzinfo=UTC), "in-house-model-7"),
    ]
    for sid, start, model in days:
        t = TranscriptBuilder(session_id=sid, cwd="/home/dev/alpha", start=start)
        t.prompt("fix it")
        t.say("done", model=model, input_tokens=9, output_tokens=30, cache_creation=300, cache_read=3000)
        t.write(tmp_path / "in" / f"{sid}.jsonl")
    result = cli("ingest", "--db", db, "--no-analyze", tmp_path / "in")
    assert result.exit_code == 0, result.stderr
    return db


def test_stats_by_day_has_tokens_cost_and_models_per_day(tmp_path: Path, db_path: Path, utc: None) -> None:
    db = _store(tmp_path, db_path)
    data = cli("stats", "--db", db, "--by", "day", "--json").json()
    assert [p["period"] for p in data["periods"]] == ["2026-11-01", "2026-11-03"]
    first, third = data["periods"]
    assert first["models"] == ["claude-opus-4-6"] and first["unpriced_calls"] == 0
    assert first["cost_usd"] == pytest.approx(_opus(9, 30, 300, 3000))
    assert (first["input"], first["output"], first["cache_creation"], first["cache_read"]) == (9, 30, 300, 3000)
    assert third["models"] == ["claude-opus-4-6", "in-house-model-7"]
    assert third["unpriced_calls"] == 1 and third["cost_usd"] == pytest.approx(_opus(9, 30, 300, 3000))
    unknown = next(r for r in third["breakdown"] if r["model"] == "in-house-model-7")
    assert unknown["cost_usd"] is None and unknown["unpriced_calls"] == 1
    assert data["totals"]["cost_usd"] == pytest.approx(2 * _opus(9, 30, 300, 3000))
    assert data["totals"]["input"] == 27 and data["price_table"].startswith("genai-prices ")
    month = cli("stats", "--db", db, "--by", "month", "--json").json()
    assert [p["period"] for p in month["periods"]] == ["2026-11"] and month["periods"][0]["calls"] == 3
    week = cli("stats", "--db", db, "--by", "week", "--json").json()
    assert [p["period"] for p in week["periods"]] == ["2026-10-26", "2026-11-02"]  # weeks from Monday
    text = cli("stats", "--db", db, "--by", "day").output
    assert "2026-11-03" in text and "+" in text and "1 call(s) of models with no known price" in text
    broken_down = cli("stats", "--db", db, "--by", "day", "--breakdown").output
    assert "claude-opus-4-6" in broken_down and "claude-opus-4-6" not in text  # the models column is short
    alone = cli("stats", "--db", db, "--breakdown")
    assert alone.exit_code == 2 and "--breakdown goes with --by" in alone.stderr
    only = cli("stats", "--db", db, "--by", "day", "--since", "2026-11-02", "--until", "2026-11-03", "--json").json()
    assert [p["period"] for p in only["periods"]] == ["2026-11-03"]
    none = cli("stats", "--db", db, "--by", "day", "--until", "2026-10-31")
    assert none.exit_code == 0 and "No token usage match --until" in none.output


def test_a_model_with_no_price_shows_as_unknown(tmp_path: Path, db_path: Path, utc: None) -> None:
    db = _store(tmp_path, db_path)
    rows = {r["id"][-1]: r for r in cli("sessions", "--db", db, "--json").json()}
    assert rows["1"]["cost_usd"] == pytest.approx(_opus(9, 30, 300, 3000)) and rows["1"]["unpriced_calls"] == 0
    assert rows["3"]["cost_usd"] is None and rows["3"]["unpriced_calls"] == 1
    shown = cli("show", "--db", db, "--json", rows["1"]["id"]).json()["session"]
    assert (shown["cost_usd"], shown["unpriced_calls"]) == (rows["1"]["cost_usd"], 0)
    assert cli("show", "--db", db, "--json", rows["3"]["id"]).json()["session"]["cost_usd"] is None
    assert "cost unknown" in cli("show", "--db", db, rows["3"]["id"]).output
    data = cli("stats", "--db", db, "--json").json()
    assert data["cost_usd"] == pytest.approx(2 * _opus(9, 30, 300, 3000)) and data["unpriced_calls"] == 1
    (project,) = data["by_project"]
    assert (project["project"], project["calls"], project["cost_usd"], project["unpriced_calls"]) == (
        "/home/dev/alpha",
        3,
        data["cost_usd"],
        1,
    )
    text = cli("stats", "--db", db).output
    assert "in-house-model-7" in text and "unknown" in text
    assert "$0.00" not in text.split("in-house-model-7", 1)[1].splitlines()[0]


def test_sessions_and_stats_since_until(tmp_path: Path, db_path: Path, utc: None) -> None:
    db = _store(tmp_path, db_path)
    ids = [r["id"][-1] for r in cli("sessions", "--db", db, "--json", "--since", "2026-11-02").json()]
    assert ids == ["2", "3"]
    ids = [r["id"][-1] for r in cli("sessions", "--db", db, "--json", "--until", "2026-11-01").json()]
    assert ids == ["1"]
    assert cli("stats", "--db", db, "--json", "--since", "2026-11-03T12:30Z").json()["sessions"] == 1
    bad = cli("sessions", "--db", db, "--since", "last tuesday")
    assert bad.exit_code == 2 and "argument --since: not a date, time or duration: 'last tuesday'" in bad.stderr
    empty = cli("sessions", "--db", db, "--since", "1h")
    assert empty.exit_code == 0 and "No sessions match --since" in empty.output


def test_hour_long_cache_writes_cost_more(tmp_path: Path, db_path: Path) -> None:
    """Claude Code's usage.cache_creation splits the cache writes by how long they are kept; the
    hour-long ones cost twice the input price (five-minute ones 1.25 times): stored apart (m030)."""
    t = TranscriptBuilder(session_id="b1110000-0000-4000-8000-000000000001")
    t.prompt("fix it")
    record = t.say("done", input_tokens=9, output_tokens=30, cache_creation=300, cache_read=3000)
    record["message"]["usage"]["cache_creation"] = {"ephemeral_5m_input_tokens": 100, "ephemeral_1h_input_tokens": 200}
    t.write(tmp_path / "in" / f"{t.session_id}.jsonl")
    assert cli("ingest", "--db", db_path, "--no-analyze", tmp_path / "in").exit_code == 0
    data = cli("stats", "--db", db_path, "--json").json()
    assert data["cost_usd"] == pytest.approx(_opus(9, 30, 300, 3000) + 200 * (10.0 - 6.25) / 1e6)


def test_report_gives_each_session_and_project_its_cost(tmp_path: Path, db_path: Path, utc: None) -> None:
    db = _store(tmp_path, db_path)
    data = cli("report", "--db", db, "--json").json()
    costs = {s["session_id"][-1]: (s["cost_usd"], s["unpriced_calls"]) for s in data["sessions"]}
    opus = pytest.approx(_opus(9, 30, 300, 3000))
    assert costs == {"1": (opus, 0), "2": (opus, 0), "3": (None, 1)}
    (project,) = data["projects"]
    assert project["cost_usd"] == pytest.approx(2 * _opus(9, 30, 300, 3000)) and project["unpriced_calls"] == 1
    later = cli("report", "--db", db, "--json", "--since", "2026-11-02", "--until", "2026-11-03T12:30Z").json()
    assert [s["session_id"][-1] for s in later["sessions"]] == ["2"]
    text = cli("report", "--db", db).output
    assert "cost $0.01+ at list prices" in text


def test_the_quick_price_per_kind_equals_the_tables_own_working() -> None:
    """call_cost prices a call by five products, the rates measured per band of total input
    through genai-prices; its own working of each call must give the same, tiers included."""
    import random

    from lessonloop.analyze.pricing import _table_cost

    rng = random.Random(26)
    models = ["claude-opus-4-6", "claude-sonnet-4-5-20250929", "gpt-5.5", "gpt-5.1-codex-max", "gemini-2.5-pro"]
    for _ in range(400):
        model, day = rng.choice(models), f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}"
        i, o, cc, cr = rng.randint(0, 900), rng.randint(0, 9000), rng.choice([0, rng.randint(0, 150_000)]), 0
        cr = rng.choice([0, rng.randint(0, 400_000)])  # past 200k: a long-context tier
        hour = rng.randint(0, cc)
        quick = call_cost(model, f"{day}T12:00:00.000Z", i, o, cc, cr, None, hour)
        assert quick == pytest.approx(_table_cost(model, day, i, o, cc, cr, hour), rel=1e-12), (model, i, o, cc, cr)


def test_a_call_is_priced_at_the_price_of_its_day() -> None:
    """The table keeps a model's price history: Claude Opus 4.6's long-context rate (input past
    200k tokens: $10 input, $37.50 output, $12.50 cache write, $1 cache read per MTok) ended on
    2026-03-13, when a whole 1M context came at the base price."""
    call = (9, 30, 300, 300_000)
    before = call_cost("claude-opus-4-6", "2026-02-11T12:00:00.000Z", *call)
    after = call_cost("claude-opus-4-6", "2026-11-01T12:00:00.000Z", *call)
    assert after == pytest.approx(_opus(*call))
    assert before == pytest.approx((9 * 10 + 30 * 37.5 + 300 * 12.5 + 300_000 * 1.0) / 1e6)
