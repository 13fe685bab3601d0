"""Secret redaction: applied to every text before it is stored, and again before it leaves the store.

A match is replaced by `[REDACTED:<kind>]`. Six families of rules, and a learned pass:

- secrets/formats.py: secrets recognised by their format (AWS, GitHub, GitLab, Slack, Stripe,
  OpenAI, Anthropic, Google, JWT, PEM blocks, URL passwords, ...; chat bots' tokens, cookies,
  credential files, private keys in pieces, Authorization headers and signed URLs, passwords
  piped to programs, SQL's IDENTIFIED BY: the modules it gathers);
- secrets/gitleaks_rules.py: gitleaks' default rule set (200+ providers), vendored as data;
- secrets/assignments.py: values given to secret-named keys, env names and flags
  (`password = "..."`, `DB_TOKEN=...`, `--api-key X`, `api_key: ...`, `password X`);
- secrets/cli_flags.py and secrets/password_options.py: credentials in the options of common
  clients (`curl -u`, `mysql -p`, `zip -P`, `sqlplus user/pw@db`, ...);
- secrets/unanchored.py: what no anchor announces (BIP-39 seed phrases, WIF keys, Ghost keys),
  one regex searched over every text of 47 characters or more;
- secrets/structural.py (issue 60): secrets read by where they stand, their form and what hides
  them, whoever issued them (random tokens, hex keys, values by context, key material, passwords
  given to programs or told in words), on the text's most decoded view (decoded_views.py);
- secrets/learned_tokens.py, last: what every rule left, each word that may be a secret scored by
  a model learned from examples (its shape and the words around it), on the way in only: inside
  `shown()` (what leaves the store: the terminal, --json, MCP, the web UI, exports, hook answers)
  the rules alone redact again.

Every rule applies in every scope; the scope says what a text is, and the assignment rules read
it accordingly (after set_pii(True), personal data is scrubbed too: secrets/pii.py):

- "prose": a typed prompt or an assistant message, which often quotes command lines and config:
  `password=hunter2` and `--token abc123` are secrets there;
- "command": a shell command line (flags, inline env assignments, `export X=y; cmd`);
- "code": file contents in an edit or write: `token = compute()`, `token = abc123def`,
  `f(a, password=pw)` are code there, and a quoted literal or a flag's value must look like a
  secret (`apiKey: 'proxy-handled'` is a stand-in), while `password=hunter2`, config values
  under secret-named keys, env lines and vendor formats are secrets;
- "output": a tool's result (code, logs, env dumps, config): read as code is.

A JSON value under a secret-named key (`{"password": "..."}`, redact_value) is replaced whole.

Speed: ingest redacts megabytes, a hook a few short answers. Each rule has anchor strings
(secrets/anchors.py: in the letter cases keys use, lower, UPPER, Capitalized, camelCase; written
to the generated secrets/anchor_table.py, so that importing this module reads no rule);
secrets/anchor_gate.py finds every anchor in one pass over the text's bytes
`text.encode("ascii", "replace")`, where each character is one byte, so a match's byte offsets
are its character offsets (every anchor is ASCII without `?`: no match can touch a replaced
character). Each rule runs only where its anchors are (a format's regex is searched once per
text); a text with no anchor costs that one pass (and unanchored.py's search), and the rule
families' modules are imported when a text first holds an anchor. The pass is a scan of
two-character heads for a process's first few short texts (a hook), then ahocorasick_rs's automaton: a
contiguous NFA, or the DFA prepare_bulk (ingest) asks for. Rules compile their regex when first
needed. After prepare_bulk, a short text found clean is remembered (`_CLEAN`): transcripts
repeat short texts, and a text's redaction depends on the text and its scope alone.

Idempotent: `[REDACTED:<kind>]` markers are never matched again.
"""

from __future__ import annotations

from contextvars import ContextVar

from lessonloop.secrets import anchor_gate, unanchored
from lessonloop.secrets.anchor_table import ANCHORS, CLIENT, FORMAT, FORMAT_RULES, KEY, OWNERS, VENDORED, VENDORED_RULES
from lessonloop.secrets.assignments import key_spans, secret_value_kind
from lessonloop.secrets.unanchored import SEARCH_LENGTH, unanchored_spans

