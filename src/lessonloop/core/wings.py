"""The wings' registry: features that plug into the core the way datasette's own features are
plugins (its DEFAULT_PLUGINS) and llm's register their commands and migrations themselves.

A wing is a package whose `__init__.py` holds `WING`, an instance of its subclass of
core/wing.py's `Wing`: one typed method or attribute per kind of addition (its commands, its
migrations, its steps in an ingest or after an edit, its pages, its parts of cleanup and of
forgetting, its stored texts, its places in the search, ...). The core reads them here and never
imports a wing by name (import-linter: `core-knows-no-wing`); it calls their methods, which
import the wing's code when called. The hooks write the core's tables only
(store/connection.connect_for_writing checks the sequences a writer names).

No imports: `lessonloop run` and the Stop hook's worker load it.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from collections.abc import Callable

    from lessonloop.core.wing import Wing

# The wings lessonloop ships, in the order their steps run and their commands are listed.
DEFAULT_WINGS = ("lessonloop.runs", "lessonloop.history", "lessonloop.dataset", "lessonloop.team")

_loaded: list[Wing] = []


# The wings to load, by their short names ("runs,history"; empty: none); unset: every one. As llm's
# LLM_LOAD_PLUGINS: the core runs the same without any wing (tests/test_wingless.py).
ENV_WINGS = "LESSONLOOP_WINGS"


def wings() -> list[Wing]:
    """Every wing (its package's WING), imported once: those $LESSONLOOP_WINGS names, when it is set."""
    if not _loaded:
        import os

        chosen = os.environ.get(ENV_WINGS)
        names = {part.strip() for part in chosen.split(",") if part.strip()} if chosen is not None else None
        for name in DEFAULT_WINGS:
            if names is None or name.rpartition(".")[2] in names:
                _loaded.append(__import__(name, fromlist=["WING"]).WING)
    return _loaded


def commands() -> dict[str, tuple[str, ...]]:
    """Every wing's command modules (a full module name each) and the commands each adds."""
    found: dict[str, tuple[str, ...]] = {}
    for wing in wings():
        found.update(wing.COMMANDS)
    return found


def latest_migrations() -> list[str]:
    """The name of each wing's last migration."""
    return [wing.LATEST_MIGRATION for wing in wings() if wing.LATEST_MIGRATION]


def entry_point(command: str) -> Callable[[list[str]], int] | None:
    """The function of the wing command `command` that reads its own line, or None."""
    for wing in wings():
        function = wing.entry_point(command)
        if function is not None:
            return function
    return None
