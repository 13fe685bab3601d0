"""Credentials in the options of common command-line clients, whose flags do not say "password":
`curl -u user:pw`, `mysql -pSECRET`, `sshpass -p pw`, `redis-cli -a pw`, `docker login -p pw`,
`sqlcmd -P pw`, `ldapsearch -w pw`, `smbclient -U user%pw`, `htpasswd -b file user pw`,
`ssh-keygen -N passphrase`, and a cookie string: `curl -b 'session=...'`; and those of
secrets/password_options.py (archivers, PuTTY, SNMP, MQTT, IPMI, HTTPie, Oracle's connect
strings, ...).

How a rule reads a command: secrets/client_rule.py.
"""

from __future__ import annotations

from lessonloop.secrets.client_rule import VALUE as _VALUE
from lessonloop.secrets.client_rule import ClientRule, client_spans
from lessonloop.secrets.password_options import PASSWORD_OPTION_RULES

__all__ = ["CLIENT_RULES", "ClientRule", "client_spans"]

CLIENT_RULES: tuple[ClientRule, ...] = (
    # curl -u user:pw, --user user:pw, -uuser:pw, --proxy-user user:pw; curl --oauth2-bearer TOKEN
    ClientRule(
        ("curl",),
        r"\s(?:-u|--user|--proxy-user|-U)(?:[ \t]+|=)?[\"']?[^\s:\"']+:(?P<secret>[^\s\"']{1,200})",
    ),
    ClientRule(("curl",), r"\s--oauth2-bearer[ \t]+" + _VALUE),
    # curl -b 'name=value; other=value' (a cookie string; `-b cookies.txt` names a file)
    # (its first cookie: the command's reading stops at a `;`, even one inside quotes)
    ClientRule(
        ("curl",), r"\s(?:-b|--cookie)(?:[ \t]+|=)[\"']?(?P<secret>[^\s\"'`;&|]{1,400})", kind="cookie", needs="="
    ),
    # ssh-keygen -N new_passphrase, -P old_passphrase (`-N ""`: no passphrase)
    ClientRule(("ssh-keygen",), r"\s-[NP][ \t]*" + _VALUE),
    # MySQL clients take the password glued to -p (`-p SECRET` prompts and names a database).
    # (an `&` inside the word is the password's: a shell would have split it, so the text is a log's)
    ClientRule(
        ("mysql", "mariadb"),
        r"\s-p(?P<secret>(?:[^\s\"'`;&|]|&(?=[^\s&;|])){1,200}|\"[^\"\n]{1,200}\"|'[^'\n]{1,200}')",
    ),
    ClientRule(("sshpass",), r"\s-p[ \t]*" + _VALUE),
    ClientRule(("redis-cli",), r"\s-a[ \t]+" + _VALUE),
    ClientRule(("mongo",), r"\s-p[ \t]+" + _VALUE),
    ClientRule(("sqlcmd", "osql", "bcp "), r"\s-P[ \t]*" + _VALUE),
    ClientRule(("ldapsearch", "ldapmodify", "ldapadd", "ldapdelete", "ldapwhoami"), r"\s-w[ \t]+" + _VALUE),
    ClientRule(("smbclient", "rpcclient"), r"\s-U[ \t]+[^\s%]+%" + _VALUE),
    ClientRule(("htpasswd",), r"\s-b\w*[ \t]+(?:-\w+[ \t]+)*[^\s-]\S*[ \t]+\S+[ \t]+" + _VALUE),
    # docker/podman/buildah/skopeo/helm registry/oras/nerdctl login -p PW (or -p=PW); az login -p PW
    ClientRule((" login",), r"\s-p(?:[ \t]+|=)" + _VALUE),
    *PASSWORD_OPTION_RULES,
)
