"""What the command line prints when it fails is redacted too: `Error:` lines (a message may quote
the value it failed on), argparse's usage errors (they quote the value given), `lessonloop run`'s
own option errors, and the team server's URL in every message (`shown_url`: the password goes,
even one holding `/`, `:` or `@`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lessonloop.store import open_store
from lessonloop.team.server import shown_url
from tests.conftest import cli

SECRET = "Tk9xQ2Lm7Vn4Rs8P"


def test_an_error_line_quoting_a_secret_is_redacted(tmp_path: Path) -> None:
    open_store(tmp_path / "s.db").close()
    result = cli("lessons", "show", f"token={SECRET}", "--db", tmp_path / "s.db")
    assert result.exit_code != 0 and result.stderr.startswith("Error: ")
    assert SECRET not in result.stderr and "[REDACTED:" in result.stderr


def test_a_usage_error_quoting_a_secret_is_redacted() -> None:
    result = cli("recall", "x", "--limit", f"password={SECRET}")
    assert result.exit_code == 2
    assert "--limit" in result.stderr and "[REDACTED:" in result.stderr and SECRET not in result.stderr


def test_lessonloop_runs_own_option_errors_are_redacted() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lessonloop", "run", "--timeout", f"password={SECRET}", "--", "true"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 125 and "error" in done.stderr and SECRET not in done.stderr


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://app:Pg/Sl4sh9Pw@db.internal:5432/team", "postgresql://app:***@db.internal:5432/team"),
        ("postgresql://app:p@ss:w/rd@db:5432/t", "postgresql://app:***@db:5432/t"),
        ("postgres://app@db/team", "postgres://app@db/team"),
        ("postgresql://db/team?password=Qs3cretPw9x", "postgresql://db/team?password=[REDACTED:assigned-secret]"),
    ],
)
def test_shown_url_hides_every_password(url: str, shown: str) -> None:
    assert shown_url(url) == shown


def test_an_unreachable_team_server_is_named_without_its_password(tmp_path: Path) -> None:
    pytest.importorskip("psycopg", reason="the team extra is not installed")
    open_store(tmp_path / "s.db").close()
    url = "postgresql://app:Pg/Sl4sh9Pw@127.0.0.1:1/team"
    result = cli("team", "init", url, "--as", "alice", "--db", tmp_path / "s.db")
    assert result.exit_code == 1 and result.stderr.startswith("Error: ")
    assert "Sl4sh9Pw" not in result.stderr and "app:***@" in result.stderr
