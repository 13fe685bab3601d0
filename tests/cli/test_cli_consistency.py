"""One rule for every command of the real parser tree: --db and --json wherever they make sense
(README, "Commands"), options given before a subcommand kept, an unknown option reported with the
usage of the (sub)command it was given to, and listings that say why they are empty."""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from lessonloop.cli import build_parser
from lessonloop.cli.command_parser import option_dests, subcommands, walk
from lessonloop.store import open_store
from tests.conftest import cli
from tests.hook_helpers import no_upstream
from tests.transcript_builder import TranscriptBuilder

# Commands without --db, and why: they never open the store.
NO_DB = {
    "hooks install": "writes a Claude Code settings file only",
    "hooks uninstall": "writes a Claude Code settings file only",
    "git uninstall": "removes the git post-commit hook file only",
    "config": "reads and writes the configuration file only",
    "config show": "reads the configuration file only",
    "config path": "prints the configuration file's path",
    "config get": "reads the configuration file only",
    "config set": "writes the configuration file only",
    "config unset": "writes the configuration file only",
    "glossary": "prints what the figures mean, from the code",
}
# Commands without --json, and why: their stdout is a protocol already.
NO_JSON = {
    "hook": "its answer to Claude Code is JSON already",
    "hooks run": "its answer to Claude Code is JSON already (the same command as `hook`)",
    "mcp": "stdout carries the MCP protocol (JSON-RPC)",
}


def _tree() -> dict[str, argparse.ArgumentParser]:
    """Every command and subcommand of the real parser, by its full name (without the root)."""
    return {name: parser for name, parser in walk(build_parser()) if name}


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {option for action in parser._actions for option in action.option_strings}


def test_every_command_has_db_and_json_unless_a_reason_says_why_not() -> None:
    tree = _tree()
    assert {"sessions", "lessons list", "runs show", "forget session", "hook", "mcp", "runs suggest"} <= set(tree)
    missing = []
    for name, parser in tree.items():
        options = _options(parser)
        if "--db" not in options and name not in NO_DB:
            missing.append(f"{name}: no --db")
        if "--json" not in options and name not in NO_JSON:
            missing.append(f"{name}: no --json")
        if name in NO_DB:
            assert "--db" not in options, f"{name} has --db now: drop it from NO_DB"
        if name in NO_JSON:
            assert "--json" not in options, f"{name} has --json now: drop it from NO_JSON"
    assert not missing, (
        "a command without --db or --json (or add it, with a reason, to NO_DB / NO_JSON):\n" + "\n".join(missing)
    )
    assert set(NO_DB) <= set(tree) and set(NO_JSON) <= set(tree)  # no reason for a command that is gone


def test_how_many_is_said_one_way() -> None:
    """Every "how many" option is `-n N` / `--limit N` (issue 30): no command's help offers
    another spelling (`--top` is gone: issue 45), and -n is never something else."""
    found = []
    for name, parser in _tree().items():
        for action in parser._actions:
            shown = action.help != argparse.SUPPRESS
            strings = set(action.option_strings)
            if shown and strings & {"--top", "--count", "--max"}:
                found.append(f"{name}: {'/'.join(action.option_strings)}")
            if "-n" in strings and strings != {"-n", "--limit"}:
                found.append(f"{name}: -n is {'/'.join(action.option_strings)}")
    assert not found, found
    assert {"recall", "files predict", "report", "sessions", "runs"} <= {
        name for name, parser in _tree().items() if "--limit" in _options(parser)
    }


def test_every_option_has_a_help_text_and_every_command_a_description() -> None:
    for name, parser in _tree().items():
        for action in parser._actions:
            if not isinstance(action, argparse._HelpAction):
                assert action.help, f"{name} {action.option_strings or action.dest} has no help text"
        assert parser.description, f"{name} has no description"


def _required_words(parser: argparse.ArgumentParser) -> list[str]:
    """Values for the positionals a (sub)command requires: a number fits every one of them; and its
    required options, each with its first choice or a number."""
    words = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            continue
        if action.option_strings:
            if action.required:
                words += [action.option_strings[-1], str(next(iter(action.choices))) if action.choices else "1"]
            continue
        if action.nargs in (None, "+", 1):
            words.append("1")
    return words


