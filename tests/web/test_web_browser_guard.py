"""The review's attacks on `lessonloop serve --allow-remote --host 0.0.0.0` in a real Chromium
(issue 25). Chromium's resolver maps evil.example and lessons.lan to 127.0.0.1, as an attacker's
DNS rebinding would: a page of evil.example gets a refusal, and its scripts, same-origin to it,
read no lesson and no token and write nothing, even given the token; the same UI reached as
lessons.lan (given with --host-name) works, writes included. The edit form holds its fields to
the server's limits, and a title past them (set by a script) is refused with a page naming it.
The store is read back with SQLite."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed: pip install 'lessonloop[web]'")
pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the test extra has it)")

from tests.conftest import SHARED_CORPUS
from tests.web.test_web_browser import SCREENSHOTS, chromium, launched
from tests.web_http import token_of
from tests.web_stores import Server, ingest, lesson_status, need_corpora, serving

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

pytestmark = [pytest.mark.corpus, pytest.mark.slow]
CORPUS = SHARED_CORPUS / "claude-code" / "spotter"
RESOLVER = "--host-resolver-rules=MAP evil.example 127.0.0.1, MAP lessons.lan 127.0.0.1"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    need_corpora(CORPUS)
    db = tmp_path_factory.mktemp("web-browser-guard") / "lessonloop.db"
    ingest(db, CORPUS)
    return db


@pytest.fixture(scope="module")
def server(store: Path) -> Iterator[Server]:
    with serving(store, "--host", "0.0.0.0", "--allow-remote", "--host-name", "lessons.lan") as running:
        yield running


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    binary = chromium()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    profile = tmp_path_factory.mktemp("chromium-profile-guard")
    with launched(binary, profile, RESOLVER, "--disable-features=HttpsUpgrades") as browser:
        yield browser


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    opened = context.new_page()
    try:
        yield opened
    finally:
        opened.close()


def rows(db: Path, sql: str) -> list[Any]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def active_lesson(db: Path) -> int:
    return int(rows(db, "SELECT id FROM lessons WHERE status = 'active' ORDER BY id LIMIT 1")[0][0])


# The attacker's script, run in evil.example's page: what a same-origin fetch of the API gives,
# then a write with the token (as if it had leaked).
ATTACK = """async ({lesson, token}) => {
  const read = await fetch('/api/lessons?status=all');
  const write = await fetch(`/api/lessons/${lesson}/archive`, {
    method: 'POST',
    headers: {'Content-Type': 'application/json', 'X-Lessonloop-Token': token},
    body: '{}',
  });
  return {readStatus: read.status, readText: await read.text(), writeStatus: write.status};
}"""


def test_a_rebound_name_gets_a_refusal_and_its_scripts_read_and_write_nothing(
    page: Page, server: Server, store: Path
) -> None:
    lesson = active_lesson(store)
    token = token_of(f"http://127.0.0.1:{server.port}/lessons")
    titles = [str(row[0]) for row in rows(store, "SELECT title FROM lessons")]
    response = page.goto(f"http://evil.example:{server.port}/lessons")
    assert response is not None and response.status == 400
    page.screenshot(path=str(SCREENSHOTS / "rebinding-refused.png"))
    shown = page.content()
    assert "Unknown host" in shown and token not in shown
    assert not any(title in shown for title in titles)
    result = page.evaluate(ATTACK, {"lesson": lesson, "token": token})
    assert result["readStatus"] == 400 and result["writeStatus"] == 400
    assert token not in result["readText"] and not any(title in result["readText"] for title in titles)
    assert lesson_status(store, lesson) == "active"


def test_the_ui_reached_by_a_given_host_name_works_writes_included(page: Page, server: Server, store: Path) -> None:
    lesson = active_lesson(store)
    response = page.goto(f"http://lessons.lan:{server.port}/lessons/{lesson}")
    assert response is not None and response.status == 200
    page.click("#lesson-actions button[data-action='archive']")
    page.wait_for_url(f"**/lessons/{lesson}?done=archived")
    assert "Lesson archived." in page.content()
    assert lesson_status(store, lesson) == "archived"
    page.click("#lesson-actions button[data-action='restore']")
    page.wait_for_url(f"**/lessons/{lesson}?done=restored")
    assert lesson_status(store, lesson) == "active"


def test_the_edit_form_holds_the_title_to_its_limit_and_the_server_refuses_past_it(
    page: Page, server: Server, store: Path
) -> None:
    lesson = active_lesson(store)
    before = rows(store, f"SELECT title, edited FROM lessons WHERE id = {lesson}")
    page.goto(f"http://lessons.lan:{server.port}/lessons/{lesson}")
    page.click("summary:has-text('Edit the text')")
    title = page.locator("input[name='title']")
    assert title.get_attribute("maxlength") == "500"
    title.fill("")
    title.press_sequentially("x" * 520, delay=0)
    assert len(title.input_value()) == 500  # the browser stops at the limit
    # A script can set more than the form allows: the server refuses it, naming the field.
    title.evaluate("(input) => { input.value = 'y'.repeat(600); }")
    page.click("button[data-action='edit']")
    page.wait_for_load_state()
    page.screenshot(path=str(SCREENSHOTS / "edit-title-too-long.png"))
    shown = page.locator("main").inner_text()
    assert "Bad request" in shown
    assert "the field 'title' is too long: 600 characters, at most 500" in shown
    assert rows(store, f"SELECT title, edited FROM lessons WHERE id = {lesson}") == before


def test_a_day_that_does_not_exist_is_a_page_saying_so(page: Page, server: Server) -> None:
    response = page.goto(f"http://lessons.lan:{server.port}/sessions?since=2026-13-45")
    assert response is not None and response.status == 400
    assert "since must be a day of the calendar (YYYY-MM-DD), not '2026-13-45'" in page.locator("main").inner_text()
