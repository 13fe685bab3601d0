# ruff: noqa: RUF001
"""A fourteenth held-out set of planted secrets and look-alikes (issue 60).

Written on 2026-11-27 by a helper who never saw the redaction rules, their docs, the benchmarks or
the other sample sets. The values are fake, drawn deterministically from SHA-256 of the kind's name
(seed strings prefixed "fresh14:"); vendors' prefixes are built by concatenation so no
secret-shaped literal sits in this file. Each family holds the forms one place of a coding agent's
transcript takes (vendors' tokens, terminal sessions, config files, code, logs, chat, the agent's
own prose, diffs, notebooks, pasted docs, encodings, key material, and other hard cases);
`BENIGN_FRESH14` holds texts that look like secrets and are not.

This set MEASURES only. It must never be used to write or tune rules.
"""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.parse

from tests.secret_samples import Planted, mnemonic, wif

# -- deterministic draws ---------------------------------------------------------------------------

_DIG = "0123456789"
_HEX = "0123456789abcdef"
_UHEX = "0123456789ABCDEF"
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOW = _LOWER + _DIG
_UP = _UPPER + _DIG
_AN = _DIG + _UPPER + _LOWER
_B64 = _AN + "+/"
_URL = _AN + "-_"
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_PWSYM = "!*-_+=.?"


def _bytes(seed: str, n: int) -> bytes:
    """`n` bytes of the SHA-256 stream of `seed` (fresh14:{seed}:0, :1, ...)."""
    out = bytearray()
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"fresh14:{seed}:{i}".encode()).digest()
        i += 1
    return bytes(out[:n])


def _draw(seed: str, alphabet: str, n: int) -> str:
    data = _bytes(seed, 2 * n)
    return "".join(alphabet[((data[2 * j] << 8) | data[2 * j + 1]) % len(alphabet)] for j in range(n))


def _hx(seed: str, n: int) -> str:
    return _draw(seed, _HEX, n)


def _uhx(seed: str, n: int) -> str:
    return _draw(seed, _UHEX, n)


def _dig(seed: str, n: int) -> str:
    return str(1 + _bytes(seed, 1)[0] % 9) + _draw(seed + "#d", _DIG, n - 1)


def _low(seed: str, n: int) -> str:
    return _draw(seed, _LOW, n)


def _lower(seed: str, n: int) -> str:
    return _draw(seed, _LOWER, n)


def _up(seed: str, n: int) -> str:
    return _draw(seed, _UP, n)


def _an(seed: str, n: int) -> str:
    return _draw(seed, _AN, n)


def _b64s(seed: str, n: int) -> str:
    return _draw(seed, _B64, n)


def _url(seed: str, n: int) -> str:
    return _draw(seed, _URL, n)


def _b32(seed: str, n: int) -> str:
    return _draw(seed, _B32, n)


def _b58(seed: str, n: int) -> str:
    return _draw(seed, _B58, n)


def _uuid(seed: str) -> str:
    h = _hx(seed, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:]}"


def _b64(data: bytes | str) -> str:
    return base64.b64encode(data.encode() if isinstance(data, str) else data).decode()


def _b64u(data: bytes | str) -> str:
    return base64.urlsafe_b64encode(data.encode() if isinstance(data, str) else data).decode().rstrip("=")


def _gen(seed: str, n: int, symbols: str = _PWSYM) -> str:
    """A generated password: mostly letters and digits, a few symbols, one of each class, starting
    with a letter or digit."""
    body = _draw(seed + "#0", _AN, 1) + _draw(seed, _AN + _AN + symbols, n - 4)
    extra = _draw(seed + "#u", _UPPER, 1) + _draw(seed + "#n", _DIG, 1) + _draw(seed + "#s", symbols, 1)
    cut = 1 + _bytes(seed + "#c", 1)[0] % max(1, n - 4)
    return body[:cut] + extra + body[cut:]


def _num(seed: str, lo: int, hi: int) -> int:
    return lo + int.from_bytes(_bytes(seed + "#num", 4), "big") % (hi - lo + 1)


def _pick(seed: str, options: tuple[str, ...] | list[str]) -> str:
    return options[_num(seed + "#pick", 0, len(options) - 1)]


_HSYM = "!?.#*@$&"


def _wy(seed: str, word: str) -> str:
    """A person's password: a word, a year, a symbol (Sonnenblume1987!)."""
    return f"{word}{_num(seed, 1961, 2012)}{_pick(seed + 's', _HSYM)}"


def _wn(seed: str, word: str, digits: int = 3) -> str:
    """A word, a few digits and maybe a symbol (pantera747$)."""
    tail = _dig(seed, digits)
    return f"{word}{tail}{_pick(seed + 's', (*_HSYM, '', ''))}"


_LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}


def _leet(seed: str, word: str) -> str:
    """Leetspeak of `word`, a letter kept upper-case, two digits (Dr4g0nF1r3_42)."""
    flips = _bytes(seed, len(word))
    out = "".join(_LEET.get(c, c) if c in _LEET and flips[j] % 3 else c for j, c in enumerate(word))
    return f"{out}{_pick(seed + 'j', ('_', '', '!', '#'))}{_num(seed, 10, 99)}"


def _phrase(seed: str, words: tuple[str, ...], count: int, sep: str = "-") -> str:
    """A passphrase of `count` of `words`, picked by the seed, maybe with a digit."""
    pool = list(words)
    picked = [pool.pop(_num(f"{seed}:{j}", 0, len(pool) - 1)) for j in range(count)]
    return sep.join(picked) + _pick(seed + "d", ("", str(_num(seed, 1, 9)), ""))


def _date(seed: str, name: str, sep: str = "") -> str:
    """A name and a date (Kasia0412, marco.15.03.1988)."""
    day, month = _num(seed + "d", 1, 28), _num(seed + "m", 1, 12)
    year = _num(seed + "y", 1958, 2015)
    form = _num(seed + "f", 0, 2)
    if form == 0:
        return f"{name}{sep}{day:02d}{month:02d}{year % 100:02d}"
    if form == 1:
        return f"{name}{sep}{day:02d}.{month:02d}.{year}"
    return f"{name}{sep}{year}{month:02d}{day:02d}"


_WALKS = ("1qaz2wsx", "1q2w3e4r", "qwerty", "qwertz", "azerty", "zaq12wsx", "asdfgh", "1qazxsw2", "!QAZ2wsx")


def _walk(seed: str) -> str:
    """A keyboard walk, then a number or symbol (1q2w3e4r5t!, Qwertz2019)."""
    walk = _pick(seed, _WALKS)
    if walk[0].isalpha():
        walk = walk[0].upper() + walk[1:]
    return walk + _pick(
        seed + "t", (str(_num(seed, 100, 999)), str(_num(seed, 1990, 2024)) + "!", "#" + str(_num(seed, 1, 99)))
    )


class _Family(list):
    """The kinds of one family, added in order."""

    def add(self, kind: str, line: str, *secrets: str, file_line: str = "") -> None:
        self.append(Planted(kind=kind, line=line, secrets=tuple(secrets), file_line=file_line))


def _gh(middle: str, seed: str) -> str:
    """A GitHub token: gh + p/o/u/s/r + _ + 36 characters."""
    return "gh" + middle + "_" + _an(seed, 36)


def _jwt(seed: str, payload: dict, alg: str = "HS256") -> str:
    head = _b64u(json.dumps({"alg": alg, "typ": "JWT"}, separators=(",", ":")))
    body = _b64u(json.dumps(payload, separators=(",", ":")))
    return f"{head}.{body}.{_url(seed, 43 if alg.startswith('HS') else 342)}"


def _akia(seed: str, prefix: str = "AK" + "IA") -> str:
    return prefix + _draw(seed, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)


def _aws_secret(seed: str) -> str:
    return _draw(seed, _B64, 40)


# -- 1. vendors' and clouds' tokens ------------------------------------------------------------------


def _vendor_tokens() -> tuple[Planted, ...]:
    f = _Family()

    k = "mistral_sdk_client"
    s = _an(k, 32)
    f.add(
        k,
        f'from mistralai import Mistral\n\nclient = Mistral(api_key="{s}")\nresp = client.chat.complete(model="mistral-small-latest", messages=msgs)',
        s,
    )

    k = "perplexity_bearer_curl"
    s = "pp" + "lx-" + _an(k, 48)
    f.add(
        k,
        f'curl -s https://api.perplexity.ai/chat/completions \\\n  -H "Authorization: Bearer {s}" \\\n  -H "Content-Type: application/json" -d @req.json',
        s,
    )

    k = "together_env_local"
    s = _hx(k, 64)
    f.add(
        k,
        f"# .env.local\nNEXT_PUBLIC_APP_NAME=acme-chat\nTOGETHER_API_KEY={s}\nMODEL=meta-llama/Llama-3.3-70B-Instruct-Turbo",
        s,
    )

    k = "cerebras_ts_constructor"
    s = "cs" + "k-" + _low(k, 48)
    f.add(
        k,
        f'const client = new Cerebras({{ apiKey: "{s}" }});\nconst out = await client.chat.completions.create({{ model: "llama3.1-8b", messages }});',
        s,
    )

    k = "elevenlabs_xi_header"
    s = "s" + "k_" + _hx(k, 48)
    f.add(
        k,
        f"curl -X POST https://api.elevenlabs.io/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM \\\n  -H 'xi-api-key: {s}' -H 'Content-Type: application/json' \\\n  -d '{{\"text\": \"Hallo Welt\"}}' --output hallo.mp3",
        s,
    )

    k = "assemblyai_settings_attr"
    s = _hx(k, 32)
    f.add(
        k,
        f'import assemblyai as aai\naai.settings.api_key = "{s}"\ntranscript = aai.Transcriber().transcribe("./standup.m4a")',
        s,
    )

    k = "deepgram_token_scheme"
    s = _hx(k, 40)
    f.add(k, f"Authorization: Token {s}\nContent-Type: audio/wav", s)

    k = "wandb_login_call"
    s = _hx(k, 40)
    f.add(k, f'wandb.login(key="{s}", relogin=True)\nrun = wandb.init(project="ranker", entity="acme-ml")', s)

    k = "yandex_api_key_scheme"
    s = "AQ" + "VN" + _url(k, 36)
    f.add(
        k,
        f'curl https://llm.api.cloud.yandex.net/foundationModels/v1/completion \\\n  -H "Authorization: Api-Key {s}" \\\n  -H "x-folder-id: b1g2rk7q9m3lpe4c8d0v" -d @prompt.json',
        s,
    )

    k = "tencent_credential_ctor"
    s = _an(k, 32)
    f.add(
        k,
        f'cred = credential.Credential("{"AK" + "ID"}{_an(k + "/id", 32)}", "{s}")\nclient = cvm_client.CvmClient(cred, "ap-guangzhou")',
        s,
    )

    k = "baidu_bce_java_credentials"
    s = _hx(k, 32)
    f.add(
        k,
        f'BceClientConfiguration config = new BceClientConfiguration();\nconfig.setCredentials(new DefaultBceCredentials("{_hx(k + "/ak", 32)}", "{s}"));\nconfig.setEndpoint("bj.bcebos.com");',
        s,
    )

    k = "scaleway_init_flags"
    s = _uuid(k)
    f.add(
        k,
        f"scw init access-key=SCW{_up(k + '/ak', 17)} secret-key={s} organization-id={_uuid(k + '/org')} send-telemetry=false",
        s,
    )

    k = "ovh_python_client_kwargs"
    s1, s2 = _an(k, 32), _an(k + "/ck", 32)
    f.add(
        k,
        f"client = ovh.Client(\n    endpoint='ovh-eu',\n    application_key='{_an(k + '/ak', 16)}',\n    application_secret='{s1}',\n    consumer_key='{s2}',\n)",
        s1,
        s2,
    )

    k = "hetzner_actions_env_block"
    s = _an(k, 64)
    f.add(
        k,
        f"    steps:\n      - uses: hetznercloud/setup-hcloud@v1\n      - run: hcloud server list\n        env:\n          HCLOUD_TOKEN: {s}",
        s,
    )

    k = "razorpay_auth_tuple"
    s = _an(k, 24)
    f.add(
        k,
        f'client = razorpay.Client(auth=("{"rzp" + "_live_"}{_an(k + "/id", 14)}", "{s}"))\nclient.set_app_details({{"title": "acme-shop", "version": "2.4"}})',
        s,
    )

    k = "paystack_axios_headers"
    s = "s" + "k_live_" + _hx(k, 40)
    f.add(
        k,
        f"const res = await axios.get('https://api.paystack.co/transaction/verify/' + ref, {{\n  headers: {{ Authorization: `Bearer {s}` }},\n}});",
        s,
    )

    k = "flutterwave_env_trio"
    s1 = "FLW" + "SECK-" + _hx(k, 32) + "-X"
    s2 = "FLW" + "SECK_TEST" + _hx(k + "/enc", 12)
    f.add(k, f"FLW_PUBLIC_KEY=FLWPUBK-{_hx(k + '/pub', 32)}-X\nFLW_SECRET_KEY={s1}\nFLW_ENCRYPTION_KEY={s2}", s1, s2)

    k = "adyen_x_api_key_header"
    s = "AQ" + "E" + _b64s(k, 90) + "==-" + _b64s(k + "/2", 43) + "=-" + _an(k + "/3", 16)
    f.add(
        k,
        f"POST /v71/payments HTTP/1.1\nHost: checkout-test.adyen.com\nX-API-Key: {s}\nContent-Type: application/json",
        s,
    )

    k = "checkout_dotnet_builder"
    s = "s" + "k_sbox_" + _low(k, 26)
    f.add(
        k,
        f'ICheckoutApi api = CheckoutSdk.Builder().StaticKeys()\n    .SecretKey("{s}")\n    .Environment(Environment.Sandbox)\n    .Build();',
        s,
    )

    k = "circleci_token_header"
    s = "CCI" + "PAT_" + _an(k, 22) + "_" + _hx(k + "/2", 40)
    f.add(k, f"curl --request GET --url https://circleci.com/api/v2/me --header 'Circle-Token: {s}'", s)

    k = "codecov_action_with_token"
    s = _uuid(k)
    f.add(
        k,
        f"      - uses: codecov/codecov-action@v4\n        with:\n          files: ./coverage.xml\n          token: {s}\n          fail_ci_if_error: true",
        s,
    )

    k = "drone_inline_env_pair"
    s = _an(k, 32)
    f.add(
        k,
        f"DRONE_SERVER=https://drone.acme.io DRONE_TOKEN={s} drone build ls acme/api --format '{{{{.Number}}}} {{{{.Status}}}}'",
        s,
    )

    k = "rubygems_host_api_key_env"
    s = "ruby" + "gems_" + _hx(k, 48)
    f.add(k, f"GEM_HOST_API_KEY={s} gem push pkg/acme-client-2.3.1.gem", s)

    k = "crates_cargo_login_arg"
    s = "c" + "io" + _an(k, 32)
    f.add(k, f"cargo login {s}\ncargo publish -p acme-parse --dry-run", s)

    k = "nuget_push_api_key_flag"
    s = "o" + "y2" + _low(k, 43)
    f.add(
        k,
        f"dotnet nuget push bin/Release/Acme.Core.3.1.0.nupkg --api-key {s} --source https://api.nuget.org/v3/index.json",
        s,
    )

    k = "jfrog_reference_token_flag"
    s = _b64("reftkn:01:1893456000:" + _an(k, 32)).rstrip("=")
    f.add(k, f"jf config add acme --url=https://acme.jfrog.io --access-token={s} --interactive=false", s)

    k = "datadog_dockerfile_env"
    s1, s2 = _hx(k, 32), _hx(k + "/app", 40)
    f.add(
        k,
        f"FROM python:3.12-slim\nENV DD_API_KEY={s1} \\\n    DD_APP_KEY={s2} \\\n    DD_SITE=datadoghq.eu\nRUN pip install ddtrace",
        s1,
        s2,
    )

    k = "honeycomb_otlp_headers_env"
    s = "hc" + "aik_01" + _low(k, 56)
    f.add(
        k,
        f'OTEL_EXPORTER_OTLP_ENDPOINT="https://api.eu1.honeycomb.io"\nOTEL_EXPORTER_OTLP_HEADERS="x-honeycomb-team={s}"',
        s,
    )

    k = "betterstack_ruby_logger"
    s = _an(k, 24)
    f.add(
        k,
        f'Rails.logger = Logtail::Logger.create_default_logger("{s}", ingesting_host: "s1234.eu-nbg-2.betterstackdata.com")',
        s,
    )

    k = "pagerduty_events_body"
    s = _an(k, 32)
    f.add(
        k,
        f'curl -X POST https://events.pagerduty.com/v2/enqueue -H \'Content-Type: application/json\' -d \'{{"routing_key": "{s}", "event_action": "trigger", "payload": {{"summary": "disk 95%", "source": "db-2", "severity": "critical"}}}}\'',
        s,
    )

    k = "pusher_php_constructor"
    s = _hx(k, 20)
    f.add(
        k,
        f"$pusher = new Pusher\\Pusher('{_hx(k + '/key', 20)}', '{s}', '1758342', ['cluster' => 'eu', 'useTLS' => true]);",
        s,
    )

    k = "ably_key_secret_part"
    s = _url(k, 43)
    f.add(k, f"const ably = new Ably.Realtime({{ key: 'xVLyHw.A-pwh7:{s}', clientId: 'web-42' }});", s)

    k = "matrix_syt_bearer"
    s = "sy" + "t_" + _b64u("deploybot") + "_" + _an(k, 20) + "_" + _an(k + "/2", 6)
    f.add(
        k,
        f'curl -X PUT -H \'Authorization: Bearer {s}\' https://matrix.acme.org/_matrix/client/v3/rooms/!ops:acme.org/send/m.room.message/42 -d \'{{"msgtype":"m.text","body":"deploy ok"}}\'',
        s,
    )

    k = "asana_pat_access_token"
    s = f"2/{_dig(k + '/a', 16)}/{_dig(k + '/b', 16)}:{_hx(k, 32)}"
    f.add(k, f'client = asana.Client.access_token("{s}")\nme = client.users.me()', s)

    k = "clickup_pk_header"
    s = "p" + "k_" + _dig(k + "/n", 8) + "_" + _up(k, 32)
    f.add(k, f'requests.get("https://api.clickup.com/api/v2/team", headers={{"Authorization": "{s}"}})', s)

    k = "cloudflare_global_key_headers"
    s = _hx(k, 37)
    f.add(
        k,
        f'curl "https://api.cloudflare.com/client/v4/zones?name=acme.io" \\\n  -H "X-Auth-Email: ops@acme.io" \\\n  -H "X-Auth-Key: {s}"',
        s,
    )

    k = "fly_api_token_env"
    s = "Fly" + "V1 fm2_" + _b64s(k, 220)
    f.add(k, f'FLY_API_TOKEN="{s}" flyctl deploy --remote-only', s[len("FlyV1 ") :])

    k = "octopus_api_key_header"
    s = "AP" + "I-" + _up(k, 26)
    f.add(
        k,
        f"Invoke-RestMethod -Uri https://deploy.acme.local/api/projects -Headers @{{ 'X-Octopus-ApiKey' = '{s}' }}",
        s,
    )

    k = "azure_devops_ext_pat"
    s = _low(k, 52)
    f.add(
        k,
        f"$env:AZURE_DEVOPS_EXT_PAT = '{s}'\naz devops configure --defaults organization=https://dev.azure.com/acme",
        s,
    )

    k = "postmark_server_token_header"
    s = _uuid(k)
    f.add(k, f"Accept: application/json\nX-Postmark-Server-Token: {s}", s)

    k = "launchdarkly_go_sdk_key"
    s = "s" + "dk-" + _uuid(k)
    f.add(k, f'client, err := ld.MakeClient("{s}", 5*time.Second)', s)

    k = "cloudinary_url_env"
    s = _url(k, 27)
    f.add(k, f"CLOUDINARY_URL=cloudinary://{_dig(k + '/id', 15)}:{s}@acme-media", s)

    k = "fcm_legacy_key_header"
    s = "AA" + "AA" + _url(k, 7) + ":APA91b" + _url(k + "/2", 134)
    f.add(k, f"POST https://fcm.googleapis.com/fcm/send\nAuthorization: key={s}\nContent-Type: application/json", s)

    k = "modal_token_set_flags"
    s = "a" + "s-" + _an(k, 22)
    f.add(k, f"modal token set --token-id ak-{_an(k + '/id', 22)} --token-secret {s} --profile acme", s)

    k = "azure_openai_api_key_header"
    s = _hx(k, 32)
    f.add(
        k,
        f"POST https://acme-oai.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21\napi-key: {s}",
        s,
    )

    return tuple(f)


# -- 2. terminal sessions ---------------------------------------------------------------------------


