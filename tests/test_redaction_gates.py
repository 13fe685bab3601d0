"""The redactor's two gates (secrets/redaction.py: ahocorasick_rs's contiguous NFA built on import,
its DFA that prepare_bulk builds for ingest) give the same output: the same
texts, the same counts, for texts of every kind of character
(both read `text.encode("ascii", "replace")`, so offsets after non-ASCII characters and lone surrogates
must still be character offsets)."""

from __future__ import annotations

import random
from collections.abc import Iterator

import ahocorasick_rs
import pytest

from lessonloop.secrets import redaction
from lessonloop.secrets.redaction import SCOPES, redact, redact_tool_input, redact_value
from tests.test_redaction import ASSIGNMENTS, CONTEXTS, FORMATS

ODD = ["é", "✓", "日本", "\U0001f600", "\ud800", "\udcff", "?", "\x00", "ß", "İ", "\r\n"]
GLUE = [" ", "=", ": ", '="', "'", '"', "\n", "-", "_", "/", ":", "@", "--", " -u ", "://", "export ", "Bearer "]


def texts() -> Iterator[str]:
    rng = random.Random(13)
    anchors = list(redaction._ANCHORS)
    samples = [*FORMATS.values(), *(template.format(s=secret) for template, secret in CONTEXTS.values())]
    samples += [text for text, _secret, _kind, _scopes in ASSIGNMENTS]
    for sample in samples:
        yield sample
        yield rng.choice(ODD) * 3 + sample  # the secret after multi-byte characters
        yield "".join(rng.choice(ODD) + ch for ch in sample)  # odd characters inside it
    for _ in range(3000):
        pieces = [rng.choice(anchors), rng.choice(ODD), rng.choice(GLUE), rng.choice(samples)[: rng.randint(1, 40)]]
        yield "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))


def outputs() -> list[object]:
    out: list[object] = []
    for text in texts():
        out.extend(redact(text, scope) for scope in SCOPES)
        out.append(redact_value({"key": text, "password": text, "list": [text]}))
        out.append(redact_tool_input({"command": text, "content": text, "description": text}))
    return out


@pytest.fixture
def import_gate() -> Iterator[None]:
    saved = redaction._GATE, redaction._BULK
    redaction._GATE = redaction._build_gate(redaction._ANCHORS, ahocorasick_rs.Implementation.ContiguousNFA)
    redaction._BULK = False
    try:
        yield
    finally:
        redaction._GATE, redaction._BULK = saved


@pytest.mark.slow
@pytest.mark.usefixtures("import_gate")
def test_the_bulk_gate_redacts_exactly_as_the_import_gate() -> None:
    before = outputs()
    assert sum(1 for result in before if isinstance(result, tuple) and result[1]) > 1000  # secrets were found
    redaction.prepare_bulk()
    assert redaction._BULK
    assert outputs() == before


def test_anchors_are_ascii_without_question_marks() -> None:
    """What the DFA's byte offsets rely on (a '?' stands for each non-ASCII character)."""
    assert all(anchor.isascii() and "?" not in anchor for anchor in redaction._ANCHORS)
