"""A lesson is an instruction to an agent: whose text may deny a call (issue 25). The PreToolUse
hook run as Claude Code runs it, on a real store."""

from __future__ import annotations

from pathlib import Path


def test_another_persons_lesson_never_denies_a_call_however_sure_its_counts(tmp_path: Path) -> None:
    """The review's attack: a teammate's lesson arriving with counts that make it certain (core,
    confidence over the block threshold) warned every call it triggers on and, with `--block`,
    denied them with its text. Only this person's own lessons (learned here, written here) deny."""
    from datetime import UTC, datetime, timedelta

    from lessonloop.learning.engine.engine import Learner
    from lessonloop.store import open_store
    from lessonloop.store.lessons.writer import save_learned
    from tests.hook_helpers import HookSession, hook_env, run_hook
    from tests.learning_helpers import Script, play_all, push_episode

    project = tmp_path / "app"
    project.mkdir()
    decisions = {}
    for origin in ("learned", "team", "imported", "mcp"):
        learner = Learner()
        script = Script(datetime.now(UTC) - timedelta(minutes=5))  # seen now: no decay
        s = script.session("s0", project=str(project), cwd=str(project), branch="feat-0")
        play_all(learner, push_episode(s))
        (lesson,) = learner.lessons.values()
        lesson.session_failed = {f"s{i}": True for i in range(80)}  # certain: 0.97
        lesson.recount()
        db = tmp_path / origin / "lessonloop.db"
        conn = open_store(db)
        try:
            save_learned(conn, [lesson], {}, script.tick())
            conn.execute("UPDATE lessons SET origin = ?", (origin,))
            conn.commit()
        finally:
            conn.close()
        env = hook_env(db)
        payload = HookSession(project, env).payload("PreToolUse", tool_name="Bash", tool_input={"command": "git push"})
        out = run_hook("PreToolUse", payload, env, "--block")
        assert out.returncode == 0 and out.output is not None, out.stderr
        assert "git push -u origin" in out.context  # every one of them still warns
        decisions[origin] = out.output["hookSpecificOutput"].get("permissionDecision")
    assert decisions == {"learned": "deny", "team": None, "imported": None, "mcp": None}
