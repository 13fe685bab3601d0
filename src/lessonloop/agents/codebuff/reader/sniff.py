"""How capture/sniffer.py recognizes a Codebuff chat wherever it is: a JSON array of its screen's
messages, `{id, variant, content, timestamp, blocks?}` (cli/src/types/chat.ts's ChatMessage), its
`variant` one of `user`, `ai`, `agent`, `error`; named `chat-messages.json`."""

from __future__ import annotations

import os
from collections.abc import Collection

from lessonloop.capture.sniffing import DocumentRule, Sniffing


def _chat(path: str, keys: Collection[str]) -> str | None:
    if os.path.basename(path) == "chat-messages.json" and {"id", "variant", "content", "timestamp"} <= set(keys):
        return "codebuff-chat"
    return None


SNIFFING = Sniffing(documents=(DocumentRule(230, "array", _chat),))
