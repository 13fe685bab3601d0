"""Session search in the web UI (issue 44, item 3), in a real browser: the system's Chromium driven
by Playwright, over `lessonloop serve` run as a real process. The store holds claude-code/spotter
(when ../shared is there) and sessions whose prompts and tool output are hostile HTML. The header's
search box on every page leads to the results. A hit opens its session's timeline at the hit. The
hostile text shows as text: no script runs, no element is made. The JSON API gives the same hits."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed: pip install 'lessonloop[web]'")
pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the test extra has it)")

from tests.conftest import CORPUS, run_ingest
from tests.transcript_builder import TranscriptBuilder
from tests.web.test_web_browser import Console, chromium, launched
from tests.web_stores import Server, serving

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

pytestmark = pytest.mark.slow

HOSTILE_PROMPT = 'Fix the zebrafish loader <script>window.pwned = "prompt"</script> now'
HOSTILE_OUTPUT = (
    'zebrafish: bad header "><img src=x onerror="window.pwned=\'output\'"> and '
    "<svg onload=\"window.pwned='svg'\"></svg> then </mark><b>bold</b>"
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    work = tmp_path_factory.mktemp("web-search")
    b = TranscriptBuilder(cwd="/home/dev/aquarium", start=datetime(2026, 11, 3, 9, 0, tzinfo=UTC))
    b.prompt(HOSTILE_PROMPT)
    b.say("Looking at the zebrafish loader.")
    call = b.bash("python load.py --species zebrafish", HOSTILE_OUTPUT, exit_code=1)
    b.write(work / "in" / f"{b.session_id}.jsonl")
    db = work / "lessonloop.db"
    run_ingest(db, work / "in", *([CORPUS] if CORPUS.is_dir() else []))
    return db, b.session_id, call


@pytest.fixture(scope="module")
def server(store: tuple[Path, str, str]) -> Iterator[Server]:
    with serving(store[0]) as running:
        yield running


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    with launched(chromium(), tmp_path_factory.mktemp("chromium-profile")) as browser:
        yield browser


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    opened = context.new_page()
    try:
        yield opened
    finally:
        opened.close()


def test_search_from_any_page_and_open_a_hit_in_its_timeline(
    page: Page, server: Server, store: tuple[Path, str, str]
) -> None:
    _db, session, call = store
    console = Console()
    console.watch(page)
    for path in ("/", "/lessons", "/sessions", "/runs"):
        page.goto(server.url + path)
        assert page.locator("header form.search input[type=search]").count() == 1, path
    page.goto(server.url + "/sessions")
    box = page.locator("header form.search input[name=q]")
    box.fill("zebrafish species")
    box.press("Enter")
    page.wait_for_url("**/search?q=zebrafish+species")
    assert page.locator("main h1").inner_text() == "Search sessions"
    groups = page.locator("section.hit-group")
    assert groups.count() == 1 and groups.first.get_attribute("data-session") == session
    hit = page.locator("a.hit").first
    assert [m.inner_text().lower() for m in hit.locator("mark").all()] == ["species", "zebrafish"]
    hit.click()
    page.wait_for_url(f"**/sessions/{session}#call-{call}")
    target = page.evaluate("() => document.querySelector(':target') && document.querySelector(':target').id")
    assert target == f"call-{call}"
    assert console.take() == []


def test_hostile_text_is_shown_as_text_and_runs_nothing(page: Page, server: Server) -> None:
    console = Console()
    console.watch(page)
    page.goto(server.url + "/search?q=zebrafish&kind=prompt&kind=error")
    texts = [hit.inner_text() for hit in page.locator("a.hit").all()]
    assert any("<script>window.pwned" in text for text in texts), texts
    assert any('<img src=x onerror="window.pwned' in text for text in texts), texts
    assert page.evaluate("() => window.pwned === undefined")
    assert page.locator("main img, main svg, main b, main script").count() == 0
    # Only the words found are marked: the stored "</mark>" is text, not the end of a mark.
    marks = [m.inner_text().lower() for m in page.locator("a.hit mark").all()]
    assert marks and set(marks) == {"zebrafish"}
    assert console.take() == []


def test_the_search_form_keeps_its_filters_and_says_what_is_wrong(page: Page, server: Server) -> None:
    page.goto(server.url + "/search?q=zebrafish&failed=1&kind=error")
    assert page.locator("#search-form input[name=failed]").is_checked()
    assert page.locator("#search-form select[name=kind]").input_value() == "error"
    assert page.locator("section.hit-group li").count() == 1
    page.goto(server.url + "/search?q=%22%22+-")
    assert "nothing to search for" in page.locator("#search-problem").inner_text()
    response = page.goto(server.url + "/search?q=zebrafish&kind=essay")
    assert response is not None and response.status == 400


def test_the_api_gives_the_same_hits(server: Server, store: tuple[Path, str, str]) -> None:
    _db, session, call = store
    with urllib.request.urlopen(server.url + "/api/search?q=zebrafish&failed=1") as response:
        data = json.loads(response.read())
    assert data["q"] == "zebrafish" and data["filters"]["failed"] is True
    assert [(h["session"], h["at"], h["kind"], h["anchor"]) for h in data["hits"]] == [
        (session, call, "command", f"call-{call}")  # its command ranks above its error: one hit, the best
    ]
    assert "parts" not in data["hits"][0]
    with urllib.request.urlopen(server.url + "/api") as response:
        assert any(route["path"] == "/api/search" for route in json.loads(response.read())["routes"])
