"""Terminal output of `lessonloop dataset quality` and `lessonloop dataset milestones` (rich tables), drawn from
their JSON forms (dataset/quality.py, dataset/milestones.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lessonloop.report.render import local_time, one_line

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


def _table(title: str, *columns: str) -> Table:
    from rich.table import Table

    table = Table(title=title, title_justify="left", box=None, header_style="bold", pad_edge=False)
    for index, name in enumerate(columns):
        table.add_column(name, justify="left" if index == 0 else "right")
    return table


def render_quality(console: Console, data: dict[str, Any]) -> None:
    from rich.markup import escape

    scope = f" of the project {escape(data['project'])}" if data["project"] else ""
    parents = data.get("parent_only_sessions", 0)
    left_out = f" (not counted: {parents:,} known only as a subagent's parent)" if parents else ""
    console.print(
        f"Collection quality{scope}: [bold]{data['sessions']:,}[/] sessions{left_out}, "
        f"[bold]{data['chats']:,}[/] chats, [bold]{data['commits']:,}[/] commits."
    )
    problems = _table("Empty, truncated and unreadable", "WHAT", "COUNT")
    empty, truncated = data["empty"], data["truncated"]
    for label, value in (
        ("empty prompts", empty["prompts"]),
        ("chats without a reply", empty["replies"]),
        ("sessions without tool calls", empty["sessions_without_calls"]),
        ("sessions without typed prompts", empty["sessions_without_prompts"]),
        ("empty commit messages", empty["commit_messages"]),
        *((f"clipped texts: {place}", n) for place, n in truncated["clipped_texts"].items()),
        ("commits with capped hunks", truncated["commits_with_capped_hunks"]),
        ("commit messages not UTF-8", truncated["commit_messages_not_utf8"]),
        *((f"ingest problems: {code}", n) for code, n in data["ingest_problems"].items()),
    ):
        problems.add_row(label, f"{value:,}")
    console.print(problems)

    dups = data["duplicates"]
    duplicates = _table("Duplicates", "WHAT", "REPEATED", "EXTRA COPIES")
    duplicates.add_row("prompt texts", f"{dups['prompts']['groups']:,}", f"{dups['prompts']['extra_copies']:,}")
    duplicates.add_row(
        "commit messages", f"{dups['commit_messages']['groups']:,}", f"{dups['commit_messages']['extra_copies']:,}"
    )
    duplicates.add_row(
        "sessions (same chats)",
        f"{len(dups['sessions']):,}",
        f"{sum(len(g['sessions']) - 1 for g in dups['sessions']):,}",
    )
    console.print(duplicates)
    for kind in ("prompts", "commit_messages"):
        for item in dups[kind]["top"]:
            text = escape(one_line(item["text"], 90))
            console.print(f"  [dim]{item['count']}x {kind.replace('_', ' ')[:-1]}:[/] {text}")

    unlinked = data["unlinked_commits"]
    if unlinked["commits"]:
        links = _table("Commits without a session", "REPOSITORY", "COMMITS", "UNLINKED", "NOT MERGES")
        for row in unlinked["by_repository"]:
            links.add_row(
                escape(row["repository"]),
                f"{row['commits']:,}",
                f"{row['unlinked']:,}",
                f"{row['unlinked_not_merges']:,}",
            )
        console.print(links)

    redactions = data["redactions"]
    if redactions["total"]:
        table = _table(f"Secrets redacted ({redactions['total']:,} markers)", "WHERE", "KIND", "MARKERS")
        for place, kinds in redactions["by_column"].items():
            for kind, count in kinds.items():
                table.add_row(place, kind, f"{count:,}")
        console.print(table)
    else:
        console.print("No redaction markers stored.")

    lengths = _table("Lengths (characters; diffs in lines changed)", "TEXT", "COUNT", "P10", "P50", "P90", "P99", "MAX")
    for name, d in data["lengths"].items():
        lengths.add_row(name.replace("_", " "), *(f"{d[k]:,}" for k in ("count", "p10", "p50", "p90", "p99", "max")))
    console.print(lengths)

    if data["per_agent"]:
        columns = (
            "AGENT",
            "SESSIONS",
            "CHATS",
            "EMPTY P",
            "NO REPLY",
            "CLIPPED",
            "NO CALLS",
            "REPEATED P",
            "DUP S",
            "P50 PROMPT",
            "P50 REPLY",
        )
        agents = _table("Per agent", *columns)
        for agent, a in data["per_agent"].items():
            agents.add_row(
                escape(agent),
                *(
                    f"{v:,}"
                    for v in (
                        a["sessions"],
                        a["chats"],
                        a["empty_prompts"],
                        a["empty_replies"],
                        a["clipped_prompts"] + a["clipped_replies"],
                        a["sessions_without_calls"],
                        a["repeated_prompts"],
                        a["duplicate_sessions"],
                        a["prompt_length"]["p50"],
                        a["reply_length"]["p50"],
                    )
                ),
            )
        console.print(agents)


def render_milestones(console: Console, data: dict[str, Any]) -> None:
    counts, recent = data["counts"], data["recent"]
    console.print(
        f"Stored: [bold]{counts['commits']:,}[/] commits, [bold]{counts['sessions']:,}[/] sessions, "
        f"[bold]{counts['chats']:,}[/] chats; in the last {data['window_days']} days: {recent['commits']:,}, "
        f"{recent['sessions']:,}, {recent['chats']:,}."
    )
    table = _table("Training-data milestones", "MILESTONE", "COMMITS", "SESSIONS", "CHATS", "PROGRESS", "WHEN")
    for item in data["milestones"]:
        cells = [f"{n['have']:,}/{n['need']:,}" for n in item["needs"]]
        if item["reached"]:
            when = "[green]reached[/]"
        elif not item["reachable"]:
            when = "[yellow]not reachable at the current rate[/]"
        else:
            when = f"{local_time(item['eta'])[:10]} (~{item['days_left']:,.0f} days)"
        table.add_row(item["milestone"], *cells, f"{item['progress']:.0%}", when)
    console.print(table)
    console.print(
        f"[dim]The rate: what was collected in the {data['window_days']} days before {local_time(data['now'])}.[/]"
    )
