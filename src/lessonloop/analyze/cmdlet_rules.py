"""A PowerShell cmdlet's parameter rules, as PowerShell states them when a call breaks one.

- `Get-Content : A parameter cannot be found that matches parameter name 'Skip'.`: the cmdlet
  has no such parameter in this PowerShell (Windows PowerShell 5.1 lacks many of 7's);
- `Select-Object : Cannot bind parameter 'Index'. Cannot convert value "340..420" to type
  "System.Int32".`: the parameter takes that type, and the value as written is text to it (in a
  command's arguments `340..420` is not a range; `(340..420)` is).

The rule holds for every later call of the cmdlet with that parameter (with a value of the same
shape, for the second): a check of the next command line, read from its words.

A parameter is matched as PowerShell matches it: without regard to case, and by an unambiguous
start of its name (`-Ind` for `-Index`; at least 3 letters here, so that a short flag of another
parameter is not taken for it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

ABSENT = "unexpected"  # the rule of a parameter the cmdlet does not have (triggers.describe_rule)
SHAPE = "shape:"  # the rule of a value written in a shape the parameter cannot take: SHAPE + shape

_NO_PARAMETER = re.compile(
    r"\b([A-Za-z]+-[A-Za-z]+) : A parameter cannot be found that matches parameter name '([\w-]+)'"
)
_CANNOT_CONVERT = re.compile(
    r"\b([A-Za-z]+-[A-Za-z]+) : Cannot bind parameter '([\w-]+)'\. Cannot convert value \"([^\"]{0,200})\" "
    r"to type \"([\w.\[\]]+)\""
)
_PARTS = re.compile(r"\d+|[A-Za-z_]+")
_PREFIX = 3  # the shortest start of a parameter's name taken for it


@dataclass(frozen=True, slots=True)
class CmdletRule:
    """A rule of `cmdlet`'s parameter `param` (its name, without the dash): ABSENT, or SHAPE plus
    the shape of the value it could not take (`<n>..<n>`), with the type it wants."""

    cmdlet: str
    param: str
    rule: str
    value: str | None = None
    type_name: str | None = None


def cmdlet_rule(error_text: str | None) -> CmdletRule | None:
    """The parameter rule a PowerShell error states (see the module's docstring), or None. The
    console wraps a long message: its lines are read joined."""
    if not error_text or " : " not in error_text:
        return None
    text = " ".join(error_text[:4000].split())
    found = _NO_PARAMETER.search(text)
    if found is not None:
        return CmdletRule(found.group(1), found.group(2), ABSENT)
    found = _CANNOT_CONVERT.search(text)
    if found is not None:
        value = found.group(3)
        return CmdletRule(found.group(1), found.group(2), SHAPE + value_shape(value), value, found.group(4))
    return None


def value_shape(value: str) -> str:
    """A value's shape: its numbers `<n>`, its words `<w>`, other characters as they are
    (`340..420` -> `<n>..<n>`)."""
    return _PARTS.sub(lambda part: "<n>" if part.group()[0].isdigit() else "<w>", value)


def breaks_cmdlet_rule(words: Sequence[str], cmdlet: str, param: str, rule: str | None) -> bool:
    """Whether a simple command (its words) calls `cmdlet` with parameter `param` (`-Index`) in a
    way that breaks `rule`: at all (ABSENT), or with a value of the rule's shape."""
    if not words or words[0].lower() != cmdlet.lower():
        return False
    name = param.lower()
    for at in range(1, len(words)):
        word = words[at]
        if not word.startswith("-") or len(word) < 2:
            continue
        typed, colon, _ = word.lower().partition(":")
        if typed != name and not (len(typed) > _PREFIX and name.startswith(typed)):
            continue
        if rule == ABSENT:
            return True
        if rule and rule.startswith(SHAPE):
            value = word[len(typed) + 1 :] if colon else (words[at + 1] if at + 1 < len(words) else None)
            if value is not None and value_shape(value) == rule[len(SHAPE) :]:
                return True
    return False
