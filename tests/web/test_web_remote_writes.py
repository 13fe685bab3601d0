"""`lessonloop serve --allow-remote` hands no write to another machine (issue 39): any client on the
network read the write token from a page and could forget lessons, while the start-up warning
said "writes still need this run's token". Now a client whose connection comes from another
address gets read-only pages (no token in them) and its writes are refused (403), unless the
person started the server with --allow-remote-writes; writes from this machine work as before.

A real `lessonloop serve` process on 0.0.0.0, reached through the machine's own network address
(the connection then comes from that address, not loopback), as tests/web/test_web_host_names.py
reaches it; skipped where the machine has no address besides loopback."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed: pip install 'lessonloop[web]'")
pytest.importorskip("uvicorn", reason="the web extra is not installed: pip install 'lessonloop[web]'")

from tests.conftest import store_with_active_lessons
from tests.web.test_web_host_names import machine_address
from tests.web_http import request, token_of
from tests.web_stores import Server, lesson_status, serving

LESSONS = [
    {
        "signature": f"remote-{n}",
        "kind": "usage",
        "title": f"`tool{n} run` without --flag fails",
        "body": "the flag is required",
        "prevention": "Run it with --flag.",
        "scope": "global",
        "sessions": 3,
        "failed_sessions": 3,
        "observations": 3,
    }
    for n in range(3)
]
TOKEN_META = re.compile(rb'name="lessonloop-token"')


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return store_with_active_lessons(tmp_path, *LESSONS)


@pytest.fixture
def address() -> str:
    found = machine_address()
    if found is None:
        pytest.skip("this machine has no address besides loopback: no connection can come from another address")
    return found


@pytest.fixture
def read_only(store: Path) -> Iterator[Server]:
    with serving(store, "--host", "0.0.0.0", "--allow-remote") as running:
        yield running


def _ids(db: Path) -> list[int]:
    conn = sqlite3.connect(db)
    try:
        return [int(row[0]) for row in conn.execute("SELECT id FROM lessons ORDER BY id")]
    finally:
        conn.close()


def _write(server: Server, base: str, lesson: int, action: str, token: str, *, form: bool = False) -> int:
    """A write as a page of `base` sends it (same origin, the token), over a connection to `base`."""
    host = base.removeprefix("http://")
    if form:
        data = f"token={token}&confirm=yes".encode()
        headers = {"Host": host, "Origin": base, "Content-Type": "application/x-www-form-urlencoded"}
        return request(f"{base}/lessons/{lesson}/{action}", method="POST", data=data, headers=headers)[0]
    headers = {"Host": host, "Origin": base, "Content-Type": "application/json", "X-Lessonloop-Token": token}
    body = json.dumps({"confirm": "yes"}).encode()
    return request(f"{base}/api/lessons/{lesson}/{action}", method="POST", data=body, headers=headers)[0]


def test_another_machine_reads_pages_without_the_token_and_cannot_write(
    read_only: Server, store: Path, address: str
) -> None:
    local = f"http://127.0.0.1:{read_only.port}"
    remote = f"http://{address}:{read_only.port}"
    token = token_of(local + "/lessons")  # this machine's pages hold it
    first, second, third = _ids(store)
    for path in ("/", "/lessons", f"/lessons/{first}", "/sessions", "/runs", "/lessons?status=all"):
        status, _headers, body = request(remote + path)
        assert status == 200, (path, body[:300])
        assert token.encode() not in body and not TOKEN_META.search(body), path
        assert b'method="post"' not in body, path
        assert b"Read-only" in body, path
    assert request(remote + "/api/lessons")[0] == 200  # the API reads too

    for lesson, action, form in ((first, "forget", False), (second, "archive", True), (third, "reject", False)):
        assert _write(read_only, remote, lesson, action, token, form=form) == 403
    status, _h, body = request(
        f"{remote}/api/lessons/{first}/archive",
        method="POST",
        data=b"{}",
        headers={"Host": f"127.0.0.1:{read_only.port}", "Origin": local, "X-Lessonloop-Token": token},
    )  # a Host naming this machine does not make the connection local
    assert status == 403 and b"--allow-remote-writes" in body
    assert _ids(store) == [first, second, third]
    assert {lesson_status(store, i) for i in (first, second, third)} == {"active"}

    assert _write(read_only, local, first, "archive", token) == 200  # from this machine: as before
    assert lesson_status(store, first) == "archived"
    log = read_only.log.read_text()
    assert "read only" in log and "--allow-remote-writes" in log and "writes still need" not in log


def test_with_allow_remote_writes_another_machine_may_write(store: Path, address: str) -> None:
    with serving(store, "--host", "0.0.0.0", "--allow-remote-writes") as server:
        remote = f"http://{address}:{server.port}"
        token = token_of(remote + "/lessons")  # the pages another machine gets hold it now
        first, second, _third = _ids(store)
        assert _write(server, remote, first, "archive", token) == 200
        assert _write(server, remote, second, "forget", token, form=True) in (200, 303)
        assert lesson_status(store, first) == "archived" and second not in _ids(store)
        log = server.log.read_text()
    assert "can also approve, reject, edit, archive, restore and forget" in log


def test_a_client_the_server_cannot_place_on_this_machine_gets_read_only_pages(store: Path) -> None:
    """In the process (Starlette's test client: its connection's address is "testclient", not a
    loopback one): the same rule without a network."""
    from starlette.testclient import TestClient

    from lessonloop.web.app import create_app
    from lessonloop.web.security import Guard

    guard = Guard("127.0.0.1", 8765)
    client = TestClient(create_app(store, guard), base_url="http://127.0.0.1:8765")
    page = client.get("/lessons")
    assert page.status_code == 200 and guard.token not in page.text and "Read-only" in page.text
    first = _ids(store)[0]
    refused = client.post(
        f"/api/lessons/{first}/archive",
        json={},
        headers={"Origin": "http://127.0.0.1:8765", "X-Lessonloop-Token": guard.token},
    )
    assert refused.status_code == 403 and lesson_status(store, first) == "active"
