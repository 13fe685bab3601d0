"""The JSON types of the fields the Grok Build parser reads (capture/field_types.py): a line holding
one of another type (an update whose toolCallId is a number, a usage that is a list) is a
"malformed-record" problem of its line, and is skipped. The types are those grok-build writes (its
SessionUpdateEnvelope, the ACP notification types and its own, extensions/notification.rs)."""

from __future__ import annotations

from lessonloop.capture.field_types import Shape

ENVELOPE: Shape = {"timestamp": ("number", "string"), "method": ("string",), "params": ("object",)}
PARAMS: Shape = {"sessionId": ("string",), "update": ("object",), "_meta": ("object",)}
_CHUNK: Shape = {"content": ("object", "list"), "_meta": ("object",)}
UPDATES: dict[str, Shape] = {
    "user_message_chunk": _CHUNK,
    "agent_message_chunk": _CHUNK,
    "tool_call": {"toolCallId": ("string",), "title": ("string",), "_meta": ("object",), "status": ("string",)},
    "tool_call_update": {
        "toolCallId": ("string",),
        "title": ("string",),
        "status": ("string",),
        "content": ("list",),
        "rawOutput": ("object",),
        "_meta": ("object",),
    },
    "turn_completed": {"usage": ("object",), "stop_reason": ("string",), "prompt_id": ("string",)},
    "rewind_marker": {"target_prompt_index": ("number",)},
}
USAGE: Shape = {"modelUsage": ("object",), "usageIsIncomplete": ("boolean",)}
