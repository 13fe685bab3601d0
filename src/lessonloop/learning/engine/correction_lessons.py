"""Lessons made of a person's words: a rejected call, a typed correction (issue 24, item 3).

A person's words are about particular calls, so their lesson applies to those calls, not to every
call of the same tool:

* **A rejection** (with or without a reason) is about the call rejected, in the project it was
  made in (Learner.correction: never global, however many projects reject the same). Its words
  are quoted as data (lesson_model/quoting.person_words), in the body and as the prevention, never
  the lesson's own instruction. Its trigger names what
  made that call that call: for a command, its program and every non-option word after it (the
  subcommand, operands and paths: `mkdir -p build/tmp` is `mkdir` on exactly build/tmp; a later
  `mkdir other/dir` is another call, `mkdir build/tmp` again the same whatever its options); for
  a file tool, the file. A command named by more than MAX_OPERAND_CHARS of operand text (an
  inline script, a long message) cannot recur as such: no per-call trigger, and no lesson unless
  the reason states an instruction.
* **A typed correction** makes a lesson only when its words state an instruction
  (analyze/instructions.py: "don't ...", "never ...", "always ...", "use X instead of Y", "you
  should ...", an imperative naming a command, flag or file). A reply ("nah, thanks"), a report
  ("it still fails") or a redirection of the task ("No, let's expand the checks") makes none.
  It gets a per-call trigger only when its words name one of the calls it corrects (the agent's
  calls since the person last spoke): the file of a file tool (its path, or its name with an
  extension); for a command, one of its flags, one of its path operands, its program and
  subcommand together, or the program in backquotes. The trigger then names the program (with
  its subcommand when the words name both, or name one of its flags), with the flags and path
  operands the words name. Otherwise the lesson has no
  trigger: it is recalled for prompts and at session start, never fired before a call.

Pure: the drafts are adopted and counted by Learner.correction (engine.py).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from lessonloop.analyze.corrections import REJECTION_TEXT
from lessonloop.analyze.instructions import instruction
from lessonloop.core.outside_text import as_data
from lessonloop.core.tool_kinds import EDIT, READ, SHELL, WRITE
from lessonloop.learning.engine.events import CallEvent
from lessonloop.lesson_model.quoting import person_words
from lessonloop.lesson_model.triggers import Trigger, flags_of, operands_of, relative_path

SPECIFIC_KINDS = frozenset({SHELL, READ, EDIT, WRITE})  # calls a person's words can name a trigger for
MAX_OPERAND_CHARS = 300  # operand text past which a command is not a call that recurs as such
MAX_WORDS = 300  # characters of a rejection's words quoted in its lesson
MIN_FLAG = 3  # "-rf", "--no-verify": shorter flags ("-p") are too common a token to be named
_SETUP = frozenset({"source", ".", "export", "set", "unset", "pushd", "popd", "true"})  # not what a line is about
_TOKEN = re.compile(r"[\w./@:+~=-]+")
_BACKQUOTED = re.compile(r"`([^`]+)`")


@dataclass(frozen=True, slots=True)
class CorrectionDraft:
    """What a correction teaches: its trigger (None: recalled, not fired per call), texts, and
    the call it is about (for the evidence)."""

    trigger: Trigger | None
    title: str
    body: str
    prevention: str | None
    call: CallEvent | None


def draft_correction(kind: str, text: str, corrected: list[CallEvent]) -> CorrectionDraft | None:
    """The lesson a correction teaches, or None (an interrupt; a rejection of a call no trigger
    can name, without an instruction; a typed reply without an instruction)."""
    if kind == "interrupt":
        return None
    rule = instruction(text) if text else None
    if kind == "rejection":
        target = next((e for e in corrected if e.call.kind in SPECIFIC_KINDS), None)
        trigger = rejected_call_trigger(target) if target is not None else None
        if trigger is None and rule is None:
            return None
        shown = call_text(target) if target is not None else "a tool call"
        words = text if text and text != REJECTION_TEXT else ""
        return CorrectionDraft(
            trigger,
            f"The person rejected {shown}",
            f"The person rejected {shown}" + (f", saying {as_data(words, MAX_WORDS)}" if words else ""),
            person_words(rule, MAX_WORDS) if rule else None,
            target,
        )
    if kind != "typed" or rule is None:
        return None
    named = named_trigger(text, corrected)
    trigger, target = named if named is not None else (None, None)
    return CorrectionDraft(
        trigger, first_sentence(text), f"The person corrected the agent: {text[:600]}", text[:300], target
    )


def rejected_call_trigger(event: CallEvent) -> Trigger | None:
    """The trigger of a rejected call: a command's program and exact operands, or a file tool's
    file; None when nothing names the call (see the module's rules)."""
    call = event.call
    if call.kind == SHELL:
        words = _main_segment(event)
        if not words:
            return None
        operands = [relative_path(w, event.cwd) for w in operands_of(words, 1)]
        if sum(len(o) for o in operands) > MAX_OPERAND_CHARS:
            return None
        return Trigger(SHELL, words[:1], operands=operands)
    if call.kind in SPECIFIC_KINDS and call.target_path:
        return Trigger(call.kind, path=relative_path(call.target_path, event.cwd))
    return None


def named_trigger(text: str, corrected: list[CallEvent]) -> tuple[Trigger, CallEvent] | None:
    """A typed correction's trigger: for the last corrected call its words name (see the module's
    rules), with that call; None when they name none."""
    tokens = _tokens(text)
    lowered = " ".join(text.lower().split())
    quoted = [" ".join(q.lower().split()) for q in _BACKQUOTED.findall(text)]
    for event in reversed(corrected):
        call = event.call
        if call.kind not in SPECIFIC_KINDS:
            continue
        if call.kind != SHELL:
            if call.target_path:
                rel = relative_path(call.target_path, event.cwd)
                if _names_path(rel, tokens):
                    return Trigger(call.kind, path=rel), event
            continue
        for words in event.segments:
            trigger = _named_command(words, tokens, lowered, quoted, event.cwd)
            if trigger is not None:
                return trigger, event
    return None


def _named_command(
    words: tuple[str, ...], tokens: set[str], lowered: str, quoted: list[str], cwd: str | None
) -> Trigger | None:
    program = words[0].lower()
    sub = words[1].lower() if len(words) > 1 and not words[1].startswith("-") else None
    pair = sub is not None and f"{program} {sub}" in lowered
    in_quotes = any(q == program or q.startswith(program + " ") for q in quoted)
    flags = sorted(f for f in flags_of(words) if len(f) >= MIN_FLAG and f.split("=", 1)[0].lower() in tokens)
    # A named flag belongs to the command and its subcommand (`--no-verify` of `git commit`).
    prefix = words[:2] if pair or (flags and sub is not None and not _path_like(sub)) else words[:1]
    operands = [relative_path(w, cwd) for w in operands_of(words, len(prefix))]
    named_operands = [o for o in operands if _path_like(o) and _names_path(o, tokens)]
    if not (pair or in_quotes or flags or named_operands):
        return None
    return Trigger(SHELL, prefix, operands=named_operands or None, with_flags=flags)


def _main_segment(event: CallEvent) -> tuple[str, ...] | None:
    """The simple command a command line is about: its first that is not setup (`source`,
    `export`; `cd` is dropped already), else its first."""
    segments = event.segments
    if not segments:
        return None
    return next((words for words in segments if words and words[0] not in _SETUP), segments[0])


def _tokens(text: str) -> set[str]:
    """The words of a text that can name a path, flag or command (lower-cased, without the
    punctuation that ends a sentence)."""
    out: set[str] = set()
    for token in _TOKEN.findall(text.replace("`", " ").lower()):
        token = token.rstrip(".,:;!?")
        while token.startswith("./"):
            token = token[2:]
        if token:
            out.add(token.split("=", 1)[0] if token.startswith("-") else token)
    return out


def _path_like(word: str) -> bool:
    return "/" in word or bool(posixpath.splitext(word)[1])


def _names_path(rel: str, tokens: set[str]) -> bool:
    """Whether the words name the file `rel`: its path (or a longer one ending with it, or its
    end), or its name when that has an extension."""
    low = rel.lower()
    base = posixpath.basename(low)
    for token in tokens:
        if token == low or token.endswith("/" + low) or ("/" in token and low.endswith("/" + token)):
            return True
        if token == base and posixpath.splitext(base)[1]:
            return True
    return False


def call_text(event: CallEvent) -> str:
    call = event.call
    if call.command:
        first = call.command.strip().splitlines()[0] if call.command.strip() else ""
        return f"`{first[:100]}`"
    return f"{call.tool} of {call.target_path}" if call.target_path else call.tool


def first_sentence(text: str) -> str:
    flat = " ".join(text.split())
    for stop in (". ", "? ", "! "):
        at = flat.find(stop)
        if 0 < at < 140:
            return flat[: at + 1]
    return flat[:140] + ("…" if len(flat) > 140 else "")
