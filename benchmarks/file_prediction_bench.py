"""File prediction (issue 14, item 3): the model against the baselines on time-ordered splits.

- The two shared bundles (../shared/corpus/git): each cloned into a temporary folder, read with
  `lessonloop ingest --git CLONE --db STORE` and measured with `lessonloop files evaluate --repo
  CLONE --json --db STORE` (real processes, the figures as a user gets them).
- Aider's history (../shared/corpus/aider/aider-dev): its chat history is copied and read with
  `lessonloop ingest COPY --no-analyze --db STORE`; each "> Commit <sha>" aider made (stored as
  its session's `commit` call) is paired with the typed prompts of that session since the
  previous commit, and the sha resolved in the `git log --name-status` export beside it, which
  gives the files. The export holds each commit's subject, author, time and files (not the
  repository: too large to ship), so the examples are built from it directly, no replay: every
  commit of the quarter in time order (subject -> files; merges have no files in the export),
  and the commits with prompts tested from their prompts (the task as it was typed), the cut at
  80% of those. The same learn.file_prediction.evaluation.evaluate as the CLI's.

Run: `.venv/bin/python benchmarks/file_prediction_bench.py [--json]` (about a minute).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lessonloop.core import json_codec
from lessonloop.history.file_prediction.evaluation import Evaluation, evaluate
from lessonloop.history.file_prediction.examples import Example, FileChange
from lessonloop.store import open_store

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
BUNDLES = ("python-semantic-release", "commitizen")
AIDER = CORPUS / "aider" / "aider-dev"
LESSONLOOP = [sys.executable, "-m", "lessonloop"]


def clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "LESSONLOOP_"))}
    env.update(HOME=str(home), GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, XDG_CONFIG_HOME=str(home))
    return env


def bundle_figures(name: str, work: Path) -> tuple[dict[str, Any], float]:
    clone = work / name
    subprocess.run(
        ["git", "clone", "-q", str(CORPUS / "git" / f"{name}.bundle"), str(clone)], check=True, capture_output=True
    )
    store = work / f"{name}.db"
    env = clean_env(work)
    subprocess.run(
        [*LESSONLOOP, "ingest", "--git", str(clone), "--db", str(store), "--no-progress"],
        check=True,
        env=env,
        capture_output=True,
    )
    start = time.perf_counter()
    out = subprocess.run(
        [*LESSONLOOP, "files", "evaluate", "--repo", str(clone), "--json", "--db", str(store)],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout), time.perf_counter() - start


def _utc(text: str) -> str:
    return datetime.fromisoformat(text).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def export_commits(path: Path) -> list[dict[str, Any]]:
    """The `git log --name-status` export: hash, author, UTC time, subject, files."""
    commits: list[dict[str, Any]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("commit "):
            commits.append({"hash": line[7:].strip(), "files": []})
        elif line.startswith("author "):
            commits[-1]["author"] = line[7:].rsplit(" <", 1)[0]
        elif line.startswith("date "):
            commits[-1]["time"] = _utc(line[5:].strip())
        elif line.startswith("subject "):
            commits[-1]["subject"] = line[8:]
        elif "\t" in line and commits:
            status, _, file = line.partition("\t")
            commits[-1]["files"].append((status.strip(), file))
    return commits


def aider_pairs(store: Path) -> dict[str, str]:
    """short sha -> the typed prompts of its session since the session's previous commit."""
    conn = open_store(store)
    pairs: dict[str, str] = {}
    sessions = [row[0] for row in conn.execute("SELECT id FROM sessions WHERE agent = 'aider' ORDER BY id")]
    for session in sessions:
        items: list[tuple[int, int, str, str]] = []
        for seq, text in conn.execute(
            "SELECT seq, text FROM messages WHERE session_id = ? AND kind = 'prompt'", (session,)
        ):
            items.append((int(seq), 0, "prompt", str(text or "")))
        for seq, data in conn.execute(
            "SELECT seq, input_json FROM tool_calls WHERE session_id = ? AND tool = 'commit'", (session,)
        ):
            items.append((int(seq), 1, "commit", str(json_codec.loads(data).get("sha", ""))))
        prompts: list[str] = []
        for _, _, kind, text in sorted(items):
            if kind == "prompt":
                if text.strip():
                    prompts.append(text.strip())
            elif prompts:
                pairs.setdefault(text, "\n".join(prompts))
                prompts = []
    conn.close()
    return pairs


