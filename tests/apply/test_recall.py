"""Recall over a real store: filters, ranking, explain, safety of the FTS query, the CLI.

Lessons are stored the way learning stores them (`save_learned` with `Lesson` objects whose
sessions are counted), so confidence, tier and severity come from the counts as in production.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest

from lessonloop.apply import ranking
from lessonloop.apply.lesson_vectors import embed_missing, lesson_text
from lessonloop.apply.recall import ALL_STATUSES, DEFAULT_MIN_SCORE, fts_match_expression, query_terms, recall
from lessonloop.apply.vector_recall import clear_vector_cache, resolve_embedder, vector_index
from lessonloop.core.timestamps import format_timestamp, parse_timestamp
from lessonloop.lesson_model.lesson import Lesson
from lessonloop.lesson_model.triggers import Trigger
from lessonloop.store import open_store
from lessonloop.store.lessons.writer import save_learned
from tests.conftest import cli

NOW = "2026-03-01T12:00:00.000Z"
DATA = Path(__file__).resolve().parent.parent / "data"


def days_before(days: float, now: str = NOW) -> str:
    return format_timestamp(parse_timestamp(now) - timedelta(days=days))


def make_lesson(
    key: str,
    title: str,
    body: str = "",
    prevention: str | None = None,
    *,
    tool: str | None = None,
    words: Sequence[str] | None = None,
    category: str | None = None,
    severity: str = "medium",
    sessions: int = 1,
    failed: int = 1,
    days_ago: float = 1.0,
    project: str | None = None,
    status: str = "active",
    kind: str = "usage",
    origin: str = "learned",
    confidence: float | None = None,
    now: str = NOW,
) -> Lesson:
    """A lesson as the learner builds it: `failed` of `sessions` counted sessions failed (the
    failing ones last), seen last `days_ago` days before `now`; confidence and tier from the counts
    (or `confidence` for a manual lesson without sessions)."""
    session_failed: dict[str, bool | None] = {f"{key}-s{i}": i >= sessions - failed for i in range(sessions)}
    lesson = Lesson(
        signature=f"test:{key}",
        kind=kind,
        title=title,
        body=body,
        trigger=Trigger(tool, words) if tool else None,
        error_signature=None,
        prevention=prevention,
        category=category,
        base_severity=severity,
        origin=origin,
        status=status,
        projects={project} if project else set(),
        session_failed=session_failed,
        observations=failed,
        first_seen=days_before(days_ago + 30, now),
        last_seen=days_before(days_ago, now),
    )
    lesson.recount()
    if confidence is not None and sessions == 0:
        lesson.base_confidence = confidence
    return lesson


def store_lessons(conn: sqlite3.Connection, lessons: Sequence[Lesson], now: str = NOW) -> dict[str, int]:
    """Store `lessons` through the learning writer; returns lesson id by key (signature minus 'test:')."""
    save_learned(conn, lessons, {}, now)
    return {
        sig.removeprefix("test:"): int(lid)
        for lid, sig in conn.execute("SELECT id, signature FROM lessons WHERE signature LIKE 'test:%'")
    }


def add_lesson(
    conn: sqlite3.Connection, key: str, title: str, body: str = "", prevention: str | None = None, **kw: Any
) -> int:
    """Store one lesson (see make_lesson); returns its id."""
    now = kw.get("now", NOW)
    return store_lessons(conn, [make_lesson(key, title, body, prevention, **kw)], now)[key]


def fixture_lessons(now: str = NOW) -> list[Lesson]:
    """The ~25 realistic lessons of tests/data/recall_lessons.json."""
    items = json.loads((DATA / "recall_lessons.json").read_text())
    return [
        make_lesson(
            item["key"],
            item["title"],
            item["body"],
            item["prevention"],
            tool=item.get("tool"),
            words=item.get("words"),
            category=item.get("category"),
            severity=item.get("severity", "medium"),
            sessions=item["sessions"],
            failed=item["failed"],
            days_ago=item["days_ago"],
            now=now,
        )
        for item in items
    ]


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = open_store(tmp_path / "recall.db")
    try:
        yield connection
    finally:
        connection.close()


@pytest.fixture
def fixture_store(conn: sqlite3.Connection) -> tuple[sqlite3.Connection, dict[str, int]]:
    return conn, store_lessons(conn, fixture_lessons())


def titles(results: Sequence[Any]) -> list[str]:
    return [r.title for r in results]


# --- the query -----------------------------------------------------------------------------------


def test_query_terms_drop_stop_words_and_punctuation() -> None:
    assert query_terms("How do I push the branch to the remote?") == ("push", "branch", "remote")
    assert query_terms('"NEAR" (git) push* -force col:x') == ("near", "git", "push", "force", "col")
    assert query_terms("Push push PUSH") == ("push",)
    assert query_terms("the a of !!!") == ()


def test_match_expression_quotes_every_term() -> None:
    assert fts_match_expression(["near", "push"]) == '"near" OR "push"'
    assert fts_match_expression(['say"hi']) == '"say""hi"'


FTS_SYNTAX = [
    '"unbalanced quote',
    "push*",
    "*",
    "NEAR(git push, 2)",
    "git NEAR push",
    "-force",
    "- -- ---",
    "(git push",
    "git)",
    "title:push",
    ":",
    "AND OR NOT",
    "NOT git",
    "git AND",
    "^push",
    "{title body}: push",
    "push + commit",
    "'single' \"double\" `back`",
    "a" * 5000,
    "\x00\x01 control",
    "émoji 🚀 ünïcödé ǅ ⅷ",
    "",
    "   ",
]


@pytest.mark.parametrize("text", FTS_SYNTAX)
def test_fts_syntax_in_the_query_never_raises(
    fixture_store: tuple[sqlite3.Connection, dict[str, int]], text: str
) -> None:
    conn, _ = fixture_store
    recall(conn, text, now=NOW, explain=True)
    recall(conn, text, now=NOW, min_score=0.0, top=50)


def test_fts_operators_are_searched_as_words(conn: sqlite3.Connection) -> None:
    ids = store_lessons(
        conn,
        [
            make_lesson("near", "Waiting NEAR the deadline: NOT a good idea", "retry later", tool="Bash"),
            make_lesson("other", "Something else entirely", "unrelated text", tool="Bash"),
        ],
    )
    found = recall(conn, "NEAR NOT", now=NOW, min_score=0.0)
    assert [r.id for r in found] == [ids["near"]]


# --- absolute minimum score --------------------------------------------------------------------


def test_unrelated_words_return_nothing(fixture_store: tuple[sqlite3.Connection, dict[str, int]]) -> None:
    conn, _ = fixture_store
    assert recall(conn, "banana smoothie recipe", now=NOW) == []
    assert recall(conn, "banana smoothie recipe", now=NOW, min_score=0.0) == []


def test_a_query_of_stop_words_returns_nothing(fixture_store: tuple[sqlite3.Connection, dict[str, int]]) -> None:
    conn, _ = fixture_store
    assert recall(conn, "how do I do it", now=NOW, min_score=0.0) == []


def test_one_weak_word_among_unknown_ones_stays_under_the_default(
    fixture_store: tuple[sqlite3.Connection, dict[str, int]],
) -> None:
    conn, _ = fixture_store
    # "database" is in four lessons; the rest is vocabulary no lesson uses.
    assert recall(conn, "database smoothie banana recipe blender", now=NOW) == []
    assert recall(conn, "database smoothie banana recipe blender", now=NOW, min_score=0.0) != []


def test_scores_are_absolute_not_relative_to_the_best(fixture_store: tuple[sqlite3.Connection, dict[str, int]]) -> None:
    conn, ids = fixture_store
    strong = recall(conn, "docker daemon", now=NOW)
    assert strong[0].id == ids["docker-daemon"]
    assert strong[0].score > 0.5
    weak = recall(conn, "docker smoothie banana recipe", now=NOW, min_score=0.0)
    assert weak[0].id == ids["docker-daemon"]
    assert weak[0].score < strong[0].score / 2


def test_every_score_is_within_zero_and_one(fixture_store: tuple[sqlite3.Connection, dict[str, int]]) -> None:
    conn, _ = fixture_store
    for text in ["git", "git push branch upstream remote origin", "file", "the file tool old_string read edit"]:
        for r in recall(conn, text, now=NOW, min_score=0.0, top=100):
            assert 0.0 <= r.factors.lexical <= 1.0
            assert 0.0 < r.score <= 1.0
            assert r.factors.bm25 is not None
            assert -r.factors.bm25 < r.factors.bm25_ceiling  # the ceiling is never reached


def test_min_score_and_top(fixture_store: tuple[sqlite3.Connection, dict[str, int]]) -> None:
    conn, _ = fixture_store
    everything = recall(conn, "git branch file", now=NOW, min_score=0.0, top=100)
    assert len(everything) > 5
    assert [r.score for r in everything] == sorted((r.score for r in everything), reverse=True)
    assert recall(conn, "git branch file", now=NOW, min_score=0.0) == everything[:5]
    assert recall(conn, "git branch file", now=NOW, min_score=0.0, top=0) == []
    bar = everything[3].score
    assert all(r.score >= bar for r in recall(conn, "git branch file", now=NOW, min_score=bar, top=100))
    assert DEFAULT_MIN_SCORE > 0


# --- ranking -----------------------------------------------------------------------------------


def twins(conn: sqlite3.Connection, **a: Any) -> tuple[int, int]:
    """Two lessons with the same text (equal relevance) that differ in `a` (given to the first)."""
    ids = store_lessons(
        conn,
        [
            make_lesson("one", "Stale lockfile blocks the build", "yarn.lock out of date", "run yarn install", **a),
            make_lesson("two", "Stale lockfile blocks the build", "yarn.lock out of date", "run yarn install"),
        ],
    )
    return ids["one"], ids["two"]


def test_more_confidence_ranks_higher_at_equal_relevance(conn: sqlite3.Connection) -> None:
    sure, unsure = twins(conn, sessions=12, failed=12)
    found = recall(conn, "stale lockfile", now=NOW, explain=True)
    assert [r.id for r in found] == [sure, unsure]
    assert found[0].factors.relevance == pytest.approx(found[1].factors.relevance)
    assert found[0].confidence > found[1].confidence


def test_higher_severity_and_recency_rank_higher_at_equal_relevance(conn: sqlite3.Connection) -> None:
    severe, _ = twins(conn, severity="critical")
    assert recall(conn, "stale lockfile", now=NOW)[0].id == severe


def test_more_recent_ranks_higher(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "r.db")
    try:
        ids = store_lessons(
            conn,
            [
                make_lesson("new", "Stale lockfile blocks the build", "x", "y", sessions=3, failed=3, days_ago=1),
                make_lesson("old", "Stale lockfile blocks the build", "x", "y", sessions=3, failed=3, days_ago=150),
            ],
        )
        found = recall(conn, "stale lockfile", now=NOW)
        assert [r.id for r in found] == [ids["new"], ids["old"]]
        assert found[0].factors.recency > found[1].factors.recency
    finally:
        conn.close()


def test_relevance_dominates_the_weights(conn: sqlite3.Connection) -> None:
    ids = store_lessons(
        conn,
        [
            # very relevant, weak evidence, old, low severity
            make_lesson(
                "relevant", "Stale lockfile blocks the build", "yarn", "run yarn install",
                sessions=1, failed=1, days_ago=170, severity="low",
            ),
            # mentions one of the words once in its body, strong evidence, fresh, critical
            make_lesson(
                "weak", "Deploy script fails", "the lockfile check failed in the deploy", "retry",
                sessions=30, failed=30, days_ago=0, severity="critical",
            ),
        ],
    )  # fmt: skip
    found = recall(conn, "stale lockfile blocks the build", now=NOW, min_score=0.0)
    assert found[0].id == ids["relevant"]


@pytest.mark.parametrize("status", ["archived", "rejected", "pending"])
def test_lessons_that_are_not_active_are_left_out_unless_included(conn: sqlite3.Connection, status: str) -> None:
    ids = store_lessons(
        conn,
        [
            make_lesson("active", "Stale lockfile blocks the build", "x", "y"),
            make_lesson("other", "Stale lockfile blocks the deploy", "x", "y", status=status),
        ],
    )
    status_of = dict(conn.execute("SELECT id, status FROM lessons").fetchall())
    assert status_of[ids["other"]] == status
    assert [r.id for r in recall(conn, "stale lockfile", now=NOW)] == [ids["active"]]
    included = recall(conn, "stale lockfile", now=NOW, include=[status])
    assert {r.id for r in included} == {ids["active"], ids["other"]}
    assert {r.status for r in included} == {"active", status}


def test_project_scope(conn: sqlite3.Connection) -> None:
    ids = store_lessons(
        conn,
        [
            make_lesson("mine", "Stale lockfile blocks the build", "x", "y", project="/p/mine"),
            make_lesson("theirs", "Stale lockfile blocks the build", "x", "y", project="/p/theirs"),
            make_lesson("global", "Stale lockfile blocks the build", "x", "y"),
        ],
    )
    scopes = dict(conn.execute("SELECT id, scope FROM lessons").fetchall())
    assert scopes[ids["mine"]] == "project"
    assert scopes[ids["global"]] == "global"
    assert {r.id for r in recall(conn, "stale lockfile", now=NOW, project="/p/mine")} == {ids["mine"], ids["global"]}
    assert {r.id for r in recall(conn, "stale lockfile", now=NOW, project="/p/none")} == {ids["global"]}
    assert len(recall(conn, "stale lockfile", now=NOW)) == 3


def test_tool_filter(conn: sqlite3.Connection) -> None:
    ids = store_lessons(
        conn,
        [
            make_lesson("bash", "Stale lockfile blocks the build", "x", "y", tool="Bash", words=["yarn"]),
            make_lesson("edit", "Stale lockfile blocks the build", "x", "y", tool="Edit"),
            make_lesson("none", "Stale lockfile blocks the build", "x", "y"),
        ],
    )
    assert {r.id for r in recall(conn, "stale lockfile", now=NOW, tool="Bash")} == {ids["bash"], ids["none"]}
    assert {r.id for r in recall(conn, "stale lockfile", now=NOW, tool="bash")} == {ids["bash"], ids["none"]}
    assert {r.id for r in recall(conn, "stale lockfile", now=NOW, tool="Read")} == {ids["none"]}


def test_explain_factors_multiply_to_the_score(fixture_store: tuple[sqlite3.Connection, dict[str, int]]) -> None:
    conn, ids = fixture_store
    found = recall(conn, "git push branch upstream", now=NOW, explain=True, min_score=0.0, top=10)
    assert found[0].id == ids["git-push-upstream"]
    for r in found:
        f = r.factors
        assert f.score == r.score
        assert f.relevance == pytest.approx(1 - (1 - f.lexical) * (1 - f.vector))
        assert f.score == pytest.approx(f.relevance * f.confidence_weight * f.recency_weight * f.severity_weight)
        assert f.lexical == pytest.approx(min(1.0, -(f.bm25 or 0.0) / f.bm25_ceiling / ranking.LEXICAL_FULL))
        assert f.confidence_weight == pytest.approx(0.6 + 0.4 * f.confidence)
        assert f.recency_weight == pytest.approx(0.8 + 0.2 * f.recency)
        assert f.severity_weight == ranking.SEVERITY_WEIGHTS[r.severity]
        assert f.cosine is None and f.vector == 0.0
        assert f.query_terms == ("git", "push", "branch", "upstream")
        assert set(f.matched_terms) <= set(f.query_terms)
        assert f.matched_terms
    assert found[0].factors.matched_terms == ("git", "push", "branch", "upstream")
    assert recall(conn, "git push branch upstream", now=NOW)[0].factors.matched_terms == ()


def test_explain_matches_words_through_stemming(fixture_store: tuple[sqlite3.Connection, dict[str, int]]) -> None:
    conn, ids = fixture_store
    found = recall(conn, "pushing branches", now=NOW, explain=True)
    assert found[0].id == ids["git-push-upstream"]
    assert found[0].factors.matched_terms == ("pushing", "branches")


def test_live_confidence_is_the_decayed_wilson_bound(conn: sqlite3.Connection) -> None:
    from lessonloop.lesson_model.confidence import confidence

    lesson_id = add_lesson(conn, "x", "Stale lockfile blocks the build", sessions=5, failed=4, days_ago=60)
    later = days_before(-30)  # a month after NOW: more decay than when stored
    found = recall(conn, "stale lockfile", now=later, min_score=0.0)
    assert found[0].id == lesson_id
    assert found[0].confidence == pytest.approx(confidence(4, 5, 90.0))
    stored = conn.execute("SELECT confidence FROM lessons WHERE id = ?", (lesson_id,)).fetchone()[0]
    assert found[0].confidence < stored


def test_a_manual_lesson_keeps_its_stored_confidence(conn: sqlite3.Connection) -> None:
    add_lesson(
        conn, "m", "Stale lockfile blocks the build", sessions=0, failed=0, origin="manual", kind="manual",
        confidence=0.9, days_ago=0,
    )  # fmt: skip
    found = recall(conn, "stale lockfile", now=NOW)
    assert found[0].confidence == pytest.approx(0.9)


@pytest.mark.slow
@pytest.mark.parametrize("sessions", [None, 20])
def test_more_failed_sessions_never_lower_the_score(tmp_path: Path, sessions: int | None) -> None:
    """None: each failing session is a new session (sessions = failed + 2); 20: a fixed number of sessions."""
    scores = []
    for failed in range(21):
        conn = open_store(tmp_path / f"m{failed}-{sessions}.db")
        try:
            add_lesson(
                conn, "x", "Stale lockfile blocks the build", "yarn.lock", "run yarn install",
                sessions=failed + 2 if sessions is None else sessions, failed=failed, severity="low",
            )  # fmt: skip
            # (with few failures among many sessions learning archives it: recalled anyway here)
            found = recall(conn, "stale lockfile", now=NOW, min_score=0.0, include=ALL_STATUSES)
            scores.append(found[0].score)
        finally:
            conn.close()
    assert scores == sorted(scores)
    assert scores[-1] > scores[0]


def test_recall_reads_lessons_learned_from_transcripts(tmp_path: Path) -> None:
    """End to end: a lesson learned by `lessonloop learn` is recalled by its words."""
    from tests.transcript_builder import TranscriptBuilder

    folder = tmp_path / "t"
    folder.mkdir()
    for n in range(3):
        b = TranscriptBuilder(
            session_id=f"{n}aaa1111-2222-4333-8444-555555555555",
            cwd="/w/app",
            start=datetime(2026, 2, 1 + n, 9, 0, 0, tzinfo=UTC),
        )
        b.prompt("push it")
        b.bash("git push", "fatal: The current branch feature has no upstream branch.", exit_code=128)
        b.bash("git push --set-upstream origin feature", "ok")
        b.write(folder / f"{b.session_id}.jsonl")
    db = tmp_path / "s.db"
    assert cli("ingest", "--db", db, folder, "--no-bandit").exit_code == 0
    assert cli("learn", "--db", db).exit_code == 0
    out = cli("recall", "--db", db, "git push upstream", "--json")
    assert out.exit_code == 0, out.stderr
    results = out.json()["results"]
    assert results and "upstream" in results[0]["title"]


# --- import cost -------------------------------------------------------------------------------


def test_recall_imports_neither_rich_argparse_numpy_nor_the_analyzers() -> None:
    code = (
        "import sys, lessonloop.apply.recall, lessonloop.apply.context_block, lessonloop.apply.ranking\n"
        "bad = [m for m in sys.modules if m in ('rich', 'argparse', 'numpy', 'torch')"
        " or m.startswith('lessonloop.analyze') or m.startswith('lessonloop.cli')]\n"
        "print(sorted(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- the CLI -----------------------------------------------------------------------------------


@pytest.fixture
def cli_store(tmp_path: Path) -> Path:
    db = tmp_path / "cli.db"
    conn = open_store(db)
    try:
        lessons = fixture_lessons(now=NOW)
        lessons.append(
            make_lesson(
                "proj", "Stale lockfile blocks the build", "yarn.lock", "run yarn install", project="/home/u/shop"
            )
        )
        lessons.append(make_lesson("arch", "Stale lockfile blocks the deploy", "x", "y", status="archived"))
        store_lessons(conn, lessons, NOW)
    finally:
        conn.close()
    return db


def test_cli_table_and_explain(cli_store: Path) -> None:
    out = cli("recall", "--db", cli_store, "--no-vectors", "docker", "daemon")
    assert out.exit_code == 0, out.stderr
    assert "Docker command fails" in out.output
    assert "score" in out.output
    explained = cli("recall", "--db", cli_store, "--no-vectors", "docker daemon", "--explain")
    assert "relevance" in explained.output and "bm25" in explained.output and "severity weight" in explained.output


def test_cli_nothing_passes(cli_store: Path) -> None:
    out = cli("recall", "--db", cli_store, "--no-vectors", "banana smoothie recipe")
    assert out.exit_code == 0
    assert "Nothing passed the minimum score" in out.output
    ctx = cli("recall", "--db", cli_store, "--no-vectors", "banana smoothie recipe", "--context")
    assert ctx.exit_code == 0 and ctx.output == ""
    assert "Nothing passed" in ctx.stderr


def test_cli_json(cli_store: Path) -> None:
    out = cli("recall", "--db", cli_store, "--no-vectors", "git push upstream", "--json", "-n", "2")
    assert out.exit_code == 0, out.stderr
    data = out.json()
    assert data["terms"] == ["git", "push", "upstream"]
    assert data["vectors"] is None
    assert 1 <= len(data["results"]) <= 2
    factors = data["results"][0]["factors"]
    assert set(factors) >= {
        "bm25", "lexical", "matched_terms", "cosine", "vector", "relevance", "confidence", "recency",
        "severity_weight", "score",
    }  # fmt: skip


def test_cli_context_respects_the_budget(cli_store: Path) -> None:
    out = cli("recall", "--db", cli_store, "--no-vectors", "git branch commit push", "--context", "--budget", "80")
    assert out.exit_code == 0
    assert out.output.startswith("Lessons from earlier sessions")
    assert len(out.output.rstrip("\n")) <= 80 * 4


def test_cli_project_substring_and_all(cli_store: Path) -> None:
    scoped = cli("recall", "--db", cli_store, "--no-vectors", "stale lockfile", "--project", "shop", "--json").json()
    assert [r["title"] for r in scoped["results"]] == ["Stale lockfile blocks the build"]
    assert scoped["project"] == "/home/u/shop"
    nowhere = cli("recall", "--db", cli_store, "stale lockfile", "--project", "nowhere")
    assert nowhere.exit_code == 2 and "no project matches 'nowhere'; the stored projects are: " in nowhere.stderr
    everything = cli("recall", "--db", cli_store, "--no-vectors", "stale lockfile", "--all", "--json").json()
    assert {r["status"] for r in everything["results"]} == {"active", "archived"}


def test_cli_rejects_a_bad_min_score(cli_store: Path) -> None:
    out = cli("recall", "--db", cli_store, "x", "--min-score", "2")
    assert out.exit_code == 2


# --- vectors, with a small deterministic embedder ------------------------------------------------


class ConceptEmbedder:
    """A stand-in for a sentence model, so vector recall is tested without the optional extra:
    each known word adds to its concept's dimension (synonyms share one); other words add nothing."""

    CONCEPTS: ClassVar[dict[str, int]] = {
        "await": 0, "awaited": 0, "coroutine": 0, "asynchronous": 0, "async": 0,
        "lockfile": 1, "dependencies": 1, "pinned": 1, "versions": 1,
        "push": 2, "upstream": 2, "remote": 2,
    }  # fmt: skip

    def __init__(self, model_id: str = "concepts@1", dim: int = 8) -> None:
        self.model_id = model_id
        self.dim = dim
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> Any:
        import re

        import numpy as np

        self.calls += 1
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z]+", text.lower()):
                if word in self.CONCEPTS:
                    out[row, self.CONCEPTS[word]] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out


