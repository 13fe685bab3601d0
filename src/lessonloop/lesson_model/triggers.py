"""When a lesson applies: a tool call's shape (its agent-neutral kind, command words, missing
flags, an operand or path) and the prevention not yet done in this session.

A trigger names a kind (records.TOOL_KINDS: "shell" + a command's first words, "edit" + a path,
...), not an agent's tool name, so a lesson learned from Codex's exec_command `git push` warns
Claude Code's Bash `git push` in the same project. Only a trigger of kind "other" (an MCP tool,
an agent's own tool without a neutral kind) also names the tool.

A trigger is checked before every tool call (the PreToolUse hook), so this module stays light:
plain classes, the shell splitter, nothing else. `Trigger.to_json` / `from_json` are the stored
form (lessons.trigger).
"""

from __future__ import annotations

import posixpath
import re
import zlib

from lessonloop.analyze.commands import (
    POWERSHELL_COUNT_PARAMETERS,
    POWERSHELL_VALUE_PARAMETERS,
    drop_heredoc_bodies,
    git_arguments,
    is_env_word,
    is_operator,
    program_name,
    shell_tokens,
    split_commands_with_env,
    words_kinds,
)
from lessonloop.core.handler_tools import KINDS as CLAUDE_CODE_KINDS
from lessonloop.core.lazy_regex import LazyRegex
from lessonloop.core.tool_kinds import CHANGE_KINDS, EDIT, OTHER, READ, SHELL, SUBAGENT, TOOL_KINDS, WRITE
from lessonloop.lesson_model.environment import POWERSHELL, windows_path

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:  # annotations only: typing and collections.abc cost the hooks milliseconds
    from collections.abc import Iterable, Mapping, Sequence
    from typing import Any

# Option spellings that mean the same, per command: a lesson "add --set-upstream" is also
# satisfied by "-u".
FLAG_ALIASES: dict[tuple[str, ...], tuple[frozenset[str], ...]] = {
    ("git", "push"): (frozenset({"-u", "--set-upstream"}), frozenset({"-f", "--force", "--force-with-lease"})),
    ("git", "add"): (frozenset({"-f", "--force"}), frozenset({"-A", "--all"})),
    ("git", "commit"): (frozenset({"-n", "--no-verify"}), frozenset({"-a", "--all"})),
    ("git", "checkout"): (frozenset({"-b", "-B"}),),
    ("git", "switch"): (frozenset({"-c", "--create"}),),
    ("rm",): (frozenset({"-r", "-R", "--recursive", "-rf", "-fr"}),),
    ("mkdir",): (frozenset({"-p", "--parents"}),),
}

# The files a formatter or checker looks at: a change to any other file does not undo it.
TOOL_EXTENSIONS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("mix", "format"): (".ex", ".exs", ".heex", ".eex", ".leex"),
    ("mix", "credo"): (".ex", ".exs"),
    ("mix", "dialyzer"): (".ex", ".exs"),
    ("mix", "compile"): (".ex", ".exs"),
    ("ruff",): (".py", ".pyi"),
    ("black",): (".py", ".pyi"),
    ("isort",): (".py", ".pyi"),
    ("mypy",): (".py", ".pyi"),
    ("flake8",): (".py",),
    ("pylint",): (".py",),
    ("prettier",): (
        ".js",
        ".jsx",
        ".ts",
        ".tsx",
        ".mjs",
        ".cjs",
        ".css",
        ".scss",
        ".json",
        ".md",
        ".html",
        ".vue",
        ".yaml",
        ".yml",
    ),
    ("eslint",): (".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".vue"),
    ("biome",): (".js", ".jsx", ".ts", ".tsx", ".json", ".css"),
    ("gofmt",): (".go",),
    ("goimports",): (".go",),
    ("cargo", "fmt"): (".rs",),
    ("cargo", "clippy"): (".rs",),
    ("rustfmt",): (".rs",),
    ("clang-format",): (".c", ".h", ".cc", ".cpp", ".hpp"),
    ("shfmt",): (".sh", ".bash"),
    ("shellcheck",): (".sh", ".bash"),
    ("rubocop",): (".rb",),
}

NEUTRAL_KINDS = frozenset(TOOL_KINDS)
# Triggers stored or exported before issue 13 named Claude Code's tools (migration m018 rewrote the
# store's; a lesson file exported then still names them): read by Claude Code's table.
LEGACY_TOOL_KINDS = CLAUDE_CODE_KINDS
PREFIX_WORDS = 3  # command prefixes remembered per session for "was the prevention done?"


def canonical_words(words: Sequence[str]) -> tuple[str, ...]:
    """A simple command's words with git's global options (-C DIR, -c k=v) dropped, so
    `git -C x push` reads as `git push`."""
    if words and words[0] == "git":
        sub, rest = git_arguments(words)
        return ("git", sub, *rest) if sub else ("git",)
    return tuple(words)


def command_segments(command: str | None) -> list[tuple[str, ...]]:
    """The canonical words of each simple command of a shell command line, followed by the
    environment assignments it runs with (`PYTHONPATH=. pytest x` is `pytest x PYTHONPATH=.`): a
    setting is an option of the command, as a flag is (flags_of)."""
    if not command:
        return []
    return [canonical_words(words) for words in split_commands_with_env(command) if words]


def flags_of(words: Sequence[str]) -> set[str]:
    """A simple command's options: its flags, and `NAME=` for each setting it runs with (an
    environment assignment, `make CC=gcc`'s variable), whatever its value."""
    return {
        (w[: w.index("=") + 1] if is_env_word(w) else w)
        for w in words[1:]
        if (w.startswith("-") and w != "-" and w != "--") or is_env_word(w)
    }


def operands_of(words: Sequence[str], skip: int) -> list[str]:
    """Words after the first `skip` that are not options or settings (values of options are kept:
    the splitter does not know which options take one)."""
    return [w for w in words[skip:] if not w.startswith("-") and not is_env_word(w)]


def with_aliases(words: Sequence[str], flags: Iterable[str]) -> tuple[str, ...]:
    """`flags` and every spelling that means the same for this command."""
    out = set(flags)
    for group in FLAG_ALIASES.get(tuple(words[:2]), ()) + FLAG_ALIASES.get(tuple(words[:1]), ()):
        if out & group:
            out |= group
    return tuple(sorted(out))


def relative_path(path: str, cwd: str | None) -> str:
    """`path` relative to `cwd` when under it, without a leading "./"; else normalized as given."""
    norm = posixpath.normpath(path) if path else path
    if cwd and norm.startswith(cwd.rstrip("/") + "/"):
        norm = norm[len(cwd.rstrip("/")) + 1 :]
    while norm.startswith("./"):
        norm = norm[2:]
    return norm


def command_head(words: Sequence[str]) -> tuple[str, ...]:
    """A simple command's identifying words: the program, its subcommand when the second word is
    one (`git push`, `cargo test`, `python script.py`), and the module of `python -m MOD`."""
    if len(words) > 2 and words[1] == "-m":
        return tuple(words[:3])
    if len(words) > 1 and _SUBCOMMAND.fullmatch(words[1]):
        return tuple(words[:2])
    if len(words) > 1 and is_interpreter(words[0]) and not words[1].startswith("-"):
        return tuple(words[:2])  # the script it runs
    return tuple(words[:1])


_SUBCOMMAND = LazyRegex(r"[a-z][a-z0-9_.:-]*")
INTERPRETERS = frozenset(
    {"python", "py", "node", "deno", "bun", "ruby", "perl", "php", "bash", "sh", "zsh", "pwsh", "powershell", "cmd"}
)


def is_interpreter(program: str) -> bool:
    """A program that runs the code it is given (a script, `-c CODE`, stdin): what it runs, not
    the program, is the call's intent."""
    name = program_name(program)
    return name in INTERPRETERS or bool(_VERSIONED.fullmatch(name))


_VERSIONED = LazyRegex(r"(?:python|ruby|perl|php|node)[0-9.]+")


def failing_segment(segments: Sequence[tuple[str, ...]], error_text: str | None) -> tuple[str, ...] | None:
    """The simple command of a failed command line that most likely failed: the last one whose
    program is named as not found, else the last whose program an error line is about
    (`touch: x: Operation not permitted`, `Get-Content : Cannot find path`), else the last whose
    subcommand the error names (`Pre-commit` names commit), else the last."""
    head = (error_text or "")[:2000]
    if not segments or ("cd" in head and _CD_FAILED.search(head)):  # (every match says "cd")
        return None  # `cd` failed: a shell builtin no segment holds, not the command after it
    missing = missing_program(error_text)
    if missing:
        named = [w for w in segments if w and w[0].lower() == missing.lower()]
        if named:
            return named[-1]
    return named_segment(segments, error_text)


def _program_name(word: str) -> str:
    """A command's program as an error line names it: its file name, lowercase, without .exe."""
    name = word.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return name[:-4] if name.endswith((".exe", ".cmd", ".bat", ".ps1")) else name


# the program an error line is about: `touch: x: ...`, `grep: x: ...`, `Get-Content : Cannot ...`
_ERROR_SUBJECT = LazyRegex(r"^(?:[\w.:-]*[\\/])*([A-Za-z_][\w.+-]*?)(?:\.exe)? ?: ", re.MULTILINE)
# the first word of a simple command that is a program (not a variable, a here-string's text, a brace)
_PROGRAM_WORD = LazyRegex(r"(?:[\w.:~-]*[\\/])*[A-Za-z_][\w.+-]*")
_KEYWORDS = frozenset(("if", "then", "else", "elif", "fi", "for", "foreach", "while", "until", "do", "done", "case",
                       "esac", "in", "function", "return", "switch", "try", "catch", "finally", "param"))  # fmt: skip
# a subcommand as the error names it: a word (`push`, `run-script`), not a flag, a path or a value
_NAMED_SUBCOMMAND = LazyRegex(r"[a-z][a-z0-9-]+")


# `cd` failing, as bash/sh ("bash: line 1: cd: x: No such file or directory", "sh: 1: cd: can't cd
# to x"), zsh ("(eval):cd:1: no such file or directory: x") and PowerShell ("cd : Cannot find path") say it
_CD_FAILED = LazyRegex(r"(?:^|[\s:(])cd(?::\d+)?: |^cd : ", re.MULTILINE)


