"""The modules a process imported, read from its `-X importtime` lines on stderr."""

from __future__ import annotations

import subprocess
import sys


def imported_modules(stderr: str) -> set[str]:
    """Every module named by an `import time: self | cumulative | name` line (the header left out)."""
    names = set()
    for line in stderr.splitlines():
        parts = line.split("|")
        if line.startswith("import time:") and len(parts) == 3 and parts[1].strip().isdigit():
            names.add(parts[2].strip())
    return names


def modules_imported_by(code: str) -> set[str]:
    """The modules a fresh `python -c code` imports (the code must run without an error)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return imported_modules(done.stderr)
