"""The baselines the model is measured against, in the same run, on the same history.

- keywords: origin design 2's file predictor (docs/origins/2-ml-data-collection.md), re-implemented
  from its description: features of a message (conventional-commit type, task references such as
  "#42", its keywords: action verbs and module words alike), counts of files per type and per
  keyword, a file co-occurrence matrix, file frequencies; TF-IDF-style scoring of type and
  keyword matches, Jaccard similarity with the seed files added, and a frequency penalty. The
  description gives no constants. Two versions are measured: PLAIN, the plain choices below, not
  tuned on any data; and the stronger one, each free choice the description leaves (how a match's
  count becomes its tf, the idf, the type's weight beside the keywords', the penalty's strength,
  the Jaccard boost's weight) tuned on the training part of the history only (tune_origin).
- recency: the files changed most lately first.
- frequency: the files changed most often first.
- co-change: ROSE-style association rules from the seed files (Zimmermann et al., "Mining version
  histories to guide software changes"): seed -> file ranked by confidence, then support. Only
  with seeds.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Collection, Container, Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from lessonloop.history.file_prediction.examples import MAX_FILES, Example
from lessonloop.history.file_prediction.history_index import HistoryIndex, PathOrder
from lessonloop.history.file_prediction.text import STOPWORDS

_TYPE = re.compile(r"^\s*([a-zA-Z]+)(\([^)]*\))?!?:")
_TASK = re.compile(r"#(\d+)")
_KEYWORD = re.compile(r"[a-z][a-z0-9_]{2,}")
TOP = 100


def origin_features(message: str) -> tuple[str | None, set[str]]:
    """(the conventional-commit type, the keywords and task references) of a message."""
    match = _TYPE.match(message)
    kind = match.group(1).lower() if match else None
    text = message.lower()
    keywords = {w for w in _KEYWORD.findall(text) if w not in STOPWORDS and w != kind}
    keywords.update(f"#{n}" for n in _TASK.findall(text))
    return kind, keywords


class OriginParams(NamedTuple):
    """The origin predictor's free choices (its description names the elements, not these)."""

    tf: str = "count"  # a file's tf for a matched type or keyword: count (times together), share
    # (times together / the feature's commits), log (1 + log of times together)
    idf: str = "smooth"  # smooth: log((1 + commits) / (1 + the feature's commits)); none
    type_weight: float = 1.0  # the commit type's match beside one keyword's
    penalty: float = 1.0  # frequency penalty: score / (1 + penalty x log(1 + changes) / log(1 + most changes))
    cooccurrence: float = 1.0  # weight of the Jaccard similarity with each seed, beside the text's (0-1)


PLAIN = OriginParams()
TUNE_COMMITS = 400  # testable commits scored when tuning, the latest of the training part's last quarter
# The values tune_origin tries: every combination (the Jaccard weight only matters with seeds).
GRID: dict[str, tuple[object, ...]] = {
    "tf": ("count", "share", "log"),
    "idf": ("smooth", "none"),
    "type_weight": (0.25, 0.5, 1.0, 2.0, 4.0),
    "penalty": (0.0, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 64.0, 1000.0),
    "cooccurrence": (0.25, 0.5, 1.0, 2.0, 4.0, 8.0),
}


class _FeatureFiles:
    """One type's or keyword's files and the times each changed with it, as numpy arrays in the
    order the files first came (a query reads them whole, without a Python loop over its files)."""

    __slots__ = ("count", "files", "place", "size", "together")

    def __init__(self) -> None:
        self.place: dict[int, int] = {}
        self.files = np.zeros(4, dtype=np.int64)
        self.together = np.zeros(4)
        self.size = 0
        self.count = 0  # the commits with the feature

    def add(self, fid: int) -> None:
        at = self.place.get(fid)
        if at is None:
            if self.size == len(self.files):
                self.files = np.concatenate([self.files, np.zeros(self.size, dtype=np.int64)])
                self.together = np.concatenate([self.together, np.zeros(self.size)])
            at = self.place[fid] = self.size
            self.files[at] = fid
            self.size += 1
        self.together[at] += 1.0