def vector_lessons(conn: sqlite3.Connection) -> dict[str, int]:
    return store_lessons(
        conn,
        [
            make_lesson("await", "Forgot the keyword before a database call", "in an async function", "await it"),
            make_lesson("lock", "Stale lockfile blocks the build", "yarn.lock is out of date", "run yarn install"),
            make_lesson("plain", "Something about formatting", "mix format", "run mix format first"),
        ],
    )


def test_embed_missing_embeds_each_lesson_once(conn: sqlite3.Connection) -> None:
    vector_lessons(conn)
    embedder = ConceptEmbedder()
    assert embed_missing(conn, embedder, batch_size=2) == 3
    assert embedder.calls == 2  # two batches
    rows = conn.execute("SELECT embedding, embedding_model FROM lessons").fetchall()
    assert all(len(blob) == 8 * 4 and model == "concepts@1" for blob, model in rows)
    assert embed_missing(conn, embedder) == 0
    assert not conn.in_transaction


def test_embed_missing_redoes_another_models_vectors(conn: sqlite3.Connection) -> None:
    vector_lessons(conn)
    embed_missing(conn, ConceptEmbedder())
    add_lesson(conn, "new", "Another lesson", "body", "do this")
    assert embed_missing(conn, ConceptEmbedder("concepts@2", dim=8)) == 4
    assert {m for (m,) in conn.execute("SELECT embedding_model FROM lessons")} == {"concepts@2"}


