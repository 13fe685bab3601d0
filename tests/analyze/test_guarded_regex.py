"""A repository's rules file cannot stall lessonloop with its regexes (issue 82, item 6): a
pattern RE2 takes runs in linear time, one it rejects runs with a time limit per match and is not
run again once past it; both still mean what the rules file says."""

from __future__ import annotations

from lessonloop.analyze.guarded_regex import GuardedPattern
from lessonloop.analyze.workflow import evaluate, rules_from_file_text
from tests.analyze.test_workflow import bash, session

_EXPONENTIAL = "^(a+)+$"  # 29 s on a 28-character command with Python's engine
_LOOKAROUND_BOMB = "^(a|a)+$(?=x)"  # RE2 rejects lookaheads: the timed engine, which gives up


def _never(pattern: str) -> str:
    return f"""
[[rule]]
id = "no-as"
kind = "never"
when = {{ command = '''{pattern}''' }}
"""


def test_an_exponential_pattern_runs_on_the_linear_engine_and_still_matches() -> None:
    pattern = GuardedPattern(_EXPONENTIAL)
    assert pattern.engine == "re2"
    assert not pattern.search("a" * 28 + "!")
    assert pattern.search("a" * 28)
    [rule] = [r for r in rules_from_file_text(_never(_EXPONENTIAL), "workflow.toml") if r.id == "no-as"]
    [result] = evaluate(session(bash(1, "a" * 28 + "!"), bash(2, "aaaa")), [rule])
    assert result.status == "violated" and [e.call.tool_use_id for e in result.evidence] == ["toolu_s_2"]


def test_a_lookaround_runs_with_python_syntax_and_a_time_limit() -> None:
    push = GuardedPattern(r"\bgit\s+push\b(?=[^;&|\n]*--force)")
    assert push.engine == "regex"
    assert push.search("git push origin main --force") and not push.search("git push origin main")
    bomb = GuardedPattern(_LOOKAROUND_BOMB)
    assert bomb.engine == "regex"
    assert not bomb.search("a" * 60 + "!")
    assert bomb.timed_out  # past its time: no match, and never run again in this process
    assert not bomb.search("x")


def test_a_pattern_neither_engine_takes_is_the_rules_files_error() -> None:
    try:
        rules_from_file_text(_never("(unclosed"), "workflow.toml")
    except ValueError as error:
        assert "bad command regex '(unclosed'" in str(error) and "workflow.toml" in str(error)
    else:
        raise AssertionError("an uncompilable pattern was accepted")
