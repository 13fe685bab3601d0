"""Ingest benchmark (issue 2): full ingest of the spotter corpus against side-by-side baselines.

Contenders, each a whole process timed with time.perf_counter around subprocess.run (what a
user waits for), interleaved round-robin with the order rotated every round:

- ingest:  `lessonloop ingest --db <fresh db> --json --no-progress <corpus>` into a new empty store
- repeat:  the same command again on that store right after (unchanged files: nothing to read)
- plain:   the same interpreter walking the same *.jsonl files and orjson-parsing every non-empty line
- ccusage: `ccusage@17 session --json --offline` over the same files (skipped without node/npm)
- startup: `python -c pass` with the same interpreter, for reference (the floor of any Python CLI)

Python bytecode: an installed package has its .pyc files, so by default the Python contenders run
with PYTHONPYCACHEPREFIX=benchmarks/.cache/pycache (and without PYTHONDONTWRITEBYTECODE); the
warm-up run fills it, nothing is written under src/. `--pyc-as-is` runs them with the environment
as it is instead (with PYTHONDONTWRITEBYTECODE=1 every run compiles lessonloop's sources again).

Targets: ingest <= 1.0x ccusage, ingest <= 6x plain parse, repeat <= 0.1x ingest.

Also measured in one Python process (interpreter startup and imports cancel out): a full
ingest into a fresh store versus a plain orjson loop over the same bytes already in memory.

Run: `.venv/bin/python benchmarks/ingest_bench.py [--corpus PATH] [--rounds N] [--json] [--pyc-as-is]`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "claude-code" / "spotter"
CACHE = REPO / "benchmarks" / ".cache"
PYCACHE = CACHE / "pycache"
CCUSAGE_SPEC = "ccusage@17"
CCUSAGE_MAJOR = "17."

TARGET_VS_CCUSAGE = 1.0
TARGET_VS_PLAIN = 6.0
TARGET_REPEAT = 0.1

# Walks the folder like ingest does (following folder symlinks), reads each *.jsonl file's
# bytes and parses every non-empty line; prints files, bytes and lines for a cross-check.
PLAIN_PARSE = """\
import os, sys, orjson
files = nbytes = lines = 0
for root, _dirs, names in os.walk(sys.argv[1], followlinks=True):
    for name in names:
        if name.endswith(".jsonl"):
            with open(os.path.join(root, name), "rb") as fh:
                data = fh.read()
            files += 1
            nbytes += len(data)
            for line in data.split(b"\\n"):
                if line.strip():
                    orjson.loads(line)
                    lines += 1
