"""The JSON types of the fields the Antigravity parser reads (capture/field_types.py): a step holding
one of another type (a step_index that is a string, tool_calls that is an object) is a
"malformed-record" problem of its line, and is skipped. The types are those agy 1.2.0 writes in its
brain transcripts."""

from __future__ import annotations

from lessonloop.capture.field_types import Shape

STEP: Shape = {
    "step_index": ("number",),
    "source": ("string",),
    "type": ("string",),
    "status": ("string",),
    "created_at": ("string",),
    "content": ("string",),
    "thinking": ("string",),
    "tool_calls": ("list",),
}
CALL: Shape = {"name": ("string",), "args": ("object",)}
