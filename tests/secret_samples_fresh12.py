# ruff: noqa: RUF001
"""A twelfth held-out set of planted secrets and look-alikes (issue 60).

Written on 2026-11-27 by a helper who never saw the redaction rules, their docs, the benchmarks or
the other sample sets. Every value is fake, drawn deterministically from SHA-256 of the kind's name
(seed strings prefixed "fresh12:"), and shaped like the real format (alphabet, length, prefix).
Vendor prefixes are built by concatenation so no secret-shaped literal sits in this file.

`FAMILIES12` groups the planted kinds by the form they take (vendor tokens, terminal sessions,
config formats, source code, logs, multilingual chat, agent prose, diffs, data, pasted docs,
encodings, key material, URLs and tool files); `FRESH12` is all of them; `BENIGN_FRESH12` are
texts that resemble secrets but hold none, and must be left unchanged.

This set MEASURES only. It must never be used to write or tune rules.
"""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.parse

from tests.secret_samples import Planted, mnemonic, wif

_LOWER = "abcdefghijklmnopqrstuvwxyz"
_UPPER = _LOWER.upper()
_DIG = "0123456789"
_ALNUM = _UPPER + _LOWER + _DIG
_HEX = "0123456789abcdef"
_B64 = _ALNUM + "+/"
_B64U = _ALNUM + "-_"
_B32 = _UPPER + "234567"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_PW = _ALNUM + "!#%&*+-=?@^_~."


def _bytes(seed: str, n: int) -> bytes:
    """`n` bytes of the SHA-256 stream of `fresh12:{seed}:{i}`, i = 0, 1, ..."""
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"fresh12:{seed}:{i}".encode()).digest()
        i += 1
    return out[:n]


def _draw(seed: str, alphabet: str, n: int) -> str:
    """`n` characters of `alphabet`, drawn without bias from the SHA-256 stream of `seed`."""
    limit = 256 - 256 % len(alphabet)
    out: list[str] = []
    i = 0
    while len(out) < n:
        for byte in hashlib.sha256(f"fresh12:{seed}:{i}".encode()).digest():
            if byte < limit and len(out) < n:
                out.append(alphabet[byte % len(alphabet)])
        i += 1
    return "".join(out)


class _G:
    """The draws of one kind: each call reads a new stream seeded by the kind's name and a count."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.count = 0

    def _seed(self) -> str:
        self.count += 1
        return f"{self.kind}#{self.count}"

    def s(self, alphabet: str, n: int) -> str:
        return _draw(self._seed(), alphabet, n)

    def an(self, n: int) -> str:
        return self.s(_ALNUM, n)

    def lo(self, n: int) -> str:
        return self.s(_LOWER + _DIG, n)

    def up(self, n: int) -> str:
        return self.s(_UPPER + _DIG, n)

    def hex(self, n: int) -> str:
        return self.s(_HEX, n)

    def dig(self, n: int) -> str:
        return self.s("123456789", 1) + self.s(_DIG, n - 1)

    def b64(self, n: int) -> str:
        return self.s(_B64, n)

    def b64u(self, n: int) -> str:
        return self.s(_B64U, n)

    def b32(self, n: int) -> str:
        return self.s(_B32, n)

    def b58(self, n: int) -> str:
        return self.s(_B58, n)

    def bech(self, n: int) -> str:
        return self.s(_BECH32, n)

    def raw(self, n: int) -> bytes:
        return _bytes(self._seed(), n)

    def b64of(self, n: int) -> str:
        """Standard base64 of `n` drawn bytes (padded)."""
        return base64.b64encode(self.raw(n)).decode()

    def uuid(self) -> str:
        h = self.hex(32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:]}"

    def pw(self, n: int = 20) -> str:
        """A generated password: letters, digits and shell-safe symbols, one of each at least."""
        return self.s(_UPPER, 1) + self.s(_PW, n - 4) + self.s(_DIG, 1) + self.s("!#%&*-_=?@.", 1) + self.s(_LOWER, 1)

    def year(self) -> str:
        return str(1968 + int(self.s(_DIG, 2)) % 58)

    def sym(self) -> str:
        return self.s("!@#*?.&_-", 1)

    def words(self, options: tuple[str, ...], k: int) -> list[str]:
        raw = self.raw(k)
        return [options[b % len(options)] for b in raw]

    def jwt(self, claims: dict[str, object], alg: str = "HS256") -> str:
        def enc(obj: dict[str, object]) -> str:
            text = json.dumps(obj, separators=(",", ":")).encode()
            return base64.urlsafe_b64encode(text).decode().rstrip("=")

        return enc({"alg": alg, "typ": "JWT"}) + "." + enc(claims) + "." + self.b64u(43 if alg[:2] == "HS" else 342)

    def pem_body(self, first: str, lines: int, last: int = 40) -> list[str]:
        """Base64 body lines of 64 characters (the last shorter) starting with `first`."""
        body = [first + self.b64(64 - len(first))]
        body += [self.b64(64) for _ in range(lines - 2)]
        body.append(self.b64(last - 1) + "=")
        return body


def _pem(label: str, body: list[str], headers: str = "") -> str:
    begin = "-----" + "BEGIN " + label + "-----"
    end = "-----" + "END " + label + "-----"
    return "\n".join([begin, *([headers] if headers else []), *body, end])


class _Family:
    def __init__(self) -> None:
        self.items: list[Planted] = []
        self.kind = ""

    def new(self, kind: str) -> _G:
        self.kind = kind
        return _G(kind)

    def add(self, line: str, *secrets: str, file_line: str = "") -> None:
        self.items.append(Planted(kind=self.kind, line=line, secrets=tuple(secrets), file_line=file_line))

    def done(self) -> tuple[Planted, ...]:
        return tuple(self.items)


def _b64s(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _q(text: str) -> str:
    """Percent-encoding as in a URL's userinfo or a form body."""
    return urllib.parse.quote(text, safe="")


def _vendor_tokens() -> tuple[Planted, ...]:
    f = _Family()

    g = f.new("github_fine_grained_dotenv")
    v = "github" + "_pat_" + "11" + g.up(20) + "_" + g.an(59)
    f.add(f"# .env.local\nGH_TOKEN={v}\nGH_REPO=acme/platform", v)

    g = f.new("gitlab_private_token_header")
    v = "gl" + "pat-" + g.b64u(20)
    f.add(f'curl --header "PRIVATE-TOKEN: {v}" "https://gitlab.acme.dev/api/v4/projects?membership=true"', v)

    g = f.new("stripe_restricted_key_cli_flag")
    v = "rk" + "_live_" + "51" + g.an(97)
    f.add(f"stripe listen --forward-to localhost:4242/webhook --api-key {v}", v)

    g = f.new("stripe_webhook_signing_secret_export")
    v = "wh" + "sec_" + g.an(32)
    f.add(f"export STRIPE_WEBHOOK_SECRET='{v}'", v)

    g = f.new("razorpay_key_secret_pair")
    kid = "rzp" + "_live_" + g.an(14)
    v = g.an(24)
    f.add(f"RAZORPAY_KEY_ID={kid}\nRAZORPAY_KEY_SECRET={v}", v)

    g = f.new("paystack_secret_hex")
    v = "sk" + "_live_" + g.hex(40)
    f.add(f'PAYSTACK_SECRET_KEY="{v}"  # NGN account', v)

    g = f.new("mercadopago_access_token_bearer")
    v = "APP" + "_USR-" + g.dig(16) + "-" + g.dig(6) + "-" + g.hex(32) + "-" + g.dig(9)
    f.add(f"Authorization: Bearer {v}", v)

    g = f.new("adyen_api_key_header")
    v = "AQE" + g.an(10) + "hm" + g.b64(60) + "=-" + g.b64(44) + "=-" + g.an(16)
    f.add(f"X-API-Key: {v}\nContent-Type: application/json", v)

    g = f.new("circleci_personal_token_header")
    v = "CCI" + "PAT_" + g.an(22) + "_" + g.hex(40)
    f.add(f'curl -s -H "Circle-Token: {v}" https://circleci.com/api/v2/me', v)

    g = f.new("buildkite_user_token_cli")
    v = "bk" + "ua_" + g.hex(40)
    f.add(f"bk configure --org acme --token {v}", v)

    g = f.new("travis_api_token_scheme")
    v = g.b64u(22)
    f.add(f'curl -H "Travis-API-Version: 3" -H "Authorization: token {v}" https://api.travis-ci.com/repos', v)

    g = f.new("drone_token_env_pair")
    v = g.an(32)
    f.add(f"DRONE_SERVER=https://drone.acme.io\nDRONE_TOKEN={v}", v)

    g = f.new("npm_automation_token_config_set")
    v = "npm" + "_" + g.an(36)
    f.add(f"npm config set //registry.npmjs.org/:_authToken {v}", v)

    g = f.new("rubygems_api_key_env")
    v = "rubygems" + "_" + g.hex(48)
    f.add(f"GEM_HOST_API_KEY={v} gem push acme-client-2.4.1.gem", v)

    g = f.new("nuget_push_api_key_flag")
    v = "oy2" + g.lo(43)
    f.add(
        f"dotnet nuget push bin/Release/Acme.Core.3.1.0.nupkg --api-key {v} --source https://api.nuget.org/v3/index.json",
        v,
    )

    g = f.new("cargo_registry_token_env")
    v = "cio" + g.an(32)
    f.add(f"CARGO_REGISTRY_TOKEN={v} cargo publish -p acme-types", v)

    g = f.new("composer_bearer_auth_cli")
    v = "packagist" + "_uat_" + g.an(40)
    f.add(f"composer config --global bearer.repo.packagist.com {v}", v)

    g = f.new("twine_upload_password_flag")
    v = "pypi" + "-AgEIcHlwaS5vcmc" + g.b64u(134)
    f.add(f"twine upload -u __token__ -p {v} dist/*", v)

    g = f.new("yandex_oauth_token_cli")
    v = "y0" + "_AgAAAAA" + g.b64u(50)
    f.add(f"yc config set token {v}\nyc resource-manager cloud list", v)

    g = f.new("alibaba_cli_access_key_secret")
    kid = "LTAI" + g.an(20)
    v = g.an(30)
    f.add(
        f"aliyun configure set --profile prod --mode AK --region cn-hangzhou --access-key-id {kid} --access-key-secret {v}",
        v,
    )

    g = f.new("tencent_cloud_secret_env")
    kid = "AKID" + g.an(32)
    v = g.an(32)
    f.add(f"TENCENTCLOUD_SECRET_ID={kid}\nTENCENTCLOUD_SECRET_KEY={v}\nTENCENTCLOUD_REGION=ap-guangzhou", v)

    g = f.new("huawei_cloud_sk_env")
    kid = g.up(20)
    v = g.an(40)
    f.add(f"export HUAWEICLOUD_SDK_AK={kid}\nexport HUAWEICLOUD_SDK_SK={v}", v)

    g = f.new("ovh_application_secret_and_consumer_key")
    v1 = g.an(32)
    v2 = g.an(32)
    f.add(
        f"OVH_ENDPOINT=ovh-eu\nOVH_APPLICATION_KEY={g.an(16)}\nOVH_APPLICATION_SECRET={v1}\nOVH_CONSUMER_KEY={v2}",
        v1,
        v2,
    )

    g = f.new("scaleway_secret_key_uuid")
    v = g.uuid()
    f.add(f"SCW_ACCESS_KEY=SCW{g.up(17)} SCW_SECRET_KEY={v} scw instance server list zone=fr-par-1", v)

    g = f.new("hetzner_cloud_token_prefix_env")
    v = g.an(64)
    f.add(f"HCLOUD_TOKEN={v} hcloud server list -o columns=name,status", v)

    g = f.new("linode_bearer_curl")
    v = g.hex(64)
    f.add(f'curl -H "Authorization: Bearer {v}" https://api.linode.com/v4/linode/instances', v)

    g = f.new("cloudflare_global_api_key_headers")
    v = g.hex(37)
    f.add(f"X-Auth-Email: ops@acme.dev\nX-Auth-Key: {v}", v)

    g = f.new("fastly_key_header")
    v = g.b64u(32)
    f.add(f"curl -X POST -H 'Fastly-Key: {v}' https://api.fastly.com/service/7dQx/purge_all", v)

    g = f.new("netlify_auth_flag")
    v = "nfp" + "_" + g.an(36)
    f.add(f"netlify deploy --prod --dir=dist --auth {v}", v)

    g = f.new("vercel_token_flag")
    v = g.an(24)
    f.add(f"vercel deploy --prebuilt --prod --token={v}", v)

    g = f.new("render_api_key_bearer")
    v = "rnd" + "_" + g.an(32)
    f.add(f"Authorization: Bearer {v}\nAccept: application/json", v)

    g = f.new("flyio_macaroon_token_flag")
    v = "FlyV1 " + "fm2" + "_lJPECAAAAAAAA" + g.b64(180) + "=="
    f.add(f'flyctl deploy --remote-only -t "{v}"', v[len("FlyV1 ") :])

    g = f.new("sentry_user_token_cli")
    v = "sntry" + "u_" + g.hex(64)
    f.add(f"sentry-cli --auth-token {v} releases new -p web 2026.11.3", v)

    g = f.new("datadog_api_and_app_key_headers")
    v1 = g.hex(32)
    v2 = g.hex(40)
    f.add(f"DD-API-KEY: {v1}\nDD-APPLICATION-KEY: {v2}", v1, v2)

    g = f.new("pagerduty_token_token_scheme")
    v = "u+" + g.b64u(18)
    f.add(f"Authorization: Token token={v}\nAccept: application/vnd.pagerduty+json;version=2", v)

    g = f.new("opsgenie_geniekey_scheme")
    v = g.uuid()
    f.add(f"Authorization: GenieKey {v}", v)

    g = f.new("twilio_sid_colon_auth_token_curl")
    sid = "AC" + g.hex(32)
    v = g.hex(32)
    f.add(
        f"curl -X POST https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json -u {sid}:{v} --data-urlencode 'Body=hi'",
        v,
    )

    g = f.new("vonage_query_api_secret")
    v = g.an(16)
    f.add(f'curl "https://rest.nexmo.com/sms/json?api_key={g.hex(8)}&api_secret={v}&from=ACME&to=4915112345678"', v)

    g = f.new("plaid_secret_env_with_client_id")
    v = g.hex(30)
    f.add(f"PLAID_ENV=production\nPLAID_CLIENT_ID={g.hex(24)}\nPLAID_SECRET={v}", v)

    g = f.new("mollie_live_key_env")
    v = "live" + "_" + g.an(30)
    f.add(f"MOLLIE_API_KEY={v}", v)

    g = f.new("airtable_pat_bearer")
    v = "pat" + g.an(14) + "." + g.hex(64)
    f.add(f"-H 'Authorization: Bearer {v}'", v)

    g = f.new("notion_ntn_token_env")
    v = "ntn" + "_" + g.dig(12) + g.an(34)
    f.add(f"NOTION_TOKEN={v}\nNOTION_DATABASE_ID={g.hex(32)}", v)

    g = f.new("clickup_pk_raw_authorization")
    v = "pk" + "_" + g.dig(8) + "_" + g.up(32)
    f.add(f"Authorization: {v}", v)

    g = f.new("zendesk_slash_token_basic")
    v = g.an(40)
    f.add(f"curl https://acme.zendesk.com/api/v2/tickets.json -u it-bot@acme.com/token:{v}", v)

    g = f.new("atlassian_api_token_env")
    v = "ATATT3x" + "FfGF0" + g.b64u(180) + "=" + g.up(8)
    f.add(f"JIRA_USER=dev@acme.com JIRA_API_TOKEN={v} jira issue list", v)

    g = f.new("contentful_cma_token")
    v = "CFPAT" + "-" + g.b64u(43)
    f.add(f"contentful login --management-token {v}", v)

    g = f.new("algolia_admin_key_env")
    v = g.hex(32)
    f.add(f"ALGOLIA_APP_ID={g.up(10)}\nALGOLIA_ADMIN_API_KEY={v}\nALGOLIA_INDEX=products_prod", v)

    return f.done()


