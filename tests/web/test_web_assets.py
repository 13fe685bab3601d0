"""What the web UI and the HTML report ship and print: the vendored chart library as recorded,
nothing fetched from elsewhere, every printed value and every JSON field redacted again, data
that cannot close its <script> element, and `report --html` writing one self-contained file."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

pytest.importorskip("jinja2", reason="the web extra is not installed: pip install 'lessonloop[web]'")

from lessonloop.report.html.assets import CHART_LIBRARY, STATIC, TEMPLATES, environment, json_for_script
from lessonloop.report.html.static_report import chart_library_version
from lessonloop.store import open_store
from tests.conftest import REPO_ROOT, cli
from tests.web_stores import MAIN_CORPORA, ingest, need_corpora

WEB_TEMPLATES = REPO_ROOT / "src" / "lessonloop" / "web" / "templates"
SECRET = "ghp_" + "Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2"  # a GitHub token's shape
_URL = re.compile(r"""(?:src|href|action)\s*=\s*["']?(?:https?:)?//""", re.I)


def test_the_vendored_chart_library_is_what_vendored_md_records() -> None:
    record = (CHART_LIBRARY.parent / "VENDORED.md").read_text(encoding="utf-8")
    digest = hashlib.sha256(CHART_LIBRARY.read_bytes()).hexdigest()
    assert digest in record
    assert f"| {chart_library_version()} |" in record
    assert (CHART_LIBRARY.parent / "chart.js.LICENSE.md").read_text(encoding="utf-8").startswith("The MIT License")


def test_no_page_loads_anything_from_elsewhere() -> None:
    """Templates and our own scripts and styles name no other host: no CDN, nothing fetched at view time."""
    files = [*TEMPLATES.glob("*.html"), *WEB_TEMPLATES.glob("*.html"), STATIC / "dashboard.js", STATIC / "style.css"]
    assert len(files) >= 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not _URL.search(text), path
        assert "@import" not in text and "url(http" not in text, path


def test_every_printed_value_is_redacted_again() -> None:
    env = environment()
    html = env.from_string("<p>{{ text }}</p><p>{{ text|one_line }}</p>").render(text=f"token={SECRET} here")
    assert SECRET not in html
    assert html.count("here") == 2


def test_chart_data_is_redacted_and_cannot_close_its_script_element() -> None:
    data = {"title": "</script><script>alert(1)</script>", "command": f"curl -H 'Authorization: token {SECRET}'"}
    text = json_for_script(data)
    assert "</script" not in text.lower() and "<" not in text
    assert SECRET not in text
    assert json.loads(text)["title"] == data["title"]  # the same value once parsed


@pytest.mark.slow
@pytest.mark.corpus
def test_report_html_writes_one_self_contained_file(tmp_path: Path) -> None:
    need_corpora(MAIN_CORPORA[0])
    db = tmp_path / "lessonloop.db"
    ingest(db, MAIN_CORPORA[0])
    target = tmp_path / "report.html"
    result = cli("report", "--db", db, "--html", target, "--json")
    assert result.exit_code == 0, result.stderr
    written = result.json()
    assert written["html"] == str(target) and written["bytes"] == target.stat().st_size
    html = target.read_text(encoding="utf-8")
    assert "default-src 'none'" in html  # the file may fetch nothing
    assert "<script src" not in html and "<link" not in html
    assert "Chart.js v" in html  # the library is inside
    data = re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>', html, re.S)
    assert data is not None
    dashboard = json.loads(data.group(1))
    assert dashboard["errors_by_tool"] and dashboard["tokens"]
    assert html.count('class="card lesson"') == written["lessons"] > 0
    # costs (issue 26): each day's rows priced, the total in the header, a chart of them
    assert all(row["cost_usd"] is not None and row["unpriced_calls"] == 0 for row in dashboard["tokens"])
    total = sum(row["cost_usd"] for row in dashboard["tokens"])
    assert f"cost ${total:,.2f} at list prices" in html and 'id="chart-cost-model"' in html


def test_report_html_says_which_file_it_cannot_write(tmp_path: Path) -> None:
    open_store(tmp_path / "s.db").close()
    result = cli("report", "--db", tmp_path / "s.db", "--html", tmp_path / "no" / "such" / "report.html", "--no-replay")
    assert result.exit_code == 1
    assert "cannot write" in result.stderr and "report.html" in result.stderr
