"""`lessonloop report --html FILE`: one self-contained HTML file with the dashboards and the
lessons. The style sheet, Chart.js, the charts' script and the data are all inside it, and its
Content-Security-Policy forbids every fetch, so it shows the same at any time, offline."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from lessonloop import __version__
from lessonloop.report.html.assets import CHART_LIBRARY, STATIC, environment
from lessonloop.store.lessons.reader import LessonRow

_CHART_VERSION = re.compile(r"Chart\.js v(\d+\.\d+\.\d+)")


@dataclass(frozen=True, slots=True)
class ReportPage:
    """What the report shows: the dashboards' figures (report/dashboard_queries.py), the replay
    (learning/engine/replay.py's JSON, or None when not computed), the lessons and the store's totals."""

    dashboard: dict[str, Any]
    replay: dict[str, Any] | None
    lessons: list[LessonRow]
    stats: dict[str, Any]
    store: str
    generated_at: str
    project: str | None = None
    agent: str | None = None


def _inline(text: str, closing: str) -> str:
    """A text put inside an element whose end tag is `closing`: that tag cannot occur in it."""
    if closing in text.lower():
        raise ValueError(f"cannot inline a text holding {closing}")
    return text


def chart_library_version() -> str:
    """The vendored Chart.js's version, from its banner."""
    found = _CHART_VERSION.search(CHART_LIBRARY.read_text(encoding="utf-8")[:400])
    return found.group(1) if found else "unknown"


def render_report_html(page: ReportPage, scrub_pii: bool = True) -> str:
    """The whole report as one HTML document; `scrub_pii` (privacy.scrub_pii_exports): personal
    data scrubbed from every text it shows, as a file made to be passed around."""
    library = CHART_LIBRARY.read_text(encoding="utf-8")
    template = environment(scrub_pii=scrub_pii).get_template("report.html")
    return template.render(
        style=Markup(_inline((STATIC / "style.css").read_text(encoding="utf-8"), "</style")),
        chart_library=Markup(_inline(library, "</script")),
        dashboard_script=Markup(_inline((STATIC / "dashboard.js").read_text(encoding="utf-8"), "</script")),
        chart_version=chart_library_version(),
        version=__version__,
        dashboard=page.dashboard,
        replay=page.replay or {"evaluated_calls": 0, "by_day": []},
        lessons=page.lessons,
        stats=page.stats,
        store=page.store,
        generated_at=page.generated_at,
        project=page.project,
        agent=page.agent,
    )
