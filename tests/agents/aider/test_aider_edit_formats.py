"""Aider edits in the formats without plain ``` SEARCH/REPLACE blocks, hand-written from aider's source.

- aider/coders/base_coder.py `all_fences`: a block may be fenced with <source>, <code>, <pre>,
  <codeblock> or <sourcecode> (with a language after it) instead of ```; the file name is the
  line above the fence (editblock_coder.py strip_filename / find_filename skip fence lines).
- aider/coders/wholefile_coder.py (`whole`): the reply is the whole file; only
  "Applied edit to <path>" (or "Skipping edits to <path>" when the person refused a new file)
  says an edit happened.
- aider/coders/udiff_coder.py (`udiff`): a hunk that does not apply is reported after "The LLM did
  not conform to the edit format." as "UnifiedDiffNoMatch: hunk failed to apply!" (or
  "UnifiedDiffNotUnique: ...").
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.agents.aider.test_aider_adapter import ingest, stats, write
from tests.counting.aider_count import count

HISTORY = """
# aider chat started at 2024-09-01 10:00:00

> Main model: claude-3-5-sonnet-20240620 with diff edit format

#### rename the greeting

app.py
<source>python
<<<<<<< SEARCH
print("hi")
=======
print("hello")
>>>>>>> REPLACE
</source>

> Tokens: 1,000 sent, 100 received. Cost: $0.01 message, $0.01 session.
> Applied edit to app.py

# aider chat started at 2024-09-01 11:00:00

> Main model: gpt-4o with whole edit format

#### add a readme

README.md
```
# Project
```

> Tokens: 900 sent, 20 received. Cost: $0.01 message, $0.01 session.
> Applied edit to README.md

#### add a script

run.sh
```
echo hi
```

> Tokens: 900 sent, 20 received. Cost: $0.01 message, $0.02 session.
> Allow creation of new file run.sh? n
> Skipping edits to run.sh

# aider chat started at 2024-09-01 12:00:00

> Main model: gpt-4-turbo with udiff edit format

#### fix the loop

```diff
--- lib.py
+++ lib.py
@@ ... @@
-for i in range(10):
+for i in range(11):
```

> Tokens: 800 sent, 30 received. Cost: $0.01 message, $0.01 session.
> The LLM did not conform to the edit format.
> UnifiedDiffNoMatch: hunk failed to apply!

lib.py does not contain lines that match the diff you provided!
"""


def test_fenced_blocks_whole_files_and_udiff_failures_are_edits_with_outcomes(tmp_path: Path) -> None:
    history = write(tmp_path / "proj" / ".aider.chat.history.md", HISTORY)
    db = tmp_path / "s.db"
    ingest(db, history)
    conn = sqlite3.connect(db)
    calls = conn.execute("SELECT tool, target_path, kind, status, error_text FROM tool_calls ORDER BY seq").fetchall()
    assert [row[:4] for row in calls] == [
        ("edit_block", "app.py", "edit", "ok"),  # not "<source>python": the fence is not the file
        ("edit_file", "README.md", "edit", "ok"),
        ("edit_file", "run.sh", "edit", "rejected"),
        ("edit_file", None, "edit", "error"),
    ]
    assert calls[3][4].startswith("UnifiedDiffNoMatch: hunk failed to apply!")
    figures = stats(db)
    assert (
        count([str(history)])["tools"]
        == figures["tools"]
        == {
            "edit_block": {"calls": 1, "errors": 0},
            "edit_file": {"calls": 3, "errors": 2},
        }
    )


def test_a_cost_written_on_the_line_after_the_tokens_is_kept(tmp_path: Path) -> None:
    # base_coder.py writes the usage report as one output; when it runs to two lines the second
    # ("Cost: $X message, $Y session.") has no "> " (io.py prefixes the first line only).
    history = write(
        tmp_path / "proj" / ".aider.chat.history.md",
        """
# aider chat started at 2024-09-02 10:00:00

> Main model: claude-3-5-sonnet-20240620 with diff edit format

#### explain the module

It parses the config.

> Tokens: 7.9k sent, 1.2k received.
Cost: $0.04 message, $0.10 session. Use --no-stream for accurate caching costs.

#### and the tests?

They cover the parser.

> Tokens: 8.1k sent, 300 received. Cost: $0.03 message, $0.13 session.
""",
    )
    db = tmp_path / "s.db"
    ingest(db, history)
    conn = sqlite3.connect(db)
    costs = [row[0] for row in conn.execute("SELECT cost_usd FROM token_usage ORDER BY CAST(request_id AS INTEGER)")]
    assert costs == [0.04, 0.03]
    messages = [row[0] for row in conn.execute("SELECT kind FROM messages ORDER BY seq")]
    assert messages == ["prompt", "assistant", "prompt", "assistant"]  # the Cost line is not a reply
