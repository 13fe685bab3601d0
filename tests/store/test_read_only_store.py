"""The read commands on a store this user cannot write (store/read_only.py, cli/common.py).

A store is in WAL mode and a WAL reader needs the -shm file next to it, so `stats --db` on a store
on a read-only file system failed ("cannot be written, it is read-only"). Now the read commands
open it read-only and say so on stderr; the write commands still fail with that clear error.

The read-only places are real, made for the command's process alone:
- not root: the store file chmod 0444 in a folder chmod 0555;
- root (permissions do not stop it): the command runs in its own mount namespace (`unshare -m`)
  where the store's folder is bind-mounted read-only: a read-only file system (EROFS) for root
  too. `writable_file` mounts, over the store's name, a writable bind of the same file (a hard
  link made beforehand), so the file can be written but its folder cannot: the -shm file cannot
  be made, which is the path where opening for writing fails first.
Skipped when neither can be made (root without mount rights).

The store is a real ingest of a corpus transcript; a WAL that holds changes is left by a real
writer process killed before its checkpoint.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Protocol

import pytest

from tests.conftest import CORPUS, cli

SHORT = CORPUS / "short.jsonl"
ROOT = os.geteuid() == 0
NOTE = "it was opened read-only"
# A writer that dies before its checkpoint: its change stays in the -wal (with the -shm beside it).
UNCHECKPOINTED = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA wal_autocheckpoint = 0")
conn.execute("UPDATE sessions SET title = 'retitled after the last checkpoint'")
os._exit(0)
"""


class ReadOnly(Protocol):
    def __call__(self, *args: str, writable_file: bool = False) -> subprocess.CompletedProcess[str]: ...


