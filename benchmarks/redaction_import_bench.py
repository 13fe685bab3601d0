"""What a hook pays for redaction: importing secrets/redaction.py (its rules, the vendored rule data,
the Aho-Corasick gate built on import) and redacting a few short texts, in a fresh interpreter
each time, as a hook process does.

Contenders, interleaved round-robin in fresh processes (`python -I -c`, the tree first on sys.path):
  baseline   python -c "import json, sqlite3"
  import     import lessonloop.secrets.redaction
  redact     the import, then `redact` of five short texts (a command, a prompt, an output, two
             with a secret)
With `--before SRC`, the same from another source folder (a `git archive` of the code before a
change), as "<name>@before". Reported: the median wall time of each, in ms.

Run: `.venv/bin/python benchmarks/redaction_import_bench.py [--rounds N] [--before SRC] [--json]`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
TEXTS = [
    "git status && npm test",
    "please fix the failing test in parser.py",
    "FAILED tests/test_x.py::test_y - assert 1 == 2",
    "export GITHUB_TOKEN=ghp_R7kQ2mVx9LpT4wZcR7kQ2mVx9LpT4wZcR7kQ",
    "curl -H 'Authorization: Bearer Be4rerT0kenQm8Rt2Lx7Vn' https://api.example.com",
]


def _code(src: Path | None, what: str) -> str:
    path = f"import sys; sys.path.insert(0, {str(src)!r}); " if src is not None else ""
    if what == "baseline":
        return "import json, sqlite3"
    if what == "import":
        return path + "import lessonloop.secrets.redaction"
    return (
        path
        + "from lessonloop.secrets.redaction import redact; "
        + "; ".join(f"redact({text!r}, 'command')" for text in TEXTS)
    )


def _time(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-I", "-c", code], check=True)
    return (time.perf_counter() - started) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--before", type=Path, help="another source folder, timed as <name>@before")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    contenders: dict[str, str] = {"baseline": _code(None, "baseline")}
    for what in ("import", "redact"):
        contenders[what] = _code(SRC, what)
        if args.before is not None:
            contenders[f"{what}@before"] = _code(args.before, what)
    for code in contenders.values():
        _time(code)  # compile the .pyc files once before timing
    times: dict[str, list[float]] = {name: [] for name in contenders}
    names = list(contenders)
    for round_no in range(args.rounds):
        order = names[round_no % len(names) :] + names[: round_no % len(names)]
        for name in order:
            times[name].append(_time(contenders[name]))
    medians = {name: round(statistics.median(values), 2) for name, values in times.items()}
    if args.json:
        print(json.dumps({"rounds": args.rounds, "median_ms": medians}, indent=2))
    else:
        for name, value in medians.items():
            over = value - medians["baseline"]
            print(f"{name:16} {value:8.2f} ms   ({over:+.2f} ms over the baseline)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
