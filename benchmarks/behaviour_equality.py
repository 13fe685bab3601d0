"""Does lessonloop behave exactly as an earlier commit did? (issue 30: moving code between
packages, the ingest job, the adapter registry and the CLI's nouns must not change a figure.)

Both source trees (`--ref`'s, from `git archive`, and this working tree's) run the same session of
commands, each command a process of its own (`python -m lessonloop` with `PYTHONPATH=<tree>/src`),
with the same HOME, the same inputs at the same paths and a fresh store:

1. `ingest PATH --json` for each small corpus source of ../shared/corpus (claude-code/spotter,
   claude-code/codemie, codex/codemie, codex/parking-lot, gemini/codemie, opencode/codemie,
   aider/aider-dev; `--all` adds codex/zo-qore), then `ingest --git` for each git bundle (cloned);
2. every command that prints data, with `--json`: sessions, show, stats, analyze, report, learn,
   lessons, lessons show, recall (and --context), replay (online, --split, and against each
   corpus's hand labels), commits, files predict and evaluate, quality (and -p), milestones, runs,
   patterns, config, hooks status, export of every kind (the files' bytes), `forget project
   --dry-run`, `cleanup --dry-run` (as JSON and text, with --include-needed too), then a cleanup;
3. the store itself, table by table (tests/conftest.py's dump_store: file ids as paths, ingest
   times left out); the key authors' addresses are hashed with, random per store, is set to the
   same value on both sides once the first ingest has made the store.

The clock is the same on both sides: every command runs under libfaketime (Debian's `faketime`
package) with the wall clock frozen at the same moment for the same command (a minute later for
each next command), so what is computed from "now" (a lesson's confidence decays with time, the
times stored with rows, `seconds` of ingest) is the same. Each command's exit status, stdout and
stderr are compared with the side's own folder written as <side>. Exits 1 on any difference,
printing each one; 2 when the corpus or libfaketime is missing.

Run: `.venv/bin/python benchmarks/behaviour_equality.py --ref COMMIT` (or `--tree FOLDER`, a folder
whose src/ is the reference's).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.conftest import SHARED_CORPUS, TEST_SETTINGS, dump_store, store_differences  # noqa: E402

# as the test run (ingest analyzes before it returns, no refresh, no hook server): this compares
# stores and times what it always timed
os.environ.update(TEST_SETTINGS)

SOURCES = [
    "claude-code/spotter",
    "claude-code/codemie",
    "codex/codemie",
    "codex/parking-lot",
    "gemini/codemie",
    "opencode/codemie",
    "aider/aider-dev",
]
LARGE = ["codex/zo-qore"]
LABELS = REPO / "tests" / "data" / "labels"

FAKETIME_LIBRARY = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")
START = 1_790_000_000  # 2026-09-21 14:13:20 UTC: the first command's frozen clock
AUTHOR_SALT = "0" * 32  # git_author_salt is a random key per store (m019): set alike on both sides
TIMEOUT = 1800  # seconds a command may take before it counts as hung


def normalize(text: str, folder: Path) -> str:
    return text.replace(str(folder), "<side>")


class Side:
    """One source tree's run: its store, and the outputs of each command by name."""

    def __init__(self, name: str, src: Path, work: Path) -> None:
        self.name = name
        self.src = src
        self.work = work / name
        self.work.mkdir(parents=True)
        self.db = self.work / "store.db"
        self.outputs: dict[str, tuple[int, str, str]] = {}

    def env(self) -> dict[str, str]:
        home = self.work / "home"
        home.mkdir(exist_ok=True)
        frozen = datetime.fromtimestamp(START + 60 * len(self.outputs), tz=UTC)
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "PYTHONPATH": str(self.src),
            "LESSONLOOP_DB": str(self.db),
            "TZ": "UTC",
            "LANG": "C.UTF-8",
            "COLUMNS": "120",
            "PYTHONHASHSEED": "0",  # sets iterate alike: a saved file model's bytes depend on it
            "LD_PRELOAD": str(FAKETIME_LIBRARY),
            "FAKETIME": frozen.strftime("%Y-%m-%d %H:%M:%S"),
            # each command whole before the next (an ingest waits for its analysis and learning,
            # no read refreshes, no hook server): what one side does, the other can be compared with
            **TEST_SETTINGS,
        }

    def run(self, name: str, *args: str) -> tuple[int, str, str]:
        proc = subprocess.run(
            [sys.executable, "-m", "lessonloop", *args],
            capture_output=True,
            text=True,
            env=self.env(),
            cwd=self.work,
            check=False,
            timeout=TIMEOUT,
        )
        result = (proc.returncode, normalize(proc.stdout, self.work), normalize(proc.stderr, self.work))
        self.outputs[name] = result
        return result