def _pairs() -> list[tuple[str, str, str]]:
    """(command, subcommand, option) for each option a command shares with its subcommand."""
    found = []
    for name, parser in walk(build_parser()):
        parent = option_dests(parser)
        for sub_name, sub in subcommands(parser):
            for action in option_dests(sub).values():
                if action.dest in parent:  # each option of the dest (--bandit and --no-bandit share one)
                    found += [
                        (name, sub_name, a.option_strings[-1])
                        for a in sub._actions
                        if a.option_strings and a.dest == action.dest
                    ]
    return found


def _a_value(action: argparse.Action) -> str:
    """A value the option takes: its first choice, else a number, else a date (--since and --until
    take no bare number)."""
    if action.choices:
        return str(next(iter(action.choices)))
    for word in ("7", "2026-11-07"):
        try:
            if callable(action.type):
                action.type(word)
        except argparse.ArgumentTypeError:
            continue
        return word
    raise AssertionError(f"no sample value for {action.option_strings}")


@pytest.mark.parametrize(("command", "sub", "option"), _pairs())
def test_an_option_given_before_the_subcommand_is_kept(command: str, sub: str, option: str) -> None:
    parser = build_parser()
    sub_parser = dict(walk(parser))[f"{command} {sub}".strip()]
    action = next(a for a in sub_parser._actions if option in a.option_strings)
    word = _a_value(action)
    value = [] if action.nargs == 0 else [word]
    args = parser.parse_args([*command.split(), option, *value, sub, *_required_words(sub_parser)])
    if isinstance(action, argparse._StoreConstAction):  # store_true too
        expected = action.const
    else:
        expected = True if action.nargs == 0 else (action.type(word) if callable(action.type) else word)
    assert getattr(args, action.dest) == expected, f"`{command} {option} {sub}` lost {option}"
    # ... and one given after the subcommand still counts.
    after = parser.parse_args([*command.split(), sub, *_required_words(sub_parser), option, *value])
    assert getattr(after, action.dest) == expected


def test_the_json_given_before_the_subcommand_gives_json(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    open_store(db).close()
    assert cli("lessons", "--db", db, "--json", "list").json() == []  # was a table, of the default store
    assert cli("analyze", "--db", db, "--json", "stats").json()["sessions"] == 0


@pytest.mark.parametrize("name", sorted(name for name in _tree() if name != "run"))
def test_an_unknown_option_shows_the_usage_of_its_own_subcommand(name: str) -> None:
    parser = dict(walk(build_parser()))[name]
    result = cli(*name.split(), *_required_words(parser), "--no-such-option")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"usage: lessonloop {name} "), result.stderr
    assert f"lessonloop {name}: error: unrecognized arguments: --no-such-option" in result.stderr


def test_the_real_command_shows_the_subcommands_usage() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lessonloop", "lessons", "list", "--bogus"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert done.stderr.startswith("usage: lessonloop lessons list [-h]"), done.stderr
    assert "lessonloop lessons list: error: unrecognized arguments: --bogus" in done.stderr
    top = subprocess.run([sys.executable, "-m", "lessonloop", "--bogus"], capture_output=True, text=True, check=False)
    assert top.returncode == 2 and top.stderr.startswith("usage: lessonloop [-h]")


# --- --db where it was missing ------------------------------------------------------------------


