"""Bitcoin private keys in wallet import format (WIF): base58check of a version byte (0x80 on the
main network, 0xef on test networks), the 32-byte key and, for a key of a compressed public key,
0x01. 51 characters starting with 5 (9 on testnet), or 52 starting with K or L (c). The checksum
(the first 4 bytes of the double SHA-256 of the payload) makes a match precise: a random base58
string of that length passes it once in four billion.
"""

from __future__ import annotations

KIND = "bitcoin-wif-key"
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_VALUES = {char: value for value, char in enumerate(BASE58)}
_FIRST = {51: "59", 52: "KLc"}


def is_wif(candidate: str) -> bool:
    """`candidate` is a WIF private key (its length, first character, version and checksum)."""
    if candidate[:1] not in _FIRST.get(len(candidate), ""):
        return False
    number = 0
    for char in candidate:
        value = _VALUES.get(char)
        if value is None:
            return False
        number = number * 58 + value
    size = 37 if len(candidate) == 51 else 38
    if number >> (size * 8):
        return False
    data = number.to_bytes(size, "big")
    payload, checksum = data[:-4], data[-4:]
    if payload[0] not in (0x80, 0xEF) or (size == 38 and payload[-1] != 0x01):
        return False
    import hashlib  # here: the hooks import this module, and hashlib costs them milliseconds

    return hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] == checksum
