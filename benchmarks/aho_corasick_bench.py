"""The redaction gate's Aho-Corasick library: pyahocorasick against ahocorasick_rs (each of its
automata), on the redactor's own anchors (secrets/anchor_table.py).

Measured: the import of the library in a fresh interpreter (median of 15), building the automaton
from the anchors (median of 30), and finding every anchor, overlapping ones too, in the first
20 M characters of claude-code/spotter's transcripts (median of 3). pyahocorasick left the
dependencies with this measure (issue 25): `pip install pyahocorasick` to run its rows again,
skipped otherwise.

Run: `.venv/bin/python benchmarks/aho_corasick_bench.py [--corpus PATH] [--chars N]`.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from lessonloop.secrets.anchor_table import ANCHORS  # noqa: E402


def median_ms(call: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def import_ms(module: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print((time.perf_counter() - t) * 1000)"
    runs = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout) for _ in range(15)
    ]
    return statistics.median(runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "claude-code" / "spotter")
    parser.add_argument("--chars", type=int, default=20_000_000)
    args = parser.parse_args(argv)
    anchors = list(ANCHORS)
    text = "".join(p.read_text(errors="replace") for p in sorted(args.corpus.rglob("*.jsonl"))[:200])[: args.chars]
    data = text.encode("ascii", "replace")
    print(f"{len(anchors)} anchors, {len(text):,} characters")
    import ahocorasick_rs

    print(f"ahocorasick_rs   import {import_ms('ahocorasick_rs'):.2f} ms")
    encoded = [a.encode("ascii") for a in anchors]
    for name in ("NoncontiguousNFA", "ContiguousNFA", "DFA"):
        kind = getattr(ahocorasick_rs.Implementation, name)

        def build_rs(kind: ahocorasick_rs.Implementation = kind) -> ahocorasick_rs.BytesAhoCorasick:
            return ahocorasick_rs.BytesAhoCorasick(encoded, implementation=kind)

        gate = build_rs()

        def scan_rs(gate: ahocorasick_rs.BytesAhoCorasick = gate) -> object:
            return gate.find_matches_as_indexes(data, True)

        print(f"  {name:16} build {median_ms(build_rs, 30):6.2f} ms   scan {median_ms(scan_rs, 3):8.1f} ms")
    if importlib.util.find_spec("ahocorasick") is None:
        print("pyahocorasick    not installed: skipped")
        return 0
    import ahocorasick

    def build_py() -> Any:
        automaton = ahocorasick.Automaton()
        for index, anchor in enumerate(anchors):
            automaton.add_word(anchor, (index, len(anchor)))
        automaton.make_automaton()
        return automaton

    automaton = build_py()
    print(f"pyahocorasick    import {import_ms('ahocorasick'):.2f} ms")
    scan = median_ms(lambda: len(list(automaton.iter(text))), 3)
    print(f"  {'Automaton':16} build {median_ms(build_py, 30):6.2f} ms   scan {scan:8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
