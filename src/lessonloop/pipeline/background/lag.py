"""How far the store's findings and lessons trail its captured sessions: whether the analysis has
sessions to check and whether learning has history it has not learned, read from the marks each
keeps (no analyzer or learner is loaded)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Lag:
    """What trails: the texts of files stored without them (pipeline/texts_later.py), the
    analysis (`sessions` changed since its last check; None when it cannot tell how many),
    learning, and when learning last ran (None: never)."""

    analysis: bool = False
    learning: bool = False
    sessions: int | None = 0
    learned_at: str | None = None
    texts: int = 0  # files whose texts are not stored yet

    @property
    def behind(self) -> bool:
        return self.analysis or self.learning or self.texts > 0

    def text(self) -> str:
        """In words, for a note: "" when nothing trails."""
        if not self.behind:
            return ""
        parts: list[str] = []
        if self.texts:
            parts.append(f"the texts of {self.texts:,} file{'' if self.texts == 1 else 's'} not stored yet")
        if self.analysis:
            many = f"{self.sessions:,} session{'' if self.sessions == 1 else 's'}" if self.sessions else "sessions"
            parts.append(f"{many} not analyzed yet")
        if self.learning:
            parts.append("history not learned yet" + (f" (last learned {self.learned_at})" if self.learned_at else ""))
        return "; ".join(parts)

    def to_json(self) -> dict[str, object]:
        return {
            "behind": self.behind,
            "files_without_texts": self.texts,
            "analysis_behind": self.analysis,
            "sessions_to_analyze": self.sessions if self.analysis else 0,
            "learning_behind": self.learning,
            "learned_at": self.learned_at,
        }


def lag_of(conn: sqlite3.Connection, *, learn: bool = True) -> Lag:
    """The store's lag (see the module's docstring). `learn`: whether learning counts (an ingest
    with --no-learn leaves it behind on purpose)."""
    import os

    from lessonloop.pipeline.analysis_check import mark_parts, marks_digest, sessions_to_check
    from lessonloop.pipeline.texts_later import texts_pending
    from lessonloop.store.analysis import state as analysis_state

    parts = mark_parts(conn, os.path.expanduser("~"), [])
    analysis = analysis_state.checked_marks(conn) != marks_digest(parts)
    sessions: int | None = 0
    if analysis:
        moved = sessions_to_check(conn, analysis_state.checked_parts(conn), parts)
        sessions = len(moved) if moved is not None else None
    learning = False
    learned_at = None
    if learn:
        from lessonloop.learning.runs.run import learning_is_current
        from lessonloop.learning.store.state import last_learned_at

        learning = not learning_is_current(conn)
        learned_at = last_learned_at(conn)
    return Lag(analysis, learning, sessions, learned_at, texts_pending(conn))


def work_left(conn: sqlite3.Connection, db: str) -> str | None:
    """What trails, in words, and who brings it up to date (the store's worker at it, or
    `ingest --wait`), for the notes and empty pages that say so; None when nothing trails."""
    lag = lag_of(conn)
    if not lag.behind:
        return None
    from lessonloop.pipeline.background.worker import is_running

    doing = "the store's worker is at it" if is_running(db) else "`lessonloop ingest --wait` does it now"
    return f"{lag.text()}; {doing}"
