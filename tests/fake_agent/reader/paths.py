"""Where Fake Agent keeps its logs: ~/.fake-agent/logs/*.fakelog ($FAKE_AGENT_HOME moves the folder)."""

from __future__ import annotations

import os

from lessonloop.capture.adapters import DiscoveryContext, Found


def logs_folder(context: DiscoveryContext) -> str:
    home = context.environ.get("FAKE_AGENT_HOME") or os.path.join(context.home, ".fake-agent")
    return os.path.join(home, "logs")


def discover(context: DiscoveryContext) -> list[Found]:
    """Every log in its folder; their format is left to sniffing (Found's format None)."""
    folder = logs_folder(context)
    if not os.path.isdir(folder):
        return []
    return [Found(os.path.join(folder, name)) for name in sorted(os.listdir(folder)) if name.endswith(".fakelog")]
