"""The wings' kinds of export (core/wing.py's EXPORT_KINDS: the runs', the commits'), their modules
imported when asked: apart from kinds.py, which lists every kind and imports the dataset's own
writers (records.py among them, which reads the commits' kind)."""

from __future__ import annotations

from lessonloop.core.wings import wings
from lessonloop.report.record_fields import ExportKind


def wing_kinds() -> dict[str, ExportKind]:
    """The wings' kinds, their modules imported now."""
    found: dict[str, ExportKind] = {name: wing.export_kind(name) for wing in wings() for name in wing.EXPORT_KINDS}
    return found