# typing.TYPE_CHECKING without importing typing: the hooks import this module and count ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any, Literal

    Scope = Literal["prose", "command", "code", "output"]
else:
    Scope = str
# Scope: where a text comes from: a typed prompt or message ("prose"), a shell command line
# ("command"), file contents in an edit or write ("code"), or a tool's result ("output").
SCOPES: tuple[Scope, ...] = ("prose", "command", "code", "output")

# Keys of a tool input holding a command line, or code; every other key is prose.
COMMAND_KEYS = frozenset({"command", "cmd", "args", "argv", "script", "shell_command"})
CODE_KEYS = frozenset({"new_string", "old_string", "content", "new_source", "patch", "diff", "code", "edits"})

_PII = False  # see set_pii
# False: the anchored rules only, without issue 60's structural rules and decoded views (for
# benchmarks/redaction_false_positives.py, which reports what those add).
STRUCTURAL = True
# False: without the learned last pass (secrets/learned_tokens.py; it runs only with STRUCTURAL), for
# the benchmarks that report what it adds.
LEARNED = True
# Off while lessonloop shows what it holds (`shown()`): what leaves the store is redacted again by the
# rules; the learned pass read it on the way in (capture, and the re-redaction of an old store), and
# on the way out it would take lessonloop's own ids and names for secrets (`item bde3e0393ba2076fcfbb`).
_SHOWING: ContextVar[bool] = ContextVar("lessonloop_redaction_showing", default=False)


class shown:
    """While inside: redaction for display and export, by the rules alone (per thread and task)."""

    __slots__ = ("_token",)

    def __enter__(self) -> None:
        self._token = _SHOWING.set(True)

    def __exit__(self, *_exc: object) -> None:
        _SHOWING.reset(self._token)


# On while a capture reads a file for its figures alone (pipeline/ingest.py, "Texts later"): every
# text it would redact is left out of what it stores (capture/withheld_texts.py), so it is not
# redacted here; the file is read again whole, its texts redacted, by the store's worker.
_WITHHELD: ContextVar[bool] = ContextVar("lessonloop_redaction_withheld", default=False)


class withheld:
    """While inside: `redact` returns every text as it is, for a caller that stores none of them
    (per thread and task). Nothing read inside may be stored or shown but through
    capture/withheld_texts.py's `withhold_texts`."""

    __slots__ = ("_token",)

    def __enter__(self) -> None:
        self._token = _WITHHELD.set(True)

    def __exit__(self, *_exc: object) -> None:
        _WITHHELD.reset(self._token)


# Overlapping matches become one marker named by the most specific rule: formats in their order
# (anthropic-key before openai-key), then gitleaks' rules, then keys, flags and clients.
_VENDORED_PRIORITY = FORMAT_RULES
_KEY_PRIORITY = _VENDORED_PRIORITY + VENDORED_RULES
_STRUCTURAL_PRIORITY = _KEY_PRIORITY + 1  # the structural rules name a secret last (secrets/structural.py)
# The rule families' modules (formats, cli_flags, gitleaks_rules), each imported when a text first
# holds one of its anchors: most of a hook's texts hold none, and a lesson text's common words
# ("Pass", "zip ") name a family or two, not the three (about 3 ms of imports: gitleaks' data).
_FAMILY_MODULES = {FORMAT: "formats", CLIENT: "cli_flags", VENDORED: "gitleaks_rules"}
_FAMILIES: dict[int, ModuleType] = {}


def _family(family: int) -> ModuleType:
    module = _FAMILIES.get(family)
    if module is None:
        name = _FAMILY_MODULES[family]
        # the same module whichever thread imports it first (the web UI, the MCP server)
        module = _FAMILIES[family] = getattr(__import__(f"lessonloop.secrets.{name}").secrets, name)
    return module


