"""The parser of `lessonloop search`: find a prompt, reply, command, error, path or linked commit in
every agent's sessions by its words (docs/search.md; its handler: handlers/search.py)."""

from __future__ import annotations

import argparse

from lessonloop.cli.common import agent_option, common_options, project_option, refresh_option, time_options
from lessonloop.core.arg_types import positive
from lessonloop.store.search.hits import KINDS

SEARCH_LIMIT = 20  # hits shown without -n

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: `search` is a read made cheap
if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]


def register(commands: Commands) -> None:
    """Add `search`."""
    search = commands.add_parser(
        "search",
        help="find prompts, replies, commands, errors, paths and commits in every agent's sessions",
        description=(
            "Search every stored session, of every agent, by words: prompts, replies, commands, "
            "errors, edited and read paths, and the commits linked to sessions. Every word must "
            'occur; "a phrase" in quotes must occur as written; word* matches a prefix. Letter case and '
            "accents are ignored; `main.py` finds the words main and py side by side. Hits are "
            "best first (the latest first among equals), one per place, grouped by session: `lessonloop "
            "show SESSION --at ID` opens a session at a hit (--json gives each hit's ID as `at`)."
        ),
    )
    search.add_argument("query", nargs="+", metavar="WORDS", help='what to find: words, "a phrase", prefix*')
    agent_option(search)
    project_option(search)
    time_options(search, "places dated")
    search.add_argument("--tool", metavar="T", help="only tool calls of this tool (Bash, Edit, shell, ...)")
    search.add_argument("--failed", action="store_true", help="only tool calls that failed")
    search.add_argument(
        "--kind",
        action="append",
        metavar="K",
        help=f"only this kind of text: {', '.join(KINDS)} (repeatable, or comma-separated)",
    )
    search.add_argument(
        "--semantic",
        action="store_true",
        help="also find places by meaning (other words for the same thing), fused with those holding the words; "
        "needs the embeddings extra; the first such search embeds every place, later ones the new places",
    )
    search.add_argument("--no-progress", action="store_true", help="no progress bar while places are embedded")
    search.add_argument(
        "-n",
        "--limit",
        type=positive,
        default=SEARCH_LIMIT,
        metavar="N",
        help=f"at most N hits (default {SEARCH_LIMIT})",
    )
    common_options(search)
    refresh_option(search)
    search.set_defaults(handler="lessonloop.cli.handlers.search:cmd_search")