def _terminal_sessions() -> tuple[Planted, ...]:
    f = _Family()

    g = f.new("docker_login_password_stdin_echo")
    v = g.pw(22)
    f.add(f"$ echo '{v}' | docker login ghcr.io -u octo-deploy --password-stdin\nLogin Succeeded", v)

    g = f.new("docker_login_p_flag_warning")
    v = g.pw(18)
    f.add(
        f"$ docker login -u deploy -p '{v}' registry.acme.io\n"
        "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\nLogin Succeeded",
        v,
    )

    g = f.new("docker_run_env_flags")
    v = "Postgres" + g.dig(4) + "_Rx" + g.lo(6)
    f.add(f"docker run -d --name pg -e POSTGRES_USER=app -e POSTGRES_PASSWORD={v} -p 5432:5432 postgres:16-alpine", v)

    g = f.new("docker_inspect_env_array")
    v = g.an(28)
    f.add(
        '$ docker inspect --format \'{{json .Config.Env}}\' mysql-prod\n["MYSQL_DATABASE=shop","MYSQL_ROOT_PASSWORD='
        + v
        + '","PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"]',
        v,
    )

    g = f.new("kubectl_create_secret_from_literal")
    v1 = "sk" + "-proj-" + g.b64u(120)
    v2 = g.pw(24)
    f.add(
        f"kubectl -n ai create secret generic llm-keys --from-literal=OPENAI_API_KEY={v1} --from-literal=ADMIN_PASSWORD='{v2}'",
        v1,
        v2,
    )

    g = f.new("kubectl_get_secret_yaml_output")
    pw = g.pw(20)
    b = _b64s(pw)
    f.add(
        "$ kubectl get secret db-creds -o yaml\napiVersion: v1\ndata:\n"
        f"  password: {b}\n  username: YXBw\nkind: Secret\nmetadata:\n  name: db-creds\n  namespace: prod\ntype: Opaque",
        b,
    )

    g = f.new("kubectl_jsonpath_base64_decode")
    v = g.pw(26)
    f.add(
        "$ kubectl get secret grafana -o jsonpath='{.data.admin-password}' | base64 -d; echo\n" + v,
        v,
    )

    g = f.new("kubectl_config_view_raw_token")
    v = g.jwt({"iss": "kubernetes/serviceaccount", "sub": "system:serviceaccount:ci:deployer"}, "RS256")
    f.add(
        "$ kubectl config view --raw --minify\n...\nusers:\n- name: ci-deployer\n  user:\n    token: " + v,
        v,
    )

    g = f.new("aws_configure_interactive_prompts")
    kid = "AKIA" + g.up(16)
    v = g.b64(40).replace("+", "/")
    f.add(
        f"$ aws configure --profile staging\nAWS Access Key ID [None]: {kid}\nAWS Secret Access Key [None]: {v}\n"
        "Default region name [None]: eu-central-1\nDefault output format [None]: json",
        v,
    )

    g = f.new("aws_sts_assume_role_json")
    v1 = g.b64(40)
    v2 = "IQoJb3JpZ2luX2VjE" + g.b64(380)
    f.add(
        "$ aws sts assume-role --role-arn arn:aws:iam::123456789012:role/deploy --role-session-name ci\n"
        '{\n    "Credentials": {\n        "AccessKeyId": "ASIA' + g.up(16) + '",\n'
        f'        "SecretAccessKey": "{v1}",\n        "SessionToken": "{v2}",\n'
        '        "Expiration": "2026-11-27T14:03:11+00:00"\n    }\n}',
        v1,
        v2,
    )

    g = f.new("gcloud_print_access_token")
    v = "ya29" + ".a0A" + g.b64u(180)
    f.add(f"$ gcloud auth print-access-token\n{v}", v)

    g = f.new("az_sp_create_for_rbac_output")
    v = g.an(3) + "8Q~" + g.b64u(34)
    f.add(
        '$ az ad sp create-for-rbac --name gh-actions --role contributor\n{\n  "appId": "'
        + g.uuid()
        + '",\n  "displayName": "gh-actions",\n  "password": "'
        + v
        + '",\n  "tenant": "'
        + g.uuid()
        + '"\n}',
        v,
    )

    g = f.new("az_storage_account_keys_table")
    v1 = g.b64(86) + "=="
    v2 = g.b64(86) + "=="
    f.add(
        "$ az storage account keys list -n acmelogs -o table\nCreationTime                      KeyName    Permissions    Value\n"
        f"--------------------------------  ---------  -------------  -----\n2026-03-02T10:11:45.120000+00:00  key1       FULL           {v1}\n"
        f"2026-03-02T10:11:45.120000+00:00  key2       FULL           {v2}",
        v1,
        v2,
    )

    g = f.new("psql_uri_argument")
    v = g.pw(20).replace("@", "9").replace("#", "8").replace("%", "7").replace("?", "6")
    f.add(
        f'$ psql "postgresql://reporting:{v}@pg-replica.internal:5432/analytics?sslmode=require"\npsql (16.4)\nanalytics=>',
        v,
    )

    g = f.new("pgpassword_env_prefix_pg_dump")
    v = g.an(24)
    f.add(f"$ PGPASSWORD={v} pg_dump -h 10.20.0.7 -U postgres -Fc shop > shop.dump", v)

    g = f.new("mysql_p_flag_warning")
    v = "Mysql" + g.sym() + g.dig(6) + g.an(4)
    f.add(
        f"$ mysql -uroot -p'{v}' -h 127.0.0.1 -e 'SHOW DATABASES'\nmysql: [Warning] Using a password on the command line interface can be insecure.",
        v,
    )

    g = f.new("redis_cli_a_flag")
    v = g.hex(48)
    f.add(f"$ redis-cli -h cache.internal -p 6380 --tls -a {v} --no-auth-warning PING\nPONG", v)

    g = f.new("mongosh_srv_uri")
    v = g.an(16)
    f.add(
        f'$ mongosh "mongodb+srv://admin:{v}@cluster0.x7kq2.mongodb.net/?retryWrites=true" --apiVersion 1\nCurrent Mongosh Log ID: 6746f0',
        v,
    )

    g = f.new("sqlcmd_p_flag")
    v = "Sa" + g.an(10) + "!" + g.dig(3)
    f.add(f"sqlcmd -S tcp:mssql.acme.local,1433 -U sa -P '{v}' -Q \"SELECT @@VERSION\"", v)

    g = f.new("sshpass_p_flag")
    v = g.pw(16)
    f.add(f"$ sshpass -p '{v}' ssh -o StrictHostKeyChecking=no deploy@10.0.4.21 'sudo systemctl restart api'", v)

    g = f.new("ssh_keygen_new_passphrase_flag")
    v = "-".join(g.words(("otter", "maple", "quartz", "lantern", "velvet", "harbor", "cobalt", "thistle"), 4)) + g.dig(
        2
    )
    f.add(f"ssh-keygen -t ed25519 -C 'ci@acme' -N '{v}' -f ~/.ssh/id_ci", v)

    g = f.new("openssl_passout_pass")
    v = g.pw(18)
    f.add(f"openssl pkcs12 -export -in tls.crt -inkey tls.key -out bundle.p12 -name api -passout 'pass:{v}'", v)

    g = f.new("curl_u_user_password")
    v = g.pw(20)
    f.add(f"$ curl -s -u admin:'{v}' https://jenkins.acme.internal/api/json?pretty=true | head", v)

    g = f.new("curl_verbose_basic_header_echo")
    b = _b64s("svc-metrics:" + g.an(20))
    f.add(
        "$ curl -v https://metrics.acme.io/api/v1/query\n> GET /api/v1/query HTTP/2\n> Host: metrics.acme.io\n"
        f"> authorization: Basic {b}\n> user-agent: curl/8.5.0\n>\n< HTTP/2 200",
        b,
    )

    g = f.new("git_remote_v_x_access_token")
    v = "gh" + "s_" + g.an(36)
    f.add(
        f"$ git remote -v\norigin\thttps://x-access-token:{v}@github.com/acme/infra.git (fetch)\n"
        f"origin\thttps://x-access-token:{v}@github.com/acme/infra.git (push)",
        v,
    )

    g = f.new("git_clone_oauth2_output")
    v = "gl" + "pat-" + g.b64u(20)
    f.add(
        f"$ git clone https://oauth2:{v}@gitlab.com/acme/mobile-app.git\nCloning into 'mobile-app'...\nremote: Enumerating objects: 4812, done.",
        v,
    )

    g = f.new("git_credential_fill_output")
    v = "gh" + "o_" + g.an(36)
    f.add(
        f"$ printf 'protocol=https\\nhost=github.com\\n\\n' | git credential fill\nprotocol=https\nhost=github.com\nusername=mara-k\npassword={v}",
        v,
    )

    g = f.new("bash_history_numbered")
    v = "sk" + "-ant-api03-" + g.b64u(93) + "AA"
    f.add(
        f"$ history | tail -4\n  511  cd ~/src/agent\n  512  export ANTHROPIC_API_KEY={v}\n  513  uv run agent.py\n  514  history | tail -4",
        v,
    )

    g = f.new("printenv_grep_output")
    v1 = g.hex(64)
    v2 = g.an(32)
    f.add(f"$ printenv | grep -i -E 'secret|token'\nSESSION_SECRET={v1}\nSLACK_SIGNING_SECRET={v2}", v1, v2)

    g = f.new("heroku_config_output")
    v1 = g.lo(14)
    v2 = g.hex(128)
    f.add(
        "$ heroku config -a acme-api\n=== acme-api Config Vars\n"
        f"DATABASE_URL:    postgres://u8f2kd9:{v1}@ec2-3-91-12-4.compute-1.amazonaws.com:5432/d5k1\n"
        f"SECRET_KEY_BASE: {v2}",
        v1,
        v2,
    )

    g = f.new("vault_kv_get_table")
    v = g.pw(24)
    f.add(
        "$ vault kv get secret/payments/db\n====== Data ======\nKey         Value\n---         -----\n"
        f"password    {v}\nusername    payments_rw",
        v,
    )

    g = f.new("gh_auth_status_show_token")
    v = "gh" + "o_" + g.an(36)
    f.add(
        "$ gh auth status --show-token\ngithub.com\n  ✓ Logged in to github.com account lin-q (keyring)\n"
        f"  - Active account: true\n  - Git operations protocol: https\n  - Token: {v}",
        v,
    )

    g = f.new("bash_xtrace_bearer")
    v = g.b64u(48)
    f.add(
        f"+ curl -fsS -H 'Authorization: Bearer {v}' https://deploy.acme.io/hooks/release\n+ echo done\ndone",
        v,
    )

    g = f.new("password_typed_at_shell_prompt")
    v = "Linnea" + g.dig(4) + "!"
    f.add(
        f"[sudo] password for erik: \nSorry, try again.\n[sudo] password for erik: \n$ {v}\nbash: {v}: command not found",
        v,
    )

    g = f.new("htpasswd_batch_flag")
    v = g.pw(16)
    f.add(f"$ htpasswd -b -c /etc/nginx/.htpasswd grafana '{v}'\nAdding password for user grafana", v)

    g = f.new("rclone_obscure_roundtrip")
    v1 = g.pw(18)
    v2 = g.b64u(48)
    f.add(f"$ rclone obscure '{v1}'\n{v2}", v1, v2)

    g = f.new("terraform_output_raw_password")
    v = g.an(32)
    f.add(f"$ terraform output -raw rds_master_password\n{v}$ ", v)

    g = f.new("wrangler_secret_put_pipe")
    v = "sk" + "_live_" + g.an(99)
    f.add(
        f"$ echo {v} | npx wrangler secret put STRIPE_SECRET_KEY\n✨ Success! Uploaded secret STRIPE_SECRET_KEY",
        v,
    )

    g = f.new("minio_mc_alias_set")
    v = g.an(40)
    f.add(
        f"$ mc alias set local http://localhost:9000 backup-user {v}\nAdded `local` successfully.",
        v,
    )

    g = f.new("ldapsearch_w_flag")
    v = g.pw(14)
    f.add(
        f"ldapsearch -x -H ldaps://dc1.corp.acme -D 'cn=svc-ldap,ou=svc,dc=corp,dc=acme' -w '{v}' -b 'dc=corp,dc=acme' '(uid=jdoe)'",
        v,
    )

    g = f.new("smbclient_user_percent_password")
    v = "Winter" + g.year() + g.sym() + g.an(3)
    f.add(f"smbclient //fs01.corp.acme/finance -U 'CORP\\jdoe%{v}' -c 'ls'", v)

    g = f.new("lftp_user_comma_password")
    v = g.an(18)
    f.add(f"lftp -u partner_upload,{v} sftp://files.vendor.example -e 'put report.csv; bye'", v)

    g = f.new("wget_password_flag")
    v = g.pw(20)
    f.add(f"wget --user=ci-bot --password='{v}' https://nexus.acme.io/repository/raw/tools/cli-2.3.tar.gz", v)

    g = f.new("keytool_storepass_flag")
    v = "changeit" + g.dig(3) + g.an(8)
    f.add(f"keytool -list -v -keystore app-release.jks -alias upload -storepass {v} -keypass {v}", v)

    g = f.new("docker_compose_config_resolved")
    v = g.an(32)
    f.add(
        "$ docker compose config\nname: shop\nservices:\n  api:\n    environment:\n"
        f"      JWT_SECRET: {v}\n      NODE_ENV: production\n    image: shop-api:latest",
        v,
    )

    g = f.new("mysql_config_editor_print_all")
    v = g.pw(16)
    f.add(
        f"$ mysql_config_editor set --login-path=prod --host=db1 --user=ops --password\nEnter password: {v}",
        v,
    )

    return f.done()


def _config_formats() -> tuple[Planted, ...]:
    f = _Family()

    g = f.new("yaml_spring_datasource")
    v = g.pw(22)
    f.add(
        "spring:\n  datasource:\n    url: jdbc:postgresql://db.prod.internal:5432/orders\n"
        f"    username: orders_app\n    password: '{v}'\n  jpa:\n    open-in-view: false",
        v,
    )

    g = f.new("toml_cargo_credentials")
    v1 = "cio" + g.an(32)
    v2 = g.an(40)
    f.add(
        f'# ~/.cargo/credentials.toml\n[registry]\ntoken = "{v1}"\n\n[registries.acme]\ntoken = "Bearer {v2}"', v1, v2
    )

    g = f.new("ini_odbc_dsn")
    v = g.pw(18)
    f.add(
        "[ReportingDW]\nDriver=ODBC Driver 18 for SQL Server\nServer=tcp:dw.acme.local,1433\n"
        f"Database=dw\nUID=report_reader\nPWD={v}\nEncrypt=yes",
        v,
    )

    g = f.new("java_properties_mail_and_jdbc")
    v1 = g.an(16)
    v2 = g.pw(20)
    f.add(
        f"spring.mail.host=smtp.office365.com\nspring.mail.username=noreply@acme.com\nspring.mail.password={v1}\n"
        f"app.datasource.password={v2}",
        v1,
        v2,
    )

    g = f.new("maven_settings_server_xml")
    v = g.pw(24).replace("&", "+")
    f.add(
        "<settings>\n  <servers>\n    <server>\n      <id>acme-releases</id>\n      <username>deployer</username>\n"
        f"      <password>{v}</password>\n    </server>\n  </servers>\n</settings>",
        v,
    )

    g = f.new("web_config_connection_string")
    v = g.an(20)
    f.add(
        '<connectionStrings>\n  <add name="DefaultConnection" connectionString="Server=tcp:acme-sql.database.windows.net,1433;'
        f'Initial Catalog=crm;User ID=crmadmin;Password={v};Encrypt=True;" providerName="System.Data.SqlClient" />\n</connectionStrings>',
        v,
    )

    g = f.new("hcl_terraform_aws_provider")
    kid = "AKIA" + g.up(16)
    v = g.b64(40)
    f.add(
        f'provider "aws" {{\n  region     = "us-west-2"\n  access_key = "{kid}"\n  secret_key = "{v}"\n}}',
        v,
    )

    g = f.new("hcl_tfvars_multiple")
    v1 = g.pw(20)
    v2 = "dop" + "_v1_" + g.hex(64)
    f.add(f'db_admin_password = "{v1}"\ndo_token          = "{v2}"\nregion            = "fra1"', v1, v2)

    g = f.new("json5_with_comments")
    v = g.b64u(40)
    f.add(
        "{\n  // local overrides, do not commit\n  server: { port: 8080 },\n"
        f"  auth: {{ clientId: 'web-portal', clientSecret: '{v}', }},\n}}",
        v,
    )

    g = f.new("nginx_proxy_basic_header")
    b = _b64s("upstream:" + g.an(22))
    f.add(
        "location /internal/ {\n    proxy_pass http://10.1.2.3:9000/;\n"
        f'    proxy_set_header Authorization "Basic {b}";\n}}',
        b,
    )

    g = f.new("apache_setenv_password")
    v = g.pw(18)
    f.add(
        f'<VirtualHost *:443>\n    ServerName legacy.acme.com\n    SetEnv DB_PASS "{v}"\n    SetEnv DB_USER legacy\n</VirtualHost>',
        v,
    )

    g = f.new("systemd_environment_line")
    v = g.an(40)
    f.add(
        "[Service]\nUser=worker\n"
        f'Environment="QUEUE_URL=sqs://eu-west-1/jobs" "WORKER_API_TOKEN={v}"\nExecStart=/usr/local/bin/worker --concurrency 8',
        v,
    )

    g = f.new("docker_compose_environment_list")
    v1 = g.an(24)
    v2 = g.an(32)
    f.add(
        "services:\n  db:\n    image: mariadb:11\n    environment:\n"
        f"      - MARIADB_ROOT_PASSWORD={v1}\n      - MARIADB_PASSWORD={v2}\n      - MARIADB_USER=wp",
        v1,
        v2,
    )

    g = f.new("k8s_secret_stringdata")
    v = "xo" + "xb-" + g.dig(12) + "-" + g.dig(13) + "-" + g.an(24)
    f.add(
        f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: slack-bot\ntype: Opaque\nstringData:\n  SLACK_BOT_TOKEN: {v}",
        v,
    )

    g = f.new("k8s_secret_data_base64_multiple")
    b1 = _b64s(g.pw(20))
    b2 = _b64s("AKIA" + g.up(16))
    b3 = _b64s(g.b64(40))
    f.add(
        f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: s3-backup\ndata:\n  AWS_ACCESS_KEY_ID: {b2}\n"
        f"  AWS_SECRET_ACCESS_KEY: {b3}\n  RESTIC_PASSWORD: {b1}",
        b1,
        b3,
    )

    g = f.new("helm_values_nested")
    v1 = g.an(20)
    v2 = g.an(20)
    f.add(
        f"postgresql:\n  auth:\n    postgresPassword: {v1}\n    username: keycloak\n    password: {v2}\n    database: keycloak",
        v1,
        v2,
    )

    g = f.new("ansible_vault_view_decrypted")
    v1 = g.pw(22)
    v2 = g.hex(64)
    f.add(
        f'$ ansible-vault view group_vars/prod/vault.yml\nVault password: \n---\nvault_db_password: "{v1}"\nvault_django_secret: {v2}',
        v1,
        v2,
    )

    g = f.new("npmrc_scoped_registry_token")
    v = "gh" + "p_" + g.an(36)
    f.add(f"@acme:registry=https://npm.pkg.github.com\n//npm.pkg.github.com/:_authToken={v}", v)

    g = f.new("npmrc_legacy_auth_base64")
    b = _b64s("build:" + g.pw(18))
    f.add(f"registry=https://nexus.acme.io/repository/npm-group/\n_auth={b}\nalways-auth=true\nemail=build@acme.io", b)

    g = f.new("pypirc_two_repositories")
    v1 = "pypi" + "-AgEIcHlwaS5vcmc" + g.b64u(120)
    v2 = g.pw(16)
    f.add(
        "[distutils]\nindex-servers =\n    pypi\n    internal\n\n[pypi]\nusername = __token__\n"
        f"password = {v1}\n\n[internal]\nrepository = https://pypi.acme.io/\nusername = ci\npassword = {v2}",
        v1,
        v2,
    )

    g = f.new("netrc_one_line_and_block")
    v1 = g.an(40)
    v2 = g.pw(16)
    f.add(
        f"machine api.heroku.com login ops@acme.com password {v1}\nmachine ftp.partner.example\n  login acme\n  password {v2}",
        v1,
        v2,
    )

    g = f.new("pgpass_lines")
    v1 = g.an(20)
    v2 = g.an(20)
    f.add(f"db-primary.internal:5432:*:app_rw:{v1}\ndb-replica.internal:5432:analytics:analyst:{v2}", v1, v2)

    g = f.new("jdbc_sqlserver_semicolon")
    v = g.pw(16).replace(";", "")
    f.add(f"jdbc:sqlserver://sql01.acme.local:1433;databaseName=Billing;user=billing_app;password={v};encrypt=true", v)

    g = f.new("oracle_easy_connect")
    v = g.an(14)
    f.add(f"sqlplus system/{v}@//ora-prod.acme.local:1521/ORCLPDB1", v)

    g = f.new("appsettings_json_connection_strings")
    v = g.an(24)
    f.add(
        '{\n  "ConnectionStrings": {\n    "Default": "Host=pg.acme.local;Database=hr;Username=hr_api;Password='
        + v
        + ';SSL Mode=Require"\n  },\n  "Logging": { "LogLevel": { "Default": "Information" } }\n}',
        v,
    )

    g = f.new("kibana_yml_elasticsearch_password")
    v = g.an(20)
    f.add(
        f'server.host: "0.0.0.0"\nelasticsearch.hosts: ["https://es01:9200"]\nelasticsearch.username: "kibana_system"\nelasticsearch.password: "{v}"',
        v,
    )

    g = f.new("snowflake_connections_toml")
    v = g.pw(20)
    f.add(
        f'[connections.etl]\naccount = "xy12345.eu-central-1"\nuser = "ETL_SVC"\npassword = "{v}"\nwarehouse = "LOAD_WH"',
        v,
    )

    g = f.new("dbt_profiles_yml")
    v = g.pw(18)
    f.add(
        "analytics:\n  target: prod\n  outputs:\n    prod:\n      type: postgres\n      host: warehouse.acme.io\n"
        f"      user: dbt\n      pass: {v}\n      port: 5432\n      dbname: analytics\n      schema: marts",
        v,
    )

    g = f.new("gitconfig_insteadof_with_token")
    v = "gh" + "p_" + g.an(36)
    f.add(f'[url "https://{v}:x-oauth-basic@github.com/"]\n\tinsteadOf = https://github.com/', v)

    g = f.new("docker_config_json_auths")
    b = _b64s("robot$ci:" + g.an(32))
    f.add('{\n  "auths": {\n    "harbor.acme.io": {\n      "auth": "' + b + '"\n    }\n  }\n}', b)

    g = f.new("rclone_conf_s3_and_sftp")
    v1 = g.b64(40)
    v2 = g.b64u(44)
    f.add(
        f"[b2-backup]\ntype = s3\nprovider = Other\naccess_key_id = {g.hex(25)}\nsecret_access_key = {v1}\n\n"
        f"[nas]\ntype = sftp\nhost = nas.home.arpa\nuser = rclone\npass = {v2}",
        v1,
        v2,
    )

    g = f.new("s3cfg_keys")
    v = g.b64(40)
    f.add(f"[default]\naccess_key = AKIA{g.up(16)}\nsecret_key = {v}\nhost_base = s3.amazonaws.com", v)

    g = f.new("aws_credentials_profiles")
    v1 = g.b64(40)
    v2 = g.b64(40)
    f.add(
        f"[default]\naws_access_key_id = AKIA{g.up(16)}\naws_secret_access_key = {v1}\n\n"
        f"[prod]\naws_access_key_id=AKIA{g.up(16)}\naws_secret_access_key={v2}",
        v1,
        v2,
    )

    g = f.new("laravel_env_app_key_and_db")
    v1 = "base64:" + g.b64of(32)
    v2 = g.an(16)
    f.add(
        f"APP_NAME=Shop\nAPP_ENV=production\nAPP_KEY={v1}\nDB_CONNECTION=mysql\nDB_USERNAME=shop\nDB_PASSWORD={v2}",
        v1[7:],
        v2,
    )

    g = f.new("rails_credentials_decrypted")
    v1 = g.hex(128)
    v2 = "sk" + "_live_" + g.an(99)
    f.add(f"$ bin/rails credentials:show\nsecret_key_base: {v1}\nstripe:\n  secret_key: {v2}", v1, v2)

    g = f.new("gitlab_runner_config_toml")
    v = "gl" + "rt-" + g.b64u(20)
    f.add(
        f'concurrent = 4\n\n[[runners]]\n  name = "docker-runner-02"\n  url = "https://gitlab.acme.io"\n  token = "{v}"\n  executor = "docker"',
        v,
    )

    g = f.new("supervisord_environment")
    v = g.an(32)
    f.add(
        f'[program:celery]\ncommand=celery -A app worker\nenvironment=DJANGO_SETTINGS_MODULE="app.prod",SECRET_KEY="{v}"',
        v,
    )

    g = f.new("traefik_basic_auth_users")
    h = "$apr1$" + g.b64(8).replace("+", ".") + "$" + g.b64(22).replace("+", ".")
    f.add(
        f'http:\n  middlewares:\n    dash-auth:\n      basicAuth:\n        users:\n          - "admin:{h}"',
        h,
    )

    g = f.new("prometheus_scrape_basic_auth")
    v = g.pw(20)
    f.add(
        f"scrape_configs:\n  - job_name: node\n    basic_auth:\n      username: prometheus\n      password: {v}\n    static_configs:\n      - targets: ['10.0.0.5:9100']",
        v,
    )

    g = f.new("grafana_ini_security")
    v1 = g.pw(16)
    v2 = g.an(32)
    f.add(
        f"[security]\nadmin_user = admin\nadmin_password = {v1}\nsecret_key = {v2}\n\n[server]\nhttp_port = 3000",
        v1,
        v2,
    )

    g = f.new("haproxy_userlist_insecure_password")
    v = g.pw(14)
    f.add(f"userlist stats_users\n    user ops insecure-password {v}\n\nlisten stats\n    bind :8404", v)

    g = f.new("postfix_sasl_passwd")
    v = "SG" + "." + g.b64u(22) + "." + g.b64u(43)
    f.add(f"[smtp.sendgrid.net]:587 apikey:{v}", v)

    g = f.new("wpa_supplicant_psk")
    v = "Lemon" + "tree" + g.dig(4) + g.sym() + "Home"
    f.add(f'network={{\n    ssid="Kowalski_5G"\n    psk="{v}"\n    key_mgmt=WPA-PSK\n}}', v)

    g = f.new("cassandra_driver_yaml")
    v = g.an(18)
    f.add(
        f'datastax-java-driver {{\n  basic.contact-points = ["10.2.0.11:9042"]\n  advanced.auth-provider {{\n    class = PlainTextAuthProvider\n    username = cassandra\n    password = {v}\n  }}\n}}',
        v,
    )

    g = f.new("ssh_config_with_password_comment")
    v = g.pw(14)
    f.add(
        f"Host bastion-legacy\n    HostName 203.0.113.17\n    User admin\n    # password: {v} (no keys on this box yet)",
        v,
    )

    return f.done()


