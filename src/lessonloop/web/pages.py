"""The HTML pages: dashboards, the lesson review queue and one lesson, sessions and one session's
timeline; and the form writes on lessons (token and origin checked)."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from lessonloop.learning.engine import exchange
from lessonloop.lesson_model.confidence import TIERS
from lessonloop.pipeline.background.lag import work_left
from lessonloop.pipeline.texts_later import texts_coming
from lessonloop.secrets.field_redaction import redact_fields
from lessonloop.settings.config import privacy_settings
from lessonloop.store.lessons.reader import KINDS, list_lessons
from lessonloop.web import params, views
from lessonloop.web.figures import filter_lists, store_stats
from lessonloop.web.lesson_actions import DONE, actions_for
from lessonloop.web.requests import (
    agent,
    checked_lesson_write,
    lesson_query,
    page,
    page_number,
    path_text,
    project,
    search_request,
    session_filters,
    state_of,
    statuses,
    value,
)

_NOTICES = {verb: f"Lesson {verb}." for verb in DONE.values()}


def dashboard_page(request: Request) -> Response:
    state = state_of(request)
    name, who = project(request), agent(request)
    query = urlencode({k: v for k, v in (("project", name), ("agent", who)) if v})
    suffix = f"?{query}" if query else ""
    stats = store_stats(state, name, who)
    choices = filter_lists(state).value
    with state.store() as conn:
        lesson_counts = views.lesson_counts(conn)
    return page(
        request,
        "dashboard.html",
        "dashboard",
        stats=stats.value,
        computed_at=stats.computed_at,
        choices=choices,
        project=name,
        agent=who,
        lesson_counts=lesson_counts,
        dashboard_api=f"/api/dashboard{suffix}",
        replay_api=f"/api/replay{suffix}",
    )


def lessons_page(request: Request) -> Response:
    state = state_of(request)
    query = lesson_query(request)
    with state.store() as conn:
        embedder = state.recall_embedder(conn) if query.q else None
        view = views.lessons_view(conn, query, embedder)
        view["working"] = work_left(conn, str(state.db))  # what the store's worker has still to do
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return page(
        request,
        "lessons.html",
        "lessons",
        kinds=KINDS,
        tiers=TIERS,
        here=here,
        notice=_NOTICES.get(value(request, "done") or ""),
        **view,
    )


def lesson_page(request: Request) -> Response:
    state = state_of(request)
    with state.store() as conn:
        view = views.lesson_view(conn, path_text(request, "ref", "the lesson"))
    return page(
        request,
        "lesson.html",
        "lessons",
        actions=actions_for(view["detail"].lesson),
        notice=_NOTICES.get(value(request, "done") or ""),
        **view,
    )


async def lesson_write(request: Request) -> Response:
    """A form's approve, reject, archive, restore, edit or forget; then back to the page."""
    outcome, fields = await checked_lesson_write(request)
    lesson_id, action = outcome.lesson_id, path_text(request, "action", "the action")
    done = DONE[action]
    target = fields.get("next") or ""
    if action == "forget":
        target = "/lessons"
    elif not target.startswith("/") or target.startswith(("//", "/\\")) or "\n" in target or "\r" in target:
        # only a path of this server: "//host" and "/\\host" would leave it
        target = f"/lessons/{lesson_id}"
    separator = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{separator}done={done}", status_code=303)


def lessons_export(request: Request) -> Response:
    """The lessons as JSONL or as the Markdown section for CLAUDE.md / AGENTS.md (a download)."""
    fmt = params.choice(request.query_params, "format", ("jsonl", "md")) or "jsonl"
    status = statuses(request, "active" if fmt == "md" else "active,pending")
    name = project(request)
    with state_of(request).store() as conn:
        rows = list_lessons(conn, status=status, project=name, order="signature")
    records = [redact_fields(row.to_json())[0] for row in rows]
    scrub = privacy_settings().scrub_pii_exports  # a download is an export (docs/privacy.md)
    text = (
        exchange.markdown_section(records, scrub_pii=scrub) + "\n"
        if fmt == "md"
        else exchange.export_jsonl(records, scrub_pii=scrub)
    )
    name = "lessons.md" if fmt == "md" else "lessons.jsonl"
    return PlainTextResponse(
        text,
        media_type="text/markdown" if fmt == "md" else "application/x-ndjson",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


def sessions_page(request: Request) -> Response:
    filters = session_filters(request)
    number = page_number(request)
    state = state_of(request)
    with state.store() as conn:
        view = views.sessions_view(conn, filters, number, filter_lists(state).value)
    kept = {k: v for k, v in filters.to_json().items() if v}
    if kept.get("errors"):
        kept["errors"] = "1"

    def page_link(n: int) -> str:
        return "/sessions?" + urlencode({**kept, "page": n})

    return page(request, "sessions.html", "sessions", page_link=page_link, **view)


def session_page(request: Request) -> Response:
    with state_of(request).store() as conn:
        only = params.choice(request.query_params, "only", ("errors",)) == "errors"
        given = path_text(request, "session_id", "the session id")
        views.texts_of_session(conn, given)  # its texts first, when a figures-first capture left them
        view = views.session_view(conn, given, only_errors=only)
    return page(request, "session.html", "sessions", **view)


def search_page(request: Request) -> Response:
    q, filters, limit = search_request(request)
    state = state_of(request)
    with state.store() as conn:
        view = views.search_view(conn, q, filters, limit, filter_lists(state).value)
        view["pending"] = texts_coming(conn, str(state.db))  # files whose texts the worker is storing
    # The days as the form's date inputs hold them (the filters hold their UTC moments).
    view["since"], view["until"] = request.query_params.get("since"), request.query_params.get("until")
    return page(request, "search.html", "search", search=view)


ROUTES = [
    Route("/", dashboard_page, methods=["GET"]),
    Route("/lessons", lessons_page, methods=["GET"]),
    Route("/lessons/export", lessons_export, methods=["GET"]),
    Route("/lessons/{ref}", lesson_page, methods=["GET"]),
    Route("/lessons/{ref}/{action}", lesson_write, methods=["POST"]),
    Route("/sessions", sessions_page, methods=["GET"]),
    Route("/sessions/{session_id:path}", session_page, methods=["GET"]),
    Route("/search", search_page, methods=["GET"]),
]