def test_embed_missing_joins_the_callers_transaction(conn: sqlite3.Connection) -> None:
    vector_lessons(conn)
    conn.execute("BEGIN IMMEDIATE")
    assert embed_missing(conn, ConceptEmbedder()) == 3
    conn.execute("ROLLBACK")
    assert conn.execute("SELECT count(*) FROM lessons WHERE embedding IS NOT NULL").fetchone()[0] == 0


def test_lesson_text_puts_title_and_prevention_first() -> None:
    assert lesson_text("Title", "Do this", "The body") == "Title\nDo this\nThe body"
    assert lesson_text("Title", None, "  ") == "Title"


def test_vectors_find_a_lesson_that_shares_no_word(conn: sqlite3.Connection) -> None:
    ids = vector_lessons(conn)
    embedder = ConceptEmbedder()
    embed_missing(conn, embedder)
    assert recall(conn, "coroutine", now=NOW) == []  # no shared word
    found = recall(conn, "coroutine", now=NOW, embedder=embedder, explain=True)
    assert [r.id for r in found] == [ids["await"]]
    f = found[0].factors
    assert f.bm25 is None and f.lexical == 0.0
    assert f.cosine == pytest.approx(1.0)
    assert f.vector == 1.0 and f.relevance == 1.0
    # Vectors respect the filters too.
    assert recall(conn, "coroutine", now=NOW, embedder=embedder, project="/p/x") != []
    conn.execute("UPDATE lessons SET status = 'rejected' WHERE id = ?", (ids["await"],))
    assert recall(conn, "coroutine", now=NOW, embedder=embedder) == []


