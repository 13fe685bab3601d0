"""`ingest --git` asks git for the patches it keeps only (issue 28): real repositories, real git."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from lessonloop.capture.git import log_reader
from lessonloop.history.git_ingest import ingest_git
from lessonloop.store import open_store
from tests.git_helpers import commit_file, git, make_repo

ROOT = Path(__file__).resolve().parent.parent.parent
BEFORE = "2b16669"  # the last commit that read patches in one `git log -p` pass


def _files(conn: sqlite3.Connection) -> dict[str, tuple[object, ...]]:
    rows = conn.execute(
        "SELECT path, old_path, status, insertions, deletions, hunks_truncated, "
        "(SELECT count(*) FROM git_hunks h WHERE h.hash = f.hash AND h.ordinal = f.ordinal) FROM git_commit_files f"
    )
    return {r[0]: r[1:] for r in rows}


@pytest.mark.slow
def test_big_file_beyond_the_cap_is_not_asked_its_counts_are_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path / "r")
    commit_file(repo, "docs/big.md", "".join(f"line {i} of a translated page\n" for i in range(2000)), "docs: big")
    git(repo, "add", "-A")
    (repo / "small.py").write_text("x = 1\n", encoding="utf-8")
    (repo / "docs/big.md").write_text("".join(f"zeile {i} einer Seite\n" for i in range(2000)), encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "docs: translate")
    asked: list[list[str]] = []
    real = log_reader.patch_command

    def spy(folder: str, excluded: object) -> list[str]:
        command = real(folder, excluded)  # type: ignore[arg-type]
        asked.append(command)
        return command

    monkeypatch.setattr(log_reader, "patch_command", spy)
    conn = open_store(tmp_path / "s.db")
    ingest_git(conn, [str(repo)])
    files = conn.execute(
        "SELECT f.path, f.insertions, f.deletions, f.hunks_truncated, count(h.idx) FROM git_commit_files f "
        "LEFT JOIN git_hunks h ON h.hash = f.hash AND h.ordinal = f.ordinal GROUP BY f.hash, f.ordinal"
    ).fetchall()
    assert ("docs/big.md", 2000, 2000, 1, 0) in files  # the rewrite: counts, no hunks
    assert ("docs/big.md", 2000, 0, 1, 0) in files  # its first version too
    assert ("small.py", 1, 0, 0, 1) in files
    assert len(asked) == 1 and ":(top,exclude,literal)docs/big.md" in asked[0]


def test_vendored_and_generated_trees_keep_counts_not_hunks(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    for name in ("node_modules/pkg/index.js", "vendor/lib/a.go", "package-lock.json", "web/app.min.js", "src/a.py"):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text("a\nb\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "chore: deps")
    conn = open_store(tmp_path / "s.db")
    ingest_git(conn, [str(repo)])
    files = _files(conn)
    for name in ("node_modules/pkg/index.js", "vendor/lib/a.go", "package-lock.json", "web/app.min.js"):
        assert files[name] == (None, "A", 2, 0, 1, 0), name
    assert files["src/a.py"] == (None, "A", 2, 0, 0, 1)
    assert all(log_reader.excluded_path(n) for n in ("a/node_modules/b.js", "dist/x", "x/yarn.lock"))
    assert not any(log_reader.excluded_path(n) for n in ("src/vendored.py", "distance/x", "builder/y"))


def test_renames_are_followed_with_their_hunks_and_statuses(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    body = "".join(f"line {i}\n" for i in range(40))
    commit_file(repo, "old/name.py", body, "feat: add")
    commit_file(repo, "gone.txt", "bye\n", "feat: gone")
    (repo / "new").mkdir()
    git(repo, "mv", "old/name.py", "new/name.py")
    (repo / "new/name.py").write_text(body.replace("line 20\n", "line twenty\n"), encoding="utf-8")
    git(repo, "rm", "-q", "gone.txt")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "refactor: move")
    conn = open_store(tmp_path / "s.db")
    ingest_git(conn, [str(repo)])
    head = git(repo, "rev-parse", "HEAD").strip()
    rows = conn.execute(
        "SELECT path, old_path, status, insertions, deletions FROM git_commit_files WHERE hash = ? ORDER BY ordinal",
        (head,),
    ).fetchall()
    assert rows == [("gone.txt", None, "D", 0, 1), ("new/name.py", "old/name.py", "R", 1, 1)]
    texts = [r[0] for r in conn.execute("SELECT text FROM git_hunks WHERE hash = ? ORDER BY ordinal, idx", (head,))]
    assert texts[0] == "-bye" and "+line twenty" in texts[1] and "-line 20" in texts[1]


def _before_src(target: Path) -> Path | None:
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", BEFORE, "src"], capture_output=True, check=False)
    if archive.returncode != 0:
        return None
    target.mkdir()
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target / "src"


@pytest.mark.slow
def test_stored_rows_equal_the_one_pass_reader_on_a_small_repository(tmp_path: Path) -> None:
    from benchmarks.git_ingest_bench import run_before_ingest
    from benchmarks.git_ingest_equality import compare

    before = _before_src(tmp_path / "before")
    if before is None:
        pytest.skip(f"the project's history has no commit {BEFORE}")
    repo = make_repo(tmp_path / "r")
    commit_file(repo, "a.py", "".join(f"a{i}\n" for i in range(30)), "feat: a")
    commit_file(repo, "docs/b.md", "# b\n", "docs: b")
    git(repo, "checkout", "-q", "-b", "topic")
    commit_file(repo, "t.txt", "t\n", "feat: t")
    git(repo, "checkout", "-q", "main")
    commit_file(repo, "a.py", "".join(f"a{i}\n" for i in range(31)), "fix: a")
    git(repo, "merge", "-q", "--no-ff", "-m", "merge topic", "topic")
    (repo / "src").mkdir()
    git(repo, "mv", "a.py", "src/a.py")
    (repo / "logo.png").write_bytes(bytes(range(256)) * 4)
    (repo / "empty.txt").write_text("", encoding="utf-8")
    (repo / "run.sh").write_text("echo\n", encoding="utf-8")
    (repo / "run.sh").chmod(0o755)
    git(repo, "rm", "-q", "docs/b.md")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "refactor: move")
    run_before_ingest(before, repo, tmp_path / "before.db")
    run_before_ingest(ROOT / "src", repo, tmp_path / "after.db")
    report = compare(tmp_path / "before.db", tmp_path / "after.db")
    for table in ("git_commits", "git_commit_files", "git_hunks"):
        assert report[table]["differing"] == 0, report
        assert report[table]["before"] > 0
