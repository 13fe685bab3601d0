"""Lessons from any repeated failure, without a hand-written case (issue 24).

A failed call teaches, from its input alone, what the next call of the same intent should be
warned about (docs/lessons.md, "Any repeated failure"): the same command (its program and
subcommand, an interpreter's script, the program alone when the error says the program does not
exist here or names a prerequisite outside the project, the program on a path argument the error
names), the same file for a read or a write, a tool parameter's rule the error states (checked on
the call's input), or a shell operator the shell rejects. The warning is the error line itself
until a later call of that intent works; then that call may be the remedy, shown as what worked,
when it differs in what the error was about (learning/engine/instead.py).

Such a lesson's trigger is the intent, "unless it worked in this session since it last failed"
with the lesson's error (Unless since="worked"): once the command or file works again in a
session, the lesson is silent there until that error comes back, and a session where it works without the lesson's error counts against it (confidence,
then the warning tier, drop: a lesson whose warnings are followed by success demotes itself).

When a failure teaches: at once for the failures that say the call was wrong or its setting
missing (the usage classes and a missing prerequisite: the same call fails again until something
changes); for a failure that may be work in progress (a check that failed, or one the classifier
cannot name) only when the same error comes back in another session, which shows it is not the
fix-in-progress of one session. Cascades, the person's rejections and interrupts teach nothing
here, and neither does a probe whose failure is its answer (`grep` finding nothing, `test -f`).

An edit that failed is not learned this way across sessions: its old text is of one moment. In
the session itself, the same call resent, or the same old text resent to a file that has not
changed, is warned at once, whatever its class (the session's state,
lesson_model/triggers.SessionState.retry_of and stale_edit, and `retry_lesson` here).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from lessonloop.analyze.agent_failures import NOT_AGENT_FAILURES
from lessonloop.analyze.commands import words_kinds
from lessonloop.analyze.error_headline import error_headline
from lessonloop.analyze.file_form import CRLF, NO_INTERPRETER, NOT_EXECUTABLE, form_cause, script_of
from lessonloop.analyze.file_form import family as script_family
from lessonloop.analyze.garbled_text import garbled_run
from lessonloop.analyze.inputs import Call
from lessonloop.analyze.line_endings import lf_lines
from lessonloop.core.outside_text import as_data
from lessonloop.core.tool_kinds import EDIT, READ, SHELL, WRITE
from lessonloop.learning.engine.cmdlet_lessons import cmdlet_draft
from lessonloop.learning.engine.episodes import Draft, _usage_draft, named_operand, show_command
from lessonloop.learning.engine.events import CallEvent
from lessonloop.learning.engine.refused_forms import TOO_LONG, refused_form_lesson
from lessonloop.learning.engine.signatures import digest
from lessonloop.lesson_model.checks import check_for
from lessonloop.lesson_model.lesson import Lesson
from lessonloop.lesson_model.quoting import tool_output
from lessonloop.lesson_model.stand_ins import OUTSIDE, absent_remedy, stand_in
from lessonloop.lesson_model.transient import transient_text
from lessonloop.lesson_model.triggers import (
    FILE_PARAM,
    GARBLED,
    INPUT_SIZE,
    JSON_TYPES,
    LF_ON_CRLF,
    NOT_UTF8,
    OLD_TEXT,
    OLD_TEXT_PARAMS,
    WORKED,
    Trigger,
    Unless,
    breaks_rule,
    command_head,
    comparable_path,
    describe_rule,
    edit_needle,
    failing_segment,
    first_line,
    input_size,
    is_absolute,
    is_interpreter,
    item_path,
    missing_program,
    relative_path,
    says_absent,
    values_at,
)

# Failures that may be work in progress: learned across sessions only when they come back.
RECUR_FIRST = frozenset({"CHECK_FAILED", "UNKNOWN", ""})
# Commands whose failure is their answer (nothing found, a test that is false).
_PROBES = frozenset({"test", "[", "[[", "which", "command", "type", "pgrep", "diff", "cmp", "false"})
RETRY_CONFIDENCE = 0.5  # shown with a warning about a call resent in the same session


def is_general(lesson: Lesson) -> bool:
    """A lesson of the general path: its trigger is "unless it worked in this session"."""
    return lesson.trigger is not None and lesson.trigger.until_worked


def speaks_in_own_session(lesson: Lesson) -> bool:
    """Whether a general lesson warns in a session where it failed (Trigger.speaks_where_learned).
    Others leave that session to the warning about the same call resent (`retry_lesson`): after a
    failure, the next call of the same intent is mostly the agent's corrected call."""
    return lesson.trigger is not None and lesson.trigger.speaks_where_learned


