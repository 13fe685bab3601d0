"""Lessons of a PowerShell cmdlet's parameter rule (analyze/cmdlet_rules.py): the rule PowerShell
stated when a command broke it, checked on every later command line of that shell that calls the
cmdlet the same way (issue 61, item 1: stated rules in every shape tools write them).

The cmdlets are the machine's PowerShell, so the lesson holds in every project once it failed in
two sessions (machine-wide, like a shell operator the shell rejects).
"""

from __future__ import annotations

from lessonloop.analyze.cmdlet_rules import ABSENT, cmdlet_rule
from lessonloop.learning.engine.episodes import Draft, _usage_draft
from lessonloop.learning.engine.events import CallEvent
from lessonloop.lesson_model.quoting import tool_output
from lessonloop.lesson_model.triggers import Trigger, first_line


def cmdlet_draft(event: CallEvent) -> Draft | None:
    """The lesson of a command that broke a cmdlet's parameter rule; None for another failure or
    a rule of a cmdlet the command line does not call itself (a script's inner command)."""
    call = event.call
    found = cmdlet_rule(call.error_text)
    if found is None or not any(words and words[0].lower() == found.cmdlet.lower() for words in event.segments):
        return None
    cmdlet, param = found.cmdlet, f"-{found.param}"
    headline = event.headline
    if found.rule == ABSENT:
        title = f"`{cmdlet}` has no `{param}` parameter in this PowerShell"
        prevention = (
            f"Leave `{param}` out of `{cmdlet}`: this PowerShell's `{cmdlet}` does not have it (`Get-Help {cmdlet} "
            "-Parameter *` lists the ones it has); pipe to another cmdlet for that job (`Select-Object -First`, "
            "`-Skip`, `-Index` for lines)."
        )
    else:
        shown = f"`{param} {found.value}`"
        title = f"`{cmdlet} {param}` takes a {found.type_name}: {shown} as written is text to it"
        prevention = (
            f"Give `{param}` a {found.type_name}: in a command's arguments {shown} is text; put an expression in "
            f"parentheses so PowerShell evaluates it (`{param} ({found.value})`)."
        )
    return _usage_draft(
        event,
        Trigger(call.kind, (cmdlet,), param=param, rule=found.rule),
        title=f"{title}: {tool_output(headline)}",
        body=f"`{first_line(call.command, 120)}` failed ({event.error_class or 'UNKNOWN'}): {tool_output(headline)}",
        prevention=prevention,
        command=None,
        category=cmdlet,
        severity="low",
        machine_wide=True,
    )
