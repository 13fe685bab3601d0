"""The JSON API (docs/web.md): what each page shows, for other tools to read; the lesson writes
(token and origin checked, as the forms'). Every text is redacted again before it is sent."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from lessonloop.web import views
from lessonloop.web.figures import dashboard_json, filter_lists, replay_json, store_stats
from lessonloop.web.pages import lessons_export
from lessonloop.web.requests import (
    agent,
    checked_lesson_write,
    json_response,
    lesson_query,
    page_number,
    path_text,
    project,
    search_request,
    session_filters,
    state_of,
)
from lessonloop.web.state import Figures
from lessonloop.web.wing_pages import wing_route_docs

ROUTE_DOCS = (
    ("GET", "/api", "this list"),
    ("GET", "/api/stats", "totals: sessions, tool calls and errors per tool, tokens per model (?project, ?agent)"),
    ("GET", "/api/dashboard", "the dashboards' figures (?project, ?agent)"),
    ("GET", "/api/replay", "would the lessons have warned: the replay, per day (?project, ?agent)"),
    ("GET", "/api/lessons", "lessons, review order (?status, ?kind, ?tier, ?project, ?q recall, ?limit)"),
    ("GET", "/api/lessons/export", "lessons as JSONL or Markdown (?format=jsonl|md, ?status, ?project)"),
    ("GET", "/api/lessons/{ref}", "one lesson: row, confidence and its curve, evidence, history, warnings"),
    ("POST", "/api/lessons/{ref}/{action}", "approve|reject|archive|restore|edit|forget (X-Lessonloop-Token)"),
    ("GET", "/api/sessions", "sessions, newest first (?project, ?agent, ?model, ?since, ?until, ?errors=1, ?page)"),
    ("GET", "/api/sessions/{id}", "one session's timeline with analysis, subagents, lessons given, commits"),
    (
        "GET",
        "/api/search",
        "every agent's sessions by words, best first (?q, ?kind, ?project, ?agent, ?tool, ?failed=1, ?since, ?until, ?limit)",
    ),
)


def api_index(request: Request) -> Response:
    documented = [*ROUTE_DOCS, *wing_route_docs()]
    return json_response(
        {"routes": [{"method": method, "path": path, "what": what} for method, path, what in documented]}
    )


def _figures_response(figures: Figures) -> Response:
    """Kept figures (JSON already, or a value sent as JSON), with when they were computed and
    whether newer ones are being computed."""
    if isinstance(figures.value, bytes):
        response = Response(figures.value, media_type="application/json")
    else:
        response = json_response(figures.value)
    response.headers["x-lessonloop-computed-at"] = figures.computed_at
    response.headers["x-lessonloop-stale"] = "1" if figures.stale else "0"
    return response


def api_stats(request: Request) -> Response:
    return _figures_response(store_stats(state_of(request), project(request), agent(request)))


def api_dashboard(request: Request) -> Response:
    return _figures_response(dashboard_json(state_of(request), project(request), agent(request)))


def api_replay(request: Request) -> Response:
    return _figures_response(replay_json(state_of(request), project(request), agent(request)))


def api_lessons(request: Request) -> Response:
    state = state_of(request)
    query = lesson_query(request)
    with state.store() as conn:
        view = views.lessons_view(conn, query, state.recall_embedder(conn) if query.q else None)
    lessons = []
    for row in view["lessons"]:
        data = row.to_json()
        if row.id in view["scores"]:
            data["score"] = view["scores"][row.id]
        lessons.append(data)
    return json_response({"query": view["query"], "counts": view["counts"], "lessons": lessons})


def api_lesson(request: Request) -> Response:
    with state_of(request).store() as conn:
        view = views.lesson_view(conn, path_text(request, "ref", "the lesson"))
    return json_response(views.lesson_json(view))


async def api_lesson_write(request: Request) -> Response:
    outcome, _ = await checked_lesson_write(request)
    return json_response(outcome.to_json())


def api_sessions(request: Request) -> Response:
    filters = session_filters(request)
    state = state_of(request)
    with state.store() as conn:
        view = views.sessions_view(conn, filters, page_number(request), filter_lists(state).value)
    return json_response(view["page"].to_json())


def api_session(request: Request) -> Response:
    with state_of(request).store() as conn:
        return json_response(views.session_view(conn, path_text(request, "session_id", "the session id")))


def api_search(request: Request) -> Response:
    q, filters, limit = search_request(request)
    state = state_of(request)
    with state.store() as conn:
        view = views.search_view(conn, q, filters, limit, {})
    if view["problem"]:
        return json_response({"error": view["problem"]}, status=400)
    hits = [{k: v for k, v in hit.items() if k != "parts"} for hit in view["hits"]]
    return json_response({"q": q, "filters": view["filters"], "notice": view["notice"], "hits": hits})


def api_export(request: Request) -> Response:
    return lessons_export(request)


ROUTES = [
    Route("/api", api_index, methods=["GET"]),
    Route("/api/stats", api_stats, methods=["GET"]),
    Route("/api/dashboard", api_dashboard, methods=["GET"]),
    Route("/api/replay", api_replay, methods=["GET"]),
    Route("/api/lessons", api_lessons, methods=["GET"]),
    Route("/api/lessons/export", api_export, methods=["GET"]),
    Route("/api/lessons/{ref}", api_lesson, methods=["GET"]),
    Route("/api/lessons/{ref}/{action}", api_lesson_write, methods=["POST"]),
    Route("/api/sessions", api_sessions, methods=["GET"]),
    Route("/api/sessions/{session_id:path}", api_session, methods=["GET"]),
    Route("/api/search", api_search, methods=["GET"]),
]
