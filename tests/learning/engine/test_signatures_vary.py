"""Signatures ignore what an error quotes of the call that varies per call (issue 83, item 3): a
character or byte it names, a long quoted text; a short quoted word still tells errors apart."""

from __future__ import annotations

from lessonloop.learning.engine.signatures import error_signature


def test_a_quoted_character_or_byte_is_the_same_error() -> None:
    one = error_signature(
        "shell", "UnicodeEncodeError: 'charmap' codec can't encode character '\\U0001f4cb' in position 5"
    )
    two = error_signature(
        "shell", "UnicodeEncodeError: 'charmap' codec can't encode character '\\U0001f6a8' in position 9"
    )
    assert one == two
    assert error_signature("shell", "can't decode byte 0x8f in position 1") == error_signature(
        "shell", "can't decode byte 0x90 in position 7"
    )


def test_a_long_quoted_text_is_the_same_error_and_a_short_word_tells_errors_apart() -> None:
    first = 'error: failed to parse arguments: Error("invalid type: string \\"Get-CimInstance Win32_Process | Select-Object ProcessId\\", expected a sequence") in \'AgentCommand\''
    second = 'error: failed to parse arguments: Error("invalid type: string \\"Get-ChildItem -Recurse -Filter *.md | Measure-Object -Line\\", expected a sequence") in \'AgentCommand\''
    assert error_signature("shell", first) == error_signature("shell", second)
    assert "AgentCommand" in error_signature("shell", first)  # short: kept
    assert error_signature("shell", "error: unexpected argument '--colour' found") != error_signature(
        "shell", "error: unexpected argument '--color' found"
    )
