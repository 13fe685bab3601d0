"""Every value a request gives is checked (issue 25): huge and malformed numbers, days that do not
exist, over-long texts and bodies get a 400 (a 413 for a body over 1 MB) naming the parameter,
on every endpoint family, as JSON under /api and as a page elsewhere; never a 500, and a
refused write leaves the store as it was. A real `lessonloop serve` process over a store built
from the shared corpus; the store read back with SQLite."""

from __future__ import annotations

import html
import http.client
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed: pip install 'lessonloop[web]'")
pytest.importorskip("uvicorn", reason="the web extra is not installed: pip install 'lessonloop[web]'")

from tests.conftest import SHARED_CORPUS, cli
from tests.web_http import request, token_of
from tests.web_stores import Server, ingest, need_corpora, serving

pytestmark = pytest.mark.corpus
CORPUS = SHARED_CORPUS / "claude-code" / "spotter"
NINES_30 = "9" * 30
DIGITS_5000 = "9" * 5000
FIVE_MB = 5 * 1024 * 1024

# (path and query, what the 400's message says): each endpoint family that reads query values.
# The lists, the lesson export and the dashboards are both pages and API routes.
SHARED = [
    ("/sessions?page=" + NINES_30, "page must be a whole number from 1 to 1000000"),
    ("/sessions?page=" + DIGITS_5000, "page must be a whole number"),
    ("/sessions?page=0", "page must be a whole number"),
    ("/sessions?page=-1", "page must be a whole number"),
    ("/sessions?page=1.5", "page must be a whole number"),
    ("/sessions?page=%EF%BC%91", "page must be a whole number"),  # a full-width digit
    ("/sessions?since=2026-13-45", "since must be a day of the calendar"),
    ("/sessions?until=2026-02-30", "until must be a day of the calendar"),
    ("/sessions?since=yesterday", "since must be a day as YYYY-MM-DD"),
    ("/sessions?since=" + "2" * 5000, "since is too long"),
    ("/sessions?errors=maybe", "errors must be 1 or 0"),
    ("/sessions?model=" + "m" * 301, "model is too long: 301 characters, at most 300"),
    ("/sessions?agent=" + "a" * 101, "agent is too long"),
    ("/sessions?project=" + "p" * 1001, "project is too long"),
    ("/lessons?limit=" + NINES_30, "limit must be a whole number from 1 to 100000"),
    ("/lessons?limit=" + DIGITS_5000, "limit must be a whole number"),
    ("/lessons?kind=nope", "kind must be one of usage, correction"),
    ("/lessons?tier=gold", "tier must be one of candidate, active, core"),
    ("/lessons?status=bogus", "status"),
    ("/lessons?q=" + "w" * 2001, "q is too long"),
    ("/lessons?project=" + "p" * 12_000, "project is too long: 12,000 characters"),
    ("/lessons/export?format=xml", "format must be one of jsonl, md"),
    ("/lessons/export?status=" + "s" * 201, "status is too long"),
    ("/?agent=" + "a" * 101, "agent is too long"),
    ("/?project=" + "p" * 1001, "project is too long"),
    ("/runs?command=" + "c" * 2001, "command is too long"),
    ("/runs?agent=" + "a" * 101, "agent is too long"),
]
API_ONLY = [
    ("/api/runs?limit=" + NINES_30, "limit must be a whole number"),
    ("/api/runs?limit=0", "limit must be a whole number"),
    ("/api/stats?project=" + "p" * 1001, "project is too long"),
    ("/api/dashboard?agent=" + "a" * 101, "agent is too long"),
    ("/api/replay?project=" + "p" * 1001, "project is too long"),
]
# Path values: a run's id and over-long references (a lesson's 30-digit number is no id: a 404).
PATHS = [
    ("/runs/" + NINES_30, "the run id must be a whole number from 1 to 9223372036854775807"),
    ("/runs/" + DIGITS_5000, "the run id must be a whole number"),
    ("/runs/abc", "the run id must be a whole number"),
    ("/lessons/" + DIGITS_5000, "the lesson is too long: 5,000 characters, at most 200"),
    ("/sessions/" + "s" * 1001, "the session id is too long"),
]


def _api(path: str) -> str:
    return "/api" + path if not path.startswith("/?") else "/api/dashboard" + path[1:]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    need_corpora(CORPUS)
    db = tmp_path_factory.mktemp("web-limits") / "lessonloop.db"
    ingest(db, CORPUS)
    return db


