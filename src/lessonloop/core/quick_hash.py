"""SHA-1, SHA-256 and BLAKE2b hex digests without importing hashlib: hashlib loads OpenSSL, about
2 ms of a hook's start, for digests of a few short strings. CPython's own implementations
(`_sha1`, `_sha2` from 3.12 and `_sha256` before, `_blake2`: hashlib's own blake2b) give the same
digests; hashlib stands in where a build lacks them."""

from __future__ import annotations

import sys


def sha1_hex(data: bytes) -> str:
    try:
        from _sha1 import sha1  # type: ignore[import-not-found]
    except ImportError:
        from hashlib import sha1
    return str(sha1(data).hexdigest())


def sha256_hex(data: bytes) -> str:
    try:
        if sys.version_info >= (3, 12):
            from _sha2 import sha256  # type: ignore[import-not-found]
        else:
            from _sha256 import sha256  # type: ignore[import-not-found]
    except ImportError:
        from hashlib import sha256
    return str(sha256(data).hexdigest())


def blake2b_hex(data: bytes, digest_size: int) -> str:
    try:
        from _blake2 import blake2b
    except ImportError:
        from hashlib import blake2b
    return str(blake2b(data, digest_size=digest_size).hexdigest())
