"""File prediction (issue 14, item 3): metrics on hand-computed cases, the time-ordered split,
no peeking at files or history after the predicted commit, the stored model updated
incrementally, and the CLI's `files predict` and `files evaluate --json --predictions` on a real
repository made in a temporary folder."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lessonloop.history.file_prediction import baselines
from lessonloop.history.file_prediction.evaluation import evaluate
from lessonloop.history.file_prediction.examples import Example, FileChange, automated
from lessonloop.history.file_prediction.features import FEATURES, candidate_features
from lessonloop.history.file_prediction.job import update_model
from lessonloop.history.file_prediction.metrics import ndcg_at, precision_at_1, recall_at, reciprocal_rank, scores
from lessonloop.history.file_prediction.model import FilePredictor
from lessonloop.history.git_ingest import ingest_git
from lessonloop.store import open_store
from tests.file_prediction_helpers import commit as _commit
from tests.git_helpers import commit_file, git, git_env, make_repo

# -- metrics ------------------------------------------------------------------------------


def test_metrics_on_a_hand_computed_case() -> None:
    predicted = ["a", "b", "c", "d", "e", "f"]
    actual = {"b", "e", "z"}
    assert reciprocal_rank(predicted, actual) == 0.5
    assert precision_at_1(predicted, actual) == 0.0
    assert recall_at(5, predicted, actual) == pytest.approx(2 / 3)
    assert recall_at(10, predicted, actual) == pytest.approx(2 / 3)
    dcg = 1 / math.log2(3) + 1 / math.log2(6)  # b at rank 2, e at rank 5
    ideal = 1 + 1 / math.log2(3) + 1 / math.log2(4)  # three relevant files at ranks 1..3
    assert ndcg_at(5, predicted, actual) == pytest.approx(dcg / ideal)


def test_metrics_at_the_edges() -> None:
    assert scores(["x"], {"x"}) == {
        "mrr": 1.0,
        "p_at_1": 1.0,
        "recall_at_5": 1.0,
        "recall_at_10": 1.0,
        "ndcg_at_5": 1.0,
    }
    assert scores([], {"x"})["mrr"] == 0.0
    assert reciprocal_rank(["a", "b", "c"], {"c"}) == pytest.approx(1 / 3)
    assert ndcg_at(5, ["a", "x"], {"x"}) == pytest.approx(1 / math.log2(3))
    assert recall_at(1, ["a", "b"], {"a", "b"}) == 0.5


# -- examples ---------------------------------------------------------------------------------


def _history(n: int = 60) -> list[Example]:
    """Two areas (parser, render) with their own words and files, and a docs file."""
    out = []
    for i in range(n):
        if i % 3 == 0:
            out.append(_commit(i, f"fix(parser): handle token case {i}", "src/parser.py", "tests/test_parser.py"))
        elif i % 3 == 1:
            out.append(_commit(i, f"feat(render): draw table {i}", "src/render.py", "tests/test_render.py"))
        else:
            out.append(_commit(i, f"docs: explain usage {i}", "README.md"))
    return out


def test_automated_commits_are_told_apart() -> None:
    assert automated("dependabot[bot]", "build(deps): bump x from 1 to 2")
    assert automated("github-actions", "anything")
    assert automated("Ada", "chore(release): 7.0.0")
    assert automated("Ada", "bump: version 2.1.0 → 2.2.0")
    assert automated("Ada", "1.4.2")
    assert not automated("Ada", "fix(bump): keep the version files in sync")
    assert not automated("Robot Framework Fan", "feat: add a robot")


def test_the_model_learns_words_to_files() -> None:
    model = FilePredictor()
    for example in _history():
        model.add(example)
    top = model.predict("fix(parser): a token is dropped", top=3)
    assert top[0].path in {"src/parser.py", "tests/test_parser.py"}
    assert top[0].reasons  # says why
    seeded = model.ranked_paths("draw a chart", ["src/render.py"], top=2)
    assert seeded[0] == "tests/test_render.py"
    assert "src/render.py" not in seeded  # a seed is given, never predicted


def test_a_saved_model_predicts_the_same() -> None:
    model = FilePredictor()
    for example in _history(90):
        model.add(example)
    again = FilePredictor.from_json(json.loads(json.dumps(model.to_json())))
    for query, seeds in (
        ("fix the parser", []),
        ("render", ["src/render.py"]),
        ("usage docs", []),
        ("fix(parser): a case", []),  # the commit type and scope tables too
        ("docs: a word", []),
    ):
        assert again.ranked_paths(query, seeds) == model.ranked_paths(query, seeds)
    follow = _commit(91, "fix(parser): another", "src/parser.py")
    model.add(follow)
    again.add(follow)
    assert again.ranked_paths("parser") == model.ranked_paths("parser")


# -- no peeking, time order -------------------------------------------------------------------


def test_no_file_created_after_the_commit_is_predicted() -> None:
    history = _history(60)
    created_at = 50
    history[created_at] = _commit(created_at, "fix(parser): add the lexer", "src/lexer.py", "src/parser.py", status="A")
    history.append(_commit(70, "fix(parser): lexer again", "src/lexer.py", "src/parser.py"))
    rows: list[dict[str, Any]] = []
    evaluate(history, split=0.5, sink=rows.append)
    assert rows
    keys = [e.key for e in history]
    for row in rows:
        if keys.index(str(row["commit"])) <= created_at:
            assert "src/lexer.py" not in row["predicted"] + (row["predicted_with_seed"] or []), row
    later = [row for row in rows if row["commit"] == "c0070"]
    assert later and "src/lexer.py" in later[0]["predicted"]  # learned online once it existed


def test_a_deleted_file_is_not_predicted_any_more() -> None:
    model = FilePredictor()
    for example in _history(30):
        model.add(example)
    assert "README.md" in model.ranked_paths("docs: usage")
    model.add(_commit(31, "docs: drop the readme", "README.md", status="D"))
    assert "README.md" not in model.ranked_paths("docs: usage")
    assert "README.md" not in baselines.recency(model.index, [])


def test_a_renamed_file_keeps_its_history_under_its_new_name() -> None:
    model = FilePredictor()
    for example in _history(30):
        model.add(example)
    model.add(
        Example(
            "r", "2024-01-02T00:00:00.000Z", "refactor: move", (FileChange("src/syntax.py", "R100", "src/parser.py"),)
        )
    )
    predicted = model.ranked_paths("fix(parser): handle token", top=3)
    assert "src/syntax.py" in predicted and "src/parser.py" not in predicted


def test_the_split_is_by_time_and_tests_only_later_commits() -> None:
    history = list(reversed(_history(50)))  # given out of order: sorted by time
    history.append(_commit(55, "Merge branch x", "src/parser.py", merge=True))
    history.append(_commit(56, "style: format everything", *(f"src/m{i}.py" for i in range(31))))
    rows: list[dict[str, object]] = []
    result = evaluate(history, split=0.8, sink=rows.append)
    tested = sorted({str(row["commit"]) for row in rows})
    assert result.train_examples == 41  # 41 of the 52 commits (int(52 * 0.8)) train
    assert tested == [f"c{n:04d}" for n in range(41, 50)]  # the merge and the sweep are not tested
    assert result.test_commits == 9
    for row in rows:
        assert set(row) >= {"commit", "query", "seed", "actual", "predicted"}


def test_the_evaluation_reports_every_method_and_the_random_split() -> None:
    history = _history(120) + [_commit(200 + i, f"chore(release): {i}.0.0", "CHANGELOG.md") for i in range(5)]
    history.sort(key=lambda e: e.time)
    result = evaluate(history)
    assert set(result.results["message"]["all"]) == {"model", "keywords", "keywords-tuned", "recency", "frequency"}
    assert set(result.results["seed"]["all"]) == {
        "model",
        "keywords",
        "keywords-tuned",
        "recency",
        "frequency",
        "co-change",
    }
    assert result.counts["message"]["all"] == result.counts["message"]["human"] + result.counts["message"]["automated"]
    assert result.random_split["message"]["all"]["mrr"] > 0
    assert result.results["message"]["all"]["model"]["mrr"] > result.results["message"]["all"]["frequency"]["mrr"]


# -- a real repository, the store and the CLI -------------------------------------------------


def _repository(tmp_path: Path) -> Path:
    repo = make_repo(tmp_path / "repo")
    for i in range(24):
        day = f"2024-03-{1 + i // 2:02d}T1{i % 2}:00:00+00:00"
        if i % 2 == 0:
            commit_file(repo, "app/cli.py", f"# {i}\n", f"feat(cli): add option {i}", date=day)
        else:
            (repo / "docs").mkdir(exist_ok=True)
            (repo / "docs" / "usage.md").write_text(f"{i}\n", encoding="utf-8")
            (repo / "app" / "options.py").write_text(f"{i}\n", encoding="utf-8")
            git(repo, "add", "-A")
            git(repo, "commit", "-q", "-m", f"docs(usage): explain option {i}", date=day)
    return repo


def _lessonloop(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = git_env(tmp_path)
    env.pop("LESSONLOOP_CAPTURE", None)
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    return subprocess.run(
        [sys.executable, "-m", "lessonloop", *args, "--db", str(tmp_path / "store.db")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )


@pytest.mark.slow
def test_cli_evaluate_json_and_predictions_on_a_real_repository(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    out = _lessonloop(tmp_path, "files", "evaluate", "--repo", str(repo), "--json", "--predictions", "preds.jsonl")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["test_commits"] == 5 and data["train_examples"] == 19 and data["online"] is True
    assert set(data["results"]["message"]["all"]) == {"model", "keywords", "keywords-tuned", "recency", "frequency"}
    lines = [json.loads(line) for line in (tmp_path / "preds.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 5  # one line per test commit
    assert sum(line["seed"] is not None for line in lines) == 3  # the three two-file commits
    for line in lines:
        files = git(repo, "show", "--name-only", "--format=", line["commit"]).split()
        assert set(line) == {"commit", "query", "seed", "actual", "predicted", "predicted_with_seed", "automated"}
        assert line["actual"] == files  # git's order
        if len(files) == 1:
            assert line["seed"] is None and line["predicted_with_seed"] is None
        else:
            assert line["seed"] == files[0] and line["predicted_with_seed"]
            assert files[0] not in line["predicted_with_seed"]  # the seed is given, never predicted
        assert line["query"] == git(repo, "log", "-1", "--format=%B", line["commit"]).strip()
        assert line["predicted"]


@pytest.mark.slow
def test_cli_predict_and_the_stored_model_learns_only_what_is_new(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    assert _lessonloop(tmp_path, "ingest", "--git", str(repo)).returncode == 0
    out = _lessonloop(tmp_path, "files", "predict", "docs: explain the option", "-p", str(repo), "--json", "-n", "2")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["learned_now"] == 24 and data["examples"] == 24
    assert data["predictions"][0]["path"] in {"docs/usage.md", "app/options.py"}
    assert all(p["reasons"] for p in data["predictions"])
    again = json.loads(_lessonloop(tmp_path, "files", "predict", "x", "-p", str(repo), "--json").stdout)
    assert again["learned_now"] == 0 and again["examples"] == 24
    commit_file(repo, "app/new_module.py", "x\n", "feat(cli): new module", date="2024-04-01T10:00:00+00:00")
    conn = open_store(tmp_path / "store.db")
    ingest_git(conn, [str(repo)])
    update = update_model(conn, os.path.realpath(repo))
    assert update.learned_now == 1 and update.examples == 25
    seeded = update.model.ranked_paths("feat(cli): more", ["app/cli.py"])
    assert "app/new_module.py" in seeded and "app/cli.py" not in seeded
    text = _lessonloop(tmp_path, "files", "predict", "feat(cli): option", "-p", str(repo))
    assert text.returncode == 0 and "app/cli.py" in text.stdout


@pytest.mark.slow
def test_cli_refuses_what_it_cannot_do(tmp_path: Path) -> None:
    out = _lessonloop(tmp_path, "files", "predict", "anything")
    assert out.returncode == 1 and "no store at" in out.stderr
    open_store(tmp_path / "store.db").close()
    out = _lessonloop(tmp_path, "files", "predict", "anything")
    assert out.returncode == 1 and "ingest --git" in out.stderr
    out = _lessonloop(tmp_path, "files", "evaluate", "--split", "1.5")
    assert out.returncode == 2 and "between 0 and 1" in out.stderr


def test_the_redaction_pass_drops_the_models_to_learn_them_again(tmp_path: Path) -> None:
    from lessonloop.store.redaction_pass import redact_store

    repo = _repository(tmp_path)
    conn = open_store(tmp_path / "store.db")
    ingest_git(conn, [str(repo)])
    assert update_model(conn, os.path.realpath(repo)).learned_now == 24
    assert conn.execute("SELECT count(*) FROM file_models").fetchone()[0] == 1
    redact_store(conn)
    assert conn.execute("SELECT count(*) FROM file_models").fetchone()[0] == 0
    assert update_model(conn, os.path.realpath(repo)).learned_now == 24  # learned again, from the start


# -- seeded prediction ------------------------------------------------------------------------


def test_a_test_file_and_the_file_it_tests_are_paired() -> None:
    from lessonloop.history.file_prediction.text import test_subject

    assert test_subject("tests/test_foo.py") == "foo"
    assert test_subject("pkg/foo_test.go") == "foo"
    assert test_subject("web/foo.spec.ts") == "foo"
    assert test_subject("src/FooTest.java") == "foo"
    assert test_subject("tests/conftest.py") is None
    assert test_subject("src/latest.py") is None
    model = FilePredictor()
    for n in range(120):  # modules changed with their tests, and with another module now and then
        i = n % 40
        other = [f"src/pkg/mod{(i * 7 + n) % 40}.py"] if n % 3 == 0 else []
        model.add(_commit(n, f"feat: change {n}", f"src/pkg/mod{i}.py", f"tests/test_mod{i}.py", *other))
    for i in range(40, 50):  # then modules and tests written apart: no co-change to go by
        model.add(_commit(3 * i, f"feat: module {i}", f"src/pkg/mod{i}.py"))
        model.add(_commit(3 * i + 1, f"test: module {i}", f"tests/test_mod{i}.py"))
    top = model.predict("fix a corner case", ["src/pkg/mod44.py"], top=3)
    assert top[0].path == "tests/test_mod44.py"
    assert any("test of a seed" in reason for reason in top[0].reasons)
    assert model.ranked_paths("fix a corner case", ["tests/test_mod42.py"], top=1) == ["src/pkg/mod42.py"]


def test_seeded_co_change_fades_with_time() -> None:
    """The seed used to change with old.py and lately changes with new.py, as many times each:
    the time-decayed confidence puts new.py first."""
    model = FilePredictor()
    n = 0
    for _ in range(12):
        model.add(_commit(n, "change the core", "lib/core.py", "lib/old.py"))
        n += 1
    for i in range(150):  # time passes
        model.add(_commit(n, f"unrelated work {i}", f"other/x{i % 40}.py"))
        n += 1
    for _ in range(12):
        model.add(_commit(n, "change the core", "lib/core.py", "lib/new.py"))
        n += 1
    index = model.index
    assert index.co[index.ids["lib/core.py"]][index.ids["lib/old.py"]] == 12  # the plain counts tie
    assert index.co[index.ids["lib/core.py"]][index.ids["lib/new.py"]] == 12
    ranked = model.ranked_paths("change the core", ["lib/core.py"], top=2)
    assert ranked[0] == "lib/new.py"


def test_seeded_features_follow_a_rename_and_survive_saving() -> None:
    model = FilePredictor()
    for i in range(20):
        model.add(_commit(i, f"tune the engine {i}", "src/engine.py", "src/fuel.py"))
    model.add(
        Example(
            "r", "2024-01-02T00:00:00.000Z", "refactor: move", (FileChange("src/motor.py", "R100", "src/engine.py"),)
        )
    )
    assert model.ranked_paths("tune", ["src/fuel.py"], top=1) == ["src/motor.py"]
    again = FilePredictor.from_json(json.loads(json.dumps(model.to_json())))
    assert again.ranked_paths("tune", ["src/fuel.py"]) == model.ranked_paths("tune", ["src/fuel.py"])
    assert again.ranked_paths("tune", ["src/motor.py"]) == model.ranked_paths("tune", ["src/motor.py"])


def test_commit_type_and_scope() -> None:
    from lessonloop.history.file_prediction.history_index import commit_kind

    assert commit_kind("fix(parser): handle x") == ("fix", "parser")
    assert commit_kind("Docs: a word") == ("docs", None)
    assert commit_kind("feat(CLI)!: breaking") == ("feat", "cli")
    assert commit_kind("Add a parser") == (None, None)
    assert commit_kind("see: http://x") == ("see", None)  # any word before a colon, as the convention allows


def test_the_share_of_a_type_and_a_scope_that_changed_each_file() -> None:
    model = FilePredictor()
    for example in (
        _commit(1, "docs: explain usage", "README.md"),
        _commit(2, "docs: a guide", "README.md", "docs/guide.md"),
        _commit(3, "docs(api): the endpoints", "docs/api.md"),
        _commit(4, "fix(parser): a case", "src/parser.py", "tests/test_parser.py"),
        _commit(5, "fix(parser): another", "src/parser.py"),
        _commit(6, "no convention here", "src/parser.py"),
    ):
        model.add(example)
    ids = model.index.ids
    kinds, scopes = model.index.kind_shares("docs(parser): mention the new flag")
    assert kinds[ids["README.md"]] == 2 / 3 and kinds[ids["docs/guide.md"]] == 1 / 3
    assert kinds[ids["src/parser.py"]] == 0.0
    assert scopes[ids["src/parser.py"]] == 1.0 and scopes[ids["tests/test_parser.py"]] == 0.5
    assert not scopes[ids["README.md"]]
    none, nothing = model.index.kind_shares("mention the new flag")  # no type: no signal
    assert not none.any() and not nothing.any()
    cands = candidate_features(model.index, ["mention"], [], "docs(parser): mention")
    row = {int(f): i for i, f in enumerate(cands.ids)}
    column = cands.matrix[:, FEATURES.index("kind_share")]
    assert column[row[ids["README.md"]]] == 2 / 3


def test_a_long_history_learned_at_once_keeps_rows_for_its_tail_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from lessonloop.history.file_prediction import model as model_module

    monkeypatch.setattr(model_module, "WARM", 50)
    predicted: list[str] = []
    keep = FilePredictor._keep_rows

    def counted(self: FilePredictor, mode: str, query: str, seeds: list[str], actual: set[str]) -> None:
        predicted.append(query)
        keep(self, mode, query, seeds, actual)

    monkeypatch.setattr(FilePredictor, "_keep_rows", counted)
    history = _history(300)
    model = FilePredictor()
    model.learn_all(history)
    assert model.index.events == 300  # every example's words, files and co-changes learned
    assert set(predicted) == {e.text for e in history[-50:]}  # only the last WARM were predicted
    assert model.fitted["query"] > 0  # and the weights were fit on them


def test_a_renamed_file_keeps_what_its_type_and_scope_said() -> None:
    model = FilePredictor()
    for example in (
        _commit(1, "fix(parser): a case", "src/parser.py"),
        _commit(2, "fix(parser): another", "src/parser.py", "tests/test_parser.py"),
    ):
        model.add(example)
    model.add(
        Example(
            "r", "2024-01-02T00:00:00.000Z", "refactor: move", (FileChange("src/syntax.py", "R100", "src/parser.py"),)
        )
    )
    ids = model.index.ids
    kinds, scopes = model.index.kind_shares("fix(parser): a third")
    assert kinds[ids["src/syntax.py"]] == 1.0 and scopes[ids["src/syntax.py"]] == 1.0  # followed the rename
    assert kinds[ids["src/parser.py"]] == 0.0  # the old name, renamed away, keeps nothing
