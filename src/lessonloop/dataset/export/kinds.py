"""Every kind of records `lessonloop dataset export` writes: the dataset's own (records, chats,
sessions, lessons) and the wings' (core/wing.py's EXPORT_KINDS: the runs', the commits'), each an
ExportKind (report/record_fields.py), listed in one order."""

from __future__ import annotations

from lessonloop.core.wings import wings
from lessonloop.dataset.export.fields import KINDS
from lessonloop.dataset.export.lessons import lesson_rows
from lessonloop.dataset.export.records import training_records
from lessonloop.dataset.export.sessions import session_rows
from lessonloop.dataset.export.wing_kinds import wing_kinds
from lessonloop.report.chats import chat_rows
from lessonloop.report.record_fields import ExportKind

# How --kind and the messages list them; a kind not named here comes after, by name.
ORDER = ("records", "chats", "commits", "sessions", "lessons", "runs")

DESCRIPTIONS = {
    "records": (
        "Training records in the format of lessonloop's origin design: `type`, `timestamp`, `input` (a typed "
        "prompt), `output` (the agent's reply), `context` (the files the turn read or changed, the tools it "
        "used), with the project, the rating given (the chat's, else its session's) and a weight from it."
    ),
    "chats": (
        "One row per typed prompt of a coding agent's session and the turn it started: the prompt, the "
        "agent's reply, the files referenced and modified, the tools used, tokens, and the feedback given."
    ),
    "sessions": (
        "One row per coding-agent session: agent, model, project, times, counts, tokens, how it ended "
        "(errors left unresolved, tests failing at the end, corrections, reverted changes), its tool errors "
        "by class, and the feedback given."
    ),
    "lessons": "The lessons lessonloop learned from coding agents' mistakes: texts, trigger, counts, confidence.",
}
_RATED = frozenset({"records", "chats", "sessions"})  # of the dataset's own kinds


def _ordered(names: list[str]) -> list[str]:
    return sorted(names, key=lambda name: (ORDER.index(name) if name in ORDER else len(ORDER), name))


def kind_names() -> list[str]:
    """Every kind's name, in the listing's order (the wings' by their declarations: nothing imported)."""
    return _ordered([*DESCRIPTIONS, *(name for wing in wings() for name in wing.EXPORT_KINDS)])


def all_kinds() -> dict[str, ExportKind]:
    """Every kind by name, in the listing's order."""
    readers = {"records": training_records, "chats": chat_rows, "sessions": session_rows, "lessons": lesson_rows}
    own = {
        name: ExportKind(KINDS[name], readers[name], DESCRIPTIONS[name], rated=name in _RATED) for name in DESCRIPTIONS
    }
    found = {**own, **wing_kinds()}
    return {name: found[name] for name in _ordered(list(found))}