def named_segment(segments: Sequence[tuple[str, ...]], error_text: str | None) -> tuple[str, ...]:
    """Of a command line's simple commands (at least one), the last one whose program an error
    line is about, else the last whose subcommand the error names as a word (`Pre-commit` names
    commit; an operand such as a folder in a path is not named), else the last. Only commands
    that run a program count (not a variable's assignment, a keyword, a here-string's lines)."""
    head = (error_text or "")[:2000]
    programs = [w for w in segments if w and _PROGRAM_WORD.fullmatch(w[0]) and w[0].lower() not in _KEYWORDS]
    programs = programs or list(segments)
    if ":" in head:
        subjects = {m.group(1).lower() for m in _ERROR_SUBJECT.finditer(head)}
        named = [w for w in programs if _program_name(w[0]) in subjects]
        if named:
            return named[-1]
    text = head.lower()
    named = [
        w
        for w in programs
        if len(w) > 1
        and _NAMED_SUBCOMMAND.fullmatch(word := w[1].lower())
        and re.search(rf"(?<![\w./\\]){re.escape(word)}(?![\w/\\])", text)
    ]
    return (named or programs)[-1]


# A program the shell could not find, in the words of bash/zsh/sh, PowerShell, cmd.exe and
# Python's subprocess (a general shape of every shell, not one corpus's message).
_MISSING_PROGRAM = (
    # zsh and fish name the program last ("zsh: command not found: X"; in a command Claude Code
    # runs through zsh's eval, "(eval):1: command not found: X")
    LazyRegex(r"^(?:zsh|bash|sh|fish|\(eval\))(?::\d+)?: command not found: ([\w.+/-]+)", re.MULTILINE),
    LazyRegex(r"(?:^|: )([\w.+-]+): command not found", re.MULTILINE),
    LazyRegex(r"^[\w/.-]*sh: (?:line )?\d+: ([\w.+-]+): not found", re.MULTILINE),
    LazyRegex(r"The term '([^'\s]+)' is not recognized as (?:the )?name of a cmdlet"),
    LazyRegex(r"'([^'\s]+)' is not recognized as an internal or external command"),
    LazyRegex(r'exec: "([\w.+/-]+)": executable file not found'),
)


def missing_program(error_text: str | None) -> str | None:
    """The program an error says does not exist where the command ran (`python`, `sed` in
    PowerShell), or None."""
    if not error_text:
        return None
    text = error_text[:4000]
    if "not found" not in text and "not recognized" not in text:
        return None  # every pattern below says one of these (most errors say neither)
    for pattern in _MISSING_PROGRAM:
        found = pattern.search(text)
        if found:
            program = posixpath.basename(found.group(1))
            if program and not program.startswith("-"):
                return program
    return None


def extensions_for(words: Sequence[str]) -> tuple[str, ...]:
    """The file extensions the command `words` looks at; () when unknown (any change counts)."""
    for size in (2, 1):
        found = TOOL_EXTENSIONS.get(tuple(words[:size]))
        if found:
            return found
    return ()


def _rewrites_files(words: Sequence[str]) -> bool:
    """A command that rewrites files in place: a formatter (not its --check mode)."""
    return "format" in words_kinds(words)


class Unless:
    """The prevention, done: a successful command starting with `words` (with one of `flags` when
    given) earlier in this session, and, when `since` is "change", after the last change to a
    file with one of `exts` (any file when `exts` is empty).

    check: the commit hook's check the step stands for (`format` for `mix format`, a lesson from a
    hook's `[FORMAT]` rejection). A commit the hook let through, or rejected for other checks only,
    ran that check on the files as they were: it has seen them, as if the step had run then."""

    __slots__ = ("check", "exts", "flags", "since", "words")

    def __init__(
        self,
        words: Sequence[str],
        flags: Sequence[str] = (),
        since: str = "session",
        exts: Sequence[str] = (),
        check: str | None = None,
    ) -> None:
        self.words = tuple(words)
        self.flags = tuple(flags)
        self.since = since
        self.exts = tuple(exts)
        self.check = check

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"words": list(self.words), "since": self.since}
        if self.flags:
            out["flags"] = list(self.flags)
        if self.exts:
            out["exts"] = list(self.exts)
        if self.check:
            out["check"] = self.check
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Unless:
        """The stored form read back; TriggerError naming the field whose value has the wrong type."""
        if not isinstance(data, dict):
            raise TriggerError(f"its prevention (unless) is {type_name(data)}, not an object")
        check = _text(data, "check", "unless.check")
        return cls(
            _texts(data, "words", "unless.words") or (),
            _texts(data, "flags", "unless.flags") or (),
            _text(data, "since", "unless.since") or "session",
            _texts(data, "exts", "unless.exts") or (),
            check or None,
        )

    def done_by(self, kind: str, segments: Sequence[tuple[str, ...]]) -> bool:
        """Whether a call (of neutral `kind`) runs the prevention itself: the command (with one of
        its flags), or, for "read", a read of a file."""
        if self.since == "read":
            return kind == READ
        if self.since == WORKED:
            return False  # not a step to take: the call itself working (SessionState.satisfied)
        flags = with_aliases(self.words, self.flags) if self.flags else ()
        return any(
            words[: len(self.words)] == self.words and (not flags or not flags_of(words).isdisjoint(flags))
            for words in segments
        )

    def describe(self) -> str:
        if self.since == WORKED:
            what = f"`{' '.join(self.words)}`" if self.words else "the same call on this file"
            return f"unless {what} worked in this session since it last failed this way"
        if self.since == "read":
            return "unless the file was read again after a formatter last rewrote such files"
        words = " ".join(self.words)
        if self.flags:
            words += f" {self.flags[0]}"
        return f"unless `{words}` ran " + (
            "since the last change" if self.since == "change" else "earlier in the session"
        )


