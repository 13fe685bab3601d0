"""Where Antigravity keeps its conversations: `${GEMINI_HOME:-~/.gemini}/<lane>/`, a lane per writer
(`antigravity-cli`: the `agy` CLI, its TUI and `agy -p`; `antigravity-acp`: its ACP server;
`antigravity`: the IDE). The store of record is `<lane>/conversations/<uuid>.db` (SQLite of
protobuf blobs): lessonloop reads its tokens (usage.py; not `conversation_summaries.db` nor the
other databases ccusage leaves out, nor the encrypted `.pb` files of agy before 1.0.4), and its
messages and calls from the transcript Antigravity mirrors beside it,
`<lane>/brain/<uuid>/.system_generated/logs/`:

    transcript_full.jsonl                      the steps, tool arguments as they are
    transcript.jsonl                           the same steps, each argument JSON-encoded again
    chunks/transcript_full/00000000.jsonl ...  the same two, in chunks
    chunks/transcript/00000000.jsonl ...

One of them is read a conversation, in this order of preference: the chunks of transcript_full,
transcript_full.jsonl, the chunks of transcript, transcript.jsonl; the others are copies, claimed
as such and not read. `<brain>/<uuid>/.system_generated/subagents/<child>.json` names a
conversation the parent spawned.

Gemini CLI lives in ~/.gemini too (`tmp/<project>/chats/`, moved by $GEMINI_CLI_HOME): nothing
here looks there, and a path is Antigravity's only under `brain/<uuid>/.system_generated/logs/`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from lessonloop.capture.adapters import DiscoveryContext, Found
from lessonloop.core import json_codec

TRANSCRIPT = "antigravity-transcript"
COPY = "antigravity-transcript-copy"
HISTORY = "antigravity-history"
DATABASE = "antigravity-db"
CONVERSATIONS = "conversations"
# Databases in a lane that are no conversation (ccusage's list, rust/adapters/antigravity/src/paths.rs).
NOT_CONVERSATIONS = frozenset({"conversation_summaries.db", "heavy_ad_intervention_opt_out.db", "state.vscdb",
                               "state.vscdb.backup"})  # fmt: skip
LANES = ("antigravity-cli", "antigravity-acp", "antigravity")
BRAIN = "brain"
GENERATED = ".system_generated"
FULL = "transcript_full"
PLAIN = "transcript"
# (chunked, name) best first
VARIANTS = ((True, FULL), (False, FULL), (True, PLAIN), (False, PLAIN))


def gemini_home(environ: Mapping[str, str], home: str) -> str:
    """The ~/.gemini folder Antigravity writes in: $GEMINI_HOME itself when set."""
    given = environ.get("GEMINI_HOME")
    return os.path.expanduser(given) if given else os.path.join(home, ".gemini")


def searched(context: DiscoveryContext) -> list[str]:
    root = gemini_home(context.environ, context.home)
    return [os.path.join(root, lane, folder) for lane in LANES for folder in (BRAIN, CONVERSATIONS)]


def discover(context: DiscoveryContext) -> list[Found]:
    """The transcript files of every conversation of every lane (one variant each), and its
    conversation databases."""
    found: list[Found] = []
    root = gemini_home(context.environ, context.home)
    for lane in LANES:
        for conversation in _folders(os.path.join(root, lane, BRAIN)):
            found.extend(Found(path, TRANSCRIPT) for path in transcript_files(conversation))
        found.extend(Found(path, DATABASE) for path in databases(os.path.join(root, lane, CONVERSATIONS)))
    return found


def databases(folder: str) -> list[str]:
    """The conversation databases of a lane's conversations/ folder (`<uuid>.db`)."""
    try:
        names = sorted(e.name for e in os.scandir(folder) if _conversation_db(e.name) and e.is_file())
    except OSError:
        return []
    return [os.path.join(folder, name) for name in names]


def _conversation_db(name: str) -> bool:
    return name.lower().endswith(".db") and name.lower() not in NOT_CONVERSATIONS


def transcript_files(conversation: str) -> list[str]:
    """The files of the variant read of a conversation folder (brain/<uuid>), chunks in order."""
    logs = os.path.join(conversation, GENERATED, "logs")
    for chunked, name in VARIANTS:
        files = _chunks(os.path.join(logs, "chunks", name)) if chunked else _file(os.path.join(logs, name + ".jsonl"))
        if files:
            return files
    return []


def _chunks(folder: str) -> list[str]:
    try:
        names = sorted(e.name for e in os.scandir(folder) if e.name.endswith(".jsonl") and e.is_file())
    except OSError:
        return []
    return [os.path.join(folder, name) for name in names]


def _file(path: str) -> list[str]:
    return [path] if os.path.isfile(path) else []


def _folders(folder: str) -> list[str]:
    try:
        return sorted(entry.path for entry in os.scandir(folder) if entry.is_dir() and not entry.name.startswith("."))
    except OSError:
        return []


