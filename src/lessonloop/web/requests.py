"""Reading what a request asks for, every value through params.py (checked, a 400 naming it
otherwise): query values, filters, path values, the lesson list's query, a write's fields and
token (and the write, once the token and origin pass); and the answers every route gives: a
page, JSON, an error."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from lessonloop import __version__
from lessonloop.core.arg_types import since_time, until_time
from lessonloop.core.json_codec import dumps, loads
from lessonloop.lesson_model.confidence import SEVERITIES, TIERS
from lessonloop.report.session_browse_queries import SessionFilters
from lessonloop.secrets.field_redaction import redact_fields
from lessonloop.store.lessons.reader import KINDS as LESSON_KINDS
from lessonloop.store.lessons.reader import LessonNotFound
from lessonloop.store.lessons.statuses import status_values
from lessonloop.store.projects.names import resolve_project_name
from lessonloop.store.search.hits import KINDS as SEARCH_KINDS
from lessonloop.store.search.hits import SearchFilters, UnknownKind, parse_kinds
from lessonloop.store.sessions.agents import resolve_agent
from lessonloop.web import params
from lessonloop.web.lesson_actions import ActionRefused, apply_action
from lessonloop.web.quoting import shown
from lessonloop.web.security import TOKEN_HEADER, local_host, peer_address
from lessonloop.web.state import WebState
from lessonloop.web.views import LessonQuery

if TYPE_CHECKING:
    from lessonloop.store.lessons.curation import Outcome

SCOPES = ("project", "global")


def state_of(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


def value(request: Request, name: str) -> str | None:
    """A query value, stripped (params.text: within its length); None when absent or empty."""
    return params.text(request.query_params, name)


def day(request: Request, name: str) -> str | None:
    """A YYYY-MM-DD query value naming a day of the calendar; 400 for anything else."""
    return params.day(request.query_params, name)


def page_number(request: Request) -> int:
    """?page: 1 to params.MAX_PAGE (a page past the last shows no rows)."""
    return params.whole_number(request.query_params, "page", 1, high=params.MAX_PAGE)


def row_limit(request: Request, default: int) -> int:
    """?limit: how many rows at most, 1 to params.MAX_LIMIT."""
    return params.whole_number(request.query_params, "limit", default, high=params.MAX_LIMIT)


def path_text(request: Request, name: str, what: str) -> str:
    """A path value (a lesson's reference, a session's id), within its length."""
    return params.text(request.path_params, name, limit=params.PATH_LIMITS[name], label=what) or ""


def path_id(request: Request, name: str, what: str) -> int:
    """A path value that is a row's id: 1 to the largest integer SQLite holds."""
    return params.whole_number(request.path_params, name, 0, high=params.MAX_ID, label=what)


def project(request: Request) -> str | None:
    """The stored project ?project names (store/projects/names.py, as on the command line);
    UnknownProject, answered by app.py with the candidates, when it names none or several."""
    given = value(request, "project")
    if given is None:
        return None
    with state_of(request).store() as conn:
        return resolve_project_name(conn, given)


def agent(request: Request) -> str | None:
    """The agent ?agent names, checked as the command line's --agent (store/sessions/agents.py);
    UnknownAgent, answered by app.py with the known agents, for any other value."""
    given = value(request, "agent")
    if given is None:
        return None
    with state_of(request).store() as conn:
        return resolve_agent(conn, given)


def session_filters(request: Request) -> SessionFilters:
    return SessionFilters(
        project=project(request),
        agent=agent(request),
        model=value(request, "model"),
        since=day(request, "since"),
        until=day(request, "until"),
        errors=params.flag(request.query_params, "errors"),
    )


def search_request(request: Request) -> tuple[str | None, Any, int]:
    """?q (the words), the search's filters (?agent, ?project, ?since and ?until days, ?tool,
    ?failed=1, ?kind, repeatable), ?limit (default 50)."""
    try:
        kinds = parse_kinds(request.query_params.getlist("kind"))
    except UnknownKind as exc:
        raise params.bad(f"kind must be one of {', '.join(SEARCH_KINDS)}, not {exc.kind[:40]!r}") from None
    since, until = day(request, "since"), day(request, "until")
    filters = SearchFilters(
        agent=agent(request),
        project=project(request),
        since=since_time(since) if since else None,
        until=until_time(until) if until else None,
        tool=value(request, "tool"),
        failed=params.flag(request.query_params, "failed"),
        kinds=kinds,
    )
    return value(request, "q"), filters, row_limit(request, 50)


