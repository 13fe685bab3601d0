"""Recall: the stored lessons that matter for a piece of text, best first, with why.

Hybrid search over the lessons table:

1. Lexical, always: the text becomes a safe FTS5 query (its words, lowercased, stop-words
   dropped, each quoted as a plain phrase and OR-ed, so no user text can be FTS syntax), scored
   by bm25() with the title and prevention weighted above the body. The best CANDIDATES lessons
   that pass the filters (status, project scope, tool) are kept.
2. Vectors, when an embedder is given (or "auto" finds the installed model) and lessons have
   vectors of that embedder's model: the cosine of the text's embedding against theirs, the
   best CANDIDATES among the lessons passing the same filters. The matrix of stored vectors is
   cached per connection and model, and rebuilt only when the lessons change.
3. Each candidate is scored by `ranking` (relevance from both, weighted by live confidence,
   recency and severity; see that module for the formula). Scores are absolute: nothing under
   `min_score` is returned, so a query matching nothing gets nothing.

This module is imported by hooks that run before an agent's tool calls: it imports neither rich,
argparse nor the analyzers, and numpy only when vectors are used; its records are plain classes
(importing dataclasses and typing would cost every UserPromptSubmit hook about 8 ms).
"""

from __future__ import annotations

import re
import sqlite3

from lessonloop.apply import ranking
from lessonloop.core.timestamps import days_between, utc_now
from lessonloop.store.lessons import recall as reads
from lessonloop.store.lessons.recall import LessonFilter

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: the hooks import this module
if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Sequence
    from typing import Any, Literal

    from lessonloop.apply.embeddings import Embedder

# Measured on tests/data/recall_*.json (26 lessons, 39 paraphrased queries, 10 unrelated ones):
# unrelated queries score at most 0.083; at 0.2 words alone return the expected lesson in the top 3
# for 29/39 queries and 0.2 other lessons per query; at 0.1 one more query hits but 1.4 other
# lessons come per query; at 0.3 four fewer hit. (Hybrid at 0.2: 34/39, 0.5 others per query.)
DEFAULT_MIN_SCORE = 0.2
CANDIDATES = 50  # lessons kept from each of the lexical and the vector search before scoring
MAX_TERMS = 24  # query words used; a longer text (a whole prompt) is cut to its first 24 distinct words
ALL_STATUSES = ("active", "pending", "rejected", "archived")

