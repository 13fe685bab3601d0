"""Session search (issue 44): `lessonloop search` over real stores made from transcripts
(tests/transcript_builder.py) by the real ingest, a real git repository for linked commits; the
index kept by m044's triggers as rows are written, changed and deleted."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from lessonloop.store import open_store
from lessonloop.store.search.query_text import EmptyQuery, parse_query
from lessonloop.store.search.reader import marked
from tests.conftest import cli, dump_store, run_ingest
from tests.git_helpers import commit_file, make_repo
from tests.transcript_builder import TranscriptBuilder

ALPHA, BETA = "/home/dev/alpha", "/home/dev/beta"


def _edit(b: TranscriptBuilder, path: str) -> str:
    call = b.tool_use("Edit", {"file_path": path, "old_string": "a: 1", "new_string": "a: 2"})
    b.tool_result(call, f"The file {path} has been updated successfully.", is_error=False)
    return call


class Sessions:
    """Two sessions in two projects: A (French prompt, pnpm, an edited deploy config, a failing
    pytest with a missing module), B a day later (pytest passing)."""

    def __init__(self, folder: Path) -> None:
        self.a = TranscriptBuilder(cwd=ALPHA, start=datetime(2026, 11, 1, 9, 0, tzinfo=UTC))
        self.a.prompt("Créer le fichier de configuration pour le déploiement")
        self.a.say("I will write the deployment configuration first.")
        self.pnpm = self.a.bash("pnpm install --frozen-lockfile", "Done in 2.1s")
        self.edit = _edit(self.a, f"{ALPHA}/src/deploy/config.yaml")
        self.failing = self.a.bash(
            "pytest tests/test_parser.py", "ModuleNotFoundError: No module named 'yamlparse'", exit_code=1
        )
        self.b = TranscriptBuilder(cwd=BETA, start=datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
        self.b.prompt("why does the parser fail on empty input")
        self.passing = self.b.bash("pytest tests/test_parser.py", "3 passed")
        self.b.say("The parser works now: empty input gives an empty list.")
        self.a.write(folder / f"{self.a.session_id}.jsonl")
        self.b.write(folder / f"{self.b.session_id}.jsonl")


@pytest.fixture
def store(tmp_path: Path) -> tuple[Path, Sessions]:
    folder = tmp_path / "in"
    sessions = Sessions(folder)
    db = tmp_path / "s.db"
    run_ingest(db, folder)
    return db, sessions


def hits(db: Path, *args: str) -> list[dict[str, Any]]:
    result = cli("search", "--db", db, "--json", *args)
    assert result.exit_code == 0, result.stderr
    found: list[dict[str, Any]] = json.loads(result.output)
    return found


def test_each_kind_of_text_finds_its_session_first(store: tuple[Path, Sessions]) -> None:
    db, s = store
    french = hits(db, "creer", "fichier")  # no accents: the index ignores them
    assert [(h["session"], h["kind"]) for h in french] == [(s.a.session_id, "prompt")]
    snippet, matches = french[0]["snippet"], french[0]["matches"]
    assert [snippet[start:end] for start, end in matches] == ["Créer", "fichier"]
    error = hits(db, "yamlparse")
    assert [(h["session"], h["kind"], h["tool"], h["status"], h["at"]) for h in error] == [
        (s.a.session_id, "error", "Bash", "error", s.failing)
    ]
    assert [(h["session"], h["kind"], h["at"]) for h in hits(db, "pnpm")] == [(s.a.session_id, "command", s.pnpm)]
    path = hits(db, "deploy/config.yaml")
    assert [(h["session"], h["kind"], h["at"]) for h in path] == [(s.a.session_id, "path", s.edit)]
    reply = hits(db, '"empty list"')
    assert [(h["session"], h["kind"], h["agent"], h["project"]) for h in reply] == [
        (s.b.session_id, "reply", "claude-code", BETA)
    ]
    assert hits(db, '"list empty"') == []  # a phrase is in its order


def test_one_hit_per_call_and_the_best_first(store: tuple[Path, Sessions]) -> None:
    db, s = store
    found = hits(db, "test_parser")
    # The failing call's command and error both hold it: one hit, its best.
    assert sorted(h["at"] for h in found) == sorted([s.failing, s.passing])
    assert len({h["at"] for h in found}) == len(found)
    assert [h["score"] for h in found] == sorted((h["score"] for h in found), reverse=True)
    prefix = hits(db, "deploy*")
    assert {h["kind"] for h in prefix} >= {"reply", "path"}  # deployment, deploy/
    assert all(h["session"] == s.a.session_id for h in prefix)


def test_the_filters(store: tuple[Path, Sessions]) -> None:
    db, s = store
    assert {h["session"] for h in hits(db, "parser")} == {s.a.session_id, s.b.session_id}
    assert {h["session"] for h in hits(db, "parser", "-p", "beta")} == {s.b.session_id}
    assert [h["at"] for h in hits(db, "pytest", "--failed")] == [s.failing]
    assert [h["kind"] for h in hits(db, "parser", "--kind", "prompt,reply")] == ["prompt", "reply"]
    assert [h["kind"] for h in hits(db, "yamlparse", "--kind", "error", "--kind", "command")] == ["error"]
    assert hits(db, "yamlparse", "--kind", "command") == []
    assert [h["at"] for h in hits(db, "config.yaml", "--tool", "edit")] == [s.edit]
    assert hits(db, "config.yaml", "--tool", "Bash") == []
    assert {h["session"] for h in hits(db, "parser", "--since", "2026-11-02")} == {s.b.session_id}
    assert {h["session"] for h in hits(db, "parser", "--until", "2026-11-01")} == {s.a.session_id}
    assert {h["session"] for h in hits(db, "parser", "--agent", "claude-code")} == {s.a.session_id, s.b.session_id}
    assert hits(db, "parser", "--agent", "codex") == []
    assert len(hits(db, "parser", "-n", "1")) == 1


def test_the_text_output_groups_hits_by_session(store: tuple[Path, Sessions]) -> None:
    db, s = store
    result = cli("search", "--db", db, "parser")
    assert result.exit_code == 0, result.stderr
    lines = result.output.splitlines()
    headers = [line for line in lines if line and not line.startswith((" ", "Open one"))]
    # B's reply and prompt say "parser" more often than A's command: B first; each session once.
    assert [line.split()[0] for line in headers] == [s.b.session_id[:8], s.a.session_id[:8]]
    assert headers[0].split()[1:3] == ["claude-code", BETA]
    assert "hits" in headers[0]
    assert any(line.lstrip().startswith("command Bash (failed)") for line in lines)
    shown = cli("show", "--db", db, headers[1].split()[0])  # the short id opens the session
    assert shown.exit_code == 0 and "pnpm install" in shown.output
    none = cli("search", "--db", db, "nowhere-to-be-found")
    assert none.exit_code == 0 and none.output.startswith("Nothing found for 'nowhere-to-be-found'")


@pytest.mark.parametrize(
    "words",
    ["NOT parser", "parser OR", "NEAR(parser input)", "text:parser", "^parser", '"unbalanced', "parser -", "a AND"],
)
def test_words_are_never_operators_or_syntax_errors(store: tuple[Path, Sessions], words: str) -> None:
    db, _s = store
    result = cli("search", "--db", db, "--json", words)
    assert result.exit_code == 0, result.stderr
    assert isinstance(json.loads(result.output), list)


def test_what_cannot_be_searched_is_a_usage_error(store: tuple[Path, Sessions]) -> None:
    db, _s = store
    for args, message in (
        (["--", "- * ?"], "nothing to search for"),
        (["parser", "--kind", "essay"], "not a kind of text"),
        (["parser", "--agent", "nobody"], "nobody"),
        (["parser", "-p", "no-such-project"], "no-such-project"),
    ):
        result = cli("search", "--db", db, *args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.stderr, (args, result.stderr)


def test_parse_query() -> None:
    assert parse_query("git push").match == '"git" "push"'
    assert parse_query('"permission denied" fix*').match == '"permission denied" "fix"*'
    assert parse_query('say"hi"').match == '"say""hi"""'
    assert parse_query('"open phrase').match == '"open phrase"'
    assert parse_query("--force -- main.py").match == '"--force" "main.py"'
    with pytest.raises(EmptyQuery):
        parse_query(' - * "" ')
    assert marked("a \ue000word\ue001 and \ue000more\ue001") == ("a word and more", [(2, 6), (11, 15)])


