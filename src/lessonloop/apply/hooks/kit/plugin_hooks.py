"""The plugin hooks of OpenCode and its fork Kilo Code (agents/opencode/hooks.py, agents/kilo/hooks.py) in Claude Code's terms, and lessonloop's answers as lessonloop's plugin
reads them (docs/agents/opencode.md; checked with OpenCode 1.18.33).

OpenCode has no command hooks: `lessonloop hooks install --agent opencode` writes a JavaScript
plugin of lessonloop's own (install/opencode_plugin.js) that runs the installed command for each
hook it serves, synchronously, the payload on stdin, and reads the JSON answer. What the plugin
sends is `{"hook", "directory", "worktree", "input", "output"}`: OpenCode's own `input` and
`output` of the hook (a session's `chat.message` with its text parts only; `tool.execute.after`'s
output without `metadata.output`, the raw copy of `output`), the project's folder beside them.
Its events (EVENT on the command line) are OpenCode's hook names, and one of lessonloop's own:

- `session.start`: a session's first `chat.message` (the plugin calls it first, once per session
  it meets): SessionStart's lessons;
- `chat.message`: the prompt (its text parts that are not synthetic), UserPromptSubmit;
- `tool.execute.before` {tool, sessionID, callID} / {args}: PreToolUse;
- `tool.execute.after` {tool, sessionID, callID, args} / {title, output, metadata}: PostToolUse, or
  PostToolUseFailure when bash's `metadata.exit` is not 0;
- `session.idle` (the `event` hook's bus event {type, properties: {sessionID}}): Stop, with
  OpenCode's database (`$OPENCODE_DB`, else `$XDG_DATA_HOME/opencode/opencode.db`) as the
  transcript to ingest: `lessonloop ingest` reads it, only what is new.

Tools become Claude Code's (capture/opencode_format/tools.py names OpenCode's): bash -> Bash/command,
read -> Read, write -> Write/content, edit -> Edit/old_string/new_string (filePath, oldString,
newString), multiedit -> Edit of its file, grep -> Grep, glob -> Glob, list -> LS, webfetch ->
WebFetch, todowrite -> TodoWrite, task -> Task; any other tool (MCP tools) keeps its name. A call
is named by OpenCode's callID (the part's callID in opencode.db: the ingest drops the live copy).

Answers (what the plugin does with them; exit code 0, nothing on stdout when there is nothing):
- `{"context": TEXT}` at `session.start` / `chat.message`: an extra synthetic text part of the
  person's message (the model reads it with the prompt; OpenCode stores it as synthetic, which
  ingest reads as instructions, not as the person's words);
- `{"deny": REASON}` at `tool.execute.before`: the plugin throws an Error with REASON: the tool does
  not run and the model gets REASON as the call's result. An ask (--ask) denies the call once
  with a note asking the model to consult the person; the same call sent again runs (OpenCode
  gives plugins no way to ask: its `permission.ask` hook is never called in 1.18.33);
- a warning before a call is kept (carried.py) and given with the call's result;
- `{"context": TEXT}` at `tool.execute.after`: appended to the tool's output (what the model reads).
"""

from __future__ import annotations

import json
import os

from lessonloop.apply.hooks.kit import carried
from lessonloop.apply.hooks.kit.answers import AFTER_THE_CALL, Call, context, decision, store_path
from lessonloop.apply.hooks.kit.answers import call_of as call_of  # (the entry reads it: __init__.py)
from lessonloop.apply.hooks.kit.kind_names import claude_name
from lessonloop.apply.hooks.kit.tool_args import first_text
from lessonloop.capture.opencode_format.tools import kind_of

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from collections.abc import Callable

SESSION_START = "session.start"  # lessonloop's name for a session's first chat.message
ASK_NOTE = (
    "\nlessonloop stopped this call once because the person asked to be consulted on such calls "
    "(--ask): ask them whether to run it; if they agree, send the same call again and it will run."
)
# OpenCode's tools (packages/opencode/src/tool/; capture/opencode_format/tools.py) -> Claude Code's
TOOLS: dict[str, str] = {
    "bash": "Bash",
    "read": "Read",
    "write": "Write",
    "edit": "Edit",
    "multiedit": "Edit",
    "grep": "Grep",
    "glob": "Glob",
    "list": "LS",
    "ls": "LS",
    "webfetch": "WebFetch",
    "websearch": "WebSearch",
    "todowrite": "TodoWrite",
    "todoread": "TodoRead",
    "task": "Task",
}