class Trigger:
    """The calls a lesson applies to.

    kind: the calls' neutral kind (shell, read, edit, write, ...). tool: the agent's tool name,
    only for kind "other" (else None: any agent's tool of the kind). words: for shell calls, the command's first words (`git push`); any
    simple command of the line may match. lacks: the call matches only when that command has
    none of these flags. operand: the command names this path or something under it. path: a
    file tool's target, relative to the session folder. unless: the prevention, done.

    Two optional fields name one particular command, for lessons made of a person's words
    (learning/engine/correction_lessons.py; absent from every other trigger, and then from its JSON and key):
    operands: the command's non-option words after `words` are exactly these (each relative to
    the session folder; a path also covers what is under it), in any order and whatever its
    options: a rejected `mkdir -p build/tmp` is `mkdir` on exactly build/tmp, not `mkdir other`.
    An empty tuple means exactly none (a rejected bare `git push`); None, any. with_flags: the
    command has one of these options (or a spelling that means the same, FLAG_ALIASES).

    sought: for a search of files by name that found nothing (analyze/file_search.py), the core of
    the name it looked for: the trigger's command searching again for a name that holds it, blind
    as before to hidden and ignored files.

    family: for a failure caused by a script's form (analyze/file_form.py: its line endings, its
    executable bit, its #! line), the scripts of its folder and extension (`scripts/*.sh`): a call
    running any of them.

    shell: for a shell lesson, the shell family it was learned in (lesson_model/environment.py:
    powershell, cmd, posix): a command of another shell does not match. None: any shell (learned
    in several, or where the shell was not known). Not part of the key: the same lesson seen in a
    second shell is one lesson, widened to every shell.

    Two more fields are not part of the key either (a lesson learned before them keeps its
    signature, and its trigger is rewritten when it is learned again):
    bare: the failing command named no operands, and its fix added some (`git push` failing for
    lack of an upstream, `git push --set-upstream origin feat` working): the lesson holds for the
    command with no operands, not for one that names them (`git push origin main`).
    ext: for `sought`, the literal extension of the name searched for (`.yaml` of
    `workflow.yaml`): a search naming another extension (`workflow.md`) names another file, which
    may exist, so it does not match (the name is matched whole, not its stem).

    needs: for a failure that a file's missing declaration caused (learning/engine/declared_lessons.py: a
    configuration key, a dependency the error names and the fix added), that file, relative to
    the call's folder, and the text it must hold, as "PATH|TEXT" (`config/test.exs|secret_key_base`),
    and the folder of what the failure showed on when the failing command named it, as
    "PATH|TEXT|FOLDER": the lesson holds on a call that runs what is in that folder, where it
    exists, whose file lacks the text, checked by the decision (the file on disk in the hooks,
    what the transcripts show of it in replay: PendingCall.file_has).
    """

    __slots__ = (
        "bare",
        "ext",
        "family",
        "kind",
        "lacks",
        "needs",
        "operand",
        "operands",
        "param",
        "path",
        "rule",
        "shell",
        "sought",
        "token",
        "tool",
        "unless",
        "with_flags",
        "words",
    )

    def __init__(
        self,
        kind: str,
        words: Sequence[str] | None = None,
        lacks: Sequence[str] = (),
        operand: str | None = None,
        path: str | None = None,
        unless: Unless | None = None,
        tool: str | None = None,
        operands: Sequence[str] | None = None,
        with_flags: Sequence[str] = (),
        param: str | None = None,
        rule: str | None = None,
        token: str | None = None,
        sought: str | None = None,
        family: str | None = None,
        shell: str | None = None,
        *,
        bare: bool = False,
        ext: str | None = None,
        needs: str | None = None,
    ) -> None:
        self.bare = bare
        self.needs = needs
        self.ext = ext
        self.kind = kind
        self.sought = sought
        self.family = family
        self.shell = shell if kind == SHELL else None
        # a parameter rule is the tool's own: it names the tool whatever the kind
        self.tool = tool if kind == OTHER or param else None
        self.param = param
        self.rule = rule
        # a shell operator the command line uses (`&&`, `<<`) that its shell rejects, or a form of
        # the line (`$(`, `\\"`: LINE_FORMS) its shell or shell tool refuses
        self.token = token
        self.words = tuple(words) if words else None
        self.lacks = tuple(lacks)
        self.operand = operand
        self.path = path
        self.unless = unless
        self.operands = tuple(operands) if operands is not None else None
        self.with_flags = tuple(with_flags)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        if self.tool:
            out["tool"] = self.tool
        if self.words:
            out["words"] = list(self.words)
        if self.lacks:
            out["lacks"] = list(self.lacks)
        if self.operand:
            out["operand"] = self.operand
        if self.path:
            out["path"] = self.path
        if self.unless:
            out["unless"] = self.unless.to_json()
        if self.operands is not None:
            out["operands"] = list(self.operands)
        if self.with_flags:
            out["with_flags"] = list(self.with_flags)
        if self.param:
            out["param"] = self.param
            out["rule"] = self.rule
        if self.token:
            out["token"] = self.token
        if self.sought:
            out["sought"] = self.sought
        if self.family:
            out["family"] = self.family
        if self.shell:
            out["shell"] = self.shell
        if self.bare:
            out["bare"] = True
        if self.ext:
            out["ext"] = self.ext
        if self.needs:
            out["needs"] = self.needs
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Trigger:
        """The stored form read back. TriggerError (a ValueError) naming the field when a value
        has a type no trigger lessonloop writes has (a number where words are, an object where a
        path is): a store another program wrote, or a teammate's lesson, is data to check."""
        if not isinstance(data, dict):
            raise TriggerError(f"it is {type_name(data)}, not an object")
        for name in TRIGGER_TEXT_FIELDS:
            _text(data, name, name)
        unless = data.get("unless")
        kind, tool = kind_and_tool(data)
        operands = _texts(data, "operands", "operands")
        param, rule = data.get("param"), data.get("rule")
        if param and not tool and isinstance(data.get("tool"), str):
            tool = data["tool"]
        return cls(
            kind,
            _texts(data, "words", "words"),
            _texts(data, "lacks", "lacks") or (),
            data.get("operand"),
            data.get("path"),
            Unless.from_json(unless) if unless is not None else None,
            tool,
            operands,
            _texts(data, "with_flags", "with_flags") or (),
            param or None,
            rule or None,
            data.get("token") or None,
            data.get("sought") or None,
            data.get("family") or None,
            data.get("shell") or None,
            bare=data.get("bare") is True,
            ext=data.get("ext") or None,
            needs=data.get("needs") or None,
        )

    @property
    def until_worked(self) -> bool:
        """A general lesson's trigger (learning/engine/general_lessons.py): "unless it worked in this session
        since it last failed here with the lesson's error"."""
        return self.unless is not None and self.unless.since == WORKED

    @property
    def speaks_where_learned(self) -> bool:
        """Whether a general lesson with this trigger warns in a session where it failed: only one
        on a program alone (a program that does not exist here, a prerequisite outside the
        project), which any later use meets the same way."""
        if self.family is not None:
            return True  # another script of the family is another call, not the corrected one
        return self.path is None and len(self.words or ()) == 1 and self.operand is None

    @property
    def label(self) -> str:
        """What the trigger's calls are: the kind, or the tool of a trigger of kind "other"."""
        return self.tool or self.kind

    def key(self) -> str:
        """A canonical text of the trigger (part of a lesson's signature)."""
        parts = [
            self.label,
            " ".join(self.words or ()),
            ",".join(sorted(self.lacks)),
            self.operand or "",
            self.path or "",
        ]
        if self.unless:
            u = self.unless
            parts.append(f"{' '.join(u.words)}|{','.join(sorted(u.flags))}|{u.since}|{','.join(u.exts)}")
            if u.check:
                parts.append(f"check={u.check}")
        # The optional fields, only when set: every other trigger keeps the key (and so the
        # lesson signature) it had before they existed.
        if self.operands is not None:
            parts.append("operands=" + "\x1f".join(sorted(self.operands)))
        if self.with_flags:
            parts.append("with=" + ",".join(sorted(self.with_flags)))
        if self.param:
            parts.append(f"param={self.param}|{self.rule}")
        if self.token:
            parts.append(f"token={self.token}")
        if self.sought:
            parts.append(f"sought={self.sought}")
        if self.family:
            parts.append(f"family={self.family}")
        if self.needs:
            parts.append(f"needs={self.needs}")
        return "\x1e".join(parts)

    def describe(self) -> str:
        """The trigger in words, e.g. "shell `git push` without --set-upstream/-u"."""
        text = self.label
        if self.words:
            text += f" `{' '.join((*self.words, *(self.operands or ())))}`"
        if self.with_flags:
            text += " with " + "/".join(self.with_flags)
        if self.lacks:
            text += " without " + "/".join(self.lacks)
        if self.bare:
            text += " and with no operands"
        if self.operand:
            text += f" on {self.operand}"
        if self.path:
            text += f" of {self.path}"
        if self.unless:
            text += ", " + self.unless.describe()
        if self.param == FILE_PARAM:
            text += " on a file that " + describe_rule(self.rule)
        elif self.param == INPUT_SIZE:
            text += f" whose input is longer than {(self.rule or 'max:?')[4:]} characters"
        elif self.param == OLD_TEXT:
            text += " whose old text " + describe_rule(self.rule)
        elif self.param:
            text += f" whose `{self.param}` " + describe_rule(self.rule)
        if self.token:
            text += " using " + _TOKEN_WORDS.get(self.token, f"`{self.token}`")
        if self.sought:
            held = f"`{self.sought}` with the extension `{self.ext}`" if self.ext else f"`{self.sought}`"
            text += f" for a name holding {held}, without looking in hidden or ignored files"
        if self.family:
            text += f" running a script of {self.family}"
        if self.needs:
            path, held = needed_text(self.needs)
            text += f" while {path} lacks `{held}`"
            if folder := needed_folder(self.needs):
                text += f", running what is in {folder}"
        if self.shell in _SHELL_NAMES:  # (a POSIX shell goes without saying)
            text += f" in {_SHELL_NAMES[self.shell]}"
        return text

    def matches_shape(
        self,
        kind: str,
        segments: Sequence[tuple[str, ...]],
        target: str | None,
        cwd: str | None,
        tool: str = "",
        tool_input: Mapping[str, Any] | None = None,
        command: str | None = None,
        shell: str | None = None,
    ) -> bool:
        """Whether a call of neutral `kind` (and agent tool `tool`) with these command segments /
        target path (and input, for a parameter rule; command line, for a shell operator; the
        shell family it runs in, None when not known) has the trigger's shape (the prevention is
        checked separately, with the session's state)."""
        if kind != self.kind or (self.tool is not None and tool != self.tool):
            return False
        if self.shell is not None and shell is not None and shell != self.shell:
            return False  # learned in another shell
        if self.param is not None:
            if self.param == INPUT_SIZE:
                limit = self.rule[4:] if self.rule and self.rule.startswith("max:") else ""
                return limit.isdigit() and input_size(tool_input, command) > int(limit)
            if self.param == OLD_TEXT:
                return self.rule == GARBLED and garbled_old_text(tool_input) is not None
            if kind == SHELL and self.words:  # a cmdlet's parameter, read from the command's words
                from lessonloop.analyze.cmdlet_rules import breaks_cmdlet_rule  # (those lessons' only)

                return any(breaks_cmdlet_rule(words, self.words[0], self.param, self.rule) for words in segments)
            return breaks_rule(tool_input, self.param, self.rule)
        if self.token is not None:
            if self.token == QUOTE_INSIDE:
                from lessonloop.analyze.shell_quotes import quote_ends_inside  # (that lesson's only)

                used = quote_ends_inside(command, (shell or self.shell) == POWERSHELL)
            elif self.token == DASH_PATTERN:
                from lessonloop.analyze.dash_patterns import dash_pattern  # (that lesson's only)

                found = dash_pattern(command)
                return found is not None and (self.words is None or found[0] == " ".join(self.words))
            else:
                used = self.token in (line_forms(command) if self.token in LINE_FORMS else operator_tokens(command))
            # (a form refused for one program: `rg` given a wildcard the shell did not expand)
            return used and (self.words is None or any(w[: len(self.words)] == self.words for w in segments))
        if self.path is not None:
            return target is not None and relative_path(target, cwd) == self.path
        if self.family is not None:
            return any(_script_family(words) == self.family for words in segments)
        if self.words is None:
            return True
        size = len(self.words)
        if self.sought is not None:
            from lessonloop.analyze.file_search import same_search  # (an empty search's trigger only)

            return any(words[:size] == self.words and same_search(self.sought, words, self.ext) for words in segments)
        for words in segments:
            if words[:size] != self.words:
                continue
            if self.lacks and not flags_of(words).isdisjoint(with_aliases(words, self.lacks)):
                continue
            if self.bare and operands_of(words, size):
                continue  # it names what the fix named (a remote and a branch): not the call that failed
            if self.operand is not None and not _names(words, size, self.operand, cwd):
                continue
            if self.operands is not None and not same_operands(words, size, self.operands, cwd):
                continue
            if self.with_flags and flags_of(words).isdisjoint(with_aliases(words, self.with_flags)):
                continue
            if (
                self.needs is not None
                and (folder := needed_folder(self.needs))
                and not runs_folder(words, size, folder, cwd)
            ):
                continue  # it runs none of what the failure showed on (other tests)
            return True
        return False

    def prevention_done_by(
        self, kind: str, segments: Sequence[tuple[str, ...]], target: str | None, cwd: str | None, tool: str = ""
    ) -> bool:
        """Whether a successful call did what the lesson says to do instead: ran its prevention
        step, ran its command with a flag it lacked, or did the file tool's job on another path.
        (After a warning this is a success after prevention.)"""
        if self.unless is not None and self.unless.done_by(kind, segments):
            return True
        if kind != self.kind or (self.tool is not None and tool != self.tool):
            return False
        if self.lacks and self.words:
            size = len(self.words)
            for words in segments:
                if words[:size] == self.words and not flags_of(words).isdisjoint(with_aliases(words, self.lacks)):
                    return True
        if self.path is not None and self.unless is None:
            return target is not None and relative_path(target, cwd) != self.path
        return False

    def done_inline(self, segments: Sequence[tuple[str, ...]]) -> bool:
        """Whether the command line itself runs the prevention before the command the trigger
        names (`mix format && git commit`): done in this call, before the part it guards."""
        unless = self.unless
        if unless is None or self.words is None or unless.since == WORKED:
            return False
        flags = with_aliases(unless.words, unless.flags) if unless.flags else ()
        for words in segments:
            if words[: len(unless.words)] == unless.words and (not flags or not flags_of(words).isdisjoint(flags)):
                return True
            if words[: len(self.words)] == self.words:
                return False
        return False


def operator_tokens(command: str | None) -> frozenset[str]:
    """The shell operators a command line uses (`&&`, `|`, `<<`, `>`), here-document bodies and
    quoted text left out."""
    tokens = shell_tokens(command) if command else None
    return frozenset(t for t in tokens or () if is_operator(t))


