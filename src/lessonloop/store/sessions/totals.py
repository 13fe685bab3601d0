"""Each session's figures kept summed as its rows arrive, so that reads cost what they show
(issue 43): `usage_totals` (calls, tokens and cost per model and quarter of an hour, UTC),
`call_totals` (calls and errors per tool and kind) and `message_totals` (messages per kind), with
the first and last times of each. Migration m037 made them. `session_figures` (m041) sums each
session's totals in one row: what `sessions` and `report` show of it.

Triggers on token_usage, tool_calls and messages put every session whose rows change into
`totals_dirty`, whichever code writes them (ingest, forget, retention, the sample's removal).
`settle_totals` prices the dirty sessions' new calls (analyze/pricing.py, stored in
`token_usage.price_usd`) and rebuilds their totals from their own rows: the cost of the sessions
that changed, never of the history. The ingest job settles when it ends; a read settles first
whatever a writer left (a crash, another program), or, when another process holds the store,
reads the totals as they are rather than wait.

A quarter of an hour: every time zone's offset is a whole number of quarters, so a day, week or
month in any local time is a set of whole slots (report/usage_queries.py).
"""

from __future__ import annotations

import sqlite3

from lessonloop.store.transaction import StoreError, transaction

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["READ_WAIT_MS", "SLOT", "settle_for_read", "settle_totals", "stored_price_table"]

# The quarter of an hour (UTC) a row's `ts` falls in, as 'YYYY-MM-DDTHH:MM'; '' when it has no
# time SQLite can read (SQLite's date functions read an offset or a Z and give UTC).
SLOT = "coalesce(strftime('%Y-%m-%dT%H:', {ts}) || printf('%02d', CAST(strftime('%M', {ts}) AS INTEGER) / 15 * 15), '')"

_REBUILD = (
    (
        "usage_totals",
        """INSERT INTO usage_totals (session_id, model, slot, calls, input, output, cache_creation, cache_read,
                                     reasoning, cost_usd, unpriced)
           SELECT session_id, model, {slot}, count(*), sum(input_tokens), sum(output_tokens),
                  sum(cache_creation_tokens), sum(cache_read_tokens), sum(reasoning_tokens), sum(price_usd),
                  sum(price_usd IS NULL)
           FROM token_usage WHERE session_id IN ({marks}) GROUP BY 1, 2, 3""".replace("{slot}", SLOT.format(ts="ts")),
    ),
    (
        "call_totals",
        """INSERT INTO call_totals (session_id, tool, kind, calls, errors, first_ts, last_ts)
           SELECT session_id, tool, kind, count(*), coalesce(sum(ok = 0), 0), min(ts), max(ts)
           FROM tool_calls WHERE session_id IN ({marks}) GROUP BY 1, 2, 3""",
    ),
    (
        "message_totals",
        """INSERT INTO message_totals (session_id, kind, messages, first_ts, last_ts)
           SELECT session_id, kind, count(*), min(ts), max(ts)
           FROM messages WHERE session_id IN ({marks}) GROUP BY 1, 2""",
    ),
)

# Each session's own figures in a row (m041), summed from the totals just rebuilt: what `sessions`
# and `report` show per session, read a row a session.
_FIGURES = """INSERT INTO session_figures (session_id, calls, errors, calls_first, calls_last, msgs_first, msgs_last,
                                         prompts, input, output, cache_creation, cache_read, cost_usd, unpriced,
                                         model)
    SELECT d.session_id, coalesce(c.calls, 0), coalesce(c.errors, 0), c.first_ts, c.last_ts, m.first_ts, m.last_ts,
           coalesce(m.prompts, 0), coalesce(u.input, 0), coalesce(u.output, 0), coalesce(u.cache_creation, 0),
           coalesce(u.cache_read, 0), u.cost_usd, coalesce(u.unpriced, 0),
           (SELECT o.model FROM usage_totals o WHERE o.session_id = d.session_id
            GROUP BY o.model ORDER BY sum(o.output) DESC, o.model LIMIT 1)
    FROM totals_dirty d
    LEFT JOIN (SELECT session_id, sum(calls) AS calls, sum(errors) AS errors, min(first_ts) AS first_ts,
                      max(last_ts) AS last_ts
               FROM call_totals WHERE session_id IN ({marks}) GROUP BY session_id) c ON c.session_id = d.session_id
    LEFT JOIN (SELECT session_id, min(first_ts) AS first_ts, max(last_ts) AS last_ts,
                      sum(CASE WHEN kind = 'prompt' THEN messages ELSE 0 END) AS prompts
               FROM message_totals WHERE session_id IN ({marks}) GROUP BY session_id) m ON m.session_id = d.session_id
    LEFT JOIN (SELECT session_id, sum(input) AS input, sum(output) AS output, sum(cache_creation) AS cache_creation,
                      sum(cache_read) AS cache_read, sum(cost_usd) AS cost_usd, sum(unpriced) AS unpriced
               FROM usage_totals WHERE session_id IN ({marks}) GROUP BY session_id) u ON u.session_id = d.session_id
    WHERE d.session_id IN ({marks})
      AND (c.session_id IS NOT NULL OR m.session_id IS NOT NULL OR u.session_id IS NOT NULL)"""

_PART = 240  # sessions a statement names: four times in _FIGURES, within the 999 bound parameters of older SQLite

_TO_PRICE = """SELECT rowid, model, ts, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens,
                      cost_usd, cache_creation_1h_tokens FROM token_usage"""


