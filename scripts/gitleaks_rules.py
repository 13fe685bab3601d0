"""Convert the vendored gitleaks rules (src/lessonloop/secrets/vendor/gitleaks.toml, Go RE2 syntax)
into the data the redactor loads (src/lessonloop/secrets/gitleaks_data.py, Python `re` syntax: a
module of literals, so a hook process loads it from its .pyc without parsing JSON or TOML).

For each rule: its pattern in Python syntax (a `(?i)` in the middle of a Go pattern applies to the
rest of its group: written `(?i:...)`; `\\z` is `\\Z`), the capture group holding the secret, the
entropy the secret must reach, its allowlists, and its anchors: the strings the redactor's
Aho-Corasick gate looks for (gitleaks' keywords, spelled as the pattern can match them: as written
where the pattern is case-sensitive, lower, UPPER and Capitalized where it is not) and where the
match starts from each (`at`: at the anchor, or `back` characters before it; `near`: anywhere in
a window around it).

The rules built on gitleaks' "generic" template (`[\\w.-]{0,50}?(?:KEY)...(SECRET)...`) are matched
from the key: the lazy `[\\w.-]{0,50}?` before it only widens the reported match, never the secret.

Run: `python scripts/gitleaks_rules.py` (writes the module), `--check` (exit 1 when it differs).
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path
from typing import Any

VENDOR = Path(__file__).resolve().parent.parent / "src" / "lessonloop" / "secrets" / "vendor"
SOURCE = VENDOR / "gitleaks.toml"
TARGET = VENDOR.parent / "gitleaks_data.py"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generated_module import module_text, write_or_check  # noqa: E402  (scripts/: run as a file)

# Rules left out, and why (lessonloop's choices; the vendored file keeps them as upstream has them).
SKIPPED = {
    "pkcs12-file": "a file name rule, no pattern: lessonloop reads texts",
    "hashicorp-tf-password": "bound to .tf files; `password = ...` is secrets/assignments.py's",
    "database-password": "no keywords (it would run on every text); db_password/pwd are assignments.py's",
    "curl-auth-header": "nested unbounded repeats Python's backtracking engine cannot bound; cli_flags.py reads curl",
    "curl-auth-user": "as curl-auth-header",
}
# Anchors other than gitleaks' keywords: a keyword that is a common word part, or that is not where
# the match starts (a generic rule whose keyword is in the secret is anchored on its key).
ANCHORS = {
    "jwt": ["eyJ"],  # keyword "ey" is in every "key" and "they"; a JWT's header is JSON: eyJ
    "vault-service-token": ["hvs."],  # "s." ends every plural before a dot (legacy s. tokens left out)
    "twilio-api-key": ["SK" + c for c in "0123456789abcdefABCDEF"],  # "SK" alone is in TASK, DISK
    "kubernetes-secret-yaml": ["kind: Secret", 'kind: "Secret"', "kind: 'Secret'"],
    "lob-api-key": ["lob"],
    "lob-pub-api-key": ["lob"],
    "gocardless-api-token": ["gocardless"],
    "new-relic-browser-api-token": ["new-relic", "newrelic", "new_relic"],
    "new-relic-insert-key": ["new-relic", "newrelic", "new_relic"],
    "new-relic-user-api-key": ["new-relic", "newrelic", "new_relic"],
    "typeform-api-token": ["typeform"],
    "cloudflare-origin-ca-key": ["v1.0-"],
    "intra42-client-secret": ["s-s4t2ud-", "s-s4t2af-"],
}
# Rules whose secret is not the first group that matched (gitleaks' default).
SECRET_GROUPS = {"sonar-api-token": 2}
# How far before its anchor a match may start, for the rules whose pattern does not start with it
# (the match is tried from each position back to the anchor).
BACK = {
    "maxmind-license-key": 36,
    "hashicorp-tf-api-token": 15,
    "azure-ad-client-secret": 5,
}
# gitleaks' end of a secret: a quote, a blank, `;`, an escaped line break or the end. Texts here
# also close a secret with markup and punctuation (`<bash-stdout>KEY</bash-stdout>`, `(KEY)`, `KEY,`).
GITLEAKS_END = "(?:[\\x60'\"\\s;]|\\\\[nr]|$)"
OUR_END = "(?:[\\x60'\"\\s;<>,.()\\[\\]{}|&]|\\\\[nr]|$)"
NEAR = {"facebook-access-token", "sourcegraph-access-token", "kubernetes-secret-yaml"}  # anywhere near
_GENERIC_A = "(?i)[\\w.-]{0,50}?(?:"
_GENERIC_B = "[\\w.-]{0,50}?(?i:[\\w.-]{0,50}?(?:"


def python_syntax(pattern: str) -> str:
    """A Go RE2 pattern in Python's syntax."""
    out: list[str] = []
    i = 0
    closes: list[int] = []  # depth at which a `(?i)` opened a group we must close
    depth = 0
    in_class = False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            pair = pattern[i : i + 2]
            out.append("\\Z" if pair == "\\z" else pair)
            i += 2
            continue
        if in_class:
            if c == "]" and out[-1] not in ("[", "[^"):
                in_class = False
            out.append(c)
            i += 1
            continue
        if c == "[":
            in_class = True
            out.append(c)
            if pattern.startswith("[^]", i) or pattern.startswith("[]", i):
                skip = 3 if pattern[i + 1] == "^" else 2
                out.append(pattern[i + 1 : i + skip])
                i += skip
                continue
            i += 1
            continue
        if pattern.startswith("(?i)", i) and i > 0:
            out.append("(?i:")
            closes.append(depth)
            depth += 1
            i += 4
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            while closes and closes[-1] == depth - 1:
                out.append(")")
                closes.pop()
                depth -= 1
            depth -= 1
        elif c == "|" and closes and closes[-1] == depth - 1:
            # An alternation ends the `(?i)` scope's group only at its own level: Go's flag holds
            # to the end of the enclosing group, across `|`; close and reopen around the bar.
            out.append(")|(?i:")
            i += 1
            continue
        out.append(c)
        i += 1
    out.extend(")" * len(closes))
    return "".join(out)


