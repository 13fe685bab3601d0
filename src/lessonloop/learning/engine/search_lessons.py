"""Lessons from a search for a file by name that found nothing (issue 41).

`rg --files -g NAME` (and `fd NAME`) finding nothing is an answer, not an error, and the general
path (general_lessons.py) leaves it alone as a probe. But agents search again and again, in the
same session and the next ones, for a file the search cannot see: one in a hidden folder
(`.agent/`, `.github/`) or one .gitignore ignores, which rg and fd skip unless told. The lesson is
keyed on the name's core (analyze/file_search.name_core), so another spelling of the same search
(`SYSTEM_STATE.md`, `*SYSTEM_STATE*`, `SYSTEM_STATE*.md`) meets it, and it is silent on a search
that looks in hidden and ignored files (the remedy) or for another name.

It is learned at the first empty search, in the project where it ran (the name is the
project's). A later call of the session that reads or changes a file of that name shows where it
was, and that becomes the remedy; until then the lesson says nothing (issue 80: the empty answer
of a search is information, and "look in hidden files" sent agents the wrong way), and then it is
a note naming that place, in the same session too, never a stop (lesson_model/decision.py).
"""

from __future__ import annotations

import re

from lessonloop.analyze.error_headline import error_headline
from lessonloop.analyze.file_search import (
    hidden_part,
    name_core,
    name_ext,
    name_matches,
    program_of,
    sees_hidden,
    sought_names,
)
from lessonloop.core.outside_text import as_data
from lessonloop.core.tool_kinds import READ
from lessonloop.learning.engine.episodes import Draft, _usage_draft
from lessonloop.learning.engine.events import CallEvent
from lessonloop.lesson_model.triggers import Trigger, comparable_path, looks_only, relative_path

# what makes each program look in hidden and ignored files too
_SEE_ALL = {"rg": "--hidden --no-ignore", "fd": "-H -I"}
_HOW = {
    "rg": "rg skips hidden files and folders and what .gitignore ignores unless told (`--hidden`, `--no-ignore`, `-uu`)",
    "fd": "fd skips hidden files and folders and what .gitignore ignores unless told (`-H`, `-I`, `-u`)",
}


def empty_search(event: CallEvent) -> tuple[tuple[str, ...], str] | None:
    """(the search's words, the name pattern) when the call is a file search by name, blind to
    hidden and ignored files, that found nothing: rg's exit status 1 with nothing printed, or an
    fd that printed nothing. None otherwise (a search that found files, or failed on its
    arguments: exit 2 and an error line)."""
    call = event.call
    if call.kind != "shell" or not event.segments or call.status not in ("ok", "error"):
        return None
    for words in event.segments:
        patterns = [p for p in sought_names(words) if name_core(p)]
        if not patterns or sees_hidden(words):
            continue
        if program_of(words) == "rg":
            if call.status == "error" and call.exit_code in (1, None) and not error_headline(call.error_text):
                return words, patterns[0]
        elif call.status == "ok" and call.result_text is not None and not call.result_text.strip():
            return words, patterns[0]
    return None


def search_draft(event: CallEvent, words: tuple[str, ...], pattern: str) -> Draft:
    """The lesson of an empty search: the same program searching again for a name holding the
    pattern's core, blind to hidden and ignored files."""
    core = name_core(pattern)
    program = program_of(words) or "rg"
    shown = " ".join(words)
    draft = _usage_draft(
        event,
        Trigger(event.call.kind, words=(words[0],), sought=core, ext=name_ext(pattern)),
        title=f"`{program}` found no file named like {as_data(pattern)} in this project before",
        body=f"`{shown}` found nothing. {_HOW[program]}: a file there is not listed.",
        # no remedy until a later call shows where the file was (`_searched`, found_remedy): a search
        # that found nothing is a probe, its empty answer an answer; the lesson is silent till then
        # (lesson_model/decision.py), and then a note, never a stop
        prevention=None,
        command=None,
        category="search",
        severity="low",
    )
    draft.own_project = True  # the name is the project's: another project may have such a file
    return draft


def found_at(pattern: str, event: CallEvent) -> str | None:
    """The file a successful read shows (a read tool's, one a shell command printed, or one a
    command that only looks names) whose name the search pattern matches: where the file an empty
    search looked for was, relative to the session folder. A file the call writes is not one: it
    did not exist before."""
    call = event.call
    if not call.ok:
        return None
    paths = [call.target_path] if call.target_path and call.kind == READ else []
    paths += event.reads()
    if event.segments and all(looks_only(w) and not w[0].lower().startswith("test") for w in event.segments):
        # a command that only looks, naming the file (`Get-Content -Path .agent\X.md`): read from
        # the line as typed, as a POSIX split would take PowerShell's backslashes for escapes
        # (Test-Path works whether the file is there or not)
        paths += _PATH_WORD.findall((call.command or "")[:4000])
    if any(sought_names(words) for words in event.segments):  # a file search that listed it
        paths += [line.strip() for line in (call.result_text or "").splitlines()[:200]]
    cwd = comparable_path(event.cwd or "")
    for path in paths:
        if path and name_matches(pattern, path):
            found = relative_path(comparable_path(path), cwd)
            if not _ABSOLUTE.match(found):  # (a file outside the project explains no search in it)
                return found
    return None


_ABSOLUTE = re.compile(r"/|~|[A-Za-z]:/")
_PATH_WORD = re.compile(r"""[^\s'"`|;&<>(),]*[\\/][^\s'"`|;&<>(),]+""")


def found_remedy(program: str, pattern: str, path: str) -> str:
    """The prevention once the file was found: where it is, and why the search did not see it."""
    hidden = hidden_part(path)
    why = (
        f"{as_data(hidden)} is hidden: {program} skips it unless told"
        if hidden
        else f"{program} did not list it from there: a .gitignore rule, or another folder"
    )
    return f"The file is at {as_data(path)} ({why}). Read that path, or search with `{_SEE_ALL[program]}`."
