"""Tables that fit the terminal: short columns (ids, counts, statuses) kept whole, headers of
several words put on two lines when the cells are narrower, the least needed columns left out when
there is still no room, and the long text columns given what is left (shortened with "…", or
wrapped). Widths are measured in terminal cells (a wide character takes two)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Sequence

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
    width: int, columns: list[Column], rows: Sequence[Sequence[str | Text | list[str]]], title: str | None = None
) -> tuple[Table, list[str]]:
    """A table of `rows` fitting `width` cells, and the names of the columns left out for want of
    room. A cell is a plain string (data, never markup), a rich Text, or a list of items: on one
    line joined by ", " when the column is wide enough, else one item a line."""
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    cells = [[Text(", ".join(cell)) if isinstance(cell, list) else _text(cell) for cell in row] for row in rows]
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
    if texts and wanted > room:  # each text column gets its narrowest width, then a share of the rest
        base = {i: min(widths[i], columns[i].least) for i in texts}
        spare = max(0, room - sum(base.values()))
        more = sum(widths[i] - base[i] for i in texts)
        for i in texts:
            widths[i] = base[i] + (spare * (widths[i] - base[i]) // more if more else 0)
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
    for given, row in zip(rows, cells, strict=True):
        for i in shown:
            items = given[i]
            if isinstance(items, list) and cell_len(row[i].plain) > widths[i]:
                row[i] = Text("\n".join(_item_line(item, widths[i]) for item in items))
        table.add_row(*(row[i] for i in shown))
    return table, [column.name for i, column in enumerate(columns) if i not in shown]


def left_out_note(names: list[str]) -> str:
    """A line saying which columns a narrow terminal left out ("" when none was)."""
    if not names:
        return ""
    return f"({', '.join(names)}: left out for want of room; a wider terminal or --json shows them)"


def _item_line(item: str, width: int) -> str:
    """An item of a list cell on a line of `width` cells: too long, its last word (a count) is
    kept and the words before it are shortened with "…"."""
    from rich.cells import cell_len

    if cell_len(item) <= width or " " not in item:
        return item
    head, last = item.rsplit(" ", 1)
    room = width - cell_len(last) - 2  # the space and the "…"
    if room < 1:
        return item
    while head and cell_len(head) > room:
        head = head[:-1]
    return f"{head}… {last}"


def _text(cell: str | Text) -> Text:
    from rich.text import Text

    return cell if isinstance(cell, Text) else Text(cell)


def _two_lines(header: str) -> str:
    """`header` split at the space that makes its longer line the shortest (as it is without one)."""
    words = header.split(" ")
    if len(words) < 2:
        return header
    from rich.cells import cell_len

    splits = [(" ".join(words[:k]), " ".join(words[k:])) for k in range(1, len(words))]
    first, second = min(splits, key=lambda pair: max(cell_len(pair[0]), cell_len(pair[1])))
    return f"{first}\n{second}"