def test_vectors_and_words_together_score_higher(conn: sqlite3.Connection) -> None:
    ids = vector_lessons(conn)
    embedder = ConceptEmbedder()
    embed_missing(conn, embedder)
    words = recall(conn, "stale lockfile pinned versions", now=NOW, min_score=0.0)
    both = recall(conn, "stale lockfile pinned versions", now=NOW, embedder=embedder, min_score=0.0)
    assert words[0].id == both[0].id == ids["lock"]
    assert both[0].score > words[0].score


def test_a_query_without_concepts_gets_no_vector_results(conn: sqlite3.Connection) -> None:
    vector_lessons(conn)
    embedder = ConceptEmbedder()
    embed_missing(conn, embedder)
    assert recall(conn, "banana smoothie recipe", now=NOW, embedder=embedder, min_score=0.0) == []


def test_lessons_of_another_model_are_not_compared(conn: sqlite3.Connection) -> None:
    vector_lessons(conn)
    embed_missing(conn, ConceptEmbedder("concepts@1"))
    assert recall(conn, "coroutine", now=NOW, embedder=ConceptEmbedder("concepts@2")) == []


def test_the_vector_index_is_cached_until_the_lessons_change(conn: sqlite3.Connection) -> None:
    vector_lessons(conn)
    embed_missing(conn, ConceptEmbedder())
    first = vector_index(conn, "concepts@1", 8)
    assert first is not None and len(first) == 3
    assert vector_index(conn, "concepts@1", 8) is first
    conn.execute(
        "INSERT INTO learn_runs (ts, fingerprint, tool_calls, lessons, new_lessons, archived) VALUES ('t', 'f', 0, 0, 0, 0)"
    )
    assert vector_index(conn, "concepts@1", 8) is first  # a write elsewhere: the lessons are the same
    add_lesson(conn, "new", "Push fails without upstream", "", "set upstream")
    embed_missing(conn, ConceptEmbedder())
    second = vector_index(conn, "concepts@1", 8)
    assert second is not first and second is not None and len(second) == 4


