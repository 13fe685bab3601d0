"""The architecture contract (pyproject.toml, [tool.importlinter]; docs/ARCHITECTURE.md, "Layers"):
no module imports one of a layer above it, lazy and TYPE_CHECKING imports included.

import-linter runs in a subprocess, as .ci/run runs it: the mutated copies below must be the
`lessonloop` it finds, and this process has imported the real one already.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from lessonloop.core.wings import DEFAULT_WINGS

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
PACKAGE = ROOT / "src" / "lessonloop"
# lint_imports puts the working folder first on sys.path, so a copy of the package there is the one checked.
LINT = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(sys.argv[1], no_cache=True, no_logo=True))"


def lint(folder: Path, config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", LINT, str(config)], cwd=folder, capture_output=True, text=True, timeout=120, check=False
    )


def contract() -> dict[str, object]:
    with PYPROJECT.open("rb") as handle:
        section: dict[str, object] = tomllib.load(handle)["tool"]["importlinter"]
    return section


def test_no_import_climbs_a_layer() -> None:
    done = lint(PACKAGE.parent, PYPROJECT)  # src/ first on the path: this tree's code, installed or not
    assert done.returncode == 0, done.stdout + done.stderr
    contracts = contract()["contracts"]
    assert isinstance(contracts, list)
    assert f"Contracts: {len(contracts)} kept, 0 broken." in done.stdout


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """The package and the contract in a folder of their own, to break on purpose."""
    shutil.copytree(PACKAGE, tmp_path / "lessonloop", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PYPROJECT, tmp_path / "pyproject.toml")
    return tmp_path


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + "\n\n" + text.strip() + "\n")


# Each: the file changed, what is added to it, what the broken contract says.
BREAKS = {
    "a lazy import of a higher layer": (
        "analyze/paths.py",
        "def _climb() -> None:\n    from lessonloop.store import location  # noqa: F401\n",
        "lessonloop.analyze is not allowed to import lessonloop.store",
    ),
    "an import for type checking only": (
        "lesson_model/confidence.py",
        "TYPE_CHECKING = False\nif TYPE_CHECKING:\n    from lessonloop.apply.recall import recall  # noqa: F401\n",
        "lessonloop.lesson_model is not allowed to import lessonloop.apply",
    ),
    # Issue 13's rules: capture knows formats only, analyze and learn are pure, the store knows no
    # learning or hooks.
    "an adapter using an analyzer": (
        "capture/parsing.py",
        "from lessonloop.analyze import commands  # noqa: F401\n",
        "lessonloop.capture is not allowed to import lessonloop.analyze",
    ),
    "an adapter writing to the store": (
        "agents/codex/reader/parser.py",
        "def _write() -> None:\n    from lessonloop.store import writer  # noqa: F401\n",
        "lessonloop.agents.codex.reader is not allowed to import lessonloop.store",
    ),
    "an adapter learning": (
        "agents/aider/reader/session_lines.py",
        "from lessonloop.learning.engine import signatures  # noqa: F401\n",
        "lessonloop.agents.aider.reader is not allowed to import lessonloop.learning",
    ),
    "the store using learning": (
        "store/lessons/writer.py",
        "from lessonloop.learning.engine import signatures  # noqa: F401\n",
        "lessonloop.store is not allowed to import lessonloop.learning.engine",
    ),
    "the store using the hooks": (
        "store/sessions/writer.py",
        "def _hook() -> None:\n    from lessonloop.apply.hooks import spool  # noqa: F401\n",
        "lessonloop.store is not allowed to import lessonloop.apply",
    ),
    "learning reading the store": (
        "learning/engine/replay.py",
        "def _read() -> None:\n    from lessonloop.store import lesson_reader  # noqa: F401\n",
        "lessonloop.learning.engine is not allowed to import lessonloop.store",
    ),
    "an analyzer using learning": (
        "analyze/outcomes.py",
        "from lessonloop.learning.engine import signatures  # noqa: F401\n",
        "lessonloop.analyze is not allowed to import lessonloop.learning.engine",
    ),
    "an import between independent layers": (
        "apply/ranking.py",
        "from lessonloop.report import queries  # noqa: F401\n",
        "lessonloop.apply is not allowed to import lessonloop.report",
    ),
    # Learning's parts sit in four layers (the layers contract) and in an order of their own (the
    # learning contract).
    "the hooks running a learning run": (
        "apply/hooks/pre_tool.py",
        "def _learn() -> None:\n    from lessonloop.learning.runs import run  # noqa: F401\n",
        "lessonloop.apply is not allowed to import lessonloop.learning.runs",
    ),
    "learning's store using its engine": (
        "learning/store/state.py",
        "def _engine() -> None:\n    from lessonloop.learning.engine import policy  # noqa: F401\n",
        "lessonloop.learning.store is not allowed to import lessonloop.learning.engine",
    ),
    "learning's engine reading its store": (
        "learning/engine/policy.py",
        "def _state() -> None:\n    from lessonloop.learning.store import state  # noqa: F401\n",
        "lessonloop.learning.engine is not allowed to import lessonloop.learning.store",
    ),
    "live learning starting a learning run": (
        "learning/live/worker.py",
        "def _run() -> None:\n    from lessonloop.learning.runs import run  # noqa: F401\n",
        "lessonloop.learning.live is not allowed to import lessonloop.learning.runs",
    ),
    "a runner module reaching the store": (
        "runs/runner/findings.py",
        "def _db() -> None:\n    from lessonloop.store import location  # noqa: F401\n",
        "lessonloop.runs.runner is not allowed to import lessonloop.store",
    ),
    "one capture adapter using another": (
        "capture/sarif.py",
        "from lessonloop.capture import junit  # noqa: F401\n",
        "lessonloop.capture.sarif is not allowed to import lessonloop.capture.junit",
    ),
    "a part of learning in no layer": ("learning/helpers.py", "", "- lessonloop.learning.helpers"),
    "one agent using another": (
        "agents/kilo/hooks.py",
        "from lessonloop.agents.opencode.reader import paths  # noqa: F401\n",
        "lessonloop.agents.kilo is not allowed to import lessonloop.agents.opencode",
    ),
    "an agent's reader reaching the store": (
        "agents/codex/reader/tools.py",
        "def _db() -> None:\n    from lessonloop.store import location  # noqa: F401\n",
        "lessonloop.agents.codex.reader is not allowed to import lessonloop.store",
    ),
    "an agent's spec reaching capture": (
        "agents/gemini/spec.py",
        "from lessonloop.capture import adapters  # noqa: F401\n",
        "lessonloop.agents.gemini.spec is not allowed to import lessonloop.capture",
    ),
    "an agent's hooks reaching the pipeline": (
        "agents/qwen/hooks.py",
        "def _ingest() -> None:\n    from lessonloop.pipeline import ingest  # noqa: F401\n",
        "lessonloop.agents.qwen.hooks is not allowed to import lessonloop.pipeline",
    ),
    "an agent's reader importing its hooks": (
        "agents/droid/reader/tools.py",
        "def _hooks() -> None:\n    from lessonloop.agents.droid import hooks  # noqa: F401\n",
        "An agent's parts: its hooks and installer above its reader",
    ),
    "a part no agent contract places": ("agents/codex/helpers.py", "", "lessonloop.agents.codex.helpers"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", BREAKS)
def test_the_contract_catches(package_copy: Path, name: str) -> None:
    relative, text, said = BREAKS[name]
    target = package_copy / "lessonloop" / relative
    if target.exists():
        append(target, text)
    else:
        target.write_text(text)
    done = lint(package_copy, package_copy / "pyproject.toml")
    assert done.returncode == 1, done.stdout + done.stderr
    assert said in done.stdout, done.stdout
    assert "BROKEN" in done.stdout


def unlayered(package: Path) -> set[str]:
    """The modules and packages of `package` (a lessonloop/ folder) the layers contract names
    nowhere: every top-level one but learning/, which it names by its parts (each of them, the
    learning contract, exhaustive, checks) and agents/, whose folders' parts the agent contracts place."""
    contracts = contract()["contracts"]
    assert isinstance(contracts, list)
    layers = next(c for c in contracts if c["id"] == "layers")
    named = {name.strip() for layer in layers["layers"] for name in re.split(r" [|:] ", layer)}
    found = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    found |= {p.name for p in package.iterdir() if (p / "__init__.py").exists()}
    found.discard("learning")
    found.discard("agents")  # placed part by part by the agent contracts (test_agent_parts_are_placed)
    found |= {f"learning.{p.name}" for p in (package / "learning").iterdir() if (p / "__init__.py").exists()}
    found |= {f"learning.{p.stem}" for p in (package / "learning").glob("*.py") if p.stem != "__init__"}
    return found - named


