"""Tables that fit the terminal: short columns (ids, counts, statuses) kept whole, headers of
several words put on two lines when the cells are narrower, the least needed columns left out when
there is still no room, and the long text columns given what is left (shortened with "…", or
wrapped). Widths are measured in terminal cells (a wide character takes two)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from rich.table import Table
    from rich.text import Text

GAP = 2  # cells between two columns (box=None, padding 1 on each side, no edge padding)
MIN_TEXT = 10  # a long text column's narrowest width, unless its Column says another


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    justify: Literal["left", "right"] = "left"
    # A long text column: "cut" on one line with "…"; "wrap" at spaces (a word too long cut with
    # "…"); "fold" at spaces, a word too long broken (a pattern, whose every character counts).
    text: Literal["", "cut", "wrap", "fold"] = ""
    drop: int = 0  # 0: always shown; else left out when there is no room, the highest first
    least: int = MIN_TEXT  # a long text column's narrowest width


def fit_table(
    width: int, columns: list[Column], rows: list[list[str | Text]], title: str | None = None
) -> tuple[Table, list[str]]:
    """A table of `rows` (plain strings are data, never markup) fitting `width` cells, and the
    names of the columns left out for want of room."""
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    cells = [[cell if isinstance(cell, Text) else Text(cell) for cell in row] for row in rows]
    natural = [max([0, *(cell_len(row[i].plain) for row in cells)]) for i in range(len(columns))]
    headers = [column.name for column in columns]
    widths = [max(n, cell_len(h)) for n, h in zip(natural, headers, strict=True)]
    shown = list(range(len(columns)))

    def needed() -> int:
        fixed = sum(widths[i] if not columns[i].text else min(widths[i], columns[i].least) for i in shown)
        return fixed + GAP * (len(shown) - 1)

    if needed() > width:  # headers of several words over narrower cells: on two lines
        for i, header in enumerate(headers):
            split = _two_lines(header)
            if split != header and cell_len(header) > natural[i]:
                headers[i] = split
                widths[i] = max(natural[i], *(cell_len(line) for line in split.split("\n")))
    for i in sorted((i for i in shown if columns[i].drop), key=lambda i: -columns[i].drop):
        if needed() <= width:
            break
        shown.remove(i)
    room = width - sum(widths[i] for i in shown if not columns[i].text) - GAP * (len(shown) - 1)
    texts = [i for i in shown if columns[i].text]
    wanted = sum(widths[i] for i in texts)
    if texts and wanted > room:  # the text columns share what is left, each in proportion to its need
        for i in texts:
            widths[i] = max(min(widths[i], columns[i].least), min(widths[i], room * widths[i] // wanted))
    table = Table(title=title, title_justify="left", box=None, header_style="bold", pad_edge=False)
    for i in shown:
        column = columns[i]
        if column.text in ("wrap", "fold"):
            overflow: Literal["ellipsis", "fold"] = "fold" if column.text == "fold" else "ellipsis"
            table.add_column(headers[i], justify=column.justify, overflow=overflow, max_width=widths[i])
        elif column.text == "cut":
            table.add_column(headers[i], justify=column.justify, no_wrap=True, overflow="ellipsis", max_width=widths[i])
        else:
            table.add_column(headers[i], justify=column.justify, no_wrap=True, min_width=widths[i])
    for row in cells:
        table.add_row(*(row[i] for i in shown))
    return table, [column.name for i, column in enumerate(columns) if i not in shown]


def left_out_note(names: list[str]) -> str:
    """A line saying which columns a narrow terminal left out ("" when none was)."""
    if not names:
        return ""
    return f"({', '.join(names)}: left out for want of room; a wider terminal or --json shows them)"


def _two_lines(header: str) -> str:
    """`header` split at the space that makes its longer line the shortest (as it is without one)."""
    words = header.split(" ")
    if len(words) < 2:
        return header
    from rich.cells import cell_len

    splits = [(" ".join(words[:k]), " ".join(words[k:])) for k in range(1, len(words))]
    first, second = min(splits, key=lambda pair: max(cell_len(pair[0]), cell_len(pair[1])))
    return f"{first}\n{second}"
