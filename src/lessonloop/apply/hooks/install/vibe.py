"""Mistral Vibe (3.0.2): `[[hooks]]` tables of a hooks.toml, each `{name, type, command, match?,
timeout?, strict?, description?}` (`type` pre_tool, post_tool or post_agent; the name unique;
mistralai_vibe_local_harness/vibe/_hook_config.py, vibe/core/hooks/models.py). The user's file is
$VIBE_HOME/hooks.toml (~/.vibe/hooks.toml); a project's is <project>/.vibe/hooks.toml, which Vibe
reads only in a folder the person trusted: `trusted_folders.toml` in $VIBE_HOME lists `trusted`
and `untrusted` folders, and the closest one holding the project decides (vibe/core/
trusted_folders.py). Vibe asks when the interactive UI first opens an untrusted folder; a headless
run (`vibe -p`) never asks and leaves the project's hooks out, without a word, unless it runs with
`--trust`.

lessonloop's entries are `[[hooks]]` tables whose command names the hook entry point, named
`lessonloop-<type>`; install appends them (replacing its own where they are), uninstall takes them
out, and everything else in the file stays as it was, comments and order included (tomlkit, as
install/kimi.py does). For status the file reads as a flat hook file, `{"hooks": {type: [entry]}}`.
"""

from __future__ import annotations

import os
import sys
import tomllib
from typing import Any

from lessonloop.apply.hooks.command import is_lessonloop_command
from lessonloop.apply.hooks.install import files
from lessonloop.apply.hooks.install.files import Change, HookFileError, Json, read_bytes
from lessonloop.apply.hooks.install.hook_lists import Shape
from lessonloop.apply.hooks.install.spec import AgentSpec, OwnFile, home, teammates_note

SHAPE = Shape(grouped=False)
NOTE = (
    "Mistral Vibe has no hook at a session's start or at a prompt: lessonloop's lessons reach the model when a "
    "lesson stops a call, and after a call. `lessonloop lessons export --agent mistral-vibe` puts them in "
    "AGENTS.md, which Vibe reads at the start (docs/agents/mistral-vibe.md)."
)


def folder() -> str:
    return os.path.expanduser(os.environ.get("VIBE_HOME") or os.path.join(home(), ".vibe"))


def path(scope: str, root: str) -> str:
    return os.path.join(folder() if scope == "user" else os.path.join(root, ".vibe"), "hooks.toml")


def entry(event: str, command: str, seconds: int) -> Json:
    return {"name": f"lessonloop-{event}", "command": command, "timeout": max(1, seconds)}


def _tables(raw: bytes | None, where: str) -> list[Any]:
    """The `hooks` array of the TOML at `where` ([] when absent); HookFileError when it cannot be read."""
    data = files.parse_toml(raw, where)
    hooks = data.get("hooks", [])
    if not isinstance(hooks, list):
        raise HookFileError(f'{where}: "hooks" is not an array of tables; nothing was changed')
    return hooks


def parse(raw: bytes | None, where: str) -> Json:
    """The hooks of a hooks.toml as a flat hook file: {"hooks": {type: [entry, ...]}} ({} when the
    file is absent or holds none)."""
    out: dict[str, list[Any]] = {}
    for table in _tables(raw, where):
        if isinstance(table, dict) and isinstance(table.get("type"), str):
            out.setdefault(table["type"], []).append({k: v for k, v in table.items() if k != "type"})
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
    """lessonloop's `[[hooks]]` for the events of `items` (type -> entry) in the hooks.toml at
    `file`: its own tables replaced, every other hook kept as it is."""
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
        table.update({"name": item["name"], "type": event, **{k: v for k, v in item.items() if k != "name"}})
        if not inline:
            table.add(tomlkit.nl())  # a blank line after each table, as people write them
        hooks.append(table)
    after = _dumps(doc)
    if before is not None and tomllib.loads(after.decode("utf-8")) == tomllib.loads(before.decode("utf-8-sig")):
        after = before  # already there, as they are
    change = Change(file, scope, before, after, list(items), agent="vibe")
    files.keep_original(change)
    return change


def plan_uninstall(file: str, scope: str) -> Change:
    """lessonloop's `[[hooks]]` taken out of the hooks.toml at `file`; its original bytes (or its
    absence) back when nothing else changed since install."""
    before = read_bytes(file)
    change = Change(file, scope, before, before, [], agent="vibe")
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


def trusted(root: str, trust: Json) -> bool | None:
    """Whether trusted_folders.toml's lists trust the folder `root`: the closest folder holding it
    that either list names decides (trusted first, as Vibe reads them); None when none does."""
    lists = {
        verdict: {os.path.abspath(os.path.expanduser(p)) for p in trust.get(key, []) if isinstance(p, str)}
        for key, verdict in (("trusted", True), ("untrusted", False))
        if isinstance(trust.get(key), list)
    }
    current = os.path.realpath(root)
    while True:
        for verdict in (True, False):
            if current in lists.get(verdict, set()):
                return verdict
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def readiness(scope: str, root: str, file: str, data: Json) -> Json | None:
    """Whether Vibe will run the hooks of a project's hooks.toml: only in a folder trusted in its
    trusted_folders.toml (the user's hooks.toml always runs)."""
    if scope != "project":
        return None
    trust_file = os.path.join(folder(), "trusted_folders.toml")
    try:
        trust = files.parse_toml(read_bytes(trust_file), trust_file)
    except HookFileError as exc:
        return {"will_run": False, "why": [f"Vibe's trusted folders cannot be read: {exc}"], "hooks": []}
    if trusted(root, trust):
        return {"will_run": True, "why": [], "hooks": []}
    why = (
        f"Vibe skips this project's .vibe/hooks.toml, without a word: {os.path.realpath(root)} is not trusted in "
        f"{trust_file} (the interactive `vibe` asks when it first opens the folder; `vibe -p` runs with `--trust` "
        "for one run; or add the folder to `trusted` there)"
    )
    return {"will_run": False, "why": [why], "hooks": []}


def notes(scope: str, file: str, data: Json) -> list[str]:
    said = [NOTE]
    if scope == "project":
        said.append(teammates_note(file, sys.executable))
    return said


SPEC = AgentSpec(
    name="vibe",
    label="Mistral Vibe",
    shape=SHAPE,
    scopes=("project", "user"),
    default_scope="project",
    path=path,
    entry=entry,
    folder=folder,
    executables=("vibe",),
    notes=notes,
    docs="mistral-vibe.md",
    readiness=readiness,
    own=OwnFile(parse=parse, plan_install=plan_install, plan_uninstall=plan_uninstall),
)
