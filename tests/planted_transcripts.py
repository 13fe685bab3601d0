"""Claude Code transcripts with a planted secret in every place a transcript can hold text.

`write_planted_session` writes one main session (and its subagent) holding one planted line in
each of these places, as Claude Code 2.1.x writes them (../shared/docs/agent-formats.md):
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.transcript_builder import TranscriptBuilder

CWD = "/home/dev/planted"
PLACES = (
    "custom title",
    "typed prompt",
    "prompt as text blocks",
    "thinking",
    "assistant text",
    "Bash command and description",
    "Bash output (tool_result string, toolUseResult stdout and stderr)",
    "Bash failure (is_error result, toolUseResult error string)",
    "Edit old_string and new_string, toolUseResult originalFile and structuredPatch",
    "MultiEdit edits",
    "Write content and its toolUseResult",
    "NotebookEdit new_source",
    "Read result (toolUseResult file content)",
    "Grep pattern, tool_result as a list of blocks",
    "WebFetch url and prompt, WebSearch query",
    "TodoWrite todos",
    "an MCP tool's input with secret-named keys",
    "Task prompt and description, its result, the subagent's meta and transcript",
    "rejection with the person's reason",
    "interrupt, then a typed correction",
    "slash command arguments",
    "bash mode input and output",
    "local command output",
    "API error",
    "compaction summary",
    "summary record",
)


def write_planted_session(root: Path, line: str, index: int, file_line: str | None = None) -> str:
    """Write the session holding `line` in every place of PLACES under `root` (`file_line`, when
    given, in the places that hold a file's contents: edits, writes, reads); its session id."""
    code = file_line or line
    session_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"planted/{index}"))
    start = datetime(2026, 11, 2, 9, 0, 0, tzinfo=UTC) + timedelta(hours=index)
    b = TranscriptBuilder(session_id=session_id, cwd=CWD, start=start)
    b._envelope("custom-title", customTitle=f"Title: {line}")
    b.prompt(f"Please set up the deployment with this:\n{line}")
    b.prompt([{"type": "text", "text": f"Also this one:\n{line}"}])
    b.assistant([{"type": "thinking", "thinking": f"The person gave me\n{line}", "signature": "c2ln"}])
    b.say(f"I will use this:\n{line}")
    tool_id = b.tool_use("Bash", {"command": line, "description": f"Run {line}"})
    b.tool_result(
        tool_id,
        f"ran: {line}",
        is_error=False,
        tool_use_result={"stdout": f"out: {line}", "stderr": f"err: {line}", "interrupted": False, "isImage": False},
    )
    b.bash(f"deploy-check {line}", f"error: rejected\n{line}", exit_code=1)
    tool_id = b.tool_use(
        "Edit", {"file_path": "/home/dev/planted/settings.env", "old_string": code, "new_string": f"{code}\n# x"}
    )
    b.tool_result(
        tool_id,
        "The file /home/dev/planted/settings.env has been updated successfully.",
        tool_use_result={
            "filePath": "/home/dev/planted/settings.env",
            "oldString": code,
            "newString": f"{code}\n# x",
            "originalFile": f"# settings\n{code}\n",
            "structuredPatch": [
                {"oldStart": 2, "oldLines": 1, "newStart": 2, "newLines": 2, "lines": [f"-{code}", f"+{code}", "+# x"]}
            ],
            "userModified": False,
            "replaceAll": False,
        },
    )
    tool_id = b.tool_use(
        "MultiEdit",
        {"file_path": "/home/dev/planted/app.cfg", "edits": [{"old_string": "placeholder", "new_string": code}]},
    )
    b.tool_result(tool_id, "Applied 1 edit to /home/dev/planted/app.cfg")
    tool_id = b.tool_use("Write", {"file_path": "/home/dev/planted/.env", "content": f"{code}\n"})
    b.tool_result(
        tool_id,
        "File created successfully at: /home/dev/planted/.env",
        tool_use_result={"type": "create", "filePath": "/home/dev/planted/.env", "content": f"{code}\n",
                         "structuredPatch": [], "originalFile": None},
    )  # fmt: skip
    tool_id = b.tool_use(
        "NotebookEdit", {"notebook_path": "/home/dev/planted/nb.ipynb", "cell_id": "c1", "new_source": code}
    )
    b.tool_result(tool_id, "Updated cell c1")
    tool_id = b.tool_use("Read", {"file_path": "/home/dev/planted/config.txt"})
    b.tool_result(
        tool_id,
        f"     1\u2192{code}\n",
        tool_use_result={"type": "text", "file": {"filePath": "/home/dev/planted/config.txt", "content": code,
                                                   "numLines": 1, "startLine": 1, "totalLines": 1}},
    )  # fmt: skip
    tool_id = b.tool_use("Grep", {"pattern": line, "path": "/home/dev/planted", "output_mode": "content"})
    b.tool_result(tool_id, [{"type": "text", "text": f"config.txt:1:{line}"}])
    tool_id = b.tool_use("WebFetch", {"url": f"https://example.com/search?q={line}", "prompt": f"Find {line}"})
    b.tool_result(tool_id, f"Found {line}")
    tool_id = b.tool_use("WebSearch", {"query": line})
    b.tool_result(tool_id, f"Results for {line}")
    tool_id = b.tool_use("TodoWrite", {"todos": [{"content": line, "status": "pending", "activeForm": line}]})
    b.tool_result(tool_id, "Todos have been modified successfully.")
    tool_id = b.tool_use(
        "mcp__db__query", {"sql": line, "password": "McpPassw0rdQ7x9", "connection": {"api_key": "McpKeyQ7x9Lm2Vn4"}}
    )
    b.tool_result(tool_id, [{"type": "text", "text": f"rows for {line}"}])
    agent_id = f"a{index:06x}"
    task_id = b.tool_use(
        "Task",
        {"description": f"Check {line}", "prompt": f"Look into this:\n{line}", "subagent_type": "general-purpose"},
    )
    b.tool_result(
        task_id,
        [{"type": "text", "text": f"Subagent found {line}"}],
        tool_use_result={"status": "completed", "agentId": agent_id, "content": [{"type": "text", "text": line}],
                         "totalDurationMs": 10, "totalTokens": 10, "totalToolUseCount": 1},
    )  # fmt: skip
    tool_id = b.tool_use("Bash", {"command": line, "description": "try again"})
    b.tool_result(
        tool_id,
        "The user doesn't want to proceed with this tool use. The tool use was rejected (eg. if it was a file "
        f"edit, the new_string was NOT written to the file). To tell you how to proceed, the user said:\n{line}",
        is_error=True,
        tool_use_result="User rejected tool use",
    )
    b.prompt("[Request interrupted by user for tool use]")
    b.prompt(f"No, don't do that, run it with {line} instead")
    b.prompt(
        f"<command-name>/deploy</command-name>\n<command-message>deploy</command-message>\n<command-args>{line}</command-args>"
    )
    b.prompt(f"<bash-input>{line}</bash-input>")
    b.prompt(f"<bash-stdout>{line}</bash-stdout><bash-stderr>{line}</bash-stderr>")
    b.system("local_command", content=f"<local-command-stdout>{line}</local-command-stdout>")
    b.system("api_error", error={"message": line, "status": 401})
    b.system(
        "compact_boundary", content="Conversation compacted", compactMetadata={"trigger": "auto", "preTokens": 1000}
    )
    b.prompt(f"This session is being continued. Summary:\n{line}", isCompactSummary=True)
    folder = root / "-home-dev-planted"
    path = b.write(folder / f"{session_id}.jsonl")
    leaf = b.records[-1]["uuid"]
    with path.open("a") as out:
        out.write(json.dumps({"type": "summary", "summary": f"Summary: {line}", "leafUuid": leaf}) + "\n")
    sub = TranscriptBuilder(session_id=session_id, cwd=CWD, agent_id=agent_id, start=start + timedelta(minutes=30))
    sub.prompt(f"Look into this:\n{line}")
    sub.bash(line, f"sub out {line}")
    sub.say(f"Found {line}")
    sub_path = sub.write(folder / session_id / "subagents" / f"agent-{agent_id}.jsonl")
    sub_path.with_name(f"agent-{agent_id}.meta.json").write_text(
        json.dumps({"agentType": "general-purpose", "description": f"Check {line}", "toolUseId": task_id})
    )
    return session_id


MCP_SECRETS = ("McpPassw0rdQ7x9", "McpKeyQ7x9Lm2Vn4")
