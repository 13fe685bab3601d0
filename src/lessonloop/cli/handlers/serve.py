"""`lessonloop serve`: the local web UI over the store (lessonloop.web; docs/web.md), once the web
extra is there (else how to install it); with --json, where it listens as one JSON line first."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from lessonloop.cli.common import CommandError
from lessonloop.core.install_hints import extra_install
from lessonloop.core.json_codec import dumps
from lessonloop.store import StoreError, resolve_db_path

if TYPE_CHECKING:
    from lessonloop.web.listener import Listening


def cmd_serve(args: argparse.Namespace) -> int:
    # The web extra's modules (Jinja2's markupsafe, starlette) are imported once it is known to be
    # there: tests/test_fast_paths.py's KEPT.
    from lessonloop.report.html.assets import missing_web_extra

    missing = missing_web_extra()
    if missing is None:
        try:
            import starlette  # noqa: F401
            import uvicorn  # noqa: F401
        except ImportError:
            missing = f"lessonloop serve needs the web extra: {extra_install('web')}"
    if missing is not None:
        raise CommandError(missing)
    from lessonloop.web.listener import ServeError, serve

    def announce(listening: Listening) -> None:
        if args.json:  # one line, at once: a test or a script reads it to find the port
            print(dumps(listening.to_json()), flush=True)
        else:
            print(f"lessonloop: serving {listening.db} at {listening.url} (Ctrl-C stops)", flush=True)

    try:
        serve(
            resolve_db_path(args.db),
            args.host,
            args.port,
            allow_remote=args.allow_remote,
            allow_remote_writes=args.allow_remote_writes,
            host_names=tuple(args.host_name),
            open_browser=args.open,
            announce=announce,
        )
    except (ServeError, StoreError) as exc:
        raise CommandError(str(exc)) from exc
    return 0