# Forms of a command line a shell or shell tool may refuse, read outside single quotes: command
# and process substitution (Gemini CLI's shell tool refuses them), and a double quote escaped with
# a backslash (PowerShell takes the backslash as a character and the quote as the string's end)
SUBSTITUTIONS = ("$(", "`", "<(", ">(")
ESCAPED_QUOTE = '\\"'
# a wildcard in a word outside quotes (`rg x src/sentry*`): PowerShell hands it to a program as it
# is, where a POSIX shell expands it
BARE_GLOB = "<glob>"
LINE_FORMS = (*SUBSTITUTIONS, ESCAPED_QUOTE, BARE_GLOB)
# a double quote that ends a double-quoted argument inside a word (analyze/shell_quotes.py), read
# with the rules of the call's shell (or the lesson's)
QUOTE_INSIDE = '<"...">'
# a search pattern that starts with a dash, given where the program reads an option
# (analyze/dash_patterns.py)
DASH_PATTERN = "<-pattern>"
_DOUBLE_QUOTED = LazyRegex(r'"(?:[^"\\\n]|\\.)*"')
_GLOB_WORD = LazyRegex(r"(?:^|[\s(])(?=[^\s\-])[^\s|;&<>()'\"]*\*")
_SINGLE_QUOTED = LazyRegex(r"'[^'\n]*'")


def line_forms(command: str | None) -> frozenset[str]:
    """The forms of LINE_FORMS a command line uses (`$(`, a backquote, `<(`, `>(`, `\\"`), text
    in single quotes, here-document bodies and PowerShell here-strings left out: double quotes do
    not stop a substitution."""
    if not command:
        return frozenset()
    text = _SINGLE_QUOTED.sub("", drop_heredoc_bodies(command))
    forms = {form for form in (*SUBSTITUTIONS, ESCAPED_QUOTE) if form in text}
    if "*" in text and _GLOB_WORD.search(_DOUBLE_QUOTED.sub("", text)):
        forms.add(BARE_GLOB)
    return frozenset(forms)


