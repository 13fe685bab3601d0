"""Each candidate file's features for one task, all in [0, 1] (the last is the bias), and the
words that say why a file was ranked where it is."""

from __future__ import annotations

import math
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from lessonloop.learn.file_prediction.history_index import HistoryIndex
from lessonloop.learn.file_prediction.text import path_words

FEATURES = (
    "similar_tasks",  # BM25 similarity of the task to the K most similar past tasks that changed the file
    "most_similar_task",  # the similarity of the most similar of them (relative to the most similar task)
    "task_words",  # BM25 of the task against the words of every past task that changed the file
    "path_words",  # the task's words in the file's path, weighted by their rarity among paths
    "name_words",  # the share of the words of the file's name (no folder, no extension) the task has
    "recency",  # 1 / (1 + tasks since it last changed)
    "recent_changes",  # changes, each fading with a half-life of 100 tasks (relative to the most)
    "changes",  # log(1 + changes) relative to the most changed file
    "seed_confidence",  # largest share of a seed's changes that changed this file too
    "seed_changes",  # changes together with the seeds (relative to the most)
    "seed_folder",  # in the folder of a seed
    "seed_name",  # words its path shares with a seed's (Jaccard): foo.py and tests/test_foo.py
    "seed_similar_tasks",  # similarity of the similar past tasks that changed it with a seed
    "bias",
)
SIMILAR = 20  # past tasks the similarity looks at


@dataclass(slots=True)
class Candidates:
    ids: npt.NDArray[np.int64]
    matrix: npt.NDArray[np.float64]
    tokens: list[str]
    seed_ids: list[int]
    similar: list[tuple[int, float]] = field(default_factory=list)


def _relative(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    top = float(values.max()) if len(values) else 0.0
    return values / top if top > 0 else values


def candidate_features(index: HistoryIndex, tokens: Sequence[str], seeds: Sequence[str]) -> Candidates:
    """Every file that exists now (seeds left out), with its features for the task."""
    n = index.size
    seed_ids = [index.ids[s] for s in dict.fromkeys(seeds) if s in index.ids]
    mask = index.alive_mask()
    for s in seeds:
        if s in index.ids:
            mask[index.ids[s]] = False
    ids = np.flatnonzero(mask).astype(np.int64)
    similar = index.similar_examples(tokens, SIMILAR)
    knn = np.zeros(n)
    knn_best = np.zeros(n)
    knn_seed = np.zeros(n)
    seed_set = set(seed_ids)
    if similar:
        best = similar[0][1]
        for eid, score in similar:
            files = index.example_files[eid]
            knn[files] += score / best
            knn_best[files] = np.maximum(knn_best[files], score / best)
            if seed_set.intersection(files):
                knn_seed[files] += score / best
    count = np.fromiter(index.count, dtype=np.float64, count=n)
    last = np.fromiter(index.last, dtype=np.float64, count=n)
    decayed = np.fromiter((index.decay_now(f) for f in range(n)), dtype=np.float64, count=n)
    age = index.events - last
    recency = np.where(last > 0, 1.0 / (1.0 + age), 0.0)
    conf = np.zeros(n)
    together = np.zeros(n)
    folder = np.zeros(n)
    seed_dirs = {posixpath.dirname(index.paths[s]) for s in seed_ids}
    for sid in seed_ids:
        row = index.co.get(sid, {})
        if row and index.count[sid]:
            others = np.fromiter(row.keys(), dtype=np.int64, count=len(row))
            counts = np.fromiter(row.values(), dtype=np.float64, count=len(row))
            conf[others] = np.maximum(conf[others], counts / index.count[sid])
            together[others] += counts
    name = np.zeros(n)
    if seed_dirs:
        folder = np.fromiter((posixpath.dirname(p) in seed_dirs for p in index.paths), dtype=np.float64, count=n)
        seed_words = [_name_words(index.paths[s]) for s in seed_ids]
        near: dict[int, float] = {}
        for words_ in seed_words:
            for word in words_:
                for fid in index.path_index.get(word, ()):
                    near[fid] = 0.0
        for fid in near:
            mine = _name_words(index.paths[fid])
            name[fid] = max((len(mine & w) / len(mine | w) for w in seed_words if mine | w), default=0.0)
    query_words = set(tokens)
    named = np.zeros(n)
    for token in query_words:
        for fid in index.path_index.get(token, ()):
            named[fid] = -1.0  # a candidate: its name's words are looked at below
    for hit in np.flatnonzero(named).tolist():
        mine = _name_words(index.paths[hit])
        named[hit] = len(mine & query_words) / len(mine) if mine else 0.0
    columns = [
        _relative(knn[ids]),
        knn_best[ids],
        _relative(index.document_scores(tokens)[ids]),
        _relative(index.path_scores(tokens)[ids]),
        named[ids],
        recency[ids],
        _relative(decayed[ids]),
        np.log1p(count[ids]) / math.log1p(max(float(count.max()) if n else 0.0, 1.0)),
        conf[ids],
        _relative(together[ids]),
        folder[ids],
        name[ids],
        _relative(knn_seed[ids]),
        np.ones(len(ids)),
    ]
    matrix = np.column_stack(columns) if len(ids) else np.zeros((0, len(FEATURES)))
    return Candidates(ids, matrix, list(tokens), seed_ids, similar)


def _name_words(path: str) -> set[str]:
    """The words of a file's name without its extension (foo.py and test_foo.py share foo)."""
    return path_words(posixpath.splitext(posixpath.basename(path))[0])


def explain(index: HistoryIndex, cands: Candidates, row: int, weights: npt.NDArray[np.float64]) -> list[str]:
    """Why the candidate at `row` ranks where it does: its largest contributions, in words."""
    fid = int(cands.ids[row])
    x = cands.matrix[row]
    contributions = sorted(
        ((float(weights[i] * x[i]), name) for i, name in enumerate(FEATURES[:-1]) if x[i] > 0 and weights[i] > 0),
        reverse=True,
    )
    reasons = [_reason(index, cands, fid, name) for _, name in contributions[:4]]
    return list(dict.fromkeys(reasons))[:3]


def _reason(index: HistoryIndex, cands: Candidates, fid: int, name: str) -> str:
    if name in ("similar_tasks", "most_similar_task", "seed_similar_tasks"):
        titles = [index.titles[eid] for eid, _ in cands.similar if fid in index.example_files[eid]]
        more = f" (+{len(titles) - 1} more)" if len(titles) > 1 else ""
        return f"similar past task: {titles[0]!r}{more}" if titles else "similar past tasks"
    if name == "task_words":
        seen = [t for t in dict.fromkeys(cands.tokens) if t in index.doc[fid]]
        return "words of past tasks that changed it: " + ", ".join(seen[:5])
    if name in ("path_words", "name_words"):
        hits = [t for t in dict.fromkeys(cands.tokens) if fid in index.path_index.get(t, ())]
        return "its path has: " + ", ".join(hits[:5])
    if name == "recency":
        return f"changed {index.events - index.last[fid]} task(s) ago"
    if name in ("recent_changes", "changes"):
        return f"changed in {index.count[fid]} of {index.events} past tasks"
    if name in ("seed_confidence", "seed_changes"):
        best = max(cands.seed_ids, key=lambda s: index.co.get(s, {}).get(fid, 0))
        together = index.co.get(best, {}).get(fid, 0)
        return f"changed with {index.paths[best]} in {together} of its {index.count[best]} changes"
    if name == "seed_name":
        return "its name is like a seed's"
    return "in the folder of a seed file"
