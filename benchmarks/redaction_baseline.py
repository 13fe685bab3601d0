"""The redactor as it was before the scoped one (commit 2b914e7, then analyze/redaction.py), kept
verbatim as the baseline of benchmarks/redaction_corpus.py. Not used by lessonloop itself.

Secret redaction: applied to every text before it is stored or exported.

Each rule names a kind of secret; a match is replaced by `[REDACTED:<kind>]`. Most texts hold
none of the rules' anchor strings, so a cheap substring scan decides whether to run the regexes
at all: ingest redacts megabytes of transcript text and must stay fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import ahocorasick_rs


@dataclass(frozen=True, slots=True)
class SecretRule:
    """A kind of secret: its pattern, and strings that must occur in a text for it to match."""

    kind: str
    pattern: re.Pattern[str]
    anchors: tuple[str, ...]  # any of these must occur in the text (lower-case when `folded`)
    folded: bool = False  # anchors are looked for in the lower-cased text
    group: int = 0  # the capture group holding the secret (0: the whole match)
    # The pattern is matched right after each occurrence of an anchor (not searched for):
    # much faster for common words such as "token".
    after_anchor: bool = False


_KEYWORDS = (
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "api_key",
    "api-key",
    "apikey",
    "access_key",
    "access-key",
    "accesskey",
    "private_key",
    "private-key",
    "privatekey",
    "credential",
)
# A word character must not precede the start of a token-shaped secret.
_NOT_AFTER_WORD = r"(?<![A-Za-z0-9_])"

RULES: tuple[SecretRule, ...] = (
    SecretRule(
        "private-key",
        re.compile(
            r"-----BEGIN[A-Z ]{0,30}PRIVATE KEY( BLOCK)?-----.*?(?:-----END[A-Z ]{0,30}PRIVATE KEY( BLOCK)?-----|\Z)",
            re.DOTALL,
        ),
        ("-----BEGIN",),
    ),
    SecretRule(
        "aws-access-key-id",
        re.compile(_NOT_AFTER_WORD + r"(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}(?![A-Za-z0-9_])"),
        ("AKIA", "ASIA", "ABIA", "ACCA"),
    ),
    SecretRule(
        "github-token",
        re.compile(_NOT_AFTER_WORD + r"(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{50,255})"),
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    ),
    SecretRule("gitlab-token", re.compile(r"glpat-[A-Za-z0-9_\-]{20,}"), ("glpat-",)),
    SecretRule("slack-token", re.compile(_NOT_AFTER_WORD + r"xox[abposr]-[A-Za-z0-9-]{10,}"), ("xox",)),
    SecretRule(
        "slack-webhook",
        re.compile(r"https://hooks\.slack\.com/services/[A-Za-z0-9/_-]{20,}"),
        ("hooks.slack.com",),
    ),
    SecretRule("anthropic-key", re.compile(_NOT_AFTER_WORD + r"sk-ant-[A-Za-z0-9_\-]{20,}"), ("sk-ant-",)),
    SecretRule(
        "openai-key",
        re.compile(_NOT_AFTER_WORD + r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}"),
        ("sk-",),
    ),
    SecretRule(
        "stripe-key",
        re.compile(_NOT_AFTER_WORD + r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}"),
        ("sk_live_", "sk_test_", "rk_live_", "rk_test_"),
    ),
    SecretRule("google-api-key", re.compile(r"AIza[0-9A-Za-z_\-]{35}(?![A-Za-z0-9_\-])"), ("AIza",)),
    SecretRule("npm-token", re.compile(_NOT_AFTER_WORD + r"npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])"), ("npm_",)),
    SecretRule("pypi-token", re.compile(r"pypi-[A-Za-z0-9_\-]{50,}"), ("pypi-",)),
    SecretRule(
        "jwt",
        re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
        ("eyJ",),
    ),
    SecretRule(
        "bearer-token",
        re.compile(r"[ \t]+([A-Za-z0-9._~+/\-]{20,}=*)"),
        ("bearer", "token"),
        folded=True,
        group=1,
        after_anchor=True,
    ),
    SecretRule(
        "url-password",
        re.compile(r"://[^\s:/@'\"]{1,64}:([^\s@/'\"]{3,128})@"),
        ("://",),
        group=1,
    ),
    # KEY = "literal" in code or config: only quoted literals, so `password = get_password()` stays.
    SecretRule(
        "assigned-secret",
        # Values that are expansions or templates (${VAR}, $(cmd), {{ x }}, %(x)s, <your-key>)
        # are not secrets.
        re.compile(
            r"[A-Za-z0-9_.\-]{0,40}[\"']?[ \t]{0,4}(?::=|=>|[:=])[ \t]{0,4}[\"'](?![$%{<])([^\"'\s]{8,200})[\"']"
        ),
        _KEYWORDS,
        folded=True,
        group=1,
        after_anchor=True,
    ),
    # KEY=value lines of env files and shell exports, upper-case names only.
    SecretRule(
        "env-secret",
        re.compile(
            r"(?m)^(?:export[ \t]+)?[A-Z0-9_]{0,40}(?:PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|APIKEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIALS?)[A-Z0-9_]{0,40}=([^\s\"'$][^\s]{7,200})$"
        ),
        ("PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY", "ACCESS_KEY", "PRIVATE_KEY", "CREDENTIAL"),
        group=1,
    ),
)


def _build_gate() -> tuple[ahocorasick_rs.AhoCorasick, list[frozenset[int]]]:
    """One automaton over every rule's anchors (lower-cased): a single pass finds the candidates.
    (pyahocorasick's Automaton then; ahocorasick_rs's since pyahocorasick left the dependencies:
    the same matches.)"""
    owners: dict[str, set[int]] = {}
    for index, rule in enumerate(RULES):
        for anchor in rule.anchors:
            owners.setdefault(anchor.lower(), set()).add(index)
    return ahocorasick_rs.AhoCorasick(list(owners)), [frozenset(indexes) for indexes in owners.values()]


_GATE, _OWNERS = _build_gate()


def redact(text: str) -> tuple[str, int]:
    """Return `text` with secrets replaced by `[REDACTED:<kind>]`, and the number replaced."""
    if not text:
        return text, 0
    lowered = text.lower()
    candidates: set[int] = set()
    for anchor, _start, _end in _GATE.find_matches_as_indexes(lowered, overlapping=True):
        indexes = _OWNERS[anchor]
        candidates.update(indexes)
    if not candidates:
        return text, 0
    total = 0
    for index in sorted(candidates):
        rule = RULES[index]
        haystack = lowered if rule.folded else text
        # The gate ran on folded text; case-sensitive anchors are confirmed here.
        if not rule.folded and not any(anchor in text for anchor in rule.anchors):
            continue
        if rule.after_anchor and len(haystack) == len(text):
            text, count = _apply_after_anchors(rule, text, haystack)
        else:
            text, count = _apply(rule, text)
        if count:
            total += count
            lowered = text.lower()
    return text, total


def redact_value(value: Any) -> tuple[Any, int]:
    """Redact every string inside a JSON-like value (before it is serialized, so quotes are real)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        total = 0
        out: dict[Any, Any] = {}
        for key, item in value.items():
            out[key], count = redact_value(item)
            total += count
        return (out, total) if total else (value, 0)
    if isinstance(value, list):
        total = 0
        items: list[Any] = []
        for item in value:
            cleaned, count = redact_value(item)
            items.append(cleaned)
            total += count
        return (items, total) if total else (value, 0)
    return value, 0