print(files, nbytes, lines)
"""


class BenchError(Exception):
    """A contender failed or produced output that makes its measurement meaningless."""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Series:
    """The wall times of one contender, one per round."""

    name: str
    label: str
    times: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def minimum(self) -> float:
        return min(self.times)

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "median_s": self.median, "min_s": self.minimum, "times_s": self.times}


@dataclass
class Corpus:
    path: Path
    files: list[Path]

    @property
    def nbytes(self) -> int:
        return sum(p.stat().st_size for p in self.files)


def find_corpus(path: Path) -> Corpus:
    if not path.is_dir():
        raise SystemExit(
            f"corpus not found: {path}\n"
            "The spotter corpus is expected at ../shared/corpus/claude-code/spotter next to the repo; "
            "pass --corpus PATH to use another folder of Claude Code *.jsonl transcripts."
        )
    files = sorted(p for p in path.rglob("*.jsonl") if p.is_file())
    if not files:
        raise SystemExit(f"no *.jsonl files under {path}")
    return Corpus(path, files)


def run(cmd: Sequence[str], what: str, env: dict[str, str] | None = None) -> tuple[float, str]:
    """Run `cmd` to completion; return its wall time and stdout. A failure stops the benchmark."""
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, env=env, check=False)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise BenchError(
            f"{what} failed (exit {proc.returncode}): {' '.join(cmd)}\n"
            f"stderr: {proc.stderr.decode(errors='replace')[-2000:]}"
        )
    return elapsed, proc.stdout.decode(errors="replace")


# --- ccusage -----------------------------------------------------------------------------------


@dataclass
class Ccusage:
    """How to run ccusage, or why it is skipped."""

    bin: Path | None
    node_version: str | None
    version: str | None
    skipped: str | None
    config_dir: Path | None = None

    def env(self) -> dict[str, str]:
        assert self.config_dir is not None
        env = dict(os.environ)
        env["CLAUDE_CONFIG_DIR"] = str(self.config_dir)
        env["HOME"] = str(self.config_dir)  # nothing of the user's ~/.claude is read
        return env


def _installed_version(prefix: Path) -> str | None:
    try:
        meta = json.loads((prefix / "node_modules" / "ccusage" / "package.json").read_text())
    except (OSError, ValueError):
        return None
    version = meta.get("version")
    return version if isinstance(version, str) else None


def setup_ccusage() -> Ccusage:
    node = shutil.which("node")
    if node is None:
        return Ccusage(None, None, None, "node is not installed")
    try:
        node_version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as exc:
        return Ccusage(None, None, None, f"node does not run: {exc}")
    prefix = CACHE / "ccusage"
    binary = prefix / "node_modules" / ".bin" / "ccusage"
    version = _installed_version(prefix)
    if not (binary.exists() and version is not None and version.startswith(CCUSAGE_MAJOR)):
        npm = shutil.which("npm")
        if npm is None:
            return Ccusage(None, node_version, None, "npm is not installed (needed once to install ccusage)")
        log(f"installing {CCUSAGE_SPEC} into {prefix} ...")
        prefix.mkdir(parents=True, exist_ok=True)
        try:
            proc = subprocess.run(
                [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", CCUSAGE_SPEC],
                capture_output=True,
                text=True,
                check=False,
                timeout=600,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return Ccusage(None, node_version, None, f"npm install {CCUSAGE_SPEC} failed: {exc}")
        version = _installed_version(prefix)
        if proc.returncode != 0 or not binary.exists() or version is None:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            return Ccusage(None, node_version, None, f"npm install {CCUSAGE_SPEC} failed: {' / '.join(tail)}")
    return Ccusage(binary, node_version, version, None)


def check_ccusage_output(out: str) -> int:
    try:
        data = json.loads(out)
    except ValueError as exc:
        raise BenchError(f"ccusage printed no JSON: {exc}: {out[:300]!r}") from exc
    sessions = data.get("sessions") if isinstance(data, dict) else None
    if not sessions:
        raise BenchError(f"ccusage found no sessions (did it read the corpus?): {out[:300]!r}")
    return len(sessions)


# --- whole-process contenders ------------------------------------------------------------------


def python_env(pyc_as_is: bool) -> dict[str, str] | None:
    """The environment of the Python contenders: bytecode cached outside the repo's sources."""
    if pyc_as_is:
        return None
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def bytecode_note(pyc_as_is: bool) -> str:
    if not pyc_as_is:
        return f"cached (PYTHONPYCACHEPREFIX={PYCACHE})"
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return "not cached (PYTHONDONTWRITEBYTECODE is set: sources are compiled on every run)"
    return "as the environment says (__pycache__ next to the sources)"


def lessonloop_cmd() -> list[str]:
    script = Path(sys.executable).parent / "lessonloop"
    return [str(script)] if script.exists() else [sys.executable, "-m", "lessonloop"]


def check_ingest_output(out: str, corpus: Corpus, *, repeat: bool) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(out)
    files = data["files"]
    if data["problems"]:
        raise BenchError(f"ingest reported problems: {data['problems'][:3]}")
    if files["found"] != len(corpus.files):
        raise BenchError(f"ingest found {files['found']} files, the corpus has {len(corpus.files)}")
    if repeat:
        if files["read"] != 0 or data["bytes_read"] != 0:
            raise BenchError(
                f"the repeat ingest read {files['read']} files / {data['bytes_read']} bytes of unchanged "
                "files; the repeat measurement would be meaningless"
            )
    elif files["read"] != len(corpus.files) or data["bytes_read"] != corpus.nbytes:
        raise BenchError(
            f"the first ingest read {files['read']} files / {data['bytes_read']} bytes, "
            f"expected {len(corpus.files)} / {corpus.nbytes}"
        )
    return data


@dataclass
class ProcessResults:
    ingest: Series
    repeat: Series
    plain: Series
    ccusage: Series | None
    startup: Series
    checks: dict[str, Any]