# Words that say nothing about a mistake. Negations like "without" and "not" go too: BM25 cannot
# tell "with" from "without", and they occur everywhere.
_STOP_WORDS = """
    a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing done down during each few for from further
    get gets got had has have having he her here hers herself him himself his how i if in into is it
    its itself just let me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own please same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were what
    when where which while who whom why will with without would you your yours yourself yourselves
    ve ll re don doesn didn isn wasn aren won cannot shall may might must us via per etc
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
_WORD = re.compile(r"[^\W_]+")  # runs of letters and digits: close to FTS5's unicode61 tokens


class _Record:
    """A value object: its fields are its __slots__, compared, hashed and shown by them (what a
    frozen dataclass gives, without importing dataclasses)."""

    __slots__: tuple[str, ...] = ()
    _hidden: tuple[str, ...] = ()  # fields left out of repr

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Record) and type(self) is type(other) and self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__slots__ if n not in self._hidden)
        return f"{type(self).__name__}({shown})"


class Factors(_Record):
    """Every number behind a recalled lesson's score (see `ranking` for the formula).

    score = relevance * confidence_weight * recency_weight * severity_weight, and
    relevance = 1 - (1 - lexical) * (1 - vector).

    bm25: SQLite's bm25() (negative, lower is better), None without a lexical match;
    bm25_ceiling: what no lesson reaches for this query, (k1 + 1) * sum of the terms' idf;
    cosine: None without vector search or when the lesson was not a vector candidate;
    confidence: live, the decayed Wilson lower bound or the stored value without sessions;
    matched_terms: query words found in the lesson (filled with explain).
    """

    __slots__ = (
        "bm25",
        "bm25_ceiling",
        "confidence",
        "confidence_weight",
        "cosine",
        "lexical",
        "matched_terms",
        "query_terms",
        "recency",
        "recency_weight",
        "relevance",
        "score",
        "severity_weight",
        "vector",
    )  # fmt: skip

    def __init__(
        self,
        *,
        bm25: float | None,
        bm25_ceiling: float,
        lexical: float,
        cosine: float | None,
        vector: float,
        relevance: float,
        confidence: float,
        confidence_weight: float,
        recency: float,
        recency_weight: float,
        severity_weight: float,
        score: float,
        matched_terms: tuple[str, ...] = (),
        query_terms: tuple[str, ...] = (),
    ) -> None:
        self.bm25 = bm25
        self.bm25_ceiling = bm25_ceiling
        self.lexical = lexical
        self.cosine = cosine
        self.vector = vector
        self.relevance = relevance
        self.confidence = confidence
        self.confidence_weight = confidence_weight
        self.recency = recency
        self.recency_weight = recency_weight
        self.severity_weight = severity_weight
        self.score = score
        self.matched_terms = matched_terms
        self.query_terms = query_terms

    def to_json(self) -> dict[str, Any]:
        from lessonloop.core.rates import rounded  # not on the prompt hook's path

        return {
            "bm25": rounded(self.bm25),
            "bm25_ceiling": round(self.bm25_ceiling, 4),
            "lexical": round(self.lexical, 4),
            "matched_terms": list(self.matched_terms),
            "query_terms": list(self.query_terms),
            "cosine": rounded(self.cosine),
            "vector": round(self.vector, 4),
            "relevance": round(self.relevance, 4),
            "confidence": round(self.confidence, 4),
            "confidence_weight": round(self.confidence_weight, 4),
            "recency": round(self.recency, 4),
            "recency_weight": round(self.recency_weight, 4),
            "severity_weight": round(self.severity_weight, 4),
            "score": round(self.score, 4),
        }


class Recalled(_Record):
    """A lesson given back for a query: what to show, and the factors of its score (confidence
    is the live confidence at recall time)."""

    __slots__ = (
        "body",
        "category",
        "confidence",
        "factors",
        "failed_sessions",
        "id",
        "kind",
        "last_seen",
        "observations",
        "origin",
        "prevention",
        "prevention_command",
        "project",
        "scope",
        "score",
        "sessions",
        "severity",
        "status",
        "tier",
        "title",
        "trigger_text",
    )  # fmt: skip
    _hidden = ("factors",)

    def __init__(
        self,
        *,
        id: int,
        kind: str,
        title: str,
        body: str,
        prevention: str | None,
        prevention_command: str | None,
        trigger_text: str | None,
        category: str | None,
        severity: str,
        scope: str,
        project: str | None,
        tier: str,
        status: str,
        sessions: int,
        failed_sessions: int,
        observations: int,
        confidence: float,
        last_seen: str | None,
        score: float,
        factors: Factors,
        origin: str = "learned",
    ) -> None:
        self.id = id
        self.origin = origin  # learned | manual | imported | team (pulled from the team: docs/team.md)
        self.kind = kind
        self.title = title
        self.body = body
        self.prevention = prevention
        self.prevention_command = prevention_command
        self.trigger_text = trigger_text
        self.category = category
        self.severity = severity
        self.scope = scope
        self.project = project
        self.tier = tier
        self.status = status
        self.sessions = sessions
        self.failed_sessions = failed_sessions
        self.observations = observations
        self.confidence = confidence
        self.last_seen = last_seen
        self.score = score
        self.factors = factors

    @property
    def remedied(self) -> bool:
        """Whether it names a remedy, a check or a rule (its prevention), or is a person's objection:
        one that says only that a call failed before is given to no agent (lesson_model/checks.py)."""
        return bool(self.prevention or self.prevention_command or self.kind == "correction")

    def to_json(self, explain: bool = True) -> dict[str, Any]:
        from lessonloop.lesson_model.provenance import describe  # not on the prompt hook's path

        out: dict[str, Any] = {
            "id": self.id,
            "score": round(self.score, 4),
            "confidence": round(self.confidence, 4),
            "title": self.title,
            "prevention": self.prevention,
            "prevention_command": self.prevention_command,
            "body": self.body,
            "trigger": self.trigger_text,
            "kind": self.kind,
            "origin": self.origin,
            "provenance": describe(self.origin, self.kind),
            "category": self.category,
            "severity": self.severity,
            "scope": self.scope,
            "project": self.project,
            "tier": self.tier,
            "status": self.status,
            "sessions": self.sessions,
            "failed_sessions": self.failed_sessions,
            "observations": self.observations,
            "last_seen": self.last_seen,
        }
        if explain:
            out["factors"] = self.factors.to_json()
        return out


# --- the query ----------------------------------------------------------------------------------


def query_terms(text: str, limit: int = MAX_TERMS) -> tuple[str, ...]:
    """The words of `text` worth searching for: lowercased runs of letters and digits, stop-words
    and single characters dropped, each once, in order, at most `limit`."""
    terms: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        if len(word) < 2 or word in STOP_WORDS:
            continue
        terms.setdefault(word, None)
        if len(terms) >= limit:
            break
    return tuple(terms)


def fts_phrase(term: str) -> str:
    """`term` as an FTS5 string: double-quoted (inner quotes doubled), so it is never an operator
    (NEAR, AND, OR, NOT), a column filter (`col:`), a prefix (`*`) or a group."""
    return '"' + term.replace('"', '""') + '"'


def fts_match_expression(terms: Iterable[str]) -> str:
    """An FTS5 MATCH expression that matches a row containing any of `terms`."""
    return " OR ".join(fts_phrase(term) for term in terms)


# --- lexical -----------------------------------------------------------------------------------


class _Lexical:
    __slots__ = ("ceiling", "hits")

    def __init__(self, hits: dict[int, float], ceiling: float) -> None:
        self.hits = hits  # lesson id -> bm25()
        self.ceiling = ceiling


def _lexical(
    conn: sqlite3.Connection, terms: Sequence[str], where: LessonFilter, limit: int, rarest: int | None = None
) -> _Lexical:
    """The best `limit` lessons by weighted bm25 among those passing `where`, and the query's
    ceiling. rarest: match on only that many of the query's words, the rarest in the lessons."""
    if not terms:
        return _Lexical({}, 0.0)
    total = reads.lesson_count(conn)
    frequencies = {term: _document_frequency(conn, term) for term in terms}
    idfs = {term: ranking.fts_idf(n, total) for term, n in frequencies.items()}
    ceiling = ranking.bm25_ceiling(idfs.values())
    present = [term for term, n in frequencies.items() if n > 0]
    informative = [term for term in present if idfs[term] > ranking.IDF_MIN]
    if informative:
        # A word in more than half of the lessons has idf 1e-6: it adds at most 2.2e-6 to a score,
        # but makes FTS5 score every lesson containing it. Left out when rarer words are there.
        present = informative
    if not present:
        return _Lexical({}, ceiling)
    if rarest is not None and len(present) > rarest:
        # The rarest words carry the score (idf); the common ones only make FTS5 score more lessons.
        present = sorted(present, key=lambda term: (frequencies[term], term))[:rarest]
    hits = reads.lexical_hits(conn, fts_match_expression(present), where, limit, ranking.COLUMN_WEIGHTS)
    return _Lexical(hits, ceiling)