def test_every_module_is_in_a_layer() -> None:
    """import-linter's `exhaustive` takes only a container's children, and learning's parts are
    named in the layers one by one: this is the check it would make."""
    assert unlayered(PACKAGE) == set()


@pytest.mark.parametrize(
    ("relative", "missing"),
    [("helpers.py", "helpers"), ("toolbox/__init__.py", "toolbox"), ("learning/teach/__init__.py", "learning.teach")],
)
def test_a_module_in_no_layer_is_caught(package_copy: Path, relative: str, missing: str) -> None:
    target = package_copy / "lessonloop" / relative
    target.parent.mkdir(exist_ok=True)
    target.write_text("")
    assert unlayered(package_copy / "lessonloop") == {missing}


def test_the_layers_contract_has_no_exceptions() -> None:
    """No import is let climb a layer: `lessonloop run`'s entry point (runs/command/entry.py) is in a
    wing, above the pipeline and the store it records the run with, not in the runner below them."""
    contracts = contract()["contracts"]
    assert isinstance(contracts, list)
    layers = next(c for c in contracts if c["id"] == "layers")
    assert "ignore_imports" not in layers


# What `lessonloop run` imports after the command ends (or, with --auto, before it starts).
RECORDING = """\
def _record() -> None:
    from lessonloop.runs import recording, suggestions  # noqa: F401
    from lessonloop.store import location, transaction  # noqa: F401
    from lessonloop.runs.store import writer  # noqa: F401
"""
RECORDED_WITH = (
    "runs.recording",
    "runs.suggestions",
    "store.location",
    "runs.store.writer",
    "store.transaction",
)


