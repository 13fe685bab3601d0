"""Ranking metrics of one prediction (a ranked list of paths against the set actually touched),
and their means (docs/files.md)."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence

METRICS = ("mrr", "p_at_1", "recall_at_5", "recall_at_10", "ndcg_at_5")


def reciprocal_rank(predicted: Sequence[str], actual: Collection[str]) -> float:
    """1 / the rank of the first file touched; 0 when none is predicted."""
    for rank, path in enumerate(predicted, start=1):
        if path in actual:
            return 1.0 / rank
    return 0.0


def precision_at_1(predicted: Sequence[str], actual: Collection[str]) -> float:
    return 1.0 if predicted and predicted[0] in actual else 0.0


def recall_at(k: int, predicted: Sequence[str], actual: Collection[str]) -> float:
    """The share of the files touched that are in the first k."""
    if not actual:
        return 0.0
    return len(set(predicted[:k]) & set(actual)) / len(set(actual))


def ndcg_at(k: int, predicted: Sequence[str], actual: Collection[str]) -> float:
    """Binary relevance: DCG = sum of 1/log2(rank + 1) over the files touched in the first k,
    divided by the best possible DCG (min(k, files touched) hits at the top)."""
    if not actual:
        return 0.0
    dcg = sum(1.0 / math.log2(rank + 1) for rank, path in enumerate(predicted[:k], start=1) if path in actual)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(k, len(set(actual))) + 1))
    return dcg / ideal


def scores(predicted: Sequence[str], actual: Collection[str]) -> dict[str, float]:
    return {
        "mrr": reciprocal_rank(predicted, actual),
        "p_at_1": precision_at_1(predicted, actual),
        "recall_at_5": recall_at(5, predicted, actual),
        "recall_at_10": recall_at(10, predicted, actual),
        "ndcg_at_5": ndcg_at(5, predicted, actual),
    }


def mean(rows: Iterable[dict[str, float]]) -> dict[str, float]:
    rows = list(rows)
    if not rows:
        return dict.fromkeys(METRICS, 0.0)
    return {m: sum(r[m] for r in rows) / len(rows) for m in METRICS}
