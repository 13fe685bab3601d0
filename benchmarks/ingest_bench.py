"""Ingest benchmark (issue 2): full ingest of the spotter corpus against side-by-side baselines.

Contenders, each a whole process timed with time.perf_counter around subprocess.run (what a
user waits for), interleaved round-robin with the order rotated every round:

- ingest:  `lessonloop ingest --db <fresh db> --json --no-progress <corpus>` into a new empty store
- repeat:  the same command again on that store right after (unchanged files: nothing to read)
- plain:   the same interpreter walking the same *.jsonl files and orjson-parsing every non-empty line
- ccusage: `ccusage@17 session --json --offline` over the same files (skipped without node/npm)
- ccusage20: `ccusage@20 session --json --offline` over the same files (its unified report: every
           agent it knows, here only Claude Code's folder has files)
- ccusage20-claude: `ccusage@20 claude session --json --offline` (Claude Code only)
- startup: `python -c pass` with the same interpreter, for reference (the floor of any Python CLI)

Python bytecode: an installed package has its .pyc files, so by default the Python contenders run
with PYTHONPYCACHEPREFIX=benchmarks/.cache/pycache (and without PYTHONDONTWRITEBYTECODE); the
warm-up run fills it, nothing is written under src/. `--pyc-as-is` runs them with the environment
as it is instead (with PYTHONDONTWRITEBYTECODE=1 every run compiles lessonloop's sources again).

ccusage 17 is installed by npm under benchmarks/.cache/ccusage. ccusage 20 is the one
tests/ccusage.py finds ($LESSONLOOP_CCUSAGE, `ccusage` on PATH, .ci/.ccusage, /tmp/ccu) when
`--version` says 20.x, else `npm install ccusage@20 @ccusage/ccusage-linux-x64` (the native
package on Linux x64 only) under benchmarks/.cache/ccusage20. ccusage reads a temporary
CLAUDE_CONFIG_DIR (= HOME) whose projects/<corpus name>/ holds a copy of the corpus's *.jsonl
files (a copy: ccusage 20 finds no session in a symlinked project folder), with the other agents'
variables (CODEX_HOME, GEMINI_CLI_HOME, ...) removed from its environment; every contender reads
that same copy.

`--scale N` (N > 1): the corpus copied N times into the temporary folder by
tests/corpus_copies.claude_code_copies (every id its copy's, every record time one corpus span
later per copy: N distinct sets of sessions, as learning_scale_bench.py does), and every contender
reads those N copies (projects/copy000/ to projects/copy<N-1>/ of ccusage's CLAUDE_CONFIG_DIR: each
copy a project folder).

Targets: ingest <= 1.0x ccusage (each version), ingest <= 6x plain parse, repeat <= 0.1x ingest.

Also measured in one Python process (interpreter startup and imports cancel out): a full
ingest into a fresh store versus a plain orjson loop over the same bytes already in memory.

Run: `.venv/bin/python benchmarks/ingest_bench.py [--corpus PATH] [--scale N] [--rounds N] [--json]
[--pyc-as-is] [--no-ccusage17]`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
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
sys.path.insert(0, str(REPO))  # tests.ccusage, tests.corpus_copies
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "claude-code" / "spotter"
CACHE = REPO / "benchmarks" / ".cache"
PYCACHE = CACHE / "pycache"
CCUSAGE_SPEC = "ccusage@17"
CCUSAGE_MAJOR = "17."
CCUSAGE20_SPEC = "ccusage@20"
CCUSAGE20_NATIVE = "@ccusage/ccusage-linux-x64"  # its native binary, on Linux x64
CCUSAGE20_MAJOR = "20."
# Other agents' folders ccusage 20 would read instead of HOME's (tests/capture/test_five_agents_home.py).
OTHER_AGENT_VARS = ("CODEX_HOME", "GEMINI_CLI_HOME", "OPENCODE_DATA_DIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME")

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
        env = {k: v for k, v in os.environ.items() if not k.startswith("CLAUDE_") and k not in OTHER_AGENT_VARS}
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


def _node_version() -> tuple[str | None, str | None]:
    """node's version, or None and why ccusage cannot run."""
    node = shutil.which("node")
    if node is None:
        return None, "node is not installed"
    try:
        return subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout.strip(), None
    except (OSError, subprocess.CalledProcessError) as exc:
        return None, f"node does not run: {exc}"


