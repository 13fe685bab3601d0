"""Issue 60's development set: the families its findings name (values named as secrets in
structured output, key files by their form, AUTH/PW names, passwords given to programs, the word
for password in other languages, escaped or split text, prefixed service tokens). The rules of
issue 60 were written with these in view; tests/secret_samples_fresh.py (written apart, by a
helper that never saw the rules) measures how they carry over. Built by concatenation: no
secret-shaped literal sits in this file."""

from __future__ import annotations

import base64
import json

from tests.secret_samples import Planted, _rep

R20 = _rep("Qx7Lm2Vb9Tk4Wz", 20)
R32 = _rep("Hq3Zr8Nc6Lp1Vx5Kd", 32)
R40 = _rep("wJalr8XUt9nFEMI4K7MDEN6GbPxR2fiCY3zEXAMPLEKEYq", 40)
HEX64 = _rep("4f9c2a7e1b3d8f60", 64)
HEX32 = _rep("a83f0c9d6e2b1f47", 32)
SESSION = "IQoJb3JpZ2luX2Vj" + _rep("EJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ", 180)
B64_PW = base64.b64encode(b"Kub3S3cretPw!9").decode()
B64_KEY = base64.b64encode(b"sk_live_" + b"9Qw2Er7Ty4Ui1Op3As6Df").decode()
MINISIGN = "RWRTY0Iy" + _rep("q8Vz3Lm6Tx1Wk9Rb4Nc7Hp2Js5Gd0Fa", 150)
OVPN = "\n".join(_rep(f"{i}c4e9a1f7b3d2086e5", 32) for i in range(16))
WALLET = json.dumps([(i * 73 + 41) % 256 for i in range(64)]).replace(" ", "")
PW = "Zq9!vLm2#Tx"

