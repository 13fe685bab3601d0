"""The file-operation timeline of an agent context: which file each call read, created, changed or searched.

Every path is normalized (`analyze.paths.normalize_path`): relative paths are joined to the call's
working folder, `~` is expanded, and the optional `resolve` hook makes it symlink-free.

Calls are told apart by their agent-neutral kind (records.TOOL_KINDS), so every agent's calls
give the same operations. Operations (`FileOp.op`):

- `read`: a read call (Claude Code's Read, Codex's read_file, Gemini's read_file; `start`/`end`:
  the lines asked for, both None for the whole file);
- `create`: a write call that created a new file, or a part of a patch that adds a file;
- `replace`: a write call that replaced an existing file;
- `edit`: an edit call (`start`/`end`: the new file's changed lines). A patch of several files
  (a Codex apply_patch: a unified diff with `---`/`+++` headers per file, or the raw
  `*** Update File:` envelope) gives one operation per file (analyze/diff_files.py);
- `search`: a search call (Grep, Glob, LS, grep_files, ...), or a shell command that searches
  files (see `is_search_command`: find, fd, ls, tree, `git grep`, and grep / rg / ag unless they
  filter a pipe) and prints no named file (`pattern`: the pattern, or the command line);
- `shell_read`: a shell command that prints a named file (cat, bat, less, more, head, tail,
  `sed -n`); `head -n N` and `sed -n 'A,Bp'` give the line range. This is how Codex reads files;
- `shell_change`: a shell command that changes a named file: a `>`/`>>`/`&>` redirection,
  `tee`, `touch`, `sed -i`, `perl -i`, `mv` (both paths), `cp` (the target), `rm`,
  `git checkout -- FILES`, `git restore FILES`, `git mv`, `git rm`, and formatters or fixing
  linters that rewrite the files they are given (black, isort, rustfmt, `ruff format`,
  `mix format`, `dprint fmt`; prettier / biome with `--write`, gofmt / goimports / shfmt with
  `-w`, clang-format / autopep8 / yapf with `-i`, eslint / `ruff check` with `--fix`, rubocop
  with `-a`). Changes whose files cannot be told (globs, variables,
  `git stash`, `mix format` without arguments, scripts) are not recorded.

A write's kind comes first from Claude Code's result text when there is one ("File created
successfully at: ..." vs "The file ... has been updated") and its harness refusals (only
existing files are refused); then, for every agent, from its diff (`@@ -0,0` or a `/dev/null`
old side is a creation), and last from whether this context has seen the file exist (read,
edited, written or listed by a search); a file never seen counts as created.

Shell commands are parsed approximately: a leading `cd DIR &&` sets the folder for the whole
command line; here-document bodies are ignored; arguments holding globs, `$` or backquotes are
skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from lessonloop.analyze import powershell_files
from lessonloop.analyze.commands import (
    git_arguments,
    git_subcommands,
    is_operator,
    operands,
    restored_paths,
    shell_tokens,
    split_commands,
)
from lessonloop.analyze.diff_files import FileDiff, file_diffs
from lessonloop.analyze.hunks import hunks
from lessonloop.analyze.inputs import Call, Context, Ref, SessionInput
from lessonloop.analyze.paths import Resolver, normalize_path
from lessonloop.core import records
from lessonloop.core.agent_specs import specs

# Agents whose harness tracks which files were read with its read tool and refuses an edit of any
# other (their specs' `edit_needs_read`; Claude Code's "File has not been read yet"), and a session
# of no known agent: for them a file printed in the shell is not read. Every other agent reads
# files through the shell as often as with a tool (blind edits and the read-before-edit workflow
# rule count those reads).
READ_TOOL_HARNESSES = frozenset({*(spec.id for spec in specs() if spec.edit_needs_read), None})
OpKind = Literal["read", "create", "replace", "edit", "search", "shell_read", "shell_change"]
HarnessRefusal = Literal["not_read", "modified"]

CHANGE_OPS = frozenset({"create", "replace", "edit"})

NOT_READ_MESSAGE = "File has not been read yet. Read it first before writing to it."
MODIFIED_MESSAGE = (
    "File has been modified since read, either by the user or by a linter. Read it again before attempting to write it."
)
UNEXPECTEDLY_MODIFIED_MESSAGE = "File has been unexpectedly modified. Read it again before attempting to write it."

_PATTERN_CHARS = 200


@dataclass(frozen=True, slots=True)
class Change:
    """One contiguous run of changed lines of an edit: old lines [old_first, old_end) became new
    lines [new_first, new_end). An empty old range is an insertion before line old_first, an empty
    new range a deletion (the following line is now new_first)."""

    old_first: int
    old_end: int
    new_first: int
    new_end: int

    @property
    def delta(self) -> int:
        """Lines added minus lines removed."""
        return (self.new_end - self.new_first) - (self.old_end - self.old_first)


@dataclass(frozen=True, slots=True)
class FileOp:
    """One file operation of one call. A call can give several (a shell command that reads or
    changes several files, a patch of several files)."""

    ref: Ref
    ts: str | None
    op: OpKind
    path: str | None
    ok: bool
    tool: str
    start: int | None = None
    end: int | None = None
    pattern: str | None = None
    changes: tuple[Change, ...] = ()  # edits with a diff that places them in the file
    harness: HarnessRefusal | None = None  # the harness refused the call: file not read / modified since read
    ran: bool = True  # False for a call the user rejected (nothing happened)

    def to_json(self) -> dict[str, Any]:
        return {
            "tool_use_id": self.ref.tool_use_id,
            "session_id": self.ref.context_id,
            "line": self.ref.seq,
            "ts": self.ts,
            "op": self.op,
            "path": self.path,
            "ok": self.ok,
            "tool": self.tool,
            "start": self.start,
            "end": self.end,
            "pattern": self.pattern,
            "harness": self.harness,
        }


def harness_refusal(text: str | None) -> HarnessRefusal | None:
    """Which of Claude Code's read-state refusals an error text is, if any."""
    if not text:
        return None
    lowered = text.lower()
    if "has not been read yet" in lowered:
        return "not_read"
    if "modified since read" in lowered or "unexpectedly modified" in lowered:
        return "modified"
    return None


