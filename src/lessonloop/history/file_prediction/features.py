"""Each candidate file's features for one task, all in [0, 1] (the last is the bias), and the
words that say why a file was ranked where it is."""

from __future__ import annotations

import math
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from lessonloop.history.file_prediction.history_index import HALF_LIFE, HistoryIndex, commit_kind, spelled_names
from lessonloop.history.file_prediction.text import words

FEATURES = (
    "similar_tasks",  # BM25 similarity of the task to the K most similar past tasks that changed the file
    "folder_similar_tasks",  # like similar_tasks, for the files of its folder: what similar tasks changed near it
    "most_similar_task",  # the similarity of the most similar of them (relative to the most similar task)
    "task_words",  # BM25 of the task against the words of every past task that changed the file
    "code_words",  # BM25 of the task against the words of the code its changes touched
    "path_words",  # the task's words in the file's path, weighted by their rarity among paths
    "symbol_words",  # names the task spells out among those its changes defined or worked inside (idf x log tf)
    "named_path",  # the text names the file's path or name with extension (1 / files so named)
    "named_stem",  # its name without extension as a token or part of one, or its words in order (1 / files so named)
    "name_words",  # the share of the words of the file's name (no folder, no extension) the task has
    "recency",  # 1 / (1 + tasks since it last changed)
    "recent_changes",  # changes, each fading with a half-life of 100 tasks (relative to the most)
    "changes",  # log(1 + changes) relative to the most changed file
    "kind_share",  # the share of the past commits of the task's conventional type (fix, docs, ...) that changed it
    "scope_share",  # the same for the task's conventional scope (`fix(parser): ...`)
    "kind_lift",  # log(1 + kind_share / the file's share of all commits), relative to the most
    "scope_lift",  # the same for the scope
    "seed_confidence",  # rule seed -> file: largest share of a seed's changes that changed this file too
    "seed_reverse_confidence",  # rule file -> seed: the share of the file's changes that changed a seed too
    "seed_lift",  # log(1 + together / (1 + expected together if independent)), relative to the most
    "seed_recent_confidence",  # seed -> file confidence with every change fading (half-life 100 tasks)
    "seed_changes",  # changes together with the seeds (relative to the most)
    "seed_folder",  # in the folder of a seed
    "seed_proximity",  # 1 / (1 + folder steps between it and the nearest seed)
    "seed_name",  # words its name shares with a seed's (Jaccard): foo.py and tests/test_foo.py
    "seed_test_pair",  # the test of a seed, or the file a seed tests (test_foo.py <-> foo.py: 1; partly named: 0.5)
    "seed_similar_tasks",  # similarity of the similar past tasks that changed it with a seed
    "seed_task_cochange",  # every past task of a seed, weighted by its similarity to the task, to the files it changed
    "seed_words",  # BM25 of the words of a seed's past tasks against the file's (the seed's history as query)
    "bias",
)
SEED_FEATURES = tuple(name for name in FEATURES if name.startswith("seed_"))
SIMILAR = 20  # past tasks the similarity looks at
SEED_QUERY_WORDS = 20  # a seed's words (the most distinctive of its past tasks) read as extra query


@dataclass(slots=True)
class Candidates:
    ids: npt.NDArray[np.int64]
    matrix: npt.NDArray[np.float64]
    tokens: list[str]
    seed_ids: list[int]
    similar: list[tuple[int, float]] = field(default_factory=list)
    seed_query: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # the identifiers the task spells out, lower case
    kind: str | None = None  # its conventional-commit type and scope
    scope: str | None = None


