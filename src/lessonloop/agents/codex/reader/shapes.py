"""The JSON types of the fields the Codex parser reads, by record (capture/field_types.py): a record
holding one of another type (a message whose content is a number, a call whose call_id is a list)
is a "malformed-record" problem of its line, and is skipped. The types are those codex-rs writes
(protocol/src/models.rs and protocol.rs; ../shared/docs/agent-formats.md) and those older rollouts
hold: a call's arguments as a JSON string or an object, an output as a string or content items."""

from __future__ import annotations

from lessonloop.capture.field_types import Shape

META: Shape = {"id": ("string",), "cwd": ("string",), "git": ("object",), "source": ("string", "object")}
TURN_CONTEXT: Shape = {"cwd": ("string",), "model": ("string",)}

_CALL: Shape = {"call_id": ("string",), "name": ("string",)}
ITEMS: dict[str, Shape] = {
    "message": {"role": ("string",), "content": ("string", "list")},
    "reasoning": {"summary": ("list",)},
    "function_call": {**_CALL, "namespace": ("string",), "arguments": ("string", "object")},
    "custom_tool_call": {**_CALL, "input": ("string", "object")},
    "local_shell_call": {"call_id": ("string",), "action": ("object",)},
    "function_call_output": {"call_id": ("string",), "output": ("string", "list", "object")},
    "custom_tool_call_output": {"call_id": ("string",), "output": ("string", "list", "object")},
    "web_search_call": {"id": ("string",), "action": ("object",)},
    "agent_message": {"content": ("list",)},
}
EVENTS: dict[str, Shape] = {
    "user_message": {"message": ("string",)},
    "item_completed": {"item": ("object",)},
    "token_count": {"info": ("object",)},
    "exec_command_end": {"call_id": ("string",), "exit_code": ("number",), "aggregated_output": ("string",)},
    "patch_apply_end": {"call_id": ("string",), "success": ("boolean",)},
    "mcp_tool_call_end": {"call_id": ("string",), "result": ("object",)},
    "error": {"message": ("string",)},
}
