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
    "combo", "combination", "keypad", "digicode", "验证码", "驗證碼", "校验码", "动态码", "暗号化キー", "ネットワークキー",
    "パスフレーズ", "認証コード", "확인 코드", "인증번호", "ww", "nenosiri", "رمز عبور", "كلمة السر", "رمز", "pasword",
    "passwrd", "passowrd", "passkey", "apiキー", "アクセスキー", "lozinka", "geslo", "parool", "slaptažodis", "parole",
    "mật mã", "পাসওয়ার্ড", "api 키", "앱 키", "nip", "app password", "app-passwort", "код", "கடவுச்சொல்", "phrase de passe",
    "passwd", "paswd", "wlan key", "wifi key", "wi-fi key", "wpa key", "network key", "비번", "پاس ورڈ",
)  # fmt: skip
_APP_PASSWORD = LazyRegex(r"[a-z]{16}")  # an app password as Google makes it, written without its spaces
_WORD = LazyRegex(
    r"(?i)(?:(?<![A-Za-z])(?:"
    + "|".join(w.replace(" ", r"[ \t]") for w in _WORDS)
    + r")[a-zA-Zà-öø-ÿ]{0,6}(?![A-Za-z])"
    # German compounds: `Netzwerkschlüssel`, `WLAN-Passwort`, `Tresorcode`, `Türcode`
    r"|[A-Za-zÄÖÜäöüß]{2,20}(?:schlüssel|passwort|kennwort)(?![A-Za-z])"
    r"|(?:tresor|tür|tuer|tor|zugangs|sicherheits|alarm|safe|door|gate|lock|access|entry|unlock|garage|bestätigungs"
    r"|verifizierungs|einmal|anmelde|freischalt|aktivierungs|bevestigings|verificatie)code(?![A-Za-z]))"
)
# What stands between the word (and a few words of its own) and the value: a colon, an equals
# sign or a dash, a language's `is` as a word of its own, or a particle written onto the word.
_SEPARATOR = LazyRegex(
    r"[ \t]*(?:[:=\uff1a]|:=|—|–|->|→|⇒)[ \t]*(?:(?:\r?\n[ \t]*){1,2}(?=\S+[ \t]*(?:\r?\n|$)))?"
    r"|['\u2019]s(?=[ \t])[ \t]*"
    r"|[ \t]+(?:are[ \t]+both|are|este|ist|lautet|est|es|era|é|è|e|is|was|je|jest|to|sur|auf|para|naar|är|er|on|sind|son|são|eh|ni|adalah|là|hi|היא|هي|है|είναι|c'est|c\u2019est|ist:|es:|är|er:|je:"
    r"|равен|это|—)(?=[ \t])[ \t]*(?:[:\uff1a][ \t]*)?"
    r"|(?<=[^\x00-\x7f])(?:已设置为|已設置為|设置为|設置為|已改为|改为|设为|設為|是|为|為|は|が|는|은|이|가|를|을|คือ|เป็น|:)?[ \t]*"
    r"|[ \t]+"
)
# `now`, `jetzt`, `set to`: words between the verb and the value
_FILLER = LazyRegex(
    r"(?i)(?:now|still|currently|jetzt|maintenant|ahora|agora|adesso|ora|теперь|set to|changed to)[ \t]+"
)
_VALUE = LazyRegex(r"[\"'`「『“«]?[ \t]*([^\s\"'`」』”»]{4,200})")
# English words whose `=`/`:` forms are assignments (secrets/assignments.py reads them per scope)
_ASSIGNED_WORDS = ("password", "pass", "passphrase", "code", "pw", "pwd", "pin", "app password", "passkey", "nip")
_NOT_IN_GAP = frozenset('=&;{}[]<>"`|')  # a gap may hold a remark in parentheses
_TRAILING = ".,;:!?)#\u3002\uff0c\u3001"
_PASSPHRASE = LazyRegex(r"[a-z]{3,12}(?:-[a-z]{3,12}){2,7}")  # correct-horse-battery-staple
_NUMERIC_WORDS = LazyRegex(
    r"(?i)passcode|pass code|pin|puk|暗証番号|code|código|codigo|parol|пароль|combo|combination|keypad|schlüssel"
    r"|验证码|驗證碼|校验码|动态码|認証コード|인증번호|passkey|nip|код"
)
# the forms of a code's number: `1678 3068 6000 7212 9909` (a router's key), `36-44-79` (a safe's)
_GROUPED_NUMBER = LazyRegex(r"\d{4,5}(?:[ \t]\d{4,5}){2,7}|\d{1,3}(?:-\d{1,3}){2,4}")
_CODE_VALUE = LazyRegex(r"[A-Z0-9]{4,8}")  # a door's code with a letter: `Z4655`  # a number is a secret after these
_USER_SLASH = LazyRegex(
    r"(?i)\b(?:admin|administrator|root|user|username|login|sa|superuser)(?:[ \t]+/[ \t]*|[ \t]*/[ \t]+)"
    r"([^\s/\"']{4,100})(?=[\s.,;)]|$)"
)
_USER_SLASH_TIGHT = LazyRegex(
    r"(?i)(?<![/\w.-])(?:admin|administrator|root|sa|superuser)/([^\s/\"']{6,100})(?=[\s.,;)]|$)"
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
        rest = text[word.end() : line_end] if line_end >= 0 else ""
        if line_end >= 0 and (not rest.strip(" \t:") or rest.rstrip().endswith((":", "\uff1a"))):
            # `pass:` or `senha do painel:` and the value on the next line (after a blank one, maybe)
            following = text.find("\n", line_end + 1, bound)
            if following >= 0 and not text[line_end + 1 : following].strip():
                following = text.find("\n", following + 1, bound)
            line_end = following
        limit = min(bound, len(text) if line_end < 0 else line_end)
        for separator in _SEPARATOR.finditer(text, word.end(), limit):
            gap = text[word.end() : separator.start()]
            if "\n" in gap:
                break  # the word's sentence ended: what follows on later lines is not its value
            unspaced = bool(gap) and not gap.isascii() and " " not in gap.strip()  # Thai, Chinese: no spaces
            if (
                gap
                and not unspaced
                and (not gap[0].isspace() or len(gap.split()) > 10 or any(c in _NOT_IN_GAP for c in gap))
            ):
                break  # the words between are the word's own (`für den Server`), not another text's
            bare = not separator.group().strip()
            named = word.group().lower()
            stem = _stem(named)
            if stem in _ENGLISH_WORDS and named not in (stem, stem + "s"):
                break  # `pinned`, `passing`, `coded`: another English word
            if stem == "pass" and gap:
                break  # `pass model's X`, `pass base_url=X`: the verb, not a password
            if bare and len(gap.split()) <= 6 and stem not in ("code", "pin", "puk", "pass"):
                aside = _PARENTHESIZED.match(text, separator.end(), limit)
                if aside is not None and _parenthesized_ok(aside.group(1), check):
                    out.append((aside.start(1), aside.end(1), "password-in-prose"))
                    break  # `la contraseña de la base de datos (X)`, `the password you pasted (\`X\`)`
            if bare and gap and len(gap.split()) <= 3 and stem not in _ENGLISH_WORDS:
                candidate_value = _VALUE.match(text, separator.end(), limit)
                told = candidate_value.group(1).rstrip(_TRAILING) if candidate_value is not None else ""
                counted_value = (
                    told.isdigit() and 4 <= len(told) <= 10 and _NUMERIC_WORDS.search(word.group()) is not None
                )
                if told and ((_letters_and_digits(told) and check(told)) or counted_value):
                    out.append((candidate_value.start(1), candidate_value.start(1) + len(told), "password-in-prose"))  # type: ignore[union-attr]
                    break  # `Пароль від роутера cactus3728`: another language's word, its own words, the value
            if bare and gap and len(gap.split()) <= 5 and stem not in ("code", "pin", "puk", "pass"):
                strong = _VALUE.match(text, separator.end(), limit)
                candidate = strong.group(1).rstrip(_TRAILING) if strong is not None else ""
                if candidate and _person_chose(candidate) and check(candidate):
                    out.append((strong.start(1), strong.start(1) + len(candidate), "password-in-prose"))  # type: ignore[union-attr]
                    break  # `the pasword for the staging db Qwerty&Nala5`: a password's shape needs no verb
            verb_word = separator.group().strip().lower()
            if (
                verb_word == "to"
                and stem in _ENGLISH_WORDS
                and (stem == "pass" or _SETTING_VERB.search(text, max(0, word.start() - 48), word.start()) is None)
            ):
                continue  # `pass it to X`; but `set the admin password to X`, and Polish `hasło to X`
            if verb_word in ("on", "e", "er", "hi", "ni", "je") and stem in _ENGLISH_WORDS:
                continue  # Finnish `on`, Italian `e`: `is` in their languages, prepositions after an English word
            if verb_word in ("sur", "auf", "para", "naar") and (
                _SETTING_VERB.search(text, max(0, word.start() - 48), word.start()) is None
            ):
                continue  # `défini le mot de passe sur X`, `Passwort auf X gesetzt`: only after setting it
            counted = named.startswith(("pin", "puk"))  # `PUK 04971604`: a number right after its word
            if (
                bare
                and (gap or named.startswith(("code", "código", "codigo", "pin", "puk")))
                and not (counted and not gap)
            ):
                continue  # a value with no verb stands right after its word (`Schlüssel X`, `pass X`)
            verb = separator.group().strip().lstrip("'\u2019")  # `is`, `'s`, `ist`
            spoken = verb.replace("'", "").replace("\u2019", "").isalpha()  # `is`, `c'est`
            next_line = "\n" in separator.group()  # `pass:` and the value on the line below
            if (
                named in _ASSIGNED_WORDS
                and not gap
                and not bare
                and not spoken
                and verb not in _ARROWS
                and not next_line
                and not text.startswith(("**", "__"), separator.end())  # `**Password:** X`: markup
                and not (stem in ("code", "pin", "passcode") and _NUMBER_AFTER.match(text, separator.end()))
                and not _GROUPED_DIGITS.match(text, separator.end())  # `passphrase: 04399 80798 ...`
            ):
                continue  # `password=X`, `pass: X`: an assignment, read per scope by secrets/assignments.py
            position = separator.end()
            filler = _FILLER.match(text, position)
            if filler is not None:
                position = filler.end()
            words = _WORDS_TOLD.match(text, position, limit)
            if (
                words is not None
                and not bare
                and not named.startswith(("code", "código", "codigo", "pin", "puk"))
                and _STOP_WORDS.isdisjoint(words.group(words.lastindex or 1).lower().split())
            ):
                out.append((*words.span(words.lastindex or 1), "password-in-prose"))  # a passphrase of words
                break
            if not bare and stem == "passphrase" and (verb in (":", "\uff1a") or spoken):
                listed = _WORDS_LISTED.match(text, position, limit)
                if listed is not None and listed.group(1).islower() and _STOP_WORDS.isdisjoint(listed.group(1).split()):
                    out.append((listed.start(1), listed.end(1), "password-in-prose"))  # `...: ember granite pebble`
                    break
            grouped_letters = _APP_PASSWORD_SPACED.match(text, position, limit)
            if grouped_letters is not None and _random_groups(grouped_letters.group(1)):
                out.append((grouped_letters.start(1), grouped_letters.end(1), "password-in-prose"))
                break  # `bcjm gevq gyew wxzc`: an app password as its maker prints it
            markup = _MARKUP.match(text, position)
            position = markup.end() if markup is not None else position  # `**Password:** \`X\``
            grouped = _GROUPED_NUMBER.match(text, position, limit)
            if grouped is not None and (_NUMERIC_WORDS.search(word.group()) is not None or " " in grouped.group()):
                out.append((grouped.start(), grouped.end(), "password-in-prose"))
                break
            found = _VALUE.match(text, position, limit)
            if found is None:
                continue
            value = found.group(1).split("</")[0].rstrip(_TRAILING)  # `<b>X</b>.`: the tag closes the value
            if not value.isascii() and value[0].isascii():
                # a Thai or Chinese sentence runs on after the value: it ends where the script changes
                ascii_run = _ASCII_RUN.match(value)
                value = ascii_run.group().rstrip(_TRAILING + "(") if ascii_run is not None else value
            if not value:
                continue  # `password: ....`: punctuation only
            if ord(value[0]) > 0x24F and not _LEADING_DIGITS.match(value):
                continue  # `パスワードは別途Slackで送ります`: the sentence goes on in its own script; a value is Latin
            digits = _LEADING_DIGITS.match(value)
            if digits is not None and _NUMERIC_WORDS.search(word.group()) is not None:
                value = digits.group()  # a code written onto the text after it: the number, not what is written onto it
            if "/" in value or len(value) < 4 or value.startswith("ENC["):
                continue
            if stem == "code" and _NOT_SECRET_CODE.search(text, max(0, word.start() - 12), word.start()) is not None:
                break  # `exit code 1234`, `error code`, `zip code`: a code that opens nothing
            numeric = (
                (value.isdigit() or (stem == "digicode" and _CODE_VALUE.fullmatch(value) is not None))
                and 4 <= len(value) <= 10
                and _NUMERIC_WORDS.search(word.group()) is not None
            ) or (stem == "digicode" and _CODE_VALUE.fullmatch(value) is not None)
            if word.group().lower().startswith(("code", "código", "codigo", "puk")) and not numeric:
                continue  # `the code is X`: a code's number (an alarm's, a door's); other codes are source
            if counted and bare and not numeric:
                continue
            if bare and not value.isascii():
                continue  # a sentence of another script runs on after the word (`密码长度至少12位`)
            app = stem in ("app password", "app-passwort") and _APP_PASSWORD.fullmatch(value) is not None
            if bare and not (
                numeric
                or app
                or _PASSPHRASE.fullmatch(value)
                or _strong(value)
                or _mixed(value)
                or (named not in _ENGLISH_WORDS and _letters_and_digits(value))
                or (stem not in _ENGLISH_WORDS and value.isascii() and any(c.isdigit() for c in value) and check(value))
            ):
                continue  # a word right after the word (`password reset`): a value needs a password's shape
            if check(value) or numeric or app or _PASSPHRASE.fullmatch(value) is not None:
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
        # a tight pair's name is one of these (`sa` included)
        tight = (
            matches_at(_USER_SLASH_TIGHT, text, places(lowered, ("admin", "root", "sa", "superuser")))
            if users is not None
            else None
        )
        for found in _USER_SLASH_TIGHT.finditer(text) if tight is None else tight:
            value = found.group(1).rstrip(".,;:!?)")
            if _person_chose(value):
                out.append((found.start(1), found.start(1) + len(value), "password-in-prose"))  # `admin/Taco_Lisboa%9`
    return out


# a passphrase of three to twelve words, quoted or between dashes (`is "copper blossom anchor"`,
# `— harbor raven walnut —`)
_WORDS_TOLD = LazyRegex(
    r"[\"'`“«„][ \t]?([^\W\d_]{2,14}(?:[ \t][^\W\d_]{2,14}){2,11}(?:[ \t]\d{1,6})?)[ \t]?[\"'`”»“]"
    r"|([^\W\d_]{2,14}(?:[ \t][^\W\d_]{2,14}){2,11})[ \t]+[—–](?:[ \t]|$)"
)
# Words of sentences that a passphrase of random words rarely holds (`is "not in the repo"`).
_STOP_WORDS = frozenset(
    {"the", "a", "an", "in", "not", "is", "to", "of", "and", "or", "for", "with", "on", "at", "by", "it", "this",
     "that", "see", "use", "your", "my", "our", "from", "be", "are", "was", "will", "as", "der", "die", "das",
     "und", "le", "la", "les", "de", "et", "el", "los", "y", "en", "no", "il", "di", "e"}
)  # fmt: skip
_NOT_SECRET_CODE = LazyRegex(
    r"(?i)\b(?:exit|error|status|return|response|http|country|zip|postal|area|source|product|event|reason|result"
    r"|op|key|char|colou?r|language|currency|region|airport|promo|discount|coupon|qr|bar|short|reference|tracking"
    r"|order|item|sku|class|dial|postcode|verification(?=[ \t]+code[ \t]+(?:sent|expired)))[ \t-]*$"
)
_SETTING_VERB = LazyRegex(
    r"(?i)\b(?:set|sets|setting|change[ds]?|changing|reset|resets|update[ds]?|rotated?|made|défini|changé|mis|modifié"
    r"|réinitialisé|gesetzt|geändert|zurückgesetzt|cambiad[oa]|establecid[oa]|definid[oa]|alterad[oa]|mudad[oa]"
    r"|ingesteld|gewijzigd|veranderd)\b"
)
_GROUPED_DIGITS = LazyRegex(r"[ \t]*\d{4,5}(?:[ \t]\d{4,5}){2,7}")
_NUMBER_AFTER = LazyRegex(r"[ \t]*\d{4,10}(?![\w.-])")  # `LAN access code: 56859008`: no key rule reads a code
_APP_PASSWORD_SPACED = LazyRegex(r"[ \t]*([a-z]{4}[ \t][a-z]{4}[ \t][a-z]{4}[ \t][a-z]{4})(?![a-z])")
_PARENTHESIZED = LazyRegex(r"[ \t]*\([ \t]*`?([^\s()`]{6,100})`?[ \t]*\)")


def _parenthesized_ok(value: str, check: Callable[[str], bool]) -> bool:
    """A value in parentheses after a word for password: a password's shape, or a told value
    with a digit and a symbol or mixed case (`(see above)` and `(optional)` are remarks)."""
    mixed = not value.isalnum() or (any(c.isupper() for c in value) and any(c.islower() for c in value))
    return _person_chose(value) or (check(value) and any(c.isdigit() for c in value) and mixed)


def _random_groups(value: str) -> bool:
    """Four groups of four letters that are no words: two groups or more without a vowel."""
    return sum(1 for group in value.split() if not any(c in "aeiou" for c in group)) >= 2


_ASCII_RUN = LazyRegex(r"[\x21-\x7e\u00a1-\u024f]+")  # Latin letters, accented ones too (`Océane2007%`)
_PASSPHRASE_WORDS = frozenset({"passphrase", "password", "passwort", "mot de passe", "contraseña"})
# three to twelve words to the end of the line or sentence, after a colon
_WORDS_LISTED = LazyRegex(
    r"[ \t]*([^\W\d_]{2,14}(?:[ \t][^\W\d_]{2,14}){2,11})[ \t]*(?:[.!]?[ \t]*$|[.!][ \t]|[(—–])", 8
)
_MARKUP = LazyRegex(r"(?:\*\*|__|<(?:b|strong|code|em|i|tt|kbd|span)>)?[ \t]*")
_LEADING_DIGITS = LazyRegex(r"\d{4,10}(?=[^\x00-\x7f])")
_ARROWS = frozenset({"->", "→", "⇒", "—", "–"})
# English words for password: after one of them with no verb a value needs a symbol or mixed case
# (`password reset2`); after another language's word, letters and digits do (`şifresi ilovedaisy1974`).
_ENGLISH_WORDS = frozenset(
    {
        "password",
        "passwords",
        "pass",
        "passcode",
        "pass code",
        "pw",
        "pwd",
        "code",
        "pin",
        "puk",
        "app password",
        "passkey",
        "nip",
        "passwd",
        "paswd",
        "pasword",
        "passwrd",
        "passowrd",
        "wlan key",
        "wifi key",
        "wi-fi key",
        "wpa key",
        "network key",
    }
)


_BY_LENGTH = tuple(sorted((w.lower() for w in _WORDS), key=len, reverse=True))


def _stem(named: str) -> str:
    """The word of _WORDS that `named` (a word as written, maybe inflected) starts with."""
    return next((word for word in _BY_LENGTH if named.startswith(word)), named)


def _letters_and_digits(value: str) -> bool:
    """Eight or more letters and digits, two digits at least, maybe joined by dots, dashes or
    underscores (`Rjirf.ghbdtn.1963`) but not ending in a word as a host's or a file's name does:
    a password told without a verb."""
    parts = value.rstrip("_-.").replace("-", ".").replace("_", ".").split(".")
    return (
        len(value) >= 8
        and value.isascii()
        and all(part.isalnum() for part in parts)
        and sum(c.isdigit() for c in value) >= 2
        and not value.isdigit()
        and (len(parts) == 1 or not parts[-1].isalpha())
    )


_NON_ASCII_WORDS = tuple(word for word in _WORDS if not word.isascii())
_LOWER_NEEDLES = tuple(needle.lower() for needle in NEEDLES)
_LOWER_NON_ASCII_WORDS = tuple(word.lower() for word in _NON_ASCII_WORDS)


def _starts(text: str, lowered: str) -> list[int]:
    """Where a word for password may start: each needle's place (a few characters before it, as a
    needle may be a word's middle)."""
    found = occurrences(lowered, _LOWER_NEEDLES)
    if not text.isascii():
        found += occurrences(lowered, _LOWER_NON_ASCII_WORDS)
    starts = {max(0, position - 4) for position in found}
    for position in occurrences(lowered, ("code",)):
        if position and lowered[position - 1].isalpha():
            starts.add(max(0, position - 12))  # a compound's first part (`Tresorcode`, `Türcode`)
    return sorted(starts)


def _person_chose(value: str) -> bool:
    """A person's password by its shape alone (secrets/paired_values.human_password)."""
    from lessonloop.secrets.paired_values import human_password

    return human_password(value)


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
