"""What the scripts that write a generated file share: a module of literals' text from its header
and named values (gitleaks_rules.py), and writing a file or, with `--check`, saying whether the file
holds that text (gitleaks_rules.py, price_table.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path


def module_text(header: str, values: Iterable[tuple[str, str]], rows: tuple[str, str, Iterable[object]]) -> str:
    """A module: `header`, then each (declaration, repr) of `values`, then `rows` (its declaration,
    its closing bracket, its items: one repr a line)."""
    lines = [header, "from __future__ import annotations", ""]
    lines.extend(f"{name} = {value}" for name, value in values)
    declaration, closing, items = rows
    lines.append(f"{declaration} = (")
    lines.extend(f"    {item!r}," for item in items)
    lines.append(closing)
    return "\n".join(lines) + "\n"


def write_or_check(argv: list[str], target: Path, text: str, stale: str, written: str) -> int:
    """Write `text` to `target` (saying `written`), or with `--check` exit 1 (saying `stale`) when
    the file holds something else."""
    if "--check" in argv:
        current = target.read_text() if target.exists() else ""
        if current != text:
            print(f"{target} {stale}", file=sys.stderr)
            return 1
        return 0
    target.write_text(text)
    print(f"wrote {target}: {written}")
    return 0
