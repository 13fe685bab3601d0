"""Commits from `git log`: metadata, files with their line counts, and hunks.

Two passes, streamed in 1 MiB chunks; the patches of each batch of `BATCH_COMMITS` commits are
read (in a thread) while the files of the next batch are. First
the files of every commit, without patches:

    git log --stdin --first-parent --diff-merges=first-parent -M --raw --numstat -z --format=F

with the branch tips (and `^old-tip` for each tip read before) on stdin. Each commit starts with
a marker no commit can hold at that place (record separators and a name, then the full hash
and a NUL); the header's fields are NUL-separated (a commit message cannot contain NUL); the raw
entries follow (":modes blobs STATUS" NUL path NUL, a rename "R<score>" NUL old NUL new NUL),
then the numstat entries in the same order, NUL-terminated (a rename is "ins del" NUL old NUL
new NUL). Binary files have no line counts ("-") and no hunks.

Then the patches, asked only for what is kept: files with changed lines, not binary, outside the
vendored and generated trees (`excluded_path`, never asked: line counts stored, no hunks) and
not judged beyond the per-file cap from their line counts (more changed lines than
`file_bytes / LINE_BYTES`: line counts stored, no hunks, marked truncated):

    git log --no-walk=unsorted --stdin --first-parent --diff-merges=first-parent -M -p -z -- PATHSPECS

with the commits on stdin and each file left out as a literal `:(exclude)` pathspec. Pathspecs
hold for the whole process, so the commits are put in as few groups as can share them (a file
left out of one commit's patch is never one another commit of its group needs). The patch has
one "diff --git" section per file git shows, in numstat's order. Hunks are kept up to a cap per
file and per commit (the hunk that crosses a cap is cut after its last whole line that fits),
redacted in scope "code"; a commit whose patch is larger than `MAX_COMMIT_BYTES` keeps only its
first bytes.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO

from lessonloop.capture.git.conventional import parse_conventional
from lessonloop.capture.git.records import GitCommit, GitFile, GitHunk
from lessonloop.capture.git.repository import GitError, git_command, git_environment, git_failure
from lessonloop.core.timestamps import format_timestamp
from lessonloop.secrets.redaction import redact

MARKER = b"\x1e\x1elessonloop\x1f"
_FORMAT = "%x1e%x1elessonloop%x1f%H%x00%P%x00%S%x00%an%x00%ae%x00%aI%x00%cI%x00%B%x00"
_HEADER_FIELDS = 8
CHUNK_BYTES = 1 << 20
# Hunk text kept: per file and per commit (whole hunks only; the rest is counted, not stored).
MAX_FILE_HUNK_BYTES = 20_000
MAX_COMMIT_HUNK_BYTES = 100_000
# Bytes of one commit's output held at most (a generated file of hundreds of MB): the rest is
# read and dropped; numstat, before the patch, still names every file.
MAX_COMMIT_BYTES = 16 << 20
_HUNK = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$", re.MULTILINE)
_SECTION = b"\ndiff --git "
_PATCH_FORMAT = "%x1e%x1elessonloop%x1f%H%x00"
# Commits read per batch: their files first, then one patch pass for the batch.
BATCH_COMMITS = 500
# A changed line is taken as at least this many bytes of patch: a file with more changed lines
# than file_bytes / LINE_BYTES is judged beyond the per-file cap from numstat, its patch not asked.
LINE_BYTES = 32
# Vendored and generated trees: their line counts are stored, their patches never asked for.
_EXCLUDED_DIRS = frozenset({"node_modules", "vendor", "dist", "build", "bower_components"})
_EXCLUDED_NAMES = frozenset(
    {
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "poetry.lock",
        "uv.lock",
        "Pipfile.lock",
        "Cargo.lock",
        "Gemfile.lock",
        "composer.lock",
        "go.sum",
    }
)
_EXCLUDED_SUFFIXES = (".min.js", ".min.css", ".js.map", ".css.map")


@dataclass(slots=True)
class Caps:
    """The size caps of stored hunks (bytes of diff text)."""

    file_bytes: int = MAX_FILE_HUNK_BYTES
    commit_bytes: int = MAX_COMMIT_HUNK_BYTES
    keep_hunks: bool = True  # false: [capture] store_diffs = false, no hunk is kept


@dataclass(slots=True)
class ReadNotes:
    """What one read met on its way, counted (the pipeline turns them into notices)."""

    messages_not_utf8: int = 0
    binary_files: int = 0
    truncated_commits: int = 0
    excluded_files: int = 0  # file changes in vendored or generated trees: no patch asked
    beyond_cap_files: int = 0  # file changes judged beyond the per-file cap from numstat: no patch asked
    unmatched_patches: int = 0  # commits whose patch sections did not match their numstat
    damaged: int = 0  # pieces of output that were no commit (never seen: counted, skipped)
    warnings: list[str] = field(default_factory=list)  # git's own warnings (rename limits, ...)


def log_command(folder: str) -> list[str]:
    return git_command(
        folder,
        "log",
        "--stdin",
        "--first-parent",
        "--diff-merges=first-parent",
        "--no-ext-diff",
        "--no-textconv",
        "--encoding=UTF-8",
        "-M",
        "--raw",
        "--numstat",
        "-z",
        f"--format={_FORMAT}",
    )


def patch_command(folder: str, excluded: Iterable[str]) -> list[str]:
    """The patches of the commits on stdin (merges against their first parent), without the
    `excluded` paths (the vendored and generated files among them, each by name: the same trees
    as `**/vendor/**`-style glob pathspecs made git ten times slower on a history of small
    commits, a tree walk per commit)."""
    return git_command(
        folder,
        "log",
        "--no-walk=unsorted",
        "--stdin",
        "--first-parent",
        "--diff-merges=first-parent",
        "--no-ext-diff",
        "--no-textconv",
        "-M",
        "-p",
        "-z",
        f"--format={_PATCH_FORMAT}",
        "--",
        *(f":(top,exclude,literal){path}" for path in sorted(excluded)),
    )


def excluded_path(path: str) -> bool:
    """A path in a vendored or generated tree (node_modules, vendor, dist, build, bower_components
    anywhere in it; lockfiles; minified files and source maps)."""
    *folders, name = path.split("/")
    return (
        name in _EXCLUDED_NAMES or name.endswith(_EXCLUDED_SUFFIXES) or any(part in _EXCLUDED_DIRS for part in folders)
    )


def revisions(tips: Iterable[str], old_tips: Iterable[str]) -> str:
    """`git log --stdin`'s input: the tips to read from and `^old` for each tip read before."""
    return "".join(f"{tip}\n" for tip in tips) + "".join(f"^{sha}\n" for sha in old_tips)


