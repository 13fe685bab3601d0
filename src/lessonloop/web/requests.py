"""Reading what a request asks for: query values, filters, the lesson list's query, a write's
fields and token (and the write, once the token and origin pass); and the answers every route
gives: a page, JSON, an error."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from lessonloop.report.session_browser import SessionFilters
from lessonloop.web.security import TOKEN_HEADER
from lessonloop.web.state import WebState
from lessonloop.web.views import LessonQuery

if TYPE_CHECKING:
    from lessonloop.store.lesson_curation import Outcome

_DAY_LENGTH = 10


def state_of(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


def value(request: Request, name: str) -> str | None:
    """A query value, stripped; None when absent or empty."""
    text = request.query_params.get(name)
    text = text.strip() if text else None
    return text or None


def day(request: Request, name: str) -> str | None:
    """A YYYY-MM-DD query value; 400 for anything else."""
    text = value(request, name)
    if text is None:
        return None
    if len(text) != _DAY_LENGTH or text[4] != "-" or text[7] != "-" or not text.replace("-", "").isdigit():
        raise HTTPException(400, f"{name} must be a day as YYYY-MM-DD, not {text!r}")
    return text


def positive(request: Request, name: str, default: int) -> int:
    text = value(request, name)
    if text is None:
        return default
    if not text.isdigit() or int(text) < 1:
        raise HTTPException(400, f"{name} must be a whole number from 1, not {text!r}")
    return int(text)


def project(request: Request) -> str | None:
    """The stored project ?project names (store/project_names.py, as on the command line);
    UnknownProject, answered by app.py with the candidates, when it names none or several."""
    from lessonloop.store.project_names import resolve_project_name

    given = value(request, "project")
    if given is None:
        return None
    with state_of(request).store() as conn:
        return resolve_project_name(conn, given)


def agent(request: Request) -> str | None:
    """The agent ?agent names, checked as the command line's --agent (store/agent_names.py);
    UnknownAgent, answered by app.py with the known agents, for any other value."""
    from lessonloop.store.agent_names import resolve_agent

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
        errors=value(request, "errors") in ("1", "true", "yes", "on"),
    )


def lesson_query(request: Request) -> LessonQuery:
    from lessonloop.store.lesson_reader import status_values

    status = value(request, "status") or "pending,active"
    try:
        status_values(status)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from exc
    return LessonQuery(
        status=status,
        kind=value(request, "kind"),
        tier=value(request, "tier"),
        project=project(request),
        q=value(request, "q"),
        limit=positive(request, "limit", 500),
    )


async def write_fields(request: Request) -> tuple[dict[str, str], str | None]:
    """A write's fields (a form, or a JSON object for the API) and the token it carries (the
    header, else the form's field)."""
    fields: dict[str, str] = {}
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        from lessonloop.json_codec import loads

        body = await request.body()
        try:
            data = loads(body) if body else {}
        except ValueError as exc:
            raise HTTPException(400, "the body is not JSON") from exc
        if not isinstance(data, dict):
            raise HTTPException(400, "the body must be a JSON object")
        fields = {str(k): str(v) for k, v in data.items() if v is not None}
    elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        fields = {str(k): v for k, v in form.items() if isinstance(v, str)}
    token = request.headers.get(TOKEN_HEADER) or fields.pop("token", None)
    return fields, token


async def checked_lesson_write(request: Request) -> tuple[Outcome, dict[str, str]]:
    """The lesson write a form or the API asks for (/{ref}/{action}), applied once the token and
    the origin pass (403 otherwise; 404 for an unknown lesson, 409 when the action cannot apply);
    with the request's fields."""
    from starlette.concurrency import run_in_threadpool

    from lessonloop.store.lesson_reader import LessonNotFound
    from lessonloop.web.lesson_actions import ActionRefused, apply_action

    state = state_of(request)
    fields, token = await write_fields(request)
    refused = state.guard.write_refusal(dict(request.headers), token)
    if refused is not None:
        raise HTTPException(403, refused)
    ref, action = request.path_params["ref"], request.path_params["action"]

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
    from lessonloop.json_codec import dumps
    from lessonloop.secrets.field_redaction import redact_fields

    return Response(dumps(redact_fields(data)[0]), status_code=status, media_type="application/json")


def page(request: Request, template: str, section: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page: the template with what every page shows (token, version, store, notice)."""
    from lessonloop import __version__

    state = state_of(request)
    html = state.env.get_template(template).render(
        token=state.guard.token,
        version=__version__,
        store=str(state.db),
        section=section,
        notice=context.pop("notice", None),
        **context,
    )
    return HTMLResponse(html, status_code=status)


def wants_json(request: Request) -> bool:
    return request.url.path == "/api" or request.url.path.startswith("/api/")