def measure_processes(corpus: Corpus, rounds: int, cc: Ccusage, workdir: Path, pyc_as_is: bool) -> ProcessResults:
    ingest = Series("ingest", "lessonloop ingest (fresh store)")
    repeat = Series("repeat", "lessonloop ingest again (unchanged files)")
    plain = Series("plain", "plain orjson parse (python -c, same interpreter)")
    ccusage = Series("ccusage", f"ccusage {cc.version} session --json --offline") if cc.bin else None
    startup = Series("startup", "python -c pass (interpreter startup, reference)")
    env = python_env(pyc_as_is)
    checks: dict[str, Any] = {}
    base = lessonloop_cmd()
    counter = [0]

    def do_ingest(record: bool) -> None:
        counter[0] += 1
        db = workdir / f"ingest-{counter[0]}" / "store.db"
        db.parent.mkdir()
        cmd = [*base, "ingest", "--db", str(db), "--json", "--no-progress", str(corpus.path)]
        first_s, out = run(cmd, "lessonloop ingest", env=env)
        first = check_ingest_output(out, corpus, repeat=False)
        repeat_s, out = run(cmd, "lessonloop ingest (repeat)", env=env)
        again = check_ingest_output(out, corpus, repeat=True)
        shutil.rmtree(db.parent)
        checks["ingest"] = {
            "problems": len(first["problems"]),
            "files_read": first["files"]["read"],
            "bytes_read": first["bytes_read"],
            "lines": first["lines"],
            "repeat_files_read": again["files"]["read"],
            "repeat_bytes_read": again["bytes_read"],
            "repeat_files_unchanged": again["files"]["unchanged"],
        }
        if record:
            ingest.times.append(first_s)
            repeat.times.append(repeat_s)

    def do_plain(record: bool) -> None:
        elapsed, out = run([sys.executable, "-c", PLAIN_PARSE, str(corpus.path)], "plain parse", env=env)
        files, nbytes, lines = (int(x) for x in out.split())
        if files != len(corpus.files) or nbytes != corpus.nbytes:
            raise BenchError(f"plain parse read {files} files / {nbytes} bytes, expected {len(corpus.files)}")
        checks["plain"] = {"files": files, "bytes": nbytes, "lines": lines}
        if record:
            plain.times.append(elapsed)

    def do_startup(record: bool) -> None:
        elapsed, _ = run([sys.executable, "-c", "pass"], "python -c pass", env=env)
        if record:
            startup.times.append(elapsed)

    def do_ccusage(record: bool) -> None:
        assert cc.bin is not None and ccusage is not None
        elapsed, out = run([str(cc.bin), "session", "--json", "--offline"], "ccusage", env=cc.env())
        checks["ccusage"] = {"sessions": check_ccusage_output(out)}
        if record:
            ccusage.times.append(elapsed)

    contenders: list[tuple[str, Callable[[bool], None]]] = [("ingest", do_ingest), ("plain", do_plain)]
    if ccusage is not None:
        contenders.append(("ccusage", do_ccusage))
    contenders.append(("startup", do_startup))
    log("warm-up: " + ", ".join(name for name, _ in contenders))
    for _, fn in contenders:
        fn(False)
    for r in range(rounds):
        k = r % len(contenders)
        order = contenders[k:] + contenders[:k]
        log(f"round {r + 1}/{rounds}: " + ", ".join(name for name, _ in order))
        for _, fn in order:
            fn(True)
    return ProcessResults(ingest, repeat, plain, ccusage, startup, checks)


# --- in-process figures ------------------------------------------------------------------------


@dataclass
class InProcessResults:
    ingest: Series
    repeat: Series
    plain: Series
    lines: int


def measure_in_process(corpus: Corpus, rounds: int, workdir: Path) -> InProcessResults:
    from lessonloop.pipeline.ingest import discover
    from lessonloop.pipeline.ingest import ingest as run_ingest
    from lessonloop.store import open_store

    ingest = Series("ingest", "ingest() into a fresh store: open_store + discover + ingest")
    repeat = Series("repeat", "ingest() again on that store (unchanged files)")
    plain = Series("plain", "orjson.loads of every non-empty line (bytes in memory)")
    blobs = [p.read_bytes() for p in corpus.files]
    counter = [0]

    def full_ingest(db: Path) -> tuple[float, int, int, int]:
        started = time.perf_counter()
        conn = open_store(db)
        try:
            sources, summary = discover([corpus.path])
            run_ingest(conn, sources, summary)
        finally:
            conn.close()
        elapsed = time.perf_counter() - started
        if summary.problems:
            raise BenchError(f"in-process ingest reported problems: {summary.problems[:3]}")
        return elapsed, summary.files_read, summary.bytes_read, summary.lines

    def do_ingest(record: bool) -> None:
        counter[0] += 1
        db = workdir / f"inproc-{counter[0]}" / "store.db"
        db.parent.mkdir()
        first_s, files_read, nbytes, _ = full_ingest(db)
        if files_read != len(corpus.files) or nbytes != corpus.nbytes:
            raise BenchError(f"in-process ingest read {files_read} files / {nbytes} bytes")
        repeat_s, files_read, nbytes, _ = full_ingest(db)
        if files_read or nbytes:
            raise BenchError(f"in-process repeat ingest read {files_read} files / {nbytes} bytes")
        shutil.rmtree(db.parent)
        if record:
            ingest.times.append(first_s)
            repeat.times.append(repeat_s)

    lines = [0]

    def do_plain(record: bool) -> None:
        loads = orjson.loads
        n = 0
        started = time.perf_counter()
        for data in blobs:
            for line in data.split(b"\n"):
                if line.strip():
                    loads(line)
                    n += 1
        elapsed = time.perf_counter() - started
        lines[0] = n
        if record:
            plain.times.append(elapsed)

    contenders: list[Callable[[bool], None]] = [do_ingest, do_plain]
    for fn in contenders:
        fn(False)
    for r in range(rounds):
        order = contenders[r % 2 :] + contenders[: r % 2]
        for fn in order:
            fn(True)
    return InProcessResults(ingest, repeat, plain, lines[0])