def _terminal_sessions() -> tuple[Planted, ...]:
    f = _Family()

    k = "aws_sts_assume_role_json"
    s1, s2 = _aws_secret(k), "IQoJb3JpZ2luX2Vj" + _b64s(k + "/tok", 300)
    f.add(
        k,
        f'$ aws sts assume-role --role-arn arn:aws:iam::123456789012:role/deployer --role-session-name ci\n{{\n    "Credentials": {{\n        "AccessKeyId": "{_akia(k, "AS" + "IA")}",\n        "SecretAccessKey": "{s1}",\n        "SessionToken": "{s2}",\n        "Expiration": "2026-11-27T14:03:11+00:00"\n    }}\n}}',
        s1,
        s2,
    )

    k = "aws_configure_prompts"
    s = _aws_secret(k)
    f.add(
        k,
        f"$ aws configure --profile staging\nAWS Access Key ID [None]: {_akia(k)}\nAWS Secret Access Key [None]: {s}\nDefault region name [None]: eu-central-1\nDefault output format [None]: json",
        s,
    )

    k = "gcloud_print_access_token"
    s = "ya" + "29." + _url(k, 180)
    f.add(
        k,
        f'$ gcloud auth print-access-token\n{s}\n$ curl -H "Authorization: Bearer $(gcloud auth print-access-token)" https://storage.googleapis.com/storage/v1/b?project=acme',
        s,
    )

    k = "az_sp_create_for_rbac"
    s = _an(k, 3) + "8Q~" + _url(k + "/2", 34)
    f.add(
        k,
        f'$ az ad sp create-for-rbac --name gh-deployer --role contributor --scopes /subscriptions/{_uuid(k + "/sub")}\n{{\n  "appId": "{_uuid(k + "/app")}",\n  "displayName": "gh-deployer",\n  "password": "{s}",\n  "tenant": "{_uuid(k + "/tenant")}"\n}}',
        s,
    )

    k = "az_get_access_token_json"
    s = _jwt(k, {"aud": "https://management.azure.com/", "iss": "https://sts.windows.net/t/", "oid": "u-42"}, "RS256")
    f.add(
        k,
        f'PS> az account get-access-token --output json\n{{\n  "accessToken": "{s}",\n  "expiresOn": "2026-11-27 15:10:42.000000",\n  "tokenType": "Bearer"\n}}',
        s,
    )

    k = "vault_login_table"
    s = "hv" + "s.CAESI" + _url(k, 90)
    f.add(
        k,
        f'$ vault login -method=oidc role=dev\nSuccess! You are now authenticated.\n\nKey                  Value\n---                  -----\ntoken                {s}\ntoken_accessor       {_an(k + "/acc", 24)}\ntoken_duration       768h\ntoken_policies       ["default" "dev"]',
        s,
    )

    k = "vault_kv_get_table"
    s = _gen(k, 22)
    f.add(
        k,
        f"$ vault kv get secret/billing/postgres\n====== Data ======\nKey         Value\n---         -----\nhost        pg-billing.internal\npassword    {s}\nusername    billing_rw",
        s,
    )

    k = "kubectl_secret_yaml_data"
    p = _gen(k, 18)
    s = _b64(p)
    f.add(
        k,
        f"$ kubectl get secret smtp-creds -o yaml\napiVersion: v1\ndata:\n  SMTP_PASSWORD: {s}\n  SMTP_USER: bm90aWZ5QGFjbWUuaW8=\nkind: Secret\nmetadata:\n  name: smtp-creds",
        s,
    )

    k = "kubectl_describe_pod_env"
    s = _gen(k, 20)
    f.add(
        k,
        f"$ kubectl describe pod api-7d9c6b5f4-x2lqk\n...\n    Environment:\n      DATABASE_HOST:      pg.prod.svc\n      DATABASE_USER:      api\n      DATABASE_PASS:      {s}\n      REDIS_URL:          <set to the key 'url' in secret 'redis'>  Optional: false",
        s,
    )

    k = "docker_inspect_env_array"
    s = _gen(k, 16)
    f.add(
        k,
        f'$ docker inspect --format \'{{{{json .Config.Env}}}}\' keycloak | jq .\n[\n  "KC_DB=postgres",\n  "KC_DB_USERNAME=keycloak",\n  "KC_DB_PASSWORD={s}",\n  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"\n]',
        s,
    )

    k = "docker_login_p_warning"
    s = _wy(k, "Kiefernzapfen")
    f.add(
        k,
        f"$ docker login registry.acme.io -u ci-bot -p '{s}'\nWARNING! Using --password via the CLI is insecure. Use --password-stdin.\nLogin Succeeded",
        s,
    )

    k = "pgpassword_psql_prefix"
    s = _gen(k, 18)
    f.add(
        k,
        f"$ PGPASSWORD='{s}' psql -h 10.0.4.12 -U reporting -d analytics -c 'select count(*) from events'\n  count\n---------\n 8812331\n(1 row)",
        s,
    )

    k = "mysql_cli_warning"
    s = _wn(k, "Tequila", 4)
    f.add(
        k,
        f"$ mysql -h db-1.internal -u root --password='{s}' -e 'SHOW DATABASES'\nmysql: [Warning] Using a password on the command line interface can be insecure.\n+--------------------+\n| Database           |",
        s,
    )

    k = "mongosh_srv_uri"
    s = _an(k, 16)
    f.add(
        k,
        f'$ mongosh "mongodb+srv://analyst:{s}@cluster0.x7k2p.mongodb.net/reports?retryWrites=true"\nCurrent Mongosh Log ID: 6746f1c2a9e1b3d4c5f60718\nConnecting to: mongodb+srv://<credentials>@cluster0.x7k2p.mongodb.net/reports',
        s,
    )

    k = "redis_cli_a_warning"
    s = _an(k, 24)
    f.add(
        k,
        f"$ redis-cli -h cache.internal -a {s} --no-auth-warning INFO keyspace\n# Keyspace\ndb0:keys=18233,expires=1201,avg_ttl=86112",
        s,
    )

    k = "redis_auth_interactive"
    s = _gen(k, 20)
    f.add(k, f"$ redis-cli -h 10.1.2.9\n10.1.2.9:6379> AUTH default {s}\nOK\n10.1.2.9:6379> DBSIZE\n(integer) 4421", s)

    k = "sqlcmd_sa_flags"
    s = _wy(k, "Sommerregen")
    f.add(k, f'PS C:\\> sqlcmd -S tcp:sql01.corp.local,1433 -U sa -P "{s}" -Q "SELECT name FROM sys.databases"', s)

    k = "sshpass_one_liner"
    s = _date(k, "marina", ".")
    f.add(
        k,
        f"$ sshpass -p '{s}' ssh -o StrictHostKeyChecking=no pi@192.168.1.40 'uptime'\n 14:22:01 up 12 days,  3:41,  1 user,  load average: 0.08, 0.03, 0.01",
        s,
    )

    k = "git_remote_v_token"
    s = _gh("p", k)
    f.add(
        k,
        f"$ git remote -v\norigin\thttps://marta-k:{s}@github.com/acme/infra.git (fetch)\norigin\thttps://marta-k:{s}@github.com/acme/infra.git (push)",
        s,
    )

    k = "git_clone_oauth2_gitlab"
    s = "gl" + "pat-" + _url(k, 20)
    f.add(
        k,
        f"$ git clone https://oauth2:{s}@gitlab.acme.io/platform/terraform-modules.git\nCloning into 'terraform-modules'...",
        s,
    )

    k = "git_config_list_insteadof"
    s = "gh" + "s_" + _an(k, 36)
    f.add(
        k,
        f"$ git config --list --show-origin | grep url\nfile:/home/runner/.gitconfig\turl.https://x-access-token:{s}@github.com/.insteadof=https://github.com/",
        s,
    )

    k = "cat_git_credentials"
    s1, s2 = _gh("p", k), _wn(k + "/bb", "Zaragoza", 4)
    f.add(k, f"$ cat ~/.git-credentials\nhttps://dev-lukas:{s1}@github.com\nhttps://lukas.m:{s2}@bitbucket.org", s1, s2)

    k = "env_sort_dump"
    s1, s2, s3 = _gen(k, 20), "s" + "k_live_" + _an(k + "/stripe", 99), _hx(k + "/sess", 64)
    f.add(
        k,
        f"$ env | sort\nHOME=/app\nHOSTNAME=web-5f6c8d\nNODE_ENV=production\nPG_PASSWORD={s1}\nPORT=3000\nSESSION_SECRET={s3}\nSTRIPE_KEY={s2}\nTZ=UTC",
        s1,
        s2,
        s3,
    )

    k = "printenv_grep_key"
    s1, s2 = _hx(k, 32), _an(k + "/2", 40)
    f.add(k, f"$ printenv | grep -i key\nSENDGRID_KEY_ID=4f2a91\nALGOLIA_ADMIN_KEY={s1}\nMINIO_SECRET_KEY={s2}", s1, s2)

    k = "shell_history_tail"
    s1, s2 = _wy(k, "Mariposa"), _an(k + "/tok", 32)
    f.add(
        k,
        f"$ history | tail -n 5\n  501  ssh deploy@10.0.0.7\n  502  curl -u admin:{s1} http://10.0.0.7:9200/_cat/indices\n  503  export NEXUS_TOKEN={s2}\n  504  ./publish.sh\n  505  history | tail -n 5",
        s1,
        s2,
    )

    k = "curl_verbose_basic_header"
    s = _b64("jenkins:" + _gen(k, 16))
    f.add(
        k,
        f"$ curl -v -u jenkins:**** https://ci.acme.io/api/json\n*   Trying 10.2.0.15:443...\n> GET /api/json HTTP/2\n> Host: ci.acme.io\n> Authorization: Basic {s}\n> User-Agent: curl/8.5.0\n< HTTP/2 200",
        s,
    )

    k = "httpie_bearer_item"
    s = _url(k, 40)
    f.add(
        k,
        f"$ http POST https://api.acme.io/v2/deploys Authorization:'Bearer {s}' service=web ref=main\nHTTP/1.1 201 Created",
        s,
    )

    k = "smbclient_domain_percent"
    s = _wy(k, "Hafenkran")
    f.add(k, f"$ smbclient //fs01/finance -U 'CORP\\j.meyer%{s}' -c 'ls'", s)

    k = "mount_cifs_options"
    s = _leet(k, "seagull")
    f.add(k, f"$ sudo mount -t cifs //192.168.0.5/media /mnt/media -o username=kodi,password={s},uid=1000,vers=3.0", s)

    k = "openssl_pkcs12_passout"
    s = _gen(k, 18)
    f.add(k, f"$ openssl pkcs12 -export -in cert.pem -inkey key.pem -out bundle.p12 -name api -passout pass:{s}", s)

    k = "keytool_storepass_keypass"
    s1, s2 = _wn(k, "changeit_prod", 3), _gen(k + "/key", 16)
    f.add(
        k,
        f"$ keytool -importkeystore -srckeystore bundle.p12 -srcstoretype PKCS12 -destkeystore api.jks -storepass {s1} -keypass {s2} -noprompt",
        s1,
        s2,
    )

    k = "gpg_batch_passphrase"
    s = _phrase(k, ("correct", "orbit", "velvet", "lantern", "quartz", "mosaic", "harbor", "ember"), 4)
    f.add(
        k, f"$ gpg --batch --yes --pinentry-mode loopback --passphrase '{s}' --decrypt backups.tar.gz.gpg | tar xz", s
    )

    k = "minio_mc_alias_set"
    s = _an(k, 40)
    f.add(k, f"$ mc alias set backup https://s3.home.lan:9000 backupadmin {s}\nAdded `backup` successfully.", s)

    k = "terraform_output_sensitive_raw"
    s = _gen(k, 24)
    f.add(k, f"$ terraform output -raw db_admin_password\n{s}$ ", s)

    k = "gh_auth_status_show_token"
    s = _gh("o", k)
    f.add(
        k,
        f"$ gh auth status --show-token\ngithub.com\n  ✓ Logged in to github.com account marta-k (keyring)\n  - Active account: true\n  - Git operations protocol: https\n  - Token: {s}\n  - Token scopes: 'gist', 'read:org', 'repo', 'workflow'",
        s,
    )

    k = "echo_pipe_sudo_s"
    s = _date(k, "Benedikt")
    f.add(k, f"$ echo '{s}' | sudo -S systemctl restart nginx\n[sudo] password for ben: ", s)

    k = "nmcli_wifi_connect"
    s = _phrase(k, ("Kaffee", "Tasse", "Wolke", "Fahrrad", "Garten", "Bahnhof"), 3, "")
    f.add(
        k,
        f"$ nmcli dev wifi connect \"FRITZ!Box 7590 XQ\" password \"{s}\"\nDevice 'wlp2s0' successfully activated with 'b1c2d3e4-...'.",
        s,
    )

    k = "wpa_passphrase_output"
    plain = _wy(k, "Lighthouse")
    psk = _hx(k, 64)
    f.add(
        k,
        f'$ wpa_passphrase HomeNet-5G "{plain}"\nnetwork={{\n\tssid="HomeNet-5G"\n\t#psk="{plain}"\n\tpsk={psk}\n}}',
        plain,
        psk,
    )

    k = "kubectl_from_literal"
    s = _gen(k, 22)
    f.add(
        k,
        f"$ kubectl -n payments create secret generic stripe --from-literal=webhook-secret={'wh' + 'sec_' + s}\nsecret/stripe created",
        s,
    )

    k = "az_storage_keys_table"
    s1, s2 = _b64s(k, 86) + "==", _b64s(k + "/2", 86) + "=="
    f.add(
        k,
        f"$ az storage account keys list -g rg-data -n acmedatalake -o table\nCreationTime                      KeyName    Permissions    Value\n--------------------------------  ---------  -------------  {'-' * 88}\n2026-03-02T09:14:22.511437+00:00  key1       FULL           {s1}\n2026-03-02T09:14:22.511437+00:00  key2       FULL           {s2}",
        s1,
        s2,
    )

    k = "consul_acl_token_create"
    s = _uuid(k)
    f.add(
        k,
        f"$ consul acl token create -description 'nomad server' -policy-name nomad-server\nAccessorID:       {_uuid(k + '/acc')}\nSecretID:         {s}\nDescription:      nomad server\nLocal:            false",
        s,
    )

    k = "ldapsearch_w_flag"
    s = _wy(k, "Bergamotte")
    f.add(
        k,
        f"$ ldapsearch -x -H ldaps://ldap.corp.local -D 'cn=svc-jira,ou=services,dc=corp,dc=local' -w '{s}' -b 'dc=corp,dc=local' '(uid=mkoch)'",
        s,
    )

    k = "jenkins_initial_admin_cat"
    s = _hx(k, 32)
    f.add(k, f"$ docker exec jenkins cat /var/jenkins_home/secrets/initialAdminPassword\n{s}", s)

    k = "gitlab_initial_root_password"
    s = _b64s(k, 43) + "="
    f.add(
        k,
        f"$ sudo cat /etc/gitlab/initial_root_password\n# WARNING: This value is valid only in the following conditions\n#          1. If provided manually ...\n\nPassword: {s}\n\n# NOTE: This file will be automatically deleted in the first reconfigure run after 24 hours.",
        s,
    )

    k = "argocd_initial_admin_decode"
    s = _url(k, 16)
    f.add(
        k,
        f'$ kubectl -n argocd get secret argocd-initial-admin-secret -o jsonpath="{{.data.password}}" | base64 -d; echo\n{s}',
        s,
    )

    return tuple(f)


# -- 3. config formats -------------------------------------------------------------------------------


def _config_formats() -> tuple[Planted, ...]:
    f = _Family()

    k = "spring_yaml_datasource"
    s = _gen(k, 18)
    f.add(
        k,
        f"spring:\n  datasource:\n    url: jdbc:postgresql://pg-orders:5432/orders\n    username: orders_app\n    password: '{s}'\n  jpa:\n    open-in-view: false",
        s,
    )

    k = "cargo_credentials_toml"
    s = "c" + "io" + _an(k, 32)
    f.add(k, f'# ~/.cargo/credentials.toml\n[registry]\ntoken = "{s}"', s)

    k = "odbc_ini_dsn"
    s = _wy(k, "Lagerhaus")
    f.add(
        k,
        f"[WarehouseDSN]\nDriver      = ODBC Driver 18 for SQL Server\nServer      = tcp:sql-wh.corp.local,1433\nDatabase    = Warehouse\nUID         = etl_reader\nPWD         = {s}\nEncrypt     = yes",
        s,
    )

    k = "kafka_properties_jaas"
    s = _an(k, 32)
    f.add(
        k,
        f'bootstrap.servers=pkc-12x9q.eu-west-1.aws.confluent.cloud:9092\nsecurity.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="{_up(k + "/u", 16)}" password="{s}";',
        s,
    )

    k = "maven_settings_server"
    s = _gen(k, 20)
    f.add(
        k,
        f"<settings>\n  <servers>\n    <server>\n      <id>acme-releases</id>\n      <username>deployer</username>\n      <password>{s}</password>\n    </server>\n  </servers>\n</settings>",
        s,
    )

    k = "tomcat_users_xml"
    s = _wn(k, "manager_Tomcat", 3)
    f.add(
        k,
        f'<tomcat-users>\n  <role rolename="manager-gui"/>\n  <user username="tcadmin" password="{s}" roles="manager-gui,admin-gui"/>\n</tomcat-users>',
        s,
    )

    k = "web_config_connection_strings"
    s = _gen(k, 18)
    f.add(
        k,
        f'<connectionStrings>\n  <add name="Default" connectionString="Data Source=sql02;Initial Catalog=Crm;User ID=crm_web;Password={s};MultipleActiveResultSets=True" providerName="System.Data.SqlClient" />\n</connectionStrings>',
        s,
    )

    k = "terraform_provider_block"
    s = _gen(k, 20)
    f.add(
        k,
        f'provider "postgresql" {{\n  host     = "pg.internal"\n  port     = 5432\n  username = "tf_admin"\n  password = "{s}"\n  sslmode  = "require"\n}}',
        s,
    )

    k = "vault_hcl_seal_transit"
    s = "hv" + "s." + _url(k, 24)
    f.add(
        k,
        f'seal "transit" {{\n  address    = "https://vault-root.internal:8200"\n  token      = "{s}"\n  key_name   = "autounseal"\n  mount_path = "transit/"\n}}',
        s,
    )

    k = "json5_devserver_proxy"
    s = _url(k, 32)
    f.add(
        k,
        f"// proxy.conf.json5\n{{\n  '/api': {{\n    target: 'https://staging.acme.io',\n    changeOrigin: true,\n    headers: {{ 'X-Api-Key': '{s}' }}, // staging key\n  }},\n}}",
        s,
    )

    k = "nginx_proxy_set_header_basic"
    s = _b64("grafana-proxy:" + _gen(k, 16))
    f.add(
        k,
        f'location /grafana/ {{\n    proxy_pass http://127.0.0.1:3000/;\n    proxy_set_header Authorization "Basic {s}";\n    proxy_set_header Host $host;\n}}',
        s,
    )

    k = "systemd_environment_line"
    s = _an(k, 40)
    f.add(
        k,
        f'[Service]\nUser=worker\nEnvironment="QUEUE_URL=amqp://worker@mq.internal:5672/%%2f" "WORKER_API_TOKEN={s}"\nExecStart=/opt/worker/bin/worker --concurrency 8\nRestart=on-failure',
        s,
    )

    k = "compose_environment_map"
    s1, s2 = _gen(k, 18), _gen(k + "/root", 18)
    f.add(
        k,
        f"services:\n  db:\n    image: mariadb:11\n    environment:\n      MARIADB_USER: wiki\n      MARIADB_PASSWORD: {s1}\n      MARIADB_ROOT_PASSWORD: {s2}\n    volumes:\n      - db:/var/lib/mysql",
        s1,
        s2,
    )

    k = "k8s_secret_string_data"
    s = "postgres://app:" + _an(k, 20) + "@pg-rw.db.svc:5432/app"
    f.add(
        k,
        f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-db\ntype: Opaque\nstringData:\n  DATABASE_URL: {s}",
        s[len("postgres://app:") : len("postgres://app:") + 20],
    )

    k = "helm_values_redis_auth"
    s = _gen(k, 20)
    f.add(
        k,
        f'redis:\n  enabled: true\n  architecture: standalone\n  auth:\n    enabled: true\n    password: "{s}"\n  master:\n    persistence:\n      size: 8Gi',
        s,
    )

    k = "ansible_become_vars"
    s1, s2 = _wy(k, "Ziegelstein"), _gen(k + "/ssh", 16)
    f.add(
        k,
        f'# group_vars/dbservers.yml\nansible_user: ops\nansible_password: {s2}\nansible_become: true\nansible_become_password: "{s1}"',
        s1,
        s2,
    )

    k = "npmrc_scoped_registry"
    s = "np" + "m_" + _an(k, 36)
    f.add(
        k,
        f"@acme:registry=https://npm.pkg.github.com\n//registry.npmjs.org/:always-auth=true\n//registry.npmjs.org/:_authToken={s}",
        s,
    )

    k = "pypirc_testpypi_password"
    s = "py" + "pi-AgENdGVzdC5weXBpLm9yZw" + _url(k, 120)
    f.add(
        k,
        f"[distutils]\nindex-servers =\n    pypi\n    testpypi\n\n[testpypi]\nrepository = https://test.pypi.org/legacy/\nusername = __token__\npassword = {s}",
        s,
    )

    k = "netrc_single_line_default"
    s = _gen(k, 20)
    f.add(k, f"machine artifacts.acme.io login ci-reader password {s}\ndefault login anonymous password guest@", s)

    k = "pgpass_lines"
    s1, s2 = _gen(k, 16), _wn(k + "/2", "Mitternacht", 2)
    f.add(
        k,
        f"# hostname:port:database:username:password\npg-primary.internal:5432:*:replicator:{s1}\nlocalhost:5432:dev:henrik:{s2}",
        s1,
        s2,
    )

    k = "my_cnf_client_section"
    s = _gen(k, 18)
    f.add(k, f'[client]\nuser=backup\npassword="{s}"\nhost=127.0.0.1\n\n[mysqldump]\nsingle-transaction', s)

    k = "jdbc_oracle_thin_inline"
    s = _an(k, 14)
    f.add(k, f"db.url=jdbc:oracle:thin:hr_app/{s}@//ora-scan.corp.local:1521/HRPDB", s)

    k = "sqlserver_ado_trusted_false"
    s = _wy(k, "Tulipano")
    f.add(
        k,
        f'"ConnectionStrings": {{\n  "Reporting": "Server=tcp:acme-sql.database.windows.net,1433;Initial Catalog=reporting;Persist Security Info=False;User ID=rpt;Password={s};Encrypt=True;"\n}}',
        s,
    )

    k = "rediss_url_empty_user"
    s = _an(k, 32)
    f.add(k, f"CACHE_URL=rediss://:{s}@cache-euw.redis.cache.windows.net:6380/0?ssl_cert_reqs=required", s)

    k = "amqps_url_vhost"
    s = _url(k, 24)
    f.add(
        k,
        f"celery:\n  broker_url: amqps://orders:{s}@b-4f1c.mq.eu-west-1.amazonaws.com:5671/orders\n  result_backend: rpc://",
        s,
    )

    k = "cassandra_yaml_auth"
    s = _gen(k, 16)
    f.add(
        k,
        f'datastax-java-driver {{\n  basic.contact-points = ["10.0.8.11:9042"]\n  advanced.auth-provider {{\n    class = PlainTextAuthProvider\n    username = metrics\n    password = "{s}"\n  }}\n}}',
        s,
    )

    k = "clickhouse_users_xml"
    s = _gen(k, 16)
    f.add(
        k,
        f"<clickhouse>\n  <users>\n    <grafana>\n      <password>{s}</password>\n      <networks><ip>10.0.0.0/8</ip></networks>\n      <profile>readonly</profile>\n    </grafana>\n  </users>\n</clickhouse>",
        s,
    )

    k = "snowflake_connections_toml"
    s = _gen(k, 20)
    f.add(
        k,
        f'[connections.etl]\naccount = "xy12345.eu-central-1"\nuser = "ETL_USER"\npassword = "{s}"\nwarehouse = "LOAD_WH"\nrole = "LOADER"',
        s,
    )

    k = "filebeat_cloud_auth"
    s = _an(k, 24)
    f.add(
        k,
        f'cloud.id: "acme-logs:ZXUtd2VzdC0xLmF3cy5mb3VuZC5pbyRhYmMxMjMkZGVmNDU2"\ncloud.auth: "elastic:{s}"\nfilebeat.inputs:\n  - type: filestream',
        s,
    )

    k = "composer_auth_json"
    s = _gen(k, 20)
    f.add(
        k,
        f'{{\n    "http-basic": {{\n        "repo.packagist.com": {{\n            "username": "token",\n            "password": "{s}"\n        }}\n    }}\n}}',
        s,
    )

    k = "pip_conf_index_url"
    s = _an(k, 24)
    f.add(k, f"[global]\nindex-url = https://pypi-reader:{s}@nexus.acme.io/repository/pypi-all/simple\ntimeout = 60", s)

    k = "s3cfg_secret_key"
    s = _aws_secret(k)
    f.add(
        k,
        f"[default]\naccess_key = {_akia(k)}\nsecret_key = {s}\nhost_base = s3.eu-central-1.wasabisys.com\nhost_bucket = %(bucket)s.s3.eu-central-1.wasabisys.com",
        s,
    )

    k = "aws_credentials_session_token"
    s1, s2 = _aws_secret(k), "FwoGZXIvYXdzE" + _b64s(k + "/t", 200)
    f.add(
        k,
        f"[mfa]\naws_access_key_id = {_akia(k, 'AS' + 'IA')}\naws_secret_access_key = {s1}\naws_session_token = {s2}",
        s1,
        s2,
    )

    k = "gh_hosts_yml"
    s = _gh("o", k)
    f.add(
        k,
        f"github.com:\n    users:\n        marta-k:\n            oauth_token: {s}\n    git_protocol: https\n    oauth_token: {s}\n    user: marta-k",
        s,
    )

    k = "terraformrc_credentials"
    s = _an(k, 14) + ".atlas" + "v1." + _an(k + "/2", 67)
    f.add(k, f'credentials "app.terraform.io" {{\n  token = "{s}"\n}}', s)

    k = "postfix_sasl_passwd"
    s = _an(k, 16)
    f.add(k, f"# /etc/postfix/sasl_passwd\n[smtp.eu.mailgun.org]:587 postmaster@mg.acme.io:{s}", s)

    k = "msmtprc_account"
    s = _lower(k, 16)
    f.add(
        k,
        f"account gmail\nhost smtp.gmail.com\nport 587\nfrom jonas.alerts@gmail.com\nuser jonas.alerts@gmail.com\npassword {s[:4]} {s[4:8]} {s[8:12]} {s[12:]}",
        f"{s[:4]} {s[4:8]} {s[8:12]} {s[12:]}",
    )

    k = "openvpn_auth_user_pass_file"
    s = _wy(k, "Nordlicht")
    f.add(k, f"$ cat /etc/openvpn/client/auth.txt\nvpn.k.weber\n{s}", s, file_line=f"vpn.k.weber\n{s}\n")

    k = "hostapd_wpa_passphrase"
    s = _phrase(k, ("banana", "rocket", "pillow", "tundra", "cactus", "meteor", "violin"), 4, "")
    f.add(k, f"interface=wlan0\nssid=GardenShed\nhw_mode=g\nwpa=2\nwpa_passphrase={s}\nwpa_key_mgmt=WPA-PSK", s)

    k = "redis_conf_requirepass"
    s = _hx(k, 48)
    f.add(k, f"bind 127.0.0.1 -::1\nprotected-mode yes\nrequirepass {s}\nmaxmemory 2gb", s)

    k = "prometheus_basic_auth_block"
    s = _gen(k, 20)
    f.add(
        k,
        f"scrape_configs:\n  - job_name: pushgateway\n    scheme: https\n    basic_auth:\n      username: prom\n      password: {s}\n    static_configs:\n      - targets: ['push.acme.io']",
        s,
    )

    k = "haproxy_userlist_insecure"
    s = _wy(k, "Stats")
    f.add(
        k,
        f"userlist stats-users\n    user admin insecure-password {s}\n\nlisten stats\n    bind :8404\n    stats enable\n    acl auth_ok http_auth(stats-users)",
        s,
    )

    k = "laravel_env_app_key"
    s1, s2 = "base64:" + _b64(_bytes(k, 32)), _gen(k + "/db", 18)
    f.add(
        k,
        f"APP_NAME=Shop\nAPP_ENV=production\nAPP_KEY={s1}\nDB_CONNECTION=mysql\nDB_USERNAME=shop\nDB_PASSWORD={s2}",
        s1[len("base64:") :],
        s2,
    )

    k = "traefik_basicauth_label"
    h = _url(k + "/h", 22).replace("-", ".").replace("_", "/")
    s = "$$apr1$$" + _an(k, 8) + "$$" + h
    f.add(
        k,
        f'    labels:\n      - "traefik.http.middlewares.auth.basicauth.users=admin:{s}"\n      - "traefik.http.routers.dash.middlewares=auth"',
        h,
    )

    k = "pgbouncer_userlist_md5"
    s = "md5" + _hx(k, 32)
    f.add(
        k,
        f'; /etc/pgbouncer/userlist.txt\n"app" "{s}"\n"stats" "SCRAM-SHA-256$4096:{_b64(_bytes(k + "/salt", 16))}${_b64(_bytes(k + "/ck", 32))}:{_b64(_bytes(k + "/sk", 32))}"',
        s,
        _b64(_bytes(k + "/ck", 32)),
        _b64(_bytes(k + "/sk", 32)),
    )

    return tuple(f)


# -- 4. source code ----------------------------------------------------------------------------------


