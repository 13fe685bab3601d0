"""Failures of the moment, not of the call (issue 61, item 5): a timeout, the network, a server
that was down or busy. Once is noise (`git status` timed out): such a failure teaches a lesson only
when it comes back in another session (learning/engine/general_lessons.teaches_now), and the same call sent
again after it is a retry, not a repeat (triggers.SessionState: no "failed moments ago" warning).

Pure; the hooks import it (standard library only)."""

from __future__ import annotations

import re

from lessonloop.core.lazy_regex import LazyRegex

# a command cut by a timeout: the harness's words, `timeout`'s exit 124
TIMED_OUT = LazyRegex(r"timed out after|exceeded the timeout|\bexit(?: code:?)? 124\b", re.IGNORECASE)
# the network or a server failing the call, in the words of curl, git, npm, pip, Node, Go and HTTP
_NETWORK = LazyRegex(
    r"could not resolve host|temporary failure in name resolution|name or service not known|network is unreachable"
    r"|connection (?:refused|reset|timed out)|\b(?:econnreset|econnrefused|etimedout|eai_again|enetunreach)\b"
    r"|socket hang up|tls handshake timeout|i/o timeout|operation timed out|\b(?:502 bad gateway"
    r"|503 service unavailable|504 gateway time-?out|429 too many requests)\b|rate limit(?:ed| exceeded)",
    re.IGNORECASE,
)


def transient_text(text: str | None) -> bool:
    """Whether a failure's output says it failed for the moment (a timeout, the network, a busy or
    down server), within its first 2,000 characters."""
    head = (text or "")[:2000]
    return bool(head) and (TIMED_OUT.search(head) is not None or _NETWORK.search(head) is not None)
