"""Where the shared templates and static files are, and the one Jinja2 environment that renders
them: autoescaped, every value printed redacted again (prose scope), data for the charts as JSON
redacted field by field and safe inside a <script> element.

Jinja2 is in the `web` extra: `missing_web_extra()` says how to get it when it is absent.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from lessonloop.core.json_codec import dumps
from lessonloop.report.costs import cost_text
from lessonloop.report.render import call_what
from lessonloop.secrets.field_redaction import redact_fields

if TYPE_CHECKING:
    import jinja2

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
CHART_LIBRARY = STATIC / "vendor" / "chart.umd.min.js"


def missing_web_extra() -> str | None:
    """None when Jinja2 can be imported, else what to install."""
    try:
        import jinja2  # noqa: F401
    except ImportError:
        from lessonloop.core.install_hints import extra_install

        return f"the HTML pages need the web extra: {extra_install('web')}"
    return None


def shown_value(value: Any, scrub_pii: bool = False) -> Any:
    """A value as a page prints it: a text redacted again with the current rules, and with
    `scrub_pii` (a report written to a file: privacy.scrub_pii_exports) its personal data
    scrubbed (markup made here, such as the charts' JSON, is redacted where it is made)."""
    if isinstance(value, str) and value and not hasattr(value, "__html__"):
        from lessonloop.secrets.redaction import redact_shown

        text = redact_shown(value, "prose")[0]
        if scrub_pii:
            from lessonloop.secrets.pii import scrub_pii as scrub

            text = scrub(text)[0]
        return text
    return value


def json_for_script(data: Any, scrub_pii: bool = False) -> str:
    """`data` as JSON for a <script type="application/json"> element: every text redacted in its
    field's scope (and scrubbed of personal data with `scrub_pii`), and nothing in it can close
    the element or start a comment."""
    cleaned = redact_fields(data)[0]
    if scrub_pii:
        from lessonloop.secrets.pii import scrub_pii_value

        cleaned = scrub_pii_value(cleaned)[0]
    text = dumps(cleaned)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def one_line(text: Any, width: int = 120) -> str:
    """The first line of a text, cut to `width` characters with an ellipsis."""
    if not text:
        return ""
    first = str(text).strip().splitlines()[0] if str(text).strip() else ""
    return first if len(first) <= width else first[: width - 1] + "…"


def percent(value: Any, digits: int = 0) -> str:
    """0.1234 -> '12%'; None -> '-'."""
    if value is None:
        return "-"
    return f"{float(value) * 100:.{digits}f}%"


def number(value: Any) -> str:
    """An integer with thousands separators; None -> '-'."""
    if value is None:
        return "-"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.3g}"
    return f"{int(value):,}"


def cost(item: Any) -> str:
    """A row's cost (its cost_usd and unpriced_calls, report/costs.py) as a table shows it:
    "$1.23", "$1.23+" when some calls are unpriced, "unknown" when none is priced."""
    if isinstance(item, dict):
        return cost_text(item.get("cost_usd"), item.get("unpriced_calls", 0))
    return cost_text(getattr(item, "cost_usd", None), getattr(item, "unpriced_calls", 0))


def environment(extra_templates: Sequence[Path] = (), scrub_pii: bool = False) -> jinja2.Environment:
    """The Jinja2 environment over `extra_templates` (searched first) and the shared templates;
    with `scrub_pii`, every printed text is scrubbed of personal data too (report --html)."""
    import jinja2

    def script_json(data: Any) -> Markup:
        return Markup(json_for_script(data, scrub_pii))  # escaped for a script element above

    def finalize(value: Any) -> Any:
        return shown_value(value, scrub_pii)

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*(str(p) for p in extra_templates), str(TEMPLATES)]),
        autoescape=True,
        finalize=finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )

    env.filters.update(
        one_line=one_line, percent=percent, number=number, script_json=script_json, cost=cost, call_what=call_what
    )
    return env