# --- report ------------------------------------------------------------------------------------


def verdict(ratio: float | None, target: float) -> str:
    if ratio is None:
        return "not measured"
    return "met" if ratio <= target else f"NOT met ({ratio / target:.2f}x over the target)"


def fmt_ratio(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio:.3f}x"


def machine_info(corpus: Corpus, cc: Ccusage, pyc_as_is: bool) -> dict[str, Any]:
    import lessonloop

    return {
        "python": platform.python_version(),
        "python_executable": sys.executable,
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "orjson": orjson.__version__,
        "sqlite": sqlite3.sqlite_version,
        "lessonloop": lessonloop.__version__,
        "node": cc.node_version,
        "ccusage": cc.version,
        "ccusage_skipped": cc.skipped,
        "python_bytecode": bytecode_note(pyc_as_is),
        "corpus": str(corpus.path),
        "corpus_files": len(corpus.files),
        "corpus_bytes": corpus.nbytes,
    }


def build_report(proc: ProcessResults, inproc: InProcessResults, info: dict[str, Any], rounds: int) -> dict[str, Any]:
    vs_cc = proc.ingest.median / proc.ccusage.median if proc.ccusage else None
    vs_plain = proc.ingest.median / proc.plain.median
    repeat = proc.repeat.median / proc.ingest.median
    in_vs_plain = inproc.ingest.median / inproc.plain.median
    in_repeat = inproc.repeat.median / inproc.ingest.median
    return {
        "rounds": rounds,
        "machine": info,
        "process": {
            s.name: s.to_json() for s in (proc.ingest, proc.repeat, proc.plain, proc.ccusage, proc.startup) if s
        },
        "in_process": {s.name: s.to_json() for s in (inproc.ingest, inproc.repeat, inproc.plain)},
        "ratios": {
            "ingest_vs_ccusage": vs_cc,
            "ingest_vs_plain": vs_plain,
            "repeat_vs_first": repeat,
            "startup_vs_first": proc.startup.median / proc.ingest.median,
            "in_process_ingest_vs_plain": in_vs_plain,
            "in_process_repeat_vs_first": in_repeat,
        },
        "targets": {
            "ingest_vs_ccusage": {
                "target": TARGET_VS_CCUSAGE,
                "ratio": vs_cc,
                "verdict": verdict(vs_cc, TARGET_VS_CCUSAGE),
            },
            "ingest_vs_plain": {
                "target": TARGET_VS_PLAIN,
                "ratio": vs_plain,
                "verdict": verdict(vs_plain, TARGET_VS_PLAIN),
            },
            "repeat_vs_first": {"target": TARGET_REPEAT, "ratio": repeat, "verdict": verdict(repeat, TARGET_REPEAT)},
            "in_process_ingest_vs_plain": {
                "target": TARGET_VS_PLAIN,
                "ratio": in_vs_plain,
                "verdict": verdict(in_vs_plain, TARGET_VS_PLAIN),
            },
        },
        "checks": {**proc.checks, "in_process_plain_lines": inproc.lines},
    }


