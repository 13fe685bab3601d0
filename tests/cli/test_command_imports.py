"""What a reading command's process imports (issue 28: "import only what the command needs").

`lessonloop recall --json` answers from one FTS5 query: it must not pay for the other commands'
modules, the embedding model's code when no lesson has a vector, orjson (whose import pulls in
dataclasses, uuid and inspect: about 20 ms), rich (no table is drawn), shutil (argparse's help
width) or hashlib (OpenSSL). Nor, since recall reads its usual options itself
(cli/recall_commands.parse_recall), for argparse (with gettext and locale) and the parser's
modules (cli/entry.py, the inline commands'); for pathlib (urllib.parse, ipaddress: the store's
path is a str, store/location.resolve_db_path_text), typing, or config and tomllib when there is
no configuration file (config_location.config_file_missing). Its default output, a plain list,
imports none of these either: no rich (its import alone took longer than the rest of the
command). The census is `-X importtime` of a real process; a command that does draw a table
(`lessons list`) shows the census sees rich."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.import_census import command_imports

NOT_FOR_RECALL_JSON = (
    "orjson",
    "rich",
    "dataclasses",
    "shutil",
    "hashlib",
    "tomllib",
    "argparse",
    "gettext",
    "locale",
    "pathlib",
    "typing",
    "lessonloop.settings.config",
    "lessonloop.cli.entry",
    "lessonloop.cli.command_parser",
    "lessonloop.cli.analysis_commands",
    "lessonloop.cli.session_commands",
    "lessonloop.cli.redacting_console",
    "lessonloop.apply.embeddings",
    "lessonloop.cli.lesson_commands",
    "lessonloop.cli.review_commands",
    "lessonloop.cli.hook_commands",
    "lessonloop.store.forgetting",
)
# The list printed by default: the same, and json is not needed either.
NOT_FOR_RECALL_LIST = (*NOT_FOR_RECALL_JSON, "json")


def imported(*args: str, env: dict[str, str]) -> set[str]:
    names = command_imports(env, *args)
    assert "lessonloop.cli" in names  # the census works
    return names


@pytest.fixture()
def store(git_push_store: Path) -> Path:
    return git_push_store


# A read's look for what the agents wrote since the last capture (pipeline/refresh.py): stdlib
# and these, when nothing is new; the capture itself only when something is.
THE_LOOK = ("lessonloop.pipeline.refresh", "lessonloop.capture.discovery_env", "lessonloop.store.capture_watch")


def not_needed(names: set[str], modules: tuple[str, ...]) -> list[str]:
    def counted(name: str) -> bool:
        return not any(name == look or look.startswith(name + ".") for look in THE_LOOK)

    return sorted(
        n for n in modules if (n in names and counted(n)) or any(m.startswith(n + ".") and counted(m) for m in names)
    )


def read_env(tmp_path: Path) -> dict[str, str]:
    """A read as a person runs it: its refresh on, in a home of its own (no agent's files)."""
    env = {k: v for k, v in os.environ.items() if k != "LESSONLOOP_REFRESH"}
    env.update(LESSONLOOP_CONFIG=str(tmp_path / "none.toml"), HOME=str(tmp_path / "home"))
    return env


def test_recall_json_imports_only_what_it_needs(store: Path, tmp_path: Path) -> None:
    env = {**os.environ, "LESSONLOOP_CONFIG": str(tmp_path / "none.toml")}
    env.pop("LESSONLOOP_EMBEDDINGS", None)  # the default: vectors only when some lesson has one
    names = imported("recall", "git push", "--db", str(store), "--json", env=env)
    assert "lessonloop.cli.recall_commands" in names and "lessonloop.apply.recall" in names
    assert not_needed(names, NOT_FOR_RECALL_JSON) == []


def test_recall_list_imports_only_what_it_needs(store: Path, tmp_path: Path) -> None:
    env = {**os.environ, "LESSONLOOP_CONFIG": str(tmp_path / "none.toml")}
    env.pop("LESSONLOOP_EMBEDDINGS", None)
    names = imported("recall", "git push", "--db", str(store), env=env)
    assert "lessonloop.cli.recall_commands" in names and "lessonloop.secrets.redaction" in names  # redacted
    assert not_needed(names, NOT_FOR_RECALL_LIST) == []
    explained = imported("recall", "--explain", "git", "push", "-n", "3", "--db", str(store), env=env)
    assert not_needed(explained, NOT_FOR_RECALL_LIST) == []


def test_recall_options_argparse_reads_still_import_it(store: Path, tmp_path: Path) -> None:
    """An option form parse_recall leaves to argparse (abbreviated here) goes the old way."""
    env = {**os.environ, "LESSONLOOP_CONFIG": str(tmp_path / "none.toml")}
    names = imported("recall", "git push", "--db", str(store), "--js", env=env)
    assert "argparse" in names and "lessonloop.cli.entry" in names


def test_a_configuration_file_is_read(store: Path, tmp_path: Path) -> None:
    """With a configuration file, recall reads it (config, and tomllib)."""
    config = tmp_path / "config.toml"
    config.write_text('[lessons]\nexclude_categories = ["git"]\n')
    env = {**os.environ, "LESSONLOOP_CONFIG": str(config)}
    names = imported("recall", "git push", "--db", str(store), "--json", env=env)
    assert "lessonloop.settings.config" in names and "tomllib" in names


def test_the_defaults_recall_assumes_without_a_configuration_file() -> None:
    """recall_commands._excluded_categories and redaction_pass.scrubs_pii answer without config
    when there is no file: these are the defaults load_config would give them."""
    from lessonloop.settings.config import Config

    assert Config().lessons.exclude_categories == ()
    assert Config().privacy.scrub_pii_store is False


def test_a_table_imports_rich_and_the_census_sees_it(store: Path, tmp_path: Path) -> None:
    env = {**os.environ, "LESSONLOOP_CONFIG": str(tmp_path / "none.toml")}
    names = imported("lessons", "list", "--db", str(store), env=env)
    assert "rich.console" in names and "rich.segment" in names  # (its lines laid out without rich.table)


# What the reads of figures (issue 43) never pay for: the price table (genai-prices, pydantic,
# httpx: costs are stored with each call), tables drawn (rich: --json draws none), the ingest and
# learning pipeline, the learner, the embedding model's code.
NOT_FOR_FIGURES_JSON = (
    "genai_prices",
    "pydantic",
    "httpx",
    "rich",
    "lessonloop.analyze.pricing",
    "lessonloop.pipeline",
    "lessonloop.learning.engine.engine",
    "lessonloop.apply.embeddings",
    "lessonloop.capture",
)


@pytest.mark.parametrize(
    "words",
    [("stats", "--json"), ("stats", "--by", "day", "--json"), ("sessions", "--json"), ("report", "--json")],
    ids=["stats", "stats-by-day", "sessions", "report"],
)
def test_a_read_of_figures_imports_only_what_it_shows(store: Path, tmp_path: Path, words: tuple[str, ...]) -> None:
    env = read_env(tmp_path)
    imported(*words, "--db", str(store), env=env)  # the first read looks in the agents' places once
    names = imported(*words, "--db", str(store), env=env)
    assert "lessonloop.pipeline.refresh" in names  # it looked, and found nothing new
    assert "lessonloop.report.queries" in names and "lessonloop.store.sessions.totals" in names
    # typing and dataclasses (with inspect, ast, dis, tokenize): about 6 ms of a read's 40
    not_for: tuple[str, ...] = (*NOT_FOR_FIGURES_JSON, "typing", "dataclasses", "inspect")
    if words[0] == "report":  # it analyzes what is new first: the check, not the analyzers, when nothing is
        not_for = (
            *(n for n in NOT_FOR_FIGURES_JSON if n != "lessonloop.pipeline"),
            "lessonloop.analyze.session_analysis",
        )
        assert "lessonloop.pipeline.analysis_check" in names  # asked; current after an ingest that waited
    assert not_needed(names, not_for) == []


# What `lessonloop search` (issue 44) never pays for: tables drawn (its text is plain lines),
# dataclasses and typing (its hits are plain classes), the pipeline, the learner, the embedding
# model's code, the adapters, the other commands' modules.
NOT_FOR_SEARCH = (
    "rich",
    "dataclasses",
    "typing",
    "lessonloop.pipeline",
    "lessonloop.learning.engine",
    "lessonloop.apply",
    "lessonloop.capture",
    "lessonloop.cli.session_commands",
    "lessonloop.cli.analysis_commands",
    "lessonloop.cli.review_commands",
)


@pytest.mark.parametrize("json_out", [False, True])
def test_search_imports_only_what_it_needs(tmp_path: Path, json_out: bool) -> None:
    from tests.conftest import run_ingest
    from tests.store.test_session_search import Sessions

    Sessions(tmp_path / "in")
    store = tmp_path / "s.db"
    run_ingest(store, tmp_path / "in")
    env = read_env(tmp_path)
    words = ["search", "parser", "--agent", "claude-code", "--db", str(store), *(["--json"] if json_out else [])]
    imported(*words, env=env)  # the first read looks in the agents' places once
    names = imported(*words, env=env)
    assert "lessonloop.store.search.reader" in names and "lessonloop.secrets.redaction" in names
    assert not_needed(names, NOT_FOR_SEARCH) == []
