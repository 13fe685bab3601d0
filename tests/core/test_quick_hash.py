"""core/quick_hash.py gives hashlib's digests (the hooks' ids and file names must not change)."""

from __future__ import annotations

import hashlib
import subprocess
import sys

from lessonloop.core.quick_hash import blake2b_hex, sha1_hex, sha256_hex


def test_the_digests_are_hashlibs() -> None:
    for data in (b"", b"abc", "é日本\x00".encode(), bytes(range(256)) * 40):
        assert sha1_hex(data) == hashlib.sha1(data).hexdigest()
        assert sha256_hex(data) == hashlib.sha256(data).hexdigest()
        for size in (10, 32, 64):
            assert blake2b_hex(data, size) == hashlib.blake2b(data, digest_size=size).hexdigest()


def test_no_openssl_is_loaded() -> None:
    code = "import sys; from lessonloop.core.quick_hash import blake2b_hex, sha1_hex, sha256_hex; sha1_hex(b'x'); sha256_hex(b'x'); blake2b_hex(b'x', 10); import lessonloop.learning.engine.signatures; print('hashlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
