"""Secrets read by their context where neither a vendor's format nor a secret word's key names
them (issue 60):

- a value under any name ending in `key` (`CYPRESS_RECORD_KEY: <uuid>`, `"routing_key": "..."`)
  when the value is random (a UUID, a long hex or random token), unless the name says the key is
  not a secret (sort, primary, public, cache, ...);
- PINs: `DEPLOY_PIN=31428366`, `PIN 5423`, `PUK 04971604`, `the PIN is 6827`;
- a URL's password when its user holds an `@` (`smtp://alerts@acme.io:PW@smtp.host`), JDBC's
  Oracle `thin:user/PW@`, `openssl passwd 'PW'`, an ftp script's `user NAME PW`;
- a value printed right after a command that reads a secret (`terraform output -raw
  db_password`, `kubectl get secret ... | base64 -d`): the next line when it is one token;
- a webhook URL's path after its `hook` segment (`/hooks/<token>`);
- a setup key of a two-factor app written in groups (`6fxt rh34 k72d ...`);
- a seed phrase written as a numbered grid after the words recovery/seed phrase or mnemonic.
"""

from __future__ import annotations

from itertools import pairwise

from lessonloop.core.lazy_regex import LazyRegex
from lessonloop.secrets.assignments import dotted_name, letters_soup, names_secret
from lessonloop.secrets.paired_values import literal_ok
from lessonloop.secrets.structural import line_starts, matches_at, occurrences, places, plain_case, search_at, told_ok
from lessonloop.secrets.token_shape import is_hex, random_token

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re
    from collections.abc import Iterator