def teaches_now(event: CallEvent) -> bool:
    """Whether this failure teaches at its first occurrence (else only when it comes back in
    another session): not a class that waits for that, nor a transient failure."""
    return (event.error_class or "") not in RECUR_FIRST and not transient(event)


def transient(event: CallEvent) -> bool:
    """Whether a failure is of the moment (lesson_model/transient.py): its command cut by a
    timeout, or the network or a server failing it."""
    return event.call.exit_code == 124 or transient_text(event.call.error_text)  # (timed_out's test too)


def learnable_failure(event: CallEvent) -> bool:
    """A failure the general path may learn from: not a cascade, rejection or interrupt, not a
    probe whose failure is its answer, and with a signature."""
    call = event.call
    if call.status != "error" or not event.signature or (event.error_class or "") in NOT_AGENT_FAILURES:
        return False
    if event.segments:
        failing = failing_segment(event.segments, call.error_text)
        if not failing:
            return False
        if failing[0] in _PROBES or ("search" in words_kinds(failing) and not error_headline(call.error_text)):
            return False
    return True


_ABSOLUTE = re.compile(r"(?<![\w.])(?:~/|/(?:Users|home|root|usr|opt|var|etc|tmp|private)/|[A-Za-z]:\\)[^\s'\"`:]*")


def outside_prerequisite(event: CallEvent) -> bool:
    """A missing prerequisite that lies outside the project: the error's line names a path that is
    not under the call's folder (a tool's cache or sandbox, `~/.rustup/tmp: Operation not permitted`).
    Every use of the program meets it, whatever its subcommand."""
    if event.error_class != "MISSING_PREREQUISITE":
        return False
    cwd = comparable_path(event.cwd or "").rstrip("/")
    for found in _ABSOLUTE.finditer(error_headline(event.call.error_text)):  # the line that carries the error
        path = comparable_path(found.group(0))
        if not cwd or not path.startswith(cwd + "/"):
            return True
    return False


