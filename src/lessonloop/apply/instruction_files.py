"""The file each agent reads its project instructions from, where `lessons export --format md`
puts the lessons section, and what else the person must do for the agent to read it.

Two kinds of agents get one:
- the agents lessonloop reads (capture/agents.py): each adapter's `instructions` and
  `instructions_hint`, one entry per file (CLAUDE.md, AGENTS.md, GEMINI.md, CONVENTIONS.md,
  Copilot CLI's .github/copilot-instructions.md);
- delivery-only agents, whose transcripts lessonloop does not read but which read a rules file
  in the project (DELIVERY_ONLY: Cursor, Cline, Windsurf): the lessons learned from the other
  agents reach them through it.

A file's form (RulesForm: the front matter its agent needs to load it, a size limit) follows from
its path, so `--to` another path of the same kind (a Copilot `*.instructions.md`, another Cursor
`.mdc`) gets that kind's front matter too. Paths are relative to the project's root, `/`-separated.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from lessonloop.capture import agents

RULES_DESCRIPTION = "Mistakes coding agents made in this project before and what to do instead, learned by lessonloop"


@dataclass(frozen=True, slots=True)
class InstructionFile:
    agents: tuple[str, ...]  # the agents that read it (capture/agents.py ids, or DELIVERY_ONLY's)
    name: str  # its path in the project's root folder, `/`-separated: "CLAUDE.md", ".cursor/rules/lessonloop.mdc"
    hint: str | None = None  # a step the person must take before the agent reads it
    reads_transcripts: bool = True  # False: a delivery-only agent (lessonloop learns nothing from it)
    # Its folder is a folder of rules files the agent reads every one of (`.cursor/rules`): a file of
    # the same extension there, of any name, is that agent's too (`--to .cursor/rules/other.mdc`).
    rules_folder: bool = False
    # The folder the file goes in may be a single rules file of the same name instead (Cline's
    # `.clinerules` is a folder of rules files or one file): the section then goes into that file.
    folder_may_be_file: bool = False


@dataclass(frozen=True, slots=True)
class RulesForm:
    """What a rules file needs beyond the marked section."""

    kind: str  # "markdown" (the section alone), "cursor", "copilot-path", "windsurf"
    # Front matter lines ("key: value", YAML) written when lessonloop creates the file; an existing
    # file keeps its own (the person may have changed how the agent applies it).
    front_matter: tuple[str, ...] = ()
    max_chars: int | None = None  # the agent reads no more of the file than this (the best lessons are kept)
    agent_name: str = ""  # the agent reading this form, for the messages (whose front matter, whose limit)
    activation: str = ""  # the front matter line that makes the agent load the file, for the messages


MARKDOWN = RulesForm("markdown")
# Cursor project rules (.cursor/rules/*.mdc): description, globs and alwaysApply. Always applied: a
# lesson is needed before the mistake, when the agent does not know yet that it is relevant (an
# "agent requested" rule is read only when the model judges its description relevant).
CURSOR = RulesForm(
    "cursor",
    (f"description: {RULES_DESCRIPTION}", "globs:", "alwaysApply: true"),
    agent_name="Cursor",
    activation="alwaysApply: true",
)
# GitHub Copilot path-specific instructions (.github/instructions/NAME.instructions.md): applyTo
# globs ("**": every file), an optional description.
COPILOT_PATH = RulesForm(
    "copilot-path",
    ('applyTo: "**"', f"description: {RULES_DESCRIPTION}"),
    agent_name="Copilot",
    activation='applyTo: "**"',
)
# Windsurf (Cascade) workspace rules (.windsurf/rules/*.md): trigger always_on | model_decision |
# glob | manual. A rules file is read up to 6,000 characters (12,000 per file in later versions of
# its documentation; 6,000 fits both).
WINDSURF = RulesForm(
    "windsurf",
    ("trigger: always_on", f"description: {RULES_DESCRIPTION}"),
    max_chars=6000,
    agent_name="Windsurf",
    activation="trigger: always_on",
)

# The agents lessonloop does not read, and the rules file each reads in a project (docs/lessons.md,
# "Rules files").
DELIVERY_ONLY: tuple[InstructionFile, ...] = (
    InstructionFile(("cursor",), ".cursor/rules/lessonloop.mdc", reads_transcripts=False, rules_folder=True),
    InstructionFile(
        ("cline",), ".clinerules/lessonloop.md", reads_transcripts=False, rules_folder=True, folder_may_be_file=True
    ),
    InstructionFile(("windsurf",), ".windsurf/rules/lessonloop.md", reads_transcripts=False, rules_folder=True),
)


def instruction_files() -> tuple[InstructionFile, ...]:
    """One entry per file: the read agents' files, in the order of the first agent reading each in
    the registry (a file's hint is the first one its agents give), then DELIVERY_ONLY's."""
    readers: dict[str, list[str]] = {}
    hints: dict[str, str | None] = {}
    for adapter in agents.adapters():
        if adapter.instructions is not None:
            readers.setdefault(adapter.instructions, []).append(adapter.agent)
            hints[adapter.instructions] = hints.get(adapter.instructions) or adapter.instructions_hint
    # A rules file of DELIVERY_ONLY's whose agent lessonloop now reads too (Cline) keeps its form.
    delivery = {file.name: file for file in DELIVERY_ONLY}
    read = tuple(
        replace(delivery[name], agents=tuple(agent_ids), hint=hints[name], reads_transcripts=True)
        if name in delivery
        else InstructionFile(tuple(agent_ids), name, hints[name])
        for name, agent_ids in readers.items()
    )
    return read + tuple(file for file in DELIVERY_ONLY if file.name not in readers)


def for_agent(agent: str) -> InstructionFile | None:
    """The instructions file `agent` reads, or None for an agent without one."""
    return next((file for file in instruction_files() if agent in file.agents), None)


def for_path(path: str) -> InstructionFile | None:
    """The agents' instructions file a path names: by its file name (case as the agents spell it),
    or for a folder of rules files by that folder and the extension (`.cursor/rules/other.mdc` is
    Cursor's); a `*.instructions.md` is Copilot's, a `.mdc` anywhere Cursor's, a file named as Cline's
    rules folder (`.clinerules`) Cline's."""
    given = PurePosixPath(Path(path).as_posix())
    for file in instruction_files():
        known = PurePosixPath(file.name)
        folder = known.parts[:-1]
        if not file.rules_folder and given.name == known.name:
            return file
        if file.rules_folder and given.parts[-len(folder) - 1 : -1] == folder and given.suffix == known.suffix:
            return file
        if file.folder_may_be_file and given.name == folder[0]:
            return file
    if given.name.endswith(".instructions.md"):
        return for_agent("copilot")
    if given.suffix == ".mdc":
        return for_agent("cursor")
    return None


def rules_form(path: str) -> RulesForm:
    """The form of the rules file at `path`: by its extension or folder (a Cursor `.mdc`, a Copilot
    `*.instructions.md`, a file in a `.windsurf/rules` folder), else plain Markdown."""
    given = PurePosixPath(Path(path).as_posix())
    if given.suffix == ".mdc":
        return CURSOR
    if given.name.endswith(".instructions.md"):
        return COPILOT_PATH
    if given.parts[-3:-1] == (".windsurf", "rules") and given.suffix == ".md":
        return WINDSURF
    return MARKDOWN


def project_folder(target: Path, file: InstructionFile | None) -> Path:
    """The project folder a rules file at `target` belongs to: the folder above the rules folders
    its path names (`.cursor/rules/x.mdc` -> the folder holding `.cursor`), else its own folder."""
    folders = PurePosixPath(file.name).parts[:-1] if file is not None else ()
    here = target.absolute().parent
    if folders and tuple(here.parts[-len(folders) :]) == folders:
        return Path(*here.parts[: -len(folders)])
    return here


def single_file_instead(target: Path, file: InstructionFile | None) -> Path | None:
    """The single rules file to write into instead of `target` when the folder `target` goes in
    exists as a file (Cline's one-file `.clinerules`); None otherwise."""
    if file is None or not file.folder_may_be_file:
        return None
    folder = target.parent
    return folder if folder.name == PurePosixPath(file.name).parts[0] and folder.is_file() else None


def delivery_agents() -> list[str]:
    """Every agent an instructions file is known for, for --agent of `lessons export`."""
    return [agent for file in instruction_files() for agent in file.agents]
