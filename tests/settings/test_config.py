"""The configuration file: where it is, what a missing or broken file does, the [projects] table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lessonloop.settings.config import Config, ConfigError, ProjectMapping, config_path, load_config
from tests.conftest import cli
from tests.transcript_builder import TranscriptBuilder


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_config_path_prefers_the_variable_then_xdg_then_home() -> None:
    assert config_path({"LESSONLOOP_CONFIG": "/etc/ll.toml", "XDG_CONFIG_HOME": "/x", "HOME": "/h"}) == "/etc/ll.toml"
    assert config_path({"XDG_CONFIG_HOME": "/x", "HOME": "/h"}) == "/x/lessonloop/config.toml"
    assert config_path({"HOME": "/h"}) == "/h/.config/lessonloop/config.toml"
    # The XDG spec: an empty or relative XDG_CONFIG_HOME is ignored.
    assert config_path({"XDG_CONFIG_HOME": "rel", "HOME": "/h"}) == "/h/.config/lessonloop/config.toml"
    assert config_path({"LESSONLOOP_CONFIG": " ", "XDG_CONFIG_HOME": "", "HOME": "/h"}) == (
        "/h/.config/lessonloop/config.toml"
    )


def test_load_config_reads_the_variable_when_no_path_is_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "c.toml", '[projects]\n"/a/*" = "/b"\n')
    monkeypatch.setenv("LESSONLOOP_CONFIG", str(path))
    assert load_config().projects == (ProjectMapping("/a/*", "/b"),)


def test_a_missing_file_is_an_empty_configuration(tmp_path: Path) -> None:
    config = load_config(str(tmp_path / "nope.toml"))
    assert config == Config()
    assert config.projects == ()
    assert config.path is None


def test_projects_are_read_in_file_order_and_unknown_sections_kept(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "config.toml",
        """
        [projects]
        "~/projects/spotter-worktrees/*" = "~/projects/spotter"
        "/srv/app-?" = "/srv/app"

        [hooks]
        future = true
        """.replace("        ", ""),
    )
    config = load_config(str(path))
    assert config.path == str(path)
    assert config.projects == (
        ProjectMapping("~/projects/spotter-worktrees/*", "~/projects/spotter"),
        ProjectMapping("/srv/app-?", "/srv/app"),
    )
    assert config.project_mappings == (
        ("~/projects/spotter-worktrees/*", "~/projects/spotter"),
        ("/srv/app-?", "/srv/app"),
    )
    assert config.sections["hooks"] == {"future": True}


def test_a_file_without_projects_has_none(tmp_path: Path) -> None:
    assert load_config(str(_write(tmp_path / "c.toml", "[other]\nx = 1\n"))).projects == ()


def test_malformed_toml_names_the_file_line_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path / "config.toml", '[projects]\n"~/a" = "~/b"\n"~/c" = \n')
    with pytest.raises(ConfigError) as caught:
        load_config(str(path))
    message = str(caught.value)
    assert str(path) in message
    assert "line 3" in message
    assert "column" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('projects = "x"\n', "[projects] must be a table"),
        ('[projects]\n"~/a" = 3\n', "must map to a folder"),
        ('[projects]\n"relative/a" = "~/b"\n', "folder 'relative/a' must be absolute"),
        ('[projects]\n"~/a" = "b"\n', "project 'b' must be absolute"),
        ('[projects]\n"~/a" = "~/b*"\n', "cannot hold * or ?"),
    ],
)
def test_wrong_values_name_the_file_and_the_entry(tmp_path: Path, text: str, expected: str) -> None:
    path = _write(tmp_path / "config.toml", text)
    with pytest.raises(ConfigError, match=r".*") as caught:
        load_config(str(path))
    assert str(path) in str(caught.value)
    assert expected in str(caught.value)


def test_a_folder_or_undecodable_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a folder"):
        load_config(str(tmp_path))
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b'[projects]\n"~/\xff" = "~/b"\n')
    with pytest.raises(ConfigError, match=str(binary)):
        load_config(str(binary))


def test_ingest_stops_with_the_configuration_error(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path / "config.toml", "[projects\n")
    monkeypatch.setenv("LESSONLOOP_CONFIG", str(path))
    t = TranscriptBuilder(cwd="/gone/app")
    t.prompt("hello")
    t.write(tmp_path / "in" / f"{t.session_id}.jsonl")
    result = cli("ingest", "--db", db_path, tmp_path / "in", "--no-analyze")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: the configuration ")
    assert str(path) in result.stderr
    assert "line 1" in result.stderr
    assert not db_path.exists()  # stopped before anything was read or stored


def test_the_module_imports_no_heavy_dependency() -> None:
    """Hooks import the configuration: it must stay standard library only."""
    code = (
        "import sys, lessonloop.settings.config; "
        "heavy = [m for m in ('rich', 'orjson', 'scipy', 'argparse', 'sqlite3') if m in sys.modules]; "
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
