"""Arguments that are not valid UTF-8: on Linux and macOS Python gives each byte it cannot decode
as a lone surrogate (PEP 383), which fails later wherever the text is encoded (SQLite, JSON, a
print) with a traceback. `__main__.main` checks every argument first, for every command, and stops
with a usage error (exit status 2) naming the argument.

Not checked: `lessonloop hook` (the hooks fail open, and their arguments are written by `hooks
install`), and the words after `--` of a command that runs another program (`lessonloop run --
CMD ...`: they are that program's, passed on as the bytes given).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

PASSED_ON = frozenset({"run"})  # commands whose words after `--` are another program's arguments
SHOWN_BYTES = 60  # bytes of an argument quoted in the message at most


def undecodable_argument(arguments: Sequence[str]) -> str | None:
    """The message for the first of `arguments` (sys.argv[1:]) that is not valid UTF-8; None when
    every one is."""
    command = arguments[0] if arguments else ""
    for position, argument in enumerate(arguments, start=1):
        if argument == "--" and command in PASSED_ON:
            return None
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            return _message(arguments, position, argument)
    return None


def _message(arguments: Sequence[str], position: int, argument: str) -> str:
    raw = os.fsencode(argument)
    quoted = repr(raw[:SHOWN_BYTES])[1:] + ("..." if len(raw) > SHOWN_BYTES else "")  # b'\xff' -> '\xff'
    command = arguments[0] if position > 1 and _decodes(arguments[0]) else ""
    where = f" (argument {position - 1} of `lessonloop {command}`)" if command else ""
    return (
        f"the argument {quoted}{where} is not valid UTF-8: lessonloop reads its arguments, paths "
        "included, as UTF-8 text"
    )


def _decodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
