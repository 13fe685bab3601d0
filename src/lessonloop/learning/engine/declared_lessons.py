"""Lessons from a setup failure a file's missing declaration caused (issue 61, item 2: the cause
diagnosed from what the failure and the file say).

A command fails on what its project does not declare: `** (RuntimeError) no :secret_key_base
configuration found in SpotterWeb.Endpoint`, `Phoenix LiveView requires lazy_html as a test
dependency`, `No module named 'yaml'`, `KEY is not set`. The agent adds the named key or package to
a setup file (a configuration file or a dependency manifest: `config/test.exs`, `mix.exs`,
`pyproject.toml`, `.env`), and the same job gets past the failure. Another checkout of the project
(a worktree of another branch, a fresh clone) lacks it the same way, and the same command fails
there the same way.

The lesson: the failing command, while that file (relative to the call's folder) lacks the term
(Trigger.needs, "PATH|TERM"), and, when the failing command named what it ran (`mix test
test/web/live/page_test.exs`), a run of what is in that folder where it exists ("PATH|TERM|FOLDER":
other tests need not meet the failure); its remedy, the declaration to add. The decision reads the file when
the command comes up (the file on disk in the hooks, what the transcripts show of it in replay), so
the lesson is silent wherever the file has it, and a call that carries the remedy is the only one
that satisfies it.

Diagnosed, not guessed: the error line must say that something is missing or required, the term
must be a name the error line gives (an identifier, or any word it quotes), and an edit between the
failure and the job getting past it must have added that very name to a setup file of the project.
Pure: reads the events it is given.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence

from lessonloop.core.outside_text import as_data
from lessonloop.core.tool_kinds import CHANGE_KINDS, SHELL
from lessonloop.learning.engine.episodes import Draft, _failing_segment, _head, _usage_draft, show_command
from lessonloop.learning.engine.events import CallEvent
from lessonloop.lesson_model.quoting import tool_output
from lessonloop.lesson_model.triggers import (
    Trigger,
    edit_text,
    is_absolute,
    path_operands,
    relative_path,
    written_text,
)

# What an error line says when something is not declared: missing, required, not set or found,
# unknown, a module or package that cannot be found, "add X to your mix.exs".
_MISSING = re.compile(
    r"\b(?:missing|requires?|required|needs?|undefined|unknown|unresolved"
    r"|not (?:set|found|configured|installed|defined|declared|registered|available|loaded|provided|specified)"
    r"|no [\w:.'\"`-]+ (?:configuration|config|setting|entry|key|value|module|package|dependency|provider)"
    r"|no (?:such )?(?:module|package|configuration|setting|dependency) named"
    r"|(?:cannot|can't|could not|unable to|failed to) (?:find|resolve|locate|load|import)"
    r"|not a (?:[\w-]+ )?dependency|add (?:it )?to (?:your|the)|to your )",
    re.IGNORECASE,
)
# A name the line gives: an identifier with an underscore, a dot, a dash between words, a digit or
# an inner capital (`secret_key_base`, `SpotterWeb.Endpoint`, `lazy-html`, `OAuth2`), or any word
# it quotes (`No module named 'yaml'`).
_NAME = re.compile(r"[A-Za-z_][\w.-]*\w")
_QUOTED = re.compile(r"['\"`\u2018\u201c]([A-Za-z_@][\w.@/-]{2,}\w)['\"`\u2019\u201d]")
_ERROR_NAMES = re.compile(r"(?:Error|Exception|Warning|Failure)$")
MIN_TERM = 4

# Setup files: dependency manifests by name, configuration by its folder, name or extension.
_MANIFESTS = frozenset(
    {"package.json", "pyproject.toml", "setup.py", "setup.cfg", "pipfile", "environment.yml", "environment.yaml",
     "cargo.toml", "go.mod", "gemfile", "mix.exs", "composer.json", "build.gradle", "build.gradle.kts", "pom.xml",
     "deno.json", "deno.jsonc", "pubspec.yaml", "project.clj", "deps.edn", "build.sbt", "package.swift",
     "dune-project", "stack.yaml", "cabal.project", "flake.nix", "docker-compose.yml", "docker-compose.yaml",
     "compose.yml", "compose.yaml", "conftest.py", "settings.py", "manage.py", "vite.config.ts", "vite.config.js"}
)  # fmt: skip
_CONFIG_FOLDERS = frozenset({"config", "configs", "conf", "settings", ".config"})
_CONFIG_EXTS = frozenset(
    {".toml", ".ini", ".cfg", ".conf", ".yaml", ".yml", ".json", ".jsonc", ".properties", ".env", ".csproj",
     ".props", ".gemspec", ".cabal", ".plist", ".xml"}
)  # fmt: skip


def missing_terms(headline: str) -> list[str]:
    """The names an error line says are missing or required, the surest first, each rank in the
    line's order (see the module's docstring); [] when the line says nothing is."""
    if not headline or not _MISSING.search(headline):
        return []
    found: list[tuple[int, int, str]] = [(0, m.start(1), m.group(1)) for m in _QUOTED.finditer(headline)]
    for match in _NAME.finditer(headline):
        name = match.group(0).strip(".-")
        if len(name) >= MIN_TERM and not _ERROR_NAMES.search(name):
            rank = _rank(name)
            if rank is not None:
                found.append((rank, match.start(), name))
    return list(dict.fromkeys(name for _rank_of, _at, name in sorted(found)))


def _rank(name: str) -> int | None:
    """How surely a word reads as a name in code or configuration, not a word of a sentence (the
    lower the surer: a snake_case or numbered name, a dotted or dashed one, a CamelCase one);
    None for a plain word."""
    if "_" in name or any(c.isdigit() for c in name):
        return 1
    if re.search(r"\w[.-]\w", name):
        return 2
    if re.search(r"[a-z][A-Z]", name):
        return 3
    return None


def setup_file(path: str) -> bool:
    """Whether a project file (relative to its folder) declares its setup: a dependency manifest,
    or a configuration file (by its folder, its name or its extension)."""
    norm = path.replace("\\", "/").lower()
    name = posixpath.basename(norm)
    if name in _MANIFESTS or name.startswith(("requirements", ".env", "tsconfig")) or name.endswith(".gemspec"):
        return True
    if any(part in _CONFIG_FOLDERS for part in norm.split("/")[:-1]):
        return True
    if "config" in name or "settings" in name:
        return True
    return posixpath.splitext(name)[1] in _CONFIG_EXTS


def declared_draft(failure: CallEvent, later: CallEvent, between: Sequence[CallEvent]) -> Draft | None:
    """The lesson of a shell command that failed on a declaration its project lacked, which an
    edit of a setup file between the failure and `later` (the same job, getting past the failure:
    working, or failing on something else) added; None when the failure is not of that cause."""
    if failure.call.kind != SHELL or not failure.segments or failure.signature is None:
        return None
    if later.signature == failure.signature:
        return None  # not past it
    terms = missing_terms(failure.headline)
    if not terms:
        return None
    found = _declaration(terms, failure.cwd, between)
    if found is None:
        return None
    path, term = found
    failed = _failing_segment(failure)
    head = _head(failed)
    command = " ".join(head)
    folder = _ran_folder(failed, len(head), failure.cwd)
    needs = f"{path}|{term}" + (f"|{folder}" if folder else "")
    trigger = Trigger(SHELL, head, tool=failure.call.tool, needs=needs)
    headline = failure.headline
    return _usage_draft(
        failure,
        trigger,
        title=f"`{command}` fails while {as_data(path)} lacks {as_data(term)}: {tool_output(headline)}",
        body=(
            f"`{show_command(failed, failure.branch)}` failed ({failure.error_class}): {tool_output(headline)} "
            f"It got past this failure once {as_data(term)} was added to {as_data(path)}; another checkout "
            "without it fails the same way."
        ),
        prevention=f"Add {as_data(term)} to {as_data(path)} (as the earlier fix did) before `{command}`.",
        command=None,
        category=head[0],
        severity="medium",
    )


def _ran_folder(words: Sequence[str], skip: int, cwd: str | None) -> str | None:
    """The folder of what the failing command ran, when it named it (`mix test
    test/web/live/page_test.exs` -> `test/web/live`; several: the folder holding them all): the
    failure showed there, and a run of other tests need not meet it. None when it named no path
    in the project (it ran everything)."""
    folders: list[list[str]] = []
    for word in path_operands(words, skip):
        if "/" not in word and "." not in word:
            continue
        rel = relative_path(word, cwd).replace("\\", "/")
        if is_absolute(rel) or rel.startswith("..") or rel in (".", ""):
            return None
        parts = rel.rstrip("/").split("/")
        folders.append(parts[:-1] if posixpath.splitext(parts[-1])[1] else parts)
    if not folders:
        return None
    common: list[str] = []
    for level in zip(*folders, strict=False):
        if len(set(level)) != 1:
            break
        common.append(level[0])
    return "/".join(common) or None


def _declaration(terms: Sequence[str], cwd: str | None, between: Sequence[CallEvent]) -> tuple[str, str] | None:
    """(the setup file, relative to `cwd`, the term) of the first successful edit or write
    between that added one of `terms` to a setup file under `cwd`: the term is in the text it
    wrote and not in the text it replaced."""
    if not cwd:
        return None
    for event in between:
        call = event.call
        if not call.ok or call.kind not in CHANGE_KINDS or not call.target_path:
            continue
        rel = relative_path(call.target_path, cwd)
        if is_absolute(rel) or rel.startswith("..") or not setup_file(rel):
            continue
        tool_input = call.input if isinstance(call.input, dict) else None
        pairs = [(written_text(tool_input) or "", edit_text(tool_input))]
        edits = tool_input.get("edits") if tool_input else None
        if isinstance(edits, list):  # (several edits of one file in one call)
            pairs += [(written_text(e) or "", edit_text(e)) for e in edits if isinstance(e, dict)]
        for term in terms:
            if any(term in added and term not in removed for added, removed in pairs):
                return rel, term
    return None
