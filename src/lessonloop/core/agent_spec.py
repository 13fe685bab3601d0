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

    @property
    def has_hooks(self) -> bool:
        return bool(self.hook_events)

    def __repr__(self) -> str:
        return f"AgentSpec(id={self.id!r}, folder={self.folder!r})"
