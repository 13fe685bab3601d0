"""The wings' kinds of export (core/wings.py's EXPORT_KINDS: the runs', the commits'), their modules
imported when asked: apart from kinds.py, which lists every kind and imports the dataset's own
writers (records.py among them, which reads the commits' kind)."""

from __future__ import annotations

from lessonloop.core.wings import declared, resolve
from lessonloop.report.record_fields import ExportKind


def wing_kinds() -> dict[str, ExportKind]:
    """The wings' kinds, their modules imported now."""
    return {name: resolve(str(target)) for _wing, kinds in declared("EXPORT_KINDS") for name, target in kinds.items()}