def _words(db: Path) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.words USING fts5vocab(main, search_fts, 'row')")
        return {str(row[0]) for row in conn.execute("SELECT term FROM temp.words")}
    finally:
        conn.close()


def test_the_index_follows_changes_and_deletions(store: tuple[Path, Sessions]) -> None:
    db, s = store
    conn = open_store(db)
    try:
        with conn:
            conn.execute(
                "UPDATE messages SET text = 'Prepare the rollout manifest' WHERE session_id = ? AND kind = 'prompt'",
                (s.a.session_id,),
            )
            conn.execute("UPDATE tool_calls SET error_text = 'exit 3: segfault in libfoo' WHERE id = ?", (s.failing,))
    finally:
        conn.close()
    assert hits(db, "fichier") == [] and hits(db, "yamlparse") == []
    assert [h["kind"] for h in hits(db, "rollout manifest")] == ["prompt"]
    assert [h["at"] for h in hits(db, "segfault")] == [s.failing]
    assert cli("forget", "session", s.a.session_id, "--yes", "--db", db).exit_code == 0
    assert hits(db, "segfault") == [] and hits(db, "pnpm") == []
    assert {h["session"] for h in hits(db, "parser")} == {s.b.session_id}
    # Forgetting compacts the store: the forgotten words are gone from the index, not only unfound.
    assert not {"segfault", "pnpm", "rollout", "yamlparse", "fichier"} & _words(db)