def prepare_bulk() -> None:
    """Use the faster gate from now on, for a process about to redact megabytes (ingest): a DFA
    that scans about twice as fast as the NFA but takes about 3 ms more to build, which a hook
    redacting a few short texts would pay for nothing (secrets/anchor_gate.py); the structural
    rules' needles found by their automaton in short texts too (secrets/structural.prepare_bulk);
    and the learned pass's patterns compiled at once (secrets/learned_tokens.prepare_bulk). Same
    matches, same output."""
    anchor_gate.prepare_bulk()
    unanchored.prepare_bulk()
    if STRUCTURAL:
        from lessonloop.secrets.structural import prepare_bulk as structural_bulk

        structural_bulk()
    if LEARNED:
        from lessonloop.secrets.learned_tokens import prepare_bulk as learned_bulk

        learned_bulk()
    _CLEAN.clear()


def set_pii(scrub: bool) -> None:
    """From now on, also scrub personal data (secrets/pii.py) from every text `redact` returns: for
    a process storing into a store whose configuration says so (privacy.scrub_pii_store)."""
    global _PII
    _PII = scrub


def learned_now() -> bool:
    """Whether `redact` runs the learned pass here and now (LEARNED, and not inside `shown`)."""
    return LEARNED and not _SHOWING.get()


def redact_shown(text: str, scope: Scope = "prose") -> tuple[str, int]:
    """`redact` for what lessonloop shows, exports or sends (the rules alone: `shown`)."""
    with shown():
        return redact(text, scope)


def redact(text: str, scope: Scope = "prose") -> tuple[str, int]:
    """Return `text` with secrets replaced by `[REDACTED:<kind>]`, and the number replaced (and,
    after set_pii(True), personal data too); inside `withheld()`, `text` as it is."""
    if _WITHHELD.get():
        return text, 0
    cleaned, count = _redact_secrets(text, scope)
    if _PII:
        from lessonloop.secrets.pii import scrub_pii

        cleaned, scrubbed = scrub_pii(cleaned)
        count += scrubbed
    return cleaned, count


def redact_kept(text: str, scope: Scope = "prose") -> tuple[str, int]:
    """`redact`, inside `withheld()` too: for the few short texts a figures-first capture keeps
    (capture/withheld_texts.py: the person's prompts, sessions' titles and summaries)."""
    token = _WITHHELD.set(False)
    try:
        return redact(text, scope)
    finally:
        _WITHHELD.reset(token)


# In bulk work (after prepare_bulk, the gate's DFA), short texts found clean (nothing to redact),
# with their scope, STRUCTURAL and LEARNED: transcripts repeat short texts (roles, paths, names, status
# lines), and what redaction makes of a text depends on the text, its scope and those two alone.
# Clean texts only (nothing the store would not hold), at most _CLEAN_SIZE, forgotten all at once
# when full and at each prepare_bulk (a hook keeps none; a test comparing gates reads every text).
_CLEAN_LENGTH = 512
_CLEAN_SIZE = 8192
_CLEAN: set[tuple[str, str, int]] = set()


def _redact_secrets(text: str, scope: Scope) -> tuple[str, int]:
    if scope not in SCOPES:
        raise ValueError(f"unknown redaction scope {scope!r}: expected one of {', '.join(SCOPES)}")
    if len(text) < 8:  # no secret is shorter
        return text, 0
    structural = STRUCTURAL
    learned = learned_now()
    if len(text) > _CLEAN_LENGTH or not anchor_gate._BULK[0]:
        return _redact_text(text, scope, structural, learned)
    key = (text, scope, 2 * structural + learned)
    if key in _CLEAN:
        return text, 0
    cleaned, count = _redact_text(text, scope, structural, learned)
    if not count:
        if len(_CLEAN) >= _CLEAN_SIZE:
            _CLEAN.clear()
        _CLEAN.add(key)
    return cleaned, count