class OriginModel:
    """Origin design 2's model: type -> files, keyword -> files, co-occurrence, frequency.

    Files are numbered as they first come (`paths`, `ids`); the per-file figures a query reads
    are numpy arrays, so a query costs numpy work over the files of its words, not a Python
    step per file."""

    def __init__(self) -> None:
        self.total = 0
        self.paths: list[str] = []
        self.ids: dict[str, int] = {}
        self.frequency: dict[str, int] = {}
        self.types: dict[str, _FeatureFiles] = {}
        self.keywords: dict[str, _FeatureFiles] = {}
        self.cooccurrence: dict[int, dict[int, int]] = {}  # file -> the files it changed with -> times
        self._changes = np.zeros(16, dtype=np.int64)  # frequency by file number
        self._most = 0  # the most changes of a file
        self._log1p = np.zeros(1)  # log1p(k) for k = 0 .. the most changes (math.log1p's values)
        self._order = PathOrder()

    def _id(self, path: str) -> int:
        fid = self.ids.get(path)
        if fid is None:
            fid = self.ids[path] = len(self.paths)
            self.paths.append(path)
            if fid == len(self._changes):
                self._changes = np.concatenate([self._changes, np.zeros(fid, dtype=np.int64)])
        return fid

    def add(self, example: Example) -> None:
        files = example.touched
        self.total += 1
        for f in files:
            changes = self.frequency[f] = self.frequency.get(f, 0) + 1
            fid = self._id(f)  # first: it may grow the array
            self._changes[fid] = changes
            self._most = max(self._most, changes)
        if not files or len(files) > MAX_FILES:
            return
        kind, keywords = origin_features(example.learned_text)
        features = [self.types.setdefault(kind, _FeatureFiles())] if kind else []
        features += [self.keywords.setdefault(k, _FeatureFiles()) for k in keywords]
        ids = [self.ids[f] for f in files]
        for feature in features:
            feature.count += 1
            for fid in ids:
                feature.add(fid)
        for a in ids:
            row = self.cooccurrence.setdefault(a, {})
            for b in ids:
                if a != b:
                    row[b] = row.get(b, 0) + 1

    def _matched(self, query: str) -> list[tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], int, bool]]:
        """The query's commit type and keywords that were seen: for each, its files, the times
        each changed with it, its commits, and whether it is the type."""
        kind, keywords = origin_features(query)
        matches = [(self.types.get(kind), True)] if kind else []
        matches += [(self.keywords.get(k), False) for k in keywords]
        return [
            (feature.files[: feature.size], feature.together[: feature.size], feature.count, is_type)
            for feature, is_type in matches
            if feature is not None and feature.size
        ]

    def _jaccard(self, seeds: Sequence[str], weight: float = 1.0) -> dict[int, float]:
        """Per file: the Jaccard similarity of its changes with each seed's, summed (x weight)."""
        jaccard: dict[int, float] = {}
        for seed in seeds:
            sid = self.ids.get(seed)
            for fid, both in (self.cooccurrence.get(sid, {}) if sid is not None else {}).items():
                union = self.frequency.get(seed, 0) + self.frequency[self.paths[fid]] - both
                jaccard[fid] = jaccard.get(fid, 0.0) + weight * both / union
        return jaccard

    def _shares(self, fids: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """log(1 + changes) / log(1 + most changes) of these files (the frequency penalty's)."""
        if len(self._log1p) <= self._most:
            self._log1p = np.array([math.log1p(k) for k in range(self._most + 1)])
        most = math.log1p(max(self._most, 1))
        if most <= 0:
            return np.zeros(len(fids))
        return np.asarray(self._log1p[self._changes[fids]] / most, dtype=np.float64)

    def reciprocal_ranks(
        self, query: str, seeds: Sequence[str], actual: Collection[str], options: Sequence[OriginParams]
    ) -> npt.NDArray[np.float64]:
        """The reciprocal rank of the first of `actual` in predict(query, seeds, the files changed
        so far, option) for each of `options` (0 when not in its TOP): predict's arithmetic, for
        every option at once, over the files the query's words or the seeds reach."""
        forms = [(tf, idf) for tf in GRID["tf"] for idf in GRID["idf"]]
        matched = self._matched(query)
        jaccard = self._jaccard(seeds)
        result = np.zeros(len(options))
        seed_ids = {self.ids[s] for s in seeds if s in self.ids}
        reached = np.unique(np.concatenate([at for at, _, _, _ in matched] + [np.fromiter(jaccard, dtype=np.int64)]))
        wanted_ids = {self.ids[f] for f in actual if f in self.ids and f not in seeds}
        if not wanted_ids.intersection(reached.tolist()):
            return result
        row_of = np.full(len(self.paths), -1, dtype=np.int64)
        row_of[reached] = np.arange(len(reached))
        type_part = np.zeros((len(reached), len(forms)))
        word_part = np.zeros((len(reached), len(forms)))
        for at, together, commits, is_type in matched:
            smooth = math.log((1 + self.total) / (1 + commits))
            part = type_part if is_type else word_part
            rows = row_of[at]
            for k, (tf, idf) in enumerate(forms):
                values = _tfs(str(tf), together, commits) * (smooth if idf == "smooth" else 1.0)
                np.add.at(part[:, k], rows, values)
        seed_part = np.zeros(len(reached))
        for fid, value in jaccard.items():
            seed_part[row_of[fid]] = value
        # the text part depends on (tf, idf, type weight) alone: once per combination, not per option
        texts = sorted({(o.tf, o.idf, o.type_weight) for o in options}, key=str)
        text_of = np.array([texts.index((o.tf, o.idf, o.type_weight)) for o in options])
        raw = np.column_stack(
            [
                type_part[:, forms.index((tf, idf))] * weight + word_part[:, forms.index((tf, idf))]
                for tf, idf, weight in texts
            ]
        )
        top = raw.max(axis=0)
        text = np.divide(raw, top, out=np.zeros_like(raw), where=top > 0)
        penalties = sorted({o.penalty for o in options})
        penalty_of = np.array([penalties.index(o.penalty) for o in options])
        divisor = 1.0 + self._shares(reached)[:, None] * np.array(penalties)
        keep = np.isin(reached, list(seed_ids), invert=True)  # the seed is never predicted
        text, seed_part, divisor = text[keep], seed_part[keep], divisor[keep]
        files = reached[keep]
        # options by files (each option's files in a row: the counts below read rows)
        weights = np.array([o.cooccurrence for o in options])
        score = (text.T[text_of] + weights[:, None] * seed_part) / divisor.T[penalty_of]
        position = self._order.sync(self.paths)[files]  # ties: by path, as predict sorts
        hits = np.flatnonzero(np.isin(files, list(wanted_ids)))
        wanted_scores = np.where(score[:, hits] > 0, score[:, hits], -np.inf)
        best = wanted_scores.max(axis=1)  # the best-placed actual file's score, per option
        at_best = (score[:, hits] > 0) & (wanted_scores == best[:, None])
        best_position = np.where(at_best, position[hits], len(self.paths)).min(axis=1)
        # a file above the best actual one has a higher score (so a positive one), or the same and an earlier path
        rank = np.count_nonzero(score > best[:, None], axis=1) + 1
        tied = score == best[:, None]
        others = np.flatnonzero(np.count_nonzero(tied, axis=1) > np.count_nonzero(at_best, axis=1))
        if len(others):  # another file has the best actual file's score: the earlier path is above
            rank[others] += np.count_nonzero(tied[others] & (position < best_position[others, None]), axis=1)
        found = np.isfinite(best) & (rank <= TOP)
        result[found] = 1.0 / rank[found]
        return result

    def predict(
        self,
        query: str,
        seeds: Sequence[str],
        candidates: Container[str] | None = None,
        params: OriginParams = PLAIN,
    ) -> list[str]:
        raw = np.zeros(len(self.paths))
        for at, together, commits, is_type in self._matched(
            query
        ):  # in the order of the matches, as a sum per file would
            weight = params.type_weight if is_type else 1.0
            idf = math.log((1 + self.total) / (1 + commits)) if params.idf == "smooth" else 1.0
            np.add.at(raw, at, weight * _tfs(params.tf, together, commits) * idf)
        top = float(raw.max()) if len(raw) else 0.0
        scores = raw / top if top > 0 else np.zeros(len(raw))
        for fid, value in self._jaccard(seeds, params.cooccurrence).items():
            scores[fid] += value
        positive = np.flatnonzero(scores > 0)
        ranked = scores[positive] / (1.0 + params.penalty * self._shares(positive))
        return self._first(positive, ranked, seeds, candidates)

    def _first(
        self,
        fids: npt.NDArray[np.int64],
        ranked: npt.NDArray[np.float64],
        seeds: Sequence[str],
        candidates: Container[str] | None,
    ) -> list[str]:
        """The TOP best-ranked of `fids` that are candidates and no seed, ties by path: whole
        groups of ties sorted by (score, path) in numpy, then walked until TOP are found (a
        large group of equal scores is walked only as far as needed)."""
        places = self._order.sync(self.paths)[fids]
        lowered = -ranked
        order = np.argsort(lowered, kind="stable")
        ordered, lowered = fids[order], lowered[order]
        out: list[str] = []
        start = 0
        while len(out) < TOP and start < len(ordered):
            end = min(start + TOP - len(out), len(ordered))
            end = int(np.searchsorted(lowered, lowered[end - 1], side="right"))  # to the end of its ties
            chunk = np.lexsort((places[order[start:end]], lowered[start:end]))
            for fid in ordered[start:end][chunk].tolist():
                path = self.paths[fid]
                if path not in seeds and (candidates is None or path in candidates):
                    out.append(path)
                    if len(out) == TOP:
                        break
            start = end
        return out


def _tfs(form: str, together: npt.NDArray[np.float64], commits: int) -> npt.NDArray[np.float64]:
    """The tf of a file's times together with a type or keyword, for many files at once: `form`
    count (the times), share (of the feature's commits) or log (1 + log of the times)."""
    if form == "share":
        return together / commits
    if form == "log":
        return np.asarray(1.0 + np.log(together), dtype=np.float64)
    return together


def grid() -> list[OriginParams]:
    """Every combination of GRID's values, in GRID's order."""
    names = list(OriginParams._fields)
    return [
        OriginParams(**dict(zip(names, values, strict=True)))  # type: ignore[arg-type]
        for values in itertools.product(*(GRID[name] for name in names))
    ]


def tune_origin(
    examples: Sequence[Example],
    testable: Callable[[Example], bool],
    share: float = 0.75,
    most: int = TUNE_COMMITS,
) -> OriginParams:
    """The origin predictor's free choices that rank best on `examples` (the training part of a
    history, in time order): learned online from the first `share` of its commits (and from
    those before the last `most` testable ones of the rest, when there are more), each later
    testable commit predicted from its message (and again with its first file as the seed, as
    the evaluation does) under every combination of GRID before it is learned; the combination
    with the highest mean reciprocal rank wins (ties: the first in GRID's order). The candidates
    are the files changed so far. Nothing after `examples` is seen. Fewer than 20 cases to
    validate on: PLAIN."""
    commits = [i for i, e in enumerate(examples) if e.kind == "commit"]
    first = int(len(commits) * share)
    cut = commits[first] if first < len(commits) else len(examples)
    later = [i for i in range(cut, len(examples)) if testable(examples[i])]
    scored = set(later[-most:])
    model = OriginModel()
    for example in examples[:cut]:
        model.add(example)
    options = grid()
    text = sorted({o._replace(cooccurrence=PLAIN.cooccurrence) for o in options}, key=options.index)
    text_of = np.array([text.index(o._replace(cooccurrence=PLAIN.cooccurrence)) for o in options])
    totals = np.zeros(len(options))
    cases = 0
    for i in range(cut, len(examples)):
        example = examples[i]
        if i in scored:
            query = example.query if example.query is not None else example.text
            touched = example.touched
            # without a seed the Jaccard weight changes nothing: each text combination once
            totals += model.reciprocal_ranks(query, [], touched, text)[text_of]
            cases += 1
            if len(touched) > 1:
                totals += model.reciprocal_ranks(query, touched[:1], touched[1:], options)
                cases += 1
        model.add(example)
    if cases < 20:
        return PLAIN
    return options[int(np.argmax(totals))]  # the first of the best


def recency(index: HistoryIndex, seeds: Sequence[str]) -> list[str]:
    """The files that exist, changed most lately first (then most often, then by path)."""
    arrays = index.arrays()
    return _best(index, seeds, arrays.last, arrays.changes)


def frequency(index: HistoryIndex, seeds: Sequence[str]) -> list[str]:
    """The files that exist, changed most often first (then most lately, then by path)."""
    arrays = index.arrays()
    return _best(index, seeds, arrays.changes, arrays.last)


def _best(
    index: HistoryIndex, seeds: Sequence[str], first: npt.NDArray[np.float64], then: npt.NDArray[np.float64]
) -> list[str]:
    """The TOP files that exist (seeds left out) by `first`, then `then`, highest first, then by path."""
    alive = index.alive_mask()
    for seed in seeds:
        if seed in index.ids:
            alive[index.ids[seed]] = False
    fids = np.flatnonzero(alive)
    order = np.lexsort((index.path_places()[fids], -then[fids], -first[fids]))[:TOP]
    return [index.paths[fid] for fid in fids[order].tolist()]


def rose(index: HistoryIndex, seeds: Sequence[str]) -> list[str]:
    """Rules seed -> file: confidence (changes together / the seed's changes), then support."""
    best: dict[int, tuple[float, int]] = {}
    for s in seeds:
        sid = index.ids.get(s)
        if sid is None or not index.count[sid]:
            continue
        for fid, together in index.co.get(sid, {}).items():
            rule = (together / index.count[sid], together)
            if index.alive[fid] and index.paths[fid] not in seeds and rule > best.get(fid, (0.0, 0)):
                best[fid] = rule
    order = sorted(best, key=lambda fid: (-best[fid][0], -best[fid][1], index.paths[fid]))
    return [index.paths[fid] for fid in order[:TOP]]
