"""A time-ordered evaluation of the model and the baselines on one history (docs/files.md).

The examples are taken in time order. The first `split` of the commits (with the chats of that
time) train; each later commit is a test case: predicted from its message (or from the prompts
that asked for it, when it has them) and again with its first file as the seed, by every method
from the same history, and only then learned (online: every method learns each test commit
after predicting it, so a prediction uses exactly the history before its commit, no later one).
Merges and commits of more than MAX_FILES files are learned but never tested. A file that did
not exist before the commit is never predicted (the candidates are the files that exist then),
yet counts among the files it touched. The keyword baseline is measured twice: with its plain
constants, and with the constants tune_origin finds best on the training part alone (the
stronger version, the one the model must beat). Human and automated commits (bots, release notes,
version bumps: examples.automated) are reported apart. Beside it, the origin design's own
protocol: the origin model on a random 20% of the commits, trained on all the others (later
ones included), which is how its published figure was measured.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from lessonloop.history.file_prediction import baselines
from lessonloop.history.file_prediction.examples import MAX_FILES, Example, automated
from lessonloop.history.file_prediction.history_index import HistoryIndex
from lessonloop.history.file_prediction.listwise import one_blas_thread
from lessonloop.history.file_prediction.metrics import mean, scores
from lessonloop.history.file_prediction.model import WARM, FilePredictor

METHODS = ("model", "keywords", "keywords-tuned", "recency", "frequency", "co-change")
MODES = ("message", "seed")
GROUPS = ("all", "human", "automated")
PredictionSink = Callable[[dict[str, Any]], None]
SHOWN = 20  # paths of a ranking written to --predictions


@dataclass(slots=True)
class Evaluation:
    split: float
    examples: int
    train_examples: int
    test_commits: int
    results: dict[str, dict[str, dict[str, dict[str, float]]]]  # mode -> group -> method -> metric
    counts: dict[str, dict[str, int]]  # mode -> group -> test cases
    random_split: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)  # mode -> group -> metric
    random_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    tuned: baselines.OriginParams = baselines.PLAIN  # keywords-tuned's choices, tuned on the training part

    def ratio(self, mode: str = "message", group: str = "all", baseline: str = "keywords") -> float | None:
        base = self.results[mode][group].get(baseline)
        model = self.results[mode][group].get("model")
        if not base or not model or base["mrr"] == 0:
            return None
        return model["mrr"] / base["mrr"]

    def to_json(self) -> dict[str, Any]:
        return {
            "split": self.split,
            "examples": self.examples,
            "train_examples": self.train_examples,
            "test_commits": self.test_commits,
            "online": True,
            "results": self.results,
            "counts": self.counts,
            "mrr_ratio_to_keywords": {mode: {group: self.ratio(mode, group) for group in GROUPS} for mode in MODES},
            "mrr_ratio_to_keywords_tuned": {
                mode: {group: self.ratio(mode, group, "keywords-tuned") for group in GROUPS} for mode in MODES
            },
            "keywords_tuned": self.tuned._asdict(),
            "keywords_random_split": {"test_share": 0.2, "results": self.random_split, "counts": self.random_counts},
        }


def testable(example: Example, prompts_only: bool) -> bool:
    return (
        example.kind == "commit"
        and not example.is_merge
        and 0 < len(example.touched) <= MAX_FILES
        and (example.query is not None or not prompts_only)
    )


def _cut(examples: Sequence[Example], split: float, prompts_only: bool) -> int:
    """The position of the first example after the training share of the commits (of the
    commits with prompts, when only those are tested)."""
    commits = [i for i, e in enumerate(examples) if e.kind == "commit" and (e.query is not None or not prompts_only)]
    if not commits:
        return len(examples)
    trained = int(len(commits) * split)
    return commits[trained] if trained < len(commits) else len(examples)


def evaluate(
    examples: Sequence[Example],
    split: float = 0.8,
    sink: PredictionSink | None = None,
    prompts_only: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Evaluation:
    """Train on the examples before the cut, test each testable commit after it (see above).
    `prompts_only`: test only the commits with prompts (their query)."""
    with one_blas_thread():
        return _evaluate(examples, split, sink, prompts_only, progress)


def _evaluate(
    examples: Sequence[Example],
    split: float,
    sink: PredictionSink | None,
    prompts_only: bool,
    progress: Callable[[int, int], None] | None,
) -> Evaluation:
    ordered = sorted(examples, key=lambda e: e.time)
    cut = _cut(ordered, split, prompts_only)
    model = FilePredictor()
    origin = baselines.OriginModel()
    first_rows = max(0, cut - WARM)  # the training part learned as a first `files predict` learns it
    for i, example in enumerate(ordered[:cut]):
        model.add(example, learn_weights=i >= first_rows)
        origin.add(example)
        if progress is not None:
            progress(i + 1, len(ordered))
    tuned = baselines.tune_origin(ordered[:cut], lambda e: testable(e, prompts_only))
    rows: dict[tuple[str, str, str], list[dict[str, float]]] = {}
    tested = 0
    for i, example in enumerate(ordered[cut:], start=cut):
        if testable(example, prompts_only):
            tested += 1
            _test(example, model, origin, tuned, rows, sink)
        model.add(example)
        origin.add(example)
        if progress is not None:
            progress(i + 1, len(ordered))
    results = {
        mode: {
            group: {m: mean(rows[(mode, group, m)]) for m in METHODS if rows.get((mode, group, m))} for group in GROUPS
        }
        for mode in MODES
    }
    counts = {mode: {group: len(rows.get((mode, group, "model"), [])) for group in GROUPS} for mode in MODES}
    random_results, random_counts = origin_random_split(ordered, prompts_only)
    return Evaluation(split, len(ordered), cut, tested, results, counts, random_results, random_counts, tuned)


def _test(
    example: Example,
    model: FilePredictor,
    origin: baselines.OriginModel,
    tuned: baselines.OriginParams,
    rows: dict[tuple[str, str, str], list[dict[str, float]]],
    sink: PredictionSink | None,
) -> None:
    query = example.query if example.query is not None else example.text
    touched = example.touched
    group = "automated" if example.query is None and automated(example.author, example.text) else "human"
    alive = _Living(model.index)
    cases: list[tuple[str, list[str], list[str]]] = [("message", [], touched)]
    if len(touched) > 1:
        cases.append(("seed", touched[:1], touched[1:]))
    ranked: dict[str, list[str]] = {}
    for mode, seeds, actual in cases:
        predicted = {
            "model": model.ranked_paths(query, seeds),
            "keywords": origin.predict(query, seeds, alive),
            "keywords-tuned": origin.predict(query, seeds, alive, tuned),
            "recency": baselines.recency(model.index, seeds),
            "frequency": baselines.frequency(model.index, seeds),
        }
        if seeds:
            predicted["co-change"] = baselines.rose(model.index, seeds)
        for method, paths in predicted.items():
            result = scores(paths, set(actual))
            rows.setdefault((mode, "all", method), []).append(result)
            rows.setdefault((mode, group, method), []).append(result)
        ranked[mode] = predicted["model"][:SHOWN]
    if sink is not None:
        sink(
            {
                "commit": example.key,
                "query": query,
                "seed": touched[0] if len(touched) > 1 else None,
                "actual": touched,
                "predicted": ranked["message"],
                "predicted_with_seed": ranked.get("seed"),
                "automated": group == "automated",
            }
        )


class _Living:
    """The files that exist now in a history, as a container (the keyword baseline's candidates):
    asked of the few files it ranks first, not built from every file for each test commit."""

    def __init__(self, index: HistoryIndex) -> None:
        self.index = index

    def __contains__(self, path: object) -> bool:
        fid = self.index.ids.get(path) if isinstance(path, str) else None
        return fid is not None and self.index.alive[fid]


def origin_random_split(
    ordered: Sequence[Example], prompts_only: bool, test_share: float = 0.2, seed: int = 0
) -> tuple[dict[str, dict[str, dict[str, float]]], dict[str, dict[str, int]]]:
    """The origin's own protocol: a random `test_share` of the testable commits, the model
    trained on every other example (before and after them), no notion of time."""
    candidates = [i for i, e in enumerate(ordered) if testable(e, prompts_only)]
    rng = random.Random(seed)
    test = set(rng.sample(candidates, int(len(candidates) * test_share)))
    origin = baselines.OriginModel()
    for i, example in enumerate(ordered):
        if i not in test:
            origin.add(example)
    rows: dict[tuple[str, str], list[dict[str, float]]] = {}
    for i in sorted(test):
        example = ordered[i]
        query = example.query if example.query is not None else example.text
        group = "automated" if example.query is None and automated(example.author, example.text) else "human"
        touched = example.touched
        cases: list[tuple[str, list[str], list[str]]] = [("message", [], touched)] + (
            [("seed", touched[:1], touched[1:])] if len(touched) > 1 else []
        )
        for mode, seeds, actual in cases:
            result = scores(origin.predict(query, seeds), set(actual))
            rows.setdefault((mode, "all"), []).append(result)
            rows.setdefault((mode, group), []).append(result)
    results = {mode: {g: mean(rows[(mode, g)]) for g in GROUPS if rows.get((mode, g))} for mode in MODES}
    counts = {mode: {g: len(rows.get((mode, g), [])) for g in GROUPS} for mode in MODES}
    return results, counts
