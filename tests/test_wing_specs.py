"""Every declaration of every wing against its spec (core/wing_specs.py): a kind the spec knows, a
value of its shape, and code whose parameters take the call the core makes (functions) or that
has every member the core uses (modules); every kind the core reads is specified and described
in core/wings.py."""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import pytest

from lessonloop.core import wings
from lessonloop.core.wing_specs import SPECS, Spec
from lessonloop.report.record_fields import ExportKind

SRC = Path(__file__).resolve().parent.parent / "src" / "lessonloop"


def _declarations() -> list[tuple[str, str, Any]]:
    found = []
    for name in wings.DEFAULT_WINGS:
        wing = __import__(name, fromlist=["_"])
        for attribute in sorted(vars(wing)):
            if attribute.isupper() and not attribute.startswith("_"):
                found.append((name, attribute, getattr(wing, attribute)))
    return found


def _positional(protocol_method: Any) -> int:
    """How many arguments the core passes: the Protocol method's parameters but `self`."""
    parameters = list(inspect.signature(protocol_method).parameters.values())
    return len([p for p in parameters if p.name != "self"])


def _takes(function: Any, count: int) -> bool:
    try:
        inspect.signature(function).bind(*([None] * count))
    except TypeError:
        return False
    return True


def _check_function(where: str, target: object, spec: Spec) -> list[str]:
    if not isinstance(target, str) or ":" not in target:
        return [f"{where}: {target!r} is not a 'module:function'"]
    function = wings.resolve(target)
    assert spec.protocol is not None
    count = _positional(spec.protocol.__call__)
    if not callable(function) or not _takes(function, count):
        return [f"{where}: {target} does not take the core's {count} arguments ({spec.protocol.__name__})"]
    return []


def _check_module(where: str, target: object, spec: Spec) -> list[str]:
    if not isinstance(target, str) or ":" in target:
        return [f"{where}: {target!r} is not a module's name"]
    module = wings.resolve(target)
    protocol = spec.protocol
    assert protocol is not None
    if not isinstance(module, protocol):
        missing = [name for name in _members(protocol) if not hasattr(module, name)]
        return [f"{where}: {target} lacks {', '.join(missing)} ({protocol.__name__})"]
    problems = []
    for name in _members(protocol):
        expected = getattr(protocol, name, None)
        if inspect.isfunction(expected) and not _takes(getattr(module, name), _positional(expected)):
            problems.append(f"{where}: {target}.{name} does not take the core's {_positional(expected)} arguments")
    return problems


def _members(protocol: type) -> list[str]:
    names = set(getattr(protocol, "__annotations__", {}))
    names |= {name for name, value in vars(protocol).items() if inspect.isfunction(value) and not name.startswith("_")}
    return sorted(names)


def _problems(wing: str, attribute: str, value: Any) -> list[str]:
    where = f"{wing}.{attribute}"
    spec = SPECS.get(attribute)
    if spec is None:
        return [f"{where}: no such kind of declaration (core/wing_specs.py SPECS)"]
    shape = spec.shape
    if shape == "text":
        return [] if isinstance(value, str) and value else [f"{where}: not a string"]
    if shape == "texts":
        return [] if isinstance(value, tuple) and all(isinstance(v, str) for v in value) else [f"{where}: not texts"]
    if shape == "function":
        return _check_function(where, value, spec)
    if shape == "functions":
        if not isinstance(value, tuple):
            return [f"{where}: not a tuple"]
        return [p for target in value for p in _check_function(where, target, spec)]
    if shape == "function_map":
        if not isinstance(value, dict):
            return [f"{where}: not a dict"]
        return [p for key, target in value.items() for p in _check_function(f"{where}[{key}]", target, spec)]
    if shape == "module":
        return _check_module(where, value, spec)
    if shape == "modules":
        if not isinstance(value, tuple):
            return [f"{where}: not a tuple"]
        return [p for target in value for p in _check_module(where, target, spec)]
    if shape == "module_map":
        if not isinstance(value, dict):
            return [f"{where}: not a dict"]
        problems = [p for target in value for p in _check_module(where, target, spec)]
        problems += [f"{where}[{k}]: not a tuple of commands" for k, v in value.items() if not isinstance(v, tuple)]
        return problems
    if shape == "object_map":
        if not isinstance(value, dict):
            return [f"{where}: not a dict"]
        return [
            f"{where}[{key}]: {target} is not an ExportKind"
            for key, target in value.items()
            if not isinstance(wings.resolve(str(target)), ExportKind)
        ]
    return [f"{where}: unknown shape {shape}"]


def test_every_declaration_of_every_wing_follows_its_spec() -> None:
    declarations = _declarations()
    assert len(declarations) >= 20
    problems = [p for wing, attribute, value in declarations for p in _problems(wing, attribute, value)]
    assert not problems, "\n".join(problems)


def test_every_kind_is_described_and_every_kind_the_core_reads_is_specified() -> None:
    described = wings.__doc__ or ""
    assert not [kind for kind in SPECS if not re.search(rf"\b{kind}\b", described)]
    read = set()
    for path in SRC.rglob("*.py"):
        read |= set(re.findall(r"\b(?:declared|modules|steps)\(\"([A-Z_]+)\"\)", path.read_text(encoding="utf-8")))
    assert read - set(SPECS) == set(), "read by the core but not specified"


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_the_spec_catches_what_breaks_it(kind: str) -> None:
    """A check that cannot fail proves nothing: each kind refuses a value of the wrong shape."""
    wrong = 42
    assert _problems("a.wing", kind, wrong)


def test_code_that_cannot_take_the_cores_call_is_refused() -> None:
    assert _problems("a.wing", "TIMELINE", {"x": "os:getcwd"})  # takes no arguments, the core passes two
    assert _problems("a.wing", "FORGET", "os")  # a module without the members forgetting uses
    assert _problems("a.wing", "SEARCH_PLACES", "lessonloop.history.store.texts")
    assert _problems("a.wing", "NOT_A_KIND", ())
    assert not _problems("a.wing", "TIMELINE", {"x": "lessonloop.history.store.link_reader:timeline_commits"})
