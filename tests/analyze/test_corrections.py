"""The person's corrections of the agent (analyze.corrections): phrases, kinds, corrected calls.

Hand-built sessions pin each definition; a transcript written with TranscriptBuilder checks the
parser's kinds end to end; the spotter corpus pins the counts judged by reading every typed
prompt, rejection and interrupt in it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lessonloop.analyze.corrections import Correction, engagement, find_corrections, is_correction
from lessonloop.analyze.inputs import Call, Context, Message, SessionInput
from lessonloop.store import open_store
from lessonloop.store.sessions.reader import load_sessions
from tests.conftest import run_ingest
from tests.transcript_builder import TranscriptBuilder

MAIN = "s1"
SUB = "s1/agent1"


def _ts(seq: int) -> str:
    return f"2026-01-01T{seq // 3600:02d}:{seq // 60 % 60:02d}:{seq % 60:02d}.000Z"


def msg(seq: int, kind: str, text: str | None = None, *, ctx: str = MAIN, tool_use_id: str | None = None) -> Message:
    role = "assistant" if kind in ("assistant", "synthetic") else "user"
    return Message(ctx, f"{ctx}-m{seq}", seq, _ts(seq), role, kind, text, tool_use_id)


def call(seq: int, call_id: str, *, ctx: str = MAIN, status: str = "ok", result: str | None = None) -> Call:
    return Call(
        call_id, ctx, seq, _ts(seq), "Bash", {}, command="true", status=status, result_text=result, kind="shell"
    )


def session(items: list[Message | Call], sub: list[Message | Call] | None = None) -> SessionInput:
    contexts = [_context(MAIN, "main", items)]
    if sub is not None:
        contexts.append(_context(SUB, "subagent", sub))
    return SessionInput(MAIN, contexts=tuple(contexts))


def _context(ctx: str, kind: str, items: list[Message | Call]) -> Context:
    calls = tuple(i for i in items if isinstance(i, Call))
    messages = tuple(i for i in items if isinstance(i, Message))
    return Context(ctx, kind, parent_id=None if kind == "main" else MAIN, calls=calls, messages=messages)


def typed_after_work(text: str) -> list[Correction]:
    """Corrections found when `text` is the second prompt, after a turn with two calls."""
    return find_corrections(
        session([msg(1, "prompt", "Add a login page"), call(2, "c1"), call(3, "c2"), msg(4, "prompt", text)])
    )


# ----------------------------------------------------------------------------- phrases

CORRECTIONS = [
    ("no", "negation", 0.9),
    ("No, that's wrong", "negation", 0.9),
    ("nope", "negation", 0.9),
    ("no the config lives in src/", "negation", 0.9),
    ("hmm, no", "negation", 0.9),
    ("Wrong.", "wrong", 0.9),
    ("that's not right", "wrong", 0.9),
    ("This is wrong, the API returns a list", "wrong", 0.9),
    ("not what I asked for", "wrong", 0.9),
    ("Not quite - the header should stay fixed", "wrong", 0.9),
    ("You misunderstood the task", "wrong", 0.9),
    ("You forgot to update the tests", "you-forgot", 0.85),
    ("you missed the second file", "you-forgot", 0.85),
    ("you didn't run the linter", "you-forgot", 0.85),
    ("did you forget the migration?", "you-forgot", 0.7),
    ("Don't use requests, use httpx", "dont-use-x-use-y", 0.9),
    ("don't use mocks here", "dont-use-x-use-y", 0.75),
    ("don't do that", "dont-do-that", 0.85),
    ("do not touch the schema", "dont-do-that", 0.7),
    ("it should be 30 seconds, not 60", "should-be-x-not-y", 0.85),
    ("you should have run the tests first", "should-have", 0.75),
    ("use httpx instead", "instead", 0.8),
    ("Use `httpx` instead of requests", "instead", 0.8),
    ("Instead, just patch the function", "instead", 0.75),
    ("revert that", "revert", 0.85),
    ("Please undo the last change", "revert", 0.85),
    ("roll back", "revert", 0.85),
    ("ok, revert the changes to config.py", "revert", 0.85),
    ("change it back", "revert", 0.85),
    ("that broke the build", "that-broke", 0.9),
    ("this broke the tests", "that-broke", 0.9),
    ("you broke the login page", "that-broke", 0.9),
    ("it's broken now", "that-broke", 0.8),
    ("now it crashes on startup", "that-broke", 0.8),
    ("That didn't work", "didnt-work", 0.8),
    ("tests still fail", "still-failing", 0.85),
    ("still failing", "still-failing", 0.85),
    ("it still doesn't work", "still-failing", 0.85),
    ("I said use pnpm", "i-said", 0.75),
    ("stop", "stop", 0.85),
    ("Stop that.", "stop", 0.85),
    ("stop doing that", "stop", 0.85),
    ("why did you delete the migration?", "why-did-you", 0.7),
    ("wait, why are you deleting that?", "why-did-you", 0.7),
    ("Hold on, that's the prod database", "wait", 0.6),
    ("wait.", "wait", 0.6),
    # Curly apostrophes as typed on a phone or pasted from a document.
    ("that\u2019s wrong", "wrong", 0.9),
    # In the second sentence: 0.85 times the phrase's confidence.
    ("Thanks. No, that's the wrong file", "negation", 0.77),
    ("The CSS change looks good. But the button still shows the old label.", "still-failing", 0.72),
]


@pytest.mark.parametrize(("text", "pattern", "confidence"), CORRECTIONS)
def test_each_phrase_family_is_found(text: str, pattern: str, confidence: float) -> None:
    assert is_correction(text) == (pattern, confidence)


NOT_CORRECTIONS = [
    "no problem, continue",
    "No worries",
    "no need to run the tests",  # declines a step; not a claim the agent erred
    "no-op changes are fine",
    "not bad",
    "I know the file",
    "nothing else to add",
    "is there no test for this?",  # a question that blames nothing
    "did you push?",  # a check, not a correction
    "Why does the test fail?",  # asks about the code, not about the agent's choice
    "What is wrong with the build output?",
    "continue",
    "Now write the README",
    "Implement the login page. Don't forget to run the tests.",
    "don't forget to commit",
    "Stop the server and restart it",
    "Stop-gap fix is fine",
    "wait for the build to finish",
    "If you didn't find it, search the tests",
    "I'm still not sure which approach is best",
    "still need to add docs",
    "Restore the backup feature from v1",
    # A long task: "don't use X, use Y" after the first two sentences is an instruction.
    "Add a feature. It should work well. Also ensure that users can log in. Don't use jQuery, use vanilla JS.",
    # Harness wrappers, placeholders, code blocks and quotes are not the person's words.
    "<system-reminder>no, that's wrong</system-reminder>continue",
    "<ide_opened_file>The user opened wrong.py</ide_opened_file> continue",
    "<ide_selection>revert that</ide_selection> explain this",
    "[Pasted text #1 +20 lines] looks good",
    "```\nno, that's wrong\n```\nlooks good, continue",
    "> no, that's wrong\nthanks, continue",
    "",
]


@pytest.mark.parametrize("text", NOT_CORRECTIONS)
def test_near_misses_are_not_corrections(text: str) -> None:
    assert is_correction(text) is None


def test_the_phrase_counts_after_a_harness_wrapper_or_an_image() -> None:
    assert is_correction("<ide_opened_file>The user opened a.py</ide_opened_file>no, that's wrong") == (
        "negation",
        0.9,
    )
    assert is_correction("[Image #1] still failing, see the screenshot") == ("still-failing", 0.85)


def test_the_strongest_phrase_of_the_head_wins() -> None:
    assert is_correction("wait, that broke the tests") == ("that-broke", 0.9)


# ----------------------------------------------------------------------------- typed prompts


def test_a_typed_correction_names_the_previous_turns_calls() -> None:
    [found] = typed_after_work("no, that's wrong")
    assert (found.kind, found.pattern, found.confidence) == ("typed", "negation", 0.9)
    assert found.corrected_call_ids == ("c1", "c2")
    assert found.text == "no, that's wrong"
    assert found.to_json() == {
        "kind": "typed",
        "text": "no, that's wrong",
        "pattern": "negation",
        "session_id": MAIN,
        "line": 4,
        "message_uuid": "s1-m4",
        "ts": _ts(4),
        "corrected_tool_use_ids": ["c1", "c2"],
        "confidence": 0.9,
    }


def test_the_first_prompt_of_a_session_never_counts() -> None:
    assert find_corrections(session([msg(1, "prompt", "No, that's wrong: fix the parser"), call(2, "c1")])) == []


def test_corrected_calls_are_only_the_last_turns_and_at_most_ten() -> None:
    items: list[Message | Call] = [msg(1, "prompt", "build it"), call(2, "old")]
    items += [msg(3, "prompt", "continue")]
    items += [call(10 + i, f"c{i}") for i in range(12)]
    items += [msg(30, "prompt", "revert that")]
    [found] = find_corrections(session(items))
    assert found.corrected_call_ids == tuple(f"c{i}" for i in range(2, 12))


def test_corrected_calls_are_empty_when_the_previous_turn_made_none() -> None:
    items: list[Message | Call] = [
        msg(1, "prompt", "build it"),
        call(2, "c1"),
        msg(3, "interrupt", "[Request interrupted by user]"),
    ]
    items += [msg(4, "prompt", "still failing")]
    typed = [c for c in find_corrections(session(items)) if c.kind == "typed"]
    assert [c.corrected_call_ids for c in typed] == [()]


def test_corrected_calls_are_the_main_contexts_only() -> None:
    main: list[Message | Call] = [msg(1, "prompt", "build it"), call(2, "main1"), call(6, "main2")]
    main += [msg(9, "prompt", "you forgot the tests")]
    sub: list[Message | Call] = [msg(3, "task_prompt", "find the tests", ctx=SUB), call(4, "sub1", ctx=SUB)]
    [found] = find_corrections(session(main, sub))
    assert found.corrected_call_ids == ("main1", "main2")


def test_a_slash_command_ends_the_agents_turn() -> None:
    items: list[Message | Call] = [msg(1, "prompt", "build it"), call(2, "before")]
    items += [msg(3, "command", "<command-name>/review</command-name>"), call(4, "after")]
    items += [msg(5, "prompt", "that's wrong")]
    [found] = find_corrections(session(items))
    assert found.corrected_call_ids == ("after",)


PHRASE = "no, that's wrong"


@pytest.mark.parametrize(
    "kind",
    [
        "compaction_summary",
        "compaction_request",
        "command",
        "command_output",
        "meta",
        "system_reminder",
        "task_notification",
        "bash_input",
        "bash_output",
        "assistant",
        "synthetic",
        "api_error",
        "system",
    ],
)
def test_only_typed_prompts_count(kind: str) -> None:
    items: list[Message | Call] = [msg(1, "prompt", "build it"), call(2, "c1"), msg(3, kind, PHRASE)]
    assert find_corrections(session(items)) == []


def test_a_subagents_task_prompt_and_tool_results_never_count() -> None:
    main: list[Message | Call] = [msg(1, "prompt", "build it"), call(2, "c1", result=PHRASE)]
    sub: list[Message | Call] = [msg(3, "task_prompt", "find x", ctx=SUB), msg(5, "task_prompt", PHRASE, ctx=SUB)]
    sub += [call(4, "s1", ctx=SUB, result=PHRASE)]
    assert find_corrections(session(main, sub)) == []


def test_a_prompt_in_a_subagent_context_is_not_a_typed_correction() -> None:
    sub: list[Message | Call] = [msg(3, "prompt", "first", ctx=SUB), msg(5, "prompt", PHRASE, ctx=SUB)]
    assert find_corrections(session([msg(1, "prompt", "build it")], sub)) == []


# ----------------------------------------------------------------------------- rejections and interrupts


def test_a_rejection_without_a_reason() -> None:
    items: list[Message | Call] = [msg(1, "prompt", "clean up"), call(2, "rm", status="rejected")]
    items += [msg(3, "rejection", None, tool_use_id="rm")]
    [found] = find_corrections(session(items))
    assert (found.kind, found.pattern, found.confidence) == ("rejection", None, 0.95)
    assert found.corrected_call_ids == ("rm",)
    assert found.text == "The user rejected this tool use."


def test_a_rejection_with_a_reason_keeps_the_persons_words() -> None:
    items: list[Message | Call] = [msg(1, "prompt", "clean up"), call(2, "rm", status="rejected")]
    items += [msg(3, "rejection", "use git clean instead", tool_use_id="rm")]
    [found] = find_corrections(session(items))
    assert (found.text, found.corrected_call_ids) == ("use git clean instead", ("rm",))


def test_a_rejection_in_harness_words_yields_the_reason_after_the_user_said() -> None:
    harness = (
        "The user doesn't want to proceed with this tool use. To tell you how to proceed, the user said:\nkeep the logs"
    )
    items: list[Message | Call] = [msg(1, "prompt", "clean up"), call(2, "a"), call(3, "b", status="rejected")]
    items += [msg(4, "rejection", harness)]  # no tool_use_id: the last call before it
    [found] = find_corrections(session(items))
    assert (found.text, found.corrected_call_ids) == ("keep the logs", ("b",))


def test_a_rejection_in_a_subagent_counts_with_the_subagents_call() -> None:
    sub: list[Message | Call] = [msg(3, "task_prompt", "do x", ctx=SUB), call(4, "w", ctx=SUB, status="rejected")]
    sub += [msg(5, "rejection", None, ctx=SUB, tool_use_id="w")]
    [found] = find_corrections(session([msg(1, "prompt", "go"), call(2, "task")], sub))
    assert (found.kind, found.ref.context_id, found.corrected_call_ids) == ("rejection", SUB, ("w",))


def test_an_interrupt_with_a_tool_use_id() -> None:
    items: list[Message | Call] = [msg(1, "prompt", "go"), call(2, "a"), call(3, "b", status="interrupted")]
    items += [msg(4, "interrupt", "[Request interrupted by user for tool use]", tool_use_id="b")]
    [found] = find_corrections(session(items))
    assert (found.kind, found.pattern, found.confidence, found.corrected_call_ids) == ("interrupt", None, 0.75, ("b",))


def test_an_interrupt_without_a_tool_use_id_names_the_interrupted_turns_calls() -> None:
    items: list[Message | Call] = [msg(1, "prompt", "go"), call(2, "a"), msg(3, "prompt", "more")]
    items += [call(4, "b"), call(5, "c"), msg(6, "interrupt", "[Request interrupted by user]")]
    [found] = find_corrections(session(items))
    assert (found.text, found.corrected_call_ids) == ("[Request interrupted by user]", ("b", "c"))


def test_a_tool_use_interrupt_names_the_calls_the_person_stopped() -> None:
    items: list[Message | Call] = [msg(1, "prompt", "go"), call(2, "a"), call(3, "b", status="interrupted")]
    items += [msg(4, "interrupt", "[Request interrupted by user for tool use]")]
    [found] = find_corrections(session(items))
    assert found.corrected_call_ids == ("b",)


def test_a_rejection_then_its_interrupt_both_count_with_the_rejected_calls() -> None:
    items: list[Message | Call] = [msg(1, "prompt", "go"), call(2, "ok1"), call(3, "r1", status="rejected")]
    items += [call(4, "r2", status="rejected"), msg(5, "rejection", None, tool_use_id="r1")]
    items += [msg(6, "rejection", None, tool_use_id="r2")]
    items += [msg(7, "interrupt", "[Request interrupted by user for tool use]")]
    found = find_corrections(session(items))
    assert [(c.kind, c.corrected_call_ids) for c in found] == [
        ("rejection", ("r1",)),
        ("rejection", ("r2",)),
        ("interrupt", ("r1", "r2")),
    ]


def test_corrections_come_in_time_order_across_contexts() -> None:
    main: list[Message | Call] = [msg(1, "prompt", "go"), call(2, "t"), msg(20, "prompt", "that's wrong")]
    sub: list[Message | Call] = [call(5, "w", ctx=SUB, status="rejected")]
    sub += [
        msg(6, "rejection", None, ctx=SUB, tool_use_id="w"),
        msg(7, "interrupt", "[Request interrupted by user]", ctx=SUB),
    ]
    found = find_corrections(session(main, sub))
    assert [(c.kind, c.ref.seq) for c in found] == [("rejection", 6), ("interrupt", 7), ("typed", 20)]


# ----------------------------------------------------------------------------- engagement


def test_engagement_counts_main_prompts_over_all_calls() -> None:
    main: list[Message | Call] = [msg(1, "prompt", "go"), call(2, "a"), call(3, "b"), msg(4, "prompt", "more")]
    main += [msg(5, "command", "/compact"), msg(6, "compaction_summary", "summary"), call(7, "c")]
    sub: list[Message | Call] = [msg(8, "task_prompt", "x", ctx=SUB), call(9, "d", ctx=SUB), call(10, "e", ctx=SUB)]
    assert engagement(session(main, sub)) == (2, 5, 0.4)


def test_engagement_without_calls_has_no_rate() -> None:
    assert engagement(session([msg(1, "prompt", "hi")])) == (1, 0, None)
    assert engagement(SessionInput("empty")) == (0, 0, None)


# ----------------------------------------------------------------------------- through the parser


def test_kinds_from_a_real_transcript(tmp_path: Path) -> None:
    t = TranscriptBuilder()
    t.prompt("Fix the parser")
    edit = t.tool_use("Edit", {"file_path": "/p/a.py", "old_string": "a", "new_string": "b"})
    t.tool_result(edit, "done", is_error=False)
    t.prompt("<system-reminder>no, that's wrong</system-reminder>")
    t.prompt("no, that's wrong", isCompactSummary=True)
    t.prompt("<command-name>/review</command-name><command-args>no, that's wrong</command-args>")
    rm = t.tool_use("Bash", {"command": "rm -rf build"})
    t.tool_result(
        rm,
        "The user doesn't want to proceed with this tool use. The tool use was rejected. "
        "To tell you how to proceed, the user said:\nkeep the build folder",
        is_error=True,
        tool_use_result="User rejected tool use",
    )
    t.prompt("<ide_opened_file>The user opened a.py</ide_opened_file>that broke the tests")
    db = tmp_path / "db.sqlite"
    run_ingest(db, t.write(tmp_path / "projects" / "-p" / f"{t.session_id}.jsonl"))
    conn = open_store(db)
    try:
        [loaded] = load_sessions(conn, [t.session_id])
    finally:
        conn.close()
    found = find_corrections(loaded)
    assert [(c.kind, c.text, c.pattern, c.corrected_call_ids) for c in found] == [
        ("rejection", "keep the build folder", None, (rm,)),
        ("typed", "that broke the tests", "that-broke", ()),
    ]
    assert engagement(loaded) == (2, 2, 1.0)


# ----------------------------------------------------------------------------- the spotter corpus

# Every typed prompt, rejection and interrupt of the corpus was read. The one typed correction:
# "scrolling back in xterm.js still does not work ..." (the agent's earlier fix did not work).
# Not corrections: the five first prompts of their sessions ("Implement spotter-gqc", "Work on
# bead ...", "mix phx.server doesnt seem to start", "start phoenix in background"), "continue",
# "continue implementation", "continue until all are done" (go-aheads), "create the beads" (the
# go-ahead after the person interrupted a plan), "did you push?" (a check that blames nothing).
CORPUS_TYPED = {("d6e0bada-1959-4eec-a9d2-0bfade768d8f", 26): "still-failing"}
CORPUS_REJECTIONS = {
    ("258c7280-ae70-4798-800f-63464d01a85d", 494): ("toolu_011NXYeWWxrZPLNNT8pFAZPi",),
    ("55604662-cf2a-4331-851a-ec234028f8ca", 11): ("toolu_0116Hyi5v8ut7Ffb7d8qV1Sc",),
    ("55604662-cf2a-4331-851a-ec234028f8ca", 12): ("toolu_01FdQ8qTyVyZjE3Kw4dguQGx",),
}
CORPUS_INTERRUPTS = {
    ("258c7280-ae70-4798-800f-63464d01a85d", 495): ("toolu_011NXYeWWxrZPLNNT8pFAZPi",),
    ("491e126e-1e71-469c-ade2-fcc8af567c74", 69): (
        "toolu_01PPH5xRopN6EKFruBKc1giM",
        "toolu_01DgymFTXTDEthJ9vJBG4n59",
        "toolu_01MumzJGYTo26Ds3LsuSkd5Z",
        "toolu_01CkmsUg9TVXxxnkGnRKFVNk",
        "toolu_014agb5uL5BwdxcLJpnS4JUd",
        "toolu_01EcCBzhKAPi47WXHsQkEv32",
        "toolu_01RsKEmE8Mc3wD8Vex5b6Zne",
        "toolu_01Cz2Pnv7qNcnK1ZiocxWhQX",
        "toolu_01K3VJ686txYhQVcAH8FETHo",
        "toolu_01ADkZx631DtfWJKXE19LZLP",
    ),
    ("55604662-cf2a-4331-851a-ec234028f8ca", 13): ("toolu_0116Hyi5v8ut7Ffb7d8qV1Sc", "toolu_01FdQ8qTyVyZjE3Kw4dguQGx"),
    ("d6e0bada-1959-4eec-a9d2-0bfade768d8f", 18): ("toolu_018GZVh9ymkrdx1TnR8reg5Y", "toolu_01FZ9TWbiy1LPzHm1AAyUazo"),
    ("d6e0bada-1959-4eec-a9d2-0bfade768d8f", 39): (
        "toolu_01DKTWcKpZ2ksZQmoKKfxiw6",
        "toolu_01JJds55jYrYwd9TktNGndRY",
        "toolu_01VpPeBD2ziigLLpybShAGoU",
        "toolu_017Q5Sr8KaSgowYhbKXBnfV2",
    ),
}
_KIND_OF_CORRECTION = {"typed": "prompt", "rejection": "rejection", "interrupt": "interrupt"}


@pytest.mark.corpus
def test_corpus_corrections_match_the_reading(corpus_sessions: list[SessionInput]) -> None:
    typed: dict[tuple[str, int], str | None] = {}
    rejections: dict[tuple[str, int], tuple[str, ...]] = {}
    interrupts: dict[tuple[str, int], tuple[str, ...]] = {}
    for loaded in corpus_sessions:
        messages = {(m.context_id, m.uuid): m for m in loaded.messages()}
        main_id = loaded.main.id if loaded.main is not None else None
        for found in find_corrections(loaded):
            message = messages[(found.ref.context_id, found.ref.message_uuid or "")]
            assert message.kind == _KIND_OF_CORRECTION[found.kind], found
            key = (found.ref.context_id, found.ref.seq)
            if found.kind == "typed":
                assert found.ref.context_id == main_id
                typed[key] = found.pattern
            elif found.kind == "rejection":
                rejections[key] = found.corrected_call_ids
            else:
                interrupts[key] = found.corrected_call_ids
    assert typed == CORPUS_TYPED
    assert rejections == CORPUS_REJECTIONS
    assert interrupts == CORPUS_INTERRUPTS


@pytest.mark.corpus
def test_corpus_engagement(corpus_sessions: list[SessionInput]) -> None:
    figures = {s.id[:8]: engagement(s)[:2] for s in corpus_sessions}
    assert figures == {
        "258c7280": (2, 188),
        "491e126e": (1, 16),
        "4d5611e5": (2, 183),
        "55604662": (1, 2),
        "6c2214d7": (0, 48),
        "8463c716": (1, 196),
        "ae4a77f8": (2, 254),
        "d6e0bada": (2, 6),
        "fa812bfe": (2, 243),
    }
    assert sum(p for p, _ in figures.values()) == 13
    assert sum(c for _, c in figures.values()) == 1136
