"""benchmarks/replay_agents.py: each labels file finds its corpus through its "corpus" field, and
the script tables replay against the labels (all and per part) and replay's own counts for a
corpus without labels."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from benchmarks.replay_agents import corpus_of

from tests.conftest import REPO_ROOT
from tests.transcript_builder import write_push_sessions

LABELS = REPO_ROOT / "tests" / "data" / "labels"


def test_the_corpus_field_names_the_folder_in_both_forms() -> None:
    assert corpus_of("claude-code/spotter (../shared/corpus/claude-code/spotter)") == "claude-code/spotter"
    assert corpus_of("../shared/corpus/codex/zo-qore") == "codex/zo-qore"
    assert corpus_of("../shared/corpus/codex/zo-qore/") == "codex/zo-qore"
    assert corpus_of("aider/aider-dev (../shared/corpus/aider/aider-dev, chat-history.md)") == "aider/aider-dev"
    assert corpus_of("a corpus of someone's") is None
    for path in sorted(LABELS.glob("*.json")):
        field = json.loads(path.read_text(encoding="utf-8")).get("corpus", "")
        assert corpus_of(field) is not None, path.name


@pytest.mark.slow
def test_the_script_tables_labelled_parts_and_corpora_without_labels(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    s1, s2, s3 = write_push_sessions(root / "claude-code" / "app")
    write_push_sessions(root / "claude-code" / "other")
    second = next(r for r in s2.records if r["type"] == "assistant")["message"]["content"][0]["id"]
    third = next(r for r in s3.records if r["type"] == "assistant")["message"]["content"][0]["id"]
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "app.json").write_text(
        json.dumps(
            {
                "corpus": "../shared/corpus/claude-code/app",
                "repeats": [
                    {"session": s2.session_id, "tool_use_id": second},
                    {"session": s3.session_id, "tool_use_id": third},
                    {"session": s3.session_id, "tool_use_id": "toolu_no_result"},
                ],
                "not_repeats": [],
                "parts": {"tune": [s1.session_id, s3.session_id], "report": [s2.session_id]},
            }
        )
    )
    (labels / "nowhere.json").write_text(json.dumps({"corpus": "../shared/corpus/codex/gone", "repeats": []}))
    script = [sys.executable, str(REPO_ROOT / "benchmarks" / "replay_agents.py")]
    given = ["--corpus-root", str(root), "--labels-dir", str(labels)]
    done = subprocess.run([*script, *given, "--json"], capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    rows = {(row["corpus"], row["part"]): row for row in data["rows"]}
    assert set(rows) == {
        ("claude-code/app", "all"),
        ("claude-code/app", "tune"),
        ("claude-code/app", "report"),
        ("claude-code/other", "no labels: replay's own repeats"),
    }
    # the second push: its lesson failed in one session only, of the same project, and names its
    # remedy: stopped once (issue 80); the third is stopped before it runs (two failing sessions)
    everything = rows["claude-code/app", "all"]
    assert (everything["warned"], everything["stopped"], everything["repeats"]) == (2, 2, 3)
    assert everything["false_stops"] == 0 and everything["successful_calls"] > 0
    assert rows["claude-code/app", "report"]["steps"]["warned"] == 1
    assert rows["claude-code/app", "tune"]["steps"]["not seen as a failure"] == 1
    assert rows["claude-code/app", "tune"]["lessons_right"] == 1
    own = rows["claude-code/other", "no labels: replay's own repeats"]
    assert (own["warned"], own["stopped"], own["repeats"]) == (2, 2, 2)  # (the second: the one-off of its project)
    assert data["problems"] == [f"nowhere.json: corpus codex/gone not found under {root}"]
    text = subprocess.run(
        [*script, *given, "--corpus", "claude-code/app"], capture_output=True, text=True, timeout=600, check=False
    )
    assert text.returncode == 0, text.stderr
    out = text.stdout
    assert out.startswith(
        f"```sh\n.venv/bin/python benchmarks/replay_agents.py {' '.join(given)} --corpus claude-code/app\n```"
    )
    assert "### claude-code" in out and "claude-code/other" not in out
    assert (
        "| claude-code/app (app.json) | tune | 1 of 2 (50.0%) | 0 (0.00) | 1 of 2 (50.0%) | 0 of 2 (0.00%) | 1 | 1 |"
        in out
    ), out
