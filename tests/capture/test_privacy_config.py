"""Privacy settings: the [capture] and [lessons] sections, `lessonloop config`, the capture policy,
and what ingest, learning and recall store and give with them (real stores, real transcripts)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from lessonloop.capture.privacy import BatchScreen, CapturePolicy, without_excluded_categories
from lessonloop.core.records import Batch, MessageRecord, SessionRecord, ToolCallRecord, ToolResultRecord
from lessonloop.sample import sample_transcripts
from lessonloop.settings.config import (
    CaptureSettings,
    Config,
    ConfigError,
    LessonSettings,
    PrivacySettings,
    load_config,
)
from lessonloop.store import open_store
from tests.conftest import cli
from tests.transcript_builder import TranscriptBuilder


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own configuration file (not created): $LESSONLOOP_CONFIG points at it."""
    path = tmp_path / "cfg" / "config.toml"
    monkeypatch.setenv("LESSONLOOP_CONFIG", str(path))
    return path


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _rows(db: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.execute(sql, params))
    finally:
        conn.close()


# --- the configuration file --------------------------------------------------------------------


def test_defaults_capture_everything_and_exclude_nothing(tmp_path: Path) -> None:
    config = load_config(str(tmp_path / "missing.toml"))
    assert config.capture == CaptureSettings(True, (), True, True, True)
    assert config.lessons == LessonSettings(())
    assert config.value("capture.store_prompts") is True
    assert config.source("capture.store_prompts") == "default"
    assert CapturePolicy.from_config(config).stores_everything


