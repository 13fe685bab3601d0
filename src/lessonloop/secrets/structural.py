"""The rules that read a secret by where it stands rather than by its anchor words (issue 60):
run after the anchored rules of secrets/redaction.py, on the text and on its decoded views
(secrets/decoded_views.py: JSON and `\\u` escapes undone, split literals joined).

- secrets/loose_tokens.py: prefixed service tokens, random tokens next to a secret's name;
- secrets/key_material.py: key blocks, minisign/signify keys, byte-array keys, key files read;
- secrets/program_passwords.py: passwords given to programs by the form of their options;
- secrets/secret_stores.py: values given to secret managers, Kubernetes Secrets' data;
- secrets/spoken_passwords.py: passwords told in other languages, `admin / PW`.

Each rule runs only where a substring it needs occurs (a few `in` tests on a text without any).
In a long text a rule's pattern is tried only at the places a match can start (`places`,
`line_starts`, `matches_at` below: the needles' places come from the pass that tells which
needles the text holds), and the runs a random token or a hex key needs are read from a mask of
the text's bytes (`runs`), with the matches a search of the whole text gives.
"""

from __future__ import annotations

from lessonloop.core.lazy_regex import LazyRegex
from lessonloop.secrets import assignments

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    import re
    from collections.abc import Iterator
    from types import ModuleType
    from typing import Any

_PATHLIKE = ("/", "\\", "./", "~/")
_DIGIT = LazyRegex(r"\d")
_MARKER = LazyRegex(r"\[REDACTED:[a-z0-9-]{1,60}\]")


def value_ok(value: str) -> bool:
    """A value given in a place that names a secret: a secret unless it is a placeholder, a
    variable, a template, a path, a number, or a word without digits or symbols."""
    if not assignments.common_value_ok(value, 4):
        return False
    if value[0] in "$%{[(@!&~.<" or any(c in value for c in "(){}") or _EXPANSION.search(value):
        return False
    if value.count("/") >= 2 or value.startswith(_PATHLIKE):
        return False
    if assignments.all_caps_name(value):
        return False
    if _APP_PASSWORD.fullmatch(value) is not None:
        return True  # an app-specific password: `gpfg-paur-umdl-otdw`
    if assignments.dotted_name(value) and not (any(c.isdigit() for c in value) and any(c.isupper() for c in value)):
        return False  # form.password, settings.SECRET_KEY (not saffron14.Meadow)
    return assignments.shaped(value) or assignments.long_and_mixed_case(value)


_APP_PASSWORD = LazyRegex(r"[a-z]{4}(?:-[a-z]{4}){3}")
_EXPANSION = LazyRegex(r"^\$[A-Za-z_{(]|\$\{|\$\(|%[A-Za-z_]+%|\{\{")  # a `$` inside a password is its own
_COMMON_WORDS = frozenset(
    {"required", "incorrect", "invalid", "wrong", "changed", "expired", "missing", "stored", "hidden", "correct",
     "protected", "encrypted", "optional", "empty", "reset", "updated", "rotated", "needed", "different", "same"}
)  # fmt: skip


def told_ok(value: str) -> bool:
    """A value after a word for password and its verb (`the password is X`, `Passwort: X`): the
    context names a password, so any token of six characters or more is one, unless it is a word,
    a placeholder, an expansion, a path or a variable's name."""
    if len(value) < 6 or len(value) > 200 or value.startswith("[REDACTED") or _EXPANSION.search(value):
        return False
    lowered = value.lower()
    if lowered in _COMMON_WORDS or not assignments.common_value_ok(value.lstrip("-#*>"), 4):
        return False
    if value.startswith(_PATHLIKE) or value.count("/") >= 2 or value.startswith(("http://", "https://")):
        return False
    if assignments.all_caps_name(value):
        return False
    if value.isalpha() and value.islower():
        return False  # a word (a passphrase of several is the caller's)
    return any(not c.isalpha() for c in value) or any(c.isupper() for c in value[1:])


