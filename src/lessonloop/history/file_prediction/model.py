"""The file predictor: a task's text (and files already known to be touched, the seeds) -> the
files it will touch, ranked, each with its score and why.

Every file that exists now is a candidate, described by features (features.py's FEATURES):
BM25 similarity to past tasks that changed it, BM25 of the task against the words of the tasks
that changed it, the task's words in its path, how lately and how often it changed, how often it
changed with the seeds, whether the task names it. A linear score over these features ranks the
candidates. Its weights are fit on the model's own past only, prequentially: each example
learned is first predicted (its features computed from the history before it), a sample of its
candidates kept with labels (touched or not) as one list, and the weights refit every REFIT
examples on the lists of the last WINDOW examples (listwise.py: a softmax over each list). Nothing is rebuilt: `add` updates the history and, now and then, the weights.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from lessonloop.history.file_prediction.examples import MAX_FILES, Example
from lessonloop.history.file_prediction.features import (
    FEATURES,
    Candidates,
    TaskColumns,
    candidate_features,
    explain,
    task_columns,
)
from lessonloop.history.file_prediction.history_index import HistoryIndex
from lessonloop.history.file_prediction.listwise import fit_listwise
from lessonloop.history.file_prediction.text import words

VERSION = 10
WINDOW = 400  # examples whose labelled candidates the weights are fit on (the most recent)
REFIT = 25  # examples between two fits
MIN_FIT = 20  # examples needed before the first fit; until then the prior weights rank
NEGATIVES_TOP = 25  # per example: the best-scored candidates not touched ...
NEGATIVES_RANDOM = 15  # ... and some others at random (a fixed seed per example)
PRIOR: dict[str, float] = {
    "similar_tasks": 2.0,
    "folder_similar_tasks": 0.5,
    "most_similar_task": 1.0,
    "task_words": 1.0,
    "code_words": 0.5,
    "path_words": 1.0,
    "symbol_words": 1.0,
    "named_path": 2.0,
    "named_stem": 1.0,
    "name_words": 1.0,
    "recency": 1.0,
    "recent_changes": 1.0,
    "changes": 0.5,
    "kind_share": 1.0,
    "scope_share": 1.0,
    "kind_lift": 0.5,
    "scope_lift": 0.5,
    "seed_confidence": 2.0,
    "seed_reverse_confidence": 0.5,
    "seed_lift": 0.5,
    "seed_recent_confidence": 1.0,
    "seed_changes": 1.0,
    "seed_folder": 0.5,
    "seed_proximity": 0.5,
    "seed_name": 0.5,
    "seed_test_pair": 1.0,
    "seed_similar_tasks": 1.0,
    "seed_task_cochange": 1.0,
    "seed_words": 0.5,
    "bias": -3.0,
}
MODES = ("query", "seed")
# The score is linear in each feature and in its square root (a concave shape of its own per
# feature: the first words or changes of a file count more than the next ones), the bias last.
WIDTH = 2 * len(FEATURES) - 1


def _space(matrix: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The features, their square roots, the bias: the columns the weights are over."""
    return np.hstack([matrix[:, :-1], np.sqrt(matrix[:, :-1]), matrix[:, -1:]])


def _prior() -> npt.NDArray[np.float64]:
    plain = [PRIOR[name] for name in FEATURES[:-1]]
    return np.array(plain + [0.0] * len(plain) + [PRIOR["bias"]])


# A long history learned at once (a first `files predict`, the training part of an evaluation):
# only its last WARM examples are predicted to keep labelled rows for the weights. The weights are
# fit on the rows of the last WINDOW examples alone; the examples before those give them time to
# settle (the negatives an example keeps are those its weights then scored best).
WARM = WINDOW + 16 * REFIT


@dataclass(slots=True)
class Prediction:
    path: str
    score: float
    reasons: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "score": round(self.score, 4), "reasons": self.reasons}


