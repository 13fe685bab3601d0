"""Projects of sessions whose folders no longer exist: the inference rules, the [projects]
mappings, and the pass over a real store (the spotter corpus, real git repositories)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from lessonloop.capture.projects import (
    compile_mappings,
    home_relative,
    infer_projects,
    mapped_project,
    projects_for_folder,
)
from lessonloop.pipeline.analysis import analyze_store
from lessonloop.pipeline.session_projects import ProjectResolution, resolve_store_projects
from lessonloop.report.queries import list_sessions, stats
from lessonloop.settings.config import Config, ProjectMapping
from lessonloop.store import open_store
from lessonloop.store.projects.names import UnknownProject
from tests.conftest import CORPUS, cli, run_ingest
from tests.transcript_builder import TranscriptBuilder

HOME = "/home/me"  # this machine's home in the pure tests

SPOTTER_CWDS = [
    *["/home/marco/projects/spotter"] * 3,
    *(
        f"/home/USER/projects/spotter-worktrees/{name}"
        for name in ("spotter-0rt", "spotter-gqc", "spotter-fum", "spotter-4te", "spotter-a0y", "spotter-dov")
    ),
]


def _one(cwd: str, **kwargs: object) -> str:
    return infer_projects([cwd], **kwargs)[cwd]  # type: ignore[arg-type]


# --- rule b: worktree layouts ------------------------------------------------------------------


@pytest.mark.parametrize("container", ["app-worktrees", "app.worktrees", "app_worktrees", "app-Worktrees"])
def test_a_sibling_worktrees_folder_maps_to_its_repository_without_evidence(container: str) -> None:
    assert _one(f"/gone/src/{container}/feat") == "/gone/src/app"
    assert _one(f"/gone/src/{container}/feat/web/assets") == "/gone/src/app"  # below a worktree


def test_a_worktrees_folder_with_nothing_inside_is_not_a_worktree() -> None:
    assert _one("/gone/src/app-worktrees") == "/gone/src/app-worktrees"
    assert _one("/gone/src/.worktrees") == "/gone/src/.worktrees"


def test_claude_code_worktrees_need_a_known_root_or_their_branch() -> None:
    cwd = "/gone/repo/.claude/worktrees/fix-login"
    assert _one(cwd) == cwd  # no evidence: stays apart
    assert _one(cwd, known_roots=["/gone/repo"]) == "/gone/repo"
    assert _one(cwd, branches={cwd: "worktree-fix-login"}) == "/gone/repo"  # claude --worktree's branch
    assert _one(cwd, branches={cwd: "main"}) == cwd
    below = cwd + "/src"
    assert _one(below, branches={below: "worktree-fix-login"}) == "/gone/repo"


def test_dot_worktrees_need_a_known_root_or_their_branch() -> None:
    cwd = "/gone/repo/.worktrees/feature-x"
    assert _one(cwd) == cwd
    assert _one(cwd, branches={cwd: "feature-x"}) == "/gone/repo"
    assert _one(cwd, branches={cwd: "feature/feature-x"}) == "/gone/repo"


def test_plain_worktrees_folder_needs_another_sessions_root() -> None:
    cwd = "/gone/repo/worktrees/feat"
    assert _one(cwd, branches={cwd: "feat"}) == cwd  # "worktrees" is too common a name
    assert _one(cwd, known_roots=["/gone/repo"]) == "/gone/repo"
    # The root as the folder of another session inside a repository (it recorded a branch).
    both = infer_projects([cwd, "/gone/repo"], branches={"/gone/repo": "main"})
    assert both == {cwd: "/gone/repo", "/gone/repo": "/gone/repo"}
    # ... but not a session that was in no repository.
    apart = infer_projects([cwd, "/gone/repo"], branches={"/gone/repo": None})
    assert apart[cwd] == cwd


def test_a_sibling_named_after_its_branch_needs_the_root_and_the_branch() -> None:
    cwd = "/gone/src/app-fix-login"
    root = "/gone/src/app"
    assert _one(cwd, known_roots=[root], branches={cwd: "fix-login"}) == root
    assert _one(cwd + "/web", known_roots=[root], branches={cwd + "/web": "bug/fix-login"}) == root
    assert _one(cwd, known_roots=[root], branches={cwd: "main"}) == cwd  # the branch does not name it
    assert _one(cwd, branches={cwd: "fix-login"}) == cwd  # no project root /gone/src/app
    assert _one(cwd, known_roots=[root]) == cwd  # no branch


# --- rule c: folders inside a project ------------------------------------------------------------


def test_a_folder_inside_another_sessions_project_belongs_to_it() -> None:
    cwds = ["/gone/app", "/gone/app/web", "/gone/app/web/assets"]
    result = infer_projects(cwds, branches={"/gone/app": "main"})
    assert set(result.values()) == {"/gone/app"}


def test_a_folder_inside_a_real_root_or_a_worktree_root_belongs_to_it() -> None:
    assert _one("/gone/app/old-dir", known_roots=["/gone/app"]) == "/gone/app"
    cwds = ["/gone/src/app-worktrees/x", "/gone/src/app/docs"]
    assert set(infer_projects(cwds).values()) == {"/gone/src/app"}


def test_rule_c_stops_at_a_nested_real_repository() -> None:
    cwd = "/gone/app/vendor/lib/src"
    result = infer_projects([cwd, "/gone/app"], known_roots=["/gone/app/vendor/lib"], branches={"/gone/app": "main"})
    assert result[cwd] == "/gone/app/vendor/lib"


def test_without_branch_evidence_a_gone_folder_swallows_nothing() -> None:
    result = infer_projects(["/gone/app", "/gone/app/web"])
    assert result == {"/gone/app": "/gone/app", "/gone/app/web": "/gone/app/web"}


@pytest.mark.parametrize("parent", ["/home/ann", "/Users/ann", "/tmp", "/srv", HOME])
def test_homes_temporary_and_top_level_folders_swallow_nothing(parent: str) -> None:
    child = parent + "/project"
    result = infer_projects([parent, child], known_roots=[parent], branches={parent: "main"}, home=HOME)
    assert result[child] == child


def test_a_folder_of_many_projects_without_a_branch_swallows_nothing() -> None:
    cwds = ["/home/ann/projects", "/home/ann/projects/a", "/home/ann/projects/b"]
    result = infer_projects(cwds, branches={"/home/ann/projects/a": "main", "/home/ann/projects/b": "main"})
    assert result == {c: c for c in cwds}


# --- rule d: home folders -------------------------------------------------------------------------


def test_the_same_path_under_two_homes_is_one_project_of_the_most_sessions() -> None:
    cwds = ["/home/marco/x", "/home/USER/x", "/home/USER/x", "/Users/marco/x"]
    assert set(infer_projects(cwds).values()) == {"/home/USER/x"}


def test_a_tie_between_spellings_takes_the_smallest() -> None:
    assert set(infer_projects(["/home/zed/x", "/home/amy/x"]).values()) == {"/home/amy/x"}


def test_the_spelling_that_exists_wins_then_this_machines_home() -> None:
    cwds = ["/home/USER/x", "/home/USER/x", "/home/ann/x"]
    assert set(infer_projects(cwds, known_roots=["/home/ann/x"]).values()) == {"/home/ann/x"}
    assert set(infer_projects([*cwds, "/home/me/x"], home=HOME).values()) == {"/home/me/x"}
    # This machine's home may be anywhere: /root/x is the same folder as /home/USER/x.
    assert set(infer_projects(["/home/USER/x", "/root/x"], home="/root").values()) == {"/root/x"}


def test_only_paths_identical_below_the_home_merge() -> None:
    cwds = ["/home/a/x", "/home/a/y", "/home/b/x/y", "/opt/a/x", "/home/a/xy", "/homes/a/x"]
    result = infer_projects(cwds, home=HOME)
    assert result == {c: c for c in cwds}


def test_home_relative() -> None:
    assert home_relative("/home/ann/p/q") == "p/q"
    assert home_relative("/Users/ann") == ""
    assert home_relative("/home/") is None
    assert home_relative("/home") is None
    assert home_relative("/opt/x") is None
    assert home_relative("/root/p", "/root") == "p"
    assert home_relative("/rootless/p", "/root") is None
    assert home_relative("/p", "/") is None  # a home of / would make every path a home path


# --- rule a: mappings ----------------------------------------------------------------------------


def test_a_mapping_beats_every_rule() -> None:
    cwds = ["/gone/src/app-worktrees/x", "/gone/src/app-worktrees/special"]
    mappings = [("/gone/src/app-worktrees/special", "/gone/elsewhere")]
    assert infer_projects(cwds, mappings=mappings) == {
        "/gone/src/app-worktrees/x": "/gone/src/app",
        "/gone/src/app-worktrees/special": "/gone/elsewhere",
    }
    # A mapped project is final: rule c does not take it into a project around it.
    mapped = infer_projects(
        ["/gone/app", "/gone/app/sub"], mappings=[("/gone/app/sub", "/gone/app/sub")], branches={"/gone/app": "m"}
    )
    assert mapped["/gone/app/sub"] == "/gone/app/sub"


def test_mapping_patterns_match_folders_below_with_globs_and_any_home() -> None:
    mappings = [("~/projects/spotter-worktrees/*", "~/projects/spotter")]
    assert set(infer_projects(SPOTTER_CWDS[3:], mappings=mappings, home=HOME).values()) == {"/home/me/projects/spotter"}
    globs = compile_mappings([("/srv/app-?", "/srv/app"), ("/data/[x]", "/data/x")], HOME)
    assert mapped_project("/srv/app-1/web", globs, HOME) == "/srv/app"
    assert mapped_project("/srv/app-12", globs, HOME) is None  # ? is one character
    assert mapped_project("/data/[x]/y", globs, HOME) == "/data/x"  # [ ] are not special
    assert mapped_project("/data/x", globs, HOME) is None
    assert mapped_project("/srv", globs, HOME) is None  # a parent of the pattern is not matched


def test_the_most_specific_mapping_wins_then_file_order() -> None:
    globs = compile_mappings([("~/work/*", "~/work/mono"), ("~/work/tools", "~/tools"), ("~/work/*", "/never")], HOME)
    assert mapped_project("/home/me/work/tools/x", globs, HOME) == "/home/me/tools"
    assert mapped_project("/home/USER/work/api", globs, HOME) == "/home/me/work/mono"


def test_a_mapped_projects_spelling_wins_rule_d() -> None:
    cwds = ["/home/USER/app", "/home/USER/app", "/home/x/app-old"]
    result = infer_projects(cwds, mappings=[("/home/x/app-old", "/home/marco/app")], home=HOME)
    assert set(result.values()) == {"/home/marco/app"}


# --- the whole corpus's shape, and --project -------------------------------------------------------


def test_the_spotter_folders_are_one_project() -> None:
    branches = {c: c.rsplit("/", 1)[-1] for c in SPOTTER_CWDS[3:]} | {SPOTTER_CWDS[0]: "master"}
    for with_branches, home in ((None, None), (branches, None), (branches, "/root")):
        result = infer_projects(SPOTTER_CWDS, branches=with_branches, home=home)
        assert set(result.values()) == {"/home/USER/projects/spotter"}
    result = infer_projects(SPOTTER_CWDS, home="/home/marco")
    assert set(result.values()) == {"/home/marco/projects/spotter"}


def test_projects_for_folder() -> None:
    pairs = [
        ("/home/USER/p/spotter", "/home/USER/p/spotter-worktrees/spotter-gqc"),
        ("/home/USER/p/spotter", "/home/marco/p/spotter"),
        ("/home/USER/p/other", None),
        ("/opt/tool", "/opt/tool/sub"),
    ]
    spotter = {"/home/USER/p/spotter"}
    assert projects_for_folder("/home/marco/p/spotter", pairs) == spotter
    assert projects_for_folder("~/p/spotter/web", pairs, HOME) == spotter
    assert projects_for_folder("/home/x/p/spotter-worktrees/spotter-gqc/assets", pairs) == spotter
    assert projects_for_folder("/home/x/p", pairs) == spotter | {"/home/USER/p/other"}
    assert projects_for_folder("/home/x/p/spot", pairs) == set()
    assert projects_for_folder("/opt/tool/sub/", pairs) == {"/opt/tool"}


# --- the store --------------------------------------------------------------------------------------


@pytest.fixture
def spotter_db(tmp_path: Path) -> Path:
    """The spotter corpus ingested into a store of this test's own (the shared one stays as is)."""
    if not CORPUS.is_dir():
        pytest.skip(f"real-data corpus not found at {CORPUS} (the ../shared folder is absent)")
    db = tmp_path / "spotter.db"
    run_ingest(db, CORPUS)
    return db