def _npm_installed(prefix: Path, specs: Sequence[str], major: str, node_version: str) -> Ccusage:
    """ccusage of version `major` under `prefix`, installed there by npm first when it is not."""
    binary = prefix / "node_modules" / ".bin" / "ccusage"
    version = _installed_version(prefix)
    if not (binary.exists() and version is not None and version.startswith(major)):
        what = " ".join(specs)
        npm = shutil.which("npm")
        if npm is None:
            return Ccusage(None, node_version, None, f"npm is not installed (needed once to install {what})")
        log(f"installing {what} into {prefix} ...")
        prefix.mkdir(parents=True, exist_ok=True)
        try:
            proc = subprocess.run(
                [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", *specs],
                capture_output=True,
                text=True,
                check=False,
                timeout=600,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return Ccusage(None, node_version, None, f"npm install {what} failed: {exc}")
        version = _installed_version(prefix)
        if proc.returncode != 0 or not binary.exists() or version is None or not version.startswith(major):
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            return Ccusage(None, node_version, version, f"npm install {what} failed: {' / '.join(tail)}")
    return Ccusage(binary, node_version, version, None)


def setup_ccusage() -> Ccusage:
    """ccusage 17, installed under benchmarks/.cache/ccusage."""
    node_version, why = _node_version()
    if node_version is None:
        return Ccusage(None, None, None, why)
    return _npm_installed(CACHE / "ccusage", [CCUSAGE_SPEC], CCUSAGE_MAJOR, node_version)


def _reported_version(path: str) -> str | None:
    """What `ccusage --version` says (e.g. 20.0.24), or None."""
    try:
        done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = re.search(r"\d+\.\d+\.\d+", done.stdout + done.stderr)
    return found.group() if found else None


def setup_ccusage20() -> Ccusage:
    """ccusage 20: the one tests/ccusage.py finds ($LESSONLOOP_CCUSAGE, PATH, .ci/.ccusage,
    /tmp/ccu) when it is 20.x, else installed under benchmarks/.cache/ccusage20."""
    from tests.ccusage import ccusage_path

    node_version, why = _node_version()
    found = ccusage_path()
    if found is not None:
        version = _reported_version(found)
        if version is not None and version.startswith(CCUSAGE20_MAJOR):
            return Ccusage(Path(found), node_version, version, None)
        log(f"ccusage at {found} is version {version}, not {CCUSAGE20_MAJOR}x: using benchmarks/.cache/ccusage20")
    if node_version is None:
        return Ccusage(None, None, None, why)
    native = platform.system() == "Linux" and platform.machine() in ("x86_64", "AMD64")
    specs = [CCUSAGE20_SPEC, CCUSAGE20_NATIVE] if native else [CCUSAGE20_SPEC]
    return _npm_installed(CACHE / "ccusage20", specs, CCUSAGE20_MAJOR, node_version)


def check_ccusage_output(out: str) -> int:
    try:
        data = json.loads(out)
    except ValueError as exc:
        raise BenchError(f"ccusage printed no JSON: {exc}: {out[:300]!r}") from exc
    # ccusage 17 and `ccusage@20 claude session` print "sessions"; ccusage 20's unified report "session"
    sessions = (data.get("sessions") or data.get("session")) if isinstance(data, dict) else None
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
    background: Series
    waited: Series
    repeat: Series
    plain: Series
    ccusages: list[Series]  # "ccusage" (17), "ccusage20", "ccusage20-claude": those that ran
    startup: Series
    checks: dict[str, Any]


@dataclass
class CcusageRun:
    """One ccusage contender: which ccusage, with which arguments (before --json --offline)."""

    name: str
    cc: Ccusage
    args: list[str]


def ccusage_runs(cc17: Ccusage, cc20: Ccusage) -> list[CcusageRun]:
    runs = [CcusageRun("ccusage", cc17, ["session"])] if cc17.bin else []
    if cc20.bin:
        runs += [
            CcusageRun("ccusage20", cc20, ["session"]),
            CcusageRun("ccusage20-claude", cc20, ["claude", "session"]),
        ]
    return runs


def _worker_seconds(db: Path) -> float:
    """The store's worker the ingest started, waited for (refresh_bench.worker_seconds)."""
    from benchmarks.refresh_bench import worker_seconds

    return worker_seconds(db)


def measure_processes(
    corpus: Corpus, rounds: int, runs: list[CcusageRun], workdir: Path, pyc_as_is: bool
) -> ProcessResults:
    ingest = Series("ingest", "lessonloop ingest (fresh store; returns once what was read is stored)")
    background = Series("background", "the store's worker after it: analysis and learning (its own seconds)")
    waited = Series("waited", "lessonloop ingest --wait (fresh store: capture, analysis, learning in one process)")
    repeat = Series("repeat", "lessonloop ingest again (unchanged files)")
    plain = Series("plain", "plain orjson parse (python -c, same interpreter)")
    ccusages = [Series(r.name, f"ccusage {r.cc.version} {' '.join(r.args)} --json --offline") for r in runs]
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
        background_s = _worker_seconds(db)  # untimed wait: the worker runs nothing beside the next timing
        repeat_s, out = run(cmd, "lessonloop ingest (repeat)", env=env)
        again = check_ingest_output(out, corpus, repeat=True)
        shutil.rmtree(db.parent)
        db.parent.mkdir()
        waited_s, _out = run([*cmd[:2], "--wait", *cmd[2:]], "lessonloop ingest --wait", env=env)
        shutil.rmtree(db.parent)
        checks["ingest"] = {
            "problems": len(first["problems"]),
            "files_read": first["files"]["read"],
            "bytes_read": first["bytes_read"],
            "lines": first["lines"],
            "sessions": first.get("sessions"),
            "subagent_sessions": first.get("subagent_sessions"),
            "repeat_files_read": again["files"]["read"],
            "repeat_bytes_read": again["bytes_read"],
            "repeat_files_unchanged": again["files"]["unchanged"],
        }
        if record:
            ingest.times.append(first_s)
            background.times.append(background_s)
            waited.times.append(waited_s)
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

    def ccusage_contender(one: CcusageRun, series: Series) -> Callable[[bool], None]:
        def do_ccusage(record: bool) -> None:
            assert one.cc.bin is not None
            cmd = [str(one.cc.bin), *one.args, "--json", "--offline"]
            elapsed, out = run(cmd, one.name, env=one.cc.env())
            checks[one.name] = {"sessions": check_ccusage_output(out)}
            if record:
                series.times.append(elapsed)

        return do_ccusage

    contenders: list[tuple[str, Callable[[bool], None]]] = [("ingest", do_ingest), ("plain", do_plain)]
    contenders += [(one.name, ccusage_contender(one, series)) for one, series in zip(runs, ccusages, strict=True)]
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
    return ProcessResults(ingest, background, waited, repeat, plain, ccusages, startup, checks)


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


def machine_info(
    corpus: Corpus, source: Path, cc: Ccusage, cc20: Ccusage, pyc_as_is: bool, scale: int
) -> dict[str, Any]:
    import lessonloop

    return {
        "python": platform.python_version(),
        "python_executable": sys.executable,
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "orjson": orjson.__version__,
        "sqlite": sqlite3.sqlite_version,
        "lessonloop": lessonloop.__version__,
        "node": cc.node_version,
        "ccusage": cc.version,
        "ccusage_skipped": cc.skipped,
        "ccusage20": cc20.version,
        "ccusage20_path": str(cc20.bin) if cc20.bin else None,
        "ccusage20_skipped": cc20.skipped,
        "scale": scale,
        "python_bytecode": bytecode_note(pyc_as_is),
        "corpus": str(source) if scale == 1 else f"{source} x{scale} (tests/corpus_copies.claude_code_copies)",
        "corpus_files": len(corpus.files),
        "corpus_bytes": corpus.nbytes,
    }


# ccusage contender name -> the key of its ratio in the report
CCUSAGE_RATIOS = {
    "ccusage": "ingest_vs_ccusage",
    "ccusage20": "ingest_vs_ccusage20",
    "ccusage20-claude": "ingest_vs_ccusage20_claude",
}


def build_report(proc: ProcessResults, inproc: InProcessResults, info: dict[str, Any], rounds: int) -> dict[str, Any]:
    vs_cc = {CCUSAGE_RATIOS[s.name]: proc.ingest.median / s.median for s in proc.ccusages}
    vs_plain = proc.ingest.median / proc.plain.median
    repeat = proc.repeat.median / proc.ingest.median
    in_vs_plain = inproc.ingest.median / inproc.plain.median
    in_repeat = inproc.repeat.median / inproc.ingest.median
    ccusage_targets = {
        key: {
            "target": TARGET_VS_CCUSAGE,
            "ratio": vs_cc.get(key),
            "verdict": verdict(vs_cc.get(key), TARGET_VS_CCUSAGE),
        }
        for key in CCUSAGE_RATIOS.values()
    }
    return {
        "rounds": rounds,
        "machine": info,
        "process": {
            s.name: s.to_json()
            for s in (proc.ingest, proc.background, proc.waited, proc.repeat, proc.plain, *proc.ccusages, proc.startup)
        },
        "in_process": {s.name: s.to_json() for s in (inproc.ingest, inproc.repeat, inproc.plain)},
        "ratios": {
            **{key: vs_cc.get(key) for key in CCUSAGE_RATIOS.values()},
            "ingest_vs_plain": vs_plain,
            "repeat_vs_first": repeat,
            "startup_vs_first": proc.startup.median / proc.ingest.median,
            "in_process_ingest_vs_plain": in_vs_plain,
            "in_process_repeat_vs_first": in_repeat,
        },
        "targets": {
            **ccusage_targets,
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
    c = report["checks"]
    sessions = [f"lessonloop {c['ingest'].get('sessions')} (+{c['ingest'].get('subagent_sessions')} subagent)"]
    sessions += [f"{name} {c[name]['sessions']}" for name in CCUSAGE_RATIOS if name in c]
    lines = [
        f"Corpus: {m['corpus']} ({m['corpus_files']} files, {m['corpus_bytes']:,} bytes); "
        f"{report['rounds']} rounds, medians; {m['cpu_count']} CPUs; load average {m['load_average']}; "
        f"Python {m['python']}, node {m['node'] or '—'}, "
        f"ccusage {m['ccusage'] or '— (' + str(m['ccusage_skipped']) + ')'}, "
        f"ccusage {m['ccusage20'] or '— (' + str(m['ccusage20_skipped']) + ')'} ({m['ccusage20_path']}); "
        f"Python bytecode {m['python_bytecode']}.",
        "",
        "Sessions counted: " + ", ".join(sessions) + ".",
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
    for name in ("background", "waited"):
        if name in p:
            waited_ratio = p[name]["median_s"] / p["waited"]["median_s"] if p["waited"]["median_s"] else 0.0
            lines.append(
                f"| {p[name]['label']} | {p[name]['median_s']:.4f} | {p[name]['min_s']:.4f} | "
                f"{waited_ratio:.3f}x ingest --wait |"
            )
    lines.append(
        f"| {p['repeat']['label']} | {p['repeat']['median_s']:.4f} | {p['repeat']['min_s']:.4f} | "
        f"{fmt_ratio(r['repeat_vs_first'])} first ingest |"
    )
    lines.append(f"| {p['plain']['label']} | {plain:.4f} | {p['plain']['min_s']:.4f} | 1.000x (baseline) |")
    for name, key in CCUSAGE_RATIOS.items():
        if name in p:
            lines.append(
                f"| {p[name]['label']} | {p[name]['median_s']:.4f} | {p[name]['min_s']:.4f} | "
                f"ingest = {fmt_ratio(r[key])} {name} |"
            )
        elif name == "ccusage":
            lines.append(f"| ccusage 17 (skipped: {m['ccusage_skipped']}) | — | — | — |")
        else:
            lines.append(f"| {name} (skipped: {m['ccusage20_skipped']}) | — | — | — |")
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
        *(
            f"| ingest <= 1.0x {name} (whole process) | {fmt_ratio(t[key]['ratio'])} | {t[key]['verdict']} |"
            for name, key in CCUSAGE_RATIOS.items()
        ),
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
    parser.add_argument(
        "--scale",
        type=int,
        default=1,
        help="read N copies of the corpus, ids distinct per copy (tests/corpus_copies; default 1: the corpus itself)",
    )
    parser.add_argument("--no-ccusage17", action="store_true", help="leave ccusage 17 out (ccusage 20 only)")
    parser.add_argument("--json", action="store_true", help="print all figures as one JSON object")
    parser.add_argument(
        "--pyc-as-is",
        action="store_true",
        help="run the Python contenders with the environment as it is (no bytecode cache of our own)",
    )
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.scale < 1:
        parser.error("--scale must be at least 1")
    source = args.corpus.resolve()
    corpus = find_corpus(source)
    cc = Ccusage(None, None, None, "--no-ccusage17") if args.no_ccusage17 else setup_ccusage()
    if cc.skipped:
        log(f"ccusage 17 skipped: {cc.skipped}")
    cc20 = setup_ccusage20()
    if cc20.skipped:
        log(f"ccusage 20 skipped: {cc20.skipped}")
    with tempfile.TemporaryDirectory(prefix="lessonloop-bench-") as tmp:
        workdir = Path(tmp)
        # Every contender reads the same copy, in ccusage's projects/ folder (ccusage 20 finds
        # nothing in a symlinked project folder).
        config_dir = workdir / "claude-config"
        copied = config_dir / "projects" / source.name
        if args.scale > 1:
            from tests.corpus_copies import claude_code_copies

            # projects/copyNNN/: each copy one project folder, as Claude Code lays them out (ccusage
            # makes a session of each folder's top-level files when a project has one more level)
            copied = config_dir / "projects"
            log(f"copying the corpus {args.scale} times (ids distinct per copy) ...")
            claude_code_copies(copied, args.scale, corpus.path)
        else:
            for path in corpus.files:
                target = copied / path.relative_to(corpus.path)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
        corpus = find_corpus(copied)
        cc.config_dir = cc20.config_dir = config_dir
        try:
            runs = ccusage_runs(cc, cc20)
            proc = measure_processes(corpus, args.rounds, runs, workdir, args.pyc_as_is)
            log("in-process rounds ...")
            inproc = measure_in_process(corpus, args.rounds, workdir)
        except BenchError as exc:
            log(f"benchmark failed: {exc}")
            return 1
        info = machine_info(corpus, source, cc, cc20, args.pyc_as_is, args.scale)
    report = build_report(proc, inproc, info, args.rounds)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(render_markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
