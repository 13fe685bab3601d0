"""Aider's prompts, counted from the raw markdown of aider/aider-dev (../shared/corpus/aider/aider-dev)
here, against `lessonloop stats` (issue 26: prompts were fewer than the history's `#### ` prompts).

An input is a run of consecutive "#### " lines. Not prompts: blank ones ("<blank>"), the ones aider
typed itself ("# Fix any errors below, if possible.", "# Question: " rewriting a /help question),
and commands ("/..." or "!..."), except the commands whose text goes to a model: /ask, /code,
/architect, /context and /help with text. The numbers below are the raw file's.
"""

from __future__ import annotations

import re
import shutil
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
    plain = len(runs) - blank - len(commands) - aiders
    assert (len(runs), blank, len(commands), aiders) == (1776, 11, 867, 37)
    assert (plain, to_a_model) == (861, 116)
    history = tmp_path / "aider-dev" / ".aider.chat.history.md"
    history.parent.mkdir()
    shutil.copyfile(AIDER_DEV, history)
    db = tmp_path / "s.db"
    assert cli("ingest", "--db", db, "--no-progress", "--no-analyze", "--json", history).exit_code == 0
    stats = cli("stats", "--db", db, "--json").json()
    assert stats["messages"]["prompt"] == plain + to_a_model == 977
