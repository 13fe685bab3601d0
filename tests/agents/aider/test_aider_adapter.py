"""The Aider adapter: a chat history (.aider.chat.history.md) through the real CLI and store."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHARED_CORPUS, cli, dump_store, store_differences
from tests.counting.aider_count import count

AIDER_CORPUS = SHARED_CORPUS / "aider" / "aider-dev" / "chat-history.md"

SESSION_ONE = """
# aider chat started at 2024-08-05 10:00:00

> Aider v0.48.2-dev
> Main model: claude-3-5-sonnet-20240620 with diff edit format, prompt cache, infinite output
> Git repo: .git with 303 files

#### add a greeting to app.py
####
#### and a new file notes.md

I'll add it.

app.py
```python
<<<<<<< SEARCH
def main():
    pass
=======
def main():
    print("hello")
>>>>>>> REPLACE
```

notes.md
```
<<<<<<< SEARCH
=======
# Notes
>>>>>>> REPLACE
```

> Tokens: 2.3k sent, 1.1k cache write, 512 cache hit, 120 received. Cost: $0.01 message, $0.02 session.
> Applied edit to app.py
> Applied edit to notes.md
> Commit 0a25f61 feat: greet
> You can use /undo to undo and discard each aider commit.

#### fix the test

tests/test_app.py
```python
<<<<<<< SEARCH
assert nothing
=======
assert main() is None
>>>>>>> REPLACE
```

> Tokens: 12,345 sent, 1,024 received. Cost: $0.05 request, $0.07 session.
> The LLM did not conform to the edit format.
> https://aider.chat/docs/troubleshooting/edit-errors.html
> # 1 SEARCH/REPLACE block failed to match!
>
> ## SearchReplaceNoExactMatch: This SEARCH block failed to exactly match lines in tests/test_app.py
> <<<<<<< SEARCH
> assert nothing
> =======
> assert main() is None
> >>>>>>> REPLACE

#### /run pytest -q
> F                                                                        [100%]
=================================== FAILURES ===================================
1 failed in 0.01s
> Add the output to the chat? n

#### /test pytest -q
> F                                                                        [100%]
1 failed in 0.01s
> Added 2 lines of output to the chat.

The test fails because main returns None.

> Tokens: 1M sent, 2 received.

#### /undo
> Removed: 0a25f61 feat: greet
> Now at:  1234567 init

> # Fix any errors below, if possible.
>
> ## Running: /repo/tmp.lint.sh app.py
>
> app.py:1:1: F401 unused import
> Fix lint errors in /repo/app.py? y

#### # Fix any errors below, if possible.
####
#### app.py:1:1: F401 unused import

Removing it.

> ^C again to exit
> ^C KeyboardInterrupt
"""

SESSION_TWO = """
# aider chat started at 2024-08-05 10:00:00

> Model: gpt-4o-mini with whole edit format

#### hi

Hello!

> Tokens: 900 sent, 9 received.
"""


# Lessons are learned from what the store held at each run: an ingest in two steps learns in two.
_LEARNED = ("lesson", "learn")


def captured(db: Path) -> dict[str, Any]:
    """The store's content without what learning derived from it."""
    return {table: rows for table, rows in dump_store(db).items() if not table.startswith(_LEARNED)}


def as_aider_writes(text: str) -> str:
    """The fixture as aider writes it: its "#### " and "> " lines end in two spaces (io.py)."""
    return "\n".join(
        line + "  " if line.startswith(("####", "> ")) or line == ">" else line for line in text.split("\n")
    )


def ingest(db: Path, *paths: Path) -> None:
    result = cli("ingest", "--db", db, "--no-progress", "--json", *paths)
    assert result.exit_code == 0, result.stderr


def stats(db: Path) -> dict[str, Any]:
    result = cli("stats", "--db", db, "--json", "--agent", "aider")
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = result.json()
    return data


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        text = as_aider_writes(text).encode("utf-8")
    path.write_bytes(text)
    return path


