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
  applied), "Skipping edits to <path>" (rejected); edit formats that write no SEARCH/REPLACE
  blocks (whole, udiff, patch) leave only those lines: with no block pending, "Applied edit to
  <path>" / "Skipping edits to <path>" is an `edit_file` call of its own (ok / rejected) and
  udiff's "UnifiedDiffNoMatch: ..." / "UnifiedDiffNotUnique: ..." a failed one (udiff_coder.py);
- "> ## Running: <cmd>" is a lint run that failed (aider shows only failing lints);
- "> Commit <sha> <message>" is a commit aider made; "> ^C KeyboardInterrupt" an interrupt;
- "> Tokens: ..." is the usage of the reply before it (usage_line.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from lessonloop.agents.aider.reader.edit_blocks import DIVIDER, HEAD, EditBlock, find_blocks, unified_diff
from lessonloop.agents.aider.reader.usage_line import cost_of, parse_token_report
from lessonloop.capture.parsing import ERROR_TEXT_CHARS, MESSAGE_TEXT_CHARS, RESULT_EXCERPT_CHARS, clipped
from lessonloop.core import json_codec
from lessonloop.core.records import (
    EDIT,
    OTHER,
    READ,
    SHELL,
    WRITE,
    Batch,
    MessageRecord,
    SessionRecord,
    TokenUsageRecord,
    ToolCallRecord,
    ToolResultRecord,
)
from lessonloop.core.timestamps import format_timestamp
from lessonloop.secrets.redaction import Scope, redact, redact_tool_input

OUTPUT_LINES = 2_000  # lines of a command's output kept (the rest is counted, not stored)
UNKNOWN_MODEL = "unknown"

USER, TOOL, RAW = 0, 1, 2

_MODEL_LINE = re.compile(r"^(?:Main model|Models|Model): (\S+?)(?:⚡)? with ")
_COMMIT = re.compile(r"^Commit ([0-9a-f]{7,40}) (.*)$")
_NO_MATCH = re.compile(r"^## SearchReplaceNoExactMatch: .*? in (.+)$")
_APPLIED = "Applied edit to "
_SKIPPED = "Skipping edits to "
_NOT_CONFORM = "The LLM did not conform to the edit format."
# after "did not conform", aider echoes the reply up to the line it could not parse, then says what
# it expected there (editblock_coder.py): "^^^ Expected `>>>>>>> REPLACE` not `=======`"
_POINTER = "^^^ "
_UDIFF_FAILED = ("UnifiedDiffNoMatch: ", "UnifiedDiffNotUnique: ")
_LINT_RUNNING = "## Running: "
_INTERRUPT = "^C KeyboardInterrupt"
_ADDED_OUTPUT = re.compile(r"^Added \d+ lines? of output to the chat\.")
_CONFIRMATION = re.compile(r"\(Y\)es/\(N\)o")
_AIDER_TYPED = ("# Fix any errors below, if possible.", "# Question: ")
# Commands whose text goes to a model: the person's prompt. /help <question> asks aider's help
# model; aider then writes the question again as "# Question: ..." (its own: "instructions").
# /ask, /code, /architect and /context run a coder with the text, which writes it again as an
# input of its own (io.user_input in Coder.run): the same words, aider's echo, not a second prompt.
_PROMPT_COMMANDS = frozenset({"/ask", "/code", "/architect", "/context", "/help"})
# Aider's commands (aider/commands.py, versions 0.4x to 0.8x): a unique prefix of one runs it
# ("/as" is /ask), as aider's matching_commands does; an exact name wins over longer ones.
_AIDER_COMMANDS = (
    "/add", "/architect", "/ask", "/chat-mode", "/clear", "/clipboard", "/code", "/commit", "/context",
    "/copy", "/copy-context", "/diff", "/drop", "/edit", "/editor", "/editor-model", "/exit", "/git",
    "/help", "/lint", "/load", "/ls", "/map", "/map-refresh", "/model", "/models", "/multiline-mode",
    "/ok", "/paste", "/quit", "/read-only", "/reasoning-effort", "/report", "/reset", "/run", "/save",
    "/settings", "/test", "/think-tokens", "/tokens", "/undo", "/voice", "/weak-model", "/web",
)  # fmt: skip
_ADD_COMMANDS = frozenset({"/add", "/read-only", "/read"})  # files put in the chat (aider's /read: older /read-only)
# "Added <path> to the chat." (/add, files named on aider's command line, files the person agreed to
# add) and "Added <path> to read-only files." (/read-only): the model has the file's whole text.
_ADDED_FILE = re.compile(r"^Added (\S(?:.*\S)?) to (the chat|read-only(?: files)?)\.?\s*$")
# The person agreeing to add files the model named: "Add these files to the chat? y" after their
# paths (older), or "Add file to the chat? (Y)es/(N)o/... [Yes]: y" after its path (newer).
_ADD_CONFIRM = re.compile(r"^Add (these files|file) to the chat\?(?:.*\]:)?\s*(\w+)\s*$")
_YES = frozenset({"y", "yes", "a", "all"})
_SHELL_COMMANDS = {"/run": "run", "/test": "test", "/git": "git"}

# The session is read from its whole text, not line by line (~100k lines in a 4 MB history):
# one regex finds each run of USER lines ("####" alone or "#### ..."), each run of TOOL lines
# ("> ..." or ">" with only blanks after it) and each SEARCH marker of a block; the lines between
# them are RAW. The patterns start with the newline before a line (the text is read with a
# newline put before it): a literal first character is searched for fast, a "^" is tried at
# every character. ([^\S\n] is str.isspace() without the newline, as str.rstrip() reads.)
_USER_LINE = r"####(?:[ ][^\n]*)?(?=\n|\Z)"
_TOOL_LINE = r">(?:[ ][^\n]*|[^\S\n]*)(?=\n|\Z)"
_RUNS = re.compile(
    rf"\n(?:(?P<user>{_USER_LINE}(?:\n{_USER_LINE})*)|(?P<tool>{_TOOL_LINE}(?:\n{_TOOL_LINE})*)"
    r"|(?P<head><{5,9}[ ]SEARCH[^\S\n]*(?=\n|\Z)))"
)
# Inside a SEARCH/REPLACE block "> " lines are the block's (RAW) until a USER line, a "> Tokens: "
# line or the block's REPLACE marker (edit_blocks.UPDATED).
_BLOCK_END = re.compile(
    rf"\n(?:(?P<user>{_USER_LINE})|(?P<tokens>> Tokens: )|(?P<updated>>{{5,9}} REPLACE[^\S\n]*(?=\n|\Z)))"
)
# TOOL lines that may mean more than output (a superset: _tool_line decides exactly): one line, and
# the same after the newline before a line (a literal first character, as above).
_NOTABLE_TEXT = (
    r"> (?:Tokens: |Applied edit to |Skipping edits to |The LLM did not conform|## SearchReplaceNoExactMatch: "
    r"|## Running: |Commit |\^C KeyboardInterrupt|Model|Main model|Removed: |Added |Add these files to the chat|Add file to the chat|UnifiedDiffNo"
    r"|\^\^\^ )"
)
_NOTABLE = re.compile(_NOTABLE_TEXT)
_NOTABLE_LINE = re.compile("\n" + _NOTABLE_TEXT)


@dataclass(slots=True)
class Run:
    """Consecutive lines of one kind: lines[start:end] of the session, text[begin:finish]."""

    kind: int
    start: int  # index of its first line in the session
    end: int  # index after its last line
    begin: int  # offset of its first character in the session's text
    finish: int  # offset after its last character (its last newline left out)


def runs_of(text: str) -> list[Run]:
    """The runs of the session's text (its lines joined by newlines), blank RAW runs left out.

    A line's kind: USER ("####" alone or followed by a space), TOOL ("> ", or ">" with only
    blanks after it) or RAW (anything else); inside a SEARCH/REPLACE block of RAW text, TOOL
    lines are the block's (RAW) until its end (see _BLOCK_END)."""
    runs: list[Run] = []
    padded = "\n" + text  # padded[o] is the newline before the line at text[o]
    last = len(padded)
    line = pos = 0  # text[pos] starts line number `line`
    raw_line = raw_pos = 0  # where the RAW lines not yet in a run start
    search = _RUNS.search
    count = text.count
    ended = False
    while True:
        match = search(padded, pos)
        if match is None:
            break
        begin = match.start()  # its first line starts at text[begin]
        at = line + count("\n", pos, begin)
        finish = match.end() - 1  # in text
        if match.lastgroup == "head":
            if match.end() == last:
                break  # the last line: RAW
            block_end = _BLOCK_END.search(padded, match.end())
            if block_end is None:
                break  # the block runs to the end: RAW
            end_line = at + 1 + count("\n", finish + 1, block_end.start())
            if block_end.lastgroup == "updated":
                if block_end.end() == last:
                    break
                line, pos = end_line + 1, block_end.end()
            else:
                line, pos = end_line, block_end.start()
            continue
        if at > raw_line:
            _raw_run(runs, text, raw_line, at, raw_pos, begin - 1)
        end = at + match.group().count("\n")
        runs.append(Run(USER if match.lastgroup == "user" else TOOL, at, end, begin, finish))
        if match.end() == last:
            ended = True
            break
        line = raw_line = end
        pos = raw_pos = match.end()
    if not ended:
        _raw_run(runs, text, raw_line, line + count("\n", pos) + 1, raw_pos, len(text))
    return runs


def _first_line(text: str, run: Run) -> str:
    newline = text.find("\n", run.begin, run.finish)
    return text[run.begin : newline if newline >= 0 else run.finish]


def _raw_run(runs: list[Run], text: str, start: int, end: int, begin: int, finish: int) -> None:
    if text[begin:finish].strip():  # a run of blank lines only is left out
        runs.append(Run(RAW, start, end, begin, finish))


def tool_text(line: str) -> str:
    return line[2:].rstrip()


def user_text(line: str) -> str:
    return line[5:].rstrip()


def _words(text: str) -> str:
    """A text compared without its spacing (aider's echo of a /ask question adds a space)."""
    return " ".join(text.split())


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

    def __init__(
        self,
        session: SessionRecord,
        batch: Batch,
        first_lineno: int,
        redacted: dict[tuple[str, Scope], tuple[str, int]],
    ) -> None:
        self.session = session
        # Aider writes no time but the heading's: a record's time is the session's start plus one
        # millisecond per line before it, so records keep their order and fall on the session's day.
        self._start = _parse_utc(session.started_at)
        self.redacted = redacted  # (text, scope) -> redact()'s answer: texts repeat (the same question, "git commit")
        self.batch = batch
        self.first_lineno = first_lineno  # the file's line number of lines[0]
        self.pending: list[_Pending] = []
        self.failure_seen = False  # "did not conform" after the pending blocks
        self.failure_said = ""  # what aider said was wrong in the reply ("^^^ Expected ... not ...")
        self.failure_listed = False  # ... naming the blocks that failed
        self.settled_any = False  # an outcome line came after the pending blocks
        self.command: _Command | None = None
        self.last_input: str | None = None  # the kind of the last input message
        self.echo: str | None = None  # the words of a /ask-like command, which aider writes again
        self.cost_pending: tuple[str, str] | None = None  # a usage row whose "Cost:" may be on the next line
        self.added: list[tuple[int, str, str]] = []  # (line, tool, path as written): files put in the chat
        self.add_args: list[str] = []  # the relative paths typed after /add and /read-only
        self.edited: set[str] = set()  # the paths the session's edit blocks name

    # ------------------------------------------------------------------ helpers

    def _redact(self, text: str, limit: int, scope: Scope) -> str:
        text = clipped(text, limit)
        key = (text, scope)
        done = self.redacted.get(key)
        if done is None:
            done = self.redacted[key] = redact(text, scope)
        cleaned, count = done
        if count:
            self.batch.redactions += count
        return cleaned

    def time_of(self, seq: int) -> str | None:
        """The time of the record at the file's line `seq` (see __init__); None without a start."""
        if self._start is None:
            return None
        return format_timestamp(self._start + timedelta(milliseconds=max(0, seq - self.first_lineno)))

    def _id(self, index: int) -> str:
        return f"{self.session.id}:{index}"

    def _message(self, index: int, role: str, kind: str, text: str | None, scope: Scope = "prose") -> None:
        self.batch.messages.append(
            MessageRecord(
                session_id=self.session.id,
                uuid=str(index),
                parent_uuid=None,
                seq=self.first_lineno + index,
                ts=self.time_of(self.first_lineno + index),
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
                ts=self.time_of(self.first_lineno + index),
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
        result = ToolResultRecord(
            tool_use_id=call_id, seq=seq, ts=self.time_of(seq), ok=ok, status=status, exit_code=exit_code
        )
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

    def read(self, text: str) -> None:
        """Read the session's text: its lines joined by newlines (no carriage return at their ends)."""
        runs = runs_of(text)
        last = len(runs) - 1
        for position, run in enumerate(runs):
            pending, self.cost_pending = self.cost_pending, None
            if pending is not None and run.kind == RAW and text.startswith("Cost: $", run.begin):
                usage = self.batch.usage.get(pending)
                if usage is not None:  # the Tokens line's cost, written on the line after it
                    usage.cost_usd = cost_of(_first_line(text, run))
            if run.kind == USER:
                self._finish_turn()
                self._input(text[run.begin : run.finish], run.start)
            elif run.kind == TOOL:
                body = text[run.begin : run.finish]
                self._tool_lines(body, body.split("\n"), run.start)
            else:
                before = runs[position - 1] if position > 0 else None
                after = runs[position + 1] if position < last else None
                replies_to_input = (
                    before is not None and before.kind == USER and self.last_input in ("prompt", "instructions")
                )
                before_tokens = (
                    after is not None
                    and after.kind == TOOL
                    and text.startswith("> Tokens: ", after.begin)
                    and tool_text(_first_line(text, after)).startswith("Tokens: ")
                )
                if replies_to_input or before_tokens:
                    self._reply(text[run.begin : run.finish], run.start)
                elif self.command is not None:
                    self._output(text[run.begin : run.finish])
        self._finish_turn()
        self._reads()

    def _input(self, body: str, start: int) -> None:
        texts = [user_text(line) for line in body.split("\n")]
        text = "\n".join(texts).strip()
        first = texts[0].strip() if texts else ""
        if not text or text == "<blank>":
            self.last_input = None
            return
        echo, self.echo = self.echo, None
        if first.startswith(_AIDER_TYPED) or (echo is not None and _words(text) == echo):
            kind = "instructions"
        elif _CONFIRMATION.search(first):
            kind = "system"
        elif first.startswith(("!", "/")):
            kind = self._command(start, first, text)
        else:
            kind = "prompt"
        self.last_input = kind
        self._message(start, "user", kind, text, "command" if kind == "command" else "prose")

    def _command(self, index: int, first: str, typed: str) -> str:
        """The kind of a slash or bang input; starts the tool call of the commands that are one."""
        if first.startswith("!"):
            name, args = "/run", first[1:].strip()
        else:
            name, _, args = first.partition(" ")
            args = args.strip()
            name = command_name(name)
        if name in _PROMPT_COMMANDS and args:
            if name != "/help":  # its question comes back as "# Question: ..."
                self.echo = _words(typed.partition(" ")[2])
            return "prompt"  # a question or request to the model, in a mode
        if name in _ADD_COMMANDS:
            self.add_args += [a for a in args.split() if not a.startswith("/") and not any(c in a for c in "*?[")]
        tool = _SHELL_COMMANDS.get(name)
        if tool is not None and args:
            command = f"git {args}" if tool == "git" else args
            call_id = self._call(index, tool, SHELL, {"command": command}, command, None)
            self.command = _Command(call_id, tool, seq=self.first_lineno + index)
        elif name == "/undo":
            call_id = self._call(index, "undo", OTHER, {"command": "/undo"}, None, None)
            self.command = _Command(call_id, "undo", seq=self.first_lineno + index)
        return "command"

    def _output(self, body: str) -> None:
        """Plain lines (a RAW run's text) as output of the command being run."""
        command = self.command
        if command is None:
            return
        room = OUTPUT_LINES - len(command.output)
        if room > 0:
            lines = body.split("\n")
            command.output.extend(lines[:room])
            command.omitted += max(0, len(lines) - room)
        else:
            command.omitted += body.count("\n") + 1

    def _tool_output(self, lines: list[str], start: int, end: int) -> None:
        """TOOL lines[start:end] that mean nothing else, as output of the command being run."""
        command = self.command
        if command is None:
            return
        take = max(0, min(OUTPUT_LINES - len(command.output), end - start))
        if take:
            command.output.extend([tool_text(line) for line in lines[start : start + take]])
        command.omitted += end - start - take

    def _reply(self, body: str, start: int) -> None:
        if self.command is not None and self.command.tool == "test":
            self.command.failed = True  # its output was sent to the model, as aider does on a failure
        if self.settled_any or self.failure_seen:
            self._settle_pending()
        self._message(start, "assistant", "assistant", body.strip())
        if "<<<<<" not in body:
            return  # no SEARCH marker: no edit block
        for block in find_blocks(body.split("\n")):
            if block.path:
                self.edited.add(block.path)
            index = start + block.line
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

    def _tool_lines(self, body: str, lines: list[str], start: int) -> None:
        """A run of TOOL lines (`body` split at its newlines; lines[0] is the session's line
        `start`): the notable ones one by one (_tool_line), the others as output in bulk."""
        done = 0  # lines before it are read
        if len(lines) == 1:
            notable = [0] if _NOTABLE.match(lines[0]) else []
        else:
            padded = "\n" + body  # padded[o] is the newline before a line: searched for as a literal
            notable = []
            at = pos = 0
            for match in _NOTABLE_LINE.finditer(padded):
                at += padded.count("\n", pos, match.start())
                pos = match.start()
                notable.append(at)
        for index in notable:
            if index < done:
                continue  # read with a line before it
            if index > done:
                self._tool_output(lines, done, index)
            done = self._tool_line(lines, index, start)
        if done < len(lines):
            self._tool_output(lines, done, len(lines))

    def _tool_line(self, lines: list[str], at: int, start: int) -> int:
        """Read TOOL line lines[at] (the session's line start + at); returns the next line to read."""
        index = start + at
        text = tool_text(lines[at])
        if text.startswith("Tokens: "):
            self._usage(index, text)
        elif text.startswith("Added ") and not _ADDED_OUTPUT.match(text) and (added := _ADDED_FILE.match(text)):
            if "://" not in added.group(1):  # /web's pages are not files
                self.added.append((index, "add" if added.group(2) == "the chat" else "read_only", added.group(1)))
        elif text.startswith("Add ") and (confirm := _ADD_CONFIRM.match(text)):
            if confirm.group(2).lower() in _YES:
                self._confirmed(lines, at, start, many=confirm.group(1) == "these files")
        elif text.startswith(_APPLIED):
            self._settle_path(text[len(_APPLIED) :].strip(), index, "ok")
        elif text.startswith(_SKIPPED):
            self._settle_path(text[len(_SKIPPED) :].strip(), index, "rejected")
        elif text == _NOT_CONFORM:
            self.failure_seen = True
        elif text.startswith(_POINTER) and self.failure_seen and not self.failure_said:
            self.failure_said = text
        elif text.startswith(_UDIFF_FAILED) and not self.pending:
            call_id = self._call(index, "edit_file", EDIT, {}, None, None)
            self._result(call_id, self.first_lineno + index, "error", text=text)
        elif text.startswith("## SearchReplaceNoExactMatch: "):
            end = at + 1
            while end < len(lines) and not tool_text(lines[end]).startswith("## "):
                end += 1
            self._failed_block(text, [tool_text(line) for line in lines[at:end]], index)
            return end
        elif text.startswith(_LINT_RUNNING):
            end = at + 1
            while end < len(lines) and not tool_text(lines[end]).startswith(("Fix lint errors", "Attempt to fix")):
                end += 1
            self._lint(index, text[len(_LINT_RUNNING) :].strip(), [tool_text(line) for line in lines[at:end]])
            return end
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
            self._output_line(text)
        return at + 1

    def _output_line(self, text: str) -> None:
        command = self.command
        if command is None:
            return
        if len(command.output) < OUTPUT_LINES:
            command.output.append(text)
        else:
            command.omitted += 1

    # ------------------------------------------------------------------ files put in the chat

    def _confirmed(self, lines: list[str], at: int, start: int, *, many: bool) -> None:
        """The files named on the lines just before an accepted "Add ... to the chat?" (one for
        "Add file", all the path lines in a row for "Add these files") are put in the chat."""
        index = at - 1
        while index >= 0:
            path = tool_text(lines[index]).strip()
            if not path or " " in path or "://" in path or path.startswith(("Tokens:", "Add")):
                break
            self.added.append((start + index, "add", path))
            if not many:
                break
            index -= 1

    def _reads(self) -> None:
        """A read call (ok) for each file put in the chat: aider sends the model the whole text of
        every file in the chat with each message. Aider writes absolute paths for /add ("Added
        /home/me/proj/src/a.py to the chat") but edit blocks relative to the repository's root:
        the root is found where an absolute path ends with a path the session typed after /add or
        names in an edit block, and paths under it are stored relative to it, as edits are."""
        if not self.added:
            return
        root = _root_of([path for _, _, path in self.added], [*self.add_args, *self.edited], self.session.cwd)
        for index, tool, path in sorted(self.added):
            if root is not None and path.startswith(root + "/"):
                path = path[len(root) + 1 :]
            call_id = self._call(index, tool, READ, {"file_path": path}, None, path)
            self._result(call_id, self.first_lineno + index, "ok")

    # ------------------------------------------------------------------ outcomes

    def _usage(self, index: int, text: str) -> None:
        report = parse_token_report(text)
        if report is None:
            return
        key = (self.session.id, str(index))
        self.cost_pending = key if report.cost_usd is None else None
        self.batch.usage[key] = TokenUsageRecord(
            message_id=self.session.id,
            request_id=str(index),
            session_id=self.session.id,
            model=self.session.model or UNKNOWN_MODEL,
            ts=self.time_of(self.first_lineno + index),
            input_tokens=report.input_tokens,
            output_tokens=report.received,
            cache_creation_tokens=report.cache_write,
            cache_read_tokens=report.cache_hit,
            cost_usd=report.cost_usd,
        )

    def _settle_path(self, path: str, index: int, status: str) -> None:
        self.settled_any = True
        if not self.pending:  # an edit format without SEARCH/REPLACE blocks: the line is the edit
            call_id = self._call(index, "edit_file", EDIT, {"file_path": path}, None, path)
            self._result(call_id, self.first_lineno + index, status)
            return
        for pending in self.pending:
            if not pending.settled and pending.block.path == path:
                self._settle(pending, index, status)

    def _failed_block(self, first: str, text: list[str], index: int) -> None:
        self.failure_seen = self.failure_listed = True
        match = _NO_MATCH.match(first)
        path = match.group(1).strip() if match is not None else None
        candidates = [p for p in self.pending if not p.settled]
        shown = _shown_search(text)
        chosen = next(
            (p for p in candidates if p.block.path == path and _lines_of(p.block.search) == shown),
            next((p for p in candidates if p.block.path == path), candidates[0] if candidates else None),
        )
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
            text = None if self.failure_listed else "\n".join(filter(None, (_NOT_CONFORM, self.failure_said)))
            for pending in self.pending:
                if not pending.settled:
                    self._settle(pending, pending.index, status, text)
        self.pending = []
        self.failure_seen = self.failure_listed = self.settled_any = False
        self.failure_said = ""

    def _lint(self, index: int, command: str, output: list[str]) -> None:
        call_id = self._call(index, "lint", SHELL, {"command": command}, command, None)
        self._result(call_id, self.first_lineno + index, "error", text="\n".join(output))

    def _commit(self, index: int, sha: str, message: str) -> None:
        call_id = self._call(
            index, "commit", OTHER, {"command": "git commit", "sha": sha, "message": message}, None, None
        )
        self._result(call_id, self.first_lineno + index, "ok", text=f"{sha} {message}")

    def _finish_turn(self) -> None:
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


def _lines_of(text: str) -> list[str]:
    """A block's text as aider prints it back: each line without the blanks at its end."""
    return [line.rstrip() for line in text.split("\n")]


def _shown_search(text: list[str]) -> list[str] | None:
    """The SEARCH part of the block a "SearchReplaceNoExactMatch" report prints (its lines after
    the heading: the SEARCH marker, the old lines, the divider); None when it prints none."""
    if len(text) < 2 or not HEAD.match(text[1]):
        return None
    for end in range(2, len(text)):
        if DIVIDER.match(text[end]):
            return text[2:end]
    return None


def _parse_utc(text: str | None) -> datetime | None:
    """A canonical UTC time text (timestamps.py) as an aware datetime; None when absent or unreadable."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _root_of(paths: list[str], relative: list[str], cwd: str | None) -> str | None:
    """The folder the session's relative paths are relative to, as the absolute `paths` show it:
    the most frequent X of "X/<relative path>"; else `cwd` when some path is under it."""
    tails = {r.lstrip("./").rstrip("/") for r in relative if r and not r.startswith("/")}
    counts: dict[str, int] = {}
    for path in paths:
        if not path.startswith("/"):
            continue
        for tail in tails:
            if tail and path.endswith("/" + tail):
                root = path[: -len(tail) - 1]
                counts[root] = counts.get(root, 0) + 1
    if counts:
        return max(sorted(counts), key=lambda root: counts[root])
    if cwd and any(path.startswith(cwd.rstrip("/") + "/") for path in paths):
        return cwd.rstrip("/")
    return None


def command_name(typed: str) -> str:
    """The aider command a typed name runs: itself when it is one, else the one command it is a
    unique prefix of, else as typed (an unknown or ambiguous command, which aider refuses)."""
    if typed in _AIDER_COMMANDS:
        return typed
    matches = [name for name in _AIDER_COMMANDS if name.startswith(typed)] if len(typed) > 1 else []
    return matches[0] if len(matches) == 1 else typed
