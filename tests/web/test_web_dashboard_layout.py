"""The dashboards' layout in a real Chromium (issue 42, item 5), on the stores a new user has:

- a bundled sample session that survived beside real sessions of later days: every time axis
  (the server's page and `report --html`) starts at the real data, and the page says the sample
  is left out;
- the most repeated mistakes labelled in whole words (wrapped, shortened after a whole word,
  the full title in the tooltip), at a desktop's width and a phone's;
- the habits table: with no significant habit, a sentence and the table folded away below the
  other sections; with significant ones (the Aider corpus), those alone where the section is.

Skipped, with the reason, without Playwright, Chromium or the shared corpora."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed: pip install 'lessonloop[web]'")
pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the test extra has it)")

from lessonloop.sample import sample_transcripts
from tests.conftest import CORPUS, SHARED_CORPUS, cli
from tests.shifted_transcripts import days_of, shifted_copy
from tests.web.test_web_browser import SCREENSHOTS, Console, charts_drawn, chromium, launched
from tests.web_stores import Server, ingest, need_corpora, serving

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

pytestmark = [pytest.mark.corpus, pytest.mark.slow]
AIDER = SHARED_CORPUS / "aider" / "aider-dev"
TIME_CHARTS = ("chart-errors-class", "chart-errors-tool", "chart-tokens-model", "chart-tokens-agent", "chart-replay")
DRAWN = 7  # every chart but the runs' (no runs in these stores)


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, date]:
    """The spotter corpus moved to a week after the sample's last day, then the sample ingested by
    its path: both stored. With the real sessions' first day."""
    need_corpora(CORPUS)
    work = tmp_path_factory.mktemp("web-sample")
    first_real = days_of(sample_transcripts())[-1] + timedelta(days=7)
    shifted_copy(CORPUS, work / "spotter", first_real)
    db = work / "lessonloop.db"
    ingest(db, work / "spotter")
    ingest(db, sample_transcripts())
    return db, first_real


@pytest.fixture(scope="module")
def sample_server(sample_store: tuple[Path, date]) -> Iterator[Server]:
    with serving(sample_store[0]) as running:
        yield running


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    binary = chromium()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with launched(binary, tmp_path_factory.mktemp("chromium-profile")) as browser:
        yield browser


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    opened = context.new_page()
    try:
        yield opened
    finally:
        opened.close()


def axes(page: Page) -> dict[str, str]:
    return {chart: page.get_attribute(f"#{chart}", "data-axis") or "" for chart in TIME_CHARTS}


def real_days(db: Path) -> tuple[str, str]:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        first, last = conn.execute(
            """SELECT min(substr(c.ts, 1, 10)), max(substr(c.ts, 1, 10)) FROM tool_calls c
               JOIN sessions k ON k.id = c.session_id JOIN sessions m ON m.id = coalesce(k.parent_id, k.id)
               JOIN source_files f ON f.id = m.source_file_id WHERE f.is_sample = 0"""
        ).fetchone()
    finally:
        conn.close()
    return str(first), str(last)


def test_the_time_axes_start_at_the_real_data(
    page: Page, sample_server: Server, sample_store: tuple[Path, date], tmp_path: Path
) -> None:
    db, first_real = sample_store
    first, last = real_days(db)
    assert first == first_real.isoformat()
    console = Console()
    console.watch(page)
    page.goto(sample_server.url + "/")
    charts_drawn(page, DRAWN)
    for chart, axis in axes(page).items():
        start, end, _ = axis.split("/")
        assert (start, end) == (first, last), (chart, axis)
    note = page.locator("#sample-note")
    assert note.is_visible() and "3 sessions" in note.inner_text() and "left out" in note.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "dashboard-with-sample.png"), full_page=True)
    assert console.take() == []

    report = tmp_path / "report.html"  # the static report draws the same charts from the same figures
    result = cli("report", "--db", db, "--html", report)
    assert result.exit_code == 0, result.stderr
    page.goto(report.resolve().as_uri())
    charts_drawn(page, DRAWN)
    for chart, axis in axes(page).items():
        assert axis.split("/")[:2] == [first, last], (chart, axis)
    assert page.locator("#sample-note").is_visible()
    assert console.take() == []


