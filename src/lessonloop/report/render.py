"""Terminal rendering of reports (rich tables and timelines). JSON output does not come here."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from lessonloop.analyze.prompt_request import request_of
from lessonloop.report.costs import cost_text

if TYPE_CHECKING:
    from rich.console import Console

    from lessonloop.report.queries import SessionRow, Timeline


def human_count(value: int) -> str:
    """1234 -> 1.2k, 76281744 -> 76.3M."""
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:.1f}{suffix}"
    return str(value)


def short_session(session_id: str) -> str:
    """A session id cut for a line of text, where the store is not at hand to find the shortest
    unique prefix (store/sessions/ids.short_ids): 8 characters, or 8 after a short word and a dash
    ("aider-3f9a1c2b": every Aider id starts with "aider-")."""
    dash = session_id.find("-", 0, 8)  # a UUID's first dash comes after 8 characters
    return session_id[: dash + 9] if dash > 0 else session_id[:8]


def local_time(ts: str | None, *, seconds: bool = False) -> str:
    """Canonical UTC text as local time for people."""
    if not ts:
        return "-"
    from lessonloop.core.timestamps import parse_timestamp

    try:
        moment = parse_timestamp(ts).astimezone()
    except ValueError:
        return ts
    return moment.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def short_path(path: str | None, width: int = 40) -> str:
    """A path with ~ for home and its start cut when long."""
    if not path:
        return "-"
    home = os.path.expanduser("~")
    if home != "/" and (path == home or path.startswith(home + os.sep)):
        path = "~" + path[len(home) :]
    if len(path) > width:
        path = "…" + path[-(width - 1) :]
    return path


def short_model(model: str | None) -> str:
    """claude-sonnet-4-5-20250929 -> sonnet-4-5."""
    if not model:
        return "-"
    name = model.removeprefix("claude-")
    head, _, tail = name.rpartition("-")
    return head if len(tail) == 8 and tail.isdigit() else name


def one_line(text: str | None, width: int = 100) -> str:
    """The first line of `text`, cut to `width`."""
    if not text:
        return ""
    line = " ".join(text.strip().split())
    return line if len(line) <= width else line[: width - 1] + "…"


def render_sessions(console: Console, rows: list[SessionRow], shown_ids: dict[str, str] | None = None) -> None:
    """The sessions table; `shown_ids` gives each row's id as shown (store/sessions/ids.short_ids),
    else its first 8 characters."""
    from rich.table import Table

    if not rows:
        console.print("No sessions stored yet. Run [bold]lessonloop ingest[/] first.")
        return
    from rich.cells import cell_len
    from rich.markup import escape
    from rich.text import Text

    # The figures always show, each column as wide as its widest cell (rich would otherwise cut
    # "claude-code" to "clau…" and squeeze the counts away); the project's path is cut at its start
    # to what is left; the cost, the model, the subagents and the first prompt come in that order while
    # they fit.
    columns: list[tuple[str, str, Any]] = [
        ("START", "left", lambda r: local_time(r.started_at)),
        ("SESSION", "left", lambda r: escape((shown_ids or {}).get(r.id, r.id[:8]))),
        ("AGENT", "left", lambda r: escape(r.agent)),
        ("PROJECT", "left", lambda r: r.project),
        ("MODEL", "left", lambda r: escape(one_line(short_model(r.model), 16))),
        ("PROMPTS", "right", lambda r: str(r.prompts)),
        ("TOOLS", "right", lambda r: str(r.tool_calls)),
        ("ERRORS", "right", lambda r: f"[red]{r.errors}[/]" if r.errors else "0"),
        ("TOKENS", "right", lambda r: human_count(r.total_tokens)),
        ("COST", "right", lambda r: cost_text(r.cost_usd, r.unpriced_calls)),
        ("SUB", "right", lambda r: str(r.subagents) if r.subagents else ""),
    ]
    cells = {name: [value(row) for row in rows] for name, _justify, value in columns if name != "PROJECT"}
    widths = {name: max([len(name)] + [Text.from_markup(c).cell_len for c in cells[name]]) for name in cells}
    gap = 2  # no box, one space of padding on each side between columns

    def used(names: list[str]) -> int:
        return sum(widths[n] for n in names) + gap * (len(names) - 1)

    optionals = ("COST", "MODEL", "SUB")
    others = [name for name in widths if name not in optionals]
    room = max(6, min(24, console.width - used(others) - gap))
    paths = [_cut_start(short_path(row.project, room), room) for row in rows]
    cells["PROJECT"] = [escape(path) for path in paths]
    widths["PROJECT"] = max([len("PROJECT")] + [cell_len(path) for path in paths])
    shown = [name for name, _justify, _value in columns if name not in optionals]
    for optional in optionals:
        if used(shown) + gap + widths[optional] <= console.width:
            shown.append(optional)
    order = [name for name, _justify, _value in columns]
    shown.sort(key=order.index)
    prompt_width = console.width - used(shown) - gap
    with_prompt = prompt_width >= 20
    table = Table(box=None, header_style="bold", pad_edge=False)
    for name, justify, _value in columns:
        if name in shown:
            table.add_column(name, justify=justify, no_wrap=True, min_width=widths[name])  # type: ignore[arg-type]
    if with_prompt:
        table.add_column("FIRST PROMPT", no_wrap=True, overflow="ellipsis", max_width=prompt_width)
    for index, row in enumerate(rows):
        line = [cells[name][index] for name in order if name in shown]
        if with_prompt:
            line.append(escape(one_line(row.title or row.first_prompt, 80)))
        table.add_row(*line)
    console.print(table)
    console.print(f"[dim]{len(rows)} session(s). `lessonloop show ID` for one session's timeline.[/]")


def _cut_start(text: str, cells: int) -> str:
    """`text` cut at its start to fit `cells` terminal cells (a wide character takes two)."""
    from rich.cells import cell_len

    if cell_len(text) <= cells:
        return text
    while text and cell_len("…" + text) > cells:
        text = text[1:]
    return "…" + text


def _parent_only(data: dict[str, Any]) -> str:
    parents = data.get("parent_only_sessions", 0)
    return f"; {parents} of the sessions known only as a subagent's parent" if parents else ""


def render_stats(console: Console, data: dict[str, Any]) -> None:
    from rich.markup import escape
    from rich.table import Table

    console.print(
        f"[bold]{data['sessions']}[/] sessions (+{data['subagent_sessions']} subagent contexts{_parent_only(data)}) in "
        f"{data['projects']} project(s), {local_time(data['first_activity'])} to {local_time(data['last_activity'])}; "
        f"[bold]{data['tool_calls']:,}[/] tool calls, [bold]{data['tool_errors']:,}[/] errors"
        + (
            f"; cost [bold]{cost_text(data.get('cost_usd'), data.get('unpriced_calls', 0))}[/] at list prices."
            if data.get("cost_usd") is not None or data.get("unpriced_calls")
            else "."
        )
    )
    if data["kinds"]:
        console.print(_kinds_table(data["kinds"]))
    if len(data.get("agents", {})) > 1:
        agents = Table(title="Agents", title_justify="left", box=None, header_style="bold", pad_edge=False)
        for name in ("AGENT", "SESSIONS", "SUBAGENTS", "PROMPTS", "CALLS", "ERRORS", "COST"):
            agents.add_column(name, justify="left" if name == "AGENT" else "right")
        for agent, figures in data["agents"].items():
            agents.add_row(
                escape(agent),
                *(
                    f"{figures[key]:,}"
                    for key in ("sessions", "subagent_sessions", "prompts", "tool_calls", "tool_errors")
                ),
                cost_text(figures.get("cost_usd"), figures.get("unpriced_calls", 0)),
            )
        console.print(agents)
    models = data.get("models", {})
    if len(models) > 1:
        table = Table(title="Mistakes by model", title_justify="left", box=None, header_style="bold", pad_edge=False)
        for name in ("MODEL", "CONTEXTS", "CALLS", "ERRORS", "ERROR RATE", "STOPS", "LESSONS"):
            table.add_column(name, justify="left" if name == "MODEL" else "right")
        for model, figures in models.items():
            rate = figures["error_rate"]
            table.add_row(
                escape(model),
                *(f"{figures[key]:,}" for key in ("sessions", "tool_calls", "errors")),
                "-" if rate is None else f"{rate:.1%}",
                f"{figures['stops']:,}",
                f"{figures['lessons']:,}",
            )
        console.print(table)
    rows = data.get("by_agent_model", [])
    if rows:
        console.print(_token_table(rows))
    projects = data.get("by_project", [])
    if len(projects) > 1:
        table = Table(title="Cost by project", title_justify="left", box=None, header_style="bold", pad_edge=False)
        table.add_column("PROJECT")
        for name in ("CALLS", "TOKENS", "COST"):
            table.add_column(name, justify="right")
        for row in projects:
            tokens = row["input"] + row["output"] + row["cache_creation"] + row["cache_read"]
            table.add_row(
                escape(short_path(row["project"], 60)),
                f"{row['calls']:,}",
                human_count(tokens),
                cost_text(row["cost_usd"], row["unpriced_calls"]),
            )
        console.print(table)
    if data["ingest_problems"]:
        console.print(f"[red]{data['ingest_problems']}[/] input problems recorded during ingest.")


def _kinds_table(kinds: dict[str, dict[str, Any]]) -> Any:
    """Calls and errors per kind of tool (shell, read, edit, ...), with each agent's own names for
    it, the most used first ("shell_command, Bash, exec_command")."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="Tools", title_justify="left", box=None, header_style="bold", pad_edge=False)
    for name in ("KIND", "CALLS", "ERRORS", "ERROR RATE"):
        table.add_column(name, justify="left" if name == "KIND" else "right", no_wrap=True)
    table.add_column("AS THE AGENTS NAME IT")
    for kind, figures in kinds.items():
        rate = figures["errors"] / figures["calls"] if figures["calls"] else 0.0
        names = ", ".join(dict.fromkeys(row["tool"] for row in figures["tools"]))
        table.add_row(escape(kind), f"{figures['calls']:,}", f"{figures['errors']:,}", f"{rate:.1%}", escape(names))
    return table