def _source_code() -> tuple[Planted, ...]:
    f = _Family()

    g = f.new("python_module_constant")
    v = "sk" + "-proj-" + g.b64u(156)
    f.add(f'import openai\n\nOPENAI_API_KEY = "{v}"\nclient = openai.OpenAI(api_key=OPENAI_API_KEY)', v)

    g = f.new("python_django_databases_dict")
    v1 = g.pw(20)
    v2 = g.s(_LOWER + _DIG + "!@#%^&*(-_=+)", 50)
    f.add(
        f"SECRET_KEY = '{v2}'\n\nDATABASES = {{\n    'default': {{\n        'ENGINE': 'django.db.backends.postgresql',\n"
        f"        'NAME': 'crm',\n        'USER': 'crm',\n        'PASSWORD': '{v1}',\n        'HOST': 'db',\n    }}\n}}",
        v1,
        v2,
    )

    g = f.new("python_psycopg_fstring_dsn")
    v = g.an(22)
    f.add(f'conn = psycopg2.connect(f"dbname=ledger user=ledger password={v} host={{host}} port=5432")', v)

    g = f.new("python_boto3_client_kwargs")
    v = g.b64(40)
    f.add(
        f's3 = boto3.client(\n    "s3",\n    aws_access_key_id="AKIA{g.up(16)}",\n    aws_secret_access_key="{v}",\n    region_name="ap-southeast-2",\n)',
        v,
    )

    g = f.new("pytest_monkeypatch_setenv")
    v = "sk" + "_test_" + "51" + g.an(97)
    f.add(
        f'@pytest.fixture(autouse=True)\ndef stripe_env(monkeypatch):\n    monkeypatch.setenv("STRIPE_SECRET_KEY", "{v}")',
        v,
    )

    g = f.new("javascript_config_object")
    v1 = g.an(32)
    v2 = g.hex(64)
    f.add(
        f"module.exports = {{\n  port: 3000,\n  session: {{ secret: '{v1}', resave: false }},\n  jwt: {{ secret: '{v2}', expiresIn: '7d' }},\n}};",
        v1,
        v2,
    )

    g = f.new("typescript_axios_create_headers")
    v = "xai-" + g.an(80)
    f.add(
        f"export const grok = axios.create({{\n  baseURL: 'https://api.x.ai/v1',\n  headers: {{ Authorization: `Bearer {v}` }},\n}});",
        v,
    )

    g = f.new("node_env_fallback_default")
    v = g.b64u(48)
    f.add(f"const JWT_SECRET = process.env.JWT_SECRET ?? '{v}';", v)

    g = f.new("go_struct_literal_config")
    v1 = g.an(20)
    v2 = g.hex(40)
    f.add(
        f'cfg := Config{{\n\tDSN:    "mysql://shop:{v1}@tcp(127.0.0.1:3306)/shop?parseTime=true",\n\tAPIKey: "{v2}",\n\tDebug:  false,\n}}',
        v1,
        v2,
    )

    g = f.new("go_const_block")
    v = "xapp-1-" + g.up(11) + "-" + g.dig(13) + "-" + g.hex(64)
    f.add(f'const (\n\tslackAppToken = "{v}"\n\tchannel       = "C04RZ6Q1P"\n)', v)

    g = f.new("rust_reqwest_bearer_auth")
    v = "gsk" + "_" + g.an(52)
    f.add(
        f'let resp = client\n    .post("https://api.groq.com/openai/v1/chat/completions")\n    .bearer_auth("{v}")\n    .json(&body)\n    .send()\n    .await?;',
        v,
    )

    g = f.new("java_value_annotation_default")
    v = g.pw(18).replace("}", "")
    f.add(f'@Value("${{db.password:{v}}}")\nprivate String dbPassword;', v)

    g = f.new("java_aws_basic_credentials_builder")
    v = g.b64(40)
    f.add(
        f'AmazonS3 s3 = AmazonS3ClientBuilder.standard()\n    .withCredentials(new AWSStaticCredentialsProvider(\n        new BasicAWSCredentials("AKIA{g.up(16)}", "{v}")))\n    .build();',
        v,
    )

    g = f.new("kotlin_companion_const")
    v = "AI" + "za" + g.b64u(35)
    f.add(
        f'class PlacesClient {{\n    companion object {{\n        private const val PLACES_SERVER_KEY = "{v}"\n    }}\n}}',
        v,
    )

    g = f.new("swift_let_constant")
    v = "sk" + "_live_" + g.an(99)
    f.add(f'enum Secrets {{\n    static let stripeSecret = "{v}"\n}}', v)

    g = f.new("csharp_network_credential")
    v = g.pw(16)
    f.add(
        f'var smtp = new SmtpClient("smtp.acme.com", 587)\n{{\n    Credentials = new NetworkCredential("alerts@acme.com", "{v}"),\n    EnableSsl = true,\n}};',
        v,
    )

    g = f.new("php_define_constants")
    v1 = g.an(20)
    v2 = g.s(_ALNUM + "!@#%^&*()-_[]{}<>~+=,.;:/?|", 64)
    f.add(f"define( 'DB_PASSWORD', '{v1}' );\ndefine( 'AUTH_KEY',    '{v2}' );", v1, v2)

    g = f.new("ruby_module_attribute_assignment")
    v = "sk" + "_live_" + g.an(99)
    f.add(f"# config/initializers/stripe.rb\nStripe.api_key = '{v}'\nStripe.api_version = '2024-06-20'", v)

    g = f.new("perl_dbi_connect")
    v = g.pw(14)
    f.add(f'my $dbh = DBI->connect("dbi:Pg:dbname=legacy;host=10.9.8.7", "legacy", "{v}", {{ RaiseError => 1 }});', v)

    g = f.new("bash_heredoc_writes_env")
    v1 = g.hex(64)
    v2 = g.an(40)
    v3 = "key-" + g.hex(32)
    f.add(f"cat > /etc/app/env <<'EOF'\nAPP_SECRET={v1}\nMAILGUN_API_KEY={v3}\nGITEA_TOKEN={v2}\nEOF", v1, v2, v3)

    g = f.new("powershell_securestring_plaintext")
    v = g.pw(18)
    f.add(
        f'$pw = ConvertTo-SecureString "{v}" -AsPlainText -Force\n$cred = New-Object PSCredential ("CORP\\svc_deploy", $pw)',
        v,
    )

    g = f.new("sql_create_user_with_password")
    v = g.an(24)
    f.add(f"CREATE USER replicator WITH REPLICATION ENCRYPTED PASSWORD '{v}';", v)

    g = f.new("scala_spark_s3a_config")
    v = g.b64(40)
    f.add(
        f'val spark = SparkSession.builder\n  .config("spark.hadoop.fs.s3a.access.key", "AKIA{g.up(16)}")\n  .config("spark.hadoop.fs.s3a.secret.key", "{v}")\n  .getOrCreate()',
        v,
    )

    g = f.new("r_sys_setenv")
    v = "hf" + "_" + g.an(34)
    f.add(f'Sys.setenv(HF_TOKEN = "{v}")\nlibrary(huggingfaceR)', v)

    g = f.new("lua_openresty_local")
    v = g.hex(64)
    f.add(f'local hmac_secret = "{v}"\nlocal sig = ngx.hmac_sha1(hmac_secret, ngx.var.request_uri)', v)

    g = f.new("dart_dio_base_options")
    v = g.jwt({"role": "service_role", "iss": "supabase", "ref": g.lo(20)})
    f.add(f"final dio = Dio(BaseOptions(\n  baseUrl: 'https://api.acme.app',\n  headers: {{'apikey': '{v}'}},\n));", v)

    g = f.new("elixir_repo_config")
    v = g.an(20)
    f.add(
        f'config :shop, Shop.Repo,\n  username: "shop",\n  password: "{v}",\n  hostname: "db.internal",\n  pool_size: 10',
        v,
    )

    g = f.new("arduino_define_wifi")
    v = "Gartenhaus" + g.dig(4) + g.sym()
    f.add(f'#define WIFI_SSID "Gartenhaus"\n#define WIFI_PASS "{v}"\n#define MQTT_HOST "192.168.178.40"', v)

    g = f.new("cpp_string_concatenation_split")
    p1 = g.an(40)
    p2 = g.an(59)
    f.add(f'const std::string kKey = std::string("sk" "_live_51") +\n    "{p1}" +\n    "{p2}";', p1, p2)

    g = f.new("clojure_db_spec_map")
    v = g.pw(16)
    f.add(f'(def db {{:dbtype "postgresql" :dbname "inventory" :user "inv" :password "{v}"}})', v)

    g = f.new("java_test_system_property")
    v = g.an(32)
    f.add(f'@BeforeAll\nstatic void setUp() {{\n    System.setProperty("payments.api.secret", "{v}");\n}}', v)

    g = f.new("python_token_concat_pieces")
    a = g.dig(10)
    b = g.dig(13)
    c = g.an(24)
    f.add(f'SLACK_TOKEN = "xo" + "xb-" + "{a}" + "-" + "{b}" + "-" + "{c}"', c)

    g = f.new("js_btoa_basic_template")
    v = g.pw(18)
    f.add(
        f"const auth = `Basic ${{btoa('integration:{v}')}}`;\nfetch(url, {{ headers: {{ Authorization: auth }} }});", v
    )

    g = f.new("python_docstring_example_real_key")
    v = "r8" + "_" + g.an(37)
    f.add(
        f'def run_model(prompt):\n    """Call Replicate.\n\n    Example:\n        >>> os.environ["REPLICATE_API_TOKEN"] = "{v}"\n        >>> run_model("hi")\n    """',
        v,
    )

    g = f.new("go_table_driven_test")
    v = "gl" + "pat-" + g.b64u(20)
    f.add(
        f'tests := []struct {{\n\tname  string\n\ttoken string\n}}{{\n\t{{"valid", "{v}"}},\n\t{{"empty", ""}},\n}}',
        v,
    )

    g = f.new("vbnet_sqlconnection")
    v = g.an(16)
    f.add(f'Dim conn As New SqlConnection("Data Source=ERP01;Initial Catalog=Erp;User Id=erp_user;Password={v};")', v)

    g = f.new("objc_parse_keys")
    v = g.an(40)
    f.add(
        f'[Parse initializeWithConfiguration:[ParseClientConfiguration configurationWithBlock:^(id<ParseMutableClientConfiguration> c) {{\n    c.applicationId = @"{g.an(40)}";\n    c.clientKey = @"{v}";\n}}]];',
        v,
    )

    g = f.new("sqlalchemy_create_engine")
    v = g.an(18)
    f.add(f'engine = create_engine("mssql+pyodbc://etl:{v}@dw-sql/Warehouse?driver=ODBC+Driver+18+for+SQL+Server")', v)

    g = f.new("ruby_env_fetch_block_default")
    v = g.hex(40)
    f.add(f'GITHUB_WEBHOOK_SECRET = ENV.fetch("GITHUB_WEBHOOK_SECRET") {{ "{v}" }}', v)

    g = f.new("jenkinsfile_withenv")
    v = "squ" + "_" + g.hex(40)
    f.add(f"stage('Publish') {{\n  withEnv([\"SONAR_TOKEN={v}\"]) {{\n    sh './gradlew sonar'\n  }}\n}}", v)

    g = f.new("hardhat_accounts_private_key")
    v = "0x" + g.hex(64)
    f.add(f'networks: {{\n  sepolia: {{\n    url: "https://rpc.sepolia.org",\n    accounts: ["{v}"],\n  }},\n}},', v)

    g = f.new("java_drivermanager_getconnection")
    v = g.pw(16)
    f.add(f'Connection c = DriverManager.getConnection("jdbc:mysql://localhost:3306/app", "root", "{v}");', v)

    g = f.new("python_requests_auth_tuple")
    v = g.an(30)
    f.add(f'r = requests.get("https://acme.atlassian.net/rest/api/3/myself", auth=("bot@acme.com", "{v}"))', v)

    g = f.new("terraform_resource_inline_password")
    v = g.an(28)
    f.add(
        f'resource "aws_db_instance" "main" {{\n  engine   = "postgres"\n  username = "root_admin"\n  password = "{v}"\n}}',
        v,
    )

    return f.done()


def _logs_http_traces() -> tuple[Planted, ...]:
    f = _Family()

    g = f.new("raw_http_request_bearer")
    v = g.b64u(64)
    f.add(
        "POST /v2/orders HTTP/1.1\r\nHost: api.acme.io\r\nUser-Agent: okhttp/4.12.0\r\n"
        f'Authorization: Bearer {v}\r\nContent-Type: application/json\r\nContent-Length: 84\r\n\r\n{{"sku":"A-1"}}',
        v,
    )

    g = f.new("set_cookie_session_response")
    v = g.b64u(43)
    f.add(
        f"HTTP/2 200\ncontent-type: text/html; charset=utf-8\nset-cookie: __Host-session={v}; Path=/; Secure; HttpOnly; SameSite=Lax\nx-request-id: 9f1c",
        v,
    )

    g = f.new("request_cookie_header_multiple")
    v1 = "s%3A" + g.b64u(32) + "." + g.b64(43)
    v2 = g.hex(40)
    f.add(
        f"Cookie: _ga=GA1.2.1186239057.1732700000; connect.sid={v1}; csrftoken={g.an(32)}; remember_user_token={v2}",
        v1,
        v2,
    )

    g = f.new("python_traceback_sqlalchemy_dsn")
    v = g.an(20)
    f.add(
        'Traceback (most recent call last):\n  File "/app/worker.py", line 41, in <module>\n    engine.connect()\n'
        'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "10.4.0.9", port 5432 failed: '
        'FATAL:  password authentication failed for user "etl"\n'
        f"(Background on this error at: https://sqlalche.me/e/20/e3q8) [url: postgresql+psycopg2://etl:{v}@10.4.0.9:5432/warehouse]",
        v,
    )

    g = f.new("java_stacktrace_jdbc_url_password")
    v = g.pw(14).replace("&", "")
    f.add(
        "com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure\n"
        f"\tat com.zaxxer.hikari.pool.HikariPool.createPoolEntry(HikariPool.java:476)\nCaused by: url=jdbc:mysql://db:3306/app?user=app&password={v}&useSSL=true",
        v,
    )

    g = f.new("node_unhandled_rejection_config_print")
    v = g.an(40)
    f.add(
        "(node:48213) UnhandledPromiseRejectionWarning: Error: Request failed with status code 401\n"
        f"    config: {{ url: 'https://api.mailjet.com/v3.1/send', auth: {{ username: '{g.hex(32)}', password: '{v}' }} }}",
        v,
    )

    g = f.new("python_debug_settings_repr")
    v1 = g.pw(20)
    v2 = g.an(32)
    f.add(
        f"2026-11-27 09:14:03,221 DEBUG app.settings Loaded settings: Settings(db_host='db', db_password='{v1}', "
        f"redis_url='redis://redis:6379/0', sentry_env='prod', signing_key='{v2}')",
        v1,
        v2,
    )

    g = f.new("nginx_access_log_access_token_query")
    v = g.b64u(86)
    f.add(
        f'203.0.113.9 - - [27/Nov/2026:10:02:17 +0000] "GET /oauth/callback#/?access_token={v}&token_type=bearer HTTP/1.1" 200 512 "-" "Mozilla/5.0"',
        v,
    )

    g = f.new("drf_token_scheme_header_log")
    v = g.hex(40)
    f.add(
        f"[api] INFO incoming GET /api/v1/invoices/ headers={{'Authorization': 'Token {v}', 'Accept': 'application/json'}}",
        v,
    )

    g = f.new("elastic_apikey_scheme")
    b = _b64s(g.an(20) + ":" + g.b64u(22))
    f.add(f'curl -H "Authorization: ApiKey {b}" "https://es.acme.io:9243/logs-*/_search?q=status:500"', b)

    g = f.new("godaddy_sso_key_scheme")
    v1 = g.an(38)
    v2 = g.an(22)
    f.add(f"Authorization: sso-key {v1}:{v2}", v1, v2)

    g = f.new("har_headers_array")
    b = _b64s("qa-user:" + g.pw(16))
    f.add(
        '{"request": {"method": "GET", "url": "https://staging.acme.io/admin", "headers": [\n'
        f'  {{"name": "Authorization", "value": "Basic {b}"}},\n  {{"name": "Accept", "value": "text/html"}}\n]}}}}',
        b,
    )

    g = f.new("structured_log_x_api_key")
    v = g.hex(32)
    f.add(
        f'{{"level":"warn","ts":1732701123.44,"msg":"upstream 429","req_headers":{{"x-api-key":"{v}","user-agent":"acme-sync/1.4"}}}}',
        v,
    )

    g = f.new("go_panic_redis_url")
    v = g.an(32)
    f.add(
        f"panic: dial redis://default:{v}@cache-7f9c.serverless.use1.cache.amazonaws.com:6379: i/o timeout\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/cmd/api/main.go:58 +0x1c4",
        v,
    )

    g = f.new("rails_log_parameters_unfiltered")
    v = "Marta" + g.dig(4) + g.sym() + g.an(3)
    f.add(
        'Started POST "/users/sign_in" for 10.0.0.12 at 2026-11-27 10:11:12 +0100\n'
        f'  Parameters: {{"authenticity_token"=>"[FILTERED]", "user"=>{{"email"=>"marta@acme.pl", "password"=>"{v}"}}, "commit"=>"Log in"}}',
        v,
    )

    g = f.new("django_debug_page_settings")
    v = g.an(20)
    f.add(
        f"DATABASES\n{{'default': {{'ENGINE': 'django.db.backends.mysql', 'HOST': 'db', 'NAME': 'blog', 'PASSWORD': '{v}', 'PORT': '3306', 'USER': 'blog'}}}}",
        v,
    )

    g = f.new("curl_trace_ascii_header")
    v = "gh" + "p_" + g.an(36)
    f.add(
        f"=> Send header, 143 bytes (0x8f)\n0000: GET /user HTTP/2\n0012: Host: api.github.com\n0028: authorization: token {v}\n0066: user-agent: curl/8.5.0",
        v,
    )

    g = f.new("grpc_metadata_log")
    v = g.b64u(40)
    f.add(
        f"I1127 10:15:02.771 client.go:88] rpc=/billing.v1.Invoices/List metadata=map[authorization:[Bearer {v}] x-tenant:[acme]]",
        v,
    )

    g = f.new("kafka_jaas_config_logged")
    v = g.an(64)
    f.add(
        "INFO ProducerConfig values:\n\tbootstrap.servers = [pkc-4nym6.eu-west-1.aws.confluent.cloud:9092]\n"
        f'\tsasl.jaas.config = org.apache.kafka.common.security.plain.PlainLoginModule required username="{g.up(16)}" password="{v}";\n\tsasl.mechanism = PLAIN',
        v,
    )

    g = f.new("worker_startup_broker_url")
    v = g.an(24)
    f.add(
        f"[2026-11-27 10:20:01] INFO  rq.worker: Connecting to redis://default:{v}@redis-16379.c1.eu-central-1.redns.redis-cloud.com:16379/0",
        v,
    )

    g = f.new("kubectl_describe_pod_environment")
    v1 = "sk" + "_live_" + g.an(32)
    v2 = g.pw(18)
    f.add(
        "Containers:\n  api:\n    Image:          acme/api:2.14.0\n    Environment:\n"
        f"      NODE_ENV:        production\n      STRIPE_KEY:      {v1}\n      DB_PASSWORD:     {v2}",
        v1,
        v2,
    )

    g = f.new("oauth_token_response_body")
    v1 = g.b64u(120)
    v2 = g.b64u(64)
    f.add(
        f'< HTTP/1.1 200 OK\n{{"access_token":"{v1}","token_type":"Bearer","expires_in":3599,"refresh_token":"{v2}","scope":"offline_access read"}}',
        v1,
        v2,
    )

    g = f.new("websocket_url_token_log")
    v = g.b64u(40)
    f.add(
        f"WebSocket connection to 'wss://rt.acme.io/socket/websocket?token={v}&vsn=2.0.0' failed: Error during WebSocket handshake",
        v,
    )

    g = f.new("proxy_authorization_header")
    b = _b64s("squid-user:" + g.pw(14))
    f.add(f"CONNECT api.openai.com:443 HTTP/1.1\nHost: api.openai.com:443\nProxy-Authorization: Basic {b}", b)

    g = f.new("sudo_auth_log_command_password")
    v = g.pw(16)
    f.add(
        f"Nov 27 10:31:44 db1 sudo:   deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/mysql -u root -p{v} -e FLUSH PRIVILEGES",
        v,
    )

    g = f.new("sentry_event_request_data")
    v = g.pw(18)
    f.add(
        f'"request": {{"url": "https://acme.io/api/login", "method": "POST", "data": {{"username": "ops", "password": "{v}", "remember": true}}}}',
        v,
    )

    g = f.new("dotnet_sqlexception_connection_string")
    v = g.an(18)
    f.add(
        "System.InvalidOperationException: The ConnectionString property has not been initialized properly.\n"
        f"   ConnectionString: 'Server=erp-db;Database=Erp;User Id=erp;Password={v};TrustServerCertificate=True'\n   at Microsoft.Data.SqlClient.SqlConnection.Open()",
        v,
    )

    g = f.new("php_pdo_stack_trace_args")
    v = g.pw(14).replace("'", "")
    f.add(
        "PHP Fatal error:  Uncaught PDOException: SQLSTATE[HY000] [2002] Connection refused in /var/www/html/db.php:7\nStack trace:\n"
        f"#0 /var/www/html/db.php(7): PDO->__construct('mysql:host=127.0.0.1;dbname=wp', 'wp_user', '{v}')\n#1 {{main}}",
        v,
    )

    g = f.new("requests_connectionerror_query_key")
    v = g.hex(32)
    f.add(
        f"requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.openweathermap.org', port=443): Max retries exceeded with url: /data/2.5/weather?q=Oslo&appid={v} (Caused by NewConnectionError)",
        v,
    )

    g = f.new("slack_webhook_error_message")
    v = g.an(24)
    f.add(f"ERROR notify: POST https://hooks.slack.com/services/T0{g.up(8)}/B0{g.up(9)}/{v} returned 404 no_service", v)

    g = f.new("docker_build_arg_log")
    v = "npm" + "_" + g.an(36)
    f.add(
        f'#7 [builder 3/8] RUN echo "//registry.npmjs.org/:_authToken={v}" > ~/.npmrc && npm ci\n#7 0.412 npm warn config production Use `--omit=dev` instead.',
        v,
    )

    g = f.new("spring_actuator_env_unmasked")
    v = g.pw(20)
    f.add(
        '{"activeProfiles":["prod"],"propertySources":[{"name":"applicationConfig","properties":{"spring.datasource.password":{"value":"'
        + v
        + '","origin":"class path resource [application-prod.yml] - 9:17"}}}]}',
        v,
    )

    g = f.new("axios_error_dump_headers")
    v = "sk" + "-" + g.an(48)
    f.add(
        "AxiosError: Request failed with status code 429\n  config: {\n    headers: Object [AxiosHeaders] {\n"
        f"      Accept: 'application/json',\n      Authorization: 'Bearer {v}'\n    }},\n    method: 'post'\n  }}",
        v,
    )

    g = f.new("ruby_net_http_debug_output")
    v = g.hex(40)
    f.add(
        f'opening connection to api.pipedrive.com:443...\n<- "GET /v1/deals?api_token={v}&limit=100 HTTP/1.1\\r\\nAccept: */*\\r\\n"',
        v,
    )

    g = f.new("smtp_auth_plain_session")
    b = _b64s("\0" + "mailer@acme.io" + "\0" + g.pw(16))
    f.add(f"C: EHLO app01\nS: 250-AUTH PLAIN LOGIN\nC: AUTH PLAIN {b}\nS: 235 2.7.0 Authentication successful", b)

    g = f.new("redis_monitor_auth")
    v = g.an(28)
    f.add(
        f'1732702001.339102 [0 10.0.3.4:51522] "AUTH" "default" "{v}"\n1732702001.339811 [0 10.0.3.4:51522] "PING"', v
    )

    g = f.new("postgres_log_alter_role")
    v = g.an(20)
    f.add(f"2026-11-27 10:44:10.512 UTC [2211] postgres@app LOG:  statement: ALTER ROLE app_rw WITH PASSWORD '{v}';", v)

    g = f.new("jenkins_console_docker_login")
    v = g.pw(18)
    f.add(
        f"[Pipeline] sh\n+ docker login -u jenkins -p {v} nexus.acme.io:8443\nWARNING! Using --password via the CLI is insecure.",
        v,
    )

    g = f.new("browser_console_document_cookie")
    v = g.b64u(43)
    f.add(f'> document.cookie\n< "theme=dark; _fbp=fb.1.1732700.99; auth_token={v}; lang=pt-BR"', v)

    g = f.new("aws_sdk_debug_signed_request_session_token")
    v = "IQoJb3JpZ2luX2VjE" + g.b64(300)
    f.add(
        f"DEBUG botocore.endpoint: Sending http request: <AWSPreparedRequest ... headers={{'X-Amz-Date': b'20261127T104501Z', 'X-Amz-Security-Token': b'{v}'}}>",
        v,
    )

    g = f.new("envoy_access_log_api_key_query")
    v = g.b64u(32)
    f.add(
        f'[2026-11-27T10:50:00.000Z] "GET /v1/geocode?address=Berlin&key={v} HTTP/1.1" 200 - 0 812 21 "-" "python-requests/2.32"',
        v,
    )

    return f.done()