def test_settings_are_read_from_sections_and_dotted_keys(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "config.toml",
        "# mine\n"
        "[capture]\n"
        "enabled = true\n"
        'exclude_projects = ["~/clients/*", "acme-*", "~/clients/*"]\n'
        "store_prompts = false\n"
        "[lessons]\n"
        'exclude_categories = ["git"]\n',
    )
    config = load_config(str(path))
    assert config.capture == CaptureSettings(
        enabled=True, exclude_projects=("~/clients/*", "acme-*"), store_prompts=False
    )
    assert config.lessons.exclude_categories == ("git",)
    assert config.source("capture.enabled") == "file"
    assert config.source("capture.store_diffs") == "default"
    dotted = load_config(str(_write(tmp_path / "dotted.toml", "capture.store_diffs = false\n")))
    assert dotted.capture.store_diffs is False
    assert dotted.source("capture.store_diffs") == "file"


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        (
            "[capture]\n# c\nstore_prompts = 'no'\n",
            3,
            "capture.store_prompts must be true or false, not 'no' (a string)",
        ),
        ("[capture]\nenabled = 1\n", 2, "capture.enabled must be true or false, not 1 (a number)"),
        ('[capture]\nexclude_projects = "~/a"\n', 2, "capture.exclude_projects must be a list of strings"),
        ("[lessons]\n\nexclude_categories = [1]\n", 3, "lessons.exclude_categories must hold strings only, not 1"),
        ('[lessons]\nexclude_categories = [" "]\n', 2, "lessons.exclude_categories cannot hold an empty string"),
        ("[capture]\nstore_prompt = false\n", 2, "unknown setting capture.store_prompt"),
        ('capture = "off"\n', 1, "[capture] must be a table of settings"),
        ("capture.enabled = 'off'\n", 1, "capture.enabled must be true or false"),
    ],
)
def test_wrong_values_name_the_file_the_line_and_the_key(tmp_path: Path, text: str, line: int, expected: str) -> None:
    path = _write(tmp_path / "config.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_config(str(path))
    message = str(caught.value)
    assert message.startswith(f"the configuration {path}, line {line}: ")
    assert expected in message


def test_ingest_stops_on_a_wrong_capture_setting(tmp_path: Path, config_file: Path, db_path: Path) -> None:
    _write(config_file, '[capture]\nstore_tool_output = "yes"\n')
    t = TranscriptBuilder(cwd="/gone/app")
    t.prompt("hello")
    t.write(tmp_path / "in" / f"{t.session_id}.jsonl")
    result = cli("ingest", "--db", db_path, tmp_path / "in")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: the configuration {config_file}, line 2: capture.store_tool_output")
    assert not db_path.exists()


def test_the_policy_module_stays_light() -> None:
    """The hooks import the policy on every event: no dataclasses, pathlib, sqlite3, TOML, records."""
    code = (
        "import sys, lessonloop.capture.privacy as p; "
        "p.CapturePolicy.from_json({'exclude_projects': ['~/x']}).allows('/home/u/x/y', None); "
        "heavy = [m for m in ('dataclasses', 'pathlib', 'sqlite3', 'argparse', 'tomllib', 'json', "
        "'lessonloop.settings.config', 'lessonloop.core.records', 'orjson', 'rich') if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- lessonloop config ---------------------------------------------------------------------------


def test_config_show_lists_every_setting_with_its_source(config_file: Path) -> None:
    result = cli("config", "show", "--json")
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert data["path"] == str(config_file)
    assert data["exists"] is False
    assert set(data["settings"]) == {
        "capture.enabled",
        "capture.exclude_projects",
        "lessons.trusted_members",
        "lessons.trust_mcp",
        "capture.paths",
        "capture.store_prompts",
        "capture.store_tool_output",
        "capture.store_diffs",
        "lessons.exclude_categories",
        "lessons.review",
        "runner.telemetry",
        "runner.retention",
        "retention.sessions",
        "retention.commits",
        "privacy.scrub_pii_store",
        "privacy.scrub_pii_exports",
        "privacy.scrub_pii_team",
        "analysis.bandit",
    }
    assert data["settings"]["capture.enabled"] == {"value": True, "source": "default", "default": True}
    _write(config_file, '[capture]\nstore_diffs = false\n[projects]\n"~/a" = "~/b"\n')
    data = cli("config", "--json").json()
    assert data["settings"]["capture.store_diffs"] == {"value": False, "source": "file", "default": True}
    assert data["settings"]["capture.store_prompts"]["source"] == "default"
    assert data["projects"] == [{"folder": "~/a", "project": "~/b"}]
    text = cli("config").output
    assert f"Configuration file: {config_file}" in text
    assert "  capture.store_diffs         false  file" in text
    assert "  capture.store_prompts       true   default" in text
    assert '"~/a" = "~/b"' in text


def test_config_path_and_get(config_file: Path) -> None:
    assert cli("config", "path").output.strip() == str(config_file)
    assert cli("config", "path", "--json").json() == {"path": str(config_file), "exists": False}
    assert cli("config", "get", "capture.enabled").output == "true\n"
    _write(config_file, '[lessons]\nexclude_categories = ["git", "files"]\n')
    assert cli("config", "get", "lessons.exclude_categories").output == '["git", "files"]\n'
    got = cli("config", "get", "lessons.exclude_categories", "--json").json()
    assert got == {
        "key": "lessons.exclude_categories",
        "value": ["git", "files"],
        "source": "file",
        "path": str(config_file),
    }
    unknown = cli("config", "get", "capture.nope")
    assert unknown.exit_code == 1
    assert "unknown setting 'capture.nope'" in unknown.stderr
    assert "capture.store_prompts" in unknown.stderr


def test_config_set_keeps_comments_and_other_content(config_file: Path) -> None:
    original = (
        "# my lessonloop settings\n"
        "[projects]\n"
        '"~/projects/app-worktrees/*" = "~/projects/app"  # worktrees\n'
        "\n"
        "[capture]\n"
        "# keep prompts out of the store\n"
        "store_prompts = true\n"
        "\n"
        "[hooks]\n"
        "future = 1\n"
    )
    _write(config_file, original)
    result = cli("config", "set", "capture.store_prompts", "false")
    assert result.exit_code == 0, result.stderr
    assert result.output == f"capture.store_prompts = false (was true), in {config_file}\n"
    assert cli("config", "set", "capture.exclude_projects", "~/clients/*, acme-*").exit_code == 0
    assert cli("config", "set", "lessons.exclude_categories", '["git", "files"]').exit_code == 0
    text = config_file.read_text()
    assert text.startswith("# my lessonloop settings\n[projects]\n")
    assert '"~/projects/app-worktrees/*" = "~/projects/app"  # worktrees\n' in text
    assert "# keep prompts out of the store\nstore_prompts = false\n" in text
    assert 'exclude_projects = ["~/clients/*", "acme-*"]' in text
    assert "[hooks]\nfuture = 1\n" in text
    config = load_config(str(config_file))
    assert config.capture.store_prompts is False
    assert config.capture.exclude_projects == ("~/clients/*", "acme-*")
    assert config.lessons.exclude_categories == ("git", "files")
    assert config.project_mappings == (("~/projects/app-worktrees/*", "~/projects/app"),)
    assert config.sections["hooks"] == {"future": 1}
    # The same value again changes nothing; unset removes the key and keeps the comment.
    again = cli("config", "set", "capture.store_prompts", "false")
    assert again.output == f"capture.store_prompts is already false in {config_file}\n"
    assert cli("config", "unset", "capture.store_prompts").exit_code == 0
    text = config_file.read_text()
    assert "store_prompts" not in text
    assert "# keep prompts out of the store\n" in text
    assert load_config(str(config_file)).capture.store_prompts is True
    assert "is not set" in cli("config", "unset", "capture.store_prompts").output


def test_config_set_creates_the_file_and_empties_lists(config_file: Path) -> None:
    result = cli("config", "set", "capture.enabled", "FALSE", "--json")
    assert result.json() == {
        "key": "capture.enabled",
        "value": False,
        "previous": True,
        "result": "set",
        "path": str(config_file),
    }
    assert load_config(str(config_file)).capture.enabled is False
    assert config_file.read_text().startswith("# lessonloop configuration")
    assert cli("config", "set", "lessons.exclude_categories", "git", "mix").exit_code == 0
    assert load_config(str(config_file)).lessons.exclude_categories == ("git", "mix")
    assert cli("config", "set", "lessons.exclude_categories", "").exit_code == 0
    assert load_config(str(config_file)).lessons.exclude_categories == ()
    # Unsetting the last key of a section without comments removes the section.
    cli("config", "unset", "lessons.exclude_categories")
    assert "\n[lessons]\n" not in config_file.read_text()
    assert "\n[capture]\nenabled = false\n" in config_file.read_text()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("capture.enabled", "yes"), "takes true or false, not 'yes'"),
        (("capture.enabled", "true", "false"), "takes true or false"),
        (("capture.exclude_projects", "[1, 2]"), "must hold strings only"),
        (("capture.exclude_projects", "[oops"), "is not a JSON list"),
        (("lessons.exclude_categories", '{"a": 1}'), "must be a list of strings"),
        (("projects.x", "y"), "unknown setting 'projects.x'"),
    ],
)
def test_config_set_refuses_wrong_values_and_writes_nothing(
    config_file: Path, args: tuple[str, ...], expected: str
) -> None:
    _write(config_file, "[capture]\nenabled = true\n")
    result = cli("config", "set", *args)
    assert result.exit_code == 1
    assert expected in result.stderr
    assert config_file.read_text() == "[capture]\nenabled = true\n"


