"""docs/ARCHITECTURE.md's "Layout" lists the package as it is: every module and package of
src/lessonloop/ is named at its place in the tree, and every name listed exists. The listing is
written by hand (what each file holds is prose), but it cannot fall behind the code: a file added,
moved or removed without its line fails here.

The listing's grammar: inside the code block, an entry is a line indented by two spaces per level
whose first word is a name (`x.py`, a folder `x/`, or several as `a.py, b.py`), then its
description; lines indented to the description column continue the one above. `__init__.py` need
not be listed (a package's line describes it).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "lessonloop"
DOC = ROOT / "docs" / "ARCHITECTURE.md"

NAME = r"[\w.-]+(?:/|\.py)"
ENTRY = re.compile(rf"^(?P<indent>(?:  )+)(?P<names>{NAME}(?:, {NAME})*)(?: +|$)")
DESCRIPTION_COLUMN = 20  # an indent this deep continues the entry above


def listed_paths(text: str) -> set[str]:
    """The paths the Layout block names, relative to src/lessonloop/ (folders end with /)."""
    block = text.split("## Layout", 1)[1].split("```", 2)[1]
    lines = block.splitlines()
    assert lines[1].strip() == "src/lessonloop/", "the Layout block starts with src/lessonloop/"
    paths: set[str] = set()
    folders: list[str] = []
    for line in lines[2:]:
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent >= DESCRIPTION_COLUMN:
            continue
        match = ENTRY.match(line)
        assert match, f"not an entry of the listing: {line!r}"
        depth = len(match["indent"]) // 2 - 1
        assert depth <= len(folders), f"indented deeper than its folder: {line!r}"
        folders = folders[:depth]
        names = match["names"].split(", ")
        for name in names:
            paths.add("/".join([*folders, name]))
        if len(names) == 1 and names[0].endswith("/"):
            folders.append(names[0].rstrip("/"))
    return paths


def actual_paths() -> set[str]:
    """Every module (but __init__.py) and every package of src/lessonloop/."""
    found: set[str] = set()
    for module in SRC.rglob("*.py"):
        relative = module.relative_to(SRC)
        if "__pycache__" in relative.parts:
            continue
        if module.name != "__init__.py":
            found.add(relative.as_posix())
        found.update(f"{parent.as_posix()}/" for parent in list(relative.parents)[:-1])
    return found


def test_every_module_and_package_is_listed() -> None:
    missing = sorted(actual_paths() - listed_paths(DOC.read_text()))
    assert not missing, f"docs/ARCHITECTURE.md's Layout does not list: {missing}"


def test_every_listed_name_exists() -> None:
    absent = sorted(path for path in listed_paths(DOC.read_text()) if not (SRC / path).exists())
    assert not absent, f"docs/ARCHITECTURE.md's Layout lists what is not there: {absent}"


def test_the_reader_follows_the_tree() -> None:
    """The grammar itself: folders nest, continuation lines are skipped, grouped names count."""
    text = (
        "## Layout\n\n```\nsrc/lessonloop/\n  a.py               first\n                     more about a\n"
        "  pkg/               a package\n    b.py, c.py       two\n    sub/\n      d.py           deep\n"
        "  e.py               back at the top\n```\n"
    )
    assert listed_paths(text) == {"a.py", "pkg/", "pkg/b.py", "pkg/c.py", "pkg/sub/", "pkg/sub/d.py", "e.py"}
