"""Redacting what leaves the store field by field (secrets/field_redaction.py): each field in its
scope, tool inputs key by key, JSON documents held in strings, secret-named keys, deep nesting."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from lessonloop.core import json_codec
from lessonloop.secrets.field_redaction import (
    MAX_DEPTH,
    field_scope,
    redact_field,
    redact_fields,
    redact_text,
    redact_tool_input_fields,
)
from lessonloop.secrets.redaction import redact
from tests.secret_samples import ANTHROPIC, GITHUB_PAT_CLASSIC, LOOK_ALIKES

TOKEN_TEXT = f"push with {GITHUB_PAT_CLASSIC}"
CLEAN = "push with [REDACTED:github-token]"


def test_fields_take_the_scope_of_their_name_and_pass_it_down() -> None:
    assert field_scope("command", "prose") == "command"
    assert field_scope("prevention_command", "prose") == "command"
    assert field_scope("diff", "prose") == "code"
    assert field_scope("new_string", "output") == "code"
    assert field_scope("result_text", "prose") == "output"
    assert field_scope("title", "output") == "output"  # inherited: a match's text under "matches"


@pytest.mark.parametrize("scope", ["prose", "command", "code", "output"])
def test_each_field_is_redacted_as_the_redactor_does_in_its_scope(scope: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from lessonloop.secrets import field_redaction

    seen: list[tuple[str, str]] = []

    def spy(text: str, given: str = "prose") -> tuple[str, int]:
        seen.append((text, given))
        return redact(text, given)  # type: ignore[arg-type]

    monkeypatch.setattr(field_redaction, "redact", spy)
    key = {"prose": "title", "command": "command", "code": "diff", "output": "stderr"}[scope]
    value = {"items": [{key: TOKEN_TEXT, "n": 3}]}
    cleaned, count = redact_fields(value)
    assert cleaned == {"items": [{key: CLEAN, "n": 3}]} and count == 1
    assert (TOKEN_TEXT, scope) in seen


def test_nothing_found_returns_the_same_objects() -> None:
    value = {"a": [{"b": "plain text", "n": 1.5, "ok": True, "none": None}], "t": ("x", "y")}
    cleaned, count = redact_fields(value)
    assert cleaned is value and count == 0


def test_a_json_document_in_a_string_is_redacted_field_by_field_and_rewritten_only_when_changed() -> None:
    document = json_codec.dumps({"command": TOKEN_TEXT, "list": ["fine"]})
    cleaned, count = redact_text(document)
    assert json_codec.loads(cleaned) == {"command": CLEAN, "list": ["fine"]} and count == 1
    untouched = '{"a": 1,   "b": "spaces kept"}'
    assert redact_text(untouched) == (untouched, 0)
    assert redact_text("[not json] " + TOKEN_TEXT)[0] == "[not json] " + CLEAN


def test_a_tool_input_stored_as_json_is_redacted_key_by_key() -> None:
    stored = json_codec.dumps({"command": TOKEN_TEXT, "description": "run it", "timeout": 5})
    cleaned, count = redact_field("input_json", stored)
    assert json_codec.loads(cleaned) == {"command": CLEAN, "description": "run it", "timeout": 5} and count == 1
    as_dict, _ = redact_field("input", {"new_string": TOKEN_TEXT, "file_path": "/a.py"})
    assert as_dict == {"new_string": CLEAN, "file_path": "/a.py"}


def test_a_string_under_a_secret_named_key_is_redacted_as_an_assignment() -> None:
    cleaned, count = redact_fields({"db": {"password": "hunter2", "user": "app"}, "api_key": "Zx81kQp0Lm2Vn7Rt"})
    assert count == 2
    assert "hunter2" not in str(cleaned) and "Zx81kQp0Lm2Vn7Rt" not in str(cleaned)
    assert cleaned["db"]["user"] == "app"
    tool_input, found = redact_tool_input_fields({"server": "db", "password": "hunter2"})
    assert found == 1 and tool_input["password"].startswith("[REDACTED")
    # Names that merely contain a keyword keep values that are no secret.
    kept = {"tokens": {"input": 10}, "max_tokens": 4096, "secrets_redacted": 2, "password_field": "form.password"}
    assert redact_fields(kept) == (kept, 0)


def test_dataclasses_are_walked_as_their_fields() -> None:
    @dataclass
    class Row:
        title: str
        n: int

    cleaned, count = redact_fields([Row(TOKEN_TEXT, 1)])
    assert cleaned == [{"title": CLEAN, "n": 1}] and count == 1
    plain = [Row("nothing", 1)]
    assert redact_fields(plain)[0] is plain


def _strings(value: object) -> list[str]:
    out, stack = [], [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return out


def test_values_nested_deeper_than_the_limit_are_redacted_without_exhausting_the_stack() -> None:
    deep: object = {"command": f"x {ANTHROPIC}", "other": "kept"}
    for _ in range(3 * MAX_DEPTH + 500):
        deep = {"next": [deep]}
    cleaned, count = redact_fields(deep)
    assert count == 1 and "x [REDACTED:anthropic-key]" in _strings(cleaned) and "kept" in _strings(cleaned)
    for levels in (3 * MAX_DEPTH, 2000):  # orjson reads the first, not the second: both are redacted
        text = '{"next":[' * levels + f'{{"command":"x {ANTHROPIC}"}}' + "]}" * levels
        cleaned_text, found = redact_text(text)
        assert found == 1 and ANTHROPIC not in cleaned_text and cleaned_text.startswith('{"next":[{"next":[')
        stored, n = redact_field("input_json", text)
        assert n == 1 and ANTHROPIC not in stored


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_stay_in_every_field(text: str) -> None:
    value = {"title": text, "command": text, "diff": text, "result_text": text, "input": {"command": text}}
    assert redact_fields(value) == (value, 0)


def test_redacting_again_changes_nothing() -> None:
    value = {"command": TOKEN_TEXT, "password": "hunter2", "detail": json_codec.dumps({"text": TOKEN_TEXT})}
    once, _ = redact_fields(value)
    assert redact_fields(once) == (once, 0)