def session_timeline(session: SessionInput, resolve: Resolver | None = None) -> dict[str, list[FileOp]]:
    """Context id -> its file operations in line order, for every context of the session."""
    return {
        context.id: file_timeline(context, context.cwd or session.cwd, session.home, resolve)
        for context in session.contexts
    }


def file_timeline(context: Context, cwd: str | None, home: str | None, resolve: Resolver | None = None) -> list[FileOp]:
    """The file operations of one agent context, in line order.

    `cwd` is the folder for calls that do not record their own; `home` expands `~`.
    """
    builder = _TimelineBuilder(cwd, home, resolve)
    ops: list[FileOp] = []
    for call in context.calls:
        ops.extend(builder.call_ops(call))
    return ops


class _TimelineBuilder:
    """Turns calls into operations, remembering which files this context has seen exist."""

    def __init__(self, cwd: str | None, home: str | None, resolve: Resolver | None) -> None:
        self.cwd = cwd
        self.home = home
        self.resolve = resolve
        self.existing: set[str] = set()

    def norm(self, path: str, cwd: str | None) -> str:
        return normalize_path(path, cwd, self.home, self.resolve)

    def call_ops(self, call: Call) -> list[FileOp]:
        cwd = call.cwd or self.cwd
        kind = call.kind
        if kind == records.READ:
            return self._read(call, cwd)
        if kind == records.EDIT or kind == records.WRITE:
            return self._change(call, cwd)
        if kind == records.SEARCH:
            return self._search(call, cwd)
        if kind == records.SHELL:
            return self._shell(call, cwd)
        return []

    def _read(self, call: Call, cwd: str | None) -> list[FileOp]:
        raw = _input_path(call)
        if raw is None:
            return []
        path = self.norm(raw, cwd)
        if call.ok:
            self.existing.add(path)
        elif call.error_text and "does not exist" in call.error_text:
            self.existing.discard(path)
        start, end = read_range(call.input)
        return [_op(call, "read", path, start=start, end=end)]

    def _change(self, call: Call, cwd: str | None) -> list[FileOp]:
        parts = [part for part in file_diffs(call.diff) if part.path is not None]
        raw = _input_path(call)
        if not parts and len(call.paths) > 1:  # several files, no diff naming them: no line ranges
            parts = [FileDiff(path, "") for path in call.paths]
        if len(parts) > 1 or (parts and (len(call.paths) > 1 or raw is None)):
            return self._patch(call, cwd, parts)
        if raw is None:
            return []
        path = self.norm(raw, cwd)
        refusal = harness_refusal(call.error_text)
        kind: OpKind = "edit" if call.kind == records.EDIT else self._write_kind(call, path, refusal)
        changes = diff_changes(call.diff, call.kind, call.tool) if call.ok else ()
        start = min((c.new_first for c in changes), default=None)
        end = max((max(c.new_end - 1, c.new_first) for c in changes), default=None)
        if call.ok or refusal:
            self.existing.add(path)
        return [_op(call, kind, path, start=start, end=end, changes=changes, harness=refusal)]

    def _patch(self, call: Call, cwd: str | None, parts: list[FileDiff]) -> list[FileOp]:
        """One operation per file of a patch of several files (a deleted file is a change too)."""
        ops: list[FileOp] = []
        for part in parts:
            path = self.norm(part.path or "", cwd)
            if part.created:
                kind: OpKind = "create"
            elif call.kind == records.WRITE:
                kind = "replace" if path in self.existing else "create"
            else:
                kind = "edit"
            as_kind = records.WRITE if part.created else call.kind  # a new file's diff is the whole file
            changes = diff_changes(part.diff, as_kind, call.tool) if call.ok and not part.deleted else ()
            start = min((c.new_first for c in changes), default=None)
            end = max((max(c.new_end - 1, c.new_first) for c in changes), default=None)
            if call.ok:
                if part.deleted:
                    self.existing.discard(path)
                else:
                    self.existing.add(path)
            ops.append(_op(call, kind, path, start=start, end=end, changes=changes))
        return ops

    def _write_kind(self, call: Call, path: str, refusal: HarnessRefusal | None) -> OpKind:
        text = call.result_text or ""
        if "created successfully" in text:  # Claude Code's Write result
            return "create"
        if "has been updated" in text or "has been overwritten" in text or refusal:
            return "replace"
        if call.diff:
            parts = file_diffs(call.diff)
            return "create" if parts and parts[0].created else "replace"
        return "replace" if path in self.existing else "create"

    def _search(self, call: Call, cwd: str | None) -> list[FileOp]:
        raw = _input_path(call)
        path = self.norm(raw, cwd) if raw else None
        pattern = call.input.get("pattern")
        if call.ok and call.result_text:
            self.existing.update(self.norm(line, cwd) for line in _listed_paths(call.result_text))
        return [_op(call, "search", path, pattern=pattern if isinstance(pattern, str) else None)]

    def _shell(self, call: Call, cwd: str | None) -> list[FileOp]:
        command = call.command or _str(call.input.get("command"))
        if not command:
            return []
        effects = shell_effects(command)
        base = self.norm(effects.cd, cwd) if effects.cd else cwd
        ops: list[FileOp] = []
        for raw, start, end in effects.reads:
            path = self.norm(raw, base)
            if call.ok:
                self.existing.add(path)
            ops.append(_op(call, "shell_read", path, start=start, end=end))
        if not effects.reads and is_search_command(command):
            ops.append(_op(call, "search", None, pattern=command[:_PATTERN_CHARS]))
        for raw, removed in effects.changes:
            path = self.norm(raw, base)
            if removed:
                self.existing.discard(path)
            else:
                self.existing.add(path)
            ops.append(_op(call, "shell_change", path))
        return ops