def read_log(
    repository: str,
    folder: str,
    tips: Sequence[str],
    old_tips: Sequence[str] = (),
    *,
    main_ref: str | None = None,
    main_chain: Iterable[str] = (),
    caps: Caps | None = None,
    notes: ReadNotes | None = None,
) -> Iterator[GitCommit]:
    """The commits of `tips`' first-parent histories not reachable from `old_tips`, newest first.
    A commit of `main_chain` (the main branch's first-parent history) is on `main_ref`, whatever
    other branch reaches it too. GitError, after every commit read, when git fails."""
    caps = caps or Caps()
    notes = notes if notes is not None else ReadNotes()
    on_main = frozenset(main_chain)
    if not tips:
        return
    batch: list[GitCommit] = []
    pending: _PatchRead | None = None  # the previous batch, its patches read while this one's files are
    failure: GitError | None = None
    try:
        for piece in _pieces(repository, log_command(folder), revisions(tips, old_tips), notes):
            commit = parse_commit(piece, caps, notes)
            if commit is None:
                continue
            if commit.hash in on_main and main_ref is not None:
                commit.branch = branch_name(main_ref)
            batch.append(commit)
            if len(batch) >= BATCH_COMMITS:
                if pending is not None:
                    yield from pending.finish()
                pending = _PatchRead(repository, folder, batch, caps, notes)
                batch = []
    except GitError as exc:  # raised again after every commit read
        failure = exc
    if pending is not None:
        yield from pending.finish()
    yield from _PatchRead(repository, folder, batch, caps, notes).finish()
    if failure is not None:
        raise failure


def _pieces(repository: str, command: list[str], stdin: str, notes: ReadNotes) -> Iterator[bytes]:
    """Each commit's output of one git command fed `stdin`; GitError, after every commit read,
    when git fails; its warnings go to `notes`."""
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                env=git_environment(),
            )
        except FileNotFoundError as exc:
            raise GitError(repository, "git-missing", "git is not installed (no `git` command on PATH)") from exc
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(stdin.encode())
            process.stdin.close()
            yield from split_commits(process.stdout, notes)
        finally:
            if process.poll() is None:
                process.stdout.close()
                process.kill()
            status = process.wait()
        errors.seek(0)
        stderr = errors.read()
    if status != 0 and status != -9:
        raise GitError(repository, "git-failed", git_failure("log", stderr))
    notes.warnings.extend(
        line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip().startswith("warning:")
    )


