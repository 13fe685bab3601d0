"""docs/hooks.md shows the commands `lessonloop hooks install` really writes and `hooks status`
really runs (apply/hooks/command.py, install/), for every agent, so the page cannot drift from
the code."""

from __future__ import annotations

import json
import re
import shlex
import sys
from pathlib import Path

from lessonloop.apply.hooks.command import EVENTS, MARKER, check_command, hook_command, site_paths
from lessonloop.apply.hooks.install import hook_lists, plan
from lessonloop.core.agent_specs import hook_agents

AGENTS = hook_agents()


DOC = Path(__file__).resolve().parent.parent.parent / "docs" / "hooks.md"
PYTHON = "/venv/bin/python"  # the interpreter the page shows in its example
SITE = ["/venv/lib/python3.12/site-packages"]  # the folders `site` adds, as its examples show them
SITE_SHOWN = ["<site-packages>"]  # ... as its command lines show them


def _as_shown(command: str, python: str, site: list[str]) -> str:
    """A command install makes here, with this interpreter and these folders as the page shows them."""
    paths = site_paths(sys.executable)
    if paths is not None:
        command = command.replace(json.dumps(list(paths)), json.dumps(site), 1)
    return command.replace(shlex.quote(sys.executable), python, 1)


def _installed_items(agent: str) -> dict[str, object]:
    """What install writes for every event of `agent` (a group or an entry), with the interpreter
    shown as PYTHON and the folders as SITE."""
    data = hook_lists.merge({}, plan.wanted(agent), plan.spec(agent).shape)

    def shown(value: object) -> object:
        if isinstance(value, dict):
            return {key: shown(item) for key, item in value.items()}
        if isinstance(value, list):
            return [shown(item) for item in value]
        return _as_shown(value, PYTHON, SITE) if isinstance(value, str) and MARKER in value else value

    items: dict[str, object] = {event: shown(found[0]) for event, found in data["hooks"].items()}
    return items


def test_the_json_examples_are_what_install_writes() -> None:
    """Every agent's example (JSON; Kimi Code's and Mistral Vibe's TOML) is what install writes."""
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
    import tomllib

    for block in re.findall(r"```toml\n(.*?)\n```", DOC.read_text(encoding="utf-8"), re.S):
        if MARKER not in block:
            continue
        # a [[hooks]] table, its event beside the entry: Kimi Code's `event`, Mistral Vibe's `type`
        (table,) = tomllib.loads(block)["hooks"]
        agent = next(w.split("=", 1)[1] for w in table["command"].split() if w.startswith("--agent="))
        key = "type" if agent == "vibe" else "event"
        example = {name: value for name, value in table.items() if name != key}
        assert example == _installed_items(agent)[table[key]], f"docs/hooks.md shows {table} ({agent})"
        shown.add(agent)
    assert shown == set(AGENTS), f"docs/hooks.md shows no installed hook of {set(AGENTS) - shown}"


def test_every_command_line_on_the_page_is_one_the_code_runs() -> None:
    def shown(command: str) -> str:
        return command.replace(PYTHON, "<python>", 1)

    # without site (this interpreter can) and with it (an interpreter that cannot: PYTHON is none)
    real = {_as_shown(hook_command("EVENT", ("[OPTIONS]",)), "<python>", SITE_SHOWN)}
    real.add(_as_shown(shlex.join(check_command()), "<python>", SITE_SHOWN))
    real.add(_as_shown(hook_command("EVENT", ("[OPTIONS]",), agent="AGENT"), "<python>", SITE_SHOWN))
    real |= {shown(hook_command("EVENT", ("[OPTIONS]",), python=PYTHON)), shown(shlex.join(check_command(PYTHON)))}
    real.add(shown(hook_command("EVENT", ("[OPTIONS]",), python=PYTHON, agent="AGENT")))
    real |= {shown(hook_command(event, (), python=PYTHON)) for event in EVENTS}
    spans = re.findall(r"`([^`\n]+)`", DOC.read_text(encoding="utf-8"))
    commands = [span for span in spans if span.startswith("<python> ")]
    assert len(commands) >= 2, commands  # the hook's command and the status check
    for command in commands:
        assert command in real, f"docs/hooks.md shows `{command}`; the code runs one of {sorted(real)}"
    # The entry point is never shown run as a module (-m): the hooks use -c (command.py says why).
    text = DOC.read_text(encoding="utf-8")
    assert "-m lessonloop.apply.hooks.client" not in text and "-m lessonloop.apply.hooks.entry" not in text
