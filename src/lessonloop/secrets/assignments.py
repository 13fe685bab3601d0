"""Values given to secret-named keys: `password = "..."`, `DB_TOKEN=...`, `api_key: ...`,
`--password X`, `"client_secret": "..."`, `<password>...</password>`, `aws configure set
aws_secret_access_key X`.

A match starts where redaction.py found a secret word (password, token, secret, api_key, ...).
The whole key around the word is read first (`DB_PASSWORD`, `--api-key`, `password_field`): only
a key that ENDS with a secret word names a secret (`password_field`, `max_tokens`,
`--token-file`, `secret_name` do not). Then the form decides, per scope, what counts:

- a quoted literal (`password = "s3cret!"`, `"token": "abc..."`): every scope; in code and
  output it must look like a secret (a digit and a letter, a symbol, or 12+ characters of mixed
  case), as code is full of stand-ins (`apiKey: 'proxy-handled'`, `'ollama'`);
- `KEY=value` without spaces (env files, `export`, inline env before a command, query strings,
  connection strings, `key=value` pairs of logs and prompts): every scope, except that an
  identifier value is a variable in a keyword argument (`f(password=pw)`, `f(a, token=tok)`),
  and in code and output a snake_case one given to a lower-case key (`password=user_pw`);
- `key = value` / `key: value` unquoted (INI, YAML, prose): the value must look like a secret
  (a digit and a letter, or a symbol), and in code and output a plain identifier after `=` is a
  variable;
- `--flag value`, `--flag=value`, `-flag value`: every scope (shell scripts are code; logs echo
  commands); in prose, code and output the value must look like a secret, as words follow flags
  in sentences.

Values that are never secrets: expansions and templates (`$X`, `${X:-}`, `{{ x }}`, `%(x)s`,
`<your-key>`), placeholders (`changeme`, `xxxx`, `***`, `your-...`, `example`), numbers,
paths, dotted names (`form.password`), calls and subscripts (`compute()`, `os.environ["K"]`),
ALL_CAPS names (`--token TOKEN`, `password=DB_PASSWORD`), and values containing the key's own
word (`password=db_password`).
"""

from __future__ import annotations

import re

from lessonloop.core.lazy_regex import LazyRegex

# Characters of a key name to the left of the secret word (dots for spring.datasource.password,
# dashes for --api-key and x-api-key) and to its right (no dots: `password.txt` is a file).
_NAME_LEFT = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
_NAME_RIGHT = LazyRegex(r"[A-Za-z0-9_\-.]{0,80}")  # a dotted key read whole: credential.password

# A key names a secret when it ends with one of these (after lower-casing; `-` and `.` read as `_`).
_SECRET_NAME = LazyRegex(
    r"(?:[a-z0-9]*pass"  # SSHPASS, LDAPPASS, db_pass (English words ending in pass: _NOT_PASS)
    r"|(?:^|_|db|user|admin|root|ldap|bind|smtp|ftp|mail|proxy)pwd"
    r"|(?:password|passwd|passphrase|secret|token|api_?key|access_?key|secret_?key|private_?key|app_?key"
    r"|signing_?key|encryption_?key|master_?key|auth_?key|credentials?"
    r"|macaroon|(?:pre_?)?shared_?key|authentication_?key|management_?key|pass_phrase"  # LND's, IPsec's and Wi-Fi's, routers', PIV's
    r")(?:_?(?:key|value|str|string|base|b64|base64|data|hex|text|plain|bytes))?"
    r"|private_key_id|subscription_?key|license_?key|pass(?:in|out)"  # a GCP key's id, Azure's Ocp-Apim-Subscription-Key
    r"|(?:^|_)(?:pw|auth|creds?|passcode|licen[cs]e)"  # REDIS_AUTH, MYSQL_ROOT_PW, admin_pw, DEPLOY_CREDS (a value of a secret's shape)
    r"|[a-z0-9_]*passkey|(?:^|_)psk|(?:^|_)salt|(?:^|_)cookie|(?:^|_)key_?string|(?:^|_)pat|sessionid|phpsessid|jsessionid"  # a Wi-Fi pre-shared key (psk=, wifi-sec.psk); WordPress's and Drupal's salts
    r"|(?:^|_)(?:nonce|logged_in)_key"  # WordPress's other keys (AUTH_KEY, SECURE_AUTH_KEY: auth_key)
    r"|honeycomb_team|jfrog_art_api"  # vendors' headers named after neither (X-Honeycomb-Team, X-JFrog-Art-Api)
    r"|^x_[a-z0-9_]+_key)$"  # any X-...-Key header (X-Functions-Key, X-Insert-Key, X-Partner-Key)
)
# Every name _SECRET_NAME matches ends with one of these (its last word, or the optional suffix).
_SECRET_NAME_ENDINGS = (
    "pass", "pwd", "password", "passwd", "passphrase", "secret", "token", "key", "credential", "credentials",
    "value", "str", "string", "base", "b64", "base64", "private_key_id", "passin", "passout", "psk", "salt",
    "honeycomb_team", "jfrog_art_api", "pw", "auth", "cred", "creds", "passcode", "license", "licence",
    "macaroon", "data", "hex", "text", "plain", "bytes", "cookie", "string", "pat", "sessionid", "sessid", "pass_phrase",
)  # fmt: skip
# English words (and their settings) that end in `pass` and name no password.
_NOT_PASS = frozenset(
    {"bypass", "compass", "encompass", "overpass", "underpass", "surpass", "trespass", "impass", "multipass",
     "firstpass", "onepass", "twopass", "singlepass", "secondpass", "nopass", "repass", "subpass", "renderpass"}
)  # fmt: skip
# Keys holding a password: after one, a value of four characters is a secret too (`DB_PASSWD=pa55`).
_PASSWORD_ENDINGS = ("pass", "passwd", "password", "pwd", "psk", "passphrase", "pw", "passcode")
# Keys that name a secret only sometimes (`auth: basic`, `SMTP_AUTH=login`): their value must
# have a secret's shape in every form.
_SHAPE_ENDINGS = ("auth", "cred", "creds", "license", "licence", "cookie", "pat", "sessionid")
# A bare word that gives a password to a command (`nmcli ... password "X"`, `rclone ... pass X`,
# `ALTER ROLE r WITH PASSWORD 'X'`, `wpa_cli set_network 0 psk "X"`), or a dotted or dashed
# setting ending in one (`wifi-sec.psk X`, `802-1x.password X`).
_BARE_WORDS = frozenset({"password", "passwd", "pass", "psk", "passphrase", "key_string"})
# Secret words that are not about secrets in these keys (LLM tokenizers' special tokens, paging).
_NOT_SECRET_NAMES = frozenset(
    {"bos_token", "eos_token", "pad_token", "unk_token", "sep_token", "cls_token", "mask_token", "no_token"}
)
_NOT_SECRET_ENDINGS = ("page_token", "next_token", "continuation_token", "cursor_token", "sync_token")
_SECRET_WORDS = ("password", "passwd", "passphrase", "secret", "token", "apikey", "api_key", "credential", "salt")