def _projects(conn: sqlite3.Connection, where: str = "1 = 1") -> dict[str, str | None]:
    return dict(conn.execute(f"SELECT id, project FROM sessions WHERE {where}").fetchall())


@pytest.mark.corpus
def test_the_corpus_ends_in_one_project(spotter_db: Path, tmp_path: Path) -> None:
    conn = open_store(spotter_db)
    try:
        assert len(set(_projects(conn, "parent_id IS NULL").values())) == 7  # as ingest leaves it
        analyze_store(conn, bandit=False)
        home = str(tmp_path / "home" / "someone")
        result = resolve_store_projects(conn, Config(), home=home)
        main = _projects(conn, "parent_id IS NULL")
        assert len(main) == 9
        assert set(_projects(conn).values()) == {"/home/USER/projects/spotter"}  # subagents, compactions too
        assert result == ProjectResolution(
            sessions=9, changed=9, rows_changed=21, inferred=9, projects_before=7, projects_after=1
        )
        assert (
            result.summary_text()
            == "Projects: 9 sessions in 1 project (were 7 projects before the folders of one repository were joined; 9 placed from folders that no longer exist)"
        )
        executions = dict(conn.execute("SELECT session_id, project FROM session_executions").fetchall())
        assert executions == main
        # Nothing changes on the next pass; the analysis sees the same project.
        again = resolve_store_projects(conn, Config(), home=home)
        assert (again.changed, again.rows_changed, again.projects_after) == (0, 0, 1)
        # --project finds the inferred project by any of its folders, under any home.
        for name in (
            "/home/marco/projects/spotter",
            "~/projects/spotter",
            "spotter",
            "/home/USER/projects/spotter-worktrees/spotter-gqc",
            "/home/marco/projects",
        ):
            assert len(list_sessions(conn, name)) == 9, name
        assert stats(conn, "/home/marco/projects/spotter")["projects"] == 1
        with pytest.raises(UnknownProject, match="no project matches '/home/marco/projects/other'"):
            list_sessions(conn, "/home/marco/projects/other")
    finally:
        conn.close()


