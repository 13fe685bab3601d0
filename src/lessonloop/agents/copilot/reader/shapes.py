"""The JSON types of the fields the Copilot CLI parser reads, by event type (capture/field_types.py):
an event whose `data` holds one of another type (a user.message whose content is a list, a tool
call whose toolCallId is a number) is a "malformed-record" problem of its line, and is skipped.
The types are those of Copilot CLI's session-events schema (1.0.102,
`schemas/session-events.schema.json` in its package)."""

from __future__ import annotations

from lessonloop.capture.field_types import Shape

_CONTEXT: Shape = {"selectedModel": ("string",), "context": ("object",)}
EVENTS: dict[str, Shape] = {
    "session.start": {
        "sessionId": ("string",),
        "copilotVersion": ("string",),
        "startTime": ("string", "number"),
        **_CONTEXT,
    },
    "session.resume": _CONTEXT,
    "session.model_change": {"newModel": ("string",)},
    "user.message": {"content": ("string",), "source": ("string",)},
    "system.message": {"content": ("string",)},
    "assistant.message": {
        "content": ("string",),
        "model": ("string",),
        "reasoningText": ("string",),
        "toolRequests": ("list",),
    },
    "assistant.reasoning": {"content": ("string",)},
    "session.error": {"message": ("string",), "errorType": ("string",)},
    "abort": {"reason": ("string",)},
    "tool.execution_start": {"toolCallId": ("string",), "toolName": ("string",)},
    "tool.execution_complete": {
        "toolCallId": ("string",),
        "success": ("boolean",),
        "result": ("object",),
        "error": ("object", "string"),
        "shellExecution": ("object",),
    },
    "session.usage_record": {"usage": ("object",)},
}
