"""Analysis end to end: real transcripts ingested into a real store, analyzed by the real
commands; unchanged sessions skipped; project rules files; SARIF and JUnit imports; stats."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import cli
from tests.transcript_builder import TranscriptBuilder

PUSH_ERROR = (
    "fatal: The current branch feature has no upstream branch.\n"
    "To push the current branch and set the remote as upstream, use\n\n"
    "    git push --set-upstream origin feature\n"
)


def _edit_result(builder: TranscriptBuilder, tool_id: str, path: str) -> None:
    builder.tool_result(tool_id, f"The file {path} has been updated successfully.", is_error=False)


def _risky_session(project: Path) -> tuple[TranscriptBuilder, dict[str, str]]:
    """A session with one blind edit, a failed push, a typed correction and a hard-coded secret."""
    b = TranscriptBuilder(cwd=str(project))
    ids: dict[str, str] = {}
    config = str(project / "config.py")
    app = str(project / "app.py")
    b.prompt("add the settings loader")
    ids["read"] = b.tool_use("Read", {"file_path": app})
    b.tool_result(ids["read"], "     1\timport os\n", is_error=False)
    ids["edit_app"] = b.tool_use(
        "Edit", {"file_path": app, "old_string": "import os", "new_string": "import os\nimport sys"}
    )
    _edit_result(b, ids["edit_app"], app)
    ids["blind"] = b.tool_use(
        "Edit", {"file_path": config, "old_string": "DEBUG = True", "new_string": 'DB_PASSWORD = "s3cr3tPassw0rd!x"'}
    )
    _edit_result(b, ids["blind"], config)
    ids["push"] = b.bash("git push", PUSH_ERROR, exit_code=128)
    b.prompt("no, that's wrong: don't push yet, run the tests first")
    ids["tests"] = b.bash("pytest -q", "1 passed")
    return b, ids


def _ingest(db: Path, *paths: Path, extra: tuple[str, ...] = ()) -> dict[str, Any]:
    result = cli("ingest", "--db", db, "--json", "--no-bandit", *extra, *paths)
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = result.json()
    return data


# Projects outside /tmp: the default rules leave scratch files under /tmp out of "source edits".
PROJECT = Path("/home/dev/shop")


def test_analyze_session_json_points_at_the_evidence(tmp_path: Path, db_path: Path) -> None:
    project = PROJECT
    builder, ids = _risky_session(project)
    path = builder.write(tmp_path / "in" / f"{builder.session_id}.jsonl")
    ingested = _ingest(db_path, path)
    assert ingested["analysis"]["analyzed"] == 1

    result = cli("analyze", "--db", db_path, "--session", builder.session_id[:8], "--json", "--no-bandit")
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert data["session_id"] == builder.session_id
    assert [(b["tool_use_id"], b["path"]) for b in data["blind_edits"]] == [(ids["blind"], str(project / "config.py"))]
    assert [(e["tool_use_id"], e["class"]) for e in data["errors"]] == [(ids["push"], "MISSING_PREREQUISITE")]
    typed = [c for c in data["corrections"] if c["kind"] == "typed"]
    assert len(typed) == 1 and typed[0]["text"].startswith("no, that's wrong")
    assert typed[0]["corrected_tool_use_ids"][-1] == ids["push"]
    # read-before-edit is violated by the blind edit; tests ran after the source edits.
    rules = {r["rule_id"]: r["status"] for r in data["rules"]}
    assert rules["read-before-edit"] == "violated"
    assert rules["tests-after-source-edit"] == "satisfied"
    assert data["compliance"] == pytest.approx(0.5)
    assert [(f["rule"], f["tool_use_id"]) for f in data["findings"]] == [("hardcoded-secret", ids["blind"])]
    assert 0 < data["max_risk"] < 1
    assert data["engagement_rate"] == pytest.approx(2 / 5)
    outcomes = data["outcomes"]
    assert outcomes["unresolved_errors"] == 1  # the push never succeeded
    assert outcomes["tests_failing_at_end"] is False
    assert outcomes["corrections_next_session"] is None  # no later session of the project


def test_unchanged_sessions_are_skipped_and_changed_ones_analyzed_again(tmp_path: Path, db_path: Path) -> None:
    project = PROJECT
    first, _ = _risky_session(project)
    second = TranscriptBuilder(cwd=str(project))
    second.prompt("list the files")
    second.bash("ls", "app.py")
    paths = [first.write(tmp_path / "in" / "a.jsonl"), second.write(tmp_path / "in" / "b.jsonl")]
    assert _ingest(db_path, tmp_path / "in")["analysis"]["analyzed"] == 2

    again = cli("analyze", "--db", db_path, "--json", "--no-bandit").json()
    assert again["run"]["analyzed"] == 0 and again["run"]["skipped_unchanged"] == 2

    second.bash("git push", PUSH_ERROR, exit_code=128)
    second.write(paths[1])
    run = _ingest(db_path, tmp_path / "in")["analysis"]
    assert (run["analyzed"], run["skipped_unchanged"]) == (1, 1)
    conn = sqlite3.connect(db_path)
    try:
        classes = conn.execute("SELECT session_id, class FROM call_errors ORDER BY session_id").fetchall()
    finally:
        conn.close()
    assert sorted(classes) == sorted(
        [(first.session_id, "MISSING_PREREQUISITE"), (second.session_id, "MISSING_PREREQUISITE")]
    )
    forced = cli("analyze", "--db", db_path, "--json", "--force", "--no-bandit").json()
    assert forced["run"]["analyzed"] == 2


def test_a_project_rules_file_is_used_and_a_broken_one_falls_back_to_the_defaults(
    tmp_path: Path, db_path: Path
) -> None:
    project = tmp_path / "proj"
    (project / ".lessonloop").mkdir(parents=True)
    rules_file = project / ".lessonloop" / "workflow.toml"
    rules_file.write_text(
        '[[rule]]\nid = "no-rm-rf"\nkind = "never"\ndescription = "never rm -rf"\nwhen = { command = "rm\\\\s+-rf" }\n'
    )
    b = TranscriptBuilder(cwd=str(project))
    b.prompt("clean up")
    rm = b.bash("rm -rf build")
    path = b.write(tmp_path / "in" / "s.jsonl")
    _ingest(db_path, path)
    data = cli("analyze", "--db", db_path, "--session", b.session_id, "--json", "--no-bandit").json()
    rule = next(r for r in data["rules"] if r["rule_id"] == "no-rm-rf")
    assert rule["status"] == "violated"
    assert [e["tool_use_id"] for e in rule["evidence"]] == [rm]
    assert data["compliance"] == 0.0

    rules_file.write_text('[[rule]]\nid = "broken"\nkind = "sometimes"\n')
    result = cli("analyze", "--db", db_path, "--session", b.session_id, "--json", "--no-bandit")
    assert result.exit_code == 0
    assert "workflow.toml" in result.stderr and "using the defaults" in result.stderr
    data = result.json()
    assert "no-rm-rf" not in {r["rule_id"] for r in data["rules"]}
    assert data["compliance"] is None  # no default rule applies to one rm


def _sarif(path: Path, target: str, line: int, when: str) -> Path:
    doc = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "Semgrep", "rules": [{"id": "python.sql-injection"}]}},
                "invocations": [{"executionSuccessful": True, "endTimeUtc": when}],
                "results": [
                    {
                        "ruleId": "python.sql-injection",
                        "level": "error",
                        "message": {"text": "SQL built from user input"},
                        "locations": [
                            {"physicalLocation": {"artifactLocation": {"uri": target}, "region": {"startLine": line}}}
                        ],
                    }
                ],
            }
        ],
    }
    path.write_text(json.dumps(doc))
    return path


def _junit(path: Path, when: str) -> Path:
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="0" failures="1" '
        f'skipped="0" tests="2" time="0.5" timestamp="{when}">'
        '<testcase classname="tests.test_app" name="test_ok" time="0.1"/>'
        '<testcase classname="tests.test_app" name="test_query" time="0.1" file="tests/test_app.py">'
        '<failure message="assert 1 == 2">E assert 1 == 2</failure></testcase>'
        "</testsuite></testsuites>"
    )
    return path


def test_sarif_and_junit_results_are_matched_to_the_session_that_made_the_change(tmp_path: Path, db_path: Path) -> None:
    project = PROJECT
    b = TranscriptBuilder(cwd=str(project))
    query = str(project / "app" / "query.py")
    b.prompt("add the search endpoint")
    read = b.tool_use("Read", {"file_path": query})
    b.tool_result(read, "     1\tdef search(q):\n     2\t    pass\n", is_error=False)
    edit = b.tool_use("Edit", {"file_path": query, "old_string": "    pass", "new_string": "    return run(q)"})
    _edit_result(b, edit, query)
    b.bash("pytest -q", "2 passed")
    path = b.write(tmp_path / "in" / "s.jsonl")
    _ingest(db_path, path)
    # The builder's clock starts at 2026-11-01T09:00:00Z and moves a second per record.
    sarif = _sarif(tmp_path / "scan.sarif", "app/query.py", 2, "2026-11-01T10:00:00.000Z")
    junit = _junit(tmp_path / "results.xml", "2026-11-01T09:00:30+00:00")

    imported = _ingest(db_path, extra=("--sarif", str(sarif), "--junit", str(junit)))
    assert "files_read" not in imported  # no transcripts were searched for
    by_format = {i["format"]: i for i in imported["imports"]}
    assert by_format["sarif"]["findings"] == 1 and by_format["sarif"]["matched_to_sessions"] == 1
    assert by_format["junit"]["tests"] == 2 and by_format["junit"]["failed_tests"] == 1
    assert by_format["junit"]["matched_to_sessions"] == 1
    assert imported["analysis"]["analyzed"] == 1  # the imports changed the session's inputs

    conn = sqlite3.connect(db_path)
    try:
        rows = conn.execute(
            "SELECT source, kind, rule, session_id, tool_use_id FROM findings WHERE import_id IS NOT NULL ORDER BY kind"
        ).fetchall()
    finally:
        conn.close()
    assert rows == [
        ("sarif:semgrep", "risk", "python.sql-injection", b.session_id, edit),
        ("junit", "test_failure", "tests.test_app::test_query", b.session_id, None),
    ]
    data = cli("analyze", "--db", db_path, "--session", b.session_id, "--json", "--no-bandit").json()
    assert data["outcomes"]["tests_failing_at_end"] is True  # the JUnit failure came after the passing run
    # The imported SARIF finding is the session's: listed with its edit, and its risk is the session's.
    [finding] = data["findings"]
    assert (finding["source"], finding["rule"], finding["tool_use_id"]) == (
        "sarif:semgrep",
        "python.sql-injection",
        edit,
    )
    assert (finding["severity"], finding["line"], finding["path"]) == ("high", 2, "app/query.py")
    assert data["diff_risk"] == [{"tool_use_id": edit, "path": query, "risk": 0.6}]
    assert data["max_risk"] == 0.6
    text = cli("analyze", "--db", db_path, "--session", b.session_id, "--no-bandit")
    assert "finding (high)" in text.output and "python.sql-injection" in text.output
    report = cli("report", "--db", db_path, "--json", "--no-bandit").json()
    [row] = [r for r in report["sessions"] if r["session_id"] == b.session_id]
    assert (row["findings"], row["max_risk"]) == (1, 0.6)

    # Importing the same file again replaces its findings instead of adding them twice.
    _ingest(db_path, extra=("--sarif", str(sarif)))
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("SELECT count(*) FROM findings WHERE import_id IS NOT NULL").fetchone() == (2,)
        # ... and the analysis that lists it stores no copy of its own.
        assert conn.execute("SELECT count(*) FROM findings WHERE import_id IS NULL").fetchone() == (0,)
    finally:
        conn.close()


def test_a_missing_result_file_is_a_clear_error(tmp_path: Path, db_path: Path) -> None:
    result = cli("ingest", "--db", db_path, "--junit", tmp_path / "nope.xml")
    assert result.exit_code == 1
    assert "nope.xml" in result.stderr


def test_report_and_stats_cover_every_session(tmp_path: Path, db_path: Path) -> None:
    project = PROJECT
    builders = []
    for i in range(4):
        if i % 2:
            b, _ = _risky_session(project)
        else:
            b = TranscriptBuilder(cwd=str(project))
            b.prompt("run the tests")
            b.bash("pytest -q", "3 passed")
        b.write(tmp_path / "in" / f"{i}.jsonl")
        builders.append(b)
    _ingest(db_path, tmp_path / "in")

    report = cli("report", "--db", db_path, "--json", "--no-bandit").json()
    assert {s["session_id"] for s in report["sessions"]} == {b.session_id for b in builders}
    habits = {h["habit"] for p in report["projects"] for h in p["worst_habits"]}
    assert "violates read-before-edit" in habits and "blind edits" in habits

    stats = cli("analyze", "stats", "--db", db_path, "--json", "--no-bandit").json()
    assert stats["sessions"] == 4
    blind = next(
        a for a in stats["associations"] if a["habit"] == "blind edits" and a["outcome"] == "unresolved_errors"
    )
    # The two risky sessions have a blind edit and an unresolved push; the two others neither.
    assert blind["table"] == {"with_habit": {"bad": 2, "good": 0}, "without_habit": {"bad": 0, "good": 2}}
    # The risky sessions make more calls than the others: sessions of different sizes are not
    # compared (learning/engine/habit_stats.py, like with like), so no test is made.
    assert (blind["strata"], blind["p_value"]) == (0, None)
    text = cli("analyze", "stats", "--db", db_path, "--no-bandit")
    assert text.exit_code == 0 and "blind edits" in text.output


@pytest.mark.corpus
def test_corpus_analysis_classifies_every_error_and_counts_only_person_corrections(
    corpus_store: Path, tmp_path: Path
) -> None:
    import shutil

    db = tmp_path / "copy.db"
    shutil.copy(corpus_store, db)
    run = cli("analyze", "--db", db, "--json", "--no-bandit").json()["run"]
    assert run["sessions"] == 9
    conn = sqlite3.connect(db)
    try:
        failed = conn.execute("SELECT count(*) FROM tool_calls WHERE status IN ('error', 'rejected', 'interrupted')")
        assert failed.fetchone() == (59,)
        assert conn.execute("SELECT count(*) FROM call_errors").fetchone() == (59,)
        kinds = conn.execute(
            """SELECT m.kind, count(*) FROM analysis_signals s JOIN messages m ON m.uuid = s.message_uuid
               WHERE s.kind = 'correction' GROUP BY m.kind ORDER BY m.kind"""
        ).fetchall()
        executions = conn.execute("SELECT count(*) FROM session_executions").fetchone()
    finally:
        conn.close()
    assert kinds == [("interrupt", 5), ("prompt", 1), ("rejection", 3)]
    assert executions == (9,)


def test_an_unknown_session_is_a_clear_error(db_path: Path, tmp_path: Path) -> None:
    b = TranscriptBuilder(cwd=str(PROJECT))
    b.prompt("hello")
    _ingest(db_path, b.write(tmp_path / "in" / "s.jsonl"))
    result = cli("analyze", "--db", db_path, "--session", "nosuchsession", "--json")
    assert result.exit_code == 2  # an id naming nothing: a usage error
    assert "nosuchsession" in result.stderr
    text = cli("analyze", "--db", db_path, "--session", b.session_id, "--no-bandit")
    assert text.exit_code == 0 and b.session_id in text.output


def test_bandit_findings_on_python_edits_are_stored_with_the_edit(tmp_path: Path, db_path: Path) -> None:
    pytest.importorskip("bandit")
    b = TranscriptBuilder(cwd=str(PROJECT))
    path = str(PROJECT / "loader.py")
    content = "import yaml\n\n\ndef load(data):\n    return yaml.load(data)\n"
    b.prompt("write the loader")
    write = b.tool_use("Write", {"file_path": path, "content": content})
    b.tool_result(
        write,
        f"File created successfully at: {path}",
        is_error=False,
        tool_use_result={"type": "create", "filePath": path, "content": content, "structuredPatch": []},
    )
    result = cli("ingest", "--db", db_path, "--json", "--bandit", b.write(tmp_path / "in" / "s.jsonl"))
    assert result.exit_code == 0, result.stderr
    assert result.json()["analysis"]["bandit"] is True
    data = cli("analyze", "--db", db_path, "--session", b.session_id, "--json").json()
    bandit = [f for f in data["findings"] if f["source"] == "bandit"]
    assert [(f["rule"], f["tool_use_id"], f["line"]) for f in bandit] == [("bandit:B506", write, 5)]


def test_a_session_whose_successor_opens_with_a_correction_needed_corrections(tmp_path: Path, db_path: Path) -> None:
    first = TranscriptBuilder(cwd=str(PROJECT))
    first.prompt("add the login page")
    first.bash("pytest -q", "1 passed")
    second = TranscriptBuilder(cwd=str(PROJECT), start=first.start + timedelta(hours=2))
    second.prompt("that broke the login page, revert it")
    second.bash("git status", "clean")
    first.write(tmp_path / "in" / "a.jsonl")
    second.write(tmp_path / "in" / "b.jsonl")
    _ingest(db_path, tmp_path / "in")
    earlier = cli("analyze", "--db", db_path, "--session", first.session_id, "--json").json()
    later = cli("analyze", "--db", db_path, "--session", second.session_id, "--json").json()
    assert earlier["outcomes"]["corrections_next_session"] is True
    assert earlier["outcomes"]["corrections_in_session"] == 0
    assert later["outcomes"]["opens_with_correction"] is True
    assert later["outcomes"]["corrections_next_session"] is None  # the project's latest session
    assert later["corrections"] == []  # a first prompt corrects nothing of its own session