def _document_frequency(conn: sqlite3.Connection, term: str) -> int:
    """In how many lessons FTS5 finds `term` (all statuses: its idf counts them all too)."""
    return reads.document_frequency(conn, fts_phrase(term))


def _matched_terms(conn: sqlite3.Connection, terms: Sequence[str], ids: Collection[int]) -> dict[int, list[str]]:
    """For each lesson of `ids`, the query terms it contains (as FTS5 matches them: stemmed)."""
    found: dict[int, list[str]] = {lesson_id: [] for lesson_id in ids}
    if not ids:
        return found
    for term in terms:
        for lesson_id in reads.lessons_matching(conn, fts_phrase(term), list(ids)):
            found[lesson_id].append(term)
    return found


# --- scoring -----------------------------------------------------------------------------------


def _score_row(
    row: tuple[Any, ...],
    bm25: float | None,
    ceiling: float,
    cosine: float | None,
    now: str,
    terms: tuple[str, ...],
) -> Recalled:
    """A lesson row and its search results, scored (ranking module)."""
    (
        lesson_id, kind, title, body, prevention, prevention_command, trigger_text, category, severity, scope,
        project, tier, status, sessions, failed, observations, stored_confidence, last_seen, created_at, origin,
        learned_confidence,
    ) = row  # fmt: skip
    if learned_confidence is not None:
        stored_confidence = learned_confidence  # the cap the hooks use too
    seen = last_seen or created_at
    days = days_between(seen, now) if seen else 0.0
    counted_days = days_between(last_seen, now) if last_seen else 0.0  # the confidence's decay, as everywhere
    lexical = ranking.lexical_relevance(bm25, ceiling)
    vector = ranking.vector_relevance(cosine)
    relevance = ranking.fuse(lexical, vector)
    confidence = ranking.live_confidence(
        int(failed or 0), int(sessions or 0), counted_days, float(stored_confidence or 0.0)
    )
    confidence_w = ranking.confidence_weight(confidence)
    recency = ranking.recency(days)
    recency_w = ranking.recency_weight(recency)
    severity_w = ranking.severity_weight(severity)
    score = ranking.final_score(relevance, confidence_w, recency_w, severity_w)
    factors = Factors(
        bm25=bm25,
        bm25_ceiling=ceiling,
        lexical=lexical,
        cosine=cosine,
        vector=vector,
        relevance=relevance,
        confidence=confidence,
        confidence_weight=confidence_w,
        recency=recency,
        recency_weight=recency_w,
        severity_weight=severity_w,
        score=score,
        query_terms=terms,
    )
    return Recalled(
        id=int(lesson_id),
        kind=kind,
        title=title,
        body=body,
        prevention=prevention,
        prevention_command=prevention_command,
        trigger_text=trigger_text,
        category=category,
        severity=severity,
        scope=scope,
        project=project,
        tier=tier,
        status=status,
        sessions=int(sessions or 0),
        failed_sessions=int(failed or 0),
        observations=int(observations or 0),
        confidence=confidence,
        last_seen=last_seen,
        score=score,
        factors=factors,
        origin=origin,
    )


