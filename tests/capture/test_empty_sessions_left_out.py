"""Listings leave out sessions with no typed prompt and no tool call unless --include-empty
(issue 26, item 4): `sessions` and `report`, on the aider/aider-dev history
(../shared/corpus/aider/aider-dev), where many sessions are aider opened and closed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import SHARED_CORPUS, cli

AIDER_DEV = SHARED_CORPUS / "aider" / "aider-dev" / "chat-history.md"


def raw_sessions_with_a_prompt(text: str) -> int:
    """Sessions (from each heading) with a "#### " input that is neither a command nor blank."""
    count = 0
    for session in re.split(r"(?m)^# aider chat started at ", text)[1:]:
        inputs = re.findall(r"(?m)^#### (.*)$", session)
        if any(i.strip() and i.strip() != "<blank>" and not i.startswith(("/", "!", "# ")) for i in inputs):
            count += 1
    return count


@pytest.mark.slow
def test_sessions_and_report_leave_empty_sessions_out(aider_dev_store: tuple[Path, Path]) -> None:
    history, db = aider_dev_store
    every = cli("sessions", "--db", db, "--json", "--include-empty").json()
    listed = cli("sessions", "--db", db, "--json").json()
    empty = [row for row in every if row["prompts"] == 0 and row["tool_calls"] == 0]
    assert 0 < len(empty) < len(every)
    assert [row["id"] for row in listed] == [row["id"] for row in every if row not in empty]
    assert len(listed) >= raw_sessions_with_a_prompt(history.read_text(encoding="utf-8", errors="replace")) > 0
    report = cli("report", "--db", db, "--json").json()
    report_all = cli("report", "--db", db, "--json", "--include-empty").json()
    assert len(report_all["sessions"]) == len(every)
    assert {s["session_id"] for s in report["sessions"]} == {row["id"] for row in listed}