# A tool's parameter rule as its error states it: Claude Code's input validation, zod's issues
# (OpenCode, MCP servers), and the plain words of other tools' validation.
_REQUIRED = (
    re.compile(r"[Tt]he required parameter `?([\w.]+)`? is missing"),
    re.compile(r"[Mm]issing required (?:parameter|argument|field)[:\s]+[`'\"]?([\w.]+)"),
    re.compile(r"[`'\"]?([\w.]+)[`'\"]? is a required (?:parameter|property|field)"),
    re.compile(r"must have required property '([\w.]+)'"),
)
_UNEXPECTED = (re.compile(r"An unexpected parameter `?([\w.]+)`? was provided"),)
_MIN = (re.compile(r"\bparams/([\w.]+(?:/[\w.]+)*) must NOT have fewer than (\d+) (?:characters|items)\b"),)
_MAX = (
    # the common JSON-schema validator's words (ajv: Gemini CLI, MCP servers): "params/description
    # must NOT have more than 100 characters" (or items), and a nested one by its path
    # ("params/questions/0/header must NOT have more than 16 characters": every item's header)
    re.compile(r"\bparams/([\w.]+(?:/[\w.]+)*) must NOT have more than (\d+) (?:characters|items)\b"),
    re.compile(r"[`'\"]?([\w.]+)[`'\"]? (?:must|should) (?:be|contain|have) (?:at most|no more than) (\d+) char"),
    re.compile(
        r"[`'\"]?([\w.]+)[`'\"]?[^\n]{0,40}?(?:exceeds|longer than) (?:the )?(?:maximum )?(?:length )?(?:of )?(\d+)"
    ),
)
# "The parameter `limit` type is expected as `number` but provided as `string`" (Claude Code),
# "params/limit must be number" (ajv, Gemini CLI's schema validation)
_TYPE = (
    re.compile(r"[Pp]arameter `?([\w.]+)`? type is expected as `?(\w+)`? but provided as"),
    re.compile(r"params/([\w.]+(?:/[\w.]+)*) must be (number|integer|string|boolean|array|object)\b"),
)
_EXPECTED = re.compile(r'"expected":\s*"(\w+)"')
# A path parameter's rules that file tools state (Gemini CLI's validation, and tools modelled on it):
# "File path must be absolute, but was relative: a.txt", "Path must be within one of the workspace
# directories: /w/app, /w/lib", "File path must be within the root directory (/w/app): /etc/x"
_ABSOLUTE_RULE = re.compile(r"\b(?:[Ff]ile |[Dd]irectory )?[Pp]ath must be absolute")
_INSIDE_RULE = (
    re.compile(r"[Pp]ath must be within one of the workspace directories: ([^\n]+)"),
    re.compile(r"[Pp]ath must be within the (?:root|workspace) directory \(([^)\n]+)\)"),
)
_PATH_PARAMS = ("file_path", "absolute_path", "path", "dir_path", "directory", "filePath")
_ZOD = re.compile(r'"code":\s*"(too_big|invalid_type)"(.{0,300}?)"path":\s*\[\s*"([\w.]+)"', re.DOTALL)


def parameter_rule(error_text: str | None, tool_input: object) -> tuple[str, str] | None:
    """(parameter, rule) a failure says the call broke: "required", "unexpected", "max:N", "min:N"
    or "type:T", for a parameter of the call's input (a required one: any name). None when the
    error states none."""
    text = (error_text or "")[:4000]
    if not isinstance(tool_input, Mapping):
        return None
    for pattern in _REQUIRED:
        found = pattern.search(text)
        if found:
            return found.group(1), "required"
    for pattern in _UNEXPECTED:
        found = pattern.search(text)
        if found and found.group(1) in tool_input:
            return found.group(1), "unexpected"
    for pattern in _MAX:
        found = pattern.search(text)
        if found and values_at(tool_input, item_path(found.group(1))):
            return item_path(found.group(1)), f"max:{found.group(2)}"
    for pattern in _MIN:
        found = pattern.search(text)
        if found and values_at(tool_input, item_path(found.group(1))):
            return item_path(found.group(1)), f"min:{found.group(2)}"
    for pattern in _TYPE:
        found = pattern.search(text)
        if found and values_at(tool_input, item_path(found.group(1))) and found.group(2).lower() in JSON_TYPES:
            return item_path(found.group(1)), f"type:{found.group(2).lower()}"
    path_rule = _path_rule(text, tool_input)
    if path_rule is not None:
        return path_rule
    found = _NOT_THIS_LINE.search(text)
    if found and len(found.group(1)) >= _LINE_RULE_CHARS:  # (not `]` or `)`: lines of any code)
        line = found.group(1)
        param = next((k for k, v in tool_input.items() if breaks_rule({k: v}, k, f"line:{line}")), None)
        if param is not None:
            return param, f"line:{line}"
    for code, middle, name in _ZOD.findall(text):
        if code == "too_big":
            limit = re.search(r'"maximum":\s*(\d+)', middle)
            if limit and name in tool_input:
                return name, f"max:{limit.group(1)}"
        elif r'"received":\s*"undefined"' in middle or '"received": "undefined"' in middle:
            return name, "required"
        elif (found := _EXPECTED.search(middle)) and found.group(1) in JSON_TYPES and name in tool_input:
            return name, f"type:{found.group(1)}"
    return None