def _chat_multilingual() -> tuple[Planted, ...]:
    f = _Family()

    g = f.new("chat_en_slack_casual_key")
    v = "sk" + "-proj-" + g.b64u(120)
    f.add(f"hey can u try w/ this key instead {v} its the new one from the team acct", v)

    g = f.new("chat_en_no_label_context")
    v = "Tr0ub4dor" + g.sym() + g.dig(3)
    f.add(f"staging box is 10.0.7.14, user admin, {v} — pls dont change it again lol", v)

    g = f.new("chat_de_password_after_label")
    v = "Sonnenblume" + g.dig(4) + "!"
    f.add(f"Das Passwort für den Staging-Server ist {v} – bitte nicht im Ticket posten.", v)

    g = f.new("chat_de_value_before_label")
    v = "Schmetterling" + g.sym() + g.dig(2)
    f.add(f"{v} ist das pw für die datenbank, user ist postgres", v)

    g = f.new("chat_fr_mdp_slang")
    v = "Chouchou" + g.year() + "!"
    f.add(f"le mdp c {v} pour le compte admin du back-office stp change le après", v)

    g = f.new("chat_fr_jeton_acces")
    v = "gl" + "pat-" + g.b64u(20)
    f.add(f"Voilà le jeton d'accès pour le dépôt : {v} (il expire dans 30 jours)", v)

    g = f.new("chat_es_contrasena_wifi")
    v = "Mariposa" + "_" + g.dig(2) + g.an(3)
    f.add(f"la contraseña del wifi de la oficina es {v} y la red se llama Oficina-5G", v)

    g = f.new("chat_es_mx_slang_clave")
    v = "Chivas" + g.dig(4) + "#" + g.lo(2)
    f.add(f"wey la clave del server es {v} no se la pases a nadie eh", v)

    g = f.new("chat_pt_br_senha_usuario")
    v = "Saudade" + "#" + g.year()
    f.add(f"senha: {v}\nusuário: joao.pereira\nqualquer coisa me chama no zap", v)

    g = f.new("chat_pt_chave_api")
    v = g.hex(32)
    f.add(f"a chave da API do Mailgun é {v}, coloca no .env por favor", v)

    g = f.new("chat_it_password_db")
    v = "Girasole" + "." + g.dig(2) + g.an(4)
    f.add(f"la password del db di produzione è {v} (non dirlo a Marco)", v)

    g = f.new("chat_nl_wachtwoord_nas")
    v = "Fietsbel" + "!" + g.dig(3) + g.lo(2)
    f.add(f"het wachtwoord van de NAS is {v} en de gebruiker is beheer", v)

    g = f.new("chat_pl_haslo_nonascii")
    v = "Żubrówka" + g.year() + g.sym()
    f.add(f"hasło do serwera to {v} - wpisz dokładnie z polskimi znakami", v)

    g = f.new("chat_ru_parol_cyrillic")
    v = "Медведь_" + g.dig(4) + g.an(2)
    f.add(f"пароль от сервера: {v} логин root", v)

    g = f.new("chat_ru_translit_no_punct")
    v = "qwerty" + g.dig(6) + "zx"
    f.add(f"parol ot bazy {v} tolko nikomu ne govori", v)

    g = f.new("chat_uk_token")
    v = "hf" + "_" + g.an(34)
    f.add(f"ось токен для Hugging Face: {v} — він з правами на запис", v)

    g = f.new("chat_tr_sifre")
    v = "Galatasaray" + "1905" + g.sym() + g.an(3)
    f.add(f"şifre {v} admin paneli için, kullanıcı adı yonetici", v)

    g = f.new("chat_ja_password_desu")
    v = "sakura" + g.year() + "!" + g.lo(3)
    f.add(f"VPNのパスワードは {v} です。ユーザー名は tanaka です。", v)

    g = f.new("chat_ja_token_brackets")
    v = "xo" + "xp-" + g.dig(11) + "-" + g.dig(12) + "-" + g.dig(13) + "-" + g.hex(32)
    f.add(f"Slackのトークン「{v}」を設定ファイルに入れておいてください", v)

    g = f.new("chat_zh_mima_no_space")
    v = "woaini" + "520" + g.lo(4) + g.dig(2)
    f.add(f"数据库密码是{v}，用户名root，别外传", v)

    g = f.new("chat_zh_api_key")
    v = "sk" + "-" + g.hex(32)
    f.add(f"这是我的DeepSeek API密钥：{v} 你帮我配置一下", v)

    g = f.new("chat_ko_bimilbeonho")
    v = "saranghae" + "!" + g.dig(3) + g.an(2)
    f.add(f"비밀번호는 {v} 이에요 관리자 계정으로 로그인하세요", v)

    g = f.new("chat_hinglish_bhai")
    v = "Dilwale" + "@" + g.year()
    f.add(f"bhai password hai {v} try kar, nahi chala toh bol", v)

    g = f.new("chat_ar_kalimat_murur")
    v = "Habibi" + "#" + g.dig(4) + g.an(2)
    f.add(f"كلمة المرور للخادم هي {v} واسم المستخدم admin", v)

    g = f.new("chat_he_sisma")
    v = "Shalom" + "!" + g.dig(2) + g.lo(4)
    f.add(f"הסיסמה לשרת היא {v} תשנה אותה אחרי ההתחברות", v)

    g = f.new("chat_sv_losenord")
    v = "Köttbullar" + "!" + g.dig(3)
    f.add(f"lösenordet till routern är {v} (med ö)", v)

    g = f.new("chat_fi_salasana")
    v = "Sisu" + g.year() + "!" + g.lo(3)
    f.add(f"salasana on {v} ja käyttäjä on yllapito", v)

    g = f.new("chat_el_kodikos")
    v = "Kalimera" + "!" + g.dig(2) + g.an(3)
    f.add(f"ο κωδικός για το VPN είναι {v}", v)

    g = f.new("chat_vi_mat_khau")
    v = "anhyeuem" + g.dig(6)
    f.add(f"mật khẩu wifi là {v} nha anh", v)

    g = f.new("chat_id_passwordnya")
    v = "Sayangku" + "@" + g.dig(2) + g.lo(3)
    f.add(f"passwordnya {v} ya, jangan lupa diganti", v)

    g = f.new("chat_cs_heslo")
    v = "Pivo" + "&" + "Knedlik" + g.dig(3)
    f.add(f"heslo do adminu je {v}, díky", v)

    g = f.new("chat_hu_jelszo")
    v = "Palinka" + g.year() + g.sym()
    f.add(f"a jelszó {v} – a felhasználónév üzemeltetés", v)

    g = f.new("chat_th_rahat_phan")
    v = "Somtam" + g.dig(4) + g.sym() + g.lo(2)
    f.add(f"รหัสผ่านคือ {v} นะครับ", v)

    g = f.new("chat_fa_ramz")
    v = "Tehran" + g.dig(4) + "@" + g.an(3)
    f.add(f"رمز عبور سرور {v} هست", v)

    g = f.new("chat_ro_parola")
    v = "Sarmale" + g.dig(3) + "!" + g.an(3)
    f.add(f"parola e {v} pt contul de ftp", v)

    g = f.new("chat_nb_passordet")
    v = "Brunost" + g.dig(4) + g.sym()
    f.add(f"passordet er {v} men bytt det når du har logget inn", v)

    g = f.new("chat_sw_nenosiri")
    v = "Simba" + g.dig(4) + "!" + g.lo(3)
    f.add(f"nenosiri ya seva ni {v} asante", v)

    g = f.new("chat_en_typo_pasword")
    v = "Bluebird" + g.dig(3) + "S" + g.sym()
    f.add(f"pasword is {v} (capital S at the end) dont ask why", v)

    g = f.new("chat_en_oops_correction")
    v1 = "Autumn" + g.year() + "!"
    v2 = "Autumn" + g.year() + "?" + g.an(3)
    f.add(f"the db pass is {v1}\noops no thats the old one\n{v2}", v1, v2)

    g = f.new("chat_en_diceware_passphrase")
    words = ("rocket", "pepper", "violin", "glacier", "tundra", "meadow", "saddle", "crater", "bamboo", "falcon")
    v = " ".join(g.words(words, 5))
    f.add(f'vault passphrase is "{v}" all lowercase with spaces', v)

    g = f.new("chat_en_door_code_pin")
    v = g.dig(7)
    f.add(f"server room door code is {v}# — the alarm pin is the same", v)

    g = f.new("chat_tl_taglish")
    v = "Sinigang" + g.dig(3) + g.sym() + g.lo(2)
    f.add(f"pare yung password ng router ay {v} pakipalitan mo na lang", v)

    g = f.new("chat_en_value_then_arrow")
    v = "dp.pt." + g.an(43)
    f.add(f"{v}\n^ thats the doppler token for prd, dont commit it", v)

    g = f.new("chat_de_env_paste_with_prose")
    v1 = g.pw(20)
    v2 = "sk" + "-ant-api03-" + g.b64u(93) + "AA"
    f.add(f"Moin, hier meine .env, irgendwas stimmt nicht:\nDB_PASS={v1}\nANTHROPIC_API_KEY={v2}\nDanke dir!", v1, v2)

    g = f.new("chat_pt_br_all_lowercase_run_on")
    v = "flamengo" + g.dig(4) + g.lo(3)
    f.add(f"cara o login é suporte e a senha {v} acho q ta certo", v)

    return f.done()


def _agent_prose() -> tuple[Planted, ...]:
    f = _Family()

    g = f.new("agent_summary_database_url")
    v = g.an(22)
    f.add(
        f"I've updated `config/database.yml` so the app reads `DATABASE_URL`, and set it locally to "
        f"`postgres://app:{v}@localhost:5432/app_dev`. Migrations now run cleanly.",
        v,
    )

    g = f.new("agent_markdown_credentials_table")
    v1 = g.pw(16)
    v2 = g.pw(16)
    f.add(
        "Here are the accounts the seed script created:\n\n| Role | Email | Password |\n|------|-------|----------|\n"
        f"| admin | admin@example.test | `{v1}` |\n| editor | editor@example.test | `{v2}` |",
        v1,
        v2,
    )

    g = f.new("agent_bullet_list_env_vars")
    v1 = "re" + "_" + g.an(8) + "_" + g.an(24)
    v2 = g.hex(64)
    f.add(
        f"I set these in Vercel for the preview environment:\n- `RESEND_API_KEY` = `{v1}`\n- `NEXTAUTH_SECRET` = `{v2}`\n- `NEXTAUTH_URL` = `https://preview.acme.dev`",
        v1,
        v2,
    )

    g = f.new("agent_explains_config_line")
    v = g.b64u(32)
    f.add(
        f"The `client_secret` on line 12 (`{v}`) is what Keycloak checks when the backend exchanges the code; "
        "it must match the value under Clients → api → Credentials.",
        v,
    )

    g = f.new("agent_proposed_fix_code_block")
    v = g.an(40)
    f.add(
        "The 401 comes from a missing header. Change the call to:\n\n```python\nresp = httpx.get(\n    url,\n"
        f'    headers={{"X-Auth-Token": "{v}"}},\n)\n```',
        v,
    )

    g = f.new("agent_found_hardcoded_key_rotate")
    kid = "AKIA" + g.up(16)
    v = g.b64(40)
    f.add(
        f"⚠️ I found hardcoded AWS credentials in `scripts/backup.sh` (line 7): `{kid}` / `{v}`. "
        "These should be rotated in IAM and moved to the instance role.",
        v,
    )

    g = f.new("agent_logged_in_statement")
    v = g.pw(14)
    f.add(f"Logged into the Grafana UI as `admin` with password `{v}` and imported dashboard 1860.", v)

    g = f.new("agent_url_encoding_explanation")
    raw = "Hx" + g.an(6) + "#" + g.an(5) + "@" + g.dig(3)
    enc = _q(raw)
    f.add(
        f"Your password `{raw}` contains `#` and `@`, which break the URL. Percent-encode it: "
        f"`mysql://app:{enc}@db:3306/app`.",
        raw,
        enc,
    )

    g = f.new("agent_writes_env_file_code_block")
    v1 = "sk" + "_test_" + "51" + g.an(97)
    v2 = "wh" + "sec_" + g.an(32)
    f.add(f"Created `.env.local`:\n\n```dotenv\nSTRIPE_SECRET_KEY={v1}\nSTRIPE_WEBHOOK_SECRET={v2}\n```", v1, v2)

    g = f.new("agent_bold_label_token")
    v = "lin" + "_api_" + g.an(40)
    f.add(f"**Linear API token:** {v}\n\nI used it to fetch the 12 open issues in the `PLAT` team.", v)

    g = f.new("agent_numbered_plan_with_secret")
    v = g.pw(18)
    f.add(
        "Plan:\n1. Create the `reporting` role.\n"
        f"2. `ALTER ROLE reporting PASSWORD '{v}';`\n3. Grant `SELECT` on schema `marts`.\n4. Update Metabase.",
        v,
    )

    g = f.new("agent_tool_call_arguments_json")
    v = "hf" + "_" + g.an(34)
    f.add(
        f'{{"name": "bash", "arguments": {{"command": "huggingface-cli login --token {v} --add-to-git-credential"}}}}',
        v,
    )

    g = f.new("agent_test_failure_expired_key")
    v = "sk" + "_test_" + "51" + g.an(97)
    f.add(
        f"The test `test_checkout_creates_session` fails because the fixture key `{v}` was rolled in the Stripe dashboard — "
        "Stripe returns `api_key_expired`.",
        v,
    )

    g = f.new("agent_jwt_decode_explanation")
    v = g.jwt({"sub": "42", "role": "admin", "exp": 1764201600})
    f.add(
        f"Decoding the token you pasted (`{v}`) gives `role: admin` and `exp: 2025-11-27`, so it is already expired.", v
    )

    g = f.new("agent_rotation_old_and_new")
    v1 = "gh" + "p_" + g.an(36)
    v2 = "gh" + "p_" + g.an(36)
    f.add(
        f"Rotated the deploy token. Old: `{v1}` (revoked). New: `{v2}` — saved as the `DEPLOY_TOKEN` repo secret.",
        v1,
        v2,
    )

    g = f.new("agent_markdown_link_token_query")
    v = "glsa" + "_" + g.an(32) + "_" + g.hex(8)
    f.add(f"You can view it here: [Latency dashboard](https://grafana.acme.io/d/lat?orgId=1&auth_token={v})", v)

    g = f.new("agent_html_details_block")
    v = g.pw(20)
    f.add(
        f"<details>\n<summary>Credentials used for the load test</summary>\n\nuser: `loadtest`\npass: `{v}`\n\n</details>",
        v,
    )

    g = f.new("agent_reply_german")
    v = g.an(24)
    f.add(
        f"Ich habe den Redis-Container neu gestartet. Das Passwort aus `docker-compose.yml` lautet `{v}`; der Healthcheck ist jetzt grün.",
        v,
    )

    g = f.new("agent_verify_curl_block")
    v = "Bearer " + "sntry" + "s_" + "eyJpYXQiOjE3MzI3MDA" + g.b64u(60) + "_" + g.b64u(43)
    f.add(
        f"To verify, run:\n\n```bash\ncurl -H 'Authorization: {v}' https://sentry.io/api/0/organizations/\n```", v[7:]
    )

    g = f.new("agent_seed_phrase_restored")
    v = mnemonic("fresh12:agent_seed_phrase_restored", 12)
    f.add(f"I restored the test wallet from the seed phrase `{v}` and it shows 0.42 ETH on Sepolia.", v)

    g = f.new("agent_inline_no_formatting")
    v = "Harbor" + g.dig(4) + g.sym() + g.lo(3)
    f.add(f"Done — the FTP password is now set to {v} and I saved it to the team vault.", v)

    g = f.new("agent_mixed_masked_table")
    v = g.hex(40)
    f.add(
        "| Service | Key |\n|---|---|\n| Postmark | `"
        + v
        + "` |\n| Mapbox | `pk.****` (public) |\n| Twilio | `••••••••` |",
        v,
    )

    g = f.new("agent_yaml_walkthrough")
    v = g.an(32)
    f.add(
        "In this block:\n```yaml\nauth:\n  jwt:\n"
        f"    secret: {v}\n    ttl: 15m\n```\n`secret` signs the access tokens and `ttl` sets how long they live.",
        v,
    )

    g = f.new("agent_npmrc_warning")
    v = "npm" + "_" + g.an(36)
    f.add(
        f"Heads up: `~/.npmrc` contains a publish token (`{v}`). I didn't touch it, but you may not want it in the container image.",
        v,
    )

    g = f.new("agent_generated_password_offer")
    v = g.pw(24)
    f.add(f"Here's a strong password you can use for the new service account: {v}", v)

    g = f.new("agent_created_user_store_in_vault")
    v = g.pw(20)
    f.add(
        f"Created the MySQL user `svc_backup` with password `{v}` and granted `RELOAD, LOCK TABLES`. Store it in 1Password.",
        v,
    )

    g = f.new("agent_comma_separated_secrets")
    v1 = g.an(20)
    v2 = g.an(20)
    v3 = g.an(20)
    f.add(f"The three Redis shards use {v1}, {v2} and {v3} respectively (see `redis-shard-*.conf`).", v1, v2, v3)

    g = f.new("agent_quotes_terraform_plan")
    v = g.an(30)
    f.add(
        "Terraform will replace the instance:\n```\n  # aws_db_instance.main must be replaced\n"
        f'-/+ resource "aws_db_instance" "main" {{\n      ~ password = (sensitive value)\n      + master_password = "{v}"\n```',
        v,
    )

    g = f.new("agent_send_header_prose")
    v = g.hex(48)
    f.add(f"Every request to the partner API needs the header `X-Partner-Key: {v}`; without it you get a 403.", v)

    g = f.new("agent_split_env_vars_explained")
    v1 = g.an(30)
    v2 = g.an(30)
    f.add(
        f"The old script stitched the token from two variables, `TOKEN_A={v1}` and `TOKEN_B={v2}`, which is why the scanner missed it.",
        v1,
        v2,
    )

    g = f.new("agent_checklist_emoji")
    v = g.an(32)
    f.add(f"✅ Created the bucket\n✅ Set `REDIS_PASSWORD` to `{v}`\n⬜ Update the Helm chart", v)

    g = f.new("agent_blockquote_user_message")
    v = "Vinter" + g.year() + "!" + g.lo(2)
    f.add(
        f"> my laptop password is {v} if you need sudo\n\nThanks — I used it once for `sudo apt install` and didn't store it.",
        v,
    )

    g = f.new("agent_memory_note")
    v = g.pw(16)
    f.add(f"Note to self (project memory): staging admin creds are `admin` / `{v}`; reset weekly by cron.", v)

    g = f.new("agent_env_listing_answer")
    v1 = "AC" + g.hex(32)
    v2 = g.hex(32)
    f.add(f"Your shell has these Twilio variables set:\n- TWILIO_ACCOUNT_SID={v1}\n- TWILIO_AUTH_TOKEN={v2}", v2)

    g = f.new("agent_reply_chinese")
    v = g.an(32)
    f.add(f"我已经把 `MINIO_SECRET_KEY` 设置为 `{v}`，并重启了服务。", v)

    g = f.new("agent_running_command_echo")
    v = g.b64u(40)
    f.add(f"Running: `curl -sf -X POST -H 'X-Gitlab-Token: {v}' https://ci.acme.io/hooks/deploy`", v)

    g = f.new("agent_quotes_api_json_response")
    v = "sk" + "-or-v1-" + g.hex(64)
    f.add(
        f'The key-creation endpoint returned:\n```json\n{{"key": "{v}", "name": "ci", "limit": 50}}\n```\nI stored it as `OPENROUTER_API_KEY`.',
        v,
    )

    g = f.new("agent_footnote_secret")
    v = g.pw(18)
    f.add(
        f"The backup job authenticates as `restic`[^1].\n\n[^1]: repository password `{v}`, from `/etc/restic/env`.", v
    )

    g = f.new("agent_diff_summary_prose")
    v = g.hex(64)
    f.add(f"Changed `settings.py`: `SECRET_KEY` now defaults to `{v}` when `DJANGO_SECRET_KEY` is unset (dev only).", v)

    g = f.new("agent_spanish_reply")
    v = g.pw(16)
    f.add(
        f"Listo: creé el usuario `reportes` en PostgreSQL con la contraseña `{v}` y le di permisos de solo lectura.", v
    )

    g = f.new("agent_compares_two_values")
    v1 = g.an(26)
    v2 = g.an(26)
    f.add(
        f"The mismatch is here: the app expects `{v1}` but the worker's `.env` still has `{v2}` for `INTERNAL_API_SECRET`.",
        v1,
        v2,
    )

    g = f.new("agent_connection_details_block")
    v = g.pw(18)
    f.add(
        f"Connection details for the new replica:\n\n    host: 10.8.0.21\n    port: 6432\n    user: readonly\n    password: {v}\n",
        v,
    )

    return f.done()


