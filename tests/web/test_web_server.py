"""`lessonloop serve` over HTTP, as a real subprocess on a store built from the shared corpora:
where it listens, what a write needs (the run's token, the same origin), what an unknown id or
host gets, the JSON API and its documentation, secrets redacted on the way out."""

from __future__ import annotations

import json
import re
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed: pip install 'lessonloop[web]'")
pytest.importorskip("uvicorn", reason="the web extra is not installed: pip install 'lessonloop[web]'")

from tests.conftest import REPO_ROOT, cli
from tests.web_http import request, token_of
from tests.web_stores import MAIN_CORPORA, Server, ingest, lesson_status, need_corpora, serving

pytestmark = pytest.mark.corpus
SECRET = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"  # a GitHub token's shape


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    need_corpora(*MAIN_CORPORA)
    db = tmp_path_factory.mktemp("web-server") / "lessonloop.db"
    ingest(db, *MAIN_CORPORA)
    return db


@pytest.fixture(scope="module")
def server(store: Path) -> Iterator[Server]:
    with serving(store) as running:
        yield running


def get_json(server: Server, path: str) -> Any:
    status, _, body = request(server.url + path)
    assert status == 200, body[:500]
    return json.loads(body)


def page_token(server: Server) -> str:
    return token_of(server.url + "/lessons")


