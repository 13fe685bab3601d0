"""The parser of `lessonloop mcp`: run the MCP server on stdin/stdout for an agent (docs/mcp.md; its
handler: handlers/mcp.py)."""

from __future__ import annotations

import argparse

from lessonloop.cli.common import DB_HELP
from lessonloop.core.install_hints import extra_help


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    mcp = commands.add_parser(
        "mcp",
        help="serve the lessons to agents over MCP (stdio): recall, record, feedback, session summary",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Run lessonloop's MCP server on stdin/stdout, for an agent to start. Tools:\n"
            "recall_lessons, record_lesson, lesson_feedback, session_summary (docs/mcp.md).\n\n"
            "Register it once with your agent as the command `lessonloop mcp` (docs/mcp.md: each agent's way).\n"
            f"Needs the MCP Python SDK: {extra_help('mcp')}."
        ),
    )
    mcp.add_argument("--db", metavar="PATH", help=DB_HELP)
    mcp.set_defaults(handler="lessonloop.cli.handlers.mcp:cmd_mcp")
