"""The modules a process imported, read from its `-X importtime` lines on stderr."""

from __future__ import annotations


def imported_modules(stderr: str) -> set[str]:
    """Every module named by an `import time: self | cumulative | name` line (the header left out)."""
    names = set()
    for line in stderr.splitlines():
        parts = line.split("|")
        if line.startswith("import time:") and len(parts) == 3 and parts[1].strip().isdigit():
            names.add(parts[2].strip())
    return names
