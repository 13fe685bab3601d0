"""What the hooks prevented, in the web UI (issue 80, item 8): a store made by the real hooks (a
lesson from one session stops the next session's push once; the changed push works; a third
session sends the stopped push again and it fails), served by `lessonloop serve` as a real process.
The dashboard API and the lesson's API give the figures `report --json` gives; the lesson page
shows them; in a real browser the dashboard's prevention section says them and lists the lesson.
`lessons show` prints the same."""

from __future__ import annotations

import json
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed: pip install 'lessonloop[web]'")

from tests.conftest import cli
from tests.hook_helpers import hook_env, stopped_pushes
from tests.web_stores import Server, serving

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("prevention")
    repo = root / "project"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "feature-x", str(repo)], check=True)
    db = root / "store" / "lessonloop.db"
    stopped_pushes(repo, hook_env(db))
    return db


@pytest.fixture(scope="module")
def server(store: Path) -> Iterator[Server]:
    with serving(store) as running:
        yield running


def _get(server: Server, path: str) -> tuple[int, str]:
    with urllib.request.urlopen(server.url + path, timeout=60) as response:
        return response.status, response.read().decode("utf-8")


def _lesson(store: Path) -> dict[str, Any]:
    data = json.loads(cli("report", "--db", store, "--json").output)
    (lesson,) = data["prevention"]["lessons"]
    return dict(lesson)


def test_the_dashboard_and_lesson_apis_give_what_the_hooks_prevented(server: Server, store: Path) -> None:
    reported = _lesson(store)
    _, body = _get(server, "/api/dashboard")
    prevention = json.loads(body)["prevention"]
    assert (prevention["stops"], prevention["worked_after_stop"]) == (2, 1), prevention
    assert (prevention["resent"], prevention["resent_worked"], prevention["resent_failed"]) == (1, 0, 1)
    assert prevention["lessons"] == [reported]
    _, body = _get(server, f"/api/lessons/{reported['lesson_id']}")
    lesson = json.loads(body)
    assert (lesson["stops"], lesson["resent"], lesson["confirmed"]) == (2, 1, 1)
    assert lesson["prevention"] == reported
    status, page = _get(server, f"/lessons/{reported['lesson_id']}")
    assert status == 200 and "Stops and what they prevented" in page
    assert "<dt>changed calls that then worked</dt><dd>1</dd>" in page
    shown = cli("lessons", "show", str(reported["lesson_id"]), "--db", store).output
    assert "Stopped 2 call(s) before they ran" in shown and "1 changed call(s) worked" in shown


def test_the_dashboard_shows_the_prevention_in_a_browser(server: Server, store: Path, tmp_path: Path) -> None:
    from tests.web.test_web_browser import Console, chromium, launched

    binary = chromium()
    with launched(binary, tmp_path / "profile") as browser:
        page: Page = browser.new_page()
        console = Console()
        console.watch(page)
        page.goto(server.url + "/")
        page.wait_for_function("() => document.getElementById('table-prevention').dataset.rows === '1'")
        summary = page.locator("#prevention-summary").inner_text()
        assert "2 calls stopped by a lesson before it ran, 1 changed call(s) then worked" in summary, summary
        assert "1 sent again unchanged (0 then worked, 1 failed again)" in summary, summary
        row = page.locator("#table-prevention tbody tr").inner_text()
        assert f"#{_lesson(store)['lesson_id']}" in row and "set-upstream" in row, row
        assert console.take() == []
