"""An edit whose old text was copied from a read in the wrong encoding (issue 83: the same patch
context line failing again and again): its characters are garbled (`â€œ` for `“`), the file holds
the real ones, and the edit fails however often it is sent. The cause is the text's form: learned
at once, said before every edit of that tool whose old text holds such characters, on any file
that does not hold them itself (the file on disk, in the hooks); never on text that is not
garbled, in any language."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from lessonloop.learning.engine.engine import Learner
from lessonloop.learning.engine.general_lessons import GARBLED_REMEDY
from lessonloop.lesson_model.triggers import GARBLED, OLD_TEXT
from tests.conftest import SHARED_CORPUS
from tests.hook_helpers import HookSession, hook_env
from tests.learning_helpers import Script, ScriptedSession, play, replay_cli

NOT_FOUND = "<tool_use_error>String to replace not found in file.\nString: {old}</tool_use_error>"
REAL = "# Status: “Join the Lab” • ready ✅\n"


def _as_ansi(text: str) -> str:
    """`text` as a read in Windows-1252 shows its UTF-8 bytes (Windows PowerShell's Get-Content
    without -Encoding utf8; the five bytes the code page leaves undefined as Latin-1 shows them)."""

    def shown(byte: int) -> str:
        try:
            return bytes([byte]).decode("cp1252")
        except UnicodeDecodeError:
            return chr(byte)

    return "".join(shown(byte) for byte in text.encode("utf-8"))


GARBLED_OLD = _as_ansi(REAL).rstrip("\n")
# a real session of Codex CLI on Windows whose patches copied context lines from such reads
ROLLOUT = (
    SHARED_CORPUS
    / "codex"
    / "zo-qore"
    / "sessions/2026/01/29/rollout-2026-01-29T16-45-41-019c0bb8-1e35-7ed0-b3aa-f3be7bc08b7c.jsonl"
)


def _edit(s: ScriptedSession, path: str, old: str, error: bool = False) -> object:
    full = s.path(path)
    return s.call(
        "Edit",
        target_path=full,
        tool_input={"file_path": full, "old_string": old, "new_string": "# Status: done"},
        error=NOT_FOUND.format(old=old) if error else None,
        error_class="INCORRECT_PARAMETER" if error else None,
    )


def _fired(learner: Learner, event: object) -> list[str]:
    decision = play(learner, event)  # type: ignore[arg-type]
    return [f.lesson.title for f in decision.fired]


def test_the_cause_is_the_garbled_text_and_it_is_said_before_the_next_such_edit() -> None:
    learner = Learner()
    s = Script().session("s1", cwd="/w/app")
    play(learner, _edit(s, "README.md", GARBLED_OLD, error=True))  # type: ignore[arg-type]
    (lesson,) = learner.lessons.values()
    assert lesson.trigger is not None and (lesson.trigger.param, lesson.trigger.rule) == (OLD_TEXT, GARBLED)
    assert lesson.prevention == GARBLED_REMEDY and lesson.machine_wide and "wrong encoding" in lesson.title
    assert "Get-Content -Encoding utf8" in GARBLED_REMEDY
    # another file, the same garbled text: said at once (a rule the old text breaks)
    assert any("wrong encoding" in title for title in _fired(learner, _edit(s, "docs/plan.md", GARBLED_OLD)))
    # the real characters, other languages, plain text: nothing
    for old in (REAL.rstrip("\n"), "# Größe: São Paulo, naïve café", "# plain text"):
        assert not _fired(learner, _edit(s, "README.md", old)), old
    # a file once written garbled: the first edit that finds the text there is a false alarm (replay
    # has no disk of the past), after which the session knows the file holds it
    assert _fired(learner, _edit(s, "OLD.md", GARBLED_OLD))
    assert not _fired(learner, _edit(s, "OLD.md", GARBLED_OLD))


def test_an_edit_that_failed_for_another_reason_teaches_no_such_lesson() -> None:
    learner = Learner()
    s = Script().session("s1", cwd="/w/app")
    play(learner, _edit(s, "README.md", "# Status: “Join the Lab”", error=True))  # type: ignore[arg-type]
    assert not any(lesson.trigger and lesson.trigger.rule == GARBLED for lesson in learner.lessons.values())


@pytest.mark.corpus
def test_a_real_codex_session_is_warned_before_its_garbled_patches(tmp_path: Path) -> None:
    if not ROLLOUT.exists():
        pytest.skip("../shared is absent")
    folder = tmp_path / "sessions"
    folder.mkdir()
    shutil.copy(ROLLOUT, folder / ROLLOUT.name)
    done = replay_cli(tmp_path, "--online", "--explain", "--json", str(folder))
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    patches = [f for f in data["failures"] if (f["signature"] or "").startswith("edit|apply_patch")]
    garbled = [f for f in patches if any("wrong encoding" in (r["remedy"] or "") for r in f["remedies"])]
    # the first garbled patch teaches; the two sent after it are stopped with its remedy; the
    # session's patches that failed for other reasons are not said to be garbled
    assert [(f["warned"], f["stopped"]) for f in garbled] == [(True, True), (True, True)], patches
    assert len(patches) > len(garbled) + 1
    assert data["false_alarms"] == 0


def test_the_hooks_learn_it_at_once_and_stay_silent_where_the_file_holds_the_garbled_text(
    repo: Path, tmp_path: Path
) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    (repo / "README.md").write_text(REAL, encoding="utf-8")
    (repo / "PLAN.md").write_text(REAL, encoding="utf-8")
    (repo / "OLD.md").write_text(GARBLED_OLD + "\n", encoding="utf-8")  # a file written garbled long ago
    session = HookSession(repo, hook_env(db))
    session.start()
    session.edit(repo / "README.md", GARBLED_OLD, "x", error=NOT_FOUND.format(old=GARBLED_OLD))
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT prevention, trigger FROM lessons").fetchall()
    assert [json.loads(trigger)["rule"] for prevention, trigger in rows if prevention == GARBLED_REMEDY] == [GARBLED]
    pre = session.edit(repo / "PLAN.md", GARBLED_OLD, "x")
    assert "wrong encoding" in json.dumps(pre.output)  # said before the edit (a stop or a note)
    assert session.edit(repo / "OLD.md", GARBLED_OLD, "x").output is None  # the file holds it: the edit finds it
    assert session.edit(repo / "PLAN.md", REAL.rstrip("\n"), "x").output is None
    assert not (db.parent / "hook-failures.log").exists()
