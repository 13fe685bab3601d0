"""New files parsed in worker processes (pipeline/parallel_parse.py) are stored exactly as a
serial read stores them: same rows, same counts, same problems."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from lessonloop.capture.agents import for_format
from lessonloop.capture.discovery import SourceRef
from lessonloop.capture.privacy import BatchScreen, CapturePolicy
from lessonloop.pipeline import parallel_parse
from lessonloop.pipeline.ingest import IngestSummary, NoProgress, _store_from_worker
from lessonloop.pipeline.parallel_parse import ENV_WORKERS, ParsedFile, workers_for
from lessonloop.sample import sample_transcripts
from lessonloop.store.connection import open_store
from lessonloop.store.sessions.forgotten import forgotten_session_ids
from tests.conftest import SHARED_CORPUS, dump_store, run_ingest
from tests.corpus_copies import claude_code_copies

SPOTTER = SHARED_CORPUS / "claude-code" / "spotter"


def _summary_facts(summary: IngestSummary) -> dict[str, object]:
    return {
        "files_read": summary.files_read,
        "files_failed": summary.files_failed,
        "records": summary.records,
        "lines": summary.lines,
        "bytes_read": summary.bytes_read,
        "tool_calls": summary.tool_calls,
        "messages": summary.messages,
        "redactions": summary.redactions,
        "problems": sorted((p.path, p.line, p.code) for p in summary.problems),
        "notices": sorted((p.path, p.line, p.code) for p in summary.notices),
        "pending": sorted((p.path, p.line) for p in summary.pending),
    }


def _both_ways(tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from_workers: list[str] = []
    real = parallel_parse.parsed_in_workers

    def counted(*args: object, **kwargs: object) -> Iterator[ParsedFile]:
        for parsed in real(*args, **kwargs):  # type: ignore[arg-type]
            if parsed.items is not None:
                from_workers.append(parsed.path)
            yield parsed

    monkeypatch.setattr(parallel_parse, "parsed_in_workers", counted)
    results = {}
    for workers in ("0", "2"):
        monkeypatch.setenv(ENV_WORKERS, workers)
        db = tmp_path / f"store-{workers}.db"
        summary = run_ingest(db, folder)
        assert summary.parse_workers == int(workers) and summary.to_json()["parse_workers"] == int(workers)
        results[workers] = (dump_store(db), _summary_facts(summary))
    serial, parallel = results["0"], results["2"]
    files_read = serial[1]["files_read"]
    assert isinstance(files_read, int) and len(from_workers) == files_read >= 2  # all parsed by workers
    assert serial[1]["files_read"] and serial[1]["tool_calls"], serial[1]  # something was read
    assert parallel[1] == serial[1]
    assert parallel[0] == serial[0]


def test_sample_copies_stored_the_same_in_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "projects"
    claude_code_copies(folder, 3, sample_transcripts())
    # a line cut short and one that is not JSON: reported the same way by a worker
    broken = next(iter(sorted(folder.rglob("*.jsonl"))))
    broken.write_bytes(broken.read_bytes() + b"{not json}\n" + b'{"type": "user", "message": {"content": "cut')
    assert len(list(folder.rglob("*.jsonl"))) >= 3
    _both_ways(tmp_path, folder, monkeypatch)


@pytest.mark.slow
@pytest.mark.skipif(not SPOTTER.is_dir(), reason="needs ../shared/corpus/claude-code/spotter (the shared corpus)")
def test_spotter_stored_the_same_in_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "spotter"
    shutil.copytree(SPOTTER, folder)
    _both_ways(tmp_path, folder, monkeypatch)


def test_a_file_the_workers_could_not_read_is_read_here(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "store.db")
    adapter = for_format("claude-code")
    assert adapter is not None
    ref = SourceRef(str(tmp_path / "gone.jsonl"), "claude-code", False, False, "claude-code")
    summary = IngestSummary()
    screen = BatchScreen(CapturePolicy.load(), forgotten_session_ids(conn))
    stored = _store_from_worker(conn, ref, adapter, ParsedFile(ref.path, None, None), summary, NoProgress(), screen)
    assert stored is False  # left to the serial path, which reports why it cannot be read
    assert conn.execute("SELECT count(*) FROM source_files").fetchone()[0] == 0


def test_worker_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_WORKERS, raising=False)
    big = parallel_parse.PARALLEL_MIN_BYTES
    assert workers_for(big - 1, 10) == 0  # too little to be worth a pool
    assert workers_for(big, 1) == 0  # one file: nothing to share
    assert workers_for(big, 10) in (0, *range(2, parallel_parse.MAX_WORKERS + 1))
    monkeypatch.setenv(ENV_WORKERS, "3")
    assert workers_for(10, 5) == 3  # asked for: used whatever the size
    assert workers_for(10, 1) == 0
    monkeypatch.setenv(ENV_WORKERS, "1")
    assert workers_for(big, 10) == 0
    monkeypatch.setenv(ENV_WORKERS, "many")
    assert workers_for(big - 1, 10) == 0  # not a number: the default


def test_a_script_without_a_main_guard_runs_once(tmp_path: Path) -> None:
    """A library user's script that calls ingest() at its top level: the workers must not run it
    again (multiprocessing's spawn and forkserver would, once per worker)."""
    folder = tmp_path / "projects"
    claude_code_copies(folder, 3, sample_transcripts())
    marker = tmp_path / "ran.txt"
    script = tmp_path / "user_script.py"
    script.write_text(
        "import sys\n"
        "from pathlib import Path\n"
        "from lessonloop.pipeline.ingest import discover, ingest\n"
        "from lessonloop.store.connection import open_store\n"
        f"with open({str(marker)!r}, 'a') as out:\n"
        "    out.write('ran\\n')\n"
        f"conn = open_store(Path({str(tmp_path / 'store.db')!r}))\n"
        f"sources, summary = discover([{str(folder)!r}])\n"
        "ingest(conn, sources, summary)\n"
        "print(summary.files_read)\n"
    )
    env = dict(os.environ, **{ENV_WORKERS: "2"})
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert marker.read_text() == "ran\n"
    assert int(done.stdout.strip()) >= 3