def _redact_text(text: str, scope: Scope, structural: bool, learned: bool) -> tuple[str, int]:
    spans = _anchored_spans(text, scope)
    if not structural:
        return _replace(text, spans) if spans else (text, 0)
    # What hides a secret from the rules (escapes, split literals, entities) is read decoded, and
    # replaced where it is spelled (secrets/decoded_views.py). The structural rules read the most
    # decoded view only (a secret the text shows, its decoded view shows too); the anchored rules
    # read both, as they did before views.
    from lessonloop.secrets.structural import structural_spans, written_spans

    decoded = None
    if "\\" in text or "'" in text or '"' in text or "`" in text or "&" in text or "%" in text:
        from lessonloop.secrets.decoded_views import views

        found = views(text)
        decoded = found[-1] if found else None
    spans += [(begin, end, _STRUCTURAL_PRIORITY, kind) for begin, end, kind in written_spans(text)]
    if decoded is None:
        spans += [(begin, end, _STRUCTURAL_PRIORITY, kind) for begin, end, kind in structural_spans(text)]
    else:
        inner = _anchored_spans(decoded.text, scope)
        inner += [(begin, end, _STRUCTURAL_PRIORITY, kind) for begin, end, kind in structural_spans(decoded.text)]
        inner += [(begin, end, _STRUCTURAL_PRIORITY, kind) for begin, end, kind in written_spans(decoded.text)]
        for begin, end, priority, kind in inner:
            source = decoded.source_span(begin, end)
            spans.append((source[0], source[1], priority, kind))
    if spans:
        if any(end - begin >= 16 for begin, end, _priority, _kind in spans):  # (a sibling's seed is that long)
            from lessonloop.secrets.loose_tokens import sibling_spans

            seeds = [(begin, end) for begin, end, _priority, _kind in spans]
            spans += [(begin, end, _STRUCTURAL_PRIORITY, kind) for begin, end, kind in sibling_spans(text, seeds)]
        text, count = _replace(text, _with_repeats(text, spans))
    else:
        count = 0
    return _learned(text, scope, count) if learned else (text, count)


def _learned(text: str, scope: Scope, count: int) -> tuple[str, int]:
    """The last pass: what the rules left, read by the learned model (secrets/learned_tokens.py),
    until it finds nothing more (a word it redacts changes its neighbours' context; at most three
    rounds), so that redacting the result again changes nothing."""
    from lessonloop.secrets.learned_tokens import learned_spans
    from lessonloop.secrets.structural import public_before

    for _round in range(3):
        found = [span for span in learned_spans(text, scope) if not public_before(text, span[0], named=True)]
        if not found:
            break
        spans = [(begin, end, _STRUCTURAL_PRIORITY, kind) for begin, end, kind in found]
        text, more = _replace(text, _with_repeats(text, spans))
        count += more
    return text, count


_REPEATED_MIN = 8  # a value this long or longer found once is redacted wherever it stands again
_REPEATED_VALUES = 64
_FOUND_BY_SHAPE = frozenset({"random-token", "hex-key", "prefixed-token", "secret-value"})


def _with_repeats(text: str, spans: list[tuple[int, int, int, str]]) -> list[tuple[int, int, int, str]]:
    """The spans, and every other place the text spells a value they cover: a secret found once
    (`fly secrets set SESSION_SECRET=X` after `openssl rand -hex 32` printed X, `masterauth X` after
    `requirepass X`) is the same secret where nothing names it."""
    values: dict[str, tuple[int, str]] = {}
    for begin, end, priority, kind in spans:
        if kind in _FOUND_BY_SHAPE:
            continue  # the shape rules find each of their repeats themselves
        value = text[begin:end]
        # a word (`Passwort`) or a name (`invalid_command`): never spread; a secret has digits or symbols
        plain = value.replace("_", "").isalpha() or value.isidentifier() or all(c.isalpha() or c == " " for c in value)
        if (
            len(value) >= _REPEATED_MIN
            and len(set(value)) > 3
            and value not in values
            and "\n" not in value
            and not plain
        ):
            values[value] = (priority, kind)
            if len(values) >= _REPEATED_VALUES:
                break
    if not values:
        return spans
    covered = {(begin, end) for begin, end, _priority, _kind in spans}
    more: list[tuple[int, int, int, str]] = []
    for value, (priority, kind) in values.items():
        position = text.find(value)
        while position >= 0:
            end = position + len(value)
            if (position, end) not in covered:
                more.append((position, end, priority, kind))
            position = text.find(value, end)
    return spans + more if more else spans