def output_tokens(row: dict[str, Any]) -> str:
    """A row's output tokens, with the reasoning among them when an agent reported it: every
    agent's output holds its reasoning (core/records.py), so reasoning is never a column of its
    own beside it ("12,345 (incl. 3,000 reasoning)")."""
    output = f"{row.get('output') or 0:,}"
    reasoning = row.get("reasoning") or 0
    return f"{output} (incl. {reasoning:,} reasoning)" if reasoning else output


def _token_table(rows: list[dict[str, Any]]) -> Any:
    """Tokens by agent and model with their cost (report/costs.py: "unknown" for a model with no
    price, "$x+" when some of its calls are unpriced); the output with its reasoning when an
    agent reported it."""
    from rich.markup import escape
    from rich.table import Table

    columns = [
        ("INPUT", "input"),
        ("OUTPUT", "output"),
        ("CACHE WRITE", "cache_creation"),
        ("CACHE READ", "cache_read"),
    ]
    table = Table(title="Tokens", title_justify="left", box=None, header_style="bold", pad_edge=False)
    table.add_column("AGENT")
    table.add_column("MODEL")
    for name, _key in columns:
        table.add_column(name, justify="right")
    table.add_column("COST", justify="right")
    for row in rows:
        cells = [
            escape(row["agent"] or "-"),
            escape(row["model"]),
            *(output_tokens(row) if key == "output" else f"{row.get(key) or 0:,}" for _name, key in columns),
        ]
        cells.append(cost_text(row.get("cost_usd"), row.get("unpriced_calls", 0)))
        table.add_row(*cells)
    return table


