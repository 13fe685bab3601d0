"""How much of the real corpora redaction changes, and what it costs (issue 12).

Reads every transcript under the corpus folder (default ../shared/corpus: claude-code, codex,
gemini, opencode and aider), turns it into the texts ingest would redact, each with its scope, and
runs the scoped redactor (secrets/redaction.py) over them:

- JSON transcripts (Claude Code, Codex, Gemini, OpenCode): every string value. A tool call's
  input is read per key as `redact_tool_input` does (command lines "command", file contents and
  edits "code", the rest "prose"; Codex's JSON-encoded `arguments` are decoded first); a tool's
  result (tool_result, function_call_output, toolUseResult, output, stdout, ...) is "output";
  everything else (prompts, replies, titles, metadata) is "prose".
- Aider's chat history (Markdown): each line; fenced blocks are "code", `> ` lines (tool output)
  "output", the rest "prose". Its git log listing: each line, "output".
- With `--git`: each git bundle is cloned into a temporary folder and every text file of its
  checked-out tree is one "code" text, and each commit message one "prose" text.

Reported: texts and characters scanned, texts changed, markers per kind and per scope, and the
time taken against two baselines measured side by side in the same process, interleaved round by
round: the redactor as it was before the scoped one (benchmarks/redaction_baseline.py, one rule
set for every text) and a plain `str.lower()` + one `in` test per text (the floor of any scan).
`--show` prints every changed text (each line with a marker, before and after) for review, and
every text the previous redactor changed and this one keeps.

With `--worst`: texts of one anchor repeated (`token token ...`, `sk-sk-...`, a PEM header without
its end, ...), the most looks per character, for an upper bound of the cost.

`--bulk`: the scoped redactor with the gate ingest builds (`prepare_bulk`: a DFA) rather than the one
built on import (what the hooks and the other commands use).

`--ref COMMIT`: one more contender, the scoped redactor as it was at COMMIT (its secrets/ rule files
run from `git show`, benchmarks/redaction_equality.py's `load_at`), timed in the same rounds; its
texts changed and markers are reported beside the working tree's, so a change of the rules shows
both what it adds and what it costs.

Run: `.venv/bin/python benchmarks/redaction_corpus.py [--corpus PATH] [--git] [--worst] [--bulk] [--ref COMMIT]
[--rounds N] [--show] [--json]`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

from benchmarks import redaction_baseline  # noqa: E402
from lessonloop.secrets.redaction import Scope, redact, scope_of_key  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
NOT_TRANSCRIPTS = {"LICENSE", "PROVENANCE.md", "README.md", "UPSTREAM-README.md"}
TOOL_CALL_TYPES = {"tool_use", "function_call", "custom_tool_call", "tool"}
RESULT_TYPES = {"tool_result", "function_call_output", "custom_tool_call_output", "exec_command_end"}
RESULT_KEYS = {
    "toolUseResult",
    "output",
    "stdout",
    "stderr",
    "aggregated_output",
    "formatted_output",
    "result",
    "resultDisplay",
    "response",
}
INPUT_KEYS = {"input", "args", "arguments"}
# Keys whose strings are read as every other (empty here); benchmarks/redaction_false_positives.py
# leaves out the ones ingest never stores as text (ids, signatures, encrypted reasoning).
SKIPPED_KEYS: set[str] = set()
MARKER = "[REDACTED:"


@dataclass(slots=True)
class Text:
    value: str
    scope: Scope
    source: str  # the file (and line) it comes from


@dataclass(slots=True)
class Figures:
    texts: int = 0
    chars: int = 0
    changed: int = 0
    markers: Counter[str] = field(default_factory=Counter)
    by_scope: Counter[str] = field(default_factory=Counter)
    changed_by_scope: Counter[str] = field(default_factory=Counter)
    baseline_changed: int = 0
    baseline_markers: int = 0


# ----------------------------------------------------------------------------- reading texts


def json_texts(value: Any, scope: Scope, source: str) -> Iterator[Text]:
    """Every string in a JSON value, with the scope its place gives it."""
    if isinstance(value, str):
        if value:
            yield Text(value, scope, source)
    elif isinstance(value, list):
        for item in value:
            yield from json_texts(item, scope, source)
    elif isinstance(value, dict):
        kind = value.get("type")
        kind = kind if isinstance(kind, str) else None
        is_call = kind in TOOL_CALL_TYPES or ("name" in value and any(k in value for k in INPUT_KEYS))
        for key, item in value.items():
            if key in SKIPPED_KEYS:
                continue
            if is_call and key in INPUT_KEYS:
                yield from tool_input_texts(item, source)
            elif isinstance(key, str) and key.lower() == "command" and isinstance(item, list):
                yield from json_texts(item, "command", source)
            elif key in RESULT_KEYS or (kind in RESULT_TYPES and key == "content"):
                yield from json_texts(item, "output", source)
            elif key == "state" and isinstance(item, dict):  # OpenCode: {input, output, ...}
                yield from json_texts(item, scope, source)
            else:
                yield from json_texts(item, scope, source)


def tool_input_texts(value: Any, source: str) -> Iterator[Text]:
    """A tool call's input: a JSON object (or JSON text of one) read key by key, as
    redact_tool_input does; a plain string input (Codex's apply_patch) is code."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            yield Text(value, "code", source)
            return
    if not isinstance(value, dict):
        yield from json_texts(value, "prose", source)
        return
    for key, item in value.items():
        scope = scope_of_key(key) if isinstance(key, str) else "prose"
        if scope == "code" and isinstance(item, list):
            for edit in item:
                if isinstance(edit, dict):
                    yield from tool_input_texts(edit, source)
                else:
                    yield from json_texts(edit, "code", source)
        else:
            yield from json_texts(item, scope, source)


def aider_texts(path: Path) -> Iterator[Text]:
    fenced = False
    for lineno, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        if line.startswith("```"):
            fenced = not fenced
            continue
        scope: Scope = "code" if fenced else "output" if line.startswith(">") else "prose"
        if line:
            yield Text(line, scope, f"{path}:{lineno}")


def corpus_texts(corpus: Path) -> Iterator[Text]:
    for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
        if path.name in NOT_TRANSCRIPTS or path.name.startswith("expected-") or path.suffix == ".bundle":
            continue
        if path.parent.name == "git" or path.name.endswith(".LICENSE"):
            continue
        if path.suffix == ".jsonl":
            with path.open(encoding="utf-8", errors="replace") as handle:
                for lineno, line in enumerate(handle, 1):
                    try:
                        record = json.loads(line)
                    except ValueError:
                        continue
                    yield from json_texts(record, "prose", f"{path}:{lineno}")
        elif path.suffix == ".json":
            try:
                record = json.loads(path.read_text(encoding="utf-8", errors="replace"))
            except ValueError:
                continue
            yield from json_texts(record, "prose", str(path))
        elif path.suffix == ".md":
            yield from aider_texts(path)
        elif path.suffix == ".txt":
            for lineno, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
                if line:
                    yield Text(line, "output", f"{path}:{lineno}")


def git_texts(corpus: Path, workdir: Path) -> Iterator[Text]:
    """Each bundle's checked-out tree (every text file one "code" text) and commit messages."""
    for bundle in sorted((corpus / "git").glob("*.bundle")):
        target = workdir / bundle.stem
        subprocess.run(["git", "clone", "-q", str(bundle), str(target)], check=True)
        for path in sorted(p for p in target.rglob("*") if p.is_file() and ".git" not in p.parts):
            data = path.read_bytes()
            if b"\0" in data[:8192] or len(data) > 2_000_000:
                continue
            yield Text(data.decode("utf-8", errors="replace"), "code", f"{bundle.name}:{path.relative_to(target)}")
        log = subprocess.run(
            ["git", "-C", str(target), "log", "--format=%H%n%B%x00"], capture_output=True, text=True, check=True
        ).stdout
        for entry in log.split("\0"):
            sha, _, message = entry.strip().partition("\n")
            if message:
                yield Text(message, "prose", f"{bundle.name}:{sha[:12]}")


def worst_texts() -> list[Text]:
    """Texts made of one anchor repeated (about half a megabyte each, "output" scope): each
    occurrence costs a look, so these bound the cost per character from above."""
    pieces = {
        "token words": "token ",
        "token= chain": "token=",
        "password: value": "password: s3cr3tValue ",
        "PEM without END": "-----BEGIN RSA PRIVATE KEY-----\n",
        "sk- prefixes": "sk-",
        "URL schemes": "https://",
        "curl -u": "curl -u a:b ",
        "quoted keys": 'token = "',
        "AWS key ids": "AKIAAAAAAAAAAAAAAAAA ",
        # what secrets/unanchored.py reads further: lower-case words (seed phrases), base58 runs (WIF)
        "list words": "abandon ability able about above absent absorb abstract ",
        "base58 runs": "5" + "K" * 50 + " ",
    }
    return [Text(piece * (500_000 // len(piece)), "output", name) for name, piece in pieces.items()]


# ----------------------------------------------------------------------------- measuring


def timed(texts: list[Text], scan: Callable[[Text], object]) -> float:
    start = time.perf_counter()
    for text in texts:
        scan(text)
    return time.perf_counter() - start


def lower_scan(text: Text) -> bool:
    return "password" in text.value.lower()


def measure(texts: list[Text], rounds: int, ref: Any = None) -> dict[str, list[float]]:
    contenders: dict[str, Callable[[Text], object]] = {
        "scoped": lambda t: redact(t.value, t.scope),
        "baseline": lambda t: redaction_baseline.redact(t.value),
        "lower+in": lower_scan,
    }
    if ref is not None:
        contenders["ref"] = lambda t: ref.redact(t.value, t.scope)
    times: dict[str, list[float]] = {name: [] for name in contenders}
    names = list(contenders)
    for round_no in range(rounds):
        order = names[round_no % len(names) :] + names[: round_no % len(names)]
        for name in order:
            times[name].append(timed(texts, contenders[name]))
    return times


def count_ref(texts: list[Text], ref: Any) -> tuple[int, Counter[str]]:
    """Texts the redactor at --ref changes, and its markers per kind."""
    changed = 0
    markers: Counter[str] = Counter()
    for text in texts:
        cleaned, replaced = ref.redact(text.value, text.scope)
        if replaced:
            changed += 1
            for piece in cleaned.split(MARKER)[1:]:
                markers[piece.split("]", 1)[0]] += 1
    return changed, markers


def count(texts: list[Text], show: bool) -> Figures:
    figures = Figures()
    for text in texts:
        figures.texts += 1
        figures.chars += len(text.value)
        figures.by_scope[text.scope] += 1
        cleaned, replaced = redact(text.value, text.scope)
        old_cleaned, old_replaced = redaction_baseline.redact(text.value)
        if old_replaced:
            figures.baseline_changed += 1
            figures.baseline_markers += old_replaced
        if not replaced:
            if old_replaced and show:
                print(f"--- {text.source} [{text.scope}] kept now, {old_replaced} marker(s) before")
                for before, after in changed_lines(text.value, old_cleaned):
                    print(f"  = {before[:300]}")
                    print(f"  was {after[:300]}")
            continue
        figures.changed += 1
        figures.changed_by_scope[text.scope] += 1
        for piece in cleaned.split(MARKER)[1:]:
            figures.markers[piece.split("]", 1)[0]] += 1
        if show:
            print(f"--- {text.source} [{text.scope}] {replaced} marker(s)")
            for before, after in changed_lines(text.value, cleaned):
                print(f"  - {before[:300]}")
                print(f"  + {after[:300]}")
    return figures


def changed_lines(before: str, after: str) -> Iterator[tuple[str, str]]:
    old_lines = before.splitlines()
    for line in after.splitlines():
        if MARKER in line:
            # The original line: the one sharing the text before the first marker.
            head = line.split(MARKER, 1)[0]
            original = next((o for o in old_lines if o.startswith(head) and o != line), line)
            yield original.strip(), line.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--git", action="store_true", help="also the git bundles' trees and commit messages")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--show", action="store_true", help="print every changed text")
    parser.add_argument("--worst", action="store_true", help="also texts of one anchor repeated (upper bound)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--ref", help="also the redactor as it was at this commit (timed and counted beside)")
    parser.add_argument(
        "--bulk",
        action="store_true",
        help="the gate ingest uses (prepare_bulk's DFA) instead of the one built on import",
    )
    args = parser.parse_args(argv)
    ref = None
    if args.ref:
        from benchmarks.redaction_equality import load_at

        ref = load_at(args.ref)
    if args.bulk:
        from lessonloop.secrets.redaction import prepare_bulk

        prepare_bulk()
        if ref is not None and hasattr(ref, "prepare_bulk"):
            ref.prepare_bulk()
    with tempfile.TemporaryDirectory(prefix="redaction-corpus-") as workdir:
        texts = list(corpus_texts(args.corpus))
        git = list(git_texts(args.corpus, Path(workdir))) if args.git else []
    results: dict[str, Any] = {}
    worst = worst_texts() if args.worst else []
    for label, group in (("transcripts", texts), ("git", git), ("worst", worst)):
        if not group:
            continue
        figures = count(group, args.show)
        times = measure(group, args.rounds, ref)
        medians = {name: statistics.median(values) for name, values in times.items()}
        results[label] = {
            "texts": figures.texts,
            "chars": figures.chars,
            "texts_by_scope": dict(figures.by_scope),
            "changed": figures.changed,
            "changed_by_scope": dict(figures.changed_by_scope),
            "markers": dict(figures.markers.most_common()),
            "baseline_changed": figures.baseline_changed,
            "baseline_markers": figures.baseline_markers,
            "seconds": {name: round(value, 4) for name, value in medians.items()},
            "scoped_vs_baseline": round(medians["scoped"] / medians["baseline"], 2),
            "scoped_vs_lower_in": round(medians["scoped"] / medians["lower+in"], 2),
            "mb_per_second": round(figures.chars / 1e6 / medians["scoped"], 1),
        }
        if ref is not None:
            ref_changed, ref_markers = count_ref(group, ref)
            results[label]["ref"] = args.ref
            results[label]["ref_changed"] = ref_changed
            results[label]["ref_markers"] = dict(ref_markers.most_common())
            results[label]["scoped_vs_ref"] = round(medians["scoped"] / medians["ref"], 3)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    for label, row in results.items():
        print(f"\n{label}: {row['texts']:,} texts, {row['chars'] / 1e6:.1f} M characters")
        print(f"  by scope: {row['texts_by_scope']}")
        print(f"  changed:  {row['changed']:,} texts ({row['changed_by_scope']}); before: {row['baseline_changed']:,}")
        print(f"  markers:  {sum(row['markers'].values()):,} {row['markers']}; before: {row['baseline_markers']:,}")
        secs = row["seconds"]
        print(
            f"  time (median of {args.rounds}): scoped {secs['scoped']:.3f}s, before {secs['baseline']:.3f}s,"
            f" lower+in {secs['lower+in']:.3f}s -> {row['scoped_vs_baseline']}x before,"
            f" {row['scoped_vs_lower_in']}x lower+in, {row['mb_per_second']} M characters/s"
        )
        if "ref" in row:
            added = Counter(row["markers"])
            added.subtract(row["ref_markers"])
            print(
                f"  at {row['ref']}: {secs['ref']:.3f}s -> now {row['scoped_vs_ref']}x; changed {row['ref_changed']:,}"
                f" texts, {sum(row['ref_markers'].values()):,} markers; markers now less then: "
                f"{ {kind: n for kind, n in added.items() if n} }"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
