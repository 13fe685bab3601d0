"""Option values out of range are usage errors, before anything runs: `serve --port 99999`
served on port 34463 (99999 - 65536, the bind wraps it)."""

from __future__ import annotations

import pytest

from lessonloop.cli import build_parser


@pytest.mark.parametrize("port", ["65536", "99999", "-1"])
def test_serve_refuses_a_port_out_of_range(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["serve", "--port", port])
    assert exited.value.code == 2
    assert "--port" in capsys.readouterr().err


@pytest.mark.parametrize("port", ["0", "8765", "65535"])
def test_serve_takes_a_port_in_range(port: str) -> None:
    assert build_parser().parse_args(["serve", "--port", port]).port == int(port)


@pytest.mark.parametrize("argv", [["git", "commits", "-n", "-1"], ["team", "search", "x", "-n", "-3"]])
def test_a_negative_count_is_refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """`commits -n -1` listed every commit (SQLite's LIMIT -1 is no limit)."""
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(argv)
    assert exited.value.code == 2
    assert "-n" in capsys.readouterr().err