def statuses(request: Request, default: str) -> str:
    """?status: lesson statuses joined by commas, or all (store/lessons/statuses.status_values)."""
    status = value(request, "status") or default
    try:
        status_values(status)
    except ValueError as exc:
        raise HTTPException(400, f"status: {exc}") from exc
    return status


def lesson_query(request: Request) -> LessonQuery:
    return LessonQuery(
        status=statuses(request, "pending,active"),
        kind=params.choice(request.query_params, "kind", LESSON_KINDS),
        tier=params.choice(request.query_params, "tier", TIERS),
        project=project(request),
        q=value(request, "q"),
        limit=row_limit(request, 500),
    )


async def write_fields(request: Request) -> tuple[dict[str, str], str | None]:
    """A write's fields (a form, or a JSON object for the API; the body at most 1 MB,
    body_limit.py) and the token it carries (the header, else the form's field)."""
    fields: dict[str, str] = {}
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        fields = _json_fields(await request.body())
    elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        fields = {str(k): v for k, v in form.items() if isinstance(v, str)}
    token = request.headers.get(TOKEN_HEADER) or fields.pop("token", None)
    return fields, token


def checked_fields(fields: dict[str, str]) -> dict[str, str]:
    """A write's fields, each within its length (params.FIELD_LIMITS), scope and severity among
    their values; a 400 naming the first that is not."""
    fields = params.write_fields(fields)
    params.choice(fields, "scope", SCOPES)
    params.choice(fields, "severity", SEVERITIES)
    return fields


def _json_fields(body: bytes) -> dict[str, str]:
    """The API's JSON object as fields: texts (numbers written as texts); null leaves a field out."""
    try:
        data = loads(body) if body else {}
    except ValueError as exc:
        raise HTTPException(400, "the body is not JSON") from exc
    if not isinstance(data, dict):
        raise HTTPException(400, "the body must be a JSON object")
    fields: dict[str, str] = {}
    for name, given in data.items():
        if isinstance(given, bool) or not isinstance(given, str | int | float | None):
            kind = "true/false" if isinstance(given, bool) else "a list" if isinstance(given, list) else "an object"
            raise params.bad(f"the field {shown(name)} must be a text (a JSON string), not {kind}")
        if given is not None:
            fields[name] = str(given)
    return fields


async def checked_lesson_write(request: Request) -> tuple[Outcome, dict[str, str]]:
    """The lesson write a form or the API asks for (/{ref}/{action}), applied once the token and
    the origin pass (403 otherwise) and its fields are within their limits (400 otherwise; 404
    for an unknown lesson, 409 when the action cannot apply); with the request's fields."""
    from starlette.concurrency import run_in_threadpool

    state = state_of(request)
    ref, action = path_text(request, "ref", "the lesson"), path_text(request, "action", "the action")
    fields, token = await write_fields(request)
    refused = state.guard.write_refusal(
        dict(request.headers), token, local_host(request.scope), peer_address(request.scope)
    )
    if refused is not None:
        raise HTTPException(403, refused)
    fields = checked_fields(fields)

    def write() -> Outcome:
        with state.store() as conn:
            try:
                return apply_action(conn, ref, action, fields)
            except LessonNotFound as exc:
                raise HTTPException(404, str(exc)) from exc
            except ActionRefused as exc:
                raise HTTPException(409, str(exc)) from exc

    return await run_in_threadpool(write), fields


def json_response(data: Any, status: int = 200) -> Response:
    """`data` as JSON, every text redacted again in its field's scope (as the CLI's --json)."""
    return Response(dumps(redact_fields(data)[0]), status_code=status, media_type="application/json")


def page(request: Request, template: str, section: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page: the template with what every page shows (token, version, store, notice)."""
    state = state_of(request)
    writes = state.guard.writes_from(peer_address(request.scope))  # else: read-only pages, no token in them
    html = state.env.get_template(template).render(
        # lessonloop's own token, not a stored text: not redacted (a random token would be);
        # token_urlsafe's characters need no escaping
        token=Markup(state.guard.token) if writes else "",
        can_write=writes,
        version=__version__,
        store=str(state.db),
        section=section,
        notice=context.pop("notice", None),
        **context,
    )
    return HTMLResponse(html, status_code=status)


def wants_json(request: Request) -> bool:
    return request.url.path == "/api" or request.url.path.startswith("/api/")
