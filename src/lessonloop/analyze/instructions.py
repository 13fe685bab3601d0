"""Whether a person's words state an instruction: a rule the agent should follow from now on, as
opposed to a reply ("nah, thanks", "ok"), a report ("it still shows 0 lines") or a redirection of
the task at hand ("No, let's expand the checks", "no, I mean for the image").

Read from the grammar of each sentence, not from a list of one corpus's phrases. After openers
that carry no instruction ("no,", "ok", "please", "also", ...), a sentence is an instruction when
it is:

* prohibitive: it opens with "don't", "do not", "never", "avoid", "no more", or "stop" / "quit"
  with a gerund ("stop adding comments"; not "stop the server");
* a standing order: it opens with "always", "make sure", "be sure to", "remember to", "ensure",
  "prefer", or says "you/we (should|must|shouldn't|mustn't)", "should/must always|never|not",
  "you/we/to always|never" ("I want you to always run ..."), "should have <done>";
* a substitution: "use X" (any sentence opening with "use"), "X instead (of Y)", "instead of X,
  <verb> Y", "instead, <verb> ...", "rather than X";
* an imperative (a sentence opening with a verb of the IMPERATIVES list, a closed list of English
  verbs of programming work) that names a command, flag, file or symbol: in backquotes, `--flag`,
  `path/to`, `file.ext`, `name()`, `snake_case` or `CamelCase`; or that orders steps ("run the
  tests before committing").

Questions (a sentence ending in "?" or opening with can/could/would/will/why/what/how/...),
suggestions about the task ("let's ...", "maybe ...") and wishes ("I want ...", "I just want
...") are not instructions, unless they say "always" or "never" as above.

The same grammar in French, German, Spanish, Portuguese, Italian, Dutch, Russian, Chinese and
Japanese is in analyze/instruction_languages.py.

Pure: text in, the sentence that carries the instruction (or None) out.
"""

from __future__ import annotations

import re

from lessonloop.analyze.corrections import person_text
from lessonloop.analyze.instruction_languages import is_instruction_other

MAX_SENTENCE = 300

_FENCED = re.compile(r"```.*?(?:```|\Z)", re.DOTALL)
_QUOTED_LINE = re.compile(r"^\s*>.*$", re.MULTILINE)
# (Chinese and Japanese end a sentence with a full-width mark and no space)
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|(?<=[\u3002\uff01\uff1f\uff1b])\s*|\s*\n+\s*")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
_OPENER = re.compile(
    r"^(?:(?:no+|nope|nah|ok(?:ay)?|hmm+|hm+|ah+|oh+|ugh+|well|sorry|please|so|but|and|also|actually|"
    r"again|just|then|yes|yeah|yep|right|wait|hey|um+|uh+|and also|from now on|going forward|"
    r"in (?:the )?future)\b[,.!:;\-\u2014]*\s*)+"
)
_PROHIBITIVE = re.compile(
    r"^(?:don't|dont|do not|never|avoid|no more|(?:stop|quit)\s+\w+ing\b|please don't|please do not)\b"
)
_STANDING = re.compile(r"^(?:always|make sure|be sure to|remember to|ensure|prefer)\b")
_MODAL = re.compile(
    r"\b(?:you|we)\s+(?:should|must|shouldn't|mustn't|should not|must not|ought to)\b"
    r"(?!\s+(?:be able|be fine|be good|be done|be ready|be set|work|now|see|have access|already))"
    r"|\b(?:should|must)(?:n't)?\s+(?:always|never|not)\b"
    r"|\b(?:you|we|to|please)\s+(?:always|never)\b"
    r"|\bshould(?:'ve|\s+have)\s+\w+ed\b"
)
_SUBSTITUTION = re.compile(
    r"^use\b|\binstead of\b.{1,80}?,\s*\w+|^instead\b|\binstead\s*(?:[.,;!]|$)|\brather than\b|\bnot\s+\S+\s+but\b"
)
_NOT_INSTRUCTION = re.compile(
    r"^(?:let's|lets|let us|maybe|perhaps|i (?:just |really )?(?:want|wanted|need|mean|meant|think|guess|"
    r"wonder|'d like|would like)|can|could|would|will|why|what|how|where|when|which|who|is|are|was|"
    r"were|does|did|do you|have you|has|shall|should i|should we)\b"
)
# Verbs that say how the agent should work (a closed list of English words, not phrases of a corpus);
# verbs that set a task (fix, add, write, remove, ...) redirect the work at hand and are left out.
IMPERATIVES = frozenset(
    [
        "apply",
        "avoid",
        "call",
        "check",
        "commit",
        "exclude",
        "follow",
        "format",
        "import",
        "include",
        "install",
        "keep",
        "leave",
        "lint",
        "mock",
        "pass",
        "pin",
        "prefer",
        "push",
        "put",
        "read",
        "restart",
        "run",
        "set",
        "skip",
        "stick",
        "switch",
        "use",
        "wrap",
    ]
)
_CODE = re.compile(
    r"`[^`]+`"  # in backquotes
    r"|(?:^|\s)--?[a-z][\w-]*"  # a flag
    r"|\w/\w"  # a path
    r"|\b\w+\.[a-z]{1,5}\b"  # file.ext, module.attr
    r"|\b\w+\(\)"  # name()
    r"|\b[a-z0-9]+_[a-z0-9_]+\b"  # snake_case
    r"|\b[a-z]+[A-Z]\w*\b|\b[A-Z][a-z0-9]+[A-Z]\w*\b"  # camelCase, CamelCase
)
_ORDERING = re.compile(r"\b(?:before|after|first|then)\b")