@dataclass(slots=True)
class _Plan:
    """What one commit's patch is asked for: `shown` the files git shows (in order; a type
    change shows twice), `asked` those whose hunks are kept, `left_out` the paths excluded."""

    commit: GitCommit
    shown: list[GitFile]
    asked: set[int]
    left_out: set[str]
    paths: set[str]
    beyond: set[int]  # id() of the files judged beyond the per-file cap


@dataclass(slots=True)
class _Group:
    """Commits whose patches one git process reads: `excluded` the paths left out of all."""

    excluded: set[str] = field(default_factory=set)
    needed: set[str] = field(default_factory=set)
    plans: dict[str, _Plan] = field(default_factory=dict)


class _PatchRead:
    """The hunks of a batch of commits' files whose patches are kept, read by git (as few
    processes as the files left out allow) in a thread while the next batch's files are read."""

    def __init__(self, repository: str, folder: str, commits: list[GitCommit], caps: Caps, notes: ReadNotes) -> None:
        self.repository, self.folder, self.commits, self.caps, self.notes = repository, folder, commits, caps, notes
        self.groups: list[_Group] = []
        for commit in commits:
            plan = _plan(commit, caps, notes)
            if plan is None:
                continue
            for group in self.groups:
                if not (plan.left_out & group.needed or plan.paths & group.excluded):
                    break
            else:
                group = _Group()
                self.groups.append(group)
            group.excluded |= plan.left_out
            group.needed |= plan.paths
            group.plans[commit.hash] = plan
        self.pieces: list[tuple[_Group, bytes]] = []
        self.own = ReadNotes()  # the thread's (merged into `notes` by finish)
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None
        if self.groups:
            self.thread = threading.Thread(target=self._read, name="git-patches", daemon=True)
            self.thread.start()

    def _read(self) -> None:
        try:
            for group in self.groups:
                stdin = "".join(f"{sha}\n" for sha in group.plans)
                command = patch_command(self.folder, group.excluded)
                for piece in _pieces(self.repository, command, stdin, self.own):
                    self.pieces.append((group, piece))
        except BaseException as exc:  # raised again by finish, in the reading thread
            self.error = exc

    def finish(self) -> Iterator[GitCommit]:
        """The batch's commits with their hunks; git's failure raised after them."""
        if self.thread is not None:
            self.thread.join()
        notes = self.notes
        notes.damaged += self.own.damaged
        notes.warnings.extend(self.own.warnings)
        for group, piece in self.pieces:
            sha, _, patch = piece.partition(b"\x00")
            plan = group.plans.get(sha.decode("ascii", "replace"))
            if plan is None:
                notes.damaged += 1
                continue
            if len(piece) >= MAX_COMMIT_BYTES:
                plan.commit.hunks_truncated = True
            _attach_hunks(plan, patch.lstrip(b"\x00\n"), self.caps, notes)
        self.pieces = []
        notes.truncated_commits += sum(1 for c in self.commits if c.hunks_truncated)
        yield from self.commits
        if self.error is not None:
            raise self.error


def _plan(commit: GitCommit, caps: Caps, notes: ReadNotes) -> _Plan | None:
    """Which of the commit's files to ask the patch of (None: none). Files beyond the per-file
    cap from their line counts are marked truncated here (the commit too)."""
    if not caps.keep_hunks:  # no hunk kept: every file with some is cut at once
        for git_file in commit.files:
            if (git_file.insertions or git_file.deletions) and not git_file.binary:
                git_file.hunks_truncated = commit.hunks_truncated = True
        return None
    limit = caps.file_bytes // LINE_BYTES
    shown: list[GitFile] = []
    asked: set[int] = set()
    left_out: set[str] = set()
    paths: set[str] = set()
    beyond: set[int] = set()
    for git_file in commit.files:
        names = [git_file.path] if git_file.old_path is None else [git_file.old_path, git_file.path]
        changed = (git_file.insertions or 0) + (git_file.deletions or 0)
        if any(excluded_path(name) for name in names):
            if changed and not git_file.binary:
                git_file.hunks_truncated = True
                notes.excluded_files += 1
            left_out.update(names)  # each by name: glob pathspecs cost git a tree walk per commit
            continue
        if changed > limit and not git_file.binary:
            git_file.hunks_truncated = True
            notes.beyond_cap_files += 1
            beyond.add(id(git_file))
            left_out.update(names)
            continue
        paths.update(names)
        if changed and not git_file.binary and git_file.status != "T":
            asked.add(len(shown))
        shown.append(git_file)
        if git_file.status == "T":
            shown.append(git_file)  # git shows a type change as a deletion and an addition
    if beyond:
        commit.hunks_truncated = True
    if not asked:
        return None
    return _Plan(commit, shown, asked, left_out, paths, beyond)


