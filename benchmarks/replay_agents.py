"""Replay per agent against the hand labels (issue 24): would the lessons have warned about the
labelled repeats of a mistake, at what cost in false alarms, and which lessons were right?

For every labels file of tests/data/labels/ (its "corpus" field names the corpus folder:
"../shared/corpus/<agent>/<source>", or "<agent>/<source> (...)" as the first files wrote it),
`lessonloop replay --online --json --labels FILE FOLDER` runs as a process of its own (a store
and a config of its own in a temporary folder; this tree's src/ first on PYTHONPATH) and its
figures are tabled per agent: for all the sessions and, when the file has "parts", per part
(thresholds are chosen on "tune", figures reported on "report"). Every other corpus folder of
../shared/corpus gets one row of replay's own counts (a repeat = a failure whose signature an
earlier failure had, every error class).

Columns: labelled repeats stopped before they ran (a lesson of their error would have stopped,
asked or denied the call: what acts in time in every agent, issue 59); false stops per 100
successful calls (successful calls a lesson would have stopped); labelled repeats warned (n of m:
any lesson of their error fired, a note the model reads after the call ran); false alarms per
successful call (successful calls on which any lesson fired, of the part's sessions); lessons learned (over the whole replay); lessons
that fired; which are right: of those, how many warned at least one labelled repeat (without
labels: one of replay's own repeats) and how many fired only on successful calls or labelled
not-repeats (false alarms only). A second table per agent names the step each labelled repeat
reached (learning/engine/replay_audit.py).

Run: `.venv/bin/python benchmarks/replay_agents.py [--corpus AGENT/SOURCE] [--json]`
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
# Resolved: Aider's session ids hash the path its history is read through, and the labels were
# made with ../shared/corpus of /work/main (a worktree's ../shared is a symlink to the same folder).
CORPUS = (REPO.parent / "shared" / "corpus").resolve()
LABELS = REPO / "tests" / "data" / "labels"
STEPS = ("warned", "not seen as a failure", "not seen as a repeat", "no lesson", "lesson silent")
NOT_CORPORA = {"git"}  # ../shared/corpus/git holds repository bundles, not transcripts


@dataclass(slots=True)
class Run:
    """One replay: a corpus, with a labels file or without."""

    corpus: str  # <agent>/<source>
    labels: Path | None
    data: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    @property
    def agent(self) -> str:
        return self.corpus.split("/", 1)[0]


def corpus_of(field_value: str) -> str | None:
    """The "<agent>/<source>" a labels file's "corpus" field names, None when it names none."""
    found = re.search(r"shared/corpus/([\w.-]+/[\w.-]+)", field_value)
    if found is None:
        found = re.match(r"\s*([\w.-]+/[\w.-]+)", field_value)
    return found.group(1).rstrip("/") if found else None


