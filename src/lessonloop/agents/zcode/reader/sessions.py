"""ZCode's database read into records: its `session`, `message` and `part` tables are OpenCode's
(capture/opencode_format/ reads them, as it reads OpenCode's and Kilo Code's), with what ZCode
writes otherwise (`FLAVOR`):

- its tool names, Claude Code's (tools.py);
- who wrote a user message: ZCode writes the context it injects (to-do and system reminders,
  background task notices) as `role: "user"` messages too, and says which they are in
  `data.semantics` (`kind`: `user_prompt`, `todo_reminder`, `system_reminder`,
  `background_notification`, ...; `origin`: `real_user`, `agent_runtime`, ...). A text of a user
  message is a prompt when its kind is `user_prompt` or its origin `real_user`, else
  instructions; a message without `semantics` (an older database) is read as OpenCode's;
- its `timeline` parts (a model change, shown as a separator): known, not read;
- its tokens: not the messages' (cached input counted inside `input`) but the `model_usage` rows
  (usage.py).
"""

from __future__ import annotations

from typing import Any

from lessonloop.agents.zcode.reader import tools, usage
from lessonloop.agents.zcode.spec import SPEC
from lessonloop.capture.adapters import Unit
from lessonloop.capture.opencode_format import database
from lessonloop.capture.opencode_format.parser import PART_TYPES, Flavor, RawSession, session_batch
from lessonloop.core.records import Batch, Problem


def user_kind(info: dict[str, Any]) -> str | None:
    """The kind of a user message's texts from its `semantics` (None: it has none)."""
    semantics = info.get("semantics")
    if not isinstance(semantics, dict):
        return None
    if semantics.get("kind") == "user_prompt" or semantics.get("origin") == "real_user":
        return "prompt"
    return "instructions"


FLAVOR = Flavor(
    kind_of=tools.kind_of,
    message_tokens=False,
    user_kind=user_kind,
    part_types=PART_TYPES | {"timeline"},
)


def session(raw: RawSession) -> Batch:
    """Every record of one session, its tokens from its model_usage rows."""
    batch = session_batch(raw, agent=SPEC.id, flavor=FLAVOR)
    for session_id in list(batch.sessions):
        usage.add_usage(batch, raw, session_id)
    return batch


def units(paths: list[str], problems: list[Problem]) -> list[Unit]:
    """One unit per session of each database."""
    return database.units(paths, problems, session, extra=(usage.MODEL_USAGE,))