def _source_code() -> tuple[Planted, ...]:
    f = _Family()

    k = "go_struct_literal"
    s = _gen(k, 18)
    f.add(
        k,
        f'cfg := mysql.Config{{\n\tUser:                 "orders",\n\tPasswd:               "{s}",\n\tNet:                  "tcp",\n\tAddr:                 "10.0.5.3:3306",\n\tDBName:               "orders",\n\tAllowNativePasswords: true,\n}}',
        s,
    )

    k = "rust_const_str"
    s = _an(k, 40)
    f.add(k, f'const INGEST_TOKEN: &str = "{s}";\n\nfn client() -> reqwest::Client {{ reqwest::Client::new() }}', s)

    k = "java_value_default"
    s = _gen(k, 20)
    f.add(k, f'@Value("${{payments.webhook-secret:{s}}}")\nprivate String webhookSecret;', s)

    k = "kotlin_companion_object"
    s = _hx(k, 32)
    f.add(
        k,
        f'companion object {{\n    private const val TAG = "SyncWorker"\n    private const val SIGNING_SECRET = "{s}"\n}}',
        s,
    )

    k = "swift_static_let"
    s = _an(k, 32)
    f.add(k, f'enum Secrets {{\n    static let revenueCatKey = "{s}"\n    static let environment = "production"\n}}', s)

    k = "csharp_network_credential"
    s = _wy(k, "Winterberg")
    f.add(
        k,
        f'var smtp = new SmtpClient("mail.corp.local", 587)\n{{\n    Credentials = new NetworkCredential("noreply@corp.local", "{s}"),\n    EnableSsl = true,\n}};',
        s,
    )

    k = "php_define_constants"
    s1, s2 = _gen(k, 18), _b64s(k + "/salt", 64)
    f.add(
        k,
        f"define( 'DB_NAME', 'wp_blog' );\ndefine( 'DB_USER', 'wp_blog' );\ndefine( 'DB_PASSWORD', '{s1}' );\ndefine( 'AUTH_SALT', '{s2}' );",
        s1,
        s2,
    )

    k = "ruby_initializer_assignment"
    s = "s" + "k_live_" + _an(k, 99)
    f.add(
        k,
        f"# config/initializers/stripe.rb\nStripe.api_key = ENV.fetch('STRIPE_SECRET_KEY', '{s}')\nStripe.api_version = '2024-06-20'",
        s,
    )

    k = "elixir_repo_config"
    s = _gen(k, 18)
    f.add(
        k,
        f'config :shop, Shop.Repo,\n  username: "shop",\n  password: "{s}",\n  hostname: "db.internal",\n  pool_size: 10',
        s,
    )

    k = "scala_case_class_default"
    s = _an(k, 28)
    f.add(
        k,
        f'final case class KafkaCfg(\n  bootstrap: String = "broker-1:9093",\n  user: String = "events",\n  secret: String = "{s}"\n)',
        s,
    )

    k = "haskell_record_field"
    s = _gen(k, 16)
    f.add(
        k,
        f'connInfo :: ConnectInfo\nconnInfo = defaultConnectInfo\n  {{ connectHost = "pg.local"\n  , connectUser = "hs_app"\n  , connectPassword = "{s}"\n  , connectDatabase = "ledger"\n  }}',
        s,
    )

    k = "clojure_db_spec_map"
    s = _gen(k, 16)
    f.add(
        k,
        f'(def db-spec {{:dbtype "postgresql"\n              :dbname "inventory"\n              :user "inv"\n              :password "{s}"}})',
        s,
    )

    k = "lua_table_field"
    s = _an(k, 32)
    f.add(k, f'local conf = {{\n  redis_host = "127.0.0.1",\n  api_secret = "{s}",\n  ttl = 300,\n}}\nreturn conf', s)

    k = "perl_dbi_connect"
    s = _wy(k, "Kamel")
    f.add(
        k, f"my $dbh = DBI->connect('dbi:Pg:dbname=legacy;host=10.9.0.2', 'perlapp', '{s}', {{ RaiseError => 1 }});", s
    )

    k = "r_sys_setenv"
    s = _hx(k, 40)
    f.add(
        k,
        f'Sys.setenv(GITHUB_PAT = "{_gh("p", k)}")\nSys.setenv(CENSUS_API_KEY = "{s}")\nlibrary(tidycensus)',
        _gh("p", k),
        s,
    )

    k = "julia_headers_vector"
    s = _url(k, 40)
    f.add(
        k,
        f'headers = ["Authorization" => "Bearer {s}", "Accept" => "application/json"]\nresp = HTTP.get(url, headers)',
        s,
    )

    k = "dart_flutter_const"
    s = _jwt(k, {"iss": "supabase", "ref": "qzkxvmlpwrtn", "role": "service_role"})
    f.add(k, f"const supabaseUrl = 'https://qzkxvmlpwrtn.supabase.co';\nconst supabaseServiceKey = '{s}';", s)

    k = "c_static_char_array"
    s = _gen(k, 20)
    f.add(
        k,
        f'static const char wifi_ssid[] = "Werkstatt";\nstatic const char wifi_pass[] = "{s}";\n\nvoid setup(void) {{ wifi_connect(wifi_ssid, wifi_pass); }}',
        s,
    )

    k = "java_to_char_array"
    s = _gen(k, 16)
    f.add(
        k,
        f'KeyStore ks = KeyStore.getInstance("PKCS12");\nks.load(new FileInputStream("client.p12"), "{s}".toCharArray());',
        s,
    )

    k = "go_byte_slice_hmac"
    s = _hx(k, 64)
    f.add(
        k,
        f'var hmacKey = []byte("{s}")\n\nfunc sign(b []byte) []byte {{ m := hmac.New(sha256.New, hmacKey); m.Write(b); return m.Sum(nil) }}',
        s,
    )

    k = "python_bytes_fromhex"
    s = _hx(k, 64)
    f.add(k, f'AES_KEY = bytes.fromhex(\n    "{s}"\n)\ncipher = AESGCM(AES_KEY)', s)

    k = "pytest_monkeypatch_setenv"
    s = _an(k, 32)
    f.add(
        k,
        f'@pytest.fixture(autouse=True)\ndef prod_creds(monkeypatch):\n    monkeypatch.setenv("SHIPPING_API_TOKEN", "{s}")\n    monkeypatch.setenv("SHIPPING_ENV", "live")',
        s,
    )

    k = "junit_test_property_source"
    s = _gen(k, 18)
    f.add(
        k,
        f'@SpringBootTest\n@TestPropertySource(properties = {{\n    "spring.datasource.url=jdbc:mysql://qa-db.corp:3306/app",\n    "spring.datasource.password={s}"\n}})\nclass RepoIT {{',
        s,
    )

    k = "jest_process_env_assign"
    s = _url(k, 40)
    f.add(k, f"beforeAll(() => {{\n  process.env.CMS_PREVIEW_TOKEN = '{s}';\n}});", s)

    k = "js_string_concat_bearer"
    s = _an(k, 48)
    f.add(k, f'const auth = "Bearer " + "{s}";\nfetch(API + "/orders", {{ headers: {{ Authorization: auth }} }});', s)

    k = "python_percent_format_dsn"
    s = _gen(k, 16)
    f.add(
        k,
        f'dsn = "host=%s dbname=%s user=%s password=%s" % ("pg.local", "crm", "crm_rw", "{s}")\nconn = psycopg2.connect(dsn)',
        s,
    )

    k = "csharp_interpolated_conn"
    s = _wy(k, "Kirschbaum")
    f.add(k, f'var pwd = "{s}";\nvar cs = $"Host={{host}};Username=app;Password={{pwd}};Database=shop";', s)

    k = "sql_create_user_password"
    s = _gen(k, 18)
    f.add(
        k,
        f"CREATE USER reporting WITH LOGIN PASSWORD '{s}' VALID UNTIL '2027-01-01';\nGRANT pg_read_all_data TO reporting;",
        s,
    )

    k = "sql_alter_login_mssql"
    s = _wy(k, "Dachboden")
    f.add(k, f"ALTER LOGIN [svc_etl] WITH PASSWORD = N'{s}', CHECK_POLICY = OFF;\nGO", s)

    k = "powershell_securestring"
    s = _wy(k, "Kaffeemaschine")
    f.add(
        k,
        f'$secpass = ConvertTo-SecureString "{s}" -AsPlainText -Force\n$cred = New-Object System.Management.Automation.PSCredential ("CORP\\svc-backup", $secpass)',
        s,
    )

    k = "bash_script_variable"
    s = _an(k, 36)
    f.add(
        k,
        f'#!/usr/bin/env bash\nset -euo pipefail\nSLACK_BOT_TOKEN="{"xo" + "xb-"}{_dig(k + "/a", 12)}-{_dig(k + "/b", 13)}-{s}"\ncurl -sf -H "Authorization: Bearer $SLACK_BOT_TOKEN" https://slack.com/api/auth.test',
        s,
    )

    k = "dockerfile_arg_default"
    s = "np" + "m_" + _an(k, 36)
    f.add(
        k,
        f'FROM node:22-alpine AS deps\nARG NPM_TOKEN={s}\nRUN echo "//registry.npmjs.org/:_authToken=${{NPM_TOKEN}}" > .npmrc && npm ci',
        s,
    )

    k = "makefile_variable"
    s = _an(k, 32)
    f.add(
        k,
        f"REGISTRY ?= registry.acme.io\nREGISTRY_TOKEN := {s}\n\npush:\n\tdocker login $(REGISTRY) -u ci --password $(REGISTRY_TOKEN)",
        s,
    )

    k = "hardhat_accounts_array"
    s = "0x" + _hx(k, 64)
    f.add(
        k,
        f'module.exports = {{\n  solidity: "0.8.24",\n  networks: {{\n    sepolia: {{ url: "https://eth-sepolia.g.alchemy.com/v2/demo", accounts: ["{s}"] }},\n  }},\n}};',
        s[2:],
    )

    k = "groovy_jenkinsfile_sh"
    s = _gen(k, 16)
    f.add(k, f"stage('Smoke') {{\n  steps {{\n    sh \"curl -fsS -u qa:{s} https://qa.acme.io/health\"\n  }}\n}}", s)

    k = "vbnet_connection_string"
    s = _wy(k, "Pfefferminz")
    f.add(k, f'Dim cn As New SqlConnection("Server=ERP01;Database=Lager;User Id=lager;Password={s};")\ncn.Open()', s)

    k = "objc_nsstring_literal"
    s = _an(k, 40)
    f.add(
        k,
        f'static NSString * const kAnalyticsSecret = @"{s}";\n[Analytics setupWithKey:kAnalyticsKey secret:kAnalyticsSecret];',
        s,
    )

    k = "fsharp_let_binding"
    s = _gen(k, 16)
    f.add(
        k,
        f'let connString = "Host=localhost;Username=fs;Password={s};Database=ledger"\nuse conn = new NpgsqlConnection(connString)',
        s,
    )

    k = "nim_const_section"
    s = _an(k, 32)
    f.add(k, f'const\n  apiBase = "https://api.acme.io"\n  apiSecret = "{s}"', s)

    k = "zig_comptime_string"
    s = _hx(k, 48)
    f.add(k, f'const telemetry_key: []const u8 = "{s}";\npub fn main() !void {{ try send(telemetry_key); }}', s)

    k = "typescript_class_builder"
    s = _url(k, 40)
    f.add(
        k,
        f"const client = new ApiClientBuilder()\n  .baseUrl('https://erp.acme.io')\n  .clientId('erp-sync')\n  .clientSecret('{s}')\n  .build();",
        s,
    )

    k = "python_dataclass_default"
    s = _gen(k, 18)
    f.add(
        k,
        f'@dataclass\nclass SftpSettings:\n    host: str = "sftp.partner.example"\n    user: str = "acme_drop"\n    password: str = "{s}"',
        s,
    )

    k = "django_settings_secret_key"
    s = _draw(k, _LOWER + _DIG + "!@#%^&*(-_=+)", 50)
    f.add(k, f"# settings/prod.py\nDEBUG = False\nSECRET_KEY = '{s}'\nALLOWED_HOSTS = ['shop.acme.io']", s)

    k = "java_properties_put"
    s = _gen(k, 18)
    f.add(
        k,
        f'Properties props = new Properties();\nprops.put("mail.smtp.host", "smtp.office365.com");\nprops.put("mail.smtp.user", "alerts@acme.io");\nprops.put("mail.smtp.password", "{s}");',
        s,
    )

    k = "cpp_std_string_init"
    s = _an(k, 32)
    f.add(k, f'const std::string kLicenseKey{{"{s}"}};\nlicense::activate(kLicenseKey);', s)

    return tuple(f)


# -- 5. logs, HTTP and traces ------------------------------------------------------------------------


def _logs_http() -> tuple[Planted, ...]:
    f = _Family()

    k = "raw_http_request_basic"
    s = _b64("svc-export:" + _gen(k, 18))
    f.add(
        k,
        f"GET /api/v1/exports/2026-11 HTTP/1.1\r\nHost: reports.acme.io\r\nAuthorization: Basic {s}\r\nAccept: text/csv\r\n\r\n",
        s,
    )

    k = "python_repr_settings_object"
    s1, s2 = _gen(k, 18), _an(k + "/2", 32)
    f.add(
        k,
        f"DEBUG:app.config:loaded Settings(env='prod', db_host='pg.internal', db_password='{s1}', sentry_dsn=None, mapbox_secret='{s2}')",
        s1,
        s2,
    )

    k = "java_tostring_datasource"
    s = _gen(k, 16)
    f.add(
        k,
        f"2026-11-27 09:12:44.120  INFO 1 --- [main] c.a.b.DbConfig : Using DataSourceProperties{{url='jdbc:mysql://db:3306/shop', username='shop', password='{s}', driverClassName='com.mysql.cj.jdbc.Driver'}}",
        s,
    )

    k = "go_printf_plus_v"
    s = _gen(k, 16)
    f.add(
        k,
        f"2026/11/27 10:01:02 config: {{Addr::8080 DB:{{Host:pg.local Port:5432 User:api Password:{s} SSLMode:disable}} LogLevel:debug}}",
        s,
    )

    k = "rust_debug_struct"
    s = _an(k, 40)
    f.add(
        k,
        f'[2026-11-27T10:03:11Z DEBUG relay] starting with Config {{ listen: 0.0.0.0:7000, upstream: "https://ingest.acme.io", api_key: "{s}", retries: 3 }}',
        s,
    )

    k = "sqlalchemy_operational_error"
    s = _an(k, 16)
    f.add(
        k,
        f'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "10.0.4.12", port 5432 failed: timeout expired\n\n(Background on this error at: https://sqlalche.me/e/20/e3q8)\nengine url: postgresql+psycopg2://analytics:{s}@10.0.4.12:5432/warehouse',
        s,
    )

    k = "jdbc_exception_url_password"
    s = _gen(k, 14)
    f.add(
        k,
        f"java.sql.SQLNonTransientConnectionException: Could not create connection to database server. Attempted reconnect 3 times. url=jdbc:mysql://db-2:3306/billing?user=billing&password={s}&useSSL=true\n\tat com.mysql.cj.jdbc.exceptions.SQLError.createSQLException(SQLError.java:111)",
        s,
    )

    k = "node_mongo_server_selection"
    s = _an(k, 18)
    f.add(
        k,
        f"MongoServerSelectionError: connect ECONNREFUSED 10.0.7.3:27017\n    at Timeout._onTimeout (/app/node_modules/mongodb/lib/sdam/topology.js:278:38) {{\n  reason: TopologyDescription {{ ... }},\n  uri: 'mongodb://ingest:{s}@10.0.7.3:27017/events?authSource=admin'\n}}",
        s,
    )

    k = "oauth_callback_query_code"
    s1, s2 = _url(k, 40), _url(k + "/st", 22)
    f.add(
        k,
        f'10.0.0.9 - - [27/Nov/2026:10:21:44 +0000] "GET /auth/callback?code={s1}&state={s2} HTTP/1.1" 302 0 "-" "Mozilla/5.0"',
        s1,
    )

    k = "access_log_api_key_query"
    s = _hx(k, 32)
    f.add(
        k,
        f'203.0.113.77 - - [27/Nov/2026:10:22:01 +0000] "GET /v1/geocode?q=Alexanderplatz&apiKey={s}&lang=de HTTP/2.0" 200 512',
        s,
    )

    k = "azure_sas_query_signature"
    s = urllib.parse.quote(_b64(_bytes(k, 32)), safe="")
    f.add(
        k,
        f"PUT https://acmebackups.blob.core.windows.net/db/dump-1127.bak?sv=2022-11-02&ss=b&srt=co&sp=rwdlac&se=2026-12-31T00:00:00Z&st=2026-11-27T00:00:00Z&spr=https&sig={s}",
        s,
    )

    k = "set_cookie_connect_sid"
    s = "s%3A" + _url(k, 32) + "." + urllib.parse.quote(_b64(_bytes(k + "/sig", 32)).rstrip("="), safe="")
    f.add(
        k,
        f"< HTTP/1.1 200 OK\n< Set-Cookie: connect.sid={s}; Path=/; Expires=Sat, 28 Nov 2026 10:30:00 GMT; HttpOnly; SameSite=Lax",
        s,
    )

    k = "cookie_header_gitlab_session"
    s = _hx(k, 32)
    f.add(k, f"Cookie: preferred_language=de; _gitlab_session={s}; event_filter=all", s)

    k = "laravel_session_cookie"
    s = _b64(
        json.dumps(
            {"iv": _b64(_bytes(k, 16)), "value": _b64(_bytes(k + "/v", 48)), "mac": _hx(k + "/m", 64)},
            separators=(",", ":"),
        )
    ).rstrip("=")
    f.add(k, f"Cookie: XSRF-TOKEN=eyJpdiI6InB1YmxpYyJ9; laravel_session={s}", s)

    k = "authorization_negotiate_header"
    s = _b64(_bytes(k, 24))
    f.add(k, f"Authorization: Negotiate YIIC{s}", "YIIC" + s)

    k = "okta_ssws_scheme"
    s = "00" + _url(k, 40)
    f.add(
        k,
        f'curl -s -H "Accept: application/json" -H "Authorization: SSWS {s}" "https://acme.okta.com/api/v1/users?limit=25"',
        s,
    )

    k = "splunk_hec_scheme"
    s = _uuid(k)
    f.add(
        k,
        f'curl -k https://splunk.corp:8088/services/collector/event -H \'Authorization: Splunk {s}\' -d \'{{"event": "deploy finished", "sourcetype": "ci"}}\'',
        s,
    )

    k = "opsgenie_geniekey_scheme"
    s = _uuid(k)
    f.add(k, f"POST /v2/alerts HTTP/1.1\nHost: api.eu.opsgenie.com\nAuthorization: GenieKey {s}", s)

    k = "zoho_oauthtoken_scheme"
    s = "1000." + _hx(k, 32) + "." + _hx(k + "/2", 32)
    f.add(k, f"Authorization: Zoho-oauthtoken {s}", s)

    k = "apim_subscription_key_header"
    s = _hx(k, 32)
    f.add(
        k,
        f"> POST /translator/text/v3.0/translate?to=pl HTTP/1.1\n> Ocp-Apim-Subscription-Key: {s}\n> Ocp-Apim-Subscription-Region: westeurope",
        s,
    )

    k = "gitlab_private_token_header"
    s = "gl" + "pat-" + _url(k, 20)
    f.add(k, f"PRIVATE-TOKEN: {s}\nUser-Agent: python-gitlab/4.4.0", s)

    k = "x_vault_token_header"
    s = "hv" + "s.CAESI" + _url(k, 60)
    f.add(
        k,
        f"[DEBUG] vault request: GET https://vault.internal:8200/v1/secret/data/app headers=map[X-Vault-Request:[true] X-Vault-Token:[{s}]]",
        s,
    )

    k = "grpc_metadata_bearer"
    s = _jwt(k, {"sub": "svc-router", "aud": "billing.v1", "exp": 1893456000}, "RS256")
    f.add(
        k,
        f"grpcurl -H 'authorization: Bearer {s}' -d '{{\"invoice_id\": \"inv_8812\"}}' billing.internal:443 billing.v1.Invoices/Get",
        s,
    )

    k = "grpc_go_log_metadata"
    s = _an(k, 40)
    f.add(
        k,
        f'2026-11-27T10:40:12.331Z\tDEBUG\tinterceptor/log.go:42\tunary call\t{{"method": "/ledger.v2.Ledger/Post", "md": {{"x-api-key": ["{s}"], "user-agent": ["grpc-go/1.67.1"]}}}}',
        s,
    )

    k = "websocket_url_token"
    s = _url(k, 48)
    f.add(
        k,
        f"WebSocket connection to 'wss://rt.acme.io/socket/websocket?token={s}&vsn=2.0.0' failed: Error during WebSocket handshake: Unexpected response code: 403",
        s,
    )

    k = "har_entry_header"
    s = _url(k, 44)
    f.add(
        k,
        f'{{\n  "request": {{\n    "method": "GET",\n    "url": "https://api.acme.io/me",\n    "headers": [\n      {{"name": "authorization", "value": "Bearer {s}"}},\n      {{"name": "accept", "value": "application/json"}}\n    ]\n  }}\n}}',
        s,
    )

    k = "otel_span_attribute"
    s = _an(k, 32)
    f.add(
        k,
        f'Span #3 name=HTTP POST kind=CLIENT\n    Attributes:\n         -> http.request.method: Str(POST)\n         -> url.full: Str(https://hooks.acme.io/v1/ingest)\n         -> http.request.header.x-ingest-key: Slice(["{s}"])',
        s,
    )

    k = "kafka_client_config_dump"
    s = _an(k, 40)
    f.add(
        k,
        f'[2026-11-27 10:44:00,101] INFO ProducerConfig values:\n\tacks = -1\n\tsasl.jaas.config = org.apache.kafka.common.security.scram.ScramLoginModule required username="events" password="{s}";\n\tsasl.mechanism = SCRAM-SHA-512',
        s,
    )

    k = "smtp_auth_plain_transcript"
    s = _b64("\0alerts@acme.io\0" + _gen(k, 16))
    f.add(
        k,
        f"S: 250-smtp.acme.io Hello\nS: 250 AUTH PLAIN LOGIN\nC: AUTH PLAIN {s}\nS: 235 2.7.0 Authentication successful",
        s,
    )

    k = "ftp_user_pass_tcpdump"
    s = _wn(k, "Ftp_Partner", 4)
    f.add(
        k,
        f"10:50:01.101 IP 10.0.0.5.51512 > 198.51.100.4.21: Flags [P.], length 13: FTP: USER acme\n10:50:01.188 IP 10.0.0.5.51512 > 198.51.100.4.21: Flags [P.], length 22: FTP: PASS {s}",
        s,
    )

    k = "imap_login_debug"
    s = _wy(k, "Seepferdchen")
    f.add(k, f"DEBUG imaplib: > b'CQKH1 LOGIN inbox@acme.io \"{s}\"'\nDEBUG imaplib: < b'CQKH1 OK LOGIN completed'", s)

    k = "redis_monitor_auth"
    s = _an(k, 24)
    f.add(
        k,
        f'1764240000.112233 [0 10.0.3.7:51022] "AUTH" "worker" "{s}"\n1764240000.112801 [0 10.0.3.7:51022] "SELECT" "2"',
        s,
    )

    k = "postgres_log_alter_user"
    s = _gen(k, 16)
    f.add(
        k, f"2026-11-27 10:55:12.004 UTC [8812] postgres@app LOG:  statement: ALTER USER app_rw WITH PASSWORD '{s}';", s
    )

    k = "urllib3_debug_get_key"
    s = _hx(k, 32)
    f.add(
        k,
        f'DEBUG:urllib3.connectionpool:https://api.openweathermap.org:443 "GET /data/2.5/weather?q=Lisboa&appid={s}&units=metric HTTP/1.1" 200 493',
        s,
    )

    k = "traceback_frame_locals"
    s = _gen(k, 18)
    f.add(
        k,
        f"  File \"/app/sync/ftp.py\", line 41, in upload\n    ftp.login(user, password)\n    Local variables:\n      host = 'ftp.partner.example'\n      user = 'acme'\n      password = '{s}'\nftplib.error_perm: 530 Login incorrect.",
        s,
    )

    k = "k8s_audit_log_request"
    s = _gen(k, 20)
    f.add(
        k,
        f'{{"kind":"Event","verb":"create","objectRef":{{"resource":"secrets","namespace":"ci","name":"registry"}},"requestObject":{{"kind":"Secret","stringData":{{"password":"{s}"}}}}}}',
        s,
    )

    k = "nginx_error_log_upstream_auth"
    s = _an(k, 32)
    f.add(
        k,
        f'2026/11/27 11:01:44 [error] 31#31: *8812 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.0.9, request: "POST /hook?secret={s} HTTP/1.1", upstream: "http://127.0.0.1:9000/hook"',
        s,
    )

    k = "celery_banner_transport"
    s = _an(k, 20)
    f.add(
        k,
        f" -------------- celery@worker-2 v5.4.0 (opalescent)\n--- ***** -----\n-- ******* ---- Linux-6.8.0-x86_64 2026-11-27 11:02:10\n- *** --- * --- \n- ** ---------- [config]\n- ** ---------- .> app:         shop:0x7f1c\n- ** ---------- .> transport:   redis://:{s}@redis.internal:6379/1",
        s,
    )

    k = "requests_prepared_headers_repr"
    s = _url(k, 40)
    f.add(
        k,
        f">>> r.request.headers\n{{'User-Agent': 'python-requests/2.32.3', 'Accept-Encoding': 'gzip, deflate', 'Accept': '*/*', 'X-Auth-Token': '{s}', 'Content-Length': '83'}}",
        s,
    )

    k = "axios_error_config_dump"
    s = _an(k, 40)
    f.add(
        k,
        f"AxiosError: Request failed with status code 401\n    at settle (node_modules/axios/lib/core/settle.js:19:12) {{\n  code: 'ERR_BAD_REQUEST',\n  config: {{\n    url: 'https://api.hubapi.com/crm/v3/objects/contacts',\n    headers: Object [AxiosHeaders] {{ Accept: 'application/json', Authorization: 'Bearer {'pat' + '-eu1-'}{_uuid(k + '/u')}', 'X-Client-Key': '{s}' }}\n  }}",
        "pat" + "-eu1-" + _uuid(k + "/u"),
        s,
    )

    k = "curl_trace_ascii_form_body"
    s = _gen(k, 16)
    f.add(
        k,
        f"=> Send data, 62 bytes (0x3e)\n0000: grant_type=password&username=ops%40acme.io&password={urllib.parse.quote(s, safe='')}&scope=api",
        urllib.parse.quote(s, safe=""),
    )

    k = "github_actions_unmasked_derived"
    s = _b64("x-access-token:" + "gh" + "s_" + _an(k, 36))
    f.add(
        k,
        f'2026-11-27T11:10:02.5521Z ##[group]Run git config --global http.extraheader "AUTHORIZATION: basic ***"\n2026-11-27T11:10:02.6102Z + echo extraheader=AUTHORIZATION: basic {s}',
        s,
    )

    k = "sentry_breadcrumb_data"
    s = _url(k, 32)
    f.add(
        k,
        f'breadcrumbs: [{{"type":"http","category":"fetch","data":{{"method":"POST","url":"https://api.acme.io/v2/session?refresh_token={s}","status_code":401}}}}]',
        s,
    )

    return tuple(f)


