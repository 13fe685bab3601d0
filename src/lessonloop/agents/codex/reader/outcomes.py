"""What a tool call's output says about its outcome: ok, error, rejected (the person declined to
approve it) or interrupted, and the exit code of a command.

Where each shape comes from (codex-rs/core):
- the classic `shell` tool's output is JSON `{"output": ..., "metadata": {"exit_code", "duration_seconds"}}`
  (apply_patch's custom tool output too);
- the freeform shell output starts `Exit code: N` then `Wall time: ...` and `Output:`;
- unified exec (`exec_command`, `write_stdin`) writes `Chunk ID`, `Wall time`, then
  `Process exited with code N` or `Process running with session ID N` (not finished yet);
- a declined approval is `exec command rejected by user` / `patch rejected by user` (also with the
  reason after a colon), the guardian's `This action was rejected due to unacceptable risk...`;
- a command the exec policy refused: `` `CMD` rejected: blocked by policy `` (an error: no person
  declined it, the agent ran what is forbidden); PowerShell's error record (`+ CategoryInfo :`,
  `+ FullyQualifiedErrorId :`) in an output whose exit code is 0 (an error: a cmdlet failed);
- a turn interrupted before a call's output is filled with `aborted` (`aborted by user`); a command
  stopped while it ran, with `Wall time: N seconds` then `aborted by user`;
- a tool not offered in the current mode: `request_user_input is unavailable in Code mode`;
- failures of the harness itself: `apply_patch verification failed`, `Failed to find expected
  lines`, `failed in sandbox`, `sandbox denied`, `execution error`, `command timed out`, ...;
- apply_patch's own failures without an exit code (codex-rs apply-patch: parser.rs `invalid patch:
  ...`, `invalid hunk at line N, ...`; lib.rs `Failed to find context '...' in PATH`, `Failed to
  read file to update PATH: ...`, `Failed to write file PATH`, `Failed to delete file PATH`,
  `Failed to create parent directories for PATH`), read as errors whatever the tool's name, also
  after `error: ` (a patch sent through the shell tool, older Codex: agents/codex/reader/outputs.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lessonloop.agents.codex.reader.outputs import harness_failed
from lessonloop.core import json_codec

_EXIT_LINE = re.compile(r"^(?:Exit code: (-?\d+)|Process exited with code (-?\d+))\s*$", re.MULTILINE)
_RUNNING = re.compile(r"^Process running with session ID (\d+)\s*$", re.MULTILINE)
_REJECTED = ("exec command rejected by user", "patch rejected by user", "rejected by user")
_REJECTED_WITH_REASON = tuple(f"{text}:" for text in _REJECTED)
_REJECTED_CHARS = 400  # a rejection is the harness's short message, not a command's output
_GUARDIAN = "This action was rejected due to unacceptable risk"
# A command the exec policy (or the automatic approval review) refused: "`CMD` rejected: REASON"
# (`blocked by policy`). Codex's exec_command_end says `declined`, but no person declined it: the
# agent ran what the policy forbids, a failure to learn from (an error, not a rejection).
_POLICY_REJECTED = re.compile(r"^`.*` rejected: [^\n`]{1,200}$", re.S)
# PowerShell's error record: a cmdlet that failed without stopping the script (exit code 0).
_POWERSHELL_ERROR = re.compile(r"^ *\+ CategoryInfo *: [^\n]*\r?\n *\+ FullyQualifiedErrorId *: ", re.M)
_ABORTED = ("aborted", "aborted by user")
# A command stopped while it ran: its time so far, then the abort (issue 26: these were ok).
_ABORTED_AFTER = re.compile(r"^Wall time: [\d.]+ seconds?\s*\n\s*aborted(?: by user)?\s*$")
# A tool the harness would not run in this mode answers the model so (codex-rs RespondToModel):
# "request_user_input is unavailable in Code mode".
_UNAVAILABLE = re.compile(r"^[\w.:-]{1,80} is unavailable in [\w -]{1,40} mode\b")
_HEAD_CHARS = 400


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str  # ok | error | rejected | interrupted
    exit_code: int | None
    text: str  # the output as text (the command's output for JSON-wrapped results)
    running: bool = False  # a unified exec process still running (its end comes later)
    session: str | None = None  # that process's session id


def output_text(value: Any) -> str:
    """A function_call_output's `output` as text: a string, or content items' texts."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        content = value.get("content")
        if isinstance(content, str):
            return content
        value = content if isinstance(content, list) else value.get("content_items")
    if isinstance(value, list):
        parts = [item.get("text") for item in value if isinstance(item, dict)]
        return "\n".join(part for part in parts if isinstance(part, str))
    return ""


def explicit_failure(value: Any) -> bool:
    """An output object whose `success` is false (function outputs carry it in some versions)."""
    return isinstance(value, dict) and value.get("success") is False


def outcome_of(raw_output: Any) -> Outcome:
    """The outcome a call's output reports."""
    text = output_text(raw_output)
    exit_code: int | None = None
    stripped = text.strip()
    if stripped.startswith("{") and '"metadata"' in stripped:
        try:
            data = json_codec.loads(stripped)
        except json_codec.JSONDecodeError:
            data = None
        if isinstance(data, dict) and isinstance(data.get("metadata"), dict):
            code = data["metadata"].get("exit_code")
            exit_code = code if isinstance(code, int) and not isinstance(code, bool) else None
            inner = data.get("output")
            text = inner if isinstance(inner, str) else text
            stripped = text.strip()
    lowered = stripped[:_HEAD_CHARS]
    rejected = lowered in _REJECTED or (len(stripped) < _REJECTED_CHARS and lowered.startswith(_REJECTED_WITH_REASON))
    if rejected or lowered.startswith(_GUARDIAN):
        return Outcome("rejected", exit_code, text)
    if lowered in _ABORTED or lowered.startswith("aborted by user") or _ABORTED_AFTER.match(stripped):
        return Outcome("interrupted", exit_code, text)
    head = text[: _HEAD_CHARS * 4]
    if exit_code is None:
        match = _EXIT_LINE.search(head)
        if match is not None:
            exit_code = int(match.group(1) or match.group(2))
    running = _RUNNING.search(head) if exit_code is None else None
    failed = explicit_failure(raw_output) or (exit_code is not None and exit_code != 0)
    if not failed and exit_code is None:
        failed = harness_failed(stripped) or _UNAVAILABLE.match(stripped) is not None
    failed = failed or policy_refused(stripped) or powershell_error(text)
    if failed:
        return Outcome("error", exit_code, text)
    if running is not None:
        return Outcome("ok", None, text, running=True, session=running.group(1))
    return Outcome("ok", exit_code, text)


def policy_refused(text: str) -> bool:
    """Whether an output is the exec policy's refusal: "`CMD` rejected: blocked by policy"."""
    return _POLICY_REJECTED.match(text.strip()) is not None


def powershell_error(text: str) -> bool:
    """Whether an output holds PowerShell's error record (`+ CategoryInfo : ...` then
    `+ FullyQualifiedErrorId : ...`): a cmdlet failed though the command exited 0."""
    return _POWERSHELL_ERROR.search(text) is not None
