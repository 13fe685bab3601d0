"""Gemini CLI adapter ingest speed beside the Claude Code adapter's, in one process and one run.

Each round ingests, into a fresh store, (1) the Claude Code spotter corpus, (2) the real Gemini
codemie chats, and (3) a larger Gemini input made from them: every codemie session copied
--copies times under new session ids, half as single-JSON chats and half converted to JSONL
(metadata line, one line per message, a $set line), as Gemini CLI writes them. MB/s is the
ingest's own figure (bytes read / seconds of `ingest`), the median over --rounds rounds,
order rotated each round.

Run: `.venv/bin/python benchmarks/gemini_ingest_bench.py [--rounds 5] [--copies 200] [--json]`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

from lessonloop.pipeline.ingest import discover, ingest
from lessonloop.store import open_store

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"


def scaled_gemini(folder: Path, copies: int) -> Path:
    chats = sorted((CORPUS / "gemini" / "codemie").glob("session-*.json"))
    out = folder / "gemini-scaled" / "tmp" / "project" / "chats"  # where Gemini CLI keeps them
    out.mkdir(parents=True)
    for index in range(copies):
        for chat in chats:
            doc = json.loads(chat.read_text())
            session = str(uuid.UUID(int=index * 1000 + chats.index(chat)))
            doc["sessionId"] = session
            for message in doc["messages"]:
                message["id"] = f"{session}-{message['id']}"
            name = f"session-{index:05d}-{session[-8:]}"
            if index % 2:
                (out / f"{name}.json").write_text(json.dumps(doc, indent=2))
            else:
                messages = doc.pop("messages")
                lines = [doc, *messages, {"$set": {"lastUpdated": doc["lastUpdated"]}}]
                (out / f"{name}.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    return folder / "gemini-scaled"


def one_ingest(path: Path, db: Path) -> dict[str, Any]:
    sources, summary = discover([str(path)])
    conn = open_store(db)
    try:
        done = ingest(conn, sources, summary)
    finally:
        conn.close()
    return {
        "mb": done.bytes_read / 1e6,
        "seconds": done.seconds,
        "files": done.files_read,
        "sessions": len(done.main_sessions),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--copies", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        inputs = {
            "claude-code/spotter": CORPUS / "claude-code" / "spotter",
            "claude-code/codemie": CORPUS / "claude-code" / "codemie",
            "gemini/codemie": CORPUS / "gemini" / "codemie",
            f"gemini scaled (codemie x{args.copies}, JSON + JSONL)": scaled_gemini(work, args.copies),
        }
        one_ingest(inputs["gemini/codemie"], work / "warm.db")  # imports loaded before timing
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in inputs}
        names = list(inputs)
        for round_no in range(args.rounds):
            order = names[round_no % len(names) :] + names[: round_no % len(names)]
            for name in order:
                runs[name].append(one_ingest(inputs[name], work / f"r{round_no}-{names.index(name)}.db"))
    report = {}
    for name, results in runs.items():
        mbps = statistics.median(r["mb"] / r["seconds"] for r in results)
        report[name] = {
            "mb": round(results[0]["mb"], 3),
            "files": results[0]["files"],
            "sessions": results[0]["sessions"],
            "mb_per_s": round(mbps, 2),
        }
    base = report["claude-code/spotter"]["mb_per_s"]
    for row in report.values():
        row["ratio_to_claude_code"] = round(row["mb_per_s"] / base, 2)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for name, row in report.items():
            print(
                f"{name:50s} {row['mb']:8.2f} MB {row['files']:5d} files {row['mb_per_s']:7.2f} MB/s  x{row['ratio_to_claude_code']}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
