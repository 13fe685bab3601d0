"""The precision cap holds wherever a lesson is ranked or shown with its confidence now (issue
15): learning stores a lesson's confidence capped by the precision of its warnings, and the live
value recall, the MCP tools, the SessionStart hook and `lessons show` use
(lesson_model/confidence.live_confidence) is no higher; a person's judgement does not lift it. Two lessons alike in everything but their warnings, stored through the learning writer
in a real store: the one whose warnings were mostly false alarms ranks below. It is stored first
(the lower id), so without the cap the tie would put it first."""

from __future__ import annotations

import re
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from lessonloop.apply import mcp_tools
from lessonloop.apply.recall import recall
from lessonloop.core.timestamps import utc_now
from lessonloop.lesson_model import confidence as conf
from lessonloop.lesson_model.lesson import Lesson
from lessonloop.store import open_store
from lessonloop.store.lessons.reader import lesson_detail
from lessonloop.store.lessons.writer import save_learned
from tests.conftest import cli
from tests.hook_helpers import HookSession, hook_env

SESSIONS = 6  # every one failing: Wilson lower bound 0.69
RIGHT, FALSE_ALARMS = 1, 2  # precision cap 0.35: still tier active, so both are given
PROJECTS = {"/home/dev/app", "/home/dev/other"}  # failed in two projects: global, given in any project


def lesson(key: str, title: str, now: str, *, false_alarms: int) -> Lesson:
    made = Lesson(
        signature=f"cap:{key}",
        kind="usage",
        title=title,
        body="The lockfile is out of date with package.json.",
        trigger=None,
        error_signature=None,
        prevention="Run `yarn install` before `yarn build`.",
        category="yarn",
        base_severity="medium",
        session_failed={f"{key}-s{i}": True for i in range(SESSIONS)},
        observations=SESSIONS,
        first_seen=now,
        last_seen=now,
        projects=set(PROJECTS),
    )
    made.warnings = RIGHT + false_alarms if false_alarms else 0
    made.warned_right = RIGHT if false_alarms else 0
    made.false_alarms = false_alarms
    made.recount()
    return made


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[tuple[Path, sqlite3.Connection, int, int]]:
    """The noisy lesson (false alarms) and the clean one, stored as learning stores them."""
    now = utc_now()
    db = tmp_path / "store" / "lessonloop.db"
    conn = open_store(db)
    noisy = lesson("noisy", "Stale lockfile breaks the yarn build", now, false_alarms=FALSE_ALARMS)
    clean = lesson("clean", "Stale lockfile breaks the yarn bundle", now, false_alarms=0)
    save_learned(conn, [noisy, clean], {}, now)
    ids = dict(conn.execute("SELECT signature, id FROM lessons").fetchall())
    try:
        yield db, conn, ids["cap:noisy"], ids["cap:clean"]
    finally:
        conn.close()


def test_the_stored_confidences_differ_by_the_cap_only(store: tuple[Path, sqlite3.Connection, int, int]) -> None:
    _db, conn, noisy, clean = store
    stored = dict(conn.execute("SELECT id, confidence FROM lessons").fetchall())
    assert stored[clean] == pytest.approx(conf.wilson_lower_bound(SESSIONS, SESSIONS), abs=1e-6)
    assert stored[noisy] == pytest.approx(conf.precision_bound(RIGHT, FALSE_ALARMS), abs=1e-6)
    assert conf.ACTIVE_AT <= stored[noisy] < stored[clean]
    rows = conn.execute("SELECT sessions, failed_sessions, last_seen, severity, tier FROM lessons").fetchall()
    assert rows[0] == rows[1]  # the same counts, dates, severity and tier


def test_recall_ranks_the_lesson_with_false_alarms_below(store: tuple[Path, sqlite3.Connection, int, int]) -> None:
    _db, conn, noisy, clean = store
    found = recall(conn, "stale lockfile yarn", explain=True)
    assert [r.id for r in found] == [clean, noisy]
    assert found[0].factors is not None and found[1].factors is not None
    assert found[1].factors.relevance == pytest.approx(found[0].factors.relevance, rel=0.05)
    assert found[1].confidence == pytest.approx(conf.precision_bound(RIGHT, FALSE_ALARMS), abs=1e-4)
    assert found[0].confidence == pytest.approx(conf.wilson_lower_bound(SESSIONS, SESSIONS), abs=1e-4)


def test_session_start_gives_the_lesson_with_false_alarms_after(
    store: tuple[Path, sqlite3.Connection, int, int], tmp_path: Path
) -> None:
    db, _conn, _noisy, _clean = store
    repo = tmp_path / "project"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    started = HookSession(repo, hook_env(db)).start()
    assert started.returncode == 0, started.stderr
    titles = re.findall(r"Stale lockfile breaks the yarn \w+", started.context)
    assert titles == ["Stale lockfile breaks the yarn bundle", "Stale lockfile breaks the yarn build"], started.context


def test_lessons_show_gives_the_capped_value(store: tuple[Path, sqlite3.Connection, int, int]) -> None:
    db, conn, noisy, clean = store
    capped = lesson_detail(conn, noisy).confidence
    assert capped.capped and capped.value == pytest.approx(capped.stored)
    assert capped.wilson * capped.decay > capped.value
    assert not lesson_detail(conn, clean).confidence.capped
    shown = cli("lessons", "show", str(noisy), "--db", db)
    assert shown.exit_code == 0, shown.stderr
    assert f"capped at the stored {capped.stored:.3f}" in shown.output
    assert cli("lessons", "show", str(noisy), "--db", db, "--json").json()["confidence"]["capped"] is True


@pytest.mark.parametrize("helpful", [True, False])
def test_a_judgement_does_not_lift_the_cap(store: tuple[Path, sqlite3.Connection, int, int], helpful: bool) -> None:
    """Feedback recomputes the confidence from the counts (MCP lesson_feedback), and learning applies
    it again on every run (save_learned): neither lifts the precision cap."""
    _db, conn, noisy, _clean = store
    cap = conf.precision_bound(RIGHT, FALSE_ALARMS)
    out = mcp_tools.lesson_feedback(conn, noisy, helpful)
    assert out["confidence"] <= round(cap, 4)
    now = utc_now()
    save_learned(
        conn, [lesson("noisy", "Stale lockfile breaks the yarn build", now, false_alarms=FALSE_ALARMS)], {}, now
    )
    stored = conn.execute("SELECT confidence, sessions FROM lessons WHERE id = ?", (noisy,)).fetchone()
    assert stored[1] == SESSIONS + (0 if helpful else 1)  # the judgement applied again
    assert stored[0] <= cap + 1e-6
