"""Redacting a whole store again: every stored text, with the current rules, old bytes gone.

A store written by an earlier version holds what its rules missed. Opening the store
(`store.connection.open_store`) compares the digest of the redaction rules its texts were last
redacted with (the `redaction_state` table, created by migration m013) with the digest of the
current rules (`rules_digest`: the source of secrets/redaction.py, its rule files, secrets/
field_redaction.py and this module); when they differ, or the store was never redacted this way,
`redact_again` rewrites every free-text column (`TEXT_COLUMNS`, each in its scope; JSON documents
field by field), then records the digest. So a later change of the rules redacts every store
again on its first open, once. (A digest of the source rather than a version number someone must
remember to raise: any change re-runs the pass, a comment's too, which costs one pass.) The digest
reads every rule file (300 KB); the names, sizes and modification times of the files it read
(`sources_stat`) are kept beside it, and an open that finds them unchanged reads no file.

The rewrite runs in chunks of rows, each its own short transaction (other writers wait at most one
chunk), with `PRAGMA secure_delete = ON` (the space of a rewritten text is zeroed). A crash midway
records nothing: the next open starts again, and texts already clean are not rewritten. The search
index of lessons is rebuilt. Then the store is compacted as `forget` does (the write-ahead log
checkpointed and truncated, VACUUM, truncated again), so the old texts are left neither in free
pages of the file nor in its -wal. A compaction that another process kept from finishing is
retried at the next open (`compact_pending`).

Columns that hold no free text (ids, paths, times, names of kinds and states, hashes) are listed in
`KEPT_COLUMNS` (a wing lists its own: `StoredTexts`): a test checks that every text column of the
schema is in one list or the other.
"""

from __future__ import annotations

import os
import sqlite3
import zlib

from lessonloop.core.timestamps import utc_now
from lessonloop.store.migrations import table_names
from lessonloop.store.transaction import transaction

# typing.TYPE_CHECKING without importing typing: every reading command opens the store.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from lessonloop.secrets.redaction import Scope

CHUNK_ROWS = 500


