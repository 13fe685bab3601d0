"""`lessonloop git commits`: the commits tied to the sessions that made them, newest first, with the
evidence, its strength and the later commits that undid them."""

from __future__ import annotations

import argparse
from typing import Any

from lessonloop.capture.git.repository import GitError, open_repository
from lessonloop.cli.common import CommandError, UsageError, emit_json, open_cli_store, shown
from lessonloop.history.store.link_reader import commit_count, link_counts, repository_links, session_commits
from lessonloop.store.sessions.ids import SessionNotFound, resolve_session


def cmd_commits(args: argparse.Namespace) -> int:
    root = None
    if args.repo:
        try:
            root = open_repository(args.repo).root
        except GitError as exc:
            raise CommandError(str(exc)) from exc
    with open_cli_store(args.db, reading=True) as conn:
        if args.session:
            try:
                links = session_commits(conn, resolve_session(conn, args.session))
            except SessionNotFound as exc:
                raise UsageError(str(exc)) from exc
            links = [k for k in links if root is None or k.repository == root]
        else:
            links = repository_links(conn, root)
        links = [
            k
            for k in links
            if (args.since is None or k.committed_at >= args.since)
            and (args.until is None or k.committed_at < args.until)
        ]
        counts = link_counts(conn, root)
        stored = commit_count(conn)
    by_commit: dict[tuple[str, str], list[Any]] = {}
    for link in reversed(links):  # newest first
        by_commit.setdefault((link.repository, link.hash), []).append(link)
    shown_commits = list(by_commit.items())[: max(0, args.limit)]
    if args.json:
        emit_json(
            {
                "counts": counts,
                "commits": [
                    {
                        "repository": repo,
                        "hash": hash_,
                        "committed_at": found[0].committed_at,
                        "subject": found[0].subject,
                        "sessions": [
                            {k: v for k, v in link.to_json().items() if k not in ("repository", "hash", "subject")}
                            for link in sorted(found, key=lambda k: -k.strength)
                        ],
                        "rolled_back_by": found[0].undone_by,
                    }
                    for (repo, hash_), found in shown_commits
                ],
            }
        )
        return 0
    if not shown_commits:
        if not stored:
            print("No commits stored yet: `lessonloop ingest --git REPO` reads a repository's history.")
        else:
            filters = ", ".join(
                f
                for f in (
                    f"--repo {args.repo!r}" if args.repo else "",
                    f"--session {args.session!r}" if args.session else "",
                    f"--since {args.since}" if args.since else "",
                    f"--until {args.until}" if args.until else "",
                )
                if f
            )
            print(
                f"No commit linked to a session{' matches ' + filters if filters else ''}; {stored} commits stored. "
                "Links come from sessions that commit, the agents' own records of their commits, or edits shortly before a commit "
                '(docs/git.md, "Links").'
            )
        return 0
    lines = []
    for (repo, hash_), found in shown_commits:
        first = found[0]
        lines.append(f"{hash_[:10]}  {first.committed_at[:16].replace('T', ' ')}  {first.subject[:80]}  ({repo})")
        for link in sorted(found, key=lambda k: -k.strength):
            lines.append(
                f"    {link.session_id}  {link.evidence.replace('_', ' ')}  strength {link.strength:.2f}"
                + (f"  {link.files} file(s) edited" if link.evidence == "edit_window" else "")
            )
        for undone in first.undone_by:
            lines.append(f"    rolled back by {undone['hash'][:10]} ({undone['evidence'].replace('_', ' ')})")
    by = ", ".join(f"{n} by {k.replace('_', ' ')}" for k, n in counts["by_evidence"].items())
    lines.append(
        f"{counts['linked_commits']} of {stored} commits linked ({by or 'none'}); "
        f"{counts['rolled_back_commits']} undone by a later commit."
    )
    print(shown("\n".join(lines)))
    return 0
