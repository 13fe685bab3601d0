"""`lessonloop rules [show|approve|withdraw] [FOLDER]`: the `never` workflow rules that act at the
call for a project (analyze/declared_rules.py: lessonloop's own stop once, an unapproved project
file's warn), and this person's approval of the project's rules file by the digest of its bytes
(store/approved_rules.py)."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass

from lessonloop.analyze.declared_rules import MAX_RULES_BYTES, RULES_FILE, file_digest
from lessonloop.analyze.workflow import DEFAULT_RULES, Rule, RulesError, rules_from_file_text
from lessonloop.cli.common import CommandError, emit_json, open_cli_store, shown
from lessonloop.store.approved_rules import Approval, approval, approve, withdraw
from lessonloop.store.location import resolve_db_path_text


@dataclass(frozen=True, slots=True)
class RulesFile:
    """A project's rules file as it is now: its path (real), bytes' digest and rules (or its problem)."""

    path: str
    digest: str | None
    rules: tuple[Rule, ...]
    problem: str | None


def cmd_show(args: argparse.Namespace) -> int:
    found = _find(args.folder, required=False)
    held: Approval | None = None
    if found is not None and os.path.exists(resolve_db_path_text(args.db)):
        with open_cli_store(args.db, reading=True) as conn:
            held = approval(conn, found.path)
    state = _state(found, held)
    rules = found.rules if found is not None and found.problem is None else DEFAULT_RULES
    builtin = {(rule.id, rule.when) for rule in DEFAULT_RULES}
    rows = []
    for rule in rules:
        if not rule.enabled:
            continue
        own = (rule.id, rule.when) in builtin
        at_call = ("stop once" if own or state == "approved" else "warn") if rule.kind == "never" else None
        rows.append(
            {
                "id": rule.id,
                "kind": rule.kind,
                "whose": "lessonloop" if own else "project",
                "at_call": at_call,
                "severity": rule.severity,
                "description": rule.description,
            }
        )
    if args.json:
        emit_json(
            {
                "file": found.path if found else None,
                "problem": found.problem if found else None,
                "approval": state,
                "approved_at": held.approved_at if held else None,
                "sha256": found.digest if found else None,
                "rules": rows,
            }
        )
        return 0
    print(_file_line(found, state, held))
    print()
    for row in rows:
        when = row["at_call"] or "checked after the session (lessonloop analyze)"
        whose = "lessonloop's own" if row["whose"] == "lessonloop" else "the project's"
        print(f"  {row['id']}  [{row['kind']}, {whose}]  {when}")
        if row["description"]:
            print(f"      {shown(str(row['description']))}")
    return 0


def cmd_approve(args: argparse.Namespace) -> int:
    found = _find(args.folder, required=True)
    assert found is not None
    if found.problem is not None or found.digest is None:
        raise CommandError(f"not approved: {found.problem or 'the file could not be read'}")
    with open_cli_store(args.db) as conn:
        done = approve(conn, found.path, found.digest)
    never = [rule.id for rule in found.rules if rule.enabled and rule.kind == "never"]
    if args.json:
        emit_json({**done.to_json(), "never_rules": never})
        return 0
    print(f"Approved {shown(found.path)} as it is now (sha256 {found.digest[:12]}…).")
    if never:
        print(f"Its never rules now stop a call once: {', '.join(never)}.")
    print("A change to the file makes its rules warn again until you approve it anew.")
    return 0


def cmd_withdraw(args: argparse.Namespace) -> int:
    found = _find(args.folder, required=True)
    assert found is not None
    with open_cli_store(args.db) as conn:
        removed = withdraw(conn, found.path)
    if args.json:
        emit_json({"path": found.path, "withdrawn": removed})
        return 0
    if removed:
        print(f"Approval of {shown(found.path)} withdrawn: its rules warn again.")
    else:
        print(f"{shown(found.path)} was not approved: nothing changed.")
    return 0


def _find(folder: str | None, *, required: bool) -> RulesFile | None:
    """The rules file named, or the nearest `.lessonloop/workflow.toml` from FOLDER (else the current
    folder) up to the file system's root; None (or an error when `required`) when there is none."""
    start = os.path.abspath(os.path.expanduser(folder or "."))
    if folder is not None and not os.path.exists(start):
        raise CommandError(f"{start}: no such file or folder")
    path: str | None = start if os.path.isfile(start) else None
    at = start
    while path is None:
        candidate = os.path.join(at, RULES_FILE)
        if os.path.isfile(candidate):
            path = candidate
            break
        parent = os.path.dirname(at)
        if parent == at:
            break
        at = parent
    if path is None:
        if required:
            raise CommandError(f"no {RULES_FILE} in {start} or a folder above it: nothing to approve")
        return None
    real = os.path.realpath(path)
    try:
        with open(real, "rb") as handle:
            data = handle.read(MAX_RULES_BYTES + 1)
    except OSError as exc:
        raise CommandError(f"{real}: cannot read it: {exc.strerror or exc}") from exc
    if len(data) > MAX_RULES_BYTES:
        return RulesFile(real, None, (), f"{real} is larger than {MAX_RULES_BYTES:,} bytes: it is not read at the call")
    try:
        rules = tuple(rules_from_file_text(data.decode("utf-8"), real))
    except UnicodeDecodeError as exc:
        return RulesFile(real, None, (), f"{real}: not UTF-8 text (byte {exc.start})")
    except (RulesError, ValueError) as exc:
        return RulesFile(real, None, (), str(exc))
    return RulesFile(real, file_digest(data), rules, None)


def _state(found: RulesFile | None, held: Approval | None) -> str | None:
    """approved | changed (approved, then changed) | not approved | None (no rules file)."""
    if found is None:
        return None
    if held is None:
        return "not approved"
    return "approved" if found.digest is not None and held.sha256 == found.digest else "changed"


def _file_line(found: RulesFile | None, state: str | None, held: Approval | None) -> str:
    if found is None:
        return f"No {RULES_FILE} here or above: lessonloop's own rules act at the call."
    where = shown(found.path)
    if found.problem is not None:
        return f"{where} cannot be used ({shown(found.problem)}): lessonloop's own rules act at the call."
    if state == "approved":
        assert held is not None
        return f"{where}: approved by you at {held.approved_at}; its never rules stop a call once."
    if state == "changed":
        assert held is not None
        return (
            f"{where}: changed since you approved it at {held.approved_at}; its rules warn until you approve it "
            "again (lessonloop rules approve)."
        )
    return f"{where}: not approved; its never rules warn (lessonloop rules approve lets them stop a call once)."
