"""File prediction over the store (docs/files.md): a repository's model kept up to date with the
commits and chats stored since it last learned, predictions from it, and the time-ordered
evaluation of a repository's whole history.

Examples: each commit of the repository (`ingest --git`) is its message and the files it
changed, with the typed prompts of the sessions linked to it (git_commit_links, its strongest
evidence) as more words to learn, at the commit's time; each chat of the repository's project (a typed prompt and the turn it started, from
any agent) is its prompt and the files its edits and writes touched, relative to the project.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from lessonloop.capture.project_resolver import git_root
from lessonloop.core import json_codec
from lessonloop.history.file_prediction.code_words import changed_words
from lessonloop.history.file_prediction.evaluation import Evaluation, PredictionSink, evaluate
from lessonloop.history.file_prediction.examples import Example, FileChange
from lessonloop.history.file_prediction.listwise import one_blas_thread
from lessonloop.history.file_prediction.model import FilePredictor, Prediction
from lessonloop.history.file_prediction.symbols import defined_names
from lessonloop.history.store import file_models
from lessonloop.history.store.file_models import CommitRow
from lessonloop.report.chats import chat_rows
from lessonloop.report.record_filter import ExportFilter
from lessonloop.store.sessions.places import session_projects


class NoHistory(Exception):
    """No repository to learn from: named, with what to do."""


@dataclass(slots=True)
class ModelUpdate:
    root: str
    model: FilePredictor
    learned_now: int  # examples learned by this update
    examples: int  # examples learned in all


def commit_example(
    row: CommitRow, prompts: list[str] | None = None, hunks: dict[str, list[str]] | None = None
) -> Example:
    symbols = tuple((path, names) for path, texts in (hunks or {}).items() if (names := defined_names(texts)))
    code = tuple((path, found) for path, texts in (hunks or {}).items() if (found := changed_words(texts)))
    return Example(
        key=row.hash,
        time=row.committed_at,
        text=row.message or row.subject,
        files=tuple(FileChange(path, status, old) for path, status, old in row.files),
        author=row.author,
        is_merge=row.is_merge,
        kind="commit",
        subject=row.subject,
        prompts="\n".join(prompts or []),
        symbols=symbols,
        code=code,
    )


def commit_examples(conn: sqlite3.Connection, repo_id: int, rowid: int = 0) -> tuple[list[CommitRow], list[Example]]:
    """The repository's commits stored after `rowid`, as examples with their linked prompts."""
    commits = file_models.commits_after(conn, repo_id, rowid)
    prompts = file_models.linked_prompts(conn, repo_id, {c.hash for c in commits}) if commits else {}
    hunks = file_models.commit_hunks(conn, repo_id, rowid) if commits else {}
    return commits, [commit_example(c, prompts.get(c.hash), hunks.get(c.hash)) for c in commits]


def chat_examples(conn: sqlite3.Connection, root: str, since: str = "") -> list[Example]:
    """The chats of sessions whose project is the repository (or a folder in it) that edited
    files, after `since`: prompt -> files touched, as paths relative to the repository."""
    projects = [
        project for project in session_projects(conn) if project == root or project.startswith(root.rstrip("/") + "/")
    ]
    examples = []
    for project in projects:
        for chat in chat_rows(conn, ExportFilter(project=project, since=since or None)):
            timestamp = chat["timestamp"]
            if not timestamp or timestamp <= since:
                continue
            paths = [_in_repository(path, project, root) for path in chat["files_modified"]]
            files = tuple(FileChange(p) for p in dict.fromkeys(p for p in paths if p is not None))
            if files and chat["prompt"].strip():
                examples.append(Example(key=chat["id"], time=timestamp, text=chat["prompt"], files=files, kind="chat"))
    examples.sort(key=lambda e: (e.time, e.key))
    return examples


