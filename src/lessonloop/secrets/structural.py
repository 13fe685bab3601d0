"""The rules that read a secret by where it stands rather than by its anchor words (issue 60):
run after the anchored rules of secrets/redaction.py, on the text and on its decoded views
(secrets/decoded_views.py: JSON and `\\u` escapes undone, split literals joined).

- secrets/loose_tokens.py: prefixed service tokens, random tokens next to a secret's name;
- secrets/key_material.py: key blocks, minisign/signify keys, byte-array keys, key files read;
- secrets/program_passwords.py: passwords given to programs by the form of their options;
- secrets/secret_stores.py: values given to secret managers, Kubernetes Secrets' data;
- secrets/spoken_passwords.py: passwords told in other languages, `admin / PW`.

Each rule runs only where a substring it needs occurs (a few `in` tests on a text without any).
"""

from __future__ import annotations

from lessonloop.core.lazy_regex import LazyRegex
from lessonloop.secrets import assignments

_PATHLIKE = ("/", "\\", "./", "~/")
_MARKER = LazyRegex(r"\[REDACTED:[a-z0-9-]{1,60}\]")


def value_ok(value: str) -> bool:
    """A value given in a place that names a secret: a secret unless it is a placeholder, a
    variable, a template, a path, a number, or a word without digits or symbols."""
    if not assignments.common_value_ok(value, 4):
        return False
    if value[0] in "$%{[(@*#!&~.-<" or any(c in value for c in "(){}$"):
        return False
    if value.count("/") >= 2 or value.startswith(_PATHLIKE):
        return False
    if assignments.all_caps_name(value) or assignments.dotted_name(value):
        return False
    return assignments.shaped(value) or assignments.long_and_mixed_case(value)


def store_value_ok(value: str) -> bool:
    """A value given to a secret manager: every value but placeholders, templates and variables
    (a JSON document of secrets included)."""
    if value.startswith(("{", "[")) and len(value) >= 6:
        return True
    if not assignments.common_value_ok(value, 4):
        return False
    return not (value[0] in "$%<@" or "${" in value or "{{" in value or assignments.all_caps_name(value))


def structural_spans(text: str) -> list[tuple[int, int, str]]:
    """Every span of `text` the structural rules find (start, end, kind)."""
    spans: list[tuple[int, int, str]] = []
    if len(text) < 8:
        return spans
    from lessonloop.secrets import loose_tokens

    if "_" in text or "-" in text:
        spans += loose_tokens.prefixed_spans(text)
    spans += loose_tokens.named_spans(text)
    spans += loose_tokens.random_spans(text)
    from lessonloop.secrets.hex_keys import hex_spans

    spans += hex_spans(text)
    from lessonloop.secrets.context_values import context_spans

    spans += context_spans(text)
    if "-----BEGIN" in text or "untrusted comment" in text or "[" in text or "\n" in text:
        from lessonloop.secrets import key_material

        if "-----BEGIN" in text:
            spans += key_material.block_spans(text)
        if "untrusted comment" in text:
            spans += key_material.untrusted_comment_spans(text)
        if "[" in text and "," in text:
            spans += key_material.byte_array_spans(text)
        if "\n" in text:
            spans += key_material.key_file_spans(text)
    from lessonloop.secrets import program_passwords, secret_stores, spoken_passwords

    spans += program_passwords.program_spans(text, value_ok)
    lowered_needles = ("ecret", "ECRET", "kv ", "config:set", "config set", "ssm ")
    if any(needle in text for needle in lowered_needles):
        spans += secret_stores.store_command_spans(text, store_value_ok)
        if "Secret" in text:
            spans += secret_stores.k8s_secret_spans(text)
    spans += spoken_passwords.spoken_spans(text, value_ok)
    if spans and "[REDACTED:" in text:
        # a marker is never read again: redacting twice changes nothing
        markers = [(found.start(), found.end()) for found in _MARKER.finditer(text)]
        spans = [span for span in spans if not any(span[0] < end and start < span[1] for start, end in markers)]
    return spans