# A parser that met a line it did not expect, naming it: Aider's "^^^ Expected `>>>>>>> REPLACE`
# not `=======`" (a SEARCH/REPLACE block with a second divider): a value with that line breaks it.
_LINE_RULE_CHARS = 3
_NOT_THIS_LINE = re.compile(r"Expected `[^`\n]+` not `([^`\n]*?[^`\s])\s*(?:`|$)", re.MULTILINE)


def _path_rule(text: str, tool_input: Mapping[str, object]) -> tuple[str, str] | None:
    """(parameter, "absolute" or "inside:DIR|DIR") when the error states a rule of the call's path
    parameter that its value broke: a relative path where an absolute one is required, a path
    outside the folders the tool may use."""
    param = next((p for p in _PATH_PARAMS if isinstance(tool_input.get(p), str) and tool_input.get(p)), None)
    if param is None:
        return None
    value = str(tool_input[param])
    if _ABSOLUTE_RULE.search(text) and not is_absolute(value):
        return param, "absolute"
    for pattern in _INSIDE_RULE:
        found = pattern.search(text)
        if found:
            folders = [f.strip().rstrip(".") for f in found.group(1).split(",") if is_absolute(f.strip())]
            rule = "inside:" + "|".join(folders)
            if folders and breaks_rule(tool_input, param, rule):
                return param, rule
    return None


_SCRIPT_PATH = re.compile(r"(?:[A-Za-z]:)?[\w.~-]*(?:[/\\][\w.~-]+)+")


def _own_script(program: str, cwd: str | None) -> bool:
    """A program run by its path in the project (`./build.sh`, `scripts/check`, `.\\tools\\run.ps1`,
    an absolute path under the call's folder): a script of the project, whose failure is its own
    (its line endings, its shebang), not its arguments'."""
    if not _SCRIPT_PATH.fullmatch(program) or is_interpreter(program):
        return False
    path = comparable_path(program)
    if path.startswith("/") or (len(path) > 1 and path[1] == ":"):
        folder = comparable_path(cwd or "").rstrip("/")
        return bool(folder) and path.startswith(folder + "/")
    return True


# an error line that says what it is about: `PROGRAM: SUBJECT: message` (`rg: .rs: The system
# cannot find the file specified`)
_SUBJECT = re.compile(r"[\w.-]+: ([^:\s][^:]{0,200}): ")


def _operand_named(event: CallEvent, failing: tuple[str, ...]) -> str | None:
    """The operand of the failing command the error names: the one its error line names, else,
    unless that line names its own subject (`rg: .rs: ...`: not the folder searched, which the
    matches it printed name too), one a later line names."""
    text = _without_echo(event.call.error_text, failing)
    line = error_headline(text)
    operand = named_operand(event, failing, 1, line)
    if operand is None and not _SUBJECT.match(line):
        operand = named_operand(event, failing, 1, text)
    return operand


def _without_echo(error_text: str | None, failing: tuple[str, ...]) -> str:
    """The error's text without the lines that echo the command itself (PowerShell's `+ rg ...`
    under `At line:`, a shell's trace): a path there is the command's, not one the error names."""
    echo = " ".join(failing[:2])
    lines = (error_text or "")[:4000].splitlines()
    return "\n".join(line for line in lines if echo not in line)


# A tool the agent called that does not exist where it ran: Claude Code, Gemini CLI's scheduler,
# Codex, OpenCode (the AI SDK's NoSuchToolError).
_UNAVAILABLE_TOOL = (
    re.compile(r"No such tool available: ([\w.:/-]+)"),
    re.compile(r"Tool \"([^\"\n]+)\" not found in registry"),
    re.compile(r"unsupported call: ([\w.:/-]+)"),
    re.compile(r"Model tried to call unavailable tool '([^'\n]+)'"),
)


def unavailable_tool(error_text: str | None, tool: str) -> bool:
    """Whether the error says the call's own tool does not exist here."""
    return _names_own_tool(_UNAVAILABLE_TOOL, error_text, tool)


