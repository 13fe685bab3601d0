"""An argument that is not valid UTF-8 (`lessonloop search $'\\xff\\xfe'` from bash: Python gets lone
surrogates in sys.argv) is a usage error naming it, for every command, not a traceback (issue 60);
real processes given the bytes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_ingest
from tests.transcript_builder import TranscriptBuilder

pytestmark = pytest.mark.skipif(os.name == "nt", reason="Windows gives arguments as UTF-16: no undecodable bytes")

BAD = b"\xff\xfe"


def _lessonloop(*args: str | bytes | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable.encode(), b"-m", b"lessonloop", *(os.fsencode(a) for a in args)]
    return subprocess.run(argv, capture_output=True, text=True, errors="replace", cwd=cwd, timeout=120, check=False)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    b = TranscriptBuilder(cwd="/home/dev/shop")
    b.prompt("deploy the checkout service")
    b.bash("make deploy", "done")
    b.write(tmp_path / "in" / f"{b.session_id}.jsonl")
    db = tmp_path / "lessonloop.db"
    run_ingest(db, tmp_path / "in")
    return db


@pytest.mark.parametrize(
    ("args", "position", "command"),
    [
        (["search", "--db", "DB", BAD], 3, "search"),
        (["search", "--db", "DB", b"deploy" + BAD], 3, "search"),
        (["show", "--db", "DB", BAD], 3, "show"),
        (["recall", "--db", "DB", BAD], 3, "recall"),  # its own parser, before argparse
        (["sessions", "--db", "DB", "--project", BAD], 4, "sessions"),
        (["lessons", "show", BAD, "--db", "DB"], 2, "lessons"),
        (["ingest", "--db", "DB", b"/tmp/" + BAD], 3, "ingest"),
        (["run", "--db", "DB", "-e", BAD, "--", "true"], 4, "run"),  # a wing's own parser
        (["forget", "project", BAD, "--db", "DB", "--yes"], 2, "forget"),
    ],
)
def test_every_command_refuses_an_argument_that_is_not_utf8(
    store: Path, tmp_path: Path, args: list[str | bytes], position: int, command: str
) -> None:
    before = store.read_bytes()
    given = [store if a == "DB" else a for a in args]
    done = _lessonloop(*given, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    shown = (
        "'deploy\\xff\\xfe'"
        if b"deploy" + BAD in args
        else ("'/tmp/\\xff\\xfe'" if command == "ingest" else "'\\xff\\xfe'")
    )
    assert done.stderr == (
        f"Error: the argument {shown} (argument {position} of `lessonloop {command}`) is not valid UTF-8: "
        "lessonloop reads its arguments, paths included, as UTF-8 text\n"
    )
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert store.read_bytes() == before  # nothing ran


def test_the_command_word_itself_and_a_store_path(tmp_path: Path) -> None:
    word = _lessonloop(BAD, cwd=tmp_path)
    assert word.returncode == 2 and word.stderr.startswith("Error: the argument '\\xff\\xfe' is not valid UTF-8")
    missing = tmp_path / "new.db"
    path = _lessonloop("stats", "--db", os.fsencode(missing) + BAD, cwd=tmp_path)
    assert path.returncode == 2 and "is not valid UTF-8" in path.stderr
    assert list(tmp_path.iterdir()) == []  # no store was made


def test_the_command_lessonloop_run_runs_is_given_its_bytes(tmp_path: Path) -> None:
    """After `run --`, the words are another program's: passed on as the bytes given."""
    out = tmp_path / "out"
    script = "import sys, os; open(sys.argv[2], 'wb').write(os.fsencode(sys.argv[1]))"
    done = _lessonloop(
        "run", "--db", tmp_path / "runs.db", "--no-profile", "--", sys.executable, "-c", script, BAD, out, cwd=tmp_path
    )
    assert "is not valid UTF-8" not in done.stderr
    assert out.read_bytes() == BAD
