"""Credentials in the files tools keep them in, recognised by those files' own forms:

- `.netrc`: `machine HOST login USER password PW` (one line or several);
- kubeconfig: `client-key-data:` / `client-certificate-data:` (base64 of a key or certificate);
- docker `config.json`: `"auth": "<base64 of user:password>"`;
- `.npmrc`: `_auth=<base64>` (`_authToken=` and `_password=` are secret-named keys: assignments.py);
- password hashes: htpasswd and shadow lines (`$apr1$`, `$2y$`, `$1$`, `$5$`, `$6$`, `$y$`,
  `$argon2id$`, `{SHA}`, `{SSHA}`): a hash is a password to crack offline;
- PuTTY private keys (`PuTTY-User-Key-File-2/3:` up to its `Private-MAC:`).
"""

from __future__ import annotations

import re

from lessonloop.secrets.format_rule import FormatRule, rule

_HASH = r"[./A-Za-z0-9]"
# Between a .netrc's words: blanks, line breaks (escaped too, in JSON), a diff's +/- line marks.
_NETRC_GAP = r"(?:[\s+\-]|\\[nr])+"

CREDENTIAL_FILE_RULES: tuple[FormatRule, ...] = (
    rule(
        "netrc-password",
        "machine",  # (a `default` entry too when it follows one: `default` alone is in every program)
        r"machine[ \t]+\S+(?:"
        + _NETRC_GAP
        + r"(?:login|account|port|protocol)[ \t]+\S+)*"
        + _NETRC_GAP
        + r"password[ \t]+(?P<pw>(?!\[REDACTED)(?:[^\s#<>\"'`\\]|\\(?![nrt]))+)",
        groups=(("pw", "netrc-password"),),
        exact=True,
        search=False,
        random=False,
    ),
    # ~/.pgpass: host:port:database:user:password (the port a number or *)
    rule(
        "pgpass-password",
        (":5432:", ":*:", ":5433:", ":6432:"),
        r"(?<![^\s'\"`>])[^\s:'\"`<]+:(?:\d{2,5}|\*):[^\s:'\"`]+:[^\s:'\"`]+:"
        r"(?P<pw>(?!\[REDACTED)[^\s'\"`<>]+)(?![^\s'\"`<])",
        groups=(("pw", "pgpass-password"),),
        exact=True,
        back=256,
        window=512,
        random=False,
    ),
    rule(
        "kubeconfig-credential",
        ("client-key-data", "client-certificate-data"),
        r"client-(?:key|certificate)-data[\"']?[ \t]*:[ \t]*[\"']?(?P<data>[A-Za-z0-9+/]{16,}={0,2})",
        groups=(("data", "kubeconfig-credential"),),
        exact=True,
    ),
    # "auth": "..." in docker's config.json, \"auth\": \"...\" inside a JSON string
    rule(
        "docker-auth",
        '"auth',
        r"\"auth\\?\"[ \t]*:[ \t]*\\?\"(?P<auth>[A-Za-z0-9+/]{8,}={0,2})\\?\"",
        groups=(("auth", "docker-auth"),),
        exact=True,
        boundary=False,
    ),
    rule(
        "npm-auth",
        ("_auth=", "_auth ="),
        r"_auth[ \t]*=[ \t]*[\"']?(?P<auth>[A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])",
        groups=(("auth", "npm-auth"),),
        exact=True,
    ),
    rule(
        "password-hash",
        ("$apr1$", "$1$", "$5$", "$6$", "$y$", "$2a$", "$2b$", "$2x$", "$2y$", "$argon2"),
        r"\$(?:apr1|1)\$" + _HASH + r"{1,8}\$" + _HASH + r"{22}"
        r"|\$[56]\$(?:rounds=\d{1,9}\$)?" + _HASH + r"{1,16}\$" + _HASH + r"{43,86}"
        r"|\$y\$" + _HASH + r"{1,10}\$" + _HASH + r"{1,86}\$" + _HASH + r"{43}"
        r"|\$2[abxy]\$\d\d\$" + _HASH + r"{53}"
        r"|\$argon2(?:id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]{8,}\$[A-Za-z0-9+/]{16,}",
        exact=True,
        boundary=False,
        search=False,
    ),
    rule(
        "password-hash",
        ("{SHA}", "{SSHA}", "{SHA256}", "{SSHA256}", "{SHA512}", "{SSHA512}"),
        r"\{S?SHA(?:256|512)?\}[A-Za-z0-9+/]{27,}={0,2}",
        random=False,
        exact=True,
        boundary=False,
        search=False,
    ),
    rule(
        "private-key",
        "PuTTY-User-Key-File-",
        r"PuTTY-User-Key-File-\d:.*?(?:Private-MAC:[ \t]*[0-9a-fA-F]+|\Z)",
        flags=re.DOTALL,
        exact=True,
        random=False,
    ),
)