def test_another_connection_sees_the_change(tmp_path: Path) -> None:
    db = tmp_path / "two.db"
    reader, writer = open_store(db), open_store(db)
    try:
        vector_lessons(writer)
        embed_missing(writer, ConceptEmbedder())
        first = vector_index(reader, "concepts@1", 8)
        assert first is not None and len(first) == 3
        add_lesson(writer, "new", "Push fails without upstream", "", "set upstream")
        embed_missing(writer, ConceptEmbedder())
        second = vector_index(reader, "concepts@1", 8)
        assert second is not None and len(second) == 4
    finally:
        reader.close()
        writer.close()
        clear_vector_cache()


def test_auto_does_not_load_a_model_when_no_lesson_has_a_vector(
    conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    vector_lessons(conn)
    # A configured model that does not exist: loading it would raise EmbeddingError.
    monkeypatch.setenv("LESSONLOOP_EMBEDDINGS", str(tmp_path / "no-such-model"))
    assert resolve_embedder(conn, "auto") is None
    assert recall(conn, "stale lockfile", now=NOW, embedder="auto")[0].title == "Stale lockfile blocks the build"
    monkeypatch.setenv("LESSONLOOP_EMBEDDINGS", "none")
    embed_missing(conn, ConceptEmbedder())
    assert resolve_embedder(conn, "auto") is None  # vectors, but embeddings are switched off
    assert resolve_embedder(conn, None) is None


def test_vector_filters_find_lessons_beyond_the_nearest_of_all(conn: sqlite3.Connection) -> None:
    """A project's lesson ranked after hundreds of other projects' lessons is still found."""
    others = [
        make_lesson(f"other{i}", f"Forgot the keyword, case {i}", "in an async function", "await", project="/p/other")
        for i in range(260)
    ]
    mine = make_lesson("mine", "Forgot the keyword before pushing", "async code", "await, then push", project="/p/mine")
    ids = store_lessons(conn, [*others, mine])
    embedder = ConceptEmbedder()
    embed_missing(conn, embedder)
    everywhere = recall(conn, "coroutine", now=NOW, embedder=embedder, top=300, min_score=0.0)
    assert ids["mine"] not in [r.id for r in everywhere[:250]]
    found = recall(conn, "coroutine", now=NOW, embedder=embedder, project="/p/mine", min_score=0.0)
    assert [r.id for r in found] == [ids["mine"]]
    assert found[0].factors.cosine == pytest.approx(2 / 5**0.5, abs=1e-4)  # async + await, and push
