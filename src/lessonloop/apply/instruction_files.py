"""The file each agent reads its project instructions from, where `lessons export --format md`
puts the lessons section, and what else the person must do for the agent to read it.

Each agent's spec names its rules file (core/agent_spec.py `rules`: a RulesFile). Two kinds of
agents have one: the agents lessonloop reads (capture/agents.py), and those whose transcripts it
does not read but which read a rules file in the project (Cursor, Windsurf): the lessons learned
from the other agents reach them through it. Agents reading the same file (AGENTS.md) share one
entry.

A file's form (RulesForm: the front matter its agent needs to load it, a size limit) follows from
its path, so `--to` another path of the same kind (a Copilot `*.instructions.md`, another Cursor
`.mdc`) gets that kind's front matter too. Paths are relative to the project's root, `/`-separated.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath

from lessonloop.core.agent_spec import MARKDOWN, RULES_DESCRIPTION, RulesFile, RulesForm
from lessonloop.core.agent_specs import has_part, specs

__all__ = [
    "MARKDOWN",
    "RULES_DESCRIPTION",
    "InstructionFile",
    "RulesForm",
    "delivery_agents",
    "for_agent",
    "for_path",
    "instruction_files",
    "project_folder",
    "rules_form",
    "single_file_instead",
]


@dataclass(frozen=True, slots=True)
class InstructionFile:
    agents: tuple[str, ...]  # the ids of the agents that read it, in their specs' rank
    name: str  # its path in the project's root folder, `/`-separated: "CLAUDE.md", ".cursor/rules/lessonloop.mdc"
    hint: str | None = None  # a step the person must take before the agent reads it
    reads_transcripts: bool = True  # False: only given lessons (lessonloop learns nothing from its agents)
    # Its folder is a folder of rules files the agent reads every one of (`.cursor/rules`): a file of
    # the same extension there, of any name, is that agent's too (`--to .cursor/rules/other.mdc`).
    rules_folder: bool = False
    # The folder the file goes in may be a single rules file of the same name instead (Cline's
    # `.clinerules` is a folder of rules files or one file): the section then goes into that file.
    folder_may_be_file: bool = False
    form: RulesForm = MARKDOWN  # its form, as its path gives it
    endings: tuple[tuple[str, RulesForm], ...] = ()  # other names that are its agents' (RulesFile.endings)


@cache
def instruction_files() -> tuple[InstructionFile, ...]:
    """One entry per file, in the rank of the first agent reading each; the agents lessonloop reads
    first (a file's form is its first agent's, its hint the first one its agents give). The
    agents' folders do not change while a process runs: built once."""
    with_rules = [(has_part(spec, "reader"), spec.id, spec.rules) for spec in specs() if spec.rules is not None]
    readers: dict[str, list[str]] = {}
    first: dict[str, RulesFile] = {}
    hints: dict[str, str | None] = {}
    reads: dict[str, bool] = {}
    for read, agent, rules in sorted(with_rules, key=lambda row: not row[0]):  # (stable: rank kept within each)
        name = rules.path
        readers.setdefault(name, []).append(agent)
        first.setdefault(name, rules)
        hints[name] = hints.get(name) or rules.hint
        reads[name] = reads.get(name, False) or read
    return tuple(
        InstructionFile(
            tuple(agent_ids),
            name,
            hints[name],
            reads_transcripts=reads[name],
            rules_folder=first[name].rules_folder,
            folder_may_be_file=first[name].folder_may_be_file,
            form=first[name].form,
            endings=first[name].endings,
        )
        for name, agent_ids in readers.items()
    )


def for_agent(agent: str) -> InstructionFile | None:
    """The instructions file `agent` reads, or None for an agent without one."""
    return next((file for file in instruction_files() if agent in file.agents), None)


def for_path(path: str) -> InstructionFile | None:
    """The agents' instructions file a path names: by its file name (case as the agents spell it),
    or for a folder of rules files by that folder and the extension (`.cursor/rules/other.mdc` is
    Cursor's), a file named as a rules folder that may be one file (`.clinerules`) that agent's;
    else by the endings the agents' rules files have anywhere (a `*.instructions.md` is Copilot's,
    a `.mdc` Cursor's)."""
    given = PurePosixPath(Path(path).as_posix())
    files = instruction_files()
    for file in files:
        known = PurePosixPath(file.name)
        folder = known.parts[:-1]
        if not file.rules_folder and given.name == known.name:
            return file
        if file.rules_folder and given.parts[-len(folder) - 1 : -1] == folder and given.suffix == known.suffix:
            return file
        if file.folder_may_be_file and given.name == folder[0]:
            return file
    return next((file for file in files for ending, _form in file.endings if given.name.endswith(ending)), None)


def rules_form(path: str) -> RulesForm:
    """The form of the rules file at `path`: by the endings the agents' rules files have anywhere
    (a Cursor `.mdc`, a Copilot `*.instructions.md`), else by the rules folder it is in (a file in
    `.windsurf/rules`), else plain Markdown."""
    given = PurePosixPath(Path(path).as_posix())
    files = instruction_files()
    for file in files:
        for ending, form in file.endings:
            if given.name.endswith(ending):
                return form
    for file in files:
        known = PurePosixPath(file.name)
        folder = known.parts[:-1]
        if (
            file.rules_folder
            and folder
            and given.parts[-len(folder) - 1 : -1] == folder
            and given.suffix == known.suffix
        ):
            return file.form
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