HIDDEN_KINDS = frozenset(  # system texts a timeline leaves out unless asked (show --all; the web's timeline)
    {"meta", "system_reminder", "task_notification", "command_output", "system", "compaction_request", "synthetic"}
)


def render_timeline(
    console: Console, timeline: Timeline, *, show_all: bool = False, at: int | None = None, around: int = 12
) -> None:
    """The timeline; with `at` (an index in its items), only the `around` entries either side of
    that one, which is marked."""
    from rich.markup import escape

    s = timeline.session
    header = f"[bold]{s['id']}[/]  {s['kind']}"
    if s.get("agent_type") or s.get("description"):
        header += f"  {escape(s.get('agent_type') or '')} {escape(s.get('description') or '')}"
    console.print(header)
    console.print(
        f"[dim]project {escape(short_path(s['project'], 80))}  branch {escape(s['git_branch'] or '-')}  "
        f"cwd {escape(short_path(s['cwd'], 80))}  {escape(s['agent'] or '?')} {escape(s['version'] or '?')}"
        + (f"  model {escape(s['model'])}" if s.get("model") else "")
        + (
            f"  cost {cost_text(s.get('cost_usd'), s.get('unpriced_calls', 0))}"
            if s.get("cost_usd") is not None or s.get("unpriced_calls")
            else ""
        )
        + "[/]"
    )
    if s.get("placeholder"):
        console.print("[dim](no transcript of its own was found: this session is known from its subagents)[/]")
    subagents_by_call = {sub["spawned_by"]: sub for sub in timeline.subagents if sub.get("spawned_by")}
    hidden = 0
    shown_from, shown_to = (0, len(timeline.items)) if at is None else (max(0, at - around), at + around + 1)
    if shown_from:
        console.print(f"[dim]({shown_from} earlier entries: `show` without --at shows them all)[/]")
    for index, item in enumerate(timeline.items[shown_from:shown_to], start=shown_from):
        when = local_time(item.ts, seconds=True)[11:] if item.ts else "        "
        if at is not None:
            when = ("[bold yellow]▶[/] " if index == at else "  ") + when
        d = item.data
        if item.type == "message":
            kind = d["kind"]
            text = d["text"]
            if kind == "prompt":
                asked = (request_of(text) or text) if not show_all else text  # the agent's context around it: --all
                console.print(f"[dim]{when}[/] [bold cyan]❯ you[/]  {escape(one_line(asked, 200))}")
            elif kind == "assistant":
                console.print(f"[dim]{when}   {escape(one_line(text, 160))}[/]")
            elif kind == "interrupt":
                console.print(f"[dim]{when}[/] [bold magenta]⏹ interrupted by the person[/]")
            elif kind == "rejection":
                said = f": {escape(one_line(text, 160))}" if text else ""
                console.print(f"[dim]{when}[/] [bold magenta]⊘ call rejected by the person[/]{said}")
            elif kind == "compact_boundary":
                console.print(f"[dim]{when} ── {escape(one_line(text, 120))} ──[/]")
            elif kind == "compaction_summary":
                console.print(f"[dim]{when}   (summary of the conversation so far, {len(text or ''):,} chars)[/]")
            elif kind == "command":
                console.print(f"[dim]{when}[/] [cyan]{escape(one_line(_command_name(text), 120))}[/]")
            elif kind == "task_prompt":
                console.print(f"[dim]{when}[/] [bold cyan]❯ task[/]  {escape(one_line(text, 200))}")
            elif kind == "api_error":
                console.print(f"[dim]{when}[/] [red]API error: {escape(one_line(text, 160))}[/]")
            elif show_all or kind not in HIDDEN_KINDS:
                console.print(f"[dim]{when}   [{kind}] {escape(one_line(text, 160))}[/]")
            else:
                hidden += 1
            continue
        console.print(_render_call(when, d, s.get("cwd")))
        sub = subagents_by_call.get(d["id"])
        if sub is not None:
            console.print(
                f"           [blue]↳ subagent {escape(sub['id'])}: {sub['tool_calls']} tool calls, "
                f"{sub['errors']} errors[/]"
            )
    if shown_to < len(timeline.items):
        console.print(f"[dim]({len(timeline.items) - shown_to} later entries: `show` without --at shows them all)[/]")
    unlinked = [sub for sub in timeline.subagents if not sub.get("spawned_by")]
    for sub in unlinked:
        console.print(
            f"[blue]subagent {escape(sub['id'])} ({sub['kind']}): {sub['tool_calls']} tool calls, {sub['errors']} errors[/]"
        )
    if hidden:
        console.print(f"[dim]({hidden} system texts hidden; --all shows them)[/]")
    for commit in timeline.commits:
        undone = ", ".join(f"{u['hash'][:10]} ({u['evidence'].replace('_', ' ')})" for u in commit["rolled_back_by"])
        console.print(
            f"[green]commit {commit['hash'][:10]}[/] {escape(one_line(commit['subject'], 100))}  "
            f"[dim]{local_time(commit['committed_at'])}  {commit['evidence'].replace('_', ' ')} "
            f"(strength {commit['strength']:.2f})  {escape(short_path(commit['repository'], 60))}[/]"
            + (f"  [bold red]rolled back by {undone}[/]" if undone else "")
        )


