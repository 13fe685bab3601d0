"""How capture/sniffer.py recognizes an Amp thread wherever it is (an `amp threads export` saved to a
file): one JSON object with Amp's revision counter `v`, its `id` and `messages`, and `created` or
`env` (Amp makes a thread as `{v, id, created, messages}`; an export adds `env`, `meta`, `title`)."""

from __future__ import annotations

from collections.abc import Collection

from lessonloop.capture.sniffing import DocumentRule, Sniffing


def _thread(path: str, keys: Collection[str]) -> str | None:
    if {"v", "id", "messages"} <= set(keys) and ("created" in keys or "env" in keys):
        return "amp-thread"
    return None


SNIFFING = Sniffing(documents=(DocumentRule(180, "object", _thread),))
