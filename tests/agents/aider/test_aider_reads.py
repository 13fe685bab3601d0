"""Files put in an Aider chat are read by the model (issue 26, item 2): `/add`, `/read-only`, the
files named on aider's command line ("Added X to the chat.") and the ones the person agreed to add
("Add these files to the chat? y") are read calls, so an edit of such a file is not blind.

Checked on a small history written here, and on the aider/aider-dev history
(../shared/corpus/aider/aider-dev) against what its raw markdown says.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from tests.agents.aider.test_aider_adapter import ingest, write
from tests.conftest import SHARED_CORPUS, cli

AIDER_DEV = SHARED_CORPUS / "aider" / "aider-dev" / "chat-history.md"
HEADING = "# aider chat started at "

EDIT = """
{path}
```python
<<<<<<< SEARCH
old
=======
new
>>>>>>> REPLACE
```

> Tokens: 1.0k sent, 10 received.
> Applied edit to {path}
"""


def _history(root: str) -> str:
    return (
        """
# aider chat started at 2024-08-05 10:00:00

> Aider v0.48.2-dev
> Added app/cli.py to the chat.

#### /add app/core.py
> Added {root}/app/core.py to the chat

#### /read-only docs/spec.md
> Added {root}/docs/spec.md to read-only files.

#### change core and cli
"""
        + EDIT.format(path="app/core.py")
        + EDIT.format(path="app/cli.py")
        + """
#### /test pytest
> 1 failed
> Added 3 lines of output to the chat.

#### and the helpers

Shall I look at them?

> Tokens: 1.0k sent, 10 received.
> app/helpers.py
> app/extra.py
> Add these files to the chat? y

#### go on
"""
        + EDIT.format(path="app/helpers.py")
        + EDIT.format(path="app/other.py")
    ).replace("{root}", root)


def test_added_files_are_read_and_their_edits_not_blind(tmp_path: Path) -> None:
    # Aider ran in /home/me/proj (its absolute paths); the history is read from elsewhere.
    history = write(tmp_path / "copy" / ".aider.chat.history.md", _history("/home/me/proj"))
    db = tmp_path / "s.db"
    ingest(db, history)
    conn = sqlite3.connect(db)
    try:
        reads = conn.execute("SELECT tool, target_path FROM tool_calls WHERE kind = 'read' ORDER BY seq").fetchall()
        results = conn.execute(
            "SELECT count(*) FROM tool_calls WHERE kind = 'read' AND (ok IS NOT 1 OR result_seq IS NULL)"
        ).fetchone()[0]
    finally:
        conn.close()
    assert reads == [
        ("add", "app/cli.py"),
        ("add", "app/core.py"),  # under the root the session's /add shows: stored relative to it
        ("read_only", "docs/spec.md"),
        ("add", "app/helpers.py"),
        ("add", "app/extra.py"),
    ]  # "Added 3 lines of output to the chat." is no file
    assert results == 0
    (session,) = cli("sessions", "--db", db, "--json").json()
    analysis = cli("analyze", "--db", db, "--json", "--session", session["id"])
    assert analysis.exit_code == 0, analysis.stderr
    blind = [item["path"] for item in analysis.json()["blind_edits"]]
    assert [Path(p).name for p in blind] == ["other.py"]  # the one file never put in the chat


def raw_added_then_edited(text: str) -> dict[str, set[str]]:
    """Per session (its heading line): the edit blocks' files that a "> Added <path> to the chat"
    line earlier in the session named (the path, absolute or not, ends with the block's file)."""
    out: dict[str, set[str]] = {}
    heading = ""
    added: list[str] = []
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if line.startswith(HEADING):
            heading, added = line, []
            continue
        match = re.match(r"^> Added (\S+) to the chat\.?\s*$", line)
        if match:
            added.append(match.group(1))
        elif re.match(r"^<{5,9} SEARCH\s*$", line) and number >= 2:
            name = next(
                (n.strip() for n in (lines[number - 1], lines[number - 2]) if n.strip() and not n.startswith("```")),
                None,
            )
            if name and any(path == name or path.endswith("/" + name) for path in added):
                out.setdefault(heading, set()).add(name)
    return out


@pytest.mark.slow
def test_aider_dev_edits_of_added_files_are_not_blind(aider_dev_store: tuple[Path, Path]) -> None:
    history, db = aider_dev_store
    expected = raw_added_then_edited(history.read_text(encoding="utf-8", errors="replace"))
    assert len(expected) > 50  # sessions that edited a file put in the chat before
    assert cli("analyze", "--db", db, "--json").exit_code == 0
    conn = sqlite3.connect(db)
    try:
        starts = {started: sid for sid, started in conn.execute("SELECT id, started_at FROM sessions")}
        blind: dict[str, set[str]] = {}
        for sid, path in conn.execute("SELECT session_id, path FROM analysis_signals WHERE kind = 'blind_edit'"):
            blind.setdefault(sid, set()).add(path)
        statuses = dict(
            conn.execute("SELECT status, count(*) FROM rule_results WHERE rule_id = 'read-before-edit' GROUP BY status")
        )
        edited = conn.execute("SELECT count(DISTINCT session_id) FROM tool_calls WHERE kind IN ('edit')").fetchone()[0]
    finally:
        conn.close()
    wrong = []
    for heading, names in expected.items():
        started = heading[len(HEADING) :].strip().replace(" ", "T") + ".000Z"
        session = starts.get(started)
        flagged = {p for p in blind.get(session or "", set()) for n in names if p.endswith("/" + n)}
        if flagged:
            wrong.append((heading, sorted(flagged)))
    assert wrong == []
    # Not every session that edits violates read-before-edit any more (it was 209 of 209).
    assert 0 < statuses.get("violated", 0) < edited // 2
    assert statuses.get("satisfied", 0) > edited // 2