def _relative(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    top = float(values.max()) if len(values) else 0.0
    return values / top if top > 0 else values


def _fade(steps: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.asarray(np.exp(-math.log(2.0) * steps / HALF_LIFE), dtype=np.float64)


@dataclass(slots=True)
class TaskColumns:
    """What a task's text says of every known file (index order), whatever the seeds: computed
    once per task and history, and shared by its rankings without and with seeds (an
    evaluation ranks each test commit both ways, and again to keep its labelled rows)."""

    tokens: list[str]
    text: str
    example_scores: npt.NDArray[np.float64]  # BM25 of the task against every past task
    similar: list[tuple[int, float]]
    knn: npt.NDArray[np.float64]
    knn_best: npt.NDArray[np.float64]
    knn_folder: npt.NDArray[np.float64]  # per file: what the similar tasks changed in its folder
    document: npt.NDArray[np.float64]
    code: npt.NDArray[np.float64]
    path: npt.NDArray[np.float64]
    symbol: npt.NDArray[np.float64]
    named_path: npt.NDArray[np.float64]
    named_stem: npt.NDArray[np.float64]
    named: npt.NDArray[np.float64]
    kind_share: npt.NDArray[np.float64]
    scope_share: npt.NDArray[np.float64]


def task_columns(index: HistoryIndex, tokens: Sequence[str], text: str = "") -> TaskColumns:
    """The task's features of every known file that do not depend on seeds (see TaskColumns)."""
    n = index.size
    example_scores = index.example_scores(tokens)
    similar = index.similar_examples(tokens, SIMILAR, example_scores)
    knn = np.zeros(n)
    knn_best = np.zeros(n)
    folder_of = index.arrays().folder_of
    knn_folder = np.zeros(len(index.folders))
    if similar:
        best = similar[0][1]
        for eid, score in similar:
            files = index.example_files[eid]
            knn[files] += score / best
            np.add.at(knn_folder, folder_of[files], score / best / len(files))
            knn_best[files] = np.maximum(knn_best[files], score / best)
    kind_share, scope_share = index.kind_shares(text)
    named_path, named_stem = index.mention_scores(text)
    return TaskColumns(
        list(tokens),
        text,
        example_scores,
        similar,
        knn,
        knn_best,
        knn_folder[folder_of],
        index.document_scores(tokens),
        index.code_scores(tokens),
        index.path_scores(tokens),
        index.symbol_scores(text),
        named_path,
        named_stem,
        index.name_shares(tokens),
        kind_share,
        scope_share,
    )


def candidate_features(
    index: HistoryIndex, tokens: Sequence[str], seeds: Sequence[str], text: str = "", task: TaskColumns | None = None
) -> Candidates:
    """Every file that exists now (seeds left out), with its features for the task. `task`: the
    task's columns already computed on this history (task_columns of the same tokens and text)."""
    if task is None:
        task = task_columns(index, tokens, text)
    arrays = index.arrays()
    n = index.size
    seed_ids = [index.ids[s] for s in dict.fromkeys(seeds) if s in index.ids]
    mask = arrays.alive.copy()
    for s in seeds:
        if s in index.ids:
            mask[index.ids[s]] = False
    ids = np.flatnonzero(mask).astype(np.int64)
    similar = task.similar
    knn_seed = np.zeros(n)
    seed_set = set(seed_ids)
    if similar and seed_set:
        best = similar[0][1]
        for eid, score in similar:
            files = index.example_files[eid]
            if seed_set.intersection(files):
                knn_seed[files] += score / best
    count = arrays.changes
    last = arrays.last
    decayed = index.decays_now()
    age = index.events - last
    recency = np.where(last > 0, 1.0 / (1.0 + age), 0.0)
    seed = _seed_columns(index, seed_ids, count, task.example_scores)
    kind_share, scope_share = task.kind_share, task.scope_share
    columns = [
        _relative(task.knn[ids]),
        _relative(task.knn_folder[ids]),
        task.knn_best[ids],
        _relative(task.document[ids]),
        _relative(task.code[ids]),
        _relative(task.path[ids]),
        _relative(task.symbol[ids]),
        task.named_path[ids],
        task.named_stem[ids],
        task.named[ids],
        recency[ids],
        _relative(decayed[ids]),
        np.log1p(count[ids]) / math.log1p(max(float(count.max()) if n else 0.0, 1.0)),
        kind_share[ids],
        scope_share[ids],
        _relative(np.log1p(kind_share[ids] / np.maximum(count[ids] / max(index.events, 1), 1e-9))),
        _relative(np.log1p(scope_share[ids] / np.maximum(count[ids] / max(index.events, 1), 1e-9))),
        seed.confidence[ids],
        seed.reverse[ids],
        _relative(seed.lift[ids]),
        seed.recent[ids],
        _relative(seed.together[ids]),
        seed.folder[ids],
        seed.proximity[ids],
        seed.name[ids],
        seed.pair[ids],
        _relative(knn_seed[ids]),
        _relative(seed.task_cochange[ids]),
        _relative(seed.words[ids]),
        np.ones(len(ids)),
    ]
    matrix = np.column_stack(columns) if len(ids) else np.zeros((0, len(FEATURES)))
    kind, scope = commit_kind(text)
    return Candidates(ids, matrix, list(tokens), seed_ids, similar, seed.query, spelled_names(text), kind, scope)


@dataclass(slots=True)
class _SeedColumns:
    confidence: npt.NDArray[np.float64]
    reverse: npt.NDArray[np.float64]
    lift: npt.NDArray[np.float64]
    recent: npt.NDArray[np.float64]
    together: npt.NDArray[np.float64]
    folder: npt.NDArray[np.float64]
    proximity: npt.NDArray[np.float64]
    name: npt.NDArray[np.float64]
    pair: npt.NDArray[np.float64]
    task_cochange: npt.NDArray[np.float64]
    words: npt.NDArray[np.float64]
    query: list[str]


def _seed_columns(
    index: HistoryIndex, seed_ids: list[int], count: npt.NDArray[np.float64], example_scores: npt.NDArray[np.float64]
) -> _SeedColumns:
    """The seed features of every file (zeros without seeds)."""
    n = index.size
    z = np.zeros
    cols = _SeedColumns(z(n), z(n), z(n), z(n), z(n), z(n), z(n), z(n), z(n), z(n), z(n), [])
    if not seed_ids:
        return cols
    events = max(index.events, 1)
    best_similarity = float(example_scores.max()) if len(example_scores) else 0.0
    for sid in seed_ids:
        row = index.co.get(sid, {})
        if row and index.count[sid]:
            others = np.fromiter(row.keys(), dtype=np.int64, count=len(row))
            together = np.fromiter(row.values(), dtype=np.float64, count=len(row))
            cols.confidence[others] = np.maximum(cols.confidence[others], together / index.count[sid])
            cols.reverse[others] = np.maximum(cols.reverse[others], together / np.maximum(count[others], together))
            expected = index.count[sid] * count[others] / events
            cols.lift[others] = np.maximum(cols.lift[others], np.log1p(together / (1.0 + expected)))
            cols.together[others] += together
        past = index.file_examples.get(sid, [])
        if past:
            eids = np.array(past, dtype=np.int64)
            when = np.array([index.example_event[e] for e in past], dtype=np.float64)
            fade = _fade(index.events - when)
            similarity = example_scores[eids] / best_similarity if best_similarity > 0 else np.zeros(len(eids))
            recent = np.zeros(n)
            # each past task adds its weight once to each of its files (as they are named now), in
            # the tasks' order: one np.add.at over them all
            files: list[int] = []
            task: list[int] = []
            for k, eid in enumerate(past):
                named_now = list(dict.fromkeys(index.current(f) for f in index.example_files[eid]))
                files += named_now
                task += [k] * len(named_now)
            at, of = np.array(files, dtype=np.int64), np.array(task, dtype=np.int64)
            np.add.at(recent, at, fade[of])
            alike = similarity[of] > 0
            np.add.at(cols.task_cochange, at[alike], similarity[of][alike])
            cols.recent = np.maximum(cols.recent, recent / float(fade.sum()))
    _seed_places(index, seed_ids, cols)
    cols.query = _seed_query(index, seed_ids)
    if cols.query:
        cols.words = index.document_scores(cols.query)
    return cols


def _seed_places(index: HistoryIndex, seed_ids: list[int], cols: _SeedColumns) -> None:
    """Where a file is, and how it is named, beside the seeds: folder, folder steps, name words,
    test <-> tested file."""
    folder_of = index.arrays().folder_of
    steps = np.full(len(index.folders), np.inf)
    for sid in seed_ids:
        steps = np.minimum(steps, index.folder_steps(index.folder_of[sid]))
    cols.proximity = 1.0 / (1.0 + steps[folder_of])
    cols.folder = (steps[folder_of] == 0).astype(np.float64)
    for sid in seed_ids:
        seed_words = index.names[sid]
        near: set[int] = set()
        for word in seed_words:
            near.update(index.path_index.get(word, ()))
        for fid in near:
            mine = index.names[fid]
            if mine | seed_words:
                cols.name[fid] = max(cols.name[fid], len(mine & seed_words) / len(mine | seed_words))
        stem = posixpath.splitext(posixpath.basename(index.paths[sid]))[0].lower()
        subject = index.subjects[sid]
        if subject is None:  # a source file: its tests
            exact = index.by_subject.get(stem, set())
            partial = {f for f in near if index.subjects[f] is not None and seed_words <= _subject_words(index, f)}
        else:  # a test: the file it tests
            exact = index.by_name.get(subject, set())
            tested = set(words(subject))
            partial = {f for f in near if index.subjects[f] is None and index.names[f] and index.names[f] <= tested}
        for fid in partial:
            cols.pair[fid] = max(cols.pair[fid], 0.5)
        for fid in exact:
            cols.pair[fid] = 1.0


def _subject_words(index: HistoryIndex, fid: int) -> set[str]:
    subject = index.subjects[fid]
    return set(words(subject.replace("_", " ").replace("-", " ").replace(".", " "))) if subject else set()


def _seed_query(index: HistoryIndex, seed_ids: list[int]) -> list[str]:
    """The most distinctive words of the tasks that changed the seeds (tf x idf over the files'
    documents): the seed's own history read as extra query text."""
    with_docs = index.files_with_documents() or 1
    weights: dict[str, float] = {}
    for sid in seed_ids:
        for token, tf in index.doc[sid].items():
            holders = len(index.word_files.get(token, ())) or 1
            weights[token] = weights.get(token, 0.0) + math.log1p(tf) * math.log(1.0 + with_docs / holders)
    return sorted(weights, key=lambda t: (-weights[t], t))[:SEED_QUERY_WORDS]


def explain(index: HistoryIndex, cands: Candidates, row: int, contributions: npt.NDArray[np.float64]) -> list[str]:
    """Why the candidate at `row` ranks where it does: its largest positive contributions to the
    score (one per feature, the bias left out), in words."""
    fid = int(cands.ids[row])
    x = cands.matrix[row]
    ranked = sorted(
        ((float(contributions[i]), name) for i, name in enumerate(FEATURES[:-1]) if x[i] > 0 and contributions[i] > 0),
        reverse=True,
    )
    reasons = [_reason(index, cands, fid, name) for _, name in ranked[:4]]
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
    if name == "folder_similar_tasks":
        folder = "/".join(index.folders[index.folder_of[fid]]) or "the top folder"
        return f"similar past tasks changed files in {folder}"
    if name == "code_words":
        seen = [t for t in dict.fromkeys(cands.tokens) if t in index.code[fid]]
        return "words of the code its changes touched: " + ", ".join(seen[:5])
    if name in ("named_path", "named_stem"):
        return f"the task names it: {posixpath.basename(index.paths[fid])}"
    if name == "symbol_words":
        names = [t for t in cands.names if t in index.symbols[fid]]
        return "names its changes defined or worked inside: " + ", ".join(names[:5])
    if name in ("kind_share", "kind_lift", "scope_share", "scope_lift"):
        label = cands.kind if name.startswith("kind") else cands.scope
        table, counts = (
            (index.kinds, index.kind_count) if name.startswith("kind") else (index.scopes, index.scope_count)
        )
        together = table.get(label or "", {}).get(fid, 0)
        return f"changed by {together} of the {counts.get(label or '', 0)} past '{label}' commits"
    if name == "recency":
        return f"changed {index.events - index.last[fid]} task(s) ago"
    if name in ("recent_changes", "changes"):
        return f"changed in {index.count[fid]} of {index.events} past tasks"
    if name in ("seed_confidence", "seed_changes", "seed_reverse_confidence", "seed_lift", "seed_recent_confidence"):
        best = max(cands.seed_ids, key=lambda s: index.co.get(s, {}).get(fid, 0))
        together = index.co.get(best, {}).get(fid, 0)
        return f"changed with {index.paths[best]} in {together} of its {index.count[best]} changes"
    if name == "seed_name":
        return "its name is like a seed's"
    if name == "seed_test_pair":
        return "the test of a seed, or the file a seed tests"
    if name == "seed_task_cochange":
        return "changed with a seed in tasks like this one"
    if name == "seed_words":
        return "changed by tasks worded like a seed's: " + ", ".join(
            t for t in cands.seed_query[:8] if t in index.doc[fid]
        )
    return "in or near the folder of a seed file"