def aider_evaluation(work: Path) -> tuple[Evaluation, int, int]:
    copy = work / "aider" / "chat-history.md"
    copy.parent.mkdir()
    shutil.copy(AIDER / "chat-history.md", copy)
    store = work / "aider.db"
    subprocess.run(
        [*LESSONLOOP, "ingest", str(copy), "--no-analyze", "--db", str(store)],
        check=True,
        env=clean_env(work),
        capture_output=True,
    )
    pairs = aider_pairs(store)
    commits = export_commits(next(AIDER.glob("commits-*.txt")))
    by_prefix: dict[str, str] = {}
    for short, prompts in pairs.items():
        matches = [c["hash"] for c in commits if c["hash"].startswith(short)]
        if len(matches) == 1:
            by_prefix[matches[0]] = prompts
    examples = []
    for c in commits:
        asked = by_prefix.get(c["hash"])
        files = tuple(FileChange(path, status) for status, path in c["files"])
        examples.append(
            Example(
                key=c["hash"],
                time=c["time"],
                text=c["subject"] + ("\n" + asked if asked else ""),
                files=files,
                author=c["author"],
                is_merge=not files and c["subject"].startswith("Merge"),
                query=asked,
                subject=c["subject"],
            )
        )
    return evaluate(examples, 0.8, prompts_only=True), len(pairs), len(by_prefix)


def _line(name: str, data: dict[str, Any]) -> list[str]:
    rows = []
    for mode in ("message", "seed"):
        for group in ("all", "human", "automated"):
            results = data["results"][mode][group]
            if not results:
                continue
            n = data["counts"][mode][group]
            ratio = data["mrr_ratio_to_keywords"][mode][group]
            tuned = data["mrr_ratio_to_keywords_tuned"][mode][group]
            cells = " | ".join(
                f"{results[m]['mrr']:.3f}" if m in results else "-"
                for m in ("model", "keywords", "keywords-tuned", "recency", "frequency", "co-change")
            )
            rnd = data["keywords_random_split"]["results"].get(mode, {}).get(group)
            rnd_cell = f"{rnd['mrr']:.3f}" if rnd else "-"
            model = results["model"]
            rows.append(
                f"| {name} | {mode} | {group} | {n} | {cells} | {ratio:.2f}x | **{tuned:.2f}x** | {model['p_at_1']:.3f} | "
                f"{model['recall_at_5']:.3f} | {model['recall_at_10']:.3f} | {model['ndcg_at_5']:.3f} | {rnd_cell} |"
            )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="lessonloop-fp-") as tmp:
        work = Path(tmp)
        for name in BUNDLES:
            data, seconds = bundle_figures(name, work)
            data["seconds"] = round(seconds, 1)
            figures[name] = data
        start = time.perf_counter()
        evaluation, pairs, resolved = aider_evaluation(work)
        figures["aider"] = {
            **evaluation.to_json(),
            "seconds": round(time.perf_counter() - start, 1),
            "prompt_commit_pairs": pairs,
            "pairs_resolved": resolved,
        }
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(
        "| history | from | group | tested | model | keywords | keywords-tuned | recency | frequency | co-change "
        "| model / keywords (MRR) | model / keywords-tuned (MRR) | model P@1 | R@5 | R@10 | NDCG@5 "
        "| keywords, random 20% split |"
    )
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, data in figures.items():
        for row in _line(name, data):
            print(row)
    for name, data in figures.items():
        extra = (
            f", {data['pairs_resolved']} of {data['prompt_commit_pairs']} prompt->commit pairs resolved"
            if "pairs_resolved" in data
            else ""
        )
        print(
            f"{name}: {data['examples']} examples, trained on {data['train_examples']}, {data['test_commits']} tested,"
            f" {data['seconds']} s{extra}; keywords-tuned: {data['keywords_tuned']}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
