"""`lessons export --agent A` writes the instructions file of a project folder: it takes that
project's lessons and the global ones, not every project's (a lesson about one client's repository
was written into another's AGENTS.md). -p names another project; the output names the one used."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.conftest import cli


def _repo(path: Path) -> Path:
    path.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return path


def _lesson(signature: str, title: str, scope: str, project: str | None) -> dict[str, object]:
    return {
        "signature": signature,
        "title": title,
        "body": title,
        "prevention": "do the other thing",
        "kind": "usage",
        "category": "git",
        "scope": scope,
        "project": project,
        "severity": "medium",
        "status": "active",
        "tier": "active",
        "confidence": 0.5,
        "observations": 3,
        "sessions": 3,
        "failed_sessions": 3,
        "origin": "learned",
        "trigger": {"kind": "shell", "words": ["git", "push"]},
    }


def test_the_section_holds_the_folders_project_and_global_lessons(tmp_path: Path) -> None:
    client_a = _repo(tmp_path / "client-a")
    client_b = _repo(tmp_path / "client-b")
    lessons = tmp_path / "lessons.jsonl"
    records = [
        _lesson("a" * 20, "lesson of client A only", "project", str(client_a)),
        _lesson("b" * 20, "lesson for every project", "global", None),
    ]
    lessons.write_text("".join(json.dumps(r) + "\n" for r in records))
    db = tmp_path / "s.db"
    assert cli("lessons", "import", lessons, "--db", db).exit_code == 0
    assert cli("lessons", "approve", "aaaa", "bbbb", "--db", db).exit_code == 0

    into_b = cli("lessons", "export", "--agent", "codex", "--to", client_b / "AGENTS.md", "--db", db, "--json")
    assert into_b.exit_code == 0, into_b.stderr
    text_b = (client_b / "AGENTS.md").read_text()
    assert "lesson for every project" in text_b
    assert "client A" not in text_b
    assert into_b.json()["project"] == str(client_b)

    assert cli("lessons", "export", "--agent", "codex", "--to", client_a / "AGENTS.md", "--db", db).exit_code == 0
    text_a = (client_a / "AGENTS.md").read_text()
    assert "lesson of client A only" in text_a and "lesson for every project" in text_a

    named = cli("lessons", "export", "--agent", "codex", "--to", client_b / "AGENTS.md", "-p", "client-a", "--db", db)
    assert named.exit_code == 0, named.stderr
    assert "lesson of client A only" in (client_b / "AGENTS.md").read_text()
