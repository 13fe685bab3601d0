"""Text garbled by a read in the wrong encoding (analyze/garbled_text.py): found by decoding what
the code page showed back to UTF-8, so text of any language that is not garbled is never taken
for it."""

from __future__ import annotations

import pytest

from lessonloop.analyze.garbled_text import REPLACEMENT, garbled_lines, garbled_run


def _as_ansi(text: str) -> str:
    """`text` as a read in Windows-1252 shows its UTF-8 bytes (what Windows PowerShell's
    Get-Content does without -Encoding utf8)."""
    return text.encode("utf-8").decode("cp1252", errors="replace")


@pytest.mark.parametrize("real", ["“quoted”", "a • b", "✅ done", "🔒 Privacy", "café", "naïve — dash", "°C", "日本"])
def test_a_character_read_in_the_wrong_encoding_is_found(real: str) -> None:
    garbled = _as_ansi(real)
    assert garbled != real
    run = garbled_run(f"  <div>{garbled}</div>")
    assert run is not None and run in garbled
    assert run.encode("cp1252").decode("utf-8") in real  # the run is one of the real characters, garbled


@pytest.mark.parametrize(
    "text",
    [
        "café résumé", "São Paulo", "Größe smörgåsbord", "ÅÄÖ åäö", "Łódź", "Ωμέγα", "日本語", "→ arrow",
        "« guillemets »", "° degrees ±", "“quotes” — and \u2018single\u2019 …", "español ñ Ñandú", "Ã alone", "plain ascii",
    ],
)  # fmt: skip
def test_text_that_is_not_garbled_is_not_taken_for_it(text: str) -> None:
    assert garbled_run(text) is None


def test_a_lost_character_and_what_is_not_text() -> None:
    assert garbled_run('<span className="text-lg">dY"\ufffd</span>') == REPLACEMENT
    assert garbled_run(None) is None and garbled_run(42) is None and garbled_run("") is None
    # the lines that hold one, as a patch's context is read
    assert garbled_lines("ok\n- â€œJoin the Labâ€\x9d pipeline\nfine") == ["- â€œJoin the Labâ€\x9d pipeline"]
