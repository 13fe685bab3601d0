"""The wings' pages in the web UI (core/wing.py's web: each names a module holding PAGES and API,
lists of routes; ROUTE_DOCS, the API's entries for /api; NAV, the header's links as (section,
address, label); TEMPLATES, its templates' folder). The web knows no wing: it mounts what they give."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from lessonloop.core.wings import wings

if TYPE_CHECKING:
    from lessonloop.core.wing_specs import WebModule


def _modules() -> list[WebModule]:
    return [module for wing in wings() if (module := wing.web()) is not None]


def wing_routes() -> tuple[list[Any], list[Any]]:
    """Every wing's API routes and page routes."""
    api: list[Any] = []
    pages: list[Any] = []
    for module in _modules():
        api += getattr(module, "API", [])
        pages += getattr(module, "PAGES", [])
    return api, pages


def wing_route_docs() -> list[tuple[str, str, str]]:
    """The wings' entries of the API's list (/api)."""
    return [doc for module in _modules() for doc in getattr(module, "ROUTE_DOCS", ())]


def wing_nav() -> list[tuple[str, str, str]]:
    """The wings' links in the header: (section, address, label)."""
    return [link for module in _modules() for link in getattr(module, "NAV", ())]


def wing_templates() -> list[Path]:
    """The wings' template folders."""
    folders = [getattr(module, "TEMPLATES", None) for module in _modules()]
    return [Path(folder) for folder in folders if folder]
