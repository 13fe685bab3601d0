"""Every agent's spec, found by its folder: each folder under agents/ that holds a spec.py is an
agent (agents/README.md), and nothing else names the agents. The lists of agents (the store's
names and the hooks', discovery's order and its environment, the hooks each agent has) are built
from here; an agent's own parts are found in its folder by their names (`part`).

The agents' package path is searched once a process: a folder added there is an agent like the
others (tests/agents/test_fourteenth_agent.py adds one). Not on a hook's path: a hook reads its own
agent's spec only (apply/hooks/entry.py and kit/tool_view.py, `spec_named`): this module imports
nothing but os and sys for them.
"""

from __future__ import annotations

import os
import sys

from lessonloop.core.agent_spec import AgentSpec

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a hook reads its own agent's spec here)
if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import ModuleType

    from lessonloop.core.agent_parts import HookAdapter

PACKAGE = "lessonloop.agents"

_specs: tuple[AgentSpec, ...] | None = None


class BadAgentFolder(Exception):
    """An agent's folder whose spec.py does not declare the agent it is."""


def _import(name: str) -> ModuleType:
    """The module `name`, imported by the import statement's own path (`-X importtime`, which the
    fast paths' census reads, sees no importlib.import_module)."""
    __import__(name)
    return sys.modules[name]


def _package_paths() -> list[str]:
    return list(_import(PACKAGE).__path__)


def _load(folder: str) -> AgentSpec:
    module = _import(f"{PACKAGE}.{folder}.spec")
    spec = getattr(module, "SPEC", None)
    if not isinstance(spec, AgentSpec):
        raise BadAgentFolder(f"{module.__file__}: SPEC is not an AgentSpec")
    if spec.folder != folder:
        raise BadAgentFolder(f"{module.__file__}: SPEC.folder is {spec.folder!r}, its folder is {folder!r}")
    return spec


def specs() -> tuple[AgentSpec, ...]:
    """Every agent's spec, in discovery's order (`rank`, then id)."""
    global _specs
    if _specs is None:
        folders: dict[str, None] = {}
        for path in _package_paths():
            try:
                names = sorted(os.listdir(path))
            except OSError:
                continue
            for name in names:
                if (
                    name.isidentifier()
                    and not name.startswith("_")
                    and os.path.isfile(os.path.join(path, name, "spec.py"))
                ):
                    folders.setdefault(name)
        _specs = tuple(sorted((_load(folder) for folder in folders), key=lambda spec: (spec.rank, spec.id)))
    return _specs


def default_spec() -> AgentSpec:
    """The agent meant where nothing says which (its spec's `default`: core/agent_spec.py)."""
    found = [spec for spec in specs() if spec.default]
    if len(found) != 1:
        raise BadAgentFolder(f"{len(found)} agents' specs say default=True ({[s.id for s in found]}); one must")
    return found[0]


def spec_of(name: str) -> AgentSpec | None:
    """The spec of the agent named `name` in the store ("claude-code") or by its folder ("claude")."""
    for spec in specs():
        if name in (spec.id, spec.folder):
            return spec
    return None


def spec_named(name: str) -> AgentSpec | None:
    """`spec_of(name)`, reading only that agent's spec when `name` is its folder (a hook knows its
    agent by its folder: no other spec is read)."""
    if name.isidentifier() and not name.startswith("_"):
        try:
            found = getattr(_import(f"{PACKAGE}.{name}.spec"), "SPEC", None)
        except ModuleNotFoundError:
            found = None
        if isinstance(found, AgentSpec) and found.folder == name:
            return found
    return spec_of(name)


def has_part(spec: AgentSpec, part: str) -> bool:
    """Whether the agent's folder holds `part` (a module or a package: "reader", "hooks", ...)."""
    for path in _package_paths():
        base = os.path.join(path, spec.folder, part)
        if os.path.isfile(base + ".py") or os.path.isfile(os.path.join(base, "__init__.py")):
            return True
    return False


def part(spec: AgentSpec, name: str) -> ModuleType:
    """The agent's part `name` ("reader", "hooks", "install"), imported."""
    return _import(f"{PACKAGE}.{spec.folder}.{name}")


def hooks_of(spec: AgentSpec) -> HookAdapter:
    """The agent's hook adapter (its hooks.py), imported."""
    adapter: HookAdapter = _import(f"{PACKAGE}.{spec.folder}.hooks")  # tests/agents/test_agent_specs.py checks it
    return adapter


def hook_agents() -> tuple[str, ...]:
    """The agents lessonloop has hooks for, by their hooks' names (their folders)."""
    return tuple(spec.folder for spec in specs() if spec.has_hooks)


def hooks_names() -> dict[str, str]:
    """The store's name -> the hooks', where they differ, for the agents with hooks ("claude-code" ->
    "claude")."""
    return {spec.id: spec.folder for spec in specs() if spec.has_hooks and spec.id != spec.folder}


class HookAgentNames:
    """`hook_agents()` as argparse's `choices`, read when first asked (building a parser reads no
    spec: most commands never look at it)."""

    def __contains__(self, name: object) -> bool:
        return name in hook_agents()

    def __iter__(self) -> Iterator[str]:
        return iter(hook_agents())

    def __len__(self) -> int:
        return len(hook_agents())


def hook_events() -> dict[str, dict[str, str]]:
    """Each agent with hooks (by its hooks' name) -> its events, each by the handler's event."""
    return {spec.folder: spec.hook_events for spec in specs() if spec.has_hooks}


def installed_events() -> dict[str, tuple[str, ...]]:
    """Each agent with hooks (by its hooks' name) -> the events `hooks install` writes."""
    return {spec.folder: spec.installed for spec in specs() if spec.has_hooks}