def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Every free text the core stores: (table, column, scope). A JSON document in a column is redacted
# field by field (secrets/field_redaction.py); input_json as a tool input, key by key. A wing lists
# its own in the module its Wing.stored_texts() gives (core/wing.py): `stored_texts()` joins them.
TEXT_COLUMNS: tuple[tuple[str, str, Scope], ...] = (
    ("sessions", "title", "prose"),
    ("sessions", "description", "prose"),
    ("messages", "text", "prose"),
    ("tool_calls", "input_json", "prose"),
    ("tool_calls", "command", "command"),
    ("tool_calls", "error_text", "output"),
    ("tool_calls", "result_text", "output"),
    ("tool_calls", "diff", "code"),
    ("session_summaries", "summary", "prose"),
    ("ingest_problems", "detail", "prose"),
    ("session_executions", "detail", "prose"),
    ("analysis_signals", "detail", "prose"),
    ("call_errors", "evidence", "output"),
    ("rule_results", "evidence", "prose"),
    ("findings", "rule", "prose"),  # a runner finding's rule may be its command
    ("findings", "message", "output"),
    ("lessons", "title", "prose"),
    ("lessons", "body", "prose"),
    ("lessons", "prevention", "prose"),
    ("lessons", "prevention_command", "command"),
    ("lessons", "trigger", "prose"),
    ("lessons", "trigger_text", "prose"),
    ("lessons", "error_signature", "prose"),
    ("lessons", "category", "prose"),
    ("lesson_evidence", "detail", "prose"),
    ("lesson_events", "detail", "prose"),
    ("hook_decisions", "detail", "prose"),
    ("live_calls", "input_json", "prose"),
    ("live_calls", "command", "command"),
    ("live_calls", "error_text", "output"),
    ("live_calls", "result_text", "output"),
    ("feedback", "note", "prose"),
    ("learn_state", "learner", "prose"),  # the learner's state (JSON): lessons' texts, commands' first words
    ("learn_checkpoints", "learner", "prose"),  # the same at earlier boundaries (m032)
)
# Text columns of the core's tables that hold no free text: identifiers, paths, times, kinds and
# states, hashes, names (a wing's: its stored_texts module's KEPT_COLUMNS).
KEPT_COLUMNS: dict[str, frozenset[str]] = {
    "_migrations": _names("name applied_at"),
    "redaction_state": _names("rules_digest applied_at sources_stat"),
    # parser_state: an adapter's state between reads, ids and counters only (capture/adapters.py)
    "source_files": _names("path agent head_hash tail_hash ingested_at format parser_state"),
    # the folders discovery looked in, the paths named to ingest and the folders below them, each
    # of a kind; a digest of what chose discovery's, when (store/capture_watch.py)
    "capture_watch": _names("kind path"),
    "capture_watch_state": _names("places looked_at"),
    "sessions": _names(
        "id parent_id agent_id kind agent project cwd git_branch version slug agent_type spawn_tool_use_id model"
        " started_at ended_at"
    ),
    "file_sessions": _names("session_id"),
    "messages": _names("session_id uuid parent_uuid ts role kind tool_use_id"),
    "tool_calls": _names(
        "id session_id message_uuid ts tool target_path status result_ts subagent_id cwd kind paths_json"
    ),
    "token_usage": _names("message_id request_id session_id model ts"),
    "session_summaries": _names("leaf_uuid"),
    "ingest_problems": _names("path code seen_at"),
    "session_executions": _names("session_id project fingerprint analyzed_at started_at ended_at"),
    "analysis_signals": _names("session_id context_id kind tool_use_id message_uuid path label"),
    "call_errors": _names("tool_use_id session_id context_id class"),
    "rule_results": _names("session_id rule_id status severity"),
    "finding_imports": _names("path format imported_at"),
    "findings": _names("source kind severity path ts session_id tool_use_id"),
    "diff_risk": _names("tool_use_id session_id"),
    "lessons": _names(
        "signature kind origin error_class severity scope project agent model tier status first_seen last_seen created_at updated_at embedding_model author"
    ),
    "lesson_evidence": _names("role session_id tool_use_id message_uuid ts project"),
    "lesson_aliases": _names("signature"),
    "lesson_events": _names("signature ts event"),
    "learn_runs": _names("ts fingerprint"),
    "hook_sessions": _names("session_id project cwd transcript_path model started_at last_event_at ended_at agent"),
    "hook_decisions": _names("session_id event tool_use_id ts action lessons"),
    "live_calls": _names("id session_id ts tool target_path cwd status error_class"),
    # the pre-tool hook's kept states hold excerpts of call texts: dropped by the pass (below)
    "hook_session_states": _names("session_id signed calls digest branch state saved_at"),
    "forgotten_sessions": _names("session_id ts reason source_files"),
    "hook_spool": _names("name applied_at"),
    "approved_rules": _names("path sha256 approved_at"),  # m053: a rules file's path and the digest approved
    "feedback": _names("kind session_id message_uuid feedback_at"),
    # learning's state between runs (m024): times, versions, rowids and session ids, digests
    "learn_state": _names("version boundary marks tail_sessions saved_at"),
    "learn_session_parts": _names("session_id boundary digest"),  # m032
    "learn_checkpoints": _names("boundary"),
    "search_places": _names("kind call_id hash"),  # m044: what each place of the search index is
    "search_vectors": _names("model"),  # m045: a place's vector (a BLOB) and its model
    "learn_changes": _names("session_id"),
    "learn_edit_types": _names("project ext session_id"),
    "analysis_marks": _names("digest checked_at parts"),  # m025, m043
    # each session's totals (m037): figures, models, tools, kinds, times and the price table's name
    "price_state": _names("price_table rules"),
    "price_rates": _names("model day rates"),  # m040: numbers per band (JSON)
    "totals_dirty": _names("session_id"),
    "usage_totals": _names("session_id model slot"),
    "call_totals": _names("session_id tool kind first_ts last_ts"),
    "message_totals": _names("session_id kind first_ts last_ts"),
    "session_figures": _names("session_id calls_first calls_last msgs_first msgs_last model"),  # m041
}


class StoredTexts:
    """The core's text columns and every wing's (their stored_texts modules), with the tables
    cleared after a pass and the wings' ways of merging rows that redacting made the same."""

    __slots__ = ("cleared", "kept", "mergers", "sources", "text_columns")

    def __init__(self) -> None:
        from lessonloop.core.wings import wings

        self.text_columns: list[tuple[str, str, Scope]] = list(TEXT_COLUMNS)
        self.kept: dict[str, frozenset[str]] = dict(KEPT_COLUMNS)
        self.cleared: list[str] = []
        self.mergers: list[Any] = []
        self.sources: list[str] = []  # the wings' modules' files (the rules' digest reads them)
        for wing in wings():
            module = wing.stored_texts()
            if module is None:
                continue
            self.text_columns += list(module.TEXT_COLUMNS)
            self.kept.update({table: _names(words) for table, words in module.KEPT_COLUMNS.items()})
            self.cleared += list(module.CLEARED_AFTER_PASS)
            merge = getattr(module, "merge_same", None)
            if merge is not None:
                self.mergers.append(merge)
            self.sources.append(os.path.abspath(str(module.__file__)))


_STORED: list[StoredTexts] = []