def store_value_ok(value: str) -> bool:
    """A value given to a secret manager: every value but placeholders, templates and variables
    (a JSON document of secrets included)."""
    if value.startswith(("{", "[")) and len(value) >= 6:
        return True
    if not assignments.common_value_ok(value, 4):
        return False
    return not (value[0] in "$%<@" or "${" in value or "{{" in value or assignments.all_caps_name(value))


# What each rule needs in the lower-cased text before it reads it, found in one pass
# (ahocorasick_rs's automaton, built at the first text).
_NAMED = ("secret", "token", "passw", "pwd", "credential", "creds", "auth", "bearer", "key")
_CONTEXT = (
    "key", "pin", "puk", "passcode", "://", "thin:", "passwd", "ftp", "phrase", "mnemonic", "code", ') "',
    '"sensitive"', "insert into", "<", "|", "connect", "login", "logon", "signin", "btoa", "encode", "getenv",
    "environ", "env.", "env::", "@tcp", "@unix", "psk", "community", "set ", "$ pass", "$ gopass", "pdo",
    "#define", "<key>", "<name>", "<value>", "<string>", " login ", "cdata", "{plain}", "{clear", "codes", "secret 0", "password 7", "$9$", "totp", "otp", "2fa",
    "mfa", "authenticator", "oath", "seed", "]:", "age-secret-key", "pragma", "ntlm", "334 ", "pass ", "_pass", "pass.", ".pass", "basic", "wifi:", "(0x", "?key=", "&key=", "macaroon", "rand ", "urandom", "keygen", "pwgen", "pw ",
    "raw result", "mysqli", "mysql_connect", ";base64,", "\n12.", "\n12)", "from stdin",
    # a table's column named for a password in another language (context_values._CELL_WORDS)
    "ennwort", "asswort", "contrase", "senha", "mdp", "wachtwoord", "senord", "hasło", "haslo", "heslo", "salasana",
    "passord", "şifre", "sifre", "пароль", "密码", "密碼", "パスワード", "비밀번호", "mot de passe", "contraseña",
    "lösenord", "parola",
)  # fmt: skip
_PROGRAM = (
    "/p:", "/p=", "/p ", "/pass", "/pw", "/rp", "/sp:", "/sp ", "/secret", " -p ", " -pw ", "\t-p ", " -pass",
    "user", "passw", "-u", "--creds", "--credentials", "--auth", "-a ", "--basic-auth", "echo", "printf", "auth",
    "securestring", "send", "pass:", "+login", "-su ", "-ku ", "-fu ", "-sku ", "-fsu ", "-ksu ",
)  # fmt: skip
_STORES = ("secret", "kv ", "config:set", "config set", "ssm ")
# pieces of the words for password in other languages (secrets/spoken_passwords.py's)
SPOKEN_NEEDLES = (
    "asswort", "ennwort", "mot de", "mdp", "contra", "clave", "senha", "palavra", "parola", "achtwoord", "aslo",
    "eslo", "jelsz", "senord", "salasana", "passord", "adgangs", "sifre", "asscode", "ass code", "in code",
    "kata sandi", " pw ", " pwd ", "pin", "password", "passphrase", "pass ", "pass:", "code", "phrase de", "pw ", "код", "nip ", "app password", "api 키", "앱 키", "ww ", "ww=", "nenosiri", "pasword", "passwrd", "passowrd", "passkey", "lozinka", "geslo", "parool", "parole", "combo", "combination", "keypad", "digicode", "schlüssel", "puk", "digo",
    "passwd", "paswd", "wlan key", "wifi key", "wi-fi key", "wpa key", "network key",
)  # fmt: skip
_SPOKEN = (*SPOKEN_NEEDLES, "admin", "root", "login", "sa ", "superuser")
_KEYS = ("-----begin", "----- begin", "untrusted comment", "[")
# what secrets/cued_passwords.py's cues need (a text in another script is read whatever it holds)
_CUED = (
    *SPOKEN_NEEDLES,
    "login",
    "log in",
    "logon",
    "sign in",
    "signin",
    "creds",
    "credential",
    "user",
    "parol",
    "ssh",
    "sudo",
    "utente",
    "usu",
    "gebruiker",
    "uzytkownik",
    "wifi",
    "wi-fi",
    "wlan",
    "sleutel",
    "mot de pas",
)
# what secrets/told_around.py's rules need
_TABLE_WORDS = ("passw", "pass", "pwd", "secret", "token", "key", "credential", "contra", "senha", "asswort", "pin")
_AROUND = ("<-", "←", " as ", "key", "secret", "token", "passw", "login", "logon", "creds", "account", "mysql",
           "mariadb", "card", "visa", "master", "amex", "credit", "debit", "cvv", "cvc", "karte",
           "tarjeta", "carte", "fromcharcode", "|", "-", "rtmp", "md5", "smtp", "sasl", "gmail", "app", "mii", "log in", "sign in", "signin", "connect",
           "authenticat", "credential", " / ", "decode")  # fmt: skip
