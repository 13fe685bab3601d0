"""Someone else's Aider history arriving in a template (issue 60, item 3).

A template copied without its `.git` whose `.gitignore` ignores `.aider*` brings its author's
history; the person runs `git init` and commits, so the repository holds a commit made here by
them and the history is untracked, as their own would be: before issue 60, 1,134 sessions and 7
active lessons of the aider-dev history were read as theirs. Now a history found without being
named is read only when it was written since git made its repository here (its change time), and
when the sessions written before that name commits the repository holds (ownership.py).

Real git repositories made here, the person's identity in their own configuration, commit dates
set with GIT_AUTHOR_DATE / GIT_COMMITTER_DATE, the real aider-dev history (skipped without it),
the real command line."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from lessonloop.agents.aider.reader.named_commits import NamedCommits, held, named_commits
from lessonloop.agents.aider.reader.ownership import not_yours
from lessonloop.agents.aider.reader.repository_birth import last_written_ns, made_here_ns
from tests.conftest import SHARED_CORPUS
from tests.git_helpers import person_env

CORPUS_HISTORY = SHARED_CORPUS / "aider" / "aider-dev" / "chat-history.md"
HISTORY_NAME = ".aider.chat.history.md"
HEADING = "# aider chat started at "


def _need_corpus() -> None:
    if not CORPUS_HISTORY.exists():
        pytest.skip(f"shared corpus {CORPUS_HISTORY} is absent (the ../shared folder)")


def _corpus_sessions(count: int) -> bytes:
    """The first `count` sessions of the aider-dev history (its author's: the first 59 name 54 of his commits)."""
    data = CORPUS_HISTORY.read_bytes()
    starts = [m.start() for m in re.finditer(rb"(?m)^" + re.escape(HEADING.encode()), data)]
    return data[starts[0] : starts[count]]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The person's environment: their git identity (me@example.com, Me) in their own configuration."""
    return person_env(tmp_path / "home")


def _git(folder: Path, env: dict[str, str], *args: str, date: str | None = None) -> str:
    run_env = dict(env)
    if date is not None:
        run_env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, env=run_env, check=False)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


def _aider_commit(
    folder: Path, env: dict[str, str], name: str, text: str, message: str, date: str | None = None
) -> str:
    """A commit as Aider makes one (its author and committer named "Me (aider)"); its short sha."""
    (folder / name).write_text(text)
    _git(folder, env, "add", name)
    aider = {**env, "GIT_AUTHOR_NAME": "Me (aider)", "GIT_COMMITTER_NAME": "Me (aider)"}
    _git(folder, aider, "commit", "-q", "-m", message, date=date)
    return _git(folder, env, "rev-parse", "--short=7", "HEAD").strip()


