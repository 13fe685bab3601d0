"""Declared rules at the call (issue 80, item 7; analyze/declared_rules.py): the `never` workflow
rules in force for a project, checked on a call about to run. lessonloop's own rules stop it once;
a rule of the project's rules file (a repository's text) warns."""

from __future__ import annotations

from pathlib import Path

import pytest

from lessonloop.analyze.call import Call
from lessonloop.analyze.declared_rules import broken_rules
from lessonloop.learning.engine.engine import Learner, Policy
from tests.learning_helpers import Script


def _shell(command: str) -> Call:
    return Call("c1", "s1", 1, None, "Bash", {"command": command}, None, command, None, None, kind="shell")


@pytest.mark.parametrize(
    ("command", "rules"),
    [
        ("git push --force origin main", ["no-force-push-main"]),
        ("git push -f origin master", ["no-force-push-main"]),
        ("git push origin +main", ["no-force-push-main"]),
        ("git commit --no-verify -m 'wip'", ["no-skip-hooks"]),
        ("git push --no-verify origin feature", ["no-skip-hooks"]),
        ("git push --force origin feature", []),  # not a protected branch
        ("git push origin main", []),
        ("git commit -m 'no verify'", []),
        ("ls -la", []),
    ],
)
def test_lessonlooops_own_never_rules_name_the_calls_that_break_them(command: str, rules: list[str]) -> None:
    found = broken_rules(_shell(command))
    assert [rule.rule_id for rule in found] == rules
    assert all(rule.builtin for rule in found)


def test_the_hooks_gate_lets_through_every_call_a_builtin_rule_names_and_is_the_rules_own() -> None:
    from lessonloop.analyze.declared_rules import GATE, may_break
    from lessonloop.apply.hooks.pre_tool import _MAY_BREAK

    assert _MAY_BREAK.pattern == GATE  # the hook's copy (it imports no analysis module for it)
    for command in ("git push --force origin main", "git push -f origin master", "git push origin +main",
                    "git commit --no-verify -m x", "git push --no-verify origin f", "git push --force-with-lease origin main"):  # fmt: skip
        assert may_break("shell", command, None, None), command
    assert not may_break("shell", "git push origin main", None, None)
    assert not may_break("shell", "git commit -m 'a fix'", None, None)


def test_the_hooks_look_for_the_rules_file_where_the_rules_are_read(tmp_path: Path) -> None:
    from lessonloop.analyze.declared_rules import RULES_FILE, rules_file
    from lessonloop.apply.hooks.pre_tool import _rules_file

    assert not _rules_file(str(tmp_path), None) and rules_file(str(tmp_path), None) is None
    (tmp_path / RULES_FILE).parent.mkdir()
    (tmp_path / RULES_FILE).write_text("", encoding="utf-8")
    assert _rules_file(None, str(tmp_path)) and rules_file(None, str(tmp_path)) == str(tmp_path / RULES_FILE)


def test_a_projects_rules_file_adds_rules_that_warn_and_may_turn_a_builtin_off(tmp_path: Path) -> None:
    (tmp_path / ".lessonloop").mkdir()
    (tmp_path / ".lessonloop" / "workflow.toml").write_text(
        '[[rule]]\nid = "no-add-all"\nkind = "never"\ndescription = "Stage files by name."\n'
        'when = { command = "\\\\bgit add (-A|\\\\.)" }\n\n'
        '[[rule]]\nid = "no-skip-hooks"\nenabled = false\n',
        encoding="utf-8",
    )
    found = broken_rules(_shell("git add -A"), str(tmp_path))
    assert [(rule.rule_id, rule.builtin) for rule in found] == [("no-add-all", False)]
    assert broken_rules(_shell("git commit --no-verify -m x"), str(tmp_path)) == []  # turned off there
    assert [r.rule_id for r in broken_rules(_shell("git push --force origin main"), str(tmp_path))] == [
        "no-force-push-main"
    ]


def test_the_decision_stops_a_call_a_builtin_rule_forbids_once_and_warns_for_a_projects_rule(tmp_path: Path) -> None:
    (tmp_path / ".lessonloop").mkdir()
    (tmp_path / ".lessonloop" / "workflow.toml").write_text(
        '[[rule]]\nid = "no-add-all"\nkind = "never"\ndescription = "Stage files by name."\n'
        'when = { command = "\\\\bgit add -A" }\n',
        encoding="utf-8",
    )
    learner = Learner()
    s = Script().session("s1", project=str(tmp_path), cwd=str(tmp_path))
    stopped = learner.decide(s.bash("git push --force origin main"))
    assert (stopped.action, stopped.declared) == ("stop", [("no-force-push-main", "stop")])
    learner.observe(s.bash("git push --force origin main"), stopped)
    again = learner.decide(s.bash("git push --force origin main"))  # sent again: it runs, nothing said
    assert (again.action, again.declared) == ("none", [])
    warned = learner.decide(s.bash("git add -A"))
    assert (warned.action, warned.declared) == ("warn", [("no-add-all", "warn")])
    assert Learner(Policy(stop=False)).decide(s.bash("git commit --no-verify -m x")).action == "warn"


def test_a_rules_file_changed_between_calls_is_read_again(tmp_path: Path) -> None:
    """The rules of a project's file are kept between calls of a learning run, until the file changes."""
    rules = tmp_path / ".lessonloop" / "workflow.toml"
    rules.parent.mkdir()
    rules.write_text('[[rule]]\nid = "no-tag"\nkind = "never"\nwhen = { command = "\\\\bgit tag" }\n', encoding="utf-8")
    assert [r.rule_id for r in broken_rules(_shell("git tag v1"), str(tmp_path))] == ["no-tag"]
    rules.write_text(
        '[[rule]]\nid = "no-tags-at-all"\nkind = "never"\nwhen = { command = "\\\\bgit tag" }\n', encoding="utf-8"
    )
    assert [r.rule_id for r in broken_rules(_shell("git tag v1"), str(tmp_path))] == ["no-tags-at-all"]