# After the key: an assignment operator (not ==, not ::, not a URL's ://).
_OPERATOR = LazyRegex(r"[ \t]*(?P<op>=>|:=|\?=|=(?!=)|:(?![:=/\\]))[ \t]*")
# `name: Type = value` (an annotated assignment): the annotation is skipped.
_ANNOTATION = LazyRegex(r"[A-Za-z_][\w.\[\], |]{0,60}?[ \t]*=(?!=)[ \t]*")
_BLANKS = LazyRegex(r"[ \t]+")
# `password is X`, `token was: X`, `passphrase is set to X` (prose about a secret)
_TOLD = LazyRegex(
    r"(?:[ \t]+(?:for|of|on|to)[ \t]+(?:the[ \t]+|my[ \t]+|our[ \t]+)?[\w.@-]{1,40}(?:[ \t]+[\w.@-]{1,40})?){0,2}"
    r"[ \t]+(?:is|was|=)(?:[ \t]+set[ \t]+to|[ \t]*:)?[ \t]+(?!not\b|now\b|the\b|a\b|an\b)"
)
# PHP's `define('DB_PASSWORD', 'value')` (wp-config.php): the key is the first argument.
_DEFINE_COMMA = LazyRegex(r"[ \t]*,[ \t]*")
_DEFINED = LazyRegex(r"\bdefine[ \t]*\([ \t]*$")
_USER_BEFORE = LazyRegex(r"(?:^|[ \t])(?:user|username|login)[ \t]+[^\s]+[ \t]+$")
_DOLLAR_VARIABLE = LazyRegex(r"\$[{(]|\$[A-Z_][A-Z0-9_]+|\$\w+$")  # ${X}, $(cmd), $HOME; not `B1$c0tt106.`
_AMPERSAND_REST = LazyRegex(r"&[^\s\"'`;|,<>\\]{1,100}(?=[ \t]*(?:\r?\n|$)|[ \t]+\|[ \t])")
_LINE_START = LazyRegex(r"(?:^|\n)[ \t]*$")
_SETTING = LazyRegex(r"[A-Za-z0-9]+(?:[.\-][A-Za-z0-9]+)+")  # wifi-sec.psk, 802-1x.password
_FILE_NAME = LazyRegex(r".*\.[A-Za-z][A-Za-z0-9]{0,4}$")
_COMPARISON = LazyRegex(r"\b(?:if|elif|while|assert|and|or|not|return|lambda|unless|when)\s")
# A value ends at a blank, a quote, a separator, or an escaped line break (`\n` inside a JSON
# string): _UNQUOTED reads up to a backslash, _ESCAPED goes on past one that escapes nothing of those.
_UNQUOTED = LazyRegex(r"[^\s\"'`;&|,<>\\]{1,301}")
_ESCAPED = LazyRegex(r"(?:[^\s\"'`;&|,<>\\]|\\(?![nrt\"'])){1,301}")
_QUOTE_PREFIX = LazyRegex(
    r"(?:[rRbBuU]{0,2}|@|\$@?|L|u8|N)(?=[\"'`])"
)  # r"", b'', ObjC's @"", C#'s $"", C's L"", SQL Server's N''
_SET_WORDS = ("set", "setx", "config", "--global", "--local", "--system", "--add")
_PREVIOUS_WORD = LazyRegex(r"(?:^|\s)(?:set|setx|config|--global|--local|--system|--add)[ \t]+$")

