"""Tokens no rule names by vendor, found by their form (secrets/token_shape.py):

- a prefixed token: a short lower-case prefix ending in `_` or `-` (`zq_live_`, `tkn_`,
  `pk-lf-`, `ntn_`), then 20 or more random letters and digits: the shape most services give
  their keys, so one rule covers the services the vendored list lacks;
- a token next to a secret's name: after a word that names a secret (key, token, secret,
  password, credential, auth, bearer) and at most a few words and a `:`/`=`/`is`, a random
  token of 16 or more characters (`my stripe key: ...`, `X-Api-Auth ...`).

Prefixes that name a hash, an id or a build artefact (sha256_, commit-, chunk-, ...) are not
keys; neither is what continues a path or a URL's path.
"""

from __future__ import annotations

from lessonloop.core.lazy_regex import LazyRegex
from lessonloop.secrets.structural import TOKEN_CHARS, matches_at, runs, told_ok
from lessonloop.secrets.token_shape import changes as _changes
from lessonloop.secrets.token_shape import classes, entropy, is_hex, random_token

_PREFIXED = LazyRegex(
    r"(?<![A-Za-z0-9_\-./\\:@%])([a-z][a-z0-9]{1,11}(?:[_-][a-z0-9]{1,10}){0,2}[_-])([A-Za-z0-9]{20,200})(?![A-Za-z0-9_\-])"
)
_PARTS = LazyRegex(r"[-_]")
_SEPARATORS = LazyRegex(r"[-_.]")
_NOT_PREFIXES = frozenset(
    {
        "sha", "sha1", "sha256", "sha512", "md5", "hash", "id", "uuid", "guid", "commit", "rev", "ref", "blob",
        "tree", "cache", "build", "run", "job", "test", "spec", "file", "img", "image", "digest", "node", "chunk",
        "asset", "module", "bundle", "style", "css", "js", "data", "base64", "b64", "tmp", "temp", "main", "index",
        "vendor", "app", "page", "layout", "component", "fig", "figure", "msg", "trace", "span", "req", "request",
        "call", "toolu", "tool", "item", "fc", "resp", "response", "chatcmpl", "cmpl", "step", "thread",
        "asst", "batch", "ft", "ftjob", "evt", "obj", "key", "block", "entry", "row", "doc", "user",
        "session", "conv", "conversation", "turn", "event", "log", "output", "input", "result", "part", "prt",
        "ses", "snap", "snapshot", "checkpoint", "ckpt", "model", "version", "v", "pr", "issue", "branch", "tag",
        "feature", "fix", "release", "hotfix", "bugfix", "chore", "docs", "refactor", "perf", "gen",
    }
)  # fmt: skip
# after one of these words: a token is a secret's value
_NAMED = LazyRegex(
    r"(?i)(?:secret|token|passw(?:or)?d|pwd|passphrase|credentials?|creds|api[ _-]?key|access[ _-]?key"
    r"|private[ _-]?key|auth|bearer|\bkey)s?"
    # `: X`, `is X`, `-> X`; or a few words first (`is generated for root@localhost: X`, `(from the page): X`)
    r"(?:[\"'`)]?[ \t]*(?:[:=]|\bis\b|\bwas\b|->|=>)[ \t]*"
    r"|(?:[ \t]+[^\s:=]{1,30}){1,6}?[ \t]*(?::|=|->|=>|\bis\b|\bwas\b|\bare\b)[ \t]*"
    r"|[ \t]+(?:[a-z]{1,10}[ \t]+){0,3})"
    r"[\"'`]?([A-Za-z0-9+/_\-.!%@#*^&$~]{8,300}?={0,2})(?=[\"'`]|[\s,;)\]}]|[.!?](?:\s|$)|$)"
)
_PUBLIC_BECH32 = ("bc1", "tb1", "ltc1", "addr1", "cosmos1", "osmo1", "npub1", "age1", "stake1", "terra1")
_SYMBOL = frozenset("!%@#*^&$~+/=")
_DOTTED_NAME = LazyRegex(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+")


# A match's body is a run of letters and digits after its prefix's last `_` or `-` (a place of
# _BODY), and its prefix (3 to 35 characters of _PREFIXED's lookbehind's class) starts after the
# last character before it outside that class: the one place it may start.
_BODY = LazyRegex(r"[_-][A-Za-z0-9]{20}")
_BEFORE_PREFIX = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-./\\:@%")


def prefixed_spans(text: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    starts: list[int] = []
    for run in _BODY.finditer(text):  # (they cannot overlap: a body holds no `_` or `-`)
        start = run.start()
        while start and text[start - 1] in _BEFORE_PREFIX and start > run.start() - 34:
            start -= 1
        if (not start or text[start - 1] not in _BEFORE_PREFIX) and (not starts or start > starts[-1]):
            starts.append(start)
    for found in matches_at(_PREFIXED, text, starts):
        prefix, body = found.group(1), found.group(2)
        first = prefix.rstrip("_-").split("_")[0].split("-")[0]
        if first in _NOT_PREFIXES or prefix.rstrip("_-") in _NOT_PREFIXES or prefix.startswith(_ID_PREFIXES):
            continue
        if prefix.startswith(_PUBLIC_PREFIXES):
            continue  # a publishable key (pk_test_, pk_live_): public by design
        if is_hex(body) and len(body) in (40, 64) and len(prefix.rstrip("_-")) > 3:
            continue  # a commit id or a digest after a label (sk_, ck_ and such short prefixes are keys')
        if random_token(body, 20):
            out.append((found.start(2), found.end(2), "prefixed-token"))
    return out


_PUBLIC = LazyRegex(r"(?i)public|publishable|\bpub\b")
_VERB = LazyRegex(r"\b(?:is|was|are)\b")
# what names a key that is an id, right before the word `key`
_NOT_SECRET_KEY = LazyRegex(
    r"(?i)(?:idempotency|cache|object|primary|foreign|partition|sort|row|dedup(?:lication)?|routing|lookup|"
    r"composite|unique|natural|surrogate|s3|bucket|redis|map|dict|hash|index)[ _-]?(?=key)"
)  # `the password is X`: a sentence, not an assignment
_NAMED_NEEDLES = ("secret", "token", "passw", "pwd", "credential", "creds", "auth", "bearer", "key")


def named_spans(text: str, lowered: str | None = None) -> list[tuple[int, int, str]]:
    lowered = text.lower() if lowered is None else lowered
    out: list[tuple[int, int, str]] = []
    seen: set[int] = set()
    for needle in _NAMED_NEEDLES:
        position = lowered.find(needle)
        while position >= 0:
            found = _NAMED.match(text, max(0, position - 8 if needle == "key" else position), position + 360)
            if found is None and needle == "key":
                found = _NAMED.search(text, max(0, position - 8), position + 360)
            position = lowered.find(needle, position + len(needle))
            if found is None or found.start(1) in seen:
                continue
            seen.add(found.start(1))
            if _PUBLIC.search(text, max(0, found.start() - 12), found.start() + 4) is not None:
                continue  # a public key, a publishable key: not secrets
            value = found.group(1)
            if value.startswith(("/", "$", "%", "&", "@")) or "[REDACTED" in value or "://" in value:
                continue
            if value.count("/") >= 2:
                continue  # a path: an object's key in a bucket (`uploads/2026/11/x.jpg`)
            if needle == "key" and _NOT_SECRET_KEY.search(text, max(0, found.start() - 20), found.start(1)):
                continue  # an idempotency key, a cache key, a table's primary key: ids, not secrets
            if any(is_hex(part) and len(part) in (40, 64) for part in _PARTS.split(value)):
                continue  # a commit id, a digest, a cache key made of a label and a digest
            told = needle in ("passw", "pwd") and _VERB.search(text, found.start(), found.start(1)) is not None
            if _named_value(value) or (told and told_ok(value.rstrip(".,;:!?)"))):
                out.append((found.start(1), found.end(1), "secret-value"))
    return out


def _named_value(value: str) -> bool:
    """After a word that names a secret: a random token, or a password's shape (letters and digits
    with a symbol or both cases, eight or more), not a word, a path or a name."""
    if _DOTTED_NAME.fullmatch(value.rstrip("!;,")) is not None:
        return False  # process.env.STRIPE_SECRET_KEY, settings.API_KEY: a name
    if random_token(value, 16):
        return True
    if (
        len(value) < 8
        or value.count("/") >= 1
        or value.count(".") >= 2
        or ("_" in value.strip("_")[:-1] and value.islower())
    ):
        return False
    digits = sum(c.isdigit() for c in value)
    letters = sum(c.isalpha() for c in value)
    if not digits or not letters or value.isdigit():
        return False
    mixed_case = any(c.isupper() for c in value) and any(c.islower() for c in value)
    symbol = any(c in _SYMBOL for c in value)
    return (mixed_case or symbol) and _changes(value) >= len(value) * 0.3


# A word of letters, digits and the symbols passwords and tokens hold, 12 or more: a run of
# structural.TOKEN_CHARS (`[A-Za-z0-9+/_\-.!%~@#*^]{12,}`'s matches, each a whole run).
# What ids are named after (not secrets: messages, calls, requests, objects of an API)
_ID_PREFIXES = (
    "toolu_", "msg_", "call_", "req_", "chatcmpl-", "resp_", "fc_", "rs_", "file-", "file_", "org-", "asst_",
    "thread_", "run_", "evt_", "ch_", "cus_", "pi_", "price_", "prod_", "sub_", "in_", "acct_", "txn_", "ses_",
    "prt_", "batch_", "ftjob-", "step_", "item_", "sha256-", "sha512-", "sha384-", "sha1-", "md5-", "data:",
    "srv_", "compl_", "cmpl-", "conv_", "turn_", "span_", "trace_", "job_", "proj_", "user_", "ws_", "vs_",
    "agent_msg_", "srvtoolu_", "agent_", "tool_", "message_", "request_", "session_",
)  # fmt: skip


# Prefixes of keys that are public by design: extended public keys (BIP-32), Stripe's publishable keys.
_PUBLIC_PREFIXES = (
    "xpub",
    "ypub",
    "zpub",
    "tpub",
    "upub",
    "vpub",
    "Ypub",
    "Zpub",
    "pk_test_",
    "pk_live_",
    "pk.ey",
    "nonce-",
    "sha256-",
    "sha384-",
    "sha512-",
)
_SRI_LABELS = ("sha256-", "sha384-", "sha512-", "nonce-")


def random_spans(text: str, tokens: bytes | None = None) -> list[tuple[int, int, str]]:
    """Random tokens standing alone (a quoted literal, a value after a flag or a colon, a line or a
    table cell of their own, the last segment of a URL's path): mixed case and digits changing
    often, high entropy, not an id of a known kind, not a path. `tokens`: the text's TOKEN_CHARS
    mask, when the caller has it."""
    out: list[tuple[int, int, str]] = []
    if tokens is None:
        tokens = text.encode("ascii", "replace").translate(TOKEN_CHARS)
    for start, end in runs(tokens, 12):
        word = text[start:end]
        if word.startswith(_PUBLIC_PREFIXES) or any(label in word for label in _SRI_LABELS):
            continue  # a public key by its prefix (xpub, a publishable key), an SRI or CSP hash
        if word.isalpha() or word.isupper() or word.isdigit() or word.startswith(("_Z", "0x")):
            continue  # a word, a name in capitals, a mangled C++ name, a hex number (secrets/hex_keys.py's)  # a word, a name in capitals: not the classes a random token mixes
        if word.islower() and len(word) < 40:
            continue
        if "/" in word and ((word.count("/") >= 2 and len(word) < 40) or word.startswith("/") or "." in word):
            # a path or a URL: only a segment of its own can be a token (an RPC endpoint's key)
            position = start
            for segment in word.split("/"):
                if len(segment) >= 24 and "." not in segment:
                    span = _token_span(text, position, position + len(segment))
                    if span is not None:
                        out.append(span)
                position += len(segment) + 1
            continue
        span = _token_span(text, start, end)
        if span is not None:
            out.append(span)
    return out


_BASE64_LINE = LazyRegex(r"[A-Za-z0-9+/]{4,120}={0,2}[ \t]*(?=\r?\n|$)")


def wrapped_tails(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The last line of wrapped base64 (`base64 FILE` prints 76 characters a line): after a line
    that is a random token of 60 characters or more on its own, a shorter line of base64 that
    ends the block is the same secret's end."""
    out: list[tuple[int, int, str]] = []
    covered = {start for start, _end, _kind in spans}
    for start, end, kind in spans:
        if kind != "random-token" or end - start < 60 or not text.startswith("\n", end):
            continue
        if start and text[start - 1] != "\n":
            continue
        following = end + 1
        if following in covered:
            continue
        tail = _BASE64_LINE.match(text, following)
        if tail is not None and tail.end() - following <= end - start:
            out.append((following, tail.end(), kind))
    return out


def _token_span(text: str, start: int, end: int) -> tuple[int, int, str] | None:
    # trailing sentence punctuation is not the token's
    while end > start and text[end - 1] in ".!~-_":
        end -= 1
    while start < end and text[start] in ".-_~+/=":  # a diff's `+`, a path's `/`: not the token's
        start += 1
    word = text[start:end]
    if len(word) < 12 or word.startswith(_ID_PREFIXES) or word.startswith("[REDACTED"):
        return None
    if "." in word and not _dotted_token(word):
        return None  # a dotted name (DateTime.to_iso8601, a file name): a token's parts are random themselves
    if _not_secret_form(word) or (start and text[start - 1] == " " and _after_public_key(text, start)):
        return None
    if not (strong_random(word) or _random_lower(word) or ("." in word and _dotted_token(word))):
        return None
    if _BASE64.fullmatch(word) is not None and (decoded := decoded_text(word)) is not None:
        from lessonloop.secrets.redaction import redact

        if redact(decoded, "output")[1] == 0:
            return None  # base64 of ordinary text (a log's payload), no secret inside
    return start, end, "random-token"


def _dotted_token(word: str) -> bool:
    """A token made of dotted parts (a JWT-like `a.b.c`, Airtable's `pat<id>.<hex>`, a bootstrap
    token `abc123.xyz...`): a random part, and no part that is a word or a file extension."""
    parts = word.split(".")
    if any(not part for part in parts) or (parts[-1].isalpha() and len(parts[-1]) <= 5):
        return False
    return any(len(part) >= 12 and (strong_random(part) or _random_lower(part)) for part in parts) or (
        any(len(part) >= 32 and is_hex(part) for part in parts)
        and any(random_token(part, 12) for part in parts if not is_hex(part))
    )


def _random_lower(word: str) -> bool:
    """A long token of lower-case letters and digits (base32, bech32: Azure DevOps tokens, Nostr
    keys): 40 or more characters, a digit in every eight or so, high entropy, not hex."""
    core = word.rstrip("=")
    size = len(core)
    if size < 40 or not core.isalnum() or not core.islower() or is_hex(core):
        return False
    if core.startswith(_PUBLIC_BECH32):
        return False  # an address or a public key (bc1..., npub1...), not a secret
    digits = classes(core)[0]
    letters = size - digits
    vowels = sum(core.count(vowel) for vowel in "aeiouy")
    if digits < size * 0.12 or vowels > letters * 0.25:
        return False  # words have vowels (about two letters in five): base32 and bech32 few
    return random_token(core, 40) or entropy(core) >= 4.2


_BASE64 = LazyRegex(r"[A-Za-z0-9+/_\-]{12,}={0,2}")
_BASE58_WIF = LazyRegex(r"[59KLc][1-9A-HJ-NP-Za-km-z]{50,51}")
_LABEL_AND_HEX = LazyRegex(r"[A-Za-z]{1,12}[-_]?[0-9a-fA-F]{8,}")
_PUBLIC_KEY_TYPES = ("ssh-rsa", "ssh-ed25519", "ssh-dss", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
                     "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com", "PublicKey =", "PublicKey=")  # fmt: skip


def _not_secret_form(word: str) -> bool:
    """Forms that look random and are not secrets: a DER structure in base64 (a certificate or a
    public key; private keys are secrets/private_key_parts.py's, PKCS#12 bundles excepted), a WIF
    key whose checksum secrets/wallet_keys.py found wrong, a label followed by a hex id."""
    if word.startswith("MII") and "AIBAz" not in word[:16]:
        return True
    if _BASE58_WIF.fullmatch(word) is not None:
        return True
    return _LABEL_AND_HEX.fullmatch(word) is not None


def _after_public_key(text: str, start: int) -> bool:
    return text[max(0, start - 30) : start - 1].endswith(_PUBLIC_KEY_TYPES)


def decoded_text(word: str) -> str | None:
    """The text `word` encodes in base64, when it is text (printable ASCII)."""
    import base64
    import binascii

    try:
        raw = base64.b64decode(word.replace("-", "+").replace("_", "/") + "=" * (-len(word) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None
    if not raw or sum(32 <= b < 127 or b in (9, 10, 13) for b in raw) < len(raw) * 0.95:
        return None
    return raw.decode("ascii", "replace")


def strong_random(word: str) -> bool:
    """Random enough to be a secret with no name beside it: upper and lower case and digits,
    changing class often, spread characters."""
    core = word.rstrip("=")
    size = len(core)
    if size > 2048:
        return False  # a data blob (an image, an encrypted payload), not a key
    digits, uppers, lowers = classes(core)
    if digits < 2 or uppers < 2 or lowers < 2 or digits + uppers + lowers < size * 0.85:
        return False
    if any(part.isdigit() and len(part) >= 4 for part in _SEPARATORS.split(core)) and size < 20:
        return False  # a name with a date or a number: Report2024Final
    if sum(found.end() - found.start() for found in _WORDLIKE.finditer(core)) > size * 0.45:
        return False  # words joined in camelCase, a mangled symbol: a11yNamesLabelsGroupTitle
    return random_token(core, 12, hex_ok=False) and _changes(core) >= size * 0.4


_WORDLIKE = LazyRegex(r"[A-Z]?[a-z]{4,}")  # a word's letters: random text rarely holds four lower-case in a row


_SIBLING = LazyRegex(r"[A-Za-z0-9][A-Za-z0-9_\-]{15,127}")
_SIBLING_SLACK = 4  # how much longer or shorter a sibling may be
_SIBLING_TEXT = 4096  # a longer text is a file or a dump: its tokens are not one person's values
_STANDS_AFTER = frozenset(" \t\n\"'`=:({[<>")  # what a value stands after and before: not a blob's `+` or `/`
_STANDS_BEFORE = frozenset(" \t\r\n\"'`,;)}]<>")


def sibling_spans(text: str, found: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Random tokens of the shape of a secret found in the same short text: `T1=ghp_X` and `T2=Y`
    joined later, two literals `_p1 = "X"` and `_p2 = "Y"` made into one secret, `the app expects
    X but the .env has Y for API_SECRET`. A token is a sibling of a found secret when both stand
    alone (quoted, assigned, or between spaces: not pieces of a base64 blob), the secret is
    strongly random and the sibling random (hex aside: commit ids are everywhere), of about one
    length, and made of the same classes of characters (digits, upper and lower case)."""
    if len(text) > _SIBLING_TEXT:
        return []
    shapes: set[tuple[int, bool, bool, bool]] = set()
    for begin, end in found:
        value = text[begin:end]
        if 16 <= len(value) <= 128 and _alone(text, begin, end) and strong_random(value) and not is_hex(value):
            shapes.add(_shape(value))
    if not shapes:
        return []
    out: list[tuple[int, int, str]] = []
    for match in _SIBLING.finditer(text):
        start, end = match.span()
        if not _alone(text, start, end) or any(begin < end and start < stop for begin, stop in found):
            continue
        word = match.group()
        if is_hex(word) or not random_token(word, hex_ok=False):
            continue
        shape = _shape(word)
        if any(abs(shape[0] - other[0]) <= _SIBLING_SLACK and shape[1:] == other[1:] for other in shapes):
            out.append((start, end, "random-token"))
    return out


def _alone(text: str, start: int, end: int) -> bool:
    return (not start or text[start - 1] in _STANDS_AFTER) and (end == len(text) or text[end] in _STANDS_BEFORE)


def _shape(value: str) -> tuple[int, bool, bool, bool]:
    """A token's length and which classes it holds (digits, upper, lower), a prefix (`ghp_`) aside."""
    core = value.split("_", 1)[1] if "_" in value[:8] and len(value.split("_", 1)[1]) >= 16 else value
    digits, uppers, lowers = classes(core)
    return len(core), digits > 0, uppers > 0, lowers > 0
