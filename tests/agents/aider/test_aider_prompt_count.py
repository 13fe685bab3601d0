"""Aider's prompts, counted from the raw markdown of aider/aider-dev (../shared/corpus/aider/aider-dev)
here, against `lessonloop stats` (issue 26: prompts were fewer than the history's `#### ` prompts).

An input is a run of consecutive "#### " lines. Not prompts: blank ones ("<blank>"), the ones aider
typed itself ("# Fix any errors below, if possible.", "# Question: " rewriting a /help question),
and commands ("/..." or "!..."), except the commands whose text goes to a model: /ask, /code,
/architect, /context and /help with text. Those four (not /help) run a coder that writes the same
words again as an input (aider's echo): counted once. The numbers below are the raw file's.
"""

from __future__ import annotations

import itertools
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import SHARED_CORPUS, cli

AIDER_DEV = SHARED_CORPUS / "aider" / "aider-dev" / "chat-history.md"


def inputs(text: str) -> list[list[str]]:
    runs: list[list[str]] = []
    previous = False
    for line in text.split("\n"):
        line = line.rstrip("\r")
        user = line.startswith("####") and (len(line) == 4 or line[4] == " ")
        if user and previous:
            runs[-1].append(line[5:])
        elif user:
            runs.append([line[5:]])
        previous = user
    return runs


def test_prompts_counted_from_the_raw_history(tmp_path: Path) -> None:
    if not AIDER_DEV.is_file():
        pytest.skip(f"aider/aider-dev corpus not found at {AIDER_DEV} (the ../shared folder is absent)")
    runs = inputs(AIDER_DEV.read_text(encoding="utf-8", errors="replace"))
    firsts = [run[0].strip() for run in runs]
    blank = sum(1 for run in runs if "\n".join(run).strip() in ("", "<blank>"))
    commands = [f for f in firsts if f.startswith(("/", "!"))]
    aiders = sum(1 for f in firsts if f.startswith(("# Fix any errors below, if possible.", "# Question: ")))
    to_a_model = sum(
        1 for f in commands if re.match(r"^/(ask|code|architect|context|help) +\S", f)
    )  # aider-dev types them in full
    # /ask, /code, /architect, /context run a coder with their words, which writes them again as
    # an input right after (aider's echo): the person asked once
    echoes = sum(
        1
        for run, after in itertools.pairwise(runs)
        if re.match(r"^/(ask|code|architect|context) +\S", run[0].strip())
        and " ".join("\n".join(after).split()) == " ".join("\n".join(run).strip().partition(" ")[2].split())
    )
    plain = len(runs) - blank - len(commands) - aiders - echoes
    assert (len(runs), blank, len(commands), aiders, echoes) == (1776, 11, 867, 37, 85)
    assert (plain, to_a_model) == (776, 116)
    history = tmp_path / "aider-dev" / ".aider.chat.history.md"
    history.parent.mkdir()
    shutil.copyfile(AIDER_DEV, history)
    db = tmp_path / "s.db"
    assert cli("ingest", "--db", db, "--no-progress", "--no-analyze", "--json", history).exit_code == 0
    stats = cli("stats", "--db", db, "--json").json()
    assert stats["messages"]["prompt"] == plain + to_a_model == 892


ECHOED = """
# aider chat started at 2024-08-05 10:00:00

> Aider v0.50.1

#### /ask why does the cache miss on
#### the second call?

####  why does the cache miss on
#### the second call?

Because the key holds the time.

> Tokens: 1.2k sent, 40 received. Cost: $0.0040 message, $0.0040 session.

#### /code make the key stable

#### make the key stable

Done.

> Tokens: 1.3k sent, 30 received. Cost: $0.0040 message, $0.0080 session.

#### /ask and the third call?

#### what about eviction?

It keeps 128 entries.

> Tokens: 1.3k sent, 30 received. Cost: $0.0040 message, $0.0120 session.
"""


def test_the_words_of_a_chat_command_written_again_are_one_prompt(tmp_path: Path) -> None:
    """A /ask or /code question comes back as aider's own input right after it (Coder.run writes
    its message): the person asked once. An input with other words after it is a prompt of its own
    (the last /ask here is not echoed: an older aider, or a history cut there)."""
    from tests.agents.aider.test_aider_adapter import ingest, stats, write
    from tests.counting.aider_count import count  # the format description's own count

    history = write(tmp_path / "proj" / ".aider.chat.history.md", ECHOED)
    db = tmp_path / "s.db"
    ingest(db, history)
    prompts = stats(db)["messages"]["prompt"]
    assert prompts == count([str(history)])["prompts"] == 4
    with sqlite3.connect(db) as conn:
        kinds = [
            (kind, " ".join(text.split()))
            for kind, text in conn.execute("SELECT kind, text FROM messages WHERE role = 'user' ORDER BY ts, seq")
        ]
    assert kinds == [
        ("prompt", "/ask why does the cache miss on the second call?"),
        ("instructions", "why does the cache miss on the second call?"),
        ("prompt", "/code make the key stable"),
        ("instructions", "make the key stable"),
        ("prompt", "/ask and the third call?"),
        ("prompt", "what about eviction?"),
    ]