# Their results are file contents or confirmations: the target and diff size say more.
_CONTENT_KINDS = frozenset({"read", "edit", "write", "plan"})  # records.TOOL_KINDS


def _command_name(text: str | None) -> str:
    if not text:
        return ""
    start = text.find("<command-name>")
    end = text.find("</command-name>")
    if start >= 0 and end > start:
        name = text[start + len("<command-name>") : end]
        args_start = text.find("<command-args>")
        args_end = text.find("</command-args>")
        args = text[args_start + len("<command-args>") : args_end] if 0 <= args_start < args_end else ""
        return f"{name} {args}".strip()
    return text


def relative_to(path: str | None, cwd: str | None) -> str | None:
    """`path` relative to `cwd` when inside it (shorter timelines), else unchanged."""
    if path and cwd and path.startswith(cwd.rstrip("/") + "/"):
        return path[len(cwd.rstrip("/")) + 1 :]
    return path


def _render_call(when: str, call: dict[str, Any], cwd: str | None = None) -> str:
    from rich.markup import escape

    tool = call["tool"]
    kind = call.get("kind")
    what = call_what(call, cwd)
    status = call.get("status")
    if status == "ok":
        mark = "[green]✓[/]"
    elif status is None:
        mark = "[yellow]…[/]"
    else:
        mark = "[red]✗[/]"
    line = f"[dim]{when}[/] {mark} [bold]{escape(tool)}[/]  {escape(one_line(what, 110))}"
    if call.get("lines_added") or call.get("lines_removed"):
        line += f" [green]+{call.get('lines_added') or 0}[/][red]-{call.get('lines_removed') or 0}[/]"
    result = call.get("result_text")
    if status == "ok" and kind not in _CONTENT_KINDS and result and one_line(result, 110) != one_line(what, 110):
        line += f"  [dim]→ {escape(one_line(result, 70))}[/]"
    if status == "rejected":
        line += "  [magenta](rejected)[/]"
    elif status == "interrupted":
        line += "  [magenta](interrupted)[/]"
    elif status == "error":
        code = call.get("exit_code")
        prefix = f"exit {code}: " if code not in (None, 0) else ""
        error = call.get("error_text") or ""
        if error.startswith("Exit code"):
            error = error.split("\n", 1)[1] if "\n" in error else ""
        line += f"\n           [red]{escape(prefix + one_line(error, 140))}[/]"
    return line


