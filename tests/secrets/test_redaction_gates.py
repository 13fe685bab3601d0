"""The redactor's three gates (secrets/anchor_gate.py: the scan of two-byte heads a process starts
with, ahocorasick_rs's contiguous NFA built once the scan's budget is spent, its DFA that
prepare_bulk builds for ingest) find the same matches in the same order and give the same output:
the same texts, the same counts, for texts of every kind of character (all read
`text.encode("ascii", "replace")`, so offsets after non-ASCII characters and lone surrogates must
still be character offsets). The generated anchor table matches the rules."""

from __future__ import annotations

import random
import subprocess
import sys
from collections.abc import Iterator

import pytest

from lessonloop.secrets import anchor_gate, anchors, redaction
from lessonloop.secrets.anchor_table import ANCHORS
from lessonloop.secrets.redaction import SCOPES, redact, redact_tool_input, redact_value
from tests.import_census import modules_imported_by
from tests.secrets.test_redaction import ASSIGNMENTS, CONTEXTS, FORMATS

ODD = ["é", "✓", "日本", "\U0001f600", "\ud800", "\udcff", "?", "\x00", "ß", "İ", "\r\n"]
GLUE = [" ", "=", ": ", '="', "'", '"', "\n", "-", "_", "/", ":", "@", "--", " -u ", "://", "export ", "Bearer "]


def texts() -> Iterator[str]:
    rng = random.Random(13)
    anchors = list(ANCHORS)
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
def gate() -> Iterator[None]:
    """Each test picks its gate (anchor_gate.use); a new process's state after it."""
    try:
        yield
    finally:
        anchor_gate.reset()


@pytest.mark.slow
@pytest.mark.usefixtures("gate")
def test_the_bulk_gate_redacts_exactly_as_the_import_gate() -> None:
    anchor_gate.use("nfa")
    before = outputs()
    assert sum(1 for result in before if isinstance(result, tuple) and result[1]) > 1000  # secrets were found
    redaction.prepare_bulk()
    assert anchor_gate._BULK[0]
    assert outputs() == before


@pytest.mark.slow
@pytest.mark.usefixtures("gate")
def test_the_scan_redacts_exactly_as_the_automaton() -> None:
    anchor_gate.use("nfa")
    before = outputs()
    anchor_gate.use("scan")
    assert not anchor_gate._GATE
    assert outputs() == before
    assert not anchor_gate._GATE  # every text was read by the scan


def test_the_scan_finds_the_automatons_matches_in_its_order() -> None:
    nfa = anchor_gate.automaton(bulk=False)
    overlapping = 0
    for text in texts():
        encoded = text.encode("ascii", "replace")
        expected = [tuple(match) for match in nfa.find_matches_as_indexes(encoded, True)]
        assert anchor_gate.scan(text) == expected, text
        ends = [end for _i, _s, end in expected]
        overlapping += len(ends) != len(set(ends))
    assert overlapping > 100  # matches ending together, whose order the comparison checks


@pytest.mark.usefixtures("gate")
def test_a_process_scans_its_first_texts_then_builds_the_automaton() -> None:
    anchor_gate.reset()
    short = "export GITHUB_TOKEN=ghp_R7kQ2mVx9LpT4wZcR7kQ2mVx9LpT4wZcR7kQ"
    assert redact(short)[1] == 1
    assert not anchor_gate._GATE  # a hook's few short texts: no automaton
    assert redact("x" * anchor_gate.SCAN_BUDGET + " " + short)[1] == 1
    assert anchor_gate._GATE  # past the budget: the NFA, kept for the process
    assert redact(short)[1] == 1


def test_the_anchor_table_matches_the_rules() -> None:
    """secrets/anchor_table.py is generated from the rules: regenerate it when they change."""
    assert anchors.TABLE.read_text(encoding="utf-8") == anchors.table_source(), (
        "secrets/anchor_table.py is out of date: run `python -m lessonloop.secrets.anchors`"
    )


def test_importing_the_redactor_reads_no_rule_module() -> None:
    """A hook imports redaction.py to redact its answer: the rule families wait for an anchor."""

    code = (
        "import sys; import lessonloop.secrets.redaction as r; "
        "print(sorted(m for m in sys.modules if m.startswith('lessonloop.secrets.'))); "
        "r.redact('git push failed: the branch has no upstream, so run it with the upstream flag next time'); "
        "print('lessonloop.secrets.formats' in sys.modules, 'ahocorasick_rs' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded, after = done.stdout.splitlines()
    for family in ("formats", "gitleaks_rules", "gitleaks_data", "cli_flags", "anchors"):
        assert f"lessonloop.secrets.{family}'" not in loaded
    assert after == "False False"


def test_anchors_are_ascii_without_question_marks() -> None:
    """What the DFA's byte offsets rely on (a '?' stands for each non-ASCII character)."""
    assert all(anchor.isascii() and "?" not in anchor for anchor in ANCHORS)


def test_threads_meeting_their_first_anchor_together_redact_alike() -> None:
    """The rule families are imported at the first anchor: threads racing there (the web UI, the
    MCP server) all redact, and the families are set once."""
    from concurrent.futures import ThreadPoolExecutor

    redaction._FAMILIES.clear()
    text = "export GITHUB_TOKEN=ghp_R7kQ2mVx9LpT4wZcR7kQ2mVx9LpT4wZcR7kQ"
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _n: redact(text), range(64)))
    assert all(count == 1 for _text, count in results)
    from lessonloop.secrets.anchor_table import KEY, OWNERS

    named = {f for a, _s, _e in anchor_gate.matches(text, text.encode()) for f, _i in OWNERS[a]} - {KEY}
    assert named and set(redaction._FAMILIES) == named  # the families its anchors name, each once


def test_a_text_imports_only_the_families_its_anchors_name() -> None:
    """A lesson's words ("Pass", "zip ") name the assignments' and the clients' rules: gitleaks'
    rules and data and the formats are not imported for it (about 3 ms of a SessionStart hook)."""
    names = modules_imported_by(
        "from lessonloop.secrets.redaction import redact\n"
        "assert redact('Instead: Pass -z for gzip archives. (seen 15 times)')[1] == 0\n"
        "assert redact('zip -P hunter2secret out.zip notes.txt')[1] == 1\n"
    )
    assert "lessonloop.secrets.cli_flags" in names  # the clients' rules found the zip password
    unneeded = sorted(name for name in names if name.endswith(("gitleaks_rules", "gitleaks_data", ".formats")))
    assert unneeded == [], unneeded
