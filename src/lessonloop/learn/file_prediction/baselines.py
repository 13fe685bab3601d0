"""The baselines the model is measured against, in the same run, on the same history.

- origin: origin design 2's file predictor (docs/origins/2-ml-data-collection.md), re-implemented
  from its description: features of a message (conventional-commit type, task references such as
  "#42", its keywords: action verbs and module words alike), counts of files per type and per
  keyword, a file co-occurrence matrix, file frequencies; TF-IDF-style scoring of type and
  keyword matches, Jaccard similarity with the seed files added, and a frequency penalty. The
  description gives no constants; those below are the plain choices, not tuned on any data.
- recency: the files changed most lately first.
- frequency: the files changed most often first.
- rose: ROSE-style association rules from the seed files (Zimmermann et al., "Mining version
  histories to guide software changes"): seed -> file ranked by confidence, then support. Only
  with seeds.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence

from lessonloop.learn.file_prediction.examples import MAX_FILES, Example
from lessonloop.learn.file_prediction.history_index import HistoryIndex
from lessonloop.learn.file_prediction.text import STOPWORDS

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

    def predict(self, query: str, seeds: Sequence[str], candidates: Collection[str] | None = None) -> list[str]:
        kind, keywords = origin_features(query)
        raw: dict[str, float] = {}
        matches = [(self.type_files, self.type_df, kind)] if kind else []
        matches += [(self.keyword_files, self.keyword_df, k) for k in keywords]
        for table, df, feature in matches:
            row = table.get(feature)
            if not row:
                continue
            idf = math.log((1 + self.total) / (1 + df[feature]))
            for f, n in row.items():
                raw[f] = raw.get(f, 0.0) + n * idf  # tf (times together) x idf
        top = max(raw.values(), default=0.0)
        scores = {f: s / top for f, s in raw.items()} if top > 0 else {}
        for seed in seeds:
            for f, both in self.cooccurrence.get(seed, {}).items():
                union = self.frequency.get(seed, 0) + self.frequency.get(f, 0) - both
                scores[f] = scores.get(f, 0.0) + both / union  # Jaccard
        most = math.log1p(max(self.frequency.values(), default=1))
        ranked = []
        for f, s in scores.items():
            if f in seeds or (candidates is not None and f not in candidates) or s <= 0:
                continue
            penalty = 1.0 / (1.0 + math.log1p(self.frequency.get(f, 0)) / most) if most > 0 else 1.0
            ranked.append((-s * penalty, f))
        ranked.sort()
        return [f for _, f in ranked[:TOP]]


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