def _local(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _session(start: datetime, prompt: str, commit: str | None = None) -> str:
    """A session as Aider writes it: a prompt, a reply, the edit and (with `commit`) its commit."""
    text = f"\n{HEADING}{_local(start)}\n\n> Aider v0.86.1\n\n#### {prompt}\n\nDone.\n\n> Applied edit to app.py\n"
    if commit is not None:
        text += f"> Commit {commit} feat: {prompt}\n"
    return text


def _known_folder(home: Path, folder: Path) -> None:
    """A Claude Code session in `folder`: the store knows it as a project folder (and has something to read)."""
    sessions = home / ".claude" / "projects" / ("-" + str(folder).strip("/").replace("/", "-"))
    sessions.mkdir(parents=True)
    record = {
        "type": "user",
        "message": {"role": "user", "content": "hello"},
        "uuid": "u1",
        "timestamp": "2026-11-01T09:00:00Z",
        "sessionId": f"s-{folder.name}",
        "cwd": str(folder),
    }
    (sessions / f"s-{folder.name}.jsonl").write_text(json.dumps(record) + "\n")


def _ingest(db: Path, env: dict[str, str], *args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "lessonloop", "ingest", "--db", str(db), "--no-progress", "--json", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def _plain_ingests(db: Path, env: dict[str, str]) -> list[dict[str, str]]:
    """Two plain ingests (the first learns the folder, the second looks there again); their notices."""
    notices: list[dict[str, str]] = []
    for _ in range(2):
        found = _ingest(db, env)["notices"]
        assert isinstance(found, list)
        notices += found
    return notices


def _aider_sessions(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM sessions WHERE agent = 'aider'").fetchone()[0])
    finally:
        conn.close()


def _not_read(notices: list[dict[str, str]], history: Path) -> str:
    """The detail of the not-your-history notice naming `history` (the notice must be there)."""
    details = {n["detail"] for n in notices if n["code"] == "not-your-history" and n["path"] == str(history)}
    assert len(details) == 1, notices
    return details.pop()


def _template(tmp_path: Path, sessions: int) -> Path:
    """A template as its author leaves it: no .git, a .gitignore ignoring Aider's files, and their history."""
    template = tmp_path / "Downloads" / "starter"
    template.mkdir(parents=True)
    (template / "app.py").write_text("print('starter')\n")
    (template / ".gitignore").write_text(".aider*\n.env\n")
    (template / HISTORY_NAME).write_bytes(_corpus_sessions(sessions))
    return template


@pytest.mark.slow
@pytest.mark.parametrize(
    "order",
    [
        "copied, then git init",
        "git init, then copied",
        "copied, git init, then aider",
        "copied, then aider makes the repository",
    ],
)
def test_a_template_copied_without_git_is_not_read(tmp_path: Path, env: dict[str, str], order: str) -> None:
    """The finding, and its neighbours: the folder made a repository after the copy (the history
    not written since), before it (the history's sessions name the template author's commits), the
    person ran Aider in the copy afterwards (its new session appended to the author's history), or
    ran Aider in the copy, which made the repository (that session began before the repository, as
    in a fresh project, and names a commit it holds; the author's sessions before it name none):
    none is read by a plain ingest; named, it is."""
    _need_corpus()
    template = _template(tmp_path, 60)
    app = tmp_path / "home" / "src" / "app"
    history = app / HISTORY_NAME
    if order == "git init, then copied":
        app.mkdir(parents=True)
        _git(app, env, "init", "-q")
        time.sleep(0.05)
        shutil.copytree(template, app, dirs_exist_ok=True)
    else:
        shutil.copytree(template, app)
        if order == "copied, then aider makes the repository":
            with history.open("a") as out:
                out.write(f"\n{HEADING}{_local(datetime.now())}\n\n> No git repo found, create one? (Y)es/(N)o: y\n")
        time.sleep(0.05)
        _git(app, env, "init", "-q")
    if order == "copied, then aider makes the repository":
        sha = _aider_commit(app, env, "app.py", "print('mine')\n", "feat: say mine")
        with history.open("a") as out:
            out.write(f"> Git repository created in {app}\n\n#### say mine\n\n> Commit {sha} feat: say mine\n")
    else:
        _git(app, env, "add", ".")
        _git(app, env, "commit", "-q", "-m", "Start from the starter template")
    assert _git(app, env, "check-ignore", HISTORY_NAME).strip() == HISTORY_NAME  # untracked, as the person's would be
    if order == "copied, git init, then aider":
        sha = _aider_commit(app, env, "app.py", "print('mine')\n", "feat: say mine")
        with history.open("a") as out:
            out.write(_session(datetime.now(), "say mine instead", sha))
    _known_folder(tmp_path / "home", app)
    db = tmp_path / "lessonloop.db"
    notices = _plain_ingests(db, env)
    assert _aider_sessions(db) == 0
    why = _not_read(notices, history)
    if order == "copied, then git init":
        assert "before git made this repository here" in why and "and not since: it came with the folder" in why
    else:
        assert "name 54 commits (" in why and "that this repository does not hold" in why, why
        assert "it was begun in another repository" in why
    assert f"read it with `lessonloop ingest {history}`" in why and "capture.paths" in why
    # Named, it is read: the person chose it.
    _ingest(db, env, str(history))
    assert _aider_sessions(db) >= 60


def test_the_persons_fresh_aider_project_is_read(tmp_path: Path, env: dict[str, str]) -> None:
    """Aider run in a new folder writes its session's heading, asks "No git repo found, create
    one?", runs `git init` and writes on: the session began seconds before the repository, and
    its commit (Aider's, made here) is the repository's."""
    app = tmp_path / "home" / "src" / "fresh"
    app.mkdir(parents=True)
    history = app / HISTORY_NAME
    started = datetime.now() - timedelta(seconds=5)
    history.write_text(
        f"\n{HEADING}{_local(started)}\n\n> aider --model sonnet\n"
        "> No git repo found, create one to track aider's changes (recommended)? (Y)es/(N)o [Yes]: y\n"
    )
    time.sleep(0.05)
    _git(app, env, "init", "-q")
    (app / ".gitignore").write_text(".aider*\n")
    with history.open("a") as out:
        out.write(f"> Added .aider* to .gitignore\n> Git repository created in {app}\n\n#### write app.py\n\n")
    sha = _aider_commit(app, env, "app.py", "print('hi')\n", "feat: write app.py")
    with history.open("a") as out:
        out.write(f"Here it is.\n\n> Applied edit to app.py\n> Commit {sha} feat: write app.py\n")
    made = made_here_ns(str(app / ".git"))
    assert made is not None and _local(started) < _local(datetime.fromtimestamp(made / 1e9))
    assert not_yours(str(history), env) is None
    _known_folder(tmp_path / "home", app)
    db = tmp_path / "lessonloop.db"
    _plain_ingests(db, env)
    assert _aider_sessions(db) == 1
    # A fresh project where Aider only answered (no commit of its own), committed later by hand.
    asked = tmp_path / "home" / "src" / "asked"
    asked.mkdir()
    (asked / HISTORY_NAME).write_text(f"\n{HEADING}{_local(datetime.now())}\n\n#### what is a monad?\n\nA monoid.\n")
    time.sleep(0.05)
    _git(asked, env, "init", "-q")
    with (asked / HISTORY_NAME).open("a") as out:
        out.write(f"> Git repository created in {asked}\n")
    _git(asked, env, "commit", "-q", "--allow-empty", "-m", "start")
    assert not_yours(str(asked / HISTORY_NAME), env) is None


def test_a_long_running_project_stays_read(tmp_path: Path, env: dict[str, str]) -> None:
    """A year of Aider in one repository: its sessions name the commits Aider made there (one of
    them since rebased away and pruned). The same history put in a repository that does not hold
    those commits was begun elsewhere."""
    app = tmp_path / "home" / "src" / "long"
    app.mkdir(parents=True)
    _git(app, env, "init", "-q")
    _git(app, env, "commit", "-q", "--allow-empty", "-m", "start", date="2025-01-06T09:00:00")
    text = ""
    for month in range(1, 12):
        start = datetime(2025, month, 10, 14, 30, 0)
        sha = _aider_commit(app, env, "app.py", f"print({month})\n", f"feat: step {month}", start.isoformat())
        text += _session(start, f"step {month}", sha)
    text += _session(datetime(2025, 12, 1, 9, 0, 0), "step 12", "0badc0d")  # rebased away, pruned: not held
    (app / HISTORY_NAME).write_text(text)
    _git(app, env, "commit", "-q", "--allow-empty", "-m", "today")
    assert not_yours(str(app / HISTORY_NAME), env) is None
    _known_folder(tmp_path / "home", app)
    db = tmp_path / "lessonloop.db"
    _plain_ingests(db, env)
    assert _aider_sessions(db) == 12
    # The same history in another repository of the person's.
    other = tmp_path / "home" / "src" / "other"
    other.mkdir()
    _git(other, env, "init", "-q")
    _git(other, env, "commit", "-q", "--allow-empty", "-m", "start")
    (other / HISTORY_NAME).write_text(text)
    why = str(not_yours(str(other / HISTORY_NAME), env))
    assert "name 11 commits (" in why and "begun in another repository" in why, why


def test_a_history_is_judged_by_what_was_written_since_the_repository(tmp_path: Path, env: dict[str, str]) -> None:
    """The change time, not the history's own text: a history in the folder before `git init` and
    not written since is not read; written to since (Aider ran here), it is."""
    app = tmp_path / "app"
    app.mkdir()
    history = app / HISTORY_NAME
    history.write_text(f"\n{HEADING}{_local(datetime.now() + timedelta(days=1))}\n\n#### a heading dated ahead\n")
    os.utime(history, (time.time() + 86400, time.time() + 86400))  # an archive can set mtime, not ctime
    time.sleep(0.05)
    _git(app, env, "init", "-q")
    _git(app, env, "commit", "-q", "--allow-empty", "-m", "start")
    why = str(not_yours(str(history), env))
    assert "before git made this repository here" in why, why
    with history.open("a") as out:
        out.write("#### and one more\n")
    assert not_yours(str(history), env) is None


def test_when_the_repository_was_made_is_kept_through_later_work(tmp_path: Path, env: dict[str, str]) -> None:
    """Commits, a branch, a tag, a config change, a gc and a hook do not move the repository's making."""
    app = tmp_path / "app"
    app.mkdir()
    before = time.time_ns()
    _git(app, env, "init", "-q")
    made = made_here_ns(str(app / ".git"))
    assert made is not None and before - 10**8 <= made <= time.time_ns()
    time.sleep(0.05)
    _git(app, env, "commit", "-q", "--allow-empty", "-m", "one")
    _git(app, env, "checkout", "-q", "-b", "feature")
    _git(app, env, "tag", "v1")
    _git(app, env, "config", "core.autocrlf", "false")
    (app / ".git" / "hooks" / "pre-commit").write_text("#!/bin/sh\n")
    _git(app, env, "gc", "-q")
    assert made_here_ns(str(app / ".git")) == made
    assert made_here_ns(str(tmp_path / "no-such")) is None and last_written_ns(str(tmp_path / "no-such")) is None


def test_named_commits_before_the_repository_and_the_latest(tmp_path: Path) -> None:
    made = datetime(2026, 3, 1, 12, 0, 0)
    history = tmp_path / HISTORY_NAME
    history.write_text(
        "> Commit aaaaaaa from before the first heading\n"  # a history whose start was cut
        + _session(datetime(2026, 1, 5, 10, 0, 0), "one", "bbbbbbb")
        + _session(datetime(2026, 3, 1, 11, 59, 55), "the one Aider made the repository in", "ccccccc")
        + _session(datetime(2026, 3, 2, 9, 0, 0), "later", "ddddddd")
        + "> Commit zzzzzzz is no sha\n"
    )
    named = named_commits(str(history), made)
    assert named.before == ("aaaaaaa", "bbbbbbb")
    assert named.recent == ("ddddddd", "ccccccc", "bbbbbbb", "aaaaaaa")
    # Every session after the making: none is before it.
    assert named_commits(str(history), datetime(2025, 1, 1)).before == ()
    empty = tmp_path / "empty.md"
    empty.write_text("")
    assert named_commits(str(empty), made) == NamedCommits((), ())


def test_held_counts_commits_only(tmp_path: Path, env: dict[str, str]) -> None:
    app = tmp_path / "app"
    app.mkdir()
    _git(app, env, "init", "-q")
    sha = _aider_commit(app, env, "app.py", "print('hi')\n", "feat: hi")
    blob = _git(app, env, "rev-parse", "--short=7", "HEAD:app.py").strip()
    assert held(str(app), env, [sha, blob, "0badc0d", sha]) == {sha}
    assert held(str(app), env, []) == set()
