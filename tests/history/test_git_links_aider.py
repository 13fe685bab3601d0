"""Aider's "> Commit <sha>" lines linked to stored commits, on the real aider-dev corpus.

The corpus ships the chat history and a `git log --name-status` export of the same quarter (not
the repository: PROVENANCE.md). The export is replayed into a repository in a temporary folder
with `git fast-import` (same order, authors, dates, subjects and files; made-up file contents),
which gives every commit a new hash; the history's commit lines are rewritten to the new short
hashes of the commits they name (a line naming no commit of the export is left as it is). Then
every line that resolves in the export must be linked to its commit, and to nothing else."""

from __future__ import annotations

import re
import sqlite3
import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import cli
from tests.git_helpers import git_env

CORPUS = Path(__file__).resolve().parent.parent.parent.parent / "shared" / "corpus" / "aider" / "aider-dev"
EXPORT = CORPUS / "commits-2024-07-01_2024-09-30.txt"
HISTORY = CORPUS / "chat-history.md"
pytestmark = pytest.mark.skipif(
    not EXPORT.is_file(), reason=f"real-data corpus not found at {CORPUS} (the ../shared folder is absent)"
)
_COMMIT_LINE = re.compile(rb"^> Commit ([0-9a-f]{7,40}) ", re.MULTILINE)


@dataclass
class Exported:
    sha: str
    author: str
    date: str
    subject: str
    files: list[tuple[str, str]] = field(default_factory=list)  # (status, path)


def read_export(path: Path) -> list[Exported]:
    """The export's commits, oldest first (git log wrote them newest first)."""
    commits: list[Exported] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("commit "):
            commits.append(Exported(line.split()[1], "", "", ""))
        elif line.startswith("author "):
            commits[-1].author = line[len("author ") :]
        elif line.startswith("date "):
            commits[-1].date = line[len("date ") :]
        elif line.startswith("subject "):
            commits[-1].subject = line[len("subject ") :]
        elif "\t" in line:
            status, name = line.split("\t", 1)
            commits[-1].files.append((status, name))
    return commits[::-1]


def replay(commits: list[Exported], repo: Path) -> dict[str, str]:
    """The commits into a new repository with `git fast-import`; old hash -> new hash."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], env=git_env(repo.parent), check=True)
    stream = bytearray()
    for mark, c in enumerate(commits, start=1):
        moment = datetime.fromisoformat(c.date)
        offset = moment.utcoffset()
        minutes = int(offset.total_seconds() // 60) if offset is not None else 0
        zone = f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"
        when = f"{int(moment.timestamp())} {zone}"
        message = c.subject.encode() + b"\n"
        stream += (
            f"commit refs/heads/main\nmark :{mark}\nauthor {c.author} {when}\ncommitter {c.author} {when}\n".encode()
        )
        stream += b"data %d\n" % len(message) + message
        for status, name in c.files:
            if status == "D":
                stream += f"D {name}\n".encode()
            else:
                content = f"{c.sha} {name}\n".encode()
                stream += f"M 100644 inline {name}\n".encode() + b"data %d\n" % len(content) + content
        stream += b"\n"
    marks = repo.parent / "marks"
    subprocess.run(
        ["git", "-C", str(repo), "fast-import", "--quiet", f"--export-marks={marks}"],
        input=bytes(stream),
        env=git_env(repo.parent),
        check=True,
    )
    subprocess.run(["git", "-C", str(repo), "reset", "-q", "--hard"], env=git_env(repo.parent), check=True)
    new = dict(line.split() for line in marks.read_text().splitlines())
    return {c.sha: new[f":{mark}"] for mark, c in enumerate(commits, start=1)}


@pytest.mark.slow
def test_aider_commit_lines_link_to_the_replayed_commits(tmp_path: Path) -> None:
    commits = read_export(EXPORT)
    repo = tmp_path / "aider"
    renamed = replay(commits, repo)
    history = HISTORY.read_bytes()

    def resolve(short: str) -> str | None:
        found = [old for old in renamed if old.startswith(short)]
        return found[0] if len(found) == 1 else None

    named = [m.group(1).decode() for m in _COMMIT_LINE.finditer(history)]
    expected = {renamed[old] for old in map(resolve, named) if old is not None}

    def rewrite(match: re.Match[bytes]) -> bytes:
        old = resolve(match.group(1).decode())
        return b"> Commit " + (renamed[old][:7].encode() if old else match.group(1)) + b" "

    (repo / ".aider.chat.history.md").write_bytes(_COMMIT_LINE.sub(rewrite, history))
    db = tmp_path / "s.db"
    git_run = cli("ingest", "--git", "--db", db, "--json", repo)
    assert git_run.exit_code == 0 and git_run.json()["commits_stored"] == len(commits)
    ingested = cli("ingest", "--db", db, "--json", "--no-progress", "--no-analyze", repo / ".aider.chat.history.md")
    assert ingested.exit_code == 0, ingested.stderr
    links = ingested.json()["links"]

    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            """SELECT l.hash, l.evidence, c.tool, json_extract(c.input_json, '$.sha'), g.subject,
                      json_extract(c.input_json, '$.message')
               FROM git_commit_links l JOIN tool_calls c ON c.id = l.tool_use_id
               JOIN git_commits g ON g.repository_id = l.repository_id AND g.hash = l.hash"""
        ).fetchall()
        calls = conn.execute("SELECT count(*) FROM tool_calls WHERE tool = 'commit'").fetchone()[0]
    finally:
        conn.close()
    print(
        f"aider-dev: {len(named)} commit lines, {calls} commit calls stored, {len(expected)} commits named that the "
        f"export holds, {len({r[0] for r in rows})} linked"
    )
    assert {r[1] for r in rows} == {"aider_commit"}  # Aider's calls have no times: no edit window
    assert {r[0] for r in rows} == expected and links["links_added"] == {"aider_commit": len(rows)}
    assert all(full.startswith(short) and tool == "commit" for full, _, tool, short, _, _ in rows)
    # the commit line's message is git's subject for nearly every commit (aider may shorten it)
    same = sum(1 for *_, subject, message in rows if subject == message)
    assert same >= 0.95 * len(rows)