def sentences(text: str) -> list[str]:
    """The person's sentences, without harness wrappers, code blocks and quoted lines."""
    text = _FENCED.sub(" ", person_text(text))
    text = _QUOTED_LINE.sub(" ", text).translate(_QUOTES)
    out: list[str] = []
    for raw in _SENTENCE.split(text):
        sentence = " ".join(raw.split()).strip("\"'*_ ")
        if sentence:
            out.append(sentence[:MAX_SENTENCE])
    return out


def is_instruction(sentence: str, other_languages: bool = True) -> bool:
    """Whether one sentence states an instruction (see the module's rules; with `other_languages`,
    the same grammar in other languages too: analyze/instruction_languages.py)."""
    if _is_english_instruction(sentence):
        return True
    return other_languages and is_instruction_other(sentence.translate(_QUOTES).strip().lower())


def _is_english_instruction(sentence: str) -> bool:
    text = sentence.translate(_QUOTES).strip()
    lower = _OPENER.sub("", text.lower())
    text = text[len(text) - len(lower) :]  # the same sentence without its openers, as written
    lower = lower.strip()
    if not lower:
        return False
    if _PROHIBITIVE.match(lower) or _STANDING.match(lower):
        return True
    question = lower.endswith("?")
    if _MODAL.search(lower) and not (question and not _has_always(lower)):
        return True
    if question or (_NOT_INSTRUCTION.match(lower) and not _has_always(lower)):
        return False
    if _SUBSTITUTION.search(lower):
        return True
    first = re.match(r"[a-z]+", lower)
    if first is None or first.group(0) not in IMPERATIVES:
        return False
    rest = text.strip()[len(first.group(0)) :]
    return bool(_CODE.search(rest)) or bool(_ORDERING.search(lower))


def _has_always(lower: str) -> bool:
    return re.search(r"\b(?:always|never)\b", lower) is not None


def instruction(text: str) -> str | None:
    """The first sentence of `text` that states an instruction, as the person wrote it; None when
    the words hold none (a reply, a report, a redirection of the task)."""
    for sentence in sentences(text):
        if is_instruction(sentence):
            return sentence
    return None