def test_no_runner_module_may_record_a_run(package_copy: Path) -> None:
    """Every module of runs/runner/, whichever, is caught making the entry point's recording
    imports: the runner is the engine, which imports the foundation only (the runner-engine contract)."""
    folder = package_copy / "lessonloop" / "runs" / "runner"
    modules = sorted(path.stem for path in folder.glob("*.py"))
    for name in modules:
        append(folder / f"{name}.py", RECORDING)
    done = lint(package_copy, package_copy / "pyproject.toml")
    assert done.returncode == 1, done.stdout + done.stderr
    for name in modules:
        module = "lessonloop.runs.runner" if name == "__init__" else f"lessonloop.runs.runner.{name}"
        for target in RECORDED_WITH:
            assert f"{module} -> lessonloop.{target} " in done.stdout, (module, target, done.stdout)


def test_a_run_starts_with_the_entry_point_and_the_runner_only(tmp_path: Path) -> None:
    """`lessonloop run --no-telemetry -- true` imports its entry point, the runner and the bottom
    layer (with the wings' declarations, which name the entry point): no CLI, no pipeline, no store
    (those wait for the command's end)."""
    census = tmp_path / "modules.txt"
    script = (
        "import atexit, sys\n"
        f"atexit.register(lambda: open({str(census)!r}, 'w').write(chr(10).join(sorted(sys.modules))))\n"
        "sys.argv = ['lessonloop', 'run', '--no-telemetry', '-q', '--', 'true']\n"
        "from lessonloop.__main__ import main\n"
        "main()\n"
    )
    env = {**os.environ, "LESSONLOOP_DB": str(tmp_path / "unused.db")}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    ours = {name for name in census.read_text().split() if name.split(".")[0] == "lessonloop"}
    assert "lessonloop.runs.command.entry" in ours
    declarations = set(DEFAULT_WINGS)  # each wing's package: its __init__.py declares what it registers
    rest = {
        name
        for name in ours - declarations
        if not name.startswith(("lessonloop.runs.command", "lessonloop.runs.runner"))
    }
    layers = {name.split(".")[1] for name in rest if "." in name}
    contracts = contract()["contracts"]
    assert isinstance(contracts, list)
    bottom = set(next(c for c in contracts if c["id"] == "layers")["layers"][-1].split(" : "))
    assert layers <= {"__main__"} | bottom, sorted(ours)


