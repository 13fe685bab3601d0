# ruff: noqa: RUF001
"""A sixth held-out set of planted secrets and their look-alikes (issue 60).

Written on 2026-11-27 by a helper who never saw the redaction rules, their documentation, their
tests, the earlier sample sets, or what the redactor lets through. It was written from the outside,
the way a red-teamer would: how secrets really land in a coding agent's session (what people paste
into chat in many languages and styles, what agents write back in their summaries, CLI and tool
output, config and code in many languages, logs and errors, diffs, CI and infrastructure state,
notebooks, mobile and embedded projects, secrets hidden by escaping, encoding, splitting or tables,
short codes and key material, and tokens of many vendors, well known or not).

This set MEASURES only. It must never be used to write or tune rules: once a rule is written
against it, it no longer tells how well the rules carry over to secrets nobody tuned on.

Every value is fake and drawn at import time from SHA-256 of the kind's name (and the slot's
name), mapped onto the alphabet, length and prefix of the real format; prefixes are built by
concatenation so that no secret-shaped literal sits in this file. A line is written as a template
whose slots read `⟨name⟩` or `⟨name|form⟩`; the form writes the value another way (base64, URL- or
JSON-escaped, split in halves, wrapped, as a byte array...) and each written form of a secret is
listed in `secrets`. Slots given as plain strings, or wrapped in `pub(...)`, are not secrets.
`BENIGN_FRESH6` holds texts that look like secrets but are not (ids, digests, public keys,
placeholders, masked values, references to variables, policy text...): they must be kept.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import string
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, replace

from tests.secret_samples import Planted, mnemonic, wif

# --------------------------------------------------------------------------------------------
# Drawing values

_LOWER = string.ascii_lowercase
_UPPER = string.ascii_uppercase
_DIGITS = string.digits
_ALNUM = _UPPER + _LOWER + _DIGITS
_HEX = "0123456789abcdef"
_B64 = _ALNUM + "+/"
_B64URL = _ALNUM + "-_"
_B32 = _UPPER + "234567"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_GENERATED = _ALNUM + "!#$%&*+-=?@^_~"  # what password managers draw from


def _bytes(seed: str, n: int) -> bytes:
    out = b""
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(f"fresh6|{seed}|bytes{counter}".encode()).digest()
        counter += 1
    return out[:n]


def _draw(seed: str, alphabet: str, n: int) -> str:
    """`n` characters of `alphabet`, unbiased, from the SHA-256 stream of `seed`."""
    limit = 256 - 256 % len(alphabet)
    out: list[str] = []
    counter = 0
    while len(out) < n:
        for byte in hashlib.sha256(f"fresh6|{seed}|draw{counter}".encode()).digest():
            if byte < limit:
                out.append(alphabet[byte % len(alphabet)])
                if len(out) == n:
                    break
        counter += 1
    return "".join(out)


@dataclass(frozen=True)
class _Spec:
    make: Callable[[str], str]  # seed -> value
    secret: bool = True
    parts: Callable[[str], tuple[str, ...]] | None = None  # the secret pieces of a value, when not the whole


@dataclass(frozen=True)
class _Derived:
    make: Callable[[dict[str, str]], str]  # the other slots' values -> value
    secret: bool = True


def _chars(alphabet: str, n: int, pre: str = "", post: str = "") -> _Spec:
    return _Spec(lambda s: pre + _draw(s, alphabet, n) + post)


def an(n: int, pre: str = "", post: str = "") -> _Spec:
    """Letters of both cases and digits."""
    return _chars(_ALNUM, n, pre, post)


def lo(n: int, pre: str = "", post: str = "") -> _Spec:
    """Lowercase letters and digits."""
    return _chars(_LOWER + _DIGITS, n, pre, post)


def up(n: int, pre: str = "", post: str = "") -> _Spec:
    """Uppercase letters and digits."""
    return _chars(_UPPER + _DIGITS, n, pre, post)


def letters(n: int, pre: str = "", post: str = "") -> _Spec:
    return _chars(_LOWER, n, pre, post)


def hx(n: int, pre: str = "", post: str = "") -> _Spec:
    return _chars(_HEX, n, pre, post)


def HX(n: int, pre: str = "", post: str = "") -> _Spec:
    return _chars(_HEX.upper(), n, pre, post)


def b64(n: int, pre: str = "", post: str = "") -> _Spec:
    return _chars(_B64, n, pre, post)


def bu(n: int, pre: str = "", post: str = "") -> _Spec:
    """The base64url alphabet."""
    return _chars(_B64URL, n, pre, post)


def dg(n: int, pre: str = "", post: str = "") -> _Spec:
    return _Spec(lambda s: pre + _draw(s + "/0", "123456789", 1) + _draw(s, _DIGITS, n - 1) + post)


def b32(n: int, pre: str = "") -> _Spec:
    return _chars(_B32, n, pre)


def b58(n: int, pre: str = "") -> _Spec:
    return _chars(_B58, n, pre)


def bech(n: int, pre: str = "") -> _Spec:
    return _chars(_BECH32, n, pre)


def gen(n: int, pre: str = "") -> _Spec:
    """A password a password manager made: letters, digits and symbols."""
    return _chars(_GENERATED, n, pre)


def tricky(n: int) -> _Spec:
    """A generated password holding the characters that escaping gets wrong: quotes, backslash, $, %."""

    def make(seed: str) -> str:
        body = list(_draw(seed, _ALNUM, n - 4))
        for i, ch in enumerate("\"$\\'"[: 2 + _bytes(seed, 1)[0] % 3]):
            body.insert((i * 5 + 3) % len(body), ch)
        return "".join(body)

    return _Spec(make)


def raw(nbytes: int, pre: str = "", urlsafe: bool = False, pad: bool = True) -> _Spec:
    """Random bytes in base64 (a key as base64 writes it, `=` padding and all)."""

    def make(seed: str) -> str:
        data = _bytes(seed, nbytes)
        text = (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(data).decode()
        return pre + (text if pad else text.rstrip("="))

    return _Spec(make)


def grp(alphabet: str, sizes: tuple[int, ...], sep: str = "-", pre: str = "") -> _Spec:
    """Groups of characters with a separator (recovery keys, app passwords, licence-shaped codes)."""

    def make(seed: str) -> str:
        drawn = _draw(seed, alphabet, sum(sizes))
        out, at = [], 0
        for size in sizes:
            out.append(drawn[at : at + size])
            at += size
        return pre + sep.join(out)

    return _Spec(make)


def uid() -> _Spec:
    def make(seed: str) -> str:
        h = bytearray(_bytes(seed, 16))
        h[6] = (h[6] & 0x0F) | 0x40
        h[8] = (h[8] & 0x3F) | 0x80
        x = h.hex()
        return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"

    return _Spec(make)


_PW_WORDS = (
    "Sonnenblume", "Kiwi", "Mariposa", "Sakura", "Baguette", "Pantera", "Estrela", "Tigrou", "Kotik",
    "Zorro", "Fenix", "Bulldog", "Mango", "Orion", "Lavanda", "Schatzi", "Gatito", "Pikachu", "Nokia",
    "Liverpool", "Barca", "Galatasaray", "Ronaldo", "Dragon", "Shadow", "Monkey", "Sunshine", "Princess",
    "Hannover", "Lisboa", "Krakow", "Osaka", "Bangalore", "Cairo", "Medellin", "Ankara", "Perla",
    "Chocolat", "Fuchsia", "Mirtillo", "Tulipa", "Hamster", "Biscuit", "Pumpkin", "Kartoffel", "Ramen",
    "Matcha", "Taco", "Kimchi", "Pierogi", "Tequila", "Bamboo", "Lemmings", "Nirvana", "Gandalf",
    "Hobbit", "Vortex", "Saturno", "Koala", "Rapunzel", "Winnie", "Bruno", "Luna", "Nala", "Simba",
)  # fmt: skip
_PW_WORDS_INTL = (
    "Überflieger", "Schnecke", "Mariquita", "Ñandú", "Żółwik", "Łabędź", "Кошка", "Медведь", "Ласточка",
    "Γάτα", "Θάλασσα", "ねこ", "さくら", "고양이", "바다", "Çiçek", "Kedi", "Mèo", "Sérénité", "Océane",
    "Ørnen", "Kärlek", "Måne", "Šťastný", "Jégvirág", "Ξωτικό", "Ведмідь", "Pájaro", "Ağaç", "Lęk",
)  # fmt: skip
_SYMBOLS = "!@#$%&*?.-_+"
_LEET = str.maketrans({"a": "@", "e": "3", "o": "0", "i": "1", "s": "$"})


def _human_password(seed: str, style: int | None, words: tuple[str, ...]) -> str:
    h = _bytes(seed, 8)
    w1, w2 = words[h[0] % len(words)], words[h[1] % len(words)]
    if w2 == w1:
        w2 = words[(h[1] + 1) % len(words)]
    num, year, sym = 10 + h[2] % 90, 1960 + h[3] % 66, _SYMBOLS[h[4] % len(_SYMBOLS)]
    style = h[5] % 9 if style is None else style
    return [
        f"{w1}{year}{sym}",  # Liverpool1998!
        f"{w1.lower()}{sym}{num}{h[6] % 10}{h[7] % 10}",  # kiwi#4821
        f"{w1[0]}{w1[1:].lower().translate(_LEET)}{num}",  # P@nt3r@77
        f"{w1}{w2}{num}",  # MangoTaco42
        f"{w1}_{w2}{sym}{h[6] % 10}",  # Sakura_Matcha!4
        f"{w1}&{w2}{year}",  # Luna&Bruno2011
        f"Qwerty{sym}{w1}{h[6] % 10}",  # Qwerty!Osaka9
        f"{w1.lower()}.{w2.lower()}.{num}",  # mango.taco.42
        f"{w1.upper()}{num}{w2.lower()}{sym}",  # ORION42kiwi?
    ][style]


def pw(style: int | None = None) -> _Spec:
    """A password a person chose."""
    return _Spec(lambda s: _human_password(s, style, _PW_WORDS))


def pwi(style: int | None = None) -> _Spec:
    """A password a person chose, in a language with letters beyond ASCII."""
    return _Spec(lambda s: _human_password(s, style, _PW_WORDS_INTL))


_PHRASE_WORDS = (
    "anchor", "barley", "candle", "dolphin", "ember", "falcon", "glacier", "harbor", "island", "jungle",
    "kettle", "lantern", "meadow", "nectar", "orbit", "pebble", "quartz", "raven", "saddle", "timber",
    "umbrella", "velvet", "walnut", "yonder", "zephyr", "copper", "mosaic", "thistle", "cobalt", "juniper",
    "marble", "nutmeg", "oyster", "paprika", "radish", "sorrel", "tundra", "violet", "willow", "yarrow",
    "acorn", "bishop", "canyon", "drizzle", "easel", "fjord", "gravel", "hazel", "igloo", "jasmine",
)  # fmt: skip


def phrase(n: int, sep: str = " ", cap: bool = False, digit: bool = False) -> _Spec:
    """A passphrase of `n` words (diceware style), not a BIP-39 seed."""

    def make(seed: str) -> str:
        h = _bytes(seed, n + 1)
        words = [_PHRASE_WORDS[b % len(_PHRASE_WORDS)] for b in h[:n]]
        if cap:
            words = [w.capitalize() for w in words]
        text = sep.join(words)
        return text + str(h[n] % 10) if digit else text

    return _Spec(make)


def mn(words: int) -> _Spec:
    """A BIP-39 seed phrase with a valid checksum."""
    return _Spec(lambda s: mnemonic("fresh6|" + s, words))


def wf(compressed: bool = True, testnet: bool = False) -> _Spec:
    """A bitcoin private key in wallet import format."""
    return _Spec(lambda s: wif("fresh6|" + s, compressed, testnet))


def _b64url_json(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")


def jwt(alg: str = "HS256", claims: dict[str, object] | None = None) -> _Spec:
    """A JSON web token: a real header and payload, a signature of the algorithm's length."""

    def make(seed: str) -> str:
        h = _bytes(seed, 8)
        body = dict(claims) if claims else {"sub": _draw(seed + "/sub", _DIGITS, 9), "role": "user"}
        body.setdefault("iat", 1_780_000_000 + int.from_bytes(h[:3], "big"))
        body.setdefault("exp", int(body["iat"]) + 3600 * (1 + h[3] % 48))  # type: ignore[call-overload]
        body["jti"] = _draw(seed + "/jti", _B64URL, 12)
        signature = _draw(seed + "/sig", _B64URL, {"HS256": 43, "HS512": 86, "ES256": 86, "RS256": 342}[alg])
        return _b64url_json({"alg": alg, "typ": "JWT"}) + "." + _b64url_json(body) + "." + signature

    return _Spec(make)


_DER_HEADS = {
    "RSA PRIVATE KEY": "308204a40201000282010100",
    "PRIVATE KEY": "308204bd020100300d06092a864886f70d0101010500048204a7308204a30201000282010100",
    "ENCRYPTED PRIVATE KEY": "30820509305b06092a864886f70d01050d304e302d06092a864886f70d01050c3020",
    "DSA PRIVATE KEY": "308201bb02010002818100",
}


def _pem_lines(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)]


def pem(label: str = "RSA PRIVATE KEY", nbytes: int = 420, headers: str = "") -> _Spec:
    """A PEM block; its secret parts are the lines of its body."""

    def body(seed: str) -> str:
        if label == "EC PRIVATE KEY":
            data = (
                bytes.fromhex("30770201010420")
                + _bytes(seed, 32)
                + bytes.fromhex("a00a06082a8648ce3d030107a144034200")
                + b"\x04"
                + _bytes(seed + "/pub", 64)
            )
            return base64.b64encode(data).decode()
        n = nbytes
        while True:  # a last line long enough to count as a secret by itself
            text = base64.b64encode(bytes.fromhex(_DER_HEADS[label]) + _bytes(seed, n)).decode()
            if len(text) % 64 == 0 or len(text) % 64 >= 20:
                return text
            n += 1

    def make(seed: str) -> str:
        lines = _pem_lines(body(seed), 64)
        iv = _draw(seed + "/iv", _HEX.upper(), 32)
        head = f"-----BEGIN {label}-----\n" + (headers.replace("{iv}", iv) + "\n\n" if headers else "")
        return head + "\n".join(lines) + f"\n-----END {label}-----"

    def parts(value: str) -> tuple[str, ...]:
        return tuple(x for x in value.split("\n") if x and not x.startswith("-----") and ":" not in x)

    return _Spec(make, parts=parts)