def test_every_construct_of_a_history_is_read(tmp_path: Path) -> None:
    history = write(tmp_path / "proj" / ".aider.chat.history.md", SESSION_ONE + SESSION_TWO)
    db = tmp_path / "s.db"
    ingest(db, history)
    figures = stats(db)
    assert figures["sessions"] == 2  # two sessions started in the same second stay apart
    assert figures["messages"]["prompt"] == 3
    assert figures["tools"] == {
        "edit_block": {"calls": 3, "errors": 1},
        "commit": {"calls": 1, "errors": 0},
        "run": {"calls": 1, "errors": 0},
        "test": {"calls": 1, "errors": 1},
        "undo": {"calls": 1, "errors": 0},
        "lint": {"calls": 1, "errors": 1},
    }
    sonnet = figures["tokens"]["claude-3-5-sonnet-20240620"]
    # 2.3k sent = 2300 of which 1100 written to and 512 read from the cache; 12,345; 1M.
    assert sonnet["input"] == (2300 - 1100 - 512) + 12345 + 1_000_000
    assert (sonnet["cache_creation"], sonnet["cache_read"], sonnet["output"]) == (1100, 512, 120 + 1024 + 2)
    assert figures["tokens"]["gpt-4o-mini"]["input"] == 900
    conn = sqlite3.connect(db)
    calls = {
        (row[0], row[1]): row[2:]
        for row in conn.execute(
            "SELECT tool, coalesce(target_path, command, ''), kind, status, diff, input_json, error_text FROM tool_calls"
        )
    }
    kind, status, diff, _, _ = calls[("edit_block", "app.py")]
    assert (kind, status) == ("edit", "ok") and '+    print("hello")' in diff and "-    pass" in diff
    assert calls[("edit_block", "notes.md")][:2] == ("write", "ok")
    kind, status, diff, _, error = calls[("edit_block", "tests/test_app.py")]
    assert status == "error" and diff is None and "SearchReplaceNoExactMatch" in error
    assert json.loads(calls[("commit", "")][3])["sha"] == "0a25f61"
    assert calls[("run", "pytest -q")][:2] == ("shell", "ok")
    assert calls[("lint", "/repo/tmp.lint.sh app.py")][1] == "error"
    kinds = [row[0] for row in conn.execute("SELECT kind FROM messages ORDER BY session_id, seq")]
    assert kinds.count("interrupt") == 1 and kinds.count("instructions") == 1 and kinds.count("command") == 3
    cwd, project, started = conn.execute("SELECT cwd, project, started_at FROM sessions LIMIT 1").fetchone()
    assert cwd == str(tmp_path / "proj") and project and started.startswith("2024-08-05T10:00:00")
    assert count([str(history)]) == {
        "sessions": figures["sessions"],
        "prompts": figures["messages"]["prompt"],
        "tools": figures["tools"],
        "tokens": {
            m: {k: v for k, v in row.items() if k not in ("cost_usd", "unpriced_calls")}
            for m, row in figures["tokens"].items()
        },
    }


TWO_BLOCKS_ONE_FILE = """
# aider chat started at 2024-08-06 14:13:01

> Main model: gpt-4o with diff edit format

#### remove cache_missing

app.py
```python
<<<<<<< SEARCH
    cache_missing = False

=======
>>>>>>> REPLACE
```

app.py
```python
<<<<<<< SEARCH
        self.cache_missing = False
=======
>>>>>>> REPLACE
```

> Tokens: 8,061 sent, 218 received.
> The LLM did not conform to the edit format.
> # 1 SEARCH/REPLACE block failed to match!
>
> ## SearchReplaceNoExactMatch: This SEARCH block failed to exactly match lines in app.py
> <<<<<<< SEARCH
>         self.cache_missing = False
> =======
> >>>>>>> REPLACE
>
> # The other 1 SEARCH/REPLACE block were applied successfully.
"""


def test_the_failure_aider_prints_is_put_on_the_block_it_prints(tmp_path: Path) -> None:
    """Two blocks for one file, the second printed as failed: the second failed, the first applied
    (not the file's first block of the reply, whatever aider printed)."""
    history = write(tmp_path / "proj" / ".aider.chat.history.md", TWO_BLOCKS_ONE_FILE)
    db = tmp_path / "s.db"
    ingest(db, history)
    rows = sqlite3.connect(db).execute(
        "SELECT json_extract(input_json, '$.old_string'), status FROM tool_calls WHERE tool = 'edit_block' ORDER BY seq"
    )
    assert [(old.strip(), status) for old, status in rows] == [
        ("cache_missing = False", "ok"),
        ("self.cache_missing = False", "error"),
    ]


SECOND_DIVIDER = """
# aider chat started at 2024-08-12 16:41:09

> Main model: claude-3-5-sonnet-20240620 with diff edit format

#### remove the event method

aider/analytics.py
```python
<<<<<<< SEARCH
    def event(self, name):
        pass
=======
=======
>>>>>>> REPLACE
```

> Tokens: 3,306 sent, 235 received.
> The LLM did not conform to the edit format.
> https://aider.chat/docs/troubleshooting/edit-errors.html
> aider/analytics.py
> <<<<<<< SEARCH
>     def event(self, name):
>         pass
> =======
> =======
>
> ^^^ Expected `>>>>>>> REPLACE` not `=======
"""


@pytest.mark.parametrize(
    ("closing", "new_text"),
    [
        (">>>>>>> REPLACE\n", "======="),  # a second divider, then REPLACE
        ("", "    def event(self):\n        return\n======="),  # a second divider and no REPLACE at all
    ],
)
def test_a_malformed_reply_keeps_what_aider_said_it_expected(tmp_path: Path, closing: str, new_text: str) -> None:
    """A reply aider could not parse fails with "did not conform" and the line aider points at
    ("^^^ Expected `>>>>>>> REPLACE` not `======="): the rule the block broke, kept with the failure.
    A last block closed by that second divider, never by REPLACE, is a call too (aider read it)."""
    text = SECOND_DIVIDER.replace("=======\n=======\n>>>>>>> REPLACE\n", "=======\n" + new_text + "\n" + closing)
    history = write(tmp_path / "proj" / ".aider.chat.history.md", text)
    db = tmp_path / "s.db"
    ingest(db, history)
    ((status, error, new),) = sqlite3.connect(db).execute(
        "SELECT status, error_text, json_extract(input_json, '$.new_string') FROM tool_calls WHERE tool = 'edit_block'"
    )
    assert status == "error" and new == new_text
    assert count([str(history)])["tools"]["edit_block"] == {"calls": 1, "errors": 1}
    assert error.splitlines() == [
        "The LLM did not conform to the edit format.",
        "^^^ Expected `>>>>>>> REPLACE` not `=======",
    ]