def stored_texts() -> StoredTexts:
    """The core's and the wings' text columns (read once per process)."""
    if not _STORED:
        _STORED.append(StoredTexts())
    return _STORED[0]


class PassResult:
    """What one pass over the store rewrote."""

    __slots__ = ("by_column", "rows_changed", "rows_read", "secrets")

    def __init__(self) -> None:
        self.rows_read = 0
        self.rows_changed = 0
        self.secrets = 0
        self.by_column: dict[str, int] = {}  # "table.column" -> secrets replaced

    def to_json(self) -> dict[str, Any]:
        return {
            "rows_read": self.rows_read,
            "rows_changed": self.rows_changed,
            "secrets": self.secrets,
            "by_column": dict(sorted(self.by_column.items())),
        }


_DIGEST: str | None = None


def rules_digest() -> str:
    """A digest of what decides the redacted texts: the source of every module of secrets/ (the
    redactor, its rule files, field_redaction.py, pii.py, the vendored rules' gitleaks_data.py),
    this module (its list of columns), and whether personal data is scrubbed from the store
    (privacy.scrub_pii_store: turning it on scrubs what is stored already). Read once per process."""
    global _DIGEST
    if _DIGEST is None:
        _DIGEST = digest_of(rule_sources(), scrubs_pii())
    return _DIGEST


def digest_of(paths: list[str], pii: bool) -> str:
    """CRC-32 and Adler-32 of the files' names and bytes, and their length: it tells a changed rule
    from the same rules (nobody forges our own source), and zlib costs every command that opens
    the store a tenth of what importing hashlib (OpenSSL) does."""
    crc, adler = 0, 1
    total = 0
    for path in paths:
        with open(path, "rb") as handle:
            data = os.path.basename(path).encode() + b"\0" + handle.read()
        crc, adler, total = zlib.crc32(data, crc), zlib.adler32(data, adler), total + len(data)
    return f"{crc:08x}{adler:08x}{total:x}" + ("-pii" if pii else "")


def scrubs_pii() -> bool:
    """Whether the configuration scrubs personal data from the store (privacy.scrub_pii_store)."""
    from lessonloop.core.config_location import config_file_missing

    if config_file_missing():  # no file: the default, False (tests/cli/test_command_imports.py checks it)
        return False
    from lessonloop.settings.config import privacy_settings

    return privacy_settings().scrub_pii_store


def rule_sources() -> list[str]:
    """The files `rules_digest` reads: secrets/*.py (the vendored rules' data is gitleaks_data.py),
    this module and the wings' lists of their text columns."""
    secrets = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "secrets")
    names = sorted(n for n in os.listdir(secrets) if n.endswith(".py") and n != "__init__.py")
    return [os.path.join(secrets, n) for n in names] + [os.path.abspath(__file__), *stored_texts().sources]


def sources_stat() -> str:
    """The names, sizes and modification times of the files `rules_digest` reads, and whether
    personal data is scrubbed: when they are those kept with the digest, the digest is too."""
    parts = []
    for path in rule_sources():
        found = os.stat(path)
        parts.append(f"{os.path.basename(path)}:{found.st_size}:{found.st_mtime_ns}")
    data = "|".join(parts).encode()
    return f"{zlib.crc32(data):08x}{len(data):x}" + ("-pii" if scrubs_pii() else "")


def needs_pass(conn: sqlite3.Connection) -> bool:
    """Whether the stored texts were last redacted with other rules (or never by a pass). The
    rule files are read only when they are not, by name, size and time, the ones last read: a
    digest found the same is then kept with their new times."""
    row = conn.execute("SELECT rules_digest, sources_stat FROM redaction_state WHERE id = 1").fetchone()
    if row is None:
        return True
    stat = sources_stat()
    if row[1] == stat:
        return False
    if row[0] != rules_digest():
        return True
    conn.execute("UPDATE redaction_state SET sources_stat = ? WHERE id = 1", (stat,))
    return False


def redact_again(conn: sqlite3.Connection) -> PassResult | None:
    """Bring the store's texts to the current rules when they are not (see the module's
    docstring), and finish a compaction left pending. Returns what a pass rewrote, None when no
    pass was needed. `conn` is in autocommit mode, with no transaction open."""
    result = None
    if needs_pass(conn):
        result = redact_store(conn)
    row = conn.execute("SELECT compact_pending FROM redaction_state WHERE id = 1").fetchone()
    if row is not None and row[0]:
        from lessonloop.store.forgetting import compact

        vacuumed, emptied = compact(conn)
        if vacuumed and emptied:
            conn.execute("UPDATE redaction_state SET compact_pending = 0 WHERE id = 1")
    return result