def test_hook_db_puts_the_hook_on_that_store(tmp_path: Path) -> None:
    """`lessonloop hook EVENT --db PATH` (the real command, served before any parser) records in
    PATH, not in $LESSONLOOP_DB."""
    given, other = tmp_path / "given" / "lessonloop.db", tmp_path / "other" / "lessonloop.db"
    payload = {
        "session_id": "5e551011-0000-4000-8000-000000000001",
        "transcript_path": str(tmp_path / "t.jsonl"),
        "cwd": str(tmp_path),
        "hook_event_name": "PostToolUseFailure",
        "tool_name": "Bash",
        "tool_input": {"command": "git push"},
        "tool_use_id": "toolu_db_option_0001",
        "error": no_upstream("main"),
        "is_interrupt": False,
    }
    env = dict(os.environ, LESSONLOOP_DB=str(other), LESSONLOOP_HOOK_FOREGROUND="1")
    for db_words in (["--db", str(given)], [f"--db={given}"]):
        done = subprocess.run(
            [sys.executable, "-m", "lessonloop", "hook", "PostToolUseFailure", *db_words],
            input=json.dumps(payload).encode(),
            capture_output=True,
            env=env,
            check=False,
        )
        assert done.returncode == 0 and done.stdout == b"", done.stderr
    assert not other.exists() and not (other.parent / "hook-failures.log").exists()
    with sqlite3.connect(given) as conn:
        calls = conn.execute("SELECT id FROM live_calls").fetchall()
    assert calls == [("toolu_db_option_0001",)]
    assert not (given.parent / "hook-failures.log").exists()


def test_hook_help_is_the_help_not_a_hook_waiting_for_stdin() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lessonloop", "hook", "--help"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.startswith("usage: lessonloop hook") and "--db PATH" in done.stdout


