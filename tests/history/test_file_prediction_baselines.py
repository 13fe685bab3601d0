"""The keyword baseline (origin design 2's predictor) with its free constants: the vectorized
reciprocal ranks tuning uses equal predict()'s, and tuning picks the best-ranking constants from
the training part alone (issue 29, item 1)."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from lessonloop.history.file_prediction import baselines
from lessonloop.history.file_prediction.baselines import PLAIN, OriginModel, OriginParams, grid, tune_origin
from lessonloop.history.file_prediction.evaluation import evaluate
from lessonloop.history.file_prediction.evaluation import testable as is_testable
from lessonloop.history.file_prediction.examples import Example
from tests.conftest import SHARED_CORPUS
from tests.file_prediction_helpers import commit as _commit

BUNDLE = SHARED_CORPUS / "git" / "commitizen.bundle"


def _history(n: int, seed: int = 7) -> list[Example]:
    """Areas with their own words and files, a hot file most commits touch, shared words."""
    rng = random.Random(seed)
    areas = {
        "parser": ("src/parser.py", "tests/test_parser.py", "src/tokens.py"),
        "render": ("src/render.py", "tests/test_render.py", "src/table.py"),
        "config": ("src/config.py", "docs/config.md"),
        "cli": ("src/cli.py", "tests/test_cli.py", "docs/usage.md"),
    }
    kinds = ("fix", "feat", "docs", "refactor", "test")
    out = []
    for i in range(n):
        area = rng.choice(list(areas))
        files = rng.sample(areas[area], rng.randint(1, len(areas[area])))
        if rng.random() < 0.6:
            files.append("CHANGELOG.md")  # the hot file
        words = rng.sample(["handle", "option", "table", "value", "error", "update", "case"], 2)
        out.append(_commit(i, f"{rng.choice(kinds)}({area}): {' '.join(words)} {area} #{i % 9}", *files))
    return out


def test_reciprocal_ranks_equal_predicts_for_every_option() -> None:
    history = _history(160)
    model = OriginModel()
    for example in history[:80]:
        model.add(example)
    options = grid()
    rng = random.Random(3)
    compared = 0
    for example in history[80:]:
        touched = list(example.touched)
        cases: list[tuple[list[str], list[str]]] = [([], touched)]
        cases += [(touched[:1], touched[1:])] if len(touched) > 1 else []
        for seeds, actual in cases:
            sample = rng.sample(options, 40)
            fast = model.reciprocal_ranks(example.text, seeds, actual, sample)
            for option, value in zip(sample, fast, strict=True):
                ranked = model.predict(example.text, seeds, set(model.frequency), option)
                slow = next((1 / rank for rank, path in enumerate(ranked, 1) if path in actual), 0.0)
                assert value == pytest.approx(slow, abs=1e-12), (option, example.text, seeds)
                compared += 1
        model.add(example)
    assert compared > 2_000


def test_tuning_picks_the_best_constants_of_the_training_part(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        baselines,
        "GRID",
        {
            "tf": ("count", "log"),
            "idf": ("smooth",),
            "type_weight": (1.0,),
            "penalty": (0.0, 4.0),
            "cooccurrence": (1.0,),
        },
    )
    history = _history(200)
    chosen = tune_origin(history, lambda e: is_testable(e, False))
    # the same, the slow way: every option's reciprocal ranks summed from predict()
    totals = {}
    for option in grid():
        model = OriginModel()
        cut = 150  # 75% of the 200 commits
        for example in history[:cut]:
            model.add(example)
        total = 0.0
        for example in history[cut:]:
            touched = list(example.touched)
            for seeds, actual in [([], touched)] + ([(touched[:1], touched[1:])] if len(touched) > 1 else []):
                ranked = model.predict(example.text, seeds, set(model.frequency), option)
                total += next((1 / rank for rank, path in enumerate(ranked, 1) if path in actual), 0.0)
            model.add(example)
        totals[option] = total
    best = max(totals.values())
    assert totals[chosen] == pytest.approx(best)
    assert chosen == next(option for option in grid() if totals[option] == pytest.approx(best))  # ties: GRID's order


def test_too_little_history_keeps_the_plain_constants() -> None:
    assert tune_origin(_history(10), lambda e: is_testable(e, False)) == PLAIN
    assert isinstance(PLAIN, OriginParams)


def test_the_evaluation_reports_the_tuned_baseline() -> None:
    result = evaluate(_history(240))
    assert "keywords-tuned" in result.results["message"]["all"]
    data = result.to_json()
    assert set(data["keywords_tuned"]) == set(OriginParams._fields)
    assert data["mrr_ratio_to_keywords_tuned"]["message"]["all"] == pytest.approx(
        result.results["message"]["all"]["model"]["mrr"] / result.results["message"]["all"]["keywords-tuned"]["mrr"]
    )


@pytest.mark.slow
@pytest.mark.skipif(not BUNDLE.is_file(), reason="needs ../shared/corpus/git/commitizen.bundle (the shared corpus)")
def test_tuned_baseline_on_a_real_history_is_at_least_as_good_on_its_training_part(tmp_path: Path) -> None:
    """On commitizen's history the tuned constants rank the held-out part of the training
    history at least as well as the plain ones (they were chosen there)."""
    from lessonloop.history.file_prediction.job import commit_examples
    from lessonloop.history.store import file_models
    from lessonloop.store import open_store

    clone = tmp_path / "cz"
    subprocess.run(["git", "clone", "-q", str(BUNDLE), str(clone)], check=True, capture_output=True)
    db = tmp_path / "store.db"
    done = subprocess.run(
        [sys.executable, "-m", "lessonloop", "ingest", "--git", str(clone), "--db", str(db), "--no-progress"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    conn = open_store(db)
    repo = file_models.repository_id(conn, str(clone))
    assert repo is not None
    examples = sorted(commit_examples(conn, repo)[1], key=lambda e: e.time)
    assert len(examples) > 1_000
    train = examples[: int(len(examples) * 0.8)]
    tuned = tune_origin(train, lambda e: is_testable(e, False))
    options = [PLAIN, tuned]
    commits = [i for i, e in enumerate(train) if e.kind == "commit"]
    cut = commits[int(len(commits) * 0.75)]
    model = OriginModel()
    for example in train[:cut]:
        model.add(example)
    totals = [0.0, 0.0]
    for example in train[cut:]:
        if is_testable(example, False):
            touched = list(example.touched)
            totals = [
                t + v for t, v in zip(totals, model.reciprocal_ranks(example.text, [], touched, options), strict=True)
            ]
        model.add(example)
    assert tuned != PLAIN and totals[1] > totals[0]
