"""The parser of `lessonloop config` (show, path, get, set, unset; its handler: handlers/config.py),
with its settings listed in the help, and a setting's value as text (value_text)."""

from __future__ import annotations

import argparse
import json

from lessonloop.cli.common import JSON_HELP
from lessonloop.settings.config import SETTINGS, Value


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = "\n".join(f"  {s.key:<28} {s.help} (default {value_text(s.default)})" for s in SETTINGS)
    config = commands.add_parser(
        "config",
        help="show or change the configuration: what is captured, excluded lessons, projects",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Show or change the configuration file ($LESSONLOOP_CONFIG, else\n"
            "$XDG_CONFIG_HOME/lessonloop/config.toml, else ~/.config/lessonloop/config.toml).\n"
            "Without ACTION: show. `set` keeps the file's comments and other content.\n\n"
            f"Settings (docs/privacy.md, docs/runner.md, docs/quality.md, docs/analysis.md):\n{keys}\n\n"
            "[projects] mappings are edited in the file itself (docs/projects.md)."
        ),
    )
    config.add_argument("--json", action="store_true", help=JSON_HELP)
    sub = config.add_subparsers(
        dest="config_command", metavar="ACTION", title="actions", help="show (the default), path, get, set, unset"
    )
    show = sub.add_parser(
        "show",
        help="every setting, its value and whether it comes from the file or the default",
        description="Every setting with its effective value and its source (file or default), and the file's path.",
    )
    _json(show)
    path = sub.add_parser("path", help="where the configuration file is", description="Print the file's path.")
    _json(path)
    get = sub.add_parser(
        "get", help="one setting's value (e.g. capture.enabled)", description="Print one setting's effective value."
    )
    get.add_argument("key", metavar="KEY", help="a dotted setting name, e.g. capture.store_prompts (or: projects)")
    _json(get)
    put = sub.add_parser(
        "set",
        help="change a setting in the file (typed and checked)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Write a setting into the configuration file, keeping its comments and other content.\n"
            "true/false settings take true or false; list settings take a JSON list, or items\n"
            'separated by commas or given as several VALUEs ("" empties the list); durations\n'
            "take a number with a unit (30s, 5m, 2h, 90d):\n\n"
            "  lessonloop config set capture.store_prompts false\n"
            "  lessonloop config set runner.retention 30d\n"
            "  lessonloop config set capture.exclude_projects '~/clients/*, ~/private'\n"
            '  lessonloop config set lessons.exclude_categories \'["git", "files"]\''
        ),
    )
    put.add_argument("key", metavar="KEY", help="a dotted setting name, e.g. capture.enabled")
    put.add_argument("value", nargs="+", metavar="VALUE", help="the new value")
    _json(put)
    unset = sub.add_parser(
        "unset",
        help="remove a setting from the file (it takes its default again)",
        description="Remove a setting from the configuration file: its default applies again.",
    )
    unset.add_argument("key", metavar="KEY", help="a dotted setting name, e.g. capture.enabled")
    _json(unset)
    config.set_defaults(handler="lessonloop.cli.handlers.config:cmd_config")


def _json(parser: argparse.ArgumentParser) -> None:
    # Given before the action (`config --json show`), it is kept: cli.command_parser.
    parser.add_argument("--json", action="store_true", help=JSON_HELP)


def value_text(value: Value) -> str:
    """A value for people: true / false, ["a", "b"], and a duration as written (90d)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return json.dumps(list(value), ensure_ascii=False)
