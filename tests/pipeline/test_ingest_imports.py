"""What `lessonloop ingest` imports when nothing is new (issue 43, item 2: a refresh costs what is
new). The transcripts were read and learned from by a first ingest; a second finds every file
unchanged, so learning is skipped on its marks (learning/runs/run.py) and nothing is parsed,
analyzed or learned: none of the learner, the analyzers, the parsers' records, the embedding
model's code or the overview's classifier may be imported. The census is `-X importtime` of a
real process, as tests/cli/test_command_imports.py takes it for the reading commands; a first ingest
shows that the census sees them."""

from __future__ import annotations

import os
from pathlib import Path

from tests.import_census import command_imports
from tests.transcript_builder import TranscriptBuilder

NOT_FOR_NOTHING_NEW = (
    "lessonloop.learning.engine.engine",
    "lessonloop.learning.engine.learner_state",
    "lessonloop.learning.engine.correction_lessons",
    "lessonloop.learning.runs.stream",
    "lessonloop.learning.runs.batch",
    "lessonloop.learning.runs.loaded_history",
    "lessonloop.store.lessons.writer",
    "lessonloop.analyze.session_analysis",
    "lessonloop.analyze.error_classes",
    "lessonloop.analyze.instructions",
    "lessonloop.apply.embeddings",
    "lessonloop.agents.claude.reader.parser",
)


def _imported(*args: str, env: dict[str, str]) -> set[str]:
    names = command_imports(env, "ingest", *args, timeout=300)
    assert "lessonloop.pipeline.ingest_job" in names  # the census works
    return names


def _found(names: set[str]) -> list[str]:
    return sorted(n for n in NOT_FOR_NOTHING_NEW if n in names)


def test_an_ingest_with_nothing_new_imports_no_learning_no_analysis(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    for n in range(2):
        t = TranscriptBuilder()
        t.prompt(f"fix the tests {n}")
        t.bash("pytest -q", "1 failed", exit_code=1)
        t.write(folder / f"{t.session_id}.jsonl")
    env = {**os.environ, "LESSONLOOP_CONFIG": str(tmp_path / "none.toml"), "HOME": str(tmp_path / "home")}
    env.pop("LESSONLOOP_EMBEDDINGS", None)  # as installed: learning must not load the model either way
    db = str(tmp_path / "s.db")
    first = _imported("--db", db, str(folder), env=env)
    assert {"lessonloop.learning.engine.engine", "lessonloop.analyze.session_analysis"} <= first  # it learned
    assert "lessonloop.apply.embeddings" not in first  # learning embeds nothing (recall does)
    again = _imported("--db", db, str(folder), env=env)
    assert _found(again) == []
