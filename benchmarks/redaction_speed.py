"""The redactor's time against an earlier version's, side by side, over the same texts: what a
change meant to make redaction faster gains, and whether its output stayed the same.

Reads the texts ingest would redact from the first `--limit-mb` MB of each shared corpus source
(benchmarks/redaction_false_positives.py's reading: every string of every record, each with its
scope; ids, signatures and encrypted reasoning left out), then for `--rounds` rounds runs each
redactor in a process of its own, the earlier one (`--before-src PATH`, the `src` folder of a
checkout of an earlier commit, e.g. `git worktree add /tmp/before COMMIT`) and this checkout's,
order alternating: each process imports its redactor, calls prepare_bulk() as ingest does, warms
up on the first texts, then times one pass over every text with every rule and one with the
anchored rules only (secrets/redaction.STRUCTURAL off). Prints the medians, the ratio, and
whether the two redactors' outputs (every text and count) are identical.

Run: `.venv/bin/python benchmarks/redaction_speed.py --before-src /tmp/before/src [--limit-mb 3]
[--rounds 3] [--now-src src] [--corpus ../shared/corpus] [--json]`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def worker(src: str, texts_path: str) -> dict[str, object]:
    """In a process of its own (python -S, so that the editable install's finder does not pick
    this checkout's lessonloop whatever sys.path says): time the redactor under `src`."""
    sys.path.insert(0, src)
    from lessonloop.secrets import redaction

    if not str(redaction.__file__).startswith(src):
        raise SystemExit(f"the redactor under {src} was not imported (got {redaction.__file__})")
    with open(texts_path, "rb") as handle:
        texts: list[tuple[str, str]] = pickle.load(handle)
    redaction.prepare_bulk()
    for value, scope in texts[:2000]:  # imports, regexes compiled, automatons built
        redaction.redact(value, scope)  # type: ignore[arg-type]
    digest = hashlib.sha256()
    started = time.perf_counter()
    outputs = [redaction.redact(value, scope) for value, scope in texts]  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    for cleaned, count in outputs:
        digest.update(cleaned.encode("utf-8", "surrogatepass") + b"\0" + str(count).encode() + b"\0")
    redaction.STRUCTURAL = False
    started = time.perf_counter()
    for value, scope in texts:
        redaction.redact(value, scope)  # type: ignore[arg-type]
    anchored = time.perf_counter() - started
    return {"seconds": seconds, "anchored": anchored, "digest": digest.hexdigest(), "redactor": redaction.__file__}


def read_texts(corpus: Path, limit_mb: float) -> list[tuple[str, str]]:
    sys.path.insert(0, str(ROOT))
    from benchmarks.redaction_corpus import corpus_texts
    from benchmarks.redaction_false_positives import sources  # SKIPPED_KEYS set there

    texts: list[tuple[str, str]] = []
    for folder in sources(corpus):
        chars = 0
        for text in corpus_texts(folder):
            if limit_mb and chars > limit_mb * 1e6:
                break
            chars += len(text.value)
            texts.append((text.value, text.scope))
    return texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before-src", type=Path, help="the src folder of an earlier checkout (required)")
    parser.add_argument(
        "--now-src", type=Path, default=ROOT / "src", help="the src folder timed as now (this checkout's)"
    )
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--limit-mb", type=float, default=3.0, help="read at most this many MB of each source")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker", nargs=2, metavar=("SRC", "TEXTS"), help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(*args.worker)))
        return 0
    if args.before_src is None:
        parser.error("--before-src is required")
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    texts = read_texts(args.corpus, args.limit_mb)
    contenders = {"before": str(args.before_src.resolve()), "now": str(args.now_src.resolve())}
    # -S: without site's .pth files (the editable install's finder); the libraries from site-packages
    environment = {**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"]}
    runs: dict[str, list[dict[str, object]]] = {name: [] for name in contenders}
    with tempfile.TemporaryDirectory() as folder:
        texts_path = str(Path(folder) / "texts.pickle")
        with open(texts_path, "wb") as handle:
            pickle.dump(texts, handle)
        for round_ in range(args.rounds):
            order = list(contenders) if round_ % 2 == 0 else list(reversed(contenders))
            for name in order:
                run = subprocess.run(
                    [sys.executable, "-S", __file__, "--worker", contenders[name], texts_path],
                    capture_output=True, text=True, check=True, env=environment,
                )  # fmt: skip
                runs[name].append(json.loads(run.stdout))
    median = {name: statistics.median(float(r["seconds"]) for r in runs[name]) for name in contenders}  # type: ignore[arg-type]
    anchored = {name: statistics.median(float(r["anchored"]) for r in runs[name]) for name in contenders}  # type: ignore[arg-type]
    digests = {str(r["digest"]) for name in contenders for r in runs[name]}
    result = {
        "mb": round(sum(len(value) for value, _ in texts) / 1e6, 1),
        "texts": len(texts),
        "rounds": args.rounds,
        "before_s": round(median["before"], 2),
        "now_s": round(median["now"], 2),
        "ratio": round(median["before"] / median["now"], 2),
        "anchored_before_s": round(anchored["before"], 2),
        "anchored_now_s": round(anchored["now"], 2),
        "now_over_anchored": round(median["now"] / anchored["now"], 2),
        "before_over_anchored": round(median["before"] / anchored["before"], 2),
        "identical_output": len(digests) == 1,
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0 if result["identical_output"] else 1
    print(
        f"{result['texts']} texts, {result['mb']} MB, median of {args.rounds} rounds (each redactor a process of its own)"
    )
    print("| redactor | every rule | anchored rules only | every rule / anchored |")
    print("|---|---|---|---|")
    print(
        f"| before ({args.before_src}) | {result['before_s']} s | {result['anchored_before_s']} s | {result['before_over_anchored']} |"
    )
    print(
        f"| now ({args.now_src}) | {result['now_s']} s | {result['anchored_now_s']} s | {result['now_over_anchored']} |"
    )
    print(f"\nbefore / now: {result['ratio']}x; outputs identical: {'yes' if result['identical_output'] else 'NO'}")
    return 0 if result["identical_output"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
