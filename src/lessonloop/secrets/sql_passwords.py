"""A user's password in SQL: `CREATE USER bob IDENTIFIED BY 'pw'` (Oracle, MySQL, MariaDB),
`ALTER USER ... IDENTIFIED WITH mysql_native_password BY 'pw'`, `GRANT ... TO bob IDENTIFIED BY
'pw'`. (`ALTER ROLE r WITH PASSWORD 'pw'` is a password after a bare word: assignments.py's.)

Anchored at IDENTIFIED; the statement must name a user, role or login before it on its line (`the
bug was identified by the linter` is English), and the value must be quoted or look like a secret.
"""

from __future__ import annotations

from lessonloop.core.lazy_regex import LazyRegex
from lessonloop.secrets.format_rule import FormatRule, rule

_STATEMENT = LazyRegex(r"(?i:\b(?:user|role|login|grant)\b)[^;\n]{0,200}$")
_IDENTIFIED = LazyRegex(
    r"(?i:identified)(?:[ \t]+(?i:with)[ \t]+[\w'\"]+)?[ \t]+(?i:by)[ \t]+"
    r"(?!(?i:random|password|values)\b)(?:'(?P<single>[^'\n]{1,200})'|\"(?P<double>[^\"\n]{1,200})\"|(?P<bare>[^\s;,'\"]{1,200}))"
)
_SYMBOLS = frozenset("!@#%^&*+=/~?$-_.")
MIN_LENGTH = 4


def _identified(text: str, at: int) -> list[tuple[int, int, str]]:
    line_start = text.rfind("\n", 0, at) + 1
    if _STATEMENT.search(text, max(line_start, at - 200), at) is None:
        return []
    found = _IDENTIFIED.match(text, at)
    if found is None:
        return []
    group = next(g for g in ("single", "double", "bare") if found.group(g) is not None)
    value = found.group(group)
    if len(value) < MIN_LENGTH or value.startswith(("[REDACTED", "$", ":", "@", "{")):
        return []  # a placeholder, a bind variable (:pw, @pw), a template
    if group == "bare" and not (
        (any(c.isdigit() for c in value) and any(c.isalpha() for c in value)) or any(c in _SYMBOLS for c in value)
    ):
        return []
    return [(found.start(group), found.end(group), "sql-password")]


SQL_PASSWORD_RULES: tuple[FormatRule, ...] = (
    rule("sql-password", ("IDENTIFIED", "identified", "Identified"), "", exact=True, finder=_identified),
)