_NEEDLES = tuple(sorted(set(_TABLE_WORDS + _AROUND + _NAMED + _CONTEXT + _PROGRAM + _STORES + _SPOKEN + _KEYS + _CUED)))
_AUTOMATON: list[Any] = []  # the automaton, once built
# The words whose places the rules look for in a long text's lower-cased text (occurrences()):
# found with _NEEDLES by one automaton, in the pass that tells which needles a text holds.
_PLACE_NEEDLES = (
    "btoa", "encode", "pass", "api", "passw", "set", "password", "community", "authentication-key", "key-string",
    "pre-shared-key", "(config", "backup", "recovery", "verification", "one-time", "passphrase", "private",
    "api key", "seed", "mnemonic", "cat", "type", "more", "less", "head", "tail", "bat", "get-content", "gc", "xxd",
    "od", "strings", "base64", "user", "sa",
)  # fmt: skip
_ALL_NEEDLES = tuple(sorted(set(_NEEDLES + _PLACE_NEEDLES + SPOKEN_NEEDLES)))
_KNOWN = frozenset(_ALL_NEEDLES)
_ALL_AUTOMATON: list[Any] = []
# The last long lower-cased text whose needles were found, and their places: (text, {needle:
# [start, ...]}), replaced whole (a thread that reads it sees one text's or another's, and uses
# it only when the text is its own).
_PLACES: list[tuple[str, dict[str, list[int]]] | None] = [None]


SHORT_TEXT = 2048  # below this, needles are looked for one by one (a hook need not import the automaton)


def prepare_bulk() -> None:
    """Build the needles' automaton now, for a process about to redact many texts (ingest, the
    hook server): a short text's needles are then found by it too, in one pass instead of a test
    of each needle (the same set; a hook redacting a few texts does without the import)."""
    if not _AUTOMATON:
        import ahocorasick_rs

        _AUTOMATON.append(ahocorasick_rs.AhoCorasick(list(_NEEDLES)))


def _present(lowered: str) -> set[str]:
    if len(lowered) < SHORT_TEXT and not _AUTOMATON:
        return {needle for needle in _NEEDLES if needle in lowered}
    prepare_bulk()
    if len(lowered) >= SHORT_TEXT:
        table = _table(lowered)
        if table is not None:
            return {needle for needle in table if needle in _NEEDLE_SET}
    try:
        found = _AUTOMATON[0].find_matches_as_indexes(lowered, overlapping=True)
    except UnicodeEncodeError:  # a lone surrogate (undecodable bytes read as text)
        return {needle for needle in _NEEDLES if needle in lowered}
    return {_NEEDLES[index] for index, _start, _end in found}


_MODULES: dict[str, ModuleType] = {}


def _rule(name: str) -> ModuleType:
    """A rule module, imported the first time a text needs it (the hooks redact a few short
    texts: most need two or three of them)."""
    module = _MODULES.get(name)
    if module is None:
        module = _MODULES[name] = getattr(__import__(f"lessonloop.secrets.{name}").secrets, name)
    return module


