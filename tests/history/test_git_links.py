"""Commits tied to sessions (issue 14, item 2): real repositories in temporary folders, real
transcripts (tests/transcript_builder.py) ingested by the real command line, a real store."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lessonloop.history.commit_evidence import commits_in_command, hunk_change, named_hashes, undone_hunks
from tests.conftest import cli, dump_store
from tests.git_helpers import commit_file, git, make_repo
from tests.transcript_builder import TranscriptBuilder

DAY = "2026-11-01"
_LINK_TABLES = ("git_commit_links", "git_rollbacks", "git_link_state")


def _edit(b: TranscriptBuilder, path: Path, old: str, new: str) -> str:
    call = b.tool_use("Edit", {"file_path": str(path), "old_string": old, "new_string": new})
    b.tool_result(call, f"The file {path} has been updated successfully.", is_error=False)
    return call


class Scene:
    """A repository and two Claude Code sessions working in it:
    - session A edits a.py and commits it itself (`git commit`, its Bash result names the short hash);
    - session B edits b.py; a person commits b.py twenty minutes later (no commit call: edit window);
    - c.py is committed by a person at the same time (B never touched it: no link);
    - later, `git revert` undoes A's commit, and a hand-made commit puts b.py's old line back
      (the inverse of B's commit's hunk)."""

    def __init__(self, root: Path) -> None:
        self.repo = make_repo(root / "proj")
        git(self.repo, "config", "user.name", "Ada Tester")
        self.base = commit_file(self.repo, "a.py", "x = 1\n", "base a", f"{DAY}T08:00:00Z")
        commit_file(self.repo, "b.py", "y = 1\nkeep = True\n", "base b", f"{DAY}T08:00:01Z")
        self.a_commit = commit_file(self.repo, "a.py", "x = 2\n", "fix: a", f"{DAY}T09:00:10Z")
        self.b_commit = commit_file(self.repo, "b.py", "y = 2\nkeep = True\n", "tune b", f"{DAY}T10:20:00Z")
        self.other = commit_file(self.repo, "c.py", "z = 0\n", "add c", f"{DAY}T10:21:00Z")
        git(self.repo, "revert", "--no-edit", self.a_commit, date=f"{DAY}T11:00:00Z")
        self.revert = git(self.repo, "rev-parse", "HEAD").strip()
        self.undo_b = commit_file(self.repo, "b.py", "y = 1\nkeep = True\n", "put y back", f"{DAY}T12:00:00Z")

        self.a = TranscriptBuilder(cwd=str(self.repo), start=datetime(2026, 11, 1, 9, 0, 0, tzinfo=UTC))
        self.a.prompt("fix a")
        _edit(self.a, self.repo / "a.py", "x = 1", "x = 2")
        self.a_call = self.a.bash(
            "git add a.py && git commit -m 'fix: a'",
            f"[main {self.a_commit[:7]}] fix: a\n 1 file changed, 1 insertion(+), 1 deletion(-)\n",
        )
        self.b = TranscriptBuilder(cwd=str(self.repo), start=datetime(2026, 11, 1, 10, 0, 0, tzinfo=UTC))
        self.b.prompt("tune b")
        self.b_edit = _edit(self.b, self.repo / "b.py", "y = 1", "y = 2")
        self.b.say("Done: b.py now sets y = 2. Commit it when you are happy.")

    def write(self, folder: Path) -> Path:
        self.a.write(folder / f"{self.a.session_id}.jsonl")
        self.b.write(folder / f"{self.b.session_id}.jsonl")
        return folder


def _links(db: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT hash, session_id, evidence, strength, tool_use_id, files FROM git_commit_links ORDER BY hash, evidence"
        ).fetchall()
    finally:
        conn.close()


def _rollbacks(db: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT hash, by_hash, evidence, hunks FROM git_rollbacks ORDER BY hash").fetchall()
    finally:
        conn.close()


def _expected(scene: Scene) -> list[tuple[object, ...]]:
    return sorted(
        [
            (scene.a_commit, scene.a.session_id, "agent_commit", 1.0, scene.a_call, 0),
            # a.py's edit was also taken by the commit A made: the weak evidence beside the strong one
            (scene.a_commit, scene.a.session_id, "edit_window", 0.5, _first_edit(scene.a), 1),
            (scene.b_commit, scene.b.session_id, "edit_window", 0.5, scene.b_edit, 1),
        ],
        key=lambda row: (str(row[0]), str(row[2])),
    )


def _first_edit(b: TranscriptBuilder) -> str:
    for record in b.records:
        for block in record.get("message", {}).get("content", []) if isinstance(record.get("message"), dict) else []:
            if isinstance(block, dict) and block.get("type") == "tool_use" and block.get("name") == "Edit":
                return str(block["id"])
    raise AssertionError("no edit")


@pytest.mark.slow
def test_commit_call_edit_window_and_rollbacks_in_either_order(tmp_path: Path) -> None:
    scene = Scene(tmp_path)
    transcripts = scene.write(tmp_path / "in")
    expected = _expected(scene)
    rollbacks = sorted(
        [(scene.a_commit, scene.revert, "revert_message", 0), (scene.b_commit, scene.undo_b, "inverse_hunks", 1)]
    )

    # transcripts first, then the history
    first = tmp_path / "first.db"
    assert cli("ingest", "--db", first, "--no-progress", transcripts).exit_code == 0
    assert _links(first) == []  # no commits yet: nothing to link
    result = cli("ingest", "--git", "--db", first, "--json", scene.repo)
    assert result.exit_code == 0, result.stderr
    links = result.json()["links"]
    assert links["links_added"] == {"agent_commit": 1} and links["window_links"] == 2
    assert links["rollbacks_added"] == 2
    assert _links(first) == expected
    assert _rollbacks(first) == rollbacks

    # the history first, then the transcripts
    second = tmp_path / "second.db"
    assert cli("ingest", "--git", "--db", second, scene.repo).exit_code == 0
    assert _links(second) == []
    ingested = cli("ingest", "--db", second, "--json", "--no-progress", transcripts).json()
    assert ingested["links"]["links_added"] == {"agent_commit": 1}
    assert _links(second) == expected
    assert _rollbacks(second) == rollbacks

    # idempotent: again, nothing changes
    before = {k: v for k, v in dump_store(second).items() if k in _LINK_TABLES}
    again = cli("ingest", "--db", second, "--json", "--no-progress", transcripts).json()
    assert again["links"]["links_added"] == {} and again["links"]["rollbacks_added"] == 0
    assert cli("ingest", "--git", "--db", second, scene.repo).exit_code == 0
    assert {k: v for k, v in dump_store(second).items() if k in _LINK_TABLES} == before
    assert dump_store(first)["git_commit_links"] == before["git_commit_links"]


def test_show_commits_status_and_stats(tmp_path: Path) -> None:
    scene = Scene(tmp_path)
    db = tmp_path / "s.db"
    assert cli("ingest", "--git", "--db", db, scene.repo).exit_code == 0
    assert cli("ingest", "--db", db, "--no-progress", scene.write(tmp_path / "in")).exit_code == 0

    shown = cli("show", "--db", db, "--json", scene.a.session_id).json()
    assert [(c["hash"], c["evidence"]) for c in shown["commits"]] == [
        (scene.a_commit, "agent_commit"),
        (scene.a_commit, "edit_window"),
    ]
    assert shown["commits"][0]["rolled_back_by"] == [{"hash": scene.revert, "evidence": "revert_message", "hunks": 0}]
    text = cli("show", "--db", db, scene.b.session_id).output
    assert f"commit {scene.b_commit[:10]}" in text and f"rolled back by {scene.undo_b[:10]}" in text

    listed = cli("git", "commits", "--db", db, "--json").json()
    assert [c["hash"] for c in listed["commits"]] == [scene.b_commit, scene.a_commit]  # newest first
    assert listed["counts"] == {
        "linked_commits": 2,
        "by_evidence": {"agent_commit": 1, "edit_window": 1},
        "links": {"agent_commit": 1, "edit_window": 2},
        "rolled_back_commits": 2,
    }
    assert [
        c["hash"]
        for c in cli("git", "commits", "--db", db, "--json", "--session", scene.b.session_id).json()["commits"]
    ] == [scene.b_commit]
    # --since/--until (issue 26): the commits made in the span
    times = {c["hash"]: c["committed_at"] for c in listed["commits"]}
    after_a = cli("git", "commits", "--db", db, "--json", "--since", times[scene.b_commit]).json()["commits"]
    assert [c["hash"] for c in after_a] == [scene.b_commit]
    before_b = cli("git", "commits", "--db", db, "--json", "--until", times[scene.b_commit]).json()["commits"]
    assert [c["hash"] for c in before_b] == [scene.a_commit]
    text = cli("git", "commits", "--db", db).output
    assert "2 of 7 commits linked (1 by agent commit, 1 by edit window); 2 undone by a later commit." in text
    status = cli("git", "status", "--db", db, "--json", scene.repo).json()
    assert status["store"]["links"]["linked_commits"] == 2

    out = tmp_path / "commits.jsonl"
    assert cli("dataset", "export", "--db", db, "--kind", "commits", "--format", "jsonl", "--to", out).exit_code == 0
    exported = {row["id"]: row for row in map(json.loads, out.read_text().splitlines())}
    assert len(exported) == 7
    assert exported[scene.a_commit]["sessions"] == [scene.a.session_id]
    assert exported[scene.a_commit]["session_links"] == [
        {"session_id": scene.a.session_id, "evidence": "agent_commit", "strength": 1.0},
        {"session_id": scene.a.session_id, "evidence": "edit_window", "strength": 0.5},
    ]
    assert exported[scene.a_commit]["rolled_back_by"] == [scene.revert]
    assert exported[scene.b_commit]["sessions"] == [scene.b.session_id]
    assert exported[scene.other]["sessions"] == [] and exported[scene.other]["rolled_back_by"] == []

    stats = cli("analyze", "stats", "--db", db, "--json", "--no-bandit").json()
    rolled = stats["outcomes"]["changes_rolled_back"]
    # neither session reverted anything in its own calls; both had a commit undone later
    assert rolled == {"sessions": 2, "in_session": 0, "by_later_commit": 2, "commits_undone": 2}
    assert stats["outcomes"]["reverted_changes"] == 2


def test_no_link_without_evidence(tmp_path: Path) -> None:
    """A commit call whose output names no stored hash, an edit of a file the commit did not
    change, an edit more than an hour before the commit, and a commit of another repository."""
    repo = make_repo(tmp_path / "proj")
    commit_file(repo, "a.py", "x = 1\n", "base", f"{DAY}T08:00:00Z")
    late = commit_file(repo, "a.py", "x = 3\n", "late", f"{DAY}T11:00:00Z")
    other = make_repo(tmp_path / "other")
    elsewhere = commit_file(other, "a.py", "x = 1\n", "elsewhere", f"{DAY}T09:00:05Z")
    b = TranscriptBuilder(cwd=str(repo), start=datetime(2026, 11, 1, 9, 0, 0, tzinfo=UTC))
    _edit(b, repo / "a.py", "x = 1", "x = 2")  # 09:00, two hours before `late`
    _edit(b, repo / "z.py", "q", "r")
    b.bash("git commit -m wip", f"[main {elsewhere[:7]}] wip\n")  # another repository's hash
    b.bash("git commit -m again", "nothing to commit, working tree clean\n")
    b.bash("git log -1", f"commit {late}\n")  # names a stored hash, but does not commit
    b.write(tmp_path / "in" / "s.jsonl")
    db = tmp_path / "s.db"
    assert cli("ingest", "--git", "--db", db, repo, other).exit_code == 0
    assert cli("ingest", "--db", db, "--no-progress", tmp_path / "in").exit_code == 0
    assert _links(db) == []


def test_forgetting_a_session_deletes_its_links_for_good(tmp_path: Path) -> None:
    scene = Scene(tmp_path)
    db = tmp_path / "s.db"
    transcripts = scene.write(tmp_path / "in")
    assert cli("ingest", "--git", "--db", db, scene.repo).exit_code == 0
    assert cli("ingest", "--db", db, "--no-progress", "--no-analyze", transcripts).exit_code == 0
    assert cli("forget", "session", scene.a.session_id, "--yes", "--db", db).exit_code == 0
    assert {row[1] for row in _links(db)} == {scene.b.session_id}
    assert cli("ingest", "--db", db, "--no-progress", "--no-analyze", transcripts).exit_code == 0
    assert {row[1] for row in _links(db)} == {scene.b.session_id}  # a forgotten session is never stored again


def test_a_commit_call_that_failed_after_committing_still_links(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "proj")
    made = commit_file(repo, "a.py", "x = 1\n", "add a", f"{DAY}T09:00:05Z")
    b = TranscriptBuilder(cwd=str(repo), start=datetime(2026, 11, 1, 12, 0, 0, tzinfo=UTC))
    call = b.bash("git commit -qam 'add a' && git log -1 --format=%H && pytest -q", f"{made}\n1 failed", exit_code=1)
    b.write(tmp_path / "in" / "s.jsonl")
    db = tmp_path / "s.db"
    assert cli("ingest", "--git", "--db", db, repo).exit_code == 0
    assert cli("ingest", "--db", db, "--no-progress", tmp_path / "in").exit_code == 0
    assert _links(db) == [(made, b.session_id, "agent_commit", 1.0, call, 0)]


def test_evidence_rules() -> None:
    assert commits_in_command("git add -A && git commit -m 'x'")
    assert commits_in_command("git -C sub revert --no-edit HEAD")
    assert not commits_in_command("git log --oneline | grep commit")
    assert not commits_in_command("echo git commit")
    assert named_hashes("[main (root-commit) 1a2b3c4] first\n create mode 100644 a.py") == ["1a2b3c4"]
    assert named_hashes("deadbeefcafe0 and DEADBEEF1 and 1a2b3c") == ["deadbeefcafe0"]
    earlier = [hunk_change("b.py", "@@\n-y = 1\n+y = 2\n keep = True"), hunk_change("b.py", "+\n+")]
    assert earlier[1] is None  # blank lines only
    later = [hunk_change("b.py", "-y = 2\n+y = 1")]
    assert undone_hunks([c for c in earlier if c], [c for c in later if c]) == 1
    assert undone_hunks([c for c in earlier if c], [c for c in [hunk_change("c.py", "-y = 2\n+y = 1")] if c]) == 0
