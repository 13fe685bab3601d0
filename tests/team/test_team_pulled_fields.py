"""team/pulled_fields.py without a server: the depth-guarded JSON reader psycopg uses on the team's
connection, and the checks that give each field of a pulled item the one type the store writes
(issue 39, B2). The same on a real server: tests/team/test_team_push_checks.py."""

from __future__ import annotations

from typing import Any

import pytest

from lessonloop.lesson_model.triggers import Trigger
from lessonloop.team.pulled_fields import (
    Unreadable,
    command_payload,
    guarded_loads,
    lesson_payload,
    shown,
    time_field,
    trigger_field,
)
from lessonloop.team.server import incoming


def _deep(levels: int) -> str:
    return '{"title": ' + "[" * levels + "]" * levels + "}"


@pytest.mark.parametrize("levels", [150, 1023, 1200, 100_000])
def test_json_nested_past_what_python_can_walk_is_unreadable_not_an_exception(levels: int) -> None:
    for data in (_deep(levels), _deep(levels).encode(), memoryview(_deep(levels).encode())):
        value = guarded_loads(data)
        assert isinstance(value, Unreadable) and "nested deeper than 100 levels" in value.why
        with pytest.raises(ValueError, match="its texts are nested deeper than 100 levels"):
            lesson_payload(value)


def test_json_it_reads_comes_back_as_it_is() -> None:
    assert guarded_loads(b'{"a": [1, {"b": "c"}], "n": null}') == {"a": [1, {"b": "c"}], "n": None}
    assert guarded_loads('{"sessions": 1e400}') == {"sessions": float("inf")}  # the count check names it
    assert isinstance(guarded_loads(b"{not json"), Unreadable)


LESSON: dict[str, Any] = {
    "kind": "usage",
    "title": "`git push` without upstream fails",
    "body": "b",
    "prevention": "p",
    "prevention_command": "git push -u origin HEAD",
    "trigger": {"kind": "shell", "words": ["git", "push"], "lacks": ["-u"]},
    "trigger_text": "shell `git push`",
    "error_signature": "fatal: no upstream",
    "error_class": "GIT",
    "category": "shell",
    "severity": "high",
}


def test_a_lessons_texts_as_the_client_sends_them_pass_unchanged() -> None:
    got = lesson_payload(dict(LESSON))
    assert got == LESSON | {"trigger": Trigger.from_json(LESSON["trigger"]).to_json()}


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"title": ["a"]}, "its title is a JSON array, not a text"),
        ({"category": ["shell"]}, "its category is a JSON array, not a text"),
        ({"error_signature": {"a": 1}}, "its error_signature is a JSON object, not a text"),
        ({"error_class": 7}, "its error_class is a JSON number, not a text"),
        ({"trigger_text": True}, "its trigger_text is a JSON boolean, not a text"),
        ({"category": "c" * 201}, "its category is over 200 characters"),
        ({"title": "t" * 70_000}, "its title is over 65536 characters"),
        ({"trigger": "git push"}, "its trigger is a JSON string, not an object"),
        ({"trigger": {"words": ["git"]}}, "its trigger names no kind"),
        ({"trigger": {"kind": "shell"}}, "its trigger names no command, file or tool"),  # every shell call
        ({"trigger": {"kind": "edit", "unless": {"words": ["x"]}}}, "would speak before every edit call"),
        ({"trigger": {"kind": "shell", "words": "git"}}, "trigger's words is not a list"),
        ({"trigger": {"kind": "shell", "words": [["git"]]}}, "trigger's words is not a text"),
        ({"trigger": {"kind": "shell", "unless": ["git"]}}, "its trigger's unless is a JSON array"),
        ({"trigger": {"kind": "shell", "unless": {"words": [1]}}}, "trigger's unless's words is not a text"),
        ({"trigger": {"kind": "shell", "words": [[[[[["git"]]]]]]}}, "its texts nest deeper than 6 levels"),
    ],
)
def test_a_field_of_another_type_names_itself(changes: dict[str, Any], said: str) -> None:
    with pytest.raises(ValueError, match=said):
        lesson_payload(LESSON | changes)


def test_what_is_normalized_rather_than_refused() -> None:
    got = lesson_payload(LESSON | {"severity": "urgent", "unknown": ["anything"], "trigger": None})
    assert got["severity"] is None  # the writer's default, medium
    assert "unknown" not in got and got["trigger"] is None
    assert lesson_payload({}) == dict.fromkeys((*LESSON, "trigger"))
    legacy = trigger_field({"tool": "Bash", "words": ["git", "push"]})  # before issue 13: a tool, no kind
    assert legacy is not None and legacy["kind"] == "shell"


def test_a_run_records_texts() -> None:
    assert command_payload({"command": "make check", "program": "make", "x": [1]}) == {
        "command": "make check",
        "program": "make",
    }
    for bad, said in (({"command": ["make"]}, "its command is a JSON array"), ({}, "its command is missing")):
        with pytest.raises(ValueError, match=said):
            command_payload(bad)
    with pytest.raises(ValueError, match="its texts are a JSON array, not an object"):
        command_payload(["make"])


def test_times_and_what_a_message_shows() -> None:
    assert time_field("2026-11-01T09:00:00.000Z", "first seen") == "2026-11-01T09:00:00.000Z"
    assert time_field("not a time", "first seen") is None
    with pytest.raises(ValueError, match="its last seen is not a time"):
        time_field(["2026"], "last seen")
    assert shown("[bold red]x\x1b[2J") == "?bold?red?x??2J"  # no markup, no terminal control
    assert shown("a" * 100) == "a" * 40


def _row(kind: str, payload: Any, members: list[str]) -> tuple[Any, ...]:
    """A row of pull_items: seq, id, kind, project, signature, payload, rejected_by, reject_reason,
    totals, members, first_seen, last_seen, author, member_counts."""
    counts = {"runs": 2} if members else {}
    author = members[0] if members else None
    return (7, "f" * 32, kind, "", "sig", payload, None, None, counts, members, None, None, author, {})


def test_a_tombstone_of_any_kind_is_read_so_its_copy_goes() -> None:
    """Every contributor forgot it: no texts ({}), no members. A command's has no command, and is
    still read (a skipped tombstone would leave the copy for good)."""
    for kind in ("lesson", "command"):
        item = incoming(_row(kind, {}, []))
        assert item.forgotten and item.payload == {}
    live = incoming(_row("command", {"command": "make check", "program": "make"}, ["bob"]))
    assert not live.forgotten and live.payload["command"] == "make check" and live.totals == {"runs": 2.0}
    with pytest.raises(ValueError, match="its command is missing"):
        incoming(_row("command", {}, ["bob"]))