def case_insensitive_at(pattern: str, index: int) -> bool:
    """Whether the Python pattern matches case-insensitively at `index`."""
    stack: list[bool] = []
    current = pattern.startswith("(?i)")
    i = 4 if current else 0
    in_class = False
    while i < index:
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
        elif c == "(":
            stack.append(current)
            if pattern.startswith("(?i:", i):
                current = True
            elif pattern.startswith("(?-i:", i):
                current = False
        elif c == ")" and stack:
            current = stack.pop()
        i += 1
    return current


def spellings(pattern: str, keyword: str) -> list[str]:
    """How a keyword can appear in a text the pattern matches: as the pattern writes it, and in
    lower, UPPER and Capitalized case where the pattern ignores case there (or writes `[Kk]ey`)."""
    if keyword != keyword.lower():
        return [keyword]  # an anchor of ours, spelled as texts have it
    plain = pattern.replace("\\", "")
    at = plain.lower().find(keyword)
    variants = [keyword, keyword.upper(), keyword.capitalize()]
    if at < 0:
        return variants
    written = plain[at : at + len(keyword)]
    first = keyword[0]
    either = f"[{first.upper()}{first.lower()}]{keyword[1:]}"
    if either in pattern:
        variants = [written, keyword, keyword.capitalize()]
    elif not case_insensitive_at(pattern, _escaped_index(pattern, at)):
        variants = [written]
    else:
        variants = [written, *variants]
    return sorted(set(variants), key=variants.index)


def _escaped_index(pattern: str, plain_index: int) -> int:
    count = 0
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 1
        if count == plain_index:
            return i
        count += 1
        i += 1
    return len(pattern)