def an_active_lesson(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT id FROM lessons WHERE status = 'active' ORDER BY id LIMIT 1").fetchone()
    finally:
        conn.close()
    assert row is not None, "the corpus store learned no active lesson"
    return int(row[0])


@pytest.mark.slow
def test_it_listens_on_loopback_by_default(server: Server) -> None:
    assert server.url.startswith("http://127.0.0.1:")


def test_a_non_loopback_host_needs_allow_remote(store: Path) -> None:
    result = cli("serve", "--db", store, "--host", "0.0.0.0", "--port", "0")
    assert result.exit_code == 1
    assert "--allow-remote" in result.stderr


def test_a_write_without_the_token_is_refused(server: Server, store: Path) -> None:
    lesson = an_active_lesson(store)
    form = b"reason=no+token"
    status, _, body = request(
        f"{server.url}/lessons/{lesson}/reject",
        method="POST",
        data=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 403
    assert b"token" in body
    assert lesson_status(store, lesson) == "active"
    status, _, _ = request(
        f"{server.url}/api/lessons/{lesson}/reject",
        method="POST",
        data=b"{}",
        headers={"Content-Type": "application/json", "X-Lessonloop-Token": "not-the-token"},
    )
    assert status == 403
    assert lesson_status(store, lesson) == "active"


def test_a_write_from_another_origin_is_refused_even_with_the_token(server: Server, store: Path) -> None:
    lesson = an_active_lesson(store)
    token = page_token(server)
    status, _, body = request(
        f"{server.url}/lessons/{lesson}/reject",
        method="POST",
        data=f"token={token}".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://evil.example"},
    )
    assert status == 403, body
    assert b"origin" in body
    status, _, _ = request(
        f"{server.url}/api/lessons/{lesson}/archive",
        method="POST",
        data=b"{}",
        headers={"Content-Type": "application/json", "X-Lessonloop-Token": token, "Sec-Fetch-Site": "cross-site"},
    )
    assert status == 403
    assert lesson_status(store, lesson) == "active"


def test_every_write_route_checks_the_token(server: Server, store: Path) -> None:
    """Each action on both the form and the API route: refused without the token, store unchanged."""
    from lessonloop.web.lesson_actions import ACTIONS

    lesson = an_active_lesson(store)
    for prefix in ("", "/api"):
        for action in ACTIONS:
            status, _, _ = request(
                f"{server.url}{prefix}/lessons/{lesson}/{action}",
                method="POST",
                data=b"confirm=yes&title=changed",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            assert status == 403, (prefix, action)
    assert lesson_status(store, lesson) == "active"


def test_the_api_write_with_the_token_changes_the_store(server: Server, store: Path) -> None:
    lesson = an_active_lesson(store)
    token = page_token(server)
    status, _, body = request(
        f"{server.url}/api/lessons/{lesson}/archive",
        method="POST",
        data=b"{}",
        headers={"Content-Type": "application/json", "X-Lessonloop-Token": token, "Origin": server.url},
    )
    assert status == 200, body
    assert json.loads(body)["result"]["changed"] is True
    assert lesson_status(store, lesson) == "archived"
    status, _, body = request(
        f"{server.url}/api/lessons/{lesson}/restore",
        method="POST",
        data=b"{}",
        headers={"Content-Type": "application/json", "X-Lessonloop-Token": token},
    )
    assert status == 200, body
    assert lesson_status(store, lesson) == "active"
    status, _, body = request(
        f"{server.url}/api/lessons/{lesson}/approve",
        method="POST",
        data=b"{}",
        headers={"Content-Type": "application/json", "X-Lessonloop-Token": token},
    )
    assert status == 200  # already active: nothing to do, said so
    assert json.loads(body)["result"]["changed"] is False


def test_a_refused_transition_is_a_409_with_the_reason(server: Server, store: Path) -> None:
    lesson = an_active_lesson(store)
    token = page_token(server)
    status, _, body = request(
        f"{server.url}/api/lessons/{lesson}/restore",
        method="POST",
        data=b"{}",
        headers={"Content-Type": "application/json", "X-Lessonloop-Token": token},
    )
    assert status == 200  # active already: nothing to do
    status, _, body = request(
        f"{server.url}/api/lessons/{lesson}/forget",
        method="POST",
        data=b"{}",
        headers={"Content-Type": "application/json", "X-Lessonloop-Token": token},
    )
    assert status == 409
    assert b"confirm" in body
    assert lesson_status(store, lesson) == "active"


@pytest.mark.parametrize(
    "path",
    ["/lessons/999999", "/sessions/no-such-session", "/runs/424242", "/no/such/page", "/static/nothing.js"],
)
def test_an_unknown_id_is_a_404_page_without_a_traceback(server: Server, path: str) -> None:
    status, headers, body = request(server.url + path)
    assert status == 404
    assert b"Traceback" not in body
    assert b'File "' not in body
    if not path.startswith("/static"):
        assert headers["content-type"].startswith("text/html")
        assert b"Not found" in body


@pytest.mark.parametrize("path", ["/api/lessons/999999", "/api/sessions/no-such-session", "/api/runs/424242"])
def test_an_unknown_id_in_the_api_is_a_json_404(server: Server, path: str) -> None:
    status, headers, body = request(server.url + path)
    assert status == 404
    assert headers["content-type"].startswith("application/json")
    assert json.loads(body)["status"] == 404


def test_a_bad_filter_is_a_400_not_a_failure(server: Server) -> None:
    status, _, body = request(server.url + "/sessions?since=yesterday")
    assert status == 400
    assert b"YYYY-MM-DD" in body


def test_another_host_name_is_refused(server: Server) -> None:
    """A page of another site whose name resolves here (DNS rebinding) gets nothing."""
    status, _, body = request(server.url + "/api/lessons", headers={"Host": f"attacker.example:{server.port}"})
    assert status == 400
    assert b"Unknown host" in body


def test_pages_forbid_framing_and_outside_resources(server: Server) -> None:
    _, headers, _ = request(server.url + "/")
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"


def test_every_api_route_is_documented(server: Server) -> None:
    from lessonloop.web.api import ROUTES

    doc = (REPO_ROOT / "docs" / "web.md").read_text(encoding="utf-8")
    listed = {(r["method"], r["path"]) for r in get_json(server, "/api")["routes"]}
    for route in ROUTES:
        path = re.sub(
            r"\{(\w+)(:\w+)?\}",
            lambda m: "{" + ("id" if m.group(1) in ("session_id", "run_id") else m.group(1)) + "}",
            route.path,
        )
        for method in sorted(route.methods or ()):
            if method == "HEAD":
                continue
            assert (method, path) in listed, (method, path)
            assert f"`{method} {path}" in doc, f"docs/web.md does not document {method} {path}"


@pytest.mark.slow
def test_the_api_gives_what_the_cli_gives(server: Server, store: Path) -> None:
    stats = json.loads(cli("stats", "--db", store, "--json").output)
    assert get_json(server, "/api/stats")["sessions"] == stats["sessions"]
    listed = json.loads(cli("lessons", "list", "--db", store, "--status", "all", "--json").output)
    api = get_json(server, "/api/lessons?status=all")["lessons"]
    assert sorted(lesson["id"] for lesson in api) == sorted(lesson["id"] for lesson in listed)
    sessions = get_json(server, "/api/sessions")
    assert sessions["total"] == stats["sessions"]
    first = sessions["sessions"][0]["id"]
    timeline = get_json(server, f"/api/sessions/{first}")
    assert timeline["session"]["id"] == first
    dashboard = get_json(server, "/api/dashboard")
    assert sum(row["errors"] for row in dashboard["errors_by_tool"]) == stats["tool_errors"]
    output_tokens = sum(row["output"] for row in stats["tokens"].values())
    assert sum(row["output"] for row in dashboard["tokens"]) == output_tokens
    conn = sqlite3.connect(store)
    try:
        classified = conn.execute(
            "SELECT count(*) FROM call_errors e JOIN tool_calls c ON c.id = e.tool_use_id WHERE c.ts IS NOT NULL"
        ).fetchone()[0]
    finally:
        conn.close()
    assert sum(row["errors"] for row in dashboard["errors_by_class"]) == classified > 0
    habits = json.loads(cli("analyze", "stats", "--db", store, "--json").output)
    assert dashboard["habits"]["associations"] == habits["associations"]


def _stored_projects(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [str(row[0]) for row in conn.execute("SELECT DISTINCT project FROM sessions WHERE project IS NOT NULL")]
    finally:
        conn.close()


def test_project_is_named_by_one_rule_on_every_page_and_route(server: Server, store: Path) -> None:
    """?project as the CLI's --project (store/projects/names.py): exact, else the only stored
    project containing it (letter case ignored), else an error naming the candidates."""
    names = _stored_projects(store)
    assert len(names) >= 2, names
    # A name written in capitals that no other project contains: it names that project only.
    name = next(n for n in sorted(names) if sum(n.upper().casefold() in m.casefold() for m in names) == 1)
    loose = name.upper()
    assert loose != name
    cli_stats = json.loads(cli("stats", "--db", store, "--json", "--project", loose).output)
    for route in ("/api/stats", "/api/dashboard", "/api/replay", "/api/sessions", "/api/lessons"):
        exact = get_json(server, f"{route}?project={urllib.parse.quote(name)}")
        assert get_json(server, f"{route}?project={urllib.parse.quote(loose)}") == exact, route
    assert get_json(server, f"/api/stats?project={urllib.parse.quote(loose)}")["sessions"] == cli_stats["sessions"]
    assert get_json(server, f"/api/sessions?project={urllib.parse.quote(loose)}")["total"] == cli_stats["sessions"]
    # The replay chart matched exactly or by a unique part before; now as the others.
    assert get_json(server, f"/api/replay?project={urllib.parse.quote(loose)}")["evaluated_sessions"] > 0
    # A letter several projects' names hold: a 400 naming them; the CLI says the same, exit 2.
    letter = next(c for c in "etaoinsrhldcumpgybvkwfjxqz" if sum(c in n.casefold() for n in names) >= 2)
    several = sorted(n for n in names if letter in n.casefold())
    for route in ("/api/stats", "/api/dashboard", "/api/replay", "/api/sessions", "/api/lessons"):
        status, headers, body = request(f"{server.url}{route}?project={letter}")
        assert status == 400, route
        answer = json.loads(body)
        assert answer["candidates"] == several, route
        assert f"project {letter!r} matches {len(several)} projects" in answer["error"]
    status, headers, body = request(f"{server.url}/sessions?project={letter}")
    assert status == 400 and headers["content-type"].startswith("text/html")
    assert all(n.encode() in body for n in several[:3])
    cli_several = cli("stats", "--db", store, "--project", letter)
    assert cli_several.exit_code == 2 and f"matches {len(several)} projects" in cli_several.stderr
    # None matches: a 404 listing the stored projects.
    status, _, body = request(server.url + "/api/dashboard?project=no-such-project-anywhere")
    assert status == 404
    answer = json.loads(body)
    assert answer["candidates"] == [] and "no project matches" in answer["error"]
    status, _, body = request(server.url + "/?project=no-such-project-anywhere")
    assert status == 404 and b"no project matches" in body


def test_sessions_filter_by_agent_and_errors(server: Server, store: Path) -> None:
    conn = sqlite3.connect(store)
    try:
        codex = conn.execute("SELECT count(*) FROM sessions WHERE parent_id IS NULL AND agent = 'codex'").fetchone()[0]
    finally:
        conn.close()
    assert get_json(server, "/api/sessions?agent=codex")["total"] == codex
    with_errors = get_json(server, "/api/sessions?errors=1")
    assert with_errors["total"] > 0
    assert all(row["errors"] > 0 for row in with_errors["sessions"])


def test_an_unknown_agent_is_refused_on_every_page_and_route(server: Server, store: Path) -> None:
    """?agent as the CLI's --agent: a value naming no agent lessonloop reads nor one the store
    holds is a 404 naming the known agents (it gave an empty list, as if that agent had no session)."""
    cli_answer = cli("stats", "--db", store, "--agent", "nosuch")
    assert cli_answer.exit_code == 2 and "unknown agent 'nosuch'" in cli_answer.stderr
    for route in ("/api/stats", "/api/dashboard", "/api/replay", "/api/sessions", "/api/runs"):
        status, headers, body = request(f"{server.url}{route}?agent=nosuch")
        assert status == 404, route
        assert headers["content-type"].startswith("application/json"), route
        answer = json.loads(body)
        assert "unknown agent 'nosuch'" in answer["error"], route
        assert {"claude-code", "codex", "gemini", "opencode"} <= set(answer["agents"]), route
    for path in ("/", "/sessions", "/runs"):
        status, headers, body = request(f"{server.url}{path}?agent=nosuch")
        assert status == 404 and headers["content-type"].startswith("text/html"), path
        assert b"unknown agent" in body and b"claude-code" in body, path
    # A known agent still filters, and an agent lessonloop reads with no session here is no error.
    assert get_json(server, "/api/sessions?agent=codex")["total"] > 0
    assert get_json(server, "/api/sessions?agent=aider")["total"] == 0


def test_secrets_are_redacted_on_the_way_out(server: Server, store: Path) -> None:
    """A secret that reached the store (written after redaction, as an old store may hold one) is
    redacted again in every page and API answer that shows it."""
    lesson = an_active_lesson(store)
    conn = sqlite3.connect(store)
    try:
        conn.execute("UPDATE lessons SET body = ? WHERE id = ?", (f"export GITHUB_TOKEN={SECRET} first", lesson))
        conn.commit()
    finally:
        conn.close()
    for path in (f"/lessons/{lesson}", f"/api/lessons/{lesson}", "/lessons?status=all", "/api/lessons?status=all"):
        status, _, body = request(server.url + path)
        assert status == 200
        assert SECRET.encode() not in body, path
        assert b"GITHUB_TOKEN" in body, path  # the text is there, the value is not


def test_kept_figures_are_computed_again_after_a_write(server: Server, store: Path) -> None:
    """The totals are kept; after a write they are given at once marked stale, then computed again."""
    import time

    status, headers, _ = request(server.url + "/api/stats")
    assert status == 200
    first = headers["x-lessonloop-computed-at"]
    lesson = an_active_lesson(store)
    token = page_token(server)
    for action in ("archive", "restore"):
        status, _, _ = request(
            f"{server.url}/api/lessons/{lesson}/{action}",
            method="POST",
            data=b"{}",
            headers={"Content-Type": "application/json", "X-Lessonloop-Token": token},
        )
        assert status == 200
    seen = []
    for _ in range(300):  # bounded: at most about 30 s
        _, headers, _ = request(server.url + "/api/stats")
        seen.append(headers["x-lessonloop-stale"])
        if headers["x-lessonloop-stale"] == "0":
            break
        time.sleep(0.1)
    assert seen[0] == "1", seen  # the first answer after the writes: the kept totals, marked stale
    assert seen[-1] == "0", seen
    assert headers["x-lessonloop-computed-at"] > first


@pytest.mark.parametrize("next_page", ["//evil.example/x", "/\\evil.example", "https://evil.example/", "lessons"])
def test_a_write_goes_back_only_to_a_page_of_this_server(server: Server, store: Path, next_page: str) -> None:
    from urllib.parse import urlencode

    lesson = an_active_lesson(store)
    token = page_token(server)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    req = urllib.request.Request(
        f"{server.url}/lessons/{lesson}/approve",
        data=urlencode({"token": token, "next": next_page}).encode(),
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        opener.open(req, timeout=60)
        raise AssertionError("no redirect")
    except urllib.error.HTTPError as exc:
        assert exc.code == 303
        assert exc.headers["location"] == f"/lessons/{lesson}?done=approved"


def test_a_timeline_shows_subagents_under_the_call_that_started_them(server: Server, store: Path) -> None:
    conn = sqlite3.connect(store)
    try:
        parent, sub = conn.execute(
            """SELECT s.parent_id, s.id FROM sessions s JOIN tool_calls c ON c.session_id = s.id
               WHERE s.parent_id IS NOT NULL GROUP BY s.id ORDER BY count(*) DESC LIMIT 1"""
        ).fetchone()
        sub_calls = conn.execute("SELECT count(*) FROM tool_calls WHERE session_id = ?", (sub,)).fetchone()[0]
    finally:
        conn.close()
    timeline = get_json(server, f"/api/sessions/{parent}")
    inline = [item["subagent"] for item in timeline["items"] if item.get("subagent")]
    placed = {s["id"] for s in inline} | {s["id"] for s in timeline["unplaced_subagents"]}
    assert sub in placed
    shown = next(s for s in [*inline, *timeline["unplaced_subagents"]] if s["id"] == sub)
    assert 0 < sum(1 for item in shown["items"] if item["type"] == "tool_call") <= sub_calls
    status, _, body = request(f"{server.url}/sessions/{parent}")
    assert status == 200 and b"subagent" in body


def test_an_edit_through_the_form_changes_the_text_and_marks_it_edited(server: Server, store: Path) -> None:
    from urllib.parse import urlencode

    lesson = an_active_lesson(store)
    form = {"token": page_token(server), "title": "Run the formatter before committing", "severity": "high"}
    status, _, body = request(
        f"{server.url}/lessons/{lesson}/edit",
        method="POST",
        data=urlencode(form).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 200, body[:300]  # after the redirect: the lesson's page
    assert b"Lesson edited." in body
    conn = sqlite3.connect(store)
    try:
        title, severity, edited = conn.execute(
            "SELECT title, severity, edited FROM lessons WHERE id = ?", (lesson,)
        ).fetchone()
    finally:
        conn.close()
    assert (title, severity, edited) == ("Run the formatter before committing", "high", 1)


@pytest.mark.slow
def test_a_wildcard_host_needs_allow_remote_and_warns(store: Path) -> None:
    with serving(store, "--host", "0.0.0.0", "--allow-remote") as wide:
        status, _, _ = request(f"http://127.0.0.1:{wide.port}/api")
        assert status == 200
        assert "Warning: serving on 0.0.0.0" in wide.log.read_text()


def test_a_warning_the_hooks_gave_shows_on_the_call_and_on_the_lesson(server: Server, store: Path) -> None:
    """A PreToolUse decision as the hooks store it (hook_store's row) is shown at its call in the
    timeline and in the lesson's warnings, with how the call went."""
    lesson = an_active_lesson(store)
    conn = sqlite3.connect(store)
    try:
        session, call, status = conn.execute(
            """SELECT c.session_id, c.id, c.status FROM tool_calls c JOIN sessions s ON s.id = c.session_id
               WHERE s.parent_id IS NULL AND c.ok = 0 ORDER BY c.id LIMIT 1"""
        ).fetchone()
        conn.execute(
            """INSERT INTO hook_decisions (session_id, event, tool_use_id, ts, action, lessons, detail)
               VALUES (?, 'PreToolUse', ?, '2026-02-12T10:00:00.000Z', 'warn', ?, '{}')""",
            (session, call, json.dumps([lesson])),
        )
        conn.commit()
    finally:
        conn.close()
    timeline = get_json(server, f"/api/sessions/{session}")
    warned = next(item for item in timeline["items"] if item.get("id") == call)
    assert warned["lessons_fired"][0]["action"] == "warn"
    assert warned["lessons_fired"][0]["lessons"][0]["id"] == lesson
    shown = get_json(server, f"/api/lessons/{lesson}")["warnings"]
    assert [(w["tool_use_id"], w["action"], w["status"]) for w in shown] == [(call, "warn", status)]
    _, _, page = request(f"{server.url}/sessions/{session}")
    assert f'href="/lessons/{lesson}"'.encode() in page


def test_the_most_repeated_mistakes_follow_the_agent_filter(server: Server, store: Path) -> None:
    """Issue 26: the dashboard's "most repeated mistakes" of one agent are the lessons seen failing
    in that agent's sessions, counted over them (they were every agent's lessons before)."""
    conn = sqlite3.connect(store)
    try:
        agents = [row[0] for row in conn.execute("SELECT DISTINCT agent FROM sessions WHERE parent_id IS NULL")]
        failed: dict[str, dict[int, int]] = {}
        for agent in agents:
            failed[agent] = {
                int(lesson): n
                for lesson, n in conn.execute(
                    """SELECT e.lesson_id, count(DISTINCT coalesce(s.parent_id, s.id)) FROM lesson_evidence e
                       JOIN sessions s ON s.id = e.session_id JOIN sessions m ON m.id = coalesce(s.parent_id, s.id)
                       JOIN lessons l ON l.id = e.lesson_id
                       WHERE e.role = 'failure' AND m.agent = ? AND l.status != 'rejected' GROUP BY e.lesson_id""",
                    (agent,),
                )
            }
    finally:
        conn.close()
    everyone = [m["id"] for m in get_json(server, "/api/dashboard")["top_mistakes"]]
    differs = False
    for agent in agents:
        top = get_json(server, f"/api/dashboard?agent={agent}")["top_mistakes"]
        assert all(failed[agent].get(m["id"]) == m["failed_sessions"] > 0 for m in top), agent
        assert [m["failed_sessions"] for m in top] == sorted((m["failed_sessions"] for m in top), reverse=True)
        assert len(top) == min(15, len(failed[agent])), agent
        differs = differs or [m["id"] for m in top] != everyone
    assert len(agents) >= 2 and differs


def test_the_dashboard_costs_add_up_to_the_stats(server: Server) -> None:
    stats = get_json(server, "/api/stats")
    rows = get_json(server, "/api/dashboard")["tokens"]
    priced = [row["cost_usd"] for row in rows if row["cost_usd"] is not None]
    assert priced and sum(priced) == pytest.approx(stats["cost_usd"], rel=1e-6)
    assert sum(row["unpriced_calls"] for row in rows) == stats["unpriced_calls"]


def test_the_pages_show_costs(server: Server) -> None:
    stats = get_json(server, "/api/stats")
    status, _, body = request(server.url + "/sessions")
    assert status == 200 and b">cost</th>" in body
    first = get_json(server, "/api/sessions")["sessions"][0]
    if first["cost_usd"] is not None:
        assert f"${first['cost_usd']:,.2f}".encode() in body
    status, _, body = request(server.url + "/")
    assert status == 200 and f"cost ${stats['cost_usd']:,.2f}".encode() in body
    status, _, body = request(f"{server.url}/sessions/{first['id']}")
    shown = get_json(server, f"/api/sessions/{first['id']}")["session"]
    assert status == 200 and shown["cost_usd"] == first["cost_usd"]
    if first["cost_usd"] is not None:
        assert f"<dd>${first['cost_usd']:,.2f}".encode() in body