ISSUE_60: tuple[Planted, ...] = (
    # Values named as secrets in structured output.
    Planted(
        "sts-json",
        '{\n    "Credentials": {\n        "AccessKeyId": "ASIA'
        + "Q3EGUXQKVN2F7H4Z"
        + '",\n        "SecretAccessKey": "'
        + R40
        + '",\n        "SessionToken": "'
        + SESSION
        + '",\n        "Expiration": "2026-11-26T23:00:00+00:00"\n    }\n}',
        (R40, SESSION),
    ),
    Planted("session-token-camel", '"sessionToken": "' + SESSION[:120] + '"', (SESSION[:120],)),
    Planted(
        "k8s-secret-data",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  username: YWRtaW4=\n  pw: "
        + B64_PW
        + "\n  stripe: "
        + B64_KEY
        + "\n",
        (B64_PW, B64_KEY),
    ),
    Planted(
        "k8s-secret-json",
        '{"apiVersion": "v1", "data": {"db-pw": "' + B64_PW + '", "api": "' + B64_KEY + '"}, "kind": "Secret"}',
        (B64_PW, B64_KEY),
    ),
    Planted(
        "secret-string",
        'aws secretsmanager create-secret --name prod/db --secret-string \'{"username":"app","password":"'
        + PW
        + "\"}'",
        (PW,),
    ),
    Planted("gh-secret-body", "gh secret set DEPLOY_KEY --body " + R32 + " --repo acme/api", (R32,)),
    Planted("gh-secret-b", 'gh secret set NPM --body "' + R32 + '"', (R32,)),
    Planted("az-keyvault-value", "az keyvault secret set --vault-name kv1 --name dbpw --value '" + PW + "'", (PW,)),
    Planted("kubectl-from-literal", "kubectl create secret generic app --from-literal=apikey=" + R32, (R32,)),
    Planted("vault-kv-put", "vault kv put secret/app db=" + PW + " api=" + R32, (PW, R32)),
    # Key files by their form.
    Planted(
        "minisign-key",
        "untrusted comment: minisign encrypted secret key\n" + MINISIGN + "\n",
        (MINISIGN,),
    ),
    Planted(
        "openvpn-static",
        "#\n# 2048 bit OpenVPN static key\n#\n-----BEGIN OpenVPN Static key V1-----\n"
        + OVPN
        + "\n-----END OpenVPN Static key V1-----",
        (OVPN.splitlines()[3],),
    ),
    Planted("wallet-bytes", "$ cat ~/.config/solana/id.json\n" + WALLET, (WALLET[1:40],)),
    Planted("master-key-cat", "$ cat config/master.key\n" + HEX32 + "\n", (HEX32,)),
    # AUTH / PW names.
    Planted("redis-auth-env", "REDIS_AUTH=" + R20 + " docker compose up", (R20,)),
    Planted("mysql-root-pw", "MYSQL_ROOT_PW=" + PW, (PW,)),
    Planted("smtp-auth-yaml", "smtp:\n  host: mail\n  auth: " + R20, (R20,)),
    Planted("admin-pw-json", '{"admin_pw": "' + PW + '"}', (PW,)),
    # Passwords given to programs.
    Planted("cmdkey", "cmdkey /generic:TERMSRV/host1 /user:admin /pass:" + PW, (PW,)),
    Planted("schtasks-rp", 'schtasks /create /tn Backup /tr backup.bat /ru admin /rp "' + PW + '" /sc daily', (PW,)),
    Planted("psexec-p", "psexec \\\\host1 -u admin -p " + PW + " cmd.exe", (PW,)),
    Planted(
        "securestring",
        "$pw = ConvertTo-SecureString '" + PW + "' -AsPlainText -Force",
        (PW,),
    ),
    Planted("xfreerdp", "xfreerdp /v:10.0.0.5 /u:admin /p:" + PW + " /cert:ignore", (PW,)),
    Planted("net-user", "net user deploy " + PW + " /add", (PW,)),
    Planted("rabbitmq-add-user", "rabbitmqctl add_user deploy " + PW, (PW,)),
    Planted("rabbitmq-change", "rabbitmqctl change_password guest " + PW, (PW,)),
    Planted("mongosh-p", 'mongosh "mongodb://db:27017" -u admin -p ' + PW + " --authenticationDatabase admin", (PW,)),
    Planted("redis-auth-cmd", "redis-cli -h cache\n> AUTH " + PW, (PW,)),
    Planted("influx-user", "influx user create -n deploy -p " + PW + " -o acme", (PW,)),
    Planted(
        "expect-send", 'expect -c \'spawn ssh admin@host; expect "*assword:"; send "' + PW + "\\r\"; interact'", (PW,)
    ),
    Planted("useradd-p", "echo deploy:" + PW + " | chpasswd && useradd -m deploy", (PW,)),
    # Other languages.
    Planted("de-passwort", "Das Passwort ist " + PW, (PW,)),
    Planted("de-kennwort-kv", "Kennwort: " + PW, (PW,)),
    Planted("fr-mot-de-passe", "le mot de passe est " + PW, (PW,)),
    Planted("es-contrasena", "la contraseña es " + PW, (PW,)),
    Planted("ru-parol", "пароль: " + PW, (PW,)),
    Planted("zh-mima", "密码\uff1a" + PW, (PW,)),
    Planted("zh-mima-shi", "数据库密码是 " + PW, (PW,)),
    Planted("passcode", "the passcode is " + PW, (PW,)),
    Planted("admin-slash", "log in with admin / " + PW + " on the staging box", (PW,)),
    # Escaped or split text.
    Planted("u-escaped", '{"token": "\\u0067hp_' + R40[:36] + '"}', (R40[:36],)),
    Planted("u-escaped-key", '{"\\u0070assword": "' + PW + '"}', (PW,)),
    Planted("concat-ghp", 'token = "ghp_" + "' + R40[:36] + '"', (R40[:36],)),
    Planted("concat-three", "key = 'sk-proj-' + '" + R40[:24] + "' + '" + R40[10:34] + "'", (R40[:24], R40[10:34])),
    Planted(
        "api-error-escaped",
        '{"type":"assistant","message":{"content":[{"type":"text","text":"API Error: 401 {\\"error\\":{\\"message\\":\\"Invalid'
        " key\\\\nAuthorization: Bearer " + R40 + '\\"}}"}]}}',
        (R40,),
    ),
    Planted("json-escaped-env", '"output": "DB_HOST=db\\nDB_PASSWORD=' + PW + '\\nDB_PORT=5432"', (PW,)),
    Planted("json-escaped-quote", '"text": "config = {\\"apiKey\\": \\"' + R32 + '\\"}"', (R32,)),
    # Service tokens with distinctive prefixes.
    Planted("prefix-token-1", "export FOO=zq_live_" + R32, (R32,)),
    Planted("prefix-token-2", "curl -H 'X-Api: tkn_" + R32 + "' https://api.example.com", (R32,)),
    Planted("prefix-token-3", "client = Client('pk-lf-" + R32 + "')", (R32,)),
    Planted("prefix-token-4", "Using key ntn_" + R40 + " for the workspace", (R40,)),
    # The rules of the tenth and eleventh rounds (issue 60's third session), one case each.
    Planted("env-dotted-value", "docker run -e POSTGRES_PASSWORD=lantern.rocket63 postgres:16", ("lantern.rocket63",)),
    Planted("psql-table", " id | api_token\n----+----------\n  1 | " + HEX32, (HEX32,)),
    Planted("words-table", "Service | Login | Password\nZoom | it@acme.io | " + PW, (PW,)),
    Planted("tsv-table", "service\tuser\tpassword\nvpn\tjdoe\t" + PW, (PW,)),
    Planted(
        "csv-quoted-commas", 'service,login,secret\n"smtp","a@b.io","x,' + PW + '"\n"vpn","jdoe","' + PW + '"', (PW,)
    ),
    Planted("pdo", "new PDO('mysql:host=db', 'wp', '" + PW + "')", (PW,)),
    Planted("scanner", "Detector Type: Postmark\nRaw result: " + R32, (R32,)),
    Planted("django-debug", "EMAIL_HOST_PASSWORD\t'" + PW + "'", (PW,)),
    Planted("ansi-colored", "\x1b[1mToken:\x1b[0m \x1b[32mghp_" + R40[:36] + "\x1b[0m", (R40[:36],)),
    Planted("told-set-to", "SECRET_KEY is set to '" + PW + "' in the .env", (PW,)),
    Planted("sql-key-value", "UPDATE config SET value = '" + PW + "' WHERE key = 'smtp.password';", (PW,)),
    Planted("insert-rows", "INSERT INTO t (name, secret) VALUES ('a', 'x'), ('b', '" + HEX32 + "');", (HEX32,)),
    Planted("pg-copy", "COPY public.creds (service, secret) FROM stdin;\nmailjet\t" + HEX32 + "\n\\.", (HEX32,)),
    Planted("terraform-plan", '~ password = "' + R20 + '" -> "' + PW + '"', (R20, PW)),
    Planted("brace-init", 'const std::string kMqttPassword{"' + R20 + '"};', (R20,)),
    Planted("ldif", "dn: uid=j,dc=acme\nuserPassword:: " + B64_PW, (B64_PW,)),
    Planted("backtick-pair", "the credentials you pasted (`admin` / `" + PW + "`) are for production", (PW,)),
    Planted(
        "data-uri",
        "data:text/plain;base64," + base64.b64encode(b"api_key=" + R40.encode()).decode(),
        (base64.b64encode(b"api_key=" + R40.encode()).decode(),),
    ),
    Planted("app-password-letters", "- app password `xredozprhzlcsmib` set in settings.py", ("xredozprhzlcsmib",)),
    Planted(
        "nostr",
        "nostr nsec: nsec1" + _rep("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58),
        ("nsec1" + _rep("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58),),
    ),
    # A password's shape on a line about logging in (secrets/cued_passwords.py), wherever it stands.
    Planted("cued-before-label", "Lighthouse*48 ist das pw für die datenbank", ("Lighthouse*48",)),
    Planted("cued-no-verb", "staging is 10.0.0.4, user admin, Gl4cier&2207 — dont change it", ("Gl4cier&2207",)),
    Planted("cued-at-symbol", "bhai password hai Kaveri@1998 try kar", ("Kaveri@1998",)),
    Planted("cued-foreign-plain", "parol ot servera zimaleto84kq nikomu", ("zimaleto84kq",)),
    Planted(
        "cued-next-line",
        "[sudo] password for ana: \n$ Orchid7731!\nbash: Orchid7731!: command not found",
        ("Orchid7731!",),
    ),
    Planted(
        "cued-quoted-after", "**Q: How do I log in?**\nA: use `qa@acme.io` with `Mv4~Tq9zp!Le`.", ("Mv4~Tq9zp!Le",)
    ),
    # Random tokens of a found secret's shape in the same text (loose_tokens.sibling_spans).
    Planted(
        "siblings-joined",
        'p1 = "' + R20 + '"\np2 = "' + _rep("Kw3Nb8Yq2Zt6Hm", 20) + '"\nWEBHOOK_SECRET = f"{p1}{p2}"',
        (R20, _rep("Kw3Nb8Yq2Zt6Hm", 20)),
    ),
    # Elements named for a secret: with attributes, and as a name element's value element.
    Planted("xml-attributes", '<Pass encoding="base64">' + B64_PW + "</Pass>", (B64_PW,)),
    Planted("keepass-pair", '<Key>Password</Key><Value ProtectInMemory="True">' + PW + "</Value>", (PW,)),
    Planted("hadoop-pair", "<name>ldap.bind.password</name>\n<value>" + PW + "</value>", (PW,)),
    Planted("placeholder-default", '@Value("${db.password:' + PW + '}")', (PW,)),
    Planted("bindpw", "+bindpw " + PW, (PW,)),
    Planted("mysql-log-ampersand", "COMMAND=/usr/bin/mysql -u root -pQw&9Lk2Zx7 -e FLUSH", ("Qw&9Lk2Zx7",)),
    Planted(
        "html-table",
        "<tr><th>System</th><th>Login</th><th>Kennwort</th></tr>\n<tr><td>SAP</td><td>BATCH</td><td>"
        + PW
        + "</td></tr>",
        (PW,),
    ),
    # A spreadsheet's CSV export: a byte order mark before the first column's name.
    Planted("csv-byte-order-mark", "\ufeffBenutzer;Rechner;Kennwort\nm.schulz;PC-0412;" + PW, (PW,)),
)