def place(path: str) -> tuple[str, bool, str] | None:
    """(conversation folder, chunked, variant name) of a transcript file at its place
    (`.../brain/<uuid>/.system_generated/logs/[chunks/<name>/]<file>.jsonl`), else None."""
    parts = os.path.abspath(path).split(os.sep)
    if len(parts) < 6 or not parts[-1].endswith(".jsonl"):
        return None
    if parts[-3] == "chunks" and parts[-2] in (FULL, PLAIN):
        logs, chunked, name = len(parts) - 4, True, parts[-2]
    elif parts[-1] in (FULL + ".jsonl", PLAIN + ".jsonl"):
        logs, chunked, name = len(parts) - 2, False, parts[-1].removesuffix(".jsonl")
    else:
        return None
    if logs < 3 or parts[logs] != "logs" or parts[logs - 1] != GENERATED or parts[logs - 3] != BRAIN:
        return None
    if not parts[logs - 2]:
        return None
    return os.sep.join(parts[: logs - 1]), chunked, name


def claims(path: str) -> str | None:
    """A transcript at its place: the variant read of its conversation, or a copy of it (not read);
    a lane's history.jsonl (prompt recall, not read); a lane's conversations/<uuid>.db."""
    found = place(path)
    if found is None:
        parts = os.path.abspath(path).split(os.sep)
        if len(parts) >= 4 and parts[-2] == CONVERSATIONS and parts[-3] in LANES and _conversation_db(parts[-1]):
            return DATABASE
        return HISTORY if len(parts) >= 3 and parts[-1] == "history.jsonl" and parts[-2] in LANES else None
    conversation, chunked, name = found
    for better_chunked, better_name in VARIANTS:
        if (better_chunked, better_name) == (chunked, name):
            return TRANSCRIPT
        logs = os.path.join(conversation, GENERATED, "logs")
        better = (
            _chunks(os.path.join(logs, "chunks", better_name))
            if better_chunked
            else _file(os.path.join(logs, better_name + ".jsonl"))
        )
        if better:
            return COPY
    return TRANSCRIPT


def conversation_id(path: str) -> str | None:
    """The conversation a transcript at its place is (its brain folder's name), else None."""
    found = place(path)
    return os.path.basename(found[0]) if found is not None else None


def chunk_before(path: str) -> str | None:
    """The chunk file before this one in its chunk folder (chunks are numbered 00000000, ...)."""
    found = place(path)
    if found is None or not found[1]:
        return None
    files = _chunks(os.path.dirname(os.path.abspath(path)))
    here = os.path.abspath(path)
    index = files.index(here) if here in files else -1
    return files[index - 1] if index > 0 else None


def parent_of(path: str) -> tuple[str, str | None, str | None] | None:
    """(parent conversation, its role, its type name) of the conversation a transcript at its place
    is, when another conversation of its brain folder names it in `subagents/<child>.json`."""
    found = place(path)
    if found is None:
        return None
    conversation = found[0]
    return parent_in(os.path.dirname(conversation), os.path.basename(conversation))


def parent_in(brain: str, child: str) -> tuple[str, str | None, str | None] | None:
    """(parent conversation, its role, its type name) of conversation `child` when a conversation
    of the brain folder `brain` names it in `subagents/<child>.json`, else None."""
    for other in _folders(brain):
        if os.path.basename(other) == child:
            continue
        link = os.path.join(other, GENERATED, "subagents", child + ".json")
        try:
            with open(link, "rb") as handle:
                data = json_codec.loads(handle.read(1_000_000))
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict):
            continue
        named = data.get("conversationId")
        if named is not None and named != child:
            continue
        descriptor = data.get("subagentDescriptor")
        descriptor = descriptor if isinstance(descriptor, dict) else {}
        role = descriptor.get("role")
        type_name = descriptor.get("typeName")
        return (
            os.path.basename(other),
            role if isinstance(role, str) else None,
            type_name if isinstance(type_name, str) else None,
        )
    return None


def spawned(path: str) -> dict[int, str]:
    """{spawnStepIndex: child conversation} of the sub-agents the conversation of a transcript at its
    place spawned (its `subagents/<child>.json`)."""
    found = place(path)
    if found is None:
        return {}
    folder = os.path.join(found[0], GENERATED, "subagents")
    try:
        names = sorted(e.name for e in os.scandir(folder) if e.name.endswith(".json"))
    except OSError:
        return {}
    links: dict[int, str] = {}
    for name in names:
        try:
            with open(os.path.join(folder, name), "rb") as handle:
                data = json_codec.loads(handle.read(1_000_000))
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict):
            continue
        step = data.get("spawnStepIndex")
        child = data.get("conversationId")
        if type(step) is int and isinstance(child, str) and child:
            links.setdefault(step, child)
    return links
