"""Codex CLI's hooks in Claude Code's terms, and lessonloop's answers in Codex's (docs/agents/codex.md).

Codex sends Claude Code's payload shape (session_id, transcript_path: the rollout, cwd, model,
tool_use_id, ...; codex-rs/hooks/src/schema.rs) with its own tool names: `Bash` for every shell
tool (shell, exec_command, ...; tool_input {"command": STRING}), `apply_patch` (tool_input
{"command": PATCH}), MCP tools by their model-visible name (`mcp__server__tool`, their arguments).
A patch becomes the Write or Edit of its first file; a shell command run as `bash -lc SCRIPT` its
script; every other tool keeps its name (kind "other").

PostToolUse's tool_response is the text the model read (`Exit code: N` / `Process exited with
code N` at its head for a command; a failed patch's message), or an MCP result: a failure is
passed on as Claude Code's PostToolUseFailure (its `error`), so it is classified and learned from.

Codex reads an answer against its published schemas (an unknown field, or at PreToolUse
`additionalContext`, `permissionDecision` "ask" or "allow", fails the hook: the call runs, the
answer is lost; tests/agents/codex/data/codex_hook_schema/). Before a call, only a deny reaches the model, so:
- a block (--block, confidence >= BLOCK_AT, the person's own lesson) is a deny with the warning;
- an ask (--ask, >= ASK_AT) stops the call once with the warning and asks the model to ask the
  person; the same call sent again in the session runs (with the warning after it);
- a warning is shown to the person (`systemMessage`) and given to the model with the call's result
  (PostToolUse `additionalContext`): carried.py keeps it for that hook.
"""

from __future__ import annotations

import json

from lessonloop.agents.codex.reader.outputs import harness_failed
from lessonloop.apply.hooks.kit import carried
from lessonloop.apply.hooks.kit.answers import (
    Call,
    after_the_call,
    context,
    decision,
    specific,
    store_path,
)
from lessonloop.apply.hooks.kit.answers import call_of as call_of  # (the entry reads it: __init__.py)

ASK_NOTE = (
    "\nlessonloop stopped this call once because the person asked to be consulted on such calls "
    "(--ask): ask them whether to run it; if they agree, send the same call again and it will run."
)
_SHELLS = frozenset({"bash", "zsh", "sh", "dash", "ksh"})
_HEADER_LINES = ("Chunk ID:", "Wall time:", "Original token count:", "Exit code:", "Process exited with code")


def payload(event: str, raw: dict[str, object]) -> dict[str, object] | None:
    if event not in ("PreToolUse", "PostToolUse"):
        return raw  # SessionStart, UserPromptSubmit, Stop: Claude Code's fields already
    tool = raw.get("tool_name")
    if not isinstance(tool, str) or not tool:
        return None
    name, tool_input = tool_call(tool, raw.get("tool_input"))
    out = {**raw, "tool_name": name, "tool_input": tool_input}
    if event == "PostToolUse":
        failed, text = result(raw.get("tool_response"))
        out["tool_response"] = text
        if failed:
            out["hook_event_name"] = "PostToolUseFailure"
            out["error"] = text
    return out


# A rollout's shell tools, which Codex's hooks all name `Bash` (agents/tool_view.py reads it to name a
# transcript's call as the hook will)
TRANSCRIPT_NAMES = dict.fromkeys(("exec_command", "shell_command", "shell", "local_shell", "container.exec"), "Bash")


def tool_call(tool: str, raw_input: object) -> tuple[str, dict[str, object]]:
    """A Codex hook's tool and input as Claude Code's."""
    tool_input: dict[str, object] = raw_input if isinstance(raw_input, dict) else {"input": raw_input}
    command = tool_input.get("command")
    if tool == "apply_patch" or (tool == "Bash" and isinstance(command, str) and _runs_patch(command)):
        text = next((v for k in ("command", "patch", "input") if isinstance(v := tool_input.get(k), str)), None)
        found = as_patch(text) if text is not None else None
        return found if found is not None else ("Edit", tool_input)  # (a patch is an edit to its reader)
    if tool == "Bash":
        out: dict[str, object] = {"command": script_of(command) if isinstance(command, str) else ""}
        # what makes the same command another call, when given: the folder it runs in, a request to
        # run outside the sandbox (lesson_model/triggers.input_key, escalated)
        out.update((key, tool_input[key]) for key in _CALL_KEYS if key in tool_input)
        return "Bash", out
    from lessonloop.agents.codex.reader.tools import kind_of
    from lessonloop.apply.hooks.kit.kind_names import claude_name

    name = claude_name(None, kind_of(tool))  # (its reader's kind: a patch not read, a tool of a rollout)
    return (name, tool_input) if name is not None else (tool, tool_input)


