"""One Aider session's lines (from its "# aider chat started at" heading) -> normalized records.

How aider writes its chat history (aider/io.py): what the person typed as "#### " lines (a
multi-line input is consecutive "#### " lines; separate inputs have a blank line between them),
aider's own output as "> " lines (a multi-line output gets "> " on its first line only: the rest
of a /run output is plain lines), and the model's reply as plain Markdown. The reading:

- a run of "#### " lines is one input: a prompt, a slash command ("/run", "!", "/test", "/undo",
  "/git": also tool calls), or text aider typed itself ("<blank>", confirmations, the lint
  errors and /help questions it sends the model: "instructions");
- plain lines are the model's reply when they follow a prompt or come just before a
  "> Tokens: ..." line; else they are the output of the command being run (or of a tool line);
- the reply's SEARCH/REPLACE blocks are edit calls, settled by the "> " lines after them:
  "Applied edit to <path>" (ok), "SearchReplaceNoExactMatch ... in <path>" (error), "The LLM
  did not conform to the edit format." with no block listed (every block failed: nothing was
  applied), "Skipping edits to <path>" (rejected);
- "> ## Running: <cmd>" is a lint run that failed (aider shows only failing lints);
- "> Commit <sha> <message>" is a commit aider made; "> ^C KeyboardInterrupt" an interrupt;
- "> Tokens: ..." is the usage of the reply before it (usage_line.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lessonloop import json_codec
from lessonloop.analyze.redaction import Scope, redact, redact_tool_input
from lessonloop.capture.aider.edit_blocks import UPDATED, EditBlock, find_blocks, is_head, unified_diff
from lessonloop.capture.aider.usage_line import parse_token_report
from lessonloop.records import (
    EDIT,
    OTHER,
    SHELL,
    WRITE,
    Batch,
    MessageRecord,
    SessionRecord,
    TokenUsageRecord,
    ToolCallRecord,
    ToolResultRecord,
)

RESULT_EXCERPT_CHARS = 2_000
ERROR_TEXT_CHARS = 20_000
MESSAGE_TEXT_CHARS = 200_000
OUTPUT_LINES = 2_000  # lines of a command's output kept (the rest is counted, not stored)
UNKNOWN_MODEL = "unknown"

USER, TOOL, RAW = 0, 1, 2

_MODEL_LINE = re.compile(r"^(?:Main model|Models|Model): (\S+?)(?:⚡)? with ")
_COMMIT = re.compile(r"^Commit ([0-9a-f]{7,40}) (.*)$")
_NO_MATCH = re.compile(r"^## SearchReplaceNoExactMatch: .*? in (.+)$")
_APPLIED = "Applied edit to "
_SKIPPED = "Skipping edits to "
_NOT_CONFORM = "The LLM did not conform to the edit format."
_LINT_RUNNING = "## Running: "
_INTERRUPT = "^C KeyboardInterrupt"
_ADDED_OUTPUT = re.compile(r"^Added \d+ lines? of output to the chat\.")
_CONFIRMATION = re.compile(r"\(Y\)es/\(N\)o")
_AIDER_TYPED = ("# Fix any errors below, if possible.", "# Question: ")
_PROMPT_COMMANDS = frozenset({"/ask", "/code", "/architect", "/context"})
_SHELL_COMMANDS = {"/run": "run", "/test": "test", "/git": "git"}


def line_kind(line: str) -> int:
    """USER ("#### "), TOOL ("> ", or ">" alone) or RAW (anything else, blank lines too)."""
    if line.startswith("####") and (len(line) == 4 or line[4] == " "):
        return USER
    if line.startswith("> ") or line.rstrip() == ">":
        return TOOL
    return RAW


def classify(lines: list[str]) -> list[int]:
    """Each line's kind; inside a SEARCH/REPLACE block of plain text, "> " lines are the block's."""
    kinds = [line_kind(line) for line in lines]
    in_block = False
    for index, line in enumerate(lines):
        kind = kinds[index]
        if in_block:
            if kind == USER or line.startswith("> Tokens: "):
                in_block = False
            elif kind == TOOL:
                kinds[index] = RAW
            elif line.startswith(">>>>>") and UPDATED.match(line):
                in_block = False
        elif kind == RAW and line.startswith("<<<<<") and is_head(line):
            in_block = True
    return kinds


@dataclass(slots=True)
class Run:
    kind: int
    start: int  # index of its first line in the session
    end: int  # index after its last line
    blank: bool = False  # a RAW run of blank lines only


def runs_of(lines: list[str], kinds: list[int]) -> list[Run]:
    runs: list[Run] = []
    for index, kind in enumerate(kinds):
        if runs and runs[-1].kind == kind and runs[-1].end == index:
            runs[-1].end = index + 1
            if kind == RAW and runs[-1].blank and lines[index].strip():
                runs[-1].blank = False
        else:
            runs.append(Run(kind, index, index + 1, kind == RAW and not lines[index].strip()))
    return runs


def tool_text(line: str) -> str:
    return line[2:].rstrip() if len(line) > 2 else ""


def user_text(line: str) -> str:
    return line[5:].rstrip() if len(line) > 5 else ""


@dataclass(slots=True)
class _Pending:
    call_id: str
    block: EditBlock
    index: int  # its line in the session
    settled: bool = False


@dataclass(slots=True)
class _Command:
    call_id: str
    tool: str
    output: list[str] = field(default_factory=list)
    omitted: int = 0
    interrupted: bool = False
    failed: bool = False  # /test: its output went to the model
    removed: bool = False  # /undo: "Removed: <sha>" seen
    seq: int = 0


class SessionReader:
    """Turns one session's lines into records of `batch` (one reader per session read)."""

    def __init__(self, session: SessionRecord, batch: Batch, first_lineno: int) -> None:
        self.session = session
        self.batch = batch
        self.first_lineno = first_lineno  # the file's line number of lines[0]
        self.pending: list[_Pending] = []
        self.failure_seen = False  # "did not conform" after the pending blocks
        self.failure_listed = False  # ... naming the blocks that failed
        self.settled_any = False  # an outcome line came after the pending blocks
        self.command: _Command | None = None
        self.last_input: str | None = None  # the kind of the last input message

    # ------------------------------------------------------------------ helpers

    def _redact(self, text: str, limit: int, scope: Scope) -> str:
        if len(text) > limit:
            text = text[:limit] + f"\n[... {len(text) - limit:,} more characters not stored]"
        cleaned, count = redact(text, scope)
        if count:
            self.batch.redactions += count
        return cleaned

    def _id(self, index: int) -> str:
        return f"{self.session.id}:{index}"

    def _message(self, index: int, role: str, kind: str, text: str | None, scope: Scope = "prose") -> None:
        self.batch.messages.append(
            MessageRecord(
                session_id=self.session.id,
                uuid=str(index),
                parent_uuid=None,
                seq=self.first_lineno + index,
                ts=None,
                role=role,
                kind=kind,
                text=self._redact(text, MESSAGE_TEXT_CHARS, scope) if text is not None else None,
            )
        )

    def _call(
        self, index: int, tool: str, kind: str, tool_input: dict[str, object], command: str | None, target: str | None
    ) -> str:
        cleaned, count = redact_tool_input(tool_input)
        self.batch.redactions += count
        call_id = self._id(index)
        redacted_command = cleaned.get("command") if command is not None else None
        self.batch.tool_calls.append(
            ToolCallRecord(
                id=call_id,
                session_id=self.session.id,
                message_uuid=None,
                seq=self.first_lineno + index,
                ts=None,
                tool=tool,
                input_json=json_codec.dumps(cleaned),
                target_path=target,
                command=redacted_command if isinstance(redacted_command, str) else command,
                cwd=self.session.cwd,
                kind=kind,
            )
        )
        return call_id

    def _result(
        self,
        call_id: str,
        seq: int,
        status: str,
        *,
        exit_code: int | None = None,
        text: str | None = None,
        diff: tuple[str, int, int] | None = None,
    ) -> None:
        ok = status == "ok"
        result = ToolResultRecord(tool_use_id=call_id, seq=seq, ts=None, ok=ok, status=status, exit_code=exit_code)
        if text:
            if ok:
                result.result_text = self._redact(text, RESULT_EXCERPT_CHARS, "output")
            else:
                result.error_text = self._redact(text, ERROR_TEXT_CHARS, "output")
        if diff is not None:
            result.diff = self._redact(diff[0], 10 * MESSAGE_TEXT_CHARS, "code")
            result.lines_added, result.lines_removed = diff[1], diff[2]
        self.batch.tool_results.append(result)

    # ------------------------------------------------------------------ the session

    def read(self, lines: list[str]) -> None:
        kinds = classify(lines)
        runs = runs_of(lines, kinds)
        significant = [run for run in runs if not run.blank]
        for position, run in enumerate(significant):
            if run.kind == USER:
                self._finish_turn(run.start)
                self._input(lines, run)
            elif run.kind == TOOL:
                self._tool_lines(lines, run)
            else:
                before = significant[position - 1] if position > 0 else None
                after = significant[position + 1] if position + 1 < len(significant) else None
                replies_to_input = (
                    before is not None and before.kind == USER and self.last_input in ("prompt", "instructions")
                )
                before_tokens = (
                    after is not None and after.kind == TOOL and tool_text(lines[after.start]).startswith("Tokens: ")
                )
                if replies_to_input or before_tokens:
                    self._reply(lines, run)
                elif self.command is not None:
                    self._output(lines[run.start : run.end])
        self._finish_turn(len(lines))

    def _input(self, lines: list[str], run: Run) -> None:
        texts = [user_text(line) for line in lines[run.start : run.end]]
        text = "\n".join(texts).strip()
        first = texts[0].strip() if texts else ""
        if not text or text == "<blank>":
            self.last_input = None
            return
        if first.startswith(_AIDER_TYPED):
            kind = "instructions"
        elif _CONFIRMATION.search(first):
            kind = "system"
        elif first.startswith(("!", "/")):
            kind = self._command(run.start, first)
        else:
            kind = "prompt"
        self.last_input = kind
        self._message(run.start, "user", kind, text, "command" if kind == "command" else "prose")

    def _command(self, index: int, first: str) -> str:
        """The kind of a slash or bang input; starts the tool call of the commands that are one."""
        if first.startswith("!"):
            name, args = "/run", first[1:].strip()
        else:
            name, _, args = first.partition(" ")
            args = args.strip()
        if name in _PROMPT_COMMANDS and args:
            return "prompt"  # a question or request to the model, in a mode
        tool = _SHELL_COMMANDS.get(name)
        if tool is not None and args:
            command = f"git {args}" if tool == "git" else args
            call_id = self._call(index, tool, SHELL, {"command": command}, command, None)
            self.command = _Command(call_id, tool, seq=self.first_lineno + index)
        elif name == "/undo":
            call_id = self._call(index, "undo", OTHER, {"command": "/undo"}, None, None)
            self.command = _Command(call_id, "undo", seq=self.first_lineno + index)
        return "command"

    def _output(self, lines: list[str]) -> None:
        command = self.command
        if command is None:
            return
        room = OUTPUT_LINES - len(command.output)
        if room > 0:
            command.output.extend(lines[:room])
        command.omitted += max(0, len(lines) - max(room, 0))

    def _reply(self, lines: list[str], run: Run) -> None:
        if self.command is not None and self.command.tool == "test":
            self.command.failed = True  # its output was sent to the model, as aider does on a failure
        if self.settled_any or self.failure_seen:
            self._settle_pending()
        body = lines[run.start : run.end]
        self._message(run.start, "assistant", "assistant", "\n".join(body).strip())
        for block in find_blocks(body):
            index = run.start + block.line
            creates = not block.search.strip()
            call_id = self._call(
                index,
                "edit_block",
                WRITE if creates else EDIT,
                {"file_path": block.path, "old_string": block.search, "new_string": block.replace},
                None,
                block.path,
            )
            self.pending.append(_Pending(call_id, block, index))

    def _tool_lines(self, lines: list[str], run: Run) -> None:
        index = run.start
        while index < run.end:
            text = tool_text(lines[index])
            if text.startswith("Tokens: "):
                self._usage(index, text)
            elif text.startswith(_APPLIED):
                self._settle_path(text[len(_APPLIED) :].strip(), index, "ok")
            elif text.startswith(_SKIPPED):
                self._settle_path(text[len(_SKIPPED) :].strip(), index, "rejected")
            elif text == _NOT_CONFORM:
                self.failure_seen = True
            elif text.startswith("## SearchReplaceNoExactMatch: "):
                end = index + 1
                while end < run.end and not tool_text(lines[end]).startswith("## "):
                    end += 1
                self._failed_block(text, [tool_text(line) for line in lines[index:end]], index)
                index = end
                continue
            elif text.startswith(_LINT_RUNNING):
                end = index + 1
                while end < run.end and not tool_text(lines[end]).startswith(("Fix lint errors", "Attempt to fix")):
                    end += 1
                self._lint(index, text[len(_LINT_RUNNING) :].strip(), [tool_text(line) for line in lines[index:end]])
                index = end
                continue
            elif text.startswith("Commit "):
                match = _COMMIT.match(text)
                if match is not None:
                    self._commit(index, match.group(1), match.group(2))
            elif text == _INTERRUPT:
                self._message(index, "user", "interrupt", text)
                if self.command is not None:
                    self.command.interrupted = True
            elif self.session.model is None and text.startswith(("Model", "Main model")):
                match = _MODEL_LINE.match(text)
                if match is not None:
                    self.session.model = match.group(1)
            elif self.command is not None:
                if self.command.tool == "undo" and text.startswith("Removed: "):
                    self.command.removed = True
                elif self.command.tool == "test" and _ADDED_OUTPUT.match(text):
                    self.command.failed = True
                self._output([text])
            index += 1

    # ------------------------------------------------------------------ outcomes

    def _usage(self, index: int, text: str) -> None:
        report = parse_token_report(text)
        if report is None:
            return
        key = (self.session.id, str(index))
        self.batch.usage[key] = TokenUsageRecord(
            message_id=self.session.id,
            request_id=str(index),
            session_id=self.session.id,
            model=self.session.model or UNKNOWN_MODEL,
            ts=None,
            input_tokens=report.input_tokens,
            output_tokens=report.received,
            cache_creation_tokens=report.cache_write,
            cache_read_tokens=report.cache_hit,
            cost_usd=report.cost_usd,
        )

    def _settle_path(self, path: str, index: int, status: str) -> None:
        self.settled_any = True
        for pending in self.pending:
            if not pending.settled and pending.block.path == path:
                self._settle(pending, index, status)

    def _failed_block(self, first: str, text: list[str], index: int) -> None:
        self.failure_seen = self.failure_listed = True
        match = _NO_MATCH.match(first)
        path = match.group(1).strip() if match is not None else None
        candidates = [p for p in self.pending if not p.settled]
        chosen = next((p for p in candidates if p.block.path == path), candidates[0] if candidates else None)
        if chosen is not None:
            self._settle(chosen, index, "error", "\n".join(text))

    def _settle(self, pending: _Pending, index: int, status: str, text: str | None = None) -> None:
        pending.settled = True
        diff = unified_diff(pending.block.search, pending.block.replace) if status == "ok" else None
        self._result(pending.call_id, self.first_lineno + index, status, text=text, diff=diff)

    def _settle_pending(self) -> None:
        """The blocks of the last reply whose outcome no line named: after a reported failure,
        applied when the failing ones were listed (aider applies the others), else failed with
        the reply (a malformed reply applies nothing). Without a failure: no outcome known."""
        if self.failure_seen:
            status = "ok" if self.failure_listed else "error"
            text = None if self.failure_listed else _NOT_CONFORM
            for pending in self.pending:
                if not pending.settled:
                    self._settle(pending, pending.index, status, text)
        self.pending = []
        self.failure_seen = self.failure_listed = self.settled_any = False

    def _lint(self, index: int, command: str, output: list[str]) -> None:
        call_id = self._call(index, "lint", SHELL, {"command": command}, command, None)
        self._result(call_id, self.first_lineno + index, "error", text="\n".join(output))

    def _commit(self, index: int, sha: str, message: str) -> None:
        call_id = self._call(
            index, "commit", OTHER, {"command": "git commit", "sha": sha, "message": message}, None, None
        )
        self._result(call_id, self.first_lineno + index, "ok", text=f"{sha} {message}")

    def _finish_turn(self, index: int) -> None:
        """An input or the session's end closes the command being run and the pending blocks."""
        self._settle_pending()
        command = self.command
        if command is None:
            return
        self.command = None
        output = "\n".join(command.output).strip()
        if command.omitted:
            output += f"\n[... {command.omitted:,} more lines not stored]"
        if command.interrupted:
            status, exit_code = "interrupted", None
        elif command.tool == "test":
            status, exit_code = ("error", None) if command.failed else ("ok", 0)
        elif command.tool == "undo":
            status, exit_code = ("ok", None) if command.removed else ("error", None)
        else:
            status, exit_code = "ok", None  # /run and /git: aider does not write the exit status
        self._result(command.call_id, command.seq, status, exit_code=exit_code, text=output or None)
