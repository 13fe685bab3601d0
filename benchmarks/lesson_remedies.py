"""How many lessons in use name a remedy, a rule or a check (issue 83, item 1).

For each corpus (copied into a temporary folder first: the shared corpus is read-only), a fresh
store is built by `lessonloop ingest --wait` as a person would, with this tree's (or `--src`'s)
lessonloop, and its lessons in use (status active) are read with `lessons list --json`:

- in use: active lessons (tiers active and core, and the candidates that may give a note);
- with a remedy: a prevention that is not a check, or the command that fixed it, or the rule the
  call breaks, or a person's objection (lesson_model/decision.remedy_of);
- with a check only: a prevention that is a check (lesson_model/checks.py: "Check first: ...");
- a probe: a search that found nothing, silent until a later call shows where the thing was
  (analyze/probes.py, issue 80): never given without that place, before issue 83 too;
- "failed before" alone: neither. Since issue 83 such a lesson is given to no agent (the hook,
  session start, prompts, MCP, rules files); before, it was given as it was.

Run: `.venv/bin/python benchmarks/lesson_remedies.py [--src OTHER_TREE/src] [--corpus AGENT/SOURCE ...]`
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = (REPO.parent / "shared" / "corpus").resolve()
CORPORA = (
    "aider/aider-dev",
    "claude-code/codemie",
    "claude-code/spotter",
    "codex/codemie",
    "codex/parking-lot",
    "codex/zo-qore",
    "gemini/codemie",
    "opencode/codemie",
)
CHECK_HEAD = "Check first: "


def _run(src: Path, args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(src), "HOME": str(home), "LESSONLOOP_CONFIG": str(home / "config.toml")}
    return subprocess.run(
        [sys.executable, "-m", "lessonloop", *args], capture_output=True, text=True, env=env, check=False
    )


def _kind(lesson: dict[str, object]) -> str:
    prevention = str(lesson.get("prevention") or "")
    trigger = lesson.get("trigger")
    rule = isinstance(trigger, dict) and bool(trigger.get("rule"))
    if prevention.startswith(CHECK_HEAD) and not lesson.get("prevention_command"):
        return "check"
    if prevention or lesson.get("prevention_command") or rule or lesson.get("kind") == "correction":
        return "remedy"
    if isinstance(trigger, dict) and trigger.get("sought"):
        return "probe"  # a search that found nothing: silent until where the thing was is known (by design)
    return "bare"


def measure(src: Path, corpus: str, root: Path) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        copy = work / "corpus" / corpus
        shutil.copytree(root / corpus, copy)
        db = work / "store.db"
        home = work / "home"
        home.mkdir()
        ingest = _run(src, ["ingest", str(copy), "--db", str(db), "--wait", "--no-progress", "--json"], home)
        if ingest.returncode != 0:
            return {"corpus": corpus, "error": ingest.stderr.strip()[-300:]}
        listed = _run(src, ["lessons", "list", "--db", str(db), "--json", "--status", "active"], home)
        lessons = json.loads(listed.stdout or "[]")
    kinds = [_kind(lesson) for lesson in lessons]
    bare = [str(lesson["title"])[:100] for lesson, kind in zip(lessons, kinds, strict=True) if kind == "bare"]
    return {
        "corpus": corpus,
        "in_use": len(lessons) - kinds.count("probe"),
        "probes": kinds.count("probe"),
        "remedy": kinds.count("remedy"),
        "check": kinds.count("check"),
        "bare": len(bare),
        "bare_titles": bare,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--src", type=Path, default=REPO / "src", help="the lessonloop source tree to run")
    parser.add_argument("--corpus", action="append", metavar="AGENT/SOURCE", help="one corpus (repeatable)")
    parser.add_argument("--corpus-root", type=Path, default=CORPUS, help="the shared corpus folder")
    parser.add_argument("--json", action="store_true", help="the rows as JSON")
    args = parser.parse_args(argv)
    rows = [measure(args.src.resolve(), corpus, args.corpus_root) for corpus in (args.corpus or CORPORA)]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(
        '| corpus | lessons in use (probes apart) | with a remedy | with a check only | "failed before" alone | '
        "named | probes |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    total = {"in_use": 0, "remedy": 0, "check": 0, "bare": 0, "probes": 0}
    for row in rows:
        if "error" in row:
            print(f"| {row['corpus']} | error: {row['error']} | | | | | |")
            continue
        for key in total:
            total[key] += int(row[key])  # type: ignore[call-overload]
        named = (int(row["remedy"]) + int(row["check"])) / int(row["in_use"]) if row["in_use"] else 1.0  # type: ignore[call-overload]
        print(
            f"| {row['corpus']} | {row['in_use']} | {row['remedy']} | {row['check']} | {row['bare']} | {named:.0%} "
            f"| {row['probes']} |"
        )
    named = (total["remedy"] + total["check"]) / total["in_use"] if total["in_use"] else 1.0
    print(
        f"| all | {total['in_use']} | {total['remedy']} | {total['check']} | {total['bare']} | {named:.0%} "
        f"| {total['probes']} |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
