"""The `[runner]` section of the configuration: telemetry on or off, and the retention of runs (a
duration), read by load_config and written by `lessonloop config set`."""

from __future__ import annotations

from pathlib import Path

import pytest

from lessonloop.settings.config import ConfigError, RunnerSettings, load_config, setting
from tests.conftest import cli


@pytest.fixture
def config_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    path = tmp_path / "config" / "config.toml"
    monkeypatch.setenv("LESSONLOOP_CONFIG", str(path))
    return path


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults(tmp_path: Path) -> None:
    config = load_config(str(tmp_path / "none.toml"))
    assert config.runner == RunnerSettings(telemetry=True, retention="90d")
    assert config.runner.retention_seconds == 90 * 86400
    assert config.value("runner.retention") == "90d"
    assert config.value("runner.telemetry") is True
    assert setting("runner.retention").kind == "duration"


def test_the_file_sets_them(tmp_path: Path) -> None:
    path = _write(tmp_path / "c.toml", '[runner]\ntelemetry = false\nretention = " 12h "\n')
    config = load_config(str(path))
    assert config.runner == RunnerSettings(telemetry=False, retention="12h")
    assert config.runner.retention_seconds == 12 * 3600
    assert config.source("runner.retention") == "file"


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        ("[runner]\nretention = 90\n", 2, 'runner.retention must be a duration text such as "90d", not 90 (a number)'),
        ('[runner]\nretention = "soon"\n', 2, "runner.retention: not a duration: 'soon'"),
        ('[runner]\nretention = "0d"\n', 2, "runner.retention must be longer than 0"),
        ('[runner]\nretention = "-3d"\n', 2, "cannot be negative"),
        ('[runner]\ntelemetry = "no"\n', 2, "runner.telemetry must be true or false"),
        (
            "[runner]\n\nretain = 3\n",
            3,
            "unknown setting runner.retain (the [runner] settings are: telemetry, retention)",
        ),
    ],
)
def test_wrong_values_name_the_file_and_line(tmp_path: Path, text: str, line: int, expected: str) -> None:
    path = _write(tmp_path / "c.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_config(str(path))
    message = str(caught.value)
    assert message.startswith(f"the configuration {path}, line {line}: "), message
    assert expected in message


def test_config_set_get_and_unset(config_file: Path) -> None:
    result = cli("config", "set", "runner.retention", "30d")
    assert result.exit_code == 0, result.stderr
    assert result.output.strip() == f"runner.retention = 30d (was 90d), in {config_file}"
    assert load_config(str(config_file)).runner.retention == "30d"
    assert cli("config", "get", "runner.retention").output.strip() == "30d"
    assert cli("config", "get", "runner.retention", "--json").json()["value"] == "30d"
    assert "already 30d" in cli("config", "set", "runner.retention", "30d").output
    assert cli("config", "set", "runner.telemetry", "false").exit_code == 0
    assert load_config(str(config_file)).runner == RunnerSettings(telemetry=False, retention="30d")
    shown = cli("config", "show", "--json").json()["settings"]
    assert shown["runner.retention"] == {"value": "30d", "source": "file", "default": "90d"}
    assert shown["runner.telemetry"] == {"value": False, "source": "file", "default": True}
    assert "runner.retention" in cli("config").output
    assert cli("config", "unset", "runner.retention").exit_code == 0
    assert load_config(str(config_file)).runner.retention == "90d"


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (("soon",), "not a duration: 'soon'"),
        (("0",), "must be longer than 0"),
        (("30d", "12h"), "takes one duration"),
    ],
)
def test_config_set_refuses_a_wrong_duration(config_file: Path, words: tuple[str, ...], expected: str) -> None:
    _write(config_file, '[runner]\nretention = "7d"\n')
    result = cli("config", "set", "runner.retention", *words)
    assert result.exit_code == 1
    assert expected in result.stderr
    assert config_file.read_text() == '[runner]\nretention = "7d"\n'
