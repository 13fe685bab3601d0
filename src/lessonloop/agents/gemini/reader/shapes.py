"""The JSON types of the fields the Gemini CLI parser reads, by message type (capture/field_types.py):
a message holding one of another type (a user message whose content is a number, a model turn
whose toolCalls is a string) is a "malformed-record" problem of its chat, and is skipped. The
types are those of Gemini CLI's chatRecordingService.ts (ConversationRecord, MessageRecord)."""

from __future__ import annotations

from lessonloop.capture.field_types import Shape

_MESSAGE: Shape = {"id": ("string",), "content": ("string", "list", "object")}
MESSAGES: dict[str, Shape] = {
    "user": {**_MESSAGE, "displayContent": ("string", "list", "object")},
    "gemini": {**_MESSAGE, "model": ("string",), "toolCalls": ("list",), "tokens": ("object",)},
    "info": _MESSAGE,
    "warning": _MESSAGE,
    "error": _MESSAGE,
}
