"""SHA-1 and SHA-256 hex digests without importing hashlib: hashlib loads OpenSSL, about 2 ms of
a hook's start, for digests of a few short strings. CPython's own implementations (`_sha1`, and
`_sha2` from 3.12, `_sha256` before) give the same digests; hashlib stands in where a build
lacks them."""

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
