"""`files predict` takes the task as one quoted argument or as its words, as `recall` does:
`lessonloop files predict fix the changelog` was a usage error ("unrecognized arguments")."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import cli
from tests.git_helpers import commit_file, make_repo


def test_the_task_may_be_given_as_words(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "app")
    for round_ in range(3):
        commit_file(repo, "app/users.py", f"# {round_}\n", f"users: sign-in ({round_})", f"2026-11-01T0{round_}:10:00Z")
        commit_file(repo, "docs/guide.md", f"# {round_}\n", f"docs: guide ({round_})", f"2026-11-01T0{round_}:20:00Z")
    db = tmp_path / "s.db"
    assert cli("ingest", "--git", "--db", db, repo).exit_code == 0
    words = cli("files", "predict", "fix", "users", "sign-in", "-p", str(repo), "--json", "--db", db)
    assert words.exit_code == 0, words.stderr
    quoted = cli("files", "predict", "fix users sign-in", "-p", str(repo), "--json", "--db", db)
    assert words.json()["task"] == quoted.json()["task"] == "fix users sign-in"
    assert words.json()["predictions"] == quoted.json()["predictions"]
    assert words.json()["predictions"][0]["path"] == "app/users.py"


def test_evaluate_with_an_unwritable_predictions_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "app")
    for round_ in range(3):
        commit_file(repo, "app/users.py", f"# {round_}\n", f"users: sign-in ({round_})", f"2026-11-01T0{round_}:10:00Z")
    db = tmp_path / "s.db"
    assert cli("ingest", "--git", "--db", db, repo).exit_code == 0
    target = tmp_path / "a-folder"
    target.mkdir()
    result = cli("files", "evaluate", "--repo", repo, "--predictions", target, "--db", db)
    assert result.exit_code == 1
    assert f"cannot write {target}" in result.stderr, result.stderr


def test_a_path_with_brackets_is_shown_as_it_is(tmp_path: Path) -> None:
    """A Next.js route folder, app/[id]/: rich took "[id]" for a style and the table showed
    "app//page.tsx"."""
    repo = make_repo(tmp_path / "web")
    for round_ in range(3):
        commit_file(
            repo, "app/[id]/page.tsx", f"// {round_}\n", f"page: [bold] fix ({round_})", f"2026-11-01T0{round_}:10:00Z"
        )
    db = tmp_path / "s.db"
    assert cli("ingest", "--git", "--db", db, repo).exit_code == 0
    out = cli("files", "predict", "fix", "the", "page", "-p", str(repo), "--db", db).output
    assert "app/[id]/page.tsx" in out, out
    assert "[bold] fix" in out
