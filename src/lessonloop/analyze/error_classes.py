"""Why a tool call failed: one error class per failed call, with a confidence and its evidence.

An ordered table of rules reads the error text (and the call's agent-neutral kind, the status,
the shell command's kinds); the first rule that matches decides. Rules key on kinds (a shell
rule holds for Claude Code's Bash, Codex's exec_command, Aider's /run alike); a few name one
agent's own tool where the fact is that agent's. Usage classes are mistakes in how the agent called
a tool; the others are the code failing its checks, the environment, the user, or a cascade.
See docs/error-classes.md for the definitions and the decisions on ambiguous cases.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lessonloop.analyze.commands import command_kinds
from lessonloop.analyze.output_noise import is_envelope, is_shell_banner
from lessonloop.core import tool_kinds as records
from lessonloop.core.lazy_regex import LazyRegex

# A failure's PostToolUse hook classifies its error with this module: it imports neither typing
# nor dataclasses (ErrorClass and Rule are plain classes with slots; analyze/call.py's Call).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from lessonloop.analyze.call import Call
    from lessonloop.analyze.inputs import SessionInput

INCORRECT_PARAMETER = "INCORRECT_PARAMETER"
PARAMETER_FORMAT = "PARAMETER_FORMAT"
MISSING_PREREQUISITE = "MISSING_PREREQUISITE"
WORKFLOW_SEQUENCE = "WORKFLOW_SEQUENCE"
WRONG_TOOL_SELECTION = "WRONG_TOOL_SELECTION"
MISSING_PARAMETER = "MISSING_PARAMETER"
CHECK_FAILED = "CHECK_FAILED"
INFRASTRUCTURE = "INFRASTRUCTURE"
USER_REJECTED = "USER_REJECTED"
INTERRUPTED = "INTERRUPTED"
STOPPED = "STOPPED"
CASCADE = "CASCADE"
UNKNOWN = "UNKNOWN"

USAGE_CLASSES: frozenset[str] = frozenset(
    {
        INCORRECT_PARAMETER,
        PARAMETER_FORMAT,
        MISSING_PREREQUISITE,
        WORKFLOW_SEQUENCE,
        WRONG_TOOL_SELECTION,
        MISSING_PARAMETER,
    }
)
ALL_CLASSES: tuple[str, ...] = (
    INCORRECT_PARAMETER,
    PARAMETER_FORMAT,
    MISSING_PREREQUISITE,
    WORKFLOW_SEQUENCE,
    WRONG_TOOL_SELECTION,
    MISSING_PARAMETER,
    CHECK_FAILED,
    INFRASTRUCTURE,
    USER_REJECTED,
    INTERRUPTED,
    STOPPED,
    CASCADE,
    UNKNOWN,
)

EVIDENCE_CHARS = 120
CHECK_KINDS = frozenset({"test", "lint", "typecheck", "build"})
_FAILED_STATUSES = frozenset({"error", "rejected", "interrupted"})
EDGE_CHARS = 1500  # EDGES rules read the first and the last this many characters

# Where a rule's pattern is looked for.
START = "start"  # at the beginning of the error text: the harness's own messages
EDGES = "edges"  # in the first and last EDGE_CHARS characters: where commands print what went wrong
WHOLE = "whole"  # anywhere in the error text

_EXIT_HEADER = re.compile(r"\AExit code (-?\d+)[ \t]*\n?")
# Other agents' shell output states the exit code in a line of its own (Codex: "Process exited with
# code 1" in unified exec output, "Exit code: 1" in the classic shell tool's).
_EXIT_LINE = re.compile(r"^(?:Process exited with code|Exit code:) (-?\d+)\s*$", re.MULTILINE)
# (Gemini CLI wraps its tools' parameter checks in "Invalid parameters provided. Reason: ...")
_START_PREFIX = re.compile(r"\s*(?:<tool_use_error>\s*)?(?:Error:\s*)?(?:Invalid parameters provided\. Reason:\s*)?")
# An inline Python script: python -c, a heredoc, or a script piped in ("@'...'@ | python -").
_PYTHON_INLINE = re.compile(r"\bpython[\d.]*\s+(?:-c\b|-\s*<<|<<|-\s*$)")
# A shell call's own timeout parameter (Codex's timeout_ms, Claude Code's Bash timeout, ...).
_TIMEOUT_KEYS = frozenset({"timeout_ms", "timeout", "timeout_sec", "timeout_seconds"})


_ERROR_CLASS_FIELDS = ("tool_use_id", "context_id", "seq", "label", "confidence", "usage", "evidence")


class ErrorClass:
    """The class of one failed tool call, how sure the rule is, and the text that decided it.
    Immutable, compared and hashed by its fields (the frozen dataclass it was)."""

    __slots__ = _ERROR_CLASS_FIELDS

    tool_use_id: str
    context_id: str
    seq: int
    label: str
    confidence: float
    usage: bool
    evidence: str

    def __init__(
        self, tool_use_id: str, context_id: str, seq: int, label: str, confidence: float, usage: bool, evidence: str
    ) -> None:
        for name, value in zip(
            _ERROR_CLASS_FIELDS, (tool_use_id, context_id, seq, label, confidence, usage, evidence), strict=True
        ):
            object.__setattr__(self, name, value)

    def _fields(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in _ERROR_CLASS_FIELDS)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return "ErrorClass(" + ", ".join(f"{n}={getattr(self, n)!r}" for n in _ERROR_CLASS_FIELDS) + ")"

    def to_json(self) -> dict[str, Any]:
        return {
            "tool_use_id": self.tool_use_id,
            "session_id": self.context_id,
            "line": self.seq,
            "class": self.label,
            "confidence": self.confidence,
            "usage": self.usage,
            "evidence": self.evidence,
        }


class Rule:
    """One row of the table: every condition given must hold (a plain class: nothing changes a
    rule once the table is built).

    The evidence is the pattern's `ev` group when it has one, else the line the match is on.
    Patterns of EDGES and WHOLE rules start with literal text: Python's `re` then searches at
    memchr speed, while a leading class or alternation is ten times slower. Alternatives are
    therefore separate patterns, and case variants are spelled out.
    """

    __slots__ = (
        "call_kinds", "command", "confidence", "input_keys", "kinds", "label", "name", "patterns", "scope", "status",
        "tools",
    )  # fmt: skip

    def __init__(
        self,
        name: str,
        label: str,
        confidence: float,
        patterns: tuple[LazyRegex, ...] = (),  # alternatives: the first one found decides
        scope: str = EDGES,
        tools: frozenset[str] | None = None,  # an agent's own tool names (None: any tool)
        call_kinds: frozenset[str] | None = None,  # the call's neutral kinds, tool_kinds.TOOL_KINDS (None: any)
        status: str | None = None,  # the call's status must be this
        kinds: frozenset[str] | None = None,  # the shell command must have one of these kinds
        command: re.Pattern[str] | None = None,  # the shell command must match this
        # The call's input must give one of these parameters (True) or none of them (False).
        input_keys: tuple[frozenset[str], bool] | None = None,
    ) -> None:
        self.name = name
        self.label = label
        self.confidence = confidence
        self.patterns = patterns
        self.scope = scope
        self.tools = tools
        self.call_kinds = call_kinds
        self.status = status
        self.kinds = kinds
        self.command = command
        self.input_keys = input_keys

    def __repr__(self) -> str:
        return f"Rule(name={self.name!r}, label={self.label!r}, confidence={self.confidence!r})"


def _r(
    name: str,
    label: str,
    confidence: float,
    *patterns: str,
    scope: str = EDGES,
    flags: int = 0,
    tools: frozenset[str] | None = None,
    call_kinds: frozenset[str] | None = None,
    kinds: frozenset[str] | None = None,
    command: re.Pattern[str] | None = None,
    input_keys: tuple[frozenset[str], bool] | None = None,
) -> Rule:
    compiled = tuple(LazyRegex(pattern, flags) for pattern in patterns)  # compiled on first use
    return Rule(name, label, confidence, compiled, scope, tools, call_kinds, None, kinds, command, input_keys)


_SHELL = frozenset({records.SHELL})
_READ = frozenset({records.READ})
_SEARCH_CALL = frozenset({records.SEARCH})
_CHANGE = frozenset({records.EDIT, records.WRITE})
_TOOL_CALLS = frozenset(records.TOOL_KINDS) - _SHELL  # every call but a shell command's
_SEARCH = frozenset({"search"})
_COMMIT = frozenset({"git_commit"})
_INPUT_INVALID = r"InputValidationError:.{0,400}?"
_BAD_REGEX = (
    r"regex parse error",
    r"Invalid regular expression",
    r"invalid regular expression",
    r"Unmatched [(\[{]",
    r"unmatched [(\[{]",
    r"unclosed group",
)

# Gemini CLI's shell tool refusing command substitution, in every version's wording (also read
# by learning/engine/general_lessons.py for the form the command used)
REFUSED_SUBSTITUTION = r"Command substitution using [^\n]{0,80}? is not allowed"

RULES: tuple[Rule, ...] = (
    # A hook stopped the call before it ran (lessonloop's stop, or any other hook's deny), in each
    # agent's wording: Claude Code "PreToolUse:Bash hook error: REASON", Codex "Command blocked by
    # PreToolUse hook: REASON" (or "Tool call blocked ..." for a call with no command), Gemini CLI
    # "Tool execution blocked: REASON", Copilot CLI "Denied by preToolUse hook: REASON", OpenCode
    # the plugin's thrown REASON (lessonloop's own: "lessonloop stopped this call ..."). Not the
    # agent's failure, nor a success: learning counts it for no lesson (learning/engine/engine.py). Never a
    # call with an exit code: one that ran and printed those words is classed by what else it says.
    _r(
        "hook_stopped",
        STOPPED,
        0.97,
        r"PreToolUse:[^\s:]{1,80} hook error:",
        r"(?:Command|Tool call|Tool) blocked by PreToolUse hook",
        r"Tool execution blocked:",
        r"Denied by preToolUse hook",
        r"lessonloop stopped this call",
        scope=START,
    ),
    # The harness's own outcomes.
    Rule("user_rejected", USER_REJECTED, 0.99, status="rejected"),
    Rule("interrupted", INTERRUPTED, 0.99, status="interrupted"),
    _r("sibling_errored", CASCADE, 0.99, r"Sibling tool call errored", scope=START),
    _r("interrupt_marker", INTERRUPTED, 0.97, r"\[Request interrupted by user[^\]\n]{0,40}\]"),
    _r("rejection_text", USER_REJECTED, 0.95, r"The user doesn't want to proceed with this tool use", scope=START),
    # Claude Code's file tools, and the same refusals of Gemini CLI's `replace` (tools/edit.ts:
    # "Failed to edit, 0 occurrences found for old_string in PATH", "... expected 1 occurrence but
    # found N ...", "No changes to apply. The old_string and new_string are identical.") and of
    # OpenCode's edit/write (tool/edit.ts "oldString not found in content", "Found multiple matches
    # for oldString", "oldString and newString must be different"; file/time.ts "You must read
    # file PATH before overwriting it", "File PATH has been modified since it was last read").
    _r(
        "edit_string_not_found",
        INCORRECT_PARAMETER,
        0.98,
        r"String to replace not found in file",
        r"Failed to edit, 0 occurrences found for old_string",
        r"Failed to edit, could not find the string to replace",
        r"oldString not found in content",
        scope=START,
    ),
    _r(
        "edit_multiple_matches",
        INCORRECT_PARAMETER,
        0.98,
        r"Found \d+ matches of the string to replace, but replace_all is false",
        r"Failed to edit, [Ee]xpected \d+ occurrences? but found \d+",
        r"Found multiple matches for oldString",
        scope=START,
    ),
    _r(
        "edit_no_change",
        INCORRECT_PARAMETER,
        0.95,
        r"(?:No changes to make: )?old_string and new_string are exactly the same",
        r"No changes to apply\. The old_string and new_string are identical",
        r"oldString and newString must be different",
        scope=START,
    ),
    _r(
        "file_not_read",
        MISSING_PREREQUISITE,
        0.98,
        r"File has not been read yet",
        r"You must read (?:the )?file [^\n]{0,300}? before overwriting it",
        scope=START,
    ),
    # Other agents' edits that did not apply: Codex's apply_patch verification (codex-rs
    # apply-patch: "Failed to find expected lines in PATH:", "Failed to find context 'X' in PATH"),
    # Aider's edit blocks (editblock_coder: "SearchReplaceNoExactMatch: This SEARCH block failed to
    # exactly match lines in PATH", "# N SEARCH/REPLACE blocks failed to match!").
    _r(
        "patch_lines_not_found",
        INCORRECT_PARAMETER,
        0.97,
        # (after "error: ": a patch sent through the shell tool, older Codex: agents/codex/reader/outputs.py)
        r"(?:error: )?(?:apply_patch verification failed: )?(?P<ev>Failed to find (?:expected lines|context)[^\n]*)",
        scope=START,
    ),
    # Any other patch Codex could not verify or parse (apply-patch parser.rs: "invalid patch: ...",
    # "invalid hunk at line N, ..."; the exec'd apply_patch's "--codex-run-as-apply-patch requires a
    # UTF-8 PATCH argument."), and function arguments that were not valid JSON for the tool.
    _r(
        "patch_invalid",
        PARAMETER_FORMAT,
        0.9,
        r"(?:error: )?(?P<ev>apply_patch verification failed: [^\n]*)",
        r"(?:error: )?(?P<ev>invalid hunk at line \d+[^\n]*)",
        r"(?:error: )?(?P<ev>[Ii]nvalid patch[^\n]*)",
        scope=START,
    ),
    # A file tool's refusal of a file that is not UTF-8 (analyze/file_encoding.py: Codex's
    # apply_patch says so inside "verification failed" above; other tools at the start of their error)
    _r(
        "file_not_utf8",
        MISSING_PREREQUISITE,
        0.9,
        r"(?:[\w ]*[Ee]rror: )?(?P<ev>[^\n]{0,200}?(?:did not contain|is not|not) valid UTF-?8[^\n]*)",
        scope=START,
    ),
    _r("patch_argument_invalid", PARAMETER_FORMAT, 0.9, r"--codex-run-as-apply-patch requires [^\n]*"),
    _r("function_arguments_invalid", PARAMETER_FORMAT, 0.9, r"failed to parse function arguments[^\n]*", scope=START),
    # Codex's write_stdin to a command started without a terminal (exec_command's tty parameter).
    _r("stdin_closed", MISSING_PARAMETER, 0.85, r"write_stdin failed: stdin is closed[^\n]*", scope=START),
    # Aider: a reply whose edit blocks were malformed (base_coder.py "The LLM did not conform to the
    # edit format.").
    _r(
        "edit_format_malformed",
        PARAMETER_FORMAT,
        0.9,
        r"The LLM did not conform to the edit format",
        call_kinds=_CHANGE,
    ),
    _r(
        "edit_block_no_match",
        INCORRECT_PARAMETER,
        0.97,
        r"SearchReplaceNoExactMatch: [^\n]*",
        r"# \d+ SEARCH/REPLACE blocks? failed to match",
        r"UnifiedDiff(?:NoMatch|NotUnique): [^\n]*",  # udiff_coder.py: a hunk whose lines are not (once) in the file
        call_kinds=_CHANGE,
    ),
    _r(
        "file_modified_since_read",
        MISSING_PREREQUISITE,
        0.97,
        r"File has been (?:modified since read|unexpectedly modified)",
        r"File [^\n]{1,300}? has been modified since it was last read",
        scope=START,
    ),
    _r(
        "file_too_large",
        MISSING_PARAMETER,
        0.97,
        r"File content \([^)\n]{0,40}\) exceeds maximum allowed (?:size|tokens)",
        scope=START,
    ),
    _r(
        "input_too_long",
        INCORRECT_PARAMETER,
        0.95,
        r"The filename or extension is too long",  # Windows' CreateProcess: the command line (os error 206)
        r"Argument list too long",  # E2BIG
    ),
    _r("read_directory", WRONG_TOOL_SELECTION, 0.95, r"EISDIR", scope=START, call_kinds=_READ),
    _r("path_is_directory", INCORRECT_PARAMETER, 0.8, r"EISDIR", scope=START),
    _r(
        "path_not_found",
        INCORRECT_PARAMETER,
        0.95,
        r"(?:File|Path|Directory) does not exist",
        r"File not found(?::|\. Cannot apply edit)",  # Gemini CLI's read_file/replace, OpenCode's read
        scope=START,
    ),
    _r(
        "no_such_tool",
        WRONG_TOOL_SELECTION,
        0.95,
        r"No such tool available: \S+",
        r"Tool \"[^\"\n]+\" not found in registry",  # Gemini CLI's scheduler
        r"unsupported call: \S+",  # Codex
        # OpenCode's `invalid` tool (tool/invalid.ts) around the AI SDK's NoSuchToolError
        r"(?:The arguments provided to the tool are invalid: )?(?P<ev>Model tried to call unavailable tool '[^'\n]*')",
        scope=START,
    ),
    # Input validation of any tool (Claude Code's wording and zod's JSON issues).
    _r(
        "required_parameter_missing",
        MISSING_PARAMETER,
        0.95,
        _INPUT_INVALID + r"(?P<ev>[Tt]he required parameter `?[\w.]+`? is missing|\"received\":\s*\"undefined\")",
        scope=START,
        flags=re.DOTALL,
    ),
    _r(
        "unexpected_parameter",
        INCORRECT_PARAMETER,
        0.9,
        _INPUT_INVALID + r"(?P<ev>An unexpected parameter `?[\w.]+`? was provided)",
        scope=START,
        flags=re.DOTALL,
    ),
    _r(
        "parameter_type",
        PARAMETER_FORMAT,
        0.95,
        _INPUT_INVALID + r"(?P<ev>type is expected as `?\w+`? but provided as `?\w+`?"
        r"|\"expected\":\s*\"\w+\",\s*\"received\":\s*\"\w+\"|[Ee]xpected \w+, received \w+)",
        scope=START,
        flags=re.DOTALL,
    ),
    # The common JSON-schema validator's words (ajv: Gemini CLI's tool parameters, MCP servers):
    # "params/description must NOT have more than 100 characters", "params must have required
    # property 'file_path'", "params/limit must be number"; a rule of the call's own input. Not for
    # a shell command: its output may be the project's own schema errors (a build in progress).
    _r(
        "schema_required_property",
        MISSING_PARAMETER,
        0.9,
        r"(?P<ev>\bparams(?:/[\w./-]*)? must have required property '[\w.]+')",
        call_kinds=_TOOL_CALLS,
    ),
    _r(
        "schema_type",
        PARAMETER_FORMAT,
        0.9,
        r"(?P<ev>\bparams/[\w./-]+ must be (?:number|integer|string|boolean|array|object|null)\b)",
        call_kinds=_TOOL_CALLS,
    ),
    _r(
        "schema_violation",
        INCORRECT_PARAMETER,
        0.85,
        r"(?P<ev>\bparams(?:/[\w./-]*)? must (?:NOT have (?:more|fewer) than \d+ (?:characters|items|properties)"
        r"|NOT have additional properties|be equal to one of the allowed values|be (?:<=|>=|<|>) -?[\d.]+"
        r"|match (?:pattern|format) [^\n]{0,80}))",
        call_kinds=_TOOL_CALLS,
    ),
    _r(
        "input_invalid",
        PARAMETER_FORMAT,
        0.6,
        r"InputValidationError:[^\n]*",
        r"The arguments provided to the tool are invalid: [^\n]*",  # OpenCode's `invalid` tool
        scope=START,
    ),
    _r(
        "path_not_absolute",
        PARAMETER_FORMAT,
        0.9,
        r"(?:(?:[Ff]ile |[Dd]irectory )?[Pp]ath )?must be (?:an )?absolute",
        scope=START,
    ),
    # A path outside the folders the agent may touch (Gemini CLI's file tools: "File path must be
    # within one of the workspace directories: ...", "... resolves outside the allowed workspace
    # directories"): the wrong path for this tool, whatever exists there.
    _r(
        "path_outside_workspace",
        INCORRECT_PARAMETER,
        0.85,
        r"must be within one of the workspace directories",
        r"resolves outside the allowed workspace directories",
        r"[Pp]ath must be within the (?:root|workspace) directory \(",
    ),
    _r(
        "bad_regex",
        PARAMETER_FORMAT,
        0.9,
        *_BAD_REGEX,
        call_kinds=_SEARCH_CALL,
    ),
    _r(
        "bad_regex_shell",
        PARAMETER_FORMAT,
        0.85,
        *_BAD_REGEX,
        call_kinds=_SHELL,
        kinds=_SEARCH,
    ),
    # Skills run shell snippets of their own: the agent chose the skill, the skill's command failed.
    _r(
        "skill_embedded_missing_ref",
        MISSING_PREREQUISITE,
        0.7,
        r"Bash command failed for pattern.*?(?P<ev>(?:ambiguous argument|unknown revision)[^\n]*)",
        scope=START,
        flags=re.DOTALL,
        tools=frozenset({"Skill"}),
    ),
    # A project's pre-commit hook, classed by its first failing check (the one its headline names,
    # analyze/error_headline.py), so that one mistake is one class whatever fails after it: type
    # errors or failing tests first are the code failing checks; a format or lint rule first means
    # the formatter/linter should have run before the commit.
    _r(
        "precommit_checks",
        CHECK_FAILED,
        0.85,
        r"Pre-commit validation failed[^\[]*?(?P<ev>\[(?:DIALYZER|TESTS?|COMPILE|TYPES?|TYPECHECK|MYPY|TSC)\])",
        scope=START,
    ),
    _r(
        "precommit_style",
        WORKFLOW_SEQUENCE,
        0.9,
        r"Pre-commit validation failed[^\[]*?(?P<ev>\[(?:FORMAT|CREDO|LINT|STYLE)\][^\\\n]*)",
        scope=START,
    ),
    _r("hook_reformatted", WORKFLOW_SEQUENCE, 0.85, r"files were modified by this hook", kinds=_COMMIT),
    # The pre-commit framework's report run as a check (Aider's /lint runs it after an edit):
    # "black.....Failed", "flake8.....Failed". The commit's own rejection is the rule above.
    _r("precommit_hook_failed", CHECK_FAILED, 0.85, r"\.\.\.\.Failed"),
    # git.
    _r("git_no_upstream", MISSING_PREREQUISITE, 0.97, r"has no upstream branch"),
    _r(
        "git_add_ignored",
        INCORRECT_PARAMETER,
        0.97,
        r"(?P<ev>The following paths are ignored by one of your \.gitignore files:?\s*\S*)",
    ),
    _r(
        "git_bad_pathspec",
        INCORRECT_PARAMETER,
        0.92,
        r"pathspec '[^'\n]*' (?:did not match any file|is beyond a symbolic link)",
    ),
    _r(
        "git_bad_revision",
        INCORRECT_PARAMETER,
        0.9,
        r"fatal: (?:ambiguous argument|bad revision|invalid reference|Not a valid object name)",
    ),
    _r("git_not_a_repo", INCORRECT_PARAMETER, 0.85, r"fatal: not a git repository", r"No git repository found"),
    _r("git_bad_remote", INCORRECT_PARAMETER, 0.85, r"does not appear to be a git repository"),
    _r("git_identity", MISSING_PREREQUISITE, 0.9, r"Please tell me who you are"),
    _r("git_push_behind", WORKFLOW_SEQUENCE, 0.85, r"Updates were rejected because"),
    _r(
        "git_nothing_to_commit",
        WORKFLOW_SEQUENCE,
        0.75,
        r"nothing to commit",
        r"no changes added to commit",
        kinds=_COMMIT,
    ),
    _r("ssh_auth", INFRASTRUCTURE, 0.85, r"Permission denied \(publickey"),
    # Tools and modules that are not there.
    # A command's timeout: the shell call gave one and it was too short, or gave none and the
    # harness's default cut the command (Codex: "command timed out after N milliseconds"; Claude
    # Code: "Command timed out after 2m 0.0s"; Gemini CLI: "Command was automatically cancelled
    # because it exceeded the timeout of N minutes"). The fix is the parameter (or running it in the
    # background), so both are usage classes.
    _r(
        "timeout_too_short",
        INCORRECT_PARAMETER,
        0.7,
        r"command timed out after",
        r"Command timed out after",
        r"Command was automatically cancelled because it exceeded the timeout",
        call_kinds=_SHELL,
        input_keys=(_TIMEOUT_KEYS, True),
    ),
    _r(
        "command_timeout",
        MISSING_PARAMETER,
        0.6,
        r"command timed out after",
        r"Command timed out after",
        r"Command was automatically cancelled because it exceeded the timeout",
        call_kinds=_SHELL,
        input_keys=(_TIMEOUT_KEYS, False),
    ),
    # A program that is not there: sh/bash/zsh, PowerShell ("X : The term 'X' is not recognized as
    # the name of a cmdlet, function, script file, or operable program"), cmd.exe.
    _r(
        "command_not_found",
        MISSING_PREREQUISITE,
        0.95,
        r"command not found",
        r"is not recognized as the name of a cmdlet",
        r"is not recognized as an internal or external command",
    ),
    _r("sh_not_found", MISSING_PREREQUISITE, 0.9, r"sh: (?:line )?\d+: \S+: not found"),
    _r("module_missing", MISSING_PREREQUISITE, 0.93, r"No module named"),
    _r("node_module_missing", MISSING_PREREQUISITE, 0.85, r"Error: Cannot find module '"),
    _r("executable_missing", MISSING_PREREQUISITE, 0.9, r"executable file not found in \$PATH"),
    # A sandbox that refused a command (Codex: "sandbox denied exec error, exit code: N, ...", also
    # after "failed in sandbox MacosSeatbelt with execution error: "; macOS seatbelt's own
    # "operation not permitted: CMD" printed by the shell; Linux landlock/seccomp EPERM).
    _r("sandbox_denied", MISSING_PREREQUISITE, 0.9, r"sandbox denied exec error[^\n]{0,60}", scope=WHOLE),
    # A permission the harness has not been given (Claude Code without a person to ask, or with a
    # deny rule: "Claude requested permissions to use Bash, but you haven't granted it yet.",
    # "... to write to PATH ...", "Permission to use WebSearch has been denied.", "This command
    # requires approval"): the call cannot run here until the person allows it.
    _r(
        "permission_not_granted",
        MISSING_PREREQUISITE,
        0.85,
        r"Claude requested permissions to [^\n]{0,300}?but you haven't granted it yet",
        r"Permission to use [\w.:-]+ (?:with [^\n]{0,300}?)?has been denied",
        r"Permission for this action has been denied",
        r"This command requires approval",
        scope=START,
    ),
    _r(
        # a shell in a sandbox with no writable temporary folder (Codex's read-only sandbox): its
        # here-documents cannot be written, whatever the command
        "sandbox_here_document",
        MISSING_PREREQUISITE,
        0.85,
        r"cannot create temp file for here[- ]?document",
        call_kinds=_SHELL,
    ),
    _r(
        "sandbox_operation_not_permitted",
        MISSING_PREREQUISITE,
        0.8,
        r"operation not permitted: \S+",
        r"Operation not permitted",
        call_kinds=_SHELL,
    ),
    _r(
        "permission_denied",
        MISSING_PREREQUISITE,
        0.7,
        r"Permission denied",
        r"permission denied",
        r"Access is denied",  # Windows
        r"Access to the path '",  # .NET's UnauthorizedAccessException (PowerShell)
    ),
    # Credentials that are not there: log in (or set the key) first.
    _r(
        "credentials_missing",
        MISSING_PREREQUISITE,
        0.8,
        r"not logged in",
        r"Not logged in",
        r"No credentials",
        r"no credentials",
        r"Could not find credentials",
        r"could not find credentials",
        r"credentials not found",
        r"Credentials not found",
        r"Missing API key",
        r"missing API key",
        r"API key not found",
        r"API key is not set",
        r"gh auth login",
        r"Please log in",
        r"please log in",
        # git over HTTPS with no credential helper or token (no terminal to ask on), or with a
        # password where the host takes only tokens; a login refused otherwise stays INFRASTRUCTURE
        r"could not read (?:Username|Password) for '",
        r"terminal prompts disabled",
        r"Support for password authentication was removed",
    ),
    # Test runners, compilers, linters and type checkers that ran and reported failures.
    _r("exunit_failures", CHECK_FAILED, 0.95, r" tests?, [1-9]\d* failures?"),
    _r("pytest_failures", CHECK_FAILED, 0.95, r"== (?:\d+ \w+, )*[1-9]\d* (?:failed|errors?)\b"),
    _r("js_test_failures", CHECK_FAILED, 0.95, r"Tests?(?: Files)?:?[ \t]+[1-9]\d* failed"),
    _r("cargo_test_failed", CHECK_FAILED, 0.93, r"test result: FAILED"),
    _r("go_test_failed", CHECK_FAILED, 0.93, r"--- FAIL: \S+"),
    _r("elixir_compile_error", CHECK_FAILED, 0.92, r"== Compilation error in file"),
    _r(
        "compile_exception",
        CHECK_FAILED,
        0.92,
        r"\*\* \((?:CompileError|SyntaxError|TokenMissingError|MismatchedDelimiterError)\)",
    ),
    _r("esbuild_error", CHECK_FAILED, 0.9, r"✘ \[ERROR\]"),
    _r("rust_error", CHECK_FAILED, 0.9, r"error\[E\d{4}\]"),
    _r("ts_error", CHECK_FAILED, 0.9, r"error TS\d+:"),
    _r("mypy_errors", CHECK_FAILED, 0.92, r"Found [1-9]\d* errors? in \d+ files?"),
    _r("dialyzer_errors", CHECK_FAILED, 0.9, r"Total errors: [1-9]\d*", scope=WHOLE),
    _r("credo_issues", CHECK_FAILED, 0.92, r"mods/funs, found "),
    _r("eslint_problems", CHECK_FAILED, 0.9, r"✖ [1-9]\d* problems?"),
    _r("ruff_errors", CHECK_FAILED, 0.85, r"Found [1-9]\d* errors?\.", kinds=frozenset({"lint"})),
    _r(
        "format_check",
        CHECK_FAILED,
        0.85,
        r"would be reformatted",
        r"Would reformat",
        r"would reformat",
        r"--check-formatted",
        kinds=frozenset({"lint", "format"}),
    ),
    # Services the call depends on.
    _r(
        "package_not_found",
        INCORRECT_PARAMETER,
        0.75,
        r"npm error code E404",
        r"npm ERR! code E404",
        r"No matching distribution found for",
        call_kinds=_SHELL,
    ),
    _r(
        "network",
        INFRASTRUCTURE,
        0.85,
        r"Could not resolve host",
        r"Connection refused",
        r"ECONNREFUSED",
        r"ECONNRESET",
        r"ETIMEDOUT",
        r"ENOTFOUND",
        r"Connection timed out",
        r"Network is unreachable",
        r"Temporary failure in name resolution",
        r"SSL certificate problem",
        r"Could not read from remote repository",
    ),
    _r(
        "rate_limit",
        INFRASTRUCTURE,
        0.85,
        r"HTTP/[\d.]+ 429",
        r"status(?: code)?[ :=]+429\b",
        r"Too Many Requests",
        r"RateLimitError",
        r"rate_limit_error",
        r"Rate limit(?:ed| exceeded| reached)",
        r"rate limit(?:ed| exceeded| reached)",
    ),
    _r(
        "auth",
        INFRASTRUCTURE,
        0.8,
        r"HTTP/[\d.]+ 40[13]\b",
        r"status(?: code)?[ :=]+40[13]\b",
        r"401 Unauthorized",
        r"403 Forbidden",
        r"Authentication failed",
        r"authentication failed",
        r"Authentication required",
        r"authentication required",
        r"authentication_error",
        r"Invalid API key",
        r"invalid API key",
        r"invalid x-api-key",
    ),
    _r(
        "service_down",
        INFRASTRUCTURE,
        0.8,
        r"overloaded_error",
        r"Overloaded",
        r"503 Service Unavailable",
        r"502 Bad Gateway",
        r"504 Gateway Timeout",
    ),
    _r("disk_full", INFRASTRUCTURE, 0.9, r"No space left on device", r"ENOSPC"),
    # Shell usage.
    _r(
        "bad_cli_option",
        INCORRECT_PARAMETER,
        0.75,
        r"unrecognized option",
        r"unrecognized arguments",
        r"invalid option",
        r"illegal option",
        r"unknown option",
        r"Unknown option",
        r"error parsing flag",  # rg
        # PowerShell's parameter binding: a parameter the cmdlet does not have, or two of
        # different parameter sets ("The parameters TotalCount and Tail cannot be used together").
        r"A parameter cannot be found that matches parameter name",
        r"Parameter set cannot be resolved",
        r"cannot be used together",
        call_kinds=_SHELL,
    ),
    # A subcommand, script or target the program does not have: npm/pnpm/yarn scripts, git, cargo,
    # go, docker, click ("No such command"), argparse ("invalid choice:"), make's targets.
    _r(
        "unknown_subcommand",
        INCORRECT_PARAMETER,
        0.8,
        r"Missing script: ",
        r"ERR_PNPM_NO_SCRIPT",
        r"error Command \"[^\"]+\" not found",
        r"is not a git command",
        r"no such (?:sub)?command",
        r"No such command",
        r"unknown (?:sub)?command",
        r"Unknown (?:sub)?command",
        r"invalid choice: ",
        r"No rule to make target",
        call_kinds=_SHELL,
    ),
    _r(
        "parameter_value_format",
        PARAMETER_FORMAT,
        0.8,
        r"Cannot bind parameter '",
        r"Cannot convert value \"",
        r"Cannot validate argument on parameter '",
        call_kinds=_SHELL,
    ),
    # Arguments a program says it needs (argparse, clap, PowerShell, a tool's own validation).
    _r(
        "required_argument_missing",
        MISSING_PARAMETER,
        0.85,
        r"Missing an argument for parameter '",
        r"the following arguments are required",
        r"the following required arguments were not provided",
        r"Missing required argument",
        r"missing required argument",
        r"Missing required parameter",
        r"missing required parameter",
        r"is a required parameter",
    ),
    # A value outside a rule the tool states ("must be at most 100 characters").
    _r(
        "parameter_constraint",
        INCORRECT_PARAMETER,
        0.8,
        r"must be at most \d+",
        r"must be at least \d+",
        r"must be no more than \d+",
        r"must be less than (?:or equal to )?\d+",
        r"must be greater than (?:or equal to )?\d+",
        r"must be between \d+",
    ),
    # The command line does not parse in its shell (the command is the shell call's parameter):
    # bash/sh, and PowerShell's parser (ParserError; a bash heredoc in PowerShell is "Missing file
    # specification after redirection operator" and "The '<' operator is reserved for future use").
    _r(
        "shell_syntax_error",
        PARAMETER_FORMAT,
        0.85,
        r"syntax error near unexpected token",
        r"unexpected EOF while looking for matching",
        r"syntax error: unexpected end of file",
        r"The string is missing the terminator",
        r"in expression or statement",
        r"Missing expression after",
        r"Missing closing '",
        r"is reserved for future use",
        r"Missing file specification after redirection operator",
        r"Missing argument in parameter list",
        r"ParserError",
        call_kinds=_SHELL,
    ),
    # A shell tool that refuses a construct of the command line (Gemini CLI: "Command substitution
    # using $(), <(), or >() is not allowed for security reasons"): the command is the parameter.
    _r(
        "shell_construct_refused",
        PARAMETER_FORMAT,
        0.9,
        REFUSED_SUBSTITUTION,
        call_kinds=_SHELL,
    ),
    # A path that does not exist, as Windows and PowerShell say it.
    _r(
        "shell_path_not_found",
        INCORRECT_PARAMETER,
        0.9,
        r"Cannot find path '",
        r"The system cannot find the (?:file|path) specified",
        r"Could not find a part of the path",
        r"ItemNotFoundException",
        call_kinds=_SHELL,
    ),
    _r(
        "path_syntax",
        PARAMETER_FORMAT,
        0.85,
        r"The filename, directory name, or volume label syntax is incorrect",  # Windows ERROR_INVALID_NAME
        call_kinds=_SHELL,
    ),
    # Any other object PowerShell was told to use and did not find (a process, a service, ...).
    _r("shell_object_not_found", INCORRECT_PARAMETER, 0.75, r"CategoryInfo +: ObjectNotFound", call_kinds=_SHELL),
    _r(
        "inline_script_traceback",
        INCORRECT_PARAMETER,
        0.65,
        r"Traceback \(most recent call last\):.*?(?P<ev>^\w[\w.]*(?:Error|Exception)\b[^\n]*)",
        flags=re.DOTALL | re.MULTILINE,
        call_kinds=_SHELL,
        command=_PYTHON_INLINE,
    ),
    _r(
        "inline_script_error",
        INCORRECT_PARAMETER,
        0.65,
        r"(?P<ev>^\w*(?:Error|Exception): [^\n]*)",
        flags=re.MULTILINE,
        call_kinds=_SHELL,
        command=_PYTHON_INLINE,
    ),
    # zsh says it in lower case, the path last ("zsh:1: no such file or directory: ./run.sh")
    _r(
        "no_such_file",
        INCORRECT_PARAMETER,
        0.75,
        r"No such file or directory",
        r": no such file or directory: ",
        call_kinds=_SHELL,
    ),
    # PowerShell's runtime error in the agent's own script ("Cannot index into a null array.",
    # "You cannot call a method on a null-valued expression."): its record's category.
    _r("shell_script_error", INCORRECT_PARAMETER, 0.6, r"CategoryInfo +: InvalidOperation", call_kinds=_SHELL),
    # grep/rg exit 1 with nothing printed: no line matched. Not a failure, so no error class.
    _r("search_no_match", UNKNOWN, 0.6, r"Exit code 1\s*\Z", scope=START, call_kinds=_SHELL, kinds=_SEARCH),
)


def shell_syntax_error(text: str | None) -> bool:
    """Whether a shell command's output says its line did not parse (bash's "syntax error near
    unexpected token", PowerShell's ParserError and its messages): the command never ran, so
    nothing in its words but the syntax can have been the cause."""
    head = (text or "")[:4000]
    rule = next(rule for rule in RULES if rule.name == "shell_syntax_error")
    return any(pattern.search(head) for pattern in rule.patterns)


def classify_call(call: Call) -> ErrorClass | None:
    """The error class of a failed call; None for a successful call or one with no result."""
    if call.status not in _FAILED_STATUSES:
        return None
    text = call.error_text or ""
    kinds = command_kinds(call.command) if call.command else frozenset()
    view = _TextView(text)
    for rule in _rules_for(call.tool, call.kind):
        matched = _match(rule, call, view, kinds)
        if matched is not None:
            return _result(call, rule.label, rule.confidence, f"{rule.name}: {_clip(matched)}")
    return _fallback(call, text, kinds)


def classify_session(session: SessionInput) -> list[ErrorClass]:
    """Every failed call of the session (all its contexts), in time order."""
    results = (classify_call(call) for call in session.calls())
    return [result for result in results if result is not None]


@lru_cache(maxsize=256)
def _rules_for(tool: str, kind: str) -> tuple[Rule, ...]:
    """The rules that apply to a call of `tool` (of neutral `kind`), in table order."""
    return tuple(
        rule
        for rule in RULES
        if (rule.tools is None or tool in rule.tools) and (rule.call_kinds is None or kind in rule.call_kinds)
    )


class _TextView:
    """The error text as each scope reads it, computed once per call."""

    __slots__ = ("_edges", "start", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        prefix = _START_PREFIX.match(text)
        self.start = prefix.end() if prefix else 0
        self._edges: str | None = None

    @property
    def edges(self) -> str:
        if self._edges is None:
            text = self.text
            self._edges = text if len(text) <= 2 * EDGE_CHARS else f"{text[:EDGE_CHARS]}\n…\n{text[-EDGE_CHARS:]}"
        return self._edges


def _match(rule: Rule, call: Call, view: _TextView, kinds: frozenset[str]) -> str | None:
    """The evidence text when every condition of `rule` holds, else None."""
    if rule.status is not None and call.status != rule.status:
        return None
    if rule.label == STOPPED and call.exit_code is not None:
        return None  # a stopped call never ran: a command that exited printed those words itself
    if rule.kinds is not None and not (kinds & rule.kinds):
        return None
    if rule.command is not None and not (call.command and rule.command.search(call.command)):
        return None
    if rule.input_keys is not None:
        keys, given = rule.input_keys
        if any(key in call.input for key in keys) != given:
            return None
    if not rule.patterns:
        return f"status={call.status}"
    # A pattern whose leading literal is not in the text is not compiled to fail (may_find): the
    # hook that classifies one failure would compile tens of patterns (about 2 ms) to find them absent.
    if rule.scope == START:
        for pattern in rule.patterns:
            found = pattern.match(view.text, view.start) if pattern.may_find(view.text) else None
            if found is not None:
                return _evidence(view.text, found)
        return None
    haystack = view.text if rule.scope == WHOLE else view.edges
    for pattern in rule.patterns:
        found = pattern.search(haystack) if pattern.may_find(haystack) else None
        if found is not None:
            return _evidence(haystack, found)
    return None


def _evidence(text: str, found: re.Match[str]) -> str:
    """The `ev` group when there is one, else the line the match is on (or the match, in a long line)."""
    if "ev" in found.re.groupindex and found.group("ev") is not None:
        return found.group("ev")
    line_start = text.rfind("\n", 0, found.start()) + 1
    line_end = text.find("\n", found.end())
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    return line if len(line.strip()) <= EVIDENCE_CHARS else found.group(0)


def _fallback(call: Call, text: str, kinds: frozenset[str]) -> ErrorClass:
    exit_code = _exit_code(call, text)
    if exit_code == 1 and "search" in kinds and not _first_line(text):
        # grep/rg exit 1 with nothing printed (an agent's envelope aside): no line matched.
        return _result(call, UNKNOWN, 0.6, "search_no_match: exit 1, no output")
    if exit_code == 124 and call.kind == records.SHELL and not _first_line(text):
        # Killed by a timeout with nothing printed (Codex's exit status for its timeout, as
        # coreutils' timeout): the timeout rules' classes, by whether the call gave a timeout.
        if any(key in call.input for key in _TIMEOUT_KEYS):
            return _result(call, INCORRECT_PARAMETER, 0.65, "timeout_too_short: exit 124, no output")
        return _result(call, MISSING_PARAMETER, 0.55, "command_timeout: exit 124, no output")
    if exit_code not in (None, 0) and kinds & CHECK_KINDS:
        names = ",".join(sorted(kinds & CHECK_KINDS))
        return _result(call, CHECK_FAILED, 0.6, f"check_exit_nonzero: {names} exit {exit_code}")
    return _result(call, UNKNOWN, 0.3, f"no rule matched: {_clip(_first_line(text))}")


def _result(call: Call, label: str, confidence: float, evidence: str) -> ErrorClass:
    return ErrorClass(
        tool_use_id=call.id,
        context_id=call.context_id,
        seq=call.seq,
        label=label,
        confidence=confidence,
        usage=label in USAGE_CLASSES,
        evidence=evidence,
    )


def _exit_code(call: Call, text: str) -> int | None:
    if call.exit_code is not None:
        return call.exit_code
    header = _EXIT_HEADER.match(text) or _EXIT_LINE.search(text[:2000])
    return int(header.group(1)) if header else None


def _first_line(text: str) -> str:
    """The first non-empty line that is not an agent's envelope ("Exit code N", Codex's "Wall
    time: ..." and "Output:") or a shell's banner; empty when there is none."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not is_envelope(stripped) and not is_shell_banner(stripped):
            return stripped
    return ""


def _clip(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EVIDENCE_CHARS else flat[: EVIDENCE_CHARS - 1] + "…"
