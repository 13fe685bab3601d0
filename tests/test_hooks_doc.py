"""docs/hooks.md shows the commands `lessonloop hooks install` really writes and `hooks status`
really runs (apply/hooks/command.py, install/), for every agent, so the page cannot drift from
the code."""

from __future__ import annotations

import json
import re
import shlex
import sys
from pathlib import Path

from lessonloop.apply.hooks.agents import AGENTS
from lessonloop.apply.hooks.command import EVENTS, MARKER, check_command, hook_command
from lessonloop.apply.hooks.install import hook_lists, plan

DOC = Path(__file__).resolve().parent.parent / "docs" / "hooks.md"
PYTHON = "/venv/bin/python"  # the interpreter the page shows in its example


def _installed_items(agent: str) -> dict[str, object]:
    """What install writes for every event of `agent` (a group or an entry), with the interpreter
    shown as PYTHON."""
    data = hook_lists.merge({}, plan.wanted(agent), plan.spec(agent).shape)
    text = json.dumps(data["hooks"]).replace(json.dumps(shlex.quote(sys.executable))[1:-1], PYTHON)
    items: dict[str, object] = {event: found[0] for event, found in json.loads(text).items()}
    return items


def test_the_json_examples_are_what_install_writes() -> None:
    blocks = re.findall(r"```json\n(.*?)\n```", DOC.read_text(encoding="utf-8"), re.S)
    examples = [json.loads(block) for block in blocks if MARKER in block]
    shown = set()
    for example in examples:
        entry = example["hooks"][0] if "hooks" in example else example
        command = entry.get("command") or entry["bash"]
        agent = next((w.split("=", 1)[1] for w in command.split() if w.startswith("--agent=")), "claude")
        event = command.split()[-1]
        items = _installed_items(agent)
        assert example == items[event], f"docs/hooks.md shows {example}, install writes {items[event]} ({agent})"
        shown.add(agent)
    assert shown == set(AGENTS), f"docs/hooks.md shows no installed hook of {set(AGENTS) - shown}"


def test_every_command_line_on_the_page_is_one_the_code_runs() -> None:
    def shown(command: str) -> str:
        return command.replace(PYTHON, "<python>", 1)

    real = {shown(hook_command("EVENT", ("[OPTIONS]",), python=PYTHON)), shown(shlex.join(check_command(PYTHON)))}
    real.add(shown(hook_command("EVENT", ("[OPTIONS]",), python=PYTHON, agent="AGENT")))
    real |= {shown(hook_command(event, (), python=PYTHON)) for event in EVENTS}
    spans = re.findall(r"`([^`\n]+)`", DOC.read_text(encoding="utf-8"))
    commands = [span for span in spans if span.startswith("<python> ")]
    assert len(commands) >= 2, commands  # the hook's command and the status check
    for command in commands:
        assert command in real, f"docs/hooks.md shows `{command}`; the code runs one of {sorted(real)}"
    # The entry point is never shown run as a module (-m): the hooks use -c (command.py says why).
    assert f"-m {MARKER}" not in DOC.read_text(encoding="utf-8")
