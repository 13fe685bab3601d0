"""The parser of `lessonloop feedback [run|session|chat] ID` (its handler: handlers/feedback.py): one
command for a person's judgement of a run of `lessonloop run`, a session or one chat: a rating 1..5
and a note, and for runs a verdict (stopped too early, waited too long). Without a kind the ID is a
run's (as before sessions and chats could be rated). docs/runner.md (runs) and docs/export.md
(sessions, chats) explain them."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from lessonloop.cli.common import DB_HELP, JSON_HELP, rating

if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]


def register(commands: Commands) -> None:
    """Add `feedback` to the command line."""
    feedback = commands.add_parser(
        "feedback",
        help="rate a run, a session or a chat (1-5) with a note; for a run, whether it should have waited or stopped",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Record your judgement of a run of `lessonloop run`, a session or one chat (a typed\n"
            "prompt and the turn it started): a rating from 1 (bad) to 5 (good) and a note; for a\n"
            "run also whether it stopped too early (--should-have-waited) or waited too long\n"
            "(--should-have-stopped). What you do not give keeps its earlier value.\n\n"
            "  lessonloop feedback 12 --rating 2 --should-have-waited --note 'slow CI runner'\n"
            "  lessonloop feedback run 12 --rating 4\n"
            "  lessonloop feedback session 3f2a --rating 5 --note 'clean fix, tests first'\n"
            "  lessonloop feedback chat 3f2a#2 --rating 1 --note 'edited the wrong file'\n\n"
            "A run's feedback steers the runner's suggestions (docs/runner.md); a session's and a\n"
            "chat's travel into `lessonloop dataset export`, which can keep only the well rated ones\n"
            "(--min-rating) and weights each record by its rating (docs/export.md). A chat is\n"
            "SESSION#N: the session's id or a unique prefix, and the prompt's number in it (the\n"
            "export's `id`)."
        ),
    )
    feedback.add_argument("kind", nargs="?", metavar="KIND", help="run (the default), session or chat: what ID names")
    feedback.add_argument(
        "target",
        metavar="ID",
        help="a run's id (12 or #12, as `lessonloop runs` lists it), a session's id or prefix, or a chat SESSION#N",
    )
    feedback.add_argument("--rating", type=rating, metavar="1-5", help="how well it went, 1 (bad) to 5 (good)")
    verdict = feedback.add_mutually_exclusive_group()
    verdict.add_argument(
        "--should-have-waited",
        dest="verdict",
        action="store_const",
        const="should_have_waited",
        help="runs only: it was stopped too early, the command would have succeeded",
    )
    verdict.add_argument(
        "--should-have-stopped",
        dest="verdict",
        action="store_const",
        const="should_have_stopped",
        help="runs only: it waited too long, it should have been stopped sooner",
    )
    feedback.add_argument("--note", metavar="TEXT", help="a free note (secrets in it are redacted)")
    feedback.add_argument("--db", metavar="PATH", help=DB_HELP)
    feedback.add_argument("--json", action="store_true", help=JSON_HELP)
    feedback.set_defaults(handler="lessonloop.cli.handlers.feedback:cmd_feedback")