def _anchored_spans(text: str, scope: Scope) -> list[tuple[int, int, int, str]]:
    encoded = text.encode("ascii", "replace")
    matches = anchor_gate.matches(text, encoded)
    # seed phrases, WIF keys, Ghost keys (secrets/unanchored.py): found without anchors
    loose = unanchored_spans(text, encoded) if len(text) >= SEARCH_LENGTH else None
    if not matches and not loose:  # most texts: nothing more to look at
        return []
    # start, end, priority (formats in order first), kind
    spans: list[tuple[int, int, int, str]] = (
        [(begin, end, _VENDORED_PRIORITY, kind) for begin, end, kind in loose] if loose else []
    )
    if not matches:
        return spans
    needed = {family for anchor, _start, _end in matches for family, _index in OWNERS[anchor]}
    formats = _family(FORMAT) if FORMAT in needed else None
    cli_flags = _family(CLIENT) if CLIENT in needed else None
    gitleaks_rules = _family(VENDORED) if VENDORED in needed else None
    seen_keys: set[int] = set()
    scanned: dict[int, int] = {}  # client rule -> where its last look ended
    searched: set[int] = set()  # format rules whose pattern has been searched for in the whole text
    near_searched: dict[int, int] = {}  # vendored rule -> where its last window around an anchor ended
    found_from: dict[int, int] = {}  # start -> end of the secrets the searched formats found
    # The furthest secret found so far: anchors inside it need no look (one look per anchor
    # would make a text of repeated anchors quadratic), those where it begins still do
    # (sk-ant- after sk-: the more specific rule names the secret).
    covered_from = covered = 0
    for anchor, start, end in matches:  # end: exclusive
        if covered_from < start < covered:
            continue
        for family, index in OWNERS[anchor]:
            if family == FORMAT:
                if index in searched:
                    continue
                assert formats is not None
                rule = formats.FORMAT_RULES[index]
                if rule.search:
                    searched.add(index)
                    secrets = formats.format_spans(rule, text, None)
                    found_from.update((begin, finish) for begin, finish, _kind in secrets)
                else:
                    secrets = formats.format_spans(rule, text, start)
                priority = index
            elif family == KEY:
                secrets = key_spans(text, start, end, scope, seen_keys)
                priority = _KEY_PRIORITY
            elif family == VENDORED:
                if start in found_from:
                    continue  # one of our formats has the secret that starts here (a ghp_, an AKIA)
                assert gitleaks_rules is not None
                secrets = gitleaks_rules.VENDORED_RULES[index].spans(text, start, ANCHORS[anchor], near_searched, index)
                priority = _VENDORED_PRIORITY + index
            else:
                assert family == CLIENT and cli_flags is not None
                secrets = cli_flags.client_spans(cli_flags.CLIENT_RULES[index], text, start, end, scanned, index)
                priority = _KEY_PRIORITY
            for begin, finish, kind in secrets:
                spans.append((begin, finish, priority, kind))
                if finish > covered:
                    covered_from, covered = begin, finish
    return spans


_DOCUMENTED = ("EXAMPLE", "EXAMPLEKEY")
# A test's placeholder passwords (`password='password123'` in a fixture): look-alikes in a text that
# is a test's code, a secret anywhere else (a weak password is still one).
_PLACEHOLDERS = frozenset(
    {"password", "password1", "password123", "passw0rd", "changeme", "secret", "secret123", "test", "test123",
     "testpass", "testpassword", "test-password", "test_password", "hunter2", "letmein", "123456", "admin123"}
)  # fmt: skip
_TEST_MARKS = ("def test", "@pytest.fixture", "fixture", "describe(", " it(", "test(", "TEST_", "_test.", ".spec.")


def _look_alike(text: str, value: str) -> bool:
    """A value shaped like a secret that says it is none (issue 82): AWS's documented example keys
    (`AKIAIOSFODNN7EXAMPLE`, `...EXAMPLEKEY`), base64 of a JSON document holding nothing redaction
    finds (a page token, a cursor), or a placeholder password in a test's code."""
    if value.endswith(_DOCUMENTED):
        return True
    if value.startswith("eyJ") and "." not in value and len(value) >= 16:
        import base64
        import binascii

        try:
            decoded = base64.b64decode(
                value + "=" * (-len(value) % 4), altchars=b"-_" if "-" in value or "_" in value else None
            )
            document = decoded.decode("utf-8")
        except (binascii.Error, ValueError):
            return False
        stripped = document.strip()
        return (
            stripped[:1] in "{["
            and stripped[-1:] in "}]"
            and stripped.isprintable()
            and _redact_secrets(stripped, "code")[1] == 0
        )
    return (
        value.lower() in _PLACEHOLDERS
        and ("eyJ" in text or "password" in text.lower())
        and any(mark in text for mark in _TEST_MARKS)
    )


