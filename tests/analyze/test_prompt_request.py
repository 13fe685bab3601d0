"""What the person asked, without the agents' context around it (issue 42, item 4): the sessions'
first prompt and the timeline show the request, not Codex's IDE context, a harness tag or a
title request of the IDE extension (analyze/prompt_request.py).

The rules on texts, then on copies of the real corpora (skipped without ../shared): Codex's
IDE rollouts of codex/zo-qore (219 of its 324 sessions open with "# Context from my IDE setup:"),
codex/codemie's "# Files mentioned by the user:", codex/parking-lot's expanded spec-kit command,
a Claude Code transcript of claude-code/spotter given the VS Code extension's blocks, Gemini
CLI's chats of gemini/codemie (one given an @-reference's files the older way) and OpenCode's
storage of opencode/codemie. Each expected request is read from the raw files here, not by the
module under test."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from lessonloop.analyze.prompt_request import request_of
from tests.conftest import SHARED_CORPUS, cli

ZO_QORE = SHARED_CORPUS / "codex" / "zo-qore"
CODEX_CODEMIE = SHARED_CORPUS / "codex" / "codemie"
PARKING_LOT = SHARED_CORPUS / "codex" / "parking-lot"
IDE_CONTEXT = "# Context from my IDE setup:"
REQUEST_LINE = "## My request for Codex:\n"


def test_codex_ide_context_leaves_the_request() -> None:
    text = (
        "# Context from my IDE setup:\n\n## Active file: src/app.ts\n\n## Active selection of the file:\nconst a = 1;\n"
        "## Open tabs:\n- app.ts: src/app.ts\n\n## My request for Codex:\nfix the failing build\n"
    )
    assert request_of(text) == "fix the failing build"
    assert (
        request_of("\n# Files mentioned by the user:\n\n## a.vtt: /tmp/a.vtt\n\n## My request for Codex:\nsum up")
        == "sum up"
    )
    assert request_of("\n## My request for Codex:\nPrompt 009\n") == "Prompt 009"
    assert request_of("# Context from my IDE setup:\n\n## Open tabs:\n- a.ts: a.ts\n") == ""  # context, no request


def test_harness_blocks_around_the_text_go_and_tags_inside_it_stay() -> None:
    assert request_of("<ide_opened_file>The user opened a.py in the IDE.</ide_opened_file>\nexplain this") == (
        "explain this"
    )
    assert request_of("<ide_selection>x = 1</ide_selection><ide_opened_file>a</ide_opened_file>why?") == "why?"
    assert request_of("fix the <div> in page.html\n<system-reminder>\nnote\n</system-reminder>\n") == (
        "fix the <div> in page.html"
    )
    assert request_of("<system-reminder>only this</system-reminder>") == ""
    assert request_of("compare <my_tag> and <b>") == "compare <my_tag> and <b>"
    assert request_of("<environment_context>\n  <cwd>/w</cwd>\n</environment_context>") == ""


def test_title_requests_templates_and_referenced_files() -> None:
    title = "Generate a concise UI title (20-40 characters) for this task.\nReturn only the title.\n\nTask:\nfix the login\n"
    assert request_of(title) == "fix the login"
    assert request_of("\n## User Input\n\n```text\nbuild the parser\n```\n\nYou **MUST** consider it.") == (
        "build the parser"
    )
    empty = "\n## User Input\n\n```text\n\n```\n\nYou **MUST** consider the user input."
    assert request_of(empty) == empty.strip()  # no words of the person's: the template as sent
    gemini = (
        "summarize @a.py\n--- Content from referenced files ---\nContent from @a.py:\nprint(1)\n--- End of content ---"
    )
    assert request_of(gemini) == "summarize @a.py"
    assert request_of("  plain words  ") == "plain words"
    assert request_of(None) == request_of("") == ""


# ---------------------------------------------------------------------------- the real corpora


def _need(*paths: Path) -> None:
    for path in paths:
        if not path.exists():
            pytest.skip(f"real-data corpus not found at {path} (the ../shared folder is absent)")


def _first_typed(path: Path) -> str | None:
    """A rollout's first user_message event, read straight from its JSONL."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            payload = record.get("payload") or {}
            if record.get("type") == "event_msg" and payload.get("type") == "user_message":
                message = payload.get("message")
                return message if isinstance(message, str) else None
    return None


def _rollouts(prefix: str, count: int) -> list[Path]:
    """The `count` smallest rollouts of the Codex corpora whose first typed message starts with `prefix`."""
    found = [
        p
        for source in (ZO_QORE, CODEX_CODEMIE, PARKING_LOT)
        for p in source.glob("sessions/**/rollout-*.jsonl")
        if (_first_typed(p) or "").lstrip().startswith(prefix)
    ]
    return sorted(found, key=lambda p: (p.stat().st_size, p.name))[:count]


def _sessions(tmp_path: Path, files: list[Path], *folders: Path) -> dict[str, dict[str, Any]]:
    """The files and folders copied to `tmp_path`, ingested into a new store: `sessions --json` by id."""
    source = tmp_path / "in"
    for path in files:
        target = source / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    for folder in folders:
        shutil.copytree(folder, source / folder.name)
    db = tmp_path / "store.db"
    result = cli("ingest", "--db", db, "--no-analyze", "--no-progress", source)
    assert result.exit_code == 0, result.stderr
    listing = cli("sessions", "--db", db, "--json", "--include-empty")
    assert listing.exit_code == 0, listing.stderr
    return {row["id"]: row for row in listing.json()}


