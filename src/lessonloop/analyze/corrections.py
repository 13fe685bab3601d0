"""The person's corrections of the agent, with the tool calls they correct; engagement rate.

A correction is something the person did or typed to tell the agent it went wrong:

* **rejection** — the person rejected a tool call in the permission prompt (a message of kind
  `rejection`, in any context). Its text is the reason the person typed when there is one,
  else the harness text. Corrected call: the rejected call (the message's `tool_use_id`), or
  the last call before it in that context when the id is missing. Confidence 0.95.
* **interrupt** — the person stopped the agent (`[Request interrupted by user]`, or `... for
  tool use`; kind `interrupt`, any context). Corrected calls: its `tool_use_id` when set; for a
  "for tool use" interrupt, the calls the person stopped (the trailing run of rejected or
  interrupted calls since the previous prompt, interrupt or slash command); otherwise the calls
  the agent made in that context since the previous person message (prompt, rejection,
  interrupt or slash command: what ends the agent's turn), at most the last 10. Confidence 0.75: an interrupt may be a change of mind rather than a mistake.
  A rejection is usually followed by a "for tool use" interrupt naming the same call: both
  count, each with its own evidence.
* **typed** — a typed prompt (kind `prompt`) of the MAIN context, not the session's first
  prompt, whose opening matches a correction phrase (`is_correction`). Corrected calls: the
  calls the agent made in the main context since the previous person message (prompt,
  rejection, interrupt or slash command), oldest first, at most the last 10; empty when that
  turn made none.

Only the person's own words count. Never compaction summaries, slash commands and their
output, system reminders, task notifications, meta texts, a subagent's task prompt (written by
the parent agent), assistant texts or tool results.

Phrase matching (`is_correction`) is case-insensitive, in English (the table below) and, with
patterns of the same meanings, French, German, Spanish, Portuguese, Italian, Dutch, Russian,
Chinese and Japanese (analyze/correction_languages.py: "non, utilise pnpm", "nein, nimm pnpm",
"不对，应该用 pnpm"). Harness wrappers inside a prompt (`<system-reminder>`, `<ide_opened_file>`,
`<ide_selection>` and other `<tag-name>` / `<tag_name>` blocks), `[Image #1]` / `[Pasted text #1
…]` placeholders, fenced code blocks and `>` quoted lines are dropped first. Only the head of
the prompt is read: its first two sentences, at most 400 characters — an instruction deep
inside a long task description ("don't forget to run the tests") is not a correction. A phrase in the second sentence counts
at 0.85 times its confidence. Some patterns must open a sentence (after fillers such as "ok,",
"hmm,", "please"); the others may appear anywhere in the head:

| pattern             | examples                                                        | conf |
|---------------------|-----------------------------------------------------------------|------|
| negation            | "no", "no, …", "nope", "no that's …", "no the file is …" (opens) | 0.90 |
| wrong               | "wrong", "not quite", "that's wrong", "this is not right", "not what I asked", "you misunderstood" | 0.90 |
| you-forgot          | "you forgot", "you missed", "you didn't", "you skipped", "you ignored" | 0.85 |
|                     | "did you forget …?"                                             | 0.70 |
| dont-use-x-use-y    | "don't use X, use Y"                                            | 0.90 |
|                     | "don't use X" (opens)                                           | 0.75 |
| dont-do-that        | "don't do that" (opens)                                         | 0.85 |
|                     | "don't change/touch/modify/edit/delete/remove …" (opens)        | 0.70 |
| should-be-x-not-y   | "should be X, not Y", "should use X not Y"                      | 0.85 |
| should-have         | "you should have run …", "should've used …"                     | 0.75 |
| instead             | "use X instead", "instead of X, use Y"                          | 0.80 |
|                     | "instead, …" (opens), "actually, use X"                         | 0.75 |
| revert              | "revert that", "undo", "roll back", "put it back", "change it back" | 0.85 |
| that-broke          | "that broke …", "you broke", "this breaks …"                    | 0.90 |
|                     | "it's broken now", "now it fails"                               | 0.80 |
| didnt-work          | "that didn't work", "it doesn't work" (opens)                   | 0.80 |
| still-failing       | "still fails", "still failing", "still does not work", "still see the error" | 0.85 |
| i-said              | "I said …", "I told you", "as I mentioned", "I asked you to …"   | 0.75 |
| stop                | "stop", "stop that", "stop doing …" (opens; not "stop the server") | 0.85 |
| why-did-you         | "why did you …", "why would you …", "why are you …"             | 0.70 |
| wait                | "wait,", "hold on", "hang on" (opens; not "wait for …")         | 0.60 |

Not corrections: "no problem", "no worries", "no need to …", "not bad", words merely
containing "no" ("know", "nothing"), questions that do not blame ("is there no test for
this?", "did you push?"), "don't forget to …", "stop the server", "wait for the build".

Engagement: (typed prompts of the main context, tool calls of all contexts, rate = prompts /
calls, or None when there are no calls).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from lessonloop.analyze.correction_languages import OTHER_LANGUAGE_FILLERS, OTHER_LANGUAGES
from lessonloop.analyze.correction_phrase import CLAUSE as _CLAUSE
from lessonloop.analyze.correction_phrase import Phrase as _Phrase
from lessonloop.analyze.correction_phrase import anywhere as _anywhere
from lessonloop.analyze.correction_phrase import opens as _opens
from lessonloop.analyze.inputs import Call, Context, Message, Ref, SessionInput

CorrectionKind = Literal["typed", "rejection", "interrupt"]

MAX_TEXT_CHARS = 2000
MAX_CORRECTED_CALLS = 10
REJECTION_CONFIDENCE = 0.95
INTERRUPT_CONFIDENCE = 0.75
LATER_SENTENCE_FACTOR = 0.85
HEAD_SENTENCES = 2
HEAD_CHARS = 400

# Messages that end the agent's turn: the person typed, rejected, interrupted or ran a slash command.
TURN_BOUNDARY_KINDS = frozenset({"prompt", "rejection", "interrupt", "command"})
_TURN_START_KINDS = frozenset({"prompt", "interrupt", "command"})  # rejections stay inside the run they stop
_STOPPED_STATUSES = frozenset({"rejected", "interrupted"})
_TOOL_USE_INTERRUPT = "[request interrupted by user for tool use"
REJECTION_TEXT = "The user rejected this tool use."  # a rejection without the person's words
_USER_SAID = re.compile(r"the user said:", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Correction:
    """One correction of the agent by the person, with the calls it corrects."""

    kind: CorrectionKind
    ref: Ref
    ts: str | None
    text: str
    pattern: str | None
    corrected_call_ids: tuple[str, ...]
    confidence: float

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "text": self.text,
            "pattern": self.pattern,
            "session_id": self.ref.context_id,
            "line": self.ref.seq,
            "message_uuid": self.ref.message_uuid,
            "ts": self.ts,
            "corrected_tool_use_ids": list(self.corrected_call_ids),
            "confidence": self.confidence,
        }


# ----------------------------------------------------------------------------- phrase patterns


_END = r"(?:\s*[,.!:;\u2014\u2013]|\s+-+\s|\s*$)"  # punctuation or the end of the sentence
_DONT = r"(?:don't|dont|do not)"
_BE = r"(?:'s|'re|s|re|\s+is|\s+was|\s+are|\s+were)"  # that's / thats / that is / you're ...

_PHRASES: tuple[_Phrase, ...] = (
    _opens(
        "negation",
        r"(?:no+|nope|nah)(?:" + _END + r"|\s+(?:that|that's|thats|this|it|it's|its|you|your|i|we|"
        r"don't|dont|do not|not|wait|stop|the|wrong|actually|please|just|use|instead)\b)",
        0.9,
    ),
    _opens("wrong", r"(?:wrong|incorrect|not (?:quite|correct|really|exactly|that|this|it)\b|not right(?! now))", 0.9),
    _anywhere(
        "wrong",
        r"\b(?:that|this|it|you)" + _BE + r"\s+(?:(?:still|all|completely|totally|just|definitely|clearly)\s+)?"
        r"(?:wrong|incorrect|not\s+(?:right|correct|it\b|what\s+i))",
        0.9,
    ),
    _anywhere("wrong", r"\bnot what i (?:asked|wanted|meant|said|requested|need)", 0.9),
    _anywhere("wrong", r"\byou(?:'ve| have)?\s+(?:got (?:it|this|that) wrong|misunderstood|misread)\b", 0.9),
    _anywhere(
        "you-forgot",
        r"(?<!if )(?<!when )(?<!unless )\byou(?:\s+(?:also|still|just|completely|clearly))?\s+"
        r"(?:forgot|forgotten|missed|didn't|didnt|did not|haven't|havent|have not|never|left out|"
        r"skipped|ignored|overlooked|omitted|failed to)\b",
        0.85,
    ),
    _anywhere("you-forgot", r"\bdid you (?:forget|miss|skip)\b", 0.7),
    _anywhere(
        "dont-use-x-use-y", r"\b" + _DONT + r"\s+use\s+" + _CLAUSE + r"[,:\u2014-]?\s+(?:use|instead|rather)\b", 0.9
    ),
    _opens("dont-use-x-use-y", _DONT + r"\s+use\b", 0.75),
    _opens("dont-do-that", _DONT + r"\s+do\s+(?:that|this|it)\b", 0.85),
    _opens("dont-do-that", _DONT + r"\s+(?:ever\s+)?(?:change|touch|modify|edit|delete|remove)\b", 0.7),
    _anywhere(
        "should-be-x-not-y",
        r"\bshould(?:n't| not)?\s+(?:be|have been|use|say|read|return|go|point|call|live|stay)\b"
        + _CLAUSE
        + r"[,;]?\s+not\s+\S",
        0.85,
    ),
    _anywhere(
        "should-have",
        r"\bshould(?:'ve|\s+have)\s+(?:used|been|done|run|asked|checked|kept|left|read|called|tested|created|written)\b",
        0.75,
    ),
    _anywhere("instead", r"\buse\s+" + _CLAUSE + r"\s+instead\b", 0.8),
    _anywhere("instead", r"\binstead of\s+" + _CLAUSE + r",?\s+(?:use|do|try|call|just)\b", 0.8),
    _opens("instead", r"instead\b", 0.75),
    _opens(
        "revert",
        r"(?:revert|undo|roll\s*back|rollback|put (?:it|that|them|this) back|change (?:it|that|this) back|"
        r"restore (?:it|that|this|the (?:original|previous|old))|"
        r"go back to (?:the )?(?:previous|original|old|what))\b",
        0.85,
    ),
    _anywhere(
        "revert",
        r"\b(?:revert|undo|roll\s*back)\s+(?:that|this|it|those|these|your|what you|everything|all|"
        r"the (?:last |previous )?(?:change|changes|edit|edits|commit|commits))\b|\bchange (?:it|that|this) back\b",
        0.85,
    ),
    _anywhere(
        "that-broke",
        r"\b(?:that|this|it|you|your (?:change|changes|edit|edits|fix|commit|refactor(?:ing)?|code)|"
        r"the (?:change|changes|edit|fix|refactor(?:ing)?))\s+(?:just\s+|has\s+|have\s+)?(?:broke|broken|breaks)\b",
        0.9,
    ),
    _anywhere(
        "that-broke",
        r"\bbroken now\b|\bnow\s+(?:it|this|that|everything|the \w+)\s+"
        r"(?:is\s+broken|fails|crashes|doesn't work|does not work)\b",
        0.8,
    ),
    _opens(
        "didnt-work",
        r"(?:it|this|that)\s+(?:still\s+)?(?:doesn't|doesnt|does not|didn't|didnt|did not)\s+(?:work|help|fix)\b",
        0.8,
    ),
    _anywhere(
        "still-failing",
        r"\bstill\s+(?:fail(?:s|ing|ed)?|doesn't|doesnt|does not|didn't|didnt|did not|isn't|isnt|is not|"
        r"aren't|are not|won't|broken|crash(?:es|ing)?|error(?:s|ing)?|the same|happening|seeing|see|"
        r"shows?|showing|getting|hangs?|hanging|red|times out|timing out|"
        r"(?:don't|dont|do not)(?!\s+(?:understand|know)\b)|not(?!\s+(?:sure|certain|convinced)\b))\b",
        0.85,
    ),
    _anywhere(
        "i-said",
        r"\b(?:i (?:already )?(?:said|told you)|as i (?:said|mentioned|asked)|i asked (?:you )?(?:to|for|not))\b",
        0.75,
    ),
    _opens(
        "stop",
        r"stop(?:" + _END + r"|\s+(?:it|that|this|doing|trying|making|adding|changing|using|editing|"
        r"running|writing|creating|deleting|removing|there|now|please|and)\b)",
        0.85,
    ),
    _anywhere("why-did-you", r"\bwhy (?:did|would|are|were|have) you\b", 0.7),
    _opens(
        "wait",
        r"(?:wait|hold on|hang on)(?:" + _END + r"|\s+(?:a (?:sec|second|minute)|what|no|why|that|this|stop|don't)\b)",
        0.6,
    ),
    # "actually, use pnpm": the filler word opens the correction here
    _anywhere(
        "instead",
        r"\bactually,?\s+(?:use|run|call|it's|its|it should|that's|thats|we (?:use|need)|you (?:should|need))\b",
        0.75,
    ),
    *OTHER_LANGUAGES,
)

_HARNESS_BLOCK = re.compile(r"<([a-z]+[-_][a-z_-]+)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_HARNESS_TAG = re.compile(r"</?[a-z]+[-_][a-z_-]+\b[^>]*>", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\[(?:Image|Pasted text|Pasted image)\b[^\]]*\]", re.IGNORECASE)
_FENCED = re.compile(r"```.*?(?:```|\Z)", re.DOTALL)
_QUOTED_LINE = re.compile(r"^\s*>.*$", re.MULTILINE)
# A sentence ends at . ! ? ; and a space, a new line, or a full-width mark (Chinese, Japanese: no space after).
_SENTENCE_BREAK = re.compile(r"(?<=[.!?;])\s+|\s*\n+\s*|(?<=[\u3002\uff01\uff1f\uff1b])\s*")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_FILLER = re.compile(
    r"^(?:(?:hmm+|hm+|ok(?:ay)?|ah+|oh+|ugh+|well|sorry|please|so|but|and|um+|uh+|actually|hey|"
    + OTHER_LANGUAGE_FILLERS
    + r")\b[,.!\u3001\uff0c]?\s*)+"
)
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "`": ""})


def person_text(text: str) -> str:
    """A prompt's text without harness wrappers and attachment placeholders."""
    text = _HARNESS_BLOCK.sub(" ", text)
    text = _HARNESS_TAG.sub(" ", text)
    return _PLACEHOLDER.sub(" ", text).strip()


