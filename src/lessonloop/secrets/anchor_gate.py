"""Where the redaction anchors occur in a text: every occurrence of every anchor of
secrets/anchor_table.py, overlapping ones too, as (anchor index, start, end) ordered by end, then
start (the order of an Aho-Corasick automaton's overlapping matches).

Three ways to find them, the same matches from each (tests/secrets/test_redaction_gates.py):
- a scan of the text's two-character heads (the table's dict from each anchor's first two
  characters to the anchors beginning with them): nothing to build, about 0.2 µs a character; a
  process's first SCAN_BUDGET characters are read so (a hook redacts a few short answers:
  building an automaton would cost it more than all its texts). It reads the text itself;
- ahocorasick_rs's contiguous NFA, built once the budget is spent (about 1.5 ms for 1,900
  anchors), and its DFA from prepare_bulk on (ingest: megabytes; about 3 ms more to build, twice
  as fast). Both read the text's bytes, `text.encode("ascii", "replace")` (redaction.py): one
  byte a character, so their offsets are the text's.
"""

from __future__ import annotations

from lessonloop.secrets.anchor_table import ANCHORS, HEADS, SHORT

TYPE_CHECKING = False
if TYPE_CHECKING:
    import ahocorasick_rs

# Characters a process reads by the scan before it builds the automaton (the scan of this many
# costs about what building it does).
SCAN_BUDGET = 16_384

_SCANNED = [0]  # characters read by the scan so far
_BULK = [False]  # prepare_bulk was called
_GATE: list[ahocorasick_rs.BytesAhoCorasick] = []


def matches(text: str, encoded: bytes) -> list[tuple[int, int, int]]:
    """Every occurrence of every anchor in `text` (`encoded`: its bytes, see the module's
    docstring): (anchor index, start, end exclusive)."""
    if _GATE:
        return _GATE[0].find_matches_as_indexes(encoded, True)
    scanned = _SCANNED[0] + len(text)
    if scanned > SCAN_BUDGET:
        _GATE.append(automaton(bulk=False))
        return _GATE[0].find_matches_as_indexes(encoded, True)
    _SCANNED[0] = scanned
    return scan(text)


def scan(text: str) -> list[tuple[int, int, int]]:
    """The matches found by the heads' dict (see the module's docstring). It reads the text
    itself, not its bytes: every anchor is ASCII without `?`, so it matches a character of the
    text where it matches the byte that stands for it."""
    get = HEADS.get
    found: list[tuple[int, int, int]] = []
    for at in range(len(text) - 1):
        bucket = get(text[at : at + 2])
        if bucket is not None:
            for index in bucket:
                anchor = ANCHORS[index]
                if text.startswith(anchor, at):
                    found.append((index, at, at + len(anchor)))
    for index in SHORT:
        anchor = ANCHORS[index]
        at = text.find(anchor)
        while at >= 0:
            found.append((index, at, at + len(anchor)))
            at = text.find(anchor, at + 1)
    if len(found) > 1:
        found.sort(key=_by_end)
    return found


def _by_end(match: tuple[int, int, int]) -> tuple[int, int]:
    return match[2], match[1]


def automaton(bulk: bool) -> ahocorasick_rs.BytesAhoCorasick:
    """The anchors' Aho-Corasick automaton: a DFA for bulk work, else a contiguous NFA."""
    import ahocorasick_rs

    implementation = ahocorasick_rs.Implementation.DFA if bulk else ahocorasick_rs.Implementation.ContiguousNFA
    return ahocorasick_rs.BytesAhoCorasick(
        [anchor.encode("ascii") for anchor in ANCHORS], implementation=implementation
    )


def prepare_bulk() -> None:
    """The DFA from now on (see the module's docstring)."""
    if not _BULK[0]:
        _GATE[:] = [automaton(bulk=True)]
        _BULK[0] = True


def reset() -> None:
    """Back to a new process's state: the scan first, no automaton (for tests)."""
    _GATE.clear()
    _SCANNED[0] = 0
    _BULK[0] = False


def use(gate: str) -> None:
    """Find matches with one way from now on: "scan" (always, whatever the length), "nfa" or
    "dfa" (for tests comparing them)."""
    reset()
    if gate == "scan":
        _SCANNED[0] = -(1 << 62)
    else:
        _GATE.append(automaton(bulk=gate == "dfa"))
        _BULK[0] = gate == "dfa"