def _names_own_tool(patterns: tuple[re.Pattern[str], ...], error_text: str | None, tool: str) -> bool:
    """Whether one of `patterns` finds, in the start of the error, the call's own tool (group 1)."""
    text = (error_text or "")[:2000]
    return any(found.group(1) == tool for pattern in patterns if (found := pattern.search(text)))


# A tool the harness may not use here (Claude Code's permission gate): the tool as a whole, not
# one command of a shell or one path (whose rules are per command and per path)
_NOT_GRANTED_TOOL = (
    re.compile(r"requested permissions to use ([\w.:-]+), but you haven't granted it yet"),
    re.compile(r"Permission to use ([\w.:-]+) has been denied"),
)


def tool_not_granted(error_text: str | None, tool: str) -> bool:
    """Whether the error says the call's own tool is not permitted here (not a shell command or a
    path: those are the command's or the path's lesson)."""
    return _names_own_tool(_NOT_GRANTED_TOOL, error_text, tool)


def _tool_refusal(call: Call) -> tuple[str, str] | None:
    """(title, prevention) when the error says the call's own tool cannot be used here: it does
    not exist (any kind), or the harness was not granted it (a tool other than the shell, whose
    refusals are a command's)."""
    if unavailable_tool(call.error_text, call.tool):
        return f"The tool {call.tool} is not available here", f"Do not call {call.tool}: use a tool this agent has."
    if call.kind != SHELL and tool_not_granted(call.error_text, call.tool):
        return f"{call.tool} is not permitted here", f"Do not call {call.tool} here unless the person allows it."
    return None