_CALL_KEYS = ("workdir", "with_escalated_permissions", "sandbox_permissions")


def _runs_patch(command: str) -> bool:
    head = command.lstrip().split(None, 1)[0] if command.strip() else ""
    from lessonloop.apply.hooks.kit.patch_files import BEGIN

    return head in ("apply_patch", "applypatch") and BEGIN in command


def as_patch(text: str) -> tuple[str, dict[str, object]] | None:
    from lessonloop.apply.hooks.kit.patch_files import as_file_call

    return as_file_call(text)


def script_of(command: str) -> str:
    """`bash -lc 'git push'` as `git push` (a shell's script); any other command as it is."""
    first = command.lstrip().split(None, 1)[0] if command.strip() else ""
    if first.rsplit("/", 1)[-1] not in _SHELLS:
        return command
    import shlex

    try:
        words = shlex.split(command)
    except ValueError:
        return command
    if len(words) == 3 and words[1] in ("-lc", "-c", "-l"):
        return words[2]
    return command


def result(response: object) -> tuple[bool, str]:
    """(failed, text) of a PostToolUse tool_response: the model's text of a command or patch (its
    exit code, a failure's opening), the classic shell's {"output", "metadata": {"exit_code"}}, an
    MCP result ({"content": [...], "isError"})."""
    if isinstance(response, str) and response.startswith('{"output"'):
        response = _json_or_text(response)
    if isinstance(response, dict):
        if "output" in response and isinstance(response.get("metadata"), dict):
            code = response["metadata"].get("exit_code")
            text = str(response.get("output") or "")
            failed = isinstance(code, int) and code != 0
            return failed, (f"Exit code {code}\n{text}" if failed else text)
        failed = response.get("isError") is True or response.get("is_error") is True
        return failed, json.dumps(response, ensure_ascii=False)
    text = response if isinstance(response, str) else json.dumps(response, ensure_ascii=False)
    code = exit_code(text)
    if code is not None and code != 0:
        return True, f"Exit code {code}\n{_body(text)}"
    if code is None and harness_failed(text):  # a failed patch or a harness failure (agents/codex/reader/outputs.py)
        return True, text
    return False, _body(text) if code is not None else text


def _json_or_text(text: str) -> object:
    try:
        value: object = json.loads(text)
    except ValueError:
        return text
    return value


def exit_code(text: str) -> int | None:
    """The exit code a command's output states in its header lines, if any."""
    for line in text.splitlines()[:8]:
        for head in ("Exit code:", "Process exited with code"):
            if line.startswith(head):
                try:
                    return int(line[len(head) :].strip())
                except ValueError:
                    return None
    return None


def _body(text: str) -> str:
    """A command's output without Codex's header lines (`Wall time: ...`, `Output:`)."""
    lines = text.splitlines()
    at = 0
    while at < len(lines) and at < 8 and lines[at].startswith(_HEADER_LINES):
        at += 1
    if at < len(lines) and lines[at].strip() == "Output:":
        at += 1
    return "\n".join(lines[at:])


def answer(event: str, output: dict[str, object] | None, call: Call | None = None) -> tuple[str | None, int]:
    if event == "PreToolUse":
        return _pre_tool(output, call), 0
    if event == "PostToolUse":
        return after_the_call("PostToolUse", call, output), 0
    text = context(output)
    if event in ("SessionStart", "UserPromptSubmit") and text and specific(output):
        return json.dumps({"hookSpecificOutput": {"hookEventName": event, "additionalContext": text}}), 0
    return None, 0  # Stop: nothing to say


def _pre_tool(output: dict[str, object] | None, call: Call | None) -> str | None:
    text = context(output)
    if not text:
        return None
    chosen = decision(output)
    if chosen == "deny":
        return _deny(text)
    if chosen == "ask" and call is not None:
        db = store_path()
        if not carried.was_asked(db, call.same):
            carried.mark_asked(db, call.same)
            return _deny(text + ASK_NOTE)
        # asked once already in this session (the person was consulted): a warning now
    if call is not None:
        carried.keep_warning(store_path(), call.key, text)
    return json.dumps({"systemMessage": text}, ensure_ascii=False)


def _deny(reason: str) -> str:
    out = {"hookEventName": "PreToolUse", "permissionDecision": "deny", "permissionDecisionReason": reason}
    return json.dumps({"hookSpecificOutput": out}, ensure_ascii=False)
