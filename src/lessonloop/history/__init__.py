"""The history wing: git history read into the store (`lessonloop ingest --git`, `git ...`), the
commits tied to the sessions that made them, and file prediction (`files predict|evaluate`);
README.md.

What it adds to the core, at the package's door (`WING`, a core/wing.py `Wing`; each method
imports its code when called): its commands, its way to ingest (`ingest --git`), its migration
sequence, its step before analysis in an ingest (the links), the commits as a kind of dataset
export, a session timeline's commits, the sessions whose changes later commits undid, the
repositories' folders a project value may name, its part of forgetting a project, its part of
cleanup (the old commits, and the old sessions its file models need), its step after an agent's
edit (the co-change reminder), its stored texts for the redaction pass, and its commits as
places of the session search (their session and time, and a commit's place in `show --at`)."""

from __future__ import annotations

from lessonloop.core.wing import Wing

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable
    from typing import Any, ClassVar

    from lessonloop.core.wing_specs import ForgetPart, IngestMode, SearchPlaces, SessionRetention, StoredTexts


class History(Wing):
    __slots__ = ()

    COMMANDS: ClassVar[dict[str, tuple[str, ...]]] = {
        "lessonloop.history.cli": ("git",),
        "lessonloop.history.files_cli": ("files",),
    }
    LATEST_MIGRATION = "m052_commit_search"
    EXPORT_KINDS = ("commits",)
    TIMELINE = ("commits",)

    def migrations(self) -> list[Callable[[sqlite3.Connection], None]]:
        from lessonloop.history.store.migrations import MIGRATIONS

        return MIGRATIONS

    def ingest_modes(self) -> list[IngestMode]:
        from lessonloop.history import ingest_mode

        return [ingest_mode]

    def ready_for_hooks(self) -> None:
        import lessonloop.history.cochange_reminder  # noqa: F401

    def after_edit(
        self, conn: sqlite3.Connection, session_id: str, target: str, cwd: str | None
    ) -> tuple[str, dict[str, object]] | None:
        from lessonloop.history.cochange_reminder import cochange_reminder

        return cochange_reminder(conn, session_id, target, cwd)

    def before_analysis(self, conn: sqlite3.Connection, request: Any, report: Any) -> None:
        from lessonloop.history.linking import before_analysis

        before_analysis(conn, request, report)

    def export_kind(self, name: str) -> Any:
        from lessonloop.history.export import KIND

        return KIND

    def timeline(self, conn: sqlite3.Connection, session_id: str) -> dict[str, list[Any]]:
        from lessonloop.history.store.link_reader import timeline_commits

        return {"commits": timeline_commits(conn, session_id)}

    def undone_sessions(self, conn: sqlite3.Connection) -> dict[str, int]:
        from lessonloop.history.store.link_reader import rolled_back_sessions

        return rolled_back_sessions(conn)

    def project_folders(self, conn: sqlite3.Connection) -> list[str]:
        from lessonloop.history.store.file_models import repository_roots

        return repository_roots(conn)

    def forget(self) -> ForgetPart:
        from lessonloop.history.store import forget

        return forget

    def session_retention(self) -> SessionRetention:
        from lessonloop.history import session_retention

        return session_retention

    def stored_texts(self) -> StoredTexts:
        from lessonloop.history.store import texts

        return texts

    def search_places(self) -> SearchPlaces:
        from lessonloop.history.store import search_places

        return search_places


WING = History()
