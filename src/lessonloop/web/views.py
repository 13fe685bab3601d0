"""What each page and its API route show, read from the store once for both: the page renders it
with a template, the API sends it as JSON (redacted either way; see report/html/assets.py and
api.py). Raises NotFound for an id the store does not have."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from lessonloop.core.json_codec import loads
from lessonloop.pipeline.texts_later import store_session_texts
from lessonloop.report import timeline_queries
from lessonloop.report.analysis_queries import session_analysis
from lessonloop.report.lesson_figures import confidence_curve, warning_outcomes
from lessonloop.report.lesson_queries import lesson_warnings
from lessonloop.report.prevention_queries import lesson_prevention
from lessonloop.report.queries import session_timeline
from lessonloop.report.render import HIDDEN_KINDS
from lessonloop.report.session_browse_queries import SessionFilters, session_page
from lessonloop.store.lessons.reader import LessonNotFound, LessonRow, lesson_detail, list_lessons
from lessonloop.store.search.hits import KINDS, snippet_parts
from lessonloop.store.search.query_text import EmptyQuery, parse_query
from lessonloop.store.search.reader import NoSearchIndex, search
from lessonloop.store.sessions.ids import SessionNotFound, resolve_session, short_ids

REVIEW_ORDER = {"pending": 0, "active": 1, "archived": 2, "rejected": 3}
SUBAGENT_ITEMS = 300  # a subagent's calls and messages shown inline at most


class NotFound(LookupError):
    """The page's subject is not in the store; the message says what was asked for."""


@dataclass(frozen=True, slots=True)
class LessonQuery:
    """The lesson list's filters: statuses ("all" or joined by commas), kind, tier, project, and
    words to recall by (the same recall as `lessonloop recall`, every status included)."""

    status: str = "pending,active"
    kind: str | None = None
    tier: str | None = None
    project: str | None = None
    q: str | None = None
    limit: int = 500


def lessons_view(conn: sqlite3.Connection, query: LessonQuery, embedder: Any = None) -> dict[str, Any]:
    """The review queue: pending first, then active, archived, rejected; the most confident first
    in each. With words, the lessons recall finds for them, best first."""
    rows: list[LessonRow]
    scores: dict[int, float] = {}
    if query.q and query.q.strip():
        from lessonloop.apply.recall import ALL_STATUSES, recall
        from lessonloop.store.lessons.reader import get_lesson
        from lessonloop.store.lessons.statuses import status_values

        statuses = status_values(query.status) or ALL_STATUSES
        found = recall(
            conn, query.q, project=query.project, top=query.limit, embedder=embedder, include=ALL_STATUSES[1:]
        )
        rows = []
        for result in found:
            lesson = get_lesson(conn, result.id)
            if lesson is None or lesson.status not in statuses:
                continue
            if (query.kind and lesson.kind != query.kind) or (query.tier and lesson.tier != query.tier):
                continue
            rows.append(lesson)
            scores[lesson.id] = round(result.score, 4)
    else:
        rows = list_lessons(
            conn, status=query.status, kind=query.kind, tier=query.tier, project=query.project, limit=query.limit
        )
        rows.sort(key=lambda row: (REVIEW_ORDER.get(row.status, 9), -row.confidence, row.id))
    return {
        "query": {
            "status": query.status,
            "kind": query.kind,
            "tier": query.tier,
            "project": query.project,
            "q": query.q,
        },
        "counts": lesson_counts(conn),
        "lessons": rows,
        "scores": scores,
    }


def texts_of_session(conn: sqlite3.Connection, given: str) -> None:
    """Store the texts of the session `given` names (and its subagents'), when a figures-first
    capture left them to the store's worker: a timeline never shows a session without its texts."""
    try:
        session_id = resolve_session(conn, given)
    except SessionNotFound:
        return  # (session_view says so)
    store_session_texts(conn, session_id)


def lesson_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """How many lessons the store holds in each status, in review order."""
    counts = timeline_queries.lesson_status_counts(conn)
    return {status: counts.get(status, 0) for status in REVIEW_ORDER}


def lesson_view(conn: sqlite3.Connection, ref: str) -> dict[str, Any]:
    """One lesson: its row, confidence explained and over time, evidence, history, warnings."""
    try:
        detail = lesson_detail(conn, ref)
    except LessonNotFound as exc:
        raise NotFound(str(exc)) from exc
    return {
        "detail": detail,
        "confidence_curve": confidence_curve(detail.evidence),
        "warnings": lesson_warnings(conn, detail.lesson.id),
        "outcomes": warning_outcomes(detail.evidence, detail.events),
        "prevented": lesson_prevention(conn, detail.lesson.id),  # its stops, what worked after, repeat rates
    }


