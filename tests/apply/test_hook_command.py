"""The hook command starts Python without `site` (apply/hooks/command.py): it names the folders
`site` would add, and only those, the entry point runs from them, and an interpreter that cannot
start so gets the command with `site`."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

from lessonloop.apply.hooks.command import RUN_CODE, check_command, hook_command, site_paths, start


def _path_of(argv: list[str]) -> list[str]:
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    found: list[str] = json.loads(done.stdout)
    return found


def test_the_command_adds_what_site_would_and_nothing_else() -> None:
    paths = site_paths(sys.executable)
    assert paths is not None  # this environment (a venv with lessonloop installed) can start so
    probe = "import sys, json; print(json.dumps(sys.path))"
    with_site = _path_of([sys.executable, "-I", "-c", probe])
    argv = start()
    assert argv[:4] == [sys.executable, "-I", "-S", "-c"]
    without = _path_of([*argv[:4], argv[4].split(RUN_CODE)[0] + probe])
    assert without == with_site  # the same import path, in the same order
    import lessonloop

    assert str(Path(lessonloop.__file__).resolve().parent.parent) in {str(Path(p).resolve()) for p in paths}


def test_the_installed_command_runs_the_entry_point_without_site() -> None:
    argv = shlex.split(hook_command("PreToolUse"))
    assert "-S" in argv
    done = subprocess.run(check_command(), capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert set(json.loads(done.stdout)) == {"ok", "db", "lessons", "problem", "server"}
    code = argv[argv.index("-c") + 1].replace(RUN_CODE, "import site, sys; print(sys.flags.no_site)")
    out = subprocess.run([*argv[: argv.index("-c") + 1], code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1"  # really without site


def test_an_interpreter_that_cannot_start_so_keeps_site(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-python")
    assert site_paths(missing) is None
    assert start(missing) == [missing, "-I", "-c", RUN_CODE]
    # one whose packages need a .pth file's code: the entry point does not import without site
    fake = tmp_path / "python"
    fake.write_text(
        "#!/bin/sh\n"
        'case "$*" in *"-S -c import sys; sys.path"*) exit 1 ;; esac\n'
        f'exec {shlex.quote(sys.executable)} "$@"\n'
    )
    fake.chmod(0o755)
    assert site_paths(str(fake)) is None
    assert "-S" not in shlex.split(hook_command("PreToolUse", python=str(fake)))