def _op(
    call: Call,
    op: OpKind,
    path: str | None,
    *,
    start: int | None = None,
    end: int | None = None,
    pattern: str | None = None,
    changes: tuple[Change, ...] = (),
    harness: HarnessRefusal | None = None,
) -> FileOp:
    return FileOp(
        ref=call.ref,
        ts=call.ts,
        op=op,
        path=path,
        ok=call.ok,
        tool=call.tool,
        start=start,
        end=end,
        pattern=pattern,
        changes=changes,
        harness=harness,
        ran=call.status != "rejected",
    )


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _input_path(call: Call) -> str | None:
    for key in ("file_path", "notebook_path", "path"):
        value = _str(call.input.get(key))
        if value:
            return value
    return call.target_path or None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def read_range(tool_input: Mapping[str, Any]) -> tuple[int | None, int | None]:
    """The lines a Read asks for: (first, last), None for "from the start" / "to the end".

    The whole file is (None, None); `offset` 0 or 1 without `limit` is the whole file too.
    """
    offset, limit = _int(tool_input.get("offset")), _int(tool_input.get("limit"))
    start = max(offset or 1, 1)
    end = start + limit - 1 if limit and limit > 0 else None
    if start == 1 and end is None:
        return None, None
    return start, end


def _listed_paths(text: str) -> Iterator[str]:
    """Absolute paths a Glob / Grep result lists, one per line."""
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("/") and ":" not in line:
            yield line


