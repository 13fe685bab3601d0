"""Learning during a session, from the calls the hooks stored: when a success fixes a learnable
failure of this session, run the same Learner batch learning runs over the session's recent calls
and merge what it learns into the store (store/lessons/writer.merge_live); a call that teaches by
itself (learn_at_once) is learned from the same way. Every session can then be warned at once;
batch learning after the transcript is ingested recounts the same lessons from the whole history.

The PostToolUse hook only decides, cheaply, whether there is something to learn
(`at_once_wanted`, `fixes_open_failure`: no learner imported) and hands the learning to a worker
(`learn_later`): a job line appended to a queue file next to the store, and the worker
`python -I -m lessonloop.learning.live.worker` started with os.posix_spawn (session_end.spawn_detached)
unless one is running. The hook returns at once; the learner (about 150 ms of imports) runs in
the worker, one at a time (its lock), and the lesson is in the store a fraction of a second later,
before the agent's next call in practice (its turn takes seconds). `LESSONLOOP_HOOK_FOREGROUND=1`
(the tests) makes the hook run the worker's loop itself and wait for it."""

from __future__ import annotations

import json
import os
import sqlite3

from lessonloop.apply.hooks.hook_store import on_disk, write
from lessonloop.core.timestamps import utc_now
from lessonloop.store.hooks import LiveCall, recent_calls

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from lessonloop.learning.engine.events import CallEvent
    from lessonloop.lesson_model.lesson import Lesson

QUEUE_FILE = "learn-queue"  # the learning worker's jobs, one JSON object a line, next to the store
LOCK_FILE = "learn.lock"  # held by the worker that empties the queue: one at a time
WORKER_MODULE = "lessonloop.learning.live.worker"  # run as its own process: the hook never imports it
RECENT_CALLS = 200  # the session's calls the learner reads (its HISTORY)


def fixes_open_failure(conn: sqlite3.Connection, session_id: str, through_seq: int | None = None) -> bool:
    """Whether the session's last call (up to `through_seq`) may fix an open learnable failure:
    one of the OPEN_LIMIT calls before it failed with a learnable class (learning/engine/learnable.py,
    which imports nothing). The hook's check before it hands the session to the worker."""
    from lessonloop.learning.engine.learnable import LEARNABLE_CLASSES, OPEN_LIMIT

    rows = recent_calls(conn, session_id, OPEN_LIMIT + 1, through_seq)
    return any(_open(r, LEARNABLE_CLASSES) for r in rows[1:])


def _open(row: LiveCall, learnable: frozenset[str]) -> bool:
    """Whether a stored call (recent_calls') is a failure a later success may teach from: a
    learnable class, or a search that found nothing (a later call may show where the file was:
    learning/engine/search_lessons.py)."""
    if row.status != "error":
        return False
    if row.error_class in learnable:
        return True
    command, error = row.command, row.error_text
    if not isinstance(command, str) or (error if isinstance(error, str) else "").strip() not in ("", "Exit code 1"):
        return False
    from lessonloop.analyze.file_search import program_of  # (a failure with nothing said only: light)

    return program_of(command.split(None, 1)) is not None  # rg or fd: a file search by name


def learn_from_session(
    conn: sqlite3.Connection,
    session_id: str,
    project: str | None,
    cwd: str | None,
    *,
    review: bool = False,
    through_seq: int | None = None,
) -> int:
    """Learn from this session's stored calls (up to `through_seq`: the call the hook stored, not
    those that came after it) when the last one may fix an open failure; returns how many lessons
    were created or reinforced. `review` (the configuration's `lessons.review`): a new lesson is
    stored pending, for the person to approve before any agent sees it."""
    from lessonloop.learning.engine.learnable import LEARNABLE_CLASSES, OPEN_LIMIT

    rows = recent_calls(conn, session_id, RECENT_CALLS, through_seq)
    rows.reverse()
    if not any(_open(r, LEARNABLE_CLASSES) for r in rows[-OPEN_LIMIT - 1 : -1]):
        return 0
    branch = current_branch(cwd) if cwd else None
    calls = (
        _event(
            row.id, session_id, row.seq, row.ts, row.tool, row.input_json, row.target, row.command, row.cwd,
            row.status, row.error_text, row.error_class, project, branch, cwd,
        )
        for row in rows
    )  # fmt: skip
    return _learn(conn, calls, review, lambda _lesson: True)