def test_bad_input_is_reported_and_the_rest_read(tmp_path: Path) -> None:
    bad = (
        as_aider_writes(SESSION_TWO).encode()
        + b"\n#### caf\xe9 \xff broken  \n\nreply\n\n> Tokens: 10 sent, 1 received.  \n"
        + b"#### "
        + b"x" * (11 * 1024 * 1024)
        + b"\n"
        + b"\n# aider chat started at 2024-08-06 09:00:00\n\n#### cut here  \n\nThe reply stops mid-"
    )
    history = write(tmp_path / ".aider.chat.history.md", bad)
    db = tmp_path / "s.db"
    ingest(db, history)
    figures = stats(db)
    assert figures["sessions"] >= 1 and figures["messages"]["prompt"] >= 2
    conn = sqlite3.connect(db)
    codes = {row[0] for row in conn.execute("SELECT code FROM ingest_problems")}
    assert {"invalid-utf8", "line-too-long"} <= codes


@pytest.mark.slow
def test_reingest_changes_nothing_and_appends_equal_a_clean_read(tmp_path: Path) -> None:
    full = (SESSION_ONE + SESSION_TWO) * 3
    cut = full.index("#### /run")  # mid-session: the session is read again from its heading
    history = write(tmp_path / "a" / ".aider.chat.history.md", full[:cut])
    db = tmp_path / "inc.db"
    ingest(db, history)
    history.write_text(as_aider_writes(full), encoding="utf-8")
    ingest(db, history)
    before = dump_store(db)
    ingest(db, history)
    assert store_differences(before, dump_store(db)) == []
    clean = tmp_path / "clean.db"
    ingest(clean, history)
    assert store_differences(captured(clean), captured(db)) == []
    records = ("sessions", "messages", "tool_calls", "token_usage", "file_sessions")
    kept = {table: rows for table, rows in captured(db).items() if table in records}
    earlier = SESSION_TWO.replace("2024-08-05 10:00:00", "2024-08-04 09:00:00")
    history.write_text(as_aider_writes(earlier + full), encoding="utf-8")  # rewritten: a session put before the rest
    ingest(db, history)
    # Aider only appends: a rewritten history is damaged (or edited). What was read of it stays as it
    # was stored; the session put before the rest is not stored (tests/agents/aider/test_aider_damaged_history.py).
    assert store_differences(kept, {table: rows for table, rows in captured(db).items() if table in records}) == []
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT code FROM ingest_problems").fetchall() == [("damaged-file",)]


@pytest.mark.slow
@pytest.mark.corpus
def test_corpus_counts_agree_with_stats(tmp_path: Path) -> None:
    if not AIDER_CORPUS.is_file():
        pytest.skip(f"aider corpus not found at {AIDER_CORPUS} (the ../shared folder is absent)")
    history = tmp_path / "aider-dev" / ".aider.chat.history.md"
    history.parent.mkdir()
    shutil.copyfile(AIDER_CORPUS, history)
    db = tmp_path / "s.db"
    ingest(db, history)
    figures = stats(db)
    counted = count([str(history)])
    assert counted["sessions"] == figures["sessions"] == 1134  # 1,133 headings and the cut start of the file
    assert counted["prompts"] == figures["messages"]["prompt"]
    assert counted["tools"] == figures["tools"]
    assert figures["tools"]["commit"]["calls"] == 667
    assert counted["tokens"] == {
        m: {k: v for k, v in row.items() if k not in ("cost_usd", "unpriced_calls")}
        for m, row in figures["tokens"].items()
    }


@pytest.mark.slow
@pytest.mark.corpus
def test_corpus_appended_in_halves_equals_a_clean_ingest(tmp_path: Path) -> None:
    if not AIDER_CORPUS.is_file():
        pytest.skip(f"aider corpus not found at {AIDER_CORPUS} (the ../shared folder is absent)")
    data = AIDER_CORPUS.read_bytes()
    half = data.index(b"\n", len(data) // 2) + 1
    history = write(tmp_path / "h" / ".aider.chat.history.md", data[:half])
    db = tmp_path / "inc.db"
    ingest(db, history)
    history.write_bytes(data)
    ingest(db, history)
    clean = tmp_path / "clean.db"
    ingest(clean, history)
    assert store_differences(captured(clean), captured(db)) == []