def test_config_set_refuses_a_broken_file(config_file: Path) -> None:
    _write(config_file, "[capture\n")
    result = cli("config", "set", "capture.enabled", "false")
    assert result.exit_code == 1
    assert str(config_file) in result.stderr
    assert config_file.read_text() == "[capture\n"


# --- the policy ----------------------------------------------------------------------------------


def test_policy_round_trips_through_json() -> None:
    config = Config(
        capture=CaptureSettings(False, ("~/a/*", "b"), False, True, False),
        lessons=LessonSettings(("git",)),
        privacy=PrivacySettings(scrub_pii_store=True),
    )
    policy = CapturePolicy.from_config(config)
    data = policy.to_json()
    assert data == {
        "enabled": False,
        "exclude_projects": ["~/a/*", "b"],
        "store_prompts": False,
        "store_tool_output": True,
        "store_diffs": False,
        "exclude_categories": ["git"],
        "scrub_pii": True,
    }
    again = CapturePolicy.from_json(json.loads(json.dumps(data)))
    assert again == policy
    assert again.to_json() == data
    assert CapturePolicy.from_json({}) == CapturePolicy()
    with pytest.raises(ValueError, match="store_prompts must be true or false"):
        CapturePolicy.from_json({"store_prompts": "no"})
    with pytest.raises(ValueError, match="exclude_projects must be a list of strings"):
        CapturePolicy.from_json({"exclude_projects": "~/a"})


