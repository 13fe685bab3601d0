# ruff: noqa: RUF001
"""An eighth held-out set of planted secrets and their look-alikes (issue 60).

Written on 2026-11-27 by a helper who never saw the redaction rules, their tests, their benchmark
notes or the other sample sets: only the `Planted` dataclass and the value helpers of
`tests/secret_samples.py`. The kinds were chosen the way a red-teamer would who knows how people
really work with a coding agent: people writing to it in their own language, the agent's own plans
and summaries, terminal output of every kind of tool, config and code in many languages, logs and
HTTP dumps, diffs and reviews, notebooks and data exports, pasted tickets and emails, key material,
and secrets hidden by escaping, encoding, splitting, wrapping, tables or markup.

This set MEASURES only. It must never be used to write or tune rules: a rule written to catch one
of these kinds makes the set say nothing about how the rules carry over to kinds nobody tuned on.

Every value is fake and made at import time from the SHA-256 of its kind's name, mapped onto the
alphabet, length and prefix of the real format; prefixes are built by concatenation so that no
secret-shaped literal sits in this file. In a template `{{name}}` is a generated value (a secret,
unless its name starts with `p_`, a public identifier); `{{name__b64}}`, `__url`, `__json`, `__hex`,
`__h1`, `__h2` are its base64, percent-encoded, JSON-escaped and hex forms and its two halves.
`BENIGN_FRESH8` holds texts that resemble secrets but hold none.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import string
from collections.abc import Callable, Iterator
from urllib.parse import quote

from tests.secret_samples import Planted, mnemonic, wif

_ALPHABETS = {
    "an": string.ascii_letters + string.digits,
    "lan": string.ascii_lowercase + string.digits,
    "uan": string.ascii_uppercase + string.digits,
    "lw": string.ascii_lowercase,
    "hex": "0123456789abcdef",
    "HEX": "0123456789ABCDEF",
    "b64": string.ascii_letters + string.digits + "+/",
    "b64u": string.ascii_letters + string.digits + "-_",
    "b32": "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
    "bech": "qpzry9x8gf2tvdw0s3jn54khce6mua7l",
    "d": string.digits,
    "b58": "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz",
    "sym": string.ascii_letters + string.digits + "!@#%^&*-_+=?",
    "dj": string.ascii_lowercase + string.digits + "!@#$%^&*(-_=+)",
    "azs": string.ascii_letters + string.digits + "~._-",
}

_WORDS = [
    "sunflower",
    "falcon",
    "river",
    "mango",
    "tiger",
    "koala",
    "luna",
    "verano",
    "pomodoro",
    "sakura",
    "nordlys",
    "kaffee",
    "sonne",
    "montagne",
    "gato",
    "jaguar",
    "lemon",
    "cobalt",
    "orchid",
    "harbor",
    "maple",
    "pepper",
    "rocket",
    "walnut",
    "violet",
    "zebra",
    "ember",
    "copper",
    "willow",
    "blossom",
    "cactus",
    "dragon",
    "marble",
    "meadow",
    "nimbus",
    "pixel",
    "quartz",
    "saffron",
    "tundra",
    "velvet",
    "basil",
    "cricket",
    "fjord",
    "glacier",
    "hazel",
    "indigo",
    "juniper",
    "kiwi",
    "lotus",
    "mistral",
    "nebula",
    "oregano",
    "pelican",
    "raven",
    "sierra",
    "thunder",
    "vortex",
    "wombat",
    "yukon",
    "zephyr",
    "bruxelles",
    "porto",
    "napoli",
    "oslo",
    "kyoto",
    "lagos",
    "lima",
    "quito",
    "tallinn",
    "mariposa",
    "chaton",
    "biscotti",
    "schnitzel",
    "pirogi",
    "baklava",
    "churro",
    "mochi",
    "tapioca",
]
_WORDS_U = [
    "Schäferhund",
    "Sjöstjärna",
    "Żółwik",
    "Čokoláda",
    "Ñandú",
    "Größe",
    "Fjäril",
    "Mañana",
    "Açaí",
    "Kärlek",
    "Łabędź",
    "Niño",
]
_SYMBOLS = "!#$%&*?@+.-_"


def _bytes(seed: str, n: int) -> bytes:
    out = b""
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(f"fresh8|{seed}|{counter}".encode()).digest()
        counter += 1
    return out[:n]


def _stream(seed: str) -> Iterator[int]:
    counter = 0
    while True:
        yield from hashlib.sha256(f"fresh8|{seed}|s{counter}".encode()).digest()
        counter += 1


def _draw(seed: str, alphabet: str, n: int) -> str:
    out: list[str] = []
    limit = 256 - 256 % len(alphabet)
    for byte in _stream(seed):
        if len(out) == n:
            break
        if byte < limit:
            out.append(alphabet[byte % len(alphabet)])
    return "".join(out)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _human(seed: str, unicode: bool = False) -> str:
    """A password a person chose: words, a year or a few digits, a symbol or two."""
    r = _bytes(seed, 16)
    pool = _WORDS_U if unicode else _WORDS
    w1, w2 = pool[r[1] % len(pool)], _WORDS[r[2] % len(_WORDS)]
    sym, sym2 = _SYMBOLS[r[3] % len(_SYMBOLS)], _SYMBOLS[r[4] % len(_SYMBOLS)]
    year, two, four = str(1960 + r[5] % 66), f"{r[6] % 100:02d}", f"{(r[7] * 256 + r[8]) % 10000:04d}"
    leet = w1.translate(str.maketrans({"a": "@", "o": "0", "e": "3", "i": "1", "s": "$"}))
    shapes = (
        w1.capitalize() + year + sym,
        w1 + sym + w2.capitalize() + two,
        leet.capitalize() + two + sym,
        w1.capitalize() + "_" + w2.capitalize() + four[:3],
        w1 + four,
        w1.capitalize() + sym + four + sym2,
        w1.capitalize() + "." + w2 + "." + two,
        w2.upper()[:4] + sym + w1 + year[2:],
    )
    chosen = shapes[r[0] % len(shapes)]
    return chosen if len(chosen) >= 8 else chosen + year


def _uuid(seed: str) -> str:
    h = _draw(seed, "0123456789abcdef", 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def _jwt(seed: str) -> str:
    r = _bytes(seed, 8)
    header = _b64u(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    role = ("service_role", "admin", "authenticated", "api")[r[0] % 4]
    claims = {"sub": _draw(seed + "sub", _ALPHABETS["lan"], 12), "role": role, "iat": 1700000000 + r[1] * 99991}
    payload = _b64u(json.dumps(claims, separators=(",", ":")).encode())
    return header + "." + payload + "." + _draw(seed + "sig", _ALPHABETS["b64u"], 43)


def _gen(seed: str, spec: str) -> str:
    name, _, arg = spec.partition(":")
    n = int(arg) if arg else 0
    if name in _ALPHABETS:
        return _draw(seed, _ALPHABETS[name], n)
    if name == "pw":
        return _human(seed)
    if name == "pwu":
        return _human(seed, unicode=True)
    if name == "rpw":
        return _draw(seed, _ALPHABETS["sym"], n)
    if name in ("phrase", "words"):
        r = _bytes(seed, n)
        return ("-" if name == "phrase" else " ").join(_WORDS[b % len(_WORDS)] for b in r)
    if name == "mnem":
        return mnemonic(seed, n)
    if name == "wif":
        return wif(seed)
    if name == "wifu":
        return wif(seed, compressed=False)
    if name == "uuid":
        return _uuid(seed)
    if name == "UUID":
        return _uuid(seed).upper()
    if name == "bytes":
        return _b64(_bytes(seed, n))
    if name == "bytesu":
        return base64.urlsafe_b64encode(_bytes(seed, n)).decode()
    if name == "jwt":
        return _jwt(seed)
    raise ValueError(spec)


Spec = str | tuple[str, ...] | Callable[[dict[str, str]], str]
_FIELD = re.compile(r"\{\{(\w+)\}\}")


def _forms(value: str) -> dict[str, str]:
    half = len(value) // 2
    return {
        "b64": _b64(value.encode()),
        "url": quote(value, safe=""),
        "json": json.dumps(value, ensure_ascii=False)[1:-1],
        "hex": value.encode().hex(),
        "h1": value[:half],
        "h2": value[half:],
    }


def _fill(template: str, values: dict[str, str], used: list[str]) -> str:
    def one(match: re.Match[str]) -> str:
        field = match.group(1)
        base, _, form = field.partition("__")
        value = _forms(values[base])[form] if form else values[base]
        if not base.startswith("p_"):
            used.append(value)
        return value

    return _FIELD.sub(one, template)


def _p(kind: str, template: str, file_line: str = "", **specs: Spec) -> Planted:
    values: dict[str, str] = {}
    for name, spec in specs.items():
        seed = f"{kind}/{name}"
        if callable(spec):
            values[name] = spec(values)
        elif isinstance(spec, tuple):
            values[name] = "".join(
                _gen(f"{seed}/{i}", part[1:]) if part.startswith("~") else part for i, part in enumerate(spec)
            )
        else:
            values[name] = _gen(seed, spec[1:]) if spec.startswith("~") else spec
    used: list[str] = []
    line = _fill(template, values, used)
    in_file = _fill(file_line, values, used)
    return Planted(kind=kind, line=line, secrets=tuple(dict.fromkeys(used)), file_line=in_file)


def _benign(template: str, **specs: str) -> str:
    values = {name: _gen(f"benign/{template}/{name}", spec[1:]) for name, spec in specs.items()}
    return _fill(template, values, [])


# Prefixes and armour, built so that no literal here has a secret's shape.
_GHP, _GHS, _GHO = "gh" + "p_", "gh" + "s_", "gh" + "o_"
_GLPAT = "gl" + "pat-"
_SK_LIVE, _SK_TEST, _RK_LIVE = "sk" + "_live_", "sk" + "_test_", "rk" + "_live_"
_SK_PROJ, _SK_ANT = "sk-" + "proj-", "sk-" + "ant-api03-"
_OPENAI_MARK = "T3Blbk" + "FJ"
_AIZA = "AI" + "za"
_XOXB, _XOXP = "xo" + "xb-", "xo" + "xp-"
_NPM, _HF, _PYPI = "np" + "m_", "h" + "f_", "py" + "pi-" + "AgEIcHlwaS5vcmc"
_AKIA, _ASIA = "AK" + "IA", "AS" + "IA"
_BEGIN, _END = "-----" + "BEGIN ", "-----" + "END "
_PK = "PRIVATE " + "KEY-----"
_JWT_HEAD = _b64u(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
_TG = ("~d:10", ":AA", "~b64u:33")
_SLACK_BOT = (_XOXB, "~d:11", "-", "~d:13", "-", "~an:24")
_OPENAI = (_SK_PROJ, "~b64u:58", _OPENAI_MARK, "~b64u:58")
_ANTHROPIC = (_SK_ANT, "~b64u:93", "AA")
_VAULT = ("hv" + "s.", "~an:24")
_SESSION_TOKEN = ("IQoJb3JpZ2lu" + "X2VjE", "~b64:260")


# --- 1. People writing to their agent, in their own language and style --------------------------------
PROMPTS_WORLD = (
    _p(
        "de_staging_password_user_after",
        "Kannst du die Verbindung zum Staging testen? Das Passwort ist {{pw}} und der Benutzer heißt deploy.",
        pw="~pw",
    ),
    _p(
        "fr_mistral_key_warning_after",
        "Voici la clé API de Mistral : {{k}} — surtout ne la mets pas dans le dépôt.",
        k="~an:32",
    ),
    _p("es_db_password_local_only", "mi contraseña de la base de datos es {{pw}}, úsala solo en local porfa", pw="~pw"),
    _p(
        "ptbr_admin_panel_password",
        "a senha do painel admin é {{pw}} (troquei ontem), consegue logar e ver o erro 500?",
        pw="~pw",
    ),
    _p("it_telegram_bot_token", "Ti incollo il token del bot Telegram: {{t}} — serve per le notifiche.", t=_TG),
    _p(
        "nl_nas_password_backup_script",
        "Het wachtwoord van de NAS is {{pw}}, kun je het backup-script aanpassen zodat het elke nacht draait?",
        pw="~pw",
    ),
    _p("pl_vm_root_password_dash", "hasło do maszyny wirtualnej: {{pw}} — użytkownik root, port 2222", pw="~pw"),
    _p("ru_gitlab_token_for_ci", "Вот токен от GitLab, он нужен для CI: {{t}}", t=(_GLPAT, "~b64u:20")),
    _p("uk_router_password", "Пароль від роутера {{pw}}, налаштуй, будь ласка, проброс портів для сервера.", pw="~pw"),
    _p(
        "tr_server_password_ssh",
        "Sunucunun şifresi {{pw}}, ssh ile bağlanıp nginx loglarına bakar mısın?",
        pw="~pw",
    ),
    _p(
        "ja_prod_db_password_brackets",
        "本番DBのパスワードは「{{pw}}」です。マイグレーションを流してください。",
        pw="~pw",
    ),
    _p("zh_openai_key_fullwidth_colon", "这是我的 OpenAI 密钥：{{k}}，帮我写个脚本调用一下 GPT。", k=_OPENAI),
    _p("zhtw_db_password_parenthetical", "資料庫密碼：{{pw}}（只在測試環境用，別寫進程式碼）", pw="~pw"),
    _p(
        "ko_slack_bot_token_no_punct",
        "슬랙 봇 토큰이에요 {{t}} 이걸로 배포 알림 보내는 코드 짜주세요",
        t=_SLACK_BOT,
    ),
    _p("hi_github_token_into_env", "मेरा GitHub टोकन {{t}} है, इसे .env फ़ाइल में डाल दो", t=(_GHP, "~an:36")),
    _p(
        "ar_server_password_dont_store",
        "كلمة المرور الخاصة بالخادم هي {{pw}} من فضلك لا تحفظها في الكود",
        pw="~pw",
    ),
    _p("he_jenkins_password", "הסיסמה ל-Jenkins היא {{pw}}, תעדכן את ה-pipeline בבקשה", pw="~pw"),
    _p(
        "vi_office_wifi_esp32",
        "mật khẩu wifi văn phòng là {{pw}} nhé, cấu hình giúp mình con ESP32 với",
        pw="~pw",
    ),
    _p(
        "id_midtrans_server_key",
        "Ini server key Midtrans: {{k}} tolong pasang di config pembayaran ya",
        k=("SB-Mid-" + "server-", "~b64u:24"),
    ),
    _p("sv_db_password_secrets_toml", "Lösenordet till databasen är {{pw}} – lägg det i secrets.toml", pw="~pwu"),
    _p("fi_password_user_admin", "salasana on {{pw}} ja käyttäjä on admin", pw="~pw"),
    _p("el_ftp_password", "ο κωδικός για το FTP είναι {{pw}}, ανέβασε εκεί το build", pw="~pw"),
    _p("cs_ftp_password", "heslo k FTP je {{pw}}, nahraj tam prosím build z dist/", pw="~pwu"),
    _p("th_root_password", "รหัสผ่าน root คือ {{pw}} ช่วย ssh เข้าไปดู log หน่อย", pw="~pw"),
    _p("hu_password_dont_commit", "a jelszó: {{pw}} (ne commitold!)", pw="~pw"),
    _p("ro_email_account_password", "parola de la contul de email este {{pw}}, configurează SMTP-ul", pw="~pw"),
    _p(
        "esmx_stripe_test_key_slang",
        "oye usa esta key de stripe {{k}} pa probar el webhook, es la de pruebas",
        k=(_SK_TEST, "~an:24"),
    ),
    _p("de_informal_pw_user_short", "pw ist {{pw}} user ist admin, probier einfach mal", pw="~pw"),
    _p(
        "fr_ssh_passphrase_guillemets",
        "la phrase de passe de ma clé SSH c'est « {{ph}} », ajoute la clé à l'agent",
        ph="~words:5",
    ),
    _p("ja_anthropic_key_label", "APIキー（Anthropic）: {{k}}\nこれで要約スクリプトを動かして", k=_ANTHROPIC),
    _p("ko_wallet_recovery_phrase", "지갑 복구 문구: {{m}} — 테스트넷 지갑이에요", m="~mnem:12"),
    _p("ru_sms_code", "код из смс {{otp}}, вводи быстрее, он живёт минуту", otp="~d:6"),
    _p("ptpt_test_phone_pin", "o PIN do telemóvel de testes é {{pin}}, desbloqueia e corre o Appium", pin="~d:6"),
    _p("tl_admin_password", "ito yung password ng admin: {{pw}} pakicheck kung gumagana pa", pw="~pw"),
    _p("sw_server_password", "nenosiri la seva ni {{pw}} tafadhali sasisha usanidi", pw="~pw"),
    _p("fa_db_password", "رمز عبور دیتابیس {{pw}} است، لطفا کانفیگ را درست کن", pw="~pw"),
    _p("bn_db_password", "ডাটাবেসের পাসওয়ার্ড {{pw}} — কনফিগে বসিয়ে দাও", pw="~pw"),
    _p("ta_password_colon", "கடவுச்சொல்: {{pw}} (staging மட்டும்)", pw="~pw"),
    _p(
        "de_secret_before_label",
        "{{pw}} — das ist das neue Passwort für Grafana, bitte im Provisioning eintragen.",
        pw="~pw",
    ),
    _p("en_typos_redis_password", "heres the pasword for the prod redis {{pw}} dont log it lol", pw="~pw"),
    _p("en_arrows_hf_token", "use my token -> {{t}} <- for the model download", t=(_HF, "~an:34")),
    _p("es_jwt_signing_secret", "la clave secreta del JWT es {{k}}, ponla en el middleware de auth", k="~hex:64"),
    _p(
        "en_bare_token_no_label",
        "try again with {{t}} instead, the old one got revoked",
        t="~an:40",
    ),
    _p(
        "it_voice_dictated_password",
        "ok allora la password è {{pw}} tutto attaccato con la prima maiuscola",
        pw="~pw",
    ),
    _p(
        "en_multiline_creds_paste",
        "creds for the vendor portal:\nuser: ops@example.org\npass: {{pw}}\nplease automate the csv download",
        pw="~pw",
    ),
)

# --- 2. The agent's own explanations, plans and summaries ---------------------------------------------
AGENT_NARRATION = (
    _p(
        "agent_added_env_local",
        "I've added `DATABASE_PASSWORD={{pw}}` to `.env.local` and confirmed `.env.local` is listed in `.gitignore`.",
        pw="~pw",
    ),
    _p(
        "agent_plan_export_token",
        "Plan:\n1. Export the token ({{t}}) as `GH_TOKEN`\n2. Run `gh release create v1.4.0`\n3. Verify the assets",
        t=(_GHP, "~an:36"),
    ),
    _p(
        "agent_summary_rotated_webhook",
        "Summary of changes: rotated the webhook signing secret — the new value is {{s}} — and updated the dashboard.",
        s=("whs" + "ec_", "~b64:32"),
    ),
    _p(
        "agent_test_fixture_old_key",
        "The test failed because the fixture still uses the real API key `{{k}}`; I replaced it with a mock.",
        k=(_SK_LIVE, "~an:24"),
    ),
    _p(
        "agent_login_with_given_creds",
        "Next, I'll log in with the credentials you gave me (admin / {{pw}}) and check the settings page.",
        pw="~pw",
    ),
    _p(
        "agent_found_django_secret",
        "I found a hardcoded secret in `config/settings.py` line 42: `SECRET_KEY = '{{s}}'`. I recommend reading it from the environment.",
        s=("django-" + "insecure-", "~dj:50"),
    ),
    _p(
        "agent_fr_compose_password",
        "Je vais maintenant placer le mot de passe ({{pw}}) dans le fichier docker-compose.override.yml.",
        pw="~pw",
    ),
    _p("agent_zh_redis_requirepass", "已将 Redis 密码 {{pw}} 写入 config/redis.conf 的 requirepass。", pw="~pw"),
    _p(
        "agent_de_npm_token_secret",
        "Ich habe das Token {{t}} als Repository-Secret `NPM_TOKEN` hinterlegt.",
        t=(_NPM, "~an:36"),
    ),
    _p(
        "agent_vault_root_token",
        "Done. The Vault root token printed during init is {{t}} — store it safely and revoke it after creating admin policies.",
        t=_VAULT,
    ),
    _p(
        "agent_verified_key_curl",
        "Let me verify the key works: `curl -H 'x-api-key: {{k}}' https://api.example.com/v2/me` returned 200 OK.",
        k="~an:32",
    ),
    _p(
        "agent_thinking_pgpassword",
        "The user gave the password {{pw}} earlier; I should pass it through PGPASSWORD rather than on the command line so it doesn't show up in `ps`.",
        pw="~pw",
    ),
    _p(
        "agent_markdown_credentials_created",
        "**Credentials created**\n- Username: `svc_reports`\n- Password: `{{pw}}`\n- Expires: never",
        pw="~rpw:24",
    ),
    _p(
        "agent_generated_random_password",
        "I generated a strong random password for the new service account: {{pw}}",
        pw="~rpw:28",
    ),
    _p(
        "agent_decryption_passphrase_quoted",
        'The decryption passphrase you mentioned ("{{ph}}") unlocks `backup.tar.gpg`; I extracted it to /tmp/restore.',
        ph="~words:4",
    ),
    _p(
        "agent_recap_sendgrid_smtp",
        "Recap: SMTP now uses user `apikey` with password {{k}} (SendGrid).",
        k=("S" + "G.", "~b64u:22", ".", "~b64u:43"),
    ),
    _p(
        "agent_repro_twilio_env",
        "To reproduce, set `TWILIO_AUTH_TOKEN` to {{t}} and run `pytest -k sms`.",
        t="~hex:32",
    ),
    _p(
        "agent_noticed_totp_seed",
        "I noticed the TOTP seed in `fixtures/totp.json` ({{s}}) is a real one; it should be regenerated.",
        s="~b32:32",
    ),
    _p(
        "agent_docker_run_codeblock",
        "Here's the updated command with your key:\n```\ndocker run --rm -e OPENROUTER_API_KEY={{k}} ghcr.io/acme/app:latest\n```",
        k=("sk-" + "or-v1-", "~hex:64"),
    ),
    _p(
        "agent_quoted_dollar_password",
        "Because the password contains a `$` ({{pw}}), I wrapped it in single quotes in the script.",
        pw=("~pw", "$", "~d:2"),
    ),
    _p(
        "agent_es_found_env_creds",
        "Las credenciales que encontré en el `.env` son: usuario `root`, contraseña `{{pw}}`.",
        pw="~pw",
    ),
    _p(
        "agent_supabase_service_role_moved",
        "The Supabase service role key ({{k}}) must never reach the browser; I moved it into the server route.",
        k="~jwt",
    ),
    _p(
        "agent_compared_two_tokens",
        "Tokens compared: old `{{a}}` vs new `{{b}}` — both carry the same prefix, so the lookup matched the wrong row.",
        a=("tok_", "~an:32"),
        b=("tok_", "~an:32"),
    ),
    _p("agent_uses_pin_as_said", "OK, I'll use PIN {{pin}} for the test card as you said.", pin="~d:6"),
    _p(
        "agent_grafana_admin_from_ticket",
        "I set the Grafana admin password to the one from the ticket — `{{pw}}` — via GF_SECURITY_ADMIN_PASSWORD.",
        pw="~pw",
    ),
    _p(
        "agent_aes_key_hex",
        "Checking: the AES key is 32 bytes ({{k}} in hex) and the IV is random per message, so that part is fine.",
        k="~hex:64",
    ),
    _p(
        "agent_pypirc_stored",
        "I've stored your PyPI token in ~/.pypirc under `[pypi]` as `password = {{t}}`.",
        t=(_PYPI, "~b64u:70"),
    ),
    _p(
        "agent_deploy_key_passphrase",
        "The deploy key's passphrase is {{ph}}; ssh-add will prompt for it once per session.",
        ph="~phrase:4",
    ),
    _p(
        "agent_decoded_base64_secret",
        "I decoded the base64 in the Secret manifest: it's `{{pw}}`, which matches the postgres password you gave me.",
        pw="~pw",
    ),
    _p(
        "agent_algolia_admin_exposed",
        "Applied the fix. Note: your Algolia admin key {{k}} was in the client bundle; only the search-only key belongs there.",
        k="~hex:32",
    ),
    _p(
        "agent_ko_cloudflare_wrangler",
        "Cloudflare API 토큰 {{t}} 을 wrangler secret 으로 등록했습니다.",
        t="~b64u:40",
    ),
    _p(
        "agent_ja_summary_table",
        "設定しました:\n- ユーザー: deploy\n- パスワード: {{pw}}\n- ホスト: 10.0.3.14",
        pw="~pw",
    ),
    _p(
        "agent_will_not_echo_but_does",
        "I won't print the secret again, but for the record the value I wrote to the keychain was {{s}}.",
        s="~b64u:32",
    ),
)

# --- 3. Cloud CLIs, consoles and infrastructure as code -----------------------------------------------
CLOUD = (
    _p(
        "aws_configure_credentials_file",
        "$ cat ~/.aws/credentials\n[default]\naws_access_key_id = {{p_id}}\naws_secret_access_key = {{s}}\nregion = eu-central-1",
        p_id=(_AKIA, "~uan:16"),
        s="~b64:40",
    ),
    _p(
        "aws_session_token_export",
        "export AWS_SESSION_TOKEN={{t}}",
        t=_SESSION_TOKEN,
    ),
    _p(
        "aws_sts_assume_role_json",
        '{\n    "Credentials": {\n        "AccessKeyId": "{{p_id}}",\n        "SecretAccessKey": "{{s}}",\n        "SessionToken": "{{t}}",\n        "Expiration": "2026-11-27T11:04:19+00:00"\n    }\n}',
        p_id=(_ASIA, "~uan:16"),
        s="~b64:40",
        t=_SESSION_TOKEN,
    ),
    _p(
        "aws_secretsmanager_secretstring",
        '"SecretString": "{\\"username\\":\\"app\\",\\"password\\":\\"{{pw}}\\"}",',
        pw="~rpw:32",
    ),
    _p(
        "aws_ssm_decrypted_parameter",
        "$ aws ssm get-parameter --name /prod/api/key --with-decryption --query Parameter.Value --output text\n{{k}}",
        k="~an:40",
    ),
    _p(
        "gcp_service_account_json_key",
        '  "private_key_id": "{{p_kid}}",\n  "private_key": "'
        + _BEGIN
        + _PK
        + "\\n{{k1}}\\n{{k2}}\\n{{k3}}\\n"
        + _END
        + _PK
        + '\\n",\n  "client_email": "ci@acme-prod.iam.gserviceaccount.com",',
        p_kid="~hex:40",
        k1=("MIIEvQIBADANBgkq" + "hkiG9w0BAQEFAASC", "~b64:32"),
        k2="~b64:64",
        k3="~b64:64",
    ),
    _p(
        "gcloud_print_access_token",
        "$ gcloud auth print-access-token\n{{t}}",
        t=("ya" + "29.", "~b64u:160"),
    ),
    _p(
        "google_oauth_refresh_token",
        "refresh_token: {{t}}\nclient_id: 4410232-abc.apps.googleusercontent.com",
        t=("1//" + "0", "~b64u:100"),
    ),
    _p(
        "azure_sp_create_for_rbac",
        '{\n  "appId": "{{p_app}}",\n  "displayName": "gh-actions",\n  "password": "{{pw}}",\n  "tenant": "{{p_tenant}}"\n}',
        p_app="~uuid",
        p_tenant="~uuid",
        pw=("~an:3", "8Q~", "~azs:34"),
    ),
    _p(
        "azure_storage_connection_string",
        "AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=https;AccountName=acmelogs;AccountKey={{k}};EndpointSuffix=core.windows.net",
        k="~bytes:64",
    ),
    _p(
        "azure_sas_token_url",
        "https://acmelogs.blob.core.windows.net/exports/q3.csv?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-12-31T00:00:00Z&sig={{sig__url}}",
        sig="~bytes:32",
    ),
    _p(
        "azure_devops_pat_git_url",
        "git remote set-url origin https://build:{{t}}@dev.azure.com/acme/Platform/_git/api",
        t="~lan:52",
    ),
    _p("digitalocean_doctl_init", "$ doctl auth init --access-token {{t}}", t=("dop" + "_v1_", "~hex:64")),
    _p(
        "hetzner_hcloud_context",
        "$ hcloud context create prod\nToken: {{t}}\nContext prod created and activated",
        t="~an:64",
    ),
    _p("linode_cli_token_env", "LINODE_CLI_TOKEN={{t}} linode-cli linodes list", t="~hex:64"),
    _p("vultr_api_key_header", 'curl -H "Authorization: Bearer {{k}}" https://api.vultr.com/v2/instances', k="~uan:36"),
    _p(
        "oci_config_pass_phrase",
        "[DEFAULT]\nuser=ocid1.user.oc1..aaaa\nfingerprint={{p_fp}}\nkey_file=~/.oci/oci_api_key.pem\npass_phrase={{pw}}\nregion=eu-frankfurt-1",
        p_fp=lambda v: ":".join(_draw("fp", "0123456789abcdef", 32)[i : i + 2] for i in range(0, 32, 2)),
        pw="~pw",
    ),
    _p("ibmcloud_login_apikey", "$ ibmcloud login --apikey {{k}} -r eu-de", k="~b64u:44"),
    _p(
        "scaleway_secret_key_env",
        "SCW_ACCESS_KEY={{p_ak}}\nSCW_SECRET_KEY={{s}}\nSCW_DEFAULT_PROJECT_ID={{p_proj}}",
        p_ak=("SCW", "~uan:17"),
        s="~uuid",
        p_proj="~uuid",
    ),
    _p(
        "alibaba_accesskey_secret",
        "aliyun configure set --access-key-id {{p_id}} --access-key-secret {{s}} --region cn-hangzhou",
        p_id=("LT" + "AI", "~an:20"),
        s="~an:30",
    ),
    _p(
        "tencent_cloud_secretkey_python",
        'cred = credential.Credential("{{p_id}}", "{{s}}")',
        p_id=("AKID", "~an:32"),
        s="~an:32",
    ),
    _p(
        "cloudflare_r2_secret",
        "[r2]\ntype = s3\nprovider = Cloudflare\naccess_key_id = {{p_id}}\nsecret_access_key = {{s}}\nendpoint = https://abc.r2.cloudflarestorage.com",
        p_id="~hex:32",
        s="~hex:64",
    ),
    _p(
        "cloudflare_global_api_key",
        'curl -H "X-Auth-Email: ops@acme.io" -H "X-Auth-Key: {{k}}" https://api.cloudflare.com/client/v4/zones',
        k="~hex:37",
    ),
    _p(
        "terraform_output_json_sensitive",
        '$ terraform output -json\n{\n  "db_password": {\n    "sensitive": true,\n    "type": "string",\n    "value": "{{pw}}"\n  }\n}',
        pw="~rpw:20",
    ),
    _p("terraform_tfvars_token", 'hcloud_token = "{{t}}"\nlocation     = "nbg1"', t="~an:64"),
    _p("pulumi_config_set_secret", "$ pulumi config set --secret dbPassword '{{pw}}'", pw="~pw"),
    _p(
        "heroku_config_output",
        "=== acme-api Config Vars\nDATABASE_URL:     postgres://u3k2:{{pw}}@ec2-52-1-2-3.compute-1.amazonaws.com:5432/d8f1\nHEROKU_API_KEY:   {{k}}",
        pw="~hex:64",
        k="~uuid",
    ),
    _p(
        "flyio_deploy_token",
        "FLY_API_TOKEN='{{t}}' flyctl deploy --remote-only",
        t=("FlyV1 " + "fm2_", "~b64:180"),
    ),
    _p("vercel_token_flag", "$ vercel deploy --prod --token {{t}}", t="~an:24"),
    _p("netlify_auth_token_env", "NETLIFY_AUTH_TOKEN={{t}} netlify deploy --prod", t=("nf" + "p_", "~an:40")),
    _p(
        "lambda_get_function_configuration",
        '"Environment": {\n    "Variables": {\n        "LOG_LEVEL": "info",\n        "PAYMENTS_KEY": "{{k}}"\n    }\n},',
        k=(_SK_LIVE, "~an:99"),
    ),
    _p(
        "gcloud_run_set_env_vars",
        "gcloud run deploy api --image gcr.io/acme/api --set-env-vars=DB_PASS={{pw}},LOG_LEVEL=debug",
        pw="~pw",
    ),
    _p("render_api_key_header", "Authorization: Bearer {{k}}", k=("rn" + "d_", "~an:32")),
    _p(
        "cloudformation_parameter_value",
        '[{"ParameterKey": "MasterUserPassword", "ParameterValue": "{{pw}}"}]',
        pw="~pw",
    ),
    _p(
        "backblaze_b2_authorize",
        "$ b2 account authorize {{p_id}} {{k}}",
        p_id=("00", "~hex:23"),
        k=("K00", "~an:28"),
    ),
    _p(
        "minio_mc_alias_set",
        "$ mc alias set local http://127.0.0.1:9000 minioadmin {{pw}}\nAdded `local` successfully.",
        pw="~pw",
    ),
    _p(
        "openstack_openrc",
        "export OS_AUTH_URL=https://keystone.example.net:5000/v3\nexport OS_USERNAME=deploy\nexport OS_PASSWORD='{{pw}}'\nexport OS_PROJECT_NAME=web",
        pw="~pw",
    ),
)

# --- 4. Databases, queues and their clients -----------------------------------------------------------
DATABASES = (
    _p("postgres_url_in_prompt", "can you check why postgresql://app:{{pw}}@db.internal:5432/app times out", pw="~pw"),
    _p(
        "psql_pgpassword_inline",
        "$ PGPASSWORD='{{pw}}' psql -h 10.0.4.12 -U analytics -d warehouse -c 'select count(*) from events'",
        pw="~pw",
    ),
    _p(
        "mysql_p_glued",
        "$ mysql -u root -p{{pw}} -h 127.0.0.1 shop\nmysql: [Warning] Using a password on the command line interface can be insecure.",
        pw="~pw",
    ),
    _p("mysqldump_password_flag", "mysqldump --user=backup --password={{pw}} --all-databases > all.sql", pw="~pw"),
    _p(
        "redis_cli_a_flag",
        "$ redis-cli -h cache.internal -a {{pw}} ping\nWarning: Using a password with '-a' or '-u' option on the command line interface may not be safe.\nPONG",
        pw="~an:32",
    ),
    _p(
        "rediss_url_default_user",
        "REDIS_URL=rediss://default:{{pw}}@eu1-cheerful-owl-31337.upstash.io:6379",
        pw="~hex:32",
    ),
    _p(
        "mongodb_srv_url_encoded",
        'mongosh "mongodb+srv://admin:{{pw__url}}@cluster0.ab1cd.mongodb.net/prod?retryWrites=true"',
        pw=("~pw", "@", "~d:2"),
    ),
    _p("sql_create_user_with_password", "CREATE USER reporter WITH PASSWORD '{{pw}}';", pw="~pw"),
    _p("sql_alter_user_identified_by", "ALTER USER 'app'@'%' IDENTIFIED BY '{{pw}}';\nFLUSH PRIVILEGES;", pw="~pw"),
    _p(
        "mssql_connection_string",
        "Server=tcp:acme-sql.database.windows.net,1433;Initial Catalog=crm;User ID=sa;Password={{pw}};Encrypt=True;",
        pw="~pw",
    ),
    _p("oracle_sqlplus_slash", "$ sqlplus system/{{pw}}@//db-ora:1521/ORCLPDB1", pw="~pw"),
    _p(
        "jdbc_url_password_param",
        "spring.datasource.url=jdbc:mysql://db:3306/shop?user=app&password={{pw}}&useSSL=false",
        pw="~pw",
    ),
    _p("cqlsh_password", "$ cqlsh 10.0.0.21 -u cassandra -p {{pw}}", pw="~pw"),
    _p(
        "clickhouse_client_password",
        "clickhouse-client --host ch.internal --user default --password {{pw}}",
        pw="~an:20",
    ),
    _p(
        "snowsql_env_password",
        "export SNOWSQL_PWD='{{pw}}'\nsnowsql -a xy12345.eu-west-1 -u LOADER -d RAW",
        pw="~pw",
    ),
    _p("neo4j_auth_env", "NEO4J_AUTH=neo4j/{{pw}}", pw="~pw"),
    _p(
        "influx_auth_create_output",
        "ID\t\t\tDescription\tToken\n0a1b2c3d4e5f6a7b\tgrafana\t\t{{t}}",
        t=("~b64u:86", "=="),
    ),
    _p(
        "elastic_reset_password_output",
        "$ bin/elasticsearch-reset-password -u elastic\nPassword for the [elastic] user successfully reset.\nNew value: {{pw}}",
        pw=("~an:8", "*", "~an:6", "_", "~an:4"),
    ),
    _p(
        "elastic_api_key_header",
        'curl -H "Authorization: ApiKey {{k}}" https://es.internal:9200/_cat/indices',
        k="~bytes:45",
    ),
    _p(
        "planetscale_password",
        "DATABASE_URL='mysql://8k2l1ab:{{pw}}@aws.connect.psdb.cloud/shop?sslaccept=strict'",
        pw=("pscale" + "_pw_", "~b64u:43"),
    ),
    _p(
        "neon_connection_string",
        "postgresql://neondb_owner:{{pw}}@ep-cool-river-a5x.eu-central-1.aws.neon.tech/neondb?sslmode=require",
        pw=("np" + "g_", "~an:12"),
    ),
    _p(
        "cockroach_sql_url",
        'cockroach sql --url "postgresql://max:{{pw}}@free-tier.gcp-us-central1.cockroachlabs.cloud:26257/defaultdb"',
        pw="~b64u:22",
    ),
    _p("turso_auth_token", "TURSO_AUTH_TOKEN={{t}}", t="~jwt"),
    _p("pgpass_line", "$ cat ~/.pgpass\ndb.internal:5432:*:replicator:{{pw}}", pw="~pw"),
    _p("mycnf_client_section", '[client]\nuser=backup\npassword="{{pw}}"\nhost=localhost', pw="~pw"),
    _p("couchbase_cbq", "$ cbq -e couchbase://cb1 -u Administrator -p {{pw}}", pw="~pw"),
    _p("rabbitmq_amqp_url", "CELERY_BROKER_URL=amqp://worker:{{pw}}@rabbit:5672/prod", pw="~pw"),
    _p("rabbitmqctl_add_user", '$ rabbitmqctl add_user billing {{pw}}\nAdding user "billing" ...', pw="~pw"),
    _p(
        "kafka_sasl_jaas",
        'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="{{p_key}}" password="{{s}}";',
        p_key="~uan:16",
        s=("~an:30", "+", "~an:20", "/", "~an:12"),
    ),
    _p(
        "prisma_accelerate_url",
        'DATABASE_URL="prisma://accelerate.prisma-data.net/?api_key={{k}}"',
        k="~jwt",
    ),
    _p("odbc_dsn_pwd", "Driver={PostgreSQL Unicode};Server=pg;Port=5432;Database=bi;Uid=tableau;Pwd={{pw}};", pw="~pw"),
    _p(
        "django_databases_dict",
        "DATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.postgresql',\n        'NAME': 'shop',\n        'USER': 'shop',\n        'PASSWORD': '{{pw}}',\n    }\n}",
        pw="~pw",
    ),
    _p(
        "rails_database_yml",
        "production:\n  adapter: postgresql\n  database: app_production\n  username: app\n  password: {{pw}}",
        pw="~pw",
    ),
    _p("sqlcipher_pragma_key", "sqlite> PRAGMA key = '{{ph}}';\nok", ph="~words:4"),
    _p("redis_acl_setuser", "ACL SETUSER worker on >{{pw}} ~jobs:* +@all", pw="~an:24"),
    _p(
        "hasura_admin_secret_header",
        "curl -s -H 'x-hasura-admin-secret: {{s}}' -d '{\"query\":\"{ users { id } }\"}' https://gql.acme.dev/v1/graphql",
        s="~an:48",
    ),
    _p("firebird_isql", "$ isql-fb -user SYSDBA -password {{pw}} /var/lib/firebird/data/erp.fdb", pw="~pw"),
)

# --- 5. Containers, orchestration and CI -------------------------------------------------------------
CONTAINERS_CI = (
    _p(
        "docker_login_p_flag",
        "$ docker login -u deploy -p {{pw}} registry.acme.io\nWARNING! Using --password via the CLI is insecure. Use --password-stdin.\nLogin Succeeded",
        pw="~pw",
    ),
    _p(
        "docker_login_password_stdin_echo",
        'echo "{{t}}" | docker login ghcr.io -u octo --password-stdin',
        t=(_GHP, "~an:36"),
    ),
    _p(
        "docker_config_json_auth",
        '{\n\t"auths": {\n\t\t"registry.gitlab.com": {\n\t\t\t"auth": "{{a}}"\n\t\t}\n\t}\n}',
        a=lambda v: _b64(("ci-bot:" + _gen("docker_config_json_auth/pw", "pw")).encode()),
    ),
    _p(
        "kubectl_create_secret_literal",
        "kubectl create secret generic db-creds --from-literal=username=app --from-literal=password='{{pw}}' -n prod",
        pw="~pw",
    ),
    _p(
        "kubectl_get_secret_yaml_b64",
        "apiVersion: v1\ndata:\n  password: {{pw__b64}}\n  username: YXBw\nkind: Secret\nmetadata:\n  name: db-creds",
        pw="~pw",
    ),
    _p(
        "kubectl_jsonpath_decode",
        "$ kubectl get secret grafana -o jsonpath='{.data.admin-password}' | base64 -d\n{{pw}}",
        pw="~an:40",
    ),
    _p(
        "k8s_secret_stringdata",
        'apiVersion: v1\nkind: Secret\nmetadata:\n  name: mailer\ntype: Opaque\nstringData:\n  SMTP_PASSWORD: "{{pw}}"',
        pw="~pw",
    ),
    _p(
        "kubeconfig_user_token",
        "users:\n- name: ci-deployer\n  user:\n    token: {{t}}",
        t=("eyJhbGciOiJSUzI1" + "NiIsImtpZCI6Ik", "~b64u:40", ".", "~b64u:180", ".", "~b64u:120"),
    ),
    _p("helm_set_root_password", "helm install db bitnami/mysql --set auth.rootPassword={{pw}} -n data", pw="~pw"),
    _p(
        "helm_values_postgres_auth",
        "postgresql:\n  auth:\n    username: app\n    password: {{pw}}\n    database: app",
        pw="~pw",
    ),
    _p(
        "compose_environment_list",
        "services:\n  db:\n    image: postgres:16\n    environment:\n      - POSTGRES_USER=app\n      - POSTGRES_PASSWORD={{pw}}",
        pw="~pw",
    ),
    _p(
        "docker_inspect_env",
        '"Env": [\n    "PATH=/usr/local/sbin:/usr/local/bin",\n    "MYSQL_ROOT_PASSWORD={{pw}}",\n    "GOSU_VERSION=1.17"\n],',
        pw="~pw",
    ),
    _p(
        "docker_build_arg_token",
        "docker build --build-arg GITHUB_TOKEN={{t}} -t acme/api:dev .",
        t=(_GHP, "~an:36"),
    ),
    _p(
        "gh_secret_set_body",
        'gh secret set SENTRY_AUTH_TOKEN --body "{{t}}"',
        t=("sntr" + "yu_", "~hex:64"),
    ),
    _p(
        "gitlab_runner_register",
        "sudo gitlab-runner register --url https://gitlab.com --token {{t}} --executor docker",
        t=("gl" + "rt-", "~b64u:20"),
    ),
    _p("circleci_token_env", "export CIRCLE_TOKEN={{t}}", t=("CCI" + "PAT_", "~an:22", "_", "~hex:40")),
    _p(
        "jenkins_api_token_curl", "curl -X POST -u admin:{{t}} https://ci.acme.io/job/deploy/build", t=("11", "~hex:32")
    ),
    _p(
        "jenkins_initial_admin_password",
        "*************************************************************\n\nJenkins initial setup is required. An admin user has been created and a password generated.\nPlease use the following password to proceed to installation:\n\n{{pw}}\n\nThis may also be found at: /var/jenkins_home/secrets/initialAdminPassword",
        pw="~hex:32",
    ),
    _p("drone_rpc_secret", "DRONE_RPC_SECRET={{s}}\nDRONE_SERVER_HOST=drone.acme.io", s="~hex:32"),
    _p("buildkite_agent_token", 'buildkite-agent start --token "{{t}}" --tags queue=deploy', t="~lan:50"),
    _p(
        "argocd_initial_password",
        "$ argocd admin initial-password -n argocd\n{{pw}}\n\n This password must be only used for first time login.",
        pw="~an:16",
    ),
    _p(
        "vault_login_output",
        "Key                  Value\n---                  -----\ntoken                {{t}}\ntoken_accessor       {{p_acc}}\ntoken_duration       768h",
        t=_VAULT,
        p_acc="~an:24",
    ),
    _p(
        "vault_operator_init_unseal",
        "Unseal Key 1: {{u1}}\nUnseal Key 2: {{u2}}\nUnseal Key 3: {{u3}}\n\nInitial Root Token: {{t}}",
        u1="~bytes:33",
        u2="~bytes:33",
        u3="~bytes:33",
        t=_VAULT,
    ),
    _p(
        "terraform_cloud_credentials",
        '{\n  "credentials": {\n    "app.terraform.io": {\n      "token": "{{t}}"\n    }\n  }\n}',
        t=("~an:14", ".atlas" + "v1.", "~an:67"),
    ),
    _p("dockerhub_pat", "DOCKERHUB_TOKEN={{t}}", t=("dckr" + "_pat_", "~b64u:27")),
    _p("harbor_robot_secret", "robot$ci+pusher\n{{s}}", s="~an:32"),
    _p(
        "portainer_api_key",
        "curl -H 'X-API-Key: {{k}}' https://portainer.lan:9443/api/endpoints",
        k=("pt" + "r_", "~b64:43"),
    ),
    _p(
        "azure_pipelines_system_accesstoken",
        "##[debug]Evaluating: SYSTEM_ACCESSTOKEN = {{t}}",
        t="~lan:52",
    ),
    _p(
        "nomad_acl_bootstrap",
        "Accessor ID  = {{p_acc}}\nSecret ID    = {{s}}\nName         = Bootstrap Token",
        p_acc="~uuid",
        s="~uuid",
    ),
    _p("consul_gossip_key", 'encrypt = "{{k}}"\ndatacenter = "dc1"', k="~bytes:32"),
    _p(
        "docker_swarm_join_token",
        "docker swarm join --token {{t}} 10.0.0.5:2377",
        t=("SWMTKN-1-", "~lan:50", "-", "~lan:25"),
    ),
    _p("k3s_node_token", "K3S_TOKEN={{t}}", t=("K10", "~hex:64", "::server:", "~hex:32")),
    _p(
        "kubeadm_join_token",
        "kubeadm join 10.0.0.10:6443 --token {{t}} --discovery-token-ca-cert-hash sha256:{{p_hash}}",
        t=("~lan:6", ".", "~lan:16"),
        p_hash="~hex:64",
    ),
    _p(
        "sops_age_secret_key",
        "# created: 2026-11-02T10:12:44Z\n# public key: age1...\n{{k}}",
        k=("AGE-SECRET-" + "KEY-1", "~bech:58"),
    ),
    _p(
        "gha_runner_config_token",
        "./config.sh --url https://github.com/acme/api --token {{t}} --labels gpu",
        t=("A", "~uan:28"),
    ),
    _p(
        "gitlab_ci_variables_literal",
        'variables:\n  DEPLOY_USER: deployer\n  DEPLOY_PASSWORD: "{{pw}}"\n\ndeploy:\n  script: ./deploy.sh',
        pw="~pw",
    ),
)

# --- 6. Package managers, registries and version control ---------------------------------------------
PACKAGES_VCS = (
    _p("npmrc_auth_token", "//registry.npmjs.org/:_authToken={{t}}", t=(_NPM, "~an:36")),
    _p(
        "npmrc_basic_auth_b64",
        "registry=https://nexus.acme.io/repository/npm/\n_auth={{a}}\nalways-auth=true",
        a=lambda v: _b64(("ci:" + _gen("npmrc_basic_auth_b64/x", "pw")).encode()),
    ),
    _p("yarnrc_npm_auth_token", 'npmScopes:\n  acme:\n    npmAuthToken: "{{t}}"', t=(_NPM, "~an:36")),
    _p(
        "pip_index_url_with_creds",
        "pip install --index-url https://deploy:{{pw}}@pypi.acme.io/simple/ acme-core==2.3.1",
        pw="~pw",
    ),
    _p(
        "pip_conf_gitlab_deploy_token",
        "[global]\nextra-index-url = https://gitlab+deploy-token-42:{{t}}@gitlab.com/api/v4/projects/77/packages/pypi/simple",
        t="~b64u:20",
    ),
    _p("poetry_http_basic", "$ poetry config http-basic.private ci-user '{{pw}}'", pw="~pw"),
    _p("uv_index_password_env", "UV_INDEX_PRIVATE_USERNAME=ci\nUV_INDEX_PRIVATE_PASSWORD={{pw}}", pw="~an:32"),
    _p("pypirc_password", "[pypi]\nusername = __token__\npassword = {{t}}", t=(_PYPI, "~b64u:70")),
    _p("twine_upload_p_flag", "twine upload -u __token__ -p {{t}} dist/*", t=(_PYPI, "~b64u:70")),
    _p("cargo_credentials_toml", '[registry]\ntoken = "{{t}}"', t=("ci" + "o", "~an:32")),
    _p("gem_credentials", "---\n:rubygems_api_key: {{t}}", t=("rubygems" + "_", "~hex:48")),
    _p(
        "nuget_push_api_key",
        "dotnet nuget push bin/Release/Acme.Core.3.1.0.nupkg -k {{k}} -s https://api.nuget.org/v3/index.json",
        k=("oy" + "2", "~lan:43"),
    ),
    _p(
        "composer_auth_json",
        '{\n    "github-oauth": {\n        "github.com": "{{t}}"\n    },\n    "http-basic": {\n        "repo.packagist.com": {"username": "token", "password": "{{pw}}"}\n    }\n}',
        t=(_GHO, "~an:36"),
        pw="~hex:40",
    ),
    _p(
        "maven_settings_xml",
        "<server>\n  <id>nexus-releases</id>\n  <username>deployment</username>\n  <password>{{pw}}</password>\n</server>",
        pw="~pw",
    ),
    _p(
        "gradle_properties_signing",
        "ossrhUsername=acme\nossrhPassword={{pw}}\nsigning.keyId=ABCD1234\nsigning.password={{ph}}",
        pw="~pw",
        ph="~phrase:4",
    ),
    _p(
        "netrc_github_installation",
        "machine github.com login x-access-token password {{t}}",
        t=(_GHS, "~an:36"),
    ),
    _p(
        "git_remote_oauth2_glpat",
        "origin\thttps://oauth2:{{t}}@gitlab.com/acme/platform.git (fetch)",
        t=(_GLPAT, "~b64u:20"),
    ),
    _p(
        "git_clone_x_access_token",
        "$ git clone https://x-access-token:{{t}}@github.com/acme/infra.git\nCloning into 'infra'...",
        t=(_GHS, "~an:36"),
    ),
    _p(
        "git_credentials_store",
        "$ cat ~/.git-credentials\nhttps://jsmith:{{pw}}@bitbucket.org",
        pw=("ATBB", "~an:32", "~HEX:8"),
    ),
    _p("gh_auth_token_output", "$ gh auth token\n{{t}}", t=(_GHO, "~an:36")),
    _p(
        "github_fine_grained_pat",
        "GITHUB_TOKEN={{t}}",
        t=("github" + "_pat_", "11", "~uan:20", "_", "~an:59"),
    ),
    _p(
        "gitea_token_header", "curl -H 'Authorization: token {{t}}' https://git.home.lan/api/v1/user/repos", t="~hex:40"
    ),
    _p("hf_cli_login", "$ huggingface-cli login --token {{t}}\nToken is valid (permission: write).", t=(_HF, "~an:34")),
    _p(
        "anaconda_channel_token",
        "conda config --add channels https://conda.anaconda.org/t/{{t}}/acme",
        t=("~lan:2", "-", "~uuid"),
    ),
    _p(
        "artifactory_api_key",
        "curl -H 'X-JFrog-Art-Api: {{k}}' -T app.jar https://acme.jfrog.io/artifactory/libs/",
        k=("AKC" + "p", "~an:69"),
    ),
    _p(
        "deno_deploy_token",
        "DENO_DEPLOY_TOKEN={{t}} deployctl deploy --project=site main.ts",
        t=("dd" + "p_", "~an:36"),
    ),
    _p("homebrew_github_token", "export HOMEBREW_GITHUB_API_TOKEN={{t}}", t=(_GHP, "~an:36")),
    _p("dart_pub_token_add", "$ echo {{t}} | dart pub token add https://pub.acme.dev", t="~b64u:40"),
    _p("hex_mix_api_key", "$ mix hex.config api_key {{k}}", k="~hex:32"),
    _p(
        "svn_password_flag",
        "svn checkout https://svn.acme.org/repos/legacy --username build --password {{pw}}",
        pw="~pw",
    ),
    _p(
        "hgrc_auth_password",
        "[auth]\nacme.prefix = https://hg.acme.org\nacme.username = build\nacme.password = {{pw}}",
        pw="~pw",
    ),
    _p("p4passwd_env", "P4PORT=ssl:perforce.studio:1666\nP4USER=builder\nP4PASSWD={{pw}}", pw="~pw"),
    _p(
        "bunfig_registry_token",
        '[install.scopes]\nacme = { token = "{{t}}", url = "https://npm.acme.dev/" }',
        t=(_NPM, "~an:36"),
    ),
    _p("snyk_auth", "$ snyk auth {{t}}\nYour account has been authenticated.", t="~uuid"),
    _p(
        "sonar_token_scanner",
        "mvn sonar:sonar -Dsonar.host.url=https://sonar.acme.io -Dsonar.token={{t}}",
        t=("sq" + "u_", "~hex:40"),
    ),
    _p("codecov_token_env", "CODECOV_TOKEN={{t}}", t="~uuid"),
    _p("go_private_goproxy_creds", "GOPROXY=https://ci:{{pw}}@athens.acme.io,direct", pw="~an:24"),
)

# --- 7. SaaS APIs, payments, messaging and AI providers -----------------------------------------------
SAAS = (
    _p(
        "twilio_client_python",
        'client = Client("{{p_sid}}", "{{t}}")',
        p_sid=("AC", "~hex:32"),
        t="~hex:32",
    ),
    _p(
        "mailgun_api_key_curl",
        "curl -s --user 'api:{{k}}' https://api.eu.mailgun.net/v3/mg.acme.io/messages",
        k=("key-", "~hex:32"),
    ),
    _p("postmark_server_token_header", "X-Postmark-Server-Token: {{t}}", t="~uuid"),
    _p(
        "datadog_api_and_app_key",
        "DD_API_KEY={{k}}\nDD_APP_KEY={{a}}\nDD_SITE=datadoghq.eu",
        k="~hex:32",
        a="~hex:40",
    ),
    _p("newrelic_user_key", "NEW_RELIC_API_KEY={{k}}", k=("NR" + "AK-", "~uan:27")),
    _p("newrelic_license_key_yml", "common: &default_settings\n  license_key: '{{k}}'", k=("~hex:36", "NRAL")),
    _p(
        "pagerduty_routing_key",
        '{"routing_key": "{{k}}", "event_action": "trigger", "payload": {"summary": "disk full"}}',
        k="~hex:32",
    ),
    _p(
        "algolia_admin_key_js",
        "const client = algoliasearch('{{p_app}}', '{{k}}');",
        p_app="~uan:10",
        k="~hex:32",
    ),
    _p("shopify_admin_token", "X-Shopify-Access-Token: {{t}}", t=("shp" + "at_", "~hex:32")),
    _p("linear_api_key", "LINEAR_API_KEY={{k}}", k=("lin" + "_api_", "~an:40")),
    _p("notion_integration_secret", "NOTION_TOKEN={{t}}", t=("nt" + "n_", "~an:46")),
    _p("airtable_pat", "Authorization: Bearer {{t}}", t=("pat", "~an:14", ".", "~hex:64")),
    _p(
        "atlassian_api_token_basic",
        "curl -u me@acme.io:{{t}} https://acme.atlassian.net/rest/api/3/myself",
        t=("ATATT" + "3xFfGF0", "~b64u:170", "=", "~HEX:8"),
    ),
    _p("okta_ssws_header", "Authorization: SSWS {{t}}", t=("00", "~b64u:40")),
    _p(
        "auth0_client_secret_env",
        "AUTH0_DOMAIN=acme.eu.auth0.com\nAUTH0_CLIENT_ID={{p_id}}\nAUTH0_CLIENT_SECRET={{s}}",
        p_id="~an:32",
        s="~b64u:64",
    ),
    _p("mapbox_secret_token", "MAPBOX_DOWNLOADS_TOKEN={{t}}", t=("sk" + ".eyJ1Ijoi", "~b64u:60", ".", "~b64u:22")),
    _p("discord_webhook_url", "https://discord.com/api/webhooks/{{p_id}}/{{t}}", p_id="~d:19", t="~b64u:68"),
    _p("groq_api_key", "GROQ_API_KEY={{k}}", k=("gs" + "k_", "~an:52")),
    _p("replicate_token", "export REPLICATE_API_TOKEN={{t}}", t=("r8" + "_", "~an:37")),
    _p("pinecone_api_key", 'pc = Pinecone(api_key="{{k}}")', k=("pcsk" + "_", "~an:5", "_", "~an:64")),
    _p("together_api_key", "TOGETHER_API_KEY={{k}}", k="~hex:64"),
    _p("perplexity_key", "Authorization: Bearer {{k}}", k=("pplx" + "-", "~an:48")),
    _p("xai_key", "XAI_API_KEY={{k}}", k=("xa" + "i-", "~an:80")),
    _p(
        "gemini_key_in_url",
        "curl 'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent?key={{k}}'",
        k=(_AIZA, "~b64u:35"),
    ),
    _p("deepseek_key", 'client = OpenAI(api_key="{{k}}", base_url="https://api.deepseek.com")', k=("sk-", "~hex:32")),
    _p("elevenlabs_key_header", "xi-api-key: {{k}}", k=("sk" + "_", "~hex:48")),
    _p("anthropic_key_export", "export ANTHROPIC_API_KEY={{k}}", k=_ANTHROPIC),
    _p("openai_key_dotenv_quoted", 'OPENAI_API_KEY="{{k}}"', k=_OPENAI),
    _p("stripe_restricted_key", "STRIPE_SECRET_KEY={{k}}", k=(_RK_LIVE, "~an:99")),
    _p(
        "paypal_client_secret",
        "PAYPAL_CLIENT_ID={{p_id}}\nPAYPAL_CLIENT_SECRET={{s}}",
        p_id=("A", "~b64u:79"),
        s=("E", "~b64u:79"),
    ),
    _p("square_access_token", "SQUARE_ACCESS_TOKEN={{t}}", t=("EAAA", "~b64u:60")),
    _p(
        "plaid_secret",
        "PLAID_CLIENT_ID={{p_id}}\nPLAID_SECRET={{s}}\nPLAID_ENV=production",
        p_id="~hex:24",
        s="~hex:30",
    ),
    _p(
        "zendesk_token_basic",
        "curl https://acme.zendesk.com/api/v2/tickets.json -u agent@acme.io/token:{{t}}",
        t="~an:40",
    ),
    _p("hubspot_private_app_token", "Authorization: Bearer {{t}}", t=("pat-" + "eu1-", "~uuid")),
    _p(
        "salesforce_password_plus_token",
        "sf org login --username integration@acme.com --password '{{pw}}{{t}}'",
        pw="~pw",
        t="~an:25",
    ),
    _p("resend_api_key", "RESEND_API_KEY={{k}}", k=("r" + "e_", "~an:8", "_", "~an:24")),
    _p("brevo_api_key", "api-key: {{k}}", k=("xkey" + "sib-", "~hex:64", "-", "~an:16")),
    _p("cloudinary_url", "CLOUDINARY_URL=cloudinary://{{p_key}}:{{s}}@acme-media", p_key="~d:15", s="~b64u:27"),
    _p("contentful_cma_token", "CONTENTFUL_MANAGEMENT_TOKEN={{t}}", t=("CFPAT" + "-", "~b64u:43")),
    _p("figma_pat", "X-Figma-Token: {{t}}", t=("fig" + "d_", "~b64u:40")),
    _p("doppler_service_token", "DOPPLER_TOKEN={{t}} doppler run -- npm start", t=("dp" + ".st.", "prd.", "~an:40")),
    _p("onepassword_service_account", "OP_SERVICE_ACCOUNT_TOKEN={{t}}", t=("op" + "s_", "~b64:240")),
    _p("upstash_rest_token", "UPSTASH_REDIS_REST_TOKEN={{t}}", t=("A", "~b64u:59", "=")),
    _p(
        "razorpay_key_secret",
        'razorpay.Client(auth=("{{p_id}}", "{{s}}"))',
        p_id=("rzp" + "_live_", "~an:14"),
        s="~an:24",
    ),
    _p("paystack_secret", "Authorization: Bearer {{k}}", k=(_SK_LIVE, "~hex:40")),
    _p("flutterwave_secret", "FLW_SECRET_KEY={{k}}", k=("FLWSECK" + "-", "~hex:32", "-X")),
    _p(
        "mercadopago_access_token",
        "MP_ACCESS_TOKEN={{t}}",
        t=("APP_" + "USR-", "~d:16", "-", "~d:6", "-", "~hex:32", "-", "~d:9"),
    ),
    _p("yandex_oauth_token", "Authorization: OAuth {{t}}", t=("y0" + "_", "~b64u:55")),
    _p("vk_access_token", "VK_TOKEN={{t}}", t=("vk1" + ".a.", "~b64u:120")),
    _p(
        "wechat_appsecret",
        "appid={{p_id}}&secret={{s}}&grant_type=client_credential",
        p_id=("wx", "~hex:16"),
        s="~hex:32",
    ),
    _p(
        "dingtalk_robot_secret",
        "webhook = 'https://oapi.dingtalk.com/robot/send?access_token={{t}}'\nsecret = '{{s}}'",
        t="~hex:64",
        s=("SEC", "~hex:64"),
    ),
    _p("line_channel_access_token", "LINE_CHANNEL_ACCESS_TOKEN={{t}}", t=("~b64:171", "=")),
    _p("kakao_admin_key", "Authorization: KakaoAK {{k}}", k="~hex:32"),
    _p("twitch_oauth_chat", "PASS oauth:{{t}}\nNICK acme_bot", t="~lan:30"),
)

# --- 8. Password managers, wallets, home automation, games and media servers ---------------------------
HOME_PERSONAL = (
    _p("op_read_output", "$ op read 'op://Private/Postgres prod/password'\n{{pw}}", pw="~rpw:32"),
    _p("bw_get_password", "$ bw get password github.com\n{{pw}}", pw="~rpw:20"),
    _p("pass_show_first_line", "$ pass show email/work\n{{pw}}\nurl: https://mail.acme.io\nuser: j.doe", pw="~pw"),
    _p(
        "keepassxc_cli_show",
        "$ keepassxc-cli show -s vault.kdbx Servers/nas\nEnter password to unlock vault.kdbx:\nTitle: nas\nUserName: admin\nPassword: {{pw}}\nURL: https://nas.lan:5001",
        pw="~rpw:24",
    ),
    _p(
        "op_item_get_json_field",
        '{\n  "id": "password",\n  "type": "CONCEALED",\n  "purpose": "PASSWORD",\n  "label": "password",\n  "value": "{{pw}}"\n}',
        pw="~rpw:24",
    ),
    _p("bw_session_export", 'export BW_SESSION="{{t}}"', t="~bytes:64"),
    _p(
        "lastpass_csv_export",
        "url,username,password,totp,extra,name,grouping,fav\nhttps://router.lan,admin,{{pw}},,,router,Home,0",
        pw="~pw",
    ),
    _p("bip39_mnemonic_sentence", "backup phrase for the test wallet: {{m}}", m="~mnem:12"),
    _p(
        "bip39_numbered_24",
        "Seed (write down!):\n{{m}}",
        m=lambda v: "\n".join(f"{i + 1}. {w}" for i, w in enumerate(mnemonic("bip39_numbered_24", 24).split())),
    ),
    _p("bitcoin_cli_importprivkey", '$ bitcoin-cli importprivkey "{{k}}" "cold" false', k="~wif"),
    _p("wif_uncompressed_paper_wallet", "paper wallet (2013) private key: {{k}}", k="~wifu"),
    _p(
        "hardhat_accounts_private_key",
        'networks: {\n  sepolia: {\n    url: `https://eth-sepolia.g.alchemy.com/v2/${ALCHEMY_KEY}`,\n    accounts: ["0x{{k}}"],\n  },\n},',
        k="~hex:64",
    ),
    _p(
        "foundry_cast_private_key",
        "cast send 0xAbC0000000000000000000000000000000000001 'mint()' --private-key {{k}} --rpc-url $RPC",
        k=("0x", "~hex:64"),
    ),
    _p(
        "solana_keypair_json_array",
        "$ cat ~/.config/solana/id.json\n[{{k}}]",
        k=lambda v: ",".join(str(b) for b in _bytes("solana_keypair_json_array", 64)),
    ),
    _p("solana_base58_secret", "Phantom export -> private key: {{k}}", k="~b58:88"),
    _p("monero_spend_key", "Secret spend key: {{k}}\nPublic spend key: {{p_pub}}", k="~hex:64", p_pub="~hex:64"),
    _p("wallet_extra_passphrase", "the 25th word / passphrase for the Trezor is {{ph}}", ph="~pw"),
    _p("wpa_supplicant_psk", 'network={\n    ssid="Heimnetz"\n    psk="{{pw}}"\n    key_mgmt=WPA-PSK\n}', pw="~pw"),
    _p(
        "wpa_passphrase_hashed_psk",
        'network={\n\tssid="Office"\n\t#psk="{{pw}}"\n\tpsk={{h}}\n}',
        pw="~pw",
        h="~hex:64",
    ),
    _p(
        "home_assistant_secrets_yaml",
        "# secrets.yaml\nmqtt_password: {{pw}}\nlatitude_home: 52.37",
        pw="~pw",
    ),
    _p(
        "home_assistant_long_lived_token",
        'curl -H "Authorization: Bearer {{t}}" http://homeassistant.local:8123/api/states',
        t=(_JWT_HEAD + ".", "~b64u:120", ".", "~b64u:43"),
    ),
    _p(
        "esphome_api_encryption",
        'api:\n  encryption:\n    key: "{{k}}"\nota:\n  - platform: esphome\n    password: "{{pw}}"',
        k="~bytes:32",
        pw="~hex:32",
    ),
    _p(
        "tasmota_backlog",
        "Backlog SSID1 Garten; Password1 {{w}}; MqttUser tasmota; MqttPassword {{m}}",
        w="~pw",
        m="~pw",
    ),
    _p("mosquitto_pub_password", 'mosquitto_pub -h broker.lan -u sensor -P "{{pw}}" -t home/temp -m 21.5', pw="~pw"),
    _p(
        "zigbee2mqtt_network_key",
        "advanced:\n  network_key: [{{k}}]\n  pan_id: 6754",
        k=lambda v: ", ".join(str(b) for b in _bytes("zigbee2mqtt_network_key", 16)),
    ),
    _p("hue_bridge_username", "curl http://192.168.1.20/api/{{k}}/lights", k="~an:40"),
    _p(
        "tuya_local_key",
        '{"name": "Plug Office", "id": "{{p_id}}", "key": "{{k}}"}',
        p_id=("bf", "~lan:20"),
        k="~an:16",
    ),
    _p(
        "steam_web_api_key",
        "https://api.steampowered.com/ISteamUser/GetPlayerSummaries/v2/?key={{k}}&steamids=7656119",
        k="~HEX:32",
    ),
    _p("steamcmd_login", "./steamcmd.sh +login acme_build {{pw}} +app_update 896660 validate +quit", pw="~pw"),
    _p("minecraft_rcon_properties", "enable-rcon=true\nrcon.port=25575\nrcon.password={{pw}}", pw="~pw"),
    _p("factorio_server_settings", '"game_password": "{{pw}}",\n"require_user_verification": true,', pw="~pw"),
    _p(
        "ark_admin_password_flag",
        "ShooterGameServer TheIsland?listen?ServerPassword={{a}}?ServerAdminPassword={{b}}",
        a="~pw",
        b="~pw",
    ),
    _p("riot_api_key", "X-Riot-Token: {{k}}", k=("RGAPI" + "-", "~uuid")),
    _p("plex_token_url", "http://192.168.1.5:32400/library/sections?X-Plex-Token={{t}}", t="~b64u:20"),
    _p("jellyfin_api_key_header", "X-Emby-Token: {{k}}", k="~hex:32"),
    _p(
        "sonarr_config_xml",
        "<Config>\n  <Port>8989</Port>\n  <ApiKey>{{k}}</ApiKey>\n  <AuthenticationMethod>Forms</AuthenticationMethod>\n</Config>",
        k="~hex:32",
    ),
    _p(
        "qbittorrent_webui_login",
        "curl -i --data 'username=admin&password={{pw__url}}' http://nas:8080/api/v2/auth/login",
        pw=("~pw", "&", "~d:2"),
    ),
    _p("transmission_rpc_password", '"rpc-password": "{{pw}}",\n"rpc-username": "media",', pw="~pw"),
)

# --- 9. Mail, DNS, VPN, Wi-Fi and backups ------------------------------------------------------------
NET_MAIL_BACKUP = (
    _p("smtp_password_env", "SMTP_HOST=smtp.office365.com\nSMTP_USER=noreply@acme.io\nSMTP_PASSWORD={{pw}}", pw="~pw"),
    _p(
        "gmail_app_password_spaced",
        "Your app password for your device\n{{pw}}",
        pw=lambda v: " ".join(_draw("gmail_app", string.ascii_lowercase, 16)[i : i + 4] for i in range(0, 16, 4)),
    ),
    _p(
        "msmtprc_password",
        "account default\nhost smtp.fastmail.com\nport 465\nuser me@fastmail.com\npassword {{pw}}",
        pw="~lan:16",
    ),
    _p("muttrc_smtp_pass", 'set smtp_url = "smtps://me@mail.acme.io"\nset smtp_pass = "{{pw}}"', pw="~pw"),
    _p("postfix_sasl_passwd", "[smtp.gmail.com]:587 alerts@acme.io:{{pw}}", pw="~lw:16"),
    _p("fetchmailrc", 'poll imap.acme.io protocol IMAP user "jane" password "{{pw}}" ssl', pw="~pw"),
    _p(
        "offlineimap_remotepass",
        "[Repository Remote]\ntype = IMAP\nremoteuser = jane@acme.io\nremotepass = {{pw}}",
        pw="~pw",
    ),
    _p(
        "ses_smtp_password",
        "spring.mail.username={{p_u}}\nspring.mail.password={{pw}}",
        p_u=(_AKIA, "~uan:16"),
        pw=("B", "~b64:43"),
    ),
    _p(
        "swaks_auth_password",
        "swaks --to test@acme.io --server smtp.acme.io:587 -tls --auth-user bot --auth-password '{{pw}}'",
        pw="~pw",
    ),
    _p(
        "smtp_auth_login_transcript",
        "> AUTH LOGIN\n< 334 VXNlcm5hbWU6\n> {{p_u__b64}}\n< 334 UGFzc3dvcmQ6\n> {{pw__b64}}\n< 235 2.7.0 Authentication successful",
        p_u="mailer@acme.io",
        pw="~pw",
    ),
    _p("bind_tsig_key", 'key "xfer-key" {\n\talgorithm hmac-sha256;\n\tsecret "{{k}}";\n};', k="~bytes:32"),
    _p("nsupdate_y_flag", "nsupdate -y hmac-sha256:ddns-key:{{k}} update.txt", k="~bytes:32"),
    _p("certbot_cloudflare_ini", "# /etc/letsencrypt/cloudflare.ini\ndns_cloudflare_api_token = {{t}}", t="~b64u:40"),
    _p("duckdns_update_url", "curl 'https://www.duckdns.org/update?domains=myhome&token={{t}}&ip='", t="~uuid"),
    _p(
        "porkbun_secret_api_key",
        '{"apikey": "{{p_k}}", "secretapikey": "{{s}}"}',
        p_k=("pk" + "1_", "~hex:64"),
        s=("sk" + "1_", "~hex:64"),
    ),
    _p("godaddy_sso_key", "Authorization: sso-key {{p_k}}:{{s}}", p_k="~an:34", s="~an:22"),
    _p(
        "namecheap_api_key",
        "https://api.namecheap.com/xml.response?ApiUser=acme&ApiKey={{k}}&UserName=acme&Command=namecheap.domains.getList",
        k="~hex:32",
    ),
    _p(
        "acme_sh_saved_cf_token",
        "SAVED_CF_Token='{{t}}'\nSAVED_CF_Account_ID='{{p_acc}}'",
        t="~b64u:40",
        p_acc="~hex:32",
    ),
    _p(
        "wireguard_conf_keys",
        "[Interface]\nPrivateKey = {{k}}\nAddress = 10.8.0.2/24\n\n[Peer]\nPublicKey = {{p_pub}}\nPresharedKey = {{psk}}\nEndpoint = vpn.acme.io:51820",
        k="~bytes:32",
        p_pub="~bytes:32",
        psk="~bytes:32",
    ),
    _p("wg_genkey_output", "$ wg genkey | tee privatekey\n{{k}}", k="~bytes:32"),
    _p("openvpn_auth_user_pass", "$ cat /etc/openvpn/client/auth.txt\nvpnuser42\n{{pw}}", pw="~pw"),
    _p(
        "openvpn_tls_auth_static_key",
        "<tls-auth>\n#\n# 2048 bit OpenVPN static key\n#\n"
        + _BEGIN
        + "OpenVPN Static key V1-----\n{{l1}}\n{{l2}}\n{{l3}}\n"
        + _END
        + "OpenVPN Static key V1-----\n</tls-auth>",
        l1="~hex:32",
        l2="~hex:32",
        l3="~hex:32",
    ),
    _p("ipsec_secrets_psk", '# /etc/ipsec.secrets\n203.0.113.5 198.51.100.7 : PSK "{{pw}}"', pw="~pw"),
    _p(
        "tailscale_authkey",
        "tailscale up --authkey={{k}} --advertise-exit-node",
        k=("tskey" + "-auth-", "~an:17", "-", "~an:33"),
    ),
    _p(
        "openconnect_passwd_stdin",
        "echo '{{pw}}' | sudo openconnect --user=jdoe --passwd-on-stdin vpn.acme.io",
        pw="~pw",
    ),
    _p("mullvad_account_number", "mullvad account login {{n}}", n="~d:16"),
    _p("nmcli_wifi_connect", "nmcli dev wifi connect 'FRITZ!Box 7590 XY' password '{{pw}}'", pw="~pw"),
    _p(
        "netsh_wlan_key_clear",
        "Security settings\n-----------------\n    Authentication         : WPA2-Personal\n    Cipher                 : CCMP\n    Security key           : Present\n    Key Content            : {{pw}}",
        pw="~pw",
    ),
    _p("macos_security_find_password", '$ security find-generic-password -wa "Livebox-3F2A"\n{{pw}}', pw="~an:26"),
    _p(
        "restic_password_env",
        "export RESTIC_REPOSITORY=s3:s3.amazonaws.com/acme-backup\nexport RESTIC_PASSWORD='{{pw}}'",
        pw="~phrase:5",
    ),
    _p("borg_passphrase_env", "BORG_PASSPHRASE='{{pw}}' borg create ::'{hostname}-{now}' /etc /home", pw="~pw"),
    _p(
        "borg_key_export",
        "BORG_KEY {{p_id}}\n{{k1}}\n{{k2}}\n{{k3}}",
        p_id="~hex:64",
        k1="~b64:76",
        k2="~b64:76",
        k3="~b64:40",
    ),
    _p(
        "rclone_conf_obscured_pass",
        "[crypt]\ntype = crypt\nremote = b2:backups\npassword = {{a}}\npassword2 = {{b}}",
        a="~b64u:43",
        b="~b64u:43",
    ),
    _p("duplicity_passphrase", "PASSPHRASE='{{pw}}' duplicity /srv sftp://backup@nas//volume1/srv", pw="~pw"),
    _p("kopia_repository_connect", "kopia repository connect s3 --bucket=acme-kopia --password='{{pw}}'", pw="~pw"),
    _p("gpg_passphrase_batch", "gpg --batch --yes --passphrase '{{ph}}' -d secrets.tar.gz.gpg | tar xz", ph="~words:5"),
    _p("zip_p_flag", "zip -P {{pw}} -r export.zip export/", pw="~pw"),
    _p("sevenzip_p_flag", "7z a -p{{pw}} -mhe=on archive.7z ./reports", pw="~pw"),
    _p("openssl_enc_pass", "openssl enc -aes-256-cbc -pbkdf2 -in db.sql -out db.sql.enc -pass pass:{{pw}}", pw="~pw"),
    _p("rsync_password_env", "RSYNC_PASSWORD={{pw}} rsync -av /data/ backup@nas::module/", pw="~pw"),
    _p("bacula_director_password", 'Director {\n  Name = backup-dir\n  Password = "{{pw}}"\n}', pw="~b64:44"),
)

# --- 10. Config and code in many languages and formats --------------------------------------------------
CONFIG_CODE = (
    _p("dotenv_session_secret", 'SESSION_SECRET="{{s}}"', s="~b64:44"),
    _p(
        "yaml_oauth_client_secret",
        "oauth:\n  client_id: {{p_id}}\n  client_secret: {{s}}",
        p_id="~lan:20",
        s="~b64u:40",
    ),
    _p("toml_smtp_password", '[smtp]\nhost = "smtp.acme.io"\npassword = "{{pw}}"', pw="~pw"),
    _p("ini_database_passwd", "[database]\nhost=10.1.1.4\nuser=erp\npasswd={{pw}}", pw="~pw"),
    _p("java_properties_signing_key", "jwt.signing-key={{s}}", s="~b64:64"),
    _p("web_config_appsettings", '<appSettings>\n  <add key="ApiSecret" value="{{s}}" />\n</appSettings>', s="~an:32"),
    _p("hcl_variable_default", 'variable "db_password" {\n  type    = string\n  default = "{{pw}}"\n}', pw="~pw"),
    _p(
        "appsettings_json_conn",
        '"ConnectionStrings": {\n  "Default": "Host=db;Database=crm;Username=crm;Password={{pw}}"\n}',
        pw="~pw",
    ),
    _p("go_const_api_key", 'const apiKey = "{{k}}"', k="~an:40"),
    _p("rust_let_token", 'let token = "{{t}}";\nlet client = Client::new();', t=(_GHP, "~an:36")),
    _p("java_static_final_password", 'private static final String PASSWORD = "{{pw}}";', pw="~pw"),
    _p("csharp_network_credential", 'Credentials = new NetworkCredential("ops@acme.io", "{{pw}}"),', pw="~pw"),
    _p("php_pdo_password", "$db = new PDO($dsn, 'shop', '{{pw}}');", pw="~pw"),
    _p("ruby_stripe_api_key", "Stripe.api_key = '{{k}}'", k=(_SK_LIVE, "~an:24")),
    _p(
        "elixir_repo_config",
        'config :shop, Shop.Repo,\n  username: "shop",\n  password: "{{pw}}",\n  hostname: "localhost"',
        pw="~pw",
    ),
    _p("kotlin_val_secret", 'val clientSecret = "{{s}}"', s="~b64u:32"),
    _p("swift_let_api_key", 'let apiKey = "{{k}}"', k="~hex:32"),
    _p("dart_const_maps_key", "const String kMapsKey = '{{k}}';", k=(_AIZA, "~b64u:35")),
    _p("lua_local_password", 'local wifi_password = "{{pw}}"', pw="~pw"),
    _p("perl_dbi_connect", 'my $dbh = DBI->connect("dbi:Pg:dbname=erp", "erp", "{{pw}}");', pw="~pw"),
    _p("r_sys_setenv", 'Sys.setenv(OPENAI_API_KEY = "{{k}}")', k=_OPENAI),
    _p("julia_env_assign", 'ENV["API_TOKEN"] = "{{t}}"', t="~an:40"),
    _p("nix_option_password", 'services.grafana.settings.security.admin_password = "{{pw}}";', pw="~pw"),
    _p("powershell_securestring", '$secure = ConvertTo-SecureString "{{pw}}" -AsPlainText -Force', pw="~pw"),
    _p("bash_curl_u_quoted", 'curl -fsS -u "admin:{{pw}}" https://jenkins.acme.io/api/json', pw="~pw"),
    _p("dockerfile_env_token", "FROM node:22-alpine\nENV NPM_TOKEN={{t}}\nRUN npm ci", t=(_NPM, "~an:36")),
    _p("makefile_deploy_token", "DEPLOY_TOKEN ?= {{t}}\n\ndeploy:\n\t./deploy.sh $(DEPLOY_TOKEN)", t="~hex:40"),
    _p("arduino_define_wifi_pass", '#define WIFI_SSID "Werkstatt"\n#define WIFI_PASS "{{pw}}"', pw="~pw"),
    _p("cpp_std_string_key", 'static const std::string kLicenseKey = "{{k}}";', k="~uan:32"),
    _p("scala_getorelse_default", 'val password = sys.env.getOrElse("DB_PASSWORD", "{{pw}}")', pw="~pw"),
    _p("haskell_text_key", 'apiKey :: Text\napiKey = "{{k}}"', k="~an:32"),
    _p("clojure_edn_password", '{:db {:user "app" :password "{{pw}}"}}', pw="~pw"),
    _p("erlang_sys_config", '[{epgsql, [{host, "db"}, {username, "app"}, {password, "{{pw}}"}]}].', pw="~pw"),
    _p("sql_insert_api_key_seed", "INSERT INTO api_keys (name, secret) VALUES ('ci', '{{k}}');", k="~hex:48"),
    _p("ansible_become_pass_vars", "ansible_user: deploy\nansible_become_pass: {{pw}}", pw="~pw"),
    _p("terraform_provider_token", 'provider "github" {\n  owner = "acme"\n  token = "{{t}}"\n}', t=(_GHP, "~an:36")),
    _p("gradle_kts_credentials", 'credentials {\n    username = "ci"\n    password = "{{pw}}"\n}', pw="~pw"),
    _p("flask_secret_key_bytes", "app.secret_key = b'{{s}}'", s="~hex:48"),
    _p(
        "typescript_fallback_secret",
        'export const STRIPE_SECRET = process.env.STRIPE_SECRET ?? "{{k}}";',
        k=(_SK_LIVE, "~an:24"),
    ),
    _p("nginx_proxy_authorization", 'proxy_set_header Authorization "Bearer {{t}}";', t="~an:48"),
    _p(
        "systemd_environment_token",
        "[Service]\nEnvironment=API_TOKEN={{t}}\nExecStart=/usr/local/bin/agent",
        t="~b64u:32",
    ),
    _p("crontab_pgpassword", "0 3 * * * PGPASSWORD={{pw}} pg_dump -h db shop | gzip > /backup/shop.sql.gz", pw="~pw"),
    _p("prometheus_basic_auth", "basic_auth:\n  username: prom\n  password: {{pw}}", pw="~pw"),
    _p("grafana_ini_admin", "[security]\nadmin_user = admin\nadmin_password = {{pw}}", pw="~pw"),
    _p(
        "android_signing_config",
        "signingConfigs {\n    release {\n        storePassword '{{a}}'\n        keyAlias 'upload'\n        keyPassword '{{b}}'\n    }\n}",
        a="~pw",
        b="~pw",
    ),
    _p("fastlane_match_password", "MATCH_PASSWORD={{pw}}\nFASTLANE_USER=ios@acme.io", pw="~pw"),
    _p("jupyter_config_token", "c.ServerApp.token = '{{t}}'", t="~hex:48"),
    _p("traefik_cf_dns_token", "- CF_DNS_API_TOKEN={{t}}", t="~b64u:40"),
)

# --- 11. Logs, stack traces and HTTP dumps -----------------------------------------------------------
LOGS_HTTP = (
    _p(
        "curl_v_bearer_header",
        "> GET /v1/accounts HTTP/2\n> Host: api.acme.io\n> Authorization: Bearer {{t}}\n> Accept: */*",
        t="~b64u:48",
    ),
    _p(
        "curl_v_basic_header",
        "> Authorization: Basic {{b}}",
        b=lambda v: _b64(("admin:" + _gen("curl_v_basic_header/x", "pw")).encode()),
    ),
    _p("curl_v_cookie_session", "> Cookie: theme=dark; session={{s}}; lang=de", s="~b64u:43"),
    _p("set_cookie_response", "< set-cookie: __Host-sid={{s}}; Path=/; Secure; HttpOnly; SameSite=Lax", s="~an:64"),
    _p(
        "access_log_api_key_query",
        '203.0.113.9 - - [27/Nov/2026:10:01:12 +0000] "GET /api/v1/export?api_key={{k}}&format=csv HTTP/1.1" 200 8812',
        k="~hex:32",
    ),
    _p(
        "python_traceback_sqlalchemy_url",
        'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "db" (10.0.0.7), port 5432 failed: timeout\n(Background on this error at: https://sqlalche.me/e/20/e3q8)\n  engine = create_engine("postgresql+psycopg2://etl:{{pw}}@db:5432/dw")',
        pw="~pw",
    ),
    _p(
        "node_fetch_error_url",
        "FetchError: request to https://api.acme.io/v2/sync?token={{t}} failed, reason: connect ECONNREFUSED 10.0.0.9:443",
        t="~an:40",
    ),
    _p(
        "urllib3_debug_telegram",
        'DEBUG:urllib3.connectionpool:https://api.telegram.org:443 "POST /bot{{t}}/sendMessage HTTP/1.1" 200 312',
        t=_TG,
    ),
    _p(
        "raw_form_post_dump",
        "POST /login HTTP/1.1\nHost: intranet.acme.local\nContent-Type: application/x-www-form-urlencoded\n\nusername=jdoe&password={{pw__url}}",
        pw=("~pw", "!", "~d:1"),
    ),
    _p("har_header_entry", '{\n  "name": "X-Api-Key",\n  "value": "{{k}}"\n},', k="~an:32"),
    _p(
        "json_log_headers",
        '{"level":"debug","ts":1764237612.3,"msg":"outgoing","headers":{"authorization":"Bearer {{t}}","user-agent":"svc/1.2"}}',
        t="~jwt",
    ),
    _p(
        "mysql_docker_generated_root",
        "2026-11-27 10:02:11+00:00 [Note] [Entrypoint]: GENERATED ROOT PASSWORD: {{pw}}",
        pw="~an:32",
    ),
    _p(
        "gitlab_initial_root_password",
        "# cat /etc/gitlab/initial_root_password\n# WARNING: This value is valid only in the following conditions\nPassword: {{pw}}",
        pw="~b64:44",
    ),
    _p("jupyter_server_log_token", "[I 10:14:02.451 ServerApp] http://127.0.0.1:8888/lab?token={{t}}", t="~hex:48"),
    _p(
        "rails_log_unfiltered_params",
        'Processing by SessionsController#create as HTML\n  Parameters: {"authenticity_token"=>"[FILTERED]", "user"=>{"email"=>"ana@acme.io", "password"=>"{{pw}}"}}',
        pw="~pw",
    ),
    _p("strace_redis_auth", 'write(3, "*2\\r\\n$4\\r\\nAUTH\\r\\n$24\\r\\n{{pw}}\\r\\n", 41) = 41', pw="~an:24"),
    _p(
        "tcpdump_ftp_pass",
        "10:21:07.119 IP 10.0.0.5.51514 > 10.0.0.9.21: Flags [P.]\nUSER backup\nPASS {{pw}}",
        pw="~pw",
    ),
    _p(
        "smtp_auth_plain_capture",
        "C: AUTH PLAIN {{b}}\nS: 235 2.7.0 Authentication successful",
        b=lambda v: _b64(("\0alerts@acme.io\0" + _gen("smtp_auth_plain_capture/x", "pw")).encode()),
    ),
    _p(
        "python_logging_dict_repr",
        "INFO:oauth:token response {'access_token': '{{a}}', 'refresh_token': '{{r}}', 'expires_in': 3600}",
        a="~b64u:64",
        r="~b64u:64",
    ),
    _p(
        "go_panic_url_creds",
        'panic: Get "https://svc:{{pw}}@registry.internal/v2/": dial tcp: lookup registry.internal: no such host\n\ngoroutine 1 [running]:',
        pw="~pw",
    ),
    _p(
        "postgres_log_alter_role",
        "2026-11-27 09:12:44 UTC [4121] LOG:  statement: ALTER ROLE app WITH PASSWORD '{{pw}}'",
        pw="~pw",
    ),
    _p(
        "copy_as_fetch",
        'fetch("https://app.acme.io/api/me", {\n  "headers": {\n    "accept": "application/json",\n    "authorization": "Bearer {{t}}"\n  },\n  "method": "GET"\n});',
        t="~jwt",
    ),
    _p(
        "copy_as_curl_cookie",
        "curl 'https://admin.acme.io/users' \\\n  -H 'cookie: _ga=GA1.1.1; connect.sid={{s}}' \\\n  -H 'x-csrf-token: {{c}}'",
        s=("s%3A", "~b64u:32", ".", "~b64u:43"),
        c="~b64u:36",
    ),
    _p("oauth_callback_code", "GET /auth/callback?code={{c}}&state=8f2a1c HTTP/1.1", c="~b64u:40"),
    _p(
        "password_reset_link_log",
        "INFO mailer: sent reset link https://app.acme.io/reset-password?token={{t}} to ana@acme.io",
        t="~hex:64",
    ),
    _p(
        "s3_presigned_url",
        "https://acme-exports.s3.eu-west-1.amazonaws.com/q3.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={{p_id}}%2F20261127%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20261127T101500Z&X-Amz-Expires=604800&X-Amz-Security-Token={{t__url}}&X-Amz-Signature={{p_sig}}",
        p_id=(_ASIA, "~uan:16"),
        t=_SESSION_TOKEN,
        p_sig="~hex:64",
    ),
    _p(
        "slack_webhook_in_error",
        "requests.exceptions.HTTPError: 404 Client Error: Not Found for url: https://hooks.slack.com/services/{{p_t}}/{{p_b}}/{{s}}",
        p_t=("T", "~uan:8"),
        p_b=("B", "~uan:10"),
        s="~an:24",
    ),
    _p(
        "sentry_event_request_headers",
        '"request": {\n  "headers": [["Cookie", "remember_token={{s}}"], ["User-Agent", "Mozilla/5.0"]]\n}',
        s="~hex:40",
    ),
    _p(
        "uvicorn_access_log_token",
        'INFO:     172.18.0.1:50322 - "GET /ws?access_token={{t}} HTTP/1.1" 101',
        t="~b64u:32",
    ),
    _p(
        "kubectl_logs_env_dump",
        "$ kubectl logs deploy/api | head\nstarting with config: {Port:8080 DBUser:api DBPassword:{{pw}} Debug:true}",
        pw="~pw",
    ),
    _p(
        "mongodb_uri_in_log",
        '{"t":{"$date":"2026-11-27T10:00:00Z"},"s":"E","msg":"failed to connect","attr":{"uri":"mongodb://root:{{pw}}@mongo-0.mongo:27017/?authSource=admin"}}',
        pw="~an:20",
    ),
    _p(
        "java_stack_connection_props",
        'Caused by: org.postgresql.util.PSQLException: FATAL: password authentication failed for user "billing"\n\tat ...\nDataSource properties: {user=billing, password={{pw}}, ssl=true}',
        pw="~pw",
    ),
)

# --- 12. Diffs, reviews, notebooks, data exports, tickets, mails and docs --------------------------------
DOCS_DATA = (
    _p(
        "diff_env_rotated_key",
        "diff --git a/.env.example b/.env.example\n--- a/.env.example\n+++ b/.env.example\n@@ -3 +3 @@\n-API_KEY={{a}}\n+API_KEY={{b}}",
        a="~an:32",
        b="~an:32",
    ),
    _p(
        "diff_yaml_password_added",
        "@@ -12,6 +12,7 @@ database:\n   host: db.internal\n   user: app\n+  password: {{pw}}\n   pool: 10",
        pw="~pw",
    ),
    _p(
        "review_comment_quote",
        "> password: {{pw}}\n\nPlease don't commit this — move it to Vault and read it at startup.",
        pw="~pw",
    ),
    _p(
        "github_suggestion_block",
        '```suggestion\nconst token = process.env.GH_TOKEN; // was "{{t}}"\n```',
        t=(_GHP, "~an:36"),
    ),
    _p("commit_message_temp_creds", "chore: temp creds for staging (user=qa, pass={{pw}})", pw="~pw"),
    _p(
        "merge_conflict_tokens",
        "<<<<<<< HEAD\nSLACK_TOKEN={{a}}\n=======\nSLACK_TOKEN={{b}}\n>>>>>>> feature/alerts",
        a=_SLACK_BOT,
        b=_SLACK_BOT,
    ),
    _p(
        "notebook_source_cell_key",
        '"source": [\n    "import openai\\n",\n    "openai.api_key = \\"{{k}}\\"\\n"\n]',
        k=_OPENAI,
    ),
    _p(
        "notebook_output_stream",
        '"outputs": [{"name": "stdout", "output_type": "stream", "text": ["token: {{t}}\\n"]}]',
        t=(_HF, "~an:34"),
    ),
    _p("colab_bang_pip_token", "!pip install git+https://{{t}}@github.com/acme/private-lib.git", t=(_GHP, "~an:36")),
    _p(
        "pandas_users_frame",
        "   id           email      password\n0   1  ana@acme.io   {{a}}\n1   2  ben@acme.io   {{b}}",
        a="~pw",
        b="~pw",
    ),
    _p(
        "csv_export_api_keys",
        "name,api_key,created_at\nci,{{a}},2026-01-02\nbackup,{{b}},2026-03-14",
        a="~hex:40",
        b="~hex:40",
    ),
    _p(
        "sql_dump_plaintext_password",
        "INSERT INTO `users` VALUES (1,'admin','admin@acme.io','{{pw}}','2019-04-02 10:11:12');",
        pw="~pw",
    ),
    _p(
        "jira_ticket_creds",
        "PROJ-1423: Staging broken after rotation\nNew creds: user deploy / pass {{pw}}\nAssignee: M. Rossi  Priority: High",
        pw="~pw",
    ),
    _p(
        "email_temporary_password",
        "From: IT Service Desk <it@acme.io>\nSubject: Your temporary password\n\nHello Ana,\nyour temporary password is {{pw}}\nYou will be asked to change it at first login.",
        pw="~pw",
    ),
    _p(
        "vendor_email_client_secret",
        "Your API credentials are below. Keep them safe.\nClient ID: {{p_id}}\nClient Secret: {{s}}",
        p_id="~uuid",
        s="~b64u:48",
    ),
    _p(
        "wiki_table_credentials",
        "## Staging hosts\n| Host | User | Password |\n|------|------|----------|\n| db-stg | app | {{a}} |\n| cache-stg | default | {{b}} |",
        a="~pw",
        b="~pw",
    ),
    _p("slack_message_pasted", "[10:42] Priya Nair: the new mqtt pw is {{pw}} fyi\n[10:43] Tom: thx", pw="~pw"),
    _p("whatsapp_export_router", "12/03/2026, 09:14 - Marco: password del router: {{pw}}", pw="~pw"),
    _p("onboarding_doc_wifi", "Welcome!\n- Wi-Fi: ACME-Guest / {{pw}}\n- Printer: 2nd floor", pw="~pw"),
    _p(
        "postman_collection_bearer",
        '"auth": {\n  "type": "bearer",\n  "bearer": [{"key": "token", "value": "{{t}}", "type": "string"}]\n},',
        t="~b64u:48",
    ),
    _p("insomnia_environment", '{"base_url": "https://api.acme.io", "api_secret": "{{s}}"}', s="~an:40"),
    _p(
        "openapi_example_real_key",
        "      parameters:\n        - in: header\n          name: X-API-Key\n          example: {{k}}",
        k="~hex:40",
    ),
    _p("tsv_export_tokens", "user\ttoken\tscope\nbot\t{{t}}\trepo", t=(_GHP, "~an:36")),
    _p("test_fixture_yaml", "# tests/fixtures/integration.yaml\nstripe:\n  secret: {{k}}", k=(_SK_LIVE, "~an:24")),
    _p(
        "postmortem_leaked_key",
        "14:02 UTC — the leaked key ({{p_id}} / {{s}}) was deactivated in IAM.",
        p_id=(_AKIA, "~uan:16"),
        s="~b64:40",
    ),
    _p("es_code_review_password", "ojo: aquí se filtra la contraseña '{{pw}}' en el log de arranque", pw="~pw"),
    _p(
        "calendar_invite_passcode",
        "Join Zoom Meeting\nhttps://acme.zoom.us/j/81234567890\nMeeting ID: 812 3456 7890\nPasscode: {{pc}}",
        pc="~an:6",
    ),
    _p(
        "stackoverflow_question_paste",
        "I'm getting 401 with this code, what am I doing wrong?\n\n    headers = {'Authorization': 'Token {{t}}'}",
        t="~hex:40",
    ),
    _p(
        "bug_report_config_attached",
        "**Environment**\n- version 3.2.1\n- config:\n```\nsmtp_user = alerts\nsmtp_pass = {{pw}}\n```",
        pw="~pw",
    ),
    _p("sheets_export_row", "Service;Login;Passwort;Notiz\nDATEV;buchhaltung;{{pw}};nur Büro", pw="~pwu"),
    _p("jsonl_dataset_leak", '{"prompt": "connect to the db", "completion": "use mysql -u root -p{{pw}}"}', pw="~pw"),
    _p(
        "readme_quickstart_real_key",
        "## Quickstart\n\n```bash\nexport WEATHER_API_KEY={{k}}\npython app.py\n```",
        k="~hex:32",
    ),
    _p(
        "gitlab_issue_comment_ssh_pw",
        "@devops the box is up: `ssh root@203.0.113.44` pw `{{pw}}` — please harden it",
        pw="~pw",
    ),
)

# --- 13. Hidden by escaping, encoding, splitting, wrapping, tables or markup ----------------------------
DISGUISED = (
    _p("json_escaped_quote_backslash", '{"db": {"password": "{{pw__json}}"}}', pw=("~pw", '"', "\\", "~d:2")),
    _p(
        "json_double_escaped_in_tool_result",
        '{"type": "tool_result", "content": "{\\"env\\": {\\"API_TOKEN\\": \\"{{t}}\\"}}"}',
        t="~an:40",
    ),
    _p("url_encoded_password", "amqps://app:{{pw__url}}@mq.acme.io/vhost", pw=("~pw", "/", "~pw", "#")),
    _p(
        "base64_json_blob",
        "CONFIG_B64={{b}}",
        b=lambda v: _b64(json.dumps({"user": "svc", "password": _gen("base64_json_blob/x", "pw")}).encode()),
    ),
    _p("xxd_hex_dump_of_secret", "$ printf '%s' \"$API_KEY\" | xxd -p\n{{k__hex}}", k="~an:32"),
    _p("python_string_concatenated", 'API_KEY = (\n    "{{k__h1}}"\n    "{{k__h2}}"\n)', k=(_SK_LIVE, "~an:40")),
    _p("js_plus_split_token", 'const t = "{{t__h1}}" + "{{t__h2}}";', t=(_GHP, "~an:36")),
    _p(
        "shell_backslash_continuation",
        "curl -H 'Authorization: Bearer {{t__h1}}\\\n{{t__h2}}' https://api.acme.io/",
        t="~b64u:64",
    ),
    _p("terminal_wrapped_80_cols", "token: {{t__h1}}\n{{t__h2}}", t=("~b64u:110",)),
    _p(
        "markdown_table_backticks",
        "| Variable | Value |\n|---|---|\n| `DB_PASSWORD` | `{{pw}}` |\n| `DB_HOST` | `db` |",
        pw="~pw",
    ),
    _p("html_password_input_value", '<input type="password" name="pw" value="{{pw}}" autocomplete="off">', pw="~pw"),
    _p(
        "html_entity_ampersand",
        '<param name="password" value="{{pw_html}}" />',
        pw_html=lambda v: _gen("html_entity_ampersand/x", "pw") + "&amp;" + _gen("html_entity_ampersand/y", "d:3"),
    ),
    _p(
        "xml_cdata_secret", "<credentials><secret><![CDATA[{{s}}]]></secret></credentials>", s=("~an:20", "<>", "~an:8")
    ),
    _p("yaml_block_scalar_token", "api:\n  token: |\n    {{t}}\n  url: https://api.acme.io", t="~b64:60"),
    _p("yaml_folded_split", "auth_token: >-\n  {{t__h1}}\n  {{t__h2}}", t="~b64u:72"),
    _p(
        "bash_ansi_c_escapes",
        "export PASS=$'{{pw_esc}}'",
        pw_esc=lambda v: _gen("bash_ansi_c_escapes/x", "pw").replace("a", "\\x61").replace("e", "\\x65"),
    ),
    _p("python_bytes_literal", "key = b'{{k}}'", k="~b64:44"),
    _p(
        "json_unicode_escapes",
        '{"password": "{{pw_u}}"}',
        pw_u=lambda v: "".join(f"\\u{ord(c):04x}" for c in _gen("json_unicode_escapes/x", "pw")),
    ),
    _p(
        "quoted_printable_email",
        "Content-Transfer-Encoding: quoted-printable\n\nIhr neues Passwort lautet: {{pw_qp}}=0AViele Gr=C3=BC=C3=9Fe",
        pw_qp=lambda v: _gen("quoted_printable_email/x", "pw") + "=3D" + _gen("quoted_printable_email/y", "d:4"),
    ),
    _p("go_raw_string_backticks", "var dsn = `user=app password={{pw}} host=db sslmode=disable`", pw="~pw"),
    _p("env_export_inline_comment", "export API_SECRET='{{s}}'  # do not share", s="~an:36"),
    _p(
        "psql_ascii_table",
        " key        | value\n------------+------------------------------\n smtp_pass  | {{pw}}\n smtp_host  | mail.acme.io\n(2 rows)",
        pw="~pw",
    ),
    _p(
        "rich_box_table",
        "┏━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓\n┃ Name      ┃ Value                                    ┃\n┡━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩\n│ API_KEY   │ {{k}} │\n└───────────┴──────────────────────────────────────────┘",
        k="~an:40",
    ),
    _p(
        "ansi_colored_token",
        "Your new token: \x1b[1;32m{{t}}\x1b[0m (copy it now, it won't be shown again)",
        t=("tok", "_", "~an:40"),
    ),
    _p(
        "markdown_link_basic_auth",
        "see the [dashboard](https://admin:{{pw}}@grafana.acme.io/d/abc) for the spike",
        pw="~an:20",
    ),
    _p(
        "k8s_b64_env_file",
        "data:\n  .env: {{b}}",
        b=lambda v: _b64(("DB_PASSWORD=" + _gen("k8s_b64_env_file/x", "pw") + "\nDEBUG=0\n").encode()),
    ),
    _p(
        "curl_json_body_single_quoted",
        'curl -X POST https://auth.acme.io/login -d \'{"username":"qa","password":"{{pw}}"}\'',
        pw="~pw",
    ),
    _p(
        "powershell_backtick_escape",
        '$env:DB_PASS = "{{pw_ps}}"',
        pw_ps=lambda v: _gen("powershell_backtick_escape/x", "pw") + "`$" + _gen("powershell_backtick_escape/y", "d:3"),
    ),
    _p(
        "csv_doubled_quotes",
        'service,secret\nlegacy,"{{s_csv}}"',
        s_csv=lambda v: _gen("csv_doubled_quotes/x", "pw") + '""' + _gen("csv_doubled_quotes/y", "d:3"),
    ),
    _p(
        "sql_doubled_single_quote",
        "UPDATE settings SET value = '{{s_sql}}' WHERE key = 'smtp_password';",
        s_sql=lambda v: _gen("sql_doubled_single_quote/x", "pw") + "''" + _gen("sql_doubled_single_quote/y", "d:3"),
    ),
    _p("rust_raw_string", 'let secret = r#"{{s}}"#;', s=("~an:20", '"', "~an:10")),
    _p("yaml_flow_mapping", "creds: {user: backup, pass: {{pw}}}", pw="~pw"),
    _p(
        "xml_apos_entity",
        '<add name="db" connectionString="Server=db;Password={{pw_x}};" />',
        pw_x=lambda v: _gen("xml_apos_entity/x", "pw") + "&apos;" + _gen("xml_apos_entity/y", "d:2"),
    ),
    _p("passphrase_with_spaces_quoted", 'my password is "{{ph}}" (with the spaces)', ph="~words:4"),
    _p("unicode_human_password", "das Passwort lautet {{pw}} – mit Umlaut!", pw="~pwu"),
    _p("secret_in_html_comment", '<!-- TODO remove: admin pw {{pw}} -->\n<div id="app"></div>', pw="~pw"),
)

# --- 14. Key material ------------------------------------------------------------------------------
_OPENSSH_HEAD = base64.b64encode(b"openssh-key-v1\0\0\0\0\x04none\0\0\0\x04none\0\0\0\0\0\0\0\x01\0\0\0").decode()[:70]
KEY_MATERIAL = (
    _p(
        "openssh_private_key_block",
        _BEGIN + "OPENSSH " + _PK + "\n" + _OPENSSH_HEAD + "\n{{k1}}\n{{k2}}\n{{k3}}\n" + _END + "OPENSSH " + _PK,
        k1="~b64:70",
        k2="~b64:70",
        k3=("~b64:40", "=="),
    ),
    _p(
        "rsa_private_key_pem",
        _BEGIN + "RSA " + _PK + "\n{{k1}}\n{{k2}}\n{{k3}}\n" + _END + "RSA " + _PK,
        k1=("MIIEpAIB" + "AAKCAQEA", "~b64:48"),
        k2="~b64:64",
        k3="~b64:64",
    ),
    _p(
        "ec_private_key_pem",
        _BEGIN + "EC " + _PK + "\n{{k1}}\n{{k2}}\n" + _END + "EC " + _PK,
        k1=("MHcCAQEEI", "~b64:55"),
        k2=("~b64:54", "=="),
    ),
    _p(
        "encrypted_pkcs8_with_passphrase",
        "$ openssl pkcs8 -topk8 -in key.pem -out key.enc.pem -passout pass:{{pw}}\n$ cat key.enc.pem\n"
        + _BEGIN
        + "ENCRYPTED "
        + _PK
        + "\n{{k1}}\n"
        + _END
        + "ENCRYPTED "
        + _PK,
        pw="~pw",
        k1="~b64:64",
    ),
    _p(
        "pgp_private_key_block",
        _BEGIN + "PGP PRIVATE KEY BLOCK-----\n\n{{k1}}\n{{k2}}\n={{p_crc}}\n" + _END + "PGP PRIVATE KEY BLOCK-----",
        k1=("lQdGBGV", "~b64:57"),
        k2="~b64:64",
        p_crc="~b64:4",
    ),
    _p(
        "putty_ppk_private_lines",
        "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy@ci\nPublic-Lines: 2\n{{p_pub}}\nPrivate-Lines: 1\n{{k}}\nPrivate-MAC: {{p_mac}}",
        p_pub="~b64:68",
        k=("AAAAI", "~b64:39"),
        p_mac="~hex:64",
    ),
    _p(
        "jwk_private_ec",
        '{"kty": "EC", "crv": "P-256", "x": "{{p_x}}", "y": "{{p_y}}", "d": "{{d}}", "kid": "signing-2026"}',
        p_x="~b64u:43",
        p_y="~b64u:43",
        d="~b64u:43",
    ),
    _p("jwk_symmetric_oct", '{"kty":"oct","k":"{{k}}","alg":"HS256"}', k="~b64u:43"),
    _p(
        "apple_p8_key",
        "AuthKey_9ABCDE1234.p8:\n" + _BEGIN + _PK + "\n{{k1}}\n{{k2}}\n{{k3}}\n" + _END + _PK,
        k1=("MIGTAgEAMBMGByqGSM49" + "AgEGCCqGSM49AwEHBHkwdwIBAQQg", "~b64:16"),
        k2="~b64:64",
        k3="~b64:24",
    ),
    _p(
        "keytool_storepass_keypass",
        "keytool -genkeypair -alias upload -keystore upload.jks -storepass {{a}} -keypass {{b}} -dname CN=acme",
        a="~pw",
        b="~pw",
    ),
    _p("openssl_genrsa_passout", "openssl genrsa -aes256 -passout pass:{{pw}} -out ca.key 4096", pw="~pw"),
    _p(
        "k8s_tls_secret_key_b64",
        "type: kubernetes.io/tls\ndata:\n  tls.crt: "
        + _b64((_BEGIN + "CERTIFICATE-----\nMIIC").encode())
        + "\n  tls.key: {{k}}",
        k=lambda v: _b64(
            (_BEGIN + _PK + "\n" + _gen("k8s_tls_secret_key_b64/x", "b64:64") + "\n" + _END + _PK + "\n").encode()
        ),
    ),
    _p("nostr_nsec", "my nostr key for the bot: {{k}}", k=("nsec" + "1", "~bech:58")),
    _p(
        "lnd_admin_macaroon_hex",
        "lncli --macaroonpath=/dev/null --rpcserver=node:10009 getinfo  # MACAROON_HEX={{m}}",
        m=("0201036c6e64", "~hex:200"),
    ),
    _p("lnbits_admin_key", "X-Api-Key: {{k}}", k="~hex:32"),
    _p(
        "minisign_secret_key",
        "$ cat ~/.minisign/minisign.key\nuntrusted comment: minisign encrypted secret key\n{{k}}",
        k=("RWRTY0Iy", "~b64:204"),
    ),
    _p(
        "cosign_private_key",
        _BEGIN
        + "ENCRYPTED SIGSTORE "
        + _PK
        + "\n{{k1}}\n{{k2}}\n"
        + _END
        + "ENCRYPTED SIGSTORE "
        + _PK
        + "\nCOSIGN_PASSWORD={{pw}}",
        k1="~b64:64",
        k2="~b64:64",
        pw="~pw",
    ),
    _p("hmac_secret_hex_config", "webhooks:\n  hmac_secret: {{k}}", k="~hex:64"),
    _p("fernet_key", "FERNET_KEY={{k}}", k="~bytesu:32"),
    _p("otpauth_uri", "otpauth://totp/ACME:jdoe@acme.io?secret={{s}}&issuer=ACME&digits=6", s="~b32:32"),
    _p("rails_master_key", "$ cat config/master.key\n{{k}}", k="~hex:32"),
    _p("rails_secret_key_base", "secret_key_base: {{k}}", k="~hex:128"),
    _p("laravel_app_key", "APP_KEY=base64:{{k}}", k="~bytes:32"),
    _p("nextauth_secret", "NEXTAUTH_SECRET={{k}}", k="~bytes:32"),
    _p("libsodium_seed_hex", "ed25519 seed (hex): {{k}}", k="~hex:64"),
    _p("ssh_keygen_new_passphrase", "ssh-keygen -t ed25519 -f ~/.ssh/deploy -N '{{ph}}' -C deploy@ci", ph="~phrase:4"),
    _p(
        "ntlm_hash_dump",
        "[00000003] Primary\n * Username : svc_sql\n * Domain   : ACME\n * NTLM     : {{h}}",
        h="~hex:32",
    ),
    _p("sshpass_p_flag", "sshpass -p '{{pw}}' ssh -o StrictHostKeyChecking=no pi@192.168.1.50", pw="~pw"),
    _p(
        "apple_app_specific_password",
        "app-specific password for notarytool: {{pw}}",
        pw=lambda v: "-".join(_draw("apple_asp", string.ascii_lowercase, 16)[i : i + 4] for i in range(0, 16, 4)),
    ),
    _p(
        "signal_backup_passphrase",
        "Signal backup passphrase: {{pw}}",
        pw=lambda v: " ".join(_draw("signal_bk", string.digits, 30)[i : i + 5] for i in range(0, 30, 5)),
    ),
    _p(
        "bitlocker_recovery_key",
        "BitLocker recovery key for C: {{k}}",
        k=lambda v: "-".join(_draw("bitlocker", string.digits, 48)[i : i + 6] for i in range(0, 48, 6)),
    ),
    _p("luks_open_passphrase", "echo -n '{{ph}}' | sudo cryptsetup luksOpen /dev/sdb1 vault -", ph="~words:5"),
    _p(
        "veracrypt_mount_password",
        "veracrypt --text --mount container.hc /mnt/vc --password='{{pw}}' --pim=0",
        pw="~pw",
    ),
    _p(
        "dkim_private_key_txt",
        "# /etc/opendkim/keys/acme.io/mail.private\n" + _BEGIN + _PK + "\n{{k1}}\n{{k2}}\n" + _END + _PK,
        k1=("MIICdgIBADANBgkq" + "hkiG9w0BAQEFAAS", "~b64:33"),
        k2="~b64:64",
    ),
    _p("wireguard_key_in_qr_text", "wg://peer?privatekey={{k__url}}&endpoint=vpn.acme.io:51820", k="~bytes:32"),
)

FAMILIES8: dict[str, tuple[Planted, ...]] = {
    "prompts_world": PROMPTS_WORLD,
    "agent_narration": AGENT_NARRATION,
    "cloud": CLOUD,
    "databases": DATABASES,
    "containers_ci": CONTAINERS_CI,
    "packages_vcs": PACKAGES_VCS,
    "saas": SAAS,
    "home_personal": HOME_PERSONAL,
    "net_mail_backup": NET_MAIL_BACKUP,
    "config_code": CONFIG_CODE,
    "logs_http": LOGS_HTTP,
    "docs_data": DOCS_DATA,
    "disguised": DISGUISED,
    "key_material": KEY_MATERIAL,
}

FRESH8: tuple[Planted, ...] = tuple(planted for family in FAMILIES8.values() for planted in family)

# --- Look-alikes: texts that resemble secrets but hold none ---------------------------------------------
BENIGN_FRESH8: tuple[str, ...] = (
    # placeholders, references and masked values
    "export OPENAI_API_KEY=<your-key-here>",
    "DB_PASSWORD=${DB_PASSWORD:?must be set}",
    "password: {{ .Values.auth.password | b64enc | quote }}",
    'token = os.environ["GITHUB_TOKEN"]',
    'curl -H "Authorization: Bearer $TOKEN" https://api.acme.io/v1/me',
    "  ✓ Logged in to github.com account octo (keyring)\n  - Token: " + _GHO + "*" * 36,
    "API key: sk-...a1b2 (only the last four characters are shown)",
    "password=[REDACTED] user=app host=db",
    "api_key: ********",
    "token: <redacted>",
    'Run echo "$DEPLOY_KEY" > key\n  env:\n    DEPLOY_KEY: ***',
    "STRIPE_SECRET_KEY=" + _SK_TEST + "x" * 24,
    "GITHUB_TOKEN=" + _GHP + "X" * 36,
    'password = ""  # left empty on purpose; set it through the environment',
    "POSTGRES_PASSWORD_FILE=/run/secrets/db_password",
    "kubectl create secret generic db --from-file=password=./password.txt",
    "vault kv get -field=password secret/prod/db",
    "op read 'op://Private/Postgres prod/password'",
    "restic snapshots --password-file /etc/restic/pass",
    "Session id in the log was truncated: sess_****8f2a",
    "-  password: ${DB_PASSWORD}\n+  passwordFile: /run/secrets/db",
    "mock_token = 'test-token'  # the fake server accepts anything",
    "$ docker login ghcr.io -u octo --password-stdin < ~/.ghcr_token\nLogin Succeeded",
    'psql "host=db user=app dbname=app password=$(cat /run/secrets/pg)"',
    "Authorization: Basic <base64 of user:password>",
    # prose about secrets, in several languages
    "The password must be at least 12 characters long and include a number and a symbol.",
    'psql: error: connection to server at "db" (10.0.0.7), port 5432 failed: FATAL:  password authentication failed for user "postgres"',
    "ERROR 1045 (28000): Access denied for user 'root'@'localhost' (using password: YES)",
    "WARNING! Using --password via the CLI is insecure. Use --password-stdin.",
    "token expired at 2026-11-27T10:00:00Z, please re-authenticate",
    "Use `gh auth login` to authenticate; please don't paste tokens into the chat.",
    "I'll read the token from the `GITHUB_TOKEN` environment variable instead of hardcoding it.",
    "I rotated the key; the new one is stored in AWS Secrets Manager under prod/stripe and nowhere else.",
    "Das Passwort muss mindestens 12 Zeichen lang sein und eine Ziffer enthalten.",
    "パスワードを忘れた場合は管理者に連絡してください。",
    "La contraseña se guarda en el gestor de secretos, no en el repositorio.",
    "пароль хранится в Vault по пути secret/data/prod/db",
    "密码已经移到环境变量 DB_PASSWORD 里了，代码里不再有明文。",
    "비밀번호는 .env 파일에서 읽어오도록 바꿨어요.",
    "Mnemonic word count must be 12, 15, 18, 21 or 24.",
    "The OTP is valid for 30 seconds; enter the 6-digit code from your authenticator app.",
    "Your verification code has been sent to +49 *** *** 1234.",
    "PIN entry is disabled in CI because GPG_TTY is not set.",
    "Error: invalid_grant (Bad Request) — the refresh token was revoked",
    "automountServiceAccountToken: false",
    'The password field is now masked with `type="password"` and autocomplete is off.',
    "Forgot password? We'll email you a reset link that is valid for 30 minutes.",
    "password_reset_expiry_minutes = 30\nmax_login_attempts = 5",
    "np.random.seed(42)\nrandom.seed(1337)",
    "Example credentials in the docs are user / pass — placeholders, not real accounts.",
    # hashes, digests, ids and other random-looking public values
    _benign("commit {{h}}\nAuthor: Ana Lima <ana@acme.io>\nDate:   Thu Nov 27 10:12:44 2026 +0100", h="~hex:40"),
    _benign("image: ghcr.io/acme/api@sha256:{{h}}", h="~hex:64"),
    _benign('"integrity": "sha512-{{b}}=="', b="~b64:86"),
    _benign("X-Request-Id: {{u}}", u="~uuid"),
    _benign("traceparent: 00-{{a}}-{{b}}-01", a="~hex:32", b="~hex:16"),
    _benign("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{{b}} jdoe@laptop", b="~b64:43"),
    _benign("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ{{b}} deploy@ci", b="~b64:300"),
    _benign("[Peer]\nPublicKey = {{k}}\nAllowedIPs = 10.8.0.0/24", k="~bytes:32"),
    "const stripe = Stripe('" + "pk" + "_live_" + _draw("benign/pk", _ALPHABETS["an"], 24) + "');",
    "mapboxgl.accessToken = 'pk"
    + ".eyJ1Ijoi"
    + _draw("benign/mapbox", _ALPHABETS["b64u"], 60)
    + "."
    + _draw("benign/mapbox2", _ALPHABETS["b64u"], 22)
    + "';",
    "aws_access_key_id = " + _AKIA + _draw("benign/akia", _ALPHABETS["uan"], 16),
    _benign("SENTRY_DSN=https://{{k}}@o450123.ingest.sentry.io/5512345", k="~hex:32"),
    _benign("$ git rev-parse HEAD\n{{h}}", h="~hex:40"),
    _benign("npm notice shasum:      {{h}}", h="~hex:40"),
    _benign("{{h}}  node-v22.11.0-linux-x64.tar.xz", h="~hex:64"),
    ".btn-primary { color: #3fa7d6; background: #ffcc00; border-color: #1b4965; }",
    _benign("$ANSIBLE_VAULT;1.1;AES256\n{{a}}\n{{b}}", a="~hex:80", b="~hex:80"),
    _benign("password: ENC[AES256_GCM,data:{{d}},iv:{{i}},tag:{{t}},type:str]", d="~b64:24", i="~b64:43", t="~b64:22"),
    _benign("spec:\n  encryptedData:\n    password: AgB{{b}}", b="~b64:200"),
    _benign("client_id: {{d}}-{{l}}.apps.googleusercontent.com", d="~d:12", l="~lan:32"),
    _benign(
        "AZURE_CLIENT_ID={{a}}\nAZURE_TENANT_ID={{b}}\nAZURE_SUBSCRIPTION_ID={{c}}", a="~uuid", b="~uuid", c="~uuid"
    ),
    _benign('metadata:\n  resourceVersion: "{{d}}"\n  uid: {{u}}', d="~d:8", u="~uuid"),
    _benign("golang.org/x/net v0.30.0 h1:{{b}}=", b="~b64:43"),
    _benign('hash = "sha256:{{h}}"', h="~hex:64"),
    _benign('checksum = "{{h}}"', h="~hex:64"),
    _benign('ETag: "{{h}}"', h="~hex:32"),
    _benign("x-amz-request-id: {{a}}\nx-amz-id-2: {{b}}", a="~uan:16", b="~b64:76"),
    _benign("Host key fingerprint is SHA256:{{b}} (ED25519)", b="~b64:43"),
    _benign("send 0.01 BTC to bc1q{{a}}", a="~bech:38"),
    _benign("Deployed contract at 0x{{a}}", a="~hex:40"),
    _benign("Transaction hash: 0x{{h}}\nStatus: Success  Block: 21034112", h="~hex:64"),
    _benign(
        "$ git log --oneline -3\n{{a}} fix: retry on 502\n{{b}} docs: typo\n{{c}} feat: export csv",
        a="~hex:7",
        b="~hex:7",
        c="~hex:7",
    ),
    "JWT header " + _JWT_HEAD + ' decodes to {"alg":"HS256","typ":"JWT"}',
    _benign("Order #{{d}} confirmed — thank you!", d="~d:8"),
    "$ echo aGVsbG8gd29ybGQ= | base64 -d\nhello world",
    _benign('<img src="data:image/png;base64,iVBORw0KGgo{{b}}" />', b="~b64:200"),
    _benign("dist/assets/index-{{a}}.js   142.31 kB │ gzip: 45.80 kB", a="~b64u:8"),
    _benign("Content-Security-Policy: script-src 'self' 'nonce-{{b}}'", b="~b64:22"),
    _benign("X-Hub-Signature-256: sha256={{h}}", h="~hex:64"),
    _benign("Stripe-Signature: t=1764237612,v1={{h}}", h="~hex:64"),
    _benign('<div class="g-recaptcha" data-sitekey="6L{{b}}"></div>', b="~b64u:38"),
    "const stripe = Stripe('" + "pk" + "_test_" + _draw("benign/pk_test", _ALPHABETS["an"], 24) + "');",
    _BEGIN
    + "PGP PUBLIC KEY BLOCK-----\n\nmQINBG"
    + _draw("benign/pgp", _ALPHABETS["b64"], 58)
    + "\n"
    + _END
    + "PGP PUBLIC KEY BLOCK-----",
    _BEGIN
    + "CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE"
    + _draw("benign/cert", _ALPHABETS["b64"], 44)
    + "\n"
    + _END
    + "CERTIFICATE-----",
    _benign("# public key: age1{{a}}", a="~bech:58"),
    _benign("npub1{{a}}", a="~bech:59"),
    _benign("job {{u}} finished in 12.3s (exit 0)", u="~uuid"),
    "PostgreSQL 16.4 on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit",
    "inet6 fe80::1ff:fe23:4567:890a  prefixlen 64  scopeid 0x20<link>\nether 02:42:ac:11:00:02",
    _benign("model.safetensors sha256={{h}}", h="~hex:64"),
    _benign("version https://git-lfs.github.com/spec/v1\noid sha256:{{h}}\nsize 1048576", h="~hex:64"),
    _benign("$ docker ps --no-trunc -q\n{{h}}", h="~hex:64"),
    "NAME                   READY   STATUS    RESTARTS   AGE\napi-7d9f8b6c5d-x2k9p   1/1     Running   0          3h",
    _benign("Twilio Account SID: AC{{h}}", h="~hex:32"),
    _benign("channel C{{a}} in workspace T{{b}}", a="~uan:10", b="~uan:8"),
    _benign("Discord user id {{d}} joined the server", d="~d:18"),
    _benign("nodekey:{{h}}", h="~hex:64"),
    "Enter the code from your authenticator app: ******",
    "Test card: 4242 4242 4242 4242, any future date, any CVC.",
    _benign("Build {{d}} of pipeline 'deploy' succeeded", d="~d:6"),
    _benign("S3 object version id: {{a}}", a="~b64u:32"),
    _benign("Kubernetes cluster CA hash: sha256:{{h}}", h="~hex:64"),
    _benign("Uploaded to https://files.acme.io/f/{{a}}/report.pdf (public link)", a="~lan:12"),
    _benign("Cache key: deps-{{h}}", h="~hex:64"),
    _benign("celery task id {{u}} state=SUCCESS", u="~uuid"),
    _benign("Pull request #4821 merged by octo ({{h}})", h="~hex:40"),
    _benign("OpenTelemetry span_id={{a}} trace_id={{b}}", a="~hex:16", b="~hex:32"),
    _benign("pip download: Saved ./wheels/numpy-2.1.3-cp312-cp312-manylinux_2_17_x86_64.whl#sha256={{h}}", h="~hex:64"),
    "BIP-39 defines a list of 2048 words; the first is 'abandon' and the last is 'zoo'.",
    "wpa_passphrase MyNetwork  # prints a network block after asking for the passphrase",
    "Rotate secrets every 90 days; the last rotation was on 2026-10-01.",
    "Secret scanning found 0 exposed secrets in 1,248 files.",
    "Ich habe das Token nicht gespeichert, es liegt nur im Passwortmanager.",
    "Le mot de passe a été changé, l'ancien ne fonctionne plus.",
    "A senha foi redefinida; peça a nova ao time de infraestrutura.",
    "I won't include the API key in the commit; add it to your shell profile yourself.",
    "--password-stdin reads the password from standard input so it never appears in `ps`.",
    "AKIA is the prefix of long-term AWS access key ids; ASIA marks temporary ones.",
    "Use a passphrase of four or more random words, for example from the EFF list.",
)
