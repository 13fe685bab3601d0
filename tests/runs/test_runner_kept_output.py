"""The output a run keeps for its failure report (runner/kept_output.py): bounded whatever the
output's length, the first error match's surroundings kept however long the run goes on after it,
and the end of the output always."""

from __future__ import annotations

from lessonloop.runs.runner.kept_output import AFTER, TAIL, KeptOutput


def test_without_a_match_the_end_of_the_output_is_kept() -> None:
    kept = KeptOutput()
    for number in range(20000):
        kept.add(b"line %d\n" % number)
    text = kept.text()
    assert len(text) == TAIL and text.endswith(b"line 19999\n")


def test_the_first_match_s_surroundings_and_the_end_are_kept() -> None:
    kept = KeptOutput()
    kept.add(b"collecting\ntests/x.py::test_a FAILED\n")
    kept.mark()
    kept.add(b"    detail of test_a\n")
    kept.mark()  # a later match changes nothing
    for number in range(30000):
        kept.add(b"filler %05d\n" % number)
    kept.add(b"=== short test summary info ===\nFAILED tests/x.py::test_a - boom\n")
    text = kept.text()
    assert text.startswith(b"collecting\ntests/x.py::test_a FAILED\n    detail of test_a\nfiller 00000\n")
    assert text.endswith(b"FAILED tests/x.py::test_a - boom\n")
    assert len(text) <= len(b"collecting\ntests/x.py::test_a FAILED\n") + AFTER + 1 + TAIL


def test_a_short_output_is_kept_once() -> None:
    kept = KeptOutput()
    kept.add(b"a\nFAIL x\n")
    kept.mark()
    kept.add(b"b\n")
    assert kept.text() == b"a\nFAIL x\nb\n"
