"""What lessonloop knows of one agent before reading a line of it: its `AgentSpec`, one per folder
(agents/<agent>/spec.py). Every list of agents is built from the specs (core/agent_specs.py): the
store's names and the hooks', the order discovery searches in, the environment variables that move
an agent's files, each agent's hook events and those `hooks install` writes, the CLI the real-agent
harness drives.

Read on a hook's path (the entry maps an agent's event by its spec): plain classes with slots, no
dataclasses, no typing at run time.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from collections.abc import Mapping


# The description rules files' front matter gives (an agent loads a rule by it, or shows it).
RULES_DESCRIPTION = "Mistakes coding agents made in this project before and what to do instead, learned by lessonloop"


class RulesForm:
    """What a rules file needs beyond the marked section (apply/rules_file_text.py): `kind`
    ("markdown": the section alone, else the agent's form), the front matter lines ("key: value",
    YAML) written when lessonloop creates the file (an existing file keeps its own: the person may
    have changed how the agent applies it), the characters the agent reads of the file at most,
    the agent reading this form and the front matter line that makes it load the file (for the
    messages)."""

    __slots__ = ("activation", "agent_name", "front_matter", "kind", "max_chars")

    def __init__(
        self,
        kind: str,
        front_matter: tuple[str, ...] = (),
        max_chars: int | None = None,
        agent_name: str = "",
        activation: str = "",
    ) -> None:
        self.kind = kind
        self.front_matter = front_matter
        self.max_chars = max_chars
        self.agent_name = agent_name
        self.activation = activation

    def _key(self) -> tuple[object, ...]:
        return (self.kind, self.front_matter, self.max_chars, self.agent_name, self.activation)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RulesForm) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"RulesForm({self.kind!r})"


MARKDOWN = RulesForm("markdown")


class RulesFile:
    """The rules file an agent reads its project instructions from, where `lessons export --agent`
    writes the lessons' section (apply/instruction_files.py).

    - `path`: in the project's root, `/`-separated ("CLAUDE.md", ".cursor/rules/lessonloop.mdc").
    - `hint`: a step the person must take before the agent reads it, or None.
    - `rules_folder`: its folder is one of rules files the agent reads every one of: a file of the
      same extension there, of any name, is the agent's too (`--to .cursor/rules/other.mdc`).
    - `folder_may_be_file`: that folder may be one rules file of its name instead (Cline's
      `.clinerules`): the section then goes into that file.
    - `form`: its form (front matter, a size limit); MARKDOWN for the section alone.
    - `endings`: other names' endings that make a file anywhere one of the agent's rules files,
      each with its form (Copilot's `*.instructions.md`, Cursor's `*.mdc`).
    """

    __slots__ = ("endings", "folder_may_be_file", "form", "hint", "path", "rules_folder")

    def __init__(
        self,
        path: str,
        *,
        hint: str | None = None,
        rules_folder: bool = False,
        folder_may_be_file: bool = False,
        form: RulesForm = MARKDOWN,
        endings: tuple[tuple[str, RulesForm], ...] = (),
    ) -> None:
        self.path = path
        self.hint = hint
        self.rules_folder = rules_folder
        self.folder_may_be_file = folder_may_be_file
        self.form = form
        self.endings = endings

    def __repr__(self) -> str:
        return f"RulesFile({self.path!r})"


class CliPin:
    """The agent's CLI at the version the real-agent harness drives (tests/real_agents/): the
    package `registry` ("npm" or "pypi") installs, and the command it puts on PATH."""

    __slots__ = ("command", "package", "registry", "version")

    def __init__(self, registry: str, package: str, command: str, version: str) -> None:
        self.registry = registry
        self.package = package
        self.command = command
        self.version = version

    def __repr__(self) -> str:
        return f"CliPin({self.registry!r}, {self.package!r}, {self.command!r}, {self.version!r})"


class AgentSpec:
    """One agent, as its folder declares it.

    - `id`: its name in the store and on the command line ("claude-code"); `folder`: its folder
      under agents/, which is also its name for the hooks (`--agent=claude`: the name installed hook
      commands carry); `name`: as people know it ("Claude Code").
    - `rank`: where discovery searches (and listings name) it among the agents, lowest first.
    - `environment`: the environment variables that move where its files are (a read's check for
      new files watches them: capture/discovery_env.py).
    - `hook_events`: its hook events, each by the handler's event (Claude Code's name) it runs;
      empty when lessonloop has no hooks for it. `installed`: those `hooks install` writes (an event
      two of whose names reach the same handler is installed under one); all of them by default.
    - `cli`: its CLI for the real-agent harness, or None (no CLI runs offline).
    - `windows_shell`: the shell family its commands run in on Windows ("posix": Git Bash, "cmd",
      "powershell"), or None when not known (lesson_model/environment.py).
    - `default`: the agent meant where nothing says which (one spec has it): its payloads are the
      hook handlers' own terms (a hook command without `--agent`, no hooks.py), a `*.jsonl` no
      agent's sniffing claims is its transcript, its reader walks a folder given to `ingest`, and
      the bundled sample is its.
    - `edit_needs_read`: its edit tool refuses a file the session has not read (a blind edit is
      then the harness's refusal, not the agent's habit: analyze/file_ops.py).
    - `worktrees`: the folders (relative to a project's root) where it makes a project's git
      worktrees, read as that project (capture/projects.py).
    - `commit_tool`: the tool name its reader gives the commits the agent makes itself (a commit
      linked to its session by its own record: history/linking.py), or None.
    - `rules`: the rules file it reads in a project (RulesFile), or None: where `lessons export
      --agent` writes, for the agents lessonloop reads and those it only gives lessons to.
    """

    __slots__ = (
        "cli",
        "commit_tool",
        "default",
        "edit_needs_read",
        "environment",
        "folder",
        "hook_events",
        "id",
        "installed",
        "name",
        "rank",
        "rules",
        "windows_shell",
        "worktrees",
    )

    def __init__(
        self,
        *,
        id: str,
        folder: str,
        name: str,
        rank: int,
        environment: tuple[str, ...] = (),
        hook_events: Mapping[str, str] | None = None,
        installed: tuple[str, ...] | None = None,
        cli: CliPin | None = None,
        windows_shell: str | None = None,
        default: bool = False,
        edit_needs_read: bool = False,
        worktrees: tuple[str, ...] = (),
        commit_tool: str | None = None,
        rules: RulesFile | None = None,
    ) -> None:
        self.id = id
        self.folder = folder
        self.name = name
        self.rank = rank
        self.environment = environment
        self.hook_events: dict[str, str] = dict(hook_events or {})
        self.installed: tuple[str, ...] = tuple(self.hook_events) if installed is None else installed
        self.cli = cli
        self.windows_shell = windows_shell
        self.default = default
        self.edit_needs_read = edit_needs_read
        self.worktrees = worktrees
        self.commit_tool = commit_tool
        self.rules = rules

    @property
    def has_hooks(self) -> bool:
        return bool(self.hook_events)

    def __repr__(self) -> str:
        return f"AgentSpec(id={self.id!r}, folder={self.folder!r})"
