"""What recall (apply/recall.py) reads of the lessons: the filter every recalled lesson meets,
the full-text candidates and their bm25(), the words' document frequencies, the vectors of a
model, and the rows scored. Plain rows and values; recall scores them.

Standard library only, and nothing imported before it is needed: the UserPromptSubmit hook and
`lessonloop recall` import this module (no json either: `recall`'s plain list does without it).
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Collection, Iterable, Sequence
    from typing import Any

# The columns of a scored lesson, in the order recall unpacks them (learned_confidence: learning's
# undecayed value, what a lesson's confidence now is capped by where there is one, as in the hooks).
ROW_COLUMNS = (
    "id, kind, title, body, prevention, prevention_command, trigger_text, category, severity, scope, "
    "project, tier, status, sessions, failed_sessions, observations, confidence, last_seen, created_at, origin, "
    "learned_confidence"
)


class LessonFilter:
    """The SQL condition (on alias `l`) every recalled lesson meets: status, scope, tool, category."""

    __slots__ = ("params", "sql")

    def __init__(self, sql: str, params: tuple[str, ...]) -> None:
        self.sql = sql
        self.params = params


def lesson_filter(
    statuses: Sequence[str],
    project: str | None,
    tool: str | None,
    exclude_categories: Collection[str] = (),
    model: str | None = None,
) -> LessonFilter:
    """Lessons of one of `statuses`; with `project`, global ones or that project's; with `tool`,
    those whose trigger names that tool or none; none of `exclude_categories` (case-insensitive);
    with `model`, those whose mistake was made with a model whose name holds it (case-insensitive:
    "opus" holds for claude-opus-4-6), by the lesson's own model or its evidence's sessions'."""
    clauses = [f"l.status IN ({', '.join('?' * len(statuses))})"]
    params: list[str] = list(statuses)
    if project is not None:
        clauses.append("(l.scope = 'global' OR l.project = ?)")
        params.append(project)
    if tool is not None:
        # A lesson without a trigger (or one naming no kind) applies whatever the tool. `tool` is a
        # neutral kind ("shell") or an agent's tool name: Claude Code's names mean their kinds.
        from lessonloop.lesson_model.triggers import LEGACY_TOOL_KINDS

        clauses.append(
            "(l.trigger IS NULL OR NOT json_valid(l.trigger)"
            " OR coalesce(json_extract(l.trigger, '$.kind'), '') COLLATE NOCASE IN ('', ?, ?)"
            " OR coalesce(json_extract(l.trigger, '$.tool'), '') COLLATE NOCASE = ?)"
        )
        params.extend((tool, LEGACY_TOOL_KINDS.get(tool, tool), tool))
    if model is not None:
        pattern = "%" + model.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clauses.append(
            "(lower(coalesce(l.model, '')) LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM lesson_evidence e"
            " JOIN sessions x ON x.id = e.session_id WHERE e.lesson_id = l.id"
            " AND e.role IN ('failure', 'correction', 'finding') AND lower(coalesce(x.model, '')) LIKE ? ESCAPE '\\'))"
        )
        params.extend((pattern, pattern))
    where = LessonFilter(" AND ".join(clauses), tuple(params))
    if exclude_categories:
        excluded = tuple(dict.fromkeys(c.strip().lower() for c in exclude_categories))
        marks = ", ".join("?" * len(excluded))
        where = LessonFilter(
            f"{where.sql} AND lower(coalesce(l.category, '')) NOT IN ({marks})", where.params + excluded
        )
    return where


# --- words -----------------------------------------------------------------------------------------


def lesson_count(conn: sqlite3.Connection) -> int:
    """Every stored lesson, whatever its status (the N of idf)."""
    return int(conn.execute("SELECT count(*) FROM lessons").fetchone()[0])


def document_frequency(conn: sqlite3.Connection, phrase: str) -> int:
    """In how many lessons FTS5 finds `phrase` (an FTS5 string; all statuses)."""
    row = conn.execute("SELECT count(*) FROM lessons_fts WHERE lessons_fts MATCH ?", (phrase,)).fetchone()
    return int(row[0])


