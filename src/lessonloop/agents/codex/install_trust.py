"""Whether Codex CLI will run a hook now: its trust state, read from Codex's own files.

Codex (0.169) runs a hook that is not managed only once the person has trusted it (`/hooks` in
the TUI, "Trust all and continue"), and a project's `.codex/` layer only in a trusted project. The
trust is kept in the user's config.toml:

    [projects."/abs/project"]
    trust_level = "trusted"

    [hooks.state."<abs hooks file>:<event label>:<group index>:<handler index>"]
    trusted_hash = "sha256:<hex>"

The hash covers the handler as Codex normalizes it (codex-rs hooks/src/engine/discovery.rs
`command_hook_hash`): `{"event_name": label, "matcher": m, "hooks": [{"type": "command", "command",
"timeout": max(1, timeout or 600), "async": bool, "statusMessage" when set}]}` as JSON with sorted
keys and no spaces, sha256 of its UTF-8. A hook whose hash differs from the trusted one is
"modified": Codex skips it without a word. Checked against the real Codex CLI in the real-agent
harness (tests/real_agents/): hooks trusted by these hashes run, and nothing else does.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from lessonloop.apply.hooks.install.files import parse_toml, read_bytes

LABELS = {
    "PreToolUse": "pre_tool_use",
    "PermissionRequest": "permission_request",
    "PostToolUse": "post_tool_use",
    "PreCompact": "pre_compact",
    "PostCompact": "post_compact",
    "SessionStart": "session_start",
    "UserPromptSubmit": "user_prompt_submit",
    "SubagentStart": "subagent_start",
    "SubagentStop": "subagent_stop",
    "Stop": "stop",
}
_NO_MATCHER = frozenset({"UserPromptSubmit", "Stop"})
DEFAULT_TIMEOUT = 600


@dataclass(frozen=True)
class HookTrust:
    """One command hook of a hooks file, and what Codex makes of it now."""

    key: str  # <file>:<label>:<group>:<handler>, Codex's own key
    event: str
    command: str
    hash: str  # what Codex computes for it now
    status: str  # trusted | untrusted | modified | disabled


def trust_hash(event: str, matcher: Any, handler: Mapping[str, Any]) -> str:
    """Codex's `trusted_hash` of one command handler in one matcher group of `event`."""
    timeout = handler.get("timeout")
    normalized: dict[str, Any] = {
        "type": "command",
        "command": handler.get("command", ""),
        "timeout": max(1, int(timeout) if isinstance(timeout, int | float) else DEFAULT_TIMEOUT),
        "async": bool(handler.get("async", False)),
    }
    if handler.get("statusMessage") is not None:
        normalized["statusMessage"] = handler["statusMessage"]
    identity: dict[str, Any] = {"event_name": LABELS[event], "hooks": [normalized]}
    if event not in _NO_MATCHER and matcher is not None:
        identity["matcher"] = matcher
    text = json.dumps(identity, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def command_hooks(source: str, hooks: Mapping[str, Any]) -> Iterator[tuple[str, str, str, str]]:
    """(key, event, command, hash) of every command hook in a hooks file's `hooks` table; `source`
    is the file's absolute path as Codex names it."""
    for event, groups in hooks.items():
        if event not in LABELS or not isinstance(groups, list):
            continue
        for group_index, group in enumerate(groups):
            if not isinstance(group, dict):
                continue
            for handler_index, handler in enumerate(group.get("hooks") or []):
                if isinstance(handler, dict) and handler.get("type") == "command":
                    key = f"{source}:{LABELS[event]}:{group_index}:{handler_index}"
                    yield key, event, str(handler.get("command", "")), trust_hash(event, group.get("matcher"), handler)


def read_config(path: str) -> dict[str, Any]:
    """The user's config.toml (empty when absent); a file Codex could not read either raises
    HookFileError naming it (files.py, as every hook file install reads)."""
    return parse_toml(read_bytes(path), path)


def hook_states(config: Mapping[str, Any], source: str, hooks: Mapping[str, Any]) -> list[HookTrust]:
    """Each command hook of `hooks` (from the file `source`) with its trust in `config`."""
    states = ((config.get("hooks") or {}).get("state") or {}) if isinstance(config.get("hooks"), dict) else {}
    found = []
    for key, event, command, digest in command_hooks(source, hooks):
        state = states.get(key) if isinstance(states, dict) else None
        if isinstance(state, dict) and state.get("enabled") is False:
            status = "disabled"
        elif not isinstance(state, dict) or not state.get("trusted_hash"):
            status = "untrusted"
        elif state.get("trusted_hash") == digest:
            status = "trusted"
        else:
            status = "modified"
        found.append(HookTrust(key, event, command, digest, status))
    return found


def project_trusted(config: Mapping[str, Any], project: str) -> bool:
    """Whether Codex loads `project`'s .codex/ layer: the project's root marked trusted (what
    `codex exec --trust` and the TUI's folder question write)."""
    projects = config.get("projects") or {}
    entry = projects.get(os.path.abspath(project)) if isinstance(projects, dict) else None
    return isinstance(entry, dict) and entry.get("trust_level") == "trusted"


def trust_entries(source: str, hooks: Mapping[str, Any]) -> str:
    """The config.toml lines Codex's "Trust all" writes for these hooks (for tests and docs)."""
    lines = []
    for key, _event, _command, digest in command_hooks(source, hooks):
        lines += [f"[hooks.state.{json.dumps(key)}]", f'trusted_hash = "{digest}"', ""]
    return "\n".join(lines)
