"""Markers per MB of the real corpora, before and after a change of the rules (issue 60).

The shared corpora are public transcripts: a marker there is almost always a false positive (a
commit id, a path, an identifier taken for a secret), and each one costs users a text they can no
longer read. For every source folder (claude-code/spotter, codex/zo-qore, ...) this reads the
texts ingest would redact (benchmarks/redaction_corpus.py's reading, each with its scope), runs
the working tree's redactor and the one at `--ref` (benchmarks/redaction_equality.load_at), and
prints markers per MB for both, and the markers only the working tree makes. `--show N` prints N
of those with their context, for review.

Run: `.venv/bin/python benchmarks/redaction_false_positives.py [--corpus ../shared/corpus] [--ref COMMIT]
[--show N] [--json]`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks.redaction_corpus import corpus_texts  # noqa: E402
from benchmarks.redaction_equality import load_at  # noqa: E402
from lessonloop.secrets import redaction  # noqa: E402

_MARKER = re.compile(r"\[REDACTED:([a-z0-9-]+)\]")


def sources(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.glob("*/*") if p.is_dir() and p.parent.name != "git")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--ref", default="HEAD", help="the rules to compare with (a commit)")
    parser.add_argument("--show", type=int, default=0, help="print this many new markers with context")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    before = load_at(args.ref)
    redaction.prepare_bulk()
    before.prepare_bulk()
    rows = []
    shown: list[str] = []
    new_kinds: Counter[str] = Counter()
    for folder in sources(args.corpus):
        chars = 0
        counts = defaultdict(int)
        for text in corpus_texts(folder):
            chars += len(text.value)
            after_text, after = redaction.redact(text.value, text.scope)
            before_text, was = before.redact(text.value, text.scope)
            counts["after"] += after
            counts["before"] += was
            if after_text != before_text:
                old = Counter(_MARKER.findall(before_text))
                for kind, n in (Counter(_MARKER.findall(after_text)) - old).items():
                    new_kinds[kind] += n
                    counts["new"] += n
                if len(shown) < args.show:
                    for found in _MARKER.finditer(after_text):
                        if found.group(1) not in old:
                            start = max(0, found.start() - 80)
                            # where the marker stands in the text as it was: the same prefix
                            index = text.value.find(after_text[start : found.start()][-30:]) if found.start() else 0
                            snippet = text.value[max(0, index) : max(0, index) + 160] if index >= 0 else ""
                            shown.append(
                                f"{folder.parent.name}/{folder.name} [{text.scope}] {found.group(1)}: {snippet!r}"
                            )
                            break
        mb = chars / 1e6 or 1
        rows.append(
            {
                "source": f"{folder.parent.name}/{folder.name}",
                "mb": round(chars / 1e6, 2),
                "before_per_mb": round(counts["before"] / mb, 2),
                "after_per_mb": round(counts["after"] / mb, 2),
                "new": counts["new"],
            }
        )
    if args.json:
        print(json.dumps({"ref": args.ref, "sources": rows, "new_kinds": dict(new_kinds)}, indent=2))
        return 0
    print(f"| source | MB | markers per MB at {args.ref} | markers per MB now | new markers |")
    print("|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['source']} | {row['mb']} | {row['before_per_mb']} | {row['after_per_mb']} | {row['new']} |")
    print("\nnew markers by kind:", dict(new_kinds.most_common()))
    for line in shown:
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