def redact_store(conn: sqlite3.Connection, chunk_rows: int = CHUNK_ROWS) -> PassResult:
    """Rewrite every stored text with the current rules, chunk by chunk, and record the pass
    (compaction then pending, unless the store holds nothing)."""
    from lessonloop.secrets.field_redaction import redact_field
    from lessonloop.secrets.redaction import set_pii

    if scrubs_pii():
        set_pii(True)  # the store's texts lose their personal data too
    from lessonloop.store.forgetting import ordinary_tables
    from lessonloop.store.search.index_upkeep import rebuild_index

    result = PassResult()
    tables = ordinary_tables(conn)
    previous = int(conn.execute("PRAGMA secure_delete").fetchone()[0])
    conn.execute("PRAGMA secure_delete = ON")
    try:
        for table, columns in _text_columns(tables).items():
            names = ", ".join(column for column, _scope in columns)
            last = 0
            while True:
                with transaction(conn):
                    rows = conn.execute(
                        f"SELECT rowid, {names} FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT ?", (last, chunk_rows)
                    ).fetchall()
                    for row in rows:
                        changes: dict[str, str] = {}
                        for (column, scope), value in zip(columns, row[1:], strict=True):
                            if isinstance(value, str) and value:
                                cleaned, count = redact_field(column, value, scope)
                                if count and cleaned != value:
                                    changes[column] = cleaned
                                    key = f"{table}.{column}"
                                    result.by_column[key] = result.by_column.get(key, 0) + count
                                    result.secrets += count
                        if changes:
                            _update(conn, table, row[0], changes)
                            result.rows_changed += 1
                result.rows_read += len(rows)
                if len(rows) < chunk_rows:
                    break
                last = rows[-1][0]
        with transaction(conn):
            if "hook_session_states" in tables:
                # The pre-tool hook's kept states hold excerpts of the calls' texts as they were:
                # dropped, made again from the redacted calls at a session's next call.
                conn.execute("DELETE FROM hook_session_states")
            for cleared in stored_texts().cleared:  # what a wing learned from texts as they were
                if cleared in tables:
                    conn.execute(f"DELETE FROM {cleared}")
            if "lessons" in tables and "lessons_fts" in table_names(conn):
                # The index of an external-content table keeps old words until rebuilt.
                conn.execute("INSERT INTO lessons_fts(lessons_fts) VALUES ('rebuild')")
            rebuild_index(conn)  # the session search's, likewise
            pending = result.rows_read > 0 or int(conn.execute("PRAGMA freelist_count").fetchone()[0]) > 0
            conn.execute(
                """INSERT INTO redaction_state (id, rules_digest, applied_at, rows_changed, secrets, compact_pending,
                                               sources_stat)
                   VALUES (1, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (id) DO UPDATE SET rules_digest = excluded.rules_digest,
                       applied_at = excluded.applied_at, rows_changed = excluded.rows_changed,
                       secrets = excluded.secrets,
                       compact_pending = max(compact_pending, excluded.compact_pending),
                       sources_stat = excluded.sources_stat""",
                (rules_digest(), utc_now(), result.rows_changed, result.secrets, int(pending), sources_stat()),
            )
    finally:
        conn.execute(f"PRAGMA secure_delete = {previous}")
    return result


def _update(conn: sqlite3.Connection, table: str, rowid: int, changes: dict[str, str]) -> None:
    assignments = ", ".join(f"{column} = ?" for column in changes)
    try:
        conn.execute(f"UPDATE {table} SET {assignments} WHERE rowid = ?", (*changes.values(), rowid))
    except sqlite3.IntegrityError:
        # two rows redacting made the same: the wing that owns the table merges them, or it fails
        if not any(merge(conn, table, rowid, changes) for merge in stored_texts().mergers):
            raise


def _text_columns(tables: dict[str, set[str]]) -> dict[str, list[tuple[str, Scope]]]:
    """The text columns (the core's and the wings') grouped by table, limited to the tables and
    columns the store has."""
    out: dict[str, list[tuple[str, Scope]]] = {}
    for table, column, scope in stored_texts().text_columns:
        if column in tables.get(table, ()):
            out.setdefault(table, []).append((column, scope))
    return out


def unclassified_columns(conn: sqlite3.Connection) -> list[str]:
    """Text columns of the store listed neither as texts nor as kept, by the core or the wing
    that owns their table ("table.column")."""
    from lessonloop.store.forgetting import ordinary_tables

    texts = stored_texts()
    listed = {(table, column) for table, column, _scope in texts.text_columns}
    out = []
    for table in sorted(ordinary_tables(conn)):
        for row in conn.execute(f"PRAGMA table_info({table})"):
            column, kind = str(row[1]), str(row[2]).upper()
            if kind in ("TEXT", "") and (table, column) not in listed and column not in texts.kept.get(table, ()):
                out.append(f"{table}.{column}")
    return out
