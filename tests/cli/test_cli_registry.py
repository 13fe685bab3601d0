"""build_parser(only=...) imports and builds the module of the command that runs, and no other: the
list of which module registers which command (cli.command_modules(): the CLI's own, then the
wings') must be what each register() adds."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys

from lessonloop.cli import build_parser, command_modules

MODULES = command_modules()


def test_each_module_registers_the_commands_the_list_names() -> None:
    for module, names in MODULES.items():
        parser = argparse.ArgumentParser()
        commands = parser.add_subparsers()
        importlib.import_module(module).register(commands)
        assert tuple(commands.choices) == names, module


def test_the_whole_parser_has_exactly_the_listed_commands() -> None:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    listed = set[str]().union(*MODULES.values())
    assert set(action.choices) == listed


def test_every_command_parses_its_help_with_only_its_module_built() -> None:
    for name in sorted(set[str]().union(*MODULES.values())):
        parser = build_parser(only=name)
        try:
            parser.parse_args([name, "--help"])
        except SystemExit as exc:
            assert exc.code == 0, name


def test_a_command_imports_no_other_command_module() -> None:
    """`lessonloop recall` as a process: of the command modules, only recall's is imported."""
    code = (
        "import sys\n"
        "from lessonloop.cli import build_parser\n"
        "build_parser(only='recall').parse_args(['recall', 'x'])\n"
        "print(' '.join(sorted(m for m in sys.modules if m.endswith(('_commands', '.cli')))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(done.stdout.split())
    others = set(MODULES) - {"lessonloop.cli.recall_commands"}
    assert "lessonloop.cli.recall_commands" in loaded and not loaded & others, loaded


def test_a_mistyped_command_still_lists_every_listed_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lessonloop", "recal", "x"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert "unknown command 'recal'. Did you mean 'recall'?" in done.stderr
    assert "team" in done.stderr and "ingest" in done.stderr