def _diffs_reviews() -> tuple[Planted, ...]:
    f = _Family()

    g = f.new("diff_adds_env_line")
    v = "sk" + "-ant-api03-" + g.b64u(93) + "AA"
    f.add(
        "diff --git a/.env.example b/.env.example\nindex 3f1a2b4..8c9d0e1 100644\n--- a/.env.example\n+++ b/.env.example\n"
        f"@@ -1,3 +1,4 @@\n PORT=3000\n LOG_LEVEL=info\n+ANTHROPIC_API_KEY={v}\n DATABASE_URL=postgres://localhost/dev",
        v,
    )

    g = f.new("diff_removes_secret_line")
    v = g.pw(20)
    f.add(
        "--- a/config/prod.yml\n+++ b/config/prod.yml\n@@ -8,7 +8,7 @@ database:\n   host: db.prod\n   user: app\n"
        f"-  password: {v}\n+  password: ${{DB_PASSWORD}}\n   pool: 20",
        v,
    )

    g = f.new("diff_replaces_secret_both_sides")
    v1 = "xo" + "xb-" + g.dig(12) + "-" + g.dig(13) + "-" + g.an(24)
    v2 = "xo" + "xb-" + g.dig(12) + "-" + g.dig(13) + "-" + g.an(24)
    f.add(f'@@ -14 +14 @@ class Notifier:\n-    TOKEN = "{v1}"\n+    TOKEN = "{v2}"', v1, v2)

    g = f.new("git_show_commit_with_config")
    v = g.an(32)
    f.add(
        f"commit {g.hex(40)}\nAuthor: Priya N <priya@acme.dev>\nDate:   Thu Nov 26 18:02:11 2026 +0530\n\n    wire up mailjet\n\n"
        f"diff --git a/mail.ts b/mail.ts\n--- a/mail.ts\n+++ b/mail.ts\n@@ -1,2 +1,3 @@\n import Mailjet from 'node-mailjet';\n"
        f"+const mj = Mailjet.apiConnect('{g.hex(32)}', '{v}');",
        v,
    )

    g = f.new("git_log_commit_message_with_token")
    v = "gl" + "pat-" + g.b64u(20)
    f.add(
        f"{g.hex(7)} (HEAD -> main) ci: use token {v} for the mirror job until the bot account is ready\n{g.hex(7)} docs: fix typo",
        v,
    )

    g = f.new("review_comment_quoting_constant")
    v = g.hex(40)
    f.add(
        f'**src/payments/client.go** line 23\n> `const apiSecret = "{v}"`\n\nPlease load this from the environment; it\'s the live secret.',
        v,
    )

    g = f.new("github_suggestion_block")
    v = g.an(36)
    f.add(
        f'```suggestion\n    api_key = os.environ["GEOCODER_KEY"]\n```\nThe current line hardcodes `{v}` — replacing it with the env lookup.',
        v,
    )

    g = f.new("format_patch_email")
    v = g.pw(18)
    f.add(
        f"From {g.hex(40)} Mon Sep 17 00:00:00 2001\nFrom: Tomasz Wrona <tw@acme.pl>\nDate: Fri, 27 Nov 2026 09:12:44 +0100\n"
        "Subject: [PATCH 2/3] ldap: add bind credentials\n\n---\n ldap.conf | 2 ++\n 1 file changed, 2 insertions(+)\n\n"
        f"diff --git a/ldap.conf b/ldap.conf\n--- a/ldap.conf\n+++ b/ldap.conf\n@@ -3,0 +4,2 @@\n+binddn cn=reader,dc=acme,dc=pl\n+bindpw {v}\n-- \n2.47.0",
        v,
    )

    g = f.new("diff_json_file")
    v = g.b64u(40)
    f.add(
        '--- a/appsettings.Production.json\n+++ b/appsettings.Production.json\n@@ -4,6 +4,7 @@\n   "AzureAd": {\n'
        f'     "ClientId": "{g.uuid()}",\n+    "ClientSecret": "{v}",\n     "TenantId": "{g.uuid()}"',
        v,
    )

    g = f.new("diff_k8s_secret_base64")
    b1 = _b64s(g.pw(20))
    b2 = _b64s(g.pw(20))
    f.add(f"@@ -6,4 +6,4 @@ metadata:\n data:\n-  password: {b1}\n+  password: {b2}\n   username: cmFiYml0", b1, b2)

    g = f.new("git_word_diff_inline")
    v1 = g.an(24)
    v2 = g.an(24)
    f.add(f"@@ -3 +3 @@\nREDIS_URL=redis://:[-{v1}-]{{+{v2}+}}@cache:6379/1", v1, v2)

    g = f.new("git_stash_show_patch")
    v = "sk" + ".eyJ1IjoiYWNtZS1tYXBzIiwiYSI6ImNs" + g.b64u(30) + "." + g.b64u(22)
    f.add(
        "$ git stash show -p stash@{0}\ndiff --git a/local_settings.py b/local_settings.py\n--- a/local_settings.py\n"
        f'+++ b/local_settings.py\n@@ -0,0 +1 @@\n+MAPBOX_SECRET = "{v}"',
        v,
    )

    g = f.new("merge_conflict_markers_two_passwords")
    v1 = g.pw(16)
    v2 = g.pw(16)
    f.add(f"<<<<<<< HEAD\nSMTP_PASSWORD={v1}\n=======\nSMTP_PASSWORD={v2}\n>>>>>>> feature/ses-migration", v1, v2)

    g = f.new("svn_diff_format")
    v = g.an(18)
    f.add(
        "Index: conf/db.properties\n===================================================================\n--- conf/db.properties\t(revision 8812)\n"
        f"+++ conf/db.properties\t(working copy)\n@@ -2,3 +2,3 @@\n db.user=erp\n-db.pass=changeme\n+db.pass={v}",
        v,
    )

    g = f.new("gerrit_inline_comment")
    v = g.b64(40)
    f.add(
        f"Patch Set 3:\n\n(1 comment)\n\nsrc/main/resources/application.yml:\n\nLine 31: > secretKey: {v}\nThis must not be in the repo, even for staging.",
        v,
    )

    g = f.new("git_blame_line")
    v = g.hex(64)
    f.add(f"^a91c3e0 (Lena Vogt 2025-03-14 11:20:07 +0100 12) WEBHOOK_HMAC_KEY = '{v}'", v)

    g = f.new("git_grep_output")
    v1 = g.an(50)
    v2 = g.an(50)
    f.add(
        f"$ git grep -n SECRET_KEY\nconfig/settings/prod.py:14:SECRET_KEY = '{v1}'\nconfig/settings/qa.py:9:SECRET_KEY = '{v2}'",
        v1,
        v2,
    )

    g = f.new("diff_unchanged_context_line")
    v = g.an(32)
    f.add(
        f"@@ -20,6 +20,7 @@ export const config = {{\n   region: 'eu-west-1',\n   apiSecret: '{v}',\n+  timeoutMs: 5000,\n   retries: 3,",
        v,
    )

    g = f.new("diff_npmrc")
    v = "npm" + "_" + g.an(36)
    f.add(f"--- /dev/null\n+++ b/.npmrc\n@@ -0,0 +1,2 @@\n+//registry.npmjs.org/:_authToken={v}\n+save-exact=true", v)

    g = f.new("diff_dockerfile_env")
    v = "SG" + "." + g.b64u(22) + "." + g.b64u(43)
    f.add(f" FROM python:3.12-slim\n WORKDIR /app\n+ENV SENDGRID_API_KEY={v}\n COPY . .", v)

    g = f.new("diff_tfvars")
    v1 = g.hex(32)
    v2 = g.an(40)
    f.add(
        '--- a/envs/prod/terraform.tfvars\n+++ b/envs/prod/terraform.tfvars\n@@ -1,2 +1,3 @@\n project = "acme-prod"\n'
        f'+datadog_api_key = "{v1}"\n+cloudflare_token = "{v2}"',
        v1,
        v2,
    )

    g = f.new("scanner_report_in_review")
    v = "AKIA" + g.up(16)
    s = g.b64(40)
    f.add(
        f"Finding:     aws_secret_access_key = {s}\nSecret:      {s}\nRuleID:      aws-access-token\nFile:        deploy/backup.sh\nLine:        7\nCommit:      {g.hex(40)}\nAccessKey:   {v}",
        s,
    )

    g = f.new("pr_description_test_token")
    v = g.an(40)
    f.add(f"## How to test\n\n1. Export `PARTNER_TOKEN={v}` (sandbox)\n2. Run `make e2e`\n3. Check the webhook log", v)

    g = f.new("diff_python_test_fixture")
    v = g.pw(16)
    f.add(
        f'+@pytest.fixture\n+def admin_client(client):\n+    client.login(username="admin", password="{v}")\n+    return client',
        v,
    )

    g = f.new("cherry_pick_conflict_output")
    v = g.an(32)
    f.add(
        f"$ git diff\ndiff --cc settings.ini\n++<<<<<<< HEAD\n +api_secret = {v}\n++=======\n+ api_secret = ${{API_SECRET}}\n++>>>>>>> 4f2a9c1 (read secret from env)",
        v,
    )

    g = f.new("commit_command_and_output_message")
    v = "sk" + "-proj-" + g.b64u(80)
    f.add(
        f'$ git commit -am "temp: hardcode key {v}"\n[main 7c2e91a] temp: hardcode key {v}\n 1 file changed, 1 insertion(+)',
        v,
    )

    g = f.new("side_by_side_diff_y")
    v1 = g.an(20)
    v2 = g.an(20)
    f.add(f"DB_HOST=db\t\t\t\t\t\t\tDB_HOST=db\nDB_PASS={v1}\t\t\t\t\t      |\tDB_PASS={v2}", v1, v2)

    g = f.new("plain_diff_u_two_env_files")
    v = g.hex(64)
    f.add(
        f"--- .env.old\t2026-11-20 09:01:12.000000000 +0000\n+++ .env\t2026-11-27 10:11:40.000000000 +0000\n@@ -1 +1,2 @@\n NODE_ENV=production\n+ENCRYPTION_KEY={v}",
        v,
    )

    g = f.new("review_findings_markdown_table")
    v1 = g.an(32)
    v2 = g.pw(16)
    f.add(
        f"| File | Line | Issue |\n|---|---|---|\n| `mobile/src/api.ts` | 4 | hardcoded key `{v1}` |\n| `scripts/seed.sql` | 88 | plaintext password `{v2}` |",
        v1,
        v2,
    )

    g = f.new("nbdiff_notebook_cell")
    v = "sk" + "-proj-" + g.b64u(80)
    f.add(f'## modified /cells/2/source:\n-  client = OpenAI()\n+  client = OpenAI(api_key="{v}")', v)

    g = f.new("filter_repo_replacements_file")
    v1 = g.pw(18)
    v2 = "gh" + "p_" + g.an(36)
    f.add(
        f"$ cat replacements.txt\n{v1}==>***REMOVED***\n{v2}==>***REMOVED***\n$ git filter-repo --replace-text replacements.txt",
        v1,
        v2,
    )

    g = f.new("bfg_passwords_file")
    v1 = g.an(20)
    v2 = g.an(20)
    f.add(
        f"$ printf '%s\\n' '{v1}' '{v2}' > passwords.txt && java -jar bfg.jar --replace-text passwords.txt repo.git",
        v1,
        v2,
    )

    g = f.new("git_show_blob_from_history")
    v1 = g.hex(128)
    v2 = "sk" + "_live_" + g.an(99)
    f.add(f"$ git show HEAD~12:config/secrets.yml\nproduction:\n  secret_key_base: {v1}\n  stripe_secret: {v2}", v1, v2)

    g = f.new("diff_php_config")
    v = g.an(20)
    f.add(f"-$db_pass = '';\n+$db_pass = '{v}';\n $db_name = 'shop';", v)

    g = f.new("diff_helm_values_hunk")
    v1 = g.an(24)
    v2 = g.up(32)
    f.add(
        f"@@ -40,7 +40,8 @@ rabbitmq:\n   auth:\n     username: events\n+    password: {v1}\n+    erlangCookie: {v2}",
        v1,
        v2,
    )

    g = f.new("gitlab_mr_comment_line_ref")
    v = g.pw(20)
    f.add(
        f'@m.kowalski on `ansible/roles/db/defaults/main.yml:12` you committed `mysql_root_password: "{v}"`, please move it to the vault.',
        v,
    )

    g = f.new("git_diff_stat_then_hunk")
    v = g.b64u(43)
    f.add(
        f" README.md       |  4 ++--\n src/auth.ts     | 12 ++++++++++--\n 2 files changed, 14 insertions(+), 4 deletions(-)\n\n+const SESSION_SECRET = '{v}';",
        v,
    )

    g = f.new("hg_diff_format")
    v = g.an(28)
    f.add(
        f"diff -r 1a2b3c4d5e6f settings/local.cfg\n--- a/settings/local.cfg\tThu Nov 26 10:00:00 2026 +0000\n+++ b/settings/local.cfg\tFri Nov 27 10:00:00 2026 +0000\n@@ -1,1 +1,2 @@\n [auth]\n+token = {v}",
        v,
    )

    g = f.new("review_go_snippet_nit")
    v = g.an(32)
    f.add(f'nit: `cfg` shadows the package name here\n\n```go\ncfg := vonage.NewClient("{g.hex(8)}", "{v}")\n```', v)

    g = f.new("git_log_pickaxe_output")
    v = g.hex(40)
    f.add(
        f"$ git log -S'PUSHER_SECRET' -p --oneline\n3e1f9a2 remove pusher\n-PUSHER_SECRET={v}\n9b7c1d0 add pusher\n+PUSHER_SECRET={v}",
        v,
    )

    g = f.new("diff_removed_private_key_lines")
    body = g.pem_body("MIIEowIBAAKCAQEA", 4)
    f.add(
        "--- a/deploy/id_rsa\n+++ /dev/null\n@@ -1,6 +0,0 @@\n-"
        + "-----"
        + "BEGIN RSA PRIVATE KEY-----\n"
        + "\n".join("-" + b for b in body)
        + "\n-"
        + "-----"
        + "END RSA PRIVATE KEY-----",
        *body,
    )

    return f.done()


def _notebooks_data() -> tuple[Planted, ...]:
    f = _Family()

    g = f.new("jupyter_cell_source_json")
    v = "sk" + "-proj-" + g.b64u(120)
    f.add(
        '{\n "cell_type": "code",\n "execution_count": 3,\n "metadata": {},\n "source": [\n  "import os\\n",\n'
        f'  "os.environ[\\"OPENAI_API_KEY\\"] = \\"{v}\\"\\n",\n  "from openai import OpenAI"\n ]\n}}',
        v,
    )

    g = f.new("jupyter_stream_output_print")
    v = g.hex(64)
    f.add(
        f'"outputs": [\n  {{\n   "name": "stdout",\n   "output_type": "stream",\n   "text": [\n    "token: {v}\\n"\n   ]\n  }}\n ]',
        v,
    )

    g = f.new("jupyter_execute_result_dataframe")
    v1 = g.pw(12)
    v2 = g.pw(12)
    f.add(
        '"data": {\n "text/plain": [\n  "   user_id     email            password\\n",\n'
        f'  "0        1     ana@x.test       {v1}\\n",\n  "1        2     bo@x.test        {v2}"\n ]\n}}',
        v1,
        v2,
    )

    g = f.new("ipython_in_out_prompts")
    v = "gsk" + "_" + g.an(52)
    f.add(
        f"In [4]: client = Groq(api_key=\"{v}\")\n\nIn [5]: client.models.list().data[0].id\nOut[5]: 'llama-3.3-70b-versatile'",
        v,
    )

    g = f.new("csv_users_plaintext_passwords")
    v1 = "Lukas" + g.year()
    v2 = "Mia" + g.dig(4) + "!"
    v3 = g.pw(12)
    f.add(
        f"id,username,email,password,created_at\n1,lukas,lukas@beispiel.de,{v1},2024-02-01\n2,mia,mia@beispiel.de,{v2},2024-03-11\n3,svc,svc@beispiel.de,{v3},2024-05-30",
        v1,
        v2,
        v3,
    )

    g = f.new("tsv_api_keys_export")
    v1 = g.hex(40)
    v2 = g.hex(40)
    f.add(f"client\tenv\tapi_key\nacme-web\tprod\t{v1}\nacme-ios\tprod\t{v2}", v1, v2)

    g = f.new("sql_dump_insert_users")
    v1 = "$2b$12$" + g.s(_ALNUM + "./", 53)
    v2 = g.hex(40)
    v3 = g.pw(14)
    f.add(
        "INSERT INTO `users` (`id`, `login`, `password_hash`, `api_token`, `temp_password`) VALUES\n"
        f"(1, 'root', '{v1}', '{v2}', '{v3}');",
        v1,
        v2,
        v3,
    )

    g = f.new("pg_dump_copy_from_stdin")
    v1 = g.hex(40)
    v2 = "GOCSPX" + "-" + g.b64u(28)
    f.add(
        "COPY public.integrations (id, provider, client_id, client_secret) FROM stdin;\n"
        f"1\tgithub\tIv1.{g.hex(16)}\t{v1}\n2\tgoogle\t{g.dig(12)}-{g.lo(32)}.apps.googleusercontent.com\t{v2}\n\\.",
        v1,
        v2,
    )

    g = f.new("mysqldump_oauth_clients_values")
    v = g.an(40)
    f.add(
        f"LOCK TABLES `oauth_clients` WRITE;\nINSERT INTO `oauth_clients` VALUES (1,'mobile','{v}','https://app.acme.io/cb',1),(2,'cli',NULL,'urn:ietf:wg:oauth:2.0:oob',0);",
        v,
    )

    g = f.new("pandas_dataframe_print")
    v1 = g.an(24)
    v2 = g.an(24)
    f.add(
        f">>> df[['service', 'token']]\n     service                     token\n0     sentry  {v1}\n1    postmark  {v2}",
        v1,
        v2,
    )

    g = f.new("markdown_table_accounts")
    v1 = g.pw(14)
    v2 = g.pw(14)
    f.add(
        f"| Umgebung | Benutzer | Passwort |\n|---|---|---|\n| Test | tester | {v1} |\n| Abnahme | abnahme | {v2} |",
        v1,
        v2,
    )

    g = f.new("json_array_users_passwords")
    v1 = g.pw(12)
    v2 = g.pw(12)
    f.add(
        json.dumps(
            [{"id": 1, "name": "Ayşe", "password": v1}, {"id": 2, "name": "Mehmet", "password": v2}], ensure_ascii=False
        ),
        v1,
        v2,
    )

    g = f.new("jsonl_credentials_records")
    v1 = g.b64u(40)
    v2 = g.b64u(40)
    f.add(
        f'{{"tenant":"north","webhook_secret":"{v1}"}}\n{{"tenant":"south","webhook_secret":"{v2}"}}',
        v1,
        v2,
    )

    g = f.new("sqlite_shell_select")
    v = g.hex(48)
    f.add(
        f"sqlite> .mode list\nsqlite> SELECT name, value FROM settings WHERE name LIKE '%key%';\nlicense_key|ACME-PRO-2026\nsync_api_key|{v}",
        v,
    )

    g = f.new("psql_aligned_table_output")
    v1 = g.an(20)
    v2 = g.an(20)
    f.add(
        "analytics=> SELECT id, name, smtp_password FROM mail_accounts;\n id |   name   | smtp_password\n----+----------+----------------------\n"
        f"  1 | support  | {v1}\n  2 | billing  | {v2}\n(2 rows)",
        v1,
        v2,
    )

    g = f.new("mongo_shell_find_output")
    v = "shp" + "at_" + g.hex(32)
    f.add(
        "shop> db.integrations.find({provider: 'shopify'})\n[\n  {\n    _id: ObjectId('6746f1a2c3d4e5f6a7b8c9d0'),\n"
        f"    provider: 'shopify',\n    accessToken: '{v}'\n  }}\n]",
        v,
    )

    g = f.new("spreadsheet_paste_german_headers")
    v1 = g.pw(12)
    v2 = g.pw(12)
    w1 = g.dig(20)
    w2 = g.dig(20)
    f.add(
        f"Standort\tRouter\tWLAN-Schlüssel\tAdmin-Passwort\nMünchen\tFritzBox 7590\t{w1}\t{v1}\nHamburg\tFritzBox 7530\t{w2}\t{v2}",
        v1,
        v2,
        w1,
        w2,
    )

    g = f.new("rails_fixtures_yaml")
    v = g.an(32)
    f.add(f"# test/fixtures/api_clients.yml\npartner:\n  name: Partner Co\n  secret: {v}\n  active: true", v)

    g = f.new("django_fixture_json")
    v = g.pw(16)
    f.add(
        f'[{{"model": "integrations.smtpaccount", "pk": 1, "fields": {{"host": "smtp.zoho.eu", "username": "info@acme.eu", "password": "{v}"}}}}]',
        v,
    )

    g = f.new("duckdb_box_table")
    v1 = g.an(32)
    v2 = g.an(32)
    f.add(
        "┌─────────┬──────────────────────────────────┐\n│ vendor  │             api_key              │\n│ varchar │             varchar              │\n"
        f"├─────────┼──────────────────────────────────┤\n│ mapbox  │ {v1} │\n│ here    │ {v2} │\n└─────────┴──────────────────────────────────┘",
        v1,
        v2,
    )

    g = f.new("ipython_env_magic")
    v = "r8" + "_" + g.an(37)
    f.add(f"%env REPLICATE_API_TOKEN={v}\nenv: REPLICATE_API_TOKEN={v}", v)

    g = f.new("notebook_pip_index_url_token")
    v = g.an(40)
    f.add(
        f"!pip install -q --index-url https://aws:{v}@acme-123456789012.d.codeartifact.eu-west-1.amazonaws.com/pypi/py/simple/ acme-ml",
        v,
    )

    g = f.new("notebook_markdown_cell_creds")
    v = g.pw(16)
    f.add(
        f'{{"cell_type": "markdown", "source": ["## Warehouse access\\n", "user: `analyst`, password: `{v}`\\n"]}}', v
    )

    g = f.new("r_data_frame_print")
    v1 = g.an(20)
    v2 = g.an(20)
    f.add(f"> creds\n     host   user           pass\n1 db-a    etl {v1}\n2 db-b    etl {v2}", v1, v2)

    g = f.new("redis_hgetall_numbered")
    v = g.b64u(40)
    f.add(
        f'127.0.0.1:6379> HGETALL tenant:42:integrations\n1) "slack_webhook"\n2) "https://hooks.slack.com/services/T012/B034/{v[:24]}"\n3) "zapier_key"\n4) "{v}"',
        v[:24],
        v,
    )

    g = f.new("elasticsearch_hit_source")
    v = g.pw(14)
    f.add(
        f'"hits": [{{"_index": "audit-2026.11", "_id": "x1", "_source": {{"event": "user.created", "user": "temp01", "initial_password": "{v}"}}}}]',
        v,
    )

    g = f.new("csv_service_accounts_tokens_quoted")
    v1 = g.b64u(48)
    v2 = g.b64u(48)
    f.add(
        f'"name","scope","token","expires"\n"ci-runner","write","{v1}","2027-01-01"\n"grafana","read","{v2}","never"',
        v1,
        v2,
    )

    g = f.new("html_table_export")
    v = g.pw(16).replace("&", "+")
    f.add(
        f"<table>\n  <tr><th>System</th><th>Login</th><th>Kennwort</th></tr>\n  <tr><td>SAP</td><td>BATCH01</td><td>{v}</td></tr>\n</table>",
        v,
    )

    g = f.new("sheets_importdata_formula")
    v = g.hex(32)
    f.add(f'=IMPORTDATA("https://api.exchangerate.host/live?access_key={v}&currencies=EUR,GBP")', v)

    g = f.new("spark_show_table")
    v1 = g.an(30)
    v2 = g.an(30)
    f.add(
        f"+---+--------+------------------------------+\n| id|  source|                      password|\n+---+--------+------------------------------+\n|  1|  oracle|{v1}|\n|  2|sybase  |{v2}|\n+---+--------+------------------------------+",
        v1,
        v2,
    )

    g = f.new("jq_output_secret_field")
    v = g.b64u(64)
    f.add(f"$ jq -r '.credentials.refresh_token' ~/.config/acme/auth.json\n{v}", v)

    g = f.new("polars_frame_print")
    v1 = g.an(28)
    v2 = g.an(28)
    f.add(
        f"shape: (2, 2)\n┌────────┬──────────────────────────────┐\n│ bucket ┆ secret_key                   │\n│ ---    ┆ ---                          │\n│ str    ┆ str                          │\n╞════════╪══════════════════════════════╡\n│ raw    ┆ {v1}   │\n│ clean  ┆ {v2}   │\n└────────┴──────────────────────────────┘",
        v1,
        v2,
    )

    g = f.new("browser_password_export_csv")
    v1 = "Fenerbahce" + g.dig(4)
    v2 = "Ankara" + g.sym() + g.year()
    f.add(
        f"name,url,username,password,note\nGitHub,https://github.com/login,deniz-k,{v1},\nBank,https://online.bank.example,dk1984,{v2},",
        v1,
        v2,
    )

    g = f.new("keepass_xml_export")
    v = g.pw(20).replace("&", "+")
    f.add(
        f'<Entry>\n  <String><Key>Title</Key><Value>VPN</Value></String>\n  <String><Key>UserName</Key><Value>r.alvarez</Value></String>\n  <String><Key>Password</Key><Value ProtectInMemory="True">{v}</Value></String>\n</Entry>',
        v,
    )

    g = f.new("sql_update_statement_password")
    v = g.pw(16)
    f.add(f"UPDATE service_accounts SET password = '{v}', rotated_at = now() WHERE name = 'ftp_sync';", v)

    g = f.new("dbt_seed_csv_with_tokens")
    v = g.hex(40)
    f.add(f"store_id,store_name,pos_api_token\n101,Centro,{v}\n102,Norte,", v)

    g = f.new("dotenv_values_repr")
    v1 = g.an(32)
    v2 = g.pw(16)
    f.add(
        f">>> dotenv_values('.env')\nOrderedDict([('APP_ENV', 'prod'), ('CRYPT_KEY', '{v1}'), ('SMTP_PASS', '{v2}')])",
        v1,
        v2,
    )

    g = f.new("pprint_nested_config")
    v = g.b64(40)
    f.add(
        f">>> pprint(cfg)\n{{'storage': {{'backend': 's3',\n             'credentials': {{'key_id': 'AKIA{g.up(16)}',\n                             'secret': '{v}'}}}}}}",
        v,
    )

    g = f.new("airflow_connections_export")
    v = g.an(22)
    f.add(
        f'{{\n  "postgres_dwh": {{\n    "conn_type": "postgres",\n    "host": "dwh.internal",\n    "login": "airflow",\n    "password": "{v}",\n    "port": 5432\n  }}\n}}',
        v,
    )

    g = f.new("bq_query_output_table")
    v = g.an(32)
    f.add(
        f"+-----------+----------------------------------+\n|  partner  |          shared_secret           |\n+-----------+----------------------------------+\n| logistik  | {v} |\n+-----------+----------------------------------+",
        v,
    )

    g = f.new("excel_cells_copied_with_labels")
    v = g.pw(14)
    f.add(f"A1: Server\tB1: db-prod-02\nA2: Password\tB2: {v}\nA3: Port\tB3: 5432", v)

    return f.done()


