"""The edit check (analyze/edit_risk.py): an edit or write scored before it happens, on the lines
it is about to add, with the built-in rules analysis uses; and the PreToolUse hook saying so."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from lessonloop.analyze.edit_risk import (
    EditFinding,
    added_lines,
    previous_text,
    score_call,
    score_tool_call,
    warnings,
)
from lessonloop.analyze.inputs import Call
from tests.hook_helpers import HookSession, hook_env, run_hook

RISKY = """import sqlite3


def find(cursor, name):
    cursor.execute(f"SELECT * FROM users WHERE name = '{name}'")
    return cursor.fetchall()


def calc():
    return eval(input())
"""

SAFE = """import ast
import sqlite3


def find(cursor, name):
    cursor.execute("SELECT * FROM users WHERE name = ?", (name,))
    return cursor.fetchall()


def calc():
    return ast.literal_eval(input())
"""


def rules(found: list[EditFinding]) -> list[tuple[str, int]]:
    return [(f.rule, f.line) for f in found]


def test_a_write_adding_fstring_sql_and_eval_of_input_is_caught() -> None:
    found = score_tool_call("Write", {"file_path": "/p/app/db.py", "content": RISKY})
    assert rules(found) == [("sql-string-format", 5), ("eval-exec-input", 10)]
    assert warnings(found) == found  # both high: a high-risk change
    assert found[0].confidence == pytest.approx(0.6)
    assert "rule sql-string-format" in found[0].reason and "line 5" in found[0].reason


def test_safe_code_of_the_same_shape_is_silent() -> None:
    assert score_tool_call("Write", {"file_path": "/p/app/db.py", "content": SAFE}) == []
    edit = {"file_path": "/p/app/db.py", "old_string": SAFE, "new_string": SAFE.replace("name,", "name.strip(),")}
    assert score_tool_call("Edit", edit) == []


def test_only_added_lines_count() -> None:
    # the risky lines are already there: an edit that keeps (or re-indents) them adds no risk
    kept = RISKY.replace("return cursor.fetchall()", "return list(cursor.fetchall())")
    assert score_tool_call("Edit", {"file_path": "/p/db.py", "old_string": RISKY, "new_string": kept}) == []
    # an edit removing a risk is no finding either
    assert score_tool_call("Edit", {"file_path": "/p/db.py", "old_string": RISKY, "new_string": SAFE}) == []
    # the one line it adds is
    old = "def calc():\n    return 1\n"
    new = "def calc():\n    return eval(data)\n"
    found = score_tool_call("Edit", {"file_path": "/p/db.py", "old_string": old, "new_string": new})
    assert rules(found) == [("eval-exec-input", 2)]
    assert added_lines(old, new) == [(2, "    return eval(data)")]


def test_an_edit_is_numbered_in_the_file_it_changes() -> None:
    current = "import os\n\n\ndef calc():\n    return 1\n"
    edit = {
        "file_path": "/p/db.py",
        "old_string": "def calc():\n    return 1",
        "new_string": "def calc():\n    return eval(s)",
    }
    assert rules(score_tool_call("Edit", edit, current)) == [("eval-exec-input", 5)]


def test_a_write_over_an_existing_file_counts_the_lines_not_in_it_now() -> None:
    # the file holds the f-string SQL already; the write keeps it and adds eval(input())
    current = RISKY.replace("return eval(input())", "return 0")
    found = score_tool_call("Write", {"file_path": "/p/app/db.py", "content": RISKY}, current)
    assert rules(found) == [("eval-exec-input", 10)]
    # a write of the same text again adds nothing
    assert score_tool_call("Write", {"file_path": "/p/app/db.py", "content": RISKY}, RISKY) == []


def test_multiedit_notebook_and_apply_patch() -> None:
    multi = {
        "file_path": "/p/q.py",
        "edits": [
            {"old_string": "a = 1", "new_string": "a = 1"},
            {"old_string": "b = 2", "new_string": 'b = yaml.load(text)\nq = "SELECT * FROM t WHERE x = %s" % x'},
        ],
    }
    assert [f.rule for f in score_tool_call("MultiEdit", multi)] == ["unsafe-deserialization", "sql-string-format"]
    cell = {"notebook_path": "/p/n.ipynb", "new_source": "x = pickle.loads(blob)"}
    assert [f.rule for f in score_tool_call("NotebookEdit", cell)] == ["unsafe-deserialization"]
    patch = "*** Begin Patch\n*** Update File: app/run.py\n@@ def go\n-    pass\n+    os.system(cmd)\n*** End Patch\n"
    found = score_tool_call("apply_patch", {"input": patch})
    assert [(f.rule, f.path) for f in found] == [("shell-injection", "app/run.py")]


def test_rules_keep_to_their_languages_and_prose_is_not_read() -> None:
    assert score_tool_call("Write", {"file_path": "/p/README.md", "content": "eval(input())\n"}) == []
    assert score_tool_call("Write", {"file_path": "/p/a.go", "content": "x := eval(input())\n"}) == []
    assert score_tool_call("Read", {"file_path": "/p/a.py"}) == []


def test_medium_findings_are_counted_but_do_not_warn() -> None:
    found = score_tool_call("Write", {"file_path": "/p/c.py", "content": "r = requests.get(url, verify=False)\n"})
    assert [f.rule for f in found] == ["tls-verify-disabled"]
    assert warnings(found) == []


def test_the_keywords_automaton_finds_what_the_scans_find(monkeypatch: pytest.MonkeyPatch) -> None:
    """A process that has scored many lines finds the rules' keywords with one automaton
    (edit_risk._KeywordFinder) instead of a scan per keyword: the same findings, in the same
    order, on lines holding several rules' keywords, overlapping keywords, upper case, a
    character that lowers to two and lines too long to read."""
    import lessonloop.analyze.edit_risk as edit_risk

    lines = [
        *enumerate(RISKY.split("\n"), 1),
        (20, 'İ cursor.execute(f"SELECT a FROM t WHERE b = {b}")  # İSET'),
        (21, "os.system(f'rm {x}'); eval(y); h = hashlib.md5(z); PICKLE.loads(q)"),
        (22, "el.innerHTML = v + subprocess.run(cmd, shell=True)"),
        (23, "x = eval(" + "a" * 6000 + ")"),
        (24, "   "),
    ]
    paths = ["/p/a.py", "/p/a.js", "/p/a.rb", "/p/a.ex", "/p/README.md", None]
    monkeypatch.setattr(edit_risk._KeywordFinder, "_built", [])
    monkeypatch.setattr(edit_risk._KeywordFinder, "_scanned", [0])
    monkeypatch.setattr(edit_risk, "AUTOMATON_AFTER", 10**12)
    scanned = {path: [f.to_json() for f in edit_risk.score_lines(path, lines)] for path in paths}
    assert edit_risk._KeywordFinder._built == []
    monkeypatch.setattr(edit_risk, "AUTOMATON_AFTER", -1)
    automaton = {path: [f.to_json() for f in edit_risk.score_lines(path, lines)] for path in paths}
    assert edit_risk._KeywordFinder._built
    assert automaton == scanned
    assert len(scanned["/p/a.py"]) >= 5


def test_replay_rebuilds_a_writes_file_from_its_diff() -> None:
    before = "a\nb\nc\nd\n"
    after = "a\nB\nc\nd\nx = eval(s)\n"
    diff = "@@ -1,4 +1,5 @@\n a\n-b\n+B\n c\n d\n+x = eval(s)\n"
    assert previous_text(after, diff) == before
    call = Call(
        "t1", "s", 1, None, "Write", {"file_path": "/p/x.py", "content": after}, "/p/x.py", status="ok", diff=diff
    )
    assert rules(score_call(call)) == [("eval-exec-input", 5)]
    # another agent's edit: its stored diff's '+' lines
    other = Call("t2", "s", 2, None, "replace", {}, "/p/y.py", status="ok", diff="@@ -1 +1 @@\n-x\n+y = eval(s)\n")
    assert rules(score_call(other)) == [("eval-exec-input", 1)]
    # an edit block with no diff stored (Aider's): its old and new text, in Claude Code's keys
    block = {"file_path": "/p/z.py", "old_string": "x = 1\n", "new_string": "x = 1\ny = eval(s)\n"}
    aider = Call("t3", "s", 3, None, "edit_block", block, "/p/z.py", status="ok")
    assert rules(score_call(aider)) == [("eval-exec-input", 2)]


def test_the_pre_tool_hook_stops_a_write_adding_fstring_sql_once(tmp_path: Path) -> None:
    """A real hook process, as Claude Code runs it: the Write adding a high-risk line is stopped
    once, lessonloop's rule the reason (naming the rule, the line quoted); the same Write sent again
    runs with nothing said; with --warn-only it is a warning. Each decision is recorded with no
    lesson id."""
    repo = tmp_path / "project"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    db = tmp_path / "store" / "lessonloop.db"
    session = HookSession(repo, hook_env(db))
    assert session.start().returncode == 0
    payload = session.payload(
        "PreToolUse",
        tool_name="Write",
        tool_input={"file_path": str(repo / "app" / "db.py"), "content": RISKY},
        tool_use_id="toolu_write_1",
    )
    run = run_hook("PreToolUse", payload, session.env)
    assert run.returncode == 0, run.stderr
    out = run.output
    assert out is not None
    answer = out["hookSpecificOutput"]
    assert answer["permissionDecision"] == "deny"  # stopped: lessonloop's own rule
    reason = answer["permissionDecisionReason"]
    assert reason.startswith("lessonloop stopped this call before it ran: lessonloop's built-in check")
    assert "rule sql-string-format" in reason and "\u201capp/db.py\u201d line 5" in reason  # the path quoted as data
    assert "rule eval-exec-input" in reason
    assert "parameterized" in reason  # the rule's fix
    assert "send it again unchanged: it will run" in reason
    again = run_hook("PreToolUse", payload, session.env)  # the same Write resent: it runs, nothing said
    assert again.returncode == 0 and again.output is None, again.stdout
    other = session.payload(
        "PreToolUse",
        tool_name="Write",
        tool_input={"file_path": str(repo / "app" / "other.py"), "content": RISKY},
        tool_use_id="toolu_write_3",
    )
    warned = run_hook("PreToolUse", other, session.env, "--warn-only")
    assert warned.output is not None
    assert "permissionDecision" not in warned.output["hookSpecificOutput"]  # a warning with --warn-only
    assert "rule sql-string-format" in warned.context
    safe = session.payload(
        "PreToolUse",
        tool_name="Write",
        tool_input={"file_path": str(repo / "app" / "db.py"), "content": SAFE},
        tool_use_id="toolu_write_2",
    )
    assert run_hook("PreToolUse", safe, session.env).output is None
    import sqlite3

    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT action, lessons, detail FROM hook_decisions WHERE event = 'PreToolUse' ORDER BY id"
        ).fetchall()
    assert [(action, json.loads(lessons or "[]")) for action, lessons, _ in rows] == [
        ("stop", []),
        ("override", []),
        ("warn", []),
        ("none", []),
    ]
    assert json.loads(rows[0][2])["edit_risk"] == 2
