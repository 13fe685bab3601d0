"""Commit capture (issue 14, item 1): real repositories made in temporary folders, real git
subprocesses, a real SQLite store; the two shared bundles against `git rev-list --count`."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from lessonloop.capture.git.conventional import parse_conventional
from lessonloop.capture.git.log_reader import Caps
from lessonloop.capture.privacy import CapturePolicy
from lessonloop.history.git_ingest import ingest_git
from lessonloop.store import open_store
from tests.git_helpers import SHARED_GIT, clone_bundle, commit_file, git, make_repo

SECRET = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"


def _store(tmp_path: Path) -> sqlite3.Connection:
    return open_store(tmp_path / "store.db")


def _commits(conn: sqlite3.Connection) -> dict[str, tuple[object, ...]]:
    rows = conn.execute(
        "SELECT hash, branch, is_merge, subject, cc_type, cc_scope, cc_breaking, author_hour, author_weekday, "
        "author_offset_minutes, authored_at, parents FROM git_commits"
    ).fetchall()
    return {row[0]: row[1:] for row in rows}


def test_commit_fields_time_zone_conventional_type_and_email_never_stored(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    # Saturday 23:30 in India is Saturday 18:00 UTC: hour and weekday are the author's own.
    first = commit_file(
        repo, "a.py", "x = 1\n", "feat(parser)!: read the new format\n\nBody.", "2024-03-02T23:30:00+05:30"
    )
    second = commit_file(repo, "a.py", "x = 2\n", "Update a.py", "2024-03-04T08:15:00-08:00")
    conn = _store(tmp_path)
    summary = ingest_git(conn, [str(repo)])
    assert summary.commits_stored == 2 and not summary.problems
    rows = _commits(conn)
    branch, merge, subject, kind, scope, breaking, hour, weekday, offset, at, parents = rows[first]
    assert (branch, merge, subject, kind, scope, breaking) == (
        "main",
        0,
        "feat(parser)!: read the new format",
        "feat",
        "parser",
        1,
    )
    assert (hour, weekday, offset, at) == (23, 5, 330, "2024-03-02T18:00:00.000Z")
    assert parents == ""
    assert rows[second][3:6] == (None, None, 0) and rows[second][6:9] == (8, 0, -480)
    assert rows[second][10] == first
    names = conn.execute("SELECT DISTINCT author_name, author_key FROM git_commits").fetchall()
    assert len(names) == 1 and names[0][0] == "Ada Tester"
    dump = "\n".join(conn.iterdump())
    assert "ada@example.org" not in dump and "example.org" not in dump


def test_conventional_subjects() -> None:
    parsed = parse_conventional("fix(cli): exit status")
    assert parsed is not None and (parsed.type, parsed.scope, parsed.breaking) == ("fix", "cli", False)
    parsed = parse_conventional("refactor!: drop python 3.8")
    assert parsed is not None and (parsed.type, parsed.scope, parsed.breaking) == ("refactor", None, True)
    parsed = parse_conventional("feat: x\n\nBREAKING CHANGE: the API")
    assert parsed is not None and parsed.breaking
    assert parse_conventional("Merge pull request #12 from a/b") is None
    assert parse_conventional("Update README.md") is None


def test_files_renames_binary_hunks_and_secrets_redacted(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    commit_file(repo, "src/old_name.py", "".join(f"line {i}\n" for i in range(40)), "feat: add module")
    git(repo, "mv", "src/old_name.py", "src/new_name.py")
    (repo / "src" / "new_name.py").write_text(
        "".join(f"line {i}\n" for i in range(40)).replace("line 20\n", f"token = '{SECRET}'\n"), encoding="utf-8"
    )
    (repo / "logo.png").write_bytes(b"\x89PNG\x00\x01\x02" * 50)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "refactor(core): rename the module")
    conn = _store(tmp_path)
    ingest_git(conn, [str(repo)])
    head = git(repo, "rev-parse", "HEAD").strip()
    files = conn.execute(
        "SELECT path, old_path, status, insertions, deletions, binary FROM git_commit_files WHERE hash = ? ORDER BY ordinal",
        (head,),
    ).fetchall()
    assert ("src/new_name.py", "src/old_name.py", "R", 1, 1, 0) in files
    assert ("logo.png", None, "A", None, None, 1) in files
    hunks = conn.execute("SELECT text FROM git_hunks WHERE hash = ?", (head,)).fetchall()
    assert len(hunks) == 1 and "+token = " in hunks[0][0] and "-line 20" in hunks[0][0]
    dump = "\n".join(conn.iterdump())
    assert SECRET not in dump and "[REDACTED" in dump


def test_hunks_are_capped_per_file_and_per_commit(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    # 200 lines of ~70 bytes: within the line count judged to fit 10 KB, but ~14 KB of patch each.
    for name in ("a.txt", "b.txt", "c.txt"):
        (repo / name).write_text("".join(f"{name} {i} {'x' * 60}\n" for i in range(200)), encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "chore: big")
    conn = _store(tmp_path)
    summary = ingest_git(conn, [str(repo)], caps=Caps(file_bytes=10_000, commit_bytes=25_000))
    total = conn.execute("SELECT coalesce(sum(length(text)), 0) FROM git_hunks").fetchone()[0]
    assert 20_000 < total <= 25_000
    assert conn.execute("SELECT hunks_truncated, insertions FROM git_commits").fetchone() == (1, 600)
    assert [p.code for p in summary.problems] == ["hunks-capped"]
    # store_diffs = false keeps no hunk at all, files and counts still.
    conn2 = open_store(tmp_path / "nodiffs.db")
    ingest_git(conn2, [str(repo)], policy=CapturePolicy(store_diffs=False))
    assert conn2.execute("SELECT count(*) FROM git_hunks").fetchone() == (0,)
    assert conn2.execute("SELECT count(*) FROM git_commit_files").fetchone() == (3,)


def test_incremental_second_read_reads_nothing_new_commits_on_two_branches_once(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    for i in range(3):
        commit_file(repo, f"f{i}.txt", f"{i}\n", f"feat: f{i}")
    conn = _store(tmp_path)
    assert ingest_git(conn, [str(repo)]).commits_stored == 3
    again = ingest_git(conn, [str(repo)])
    assert again.repositories[0].up_to_date and again.repositories[0].commits_read == 0
    git(repo, "checkout", "-q", "-b", "topic")
    topic = [commit_file(repo, f"t{i}.txt", "t\n", f"fix(topic): t{i}") for i in range(2)]
    git(repo, "checkout", "-q", "main")
    main = commit_file(repo, "m.txt", "m\n", "docs: m")
    third = ingest_git(conn, [str(repo)])
    assert (third.repositories[0].commits_read, third.commits_stored) == (3, 3)
    rows = _commits(conn)
    assert {rows[h][0] for h in topic} == {"topic"} and rows[main][0] == "main"
    assert ingest_git(conn, [str(repo)]).repositories[0].commits_read == 0
    # A merge of topic into main: one new commit, marked, on main.
    git(repo, "merge", "-q", "--no-ff", "topic", "-m", "Merge branch 'topic'")
    fourth = ingest_git(conn, [str(repo)])
    assert (fourth.repositories[0].commits_read, fourth.repositories[0].merges) == (1, 1)
    merge = git(repo, "rev-parse", "HEAD").strip()
    assert rows.keys() | {merge} == _commits(conn).keys()
    assert _commits(conn)[merge][:2] == ("main", 1)
    files = conn.execute("SELECT path FROM git_commit_files WHERE hash = ? ORDER BY path", (merge,)).fetchall()
    assert files == [("t0.txt",), ("t1.txt",)]  # what the merge brought to main (its first parent)


def test_rewritten_branch_old_tip_gone(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    commit_file(repo, "a", "1\n", "one")
    commit_file(repo, "a", "2\n", "two")
    conn = _store(tmp_path)
    ingest_git(conn, [str(repo)])
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    git(repo, "reflog", "expire", "--expire=now", "--all")
    git(repo, "gc", "-q", "--prune=now")
    commit_file(repo, "a", "3\n", "three")
    summary = ingest_git(conn, [str(repo)])
    assert summary.commits_stored == 1 and not summary.failed
    assert conn.execute("SELECT count(*) FROM git_commits").fetchone() == (3,)


def test_bad_input_is_named_counted_and_loses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "good")
    commit_file(repo, "a", "1\n", "one")
    plain = tmp_path / "plain"
    plain.mkdir()
    empty = make_repo(tmp_path / "empty")
    conn = _store(tmp_path)
    summary = ingest_git(conn, [str(repo), str(tmp_path / "missing"), str(plain), str(empty)])
    assert summary.commits_stored == 1
    codes = {(p.path, p.code) for p in summary.problems}
    assert (str(tmp_path / "missing"), "missing-folder") in codes
    assert (str(plain), "not-a-repository") in codes
    assert (str(empty), "no-commits") in codes
    assert len(summary.failed) == 2 and not summary.nothing_readable
    # git missing: a clear message, the stored commits kept.
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    missing_git = ingest_git(conn, [str(repo)])
    assert missing_git.nothing_readable and missing_git.problems[0].code == "git-missing"
    assert "git is not installed" in missing_git.problems[0].detail
    assert conn.execute("SELECT count(*) FROM git_commits").fetchone() == (1,)


def test_message_not_utf8_and_shallow_clone(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    commit_file(repo, "a", "1\n", "first")
    # A Latin-1 message without an encoding header (an old tool's commit), written as a raw object.
    tree, parent = git(repo, "rev-parse", "HEAD^{tree}").strip(), git(repo, "rev-parse", "HEAD").strip()
    raw = (
        f"tree {tree}\nparent {parent}\nauthor A <a@b.c> 1700000000 +0100\ncommitter A <a@b.c> 1700000000 +0100\n\n"
    ).encode() + b"fix: caf\xe9 cr\xe8me\n"
    (tmp_path / "raw").write_bytes(raw)
    made = git(repo, "hash-object", "-t", "commit", "-w", str(tmp_path / "raw")).strip()
    git(repo, "update-ref", "refs/heads/main", made)
    for i in range(3):
        commit_file(repo, "b", f"{i}\n", f"chore: b{i}")
    conn = _store(tmp_path)
    summary = ingest_git(conn, [str(repo)])
    assert summary.commits_stored == 5
    assert [p.code for p in summary.problems] == ["message-not-utf8"]
    assert conn.execute("SELECT subject, cc_type FROM git_commits WHERE message_not_utf8 = 1").fetchone() == (
        "fix: caf\ufffd cr\ufffdme",
        "fix",
    )
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "2", f"file://{repo}", str(shallow)], check=True)
    conn2 = open_store(tmp_path / "shallow.db")
    result = ingest_git(conn2, [str(shallow)])
    assert result.commits_stored == 2 and result.repositories[0].shallow
    assert "shallow-clone" in [p.code for p in result.problems]


def test_worktree_is_its_repository(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    commit_file(repo, "a", "1\n", "one")
    git(repo, "worktree", "add", "-q", "-b", "side", str(tmp_path / "wt"))
    commit_file(tmp_path / "wt", "b", "2\n", "two")
    conn = _store(tmp_path)
    summary = ingest_git(conn, [str(tmp_path / "wt")])
    assert summary.repositories[0].root == str(repo.resolve()) and summary.commits_stored == 2
    assert ingest_git(conn, [str(repo)]).repositories[0].up_to_date


def test_paused_disabled_and_excluded_read_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "secret-client")
    commit_file(repo, "a", "1\n", "one")
    conn = _store(tmp_path)
    assert ingest_git(conn, [str(repo)], policy=CapturePolicy(exclude_projects=["secret-*"])).repositories[0].skipped
    assert ingest_git(conn, [str(repo)], policy=CapturePolicy(enabled=False)).repositories[0].skipped
    monkeypatch.setenv("LESSONLOOP_CAPTURE", "0")
    assert ingest_git(conn, [str(repo)]).repositories[0].skipped == "capture paused (LESSONLOOP_CAPTURE=0)"
    assert conn.execute("SELECT count(*) FROM git_commits").fetchone() == (0,)


def _rev_count(repo: Path) -> int:
    out = subprocess.run(
        ["git", "-C", str(repo), "rev-list", "--count", "--first-parent", "HEAD"], capture_output=True, text=True
    )
    return int(out.stdout)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["python-semantic-release", "commitizen"])
def test_shared_bundles_ingest_with_the_right_counts(tmp_path: Path, name: str) -> None:
    if not (SHARED_GIT / f"{name}.bundle").is_file():
        pytest.skip("../shared/corpus/git is absent")
    repo = clone_bundle(name, tmp_path / name)
    conn = _store(tmp_path)
    summary = ingest_git(conn, [str(repo)])
    expected = _rev_count(repo)
    assert summary.commits_stored == expected == summary.repositories[0].commits_read
    merges = subprocess.run(
        ["git", "-C", str(repo), "rev-list", "--count", "--first-parent", "--merges", "HEAD"],
        capture_output=True,
        text=True,
    )
    assert conn.execute("SELECT sum(is_merge) FROM git_commits").fetchone()[0] == int(merges.stdout) > 0
    # Files per commit against `git log --numstat` of the same history.
    numstat = subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "log",
            "--first-parent",
            "--diff-merges=first-parent",
            "-M",
            "--numstat",
            "-z",
            "--format=%x01%H",
        ],
        capture_output=True,
    ).stdout
    expected_files = sum(piece.count(b"\t") // 2 for piece in numstat.split(b"\x01"))
    assert conn.execute("SELECT count(*) FROM git_commit_files").fetchone()[0] == expected_files
    typed = conn.execute("SELECT count(*) FROM git_commits WHERE cc_type IS NOT NULL").fetchone()[0]
    assert typed > expected * 0.6  # mostly conventional subjects (PROVENANCE.md)
    assert ingest_git(conn, [str(repo)]).repositories[0].up_to_date


def test_cli_ingest_git_default_repositories_and_json(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    commit_file(repo, "a", "1\n", "feat: one")
    db = tmp_path / "cli.db"
    lessonloop = [sys.executable, "-m", "lessonloop"]
    first = subprocess.run(
        [*lessonloop, "ingest", "--git", str(repo), "--db", str(db), "--json"], capture_output=True, text=True
    )
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["commits_stored"] == 1
    # Without REPO: the repositories the store knows (read before, or the projects of its sessions).
    commit_file(repo, "a", "2\n", "fix: two")
    second = subprocess.run([*lessonloop, "ingest", "--git", "--db", str(db)], capture_output=True, text=True)
    assert second.returncode == 0 and "1 new" in second.stdout
    bad = subprocess.run(
        [*lessonloop, "ingest", "--git", str(tmp_path / "nowhere"), "--db", str(db)], capture_output=True, text=True
    )
    assert bad.returncode == 1 and "no such folder" in bad.stdout
    assert shutil.which("git")
