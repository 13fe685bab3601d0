"""`lessonloop learn` and `lessonloop replay`: learn lessons from the store, and measure whether
they would have prevented the mistakes in a history."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from lessonloop.cli.common import (
    CommandError,
    agent_option,
    common_options,
    emit_json,
    fraction,
    known_agent,
    open_cli_store,
    project_option,
    resolve_project,
)


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
    learn.set_defaults(handler=cmd_learn)

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
            'failure, warned or missed and why (no lesson yet, trigger did not match, "unless"\n'
            "satisfied, below threshold). --labels FILE scores replay against a person's labels:\n"
            '{"repeats": [{"session": ID, "tool_use_id": ID | "line": N}, ...], "not_repeats": [...]}\n'
            "(recall on the labelled repeats, false alarms on successful calls)."
        ),
    )
    replay.add_argument("paths", nargs="*", metavar="PATH", help="transcripts to replay (default: the store)")
    mode = replay.add_mutually_exclusive_group()
    mode.add_argument("--online", action="store_true", help="learn from every call after deciding on it (default)")
    mode.add_argument("--split", type=fraction, metavar="F", help="learn from the first F (0-1) of the sessions only")
    replay.add_argument("--explain", action="store_true", help="list every failure: repeat or not, warned or why not")
    replay.add_argument("--labels", type=Path, metavar="FILE", help="score against hand labels of repeated mistakes")
    project_option(replay)
    agent_option(replay)
    common_options(replay)
    replay.set_defaults(handler=cmd_replay)


def cmd_learn(args: argparse.Namespace) -> int:
    from lessonloop.pipeline.analysis import analyze_store
    from lessonloop.pipeline.learning import learn_store
    from lessonloop.report.progress import Busy

    with open_cli_store(args.db) as conn:
        busy = not args.json and sys.stderr.isatty()
        with Busy("learning lessons (and embedding new ones for recall by meaning)...", enabled=busy):
            analyze_store(conn)
            run = learn_store(conn, force=args.force)
    if args.json:
        emit_json(run.to_json())
    else:
        print(learn_run_text(run))
    return 0


def learn_run_text(run: Any) -> str:
    if run.skipped:
        extra = f" {run.embedded} embedded for recall by meaning." if run.embedded else ""
        return f"Lessons: {run.lessons}, unchanged since the last run (nothing new to learn from).{extra}"
    how = ""
    if getattr(run, "mode", None) == "incremental":
        how = " (the latest ones, on from the last run)"
    elif getattr(run, "relearned_because", None):
        how = f" (everything again: {run.relearned_because})"
    calls = f"{run.tool_calls:,} tool call{'' if run.tool_calls == 1 else 's'}"
    lessons = f"{run.lessons} lesson{'' if run.lessons == 1 else 's'}"
    text = (
        f"Learned from {calls}{how} in {run.seconds:.2f} s: {lessons} "
        f"({run.new} new, {run.updated} updated, {run.archived} archived)."
    )
    if run.embedded:
        text += f" {run.embedded} embedded for recall by meaning."
    if run.problem:
        text += f"\nWarning: {run.problem}; recall uses words only."
    return text


def cmd_replay(args: argparse.Namespace) -> int:
    from lessonloop.learn.replay import replay
    from lessonloop.learn.replay_audit import LabelError, read_labels, score_labels

    labels = None
    if args.labels is not None:
        try:
            labels = read_labels(args.labels)
        except LabelError as exc:
            raise CommandError(str(exc)) from exc
    stored_sessions = None
    if args.paths:
        with tempfile.TemporaryDirectory(prefix="lessonloop-replay-") as folder:
            history = _history_from_paths(args.paths, Path(folder) / "replay.db", args.project, args.agent)
            report = replay(history, split=args.split)
    else:
        with open_cli_store(args.db, reading=True) as conn:
            from lessonloop.pipeline.analysis import analyze_store
            from lessonloop.pipeline.learning import load_replay_history
            from lessonloop.store.read_only import is_read_only

            agent = known_agent(conn, args.agent)
            if not is_read_only(conn):  # read-only: replayed as the analysis stands
                analyze_store(conn)
            history = load_replay_history(conn, resolve_project(conn, args.project), agent)
            report = replay(history, split=args.split)
            stored_sessions = conn.execute("SELECT count(*) FROM sessions").fetchone()[0]
    if not history.events:
        where = (f" in project {args.project}" if args.project else "") + (
            f" of agent {args.agent}" if args.agent else ""
        )
        if args.paths:
            where += " in the transcripts given"
        elif stored_sessions == 0:
            where += ": no sessions stored yet (`lessonloop ingest` reads them, or give transcripts: replay PATH)"
        raise CommandError("no tool calls to replay" + where)
    data = report.to_json()
    if not args.explain:
        data.pop("failures")
    if labels is not None:
        score = score_labels(report.failures, *labels, report.successful_calls, report.false_alarms)
        data["labels"] = {"file": str(args.labels), **score.to_json()}
    if args.json:
        emit_json(data)
    else:
        _print_report(data)
    return 0


def _history_from_paths(paths: list[str], db: Path, project: str | None, agent: str | None) -> Any:
    from lessonloop.pipeline.analysis import analyze_store
    from lessonloop.pipeline.ingest import discover
    from lessonloop.pipeline.ingest import ingest as run_ingest
    from lessonloop.pipeline.learning import load_replay_history
    from lessonloop.store import open_store

    for path in paths:
        if not Path(path).exists():
            raise CommandError(f"no such file or folder: {path}")
    sources, summary = discover(paths)
    conn = open_store(db)
    try:
        run_ingest(conn, sources, summary, progress=None)
        agent = known_agent(conn, agent)
        from lessonloop.config import load_config
        from lessonloop.pipeline.projects import resolve_store_projects

        resolve_store_projects(conn, load_config())
        analyze_store(conn, bandit=False)
        return load_replay_history(conn, resolve_project(conn, project), agent)
    finally:
        conn.close()


def _print_report(data: dict[str, Any]) -> None:
    from rich.markup import escape
    from rich.table import Table

    from lessonloop.cli.common import console

    out = console()

    def pct(value: float | None) -> str:
        return "-" if value is None else f"{value:.1%}"

    mode = "online" if data["mode"] == "online" else f"split {data['split']:g}"
    out.print(
        f"Replayed {data['evaluated_calls']:,} tool calls of {data['evaluated_sessions']} sessions ({mode}); "
        f"{data['lessons_learned']} lessons learned."
    )
    out.print(
        f"Repeated usage errors warned: {data['warned_repeated_errors']} of {data['repeated_errors']} "
        f"(recall {pct(data['recall'])}). False alarms: {data['false_alarms']} of "
        f"{data['successful_calls']:,} successful calls ({pct(data['false_alarm_rate'])})."
    )
    table = Table(title="Errors by class", title_justify="left")
    for column in ("class", "errors", "repeated", "warned"):
        table.add_column(column, justify="left" if column == "class" else "right")
    for name, counts in data["by_class"].items():
        label = name + (" (usage)" if counts["usage"] else "")
        table.add_row(label, str(counts["errors"]), str(counts["repeated"]), str(counts["warned"]))
    out.print(table)
    if data["lessons_fired"]:
        fired = Table(title="Lessons that fired", title_justify="left")
        for column in ("lesson", "fired", "warned errors", "false alarms"):
            fired.add_column(column, justify="left" if column == "lesson" else "right")
        for item in data["lessons_fired"]:
            fired.add_row(
                escape(item["title"][:100]), str(item["fired"]), str(item["warned_errors"]), str(item["false_alarms"])
            )
        out.print(fired)
    if data["missed_repeated"] and "failures" not in data:
        out.print("Missed repeated usage errors:")
        for item in data["missed_repeated"][:10]:
            out.print(escape(f"  {item['ts']}  {item['tool']}  {item['call'][:80]}  [{item['error_class']}]"))
    if "failures" in data:
        _print_failures(out, data["failures"])
    if "labels" in data:
        _print_labels(out, data["labels"], pct)
    sys.stdout.flush()


def _print_failures(out: Any, failures: list[dict[str, Any]]) -> None:
    from rich.markup import escape

    out.print(f"Failures ({len(failures)}), in time order:")
    for item in failures:
        if item["warned"]:
            verdict = "repeat, WARNED"
        elif item["repeat"]:
            verdict = f"repeat, missed: {item['why']}"
        else:
            verdict = "first of its signature"
        where = f"{item['session_id'][:8]}:{item['line']}"
        out.print(escape(f"  {item['ts'][:19]}  {where}  {item['tool']}  {item['call'][:70]}"))
        out.print(escape(f"      [{item['error_class']}] {item['signature']}"))
        line = f"      {verdict}"
        if item["repeat_of"]:
            line += f" (first: {item['repeat_of']['session_id'][:8]}:{item['repeat_of']['line']})"
        out.print(escape(line))
        for title in item["other_warnings"]:
            out.print(escape(f"      other lesson fired: {title[:100]}"))


def _print_labels(out: Any, data: dict[str, Any], pct: Any) -> None:
    from rich.markup import escape

    out.print(
        escape(
            f"Against the labels ({data['file']}): {data['warned_labelled_repeats']} of {data['labelled_repeats']} "
            f"labelled repeats warned (recall {pct(data['recall'])}); false alarms {data['false_alarms']} of "
            f"{data['successful_calls']:,} successful calls ({pct(data['false_alarm_rate'])})."
        )
    )
    out.print(
        f"Replay's own repeat judgment: {data['labelled_repeats_replay_counts_as_repeats']} of "
        f"{data['labelled_repeats']} labelled repeats, and {data['labelled_not_repeats_replay_counts_as_repeats']} "
        f"of {data['labelled_not_repeats']} labelled not-repeats, counted as repeats."
    )
    for item in data["missed_labelled_repeats"]:
        out.print(escape(f"  missed {item['session_id'][:8]}:{item['line']} {item['call'][:60]}: {item['why']}"))
    for item in data["labels_not_found"]:
        out.print(escape(f"  label not found among the failures: {item}"))
