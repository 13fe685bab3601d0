"""How capture/sniffer.py recognizes Goose's file: a SQLite database named `sessions.db` (Goose names
it so in every data folder). Whatever it holds: the reader says what it is when it has no Goose
tables (sessions, messages)."""

from __future__ import annotations

from lessonloop.capture.sniffing import NameRule, Sniffing


def _database(name: str) -> str | None:
    return "goose-db" if name == "sessions.db" else None


SNIFFING = Sniffing(names=(NameRule(220, _database),))