# --- diffs -----------------------------------------------------------------------------------


def diff_changes(diff: str | None, kind: str, tool: str = "") -> tuple[Change, ...]:
    """The runs of changed lines of an applied diff (one file's), placed in the file.

    Empty when the diff cannot place them: none stored, a Claude Code NotebookEdit (cells, not
    lines), or an edit diff without any context line (rebuilt from the call's old/new strings,
    so its line numbers count from the snippet, not the file).
    """
    if not diff or tool == "NotebookEdit":
        return ()
    changes: list[Change] = []
    has_context = False
    for header, body in hunks(diff):
        old_pos = header[0] if header[1] else header[0] + 1
        new_pos = header[2] if header[3] else header[2] + 1
        run: tuple[int, int] | None = None  # (old_first, new_first) of the open run
        for line in body:
            first = line[:1]
            if first == "+" or first == "-":
                if run is None:
                    run = (old_pos, new_pos)
                if first == "-":
                    old_pos += 1
                else:
                    new_pos += 1
                continue
            if first == "\\":
                continue
            has_context = True
            if run is not None:
                changes.append(Change(run[0], old_pos, run[1], new_pos))
                run = None
            old_pos += 1
            new_pos += 1
        if run is not None:
            changes.append(Change(run[0], old_pos, run[1], new_pos))
    if kind == records.EDIT and not has_context:
        return ()
    return tuple(changes)


# --- shell commands --------------------------------------------------------------------------

_SEARCH_HEADS = frozenset({"find", "fd", "ls", "tree"})
_GREP_HEADS = frozenset({"grep", "egrep", "fgrep", "rg", "ag"})
_PS_FILTERS = "|".join(sorted(powershell_files.FILTERS))  # PowerShell's and cmd's, in any case
_SEARCH_WORD = re.compile(
    r"(?:^|[\s;&|(/])(?:find|fd|ls|tree|grep|egrep|fgrep|rg|ag"
    r"|(?i:" + "|".join(sorted(powershell_files.LISTERS)) + "|" + _PS_FILTERS + r"))(?:\s|$)"
)
_PIPED_GREP = re.compile(r"\|\s*(?:grep|egrep|fgrep|rg|ag|(?i:" + _PS_FILTERS + r"))(?=\s|$)")


@lru_cache(maxsize=4096)
def is_search_command(command: str) -> bool:
    """Whether a command line searches files: find, fd, ls, tree, `git grep`, PowerShell's
    Get-ChildItem (gci, dir), or grep / egrep / fgrep / rg / ag / Select-String / findstr that does
    not filter the output of a pipe (`mix test | grep error` does not search files)."""
    if not _SEARCH_WORD.search(command):
        return False
    greps = 0
    for words in split_commands(command):
        head = words[0].lower()
        if words[0] in _SEARCH_HEADS or head in powershell_files.LISTERS:
            return True
        if words[0] in _GREP_HEADS or head in powershell_files.FILTERS:
            greps += 1
    if greps > len(_PIPED_GREP.findall(command)):
        return True
    return "grep" in git_subcommands(command)


@dataclass(frozen=True, slots=True)
class ShellEffects:
    """What a command line does to named files: reads (path, first, last) and changes (path, removed)."""

    cd: str | None
    reads: tuple[tuple[str, int | None, int | None], ...]
    changes: tuple[tuple[str, bool], ...]


