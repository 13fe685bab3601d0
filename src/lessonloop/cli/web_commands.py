"""The parser of `lessonloop serve`: the local web UI (lessonloop.web; docs/web.md; its handler:
handlers/serve.py)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from lessonloop.cli.common import DB_HELP
from lessonloop.core.arg_types import port
from lessonloop.core.install_hints import extra_help

if TYPE_CHECKING:
    from lessonloop.web.host_names import HostName


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
            "--allow-remote. It answers only requests whose Host names it: the address it\n"
            "listens on, 127.0.0.1, localhost and [::1], the address a request reached, and\n"
            "the names given with --host-name, each with its port. Any other name is refused\n"
            "(400), --allow-remote or not: a site whose name an attacker points at this machine\n"
            "(DNS rebinding) reads nothing. Every write needs this run's token, which only the\n"
            "pages it serves hold, and is refused from another origin. A client on another\n"
            "machine gets read-only pages (no token) and no write unless --allow-remote-writes\n"
            "is given. Query values and forms are checked (a bad number, day or over-long text\n"
            "is a 400 naming it; a body over 1 MB a 413). Ctrl-C stops it.\n\n"
            f"Needs the web extra: {extra_help('web')}."
        ),
    )
    parser.add_argument("--port", type=port, default=8765, metavar="N", help="the port (default 8765; 0: a free one)")
    parser.add_argument("--host", default="127.0.0.1", metavar="H", help="the address to listen on (default 127.0.0.1)")
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a host that is not loopback (anyone who reaches it can read the store; clients on other "
        "machines read only)",
    )
    parser.add_argument(
        "--allow-remote-writes",
        action="store_true",
        help="also let clients on other machines change lessons (approve, reject, edit, archive, restore, forget): "
        "every page served holds the write token; implies --allow-remote",
    )
    parser.add_argument(
        "--host-name",
        action="append",
        type=_host_name,
        default=[],
        metavar="NAME",
        help="also answer to this name (NAME or NAME:PORT; repeatable): one people reach the server by, "
        "such as the machine's name on the network or a proxy's",
    )
    parser.add_argument("--open", action="store_true", help="open the UI in the default browser")
    parser.add_argument("--db", metavar="PATH", help=DB_HELP)
    parser.add_argument(
        "--json", action="store_true", help="print where it listens as one JSON line (url, host, port, db) first"
    )
    parser.set_defaults(handler="lessonloop.cli.handlers.serve:cmd_serve")


def _host_name(text: str) -> HostName:
    # Only when --host-name is given: web/host_names.py costs `lessonloop --help`, which builds this
    # parser, about 8 ms (dataclasses, ipaddress): tests/test_fast_paths.py's KEPT.
    from lessonloop.web.host_names import HostNameError, host_name_option

    try:
        return host_name_option(text)
    except HostNameError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