def _in_repository(path: str, project: str, root: str) -> str | None:
    """A chat's file as the repository names it; None for a file outside it."""
    full = path if os.path.isabs(path) else os.path.join(project, path)
    full = os.path.normpath(full)
    prefix = root.rstrip("/") + "/"
    return full[len(prefix) :] if full.startswith(prefix) else None


def repository_root(conn: sqlite3.Connection, repo: str | None = None, project: str | None = None) -> str:
    """The stored repository meant: the git root of `repo` or of `project`, else of the current
    folder, else the only one stored."""
    roots = file_models.repository_roots(conn)
    for folder in (repo, project):
        if folder is not None:
            root = git_root(folder) if os.path.isdir(folder) else None
            if root is not None and root in roots:
                return root
            named = [r for r in roots if folder == r or (folder and folder in r)]
            if len(named) == 1:
                return named[0]
            raise NoHistory(f"no stored git history for {folder!r}: read it first with `lessonloop ingest --git PATH`")
    here = git_root(os.getcwd())
    if here is not None and here in roots:
        return here
    if len(roots) == 1:
        return roots[0]
    if not roots:
        raise NoHistory("no git history stored: read a repository first with `lessonloop ingest --git PATH`")
    raise NoHistory("several repositories are stored: name one with --project (" + ", ".join(roots[:5]) + ")")


def update_model(conn: sqlite3.Connection, root: str) -> ModelUpdate:
    """The repository's model, after learning what was stored since it last learned (the first
    time: everything), saved again when anything was learned."""
    repo_id = file_models.repository_id(conn, root)
    if repo_id is None:
        raise NoHistory(f"no stored git history for {root}")
    stored = file_models.load_model(conn, root)
    model: FilePredictor | None = None
    if stored is not None:
        try:
            model = FilePredictor.from_json(json_codec.loads(stored.state))
        except (ValueError, KeyError, TypeError):
            model = None  # another version's model: learned again below
    if model is None or stored is None:
        rowid, chats_until, examples = 0, "", 0
        model = FilePredictor()
    else:
        rowid, chats_until, examples = stored.commits_rowid, stored.chats_until, stored.examples
    commits, learned = commit_examples(conn, repo_id, rowid)
    chats = chat_examples(conn, root, chats_until)
    new = sorted(learned + chats, key=lambda e: e.time)
    model.learn_all(new)
    if new:
        rowid = max([rowid, *(c.rowid for c in commits)])
        chats_until = max([chats_until, *(c.time for c in chats)])
        examples += len(new)
        file_models.save_model(conn, root, json_codec.dumps(model.to_json()).encode(), rowid, chats_until, examples)
    return ModelUpdate(root, model, len(new), examples)


def predict(
    conn: sqlite3.Connection, task: str, seeds: list[str], root: str, top: int = 10
) -> tuple[ModelUpdate, list[Prediction]]:
    with one_blas_thread():
        update = update_model(conn, root)
        return update, update.model.predict(task, [_seed_path(s, root) for s in seeds], top)


def _seed_path(seed: str, root: str) -> str:
    """A seed as the repository names it: relative to its root (an absolute path, or one from
    the current folder that exists, is made relative)."""
    candidate = seed if os.path.isabs(seed) else os.path.abspath(seed)
    prefix = root.rstrip("/") + "/"
    if candidate.startswith(prefix) and (os.path.isabs(seed) or os.path.exists(candidate)):
        return candidate[len(prefix) :]
    return seed


def evaluate_repository(
    conn: sqlite3.Connection,
    root: str,
    split: float = 0.8,
    sink: PredictionSink | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Evaluation:
    """The time-ordered evaluation of the repository's whole stored history (and its chats)."""
    repo_id = file_models.repository_id(conn, root)
    if repo_id is None:
        raise NoHistory(f"no stored git history for {root}")
    examples = commit_examples(conn, repo_id)[1] + chat_examples(conn, root)
    if not any(e.kind == "commit" for e in examples):
        raise NoHistory(f"{root} has no stored commits")
    return evaluate(examples, split, sink=sink, progress=progress)
