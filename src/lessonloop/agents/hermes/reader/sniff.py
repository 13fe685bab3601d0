"""How capture/sniffer.py recognizes Hermes Agent's file: a SQLite database named `state.db`
(Hermes names it so in every home and profile). Whatever it holds: the reader says what it is when
it has no Hermes tables (sessions, messages)."""

from __future__ import annotations

from lessonloop.capture.sniffing import NameRule, Sniffing


def _database(name: str) -> str | None:
    return "hermes-db" if name == "state.db" else None


SNIFFING = Sniffing(names=(NameRule(190, _database),))
