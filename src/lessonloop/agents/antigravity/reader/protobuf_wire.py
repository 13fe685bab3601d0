"""The protobuf wire format, read without a schema (Antigravity's conversation databases hold
protobuf blobs and no published .proto): a message is a run of fields, each a tag (a varint:
field number << 3 | wire type) and a value by its wire type: 0 a varint, 1 eight bytes
(fixed64), 2 a length (a varint) and that many bytes (a string, bytes or a message), 5 four
bytes (fixed32). Groups (wire types 3 and 4) are long deprecated: an error, as is a field number
0, a truncated value or a varint over ten bytes (WireError).

Reading a field a message holds more than once, as protobuf does: a scalar (varint, text) is the
last one; `first_bytes` is the first (the reader of ccusage's adapter reads an embedded message so:
its numbers are matched here); `all_bytes` every one (a repeated field)."""

from __future__ import annotations

from dataclasses import dataclass

VARINT, FIXED64, BYTES, FIXED32 = 0, 1, 2, 5
_MAX_VARINT_BYTES = 10


class WireError(ValueError):
    """Bytes that are no protobuf message."""


@dataclass(frozen=True, slots=True)
class Field:
    number: int
    wire: int
    # a varint's or a fixed-width value's number (unsigned); a length-delimited one's bytes
    value: int | bytes


def read_varint(data: bytes, at: int) -> tuple[int, int]:
    """The varint at `at` and the offset after it."""
    value = 0
    for index in range(_MAX_VARINT_BYTES):
        if at + index >= len(data):
            raise WireError("truncated varint")
        byte = data[at + index]
        if index == _MAX_VARINT_BYTES - 1 and byte > 1:
            raise WireError("varint over 64 bits")
        value |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            return value, at + index + 1
    raise WireError("varint over ten bytes")


def decode(data: bytes) -> list[Field]:
    """The fields of one message, in their order."""
    fields: list[Field] = []
    at = 0
    while at < len(data):
        tag, at = read_varint(data, at)
        number, wire = tag >> 3, tag & 7
        if number == 0:
            raise WireError("field number 0")
        value: int | bytes
        if wire == VARINT:
            value, at = read_varint(data, at)
        elif wire in (FIXED64, FIXED32):
            width = 8 if wire == FIXED64 else 4
            if at + width > len(data):
                raise WireError("truncated fixed-width value")
            value = int.from_bytes(data[at : at + width], "little")
            at += width
        elif wire == BYTES:
            length, at = read_varint(data, at)
            if at + length > len(data):
                raise WireError("truncated length-delimited value")
            value = bytes(data[at : at + length])
            at += length
        else:
            raise WireError(f"wire type {wire} (a group, or no protobuf)")
        fields.append(Field(number, wire, value))
    return fields


def varint(fields: list[Field], number: int) -> int | None:
    """The last varint of field `number`, else None."""
    for found in reversed(fields):
        if found.number == number and found.wire == VARINT and isinstance(found.value, int):
            return found.value
    return None


def first_bytes(fields: list[Field], number: int) -> bytes | None:
    """The first length-delimited value of field `number` (an embedded message), else None."""
    for found in fields:
        if found.number == number and found.wire == BYTES and isinstance(found.value, bytes):
            return found.value
    return None


def all_bytes(fields: list[Field], number: int) -> list[bytes]:
    """Every length-delimited value of field `number`, in order (a repeated message)."""
    return [f.value for f in fields if f.number == number and f.wire == BYTES and isinstance(f.value, bytes)]


def text(fields: list[Field], number: int) -> str | None:
    """The last length-delimited value of field `number` as text: None when it is not UTF-8 or is
    blank."""
    for found in reversed(fields):
        if found.number == number and found.wire == BYTES and isinstance(found.value, bytes):
            try:
                decoded = found.value.decode("utf-8")
            except UnicodeDecodeError:
                return None
            return decoded if decoded.strip() else None
    return None


# --- writing: what the tests build conversation databases with ------------------------------------


def encode_varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def varint_field(number: int, value: int) -> bytes:
    return encode_varint(number << 3 | VARINT) + encode_varint(value)


def bytes_field(number: int, value: bytes | str) -> bytes:
    raw = value.encode("utf-8") if isinstance(value, str) else value
    return encode_varint(number << 3 | BYTES) + encode_varint(len(raw)) + raw