def general_draft(event: CallEvent) -> Draft | None:
    """The lesson a failure teaches from its own input: trigger the same intent, warning the
    error line. None for a call without an intent a trigger can name (an edit's old text, a call
    with no command or file)."""
    call = event.call
    headline = shown_error(event)  # (the failure's own line where its signature names one cause)
    failed_as = event.error_class or "UNKNOWN"
    refused = refused_form_lesson(call, event.headline, event.shell) if call.kind == SHELL else None
    if refused is not None:
        trigger, title, prevention, machine_wide = refused
        said = shown_error(event)
        return _draft(
            event,
            trigger,
            title=f"{title}: {tool_output(said)}",
            body=f"`{first_line(call.command, 120)}` failed ({failed_as}): {tool_output(said)}",
            prevention=prevention,
            category="shell",
            machine_wide=machine_wide,
        )
    refusal = _tool_refusal(call)
    if refusal is not None:
        title, prevention = refusal
        return _draft(
            event,
            Trigger(call.kind, tool=call.tool),
            title=f"{title}: {tool_output(headline)}",
            body=f"{call.tool} failed ({failed_as}): {tool_output(headline)}",
            prevention=prevention,
            category=call.tool,
        )
    if TOO_LONG.search((call.error_text or "")[:2000]):
        size = input_size(event.hook_input, call.command)  # (its input as the agent's hook gets it)
        return _draft(
            event,
            Trigger(call.kind, tool=call.tool, param=INPUT_SIZE, rule=f"max:{size - 1}"),
            title=f"{call.tool} fails here on an input of {size:,} characters or more: {tool_output(headline)}",
            body=f"{call.tool} failed ({failed_as}) with an input of {size:,} characters: {tool_output(headline)}",
            prevention=(
                f"Keep a {call.tool} call under {size:,} characters (the system's limit on a command line): "
                "split the change into several calls, or write the file in parts."
            ),
            category=call.tool,
            machine_wide=True,
        )
    # a program's arguments are no tool input: a parameter rule is a tool's, not a shell command's
    rule = None if call.kind == SHELL else parameter_rule(call.error_text, call.input)
    if rule is not None:
        param, kept = rule
        return _draft(
            event,
            Trigger(call.kind, tool=call.tool, param=param, rule=kept),
            title=f"{call.tool}: `{param}` {describe_rule(kept)}: {tool_output(headline)}",
            body=f"{call.tool} failed ({failed_as}): {tool_output(headline)}",
            prevention=f"Check `{param}` against the tool's rule before the call ({describe_rule(kept)} fails).",
            category=call.tool,
        )
    cmdlet = cmdlet_draft(event) if call.kind == SHELL else None
    if cmdlet is not None:
        return cmdlet
    if event.segments:
        failing = failing_segment(event.segments, call.error_text)
        if not failing:
            return None
        form = _form_draft(event, failing)
        if form is not None:
            return form
        program = missing_program(call.error_text)
        operand = None
        outside = False
        if program and failing[0].lower() == program.lower():
            words: tuple[str, ...] = (failing[0],)
        else:
            program = None
            # a path the error names among the arguments: the program on that path, whatever
            # else the command says (`Get-Content x.md` and `Get-Content -Path x.md`)
            operand = _operand_named(event, failing)
            outside = outside_prerequisite(event)
            words = (failing[0],) if operand or outside else command_head(failing)
            if operand is None and len(words) == 1 and is_interpreter(words[0]):
                return None  # code given inline (`python -c`, a here-document): not a repeatable intent
        if not program and not outside and len(words) == 1 and operand is None and not _own_script(words[0], event.cwd):
            return None  # a program alone (`rg`, `ls`): its failures are about their arguments
        trigger = Trigger(call.kind, words, (), operand, None, Unless(words, since=WORKED), call.tool)
        shown = " ".join(words)
        where = f" on {as_data(operand)}" if operand else ""  # a file's name: data
        remedy: str | None = None
        if program:
            title = f"`{program}` is not available here: {tool_output(headline)}"
            remedy = stand_in(program, event.shell)  # what this shell has in its place
        else:
            cause = "failed"
            if outside:
                remedy = OUTSIDE
            elif operand and says_absent(call.error_text):
                remedy = absent_remedy(operand)
            else:
                check = check_for(
                    call.error_text, shown=shown, path=operand, kinds=words_kinds(failing), exit_code=call.exit_code
                )
                if check is not None:
                    cause, remedy = check.cause, check.text
            title = f"`{shown}`{where} {cause}: {tool_output(headline)}"
        body = f"`{show_command(failing, event.branch)}` failed ({failed_as}): {tool_output(headline)}"
        category = words[0]
    elif call.target_path and call.kind in (READ, WRITE):
        program = None
        path = relative_path(call.target_path, event.cwd)
        cause = "failed"
        remedy = absent_remedy(path) if says_absent(call.error_text) else None
        if remedy is None:
            check = check_for(call.error_text, shown=call.tool, path=path, exit_code=call.exit_code)
            if check is not None:
                cause, remedy = check.cause, check.text
        trigger = Trigger(call.kind, path=path, unless=Unless((), since=WORKED), tool=call.tool)
        title = f"{call.tool} of {as_data(path)} {cause}: {tool_output(headline)}"
        body = f"{call.tool} of {as_data(path)} failed ({failed_as}): {tool_output(headline)}"
        category = "files"
    else:
        return None
    return _draft(
        event,
        trigger,
        title=title,
        body=body + " The same call failed the same way before; check it is not the same mistake.",
        prevention=remedy,
        category=category,
        machine_wide=bool(event.segments) and program is not None,
    )


LINE_ENDS_REMEDY = (
    "This file has Windows line endings (CRLF): give the old text with CRLF line ends (\\r\\n at each line's "
    "end), or change one line at a time (old text within a line has no line end); reading the file again "
    "does not help."
)


def line_ends_param(call: Call) -> str | None:
    """The old-text parameter of a failed edit that did not find its text, when that text has LF
    line ends (analyze/line_endings.lf_lines): the cause, where the file has CRLF ones."""
    if call.kind != EDIT or call.status != "error" or edit_needle(call.input, call.error_text) is None:
        return None
    return next((name for name in OLD_TEXT_PARAMS if lf_lines(call.input.get(name))), None)


