"""The runs wing: `lessonloop run`, the early-exit command runner's command, and what it records
(`lessonloop runs`: list, show, suggest, patterns, cleanup; README.md).

What it adds to the core, at the package's door (`WING`, a core/wing.py `Wing`; each method
imports its code when called: every run reads this module): `lessonloop run`'s own entry point
(read before any other part of the command line is imported), its commands, its migration
sequence, its step in an ingest, its pages, dashboard panel, feedback, part of cleanup and of
forgetting a project, and its table whose projects count among the stored ones, its telemetry
per command for a team to share, and its stored texts for the redaction pass."""

from __future__ import annotations

from lessonloop.core.wing import Wing

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    import argparse
    import sqlite3
    from collections.abc import Callable
    from typing import Any, ClassVar

    from lessonloop.core.wing_specs import ForgetPart, RetentionModule, StoredTexts, WebModule


class Runs(Wing):
    __slots__ = ()

    COMMANDS: ClassVar[dict[str, tuple[str, ...]]] = {"lessonloop.runs.cli": ("run", "runs")}
    LATEST_MIGRATION = "m012_runs"
    PROJECTS = ("runs",)
    EXPORT_KINDS = ("runs",)
    FEEDBACK_KINDS = ("run",)

    def entry_point(self, command: str) -> Callable[[list[str]], int] | None:
        if command != "run":
            return None
        from lessonloop.runs.command.entry import main

        return main

    def migrations(self) -> list[Callable[[sqlite3.Connection], None]]:
        from lessonloop.runs.store.migrations import MIGRATIONS

        return MIGRATIONS

    def before_analysis(self, conn: sqlite3.Connection, request: Any, report: Any) -> set[str]:
        from lessonloop.runs.findings import before_analysis

        return before_analysis(conn, request, report)

    def web(self) -> WebModule:
        from lessonloop.runs import web

        return web

    def dashboard(self, conn: sqlite3.Connection, project: str | None, agent: str | None) -> dict[str, Any]:
        from lessonloop.runs.dashboard_queries import runs_panel

        return {"runs": runs_panel(conn, project, agent)}

    def feedback(self, kind: str, args: argparse.Namespace) -> int:
        from lessonloop.runs.handlers.feedback import run_feedback

        return run_feedback(args)

    def retention(self) -> RetentionModule:
        from lessonloop.runs import cleanup_part

        return cleanup_part

    def forget(self) -> ForgetPart:
        from lessonloop.runs.store import forget

        return forget

    def export_kind(self, name: str) -> Any:
        from lessonloop.runs.export import KIND

        return KIND

    def command_summaries(self, conn: sqlite3.Connection) -> list[dict[str, Any]]:
        from lessonloop.runs.store.reader import command_summaries

        return command_summaries(conn)

    def stored_texts(self) -> StoredTexts:
        from lessonloop.runs.store import texts

        return texts


WING = Runs()
