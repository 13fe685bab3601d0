"""DNS rebinding against `lessonloop serve --allow-remote --host 0.0.0.0` (issue 25): a page of
another site whose name resolves to this machine sends its own name as Host; the server, a real
process on a store built from the shared corpus, refuses it (no lesson, no token in the answer,
no write) and answers to the names it serves: its addresses, the loopback names, the address a
connection reached, and the names given with --host-name."""

from __future__ import annotations

import json
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed: pip install 'lessonloop[web]'")
pytest.importorskip("uvicorn", reason="the web extra is not installed: pip install 'lessonloop[web]'")

from tests.conftest import SHARED_CORPUS, cli
from tests.web_http import request, token_of
from tests.web_stores import Server, ingest, lesson_status, need_corpora, serving

pytestmark = pytest.mark.corpus
CORPUS = SHARED_CORPUS / "claude-code" / "spotter"
PATHS = ("/", "/lessons", "/api/lessons?status=all", "/api/sessions", "/api", "/static/style.css")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    need_corpora(CORPUS)
    db = tmp_path_factory.mktemp("web-hosts") / "lessonloop.db"
    ingest(db, CORPUS)
    return db


@pytest.fixture(scope="module")
def wide(store: Path) -> Iterator[Server]:
    """Served on every address, as the review's attack assumes: --allow-remote --host 0.0.0.0."""
    with serving(store, "--host", "0.0.0.0", "--allow-remote") as running:
        yield running


@pytest.fixture(scope="module")
def named(store: Path) -> Iterator[Server]:
    """The same with a name people reach it by."""
    with serving(store, "--host", "0.0.0.0", "--allow-remote", "--host-name", "lessons.lan") as running:
        yield running


def local(server: Server) -> str:
    return f"http://127.0.0.1:{server.port}"


def lessons(db: Path) -> list[tuple[int, str]]:
    conn = sqlite3.connect(db)
    try:
        return [(int(row[0]), str(row[1])) for row in conn.execute("SELECT id, title FROM lessons ORDER BY id")]
    finally:
        conn.close()


