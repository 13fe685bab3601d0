"""A mistyped command, subcommand, option or choice (issue 42, item 5): exit status 2, the nearest
listed name suggested ("Did you mean"), and only the listed commands shown: `hook`, what the
installed hooks run, runs but is never offered. The names the commands had before they were grouped
by noun (`export`, `quality`, `milestones`, `suggest`, `patterns`, `commits`) and recall's `--top`
are gone (issue 45, item 7): unknown, exit status 2. Real processes and main() calls."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from lessonloop.cli.entry import build_parser
from tests.conftest import cli

UNLISTED = ("hook",)
REMOVED = ("export", "quality", "milestones", "suggest", "patterns", "commits")


def _listed() -> list[str]:
    """The commands `lessonloop --help` lists, in its order."""
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return [choice.dest for choice in commands._choices_actions]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lessonloop", *args], capture_output=True, text=True, check=False)


def test_a_mistyped_command_is_suggested_with_the_listed_commands_only() -> None:
    done = _run("sesions")
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines[0].startswith("usage: lessonloop ")
    assert lines[1] == "lessonloop: unknown command 'sesions'. Did you mean 'sessions'?"
    listed = _listed()
    assert lines[2] == "Commands: " + ", ".join(listed)
    parser = build_parser()
    every = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    assert set(UNLISTED) <= set(every) and not set(UNLISTED) & set(listed)
    assert not set(REMOVED) & set(every)
    assert "invalid choice" not in done.stderr


def test_a_word_near_nothing_lists_the_commands_without_a_guess() -> None:
    result = cli("zzzz", "x")
    assert result.exit_code == 2
    assert "lessonloop: unknown command 'zzzz'.\n" in result.stderr and "Did you mean" not in result.stderr
    # Near an unlisted name only: it is not offered.
    old = cli("hok")
    assert old.exit_code == 2 and "Did you mean 'hook'" not in old.stderr


@pytest.mark.parametrize("name", [name for name in _listed() if len(name) >= 5])
def test_every_listed_command_missing_a_letter_is_found(name: str) -> None:
    typo = name[:2] + name[3:]
    result = cli(typo)
    assert result.exit_code == 2
    assert f"lessonloop: unknown command '{typo}'. Did you mean '{name}'?" in result.stderr


def test_hook_still_runs_unlisted() -> None:
    for name in UNLISTED:
        result = cli(name, "--help")
        assert result.exit_code == 0, (name, result.stderr)


@pytest.mark.parametrize("name", REMOVED)
def test_the_names_before_the_nouns_are_unknown_commands(name: str) -> None:
    done = _run(name, "--help")
    assert done.returncode == 2 and f"lessonloop: unknown command '{name}'" in done.stderr


def test_top_is_no_option() -> None:
    for words in (["recall", "git push", "--top", "3"], ["sessions", "--top", "3"]):
        result = cli(*words)
        assert result.exit_code == 2 and "--top" in result.stderr, (words, result.stderr)


def test_a_mistyped_subcommand_names_its_command() -> None:
    result = cli("lessons", "lst")
    assert result.exit_code == 2
    assert result.stderr.startswith("usage: lessonloop lessons ")
    assert "lessonloop lessons: unknown subcommand 'lst'. Did you mean 'list'?" in result.stderr
    assert "Subcommands: list, show, approve" in result.stderr
    runs = cli("runs", "sugest")
    assert "Did you mean 'suggest'?" in runs.stderr  # `runs suggest` is listed under runs


def test_a_mistyped_option_is_suggested() -> None:
    done = _run("sessions", "--jsn")
    assert done.returncode == 2
    assert done.stderr.startswith("usage: lessonloop sessions ")
    assert "lessonloop sessions: unknown option '--jsn'. Did you mean '--json'?" in done.stderr
    assert "Did you mean '--limit'?" in cli("lessons", "list", "--limt", "3").stderr
    assert "Did you mean '--dry-run'?" in cli("cleanup", "--dryrun=1").stderr
    # Options are compared without their dashes: --token is near no option of `sessions`.
    far = cli("sessions", "--token", "x")
    assert far.exit_code == 2 and "unrecognized arguments: --token x" in far.stderr
    assert "Did you mean" not in far.stderr


def test_a_value_out_of_its_choices_gets_the_nearest() -> None:
    result = cli("lessons", "list", "--kind", "usag")
    assert result.exit_code == 2
    assert "invalid choice: 'usag'" in result.stderr and "Did you mean 'usage'?" in result.stderr
    far = cli("lessons", "list", "--kind", "zzzz")
    assert far.exit_code == 2 and "invalid choice: 'zzzz'" in far.stderr and "Did you mean" not in far.stderr


def test_a_secret_typed_as_a_command_is_not_repeated() -> None:
    token = "ghp_" + "a1B2c3D4e5" * 3 + "abcdef"
    done = _run(token)
    assert done.returncode == 2 and token not in done.stderr
    assert "unknown command '[REDACTED" in done.stderr
