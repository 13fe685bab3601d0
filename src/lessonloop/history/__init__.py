"""The history wing: git history read into the store (`lessonloop ingest --git`, `git ...`), the
commits tied to the sessions that made them, and file prediction (`files predict|evaluate`);
README.md.

What it registers, declared here at the package's door (core/wings.py reads these names; no
imports): its commands, its way to ingest (`ingest --git`), its migration sequence, its step
before analysis in an ingest (the links), the commits as a kind of dataset export, a session
timeline's commits, the sessions whose changes later commits undid, the repositories' folders a
project value may name, its part of forgetting a project, its part of cleanup (the old
commits, and the old sessions its file models need), its step after an agent's edit (the
co-change reminder), its stored texts for the redaction pass, and its commits as places of the
session search (their session and time, and a commit's place in `show --at`)."""

COMMANDS = {"lessonloop.history.cli": ("git",), "lessonloop.history.files_cli": ("files",)}
INGEST_MODES = ("lessonloop.history.ingest_mode",)
MIGRATIONS = "lessonloop.history.store.migrations"
LATEST_MIGRATION = "m052_commit_search"
BEFORE_ANALYSIS = ("lessonloop.history.linking:before_analysis",)
EXPORT_KINDS = {"commits": "lessonloop.history.export:KIND"}
TIMELINE = {"commits": "lessonloop.history.store.link_reader:timeline_commits"}
UNDONE_SESSIONS = ("lessonloop.history.store.link_reader:rolled_back_sessions",)
PROJECT_FOLDERS = "lessonloop.history.store.file_models:repository_roots"
FORGET = "lessonloop.history.store.forget"
AFTER_EDIT = ("lessonloop.history.cochange_reminder:cochange_reminder",)
SESSION_RETENTION = "lessonloop.history.session_retention"
STORED_TEXTS = "lessonloop.history.store.texts"
SEARCH_PLACES = "lessonloop.history.store.search_places"