def _replace(text: str, spans: list[tuple[int, int, int, str]]) -> tuple[str, int]:
    """Replace the spans; overlapping spans become one, named by the most specific kind. A value
    that says it is no secret is kept (`_look_alike`)."""
    spans = [span for span in spans if not _look_alike(text, text[span[0] : span[1]])]
    if not spans:
        return text, 0
    spans.sort()
    merged: list[list[Any]] = []
    for start, end, priority, kind in spans:
        if merged and start < merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], end)
            if priority < last[2]:
                last[2], last[3] = priority, kind
            continue
        merged.append([start, end, priority, kind])
    out: list[str] = []
    cursor = 0
    for start, end, _priority, kind in merged:
        out.append(text[cursor:start])
        out.append(f"[REDACTED:{kind}]")
        cursor = end
    out.append(text[cursor:])
    return "".join(out), len(merged)


def redact_value(value: Any, scope: Scope = "prose") -> tuple[Any, int]:
    """Redact every string inside a JSON-like value (before it is serialized, so quotes are real);
    a string under a secret-named key (`{"password": "..."}`) is replaced whole."""
    if _WITHHELD.get():
        return value, 0
    if isinstance(value, str):
        return redact(value, scope)
    if isinstance(value, dict):
        total = 0
        out: dict[Any, Any] = {}
        for key, item in value.items():
            out[key], count = _redact_item(key, item, scope)
            total += count
        return (out, total) if total else (value, 0)
    if isinstance(value, list):
        total = 0
        items: list[Any] = []
        for item in value:
            cleaned, count = redact_value(item, scope)
            items.append(cleaned)
            total += count
        if total:
            from lessonloop.secrets.private_key_parts import redact_key_items

            total += redact_key_items(items)  # a key written one line per item
        return (items, total) if total else (value, 0)
    return value, 0


def _redact_item(key: Any, item: Any, scope: Scope) -> tuple[Any, int]:
    """A value of a JSON object: a string under a secret-named key (`"password": "..."`) is a
    secret as a whole; anything else is redacted as a value."""
    if isinstance(item, str) and isinstance(key, str):
        kind = secret_value_kind(key, item, scope)
        if kind is not None:
            return f"[REDACTED:{kind}]", 1
    return redact_value(item, scope)


def scope_of_key(key: str) -> Scope:
    """The scope of a tool input's key: command lines, code (file contents, edits), or prose."""
    lowered = key.lower()
    if lowered in COMMAND_KEYS:
        return "command"
    if lowered in CODE_KEYS:
        return "code"
    return "prose"


def redact_tool_input(tool_input: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Redact a tool call's input, each key with its own scope: command lines ("command"), file
    contents and edits ("code": MultiEdit's edits[*], whose own keys then say old/new string),
    everything else ("prose")."""
    if _WITHHELD.get():
        return tool_input, 0
    total = 0
    out: dict[str, Any] = {}
    for key, item in tool_input.items():
        scope = scope_of_key(key) if isinstance(key, str) else "prose"
        if scope == "code" and isinstance(item, list):
            cleaned, count = _redact_edits(item)
        else:
            cleaned, count = _redact_item(key, item, scope)
        out[key] = cleaned
        total += count
    return (out, total) if total else (tool_input, 0)


def _redact_edits(edits: list[Any]) -> tuple[list[Any], int]:
    total = 0
    out: list[Any] = []
    for edit in edits:
        if isinstance(edit, dict):
            cleaned, count = redact_tool_input(edit)
            # Inside an edit, keys that are not code (replace_all, file_path) stay prose.
        else:
            cleaned, count = redact_value(edit, "code")
        out.append(cleaned)
        total += count
    return (out, total) if total else (edits, 0)
