"""Kimi Code (2.1.0): `[[hooks]]` tables of its config.toml ($KIMI_CODE_HOME/config.toml, else
~/.kimi-code/config.toml), each `{event, matcher?, command, timeout?}` (the timeout in seconds, 1 to
600; an empty or missing matcher, a regular expression, matches every call): its
externalHooks/configSection.ts HookDefSchema, which refuses any other key. Kimi Code has no project
config holding hooks (a project's .kimi-code/local.toml holds its extra folders only): the hooks are
the user's, for every project. It reads the file at start and again when it changes.

lessonloop's entries are `[[hooks]]` tables whose command names the hook entry point; install
appends them (replacing its own where they are), uninstall takes them out, and everything else in
the file stays as it was, comments and order included (tomlkit). The original bytes are kept beside
the file as every agent's are (files.py): uninstall gives them back when nothing else changed.
For status the file reads as a flat hook file, `{"hooks": {event: [entry, ...]}}`.
"""

from __future__ import annotations

import os
import tomllib
from typing import Any

from lessonloop.apply.hooks.command import is_lessonloop_command
from lessonloop.apply.hooks.install import files
from lessonloop.apply.hooks.install.files import Change, HookFileError, Json, read_bytes
from lessonloop.apply.hooks.install.hook_lists import Shape
from lessonloop.apply.hooks.install.spec import AgentSpec, OwnFile, home

SHAPE = Shape(grouped=False)
NOTE = (
    "Kimi Code's hooks are the user's, in every project (it has no project file for them). It gives a hook "
    "no way to warn before a call: lessonloop's lessons reach the model with your prompt, and a lesson that "
    "earned it stops a call once (docs/hooks.md, Kimi Code)."
)


def folder() -> str:
    return os.path.expanduser(os.environ.get("KIMI_CODE_HOME") or os.path.join(home(), ".kimi-code"))


def path(scope: str, root: str) -> str:
    return os.path.join(folder(), "config.toml")


def entry(event: str, command: str, seconds: int) -> Json:
    return {"command": command, "timeout": max(1, min(600, seconds))}


def _tables(raw: bytes | None, where: str) -> list[Any]:
    """The `hooks` array of the TOML at `where` ([] when absent); HookFileError when it cannot be read."""
    data = files.parse_toml(raw, where)
    hooks = data.get("hooks", [])
    if not isinstance(hooks, list):
        raise HookFileError(f'{where}: "hooks" is not an array of tables; nothing was changed')
    return hooks


def parse(raw: bytes | None, where: str) -> Json:
    """The hooks of a config.toml as a flat hook file: {"hooks": {event: [entry, ...]}} ({} when the
    file is absent or holds none)."""
    out: dict[str, list[Any]] = {}
    for table in _tables(raw, where):
        if isinstance(table, dict) and isinstance(table.get("event"), str):
            out.setdefault(table["event"], []).append({k: v for k, v in table.items() if k != "event"})
    return {"hooks": out} if out else {}


def _document(raw: bytes | None, where: str) -> Any:
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    _tables(raw, where)  # read first: the same errors as every other reading of the file
    try:
        return tomlkit.parse(raw.decode("utf-8-sig") if raw else "")
    except (TOMLKitError, UnicodeDecodeError) as exc:
        raise HookFileError(f"{where} cannot be read as TOML: {exc}; nothing was changed") from exc


def _without_ours(doc: Any) -> bool:
    """Take lessonloop's tables out of `doc`'s hooks (in place); whether it held any."""
    hooks = doc.get("hooks")
    if hooks is None:
        return False
    gone = [
        i for i, table in enumerate(hooks) if isinstance(table, dict) and is_lessonloop_command(table.get("command"))
    ]
    for i in reversed(gone):
        del hooks[i]
    if gone and len(hooks) == 0:
        del doc["hooks"]
    return bool(gone)


def _dumps(doc: Any) -> bytes:
    import tomlkit

    return tomlkit.dumps(doc).encode("utf-8")


def plan_install(file: str, scope: str, items: dict[str, Json]) -> Change:
    """lessonloop's `[[hooks]]` for the events of `items` (event -> entry) in the config.toml at
    `file`: its own tables replaced, every other setting kept as it is."""
    import tomlkit
    from tomlkit.items import AoT

    before = read_bytes(file)
    doc = _document(before, file)
    _without_ours(doc)
    hooks = doc.get("hooks")
    if hooks is None:
        hooks = tomlkit.aot()
        doc.append("hooks", hooks)
    inline = not isinstance(hooks, AoT)  # `hooks = [{...}, ...]`: inline tables added to it
    for event, item in items.items():
        table = tomlkit.inline_table() if inline else tomlkit.table()
        table.update({"event": event, **item})
        if not inline:
            table.add(tomlkit.nl())  # a blank line after each table, as people write them
        hooks.append(table)
    after = _dumps(doc)
    if before is not None and tomllib.loads(after.decode("utf-8")) == tomllib.loads(before.decode("utf-8-sig")):
        after = before  # already there, as they are
    change = Change(file, scope, before, after, list(items), agent="kimi")
    files.keep_original(change)
    return change


def plan_uninstall(file: str, scope: str) -> Change:
    """lessonloop's `[[hooks]]` taken out of the config.toml at `file`; its original bytes (or its
    absence) back when nothing else changed since install."""
    before = read_bytes(file)
    change = Change(file, scope, before, before, [], agent="kimi")
    if before is None:
        return change
    doc = _document(before, file)
    if not _without_ours(doc):
        return change
    cleaned = _dumps(doc)
    backup, original, notes = files.read_original(file, lambda raw, where: files.parse_toml(raw, where))
    change.notes += notes
    now = tomllib.loads(cleaned.decode("utf-8"))
    if backup is not None and original is not None and now == original:
        existed = not backup.startswith(files.ABSENT_MARKER)
        change.after = backup if existed else None
        change.restored = True
        change.remove_dirs = 0 if existed else backup.count(files.DIR_MARKER)
    else:
        change.after = cleaned
    change.remove_backup = backup is not None
    change.backup_after = False
    return change


def notes(scope: str, file: str, data: Json) -> list[str]:
    return [NOTE]


SPEC = AgentSpec(
    name="kimi",
    label="Kimi Code",
    shape=SHAPE,
    scopes=("user",),
    default_scope="user",
    path=path,
    entry=entry,
    folder=folder,
    executables=("kimi",),
    notes=notes,
    docs="kimi-code.md",
    own=OwnFile(parse=parse, plan_install=plan_install, plan_uninstall=plan_uninstall),
)