def _session_id(path: Path) -> str:
    return path.stem.removeprefix("rollout-")[-36:]


def test_codex_ide_sessions_show_the_typed_request(tmp_path: Path) -> None:
    _need(ZO_QORE, CODEX_CODEMIE, PARKING_LOT)
    wrapped = _rollouts(IDE_CONTEXT, 4) + _rollouts("## My request for Codex:", 2)
    mentioned = _rollouts("# Files mentioned by the user:", 1)
    assert len(wrapped) == 6 and len(mentioned) == 1
    sessions = _sessions(tmp_path, [*wrapped, *mentioned])
    for path in [*wrapped, *mentioned]:
        typed = _first_typed(path) or ""
        expected = typed[typed.index(REQUEST_LINE) + len(REQUEST_LINE) :].strip()
        row = sessions[_session_id(path)]
        assert row["first_prompt"] == expected, path.name
        assert IDE_CONTEXT not in row["first_prompt"], path.name
    text = cli("sessions", "--db", tmp_path / "store.db").output
    assert IDE_CONTEXT not in text and "My request for Codex" not in text and "Files mentioned" not in text


def test_codex_title_requests_show_the_task_they_name(tmp_path: Path) -> None:
    _need(ZO_QORE)
    short, long = _rollouts("Generate a concise UI title", 1), _rollouts("You are a helpful assistant", 1)
    sessions = _sessions(tmp_path, [*short, *long])
    for path, marker in ((short[0], "\nTask:\n"), (long[0], "\nUser prompt:\n")):
        typed = _first_typed(path) or ""
        assert sessions[_session_id(path)]["first_prompt"] == typed[typed.index(marker) + len(marker) :].strip()


def test_an_expanded_spec_kit_command_shows_the_words_given_to_it(tmp_path: Path) -> None:
    _need(PARKING_LOT)
    (path,) = _rollouts("## User Input", 1)
    typed = _first_typed(path) or ""
    words = typed.split("```text\n", 1)[1].split("\n```", 1)[0]
    assert words.startswith("I want to build everything")
    assert _sessions(tmp_path, [path])[_session_id(path)]["first_prompt"] == words


def test_claude_code_blocks_of_the_ide_are_left_out(tmp_path: Path) -> None:
    """A spotter transcript whose first prompt the VS Code extension sent with its blocks (one
    text block before the typed words, a system reminder after them), as its user record holds them."""
    path = SHARED_CORPUS / "claude-code" / "spotter" / "short.jsonl"
    _need(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    typed = None
    for n, line in enumerate(lines):
        record = json.loads(line)
        message = record.get("message") or {}
        content = message.get("content")
        if record.get("type") == "user" and not record.get("isMeta") and isinstance(content, str) and content.strip():
            typed = content
            message["content"] = [
                {
                    "type": "text",
                    "text": "<ide_opened_file>The user opened the file /w/a.ex in the IDE.</ide_opened_file>",
                },
                {"type": "text", "text": content},
                {"type": "text", "text": "<system-reminder>\nThe file a.ex was modified.\n</system-reminder>"},
            ]
            lines[n] = json.dumps(record)
            break
    assert typed is not None
    (tmp_path / "cc").mkdir()
    (tmp_path / "cc" / path.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    sessions = _sessions(tmp_path, [tmp_path / "cc" / path.name])
    (row,) = [r for r in sessions.values() if r["agent"] == "claude-code" and r["first_prompt"]]
    assert row["first_prompt"] == typed.strip()
    timeline = cli("show", "--db", tmp_path / "store.db", row["id"]).output
    assert "ide_opened_file" not in timeline and typed.strip()[:40] in timeline


def test_gemini_and_opencode_show_what_was_typed(tmp_path: Path) -> None:
    gemini = SHARED_CORPUS / "gemini" / "codemie"
    opencode = SHARED_CORPUS / "opencode" / "codemie" / "storage"
    _need(gemini, opencode)
    chat = next(p for p in sorted(gemini.glob("session-*.json")) if "5b959dae" in p.name)
    document = json.loads(chat.read_text(encoding="utf-8"))
    first = next(m for m in document["messages"] if m.get("type") == "user")
    typed = first["content"] if isinstance(first["content"], str) else first["content"][0]["text"]
    # Gemini CLI before displayContent kept the files an @-reference pulled in inside the content.
    first["content"] = [
        {"text": typed + "\n--- Content from referenced files ---\nContent from @a.txt:\nhello\n--- End of content ---"}
    ]
    first.pop("displayContent", None)
    (tmp_path / "g").mkdir()
    copied = tmp_path / "g" / chat.name
    copied.write_text(json.dumps(document), encoding="utf-8")
    sessions = _sessions(tmp_path, [copied], opencode)
    shown = {row["agent"]: row["first_prompt"] for row in sessions.values() if row["first_prompt"]}
    assert shown["gemini"] == typed.strip()
    part = json.loads((opencode / "part" / "msg-user-1" / "part-text-1.json").read_text(encoding="utf-8"))
    assert shown["opencode"] == part["text"].strip()