def render_markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    p = report["process"]
    ip = report["in_process"]
    r = report["ratios"]
    t = report["targets"]
    plain = p["plain"]["median_s"]
    lines = [
        f"Corpus: {m['corpus']} ({m['corpus_files']} files, {m['corpus_bytes']:,} bytes); "
        f"{report['rounds']} rounds, medians; {m['cpu_count']} CPUs; Python {m['python']}, "
        f"node {m['node'] or '—'}, ccusage {m['ccusage'] or '— (' + str(m['ccusage_skipped']) + ')'}; "
        f"Python bytecode {m['python_bytecode']}.",
        "",
        "Whole processes (wall time of subprocess.run, interleaved round-robin):",
        "",
        "| contender | median s | min s | ratio |",
        "|---|---:|---:|---:|",
    ]
    lines.append(
        f"| {p['ingest']['label']} | {p['ingest']['median_s']:.4f} | {p['ingest']['min_s']:.4f} | "
        f"{fmt_ratio(r['ingest_vs_plain'])} plain parse |"
    )
    lines.append(
        f"| {p['repeat']['label']} | {p['repeat']['median_s']:.4f} | {p['repeat']['min_s']:.4f} | "
        f"{fmt_ratio(r['repeat_vs_first'])} first ingest |"
    )
    lines.append(f"| {p['plain']['label']} | {plain:.4f} | {p['plain']['min_s']:.4f} | 1.000x (baseline) |")
    if "ccusage" in p:
        lines.append(
            f"| {p['ccusage']['label']} | {p['ccusage']['median_s']:.4f} | {p['ccusage']['min_s']:.4f} | "
            f"ingest = {fmt_ratio(r['ingest_vs_ccusage'])} ccusage |"
        )
    else:
        lines.append(f"| ccusage (skipped: {m['ccusage_skipped']}) | — | — | — |")
    lines.append(
        f"| {p['startup']['label']} | {p['startup']['median_s']:.4f} | {p['startup']['min_s']:.4f} | "
        f"{fmt_ratio(r['startup_vs_first'])} first ingest |"
    )
    lines += [
        "",
        "In one Python process (startup and imports cancel out):",
        "",
        "| contender | median s | min s | ratio |",
        "|---|---:|---:|---:|",
        f"| {ip['ingest']['label']} | {ip['ingest']['median_s']:.4f} | {ip['ingest']['min_s']:.4f} | "
        f"{fmt_ratio(r['in_process_ingest_vs_plain'])} plain parse |",
        f"| {ip['repeat']['label']} | {ip['repeat']['median_s']:.4f} | {ip['repeat']['min_s']:.4f} | "
        f"{fmt_ratio(r['in_process_repeat_vs_first'])} first ingest |",
        f"| {ip['plain']['label']} | {ip['plain']['median_s']:.4f} | {ip['plain']['min_s']:.4f} | 1.000x (baseline) |",
        "",
        "| target | measured | verdict |",
        "|---|---:|---|",
        f"| ingest <= 1.0x ccusage (whole process) | {fmt_ratio(t['ingest_vs_ccusage']['ratio'])} | "
        f"{t['ingest_vs_ccusage']['verdict']} |",
        f"| ingest <= 6x plain parse (whole process) | {fmt_ratio(t['ingest_vs_plain']['ratio'])} | "
        f"{t['ingest_vs_plain']['verdict']} |",
        f"| ingest <= 6x plain parse (in process) | {fmt_ratio(t['in_process_ingest_vs_plain']['ratio'])} | "
        f"{t['in_process_ingest_vs_plain']['verdict']} |",
        f"| repeat <= 0.1x first (whole process) | {fmt_ratio(t['repeat_vs_first']['ratio'])} | "
        f"{t['repeat_vs_first']['verdict']} |",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help=f"default: {DEFAULT_CORPUS}")
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds (default 7)")
    parser.add_argument("--json", action="store_true", help="print all figures as one JSON object")
    parser.add_argument(
        "--pyc-as-is",
        action="store_true",
        help="run the Python contenders with the environment as it is (no bytecode cache of our own)",
    )
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    corpus = find_corpus(args.corpus.resolve())
    cc = setup_ccusage()
    if cc.skipped:
        log(f"ccusage skipped: {cc.skipped}")
    with tempfile.TemporaryDirectory(prefix="lessonloop-bench-") as tmp:
        workdir = Path(tmp)
        if cc.bin is not None:
            cc.config_dir = workdir / "claude-config"
            (cc.config_dir / "projects").mkdir(parents=True)
            (cc.config_dir / "projects" / "spotter").symlink_to(corpus.path, target_is_directory=True)
        try:
            proc = measure_processes(corpus, args.rounds, cc, workdir, args.pyc_as_is)
            log("in-process rounds ...")
            inproc = measure_in_process(corpus, args.rounds, workdir)
        except BenchError as exc:
            log(f"benchmark failed: {exc}")
            return 1
    report = build_report(proc, inproc, machine_info(corpus, cc, args.pyc_as_is), args.rounds)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(render_markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