def convert_rule(rule: dict[str, Any]) -> dict[str, Any]:
    source = str(rule["regex"])
    generic = source.startswith((_GENERIC_A, _GENERIC_B))
    if source.startswith(_GENERIC_A):
        source = "(?i)(?:" + source[len(_GENERIC_A) :]
    elif source.startswith(_GENERIC_B):
        source = "(?i:(?:" + source[len(_GENERIC_B) :]
    pattern = python_syntax(source.replace(GITLEAKS_END, OUR_END))
    re.compile(pattern)  # must compile
    keywords = ANCHORS.get(rule["id"], rule.get("keywords", []))
    anchors: list[list[Any]] = []
    for keyword in keywords:
        if (keyword.lower() in ("cloudflare", "sourcegraph", "facebook", "intra") and not generic) or rule[
            "id"
        ] in NEAR:
            mode, back = "near", 0
        else:
            mode, back = "at", BACK.get(rule["id"], 0)
        for spelling in spellings(pattern, keyword):
            anchors.append([spelling, mode, back])
    allow: dict[str, list[str]] = {"secret": [], "match": [], "line": []}
    stopwords: list[str] = []
    for allowlist in rule.get("allowlists", []):
        if allowlist.get("paths"):
            continue  # bound to files
        target = allowlist.get("regexTarget", "secret")
        allow[target].extend(python_syntax(r) for r in allowlist.get("regexes", []))
        stopwords.extend(w.lower() for w in allowlist.get("stopwords", []))
    out: dict[str, Any] = {"id": rule["id"], "pattern": pattern, "anchors": anchors}
    if generic:
        out["in_names"] = True  # the keyword may be inside a name (MY_DISCORD_TOKEN): no boundary before it
    if rule["id"] in SECRET_GROUPS:
        out["group"] = SECRET_GROUPS[rule["id"]]
    if rule.get("entropy"):
        out["entropy"] = float(rule["entropy"])
    if any(allow.values()):
        out["allow"] = {k: v for k, v in allow.items() if v}
    if stopwords:
        out["stopwords"] = stopwords
    return out


def convert(text: str) -> dict[str, Any]:
    data = tomllib.loads(text)
    rules = [convert_rule(r) for r in data["rules"] if r["id"] not in SKIPPED and "regex" in r]
    head = data.get("allowlist", {})
    return {
        "source": "gitleaks config/gitleaks.toml at 009e025ad4106ab333aa0b9dc4f2a884390d134c (MIT, LICENSE-gitleaks)",
        "skipped": SKIPPED,
        "allow": [python_syntax(r) for r in head.get("regexes", [])],
        "stopwords": [w.lower() for w in head.get("stopwords", [])],
        "rules": rules,
    }


HEADER = """\
# Generated by scripts/gitleaks_rules.py from secrets/vendor/gitleaks.toml (gitleaks' default rules,
# MIT: vendor/LICENSE-gitleaks): do not edit; change the TOML or the script and run it again.
# Per rule: id, pattern (Python syntax), anchors [spelling, "at" or "near", back], and when set
# group (the secret's), entropy, allow (regexes per target), stopwords. See secrets/gitleaks_rules.py.
# fmt: off
# ruff: noqa
"""


def rendered() -> str:
    data = convert(SOURCE.read_text())
    values = [
        ("SOURCE", repr(data["source"])),
        ("SKIPPED: dict[str, str]", repr(data["skipped"])),
        ("ALLOW: tuple[str, ...]", repr(tuple(data["allow"]))),
        ("STOPWORDS: tuple[str, ...]", repr(tuple(data["stopwords"]))),
    ]
    return module_text(HEADER, values, ("RULES: tuple[dict[str, object], ...]", ")", data["rules"]))


def main(argv: list[str]) -> int:
    text = rendered()
    stale = f"is not the conversion of {SOURCE}: run scripts/gitleaks_rules.py"
    return write_or_check(argv, TARGET, text, stale, f"{text.count(chr(10) + '    {')} rules")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
