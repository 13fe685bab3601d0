"""`hooks install` says what it did to the settings file: a file it created has no original to
keep (it said "The original is kept in ...backup" of a file that never existed); an existing one is
kept beside it."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import cli


def test_install_into_a_new_file_says_it_was_created(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    result = cli("hooks", "install", "--scope", "project", "--project-dir", project)
    assert result.exit_code == 0, result.stderr
    assert "original is kept" not in result.output
    assert "created" in result.output
    assert (project / ".claude" / "settings.json").exists()


def test_install_into_an_existing_file_keeps_the_original(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    (project / ".claude").mkdir(parents=True)
    (project / ".claude" / "settings.json").write_text('{"model": "opus"}\n')
    result = cli("hooks", "install", "--scope", "project", "--project-dir", project)
    assert result.exit_code == 0, result.stderr
    assert "The original is kept in" in result.output


def test_install_into_a_missing_project_folder_is_an_error(tmp_path: Path) -> None:
    """A mistyped --project-dir made the folder and a settings file in it."""
    missing = tmp_path / "no-such-project"
    result = cli("hooks", "install", "--scope", "project", "--project-dir", missing)
    assert result.exit_code == 1
    assert "no such folder" in result.stderr and str(missing) in result.stderr, result.stderr
    assert not missing.exists()
