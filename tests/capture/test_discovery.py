"""Finding Claude Code transcripts: default folders, $CLAUDE_CONFIG_DIR, given paths."""

from __future__ import annotations

from pathlib import Path

from lessonloop.agents.claude.reader.paths import default_roots, find_transcripts
from lessonloop.core.records import Problem
from lessonloop.pipeline.ingest import discover


def test_default_roots_in_order_with_config_dirs(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "CLAUDE_CONFIG_DIR": f"{tmp_path}/one, {tmp_path}/two,,"}
    assert default_roots(env) == [
        tmp_path / ".claude" / "projects",
        tmp_path / "one" / "projects",
        tmp_path / "two" / "projects",
        tmp_path / ".config" / "claude" / "projects",
    ]


def test_discovery_searches_every_root_and_skips_missing_ones(tmp_path: Path) -> None:
    for root in (tmp_path / ".claude" / "projects" / "-a", tmp_path / "alt" / "projects" / "-b"):
        root.mkdir(parents=True)
        (root / "s.jsonl").write_text("{}\n")
    env = {"HOME": str(tmp_path), "CLAUDE_CONFIG_DIR": str(tmp_path / "alt")}
    sources, summary = discover(None, env)
    assert [Path(s.path).relative_to(tmp_path).as_posix() for s in sources] == [
        ".claude/projects/-a/s.jsonl",
        "alt/projects/-b/s.jsonl",
    ]
    assert not summary.used_sample and summary.problems == []


def test_discovery_without_transcripts_falls_back_to_the_sample(tmp_path: Path) -> None:
    sources, summary = discover(None, {"HOME": str(tmp_path)})
    assert summary.used_sample
    assert sources and all(s.is_sample for s in sources)


def test_given_paths_files_folders_symlinks_and_problems(tmp_path: Path) -> None:
    folder = tmp_path / "projects"
    (folder / "p" / "sid" / "subagents").mkdir(parents=True)
    (folder / "p" / "sid.jsonl").write_text("{}\n")
    (folder / "p" / "sid" / "subagents" / "agent-a1.jsonl").write_text("{}\n")
    (folder / "p" / "notes.txt").write_text("not a transcript")
    (folder / "p" / "loop").symlink_to(folder)  # a folder symlink loop is walked once
    linked = tmp_path / "elsewhere"
    linked.mkdir()
    (linked / "x.jsonl").write_text("{}\n")
    (folder / "linked").symlink_to(linked)
    single = tmp_path / "one-file.log"
    single.write_text("{}\n")
    problems: list[Problem] = []
    found = find_transcripts([folder, single, tmp_path / "missing"], problems)
    names = [Path(p).name for p in found]
    assert names.count("sid.jsonl") == 1 and "agent-a1.jsonl" in names and "x.jsonl" in names
    assert "one-file.log" in names and "notes.txt" not in names
    # The session's own file sorts before its subagents.
    assert names.index("sid.jsonl") < names.index("agent-a1.jsonl")
    assert [(p.code, p.path) for p in problems] == [("missing-path", str(tmp_path / "missing"))]


def test_a_claude_config_folder_is_searched_in_its_projects(tmp_path: Path) -> None:
    config = tmp_path / ".claude"
    (config / "projects" / "-p").mkdir(parents=True)
    (config / "projects" / "-p" / "s.jsonl").write_text("{}\n")
    (config / "history.jsonl").write_text('{"display": "a prompt"}\n')
    found = find_transcripts([config], [])
    assert [Path(p).name for p in found] == ["s.jsonl"]