def whole_words(label: list[str], full: str) -> str | None:
    """Why `label` (a chart label's lines) is not `full` shown in whole words, or None: its lines,
    joined as they were broken (by a space, or after a long word's "/" or "-"), are the start of
    `full` ending between two words (or after a long word's "/" or "-"), an ellipsis marking what
    was left out."""
    words = " ".join(full.split())
    lines = list(label)
    shortened = bool(lines) and lines[-1].endswith(" \u2026")
    if shortened:
        lines[-1] = lines[-1].removesuffix(" \u2026")
    text = ""
    for line in lines:
        glues = [" "] + ([""] if text.endswith(("/", "-")) else [])
        joined = [text + glue + line if text else line for glue in glues]
        found = [j for j in joined if words.startswith(j)]
        if not found:
            return f"{label!r} is not the start of {words!r}"
        text = found[0]
    if len(text) < len(words) and words[len(text)] != " " and not text.endswith(("/", "-")):
        return f"{label!r} ends inside a word of {words!r}"
    if shortened == (len(text) == len(words)):
        return f"{label!r}: an ellipsis {'without' if shortened else 'missing for'} a shortened title"
    return None


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_the_mistakes_are_labelled_in_whole_words(page: Page, sample_server: Server, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(sample_server.url + "/")
    charts_drawn(page, DRAWN)
    data = page.request.get(sample_server.url + "/api/dashboard", headers={"Accept": "application/json"}).json()
    full = [f"#{m['id']} {m['title']}" for m in data["top_mistakes"] if m["failed_sessions"] > 0]
    labels, ticks = page.evaluate(
        """() => { const c = Chart.getChart(document.getElementById('chart-mistakes'));
                   return [c.data.labels, c.scales.y.ticks.length]; }"""
    )
    assert len(labels) == len(full) == ticks > 0
    assert all(isinstance(label, list) for label in labels), labels  # each label as its lines
    problems = [why for label, text in zip(labels, full, strict=True) if (why := whole_words(label, text))]
    assert problems == []
    assert any(len(label) > 1 for label in labels)  # wrapped: more than one line
    assert any(label[-1].endswith("\u2026") for label in labels)  # and shortened after a whole word
    tooltips = page.evaluate(
        """() => { const c = Chart.getChart(document.getElementById('chart-mistakes'));
                   return c.data.labels.map((_, i) => c.options.plugins.tooltip.callbacks.title([{dataIndex: i}])); }"""
    )
    for tip, text in zip(tooltips, full, strict=True):  # the tooltip holds the whole title
        assert whole_words(tip, text) is None and not tip[-1].endswith("\u2026"), (tip, text)
    page.locator("#section-mistakes").screenshot(path=str(SCREENSHOTS / f"mistakes-{width}.png"))


def section_order(page: Page) -> list[str]:
    return list(page.evaluate("() => [...document.querySelectorAll('#dashboard-sections > section')].map(s => s.id)"))


def test_with_no_significant_habit_the_table_is_not_first(page: Page, sample_server: Server) -> None:
    page.goto(sample_server.url + "/")
    charts_drawn(page, DRAWN)
    data = page.request.get(sample_server.url + "/api/dashboard", headers={"Accept": "application/json"}).json()
    assert data["habits"]["associations"] and not any(a["significant"] for a in data["habits"]["associations"])
    order = section_order(page)
    assert order[0] != "section-habits" and order[-1] == "section-habits", order
    summary = page.locator("#habits-summary").inner_text()
    assert summary.startswith("No habit is significantly linked to failures yet"), summary
    assert page.locator("#table-habits-significant table").count() == 0
    assert page.locator("#habits-all").get_attribute("open") is None  # the table folded away
    assert not page.locator("#table-habits table").is_visible()
    assert int(page.get_attribute("#table-habits", "data-rows") or 0) > 0  # still there, one click away
    top = page.evaluate(
        "() => [...document.querySelectorAll('#dashboard-sections > section')].map(s => s.getBoundingClientRect().top)"
    )
    assert top[-1] == max(top), top  # drawn below every other section


@pytest.fixture(scope="module")
def aider_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    need_corpora(AIDER)
    db = tmp_path_factory.mktemp("web-aider") / "lessonloop.db"
    ingest(db, AIDER)
    with serving(db) as running:
        yield running


def test_significant_habits_are_shown_alone_in_their_place(page: Page, aider_server: Server) -> None:
    console = Console()
    console.watch(page)
    page.goto(aider_server.url + "/")
    page.wait_for_function("() => document.getElementById('table-habits').dataset.rows !== undefined")
    data = page.request.get(aider_server.url + "/api/dashboard", headers={"Accept": "application/json"}).json()
    significant = [a for a in data["habits"]["associations"] if a["significant"]]
    assert significant, "the Aider corpus has significant habits"
    order = section_order(page)
    assert order.index("section-habits") < order.index("section-tokens"), order
    rows = page.locator("#table-habits-significant tbody tr")
    assert rows.count() == len(significant)
    assert set(rows.locator("td:last-child").all_inner_texts()) == {"yes"}
    assert re.match(rf"{len(significant)} significant at p < 0.05", page.locator("#habits-summary").inner_text())
    assert int(page.get_attribute("#table-habits", "data-rows") or 0) > len(significant)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-significant-habits.png"), full_page=True)
    assert console.take() == []