def lexical_hits(
    conn: sqlite3.Connection, match: str, where: LessonFilter, limit: int, weights: Iterable[float]
) -> dict[int, float]:
    """The best `limit` lessons passing `where` that FTS5 finds for the expression `match`, by
    bm25() with the columns weighted by `weights` (in lessons_fts's order): lesson id -> bm25()."""
    bm25 = "bm25(lessons_fts, " + ", ".join(f"{w:g}" for w in weights) + ")"
    rows = conn.execute(
        f"""SELECT l.id, {bm25} AS lexical_rank
            FROM lessons_fts CROSS JOIN lessons AS l ON l.id = lessons_fts.rowid
            WHERE lessons_fts MATCH ? AND {where.sql}
            ORDER BY lexical_rank, l.id LIMIT ?""",
        (match, *where.params, limit),
    )
    return {int(lesson_id): float(raw) for lesson_id, raw in rows}


def lessons_matching(conn: sqlite3.Connection, phrase: str, ids: Sequence[int]) -> list[int]:
    """Those of `ids` (not empty) whose lessons FTS5 finds `phrase` in."""
    marks = ", ".join("?" * len(ids))
    return [
        int(lesson_id)
        for (lesson_id,) in conn.execute(
            f"SELECT rowid FROM lessons_fts WHERE lessons_fts MATCH ? AND rowid IN ({marks})",
            (phrase, *ids),
        )
    ]


# --- vectors ---------------------------------------------------------------------------------------


def data_version(conn: sqlite3.Connection) -> int:
    """SQLite's data_version: it changes when another connection commits a write."""
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def vector_content(conn: sqlite3.Connection, model_id: str) -> tuple[Any, ...]:
    """(count, latest updated_at, total bytes, sum of ids) of the lessons' vectors of `model_id`."""
    row = conn.execute(
        """SELECT count(*), max(updated_at), total(length(embedding)), total(id)
           FROM lessons WHERE embedding_model = ? AND embedding IS NOT NULL""",
        (model_id,),
    ).fetchone()
    return tuple(row)


def model_vectors(conn: sqlite3.Connection, model_id: str) -> Iterable[tuple[int, bytes]]:
    """(lesson id, vector bytes) of every lesson with a vector of `model_id`, read as iterated."""
    rows = conn.execute(
        "SELECT id, embedding FROM lessons WHERE embedding_model = ? AND embedding IS NOT NULL", (model_id,)
    )
    return ((int(i), bytes(b)) for i, b in rows)


def vectors_wanted(conn: sqlite3.Connection) -> bool:
    """Whether recall by meaning is wanted here: some lesson has a vector, or lessons were learned
    from the store's history (a learning run is recorded: its lessons are embedded when first
    recalled, apply/vector_recall.py). Lessons only imported, added by hand or pulled from a team
    into a store that never learned are searched by words until one of them has a vector."""
    return bool(
        conn.execute(
            "SELECT EXISTS (SELECT 1 FROM learn_runs) OR EXISTS (SELECT 1 FROM lessons WHERE embedding IS NOT NULL)"
        ).fetchone()[0]
    )


def lessons_passing(conn: sqlite3.Connection, where: LessonFilter, ids: Sequence[int] | None = None) -> list[int]:
    """The ids of the lessons passing `where`: among `ids` when given (not empty), else of all."""
    if ids is None:
        return [int(row[0]) for row in conn.execute(f"SELECT l.id FROM lessons AS l WHERE {where.sql}", where.params)]
    rows = conn.execute(
        f"SELECT l.id FROM lessons AS l WHERE l.id IN ({', '.join('?' * len(ids))}) AND {where.sql}",
        (*ids, *where.params),
    )
    return [int(row[0]) for row in rows]


# --- the rows scored -------------------------------------------------------------------------------


def recalled_rows(conn: sqlite3.Connection, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """ROW_COLUMNS of the lessons `ids` (not empty), in the store's order."""
    return conn.execute(f"SELECT {ROW_COLUMNS} FROM lessons WHERE id IN ({', '.join('?' * len(ids))})", ids).fetchall()
