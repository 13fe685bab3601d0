"""`lessonloop dataset quality` and `lessonloop dataset milestones` (issue 14, item 5) on real stores: the small
shared corpora ingested from copies, with planted records (duplicates, empty and clipped texts,
secrets) in real transcripts, and a real repository with repeated commit messages."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from lessonloop.dataset.milestones import MILESTONES, progress
from lessonloop.dataset.quality import distribution, percentile, repeats
from lessonloop.store import open_store
from tests.conftest import SHARED_CORPUS, cli, run_ingest
from tests.git_helpers import commit_file, make_repo
from tests.secret_samples import AWS_ID, GITHUB_PAT_CLASSIC
from tests.transcript_builder import TranscriptBuilder

_SMALL_CORPORA = ("aider/aider-dev", "gemini/codemie", "codex/codemie", "opencode/codemie")
_PLANTED_PROMPT = "planted: rename the quality fixture's widget"


def _corpora(tmp_path: Path) -> list[Path]:
    copies = []
    for name in _SMALL_CORPORA:
        source = SHARED_CORPUS / name
        if not source.is_dir():
            pytest.skip(f"shared corpus {source} is absent")
        copies.append(shutil.copytree(source, tmp_path / "corpus" / name.replace("/", "-")))
    return copies


def _planted(folder: Path, project: Path) -> Path:
    """Five Claude Code sessions:
    - two identical conversations under two ids (one duplicate session), each with a tool call;
    - a session whose prompt repeats the planted one, with no reply and no call;
    - a session whose tool result is longer than what is stored (clipped) and whose prompt holds
      an AWS key id and a GitHub token (two redaction markers)."""
    start = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
    for _ in range(2):
        b = TranscriptBuilder(cwd=str(project), start=start)
        b.prompt("planted: make the twin session")
        b.bash("ls", "a.py\n")
        b.say("Twin reply.")
        b.write(folder / f"{b.session_id}.jsonl")
    lone = TranscriptBuilder(cwd=str(project), start=start)
    lone.prompt(_PLANTED_PROMPT)
    lone.write(folder / f"{lone.session_id}.jsonl")
    other = TranscriptBuilder(cwd=str(project), start=start)
    other.prompt(_PLANTED_PROMPT)
    other.say("Renamed.")
    other.write(folder / f"{other.session_id}.jsonl")
    long = TranscriptBuilder(cwd=str(project), start=start)
    long.prompt(f"deploy with {AWS_ID} and {GITHUB_PAT_CLASSIC}")
    long.bash("cat big.log", "line of the log\n" * 400)
    long.say("Deployed.")
    long.write(folder / f"{long.session_id}.jsonl")
    return folder


def _quality(db: Path, *more: str) -> dict[str, Any]:
    result = cli("dataset", "quality", "--db", db, "--json", *more)
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = result.json()
    return data


def test_pure_parts() -> None:
    assert percentile([], 50) == 0
    assert [percentile([1, 2, 3, 4], p) for p in (10, 50, 90, 99)] == [1, 2, 4, 4]
    d = distribution([5, 1, 3])
    assert (d.count, d.percentiles[50], d.max, d.mean) == (3, 3, 5, 3.0)
    r = repeats(["a", " a ", "b", "", None, "c", "c", "c"])
    assert (r.groups, r.extra, r.top) == (2, 3, [("c", 3), ("a", 2)])


@pytest.mark.slow
def test_quality_counts_what_was_planted(tmp_path: Path) -> None:
    corpora = _corpora(tmp_path)
    base = tmp_path / "base.db"
    run_ingest(base, *corpora)
    before = _quality(base)

    project = make_repo(tmp_path / "app")
    commit_file(project, "a.py", "a = 1\n", "chore: bump")
    commit_file(project, "a.py", "a = 2\n", "chore: bump")
    commit_file(project, "b.py", "b = 1\n", "feat: b")
    db = tmp_path / "store.db"
    run_ingest(db, *corpora, _planted(tmp_path / "planted", project))
    assert cli("ingest", "--git", "--db", db, project).exit_code == 0
    after = _quality(db)

    assert after["sessions"] - before["sessions"] == 5
    assert after["chats"] - before["chats"] == 5
    assert after["commits"] == 3 and before["commits"] == 0
    assert after["empty"]["replies"] - before["empty"]["replies"] == 1
    assert after["empty"]["prompts"] == before["empty"]["prompts"]
    assert after["empty"]["sessions_without_calls"] - before["empty"]["sessions_without_calls"] == 2
    clipped = after["truncated"]["clipped_texts"]
    assert (
        clipped.get("tool_calls.result_text", 0) - before["truncated"]["clipped_texts"].get("tool_calls.result_text", 0)
        == 1
    )
    dup = after["duplicates"]
    assert dup["prompts"]["groups"] - before["duplicates"]["prompts"]["groups"] == 2  # the twins' and the planted
    assert dup["prompts"]["extra_copies"] - before["duplicates"]["prompts"]["extra_copies"] == 2
    assert {"text": _PLANTED_PROMPT, "count": 2} in dup["prompts"]["top"] or len(dup["prompts"]["top"]) == 5
    assert dup["commit_messages"] == {"groups": 1, "extra_copies": 1, "top": [{"text": "chore: bump", "count": 2}]}
    assert len(dup["sessions"]) - len(before["duplicates"]["sessions"]) == 1
    unlinked = after["unlinked_commits"]
    assert (unlinked["commits"], unlinked["unlinked"]) == (3, 3)
    assert unlinked["by_repository"] == [
        {"repository": str(project), "commits": 3, "unlinked": 3, "unlinked_not_merges": 3}
    ]
    redactions = after["redactions"]["by_column"]["messages.text"]
    old = before["redactions"]["by_column"].get("messages.text", {})
    assert sum(redactions.values()) - sum(old.values()) == 2
    assert after["lengths"]["commit_messages"]["count"] == 3
    assert after["lengths"]["diff_lines"]["max"] == 2  # a = 1 -> a = 2: one line out, one in
    assert after["lengths"]["prompts"]["count"] == after["chats"] - after["empty"]["prompts"]
    claude = after["per_agent"]["claude-code"]
    assert (claude["sessions"], claude["chats"], claude["empty_replies"], claude["duplicate_sessions"]) == (5, 5, 1, 1)
    assert claude["repeated_prompts"] == 2
    assert after["per_agent"]["aider"] == before["per_agent"]["aider"]

    # One project: the planted sessions and the repository in its folder only.
    mine = _quality(db, "--project", str(project))
    assert (mine["sessions"], mine["chats"], mine["commits"]) == (5, 5, 3)
    assert set(mine["per_agent"]) == {"claude-code"}
    assert sum(mine["redactions"]["by_column"]["messages.text"].values()) == 2

    text = cli("dataset", "quality", "--db", db)
    assert text.exit_code == 0, text.stderr
    assert "Duplicates" in text.output and "Secrets redacted" in text.output and "Per agent" in text.output
    assert AWS_ID not in text.output


def test_milestones_from_known_counts(tmp_path: Path) -> None:
    now = "2026-01-31T00:00:00.000Z"
    reached = progress({"commits": 600, "sessions": 150, "chats": 250}, {"commits": 0}, now)
    assert reached[0].reached and reached[0].eta is None and reached[0].share == 1.0
    assert not reached[1].reached and reached[1].days_left is None  # nothing collected lately
    steady = progress({"commits": 400, "sessions": 100, "chats": 100}, {"commits": 30, "sessions": 3, "chats": 60}, now)
    first = steady[0]
    # commits: 100 left at 1/day; sessions reached; chats: 100 left at 2/day -> 100 days
    assert [n.days_left for n in first.needs] == [100.0, 0.0, 50.0]
    assert first.days_left == 100.0 and first.eta == "2026-05-11T00:00:00.000Z"
    assert first.share == 0.5  # chats 100 of 200
    assert [m.needs for m in MILESTONES] == [
        {"commits": 500, "sessions": 100, "chats": 200},
        {"commits": 2000, "sessions": 500, "chats": 1000},
        {"commits": 5000, "sessions": 2000, "chats": 5000},
    ]

    # Through the command line: a store with 3 commits (2 of them in the last 30 days),
    # 2 sessions and 3 chats (all in the last 30 days).
    repo = make_repo(tmp_path / "app")
    day = datetime.now(UTC) - timedelta(days=3)
    commit_file(repo, "a.py", "a = 1\n", "old", (datetime.now(UTC) - timedelta(days=90)).isoformat(timespec="seconds"))
    commit_file(repo, "a.py", "a = 2\n", "new", day.isoformat(timespec="seconds"))
    commit_file(repo, "a.py", "a = 3\n", "newer", day.isoformat(timespec="seconds"))
    for prompts in (["one", "two"], ["three"]):
        b = TranscriptBuilder(cwd=str(repo), start=day)
        for p in prompts:
            b.prompt(p)
            b.say("ok")
        b.write(tmp_path / "in" / f"{b.session_id}.jsonl")
    db = tmp_path / "store.db"
    assert cli("ingest", "--db", db, "--no-progress", tmp_path / "in").exit_code == 0
    assert cli("ingest", "--git", "--db", db, repo).exit_code == 0
    result = cli("dataset", "milestones", "--db", db, "--json")
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert data["counts"] == {"commits": 3, "sessions": 2, "chats": 3}
    assert data["recent"] == {"commits": 2, "sessions": 2, "chats": 3}
    file_prediction = data["milestones"][0]
    # commits: 497 left at 2/30 per day -> 7,455 days; sessions 98 at 2/30 -> 1,470; chats 197 at 0.1 -> 1,970
    assert file_prediction["days_left"] == 7455.0 and file_prediction["reachable"]
    assert [n["have"] for n in file_prediction["needs"]] == [3, 2, 3]
    text = cli("dataset", "milestones", "--db", db).output
    assert "File Prediction" in text and "3/500" in text and "7,455 days" in text
    open_store(tmp_path / "none.db").close()  # an empty store
    none = cli("dataset", "milestones", "--db", tmp_path / "none.db")
    assert none.exit_code == 0 and "not reachable at the current rate" in none.output