def settle_totals(conn: sqlite3.Connection, *, wait_ms: int | None = None) -> int:
    """Price the new calls of every dirty session and rebuild its totals; return how many sessions
    were settled (0 at once when none is dirty: one indexed read). `wait_ms`: wait at most this
    long for another process's write lock, and when it is not had, leave the totals as they are
    (a read: the other process settles when it ends); None waits the store's busy timeout."""
    if conn.execute("SELECT 1 FROM totals_dirty LIMIT 1").fetchone() is None:
        return 0
    if wait_ms is None:
        return _settle(conn)
    (timeout,) = conn.execute("PRAGMA busy_timeout").fetchone()
    conn.execute(f"PRAGMA busy_timeout = {min(int(timeout), int(wait_ms))}")
    try:
        return _settle(conn)
    except StoreError as exc:
        if exc.cause in ("locked", "read-only"):
            return 0
        raise
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")


# How long a read waits for another process's write lock before it reads the totals as they are.
READ_WAIT_MS = 250


def settle_for_read(conn: sqlite3.Connection) -> int:
    """settle_totals before a read: what a writer left dirty, without waiting long for a writer
    that holds the store (its own settle comes when it ends)."""
    return settle_totals(conn, wait_ms=READ_WAIT_MS)


def _settle(conn: sqlite3.Connection) -> int:
    with transaction(conn):
        _price(conn)
        dirty = [str(row[0]) for row in conn.execute("SELECT session_id FROM totals_dirty")]
        for start in range(0, len(dirty), _PART):
            part = dirty[start : start + _PART]
            marks = ", ".join("?" * len(part))
            for table, insert in _REBUILD:
                conn.execute(f"DELETE FROM {table} WHERE session_id IN ({marks})", part)
                conn.execute(insert.replace("{marks}", marks), part)
            conn.execute(f"DELETE FROM session_figures WHERE session_id IN ({marks})", part)
            conn.execute(_FIGURES.replace("{marks}", marks), part * 4)
        conn.execute("DELETE FROM totals_dirty")
    return len(dirty)


def _price(conn: sqlite3.Connection) -> None:
    """Store the cost of every call of the dirty sessions not priced yet (inside the caller's
    transaction). When the price table or the rules changed since the stored costs were worked
    out, every call is priced again (and every session with calls becomes dirty). How a model is
    priced on a day is kept (`price_rates`): a new call of a model and day seen before is priced
    without loading the price table."""
    rows = conn.execute(
        f"{_TO_PRICE} WHERE session_id IN (SELECT session_id FROM totals_dirty) AND priced = 0"
    ).fetchall()
    if not rows:
        return
    from lessonloop.analyze.pricing import PRICING_RULES, call_cost, price_table

    table = price_table()
    if conn.execute("SELECT price_table, rules FROM price_state WHERE id = 1").fetchone() != (table, PRICING_RULES):
        conn.execute("INSERT OR IGNORE INTO totals_dirty (session_id) SELECT DISTINCT session_id FROM token_usage")
        conn.execute("UPDATE token_usage SET price_usd = NULL, priced = 0 WHERE priced = 1")
        conn.execute("DELETE FROM price_rates")
        conn.execute(
            """INSERT INTO price_state (id, price_table, rules) VALUES (1, ?, ?)
               ON CONFLICT (id) DO UPDATE SET price_table = excluded.price_table, rules = excluded.rules""",
            (table, PRICING_RULES),
        )
        rows = conn.execute(f"{_TO_PRICE} WHERE priced = 0").fetchall()
    kept = _KeptRates(conn)
    conn.executemany(
        "UPDATE token_usage SET price_usd = ?, priced = 1 WHERE rowid = ?",
        [(call_cost(*row[1:], rates=kept.rates), row[0]) for row in rows],
    )
    kept.save()


class _KeptRates:
    """analyze/pricing.model_day_rates, as the store keeps it per model and day (`price_rates`):
    what is not kept yet is asked of the price table, and saved."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.kept: dict[tuple[str, str], Any] = {}
        self.new: dict[tuple[str, str], Any] = {}

    def rates(self, model: str, day: str | None) -> Any:
        from lessonloop.analyze.pricing import model_day_rates

        if day is None:  # no day: today's price, not kept
            return model_day_rates(model, day)
        key = (model, day)
        if key not in self.kept:
            row = self.conn.execute("SELECT rates FROM price_rates WHERE model = ? AND day = ?", key).fetchone()
            import json  # only to price: recall settles nothing and imports no json (tests/cli/test_command_imports.py)

            if row is not None:
                self.kept[key] = _decoded(json.loads(row[0]))
            else:
                self.kept[key] = self.new[key] = model_day_rates(model, day)
        return self.kept[key]

    def save(self) -> None:
        import json

        self.conn.executemany(
            "INSERT OR REPLACE INTO price_rates (model, day, rates) VALUES (?, ?, ?)",
            [(model, day, json.dumps(rates)) for (model, day), rates in self.new.items()],
        )


def _decoded(rates: Any) -> Any:
    """A kept value of model_day_rates as it gives it: bands as (start, rates) tuples."""
    if isinstance(rates, list):
        return [(int(start), tuple(float(r) for r in band)) for start, band in rates]
    return rates


def stored_price_table(conn: sqlite3.Connection) -> str | None:
    """The price table the stored costs come from ("genai-prices 0.0.40"), None before any call
    was priced."""
    row = conn.execute("SELECT price_table FROM price_state WHERE id = 1").fetchone()
    return None if row is None else str(row[0])