def _object(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def plugin_payload(
    event: str, raw: dict[str, object], transcript: Callable[[], str | None]
) -> dict[str, object] | None:
    """`payload` for an agent that runs lessonloop's plugin (OpenCode, its fork Kilo Code: agents/kilo.py),
    `transcript()` its database, the transcript a turn's end queues for ingest."""
    given, output = _object(raw.get("input")), _object(raw.get("output"))
    cwd = first_text(raw, "directory", "worktree")
    if event == "session.idle":
        properties = _object(output.get("properties"))
        session = first_text(properties, "sessionID") or first_text(given, "sessionID")
        if session is None:
            return None
        return {
            "session_id": session,
            "cwd": cwd,
            "hook_event_name": "Stop",
            "transcript_path": transcript(),
            "stop_hook_active": False,
        }
    message = _object(output.get("message"))
    session = first_text(given, "sessionID") or first_text(message, "sessionID")
    if session is None:
        return None
    base: dict[str, object] = {"session_id": session, "cwd": cwd, "transcript_path": None}
    if event == SESSION_START:
        return {**base, "hook_event_name": "SessionStart", "source": "startup"}
    if event == "chat.message":
        return {**base, "hook_event_name": "UserPromptSubmit", "prompt": prompt_of(output.get("parts"))}
    tool = first_text(given, "tool")
    if tool is None or event not in ("tool.execute.before", "tool.execute.after"):
        return None
    args = _object(output.get("args")) if event == "tool.execute.before" else _object(given.get("args"))
    name, tool_input = tool_call(tool, args)
    call_id = first_text(given, "callID")
    call: dict[str, object] = {**base, "tool_name": name, "tool_input": tool_input, "tool_use_id": call_id}
    if event == "tool.execute.before":
        return {**call, "hook_event_name": "PreToolUse"}
    text = output.get("output")
    text = text if isinstance(text, str) else ""
    exit_code = _object(output.get("metadata")).get("exit")
    if name == "Bash" and isinstance(exit_code, int) and not isinstance(exit_code, bool) and exit_code != 0:
        error = f"Exit code {exit_code}\n{text}".rstrip()
        return {**call, "hook_event_name": "PostToolUseFailure", "error": error, "is_interrupt": False}
    response: object = {"stdout": text, "stderr": ""} if name == "Bash" else text
    return {**call, "hook_event_name": "PostToolUse", "tool_response": response}


def prompt_of(parts: object) -> str:
    """The person's words of a message: its text parts that OpenCode did not add itself."""
    texts = []
    for part in parts if isinstance(parts, list) else []:
        if not isinstance(part, dict) or part.get("type") != "text" or part.get("synthetic") is True:
            continue
        text = part.get("text")
        if isinstance(text, str) and text.strip():
            texts.append(text)
    return "\n".join(texts)


def tool_call(tool: str, args: dict[str, object]) -> tuple[str, dict[str, object]]:
    """An OpenCode tool call as Claude Code names it; unknown tools keep their name and arguments."""
    name = claude_name(TOOLS.get(tool.lower()), kind_of(tool))  # (its reader's kind: kind_names.py)
    if name is None:
        return tool, args
    if name == "Bash":
        command = first_text(args, "command")
        out: dict[str, object] = {"command": command or ""}
        for key in ("description", "workdir"):
            value = first_text(args, key)
            if value is not None:
                out[key] = value
        return name, out
    path = first_text(args, "filePath", "file_path", "path")
    if name == "Read" and path is not None:
        return name, {"file_path": path}
    if name == "Write" and path is not None:
        return name, {"file_path": path, "content": first_text(args, "content") or ""}
    if name == "Edit" and path is not None:
        old, new = args.get("oldString", args.get("old_string")), args.get("newString", args.get("new_string"))
        if isinstance(old, str) and isinstance(new, str):
            return name, {"file_path": path, "old_string": old, "new_string": new}
        return name, {"file_path": path}
    if name in ("Grep", "Glob", "LS"):
        out = {key: value for key, value in args.items() if key in ("pattern", "path")}
        include = args.get("include")
        if name == "Grep" and isinstance(include, str):
            out["glob"] = include
        return name, out
    return name, args


def database_in(folder_name: str, variable: str, name: str) -> str | None:
    """The database the variable `variable` names (absolute, or in the data folder
    $XDG_DATA_HOME/<folder_name>, else ~/.local/share/<folder_name>), else `name` in that folder,
    when the file exists."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    folder = os.path.join(base, folder_name)
    given = os.environ.get(variable)
    path = os.path.join(folder, given) if given and given != ":memory:" else os.path.join(folder, name)
    return path if os.path.isfile(path) else None


def answer(event: str, output: dict[str, object] | None, call: Call | None = None) -> tuple[str | None, int]:
    """The handler's answer as lessonloop's plugin reads it (the module's docstring)."""
    if event == "tool.execute.before":
        return _before(output, call), 0
    if event == "tool.execute.after":
        kept = carried.take_warning(store_path(), call.key) if call is not None else None
        parts = [AFTER_THE_CALL + kept] if kept else []
        said = context(output)
        if said:
            parts.append(said)
        return (json.dumps({"context": "\n\n".join(parts)}, ensure_ascii=False) if parts else None), 0
    text = context(output)
    if event in (SESSION_START, "chat.message") and text:
        return json.dumps({"context": text}, ensure_ascii=False), 0
    return None, 0  # session.idle: nothing to say


def _before(output: dict[str, object] | None, call: Call | None) -> str | None:
    text = context(output)
    if not text:
        return None
    chosen = decision(output)
    if chosen == "deny":
        return json.dumps({"deny": text}, ensure_ascii=False)
    if chosen == "ask" and call is not None:
        db = store_path()
        if not carried.was_asked(db, call.same):
            carried.mark_asked(db, call.same)
            return json.dumps({"deny": text + ASK_NOTE}, ensure_ascii=False)
    if call is not None:
        carried.keep_warning(store_path(), call.key, text)
    return None