def lesson_json(view: dict[str, Any]) -> dict[str, Any]:
    """lesson_view as JSON."""
    return {
        **view["detail"].to_json(),
        "confidence_curve": view["confidence_curve"],
        "warnings": view["warnings"],
        "warning_outcomes": view["outcomes"],
        "prevention": view["prevented"].to_json(),
    }


def sessions_view(
    conn: sqlite3.Connection, filters: SessionFilters, page: int, choices: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    """One page of the sessions the filters keep."""
    return {"page": session_page(conn, filters, page, choices=choices)}


def session_view(conn: sqlite3.Connection, given: str, only_errors: bool = False) -> dict[str, Any]:
    """A session's timeline with what analysis found at each moment: error classes, signals
    (blind edits, corrections, ...), diff risk, lessons the hooks gave, subagents inline.
    `only_errors`: the failed calls alone, each after the prompt it answers (a long timeline's
    mistakes at a glance); `first_error` is the first failed call's id either way."""
    try:
        session_id = resolve_session(conn, given)
    except SessionNotFound as exc:
        raise NotFound(str(exc)) from exc
    timeline = session_timeline(conn, session_id)
    main_id = timeline.session.get("parent_id") or session_id
    classes = {
        row[0]: {"class": row[1], "usage": bool(row[2])} for row in timeline_queries.call_error_classes(conn, main_id)
    }
    risks = {
        row[0]: {"risk": round(float(row[1]), 3), "findings": row[2]}
        for row in timeline_queries.call_diff_risks(conn, main_id)
    }
    by_call: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_message: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for kind, tool_use_id, message_uuid, path, label in timeline_queries.analysis_signals(conn, main_id):
        signal = {"kind": kind, "path": path, "label": label}
        if tool_use_id:
            by_call[tool_use_id].append(signal)
        elif message_uuid:
            by_message[message_uuid].append(signal)
    fired = _hook_lessons(conn, session_id)
    items = _items(timeline.to_json()["items"], classes, risks, by_call, by_message, fired)
    calls_by_id = {item["id"]: item for item in items if item["type"] == "tool_call"}
    unplaced: list[dict[str, Any]] = []  # subagents whose starting call is not in the timeline
    for sub in timeline.subagents:
        own = session_timeline(conn, sub["id"]).to_json()["items"][:SUBAGENT_ITEMS]
        sub["items"] = _items(own, classes, risks, by_call, by_message, fired)
        spawner = calls_by_id.get(sub.get("spawned_by") or "")
        if spawner is not None and "subagent" not in spawner:
            spawner["subagent"] = sub
        else:
            unplaced.append(sub)

    analysis = session_analysis(conn, main_id) if main_id == session_id else None
    stamps = [item["ts"] for item in items if item.get("ts")]
    prompts = [item.get("text") for item in items if item.get("kind") == "prompt" and item.get("text")]
    failed = [item for item in items if item["type"] == "tool_call" and item.get("ok") is False]
    shown = _errors_with_their_prompts(items) if only_errors else items
    return {
        "first_error": failed[0]["id"] if failed else None,
        "errors": len(failed),
        "only_errors": only_errors,
        "all_items": len(items),
        "session": timeline.session,
        "first_ts": min(stamps) if stamps else None,
        "first_prompt": prompts[0] if prompts else None,
        "last_ts": max(stamps) if stamps else None,
        "items": shown,
        "subagents": timeline.subagents,
        "unplaced_subagents": unplaced,
        "commits": timeline.commits,
        "analysis": _analysis_summary(analysis),
        "hook_decisions": fired.get("", []),
    }


def _errors_with_their_prompts(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The failed calls of a timeline, each after the typed prompt it followed (once)."""
    out: list[dict[str, Any]] = []
    prompt: dict[str, Any] | None = None
    for item in items:
        if item["type"] != "tool_call":
            if item.get("kind") == "prompt":
                prompt = item
            continue
        if item.get("ok") is False:
            if prompt is not None:
                out.append(prompt)
                prompt = None
            out.append(item)
    return out


def _hook_lessons(conn: sqlite3.Connection, session_id: str) -> dict[str, list[dict[str, Any]]]:
    """The hooks' decisions in this session that gave lessons, by tool call ("" for the others)."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    titles: dict[int, str] = {}
    for ts, event, action, call, lessons in timeline_queries.hook_decisions(conn, session_id):
        try:
            ids = [int(i) for i in loads(lessons)] if lessons else []
        except (ValueError, TypeError):
            ids = []
        if not ids:
            continue
        for lesson_id in ids:
            if lesson_id not in titles:
                title = timeline_queries.lesson_title(conn, lesson_id)
                titles[lesson_id] = title if title is not None else "(forgotten)"
        out[call or ""].append(
            {
                "ts": ts,
                "event": event,
                "action": action,
                "lessons": [{"id": i, "title": titles[i]} for i in ids],
            }
        )
    return out


def _items(
    raw: list[dict[str, Any]],
    classes: dict[str, dict[str, Any]],
    risks: dict[str, dict[str, Any]],
    by_call: dict[str, list[dict[str, Any]]],
    by_message: dict[str, list[dict[str, Any]]],
    fired: dict[str, list[dict[str, Any]]],
) -> list[dict[str, Any]]:
    """Timeline items with what analysis found about each; system texts left out."""
    out: list[dict[str, Any]] = []
    for item in raw:
        if item["type"] == "message":
            if item.get("kind") in HIDDEN_KINDS:
                continue
            item["signals"] = by_message.get(item.get("uuid") or "", [])
        else:
            call_id = item.get("id") or ""
            item["error_class"] = classes.get(call_id)
            item["risk"] = risks.get(call_id)
            item["signals"] = by_call.get(call_id, [])
            item["lessons_fired"] = fired.get(call_id, [])
        out.append(item)
    return out


def _analysis_summary(detail: dict[str, Any] | None) -> dict[str, Any] | None:
    """The figures of a session's stored analysis the page shows above the timeline."""
    if detail is None:
        return None
    out: dict[str, Any] = {
        key: detail.get(key)
        for key in ("tool_calls", "typed_prompts", "engagement_rate", "compliance", "max_risk", "analyzed_at")
    }
    for key in ("blind_edits", "stale_edits", "duplicate_reads", "search_loops", "re_edits", "corrections", "findings"):
        value = detail.get(key)
        out[key] = len(value) if isinstance(value, list) else value
    out["errors_by_class"] = detail.get("errors_by_class") or {}
    out["outcomes"] = detail.get("outcomes") or {}
    return out


def search_view(
    conn: sqlite3.Connection, q: str | None, filters: Any, limit: int, choices: dict[str, Any]
) -> dict[str, Any]:
    """Session search (store/search/, docs/search.md): the hits of `q` best first, each with a
    link into its session's timeline at the hit (`anchor`) and its snippet in parts (text, found);
    the hits grouped by session in the order of each session's best. `problem`: why nothing could
    be searched (no word in `q`)."""
    view: dict[str, Any] = {
        "q": q,
        "filters": {
            "agent": filters.agent,
            "project": filters.project,
            "since": filters.since,
            "until": filters.until,
            "tool": filters.tool,
            "failed": filters.failed,
            "kinds": list(filters.kinds),
        },
        "limit": limit,
        "kinds": KINDS,
        "choices": choices,
        "problem": None,
        "notice": None,
        "hits": [],
        "groups": [],
    }
    if not q:
        return view
    try:
        query = parse_query(q)
        view["notice"] = query.notice  # what the bound on a search's cost left out
        found = search(conn, query, filters, limit)
    except (EmptyQuery, NoSearchIndex) as exc:
        view["problem"] = str(exc)
        return view
    short = short_ids(conn, list(dict.fromkeys(hit.session_id for hit in found)))
    groups: dict[str, dict[str, Any]] = {}
    for hit in found:
        row = hit.to_json()
        row["short"] = short.get(hit.session_id, hit.session_id)
        row["anchor"] = (
            f"call-{hit.call_id}" if hit.call_id else f"commit-{hit.commit}" if hit.commit else f"msg-{hit.message}"
        )
        row["parts"] = snippet_parts(hit.snippet, hit.marks)
        view["hits"].append(row)
        group = groups.setdefault(
            hit.session_id,
            {"session": hit.session_id, "short": row["short"], "agent": hit.agent, "project": hit.project, "hits": []},
        )
        group["hits"].append(row)
    view["groups"] = list(groups.values())
    return view
