"""Passwords that programs take as their options or arguments, under names that do not say
"password": archivers (`zip -P`, `7z -p`, `rar -hp`), PuTTY's `-pw`, SNMP communities and v3
passphrases, MQTT (`mosquitto_pub -P`), IPMI (`ipmitool -P`), HTTPie and xh (`-a user:pw`),
Poetry's `config http-basic.NAME USER PW`, Oracle's connect strings (`sqlplus user/pw@db`,
`CONNECT user/pw@db`), `lftp -u user,pw`, `rclone obscure PW`, MinIO's `mc alias set NAME URL KEY
SECRET`, `wpa_passphrase SSID PW`, `openssl enc -k PW`, Snyk's and Vault's logins, and Windows'
`net use` and `net user`. (SQL's `CREATE USER ... IDENTIFIED BY 'pw'`: secrets/sql_passwords.py.)

Each rule is a ClientRule (secrets/client_rule.py: read after the program's name, to the end of
its simple command). Options are matched where a blank precedes them (`(?<!\\S)`), as the rule's
reading starts right after the name.
"""

from __future__ import annotations

from lessonloop.secrets.client_rule import GLUED, VALUE, ClientRule

# One shell word, quotes and all (a positional argument before the password).
_ARGUMENT = r"(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s\"'`;&|]+)"
_NEXT = r"[ \t]+"
_SNMP = (
    "snmpwalk", "snmpget", "snmpset", "snmpbulkwalk", "snmpbulkget", "snmptable", "snmptrap", "snmpinform",
    "snmpdelta", "snmpstatus", "snmpdf", "snmpnetstat", "snmptest", "snmpusm", "snmpvacm", "snmp-check", "snmpcheck",
)  # fmt: skip
# A connect string's user and password: USER/PW followed by @DB, a quote, a blank or the end.
_CONNECT = r"[\"']?[A-Za-z_][\w$#.]*/(?P<secret>[^\s/@\"'`;&|]{1,128})"

PASSWORD_OPTION_RULES: tuple[ClientRule, ...] = (
    # zip/unzip/zipcloak -P PW (zip's own; its -p is another option)
    ClientRule(("zip ", "unzip ", "zipcloak "), r"(?<!\S)-P[ \t]+" + VALUE),
    # 7-Zip: -pPW, glued (`-p` alone prompts); RAR: -pPW and -hpPW (`-p-`: ask for none)
    ClientRule(("7z ", "7za ", "7zr ", "7zz "), r"(?<!\S)-p" + GLUED),
    ClientRule(("rar ", "unrar "), r"(?<!\S)-h?p" + GLUED),
    # PuTTY's tools: -pw PW
    ClientRule(("plink", "pscp", "psftp", "putty"), r"(?<!\S)-pw[ \t]+" + VALUE),
    # SNMP: -c COMMUNITY (v1, v2c; `public` and `private` are the well-known defaults), -A AUTHPASS
    # and -X PRIVPASS (v3); -a and -x (lower case) name the protocols
    ClientRule(_SNMP, r"(?<!\S)-[cAX][ \t]*" + VALUE, keep=frozenset({"public", "private"})),
    # Mosquitto's clients: -P PW, --pw PW; mosquitto_passwd -b FILE USER PW
    ClientRule(("mosquitto_pub", "mosquitto_sub", "mosquitto_rr"), r"(?<!\S)(?:-P|--pw)[ \t]+" + VALUE),
    ClientRule(("mosquitto_passwd",), r"(?<!\S)-b" + _NEXT + _ARGUMENT + _NEXT + _ARGUMENT + _NEXT + VALUE),
    # IPMI: -P PW (-E reads it from the environment instead)
    ClientRule(("ipmitool", "ipmiutil"), r"(?<!\S)-P[ \t]*" + VALUE),
    # HTTPie and xh: -a USER:PW, --auth USER:PW, --auth=USER:PW (`-a USER` alone prompts)
    ClientRule(
        ("http ", "https ", "xh ", "xhs ", "httpie "),
        r"(?<!\S)(?:-a|--auth)(?:[ \t]+|=)[\"']?[^\s:\"']*:(?P<secret>[^\s\"']{1,200})",
    ),
    # Poetry: config http-basic.NAME USER PW; config pypi-token.NAME TOKEN
    ClientRule(("http-basic.",), r"[\w.\-]+" + _NEXT + _ARGUMENT + _NEXT + VALUE, at_name=True),
    ClientRule(("pypi-token.",), r"[\w.\-]+" + _NEXT + VALUE, at_name=True),
    # Oracle: sqlplus USER/PW@DB, rman target USER/PW@DB, expdp/impdp/sqlldr userid=USER/PW@DB
    ClientRule(
        ("sqlplus", "rman ", "expdp", "impdp", "sqlldr", "dgmgrl", "sqlcl"),
        r"(?:(?<!\S)|=)" + _CONNECT + r"(?=[@\"'\s]|$)",
    ),
    # SQL*Plus's CONNECT USER/PW@DB (and CONN), in scripts and sessions
    ClientRule(
        ("CONNECT ", "connect ", "Connect ", "CONN ", "conn ", "Conn "),
        _CONNECT + "@",
        at_name=True,
    ),
    # lftp -u USER,PW
    ClientRule(("lftp",), r"(?<!\S)-u[ \t]+[\"']?[^\s,\"']+,(?P<secret>[^\s\"']{1,200})"),
    # rclone obscure PW (what it prints goes into a config: the password itself)
    ClientRule(("rclone obscure",), _NEXT + VALUE, at_name=True),
    # MinIO's client: mc alias set NAME URL ACCESS_KEY SECRET_KEY (and mc config host add)
    ClientRule(
        ("mc alias set", "mc config host add"),
        _NEXT + _ARGUMENT + _NEXT + _ARGUMENT + _NEXT + _ARGUMENT + _NEXT + VALUE,
        at_name=True,
    ),
    # wpa_passphrase SSID PASSPHRASE
    ClientRule(("wpa_passphrase",), _NEXT + _ARGUMENT + _NEXT + VALUE, at_name=True),
    # openssl enc -k PASSWORD, -K HEXKEY (-pass pass:X, -passin, -passout: assignments.py's)
    ClientRule(("openssl",), r"(?<!\S)-[kK][ \t]+" + VALUE),
    # Snyk: snyk auth TOKEN, snyk config set api=TOKEN
    ClientRule(("snyk auth",), _NEXT + VALUE, at_name=True, min_length=8),
    ClientRule(("snyk config set",), r"[ \t]+api=" + VALUE, at_name=True),
    # vault login TOKEN (a legacy s. token; hvs. tokens have a format of their own)
    ClientRule(("vault login",), r"[ \t]+(?P<secret>(?!-)[^\s=\"'`;&|]{8,200})(?=\s|$)", at_name=True),
    # Windows: net use [X:] \\HOST\SHARE PASSWORD /user:NAME (`*` prompts)
    ClientRule(("net use",), r"[ \t]+(?:[A-Za-z]:[ \t]+)?\\\\\S+[ \t]+(?![/*])" + VALUE, at_name=True),
    # Windows: net user NAME PASSWORD [/add] (`*` prompts, `/delete` and other options hold none);
    # an unquoted value must look like a secret: "net user accounts are ..." in prose stays
    ClientRule(("net user",), _NEXT + _ARGUMENT + _NEXT + r"(?![/*])" + VALUE, at_name=True, shaped=True),
)
