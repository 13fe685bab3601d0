"""Bandit on the Python lines agents added: one bandit subprocess for a whole run's edits.

Each scannable Python edit (see `diff_risk.scannable`) becomes one file in a temporary folder
holding only its added lines, each on its original new-file line number (the other lines are
blank), so bandit's line numbers are the new file's. The added lines must parse on their own:

1. each run of consecutive added lines is dedented (textwrap.dedent) and kept if it parses;
2. a run that does not parse (an `else:` without its `if`, a call cut in the middle) falls
   back to its lines one at a time, each dedented, kept when it parses alone;
3. the kept pieces are checked together once more; if they still do not parse (rare), only
   the single lines that parse alone are kept.

What does not parse is skipped: bandit reads whole statements only. Several bandit tests
(yaml.load, for one) fire only when the module is imported, and an edit in the middle of a file
rarely adds its imports: when line 1 is free, it holds the imports seen anywhere in the diff
(context or removed lines too) and an `import m` for each well-known module the kept lines
call into (``yaml.load(...)`` -> ``import yaml``). Findings on that line are dropped: only
added lines are reported. Bandit's test ids become
rules "bandit:<test_id>" (B602, B506, ...), its severities lower-cased. Tests that only note
that code exists rather than a risk are skipped by default (`DEFAULT_SKIPS`): B101
assert_used (every pytest test), B404 import_subprocess and B603 subprocess without a shell.

`BanditScan` gathers the snippets of every session an analysis run takes (written to a temporary
folder as they come, so memory keeps only their added lines) and starts one bandit process for
all of them at the end, or one per CHUNK_BYTES of snippets on a very large run; its time limit
grows with the bytes it reads. `run_bandit` does the same for one list of calls. Neither raises:
`run_bandit` returns None when bandit is not installed, fails, times out or prints something
that is not its JSON report, and a BanditScan names the tags (sessions) whose snippets it could
not scan.
"""

from __future__ import annotations

import ast
import contextlib
import re
import subprocess
import tempfile
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lessonloop.analyze.diff_risk import MAX_TEXT, PYTHON, RiskFinding, added_lines, file_extension, scannable
from lessonloop.analyze.inputs import Call
from lessonloop.core import json_codec
from lessonloop.scanners.bandit_probe import bandit_command

DEFAULT_SKIPS = ("B101", "B404", "B603")
TIMEOUT_SECONDS = 60.0  # a bandit process's time limit, plus TIMEOUT_PER_MB per MB of snippets it reads
TIMEOUT_PER_MB = 30.0
CHUNK_BYTES = 50_000_000  # snippets one bandit process reads at most (a bigger run takes several)
_SEVERITIES = {"low": "low", "medium": "medium", "high": "high", "critical": "critical"}
# .ipynb edits carry cell source, not a file bandit would read as Python: only real .py files.
_BANDIT_EXTENSIONS = PYTHON - {".ipynb"}
# Modules bandit's tests look for; a kept line that calls into one gets it imported.
_WELL_KNOWN_MODULES = frozenset(
    {
        *("os", "subprocess", "commands", "popen2", "shlex", "yaml", "pickle", "cPickle", "_pickle", "dill"),
        *("marshal", "shelve", "jsonpickle", "hashlib", "hmac", "ssl", "socket", "requests", "httpx"),
        *("urllib", "urllib2", "urllib3", "telnetlib", "ftplib", "tempfile", "random", "jinja2", "mako"),
        *("paramiko", "xml", "lxml", "xmlrpc", "sqlite3", "torch", "pandas", "tarfile", "zipfile", "Crypto"),
        *("cryptography", "flask", "django", "logging", "pycurl", "wsgiref", "pyghmi", "asyncio"),
    }
)
_DOTTED_ROOT = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\.\w")


@dataclass(frozen=True, slots=True)
class Snippet:
    """The parsable part of one edit's added lines, laid out on their new-file line numbers."""

    call: Call
    source: str  # the file bandit reads: kept lines at their line numbers, blank elsewhere
    lines: dict[int, str]  # new-file line number -> the added line as the agent wrote it


def snippet_for(call: Call) -> Snippet | None:
    """The call's added Python lines as a parsable file, or None when nothing of it parses."""
    if not scannable(call) or call.diff is None or file_extension(call.target_path) not in _BANDIT_EXTENSIONS:
        return None
    numbered = added_lines(call.diff)
    if not numbered:
        return None
    pieces = _parsable_pieces(_runs(numbered))
    if not pieces:
        return None
    header = _import_header(call.diff, [text for piece in pieces for _, text in piece])
    source = _layout(pieces, header)
    if not _parses(source):
        pieces = _single_lines(numbered)
        source = _layout(pieces, header) if pieces else ""
        if not pieces or not _parses(source):
            return None
    original = dict(numbered)
    kept = {line_no: original[line_no] for piece in pieces for line_no, _ in piece}
    return Snippet(call, source, kept)


