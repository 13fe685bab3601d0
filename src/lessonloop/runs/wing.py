"""The runs wing's declaration (core/wings.py reads it): `lessonloop run`'s own entry point (read
before any other part of the command line is imported) and the commands `run` (its help) and `runs`.
No imports: every run reads it."""

ENTRY_POINTS = {"run": "lessonloop.runs.command.entry:main"}
COMMANDS = {"lessonloop.runs.cli": ("run", "runs")}
