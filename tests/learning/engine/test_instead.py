"""What to do instead (issue 42, item 2; learning/engine/instead.py, analyze/force_flags.py): the call that
worked after a failure is its lesson's remedy only when it has the same intent, differs in what
the error was about and forces nothing; texts keep the command as it was typed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lessonloop.analyze.commands import shell_tokens
from lessonloop.analyze.force_flags import adds_force, force_flags
from lessonloop.learning.engine.engine import Learner
from lessonloop.learning.engine.events import CallEvent
from lessonloop.learning.engine.instead import remedy, similar_paths
from lessonloop.lesson_model.decision import ASK_AT
from lessonloop.lesson_model.triggers import command_head
from tests.learning_helpers import Script, play
from tests.shared_stores import every_corpus_store as shared_every_corpus_store
from tests.shared_stores import private_copy

TIMEOUT = "command timed out after 10000 milliseconds"
REJECTED = "error: failed to push some refs to 'https://example.com/app.git'\nhint: Updates were rejected"
WINDOWS = "G:\\work\\app"


def _pair(failing: str, error: str, fixed: str, cwd: str = "/home/dev/app") -> tuple[CallEvent, CallEvent]:
    s = Script().session("s1", project=cwd, cwd=cwd)
    return s.bash(failing, error=error, error_class="INCORRECT_PARAMETER"), s.bash(fixed)


def test_another_program_for_another_purpose_is_no_remedy() -> None:
    assert remedy(*_pair("tree lib -L 3", "zsh:1: command not found: tree", "find lib | sort")) is None
    # the next thing done after a push that timed out is not what to do instead of the push
    assert remedy(*_pair("git push", TIMEOUT, "git add -A && git commit -m x")) is None


def test_a_timeout_or_a_change_the_error_never_names_is_no_remedy() -> None:
    assert remedy(*_pair("git push -u origin p-011", "git exit 124", "git push -u origin p-012")) is None
    assert remedy(*_pair("cargo test", TIMEOUT, "cargo test -j 1")) is None
    failed = "rg: Typescript-errors.log: IO error for operation on Typescript-errors.log: not found"
    assert remedy(*_pair("rg -n 'error TS' Typescript-errors.log", failed, "rg -n Foo src/app.tsx")) is None


def test_a_fix_of_what_the_error_names_is_the_remedy() -> None:
    option = "error: unexpected argument '--feture' found\n\n  tip: a similar argument exists: '--features'"
    found = remedy(*_pair("cargo build --feture cli", option, "cargo build --features cli"))
    assert found is not None and not found.forces
    assert found.command == "cargo build --features cli"
    assert (
        found.text
        == "Use `cargo build --features cli` instead of `cargo build --feture cli` (it worked after the failure)."
    )
    # a moved file: the same name at another path
    missing = "Get-Content : Cannot find path 'G:\\work\\app\\SYSTEM_STATE.md' because it does not exist."
    moved = remedy(
        *_pair("Get-Content -Path SYSTEM_STATE.md", missing, "Get-Content -Path .agent\\SYSTEM_STATE.md", WINDOWS)
    )
    assert moved is not None and moved.command == "Get-Content -Path .agent\\SYSTEM_STATE.md"
    # another file read next is not where the missing one went
    other = "Get-Content -Path docs\\WEEK_4_PLAN.md"
    assert remedy(*_pair("Get-Content -Path SYSTEM_STATE.md", missing, other, WINDOWS)) is None


def test_another_program_only_for_a_missing_one_with_the_same_arguments() -> None:
    missing = (
        "pwsh : The term 'pwsh' is not recognized as the name of a cmdlet, function, script file, or operable program."
    )
    found = remedy(*_pair("pwsh -NoProfile -Command -", missing, "powershell -NoProfile -Command -", WINDOWS))
    assert found is not None and found.command == "powershell -NoProfile -Command -"
    tail = "tail : The term 'tail' is not recognized as the name of a cmdlet"
    assert (
        remedy(*_pair("tail -n 20 build.log", tail, "Get-Content build.log | Select-Object -Last 20", WINDOWS)) is None
    )


def test_force_flags() -> None:
    assert force_flags(("git", "push", "--force-with-lease")) == {"--force-with-lease"}
    assert force_flags(("rm", "-rf", "build")) == {"-rf"}
    assert force_flags(("git", "branch", "-D", "old")) == {"-D"}
    assert force_flags(("git", "reset", "--hard")) == {"--hard"}
    assert force_flags(("Remove-Item", "-Recurse", "-Force", "dist")) == {"-Force"}
    assert not force_flags(("Get-ChildItem", "-Force"))  # shows hidden files: nothing forced
    assert not force_flags(("docker", "build", "-f", "Dockerfile", "."))  # -f names a file
    assert not force_flags(("tail", "-f", "log.txt"))
    assert adds_force(("git", "push"), ("git", "push", "-f")) and not adds_force(
        ("git", "push", "-f"), ("git", "push", "-f")
    )


def test_a_forced_fix_is_taught_only_by_a_lesson_confident_enough_to_ask() -> None:
    found = remedy(*_pair("git push -u origin feat", REJECTED, "git push -u origin feat --force-with-lease"))
    assert found is None  # nothing the error names changed: no remedy at all
    ignored = "The following paths are ignored by one of your .gitignore files:\ndist/app.js\nhint: Use -f if you really want to add them."
    forced = remedy(*_pair("git add dist/app.js", ignored, "git add -f dist/app.js"))
    assert forced is not None and forced.forces
    # the learner: one case never gives the lesson the forced command
    learner = Learner()
    script = Script()
    s = script.session("s1")
    play(learner, s.bash("git add src/a.ts dist/app.js", error=ignored, error_class="INCORRECT_PARAMETER"))
    play(learner, s.bash("git add -f dist/app.js"))
    learner.end_session("s1")
    assert learner.lessons
    for lesson in learner.lessons.values():
        assert lesson.base_confidence < ASK_AT
        assert "-f" not in (lesson.prevention_command or "").split()
        assert "git add -f" not in (lesson.prevention or "")


def test_texts_keep_the_command_as_typed() -> None:
    assert shell_tokens("Get-Content -Path Q-DNA\\docs\\sessions\\PLAN.md") == (
        "Get-Content", "-Path", "Q-DNA\\docs\\sessions\\PLAN.md",
    )  # fmt: skip
    assert shell_tokens("find . -name \\*.py") == ("find", ".", "-name", "*.py")  # POSIX escapes still read
    missing = "Get-Content : Cannot find path 'G:\\work\\app\\src\\alden.rs' because it does not exist."
    found = remedy(*_pair("Get-Content src\\alden.rs", missing, "Get-Content src\\alden\\alden.rs", WINDOWS))
    assert found is not None and "src\\alden\\alden.rs" in found.text and "src\\alden.rs`" in found.text


def test_similar_paths() -> None:
    assert similar_paths("SYSTEM_STATE.md", ".agent/staging/SYSTEM_STATE.md")
    assert similar_paths("src\\index.d.ts", "src/index.ts")
    assert not similar_paths("app/src/stations", "app/src/runtime")


# --- the shared corpora ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def every_corpus_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of every shared corpus of transcripts (not the git bundles), learned: a copy of the
    run's shared one (tests/shared_stores.py), since `recall` writes what it gave."""
    return private_copy(shared_every_corpus_store(tmp_path_factory), tmp_path_factory.mktemp("every-corpus"))