def test_forget_db_before_what(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    t = TranscriptBuilder()
    t.prompt("hello")
    t.write(tmp_path / "in" / f"{t.session_id}.jsonl")
    assert cli("ingest", "--db", db, "--no-analyze", tmp_path / "in").exit_code == 0
    plan = cli("forget", "--db", db, "--json", "session", t.session_id[:8], "--dry-run").json()
    assert plan["sessions"] == [t.session_id] and plan["dry_run"] is True


# --- empty listings -----------------------------------------------------------------------------


@pytest.fixture
def two_sessions(tmp_path: Path) -> Path:
    db = tmp_path / "store.db"
    for cwd in ("/home/dev/alpha", "/home/dev/beta"):
        t = TranscriptBuilder(cwd=cwd)
        t.prompt("push the branch")
        t.bash("git push", no_upstream("feature"), exit_code=128)
        t.bash("git push --set-upstream origin feature", "branch 'feature' set up to track 'origin/feature'")
        t.write(tmp_path / "in" / f"{t.session_id}.jsonl")
    assert cli("ingest", "--db", db, tmp_path / "in").exit_code == 0
    return db


def test_an_empty_store_says_nothing_is_stored_yet(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    open_store(db).close()
    assert cli("sessions", "--db", db).output.startswith("No sessions stored yet.")
    alpha = cli("sessions", "--db", db, "-p", "alpha")
    assert alpha.exit_code == 2 and "no project matches 'alpha': the store holds no project yet" in alpha.stderr
    assert cli("lessons", "list", "--db", db, "--kind", "manual").output.startswith("No lessons stored yet.")
    assert cli("recall", "--db", db, "git push").output.startswith("No lessons stored yet")
    assert cli("runs", "--db", db, "--command", "pytest").output.startswith("No runs recorded yet.")
    assert cli("runs", "patterns", "--db", db).output.startswith("No runs recorded yet.")


def test_a_filter_that_matches_nothing_says_so_and_what_is_stored(two_sessions: Path) -> None:
    db = two_sessions
    # A --project naming no stored project is a usage error naming them (docs/projects.md).
    for command in (["sessions"], ["stats"], ["report"], ["analyze", "stats"], ["analyze"], ["sessions", "--json"]):
        result = cli(*command, "--db", db, "-p", "gamma")
        assert result.exit_code == 2, command
        assert "no project matches 'gamma'; the stored projects are: " in result.stderr, command
    zero = cli(
        "sessions", "--db", db, "-n", "0"
    )  # no "most recent 0": a usage error (tests/capture/test_zero_counts.py)
    assert zero.exit_code == 2 and "must be 1 or more: 0" in zero.stderr


def test_lessons_list_names_every_filter_that_left_nothing(two_sessions: Path, tmp_path: Path) -> None:
    db = two_sessions
    assert cli("lessons", "list", "--db", db, "--json", "--status", "all").json()  # something is stored
    text = cli("lessons", "list", "--db", db, "--kind", "manual", "-q", "nothing like this").output
    assert text.startswith(
        "No lesson matches --status 'active,pending', --kind 'manual', --query 'nothing like this'; "
    )
    assert "stored (" in text and "--status all" in text


def test_recall_tells_no_lesson_to_recall_from_from_nothing_scoring(two_sessions: Path) -> None:
    db = two_sessions
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE lessons SET status = 'archived'")
    text = cli("recall", "--db", db, "git push").output
    assert text.startswith("No active lesson to recall from ("), text
    assert cli("recall", "--db", db, "--all", "quantum entanglement").output.startswith(
        "Nothing passed the minimum score"
    )


def test_runs_with_a_filter_that_matches_nothing(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    env = dict(os.environ, LESSONLOOP_DB=str(db))
    env.pop("LESSONLOOP_NO_TELEMETRY", None)
    subprocess.run([sys.executable, "-m", "lessonloop", "run", "-q", "--", "true"], env=env, check=True)
    text = cli("runs", "--db", db, "--command", "cargo").output
    assert text.startswith("No run matches --command 'cargo'; 1 run recorded"), text
    assert "true" in cli("runs", "--db", db).output


# --- suggest: lessonloop's options among the command's words -----------------------------------


@pytest.fixture
def recorded_runs(tmp_path: Path) -> Path:
    db = tmp_path / "store.db"
    env = dict(os.environ, LESSONLOOP_DB=str(db))
    env.pop("LESSONLOOP_NO_TELEMETRY", None)
    for _ in range(2):
        subprocess.run([sys.executable, "-m", "lessonloop", "run", "-q", "--", "echo", "--json"], env=env, check=True)
        subprocess.run([sys.executable, "-m", "lessonloop", "run", "-q", "--", "echo", "hello"], env=env, check=True)
    return db


def test_suggest_takes_json_and_db_after_the_command_words(recorded_runs: Path) -> None:
    after = cli("runs", "suggest", "echo", "hello", "--json", "--db", recorded_runs)
    assert after.exit_code == 0, after.stderr
    data = after.json()
    assert data["command"] == "echo hello" and data["runs"] == 2
    assert cli("runs", "suggest", "echo", "hello", f"--db={recorded_runs}", "--json").json() == data
    assert cli("runs", "suggest", "--json", "--db", recorded_runs, "echo", "hello").json() == data


@pytest.mark.slow
def test_suggest_after_a_double_dash_every_word_is_the_commands(recorded_runs: Path) -> None:
    data = cli("runs", "suggest", "--db", recorded_runs, "--json", "--", "echo", "--json").json()
    assert data["command"] == "echo --json" and data["runs"] == 2
    text = cli("runs", "suggest", "--db", recorded_runs, "--", "echo", "--json")
    assert text.exit_code == 0 and "`echo --json`: 2 recorded run(s)" in text.output  # a table, not JSON
    quoted = cli("runs", "suggest", "--db", recorded_runs, "--json", "echo --json").json()
    assert quoted["command"] == "echo --json"
    missing = cli("runs", "suggest", "echo", "--db")
    assert missing.exit_code == 1 and "--db needs a PATH" in missing.stderr


def test_only_the_command_run_is_built_and_the_help_is_the_same() -> None:
    """main() builds the parser of the command it runs, and the others by name and help only
    (issue 27, item 7); what any --help says is the same as the whole parser's."""
    from lessonloop.cli.command_parser import subcommands

    whole = build_parser()
    assert build_parser("").format_help() == whole.format_help()
    full = dict(subcommands(whole))
    for name, parser in full.items():
        alone = dict(subcommands(build_parser(name)))
        assert alone[name].format_help() == parser.format_help(), name
        others = [other for other in alone if other != name]
        assert all(not alone[other]._actions for other in others), name  # not built: no option, not even -h