def _head(text: str) -> list[str]:
    """The first sentences of a prompt, lower-cased, without code blocks and quoted lines."""
    text = _FENCED.sub(" ", person_text(text))
    text = _QUOTED_LINE.sub(" ", text).translate(_QUOTES).lower()
    sentences: list[str] = []
    budget = HEAD_CHARS
    for raw in _SENTENCE_BREAK.split(text):
        sentence = _SPACES.sub(" ", raw).strip().strip("\"'*_ ")
        if not sentence:
            continue
        sentences.append(sentence[:budget])
        budget -= len(sentence)
        if len(sentences) == HEAD_SENTENCES or budget <= 0:
            break
    return sentences


def _match(phrase: _Phrase, sentence: str) -> bool:
    if phrase.opens:
        return phrase.regex.match(_FILLER.sub("", sentence)) is not None
    return phrase.regex.search(sentence) is not None


def is_correction(text: str) -> tuple[str, float] | None:
    """The strongest correction phrase in a typed prompt's head: (pattern id, confidence), or None."""
    best: tuple[str, float] | None = None
    for index, sentence in enumerate(_head(text)):
        factor = 1.0 if index == 0 else LATER_SENTENCE_FACTOR
        for phrase in _PHRASES:
            confidence = round(phrase.confidence * factor, 2)
            if (best is None or confidence > best[1]) and _match(phrase, sentence):
                best = (phrase.id, confidence)
    return best