@pytest.fixture(scope="module")
def server(store: Path) -> Iterator[Server]:
    with serving(store) as running:
        yield running


def lesson_row(db: Path, lesson_id: int | None = None) -> tuple[int, str, str, str | None, str, int]:
    conn = sqlite3.connect(db)
    try:
        where = "id = ?" if lesson_id is not None else "status = 'active' ORDER BY id LIMIT 1"
        row = conn.execute(
            f"SELECT id, title, body, prevention, status, edited FROM lessons WHERE {where}",
            (lesson_id,) if lesson_id is not None else (),
        ).fetchone()
    finally:
        conn.close()
    assert row is not None, "the corpus store learned no active lesson"
    return int(row[0]), str(row[1]), str(row[2]), row[3], str(row[4]), int(row[5])


def assert_json_400(status: int, headers: dict[str, str], body: bytes, said: str) -> None:
    assert status == 400, body[:300]
    assert headers["content-type"].startswith("application/json")
    answer = json.loads(body)
    assert answer["status"] == 400
    assert said in answer["error"]
    assert len(answer["error"]) < 300  # a 5,000-digit value is not repeated whole


@pytest.mark.slow
@pytest.mark.parametrize(("path", "said"), SHARED + API_ONLY + PATHS, ids=lambda v: v[:40])
def test_the_api_answers_a_bad_value_with_a_400_naming_it(server: Server, path: str, said: str) -> None:
    status, headers, body = request(server.url + (path if path.startswith("/api") else _api(path)))
    assert_json_400(status, headers, body, said)


@pytest.mark.parametrize(("path", "said"), SHARED + PATHS, ids=lambda v: v[:40])
def test_a_page_answers_a_bad_value_with_a_400_page_naming_it(server: Server, path: str, said: str) -> None:
    status, headers, body = request(server.url + path)
    assert status == 400, body[:300]
    assert headers["content-type"].startswith("text/html")  # the export's too, a download otherwise
    text = html.unescape(body.decode())
    assert "Bad request" in text and said in text
    assert "Traceback" not in text


@pytest.mark.parametrize(
    "path",
    [
        "/api/sessions?page=1000000",
        "/api/sessions?since=2024-02-29&until=2026-12-31",
        "/api/sessions?errors=on",
        "/api/sessions?errors=0",
        "/api/lessons?limit=100000&kind=usage&tier=active",
        "/api/runs?limit=1",
        "/api/lessons/export?format=md",
        "/sessions?page=1000000",
    ],
)
def test_values_at_their_limits_are_served(server: Server, path: str) -> None:
    status, _, body = request(server.url + path)
    assert status == 200, body[:300]


def test_numbers_no_row_has_are_404s_not_failures(server: Server) -> None:
    for path in (f"/api/lessons/{NINES_30}", f"/api/lessons/%23{NINES_30}", f"/lessons/{NINES_30}"):
        status, _, body = request(server.url + path)
        assert status == 404, (path, body[:200])
    status, _, _ = request(f"{server.url}/api/runs/{2**63 - 1}")
    assert status == 404


