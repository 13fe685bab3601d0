"""The parsers of `lessonloop learn` and `lessonloop replay`: learn lessons from the store, and
measure whether they would have prevented the mistakes in a history (their handlers:
handlers/learn.py, replay.py); and a learning run in words, as learn and ingest print it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from lessonloop.cli.common import agent_option, common_options, project_option
from lessonloop.core.arg_types import fraction


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    learn = commands.add_parser(
        "learn",
        help="learn lessons from the stored history (ingest does this too)",
        description=(
            "Learn lessons from every stored session, in time order: a usage error and what fixed it, "
            "people's corrections. Confidence, tiers and decay are recomputed; people's edits and "
            "decisions are kept. Skipped when nothing changed since the last run (--force redoes it)."
        ),
    )
    learn.add_argument("--force", action="store_true", help="learn again even when nothing changed")
    common_options(learn)
    learn.set_defaults(handler="lessonloop.cli.handlers.learn:cmd_learn")

    replay = commands.add_parser(
        "replay",
        help="would the lessons have prevented the repeated mistakes? recall and false alarms",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Replay sessions in time order. For every tool call, decide as the PreToolUse check\n"
            "would (none / warn / ask / block) before seeing its result, then learn from it.\n\n"
            "--online (the default) learns continuously; --split F learns from the first fraction\n"
            "F of the sessions and evaluates the rest with the lessons frozen.\n\n"
            "Reported: repeated usage errors (an error whose signature occurred earlier) and how\n"
            "many a lesson learned from that error warned about (recall); successful calls on\n"
            "which a lesson fired (false alarms). With PATHs, those transcripts are read into a\n"
            "temporary store; otherwise the store's sessions are replayed. Nothing is stored.\n\n"
            "--explain lists every failure: its error signature, whether it repeats an earlier\n"
            "failure, warned or the step that failed: not seen as a repeat, no lesson, lesson\n"
            'silent (trigger did not match, another project, learned in this session, "unless" satisfied,\n'
            "below threshold).\n"
            "--labels FILE scores replay against a person's labels:\n"
            '{"repeats": [{"session": ID, "tool_use_id": ID | "line": N}, ...], "not_repeats": [...],\n'
            ' "parts": {"tune": [SESSION, ...], "report": [...]}}  ("parts" optional)\n'
            "each labelled call gets one step (warned, not seen as a failure, not seen as a repeat,\n"
            "no lesson, lesson silent); recall on the labelled repeats and false alarms on\n"
            "successful calls, for all the sessions and per part."
        ),
    )
    replay.add_argument("paths", nargs="*", metavar="PATH", help="transcripts to replay (default: the store)")
    mode = replay.add_mutually_exclusive_group()
    mode.add_argument("--online", action="store_true", help="learn from every call after deciding on it (default)")
    mode.add_argument("--split", type=fraction, metavar="F", help="learn from the first F (0-1) of the sessions only")
    replay.add_argument("--explain", action="store_true", help="list every failure: repeat or not, warned or why not")
    replay.add_argument("--labels", type=Path, metavar="FILE", help="score against hand labels of repeated mistakes")
    replay.add_argument(
        "--all", action="store_true", help="every lesson that fired in the text (default: the 15 that fired most)"
    )
    project_option(replay)
    agent_option(replay)
    common_options(replay)
    replay.set_defaults(handler="lessonloop.cli.handlers.replay:cmd_replay")


def learn_run_text(run: Any) -> str:
    """A learning run in a line (learning/runs/run.py's LearnRun): `learn`'s output and a line of
    `ingest`'s (cli/ingest_summary.py)."""
    if run.skipped:
        return f"Lessons: {run.lessons}, unchanged since the last run (nothing new to learn from)."
    how = ""
    if getattr(run, "mode", None) == "incremental" and getattr(run, "late", False):
        how = f" (from {run.learned_from} on: something older than the last run's arrived late)"
    elif getattr(run, "mode", None) == "incremental":
        how = " (the latest ones, on from the last run)"
    elif getattr(run, "relearned_because", None):
        how = f" (everything again: {run.relearned_because})"
    calls = f"{run.tool_calls:,} tool call{'' if run.tool_calls == 1 else 's'}"
    text = f"Learned from {calls}{how} in {run.seconds:.2f} s: "
    why = "old or contradicted later, see `lessonloop glossary archived`"
    if run.archived and not run.updated and run.new == run.lessons and run.archived <= run.new:
        # all new (a first learning run): the archived ones are among them, archived as they were stored
        kept = run.new - run.archived
        text += f"{kept:,} lesson{'' if kept == 1 else 's'}, and {run.archived:,} more archived at once ({why})."
    else:
        lessons = f"{run.lessons:,} lesson{'' if run.lessons == 1 else 's'}"
        text += f"{lessons} ({run.new} new, {run.updated} updated, {run.archived} archived"
        text += f": {why})." if run.archived else ")."
    return text