def test_exclusion_patterns_match_folders_below_and_other_homes() -> None:
    policy = CapturePolicy(exclude_projects=["~/clients/*", "/srv/secret", "acme-*", "work/private"], home="/home/me")
    assert not policy.allows("/home/me/clients/bank", None)
    assert not policy.allows(None, "/home/me/clients/bank/api/src")  # below the folder
    assert not policy.allows("/home/USER/clients/bank", None)  # the same folder from another machine
    assert not policy.allows("/Users/me/clients/bank", "/Users/me/clients/bank")
    assert policy.allows("/home/me/clients", None)  # the pattern needs one more component
    assert policy.allows("/home/me/projects/clients/bank", None)
    assert not policy.allows("/srv/secret", None)
    assert not policy.allows("/srv/secret/x", None)
    assert policy.allows("/srv/secrets", None)  # a component matches whole, not as a prefix
    assert not policy.allows("/home/me/code/acme-api", None)  # a relative pattern matches anywhere
    assert not policy.allows("/opt/acme-web/sub", None)
    assert policy.allows("/opt/acme", None)
    assert not policy.allows(None, "/x/work/private/notes")
    assert policy.allows(None, "/x/work/public/private")
    assert policy.allows(None, None)
    # Either the project or the folder is enough.
    assert not policy.allows("/home/me/app", "/home/me/clients/bank")
    assert not CapturePolicy(enabled=False).allows("/any", "/any")
    assert CapturePolicy().allows("/any", "/any")
    literal = CapturePolicy(exclude_projects=["/a/b?c", "/x/*y*"], home="/home/me")
    assert not literal.allows("/a/b1c", None)
    assert literal.allows("/a/b12c", None)
    assert not literal.allows("/x/anyway", None)
    assert literal.allows("/x/abc", None)
    assert CapturePolicy(exclude_projects=["/*"], home="/home/me").allows("/home/me/app", None) is False
    # `~` is only ever matched by `~`: a wildcard at the top does not take a home folder as one folder.
    assert CapturePolicy(exclude_projects=["/*/app"], home="/home/me").allows("/home/me/app", None)


def test_policy_texts_for_the_hooks() -> None:
    policy = CapturePolicy(store_prompts=False, store_tool_output=False, store_diffs=False)
    assert policy.prompt_text("my secret plan") is None
    assert policy.result_text(True, "all 3 tests passed") is None
    assert policy.result_text(False, "Exit code 1\nboom") == "Exit code 1\nboom"  # errors are kept
    assert policy.diff_text("@@ -1 +1 @@") is None
    edit = {"file_path": "/a.py", "old_string": "x", "new_string": "y", "replace_all": False}
    assert policy.tool_input("Edit", edit) == {"file_path": "/a.py", "replace_all": False}
    assert edit["old_string"] == "x"  # not changed in place
    assert policy.tool_input("Bash", {"command": "ls"}) == {"command": "ls"}
    keep = CapturePolicy()
    assert keep.prompt_text("p") == "p"
    assert keep.result_text(True, "out") == "out"
    assert keep.tool_input("Edit", edit) is edit


def test_categories_are_excluded_case_insensitively() -> None:
    policy = CapturePolicy(exclude_categories=["Git", "files"])
    assert not policy.allows_category("git")
    assert not policy.allows_category("FILES")
    assert policy.allows_category("ruff")
    assert policy.allows_category(None)

    class L:
        def __init__(self, category: str | None) -> None:
            self.category = category

    kept = without_excluded_categories([L("git"), L("ruff"), L(None), L("Files")], ["git", "files"])
    assert [lesson.category for lesson in kept] == ["ruff", None]


def test_the_screen_drops_a_result_whose_call_was_dropped_in_an_earlier_chunk() -> None:
    screen = BatchScreen(CapturePolicy(exclude_projects=["/secret"]))
    first = Batch()
    first.sessions["s1"] = SessionRecord("s1", "claude-code", "main", project="/secret", cwd="/secret")
    first.sessions["s2"] = SessionRecord("s2", "claude-code", "main", project="/open", cwd="/open")
    first.messages.append(MessageRecord("s1", "u1", None, 1, None, "user", "prompt", "hidden"))
    first.messages.append(MessageRecord("s2", "u2", None, 2, None, "user", "prompt", "shown"))
    first.tool_calls.append(ToolCallRecord("t1", "s1", "u1", 3, None, "Bash", '{"command":"ls"}', None, "ls"))
    screen.apply(first, "/f.jsonl")
    assert list(first.sessions) == ["s2"]
    assert [m.text for m in first.messages] == ["shown"]
    assert first.tool_calls == []
    second = Batch()  # the next chunk: no session records, a result for the dropped call and a subagent line
    second.tool_results.append(ToolResultRecord("t1", 4, None, True, "ok", result_text="secret output"))
    second.tool_results.append(ToolResultRecord("t9", 5, None, True, "ok", result_text="other"))
    second.messages.append(MessageRecord("s1/a1", "u3", None, 6, None, "assistant", "assistant", "sub"))
    screen.apply(second, "/f.jsonl")
    assert [r.tool_use_id for r in second.tool_results] == ["t9"]  # the file holds a kept session too
    assert second.messages == []
    assert screen.excluded == {"s1"}