# -- 6. users' chat in many languages -----------------------------------------------------------------


def _user_chat() -> tuple[Planted, ...]:
    f = _Family()

    k = "chat_en_slang_no_punct"
    s = _wn(k, "stagingdb", 3)
    f.add(k, f"yo the staging db pw is {s} dont tell anyone lol just fix the migration", s)

    k = "chat_en_value_before_word"
    s = _walk(k)
    f.add(k, f"{s} <- thats the admin password on the router, change it after you're done", s)

    k = "chat_en_two_pairs_slash"
    s1, s2 = _wy(k, "Jenkins"), _gen(k + "/2", 16)
    f.add(k, f"ok so jenkins is admin / {s1} and nexus is deployer / {s2}, both should work on the vpn", s1, s2)

    k = "chat_en_typo_pasword"
    s = _leet(k, "bluewhale")
    f.add(k, f"the pasword for the jumphost is {s} btw, u need it after the ssh key step", s)

    k = "chat_en_context_no_label"
    s = _date(k, "Charlotte")
    f.add(k, f"can you ssh into 10.0.3.4 as ubuntu? when it asks just type {s} and then run the backup script", s)

    k = "chat_en_tried_with"
    s = _wn(k, "Grafana_admin", 2)
    f.add(
        k,
        f"I tried logging into grafana with admin and {s} but it says invalid username or password, did someone rotate it??",
        s,
    )

    k = "chat_es_wifi_and_router"
    s1, s2 = (
        _phrase(k, ("Gato", "Luna", "Playa", "Sol", "Casa", "Perro"), 2, "") + str(_num(k, 1980, 2010)),
        _wn(k + "/r", "admin", 4),
    )
    f.add(k, f"oye la contraseña del wifi de la ofi es {s1} y el router entra con admin / {s2}", s1, s2)

    k = "chat_es_mx_slang_token"
    s = _dig(k + "/id", 10) + ":AA" + _url(k, 33)
    f.add(k, f"wey ya quedó el bot de telegram, el token es {s} pégalo en el .env porfa", s)

    k = "chat_es_value_then_word"
    s = _wy(k, "Barcelona")
    f.add(k, f"{s} es la clave del certificado .p12, la necesitas para firmar el apk", s)

    k = "chat_pt_br_prod_db"
    s = _gen(k, 18)
    f.add(k, f"mano a senha do banco de produção é {s} não commita isso pelo amor de deus kkkk", s)

    k = "chat_pt_pt_email_server"
    s = _wy(k, "Saudade")
    f.add(k, f"A palavra-passe do servidor de email é {s}, mudei-a ontem à noite.", s)

    k = "chat_pt_br_two_creds"
    s1, s2 = _wn(k, "Flamengo", 4), _date(k + "/2", "Joana", "@")
    f.add(k, f"user: deploy senha: {s1} / sudo é {s2}", s1, s2)

    k = "chat_fr_test_account"
    s = _wy(k, "Croissant")
    f.add(k, f"voilà le mot de passe du compte de test : {s} (ne le mets pas dans le repo stp)", s)

    k = "chat_fr_familiar_mdp"
    s = _leet(k, "chouquette")
    f.add(k, f"jte file le mdp du nas {s} mais tu le changes après hein", s)

    k = "chat_de_build_server"
    s = _wy(k, "Sonnenblume")
    f.add(k, f"Das Passwort für den Build-Server lautet {s}, bitte nicht weitergeben.", s)

    k = "chat_de_en_mix_token"
    s = _gh("p", k)
    f.add(k, f"kannst du mal den token {s} in die github secrets packen? thx", s)

    k = "chat_gsw_wlan"
    s = _phrase(k, ("Chuchichäschtli", "Gipfeli", "Rüebli", "Znüni", "Velo"), 2, "") + str(_num(k, 10, 99))
    f.add(k, f"S WLAN-Passwort isch {s}, de Router stoht im Gang", s)

    k = "chat_it_wordpress_admin"
    s = _wy(k, "Pizzeria")
    f.add(k, f"la password dell'admin di wordpress è {s}, l'ho cambiata stamattina", s)

    k = "chat_nl_staging_db"
    s = _gen(k, 16)
    f.add(k, f"het wachtwoord van de staging database is {s} en de gebruiker is app_rw", s)

    k = "chat_pl_panel_login"
    s = _date(k, "Kasia")
    f.add(k, f"hasło do panelu to {s}, login admin. nie zmieniaj bo klient też używa", s)

    k = "chat_ru_server_root"
    s = "gf" + "hjkm" + str(_num(k, 1990, 2024)) + "!"
    f.add(k, f"пароль от сервера {s}, логин root. заходи по ssh на 22 порт", s)

    k = "chat_ru_translit"
    s = _wn(k, "Masha_Kotik", 3)
    f.add(k, f"parol ot wifi na dache {s} esli chto", s)

    k = "chat_uk_bot_token"
    s = _dig(k + "/id", 10) + ":AA" + _url(k, 33)
    f.add(k, f"ось токен для бота {s} — додай його в секрети репозиторію, будь ласка", s)

    k = "chat_tr_server_sifre"
    s = _wy(k, "Galatasaray")
    f.add(k, f"sunucu şifresi {s} ama sakın kimseyle paylaşma, sadece sen ve ben biliyoruz", s)

    k = "chat_ar_new_password"
    s = _gen(k, 14)
    f.add(k, f"كلمة المرور الجديدة للوحة التحكم هي {s} غيّرها بعد أول تسجيل دخول", s)

    k = "chat_he_server"
    s = _wn(k, "Yerushalayim", 3)
    f.add(k, f"הסיסמה לשרת היא {s} אל תשמור אותה בגיט בבקשה", s)

    k = "chat_hinglish_prod"
    s = _wy(k, "Bhagwan")
    f.add(k, f"bhai db ka password {s} hai, prod wala hai dhyan se chalana", s)

    k = "chat_hi_devanagari"
    s = _gen(k, 16)
    f.add(k, f"सर्वर का पासवर्ड {s} है, यूज़रनेम deploy है", s)

    k = "chat_ja_prod_db"
    s = _gen(k, 18)
    f.add(k, f"本番DBのパスワードは {s} です。Slackには貼らないでください。", s)

    k = "chat_ja_no_space"
    s = _an(k, 32)
    f.add(k, f"APIキー:{s}　これで動くか確認お願いします", s)

    k = "chat_zh_cn_test_db"
    s = _wn(k, "woaini", 4)
    f.add(k, f"测试环境的数据库密码是{s}，用户名 root，别改", s)

    k = "chat_zh_tw_api_key"
    s = "s" + "k-" + _an(k, 48)
    f.add(k, f"API 金鑰是 {s}，記得放到環境變數裡，不要寫死在程式碼", s)

    k = "chat_ko_admin"
    s = _wn(k, "Saranghae", 4)
    f.add(k, f"관리자 비밀번호는 {s} 입니다 나중에 꼭 바꿔주세요", s)

    k = "chat_vi_wifi"
    s = _date(k, "Ngoc")
    f.add(k, f"mật khẩu wifi văn phòng là {s} nha anh", s)

    k = "chat_id_server"
    s = _wy(k, "Rendang")
    f.add(k, f"password server nya {s} ya bro, jangan disebar ke grup", s)

    k = "chat_th_server"
    s = _walk(k)
    f.add(k, f"รหัสผ่านของเซิร์ฟเวอร์คือ {s} ครับ ใช้ user ชื่อ admin", s)

    k = "chat_sv_nas"
    s = _phrase(k, ("Kanelbulle", "Fika", "Midsommar", "Lingon", "Älg"), 2, "")
    s = s + str(_num(k, 10, 99)) + "!"
    f.add(k, f"lösenordet till nas:en är {s} om du behöver hämta backupen", s)

    k = "chat_cs_database"
    s = _wy(k, "Knedlik")
    f.add(k, f"heslo k databázi je {s}, uživatel app. díky", s)

    k = "chat_el_vpn"
    s = _wn(k, "Thalassa", 4)
    f.add(k, f"ο κωδικός για το vpn είναι {s} και το username σου είναι το email", s)

    k = "chat_fa_server"
    s = _gen(k, 14)
    f.add(k, f"رمز عبور سرور {s} هست، لطفا عوضش کن", s)

    k = "chat_ro_aws_console"
    s = _wy(k, "Carpati")
    f.add(k, f"parola de la consola AWS e {s}, userul e ana.pop", s)

    k = "chat_hu_admin_ui"
    s = _wn(k, "Paprika", 3)
    f.add(k, f"a jelszó az admin felülethez {s}", s)

    k = "chat_fi_deploy_user"
    s = _phrase(k, ("Sauna", "Järvi", "Karhu", "Metsä", "Lumi"), 2, "") + str(_num(k, 100, 999))
    f.add(k, f"salasana on {s} ja käyttäjä on deploy", s)

    k = "chat_tl_router"
    s = _date(k, "Mahal")
    f.add(k, f"yung password ng router ay {s} pre, palitan mo na lang pag tapos", s)

    k = "chat_sw_seva"
    s = _wn(k, "Simba", 4)
    f.add(k, f"nenosiri la seva ni {s} tafadhali usilishiriki", s)

    return tuple(f)


# -- 7. the agent's own prose ------------------------------------------------------------------------


def _agent_prose() -> tuple[Planted, ...]:
    f = _Family()

    k = "agent_rotated_old_new"
    s1, s2 = _gen(k, 20), _gen(k + "/new", 20)
    f.add(
        k,
        f"I rotated the Redis password. The old value `{s1}` no longer works; the new one, `{s2}`, is in `.env.production` and in the `redis-auth` secret.",
        s1,
        s2,
    )

    k = "agent_markdown_env_table"
    s1, s2 = _an(k, 18), _hx(k + "/jwt", 64)
    f.add(
        k,
        f"Here is what the app reads at startup:\n\n| Variable | Value | Used by |\n|---|---|---|\n| `DATABASE_URL` | `postgres://api:{s1}@db:5432/api` | Prisma |\n| `JWT_SECRET` | `{s2}` | `auth/sign.ts` |\n| `PORT` | `8080` | server |",
        s1,
        s2,
    )

    k = "agent_bullets_created_role"
    s = _gen(k, 18)
    f.add(
        k,
        f"Done:\n- Created the Postgres role `reporting` with password `{s}`\n- Granted `SELECT` on all tables in schema `public`\n- Added the role to `pg_hba.conf` for 10.0.0.0/16",
        s,
    )

    k = "agent_explains_jaas_line"
    s = _an(k, 32)
    f.add(
        k,
        f"The `sasl.jaas.config` line tells the client to log in with SCRAM as user `events` with the password `{s}`; the broker checks that against its ZooKeeper credentials, which is why the wrong mechanism gives `SaslAuthenticationException`.",
        s,
    )

    k = "agent_found_hardcoded_key"
    s = "r" + "k_live_" + _an(k, 99)
    f.add(
        k,
        f"I found a hard-coded Stripe restricted key in `src/billing/client.ts` (line 12): {s}. I moved it to `process.env.STRIPE_RESTRICTED_KEY` and added the variable to `.env.example` without a value.",
        s,
    )

    k = "agent_login_confirmed"
    s = _wy(k, "Ladybird")
    f.add(
        k,
        f"Logged in successfully as `admin@acme.io` with `{s}` — the dashboard loads and the 2FA prompt did not appear because the account has none.",
        s,
    )

    k = "agent_numbered_next_steps"
    s = _url(k, 40)
    f.add(
        k,
        f"Next steps:\n\n1. Export the token: `export CLOUDFLARE_API_TOKEN={s}`\n2. Run `npx wrangler deploy --env production`\n3. Check the route at https://edge.acme.io/health",
        s,
    )

    k = "agent_before_after_table"
    s1, s2 = _an(k, 32), _an(k + "/new", 32)
    f.add(
        k,
        f"| Setting | Before | After |\n|---|---|---|\n| `api_key` | `{s1}` | `{s2}` |\n| `timeout` | 5s | 30s |\n| `region` | `us` | `eu` |",
        s1,
        s2,
    )

    k = "agent_fenced_env_block"
    s1, s2 = _gen(k, 18), _hx(k + "/2", 40)
    f.add(
        k,
        f"Put this in `.env` (I've already created the bucket and the key):\n\n```dotenv\nS3_BUCKET=acme-invoices\nS3_ACCESS_KEY=GK{_hx(k + '/id', 24)}\nS3_SECRET_KEY={s2}\nSMTP_PASS={s1}\n```",
        s1,
        s2,
    )

    k = "agent_bold_label_value"
    s = _gen(k, 16)
    f.add(
        k,
        f"The Jenkins admin account is ready.\n\n**User:** `admin`  \n**Pass:** {s}  \n**URL:** https://ci.acme.io",
        s,
    )

    k = "agent_breaks_down_url"
    s = _an(k, 20)
    f.add(
        k,
        f"The connection string `mysql://svc_import:{s}@10.0.4.5:3306/catalog` breaks down as: user `svc_import`, password `{s}`, host `10.0.4.5`, database `catalog`.",
        s,
    )

    k = "agent_secret_mismatch"
    s1, s2 = "wh" + "sec_" + _b64s(k, 32), "wh" + "sec_" + _b64s(k + "/env", 32)
    f.add(
        k,
        f"The 400 comes from the signature check: the endpoint in the Stripe dashboard signs with `{s1}`, but your `.env` has `{s2}` (from the old endpoint). Replace the second with the first.",
        s1,
        s2,
    )

    k = "agent_inline_json_setting"
    s = _url(k, 44)
    f.add(
        k,
        f'I set `"ApiKey": "{s}"` under `Translator` in `appsettings.Development.json`, so local runs use the dev subscription.',
        s,
    )

    k = "agent_handoff_recap"
    s1, s2, s3 = _gen(k, 16), _wy(k + "/2", "Eichhoernchen"), _an(k + "/3", 32)
    f.add(
        k,
        f"Summary of the access I used today, so you can revoke it:\n- Proxmox root: `{s1}`\n- pfSense admin: `{s2}`\n- UniFi API key: `{s3}`\nNone of these were written to disk.",
        s1,
        s2,
        s3,
    )

    k = "agent_parenthetical_secret"
    s = _an(k, 3) + "8Q~" + _url(k + "/2", 34)
    f.add(
        k,
        f"I used the `graph-sync` app registration (client secret {s}, expires 2027-05) to fetch a token, and `GET /users` returned 412 users.",
        s,
    )

    k = "agent_decoded_basic"
    p = _gen(k, 16)
    b = _b64("deploy:" + p)
    f.add(
        k,
        f"Decoding the header `Basic {b}` gives `deploy:{p}`, so the CI user's password is `{p}` — that's what the nginx `htpasswd` file must match.",
        b,
        p,
    )

    k = "agent_markdown_link_token"
    s = _an(k, 40)
    f.add(
        k,
        f"The snapshot is shared here: [open dashboard](https://grafana.acme.io/dashboard/snapshot/{s}?orgId=1). Anyone with the link can see it.",
        s,
    )

    k = "agent_verified_curl"
    s = _hx(k, 32)
    f.add(
        k,
        f"I verified the key works: `curl -s -H 'X-API-Key: {s}' https://api.acme-geo.io/v1/lookup?ip=8.8.8.8` returned 200 with the expected country.",
        s,
    )

    k = "agent_test_vs_live_keys"
    s1, s2 = "s" + "k_test_" + _an(k, 99), "s" + "k_live_" + _an(k + "/live", 99)
    f.add(
        k,
        f"Note the two keys in `config/stripe.yml`: test `{s1}` and live `{s2}`. The staging deploy is using the live one, which is why real charges appeared.",
        s1,
        s2,
    )

    k = "agent_warning_committed"
    s = _hx(k, 128)
    f.add(
        k,
        f"⚠️ `config/secrets.yml` is committed and contains `secret_key_base: {s}`. Anyone with repo access can forge sessions; rotate it and move it to credentials.",
        s,
    )

    k = "agent_git_history_finding"
    s = "S" + "G." + _url(k, 22) + "." + _url(k + "/2", 43)
    f.add(
        k,
        f'Commit `4e1f0a2` ("add mail") put `SENDGRID_API_KEY={s}` into `.env.example`; it is still in history even though `9b7c3d1` removed it.',
        s,
    )

    k = "agent_ssh_then_set"
    s = _gen(k, 20)
    f.add(
        k,
        f"I connected with `ssh ops@db-3`, ran `mysql_secure_installation`, and set the MySQL root password to `{s}`. Remote root login is now disabled.",
        s,
    )

    k = "agent_reply_german"
    s = _wy(k, "Regenbogen")
    f.add(
        k,
        f"Ich habe das Passwort des Benutzers `backup` auf `{s}` gesetzt und den Cronjob neu gestartet. Der nächste Lauf ist um 02:00.",
        s,
    )

    k = "agent_reply_spanish"
    s = _an(k, 32)
    f.add(k, f"Listo. Generé una nueva clave de API (`{s}`) y la guardé en el secreto `MAPS_KEY` del repositorio.", s)

    k = "agent_checklist_done"
    s = "gl" + "rt-" + _url(k, 20)
    f.add(
        k,
        f"- [x] Registered the runner with token `{s}`\n- [x] Tagged it `docker,arm64`\n- [ ] Disable the old shell runner",
        s,
    )

    k = "agent_replaced_old_value"
    s = "np" + "m_" + _an(k, 36)
    f.add(
        k,
        f"In `.github/workflows/release.yml` I replaced `NODE_AUTH_TOKEN: {s}` with `NODE_AUTH_TOKEN: ${{{{ secrets.NPM_TOKEN }}}}`. You still need to revoke the old token on npmjs.com.",
        s,
    )

    k = "agent_explains_jwt_secret"
    j = _jwt(k + "/jwt", {"sub": "42", "role": "admin", "iat": 1764230400})
    s = _gen(k, 24)
    f.add(
        k,
        f"The token you pasted ({j}) is signed with HS256 using `AUTH_SECRET` = `{s}` from `auth.ts`, so it verifies on every instance.",
        j,
        s,
    )

    k = "agent_totp_setup_key"
    s = _b32(k, 32)
    f.add(
        k,
        f"2FA is enabled for the `ops` account. If you can't scan the QR code, enter the setup key `{s[:4]} {s[4:8]} {s[8:12]} {s[12:16]} {s[16:20]} {s[20:24]} {s[24:28]} {s[28:]}` in your authenticator.",
        f"{s[:4]} {s[4:8]} {s[8:12]} {s[12:16]} {s[16:20]} {s[20:24]} {s[24:28]} {s[28:]}",
    )

    k = "agent_seed_users_table"
    s1, s2, s3 = _wy(k, "Admin"), _wn(k + "/2", "Editor", 3), _wn(k + "/3", "Viewer", 3)
    f.add(
        k,
        f"Seeded three users in the staging DB:\n\n| Email | Role | Password |\n|---|---|---|\n| admin@acme.test | admin | {s1} |\n| ed@acme.test | editor | {s2} |\n| view@acme.test | viewer | {s3} |",
        s1,
        s2,
        s3,
    )

    k = "agent_request_headers_sent"
    s = _jwt(k, {"sub": "svc", "scope": "orders:write"}, "RS256")
    f.add(
        k,
        f"Request headers I sent:\n```http\nPOST /v1/orders HTTP/1.1\nAuthorization: Bearer {s}\nIdempotency-Key: 8f1f2c7a\n```",
        s,
    )

    k = "agent_aws_profile_added"
    s = _aws_secret(k)
    f.add(
        k,
        f"`~/.aws/credentials` now has a `[ci]` profile with `{_akia(k)}` / `{s}`; `aws sts get-caller-identity --profile ci` returns the `ci-deployer` user.",
        s,
    )

    k = "agent_quotes_user_back"
    s = _wy(k, "Hummingbird")
    f.add(
        k,
        f"> the staging db password is {s}\n\nThanks — I connected with it, ran the pending migrations (3), and the `orders` table now has the `refunded_at` column.",
        s,
    )

    k = "agent_tool_call_recap"
    s = _gen(k, 18)
    f.add(
        k,
        f"Ran `psql` with `PGPASSWORD={s}` against `pg-replica-2`; the replication lag is 0 bytes and all 14 tables match row counts.",
        s,
    )

    k = "agent_per_env_keys_list"
    s1, s2, s3 = _hx(k, 32), _hx(k + "/2", 32), _hx(k + "/3", 32)
    f.add(
        k,
        f"Mixpanel project secrets per environment:\n* dev → {s1}\n* staging → {s2}\n* prod → {s3}\nI put each in the matching GitHub environment.",
        s1,
        s2,
        s3,
    )

    k = "agent_italic_master_key"
    s = _hx(k, 32)
    f.add(
        k,
        f"Rails will not boot without the master key; the one from your old laptop is _{s}_ — save it as `config/master.key` (it is git-ignored).",
        s,
    )

    k = "agent_generated_secret"
    s = _hx(k, 64)
    f.add(
        k,
        f"I generated a new secret with `openssl rand -hex 32`: {s}. It is now `NEXTAUTH_SECRET` in Vercel for Production and Preview.",
        s,
    )

    k = "agent_explains_redis_url"
    s = _url(k, 32)
    f.add(
        k,
        f"`REDIS_URL=rediss://default:{s}@eu2-fast-oyster-30211.upstash.io:6379` — the user is `default`, the password is everything between the colon and the `@`.",
        s,
    )

    k = "agent_netrc_explained"
    s = _gen(k, 18)
    f.add(
        k,
        f"pip picks up the private index credentials from `~/.netrc` — I added `machine pypi.acme.io login build password {s}` so `pip install acme-core` works without prompting.",
        s,
    )

    k = "agent_wifi_devices_table"
    s1, s2 = _phrase(k, ("tiger", "marble", "cobalt", "willow", "anchor", "sparrow"), 3, "-"), _gen(k + "/2", 16)
    f.add(
        k,
        f"| Device | SSID | Key |\n|---|---|---|\n| Shelly plugs | IoT-2G | `{s1}` |\n| Cameras | CAM-NET | `{s2}` |",
        s1,
        s2,
    )

    k = "agent_explains_registry_auth"
    s = _an(k, 32)
    f.add(
        k,
        f"The pull fails because the image pull secret has an expired robot token. Recreate it with `--docker-username='robot$ci' --docker-password='{s}'` (the new robot account from Harbor).",
        s,
    )

    k = "agent_bitwarden_cli_result"
    s = _gen(k, 20)
    f.add(k, f"`bw get password 'Hetzner Robot'` returned `{s}`, and logging into robot.hetzner.com with it worked.", s)

    k = "agent_summary_with_signing"
    s1, s2 = _wy(k, "Keystore"), _gen(k + "/2", 16)
    f.add(
        k,
        f"The release build is signed now: `android/keystore.properties` points at `upload.jks` with `storePassword={s1}` and `keyPassword={s2}` (alias `upload`).",
        s1,
        s2,
    )

    return tuple(f)


# -- 8. diffs and code reviews -----------------------------------------------------------------------


