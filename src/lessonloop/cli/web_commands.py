"""`lessonloop serve`: the local web UI (lessonloop.web; docs/web.md)."""

from __future__ import annotations

import argparse

from lessonloop.arg_types import port
from lessonloop.cli.common import DB_HELP, CommandError


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `serve` to the command line."""
    parser = commands.add_parser(
        "serve",
        help="a local web UI: review lessons, browse sessions and timelines, dashboards (needs the web extra)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Serve a local web UI over the store: the lesson review queue (approve, reject, edit,\n"
            "archive, restore, forget, export), sessions with filters and each session's\n"
            "timeline, dashboards (errors, repeated mistakes, habits against outcomes, tokens,\n"
            "runs, replay), and the same data as JSON under /api (docs/web.md).\n\n"
            "It listens on 127.0.0.1 unless told otherwise; another address needs\n"
            "--allow-remote. Every write needs this run's token, which only the pages it serves\n"
            "hold, and is refused from another origin. Ctrl-C stops it.\n\n"
            "Needs the web extra: pip install 'lessonloop[web]'."
        ),
    )
    parser.add_argument("--port", type=port, default=8765, metavar="N", help="the port (default 8765; 0: a free one)")
    parser.add_argument("--host", default="127.0.0.1", metavar="H", help="the address to listen on (default 127.0.0.1)")
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a host that is not loopback (anyone who reaches it can read the store)",
    )
    parser.add_argument("--open", action="store_true", help="open the UI in the default browser")
    parser.add_argument("--db", metavar="PATH", help=DB_HELP)
    parser.add_argument(
        "--json", action="store_true", help="print where it listens as one JSON line (url, host, port, db) first"
    )
    parser.set_defaults(handler=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    from lessonloop.report.html.assets import missing_web_extra

    missing = missing_web_extra()
    if missing is None:
        try:
            import starlette  # noqa: F401
            import uvicorn  # noqa: F401
        except ImportError:
            missing = "lessonloop serve needs the web extra: pip install 'lessonloop[web]'"
    if missing is not None:
        raise CommandError(missing)
    from lessonloop.store import StoreError, resolve_db_path
    from lessonloop.web.server import Listening, ServeError, serve

    def announce(listening: Listening) -> None:
        if args.json:  # one line, at once: a test or a script reads it to find the port
            from lessonloop.json_codec import dumps

            print(dumps(listening.to_json()), flush=True)
        else:
            print(f"lessonloop: serving {listening.db} at {listening.url} (Ctrl-C stops)", flush=True)

    try:
        serve(
            resolve_db_path(args.db),
            args.host,
            args.port,
            allow_remote=args.allow_remote,
            open_browser=args.open,
            announce=announce,
        )
    except (ServeError, StoreError) as exc:
        raise CommandError(str(exc)) from exc
    return 0
