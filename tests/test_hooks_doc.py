"""docs/hooks.md shows the commands `lessonloop hooks install` really writes and `hooks status`
really runs (apply/hooks/command.py, settings.py), so the page cannot drift from the code."""

from __future__ import annotations

import json
import re
import shlex
import sys
from pathlib import Path

from lessonloop.apply.hooks import settings
from lessonloop.apply.hooks.command import EVENTS, MARKER, check_command, hook_command

DOC = Path(__file__).resolve().parent.parent / "docs" / "hooks.md"
PYTHON = "/venv/bin/python"  # the interpreter the page shows in its example


def _installed_groups() -> dict[str, object]:
    """What install writes for every event, with the interpreter shown as PYTHON."""
    data = settings.merge({}, {"PreToolUse": ()})
    text = json.dumps(data["hooks"]).replace(json.dumps(shlex.quote(sys.executable))[1:-1], PYTHON)
    groups: dict[str, object] = {event: found[0] for event, found in json.loads(text).items()}
    return groups


def test_the_json_example_is_what_install_writes() -> None:
    blocks = re.findall(r"```json\n(.*?)\n```", DOC.read_text(encoding="utf-8"), re.S)
    examples = [json.loads(block) for block in blocks if '"hooks"' in block and MARKER in block]
    assert examples, "docs/hooks.md shows no installed hook group"
    groups = _installed_groups()
    for example in examples:
        command = example["hooks"][0]["command"]
        event = command.split()[-1]
        assert example == groups[event], f"docs/hooks.md shows {example}, install writes {groups[event]}"


def test_every_command_line_on_the_page_is_one_the_code_runs() -> None:
    def shown(command: str) -> str:
        return command.replace(PYTHON, "<python>", 1)

    real = {shown(hook_command("EVENT", ("[OPTIONS]",), python=PYTHON)), shown(shlex.join(check_command(PYTHON)))}
    real |= {shown(hook_command(event, (), python=PYTHON)) for event in EVENTS}
    spans = re.findall(r"`([^`\n]+)`", DOC.read_text(encoding="utf-8"))
    commands = [span for span in spans if span.startswith("<python> ")]
    assert len(commands) >= 2, commands  # the hook's command and the status check
    for command in commands:
        assert command in real, f"docs/hooks.md shows `{command}`; the code runs one of {sorted(real)}"
    # The entry point is never shown run as a module (-m): the hooks use -c (command.py says why).
    assert f"-m {MARKER}" not in DOC.read_text(encoding="utf-8")
