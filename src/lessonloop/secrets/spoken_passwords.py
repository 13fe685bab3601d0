"""A password told in words, in the languages people write to their agents: `Das Passwort ist
X`, `le mot de passe est X`, `la contraseña es X`, `пароль: X`, `密码` and a full-width colon, `数据库密码是 X`,
`パスワードは X`, `비밀번호는 X`, `the passcode is X`; and `admin / X` (a user and its password
given together).

The word, at most three words of its own (`für den Server`, `de la base`), then a verb or a
colon (any language's `is`, `:` in half or full width, `=`), then the value, which must have a secret's shape.
"""

from __future__ import annotations

from lessonloop.core.lazy_regex import LazyRegex
from lessonloop.secrets.structural import SPOKEN_NEEDLES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

_WORDS = (
    "passwort", "kennwort", "mot de passe", "mdp", "contraseña", "contrasena", "clave", "senha", "palavra-passe",
    "parola d'ordine", "wachtwoord", "hasło", "haslo", "heslo", "jelszó", "jelszo", "lösenord", "losenord",
    "salasana", "passord", "adgangskode", "şifre", "sifre", "parola", "пароль", "паролем", "密码", "口令", "密碼",
    "パスワード", "暗証番号", "비밀번호", "암호", "κωδικός", "סיסמה", "كلمة المرور", "पासवर्ड", "passcode",
    "pass code", "passcodes", "pin code", "pin", "pw", "pwd", "mật khẩu", "kata sandi", "รหัสผ่าน",
)  # fmt: skip
_VERBS = (
    r"ist|lautet|est|es|era|é|è|e|is|was|je|jest|är|er|on|ist:|sind|est:|son|são|eh|ni|adalah|là|=|:|\uff1a|—|–"
    r"|是|为|為|は|が|는|은|이|가|:=|(?<=[^\x00-\x7f])(?=[ \t])|(?<=\bpw)(?=[ \t])|(?<=\bpwd)(?=[ \t])"
)
_SPOKEN = LazyRegex(
    r"(?i)(?<![A-Za-z])(?:" + "|".join(w.replace(" ", r"[ \t]") for w in _WORDS) + r")\w{0,4}(?![A-Za-z])"
    r"(?:[ \t]+[^\s:\uff1a=]{1,20}){0,5}?[ \t]*(?:" + _VERBS + r")[ \t]*(?:[:\uff1a][ \t]*)?"
    r"[\"'`「『“]?([^\s\"'`」』”]{4,200}?)[\"'`」』”]?(?=[\s.,;!?\u3002\uff0c\u3001)]|です|입니다|$)"
)
_NUMERIC_WORDS = LazyRegex(r"(?i)passcode|pass code|pin|暗証番号|code")  # a number is a secret after these
_USER_SLASH = LazyRegex(
    r"(?i)\b(?:admin|administrator|root|user|username|login|sa|superuser)(?:[ \t]+/[ \t]*|[ \t]*/[ \t]+)"
    r"([^\s/\"']{4,100})(?=[\s.,;)]|$)"
)
# the ASCII pieces of its words that the structural gate looks for (secrets/structural.py)
NEEDLES = SPOKEN_NEEDLES


def spoken_spans(text: str, shaped: Callable[[str], bool], lowered: str | None = None) -> list[tuple[int, int, str]]:
    check = shaped
    lowered = text.lower() if lowered is None else lowered
    out: list[tuple[int, int, str]] = []
    seen: set[int] = set()
    for start in _starts(text, lowered):
        for found in _SPOKEN.finditer(text, max(0, start - 1), start + 400):
            if found.start(1) in seen:
                continue
            seen.add(found.start(1))
            value = found.group(1).rstrip(".,;:!?")
            if "/" in value:
                continue
            if check(value) or (
                value.isdigit() and 4 <= len(value) <= 10 and _NUMERIC_WORDS.search(found.group()) is not None
            ):
                out.append((found.start(1), found.start(1) + len(value), "password-in-prose"))
            break
    if "/" in text and any(name in lowered for name in ("admin", "root", "user", "login", "sa ", "superuser")):
        for found in _USER_SLASH.finditer(text):
            value = found.group(1).rstrip(".,;:!?")
            if check(value):
                out.append((found.start(1), found.start(1) + len(value), "password-in-prose"))
    return out


_NON_ASCII_WORDS = tuple(word for word in _WORDS if not word.isascii())


def _starts(text: str, lowered: str) -> list[int]:
    """Where a word for password may start: each needle's place (a few characters before it, as a
    needle may be a word's middle)."""
    starts: set[int] = set()
    needles = NEEDLES + (_NON_ASCII_WORDS if not text.isascii() else ())
    for needle in needles:
        position = lowered.find(needle.lower())
        while position >= 0:
            starts.add(max(0, position - 4))
            position = lowered.find(needle.lower(), position + 1)
    return sorted(starts)
