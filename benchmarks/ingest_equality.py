"""Does ingest store exactly what an earlier commit's ingest stores? (issue 13: speed work on the
store's writes, the format sniffing and the adapters must not change a stored value.)

Both source trees (`--ref`'s, from `git archive`, and this working tree's) run the same steps,
each step a process of its own (`PYTHONPATH=<tree>/src`), on inputs rebuilt at the same paths
(stored paths are part of what is compared), and the stores are compared after each step with
tests/conftest.py's dump_store (every table, file ids replaced by paths, ingest times left out;
`git_author_salt`, a random key made by a migration, too):

1. the inputs with their line files cut: each JSONL transcript (Claude Code, Codex, Gemini) and
   each Aider history holds its first half of lines, a third of the OpenCode storage files are
   missing, and Gemini's single-JSON chats are whole: one ingest into a fresh store;
2. the files completed (the rest of the lines appended, the OpenCode files added, each Gemini
   .json rewritten with its last message removed, then restored): ingest again;
3. the same files once more (nothing new);
4. a fresh store, everything at once (a clean ingest of the complete inputs).

Inputs: every agent's corpus in ../shared/corpus (claude-code spotter and codemie, codex, gemini,
opencode, aider), the Gemini and Codex ones a second time with the same ids (calls already stored),
and copies with distinct ids (tests/corpus_copies.py: Codex x3, Gemini x3, OpenCode x20 as a
storage tree and as an opencode.db, Aider x2).

Run: `.venv/bin/python benchmarks/ingest_equality.py --ref COMMIT` or `--tree FOLDER` (a folder whose
src/ is the reference's, e.g. a checkout with some commits reversed); exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.conftest import SHARED_CORPUS, TEST_SETTINGS, Dump, dump_store, store_differences  # noqa: E402

# as the test run (ingest analyzes before it returns, no refresh, no hook server): this compares
# stores and times what it always timed
os.environ.update(TEST_SETTINGS)
from tests.corpus_copies import (  # noqa: E402
    aider_history_copies,
    codex_copies,
    gemini_copies,
    opencode_copies,
    write_opencode_db,
    write_opencode_storage,
)

RANDOM_TABLES = ("git_author_salt",)
INGEST = """
import sys
from pathlib import Path
from lessonloop.pipeline.ingest import discover, ingest
from lessonloop.store import open_store
sources, summary = discover([sys.argv[2]])
conn = open_store(Path(sys.argv[1]))
try:
    ingest(conn, sources, summary)
finally:
    conn.close()
