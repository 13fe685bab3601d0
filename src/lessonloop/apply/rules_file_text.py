"""A rules file's new text: the marked lessons section (learning/engine/exchange.py: provenance labels, tool
output quoted, every text redacted again) in the form its agent reads (apply/instruction_files.py
RulesForm: front matter, a size limit).

- A new file gets the form's front matter, then the section.
- An existing file keeps everything outside the markers byte for byte, its front matter included
  (the person may have changed how the agent applies it); only the section is replaced, or
  appended when the file has none.
- Under a size limit (Windsurf), the most confident lessons that fit are kept and the section says
  how many were left out.

Pure but `write_rules_file` at the end.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lessonloop.apply.instruction_files import RulesForm
from lessonloop.learning.engine.exchange import (
    END_MARKER,
    markdown_section,
    newline_of,
    refresh_section,
    write_text_file,
)


class RulesFileError(ValueError):
    """The file cannot take the section as its agent reads it: nothing is written."""


@dataclass(frozen=True, slots=True)
class RulesText:
    text: str  # the file's whole new text
    kept: int  # the lessons in it
    left_out: int  # the lessons left out to stay under the form's size limit
    front_matter_missing: bool  # an existing file without the front matter its agent needs to load it


def front_matter(form: RulesForm, newline: str = "\n") -> str:
    """The form's front matter block with its closing line ending, or "" for none."""
    if not form.front_matter:
        return ""
    return newline.join(("---", *form.front_matter, "---")) + newline


def has_front_matter(text: str) -> bool:
    return text.startswith(("---\n", "---\r\n"))


def file_text(existing: str | None, section: str, form: RulesForm) -> str:
    """`existing` (None: no file) with `section` (markers included, "\n" line endings) in place: a
    new file starts with the form's front matter and a blank line; an existing one keeps every byte
    outside the markers (exchange.refresh_section: SectionError for broken markers)."""
    if existing is None:
        head = front_matter(form)
        return (head + "\n" if head else "") + refresh_section(None, section)
    newline = newline_of(existing)
    return refresh_section(existing, section.replace("\n", newline))


def left_out_note(count: int, form: RulesForm) -> str:
    """The line the section ends with when lessons were left out for the size limit."""
    return (
        f"- ({count} less confident lesson{'' if count == 1 else 's'} left out: {form.agent_name} reads "
        f"the first {form.max_chars} characters of a rules file.)"
    )


def _by_confidence(lessons: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """In the section's order (exchange.markdown_section): most confident first, ties by signature."""
    return sorted(lessons, key=lambda item: (-float(item["confidence"]), str(item["signature"])))


def rules_text(
    existing: str | None, lessons: Sequence[Mapping[str, Any]], form: RulesForm, scrub_pii: bool = True
) -> RulesText:
    """The file's new text holding `lessons` (`LessonRow.to_json()` objects), cut to the most
    confident ones that keep the whole file within `form.max_chars` (RulesFileError when the
    file's own text leaves no room for one)."""
    ordered = _by_confidence(lessons)

    def build(kept: int) -> str:
        section = markdown_section(ordered[:kept], scrub_pii=scrub_pii)
        if kept < len(ordered):
            section = section.removesuffix(END_MARKER) + left_out_note(len(ordered) - kept, form) + "\n" + END_MARKER
        return file_text(existing, section, form)

    missing = bool(form.front_matter) and existing is not None and not has_front_matter(existing)
    text = build(len(ordered))
    limit = form.max_chars
    if limit is None or len(text) <= limit:
        return RulesText(text, len(ordered), 0, missing)
    low, high = 0, len(ordered) - 1  # the most lessons that fit is in [low, high]; build(low) may not fit
    while low < high:
        middle = (low + high + 1) // 2
        if len(build(middle)) <= limit:
            low = middle
        else:
            high = middle - 1
    text = build(low)
    if low == 0 and ordered:
        raise RulesFileError(
            f"{form.agent_name} reads the first {limit} characters of a rules file and the text around "
            f"lessonloop's section leaves no room for a lesson ({len(text)} characters with none); "
            "shorten it or give another file with --to"
        )
    return RulesText(text, low, len(ordered) - low, missing)


def read_existing(path: Path) -> str | None:
    """The file's text (bytes that are not UTF-8 kept as they are), None when there is no file."""
    try:
        return path.read_bytes().decode("utf-8", "surrogateescape")
    except FileNotFoundError:
        return None


def write_rules_file(path: Path, text: str) -> bool:
    """Write `text` to `path` (exchange.write_text_file: unchanged files are not touched, the
    folder is created, permissions kept); whether it changed. OSError when it cannot."""
    return write_text_file(path, text)
