"""Right after a figures-first capture (issue 81, item 3): the web UI never says "Nothing found" or
"Nothing is learned yet: run lessonloop ingest" while the store's worker has work left. A real store
captured without its texts (pipeline/ingest.py, "Texts later"), a real `lessonloop serve`, the
store's worker held back by its own lock while the pages are read (so that the pages show the
moment before it is done), then let go: the next search starts it, and once it is done the
search finds the needle in the tool's output. The
search and lessons pages are read in Chromium, the timeline over HTTP."""

from __future__ import annotations

import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed: pip install 'lessonloop[web]'")

from lessonloop.capture.discovery import SourceRef
from lessonloop.pipeline.background.worker import is_running, store_lock
from lessonloop.pipeline.ingest import ingest
from lessonloop.pipeline.texts_later import texts_pending
from lessonloop.store import open_store
from tests.transcript_builder import TranscriptBuilder
from tests.web_stores import Server, serving

pytestmark = pytest.mark.slow
NEEDLE = "quasarmintvolley"  # only in a tool's output: not searchable before the texts are stored


def _store(tmp_path: Path) -> Path:
    t = TranscriptBuilder(cwd="/home/dev/app")
    t.prompt("run the deploy script")
    t.bash("./deploy.sh", f"deploy failed: {NEEDLE} not reachable", exit_code=1)
    path = t.write(tmp_path / "transcripts" / f"{t.session_id}.jsonl")
    db = tmp_path / "store" / "lessonloop.db"
    conn = open_store(db)
    ingest(conn, [SourceRef(str(path))], texts_later=True)
    assert texts_pending(conn) == 1
    conn.close()
    return db


def _html(server: Server, path: str) -> str:
    with urllib.request.urlopen(server.url + path, timeout=60) as response:
        return str(response.read().decode("utf-8"))


def test_the_web_ui_says_what_is_pending_never_nothing(tmp_path: Path) -> None:
    from tests.web.test_web_browser import Console, chromium, launched

    db = _store(tmp_path)
    search = "/search?" + urllib.parse.urlencode({"q": NEEDLE})
    with serving(db) as server, launched(chromium(), tmp_path / "profile") as browser:
        with store_lock(str(db), wait=True) as held:  # the worker waits for its lock meanwhile
            assert held
            page = browser.new_page()
            console = Console()
            console.watch(page)
            page.goto(server.url + search)
            pending = page.locator("#search-pending").inner_text()
            assert "The texts of 1 file are being stored" in pending, pending
            assert page.locator("#search-none").inner_text() == "Nothing found yet."
            page.goto(server.url + "/lessons")
            working = page.locator("#lessons-working").inner_text()
            assert "the texts of 1 file not stored yet" in working and "the store's worker is at it" in working
            assert "run lessonloop ingest" not in page.locator("main").inner_text()
            assert console.take() == []
        # A worker started while the lock was held finds it taken and leaves; the next search
        # starts one (texts_coming), which stores the texts, analyzes and learns.
        assert 'id="search-pending"' in _html(server, search)
        deadline = time.monotonic() + 60
        while is_running(str(db)):
            assert time.monotonic() < deadline, "the store's worker did not finish"
            time.sleep(0.05)
        found = _html(server, search)
        assert 'id="search-pending"' not in found and "1 hit in 1 session" in found, found


def test_a_timeline_shows_its_texts_at_once(tmp_path: Path) -> None:
    db = _store(tmp_path)
    conn = open_store(db)
    (session_id,) = conn.execute("SELECT id FROM sessions").fetchone()
    with serving(db) as server, store_lock(str(db), wait=True):
        timeline = _html(server, f"/sessions/{session_id}")
        assert NEEDLE in timeline  # its file's texts stored by the page itself, not left to the worker
    assert texts_pending(conn) == 0
    conn.close()