# --- ingest with the policy ----------------------------------------------------------------------


def _session(root: Path, cwd: str, prompt: str, *, subagent: bool = False) -> TranscriptBuilder:
    t = TranscriptBuilder(cwd=cwd)
    t.prompt(prompt)
    t.bash("pytest -q", "3 passed in 0.1s OUTPUTMARK")
    t.bash("git push", "fatal: no upstream ERRORMARK", exit_code=128)
    edit = t.tool_use("Edit", {"file_path": f"{cwd}/a.py", "old_string": "OLDMARK = 1", "new_string": "NEWMARK = 2"})
    t.tool_result(edit, "The file has been updated.", is_error=False)
    t.write(root / f"{t.session_id}.jsonl")
    if subagent:
        sub = TranscriptBuilder(session_id=t.session_id, agent_id="a1b2c3", cwd=cwd)
        sub.prompt(f"subtask of {prompt}")
        sub.bash("ls", "files")
        sub.write(root / t.session_id / "subagents" / "agent-a1b2c3.jsonl")
    return t


def test_ingest_blanks_what_the_policy_does_not_keep(tmp_path: Path, config_file: Path, db_path: Path) -> None:
    _write(config_file, "[capture]\nstore_prompts = false\nstore_tool_output = false\nstore_diffs = false\n")
    t = _session(tmp_path / "in", "/home/dev/app", "PROMPTMARK please fix it")
    result = cli("ingest", "--db", db_path, tmp_path / "in", "--json", "--no-analyze")
    assert result.exit_code == 0, result.stderr
    assert result.json()["prompts"] == 1
    assert _rows(db_path, "SELECT kind, text FROM messages WHERE kind = 'prompt'") == [("prompt", None)]
    calls = _rows(
        db_path, "SELECT tool, ok, result_text, error_text, diff, lines_added, input_json FROM tool_calls ORDER BY seq"
    )
    assert [(c[0], c[1], c[2]) for c in calls] == [("Bash", 1, None), ("Bash", 0, None), ("Edit", 1, None)]
    assert calls[1][3] is not None and "ERRORMARK" in str(calls[1][3])  # error texts are kept
    edit = calls[2]
    assert edit[4] is None  # no diff
    assert edit[5] == 1  # the counts stay
    assert json.loads(str(edit[6])) == {"file_path": "/home/dev/app/a.py"}
    data = db_path.read_bytes()
    for mark in (b"PROMPTMARK", b"OUTPUTMARK", b"OLDMARK", b"NEWMARK"):
        assert mark not in data
    assert _rows(db_path, "SELECT id FROM sessions") == [(t.session_id,)]


def test_ingest_keeps_everything_by_default(tmp_path: Path, config_file: Path, db_path: Path) -> None:
    _session(tmp_path / "in", "/home/dev/app", "PROMPTMARK please fix it")
    assert cli("ingest", "--db", db_path, tmp_path / "in", "--no-analyze").exit_code == 0
    assert _rows(db_path, "SELECT text FROM messages WHERE kind = 'prompt'") == [("PROMPTMARK please fix it",)]
    assert _rows(db_path, "SELECT count(*) FROM tool_calls WHERE result_text LIKE '%OUTPUTMARK%'") == [(1,)]
    assert _rows(db_path, "SELECT count(*) FROM tool_calls WHERE diff LIKE '%NEWMARK%'") == [(1,)]


