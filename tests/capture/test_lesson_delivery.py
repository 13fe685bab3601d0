"""`lessons export --agent A`: the lessons section written into the instructions file each agent
reads (CLAUDE.md, AGENTS.md, GEMINI.md, CONVENTIONS.md with Aider's read line), in a real store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lessonloop.agents.aider.spec import SPEC as AIDER_SPEC
from lessonloop.apply.instruction_files import for_agent, instruction_files
from lessonloop.capture.agents import agents
from lessonloop.learning.engine.exchange import BEGIN_MARKER, END_MARKER
from lessonloop.store import open_store
from tests.conftest import cli, store_with_active_lessons

LESSON = {
    "signature": "usage:git-push-no-upstream",
    "kind": "usage",
    "title": "git push without an upstream fails",
    "body": "The branch has no upstream yet.",
    "prevention": "Use `git push --set-upstream origin <branch>` the first time",
    "scope": "global",
    "sessions": 3,
    "failed_sessions": 3,
    "observations": 3,
}


@pytest.fixture
def store_with_a_lesson(tmp_path: Path) -> Path:
    return store_with_active_lessons(tmp_path, LESSON)


@pytest.mark.parametrize(
    ("agent", "file_name"),
    [("claude-code", "CLAUDE.md"), ("codex", "AGENTS.md"), ("opencode", "AGENTS.md"), ("gemini", "GEMINI.md")],
)
def test_the_section_goes_to_the_file_the_agent_reads(
    store_with_a_lesson: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, agent: str, file_name: str
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    result = cli("lessons", "export", "--db", store_with_a_lesson, "--agent", agent)
    assert result.exit_code == 0, result.stderr
    assert f"Exported 1 lesson(s) to {file_name} (md; written)." in result.output
    assert "aider" not in result.output
    text = (project / file_name).read_text(encoding="utf-8")
    assert text.startswith(BEGIN_MARKER) and text.rstrip("\n").endswith(END_MARKER)
    assert "git push without an upstream fails" in text and "--set-upstream" in text
    # the same section as `--format md` prints
    assert text == cli("lessons", "export", "--db", store_with_a_lesson, "--format", "md").output
    again = cli("lessons", "export", "--db", store_with_a_lesson, "--agent", agent, "--json").json()
    # "project": the folder's project, whose lessons (and the global ones) the file holds
    assert again == {"format": "md", "to": file_name, "lessons": 1, "changed": False, "project": str(project)}


def test_aider_gets_conventions_md_and_the_line_that_makes_it_read_it(
    store_with_a_lesson: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "CONVENTIONS.md").write_text("# Conventions\n\nUse tabs.\n", encoding="utf-8")
    result = cli("lessons", "export", "--db", store_with_a_lesson, "--agent", "aider")
    assert result.exit_code == 0, result.stderr
    assert "read: CONVENTIONS.md" in result.output and "aider --read CONVENTIONS.md" in result.output
    text = (tmp_path / "CONVENTIONS.md").read_text(encoding="utf-8")
    assert text.startswith("# Conventions\n\nUse tabs.\n") and BEGIN_MARKER in text  # the rest kept
    data = cli("lessons", "export", "--db", store_with_a_lesson, "--agent", "aider", "--json").json()
    assert AIDER_SPEC.rules is not None
    assert data["hint"] == AIDER_SPEC.rules.hint and data["changed"] is False
    # the hint also comes with a CONVENTIONS.md given by --to, without --agent
    other = tmp_path / "elsewhere" / "CONVENTIONS.md"
    given = cli("lessons", "export", "--db", store_with_a_lesson, "--format", "md", "--to", other)
    assert "read: CONVENTIONS.md" in given.output and other.is_file()


def test_agent_with_to_writes_that_file(store_with_a_lesson: Path, tmp_path: Path) -> None:
    target = tmp_path / "docs" / "AGENTS.md"
    result = cli("lessons", "export", "--db", store_with_a_lesson, "--agent", "codex", "--to", target)
    assert result.exit_code == 0 and target.is_file()


def test_an_agent_without_a_file_or_jsonl_is_an_error(store_with_a_lesson: Path, tmp_path: Path) -> None:
    unknown = cli("lessons", "export", "--db", store_with_a_lesson, "--agent", "zed")
    assert unknown.exit_code == 2  # a usage error: the value names no agent
    assert "no instructions file is known for agent 'zed'" in unknown.stderr
    assert "gemini" in unknown.stderr and "windsurf" in unknown.stderr and "all" in unknown.stderr
    jsonl = cli("lessons", "export", "--db", store_with_a_lesson, "--agent", "codex", "--format", "jsonl")
    assert jsonl.exit_code == 2 and "--format md" in jsonl.stderr
    assert not list(tmp_path.glob("*.md"))


def test_no_lessons_for_the_folder_writes_no_new_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder with no lessons of its own and no global ones: no empty CLAUDE.md appears, and
    an existing file's section is still refreshed (its old lessons taken out)."""
    db = tmp_path / "empty.db"
    open_store(db).close()
    folder = tmp_path / "project"
    folder.mkdir()
    monkeypatch.chdir(folder)
    result = cli("lessons", "export", "--db", db, "--agent", "claude-code")
    assert result.exit_code == 0, result.stderr
    assert "CLAUDE.md not written" in result.output and not (folder / "CLAUDE.md").exists()
    as_json = json.loads(cli("lessons", "export", "--db", db, "--agent", "codex", "--json").output)
    assert as_json["not_written"] is True and not (folder / "AGENTS.md").exists()
    stale = "# Notes\n\n<!-- lessonloop:begin -->\n- an old lesson\n<!-- lessonloop:end -->\n"
    (folder / "CLAUDE.md").write_text(stale, encoding="utf-8")
    refreshed = cli("lessons", "export", "--db", db, "--agent", "claude-code")
    assert refreshed.exit_code == 0, refreshed.stderr
    text = (folder / "CLAUDE.md").read_text(encoding="utf-8")
    assert text.startswith("# Notes") and "an old lesson" not in text


def test_every_agent_read_has_an_instructions_file() -> None:
    for agent in agents():
        assert for_agent(agent) is not None, f"{agent}: set its adapter's `instructions` (capture/<agent>/__init__.py)"
    names = [file.name for file in instruction_files()]
    assert len(names) == len(set(names))
