"""A long session's mistakes at a glance (issue 27: a 22,000 px timeline with no way to the
errors): the session page links to its first failed call, and `?only=errors` shows the failed calls
alone, each after the prompt it answered. A real server over a real store."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed: pip install 'lessonloop[web]'")
pytest.importorskip("uvicorn", reason="the web extra is not installed: pip install 'lessonloop[web]'")

from tests.transcript_builder import TranscriptBuilder
from tests.web_http import request
from tests.web_stores import ingest, serving


@pytest.mark.slow
def test_a_timeline_jumps_to_its_first_error_and_shows_only_the_errors(tmp_path: Path) -> None:
    b = TranscriptBuilder()
    b.prompt("run the checks")
    b.bash("ls", "a b c")
    first = b.bash("pytest -q", "FAILED tests/test_x.py::test_a", exit_code=1)
    b.prompt("fix it and push")
    b.bash("git status", "clean")
    second = b.bash("git push", "fatal: The current branch has no upstream branch.", exit_code=128)
    b.bash("git push -u origin main", "done")
    db = tmp_path / "s.db"
    ingest(db, b.write(tmp_path / "in" / f"{b.session_id}.jsonl"))
    with serving(db) as server:
        status, _, whole = request(f"{server.url}/sessions/{b.session_id}")
        assert status == 200
        page = whole.decode()
        assert f'href="#call-{first}">Jump to the first error' in page
        assert f'id="call-{first}"' in page and "git status" in page
        assert f'href="/sessions/{b.session_id}?only=errors">Only the 2 failed calls' in page
        status, _, body = request(f"{server.url}/sessions/{b.session_id}?only=errors")
        assert status == 200
        errors = body.decode()
        assert f'id="call-{first}"' in errors and f'id="call-{second}"' in errors
        assert "git status" not in errors and "git push -u origin main" not in errors
        assert errors.index("run the checks") < errors.index(f'id="call-{first}"') < errors.index("fix it and push")
        assert "Show all" in errors
        status, _, _ = request(f"{server.url}/sessions/{b.session_id}?only=everything")
        assert status == 400