def _runs(numbered: Sequence[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Consecutive added lines grouped together."""
    runs: list[list[tuple[int, str]]] = []
    for line_no, text in numbered:
        if runs and runs[-1][-1][0] == line_no - 1:
            runs[-1].append((line_no, text))
        else:
            runs.append([(line_no, text)])
    return runs


def _dedented(lines: Sequence[tuple[int, str]]) -> list[tuple[int, str]] | None:
    """The lines dedented together, or None when they do not parse as a module."""
    if not any(text.strip() for _, text in lines):
        return None
    block = textwrap.dedent("\n".join(text for _, text in lines))
    if not _parses(block):
        return None
    return list(zip((line_no for line_no, _ in lines), block.split("\n"), strict=True))


def _parsable_pieces(runs: Iterable[list[tuple[int, str]]]) -> list[list[tuple[int, str]]]:
    pieces: list[list[tuple[int, str]]] = []
    for run in runs:
        whole = _dedented(run)
        if whole is not None:
            pieces.append(whole)
        else:
            pieces.extend(piece for piece in _single_lines(run) if piece)
    return pieces


def _single_lines(lines: Sequence[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    return [piece for line in lines if (piece := _dedented([line])) is not None]


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # ValueError: null bytes
        return False
    return True


def _layout(pieces: Iterable[Sequence[tuple[int, str]]], header: str = "") -> str:
    """A file with each piece's lines on their line numbers and blank lines elsewhere; the
    header goes on line 1 when no piece uses it."""
    by_line = {line_no: text for piece in pieces for line_no, text in piece}
    if header and 1 not in by_line:
        by_line[1] = header
    last = max(by_line)
    return "\n".join(by_line.get(line_no, "") for line_no in range(1, last + 1)) + "\n"


def _import_header(diff: str, kept: Sequence[str]) -> str:
    """One line of imports: those in the diff's lines, then `import m` for the well-known
    modules the kept lines use (by a dotted name such as yaml.load)."""
    statements: list[str] = []
    for raw in diff.split("\n"):
        text = raw[1:].strip()
        if raw[:1] in (" ", "+", "-") and text.startswith(("import ", "from ")) and _is_import(text):
            statements.append(text)
    used = {match.group(1) for line in kept for match in _DOTTED_ROOT.finditer(line)}
    statements += [f"import {module}" for module in sorted(used & _WELL_KNOWN_MODULES)]
    return "; ".join(dict.fromkeys(statements))


def _is_import(text: str) -> bool:
    try:
        body = ast.parse(text).body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return len(body) == 1 and isinstance(body[0], ast.Import | ast.ImportFrom)


def run_bandit(
    calls: Iterable[Call], *, skips: Sequence[str] = DEFAULT_SKIPS, timeout: float = TIMEOUT_SECONDS
) -> list[RiskFinding] | None:
    """Bandit findings on the Python lines the calls added, in call order then line order.

    One bandit process reads every snippet. [] when no call has Python lines that parse;
    None when bandit is unavailable or fails.
    """
    command = bandit_command()
    if command is None:
        return None
    with BanditScan(command, skips=skips, timeout=timeout) as scan:
        scan.add(calls)
        outcome = scan.finish()
    return None if outcome.failed else outcome.findings.get("", [])


@dataclass(frozen=True, slots=True)
class _Placed:
    """A snippet written for bandit: whose it is and what its findings need of its call."""

    tag: str
    order: int
    path: str | None
    tool_use_id: str
    context_id: str
    seq: int
    lines: dict[int, str]


@dataclass(slots=True)
class ScanOutcome:
    """What a BanditScan found: findings per tag (in the order the calls were added, then line
    order), the tags some of whose snippets bandit could not read, the bandit processes started."""

    findings: dict[str, list[RiskFinding]] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)
    processes: int = 0


class BanditScan:
    """Bandit over the edits of a whole run, in as few processes as possible.

    `add(calls, tag)` writes each scannable call's snippet to a temporary folder at once (memory
    keeps only its added lines, for the findings' texts); a bandit process starts when the
    snippets waiting reach `chunk_bytes` (CHUNK_BYTES: one process per ingest in practice) and at
    `finish`. The tag (a session id) says whose findings are whose. Never raises: a call that
    cannot be written, or a chunk bandit fails on, marks its tags failed. Use it in a `with`
    block (the folder is removed at the end)."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        skips: Sequence[str] = DEFAULT_SKIPS,
        timeout: float = TIMEOUT_SECONDS,
        chunk_bytes: int = CHUNK_BYTES,
    ) -> None:
        self._command = list(command)
        self._skips = skips
        self._timeout = timeout
        self._chunk_bytes = chunk_bytes
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._waiting: dict[str, _Placed] = {}  # file name -> snippet, of the chunk not scanned yet
        self._bytes = 0
        self._count = 0
        self.outcome = ScanOutcome()

    def __enter__(self) -> BanditScan:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None

    def add(self, calls: Iterable[Call], tag: str = "") -> None:
        """Write the snippets of `calls` (those bandit can read); scan when a chunk is full."""
        try:
            for call in calls:
                snippet = snippet_for(call)
                if snippet is None:
                    continue
                folder = self._chunk_folder()
                name = f"snippet_{self._count:07d}.py"
                data = snippet.source.encode("utf-8", "replace")
                (folder / name).write_bytes(data)
                self._waiting[name] = _Placed(
                    tag, self._count, call.target_path, call.id, call.context_id, call.seq, snippet.lines
                )
                self._count += 1
                self._bytes += len(data)
                if self._bytes >= self._chunk_bytes:
                    self._scan()
        except Exception:  # an optional scanner: whatever goes wrong, the analysis goes on without it
            self.outcome.failed.add(tag)

    def finish(self) -> ScanOutcome:
        """Scan the snippets still waiting; what was found over the whole run."""
        try:
            if self._waiting:
                self._scan()
        except Exception:
            self.outcome.failed.update(placed.tag for placed in self._waiting.values())
        finally:
            self._waiting = {}
            self.close()
        return self.outcome

    def _chunk_folder(self) -> Path:
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="lessonloop-bandit-")
        return Path(self._folder.name)

    def _scan(self) -> None:
        """One bandit process over the waiting snippets; the folder emptied for the next chunk."""
        waiting, size = self._waiting, self._bytes
        self._waiting, self._bytes = {}, 0
        folder = self._chunk_folder()
        try:
            self.outcome.processes += 1
            timeout = self._timeout + size / 1_000_000 * TIMEOUT_PER_MB
            report = _run(self._command, str(folder), self._skips, timeout)
            found = [] if report is None else _findings(report, waiting)
        except Exception:
            report = None
        if report is None:
            self.outcome.failed.update(placed.tag for placed in waiting.values())
        else:
            for placed, finding in found:
                self.outcome.findings.setdefault(placed.tag, []).append(finding)
        for name in waiting:
            with contextlib.suppress(OSError):
                (folder / name).unlink()


