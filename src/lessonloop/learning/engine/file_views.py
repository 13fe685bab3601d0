"""What the transcripts show of a file at a call: replay's stand-in for the disk.

A lesson that needs a file to hold a text (Trigger.needs: a declaration a setup file lacked,
learning/engine/declared_lessons.py) is decided by reading the file when the call comes up; the hooks read
it on disk (apply/hooks/pre_tool.file_has). Replay has no disk of the past, so it reads what the
session's own calls showed of the file, around the call:

- the nearest view of the file before the call, when no call between could have changed it; else
- the nearest view after the call, when neither the call itself nor any call between could have
  changed it (the file the agent looked at next is the file the command ran with);
- else not known, and the lesson stays silent (as the hook does when it cannot read the file).

A lesson whose failure showed on what is in a folder (the tests of `test/web/live`) applies where
that folder holds files: a file in it was read, edited or written before the call, or read or
edited after it (and not written between: then it may be new).

A view: a successful read of the file (a file tool's read, `cat FILE`, `Get-Content FILE`: the
whole file when it asked for no range and its output was kept whole), a content search of the file
alone whose pattern would list a line holding the text (the Grep tool's, `rg`'s or `grep`'s), a
write of its whole text. A view that holds the text says so whatever its range; one that lacks it
says so only when whole.
What may change the file: an edit or write of it, a command that names it or changes files in bulk
(`git checkout`, `git stash`, ...). The same session only, its subagents included; at most
REACH calls each way.

Pure: reads the events it is given.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Sequence

from lessonloop.core.tool_kinds import CHANGE_KINDS, EDIT, READ, SEARCH, SHELL, WRITE
from lessonloop.learning.engine.events import CallEvent
from lessonloop.lesson_model.triggers import comparable_path, is_absolute, needed_file, needed_folder, needed_text

REACH = 200  # calls looked at on each side of the call
KEPT_RESULT = 2000  # a successful result is kept to its first 2,000 characters (analyze/call.py)
_RANGE_PARAMS = ("offset", "limit", "line_offset", "start_line", "end_line", "view_range", "lines", "head_limit")
_BULK = re.compile(
    r"\bgit\s+(?:checkout|switch|restore|reset|stash|pull|merge|rebase|apply|am|cherry-pick|revert|clean)\b"
    r"|\b(?:rsync|unzip|tar|patch)\b"
)
_READ_COMMANDS = frozenset({"cat", "type", "get-content", "gc"})


class TranscriptFiles:
    """The sessions' calls, for `has`: whether a file held a text when a call came up."""

    def __init__(self, events: Iterable[CallEvent]) -> None:
        self._sessions: dict[str, list[CallEvent]] = {}
        self._at: dict[str, tuple[str, int]] = {}
        for event in events:
            calls = self._sessions.setdefault(event.session_id, [])
            self._at[event.call.id] = (event.session_id, len(calls))
            calls.append(event)

    def has(self, event: CallEvent, needs: str) -> bool | None:
        """Whether the file `needs` names ("PATH|TEXT", under the call's folder) held the text
        when `event` came up, as the session's calls show it (see the module's docstring)."""
        path = needed_file(needs, event.cwd)
        place = self._at.get(event.call.id)
        if path is None or place is None:
            return None
        text = needed_text(needs)[1]
        calls = self._sessions[place[0]]
        at = place[1]
        folder = needed_folder(needs)
        if folder is not None:
            where = needed_file(needs, event.cwd, folder)
            if where is None or not _folder_there(calls, at, where):
                return None  # what the failure showed on is not known to be there: not applying
        for before in reversed(calls[max(0, at - REACH) : at]):
            seen = _view(before, path, text)
            if seen is not None:
                return seen
            if _may_change(before, path):
                break
        for after in calls[at : at + REACH]:
            if after is not event:
                seen = _view(after, path, text)
                if seen is not None:
                    return seen
            if _may_change(after, path):
                return None
        return None


def _full(path: str, cwd: str | None) -> str:
    """A path as one machine compares it: joined to the call's folder when relative, Windows'
    backslashes as slashes, a drive letter's case ignored, `.` and `..` resolved."""
    path = path.strip("'\"").replace("\\", "/")
    if cwd and not is_absolute(path):
        path = cwd.replace("\\", "/").rstrip("/") + "/" + path
    return posixpath.normpath(comparable_path(path))


def _same(path: str | None, cwd: str | None, wanted: str) -> bool:
    return bool(path) and _full(path or "", cwd) == _full(wanted, None)


def _folder_there(calls: Sequence[CallEvent], at: int, folder: str) -> bool:
    """Whether the folder held files when call `at` came up: a file in it was read, edited or
    written before, or read or edited after (it was there, unless written between)."""
    top = _full(folder, None) + "/"
    for before in calls[max(0, at - REACH) : at]:
        target = before.call.target_path
        if before.call.ok and target and _full(target, before.cwd).startswith(top):
            return True
    written: set[str] = set()
    for after in calls[at + 1 : at + REACH]:
        target = after.call.target_path
        if not after.call.ok or not target:
            continue
        path = _full(target, after.cwd)
        if not path.startswith(top):
            continue
        if after.call.kind in (READ, EDIT) and path not in written:
            return True
        if after.call.kind == WRITE:
            written.add(path)
    return False