def _event(
    call_id: str, session_id: str, seq: int, ts: str | None, tool: str, input_json: str | None,
    target: str | None, command: str | None, call_cwd: str | None, status: str, error_text: str | None,
    error_class: str | None, project: str | None, branch: str | None, cwd: str | None,
    result_text: str | None = None,
) -> CallEvent:  # fmt: skip
    """A call the hooks stored, as learning reads it."""
    from lessonloop.analyze.inputs import Call
    from lessonloop.core.handler_tools import kind_of
    from lessonloop.learning.engine.events import CallEvent

    call = Call(
        call_id, session_id, seq, ts, tool, json.loads(input_json) if input_json else {}, target, command,
        call_cwd, status, None, error_text, result_text=result_text, kind=kind_of(tool),
    )  # fmt: skip
    return CallEvent(call, session_id, project, branch, call_cwd or cwd, error_class)


def _learn(
    conn: sqlite3.Connection,
    events: Iterable[CallEvent],
    review: bool,
    keep: Callable[[Lesson], bool],
    known_ends: Iterable[tuple[str, str, str]] = (),
) -> int:
    """Batch learning's loop over `events`, as live learning always ran it (no corrections, no hook
    warnings taken in, the session not ended: it is still running); the lessons it made or
    reinforced that `keep` keeps merged into the store now; `known_ends`: (session, file, line
    ends) known before the events (the file on disk). Returns how many."""
    from lessonloop.learning.engine.engine import Learner, Policy
    from lessonloop.learning.engine.learning_loop import run_loop
    from lessonloop.store.lessons.writer import merge_live

    learner = Learner(Policy(review=review))
    for session_id, path, ends in known_ends:
        learner.saw_line_ends(session_id, path, ends)
    learner = run_loop(learner, events, {}, end_all=False)
    learned = [lesson for lesson in learner.lessons.values() if lesson.failed_sessions and keep(lesson)]
    if not learned:
        return 0
    moment = utc_now()
    write(conn, lambda c: [merge_live(c, lesson, moment) for lesson in learned])
    return len(learned)


# The classes of failures that do not teach at their first occurrence (learning/engine/general_lessons.py's
# RECUR_FIRST) or are not the agent's own (analyze/agent_failures.py): nothing to learn at once.
# (written out: a success's hook imports nothing of analysis; a test keeps it equal to theirs)
_NOT_AT_ONCE = frozenset({"", "UNKNOWN", "CHECK_FAILED", "CASCADE", "USER_REJECTED", "INTERRUPTED", "STOPPED"})


def at_once_wanted(call: dict[str, object], project: str | None) -> bool:
    """Whether one call may teach by itself (learn_at_once): a failure of a class that teaches at
    its first occurrence, or a search for a file by name that found nothing, in a project. The
    hook's check before it hands the call to the worker (no learner imported)."""
    if not project:
        return False
    given = call.get("command")
    command = given if isinstance(given, str) else None
    if call.get("status") == "error" and (call.get("error_class") or "") not in _NOT_AT_ONCE:
        return True
    if call.get("status") == "error" and command is not None and _rejected_by_a_named_check(command, call):
        return True  # a commit's hook named the check that failed: learning/engine/check_lessons.py learns it at once
    # (rg lists files by name with --files; fd always does)
    if command is None or ("--files" not in command and "fd" not in command):
        return False
    from lessonloop.analyze.file_search import sought_names
    from lessonloop.lesson_model.triggers import command_segments

    return any(sought_names(words) for words in command_segments(command))


def _rejected_by_a_named_check(command: str, call: dict[str, object]) -> bool:
    """Whether a failed commit or push (a job git hooks check) was rejected by a check its hook
    names (`[DIALYZER]`, `flake8....Failed`)."""
    from lessonloop.lesson_model.triggers import command_segments, hooked_job, named_checks

    error = call.get("error_text")
    return hooked_job(command_segments(command)) and bool(named_checks(error if isinstance(error, str) else None))