def test_excluded_projects_are_never_stored(tmp_path: Path, config_file: Path, db_path: Path) -> None:
    _write(config_file, '[capture]\nexclude_projects = ["/home/dev/clients/*"]\n')
    secret = _session(tmp_path / "in", "/home/dev/clients/bank", "SECRETMARK", subagent=True)
    kept = _session(tmp_path / "in", "/home/dev/app", "open work")
    result = cli("ingest", "--db", db_path, tmp_path / "in", "--json")
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert data["sessions"] == 1
    assert data["subagent_sessions"] == 0
    codes = {n["code"]: n["detail"] for n in data["notices"]}
    assert codes["excluded-sessions"].startswith("1 session(s) not stored")
    assert not any(n["code"] == "result-without-call" for n in data["notices"])
    assert _rows(db_path, "SELECT id FROM sessions") == [(kept.session_id,)]
    for table in ("messages", "tool_calls", "token_usage", "file_sessions"):
        assert _rows(db_path, f"SELECT count(*) FROM {table} WHERE session_id LIKE ?", (secret.session_id + "%",)) == [
            (0,)
        ], table
    assert b"SECRETMARK" not in db_path.read_bytes()
    # The excluded transcript grows: a later run stores nothing of it either, and warns of no orphan.
    secret.prompt("SECRETMARK again")
    secret.bash("make", "built")
    secret.write(tmp_path / "in" / f"{secret.session_id}.jsonl")
    again = cli("ingest", "--db", db_path, tmp_path / "in", "--json", "--no-analyze").json()
    assert again["files"]["read"] == 1
    assert again["sessions"] == 0
    assert not any(n["code"] == "result-without-call" for n in again["notices"])
    assert _rows(db_path, "SELECT count(*) FROM messages WHERE text LIKE '%SECRETMARK%'") == [(0,)]


def test_disabled_capture_stores_nothing_and_exits_0(tmp_path: Path, config_file: Path, db_path: Path) -> None:
    _write(config_file, "[capture]\nenabled = false\n")
    _session(tmp_path / "in", "/home/dev/app", "PROMPTMARK")
    result = cli("ingest", "--db", db_path, tmp_path / "in", "--json")
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert data["capture_disabled"] is True
    assert data["files"]["found"] == 1
    assert data["files"]["read"] == 0
    assert [n["code"] for n in data["notices"]] == ["capture-disabled"]
    assert _rows(db_path, "SELECT count(*) FROM source_files") == [(0,)]
    assert _rows(db_path, "SELECT count(*) FROM sessions") == [(0,)]
    text = cli("ingest", "--db", db_path, tmp_path / "in", "--no-analyze")
    assert text.exit_code == 0
    assert "capture-disabled  capture.enabled = false in the configuration: nothing was read or stored" in text.output
    # Even with nothing to read at all (an empty folder), a disabled capture is not a failure.
    (tmp_path / "empty").mkdir()
    assert cli("ingest", "--db", db_path, tmp_path / "empty", "--no-analyze").exit_code == 0


# --- lessons: exclude_categories -----------------------------------------------------------------


def test_excluded_categories_are_neither_learned_nor_recalled(
    tmp_path: Path, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample = sample_transcripts()
    full = tmp_path / "full.db"
    assert cli("ingest", "--db", full, sample).exit_code == 0
    categories = {str(row[0]) for row in _rows(full, "SELECT category FROM lessons")}
    assert {"files", "git"} <= categories
    # Recall of a git lesson, then the same store with git excluded.
    query = ("recall", "git push fails: the current branch has no upstream branch", "--db", full, "--json")
    before = cli(*query).json()["results"]
    assert any(r["category"] == "git" for r in before)
    _write(config_file, '[lessons]\nexclude_categories = ["GIT", "files"]\n')
    after = cli(*query).json()["results"]
    assert not any(r["category"] in ("git", "files") for r in after)
    conn = open_store(full)
    try:
        from lessonloop.apply.recall import recall

        found = recall(conn, "git push no upstream branch", exclude_categories=["git"], min_score=0.0, top=50)
        assert found and all(r.category != "git" for r in found)
        assert any(r.category == "git" for r in recall(conn, "git push no upstream branch", min_score=0.0, top=50))
    finally:
        conn.close()
    # Learning with the exclusion: a fresh store has no lesson of those categories, and the others.
    excluded = tmp_path / "excluded.db"
    assert cli("ingest", "--db", excluded, sample).exit_code == 0
    learned = {str(row[0]) for row in _rows(excluded, "SELECT category FROM lessons")}
    assert learned == categories - {"git", "files"}
    assert learned  # the other categories are still learned
