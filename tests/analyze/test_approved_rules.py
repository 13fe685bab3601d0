"""A project's rules file approved by this person (issue 80, item 7): `lessonloop rules approve`
records the digest of its bytes (store/approved_rules.py); the real PreToolUse hook then stops a
call its `never` rule forbids once, as lessonloop's own rules do; unapproved, or changed since, the
rule only warns (a repository's text). Replay decides the same with the store's approvals."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from lessonloop.analyze.call import Call
from lessonloop.analyze.declared_rules import broken_rules, file_digest
from lessonloop.learning.engine.engine import Learner
from tests.hook_helpers import HookRun, HookSession, hook_env
from tests.learning_helpers import Script

RULES = (
    '[[rule]]\nid = "no-tag"\nkind = "never"\ndescription = "Tags are made by the release job."\n'
    'severity = "high"\nwhen = { kind = "shell", command = \'\\bgit\\s+tag\\b\' }\n'
)


def _cli(env: dict[str, str], *words: str, code: int = 0) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "lessonloop", *words], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == code, done.stderr
    return done


def _answer(run: HookRun) -> dict[str, Any]:
    """The hook's answer to the agent (it must give one)."""
    out = run.output
    assert out is not None, run.stderr
    return dict(out["hookSpecificOutput"])


def _project(tmp_path: Path) -> Path:
    repo = tmp_path / "project"
    (repo / ".lessonloop").mkdir(parents=True)
    (repo / ".lessonloop" / "workflow.toml").write_text(RULES, encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return repo


def test_an_approved_rules_file_stops_once_and_a_changed_one_warns_again(tmp_path: Path) -> None:
    repo = _project(tmp_path)
    env = hook_env(tmp_path / "store" / "lessonloop.db", LESSONLOOP_CONFIG=str(tmp_path / "config.toml"))
    HookSession(repo, env).start()
    shown = json.loads(_cli(env, "rules", "show", str(repo), "--json").stdout)
    assert shown["approval"] == "not approved"
    assert {r["id"]: r["at_call"] for r in shown["rules"] if r["kind"] == "never"} == {
        "no-force-push-main": "stop once",
        "no-skip-hooks": "stop once",
        "no-tag": "warn",
    }
    before = HookSession(repo, env).pre("git tag v1.0")  # not approved: a warning, quoted
    answer = _answer(before)
    assert "permissionDecision" not in answer and "no-tag" in answer["additionalContext"]

    approved = json.loads(_cli(env, "rules", "approve", str(repo / "sub-folder-not-there"), code=1).stdout or "{}")
    assert approved == {}  # a folder that does not exist: an error, nothing approved
    approved = json.loads(_cli(env, "rules", "approve", str(repo), "--json").stdout)
    assert approved["sha256"] == file_digest(RULES.encode()) and "no-tag" in approved["never_rules"]
    session = HookSession(repo, env)
    stopped = _answer(session.pre("git tag v1.0"))
    assert stopped["permissionDecision"] == "deny"
    reason = stopped["permissionDecisionReason"]
    assert "a workflow rule in force here forbids it" in reason and "approved by the person" in reason
    assert "\u201cTags are made by the release job.\u201d" in reason  # the repository's words, quoted
    assert session.pre("git tag v1.0").output is None  # sent again: it runs

    (repo / ".lessonloop" / "workflow.toml").write_text(RULES + "\n# changed\n", encoding="utf-8")
    assert json.loads(_cli(env, "rules", "show", str(repo), "--json").stdout)["approval"] == "changed"
    changed = _answer(HookSession(repo, env).pre("git tag v1.1"))
    assert "permissionDecision" not in changed  # changed since it was approved: a warning again
    _cli(env, "rules", "approve", str(repo))
    assert _answer(HookSession(repo, env).pre("git tag v1.2"))["permissionDecision"] == "deny"
    assert "withdrawn" in _cli(env, "rules", "withdraw", str(repo)).stdout
    assert "permissionDecision" not in _answer(HookSession(repo, env).pre("git tag v1.3"))


def test_learning_decides_with_the_approvals_it_is_given(tmp_path: Path) -> None:
    repo = _project(tmp_path)
    call = Call("c1", "s1", 1, None, "Bash", {"command": "git tag v1"}, None, "git tag v1", None, None, kind="shell")
    [rule] = broken_rules(call, str(repo))
    assert (rule.rule_id, rule.builtin, rule.approved) == ("no-tag", False, False)
    digest = file_digest(RULES.encode())
    path = str((repo / ".lessonloop" / "workflow.toml").resolve())
    assert broken_rules(call, str(repo), approved={path: digest}.get)[0].approved
    assert not broken_rules(call, str(repo), approved={path: "0" * 64}.get)[0].approved  # other bytes approved
    s = Script().session("s1", project=str(repo), cwd=str(repo))
    assert Learner().decide(s.bash("git tag v1")).declared == [("no-tag", "warn")]
    learner = Learner()
    learner.approved_rules = {path: digest}
    assert learner.decide(s.bash("git tag v1")).declared == [("no-tag", "stop")]