def _view(event: CallEvent, path: str, text: str) -> bool | None:
    """What one call shows of the file: True (it holds the text), False (it is shown whole
    without it), None (not shown, or shown in part without it)."""
    call = event.call
    if call.kind == SHELL and len(event.segments) == 1:
        return _shell_view(event, event.segments[0], path, text)  # (a search that matched nothing failed)
    if not call.ok:
        return None
    tool_input = call.input if isinstance(call.input, dict) else {}
    if call.kind == WRITE and _same(call.target_path, event.cwd, path):
        content = tool_input.get("content")
        return text in content if isinstance(content, str) else None
    if call.kind == READ and _same(call.target_path, event.cwd, path):
        return _shown(call.result_text, text, whole=not any(tool_input.get(p) for p in _RANGE_PARAMS))
    if call.kind == SEARCH and _same(_text(tool_input, "path"), event.cwd, path):
        return _searched(tool_input, call.result_text, text)
    return None


def _shell_view(event: CallEvent, words: tuple[str, ...], path: str, text: str) -> bool | None:
    """What a command alone on its line shows of the file: a whole read of it (`cat F`,
    `Get-Content -Raw F`, `type F`), or a content search of it alone (`rg -n PATTERN F`)."""
    if not words:
        return None
    program = words[0].lower()
    call = event.call
    if program in _READ_COMMANDS:
        if not call.ok or any(w.lower() in _PART_FLAGS for w in words[1:]):
            return None
        named = [w for w in words[1:] if not w.startswith("-")]
        if len(named) == 1 and _same(named[0], event.cwd, path):
            return _shown(call.result_text, text, whole=True)
        return None
    if program not in ("rg", "grep"):
        return None
    found = _search_words(words)
    if found is None or not _same(found[1], event.cwd, path):
        return None
    pattern, _file, fixed = found
    if fixed:
        listed = pattern in text
    else:
        if (
            program == "grep"
            and not any(w in ("-E", "-P", "--extended-regexp") for w in words)
            and re.search(r"[|+?(){}]", pattern)
        ):
            return None  # a basic regular expression: those characters are literal there
        try:
            listed = re.search(pattern, text) is not None
        except re.error:
            return None
    if call.ok:
        output = call.result_text
        if output is None:
            return None
        if text in output:
            return True
        return False if listed and len(output) < KEPT_RESULT else None
    if call.exit_code == 1 and listed and len((call.error_text or "").strip()) < 200:
        return False  # no line matched: exit status 1
    return None


_PART_FLAGS = frozenset({"-first", "-last", "-totalcount", "-tail", "-head", "-n", "-wait"})
# search options that change what is listed (case, whole words or lines, inverted, names or counts only)
_NARROWING = frozenset(
    {"-i", "--ignore-case", "-w", "--word-regexp", "-x", "--line-regexp", "-v", "--invert-match", "-l",
     "--files-with-matches", "-c", "--count", "-o", "--only-matching", "-m", "--max-count", "-L", "-S",
     "--smart-case", "-U", "--multiline", "-q", "--quiet", "-s"}
)  # fmt: skip


def _search_words(words: tuple[str, ...]) -> tuple[str, str, bool] | None:
    """(pattern, the one file searched, fixed string) of an `rg`/`grep` command of one file,
    without an option that narrows what it lists; None otherwise."""
    pattern: str | None = None
    named: list[str] = []
    fixed = False
    rest = iter(words[1:])
    for word in rest:
        if word in ("-e", "--regexp"):
            if pattern is not None:
                return None
            pattern = next(rest, None)
        elif word in ("-F", "--fixed-strings"):
            fixed = True
        elif word in _NARROWING or word.startswith(("-m", "--max-count=")):
            return None
        elif word.startswith("-"):
            continue  # (-n, -H, --no-heading, context lines: what a matching line shows)
        else:
            named.append(word)
    if pattern is None and named:
        pattern = named.pop(0)
    if pattern is None or len(named) != 1:
        return None
    return pattern.strip("'\""), named[0], fixed


def _shown(result: str | None, text: str, whole: bool) -> bool | None:
    if result is None:
        return None
    if text in result:
        return True
    return False if whole and len(result) < KEPT_RESULT else None


def _searched(tool_input: dict[str, object], result: str | None, text: str) -> bool | None:
    """A content search of the file alone: its output holds the text, or it lists no line holding
    it while its pattern would have listed one."""
    if result is None:
        return None
    if text in result:
        return True
    pattern = _text(tool_input, "pattern")
    if pattern is None or any(tool_input.get(p) for p in _RANGE_PARAMS) or len(result) >= KEPT_RESULT:
        return None
    if tool_input.get("-i") or tool_input.get("multiline"):
        return None
    try:
        if re.search(pattern, text) is None:
            return None  # a line holding the text would not have been listed
    except re.error:
        return None
    if tool_input.get("output_mode") == "content" or not result.strip() or result.lower().startswith("no "):
        return False
    return None


def _text(mapping: dict[str, object], key: str) -> str | None:
    value = mapping.get(key)
    return value if isinstance(value, str) and value else None


def _may_change(event: CallEvent, path: str) -> bool:
    """Whether a call may have changed the file: an edit or write of it, a command that names it
    or changes files in bulk."""
    call = event.call
    if call.kind in CHANGE_KINDS:
        return call.status not in ("error", "rejected") and (
            _same(call.target_path, event.cwd, path) or any(_same(p, event.cwd, path) for p in call.paths)
        )
    if call.kind != SHELL or not call.command:
        return False
    command = call.command
    name = posixpath.basename(path)
    if (name in command and re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w.-])", command)) or _BULK.search(command):
        return not _reads_only(event.segments)
    return False


_READ_ONLY = _READ_COMMANDS | {"rg", "grep", "head", "tail", "wc", "less", "more", "select-string", "sls"}


def _reads_only(segments: Sequence[tuple[str, ...]]) -> bool:
    """Whether every command of a line only reads (prints or searches files)."""
    return bool(segments) and all(words and words[0].lower() in _READ_ONLY for words in segments)