def _head_of(command: str) -> tuple[str, ...]:
    words = shell_tokens(command) or tuple(command.split())
    return command_head(words)


@pytest.mark.corpus
@pytest.mark.slow
def test_recall_git_push_teaches_no_other_program_and_no_force_from_one_case(every_corpus_store: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lessonloop", "recall", "git push", "--json", "--db", str(every_corpus_store)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)["results"]
    assert any("git push" in result["title"] for result in results)
    for result in results:
        command = result["prevention_command"]
        if not command or "instead of" not in (result["prevention"] or ""):
            continue
        failing = result["prevention"].split("instead of `", 1)[1].split("`", 1)[0]
        assert _head_of(command)[:1] == _head_of(failing)[:1], result["prevention"]
        if adds_force(shell_tokens(failing) or (), shell_tokens(command) or ()):
            assert result["failed_sessions"] > 1 and result["confidence"] >= ASK_AT, result


@pytest.mark.corpus
@pytest.mark.slow
def test_no_stored_remedy_changes_the_program_or_forces_from_one_case(every_corpus_store: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(every_corpus_store)
    try:
        rows = conn.execute(
            "SELECT prevention, prevention_command, failed_sessions, learned_confidence FROM lessons"
        ).fetchall()
    finally:
        conn.close()
    assert rows
    remedies = [row for row in rows if row[0] and "(it worked after the failure)" in row[0] and row[1]]
    for prevention, command, failed_sessions, confidence in remedies:
        failing = prevention.split("instead of `", 1)[1].split("`", 1)[0]
        same = _head_of(command)[:1] == _head_of(failing)[:1]
        assert same or command.split()[1:] == failing.split()[1:], prevention
        if adds_force(shell_tokens(failing) or (), shell_tokens(command) or ()):
            assert failed_sessions > 1 and confidence >= ASK_AT, prevention
    for prevention, command, _failed, _confidence in rows:
        assert not (command and force_flags(shell_tokens(command) or ()) and (_confidence or 0) < ASK_AT), prevention
