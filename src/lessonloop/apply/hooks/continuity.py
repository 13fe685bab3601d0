"""Continuity: what the last session of a project left open, told to the next one at its start
(SessionStart, beside the lessons and within the same token budget): the tests failing at its end,
the errors no later call resolved, its plan's items not done (analyze/left_open.py works them out
when the session is analyzed; store/hooks.last_left_open reads them).

Every text of it is a tool's output, a command or an agent's plan: quoted as data
(core/outside_text.as_data), each on its line, under a heading that says so. A line that does not
fit in the budget is left out whole; nothing fits, or nothing was left open: the empty string.
"""

from __future__ import annotations

import json

from lessonloop.apply.context_block import estimate_tokens
from lessonloop.core.outside_text import DATA_NOTE, as_data

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from typing import Any

HEADING = f"Where the last session in this project stopped ({DATA_NOTE}):"
QUOTED_CHARS = 120


def continuity_lines(left_open: dict[str, Any]) -> list[str]:
    """The lines for what a session left open, most pressing first."""
    lines = []
    failing = left_open.get("failing_tests")
    if isinstance(failing, dict):
        tests = [t for t in failing.get("tests") or [] if isinstance(t, str)]
        command = failing.get("command") if isinstance(failing.get("command"), str) else None
        after = f" (after {as_data(command, QUOTED_CHARS)})" if command else ""
        if tests:
            lines.append(f"- Tests failing at its end: {', '.join(as_data(t, QUOTED_CHARS) for t in tests)}{after}")
        else:
            lines.append(f"- Its last test run failed{after}")
    for error in left_open.get("unresolved_errors") or []:
        if isinstance(error, dict) and isinstance(error.get("command"), str):
            headline = error.get("error") if isinstance(error.get("error"), str) else ""
            said = f": {as_data(headline, QUOTED_CHARS)}" if headline else ""
            lines.append(f"- An error left unresolved: {as_data(error['command'], QUOTED_CHARS)}{said}")
    items = [item for item in left_open.get("open_items") or [] if isinstance(item, str)]
    if items:
        lines.append(f"- Its plan's items not done: {', '.join(as_data(item, QUOTED_CHARS) for item in items)}")
    return lines


def continuity_block(left_open_json: str | None, budget_tokens: int) -> str:
    """The block for the stored `left_open` (JSON) in at most `budget_tokens`; "" when nothing."""
    if not left_open_json:
        return ""
    try:
        data = json.loads(left_open_json)
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    block = HEADING
    added = False
    for line in continuity_lines(data):
        candidate = f"{block}\n{line}"
        if estimate_tokens(candidate) <= budget_tokens:
            block, added = candidate, True
    return block if added else ""