def _diffs_reviews() -> tuple[Planted, ...]:
    f = _Family()

    k = "diff_dotenv_added"
    s = _an(k, 40)
    f.add(
        k,
        f"diff --git a/.env b/.env\nindex 3b18e51..a7c2f0d 100644\n--- a/.env\n+++ b/.env\n@@ -3,3 +3,4 @@ APP_ENV=local\n LOG_LEVEL=debug\n QUEUE=redis\n+TYPESENSE_ADMIN_KEY={s}\n",
        s,
    )

    k = "diff_yaml_old_and_new"
    s1, s2 = _gen(k, 18), _gen(k + "/new", 18)
    f.add(
        k,
        f"--- a/deploy/values-prod.yaml\n+++ b/deploy/values-prod.yaml\n@@ -12,7 +12,7 @@ postgresql:\n   auth:\n     username: app\n-    password: {s1}\n+    password: {s2}\n     database: app",
        s1,
        s2,
    )

    k = "diff_appsettings_json"
    s = _gen(k, 20)
    f.add(
        k,
        f'@@ -4,6 +4,7 @@\n   "ConnectionStrings": {{\n-    "Default": "Server=(localdb)\\\\mssqllocaldb;Database=Shop;Trusted_Connection=True"\n+    "Default": "Server=sql-prod-01;Database=Shop;User Id=shop;Password={s};TrustServerCertificate=True"\n   }},',
        s,
    )

    k = "diff_python_settings_hardcode"
    s = _draw(k, _LOWER + _DIG + "!@#%^&*(-_=+)", 50)
    f.add(
        k,
        f"--- a/mysite/settings.py\n+++ b/mysite/settings.py\n@@ -20,7 +20,7 @@ BASE_DIR = Path(__file__).resolve().parent.parent\n-SECRET_KEY = os.environ['DJANGO_SECRET_KEY']\n+SECRET_KEY = '{s}'\n DEBUG = False",
        s,
    )

    k = "diff_ts_firebase_admin"
    s = _gen(k, 20)
    f.add(k, f"+export const adminConfig = {{\n+  projectId: 'acme-prod',\n+  smtpPassword: '{s}',\n+}};", s)

    k = "diff_tfvars_added"
    s = _gen(k, 22)
    f.add(
        k,
        f'diff --git a/envs/prod.tfvars b/envs/prod.tfvars\n--- a/envs/prod.tfvars\n+++ b/envs/prod.tfvars\n@@ -1,3 +1,4 @@\n region        = "eu-west-1"\n instance_type = "t3.large"\n+rds_master_password = "{s}"',
        s,
    )

    k = "diff_workflow_inline_token"
    s = _gh("p", k)
    f.add(
        k,
        f"   - name: Checkout submodules\n-    run: git submodule update --init\n+    run: git -c url.https://{s}@github.com/.insteadOf=https://github.com/ submodule update --init",
        s,
    )

    k = "diff_dockerfile_env"
    s = _an(k, 32)
    f.add(
        k,
        f' FROM eclipse-temurin:21-jre\n COPY build/libs/app.jar /app.jar\n+ENV NEW_RELIC_LICENSE_KEY={s}\n ENTRYPOINT ["java", "-jar", "/app.jar"]',
        s,
    )

    k = "diff_k8s_secret_data_b64"
    s = _b64(_gen(k, 18))
    f.add(k, f"@@ -6,4 +6,4 @@ metadata:\n type: Opaque\n data:\n-  password: Y2hhbmdlbWU=\n+  password: {s}", s)

    k = "diff_properties_file"
    s = _gen(k, 16)
    f.add(
        k,
        f"--- a/src/main/resources/application-prod.properties\n+++ b/src/main/resources/application-prod.properties\n@@ -8 +8 @@\n-spring.mail.password=${{MAIL_PASSWORD}}\n+spring.mail.password={s}",
        s,
    )

    k = "diff_pom_repository_creds"
    s = _gen(k, 18)
    f.add(
        k,
        f"+        <repository>\n+            <id>nexus</id>\n+            <url>https://deployer:{s}@nexus.acme.io/repository/maven-releases/</url>\n+        </repository>",
        s,
    )

    k = "diff_go_test_fixture_live"
    s = "xo" + "xp-" + _dig(k + "/a", 12) + "-" + _dig(k + "/b", 12) + "-" + _dig(k + "/c", 13) + "-" + _hx(k, 32)
    f.add(
        k,
        f'@@ -14,6 +14,7 @@ func TestNotify(t *testing.T) {{\n \tctx := context.Background()\n+\tt.Setenv("SLACK_USER_TOKEN", "{s}")\n \tif err := Notify(ctx, "#deploys", "hi"); err != nil {{',
        s,
    )

    k = "review_comment_quote_value"
    s = _an(k, 32)
    f.add(
        k,
        f"**marta-k** commented on `config/search.ts` line 9:\n> `adminApiKey: '{s}',`\n\nThis is the admin key, not the search-only one. Please move it server-side and rotate it.",
        s,
    )

    k = "review_suggestion_block"
    s = _gen(k, 18)
    f.add(
        k, f"```diff\n-  password: {s}\n```\n\nSuggested change:\n```suggestion\n  password: ${{DB_PASSWORD}}\n```", s
    )

    k = "git_show_commit"
    s = "s" + "k.eyJ1" + _url(k, 60) + "." + _url(k + "/2", 22)
    f.add(
        k,
        f"$ git show 4e1f0a2\ncommit 4e1f0a2c9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f\nAuthor: Lena Vogt <lena@acme.io>\nDate:   Fri Oct 2 14:11:09 2026 +0200\n\n    wire up mapbox\n\ndiff --git a/src/map.js b/src/map.js\n@@ -1,2 +1,3 @@\n+const MAPBOX_SECRET = '{s}';\n import mapboxgl from 'mapbox-gl';",
        s,
    )

    k = "git_log_patch_pickaxe"
    s = _aws_secret(k)
    f.add(
        k,
        f"$ git log -p -S aws_secret --oneline\n9b7c3d1 remove creds\n-aws_secret_access_key = {s}\n3a2f8e0 add deploy script\n+aws_secret_access_key = {s}",
        s,
    )

    k = "git_blame_line"
    s = _an(k, 40)
    f.add(
        k,
        f"$ git blame -L 15,17 lib/analytics.rb\n4e1f0a2c (Lena Vogt 2026-10-02 14:11:09 +0200 15)   SEGMENT_WRITE_KEY = ENV['SEGMENT_KEY']\n7d3b9a11 (Tom Ruiz  2026-10-09 09:02:41 +0200 16)   AMPLITUDE_SECRET  = '{s}'\n7d3b9a11 (Tom Ruiz  2026-10-09 09:02:41 +0200 17) end",
        s,
    )

    k = "patch_email_format"
    s = _gen(k, 18)
    f.add(
        k,
        f'From 7d3b9a11c2e4 Mon Sep 17 00:00:00 2001\nFrom: Tom Ruiz <tom@acme.io>\nDate: Fri, 9 Oct 2026 09:02:41 +0200\nSubject: [PATCH v2 2/3] ldap: bind with service account\n\n---\n ldap/config.c | 2 +-\n\n--- a/ldap/config.c\n+++ b/ldap/config.c\n@@ -31 +31 @@\n-#define BIND_PW getenv("LDAP_PW")\n+#define BIND_PW "{s}"\n-- \n2.47.0',
        s,
    )

    k = "merge_conflict_markers"
    s1, s2 = _an(k, 32), _an(k + "/theirs", 32)
    f.add(
        k, f"<<<<<<< HEAD\nALGOLIA_ADMIN_KEY={s1}\n=======\nALGOLIA_ADMIN_KEY={s2}\n>>>>>>> feature/search-v2", s1, s2
    )

    k = "git_word_diff"
    s1, s2 = _gen(k, 16), _gen(k + "/new", 16)
    f.add(k, f"$ git diff --word-diff config/mail.yml\n@@ -3 +3 @@ smtp:\n  password: [-{s1}-]{{+{s2}+}}", s1, s2)

    k = "git_stash_show_p"
    s = _url(k, 40)
    f.add(
        k,
        f'$ git stash show -p stash@{{0}}\ndiff --git a/local.settings.json b/local.settings.json\n@@ -3,5 +3,6 @@\n     "FUNCTIONS_WORKER_RUNTIME": "node",\n+    "CosmosKey": "{s}==",',
        s,
    )

    k = "diff_ini_section_added"
    s = _gen(k, 16)
    f.add(
        k,
        f"@@ -10,3 +10,7 @@ level = info\n+\n+[smtp]\n+host = smtp.fastmail.com\n+user = noreply@acme.io\n+pass = {s}",
        s,
    )

    k = "diff_shell_deploy_script"
    s = _an(k, 32)
    f.add(
        k,
        f"--- a/scripts/deploy.sh\n+++ b/scripts/deploy.sh\n@@ -2,4 +2,5 @@\n set -e\n+HEROKU_API_KEY={_uuid(k)}\n+SENTRY_AUTH_TOKEN={'sn' + 'trys_' + s}\n ./build.sh",
        _uuid(k),
        s,
    )

    k = "gerrit_inline_comment"
    s = _gen(k, 16)
    f.add(
        k,
        f'Patch Set 3:\n\n(1 comment)\n\nFile src/main/java/com/acme/Mailer.java:\n\nLine 27: transport.connect("smtp.acme.io", "mailer", "{s}");\n> Please don\'t hardcode the SMTP credentials.',
        s,
    )

    k = "gitlab_mr_note"
    s = "gl" + "dt-" + _url(k, 20)
    f.add(
        k,
        f"@tom.ruiz in `.gitlab-ci.yml` L42 you use the deploy token `{s}` directly — use `$CI_DEPLOY_PASSWORD` instead, this one is now in the MR history.",
        s,
    )

    k = "diff_npmrc_added"
    s = "np" + "m_" + _an(k, 36)
    f.add(
        k,
        f"new file mode 100644\nindex 0000000..1f2e3d4\n--- /dev/null\n+++ b/.npmrc\n@@ -0,0 +1,2 @@\n+@acme:registry=https://registry.npmjs.org/\n+//registry.npmjs.org/:_authToken={s}",
        s,
    )

    k = "diff_htpasswd_bcrypt"
    h = _draw(k, _AN + "./", 53)
    f.add(k, f"--- a/nginx/htpasswd\n+++ b/nginx/htpasswd\n@@ -1 +1,2 @@\n admin:$apr1$Zx9...\n+metrics:$2y$10${h}", h)

    k = "diff_compose_override"
    s = _gen(k, 16)
    f.add(
        k,
        f"+# docker-compose.override.yml\n+services:\n+  pgadmin:\n+    environment:\n+      PGADMIN_DEFAULT_EMAIL: me@acme.io\n+      PGADMIN_DEFAULT_PASSWORD: {s}",
        s,
    )

    k = "rails_credentials_diff"
    s1, s2 = _hx(k, 128), "s" + "k_live_" + _an(k + "/s", 99)
    f.add(
        k,
        f"$ git diff config/credentials.yml.enc   # via rails credentials:diff textconv\n@@ -1,3 +1,5 @@\n secret_key_base: {s1}\n+stripe:\n+  secret_key: {s2}",
        s1,
        s2,
    )

    k = "diff_launchsettings_json"
    s = _gen(k, 18)
    f.add(
        k,
        f'       "environmentVariables": {{\n         "ASPNETCORE_ENVIRONMENT": "Development",\n+        "ConnectionStrings__Redis": "redis-prod.acme.io:6380,password={s},ssl=True"\n       }}',
        s,
    )

    k = "diff_info_plist_key"
    s = _an(k, 32)
    f.add(
        k,
        f" \t<key>CFBundleShortVersionString</key>\n \t<string>3.4.1</string>\n+\t<key>AppCenterSecret</key>\n+\t<string>{_uuid(k + '/app')}</string>\n+\t<key>BranchLiveKeySecret</key>\n+\t<string>{'secret' + '_live_' + s}</string>",
        s,
    )

    k = "diff_sql_migration_seed"
    s = _wy(k, "Welcome")
    f.add(
        k,
        f"+-- 0042_seed_admin.sql\n+INSERT INTO users (email, password_plain, role) VALUES ('root@acme.io', '{s}', 'owner');",
        s,
    )

    k = "svn_diff_format"
    s = _gen(k, 16)
    f.add(
        k,
        f"Index: conf/db.conf\n===================================================================\n--- conf/db.conf\t(revision 1812)\n+++ conf/db.conf\t(working copy)\n@@ -2 +2 @@\n-dbpass=\n+dbpass={s}",
        s,
    )

    k = "hg_diff_format"
    s = _an(k, 24)
    f.add(
        k,
        f"diff -r 8c1f2a3b4d5e -r 9d0e1f2a3b4c hgrc\n--- a/.hg/hgrc\n+++ b/.hg/hgrc\n@@ -1,2 +1,5 @@\n [paths]\n default = https://hg.acme.io/tools\n+[auth]\n+acme.prefix = hg.acme.io\n+acme.username = builder\n+acme.password = {s}",
        s,
    )

    k = "diff_combined_cc"
    s1, s2 = _gen(k, 16), _gen(k + "/2", 16)
    f.add(
        k,
        f"diff --cc config/queue.yml\nindex 1a2b3c4,5d6e7f8..0000000\n--- a/config/queue.yml\n+++ b/config/queue.yml\n@@@ -1,3 -1,3 +1,7 @@@\n  rabbit:\n++<<<<<<< HEAD\n +  pass: {s1}\n++=======\n+   pass: {s2}\n++>>>>>>> hotfix",
        s1,
        s2,
    )

    k = "diff_context_line_secret"
    s = _an(k, 32)
    f.add(
        k,
        f"@@ -30,7 +30,7 @@ class PushService:\n     def __init__(self):\n         self.app_id = 'com.acme.app'\n         self.secret = '{s}'\n-        self.timeout = 5\n+        self.timeout = 15",
        s,
    )

    k = "review_thread_rotate_please"
    s = "dd" + "og" + _hx(k, 32)
    f.add(
        k,
        f"> +    DD_CLIENT_TOKEN: {s}\n\nIs this the client token or an API key? If it's an API key please rotate it, this PR is public.",
        s,
    )

    k = "nbdiff_notebook_output"
    s = _hx(k, 40)
    f.add(
        k,
        f'## modified /cells/3/source:\n-  api = KaggleApi()\n+  os.environ["KAGGLE_KEY"] = "{s}"\n+  api = KaggleApi()',
        s,
    )

    k = "diff_gradle_signing"
    s1, s2 = _gen(k, 16), _gen(k + "/2", 16)
    f.add(
        k,
        f'     signingConfigs {{\n         release {{\n             storeFile file("release.jks")\n-            storePassword System.getenv("STORE_PW")\n+            storePassword "{s1}"\n+            keyPassword "{s2}"',
        s1,
        s2,
    )

    k = "git_grep_hits"
    s1, s2 = _gen(k, 16), _gen(k + "/2", 18)
    f.add(
        k,
        f'$ git grep -n -i \'passw\'\nconfig/ldap.yml:7:  bind_password: {s1}\nspec/fixtures/vcr/login.yml:41:      string: \'{{"username":"qa","password":"{s2}"}}\'\nREADME.md:88:Passwords live in 1Password.',
        s1,
        s2,
    )

    k = "diff_helm_values_prod_sso"
    s = _url(k, 32)
    f.add(
        k,
        f' oauth2-proxy:\n   config:\n     clientID: grafana\n-    clientSecret: ""\n+    clientSecret: "{s}"\n+    cookieSecret: "{_b64(_bytes(k + "/c", 24))}"',
        s,
        _b64(_bytes(k + "/c", 24)),
    )

    k = "pr_description_quoting"
    s = _an(k, 36)
    f.add(
        k,
        f"## What\nSwitches the webhook from the v1 URL to v2.\n\n## Testing\n`curl -X POST https://hooks.acme.io/v2/{s} -d @sample.json` → 202",
        s,
    )

    k = "git_cherry_pick_conflict_status"
    s = _url(k, 40)
    f.add(
        k,
        f"$ git diff --name-only --diff-filter=U\nconfig/app.env\n$ git diff config/app.env\n- <<<<<<< ours\n- MAILGUN_SIGNING_KEY=\n+ MAILGUN_SIGNING_KEY={s}\n- >>>>>>> theirs",
        s,
    )

    return tuple(f)


# -- 9. notebooks, data and spreadsheets -------------------------------------------------------------


def _notebooks_data() -> tuple[Planted, ...]:
    f = _Family()

    k = "ipynb_cell_source_json"
    s = "s" + "k-proj-" + _url(k, 120)
    f.add(
        k,
        f'  {{\n   "cell_type": "code",\n   "execution_count": 2,\n   "metadata": {{}},\n   "source": [\n    "from openai import OpenAI\\n",\n    "client = OpenAI(api_key=\\"{s}\\")\\n"\n   ]\n  }},',
        s,
    )

    k = "ipynb_stdout_output"
    s = _hx(k, 40)
    f.add(
        k,
        f'   "outputs": [\n    {{\n     "name": "stdout",\n     "output_type": "stream",\n     "text": [\n      "wandb: Appending key for api.wandb.ai to your netrc file: /root/.netrc\\n",\n      "using key {s}\\n"\n     ]\n    }}\n   ],',
        s,
    )

    k = "jupyter_server_token_url"
    s = _hx(k, 48)
    f.add(
        k,
        f"[I 2026-11-27 11:20:01.112 ServerApp] Jupyter Server 2.14.2 is running at:\n[I 2026-11-27 11:20:01.112 ServerApp] http://gpu-box:8888/lab?token={s}\n[I 2026-11-27 11:20:01.112 ServerApp]     http://127.0.0.1:8888/lab?token={s}",
        s,
    )

    k = "ipython_history_in_out"
    s = _an(k, 32)
    f.add(
        k,
        f"In [3]: import os; os.environ['ANYSCALE_API_KEY'] = '{'es' + 'ecret_' + s}'\n\nIn [4]: client.models.list()\nOut[4]: SyncPage[Model](data=[...])",
        s,
    )

    k = "colab_cell_env_and_bang"
    s = "h" + "f_" + _an(k, 34)
    f.add(k, f"# @title Setup\nimport os\nos.environ['HF_TOKEN'] = '{s}'\n!huggingface-cli whoami", s)

    k = "csv_users_plain_password"
    s1, s2, s3 = _wy(k, "Summer"), _date(k + "/2", "Ivana"), _walk(k + "/3")
    f.add(
        k,
        f"id,email,display_name,password,created_at\n1,anna@shop.test,Anna,{s1},2026-01-04\n2,ivan@shop.test,Ivan,{s2},2026-01-09\n3,li@shop.test,Li Wei,{s3},2026-02-11",
        s1,
        s2,
        s3,
    )

    k = "csv_api_keys_export"
    s1, s2 = _hx(k, 40), _hx(k + "/2", 40)
    f.add(
        k,
        f'"key_name","key","created_by","last_used"\n"ci-upload","{s1}","tom","2026-11-20"\n"grafana-read","{s2}","lena","2026-11-26"',
        s1,
        s2,
    )

    k = "tsv_server_inventory"
    s1, s2 = _gen(k, 14), _gen(k + "/2", 14)
    f.add(
        k,
        f"host\tip\tuser\tpass\tnotes\nnas-01\t192.168.10.5\tadmin\t{s1}\tDSM 7.2\nups-mgmt\t192.168.10.9\tapc\t{s2}\tNMC3",
        s1,
        s2,
    )

    k = "mysqldump_insert_values"
    s1, s2 = _hx(k, 64), _an(k + "/2", 32)
    f.add(
        k,
        f"--\n-- Dumping data for table `oauth_clients`\n--\n\nLOCK TABLES `oauth_clients` WRITE;\nINSERT INTO `oauth_clients` VALUES (1,'mobile-app','{s1}','https://app.acme.io/cb',1),(2,'partner-portal','{s2}','https://partner.acme.io/cb',1);\nUNLOCK TABLES;",
        s1,
        s2,
    )

    k = "pg_dump_copy_block"
    s1, s2 = (
        "gh" + "o_" + _an(k, 36),
        "xo" + "xb-" + _dig(k + "/a", 12) + "-" + _dig(k + "/b", 13) + "-" + _an(k + "/c", 24),
    )
    f.add(
        k,
        f"COPY public.integrations (id, workspace_id, provider, access_token, created_at) FROM stdin;\n1\t17\tgithub\t{s1}\t2026-10-01 09:00:00+00\n2\t17\tslack\t{s2}\t2026-10-01 09:02:11+00\n\\.",
        s1,
        s2,
    )

    k = "pandas_dataframe_print"
    s1, s2 = _an(k, 24), _an(k + "/2", 24)
    f.add(
        k,
        f">>> accounts.head()\n   account_id      platform         api_secret  active\n0        1001  shopify_plus  {s1}    True\n1        1002   woocommerce  {s2}   False",
        s1,
        s2,
    )

    k = "pandas_to_dict_records"
    s = _gen(k, 18)
    f.add(
        k,
        f">>> df[df.env == 'prod'].to_dict('records')\n[{{'env': 'prod', 'service': 'ftp-drop', 'username': 'acme', 'secret': '{s}'}}]",
        s,
    )

    k = "r_tibble_print"
    s1, s2 = _hx(k, 32), _hx(k + "/2", 32)
    f.add(
        k,
        f"# A tibble: 2 × 3\n  client     key                              region\n  <chr>      <chr>                            <chr> \n1 bi-export  {s1} eu    \n2 forecast   {s2} us    ",
        s1,
        s2,
    )

    k = "polars_box_table"
    s = _url(k, 32)
    f.add(
        k,
        f"shape: (1, 3)\n┌──────────┬──────────────────────────────────┬────────┐\n│ name     ┆ token                            ┆ scope  │\n│ ---      ┆ ---                              ┆ ---    │\n│ str      ┆ str                              ┆ str    │\n╞══════════╪══════════════════════════════════╪════════╡\n│ exporter ┆ {s} ┆ write  │\n└──────────┴──────────────────────────────────┴────────┘",
        s,
    )

    k = "spark_show_table"
    s = _gen(k, 16)
    f.add(
        k,
        f"+-------+------------+----------------+\n|source |jdbc_user   |jdbc_password   |\n+-------+------------+----------------+\n|crm    |crm_reader  |{s}|\n+-------+------------+----------------+",
        s,
    )

    k = "duckdb_box_output"
    s = _an(k, 40)
    f.add(
        k,
        f"D SELECT name, secret FROM duckdb_secrets();\n┌───────────┬──────────────────────────────────────────┐\n│   name    │                  secret                  │\n├───────────┼──────────────────────────────────────────┤\n│ r2_backup │ {s} │\n└───────────┴──────────────────────────────────────────┘",
        s,
    )

    k = "sqlite_dump_insert"
    s = _url(k, 40)
    f.add(
        k,
        f"sqlite> .dump settings\nCREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT);\nINSERT INTO settings VALUES('smtp_host','smtp.acme.io');\nINSERT INTO settings VALUES('push_server_key','{s}');",
        s,
    )

    k = "mongoexport_jsonl"
    s1, s2 = _an(k, 32), _an(k + "/2", 32)
    f.add(
        k,
        f'{{"_id":{{"$oid":"6746f1c2a9e1b3d4c5f60718"}},"tenant":"alpha","apiKey":"{s1}","plan":"pro"}}\n{{"_id":{{"$oid":"6746f1c2a9e1b3d4c5f60719"}},"tenant":"beta","apiKey":"{s2}","plan":"free"}}',
        s1,
        s2,
    )

    k = "es_search_hit_source"
    s = _gen(k, 16)
    f.add(
        k,
        f'"hits": [{{"_index": "app-logs-2026.11.27", "_id": "Zx81kQp", "_source": {{"@timestamp": "2026-11-27T11:31:02Z", "message": "login form submitted", "form": {{"username": "j.doe", "password": "{s}"}}}}}}]',
        s,
    )

    k = "r_dataframe_print"
    s1, s2 = _wn(k, "Radio", 4), _wn(k + "/2", "Bicicleta", 3)
    f.add(k, f"> creds\n  site     user      pwd\n1 ftp01  loader   {s1}\n2 ftp02  loader {s2}", s1, s2)

    k = "jupyter_env_magic"
    s = _aws_secret(k)
    f.add(
        k,
        f"%env AWS_ACCESS_KEY_ID={_akia(k)}\n%env AWS_SECRET_ACCESS_KEY={s}\nenv: AWS_ACCESS_KEY_ID={_akia(k)}\nenv: AWS_SECRET_ACCESS_KEY={s}",
        s,
    )

    k = "jupyter_bang_curl"
    s = _gen(k, 16)
    f.add(k, f"!curl -s -u datasci:{s} https://nexus.acme.io/repository/raw/models/churn-v7.pkl -o model.pkl", s)

    k = "airflow_connections_export"
    s1, s2 = _gen(k, 18), _aws_secret(k + "/aws")
    f.add(
        k,
        f'{{\n  "postgres_dwh": {{"conn_type": "postgres", "host": "dwh.internal", "login": "airflow", "password": "{s1}", "port": 5432, "schema": "dwh"}},\n  "aws_default": {{"conn_type": "aws", "login": "{_akia(k)}", "password": "{s2}", "extra": "{{\\"region_name\\": \\"eu-west-1\\"}}"}}\n}}',
        s1,
        s2,
    )

    k = "postman_environment_values"
    s = _url(k, 40)
    f.add(
        k,
        f'{{\n  "name": "prod",\n  "values": [\n    {{"key": "baseUrl", "value": "https://api.acme.io", "enabled": true}},\n    {{"key": "apiKey", "value": "{s}", "type": "secret", "enabled": true}}\n  ]\n}}',
        s,
    )

    k = "csv_semicolon_excel_de"
    s1, s2 = _wy(k, "Hausmeister"), _wy(k + "/2", "Buchhaltung")
    f.add(
        k,
        f"\ufeffBenutzer;Rechner;Kennwort;Abteilung\nm.schulz;PC-0412;{s1};Lager\nk.yilmaz;PC-0415;{s2};Buchhaltung",
        s1,
        s2,
    )

    k = "google_sheet_csv_quoted"
    s = _gen(k, 16)
    f.add(k, f'Service,Login,Secret,Owner\n"Mailchimp, marketing",marketing@acme.io,"{s}","Sara, J."', s)

    k = "markdown_table_creds_wiki"
    s1, s2 = _gen(k, 16), _gen(k + "/2", 16)
    f.add(
        k,
        f"| System | URL | Account | Password |\n|--------|-----|---------|----------|\n| Zabbix | https://mon.acme.lan | Admin | {s1} |\n| iLO srv-3 | https://10.0.0.33 | Administrator | {s2} |",
        s1,
        s2,
    )

    k = "html_table_row"
    s = _gen(k, 16)
    f.add(
        k,
        f'<table class="creds">\n  <tr><th>Host</th><th>User</th><th>Password</th></tr>\n  <tr><td>printer-2f</td><td>admin</td><td>{s}</td></tr>\n</table>',
        s,
    )

    k = "json_array_accounts_fixture"
    s1, s2 = _gen(k, 16), _gen(k + "/2", 16)
    f.add(
        k,
        f'[\n  {{"env": "production", "email": "ops@acme.io", "password": "{s1}"}},\n  {{"env": "production", "email": "billing@acme.io", "password": "{s2}"}}\n]',
        s1,
        s2,
    )

    k = "yaml_production_seeds"
    s = _wy(k, "Cappuccino")
    f.add(
        k,
        f"# db/seeds/production.yml\nadmins:\n  - email: owner@acme.io\n    name: Owner\n    initial_password: {s}\n    force_change: false",
        s,
    )

    k = "jsonl_audit_records"
    s = _an(k, 40)
    f.add(
        k,
        f'{{"ts":"2026-11-27T11:40:00Z","actor":"api","action":"key.create","key":"{s}","scopes":["read","write"]}}\n{{"ts":"2026-11-27T11:40:02Z","actor":"api","action":"key.list","count":4}}',
        s,
    )

    k = "spreadsheet_paste_tabs"
    s1, s2 = _wn(k, "Camera_Lobby", 2), _wn(k + "/2", "Camera_Gate", 2)
    f.add(
        k,
        f"Gerät\tIP\tBenutzer\tPasswort\nKamera Eingang\t10.20.0.11\tadmin\t{s1}\nKamera Tor\t10.20.0.12\tadmin\t{s2}",
        s1,
        s2,
    )

    k = "pandas_read_sql_cell"
    s = _an(k, 18)
    f.add(
        k,
        f'engine = create_engine("mssql+pyodbc://bi_reader:{s}@sql-bi/Sales?driver=ODBC+Driver+18+for+SQL+Server")\ndf = pd.read_sql("SELECT TOP 100 * FROM dbo.Orders", engine)',
        s,
    )

    k = "xlsx_shared_strings_xml"
    s = _gen(k, 16)
    f.add(
        k,
        f'$ unzip -p handover.xlsx xl/sharedStrings.xml | head -c 400\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="6" uniqueCount="6"><si><t>Server</t></si><si><t>Passwort</t></si><si><t>fw-01</t></si><si><t>{s}</t></si></sst>',
        s,
    )

    k = "ipynb_error_traceback_output"
    s = _an(k, 32)
    f.add(
        k,
        f'     "ename": "HTTPError",\n     "evalue": "401 Client Error: Unauthorized for url: https://api.acme-weather.io/v3/forecast?lat=52.5&lon=13.4&key={s}",\n     "output_type": "error",',
        s,
    )

    k = "orgmode_table"
    s1, s2 = _gen(k, 16), _gen(k + "/2", 16)
    f.add(
        k,
        f"* Zugänge\n| Dienst   | Nutzer | Passwort |\n|----------+--------+----------|\n| Nextcloud | anna  | {s1} |\n| Vaultwarden admin | - | {s2} |",
        s1,
        s2,
    )

    k = "parquet_tools_json_rows"
    s = _hx(k, 40)
    f.add(
        k,
        f'$ parquet-tools cat --json part-0001.parquet | head -2\n{{"device_id":"thermo-17","mqtt_user":"thermo-17","mqtt_pass":"{s}"}}\n{{"device_id":"thermo-18","mqtt_user":"thermo-18","mqtt_pass":"{_hx(k + "/2", 40)}"}}',
        s,
        _hx(k + "/2", 40),
    )

    k = "csv_wifi_guest_vouchers"
    s1, s2 = _low(k, 10), _low(k + "/2", 10)
    f.add(k, f"ssid,voucher,valid_until\nHotel-Guest,{s1},2026-11-30\nHotel-Guest,{s2},2026-11-30", s1, s2)

    k = "yaml_vpn_users_list"
    s1, s2 = _gen(k, 16), _gen(k + "/2", 16)
    f.add(k, f'vpn_users:\n  - name: anna\n    psk: "{s1}"\n  - name: marco\n    psk: "{s2}"', s1, s2)

    k = "dataframe_describe_head_mixed"
    s = "s" + "k_live_" + _an(k, 24)
    f.add(
        k,
        f"In [12]: merchants[['merchant', 'stripe_key']].head(1)\nOut[12]:\n  merchant                                stripe_key\n0   Bäckerei Huber  {s}",
        s,
    )

    k = "bigquery_result_json"
    s = _gen(k, 20)
    f.add(
        k,
        f'$ bq query --format=prettyjson "SELECT name, conn_password FROM ops.vendors WHERE name=\'sftp-eu\'"\n[\n  {{\n    "conn_password": "{s}",\n    "name": "sftp-eu"\n  }}\n]',
        s,
    )

    k = "influx_annotated_csv"
    s = _b64s(k, 86) + "=="
    f.add(
        k, f"#group,false,false,true\n#datatype,string,long,string\n#default,_result,,\n,result,table,token\n,,0,{s}", s
    )

    k = "excel_formula_hyperlink"
    s = _url(k, 32)
    f.add(k, f'A1: Report portal\nB1: =HYPERLINK("https://reports.acme.io/share?access_key={s}","open")', s)

    return tuple(f)