class FilePredictor:
    def __init__(self, index: HistoryIndex | None = None) -> None:
        self.index = index or HistoryIndex()
        self.weights: dict[str, npt.NDArray[np.float64]] = {mode: _prior() for mode in MODES}
        self.fitted: dict[str, int] = dict.fromkeys(MODES, 0)  # examples the weights were fit on
        self.rows: dict[str, deque[tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]]] = {
            mode: deque(maxlen=WINDOW) for mode in MODES
        }
        self.since_fit = 0
        self.refits = 0  # fits done: the weights a ranking was scored with
        # Rankings of the history as it is now (cleared when it learns): an evaluation ranks each
        # test commit, then ranks it again, unchanged, to keep its labelled rows when it learns it.
        self._ranked: dict[tuple[str, tuple[str, ...], int], tuple[Candidates, npt.NDArray[np.float64]]] = {}
        self._task: dict[str, TaskColumns] = {}
        self._ranked_at = -1  # index.events the two above were computed at

    # -- predicting -------------------------------------------------------------------------

    def rank(self, query: str, seeds: list[str]) -> tuple[Candidates, npt.NDArray[np.float64]]:
        """Every candidate's features and score for the task (the same history, task, seeds and
        weights give the same ranking: it is kept until the history learns again)."""
        if self._ranked_at != self.index.events:
            self._ranked.clear()
            self._task.clear()
            self._ranked_at = self.index.events
        key = (query, tuple(seeds), self.refits)
        known = self._ranked.get(key)
        if known is not None:
            return known
        task = self._task.get(query)
        if task is None:
            task = self._task[query] = task_columns(self.index, words(query), query)
        cands = candidate_features(self.index, task.tokens, seeds, query, task)
        mode = "seed" if cands.seed_ids else "query"
        scores = _space(cands.matrix) @ self.weights[mode] if len(cands.ids) else np.zeros(0)
        self._ranked[key] = (cands, scores)
        return cands, scores

    def predict(self, query: str, seeds: list[str] | None = None, top: int = 10, why: bool = True) -> list[Prediction]:
        cands, scores = self.rank(query, list(seeds or []))
        # equal scores in file order: the same rows can differ in the last bit with their place in memory
        order = np.argsort(-np.round(scores, 9), kind="stable")[:top]
        mode = "seed" if cands.seed_ids else "query"
        out = []
        w = self.weights[mode]
        plain = len(FEATURES) - 1
        for i in order:
            fid = int(cands.ids[i])
            reasons = []
            if why:
                x = cands.matrix[i, :plain]
                contributions = w[:plain] * x + w[plain : 2 * plain] * np.sqrt(x)
                reasons = explain(self.index, cands, int(i), contributions)
            out.append(Prediction(self.index.paths[fid], float(scores[i]), reasons))
        return out

    def ranked_paths(self, query: str, seeds: list[str] | None = None, top: int = 100) -> list[str]:
        return [p.path for p in self.predict(query, seeds, top, why=False)]

    # -- learning ---------------------------------------------------------------------------

    def add(self, example: Example, learn_weights: bool = True) -> None:
        """Learn one example (after those before it): first keep its labelled candidates for the
        weights, as the model saw them before it, then add it to the history."""
        touched = example.touched
        if learn_weights and not example.is_merge and 0 < len(touched) <= MAX_FILES:
            query = example.query or example.text
            self._keep_rows("query", query, [], set(touched))
            if len(touched) > 1:
                self._keep_rows("seed", query, touched[:1], set(touched[1:]))
            self.since_fit += 1
            if self.since_fit >= REFIT:
                self.refit()
        self.index.add(example)

    def learn_all(self, examples: Sequence[Example]) -> None:
        """Learn `examples` in order (after those before them), the labelled rows kept for the
        last WARM only: their words, files and co-changes all count, but predicting each of
        thousands of old examples (most of a first learn's time) changes the weights little."""
        first = max(0, len(examples) - WARM)
        for i, example in enumerate(examples):
            self.add(example, learn_weights=i >= first)

    def _keep_rows(self, mode: str, query: str, seeds: list[str], actual: set[str]) -> None:
        cands, scores = self.rank(query, seeds)
        if not len(cands.ids):
            return
        touched = [self.index.ids[path] for path in actual if path in self.index.ids]
        labels = np.isin(cands.ids, touched).astype(np.float64)
        if not labels.any():
            return  # nothing it could have found: every file touched was new
        negatives = np.flatnonzero(labels == 0)
        top = negatives[np.argsort(-scores[negatives], kind="stable")[:NEGATIVES_TOP]]
        left = np.ones(len(labels), dtype=bool)
        left[top] = False
        rest = negatives[left[negatives]]  # the negatives not in top, in order (np.setdiff1d's, cheaper)
        rng = np.random.default_rng(self.index.events)
        extra = rng.choice(rest, size=min(NEGATIVES_RANDOM, len(rest)), replace=False) if len(rest) else rest
        keep = np.concatenate([np.flatnonzero(labels == 1), top, extra])
        self.rows[mode].append((_space(cands.matrix[keep]), labels[keep]))

    def refit(self) -> None:
        self.since_fit = 0
        for mode in MODES:
            rows = self.rows[mode]
            if len(rows) < MIN_FIT:
                continue
            self.weights[mode] = fit_listwise(rows, self.weights[mode])
            self.fitted[mode] = len(rows)
        self.refits += 1

    # -- saving -----------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "version": VERSION,
            "features": list(FEATURES),
            "index": self.index.to_json(),
            "weights": {
                m: [float(v) for v in w] for m, w in self.weights.items()
            },  # whole: a saved model ranks as it did
            "fitted": self.fitted,
            "since_fit": self.since_fit,
            "rows": {m: [[np.round(r[0], 5).tolist(), r[1].tolist()] for r in rows] for m, rows in self.rows.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FilePredictor:
        if data.get("version") != VERSION or list(data.get("features", [])) != list(FEATURES):
            raise ValueError("a model of another version: learn it again")
        model = cls(HistoryIndex.from_json(data["index"]))
        for mode in MODES:
            model.weights[mode] = np.array(data["weights"][mode], dtype=np.float64)
            model.fitted[mode] = int(data["fitted"][mode])
            for x, y in data["rows"][mode]:
                model.rows[mode].append(
                    (np.array(x, dtype=np.float64).reshape(-1, WIDTH), np.array(y, dtype=np.float64))
                )
        model.since_fit = int(data["since_fit"])
        return model
