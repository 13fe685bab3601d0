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
from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING, NamedTuple

from lessonloop.learn.file_prediction.examples import MAX_FILES, Example
from lessonloop.learn.file_prediction.history_index import HistoryIndex
from lessonloop.learn.file_prediction.text import STOPWORDS

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

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


class OriginModel:
    """Origin design 2's model: type -> files, keyword -> files, co-occurrence, frequency."""

    def __init__(self) -> None:
        self.total = 0
        self.type_files: dict[str, dict[str, int]] = {}
        self.type_df: dict[str, int] = {}
        self.keyword_files: dict[str, dict[str, int]] = {}
        self.keyword_df: dict[str, int] = {}
        self.cooccurrence: dict[str, dict[str, int]] = {}
        self.frequency: dict[str, int] = {}

    def add(self, example: Example) -> None:
        files = example.touched
        self.total += 1
        for f in files:
            self.frequency[f] = self.frequency.get(f, 0) + 1
        if not files or len(files) > MAX_FILES:
            return
        kind, keywords = origin_features(example.learned_text)
        features = [(self.type_files, self.type_df, kind)] if kind else []
        features += [(self.keyword_files, self.keyword_df, k) for k in keywords]
        for table, df, feature in features:
            df[feature] = df.get(feature, 0) + 1
            row = table.setdefault(feature, {})
            for f in files:
                row[f] = row.get(f, 0) + 1
        for a in files:
            row = self.cooccurrence.setdefault(a, {})
            for b in files:
                if a != b:
                    row[b] = row.get(b, 0) + 1

    def _matched(
        self, query: str, files: dict[str, int]
    ) -> list[tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], int, bool]]:
        """The query's commit type and keywords that were seen: for each, its files (numbered in
        `files` as they come), the times each changed with it, its commits, and whether it is the type."""
        import numpy as np

        kind, keywords = origin_features(query)
        matches = [(self.type_files, self.type_df, kind, True)] if kind else []
        matches += [(self.keyword_files, self.keyword_df, k, False) for k in keywords]
        matched = []
        for table, df, feature, is_type in matches:
            row = table.get(feature)
            if not row:
                continue
            at = np.fromiter((files.setdefault(f, len(files)) for f in row), dtype=np.int64, count=len(row))
            matched.append((at, np.fromiter(row.values(), dtype=np.float64, count=len(row)), df[feature], is_type))
        return matched

    def reciprocal_ranks(
        self, query: str, seeds: Sequence[str], actual: Collection[str], options: Sequence[OriginParams]
    ) -> npt.NDArray[np.float64]:
        """The reciprocal rank of the first of `actual` in predict(query, seeds, the files changed
        so far, option) for each of `options` (0 when not in its TOP): predict's arithmetic, for
        every option at once."""
        import numpy as np

        forms = [(tf, idf) for tf in GRID["tf"] for idf in GRID["idf"]]
        files: dict[str, int] = {}
        matched = self._matched(query, files)
        jaccard: dict[int, float] = {}
        for seed in seeds:
            for f, both in self.cooccurrence.get(seed, {}).items():
                fid = files.setdefault(f, len(files))
                union = self.frequency.get(seed, 0) + self.frequency.get(f, 0) - both
                jaccard[fid] = jaccard.get(fid, 0.0) + both / union
        result = np.zeros(len(options))
        wanted = [files[f] for f in actual if f in files and f not in seeds]
        if not wanted:
            return result
        paths = list(files)
        type_part = np.zeros((len(files), len(forms)))
        word_part = np.zeros((len(files), len(forms)))
        for at, together, commits, is_type in matched:
            smooth = math.log((1 + self.total) / (1 + commits))
            part = type_part if is_type else word_part
            for k, (tf, idf) in enumerate(forms):
                values = _tfs(str(tf), together, commits) * (smooth if idf == "smooth" else 1.0)
                np.add.at(part[:, k], at, values)
        seed_part = np.zeros(len(files))
        for hit, value in jaccard.items():
            seed_part[hit] = value
        most = math.log1p(max(self.frequency.values(), default=1))
        share = np.array([math.log1p(self.frequency.get(f, 0)) / most if most > 0 else 0.0 for f in paths])
        eligible = np.array([f not in seeds and f in self.frequency for f in paths])
        form_of = np.array([forms.index((o.tf, o.idf)) for o in options])
        raw = type_part[:, form_of] * np.array([o.type_weight for o in options]) + word_part[:, form_of]
        top = raw.max(axis=0)
        text = np.divide(raw, top, out=np.zeros_like(raw), where=top > 0)
        score = text + seed_part[:, None] * np.array([o.cooccurrence for o in options])
        score = score / (1.0 + share[:, None] * np.array([o.penalty for o in options]))
        valid = eligible[:, None] & (score > 0)
        order = np.argsort(np.array(paths, dtype=object), kind="stable")  # ties: by path, as predict sorts
        position = np.empty(len(paths), dtype=np.int64)
        position[order] = np.arange(len(paths))
        hits = np.array(wanted)
        wanted_scores = np.where(valid[hits], score[hits], -np.inf)
        best = wanted_scores.max(axis=0)  # the best-placed actual file's score, per option
        at_best = valid[hits] & (wanted_scores == best)
        best_position = np.where(at_best, position[hits][:, None], len(paths)).min(axis=0)
        above = valid & ((score > best) | ((score == best) & (position[:, None] < best_position)))
        rank = above.sum(axis=0) + 1
        found = np.isfinite(best) & (rank <= TOP)
        result[found] = 1.0 / rank[found]
        return result

    def predict(
        self,
        query: str,
        seeds: Sequence[str],
        candidates: Collection[str] | None = None,
        params: OriginParams = PLAIN,
    ) -> list[str]:
        import numpy as np

        files: dict[str, int] = {}
        matched = self._matched(query, files)
        raw = np.zeros(len(files))
        for at, together, commits, is_type in matched:  # in the order of the matches, as a sum per file would
            weight = params.type_weight if is_type else 1.0
            idf = math.log((1 + self.total) / (1 + commits)) if params.idf == "smooth" else 1.0
            np.add.at(raw, at, weight * _tfs(params.tf, together, commits) * idf)
        top = float(raw.max()) if len(raw) else 0.0
        text = raw / top if top > 0 else np.zeros(len(files))
        jaccard: dict[int, float] = {}
        for seed in seeds:
            for f, both in self.cooccurrence.get(seed, {}).items():
                fid = files.setdefault(f, len(files))
                union = self.frequency.get(seed, 0) + self.frequency.get(f, 0) - both
                jaccard[fid] = jaccard.get(fid, 0.0) + params.cooccurrence * both / union
        scores = np.zeros(len(files))
        scores[: len(text)] = text
        for fid, value in jaccard.items():
            scores[fid] += value
        if not len(scores):
            return []
        paths = list(files)
        most = math.log1p(max(self.frequency.values(), default=1))
        share = np.array([math.log1p(self.frequency.get(f, 0)) / most if most > 0 else 0.0 for f in paths])
        keep = np.array([f not in seeds and (candidates is None or f in candidates) for f in paths], dtype=bool) & (
            scores > 0
        )
        ranked = scores / (1.0 + params.penalty * share)
        kept = np.flatnonzero(keep)
        by_path = kept[np.argsort(np.array(paths, dtype=object)[kept], kind="stable")]
        order = by_path[np.argsort(-ranked[by_path], kind="stable")]  # best first, ties by path
        return [paths[i] for i in order[:TOP].tolist()]


def _tfs(form: str, together: npt.NDArray[np.float64], commits: int) -> npt.NDArray[np.float64]:
    """The tf of a file's times together with a type or keyword, for many files at once: `form`
    count (the times), share (of the feature's commits) or log (1 + log of the times)."""
    import numpy as np

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
    import numpy as np

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
    order = sorted(
        (fid for fid in range(index.size) if index.alive[fid] and index.paths[fid] not in seeds),
        key=lambda fid: (-index.last[fid], -index.count[fid], index.paths[fid]),
    )
    return [index.paths[fid] for fid in order[:TOP]]


def frequency(index: HistoryIndex, seeds: Sequence[str]) -> list[str]:
    order = sorted(
        (fid for fid in range(index.size) if index.alive[fid] and index.paths[fid] not in seeds),
        key=lambda fid: (-index.count[fid], -index.last[fid], index.paths[fid]),
    )
    return [index.paths[fid] for fid in order[:TOP]]


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
