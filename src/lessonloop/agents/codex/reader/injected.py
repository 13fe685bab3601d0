"""Texts Codex puts in the person's place: user-role messages and user_message events that the
CLI, the IDE extension or the harness wrote, not the person (issue 26).

By form only (codex-rs core contextual_user_message.rs, instructions, environment_context.rs,
protocol UserMessageEvent.kind):
- a contextual fragment's opening tag, case-insensitive, after leading blanks:
  <environment_context>, <user_instructions>, <turn_aborted>, <user_shell_command>,
  <subagent_notification>, <subagents>, <skill>, <collaboration_mode>, <permissions instructions>,
  <personality_spec>, <realtime_conversation>, <tool_context>, <reasoning_context>, <pinned_notes>,
  <model_switch>, <apps_instructions>, <hook_prompt>;
- the AGENTS.md block ("# AGENTS.md instructions for <folder>") and the older project doc heading
  ("# Instructions for ...");
- a user_message event whose `kind` (Codex 0.2x-0.4x) is `user_instructions` or
  `environment_context`.
A response item of role user that starts with any tag ("<name>") is also the harness's: the
person's own words reach the rollout as a user_message event, and are read there.
"""

from __future__ import annotations

import re

INJECTED_TAGS = (
    "environment_context",
    "user_instructions",
    "turn_aborted",
    "user_shell_command",
    "subagent_notification",
    "subagents",
    "skill",
    "collaboration_mode",
    "permissions instructions",
    "personality_spec",
    "realtime_conversation",
    "tool_context",
    "reasoning_context",
    "pinned_notes",
    "model_switch",
    "apps_instructions",
    "hook_prompt",
)
INJECTED_HEADINGS = ("# AGENTS.md instructions", "# Instructions for ")
INJECTED_KINDS = frozenset({"user_instructions", "environment_context"})

_TAG = re.compile(r"\s*<(" + "|".join(re.escape(tag) for tag in INJECTED_TAGS) + r")[\s>]", re.I)
_ANY_TAG = re.compile(r"\s*<[A-Za-z_][\w .-]{0,60}>")


def is_injected_event(text: str, kind: object = None) -> bool:
    """Whether a user_message event holds what Codex injected (not typed by the person)."""
    if isinstance(kind, str) and kind.lower() in INJECTED_KINDS:
        return True
    return _TAG.match(text) is not None or text.lstrip().startswith(INJECTED_HEADINGS)


def is_injected_item(text: str) -> bool:
    """Whether a response item of role user is the harness's (any leading tag, or a heading above)."""
    return (
        _ANY_TAG.match(text) is not None or _TAG.match(text) is not None or text.lstrip().startswith(INJECTED_HEADINGS)
    )
