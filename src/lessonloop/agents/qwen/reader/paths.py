"""Where Qwen Code keeps its chats.

Its runtime folder is `$QWEN_RUNTIME_DIR`, else `$QWEN_HOME`, else `~/.qwen` (core's
Storage.getRuntimeBaseDir and getGlobalQwenDir). A project's chats are in
`projects/<cwd with every non-alphanumeric character a dash>/chats/<session id>.jsonl`; beside
them, `<id>.runtime.json` and `<id>.ledger.jsonl` are the CLI's own bookkeeping, not chats.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from lessonloop.capture.adapters import DiscoveryContext, Found

CHAT = "qwen-code-chat"
_NOT_CHATS = (".ledger.jsonl",)


def runtime_folders(environ: Mapping[str, str], home: str) -> list[str]:
    """Qwen Code's runtime folder and, when a variable moves it, the default one too (chats
    written before the variable was set stay there)."""
    given = (environ.get("QWEN_RUNTIME_DIR"), environ.get("QWEN_HOME"))
    folders = [os.path.expanduser(folder) for folder in given if folder]
    folders.append(os.path.join(home, ".qwen"))
    return list(dict.fromkeys(os.path.abspath(folder) for folder in folders))


def searched(context: DiscoveryContext) -> list[str]:
    return [os.path.join(folder, "projects") for folder in runtime_folders(context.environ, context.home)]


def discover(context: DiscoveryContext) -> list[Found]:
    """Every chat under <runtime>/projects/*/chats/."""
    found: list[Found] = []
    for projects in searched(context):
        try:
            folders = sorted(entry.path for entry in os.scandir(projects) if entry.is_dir())
        except OSError:
            continue  # no Qwen Code here
        for folder in folders:
            chats = os.path.join(folder, "chats")
            try:
                names = sorted(entry.name for entry in os.scandir(chats) if entry.is_file())
            except OSError:
                continue
            found.extend(Found(os.path.join(chats, name), CHAT) for name in names if _is_chat(name))
    return found


def claims(path: str) -> str | None:
    """A chat where Qwen Code keeps them (.../projects/<slug>/chats/<id>.jsonl under a folder
    named .qwen), known by its path; None elsewhere (sniffing decides)."""
    parts = os.path.abspath(path).split(os.sep)
    if len(parts) >= 5 and parts[-2] == "chats" and parts[-4] == "projects" and parts[-5] == ".qwen":
        return CHAT if _is_chat(parts[-1]) else None
    return None


def _is_chat(name: str) -> bool:
    return name.endswith(".jsonl") and not name.endswith(_NOT_CHATS)
