"""Every agent's ingest killed at random moments, then run to the end, equals a clean ingest.

tests/pipeline/test_incremental.py kills Claude Code's ingest; here the same is done to the other agents'
adapters, on copies of their real corpora (../shared/corpus) scaled up with distinct ids
(tests/corpus_copies.py) so that a run stores for long enough to be killed midway: Codex
rollouts and Aider histories (read as lines, several chunks and restart points), Gemini session
files and OpenCode sessions in a legacy storage/ tree and in an opencode.db (read as units,
several units to a transaction).

Each run is a real `lessonloop ingest --no-analyze` process (SIGKILL, no chance to clean up),
continuing what the killed ones left; a last run goes to the end and the store must equal the
one a single uninterrupted run leaves (tests/conftest.py dump_store). Analysis and learning are
left out: they come after capture, are the same for every agent, and the Claude Code test kills
them; here the kills fall while the adapters' records are being stored.

For the agents whose files grow (Codex, Aider: read as lines from where the last run stopped),
the files are also written in parts, cut anywhere (mid-line, mid-character), with killed runs
between the parts: the store must end as a clean ingest of the final files leaves it.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests import corpus_copies as copies
from tests.conftest import dump_store, store_differences


def _ingest_command(db: Path, folder: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "lessonloop",
        "ingest",
        "--db",
        str(db),
        "--no-progress",
        "--no-analyze",
        "--json",
        str(folder),
    ]


def _run_to_the_end(db: Path, folder: Path) -> float:
    """One uninterrupted ingest; its duration in seconds."""
    started = time.perf_counter()
    done = subprocess.run(_ingest_command(db, folder), capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
    return time.perf_counter() - started


def _progress(db: Path) -> dict[str, int]:
    """How far each file (or unit) was read according to the store: path -> offset. Read-only,
    so the store stays as the killed process left it (an unrecovered -wal included)."""
    if not db.exists():
        return {}
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    except sqlite3.Error:
        return {}
    try:
        return dict(conn.execute("SELECT path, offset FROM source_files").fetchall())
    except sqlite3.Error:
        return {}  # killed before the store's tables were made
    finally:
        conn.close()


def _stored(db: Path) -> int:
    """Bytes the store says were read and stored, all files and units together."""
    return sum(_progress(db).values())


@dataclass(slots=True)
class Kills:
    """Runs killed with SIGKILL at random moments, and what they had done by then.

    A run is killed either at a moment drawn over the time it would take (start-up included),
    or once it has stored something, after a random part of the time its reading would take
    (estimated from the bytes it has left to read): so some kills fall in start-up, some while
    records are written, some between transactions. Counted: the runs killed while running, and
    those killed after storing part of their work (the store grew, and is not yet what a clean
    run leaves)."""

    rng: random.Random
    duration: float  # seconds of an uninterrupted run reading everything
    total: int  # bytes of everything (what the store's offsets add up to after a clean run)
    killed: int = 0
    midway: int = 0
    moments: list[str] = field(default_factory=list)

    def run_killed(self, db: Path, folder: Path, complete: dict[str, int] | None = None, written: int = 0) -> None:
        before = _stored(db)
        left = max(0.0, (written or self.total) - before) / max(1, self.total)
        once_stored = self.rng.random() < 2 / 3
        process = subprocess.Popen(_ingest_command(db, folder), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started = time.perf_counter()
        try:
            if once_stored:
                while process.poll() is None and _stored(db) == before:
                    time.sleep(0.005)
                time.sleep(self.rng.uniform(0, self.duration * left / 3))
            else:
                time.sleep(self.rng.uniform(0.05, self.duration * max(left, 0.25)))
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                self.killed += 1
        finally:
            process.wait(timeout=300)
        self.moments.append(f"{time.perf_counter() - started:.3f}{'s' if once_stored else ''}")
        if process.returncode == -signal.SIGKILL and _stored(db) > before and _progress(db) != complete:
            self.midway += 1

    def too_few(self, agent: str) -> str:
        return (
            f"{agent}: {self.killed} runs killed before they ended, {self.midway} after storing part of their work"
            f" (killed after {self.moments} s; 's': once the run had stored something): the input is too small"
            " for this machine"
        )


# --------------------------------------------------------------------------- inputs

# Sizes: a clean run of each stores for a second or two on a 2-core machine (issue 60's redaction
# made ingest slower per MB: 24 Codex copies and 100 Gemini ones took 9 s a run, the kills no more
# likely to fall midway).
CODEX_COPIES = 4  # of the 2 rollouts (1.26 MB): 8 files, 5 MB
GEMINI_COPIES = 50  # of the 2 session files (153 KB): 100 units, 7.6 MB (several transactions to kill between)
OPENCODE_COPIES = 600  # of the storage sample's session: 300 in storage/, 300 in an opencode.db


def _need(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"corpus not found at {path} (the ../shared folder is absent)")


def codex_input(folder: Path) -> None:
    _need(copies.CODEX_CORPUS)
    copies.codex_copies(folder, CODEX_COPIES)


def gemini_input(folder: Path) -> None:
    _need(copies.GEMINI_CORPUS)
    copies.gemini_copies(folder, GEMINI_COPIES)


def opencode_input(folder: Path) -> None:
    _need(copies.OPENCODE_CORPUS)
    sessions = copies.opencode_copies(OPENCODE_COPIES)
    half = len(sessions) // 2
    copies.write_opencode_storage(folder / "storage", sessions[:half])
    copies.write_opencode_db(folder / "opencode.db", sessions[half:])


def aider_files() -> dict[str, bytes]:
    """Two histories: the corpus followed by a copy of it a year later (8.3 MB: two chunks of
    line_reader.BLOCK_BYTES), and the corpus alone."""
    _need(copies.AIDER_CORPUS)
    data = copies.AIDER_CORPUS.read_bytes()
    return {
        f"a/{copies.AIDER_HISTORY}": data + copies.aider_history_copy(data, 1),
        f"b/{copies.AIDER_HISTORY}": data,
    }


def aider_input(folder: Path) -> None:
    for name, data in aider_files().items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)


INPUTS: dict[str, Callable[[Path], None]] = {
    "codex": codex_input,
    "gemini": gemini_input,
    "opencode": opencode_input,
    "aider": aider_input,
}

ATTEMPTS = 4  # stores built by killed runs, each compared with the clean one
KILLS_PER_ATTEMPT = 3
# More attempts while fewer than two kills fell midway, or fewer runs were killed than ATTEMPTS: on
# a loaded machine start-up takes longer and a run's kills may all land before it stores anything,
# and a run faster than the clean one measured may end before its kill (the check below still asks
# for both).
EXTRA_ATTEMPTS = 4


@pytest.mark.slow
@pytest.mark.corpus
@pytest.mark.parametrize("agent", sorted(INPUTS))
def test_an_ingest_killed_at_any_moment_then_run_again_equals_a_clean_ingest(agent: str, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    INPUTS[agent](folder)
    clean_db = tmp_path / "clean.db"
    duration = _run_to_the_end(clean_db, folder)
    expected = dump_store(clean_db)
    assert expected["sessions"], f"the clean ingest of the {agent} input stored no session"
    complete = _progress(clean_db)
    kills = Kills(random.Random(f"kill {agent}"), duration, sum(complete.values()))
    attempt = 0
    while attempt < ATTEMPTS or ((kills.midway < 2 or kills.killed < ATTEMPTS) and attempt < ATTEMPTS + EXTRA_ATTEMPTS):
        db = tmp_path / f"killed{attempt}.db"
        first = len(kills.moments)
        for _ in range(KILLS_PER_ATTEMPT):
            kills.run_killed(db, folder, complete)
        _run_to_the_end(db, folder)
        differences = store_differences(expected, dump_store(db))
        assert not differences, (
            f"{agent}: store differs after kills at {kills.moments[first:]} s (attempt {attempt}):\n"
            + "\n".join(differences)
        )
        attempt += 1
    assert kills.killed >= ATTEMPTS and kills.midway >= 2, kills.too_few(agent)


# --------------------------------------------------------------------------- files that grow


def codex_files(scratch: Path) -> dict[str, bytes]:
    _need(copies.CODEX_CORPUS)
    written = copies.codex_copies(scratch, CODEX_COPIES)
    return {str(path.relative_to(scratch)): path.read_bytes() for path in written}


GROWING: dict[str, Callable[[Path], dict[str, bytes]]] = {
    "codex": codex_files,
    "aider": lambda _scratch: aider_files(),
}
PARTS = 3  # each file is written in this many parts
KILLS_PER_PART = 3


def _grow_once(final: dict[str, bytes], scratch: Path, rng: random.Random, kills: Kills) -> str:
    """The files written in parts with killed runs between them, then read to the end: the
    differences from a clean ingest of the final files (none expected)."""
    folder = scratch / "in"
    # Where each file is cut: anywhere (mid-line, mid-character), the last part ends the file.
    cuts = {name: [*sorted(rng.sample(range(1, len(data)), PARTS - 1)), len(data)] for name, data in final.items()}
    for name in final:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(b"")
    db = scratch / "grown.db"
    written = dict.fromkeys(final, 0)
    first = len(kills.moments)
    for part in range(PARTS):
        for name, data in final.items():
            with open(folder / name, "ab") as handle:
                handle.write(data[written[name] : cuts[name][part]])
            written[name] = cuts[name][part]
        for _ in range(KILLS_PER_PART):
            kills.run_killed(db, folder, written=sum(written.values()))
        if rng.random() < 0.5:
            _run_to_the_end(db, folder)  # sometimes a run reads this part whole
    for _ in range(KILLS_PER_PART):
        kills.run_killed(db, folder, written=sum(written.values()))
    _run_to_the_end(db, folder)
    assert {name: (folder / name).read_bytes() for name in final} == final
    clean_db = scratch / "clean.db"
    _run_to_the_end(clean_db, folder)
    differences = store_differences(dump_store(clean_db), dump_store(db))
    return "\n".join(
        [f"store differs (kills at {kills.moments[first:]} s, cuts {cuts}):", *differences] if differences else []
    )


# More rounds of growing files while too few runs were killed: a run that reads a whole part
# before its kill leaves the part's other runs nothing to do (on a slow or loaded machine
# start-up can take most of a part), so a round may kill fewer than PARTS runs.
EXTRA_ROUNDS = 3


@pytest.mark.slow
@pytest.mark.corpus
@pytest.mark.parametrize("agent", sorted(GROWING))
def test_files_appended_between_killed_ingests_end_equal_to_a_clean_ingest(agent: str, tmp_path: Path) -> None:
    final = GROWING[agent](tmp_path / "scratch")
    rng = random.Random(f"grow {agent}")
    timing = tmp_path / "timing"
    for name, data in final.items():
        (timing / name).parent.mkdir(parents=True, exist_ok=True)
        (timing / name).write_bytes(data)
    duration = _run_to_the_end(tmp_path / "timing.db", timing)
    kills = Kills(rng, duration, sum(len(data) for data in final.values()))
    round_ = 0
    while round_ < 1 or ((kills.killed < PARTS or kills.midway < 2) and round_ < 1 + EXTRA_ROUNDS):
        differences = _grow_once(final, tmp_path / f"round{round_}", rng, kills)
        assert not differences, f"{agent}, round {round_}: {differences}"
        round_ += 1
    assert kills.killed >= PARTS and kills.midway >= 2, kills.too_few(agent)