ENCODING_REMEDY = (
    "This file is not UTF-8: write it again as UTF-8 before this tool reads it (PowerShell: "
    "`Get-Content F | Set-Content -Encoding utf8 F`; elsewhere `iconv -t utf-8`), and write files with "
    "`-Encoding utf8` in PowerShell: Windows PowerShell's `>` and Out-File write UTF-16, Set-Content the "
    "ANSI code page."
)


def encoding_draft(event: CallEvent) -> Draft:
    """The lesson of a tool that said the file it read is not UTF-8 (analyze/file_encoding.not_utf8):
    that tool on a file that is not UTF-8 (the decision checks the file: the file on disk, a tool
    that said so, a PowerShell write without -Encoding that made it), with the remedy for that
    cause, whatever the call's input."""
    call = event.call
    headline = event.headline
    path = relative_path(call.target_path or "", event.cwd)
    return _draft(
        event,
        Trigger(call.kind, tool=call.tool, param=FILE_PARAM, rule=NOT_UTF8),
        title=f"{call.tool} cannot read files that are not UTF-8: {tool_output(headline)}",
        body=f"{call.tool} of {as_data(path)} failed ({event.error_class or 'UNKNOWN'}): {tool_output(headline)}",
        prevention=ENCODING_REMEDY,
        category="files",
        machine_wide=True,  # the tool's way with encodings, wherever such a file is
    )


def line_ends_draft(event: CallEvent, param: str) -> Draft:
    """The lesson of an edit whose old text had LF line ends, on a file with CRLF ones (the session
    showed them: a read of it, the file on disk): the tool's edits whose old text has LF line ends,
    on a file with CRLF ones (lesson_model/decision.py checks the file), with the remedy for that
    cause. Not "read it again": the file was read; its line ends were the cause."""
    call = event.call
    headline = event.headline
    path = relative_path(call.target_path or "", event.cwd)
    return _draft(
        event,
        Trigger(EDIT, tool=call.tool, param=param, rule=LF_ON_CRLF),
        title=f"{call.tool} does not find old text with LF line ends in a file with CRLF ones: {tool_output(headline)}",
        body=f"{call.tool} of {as_data(path)} failed ({event.error_class or 'UNKNOWN'}): {tool_output(headline)} "
        "The file has Windows line endings (CRLF) and the old text had LF ones.",
        prevention=LINE_ENDS_REMEDY,
        category="files",
        machine_wide=True,  # the tool's way with line ends, wherever such a file is
    )


GARBLED_REMEDY = (
    "The old text holds characters garbled by a read in the wrong encoding (such as `â€œ` for `“`, or `�` "
    "where a character was lost): the file holds the real characters, so the edit cannot find that text, "
    "however often it is sent. Read the file as UTF-8 (PowerShell: `Get-Content -Encoding utf8 FILE`; or the "
    "agent's own file-read tool) and copy the old text from that read, or leave the lines with those "
    "characters out of the old text (a patch's context)."
)


def garbled_needle(call: Call) -> str | None:
    """The garbled run (analyze/garbled_text.py) in the text a failed edit expected and did not
    find (triggers.edit_needle: what the tool quotes as not found, else the old text): the cause."""
    if call.kind != EDIT or call.status != "error":
        return None
    needle = edit_needle(call.input, call.error_text)
    return garbled_run(needle) if needle else None


def garbled_draft(event: CallEvent, run: str) -> Draft:
    """The lesson of an edit whose old text held characters garbled by a read in the wrong encoding
    (`run`, the first): the tool's edits whose old text holds such characters, where the file does
    not hold them itself (lesson_model/decision.py checks the file), with the remedy for that cause.
    A fact about the text, learned at once; not "read it again" as it was read: as UTF-8."""
    call = event.call
    headline = event.headline
    path = relative_path(call.target_path or "", event.cwd)
    return _draft(
        event,
        Trigger(EDIT, tool=call.tool, param=OLD_TEXT, rule=GARBLED),
        title=f"{call.tool} does not find old text garbled by a read in the wrong encoding: {tool_output(headline)}",
        body=f"{call.tool} of {as_data(path)} failed ({event.error_class or 'UNKNOWN'}): {tool_output(headline)} "
        f"Its old text held {as_data(run)}, a character garbled by a read in the wrong encoding.",
        prevention=GARBLED_REMEDY,
        category="files",
        machine_wide=True,  # the way the files were read on this machine, wherever they are
    )


