"""Commits from one `git log` stream: metadata, files with their line counts, and hunks.

One subprocess per read, streamed in 1 MiB chunks:

    git log --stdin --first-parent --diff-merges=first-parent -M --numstat -p -z --format=F

with the branch tips (and `^old-tip` for each tip read before) on stdin. Each commit starts with
a marker no commit can hold at that place (record separators and a name, then the full hash
and a NUL); the header's fields are NUL-separated (a commit message cannot contain NUL); the
numstat entries follow, NUL-terminated (-z: a rename is "ins del" NUL old NUL new NUL), then
the patch, one "diff --git" section per numstat entry in the same order. Binary files have no
line counts ("-") and no hunks. Hunks are kept up to a cap per file and per commit (the hunk that
crosses a cap is cut after its last whole line that fits),
redacted in scope "code"; a commit larger than `MAX_COMMIT_BYTES` keeps only its first bytes
(its files beyond them are still counted from numstat, which comes first).
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO

from lessonloop.capture.git.conventional import parse_conventional
from lessonloop.capture.git.records import GitCommit, GitFile, GitHunk
from lessonloop.capture.git.repository import GitError, git_command, git_environment, git_failure
from lessonloop.secrets.redaction import redact
from lessonloop.timestamps import format_timestamp

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
        "--numstat",
        "-p",
        "-z",
        f"--format={_FORMAT}",
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
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(
                log_command(folder),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                env=git_environment(),
            )
        except FileNotFoundError as exc:
            raise GitError(repository, "git-missing", "git is not installed (no `git` command on PATH)") from exc
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(revisions(tips, old_tips).encode())
            process.stdin.close()
            for piece in split_commits(process.stdout, notes):
                commit = parse_commit(piece, caps, notes)
                if commit is None:
                    continue
                if commit.hash in on_main and main_ref is not None:
                    commit.branch = branch_name(main_ref)
                yield commit
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
    files, patch = _numstat(rest)
    commit.files = files
    notes.binary_files += sum(1 for f in files if f.binary)
    if files and patch:
        _attach_hunks(commit, patch, caps, notes)
    if len(piece) >= MAX_COMMIT_BYTES:
        commit.hunks_truncated = True
    if commit.hunks_truncated:
        notes.truncated_commits += 1
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


def _attach_hunks(commit: GitCommit, patch: bytes, caps: Caps, notes: ReadNotes) -> None:
    """Each file's status and hunks from its "diff --git" section (same order as numstat)."""
    if not patch.startswith(b"diff --git "):
        notes.unmatched_patches += 1
        return
    starts = [0]
    find = patch.find
    at = find(_SECTION)
    while at >= 0:
        starts.append(at + 1)
        at = find(_SECTION, at + 1)
    if len(starts) != len(commit.files):
        notes.unmatched_patches += 1
        return
    commit_left = caps.commit_bytes if caps.keep_hunks else 0
    ends = [*starts[1:], len(patch)]
    for git_file, start, end in zip(commit.files, starts, ends, strict=True):
        section = patch[start:end]
        first_hunk = section.find(b"\n@@ ")
        header = section if first_hunk < 0 else section[:first_hunk]
        git_file.status = _status(header, git_file)
        if first_hunk < 0 or git_file.binary:
            continue
        file_left = min(caps.file_bytes, commit_left)
        matches = list(_HUNK.finditer(section, first_hunk + 1))
        for index, match in enumerate(matches):
            body_start = match.end() + 1
            body_end = matches[index + 1].start() if index + 1 < len(matches) else len(section)
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


def _status(header: bytes, git_file: GitFile) -> str:
    """A file's change from its section's extended header lines."""
    if git_file.old_path is not None:
        return "C" if b"\ncopy from " in header else "R"
    if b"\nnew file mode " in header:
        return "A"
    if b"\ndeleted file mode " in header:
        return "D"
    return "M"
