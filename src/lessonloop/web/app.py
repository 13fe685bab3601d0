"""The web application: the pages, the API, the static files (the shared style sheet, charts'
script and vendored Chart.js), the guard, and errors as pages or JSON: an unknown id is a 404,
a failure a short message, never a traceback."""

from __future__ import annotations

import logging
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from lessonloop.report.html.assets import STATIC
from lessonloop.store.projects.names import UnknownProject
from lessonloop.store.sessions.agents import UnknownAgent
from lessonloop.store.transaction import StoreError
from lessonloop.web import api, pages
from lessonloop.web.body_limit import BodyLimitMiddleware
from lessonloop.web.requests import json_response, page, wants_json
from lessonloop.web.security import Guard, GuardMiddleware
from lessonloop.web.state import WebState, template_environment
from lessonloop.web.views import NotFound
from lessonloop.web.wing_pages import wing_routes

log = logging.getLogger("lessonloop.web")
_HEADINGS = {
    400: "Bad request",
    403: "Refused",
    404: "Not found",
    405: "Not allowed",
    409: "Not possible",
    413: "Too large",
    503: "The store cannot be read",
}


def _error(request: Request, status: int, message: str, **more: object) -> Response:
    if wants_json(request):
        return json_response({"error": message, "status": status, **more}, status)
    heading = _HEADINGS.get(status, "Something went wrong")
    try:
        return page(request, "error.html", "", status=status, heading=heading, message=message)
    except Exception:  # the error page itself failed: say it in plain text, no traceback
        log.exception("the error page failed")
        return PlainTextResponse(f"{heading}: {message}", status_code=status)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = exc.detail if exc.status_code != 404 or exc.detail != "Not Found" else f"No page at {request.url.path}."
    return _error(request, exc.status_code, str(message))


async def _not_found(request: Request, exc: Exception) -> Response:
    return _error(request, 404, str(exc))


async def _unknown_project(request: Request, exc: Exception) -> Response:
    """?project naming no stored project (404) or several (400, with those it matches)."""
    assert isinstance(exc, UnknownProject)
    return _error(request, 400 if exc.candidates else 404, str(exc), candidates=exc.candidates)


async def _unknown_agent(request: Request, exc: Exception) -> Response:
    """?agent naming no agent lessonloop reads nor one the store holds: a 404 naming the known."""
    assert isinstance(exc, UnknownAgent)
    return _error(request, 404, str(exc), agents=exc.known)


async def _store_error(request: Request, exc: Exception) -> Response:
    return _error(request, 503, str(exc))


async def _failure(request: Request, exc: Exception) -> Response:
    log.exception("%s %s failed", request.method, request.url.path)
    return _error(request, 500, f"This request failed ({type(exc).__name__}); the server's log has the details.")


def create_app(db: Path, guard: Guard) -> Starlette:
    """The application over the store at `db` (migrated already), guarded by `guard`."""
    state = WebState(db=db, guard=guard, env=template_environment())
    wing_api, wing_pages = wing_routes()  # the wings' own pages (core/wings.py)
    app = Starlette(
        routes=[
            *api.ROUTES,
            *wing_api,
            *pages.ROUTES,
            *wing_pages,
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        middleware=[Middleware(GuardMiddleware, guard=guard), Middleware(BodyLimitMiddleware)],
        exception_handlers={
            HTTPException: _http_error,
            NotFound: _not_found,
            UnknownProject: _unknown_project,
            UnknownAgent: _unknown_agent,
            StoreError: _store_error,
            Exception: _failure,
        },
    )
    app.state.web = state
    return app