"""


def build_inputs(root: Path) -> None:
    """The complete inputs under root/in (see the module's docstring)."""
    if root.exists():
        shutil.rmtree(root)
    inputs = root / "in"
    for relative in (
        "claude-code/spotter",
        "claude-code/codemie",
        "codex/codemie",
        "gemini/codemie",
        "aider/aider-dev",
    ):
        shutil.copytree(SHARED_CORPUS / relative, inputs / relative.replace("/", "-"))
    shutil.copytree(SHARED_CORPUS / "opencode/codemie/storage", inputs / "opencode-codemie" / "storage")
    # The same records twice (calls already stored when the second copy is read): Gemini's chats
    # and Codex's rollouts again under other paths, ids unchanged.
    shutil.copytree(SHARED_CORPUS / "gemini/codemie", inputs / "gemini-codemie-again")
    shutil.copytree(SHARED_CORPUS / "codex/codemie", inputs / "codex-codemie-again")
    codex_copies(inputs / "codex-copies", 3)
    gemini_copies(inputs / "gemini-copies", 3)
    copies = opencode_copies(20, first=1)
    write_opencode_storage(inputs / "opencode-copies" / "storage", copies)
    (inputs / "opencode-db").mkdir()
    write_opencode_db(inputs / "opencode-db" / "opencode.db", copies)
    aider_history_copies(inputs, 2, first=1, folder="aider-copy")
    for path in [inputs, *inputs.rglob("*")]:
        path.chmod(path.stat().st_mode | 0o200)


def line_files(inputs: Path) -> list[Path]:
    return sorted(
        p for p in inputs.rglob("*") if p.suffix == ".jsonl" or p.name.endswith(("history.md", ".history.md"))
    )


def cut(inputs: Path) -> dict[Path, bytes]:
    """Cut the inputs as step 1 reads them; returns what to put back."""
    saved: dict[Path, bytes] = {}
    for path in line_files(inputs):
        data = path.read_bytes()
        saved[path] = data
        lines = data.splitlines(keepends=True)
        path.write_bytes(b"".join(lines[: len(lines) // 2]))
    opencode_files = sorted(p for p in (inputs / "opencode-copies").rglob("*.json"))
    for path in opencode_files[::3]:
        saved[path] = path.read_bytes()
        path.unlink()
    return saved


def rewrite_gemini(inputs: Path) -> dict[Path, bytes]:
    """Each single-JSON Gemini chat without its last message; returns the whole ones."""
    saved: dict[Path, bytes] = {}
    for path in sorted(inputs.rglob("session-*.json")):
        data = path.read_bytes()
        doc = json.loads(data)
        if isinstance(doc, dict) and isinstance(doc.get("messages"), list) and doc["messages"]:
            saved[path] = data
            doc["messages"] = doc["messages"][:-1]
            path.write_text(json.dumps(doc, indent=2))
    return saved


def put_back(saved: dict[Path, bytes]) -> None:
    for path, data in saved.items():
        path.write_bytes(data)


def ingest(tree: Path, db: Path, folder: Path, home: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(tree / "src"), HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"))
    env.pop("LESSONLOOP_DB", None)
    subprocess.run([sys.executable, "-c", INGEST, str(db), str(folder)], env=env, check=True)


def dump(db: Path) -> Dump:
    out = dump_store(db)
    for table in RANDOM_TABLES:
        out.pop(table, None)
    return out


def run(tree: Path, root: Path) -> list[tuple[str, Dump]]:
    """The steps of the module's docstring with the source tree `tree`; the dump after each."""
    build_inputs(root)
    inputs, home = root / "in", root / "home"
    home.mkdir()
    db = root / "store" / "lessonloop.db"
    dumps: list[tuple[str, Dump]] = []
    saved = cut(inputs)
    ingest(tree, db, inputs, home)
    dumps.append(("1. cut inputs, first ingest", dump(db)))
    put_back(saved)
    whole = rewrite_gemini(inputs)
    ingest(tree, db, inputs, home)
    put_back(whole)
    ingest(tree, db, inputs, home)
    dumps.append(("2. completed, Gemini chats rewritten then restored", dump(db)))
    ingest(tree, db, inputs, home)
    dumps.append(("3. the same files again", dump(db)))
    fresh = root / "fresh" / "lessonloop.db"
    ingest(tree, fresh, inputs, home)
    dumps.append(("4. clean ingest of everything", dump(fresh)))
    return dumps


def rows(dumped: Dump) -> int:
    return sum(len(table) for table in dumped.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    given = parser.add_mutually_exclusive_group(required=True)
    given.add_argument("--ref", help="the commit whose ingest is the reference")
    given.add_argument("--tree", type=Path, help="or a folder holding the reference's src/")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ingest-equality-") as tmp:
        work = Path(tmp)
        reference = work / "reference"
        if args.tree is not None:
            shutil.copytree(args.tree / "src", reference / "src")
        else:
            reference.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(REPO), "archive", args.ref, "src"], capture_output=True, check=True
            )
            subprocess.run(["tar", "-x", "-C", str(reference)], input=archive.stdout, check=True)
        results: dict[str, list[tuple[str, Dump]]] = {}
        for name, tree in (("reference", reference), ("working tree", REPO)):
            results[name] = run(tree, work / "run")  # the same paths for both
        different = 0
        for (step, expected), (_, got) in zip(results["reference"], results["working tree"], strict=True):
            differences = store_differences(expected, got)
            print(f"{step}: {rows(expected):,} rows, {'same' if not differences else 'DIFFERENT'}")
            for line in differences[:30]:
                print("   ", line[:400])
            different += bool(differences)
        name = args.ref or str(args.tree)
        print(f"{name} against the working tree: {different} of {len(results['reference'])} steps differ")
        return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
