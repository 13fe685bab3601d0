"""The bound on a search's cost (issue 60): `/api/search` with 666 prefix terms took 25.8 s against
0.014 s for one word. The one parser every surface uses (store/search/query_text.parse_query:
`lessonloop search`, the web UI and API, the MCP tool) searches at most MAX_TERMS terms, of them
MAX_PREFIX_TERMS prefixes, each prefix at least MIN_PREFIX_CHARS long, a term given twice once, the
text up to MAX_QUERY_CHARS, and says what it left out. The time is measured by
benchmarks/search_terms_bench.py, not here."""

from __future__ import annotations

import itertools
import json
import re
import string
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lessonloop.apply.mcp_tools import search_sessions
from lessonloop.store import open_store
from lessonloop.store.search.query_text import (
    MAX_PREFIX_TERMS,
    MAX_QUERY_CHARS,
    MAX_TERMS,
    MIN_PREFIX_CHARS,
    parse_query,
)
from tests.conftest import cli, run_ingest
from tests.transcript_builder import TranscriptBuilder

_TERM = re.compile(r'"(?:[^"]|"")*"\*?')


def _terms(match: str) -> list[str]:
    """The terms of an FTS5 MATCH expression parse_query made (each a quoted phrase, * after a prefix)."""
    terms = _TERM.findall(match)
    assert " ".join(terms) == match
    return terms


def _prefixes(count: int, length: int = 3) -> list[str]:
    return ["".join(p) + "*" for p in itertools.islice(itertools.product(string.ascii_lowercase, repeat=length), count)]


def test_the_issues_666_prefix_terms_become_a_bounded_query() -> None:
    given = " ".join(_prefixes(666))
    query = parse_query(given)
    terms = _terms(query.match)
    assert len(terms) == MAX_PREFIX_TERMS and all(t.endswith("*") for t in terms)
    assert query.words == tuple(_prefixes(MAX_PREFIX_TERMS))
    read = given[:MAX_QUERY_CHARS].split()  # 200 terms of 4 characters and a space
    assert len(read) == 200 and query.cut == len(given) - MAX_QUERY_CHARS
    assert query.left_out == tuple(read[MAX_PREFIX_TERMS:])
    notice = query.notice
    assert notice is not None
    assert (
        f"only the first {MAX_QUERY_CHARS:,} characters were read ({len(given) - MAX_QUERY_CHARS:,} left out)" in notice
    )
    assert f"at most {MAX_TERMS} terms ({MAX_PREFIX_TERMS} of them prefixes) are searched" in notice
    assert f"'aai*', 'aaj*', 'aak*', 'aal*', 'aam*' and {200 - MAX_PREFIX_TERMS - 5:,} more left out" in notice


def test_words_fill_the_rest_up_to_the_cap_on_all_terms() -> None:
    words = [f"word{n}" for n in range(30)]
    query = parse_query(" ".join(_prefixes(12) + words))
    terms = _terms(query.match)
    assert len(terms) == MAX_TERMS
    assert sum(t.endswith("*") for t in terms) == MAX_PREFIX_TERMS
    assert query.left_out == (*_prefixes(12)[MAX_PREFIX_TERMS:], *words[MAX_TERMS - MAX_PREFIX_TERMS :])


def test_a_short_prefix_is_searched_as_a_word_and_a_repeated_term_once() -> None:
    """One letter and `*` expanded to every word of the index starting with it, per term."""
    query = parse_query(" ".join(["e*"] * 300 + ["t*", "E", "deploy*", "Deploy*", '"main.py"', "main.py", "ab*"]))
    assert _terms(query.match) == ['"e"', '"t"', '"deploy"*', '"main.py"', '"ab"']
    assert query.as_words == ("e*", "t*", "ab*")
    assert query.left_out == ()
    assert query.notice == (
        f"a prefix needs {MIN_PREFIX_CHARS} letters or digits before its *: 'e*', 't*', 'ab*' searched as whole words"
    )
    assert parse_query('"src main.p"*').match == '"src main.p"'  # a phrase's prefix is its last word's
    assert parse_query('"src main.pyt"*').match == '"src main.pyt"*'
    assert parse_query("deploy* fix").notice is None


def test_the_text_is_read_up_to_its_cap() -> None:
    text = "alpha " + "x" * (MAX_QUERY_CHARS + 500) + " omega"
    query = parse_query(text)
    assert "omega" not in query.match
    assert query.cut == len(text) - MAX_QUERY_CHARS
    assert query.notice is not None and f"only the first {MAX_QUERY_CHARS:,} characters were read" in query.notice


@pytest.fixture
def store(tmp_path: Path) -> Path:
    b = TranscriptBuilder(cwd="/home/dev/shop", start=datetime(2026, 11, 3, 9, 0, tzinfo=UTC))
    b.prompt("deploy the checkout service")
    b.bash("kubectl apply -f deployment.yaml", "deployment.apps/checkout configured")
    b.write(tmp_path / "in" / f"{b.session_id}.jsonl")
    db = tmp_path / "lessonloop.db"
    run_ingest(db, tmp_path / "in")
    return db


def test_every_surface_searches_the_bounded_query_and_says_what_it_left_out(store: Path) -> None:
    many = " ".join(["deplo*", "check*", *_prefixes(40, 4)])  # the two that find it come first
    result = cli("search", "--db", store, "--json", many)
    assert result.exit_code == 0, result.stderr
    assert "Note: at most 16 terms (8 of them prefixes) are searched: 'aaag*'" in result.stderr
    assert json.loads(result.output) == []  # aaaa* .. aaaf* are searched too, and found nowhere
    found = cli("search", "--db", store, "--json", "deplo*", "check*", "e*")
    assert found.exit_code == 0 and "'e*' searched as whole words" in found.stderr
    conn = open_store(store)
    try:
        answer = search_sessions(conn, many)
        assert answer["hits"] == [] and "'aaag*'" in answer["notice"]
        assert "notice" not in search_sessions(conn, "deploy* checkout")
        assert search_sessions(conn, "deploy* checkout")["hits"]
    finally:
        conn.close()


@pytest.mark.slow
def test_the_api_says_what_it_left_out(store: Path) -> None:
    pytest.importorskip("starlette", reason="the web extra is not installed: pip install 'lessonloop[web]'")
    from tests.web_stores import serving

    with serving(store) as server:
        query = urllib.parse.quote(" ".join(["x*"] * 666))  # the issue's: 666 one-letter prefixes, 1,998 characters
        with urllib.request.urlopen(f"{server.url}/api/search?q={query}") as response:
            data = json.loads(response.read())
        assert "'x*' searched as whole words" in data["notice"]
        with urllib.request.urlopen(f"{server.url}/api/search?q=deploy*") as response:
            plain = json.loads(response.read())
        assert plain["notice"] is None and plain["hits"]
