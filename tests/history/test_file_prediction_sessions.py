"""File prediction learns from sessions (issue 14, item 3): a real Claude Code transcript
(tests/transcript_builder.py) working in a real repository made in a temporary folder, read by
the real command line. A session's prompt teaches the files its edits touched (a chat), and the
prompts of the sessions linked to a commit (git_commit_links) teach that commit's files, so
`files predict` ranks the file for a task worded like the prompt even when the commit message
says nothing of it."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lessonloop.history.file_prediction.job import commit_examples
from lessonloop.history.store.file_models import repository_id
from lessonloop.store import open_store
from tests.conftest import cli
from tests.git_helpers import commit_file, git, make_repo
from tests.transcript_builder import TranscriptBuilder

DAY = "2026-11-01"
AREAS = {  # file -> words of the commits that changed it before the sessions
    "app/users.py": "users: sign-in and passwords",
    "app/orders.py": "orders: basket and checkout",
    "app/money.py": "money helpers",
    "app/export.py": "export helpers",
    "docs/guide.md": "docs: guide",
}


def _history(root: Path) -> Path:
    repo = make_repo(root / "shop")
    git(repo, "config", "user.name", "Ada Tester")
    for round_ in range(4):
        for i, (path, words) in enumerate(AREAS.items()):
            commit_file(repo, path, f"# {round_}\n", f"{words} ({round_})", f"{DAY}T0{round_}:{10 + i}:00Z")
    return repo


def _sessions(repo: Path) -> tuple[TranscriptBuilder, TranscriptBuilder, str, str]:
    # Session A asks for a change, edits app/money.py with Edit, and commits it with a message that says nothing
    edited = commit_file(repo, "app/money.py", "# rounded half up\n", "wip", f"{DAY}T09:00:30Z")
    a = TranscriptBuilder(cwd=str(repo), start=datetime(2026, 11, 1, 9, 0, 0, tzinfo=UTC))
    a.prompt("Invoice totals are rounded down: round every invoice total half up to the cent")
    call = a.tool_use(
        "Edit", {"file_path": str(repo / "app/money.py"), "old_string": "# 3", "new_string": "# rounded half up"}
    )
    a.tool_result(call, f"The file {repo / 'app/money.py'} has been updated successfully.", is_error=False)
    a.bash("git commit -am wip", f"[main {edited[:7]}] wip\n 1 file changed, 1 insertion(+), 1 deletion(-)\n")
    # Session B changes app/export.py through the shell only (no edit call: no chat names the
    # file); its commit call links the commit, whose files its prompt then teaches
    shell = commit_file(repo, "app/export.py", "# quoted\n", "more work", f"{DAY}T10:00:30Z")
    b = TranscriptBuilder(cwd=str(repo), start=datetime(2026, 11, 1, 10, 0, 0, tzinfo=UTC))
    b.prompt("The spreadsheet download must quote every field of each row")
    b.bash(
        "sed -i 's/# 3/# quoted/' app/export.py && git commit -am 'more work'",
        f"[main {shell[:7]}] more work\n 1 file changed, 1 insertion(+), 1 deletion(-)\n",
    )
    for i, path in enumerate(("app/users.py", "app/orders.py", "docs/guide.md")):  # later work elsewhere
        commit_file(repo, path, "# later\n", f"{AREAS[path]} (later)", f"{DAY}T11:0{i}:00Z")
    return a, b, edited, shell


def _top(db: Path, repo: Path, task: str) -> list[str]:
    result = cli("files", "predict", task, "-p", str(repo), "--json", "-n", "3", "--db", db)
    assert result.exit_code == 0, result.stderr
    return [p["path"] for p in result.json()["predictions"]]


@pytest.mark.slow
def test_a_sessions_prompt_teaches_the_files_it_changed(tmp_path: Path) -> None:
    repo = _history(tmp_path)
    a, b, edited, shell = _sessions(repo)
    folder = tmp_path / "transcripts"
    a.write(folder / f"{a.session_id}.jsonl")
    b.write(folder / f"{b.session_id}.jsonl")
    db = tmp_path / "store.db"
    assert cli("ingest", "--git", "--db", db, repo).exit_code == 0
    assert cli("ingest", "--db", db, "--no-progress", folder).exit_code == 0

    conn = open_store(db)
    links = dict(conn.execute("SELECT hash, evidence FROM git_commit_links WHERE evidence = 'agent_commit'").fetchall())
    assert links == {edited: "agent_commit", shell: "agent_commit"}
    repo_id = repository_id(conn, os.path.realpath(repo))
    assert repo_id is not None
    learned = {e.key: e for e in commit_examples(conn, repo_id)[1]}
    assert learned[shell].prompts == "The spreadsheet download must quote every field of each row"
    assert learned[edited].prompts.startswith("Invoice totals are rounded down")
    assert learned[shell].text == "more work"  # the message stays what is predicted from
    conn.close()

    # the edited file, for a task worded like the prompt (chat and linked commit alike)
    assert _top(db, repo, "round the invoice totals half up")[0] == "app/money.py"
    # the file changed through the shell: only the commit's link carries the prompt to it
    assert _top(db, repo, "quote each field in the spreadsheet download")[0] == "app/export.py"


def test_without_the_link_the_shell_change_is_not_found(tmp_path: Path) -> None:
    """The same history and session B, but its commit call names no hash: no link, and the
    prompt's words reach no file (the commit message 'more work' says nothing)."""
    repo = _history(tmp_path)
    _a, b, _edited, _shell = _sessions(repo)
    b.records = [r for r in b.records if "git commit" not in str(r)]
    folder = tmp_path / "transcripts"
    b.write(folder / f"{b.session_id}.jsonl")
    db = tmp_path / "store.db"
    assert cli("ingest", "--git", "--db", db, repo).exit_code == 0
    assert cli("ingest", "--db", db, "--no-progress", folder).exit_code == 0
    assert _top(db, repo, "quote each field in the spreadsheet download")[0] != "app/export.py"