def recall(
    conn: sqlite3.Connection,
    text: str,
    *,
    project: str | None = None,
    tool: str | None = None,
    top: int = 5,
    min_score: float = DEFAULT_MIN_SCORE,
    embedder: Embedder | Literal["auto"] | None = None,
    now: str | None = None,
    explain: bool = False,
    include: Collection[str] = (),
    exclude_categories: Collection[str] = (),
    rarest_terms: int | None = None,
    candidates: int = CANDIDATES,
    model: str | None = None,
) -> list[Recalled]:
    """The lessons most worth knowing for `text`, best first: at most `top`, each scoring at
    least `min_score` (an absolute bar: see `ranking`).

    project: only lessons of that project or global ones. tool: only lessons whose trigger names
    that tool, or that have none. include: statuses recalled besides 'active' (the CLI's --all
    passes the rest of ALL_STATUSES). exclude_categories: lessons of these categories are never
    recalled (case-insensitive; the configuration's [lessons] exclude_categories). embedder: None
    searches words only; "auto" uses the
    installed model when lessons have vectors; or an Embedder. now: the moment confidence and
    recency are computed for (ISO-8601; default: the current time). explain: also find which
    query words each lesson matched (Factors.matched_terms; costs a query per word). model: only
    lessons whose mistake was made with a model whose name holds it (store/lessons/recall.py).
    """
    if top <= 0:
        return []
    moment = now or utc_now()
    statuses = tuple(dict.fromkeys(("active", *include)))
    where = reads.lesson_filter(statuses, project, tool, exclude_categories, model)
    terms = query_terms(text)
    lexical = _lexical(conn, terms, where, candidates, rarest_terms)
    cosines: dict[int, float] = {}
    if embedder is not None:  # the hooks pass none: vector_recall.py is not even imported
        from lessonloop.apply.vector_recall import nearest_lessons, resolve_embedder

        resolved = resolve_embedder(conn, embedder)
        if resolved is not None:
            cosines = nearest_lessons(conn, text, resolved, where, candidates)
    ids = list(dict.fromkeys([*lexical.hits, *cosines]))
    if not ids:
        return []
    rows = reads.recalled_rows(conn, ids)
    scored = [
        _score_row(row, lexical.hits.get(row[0]), lexical.ceiling, cosines.get(row[0]), moment, terms) for row in rows
    ]
    kept = sorted((r for r in scored if r.score > 0.0 and r.score >= min_score), key=lambda r: (-r.score, r.id))[:top]
    if explain and kept and terms:
        matched = _matched_terms(conn, terms, [r.id for r in kept])
        kept = [_with_matches(r, tuple(matched.get(r.id, ()))) for r in kept]
    return kept


def _with_matches(recalled: Recalled, matched: tuple[str, ...]) -> Recalled:
    recalled.factors.matched_terms = matched  # made in this call, not shared
    return recalled
