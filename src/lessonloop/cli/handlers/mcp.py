"""`lessonloop mcp`: the store made ready, then the MCP server run on stdin/stdout for an agent
(apply/mcp_server.py; docs/mcp.md); without the MCP SDK, how to install it."""

from __future__ import annotations

import argparse

from lessonloop.apply.mcp_server import MCPUnavailable, install_hint, sdk_available, serve
from lessonloop.cli.common import CommandError, open_cli_store
from lessonloop.store import resolve_db_path


def cmd_mcp(args: argparse.Namespace) -> int:
    if not sdk_available():
        raise CommandError(install_hint())
    path = resolve_db_path(args.db).absolute()
    with open_cli_store(str(path)):
        pass  # created and migrated now: a broken store is reported here, not at the first tool call
    try:
        serve(path)
    except MCPUnavailable as exc:
        raise CommandError(str(exc)) from exc
    return 0