# -- 10. pasted documentation ------------------------------------------------------------------------


def _pasted_docs() -> tuple[Planted, ...]:
    f = _Family()

    k = "runbook_failover_step"
    s = _gen(k, 18)
    f.add(
        k,
        f"## Runbook: Postgres failover\n\n3. Promote the replica:\n   ```\n   PGPASSWORD='{s}' psql -h pg-replica-1 -U postgres -c 'SELECT pg_promote();'\n   ```\n4. Update the `db-primary` DNS record to the replica's IP.",
        s,
    )

    k = "confluence_wiki_access_panel"
    s = _gen(k, 16)
    f.add(
        k,
        f"ℹ️ Info\nStaging Kibana: https://kibana.stg.acme.io\nLogin: kibana_ro / {s}\nAsk #platform if it stops working.",
        s,
    )

    k = "readme_quickstart_real_key"
    s = _hx(k, 32)
    f.add(
        k,
        f"## Quick start\n\n```bash\ncp .env.example .env\n# the shared dev key, works for everyone on the team:\necho 'OPENCAGE_KEY={s}' >> .env\nnpm run dev\n```",
        s,
    )

    k = "onboarding_email_accounts"
    s1, s2 = _wy(k, "Willkommen"), _gen(k + "/vpn", 14)
    f.add(
        k,
        f"Subject: Welcome to ACME – your accounts\n\nHi Priya,\n\nyour laptop login is priya.n with the temporary password {s1} (you'll be asked to change it).\nVPN: use the same user, the pre-shared key for the office profile is {s2}.\n\nCheers,\nIT",
        s1,
        s2,
    )

    k = "jira_ticket_description"
    s = _gen(k, 16)
    f.add(
        k,
        f"OPS-4411: Partner SFTP not reachable\n\n*Steps to reproduce:*\n# sftp acme@sftp.partner.example (pw: {s})\n# ls /inbound\n\n*Expected:* directory listing\n*Actual:* Connection closed",
        s,
    )

    k = "handover_note_plain"
    s1, s2 = _gen(k, 18), _phrase(k + "/safe", ("amber", "falcon", "ridge", "copper", "meadow", "echo"), 4, " ")
    f.add(
        k,
        f'Handover – 27.11.\n- Backups run from backup-01 as root, the Borg passphrase is {s1}\n- The office safe code book is under "IT", phrase: {s2}\n- Nothing else pending.',
        s1,
        s2,
    )

    k = "cheatsheet_commands"
    s = _an(k, 32)
    f.add(
        k,
        f"### Cheat sheet\n| Task | Command |\n|---|---|\n| list buckets | `mc ls r2/` |\n| add alias | `mc alias set r2 https://8f1c.r2.cloudflarestorage.com {_hx(k + '/id', 32)} {s}` |",
        s,
    )

    k = "github_issue_repro_steps"
    s = "gh" + "p_" + _an(k, 36)
    f.add(
        k,
        f"### Steps to reproduce\n1. `export GITHUB_TOKEN={s}`\n2. `npx release-it --ci`\n3. See error `HttpError: Resource not accessible by integration`\n\n### Environment\nnode 22.11, release-it 17.10",
        s,
    )

    k = "notion_page_export_md"
    s = _gen(k, 18)
    f.add(
        k,
        f"# Office network\n\n**Router:** UniFi Dream Machine\n\n**Admin UI:** https://192.168.1.1\n\n**Local admin:** `root` / `{s}`\n\n**Guest Wi-Fi:** rotates monthly",
        s,
    )

    k = "servicenow_incident_worknote"
    s = _wy(k, "Printserver")
    f.add(
        k,
        f"Work notes (2026-11-27 11:52:10 - Helpdesk):\nReset the service account svc_print to {s} per caller request. Caller confirmed printing works.",
        s,
    )

    k = "dev_setup_doc_numbered"
    s = _an(k, 40)
    f.add(
        k,
        f"4. Log in to the private registry:\n   `echo {s} | docker login ghcr.io -u acme-bot --password-stdin`\n5. `docker compose up -d`",
        s,
    )

    k = "sop_pdf_pasted"
    s = _gen(k, 14)
    f.add(
        k,
        f'SOP-017 Kassensystem Notfallzugang\nSchritt 1: Am Terminal "Service" wählen.\nSchritt 2: Techniker-PIN {_dig(k + "/pin", 6)} und Passwort {s} eingeben.\nSchritt 3: Tagesabschluss erzwingen.',
        s,
    )

    k = "faq_internal_shared_account"
    s = _wy(k, "Socialmedia")
    f.add(
        k,
        f"Q: How do I post on the company LinkedIn?\nA: Use the shared account social@acme.io, password {s}. Please don't enable 2FA on it, marketing shares it.",
        s,
    )

    k = "email_forwarded_credentials"
    s = _gen(k, 16)
    f.add(
        k,
        f"---------- Forwarded message ---------\nFrom: Hosting Support <support@host.example>\nDate: Wed, 25 Nov 2026 at 16:02\nSubject: Your new server\n\nIP: 203.0.113.50\nUser: root\nPassword: {s}\n\nPlease change the password after first login.",
        s,
    )

    k = "postmortem_timeline_entry"
    s = _an(k, 32)
    f.add(
        k,
        f"## Timeline (UTC)\n- 09:14 Deploy of api v2.31 starts\n- 09:21 On-call notices 500s; logs show `Unauthorized: invalid key {s}` for the geocoder\n- 09:40 Key restored from vault",
        s,
    )

    k = "adr_document_example_prod"
    s = _url(k, 43)
    f.add(
        k,
        f"## Decision\nWe call the search cluster directly with the admin key (`{s}`) from the backend only; the frontend gets a scoped key per user.",
        s,
    )

    k = "slack_canvas_paste"
    s1, s2 = _gen(k, 16), _gen(k + "/2", 16)
    f.add(
        k,
        f"📌 Pinned: demo accounts for the trade fair\n• demo1@acme.io — {s1}\n• demo2@acme.io — {s2}\n(real prod tenant, please don't delete data)",
        s1,
        s2,
    )

    k = "install_guide_license"
    s = "-".join(_up(f"{k}/{j}", 5) for j in range(5))
    f.add(
        k,
        f"Installation\n1. Run setup.exe as administrator.\n2. When asked for the license key enter: {s}\n3. Reboot.",
        s,
    )

    k = "wiki_ssh_jump_doc"
    s = _phrase(k, ("walrus", "pepper", "glacier", "tandem", "saffron", "nimbus"), 4, "-")
    f.add(
        k,
        f"== Jump host ==\nKey: `~/.ssh/bastion_ed25519` (in the team vault)\nPassphrase for the key: {s}\nUsage: `ssh -J bastion.acme.io app-01`",
        s,
    )

    k = "release_checklist_secret"
    s = "py" + "pi-AgEIcHlwaS5vcmc" + _url(k, 130)
    f.add(
        k,
        f"Release checklist\n- [ ] bump version\n- [ ] `twine upload dist/* -u __token__ -p {s}`\n- [ ] tag + push",
        s,
    )

    k = "vendor_welcome_email"
    s1, s2 = _hx(k, 32), _hx(k + "/2", 48)
    f.add(
        k,
        f"Dear customer,\n\nyour API access for the Parcel API has been activated.\n\nClient ID: {s1}\nClient Secret: {s2}\nEndpoint: https://api.parcel.example/v2\n\nKind regards",
        s2,
    )

    k = "helpdesk_ticket_reply_fr"
    s = _wy(k, "Bonjour")
    f.add(
        k,
        f"Bonjour,\n\nVotre mot de passe a été réinitialisé. Nouveau mot de passe provisoire : {s}\nMerci de le modifier à la prochaine connexion.\n\nLe support",
        s,
    )

    k = "it_doc_japanese"
    s = _gen(k, 14)
    f.add(
        k,
        f"【共有フォルダ接続手順】\n1. エクスプローラーで \\\\fs01\\share を開く\n2. ユーザー名: CORP\\guest-share\n3. パスワード: {s}",
        s,
    )

    k = "k8s_readme_kubeconfig_token"
    s = _jwt(k, {"iss": "kubernetes/serviceaccount", "sub": "system:serviceaccount:ci:deployer"}, "RS256")
    f.add(
        k,
        f"### Deploying from your laptop\nAdd this user to your kubeconfig:\n```yaml\nusers:\n- name: ci-deployer\n  user:\n    token: {s}\n```",
        s,
    )

    k = "runbook_rabbit_admin"
    s = _gen(k, 16)
    f.add(k, f"If the management UI is down: `rabbitmqadmin -H mq-1 -u admin -p '{s}' list queues name messages`", s)

    k = "wiki_table_old_deprecated_still_valid"
    s1, s2 = _an(k, 32), _an(k + "/2", 32)
    f.add(
        k,
        f"| Env | Key | Status |\n|---|---|---|\n| prod | {s1} | active |\n| prod (old) | {s2} | deprecated, still accepted until Jan |",
        s1,
        s2,
    )

    k = "meeting_notes_paste"
    s = _wy(k, "Zoom")
    f.add(
        k,
        f"Notes 27/11 standup\n- Lena: webinar tomorrow, host key for the room is {_dig(k + '/hk', 6)}, passcode {s}\n- Tom: migrating CI to arm",
        s,
    )

    k = "doc_docker_env_file_section"
    s1, s2 = _gen(k, 16), _hx(k + "/2", 64)
    f.add(
        k,
        f"The production env file looks like this (copy it to `/etc/acme/app.env`):\n\n    DB_PASS={s1}\n    COOKIE_SECRET={s2}\n    LOG_LEVEL=info",
        s1,
        s2,
    )

    k = "handover_sap_logins"
    s = _wy(k, "Fruehling")
    f.add(
        k,
        f"SAP Zugang für die Urlaubsvertretung:\nMandant 100, Benutzer FIBU_VERTR, Kennwort {s}\nBitte nach Rückkehr sperren lassen.",
        s,
    )

    k = "ticket_customer_shared_creds"
    s = _gen(k, 16)
    f.add(
        k,
        f'Customer wrote (ticket #88123):\n"Hi, I can\'t get the integration to connect. My Shopify admin is shop-owner@bakery.example and the password is {s}. Please fix it asap!"',
        s,
    )

    k = "cheatsheet_ipmi"
    s = _gen(k, 14)
    f.add(
        k,
        f"IPMI quick ref\nipmitool -I lanplus -H 10.0.0.101 -U ADMIN -P {s} chassis power status\nipmitool -I lanplus -H 10.0.0.101 -U ADMIN -P {s} sol activate",
        s,
    )

    k = "readme_badge_with_token"
    s = _an(k, 10)
    f.add(
        k,
        f"[![coverage](https://codecov.io/gh/acme/core/branch/main/graph/badge.svg?token={s})](https://codecov.io/gh/acme/core)\n\nCore libraries for ACME.",
        s,
    )

    k = "runbook_sentry_cli"
    s = "sn" + "trys_" + _url(k, 80)
    f.add(
        k, f"Upload sourcemaps manually:\n`SENTRY_AUTH_TOKEN={s} sentry-cli sourcemaps upload --release $SHA ./dist`", s
    )

    k = "docs_ansible_vault_password"
    s = _phrase(k, ("otter", "lilac", "turbine", "basil", "harpoon", "pixel"), 5, "_")
    f.add(
        k,
        f"Decrypting group_vars: the vault password is `{s}` (also in 1Password → Infra → Ansible Vault).\n`ansible-vault view group_vars/prod/vault.yml`",
        s,
    )

    k = "wiki_printer_scan_to_mail"
    s = _gen(k, 16)
    f.add(
        k,
        f"Scan-to-Mail am Drucker einrichten:\nSMTP-Server: smtp.office365.com, Port 587, STARTTLS\nAbsender: scanner@acme.de\nPasswort (App-Kennwort): {s}",
        s,
    )

    k = "onboarding_ru_wiki"
    s = _gen(k, 16)
    f.add(k, f"Доступ к тестовому стенду:\nадрес: https://test.acme.ru\nлогин: tester\nпароль: {s}", s)

    k = "doc_curl_example_real_token"
    s = _url(k, 40)
    f.add(
        k,
        f"### Example\n\n```sh\ncurl https://api.acme-crm.io/v1/contacts \\\n  -H 'Authorization: Token token={s}'\n```",
        s,
    )

    k = "dr_plan_encryption_key"
    s = _b64(_bytes(k, 32))
    f.add(
        k,
        f"Disaster recovery\n- Restic repo: s3:s3.eu-central-1.amazonaws.com/acme-restic\n- RESTIC_PASSWORD: {s}\n- Without it the backups cannot be read.",
        s,
    )

    k = "manual_default_changed_value"
    s = _gen(k, 14)
    f.add(
        k,
        f"The controller ships with admin/admin. We changed it during commissioning; the current login is admin / {s} (see commissioning report p. 4).",
        s,
    )

    k = "status_page_incident_internal"
    s = _an(k, 24)
    f.add(
        k,
        f"[internal] Root cause: the upstream rotated our partner token; the new one ({s}) was deployed at 14:05 and traffic recovered.",
        s,
    )

    return tuple(f)


# -- 11. encoded, escaped, split and wrapped ---------------------------------------------------------


def _encoded_split() -> tuple[Planted, ...]:
    f = _Family()

    k = "echo_base64_basic_pair"
    p = _gen(k, 16)
    b = _b64("registry-bot:" + p)
    f.add(k, f"$ echo -n 'registry-bot:{p}' | base64\n{b}", p, b)

    k = "env_value_base64_encoded"
    s = _b64(_gen(k, 20))
    f.add(
        k,
        f"# values are base64 so the CI variable masker accepts them\nSMTP_PASSWORD_B64={s}\nSMTP_HOST=smtp.acme.io",
        s,
    )

    k = "base32_cli_output"
    raw = _an(k, 30)
    s = base64.b32encode(raw.encode()).decode()
    f.add(k, f'$ echo -n "$LICENSE_TOKEN" | base32 -w0\n{s}', s)

    k = "hex_encoded_password_field"
    s = _gen(k, 16).encode().hex()
    f.add(k, f'{{"device": "nvr-2", "user": "admin", "password_hex": "{s}"}}', s)

    k = "url_encoded_userinfo"
    p = _gen(k, 10) + "@#" + _an(k + "/2", 6)
    s = urllib.parse.quote(p, safe="")
    f.add(k, f"DATABASE_URL=postgresql://billing:{s}@pg-billing.internal:5432/billing?sslmode=require", s)

    k = "form_body_client_secret_encoded"
    s = urllib.parse.quote(_b64(_bytes(k, 30)), safe="")
    f.add(
        k,
        f"POST /oauth2/token\nContent-Type: application/x-www-form-urlencoded\n\ngrant_type=client_credentials&client_id=reporting&client_secret={s}&scope=reports.read",
        s,
    )

    k = "json_escaped_nested_string"
    s = _gen(k, 18)
    f.add(
        k,
        f'{{"name": "worker", "config": "{{\\"db\\":{{\\"host\\":\\"pg\\",\\"password\\":\\"{s}\\"}},\\"workers\\":4}}"}}',
        s,
    )

    k = "double_json_escaped"
    s = _an(k, 32)
    f.add(k, f'"body": "{{\\\\\\"event\\\\\\":\\\\\\"push\\\\\\",\\\\\\"secret\\\\\\":\\\\\\"{s}\\\\\\"}}"', s)

    k = "go_json_unicode_ampersand"
    a, b = _an(k, 8), _an(k + "/2", 9)
    s = a + "\\u0026" + b
    f.add(k, f'{{"level":"debug","msg":"smtp config","user":"alerts","pass":"{s}","port":587}}', s)

    k = "html_entity_in_value_attr"
    a, b = _an(k, 9), _an(k + "/2", 8)
    s = a + "&amp;" + b
    f.add(k, f'<input type="password" name="smtp_pass" value="{s}" autocomplete="off">', s)

    k = "xml_escaped_attribute"
    a, b = _an(k, 8), _an(k + "/2", 8)
    s = a + "&lt;" + b
    f.add(k, f'<DataSource name="erp" user="erp_app" password="{s}" url="jdbc:sqlserver://erp:1433"/>', s)

    k = "python_implicit_concat_lines"
    a, b = "s" + "k-ant-api03-" + _url(k, 40), _url(k + "/2", 53) + "AA"
    f.add(k, f'ANTHROPIC_KEY = (\n    "{a}"\n    "{b}"\n)', a, b)

    k = "split_across_variables"
    a, b = _hx(k, 20), _hx(k + "/2", 20)
    f.add(
        k,
        f'const part1 = "{a}";\nconst part2 = "{b}";\nconst apiKey = part1 + part2; // split so the scanner stops complaining',
        a,
        b,
    )

    k = "commented_out_old_key"
    s = _an(k, 40)
    f.add(k, f'# BREVO_KEY = "{s}"  # old one, still works\nBREVO_KEY = os.environ["BREVO_KEY"]', s)

    k = "terminal_wrapped_token"
    s = _url(k, 200)
    f.add(k, f"$ kubectl create token ci-deployer -n ci\n{s[:80]}\n{s[80:160]}\n{s[160:]}", s[:80], s[80:160], s[160:])

    k = "mime_wrapped_base64_attachment"
    raw = f"[default]\naws_access_key_id = {_akia(k)}\naws_secret_access_key = {_aws_secret(k)}\n"
    b = _b64(raw)
    lines = [b[j : j + 76] for j in range(0, len(b), 76)]
    f.add(
        k,
        'Content-Type: text/plain; name="credentials"\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment; filename="credentials"\n\n'
        + "\n".join(lines),
        *[x for x in lines if len(x) >= 8],
    )

    k = "yaml_with_json_string"
    s = _an(k, 32)
    f.add(
        k,
        f'apiVersion: v1\nkind: ConfigMap\ndata:\n  providers.json: \'{{"geocoder":{{"url":"https://geo.acme.io","apiKey":"{s}"}}}}\'',
        s,
    )

    k = "ansi_colored_cli_output"
    s = _url(k, 40)
    f.add(
        k,
        f"\x1b[1;32m✔\x1b[0m Created API key \x1b[1mci-publish\x1b[0m\n  Token: \x1b[36m{s}\x1b[0m\n  \x1b[33mThis token will not be shown again.\x1b[0m",
        s,
    )

    k = "shell_single_quote_splice"
    a, b = "Tr0ub4dor" + _dig(k, 2), _an(k + "/2", 4) + "C4stle9"
    f.add(k, f"mysql -u app -p'{a}'\"'\"'{b}' -h 127.0.0.1", a, b)

    k = "shell_escaped_dollar"
    a, b = _an(k, 8), _an(k + "/2", 8)
    s = a + "\\$" + b
    f.add(k, f'export SFTP_PASS="{s}"\nlftp -u "acme,$SFTP_PASS" sftp://files.partner.example', s)

    k = "yaml_double_quoted_escapes"
    a, b = _an(k, 9), _an(k + "/2", 9)
    s = a + '\\"' + b
    f.add(k, f'smtp:\n  user: noreply\n  password: "{s}"', s)

    k = "sql_doubled_apostrophe"
    a, b = "Oconnell" + _dig(k, 2), _an(k + "/2", 8)
    s = a + "''" + b
    f.add(k, f"UPDATE service_accounts SET secret = '{s}' WHERE name = 'ldap-sync';", s)

    k = "csv_doubled_quotes"
    a, b = _an(k, 8), _an(k + "/2", 9)
    s = a + '""' + b
    f.add(k, f'name,password\nscanner,"{s}"', s)

    k = "base64_service_account_env"
    sa = json.dumps(
        {
            "type": "service_account",
            "project_id": "acme-prod",
            "private_key_id": _hx(k + "/kid", 40),
            "private_key": "-----BEGIN PRIVATE KEY-----\n" + _b64s(k + "/pk", 64) + "\n-----END PRIVATE KEY-----\n",
            "client_email": "ci@acme-prod.iam.gserviceaccount.com",
        }
    )
    s = _b64(sa)
    f.add(k, f"GOOGLE_CREDENTIALS_BASE64={s}", s)

    k = "dockerconfigjson_outer_b64"
    inner = _b64("ci:" + _gen(k, 20))
    s = _b64(json.dumps({"auths": {"ghcr.io": {"auth": inner}}}))
    f.add(k, f"apiVersion: v1\nkind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: {s}", s)

    k = "double_percent_encoding"
    p = _an(k, 9) + "@" + _an(k + "/2", 8)
    once = urllib.parse.quote(p, safe="")
    s = urllib.parse.quote(once, safe="")
    f.add(k, f"https://sso.acme.io/login?next=%2Fadmin&prefill=ftp%3A%2F%2Fdrop%3A{s}%40ftp.acme.io", s)

    k = "implicit_grant_fragment"
    s = _jwt(k, {"sub": "u-811", "scp": "openid profile", "exp": 1893456000}, "RS256")
    f.add(k, f"https://app.acme.io/callback#access_token={s}&token_type=Bearer&expires_in=3600&state=af0ifjsldkj", s)

    k = "xxd_hexdump_ascii_column"
    p = _an(k, 14)
    raw = ("pass=" + p + "\n").encode()
    rows = []
    for off in range(0, len(raw), 16):
        chunk = raw[off : off + 16]
        hexes = " ".join(chunk[j : j + 2].hex() for j in range(0, len(chunk), 2))
        rows.append(f"{off:08x}: {hexes:<39}  {''.join(chr(c) if 32 <= c < 127 else '.' for c in chunk)}")
    ascii_first = "".join(chr(c) for c in raw[5:16])
    f.add(k, "$ xxd .ftp_pass\n" + "\n".join(rows), ascii_first)

    k = "powershell_encoded_command"
    script = (
        f"$p = ConvertTo-SecureString '{_gen(k, 16)}' -AsPlainText -Force; New-LocalUser -Name svc_backup -Password $p"
    )
    s = base64.b64encode(script.encode("utf-16-le")).decode()
    f.add(k, f"powershell.exe -NoProfile -ExecutionPolicy Bypass -EncodedCommand {s}", s)

    k = "quoted_printable_email_body"
    a, b = _an(k, 9), _an(k + "/2", 9)
    f.add(
        k,
        f"Content-Transfer-Encoding: quoted-printable\n\nHallo Jonas,=0A=0Adein neues Kennwort f=C3=BCr das Ticketsystem: {a}=3D{b}=0A=0AGru=C3=9F",
        a + "=3D" + b,
    )

    k = "c_hex_escaped_string"
    p = _an(k, 12)
    s = "".join(f"\\x{ord(c):02x}" for c in p)
    f.add(k, f'static const char obf_key[] = "{s}";', s)

    k = "java_properties_unicode_escape"
    s = "Kr\\u00e4uterbutter" + str(_num(k, 1970, 2010)) + "!"
    f.add(
        k,
        f"# messages and settings (ISO-8859-1, non-ASCII escaped)\nmail.smtp.user=kueche@restaurant.example\nmail.smtp.password={s}",
        s,
    )

    k = "php_json_escaped_slashes"
    a, b = _an(k, 16), _an(k + "/2", 16)
    s = a + "\\/" + b
    f.add(k, f'{{"status":"ok","webhook":{{"url":"https:\\/\\/hooks.acme.io\\/in","secret":"{s}"}}}}', s)

    k = "env_split_two_vars"
    a, b = _url(k, 60), _url(k + "/2", 60)
    f.add(
        k,
        f"# Heroku limits the size, so the key is split in two\nFIREBASE_KEY_PART_1={a}\nFIREBASE_KEY_PART_2={b}",
        a,
        b,
    )

    k = "email_quoted_wrapped_token"
    s = _url(k, 90)
    f.add(
        k,
        f"> On Tue, Nov 24, Tom wrote:\n> the new webhook token is {s[:48]}\n> {s[48:]}\n> (it wrapped, join the two lines)",
        s[:48],
        s[48:],
    )

    k = "nested_url_encoded_redirect"
    s = _an(k, 32)
    f.add(
        k,
        f"https://login.acme.io/logout?redirect=https%3A%2F%2Fapp.acme.io%2Fimport%3Fsource%3Ds3%26token%3D{s}%26bucket%3Dacme-drop",
        s,
    )

    k = "secret_b64_and_decoded"
    p = _gen(k, 20)
    b = _b64(p)
    f.add(k, f"$ kubectl get secret minio -o jsonpath='{{.data.rootPassword}}'\n{b}\n$ echo {b} | base64 -d\n{p}", b, p)

    k = "hcl_heredoc_split_key"
    a, b = _b64s(k, 64), _b64s(k + "/2", 64)
    f.add(k, f'locals {{\n  signing_secret = join("", [\n    "{a}",\n    "{b}",\n  ])\n}}', a, b)

    k = "printf_passwd_stdin_twice"
    a = _gen(k, 14)
    f.add(
        k,
        f"$ printf '%s\\n%s\\n' '{a}' '{a}' | sudo passwd deploy\nNew password: Retype new password: passwd: password updated successfully",
        a,
    )

    k = "js_array_join_pieces"
    a, b = _an(k, 16), _an(k + "/2", 16)
    f.add(k, f"const key = ['{a}', '{b}'].join(''); // rebuilt at runtime", a, b)

    k = "html_autoescaped_apostrophe"
    a, b = "Pfann", "kuchen" + str(_num(k, 1970, 2005)) + "!"
    s = a + "&#39;" + b
    f.add(
        k,
        f"<p>Hallo Jonas,</p>\n<p>dein vorläufiges Passwort lautet <code>{s}</code>. Bitte ändere es nach der ersten Anmeldung.</p>",
        s,
    )

    k = "base64_in_markdown_codeblock_decode"
    p = "re" + "dis://:" + _an(k, 24) + "@cache:6379/0"
    b = _b64(p)
    f.add(k, f"The `REDIS_URL` in the secret is `{b}`; decoded it points at the internal cache.", b)

    return tuple(f)


