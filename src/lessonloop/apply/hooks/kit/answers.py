"""What every agent adapter reads of a handler's Claude Code-shaped answer, and the call an adapter
met in this process (its payload comes before its answer: one event per hook process).

A handler answers `{"hookSpecificOutput": {"hookEventName", "additionalContext",
"permissionDecision", "permissionDecisionReason"}}` (apply/hooks/pre_tool.py, prompt.py,
session_start.py): `context` is the text meant for the model, `decision` the pre-tool decision
("deny", "ask", else None: a warning only). Stdlib only (the hooks).
"""

from __future__ import annotations

# Said before a warning given after the call it was about (the agent had no channel to the model
# before it): the model reads it with the call's result.
AFTER_THE_CALL = "lessonloop (about the call that just ran; the agent gives hooks no way to say it before):\n"


class Call:
    """The call of this hook process, as its payload named it: the session, the key of the call
    (the same in its pre-tool and post-tool payloads), the key of what it does (the same for the
    same call sent again)."""

    __slots__ = ("key", "same", "session")

    def __init__(self, session: str, key: str, same: str) -> None:
        self.session = session
        self.key = key
        self.same = same


def tool_event_call(out: dict[str, object] | None) -> Call | None:
    """The call a tool event's payload (as the handlers read it) is about: its session, its id (the
    same in its pre-tool and post-tool payloads) and what it does (its tool and input, the same for
    the same call sent again); None for another event, or a payload without a session or an id."""
    if out is None:
        return None
    session, call_id, tool = out.get("session_id"), out.get("tool_use_id"), out.get("tool_name")
    if not (isinstance(session, str) and session and isinstance(call_id, str) and call_id and isinstance(tool, str)):
        return None
    import json

    same = json.dumps([tool, out.get("tool_input")], sort_keys=True, default=str)
    return Call(session, f"{session}\n{call_id}", f"{session}\n{same}")


def call_of(event: str, raw: dict[str, object], out: dict[str, object] | None) -> Call | None:
    """An adapter's `call_of` (core/agent_parts.py) for an agent whose tool payloads carry the call's
    id: tool_event_call of the payload as the handlers read it."""
    return tool_event_call(out)


def same_call(raw: dict[str, object]) -> Call | None:
    """The call of a tool event whose payloads carry no id of it (Gemini CLI, Droid): its session,
    its tool and input as the agent gave them, one key for both (the same in its pre-tool and
    post-tool payloads, and for the same call sent again); None without a session or a tool."""
    session, tool = raw.get("session_id"), raw.get("tool_name")
    if not (isinstance(session, str) and isinstance(tool, str) and tool):
        return None
    import json

    key = f"{session}\n{tool}\n{json.dumps(raw.get('tool_input'), sort_keys=True, default=str)}"
    return Call(session, key, key)


def specific(output: dict[str, object] | None) -> dict[str, object]:
    inner = output.get("hookSpecificOutput") if isinstance(output, dict) else None
    return inner if isinstance(inner, dict) else {}


def context(output: dict[str, object] | None) -> str | None:
    """The text for the model: the reason of a decision, else the additional context."""
    inner = specific(output)
    for key in ("permissionDecisionReason", "additionalContext"):
        value = inner.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return None


def decision(output: dict[str, object] | None) -> str | None:
    value = specific(output).get("permissionDecision")
    return value if value in ("deny", "ask") else None


def store_path() -> str:
    """The store this hook uses (the entry resolved it already: the module is loaded)."""
    from lessonloop.store.location import db_path_text

    return db_path_text()


def after_the_call(event: str, call: Call | None, output: dict[str, object] | None) -> str | None:
    """The post-call answer of an agent that gives hooks no context before a call (Codex, Gemini
    CLI): the warning its pre-tool hook kept for this call (carried.py) and what the handler says
    after it (the co-change reminder after an edit), as `additionalContext` with the result."""
    import json

    from lessonloop.apply.hooks.kit import carried

    kept = carried.take_warning(store_path(), call.key) if call is not None else None
    parts = [AFTER_THE_CALL + kept] if kept else []
    said = context(output)
    if said:
        parts.append(said)
    if not parts:
        return None
    out = {"hookEventName": event, "additionalContext": "\n\n".join(parts)}
    return json.dumps({"hookSpecificOutput": out}, ensure_ascii=False)