_MAY_TOUCH_FILES = re.compile(
    r"(?:^|[\s;&|(/])(?:cat|bat|less|more|head|tail|sed|perl|touch|tee|rm|mv|cp)(?:\s|$)"
    r"|\bgit\b[^|;&]*\s(?:checkout|restore|mv|rm)\s"
    r"|>>?\s*(?!&|/dev/null)[^\s&]"  # an output redirection to a file
)
_DEVICES = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty"})
_UNSAFE = re.compile(r"[*?\[\]{}$`]")
_SED_RANGE = re.compile(r"^(\d+)(?:,(\d+|\$))?p$")
_NO_EFFECTS = ShellEffects(None, (), ())
_PLAIN_READERS = frozenset({"cat", "bat", "less", "more"})
_FORMATTERS = frozenset({"black", "isort", "rustfmt"})  # rewrite the files they are given
_FORMAT_SUBCOMMANDS = frozenset({("ruff", "format"), ("mix", "format"), ("dprint", "fmt")})
_IN_PLACE_FLAGS: dict[str, frozenset[str]] = {  # tools that rewrite files only when asked to
    "prettier": frozenset({"--write", "-w"}),
    "biome": frozenset({"--write", "--apply"}),
    "gofmt": frozenset({"-w"}),
    "goimports": frozenset({"-w"}),
    "shfmt": frozenset({"-w"}),
    "clang-format": frozenset({"-i"}),
    "autopep8": frozenset({"-i", "--in-place"}),
    "yapf": frozenset({"-i", "--in-place"}),
    "eslint": frozenset({"--fix"}),
    "rubocop": frozenset({"-a", "-A", "--autocorrect", "--autocorrect-all"}),
    "ruff check": frozenset({"--fix"}),
}
_FIXER_WORD = re.compile(
    r"\b(?:black|isort|rustfmt|ruff|mix\s+format|dprint|prettier|biome|gofmt|goimports|shfmt|clang-format"
    r"|autopep8|yapf|eslint|rubocop)\b"
)
_CHECK_FLAGS = frozenset({"--check", "--check-formatted", "--diff", "--dry-run", "-c"})


@lru_cache(maxsize=4096)
def shell_effects(command: str) -> ShellEffects:
    """The files a command line reads and changes, as typed (not yet normalized)."""
    if (
        not _MAY_TOUCH_FILES.search(command)
        and not _FIXER_WORD.search(command)
        and not powershell_files.WORDS.search(command)
    ):
        return _NO_EFFECTS
    cd, targets = _layout(command)
    reads: list[tuple[str, int | None, int | None]] = []
    changes: list[tuple[str, bool]] = []
    known: dict[str, str] = {}  # PowerShell's variables set to a literal on this line
    for words in split_commands(command):
        known.update(powershell_files.variables(words))
        words = powershell_files.command_words(words)
        if not words:
            continue
        inner = powershell_files.inner_script(words)
        if inner is not None:  # powershell -Command "...": the script's effects
            effects = shell_effects(inner)
            reads.extend(effects.reads)
            changes.extend(effects.changes)
            continue
        reads.extend(_reads_of(words))
        reads.extend(powershell_files.reads(words, known))
        changes.extend(_changes_of(words))
        changes.extend(powershell_files.changes(words, known))
    changes.extend((target, False) for target in targets)
    return ShellEffects(
        cd=cd,
        reads=tuple((p, s, e) for p, s, e in reads if _plain(p)),
        changes=tuple((p, r) for p, r in changes if _plain(p)),
    )


def _plain(path: str) -> bool:
    return bool(path) and path != "-" and path not in _DEVICES and not _UNSAFE.search(path)


def _layout(command: str) -> tuple[str | None, list[str]]:
    """(the folder of a leading `cd DIR`, the targets of output redirections)."""
    tokens = shell_tokens(command)
    if tokens is None:  # unbalanced quotes
        return None, []
    cd = tokens[1] if len(tokens) >= 2 and tokens[0] == "cd" and (len(tokens) == 2 or is_operator(tokens[2])) else None
    targets: list[str] = []
    for index, token in enumerate(tokens[:-1]):
        if is_operator(token) and ">" in token and "<" not in token:
            target = tokens[index + 1]
            if not target.isdigit() and not is_operator(target):
                targets.append(target)
    return cd, targets


def _reads_of(words: list[str]) -> list[tuple[str, int | None, int | None]]:
    head = words[0]
    if head in _PLAIN_READERS:
        return [(p, None, None) for p in operands(words[1:])]
    if head in ("head", "tail"):
        return _head_tail(words)
    if head == "sed" and "-n" in words and not _sed_in_place(words):
        return _sed_print(words)
    return []


def _head_tail(words: list[str]) -> list[tuple[str, int | None, int | None]]:
    count: int | None = 10
    paths: list[str] = []
    rest = iter(words[1:])
    for word in rest:
        if word in ("-n", "-c", "--lines", "--bytes"):
            value = next(rest, "")
            count = int(value) if word in ("-n", "--lines") and value.isdigit() else None
        elif word.startswith("-n") and word[2:].isdigit():
            count = int(word[2:])
        elif word.startswith("-") and word[1:].isdigit():
            count = int(word[1:])
        elif word.startswith("-") and word != "-":
            count = None if word.startswith(("-c", "--bytes", "-f", "--follow")) else count
        else:
            paths.append(word)
    if words[0] == "tail" or count is None:
        return [(p, None, None) for p in paths]
    return [(p, 1, count) for p in paths]


