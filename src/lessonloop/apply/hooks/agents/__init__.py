"""Each agent's hook events, by the event lessonloop's handlers know them as (Claude Code's names).

The hook entry (apply/hooks/entry.py) is run as `python -I -c RUN --agent=AGENT EVENT [--block]
[--ask]`, EVENT spelled as AGENT names it; `HOOK_EVENTS[AGENT][EVENT]` is the handler's event.
`hooks install --agent AGENT` installs the events of `INSTALLED[AGENT]`. Imports nothing: read on
every hook's start.

Each agent but claude has a module here, `agents/<agent>.py`, with the functions the entry calls:
- `payload(event, raw) -> dict | None`: the agent's payload for its `event` as the Claude
  Code-shaped payload the handlers read (session_id, cwd, transcript_path, tool_name and tool_input
  in Claude Code's names: Bash/command, Write/file_path/content, Edit/old_string/new_string, ...;
  prompt; tool_response); None when lessonloop has nothing to do with it.
- `answer(event, output, call) -> (stdout text or None, exit code)`: the handler's Claude
  Code-shaped answer (already redacted; None when it said nothing) as the agent accepts it;
- and, for an agent whose answer depends on the call (a warning kept for the post-call hook, an
  ask remembered), `call_of(event, raw, payload) -> answers.Call | None`: the call a tool event is
  about, which the entry hands to `answer` (no state kept in the module between the two).

Codex and Gemini CLI are checked against their sources (docs/agents/codex.md, gemini.md: the
commits read): Codex has no session-end event (Stop, after every turn, queues the rollout for
ingest), PreToolUse and PostToolUse cover its shell tools (`Bash`), apply_patch and MCP tools;
Gemini CLI's AfterAgent ends a turn (Stop), SessionEnd the session (it does not wait for the hook).
Copilot CLI 1.0.102 is checked end to end in the real-agent harness (tests/real_agents/): agentStop
ends a turn (Stop, with the events.jsonl to ingest). Cursor: a first table from its documentation
(docs/agents/cursor.md).
OpenCode 1.18.33 has no command hooks: lessonloop's own plugin runs the command (agents/opencode.py);
`session.start` is lessonloop's name for a session's first `chat.message`.
Kilo Code CLI 7.7.7 (an OpenCode fork) runs the same plugin, its hooks the same as OpenCode's, checked
end to end in the real-agent harness (agents/kilo.py): only the database a turn's end queues differs.
Qwen Code 0.24.4 (a Gemini CLI fork) has Claude Code's events and payloads under its own tool names,
checked end to end with the real CLI (agents/qwen.py): a headless run ends with Stop only.
Factory Droid 0.215.0 has Claude Code's events and answers under its own tool names (agents/droid.py):
no PostToolUseFailure (a failed call has no post-call hook), no UserPromptSubmit in `droid exec`.
Kimi Code 2.1.0 (agents/kimi.py) has Claude Code's event names in `[[hooks]]` of its config.toml, but
reads a context only from UserPromptSubmit and a deny from PreToolUse; its PostToolUseFailure's
`error` is the failed call's text.
Mistral Vibe 3.0.2 (agents/vibe.py) has three events in its hooks.toml: pre_tool, post_tool (a failed
call's too) and post_agent (a turn's end); none at a session's start or a prompt.
"""

AGENTS = ("claude", "codex", "gemini", "cursor", "copilot", "opencode", "qwen", "droid", "kimi", "vibe", "kilo")

HOOK_EVENTS: dict[str, dict[str, str]] = {
    "claude": {
        "SessionStart": "SessionStart",
        "UserPromptSubmit": "UserPromptSubmit",
        "PreToolUse": "PreToolUse",
        "PostToolUse": "PostToolUse",
        "PostToolUseFailure": "PostToolUseFailure",
        "Stop": "Stop",
        "SessionEnd": "SessionEnd",
    },
    "codex": {
        "SessionStart": "SessionStart",
        "UserPromptSubmit": "UserPromptSubmit",
        "PreToolUse": "PreToolUse",
        "PostToolUse": "PostToolUse",
        "Stop": "Stop",
    },
    "gemini": {
        "SessionStart": "SessionStart",
        "BeforeAgent": "UserPromptSubmit",
        "BeforeTool": "PreToolUse",
        "AfterTool": "PostToolUse",
        "AfterAgent": "Stop",
        "SessionEnd": "SessionEnd",
    },
    "cursor": {
        "sessionStart": "SessionStart",
        "preToolUse": "PreToolUse",
        "beforeShellExecution": "PreToolUse",
        "beforeMCPExecution": "PreToolUse",
        "postToolUse": "PostToolUse",
        "postToolUseFailure": "PostToolUseFailure",
        "afterFileEdit": "PostToolUse",
        "stop": "Stop",
        "sessionEnd": "SessionEnd",
    },
    "copilot": {
        "sessionStart": "SessionStart",
        "userPromptSubmitted": "UserPromptSubmit",
        "preToolUse": "PreToolUse",
        "postToolUse": "PostToolUse",
        "postToolUseFailure": "PostToolUseFailure",
        "agentStop": "Stop",
        "sessionEnd": "SessionEnd",
    },
    "qwen": {
        "SessionStart": "SessionStart",
        "UserPromptSubmit": "UserPromptSubmit",
        "PreToolUse": "PreToolUse",
        "PostToolUse": "PostToolUse",
        "PostToolUseFailure": "PostToolUseFailure",
        "Stop": "Stop",
        "SessionEnd": "SessionEnd",
    },
    "droid": {
        "SessionStart": "SessionStart",
        "UserPromptSubmit": "UserPromptSubmit",
        "PreToolUse": "PreToolUse",
        "PostToolUse": "PostToolUse",
        "Stop": "Stop",
        "SessionEnd": "SessionEnd",
    },
    "kimi": {
        "SessionStart": "SessionStart",
        "UserPromptSubmit": "UserPromptSubmit",
        "PreToolUse": "PreToolUse",
        "PostToolUse": "PostToolUse",
        "PostToolUseFailure": "PostToolUseFailure",
        "Stop": "Stop",
        "SessionEnd": "SessionEnd",
    },
    "vibe": {
        "pre_tool": "PreToolUse",
        "post_tool": "PostToolUse",
        "post_agent": "Stop",
    },
    "opencode": {  # lessonloop's plugin (install/opencode_plugin.js) calls these: agents/opencode.py
        "session.start": "SessionStart",
        "chat.message": "UserPromptSubmit",
        "tool.execute.before": "PreToolUse",
        "tool.execute.after": "PostToolUse",
        "session.idle": "Stop",
    },
    "kilo": {  # Kilo Code, an OpenCode fork: the same plugin, the same events (agents/kilo.py)
        "session.start": "SessionStart",
        "chat.message": "UserPromptSubmit",
        "tool.execute.before": "PreToolUse",
        "tool.execute.after": "PostToolUse",
        "session.idle": "Stop",
    },
}

# The agent events `hooks install --agent AGENT` writes (an event two of whose names reach the
# same handler is installed under one of them).
INSTALLED: dict[str, tuple[str, ...]] = {agent: tuple(events) for agent, events in HOOK_EVENTS.items()}
# Cursor: preToolUse covers every tool (beforeShellExecution and beforeMCPExecution would warn a
# second time), postToolUse/postToolUseFailure every result (afterFileEdit would store an edit
# twice); stop has nothing to do without a transcript (docs/agents/cursor.md).
INSTALLED["cursor"] = ("sessionStart", "preToolUse", "postToolUse", "postToolUseFailure", "sessionEnd")
