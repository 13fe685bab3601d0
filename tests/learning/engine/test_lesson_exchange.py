"""`lessonloop lessons export` / `import`: portable JSONL, the CLAUDE.md section, redaction,
bad lines, and the round trip between stores (real stores learned from the real corpus)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lessonloop.learning.engine import exchange
from lessonloop.learning.engine.exchange import BEGIN_MARKER, END_MARKER, PORTABLE_FIELDS
from lessonloop.store import open_store
from tests.pipeline.test_lessons_cli import build_learned_store, copy_store, execute, query, run, run_json

GITHUB_TOKEN = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"


@pytest.fixture(scope="module")
def learned_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store learned from the corpus, built once for this module; tests copy it, never change it."""
    return build_learned_store(tmp_path_factory.mktemp("exchange") / "template.db")


@pytest.fixture
def db(learned_template: Path, tmp_path: Path) -> Path:
    return copy_store(learned_template, tmp_path / "store" / "lessons.db")


def export(capsys: pytest.CaptureFixture[str], db: Path, *args: str | Path) -> str:
    # --no-wait: the store was learned at a fixed moment and home (build_learned_store); waiting for
    # current lessons would analyze and learn it again, now and here
    code, out, err = run(capsys, "lessons", "export", "--no-wait", "--db", db, *args)
    assert code == 0, err
    return out