def _pasted_docs() -> tuple[Planted, ...]:
    f = _Family()

    g = f.new("runbook_failover_steps")
    v = g.an(24)
    f.add(
        "## Runbook: promote replica\n1. SSH to `db-replica-1` as `ops`.\n"
        f"2. Run `PGPASSWORD={v} psql -U postgres -c 'SELECT pg_promote();'`\n3. Update the DNS record `db.internal`.",
        v,
    )

    g = f.new("wiki_staging_environment_table")
    v1 = g.pw(14)
    v2 = g.pw(14)
    f.add(
        f"h2. Staging\n|| System || URL || Login || Password ||\n| Admin | https://stg.acme.io/admin | admin | {v1} |\n| RabbitMQ | http://stg-mq:15672 | guest2 | {v2} |",
        v1,
        v2,
    )

    g = f.new("readme_copy_into_env")
    v = "pk" + "_test_" + _b64s("clerk.acme.dev$").rstrip("=")
    s = "sk" + "_test_" + g.an(40)
    f.add(
        f"### Setup\n\nCopy this into `.env` (shared dev project):\n\n```\nCLERK_PUBLISHABLE_KEY={v}\nCLERK_SECRET_KEY={s}\n```",
        s,
    )

    g = f.new("onboarding_email_temp_password")
    v = "Welcome" + g.dig(4) + g.sym() + g.an(3)
    f.add(
        "Hi Sofia,\n\nwelcome aboard! Your laptop login is sofia.r and your temporary password is "
        f"{v} — you'll be asked to change it on first login.\n\nCheers,\nIT",
        v,
    )

    g = f.new("jira_ticket_description")
    v = g.an(32)
    f.add(
        f"*Summary:* Payment webhooks failing in prod\n*Steps:* send a test event with secret {{{{{v}}}}} from the Adyen CA\n*Expected:* 200\n*Actual:* 401",
        v,
    )

    g = f.new("confluence_code_macro")
    v = g.pw(18)
    f.add(
        f'{{code:language=bash|title=Restore}}\nmongorestore --uri "mongodb://backup:{v}@mongo-0:27017/?authSource=admin" /backups/latest\n{{code}}',
        v,
    )

    g = f.new("postmortem_quotes_leaked_key")
    v = "AI" + "za" + g.b64u(35)
    f.add(
        f"### Root cause\nThe server-side Places key `{v}` was bundled into the web build on 2026-11-02 and scraped within hours. "
        "Estimated cost: 4,120 USD.",
        v,
    )

    g = f.new("handover_doc_german")
    v1 = g.pw(14)
    v2 = g.pw(14)
    f.add(
        f"Übergabe Hosting\n- Hetzner Robot: Kunde K0{g.dig(6)}, Passwort {v1}\n- Plesk: admin / {v2}\n- Ansprechpartner: Herr Maier",
        v1,
        v2,
    )

    g = f.new("notion_export_vpn_bullet")
    v = g.pw(16)
    f.add(f"- **VPN**: `vpn.acme.io`, user `first.last`, shared pass `{v}`\n- **Printer**: 10.0.0.40", v)

    g = f.new("password_reset_link_email")
    v = g.b64u(43)
    f.add(
        f"Someone requested a password reset for your account.\nReset it here: https://app.acme.io/reset-password?token={v}\nThis link expires in 1 hour.",
        v,
    )

    g = f.new("team_invite_link")
    v = g.b64u(32)
    f.add(f"Join the Acme workspace: https://acme.slack.com/join/shared_invite/zt-{g.lo(10)}-{v}", v)

    g = f.new("wifi_poster_text")
    v = "Kaffee" + "Bohne" + g.dig(4) + g.sym()
    f.add(f"GÄSTE-WLAN\nNetzwerk: Acme-Gast\nPasswort: {v}\nViel Spaß!", v)

    g = f.new("router_sticker_transcription")
    v1 = " ".join(g.dig(4) for _ in range(5))
    v2 = g.lo(4) + g.dig(4)
    f.add(f"FRITZ!Box 7590\nWLAN-Netzwerkschlüssel (WPA2): {v1}\nFRITZ!Box-Kennwort: {v2}", v1, v2)

    g = f.new("ci_variables_docs_table")
    v1 = g.uuid()
    v2 = g.an(40)
    v3 = g.b64(40)
    f.add(
        f"| Variable | Value | Protected |\n|---|---|---|\n| `CODECOV_TOKEN` | `{v1}` | no |\n| `SONAR_TOKEN` | `{v2}` | yes |\n| `S3_SECRET` | `{v3}` | yes |",
        v1,
        v2,
        v3,
    )

    g = f.new("asciidoc_credentials_block")
    v = g.pw(16)
    f.add(
        f"[source,properties]\n----\nbroker.url=tcp://mq.acme.local:61616\nbroker.user=integration\nbroker.password={v}\n----",
        v,
    )

    g = f.new("rst_code_block_setup")
    v = g.hex(40)
    f.add(f".. code-block:: console\n\n   $ export ACME_TOKEN={v}\n   $ acme sync --all", v)

    g = f.new("faq_answer_with_password")
    v = g.pw(12)
    f.add(f"**Q: How do I log into the demo tenant?**\nA: Use `demo@acme.io` with `{v}`. Please don't change it.", v)

    g = f.new("german_email_vendor_credentials")
    v = g.pw(14)
    f.add(
        f"Sehr geehrte Damen und Herren,\n\nanbei die Zugangsdaten für das Lieferantenportal:\nLogin: acme-einkauf\nPasswort: {v}\n\nMit freundlichen Grüßen",
        v,
    )

    g = f.new("helpdesk_ticket_reset_reply")
    v = "Spring" + g.year() + g.sym() + g.lo(2)
    f.add(
        f"Ticket #48213 — Reply from Service Desk:\nI've reset your password to {v}. Please change it after logging in.",
        v,
    )

    g = f.new("vendor_welcome_client_credentials")
    v = g.b64u(48)
    f.add(
        f"Your sandbox credentials:\n  Client ID:     {g.uuid()}\n  Client Secret: {v}\nKeep the secret safe; it cannot be shown again.",
        v,
    )

    g = f.new("postman_collection_apikey_auth")
    v = g.hex(48)
    f.add(
        f'"auth": {{\n  "type": "apikey",\n  "apikey": [\n    {{"key": "value", "value": "{v}", "type": "string"}},\n    {{"key": "key", "value": "X-API-Key", "type": "string"}}\n  ]\n}}',
        v,
    )

    g = f.new("meeting_notes_shared_key")
    v = "sk" + "_live_" + g.an(99)
    f.add(
        f"Weekly sync 27.11.\n- Bob shared the new Stripe key in the call: {v}\n- Action: Alice to put it in Vault", v
    )

    g = f.new("trello_card_text")
    v = g.pw(16)
    f.add(
        f"Card: Migrate newsletter to Brevo\nChecklist:\n[x] account created (marketing@acme.fr / {v})\n[ ] import contacts",
        v,
    )

    g = f.new("ticket_with_attached_log")
    v = g.an(36)
    f.add(
        f"Customer reports sync failure. Attached log:\n```\n2026-11-27T08:00:01Z ERROR sync: 403 for token={v} on /v1/items\n```",
        v,
    )

    g = f.new("runbook_spanish")
    v = g.pw(16)
    f.add(
        f"### Procedimiento de respaldo\n1. Conectarse al servidor `bk01`.\n2. Ejecutar `mysqldump -u respaldo -p'{v}' --all-databases > /bk/full.sql`.",
        v,
    )

    g = f.new("wiki_japanese_connection_info")
    v = g.pw(16)
    f.add(f"## 接続情報\n- ホスト: db.example.co.jp\n- ユーザー: app\n- パスワード: {v}", v)

    g = f.new("sftp_vendor_email_block")
    v = g.an(16)
    f.add(
        f"Host: sftp.partner-logistics.example\nPort: 2222\nUsername: acme_in\nPassword: {v}\nFolder: /inbound/edi", v
    )

    g = f.new("break_glass_account_doc")
    v = g.pw(24)
    f.add(
        f"BREAK-GLASS ACCOUNT (use only if SSO is down)\nAccount: bg-admin@acme.onmicrosoft.com\nPassword: {v}\nMFA: hardware key in safe #2",
        v,
    )

    g = f.new("k8s_dashboard_login_doc")
    v = g.jwt(
        {
            "iss": "kubernetes/serviceaccount",
            "kubernetes.io/serviceaccount/namespace": "kube-system",
            "sub": "system:serviceaccount:kube-system:admin-user",
        },
        "RS256",
    )
    f.add(f"To log into the dashboard, choose *Token* and paste:\n\n{v}", v)

    g = f.new("shared_account_recovery_codes_doc")
    codes = [g.lo(5) + "-" + g.lo(5) for _ in range(4)]
    f.add("Recovery codes for the shared @acme Twitter account:\n" + "\n".join(codes), *codes)

    g = f.new("dbeaver_howto_doc")
    v = g.pw(14)
    f.add(
        f"Connect with DBeaver: New Connection → PostgreSQL, host `pg.acme.io`, database `bi`, user `bi_reader`, password `{v}`, SSL mode `require`.",
        v,
    )

    g = f.new("training_slide_text")
    v = g.an(32)
    f.add(
        f'Slide 7 — Try it yourself\ncurl https://api.acme.io/v1/ping -H "X-Api-Key: {v}"\n(workshop key, valid until Friday)',
        v,
    )

    g = f.new("vendor_support_chat_new_key")
    v = g.hex(40)
    f.add(
        f"Agent (Zoho Support): I've regenerated the key for you. Your new API key is {v}. Anything else I can help with?",
        v,
    )

    g = f.new("sticky_note_wifi")
    v = "Katze" + g.dig(3) + g.lo(3)
    f.add(f"wifi pw: {v}\n(ask Jonas for guest net)", v)

    g = f.new("release_checklist_with_signing_pass")
    v = g.pw(18)
    f.add(
        f"Release checklist (Android):\n- [ ] bump versionCode\n- [ ] sign with upload key (keystore pass: {v})\n- [ ] upload AAB to Play Console",
        v,
    )

    g = f.new("incident_ticket_db_creds")
    v = g.an(20)
    f.add(
        f"INC-2211 | P1 | Orders DB unreachable\nWorkaround applied: connected directly with `ops_admin:{v}` and killed idle sessions.",
        v,
    )

    g = f.new("readme_smtp_section_french")
    v = g.pw(14)
    f.add(
        f"## Configuration SMTP\n\n- Serveur : `smtp.ovh.net`\n- Identifiant : `contact@acme.fr`\n- Mot de passe : `{v}`",
        v,
    )

    g = f.new("api_docs_real_key_in_example")
    v = g.hex(32)
    f.add(
        f"#### Example request\n\n    GET https://api.acme.io/v2/forecast?city=Lisbon&apikey={v}\n\nResponse: 200 OK", v
    )

    g = f.new("email_forward_with_credentials_chain")
    v = g.pw(14)
    f.add(
        f"---------- Forwarded message ---------\nFrom: Hosting <noreply@host.example>\nSubject: Your cPanel account\n\nUsername: acmeweb\nPassword: {v}\nURL: https://cp.host.example:2083",
        v,
    )

    g = f.new("hotel_style_door_and_alarm_codes")
    v1 = g.dig(6)
    v2 = g.dig(6)
    f.add(f"Office access (new hires):\nFront door keypad: {v1}\nAlarm disarm code: {v2}", v1, v2)

    return f.done()


def _encoded_split() -> tuple[Planted, ...]:
    f = _Family()

    g = f.new("base64_user_pass_and_plain")
    pw = g.pw(18)
    b = _b64s("jenkins:" + pw)
    f.add(f"$ echo -n 'jenkins:{pw}' | base64\n{b}", pw, b)

    g = f.new("base64_whole_env_file")
    env = f"DB_PASSWORD={g.pw(18)}\nAPI_KEY={g.hex(32)}\n"
    b = _b64s(env)
    f.add(f"ENV_FILE_B64={b}", b)

    g = f.new("hex_encoded_secret_xxd")
    pw = g.pw(20)
    h = pw.encode().hex()
    f.add(f'$ echo -n "$DB_PASS" | xxd -p\n{h}', h)

    g = f.new("url_encoded_password_only_form")
    pw = "Pa" + g.an(5) + "@" + g.an(4) + "/" + g.an(3) + "#" + g.dig(2)
    enc = _q(pw)
    f.add(f"DATABASE_URL=postgresql://api:{enc}@db.internal:5432/api", enc)

    g = f.new("json_escaped_quote_in_password")
    pw = g.an(8) + '"' + g.an(8) + "\\" + g.an(4)
    esc = json.dumps(pw)[1:-1]
    f.add(f'{{"smtp": {{"user": "relay", "password": "{esc}"}}}}', esc)

    g = f.new("json_unicode_escaped_slash")
    a = g.b64(13).replace("/", "A").replace("+", "B")
    b = g.b64(13).replace("/", "C").replace("+", "D")
    c = g.b64(12).replace("/", "E").replace("+", "F")
    esc = a + "\\u002f" + b + "\\u002f" + c
    f.add(f'{{"AccessKeyId":"AKIA{g.up(16)}","SecretAccessKey":"{esc}"}}', esc)

    g = f.new("json_string_inside_json")
    v = g.b64u(40)
    inner = json.dumps({"api_key": v, "region": "eu"})
    outer = json.dumps({"event": "config.updated", "body": inner})
    f.add(outer, v)

    g = f.new("triple_nested_json_escaping")
    v = g.pw(20).replace("\\", "")
    lvl1 = json.dumps({"password": v})
    lvl2 = json.dumps({"payload": lvl1})
    lvl3 = json.dumps({"message": lvl2})
    f.add(lvl3, v)

    g = f.new("shell_adjacent_quote_concat")
    a = g.an(20)
    b = g.an(20)
    f.add(f'export DEPLOY_KEY="{a}""{b}"', a, b)

    g = f.new("backslash_continuation_split_flag")
    a = g.an(24)
    b = g.an(24)
    f.add(f"./release.sh --channel stable \\\n  --token {a}\\\n{b} \\\n  --dry-run", a, b)

    g = f.new("terminal_wrapped_long_token")
    v = "github" + "_pat_" + "11" + g.up(20) + "_" + g.an(59)
    f.add(f"$ cat ~/.config/tool/token\n{v[:80]}\n{v[80:]}$ ", v[:80], v[80:])

    g = f.new("ansi_color_around_value")
    v = "gh" + "p_" + g.an(36)
    f.add(f"\x1b[1mToken created:\x1b[0m \x1b[32m{v}\x1b[0m\n\x1b[2mStore it now; it won't be shown again.\x1b[0m", v)

    g = f.new("grep_color_splits_token")
    rest = "proj-" + g.b64u(120)
    f.add(f"$ grep --color=always -r 'sk-' .env\n.env:OPENAI_API_KEY=\x1b[01;31m\x1b[Ksk-\x1b[m\x1b[K{rest}", rest)

    g = f.new("quoted_printable_soft_break")
    pw = g.an(14) + "=" + g.an(10)
    qp = pw.replace("=", "=3D")
    f.add(
        f"Content-Transfer-Encoding: quoted-printable\n\nIhr neues Passwort lautet: {qp[:12]}=\n{qp[12:]}\n",
        qp[:12],
        qp[12:],
    )

    g = f.new("form_body_url_encoded_secret")
    v = g.b64(40)
    enc = _q(v)
    f.add(
        f"POST /oauth2/token\n\ngrant_type=client_credentials&client_id=reporting&client_secret={enc}&scope=read", enc
    )

    g = f.new("python_bytes_repr")
    v = "sk" + "_live_" + g.an(99)
    f.add(f">>> os.environb[b'STRIPE_KEY']\nb'{v}'", v)

    g = f.new("env_multiline_double_quoted_key")
    body = g.pem_body("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", 5)
    inline = "\\n".join(["-----" + "BEGIN PRIVATE KEY-----", *body, "-----" + "END PRIVATE KEY-----"])
    f.add(f'FIREBASE_PRIVATE_KEY="{inline}\\n"', *body)

    g = f.new("bash_ansi_c_hex_escapes")
    pw = g.pw(12)
    esc = "".join(f"\\x{ord(c):02x}" for c in pw)
    f.add(f"PASS=$'{esc}'\nmysql -u app -p\"$PASS\" app", esc)

    g = f.new("gzip_base64_env_blob")
    blob = "H4sIAAAAAAAAA" + g.b64(240) + "AAAA"
    f.add(f"# secrets bundle (tar | gzip | base64)\nSECRETS_BUNDLE={blob}", blob)

    g = f.new("token_split_two_env_vars_concat")
    a = g.an(20)
    b = g.an(20)
    f.add(
        f'export T1=gh{"p_"}{a}\nexport T2={b}\ncurl -H "Authorization: token ${{T1}}${{T2}}" https://api.github.com/user',
        a,
        b,
    )

    g = f.new("js_concat_across_lines")
    a = g.an(18)
    b = g.an(18)
    f.add(f"const token =\n  'gl' + 'pat-' +\n  '{a}' +\n  '{b}';", a, b)

    g = f.new("yaml_folded_scalar_token")
    v = g.b64u(96)
    f.add(f"auth:\n  token: >-\n    {v[:48]}\n    {v[48:]}", v[:48], v[48:])

    g = f.new("jwt_wrapped_at_76_in_email")
    v = g.jwt({"sub": "svc-reports", "scope": "reports:read reports:write", "aud": "https://api.acme.io"}, "RS256")
    chunks = [v[i : i + 76] for i in range(0, len(v), 76)]
    f.add("Here is the service token:\n\n" + "\n".join(chunks), *[c for c in chunks if len(c) >= 8])

    g = f.new("html_entity_escaped_password")
    pw = g.an(6) + "&" + g.an(6) + "<" + g.an(4)
    esc = pw.replace("&", "&amp;").replace("<", "&lt;")
    f.add(f"<pre>db_password: {esc}</pre>", esc)

    g = f.new("xml_escaped_password_attribute")
    pw = g.an(7) + "&" + g.an(5) + '"' + g.an(4)
    esc = pw.replace("&", "&amp;").replace('"', "&quot;")
    f.add(f'<DataSource name="erp" user="erp_rw" password="{esc}" url="jdbc:db2://db2:50000/ERP"/>', esc)

    g = f.new("csv_doubled_quote_password")
    pw = g.an(7) + '"' + g.an(7)
    esc = pw.replace('"', '""')
    f.add(f'host,user,password\nftp.acme.io,upload,"{esc}"', esc)

    g = f.new("double_percent_encoding")
    pw = g.an(6) + "@" + g.an(6) + "!" + g.dig(2)
    enc2 = _q(_q(pw))
    f.add(f"https://auth.acme.io/login?next=%2Fconnect%3Furl%3Dpostgres%253A%252F%252Fu%253A{enc2}%2540db", enc2)

    g = f.new("x_registry_auth_base64url_json")
    b = base64.urlsafe_b64encode(
        json.dumps({"username": "ci", "password": g.pw(20), "serveraddress": "registry.acme.io"}).encode()
    ).decode()
    f.add(f"POST /v1.45/images/create?fromImage=registry.acme.io/app HTTP/1.1\nX-Registry-Auth: {b}", b)

    g = f.new("dockerconfigjson_double_base64")
    inner = _b64s("deploy:" + g.pw(20))
    outer = _b64s(json.dumps({"auths": {"ghcr.io": {"auth": inner}}}))
    f.add(f"data:\n  .dockerconfigjson: {outer}\ntype: kubernetes.io/dockerconfigjson", outer)

    g = f.new("c_byte_array_key")
    raw = g.raw(16)
    arr = ", ".join(f"0x{b:02x}" for b in raw)
    f.add(f"static const uint8_t AES_KEY[16] = {{ {arr} }};", arr)

    g = f.new("properties_unicode_escaped_nonascii")
    pw = "Grüße" + g.dig(4) + "!Straße"
    esc = pw.encode("ascii", "backslashreplace").decode().replace("\\x", "\\u00")
    f.add(f"ldap.bind.password={esc}", esc)

    g = f.new("json_escaped_slashes_url_creds")
    pw = g.an(18)
    f.add(f'{{"broker":"amqps:\\/\\/orders:{pw}@mq.acme.io:5671\\/prod"}}', pw)

    g = f.new("shell_variables_assembled")
    a = g.an(16)
    b = g.an(16)
    c = g.an(16)
    f.add(f"A={a}; B={b}; C={c}\nexport VAULT_TOKEN=hvs.$A$B$C", a, b, c)

    g = f.new("python_fstring_two_literals")
    a = g.an(24)
    b = g.an(24)
    f.add(f'_p1 = "{a}"\n_p2 = "{b}"\nWEBHOOK_SECRET = f"{{_p1}}{{_p2}}"', a, b)

    g = f.new("kubectl_describe_wrapped_value")
    v = g.b64u(120)
    f.add(f"Annotations:  acme.io/bootstrap-token:\n                {v[:60]}\n                {v[60:]}", v[:60], v[60:])

    g = f.new("base64_command_wrapped_output")
    creds = json.dumps({"client_id": "etl", "client_secret": g.b64u(48), "refresh_token": g.b64u(64)})
    b = _b64s(creds)
    lines = [b[i : i + 76] for i in range(0, len(b), 76)]
    f.add("$ base64 creds.json\n" + "\n".join(lines), *[ln for ln in lines if len(ln) >= 8])

    g = f.new("command_substitution_base64_decode")
    pw = g.pw(20)
    b = _b64s(pw)
    f.add(f'mysql -u root -p"$(echo {b} | base64 -d)" -e "SHOW PROCESSLIST"', b)

    g = f.new("python_hex_escaped_string")
    v = "hf" + "_" + g.an(34)
    esc = "".join(f"\\x{ord(c):02x}" for c in v)
    f.add(f"TOKEN = '{esc}'", esc)

    g = f.new("url_encoded_json_state_param")
    v = g.b64u(40)
    state = _q(json.dumps({"token": v, "return": "/dash"}))
    f.add(f"https://app.acme.io/callback?code=abc&state={state}", v)

    g = f.new("powershell_encoded_command")
    pw = g.pw(18)
    script = f"net user svc_backup '{pw}' /add; net localgroup administrators svc_backup /add"
    b = base64.b64encode(script.encode("utf-16-le")).decode()
    f.add(f"powershell.exe -NoProfile -EncodedCommand {b}", b)

    g = f.new("ansi_cursor_codes_in_prompt_echo")
    pw = g.pw(16)
    f.add(f"Enter passphrase: \x1b[8m{pw}\x1b[28m\nKey unlocked.", pw)

    g = f.new("unicode_escaped_full_token_js")
    v = "xo" + "xb-" + g.dig(11) + "-" + g.dig(12) + "-" + g.an(24)
    esc = "".join(f"\\u{ord(c):04x}" for c in v)
    f.add(f'var t = "{esc}";', esc)

    g = f.new("printf_split_format_args")
    a = g.an(22)
    b = g.an(22)
    f.add(f"printf 'API_TOKEN=%s%s\\n' '{a}' '{b}' >> .env", a, b)

    return f.done()