def session_plan(side: Side, inputs: Path, repos: list[Path], sources: list[str]) -> None:
    """Every command, in order; a command's arguments that depend on the store (a session id, a
    lesson id) are read from the earlier outputs, the same way on both sides."""
    db = ["--db", str(side.db)]
    for number, source in enumerate(sources):
        side.run(f"ingest {source}", "ingest", str(inputs / source), "--json", "--no-progress", *db)
        if number == 0:  # the store exists now: the same key for authors' hashes on both sides
            with sqlite3.connect(side.db) as conn:
                conn.execute("UPDATE git_author_salt SET salt = ? WHERE id = 1", (AUTHOR_SALT,))
    for repo in repos:
        side.run(f"ingest --git {repo.name}", "ingest", "--git", str(repo), "--json", "--no-progress", *db)
    side.run("ingest (again, nothing new)", "ingest", *[str(inputs / s) for s in sources], "--json", *db)
    _, sessions, _ = side.run("sessions", "sessions", "--json", *db)
    side.run("stats", "stats", "--json", *db)
    side.run("stats --by week", "stats", "--by", "week", "--json", *db)
    side.run("analyze", "analyze", "--json", *db)
    side.run("report", "report", "--json", *db)
    side.run("learn", "learn", "--json", *db)
    _, lessons, _ = side.run("lessons", "lessons", "--json", *db)
    for sid in _ids(sessions, ("id", "session_id"))[:5]:
        side.run(f"show {sid}", "show", sid, "--json", *db)
    for lid in _ids(lessons, ("id", "ref"))[:5]:
        side.run(f"lessons show {lid}", "lessons", "show", lid, "--json", *db)
    for text in ("run the tests before editing", "git push failed", "file not found"):
        side.run(f"recall {text}", "recall", text, "--json", *db)
        side.run(f"recall --context {text}", "recall", "--context", text, "--json", *db)
    side.run("replay", "replay", "--json", *db)
    side.run("replay --split 0.5", "replay", "--split", "0.5", "--json", *db)
    for labels in sorted(LABELS.glob("*.json")):
        side.run(f"replay --labels {labels.name}", "replay", "--labels", str(labels), "--json", *db)
    side.run("git commits", "git", "commits", "--json", *db)
    for repo in repos:
        side.run(f"git commits --repo {repo.name}", "git", "commits", "--repo", str(repo), "--json", *db)
        side.run(f"files predict {repo.name}", "files", "predict", "fix the changelog", "-p", str(repo), "--json", *db)
        side.run(f"files evaluate {repo.name}", "files", "evaluate", "--repo", str(repo), "--json", *db)
    side.run("dataset quality", "dataset", "quality", "--json", *db)
    for repo in repos[:1]:  # its scope: the project's sessions and the repositories in its folder
        side.run(f"dataset quality -p {repo.name}", "dataset", "quality", "-p", str(repo), "--json", *db)
    side.run("dataset milestones", "dataset", "milestones", "--json", *db)
    side.run("runs", "runs", "--json", *db)
    side.run("runs patterns", "runs", "patterns", "--json", *db)
    side.run("config", "config", "--json")
    side.run("hooks status", "hooks", "status", "--json", *db)
    for kind in ("records", "chats", "commits", "sessions", "lessons", "runs"):
        out = side.work / f"export-{kind}.jsonl"
        side.run(
            f"dataset export {kind}",
            "dataset",
            "export",
            "--format",
            "jsonl",
            "--kind",
            kind,
            "--to",
            str(out),
            "--json",
            *db,
        )
        side.outputs[f"dataset export {kind} (file)"] = (
            0,
            normalize(out.read_text(), side.work) if out.exists() else "-",
            "",
        )
    for repo in repos[:1]:  # what forgetting a project would delete, per table (nothing is)
        side.run(f"forget project {repo.name} --dry-run", "forget", "project", str(repo), "--dry-run", "--json", *db)
    for older in ("30d", "400d"):  # cleanup: what it would delete and keep, as JSON and as text
        ages = ("--sessions-older-than", older, "--commits-older-than", older)
        side.run(f"cleanup --dry-run {older}", "cleanup", *ages, "--dry-run", "--json", *db)
        side.run(f"cleanup --dry-run {older} (text)", "cleanup", *ages, "--dry-run", *db)
        side.run(f"cleanup --dry-run --include-needed {older}", "cleanup", *ages, "--dry-run", "--include-needed", *db)
    side.run("cleanup 400d", "cleanup", "--sessions-older-than", "400d", "--commits-older-than", "400d", "--json", *db)