def structural_spans(text: str) -> list[tuple[int, int, str]]:
    """Every span of `text` the structural rules find (start, end, kind)."""
    spans: list[tuple[int, int, str]] = []
    if len(text) < 8:
        return spans
    lowered = text.lower()
    present = _present(lowered)
    digits = _DIGIT.search(text) is not None
    if digits:
        # Each match of these rules is a run of a random token's characters: 12 or more (a random
        # token), 23 (a prefixed one), 32 (hex), 19 (a UUID's first groups); most texts hold none.
        tokens = text.encode("ascii", "replace").translate(TOKEN_CHARS)
        run = tokens.find(b"x" * 12)
        if run >= 0:
            if ("_" in text or "-" in text) and tokens.find(b"x" * 23, run) >= 0:
                spans += _rule("loose_tokens").prefixed_spans(text)
            randoms = _rule("loose_tokens").random_spans(text, tokens)
            spans += randoms
            if randoms and "\n" in text:
                spans += _rule("loose_tokens").wrapped_tails(text, randoms)
            if tokens.find(b"x" * 32, run) >= 0:
                spans += _rule("hex_keys").hex_spans(text)
        if "-" in text:
            spans += _rule("key_material").bitlocker_spans(text)
            if run >= 0 and tokens.find(b"x" * 19, run) >= 0:
                spans += _rule("context_values").prefixed_uuid_spans(text, lowered)
    if not present and text.isascii():
        return _without_markers(text, spans)
    if not present.isdisjoint(_NAMED):
        spans += _rule("loose_tokens").named_spans(text, lowered)
    if not present.isdisjoint(_CONTEXT) or not present.isdisjoint(_NAMED):
        spans += _rule("context_values").context_spans(text, lowered)
    if "-----begin" in present or "----- begin" in present:
        spans += _rule("key_material").block_spans(text)
    if "untrusted comment" in present:
        spans += _rule("key_material").untrusted_comment_spans(text)
    if "[" in present and digits and "," in text:
        spans += _rule("key_material").byte_array_spans(text)
    if "\n" in text:
        spans += _rule("key_material").key_file_spans(text, lowered)
    if not present.isdisjoint(_PROGRAM):
        spans += _rule("program_passwords").program_spans(text, value_ok)
    if not present.isdisjoint(_STORES):
        spans += _rule("secret_stores").store_command_spans(text, store_value_ok)
        if "Secret" in text:
            spans += _rule("secret_stores").k8s_secret_spans(text)
    if not present.isdisjoint(_SPOKEN) or not text.isascii():
        spans += _rule("spoken_passwords").spoken_spans(text, told_ok, lowered)
    if digits and (not present.isdisjoint(_CUED) or not text.isascii()):
        spans += _rule("cued_passwords").cued_spans(text)
    if digits and " / " in text and "(" in text:
        spans += _rule("cued_passwords").pair_spans(text)
    if "\n" in text and ("\t" in text or "   " in text) and not present.isdisjoint(_TABLE_WORDS):
        spans += _rule("told_around").table_spans(text)
    if not present.isdisjoint(_AROUND):
        spans += _rule("told_around").told_spans(text, lowered, told_ok)
    return _without_markers(text, spans)