# `&` and what follows it up to the line's end: part of a `key: value` value (not a query string's
# next pair: `&name=`)
_AMPERSAND_TAIL = LazyRegex(r"&(?![\w.\-]+=)[^\s\"'`;|,<>\\]{1,100}(?=[ \t]*(?:\r?\n|$)|[ \t]+\|[ \t])")
# In single quotes nothing expands: a `$` that starts mixed case and digits is a password's
# (`'$Orbit4525orbit'`), not a variable (`'$HOME'`, `'${x}'`, `'$user2'`).
_DOLLAR_PASSWORD = LazyRegex(r"\$(?=[^$]*[A-Z])(?=[^$]*[a-z])(?=(?:[^$\d]*\d){2})[A-Za-z0-9!@#%^&*._\-]{7,63}")
_BASE64_AUTH = LazyRegex(r"[A-Za-z0-9+/]{8,}={0,2}")
_IDENTIFIER = LazyRegex(r"[A-Za-z_][A-Za-z0-9_]*")
_DOTTED = LazyRegex(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+")
_ALL_CAPS = LazyRegex(r"[A-Z][A-Z0-9_]*")
_SPACED_PASSWORD = LazyRegex(r"(?=[^ ]*[!@#$%^&*?~+=])(?=.*\d)\S{3,24}(?: \S{1,24}){1,4}")
_PUBLISHABLE = ("pk_test_", "pk_live_", "pk.ey")
_LONG_NUMBER = LazyRegex(r"\d{16,64}")
_NUMBER_LIKE = LazyRegex(r"[\d.,:_+\-/ ]+")
_TEMPLATE = LazyRegex(r"\$\{|\$\(|\{\{|\{%|%\(|#\{|^\$[A-Za-z_]|^%[A-Za-z_]+%$|^<[^>]*>$|^\{[^}]*\}$|^\[[^\]]*\]$")
_WORDS = LazyRegex(r"[^\W\d_]+(?:[-_.][^\W\d_]+)+")
_SYMBOLS = frozenset("!@#%^&*+=/~?")
_PLACEHOLDER_WORDS = frozenset(
    {
        "password", "passwd", "pass", "secret", "token", "none", "null", "nil", "true", "false", "yes", "no",
        "undefined", "string", "str", "bytes", "int", "required", "optional", "hidden", "empty", "default",
        "test", "testing", "postgres", "root", "admin", "guest", "user", "username", "changeit", "letmein",
        "foobar", "foo", "bar", "baz", "secretstr", "redacted", "masked", "unset", "missing", "env",
        "deadbeef", "cafebabe", "feedface", "abcdef", "abcdefgh", "abc123", "qwerty", "asdfgh",
        "sha1", "sha256", "sha512", "md5", "bcrypt", "argon2", "argon2id", "pbkdf2", "scrypt", "base64", "utf8",
        "utf-8", "2fa", "mfa", "totp", "oauth2", "http2", "ipv4", "ipv6", "public", "private", "stdin",
        "passwort", "kennwort", "contraseña", "senha", "wachtwoord", "lösenord", "hasło", "parola", "пароль",
        "mot de passe", "clave", "salasana", "passord", "heslo", "jelszó", "şifre", "密码", "パスワード", "비밀번호",
    }
)  # fmt: skip
_PLACEHOLDER_PARTS = (
    "your", "example", "placeholder", "changeme", "change_me", "change-me", "dummy", "redacted", "replace",
    "xxxx", "****", "...", "fake", "sample", "<", ">", "mock-", "mock_", "-mock", "_mock", "unit-test", "unit_test",
)  # fmt: skip
MIN_VALUE = 6
# After a secret-named option on a command line (`--password abcd`) the value is a secret whatever
# its length: only the shortest are left (`-p 1`, a stand-in `--token x`).
MIN_FLAG_VALUE = 4
MAX_VALUE = 300


def key_spans(text: str, start: int, end: int, scope: str, seen: set[int]) -> list[tuple[int, int, str]]:
    """The value given to the key around the secret word at text[start:end], if it is a secret.

    `seen` holds the start of every key already read (a key holding two secret words, such as
    `secret_token`, is read once)."""
    left = start
    floor = max(0, start - 80)
    while left > floor and text[left - 1] in _NAME_LEFT:
        left -= 1
    if left in seen:
        return []
    seen.add(left)
    right = _NAME_RIGHT.match(text, end).end()  # type: ignore[union-attr]
    while right > end and text[right - 1] == ".":
        right -= 1  # a sentence's full stop ends the name
    raw = text[left:right]
    name = raw.lstrip("-.")
    dashes = len(raw) - len(name) if raw.startswith("-") else 0
    core = name.lower().replace("-", "_").replace(".", "_")
    if not _names_secret(core) or not _salt_ok(name, core):
        return []
    before = text[left - 1] if left else ""
    if before == "/":
        return []  # https://token:...@: a URL's user (secrets/formats.py's)
    position = right
    # A quoted key: "password": ..., 'token' => ..., and inside a JSON string \"secret\": ...
    if before and before in "\"'":
        if text.startswith("\\" + before, position):
            position += 2
        elif text.startswith(before, position):
            position += 1
            if text.startswith("]", position):
                position += 1  # config["password"] = ..., os.environ['API_TOKEN'] = ...
    if before == ":" and _NAMESPACE.search(text, max(0, left - 33), left) is not None:
        before = "<"  # a namespaced element: `<wsse:Password Type="...">X</wsse:Password>`
    if before == "<" and text.startswith(">", position):
        return _xml_value(text, position + 1)
    if before == "<" and text.startswith((" ", "\t"), position):
        closing = text.find(">", position, position + 200)  # `<Pass encoding="base64">X</Pass>`
        if closing > 0 and "\n" not in text[position:closing] and text[closing - 1] != "/":
            return _xml_value(text, closing + 1)
    operator = _OPERATOR.match(text, position)
    form: str
    if operator is None and before in ("'", '"') and _DEFINED.search(text, max(0, left - 24), left - 1) is not None:
        comma = _DEFINE_COMMA.match(text, position)
        if comma is None or comma.end() == position:
            return []
        return _value_span(text, comma.end(), "define", name, core, dashes, scope, left)
    if operator is not None:
        op = operator.group("op")
        position = operator.end()
        spaced = operator.end() - operator.start() > len(op)
        if op == ":":
            annotated = _ANNOTATION.match(text, position)
            if annotated is not None and not text.startswith(("http", "//"), position):
                position = annotated.end()
                form = "spaced"
            else:
                form = "colon"
        elif op == "=" and not spaced:
            form = "equals"
        else:
            form = "spaced"
    else:
        blanks = _BLANKS.match(text, position)
        if blanks is None:
            return []
        told = _TOLD.match(text, position)
        if told is not None and not dashes:
            if scope == "code" and _COMPARISON.search(text, text.rfind("\n", 0, left) + 1, left) is not None:
                return []  # `if token is other_token:` compares in code
            return _told_value(text, told.end(), name, core)
        if dashes or (
            text[max(0, left - 24) : left].rstrip().endswith(_SET_WORDS)
            and _PREVIOUS_WORD.search(text, max(0, left - 40), left) is not None
        ):
            form = "flag"
        elif _bare_word(text, left, raw, core, scope):
            form = "bare"
        else:
            return []
        position = blanks.end()
    return _value_span(text, position, form, name, core, dashes, scope, left)


def _bare_word(text: str, left: int, raw: str, core: str, scope: str) -> bool:
    """The key is a word of its own that gives a password to a command (`password X`, `pass X`,
    `wifi-sec.psk X`; _BARE_WORDS), not a word inside a quoted string of a command or code (a
    commit message, an error text: the quotes before it on its line are balanced). `pass` is an
    English verb (`pass `session_id` to it`): a password's word on command lines, and elsewhere
    after a user's name (`user bob pass X`, as rclone's and lftp's settings write it)."""
    last = core.rsplit("_", 1)[-1]
    if last == "pass" and scope != "command" and _USER_BEFORE.search(text, max(0, left - 80), left) is None:
        return False
    quoted_after = text[left + len(raw) : left + len(raw) + 2].lstrip(" \t")[:1] in ("'", '"')
    dsl = quoted_after and core.endswith(("password", "passwd", "passphrase")) and _LINE_START.search(text, 0, left)
    if core not in _BARE_WORDS and not (last in _BARE_WORDS and _SETTING.fullmatch(raw) is not None) and not dsl:
        return False  # (Gradle's and Ruby's `storePassword 'X'`: a DSL's key, then its quoted value)
    if left and text[left - 1] not in " \t\n":
        return False
    if scope != "prose":
        line = text[text.rfind("\n", 0, left) + 1 : left]
        if line.count('"') % 2 or line.count("'") % 2 or line.count("`") % 2:
            return False
    return True


def _unquoted(text: str, position: int) -> tuple[int, int] | None:
    """Where an unquoted value starting at `position` ends (the fast reading unless a backslash
    stops it)."""
    found = _UNQUOTED.match(text, position)
    if found is not None and not text.startswith("\\", found.end()):
        return found.span()
    escaped = _ESCAPED.match(text, position)
    return escaped.span() if escaped is not None else None


def _told_value(text: str, position: int, name: str, core: str) -> list[tuple[int, int, str]]:
    """`my password is X`, `the token was X`: X when it has a secret's shape (a digit and a
    letter, or a symbol), as words follow `is` in sentences (`the password is wrong`)."""
    found = _unquoted(text, position)
    if found is None:
        return []
    begin, end = found
    while end > begin and text[end - 1] in ".,;:!?)]}":
        end -= 1
    value = text[begin:end]
    if value[:1] in "\"'`" or not _common_value_ok(value) or not _shaped(value) or _contains_key_word(value, core):
        return []
    if (_DOTTED.fullmatch(value) is not None and not _random_dotted(value)) or value[0] in "$%{[(@*#&/~.-\\":
        return []
    if "_" in value and _IDENTIFIER.fullmatch(value) is not None:
        return []  # a snake_case name: a variable (`the token is session_token2`)
    return [(begin, end, "assigned-secret")]


def secret_value_kind(key: str, value: str, scope: str) -> str | None:
    """The kind of secret a JSON-like value is under its key (`{"password": "..."}` in a tool's
    input), or None: the key must name a secret and the value pass a quoted literal's checks."""
    if key in _PLAIN_KEYS:  # the same keys come again and again (command, file_path, content)
        return None
    if key == "auth" and _BASE64_AUTH.fullmatch(value) is not None and _shaped(value):
        return "docker-auth"  # docker's config.json: base64 of user:password
    name = key.strip().lstrip("-.")
    core = name.lower().replace("-", "_").replace(".", "_")
    if not _names_secret(core) or not _salt_ok(name, core):
        if len(_PLAIN_KEYS) < _PLAIN_KEYS_HELD:
            _PLAIN_KEYS.add(key)
        return None
    if not _quoted_value_ok(value, "equals", scope, core) or _contains_key_word(value, core, quoted=True):
        return None
    return _kind("equals", name, core, len(key.strip()) - len(name))


# Keys secret_value_kind found to name no secret, whatever their value (at most this many held).
_PLAIN_KEYS: set[str] = set()
_PLAIN_KEYS_HELD = 4096


def _salt_ok(name: str, core: str) -> bool:
    """A salt is a secret in a configuration's constants (WordPress's `AUTH_SALT`, an env file's
    `SECRET_SALT=`) and Drupal's `hash_salt`; in code a salt is often a fixed label
    (`salt = b"itsdangerous.Signer"`)."""
    return not core.endswith("salt") or name.isupper() or core.endswith("hash_salt")


def _names_secret(core: str) -> bool:
    """Whether a key (lower-case, `-` and `.` read as `_`) names a secret: it ends with a secret
    word and is not one of the names that only mention one."""
    return not (
        not core.endswith(_SECRET_NAME_ENDINGS)  # what _SECRET_NAME needs, far cheaper to check
        or core in _NOT_SECRET_NAMES
        or core.startswith("no_")
        or core.endswith(_NOT_SECRET_ENDINGS)
        or (core.endswith("pass") and core.rsplit("_", 1)[-1] in _NOT_PASS)
        or _SECRET_NAME.search(core) is None
    )


def _value_span(
    text: str, position: int, form: str, name: str, core: str, dashes: int, scope: str, left: int
) -> list[tuple[int, int, str]]:
    prefix = _QUOTE_PREFIX.match(text, position)
    quote = ""
    if prefix is not None:
        position = prefix.end()
        quote = text[position]
    elif text.startswith('\\"', position) or text.startswith("\\'", position):
        quote = text[position : position + 2]
    if quote:
        begin = position + len(quote)
        close = text.find(quote, begin, begin + MAX_VALUE)
        while len(quote) == 1 and close > begin and _escaped(text, close):
            close = text.find(quote, close + 1, begin + MAX_VALUE)  # `"Marmal\"9CLNyr"`: the quote is the value's
        newline = text.find("\n", begin, close if close >= 0 else begin + MAX_VALUE)
        if close < 0 or newline >= 0:
            return []
        value, end = text[begin:close], close
        literal_dollar = quote == "'" and _DOLLAR_PASSWORD.fullmatch(value) is not None  # '$Orbit4525orbit'
        if not literal_dollar and (
            not _quoted_value_ok(value, form, scope, core) or (form == "bare" and not _bare_value_ok(value))
        ):
            return []
    else:
        if form == "define":
            return []  # define('KEY', getenv('KEY')): a call, not a literal
        found = _unquoted(text, position)
        if found is None:
            return []
        begin, end = found
        if form in ("colon", "spaced", "equals") and text.startswith("&", end):
            # `Password: Lobster&9115`: the `&` is the value's (not a query string's next pair)
            tail = (_AMPERSAND_TAIL if form == "equals" or "?" in text[begin:end] else _AMPERSAND_REST).match(text, end)
            if tail is not None:
                end = tail.end()
        if form == "flag" and text.startswith(("pass:", "env:", "file:", "fd:"), begin):
            if not text.startswith("pass:", begin):
                return []  # openssl -passin env:VAR / file:path
            begin += 5
        while end > begin and text[end - 1] in ".:)]}" and not _balanced(text[begin:end]):
            end -= 1
        value = text[begin:end]
        follows = text[end : end + 1]
        if not _unquoted_value_ok(value, form, scope, name, dashes, text, left, follows, core):
            return []
    if _contains_key_word(value, core, quoted=bool(quote)):
        return []
    if core.endswith(_SHAPE_ENDINGS) and not (_shaped(value) or _long_and_mixed_case(value)):
        return []
    if core.endswith(("license", "licence")) and sum(c.isdigit() for c in value) < 8:
        return []  # `"license": "Apache-2.0"`: a licence's name; a licence key holds many digits
    return [(begin, end, _kind(form, name, core, dashes))]


_NAMESPACE = LazyRegex(r"<[A-Za-z][\w.\-]{0,30}:$")


def _xml_value(text: str, position: int) -> list[tuple[int, int, str]]:
    close = text.find("</", position, position + MAX_VALUE)
    if close < 0 or "\n" in text[position:close]:
        return []
    value = text[position:close].strip()
    if not _common_value_ok(value) or not _shaped(value):
        return []
    begin = text.index(value, position) if value else position
    return [(begin, begin + len(value), "assigned-secret")]


def _kind(form: str, name: str, core: str, dashes: int) -> str:
    if "secret_access_key" in core or "secretaccesskey" in core:
        return "aws-secret-access-key"
    if core.startswith(("dd_api", "dd_app", "datadog")):
        return "datadog-key"
    if form in ("flag", "bare") or dashes:
        return "cli-secret"
    if form == "equals" and name.isupper():
        return "env-secret"
    return "assigned-secret"


def _bare_value_ok(value: str) -> bool:
    """After a bare word, quoted or not, the value must look like a secret, and not a file, a name
    or markup (`grep password src/`, `pass show mail/work`, `password hash.txt`, `password
    `reset_flow``, `**Password** Rate**:`)."""
    return (
        (_shaped(value[:-1]) or any(c.isdigit() for c in value[-1:]))  # `passwd anonymous@`: a trailing mark
        and "/" not in value
        and "**" not in value
        and not value.endswith(":")
        and re.search(r"\w=\w", value) is None
        and _FILE_NAME.fullmatch(value) is None
        and not ("_" in value and _IDENTIFIER.fullmatch(value) is not None)
    )


def _inside_call(text: str, left: int) -> bool:
    """An unclosed `(` comes before text[left] (within 400 characters): an argument list."""
    depth = 0
    for char in reversed(text[max(0, left - 400) : left]):
        if char == ")":
            depth += 1
        elif char == "(":
            if not depth:
                return True
            depth -= 1
    return False


# the names a dotted reference starts with in code (`DB_PASSWORD=settings.db_password`)
_OBJECT_NAMES = frozenset(
    {"self", "this", "os", "process", "env", "environ", "config", "conf", "cfg", "settings", "args", "opts",
     "options", "ctx", "context", "secrets", "vars", "params", "props", "app", "request", "req", "data", "user"}
)  # fmt: skip


def _env_literal(value: str, form: str, text: str, left: int) -> bool:
    """A dotted value written to an environment variable (`POSTGRES_PASSWORD=lantern.rocket63`,
    `-e DB_PASS=...`): an upper-case name tight against its `=`, which the shell reads literally,
    with a digit and no part in capitals (`settings.SECRET_KEY`) or named after an object."""
    if form != "equals" or not any(c.isdigit() for c in value):
        return False
    equals = text.find("=", left)
    name = text[left:equals]
    if equals < 0 or not name or name != name.upper() or not any(c.isalpha() for c in name) or " " in name:
        return False
    if text[equals + 1 : equals + 2] in (" ", "\t"):
        return False
    parts = value.split(".")
    return parts[0].lower() not in _OBJECT_NAMES and not any(part.isupper() for part in parts)


def _escaped(text: str, position: int) -> bool:
    """Whether text[position] follows an odd number of backslashes (is escaped)."""
    slashes = 0
    while position - slashes - 1 >= 0 and text[position - slashes - 1] == "\\":
        slashes += 1
    return slashes % 2 == 1


_DOTTED_WORDS = LazyRegex(r"[a-z]{3,12}(?:\.[a-z]{3,12}){2,5}\d{2,4}")


def _random_dotted(value: str) -> bool:
    """A token behind a short prefix and a dot (Vault's `s.Xq8...`): one long part with digits and
    both cases, unlike a dotted name (`settings.SECRET_KEY`, `rust_openssl.hpke.X25519PrivateKey`)."""
    if _DOTTED_WORDS.fullmatch(value) is not None and "self." not in value and "this." not in value:
        return True  # a passphrase of dotted words and a number (`monkey.summer.buster45`), not a name
    prefix, _, body = value.partition(".")
    if "." not in body and all(
        any(c.isdigit() for c in part) and any(c.isalpha() for c in part) for part in (prefix, body)
    ):
        return len(value) >= 12  # both parts mix letters and digits: a token (kubeadm's abcdef.0123456789abcdef)
    return (
        len(prefix) <= 4
        and "." not in body
        and len(body) >= 16
        and any(c.isdigit() for c in body)
        and _long_and_mixed_case(body)
    )


def _balanced(value: str) -> bool:
    return value.count("(") >= value.count(")") and value.count("[") >= value.count("]")


def _min_length(form: str, scope: str, dashes: int = 0, core: str = "") -> int:
    if (form in ("flag", "bare") or dashes) and scope in ("command", "prose"):
        return MIN_FLAG_VALUE
    if form == "equals" and core.endswith(_PASSWORD_ENDINGS):
        return MIN_FLAG_VALUE  # DB_PASSWD=pa55, ?passwd=pa55
    return MIN_VALUE


def _common_value_ok(value: str, minimum: int = MIN_VALUE) -> bool:
    """Checks every form shares: length, placeholders, templates, numbers, markers."""
    if not minimum <= len(value) <= MAX_VALUE or value.startswith("[REDACTED"):
        return False
    if value.startswith(_PUBLISHABLE):
        return False  # a publishable key: public by design (Stripe's pk_, Mapbox's pk.)
    lowered = value.lower()
    if lowered in _PLACEHOLDER_WORDS:
        return False
    if any(part in lowered for part in _PLACEHOLDER_PARTS) and not _long_and_mixed(value):
        return False
    if len(set(lowered)) <= 2 or (_NUMBER_LIKE.fullmatch(value) is not None and not _LONG_NUMBER.fullmatch(value)):
        return False  # a number, but not a secret made of sixteen digits or more
    return _TEMPLATE.search(value) is None


def _long_and_mixed(value: str) -> bool:
    """A long value with digits and letters is a secret even when it holds a placeholder word
    (AWS's documented example secret key, wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY)."""
    return len(value) >= 16 and any(c.isdigit() for c in value) and any(c.isalpha() for c in value) and "<" not in value


def _long_and_mixed_case(value: str) -> bool:
    return len(value) >= 12 and any(c.isupper() for c in value) and any(c.islower() for c in value)


def _shaped(value: str) -> bool:
    """Looks like a secret rather than a word: a digit and a letter, or a symbol."""
    has_digit = any(c.isdigit() for c in value)
    has_alpha = any(c.isalpha() for c in value)
    return (has_digit and has_alpha) or any(c in _SYMBOLS for c in value)


_PASSPHRASE = LazyRegex(r"[A-Za-z]{4,12}(?:[- ][A-Za-z]{4,12}){2,9}")  # correct-horse-battery-staple


def _password_value(value: str, core: str) -> bool:
    """Under a password's key, in any scope: a passphrase of three or more words, or letters with
    digits and a symbol or both cases (`dolphin37_Summit`)."""
    if not core.endswith(_PASSWORD_ENDINGS) or value.startswith(("$", "%", "{", "<", "[REDACTED", "ENC[")):
        return False
    if len(value) > 64:
        return False  # ciphertext (a SealedSecret's, SOPS's), a hash: a password is shorter
    if _PASSPHRASE.fullmatch(value) is not None:
        words = value.replace(" ", "-").lower().split("-")
        return not any(word in _PLACEHOLDER_WORDS or word in _PLACEHOLDER_PARTS for word in words)
    if value.isdigit() and 8 <= len(value) <= 64:
        return True  # a number for a password: a router's Wi-Fi key (`"12303025921657404451"`)
    if letters_soup(value):
        return True  # a generated app password: lower-case letters, few vowels (`kdbmzrqvxffhbawb`)
    if _IDENTIFIER.fullmatch(value) is not None and (value.islower() or value.isupper()):
        return False  # user_pw_2, DB_PASS_2: a variable's or a constant's name
    digits = any(c.isdigit() for c in value)
    mixed = any(c.isupper() for c in value) and any(c.islower() for c in value)
    symbol = any(not c.isalnum() for c in value)
    return len(value) >= 8 and digits and (symbol or mixed) and " " not in value and "." not in value


def _quoted_value_ok(value: str, form: str, scope: str, core: str = "") -> bool:
    if _password_value(value, core):
        return True
    if not _common_value_ok(value, _min_length(form, scope, 0, core)):
        return False
    if form == "define":
        # define('AUTH_KEY', '...'): a constant's literal; WordPress's salts hold spaces
        return (_shaped(value) or _long_and_mixed_case(value)) and not (
            _ALL_CAPS.fullmatch(value) is not None and ("_" in value or value.isalpha())
        )
    if any(c.isspace() for c in value) and core.endswith(_PASSWORD_ENDINGS) and _SPACED_PASSWORD.fullmatch(value):
        return True  # `SMTP_PASS='Kr!ssel#4 Bananen 19'`: words, a symbol and digits under a password's name
    if any(c.isspace() for c in value):
        # A passphrase in quotes after a flag or an env assignment; elsewhere quoted text with
        # spaces is a message (`"password": "must be 8 characters"`).
        return form in ("flag", "equals", "bare") and scope in ("command", "prose")
    if _ALL_CAPS.fullmatch(value) is not None and ("_" in value or value.isalpha()):
        return False  # an env variable's name: os.getenv("API_TOKEN")
    if scope in ("code", "output"):
        # Code is full of descriptive stand-ins ('proxy-handled', 'test-key', 'ollama'): a
        # literal there is a secret when it has the shape of one.
        return _shaped(value) or _long_and_mixed_case(value)
    return True


def _unquoted_value_ok(
    value: str, form: str, scope: str, name: str, dashes: int, text: str, left: int, follows: str, core: str = ""
) -> bool:
    if _password_value(value, core) and not (form == "equals" and _inside_call(text, left)):
        return True
    if not _common_value_ok(value, _min_length(form, scope, dashes, core)):
        return False
    if _sigil_password(value):
        return True  # `*CK_m&XtS=MVA5soh+tz`: a password that starts with a sigil, not a YAML alias or tag
    if value[0] in "$%{[(@*#!&/~.-\\" or any(c in value for c in "()[]{}") or _DOLLAR_VARIABLE.search(value):
        return False  # an expansion, a call, a subscript, a path, a flag, a YAML tag or anchor
    if _DOTTED.fullmatch(value) is not None and not _random_dotted(value) and not _env_literal(value, form, text, left):
        return False  # form.password, settings.SECRET_KEY (not a token such as Vault's s.Xq8...)
    if _ALL_CAPS.fullmatch(value) is not None and ("_" in value or value.isalpha()):
        return False  # a metavar or an env name: --token TOKEN, password=DB_PASSWORD
    if form in ("flag", "bare") and re.search(r"\w=\w", value):
        return False  # docker build --secret id=x,src=path
    if form == "bare":
        return _bare_value_ok(value)
    identifier = _IDENTIFIER.fullmatch(value) is not None and not _random_identifier(value)
    code_like = scope in ("code", "output")
    if form == "equals" and dashes:
        form = "flag"  # --password=X reads as --password X
    if form == "equals":
        previous = text[max(0, left - 12) : left].rstrip(" \t")[-1:]
        # `f(a, password=pw)`, `f(\n    password=pw,\n)`; not a mount's `-o user=bob,password=pw,uid=0`
        listed = previous == "," or follows in (",", ")")
        # In a list of options (`AccessToken=minutes,IdToken=days`) a lower-case word is a setting.
        keyword_argument = previous == "(" or (
            listed and (_inside_call(text, left) or (value.isalpha() and value.islower()))
        )
        if identifier and keyword_argument:
            return False  # f(password=pw), f(a, password=pw)
        if identifier and code_like and "_" in value and not name.isupper():
            return False  # password=user_pw: a variable in code
        # In code and output, words joined by dashes are a stand-in (API_KEY=your-key-goes-here).
        return not code_like or _shaped(value) or _long_and_mixed_case(value) or _WORDS.fullmatch(value) is None
    if form == "flag":
        return scope == "command" or _shaped(value)
    # spaced and colon forms; `name: value` in code is YAML (an annotation's type has no digit)
    if identifier and code_like and form == "spaced":
        return False
    return _shaped(value)


def _sigil_password(value: str) -> bool:
    """A value starting with `*`, `&`, `!` or `@` that no YAML alias, anchor, tag or decorator
    spells: eight characters or more, mixing classes, with symbols after its first character."""
    if len(value) < 8 or value[0] not in "*&!@" or any(c in value for c in "()[]{}/"):
        return False
    rest = value[1:]
    return (
        any(c.isdigit() for c in rest)
        and any(c.isalpha() for c in rest)
        and any(not c.isalnum() and c not in "_-." for c in rest)
    )


def _random_identifier(value: str) -> bool:
    """A token that happens to be made of identifier characters (hex, base62): long, with digits,
    without the underscores of a variable name."""
    if len(value) >= 12 and "_" not in value and sum(c.isdigit() for c in value) >= 3:
        return True
    # words with a number grown onto the last one (`cobalt_orbit3864`): a password, not a variable
    # (a variable's number stands apart: `report_2024`, `user_pw_2`)
    return _WORDS_AND_NUMBER.fullmatch(value) is not None


_WORDS_AND_NUMBER = LazyRegex(r"[A-Za-z]{3,}(?:_[A-Za-z]{3,})*\d{3,6}")


def _contains_key_word(value: str, core: str, quoted: bool = False) -> bool:
    """The value repeats its key's secret word (`token: tokenValue`, `password = "password_hash"`):
    a name, not a secret, unless it is long and random-looking (`SecretKeyDjango9Qz!x`) or a quoted
    literal with digits and both cases (`"client_secret": "Secret2024x"`)."""
    lowered = value.lower()
    if not any(word in core and word in lowered for word in _SECRET_WORDS):
        return False
    mixed = lowered != value and value.upper() != value
    if quoted and mixed and len(value) >= 8 and "_" not in value and any(c.isdigit() for c in value):
        return False
    return not (_long_and_mixed(value) and _long_and_mixed_case(value) and "_" not in value)


# What the structural rules (secrets/structural.py) share with the key rules.
def common_value_ok(value: str, minimum: int = MIN_VALUE) -> bool:
    return _common_value_ok(value, minimum)


def shaped(value: str) -> bool:
    return _shaped(value)


def long_and_mixed_case(value: str) -> bool:
    return _long_and_mixed_case(value)


def all_caps_name(value: str) -> bool:
    return _ALL_CAPS.fullmatch(value) is not None and ("_" in value or value.isalpha())


def dotted_name(value: str) -> bool:
    return _DOTTED.fullmatch(value) is not None and not _random_dotted(value)


def names_secret(core: str) -> bool:
    """Whether a key (lower-case, `-` and `.` read as `_`) names a secret (secrets/paired_values.py)."""
    return _names_secret(core)


def letters_soup(value: str) -> bool:
    """Twelve or more lower-case letters with few vowels (a third at most; drawn at random, a
    fifth): a generated app password (`kdbmzrqvxffhbawb`), not a word."""
    return (
        len(value) >= 12 and value.isalpha() and value.islower() and sum(map(value.count, "aeiou")) <= len(value) // 3
    )
