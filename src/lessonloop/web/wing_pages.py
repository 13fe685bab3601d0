"""The wings' pages in the web UI (core/wings.py's WEB: each names a module holding PAGES and API,
lists of routes; ROUTE_DOCS, the API's entries for /api; NAV, the header's links as (section,
address, label); TEMPLATES, its templates' folder). The web knows no wing: it mounts what they give."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lessonloop.core.wings import modules


def wing_routes() -> tuple[list[Any], list[Any]]:
    """Every wing's API routes and page routes."""
    api: list[Any] = []
    pages: list[Any] = []
    for module in modules("WEB"):
        api += getattr(module, "API", [])
        pages += getattr(module, "PAGES", [])
    return api, pages


def wing_route_docs() -> list[tuple[str, str, str]]:
    """The wings' entries of the API's list (/api)."""
    return [doc for module in modules("WEB") for doc in getattr(module, "ROUTE_DOCS", ())]


def wing_nav() -> list[tuple[str, str, str]]:
    """The wings' links in the header: (section, address, label)."""
    return [link for module in modules("WEB") for link in getattr(module, "NAV", ())]


def wing_templates() -> list[Path]:
    """The wings' template folders."""
    return [Path(module.TEMPLATES) for module in modules("WEB") if getattr(module, "TEMPLATES", None)]
