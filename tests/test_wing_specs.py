"""Every shipped wing against the spec, core/wing.py's `Wing` (mypy checks the same statically):
its class adds nothing `Wing` does not name (a misspelt kind would be silently ignored), each
method it overrides takes the core's call, and each method that hands the core a module gives one
with every member the core uses (core/wing_specs.py's Protocols, its commands' modules too), its code
imported for real."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from lessonloop.core import wing_specs
from lessonloop.core.wing import Wing
from lessonloop.core.wings import DEFAULT_WINGS
from lessonloop.report.record_fields import ExportKind
from lessonloop.secrets.redaction import SCOPES

# The methods that hand the core a module (or a list of them), by the Protocol the module follows.
MODULES: dict[str, type] = {
    "web": wing_specs.WebModule,
    "retention": wing_specs.RetentionModule,
    "ingest_modes": wing_specs.IngestMode,
    "session_retention": wing_specs.SessionRetention,
    "forget": wing_specs.ForgetPart,
    "stored_texts": wing_specs.StoredTexts,
    "search_places": wing_specs.SearchPlaces,
}


def _shipped() -> list[Wing]:
    return [__import__(name, fromlist=["WING"]).WING for name in DEFAULT_WINGS]


def _kinds() -> set[str]:
    return {name for name in dir(Wing) if not name.startswith("_")}


def _positional(function: Any) -> int:
    return len([p for p in inspect.signature(function).parameters.values() if p.name != "self"])


def _takes(function: Any, count: int) -> bool:
    try:
        inspect.signature(function).bind(*([None] * count))
    except TypeError:
        return False
    return True


def _protocol_members(protocol: type) -> list[str]:
    return sorted(
        name
        for name, value in vars(protocol).items()
        if (inspect.isfunction(value) or isinstance(value, property))
        and (name == "__file__" or not name.startswith("_"))
    )


def _module_problems(where: str, module: object, protocol: type) -> list[str]:
    missing = [name for name in _protocol_members(protocol) if not hasattr(module, name)]
    if missing:
        return [f"{where}: {module!r} lacks {', '.join(missing)} ({protocol.__name__})"]
    return [
        f"{where}: {name} does not take the core's {_positional(expected)} arguments"
        for name, expected in vars(protocol).items()
        if inspect.isfunction(expected)
        and not name.startswith("_")
        and not _takes(getattr(module, name), _positional(expected))
    ]


def _problems(wing: Wing) -> list[str]:
    """What in `wing` does not follow `Wing`."""
    cls = type(wing)
    where = cls.__name__
    problems = [
        f"{where}.{name}: no such kind of addition (core/wing.py's Wing)"
        for name in vars(cls)
        if not name.startswith("_") and name not in _kinds()
    ]
    for name, value in vars(cls).items():
        base = getattr(Wing, name, None)
        if name.startswith("_"):
            continue
        if (
            inspect.isfunction(value) and inspect.isfunction(base) and not _takes(value, _positional(base) + 1)
        ):  # self too
            problems.append(f"{where}.{name}: does not take the core's {_positional(base)} arguments")
        elif isinstance(base, (dict, tuple, str)) and not isinstance(value, type(base)):
            problems.append(f"{where}.{name}: a {type(value).__name__}, not a {type(base).__name__}")
    if problems:
        return problems
    for module_name in wing.COMMANDS:  # each command module registers its commands
        problems += _module_problems(
            f"{where}.COMMANDS", __import__(module_name, fromlist=["register"]), wing_specs.CommandsModule
        )
    for method, protocol in MODULES.items():
        given = getattr(wing, method)()
        for module in given if isinstance(given, list) else [given]:
            if module is not None:
                problems += _module_problems(f"{where}.{method}()", module, protocol)
    for name in wing.EXPORT_KINDS:
        if not isinstance(wing.export_kind(name), ExportKind):
            problems.append(f"{where}.export_kind({name!r}): not an ExportKind")
    steps = wing.migrations()
    if not all(callable(step) for step in steps) or (steps[-1].__name__ if steps else "") != wing.LATEST_MIGRATION:
        problems.append(f"{where}.migrations(): its last step is not LATEST_MIGRATION")
    texts = wing.stored_texts()
    if texts is not None:
        problems += [
            f"{where}: {column}'s scope {scope!r}" for _t, column, scope in texts.TEXT_COLUMNS if scope not in SCOPES
        ]
    return problems


def test_every_shipped_wing_follows_the_spec() -> None:
    shipped = _shipped()
    assert len(shipped) == len(DEFAULT_WINGS)
    problems = [problem for wing in shipped for problem in _problems(wing)]
    assert not problems, "\n".join(problems)


def test_every_method_that_hands_over_a_module_is_checked() -> None:
    """A new kind whose method returns a core/wing_specs.py Protocol joins MODULES."""
    returning = {
        name
        for name, value in vars(Wing).items()
        if inspect.isfunction(value)
        and any(protocol in str(value.__annotations__.get("return", "")) for protocol in _protocol_names())
    }
    assert returning == set(MODULES)


def _protocol_names() -> list[str]:
    return [
        name
        for name, value in vars(wing_specs).items()
        if isinstance(value, type) and value.__module__ == wing_specs.__name__
    ]


class _Misspelt(Wing):
    __slots__ = ()
    TIMELINES = ("x",)  # not a kind: the core would never read it


class _WrongCall(Wing):
    __slots__ = ()

    def timeline(self, conn: Any) -> dict[str, list[Any]]:  # type: ignore[override]  # the core passes two
        return {}


class _NotAForgetPart(Wing):
    __slots__ = ()

    def forget(self) -> Any:
        import os

        return os


class _WrongShape(Wing):
    __slots__ = ()
    PROJECTS = "runs"  # type: ignore[assignment]  # a string, not a tuple of tables


class _NoCommandModule(Wing):
    __slots__ = ()
    COMMANDS = {"lessonloop.core.wing": ("nothing",)}  # noqa: RUF012  # a module without register(commands)


@pytest.mark.parametrize("broken", [_Misspelt, _WrongCall, _NotAForgetPart, _WrongShape, _NoCommandModule])
def test_the_check_catches_what_breaks_the_spec(broken: type[Wing]) -> None:
    """A check that cannot fail proves nothing: each way of breaking the spec is named."""
    assert _problems(broken())
    assert not _problems(Wing())
