"""Issue 39's held-out secrets: variants of B9's families that the rules were NOT tuned on.

Written before the rules of issue 39 (secrets/...) and kept apart from tests/secret_samples.py:
other programs' password options, other connection strings and env names, seed phrases of other
lengths, other wallet key forms, other vendors' headers and URLs. tests/secrets/test_secret_kinds.py
checks every one in every scope; the report of issue 39 gives how many leaked before the rules
and after. Same structure as secret_samples.Planted (built by concatenation: no secret-shaped
literal sits in this file).
"""

from __future__ import annotations

from tests.secret_samples import Planted, _rep, mnemonic, wif

SEED_15 = mnemonic("held-out fifteen", 15)
SEED_18 = mnemonic("held-out eighteen", 18)
SEED_21 = mnemonic("held-out twenty-one", 21)
SEED_12_JSON = mnemonic("held-out json twelve", 12)
WIF_COMPRESSED = wif("held-out compressed")
WIF_TESTNET = wif("held-out testnet", compressed=True, testnet=True)
WIF_TESTNET_OLD = wif("held-out testnet old", compressed=False, testnet=True)
UUID = "7d3f9a12-" + "6b4e-4c8d-a1f2-" + "9e0b5c3d7a64"
HEX32 = _rep("9f2c7a4e1b8d3f60", 32)
HEX40 = _rep("3e8b1d6f9a2c7e04", 40)
RANDOM22 = _rep("Rk7Tq2Wm9Lx4Vz", 22)
RANDOM40 = _rep("Hd4Lq8Wz2Xr6Tm9B", 40)
GOOG_SIG = _rep("a0c3e5f7b9d18264", 256)
CLOUDFRONT_SIG = _rep("Qm8Rt2Lx7Vn4Ks9P~Zx3W-c6Yb1", 172)
ANACONDA_CLOUD = _rep("Tk5Wq9Lm2Xr7Vz3N", 30)
ZOHO = "1000." + HEX32 + "." + _rep("5e1a9c3d7b2f", 32)
DRUPAL_SALT = _rep("Dr8uPa1Sa7LtQm3Xw", 43)
SPLUNK = "b2c4e6f8-" + "1a3c-4e5f-8a9b-" + "0c1d2e3f4a5b"