def labelled_corpora(labels: Path) -> tuple[list[tuple[str, Path]], list[str]]:
    """(corpus, labels file) of every labels file, and what could not be read from which file."""
    found: list[tuple[str, Path]] = []
    problems: list[str] = []
    for path in sorted(labels.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            problems.append(f"{path.name}: cannot read it ({exc})")
            continue
        name = corpus_of(data.get("corpus", "")) if isinstance(data, dict) else None
        if name is None:
            problems.append(f"{path.name}: no corpus named in its 'corpus' field")
        else:
            found.append((name, path))
    return found, problems


def corpus_folders(root: Path) -> list[str]:
    """Every <agent>/<source> folder of the shared corpus."""
    if not root.is_dir():
        return []
    return sorted(
        f"{agent.name}/{source.name}"
        for agent in root.iterdir()
        if agent.is_dir() and agent.name not in NOT_CORPORA
        for source in agent.iterdir()
        if source.is_dir()
    )


def plan(root: Path, labels: Path, only: str | None) -> tuple[list[Run], list[str]]:
    """The replays to run: one per labels file, one for each corpus without labels."""
    labelled, problems = labelled_corpora(labels)
    folders = corpus_folders(root)
    runs = [Run(name, path) for name, path in labelled]
    for name, path in labelled:
        if name not in folders:
            problems.append(f"{path.name}: corpus {name} not found under {root}")
    runs = [run for run in runs if run.corpus in folders]
    named = {name for name, _ in labelled}
    runs += [Run(name, None) for name in folders if name not in named]
    if only is not None:
        runs = [run for run in runs if run.corpus == only.strip("/")]
    runs.sort(key=lambda run: (run.corpus, str(run.labels or "")))
    return runs, problems


def replay(run: Run, root: Path) -> None:
    """`lessonloop replay --online --json [--labels FILE] FOLDER` as a process of its own."""
    with tempfile.TemporaryDirectory(prefix="lessonloop-replay-agents-") as folder:
        env = {
            **os.environ,
            "LESSONLOOP_DB": str(Path(folder) / "lessonloop.db"),
            "LESSONLOOP_CONFIG": str(Path(folder) / "config.toml"),
            "XDG_CONFIG_HOME": str(Path(folder) / "config"),
            "LESSONLOOP_EMBEDDINGS": "none",
            "PYTHONPATH": os.pathsep.join([str(REPO / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]),
        }
        command = [sys.executable, "-m", "lessonloop", "replay", "--online", "--json"]
        if run.labels is not None:
            command += ["--labels", str(run.labels)]
        command.append(str(root / run.corpus))
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=folder, timeout=1800, check=False)
    if done.returncode != 0:
        run.error = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        return
    run.data = json.loads(done.stdout)


# ----------------------------------------------------------------------------- rows


def rows(run: Run) -> list[dict[str, Any]]:
    """The run's rows: all the sessions and each part (labelled), or replay's own counts."""
    base = {"agent": run.agent, "corpus": run.corpus, "labels": run.labels.name if run.labels else None}
    if run.error is not None:
        return [{**base, "part": "-", "error": run.error}]
    data = run.data
    # the stops of no lesson, over every evaluated call (a high-risk line an edit adds; a declared
    # rule): given on the row of every session only
    rules = {
        "edit_stops": data["edit_stops"],
        "declared_stops": data["declared_stops"],
        "declared_stops_on_successful_calls": data["declared_stops_on_successful_calls"],
        "evaluated_calls": data["evaluated_calls"],
    }
    if run.labels is None:
        fired = data["lessons_fired"]
        own = data["repeat_steps"]
        return [
            {
                **base,
                **rules,
                "part": "no labels: replay's own repeats",
                "sessions": data["evaluated_sessions"],
                "repeats": data["repeated_errors_all_classes"],
                "warned": data["warned_repeated_errors_all_classes"],
                "stopped": data["stopped_repeated_errors_all_classes"],
                "successful_calls": data["successful_calls"],
                "false_alarms": data["false_alarms"],
                "false_stops": data["false_stops"],
                "lessons_learned": data["lessons_learned"],
                "lessons_fired": len(fired),
                "lessons_right": sum(1 for f in fired if f["warned_errors"]),
                "lessons_false_alarms_only": sum(1 for f in fired if f["fired"] == f["false_alarms"]),
                "steps": own["steps"],
                "step_reasons": own["step_reasons"],
            }
        ]
    labels = data["labels"]
    scopes = [("all", labels), *labels.get("parts", {}).items()]
    return [
        {
            **base,
            **(rules if name == "all" else {}),
            "part": name,
            "sessions": figures["sessions"],
            "repeats": figures["labelled_repeats"],
            "warned": figures["warned_labelled_repeats"],
            "stopped": figures["stopped_labelled_repeats"],
            "successful_calls": figures["successful_calls"],
            "false_alarms": figures["false_alarms"],
            "false_stops": figures["false_stops"],
            "lessons_learned": data["lessons_learned"],
            "lessons_fired": figures["lessons_fired"],
            "lessons_right": figures["lessons_that_warned_labelled_repeats"],
            "lessons_false_alarms_only": figures["lessons_with_false_alarms_only"],
            "steps": figures["steps"],
            "step_reasons": figures["step_reasons"],
        }
        for name, figures in scopes
    ]


def per_100(n: int, m: int) -> str:
    return f"{n:,} ({100 * n / m:.2f})" if m else f"{n:,}"


def of(n: int, m: int, percent: bool = False, digits: int = 0) -> str:
    if not percent or not m:
        return f"{n:,} of {m:,}"
    return f"{n:,} of {m:,} ({n / m:.{digits}%})"


def markdown(all_rows: list[dict[str, Any]], problems: Sequence[str], command: str, labels: Path) -> str:
    shown = labels.resolve().relative_to(REPO) if labels.resolve().is_relative_to(REPO) else labels
    lines = [
        f"```sh\n{command}\n```",
        "",
        f"{datetime.now(UTC):%Y-%m-%d}, online replay; labelled figures against the labels files of {shown}/, "
        'the rows without labels are replay\'s own repeats (every error class). Part "all" is every session '
        "of the corpus (false alarms and lessons too); a labels file that labels a sample has its sessions in "
        "its parts.",
    ]
    for agent in sorted({row["agent"] for row in all_rows}):
        mine = [row for row in all_rows if row["agent"] == agent]
        lines += ["", f"### {agent}", ""]
        lines += [
            "| corpus | part | repeats stopped before they ran | false stops per 100 successful calls "
            "| repeats warned (a note after the call) | false alarms per successful call | lessons learned "
            "| lessons that fired | which are right |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for row in mine:
            name = row["corpus"] + (f" ({row['labels']})" if row["labels"] else "")
            if "error" in row:
                lines.append(f"| {name} | - | failed: {row['error']} | | | | | | |")
                continue
            lines.append(
                f"| {name} | {row['part']} | {of(row['stopped'], row['repeats'], True, 1)} | "
                f"{per_100(row['false_stops'], row['successful_calls'])} | "
                f"{of(row['warned'], row['repeats'], True, 1)} | "
                f"{of(row['false_alarms'], row['successful_calls'], True, 2)} | {row['lessons_learned']} | "
                f"{row['lessons_fired']} | {row['lessons_right']} warned a repeat, "
                f"{row['lessons_false_alarms_only']} false alarms only |"
            )
        lines += [
            "",
            "| corpus | part | repeats | " + " | ".join(STEPS) + " |",
            "|---|---|---" + "|---" * len(STEPS) + "|",
        ]
        for row in mine:
            if "error" in row:
                continue
            cells = []
            for step in STEPS:
                if row["labels"] is None and step in ("not seen as a failure", "not seen as a repeat"):
                    cells.append("-")
                    continue
                reasons = row["step_reasons"].get(step)
                detail = " (" + ", ".join(f"{r} {n}" for r, n in reasons.items()) + ")" if reasons else ""
                cells.append(f"{row['steps'][step]}{detail}")
            lines.append(f"| {row['corpus']} | {row['part']} | {row['repeats']} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "### Stops of no lesson: lessonloop's own rules",
        "",
        "A high-risk line an edit is about to add (analyze/edit_risk.py) and a declared `never` rule the call "
        "breaks stop it once, on every call of the corpus (no labels: whether each was right is judged by hand).",
        "",
        "| corpus | calls | edits stopped (a high-risk line added) | declared rule stops | "
        "of them on calls that worked |",
        "|---|---|---|---|---|",
    ]
    for row in all_rows:
        if "edit_stops" in row and (row["labels"] is None or row["part"] == "all"):
            lines.append(
                f"| {row['corpus']} | {row['evaluated_calls']:,} | {per_100(row['edit_stops'], row['evaluated_calls'])} "
                f"| {row['declared_stops']} | {row['declared_stops_on_successful_calls']} |"
            )
    if problems:
        lines += ["", *(f"- labels {problem}" for problem in problems)]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--corpus", metavar="AGENT/SOURCE", help="one corpus only (e.g. codex/zo-qore)")
    parser.add_argument("--corpus-root", type=Path, default=CORPUS, help="the shared corpus folder")
    parser.add_argument("--labels-dir", type=Path, default=LABELS, help="the labels files' folder")
    parser.add_argument("--json", action="store_true", help="the rows as JSON")
    args = parser.parse_args(argv)
    root = args.corpus_root.resolve()
    runs, problems = plan(root, args.labels_dir, args.corpus)
    if not runs:
        print(f"no corpus to replay under {root}" + (f" named {args.corpus}" if args.corpus else ""))
        return 1
    for run in runs:
        replay(run, root)
    all_rows = [row for run in runs for row in rows(run)]
    if args.json:
        print(json.dumps({"rows": all_rows, "problems": problems}, indent=1))
    else:
        given = " ".join(sys.argv[1:] if argv is None else argv)
        command = f".venv/bin/python benchmarks/replay_agents.py {given}".rstrip()
        print(markdown(all_rows, problems, command, args.labels_dir))
    return 1 if any(run.error for run in runs) else 0


if __name__ == "__main__":
    raise SystemExit(main())