def _sed_script_and_files(words: list[str]) -> tuple[str | None, list[str]]:
    scripts: list[str] = []
    operands: list[str] = []
    rest = iter(words[1:])
    for word in rest:
        if word in ("-e", "--expression"):
            scripts.append(next(rest, ""))
        elif word in ("-f", "--file"):
            next(rest, None)
            scripts.append("")
        elif word.startswith("-") and word != "-":
            continue
        else:
            operands.append(word)
    if not scripts and operands:
        scripts.append(operands.pop(0))
    return (scripts[0] if len(scripts) == 1 else None), operands


def _sed_in_place(words: list[str]) -> bool:
    return any(w == "--in-place" or (w.startswith("-i") and not w.startswith("--")) for w in words[1:])


def _sed_print(words: list[str]) -> list[tuple[str, int | None, int | None]]:
    script, files = _sed_script_and_files(words)
    match = _SED_RANGE.match(script.strip()) if script else None
    if match is None:
        return [(p, None, None) for p in files]
    first = int(match.group(1))
    last_text = match.group(2)
    last = first if last_text is None else (None if last_text == "$" else int(last_text))
    return [(p, first, last) for p in files]


def _changes_of(words: list[str]) -> list[tuple[str, bool]]:
    head = words[0]
    if head == "sed":
        return [(p, False) for p in _sed_script_and_files(words)[1]] if _sed_in_place(words) else []
    if head == "perl":
        return _perl_in_place(words)
    if head in ("touch", "tee"):
        return [(p, False) for p in operands(words[1:])]
    if head == "rm":
        return [(p, True) for p in operands(words[1:])]
    if head == "mv":
        return _move(operands(words[1:], frozenset({"-t", "--target-directory", "-S", "--suffix"})))
    if head == "cp":
        paths = operands(words[1:], frozenset({"-t", "--target-directory", "-S", "--suffix"}))
        return [(paths[-1], False)] if len(paths) >= 2 else []
    if head == "git":
        return _git_changes(words)
    return _formatter_changes(words)


def _move(operands: list[str]) -> list[tuple[str, bool]]:
    if len(operands) < 2:
        return []
    return [*((p, True) for p in operands[:-1]), (operands[-1], False)]


def _perl_in_place(words: list[str]) -> list[tuple[str, bool]]:
    in_place = False
    operands: list[str] = []
    rest = iter(words[1:])
    script_seen = False
    for word in rest:
        if word in ("-e", "-E"):
            next(rest, None)
            script_seen = True
        elif word.startswith("-") and len(word) > 1 and not script_seen:
            cluster = word[1:]
            in_place = in_place or "i" in cluster.split("e", 1)[0]
            if cluster.endswith("e"):
                next(rest, None)
                script_seen = True
        else:
            operands.append(word)
    if not in_place:
        return []
    if not script_seen and operands:
        operands.pop(0)
    return [(p, False) for p in operands]


def _git_changes(words: list[str]) -> list[tuple[str, bool]]:
    sub, rest = git_arguments(words)
    if sub is None:
        return []
    restored = restored_paths(sub, rest)
    if restored is not None:
        return [(p, False) for p in restored]
    if sub == "mv":
        return _move(operands(rest))
    if sub == "rm" and "--cached" not in rest:
        return [(p, True) for p in operands(rest)]
    return []


def _formatter_changes(words: list[str]) -> list[tuple[str, bool]]:
    """The files a formatter or fixing linter rewrites in place, when it names them."""
    if not _rewrites_in_place(words) or _CHECK_FLAGS.intersection(words):
        return []
    return [(p, False) for p in operands(words[1:]) if _looks_like_file(p)]


def _rewrites_in_place(words: list[str]) -> bool:
    head, sub = words[0], (words[1] if len(words) > 1 else "")
    flags = set(words[1:])
    if head in _FORMATTERS or (head, sub) in _FORMAT_SUBCOMMANDS:
        return True
    needed = _IN_PLACE_FLAGS.get(head) or _IN_PLACE_FLAGS.get(f"{head} {sub}")
    return bool(needed and needed & flags)


def _looks_like_file(word: str) -> bool:
    name = word.rsplit("/", 1)[-1]
    return "." in name.strip(".") and "=" not in word
