"""The runs wing: `lessonloop run`, the early-exit command runner's command, and what it records
(`lessonloop runs`: list, show, suggest, patterns, cleanup; README.md).

What it registers, declared here at the package's door (core/wings.py reads these names; no
imports: every run reads them): `lessonloop run`'s own entry point (read before any other part of
the command line is imported), its commands, its migration sequence, its step in an ingest, its
pages, dashboard panel, feedback, part of cleanup and of forgetting a project, and its table whose
projects count among the stored ones, its telemetry per command for a team to share, and its
stored texts for the redaction pass."""

ENTRY_POINTS = {"run": "lessonloop.runs.command.entry:main"}
COMMANDS = {"lessonloop.runs.cli": ("run", "runs")}
MIGRATIONS = "lessonloop.runs.store.migrations"
LATEST_MIGRATION = "m012_runs"
BEFORE_ANALYSIS = ("lessonloop.runs.findings:before_analysis",)
WEB = "lessonloop.runs.web"
DASHBOARD = {"runs": "lessonloop.runs.dashboard_queries:runs_panel"}
FEEDBACK = {"run": "lessonloop.runs.handlers.feedback:run_feedback"}
RETENTION = "lessonloop.runs.cleanup_part"
FORGET = "lessonloop.runs.store.forget"
EXPORT_KINDS = {"runs": "lessonloop.runs.export:KIND"}
PROJECTS = ("runs",)
COMMAND_SUMMARIES = "lessonloop.runs.store.reader:command_summaries"
STORED_TEXTS = "lessonloop.runs.store.texts"
