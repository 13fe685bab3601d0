"""Incremental, idempotent ingest: appends, partial lines, truncation, rewrites, kills, races."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lessonloop.capture import line_reader
from tests.conftest import Dump, dump_store, run_ingest, store_differences
from tests.transcript_builder import TranscriptBuilder


def busy_session(turns: int, *, session_id: str | None = None) -> TranscriptBuilder:
    """A session with prompts, tool calls (some failing), edits and multi-line responses."""
    t = TranscriptBuilder(session_id=session_id) if session_id else TranscriptBuilder()
    for turn in range(turns):
        t.prompt(f"step {turn}: make the tests pass")
        t.say(f"Looking at step {turn}.", output_tokens=turn + 1)
        read = t.tool_use("Read", {"file_path": f"/home/dev/project/m{turn % 7}.py"})
        t.tool_result(read, f"     1→def f{turn}():\n     2→    return {turn}\n", is_error=False)
        edit = t.tool_use(
            "Edit",
            {
                "file_path": f"/home/dev/project/m{turn % 7}.py",
                "old_string": f"return {turn}",
                "new_string": f"return {turn + 1}",
            },
        )
        t.tool_result(edit, "The file has been updated.")
        t.bash("pytest -q", "1 failed" if turn % 3 == 0 else "5 passed", exit_code=1 if turn % 3 == 0 else 0)
    return t


def clean_dump(tmp_path: Path, content: bytes, name: str) -> Dump:
    """The store a single uninterrupted ingest of `content` (at the same path) leaves."""
    return clean_dump_of(tmp_path, {name: content})


def clean_dump_of(tmp_path: Path, files: dict[str, bytes]) -> Dump:
    """The store one uninterrupted ingest of these files (relative path -> bytes) leaves."""
    folder = tmp_path / "clean-input"
    if folder.exists():
        shutil.rmtree(folder)
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    db = tmp_path / "clean" / "store.db"
    if db.parent.exists():
        shutil.rmtree(db.parent)
    run_ingest(db, folder)
    # Make the dump independent of the folder it was read from.
    return _relocate(dump_store(db), str(folder), "<input>")


def _relocate(dump: Dump, old: str, new: str) -> Dump:
    def swap(value: object) -> object:
        return value.replace(old, new) if isinstance(value, str) else value

    return {
        table: sorted((tuple((k, swap(v)) for k, v in row) for row in rows), key=repr) for table, rows in dump.items()
    }


def store_dump(db: Path, folder: Path) -> Dump:
    return _relocate(dump_store(db), str(folder), "<input>")


def test_second_ingest_reads_nothing_and_changes_nothing(tmp_path: Path, db_path: Path) -> None:
    t = busy_session(20)
    folder = tmp_path / "in"
    t.write(folder / f"{t.session_id}.jsonl")
    first = run_ingest(db_path, folder)
    before = dump_store(db_path)
    second = run_ingest(db_path, folder)
    assert first.files_read == 1 and first.tool_calls == 60
    assert (second.files_read, second.files_unchanged, second.bytes_read, second.records) == (0, 1, 0, 0)
    assert dump_store(db_path) == before


def test_appended_lines_are_read_from_where_the_last_run_stopped(tmp_path: Path, db_path: Path) -> None:
    t = busy_session(30)
    lines = t.lines()
    folder = tmp_path / "in"
    path = folder / f"{t.session_id}.jsonl"
    folder.mkdir()
    # Cut between a tool call and its result, so the pairing spans two runs.
    cut = next(i for i, line in enumerate(lines) if b'"tool_use"' in line and i > len(lines) // 2) + 1
    path.write_bytes(b"".join(lines[:cut]))
    run_ingest(db_path, folder)
    with open(path, "ab") as handle:
        handle.write(b"".join(lines[cut:]))
    second = run_ingest(db_path, folder)
    assert second.bytes_read == len(b"".join(lines[cut:]))
    assert second.lines == len(lines) - cut
    assert store_dump(db_path, folder) == clean_dump(tmp_path, b"".join(lines), path.name)


def test_a_line_still_being_written_waits_for_the_next_run(tmp_path: Path, db_path: Path) -> None:
    t = busy_session(3)
    lines = t.lines()
    folder = tmp_path / "in"
    path = folder / f"{t.session_id}.jsonl"
    folder.mkdir()
    half = len(lines[-1]) // 2
    path.write_bytes(b"".join(lines[:-1]) + lines[-1][:half])
    first = run_ingest(db_path, folder)
    assert first.problems == []
    assert [(p.line, p.bytes) for p in first.pending] == [(len(lines), half)]
    assert first.lines == len(lines) - 1
    with open(path, "ab") as handle:
        handle.write(lines[-1][half:])
    second = run_ingest(db_path, folder)
    assert second.lines == 1 and second.pending == []
    assert store_dump(db_path, folder) == clean_dump(tmp_path, b"".join(lines), path.name)


def test_a_complete_line_without_newline_is_read_once_the_file_is_quiet(tmp_path: Path, db_path: Path) -> None:
    t = busy_session(3)
    lines = t.lines()
    folder = tmp_path / "in"
    path = folder / f"{t.session_id}.jsonl"
    folder.mkdir()
    path.write_bytes(b"".join(lines[:-1]) + lines[-1].rstrip(b"\n"))
    assert run_ingest(db_path, folder).pending  # just written: it may still grow
    old = time.time() - 3600
    os.utime(path, (old, old))
    quiet = run_ingest(db_path, folder)
    assert quiet.pending == [] and quiet.lines == 1
    # The newline and more lines arrive later: nothing is stored twice, nothing is reported.
    more = TranscriptBuilder(session_id=t.session_id)
    more.prompt("one more thing")
    with open(path, "ab") as handle:
        handle.write(b"\n" + b"".join(more.lines()))
    later = run_ingest(db_path, folder)
    assert later.problems == [] and later.lines == 1
    assert store_dump(db_path, folder) == clean_dump(tmp_path, b"".join(lines) + b"".join(more.lines()), path.name)


RECORDS = ("sessions", "messages", "tool_calls", "token_usage")


def _records(db: Path) -> Dump:
    """The tables of what a transcript holds (sessions, messages, calls, tokens)."""
    dump = dump_store(db)
    return {table: dump[table] for table in RECORDS}


def test_a_truncated_file_keeps_its_records_and_is_read_on_from_its_new_end(tmp_path: Path, db_path: Path) -> None:
    """Cut short (a crash, a full disk): what was read of it stays (issue 60); the lines written
    after the cut are read as any appended lines are."""
    t = busy_session(30)
    lines = t.lines()
    folder = tmp_path / "in"
    path = t.write(folder / f"{t.session_id}.jsonl")
    run_ingest(db_path, folder)
    before = _records(db_path)
    path.write_bytes(b"".join(lines[: len(lines) // 3]))
    again = run_ingest(db_path, folder)
    assert again.files_replaced == 1
    assert [(p.code, p.path) for p in again.problems] == [("damaged-file", str(path))]
    assert "it is shorter" in again.problems[0].detail
    assert _records(db_path) == before
    with path.open("ab") as handle:  # the agent writes the rest again
        handle.write(b"".join(lines[len(lines) // 3 :]))
    after = run_ingest(db_path, folder)
    assert not after.problems and not after.files_replaced
    dump = store_dump(db_path, folder)
    assert {table: dump[table] for table in RECORDS} == _records_of(tmp_path, b"".join(lines), path.name)


def test_a_rewritten_file_keeps_what_it_stored_and_adds_what_is_new(tmp_path: Path, db_path: Path) -> None:
    folder = tmp_path / "in"
    original = busy_session(10, session_id="11111111-2222-4333-8444-555555555555")
    path = original.write(folder / f"{original.session_id}.jsonl")
    run_ingest(db_path, folder)
    before = _records(db_path)
    rewritten = busy_session(25, session_id="11111111-2222-4333-8444-555555555555")
    rewritten.records[0]["message"]["content"] = "a different first prompt"
    path.write_bytes(b"".join(rewritten.lines()))
    again = run_ingest(db_path, folder)
    assert again.files_replaced == 1
    assert [p.code for p in again.problems] == ["damaged-file"]
    after = _records(db_path)
    for table in RECORDS:
        assert set(before[table]) <= set(after[table]), table  # every row stored stays as it was
    clean = _records_of(tmp_path, b"".join(rewritten.lines()), path.name)
    for table in ("messages", "tool_calls"):  # and the rewrite's new records are added
        assert len(after[table]) == len(clean[table]), table


def _records_of(tmp_path: Path, content: bytes, name: str) -> Dump:
    clean = clean_dump(tmp_path, content, name)
    return {table: clean[table] for table in RECORDS}


def test_records_shared_by_two_files_survive_when_one_is_cut_short(tmp_path: Path, db_path: Path) -> None:
    # An older Claude Code copied a session's history into the file of its resumed session.
    base = busy_session(6)
    folder = tmp_path / "in"
    first = base.write(folder / "a" / f"{base.session_id}.jsonl")
    resumed = TranscriptBuilder(session_id="99999999-2222-4333-8444-555555555555")
    resumed.prompt("continue where we were")
    second = folder / "b" / f"{resumed.session_id}.jsonl"
    second.parent.mkdir(parents=True)
    second.write_bytes(b"".join(base.lines()) + b"".join(resumed.lines()))
    run_ingest(db_path, folder)
    before = _records(db_path)
    first.write_bytes(b"".join(base.lines()[:4]))  # the first file is truncated
    again = run_ingest(db_path, folder)
    # Nothing is deleted, so the second file need not be read again to restore what they share.
    assert again.files_replaced == 1 and again.files_unchanged == 1
    assert _records(db_path) == before


def test_a_deleted_transcript_keeps_its_records(tmp_path: Path, db_path: Path) -> None:
    # Claude Code deletes old transcripts: what was stored from them stays.
    base = busy_session(4)
    folder = tmp_path / "in"
    gone = base.write(folder / "a" / f"{base.session_id}.jsonl")  # read first: its records are its own
    kept = folder / "b" / f"{base.session_id}.jsonl"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(gone.read_bytes())
    run_ingest(db_path, folder)
    before = dump_store(db_path)
    gone.unlink()
    assert run_ingest(db_path, folder).notices == []  # a deleted file is simply not read
    kept.write_bytes(b"".join(base.lines()[:6]))  # truncated: what it stored stays too
    again = run_ingest(db_path, folder)
    assert [(p.code, p.path) for p in again.problems] == [("damaged-file", str(kept))]
    assert again.notices == []
    after = dump_store(db_path)
    for table in RECORDS:
        assert after[table] == before[table], table
    assert run_ingest(db_path, folder).notices == []  # reported once


def test_many_small_chunks_store_what_one_read_stores(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    t = busy_session(40)
    folder = tmp_path / "in"
    path = t.write(folder / f"{t.session_id}.jsonl")
    monkeypatch.setattr(line_reader, "BLOCK_BYTES", 1024)  # every chunk commits on its own
    run_ingest(db_path, folder)
    assert store_dump(db_path, folder) == clean_dump(tmp_path, path.read_bytes(), path.name)


def _ingest_command(db: Path, folder: Path) -> list[str]:
    return [sys.executable, "-m", "lessonloop", "ingest", "--db", str(db), "--no-progress", "--json", str(folder)]


def _big_input(tmp_path: Path, corpus: Path | None) -> Path:
    folder = tmp_path / "in"
    if corpus is not None:
        shutil.copytree(corpus, folder)
    else:
        for index in range(6):
            busy_session(400).write(folder / f"s{index}" / f"{TranscriptBuilder().session_id}.jsonl")
    return folder


@pytest.mark.slow
def test_an_ingest_killed_at_any_moment_then_run_again_equals_a_clean_ingest(tmp_path: Path) -> None:
    from tests.conftest import CORPUS

    folder = _big_input(tmp_path, CORPUS if CORPUS.is_dir() else None)
    clean_db = tmp_path / "clean.db"
    subprocess.run(_ingest_command(clean_db, folder), check=True, capture_output=True)
    expected = dump_store(clean_db)
    started = time.perf_counter()
    subprocess.run(_ingest_command(tmp_path / "timing.db", folder), check=True, capture_output=True)
    duration = time.perf_counter() - started
    rng = random.Random(7)
    kills = 0
    for attempt in range(6):
        db = tmp_path / f"killed{attempt}.db"
        moments: list[float] = []
        # Kill several times at random moments, each run continuing what the last one left.
        for _ in range(3):
            process = subprocess.Popen(
                _ingest_command(db, folder), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            moment = rng.uniform(0.05, duration)
            moments.append(round(moment, 3))
            time.sleep(moment)
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                kills += 1
            process.wait()
        subprocess.run(_ingest_command(db, folder), check=True, capture_output=True)
        differences = store_differences(expected, dump_store(db))
        assert not differences, f"store differs after kills (attempt {attempt}, {moments}):\n" + "\n".join(differences)
    assert kills > 0, "no run was killed midway: the input is too small for this machine"


@pytest.mark.slow
def test_concurrent_ingests_store_everything_once(tmp_path: Path) -> None:
    from tests.conftest import CORPUS

    folder = _big_input(tmp_path, CORPUS if CORPUS.is_dir() else None)
    clean_db = tmp_path / "clean.db"
    subprocess.run(_ingest_command(clean_db, folder), check=True, capture_output=True)
    db = tmp_path / "raced.db"
    # Each waits for the others' write transactions: on a loaded machine (the whole suite on two
    # cores) one may hold the lock longer than the default 10 s wait, which is not what this checks.
    env = {**os.environ, "LESSONLOOP_BUSY_TIMEOUT_MS": "120000"}
    processes = [
        subprocess.Popen(_ingest_command(db, folder), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        for _ in range(3)
    ]
    for process in processes:
        _out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    differences = store_differences(dump_store(clean_db), dump_store(db))
    assert not differences, "\n".join(differences)
