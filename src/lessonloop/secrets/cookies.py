"""Cookies: the values of a `Cookie:` header (every pair) and of a `Set-Cookie:` header (its
cookie, not its attributes), written as a header, an HTTP client's option or a header map's entry
(`"Cookie": "session=..."`). A session cookie is a credential; a cookie's name is kept, its value
goes. `curl -b 'name=value'` is secrets/cli_flags.py's (a file name after -b holds no `=`).
"""

from __future__ import annotations

from lessonloop.core.lazy_regex import LazyRegex
from lessonloop.secrets.format_rule import FormatRule, rule

# After the word: an optional closing quote (a header map's key), then `:` or `=`.
_SEPARATOR = LazyRegex(r"[\"']?[ \t]*[:=][ \t]*[\"']?")
_PAIR = LazyRegex(r"[ \t]*(?P<name>[A-Za-z0-9_.!#$%&*+^`|~\-]{1,100})=(?P<value>(?:[^;,\s\"'`<>\\]|\\(?![nrt\"']))+)")
_ATTRIBUTES = frozenset(
    {"path", "domain", "expires", "max-age", "samesite", "secure", "httponly", "priority", "partitioned", "version"}
)
_NOT_VALUES = LazyRegex(r"^(?:\$|\{\{|<|\[REDACTED|%\()")
MIN_VALUE = 6  # theme=dark, lang=en-US stay
# cookies that hold a preference or an analytics id, not a session: `tz=Europe%2FBerlin`
_PREFERENCES = frozenset(
    {"locale", "lang", "language", "tz", "timezone", "theme", "currency", "country", "region", "_ga", "_gid",
     "consent", "cookieconsent", "cookie_consent", "i18n_redirected", "color_scheme", "dark_mode"}
)  # fmt: skip


def cookie_spans(text: str, at: int) -> list[tuple[int, int, str]]:
    """The cookie values of the header whose name (cookie, Cookie, COOKIE) starts at `at`."""
    setting = text[max(0, at - 4) : at].lower() == "set-"
    begin = at - 4 if setting else at
    if begin > 0 and (text[begin - 1].isalnum() or text[begin - 1] == "_"):
        return []  # part of a word: document.cookie is fine, mycookie= is not a header
    end = at + 6
    if end < len(text) and text[end] in "sS":  # Cookies: / cookies= name a collection, not a header
        return []
    separator = _SEPARATOR.match(text, end)
    if separator is None:
        return []
    position = separator.end()
    spans: list[tuple[int, int, str]] = []
    while True:
        pair = _PAIR.match(text, position)
        if pair is None:
            break
        name, value = pair.group("name"), pair.group("value")
        if (
            name.lower() not in _ATTRIBUTES
            and name.lower() not in _PREFERENCES
            and len(value) >= MIN_VALUE
            and _NOT_VALUES.match(value) is None
        ):
            spans.append((pair.start("value"), pair.end("value"), "cookie"))
        position = pair.end()
        if setting or not text.startswith(";", position):
            break  # Set-Cookie: the first pair is the cookie, the rest its attributes
        position += 1
    return spans


COOKIE_RULES: tuple[FormatRule, ...] = (
    rule("cookie", ("Cookie", "cookie", "COOKIE"), "", exact=True, search=False, finder=cookie_spans),
)
