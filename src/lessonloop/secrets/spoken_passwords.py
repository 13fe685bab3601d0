"""A password told in words, in the languages people write to their agents: `Das Passwort ist
X`, `le mot de passe est X`, `la contraseña es X`, `пароль: X`, `密码` and a full-width colon, `数据库密码是 X`,
`パスワードは X`, `비밀번호는 X`, `the passcode is X`; and `admin / X` (a user and its password
given together).

The word, a few words of its own (`für den Server`, `de la base`), then a verb or a colon (any
language's `is` as a word of its own, `:` in half or full width, `=`, a dash, a particle written
onto the word), maybe `now`, then the value, which must have a secret's shape (or be a PIN's
number after a word for PIN or code, or a passphrase of dashed words).
"""

from __future__ import annotations

from lessonloop.core.lazy_regex import LazyRegex
from lessonloop.secrets.structural import SPOKEN_NEEDLES, matches_at, occurrences, places, plain_case

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

_WORDS = (
    "passwort", "kennwort", "mot de passe", "mdp", "contraseña", "contrasena", "clave", "senha", "palavra-passe",
    "parola d'ordine", "wachtwoord", "hasło", "haslo", "heslo", "jelszó", "jelszo", "lösenord", "losenord",
    "salasana", "passord", "adgangskode", "şifre", "sifre", "parola", "пароль", "паролем", "密码", "口令", "密碼",
    "パスワード", "暗証番号", "비밀번호", "암호", "κωδικός", "סיסמה", "كلمة المرور", "पासवर्ड", "passcode",
    "pass code", "passcodes", "pin code", "pin", "pw", "pwd", "mật khẩu", "kata sandi", "รหัสผ่าน", "schlüssel",
    "wifi pass", "wi-fi pass", "wlan pass", "password", "passphrase", "pass", "code", "puk", "código", "codigo",
)  # fmt: skip
_WORD = LazyRegex(
    r"(?i)(?<![A-Za-z])(?:" + "|".join(w.replace(" ", r"[ \t]") for w in _WORDS) + r")[a-zA-Zà-öø-ÿ]{0,6}(?![A-Za-z])"
)
# What stands between the word (and a few words of its own) and the value: a colon, an equals
# sign or a dash, a language's `is` as a word of its own, or a particle written onto the word.
_SEPARATOR = LazyRegex(
    r"[ \t]*(?:[:=\uff1a]|:=|—|–|->|→|⇒)[ \t]*(?:\r?\n[ \t]*(?=\S+[ \t]*(?:\r?\n|$)))?"
    r"|['\u2019]s(?=[ \t])[ \t]*"
    r"|[ \t]+(?:ist|lautet|est|es|era|é|è|e|is|was|je|jest|är|er|on|sind|son|são|eh|ni|adalah|là|hi|היא|هي|है|είναι|c'est|c\u2019est|ist:|es:|är|er:|je:"
    r"|равен|это|—)(?=[ \t])[ \t]*(?:[:\uff1a][ \t]*)?"
    r"|(?<=[^\x00-\x7f])(?:是|为|為|は|が|는|은|이|가|:)?[ \t]*"
    r"|[ \t]+"
)
# `now`, `jetzt`, `set to`: words between the verb and the value
_FILLER = LazyRegex(
    r"(?i)(?:now|still|currently|jetzt|maintenant|ahora|agora|adesso|ora|теперь|set to|changed to)[ \t]+"
)
_VALUE = LazyRegex(r"[\"'`「『“«]?[ \t]*([^\s\"'`」』”»]{4,200})")
# English words whose `=`/`:` forms are assignments (secrets/assignments.py reads them per scope)
_ASSIGNED_WORDS = ("password", "pass", "passphrase", "code", "pw", "pwd", "pin")
_NOT_IN_GAP = frozenset('=&;{}()[]<>"`|')
_TRAILING = ".,;:!?)#\u3002\uff0c\u3001"
_PASSPHRASE = LazyRegex(r"[a-z]{3,12}(?:-[a-z]{3,12}){2,7}")  # correct-horse-battery-staple
_NUMERIC_WORDS = LazyRegex(
    r"(?i)passcode|pass code|pin|puk|暗証番号|code|código|codigo|parol|пароль"
)  # a number is a secret after these
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
        word = _WORD.search(text, max(0, start - 1), start + 40)
        if word is None or word.start() in seen:
            continue
        seen.add(word.start())
        # (line breaks looked for up to the limit only: a long line's end is past it)
        bound = word.end() + 160
        line_end = text.find("\n", word.end(), bound)
        if line_end >= 0 and not text[word.end() : line_end].strip(" \t:"):
            line_end = text.find("\n", line_end + 1, bound)  # `pass:` and the value on the next line
        limit = min(bound, len(text) if line_end < 0 else line_end)
        for separator in _SEPARATOR.finditer(text, word.end(), limit):
            gap = text[word.end() : separator.start()]
            if gap and (not gap[0].isspace() or len(gap.split()) > 7 or any(c in _NOT_IN_GAP for c in gap)):
                break  # the words between are the word's own (`für den Server`), not another text's
            bare = not separator.group().strip()
            if bare and (gap or word.group().lower().startswith(("code", "pin", "puk", "código", "codigo"))):
                continue  # a value with no verb stands right after its word (`Schlüssel X`, `pass X`)
            verb = separator.group().strip().lstrip("'\u2019")  # `is`, `'s`, `ist`
            if word.group().lower() in _ASSIGNED_WORDS and not bare and not verb.isalpha():
                continue  # `password=X`, `pass: X`: an assignment, read per scope by secrets/assignments.py
            position = separator.end()
            filler = _FILLER.match(text, position)
            if filler is not None:
                position = filler.end()
            found = _VALUE.match(text, position, limit)
            if found is None:
                continue
            value = found.group(1).rstrip(_TRAILING)
            if "/" in value or len(value) < 4 or value.startswith("ENC["):
                continue
            numeric = value.isdigit() and 4 <= len(value) <= 10 and _NUMERIC_WORDS.search(word.group()) is not None
            if word.group().lower().startswith(("code", "código", "codigo", "puk")) and not numeric:
                continue  # `the code is X`: a code's number (an alarm's, a door's); other codes are source
            if bare and not (numeric or _PASSPHRASE.fullmatch(value) or _strong(value) or _mixed(value)):
                continue  # a word right after the word (`password reset`): a value needs a password's shape
            if check(value) or numeric or _PASSPHRASE.fullmatch(value) is not None:
                out.append((found.start(1), found.start(1) + len(value), "password-in-prose"))
                break
    if "/" in text and any(name in lowered for name in ("admin", "root", "user", "login", "sa ", "superuser")):
        # a match starts at its name
        names = ("admin", "root", "user", "login", "sa", "superuser")
        users = matches_at(_USER_SLASH, text, places(lowered, names)) if plain_case(text) else None
        for found in _USER_SLASH.finditer(text) if users is None else users:
            value = found.group(1).rstrip(".,;:!?")
            if check(value):
                out.append((found.start(1), found.start(1) + len(value), "password-in-prose"))
    return out


_NON_ASCII_WORDS = tuple(word for word in _WORDS if not word.isascii())
_LOWER_NEEDLES = tuple(needle.lower() for needle in NEEDLES)
_LOWER_NON_ASCII_WORDS = tuple(word.lower() for word in _NON_ASCII_WORDS)


def _starts(text: str, lowered: str) -> list[int]:
    """Where a word for password may start: each needle's place (a few characters before it, as a
    needle may be a word's middle)."""
    found = occurrences(lowered, _LOWER_NEEDLES)
    if not text.isascii():
        found += occurrences(lowered, _LOWER_NON_ASCII_WORDS)
    return sorted({max(0, position - 4) for position in found})


def _strong(value: str) -> bool:
    """A password's shape without a verb before it: letters, digits and a symbol."""
    return (
        any(c.isalpha() for c in value)
        and any(c.isdigit() for c in value)
        and any(not c.isalnum() for c in value)
        and not value.startswith(("$", "%", "{", "<", "http"))
    )


def _mixed(value: str) -> bool:
    """Upper and lower case and digits, eight or more: a password's shape without a symbol."""
    return (
        len(value) >= 8
        and any(c.isupper() for c in value)
        and any(c.islower() for c in value)
        and any(c.isdigit() for c in value)
    )