def _form(server: Server, lesson: int, action: str, fields: dict[str, str], api: bool = False) -> tuple[int, bytes]:
    status, _, body = request(
        f"{server.url}{'/api' if api else ''}/lessons/{lesson}/{action}",
        method="POST",
        data=urlencode(fields).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    return status, body


def _json(server: Server, lesson: int, action: str, data: object, token: str) -> tuple[int, bytes]:
    status, _, body = request(
        f"{server.url}/api/lessons/{lesson}/{action}",
        method="POST",
        data=json.dumps(data).encode(),
        headers={"Content-Type": "application/json", "X-Lessonloop-Token": token},
    )
    return status, body


@pytest.mark.parametrize(
    ("action", "field", "size", "limit"),
    [
        ("edit", "title", 501, 500),
        ("edit", "title", FIVE_MB // 8, 500),
        ("edit", "body", 8001, 8000),
        ("edit", "prevention", 8001, 8000),
        ("reject", "reason", 2001, 2000),
        ("edit", "note", 2001, 2000),  # a field no write reads
    ],
)
def test_an_over_long_field_is_a_400_naming_it_and_changes_nothing(
    server: Server, store: Path, action: str, field: str, size: int, limit: int
) -> None:
    before = lesson_row(store)
    token = token_of(server.url + "/lessons")
    said = f"the field '{field}' is too long: {size:,} characters, at most {limit:,}"
    status, body = _form(server, before[0], action, {"token": token, field: "x" * size})
    assert status == 400 and said in html.unescape(body.decode())
    status, body = _json(server, before[0], action, {field: "x" * size}, token)
    assert status == 400 and json.loads(body)["error"] == said
    assert lesson_row(store, before[0]) == before


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ({"title": {"text": "nested"}}, "the field 'title' must be a text (a JSON string), not an object"),
        ({"body": ["a", "b"]}, "the field 'body' must be a text (a JSON string), not a list"),
        ({"confirm": True}, "the field 'confirm' must be a text (a JSON string), not true/false"),
        ({"severity": "apocalyptic"}, "severity must be one of low, medium, high, critical"),
        ({"scope": "universe"}, "scope must be one of project, global"),
    ],
)
def test_a_json_field_of_the_wrong_kind_is_a_400(server: Server, store: Path, data: object, said: str) -> None:
    before = lesson_row(store)
    status, body = _json(server, before[0], "edit", data, token_of(server.url + "/lessons"))
    assert status == 400
    assert said in json.loads(body)["error"]
    assert lesson_row(store, before[0]) == before


@pytest.mark.parametrize("api", [False, True])
def test_a_five_megabyte_title_is_refused_before_it_is_read(server: Server, store: Path, api: bool) -> None:
    before = lesson_row(store)
    token = token_of(server.url + "/lessons")
    status, body = _form(server, before[0], "edit", {"token": token, "title": "T" * FIVE_MB}, api=api)
    assert status == 413
    assert "at most 1,048,576 bytes" in (json.loads(body)["error"] if api else body.decode())
    assert lesson_row(store, before[0]) == before


def test_a_body_sent_in_chunks_is_cut_at_one_megabyte(server: Server, store: Path) -> None:
    """No Content-Length: the body is counted as it arrives."""
    before = lesson_row(store)
    token = token_of(server.url + "/lessons")

    def chunks() -> Iterator[bytes]:
        yield f"token={token}&title=".encode()
        for _ in range(50):
            yield b"T" * 100_000

    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        conn.request(
            "POST",
            f"/api/lessons/{before[0]}/edit",
            body=chunks(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            encode_chunked=True,
        )
        response = conn.getresponse()
        status, body = response.status, response.read()
    finally:
        conn.close()
    assert status == 413
    assert "more than 1,048,576 bytes sent" in json.loads(body)["error"]
    assert lesson_row(store, before[0]) == before


def test_the_token_is_checked_before_the_fields(server: Server, store: Path) -> None:
    before = lesson_row(store)
    status, body = _form(server, before[0], "edit", {"title": "x" * 600})
    assert status == 403 and b"token" in body
    assert lesson_row(store, before[0]) == before


def test_texts_at_their_limits_are_stored(server: Server, store: Path) -> None:
    lesson, title, body, prevention, _, _ = lesson_row(store)
    token = token_of(server.url + "/lessons")
    new = {"title": "T" * 500, "body": "B" * 8000, "prevention": "P" * 8000}
    status, answer = _json(server, lesson, "edit", new, token)
    assert status == 200, answer[:300]
    assert lesson_row(store, lesson)[1:4] == ("T" * 500, "B" * 8000, "P" * 8000)
    # The edit form shows the limits it is held to.
    _, _, page = request(f"{server.url}/lessons/{lesson}")
    assert b'name="title"' in page and b'maxlength="500"' in page and b'maxlength="8000"' in page
    status, _ = _json(server, lesson, "edit", {"title": title, "body": body, "prevention": prevention or ""}, token)
    assert status == 200


def test_the_cli_finds_no_lesson_or_run_by_a_number_sqlite_cannot_hold(store: Path) -> None:
    for args in (("lessons", "show", NINES_30), ("lessons", "show", "#" + NINES_30), ("runs", "show", NINES_30)):
        result = cli(*args, "--db", store)
        assert result.exit_code == 2, args  # an id naming nothing: a usage error
        assert "Traceback" not in result.stderr and "no " in result.stderr, (args, result.stderr)