# ----------------------------------------------------------------------------- corrections


def _calls_between(context: Context, after: int, before: int) -> list[Call]:
    return [call for call in context.calls if after < call.seq < before]


def _previous_seq(context: Context, message: Message, kinds: frozenset[str]) -> int:
    """The line of the last message of `kinds` before `message` in its context, or -1."""
    seq = -1
    for other in context.messages:
        if other.seq >= message.seq:
            break
        if other.kind in kinds:
            seq = other.seq
    return seq


def _last_ids(calls: Sequence[Call]) -> tuple[str, ...]:
    return tuple(call.id for call in calls[-MAX_CORRECTED_CALLS:])


def _turn_call_ids(context: Context, message: Message) -> tuple[str, ...]:
    """The calls made in `context` since the agent's turn began, oldest first (the last 10)."""
    return _last_ids(_calls_between(context, _previous_seq(context, message, TURN_BOUNDARY_KINDS), message.seq))


def _stopped_call_ids(context: Context, message: Message) -> tuple[str, ...]:
    """The trailing run of rejected or interrupted calls since the previous prompt/interrupt/command."""
    start = _previous_seq(context, message, _TURN_START_KINDS)
    stopped: list[Call] = []
    for call in reversed(_calls_between(context, start, message.seq)):
        if call.status not in _STOPPED_STATUSES:
            break
        stopped.append(call)
    return _last_ids(stopped[::-1])