def _b64url_nopad(g: _G, n: int) -> str:
    return base64.urlsafe_b64encode(g.raw(n)).decode().rstrip("=")


def _key_material() -> tuple[Planted, ...]:
    f = _Family()

    g = f.new("pem_rsa_pkcs1_file")
    body = g.pem_body("MIIEpQIBAAKCAQEA", 8)
    f.add("$ cat deploy/key.pem\n" + _pem("RSA PRIVATE KEY", body), *body)

    g = f.new("pem_pkcs8_in_yaml_block")
    body = g.pem_body("MIIEvgIBADANBgkqhkiG9w0BAQEFAASC", 6)
    f.add("tls:\n  key: |\n" + "\n".join("    " + ln for ln in _pem("PRIVATE KEY", body).split("\n")), *body)

    g = f.new("pem_encrypted_pkcs8_with_passphrase")
    body = g.pem_body("MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI", 6)
    pw = g.pw(18)
    f.add(_pem("ENCRYPTED PRIVATE KEY", body) + f"\n# passphrase: {pw}", *body, pw)

    g = f.new("pem_ec_private_key_with_params")
    body = g.pem_body("MHcCAQEEI", 3, 24)
    f.add(
        "-----"
        + "BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----"
        + "END EC PARAMETERS-----\n"
        + _pem("EC PRIVATE KEY", body),
        *body,
    )

    g = f.new("openssh_private_key_file")
    body = (
        ["b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW"]
        + [g.b64(70) for _ in range(3)]
        + [g.b64(32)]
    )
    f.add(_pem("OPENSSH PRIVATE KEY", body), *body[1:])

    g = f.new("pgp_private_key_block_armored")
    body = [g.b64(64) for _ in range(6)] + [g.b64(22)]
    crc = "=" + g.b64(4)
    text = _pem("PGP PRIVATE KEY BLOCK", [*body, crc], headers="Comment: ops@acme.dev\n")
    f.add(text, *body)

    g = f.new("putty_ppk_v3")
    priv = [g.b64(64), g.b64(64), g.b64(20) + "="]
    mac = g.hex(64)
    f.add(
        "PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\nComment: rsa-key-20261127\nPublic-Lines: 2\n"
        f"AAAAB3NzaC1yc2EAAAADAQABAAABAQC{g.b64(33)}\n{g.b64(40)}\nPrivate-Lines: 3\n"
        + "\n".join(priv)
        + f"\nPrivate-MAC: {mac}",
        *priv,
        mac,
    )

    g = f.new("jwk_rsa_private_json")
    parts = {k: _b64url_nopad(g, 128 if k in ("d",) else 64) for k in ("d", "p", "q", "dp", "dq", "qi")}
    jwk = {"kty": "RSA", "kid": "sig-2026-11", "n": _b64url_nopad(g, 256), "e": "AQAB", **parts}
    f.add(json.dumps(jwk, indent=2), *parts.values())

    g = f.new("jwk_ec_private_d_only")
    d = _b64url_nopad(g, 32)
    f.add(
        json.dumps(
            {"kty": "EC", "crv": "P-256", "x": _b64url_nopad(g, 32), "y": _b64url_nopad(g, 32), "d": d, "use": "sig"}
        ),
        d,
    )

    g = f.new("jwk_oct_symmetric")
    k = _b64url_nopad(g, 32)
    f.add(f'{{"keys":[{{"kty":"oct","kid":"hmac-1","alg":"HS256","k":"{k}"}}]}}', k)

    g = f.new("pkcs12_base64_env_with_password")
    p12 = "MIIK" + g.b64(400) + "=="
    pw = g.pw(16)
    f.add(f"SIGNING_CERT_P12_BASE64={p12}\nSIGNING_CERT_PASSWORD={pw}", p12, pw)

    g = f.new("age_keys_txt")
    v = "AGE-SECRET-KEY-" + "1" + g.s(_BECH32.upper(), 58)
    f.add(f"# created: 2026-11-27T10:00:00Z\n# public key: age1{g.bech(58)}\n{v}", v)

    g = f.new("minisign_secret_key_file")
    v = "RWRTY0Iy" + g.b64(204) + "=="
    f.add(f"untrusted comment: minisign encrypted secret key\n{v}", v)

    g = f.new("wireguard_conf_private_and_psk")
    priv = g.b64of(32)
    psk = g.b64of(32)
    f.add(
        f"[Interface]\nAddress = 10.66.0.2/32\nPrivateKey = {priv}\nDNS = 1.1.1.1\n\n[Peer]\nPublicKey = {g.b64of(32)}\n"
        f"PresharedKey = {psk}\nEndpoint = vpn.acme.io:51820\nAllowedIPs = 0.0.0.0/0",
        priv,
        psk,
    )

    g = f.new("bip39_twelve_words_backup_note")
    v = mnemonic("fresh12:bip39_twelve_words_backup_note", 12)
    f.add(f"Ledger backup (DO NOT LOSE):\n{v}", v)

    g = f.new("bip39_24_numbered_list")
    words = mnemonic("fresh12:bip39_24_numbered_list", 24).split()
    lines = [f"{i + 1:>2}. {w}" for i, w in enumerate(words)]
    rows = ["   ".join(lines[i : i + 4]) for i in range(0, 24, 4)]
    f.add("Recovery phrase:\n" + "\n".join(rows), *rows)

    g = f.new("bitcoin_wif_import")
    v = wif("fresh12:bitcoin_wif_import")
    f.add(f'$ bitcoin-cli importprivkey {v} "cold-1" false', v)

    g = f.new("ethereum_private_key_dotenv")
    v1 = g.hex(64)
    v2 = g.b64u(32)
    f.add(f"DEPLOYER_PRIVATE_KEY={v1}\nRPC_URL=https://eth-mainnet.g.alchemy.com/v2/{v2}", v1, v2)

    g = f.new("ethereum_keystore_json_and_password")
    ct = g.hex(64)
    pw = g.pw(18)
    f.add(
        f'{{"address":"{g.hex(40)}","crypto":{{"cipher":"aes-128-ctr","ciphertext":"{ct}","cipherparams":{{"iv":"{g.hex(32)}"}},"kdf":"scrypt"}},"version":3}}\n'
        f"keystore password: {pw}",
        ct,
        pw,
    )

    g = f.new("solana_keypair_json_array")
    arr = "[" + ",".join(str(b) for b in g.raw(64)) + "]"
    f.add(f"$ cat ~/.config/solana/id.json\n{arr}", arr)

    g = f.new("totp_otpauth_uri")
    v = g.b32(32)
    f.add(f"otpauth://totp/Acme:ops%40acme.io?secret={v}&issuer=Acme&algorithm=SHA1&digits=6&period=30", v)

    g = f.new("totp_setup_key_grouped")
    groups = [g.s(_LOWER + "234567", 4) for _ in range(8)]
    v = " ".join(groups)
    f.add(f"Can't scan the QR code? Enter this setup key instead:\n{v}", v)

    g = f.new("github_recovery_codes_file")
    codes = [g.hex(5) + "-" + g.hex(5) for _ in range(6)]
    f.add("github-recovery-codes.txt\n" + "\n".join(codes), *codes)

    g = f.new("google_backup_codes_grid")
    codes = [g.dig(4) + " " + g.dig(4) for _ in range(6)]
    f.add("BACKUP VERIFICATION CODES\n" + "\n".join(f"{i + 1}. {c}" for i, c in enumerate(codes)), *codes)

    g = f.new("tor_add_onion_private_key")
    v = "ED25519-V3:" + g.b64of(64)
    f.add(f"250-ServiceID={g.s(_LOWER + '234567', 56)}\n250-PrivateKey={v}\n250 OK", v[len("ED25519-V3:") :])

    g = f.new("k8s_tls_secret_key_base64_pem")
    pem = _pem("RSA PRIVATE KEY", g.pem_body("MIIEogIBAAKCAQEA", 6))
    b = _b64s(pem + "\n")
    f.add(
        f"apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\ndata:\n  tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUQ=\n  tls.key: {b}",
        b,
    )

    g = f.new("gcp_service_account_json")
    body = g.pem_body("MIIEvAIBADANBgkqhkiG9w0BAQEFAASC", 5)
    kid = g.hex(40)
    pk = "\\n".join(["-----" + "BEGIN PRIVATE KEY-----", *body, "-----" + "END PRIVATE KEY-----"]) + "\\n"
    f.add(
        '{\n  "type": "service_account",\n  "project_id": "acme-analytics",\n'
        f'  "private_key_id": "{kid}",\n  "private_key": "{pk}",\n'
        '  "client_email": "bq-loader@acme-analytics.iam.gserviceaccount.com"\n}',
        kid,
        *body,
    )

    g = f.new("apns_p8_in_fastlane_env")
    body = ["MIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQg" + g.b64(16), g.b64(64), g.b64(64), g.b64(8)]
    pk = "\\n".join(["-----" + "BEGIN PRIVATE KEY-----", *body, "-----" + "END PRIVATE KEY-----"])
    f.add(f'APP_STORE_CONNECT_API_KEY_KEY_ID={g.up(10)}\nAPP_STORE_CONNECT_API_KEY_KEY="{pk}"', *body)

    g = f.new("dotnet_rsa_xml_private")
    parts = {t: g.b64of(64 if t != "D" else 128) for t in ("P", "Q", "DP", "DQ", "InverseQ", "D")}
    xml = (
        f"<RSAKeyValue><Modulus>{g.b64of(128)}</Modulus><Exponent>AQAB</Exponent>"
        + "".join(f"<{t}>{v}</{t}>" for t, v in parts.items())
        + "</RSAKeyValue>"
    )
    f.add(xml, *parts.values())

    g = f.new("near_ed25519_key_file")
    v = "ed25519:" + g.b58(88)
    f.add(f'{{"account_id":"acme.near","public_key":"ed25519:{g.b58(44)}","private_key":"{v}"}}', v[len("ed25519:") :])

    g = f.new("nostr_nsec")
    v = "nsec" + "1" + g.bech(58)
    f.add(f"my nostr key for the bot: {v} (npub is on the website)", v)

    g = f.new("lnd_admin_macaroon_hex")
    v = "0201036c6e6402f801" + g.hex(300)
    f.add(f"$ xxd -ps -u -c 1000 ~/.lnd/data/chain/bitcoin/mainnet/admin.macaroon | tr A-F a-f\n{v}", v)

    g = f.new("ssh_key_one_line_env_literal_n")
    body = ["b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW"] + [g.b64(70) for _ in range(3)]
    one = "\\n".join(["-----" + "BEGIN OPENSSH PRIVATE KEY-----", *body, "-----" + "END OPENSSH PRIVATE KEY-----"])
    f.add(f"SSH_PRIVATE_KEY: '{one}\\n'", *body[1:])

    g = f.new("ansible_vault_password_next_to_blob")
    pw = g.pw(22)
    f.add(
        f"$ echo '{pw}' > ~/.vault_pass\n$ head -2 group_vars/all/vault.yml\n$ANSIBLE_VAULT;1.1;AES256\n{g.hex(80)}", pw
    )

    g = f.new("monero_spend_and_view_keys")
    spend = g.hex(64)
    view = g.hex(64)
    f.add(f"Secret spend key: {spend}\nSecret view key: {view}\nPrimary address: 4{g.b58(94)}", spend, view)

    g = f.new("cosign_private_key_and_password")
    body = [g.b64(64) for _ in range(5)]
    pw = g.pw(16)
    f.add(_pem("ENCRYPTED SIGSTORE PRIVATE KEY", body) + f"\nCOSIGN_PASSWORD={pw}", *body, pw)

    g = f.new("bip32_xprv")
    v = "xprv" + "9s21ZrQH143K" + g.b58(95)
    f.add(f"Master extended private key (BIP32 root): {v}", v)

    g = f.new("vault_operator_init_output")
    keys = [g.b64of(33) for _ in range(3)]
    root = "hvs." + g.an(24)
    f.add(
        "\n".join(f"Unseal Key {i + 1}: {k}" for i, k in enumerate(keys)) + f"\n\nInitial Root Token: {root}",
        *keys,
        root,
    )

    g = f.new("k8s_encryption_config_aescbc")
    v = g.b64of(32)
    f.add(
        f"resources:\n  - resources: [secrets]\n    providers:\n      - aescbc:\n          keys:\n            - name: key1\n              secret: {v}\n      - identity: {{}}",
        v,
    )

    g = f.new("fernet_key_env")
    v = base64.urlsafe_b64encode(g.raw(32)).decode()
    f.add(f"AIRFLOW__CORE__FERNET_KEY={v}", v)

    g = f.new("rails_master_key_cat")
    v = g.hex(32)
    f.add(f"$ cat config/master.key\n{v}", v)

    g = f.new("aspnet_machinekey_web_config")
    vk = g.hex(128).upper()
    dk = g.hex(64).upper()
    f.add(f'<machineKey validationKey="{vk}" decryptionKey="{dk}" validation="HMACSHA256" decryption="AES" />', vk, dk)

    g = f.new("python_aes_key_fromhex")
    k = g.hex(64)
    iv = g.hex(32)
    f.add(f'KEY = bytes.fromhex("{k}")\nIV = bytes.fromhex("{iv}")\ncipher = AES.new(KEY, AES.MODE_CBC, IV)', k)

    g = f.new("tendermint_priv_validator_key")
    v = g.b64of(64)
    f.add(
        f'{{\n  "address": "{g.hex(40).upper()}",\n  "pub_key": {{"type": "tendermint/PubKeyEd25519", "value": "{g.b64of(32)}"}},\n'
        f'  "priv_key": {{"type": "tendermint/PrivKeyEd25519", "value": "{v}"}}\n}}',
        v,
    )

    return f.done()


