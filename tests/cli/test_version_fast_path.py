"""`lessonloop --version` prints what argparse's version action would, without building the
command line (issue 27, item 7)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from lessonloop import __version__
from lessonloop.cli import build_parser


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_is_the_parsers(flag: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args([flag])
    parsed = capsys.readouterr().out
    fast = subprocess.run([sys.executable, "-m", "lessonloop", flag], capture_output=True, text=True, check=True)
    assert fast.stdout == parsed == f"lessonloop {__version__}\n"
    probe = "import sys, runpy; sys.argv = ['lessonloop', '" + flag + "']\n"
    probe += "try:\n    runpy.run_module('lessonloop', run_name='__main__')\nexcept SystemExit:\n    pass\n"
    probe += "print(sorted(m for m in sys.modules if m.startswith('lessonloop.cli') or m == 'argparse'))"
    imported = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert imported.stdout.strip().splitlines()[-1] == "[]"
