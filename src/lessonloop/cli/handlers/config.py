"""`lessonloop config`: show, get, set and unset the settings of the configuration file.

The file keeps its comments and everything else it holds when a setting is written (tomlkit); a
value is checked by the same rules `load_config` applies before the file is replaced.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import tomllib
from typing import Any

from lessonloop.cli.common import CommandError, emit_json
from lessonloop.cli.config_commands import value_text
from lessonloop.settings.config import (
    SETTINGS,
    Config,
    ConfigError,
    Setting,
    Value,
    check_value,
    config_path,
    load_config,
    parse_config,
    setting,
)


def cmd_config(args: argparse.Namespace) -> int:
    action = args.config_command or "show"
    try:
        if action == "path":
            return _path(args)
        if action == "get":
            return _get(args)
        if action == "set":
            return _set(args)
        if action == "unset":
            return _unset(args)
        return show_command(args)
    except ConfigError as exc:
        raise CommandError(str(exc)) from exc


# --- reading -------------------------------------------------------------------------------------


def _load() -> tuple[str, Config]:
    path = config_path()
    return path, load_config(path)


def show_command(args: argparse.Namespace) -> int:
    path, config = _load()
    exists = os.path.isfile(path)
    if args.json:
        emit_json(
            {
                "path": path,
                "exists": exists,
                "settings": {
                    s.key: {
                        "value": _json_value(config.value(s.key)),
                        "source": config.source(s.key),
                        "default": _json_value(s.default),
                    }
                    for s in SETTINGS
                },
                "projects": [{"folder": m.folder, "project": m.project} for m in config.projects],
            }
        )
        return 0
    state = "" if exists else " (no file yet: every setting has its default)"
    lines = [f"Configuration file: {path}{state}", ""]
    width = max(len(s.key) for s in SETTINGS)
    values = {s.key: value_text(config.value(s.key)) for s in SETTINGS}
    value_width = min(40, max(len(v) for v in values.values()))
    for s in SETTINGS:
        lines.append(f"  {s.key:<{width}}  {values[s.key]:<{value_width}}  {config.source(s.key)}")
    lines.append("")
    if config.projects:
        lines.append(f"[projects] ({len(config.projects)} mapping(s), from the file):")
        lines.extend(f"  {json.dumps(m.folder)} = {json.dumps(m.project)}" for m in config.projects)
    else:
        lines.append("[projects]: no mappings (docs/projects.md)")
    print("\n".join(lines))
    return 0


def _path(args: argparse.Namespace) -> int:
    path = config_path()
    if args.json:
        emit_json({"path": path, "exists": os.path.isfile(path)})
    else:
        print(path)
    return 0


def _get(args: argparse.Namespace) -> int:
    path, config = _load()
    key = args.key.strip()
    if key == "projects":
        mappings = [{"folder": m.folder, "project": m.project} for m in config.projects]
        if args.json:
            emit_json({"key": key, "value": mappings, "source": "file" if mappings else "default", "path": path})
        else:
            for m in config.projects:
                print(f"{json.dumps(m.folder)} = {json.dumps(m.project)}")
        return 0
    value = config.value(key)
    if args.json:
        emit_json({"key": key, "value": _json_value(value), "source": config.source(key), "path": path})
    else:
        print(value_text(value))
    return 0


# --- writing -------------------------------------------------------------------------------------


def parse_value(found: Setting, words: list[str]) -> Value:
    """The typed value of `words` for setting `found` (ConfigError when it does not fit)."""
    where = f"lessonloop config set {found.key}"
    if found.kind == "bool":
        text = " ".join(words).strip().lower()
        if len(words) != 1 or text not in ("true", "false"):
            raise ConfigError(f"{where}: takes true or false, not {' '.join(words)!r}")
        return text == "true"
    if found.kind == "duration":
        if len(words) != 1:
            raise ConfigError(f"{where}: takes one duration (30s, 5m, 2h, 90d), not {' '.join(words)!r}")
        return check_value(found, words[0], where)
    raw: Any
    if len(words) == 1 and words[0].strip().startswith(("[", "{")):
        try:
            raw = json.loads(words[0])
        except ValueError as exc:
            raise ConfigError(f"{where}: {words[0]!r} is not a JSON list ({exc})") from exc
    else:
        raw = [item.strip() for word in words for item in word.split(",") if item.strip()]
    return check_value(found, raw, where)


def _set(args: argparse.Namespace) -> int:
    found = setting(args.key)
    value = parse_value(found, list(args.value))
    path, before = _load()  # a file that cannot be used is not written to
    changed = _write(path, found, value)
    return _report(args, path, found, value, "set" if changed else "unchanged", before)


def _unset(args: argparse.Namespace) -> int:
    found = setting(args.key)
    path, before = _load()
    changed = _write(path, found, None)
    _, after = _load()
    return _report(args, path, found, after.value(found.key), "unset" if changed else "not set", before)


def _report(args: argparse.Namespace, path: str, found: Setting, value: Value, what: str, before: Config) -> int:
    if args.json:
        emit_json(
            {
                "key": found.key,
                "value": _json_value(value),
                "previous": _json_value(before.value(found.key)),
                "result": what,
                "path": path,
            }
        )
        return 0
    if what == "set":
        print(f"{found.key} = {value_text(value)} (was {value_text(before.value(found.key))}), in {path}")
    elif what == "unchanged":
        print(f"{found.key} is already {value_text(value)} in {path}")
    elif what == "unset":
        print(f"{found.key} removed from {path}: its default applies ({value_text(value)})")
    else:
        print(f"{found.key} is not set in {path}: its default applies ({value_text(value)})")
    return 0


_NEW_FILE_HEADER = (
    "# lessonloop configuration: `lessonloop config show` lists every setting.\n"
    "# See docs/privacy.md ([capture], [lessons], [privacy]), docs/runner.md ([runner]), docs/quality.md\n"
    "# ([retention]), docs/analysis.md ([analysis]) and docs/projects.md ([projects]).\n"
)


def _write(path: str, found: Setting, value: Value | None) -> bool:
    """Set (or, with None, remove) one setting in the file at `path`, keeping everything else;
    returns whether the file changed. The result is checked by `load_config`'s rules first."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError
    from tomlkit.items import Comment, Table

    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        text = ""
    except OSError as exc:
        raise ConfigError(f"cannot read the configuration {path}: {exc.strerror or exc}") from exc
    try:
        doc = tomlkit.parse(text)
    except TOMLKitError as exc:
        raise ConfigError(f"the configuration {path} is not valid TOML: {exc}") from exc
    section: Any = doc.get(found.section)
    if value is None:
        if section is None or found.name not in section:
            return False
        del section[found.name]
        comments = isinstance(section, Table) and any(isinstance(item, Comment) for _, item in section.value.body)
        if isinstance(section, Table) and len(section) == 0 and not comments:
            del doc[found.section]
    else:
        if section is None:
            section = tomlkit.table()
            doc[found.section] = section
        elif not isinstance(section, dict):
            raise ConfigError(f"the configuration {path}: [{found.section}] must be a table of settings")
        if found.name in section and _same(section[found.name], value):
            return False
        if isinstance(value, tuple):
            items = tomlkit.array()
            items.extend(value)
            section[found.name] = items
        else:
            section[found.name] = value
    new_text = tomlkit.dumps(doc)
    if not text.strip() and value is not None:
        new_text = _NEW_FILE_HEADER + ("\n" if not new_text.startswith("\n") else "") + new_text
    parse_config(tomllib.loads(new_text), path, new_text)  # the file stays usable, or nothing is written
    _replace(path, new_text)
    return True


def _same(current: Any, value: Value) -> bool:
    unwrapped = current.unwrap() if hasattr(current, "unwrap") else current
    if isinstance(value, tuple):
        return isinstance(unwrapped, list) and tuple(unwrapped) == value
    if isinstance(value, str):
        return isinstance(unwrapped, str) and unwrapped == value
    return unwrapped is value


def _replace(path: str, text: str) -> None:
    """Write `text` to `path` atomically (a temporary file beside it, then rename), keeping the
    file's permissions; through a symbolic link, its target is written."""
    target = os.path.realpath(path)
    folder = os.path.dirname(target)
    tmp = f"{target}.{os.getpid()}.tmp"
    try:
        os.makedirs(folder, exist_ok=True)
        mode = None
        with contextlib.suppress(FileNotFoundError):
            mode = os.stat(target).st_mode & 0o7777
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise ConfigError(f"cannot write the configuration {path}: {exc.strerror or exc}") from exc


# --- values as text ------------------------------------------------------------------------------


def _json_value(value: Value) -> bool | list[str] | str:
    return value if isinstance(value, bool | str) else list(value)
