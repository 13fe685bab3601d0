"""Cost per model, side by side with ccusage@20 (issue 42, item 6; docs/costs.md, "Against ccusage").

    .venv/bin/python benchmarks/costs_by_model.py [--ccusage-bin PATH] [--folders gemini/codemie ...]
    .venv/bin/python benchmarks/costs_by_model.py --rates gemini-3-pro gemini-3-pro-image-preview

Each shared corpus folder is copied to a temporary home in the layout its agent writes, read by
ccusage's `session` report of that agent (--offline, TZ=UTC) and by `lessonloop ingest
--no-analyze` then `stats --json`; one Markdown row per model: the tokens each counts (input not
cached, output with reasoning, cache reads, cache writes), the costs and their ratio.

ccusage's session report gives a cost per model (modelBreakdowns) for Claude Code, Gemini CLI and
OpenCode; for Codex it gives one cost per session, put on the session's model (each Codex session
of these folders has one). ccusage's Gemini report leaves thoughts out of its output tokens (they
are in its totalTokens, and it bills them as output), so its output column here adds them.

--rates: what ccusage charges per million tokens of each kind for a Gemini CLI model name, read
from one-call sessions written for the purpose (100k tokens of one kind each; 300k input for its
long-context tier), next to lessonloop's own prices for the same calls.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
FOLDERS = [
    "gemini/codemie",
    "opencode/codemie",
    "codex/codemie",
    "codex/parking-lot",
    "claude-code/spotter",
    "claude-code/codemie",
]
KINDS = ("input", "output", "cache_read", "cache_creation")
CCUSAGE_AGENT = {"gemini": "gemini", "opencode": "opencode", "codex": "codex", "claude-code": "claude"}
Tokens = dict[str, float]


def _home(agent: str, source: Path, home: Path) -> tuple[Path, dict[str, str]]:
    """Copy `source` where `agent` writes its files under `home`: (the folder to ingest, the env)."""
    env = {"PATH": "/usr/bin:/bin", "TZ": "UTC", "HOME": str(home)}
    if agent == "gemini":
        folder = home / ".gemini" / "tmp" / "codemie" / "chats"
        folder.mkdir(parents=True)
        for file in source.glob("*.json"):
            if file.name != "logs.json" and not file.name.endswith("-logs.json"):
                shutil.copy(file, folder / file.name)
    elif agent == "opencode":
        folder = home / ".local" / "share" / "opencode" / "storage"
        shutil.copytree(source / "storage", folder)
    elif agent == "codex":
        folder = home / "sessions"
        shutil.copytree(source / "sessions", folder)
        env["CODEX_HOME"] = str(home)
    else:
        folder = home / "claude" / "projects" / f"-{source.name}"
        shutil.copytree(source, folder)
        env["CLAUDE_CONFIG_DIR"] = str(home / "claude")
    for path in home.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return folder, env


def _theirs(ccusage: str, agent: str, env: dict[str, str]) -> dict[str, Tokens]:
    """ccusage's session report summed per model: tokens by kind and cost."""
    done = subprocess.run(
        [ccusage, CCUSAGE_AGENT[agent], "session", "--json", "--offline"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    per: dict[str, Tokens] = defaultdict(lambda: defaultdict(float))
    for session in json.loads(done.stdout)["sessions"]:
        if session.get("modelBreakdowns"):
            parts = [(b["modelName"], b, float(b["cost"])) for b in session["modelBreakdowns"]]
        else:
            models = session.get("models") or {}
            name = next(iter(models)) if len(models) == 1 else "(several)"
            parts = [(name, session, float(session.get("costUSD", session.get("totalCost", 0.0))))]
        for name, counts, cost in parts:
            row = per[name]
            row["input"] += counts.get("inputTokens", 0)
            row["output"] += counts.get("outputTokens", 0)  # Codex's includes its reasoningOutputTokens
            row["cache_read"] += counts.get("cacheReadTokens", 0)
            row["cache_creation"] += counts.get("cacheCreationTokens", 0)
            row["cost"] += cost
        if agent == "gemini" and len(parts) == 1:  # thoughts: in totalTokens only, billed (by ccusage too) as output
            listed = sum(session.get(k, 0) for k in ("inputTokens", "outputTokens", "cacheReadTokens"))
            per[parts[0][0]]["output"] += max(0, session.get("totalTokens", listed) - listed)
    return per


def _ours(folder: Path, home: Path) -> dict[str, dict[str, Any]]:
    env = {**os.environ, "TZ": "UTC", "PYTHONPATH": str(ROOT / "src"), "HOME": str(home)}
    env["LESSONLOOP_CONFIG"] = str(home / "lessonloop.toml")
    db = str(home / "store.db")
    run = [sys.executable, "-m", "lessonloop"]
    subprocess.run([*run, "ingest", "--db", db, "--no-analyze", str(folder)], env=env, capture_output=True, check=True)
    done = subprocess.run([*run, "stats", "--db", db, "--json"], env=env, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout)["tokens"])


def _tokens(row: Any) -> str:
    return " / ".join(f"{int(row.get(k, 0) or 0):,}" for k in KINDS)


def compare(ccusage: str, folders: list[str]) -> None:
    print("tokens: input not cached / output with reasoning / cache read / cache write")
    print(
        "\n| corpus folder | model | ccusage tokens | lessonloop tokens | ccusage | lessonloop | lessonloop / ccusage |"
    )
    print("|---|---|---|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as work:
        for name in folders:
            agent = name.split("/")[0]
            source = CORPUS / name
            if not source.is_dir():
                print(f"| {name} | (not found at {source}) | | | | | |")
                continue
            home = Path(work) / name.replace("/", "-")
            folder, env = _home(agent, source, home)
            theirs, ours = _theirs(ccusage, agent, env), _ours(folder, home)
            for model in sorted(set(theirs) | set(ours)):
                mine, other = ours.get(model, {}), theirs.get(model)
                cost = mine.get("cost_usd")
                mine_text = "unknown" if cost is None and mine else ("-" if not mine else f"${cost:.6f}")
                other_text = "-" if other is None else f"${other['cost']:.6f}"
                ratio = f"{cost / other['cost']:.4f}" if cost is not None and other and other["cost"] else "-"
                print(
                    f"| {name} | {model} | {_tokens(other or {})} | {_tokens(mine)} | {other_text} | {mine_text} | {ratio} |"
                )


def rates(ccusage: str, models: list[str]) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from lessonloop.analyze.pricing import call_cost

    n = 100_000
    probes = {
        "input": {"input": n},
        "output": {"output": n},
        "thoughts": {"thoughts": n},
        "cache read": {"input": n, "cached": n},
        "input past 200k": {"input": 3 * n},
    }
    day = "2026-01-16"
    print("| model | tokens | ccusage $/MTok | lessonloop $/MTok |")
    print("|---|---|---:|---:|")
    for model in models:
        with tempfile.TemporaryDirectory() as work:
            chats = Path(work) / ".gemini" / "tmp" / "rates" / "chats"
            chats.mkdir(parents=True)
            ids: dict[str, str] = {}
            for number, (label, counts) in enumerate(probes.items()):
                session = str(uuid.uuid4())
                ids[session] = label
                tokens = {"input": 0, "output": 0, "cached": 0, "thoughts": 0, "tool": 0, **counts}
                tokens["total"] = tokens["input"] + tokens["output"] + tokens["thoughts"] + tokens["tool"]
                at = f"{day}T10:00:0{number}.000Z"
                message = {"id": f"m{number}", "timestamp": at, "type": "gemini", "content": "", "model": model}
                message_tokens: dict[str, object] = {**message, "tokens": tokens}
                document = {"sessionId": session, "startTime": at, "lastUpdated": at, "messages": [message_tokens]}
                (chats / f"session-{day}T10-0{number}-{session[:8]}.json").write_text(json.dumps(document))
            env = {"PATH": "/usr/bin:/bin", "TZ": "UTC", "HOME": work}
            done = subprocess.run(
                [ccusage, "gemini", "session", "--json", "--offline"],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            found = {ids[s["sessionId"]]: float(s["totalCost"]) for s in json.loads(done.stdout)["sessions"]}
        for label, counts in probes.items():
            size = counts.get("input", 0) if label != "cache read" else n
            size = size or n
            cached = counts.get("cached", 0)
            output = counts.get("output", 0) + counts.get("thoughts", 0)
            mine = call_cost(model, f"{day}T10:00:00.000Z", counts.get("input", 0) - cached, output, 0, cached)
            ours = "unpriced" if mine is None else f"{mine / size * 1e6:.3f}"
            print(f"| {model} | {label} | {found.get(label, 0.0) / size * 1e6:.3f} | {ours} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--ccusage-bin", default=os.environ.get("LESSONLOOP_CCUSAGE", "/tmp/ccu/node_modules/.bin/ccusage")
    )
    parser.add_argument("--folders", nargs="+", default=FOLDERS, help="corpus folders, as AGENT/SOURCE")
    parser.add_argument("--rates", nargs="+", metavar="MODEL", help="ccusage's per-token rates for Gemini names")
    args = parser.parse_args()
    if args.rates:
        rates(args.ccusage_bin, args.rates)
    else:
        compare(args.ccusage_bin, args.folders)


if __name__ == "__main__":
    main()
