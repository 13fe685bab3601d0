"""`--db` naming something that cannot be a store is said as it is: a folder is a folder, and a
pseudo file system (/proc: no blocks at all, so none free) is not "full"."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import cli


def test_a_folder_given_as_the_store_is_named_a_folder(tmp_path: Path) -> None:
    result = cli("sessions", "--db", tmp_path)
    assert result.exit_code == 1
    assert f"the store {tmp_path} is a folder" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux's /proc")
def test_a_store_on_proc_is_not_called_full() -> None:
    if os.statvfs("/proc").f_blocks != 0:
        pytest.skip("this /proc reports blocks")
    result = cli("sessions", "--db", "/proc/lessonloop-test.db")
    assert result.exit_code == 1
    assert "is full" not in result.stderr, result.stderr
    assert "cannot be opened" in result.stderr
