"""Keys written in hex, told from the hashes people print by what stands before them.

A run of 32 or more hex digits is a key (an API key, an AES key, an HMAC secret, an auth token)
when a word naming a secret stands before it on its line (key, secret, token, password, auth,
login, hmac, fromhex, private, api key, ...), nearer than any word naming a hash (sha, digest,
checksum, commit, md5, etag, integrity, fingerprint, trace, id, ...), and it is not a checksum
file's line (`<hex>  file`), a file named by its hash, or a URL path's piece that names no key.
Hex with no such word is an id or a hash (a digest, an item's id). A `0x` key of 64 digits is a
key near a word naming keys, accounts or wallets.
"""

from __future__ import annotations

from lessonloop.core.lazy_regex import LazyRegex
from lessonloop.secrets.structural import HEX_CHARS, matches_at, runs
from lessonloop.secrets.token_shape import entropy

_HEX = LazyRegex(r"(?<![0-9A-Za-z_])(0x)?([0-9a-fA-F]{32,512})(?![0-9A-Za-z_])")
_HASH_WORDS = LazyRegex(
    r"(?i)sha|digest|checksum|hash|commit|\brev\b|revision|md5|etag|integrity|fingerprint|trace|span|"
    r"\bid\b|_id\b|ids\b|uuid|guid|object|blob|tree|\bref\b|\bhead\b|merge|cherry|revert|build|image|layer|"
    r"nonce|salt_?hex|request|correlation|session_?id|transaction|\btx(?:id|_?hash|n)?\b|block|manifest|cache(?:[ _-]?key)?|lock|sum\b|\bsums\b"
)
_SECRET_WORDS = LazyRegex(
    r"(?i:hmac)|(?<![A-Za-z])(?i:key|secret|token|passw|pwd|auth|login|fromhex|private|api_?key|credential|signing"
    r"|cipher|aes|webhook|license|appid|app_id|access|account|wallet|signer|mnemonic|seed"
    # the words for a key and a secret of other languages
    r"|chiave|clave|schl(?:ü|ue)ssel|cl[ée]\b|chave|sleutel|klucz|klju[cč]|ключ|anahtar|nyckel|n[øo]gle|n[øo]kkel"
    r"|avain|kulcs|cheie|segret|geheim|secreto|contraseña|senha|密钥|秘钥|鍵|キー|키)"
    r"|(?<=[a-z])(?:Key|Secret|Token|Passw|Pwd|Auth|Login|Private|Signing|Cipher|Webhook|License|Credential|Access)"
)
_FILE_EXTENSION = LazyRegex(r"\.[A-Za-z][A-Za-z0-9]{0,7}\b")
# the words that name a secret even after a hash's word (`key` alone does not: a cache key)
_STRONG_WORDS = LazyRegex(
    r"(?i)hmac|(?<![a-z])(?:secret|token|passw|pwd|private|signing|api_?key|webhook|license|credential|cipher|aes"
    r"|fromhex|auth|segret|geheim|secreto|密钥|秘钥|秘密)"
)
_CHECKSUM_LINE = LazyRegex(r"[ \t]+\*?[\w./-]+\.[\w]{1,8}[ \t]*$")


def _compound_label(before: str, end: int, hashed: list[int]) -> bool:
    """Whether the secret's word ending at `end` ends a compound name (a flag, a key with `-`/`_`)
    standing right before the value, after the last hash word: that name says what the value is
    (`--discovery-token-ca-cert-hash sha256:... --certificate-key <hex>`), where a bare `key` after
    a hash word does not (`sha256 of the key: <hex>`)."""
    if (hashed and hashed[-1] >= end) or before[end:].strip(" \t:='\""):
        return False
    word_start = end
    while word_start > 0 and (before[word_start - 1].isalnum() or before[word_start - 1] in "-_."):
        word_start -= 1
    name = before[word_start:end].lstrip("-")
    return "-" in name or "_" in name or "." in name or any(c.isupper() for c in name[1:])


def hex_spans(text: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    # A match's hex is a whole run of hex digits (nothing of a word's before or after it), of 32 or
    # more: the match starts where such a run does, or 2 before (`0x`).
    hexes = text.encode("ascii", "replace").translate(HEX_CHARS)
    starts = [at for start, _end in runs(hexes, 32) for at in (start - 2, start) if at >= 0]
    for found in matches_at(_HEX, text, starts):
        value = found.group(2)
        if entropy(value) < 3.0 or not any(c.isdigit() for c in value) or value.isdigit():
            continue
        line_start = text.rfind("\n", 0, found.start()) + 1
        before = text[max(line_start, found.start() - 80) : found.start()]
        line_end = text.find("\n", found.end())
        after = text[found.end() : len(text) if line_end < 0 else line_end]
        if found.group(1):  # 0x + 64: an Ethereum private key, or a transaction's hash
            if len(value) == 64 and _SECRET_WORDS.search(before) is not None and _HASH_WORDS.search(before) is None:
                out.append((found.start(2), found.end(2), "hex-key"))
            continue
        hashed = [
            f.end() for f in _HASH_WORDS.finditer(before) if before[f.end() : f.end() + 4][:1] not in "'\"0123456789"
        ]
        named = [f.end() for f in _SECRET_WORDS.finditer(before)]
        strong = [f.end() for f in _STRONG_WORDS.finditer(before)]
        labelled = bool(named) and _compound_label(before, named[-1], hashed)
        if (hashed and (not strong or hashed[-1] >= strong[-1]) and not labelled) or _CHECKSUM_LINE.match(
            after
        ) is not None:
            # a hash's word is the nearest (`sha256 <hex>`); `createHmac('sha256', '<hex>')` is a key, and
            # so is a value right after its key's name (`--certificate-key <hex>` after a `sha256:` elsewhere)
            continue
        if _FILE_EXTENSION.match(after) is not None or before.endswith("\\"):
            continue  # a file named by its hash (a build artefact, a cache entry)
        if before.endswith("/"):
            url = text[text.rfind(" ", line_start, found.start()) + 1 : found.start()].lower()
            if not any(word in url for word in ("hook", "key", "token", "/v1/", "/v2/", "/v3/", "secret")):
                continue  # a hash in a URL's path (a package's, a commit's, a gist's), unless the URL names a key
        if not named:
            continue  # hex with no word for a secret before it is an id or a hash (a digest, a team item's id)
        out.append((found.start(2), found.end(2), "hex-key"))
    return out
