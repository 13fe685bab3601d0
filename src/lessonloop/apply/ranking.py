"""Scoring recalled lessons: pure functions, no SQLite, no numpy.

A recalled lesson's score is its relevance to the query, weighted by how sure we are of the
lesson, how recently it was seen and how bad the mistake is:

    score = relevance * confidence_weight * recency_weight * severity_weight

Every part is in [0, 1], so the score is too, and `min_score` is an absolute bar: a query that
matches nothing scores 0 for every lesson and gets nothing back, even though some lesson would
always rank first.

Relevance: lexical and vector evidence, fused
---------------------------------------------
Lexical (FTS5 BM25, normalized by its own ceiling). SQLite's bm25() for a lesson is

    S = sum over query terms t of  idf(t) * f(t) * (k1 + 1) / (f(t) + k1 * (1 - b + b * len / avglen))

with k1 = 1.2, b = 0.75, f(t) the column-weighted count of t in the lesson (`COLUMN_WEIGHTS`:
title 4, prevention 3, trigger_text 2, body 1, category 1) and idf(t) = ln((N - n + 0.5) / (n + 0.5))
(at least 1e-6) for a term found in n of the N lessons. Each term's part stays below
idf(t) * (k1 + 1), so

    ceiling = (k1 + 1) * sum of idf(t) over every query term (found in the lesson or not, known to
              the store or not: a word no lesson uses has the highest idf, ln((N + 0.5) / 0.5))

bounds S, and S / ceiling in [0, 1) is an idf-weighted term coverage: the share of the query's
information the lesson matches, damped when a term occurs only once in the body or the lesson is
long. A term occurring once in the title of a lesson of average length reaches
4 * 2.2 / (4 + 1.2) / 2.2 = 0.77 of its ceiling, so

    lexical = min(1, (S / ceiling) / LEXICAL_FULL),   LEXICAL_FULL = 0.75

counts "every query term in the title" as fully relevant. Rare words weigh more than common ones
(a word in more than half of the lessons weighs almost nothing), and a query made half of words
the store never uses is at most half relevant.

Vector (cosine of sentence embeddings, when a model is installed and lessons have vectors):

    vector = clamp((cosine - COSINE_FLOOR) / (COSINE_FULL - COSINE_FLOOR), 0, 1)

with COSINE_FLOOR = 0.30 and COSINE_FULL = 0.60. Measured with all-MiniLM-L6-v2 on
tests/data/recall_*.json: unrelated queries ("banana smoothie recipe", ...) reach at most 0.24
against any lesson; a query and its lesson 0.30 to 0.78 (median 0.55); a query and some other,
often related, lesson up to 0.55. The floor cuts the background similarity any two English
sentences have, so vectors alone never make an unrelated lesson relevant; from 0.6 on, a
paraphrase counts in full.

Fused, as a probabilistic OR:

    relevance = 1 - (1 - lexical) * (1 - vector)

Either kind of evidence alone counts in full, both together count more, the result never exceeds
1, and it is 0 only when neither matched.

Weights, each bounded so that relevance dominates
-------------------------------------------------
- confidence_weight = 0.6 + 0.4 * confidence. Confidence is the live value: the Wilson lower
  bound of failed_sessions / sessions, decayed for the days since last_seen, no higher than the
  stored confidence, which learning caps by the precision of the lesson's warnings (a lesson
  whose warnings were mostly false alarms ranks low; lesson_model/confidence.live_confidence);
  or the stored confidence of a lesson without counted sessions (a manual one).
- recency_weight = 0.8 + 0.2 * 0.5 ** (days since last seen / 90): a lesson seen today weighs 1,
  one unseen for 90 days 0.9, one unseen for years 0.8. (Decay already lowers confidence for the
  same days, slowly; this adds a small preference for what happens now.)
- severity_weight: low 0.85, medium 0.9, high 0.95, critical 1.0 (unknown: medium).

Together the weights scale relevance by a factor between 0.6 * 0.8 * 0.85 = 0.41 and 1: a lesson
more than 2.5 times as relevant as another always outranks it, and at equal relevance the surer,
fresher, more severe lesson comes first. Every weight rises with its input, so more failing
sessions never lower a lesson's score.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from lessonloop.lesson_model import confidence as conf

# FTS5 lessons_fts columns, in table order: title, body, prevention, trigger_text, category.
COLUMN_WEIGHTS: tuple[float, float, float, float, float] = (4.0, 1.0, 3.0, 2.0, 1.0)
BM25_K1 = 1.2  # FTS5's constants (fts5_aux.c)
BM25_B = 0.75
IDF_MIN = 1e-6  # FTS5 uses this when ln(...) is not positive: a term in more than half the rows
LEXICAL_FULL = 0.75

COSINE_FLOOR = 0.30
COSINE_FULL = 0.60

CONFIDENCE_BASE = 0.6
RECENCY_BASE = 0.8
RECENCY_HALF_LIFE_DAYS = 90.0
SEVERITY_WEIGHTS = {"low": 0.85, "medium": 0.9, "high": 0.95, "critical": 1.0}
DEFAULT_SEVERITY_WEIGHT = SEVERITY_WEIGHTS["medium"]


def _clamp01(value: float) -> float:
    if math.isnan(value):
        return 0.0
    return min(1.0, max(0.0, value))


def fts_idf(doc_frequency: int, total_rows: int) -> float:
    """FTS5's idf for a term found in `doc_frequency` of `total_rows` rows (fts5_aux.c, bm25).

    Reproduced here because the lexical ceiling must use the very idf SQLite scored with.
    """
    n = max(0, doc_frequency)
    total = max(total_rows, n)
    idf = math.log((total - n + 0.5) / (n + 0.5))
    return idf if idf > 0 else IDF_MIN


def bm25_ceiling(idfs: Iterable[float]) -> float:
    """The score no lesson can reach for a query whose terms have these idfs: (k1 + 1) * sum(idf)."""
    return (BM25_K1 + 1.0) * sum(idfs)


def lexical_relevance(bm25_raw: float | None, ceiling: float) -> float:
    """Lexical relevance in [0, 1] from SQLite's bm25() value (negative: lower is better).

    None (no lexical match) or an empty ceiling is 0.
    """
    if bm25_raw is None or ceiling <= 0:
        return 0.0
    return _clamp01((-bm25_raw / ceiling) / LEXICAL_FULL)


def vector_relevance(cosine: float | None) -> float:
    """Vector relevance in [0, 1]: the cosine above the background floor, full at COSINE_FULL."""
    if cosine is None:
        return 0.0
    return _clamp01((cosine - COSINE_FLOOR) / (COSINE_FULL - COSINE_FLOOR))


def fuse(lexical: float, vector: float) -> float:
    """One relevance from both kinds of evidence: 1 - (1 - lexical) * (1 - vector)."""
    return _clamp01(1.0 - (1.0 - _clamp01(lexical)) * (1.0 - _clamp01(vector)))


def live_confidence(failed_sessions: int, sessions: int, days_unseen: float, stored: float) -> float:
    """The lesson's confidence at recall time (lesson_model.confidence.live_confidence, in [0, 1]):
    the decayed Wilson lower bound of its counted sessions capped by the stored confidence (its
    warnings' precision), or the stored value when it has none (a manual lesson keeps what a
    person gave it)."""
    return _clamp01(conf.live_confidence(failed_sessions, sessions, days_unseen, stored))


def confidence_weight(confidence: float) -> float:
    """0.6 at confidence 0, 1 at confidence 1."""
    return CONFIDENCE_BASE + (1.0 - CONFIDENCE_BASE) * _clamp01(confidence)


def recency(days_unseen: float) -> float:
    """1 for a lesson seen now, halving every RECENCY_HALF_LIFE_DAYS days unseen."""
    return float(0.5 ** (max(0.0, days_unseen) / RECENCY_HALF_LIFE_DAYS))


def recency_weight(recency_value: float) -> float:
    """0.8 for a lesson unseen for ages, 1 for one seen now."""
    return RECENCY_BASE + (1.0 - RECENCY_BASE) * _clamp01(recency_value)


def severity_weight(severity: str | None) -> float:
    """low 0.85 < medium 0.9 < high 0.95 < critical 1.0; anything else counts as medium."""
    return SEVERITY_WEIGHTS.get((severity or "").lower(), DEFAULT_SEVERITY_WEIGHT)


def final_score(relevance: float, confidence_w: float, recency_w: float, severity_w: float) -> float:
    """relevance * confidence_weight * recency_weight * severity_weight, in [0, 1]."""
    return _clamp01(relevance * confidence_w * recency_w * severity_w)
