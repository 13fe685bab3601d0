"""Replay and the PreToolUse hook decide the same on every call of every shared corpus (issue 40,
item 1): both call the one decision (lesson_model/decision.py), fed from memory by replay and
from the store by the hook (tests/decision_agreement.py says how each call is compared)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lessonloop.apply.hooks.pre_tool import Spoken, _fired
from lessonloop.lesson_model import decision as one
from tests.conftest import SHARED_CORPUS, run_ingest
from tests.decision_agreement import disagreements

# Every transcript corpus of ../shared/corpus (git/ holds repository bundles); codex/zo-qore, the
# largest (330 sessions), runs too: it is the one with the most lessons that speak.
CORPORA = (
    "claude-code/spotter",
    "claude-code/codemie",
    "codex/codemie",
    "codex/zo-qore",
    "codex/parking-lot",
    "gemini/codemie",
    "opencode/codemie",
    "aider/aider-dev",
)


@pytest.mark.parametrize("corpus", CORPORA)
def test_replay_and_the_hook_decide_the_same_on_every_call(corpus: str, tmp_path: Path) -> None:
    folder = SHARED_CORPUS / corpus
    if not folder.is_dir():
        pytest.skip(f"corpus {corpus} not found at {folder} (the ../shared folder is absent)")
    copy = tmp_path / "corpus"
    shutil.copytree(folder, copy)
    db = tmp_path / "store" / "lessonloop.db"
    run_ingest(db, copy)
    found = disagreements(db)
    assert found.calls > 0
    assert found.differences == [], f"{len(found.differences)} of {found.calls} calls:\n" + "\n".join(
        found.differences[:20]
    )


def test_the_comparison_sees_a_difference(tmp_path: Path) -> None:
    """The check can fail: a hook that leaves out one lesson it should give is one difference per
    call that lesson speaks on."""
    folder = SHARED_CORPUS / "claude-code" / "spotter"
    if not folder.is_dir():
        pytest.skip(f"corpus not found at {folder} (the ../shared folder is absent)")
    db = tmp_path / "store" / "lessonloop.db"
    run_ingest(db, folder)
    import lessonloop.apply.hooks.pre_tool as pre_tool

    def dropping(*args: object, **kwargs: object) -> list[Spoken]:
        return _fired(*args, **kwargs)[1:]  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("tests.decision_agreement._fired", dropping)
        found = disagreements(db)
    assert pre_tool._fired is _fired
    assert found.spoke > 0
    assert len(found.differences) == found.spoke


def test_rules_ask_and_block_by_confidence_and_origin() -> None:
    rules = one.Rules(ask=True, block=True)
    assert one.action_for(0.96, "learned", rules) == one.BLOCK
    assert one.action_for(0.96, "team", rules) == one.ASK  # another's lesson never denies
    assert one.action_for(0.8, "learned", rules) == one.ASK
    assert one.action_for(0.5, "learned", rules) == one.WARN
    assert one.action_for(0.99, "learned", one.Rules()) == one.WARN