def _apply_after_anchors(rule: SecretRule, text: str, haystack: str) -> tuple[str, int]:
    spans: list[tuple[int, int]] = []
    match_at = rule.pattern.match
    for anchor in rule.anchors:
        start = haystack.find(anchor)
        while start >= 0:
            found = match_at(text, start + len(anchor))
            if found is not None:
                span = found.span(rule.group)
                if not text.startswith("[REDACTED", span[0]):
                    spans.append(span)
            start = haystack.find(anchor, start + 1)
    if not spans:
        return text, 0
    marker = f"[REDACTED:{rule.kind}]"
    out: list[str] = []
    cursor = 0
    count = 0
    for start, end in sorted(set(spans)):
        if start < cursor:
            continue  # overlaps a span already replaced
        out.append(text[cursor:start])
        out.append(marker)
        cursor = end
        count += 1
    out.append(text[cursor:])
    return "".join(out), count


def _searching_pattern(rule: SecretRule) -> re.Pattern[str]:
    """An after-anchor rule as one searching pattern (for texts whose case folding shifts indices)."""
    anchors = "|".join(re.escape(anchor) for anchor in rule.anchors)
    return re.compile(f"(?i:{anchors})(?:{rule.pattern.pattern})")


def _apply(rule: SecretRule, text: str) -> tuple[str, int]:
    marker = f"[REDACTED:{rule.kind}]"
    if rule.after_anchor:
        rule = SecretRule(rule.kind, _searching_pattern(rule), rule.anchors, rule.folded, rule.group)
    if rule.group == 0:
        return rule.pattern.subn(marker, text)
    replaced = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal replaced
        secret = match.group(rule.group)
        if secret.startswith("[REDACTED"):
            return match.group(0)
        replaced += 1
        start, end = match.span(rule.group)
        whole_start = match.start()
        return match.group(0)[: start - whole_start] + marker + match.group(0)[end - whole_start :]

    return rule.pattern.sub(replace, text), replaced
