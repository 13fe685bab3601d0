"""The optional trigger fields for lessons made of a person's words (lesson_model/triggers.py,
issue 24): `operands` (exactly these non-option words) and `with_flags` (one of these options)."""

from __future__ import annotations

from lessonloop.lesson_model.triggers import Trigger, command_segments

CWD = "/home/dev/app"


def shape(trigger: Trigger, command: str, cwd: str | None = CWD) -> bool:
    return trigger.matches_shape("shell", command_segments(command), None, cwd)


def test_operands_name_exactly_the_rejected_paths_whatever_the_options() -> None:
    mkdir = Trigger("shell", ("mkdir",), operands=("build/tmp",))
    assert shape(mkdir, "mkdir build/tmp")
    assert shape(mkdir, "mkdir -p build/tmp")
    assert shape(mkdir, "cd /home/dev/app && mkdir -p ./build/tmp")
    assert shape(mkdir, "mkdir /home/dev/app/build/tmp")
    assert shape(mkdir, "mkdir -p build/tmp/cache")  # a path under the rejected one
    assert not shape(mkdir, "mkdir other/dir")
    assert not shape(mkdir, "mkdir -p build")
    assert not shape(mkdir, "mkdir build/tmp other/dir")  # names something else too
    assert not shape(mkdir, "mkdir")


def test_no_operands_means_exactly_none_and_absent_means_any() -> None:
    bare = Trigger("shell", ("git", "push"), operands=())
    assert shape(bare, "git push")
    assert shape(bare, "git push --force")
    assert not shape(bare, "git push origin main")
    anything = Trigger("shell", ("git", "push"))
    assert shape(anything, "git push origin main")


def test_every_operand_must_be_named() -> None:
    push = Trigger("shell", ("git",), operands=("push", "origin", "main"))
    assert shape(push, "git push origin main")
    assert shape(push, "git push -f origin main")
    assert not shape(push, "git push origin")
    assert not shape(push, "git push origin feature")


def test_with_flags_needs_one_of_the_flags_or_an_alias() -> None:
    no_verify = Trigger("shell", ("git", "commit"), with_flags=("--no-verify",))
    assert shape(no_verify, "git commit --no-verify -m x")
    assert not shape(no_verify, "git commit -m x")
    force = Trigger("shell", ("git", "push"), with_flags=("--force",))
    assert shape(force, "git push -f origin main")  # -f means --force for git push


def test_the_new_fields_round_trip_and_leave_other_keys_alone() -> None:
    trigger = Trigger("shell", ("mkdir",), operands=("build/tmp",), with_flags=("-p",))
    again = Trigger.from_json(trigger.to_json())
    assert (again.operands, again.with_flags) == (("build/tmp",), ("-p",))
    assert again.key() == trigger.key()
    assert Trigger.from_json(Trigger("shell", ("git",), operands=()).to_json()).operands == ()
    plain = Trigger("shell", ("git", "push"))
    assert "operands" not in plain.to_json() and "with_flags" not in plain.to_json()
    assert plain.key() == "shell\x1egit push\x1e\x1e\x1e"  # as before the fields existed: signatures unchanged
    assert trigger.key() != Trigger("shell", ("mkdir",)).key()
    assert trigger.describe() == "shell `mkdir build/tmp` with -p"
