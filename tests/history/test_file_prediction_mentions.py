"""A task that names a file (its path, its name, a dotted or slashed part of a token) and the
listwise fit of the ranking weights (history/file_prediction/listwise.py)."""

from __future__ import annotations

import numpy as np

from lessonloop.history.file_prediction.features import FEATURES, _reason, candidate_features
from lessonloop.history.file_prediction.history_index import HistoryIndex
from lessonloop.history.file_prediction.listwise import fit_listwise
from lessonloop.history.file_prediction.model import FilePredictor
from lessonloop.history.file_prediction.text import words
from tests.file_prediction_helpers import commit as _commit

FILES = (
    "AGENTS.md",
    "docs/exit_codes.md",
    "src/store/run_reader.py",
    "tests/test_learning_loop.py",
    "src/a/conftest.py",
    "src/b/conftest.py",
    ".taplo.toml",
    "src/core.py",
)


def _index() -> HistoryIndex:
    index = HistoryIndex()
    index.add(_commit(0, "feat: the start", *FILES, status="A"))
    return index


def _named(index: HistoryIndex, text: str) -> tuple[dict[str, float], dict[str, float]]:
    paths, stems = index.mention_scores(text)
    return (
        {p: float(paths[index.ids[p]]) for p in FILES if paths[index.ids[p]]},
        {p: float(stems[index.ids[p]]) for p in FILES if stems[index.ids[p]]},
    )


def test_a_path_or_a_name_with_its_extension() -> None:
    index = _index()
    assert _named(index, "docs: update AGENTS.md with CI guidance")[0] == {"AGENTS.md": 1.0}
    assert _named(index, "see docs/exit_codes.md: the codes")[0] == {"docs/exit_codes.md": 1.0}
    # a folder given, the extension left out: the end of the path without it
    assert _named(index, "tests/test_learning_loop: one loop")[0] == {"tests/test_learning_loop.py": 1.0}
    # a folder that is not the file's: nothing
    assert _named(index, "other/exit_codes.md")[0] == {}


def test_a_bare_name_as_a_whole_token_or_a_dotted_part() -> None:
    index = _index()
    assert _named(index, "docs(exit_codes): note the order")[1] == {"docs/exit_codes.md": 1.0}
    assert _named(index, "store/run_reader.command_history reads 500 runs")[1] == {"src/store/run_reader.py": 1.0}
    assert _named(index, "ci(taplo): format the toml")[1] == {".taplo.toml": 1.0}
    # two files of one name share it
    assert _named(index, "conftest: a fixture")[1] == {"src/a/conftest.py": 0.5, "src/b/conftest.py": 0.5}
    # part of a longer word is no mention; short names are not read
    assert _named(index, "the corewriter and cor")[1] == {}


def test_a_name_said_as_words_in_its_order() -> None:
    index = _index()
    index.add(_commit(1, "test: patch selection", "tests/test_git_patch_selection.py", "src/git_patch.py", status="A"))
    test, module = index.ids["tests/test_git_patch_selection.py"], index.ids["src/git_patch.py"]
    said = index.mention_scores("tests: the git patch-selection equality test")[1]
    assert said[test] == 1.0  # what the test tests, said as words in its order
    assert said[module] == 1.0  # "git patch" said too
    other_order = index.mention_scores("selection of the git patch")[1]
    assert not other_order[test] and other_order[module] == 1.0


def test_a_deleted_file_is_not_named() -> None:
    index = _index()
    index.add(_commit(1, "chore: drop the agents file", "AGENTS.md", status="D"))
    assert _named(index, "AGENTS.md")[0] == {}


def test_the_named_file_is_ranked_first_once_the_weights_learn_it() -> None:
    rng = np.random.default_rng(1)
    model = FilePredictor()
    names = [f"src/mod{i}/part_{chr(97 + i)}{chr(98 + i)}.py" for i in range(12)]
    for i in range(150):  # each commit names the file it changes, with another at random
        target, other = rng.choice(len(names), size=2, replace=False)
        stem = names[target].rsplit("/", 1)[-1].removesuffix(".py")
        model.add(_commit(i, f"change {stem} again", names[target], names[other]))
    assert model.fitted["query"] > 0
    w = model.weights["query"]
    plain = len(FEATURES) - 1
    at = FEATURES.index("named_stem")
    assert w[at] + w[plain + at] > 0  # named: its plain and square-root weights together

    for name in names:
        stem = name.rsplit("/", 1)[-1].removesuffix(".py")
        assert model.ranked_paths(f"tidy {stem}")[0] == name


def test_the_listwise_fit_ranks_the_touched_first_and_keeps_the_bias() -> None:
    rng = np.random.default_rng(0)
    lists = []
    for _ in range(60):
        x = np.column_stack([rng.random(10), rng.random(10), np.ones(10)])
        y = np.zeros(10)
        y[int(np.argmax(x[:, 0]))] = 1.0  # the first column says which was touched; the second is noise
        lists.append((x, y))
    lists.append((np.column_stack([rng.random(5), rng.random(5), np.ones(5)]), np.zeros(5)))  # nothing touched
    w = fit_listwise(lists, start=np.array([0.0, 0.0, -3.0]))
    assert w[0] > 5 * abs(w[1])
    assert w[2] == -3.0
    assert fit_listwise([], start=np.array([1.0, 2.0])).tolist() == [1.0, 2.0]


def test_every_feature_has_its_own_reason() -> None:
    model = FilePredictor()
    history = [
        _commit(
            0,
            "feat(parser): add merge_options",
            "src/parser.py",
            "tests/test_parser.py",
            symbols=(("src/parser.py", ("merge_options",)),),
        ),
        _commit(1, "fix(parser): merge_options drops keys", "src/parser.py", "src/keys.py"),
    ]
    for example in history:
        model.add(example)
    cands = candidate_features(
        model.index,
        words("fix(parser): merge_options in parser.py"),
        ["src/keys.py"],
        "fix(parser): merge_options in parser.py",
    )
    fallback = "in or near the folder of a seed file"
    for name in FEATURES[:-1]:
        reason = _reason(model.index, cands, model.index.ids["src/parser.py"], name)
        assert reason and (reason != fallback or name in ("seed_folder", "seed_proximity")), name
    assert _reason(model.index, cands, model.index.ids["src/parser.py"], "symbol_words").endswith("merge_options")
    assert "'fix' commits" in _reason(model.index, cands, model.index.ids["src/parser.py"], "kind_share")
    assert "'parser' commits" in _reason(model.index, cands, model.index.ids["src/parser.py"], "scope_lift")
