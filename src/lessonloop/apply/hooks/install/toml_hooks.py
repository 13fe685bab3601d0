"""Hook files whose hooks are a TOML array of tables, `[[hooks]]`, each naming its event beside
its entry (Kimi Code's config.toml: `event`; Mistral Vibe's hooks.toml: `type`). lessonloop's
tables are those whose command names the hook entry point: install appends them (replacing its
own where they are), uninstall takes them out, and everything else in the file stays as it was,
comments and order included (tomlkit). The original bytes are kept beside the file as every
agent's are (files.py): uninstall gives them back when nothing else changed. For status the file
reads as a flat hook file, `{"hooks": {event: [entry, ...]}}`."""

from __future__ import annotations

import tomllib
from typing import Any

from lessonloop.apply.hooks.command import is_lessonloop_command
from lessonloop.apply.hooks.install import files
from lessonloop.apply.hooks.install.files import Change, HookFileError, Json, read_bytes


def _tables(raw: bytes | None, where: str) -> list[Any]:
    """The `hooks` array of the TOML at `where` ([] when absent); HookFileError when it cannot be read."""
    data = files.parse_toml(raw, where)
    hooks = data.get("hooks", [])
    if not isinstance(hooks, list):
        raise HookFileError(f'{where}: "hooks" is not an array of tables; nothing was changed')
    return hooks


def parse(raw: bytes | None, where: str, key: str) -> Json:
    """The hooks of the file as a flat hook file: {"hooks": {event: [entry, ...]}} ({} when the file
    is absent or holds none); `key` names a table's event."""
    out: dict[str, list[Any]] = {}
    for table in _tables(raw, where):
        if isinstance(table, dict) and isinstance(table.get(key), str):
            out.setdefault(table[key], []).append({k: v for k, v in table.items() if k != key})
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


def plan_install(
    file: str, scope: str, items: dict[str, Json], *, key: str, agent: str, leading: tuple[str, ...] = ()
) -> Change:
    """lessonloop's `[[hooks]]` for the events of `items` (event -> entry) in the TOML at `file`: its
    own tables replaced, everything else kept as it is. Each table is the entry's `leading` keys,
    the event under `key`, then the rest of the entry."""
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
        first = {name: item[name] for name in leading if name in item}
        table.update({**first, key: event, **{k: v for k, v in item.items() if k not in first}})
        if not inline:
            table.add(tomlkit.nl())  # a blank line after each table, as people write them
        hooks.append(table)
    after = _dumps(doc)
    if before is not None and tomllib.loads(after.decode("utf-8")) == tomllib.loads(before.decode("utf-8-sig")):
        after = before  # already there, as they are
    change = Change(file, scope, before, after, list(items), agent=agent)
    files.keep_original(change)
    return change


def plan_uninstall(file: str, scope: str, *, agent: str) -> Change:
    """lessonloop's `[[hooks]]` taken out of the TOML at `file`; its original bytes (or its absence)
    back when nothing else changed since install."""
    before = read_bytes(file)
    change = Change(file, scope, before, before, [], agent=agent)
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