def active_lesson(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT id FROM lessons WHERE status = 'active' ORDER BY id").fetchone()[0])
    finally:
        conn.close()


def machine_address() -> str | None:
    """This machine's address on its network (no packet is sent), or None."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))
        address = str(probe.getsockname()[0])
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") else address


@pytest.mark.slow
@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("host", ["evil.example:{port}", "evil.example", "attacker.example.:{port}", ""])
def test_a_rebound_name_reads_nothing(wide: Server, store: Path, path: str, host: str) -> None:
    token = token_of(local(wide) + "/lessons")
    titles = [title for _, title in lessons(store)]
    assert titles, "the corpus store learned no lesson"
    status, headers, body = request(local(wide) + path, headers={"Host": host.format(port=wide.port)})
    assert status == 400
    assert headers["content-type"].startswith("text/plain")
    assert token.encode() not in body
    assert not any(title.encode() in body for title in titles)
    assert b"Unknown host" in body and b"--host-name" in body
    assert len(body) < 500


def test_a_rebound_name_writes_nothing_even_with_the_token(wide: Server, store: Path) -> None:
    lesson = active_lesson(store)
    token = token_of(local(wide) + "/lessons")
    evil = f"evil.example:{wide.port}"
    status, _, _ = request(
        f"{local(wide)}/api/lessons/{lesson}/archive",
        method="POST",
        data=b"{}",
        headers={
            "Host": evil,
            "Origin": f"http://{evil}",
            "Content-Type": "application/json",
            "X-Lessonloop-Token": token,
        },
    )
    assert status == 400
    status, _, _ = request(
        f"{local(wide)}/lessons/{lesson}/archive",
        method="POST",
        data=f"token={token}".encode(),
        headers={"Host": evil, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 400
    assert lesson_status(store, lesson) == "active"


@pytest.mark.parametrize(
    "host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}", "[::1]:{port}", "0.0.0.0:{port}"]
)
def test_the_names_it_serves_work(wide: Server, store: Path, host: str) -> None:
    status, _, body = request(local(wide) + "/api/lessons?status=all", headers={"Host": host.format(port=wide.port)})
    assert status == 200, body[:300]
    assert {row["id"] for row in json.loads(body)["lessons"]} == {lesson for lesson, _ in lessons(store)}


def test_a_host_name_given_is_served_with_the_port_or_none_as_behind_a_proxy(named: Server, wide: Server) -> None:
    assert request(local(named) + "/api", headers={"Host": f"lessons.lan:{named.port}"})[0] == 200
    assert request(local(named) + "/api", headers={"Host": "lessons.lan"})[0] == 200
    assert request(local(named) + "/api", headers={"Host": f"lessons.lan:{named.port + 1}"})[0] == 400
    assert request(local(named) + "/api", headers={"Host": f"localhost:{named.port + 1}"})[0] == 400
    assert request(local(named) + "/api", headers={"Host": "localhost"})[0] == 400
    assert request(local(wide) + "/api", headers={"Host": f"lessons.lan:{wide.port}"})[0] == 400  # not given there


def test_a_write_from_a_page_of_a_served_name_works_and_from_another_origin_not(named: Server, store: Path) -> None:
    lesson = active_lesson(store)
    token = token_of(local(named) + "/lessons")
    name = f"lessons.lan:{named.port}"
    for origin, expected in ((f"http://evil.example:{named.port}", 403), ("null", 403), (f"http://{name}", 200)):
        status, _, body = request(
            f"{local(named)}/api/lessons/{lesson}/archive",
            method="POST",
            data=b"{}",
            headers={
                "Host": name,
                "Origin": origin,
                "Content-Type": "application/json",
                "X-Lessonloop-Token": token,
            },
        )
        assert status == expected, (origin, body)
        if expected == 403:
            assert lesson_status(store, lesson) == "active"
    assert lesson_status(store, lesson) == "archived"
    status, _, _ = request(
        f"{local(named)}/api/lessons/{lesson}/restore",
        method="POST",
        data=b"{}",
        headers={"Host": "lessons.lan", "Origin": "https://lessons.lan", "X-Lessonloop-Token": token},
    )
    assert status == 200  # a proxy's https page on the default port
    assert lesson_status(store, lesson) == "active"


def test_the_address_a_connection_reached_is_served_and_no_other(wide: Server) -> None:
    """Typed in a browser, http://<the machine's address>:PORT/ works; that connection naming
    another address does not."""
    address = machine_address()
    if address is None:
        pytest.skip("this machine has no address besides loopback")
    url = f"http://{address}:{wide.port}"
    assert request(url + "/api")[0] == 200
    status, _, body = request(url + "/api", headers={"Host": f"10.9.9.9:{wide.port}"})
    assert status == 400 and b"Unknown host" in body


def test_a_loopback_server_serves_its_host_names_too(store: Path) -> None:
    with serving(store, "--host-name", "lessonloop.localhost") as server:
        assert request(server.url + "/api", headers={"Host": f"lessonloop.localhost:{server.port}"})[0] == 200
        assert request(server.url + "/api", headers={"Host": f"evil.example:{server.port}"})[0] == 400


def test_the_warning_of_allow_remote_names_the_hosts_served(named: Server) -> None:
    log = named.log.read_text()
    assert "Warning: serving on 0.0.0.0" in log
    assert f"127.0.0.1:{named.port}" in log and "lessons.lan" in log and "--host-name" in log


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("http://lessons.lan", "not a URL"),
        ("*", "every name cannot"),
        ("two words", "not a host name"),
        ("::1", "brackets"),
        ("lessons.lan:99999", "not a host name"),
        ("-bad-.lan", "not a host name"),
    ],
)
def test_a_bad_host_name_is_refused_before_serving(store: Path, given: str, said: str) -> None:
    result = cli("serve", "--db", store, "--port", "0", f"--host-name={given}")
    assert result.exit_code == 2
    assert "--host-name" in result.stderr and said in result.stderr


def test_serve_help_says_which_hosts_it_answers() -> None:
    result = cli("serve", "--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "--host-name NAME" in text
    assert "DNS rebinding" in text and "Host" in text
