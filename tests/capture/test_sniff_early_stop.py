"""Sniffing a JSON document stops reading its head once the answer is Gemini's (capture/sniffer.py
_json_document: the first rule of the document's shape, agents/gemini/reader/sniff.py's, is final and
holds): the answer must be the one reading the whole head gives, for every real JSON file of the
corpora, for their heads cut anywhere, and for documents whose keys come in any order, before and
after the 4,000 tokens sniffing looks at."""

from __future__ import annotations

import itertools
import json
import random

import pytest

from lessonloop.capture import sniffer
from tests.conftest import SHARED_CORPUS


def full_read(path: str, head: bytes) -> str | None:
    """_json_document as it answers after reading the whole head (no early stop)."""
    return sniffer._json_document(path, head, stop_early=False)


def heads() -> list[tuple[str, bytes]]:
    out: list[tuple[str, bytes]] = []
    for path in sorted(SHARED_CORPUS.rglob("*.json")):
        head = path.read_bytes()[: sniffer.HEAD_BYTES]
        out.append((str(path), head))
        for cut in (1, 10, 30, 64, 100, 200, 1000, 5000):
            out.append((str(path), head[:cut]))
    return out


def made_documents() -> list[tuple[str, bytes]]:
    """Gemini-like chats, prompt logs and OpenCode-like files with the keys in every order, a long
    message list between them, and keys of the same names nested deeper."""
    rng = random.Random(5)
    messages = [{"id": f"m{i}", "type": "user", "content": "x " * rng.randint(1, 30)} for i in range(900)]
    keys = ["sessionId", "projectHash", "messages", "startTime", "sessionID", "messageID", "role", "id", "time"]
    out: list[tuple[str, bytes]] = []
    for size in (1, 2, 3):
        for chosen in itertools.permutations(keys, size):
            doc: dict[str, object] = {}
            for key in chosen:
                doc[key] = messages if key == "messages" else {"sessionId": "nested"} if key == "time" else "v"
            text = json.dumps(doc).encode()
            out.append(("/tmp/chats/session-x.json", text))
            out.append(("/home/u/.local/share/opencode/storage/session/p/ses_1.json", text))
            out.append(("/tmp/chats/logs.json", json.dumps([doc]).encode()))
    for first in (["messageId", "message"], ["sessionId"], ["message", "sessionId"]):
        log = [dict.fromkeys(first, "v") | {"messages": messages[:200]} | {"sessionId": "s", "messageId": "0"}]
        out.append(("/tmp/logs.json", json.dumps(log).encode()))
    return out


@pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason="the shared corpus is not here")
def test_real_json_files_and_their_cut_heads() -> None:
    checked = heads()
    assert len(checked) > 50
    answers = set()
    for path, head in checked:
        answer = sniffer._json_document(path, head)
        assert answer == full_read(path, head), (path, len(head))
        answers.add(answer)
    assert "gemini-chat" in answers and "opencode-storage" in answers  # both ways of answering were seen


@pytest.mark.slow
def test_keys_in_every_order_and_beyond_the_token_limit() -> None:
    answers = set()
    for path, text in made_documents():
        head = text[: sniffer.HEAD_BYTES]
        answer = sniffer._json_document(path, head)
        assert answer == full_read(path, head), (path, head[:200])
        answers.add(answer)
    assert {"gemini-chat", "gemini-logs", "opencode-storage", None} <= answers
