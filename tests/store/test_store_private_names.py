"""store/ marks its private helpers (issue 45, item 4): a function of a store module (the core's
store/ and each wing's store/) whose name has no leading underscore is used outside its module,
by the code or the tests; one used only where it is defined is named `_name`. The migrations'
steps (m001_...) are found by their names and recorded by them: they keep theirs."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.conftest import REPO_ROOT

SRC = REPO_ROOT / "src" / "lessonloop"
STEP = re.compile(r"^m\d{3}_")


def _store_modules() -> list[Path]:
    folders = [SRC / "store", *(p for p in SRC.glob("*/store") if p.is_dir())]
    return sorted(p for folder in folders for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def _public_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and not node.name.startswith("_")
        and not STEP.match(node.name)
    ]


def test_every_public_store_function_is_used_outside_its_module() -> None:
    modules = _store_modules()
    assert len(modules) > 40  # the scan sees the store
    words = {
        path: set(re.findall(r"\w+", path.read_text(encoding="utf-8")))
        for base in ("src", "tests", "benchmarks")
        for path in (REPO_ROOT / base).rglob("*.py")
        if "__pycache__" not in path.parts and ".cache" not in path.parts
    }
    files_with: dict[str, int] = {}
    for found in words.values():
        for word in found:
            files_with[word] = files_with.get(word, 0) + 1
    only_inside = [
        f"{module.relative_to(SRC)}: {name}"
        for module in modules
        for name in _public_functions(module)
        if files_with.get(name, 0) - (name in words[module]) == 0
    ]
    assert only_inside == [], f"used only inside their module (name them _name, or drop them): {only_inside}"


def test_the_check_finds_a_public_helper(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "def shown():\n    return _hidden()\n\n\ndef _hidden():\n    return 1\n\n\ndef m046_step(conn):\n    pass\n"
    )
    assert _public_functions(module) == ["shown"]
