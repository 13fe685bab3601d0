"""The names a change defines or works inside (history/file_prediction/symbols.py), and the model's
symbol feature: a task that spells out a name finds the file whose changes defined it."""

from __future__ import annotations

import json

from lessonloop.history.file_prediction.model import FilePredictor
from lessonloop.history.file_prediction.symbols import MAX_NAMES, defined_names
from tests.file_prediction_helpers import commit as _commit


def test_definitions_of_the_common_languages() -> None:
    python = (
        "def bump(self):\n+    def parse_args(argv):\n+class CargoProvider(Provider):\n-async def fetch(url):\n context"
    )
    assert defined_names([python]) == ("bump", "parse_args", "CargoProvider", "fetch")
    javascript = "function render() {\n+export function drawTable(rows) {\n+  class Chart extends Base {"
    assert defined_names([javascript]) == ("render", "drawTable", "Chart")
    go = "func (s *Server) Start() error {\n+func (c *Client) Close() error {\n+type Config struct {"
    assert defined_names([go]) == ("Start", "Close", "Config")
    rust = "impl Parser {\n+    pub fn parse_line(&self) -> Line {\n+pub struct Token {\n+enum Kind {"
    assert defined_names([rust]) == ("Parser", "parse_line", "Token", "Kind")


def test_only_changed_lines_and_the_header_count() -> None:
    hunk = "@@ context\n def unchanged():\n+x = 1"
    assert defined_names([hunk]) == ()  # a context line defines nothing this change made


def test_a_generated_file_is_cut_short() -> None:
    hunk = "\n" + "\n".join(f"+def f{i}(): pass" for i in range(500))
    assert len(defined_names([hunk])) == MAX_NAMES


def test_a_task_naming_a_function_finds_its_file_and_a_saved_model_agrees() -> None:
    model = FilePredictor()
    history = [_commit(0, "feat: add the helpers", "src/helpers.py", symbols=(("src/helpers.py", ("merge_options",)),))]
    history += [_commit(i, f"fix: handle case {i}", "src/core.py", "src/other.py") for i in range(1, 40)]
    for example in history:
        model.add(example)
    scores = model.index.symbol_scores("fix merge_options when empty")
    assert scores[model.index.ids["src/helpers.py"]] > 0
    assert not scores[model.index.ids["src/core.py"]]
    assert not model.index.symbol_scores("merge the options").any()  # words, not the name
    again = FilePredictor.from_json(json.loads(json.dumps(model.to_json())))
    query = "fix merge_options when empty"
    assert again.ranked_paths(query) == model.ranked_paths(query)