HELD_OUT: tuple[Planted, ...] = (
    # Passwords as other programs' options.
    Planted("mysqldump-p", "mysqldump -u root -pDumpH3ldPa55 --all-databases > all.sql", ("DumpH3ldPa55",)),
    Planted("pgpassword-quoted", "PGPASSWORD='H3ldPgPw!x' pg_dump -h db app > dump.sql", ("H3ldPgPw!x",)),
    Planted("smbclient-domain", "smbclient //fs/share -U 'corp\\bob%Smb5ecretH3ld'", ("Smb5ecretH3ld",)),
    Planted("curl-long-user", "curl --user deploy:CurlH3ldPa55 https://repo.example.com/x", ("CurlH3ldPa55",)),
    Planted("wget-password", "wget --user=bob --password=WgetH3ldPa55 https://files.example.com/a", ("WgetH3ldPa55",)),
    Planted("sshpass-scp", "sshpass -p H3ldSshpass9 scp build.tgz root@10.0.0.7:/tmp", ("H3ldSshpass9",)),
    Planted(
        "openssl-passout",
        "openssl pkcs12 -export -in c.pem -inkey k.pem -out c.p12 -passout pass:P12H3ldPa55",
        ("P12H3ldPa55",),
    ),
    Planted("openssl-enc-k", "openssl enc -aes-256-cbc -salt -in a.txt -out a.enc -k EncH3ldKey9", ("EncH3ldKey9",)),
    Planted(
        "keytool-src-dest",
        "keytool -importkeystore -srckeystore a.p12 -srcstorepass SrcSt0reH3ld -deststorepass DstSt0reH3ld",
        ("SrcSt0reH3ld", "DstSt0reH3ld"),
    ),
    Planted("podman-login", "podman login -u bob -p P0dH3ldPa55 quay.io", ("P0dH3ldPa55",)),
    Planted("htpasswd-c", "htpasswd -b -c /etc/nginx/.htpasswd admin HtH3ldPa55", ("HtH3ldPa55",)),
    Planted("rclone-obscure", "rclone obscure RcL0neH3ldPa55", ("RcL0neH3ldPa55",)),
    Planted(
        "rclone-config-pass",
        "rclone config create ftp1 ftp host ftp.example.com user bob pass RcFtpH3ld9",
        ("RcFtpH3ld9",),
    ),
    Planted("unzip-password", "unzip -P UnZ1pH3ld9 archive.zip -d out/", ("UnZ1pH3ld9",)),
    Planted("7za-extract", "7za x -pSevenZH3ld9 secrets.7z", ("SevenZH3ld9",)),
    Planted("unrar-password", "unrar x -pR4rH3ldPw9 backup.rar", ("R4rH3ldPw9",)),
    Planted("pscp-password", "pscp -pw PscpH3ldPw9 build.tgz admin@10.0.0.9:/tmp", ("PscpH3ldPw9",)),
    Planted(
        "snmpv3-passphrases",
        "snmpget -v3 -l authPriv -u mon -a SHA -A Snmpv3AuthH3ld -x AES -X Snmpv3PrivH3ld 10.0.0.1 sysName.0",
        ("Snmpv3AuthH3ld", "Snmpv3PrivH3ld"),
    ),
    Planted("mosquitto-sub", "mosquitto_sub -h broker -u ops -P MqttSubH3ld9 -t 'sensors/#'", ("MqttSubH3ld9",)),
    Planted("ipmitool-order", "ipmitool -H 10.1.1.1 -U root -P IpmiH3ld9 power status", ("IpmiH3ld9",)),
    Planted("xh-auth", "xh -a bob:XhH3ldPa55 https://api.example.com/me", ("XhH3ldPa55",)),
    Planted(
        "poetry-gitlab",
        "poetry config http-basic.gitlab gitlab-ci-token GlH3ldPa55x",
        ("GlH3ldPa55x",),
    ),
    Planted("sudo-stdin-k", 'echo "H3ldSud0Pw9" | sudo -S -k systemctl restart nginx', ("H3ldSud0Pw9",)),
    Planted("printf-chpasswd", "printf 'root:Chp4ssH3ld9\\n' | chpasswd", ("Chp4ssH3ld9",)),
    Planted("smbpasswd-stdin", 'echo -e "SmbNewH3ld9\\nSmbNewH3ld9" | smbpasswd -a -s bob', ("SmbNewH3ld9",)),
    Planted("passwd-stdin", "echo 'PasswdH3ld9' | passwd --stdin deploy", ("PasswdH3ld9",)),
    Planted("sqlplus-silent", "sqlplus -s scott/T1gerH3ld@orcl @report.sql", ("T1gerH3ld",)),
    Planted("expdp-connect", "expdp system/ExpH3ldPw9@pdb1 schemas=hr directory=dp_dir", ("ExpH3ldPw9",)),
    Planted(
        "cifs-pass-option",
        "mount -t cifs //10.0.0.5/data /mnt/data -o user=bob,pass=CifsH3ld9,vers=3.0",
        ("CifsH3ld9",),
    ),
    Planted("rsync-password-env", "RSYNC_PASSWORD=RsyncH3ld9 rsync -av rsync://bob@host/mod .", ("RsyncH3ld9",)),
    Planted("ldappass-env", "LDAPPASS=LdapH3ldPw9 ./sync.sh", ("LdapH3ldPw9",)),
    Planted(
        "url-password-query",
        "curl 'https://nas.local/cgi-bin/login?username=admin&password=NasH3ldPw9'",
        ("NasH3ldPw9",),
    ),
    Planted("redis-cli-pass", "redis-cli -h cache --pass RedisH3ldPw9 ping", ("RedisH3ldPw9",)),
    Planted("wpa-passphrase", 'wpa_passphrase HomeNet "WpaH3ldPass9" >> /etc/wpa.conf', ("WpaH3ldPass9",)),
    Planted("nmcli-psk", 'nmcli connection modify Office wifi-sec.psk "OfficePskH3ld9"', ("OfficePskH3ld9",)),
    Planted("hostapd-passphrase", "wpa_passphrase=HostapdH3ld9", ("HostapdH3ld9",)),
    Planted("libpq-keywords", 'psql "host=db user=app password=PsqlKvH3ld9 dbname=app"', ("PsqlKvH3ld9",)),
    Planted("lftp-user", "lftp -u bob,LftpH3ldPw9 ftp://ftp.example.com", ("LftpH3ldPw9",)),
    Planted(
        "minio-alias",
        "mc alias set minio http://minio:9000 minioadmin M1n1oH3ldSecret9",
        ("M1n1oH3ldSecret9",),
    ),
    Planted("kinit-stdin", "echo 'KrbH3ldPw9' | kinit bob@CORP.EXAMPLE", ("KrbH3ldPw9",)),
    # Seed phrases of other lengths and places, other wallet keys.
    Planted("bip39-seed-15", f"my recovery phrase is {SEED_15}", (SEED_15,)),
    Planted("bip39-seed-18", f"MNEMONIC='{SEED_18}' npx hardhat run deploy.js", (SEED_18,)),
    Planted("bip39-seed-21", f"seed words:\n{SEED_21}\n", (SEED_21,)),
    Planted("bip39-seed-json", f'{{"mnemonic": "{SEED_12_JSON}", "path": "m/44/60/0/0"}}', (SEED_12_JSON,)),
    Planted("wif-compressed", f"the wallet's key is {WIF_COMPRESSED}", (WIF_COMPRESSED,)),
    Planted("wif-testnet", f"bitcoin-cli -testnet importprivkey {WIF_TESTNET}", (WIF_TESTNET,)),
    Planted("wif-testnet-uncompressed", f"key={WIF_TESTNET_OLD}", (WIF_TESTNET_OLD,)),
    # Other vendors' header tokens, signed URLs and config.
    Planted("openstack-auth-token", f"curl -H 'X-Auth-Token: {HEX32}' https://cloud:8774/v2.1/servers", (HEX32,)),
    Planted("consul-token", f'curl -H "X-Consul-Token: {UUID}" http://consul:8500/v1/kv/app', (UUID,)),
    Planted("rapidapi-key", f"-H 'X-RapidAPI-Key: {RANDOM40}'", (RANDOM40,)),
    Planted("datadog-header", f'curl -H "DD-API-KEY: {HEX32}" https://api.datadoghq.com/api/v1/validate', (HEX32,)),
    Planted("cloudflare-auth-key", f"-H 'X-Auth-Key: {HEX40[:37]}' -H 'X-Auth-Email: a@b.c'", (HEX40[:37],)),
    Planted("circleci-header", f"curl -H 'Circle-Token: {HEX40}' https://circleci.com/api/v2/me", (HEX40,)),
    Planted("plex-token", f"curl 'http://plex:32400/library/sections?X-Plex-Token={RANDOM22[:20]}'", (RANDOM22[:20],)),
    Planted(
        "splunk-hec", f"curl -H 'Authorization: Splunk {SPLUNK}' https://splunk:8088/services/collector", (SPLUNK,)
    ),
    Planted("opsgenie-geniekey", f'-H "Authorization: GenieKey {UUID}"', (UUID,)),
    Planted("zoho-oauthtoken", f"Authorization: Zoho-oauthtoken {ZOHO}", (ZOHO,)),
    Planted("pagerduty-quoted", f"-H 'Authorization: Token token=\"{RANDOM22[:20]}\"'", (RANDOM22[:20],)),
    Planted(
        "aws-sigv4-header",
        f"Authorization: AWS4-HMAC-SHA256 Credential=AKIAQ7LM2XR4TZ9KD3WB/20260101/us-east-1/s3/aws4_request, "
        f"SignedHeaders=host;x-amz-date, Signature={HEX40 + HEX32[:24]}",
        (HEX40 + HEX32[:24], "AKIAQ7LM2XR4TZ9KD3WB"),
    ),
    Planted(
        "gcs-signed-url",
        f"https://storage.googleapis.com/b/o.txt?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=sa%40p.iam"
        f"&X-Goog-Date=20260101T000000Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host&X-Goog-Signature={GOOG_SIG}",
        (GOOG_SIG,),
    ),
    Planted(
        "cloudfront-signed-url",
        f"https://d111.cloudfront.net/v.mp4?Expires=1767225600&Signature={CLOUDFRONT_SIG}&Key-Pair-Id=K2JCJMDEHXQW5F",
        (CLOUDFRONT_SIG,),
    ),
    Planted(
        "anaconda-cloud-token",
        f"pip install --index-url https://repo.anaconda.cloud/t/{ANACONDA_CLOUD}/pypi/simple acme",
        (ANACONDA_CLOUD,),
    ),
    Planted("vault-token-env", "VAULT_TOKEN=s." + RANDOM22 + "xY vault kv get secret/app", ("s." + RANDOM22 + "xY",)),
    Planted(
        "otel-honeycomb",
        f'OTEL_EXPORTER_OTLP_HEADERS="x-honeycomb-team={RANDOM22}" ./app',
        (RANDOM22,),
    ),
    Planted("snyk-config-api", f"snyk config set api={UUID}", (UUID,)),
    Planted("cohere-client-v2", f"co = cohere.ClientV2('{RANDOM40}')", (RANDOM40,)),
    Planted(
        "wordpress-secure-auth-salt",
        "define( 'SECURE_AUTH_SALT', 'm]3Xq|8Lz@7Rt4;Kp#9W&zTf6-Hc1Jd5Ga0 Bq7Ne!Zs2Uw8Xo4Pi6Ly%Mr' );",
        ("m]3Xq|8Lz@7Rt4;Kp#9W&zTf6-Hc1Jd5Ga0 Bq7Ne!Zs2Uw8Xo4Pi6Ly%Mr",),
    ),
    Planted("drupal-hash-salt", f"$settings['hash_salt'] = '{DRUPAL_SALT}';", (DRUPAL_SALT,)),
    Planted(
        "password-in-json-env",
        '{"env": {"DB_CONFIG": "{\\"user\\": \\"app\\", \\"password\\": \\"JsonEnvH3ld9\\"}"}}',
        ("JsonEnvH3ld9",),
    ),
    Planted(
        "refresh-token-json-env",
        f"""CREDS='{{"client_id": "abc.apps", "refresh_token": "{RANDOM40}"}}' ./sync""",
        (RANDOM40,),
    ),
)