def call_what(call: dict[str, Any], cwd: str | None = None) -> str:
    """What a call was about, in a few words (the CLI timeline and the web's): its command line,
    else its file, else what its input says (a search's pattern in its folder, a commit's sha and
    message, a description, a URL, ...)."""
    target = relative_to(call.get("target_path"), cwd)
    if call.get("kind") == "search" and not call.get("command"):
        pattern = _input_summary(call.get("input_json"))
        return f"{pattern} in {target}" if target else pattern
    return call.get("command") or target or _input_summary(call.get("input_json"))


def _input_summary(input_json: str | None) -> str:
    if not input_json:
        return ""
    from lessonloop.core import json_codec

    try:
        value = json_codec.loads(input_json)
    except json_codec.JSONDecodeError:
        return input_json
    if isinstance(value, dict):
        if isinstance(value.get("sha"), str):  # a commit (Aider's "Commit <sha> <message>")
            return f"{value['sha']} {value.get('message') or ''}".rstrip()
        for key in ("description", "pattern", "url", "query", "prompt", "skill", "command"):
            if isinstance(value.get(key), str):
                return str(value[key])
    return input_json


def render_json(data: Any) -> str:
    """JSON for --json output: indented, keys in insertion order."""
    from lessonloop.core import json_codec

    return json_codec.dumps(data, indent=True)
