"""What learning's reading of reads' and searches' results costs (issue 61): a full relearn
(`learn_store(force=True)`) with learning's call query as it is (a read's or a search's result
read: learn/file_views.py) against the same query reading no result (as before), interleaved
with the order alternated each round, after one warm-up round, on one store the corpus was
ingested into.

Run: `.venv/bin/python benchmarks/learn_read_results.py CORPUS_FOLDER ROUNDS`
(LESSONLOOP_EMBEDDINGS=off, LESSONLOOP_CONFIG pointing at no file).
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lessonloop.pipeline.learning.run import learn_store
from lessonloop.pipeline.live_ingest import ingest_transcripts
from lessonloop.store.connection import open_store
from lessonloop.store.learning import reader
from lessonloop.store.sessions.reader import CALL_COLUMNS


def select(columns: str) -> str:
    """Learning's call query with these call columns (store/learning/reader.py's)."""
    tail = "m.id, m.project, m.git_branch, m.cwd, m.agent, e.class, coalesce(s.started_at, m.started_at)"
    return f"SELECT {columns}, {tail} {reader._FROM}"


def main(corpus: Path, rounds: int) -> None:
    before = ", ".join(
        "NULL" if name.strip() in ("result_text", "diff") else f"t.{name.strip()}" for name in CALL_COLUMNS.split(",")
    )
    variants = {"now": select(reader._T_COLUMNS), "before": select(before)}
    times: dict[str, list[float]] = {name: [] for name in variants}
    with tempfile.TemporaryDirectory() as folder:
        shutil.copytree(corpus, Path(folder) / "corpus")
        conn = open_store(Path(folder) / "store.db")
        try:
            ingest_transcripts(conn, [str(Path(folder) / "corpus")], bandit=False)
            for round_ in range(rounds + 1):  # round 0: the warm-up
                for name in list(variants) if round_ % 2 else list(variants)[::-1]:
                    reader._CALL_SELECT = variants[name]
                    start = time.perf_counter()
                    learn_store(conn, force=True)
                    if round_:
                        times[name].append(time.perf_counter() - start)
        finally:
            conn.close()
    for name, seconds in times.items():
        print(name, round(statistics.median(seconds), 3), [round(x, 3) for x in seconds])
    print("ratio now/before", round(statistics.median(times["now"]) / statistics.median(times["before"]), 3))


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
