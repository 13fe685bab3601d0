"""The name of the store's latest migration (store/migrations.py), apart from the migrations: a
short-lived writer (a hook, `lessonloop run`) finds an up-to-date store by it without importing the
1,700 lines of every migration (store/connection.connect_for_writing). tests/store/test_migrations_latest.py
holds it equal to the last migration's name."""

LATEST_MIGRATION = "m057_token_usage_time"
