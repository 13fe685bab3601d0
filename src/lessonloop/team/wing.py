"""The team wing's declaration (core/wings.py reads it): its command, its migration sequence and
its step after an ingest. No imports: the hooks read it to find an up-to-date store."""

COMMANDS = {"lessonloop.team.cli": ("team",)}
MIGRATIONS = "lessonloop.team.store.migrations"
LATEST_MIGRATION = "m034_team_url_password"
AFTER_INGEST = ("lessonloop.team.background:after_ingest",)
