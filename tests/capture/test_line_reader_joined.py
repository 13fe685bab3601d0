"""capture/line_reader: a chunk's lines carry the bytes they were split from (Aider's parser reads
them whole), and only while those bytes are still the lines joined by newlines."""

from __future__ import annotations

from pathlib import Path

from lessonloop.capture.line_reader import MAX_LINE_BYTES, Lines, ReadState, read_chunks


def _chunks(
    path: Path, block_bytes: int, max_line_bytes: int = MAX_LINE_BYTES
) -> list[tuple[list[bytes], bytes | None]]:
    with open(path, "rb") as handle:
        chunks = read_chunks(
            handle,
            str(path),
            0,
            0,
            path.stat().st_size,
            ReadState(),
            block_bytes=block_bytes,
            max_line_bytes=max_line_bytes,
        )
        return [(list(chunk.lines), getattr(chunk.lines, "joined", None)) for chunk in chunks]


def test_joined_is_the_lines_joined_by_newlines(tmp_path: Path) -> None:
    path = tmp_path / "history.md"
    path.write_bytes(b"".join(b"line %d \r\xff\n" % n for n in range(5_000)) + b"no newline yet")
    chunks = _chunks(path, block_bytes=4_096)
    assert len(chunks) > 10
    for lines, joined in chunks:
        assert joined == b"\n".join(lines)
    assert [line for lines, _ in chunks for line in lines] == [b"line %d \r\xff" % n for n in range(5_000)]


def test_no_joined_text_once_a_long_line_was_blanked(tmp_path: Path) -> None:
    path = tmp_path / "history.md"
    path.write_bytes(b"short\n" + b"x" * 300 + b"\nafter\n")
    (lines, joined), *rest = _chunks(path, block_bytes=4_096, max_line_bytes=100)
    assert lines == [b"short", b"", b"after"]
    assert joined is None
    assert rest == []
    assert isinstance(Lines([b"a"], None), list)


def test_restart_offsets_counted_from_either_end_agree(tmp_path: Path) -> None:
    from lessonloop.pipeline.file_parse import line_length as _length

    path = tmp_path / "history.md"
    path.write_bytes(b"".join(b"#" * (n % 7) + b" line %d\n" % n for n in range(3_000)))
    (lines, joined), *_ = _chunks(path, block_bytes=1 << 20)
    chunk = Lines(lines, joined)
    for end in (0, 1, 1_499, 1_500, 1_501, 2_999, 3_000):
        assert _length(chunk, 0, end) == _length(list(lines), 0, end) == len(b"".join(x + b"\n" for x in lines[:end]))