def _mount_works(folder: Path) -> bool:
    probe = folder / "probe"
    probe.mkdir()
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && ! touch "$0/x"',
         str(probe)],
        capture_output=True,
    )  # fmt: skip
    probe.rmdir()
    return done.returncode == 0


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store made by a real ingest (closed cleanly: no -wal, no -shm left)."""
    if not SHORT.is_file():
        pytest.skip(f"real-data corpus not found at {CORPUS} (the ../shared folder is absent)")
    if ROOT and (shutil.which("unshare") is None or not _mount_works(tmp_path_factory.mktemp("probe"))):
        pytest.skip("root, and no read-only mount can be made here")
    db = tmp_path_factory.mktemp("made") / "store.db"
    assert cli("ingest", "--db", db, SHORT).exit_code == 0
    with sqlite3.connect(db) as conn:  # everything in the main file: a copy of it alone is whole
        assert conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
    return db


@pytest.fixture()
def store(made: Path, tmp_path: Path) -> Path:
    """A copy of the made store in a folder of its own (the folder that is made read-only), as a
    store closed cleanly leaves it: no -wal, no -shm."""
    folder = tmp_path / "ro"
    folder.mkdir()
    shutil.copyfile(made, folder / made.name)
    return folder / made.name


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LESSONLOOP_")}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "xdg"), COLUMNS="120")
    env["LESSONLOOP_HOOK_SERVER"] = "0"  # the read in its own process, in the mount namespace made for it
    return env


@pytest.fixture()
def read_only(store: Path, tmp_path: Path) -> ReadOnly:
    """`run(*args, writable_file=False)`: `lessonloop ARGS --db STORE` with the store's folder
    read-only (and the file too, unless `writable_file`: root only)."""
    folder = store.parent
    link = tmp_path / "link.db"
    os.link(store, link)  # the same file, reachable from outside the read-only folder

    def run(*args: str, writable_file: bool = False) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", "lessonloop", *args, "--db", str(store)]
        if not ROOT:
            assert not writable_file, "a writable file in a read-only folder is made by a mount (root)"
            store.chmod(0o444)
            folder.chmod(0o555)
            try:
                return subprocess.run(argv, capture_output=True, text=True, env=_env(tmp_path), timeout=300)
            finally:
                folder.chmod(0o755)
                store.chmod(0o644)
        script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0"'
        if writable_file:
            script += ' && mount --bind "$1" "$0/$2"'
        script += ' && shift 2 && exec "$@"'
        wrapped = ["unshare", "-m", "sh", "-c", script, str(folder), str(link), store.name, *argv]
        return subprocess.run(wrapped, capture_output=True, text=True, env=_env(tmp_path), timeout=300)

    return run


def test_stats_on_a_read_only_store_reads_it_and_says_so(made: Path, store: Path, read_only: ReadOnly) -> None:
    writable = cli("stats", "--db", made, "--json").json()
    done = read_only("stats", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == writable
    assert NOTE in done.stderr and str(store) in done.stderr
    assert not Path(f"{store}-shm").exists() and not Path(f"{store}-wal").exists()


@pytest.mark.slow
def test_every_read_command_works_read_only(made: Path, read_only: ReadOnly, tmp_path: Path) -> None:
    (session,) = cli("sessions", "--db", made, "--json").json()
    out = tmp_path / "sessions.jsonl"
    for args in (
        ("sessions",),
        ("show", session["id"]),
        ("lessons", "list"),
        ("lessons", "export"),
        ("recall", "mix", "format"),
        ("report",),
        ("analyze", "stats"),
        ("replay",),
        ("dataset", "quality"),
        ("dataset", "milestones"),
        ("runs",),
        ("git", "commits"),
        ("runs", "patterns"),
        ("dataset", "export", "--format", "jsonl", "--kind", "sessions", "--to", str(out)),
    ):
        done = read_only(*args)
        assert done.returncode == 0, (args, done.stderr)
        assert NOTE in done.stderr, args
        assert "Traceback" not in done.stderr, args
    assert session["id"] in out.read_text(encoding="utf-8")


def test_a_write_command_says_the_store_is_read_only(store: Path, read_only: ReadOnly) -> None:
    done = read_only("ingest", str(SHORT))
    assert done.returncode == 1
    assert "cannot be written, it is read-only" in done.stderr and str(store) in done.stderr
    assert NOTE not in done.stderr and "Traceback" not in done.stderr


def test_changes_still_in_the_wal_are_read(store: Path, read_only: ReadOnly) -> None:
    subprocess.run([sys.executable, "-c", UNCHECKPOINTED, str(store)], check=True)
    assert Path(f"{store}-wal").stat().st_size > 0 and Path(f"{store}-shm").exists()
    done = read_only("sessions", "--json")
    assert done.returncode == 0, done.stderr
    assert [s["title"] for s in json.loads(done.stdout)] == ["retitled after the last checkpoint"]


def test_changes_in_a_wal_without_its_shm_are_refused_not_skipped(store: Path, read_only: ReadOnly) -> None:
    subprocess.run([sys.executable, "-c", UNCHECKPOINTED, str(store)], check=True)
    Path(f"{store}-shm").unlink()  # read as immutable, the store would show itself without the change
    done = read_only("sessions", "--json")
    assert done.returncode == 1
    assert "-wal file holds changes" in done.stderr and done.stdout == ""


@pytest.mark.skipif(not ROOT, reason="a writable file in a read-only folder is made by a mount, as root")
def test_a_writable_file_in_a_read_only_folder(store: Path, read_only: ReadOnly) -> None:
    before = store.read_bytes()
    done = read_only("stats", "--json", writable_file=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["sessions"] == 1
    assert NOTE in done.stderr
    assert store.read_bytes() == before  # opening it for writing failed before anything was written


def test_a_store_behind_the_schema_is_refused_read_only(store: Path, read_only: ReadOnly) -> None:
    from lessonloop.store.migrations import MIGRATIONS

    latest = MIGRATIONS[-1].__name__
    with sqlite3.connect(store) as conn:  # as a store written by the lessonloop before `latest`
        conn.execute("DELETE FROM _migrations WHERE name = ?", (latest,))
    conn.close()
    done = read_only("stats")
    assert done.returncode == 1 and done.stdout == ""
    assert f"needs 1 schema update(s) ({latest}" in done.stderr and "Traceback" not in done.stderr