_FORM_PREVENTION = {
    CRLF: "Convert the scripts in {folder} to LF line endings (`sed -i 's/\\r$//' {pattern}`, or dos2unix) and "
    "keep them so (`*{ext} text eol=lf` in .gitattributes).",
    NOT_EXECUTABLE: "Make the scripts in {folder} executable (`chmod +x {pattern}`), or run them through their "
    "interpreter.",
    NO_INTERPRETER: "The interpreter the first line (#!) of the scripts in {folder} names is not installed here: "
    "run them with one that is, or correct that line.",
}
_FORM_TITLE = {
    CRLF: "Scripts of {pattern} have Windows line endings (CRLF)",
    NOT_EXECUTABLE: "Scripts of {pattern} are not executable",
    NO_INTERPRETER: "Scripts of {pattern} name an interpreter that is not here",
}


def shown_error(event: CallEvent) -> str:
    """The error line a lesson quotes: the signature's (event.headline), or, where the signature
    names a cause in place of the line (`<...>`: one cause however it is worded), the failure's own."""
    headline = event.headline
    if headline.startswith("<") and headline.endswith(">"):
        return error_headline(event.call.error_text) or headline
    return headline


def _form_draft(event: CallEvent, failing: tuple[str, ...]) -> Draft | None:
    """The lesson of a failure caused by the script's own form (analyze/file_form.py): every
    script of its folder and extension, with the fix of that form as the remedy."""
    script = script_of(failing)
    cause = form_cause(event.call.error_text, script) if script is not None else None
    if script is None or cause is None:
        return None
    pattern = script_family(script)
    folder = f"`{pattern.rsplit('/', 1)[0]}/`" if "/" in pattern else "this folder"
    ext = pattern.rsplit("*", 1)[-1]
    headline = shown_error(event)
    return _draft(
        event,
        Trigger(SHELL, unless=Unless((pattern,), since=WORKED), family=pattern),
        title=f"{_FORM_TITLE[cause].format(pattern=as_data(pattern))}: {tool_output(headline)}",
        body=f"`{show_command(failing, event.branch)}` failed ({event.error_class or 'UNKNOWN'}): "
        f"{tool_output(headline)} The other scripts of {pattern} were most likely made the same way.",
        prevention=_FORM_PREVENTION[cause].format(folder=folder, pattern=pattern, ext=ext or ".sh"),
        category="scripts",
    )


def _draft(
    event: CallEvent,
    trigger: Trigger,
    *,
    title: str,
    body: str,
    prevention: str | None,
    category: str,
    machine_wide: bool = False,
) -> Draft:
    """A general lesson's draft: of the failure's error, low severity, no command to run."""
    return _usage_draft(
        event,
        trigger,
        title=title,
        body=body,
        prevention=prevention,
        command=None,
        category=category,
        severity="low",
        machine_wide=machine_wide,
    )


def retry_lesson(signature: str, output: str, event: CallEvent) -> Lesson:
    """A warning about a call resent in the same session after it failed, with nothing done since
    that could make it work (`output`: the start of the earlier failure's output). Not stored: it
    lives as long as the session's state."""
    call = event.call
    line = error_headline(output) or first_line(output)
    what = f"`{first_line(call.command, 80)}`" if call.command else f"{call.tool} of {as_data(call.target_path)}"
    return Lesson(
        signature=digest("retry", signature),
        kind="usage",
        title=f"{what} failed moments ago in this session: {tool_output(line)}",
        body="The same call failed earlier in this session and nothing that could fix it was done since.",
        trigger=None,
        error_signature=signature,
        error_class=event.error_class,
        prevention="Change the call (or fix its cause) before sending it again.",
        status="active",
        tier="active",
        base_confidence=RETRY_CONFIDENCE,
        origin="retry",
    )
