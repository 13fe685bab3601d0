"""`lessonloop replay` as text: the figures, the errors by class, the lessons that fired, with
--explain every failure and the steps of replay's own repeats, with --labels the figures against
the labels (all the sessions, then each part) and the step of every labelled repeat not warned."""

from __future__ import annotations

import sys
from typing import Any

from rich.markup import escape
from rich.table import Table

from lessonloop.cli.common import console
from lessonloop.report.render import short_session

# The steps of learning/engine/replay_audit.py, in order (their names are the JSON's keys).
STEPS = ("warned", "not seen as a failure", "not seen as a repeat", "no lesson", "lesson silent")


def pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


LESSONS_SHOWN = 15  # the lessons that fired most, without --all (--json lists every one)


def print_replay(data: dict[str, Any], *, every: bool = False) -> None:
    """The replay as text; the lessons that fired cut to the LESSONS_SHOWN that fired most unless `every`."""
    out = console()
    mode = "online" if data["mode"] == "online" else f"split {data['split']:g}"
    out.print(
        f"Replayed {data['evaluated_calls']:,} tool calls of {data['evaluated_sessions']} sessions ({mode}); "
        f"{data['lessons_learned']} lessons learned."
    )
    out.print(
        f"Repeated usage errors stopped before they ran: {data['stopped_repeated_errors']} of "
        f"{data['repeated_errors']} ({pct(data['prevention_recall'])}). False stops: {data['false_stops']} of "
        f"{data['successful_calls']:,} successful calls ({_per_100(data['false_stops_per_100'])} per 100)."
    )
    out.print(
        f"Warned (a note the model reads after the call ran): {data['warned_repeated_errors']} of "
        f"{data['repeated_errors']} (recall {pct(data['recall'])}). False alarms: {data['false_alarms']} of "
        f"{data['successful_calls']:,} successful calls ({pct(data['false_alarm_rate'])})."
    )
    table = Table(title="Errors by class", title_justify="left")
    for column in ("class", "errors", "repeated", "warned", "stopped"):
        table.add_column(column, justify="left" if column == "class" else "right")
    for name, counts in data["by_class"].items():
        label = name + (" (usage)" if counts["usage"] else "")
        table.add_row(
            label, str(counts["errors"]), str(counts["repeated"]), str(counts["warned"]), str(counts["stopped"])
        )
    out.print(table)
    if data["lessons_fired"]:
        fired = Table(title="Lessons that fired", title_justify="left")
        for column in ("lesson", "fired", "warned errors", "false alarms"):
            fired.add_column(column, justify="left" if column == "lesson" else "right")
        lessons = data["lessons_fired"] if every else data["lessons_fired"][:LESSONS_SHOWN]
        for item in lessons:
            fired.add_row(
                escape(item["title"][:100]), str(item["fired"]), str(item["warned_errors"]), str(item["false_alarms"])
            )
        out.print(fired)
        if len(lessons) < len(data["lessons_fired"]):
            from lessonloop.cli.common import more_hint

            out.print(more_hint(len(data["lessons_fired"]) - len(lessons), "more lesson", "--json lists them"))
    if data["missed_repeated"] and "failures" not in data:
        out.print("Missed repeated usage errors:")
        for item in data["missed_repeated"][:10]:
            out.print(escape(f"  {item['ts']}  {item['tool']}  {item['call'][:80]}  [{item['error_class']}]"))
    if "failures" in data:
        _print_failures(out, data["failures"])
        own = data["repeat_steps"]
        line = step_line("Replay's own repeats (every class)", own["repeats"], own, own_repeats=True)
        out.print(escape(line), soft_wrap=True)
        warned = own["steps"]["warned"]
        out.print(escape(f"Warned repeats told a remedy or the rule broken: {own['warned_with_remedy']} of {warned}"))
    if "labels" in data:
        _print_labels(out, data["labels"])
    sys.stdout.flush()


def step_line(what: str, total: int, counts: dict[str, Any], own_repeats: bool = False) -> str:
    """ "labelled repeats: 17; warned 14; ...; lesson silent 1 (unless satisfied 1)": every step,
    each failed step's reasons after it."""
    parts = [f"{what}: {total}"]
    for step in STEPS:
        if own_repeats and step in ("not seen as a failure", "not seen as a repeat"):
            continue  # replay's own repeats are failures with an earlier signature by definition
        text = f"{step} {counts['steps'][step]}"
        reasons = counts["step_reasons"].get(step)
        if reasons:
            text += " (" + ", ".join(f"{reason} {n}" for reason, n in reasons.items()) + ")"
        parts.append(text)
    return "; ".join(parts)


