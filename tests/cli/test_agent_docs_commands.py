"""Every `lessonloop ...` command docs/agents/<agent>.md's "Staying current and getting lessons
back" section shows is one the real parser accepts (its subcommand, options and their values),
so the section cannot name a command or an option that does not exist; the rules-file exports and
the settings it shows are run for real (a real empty store, the test's own config file)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from lessonloop.cli.entry import build_parser
from lessonloop.store.connection import open_store
from tests.conftest import cli

DOCS = Path(__file__).resolve().parent.parent.parent / "docs" / "agents"
SECTION = "## Staying current and getting lessons back"
# the agents lessonloop reads, and the hook-capable ones that only read a rules file
AGENTS = ("claude-code", "codex", "gemini", "opencode", "aider", "cursor", "copilot")


def _commands(agent: str) -> list[str]:
    text = (DOCS / f"{agent}.md").read_text(encoding="utf-8")
    assert SECTION in text, f"docs/agents/{agent}.md has no {SECTION!r}"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    spans = [" ".join(span.split()) for span in re.findall(r"`([^`]+)`", section)]
    found = [re.split(r"(?:^|/)lessonloop ", span, maxsplit=1) for span in spans]
    return [parts[1] for span, parts in zip(spans, found, strict=True) if len(parts) == 2 and _runs_lessonloop(span)]


def _runs_lessonloop(span: str) -> bool:
    """A span that runs lessonloop itself (not another program's command naming it as a server)."""
    return span.startswith("lessonloop ") or bool(re.search(r"/lessonloop ", span))


@pytest.mark.parametrize("agent", AGENTS)
def test_every_command_of_the_section_parses(
    agent: str, tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commands = _commands(agent)
    assert any(command.startswith("lessons export --agent") for command in commands), commands
    open_store(db_path).close()
    monkeypatch.chdir(tmp_path)
    for command in commands:
        words = [word for word in shlex.split(command) if not word.startswith("[")]
        parser = build_parser(words[0])
        try:
            parser.parse_args(words)
        except SystemExit as exc:  # argparse's usage error
            pytest.fail(f"docs/agents/{agent}.md shows `lessonloop {command}`, which does not parse ({exc})")
        if words[:2] in (["lessons", "export"], ["config", "set"]):  # run: an unknown agent or key fails
            extra: list[str | Path] = ["--db", db_path, "--dry-run"] if words[0] == "lessons" else []
            done = cli(*words, *extra)
            assert done.exit_code == 0, (command, done.stderr)


def test_a_wrong_agent_or_option_would_fail(db_path: Path) -> None:
    open_store(db_path).close()
    assert cli("lessons", "export", "--agent", "no-such-agent", "--db", db_path, "--dry-run").exit_code == 2
    with pytest.raises(SystemExit):
        build_parser("ingest").parse_args(["ingest", "--no-such-option"])