def learn_at_once(
    conn: sqlite3.Connection,
    call: dict[str, object],
    project: str | None,
    cwd: str | None,
    *,
    review: bool = False,
) -> int:
    """Learn at once what one call teaches by itself and says in its own session too, as batch
    learning and replay have it (the one decision lets such a lesson speak in the session that
    taught it): a search for a file by name that found nothing (learning/engine/search_lessons.py); a
    failure of a class that teaches at its first occurrence whose lesson speaks there (a program
    that does not exist here, a script's form and its family, a form of the command line the
    shell refuses, a tool's parameter rule, a check a commit's hook named). `call`: the call as
    post_tool stored it. Returns how many lessons were created or reinforced (0 at once for any
    other call: nothing more is imported)."""
    if not at_once_wanted(call, project):
        return 0
    given = call.get("command")
    command = given if isinstance(given, str) else None
    event = _event(
        str(call["id"]), str(call["session_id"]), 0, str(call["ts"]), str(call["tool"]),
        call.get("input_json"), call.get("target_path"), command, call.get("cwd"),  # type: ignore[arg-type]
        str(call["status"]), call.get("error_text"), call.get("error_class"), project,  # type: ignore[arg-type]
        # the branch as batch learning has it: a signature names it <branch>, the same lesson
        current_branch(cwd) if cwd else None, cwd, call.get("result_text"),  # type: ignore[arg-type]
    )  # fmt: skip
    return _learn(conn, [event], review, _speaks_here, _ends_on_disk(event))


def _ends_on_disk(event: CallEvent) -> list[tuple[str, str, str]]:
    """(session, file, line ends on disk) for a failed edit whose old text has LF line ends (the
    hook learns from it a moment after it failed: the file is as the edit met it), else []."""
    call = event.call
    if call.kind != "edit" or call.status != "error" or not call.target_path:
        return []
    from lessonloop.learning.engine.general_lessons import line_ends_param

    if line_ends_param(call) is None:
        return []
    from lessonloop.analyze.line_endings import file_endings

    ends = file_endings(on_disk(call.target_path, event.cwd))
    return [(event.session_id, call.target_path, ends)] if ends else []


def learn_later(
    db: str,
    call: dict[str, object],
    project: str | None,
    cwd: str | None,
    *,
    review: bool,
    at_once: bool,
    session: bool,
) -> None:
    """Hand the learning from the call the hook just stored to the learning worker: `at_once`,
    what the call teaches by itself (learn_at_once); `session`, what the session's calls up to it
    teach (learn_from_session). One job line appended to the queue (appends of one line are
    atomic), then the worker started unless one holds the lock (the worker that holds it reads
    the queue again before it leaves: the job is never left behind). With
    $LESSONLOOP_HOOK_FOREGROUND=1 the hook runs the worker's loop itself and waits for it."""
    from lessonloop.apply.hooks.session_end import foreground, lock_held, queue_folder, spawn_detached, worker_command

    job = {"call": call, "project": project, "cwd": cwd, "review": review, "at_once": at_once, "session": session}
    folder = queue_folder(db)
    os.makedirs(folder, exist_ok=True)
    line = (json.dumps(job, ensure_ascii=False) + "\n").encode("utf-8", "replace")
    fd = os.open(os.path.join(folder, QUEUE_FILE), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)
    if foreground():
        from lessonloop.learning.live.worker import run_queue

        run_queue(db)
    elif not lock_held(os.path.join(folder, LOCK_FILE)):
        spawn_detached(*worker_command(WORKER_MODULE, db))


def _speaks_here(lesson: Lesson) -> bool:
    """Whether the one decision lets a lesson speak in the session that taught it: any lesson but
    a general one that leaves its own session to the warning about the same call resent."""
    trigger = lesson.trigger
    return trigger is not None and (not trigger.until_worked or trigger.speaks_where_learned)


def current_branch(cwd: str) -> str | None:
    """The branch checked out in the repository holding `cwd` (read from HEAD; None when
    detached or not a repository)."""
    folder = os.path.abspath(cwd)
    while True:
        dot_git = os.path.join(folder, ".git")
        if os.path.isdir(dot_git):
            head = os.path.join(dot_git, "HEAD")
            break
        if os.path.isfile(dot_git):
            from lessonloop.capture.project_resolver import linked_gitdir

            gitdir = linked_gitdir(dot_git)
            if gitdir is None:
                return None
            head = os.path.join(gitdir, "HEAD")
            break
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent
    try:
        with open(head, encoding="utf-8", errors="replace") as handle:
            ref = handle.readline().strip()
    except OSError:
        return None
    prefix = "ref: refs/heads/"
    return ref[len(prefix) :] if ref.startswith(prefix) else None