def _ssh_string(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def ossh(comment: str = "dev@laptop") -> _Spec:
    """An OpenSSH ed25519 private key (unencrypted); its secret parts are the body lines that hold the
    private scalar."""

    def make(seed: str) -> str:
        public, private, check = _bytes(seed + "/pub", 32), _bytes(seed + "/priv", 32), _bytes(seed + "/chk", 4)
        key_type = _ssh_string(b"ssh-ed25519")
        section = check + check + key_type + _ssh_string(public)
        section += _ssh_string(private + public) + _ssh_string(comment.encode())
        section += bytes(range(1, 1 + (-len(section)) % 8))
        blob = b"openssh-key-v1\x00" + _ssh_string(b"none") + _ssh_string(b"none") + _ssh_string(b"")
        blob += (1).to_bytes(4, "big") + _ssh_string(key_type + _ssh_string(public)) + _ssh_string(section)
        text = base64.b64encode(blob).decode()
        return (
            "-----BEGIN OPENSSH "
            + "PRIVATE KEY-----\n"
            + "\n".join(_pem_lines(text, 70))
            + "\n-----END OPENSSH PRIVATE KEY-----"
        )

    def parts(value: str) -> tuple[str, ...]:
        lines = [x for x in value.split("\n") if x and not x.startswith("-----")]
        blob = base64.b64decode("".join(lines))
        at = 15  # past the magic; then cipher, kdf, kdf options, the key count, the public key, the section's length
        for _ in range(3):
            at += 4 + int.from_bytes(blob[at : at + 4], "big")
        at += 4
        at += 4 + int.from_bytes(blob[at : at + 4], "big")
        at += 4
        start = at + 8 + 15 + 36 + 4  # the checks, the key type, the public key, the length of private+public
        first, last = start * 4 // 3, (start + 32) * 4 // 3 + 1
        return tuple(line for i, line in enumerate(lines) if i * 70 < last and (i + 1) * 70 > first)

    return _Spec(make, parts=parts)


def pgp() -> _Spec:
    """An ASCII-armoured PGP private key block; its secret parts are the body lines."""

    def make(seed: str) -> str:
        n = 300
        while True:
            text = base64.b64encode(bytes.fromhex("9505d80467") + _bytes(seed, n)).decode()
            if len(text) % 64 == 0 or len(text) % 64 >= 20:
                break
            n += 1
        crc = "=" + _draw(seed + "/crc", _B64, 4)
        return (
            "-----BEGIN PGP "
            + "PRIVATE KEY BLOCK-----\n\n"
            + "\n".join(_pem_lines(text, 64))
            + f"\n{crc}\n-----END PGP PRIVATE KEY BLOCK-----"
        )

    def parts(value: str) -> tuple[str, ...]:
        return tuple(x for x in value.split("\n") if len(x) > 8 and not x.startswith(("-----", "=")))

    return _Spec(make, parts=parts)


def cat(*pieces: _Spec | str) -> _Spec:
    """Pieces drawn one after another (a token with an id, a separator and a random part)."""

    def make(seed: str) -> str:
        return "".join(p if isinstance(p, str) else p.make(f"{seed}/{i}") for i, p in enumerate(pieces))

    return _Spec(make)


def pub(spec: _Spec | _Derived | str) -> _Spec | _Derived:
    """A slot that is not a secret (an id, a public key, a user name drawn at random)."""
    if isinstance(spec, str):
        return _Spec(lambda s, text=spec: text, secret=False)
    return replace(spec, secret=False)


def der(make: Callable[[dict[str, str]], str], secret: bool = True) -> _Derived:
    """A value made from the other slots' values (a basic-auth header, a connection string)."""
    return _Derived(make, secret)


def basic(user: str, password: str) -> _Derived:
    """`user:password` in base64, as an HTTP basic-auth header or a docker config holds it; `user` and
    `password` name slots, or `user` is the user name itself when no slot has that name."""
    return der(lambda v: base64.b64encode(f"{v.get(user, user)}:{v[password]}".encode()).decode())


def _luhn(digits: str) -> str:
    """`digits` with the Luhn check digit appended (a card number that passes the check)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return digits + str((10 - total % 10) % 10)


# --------------------------------------------------------------------------------------------
# Writing a value another way


def _split(value: str, pieces: int) -> list[str]:
    size = -(-len(value) // pieces)
    return [value[i : i + size] for i in range(0, len(value), size)]


def _wrap(value: str, width: int) -> list[str]:
    return _split(value, -(-len(value) // width))


# forms that escape character by character: each secret part, escaped, is still a part
_ESCAPES: dict[str, Callable[[str], str]] = {
    "json": lambda v: json.dumps(v, ensure_ascii=False)[1:-1],
    "jsona": lambda v: json.dumps(v)[1:-1],  # \uXXXX for what is not ASCII
    "url": lambda v: urllib.parse.quote(v, safe=""),
    "urlplus": lambda v: urllib.parse.quote_plus(v),
    "sq": lambda v: v.replace("'", "'\\''"),  # inside '...' in a shell
    "dq": lambda v: re.sub(r'(["\\$`])', r"\\\1", v),  # inside "..." in a shell
    "xml": lambda v: html.escape(v, quote=True),
    "upper": str.upper,
    "lower": str.lower,
    "bs": lambda v: v.replace("\\", "\\\\"),
    "crlf": lambda v: v.replace("\n", "\r\n"),
    "indent4": lambda v: v.replace("\n", "\n    "),
}
# forms that write the whole value anew: the new text is the one secret part
_WHOLE: dict[str, Callable[[str], str]] = {
    "b64": lambda v: base64.b64encode(v.encode()).decode(),
    "b64u": lambda v: base64.urlsafe_b64encode(v.encode()).decode().rstrip("="),
    "hex": lambda v: v.encode().hex(),
    "HEX": lambda v: v.encode().hex().upper(),
    "xesc": lambda v: "".join(f"\\x{b:02x}" for b in v.encode()),
    "uesc": lambda v: "".join(f"\\u{ord(c):04x}" for c in v),
    "chars": lambda v: ", ".join(f"'{c}'" for c in v),
    "bytes": lambda v: ", ".join(f"0x{b:02x}" for b in v.encode()),
    "ints": lambda v: ",".join(str(b) for b in v.encode()),
    "html": lambda v: "".join(f"&#{ord(c)};" for c in v),
    "sp4": lambda v: " ".join(v[i : i + 4] for i in range(0, len(v), 4)),
    "dash4": lambda v: "-".join(v[i : i + 4] for i in range(0, len(v), 4)),
    "spaced": lambda v: " ".join(v),
    "rot13": lambda v: v.translate(
        str.maketrans(_LOWER + _UPPER, _LOWER[13:] + _LOWER[:13] + _UPPER[13:] + _UPPER[:13])
    ),
    "b64b64": lambda v: base64.b64encode(base64.b64encode(v.encode())).decode(),
}
# forms that write a piece of the value: the piece is the secret part
_PIECES: dict[str, Callable[[str], str]] = {
    "h1": lambda v: _split(v, 2)[0],
    "h2": lambda v: _split(v, 2)[1],
    "t1": lambda v: _split(v, 3)[0],
    "t2": lambda v: _split(v, 3)[1],
    "t3": lambda v: _split(v, 3)[2],
}
# forms that are not secrets themselves: a masked value, a digest, a length
_PUBLIC: dict[str, Callable[[str], str]] = {
    "mask": lambda v: v[:3] + "*" * 8 + v[-2:],
    "stars": lambda v: "*" * len(v),
    "sha": lambda v: hashlib.sha256(v.encode()).hexdigest(),
    "len": lambda v: str(len(v)),
}


def _render(value: str, form: str | None, parts: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    if form is None:
        return value, parts
    if form in _ESCAPES:
        escape = _ESCAPES[form]
        return escape(value), tuple(escape(p) for p in parts)
    if form in _WHOLE:
        text = _WHOLE[form](value)
        return text, (text,)
    if form in _PIECES:
        text = _PIECES[form](value)
        return text, (text,)
    if form.startswith("wrap"):  # wrap40: lines of at most 40 characters
        lines = _wrap(value, int(form[4:]))
        return "\n".join(lines), tuple(lines)
    if form in _PUBLIC:
        return _PUBLIC[form](value), ()
    raise ValueError(f"no form {form}")


_SLOT = re.compile(r"⟨(\w+)(?:\|(\w+))?⟩")


def P(kind: str, line: str, _file: str = "", **slots: _Spec | _Derived | str) -> Planted:
    """One planted kind: `line` (and `_file`, how it reads in a file) with its slots filled in."""
    values: dict[str, str] = {}
    for name, spec in slots.items():
        if isinstance(spec, str):
            values[name] = spec
        elif isinstance(spec, _Spec):
            values[name] = spec.make(f"{kind}/{name}")
    for name, spec in slots.items():
        if isinstance(spec, _Derived):
            values[name] = spec.make(values)
    secrets: list[str] = []
    used: set[str] = set()

    def fill(match: re.Match[str]) -> str:
        name, form = match.group(1), match.group(2)
        used.add(name)
        spec = slots[name]
        value = values[name]
        whole = spec.parts(value) if isinstance(spec, _Spec) and spec.parts else (value,)
        text, parts = _render(value, form, whole)
        if not isinstance(spec, str) and spec.secret:
            secrets.extend(p for p in parts if p not in secrets)
        return text

    text = _SLOT.sub(fill, line)
    file_text = _SLOT.sub(fill, _file) if _file else ""
    unused = {name for name in set(slots) - used if not isinstance(slots[name], str) and slots[name].secret}
    if unused:  # a slot that is not written may only be one that others are made from
        raise ValueError(f"{kind}: slots {sorted(unused)} not used")
    return Planted(kind=kind, line=text, secrets=tuple(secrets), file_line=file_text)


def B(template: str, **slots: _Spec | _Derived | str) -> str:
    """A look-alike: the template with its slots filled in, none of them a secret."""
    planted = P("benign|" + template, template, **{k: pub(v) for k, v in slots.items()})
    assert not planted.secrets
    return planted.line


# vendor prefixes, built so that no secret-shaped literal sits in this file
def _pre(*pieces: str) -> str:
    return "".join(pieces)


_SYMBOL_NAMES = dict(
    zip(
        _SYMBOLS,
        (
            "exclamation mark",
            "at sign",
            "hash",
            "dollar",
            "percent",
            "ampersand",
            "star",
            "question mark",
            "dot",
            "dash",
            "underscore",
            "plus",
        ),
        strict=True,
    )
)


def _spell(password: str) -> str:
    """A password read out the way speech-to-text writes it down."""
    out = []
    for ch in password:
        if ch.isupper():
            out.append(f"capital {ch}")
        elif ch in _SYMBOL_NAMES:
            out.append(f"then {_SYMBOL_NAMES[ch]}")
        else:
            out.append(ch)
    return " ".join(out)


def telegram_bot() -> _Spec:
    return cat(dg(10), ":AA", bu(33))


def app_password() -> _Spec:
    """A sixteen-letter app password in four groups (mail providers)."""
    return grp(_LOWER, (4, 4, 4, 4), " ")


# --------------------------------------------------------------------------------------------
# 1. What people paste into chat: many languages, many styles

CHAT = (
    P(
        "chat_de_staging_login",
        "Kannst du dich mal auf staging einloggen? User ist deploy, PW ⟨p⟩ (bitte nicht ins Repo committen 😅)",
        p=pw(),
    ),
    P(
        "chat_fr_mdp_base",
        "le mdp de la base c'est ⟨p⟩, je l'ai changé hier soir du coup ton .env est plus bon",
        p=pw(),
    ),
    P(
        "chat_es_wifi_oficina",
        "oye la contraseña del wifi de la ofi es ⟨p⟩ jajaja por si te hace falta para probar lo del móvil",
        p=pw(),
    ),
    P("chat_ptbr_senha_painel", "segue a senha do painel:\n⟨p⟩\nusuário: admin\nqualquer coisa me chama", p=pw()),
    P(
        "chat_it_chiave_fornitore",
        "ecco la chiave per le API del fornitore ⟨k⟩ ma scade a fine mese, mettila nelle variabili d'ambiente",
        k=an(40),
    ),
    P("chat_nl_ww_afkorting", "ww = ⟨p⟩ , gebruikersnaam is gewoon je mailadres", p=pw()),
    P("chat_pl_haslo_bazy", "hasło do bazy: ⟨p⟩ (to samo co na produkcji, wiem, wiem…)", p=pw()),
    P(
        "chat_ru_bot_token",
        "вот токен от бота: ⟨t⟩ — не свети им нигде, пожалуйста",
        t=telegram_bot(),
    ),
    P("chat_uk_admin_pwi", "пароль від адмінки — ⟨p⟩, логін той самий що й раніше", p=pwi()),
    P("chat_tr_ilk_giris", "şifre ⟨p⟩ ama ilk girişte değiştirmen lazım, unutma", p=pw()),
    P("chat_zh_no_spaces", "数据库密码是⟨p⟩，别外传，谢谢", p=pw()),
    P(
        "chat_ja_kagikakko",
        "APIキーは「⟨k⟩」です。本番用なので取り扱い注意でお願いします。",
        k=lo(32),
    ),
    P("chat_ko_server", "서버 비밀번호는 ⟨p⟩ 입니다. 다음 주에 바꿀게요", p=pw()),
    P(
        "chat_hinglish_token",
        "bhai ye le token ⟨t⟩ jaldi se deploy kar de, boss wait kar raha hai",
        t=an(48),
    ),
    P("chat_ar_rtl", "كلمة المرور الجديدة هي ⟨p⟩ من فضلك لا تشاركها مع أحد", p=pw()),
    P("chat_he_rtl", "הסיסמה לשרת: ⟨p⟩ תודה!", p=pw()),
    P("chat_vi_email", "mật khẩu email công ty là ⟨p⟩ nha anh", p=pw()),
    P("chat_id_jangan_disebar", "kata sandinya ⟨p⟩ ya, jangan disebar ke grup", p=pw()),
    P("chat_sw_router", "nenosiri la router ni ⟨p⟩ , jina la mtumiaji ni admin", p=pw()),
    P("chat_el_vpn", "ο κωδικός για το VPN είναι ⟨p⟩", p=pwi()),
    P("chat_cs_root", "heslo k serveru je ⟨p⟩ a uživatel root", p=pw()),
    P("chat_sv_jenkins", "lösenordet till Jenkins är ⟨p⟩ btw", p=pwi()),
    P("chat_fi_shh", "salasana on ⟨p⟩, älä kerro kenellekään 🤫", p=pw()),
    P("chat_th_khrap", "รหัสผ่านคือ ⟨p⟩ ครับ", p=pw()),
    P("chat_fa_server", "رمز عبور سرور: ⟨p⟩", p=pw()),
    P("chat_en_terse", "pw: ⟨p⟩", p=pw()),
    P(
        "chat_en_typos",
        "heres the pasword for the stagign db ⟨p⟩ lmk if it dosnt work",
        p=pw(),
    ),
    P(
        "chat_en_numbered_list",
        "ok so to connect:\n1. host = db-replica-2.internal\n2. user = readonly\n3. ⟨p⟩\n4. port 6432 (pgbouncer)",
        p=pw(),
    ),
    P("chat_en_slash_pair", "creds for the grafana box are admin / ⟨p⟩", p=pw()),
    P("chat_en_arrow_before", "⟨p⟩ <- thats the root pw on the pi, change it if u want", p=pw()),
    P(
        "chat_en_far_away",
        "Here's what I have for the NAS:\n\nIP 192.168.1.40\nweb UI on :5001\nuser is marta\n\n"
        "it's the one with the blue sticker on it, in the closet next to the router\n\n⟨p⟩\n\n"
        "^ that's what you type when it asks",
        p=pw(),
    ),
    P("chat_en_no_naming_word", "ssh pi@raspberrypi.local and when it prompts just type ⟨p⟩", p=pw()),
    P("chat_en_same_but", "it's the old one with a 2 on the end now: ⟨p⟩", p=pw(3)),
    P("chat_emoji_key", "🔑 ⟨t⟩\n☝️ new one, old one's revoked", t=an(40)),
    P(
        "chat_paste_env",
        "here's my .env, something's off with the mail settings\n\nMAIL_HOST=smtp.mailgun.org\nMAIL_PORT=587\n"
        "MAIL_USERNAME=postmaster@mg.example.org\nMAIL_PASSWORD=⟨p⟩\nMAIL_ENCRYPTION=tls",
        p=hx(32, "key-"),
    ),
    P("chat_gmail_app_pw", "my gmail app password is ⟨a⟩ — the 16 letter one, not my real one", a=app_password()),
    P(
        "chat_disk_passphrase",
        "the disk encryption passphrase is ⟨p⟩ (all lowercase, spaces between)",
        p=phrase(5),
    ),
    P(
        "chat_quoted_reply",
        "> what's the key for the geocoding api?\n\n⟨k⟩\n\nsame one the android app uses",
        k=hx(32),
    ),
    P(
        "chat_two_tokens",
        "use ⟨a⟩ for prod and ⟨b⟩ for staging, the third one I sent yesterday is dead",
        a=an(32),
        b=an(32),
    ),
    P(
        "chat_es_indented_far",
        "Usuario: soporte\nContraseña temporal (cámbiala al entrar, el sistema te lo pide):\n\n    ⟨p⟩",
        p=gen(14),
    ),
    P(
        "chat_de_formal_mail",
        "Sehr geehrter Herr Kowalski, anbei wie besprochen die Zugangsdaten: Benutzer kowalski.j, Kennwort "
        "⟨p⟩. Mit freundlichen Grüßen, B. Hartmann",
        p=pw(),
    ),
    P(
        "chat_student_lab_key",
        "prof gave us this key for the lab cluster ⟨k⟩ idk if im allowed to share it lol",
        k=hx(40),
    ),
    P("chat_sim_pin_puk", "the sim pin is ⟨p⟩ and the puk is ⟨k⟩ if you lock it", p=dg(4), k=dg(8)),
    P(
        "chat_voice_to_text",
        "okay so the password is ⟨sp⟩ so ⟨p⟩ got it",
        p=pw(0),
        sp=der(lambda v: _spell(v["p"])),
    ),
    P(
        "chat_bullets_mixed",
        "• prod: https://api.example.net\n• key: ⟨k⟩\n• secret: ⟨s⟩\n• rate limit 100/min",
        k=pub(lo(20)),
        s=lo(40),
    ),
    P(
        "chat_apology_correction",
        "sorry wrong one!! ignore the last msg, THIS is the right one: ⟨t⟩",
        t=bu(43),
    ),
)

# --------------------------------------------------------------------------------------------
# 2. What agents write back: summaries, plans, tables, their own reasoning

AGENT = (
    P(
        "agent_set_admin_password",
        "I set the admin password to `⟨p⟩` in `config/admin.yml`. You should rotate it before this goes to production.",
        p=gen(16),
    ),
    P(
        "agent_created_pg_role",
        "Done! I created the Postgres role `analytics` with password ⟨p⟩ and granted SELECT on all tables in "
        "schema `public`.",
        p=an(20),
    ),
    P(
        "agent_generated_jwt_secret",
        "I've generated a new JWT signing secret (⟨s⟩) and put it in `.env` as `JWT_SECRET`; the old sessions "
        "will be invalidated.",
        s=hx(64),
    ),
    P(
        "agent_markdown_table_creds",
        "Here are the services running locally:\n\n| Service | URL | User | Password |\n|---|---|---|---|\n"
        "| Grafana | http://localhost:3000 | admin | ⟨a⟩ |\n| MinIO | http://localhost:9001 | minio | ⟨b⟩ |\n"
        "| pgAdmin | http://localhost:5050 | admin@local.dev | ⟨c⟩ |",
        a=pw(),
        b=an(24),
        c=pw(),
    ),
    P(
        "agent_dollar_in_password",
        "The login failed because the password `⟨p⟩` contains a `$`, which the shell expanded. Quoting it "
        "with single quotes fixes it.",
        p=der(lambda v: v["w"][:5] + "$" + v["w"][5:]),
        w=pub(an(12)),
    ),
    P(
        "agent_found_hardcoded",
        "I found a hardcoded token in `src/client.ts` line 14: `⟨t⟩`. I moved it to `process.env.API_TOKEN` "
        "and added `.env` to `.gitignore`.",
        t=an(40, "tk_live_"),
    ),
    P(
        "agent_redis_url_summary",
        "Your Redis instance is reachable at redis://:⟨p⟩@10.0.0.5:6379/0 — I verified with `PING`.",
        p=hx(32),
    ),
    P(
        "agent_test_user",
        "Test user credentials for the e2e suite:\n- email: `qa+e2e@example.com`\n- password: `⟨p⟩`",
        p=pw(),
    ),
    P(
        "agent_fr_summary",
        "J'ai défini le mot de passe administrateur sur ⟨p⟩ et redémarré le service. Pensez à le changer.",
        p=pw(),
    ),
    P(
        "agent_es_summary",
        "Listo. La nueva clave de la API quedó en `settings.py` (⟨k⟩); los tests pasan.",
        k=an(32),
    ),
    P(
        "agent_de_summary",
        "Erledigt: Das Root-Passwort der MariaDB lautet jetzt ⟨p⟩, der Container wurde neu gestartet.",
        p=gen(18),
    ),
    P(
        "agent_ja_summary",
        "完了しました。管理者パスワードは ⟨p⟩ に設定しました。初回ログイン後に変更してください。",
        p=an(14),
    ),
    P(
        "agent_zh_summary",
        "已完成：Redis 密码已设置为 ⟨p⟩ 并写入 docker-compose.yml。",
        p=an(20),
    ),
    P(
        "agent_thinking_uses_key",
        "The user wants me to call the weather API with the key they gave, ⟨k⟩. Let me run curl with it as a "
        "query parameter.",
        k=hx(32),
    ),
    P(
        "agent_todo_json",
        '{"todos": [{"content": "Rotate leaked key ⟨k⟩ in the billing service", "status": "pending"}, '
        '{"content": "Add secret scanning to CI", "status": "pending"}]}',
        k=an(24, _pre("rk_", "live_")),
    ),
    P(
        "agent_ssh_passphrase",
        "Generated a new ed25519 keypair at ~/.ssh/deploy_ed25519. The passphrase is ⟨p⟩ — store it in your "
        "password manager.",
        p=phrase(4, "-"),
    ),
    P(
        "agent_temporary_password",
        "Reset done. Temporary password for jdoe: ⟨p⟩ (they must change it at first login).",
        p=gen(12),
    ),
    P(
        "agent_memory_note",
        "I'll remember this for later in the session: staging DB password = ⟨p⟩",
        p=pw(),
    ),
    P(
        "agent_commit_message",
        "I committed with the message:\n\n    fix(auth): use service account token ⟨t⟩ until SSO is wired up",
        t=jwt(),
    ),
    P(
        "agent_before_after",
        "Changed the SMTP password from ⟨a⟩ to ⟨b⟩ in both `.env` and `.env.example`.",
        a=pw(),
        b=pw(),
    ),
    P(
        "agent_plan_steps",
        "Plan:\n1. Log in to the router at 192.168.0.1 with admin/⟨p⟩\n2. Forward port 443 to 192.168.0.20\n"
        "3. Verify from outside with curl",
        p=pw(),
    ),
    P(
        "agent_explains_error",
        "The 401 happens because the header is `Authorization: Token ⟨t⟩` but this API expects `Bearer`. "
        "Switching the scheme fixed it.",
        t=hx(40),
    ),
    P(
        "agent_quotes_user",
        'You said "use the key ⟨k⟩ for everything", so I put it in all three environments.',
        k=an(36),
    ),
    P(
        "agent_vault_unseal",
        "Vault is initialized. Unseal keys (3 of 5 needed):\n- ⟨a⟩\n- ⟨b⟩\n- ⟨c⟩\n- ⟨d⟩\n- ⟨e⟩\n"
        "Initial root token: ⟨r⟩",
        a=raw(33),
        b=raw(33),
        c=raw(33),
        d=raw(33),
        e=raw(33),
        r=an(24, "hvs."),
    ),
    P(
        "agent_json_result",
        '{"type": "result", "result": "Created the service account. Client id: web-backend, client secret: '
        '⟨s⟩. Saved to keycloak.env."}',
        s=an(32),
    ),
    P(
        "agent_wifi_provisioned",
        "I flashed the firmware and provisioned Wi-Fi (SSID `Casa-Rossi-5G`, password `⟨p⟩`). The device "
        "shows up at 192.168.1.77.",
        p=pw(),
    ),
    P(
        "agent_inline_code_only",
        "Run this to log in:\n\n```\nmysql -h db.internal -u app -p'⟨p|sq⟩'\n```",
        p=tricky(16),
    ),
    P(
        "agent_summary_bullets_no_word",
        "Summary:\n- DB: postgres on 5432\n- user `svc_reporting`\n- `⟨p⟩`\n- migrations applied (14)",
        p=an(22),
    ),
    P(
        "agent_shows_decoded",
        "The secret `db-creds` decodes to user `app` and `⟨p⟩`, which matches what is in Vault.",
        p=gen(20),
    ),
    P(
        "agent_keystore_summary",
        "Created `release.keystore` (alias `upload`); store password and key password are both ⟨p⟩.",
        p=pw(),
    ),
    P(
        "agent_second_person",
        "Your Cloudflare API token ⟨t⟩ only has Zone:Read, so the DNS update failed. Create one with Zone:DNS:Edit.",
        t=bu(40),
    ),
    P(
        "agent_pr_description",
        "## What\nSwitch payments to the new provider.\n\n## How to test\nUse the sandbox merchant "
        "`M-4471` with access key ⟨k⟩ and run `make e2e`.",
        k=an(32, "sbx_"),
    ),
    P(
        "agent_tool_call_args",
        '{"name": "Bash", "input": {"command": "export OPENWEATHER_KEY=⟨k⟩ && python fetch.py", '
        '"description": "Fetch forecast"}}',
        k=hx(32),
    ),
    P(
        "agent_korean_summary",
        "완료했습니다. 관리자 계정 비밀번호를 ⟨p⟩(으)로 설정했습니다.",
        p=gen(14),
    ),
)

# --------------------------------------------------------------------------------------------
# 3. Commands and what they print

CLI = (
    P(
        "cli_heroku_auth_token",
        "$ heroku auth:token\n ›   Warning: token will expire 12/27/2026\n ›   Use heroku authorizations:create to "
        "generate a long-term token\n⟨t⟩",
        t=uid(),
    ),
    P(
        "cli_vault_kv_get_table",
        "$ vault kv get secret/payments\n======= Secret Path =======\nsecret/data/payments\n\n"
        "======= Metadata =======\nKey              Value\n---              -----\ncreated_time     "
        "2026-11-02T09:14:55.1Z\nversion          7\n\n====== Data ======\nKey         Value\n---         -----\n"
        "api_key     ⟨k⟩\npassword    ⟨p⟩\nusername    payments-svc",
        k=an(32),
        p=gen(24),
    ),
    P(
        "cli_vault_field_only",
        "$ vault kv get -field=password secret/prod/mysql\n⟨p⟩",
        p=an(28),
    ),
    P(
        "cli_gcloud_access_token",
        "$ gcloud auth print-access-token\n⟨t⟩",
        t=bu(180, "ya29.a0A"),
    ),
    P(
        "cli_az_access_token_json",
        '$ az account get-access-token\n{\n  "accessToken": "⟨t⟩",\n  "expiresOn": "2026-11-27 18:02:11.000000",\n'
        '  "subscription": "⟨s⟩",\n  "tenant": "⟨n⟩",\n  "tokenType": "Bearer"\n}',
        t=jwt("RS256"),
        s=pub(uid()),
        n=pub(uid()),
    ),
    P(
        "cli_aws_sts_assume_role",
        "$ aws sts assume-role --role-arn arn:aws:iam::481516234200:role/deploy --role-session-name ci\n{\n"
        '    "Credentials": {\n        "AccessKeyId": "⟨i⟩",\n        "SecretAccessKey": "⟨s⟩",\n'
        '        "SessionToken": "⟨t⟩",\n        "Expiration": "2026-11-27T19:00:00+00:00"\n    }\n}',
        i=pub(up(16, "AS" + "IA")),
        s=b64(40),
        t=b64(320, "IQoJb3JpZ2luX2VjE"),
    ),
    P("cli_gh_auth_token", "$ gh auth token\n⟨t⟩", t=an(36, "gh" + "o_")),
    P(
        "cli_npm_token_create_table",
        "$ npm token create --read-only\n┌────────────────┬──────────────────────────────────────────┐\n"
        "│ token          │ ⟨t⟩ │\n├────────────────┼──────────────────────────────────────────┤\n"
        "│ readonly       │ true                                     │\n│ created        │ 2026-11-27T10:41:09.622Z │\n"
        "└────────────────┴──────────────────────────────────────────┘",
        t=an(36, "np" + "m_"),
    ),
    P("cli_op_read", '$ op read "op://Private/Stripe live/credential"\n⟨k⟩', k=an(99, "sk_" + "live_")),
    P("cli_pass_show", "$ pass show work/vpn\n⟨p⟩\nuser: m.okafor\nurl: vpn.example.org", p=gen(20)),
    P(
        "cli_security_find_generic_password",
        "$ security find-generic-password -s 'Home WiFi' -w\n⟨p⟩",
        p=pw(),
    ),
    P(
        "cli_docker_login_p_flag",
        "$ docker login -u ci-bot -p ⟨p⟩ registry.example.com\nWARNING! Using --password via the CLI is insecure. "
        "Use --password-stdin.\nLogin Succeeded",
        p=an(32),
    ),
    P("cli_mysql_p_glued", "$ mysql -u root -p⟨p⟩ -h 127.0.0.1 shop_dev < dump.sql", p=pw()),
    P(
        "cli_pgpassword_env",
        "$ PGPASSWORD=⟨p⟩ psql -h db.internal -U reporting -d warehouse -c 'select count(*) from orders'\n"
        " count\n-------\n 48213\n(1 row)",
        p=an(24),
    ),
    P("cli_redis_cli_a", "$ redis-cli -h cache.internal -a ⟨p⟩ --no-auth-warning ping\nPONG", p=hx(40)),
    P(
        "cli_curl_user_flag",
        '$ curl -su admin:⟨p⟩ https://jenkins.internal/api/json | jq .mode\n"NORMAL"',
        p=pw(),
    ),
    P(
        "cli_kubectl_secret_yaml",
        "$ kubectl get secret db-creds -o yaml\napiVersion: v1\ndata:\n  password: ⟨p|b64⟩\n  username: YXBw\n"
        "kind: Secret\nmetadata:\n  name: db-creds\n  namespace: prod\ntype: Opaque",
        p=an(22),
    ),
    P(
        "cli_kubectl_jsonpath_decode",
        "$ kubectl get secret grafana -o jsonpath='{.data.admin-password}' | base64 -d\n⟨p⟩",
        p=an(40),
    ),
    P(
        "cli_kubectl_create_from_literal",
        "$ kubectl create secret generic smtp --from-literal=user=mailer --from-literal=password='⟨p⟩' -n mail\n"
        "secret/smtp created",
        p=pw(),
    ),
    P("cli_htpasswd_b", "$ htpasswd -b -c /etc/nginx/.htpasswd admin ⟨p⟩\nAdding password for user admin", p=pw()),
    P("cli_openssl_rand_hex", "$ openssl rand -hex 32\n⟨k⟩\n$ vim .env", k=hx(64)),
    P(
        "cli_python_token_urlsafe",
        '$ python3 -c "import secrets; print(secrets.token_urlsafe(32))"\n⟨k⟩',
        k=bu(43),
    ),
    P(
        "cli_wg_genkey",
        "$ wg genkey | tee wg0.key\n⟨k⟩\n$ wg pubkey < wg0.key\n⟨u⟩",
        k=raw(32),
        u=pub(raw(32)),
    ),
    P(
        "cli_stripe_config_list",
        "$ stripe config --list\n[default]\ndevice_name = 'maya-mbp'\ndisplay_name = 'Sandbox'\n"
        "test_mode_api_key = '⟨k⟩'\ntest_mode_key_expires_at = '2027-02-25'",
        k=an(99, "sk_" + "test_"),
    ),
    P(
        "cli_rclone_config_show",
        "$ rclone config show\n[b2]\ntype = b2\naccount = ⟨a⟩\nkey = ⟨k⟩\n\n[nas]\ntype = sftp\nhost = 10.0.0.9\n"
        "user = backup\npass = ⟨o⟩",
        a=pub(hx(12)),
        k=an(31, "K005"),
        o=bu(43),
    ),
    P(
        "cli_git_remote_v",
        "$ git remote -v\norigin\thttps://oauth2:⟨t⟩@gitlab.example.com/team/app.git (fetch)\n"
        "origin\thttps://oauth2:⟨t⟩@gitlab.example.com/team/app.git (push)",
        t=bu(20, "gl" + "pat-"),
    ),
    P(
        "cli_env_grep",
        "$ env | grep -i -E 'key|secret|token'\nSENTRY_DSN=https://⟨d⟩@o44123.ingest.sentry.io/7712\n"
        "MAPS_KEY=⟨m⟩\nSESSION_SECRET=⟨s⟩\nGIT_ASKPASS=/usr/lib/git-core/git-gui--askpass",
        d=hx(32),
        m=an(39, "AI" + "za"),
        s=hx(48),
    ),
    P(
        "cli_cat_git_credentials",
        "$ cat ~/.git-credentials\nhttps://maria:⟨t⟩@github.com\nhttps://x-token-auth:⟨u⟩@bitbucket.org",
        t=an(36, "gh" + "p_"),
        u=bu(40),
    ),
    P(
        "cli_terraform_output_json",
        '$ terraform output -json\n{\n  "db_password": {\n    "sensitive": true,\n    "type": "string",\n'
        '    "value": "⟨p⟩"\n  },\n  "endpoint": {\n    "sensitive": false,\n    "type": "string",\n'
        '    "value": "prod-db.c9akciq32.eu-west-1.rds.amazonaws.com"\n  }\n}',
        p=an(30),
    ),
    P(
        "cli_secretsmanager_nested_json",
        '$ aws secretsmanager get-secret-value --secret-id prod/app\n{\n    "Name": "prod/app",\n'
        '    "SecretString": "{\\"username\\":\\"app\\",\\"password\\":\\"⟨p⟩\\",\\"port\\":5432}",\n'
        '    "VersionStages": ["AWSCURRENT"]\n}',
        p=an(32),
    ),
    P("cli_cat_ssh_key", "$ cat ~/.ssh/id_ed25519\n⟨k⟩", k=ossh("maria@thinkpad")),
    P(
        "cli_gpg_export_secret",
        "$ gpg --export-secret-keys --armor 7A1F3C9D\n⟨k⟩",
        k=pgp(),
    ),
    P(
        "cli_firebase_login_ci",
        "$ firebase login:ci\n\n✔  Success! Use this token to login on a CI server:\n\n⟨t⟩\n\n"
        'Example: firebase deploy --token "$FIREBASE_TOKEN"',
        t=bu(100, "1//0"),
    ),
    P(
        "cli_supabase_status",
        "$ supabase status\n         API URL: http://127.0.0.1:54321\n     GraphQL URL: http://127.0.0.1:54321/graphql/v1\n"
        "          DB URL: postgresql://postgres:⟨d⟩@127.0.0.1:54322/postgres\n      JWT secret: ⟨j⟩\n"
        "        anon key: ⟨a⟩\nservice_role key: ⟨s⟩",
        d=pw(),
        j=an(40),
        a=pub(jwt(claims={"iss": "supabase-demo", "role": "anon"})),
        s=jwt(claims={"iss": "supabase-demo", "role": "service_role"}),
    ),
    P(
        "cli_jupyter_server_list",
        "$ jupyter server list\nCurrently running servers:\nhttp://localhost:8888/?token=⟨t⟩ :: /home/ana/thesis",
        t=hx(48),
    ),
    P(
        "cli_ngrok_authtoken",
        "$ ngrok config add-authtoken ⟨t⟩\nAuthtoken saved to configuration file",
        t=cat(an(27), "_", an(22)),
    ),
    P(
        "cli_tailscale_up",
        "$ sudo tailscale up --authkey=⟨k⟩ --advertise-tags=tag:ci",
        k=cat("tskey-auth-", an(12), "-", an(32)),
    ),
    P(
        "cli_mc_alias_set",
        "$ mc alias set local http://localhost:9000 minioadmin ⟨p⟩\nAdded `local` successfully.",
        p=an(40),
    ),
    P(
        "cli_gh_secret_set_body",
        '$ gh secret set SLACK_WEBHOOK --body "⟨u⟩"\n✓ Set Actions secret SLACK_WEBHOOK',
        u=cat("https://hooks.slack.com/services/T", up(9), "/B", up(10), "/", an(24)),
    ),
    P(
        "cli_heroku_config",
        "$ heroku config -a shop-prod\n=== shop-prod Config Vars\nDATABASE_URL:  postgres://⟨u⟩:⟨p⟩@ec2-52-1-9-4.compute-1.amazonaws.com:5432/⟨n⟩\n"
        "REDIS_URL:     rediss://:⟨r⟩@ec2-3-210-7-8.compute-1.amazonaws.com:7480",
        u=pub(letters(14)),
        p=hx(64),
        n=pub(lo(14)),
        r=hx(64),
    ),
    P(
        "cli_echo_base64_basic",
        "$ echo -n 'admin:⟨p⟩' | base64\n⟨ba⟩",
        p=pw(),
        ba=basic("admin", "p"),
    ),
    P(
        "cli_read_s_echoed_history",
        "$ history | tail -3\n  501  export DB_PASS=⟨p⟩\n  502  ./migrate.sh\n  503  history | tail -3",
        p=pw(),
    ),
)

# --------------------------------------------------------------------------------------------
# 4. Config files of many formats

CONFIG = (
    P(
        "cfg_dotenv_quoted_hash",
        'APP_ENV=production\nAPP_KEY=base64:⟨k⟩\nDB_PASSWORD="⟨p⟩"\nCACHE_DRIVER=redis',
        k=raw(32),
        p=der(lambda v: v["a"][:6] + "#" + v["a"][6:]),
        a=pub(an(15)),
    ),
    P(
        "cfg_yaml_nested_password",
        "spring:\n  datasource:\n    url: jdbc:postgresql://db:5432/orders\n    username: orders\n"
        "    password: ⟨p⟩\n  jpa:\n    hibernate:\n      ddl-auto: validate",
        p=pw(),
    ),
    P(
        "cfg_toml_table",
        '[database]\nhost = "10.1.2.3"\nport = 5432\nuser = "ingest"\npass = "⟨p⟩"\n\n[cache]\nttl = 300',
        p=an(26),
    ),
    P(
        "cfg_ini_section",
        "[smtp]\nserver=smtp.office365.com\nport=587\nlogin=noreply@contoso.example\nsecret=⟨p⟩\nstarttls=yes",
        p=pw(),
    ),
    P(
        "cfg_maven_settings_xml",
        "<settings>\n  <servers>\n    <server>\n      <id>nexus-releases</id>\n      <username>deployer</username>\n"
        "      <password>⟨p⟩</password>\n    </server>\n  </servers>\n</settings>",
        p=an(20),
    ),
    P(
        "cfg_webconfig_connection_string",
        '<connectionStrings>\n  <add name="Default" connectionString="Server=tcp:sql01.database.windows.net,1433;'
        'Initial Catalog=crm;User ID=crmapp;Password=⟨p|xml⟩;Encrypt=True;" providerName="System.Data.SqlClient" />\n'
        "</connectionStrings>",
        p=tricky(18),
    ),
    P(
        "cfg_spring_properties",
        "server.port=8443\nserver.ssl.key-store=classpath:keystore.p12\nserver.ssl.key-store-password=⟨k⟩\n"
        "spring.mail.password=⟨m⟩",
        k=pw(),
        m=an(16),
    ),
    P(
        "cfg_npmrc_authtoken",
        "registry=https://registry.npmjs.org/\n@acme:registry=https://npm.pkg.github.com/\n"
        "//npm.pkg.github.com/:_authToken=⟨t⟩\nalways-auth=true",
        t=an(36, "gh" + "p_"),
    ),
    P(
        "cfg_npmrc_auth_base64",
        "//nexus.acme.internal/repository/npm/:_auth=⟨ba⟩\nemail=build@acme.internal",
        p=pub(an(18)),
        ba=basic("build", "p"),
    ),
    P(
        "cfg_pypirc",
        "[distutils]\nindex-servers =\n    pypi\n    private\n\n[private]\nrepository = https://pypi.acme.dev/simple\n"
        "username = uploader\npassword = ⟨p⟩",
        p=gen(22),
    ),
    P(
        "cfg_pip_conf_index_url",
        "[global]\nindex-url = https://build:⟨p⟩@pypi.acme.dev/simple\ntrusted-host = pypi.acme.dev",
        p=an(30),
    ),
    P(
        "cfg_netrc",
        "machine api.heroku.com\n  login maria@example.org\n  password ⟨a⟩\nmachine git.heroku.com\n"
        "  login maria@example.org\n  password ⟨a⟩",
        a=uid(),
    ),
    P(
        "cfg_docker_config_json",
        '{\n  "auths": {\n    "registry.gitlab.com": {\n      "auth": "⟨ba⟩"\n    }\n  },\n  "credsStore": ""\n}',
        t=pub(bu(20, "gl" + "pat-")),
        ba=basic("deploy-token", "t"),
    ),
    P(
        "cfg_kubeconfig_token",
        "users:\n- name: ci\n  user:\n    token: ⟨t⟩\ncontexts:\n- context:\n    cluster: prod\n    user: ci\n  name: prod",
        t=jwt("RS256", {"iss": "kubernetes/serviceaccount", "sub": "system:serviceaccount:ci:deployer"}),
    ),
    P(
        "cfg_kubeconfig_client_key_data",
        "users:\n- name: admin\n  user:\n    client-certificate-data: ⟨c⟩\n    client-key-data: ⟨k|b64⟩",
        c=pub(b64(120, "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t")),
        k=pem("EC PRIVATE KEY"),
    ),
    P(
        "cfg_wp_config_php",
        "define( 'DB_NAME', 'wp_blog' );\ndefine( 'DB_USER', 'wp_user' );\ndefine( 'DB_PASSWORD', '⟨p⟩' );\n"
        "define( 'AUTH_KEY',         '⟨a⟩' );\ndefine( 'SECURE_AUTH_KEY',  '⟨b⟩' );",
        p=pw(),
        a=gen(64),
        b=gen(64),
    ),
    P(
        "cfg_django_settings",
        "DEBUG = False\nALLOWED_HOSTS = ['shop.example.com']\nSECRET_KEY = 'django-insecure-⟨k⟩'\nLANGUAGE_CODE = 'de-de'",
        k=_chars(_LOWER + _DIGITS + "!@#$%^&*(-_=+)", 50),
    ),
    P(
        "cfg_appsettings_json",
        '{\n  "Logging": { "LogLevel": { "Default": "Information" } },\n  "Jwt": {\n    "Issuer": "crm",\n'
        '    "Key": "⟨k⟩"\n  },\n  "ConnectionStrings": {\n    "Redis": "redis01:6379,password=⟨r⟩,ssl=True"\n  }\n}',
        k=an(48),
        r=raw(32),
    ),
    P(
        "cfg_pgpass",
        "# hostname:port:database:username:password\ndb.internal:5432:*:etl:⟨p⟩\nlocalhost:5432:dev:dev:dev",
        p=pw(),
    ),
    P(
        "cfg_my_cnf",
        "[client]\nuser=backup\npassword=⟨p⟩\nhost=127.0.0.1\n\n[mysqldump]\nsingle-transaction",
        p=gen(16),
    ),
    P(
        "cfg_odbc_ini",
        "[Snowflake]\nDriver=/usr/lib/snowflake/odbc/lib/libSnowflake.so\nServer=xy12345.eu-central-1.snowflakecomputing.com\n"
        "uid=ANALYST\npwd=⟨p⟩\nwarehouse=COMPUTE_WH",
        p=pw(),
    ),
    P(
        "cfg_s3cfg",
        "[default]\naccess_key = ⟨i⟩\nsecret_key = ⟨s⟩\nhost_base = s3.eu-central-1.wasabisys.com",
        i=pub(up(20)),
        s=an(40),
    ),
    P(
        "cfg_terraform_tfvars",
        'region          = "eu-west-1"\ninstance_type   = "t3.small"\ndb_master_pass  = "⟨p⟩"\ndatadog_api_key = "⟨d⟩"',
        p=an(24),
        d=hx(32),
    ),
    P(
        "cfg_ansible_group_vars",
        "---\nansible_user: deploy\nansible_become_pass: ⟨p⟩\npostgres_users:\n  - name: app\n    password: ⟨q⟩",
        p=pw(),
        q=an(20),
    ),
    P(
        "cfg_cargo_credentials",
        '[registry]\ntoken = "⟨t⟩"\n\n[registries.acme]\ntoken = "Bearer ⟨u⟩"',
        t=an(32, "cio"),
        u=an(40),
    ),
    P(
        "cfg_gradle_properties",
        "org.gradle.jvmargs=-Xmx4g\nsigning.keyId=24875D73\nsigning.password=⟨p⟩\nossrhUsername=acme\nossrhPassword=⟨o⟩",
        p=pw(),
        o=an(44),
    ),
    P(
        "cfg_composer_auth_json",
        '{\n    "http-basic": {\n        "repo.packagist.com": {\n            "username": "token",\n'
        '            "password": "⟨p⟩"\n        }\n    },\n    "github-oauth": {"github.com": "⟨g⟩"}\n}',
        p=hx(64),
        g=an(36, "gh" + "o_"),
    ),
    P(
        "cfg_jupyter_config_py",
        "c.ServerApp.ip = '0.0.0.0'\nc.ServerApp.open_browser = False\nc.ServerApp.token = '⟨t⟩'\n"
        "c.ServerApp.password = 'argon2:$argon2id$v=19$m=10240,t=10,p=8$⟨s⟩$⟨h⟩'",
        t=hx(48),
        s=pub(b64(22)),
        h=pub(b64(43)),
    ),
    P(
        "cfg_nginx_proxy_header",
        "location /api/ {\n    proxy_pass https://upstream.partner.example;\n"
        '    proxy_set_header X-Partner-Key "⟨k⟩";\n    proxy_set_header Host $host;\n}',
        k=an(32),
    ),
    P(
        "cfg_hcl_vault_agent",
        'auto_auth {\n  method "approle" {\n    config = {\n      role_id_file_path = "/etc/vault/role-id"\n'
        '      secret_id = "⟨s⟩"\n    }\n  }\n}',
        s=uid(),
    ),
    P(
        "cfg_sentryclirc",
        "[auth]\ntoken=⟨t⟩\n\n[defaults]\norg=acme\nproject=web",
        t=hx(64, "sntry" + "u_"),
    ),
    P(
        "cfg_home_assistant_secrets",
        "# secrets.yaml\nwifi_ssid: Zuhause\nwifi_password: ⟨w⟩\nmqtt_password: ⟨m⟩\nlatitude: 52.52",
        w=pw(),
        m=an(20),
    ),
    P(
        "cfg_properties_unicode_escape",
        "# Encoding: ISO-8859-1, escapes as native2ascii writes them\nldap.bind.dn=cn=svc,ou=apps,dc=acme,dc=de\n"
        "ldap.bind.credential=⟨p|jsona⟩",
        p=pwi(),
    ),
    P(
        "cfg_yaml_block_scalar",
        "smtp:\n  host: mail.example.org\n  password: |-\n    ⟨p⟩\n  from: noreply@example.org",
        p=gen(20),
    ),
    P(
        "cfg_env_export_lowercase_name",
        "export pass=⟨p⟩\nexport url=https://bi.internal/login",
        p=pw(),
    ),
    P(
        "cfg_systemd_environment",
        '[Service]\nUser=app\nEnvironment=NODE_ENV=production\nEnvironment="SESSION_SECRET=⟨s⟩"\n'
        "ExecStart=/usr/bin/node /srv/app/server.js",
        s=hx(64),
    ),
    P(
        "cfg_crontab_inline",
        "# m h dom mon dow command\n15 3 * * * PGPASSWORD='⟨p⟩' pg_dump -h db -U backup shop | gzip > /backups/shop.sql.gz",
        p=an(22),
    ),
)

# --------------------------------------------------------------------------------------------
# 5. Source code in many languages

CODE = (
    P(
        "code_python_requests_header",
        'resp = requests.get(\n    "https://api.partner.example/v2/orders",\n'
        '    headers={"X-Api-Key": "⟨k⟩", "Accept": "application/json"},\n    timeout=10,\n)',
        k=an(40),
    ),
    P(
        "code_python_short_name",
        "import hmac, hashlib\n\nk = b'⟨k⟩'\nsig = hmac.new(k, body, hashlib.sha256).hexdigest()",
        k=an(32),
    ),
    P(
        "code_python_default_arg",
        'def connect(host="db.internal", user="etl", password="⟨p⟩"):\n    return psycopg2.connect(host=host, '
        "user=user, password=password)",
        p=pw(),
    ),
    P(
        "code_python_dict_config",
        "CONFIG = {\n    'broker': 'amqp://worker:⟨p⟩@rabbit:5672//',\n    'result_backend': 'redis://redis:6379/1',\n}",
        p=an(18),
    ),
    P(
        "code_js_fetch_bearer",
        "const res = await fetch(`${BASE}/v1/chat`, {\n  method: 'POST',\n"
        "  headers: { Authorization: 'Bearer ⟨t⟩', 'Content-Type': 'application/json' },\n  body: JSON.stringify(payload),\n});",
        t=an(48),
    ),
    P(
        "code_ts_class_field",
        "export class PaymentsClient {\n  private readonly secret = '⟨s⟩';\n  constructor(private http: HttpClient) {}\n}",
        s=hx(40),
    ),
    P(
        "code_go_const",
        'package notify\n\nconst (\n\tendpoint = "https://push.example.net/send"\n\tappSecret = "⟨s⟩"\n)',
        s=an(32),
    ),
    P(
        "code_rust_const",
        'const API_TOKEN: &str = "⟨t⟩";\n\nfn client() -> reqwest::Client {\n    reqwest::Client::new()\n}',
        t=bu(43),
    ),
    P(
        "code_java_datasource",
        'HikariConfig cfg = new HikariConfig();\ncfg.setJdbcUrl("jdbc:mysql://db:3306/shop");\ncfg.setUsername("shop");\n'
        'cfg.setPassword("⟨p⟩");',
        p=pw(),
    ),
    P(
        "code_kotlin_companion",
        'companion object {\n    private const val CLIENT_ID = "android-app"\n    private const val CLIENT_SECRET = "⟨s⟩"\n}',
        s=an(40),
    ),
    P(
        "code_swift_let",
        'struct Keys {\n    static let revenueCat = "⟨k⟩"\n    static let mixpanel = "⟨m⟩"\n}',
        k=an(32, "sk_"),
        m=pub(hx(32)),
    ),
    P(
        "code_csharp_credential",
        'var credential = new NetworkCredential("svc-report", "⟨p⟩", "CORP");\nclient.Credentials = credential;',
        p=pw(),
    ),
    P(
        "code_php_pdo",
        "$pdo = new PDO('mysql:host=localhost;dbname=shop;charset=utf8mb4', 'shop', '⟨p⟩', [\n"
        "    PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,\n]);",
        p=pw(),
    ),
    P(
        "code_ruby_initializer",
        "Stripe.api_key = ENV.fetch('STRIPE_KEY', '⟨k⟩')\nStripe.api_version = '2024-06-20'",
        k=an(99, "sk_" + "live_"),
    ),
    P(
        "code_c_define",
        '#define WIFI_SSID "Lab-2.4"\n#define MQTT_USER "sensor"\n#define MQTT_PASS "⟨p⟩"\n\nvoid setup() {',
        p=an(16),
    ),
    P(
        "code_cpp_std_string",
        'static const std::string kLicenseKey = "⟨k⟩";',
        k=grp(_UPPER + _DIGITS, (5, 5, 5, 5, 5)),
    ),
    P(
        "code_dart_flutter",
        "final dio = Dio(BaseOptions(\n  baseUrl: 'https://api.example.app',\n  headers: {'x-api-key': '⟨k⟩'},\n));",
        k=an(40),
    ),
    P(
        "code_elixir_config",
        'config :my_app, MyAppWeb.Endpoint,\n  secret_key_base: "⟨s⟩",\n  live_view: [signing_salt: "⟨l⟩"]',
        s=b64(64),
        l=pub(an(8)),
    ),
    P(
        "code_scala_conf_literal",
        'val db = Database.forURL("jdbc:postgresql://pg:5432/events", user = "events", password = "⟨p⟩")',
        p=an(20),
    ),
    P(
        "code_r_sys_setenv",
        'Sys.setenv(OPENAI_API_KEY = "⟨k⟩")\nlibrary(ellmer)\nchat <- chat_openai(model = "gpt-4o")',
        k=an(48, "sk-" + "proj-"),
    ),
    P(
        "code_julia",
        'const TOKEN = "⟨t⟩"\nHTTP.get(url, ["Authorization" => "Bearer $TOKEN"])',
        t=an(40),
    ),
    P(
        "code_lua_nvim_plugin",
        'require("codeium").setup({\n  api_key = "⟨k⟩",\n  enable_chat = true,\n})',
        k=uid(),
    ),
    P(
        "code_perl_dbi",
        'my $dbh = DBI->connect("DBI:Pg:dbname=crm;host=db", "crm", "⟨p⟩", { RaiseError => 1 });',
        p=pw(),
    ),
    P(
        "code_bash_script_var",
        '#!/usr/bin/env bash\nset -euo pipefail\nTOKEN="⟨t⟩"\ncurl -fsS -H "PRIVATE-TOKEN: $TOKEN" "$CI_API_V4_URL/projects"',
        t=bu(20, "gl" + "pat-"),
    ),
    P(
        "code_powershell_securestring",
        '$pw = ConvertTo-SecureString "⟨p⟩" -AsPlainText -Force\n'
        "$cred = New-Object System.Management.Automation.PSCredential ('CORP\\svc-backup', $pw)",
        p=pw(),
    ),
    P(
        "code_sql_create_user",
        "CREATE USER reporting WITH PASSWORD '⟨p⟩';\nGRANT CONNECT ON DATABASE warehouse TO reporting;",
        p=an(20),
    ),
    P(
        "code_sql_identified_by",
        "ALTER USER 'app'@'%' IDENTIFIED BY '⟨p⟩';\nFLUSH PRIVILEGES;",
        p=pw(),
    ),
    P(
        "code_hardhat_private_key",
        "module.exports = {\n  solidity: '0.8.24',\n  networks: {\n    sepolia: {\n      url: 'https://rpc.sepolia.org',\n"
        "      accounts: ['0x⟨k⟩'],\n    },\n  },\n};",
        k=hx(64),
    ),
    P(
        "code_groovy_jenkins",
        "withEnv(['NEXUS_PASS=⟨p⟩']) {\n    sh 'mvn -s settings.xml deploy'\n}",
        p=pw(),
    ),
    P(
        "code_objc_define",
        '#define kParseClientKey @"⟨k⟩"\n[Parse setApplicationId:kParseAppId clientKey:kParseClientKey];',
        k=an(40),
    ),
    P(
        "code_haskell",
        'apiKey :: Text\napiKey = "⟨k⟩"',
        k=hx(32),
    ),
    P(
        "code_vba_macro",
        'conn.Open "Provider=SQLOLEDB;Data Source=FIN-SQL01;Initial Catalog=Ledger;User Id=excel;Password=⟨p⟩;"',
        p=pw(),
    ),
    P(
        "code_matlab",
        "options = weboptions('HeaderFields', {'Authorization', ['Bearer ' '⟨t⟩']});",
        t=an(40),
    ),
    P(
        "code_zig",
        'const secret: []const u8 = "⟨s⟩";',
        s=hx(64),
    ),
    P(
        "code_nim_fmt",
        'let client = newHttpClient(headers = newHttpHeaders({"X-Auth": "⟨k⟩"}))',
        k=an(32),
    ),
    P(
        "code_python_fstring_split",
        'user = "svc"\npart = "⟨p|h1⟩"\nconn = f"mysql://{user}:{part}⟨p|h2⟩@db/app"',
        p=an(24),
    ),
    P(
        "code_js_object_no_keyword",
        "const cfg = {\n  region: 'eu-central-1',\n  x: '⟨s⟩',\n  y: '⟨i⟩',\n};\nnew S3Client({ region: cfg.region, "
        "credentials: { accessKeyId: cfg.y, secretAccessKey: cfg.x } });",
        s=b64(40),
        i=pub(up(16, "AK" + "IA")),
    ),
    P(
        "code_go_test_fixture",
        'func TestSign(t *testing.T) {\n\tkey := []byte("⟨k⟩")\n\tgot := Sign(key, "payload")\n'
        '\tif got != "⟨g⟩" {\n\t\tt.Fatal(got)\n\t}\n}',
        k=an(32),
        g=pub(hx(64)),
    ),
    P(
        "code_python_test_fixture_conftest",
        '@pytest.fixture\ndef admin_client(client):\n    client.login(username="admin", password="⟨p⟩")\n    return client',
        p=pw(),
    ),
)

# --------------------------------------------------------------------------------------------
# 6. Logs, errors and stack traces

LOGS = (
    P(
        "log_sqlalchemy_operational_error",
        'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "db" (172.18.0.3), '
        'port 5432 failed: FATAL:  password authentication failed for user "app"\n'
        "(Background on this error at: https://sqlalche.me/e/20/e3q8)\n  engine = create_engine('postgresql://app:⟨p⟩@db:5432/app')",
        p=pw(),
    ),
    P(
        "log_python_traceback_locals",
        'Traceback (most recent call last):\n  File "/srv/app/sync.py", line 41, in push\n    r.raise_for_status()\n'
        "requests.exceptions.HTTPError: 403 Client Error: Forbidden for url: "
        "https://api.vendor.example/v1/items?api_key=⟨k⟩&page=2",
        k=hx(32),
    ),
    P(
        "log_java_jdbc_exception",
        "java.sql.SQLException: Access denied for user 'shop'@'10.0.4.12' (using password: YES)\n"
        "\tat com.mysql.cj.jdbc.exceptions.SQLError.createSQLException(SQLError.java:129)\n"
        "Caused by: url=jdbc:mysql://db:3306/shop?user=shop&password=⟨p|url⟩&useSSL=true",
        p=tricky(16),
    ),
    P(
        "log_nginx_access_query_token",
        '203.0.113.9 - - [27/Nov/2026:09:12:01 +0000] "GET /export.csv?token=⟨t⟩ HTTP/1.1" 200 48213 "-" '
        '"Mozilla/5.0 (X11; Linux x86_64)"',
        t=bu(32),
    ),
    P(
        "log_curl_verbose_headers",
        "$ curl -v https://api.example.com/me -H 'Authorization: Bearer ⟨t⟩'\n*   Trying 93.184.216.34:443...\n"
        "> GET /me HTTP/2\n> Host: api.example.com\n> authorization: Bearer ⟨t⟩\n> user-agent: curl/8.5.0\n>\n< HTTP/2 401",
        t=jwt(),
    ),
    P(
        "log_http_debug_python",
        'DEBUG:urllib3.connectionpool:https://api.sendgrid.com:443 "POST /v3/mail/send HTTP/1.1" 401 88\n'
        "DEBUG:app.mail:request headers {'Authorization': 'Bearer ⟨t⟩', 'Content-Type': 'application/json'}",
        t=cat("S" + "G.", bu(22), ".", bu(43)),
    ),
    P(
        "log_celery_broker_url",
        "[2026-11-27 10:02:11,487: ERROR/MainProcess] consumer: Cannot connect to amqp://celery:**@rabbitmq:5672//: "
        "[Errno 111] Connection refused.\n -------------- celery@worker-1 v5.4.0\n- ** ---------- .> transport:   "
        "amqp://celery:⟨p⟩@rabbitmq:5672//",
        p=an(20),
    ),
    P(
        "log_git_auth_failed",
        "remote: HTTP Basic: Access denied. The provided password or token is incorrect.\n"
        "fatal: Authentication failed for 'https://ci:⟨t⟩@gitlab.example.com/group/app.git/'",
        t=bu(20, "gl" + "pat-"),
    ),
    P(
        "log_npm_err_registry",
        "npm ERR! code E401\nnpm ERR! Unable to authenticate, your authentication token seems to be invalid.\n"
        "npm ERR! To correct this please try logging in again with:\nnpm ERR!     npm login\n"
        "npm verb config //registry.npmjs.org/:_authToken=⟨t⟩",
        t=an(36, "np" + "m_"),
    ),
    P(
        "log_pip_index_error",
        "WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection "
        "broken by 'NewConnectionError': /simple/torch/\nLooking in indexes: https://pypi.org/simple, "
        "https://__token__:⟨t⟩@gitlab.com/api/v4/projects/4411/packages/pypi/simple",
        t=bu(20, "gl" + "pat-"),
    ),
    P(
        "log_k8s_event_env",
        'Warning  Failed  12s  kubelet  Error: failed to start container "api": Error response from daemon: '
        "OCI runtime create failed: env: ADMIN_TOKEN=⟨t⟩ contains invalid characters",
        t=an(40),
    ),
    P(
        "log_json_structured",
        '{"ts":"2026-11-27T10:03:44.812Z","level":"error","msg":"upstream rejected","req":{"method":"POST",'
        '"url":"/v1/charge","headers":{"x-api-key":"⟨k⟩"}},"status":401}',
        k=an(32),
    ),
    P(
        "log_sql_statement_log",
        "2026-11-27 10:11:02.114 UTC [3312] LOG:  statement: ALTER ROLE grafana WITH LOGIN PASSWORD '⟨p⟩';",
        p=an(24),
    ),
    P(
        "log_rails_params",
        'Started POST "/users/sign_in" for 10.0.0.7 at 2026-11-27 10:15:02 +0000\nProcessing by '
        'Devise::SessionsController#create as HTML\n  Parameters: {"authenticity_token"=>"[FILTERED]", '
        '"user"=>{"email"=>"ops@example.com", "password"=>"⟨p⟩"}, "commit"=>"Log in"}',
        p=pw(),
    ),
    P(
        "log_docker_compose_up",
        "db-1   | 2026-11-27 10:20:01+00:00 [Note] [Entrypoint]: Entrypoint script for MySQL Server started.\n"
        "db-1   | GENERATED ROOT PASSWORD: ⟨p⟩\ndb-1   | 2026-11-27 10:20:04+00:00 [Note] [Entrypoint]: Creating database app",
        p=an(32),
    ),
    P(
        "log_jenkins_initial_admin",
        "*************************************************************\n\nJenkins initial setup is required. "
        "An admin user has been created and a password generated.\nPlease use the following password to proceed "
        "to installation:\n\n⟨p⟩\n\nThis may also be found at: /var/jenkins_home/secrets/initialAdminPassword",
        p=hx(32),
    ),
    P(
        "log_gitlab_root_password_file",
        "$ sudo cat /etc/gitlab/initial_root_password\n# WARNING: This value is valid only in the following conditions\n"
        "Password: ⟨p⟩\n\n# NOTE: This file will be automatically deleted in the first reconfigure run after 24 hours.",
        p=b64(44),
    ),
    P(
        "log_node_unhandled_rejection",
        "UnhandledPromiseRejectionWarning: MongoServerError: bad auth : authentication failed\n"
        "    at Connection.onMessage (node_modules/mongodb/lib/cmap/connection.js:230:30)\n"
        "  uri: 'mongodb+srv://admin:⟨p|url⟩@cluster0.ab1cd.mongodb.net/?retryWrites=true'",
        p=tricky(14),
    ),
    P(
        "log_webhook_failure",
        "[warn] webhook delivery failed (410 Gone) url=https://discord.com/api/webhooks/⟨i⟩/⟨t⟩ attempt=3",
        i=pub(dg(19)),
        t=bu(68),
    ),
    P(
        "log_ssh_debug_askpass",
        "debug1: Next authentication method: password\nsshpass -p '⟨p⟩' ssh -o StrictHostKeyChecking=no root@10.8.0.14\n"
        "Permission denied, please try again.",
        p=pw(),
    ),
    P(
        "log_go_panic_struct",
        "panic: dial tcp 10.0.0.5:5432: connect: connection refused\n\ngoroutine 1 [running]:\n"
        "main.main()\n\t/app/main.go:42 +0x1f4\nconfig: {Host:10.0.0.5 Port:5432 User:ledger Password:⟨p⟩ SSLMode:require}",
        p=an(22),
    ),
    P(
        "log_ansible_verbose",
        'TASK [db : create user] *****\nfatal: [db1]: FAILED! => {"changed": false, "invocation": {"module_args": '
        '{"login_password": "⟨p⟩", "login_user": "root", "name": "app"}}, "msg": "unable to connect"}',
        p=pw(),
    ),
    P(
        "log_terraform_plan_leak",
        '  # aws_db_instance.main will be updated in-place\n  ~ resource "aws_db_instance" "main" {\n'
        '        id       = "prod-db"\n      ~ password = "⟨a⟩" -> "⟨b⟩"\n    }',
        a=pw(),
        b=an(24),
    ),
    P(
        "log_ci_masking_failed_multiline",
        '$ echo "$SERVICE_ACCOUNT" | head -c 240\n{\n  "type": "service_account",\n  "private_key_id": "⟨i⟩",\n'
        '  "private_key": "-----BEGIN ' + "PRIVATE KEY-----\\n⟨k⟩\\n⟨m⟩",
        i=pub(hx(40)),
        k=b64(13, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ"),
        m=b64(31),
    ),
    P(
        "log_syslog_sudo",
        "Nov 27 10:44:12 web01 sudo:   deploy : TTY=pts/0 ; PWD=/srv ; USER=root ; COMMAND=/usr/bin/mysql -uroot "
        "-p⟨p⟩ -e SHOW DATABASES",
        p=pw(),
    ),
    P(
        "log_windows_event_cmdline",
        "Process Create:\nRuleName: -\nUtcTime: 2026-11-27 10:49:31.120\nImage: C:\\Windows\\System32\\net.exe\n"
        "CommandLine: net use Z: \\\\fs01\\share ⟨p⟩ /user:CORP\\svc-backup",
        p=pw(),
    ),
    P(
        "log_smtp_auth_plain",
        "<- 250-AUTH PLAIN LOGIN\n-> AUTH PLAIN ⟨ap⟩\n<- 235 2.7.0 Authentication successful",
        p=pub(an(16)),
        ap=der(lambda v: base64.b64encode(b"\x00mailer@example.org\x00" + v["p"].encode()).decode()),
    ),
    P(
        "log_browser_console",
        "index.js:88 [auth] stored session {accessToken: '⟨a⟩', refreshToken: '⟨r⟩', expiresIn: 3600}",
        a=jwt("ES256"),
        r=bu(64),
    ),
    P(
        "log_php_fatal_stack",
        "PHP Fatal error:  Uncaught PDOException: SQLSTATE[HY000] [1045] Access denied for user 'wp'@'localhost' in "
        "/var/www/html/db.php:7\nStack trace:\n#0 /var/www/html/db.php(7): PDO->__construct('mysql:host=loca...', 'wp', "
        "'⟨p⟩')\n#1 {main}",
        p=pw(),
    ),
    P(
        "log_redis_monitor",
        '1764237600.118232 [0 10.0.0.4:51922] "AUTH" "⟨p⟩"\n1764237600.118901 [0 10.0.0.4:51922] "GET" "session:42"',
        p=hx(32),
    ),
    P(
        "log_kafka_jaas",
        "INFO ProducerConfig values:\n\tbootstrap.servers = [pkc-4nym6.eu-west-1.aws.confluent.cloud:9092]\n"
        '\tsasl.jaas.config = org.apache.kafka.common.security.plain.PlainLoginModule required username="⟨u⟩" '
        'password="⟨p⟩";',
        u=pub(up(16)),
        p=b64(64),
    ),
    P(
        "log_sentry_breadcrumb_url",
        "Breadcrumb http GET https://maps.example.com/api/geocode/json?address=Berlin&key=⟨k⟩ [200]",
        k=an(39, "AI" + "za"),
    ),
)

# --------------------------------------------------------------------------------------------
# 7. Diffs, patches, commits and edits

DIFFS = (
    P(
        "diff_added_env_line",
        "diff --git a/.env.production b/.env.production\nindex 3f2a1c9..8b0e4d7 100644\n--- a/.env.production\n"
        "+++ b/.env.production\n@@ -3,3 +3,4 @@ APP_URL=https://shop.example.com\n LOG_LEVEL=info\n QUEUE=redis\n"
        "+PAYPAL_CLIENT_SECRET=⟨s⟩",
        _file="APP_URL=https://shop.example.com\nLOG_LEVEL=info\nQUEUE=redis\nPAYPAL_CLIENT_SECRET=⟨s⟩",
        s=bu(80, "E"),
    ),
    P(
        "diff_removed_secret_still_secret",
        "@@ -12,7 +12,7 @@ const client = new Client({\n   host: 'db',\n-  password: '⟨p⟩',\n+  password: "
        "process.env.DB_PASSWORD,\n   port: 5432,",
        p=pw(),
    ),
    P(
        "diff_rotated_both_sides",
        "-SIGNING_KEY=⟨a⟩\n+SIGNING_KEY=⟨b⟩",
        a=hx(64),
        b=hx(64),
    ),
    P(
        "diff_commit_message_rotate",
        "commit 9c1e4f27b0d3a58e6f12c7d940ab8e5f3126d0c4\nAuthor: Lin Wei <lin@example.cn>\nDate:   Thu Nov 26 18:01:12 2026 +0800\n\n"
        "    rotate bot token (old one was ⟨t⟩, revoked)",
        t=telegram_bot(),
    ),
    P(
        "diff_git_log_p_yaml",
        "commit 4be7d1a\n    add staging creds\n\ndiff --git a/deploy/staging.yaml b/deploy/staging.yaml\n"
        "@@ -0,0 +1,5 @@\n+database:\n+  host: pg-staging\n+  user: app\n+  password: ⟨p⟩\n+  sslmode: require",
        p=an(26),
    ),
    P(
        "diff_edit_tool_json",
        '{"file_path": "/home/dev/app/config.py", "old_string": "API_KEY = os.environ[\\"API_KEY\\"]", '
        '"new_string": "API_KEY = \\"⟨k⟩\\""}',
        _file='import os\n\nAPI_KEY = "⟨k⟩"\n',
        k=an(32, "key_"),
    ),
    P(
        "diff_edit_tool_old_string_secret",
        '{"file_path": "src/settings.ts", "old_string": "export const secret = \'⟨s⟩\';", '
        '"new_string": "export const secret = process.env.SECRET!;"}',
        s=bu(43),
    ),
    P(
        "diff_merge_conflict",
        "<<<<<<< HEAD\nREDIS_PASSWORD=⟨a⟩\n=======\nREDIS_PASSWORD=⟨b⟩\n>>>>>>> feature/cache",
        a=an(24),
        b=an(24),
    ),
    P(
        "diff_blame_line",
        'a41f9e3c (Priya Raman 2025-03-14 11:02:55 +0530 27)     smtp_pass = "⟨p⟩"',
        p=pw(),
    ),
    P(
        "diff_unified_json_config",
        '--- a/firebase.json\n+++ b/firebase.json\n@@ -8,6 +8,7 @@\n     "projectId": "acme-prod",\n'
        '+    "serverKey": "⟨k⟩",\n     "region": "europe-west1"',
        k=cat("AAAA", bu(7), ":APA91b", bu(134)),
    ),
    P(
        "diff_patch_email_format",
        "From 1d2c3b4a Mon Sep 17 00:00:00 2001\nFrom: Ömer Yıldız <omer@example.com.tr>\nSubject: [PATCH] Add "
        "e-posta ayarları\n\n---\n config/mail.php | 2 +-\n\n-    'password' => env('MAIL_PASSWORD'),\n"
        "+    'password' => '⟨p⟩',",
        p=pwi(),
    ),
    P(
        "diff_git_stash_show",
        "$ git stash show -p stash@{0}\n--- a/local.settings.json\n+++ b/local.settings.json\n"
        '-    "AzureWebJobsStorage": "UseDevelopmentStorage=true",\n'
        '+    "AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=acmefn;AccountKey=⟨k⟩;EndpointSuffix=core.windows.net",',
        k=raw(64),
    ),
    P(
        "diff_word_diff",
        "$ git diff --word-diff\nauth:\n  token: [-⟨a⟩-]{+⟨b⟩+}",
        a=hx(40),
        b=hx(40),
    ),
    P(
        "diff_side_by_side",
        "config.ini                                   config.ini.bak\n[api]                                        [api]\n"
        "key = ⟨a⟩             |  key = ⟨b⟩",
        a=an(24),
        b=an(24),
    ),
    P(
        "diff_sed_command_inplace",
        "$ sed -i 's/^JWT_SECRET=.*/JWT_SECRET=⟨s⟩/' .env && grep JWT .env\nJWT_SECRET=⟨s⟩",
        s=hx(64),
    ),
    P(
        "diff_github_pr_review_comment",
        '**coderabbit** commented on `src/mailer.py` line 9:\n> ```suggestion\n> SMTP_PASSWORD = os.environ["SMTP_PASSWORD"]\n'
        "> ```\n> The literal `⟨p⟩` must not be committed.",
        p=an(16),
    ),
    P(
        "diff_write_tool_new_file",
        '{"file_path": "/srv/app/.env", "content": "NODE_ENV=production\\nMONGO_URL=mongodb://app:⟨p⟩@mongo:27017/app\\n'
        'COOKIE_SECRET=⟨c⟩\\n"}',
        _file="NODE_ENV=production\nMONGO_URL=mongodb://app:⟨p⟩@mongo:27017/app\nCOOKIE_SECRET=⟨c⟩\n",
        p=an(20),
        c=hx(48),
    ),
    P(
        "diff_apply_patch_codex",
        "*** Begin Patch\n*** Update File: infra/values-prod.yaml\n@@\n-  adminPassword: changeme\n"
        "+  adminPassword: ⟨p⟩\n*** End Patch",
        p=gen(20),
    ),
    P(
        "diff_cherry_pick_conflict_msg",
        "error: could not apply 7f3e2d1... hotfix: use new webhook secret ⟨s⟩\nhint: after resolving the "
        "conflicts, mark the corrected paths",
        s=hx(32, "wh" + "sec_"),
    ),
    P(
        "diff_rebase_todo",
        "pick 1a2b3c4 add CI\npick 5d6e7f8 temp: hardcode token ⟨t⟩ for debugging\npick 9a0b1c2 remove hardcoded token",
        t=an(36, "gh" + "p_"),
    ),
    P(
        "diff_notebook_json_diff",
        '@@ -41,7 +41,7 @@\n     "source": [\n-     "client = OpenAI()"\n+     "client = OpenAI(api_key=\\"⟨k⟩\\")"\n     ]',
        k=an(48, "sk-" + "proj-"),
    ),
    P(
        "diff_properties_multi",
        "--- a/src/main/resources/application-prod.properties\n+++ b/src/main/resources/application-prod.properties\n"
        "@@ -1,4 +1,4 @@\n-spring.datasource.password=\n+spring.datasource.password=⟨p⟩\n"
        "-aws.secretKey=\n+aws.secretKey=⟨s⟩",
        p=pw(),
        s=b64(40),
    ),
    P(
        "diff_svn_diff",
        "Index: conf/db.php\n===================================================================\n--- conf/db.php\t(revision 812)\n"
        "+++ conf/db.php\t(working copy)\n@@ -2 +2 @@\n-$db_pass = '';\n+$db_pass = '⟨p⟩';",
        p=pw(),
    ),
    P(
        "diff_gerrit_style_comment",
        "Patch Set 3:\n\n(1 comment)\n\nFile deploy/secrets.env:\n\nLine 4: ⟨k⟩ — is this the prod key?? please revert",
        k=hx(40),
    ),
    P(
        "diff_revert_message",
        'Revert "Add Mailchimp key"\n\nThis reverts commit 0f9e8d7c. The key ⟨k⟩ has been rotated in the dashboard.',
        k=cat(hx(32), "-us21"),
    ),
    P(
        "diff_git_show_stat_and_body",
        '$ git show HEAD:terraform/prod.auto.tfvars\ncloudflare_api_token = "⟨t⟩"\nzone_id = "⟨z⟩"',
        t=bu(40),
        z=pub(hx(32)),
    ),
    P(
        "diff_ignore_file_reason",
        "+# keep out of git: local.env has OPENAI_API_KEY=⟨k⟩ for now\n+local.env",
        k=an(48, "sk-" + "proj-"),
    ),
    P(
        "diff_dockerfile_arg",
        '@@ -4,6 +4,7 @@ FROM node:20-alpine\n WORKDIR /app\n+ARG NPM_TOKEN=⟨t⟩\n+RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc',
        t=an(36, "np" + "m_"),
    ),
)

# --------------------------------------------------------------------------------------------
# 8. CI pipelines, containers and infrastructure state

INFRA = (
    P(
        "ci_github_actions_env_literal",
        "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n      AWS_REGION: eu-west-1\n"
        "      AWS_SECRET_ACCESS_KEY: ⟨s⟩\n    steps:\n      - uses: actions/checkout@v4",
        s=b64(40),
    ),
    P(
        "ci_github_actions_with_input",
        "      - uses: appleboy/ssh-action@v1\n        with:\n          host: 203.0.113.10\n          username: deploy\n"
        "          password: ⟨p⟩\n          script: ./deploy.sh",
        p=pw(),
    ),
    P(
        "ci_gitlab_variables",
        'variables:\n  DOCKER_DRIVER: overlay2\n  SONAR_TOKEN: "⟨t⟩"\n\nsonar:\n  stage: test\n  script: sonar-scanner',
        t=hx(40, "squ_"),
    ),
    P(
        "ci_circleci_context_literal",
        '      - run:\n          name: Publish\n          command: |\n            echo "//registry.npmjs.org/:_authToken=⟨t⟩" > ~/.npmrc\n'
        "            npm publish",
        t=an(36, "np" + "m_"),
    ),
    P(
        "ci_jenkinsfile_environment",
        "pipeline {\n  agent any\n  environment {\n    ARTIFACTORY_API_KEY = 'AKC⟨k⟩'\n  }\n  stages { stage('Build') "
        "{ steps { sh './gradlew build' } } }\n}",
        k=an(70),
    ),
    P(
        "ci_bitbucket_pipelines",
        "pipelines:\n  default:\n    - step:\n        script:\n          - pipe: atlassian/aws-s3-deploy:1.1.0\n"
        "            variables:\n              AWS_ACCESS_KEY_ID: '⟨i⟩'\n              AWS_SECRET_ACCESS_KEY: '⟨s⟩'",
        i=pub(up(16, "AK" + "IA")),
        s=b64(40),
    ),
    P(
        "ci_azure_pipelines_inline",
        "- task: AzureCLI@2\n  inputs:\n    inlineScript: |\n      az login --service-principal -u ⟨c⟩ -p ⟨s⟩ --tenant ⟨n⟩",
        c=pub(uid()),
        s=cat(an(3), "8Q~", bu(34)),
        n=pub(uid()),
    ),
    P(
        "ci_drone_yaml",
        "steps:\n- name: notify\n  image: plugins/slack\n  settings:\n    webhook: https://hooks.slack.com/services/⟨w⟩",
        w=cat("T", up(10), "/B", up(10), "/", an(24)),
    ),
    P(
        "infra_tfstate_sensitive",
        '{\n  "version": 4,\n  "resources": [\n    {\n      "type": "random_password",\n      "name": "db",\n'
        '      "instances": [\n        {\n          "attributes": {\n            "id": "none",\n'
        '            "length": 24,\n            "result": "⟨p⟩",\n            "special": true\n          },\n'
        '          "sensitive_attributes": [[{"type": "get_attr", "value": "result"}]]\n        }\n      ]\n    }\n  ]\n}',
        p=gen(24),
    ),
    P(
        "infra_tfstate_iam_key",
        '"attributes": {\n  "id": "⟨i⟩",\n  "secret": "⟨s⟩",\n  "ses_smtp_password_v4": "⟨m⟩",\n  "status": "Active",\n'
        '  "user": "ci-deployer"\n}',
        i=pub(up(16, "AK" + "IA")),
        s=b64(40),
        m=b64(44, "B"),
    ),
    P(
        "infra_helm_values",
        "postgresql:\n  auth:\n    postgresPassword: ⟨p⟩\n    username: app\n    password: ⟨q⟩\n    database: app\n"
        "redis:\n  auth:\n    password: ⟨r⟩",
        p=an(20),
        q=pw(),
        r=an(20),
    ),
    P(
        "infra_k8s_secret_stringdata",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-env\ntype: Opaque\nstringData:\n"
        "  STRIPE_SECRET_KEY: ⟨k⟩\n  WEBHOOK_SECRET: ⟨w⟩",
        k=an(99, "sk_" + "live_"),
        w=an(32, "wh" + "sec_"),
    ),
    P(
        "infra_docker_compose_env",
        "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: app\n      POSTGRES_PASSWORD: ⟨p⟩\n"
        "  pgadmin:\n    image: dpage/pgadmin4\n    environment:\n      - PGADMIN_DEFAULT_PASSWORD=⟨q⟩",
        p=pw(),
        q=pw(),
    ),
    P(
        "infra_dockerfile_env",
        "FROM python:3.12-slim\nENV PIP_INDEX_URL=https://ci:⟨p⟩@nexus.acme.internal/repository/pypi/simple\n"
        "RUN pip install -r requirements.txt",
        p=an(24),
    ),
    P(
        "infra_docker_run_e",
        "$ docker run -d --name mssql -e 'ACCEPT_EULA=Y' -e 'MSSQL_SA_PASSWORD=⟨p⟩' -p 1433:1433 "
        "mcr.microsoft.com/mssql/server:2022-latest",
        p=pw(),
    ),
    P(
        "infra_docker_inspect",
        '$ docker inspect api | jq ".[0].Config.Env"\n[\n  "PATH=/usr/local/sbin:/usr/local/bin",\n'
        '  "DATABASE_URL=postgres://api:⟨p⟩@db:5432/api",\n  "LANG=C.UTF-8"\n]',
        p=an(28),
    ),
    P(
        "infra_cloud_init",
        "#cloud-config\nusers:\n  - name: ops\n    lock_passwd: false\n    plain_text_passwd: ⟨p⟩\n"
        "chpasswd:\n  expire: false",
        p=pw(),
    ),
    P(
        "infra_ansible_inventory",
        "[web]\nweb1 ansible_host=10.0.1.11 ansible_user=root ansible_password=⟨p⟩\nweb2 ansible_host=10.0.1.12",
        p=pw(),
    ),
    P(
        "infra_pulumi_config",
        "config:\n  aws:region: eu-central-1\n  app:dbPassword:\n    secure: ⟨c⟩\n  app:apiKey: ⟨k⟩",
        c=pub(b64(64, "v1:")),
        k=an(32),
    ),
    P(
        "infra_cloudformation_params",
        '[\n  {"ParameterKey": "DBMasterUsername", "ParameterValue": "admin"},\n'
        '  {"ParameterKey": "DBMasterPassword", "ParameterValue": "⟨p⟩"}\n]',
        p=an(22),
    ),
    P(
        "infra_vagrantfile",
        'Vagrant.configure("2") do |config|\n  config.vm.provision "shell", inline: <<-SHELL\n'
        "    echo 'root:⟨p⟩' | chpasswd\n  SHELL\nend",
        p=pw(),
    ),
    P(
        "infra_packer_hcl",
        'source "vsphere-iso" "ubuntu" {\n  vcenter_server = "vc.lab.local"\n  username       = "administrator@vsphere.local"\n'
        '  password       = "⟨p⟩"\n}',
        p=pw(),
    ),
    P(
        "infra_argocd_initial",
        '$ kubectl -n argocd get secret argocd-initial-admin-secret -o jsonpath="{.data.password}" | base64 -d; echo\n⟨p⟩',
        p=bu(16),
    ),
    P(
        "infra_sealed_secret_plain_input",
        "$ echo -n ⟨p⟩ | kubectl create secret generic api --dry-run=client --from-file=token=/dev/stdin -o yaml | kubeseal",
        p=an(40),
    ),
    P(
        "infra_nomad_job",
        'task "api" {\n  driver = "docker"\n  env {\n    RABBITMQ_URL = "amqps://api:⟨p⟩@mq.service.consul:5671"\n  }\n}',
        p=an(24),
    ),
    P(
        "infra_consul_acl_bootstrap",
        "$ consul acl bootstrap\nAccessorID:       ⟨a⟩\nSecretID:         ⟨s⟩\nDescription:      Bootstrap Token "
        "(Global Management)\nLocal:            false",
        a=pub(uid()),
        s=uid(),
    ),
    P(
        "infra_k3s_node_token",
        "$ sudo cat /var/lib/rancher/k3s/server/node-token\nK10⟨h⟩::server:⟨s⟩",
        h=pub(hx(64)),
        s=hx(32),
    ),
    P(
        "infra_kubeadm_join",
        "kubeadm join 10.0.0.10:6443 --token ⟨t⟩ \\\n\t--discovery-token-ca-cert-hash sha256:⟨h⟩",
        t=cat(lo(6), ".", lo(16)),
        h=pub(hx(64)),
    ),
    P(
        "infra_openvpn_auth_file",
        "$ cat /etc/openvpn/client/auth.txt\nvpnuser-0412\n⟨p⟩",
        p=pw(),
    ),
    P(
        "infra_wireguard_conf",
        "[Interface]\nPrivateKey = ⟨k⟩\nAddress = 10.66.0.2/32\nDNS = 1.1.1.1\n\n[Peer]\nPublicKey = ⟨u⟩\n"
        "PresharedKey = ⟨s⟩\nEndpoint = vpn.example.net:51820",
        k=raw(32),
        u=pub(raw(32)),
        s=raw(32),
    ),
    P(
        "infra_ipsec_secrets",
        '# /etc/ipsec.secrets\n198.51.100.7 203.0.113.20 : PSK "⟨p⟩"',
        p=gen(32),
    ),
    P(
        "infra_traefik_basicauth_label",
        '      - "traefik.http.middlewares.auth.basicauth.users=admin:$$apr1$$⟨s⟩$$⟨h⟩"\n'
        '      - "traefik.http.routers.dash.middlewares=auth"\n      # admin password: ⟨p⟩',
        s=pub(an(8)),
        h=pub(b64(22)),
        p=pw(),
    ),
    P(
        "infra_ecs_task_definition",
        '"containerDefinitions": [{\n  "name": "web",\n  "environment": [\n    {"name": "RAILS_MASTER_KEY", "value": "⟨k⟩"},\n'
        '    {"name": "RAILS_ENV", "value": "production"}\n  ]\n}]',
        k=hx(32),
    ),
    P(
        "infra_gcp_sa_json_key",
        '{\n  "type": "service_account",\n  "project_id": "acme-data",\n  "private_key_id": "⟨i⟩",\n'
        '  "private_key": "⟨k|json⟩\\n",\n  "client_email": "etl@acme-data.iam.gserviceaccount.com"\n}',
        i=pub(hx(40)),
        k=pem("PRIVATE KEY", 300),
    ),
)

# --------------------------------------------------------------------------------------------
# 9. Notebooks, data science and data files

DATA = (
    P(
        "nb_cell_source_json",
        '{\n "cell_type": "code",\n "execution_count": 3,\n "metadata": {},\n "source": [\n  "import os\\n",\n'
        '  "os.environ[\\"HF_TOKEN\\"] = \\"⟨t⟩\\"\\n",\n  "from transformers import pipeline"\n ]\n}',
        t=letters(34, "hf_"),
    ),
    P(
        "nb_wandb_login_output",
        "In [2]: wandb.login(key='⟨k⟩')\nwandb: Appending key for api.wandb.ai to your netrc file: /root/.netrc\nOut[2]: True",
        k=hx(40),
    ),
    P(
        "nb_kaggle_json",
        '!mkdir -p ~/.kaggle && echo \'{"username":"mehmetk","key":"⟨k⟩"}\' > ~/.kaggle/kaggle.json',
        k=hx(32),
    ),
    P(
        "nb_pandas_dataframe_output",
        "      service        user                 secret\n0     mlflow       admin      ⟨a⟩\n1     airflow      admin      ⟨b⟩\n"
        "2     superset     admin      ⟨c⟩",
        a=pw(),
        b=pw(),
        c=an(16),
    ),
    P(
        "nb_sqlalchemy_engine_cell",
        'In [5]: engine = create_engine("snowflake://ANALYST:⟨p|url⟩@xy12345.eu-central-1/RAW/PUBLIC?warehouse=WH")',
        p=tricky(16),
    ),
    P(
        "nb_colab_userdata_fallback",
        "try:\n    from google.colab import userdata\n    key = userdata.get('GEMINI_API_KEY')\nexcept Exception:\n"
        "    key = '⟨k⟩'  # TODO remove",
        k=an(35, "AI" + "za"),
    ),
    P(
        "nb_rmarkdown_chunk",
        "```{r setup}\ncon <- dbConnect(RPostgres::Postgres(), dbname = 'survey', host = 'db.uni.example',\n"
        "                 user = 'student07', password = '⟨p⟩')\n```",
        p=pw(),
    ),
    P(
        "nb_mlflow_tracking_uri",
        "export MLFLOW_TRACKING_URI=https://mlflow:⟨p⟩@mlflow.lab.example.org\nmlflow runs list --experiment-id 4",
        p=an(20),
    ),
    P(
        "data_csv_users_fixture",
        "id,email,password,role\n1,alice@example.com,⟨a⟩,admin\n2,bob@example.com,⟨b⟩,editor\n3,carol@example.com,⟨c⟩,viewer",
        a=pw(),
        b=pw(),
        c=pw(),
    ),
    P(
        "data_tsv_api_keys",
        "client\tkey\tcreated\nacme-mobile\t⟨a⟩\t2026-10-01\nacme-web\t⟨b⟩\t2026-10-03",
        a=an(32),
        b=an(32),
    ),
    P(
        "data_jsonl_record",
        '{"id": 88121, "source": "crm", "payload": {"contact": "r.silva@example.com.br", "sso_token": "⟨t⟩"}}',
        t=bu(64),
    ),
    P(
        "data_sql_insert_fixture",
        "INSERT INTO integrations (tenant_id, provider, access_token, refresh_token) VALUES\n"
        "  (17, 'hubspot', '⟨a⟩', '⟨r⟩');",
        a=cat("pat-eu1-", uid()),
        r=uid(),
    ),
    P(
        "data_yaml_fixture_factory",
        "- model: accounts.apikey\n  pk: 3\n  fields:\n    owner: 12\n    key: ⟨k⟩\n    scopes: [read, write]",
        k=hx(40),
    ),
    P(
        "data_excel_paste",
        "Name\tSystem\tLogin\tPasswort\nHerr Becker\tDATEV\tbecker\t⟨a⟩\nFrau Yilmaz\tLexware\tyilmaz\t⟨b⟩",
        a=pwi(),
        b=pw(),
    ),
    P(
        "data_huggingface_cli_login",
        "$ huggingface-cli login --token ⟨t⟩ --add-to-git-credential\nToken is valid (permission: write).",
        t=letters(34, "hf_"),
    ),
    P(
        "data_dvc_remote_modify",
        "$ dvc remote modify --local storage secret_access_key ⟨s⟩\n$ cat .dvc/config.local\n['remote \"storage\"']\n"
        "    secret_access_key = ⟨s⟩",
        s=b64(40),
    ),
    P(
        "data_airflow_connection_uri",
        "$ airflow connections add 'warehouse' --conn-uri 'postgresql://airflow:⟨p|url⟩@warehouse.internal:5432/dwh'",
        p=tricky(18),
    ),
    P(
        "data_databricks_cfg",
        "[DEFAULT]\nhost  = https://adb-4412341234123.7.azuredatabricks.net\ntoken = ⟨t⟩",
        t=hx(32, "dapi"),
    ),
    P(
        "data_spark_conf",
        'spark.conf.set(\n    "fs.azure.account.key.rawdata.dfs.core.windows.net",\n    "⟨k⟩",\n)',
        k=raw(64),
    ),
    P(
        "data_bigquery_print_creds",
        "print(creds.token)\n⟨t⟩\nprint(creds.expiry)\n2026-11-27 11:58:02.418331",
        t=bu(200, "ya29.c."),
    ),
    P(
        "data_langsmith_env_cell",
        "%env LANGCHAIN_API_KEY=⟨k⟩\n%env LANGCHAIN_TRACING_V2=true",
        k=cat("lsv2_pt_", hx(32), "_", hx(10)),
    ),
    P(
        "data_pinecone_init",
        'pc = Pinecone(api_key="⟨k⟩")\nindex = pc.Index("papers")',
        k=cat("pcsk_", an(5), "_", an(58)),
    ),
    P(
        "data_notebook_output_stream",
        '{"name": "stdout", "output_type": "stream", "text": ["connected as svc_ml with ⟨p⟩\\n", "tables: 41\\n"]}',
        p=pw(),
    ),
    P(
        "data_yaml_dbt_profiles",
        "analytics:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      host: localhost\n      user: dbt\n"
        "      password: ⟨p⟩\n      dbname: analytics\n      schema: dbt_ines",
        p=pw(),
    ),
    P(
        "data_streamlit_secrets_toml",
        '[connections.snowflake]\naccount = "xy12345"\nuser = "STREAMLIT"\npassword = "⟨p⟩"\n\n[openai]\napi_key = "⟨k⟩"',
        p=pw(),
        k=an(48, "sk-" + "proj-"),
    ),
    P(
        "data_label_studio_token",
        "$ label-studio start --username admin@lab.local --password ⟨p⟩ --user-token ⟨t⟩",
        p=pw(),
        t=hx(40),
    ),
    P(
        "data_markdown_table_in_readme",
        "| env | host | key |\n|-----|------|-----|\n| dev | dev.api.local | `⟨a⟩` |\n| prod | api.example.com | `⟨b⟩` |",
        a=an(32),
        b=an(32),
    ),
    P(
        "data_minio_python_client",
        'client = Minio("minio.lab:9000", access_key="datasci", secret_key="⟨s⟩", secure=False)',
        s=an(40),
    ),
)

# --------------------------------------------------------------------------------------------
# 10. Mobile apps, firmware, microcontrollers and the smart home

DEVICE = (
    P(
        "mobile_keystore_properties",
        "storePassword=⟨s⟩\nkeyPassword=⟨k⟩\nkeyAlias=upload\nstoreFile=/Users/lea/keys/upload-keystore.jks",
        s=pw(),
        k=pw(),
    ),
    P(
        "mobile_gradle_signing_config",
        "signingConfigs {\n    release {\n        storeFile file('release.jks')\n        storePassword '⟨p⟩'\n"
        "        keyAlias 'release'\n        keyPassword '⟨p⟩'\n    }\n}",
        p=gen(16),
    ),
    P(
        "mobile_local_properties",
        "sdk.dir=/Users/kenji/Library/Android/sdk\nMAPS_API_KEY=⟨m⟩\nBACKEND_SECRET=⟨b⟩",
        m=an(35, "AI" + "za"),
        b=hx(40),
    ),
    P(
        "mobile_info_plist",
        "<key>CFBundleIdentifier</key>\n<string>com.example.app</string>\n<key>AlgoliaAdminKey</key>\n<string>⟨k⟩</string>",
        k=hx(32),
    ),
    P(
        "mobile_xcrun_altool_app_password",
        "$ xcrun altool --upload-app -f build/App.ipa -t ios -u dev@example.com -p ⟨p⟩",
        p=grp(_LOWER, (4, 4, 4, 4), "-"),
    ),
    P(
        "mobile_fastlane_match_env",
        "MATCH_PASSWORD=⟨m⟩\nFASTLANE_USER=ci@example.com\nFASTLANE_APPLE_APPLICATION_SPECIFIC_PASSWORD=⟨a⟩",
        m=pw(),
        a=grp(_LOWER, (4, 4, 4, 4), "-"),
    ),
    P(
        "mobile_apple_p8_key",
        "AuthKey_⟨i⟩.p8:\n⟨k⟩",
        i=pub(up(10)),
        k=pem("PRIVATE KEY", 100),
    ),
    P(
        "mobile_flutter_dart_define",
        "$ flutter run --dart-define=SUPABASE_URL=https://abcd.supabase.co --dart-define=SUPABASE_SERVICE_KEY=⟨k⟩",
        k=jwt(claims={"iss": "supabase", "role": "service_role"}),
    ),
    P(
        "mobile_react_native_env",
        "API_URL=https://api.example.app\nONESIGNAL_REST_KEY=⟨k⟩\nCODEPUSH_KEY_IOS=⟨c⟩",
        k=lo(113, "os_v2_app_"),
        c=bu(40),
    ),
    P(
        "mobile_expo_eas_secret",
        "$ eas secret:create --scope project --name SENTRY_AUTH_TOKEN --value ⟨t⟩ --type string\n✔ Created a new secret",
        t=hx(64, "sntry" + "u_"),
    ),
    P(
        "embedded_arduino_wifi",
        '#include <WiFi.h>\n\nconst char* ssid = "FRITZ!Box 7590 XQ";\nconst char* password = "⟨p⟩";\n\nvoid setup() {\n'
        "  WiFi.begin(ssid, password);",
        p=dg(20),
    ),
    P(
        "embedded_esphome_yaml",
        'api:\n  encryption:\n    key: "⟨k⟩"\n\nota:\n  - platform: esphome\n    password: "⟨o⟩"\n\nwifi:\n  ssid: !secret wifi_ssid\n'
        "  password: !secret wifi_password",
        k=raw(32),
        o=hx(32),
    ),
    P(
        "embedded_platformio_ini",
        "[env:esp32dev]\nplatform = espressif32\nupload_protocol = espota\nupload_flags =\n    --auth=⟨p⟩\n    --port=3232",
        p=pw(),
    ),
    P(
        "embedded_mqtt_credentials_c",
        'static const char *MQTT_URI = "mqtts://sensor-17:⟨p⟩@broker.hivemq.example:8883";',
        p=an(20),
    ),
    P(
        "embedded_lorawan_appkey",
        "// TTN OTAA\nstatic const u1_t PROGMEM APPEUI[8] = { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };\n"
        "static const u1_t PROGMEM APPKEY[16] = { ⟨k⟩ };",
        k=der(lambda v: ", ".join("0x" + v["h"][i : i + 2].upper() for i in range(0, 32, 2))),
        h=pub(hx(32)),
    ),
    P(
        "embedded_lorawan_appkey_hex",
        "$ ttn-lw-cli end-devices create app1 node-07 --dev-eui 70B3D57ED005A1B2 --app-key ⟨k⟩",
        k=HX(32),
    ),
    P(
        "embedded_zigbee_network_key",
        "zigbee2mqtt:\n  advanced:\n    network_key: [⟨k⟩]\n    pan_id: 6754",
        k=der(lambda v: ", ".join(str(b) for b in bytes.fromhex(v["h"]))),
        h=pub(hx(32)),
    ),
    P(
        "embedded_tasmota_backlog",
        "Backlog SSID1 Werkstatt; Password1 ⟨w⟩; MqttHost 192.168.2.5; MqttUser tasmota; MqttPassword ⟨m⟩",
        w=pw(),
        m=pw(),
    ),
    P(
        "embedded_uboot_env",
        "=> printenv\nbootdelay=3\nipaddr=192.168.1.50\nserverip=192.168.1.2\nroot_pw=⟨p⟩\n=> ",
        p=pw(),
    ),
    P(
        "embedded_router_admin_serial",
        "U-Boot 2020.01 (Jun 01 2025)\n...\nPlease press Enter to activate this console.\nlogin: admin\nPassword: ⟨p⟩\n"
        "BusyBox v1.33.2 built-in shell (ash)",
        p=pw(),
    ),
    P(
        "embedded_micropython_boot",
        "import network\nwlan = network.WLAN(network.STA_IF)\nwlan.active(True)\nwlan.connect('Biuro', '⟨p⟩')",
        p=pw(),
    ),
    P(
        "embedded_raspberry_wpa_supplicant",
        'network={\n    ssid="Kitchen-IoT"\n    psk="⟨p⟩"\n    key_mgmt=WPA-PSK\n}',
        p=pw(),
    ),
    P(
        "embedded_wpa_psk_hex",
        'network={\n    ssid="Lab"\n    #psk="⟨p⟩"\n    psk=⟨h⟩\n}',
        p=pw(),
        h=hx(64),
    ),
    P(
        "embedded_homekit_setup_code",
        "HomeKit setup code for the bridge: ⟨c⟩ (scan the QR or type it in the Home app)",
        c=grp(_DIGITS, (3, 2, 3), "-"),
    ),
    P(
        "embedded_ble_passkey",
        "I (1423) BLE_SEC: passkey notify: ⟨k⟩\nI (1424) BLE_SEC: pairing complete, bonded with 5C:F3:70:8A:11:02",
        k=dg(6),
    ),
    P(
        "embedded_nrf_dfu_key",
        "$ nrfutil keys display --key sk --format hex priv.pem\nPrivate (signing) key sk:\n⟨k⟩",
        k=hx(64),
    ),
    P(
        "embedded_homeassistant_long_lived",
        "rest_command:\n  ring_doorbell:\n    url: http://ha.local:8123/api/services/script/ring\n    headers:\n"
        '      authorization: "Bearer ⟨t⟩"',
        t=jwt(claims={"iss": "4b1e0c", "sub": "ha-user"}),
    ),
    P(
        "embedded_octoprint_api_key",
        "[octoprint]\nhost = 192.168.1.60\napikey = ⟨k⟩",
        k=HX(32),
    ),
    P(
        "embedded_frigate_rtsp",
        "cameras:\n  garage:\n    ffmpeg:\n      inputs:\n        - path: rtsp://admin:⟨p⟩@192.168.1.64:554/Streaming/Channels/101",
        p=pw(),
    ),
    P(
        "embedded_unifi_device_ssh",
        "Settings → System → Device Authentication: username ubnt-ops, password ⟨p⟩ (same on all APs)",
        p=gen(18),
    ),
    P(
        "mobile_firebase_service_account_b64",
        "FIREBASE_SERVICE_ACCOUNT_BASE64=⟨k|b64⟩",
        k=pem("PRIVATE KEY", 120),
    ),
)

# --------------------------------------------------------------------------------------------
# 11. Secrets hidden by escaping, encoding, splitting, wrapping and tables

HIDDEN = (
    P(
        "hid_basic_auth_header",
        "GET /api/v1/builds HTTP/1.1\nHost: ci.internal\nAuthorization: Basic ⟨ba⟩\nAccept: */*",
        p=pub(pw()),
        ba=basic("jenkins", "p"),
    ),
    P(
        "hid_url_encoded_password_uri",
        "DATABASE_URL=postgresql://app:⟨p|url⟩@db.internal:5432/app?sslmode=require",
        p=tricky(18),
    ),
    P(
        "hid_json_escaped_quotes",
        '{"env": {"DB_PASS": "⟨p|json⟩", "DB_HOST": "db"}}',
        p=tricky(16),
    ),
    P(
        "hid_double_json_escaped",
        '{"message": "{\\"config\\": {\\"password\\": \\"⟨p⟩\\"}}"}',
        p=an(18),
    ),
    P(
        "hid_shell_single_quote_escape",
        "$ export API_SECRET='⟨p|sq⟩'",
        p=der(lambda v: v["a"][:7] + "'" + v["a"][7:]),
        a=pub(an(20)),
    ),
    P(
        "hid_shell_double_quote_escape",
        '$ mysql -uroot -p"⟨p|dq⟩" -e "select 1"',
        p=tricky(15),
    ),
    P(
        "hid_python_concat_split",
        'TOKEN = (\n    "⟨t|t1⟩"\n    "⟨t|t2⟩"\n    "⟨t|t3⟩"\n)',
        t=an(36, "gh" + "p_"),
    ),
    P(
        "hid_js_concat_plus",
        "const key = '⟨k|h1⟩' + '⟨k|h2⟩';",
        k=an(48, "sk-" + "proj-"),
    ),
    P(
        "hid_wrapped_base64_mime",
        'Content-Type: application/octet-stream; name="key.json"\nContent-Transfer-Encoding: base64\n\n⟨k|wrap76⟩',
        k=der(
            lambda v: base64.b64encode(
                json.dumps({"type": "api_key", "key": v["s"], "scopes": ["admin"]}).encode()
            ).decode()
        ),
        s=pub(an(40)),
    ),
    P(
        "hid_wrapped_terminal_width",
        "│ token: ⟨t|wrap38⟩",
        t=bu(120),
    ),
    P(
        "hid_hex_encoded",
        "$ xxd -p secret.bin\n⟨p|hex⟩",
        p=an(24),
    ),
    P(
        "hid_python_bytes_escape",
        'SECRET = b"⟨p|xesc⟩"',
        p=an(20),
    ),
    P(
        "hid_c_char_array",
        "static const char key[] = { ⟨k|chars⟩, '\\0' };",
        k=an(16),
    ),
    P(
        "hid_js_charcode_array",
        "const k = String.fromCharCode(⟨k|ints⟩);",
        k=an(24),
    ),
    P(
        "hid_html_entities",
        '<input type="hidden" name="api_key" value="⟨k|html⟩">',
        k=an(20),
    ),
    P(
        "hid_base64_env_value",
        "SMTP_PASSWORD_B64=⟨p|b64⟩",
        p=pw(),
    ),
    P(
        "hid_double_base64",
        "data:\n  config.json: ⟨p|b64b64⟩",
        p=der(lambda v: json.dumps({"user": "svc", "password": v["a"]})),
        a=pub(an(20)),
    ),
    P(
        "hid_otpauth_uri",
        "otpauth://totp/ACME:maria%40example.com?secret=⟨s⟩&issuer=ACME&algorithm=SHA1&digits=6&period=30",
        s=b32(32),
    ),
    P(
        "hid_totp_secret_spaced",
        "Can't scan the QR code? Enter this key instead:\n⟨s|sp4⟩",
        s=_chars(_LOWER + "234567", 32),
    ),
    P(
        "hid_ansi_colored_output",
        "\x1b[1;32m✔\x1b[0m Token created: \x1b[36m⟨t⟩\x1b[0m\n\x1b[2mStore it now, it won't be shown again.\x1b[0m",
        t=an(40, "tok_"),
    ),
    P(
        "hid_markdown_table_masked_and_real",
        "| Key | Value |\n|---|---|\n| old | `⟨a|mask⟩` |\n| new | `⟨b⟩` |",
        a=an(32),
        b=an(32),
    ),
    P(
        "hid_box_table_cli",
        "+-----------+------------------------------------------+\n| Field     | Value                                    |\n"
        "+-----------+------------------------------------------+\n| client_id | ⟨c⟩         |\n| secret    | ⟨s⟩ |\n"
        "+-----------+------------------------------------------+",
        c=pub(lo(30)),
        s=an(40),
    ),
    P(
        "hid_yaml_folded_split",
        "token: >-\n  ⟨t|h1⟩\n  ⟨t|h2⟩",
        t=bu(80),
    ),
    P(
        "hid_line_continuation_shell",
        'curl -H "X-Api-Key: ⟨k|h1⟩\\\n⟨k|h2⟩" https://api.example.com',
        k=an(48),
    ),
    P(
        "hid_quoted_printable_email",
        "Content-Transfer-Encoding: quoted-printable\n\nHallo, dein neues Passwort lautet: ⟨q⟩\n\nViele Gr=C3=BC=C3=9Fe",
        p=pub(an(12)),
        q=der(lambda v: v["p"][:4] + "=3D" + v["p"][4:]),
    ),
    P(
        "hid_xml_cdata",
        "<credentials><user>svc</user><secret><![CDATA[⟨p⟩]]></secret></credentials>",
        p=tricky(18),
    ),
    P(
        "hid_rot13_obfuscated",
        "# \"obfuscated\" so scanners skip it\nKEY = codecs.decode('⟨k|rot13⟩', 'rot13')",
        k=an(32, "live_"),
    ),
    P(
        "hid_url_query_plus_encoded",
        "https://login.example.com/callback?code=abc&client_secret=⟨s|urlplus⟩",
        s=b64(40),
    ),
    P(
        "hid_jwt_in_cookie",
        "Set-Cookie: session=⟨t⟩; Path=/; HttpOnly; Secure; SameSite=Lax",
        t=jwt("HS512"),
    ),
    P(
        "hid_windows_path_escaped_json",
        '{"args": ["C:\\\\tools\\\\sync.exe", "--password", "⟨p|json⟩"]}',
        p=der(lambda v: v["a"][:6] + "\\" + v["a"][6:]),
        a=pub(an(16)),
    ),
    P(
        "hid_spaced_letters",
        "the code is ⟨k|spaced⟩ (spaces just so you can read it)",
        k=up(12),
    ),
    P(
        "hid_unicode_escaped_json",
        '{"note": "\\u5bc6\\u7801: ⟨p|jsona⟩"}',
        p=pwi(),
    ),
)


def _numbered(phrase_text: str, start: int, stop: int) -> str:
    words = phrase_text.split()
    return "\n".join(f"{i + 1}. {words[i]}" for i in range(start, stop))


def _xxd_row(hex_text: str, row: int) -> str:
    chunk = hex_text[32 * row : 32 * row + 32]
    return " ".join(chunk[i : i + 4] for i in range(0, 32, 4))


# --------------------------------------------------------------------------------------------
# 12. Key material, seeds, recovery codes and short numeric codes

KEYS = (
    P(
        "key_rsa_pem_in_chat",
        "can you check why this key doesn't work with paramiko?\n\n⟨k⟩",
        k=pem("RSA PRIVATE KEY", 600),
    ),
    P(
        "key_encrypted_rsa_legacy_with_pass",
        "⟨k⟩\n\npassphrase for it is ⟨p⟩",
        k=pem("RSA PRIVATE KEY", 400, "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,{iv}"),
        p=phrase(3, "-"),
    ),
    P("key_pkcs8_encrypted", "$ cat server.key\n⟨k⟩", k=pem("ENCRYPTED PRIVATE KEY", 500)),
    P("key_ec_pem_in_yaml", "tls:\n  key: |\n    ⟨k|indent4⟩\n  cert: /etc/tls/cert.pem", k=pem("EC PRIVATE KEY")),
    P("key_dsa_legacy", "old jenkins agent key, still in use:\n⟨k⟩", k=pem("DSA PRIVATE KEY", 400)),
    P("key_openssh_in_ci_var", "variables:\n  SSH_PRIVATE_KEY: |\n    ⟨k|indent4⟩", k=ossh("ci@gitlab")),
    P("key_pgp_private_block_chat", "here's my signing key so the release job can use it\n⟨k⟩", k=pgp()),
    P(
        "key_age_secret",
        "# created: 2026-11-27T10:00:00Z\n# public key: ⟨u⟩\n⟨k⟩",
        u=pub(bech(58, "age1")),
        k=cat("AGE-SECRET-KEY-1", _chars(_BECH32.upper(), 58)),
    ),
    P("key_nostr_nsec", "my nostr key (don't judge): ⟨k⟩", k=bech(58, "nsec1")),
    P("key_eth_private_no_prefix", "PRIVATE_KEY=⟨k⟩\nRPC_URL=https://eth-sepolia.g.alchemy.com/v2/demo", k=hx(64)),
    P("key_eth_private_0x_chat", "wallet for the faucet bot: 0x⟨a⟩ / key 0x⟨k⟩", a=pub(hx(40)), k=hx(64)),
    P(
        "key_solana_keypair_json",
        "$ cat ~/.config/solana/id.json\n[⟨k⟩]",
        k=der(lambda v: ",".join(str(b) for b in bytes.fromhex(v["h"]))),
        h=pub(hx(128)),
    ),
    P("key_bip39_12_words", "seed for the test wallet: ⟨m⟩", m=mn(12)),
    P(
        "key_bip39_24_numbered",
        "Recovery phrase (write these down in order):\n⟨a⟩\n⟨b⟩\n⟨c⟩",
        s=pub(mn(24)),
        a=der(lambda v: _numbered(v["s"], 0, 8)),
        b=der(lambda v: _numbered(v["s"], 8, 16)),
        c=der(lambda v: _numbered(v["s"], 16, 24)),
    ),
    P("key_wif_compressed", 'importprivkey ⟨k⟩ "cold" false', k=wf()),
    P("key_wif_testnet", "bitcoin-cli -testnet importprivkey ⟨k⟩", k=wf(testnet=True)),
    P(
        "key_jwk_private",
        '{"kty":"EC","crv":"P-256","kid":"sig-2026-11","x":"⟨x⟩","y":"⟨y⟩","d":"⟨d⟩"}',
        x=pub(bu(43)),
        y=pub(bu(43)),
        d=bu(43),
    ),
    P(
        "key_tls_keylog",
        "$ tail -2 $SSLKEYLOGFILE\nCLIENT_RANDOM ⟨r⟩ ⟨s⟩\nCLIENT_HANDSHAKE_TRAFFIC_SECRET ⟨q⟩ ⟨t⟩",
        r=pub(hx(64)),
        s=hx(96),
        q=pub(hx(64)),
        t=hx(64),
    ),
    P("key_rails_secret_key_base", "secret_key_base: ⟨k⟩", k=hx(128)),
    P("key_rails_master_key_file", "$ cat config/master.key\n⟨k⟩", k=hx(32)),
    P("key_fernet", ">>> Fernet.generate_key()\nb'⟨k⟩'", k=raw(32, urlsafe=True)),
    P("key_minisign_secret", "untrusted comment: minisign encrypted secret key\n⟨k⟩", k=b64(210, "RWRTY0Iy")),
    P(
        "key_luks_passphrase_script",
        "echo -n '⟨p⟩' | cryptsetup luksOpen /dev/sdb1 backup -",
        p=phrase(6, " ", digit=True),
    ),
    P(
        "key_bitlocker_recovery",
        "BitLocker recovery key for C: (ID 4E2A0C11):\n⟨k⟩",
        k=grp(_DIGITS, (6, 6, 6, 6, 6, 6, 6, 6), "-"),
    ),
    P(
        "key_filevault_recovery",
        "FileVault recovery key: ⟨k⟩",
        k=grp(_UPPER + _DIGITS, (4, 4, 4, 4, 4, 4), "-"),
    ),
    P(
        "code_2fa_backup_list",
        "GitHub recovery codes\n\n⟨a⟩\n⟨b⟩\n⟨c⟩\n⟨d⟩\n\nKeep them somewhere safe.",
        a=grp(_HEX, (5, 5)),
        b=grp(_HEX, (5, 5)),
        c=grp(_HEX, (5, 5)),
        d=grp(_HEX, (5, 5)),
    ),
    P("code_otp_sms_paste", "the code from the sms was ⟨c⟩, can you finish the login?", c=dg(6)),
    P("code_otp_no_word", "it just texted me ⟨c⟩", c=dg(6)),
    P("code_otp_de", "Bestätigungscode: ⟨c⟩ – gültig für 10 Minuten", c=dg(6)),
    P("code_phone_pin_chat", "the test phone unlock pin is ⟨c⟩, it's on my desk", c=dg(6)),
    P("code_atm_pin_es", "el pin de la tarjeta de la empresa es ⟨c⟩", c=dg(4)),
    P(
        "code_card_number_and_cvv",
        "use the corporate card for the domain: ⟨n⟩ exp 09/28 cvv ⟨c⟩",
        n=der(lambda v: _luhn("4" + v["d"])),
        d=pub(dg(14)),
        c=dg(3),
    ),
    P("code_door_alarm", "alarm code for the server room is ⟨c⟩ then press OFF", c=dg(4)),
    P(
        "code_vault_recovery_keys",
        "Recovery Key 1: ⟨a⟩\nRecovery Key 2: ⟨b⟩\n\nRecovery key initialized with 2 key shares and a key threshold of 1.",
        a=raw(32),
        b=raw(32),
    ),
    P(
        "key_hmac_webhook_secret",
        "Signing secret: ⟨s⟩\n(Use it to verify the X-Signature header.)",
        s=hx(32, "wh" + "sec_"),
    ),
    P("key_ssh_pass_in_sshpass_file", "$ cat ~/.sshpass\n⟨p⟩\n$ sshpass -f ~/.sshpass ssh root@nas", p=pw()),
    P(
        "key_keepass_master_chat",
        "keepass master is ⟨p⟩ — write it on paper, not in slack",
        p=phrase(4, " ", cap=True, digit=True),
    ),
    P(
        "key_tor_onion_secret",
        "$ xxd /var/lib/tor/hidden_service/hs_ed25519_secret_key | tail -4\n00000020: ⟨a⟩\n00000030: ⟨b⟩\n"
        "00000040: ⟨c⟩\n00000050: ⟨d⟩",
        h=pub(hx(128)),
        a=der(lambda v: _xxd_row(v["h"], 0)),
        b=der(lambda v: _xxd_row(v["h"], 1)),
        c=der(lambda v: _xxd_row(v["h"], 2)),
        d=der(lambda v: _xxd_row(v["h"], 3)),
    ),
)

# --------------------------------------------------------------------------------------------
# 13. Tokens of many vendors, well known or not, in many places

VENDORS = (
    P("vnd_doppler_service_token", "$ doppler run --token ⟨t⟩ -- npm start", t=an(43, "dp.st.prd.")),
    P("vnd_pulumi_access_token", "export PULUMI_ACCESS_TOKEN=⟨t⟩", t=hx(40, "pul-")),
    P("vnd_linear_api_key", "Linear → Settings → API → Personal API keys → ⟨k⟩ (label: cli)", k=an(40, "lin_api_")),
    P("vnd_notion_integration", "const notion = new Client({ auth: '⟨k⟩' })", k=cat("ntn_", dg(11), an(35))),
    P("vnd_notion_legacy_secret", "NOTION_TOKEN=⟨k⟩", k=an(43, "secret_")),
    P("vnd_figma_pat", "curl -H 'X-Figma-Token: ⟨t⟩' https://api.figma.com/v1/files/abc123", t=bu(40, "figd_")),
    P("vnd_postman_api_key", "postman login --with-api-key ⟨k⟩", k=cat("PMAK-", hx(24), "-", hx(34))),
    P(
        "vnd_supabase_access_token",
        "$ supabase login --token ⟨t⟩\nYou are now logged in. Happy coding!",
        t=hx(40, "sbp_"),
    ),
    P(
        "vnd_planetscale_password",
        'mysql://k2vx9m1q:⟨p⟩@aws.connect.psdb.cloud/shop?ssl={"rejectUnauthorized":true}',
        p=bu(43, "pscale_pw_"),
    ),
    P("vnd_fly_token", "$ fly tokens create deploy -x 999999h\nFlyV1 ⟨t⟩", t=bu(300, "fm2_")),
    P("vnd_render_api_key", "RENDER_API_KEY=⟨k⟩ render services list", k=an(32, "rnd_")),
    P("vnd_digitalocean_pat", "doctl auth init --access-token ⟨t⟩", t=hx(64, "dop_v1_")),
    P("vnd_shopify_admin_token", "X-Shopify-Access-Token: ⟨t⟩", t=hx(32, "shp" + "at_")),
    P("vnd_twilio_auth_token", "client = Client('AC⟨s⟩', '⟨t⟩')", s=pub(hx(32)), t=hx(32)),
    P("vnd_discord_bot_token", "bot.run('⟨t⟩')", t=cat("MT", an(24), ".", bu(6), ".", bu(38))),
    P("vnd_replicate_token", "REPLICATE_API_TOKEN=⟨t⟩ python predict.py", t=an(37, "r8_")),
    P("vnd_groq_key", 'client = Groq(api_key="⟨k⟩")', k=an(52, "gsk_")),
    P("vnd_perplexity_key", "pplx key for the research bot: ⟨k⟩", k=an(48, "pplx-")),
    P("vnd_xai_key", "XAI_API_KEY=⟨k⟩", k=an(80, "xai-")),
    P("vnd_openrouter_key", 'OPENROUTER_API_KEY="⟨k⟩"', k=hx(64, "sk-or-v1-")),
    P("vnd_deepseek_key", "deepseek: ⟨k⟩ (充值了50块)", k=hx(32, "sk-")),
    P("vnd_atlassian_api_token", "JIRA_API_TOKEN=⟨t⟩", t=cat("ATATT3", bu(180), "=", HX(8))),
    P("vnd_grafana_service_account", "Authorization: Bearer ⟨t⟩", t=cat("glsa_", an(32), "_", hx(8))),
    P(
        "vnd_newrelic_user_key",
        "newrelic profile add --profile default --region eu --apiKey ⟨k⟩ --accountId 3311245",
        k=up(27, "NRAK-"),
    ),
    P("vnd_datadog_keys_no_prefix", "DD_API_KEY=⟨a⟩\nDD_APP_KEY=⟨b⟩\nDD_SITE=datadoghq.eu", a=hx(32), b=hx(40)),
    P("vnd_okta_ssws", "Authorization: SSWS ⟨t⟩", t=bu(40, "00")),
    P(
        "vnd_azure_sas_url",
        "https://acmebackups.blob.core.windows.net/db?sv=2022-11-02&ss=b&srt=co&sp=rwdlac&se=2027-01-01T00:00:00Z&sig=⟨s|url⟩",
        s=raw(32),
    ),
    P("vnd_alibaba_access_key", "AccessKeyId: ⟨i⟩\nAccessKeySecret: ⟨s⟩", i=pub(an(20, "LTAI")), s=an(30)),
    P(
        "vnd_tencent_secret",
        "export TENCENTCLOUD_SECRET_ID=⟨i⟩\nexport TENCENTCLOUD_SECRET_KEY=⟨s⟩",
        i=pub(an(32, "AKID")),
        s=an(32),
    ),
    P("vnd_yandex_oauth", "yc config set token ⟨t⟩", t=bu(54, "y0_")),
    P("vnd_line_channel_token", "LINE_CHANNEL_ACCESS_TOKEN=⟨t⟩", t=b64(171, post="=")),
    P("vnd_wechat_appsecret", "微信公众号 AppID: wx⟨i⟩  AppSecret: ⟨s⟩", i=pub(hx(16)), s=hx(32)),
    P(
        "vnd_dingtalk_robot",
        "钉钉机器人 webhook: https://oapi.dingtalk.com/robot/send?access_token=⟨t⟩ 加签: ⟨s⟩",
        t=hx(64),
        s=hx(64, "SEC"),
    ),
    P("vnd_feishu_webhook", "飞书告警：https://open.feishu.cn/open-apis/bot/v2/hook/⟨u⟩", u=uid()),
    P(
        "vnd_mapbox_secret_vs_public",
        "MAPBOX_PUBLIC=⟨p⟩\nMAPBOX_DOWNLOADS_TOKEN=⟨s⟩",
        p=pub(cat("pk.eyJ1IjoiYWNtZSIsImEiOiJ", bu(20), ".", bu(22))),
        s=cat("sk.eyJ1IjoiYWNtZSIsImEiOiJ", bu(20), ".", bu(22)),
    ),
    P("vnd_contentful_cma", "contentful login --management-token ⟨t⟩", t=bu(43, "CFPAT-")),
    P("vnd_asana_pat", "ASANA_PAT=⟨t⟩", t=cat("2/", dg(16), "/", dg(16), ":", hx(32))),
    P(
        "vnd_trello_token",
        "https://api.trello.com/1/members/me/boards?key=⟨k⟩&token=⟨t⟩",
        k=pub(hx(32)),
        t=cat("ATTA", hx(64), HX(8)),
    ),
    P("vnd_bitbucket_app_password", "git clone https://ivana:⟨p⟩@bitbucket.org/team/repo.git", p=an(32, "ATBB")),
    P(
        "vnd_terraform_cloud_token",
        'credentials "app.terraform.io" {\n  token = "⟨t⟩"\n}',
        t=cat(an(14), ".atlasv1.", an(67)),
    ),
    P("vnd_docker_hub_pat", "echo ⟨t⟩ | docker login -u acmebot --password-stdin", t=bu(27, "dckr_pat_")),
    P("vnd_pypi_upload_token", "TWINE_PASSWORD=⟨t⟩", t=bu(150, "pypi-AgEIcHlwaS5vcmc")),
    P(
        "vnd_mercadopago_access_token",
        "MP_ACCESS_TOKEN=⟨t⟩",
        t=cat("APP_USR-", dg(16), "-", dg(6), "-", hx(32), "-", dg(9)),
    ),
    P("vnd_razorpay_secret", "key_id: ⟨i⟩\nkey_secret: ⟨s⟩", i=pub(an(14, "rzp_live_")), s=an(24)),
    P("vnd_paystack_secret", "PAYSTACK_SECRET_KEY=⟨k⟩", k=hx(40, "sk_" + "live_")),
    P("vnd_square_access_token", "SQUARE_ACCESS_TOKEN=⟨t⟩", t=bu(60, "EAAA")),
    P("vnd_binance_api_secret", "binance:\n  apiKey: ⟨k⟩\n  secret: ⟨s⟩", k=an(64), s=an(64)),
    P("vnd_elevenlabs_key", "xi-api-key: ⟨k⟩", k=hx(48, "sk_")),
    P("vnd_mailgun_private", "MAILGUN_API_KEY=⟨k⟩", k=cat(hx(32), "-", hx(8), "-", hx(8))),
    P("vnd_zendesk_token", "curl https://acme.zendesk.com/api/v2/tickets.json -u ops@acme.com/token:⟨t⟩", t=an(40)),
    P("vnd_algolia_admin", "algoliasearch('LX3K9QZ2P1', '⟨k⟩')  // admin key, server only!", k=hx(32)),
    P("vnd_cloudflare_global_key", "X-Auth-Email: ops@acme.com\nX-Auth-Key: ⟨k⟩", k=hx(37)),
    P("vnd_sentry_org_token", "SENTRY_AUTH_TOKEN=⟨t⟩", t=cat("sntry" + "s_", b64(120))),
    P(
        "vnd_langfuse_keys",
        "LANGFUSE_PUBLIC_KEY=⟨p⟩\nLANGFUSE_SECRET_KEY=⟨s⟩",
        p=pub(cat("pk-lf-", uid())),
        s=cat("sk-lf-", uid()),
    ),
    P(
        "vnd_clerk_secret",
        "CLERK_SECRET_KEY=⟨k⟩\nNEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=⟨p⟩",
        k=an(40, "sk_" + "live_"),
        p=pub(b64(40, "pk_" + "live_")),
    ),
    P("vnd_resend_key", "const resend = new Resend('⟨k⟩');", k=cat("re_", an(8), "_", an(24))),
    P("vnd_unknown_vendor_prefix", "ACME_PLATFORM_TOKEN=⟨t⟩", t=an(40, "acp_live_")),
)

# --------------------------------------------------------------------------------------------
# Look-alikes: texts that resemble secrets and hold none

_CERT_BODY = pub(b64(64 * 5, "MIIDdzCCAl+gAwIBAgIU"))

BENIGN_FRESH6: tuple[str, ...] = (
    # digests, ids and hashes that are public
    B("commit ⟨c⟩\nAuthor: Lin Wei <lin@example.cn>\n\n    fix flaky test", c=hx(40)),
    B("Digest: sha256:⟨d⟩\nStatus: Downloaded newer image for postgres:16", d=hx(64)),
    B("x-request-id: ⟨u⟩", u=uid()),
    B("traceparent: 00-⟨t⟩-⟨s⟩-01", t=hx(32), s=hx(16)),
    B('npm warn deprecated inflight@1.0.6\n"integrity": "sha512-⟨i⟩=="', i=b64(86)),
    B("Django==5.0.6 \\\n    --hash=sha256:⟨h⟩", h=hx(64)),
    B('[[package]]\nname = "serde"\nversion = "1.0.203"\nchecksum = "⟨h⟩"', h=hx(64)),
    B("golang.org/x/crypto v0.24.0 h1:⟨h⟩=", h=b64(43)),
    B("version https://git-lfs.github.com/spec/v1\noid sha256:⟨h⟩\nsize 48213112", h=hx(64)),
    B("⟨h⟩  dist/app-1.4.2.tar.gz", h=hx(64)),
    B("md5sum: ⟨h⟩  backup.tar", h=hx(32)),
    B(
        '<script src="https://cdn.example.com/lib.min.js" integrity="sha384-⟨h⟩" crossorigin="anonymous"></script>',
        h=b64(64),
    ),
    B('ETag: "⟨h⟩"', h=hx(32)),
    B("Sentry event ⟨e⟩ captured (release web@⟨r⟩)", e=hx(32), r=hx(12)),
    B("CONTAINER ID   IMAGE          STATUS\n⟨c⟩   nginx:1.27     Up 3 hours", c=hx(12)),
    B('{"_id": {"$oid": "⟨o⟩"}, "name": "Ana", "plan": "pro"}', o=hx(24)),
    B('pod/api-7d9f8c6b5-x2kqp   1/1   Running   0   3h\nuid: ⟨u⟩\nresourceVersion: "48213377"', u=uid()),
    B("AWS request id: ⟨r⟩, extended request id: ⟨x⟩", r=up(16), x=b64(76)),
    B("arn:aws:iam::481516234200:role/deploy-⟨s⟩", s=lo(8)),
    B("Run ID 7712345678 · attempt 2 · commit ⟨c⟩", c=hx(7)),
    B("built main.⟨a⟩.js (142 kB) and chunk-⟨b⟩.css", a=hx(16), b=hx(8)),
    B("Uploaded dSYM ⟨u⟩ for App 3.2.1 (412)", u=uid()),
    B(
        "Slack channel C04RZ6Q1P, thread ts 1764237600.118232, user U05KX8M2N",
    ),
    B("SSH host key fingerprint: SHA256:⟨f⟩", f=b64(43)),
    B('gpg: key ⟨k⟩: public key "Ana Silva <ana@example.org>" imported\nfingerprint: ⟨f⟩', k=HX(16), f=HX(40)),
    B("Ethereum tx ⟨t⟩ confirmed in block 21133421 (from 0x⟨a⟩)", t=hx(64, "0x"), a=hx(40)),
    B("send testnet coins to tb1q⟨a⟩", a=bech(38)),
    B("follow me on nostr: ⟨n⟩", n=bech(58, "npub1")),
    B("age recipients file:\n⟨a⟩\n⟨b⟩", a=bech(58, "age1"), b=bech(58, "age1")),
    B("[Peer]\nPublicKey = ⟨p⟩\nAllowedIPs = 10.66.0.0/24\nEndpoint = vpn.example.net:51820", p=raw(32)),
    B("$ cat ~/.ssh/id_ed25519.pub\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI⟨k⟩ maria@thinkpad", k=b64(43)),
    B("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ⟨k⟩ deploy@ci", k=b64(300)),
    B(
        "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE⟨a⟩\n⟨b⟩\n-----END PUBLIC KEY-----",
        a=b64(28),
        b=b64(60),
    ),
    B("-----BEGIN CERTIFICATE-----\n⟨c|wrap64⟩\n-----END CERTIFICATE-----", c=_CERT_BODY),
    B(
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBG⟨a⟩\n⟨b⟩\n=⟨c⟩\n-----END PGP PUBLIC KEY BLOCK-----",
        a=b64(58),
        b=b64(64),
        c=b64(4),
    ),
    B(
        '{"keys": [{"kty": "RSA", "kid": "⟨k⟩", "use": "sig", "alg": "RS256", "n": "⟨n⟩", "e": "AQAB"}]}',
        k=hx(16),
        n=bu(342),
    ),
    B('{"kty":"EC","crv":"P-256","x":"⟨x⟩","y":"⟨y⟩","use":"sig"}', x=bu(43), y=bu(43)),
    B("Apple Team ID ⟨t⟩, bundle com.example.app, key id ⟨k⟩", t=up(10), k=up(10)),
    B("gtag('config', 'G-⟨g⟩');", g=up(10)),
    B("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAA⟨d⟩", d=b64(120)),
    B("MAC 5C:F3:70:8A:11:02, IPv6 fe80::5ef3:70ff:fe8a:1102, serial ⟨s⟩", s=up(12)),
    B("Order #⟨o⟩ shipped; tracking 1Z⟨t⟩", o=dg(6), t=up(16)),
    B("Fixed in PR #4821 (see issue #4790); error code E⟨e⟩ no longer appears", e=dg(6)),
    B("Process exited with code 137 after 482913 ms"),
    B("listening on 0.0.0.0:8443 (pid 31337)"),
    B("ISBN 978-3-16-148410-0, DOI 10.1000/xyz123"),
    B("The mnemonic word list has 2048 words; a 12-word phrase holds 128 bits of entropy."),
    B("color: #⟨a⟩; background: #⟨b⟩;", a=hx(6), b=hx(6)),
    # placeholders and references
    B("export OPENAI_API_KEY=<your-api-key>"),
    B("STRIPE_SECRET_KEY=" + "sk_" + "live_" + "..."),
    B("DB_PASSWORD=changeme  # replace before deploying"),
    B("password: ${DB_PASSWORD}\nusername: ${DB_USER:-app}"),
    B("env:\n  NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n  GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}"),
    B('token = os.environ["API_TOKEN"]\nclient = Client(token=token)'),
    B("const key = process.env.MAPS_API_KEY ?? '';"),
    B("Stripe.api_key = ENV.fetch('STRIPE_SECRET_KEY')"),
    B("$pw = Read-Host -AsSecureString 'Password'"),
    B("password = getpass.getpass('Password: ')"),
    B("- name: DB_PASSWORD\n  valueFrom:\n    secretKeyRef:\n      name: db-creds\n      key: password"),
    B("api_key: \"{{ vault_api_key }}\"\npassword: \"{{ lookup('env', 'ADMIN_PASSWORD') }}\""),
    B('$ op read "op://Private/Stripe live/credential"'),
    B("database_password = data.aws_secretsmanager_secret_version.db.secret_string"),
    B("vault kv put secret/app password=@password.txt"),
    B("SECRET_KEY = get_random_secret_key()  # generated at startup"),
    B("Authorization: Bearer <token>"),
    B('curl -H "Authorization: Bearer $TOKEN" https://api.example.com/me'),
    B("mysql -u root -p  # it will prompt for the password"),
    B("docker login -u ci-bot --password-stdin < token.txt"),
    B("SLACK_BOT_TOKEN=" + "xo" + "xb-your-token-here"),
    B("GITHUB_TOKEN=" + "gh" + "p_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"),
    B("AWS_SECRET_ACCESS_KEY=YOUR_SECRET_ACCESS_KEY"),
    B('password: ""\npassword_hint: null'),
    B("wifi_password: !secret wifi_password"),
    B("PRIVATE_KEY_PATH=/run/secrets/signing_key.pem"),
    B("ssh -i ~/.ssh/deploy_ed25519 deploy@203.0.113.10"),
    B("kubectl create secret generic api --from-file=token=./token.txt"),
    B('"password": "<REDACTED>"'),
    B('Parameters: {"user"=>{"email"=>"ops@example.com", "password"=>"[FILTERED]"}}'),
    B("DATABASE_URL=postgres://app:***@db.internal:5432/app"),
    B("✓ Logged in to github.com account maria (keyring)\n  - Token: gh" + "o_************************************"),
    B(
        "npm token list\n┌────────┬─────────┬────────────┐\n│ id     │ token   │ created    │\n│ 3f2a1c │ npm_ab…9z │ 2026-11-01 │"
    ),
    B("AccessKey: ****************WXYZ  (created 2026-03-02, last used 2 days ago)"),
    B("API key ending in …4f2a was revoked on 2026-11-20"),
    B("SESSION_SECRET=******** (hidden, 64 characters)"),
    B("[masked] Your token has been saved to ~/.config/tool/credentials (chmod 600)"),
    B("The secret `db-creds` has 2 keys: password (24 bytes), username (3 bytes)"),
    # people and agents talking about secrets without giving one
    B("das Passwort steht im Tresor unter „Prod DB“, frag Jonas wenn du keinen Zugriff hast"),
    B("la contraseña está en el gestor de contraseñas del equipo, no la pongo aquí"),
    B("пароль не скажу, он в 1Password, попроси доступ у Антона"),
    B("密码在公司的密码管理器里，我就不贴了"),
    B("パスワードは別途Slackで送ります"),
    B("I changed my password yesterday and now it works, thanks!"),
    B("I set the admin password from the ADMIN_PASSWORD environment variable; it is not printed anywhere."),
    B("I did not commit the .env file; the keys stay on your machine. Rotate the one that was in the history."),
    B(
        "Summary: moved the hardcoded API key to an environment variable (`PARTNER_API_KEY`) and added it to `.env.example` as an empty value."
    ),
    B("Passwords must be at least 12 characters long and contain an upper-case letter, a digit and a symbol."),
    B("PINs must be 6 digits; the verification code expires after 10 minutes."),
    B("^(?=.*[A-Z])(?=.*\\d)(?=.*[^\\w\\s]).{12,}$"),
    B("Your verification code has been sent to +49 ••• ••• 42."),
    B("the wifi is called Casa-Rossi-5G, the password is on the router's sticker"),
    B("rotate secrets (new values are in Vault, not in this commit)"),
    B("The token expired at 2026-11-27T10:00:00Z; run `gh auth refresh` to get a new one."),
    B("Use `openssl rand -hex 32` to generate the value and put it in your own .env."),
    B("a 12-word recovery phrase, e.g. abandon × 11 + about, is the BIP-39 test vector, never use it"),
    B("Error: invalid api key (401). Check that MAILGUN_API_KEY is set."),
    B("fatal: Authentication failed for 'https://gitlab.example.com/group/app.git/'"),
    B('FATAL:  password authentication failed for user "app"'),
    # random-looking text that is not secret
    B("Generated migration 20261127100312_add_index_to_orders.rb"),
    B("Cache key: v3-deps-⟨h⟩", h=hx(40)),
    B("https://github.com/acme/app/commit/⟨c⟩#diff-⟨d⟩", c=hx(40), d=hx(64)),
    B("https://docs.google.com/spreadsheets/d/⟨i⟩/edit#gid=0", i=bu(44)),
    B("https://www.youtube.com/watch?v=⟨v⟩", v=bu(11)),
    B("Job ⟨j⟩ finished in 42s", j=uid()),
    B("upload complete: s3://acme-backups/2026/11/27/⟨u⟩.tar.zst", u=uid()),
    B("Zone ID: ⟨z⟩  Account ID: ⟨a⟩", z=hx(32), a=hx(32)),
    B("Twilio Account SID: AC⟨s⟩ (the auth token is in the console)", s=hx(32)),
    B("publishable key for the checkout page: " + "pk_" + "test_⟨k⟩", k=an(99)),
    B("Client ID: ⟨c⟩.apps.googleusercontent.com", c=cat(dg(12), "-", lo(32))),
    B("NEXT_PUBLIC_SUPABASE_URL=https://⟨r⟩.supabase.co", r=lo(20)),
    B("LANGFUSE_PUBLIC_KEY=pk-lf-⟨u⟩", u=uid()),
    B("0000000: 7f45 4c46 0201 0100 0000 0000 0000 0000  .ELF............"),
    B("UUID=⟨u⟩ /data ext4 defaults,noatime 0 2", u=uid()),
    B("kubeadm token list\nTOKEN                     TTL   EXPIRES\n<none>"),
    B("terraform state show aws_db_instance.main\n    password = (sensitive value)"),
    B("  ~ password = (sensitive value)"),
    B(
        "HTTP/2 200\ncontent-type: application/json\nx-ratelimit-remaining: 4999\nx-github-request-id: ⟨r⟩",
        r=cat(HX(4), ":", HX(5), ":", HX(7)),
    ),
    B("lockfileVersion: '9.0'\n  /react@18.3.1:\n    resolution: {integrity: sha512-⟨i⟩==}", i=b64(86)),
    B("Base64 of the PNG header: iVBORw0KGgo="),
    B('[dependencies]\nuuid = { version = "1.8", features = ["v4"] }'),
    B("OTP length: 6, period: 30, algorithm: SHA1"),
    B("The BitLocker recovery key ID is ⟨i⟩ (the key itself is in Entra ID)", i=HX(8)),
    B("keyAlias=upload\nstoreFile=upload-keystore.jks\n# storePassword comes from the CI secret store"),
    B('#define WIFI_SSID "Lab-2.4"\n#define WIFI_PASS SECRET_WIFI_PASS  // from secrets.h, not committed'),
    B("APPEUI = 70B3D57ED005A1B2 (join EUI, public)"),
    B("Commit 9c1e4f2 removed the hardcoded token; its value was revoked and is not repeated here."),
)

FAMILIES6: dict[str, tuple[Planted, ...]] = {
    "chat_many_languages": CHAT,
    "agent_summaries": AGENT,
    "cli_output": CLI,
    "config_files": CONFIG,
    "source_code": CODE,
    "logs_errors": LOGS,
    "diffs_commits_edits": DIFFS,
    "ci_infra_state": INFRA,
    "notebooks_data": DATA,
    "mobile_embedded": DEVICE,
    "encoded_hidden": HIDDEN,
    "keys_seeds_codes": KEYS,
    "vendor_tokens": VENDORS,
}

FRESH6: tuple[Planted, ...] = tuple(planted for family in FAMILIES6.values() for planted in family)
