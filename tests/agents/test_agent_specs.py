"""The agents' specs (agents/<agent>/spec.py) are the one list of the agents: each folder's parts
are what its spec declares, the names are unique, every hook event runs a handler lessonloop has,
and the CLIs the real-agent harness installs are the specs' pins."""

from __future__ import annotations

import inspect
import json
import types
from pathlib import Path

from lessonloop.apply.hooks.entry import _HANDLERS
from lessonloop.capture.agents import adapters
from lessonloop.core.agent_parts import HookAdapter
from lessonloop.core.agent_specs import default_spec, has_part, hook_agents, hooks_of, part, spec_of, specs

ROOT = Path(__file__).resolve().parents[2]
AGENTS = ROOT / "src" / "lessonloop" / "agents"


def test_every_folder_is_an_agent_with_a_spec() -> None:
    folders = sorted(p.name for p in AGENTS.iterdir() if p.is_dir() and not p.name.startswith("_"))
    assert folders == sorted(spec.folder for spec in specs())
    assert len({spec.id for spec in specs()}) == len(specs())
    assert len({spec.rank for spec in specs()}) == len(specs())  # one order


def test_a_folder_has_the_parts_its_spec_declares() -> None:
    for spec in specs():
        assert has_part(spec, "reader") or spec.has_hooks or spec.rules is not None, spec  # read, served, or both
        if spec.has_hooks:
            assert has_part(spec, "install"), spec  # `hooks install --agent` writes its file
            assert spec.default or has_part(spec, "hooks"), spec  # the default agent's payloads are the handlers'
            assert set(spec.installed) <= set(spec.hook_events), spec
        assert (AGENTS / spec.folder / "README.md").is_file(), spec


def test_every_hook_event_runs_a_handler() -> None:
    for spec in specs():
        assert set(spec.hook_events.values()) <= set(_HANDLERS), spec


def test_each_reader_reads_its_specs_agent() -> None:
    read = {adapter.agent: adapter for adapter in adapters()}
    for spec in specs():
        if has_part(spec, "reader"):
            assert read[spec.id].name == spec.name
            assert read[spec.id].hooks == (spec.folder if spec.has_hooks else None)


def test_each_install_setup_is_its_specs() -> None:
    for name in hook_agents():
        spec = spec_of(name)
        assert spec is not None
        setup = part(spec, "install").SETUP
        assert setup.name == spec.folder


def _adapter_problems(module: object) -> list[str]:
    """What in an agent's hooks module does not take the entry's calls (core/agent_parts.py)."""
    if not isinstance(module, HookAdapter):
        return [f"{module!r}: no payload or no answer"]
    calls = {"payload": 2, "answer": 3, "call_of": 3}  # what apply/hooks/entry.py passes
    problems = []
    for name, count in calls.items():
        function = getattr(module, name, None)
        if function is None:
            continue
        try:
            inspect.signature(function).bind(*([None] * count))
        except TypeError:
            problems.append(f"{module!r}.{name} does not take the entry's {count} arguments")
    return problems


def test_each_hook_adapter_takes_the_entrys_calls() -> None:
    served = [spec for spec in specs() if spec.has_hooks and has_part(spec, "hooks")]
    assert len(served) >= 10
    problems = [problem for spec in served for problem in _adapter_problems(hooks_of(spec))]
    assert not problems, "\n".join(problems)
    # the check can fail: a module without answer, and one whose payload takes one argument
    lacking = types.ModuleType("lacking")
    lacking.payload = lambda event, raw: None  # type: ignore[attr-defined]
    short = types.ModuleType("short")
    short.payload = lambda event: None  # type: ignore[attr-defined]
    short.answer = lambda event, output, call: (None, 0)  # type: ignore[attr-defined]
    assert _adapter_problems(lacking) and _adapter_problems(short)


def test_the_harness_pins_are_the_specs() -> None:
    npm = json.loads((ROOT / ".ci" / "agents" / "package.json").read_text(encoding="utf-8"))["dependencies"]
    pypi = dict(
        line.strip().split("==", 1)
        for line in (ROOT / ".ci" / "agents" / "pypi.txt").read_text(encoding="utf-8").splitlines()
        if "==" in line and not line.startswith("#")
    )
    pinned = {**{(name, "npm"): version for name, version in npm.items()}, **{(n, "pypi"): v for n, v in pypi.items()}}
    declared = {(spec.cli.package, spec.cli.registry): spec.cli.version for spec in specs() if spec.cli is not None}
    assert pinned == declared


def test_one_agent_is_the_default_and_the_handlers_read_its_payloads_as_they_are() -> None:
    """The agent meant where nothing says which (AgentSpec.default): one, read (its reader walks a
    folder given to ingest), with hooks and no hook adapter (its payloads are the handlers' own)."""
    default = default_spec()
    assert [spec for spec in specs() if spec.default] == [default]
    assert has_part(default, "reader") and default.has_hooks and not has_part(default, "hooks")