def test_a_store_made_before_the_index_is_indexed_once_as_the_triggers_index(store: tuple[Path, Sessions]) -> None:
    db, _s = store
    kept = dump_store(db)["search_places"]
    assert kept
    conn = sqlite3.connect(db)
    try:
        names = [
            (kind, name)
            for kind, name in conn.execute(
                "SELECT type, name FROM sqlite_master WHERE name LIKE 'search%' AND type IN ('trigger', 'view', 'table')"
            )
            if not name.startswith("search_fts_")
        ]
        for kind, name in names:
            conn.execute(f"DROP {'TABLE' if kind == 'table' else kind.upper()} IF EXISTS {name}")
        conn.execute("DELETE FROM _migrations WHERE name = 'm044_session_search'")
        conn.commit()
    finally:
        conn.close()
    open_store(db).close()
    assert dump_store(db)["search_places"] == kept


def test_a_commit_linked_to_a_session_is_found_in_it(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "proj")
    made = commit_file(repo, "a.py", "x = 1\n", "Rework the flux capacitor wiring", "2026-11-01T09:00:05Z")
    commit_file(repo, "b.py", "y = 1\n", "Unrelated flux notes", "2026-11-01T09:30:00Z")
    b = TranscriptBuilder(cwd=str(repo), start=datetime(2026, 11, 1, 9, 0, 0, tzinfo=UTC))
    b.prompt("commit the capacitor change")
    b.bash("git commit -qam 'Rework the flux capacitor wiring' && git log -1 --format=%H", f"{made}\n")
    b.write(tmp_path / "in" / "s.jsonl")
    db = tmp_path / "s.db"
    assert cli("ingest", "--git", "--db", db, repo).exit_code == 0
    assert cli("ingest", "--db", db, "--no-progress", tmp_path / "in").exit_code == 0
    found = hits(db, "flux", "--kind", "commit")
    assert [(h["session"], h["at"]) for h in found] == [(b.session_id, made)]  # the unlinked commit is not a place
    data = json.loads(cli("show", "--db", db, b.session_id, "--at", made[:10], "--json").output)
    assert "git commit" in data["items"][data["at"]["index"]]["command"]  # the call that made it
    assert cli("forget", "session", b.session_id, "--yes", "--db", db).exit_code == 0
    assert hits(db, "flux") == []


def test_show_opens_a_session_at_a_hit(store: tuple[Path, Sessions]) -> None:
    db, s = store
    (hit,) = hits(db, "yamlparse")
    shown = cli("show", "--db", db, hit["short"], "--at", hit["at"])
    assert shown.exit_code == 0, shown.stderr
    marked = [line for line in shown.output.splitlines() if line.startswith("▶")]
    assert len(marked) == 1 and "pytest tests/test_parser.py" in marked[0]
    data = json.loads(cli("show", "--db", db, hit["short"], "--at", hit["at"], "--json").output)
    assert data["at"]["session"] == s.a.session_id
    assert data["items"][data["at"]["index"]]["id"] == s.failing
    (prompt,) = hits(db, "fichier")
    data = json.loads(cli("show", "--db", db, prompt["session"], "--at", prompt["at"], "--json").output)
    assert data["items"][data["at"]["index"]]["uuid"] == prompt["at"]
    wrong = cli("show", "--db", db, s.b.session_id, "--at", s.failing)  # a call of another session
    assert wrong.exit_code == 2 and "no tool call, message or linked commit" in wrong.stderr