def written_spans(text: str, lowered: str | None = None) -> list[tuple[int, int, str]]:
    """The spans of the rules that read quotes and tags as written (secrets/paired_values.py):
    run on the text and on its decoded view, as joining literals (`"adminpass" "X"`) or
    decoding entities (`value="a&lt;b"`) would hide what they read."""
    spans: list[tuple[int, int, str]] = []
    if len(text) < 8:
        return spans
    quoted = "'" in text or '"' in text
    if (("alue" in text or "efault" in text or "xample" in text) and ("=" in text or ":" in text)) or (
        "<" in text and "=" in text and quoted
    ):
        spans += _rule("paired_values").pair_spans(text)
    if ("- " in text and ":" in text) or ("," in text and ("[" in text or "{" in text)):
        spans += _rule("paired_values").list_spans(text)
    if ";" in text and "=" in text:
        spans += _rule("paired_values").connection_spans(text)
    if quoted and (".join" in text or ".format" in text):
        spans += _rule("paired_values").joined_spans(text, _joined_secret)
    if quoted:
        spans += _rule("paired_values").literal_spans(text, told_ok)
        if "\t" in text or "  " in text or " '" in text or ' "' in text:
            spans += _rule("paired_values").spaced_pair_spans(text)
        if "->" in text or "{" in text:
            spans += _rule("paired_values").arrow_and_brace_spans(text)
        if '" "' in text:
            spans += _rule("paired_values").userlist_spans(text, told_ok)
        if " set " in text or " changed " in text or "coded " in text or "defined " in text or "SET " in text:
            spans += _rule("paired_values").told_pair_spans(text)
        if _DIGIT.search(text) is not None:
            spans += _rule("paired_values").hex_argument_spans(text)
    return _without_markers(text, spans) if spans else spans


def _joined_secret(joined: str) -> bool:
    """Whether literals joined in code make a secret: a random token, or what redaction finds."""
    from lessonloop.secrets.token_shape import random_token

    if random_token(joined):
        return True
    from lessonloop.secrets.redaction import redact

    return redact(joined, "code")[1] > 0


# What is read as random or hex and is public or a hash by its label: go.sum's and Terraform's
# `h1:`/`zh:` hashes, SSH fingerprints, a JWK's `kid`, hashed known_hosts entries (`|1|salt|hash`),
# PKCE challenges and OAuth client ids, SOPS's ciphertext fields, an Ethereum address.
_PUBLIC_LABEL = LazyRegex(
    r"(?i)(?:\bh1:|\bzh:|sha1:|sha256:|sha384:|sha512:|md5:|blake2b?:|\bkid\b[\"']?[ \t]*[:=][ \t]*[\"']?|\|1\||\|1\|[A-Za-z0-9+/=]{8,60}\|"
    r"|code_challenge[\"']?[ \t]*[:=][ \t]*[\"']?|client_id=|\bstate=|\bnonce=|\biv:|\btag:|data:|address[ \t:=]+|fingerprint[ \t:=]+"
    r"|;base64,|(?m:^(?:sec|pub|ssb|sub)[ \t#>]+)|/(?:spreadsheets|document|presentation|file|forms|folders)/d/"
    r"|\betag:[ \t]*(?:W/)?\"?|\"x5c\"[ \t]*:[ \t]*\[[ \t]*\"|sitekey=\"?|site_?key[\"']?[ \t]*[:=][ \t]*[\"']?"
    r"|(?:^|[\W_])s?id(?:-\d)?[\"']?[ \t]*[:=][ \t]*[\"']?|md5:[ \t]*|\"[nexy]\"[ \t]*:[ \t]*\"|\$|\"signature\"[ \t]*:[ \t]*\""
    r"|public[ _-]?key\b[^\n]{0,40}\r?\n)$"
)
# What labels a public value by name, for the learned pass too (issue 82's look-alikes): a CI cache's
# key (`cache key: Linux-node-<hash>`, GitHub's "Cache restored from key: ..."), a public key given
# inline (`minisign public key: RW...`, `"publicKey": "..."`), a PKCE challenge in JSON or YAML.
_PUBLIC_NAMED = LazyRegex(
    r"(?i)(?:cache[ _-]?key[\"']?[ \t]*[:=][ \t]*[\"']?|(?:restored from|saved with)[ \t]+key:?[ \t]*"
    r"|public[ _-]?key[\"']?[ \t]*[:=][ \t]*[\"']?|code_challenge[\"']?[ \t]*[:=][ \t]*[\"']?)$"
)
_LOOSE_KINDS = frozenset({"random-token", "hex-key", "secret-value", "prefixed-token"})
# a block that holds no secret: anything but a private or secret key (certificates, public keys,
# signatures, encrypted files and messages)
_PUBLIC_BLOCK = LazyRegex(
    r"-----BEGIN (?![A-Z0-9 ]*(?:PRIVATE|SECRET))[A-Z0-9 ]*-----.*?(?:-----END [^-]*-----|\Z)", 16
)
# what starts ciphertext: what follows is encrypted, not a secret in the clear
_CIPHERTEXT = ("$ANSIBLE_VAULT", "kind: SealedSecret", "encryptedData", "ENC[AES256", "sops:")