# --- JSONL export -------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.corpus
def test_jsonl_export_is_portable_sorted_and_deterministic(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    first = export(capsys, db)
    assert first == export(capsys, db)
    lines = first.splitlines()
    assert len(lines) == query(db, "SELECT count(*) FROM lessons WHERE status IN ('active', 'pending')")[0][0] > 0
    records = [json.loads(line) for line in lines]
    assert [r["signature"] for r in records] == sorted(r["signature"] for r in records)
    for line, record in zip(lines, records, strict=True):
        assert set(record) == set(PORTABLE_FIELDS)
        assert list(record) == sorted(record)  # keys sorted
        assert line == json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert any(isinstance(r["trigger"], dict) for r in records)

    target = tmp_path / "out" / "lessons.jsonl"
    code, out, _ = run(capsys, "lessons", "export", "--db", db, "--to", target)
    assert code == 0 and "Exported" in out
    assert target.read_text(encoding="utf-8") == first
    summary = run_json(capsys, "lessons", "export", "--db", db, "--to", target)
    assert summary == {"format": "jsonl", "to": str(target), "lessons": len(records), "changed": False}


@pytest.mark.corpus
def test_export_filters(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    everything = export(capsys, db, "--status", "all").splitlines()
    assert len(everything) == query(db, "SELECT count(*) FROM lessons")[0][0]
    execute(db, "UPDATE lessons SET status = 'rejected' WHERE id = 1")
    in_use = query(db, "SELECT count(*) FROM lessons WHERE status IN ('active', 'pending')")[0][0]
    assert len(export(capsys, db).splitlines()) == in_use < len(everything)
    assert len(export(capsys, db, "--status", "all").splitlines()) == len(everything)
    assert len(export(capsys, db, "--status", "rejected").splitlines()) == 1
    values = sorted(json.loads(line)["confidence"] for line in everything)
    middle = values[len(values) // 2]
    confident = [
        json.loads(line) for line in export(capsys, db, "--status", "all", "--min-confidence", str(middle)).splitlines()
    ]
    assert confident and all(r["confidence"] >= middle for r in confident) and len(confident) < len(values)
    code, _, err = run(capsys, "lessons", "export", "--db", db, "--project", "no-such-project")
    assert code == 2 and "no project matches 'no-such-project'" in err
    code, _, err = run(capsys, "lessons", "export", "--db", db, "--min-confidence", "2")
    assert code == 2 and "between 0 and 1" in err


@pytest.mark.corpus
def test_every_exported_text_is_redacted_again(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    # An older store may hold a secret that redaction did not know then.
    execute(
        db,
        "UPDATE lessons SET body = ?, prevention = ? WHERE id = (SELECT min(id) FROM lessons WHERE kind = 'usage' "
        "AND tier != 'candidate' AND status = 'active')",  # (a candidate is in no Markdown section)
        (f"cloned with {GITHUB_TOKEN} in the URL", "export PASSWORD='hunter2hunter2' before"),
    )
    for args in ((), ("--format", "md")):
        out = export(capsys, db, *args)
        assert GITHUB_TOKEN not in out and "hunter2hunter2" not in out
        if not args:
            assert "[REDACTED:github-token]" in out
    assert "[REDACTED:" in export(capsys, db, "--format", "md")


# --- Markdown -----------------------------------------------------------------------------------


@pytest.mark.corpus
def test_markdown_section_lists_active_lessons_most_confident_first(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    execute(db, "UPDATE lessons SET status = 'pending' WHERE id = 1")
    out = export(capsys, db, "--format", "md")
    assert out.startswith(BEGIN_MARKER + "\n") and out.endswith(END_MARKER + "\n")
    bullets = [line for line in out.splitlines() if line.startswith("- ")]
    # the active lessons but the candidates (one failing session: no instruction to an agent yet),
    # with the confidence every command shows (`lessons list`)
    active = [
        row
        for row in run_json(capsys, "lessons", "list", "--db", db)
        if row["status"] == "active" and row["tier"] != "candidate"
    ]
    assert active and len(bullets) == len(active)
    shown = [float(b.rsplit("confidence ", 1)[1].rstrip(")")) for b in bullets]
    assert shown == sorted(shown, reverse=True)
    best = max(active, key=lambda row: row["confidence"])
    assert f"confidence {best['confidence']:.2f})" in bullets[0]
    push = next(b for b in bullets if "`git push`" in b)
    assert " Instead: Use `git push --set-upstream origin <branch>`" in push


@pytest.mark.corpus
def test_markdown_file_refresh_keeps_everything_outside_the_markers(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    target = tmp_path / "CLAUDE.md"
    before = "# Project\r\n\r\nUse uv.  \n\n"
    after = "\n## Notes\n\n- trailing text without a newline, and bytes \xe9\u2603".encode() + b" \xff\xfe"
    target.write_bytes(before.encode() + (BEGIN_MARKER + "\nold lessons\n" + END_MARKER).encode() + after)
    code, _, err = run(capsys, "lessons", "export", "--db", db, "--format", "md", "--to", target)
    assert code == 0, err
    data = target.read_bytes()
    assert data.startswith(before.encode()) and data.endswith(after)  # invalid UTF-8 kept as it was
    section = data[len(before.encode()) : len(data) - len(after)].decode()
    assert section.startswith(BEGIN_MARKER) and section.endswith(END_MARKER) and "old lessons" not in section
    assert section.replace("\r\n", "\n").rstrip("\n") + "\n" == export(capsys, db, "--format", "md")
    # exporting twice gives the same bytes, and does not rewrite the file
    assert run_json(capsys, "lessons", "export", "--db", db, "--format", "md", "--to", target)["changed"] is False
    assert target.read_bytes() == data


@pytest.mark.corpus
def test_markdown_file_is_created_or_appended_to(capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path) -> None:
    created = tmp_path / "new" / "AGENTS.md"
    assert run(capsys, "lessons", "export", "--db", db, "--format", "md", "--to", created)[0] == 0
    assert created.read_text(encoding="utf-8") == export(capsys, db, "--format", "md")

    existing = tmp_path / "CLAUDE.md"
    original = b"# Notes\n\nKeep it short."
    existing.write_bytes(original)
    assert run(capsys, "lessons", "export", "--db", db, "--format", "md", "--to", existing)[0] == 0
    appended = existing.read_bytes()
    assert appended.startswith(original + b"\n\n" + BEGIN_MARKER.encode())
    assert run(capsys, "lessons", "export", "--db", db, "--format", "md", "--to", existing)[0] == 0
    assert existing.read_bytes() == appended


@pytest.mark.corpus
def test_broken_markers_leave_the_file_alone(capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path) -> None:
    target = tmp_path / "CLAUDE.md"
    for text in (
        f"a\n{BEGIN_MARKER}\nb\n",
        f"{END_MARKER}\n{BEGIN_MARKER}\n",
        f"{BEGIN_MARKER}{END_MARKER}{BEGIN_MARKER}",
    ):
        target.write_text(text, encoding="utf-8")
        code, _, err = run(capsys, "lessons", "export", "--db", db, "--format", "md", "--to", target)
        assert code == 1 and str(target) in err and "fix them by hand" in err
        assert target.read_text(encoding="utf-8") == text


def test_refresh_section_rules() -> None:
    section = f"{BEGIN_MARKER}\nnew\n{END_MARKER}"
    assert exchange.refresh_section(None, section) == section + "\n"
    assert exchange.refresh_section("", section) == section + "\n"
    assert exchange.refresh_section("x\n\n", section) == "x\n\n" + section + "\n"
    assert exchange.refresh_section("x\n", section) == "x\n\n" + section + "\n"
    assert exchange.refresh_section("x", section) == "x\n\n" + section + "\n"
    crlf = "x\r\n"
    assert exchange.refresh_section(crlf, section) == "x\r\n\r\n" + section + "\r\n"
    marked = f"a{BEGIN_MARKER}old{END_MARKER}b"
    assert exchange.refresh_section(marked, section) == f"a{section}b"


def test_markers_a_person_shows_in_a_code_block_are_their_text() -> None:
    """Both markers inside a fenced block (a README explaining the section) were taken for the
    section and the person's lines between them replaced (issue 82): they are kept, and the
    section is appended, or put between the real markers outside the block."""
    section = f"{BEGIN_MARKER}\nnew\n{END_MARKER}"
    shown = f"# Notes\n\n```md\n{BEGIN_MARKER}\nmy own line\n{END_MARKER}\n```\n"
    assert exchange.refresh_section(shown, section) == shown + "\n" + section + "\n"
    tilde = f"~~~~\n{BEGIN_MARKER}\n```\nstill code\n{END_MARKER}\n~~~~\n"
    assert exchange.refresh_section(tilde, section) == tilde + "\n" + section + "\n"
    both = shown + f"\n{BEGIN_MARKER}\nold\n{END_MARKER}\n"
    assert exchange.refresh_section(both, section) == shown + "\n" + section + "\n"
    unclosed = f"```\n{BEGIN_MARKER}\n"  # an unclosed fence runs to the end
    assert exchange.refresh_section(unclosed, section) == unclosed + "\n" + section + "\n"


def test_a_title_cannot_close_the_section_early() -> None:
    lesson: dict[str, Any] = {
        "signature": "s1",
        "title": f"Breaks {END_MARKER} the\nmarkers",
        "prevention": None,
        "failed_sessions": 1,
        "confidence": 0.5,
    }
    section = exchange.markdown_section([lesson])
    assert section.count(END_MARKER) == 1 and section.endswith(END_MARKER)
    assert "- Breaks < !-- lessonloop:end --> the markers. (seen 1 time, confidence 0.50)" in section


# --- import -------------------------------------------------------------------------------------


@pytest.mark.corpus
def test_import_reports_bad_lines_with_file_and_line_and_keeps_the_good_ones(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    good = export(capsys, db).splitlines()[:2]
    source = tmp_path / "shared.jsonl"
    lines = [good[0], "{not json", "", good[1], json.dumps({"signature": "x", "kind": "usage"}), "# Lessons", "[1]"]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = tmp_path / "target.db"
    code, out, err = run(capsys, "lessons", "import", source, "--db", target)
    assert code == 0
    assert f"Skipped {source}:2: not JSON" in err
    assert f"Skipped {source}:5: title is missing" in err
    assert f"Skipped {source}:6: not JSON (this looks like Markdown" in err
    assert f"Skipped {source}:7: expected a JSON object, got list" in err
    assert "Imported 2 lesson(s)" in out and "2 new (pending)" in out and "4 bad line(s) skipped" in out
    stored = query(target, "SELECT signature, origin, status FROM lessons ORDER BY signature")
    assert stored == sorted((json.loads(line)["signature"], "imported", "pending") for line in good)
    events = query(target, "SELECT event, detail FROM lesson_events")
    assert [e for e, _ in events] == ["imported", "imported"] and str(source) in events[0][1]

    again = run_json(capsys, "lessons", "import", source, "--db", target)
    assert (again["new"], again["unchanged"], again["skipped"]) == (0, 2, 4)
    assert again["problems"][0] == {"file": str(source), "line": 2, "error": again["problems"][0]["error"]}

    only_bad = tmp_path / "bad.jsonl"
    only_bad.write_text("nope\n", encoding="utf-8")
    code, _, err = run(capsys, "lessons", "import", only_bad, "--db", target)
    assert code == 1 and f"{only_bad}:1:" in err
    code, _, err = run(capsys, "lessons", "import", tmp_path / "missing.jsonl", "--db", target)
    assert code == 1 and "cannot read" in err


@pytest.mark.corpus
def test_round_trip_through_an_empty_store(capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path) -> None:
    execute(db, "UPDATE lessons SET status = 'archived' WHERE id = 1")
    original = export(capsys, db, "--status", "all")
    source = tmp_path / "lessons.jsonl"
    source.write_text(original, encoding="utf-8")
    for flag, status in ((None, "pending"), ("active", "active")):
        empty = tmp_path / f"empty-{status}.db"
        open_store(empty).close()
        args = ["lessons", "import", str(source), "--db", str(empty)] + (["--status", flag] if flag else [])
        result = run_json(capsys, *args)
        assert result["new"] == len(original.splitlines()) and result["skipped"] == 0
        again = export(capsys, empty, "--status", "all")
        expected = []
        for line in original.splitlines():
            record = json.loads(line)
            record.update(origin="imported", status=status)
            expected.append(json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False))
        # Confidence is live (decayed to the second it is read), so a slow run may see the last
        # decimal move between the two exports: compare it within a rounding's reach.
        got_records = [json.loads(line) for line in again.splitlines()]
        want_records = [json.loads(line) for line in expected]
        assert [r["confidence"] for r in got_records] == pytest.approx(
            [r["confidence"] for r in want_records], abs=1e-4
        )
        for record in (*got_records, *want_records):
            record.pop("confidence")
        assert got_records == want_records
        assert query(empty, "SELECT count(*) FROM lesson_evidence") == [(0,)]
        # the trigger is usable again: described for search and display
        described = query(empty, "SELECT trigger_text FROM lessons WHERE trigger IS NOT NULL")
        assert described and all(text for (text,) in described)


@pytest.mark.corpus
def test_import_keeps_local_counts_and_status_and_fills_only_missing_text(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    record = next(r for r in map(json.loads, export(capsys, db).splitlines()) if r["category"])
    local = query(db, "SELECT id, sessions, status, title FROM lessons WHERE signature = ?", (record["signature"],))[0]
    execute(db, "UPDATE lessons SET status = 'rejected', category = NULL WHERE id = ?", (local[0],))
    record.update(sessions=999, title="Another title", status="active")
    source = tmp_path / "one.jsonl"
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = run_json(capsys, "lessons", "import", source, "--db", db, "--status", "active")
    assert (result["new"], result["filled"]) == (0, 1)
    after = query(db, "SELECT sessions, status, title, category, origin FROM lessons WHERE id = ?", (local[0],))[0]
    assert after == (local[1], "rejected", local[3], record["category"], "learned")
    assert query(
        db, "SELECT event, detail FROM lesson_events WHERE lesson_id = ? ORDER BY id DESC LIMIT 1", (local[0],)
    )[0] == ("imported", json.dumps({"from": str(source), "filled": ["category"]}, separators=(",", ":")))


def test_import_skips_a_line_nested_too_deep() -> None:
    """A trigger nested 300 levels deep (orjson cannot write it back) or 995 (redaction's recursion
    gave out: a RecursionError traceback) is one skipped line that says why; 1025 is not JSON to orjson."""
    base = {"signature": "abc", "kind": "usage", "title": "t", "trigger": {"tool": "Bash", "words": ["git"]}}
    lines = [json.dumps(base).encode()]
    for levels in (300, 995, 1025):
        deep = json.dumps({**base, "trigger": {"tool": "Bash", "words": "DEEP"}}).encode()
        lines.append(deep.replace(b'"DEEP"', b"[" * levels + b"]" * levels))
    parsed = exchange.parse_jsonl(b"\n".join(lines), "f.jsonl")
    assert len(parsed.records) == 1 and parsed.lines == 4
    problems = [str(p) for p in parsed.problems]
    assert problems[:2] == [
        "f.jsonl:2: trigger.words[0][0][0][0]… nests deeper than 100 levels",
        "f.jsonl:3: trigger.words[0][0][0][0]… nests deeper than 100 levels",
    ]
    assert problems[2].startswith("f.jsonl:4: not JSON: depth limit exceeded")


def test_import_redacts_and_validates_records() -> None:
    base = {"signature": "abc", "kind": "usage", "title": f"leaked {GITHUB_TOKEN}"}
    parsed = exchange.parse_jsonl(
        "\n".join(
            json.dumps(item)
            for item in (
                base,
                {**base, "scope": "project"},
                {**base, "sessions": -1},
                {**base, "trigger": {"words": ["git"]}},
                {**base, "confidence": 1.5},
                {**base, "severity": "dire"},
                {**base, "last_seen": "yesterday"},
                {**base, "trigger": {"kind": "shell", "unless": {"words": ["make"], "since": "session"}}},
            )
        ).encode(),
        "f.jsonl",
    )
    assert len(parsed.records) == 1 and parsed.lines == 8
    record = parsed.records[0]
    assert GITHUB_TOKEN not in record["title"] and "[REDACTED:github-token]" in record["title"]
    assert (record["scope"], record["severity"], record["confidence"], record["tier"]) == (
        "global",
        "medium",
        0.0,
        "candidate",
    )
    assert [str(p) for p in parsed.problems] == [
        "f.jsonl:2: scope is project but no project is given",
        "f.jsonl:3: sessions must be a whole number 0 or more, got -1",
        "f.jsonl:4: trigger must be null or an object with a kind or a tool name",
        "f.jsonl:5: confidence must be between 0 and 1, got 1.5",
        "f.jsonl:6: severity must be one of low, medium, high, critical, got 'dire'",
        "f.jsonl:7: last_seen is not an ISO-8601 time: 'yesterday'",
        "f.jsonl:8: trigger names no command, file or tool: it would speak before every shell call (give its "
        "words, path or tool, or null for a lesson given only as context)",
    ]