_KEY_NAME = LazyRegex(
    r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9_.\-]{0,60}?(?:[_.\-]key|Key|KEY))[\"']?[ \t]*(?:=|:|=>|:=)[ \t]*"
    r"[\"']?([A-Za-z0-9+/=_\-.~]{16,300})(?=[\"'\s,;}\]]|$)"
)
_NOT_SECRET_KEYS = (
    "sort", "primary", "foreign", "cache", "partition", "public", "publishable", "hot", "shortcut", "idempotency",
    "object", "s3", "map", "dict", "lookup", "group", "index", "unique", "composite", "range", "hash", "row",
    "cluster", "dedup", "dedupe", "lock", "storage", "sign", "pub", "ssh_pub", "query", "react", "render",
    "translation", "i18n", "message", "label", "field", "column", "table", "foreign", "natural", "surrogate",
    "redis", "kv", "cache_", "state", "local_storage", "session_storage", "route", "node", "item", "entry",
)  # fmt: skip
_UUID = LazyRegex(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_PIN_NAME = LazyRegex(
    r"(?<![A-Za-z])[A-Za-z0-9_]*(?:PIN|Pin|PUK)(?:_?CODE|Code)?[\"']?[ \t]*[=:][ \t]*[\"']?(\d{4,12})\b"
)
_PIN_WORDS = LazyRegex(
    r"(?<![A-Za-z])(?:PIN|PUK|PIN code|pin code|passcode|Passcode|PIN number)(?:[ \t]+(?:is|was|number|code))?"
    r"[ \t]*[:=]?[ \t]*(\d{4,12})(?![\d.])"
)
_URL_AT_USER = LazyRegex(r"\b[a-z][a-z0-9+.\-]{1,20}://[^\s:/@]+@[^\s:/@]+:([^\s/@]{3,200})@[\w.\-]+")
# a URL whose user part is a token and holds no password (`https://<key>@o1.ingest.sentry.io/5`,
# `https://<token>@github.com/org/repo.git`)
_URL_TOKEN_USER = LazyRegex(r"\b[a-z][a-z0-9+.\-]{1,20}://([A-Za-z0-9_\-]{20,200})@[\w\-]+\.[\w.\-]+")
_JDBC_THIN = LazyRegex(r"thin:[\w.$\-]+/([^@\s\"']{3,200})@")
_OPENSSL_PASSWD = LazyRegex(r"openssl[ \t]+passwd[ \t]+(?:-\S+[ \t]+)*([\"'])([^\"'\n]{3,200})\1")
_FTP_USER = LazyRegex(r"(?m)^[ \t]*user[ \t]+\S+[ \t]+(\S{4,200})[ \t]*$")
_READS_SECRET = LazyRegex(
    r"(?im)^[ \t]*(?:(?:[$>#%][ \t]*|PS[^>\n]{0,60}>[ \t]*)(?:sudo[ \t]+)?[\w./\\-]+"  # any program after a prompt
    r"|(?:[$>#%][ \t]*|PS[^>\n]{0,60}>[ \t]*)?(?:sudo[ \t]+)?(?:terraform|tofu|kubectl|oc|vault|aws|gcloud|az"
    r"|op|doppler|pass|gopass|bw|lpass|security|cat|type|echo|printf|heroku|fly|flyctl|gh|docker|podman|openssl"
    r"|pwgen|head|jq|yq|sops|age|gpg|infisical|chamber|berglas|kubeseal|helm|ansible-vault|grep))\b"
    r"[^\n]*?(?:password|passwd|secret|token|credential|api[_-]?key|private[_-]?key|macaroon|rand[ \t]+-hex|rand[ \t]+-base64"
    r"|urandom|token_hex|token_urlsafe|pwgen|genpass|keygen|\w*pass(?=[._\-]|\b))[^\n]*\r?\n"
    # a few lines of the tool's messages (`Warning: token will expire ...`) may stand before the value
    r"(?:[ \t]*[^\s\n][^\n]*[ \t][^\n]*\r?\n){0,3}?"
    r"[ \t]*(\S{8,1000}?)(?:[ \t]*\r?$|(?=[$>][ \t]))"  # the next prompt may follow on its line
)
# a secret written into a file named for one: `echo 'X' > ~/.vault_pass.txt`
_ECHO_TO_FILE = LazyRegex(
    r"\b(?:echo|printf)[ \t]+(?:-[neE]+[ \t]+)*([\"']?)([^\s\"'|>]{6,300})\1[ \t]*>>?[ \t]*"
    r"[^\s;&|]*(?:pass|secret|token|key|cred|pwd)[^\s;&|]*"
)
# Redis MONITOR's quoted AUTH
_QUOTED_AUTH = LazyRegex(r"\"AUTH\"[ \t]+(?:\"[^\"\n]{1,64}\"[ \t]+)?\"([^\"\n]{4,300})\"")
# ODBC's braced value: `Pwd={p@ss;word}`
_ODBC_BRACED = LazyRegex(r"(?i)\b(?:pwd|password)[ \t]*=[ \t]*\{([^}\n]{3,200})\}")
# `Basic <base64 of user:password>` given without a header's colon (nginx, code)
_BASIC = LazyRegex(r"\bBasic[ \t]+([A-Za-z0-9+/]{8,300}={0,2})(?![A-Za-z0-9+/=])")
# a Wi-Fi QR code's text: `WIFI:T:WPA;S:ssid;P:password;;`
_WIFI_QR = LazyRegex(r"WIFI:(?:[^;\n]*;)*?P:((?:\\;|[^;\n]){1,200});")
# NSS key log lines (SSLKEYLOGFILE): a label, a client random, a secret
_KEYLOG = LazyRegex(
    r"(?m)^(?:CLIENT_RANDOM|[A-Z_]*TRAFFIC_SECRET(?:_\d)?|EXPORTER_SECRET|EARLY_EXPORTER_SECRET)[ \t]+[0-9a-fA-F]{32,128}[ \t]+([0-9a-fA-F]{32,256})"
)
# keys printed by `klist -K`: `(0x<hex>)`
_KLIST_KEY = LazyRegex(r"\(0x([0-9a-fA-F]{32,256})\)")
# a key given in a URL's query: `?key=...`, `&apikey=...`
_QUERY_KEY = LazyRegex(
    r"[?&](?:key|apikey|api_key|api-key|secret|client_secret|sig|signature|token|access_token|auth)=([^&\s\"'#]{16,300})"
)
_HOOK_URL = LazyRegex(r"https?://[^\s\"'<>]*?hooks?[^\s\"'<>/]*/([^\s\"'<>?#]+)")
_GROUPED = LazyRegex(r"(?i)(?:key|secret|code)\b[^:\n]{0,60}:\s*((?:[a-z2-7]{4}[ \t]){3,}[a-z2-7]{4})\b")
_GROUPS_OF_FOUR = LazyRegex(r"(?:[A-Za-z2-7]{4}[ \t]){3,}[A-Za-z2-7]{4}\b")
_SEED_HEAD = LazyRegex(r"(?i)(?:recovery|seed|secret|backup)[ \t]+(?:phrase|words)|mnemonic|\bseed\b")
_NUMBERED_WORD = LazyRegex(r"(?<![\w])\d{1,2}[.)][ \t]+([a-z]{3,8})\b")
# a line of a numbered list that is one word: `7. muffin`
_NUMBERED_LINE = LazyRegex(r"(?m)^[ \t]*(\d{1,2})[.)][ \t]+([a-z]{3,8})[ \t]*\r?$")


def _numbered_seed_spans(text: str) -> list[tuple[int, int, str]]:
    """A seed phrase written as a numbered list without a heading: twelve lines or more numbered
    from 1 on, each one word of the BIP-39 list and nothing else."""
    from lessonloop.secrets.bip39_words import WORDS

    words = frozenset(WORDS)
    out: list[tuple[int, int, str]] = []
    run: list[re.Match[str]] = []
    for found in [*_NUMBERED_LINE.finditer(text), None]:
        if found is not None and found.group(2) in words and int(found.group(1)) == len(run) + 1:
            run.append(found)
            continue
        if len(run) >= 12:
            out += [(item.start(2), item.end(2), "seed-phrase") for item in run]
        run = [found] if found is not None and found.group(1) == "1" and found.group(2) in words else []
    return out


# a table's row of a secret-named key and its value (`vault kv get`): two spaces or more between
_TABLE_ROW = LazyRegex(
    r"(?im)^[ \t|]*([\w.\-]*(?:passw(?:or)?d|passphrase|secret|token|api[_-]?key|private[_-]?key|credentials?))"
    r"[ \t|]{2,}([^\s|]{4,300})[ \t|]*$"
)
# a Markdown table whose header names a password, token or secret column: that column's cells
_TABLE_HEADER = LazyRegex(r"(?im)^[ \t]*\|(.*(?:passw|secret|token|api key|pin\b).*)\|[ \t]*$")
# `"sensitive": true, ..., "value": "X"` (terraform output -json)
_SENSITIVE = LazyRegex(r"\"sensitive\"[ \t]*:[ \t]*true[^{}]{0,200}?\"value\"[ \t]*:[ \t]*\"([^\"]{4,500})\"")
# redis-cli's reply to CONFIG GET of a password: `1) "requirepass"` then `2) "X"`
_REPLY_PAIR = LazyRegex(
    r"(?m)^[ \t]*\d+\)[ \t]+\"(\w*(?:pass|secret|token|key)\w*)\"[ \t]*\r?\n[ \t]*\d+\)[ \t]+\"([^\"]{4,300})\""
)
# a block named for a password (OpenVPN's inline <auth-user-pass>): its lines after the user's
_NAMED_BLOCK = LazyRegex(r"<([\w-]*(?:pass|secret|cred)[\w-]*)>[ \t]*\r?\n(.*?)\r?\n[ \t]*</\1>", 16)
# SQL's INSERT with its columns named: the values under secret-named columns
_INSERT = LazyRegex(r"(?is)insert[ \t]+into[ \t]+\S+[ \t]*\(([^)]{1,500})\)\s*values\s*\((.{1,2000}?)\)[ \t]*[;,]")
_SQL_VALUE = LazyRegex(r"[ \t]*(?:N?'((?:[^']|'')*)'|([^,]+))[ \t]*(?:,|$)")
# a table's column of secrets: its header names one and nothing else (`Password`, `API key`)
_SECRET_CELL = LazyRegex(
    r"(?:[\w]{1,14}[ _-]){0,2}(?:password|passwd|pass|pwd|secret|api[ _-]?key|token|pin|credentials?|passwort|kennwort"
    r"|contraseña|senha|mot de passe|mdp|wachtwoord|lösenord|hasło|heslo|salasana|passord|şifre|пароль|密码|密碼|パスワード|비밀번호)"
)
_SECRET_COLUMN = LazyRegex(r"(?i)passw|secret|token|api_?key|private_?key|credential|pin$")
# a UUID behind a prefix that names a key (sdk-, api-, key-, sk-, mob-): a key, not an id
_PREFIXED_UUID = LazyRegex(
    r"(?<![\w-])(?:sdk|mob|api|key|sk|pk|secret|token|tok|auth)-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b"
    r"|\b([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:fx)\b"
)


# a call that logs in or connects, given a user then a password as string literals
_LOGIN_CALL = LazyRegex(
    r"(?i)(?:connect|login|logon|signin|sign_in|authenticate|auth|credentials?|getconnection|pdo|basicauth"
    r"|basic_auth|passwordauthentication|networkcredential)[\w]*[\"']?[ \t]*[=:]?[ \t]*\(([^()\n]{0,400}(?:\([^()\n]{0,200}\))?[^()\n]{0,100})\)"
)
# a setter or builder given a password: `.password("X")`, `setPassword("X")`, `Some("X")` after basic_auth
_SETTER = LazyRegex(
    r"(?i)(?:\.|\b)(?:set_?|with_?)?(?:password|passwd|passphrase|secret|api_?key|token|auth)[ \t]*\([ \t]*(?:Some\()?[\"']([^\"'\n]{4,300})[\"']"
)
_ENV_NAMES = ("getenv", "get_env", "environ.get", "env.get", "env.fetch", "env::var_or", "process.env.")
# the default of an environment variable named for a secret: os.environ.get("PGPASS", "X")
_ENV_DEFAULT = LazyRegex(
    r"(?i)(?:getenv|get_env|environ\.get|env\.get|env\.fetch|ENV\.fetch|os\.Getenv|env::var_or|process\.env\.)"
    r"[ \t]*\(?[ \t]*[\"']?(\w*(?:pass|secret|token|key|pwd)\w*)[\"']?[ \t]*"
    r"(?:,|\)?[ \t]*(?:\|\||\?\?|\bor\b|\?:))[ \t]*[\"']([^\"'\n]{4,300})[\"']"
)
# a placeholder's default named for a secret: Spring's `${db.password:X}`, the shell's `${DB_PASS:-X}`
_PLACEHOLDER_DEFAULT = LazyRegex(
    r"\$\{[\w.\-]*(?:pass|PASS|Pass|secret|SECRET|Secret|token|TOKEN|Token|pwd|PWD|key|KEY|Key)[\w.\-]*:-?([^\s{}$]{4,300})\}"
)
# a DSN's password without a scheme: "user:PW@tcp(host:3306)/db"
_DSN = LazyRegex(r"[\"'](?!mailto:)[\w.\-]{1,64}:([^@\s\"'/:]{3,200})@(?:tcp|unix|udp)?[(\w]")
# a UUID given to a name for a secret: `SecretID: <uuid>`, `"token": "<uuid>"`
_SECRET_UUID = LazyRegex(
    r"(?i)\b\w*(?:secret|token|passw|password|api_?key)\w*[\"']?[ \t]*[:=][ \t]*[\"']?"
    r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b"
)
# a configuration line `key value` whose key names a password (msmtp, keepalived, snmpd, ipsec)
_CONFIG_LINE = LazyRegex(
    r"(?m)^[ \t]*(?:[+\-][ \t]*)?(?:(?:[a-z][a-z_\-]*pass(?:word|wd|phrase)?|[a-z][a-z_\-]*pw|password|passwd|passphrase"
    r"|auth_pass|secret|psk|tls_key_pass)"
    r"[ \t]+(?![=:(\[])([^\s#:][^\s:]{3,199}|(?:[a-z]{4}[ \t]){3}[a-z]{4})"
    r"|(?:ro|rw)?community[ \t]+(?![=:(\[])([^\s#:]{4,200})(?:[ \t]+[\w.:/\-]{1,60})?)[ \t]*$"
)
# reversibly encrypted secrets of network gear: Juniper's `$9$...`
_JUNIPER_9 = LazyRegex(r"\$9\$[A-Za-z0-9./\-]{8,300}")
# a TOTP seed: base32 of 16 characters or more, in a text about one-time codes
_AGE_KEY = LazyRegex(r"(?i)AGE-SECRET-KEY-1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{50,70}")
_PRAGMA_KEY = LazyRegex(r"(?i)\bPRAGMA[ \t]+(?:re)?key[ \t]*=[ \t]*['\"]([^'\"\n]{4,300})['\"]")
_NTLM = LazyRegex(r"\bNTLM[ \t]*:[ \t]*([0-9a-fA-F]{32})\b")
# an SMTP AUTH LOGIN exchange: the reply to `334 UGFzc3dvcmQ6` (base64 of `Password:`)
_SMTP_PASSWORD_REPLY = LazyRegex(r"334[ \t]+UGFzc3dvcmQ6[ \t]*\r?\n[>C: \t]*([A-Za-z0-9+/]{4,300}={0,2})")
_OTP_WORDS = ("totp", "otp", "2fa", "mfa", "authenticator", "oath", "otpauth", "one-time")
_BASE32_SEED = LazyRegex(r"(?<![A-Za-z0-9])(?:[A-Z2-7]{16,128}|[a-z2-7]{16,128})={0,6}(?![A-Za-z0-9])")
# a secret piped into an encoder, and what the encoder printed
_ENCODED_ECHO = LazyRegex(
    r"(?m)(?:\becho[ \t]+(?:-[neE]+[ \t]+)*|\bprintf[ \t]+(?:[\"']%s(?:\\n)?[\"'][ \t]+|--[ \t]+)?)"
    r"([\"']?)(?:%s(?:\\n)?)?([^\s\"'|]{6,200})\1[ \t]*\|[ \t]*"  # `'%s' 'pw'`, read joined: `'%spw'`
    r"(?:base64|xxd(?:[ \t]+-p)?|od[ \t]+-\S+|hexdump[^\n|]*|openssl[ \t]+(?:base64|enc)[^\n|]*)[^\n]*\r?\n(\S{8,400})[ \t]*$"
)
# an API's key as a path segment after its version: `https://mainnet.infura.io/v3/<key>`
_VERSIONED_KEY = LazyRegex(
    r"https?://[\w.\-]+(?::\d+)?/v\d{1,2}/([0-9a-fA-F]{32,64}|[A-Za-z0-9_\-]{32,64})(?=[/\s\"'?#,)]|$)"
)
_PSK = LazyRegex(r"\b(?:PSK|EAP|XAUTH)[ \t]+\"([^\"\n]{4,300})\"")
# `set DB_PASSWORD to X` (a summary of what was done)
_SET_TO = LazyRegex(
    r"(?i)\bset[ \t]+`?[\w.\-]*(?:pass|secret|token|key)\w*`?[ \t]+to[ \t]+`?([^\s`]{4,200}?)`?(?=[\s,.;]|$)"
)
# a CSV whose header names a password column
_CSV_HEADER = LazyRegex(r"(?im)^([^\n,]*(?:,[^\n,]*){1,30})$")
# `pass show NAME` / `gopass show NAME`: the password is the next line
_PASS_SHOW = LazyRegex(r"(?m)^[$>#][ \t]*(?:pass|gopass)[ \t]+(?:show[ \t]+)?\S+[ \t]*\r?\n(\S{6,300})[ \t]*\r?$")
# what names a secret in other syntaxes: C's `#define X_PASS "..."`, EDN's and Ruby's `:pass "..."`,
# a plist's `<key>AuthPassword</key><string>...</string>`, XML's CDATA, YAML's block scalar
_SECRET_NAME_PART = (
    r"\w*(?:PASS|Pass|pass|PSK|Psk|psk|SECRET|Secret|secret|TOKEN|Token|token|PWD|Pwd|pwd|KEY|Key|key)\w*"
)
_DEFINE = LazyRegex(r"#define[ \t]+" + _SECRET_NAME_PART + r"[ \t]+\"([^\"\n]{4,300})\"")
# (the colon not after a word's character or a colon: its lookbehind follows the colon, so that
# the search looks for colons first)
_KEYWORD = LazyRegex(
    r":(?<![\w:]:)[\w-]*(?:pass|password|passwd|secret|token|api-key|pwd)[\w-]*[ \t]+\"([^\"\n]{4,300})\""
)
# (and its likes: KeePass's `<Key>Password</Key><Value ...>`, Hadoop's `<name>x.password</name><value>`)
_PLIST = LazyRegex(
    r"<(key|Key|KEY|name|Name)>[\w.\-]*?(?:[Pp]ass(?:word|wd|phrase)?|PASS(?:WORD|WD)?|[Ss]ecret|SECRET|[Tt]oken|TOKEN"
    r"|[Pp]wd|PWD|[Kk]ey|KEY|[Pp]sk|PSK)</\1>\s*"
    r"<(string|value|Value|VALUE|data)(?:[ \t][^<>\n]{0,200})?>([^<\n]{4,300})</\2>"
)
# an element named for a secret holding it in a child element: unattend.xml's
# `<AdministratorPassword><Value>X</Value>`
_VALUE_CHILD = LazyRegex(
    r"<([\w:.\-]*(?:[Pp]assword|PASSWORD|[Pp]asswd|[Ss]ecret|SECRET|[Pp]assphrase))>\s*<(Value|value|string)>([^<\n]{4,300})</\2>"
)
# IMAP's LOGIN command in a protocol log: `a1 LOGIN user PW`
_IMAP_LOGIN = LazyRegex(r"(?m)^[\w.]{1,12}[ \t]+(?:LOGIN|login)[ \t]+\S+[ \t]+(\S{4,200})[ \t]*\r?$")
_CDATA = LazyRegex(r"<(" + _SECRET_NAME_PART + r")>\s*<!\[CDATA\[(.{1,300}?)\]\]>\s*</\1>", 16)
_BLOCK_SCALAR = LazyRegex(
    r"(?m)^([ \t]*)[\w.\-]*(?:pass|password|passwd|secret|token|passphrase|pwd)[\w.\-]*:[ \t]*[|>][-+]?[ \t]*\r?\n"
    r"\1[ \t]+(\S[^\n]{3,300})$"
)
# network gear: `enable secret 0 X`, `username u secret 0 X`, `password 7 X`, `snmp-server community X`,
# `authentication-key "X"`, `pre-shared-key X`
_DEVICE = LazyRegex(
    r"(?im)^[ \t]*(?:\S+\(config[^)]*\)#[ \t]*)?(?:enable[ \t]+|snmp-server[ \t]+|username[ \t]+\S+[ \t]+(?:privilege[ \t]+\d+[ \t]+)?"
    r"|set[ \t]+(?:\S+[ \t]+){0,8}?|/\S+[ \t]+(?:\S+[ \t]+){0,4}?)?"
    r"(?:secret|password|community|authentication-key|key-string|pre-shared-key|wpa2?-pre-shared-key)"
    r"(?:[ \t]+[0-9])?[ \t]+\"?([^\s\"=:]{4,200})\"?(?=[ \t]|$)"
)
# dovecot's and others' `{PLAIN}password` in a passwd-file; postfix's sasl_passwd `[host]:port user:PW`
_PLAIN_SCHEME = LazyRegex(r"\{(?:PLAIN|CLEAR|CLEARTEXT|PLAINTEXT)\}([^:\s]{3,200})")
# Postfix's sasl_passwd: `[smtp.example.com]:587 user@example.com:PW` (a host in the brackets, not a
# Markdown reference's `[1]` or `[link]`; a URL after them is no `user:PW`)
_SASL_LINE = LazyRegex(r"(?m)^\[[^\]\n.]*\.[^\]\n]*\](?::\d+)?[ \t]+[^:\s/]+:(?!//)(\S{3,200})[ \t]*$")
# backup and recovery codes listed after their heading: `1234 5678`, `abcde-12345`
_CODES_HEAD = LazyRegex(r"(?i)(?:backup|recovery|verification|one-time)[ \w()\-]{0,20}codes?")
_CODE = LazyRegex(r"(?<![\w-])(?:\d{4}[ ]\d{4}|\d{8}|[a-z0-9]{4,5}-[a-z0-9]{4,5})(?![\w-])")
_LITERAL = LazyRegex(r"[\"']((?:[^\"'\\\n]|\\.){1,300})[\"']")
# `btoa("user:PW")`, `b64encode(b"user:PW")`: a Basic credential before it is encoded
_ENCODED_PAIR = LazyRegex(
    r"(?i)(?:btoa|b64encode|base64_encode|encodetostring|encode64|strict_encode64)[ \t]*\([ \t]*b?[\"']"
    r"[^\"':\n]{1,100}:([^\"'\n]{3,200})[\"']"
)


_CALL_NAMES = (
    "connect", "login", "logon", "signin", "sign_in", "authenticate", "auth", "credential", "getconnection", "pdo",
    "basicauth", "basic_auth", "passwordauthentication", "networkcredential",
)  # fmt: skip


def _positions(lowered: str, name: str) -> list[int]:
    out = []
    position = lowered.find(name)
    while position >= 0:
        out.append(position)
        position = lowered.find(name, position + len(name))
    return out


def _login_spans(text: str, lowered: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    starts = sorted({position for name in _CALL_NAMES for position in _positions(lowered, name)})
    calls = [found for found in (_LOGIN_CALL.match(text, position) for position in starts) if found is not None]
    for call in calls:
        literals = list(_LITERAL.finditer(text, call.start(1), call.end(1)))
        for first, second in pairwise(literals):
            between = text[first.end() : second.start()].replace(" ", "")
            value = second.group(1)
            if between in (",", ",Some(", ",Option(", ",Optional.of(") and (
                _password_shape(value) or letters_soup(value)
            ):
                out.append((second.start(1), second.end(1), "login-password"))
    plain = plain_case(text)
    # each call's name holds btoa or encode, at most 7 characters from its start
    pairs = matches_at(_ENCODED_PAIR, text, places(lowered, ("btoa", "encode"), 7)) if plain else None
    for found in _ENCODED_PAIR.finditer(text) if pairs is None else pairs:
        out.append((found.start(1), found.end(1), "basic-credential"))
    # a setter's name holds pass, secret, api, token or auth, at most 6 characters from the
    # match's start (`.with_`)
    setters = (
        matches_at(_SETTER, text, places(lowered, ("pass", "secret", "api", "token", "auth"), 6)) if plain else None
    )
    for found in _SETTER.finditer(text) if setters is None else setters:
        if _password_shape(found.group(1)):
            out.append((found.start(1), found.end(1), "login-password"))
    return out


def _config_spans(text: str, lowered: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    plain = plain_case(text)
    for name in _ENV_NAMES:  # read where an environment lookup is, not over the whole text
        for position in _positions(lowered, name) if name in lowered else ():
            found = _ENV_DEFAULT.match(text, position)
            if found is not None and _not_placeholder(found.group(2)):
                out.append((found.start(2), found.end(2), "env-default-secret"))
    if "${" in text:
        out += [
            (f.start(1), f.end(1), "env-default-secret")
            for f in _PLACEHOLDER_DEFAULT.finditer(text)
            if _not_placeholder(f.group(1)) and told_ok(f.group(1))
        ]
    if "@" in text and ":" in text:
        out += [(f.start(1), f.end(1), "dsn-password") for f in _DSN.finditer(text)]
    if "-" in text and any(word in lowered for word in ("secret", "token", "passw", "api_key", "apikey")):
        uuids = matches_at(_SECRET_UUID, text, _word_starts(text, lowered, _UUID_NAMES)) if plain else None
        out += [
            (f.start(1), f.end(1), "secret-uuid") for f in (_SECRET_UUID.finditer(text) if uuids is None else uuids)
        ]
    if any(word in lowered for word in _CONFIG_WORDS):
        for found in _CONFIG_LINE.finditer(text):
            group = 1 if found.group(1) is not None else 2
            value = found.group(group).strip().strip("\"'")
            name = text[found.start() : found.start(group)].split()[0].lower()
            if name.endswith("pass") and name.rsplit("_", 1)[-1] in ("bypass", "compass", "surpass", "encompass"):
                continue
            if len(value) >= 4 and value.lower() not in _NOT_CONFIG_VALUES:
                start = text.index(value, found.start(group))
                out.append((start, start + len(value), "config-secret"))
    if "PSK" in text or "EAP" in text or "XAUTH" in text:
        out += [(f.start(1), f.end(1), "psk") for f in _PSK.finditer(text)]
    if "set " in lowered and " to " in lowered:
        sets = matches_at(_SET_TO, text, places(lowered, ("set",))) if plain else _SET_TO.finditer(text)
        out += [(f.start(1), f.end(1), "secret-value") for f in sets if _password_shape(f.group(1))]
    if "pass " in lowered:
        out += [(f.start(1), f.end(1), "secret-output") for f in _PASS_SHOW.finditer(text)]
    if any(separator in text for separator in _SEPARATORS) and any(word in lowered for word in _CELL_WORDS):
        out += _csv_spans(text, lowered)
    if "#define" in text:
        out += [
            (f.start(1), f.end(1), "assigned-secret") for f in _DEFINE.finditer(text) if _not_placeholder(f.group(1))
        ]
    if ":" in text and '"' in text and any(word in lowered for word in ("pass", "secret", "token", "pwd")):
        out += [
            (f.start(1), f.end(1), "assigned-secret") for f in _KEYWORD.finditer(text) if _not_placeholder(f.group(1))
        ]
    if "<value>" in lowered or "<string>" in lowered:
        out += [
            (f.start(3), f.end(3), "assigned-secret")
            for f in _VALUE_CHILD.finditer(text)
            if _not_placeholder(f.group(3)) and told_ok(f.group(3))
        ]
    if " login " in lowered:
        out += [(f.start(1), f.end(1), "login-password") for f in _IMAP_LOGIN.finditer(text) if told_ok(f.group(1))]
    if "<key>" in lowered or "<name>" in lowered:
        out += [
            (f.start(3), f.end(3), "assigned-secret") for f in _PLIST.finditer(text) if _not_placeholder(f.group(3))
        ]
    if "CDATA" in text:
        out += [(f.start(2), f.end(2), "assigned-secret") for f in _CDATA.finditer(text)]
    if "|" in text or ">" in text:
        out += [
            (f.start(2), f.end(2), "assigned-secret")
            for f in matches_at(_BLOCK_SCALAR, text, line_starts(text, text, ("pass", "secret", "token", "pwd")))
            if _not_placeholder(f.group(2))
        ]
    if any(word in lowered for word in ("secret", "password", "community", "key")):
        # its word is on the line it starts, or a `(config...)#` prompt there is
        devices = line_starts(text, lowered, _DEVICE_WORDS) if plain else None
        for found in _DEVICE.finditer(text) if devices is None else matches_at(_DEVICE, text, devices):
            if told_ok(found.group(1)):
                out.append((found.start(1), found.end(1), "device-secret"))
    if "{" in text:
        out += [(f.start(1), f.end(1), "assigned-secret") for f in _PLAIN_SCHEME.finditer(text)]
    if "[" in text:
        hosts = ([0] if text.startswith("[") else []) + [at + 1 for at in places(text, ("\n[",))]
        out += [(f.start(1), f.end(1), "url-password") for f in matches_at(_SASL_LINE, text, hosts)]
    if ("echo" in lowered or "printf" in lowered) and ">" in text:
        for found in _ECHO_TO_FILE.finditer(text):
            if found.group(2)[0] not in "$%{<" and _printed_secret(found.group(2)):
                out.append((found.start(2), found.end(2), "secret-file"))
    if '"AUTH"' in text:
        out += [(f.start(1), f.end(1), "auth-password") for f in _QUOTED_AUTH.finditer(text)]
    if "={" in text.replace(" ", ""):
        out += [
            (f.start(1), f.end(1), "dsn-password")
            for f in _ODBC_BRACED.finditer(text)
            if _not_placeholder(f.group(1))
            and not (f.group(1).isidentifier() and not any(c.isdigit() for c in f.group(1)))
        ]
    if "Basic" in text:
        for found in _BASIC.finditer(text):
            if _basic_pair(found.group(1)):
                out.append((found.start(1), found.end(1), "basic-auth"))
    if ";base64," in text:
        for found in _DATA_URI.finditer(text):
            if _decodes_to_secret(found.group(1)):
                out.append((found.start(1), found.end(1), "encoded-secret"))
    if "::" in text:
        # LDIF's base64 value (`userPassword:: ...`) of an attribute named for a secret
        for found in _LDIF_BASE64.finditer(text):
            if names_secret(found.group(1).lower().replace("-", "_")):
                out.append((found.start(2), found.end(2), "config-secret"))
    if "auth " in lowered and ":" in text:
        out += [(f.start(1), f.end(1), "config-secret") for f in _AUTH_PAIR_LINE.finditer(text) if told_ok(f.group(1))]
    if "key" in lowered and _SETUP_KEY.search(text) is not None:
        for found in _SETUP_KEY.finditer(text):
            groups = found.group(1)
            if sum(c.isdigit() for c in groups) >= 2:
                out.append((found.start(1), found.end(1), "totp-secret"))
    if "Raw result" in text or ("Secret:" in text and ("RuleID" in text or "Finding:" in text)):
        out += [(f.start(1), f.end(1), "scanner-finding") for f in _SCANNER_FINDING.finditer(text)]
    if "(" in text and any(call in text for call in ("PDO", "mysqli", "mysql_connect", "pg_connect")):
        out += [(f.start(1), f.end(1), "dsn-password") for f in _CONNECT_CALL.finditer(text) if literal_ok(f.group(1))]
    if "WIFI:" in text:
        out += [(f.start(1), f.end(1), "wifi-password") for f in _WIFI_QR.finditer(text)]
    if "_SECRET" in text or "CLIENT_RANDOM" in text:
        out += [(f.start(1), f.end(1), "tls-key-log") for f in _KEYLOG.finditer(text)]
    if "(0x" in text and ("klist" in lowered or "keytab" in lowered):
        out += [(f.start(1), f.end(1), "keytab-key") for f in _KLIST_KEY.finditer(text)]
    if "=" in text and ("?" in text or "&" in text):
        for found in _QUERY_KEY.finditer(text):
            if random_token(found.group(1)) or is_hex(found.group(1)):
                out.append((found.start(1), found.end(1), "url-key"))
    if "age-secret-key-1" in lowered:
        out += [(f.start(), f.end(), "age-secret-key") for f in _AGE_KEY.finditer(text)]
    if "pragma" in lowered:
        out += [(f.start(1), f.end(1), "sqlcipher-key") for f in _PRAGMA_KEY.finditer(text)]
    if "NTLM" in text:
        out += [(f.start(1), f.end(1), "password-hash") for f in _NTLM.finditer(text)]
    if "334 " in text:
        out += [(f.start(1), f.end(1), "smtp-auth") for f in _SMTP_PASSWORD_REPLY.finditer(text)]
    if "$9$" in text:
        out += [(f.start(), f.end(), "device-secret") for f in _JUNIPER_9.finditer(text)]
    if any(word in lowered for word in _OTP_WORDS):
        for found in _BASE32_SEED.finditer(text):
            seed = found.group()
            digits = sum(c in "234567" for c in seed)
            if digits >= 2 and len(seed) - digits >= 8 and len(set(seed)) >= 10:
                out.append((found.start(), found.end(), "totp-secret"))
    if ("echo" in lowered or "printf" in lowered) and "|" in text:
        for found in _ENCODED_ECHO.finditer(text):
            if _printed_secret(found.group(2)) and found.group(2)[0] not in "$%{<":
                out += [(found.start(2), found.end(2), "piped-secret"), (found.start(3), found.end(3), "piped-secret")]
    if "/v" in text:
        for found in _VERSIONED_KEY.finditer(text):
            if random_token(found.group(1)) or is_hex(found.group(1)):
                out.append((found.start(1), found.end(1), "url-key"))
    head = None
    if "code" in lowered:
        heads = ("backup", "recovery", "verification", "one-time")
        head = search_at(_CODES_HEAD, text, places(lowered, heads)) if plain else _CODES_HEAD.search(text)
    if head is not None:
        out += [(f.start(), f.end(), "recovery-code") for f in _CODE.finditer(text, head.end(), head.end() + 2000)]
    return out


# a command printing a file named for a passphrase or a seed, and the words it prints
_PRINTED_WORDS = LazyRegex(
    r"(?im)^[ \t]*(?:[$>#%][ \t]*|PS[^>\n]{0,60}>[ \t]*)(?:sudo[ \t]+)?(?:cat|type|more|less|head|bat|get-content|gc)\b"
    r"[^\n]*(?:phrase|mnemonic|seed)[^\n]*\r?\n[ \t]*([a-z]{3,12}(?:[ \t][a-z]{3,12}){3,23})[ \t]*\r?$"
)


_SENTENCE_WORDS = frozenset(
    {"the", "a", "an", "this", "that", "is", "are", "was", "be", "of", "to", "in", "on", "for", "with", "and", "or",
     "it", "as", "by", "from", "not", "no", "file", "see", "use"}
)  # fmt: skip


# a data URI of text, whose base64 is decoded to look for a secret in it
_DATA_URI = LazyRegex(
    r"data:(?:text/[\w.+\-]+|application/(?:json|x-www-form-urlencoded|x-sh|octet-stream))(?:;[\w.=\-]+)*;base64,"
    r"([A-Za-z0-9+/]{16,20000}={0,2})"
)


def _decodes_to_secret(encoded: str) -> bool:
    """Whether base64 decodes to text in which redaction finds a secret."""
    import base64
    import binascii

    try:
        decoded = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return False
    if not decoded.isprintable() and not all(c.isprintable() or c in "\n\r\t" for c in decoded):
        return False
    from lessonloop.secrets.redaction import redact

    return redact(decoded, "code")[1] > 0


_LDIF_BASE64 = LazyRegex(r"(?m)^([A-Za-z][\w\-]{2,60})::[ \t]*([A-Za-z0-9+/]{4,2000}={0,2})[ \t]*\r?$")
# a config line giving a user and password to an `auth` directive: HAProxy's `stats auth admin:X`
_AUTH_PAIR_LINE = LazyRegex(r"(?im)^[ \t]*(?:stats[ \t]+)?auth[ \t]+[\w.@\-]{1,64}:(\S{4,200})[ \t]*\r?$")
# an authenticator's setup key in groups of letters and digits 2-7 (base32): `Enter this setup key
# instead: liapdqap ohfk4f6i y4xirhdv ux3on562`
_SETUP_KEY = LazyRegex(
    r"(?i)\b(?:setup|secret|manual(?:[ \t]+entry)?)[ \t]+key\b[^:\n]{0,30}:[ \t]*"
    r"((?:[a-z2-7]{4,8}[ \t]){2,7}[a-z2-7]{4,8})(?![\w])"
)


# what secret scanners print of a finding: trufflehog's `Raw result: X`, gitleaks' `Secret: X`
_SCANNER_FINDING = LazyRegex(r"(?m)^[ \t]*(?:Raw result|RawV2|Secret)[ \t]*:[ \t]+(\S{6,500})[ \t]*\r?$")
# PHP's connections: `new PDO('mysql:host=db', 'user', 'X')`, `mysqli_connect('db', 'user', 'X')`
_CONNECT_CALL = LazyRegex(
    r"\b(?:PDO(?:->__construct)?|mysqli(?:_connect|->connect|->real_connect)?|mysql_connect)[ \t]*\([ \t]*"
    r"(?:\$\w+[ \t]*,[ \t]*)?(?:[\"'][^\"'\n]*[\"']|\$\w+)[ \t]*,[ \t]*(?:[\"'][^\"'\n]*[\"']|\$\w+)[ \t]*,[ \t]*"
    r"[\"']([^\"'\n]{3,200})[\"']"
)


# a tool's line giving a secret it made or reset (`New value: X`, `Generated password: X`), in a
# text that names a secret
_NEW_VALUE = LazyRegex(
    r"(?im)^[ \t]*(?:new|generated|temporary|initial|one-time|your)[ \t][ \w]{0,30}?"
    r"(?:value|password|passwd|secret|token|key|passphrase)[ \t]*:[ \t]*(\S{6,300})[ \t]*$"
)
_DASHED_WORDS = LazyRegex(r"[a-z]{3,12}(?:-[a-z]{3,12}){2,7}")


# a request for a secret, and the reply that is only a value: `I need the sudo password ...` then
# `user: Mango.Nimbus.308` (a speaker's label, a quote mark or nothing before it)
_ASKED = LazyRegex(
    r"(?im)^[^\n]*\b(?:need|enter|give|send|provide|type|what(?:'s| is)|share|tell|know|remember|who has)\b[^\n]{0,80}"
    r"\b(?:password|passphrase|passcode|pin|otp|2fa code|token|api key|key|secret)\b[^\n]*\r?\n(?:[ \t]*\r?\n)?"
    r"[ \t]*(?:(?:user|me|human|you|[a-z]{2,20})[ \t]*:[ \t]*|>[ \t]*)?([^\s]{6,200})[ \t]*\r?$"
)


def _basic_pair(encoded: str) -> bool:
    """Whether base64 decodes to `user:password` (printable text with a colon)."""
    import base64
    import binascii

    try:
        decoded = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return False
    return ":" in decoded and decoded.isprintable() and 3 <= len(decoded) <= 300


def _printed_secret(value: str) -> bool:
    """A line printed by a command that reads a secret: letters and digits, words joined by dashes
    (`nutmeg-cotton-ivory-cedar`), or twelve letters or more of mixed case."""
    if any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
        return True
    if _DASHED_WORDS.fullmatch(value) is not None:
        return True
    return len(value) >= 12 and value.isalpha() and not value.islower() and not value.isupper() and not value.istitle()


_UUID_NAMES = ("secret", "token", "passw", "api")  # in each of _SECRET_UUID's words for a secret
_DEVICE_WORDS = ("secret", "password", "community", "authentication-key", "key-string", "pre-shared-key", "(config")


def _word_starts(text: str, lowered: str, needles: tuple[str, ...]) -> list[int]:
    """Where the word (a run of `\\w`) holding each occurrence of a needle starts, ascending: the
    places a match of `\\b\\w*(?:needle...)` may start."""
    starts: list[int] = []
    previous = -1
    for at in sorted(set(occurrences(lowered, needles))):
        start = at
        while start and start != previous and (text[start - 1].isalnum() or text[start - 1] == "_"):
            start -= 1  # str.isalnum() or `_` is re's \w, character for character
        if start == previous:  # the previous occurrence's word
            start = starts[-1]
        elif not starts or start != starts[-1]:
            starts.append(start)
        previous = at
    return starts


def _not_placeholder(value: str) -> bool:
    from lessonloop.secrets.assignments import common_value_ok

    if value.startswith("$") and _VARIABLE.fullmatch(value) is None and "${" not in value and "$(" not in value:
        return common_value_ok(value[1:], 4)  # `$Cfh1JrIOk=zvo7eIbV1`: a password that starts with `$`
    return common_value_ok(value, 4) and not value.startswith(("$", "%", "{", "<"))


_VARIABLE = LazyRegex(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?")


_COLUMN_NAME = LazyRegex(r"[^\W\d_][\w .\-]{0,39}")
_CELL_WORDS = ("pass", "pwd", "secret", "token", "key", "pin", "credential", "contra", "senha", "mdp", "asswort", "ennwort", "achtwoord", "parola", "senord",
               "senord", "has", "heslo", "salasana", "sifre", "şifre", "пароль", "密码", "密碼", "パスワード", "비밀번호")  # fmt: skip
_CONFIG_WORDS = (
    "pass ",
    "password ",
    "passwd ",
    "passphrase ",
    "auth_pass",
    "secret ",
    "psk ",
    "community ",
    "tls_key_pass",
    "pw ",  # ldap.conf's `bindpw X`, slapd's `rootpw X`
)
_NOT_CONFIG_VALUES = frozenset({"on", "off", "yes", "no", "true", "false", "none", "public", "private"})


# what separates a table's cells: CSV's, and the bars of psql's, MySQL's, Markdown's, Confluence's
# and dataframes' printed tables (whose rules between rows are skipped)
_SEPARATORS = (",", ";", "\t", "|", "\u2502", "\u2506", "\u2551")
_BARS = frozenset("|\u2502\u2506\u2551")
_BORDERS = " \t\r|\u2502\u2506\u2551"
_RULE_CHARACTERS = frozenset("-+=:|\u2502\u2506\u2551 \t\r") | frozenset(chr(c) for c in range(0x2500, 0x2580))


def _csv_spans(text: str, lowered: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    hinted: set[int] | None = None
    for separator in _SEPARATORS:
        if separator in text:
            if hinted is None:
                hinted = _hinted_lines(lowered)
            out += _separated_spans(text, separator, hinted)
    return out


def _cells(line: str, separator: str) -> list[str]:
    """A line's cells; a printed table's borders (`| a | b |`, `|| a || b ||`) are not cells."""
    if separator not in _BARS:
        if '"' in line and separator == ",":
            import csv

            try:
                return next(csv.reader([line]), [])  # `"a","b,c"`: a quoted cell holds commas
            except csv.Error:  # a carriage return or NUL inside: read as written
                return line.split(separator)
        return line.split(separator)
    return line.strip(_BORDERS).replace(separator * 2, separator).split(separator)


_WORDS_NAME = LazyRegex(r"[A-Za-z][A-Za-z ]{0,30}")  # a column's name in words (no code's `api_key`)


def _ruled(line: str) -> bool:
    """A rule between a printed table's rows: dashes, pluses, colons, bars, box-drawing characters."""
    return bool(line.strip()) and _RULE_CHARACTERS.issuperset(line)


# What every name _SECRET_CELL reads holds (lower-cased): a line without any of them heads no
# secret's column, and is read no further while no header is found.
_HEADER_WORDS = ("pass", "pwd", "secret", "key", "token", "pin", "credential", "kennwort", "contraseña", "senha",
                 "mdp", "wachtwoord", "lösenord", "hasło", "heslo", "salasana", "şifre", "пароль", "密码", "密碼",
                 "パスワード", "비밀번호")  # fmt: skip


def _hinted_lines(lowered: str) -> set[int]:
    """The numbers of the lines of a lower-cased text that hold one of _HEADER_WORDS (lower() keeps
    a text's line breaks where they are: its lines are the text's lines lower-cased)."""
    out: set[int] = set()
    line = previous = 0
    for position in sorted(occurrences(lowered, _HEADER_WORDS)):
        line += lowered.count("\n", previous, position)
        previous = position
        out.add(line)
    return out


def _separated_spans(text: str, separator: str, hinted: set[int]) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    lines = text.split("\n")
    position = 0
    columns: list[int] = []
    names: list[str] = []
    width = 0
    bars = separator in _BARS
    for number, line in enumerate(lines):
        if bars and (not line.strip() or _ruled(line)):
            position += len(line) + 1
            continue  # a rule between a printed table's rows (`----+----`, `+----+`, `|---|`)
        if not columns and number not in hinted:
            position += len(line) + 1
            continue  # no header of a secret's column (what _SECRET_CELL reads) can be on this line
        cells = _cells(line, separator)
        if not columns:
            # (a spreadsheet's CSV export starts with a byte order mark: not part of the first name)
            names = [cell.strip().lstrip("\ufeff").strip('"').lower() for cell in cells]
            # a header is names only (`name,user,password`), not a line of code that holds commas
            # a printed table's header is ruled off from its rows (`---+---`, `|---|`) or doubled (`|| a ||`)
            # (and its names are words: `│ token │ npm_... │` is a row of a key/value table)
            ruled = (
                not bars
                or separator * 2 in line
                or (number + 1 < len(lines) and _ruled(lines[number + 1]))
                or all(_WORDS_NAME.fullmatch(name) for name in names)  # `Service | Login | Password`
            )
            ruled = ruled and not (bars and any(sum(c.isdigit() for c in name) >= 2 for name in names))
            if len(cells) >= 2 and ruled and all(_COLUMN_NAME.fullmatch(name) for name in names if name):
                columns = [i for i, name in enumerate(names) if _SECRET_CELL.fullmatch(name) and name != "pwd"]
                width = len(cells)
        elif len(cells) == width:
            offset = position
            for index, cell in enumerate(cells):
                value = cell.strip().strip('"').strip("`")
                shaped = any(not c.isalpha() for c in value) or any(c.isupper() for c in value[1:])
                if (
                    (value.isdigit() and "token" in names[index])
                    or "\u2026" in value
                    or "..." in value
                    or "***" in value
                ):
                    continue  # a count of tokens; a value shown cut or masked (`npm_ab…9z`)
                if index in columns and len(value) >= 4 and " " not in value and shaped:
                    start = text.find(value, offset)
                    if start < 0 and '"' in value:  # a CSV cell's quote is written doubled
                        value = value.replace('"', '""')
                        start = text.find(value, offset)
                    if start >= 0:
                        out.append((start, start + len(value), "table-secret"))
                offset += len(cell) + 1
        else:
            columns = []
        position += len(line) + 1
    return out


def _password_shape(value: str) -> bool:
    """A password given as an argument: letters with digits or symbols, no spaces, no URL, DSN or path."""
    if len(value) < 6 or any(c.isspace() for c in value) or "://" in value or value.count(":") or value.count("="):
        return False
    if "/" in value or value.startswith(("$", "%", "{", "<")):
        return False
    letters = any(c.isalpha() for c in value)
    digits = any(c.isdigit() for c in value)
    if not digits and all(c.isalnum() or c in "-_" for c in value):
        return False  # words joined by dashes (`wrong-password`): a name, a slug
    return letters and (digits or any(not c.isalnum() for c in value))


def _table_spans(text: str, lowered: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    plain = plain_case(text)
    # each pattern's word is on the line its match starts
    rows = line_starts(text, lowered, _TABLE_ROW_WORDS) if plain else None
    for found in _TABLE_ROW.finditer(text) if rows is None else matches_at(_TABLE_ROW, text, rows):
        value = found.group(2)
        if any(c.isdigit() for c in value) or not value.isalpha():
            out.append((found.start(2), found.end(2), "table-secret"))
    if "|" in text:
        headers = line_starts(text, lowered, ("passw", "secret", "token", "api key", "pin")) if plain else None
        for header in _TABLE_HEADER.finditer(text) if headers is None else matches_at(_TABLE_HEADER, text, headers):
            cells = [cell.strip().lower() for cell in header.group(1).split("|")]
            columns = [i for i, cell in enumerate(cells) if _SECRET_CELL.fullmatch(cell) is not None]
            if not columns:
                continue
            position = header.end()
            following = text.find("\n", position + 1)
            if not _ruled(text[position + 1 : len(text) if following < 0 else following]):
                continue  # a Markdown table's header has its delimiter row below (a row of a table does not)
            for _ in range(200):
                line_end = text.find("\n", position + 1)
                line = text[position + 1 : len(text) if line_end < 0 else line_end]
                if not line.strip().startswith("|"):
                    break
                offset = position + 1 + line.index("|") + 1
                for index, cell in enumerate(line.strip().strip("|").split("|")):
                    value = cell.strip().strip("`")
                    if value.isdigit() and "token" in cells[index]:
                        pass  # a count of tokens
                    elif index in columns and len(value) >= 4 and set(value) - set("-: "):
                        start = text.index(value, offset)
                        out.append((start, start + len(value), "table-secret"))
                    offset += len(cell) + 1
                if line_end < 0:
                    break
                position = line_end
    return out


_TABLE_ROW_WORDS = ("passw", "passphrase", "secret", "token", "api", "private", "credential")
_HTML_ROW = LazyRegex(r"(?is)<tr\b[^>]*>(.*?)</tr>")
_HTML_CELL = LazyRegex(r"(?is)<t([hd])\b[^>]*>(.*?)</t\1>")


def _html_table_spans(text: str) -> list[tuple[int, int, str]]:
    """Cells under an HTML table's header cell (`<th>Kennwort</th>`) named for a secret."""
    out: list[tuple[int, int, str]] = []
    columns: set[int] = set()
    for row in _HTML_ROW.finditer(text):
        cells = list(_HTML_CELL.finditer(text, row.start(1), row.end(1)))
        if cells and all(cell.group(1).lower() == "h" for cell in cells):
            names = [cell.group(2).strip().lower() for cell in cells]
            columns = {i for i, name in enumerate(names) if _SECRET_CELL.fullmatch(name) is not None}
            continue
        for index, cell in enumerate(cells):
            value = cell.group(2).strip()
            if index in columns and "<" not in value and told_ok(value):
                start = text.index(value, cell.start(2))
                out.append((start, start + len(value), "table-secret"))
    return out


def _insert_spans(text: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for found in _INSERT.finditer(text):
        columns = [c.strip().strip('`"[]') for c in found.group(1).split(",")]
        if not any(_SECRET_COLUMN.search(column) for column in columns):
            continue
        out += _row_spans(text, columns, found.start(2), found.end(2))
        tuples = found.end(2) + 1
        for _ in range(1000):  # the statement's further rows: `VALUES (...), (...), (...);`
            following = _NEXT_ROW.match(text, tuples)
            if following is None:
                break
            out += _row_spans(text, columns, following.start(1), following.end(1))
            tuples = following.end()
    if "from stdin" in text.lower():
        out += _copy_spans(text)
    return out


def _row_spans(text: str, columns: list[str], start: int, end: int) -> list[tuple[int, int, str]]:
    """The values of a row of an INSERT in the columns that name a secret."""
    out: list[tuple[int, int, str]] = []
    position = start
    for column in columns:
        value = _SQL_VALUE.match(text, position, end)
        if value is None:
            break
        group = 1 if value.group(1) is not None else 2
        if _SECRET_COLUMN.search(column) and value.end(group) - value.start(group) >= 4:
            out.append((value.start(group), value.end(group), "sql-secret"))
        position = value.end()
    return out


# an INSERT's next row; PostgreSQL's dump of a table (`COPY t (a, b) FROM stdin;`, rows of tab-separated
# values, `\.`)
_NEXT_ROW = LazyRegex(r"\s*,\s*\(((?:'(?:[^']|'')*'|[^'()\n])*)\)")
_COPY = LazyRegex(r"(?i)\bCOPY[ \t]+\S+[ \t]*\(([^)]{1,500})\)[ \t]+FROM[ \t]+stdin;?[ \t]*\r?\n")


def _copy_spans(text: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for found in _COPY.finditer(text):
        columns = [c.strip().strip('"') for c in found.group(1).split(",")]
        secret = [index for index, column in enumerate(columns) if _SECRET_COLUMN.search(column)]
        position = found.end()
        while secret and position < len(text):
            end = text.find("\n", position)
            end = len(text) if end < 0 else end
            line = text[position:end].rstrip("\r")
            if line == "\\." or not line:
                break
            cells = line.split("\t")
            offset = position
            for index, cell in enumerate(cells):
                if index in secret and len(cell) >= 4 and cell != "\\N":
                    out.append((offset, offset + len(cell), "sql-secret"))
                offset += len(cell) + 1
            position = end + 1
    return out


_LOGIN_WORDS = (
    "connect", "login", "logon", "signin", "sign_in", "auth", "credential", "pdo", "btoa", "encode", "password",
    "passwd", "passphrase", "secret", "api_key", "apikey", "token",
)  # fmt: skip


def _random_value(value: str) -> bool:
    return (
        _UUID.fullmatch(value) is not None
        or (is_hex(value) and len(value) >= 16 and len(value) not in (40, 64))
        or random_token(value, 16, hex_ok=False)
    )


def context_spans(text: str, lowered: str | None = None) -> list[tuple[int, int, str]]:
    lowered = text.lower() if lowered is None else lowered
    out: list[tuple[int, int, str]] = []
    position = lowered.find("key")
    searched_to = -1
    while position >= 0:
        # the name may start 60 characters before its `key`; searched once per stretch
        start = max(0, position - 62, searched_to)
        for found in _KEY_NAME.finditer(text, start, position + 330):
            if found.start(1) > position:
                break
            name = found.group(1).lower().replace("-", "_").replace(".", "_")
            stem = name[:-3].rstrip("_")
            value = found.group(2)
            if stem and not stem.endswith(_NOT_SECRET_KEYS) and _random_value(value) and not dotted_name(value):
                out.append((found.start(2), found.end(2), "key-value"))
        searched_to = position + 3
        position = lowered.find("key", position + 3)
    for word in ("pin", "puk", "passcode"):
        for position in _positions(lowered, word) if word in lowered else ():
            # a PIN's name or word, read around its place: `DEPLOY_PIN=...`, `PIN 5423`
            start = max(0, position - 40)
            line_start = text.rfind("\n", start, position) + 1
            for pattern in (_PIN_NAME, _PIN_WORDS):
                pin = pattern.search(text, max(start, line_start), position + 40)
                if pin is not None and pin.start() <= position + 3:
                    out.append((pin.start(1), pin.end(1), "pin"))
    if "://" in text:
        # a scheme of 2 to 21 characters before its `://`
        out += [
            (f.start(1), f.end(1), "url-password") for f in matches_at(_URL_AT_USER, text, places(text, ("://",), 21))
        ]
        for found in matches_at(_URL_TOKEN_USER, text, places(text, ("://",), 21)):
            if "sentry" in text[found.end(1) : found.end()].lower():
                continue  # a Sentry DSN's key: public by design (it is in every page that reports errors)
            if random_token(found.group(1)) or is_hex(found.group(1)):
                out.append((found.start(1), found.end(1), "url-token"))
        for found in _HOOK_URL.finditer(text):
            position = found.start(1)
            for segment in found.group(1).split("/"):
                if len(segment) >= 16 and any(c.isdigit() for c in segment) and any(c.isalpha() for c in segment):
                    out.append((position, position + len(segment), "webhook-token"))
                position += len(segment) + 1
    if "thin:" in text:
        out += [(f.start(1), f.end(1), "url-password") for f in _JDBC_THIN.finditer(text)]
    if "passwd" in text:
        out += [(f.start(2), f.end(2), "cli-secret") for f in _OPENSSL_PASSWD.finditer(text)]
    if "ftp" in text and "user" in text:
        out += [(f.start(1), f.end(1), "cli-secret") for f in _FTP_USER.finditer(text)]
    secret_word = any(word in lowered for word in ("passw", "secret", "token", "credential", "api_key", "api-key"))
    generated = any(
        word in lowered for word in ("macaroon", "rand ", "urandom", "keygen", "pwgen", "genpass", "token_")
    )
    if "\n" in text and (secret_word or generated or "private" in lowered or "pass" in lowered or "key" in lowered):
        # each pattern's words for a secret are on the line its match starts (in the lower-cased
        # text when it has the text's places)
        plain = plain_case(text)
        reads = matches_at(_READS_SECRET, text, line_starts(text, lowered, _READ_WORDS)) if plain else None
        for found in _READS_SECRET.finditer(text) if reads is None else reads:
            value = found.group(1)
            if "/" not in value[:1] and _printed_secret(value):
                out.append((found.start(1), found.end(1), "secret-output"))
        asked = matches_at(_ASKED, text, line_starts(text, lowered, _ASKED_WORDS)) if plain else None
        for found in _ASKED.finditer(text) if asked is None else asked:
            answer = found.group(1)
            if answer[0] in "`{[(<\"'" or not any(c.isdigit() for c in answer):
                continue  # a code block, a structure, a word: not a password given in reply
            if told_ok(answer) or _printed_secret(answer):
                out.append((found.start(1), found.end(1), "password-in-prose"))
        values = matches_at(_NEW_VALUE, text, line_starts(text, lowered, _NEW_VALUE_WORDS)) if plain else None
        for found in _NEW_VALUE.finditer(text) if values is None else values:
            if told_ok(found.group(1)):
                out.append((found.start(1), found.end(1), "secret-output"))
    seed = "phrase" in lowered or "mnemonic" in lowered or "words" in lowered or "seed" in lowered
    if seed and "\n" in text:
        # a file of a passphrase or a seed printed: its words are the secret (`cat ~/.gnupg/passphrase`)
        printed = line_starts(text, lowered, ("phrase", "mnemonic", "seed")) if plain_case(text) else None
        for found in _PRINTED_WORDS.finditer(text) if printed is None else matches_at(_PRINTED_WORDS, text, printed):
            if _SENTENCE_WORDS.isdisjoint(found.group(1).split()):  # words drawn at random, not a sentence
                out.append((found.start(1), found.end(1), "secret-output"))
    if "\n" in text and seed and _seed_head(text, lowered):
        from lessonloop.secrets.bip39_words import WORDS

        words = set(WORDS)
        listed = [f for f in _NUMBERED_WORD.finditer(text) if f.group(1) in words]
        if len(listed) >= 12:
            out += [(f.start(1), f.end(1), "seed-phrase") for f in listed]
    if "\n" in text and ("12." in text or "12)" in text):
        out += _numbered_seed_spans(text)
    if (secret_word or "key" in lowered or "code" in lowered) and ":" in text:
        for groups in _groups_of_four(text):  # the groups first: a cheap search
            grouped = _GROUPED.search(text, max(0, groups.start() - 80), groups.end())
            if grouped is not None:
                out.append((grouped.start(1), grouped.end(1), "totp-secret"))
    if secret_word or "key" in lowered:
        out += _table_spans(text, lowered)
    if "<th" in lowered and "<td" in lowered:
        out += _html_table_spans(text)
    if '"sensitive"' in text:
        out += [(f.start(1), f.end(1), "sensitive-value") for f in _SENSITIVE.finditer(text)]
    if ') "' in text:
        out += [(f.start(2), f.end(2), "cli-secret") for f in _REPLY_PAIR.finditer(text)]
    if "<" in text and ("pass" in lowered or "secret" in lowered or "cred" in lowered):
        for block in _NAMED_BLOCK.finditer(text):
            lines = block.group(2).split("\n")
            position = block.start(2) + len(lines[0]) + 1
            for line in lines[1:]:
                if line.strip():
                    start = position + len(line) - len(line.lstrip())
                    out.append((start, start + len(line.strip()), "cli-secret"))
                position += len(line) + 1
    if "(" in text and any(word in lowered for word in _LOGIN_WORDS):
        out += _login_spans(text, lowered)
    out += _config_spans(text, lowered)
    if ("insert" in lowered and "values" in lowered) or "from stdin" in lowered:
        out += _insert_spans(text)

    return out


# what each match of _READS_SECRET, _ASKED and _NEW_VALUE holds on its first line, lower-cased
_READ_WORDS = ("pass", "secret", "token", "credential", "api", "private", "macaroon", "rand", "urandom", "pwgen",
               "genpass", "keygen")  # fmt: skip
_ASKED_WORDS = ("pass", "pin", "otp", "2fa code", "token", "key", "secret")
_NEW_VALUE_WORDS = ("value", "pass", "secret", "token", "key")


# the second to fourth of a match of _GROUPS_OF_FOUR's gaps and the groups between: searched for
# from a blank (a class of two characters) rather than at every letter
_GAPS = LazyRegex(r"[ \t][A-Za-z2-7]{4}[ \t][A-Za-z2-7]{4}[ \t]")


def _groups_of_four(text: str) -> Iterator[re.Match[str]]:
    """_GROUPS_OF_FOUR.finditer(text): each of its matches starts 4 characters before a place of _GAPS."""
    starts: list[int] = []
    found = _GAPS.search(text)
    while found is not None:
        if found.start() >= 4:
            starts.append(found.start() - 4)
        found = _GAPS.search(text, found.start() + 1)
    return matches_at(_GROUPS_OF_FOUR, text, starts)


def _seed_head(text: str, lowered: str) -> bool:
    if not plain_case(text):
        return _SEED_HEAD.search(text) is not None
    return (
        search_at(_SEED_HEAD, text, places(lowered, ("recovery", "seed", "secret", "backup", "mnemonic"))) is not None
    )


def prefixed_uuid_spans(text: str, lowered: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    if not any(prefix in lowered for prefix in _UUID_PREFIXES) or _UUID_HINT.search(text) is None:
        return out
    for found in _PREFIXED_UUID.finditer(text):
        group = 1 if found.group(1) is not None else 2
        out.append((found.start(group), found.end(group), "prefixed-uuid"))
    return out


_UUID_HINT = LazyRegex(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-")
_UUID_PREFIXES = ("sdk-", "mob-", "api-", "key-", "sk-", "pk-", "secret-", "token-", "tok-", "auth-", ":fx")