def _print_failures(out: Any, failures: list[dict[str, Any]]) -> None:
    out.print(f"Failures ({len(failures)}), in time order:")
    for item in failures:
        if item["warned"]:
            verdict = "repeat, WARNED"
        elif item["repeat"]:
            verdict = f"repeat, missed: {item['why']}"
        else:
            verdict = "first of its signature"
        where = f"{short_session(item['session_id'])}:{item['line']}"
        out.print(escape(f"  {item['ts'][:19]}  {where}  {item['tool']}  {item['call'][:70]}"))
        out.print(escape(f"      [{item['error_class']}] {item['signature']}"))
        line = f"      {verdict}"
        if item["repeat_of"]:
            line += f" (first: {short_session(item['repeat_of']['session_id'])}:{item['repeat_of']['line']})"
        out.print(escape(line))
        for remedy in item["remedies"]:
            said = remedy["remedy"] or "none: it says only that the call failed before"
            out.print(escape(f"      remedy: {said[:120]}"))
        for title in item["other_warnings"]:
            out.print(escape(f"      other lesson fired: {title[:100]}"))


def _print_labels(out: Any, data: dict[str, Any]) -> None:
    out.print(escape(f"Against the labels ({data['file']}):"))
    scopes = [("all", data), *data.get("parts", {}).items()]
    for name, figures in scopes:
        sessions = f"{figures['sessions']} session{'' if figures['sessions'] == 1 else 's'}"
        head = f"  {name} ({sessions}): " if len(scopes) > 1 else "  "
        out.print(escape(head + step_line("labelled repeats", figures["labelled_repeats"], figures)), soft_wrap=True)
        for line in _figures_lines(figures):
            out.print(escape("      " + line))
    for item in data["missed_labelled_repeats"]:
        out.print(escape(f"  missed {_where(item)}: {item['why'] or item['step']}"))
    for item in data["labelled_calls"]:
        if item["label"] == "not_repeat" and item["step"] == "not seen as a failure":
            out.print(escape(f"  labelled not-repeat {item['why']}: {_where(item)}"))
    for item in data["labels_before_the_split"]:
        out.print(
            escape(f"  labelled {item['label'].replace('_', '-')} before the split (learned from): {_where(item)}")
        )
    for item in data.get("labels_outside_the_parts", []):
        out.print(escape(f"  labelled {item['label'].replace('_', '-')} in a session of no part: {_where(item)}"))
    for part, sessions in data.get("part_sessions_not_found", {}).items():
        out.print(escape(f"  part {part}: sessions not in the store: {', '.join(sessions)}"))


def _per_100(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _figures_lines(figures: dict[str, Any]) -> list[str]:
    return [
        f"recall {pct(figures['recall'])}; false alarms {figures['false_alarms']} of "
        f"{figures['successful_calls']:,} successful calls ({pct(figures['false_alarm_rate'])})",
        f"warned labelled repeats told a remedy or the rule broken: {figures['warned_labelled_repeats_with_remedy']} "
        f"of {figures['warned_labelled_repeats']}",
        f"lessons fired {figures['lessons_fired']}: {figures['lessons_that_warned_labelled_repeats']} warned a "
        f"labelled repeat, {figures['lessons_with_false_alarms_only']} false alarms only",
        f"replay counts as repeats {figures['labelled_repeats_replay_counts_as_repeats']} of "
        f"{figures['labelled_repeats']} labelled repeats and {figures['labelled_not_repeats_replay_counts_as_repeats']} "
        f"of {figures['labelled_not_repeats']} labelled not-repeats; labelled not-repeats warned "
        f"{figures['labelled_not_repeats_warned']}",
    ]


def _where(item: dict[str, Any]) -> str:
    """ "8463c716:1164 [report] mix test": the label's session, the call's line (else its id), its
    part, the call."""
    place = item.get("line") or item.get("tool_use_id")  # a line, else the call's id (Aider's calls have no line)
    where = short_session(item["session"]) + (f":{place}" if place else "")
    if item.get("part"):
        where += f" [{item['part']}]"
    return f"{where} {(item.get('call') or '')[:60]}".rstrip()