def _rejection_text(text: str | None) -> str:
    if not text or not text.strip():
        return REJECTION_TEXT
    said = _USER_SAID.split(text, maxsplit=1)
    reason = said[1].strip() if len(said) == 2 else ""
    return (reason or text.strip())[:MAX_TEXT_CHARS]


def _rejection(context: Context, message: Message) -> Correction:
    if message.tool_use_id:
        ids: tuple[str, ...] = (message.tool_use_id,)
    else:
        ids = tuple(call.id for call in _calls_between(context, -1, message.seq)[-1:])
    return Correction(
        "rejection", message.ref, message.ts, _rejection_text(message.text), None, ids, REJECTION_CONFIDENCE
    )


def _interrupt(context: Context, message: Message) -> Correction:
    text = (message.text or "").strip()
    ids: tuple[str, ...] = ()
    if message.tool_use_id:
        ids = (message.tool_use_id,)
    elif text.lower().startswith(_TOOL_USE_INTERRUPT):
        ids = _stopped_call_ids(context, message)
    if not ids:
        ids = _turn_call_ids(context, message)
    return Correction("interrupt", message.ref, message.ts, text[:MAX_TEXT_CHARS], None, ids, INTERRUPT_CONFIDENCE)


def _typed(context: Context) -> list[Correction]:
    prompts = [m for m in context.messages if m.kind == "prompt"]
    found: list[Correction] = []
    for message in prompts[1:]:
        match = is_correction(message.text or "")
        if match is None:
            continue
        text = person_text(message.text or "")[:MAX_TEXT_CHARS]
        ids = _turn_call_ids(context, message)
        found.append(Correction("typed", message.ref, message.ts, text, match[0], ids, match[1]))
    return found


def find_corrections(session: SessionInput) -> list[Correction]:
    """The person's corrections in a session: rejections, interrupts, correcting typed prompts."""
    found: list[tuple[int, Correction]] = []
    for order, context in enumerate(session.contexts):
        if order == 0:
            found.extend((order, c) for c in _typed(context))
        for message in context.messages:
            if message.kind == "rejection":
                found.append((order, _rejection(context, message)))
            elif message.kind == "interrupt":
                found.append((order, _interrupt(context, message)))
    found.sort(key=lambda item: (item[1].ts or "", item[0], item[1].ref.seq))
    return [correction for _, correction in found]


def engagement(session: SessionInput) -> tuple[int, int, float | None]:
    """(typed prompts in the main context, tool calls of all contexts, prompts / calls or None)."""
    main = session.main
    prompts = sum(1 for m in main.messages if m.kind == "prompt") if main is not None else 0
    calls = sum(len(context.calls) for context in session.contexts)
    return prompts, calls, (prompts / calls if calls else None)