def _urls_history_tools() -> tuple[Planted, ...]:
    f = _Family()

    g = f.new("url_postgres_password_query_param")
    v = g.an(22)
    f.add(f"postgres://db.acme.io:5432/app?user=app&password={v}&sslmode=verify-full", v)

    g = f.new("url_ftp_userinfo")
    v = g.an(14)
    f.add(f"wget -r ftp://mirror:{v}@ftp.acme.de/pub/releases/", v)

    g = f.new("url_sftp_in_filezilla_quickconnect")
    v = g.pw(14).replace("@", "9").replace("%", "8").replace("#", "7").replace("?", "6")
    f.add(f"Quickconnect: sftp://webdev:{v}@ssh.strato.example:22", v)

    g = f.new("url_smb_mount")
    v = g.an(16)
    f.add(f"open 'smb://CORP;jdoe:{v}@nas01.corp.acme/Projects'", v)

    g = f.new("url_amqps_broker")
    v = g.an(24)
    f.add(f"CELERY_BROKER_URL=amqps://celery:{v}@b-1a2b3c.mq.eu-west-1.amazonaws.com:5671/prod", v)

    g = f.new("url_mqtt_iot_firmware")
    v = g.an(16)
    f.add(f'const char* MQTT_URI = "mqtt://sensor-17:{v}@mqtt.home.arpa:1883";', v)

    g = f.new("url_nats_token_userinfo")
    v = g.an(32)
    f.add(f"nats sub 'orders.>' --server nats://{v}@nats.acme.io:4222", v)

    g = f.new("requirements_git_https_token")
    v = "gh" + "p_" + g.an(36)
    f.add(
        f"requests==2.32.3\nacme-internal @ git+https://{v}@github.com/acme/acme-internal.git@v3.2.0\npydantic>=2.7", v
    )

    g = f.new("pip_extra_index_url_token")
    v = g.an(48)
    f.add(
        f"pip install --extra-index-url https://__token__:{v}@gitlab.acme.io/api/v4/projects/42/packages/pypi/simple acme-sdk",
        v,
    )

    g = f.new("telegram_bot_api_url")
    v = g.dig(10) + ":AA" + g.b64u(33)
    f.add(f'curl -s "https://api.telegram.org/bot{v}/sendMessage?chat_id=-100123456789&text=deploy+ok"', v)

    g = f.new("discord_webhook_url")
    v = g.b64u(68)
    f.add(f"DISCORD_WEBHOOK=https://discord.com/api/webhooks/{g.dig(19)}/{v}", v)

    g = f.new("s3_presigned_url_session_token")
    tok = "IQoJb3JpZ2luX2VjE" + g.b64(280)
    sig = g.hex(64)
    enc = _q(tok)
    f.add(
        "https://acme-exports.s3.eu-west-1.amazonaws.com/report.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        f"&X-Amz-Credential=ASIA{g.up(16)}%2F20261127%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20261127T101500Z"
        f"&X-Amz-Expires=604800&X-Amz-Security-Token={enc}&X-Amz-SignedHeaders=host&X-Amz-Signature={sig}",
        enc,
        sig,
    )

    g = f.new("azure_sas_url")
    sig = _q(g.b64of(32))
    f.add(
        f"https://acmebackups.blob.core.windows.net/db/nightly.bak?sv=2022-11-02&ss=b&srt=sco&sp=rwdlac&se=2027-01-01T00:00:00Z&spr=https&sig={sig}",
        sig,
    )

    g = f.new("gcs_signed_url")
    sig = g.hex(512)
    f.add(
        "https://storage.googleapis.com/acme-media/raw/clip.mp4?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=uploader%40acme.iam.gserviceaccount.com"
        f"%2F20261127%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20261127T101500Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host&X-Goog-Signature={sig}",
        sig,
    )

    g = f.new("jdbc_url_user_password_params")
    v = g.an(20)
    f.add(f"jdbc:postgresql://pg.acme.io:5432/billing?user=billing&password={v}&ssl=true", v)

    g = f.new("redis_sentinel_url")
    v = g.an(28)
    f.add(f"REDIS_URL=redis+sentinel://:{v}@sentinel-0:26379,sentinel-1:26379/mymaster/0", v)

    g = f.new("socks5h_proxy_userinfo")
    v = g.an(18)
    f.add(f"curl --proxy socks5h://scraper:{v}@gw.proxyvendor.example:1080 https://ifconfig.me", v)

    g = f.new("https_proxy_env_creds")
    v = g.pw(14).replace("@", "1").replace("%", "2").replace("#", "3").replace("?", "4")
    f.add(f"export https_proxy=http://CORP%5Cjdoe:{v}@proxy.corp.acme:3128\nexport no_proxy=localhost,.corp.acme", v)

    g = f.new("vnc_url_password_only")
    v = g.an(8)
    f.add(f"vncviewer vnc://:{v}@10.0.5.31:5901", v)

    g = f.new("rtsp_ip_camera")
    v = "Cam" + g.dig(6) + g.an(4)
    f.add(f"ffplay 'rtsp://admin:{v}@192.168.1.64:554/Streaming/Channels/101'", v)

    g = f.new("mongodb_multi_host_uri")
    v = g.an(20)
    f.add(
        f"mongodb://root:{v}@mongo-0.mongo:27017,mongo-1.mongo:27017,mongo-2.mongo:27017/admin?replicaSet=rs0&authSource=admin",
        v,
    )

    g = f.new("neo4j_secure_uri")
    v = g.b64u(43)
    f.add(f"NEO4J_URI=neo4j+s://neo4j:{v}@7f3a9c2d.databases.neo4j.io", v)

    g = f.new("snowflake_sqlalchemy_url")
    v = g.pw(16).replace("@", "5").replace("%", "6").replace("#", "7").replace("?", "8")
    f.add(f"snowflake://LOADER:{v}@xy12345.eu-central-1/RAW/PUBLIC?warehouse=LOAD_WH&role=LOADER", v)

    g = f.new("bash_history_file_raw")
    v1 = g.an(20)
    v2 = "dop" + "_v1_" + g.hex(64)
    f.add(f"$ tail -3 ~/.bash_history\nmysql -h 10.0.0.9 -u root --password={v1}\ndoctl auth init -t {v2}\nls", v1, v2)

    g = f.new("zsh_extended_history")
    v = "sk" + "-proj-" + g.b64u(120)
    f.add(f": 1732701022:0;export OPENAI_API_KEY={v}\n: 1732701031:0;python chat.py", v)

    g = f.new("fish_history_yaml")
    v = g.an(40)
    f.add(f"- cmd: set -Ux CLOUDFLARE_API_TOKEN {v}\n  when: 1732701200\n- cmd: wrangler deploy\n  when: 1732701260", v)

    g = f.new("psql_history_alter_user")
    v = g.an(18)
    f.add(f"$ cat ~/.psql_history\n\\dt\nALTER USER grafana WITH PASSWORD '{v}';\n\\q", v)

    g = f.new("mysql_history_octal_spaces")
    v = g.an(16)
    f.add(f"_HiStOrY_V2_\nCREATE\\040USER\\040'app'@'%'\\040IDENTIFIED\\040BY\\040'{v}';\nFLUSH\\040PRIVILEGES;", v)

    g = f.new("python_repl_history")
    v = "sk" + "-ant-api03-" + g.b64u(93) + "AA"
    f.add(f"$ cat ~/.python_history\nimport anthropic\nc = anthropic.Anthropic(api_key='{v}')", v)

    g = f.new("vscode_sqltools_connections")
    v = g.pw(16)
    f.add(
        '"sqltools.connections": [\n  {\n    "name": "prod-ro",\n    "driver": "PostgreSQL",\n    "server": "pg.acme.io",\n'
        f'    "username": "ro",\n    "password": "{v}",\n    "database": "app"\n  }}\n]',
        v,
    )

    g = f.new("jetbrains_run_configuration_env")
    v = g.hex(40)
    f.add(
        f'<configuration name="api (local)" type="PythonConfigurationType">\n  <envs>\n    <env name="PYTHONUNBUFFERED" value="1" />\n    <env name="GITHUB_APP_PRIVATE_SECRET" value="{v}" />\n  </envs>\n</configuration>',
        v,
    )

    g = f.new("vscode_launch_json_env")
    v = g.an(32)
    f.add(
        f'{{\n  "type": "node",\n  "request": "launch",\n  "name": "api",\n  "env": {{ "AUTH0_CLIENT_SECRET": "{v}" }}\n}}',
        v,
    )

    g = f.new("android_gradle_properties_signing")
    v1 = g.pw(16)
    v2 = g.pw(16)
    f.add(
        f"RELEASE_STORE_FILE=upload.jks\nRELEASE_STORE_PASSWORD={v1}\nRELEASE_KEY_ALIAS=upload\nRELEASE_KEY_PASSWORD={v2}",
        v1,
        v2,
    )

    g = f.new("ios_xcconfig_with_slash_trick")
    v = g.an(40)
    v = "sk" + "_" + v
    f.add(f"API_BASE_URL = https:/$()/api.acme.app\nREVENUECAT_SECRET_KEY = {v}", v)

    g = f.new("expo_app_json_extra")
    v = g.an(40)
    f.add(
        f'{{\n  "expo": {{\n    "name": "Acme",\n    "extra": {{\n      "algoliaAdminKey": "{v}",\n      "eas": {{ "projectId": "{g.uuid()}" }}\n    }}\n  }}\n}}',
        v,
    )

    g = f.new("github_actions_log_unmasked_derived")
    b = _b64s("x-access-token:" + "gh" + "s_" + g.an(36))
    f.add(
        f'Run git config --global http.extraheader "AUTHORIZATION: basic {b}"\n  git config --global http.extraheader "AUTHORIZATION: basic {b}"\n  shell: /usr/bin/bash -e {{0}}',
        b,
    )

    g = f.new("circleci_log_export_aws")
    v = g.b64(40)
    f.add(
        f"#!/bin/bash -eo pipefail\nexport AWS_SECRET_ACCESS_KEY={v}\naws s3 sync build/ s3://acme-web\nupload: build/index.html to s3://acme-web/index.html",
        v,
    )

    g = f.new("azure_devops_setvariable_log")
    v = g.b64u(52)
    f.add(
        f"##[debug]Processed: ##vso[task.setvariable variable=acrToken;issecret=false]{v}\n##[section]Finishing: Get ACR token",
        v,
    )

    g = f.new("travis_log_env_from_settings")
    v = g.an(24)
    f.add(
        f"Setting environment variables from repository settings\n$ export DB_PASS={v}\n$ export CODECLIMATE_REPO_TOKEN=[secure]",
        v,
    )

    g = f.new("postman_environment_values")
    v = g.b64u(64)
    f.add(
        f'{{\n  "name": "prod",\n  "values": [\n    {{"key": "baseUrl", "value": "https://api.acme.io", "enabled": true}},\n    {{"key": "refreshToken", "value": "{v}", "enabled": true}}\n  ]\n}}',
        v,
    )

    g = f.new("insomnia_export_yaml")
    v = g.an(40)
    f.add(f"_type: environment\nname: Production\ndata:\n  base_url: https://api.acme.io\n  api_token: {v}", v)

    g = f.new("filezilla_sitemanager_base64_pass")
    b = _b64s(g.pw(14))
    f.add(
        f'<Server>\n  <Host>ftp.acme.de</Host>\n  <Port>21</Port>\n  <User>webmaster</User>\n  <Pass encoding="base64">{b}</Pass>\n</Server>',
        b,
    )

    g = f.new("winscp_ini_obfuscated_password")
    v = "A35C" + g.hex(60).upper()
    f.add(f"[Sessions\\deploy@web01]\nHostName=web01.acme.local\nUserName=deploy\nPassword={v}", v)

    g = f.new("git_credentials_store_file")
    v1 = "gh" + "p_" + g.an(36)
    v2 = g.an(20)
    f.add(
        f"$ cat ~/.git-credentials\nhttps://mara-k:{v1}@github.com\nhttps://jenkins:{v2}@bitbucket.acme.local", v1, v2
    )

    g = f.new("gh_hosts_yml")
    v = "gh" + "o_" + g.an(36)
    f.add(f"github.com:\n    user: lin-q\n    oauth_token: {v}\n    git_protocol: https", v)

    g = f.new("aws_sso_cache_json")
    v1 = "aoa" + g.b64(300)
    v2 = "aor" + g.b64(300)
    f.add(
        f'{{"startUrl": "https://acme.awsapps.com/start", "region": "eu-west-1", "accessToken": "{v1}", "refreshToken": "{v2}", "expiresAt": "2026-11-27T18:00:00Z"}}',
        v1,
        v2,
    )

    g = f.new("coding_agent_auth_json")
    v = "sk" + "-proj-" + g.b64u(120)
    f.add(f'$ cat ~/.codex/auth.json\n{{\n  "OPENAI_API_KEY": "{v}",\n  "tokens": null\n}}', v)

    g = f.new("continue_config_models_apikey")
    v = "sk" + "-ant-api03-" + g.b64u(93) + "AA"
    f.add(f'models:\n  - name: Claude\n    provider: anthropic\n    model: claude-sonnet-4\n    apiKey: "{v}"', v)

    return f.done()


def _public(seed: str, n: int) -> bytes:
    """Bytes for the look-alikes (a separate seed space: none of these is a secret)."""
    return _bytes("benign/" + seed, n)


def _b64pub(seed: str, n: int) -> str:
    return base64.b64encode(_public(seed, n)).decode()


_SSH_ED25519_PUB = base64.b64encode(b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + _public("ssh-pub", 32)).decode()
_WG_PUB = _b64pub("wg-pub", 32)
_AGE_PUB = "age1" + _draw("benign/age-pub", _BECH32, 58)
_SRI = "sha512-" + base64.b64encode(hashlib.sha512(b"left-pad@1.3.0").digest()).decode()
_SRI_384 = "sha384-" + base64.b64encode(hashlib.sha384(b"bootstrap.min.js 5.3.3").digest()).decode()
_GO_SUM = "h1:" + base64.b64encode(hashlib.sha256(b"golang.org/x/net v0.31.0").digest()).decode()
_CERT_BODY = ["MIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ"] + [
    base64.b64encode(_public(f"cert-{i}", 48)).decode() for i in range(4)
]
_PUBKEY_BODY = ["MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" + _b64pub("spki-0", 15)] + [
    base64.b64encode(_public(f"spki-{i}", 48)).decode() for i in range(1, 5)
]
_PGP_PUB_BODY = ["mQINBGVhY2UBEAC" + _b64pub("pgp-0", 36)] + [
    base64.b64encode(_public(f"pgp-{i}", 48)).decode() for i in range(1, 4)
]
_AWS_DOC_ID = "AKIA" + "IOSFODNN7EXAMPLE"
_AWS_DOC_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY"
_JWT_IO_EXAMPLE = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    + ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
    + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
_STRIPE_PUBLISHABLE = "pk" + "_live_" + _draw("benign/stripe-pk", _ALNUM, 99)

BENIGN_FRESH12: tuple[str, ...] = (
    # version control and build identifiers
    "commit 3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a\nAuthor: Lena Vogt <lena@acme.dev>\nDate:   Fri Nov 27 09:12:44 2026 +0100",
    "$ git log --oneline -3\n9b7c1d0 (HEAD -> main, origin/main) fix: retry on 503\n4f2a9c1 read secret from env\n3e1f9a2 remove pusher",
    "Merge pull request #4812 from acme/feature/ses-migration (a1b2c3d..e4f5a6b)",
    "$ git rev-parse HEAD\n5d41402abc4b2a76b9719d911017c592e4b6d8f0",
    "Build ID: 20261127.4 (a1b2c3d) · Runner: ubuntu-24.04 · Duration 3m 12s",
    "version: 2.14.0-rc.3+build.20261127\nchannel: beta",
    "api-7f9c8d6b5-x2k4q   1/1     Running   0          3h12m",
    'CONTAINER ID   IMAGE          COMMAND                  STATUS\n3f9a1c7e5b2d   nginx:1.27     "/docker-entrypoint.…"   Up 2 hours',
    "nginx@sha256:2d194184b067db3598771b4cf326cfe6ad5051937ba1132b8b7d4b0184e0d0a6",
    "Digest: sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4\nStatus: Downloaded newer image for postgres:16-alpine",
    "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345678",
    'uid: 6f1c2e3a-9b7d-4c8e-a1f2-3b4c5d6e7f80\nresourceVersion: "884211"',
    ".next/static/chunks/pages/_app-3f9a1c7e5b2d4f6a.js   84.2 kB",
    "dist/assets/index-BfX2k9Qa.css  12.44 kB │ gzip: 3.10 kB",
    "__pycache__/settings.cpython-311.pyc",
    # checksums and lockfiles
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  empty.txt",
    "SHA256 (acme-cli-2.3.0-linux-amd64.tar.gz) = 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    f'"node_modules/left-pad": {{\n  "version": "1.3.0",\n  "integrity": "{_SRI}"\n}}',
    'requests = [\n    {file = "requests-2.32.3-py3-none-any.whl", hash = "sha256:70761cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6"},\n]',
    f"golang.org/x/net v0.31.0 {_GO_SUM}",
    '[[package]]\nname = "serde"\nversion = "1.0.215"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "6513c1ad0b11a9376da888e3e0baa0077f1aed55c17f50e7b2397136129fb88f"',
    f'<script src="https://cdn.jsdelivr.net/npm/bootstrap@5.3.3/dist/js/bootstrap.min.js" integrity="{_SRI_384}" crossorigin="anonymous"></script>',
    'resolved "https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz#679591c564c3bffaae8454cf0b3df370c3d6911c"',
    "md5: 5d41402abc4b2a76b9719d911017c592  hello.txt",
    # placeholders, references and masked values
    "curl -H 'Authorization: Bearer <your-token>' https://api.acme.io/v1/me",
    "password: ${DB_PASSWORD}\nusername: ${DB_USER:-app}",
    'export GITHUB_TOKEN="$(gh auth token)"',
    "env:\n  NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n  AWS_REGION: eu-west-1",
    "docker login -u gitlab-ci-token -p $CI_JOB_TOKEN $CI_REGISTRY",
    "DATABASE_URL=postgres://user:password@localhost:5432/mydb  # example, replace user and password",
    "mongodb+srv://<username>:<password>@cluster0.example.mongodb.net/?retryWrites=true",
    "OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "GITHUB_TOKEN=ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "STRIPE_SECRET_KEY=your_stripe_secret_key_here",
    "api_key: REDACTED\nclient_secret: '[FILTERED]'\ntoken: '***'",
    "password: ********",
    'Parameters: {"user"=>{"email"=>"marta@acme.pl", "password"=>"[FILTERED]"}}',
    "Authorization: Bearer [REDACTED]",
    "OpenAI key: sk-proj-…7f2Q (last four shown)",
    "Card: **** **** **** 4242, exp 12/28",
    "~ password = (sensitive value)",
    "secret_key = <SECRET_KEY>",
    "token: {{ .Values.api.token | quote }}",
    "valueFrom:\n  secretKeyRef:\n    name: db-creds\n    key: password",
    "password: vault:secret/data/payments/db#password",
    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf",
    "op://Engineering/Staging DB/password",
    "Set-Cookie: session=; Max-Age=0; Path=/; HttpOnly",
    # documented examples and test fixtures labelled as fake
    f"# AWS documentation example credentials (not real)\naws_access_key_id = {_AWS_DOC_ID}\naws_secret_access_key = {_AWS_DOC_SECRET}",
    f"The jwt.io default example token is {_JWT_IO_EXAMPLE}",
    "Use the Stripe test card 4242 4242 4242 4242 with any future expiry and any CVC.",
    "Example IBAN from the ECBS docs: DE89 3704 0044 0532 0130 00",
    'FAKE_API_KEY = "test-key-not-real"  # fixture, never sent anywhere',
    "assert redact('hunter-placeholder') == '[redacted]'",
    'As xkcd 936 puts it, a passphrase like "correct horse battery staple" beats a short complex password.',
    "The default login for the local dev container is documented in README as admin/admin; production uses SSO.",
    "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    # public keys, certificates, addresses
    f"ssh-ed25519 {_SSH_ED25519_PUB} lena@thinkpad",
    f"[Peer]\nPublicKey = {_WG_PUB}\nAllowedIPs = 10.66.0.0/24\nEndpoint = vpn.acme.io:51820",
    f"# public key: {_AGE_PUB}",
    "The key fingerprint is:\nSHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8 lena@thinkpad",
    _pem("CERTIFICATE", _CERT_BODY),
    _pem("PUBLIC KEY", _PUBKEY_BODY),
    _pem("PGP PUBLIC KEY BLOCK", _PGP_PUB_BODY, headers="Comment: ops@acme.dev (signing)\n"),
    "certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUMvakNDQWVhZ0F3SUJBZ0lCQURBTkJna3Foa2lHOXcwQkFRc0ZBREFWTVJNd0VRWURWUVFERXdwcmRXSmwKY201bGRHVnpNQjRYRFRJMk1URXlOekE1TURBd01Gb1hEVE0yTVRFeU5UQTVNREF3TUZvd0ZURVRNQkVHQTFVRQ==",
    "SHA256 Fingerprint=3A:1F:9C:0B:7E:22:4D:68:91:AA:5E:C3:70:12:BD:46:8F:0E:D9:33:61:7C:2A:B5:94:E8:03:DF:56:1B:C7:A0",
    "Send donations to bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
    "Contract deployed at 0x5FbDB2315678afecb367f032d93F642f64180aa3 (hardhat default first deployment address)",
    "Transaction hash: 0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b (block 19,203,114)",
    f"Publishable key (safe for the browser): {_STRIPE_PUBLISHABLE}",
    '<meta name="google-site-verification" content="verification-tag-for-search-console" />',
    # colours, encodings of public data, identifiers
    "color: #1e90ff;\nbackground: #fafafa;\nborder-color: #c0ffee;",
    '"theme": {"primary": "#4f46e5", "accent": "#f59e0b", "muted": "#9ca3af"}',
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
    "$ echo aGVsbG8gd29ybGQ= | base64 -d\nhello world",
    "request_id=6f1c2e3a-9b7d-4c8e-a1f2-3b4c5d6e7f80 status=200 duration_ms=41",
    "X-Request-Id: 01JDJ5K8W3Q9ZV7X2M4N6P8R0T",
    "Slack channel C04RZ6Q1P, user U012AB3CD, workspace T0001",
    "Subscription: 1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b (Pay-As-You-Go)",
    "Project number: 483920117265  Project ID: acme-analytics-prod",
    "customer cus_NffrFeUfNV2Hib created; invoice in_1OqZzH2eZvKYlo2C0abcDEfG finalized",
    "YouTube: https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "MAC 3c:22:fb:9a:10:7e  IPv6 fe80::3e22:fbff:fe9a:107e",
    "Jira: PLAT-1234, PLAT-1240 and OPS-77 are blocked by the migration.",
    "Content-Security-Policy: script-src 'self' 'nonce-rAnd0mN0nc3'; object-src 'none'",
    'ETag: W/"5e-1c6b2a3f9d8e7c6b5a4f3e2d1c0b9a8f"',
    "Donaudampfschifffahrtsgesellschaftskapitän2026",
    # prose and policy about secrets, without any value
    "Passwords must be at least 12 characters long and include an uppercase letter, a digit and a symbol.",
    "Required environment variables: DATABASE_URL, STRIPE_SECRET_KEY, OPENAI_API_KEY, SENTRY_DSN.",
    "Set `OPENAI_API_KEY` to a key from https://platform.openai.com/api-keys before running the notebook.",
    "I didn't print the token; it's stored in the macOS keychain under `gh:github.com`.",
    "Set `REDIS_PASSWORD` in your `.env` (copy `.env.example` first).",
    'The password is in 1Password under "Staging DB" — ask in #ops if you can\'t see the vault.',
    "ich hab mein passwort vergessen, wie setze ich das zurück?",
    "j'ai oublié mon mot de passe, tu peux le réinitialiser ?",
    "忘记密码了，怎么重置？",
    "パスワードを忘れました。リセット方法を教えてください。",
    "esqueci a senha do painel, como faço pra resetar?",
    "Enter password: \nmysql: [ERROR] Access denied for user 'root'@'localhost' (using password: YES)",
    'FATAL:  password authentication failed for user "etl"',
    "Password reset instructions were sent to j***@gmail.com.",
    "Your verification code has expired. Request a new one.",
    "The token expired at 2026-11-27T10:00:00Z; run `acme login` again.",
    '{"token_type": "Bearer", "expires_in": 3600, "scope": "read write"}',
    "usage: prompt_tokens=1843 completion_tokens=512 total_tokens=2355",
    "response = client.messages.create(model=model, max_tokens=4096, messages=msgs)",
    "Secret Santa: draw names on Friday, budget 20 EUR.",
    # code that reads secrets without holding them
    "password = os.environ['DB_PASSWORD']",
    "const key = process.env.STRIPE_SECRET_KEY!;",
    'let token = std::env::var("GITHUB_TOKEN").expect("GITHUB_TOKEN not set");',
    'pw = getpass.getpass("Password: ")',
    "config.filter_parameters += [:password, :token, :secret, :_key, :otp]",
    'TOKEN_RE = re.compile(r"gh[pousr]_[A-Za-z0-9]{36}")',
    '<input type="password" name="password" autocomplete="current-password" required>',
    "password_hash VARCHAR(255) NOT NULL,\napi_token_digest CHAR(64) NULL,",
    "KEY_LENGTH = 32\nNONCE_SIZE = 12\nPBKDF2_ITERATIONS = 600_000",
    "securitySchemes:\n  bearerAuth:\n    type: http\n    scheme: bearer\n    bearerFormat: JWT",
    "Authorization: Basic base64(username:password)",
    "# .gitignore\n.env\n.env.*\n!.env.example\n*.pem\n*.p12",
    'ssh-keygen -t ed25519 -C "you@example.com"  # then add ~/.ssh/id_ed25519.pub to GitHub',
    "kubectl create secret generic api --from-env-file=.env --dry-run=client -o yaml > secret.yaml",
    "aws secretsmanager get-secret-value --secret-id prod/db --query SecretString --output text",
    "vault kv put secret/payments/db password=@password.txt",
    '"dependencies": {\n  "next": "^15.0.3",\n  "react": "19.0.0-rc-66855b96-20241106"\n}',
    "<dependency>\n  <groupId>com.fasterxml.jackson.core</groupId>\n  <artifactId>jackson-databind</artifactId>\n  <version>2.18.1</version>\n</dependency>",
    "npm notice Publishing to https://registry.npmjs.org/ with tag latest and default access",
    "https://codecov.io/gh/acme/platform/branch/main/graph/badge.svg",
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt.",
)


FAMILIES12: dict[str, tuple[Planted, ...]] = {
    "vendor_tokens": _vendor_tokens(),
    "terminal_sessions": _terminal_sessions(),
    "config_formats": _config_formats(),
    "source_code": _source_code(),
    "logs_http_traces": _logs_http_traces(),
    "chat_multilingual": _chat_multilingual(),
    "agent_prose": _agent_prose(),
    "diffs_reviews": _diffs_reviews(),
    "notebooks_data": _notebooks_data(),
    "pasted_docs": _pasted_docs(),
    "encoded_split": _encoded_split(),
    "key_material": _key_material(),
    "urls_history_tools": _urls_history_tools(),
}

FRESH12: tuple[Planted, ...] = tuple(p for family in FAMILIES12.values() for p in family)

_KINDS12 = [p.kind for p in FRESH12]
assert len(_KINDS12) == len(set(_KINDS12)), sorted({k for k in _KINDS12 if _KINDS12.count(k) > 1})
for _p in FRESH12:
    assert _p.secrets, _p.kind
    for _s in _p.secrets:
        assert len(_s) >= 6, (_p.kind, _s)
        assert _s in _p.in_file, (_p.kind, _s)
assert len(set(BENIGN_FRESH12)) == len(BENIGN_FRESH12)
assert not [(_p.kind, _s) for _p in FRESH12 for _s in _p.secrets for _b in BENIGN_FRESH12 if _s in _b], (
    "a look-alike holds a planted secret"
)
