"""Lessons made of a person's words apply to the calls they were about (issue 24, item 3):
a rejected command's trigger names its operands, a typed correction makes a lesson only when it
states an instruction and gets a per-call trigger only when its words name a corrected call.
On the real corrections of ../shared/corpus too (skipped when absent)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lessonloop.analyze.instructions import instruction
from lessonloop.learning.engine.engine import Learner, Policy
from lessonloop.learning.engine.learning_loop import learn_history
from lessonloop.learning.engine.replay import replay
from lessonloop.learning.runs import load_history
from lessonloop.pipeline.analysis import analyze_store
from lessonloop.store import open_store
from tests.conftest import SHARED_CORPUS, run_ingest
from tests.learning_helpers import Script, play

# ----------------------------------------------------------------------------- the instruction test

NOT_INSTRUCTIONS = [
    "nah, thanks",
    "ok",
    "No, let's expand the checks",
    "no, it's not phase 1 there bunch of phases completed",
    "it still shows 0 lines for all tooltips",
    "That broke everything.",
    "no. i just want to increase the height if we are on a small screen.",
    "stop the server",  # a task, not a standing rule
    "can you use pnpm?",
    "why did you run the tests with --trace?",
    "You should be able to access those MCP servers now.",
    "fix the bug in `parse()`",  # sets a task
]
INSTRUCTIONS = [
    ("don't use staging for production", "don't use staging for production"),
    ("Never push to main.", "Never push to main."),
    ("always run mix format before committing", "always run mix format before committing"),
    ("use pnpm instead of npm", "use pnpm instead of npm"),
    ("ok. Stop adding comments to every line.", "Stop adding comments to every line."),
    ("you should have read the file first", "you should have read the file first"),
    ("we must not touch the generated code", "we must not touch the generated code"),
    ("I want you to always run the linter", "I want you to always run the linter"),
    ("no, don't mock completion. mock the httpx library", "no, don't mock completion."),
    ("that's wrong. instead of wordcount, call `find_blocks` on each chunk", "instead of wordcount, call `find_blocks` on each chunk"),
    ("run the tests before committing", "run the tests before committing"),
    ("pass --no-cache to docker build", "pass --no-cache to docker build"),
]  # fmt: skip


@pytest.mark.parametrize("text", NOT_INSTRUCTIONS)
def test_a_reply_report_or_redirection_states_no_instruction(text: str) -> None:
    assert instruction(text) is None


@pytest.mark.parametrize(("text", "sentence"), INSTRUCTIONS)
def test_prohibitions_orders_and_substitutions_are_instructions(text: str, sentence: str) -> None:
    assert instruction(text) == sentence


# ----------------------------------------------------------------------------- rejections


def test_a_rejected_mkdir_applies_to_that_directory_only() -> None:
    learner = Learner()
    script = Script()
    for sid in ("s1", "s2"):  # rejected in two sessions: after one, a silent candidate
        s = script.session(sid)
        rejected = s.bash("mkdir -p build/tmp", status="rejected", error="rejected")
        play(learner, rejected)
        lesson = learner.correction(sid, s.project, f"m-{sid}", script.tick(), "rejection", "", [rejected])
        assert lesson is not None and lesson.trigger is not None
        assert lesson.trigger.to_json() == {"kind": "shell", "words": ["mkdir"], "operands": ["build/tmp"]}
        assert lesson.tier == ("candidate" if sid == "s1" else "active")
        learner.end_session(sid)
    assert len(learner.lessons) == 1
    s3 = script.session("s3")
    assert learner.decide(s3.bash("mkdir other/dir")).action == "none"
    assert learner.decide(s3.bash("mkdir -p docs")).action == "none"
    # the same call, without -p: the person's own lesson from two sessions stops it once
    assert learner.decide(s3.bash("mkdir build/tmp")).action == "stop"
    assert learner.decide(s3.bash("cd /home/dev/app && mkdir -p ./build/tmp")).action == "stop"


def test_a_rejected_command_with_a_long_inline_script_names_no_call() -> None:
    learner = Learner()
    s1 = Script().session("s1")
    script_text = "import json; " * 40
    rejected = s1.bash(f'python -c "{script_text}"', status="rejected", error="rejected")
    play(learner, rejected)
    assert learner.correction("s1", s1.project, "m1", None, "rejection", "", [rejected]) is None
    with_reason = learner.correction(
        "s1", s1.project, "m2", None, "rejection", "don't run inline scripts, write a file", [rejected]
    )
    assert with_reason is not None
    assert with_reason.trigger is None  # recalled for prompts, never fired per call
    # The person's words, quoted as data (never the lesson's own instruction)
    assert with_reason.prevention == "the person's words \u201cdon't run inline scripts, write a file\u201d"


def test_a_rejected_file_write_applies_to_that_file() -> None:
    learner = Learner(Policy(stop=False))  # warnings only: the lesson warns where it would stop
    script = Script()
    for sid in ("s1", "s2"):  # rejected in two sessions: after one, a silent candidate
        s = script.session(sid)
        write = s.call("Write", target_path=s.path("available-tools.md"), status="rejected", error="rejected")
        play(learner, write)
        lesson = learner.correction(sid, s.project, f"m-{sid}", None, "rejection", "", [write])
        assert lesson is not None and lesson.trigger is not None
        assert lesson.trigger.path == "available-tools.md"
        if sid == "s1":
            assert lesson.tier == "candidate"
            assert learner.decide(script.session("s1b").write("available-tools.md")).action == "none"
    s3 = script.session("s3")
    assert learner.decide(s3.write("other.md")).action == "none"
    assert learner.decide(s3.write("available-tools.md")).action == "warn"


# ----------------------------------------------------------------------------- typed corrections


def test_a_redirection_makes_no_lesson() -> None:
    learner = Learner()
    s1 = Script().session("s1")
    edit = s1.edit("lib/checks.ex")
    for text in ("No, let's expand the checks", "nah, thanks", "ok"):
        assert learner.correction("s1", s1.project, "m1", None, "typed", text, [edit]) is None
    assert learner.lessons == {}


def test_a_typed_instruction_naming_nothing_the_agent_did_is_recalled_not_fired() -> None:
    learner = Learner()
    script = Script()
    s1 = script.session("s1")
    deploy = s1.bash("fly deploy --app staging")
    play(learner, deploy)
    lesson = learner.correction("s1", s1.project, "m1", None, "typed", "don't use staging for production", [deploy])
    assert lesson is not None and lesson.trigger is None
    s2 = script.session("s2")
    assert learner.decide(s2.bash("fly deploy --app staging")).action == "none"
    assert learner.decide(s2.bash("fly status")).action == "none"


def test_a_typed_instruction_naming_a_flag_of_the_corrected_command_fires_on_that_flag() -> None:
    learner = Learner()
    script = Script()
    s1 = script.session("s1")
    commit = s1.bash('git commit --no-verify -m "wip"')
    play(learner, commit)
    said = "Don't commit with --no-verify, fix the hook's findings."
    lesson = learner.correction("s1", s1.project, "m1", None, "typed", said, [commit])
    assert lesson is not None and lesson.trigger is not None
    assert lesson.trigger.to_json() == {"kind": "shell", "words": ["git", "commit"], "with_flags": ["--no-verify"]}
    assert lesson.tier == "candidate"  # said in one session
    s2 = script.session("s2")
    assert learner.decide(s2.bash('git commit -n -m "feature"')).action == "none"
    again = s2.bash('git commit --no-verify -m "wip"')
    play(learner, again)
    assert learner.correction("s2", s2.project, "m2", None, "typed", said, [again]) is lesson
    assert (lesson.failed_sessions, lesson.tier) == (2, "active")  # said again in a second session
    s3 = script.session("s3")
    assert learner.decide(s3.bash('git commit -m "feature"')).action == "none"
    assert learner.decide(s3.bash('git commit -n -m "feature"')).action == "stop"  # -n means --no-verify


def test_a_typed_instruction_naming_the_edited_file_fires_on_that_file() -> None:
    learner = Learner()
    script = Script()
    s1 = script.session("s1")
    edits = [s1.edit("tests/basic/test_main.py"), s1.edit("aider/main.py")]
    for edit in edits:
        play(learner, edit)
    lesson = learner.correction(
        "s1", s1.project, "m1", None, "typed", "never edit `aider/main.py` for a test change", edits
    )
    assert lesson is not None and lesson.trigger is not None
    assert lesson.trigger.path == "aider/main.py"
    vague = learner.correction("s1", s1.project, "m2", None, "typed", "don't use --no-git in those tests", edits)
    assert vague is not None and vague.trigger is None  # the flag is in no corrected command


# ----------------------------------------------------------------------------- real corrections


def _corpus(*parts: str) -> Path:
    path = SHARED_CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real-data corpus not found at {path} (the ../shared folder is absent)")
    return path


def _ingested(tmp_path: Path, *corpus: str) -> Path:
    """A real store holding `corpus`, ingested and analyzed (as `lessonloop ingest` does)."""
    db = tmp_path / "lessonloop.db"
    run_ingest(db, _corpus(*corpus))
    conn = open_store(db)
    try:
        analyze_store(conn, bandit=False)
    finally:
        conn.close()
    return db


def _typed_texts(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [
            text
            for (text,) in conn.execute(
                "SELECT json_extract(detail, '$.text') FROM analysis_signals WHERE kind = 'correction' AND label = 'typed'"
            )
        ]
    finally:
        conn.close()


@pytest.mark.slow
@pytest.mark.corpus
@pytest.mark.parametrize("corpus", [("aider", "aider-dev"), ("claude-code", "spotter"), ("claude-code", "codemie")])
def test_real_corrections_make_lessons_only_from_instructions(tmp_path: Path, corpus: tuple[str, str]) -> None:
    db = _ingested(tmp_path, *corpus)
    texts = _typed_texts(db)
    assert texts, "the corpus holds typed corrections"
    conn = open_store(db)
    try:
        learner = learn_history(load_history(conn))
    finally:
        conn.close()
    typed = [lesson for lesson in learner.lessons.values() if lesson.kind == "correction" and lesson.prevention]
    stated = {lesson.prevention for lesson in typed}
    for text in texts:
        assert (text[:300] in stated) is (instruction(text) is not None), text


@pytest.mark.slow
@pytest.mark.corpus
def test_aider_corrections_do_not_fire_on_later_edits_of_the_same_test_file(tmp_path: Path) -> None:
    """Aider's history: the person's corrections ("don't use --no-git in those tests") fired on
    later edits of the same test file that succeeded without them, 6 false alarms before issue 24;
    their words name no file or command the agent used, so they are recalled, never fired."""
    db = _ingested(tmp_path, "aider", "aider-dev")
    conn = open_store(db)
    try:
        report = replay(load_history(conn))
    finally:
        conn.close()
    assert report.learner is not None
    corrections = {s for s, lesson in report.learner.lessons.items() if lesson.kind == "correction"}
    assert corrections, "Aider's corrections still teach lessons"
    assert all(report.learner.lessons[s].trigger is None for s in corrections)
    assert not [f for f in report.firings.values() if f.signature in corrections and f.fired]
    titles = {report.learner.lessons[s].title for s in corrections}
    assert not [alarm for alarm in report.alarms if titles & set(alarm["lessons"])]