def split_commits(stream: IO[bytes], notes: ReadNotes) -> Iterator[bytes]:
    """The output of each commit, read from `stream` in chunks. A commit's bytes beyond
    MAX_COMMIT_BYTES are read and dropped (only the marker of the next commit is looked for)."""
    width = len(MARKER) - 1
    pieces: list[bytes] = []
    held = 0
    dropped = False
    tail = b""  # the stream's last bytes before the current chunk (a marker may span chunks)
    started = False
    while chunk := stream.read(CHUNK_BYTES):
        window = tail + chunk
        if MARKER not in window:
            if held < MAX_COMMIT_BYTES:
                pieces.append(chunk)
                held += len(chunk)
            else:
                dropped = True
            tail = window[-width:]
            continue
        data = b"".join(pieces) + (tail if dropped else b"") + chunk
        parts = data.split(MARKER)
        for part in parts[:-1]:
            if started:
                yield part
            elif part.strip(b"\x00\n"):
                notes.damaged += 1  # output before the first commit: never expected
            started = True
        pieces, held, dropped = [parts[-1]], len(parts[-1]), False
        tail = data[-width:]
    if started:
        yield b"".join(pieces)


def parse_commit(piece: bytes, caps: Caps, notes: ReadNotes) -> GitCommit | None:
    """One commit's output -> a GitCommit (None, counted, for output that is no commit)."""
    fields = piece.split(b"\x00", _HEADER_FIELDS)
    if len(fields) <= _HEADER_FIELDS or not _is_hash(fields[0]):
        notes.damaged += 1
        return None
    sha, parents, source, name, email, authored, committed, body, rest = fields
    try:
        message = body.decode("utf-8")
        not_utf8 = False
    except UnicodeDecodeError:
        message = body.decode("utf-8", "replace")
        not_utf8 = True
        notes.messages_not_utf8 += 1
    message = message.strip("\n")
    conventional = parse_conventional(message)
    message = redact(message, "prose")[0] if message else message
    moment = _parse_time(authored)
    offset = moment.utcoffset() if moment is not None else None
    commit = GitCommit(
        hash=sha.decode("ascii"),
        parents=tuple(parents.decode("ascii").split()),
        branch=branch_name(source.decode("utf-8", "replace")),
        author_name=name.decode("utf-8", "replace"),
        author_email=email.decode("utf-8", "replace"),
        authored_at=format_timestamp(moment) if moment is not None else "",
        author_offset_minutes=int(offset.total_seconds() // 60) if offset is not None else 0,
        author_hour=moment.hour if moment is not None else 0,
        author_weekday=moment.weekday() if moment is not None else 0,
        committed_at=_canonical(committed),
        message=message,
        conventional=conventional,
        message_not_utf8=not_utf8,
    )
    commit.files = _files(rest)
    notes.binary_files += sum(1 for f in commit.files if f.binary)
    if len(piece) >= MAX_COMMIT_BYTES:
        commit.hunks_truncated = True
    return commit


def branch_name(source: str) -> str | None:
    """refs/heads/NAME -> NAME; a detached HEAD has no branch (None)."""
    if source.startswith("refs/heads/"):
        return source[len("refs/heads/") :]
    return None if source in ("", "HEAD") else source


def _is_hash(text: bytes) -> bool:
    return len(text) in (40, 64) and all(c in b"0123456789abcdef" for c in text)


def _parse_time(text: bytes) -> datetime | None:
    try:
        return datetime.fromisoformat(text.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return None


def _canonical(text: bytes) -> str:
    moment = _parse_time(text)
    return format_timestamp(moment) if moment is not None else ""


def _files(rest: bytes) -> list[GitFile]:
    """The files after the header: their raw entries (the change), then their numstat entries."""
    pos = 0
    size = len(rest)
    while pos < size and rest[pos] in b"\x00\n":  # the header's terminator and git's newline
        pos += 1
    statuses: list[str] = []
    while pos < size and rest[pos] == 0x3A:  # ":" old-mode new-mode old-blob new-blob STATUS NUL path(s) NUL
        end = rest.find(b"\x00", pos)
        if end < 0:
            break
        status = rest[end - 4 : end].rsplit(b" ", 1)[-1][:1].decode("ascii", "replace")
        end = rest.find(b"\x00", end + 1)
        if status in ("R", "C"):
            end = rest.find(b"\x00", end + 1)
        if end < 0:
            break
        statuses.append(status)
        pos = end + 1
    files, _ = _numstat(rest[pos:])
    if len(files) == len(statuses):
        for git_file, status in zip(files, statuses, strict=True):
            if git_file.old_path is None and status in "ADT":
                git_file.status = status
            elif git_file.old_path is not None and status == "C":
                git_file.status = "C"
    return files


def _numstat(rest: bytes) -> tuple[list[GitFile], bytes]:
    """The numstat entries after the header, and the patch after them."""
    files: list[GitFile] = []
    pos = 0
    size = len(rest)
    while pos < size and rest[pos] in b"\x00\n":  # the header's terminator and git's newline
        pos += 1
        if rest[pos - 1] == 0x0A:
            break
    while pos < size:
        first = rest[pos]
        if first == 0:
            pos += 1  # the empty entry ending numstat
            break
        if not (0x30 <= first <= 0x39 or first == 0x2D):  # a digit, or "-" of a binary file
            break
        tab1 = rest.find(b"\t", pos)
        tab2 = rest.find(b"\t", tab1 + 1) if tab1 >= 0 else -1
        if tab2 < 0:
            break
        added, deleted = rest[pos:tab1], rest[tab1 + 1 : tab2]
        binary = added == b"-"
        if tab2 + 1 < size and rest[tab2 + 1] == 0:  # a rename or copy: NUL old NUL new NUL
            end_old = rest.find(b"\x00", tab2 + 2)
            end_new = rest.find(b"\x00", end_old + 1) if end_old >= 0 else -1
            if end_new < 0:
                break
            old_path: str | None = _path(rest[tab2 + 2 : end_old])
            path = _path(rest[end_old + 1 : end_new])
            pos = end_new + 1
        else:
            end = rest.find(b"\x00", tab2 + 1)
            if end < 0:
                break
            old_path, path = None, _path(rest[tab2 + 1 : end])
            pos = end + 1
        files.append(
            GitFile(
                path=path,
                old_path=old_path,
                status="R" if old_path is not None else "M",
                insertions=None if binary else int(added),
                deletions=None if binary else int(deleted),
                binary=binary,
            )
        )
    return files, rest[pos:]


def _path(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _attach_hunks(plan: _Plan, patch: bytes, caps: Caps, notes: ReadNotes) -> None:
    """The asked files' hunks from their "diff --git" sections (in the order of `plan.shown`),
    under the caps; a file judged beyond the per-file cap takes its share of the commit's cap."""
    commit = plan.commit
    if not patch.startswith(b"diff --git "):
        notes.unmatched_patches += 1
        return
    starts = [0]
    find = patch.find
    at = find(_SECTION)
    while at >= 0:
        starts.append(at + 1)
        at = find(_SECTION, at + 1)
    if len(starts) != len(plan.shown):
        notes.unmatched_patches += 1
        return
    ends = [*starts[1:], len(patch)]
    sections: dict[int, bytes] = {}
    for index, (start, end) in enumerate(zip(starts, ends, strict=True)):
        if index in plan.asked:
            sections[id(plan.shown[index])] = patch[start:end]
    commit_left = caps.commit_bytes
    for git_file in commit.files:
        section = sections.get(id(git_file))
        if section is None:
            if id(git_file) in plan.beyond:
                commit_left -= min(caps.file_bytes, commit_left)  # what its first hunks would have taken
            continue
        first_hunk = section.find(b"\n@@ ")
        if first_hunk < 0:
            continue
        file_left = min(caps.file_bytes, commit_left)
        matches = _HUNK.finditer(section, first_hunk + 1)
        match = next(matches, None)
        while match is not None:
            following = next(matches, None)
            body_start = match.end() + 1
            body_end = following.start() if following is not None else len(section)
            size = body_end - body_start
            cut = size > file_left
            if cut:  # the hunk's first whole lines that fit, then no more of this file
                git_file.hunks_truncated = True
                commit.hunks_truncated = True
                body_end = section.rfind(b"\n", body_start, body_start + file_left + 1)
                if body_end <= body_start:
                    break
                size = body_end - body_start
            file_left -= size
            commit_left -= size
            text = section[body_start:body_end].rstrip(b"\n").decode("utf-8", "replace")
            heading = match.group(5).decode("utf-8", "replace").strip()
            git_file.hunks.append(
                GitHunk(
                    old_start=int(match.group(1)),
                    old_lines=int(match.group(2)) if match.group(2) is not None else 1,
                    new_start=int(match.group(3)),
                    new_lines=int(match.group(4)) if match.group(4) is not None else 1,
                    header=redact(heading, "code")[0] if heading else "",
                    text=redact(text, "code")[0] if text else "",
                )
            )
            if cut:
                break
            match = following
