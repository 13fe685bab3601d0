"""Markers per MB of the real corpora: what issue 60's structural rules add, and against an
earlier version of the redactor.

The shared corpora are public transcripts: a marker there is almost always a false positive (a
commit id, a path, an identifier taken for a secret), and each one costs users a text they can no
longer read. For every source folder (claude-code/spotter, codex/zo-qore, ...) this reads the
texts ingest would redact (benchmarks/redaction_corpus.py's reading, each with its scope, without
ids, signatures and encrypted reasoning, which ingest does not store as text) and
prints markers per MB:

- `anchored`: the anchored rules only (secrets/redaction.STRUCTURAL off);
- `now`: every rule, the structural ones and the decoded views included, and the learned last
  pass (secrets/learned_tokens.py);
- `learned`: the markers of that pass alone (`likely-secret`); `--weights PATH` runs it with weights
  trained without some corpus sources (scripts/train_secret_model.py `--sources`), whose figure is
  then the held-out one;
- `before` (with `--before-src PATH`, the `src` folder of a checkout of an earlier commit, e.g.
  `git worktree add /tmp/before COMMIT`): that version's redactor, run in a subprocess.

`--show N` prints N of the markers only the structural rules make, with their context.

`--time ROUNDS` also times the anchored rules, every rule without the learned pass, and every rule
with it over the texts read, interleaved.

Run: `.venv/bin/python benchmarks/redaction_false_positives.py [--corpus ../shared/corpus]
[--before-src /tmp/before/src] [--limit-mb N] [--show N] [--time ROUNDS] [--weights PATH] [--json]`.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_SRC = next((sys.argv[i + 1] for i, a in enumerate(sys.argv[:-1]) if a == "--src"), str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, _SRC)

# the redactor first: benchmarks/redaction_corpus.py puts this checkout's src/ first on sys.path
from lessonloop.secrets import redaction  # noqa: E402, I001
from benchmarks import redaction_corpus  # noqa: E402
from benchmarks.redaction_corpus import corpus_texts  # noqa: E402

_MARKER = re.compile(r"\[REDACTED:([a-z0-9-]+)\]")
# What ingest never stores as a text: ids, a reply's signature, encrypted reasoning.
redaction_corpus.SKIPPED_KEYS.update(
    {"signature", "encrypted_content", "id", "uuid", "parentUuid", "sessionId", "requestId", "tool_use_id",
     "call_id", "message_id", "leafUuid", "thoughtSignature", "messageID", "sessionID", "parentID", "callID"}
)  # fmt: skip


def sources(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.glob("*/*") if p.is_dir() and p.parent.name != "git")


def count_only(corpus: Path, limit_mb: float = 0.0) -> dict[str, list[float]]:
    """Per source: [characters, markers] with the redactor this process imported."""
    redaction.prepare_bulk()
    out: dict[str, list[float]] = {"_redactor": [str(redaction.__file__)]}  # type: ignore[list-item]
    for folder in sources(corpus):
        chars = markers = 0
        for text in corpus_texts(folder):
            if limit_mb and chars > limit_mb * 1e6:
                break
            chars += len(text.value)
            markers += redaction.redact(text.value, text.scope)[1]
        out[f"{folder.parent.name}/{folder.name}"] = [chars, markers]
    return out


def time_both(texts: list[tuple[str, str]], rounds: int) -> dict[str, float]:
    """The redactor with and without the structural rules over the same texts, interleaved."""
    import statistics
    import time

    modes = {"anchored": (False, False), "rules": (True, False), "now": (True, True)}
    runs: dict[str, list[float]] = {mode: [] for mode in modes}
    for _ in range(rounds):
        for mode, (structural, learned) in modes.items():
            redaction.STRUCTURAL, redaction.LEARNED = structural, learned
            started = time.perf_counter()
            for value, scope in texts:
                redaction.redact(value, scope)  # type: ignore[arg-type]
            runs[mode].append(time.perf_counter() - started)
    redaction.STRUCTURAL = redaction.LEARNED = True
    anchored, rules, now = (statistics.median(runs[mode]) for mode in modes)
    return {
        "mb": round(sum(len(v) for v, _ in texts) / 1e6, 1),
        "anchored_s": round(anchored, 2),
        "rules_s": round(rules, 2),
        "now_s": round(now, 2),
        "ratio": round(now / anchored, 2),
        "learned_ratio": round(now / rules, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--before-src", type=Path, help="the src folder of an earlier checkout")
    parser.add_argument("--src", help=argparse.SUPPRESS)  # the redactor to import (the before run)
    parser.add_argument("--count-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--show", type=int, default=0, help="print this many new markers with context")
    parser.add_argument("--limit-mb", type=float, default=0.0, help="read at most this many MB of each source")
    parser.add_argument(
        "--time",
        type=int,
        default=0,
        metavar="ROUNDS",
        help="also time both redactors over the texts read, interleaved for ROUNDS rounds",
    )
    parser.add_argument(
        "--weights", help="the learned pass's weights from this file (scripts/train_secret_model.py --out)"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.weights:
        from benchmarks.secret_leaks import use_weights

        use_weights(args.weights)
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    if args.count_only:
        print(json.dumps(count_only(args.corpus, args.limit_mb)))
        return 0
    before: dict[str, list[float]] = {}
    if args.before_src is not None:
        import os
        import sysconfig

        # -S: without site's .pth files, whose editable-install finder would import this checkout's
        # lessonloop whatever sys.path says; the libraries come from site-packages on PYTHONPATH
        environment = {**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"]}
        run = subprocess.run(
            [sys.executable, "-S", __file__, "--src", str(args.before_src), "--count-only", "--corpus", str(args.corpus),
             "--limit-mb", str(args.limit_mb)],
            capture_output=True, text=True, check=True, env=environment,
        )  # fmt: skip
        before = json.loads(run.stdout)
        redactor = before.pop("_redactor")[0]
        if not str(redactor).startswith(str(args.before_src)):
            print(f"the earlier redactor was not imported (got {redactor})", file=sys.stderr)
            return 2
    redaction.prepare_bulk()
    rows = []
    timed: list[tuple[str, str]] = []  # (text, scope) of every source, for --time
    shown: list[str] = []
    new_kinds: Counter[str] = Counter()
    for folder in sources(args.corpus):
        name = f"{folder.parent.name}/{folder.name}"
        chars = anchored = now = learned = 0
        for text in corpus_texts(folder):
            if args.limit_mb and chars > args.limit_mb * 1e6:
                break
            chars += len(text.value)
            if args.time:
                timed.append((text.value, text.scope))
            redaction.STRUCTURAL = False
            old_text, old = redaction.redact(text.value, text.scope)
            redaction.STRUCTURAL = True
            new_text, new = redaction.redact(text.value, text.scope)
            anchored += old
            now += new
            learned += new_text.count("[REDACTED:likely-secret]")
            if new_text != old_text:
                added = Counter(_MARKER.findall(new_text)) - Counter(_MARKER.findall(old_text))
                new_kinds.update(added)
                if len(shown) < args.show and added:
                    kind = next(iter(added))
                    at = new_text.find(f"[REDACTED:{kind}]")
                    shown.append(f"{name} [{text.scope}] {kind}: ...{new_text[max(0, at - 100) : at + 60]!r}")
        mb = chars / 1e6 or 1.0
        row = {"source": name, "mb": round(chars / 1e6, 2), "anchored_per_mb": round(anchored / mb, 2)}
        row["now_per_mb"] = round(now / mb, 2)
        row["learned_per_mb"] = round(learned / mb, 2)
        if name in before:
            row["before_per_mb"] = round(before[name][1] / (before[name][0] / 1e6 or 1.0), 2)
        rows.append(row)
    timing = time_both(timed, args.time) if args.time else None
    if args.json:
        print(json.dumps({"sources": rows, "new_kinds": dict(new_kinds), "time": timing}, indent=2))
        return 0
    print("| source | MB | before | anchored rules | now | of which learned |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['source']} | {row['mb']} | {row.get('before_per_mb', '-')} | {row['anchored_per_mb']} |"
            f" {row['now_per_mb']} | {row['learned_per_mb']} |"
        )
    print("\nmarkers the structural rules add, by kind:", dict(new_kinds.most_common()))
    if timing is not None:
        print(
            f"\ntime over {timing['mb']} MB, median of {args.time} rounds: anchored rules {timing['anchored_s']} s,"
            f" every rule {timing['rules_s']} s, and the learned pass {timing['now_s']} s: ratio {timing['ratio']}"
            f" to the anchored rules, {timing['learned_ratio']} to every rule"
        )
    for line in shown:
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