# -- 12. key material --------------------------------------------------------------------------------


def _pem_body(seed: str, lines: int, first: str = "", width: int = 64) -> list[str]:
    """`lines` lines of base64 of `width` characters, the first starting with `first`, the last
    shorter and padded."""
    text = first + _b64s(seed, width * lines - len(first))
    out = [text[j : j + width] for j in range(0, len(text), width)]
    out[-1] = out[-1][: width // 2 + 4] + "=="
    return out


def _bech32ish(seed: str, hrp: str, n: int) -> str:
    return hrp + "1" + _draw(seed, _BECH32, n)


def _key_material() -> tuple[Planted, ...]:
    f = _Family()

    k = "pem_rsa_pkcs1_file"
    body = _pem_body(k, 8, "MIIEowIBAAKCAQEA")
    f.add(
        k,
        "$ cat deploy/id_rsa_legacy\n-----BEGIN RSA PRIVATE KEY-----\n"
        + "\n".join(body)
        + "\n-----END RSA PRIVATE KEY-----",
        *body,
    )

    k = "pem_ec_sec1"
    body = _pem_body(k, 3, "MHcCAQEEI")
    f.add(
        k,
        "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n-----BEGIN EC PRIVATE KEY-----\n"
        + "\n".join(body)
        + "\n-----END EC PRIVATE KEY-----",
        *body,
    )

    k = "service_account_json_private_key"
    body = _pem_body(k, 6, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC")
    pk = "-----BEGIN PRIVATE KEY-----\\n" + "\\n".join(body) + "\\n-----END PRIVATE KEY-----\\n"
    f.add(
        k,
        f'{{\n  "type": "service_account",\n  "project_id": "acme-analytics",\n  "private_key_id": "{_hx(k + "/kid", 40)}",\n  "private_key": "{pk}",\n  "client_email": "bq-loader@acme-analytics.iam.gserviceaccount.com"\n}}',
        *body,
    )

    k = "pem_encrypted_pkcs8_with_pass"
    body = _pem_body(k, 5, "MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI")
    p = _gen(k + "/pass", 18)
    f.add(
        k,
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
        + "\n".join(body)
        + f"\n-----END ENCRYPTED PRIVATE KEY-----\n\n$ openssl pkey -in tls.key -passin pass:{p} -noout && echo ok\nok",
        p,
        *body,
    )

    k = "openssh_private_key_file"
    body = _pem_body(k, 5, "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW", 70)
    f.add(
        k,
        "$ cat ~/.ssh/id_ed25519\n-----BEGIN OPENSSH PRIVATE KEY-----\n"
        + "\n".join(body)
        + "\n-----END OPENSSH PRIVATE KEY-----",
        *body,
    )

    k = "openssh_key_yaml_block_scalar"
    body = _pem_body(k, 4, "b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABB", 70)
    pp = _phrase(k + "/pp", ("harbor", "lemon", "sphinx", "quilt", "rapid", "zebra"), 3, " ")
    f.add(
        k,
        'deploy_ssh_passphrase: "'
        + pp
        + '"\ndeploy_ssh_key: |\n  -----BEGIN OPENSSH PRIVATE KEY-----\n  '
        + "\n  ".join(body)
        + "\n  -----END OPENSSH PRIVATE KEY-----",
        pp,
        *body,
    )

    k = "pgp_private_key_block"
    body = _pem_body(k, 6, "lQdGBGV")
    f.add(
        k,
        "-----BEGIN PGP PRIVATE KEY BLOCK-----\nComment: release signing key\n\n"
        + "\n".join(body)
        + f"\n={_b64s(k + '/crc', 4)}\n-----END PGP PRIVATE KEY BLOCK-----",
        *body,
    )

    k = "jwk_rsa_private_members"
    d, pp, q = _b64u(_bytes(k + "/d", 256)), _b64u(_bytes(k + "/p", 128)), _b64u(_bytes(k + "/q", 128))
    f.add(
        k,
        json.dumps(
            {
                "kty": "RSA",
                "kid": "2026-11-signing",
                "use": "sig",
                "alg": "RS256",
                "n": _b64u(_bytes(k + "/n", 256)),
                "e": "AQAB",
                "d": d,
                "p": pp,
                "q": q,
            },
            indent=2,
        ),
        d,
        pp,
        q,
    )

    k = "jwk_okp_ed25519"
    d = _b64u(_bytes(k + "/d", 32))
    f.add(
        k,
        f'JWKS_PRIVATE=\'{{"keys":[{{"kty":"OKP","crv":"Ed25519","kid":"k1","x":"{_b64u(_bytes(k + "/x", 32))}","d":"{d}"}}]}}\'',
        d,
    )

    k = "pkcs12_base64_ci_vars"
    body = "MIIKcQIBAzCCCicGCSqGSIb3DQEHAaCCChgEggoUMIIKEDCCBMcGCSqGSIb3DQEHBqCCBLgw" + _b64s(k, 300)
    p = _gen(k + "/pw", 16)
    f.add(k, f"IOS_DIST_CERT_P12_BASE64={body}\nIOS_DIST_CERT_PASSWORD={p}", body, p)

    k = "age_identity_file"
    s = "AGE-SECRET-KEY-1" + _draw(k, _BECH32, 58).upper()
    f.add(k, f"# created: 2026-11-27T12:01:44+01:00\n# public key: {_bech32ish(k + '/pub', 'age', 58)}\n{s}", s)

    k = "minisign_secret_key_file"
    s = "RWRTY0Iy" + _b64s(k, 204)
    f.add(k, f"untrusted comment: minisign encrypted secret key\n{s}", s)

    k = "wireguard_interface_conf"
    priv, psk = _b64(_bytes(k + "/priv", 32)), _b64(_bytes(k + "/psk", 32))
    f.add(
        k,
        f"[Interface]\nPrivateKey = {priv}\nAddress = 10.8.0.2/32\nDNS = 10.8.0.1\n\n[Peer]\nPublicKey = {_b64(_bytes(k + '/pub', 32))}\nPresharedKey = {psk}\nEndpoint = vpn.acme.io:51820\nAllowedIPs = 0.0.0.0/0",
        priv,
        psk,
    )

    k = "tor_hs_secret_key_b64"
    s = _b64(b"== ed25519v1-secret: type0 ==\x00\x00\x00" + _bytes(k, 64))
    f.add(k, f"$ sudo base64 -w0 /var/lib/tor/hidden_service/hs_ed25519_secret_key\n{s}", s)

    k = "nostr_nsec_bech32"
    s = _bech32ish(k, "nsec", 58)
    f.add(k, f"my nostr keys for the bot:\nnpub: {_bech32ish(k + '/pub', 'npub', 58)}\nnsec: {s}", s)

    k = "solana_keypair_json_array"
    s = "[" + ",".join(str(b) for b in _bytes(k, 64)) + "]"
    f.add(k, f"$ cat ~/.config/solana/devnet-deployer.json\n{s}", s)

    k = "cardano_signing_key_envelope"
    s = "5820" + _hx(k, 64)
    f.add(
        k,
        f'{{\n    "type": "PaymentSigningKeyShelley_ed25519",\n    "description": "Payment Signing Key",\n    "cborHex": "{s}"\n}}',
        s,
    )

    k = "bip39_24_with_passphrase"
    m = mnemonic("fresh14:" + k, 24)
    pp = _phrase(k + "/pp", ("Anker", "Leuchtturm", "Moewe", "Duene"), 3, "")
    f.add(k, f"Ledger backup (written on the card):\n{m}\n25th word / passphrase: {pp}", m, pp)

    k = "bip39_12_numbered_list"
    words = mnemonic("fresh14:" + k, 12).split()
    s = " ".join(f"{j + 1}. {w}" for j, w in enumerate(words))
    f.add(k, f"recovery phrase from the exodus wallet: {s}", s)

    k = "bip39_18_one_per_line"
    words = mnemonic("fresh14:" + k, 18).split()
    s = "\n".join(words)
    f.add(k, "Here's the seed for the test wallet, it has ~0.3 ETH on it:\n" + s, s)

    k = "electrum_zprv_master"
    s = "zp" + "rvAW" + _b58(k, 105)
    f.add(
        k, f'"keystore": {{\n    "type": "bip32",\n    "xprv": "{s}",\n    "xpub": "zpub{_b58(k + "/pub", 107)}"\n}}', s
    )

    k = "ethereum_keystore_v3_and_password"
    ct, pw = _hx(k + "/ct", 64), _gen(k + "/pw", 16)
    f.add(
        k,
        f'{{"address":"8c1f2a3b4d5e6f708192a3b4c5d6e7f8091a2b3c","crypto":{{"cipher":"aes-128-ctr","ciphertext":"{ct}","cipherparams":{{"iv":"{_hx(k + "/iv", 32)}"}},"kdf":"scrypt","kdfparams":{{"dklen":32,"n":262144,"p":1,"r":8,"salt":"{_hx(k + "/salt", 64)}"}},"mac":"{_hx(k + "/mac", 64)}"}},"id":"{_uuid(k)}","version":3}}\nkeystore password: {pw}',
        ct,
        pw,
    )

    k = "metamask_exported_key_chat"
    s = _hx(k, 64)
    f.add(
        k,
        f"exported it from metamask (Account details → Show private key): {s} — import that into the hardhat config",
        s,
    )

    k = "monero_secret_keys"
    s1, s2 = _hx(k + "/spend", 64), _hx(k + "/view", 64)
    f.add(
        k,
        f"[wallet 44AFFq]: spendkey\nsecret: {s1}\npublic: {_hx(k + '/pubs', 64)}\n[wallet 44AFFq]: viewkey\nsecret: {s2}",
        s1,
        s2,
    )

    k = "bitcoin_core_dumpprivkey"
    s = wif("fresh14:" + k)
    f.add(k, f"$ bitcoin-cli dumpprivkey bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh\n{s}", s)

    k = "bitcoin_wif_testnet_import"
    s = wif("fresh14:" + k, compressed=False, testnet=True)
    f.add(k, f'bitcoin-cli -testnet importprivkey "{s}" "faucet" false', s)

    k = "otpauth_uri_qr_text"
    s = _b32(k, 32)
    f.add(
        k,
        f"otpauth://totp/ACME%20VPN:marta.k%40acme.io?secret={s}&issuer=ACME%20VPN&algorithm=SHA1&digits=6&period=30",
        s,
    )

    k = "pyotp_seed_in_code"
    s = _b32(k, 16)
    f.add(k, f'totp = pyotp.TOTP("{s}")\nprint(totp.now())  # the ops@ account 2FA', s)

    k = "github_recovery_codes"
    codes = [_hx(f"{k}/{j}", 5) + "-" + _hx(f"{k}/{j}b", 5) for j in range(8)]
    f.add(k, "github-recovery-codes.txt\n" + "\n".join(codes), *codes)

    k = "google_backup_codes"
    codes = [f"{_dig(f'{k}/{j}', 4)} {_dig(f'{k}/{j}b', 4)}" for j in range(6)]
    f.add(
        k,
        "BACKUP VERIFICATION CODES\nops@acme.io\n\n"
        + "\n".join(f"{j + 1}. {c}" for j, c in enumerate(codes))
        + "\n\nKeep these somewhere safe.",
        *codes,
    )

    k = "keepass_keyfile_xml"
    groups = [_uhx(f"{k}/{j}", 8) for j in range(8)]
    s = " ".join(groups[:4]) + "\n            " + " ".join(groups[4:])
    f.add(
        k,
        f'<?xml version="1.0" encoding="utf-8"?>\n<KeyFile>\n    <Meta><Version>2.0</Version></Meta>\n    <Key>\n        <Data Hash="{_uhx(k + "/h", 8)}">\n            {s}\n        </Data>\n    </Key>\n</KeyFile>',
        " ".join(groups[:4]),
        " ".join(groups[4:]),
    )

    k = "bitlocker_recovery_key"
    s = "-".join(_dig(f"{k}/{j}", 6) for j in range(8))
    f.add(k, f"BitLocker Drive Encryption recovery key\n\nIdentifier:\n\t{_uuid(k).upper()}\n\nRecovery Key:\n\t{s}", s)

    k = "apple_p8_auth_key"
    body = _pem_body(k, 3, "MIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQg")
    f.add(
        k,
        "$ cat AuthKey_7QK2M9X4LP.p8\n-----BEGIN PRIVATE KEY-----\n" + "\n".join(body) + "\n-----END PRIVATE KEY-----",
        *body,
    )

    k = "putty_ppk_v3"
    priv = _b64s(k, 64)
    mac = _hx(k + "/mac", 64)
    f.add(
        k,
        f"PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: ed25519-key-20261127\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAI{_b64s(k + '/pub', 43)}\nPrivate-Lines: 1\n{priv}\nPrivate-MAC: {mac}",
        priv,
    )

    k = "sslkeylogfile_lines"
    s1, s2 = _hx(k + "/c", 64), _hx(k + "/s", 64)
    f.add(
        k,
        f"# SSL/TLS secrets log file, generated by NSS\nCLIENT_HANDSHAKE_TRAFFIC_SECRET {_hx(k + '/r', 64)} {s1}\nSERVER_HANDSHAKE_TRAFFIC_SECRET {_hx(k + '/r', 64)} {s2}",
        s1,
        s2,
    )

    k = "kerberos_keytab_base64"
    s = "BQIAAABV" + _b64s(k, 140)
    f.add(k, f"$ base64 -w0 /etc/krb5.keytab.d/http-intranet.keytab\n{s}", s)

    k = "lnd_admin_macaroon_hex"
    s = "0201036c6e6402f801" + _hx(k, 220)
    f.add(k, f"$ xxd -ps -u -c 1000 ~/.lnd/data/chain/bitcoin/mainnet/admin.macaroon | tr 'A-F' 'a-f'\n{s}", s)

    k = "tauri_signing_private_key"
    s = _b64("untrusted comment: rsign encrypted secret key\nRWRTY0Iy" + _b64s(k, 200) + "\n")
    pw = _gen(k + "/pw", 16)
    f.add(k, f"TAURI_SIGNING_PRIVATE_KEY={s}\nTAURI_SIGNING_PRIVATE_KEY_PASSWORD={pw}", s, pw)

    k = "cosign_key_and_password"
    body = _pem_body(k, 4, "eyJrZGYiOnsibmFtZSI6InNjcnlwdCIsInBhcmFtcyI6eyJOIjozMjc2OCwiciI6")
    pw = _gen(k + "/pw", 18)
    f.add(
        k,
        "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n"
        + "\n".join(body)
        + f"\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n$ COSIGN_PASSWORD='{pw}' cosign sign --key cosign.key ghcr.io/acme/api:2.31.0",
        pw,
        *body,
    )

    k = "ssh_key_env_escaped_newlines"
    body = _pem_body(k, 4, "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW", 70)
    f.add(
        k,
        'SSH_PRIVATE_KEY="-----BEGIN OPENSSH PRIVATE KEY-----\\n'
        + "\\n".join(body)
        + '\\n-----END OPENSSH PRIVATE KEY-----"',
        *body,
    )

    k = "cosmos_keys_add_recover"
    m = mnemonic("fresh14:" + k, 24)
    f.add(
        k,
        f"$ gaiad keys add validator --recover --keyring-backend file\n> Enter your bip39 mnemonic\n{m}\nEnter keyring passphrase (attempt 1/3):",
        m,
    )

    k = "hardhat_mnemonic_accounts"
    m = mnemonic("fresh14:" + k, 12)
    f.add(
        k,
        f'networks: {{\n  holesky: {{\n    url: process.env.HOLESKY_RPC,\n    accounts: {{ mnemonic: "{m}", path: "m/44\'/60\'/0\'/0" }},\n  }},\n}}',
        m,
    )

    k = "ykman_piv_management_key"
    s = _hx(k, 48)
    f.add(
        k,
        f"$ ykman piv access change-management-key --generate --protect=false\nEnter the current management key [blank to use default key]: \nGenerated management key: {s}",
        s,
    )

    k = "dnssec_private_key_file"
    s = _b64(_bytes(k, 32))
    f.add(
        k,
        f"$ cat Kacme.io.+013+41523.private\nPrivate-key-format: v1.3\nAlgorithm: 13 (ECDSAP256SHA256)\nPrivateKey: {s}\nCreated: 20261127110144",
        s,
    )

    k = "bind_tsig_key_clause"
    s = _b64(_bytes(k, 32))
    f.add(k, f'key "xfr-secondary" {{\n    algorithm hmac-sha256;\n    secret "{s}";\n}};', s)

    return tuple(f)


# -- 13. other hard cases: mobile, IDEs, CI traces, browsers, password managers, backups, devices -----


def _hard_cases() -> tuple[Planted, ...]:
    f = _Family()

    k = "rn_gradle_properties_upload"
    s1, s2 = _gen(k, 16), _gen(k + "/2", 16)
    f.add(
        k,
        f"# android/gradle.properties\nMYAPP_UPLOAD_STORE_FILE=my-upload-key.keystore\nMYAPP_UPLOAD_KEY_ALIAS=my-key-alias\nMYAPP_UPLOAD_STORE_PASSWORD={s1}\nMYAPP_UPLOAD_KEY_PASSWORD={s2}",
        s1,
        s2,
    )

    k = "ios_xcconfig_secret"
    s = _an(k, 40)
    f.add(
        k,
        f"// Secrets.xcconfig (not in git... supposedly)\nAPI_BASE = https:/$()/api.acme.io\nINTERCOM_IOS_SECRET = {s}",
        s,
    )

    k = "expo_app_json_extra"
    s = "s" + "k_" + _an(k, 32)
    f.add(
        k,
        f'{{\n  "expo": {{\n    "name": "Acme",\n    "slug": "acme",\n    "extra": {{\n      "eas": {{ "projectId": "{_uuid(k + "/p")}" }},\n      "revenueCatSecretKey": "{s}"\n    }}\n  }}\n}}',
        s,
    )

    k = "flutter_dart_define_flag"
    s = "s" + "k_live_" + _an(k, 99)
    f.add(k, f"flutter build apk --release --dart-define=STRIPE_SECRET={s} --dart-define=ENV=prod", s)

    k = "vscode_sqltools_connection"
    s = _gen(k, 18)
    f.add(
        k,
        f'"sqltools.connections": [\n    {{\n        "name": "prod-readonly",\n        "driver": "PostgreSQL",\n        "server": "pg-ro.acme.internal",\n        "port": 5432,\n        "database": "app",\n        "username": "readonly",\n        "password": "{s}"\n    }}\n]',
        s,
    )

    k = "vscode_launch_json_env"
    s = _an(k, 32)
    f.add(
        k,
        f'{{\n  "type": "node",\n  "request": "launch",\n  "name": "API (prod data)",\n  "program": "${{workspaceFolder}}/src/server.ts",\n  "env": {{ "NODE_ENV": "development", "PLAID_SECRET": "{s}" }}\n}}',
        s,
    )

    k = "jetbrains_workspace_env"
    s = _url(k, 40)
    f.add(
        k,
        f'<configuration name="worker" type="PythonConfigurationType">\n  <envs>\n    <env name="PYTHONUNBUFFERED" value="1" />\n    <env name="SHOPIFY_ADMIN_TOKEN" value="{"sh" + "pat_" + _hx(k, 32)}" />\n    <env name="QUEUE_TOKEN" value="{s}" />\n  </envs>\n</configuration>',
        _hx(k, 32),
        s,
    )

    k = "rest_client_http_file"
    s = _url(k, 44)
    f.add(
        k,
        f"@baseUrl = https://api.acme.io\n@token = {s}\n\n### me\nGET {{{{baseUrl}}}}/v1/me\nAuthorization: Bearer {{{{token}}}}",
        s,
    )

    k = "insomnia_export_environment"
    s = _an(k, 36)
    f.add(
        k,
        f'{{"_type":"environment","name":"Production","data":{{"base_url":"https://api.acme.io","client_secret":"{s}"}}}}',
        s,
    )

    k = "ci_set_x_curl_trace"
    s = _gh("p", k)
    f.add(
        k,
        f"+ VERSION=2.31.0\n+ curl -sf -X POST -H 'Authorization: token {s}' -d '{{\"tag_name\":\"v2.31.0\"}}' https://api.github.com/repos/acme/api/releases\n+ echo released",
        s,
    )

    k = "ci_set_x_echo_pipe_login"
    s = _an(k, 32)
    f.add(k, f"+ echo {s}\n+ docker login quay.io -u acme+ci --password-stdin\nLogin Succeeded", s)

    k = "ci_set_x_export_trace"
    s = _aws_secret(k)
    f.add(
        k,
        f"++ jq -r .SecretAccessKey creds.json\n+ export AWS_SECRET_ACCESS_KEY={s}\n+ AWS_SECRET_ACCESS_KEY={s}\n+ aws s3 sync dist/ s3://acme-web",
        s,
    )

    k = "ci_mask_bypassed_urlencoded"
    p = _an(k, 12) + "/" + _an(k + "/2", 12)
    s = urllib.parse.quote(p, safe="")
    f.add(
        k,
        f"Run git push https://ci:***@git.acme.io/web.git\nremote: HTTP Basic: Access denied\nfatal: Authentication failed for 'https://ci:{s}@git.acme.io/web.git/'",
        s,
    )

    k = "devtools_copy_as_curl"
    s1, s2 = _url(k, 48), _jwt(k + "/jwt", {"sub": "u-18", "org": "acme", "exp": 1893456000})
    f.add(
        k,
        f"curl 'https://app.acme.io/api/graphql' \\\n  -H 'accept: */*' \\\n  -H 'authorization: Bearer {s2}' \\\n  -H 'cookie: _ga=GA1.1.1283746.1764230000; __Host-session={s1}; theme=dark' \\\n  --data-raw '{{\"query\":\"{{ me {{ id }} }}\"}}'",
        s1,
        s2,
    )

    k = "devtools_copy_as_fetch"
    s = _url(k, 40)
    f.add(
        k,
        f'fetch("https://admin.acme.io/api/users?page=2", {{\n  "headers": {{\n    "accept": "application/json",\n    "x-admin-token": "{s}"\n  }},\n  "method": "GET",\n  "credentials": "include"\n}});',
        s,
    )

    k = "devtools_localstorage_console"
    s = _jwt(k, {"sub": "42", "email": "anna@acme.io", "iat": 1764230400})
    r = _url(k + "/r", 64)
    f.add(
        k,
        f"> localStorage\n< Storage {{auth.accessToken: '{s}', auth.refreshToken: '{r}', theme: 'dark', length: 3}}",
        s,
        r,
    )

    k = "devtools_cookie_table_row"
    s = _hx(k, 64)
    f.add(
        k,
        f"Name\tValue\tDomain\tPath\tExpires / Max-Age\tSize\tHttpOnly\tSecure\nsessionid\t{s}\t.shop.acme.io\t/\t2026-12-11T10:00:00.000Z\t73\t✓\t✓",
        s,
    )

    k = "devtools_copy_as_powershell"
    s = _url(k, 40)
    f.add(
        k,
        f'$session = New-Object Microsoft.PowerShell.Commands.WebRequestSession\n$session.Cookies.Add((New-Object System.Net.Cookie("remember_token", "{s}", "/", "portal.acme.io")))\nInvoke-WebRequest -UseBasicParsing -Uri "https://portal.acme.io/account" -WebSession $session',
        s,
    )

    k = "bitwarden_json_export"
    s1, s2 = _gen(k, 20), _b32(k + "/totp", 32)
    f.add(
        k,
        f'{{\n  "encrypted": false,\n  "items": [\n    {{\n      "type": 1,\n      "name": "AWS root",\n      "login": {{\n        "uris": [{{"uri": "https://signin.aws.amazon.com"}}],\n        "username": "aws@acme.io",\n        "password": "{s1}",\n        "totp": "{s2}"\n      }}\n    }}\n  ]\n}}',
        s1,
        s2,
    )

    k = "onepassword_csv_export"
    s1, s2 = _gen(k, 20), _wy(k + "/2", "Hetzner")
    f.add(
        k,
        f'"Title","Website","Username","Password","OTPAuth","Favorite","Archived","Tags","Notes"\n"Cloudflare","https://dash.cloudflare.com","ops@acme.io","{s1}","","false","false","infra",""\n"Hetzner Robot","https://robot.hetzner.com","K0123456789","{s2}","","false","false","infra",""',
        s1,
        s2,
    )

    k = "keepass_xml_entry"
    s = _gen(k, 22)
    f.add(
        k,
        f'<Entry>\n\t<UUID>{_b64(_bytes(k + "/u", 16))}</UUID>\n\t<String><Key>Title</Key><Value>Synology DSM</Value></String>\n\t<String><Key>UserName</Key><Value>admin</Value></String>\n\t<String><Key>Password</Key><Value ProtectInMemory="True">{s}</Value></String>\n</Entry>',
        s,
    )

    k = "lastpass_csv_export"
    s = _wn(k, "Bankhaus", 4)
    f.add(
        k,
        f"url,username,password,totp,extra,name,grouping,fav\nhttps://banking.example,14402231,{s},,,Firmenkonto,Finance,1",
        s,
    )

    k = "chrome_passwords_csv"
    s1, s2 = _date(k, "Lukas"), _wy(k + "/2", "Fussball")
    f.add(
        k,
        f"name,url,username,password,note\nrouter.local,http://192.168.178.1/,admin,{s1},\nkicker.de,https://www.kicker.de/,lukas91,{s2},",
        s1,
        s2,
    )

    k = "wp_config_bak_grep"
    s = _gen(k, 18)
    f.add(
        k,
        f"$ curl -s https://blog.acme.io/wp-config.php.bak | grep DB_\ndefine('DB_NAME', 'blog');\ndefine('DB_USER', 'blog');\ndefine('DB_PASSWORD', '{s}');\ndefine('DB_HOST', 'localhost');",
        s,
    )

    k = "env_backup_tilde_file"
    s = _an(k, 40)
    f.add(
        k,
        f"$ ls -a\n.  ..  .env  .env~  .env.save  app.js\n$ cat .env~\nTWITCH_CLIENT_SECRET={_low(k + '/t', 30)}\nAPP_SECRET={s}",
        _low(k + "/t", 30),
        s,
    )

    k = "vim_swap_strings"
    s = _an(k, 48)
    f.add(k, f'$ strings .settings_local.py.swp | grep -i key\nMEILI_MASTER_KEY = "{s}"\nb0VIM 9.1', s)

    k = "cisco_ios_running_config"
    t7 = _uhx(k + "/t7", 22)
    comm = _gen(k + "/snmp", 14, "!*-_")
    f.add(
        k,
        f"!\nhostname core-sw1\n!\nenable secret 9 $9${_url(k + '/salt', 14)}${_url(k + '/h', 43)}\nusername netadmin privilege 15 password 7 {t7}\n!\nsnmp-server community {comm} RO 10\n!",
        t7,
        comm,
        _url(k + "/h", 43),
    )

    k = "mikrotik_export_compact"
    s1, s2 = (
        _gen(k, 16),
        _phrase(k + "/w", ("kiwi", "nebula", "granite", "ferry", "mango", "sable"), 3, "") + str(_num(k, 10, 99)),
    )
    f.add(
        k,
        f"# nov/27/2026 12:10:44 by RouterOS 7.16\n/interface wifi security\nadd authentication-types=wpa2-psk,wpa3-psk name=home passphrase={s2}\n/user\nadd group=read name=backup password={s1}",
        s1,
        s2,
    )

    k = "openwrt_uci_wireless"
    s = _phrase(k, ("tomato", "velvet", "orchid", "canyon", "pebble", "comet"), 3, "-")
    f.add(
        k,
        f"config wifi-iface 'default_radio0'\n\toption device 'radio0'\n\toption network 'lan'\n\toption mode 'ap'\n\toption ssid 'Attic'\n\toption encryption 'sae-mixed'\n\toption key '{s}'",
        s,
    )

    k = "home_assistant_secrets_yaml"
    s1, s2 = _gen(k, 16), _hx(k + "/2", 32)
    f.add(k, f"# secrets.yaml\nmqtt_password: {s1}\nopenweathermap_key: {s2}\nlatitude_home: 52.52", s1, s2)

    k = "esphome_device_yaml"
    s1, s2, s3 = _wy(k, "Gartenhaus"), _b64(_bytes(k + "/api", 32)), _hx(k + "/ota", 32)
    f.add(
        k,
        f'wifi:\n  ssid: Gartenhaus\n  password: "{s1}"\napi:\n  encryption:\n    key: "{s2}"\nota:\n  - platform: esphome\n    password: "{s3}"',
        s1,
        s2,
        s3,
    )

    k = "tasmota_backlog_console"
    s1, s2 = _wy(k, "Steckdose"), _gen(k + "/mqtt", 16)
    f.add(
        k,
        f"12:14:03.118 CMD: Backlog SSID1 Home-IoT; Password1 {s1}; MqttHost 192.168.1.10; MqttUser tasmota; MqttPassword {s2}",
        s1,
        s2,
    )

    k = "zigbee2mqtt_network_key"
    nums = ", ".join(str(b) for b in _bytes(k, 16))
    s = f"[{nums}]"
    f.add(
        k, f"advanced:\n  pan_id: 6754\n  ext_pan_id: [221, 221, 221, 221, 221, 221, 221, 221]\n  network_key: {s}", s
    )

    k = "arduino_mqtt_connect"
    s = _gen(k, 16)
    f.add(
        k,
        f'void reconnect() {{\n  while (!client.connected()) {{\n    if (client.connect("esp32-garage", "garage", "{s}")) {{\n      client.subscribe("garage/door/set");\n    }}\n  }}\n}}',
        s,
    )

    k = "minecraft_server_properties"
    s = _gen(k, 14)
    f.add(k, f"enable-rcon=true\nrcon.port=25575\nrcon.password={s}\nmotd=Acme Friday Server", s)

    k = "source_server_cfg"
    s1, s2 = _gen(k, 14), _wn(k + "/sv", "lanparty", 4)
    f.add(k, f'hostname "Acme LAN"\nrcon_password "{s1}"\nsv_password "{s2}"\nsv_cheats 0', s1, s2)

    k = "teamviewer_chat_handoff"
    s = _low(k, 8)
    f.add(k, f"ok teamviewer is open, ID 1 482 337 905 and the password is {s} — you can take over now", s)

    k = "git_credential_fill_output"
    s = _gh("o", k)
    f.add(
        k,
        f"$ printf 'protocol=https\\nhost=github.com\\n\\n' | git credential fill\nprotocol=https\nhost=github.com\nusername=marta-k\npassword={s}",
        s,
    )

    k = "tfstate_sensitive_attributes"
    s = _gen(k, 24)
    f.add(
        k,
        f'      "instances": [\n        {{\n          "schema_version": 2,\n          "attributes": {{\n            "identifier": "orders-db",\n            "engine": "postgres",\n            "password": "{s}",\n            "username": "orders"\n          }},\n          "sensitive_attributes": [[{{"type": "get_attr", "value": "password"}}]]',
        s,
    )

    k = "proc_environ_dump"
    s = _hx(k, 40)
    f.add(
        k,
        f"$ sudo cat /proc/$(pgrep -f gunicorn | head -1)/environ | tr '\\0' '\\n' | grep -v PATH\nHOME=/srv/app\nLANG=C.UTF-8\nGUNICORN_CMD_ARGS=--workers 4\nPOSTHOG_PERSONAL_API_KEY={'ph' + 'x_' + s}",
        s,
    )

    k = "postman_collection_basic_auth"
    s = _gen(k, 16)
    f.add(
        k,
        f'"auth": {{\n  "type": "basic",\n  "basic": [\n    {{"key": "password", "value": "{s}", "type": "string"}},\n    {{"key": "username", "value": "integration", "type": "string"}}\n  ]\n}}',
        s,
    )

    k = "filezilla_sitemanager_base64"
    s = _b64(_gen(k, 16))
    f.add(
        k,
        f'<Server>\n    <Host>ftp.partner.example</Host>\n    <Port>21</Port>\n    <User>acme</User>\n    <Pass encoding="base64">{s}</Pass>\n    <Name>Partner FTP</Name>\n</Server>',
        s,
    )

    k = "windows_unattend_xml"
    s = _wy(k, "Werkbank")
    f.add(
        k,
        f"<UserAccounts>\n    <AdministratorPassword>\n        <Value>{s}</Value>\n        <PlainText>true</PlainText>\n    </AdministratorPassword>\n</UserAccounts>",
        s,
    )

    k = "cloud_init_chpasswd"
    s1, s2 = _gen(k, 16), _gen(k + "/2", 16)
    f.add(
        k,
        f"#cloud-config\nssh_pwauth: true\nchpasswd:\n  expire: false\n  users:\n    - name: root\n      password: {s1}\n      type: text\n    - name: ops\n      password: {s2}\n      type: text",
        s1,
        s2,
    )

    k = "debian_preseed_passwords"
    s = _gen(k, 16)
    f.add(
        k,
        f"d-i passwd/root-login boolean false\nd-i passwd/user-fullname string Ops\nd-i passwd/username string ops\nd-i passwd/user-password password {s}\nd-i passwd/user-password-again password {s}",
        s,
    )

    return tuple(f)


# -- look-alikes: texts that resemble secrets and hold none -------------------------------------------


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _sri(text: str, alg: str = "sha512") -> str:
    return f"{alg}-" + base64.b64encode(hashlib.new(alg, text.encode()).digest()).decode()


_SVG = "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'><circle cx='8' cy='8' r='7' fill='#3b82f6'/></svg>"
_PUB_ED = "AAAAC3NzaC1lZDI1NTE5AAAAI" + _b64s("benign/ssh-pub", 43)
_CERT_LINES = _pem_body("benign/cert", 4, "MIIDdzCCAl+gAwIBAgIUR4c")
_PUBKEY_LINES = _pem_body("benign/pubkey", 3, "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA")

BENIGN_FRESH14: tuple[str, ...] = (
    # commits, ids and checksums
    f"commit {_sha256('benign/commit/1')[:40]}\nAuthor: Lena Vogt <lena@acme.io>\nDate:   Thu Nov 26 17:02:11 2026 +0100\n\n    fix retry backoff",
    f"Merge pull request #4412 from acme/fix/retry-backoff ({_sha256('benign/commit/2')[:7]})",
    f"$ git log --oneline -3\n{_sha256('b/c3')[:7]} bump deps\n{_sha256('b/c4')[:7]} docs: token rotation\n{_sha256('b/c5')[:7]} ci: cache pnpm store",
    f"request_id={_uuid('benign/req')} status=200 duration_ms=41 route=/v1/orders",
    f"{_sha256('')}  empty.txt\n{_sha256('benign/iso')}  ubuntu-24.04.1-live-server-amd64.iso",
    f'"node_modules/left-pad": {{\n  "version": "1.3.0",\n  "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",\n  "integrity": "{_sri("left-pad-1.3.0")}"\n}}',
    f'files = [\n    {{file = "requests-2.32.3-py3-none-any.whl", hash = "sha256:{_sha256("requests-2.32.3")}"}},\n]',
    f'[[package]]\nname = "serde"\nversion = "1.0.215"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "{_sha256("serde-1.0.215")}"',
    f"golang.org/x/net v0.31.0 h1:{base64.b64encode(hashlib.sha256(b'x/net v0.31.0').digest()).decode()}\ngolang.org/x/net v0.31.0/go.mod h1:{base64.b64encode(hashlib.sha256(b'x/net go.mod').digest()).decode()}",
    f"FROM python:3.12-slim@sha256:{_sha256('python:3.12-slim')}",
    f"requests==2.32.3 \\\n    --hash=sha256:{_sha256('requests wheel')} \\\n    --hash=sha256:{_sha256('requests sdist')}",
    f"version https://git-lfs.github.com/spec/v1\noid sha256:{_sha256('benign/lfs')}\nsize 10485760",
    f"sha1: da39a3ee5e6b4b0d3255bfef95601890afd80709\nmd5: {hashlib.md5(b'benign/md5').hexdigest()}",
    f"Sentry event ID: {_hx('benign/sentry-event', 32)} — see the issue in the dashboard",
    "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    f"x-amz-request-id: {_uhx('benign/amzreq', 16)}\nx-amz-id-2: {_b64s('benign/amzid2', 76)}=",
    f"cf-ray: {_hx('benign/cfray', 16)}-FRA",
    f"github.com/acme/tools v0.0.0-20261127104512-{_sha256('benign/pseudo')[:12]}",
    f"BuildID[sha1]={_sha256('benign/buildid')[:40]}, for GNU/Linux 3.2.0, stripped",
    f"Cache restored from key: Linux-pnpm-store-{_sha256('benign/pnpm-lock')}",
    f"{_sha256('benign/layer1')[:12]}: Pull complete\n{_sha256('benign/layer2')[:12]}: Pull complete\nDigest: sha256:{_sha256('benign/digest')}",
    f'<script src="/assets/main.{_hx("benign/chunk", 8)}.js"></script>\n<link rel="stylesheet" href="/assets/app.{_hx("benign/css", 20)}.css">',
    f'<script src="https://cdn.jsdelivr.net/npm/bootstrap@5.3.3/dist/js/bootstrap.bundle.min.js" integrity="{_sri("bootstrap-5.3.3", "sha384")}" crossorigin="anonymous"></script>',
    f"Content-Security-Policy: script-src 'self' '{_sri('inline-theme-script', 'sha256')}'",
    "NAME                      READY   STATUS    RESTARTS   AGE\napi-7d9c6b5f4-x2lqk       1/1     Running   0          3d\nworker-5b8f7c6d9-q8mzt    1/1     Running   2          3d",
    f'metadata:\n  uid: {_uuid("benign/k8s-uid")}\n  resourceVersion: "88123455"\n  creationTimestamp: "2026-11-27T08:00:00Z"',
    f'"lineage": "{_uuid("benign/lineage")}",\n"serial": 412,\n"terraform_version": "1.9.8"',
    f"$ az account set --subscription {_uuid('benign/sub')}\n$ az group list -o table",
    "arn:aws:iam::123456789012:role/github-actions-deployer",
    f"Instance i-0{_hx('benign/ec2', 16)} in subnet subnet-0{_hx('benign/subnet', 16)} is running",
    f'{{"_id": {{"$oid": "{_hx("benign/oid", 24)}"}}, "status": "shipped"}}',
    "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Class\\{4D36E968-E325-11CE-BFC1-08002BE10318}",
    f"INSERT INTO events (id, kind) VALUES ('{_uuid('benign/uuid7')}', 'signup');",
    "Slack channel C07HB2NXQ4M, user U02AB3CD4EF, team T0123ABCD",
    "customer cus_Q3hLm8TzPa4Wnd, invoice in_1PgY7sDk2HwE9cNb5rTu0aLz, charge succeeded",
    "Jira attachment: https://acme.atlassian.net/secure/attachment/10042/screenshot-2026-11-27.png",
    # placeholders, references and masks
    "API_KEY=<your-api-key-here>\nAPI_URL=https://api.example.com",
    "OPENAI_API_KEY=sk-...  # set this in your shell profile, never commit it",
    "db:\n  password: ${DB_PASSWORD}\n  user: ${DB_USER:-app}",
    "        token: {{ .Values.auth.token | b64enc | quote }}",
    "      env:\n        NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}\n        GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}",
    'curl -H "Authorization: Bearer $TOKEN" https://api.example.com/v1/me',
    "DATABASE_URL=postgres://user:password@localhost:5432/dbname  # template, fill in locally",
    "api_key: ****************************a1b2",
    "Token: ghp_************************************",
    "Using key sk-proj-…Xw2Q (only the last 4 characters are shown)",
    'STRIPE_KEY = "' + "sk" + "_test_" + "x" * 24 + '"  # fixture placeholder, not a real key',
    "2026-11-27T11:10:02Z Run docker login -u acme-ci -p *** ghcr.io",
    "sqlalchemy.engine.Engine: connected to postgresql+psycopg2://app:***@db:5432/app",
    "- ** ---------- .> transport:   amqp://guest:**@localhost:5672//",
    "\tssl.keystore.password = [hidden]\n\tssl.truststore.password = [hidden]\n\tsasl.jaas.config = [hidden]",
    'data:\n  password: "<redacted>"\n  username: "<redacted>"',
    'password: ""\nallow_empty_password: true  # local dev only',
    "Your verification code was sent to ***-***-4821.",
    "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
    'curl https://api.example.com/v2/items -H "X-Api-Key: YOUR_ACCESS_TOKEN"',
    "Authorization: Bearer <token>",
    "export GITHUB_TOKEN=$(gh auth token)",
    'echo "$CR_PAT" | docker login ghcr.io -u USERNAME --password-stdin',
    "kubectl create secret generic app-env --from-env-file=.env.production --dry-run=client -o yaml",
    "PGPASSWORD=$(cat /run/secrets/pg_password) psql -h db -U app",
    "$env:API_KEY\n%API_KEY%\nos.environ['API_KEY']\nprocess.env.API_KEY\nSys.getenv(\"API_KEY\")",
    "password: !vault |\n  # value lives in group_vars/prod/vault.yml",
    "op://Infra/Postgres Primary/password",
    "vault kv get -field=password secret/billing/postgres",
    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api/db-AbCdEf",
    "secretKeyRef:\n  name: stripe\n  key: webhook-secret",
    "token = secrets.token_hex(32)  # generated at startup, kept in memory only",
    "Generate a key with `openssl rand -base64 32` and store it as SESSION_KEY in the vault.",
    "SECRET_KEY_BASE is read from ENV in production; development uses tmp/local_secret.txt.",
    # policy text, names, settings without values
    "Passwords must be at least 12 characters long and contain an uppercase letter, a digit and a symbol. Passphrases of four or more words are encouraged.",
    "Required variables: DATABASE_PASSWORD, STRIPE_SECRET_KEY, JWT_SECRET, SENTRY_DSN (set them in the Render dashboard).",
    "PASSWORD_MIN_LENGTH=12\nPASSWORD_HASHER=argon2id\nTOKEN_TTL_SECONDS=3600\nSECRET_ROTATION_DAYS=90",
    "api_key_header_name: X-Api-Key\napi_key_query_param: api_key\nallow_api_key_in_query: false",
    "Forgot your password? Enter your email and we'll send you a reset link.",
    "The `password` column stores an argon2id hash; plain passwords never reach the database.",
    "Rotate the signing key every 90 days; the previous key stays valid for 24 hours so sessions survive.",
    "| Variable | Required | Description |\n|---|---|---|\n| `SMTP_PASSWORD` | yes | App password for the mail account |\n| `SMTP_HOST` | no | Defaults to smtp.gmail.com |",
    'parser.add_argument("--password", help="database password (or set PGPASSWORD)")',
    "Error: missing required argument 'token' (use --token or the ACME_TOKEN environment variable)",
    "The token is valid for 3600 seconds; refresh it with POST /oauth/token and grant_type=refresh_token.",
    # colours, versions and build numbers
    "color: #1f2937; background: #f9fafb; border-color: #e5e7eb; outline: 2px solid #2563eb80;",
    'colors: {\n  brand: { 50: "#eff6ff", 500: "#3b82f6", 900: "#1e3a8a" },\n  accent: "#f59e0b",\n}',
    "node v22.11.0, npm 10.9.0, pnpm 9.14.2, typescript 5.7.2",
    "Build 2026.11.27.1542-7f3c2a1 (ci run 88123, attempt 2)",
    "Version 1.4.0-rc.2+build.8812 (android versionCode 10408812)",
    'applicationId "io.acme.shop"\nversionCode 2031\nversionName "2.3.1"',
    # base64 of public data and public keys
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
    f"$ echo -n 'Hello, World!' | base64\n{_b64('Hello, World!')}",
    '"logo": "data:image/svg+xml;base64,' + _b64(_SVG) + '"',
    f"ssh-ed25519 {_PUB_ED} marta@thinkpad",
    f"github.com ssh-ed25519 {_PUB_ED}\n# added to ~/.ssh/known_hosts",
    "-----BEGIN CERTIFICATE-----\n" + "\n".join(_CERT_LINES) + "\n-----END CERTIFICATE-----",
    "-----BEGIN PUBLIC KEY-----\n" + "\n".join(_PUBKEY_LINES) + "\n-----END PUBLIC KEY-----",
    f"# public key: {_bech32ish('benign/age', 'age', 58)}\n(recipient only; the identity file stays on the YubiKey)",
    f"[Peer]\nPublicKey = {_b64(_bytes('benign/wg-pub', 32))}\nEndpoint = vpn.acme.io:51820\nAllowedIPs = 10.8.0.0/24",
    f"npub: {_bech32ish('benign/npub', 'npub', 58)}",
    "Token program: TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA",
    "Send ETH to 0x742d35Cc6634C0532925a3b844Bc454e4438f44e (the public donation address).",
    "Donations: bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
    f"tx {_hx('benign/txhash', 64)} confirmed in block 21,283,114",
    "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/metadata.json",
    "pub   ed25519 2024-03-11 [SC]\n      4AEE18F83AFDEB23B8E1B0E4C1F2A3D45E6F7081\nuid           [ultimate] Release Bot <release@acme.io>",
    f"ED25519 key fingerprint is SHA256:{base64.b64encode(hashlib.sha256(b'benign/hostkey').digest()).decode().rstrip('=')}.",
    f"SHA-256 Fingerprint: {':'.join(_uhx('benign/certfp', 64)[j : j + 2] for j in range(0, 64, 2))}",
    "client_id: 1234567890-abc123def456ghi789jkl.apps.googleusercontent.com",
    "NEXT_PUBLIC_SUPABASE_URL=https://qzkxvmlpwrtn.supabase.co",
    # documentation example values
    "aws_access_key_id = " + "AK" + "IAIOSFODNN7EXAMPLE  # example from the AWS docs",
    "Example: `curl -u demo:demo https://httpbin.org/basic-auth/demo/demo`",
    "For the tutorial we use the sandbox user `alice` with the password placeholder `<alice-password>`.",
    "The key format is `acme_live_` followed by 32 characters; test keys start with `acme_test_`.",
    "Webhook signatures use HMAC-SHA256 over `timestamp.body`, sent in the `Acme-Signature` header.",
    "Set `requirepass` in redis.conf (see the Security section) and restart the service.",
    "fetch(url, { headers: { Authorization: `Bearer ${await getToken()}` } })",
    "jwt.verify(token, process.env.JWT_PUBLIC_KEY, { algorithms: ['RS256'] })",
    "Set-Cookie: theme=dark; Path=/; Max-Age=31536000; SameSite=Lax",
    "Cookie: _ga=GA1.1.1283746.1764230000; locale=de-DE; consent=analytics:false",
    "?utm_source=newsletter&utm_medium=email&utm_campaign=black-friday-2026",
    "Your Zoom meeting ID is 812 3344 5566.",
    "ISBN 978-3-16-148410-0, DOI 10.1000/182",
    "ORDER #A7K2-9QXM-44RT shipped via DHL, tracking 00340434161094042557",
    "sha256 of the release tarball is published in SHA256SUMS.asc, signed with the release key above.",
    f'etag: W/"{_hx("benign/etag", 32)}"',
    f'If-None-Match: "{_hx("benign/etag2", 40)}"',
)


# -- the set -----------------------------------------------------------------------------------------

FAMILIES14: dict[str, tuple[Planted, ...]] = {
    "vendor_tokens": _vendor_tokens(),
    "terminal_sessions": _terminal_sessions(),
    "config_formats": _config_formats(),
    "source_code": _source_code(),
    "logs_http": _logs_http(),
    "user_chat": _user_chat(),
    "agent_prose": _agent_prose(),
    "diffs_reviews": _diffs_reviews(),
    "notebooks_data": _notebooks_data(),
    "pasted_docs": _pasted_docs(),
    "encoded_split": _encoded_split(),
    "key_material": _key_material(),
    "hard_cases": _hard_cases(),
}

FRESH14: tuple[Planted, ...] = tuple(p for family in FAMILIES14.values() for p in family)

# -- checks: kinds are unique, every secret is 8+ characters and sits in its text, no look-alike
#    holds a planted secret.

assert len({p.kind for p in FRESH14}) == len(FRESH14), "kinds must be unique"
for _p in FRESH14:
    assert _p.secrets, _p.kind
    for _s in _p.secrets:
        assert len(_s) >= 8, (_p.kind, _s)
        assert _s in _p.line or _s in _p.in_file, (_p.kind, _s)
_ALL_SECRETS = {s for p in FRESH14 for s in p.secrets}
for _text in BENIGN_FRESH14:
    for _s in _ALL_SECRETS:
        assert _s not in _text, (_s, _text[:60])
assert len(set(BENIGN_FRESH14)) == len(BENIGN_FRESH14), "look-alikes must be distinct"
del _p, _s, _text, _ALL_SECRETS
