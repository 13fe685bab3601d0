"""A correction phrase (analyze/corrections.py): a pattern of a typed prompt's head that says the
agent went wrong, with its confidence, and whether it must open a sentence."""

from __future__ import annotations

from dataclasses import dataclass

from lessonloop.core.lazy_regex import LazyRegex

# A clause between two words of a phrase ("use X instead"): a few words, within the sentence.
CLAUSE = r"[^.?!;\n]{1,80}?"


@dataclass(frozen=True, slots=True)
class Phrase:
    id: str
    regex: LazyRegex
    confidence: float
    opens: bool  # must open a sentence (after fillers such as "ok," or "alors,")


def opens(pattern_id: str, regex: str, confidence: float) -> Phrase:
    return Phrase(pattern_id, LazyRegex(regex), confidence, opens=True)


def anywhere(pattern_id: str, regex: str, confidence: float) -> Phrase:
    return Phrase(pattern_id, LazyRegex(regex), confidence, opens=False)