@pytest.mark.corpus
def test_a_mapping_in_the_config_keeps_a_worktree_apart(spotter_db: Path, tmp_path: Path) -> None:
    config = Config(projects=(ProjectMapping("/home/*/projects/spotter-worktrees/spotter-gqc", "/srv/gqc"),))
    conn = open_store(spotter_db)
    try:
        result = resolve_store_projects(conn, config, home=str(tmp_path / "home" / "x"))
        assert result.configured == 1
        assert result.projects_after == 2
        gqc = conn.execute("SELECT project FROM sessions WHERE cwd LIKE '%spotter-gqc'").fetchall()
        assert {row[0] for row in gqc} == {"/srv/gqc"}
    finally:
        conn.close()


@pytest.mark.corpus
def test_ingest_reports_projects_in_json_and_text(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LESSONLOOP_CONFIG", str(tmp_path / "no-config.toml"))
    first = cli("ingest", "--db", tmp_path / "a.db", corpus_dir, "--json", "--no-analyze")
    assert first.exit_code == 0, first.stderr
    assert first.json()["projects"] == {
        "sessions": 9,
        "changed": 9,
        "rows_changed": 21,
        "inferred": 9,
        "configured": 0,
        "projects_before": 7,
        "projects_after": 1,
    }
    text = cli("ingest", "--db", tmp_path / "b.db", corpus_dir, "--no-analyze")
    assert (
        "Projects: 9 sessions in 1 project (were 7 projects before the folders of one repository were joined; 9 placed from folders that no longer exist)"
        in text.output
    )
    sessions = cli("sessions", "--db", tmp_path / "b.db", "--json", "-p", "~/projects/spotter").json()
    assert len(sessions) == 9


def _git(*args: str | Path, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *map(str, args)],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def _session(tmp_path: Path, cwd: Path | str, name: str, branch: str = "main") -> None:
    t = TranscriptBuilder(cwd=str(cwd), branch=branch)
    t.prompt(f"work in {name}")
    t.write(tmp_path / "transcripts" / name / f"{t.session_id}.jsonl")


def test_existing_worktrees_resolve_to_the_main_root_and_gone_ones_follow(tmp_path: Path) -> None:
    repo = tmp_path / "src" / "app"
    repo.mkdir(parents=True)
    _git("init", "-q", "-b", "main", cwd=repo)
    _git("commit", "-q", "--allow-empty", "-m", "start", cwd=repo)
    (repo / "web").mkdir()
    linked = tmp_path / "elsewhere" / "feature"
    _git("worktree", "add", "-q", "-b", "feature", linked, cwd=repo)
    gone = repo / ".claude" / "worktrees" / "old"
    _git("worktree", "add", "-q", "-b", "worktree-old", gone, cwd=repo)
    _git("worktree", "remove", gone, cwd=repo)
    assert not gone.exists()

    _session(tmp_path, repo, "main")
    _session(tmp_path, repo / "web", "web")
    _session(tmp_path, linked, "linked", branch="feature")
    _session(tmp_path, gone, "gone", branch="worktree-old")
    _session(tmp_path, repo / "deleted-dir", "deleted", branch="main")
    db = tmp_path / "store.db"
    run_ingest(db, tmp_path / "transcripts")
    conn = open_store(db)
    try:
        result = resolve_store_projects(conn, Config(), home=str(tmp_path / "home"))
        root = os.path.realpath(repo)
        by_cwd = dict(conn.execute("SELECT cwd, project FROM sessions").fetchall())
        assert by_cwd[str(linked)] == root  # an existing worktree: its main working tree, via .git
        assert by_cwd[str(repo / "web")] == root
        assert by_cwd[str(gone)] == root  # Claude Code's removed worktree (rule b)
        assert by_cwd[str(repo / "deleted-dir")] == root  # a removed sub-folder (rule c)
        assert (result.sessions, result.projects_after, result.inferred) == (5, 1, 2)

        # A mapping applies to folders that exist too, ahead of their repository.
        config = Config(projects=(ProjectMapping(str(linked), str(tmp_path / "feature-project")),))
        mapped = resolve_store_projects(conn, config, home=str(tmp_path / "home"))
        assert (mapped.configured, mapped.changed, mapped.projects_after) == (1, 1, 2)
        assert conn.execute("SELECT project FROM sessions WHERE cwd = ?", (str(linked),)).fetchone()[0] == str(
            tmp_path / "feature-project"
        )
    finally:
        conn.close()


def test_a_folder_from_another_home_that_exists_under_this_one_is_used(tmp_path: Path) -> None:
    home = tmp_path / "home" / "me"
    repo = home / "code" / "app"
    repo.mkdir(parents=True)
    _git("init", "-q", "-b", "main", cwd=repo)
    (repo / "lib").mkdir()
    _session(tmp_path, "/home/USER/code/app/lib", "redacted")
    db = tmp_path / "store.db"
    run_ingest(db, tmp_path / "transcripts")
    conn = open_store(db)
    try:
        result = resolve_store_projects(conn, Config(), home=str(home))
        assert set(_projects(conn).values()) == {os.path.realpath(repo)}
        assert result.inferred == 0  # it exists here: read, not inferred
    finally:
        conn.close()


def test_sessions_without_a_folder_keep_their_project_and_an_orphan_subagent_stands_alone(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    conn = open_store(db)
    try:
        conn.executemany(
            "INSERT INTO sessions (id, parent_id, kind, agent, project, cwd) VALUES (?, ?, ?, 'claude-code', ?, ?)",
            [
                ("m", None, "main", "kept", None),
                ("m/a", "m", "subagent", "/gone/x", "/gone/x"),
                ("n/a", "n", "subagent", "/gone/app-worktrees/y", "/gone/app-worktrees/y"),
            ],
        )
        result = resolve_store_projects(conn, Config(), home=str(tmp_path))
        assert _projects(conn) == {"m": "kept", "m/a": "/gone/x", "n/a": "/gone/app"}
        assert (result.sessions, result.changed, result.rows_changed) == (1, 0, 1)
        assert result.summary_text() is None
    finally:
        conn.close()