def _ids(text: str, keys: tuple[str, ...]) -> list[str]:
    try:
        data = json.loads(text)
    except ValueError:
        return []
    if isinstance(data, dict):
        data = next((v for v in data.values() if isinstance(v, list)), [])
    found = []
    for item in data if isinstance(data, list) else []:
        if isinstance(item, dict):
            value = next((item[k] for k in keys if k in item), None)
            if value is not None:
                found.append(str(value))
    return found


def prepare_inputs(work: Path, sources: list[str]) -> tuple[Path, list[Path]]:
    inputs = work / "inputs"
    for source in sources:
        shutil.copytree(SHARED_CORPUS / source, inputs / source)
    repos = []
    for bundle in sorted((SHARED_CORPUS / "git").glob("*.bundle")):
        repo = inputs / "git" / bundle.stem
        subprocess.run(["git", "-c", "advice.detachedHead=false", "clone", "-q", str(bundle), str(repo)], check=True)
        repos.append(repo)
    return inputs, repos


def reference_tree(ref: str, into: Path) -> Path:
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref, "src"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into / "src"


def compare(expected: Side, got: Side) -> list[str]:
    problems = []
    for name, want in expected.outputs.items():
        have = got.outputs.get(name)
        if have == want:
            continue
        if have is None:
            problems.append(f"{name}: not run by {got.name}")
            continue
        for label, a, b in (
            ("exit", str(want[0]), str(have[0])),
            ("stdout", want[1], have[1]),
            ("stderr", want[2], have[2]),
        ):
            if a != b:
                diff = difflib.unified_diff(a.splitlines(), b.splitlines(), expected.name, got.name, lineterm="", n=1)
                problems.append(f"{name}: {label} differs\n" + "\n".join(list(diff)[:40]))
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--ref", help="the commit to compare with (git archive of its src/)")
    where.add_argument("--tree", type=Path, help="a folder whose src/ is the reference's")
    parser.add_argument("--all", action="store_true", help="also codex/zo-qore (168 MB, minutes)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (its path is printed)")
    args = parser.parse_args()
    if not SHARED_CORPUS.is_dir():
        print(f"no corpus at {SHARED_CORPUS}", file=sys.stderr)
        return 2
    if not FAKETIME_LIBRARY.exists():
        print(f"no libfaketime at {FAKETIME_LIBRARY}: apt-get install faketime", file=sys.stderr)
        return 2
    sources = SOURCES + (LARGE if args.all else [])
    work = Path(tempfile.mkdtemp(prefix="lessonloop-behaviour-"))
    try:
        inputs, repos = prepare_inputs(work, sources)
        ref_src = reference_tree(args.ref, work / "ref") if args.ref else args.tree.resolve() / "src"
        sides = [Side("reference", ref_src, work), Side("working-tree", REPO / "src", work)]
        for side in sides:
            session_plan(side, inputs, repos, sources)
            print(f"{side.name}: {len(side.outputs)} outputs", file=sys.stderr)
        problems = compare(*sides)
        reference_store = dump_store(sides[0].db)
        differences = store_differences(reference_store, dump_store(sides[1].db))
        if differences:
            problems.append("the stores differ:\n" + "\n".join(differences))
        outputs = len(sides[0].outputs)
        failed = sum(1 for name in sides[0].outputs if sides[0].outputs[name] != sides[1].outputs.get(name))
        print(
            f"{outputs} command outputs compared ({failed} differ); "
            f"stores {'differ' if differences else 'identical'} ({len(reference_store)} tables)"
        )
        for problem in problems:
            print(problem)
        return 1 if problems else 0
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
