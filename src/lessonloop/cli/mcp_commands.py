"""`lessonloop mcp`: run the MCP server on stdin/stdout for an agent (docs/mcp.md)."""

from __future__ import annotations

import argparse

from lessonloop.cli.common import DB_HELP, CommandError, open_cli_store
from lessonloop.core.install_hints import extra_help


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    mcp = commands.add_parser(
        "mcp",
        help="serve the lessons to agents over MCP (stdio): recall, record, feedback, session summary",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Run lessonloop's MCP server on stdin/stdout, for an agent to start. Tools:\n"
            "recall_lessons, record_lesson, lesson_feedback, session_summary (docs/mcp.md).\n\n"
            "Register it once, e.g. for Claude Code: claude mcp add lessonloop -- lessonloop mcp\n"
            f"Needs the MCP Python SDK: {extra_help('mcp')}."
        ),
    )
    mcp.add_argument("--db", metavar="PATH", help=DB_HELP)
    mcp.set_defaults(handler=cmd_mcp)


def cmd_mcp(args: argparse.Namespace) -> int:
    from lessonloop.apply.mcp_server import MCPUnavailable, install_hint, sdk_available, serve
    from lessonloop.store import resolve_db_path

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
