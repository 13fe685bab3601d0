"""A commit as file prediction learns it, for the tests: the n-th second of 2024-01-01."""

from __future__ import annotations

from lessonloop.history.file_prediction.examples import Example, FileChange


def commit(
    n: int,
    text: str,
    *files: str,
    status: str = "M",
    author: str = "Ada",
    merge: bool = False,
    symbols: tuple[tuple[str, tuple[str, ...]], ...] = (),
) -> Example:
    return Example(
        key=f"c{n:04d}",
        time=f"2024-01-01T{n // 3600:02d}:{n // 60 % 60:02d}:{n % 60:02d}.000Z",
        text=text,
        files=tuple(FileChange(f, status) for f in files),
        author=author,
        is_merge=merge,
        symbols=symbols,
    )