def _run(command: Sequence[str], folder: str, skips: Sequence[str], timeout: float) -> dict[str, Any] | None:
    args = [*command, "-q", "-f", "json", "-r", folder]
    if skips:
        args += ["-s", ",".join(skips)]
    try:
        done = subprocess.run(args, capture_output=True, timeout=timeout, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode not in (0, 1):  # 1: issues found
        return None
    try:
        report = json_codec.loads(done.stdout)
    except json_codec.JSONDecodeError:
        return None
    if not isinstance(report, dict) or not isinstance(report.get("results"), list):
        return None
    return report


def _findings(report: dict[str, Any], names: dict[str, _Placed]) -> list[tuple[_Placed, RiskFinding]]:
    found: list[tuple[int, int, _Placed, RiskFinding]] = []
    for result in report["results"]:
        if not isinstance(result, dict):
            continue
        name = Path(str(result.get("filename", ""))).name
        placed = names.get(name)
        line_no = result.get("line_number")
        if placed is None or not isinstance(line_no, int) or line_no not in placed.lines:
            continue  # not ours, or on the import header
        found.append((placed.order, line_no, placed, _finding(result, placed, line_no)))
    found.sort(key=lambda item: (item[0], item[1]))
    return [(placed, finding) for _, _, placed, finding in found]


def _finding(result: dict[str, Any], placed: _Placed, line_no: int) -> RiskFinding:
    test_id = str(result.get("test_id") or "unknown")
    test_name = str(result.get("test_name") or test_id)
    issue = str(result.get("issue_text") or test_name)
    severity = _SEVERITIES.get(str(result.get("issue_severity", "")).lower(), "info")
    confidence = str(result.get("issue_confidence", "")).lower()
    text = placed.lines.get(line_no, "")
    more = result.get("more_info")
    return RiskFinding(
        rule=f"bandit:{test_id}",
        severity=severity,
        title=f"{test_name}: {issue}" + (f" (confidence {confidence})" if confidence else ""),
        path=placed.path,
        line=line_no,
        text=text.strip()[:MAX_TEXT],
        tool_use_id=placed.tool_use_id,
        context_id=placed.context_id,
        seq=placed.seq,
        source="bandit",
        fix=f"See {more}" if isinstance(more, str) and more else "See the bandit documentation for this test.",
    )