# JSON Schema's types, as a tool's validation names them, and the Python values of each
JSON_TYPES: dict[str, tuple[type, ...]] = {
    "number": (int, float),
    "integer": (int,),
    "string": (str,),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


def breaks_rule(tool_input: Mapping[str, Any] | None, param: str, rule: str | None) -> bool:
    """Whether a call's input breaks a tool's parameter rule: "required" (the parameter left out
    or empty), "unexpected" (given), "max:N" (a text or list longer than N), "min:N" (shorter
    than N), "type:T" (given as another JSON type than T), "absolute" (a relative path), "inside:D|E"
    (a path under none of these folders), "line:L" (a text with a line that is L, blanks around it
    aside), "shape:S" (a cmdlet's value of that shape: analyze/cmdlet_rules.py), LF_ON_CRLF (an old
    text with LF line ends), NOT_UTF8 (always: the file is the decision's to check)."""
    if tool_input is None:
        return False
    if "/" in param:  # a nested parameter (`questions/*/header`): broken when any of its values is
        return any(_breaks_value(value, rule) for value in values_at(tool_input, param))
    if rule == "unexpected":
        return param in tool_input
    return _breaks_value(tool_input.get(param), rule)


def needed_text(needs: str) -> tuple[str, str]:
    """A trigger's `needs` ("PATH|TEXT" or "PATH|TEXT|FOLDER") as (the file relative to the
    call's folder, the text)."""
    path, _, rest = needs.partition("|")
    return path, rest.partition("|")[0]


def needed_folder(needs: str) -> str | None:
    """The folder of a trigger's `needs` ("PATH|TEXT|FOLDER", relative to the call's folder): the
    failure showed when what is in it ran (the tests of `test/web/live`), so the lesson holds on a
    command that runs it, where it exists; None: any run."""
    return needs.split("|", 2)[2] if needs.count("|") >= 2 else None


def needed_file(needs: str, cwd: str | None, path: str | None = None) -> str | None:
    """The file a trigger's `needs` names (or `path`, its folder), under the call's folder `cwd`:
    None when it is not a plain relative path under it (absolute, or climbing out with `..`: a
    stored lesson, perhaps a teammate's, is data and names no file outside the call's folder) or
    the folder is not known."""
    wanted, text = needed_text(needs)
    path = wanted if path is None else path
    if not cwd or not path or not text or is_absolute(path):
        return None
    parts = path.replace("\\", "/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    return posixpath.join(cwd, *parts) if not windows_path(cwd) else cwd.rstrip("\\/") + "\\" + "\\".join(parts)


def runs_folder(words: Sequence[str], skip: int, folder: str, cwd: str | None) -> bool:
    """Whether a command (its words after the first `skip`) runs what is in `folder`: it names no
    path (a test runner's whole suite), or a path in it, or one that holds it."""
    named = [relative_path(w, cwd) for w in path_operands(words, skip) if "/" in w or "." in w]
    if not named:
        return True
    top = folder.rstrip("/")
    return any(rel in (top, ".") or rel.startswith(top + "/") or top.startswith(rel.rstrip("/") + "/") for rel in named)


def item_path(pointer: str) -> str:
    """A JSON-schema validator's path to a parameter (`questions/0/header`) as a rule's path: an
    item's index read as every item (`questions/*/header`)."""
    return "/".join("*" if part.isdigit() else part for part in pointer.split("/"))


def values_at(tool_input: Mapping[str, Any], path: str) -> list[Any]:
    """The values a parameter's path (`name`, `questions/*/header`) reaches in a call's input:
    `*` is every item of a list (or value of a mapping); a missing step reaches nothing."""
    found: list[Any] = [tool_input]
    for part in path.split("/"):
        following: list[Any] = []
        for value in found:
            if part == "*":
                items = value if isinstance(value, list) else list(value.values()) if isinstance(value, dict) else []
                following.extend(items)
            elif isinstance(value, dict) and part in value:  # (JSON objects: the hooks import no abc)
                following.append(value[part])
        found = following
    return found


# An edit's old text with bare LF line ends, on a file with CRLF line ends (analyze/line_endings.py):
# broken by the text alone here; that the call's file has CRLF line ends is the decision's to check
# (lesson_model/decision.py, PendingCall.file_form), as it needs the file.
LF_ON_CRLF = "eol:lf"
# A file's own rule, not a parameter's: the file the call reads or edits is not UTF-8
# (analyze/file_encoding.py), checked by the decision as LF_ON_CRLF is; FILE_PARAM stands for the file.
NOT_UTF8 = "encoding:utf8"
FILE_PARAM = "<file>"
# the "parameter" of a rule on a call's whole input, by its size ("max:N": longer than N characters
# fails: a system's limit on a command line, Windows' os error 206, E2BIG)
INPUT_SIZE = "<input>"


def input_size(tool_input: object, command: str | None = None) -> int:
    """A call's input, in characters: a text as it is, anything else as JSON (the command line
    for a shell call without an input)."""
    if isinstance(tool_input, str):
        return len(tool_input)
    if tool_input is None:
        return len(command or "")
    import json  # (a size rule's only)

    return len(json.dumps(tool_input, ensure_ascii=False))


# the "parameter" of a rule on the text an edit expects to find (its old text, a patch's context and
# removed lines: edit_text), and the rule that it holds characters garbled by a read in the wrong
# encoding (analyze/garbled_text.py): the file holds the real ones, unless the decision finds it
# holds the garbled run itself (PendingCall.file_form(HOLDS + run), the file on disk for the hooks)
OLD_TEXT = "<old text>"
GARBLED = "text:garbled"
HOLDS = "holds:"


def garbled_in(text: str | None) -> str | None:
    """The first garbled run (analyze/garbled_text.py) of `text`, imported for non-ASCII text only."""
    if not text or text.isascii():
        return None
    from lessonloop.analyze.garbled_text import garbled_run

    return garbled_run(text)


def garbled_old_text(tool_input: Mapping[str, Any] | None) -> str | None:
    """The first garbled run of the text an edit expects to find."""
    return garbled_in(edit_text(tool_input))


FILE_RULES = frozenset({LF_ON_CRLF, NOT_UTF8})
ENDS = "ends"  # the aspects of a file's form a session shows (SessionState.endings, .encodings)
ENCODING = "encoding"


def file_forms(segments: Sequence[tuple[str, ...]], command: str | None) -> list[tuple[str, str, str]]:
    """What a successful command made of the files it wrote, as typed: (path, ENDS, "lf" or
    "crlf") for a line-ends conversion (analyze/line_endings.converted), (path, ENCODING, value)
    for a PowerShell write (analyze/file_encoding.command_encoding) of the files it changes."""
    out: list[tuple[str, str, str]] = []
    if not segments and not command:  # (a here-string written with `>` has no command of its own)
        return out
    from lessonloop.analyze.file_encoding import TEXT_WRITERS  # (its first words: a cheap test first)
    from lessonloop.analyze.line_endings import converted

    writes = False
    for words in segments:
        ends, files = converted(words)
        if ends is not None:
            out += [(path, ENDS, ends) for path in files]
        writes = writes or (bool(words) and words[0].lower() in TEXT_WRITERS)
    if command and (writes or ">" in command.replace(">&", "")):
        from lessonloop.analyze.file_encoding import command_encoding  # (a command that writes only)

        # the line without its here-strings and here-document bodies: text written, not commands
        line = drop_heredoc_bodies(command)
        encoding = command_encoding(command_segments(line), command, operator_tokens(line))
        if encoding is not None:
            from lessonloop.analyze.file_ops import shell_effects

            out += [(path, ENCODING, encoding) for path, _deleted in shell_effects(line).changes]
    return out


def _breaks_value(value: Any, rule: str | None) -> bool:
    """Whether one value of a parameter breaks the rule (see breaks_rule)."""
    if rule == NOT_UTF8:
        return True  # the file's rule: the decision checks the file
    if rule == LF_ON_CRLF:
        from lessonloop.analyze.line_endings import lf_lines  # (an edit's line-ends rule only)

        return lf_lines(value)
    if rule == "absolute":
        return isinstance(value, str) and bool(value) and not is_absolute(value)
    if rule and rule.startswith("inside:"):
        if not isinstance(value, str) or not is_absolute(value):
            return False
        path = _folded(value)
        return not any(path == f or path.startswith(f.rstrip("/") + "/") for f in map(_folded, rule[7:].split("|")))
    if rule == "required":
        return value is None or value == ""
    if rule and rule.startswith("max:") and rule[4:].isdigit():
        return isinstance(value, str | list | dict) and len(value) > int(rule[4:])
    if rule and rule.startswith("min:") and rule[4:].isdigit():
        return isinstance(value, str | list | dict) and len(value) < int(rule[4:])
    if rule and rule.startswith("line:"):
        return isinstance(value, str) and any(line.strip() == rule[5:] for line in value.split("\n"))
    if rule and rule.startswith("type:") and rule[5:] in JSON_TYPES:
        if value is None:
            return False
        wanted = JSON_TYPES[rule[5:]]
        return isinstance(value, bool) != (bool in wanted) or not isinstance(value, wanted)
    return False


def is_absolute(path: str) -> bool:
    """A POSIX or Windows absolute path (`/x`, `C:\\x`, `c:/x`, `\\\\server\\x`), whatever the machine."""
    return path.startswith("/") or windows_path(path)


def comparable_path(path: str) -> str:
    """A path as two paths of one machine compare: Windows' backslashes as slashes, a drive
    letter's case ignored (`G:\\x` and `g:/x`)."""
    path = path.replace("\\", "/")
    return path[0].lower() + path[1:] if len(path) > 1 and path[1] == ":" else path


def _folded(path: str) -> str:
    """A comparable path with `.` and `..` resolved."""
    return posixpath.normpath(comparable_path(path))


def describe_rule(rule: str | None) -> str:
    if rule == LF_ON_CRLF:
        return "has LF line ends where the file has CRLF"
    if rule == GARBLED:
        return "holds characters garbled by a read in the wrong encoding"
    if rule == NOT_UTF8:
        return "is not UTF-8"
    if rule == "absolute":
        return "is a relative path (it must be absolute)"
    if rule and rule.startswith("inside:"):
        return "is outside " + ", ".join(rule[7:].split("|"))
    if rule == "required":
        return "is left out (it is required)"
    if rule == "unexpected":
        return "is given (the tool has no such parameter)"
    if rule and rule.startswith("max:"):
        return f"is longer than {rule[4:]}"
    if rule and rule.startswith("min:"):
        return f"is shorter than {rule[4:]}"
    if rule and rule.startswith("type:"):
        return f"is not a {rule[5:]}"
    if rule and rule.startswith("line:"):
        return f"has a line `{rule[5:]}` (the tool cannot parse it there)"
    if rule and rule.startswith("shape:"):
        return f"is written `{rule[6:]}` (text to it, not a value of its type)"
    return "breaks the tool's rule"


_SHELL_NAMES = {"powershell": "PowerShell", "cmd": "cmd"}
# the forms of a line a token stands for, in words (Trigger.describe)
_TOKEN_WORDS = {
    BARE_GLOB: "a wildcard outside quotes",
    QUOTE_INSIDE: "a double quote inside a double-quoted argument",
    DASH_PATTERN: "a quoted pattern that starts with a dash",
}


# What narrows a trigger to some calls of its kind: a trigger with none of these (`{"kind": "shell"}`)
# matches every call of its kind. Only its kind's `tool` for the kind "other" (one agent's tool).
NARROWING_FIELDS = (
    "words", "operand", "operands", "path", "param", "rule", "token", "sought", "family", "needs", "with_flags",
)  # fmt: skip


def names_calls(data: Mapping[str, object]) -> bool:
    """Whether a trigger's JSON narrows it to some calls of its kind (NARROWING_FIELDS, a file not
    read since it changed: `unless` since "read", or a tool of the kind "other"), rather than every
    one: what came from elsewhere (a teammate, an import) must, or it would speak before every
    shell call (issue 82)."""
    for name in NARROWING_FIELDS:
        value = data.get(name)
        if value or (name == "operands" and isinstance(value, list)):
            return True
    unless = data.get("unless")
    if isinstance(unless, dict) and unless.get("since") == "read":
        return True
    return data.get("kind") == "other" and bool(data.get("tool"))


class TriggerError(ValueError):
    """A stored trigger that cannot be read: the message names the field and what it holds."""


# A stored trigger's fields (Trigger.to_json), texts and lists of texts, and its `unless`'s: what
# from_json checks the types of, and what a team pull bounds (team/pulled_fields.py).
TRIGGER_TEXT_FIELDS = (
    "kind", "tool", "operand", "path", "param", "rule", "token", "sought", "family", "shell", "ext", "needs",
)  # fmt: skip
TRIGGER_LIST_FIELDS = ("words", "lacks", "operands", "with_flags")
UNLESS_TEXT_FIELDS = ("since", "check")
UNLESS_LIST_FIELDS = ("words", "flags", "exts")


def type_name(value: object) -> str:
    """What a JSON value is, in words: "a number", "a list", ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a text"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _text(data: Mapping[str, Any], name: str, label: str) -> str | None:
    """The text field `name` of a stored trigger (None when absent or null)."""
    value = data.get(name)
    if value is None or isinstance(value, str):
        return value
    raise TriggerError(f"its {label} field is {type_name(value)}, not a text")


def _texts(data: Mapping[str, Any], name: str, label: str) -> tuple[str, ...] | None:
    """The list-of-texts field `name` of a stored trigger (None when absent or null)."""
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return tuple(value)
    if isinstance(value, list | tuple):
        odd = next(type_name(item) for item in value if not isinstance(item, str))
        raise TriggerError(f"its {label} field holds {odd}, not only texts")
    raise TriggerError(f"its {label} field is {type_name(value)}, not a list of texts")


def read_trigger(text: object) -> tuple[Trigger | None, str | None]:
    """A lesson's stored trigger (its JSON text) read back, never raising: (the trigger, None);
    (None, None) when there is none; (None, why) when it cannot be read (not JSON, not an object,
    a field of the wrong type). Every reader of stored lessons goes through here (or catches
    TriggerError): what another program or a teammate stored cannot stop a command."""
    if text is None or text == "":
        return None, None
    if not isinstance(text, str):
        return None, f"it is {type_name(text)}, not JSON text"
    import json

    try:
        data = json.loads(text)
    except ValueError:
        return None, "it is not JSON"
    try:
        return Trigger.from_json(data), None
    except TriggerError as exc:
        return None, str(exc)
    except (TypeError, ValueError, AttributeError, RecursionError) as exc:  # a form no check above foresaw
        return None, f"it cannot be read ({type(exc).__name__})"


def kind_and_tool(data: Mapping[str, Any]) -> tuple[str, str | None]:
    """(kind, tool of a kind-"other" trigger) of a stored trigger; one from before issue 13 named
    a Claude Code tool in "tool" and no kind."""
    kind = data.get("kind")
    tool = data.get("tool")
    tool = tool if isinstance(tool, str) and tool else None
    if isinstance(kind, str) and kind in NEUTRAL_KINDS:
        return kind, tool if kind == OTHER else None
    if tool is None:
        return OTHER, None
    if tool in NEUTRAL_KINDS:
        return tool, None
    legacy = LEGACY_TOOL_KINDS.get(tool)
    return (legacy, None) if legacy else (OTHER, tool)


def same_operands(words: Sequence[str], skip: int, wanted: Sequence[str], cwd: str | None) -> bool:
    """Whether the non-option words of `words` after the first `skip` are exactly `wanted`: each
    is one of them or a path under one, and each of them is named (Trigger.operands)."""
    given = [relative_path(w, cwd) for w in operands_of(words, skip)]
    if not wanted:
        return not given
    covered: set[str] = set()
    for rel in given:
        found = [w for w in wanted if rel == w or rel.startswith(w.rstrip("/") + "/")]
        if not found:
            return False
        covered.update(found)
    return len(covered) == len(set(wanted))


_OPERANDS_KEPT = 8  # the operands of a command remembered as what it worked on


# Programs that list a folder (and whether they go down into what is under it by themselves)
_LISTERS = {"ls": False, "dir": False, "get-childitem": False, "gci": False, "tree": True, "find": True}
_RECURSE = frozenset({"-r", "-R", "-recurse", "/s", "--recursive"})
_NAME_OPTIONS = frozenset({"-name", "-iname", "-filter", "-include", "-g", "--glob"})


def _folder_key(path: str) -> str:
    """A path as the looked-for keys hold it: slashes, normalized, lower case, "." for the folder."""
    return posixpath.normpath(path.replace("\\", "/").strip("'\"")).lower() or "."


def looked_for(words: Sequence[str]) -> list[str]:
    """What a simple command looked for (SessionState.looked's keys): a folder it listed
    (`ls docs`, `Get-ChildItem -Force`, `tree src` with what is under it), a name it searched for
    (`rg --files -g NAME`, `fd NAME`, `find . -name NAME`, `Get-ChildItem -Recurse -Filter NAME`)."""
    if not words:
        return []
    program = words[0].lower()
    out: list[str] = []
    if (program == "rg" and "--files" in words) or program == "fd" or program in _LISTERS:
        from lessonloop.analyze.file_search import sought_names  # (a listing or a search only)

        names = list(sought_names(words))
        for at, word in enumerate(words[:-1]):
            if word.lower() in _NAME_OPTIONS and program not in ("rg", "fd"):
                names.append(words[at + 1])
        out += ["name:" + name.strip("'\"").lower() for name in names]
    if program in _LISTERS and not any(w.lower() in _NAME_OPTIONS for w in words):
        recursive = _LISTERS[program] or any(w in _RECURSE or w.lower() in _RECURSE for w in words)
        folders = [w for w in operands_of(words, 1) if not w.startswith(("$", "|")) and w not in _RECURSE] or ["."]
        out += [("tree:" if recursive else "dir:") + _folder_key(folder) for folder in folders[:4]]
    return out


def _operand_name(path: str) -> str:
    """A file or folder operand as the session's state keys it: "@" and its last name, lower
    case (the same file typed relative, absolute or with backslashes)."""
    return "@" + posixpath.basename(posixpath.normpath(path.replace("\\", "/"))).lower()


# PowerShell parameters whose value is a name pattern, a count or text, never the path the cmdlet
# works on (`Get-ChildItem -Path . -Filter AGENTS.md`: a search for the name, in `.`)
_NOT_PATH_VALUES = POWERSHELL_VALUE_PARAMETERS | POWERSHELL_COUNT_PARAMETERS


def path_operands(words: Sequence[str], skip: int) -> list[str]:
    """operands_of, less the values of PowerShell's parameters that name no path (_NOT_PATH_VALUES)."""
    if not any(word.lower() in _NOT_PATH_VALUES for word in words[skip:]):
        return operands_of(words, skip)
    out: list[str] = []
    after = ""
    for word in words[skip:]:
        if not word.startswith("-") and not is_env_word(word) and after not in _NOT_PATH_VALUES:
            out.append(word)
        after = word.lower()
    return out


def _operand_names(words: Sequence[str]) -> list[str]:
    """The keys (_operand_name) of a simple command's operands that look like paths."""
    out = []
    for word in path_operands(words, 1)[:_OPERANDS_KEPT]:
        if ("/" in word or "." in word or "\\" in word) and len(word) < 300:
            out.append(_operand_name(word))
    return out


def _names(words: Sequence[str], skip: int, prefix: str, cwd: str | None) -> bool:
    for operand in path_operands(words, skip):
        rel = relative_path(operand, cwd)
        if rel == prefix or rel.startswith(prefix.rstrip("/") + "/"):
            return True
    return False


class SessionState:
    """What a session has done so far, for the "unless" part of triggers: the last successful
    command by its first words (and flags), and the last change to files by extension."""

    __slots__ = (
        "absent",
        "acted",
        "changed",
        "changed_any",
        "clock",
        "done",
        "done_flag",
        "edited",
        "encodings",
        "endings",
        "failed",
        "failed_with",
        "garbled",
        "hook_failed",
        "hook_run",
        "known",
        "looked",
        "resent",
        "rewritten",
        "rewritten_any",
        "stale",
        "unsure",
        "worked",
    )

    def __init__(self) -> None:
        self.clock = 0
        self.done: dict[tuple[str, ...], int] = {}
        self.done_flag: dict[tuple[tuple[str, ...], str], int] = {}
        self.changed: dict[str, int] = {}
        self.changed_any = -1
        self.known: dict[str, int] = {}  # path -> when the agent last saw its content (read or wrote it)
        self.rewritten: dict[str, int] = {}  # extension -> when a command last rewrote such files (a formatter)
        self.rewritten_any = -1
        self.hook_run = -1  # when a commit's hook last ran its checks (the commit went through or a check rejected it)
        self.hook_failed: frozenset[str] = frozenset()  # the checks that run rejected (lowercase names)
        # What failed and what worked, by intent: ("shell", program[, subcommand]) or ("path", file).
        # failed: intent -> (when, error signature, the start of its output); worked: intent -> when.
        self.failed: dict[tuple[str, ...], tuple[int, str, str]] = {}
        self.failed_with: dict[tuple[tuple[str, ...], str], int] = {}  # (intent, signature) -> when it last failed so
        self.worked: dict[tuple[str, ...], int] = {}
        # The last failure of each exact call shape not followed by the same shape working:
        # ("shell", *words of the simple command that failed) or (kind, file).
        self.resent: dict[tuple[str, ...], tuple[int, str, str]] = {}
        self.acted = -1  # when a call that may change what a command sees last worked (not a read or search)
        self.edited: dict[str, int] = {}  # file -> when an edit or write of it last worked
        # file -> its last failed edit, not followed by an edit of it that worked: (when, error
        # signature, the error's first line, the text the edit expected and did not find)
        self.stale: dict[str, tuple[int, str, str, str]] = {}
        # file -> its last edit refused because its old text is there more often than the edit
        # allows, not followed by a change to the file: (when, error signature, the error's first
        # lines, that old text)
        self.unsure: dict[str, tuple[int, str, str, str]] = {}
        # file -> its last read that failed saying the file is not there, not followed by anything
        # that may have made it: (when, error signature, the start of its output)
        self.absent: dict[str, tuple[int, str, str]] = {}
        # file -> its line ends as the session last showed them (analyze/line_endings.py): "crlf"
        # or "lf"; "lf" too where an old text with LF line ends worked (the tool matches it)
        self.endings: dict[str, str] = {}
        # file -> whether it is UTF-8 as the session last showed it (analyze/file_encoding.py):
        # "utf8", "other" (a tool said it is not), "default" (a PowerShell write without -Encoding)
        self.encodings: dict[str, str] = {}
        # file -> the garbled runs (analyze/garbled_text.py) it is known to hold: an edit of it that
        # worked found them, or a change wrote them (a file once written garbled)
        self.garbled: dict[str, set[str]] = {}
        # what the session looked for by listing a folder or searching for a name: "dir:" + folder,
        # "tree:" + folder (listed with what is under it), "name:" + a name or pattern -> when
        self.looked: dict[str, int] = {}

    def record(
        self,
        kind: str,
        ok: bool,
        segments: Sequence[tuple[str, ...]],
        target: str | None,
        error_text: str | None = None,
        signature: str | None = None,
        reads: Sequence[str] = (),
        tool_input: Mapping[str, Any] | None = None,
        command: str | None = None,
        own: bool = True,
        key: str | None = None,
        result_text: str | None = None,
        forms: Sequence[tuple[str, str, str]] = (),
    ) -> None:
        """Remember a call (of neutral `kind`) once its result is known (`error_text`: a failed
        call's output, read for the checks a commit's hook rejected it for and kept, with its
        `signature`, for a call of the same intent; `reads`: the files a successful shell command
        printed, which the agent has now seen; `tool_input` and `command`: what the call sent, for
        the same call or the same old text resent and for what an edit wrote; `own`: a failure
        that is the agent's own, not a cascade, the person's rejection or an interrupt: only such
        a failure is warned about when resent; `key`: `input_key(command, tool_input)` when the
        caller has it already; `result_text`: the start of a successful read's output, the file's
        text, for its line ends; `forms`: what a successful command made of the files it wrote,
        (path, ENDS or ENCODING, its value: file_forms))."""
        call_key = (input_key(command, tool_input) if key is None else key) if own else None
        needle = edit_needle(tool_input, error_text) if own and not ok else None
        written = written_text(tool_input) if ok and kind in CHANGE_KINDS else None
        self.clock += 1
        if segments and hooked_job(segments):
            failed = frozenset() if ok else named_checks(error_text)
            if ok or failed:
                self.hook_run, self.hook_failed = self.clock, failed
        if not ok:
            self._record_failure(kind, segments, target, error_text, signature, call_key)
            if target and error_text and "utf" in error_text[:4000].lower():
                from lessonloop.analyze.file_encoding import OTHER, not_utf8

                if not_utf8(error_text):
                    self.encodings[target] = OTHER  # the tool said so
            if kind == EDIT and target and needle:
                self.stale[target] = (self.clock, signature or "", excerpt(error_text), needle)
            elif kind == EDIT and target and own and (old := ambiguous_text(tool_input, error_text)):
                self.unsure[target] = (self.clock, signature or "", excerpt(error_text), old)
            return
        if call_key:
            self.resent.pop((kind, call_key), None)
        for path in reads:
            self.known[path] = self.clock
        if target and kind in FILE_INTENT_KINDS:
            self.worked[("path", target)] = self.clock
            self.absent.pop(target, None)
        if kind == READ and target:
            self.known[target] = self.clock
            self._saw_endings(target, result_text)
            return
        if kind in CHANGE_KINDS and target:
            self._saw_endings(
                target, written if kind == WRITE else None, edit_text(tool_input) if kind == EDIT else None
            )
            self.encodings[target] = "utf8"  # a file tool wrote it, or read it to edit it
            for text in (edit_text(tool_input) if kind == EDIT else None, written):
                run = garbled_in(text)
                if run is not None:
                    self.garbled.setdefault(target, set()).add(run)
            self.changed[posixpath.splitext(target)[1].lower()] = self.clock
            self.changed_any = self.clock
            self.known[target] = self.clock
            self.edited[target] = self.clock
            self.unsure.pop(target, None)  # the file changed: its text may be there once now
            stale = self.stale.get(target)
            if stale is not None and (written is None or needle_in(stale[3], written)):
                del self.stale[target]  # the text it expected may be there now
            return
        if kind in _MAY_ACT or any(words and not looks_only(words) for words in segments):
            self.acted = self.clock
        for path, aspect, value in forms:
            if aspect == ENCODING:
                self.encodings[path] = value
                continue
            self.endings[path] = value
            if value == "lf":  # a script converted: its family's line-ends failure is fixed
                from lessonloop.analyze.file_form import family as family_of

                self.worked[("shell", family_of(path))] = self.clock
        for words in segments:
            if words:
                self.worked[("shell", *command_head(words))] = self.clock
                self.worked[("shell", words[0])] = self.clock
                for name in _operand_names(words):  # the program on that file or folder
                    self.worked[("shell", words[0], name)] = self.clock
                for key in looked_for(words):
                    self.looked[key] = self.clock
                family = _script_family(words)
                if family is not None:
                    self.worked[("shell", family)] = self.clock
            if _rewrites_files(words):
                exts = extensions_for(words)
                for ext in exts:
                    self.rewritten[ext] = self.clock
                if not exts:
                    self.rewritten_any = self.clock
            flags = flags_of(words)
            for size in range(1, min(PREFIX_WORDS, len(words)) + 1):
                prefix = words[:size]
                self.done[prefix] = self.clock
                for flag in flags:
                    self.done_flag[(prefix, flag)] = self.clock

    def _looked_for(self, operand: str) -> int:
        """When the session last looked for the file or folder `operand`: listed its folder (or an
        ancestor, recursively), or searched for its name; -1 when it did not."""
        path = _folder_key(operand)
        folder, name = posixpath.split(path)
        folder = folder or "."
        when = max(self.looked.get("dir:" + folder, -1), self.looked.get("name:" + name, -1))
        ancestor = folder
        while True:
            when = max(when, self.looked.get("tree:" + ancestor, -1))
            parent = posixpath.dirname(ancestor) or "."
            if parent == ancestor:
                break
            ancestor = parent
        if when < 0:
            from fnmatch import fnmatchcase  # (a lesson about a path not there, looked for by a pattern)

            for key, at in self.looked.items():
                if key.startswith("name:") and any(c in key for c in "*?[") and fnmatchcase(name, key[5:]):
                    when = max(when, at)
        return when

    def form(self, aspect: str, target: str | None) -> str | None:
        """What the session showed of a file's form: its line ends (ENDS), encoding (ENCODING), or
        whether it holds a garbled run (HOLDS + the run: "yes", else None)."""
        if aspect.startswith(HOLDS):
            # a garbled run the file holds: what the session's changes of it showed ("yes"), else
            # not known (the hooks read the file)
            return "yes" if aspect[len(HOLDS) :] in self.garbled.get(target or "", ()) else None
        if aspect not in (ENDS, ENCODING):
            return None
        return (self.endings if aspect == ENDS else self.encodings).get(target or "")

    def _saw_endings(self, target: str, text: str | None, old: str | None = None) -> None:
        """The line ends a read's output or a write's text shows, or those an edit's old text that
        worked has (CRLF in it: the file's; LF lines: the tool matches them there)."""
        from lessonloop.analyze.line_endings import CRLF_ENDS, LF_ENDS, endings_of, lf_lines

        if old is not None:
            ends = CRLF_ENDS if "\r\n" in old else LF_ENDS if lf_lines(old) else None
        else:
            ends = endings_of(text[:4000]) if text else None
        if ends is not None:
            self.endings[target] = ends

    def satisfied(
        self, unless: Unless, target: str | None = None, signature: str | None = None, operand: str | None = None
    ) -> bool:
        """Whether the prevention `unless` describes has been done (and not undone since).

        since="read": the agent saw the file `target` (read or wrote it) after the last command
        that rewrites files of its type (a formatter), so its idea of the content is current.

        since="worked": the call's intent (the command `unless.words`, else the file `target`)
        worked in this session after it last failed here: what failed before is not failing now.
        With the lesson's error `signature`, only a failure with that error re-arms it: a test run
        that worked and then failed an assertion has not brought back a missing setting. With the
        trigger's `operand` (a command's lesson about one file or folder: `cat docs/PLAN.md` finding
        nothing there), the program working on that operand, or the remedy of a path not there
        (lesson_model/stand_ins.absent_remedy): its folder listed, its name searched for; `cat`
        working on another file is no news about this one."""
        if unless.since == WORKED:
            key = ("shell", *unless.words) if unless.words else ("path", target or "")
            if operand and len(unless.words) == 1:
                key = ("shell", unless.words[0], _operand_name(operand))
            worked = self.worked.get(key, -1)
            if operand and len(unless.words) == 1:
                worked = max(worked, self._looked_for(operand))  # the remedy: its folder listed, its name sought
            if not unless.words and target:
                worked = max(worked, self.known.get(target, -1))
            if signature:
                return worked >= 0 and worked > self.failed_with.get((key, signature), -1)
            return worked >= 0 and worked > self.failed.get(key, (-1, "", ""))[0]
        if unless.since == "read":
            if not target:
                return True
            seen = self.known.get(target, -1)
            ext = posixpath.splitext(target)[1].lower()
            return seen > max(self.rewritten.get(ext, -1), self.rewritten_any)
        if unless.flags:
            flags = with_aliases(unless.words, unless.flags)
            when = max((self.done_flag.get((unless.words, f), -1) for f in flags), default=-1)
        else:
            when = self.done.get(unless.words, -1)
        if unless.check is not None and unless.check not in self.hook_failed:
            when = max(when, self.hook_run)  # the hook ran the check and it passed
        if when < 0:
            return False
        if unless.since != "change":
            return True
        if unless.exts:
            last = max((self.changed.get(ext, -1) for ext in unless.exts), default=-1)
        else:
            last = self.changed_any
        return last < when

    def _record_failure(
        self,
        kind: str,
        segments: Sequence[tuple[str, ...]],
        target: str | None,
        error_text: str | None,
        signature: str | None,
        call_key: str | None,
    ) -> None:
        info = (self.clock, signature or "", excerpt(error_text))
        if call_key:
            from lessonloop.lesson_model.transient import transient_text  # (a failure's state only)

            if not transient_text(error_text):  # the same call after a timeout is a retry
                self.resent[(kind, call_key)] = info
        if segments:
            failing = failing_segment(segments, error_text)
            keys: tuple[tuple[str, ...], ...] = (
                (("shell", *command_head(failing)), ("shell", failing[0])) if failing else ()
            )
            family = _script_family(failing) if failing else None
            if family is not None:
                keys += (("shell", family),)
            if failing:
                keys += tuple(("shell", failing[0], name) for name in _operand_names(failing))
        elif target and kind in FILE_INTENT_KINDS:
            keys = (("path", target),)
            if kind == READ and call_key and says_absent(error_text):
                self.absent[target] = info
        else:
            keys = ()
        for key in keys:
            self.failed[key] = info
            if signature:
                self.failed_with[(key, signature)] = self.clock

    def still_failing(
        self, kind: str, segments: Sequence[tuple[str, ...]], target: str | None, signature: str | None
    ) -> bool:
        """Whether this call's intent (a command by its first words, a script by its family, a
        file tool by its file) failed earlier in this session with the error `signature` and has
        not worked since: sent again, it is a repeat of that failure, not the call after a fix
        that worked. The most particular intent that failed with that error decides (`git
        commit` rather than `git`: another git command working is no news about the commit)."""
        if not signature:
            return False
        intents: list[tuple[tuple[str, ...], ...]] = []
        for words in segments:
            if words:
                family = _script_family(words)
                head = ("shell", *command_head(words))
                intents.append((head, ("shell", family)) if family else (head, ("shell", words[0])))
        if target and kind in FILE_INTENT_KINDS:
            intents.append((("path", target),))
        for keys in intents:
            for key in keys:
                when = self.failed_with.get((key, signature))
                if when is not None:
                    if when > self.worked.get(key, -1):
                        return True
                    break
        return False

    def retry_of(self, kind: str, call_key: str | None, target: str | None = None) -> tuple[str, str] | None:
        """(error signature, the start of the failure's output) when this call (`call_key`: its input, see
        `input_key`) is the same call as one that failed earlier in this session, not followed by
        the same call working, nor by anything that may have changed what it meets since: for a
        file tool, a change to its file or a command that may have changed files (anything but a
        read or a search); for a command, a change to any file or such a command. Resent as it
        was, it fails again."""
        info = self.resent.get((kind, call_key)) if call_key else None
        if info is None:
            return None
        changed = self.edited.get(target, -1) if target and kind in FILE_INTENT_KINDS else self.changed_any
        if max(changed, self.acted) > info[0]:
            return None
        return info[1], info[2]

    def absent_read(self, kind: str, target: str | None) -> tuple[str, str] | None:
        """(error signature, the start of the failure's output) when this read is of a file an
        earlier read of this session found not there, and nothing since may have made it (a write
        or edit of it, a command that may change files): read again, with other lines or limits,
        it is still not there."""
        info = self.absent.get(target or "") if kind == READ else None
        if info is None or max(self.edited.get(target or "", -1), self.acted) > info[0]:
            return None
        return info[1], info[2]

    def stale_edit(self, kind: str, target: str | None, tool_input: Mapping[str, Any] | None) -> tuple[str, str] | None:
        """(error signature, the start of the failure's output) when this edit sends again the
        text an earlier edit of the same file expected and did not find, and nothing since may
        have put it there: no edit or write of the file whose new text holds it (`record`), no
        formatter, no command that may have changed files. The same old text resent, with
        whatever new text, fails again."""
        if kind != EDIT:
            return None
        changed = max(self.acted, self.rewritten_any, self.rewritten.get(_ext(target), -1))
        info = self.stale.get(target or "")
        if info is not None and changed < info[0] and needle_in(info[3], edit_text(tool_input)):
            return info[1], info[2]
        unsure = self.unsure.get(target or "")
        if unsure is not None and changed < unsure[0] and not allows_several(tool_input):
            old = edit_text(tool_input)
            if old.strip() and old in unsure[3]:
                return unsure[1], unsure[2]  # part of a text that is there several times is too
        return None


_EXPECTED = LazyRegex(r"Failed to find (?:expected lines|context)[^\n]*?:\n(.+)", re.DOTALL)
OLD_TEXT_PARAMS = ("old_string", "old_str", "oldString", "search", "old")  # (oldString: OpenCode)
_NEEDLE_LINES = 20  # lines of a needle compared


def edit_needle(tool_input: Mapping[str, Any] | None, error_text: str | None) -> str | None:
    """The text a failed edit expected in its file and did not find: what the tool quotes as not
    found (Codex's `Failed to find expected lines in F:` and what follows), else the edit's old
    text (Claude Code, Gemini, OpenCode, Aider's SEARCH block). None when the error does not say
    the text was not found (a malformed edit, a file that does not exist). (Aider's error repeats
    a SEARCH block too, but a reply's blocks are several calls and the quoted block is not always
    the call's own: its old text is the call's.)"""
    text = (error_text or "")[:8000]
    lowered = text.lower()
    if not any(words in lowered for words in _NOT_FOUND):
        return None
    found = _EXPECTED.search(text)
    if found:
        return found.group(1)[:4000]
    for name in OLD_TEXT_PARAMS:
        value = tool_input.get(name) if tool_input else None
        if isinstance(value, str) and value.strip():
            return value[:4000]
    return None


# An edit tool refusing an old text found more often than the edit allows: Claude Code's "Found 2
# matches of the string to replace, but replace_all is false", Gemini CLI's "expected 1 occurrence
# but found 2", and the words other edit tools use for the same rule.
_SEVERAL = LazyRegex(
    r"found (\d+) matches of the string|expected (\d+) (?:occurrences?|occurrence\(s\)|replacements?),? but found (\d+)"
    r"|found (\d+) occurrences of (?:old|the)|must appear exactly once, but found (\d+)"
    r"|(found multiple matches|multiple occurrences of|appears multiple times)",
    re.IGNORECASE,
)
# the options that let an edit replace every occurrence (or a given number of them)
_SEVERAL_OPTIONS = ("replace_all", "replaceAll", "allow_multiple", "expected_replacements")


def ambiguous_text(tool_input: Mapping[str, Any] | None, error_text: str | None) -> str | None:
    """The old text of an edit its tool refused because the text is in the file more often than
    the edit allows (the uniqueness rule of the call's own input), or None."""
    found = _SEVERAL.search((error_text or "")[:2000])
    if found is None:
        return None
    numbers = [int(n) for n in found.groups()[:5] if n is not None]
    if numbers and (numbers[-1] < 2 or (len(numbers) == 2 and numbers[1] <= numbers[0])):
        return None  # found none, or no more than expected: not this rule
    old = edit_text(tool_input)
    return old[:4000] if old.strip() else None


def allows_several(tool_input: Mapping[str, Any] | None) -> bool:
    """Whether an edit says it may replace several occurrences (the remedy for the rule above)."""
    if not tool_input:
        return False
    for name in _SEVERAL_OPTIONS:
        value = tool_input.get(name)
        if value is True or (type(value) is int and value > 1):
            return True
    return False


def _script_family(words: Sequence[str]) -> str | None:
    """The family (analyze/file_form.family) of the project script a simple command runs, or
    None. A script is named by a path: a command with no slash in its first two words runs none,
    and the module is not imported for it (the hooks)."""
    if not any("/" in word or "\\" in word for word in words[:2]):
        return None
    from lessonloop.analyze.file_form import family, script_of

    script = script_of(words)
    return family(script) if script is not None else None


# what a read tool says when the file is not there (lower case, in the start of its output)
_ABSENT = ("does not exist", "not found", "no such file", "enoent", "cannot find")


def says_absent(error_text: str | None) -> bool:
    """Whether a failed read's output says the file is not there."""
    start = (error_text or "")[:500].lower()
    return any(words in start for words in _ABSENT)


# what an edit tool says when the old text is not in the file (lower case; found with `in`, which
# is ten times a case-blind regex's speed on long outputs)
_NOT_FOUND = (
    "not found",
    "failed to match",
    "failed to exactly match",
    "failed to find",
    "0 occurrences",
    "could not find",
    "did not match",
    "no match",
)


def _ext(path: str | None) -> str:
    return posixpath.splitext(path or "")[1].lower()


_NEW_TEXT = ("new_string", "new_str", "newString", "replace", "new", "content")


def written_text(tool_input: Mapping[str, Any] | None) -> str | None:
    """The text an edit or write puts in its file: its new text or content, else a patch's added
    and context lines; None when the input does not say (any change may then be anything)."""
    if not tool_input:
        return None
    for name in _NEW_TEXT:
        value = tool_input.get(name)
        if isinstance(value, str):
            return value
    patch = next((v for k, v in tool_input.items() if k in ("input", "patch") and isinstance(v, str)), None)
    if patch is None:
        return None
    return "\n".join(
        line[1:] for line in patch.splitlines() if line[:1] in (" ", "+", "") and not line.startswith("+++")
    )


def edit_text(tool_input: Mapping[str, Any] | None) -> str:
    """The text an edit expects to find in its file: its old text, else the context and removed
    lines of a patch (a patch's added lines are new text, not expected)."""
    if not tool_input:
        return ""
    for name in OLD_TEXT_PARAMS:
        value = tool_input.get(name)
        if isinstance(value, str):
            return value
    patch = next((v for k, v in tool_input.items() if k in ("input", "patch") and isinstance(v, str)), "")
    # an empty line in a hunk is a blank context line, as patch tools read it
    return "\n".join(
        line[1:] for line in patch.splitlines() if line[:1] in (" ", "-", "") and not line.startswith(("---", "-- "))
    )


def _trimmed(lines: list[str]) -> list[str]:
    """`lines` without the blank lines at their start and end."""
    start, end = 0, len(lines)
    while start < end and not lines[start]:
        start += 1
    while end > start and not lines[end - 1]:
        end -= 1
    return lines[start:end]


def needle_in(needle: str, text: str) -> bool:
    """Whether `needle` (a text an edit expected and did not find) is in `text` (what a later edit
    expects): all its lines, as they are (indentation and blank lines too: an edit corrected by
    its indentation or by a blank line a formatter put in is another text), one after the other,
    line ends and trailing spaces aside. Part of it is not enough: the lines of a block that failed
    to match may each be in the file."""
    wanted = _trimmed([line.rstrip() for line in needle.splitlines()])[:_NEEDLE_LINES]
    if not wanted:
        return False
    lines = [line.rstrip() for line in text.splitlines()]
    size = len(wanted)
    return any(lines[i : i + size] == wanted for i in range(len(lines) - size + 1))


def input_key(command: str | None, tool_input: Mapping[str, Any] | None) -> str:
    """A short stable key of a call's input: the command as typed (spaces folded), else the
    input's fields (ids and descriptions left out): two calls with the same key are the same
    call resent."""
    if command is not None:
        text = " ".join(command.split())
        if escalated(tool_input):
            text += "\x1fescalated"  # the same command asking to run outside the sandbox: another call
        folder = next((v for k in _WORKDIR if isinstance(v := (tool_input or {}).get(k), str) and v), None)
        if folder:
            text += f"\x1f{folder}"  # the same command run in another folder: another call
    elif tool_input:
        parts = []
        for name in sorted(tool_input):
            if name in _NOT_INPUT:
                continue
            value = tool_input[name]
            # a text as typed, any other value as its repr, marked: "20" and 20 are two inputs
            parts.append(f"{name}={value}" if isinstance(value, str) else f"{name}:={value!r}")
        text = "\x1f".join(parts)
    else:
        return ""
    return f"{zlib.crc32(text.encode('utf-8', 'replace')):08x}{len(text):x}"


# the folder a shell tool's input names to run its command in (Codex's and OpenCode's `workdir`,
# Gemini CLI's `dir_path` and older `directory`)
_WORKDIR = ("workdir", "working_directory", "cwd", "dir_path", "directory")
_NOT_INPUT = frozenset({"id", "call_id", "tool_use_id", "timeout", "justification"})

# A shell call asking to run outside the agent's sandbox: Codex's `with_escalated_permissions` (and
# `sandbox_permissions: "require_escalated"` of later versions), Claude Code's Bash
# `dangerouslyDisableSandbox`. It carries the remedy of a failure the sandbox caused.
_ESCALATION = ("with_escalated_permissions", "dangerouslyDisableSandbox")
_SANDBOX_FAILURE = LazyRegex(
    r"not permitted|read-only file system|permission denied|sandbox|\beperm\b|\beacces\b|access is denied"
    r"|operation not(?: \w*)?$",  # "Operation not permitted" with its end cut by the signature's length
    re.IGNORECASE,
)


def escalated(tool_input: Mapping[str, Any] | None) -> bool:
    """Whether a call asks to run outside the sandbox."""
    if not tool_input:
        return False
    if any(tool_input.get(name) is True for name in _ESCALATION):
        return True
    value = tool_input.get("sandbox_permissions")
    return isinstance(value, str) and "escalat" in value


def sandbox_failure(error_signature: str | None) -> bool:
    """Whether an error signature says the sandbox refused (a call outside it carries the remedy)."""
    return bool(error_signature) and _SANDBOX_FAILURE.search(error_signature or "") is not None


FILE_INTENT_KINDS = frozenset({READ, EDIT, WRITE})
# calls that may change what a later call meets besides their own file: a subagent's work, a tool
# lessonloop has no kind for (an MCP tool, Aider's /undo and /commit)
_MAY_ACT = frozenset({SUBAGENT, OTHER, EDIT, WRITE})  # (an edit or write without a known file too)
# command kinds that only look (analyze/commands.words_kinds): reads and searches. (Not a linter
# or a type checker: running one is what a commit hook's rejection asks for, after which the
# same commit resent works.)
_LOOKS = frozenset({"read", "search"})
# Programs, git subcommands and PowerShell verbs that only print what is there.
_LOOK_PROGRAMS = frozenset(
    {
        "pwd", "echo", "printf", "wc", "nl", "sort", "uniq", "cut", "tr", "file", "stat", "which", "whoami",
        "date", "printenv", "realpath", "basename", "dirname", "du", "df", "jq", "tree", "true", "type", "where",
    }
)  # fmt: skip
_GIT_LOOKS = frozenset({"status", "log", "diff", "show", "rev-parse", "ls-files", "grep", "blame", "describe"})
_LOOK_VERBS = ("get-", "select-", "test-", "measure-", "format-", "out-", "where-", "sort-", "resolve-",
               "split-", "join-", "compare-", "write-host", "write-output", "convertto-", "convertfrom-")  # fmt: skip


def looks_only(words: Sequence[str]) -> bool:
    """Whether a simple command only prints what is there (a read, a search, `git status`,
    PowerShell's Get-/Select-/Test- cmdlets, `wc`, `echo`): running it changes nothing another
    command could then meet."""
    if not words:
        return True
    program = posixpath.basename(words[0].replace("\\", "/")).lower()
    if program in _LOOK_PROGRAMS or (program.startswith(_LOOK_VERBS) and program != "out-file"):
        return True  # (Out-File writes its file)
    if program == "git":
        return len(words) > 1 and words[1] in _GIT_LOOKS
    return bool(words_kinds(words) & _LOOKS)


WORKED = "worked"


EXCERPT = 2000  # characters of a failure's output kept for a warning about the same call


def excerpt(text: str | None) -> str:
    """The start of a failure's output, kept for the warning about the same call resent (its line
    that carries the error is found when the warning is given: analyze/error_headline.py)."""
    return (text or "")[:EXCERPT]


def first_line(text: str | None, limit: int = 200) -> str:
    """The first line of `text` that is not blank, cut to `limit` characters."""
    for line in (text or "").replace("\\n", "\n").splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= limit else line[: limit - 1] + "…"
    return ""


_HOOKED = frozenset({"git_commit", "git_push"})
_HOOK_BYPASS = frozenset({"--no-verify", "-n"})
_CHECK_SECTION = LazyRegex(r"^\[([A-Z][A-Z0-9_-]{1,30})\]", re.MULTILINE)
_CHECK_FAILED_LINE = LazyRegex(r"^(\S+?)\.{3,}\s*Failed\s*$", re.MULTILINE)


def hooked_job(segments: Sequence[tuple[str, ...]]) -> bool:
    """Whether a command line runs a job git hooks check (a commit or push, without --no-verify)."""
    return any(words_kinds(words) & _HOOKED and not flags_of(words) & _HOOK_BYPASS for words in segments)


def named_checks(error_text: str | None) -> frozenset[str]:
    """Every check a hook's rejection names as failed (lowercase): a hook's `[NAME]` sections,
    pre-commit's `name.....Failed` lines."""
    text = (error_text or "")[:8000].replace("\\n", "\n")
    found = {m.group(1).lower() for m in _CHECK_SECTION.finditer(text)}
    found |= {m.group(1).lower() for m in _CHECK_FAILED_LINE.finditer(text)}
    return frozenset(found)