def test_the_runner_may_import_nothing_of_its_wing_but_itself() -> None:
    """The runner-engine contract names every part of the runs wing beside the runner, and every
    top-level package but the foundation."""
    contracts = contract()["contracts"]
    assert isinstance(contracts, list)
    engine = next(c for c in contracts if c["id"] == "runner-engine")
    forbidden = set(engine["forbidden_modules"])
    wing = ROOT / "src" / "lessonloop" / "runs"
    parts = {f"lessonloop.runs.{p.stem}" for p in wing.iterdir() if p.suffix == ".py" and p.stem != "__init__"}
    parts |= {
        f"lessonloop.runs.{p.name}" for p in wing.iterdir() if (p / "__init__.py").exists() and p.name != "runner"
    }
    assert parts <= forbidden, sorted(parts - forbidden)
    bottom = set(next(c for c in contracts if c["id"] == "layers")["layers"][-1].split(" : "))
    top = {p.name for p in (ROOT / "src" / "lessonloop").iterdir() if (p / "__init__.py").exists()} - bottom - {"runs"}
    top |= {p.stem for p in (ROOT / "src" / "lessonloop").glob("*.py") if p.stem not in ("__init__", "__main__")}
    assert {f"lessonloop.{name}" for name in top} <= forbidden


def test_the_unchanged_copy_passes(package_copy: Path) -> None:
    """The copy the cases above break is checked as the real package is (so each failure is the change's)."""
    done = lint(package_copy, package_copy / "pyproject.toml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_architecture_doc_lists_the_contracts_layers() -> None:
    """docs/ARCHITECTURE.md's "Layers" block names the contract's layers, in its order."""
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text()
    section = text.split("\n## Layers\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```\n", 2)[1]
    documented = [re.split(r"\s{2,}", line.strip(), maxsplit=1)[0] for line in block.splitlines() if line.strip()]
    contracts = contract()["contracts"]
    assert isinstance(contracts, list)
    layers = next(c for c in contracts if c["id"] == "layers")["layers"]
    assert documented == layers


def test_agent_parts_are_placed() -> None:
    """Every part an agent's folder may hold is placed by a contract: the agent-parts layers name
    them all (exhaustive: a folder holding anything else breaks it), and each is the source of the
    contract that keeps it at its package's layer."""
    listed = contract()["contracts"]
    assert isinstance(listed, list)
    contracts = {c["id"]: c for c in listed}
    layered = {name.strip("() ") for layer in contracts["agent-parts"]["layers"] for name in re.split(r" [|:] ", layer)}
    assert contracts["agent-parts"]["exhaustive"] is True
    placed = {
        source.rsplit(".", 1)[1]
        for key in ("agent-specs", "agent-readers", "agent-hooks")
        for source in contracts[key]["source_modules"]
    }
    assert layered == placed, (layered, placed)
    assert contracts["agents"]["modules"] == ["lessonloop.agents.*"]
