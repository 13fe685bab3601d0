"""The words of the code a change touched (history/file_prediction/code_words.py) and the model's
code_words feature: a task that describes what the code does finds the file whose changes
touched code that says it, though no past message used those words."""

from __future__ import annotations

import json

from lessonloop.history.file_prediction.code_words import MAX_CHARS, MAX_WORDS, changed_words
from lessonloop.history.file_prediction.examples import Example, FileChange
from lessonloop.history.file_prediction.history_index import HistoryIndex
from lessonloop.history.file_prediction.model import FilePredictor
from lessonloop.history.file_prediction.symbols import defined_names
from lessonloop.history.file_prediction.text import words


def _commit(n: int, text: str, code: dict[str, str], status: str = "M", old: str | None = None) -> Example:
    return Example(
        key=f"c{n:04d}",
        time=f"2024-01-01T00:{n // 60 % 60:02d}:{n % 60:02d}.000Z",
        text=text,
        files=tuple(FileChange(path, status, old) for path in code),
        code=tuple((path, changed_words([hunk])) for path, hunk in code.items()),
    )


def test_the_words_of_a_hunk_split_stemmed_and_once_each() -> None:
    hunk = "@@ -1,3 +1,4 @@ def render_table(rows):\n     width = max_width(rows)\n+    spinner.start()\n-    Spinner.stop()"
    expected = words("def render_table rows width max_width rows spinner start Spinner stop")
    assert changed_words([hunk]) == tuple(dict.fromkeys(expected))
    assert "render" in expected and "spinner" in expected and expected.count("spinner") == 2


def test_a_long_diff_is_read_no_further_than_its_caps() -> None:
    many = "\n".join(f"+name_{i:05d} = word{i}x" for i in range(5000))
    assert len(changed_words([many])) <= MAX_WORDS
    late = "+" + "a = b\n+" * (MAX_CHARS // 6) + "latecomer = 1"
    assert "latecomer" not in changed_words([late])
    assert "latecomer" in changed_words(["+latecomer = 1"])
    # a second hunk past the budget is not read either, for names as for words
    assert "latecomer" not in changed_words([late[:-14], "+latecomer = 1"])
    head = "@@ -0,0 +1 @@\n"
    assert defined_names([head + "+def early(): pass", head + "+x\n" * MAX_CHARS + "+def late(): pass"]) == ("early",)
    assert defined_names([head + "+def early(): pass", head + "+def late(): pass"]) == ("early", "late")


def test_a_task_worded_like_the_code_finds_its_file() -> None:
    # twelve modules, each with code of its own words; each commit's message names one word of
    # its module's code, so the weights learn that a task's words in a file's code count
    vocab = {m: [f"{chr(97 + m)}{chr(97 + k)}{chr(107 + m)}word" for k in range(12)] for m in range(12)}
    model = FilePredictor()
    for i in range(240):
        m = i * 7 % 12
        code = "\n".join(f"+{name} = 1" for name in vocab[m])
        model.add(_commit(i, f"change {vocab[m][i % 11]}", {f"src/mod{m}.py": code, "src/shared.py": "+x = 1"}))
    assert model.fitted["query"] > 0
    unused = vocab[3][11]  # in the code of src/mod3.py, in no message
    index = model.index
    assert not index.document_scores(words(unused)).any()
    scores = index.code_scores(words(unused))
    assert scores[index.ids["src/mod3.py"]] > 0 and not scores[index.ids["src/mod4.py"]]
    assert model.ranked_paths(f"rename {unused}")[0] == "src/mod3.py"
    again = FilePredictor.from_json(json.loads(json.dumps(model.to_json())))
    assert again.index.code == index.code
    assert again.ranked_paths(f"rename {unused}") == model.ranked_paths(f"rename {unused}")


def test_a_renamed_file_keeps_the_words_of_its_code() -> None:
    index = HistoryIndex()
    index.add(_commit(0, "add", {"src/old.py": "+def wrap_title(): pass"}, status="A"))
    index.add(_commit(1, "move", {"src/new.py": ""}, status="R100", old="src/old.py"))
    scores = index.code_scores(words("wrap the title"))
    assert scores[index.ids["src/new.py"]] > 0
    assert not index.alive[index.ids["src/old.py"]]
