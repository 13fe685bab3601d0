"""A command's parser names its handler as "module:function" (cli/common.resolve_handler): every
name the parsers give resolves to a function, and building the parsers imports no handler module
(`lessonloop --help` pays for the parsers only)."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from lessonloop.cli import build_parser
from lessonloop.cli.command_parser import walk
from lessonloop.cli.common import resolve_handler, run_handler


def _handlers() -> dict[str, object]:
    found = {}
    for name, parser in walk(build_parser()):
        handler = parser._defaults.get("handler")
        if handler is not None:
            found[name] = handler
    return found


def test_every_command_has_a_handler_and_each_name_resolves() -> None:
    handlers = _handlers()
    assert {"ingest", "stats", "lessons list", "team push", "runs list", "dataset export"} <= set(handlers)
    named = {command: handler for command, handler in handlers.items() if isinstance(handler, str)}
    assert len(named) > 40, "the parsers name their handlers"
    for command, handler in named.items():
        assert isinstance(handler, str)
        module, colon, function = handler.partition(":")
        assert colon and module.startswith("lessonloop.") and function, (command, handler)
        assert ".handlers." in module, f"{command}: a handler lives in a handlers package, not {module}"
        assert callable(resolve_handler(handler)), (command, handler)


def test_a_function_is_its_own_handler() -> None:
    def handler(_args: object) -> int:
        return 3

    assert resolve_handler(handler) is handler
    assert run_handler(handler, argparse.Namespace()) == 3


def test_a_named_handlers_usage_error_is_said_with_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    # a handler failing with a CommandError is said as `Error: ...` with status 1, named or not
    assert run_handler("lessonloop.cli.handlers.stats:cmd_stats", argparse.Namespace(by=None, breakdown=True)) == 2
    assert "--breakdown goes with --by" in capsys.readouterr().err
    with pytest.raises(AttributeError):
        resolve_handler("lessonloop.cli.common:no_such_handler")


def test_a_named_handlers_command_error_is_said_with_status_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_handler("lessonloop.cli.handlers.show:cmd_show", argparse.Namespace(db="/nonexistent/x.db")) == 1
    assert "Error: no store at /nonexistent/x.db" in capsys.readouterr().err


def test_building_every_parser_imports_no_handler_module() -> None:
    code = (
        "import sys\n"
        "from lessonloop.cli import build_parser\n"
        "build_parser()\n"
        "print(' '.join(sorted(m for m in sys.modules if '.handlers.' in m or m.endswith('.handlers'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == []
