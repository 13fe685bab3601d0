"""The JSON types of the fields the OpenCode parser reads, in a message and by part type
(capture/field_types.py): a message or part holding one of another type (a text part whose text
is a number, a tool part whose state is a string) is a "malformed-record" problem of its session,
naming the message or part, and is skipped. The types are those of OpenCode's message-v2.ts
(MessageV2.Info, MessageV2.Part). A part's `type` of another type is an unknown part type (a
notice), as before."""

from __future__ import annotations

from lessonloop.capture.field_types import Shape

MESSAGE: Shape = {
    "id": ("string",),
    "role": ("string",),
    "time": ("object",),
    "modelID": ("string",),
    "tokens": ("object",),
    "path": ("object",),
}
PART: Shape = {"id": ("string",), "time": ("object",)}  # every part, whatever its type
PARTS: dict[str, Shape] = {
    "text": {**PART, "text": ("string",), "synthetic": ("boolean",), "ignored": ("boolean",)},
    "tool": {**PART, "tool": ("string",), "callID": ("string",), "state": ("object",)},
    "step-finish": {**PART, "tokens": ("object",)},
}