def _public(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The spans of the loose rules that are public or hashes by what stands before them, or
    inside a certificate, a public key or an Ansible Vault's ciphertext."""
    blocks = [(f.start(), f.end()) for f in _PUBLIC_BLOCK.finditer(text)] if "-----BEGIN" in text else []
    found = [text.find(marker) for marker in _CIPHERTEXT if marker in text]
    vault = min(found) if found else -1
    kept = []
    for span in spans:
        if span[2] in _LOOSE_KINDS:
            if public_before(text, span[0]):
                continue
            if any(start <= span[0] < end for start, end in blocks) or 0 <= vault < span[0]:
                continue
        kept.append(span)
    return kept


def public_before(text: str, start: int, *, named: bool = False) -> bool:
    """Whether what stands before `start` labels a public value or a hash (_PUBLIC_LABEL, or with
    `named` only _PUBLIC_NAMED, what the learned pass keeps): a value found by its shape there is
    kept (a PKCE challenge, a cache key, a public key, a fingerprint)."""
    window = max(0, start - 72)
    if _PUBLIC_NAMED.search(text, window, start) is not None:
        return True
    return not named and _PUBLIC_LABEL.search(text, window, start) is not None


def _without_markers(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    if spans:
        spans = _public(text, spans)
    if spans and "[REDACTED:" in text:
        # a marker is never read again: redacting twice changes nothing
        markers = [(found.start(), found.end()) for found in _MARKER.finditer(text)]
        spans = [span for span in spans if not any(span[0] < end and start < span[1] for start, end in markers)]
    return spans


# Where a rule's pattern may match in a long text, found with str.find: the rule tries its
# pattern there only (`Pattern.match`), past the last match's end, instead of searching every
# character (a case-insensitive alternation of words is tried at each one; a pattern that starts
# with a lookbehind too), for the matches `finditer` or `search` give: each caller's places hold
# every place a match of its pattern can start (its comment says why). A case-insensitive
# pattern's words are found in the lower-cased text, at the text's places only when `plain_case`.

# What re's IGNORECASE matches to an ASCII letter where str.lower() does not put that letter at
# the same place: U+0130 (I with a dot, lowered to two characters), U+0131 (dotless i), U+017F
# (long s), U+212A (the Kelvin sign).
_FOLDS = ("\u0130", "\u0131", "\u017f", "\u212a")


def plain_case(text: str) -> bool:
    """Whether text.lower() has text's places and holds an ASCII word wherever IGNORECASE finds it
    in text."""
    return text.isascii() or not any(fold in text for fold in _FOLDS)


_NEEDLE_SET = frozenset(_NEEDLES)
_AUTOMATONS: dict[tuple[str, ...], Any] = {}  # by needles, for long texts


def _table(lowered: str) -> dict[str, list[int]] | None:
    """Where each of _ALL_NEEDLES occurs in `lowered` (every occurrence), kept as _PLACES."""
    if not _ALL_AUTOMATON:
        import ahocorasick_rs

        _ALL_AUTOMATON.append(ahocorasick_rs.AhoCorasick(list(_ALL_NEEDLES)))
    try:
        found = _ALL_AUTOMATON[0].find_matches_as_indexes(lowered, overlapping=True)
    except UnicodeEncodeError:  # a lone surrogate (undecodable bytes read as text)
        return None
    table: dict[str, list[int]] = {}
    for index, start, _end in found:
        needle = _ALL_NEEDLES[index]
        at = table.get(needle)
        if at is None:
            table[needle] = [start]
        else:
            at.append(start)
    _PLACES[0] = (lowered, table)
    return table


def occurrences(haystack: str, needles: tuple[str, ...]) -> list[int]:
    """Where each needle occurs in `haystack`, every occurrence (overlapping ones too), in no
    order: in a long text, one pass of an automaton rather than a search per needle (the text's
    places of _ALL_NEEDLES when they are known)."""
    if len(haystack) >= SHORT_TEXT:
        last = _PLACES[0]
        if last is not None and last[0] is haystack and _KNOWN.issuperset(needles):
            table = last[1]
            return [at for needle in needles for at in table.get(needle, ())]
        automaton = _AUTOMATONS.get(needles)
        if automaton is None:
            import ahocorasick_rs

            automaton = _AUTOMATONS[needles] = ahocorasick_rs.AhoCorasick(list(needles))
        try:
            return [start for _index, start, _end in automaton.find_matches_as_indexes(haystack, overlapping=True)]
        except UnicodeEncodeError:  # a lone surrogate: searched needle by needle
            pass
    found: list[int] = []
    for needle in needles:
        at = haystack.find(needle)
        while at >= 0:
            found.append(at)
            at = haystack.find(needle, at + 1)
    return found


def places(haystack: str, needles: tuple[str, ...], before: int = 0) -> list[int]:
    """Each place from `before` characters before each occurrence of a needle to the occurrence,
    ascending."""
    if not before:
        return sorted(set(occurrences(haystack, needles)))
    found: set[int] = set()
    for at in occurrences(haystack, needles):
        found.update(range(max(0, at - before), at + 1))
    return sorted(found)


def line_starts(text: str, haystack: str, needles: tuple[str, ...]) -> list[int]:
    """Where each line of `text` holding a needle (found in `haystack`, of text's places) starts,
    ascending: the places of a MULTILINE pattern's `^` whose first line holds one."""
    starts: list[int] = []
    line = searched = 0  # each line break looked for once: a long line may hold many needles
    for at in sorted(set(occurrences(haystack, needles))):
        newline = text.rfind("\n", searched, at)
        if newline >= 0:
            line = newline + 1
        searched = at
        if not starts or starts[-1] != line:
            starts.append(line)
    return starts


def matches_at(pattern: LazyRegex, text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """What pattern.finditer(text) yields when each of its matches starts at one of `starts`
    (ascending) and none is empty."""
    match = pattern.compiled.match
    end = 0
    for start in starts:
        if start >= end:
            found = match(text, start)
            if found is not None:
                end = found.end()
                yield found


def search_at(pattern: LazyRegex, text: str, starts: list[int]) -> re.Match[str] | None:
    """What pattern.search(text) gives, under matches_at's terms."""
    return next(matches_at(pattern, text, starts), None)


def _mask(characters: str) -> bytes:
    """A bytes.translate table: `x` for each of `characters` (ASCII), a space for every other byte."""
    return bytes(120 if chr(byte) in characters else 32 for byte in range(256))


# What random tokens are made of (secrets/loose_tokens.py's words), as a mask of the text's bytes
# `text.encode("ascii", "replace")` (one byte a character; `?` for the others, not among them).
TOKEN_CHARS = _mask("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-.!%~@#*^")
HEX_CHARS = _mask("0123456789abcdefABCDEF")


def runs(mask: bytes, minimum: int) -> Iterator[tuple[int, int]]:
    """Where each run of `x` in a mask of `minimum` or more starts and ends (the matches of a class
    repeated `{minimum,}`), in order."""
    run = b"x" * minimum
    start = mask.find(run)
    while start >= 0:
        end = mask.find(b" ", start + minimum)
        if end < 0:
            end = len(mask)
        yield start, end
        start = mask.find(run, end)
