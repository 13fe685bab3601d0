"""The history wing: git history read into the store (`lessonloop ingest --git`, `git ...`), the
commits tied to the sessions that made them, and file prediction (`files predict|evaluate`);
README.md.

What it registers, declared here at the package's door (core/wings.py reads these names; no
imports): its commands, its way to ingest (`ingest --git`), its migration sequence and its step
before analysis in an ingest (the links)."""

COMMANDS = {"lessonloop.history.cli": ("git",), "lessonloop.history.files_cli": ("files",)}
INGEST_MODES = ("lessonloop.history.ingest_mode",)
MIGRATIONS = "lessonloop.history.store.migrations"
LATEST_MIGRATION = "m022_git_links"
BEFORE_ANALYSIS = ("lessonloop.history.linking:before_analysis",)
EXPORT_KINDS = {"commits": "lessonloop.history.export:KIND"}
