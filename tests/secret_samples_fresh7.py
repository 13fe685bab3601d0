# ruff: noqa: RUF001
"""A seventh held-out set of planted secrets and their look-alikes (issue 60).

Written on 2026-11-27 by a helper who never saw the redaction rules, their tests, their benchmarks
or the other sample sets: only the `Planted` dataclass and the helpers at the top of
`tests/secret_samples.py`. The texts are what a coding agent's transcript holds when many different
people use it (developers writing in their own languages, ops and security people, data scientists,
students, hobbyists, game modders, hardware tinkerers, small-business owners automating their shop):
chat messages pasted in, the agent's own summaries and plans, shell commands and their output,
config files, code in many languages, logs, connection strings, CI and infrastructure, embedded and
game configs, spreadsheets, emails, tickets and screenshots' OCR text, key material, and secrets
hidden by escaping, encoding, splitting, wrapping or tables.

Every value is fake and drawn deterministically at import time from SHA-256 of its kind's name,
mapped onto the alphabet, length and prefix of the real thing; vendor prefixes are built by
concatenation so no secret-shaped literal sits in this file.

This set MEASURES only. It must never be used to write or tune rules: a rule written because a text
here leaked makes this set no longer held out, and its numbers no longer honest.
"""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.parse

from tests.secret_samples import Planted, mnemonic, wif

_UP = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LO = "abcdefghijklmnopqrstuvwxyz"
_DI = "0123456789"
_AN = _UP + _LO + _DI
_LAN = _LO + _DI
_UAN = _UP + _DI
_HEX = "0123456789abcdef"
_B64 = _AN + "+/"
_B64U = _AN + "-_"
_B32 = _UP + "234567"
_BECH = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_PWCHARS = _AN + "!#%*-_=+?.:"

# Words people build passwords and passphrases from.
_WORDS = [
    "orbit",
    "velvet",
    "cactus",
    "lantern",
    "mosaic",
    "harbor",
    "pepper",
    "tundra",
    "violin",
    "walnut",
    "ember",
    "falcon",
    "glacier",
    "meadow",
    "pickle",
    "quartz",
    "ribbon",
    "saddle",
    "thimble",
    "umbrella",
    "voyage",
    "willow",
    "zephyr",
    "anchor",
    "bramble",
    "cobalt",
    "dynamo",
    "eclipse",
    "fjord",
    "gravel",
    "hazel",
    "igloo",
    "jigsaw",
    "kettle",
    "lilac",
    "marble",
    "nectar",
    "oyster",
    "paddle",
    "quiver",
    "rocket",
    "sprout",
    "tango",
    "unicorn",
    "vortex",
    "wombat",
    "yodel",
    "zigzag",
    "acorn",
    "biscuit",
    "candle",
    "donut",
    "easel",
    "fossil",
    "goblin",
]


def _draw(seed: str, alphabet: str, length: int) -> str:
    """`length` characters of `alphabet`, read off SHA-256 of `seed` and a running count (bytes that
    would bias the choice are skipped)."""
    out: list[str] = []
    limit = 256 - 256 % len(alphabet)
    counter = 0
    while len(out) < length:
        for byte in hashlib.sha256(f"{seed}|{counter}".encode()).digest():
            if byte < limit and len(out) < length:
                out.append(alphabet[byte % len(alphabet)])
        counter += 1
    return "".join(out)


def _b64u_raw(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _fill(template: str, **values: str) -> str:
    """`template` with each `@NAME@` replaced by its value (for texts full of braces)."""
    for name, value in values.items():
        template = template.replace("@" + name + "@", value)
    return template


class _Gen:
    """The values of one kind, each drawn from SHA-256 of the kind's name and how many came before."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.count = 0

    def _next(self, alphabet: str, length: int) -> str:
        self.count += 1
        return _draw(f"{self.kind}#{self.count}", alphabet, length)

    def an(self, n: int) -> str:
        return self._next(_AN, n)

    def lan(self, n: int) -> str:
        return self._next(_LAN, n)

    def uan(self, n: int) -> str:
        return self._next(_UAN, n)

    def low(self, n: int) -> str:
        return self._next(_LO, n)

    def hex(self, n: int) -> str:
        return self._next(_HEX, n)

    def uhex(self, n: int) -> str:
        return self._next(_HEX, n).upper()

    def b64(self, n: int) -> str:
        return self._next(_B64, n)

    def b64u(self, n: int) -> str:
        return self._next(_B64U, n)

    def b32(self, n: int) -> str:
        return self._next(_B32, n)

    def bech(self, n: int) -> str:
        return self._next(_BECH, n)

    def b58(self, n: int) -> str:
        return self._next(_B58, n)

    def dig(self, n: int) -> str:
        first = self._next("123456789", 1)
        return first + self._next(_DI, n - 1) if n > 1 else first

    def pw(self, n: int) -> str:
        """A generated password: letters, digits and a few symbols, at least one of each."""
        body = self._next(_PWCHARS, n - 3)
        return body[: n // 2] + self._next(_UP, 1) + self._next(_DI, 1) + self._next("!#%*-_?", 1) + body[n // 2 :]

    def raw(self, n: int) -> bytes:
        self.count += 1
        out = b""
        counter = 0
        while len(out) < n:
            out += hashlib.sha256(f"{self.kind}#{self.count}|{counter}".encode()).digest()
            counter += 1
        return out[:n]

    def pick(self, options: tuple[str, ...] | list[str]) -> str:
        return options[int(self._next(_DI, 6)) % len(options)]

    def words(self, n: int, sep: str = " ") -> str:
        return sep.join(self.pick(_WORDS) for _ in range(n))

    def uuid(self) -> str:
        h = self.hex(32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:]}"

    def b64blob(self, nbytes: int) -> str:
        return base64.b64encode(self.raw(nbytes)).decode()

    def jwt(self, payload: dict[str, object], alg: str = "HS256") -> str:
        head = _b64u_raw(json.dumps({"alg": alg, "typ": "JWT"}, separators=(",", ":")).encode())
        body = _b64u_raw(json.dumps(payload, separators=(",", ":")).encode())
        return head + "." + body + "." + self.b64u(43 if alg.startswith("HS") else 342)

    def pem_body(self, lines: int, first: str = "", last_len: int = 44) -> list[str]:
        """Base64 lines of a PEM body, 64 characters each but the last."""
        body = [self.b64(64) for _ in range(lines - 1)] + [self.b64(last_len)]
        if first:
            body[0] = first + body[0][len(first) :]
        return body


class _Family:
    def __init__(self, name: str) -> None:
        self.name = name
        self.items: list[Planted] = []
        self.g = _Gen(name)

    def kind(self, name: str) -> _Gen:
        self.g = _Gen(f"{self.name}.{name}")
        return self.g

    def put(self, line: str, *secrets: str, file_line: str = "") -> None:
        self.items.append(Planted(self.g.kind, line, tuple(secrets), file_line))


# Prefixes, split so that none of them reads as a secret in this file.
_GHP = "gh" + "p_"
_GHO = "gh" + "o_"
_GHS = "gh" + "s_"
_GHU = "gh" + "u_"
_GH_FINE = "github" + "_pat_"
_GLPAT = "gl" + "pat-"
_XOXB = "xo" + "xb-"
_XOXP = "xo" + "xp-"
_XAPP = "xa" + "pp-"
_SK_LIVE = "sk" + "_live_"
_SK_TEST = "sk" + "_test_"
_RK_LIVE = "rk" + "_live_"
_WHSEC = "wh" + "sec_"
_OPENAI = "sk-" + "proj-"
_ANTHROPIC = "sk-" + "ant-" + "api03-"
_HF = "h" + "f_"
_NPM = "np" + "m_"
_PYPI = "py" + "pi-" + "AgEIcHlwaS5vcmc"
_AIZA = "AI" + "za"
_AKIA = "AK" + "IA"
_ASIA = "AS" + "IA"
_SG = "S" + "G."


def _openai_key(g: _Gen) -> str:
    return _OPENAI + g.b64u(74) + "T3Blbk" + "FJ" + g.b64u(74)


def _anthropic_key(g: _Gen) -> str:
    return _ANTHROPIC + g.b64u(93) + "AA"


def _aws_secret(g: _Gen) -> str:
    return g._next(_AN + "/+", 40)


def _slack_bot(g: _Gen) -> str:
    return _XOXB + g.dig(13) + "-" + g.dig(13) + "-" + g.an(24)


def _discord_bot(g: _Gen) -> str:
    ident = g.dig(19)
    return base64.b64encode(ident.encode()).decode().rstrip("=") + "." + g.b64u(6) + "." + g.b64u(38)


def _telegram_bot(g: _Gen) -> str:
    return g.dig(10) + ":AA" + g.b64u(33)


def _stripe_live(g: _Gen, prefix: str = _SK_LIVE) -> str:
    return prefix + "51" + g.an(22) + g.an(75)


def _basic(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


def _chat() -> _Family:
    """Messages people paste or type into the session, in their own languages and styles."""
    f = _Family("chat")

    g = f.kind("de_staging_db_password")
    pw = "Hafenkran" + g.dig(2) + "!"
    f.put(
        "Hey, kannst du mal die Staging-DB neu aufsetzen? Das Passwort für den postgres-User ist "
        f"{pw}, bitte nicht ins Repo committen 🙏",
        pw,
    )

    g = f.kind("fr_smtp_password")
    pw = "Cerise-" + g.dig(4) + "-Bleue"
    f.put(
        f"Salut ! Le mot de passe SMTP de la boutique c'est {pw} (je l'ai changé hier). Tu peux mettre à jour le .env ?",
        pw,
    )

    g = f.kind("es_github_token")
    tok = _GHP + g.an(36)
    f.put(f"oye usa este token que me generó el admin: {tok} — caduca en 30 días, no lo subas", tok)

    g = f.kind("ptbr_mercadopago")
    tok = "APP_USR-" + g.dig(16) + "-" + g.dig(6) + "-" + g.hex(32) + "-" + g.dig(9)
    f.put(f"cara, o access token do Mercado Pago é {tok}, coloca no backend e testa o checkout pfv", tok)

    g = f.kind("it_office_wifi")
    pw = "girasole" + g.dig(4) + "verde"
    f.put(
        f"La password del wifi in ufficio è {pw}, la rete si chiama UFFICIO-5G. Serve per il test del Chromecast.", pw
    )

    g = f.kind("nl_mollie_key")
    key = "live_" + g.an(30)
    f.put(
        f"Hoi! Hier is de API-sleutel voor Mollie: {key}. Alleen gebruiken in productie aub, test_ staat in 1Password.",
        key,
    )

    g = f.kind("pl_admin_panel")
    pw = "Żubrówka" + g.dig(3) + "?"
    f.put(f"Cześć, hasło do panelu admina: {pw} (login: sklep_admin). Zmień je po wdrożeniu, dzięki!", pw)

    g = f.kind("ru_telegram_bot")
    tok = _telegram_bot(g)
    f.put(f"Вот токен бота, вставь в конфиг и перезапусти:\n{tok}\nбот называется @shop_notify_bot", tok)

    g = f.kind("uk_server_password")
    pw = "Kvitka" + g.dig(4) + "$Lviv"
    f.put(f"Пароль від сервера: {pw}. Логін root, порт 2222. Після налаштування вимкни вхід за паролем.", pw)

    g = f.kind("tr_prod_db")
    pw = "Galata" + g.dig(4) + "*kule"
    f.put(f"abi şifre {pw} ama kimseye söyleme, prod veritabanı bu. yedeği aldıktan sonra migrate et", pw)

    g = f.kind("ar_server_password")
    pw = "Nakhla@" + g.dig(4) + g.low(3)
    f.put(f"كلمة المرور الجديدة للخادم هي {pw} ، من فضلك غيّرها بعد أول دخول وشكراً", pw)

    g = f.kind("he_aws_console")
    pw = "Tapuz" + g.dig(3) + "!Hod" + g.dig(2)
    f.put(f"הסיסמה לחשבון ה-AWS של הצוות היא {pw} תעדכן בבקשה את הסקריפט של הגיבוי", pw)

    g = f.kind("fa_company_mail")
    pw = "Anar" + g.dig(4) + "#" + g.uan(3)
    f.put(f"رمز عبور ایمیل شرکت: {pw}\nنام کاربری: info@ -- برای تست ارسال فاکتور لازمه", pw)

    g = f.kind("hi_razorpay_secret")
    sec = g.an(24)
    kid = "rzp_live_" + g.an(14)
    f.put(f"भाई, Razorpay का key id {kid} है और key secret ये है: {sec} — test mode नहीं, live है ध्यान से", sec)

    g = f.kind("bn_gmail_app_password")
    pw = " ".join(g.low(4) for _ in range(4))
    f.put(f"আমার জিমেইল অ্যাপ পাসওয়ার্ড {pw} দিয়ে nodemailer টা চালিয়ে দেখো তো", pw)

    g = f.kind("zh_cn_db_password")
    pw = "Huangshan" + g.dig(4) + "!"
    f.put(f"数据库密码是 {pw}，别发到群里。账号还是 root，端口 3306", pw)

    g = f.kind("zh_tw_line_token")
    tok = g.b64(171) + "="
    f.put(f"這是我們的 LINE channel access token：\n{tok}\n麻煩幫我串一下 Messaging API 的推播", tok)

    g = f.kind("ja_basic_auth")
    pw = "sakura" + g.dig(4) + g.low(2)
    f.put(f"お疲れ様です。ステージングのBasic認証は ユーザー名 demo / パスワード {pw} です。よろしくお願いします。", pw)

    g = f.kind("ko_kakao_key")
    key = g.hex(32)
    f.put(f"카카오 REST API 키 {key} 이걸로 로그인 테스트 해주세요~ 앱 키 노출 안 되게 조심!", key)

    g = f.kind("vi_vps_password")
    pw = "Hoian" + g.dig(3) + "@pho" + g.dig(2)
    f.put(f"Mật khẩu VPS là {pw} nhé, user ubuntu, đừng share cho ai. Cài docker giúp mình với", pw)

    g = f.kind("th_backoffice")
    pw = "Mango" + g.dig(4) + "sticky"
    f.put(f"รหัสผ่านเข้าระบบหลังบ้านคือ {pw} ครับ ชื่อผู้ใช้ admin_shop", pw)

    g = f.kind("id_midtrans_server_key")
    key = "Mid-server-" + g.b64u(24)
    f.put(f"Bang, ini server key Midtrans yang production: {key} — client key-nya nanti aku kirim", key)

    g = f.kind("sw_daraja_secret")
    sec = g.an(16)
    ck = g.an(48)
    f.put(
        f"Habari! Consumer key ni {ck} na consumer secret ni {sec}. Tumia sandbox kwanza kabla ya live.",
        ck,
        sec,
    )

    g = f.kind("el_router_password")
    pw = "Elia" + g.dig(5) + "!"
    f.put(f"Ο κωδικός για το router είναι {pw} — το όνομα χρήστη είναι admin. Άνοιξε το port 8080 παρακαλώ.", pw)

    g = f.kind("cs_ftp_password")
    pw = "Knedlik" + g.dig(3) + "%"
    f.put(f"Ahoj, heslo k FTP je {pw}, uživatel je web123. Nahraj tam prosím ten nový build.", pw)

    g = f.kind("sv_nas_password")
    pw = "Kanelbulle" + g.dig(4) + "2"
    f.put(
        f"Lösenordet till NAS:en: {pw} (samma som förra året fast med 2 på slutet). Backup-jobbet ska köra 03:00.", pw
    )

    g = f.kind("fi_slack_bot")
    tok = _slack_bot(g)
    f.put(f"Tässä Slackin bot-token: {tok}\nLaita se ympäristömuuttujaan, älä koodiin.", tok)

    g = f.kind("hu_short_password")
    pw = "Pogi" + g.dig(2) + "!"
    f.put(f"A jelszó: {pw} (csak a teszt szerverhez)", pw)

    g = f.kind("ro_hosting_password")
    pw = "Carpati" + g.dig(4) + g.pick(("#", "!", "$"))
    f.put(
        f"Parola de la contul de hosting e {pw}, userul e contact@firma-mea.ro. Poți să reînnoiești certificatul?", pw
    )

    g = f.kind("tl_router_password")
    pw = "adobo" + g.dig(4) + "sinigang"
    f.put(f"Pre, eto yung password sa router: {pw} wag mo ipagsabi ha. Paki-set up yung port forward sa 25565", pw)

    g = f.kind("en_no_keyword_openai")
    key = _openai_key(g)
    f.put(f"ok try {key} that's the one from the dashboard, the old one got revoked", key)

    g = f.kind("en_value_before_word")
    pw = "raspberry" + g.dig(3) + "Pi!"
    f.put(f"{pw} <- that's the root pw for the pi in the garage, don't lose it again", pw)

    g = f.kind("en_value_next_line")
    pw = g.pw(14)
    f.put(
        f"here's what you need for the staging box:\nssh deploy@10.0.4.17\n{pw}\n(second line is what it asks for)", pw
    )

    g = f.kind("en_value_far_from_word")
    pw = "Lighthouse" + g.dig(2) + "&" + g.pick(("Fog", "Gull", "Tide"))
    f.put(
        "The admin panel login is the usual username, and for the password, which I reset this morning "
        "after the intern locked us out and support took forty minutes to answer the phone, it's now "
        f"{pw}. Sorry for the wall of text.",
        pw,
    )

    g = f.kind("en_vault_passphrase")
    pp = g.words(5)
    f.put(f"new vault passphrase is '{pp}' - five words, all lowercase, spaces between", pp)

    g = f.kind("en_door_keypad")
    pin = g.dig(6)
    f.put(f"fyi the keypad code for the server room is {pin}# if you need to reboot the switch tomorrow", pin)

    g = f.kind("en_github_recovery_codes")
    codes = [g.hex(5) + "-" + g.hex(5) for _ in range(4)]
    f.put(
        "backup codes for the shared github account (put them somewhere safe):\n"
        f"{codes[0]}  {codes[1]}\n{codes[2]}  {codes[3]}",
        *codes,
    )

    g = f.kind("en_forwarded_datadog")
    api = g.hex(32)
    app = g.hex(40)
    f.put(
        f"[forwarded from #ops] @channel the new Datadog API key is {api} and the app key {app} — old ones die friday",
        api,
        app,
    )

    g = f.kind("de_formal_email_sftp")
    pw = g.pw(16)
    f.put(
        "Sehr geehrter Herr Yılmaz,\n\nanbei die Zugangsdaten für den SFTP-Server:\nBenutzer: kunde4711\n"
        f"Kennwort: {pw}\n\nMit freundlichen Grüßen\nIhr Support-Team",
        pw,
    )

    g = f.kind("esmx_whatsapp_twilio")
    tok = g.hex(32)
    sid = "AC" + g.hex(32)
    f.put(
        f"[10:42, 27/11/2026] Memo: el auth token de Twilio es {tok}\n"
        f"[10:43, 27/11/2026] Memo: y el SID {sid}\n[10:43, 27/11/2026] Memo: ya no me pidas más 😂",
        tok,
    )

    g = f.kind("frca_sim_pin")
    pin = g.dig(4)
    f.put(f"Le NIP de la carte SIM du routeur 4G c'est {pin}, sinon il demande le PUK pis là on est mal pris", pin)

    g = f.kind("ptpt_warehouse_wifi")
    pw = "Pastel" + g.dig(2) + "Nata" + g.dig(2)
    f.put(f"A palavra-passe do Wi-Fi do armazém é {pw}. O scanner de códigos de barras precisa dela.", pw)

    g = f.kind("ja_ssh_passphrase")
    pp = "tsuki-ga-kirei-" + g.dig(2) + "-" + g.pick(("desu", "ne", "yo"))
    f.put(f"SSH鍵のパスフレーズは「{pp}」です。ssh-add するときに聞かれます。", pp)

    g = f.kind("ko_discord_bot")
    tok = _discord_bot(g)
    f.put(f"디스코드 봇 토큰: {tok}\n서버에 초대는 해놨어요", tok)

    g = f.kind("zh_wechat_appsecret")
    sec = g.hex(32)
    appid = "wx" + g.hex(16)
    f.put(f"公众号 AppID 是 {appid}，AppSecret：{sec}，记得把服务器 IP 加白名单", sec)

    g = f.kind("en_irc_wrong_window")
    pw = g.pw(12)
    f.put(f"<jdoe> {pw}\n<jdoe> oops wrong window lol\n<jdoe> ignore that, changing it now", pw)

    g = f.kind("hinglish_aws_keys")
    kid = _AKIA + g.uan(16)
    sec = _aws_secret(g)
    f.put(f"bhai ye le AWS keys: {kid} / {sec} — s3 bucket wala kaam kar de aaj", sec)

    g = f.kind("en_student_uni_login")
    pw = g.pick(("Pizza", "Cookie", "Dragon")) + g.dig(4) + "uni"
    f.put(
        f"my uni portal login is s{g.dig(7)} / {pw} can you write a script that checks my grades every hour",
        pw,
    )

    g = f.kind("de_voice_transcribed")
    pw = "Zitrone" + g.dig(3)
    f.put(
        f"(diktiert) also das passwort ist zitrone mit großem Z dann {pw[-3:]} also insgesamt {pw} okay",
        pw,
    )

    return f


def _agent() -> _Family:
    """The agent's own words: summaries, plans, to-do lists, explanations that repeat a secret."""
    f = _Family("agent")

    g = f.kind("summary_stripe_env")
    key = _stripe_live(g)
    f.put(
        f"I've updated `.env` with the new Stripe key (`{key}`) and restarted the dev server. "
        "Next I'll run the webhook tests.",
        key,
    )

    g = f.kind("summary_rotated_postgres")
    pw = g.an(24)
    f.put(
        "Summary of changes:\n"
        f"- Rotated the Postgres password to `{pw}` in `docker-compose.yml`\n"
        "- Added a healthcheck to the `db` service\n- Bumped the image to postgres:16.4",
        pw,
    )

    g = f.kind("plan_hetzner_token")
    tok = g.an(64)
    f.put(
        f"Plan:\n1. Export `HCLOUD_TOKEN={tok}`\n2. Run `terraform apply -target=hcloud_server.web`\n"
        "3. Verify the load balancer answers on :443",
        tok,
    )

    g = f.kind("explain_webhook_mismatch")
    new = _WHSEC + g.an(32)
    f.put(
        "The test failed because the signature check uses the old secret. `stripe listen` printed "
        f"{new} this time, so I set STRIPE_WEBHOOK_SECRET to that value and the 400s are gone.",
        new,
    )

    g = f.kind("repeats_user_ftp_password")
    pw = g.pick(("Sunflower", "Marigold", "Bluebell")) + g.dig(4) + "!"
    f.put(
        f"You mentioned the FTP password is {pw}; I've added it to `deploy.sh` as requested, though I'd "
        "recommend moving it to an environment variable.",
        pw,
    )

    g = f.kind("found_hardcoded_gitlab")
    tok = _GLPAT + g.b64u(20)
    f.put(
        f"I found a hard-coded token in `src/api/client.ts` line 14: `{tok}`. This looks like a GitLab "
        "personal access token; you should revoke it in User Settings → Access Tokens.",
        tok,
    )

    g = f.kind("status_table_openrouter")
    key = "sk-" + "or-v1-" + g.hex(64)
    f.put(
        "| Variable | Value | Status |\n|---|---|---|\n"
        f"| OPENROUTER_API_KEY | {key} | ✅ set |\n| MODEL | anthropic/claude-sonnet-4 | ✅ set |\n"
        "| MAX_TOKENS | 4096 | ⚠️ default |",
        key,
    )

    g = f.kind("de_summary_api_key")
    key = g.an(32)
    f.put(
        f"Ich habe den API-Schlüssel `{key}` in die `config.yaml` eingetragen und den Dienst neu gestartet. "
        "Die Logs zeigen jetzt keine 403-Fehler mehr.",
        key,
    )

    g = f.kind("es_summary_db_password")
    pw = g.pw(18)
    f.put(
        f"Listo. Configuré la contraseña de la base de datos ({pw}) en `settings.py` y ejecuté las migraciones "
        "sin errores.",
        pw,
    )

    g = f.kind("todo_cloudflare_token")
    tok = g.b64u(40)
    f.put(
        "- [x] Create Cloudflare API token (Zone:DNS:Edit)\n"
        f"- [x] Store `CLOUDFLARE_API_TOKEN={tok}` in the repo's Actions secrets\n"
        "- [ ] Deploy the worker\n- [ ] Purge the cache",
        tok,
    )

    g = f.kind("reasoning_notion_401")
    tok = "nt" + "n_" + g.an(46)
    f.put(
        f"The 401 suggests the bearer token `{tok}` is wrong for this workspace; Notion integration tokens "
        "don't expire, so the integration probably lost access to the page.",
        tok,
    )

    g = f.kind("created_reporting_user")
    pw = g.pw(20)
    f.put(f"Created the user `reporting` with password {pw} and granted SELECT on schema analytics.", pw)

    g = f.kind("wrote_npmrc")
    tok = _NPM + g.an(36)
    f.put(
        f"Wrote 2 lines to .npmrc\n  //registry.npmjs.org/:_authToken={tok}\n  registry=https://registry.npmjs.org/",
        tok,
    )

    g = f.kind("will_use_hf_token")
    tok = _HF + g.an(34)
    f.put(f"I'll use the Hugging Face token you gave me ({tok}) to download the gated Llama weights.", tok)

    g = f.kind("verified_rabbitmq")
    pw = g.an(22)
    f.put(f"Verified: `curl -u admin:{pw} http://localhost:15672/api/overview` returns 200 and lists 3 queues.", pw)

    g = f.kind("full_value_after_hint")
    key = _anthropic_key(g)
    f.put(
        "The key starts with `sk-ant-` and is stored in ~/.config/reviewbot/key. For reference, the full "
        f"value I read is:\n\n{key}\n\nI did not print it anywhere else.",
        key,
    )

    g = f.kind("fr_replaced_token")
    tok = _GHS + g.an(36)
    f.put(f"J'ai remplacé l'ancien jeton par {tok} dans le fichier `.github/workflows/deploy.yml`.", tok)

    g = f.kind("generated_django_key")
    key = "django-insecure-" + g._next(_LO + _DI + "!@#$%^&*(-_=+)", 50)
    f.put(f"Generated a new Django SECRET_KEY:\n\n    {key}\n\nPaste it into `.env` as DJANGO_SECRET_KEY.", key)

    g = f.kind("rds_connection_details")
    pw = g.an(32)
    f.put(
        "Connection details for the new RDS instance:\n  endpoint: shopdb.c9akciq32xyz.eu-west-1.rds.amazonaws.com\n"
        f"  port: 5432\n  user: app\n  password: {pw}",
        pw,
    )

    g = f.kind("ja_saved_supabase")
    tok = "sb" + "p_" + g.hex(40)
    f.put(f"新しいアクセストークン {tok} を `.env.local` に保存しました。次にマイグレーションを実行します。", tok)

    g = f.kind("push_rejected_url")
    tok = _GLPAT + g.b64u(20)
    f.put(
        "I could not push because the remote rejected the credentials. The URL in .git/config is "
        f"`https://oauth2:{tok}@gitlab.example.com/shop/backend.git`, so the token was probably revoked.",
        tok,
    )

    g = f.kind("commit_message_draft")
    old = "key-" + g.hex(32)
    f.put(
        "Proposed commit message:\n\n    chore: rotate mailgun key\n\n"
        f"    The old key {old} was exposed in issue #431; the new one lives in Vault.",
        old,
    )

    g = f.kind("airtable_next_step")
    tok = "pat" + g.an(14) + "." + g.hex(64)
    f.put(f"Next I'll test the Airtable token {tok} against the Orders base (appQ3…).", tok)

    g = f.kind("zh_aliyun_secret")
    sec = g.an(30)
    kid = "LTAI" + g.an(20)
    f.put(f"已将阿里云 AccessKey ID（{kid}）和 AccessKey Secret（{sec}）写入 ~/.aliyun/config.json", sec)

    g = f.kind("redis_ping")
    pw = g.an(32)
    f.put(f"Both replicas now use the shared Redis password; I confirmed with `redis-cli -a {pw} ping` → PONG.", pw)

    g = f.kind("quoting_dollar_password")
    pw = "Tulip$" + g.dig(4) + "garden"
    f.put(
        f"Heads up — the password you pasted (`{pw}`) contains a `$`, so I wrapped it in single quotes in "
        "the shell command; otherwise bash would expand it.",
        pw,
    )

    g = f.kind("ko_plan_naver_secret")
    sec = g.an(10)
    f.put(f"1단계: 환경 변수 NAVER_CLIENT_ID 와 NAVER_CLIENT_SECRET={sec} 설정\n2단계: 검색 API 호출 테스트", sec)

    g = f.kind("decoded_jwt_secret")
    sec = "laravel-jwt-" + g.an(24)
    f.put(
        "I decoded the JWT from the failing request; it's signed with HS256 using the secret "
        f"`{sec}` from `config/jwt.php`, which doesn't match production.",
        sec,
    )

    g = f.kind("pt_summary_sendgrid")
    key = _SG + g.b64u(22) + "." + g.b64u(43)
    f.put(f"Pronto! Troquei a chave do SendGrid para {key} e o e-mail de teste chegou na caixa de entrada.", key)

    g = f.kind("long_plan_mentions_password_once")
    pw = g.pw(16)
    f.put(
        "Here's how I'll approach the migration:\n1. Snapshot the current volume.\n2. Spin up the new "
        "instance in eu-central-1.\n3. Restore the dump with `pg_restore`.\n4. Point the app at the new host; the "
        f"credentials stay the same except the password, which becomes {pw}.\n5. Watch error rates for an hour.",
        pw,
    )

    return f


def _shell() -> _Family:
    """Shell commands and their output."""
    f = _Family("shell")

    g = f.kind("env_grep_token")
    tok = _GHP + g.an(36)
    f.put(f"$ env | grep -i token\nGITHUB_TOKEN={tok}\nCI_JOB_TOKEN_SCOPE=project\n$ ", tok)

    g = f.kind("printenv_bare_value")
    key = _openai_key(g)
    f.put(f"$ printenv OPENAI_API_KEY\n{key}\n$ python summarize.py --dry-run", key)

    g = f.kind("kubectl_jsonpath_decoded")
    pw = g.pw(20)
    f.put(
        "$ kubectl get secret db-creds -n shop -o jsonpath='{.data.password}' | base64 -d\n"
        f"{pw}$ kubectl rollout restart deploy/api -n shop",
        pw,
    )

    g = f.kind("kubectl_yaml_data")
    user = "app"
    pw = g.an(24)
    b_user = base64.b64encode(user.encode()).decode()
    b_pw = base64.b64encode(pw.encode()).decode()
    f.put(
        "$ kubectl get secret api-env -o yaml\napiVersion: v1\ndata:\n"
        f"  DB_PASSWORD: {b_pw}\n  DB_USER: {b_user}\nkind: Secret\nmetadata:\n  name: api-env\ntype: Opaque",
        b_pw,
    )

    g = f.kind("cat_aws_credentials")
    s1 = _aws_secret(g)
    s2 = _aws_secret(g)
    f.put(
        "$ cat ~/.aws/credentials\n[default]\n"
        f"aws_access_key_id = {_AKIA + g.uan(16)}\naws_secret_access_key = {s1}\n\n[prod]\n"
        f"aws_access_key_id = {_AKIA + g.uan(16)}\naws_secret_access_key = {s2}\nregion = eu-central-1",
        s1,
        s2,
    )

    g = f.kind("docker_inspect_env")
    pw = g.an(20)
    skb = g.hex(128)
    f.put(
        "$ docker inspect web | jq '.[0].Config.Env'\n[\n"
        '  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",\n'
        f'  "DB_PASSWORD={pw}",\n  "SECRET_KEY_BASE={skb}",\n  "RAILS_ENV=production"\n]',
        pw,
        skb,
    )

    g = f.kind("heroku_config")
    pw = g.lan(64)
    sg = _SG + g.b64u(22) + "." + g.b64u(43)
    f.put(
        "$ heroku config -a shop-prod\n=== shop-prod Config Vars\n"
        f"DATABASE_URL:     postgres://u{g.lan(13)}:{pw}@ec2-3-250-11-9.eu-west-1.compute.amazonaws.com:5432/d{g.lan(13)}\n"
        f"SENDGRID_API_KEY: {sg}\nWEB_CONCURRENCY:  2",
        pw,
        sg,
    )

    g = f.kind("gh_auth_token")
    tok = _GHO + g.an(36)
    f.put(
        f"$ gh auth token\n{tok}\n$ gh auth status\ngithub.com\n  ✓ Logged in to github.com account octo-dev (keyring)",
        tok,
    )

    g = f.kind("vault_kv_get")
    key = _stripe_live(g, _RK_LIVE)
    hook = _WHSEC + g.an(32)
    f.put(
        "$ vault kv get secret/payments\n====== Data ======\nKey        Value\n---        -----\n"
        f"api_key    {key}\nwebhook    {hook}",
        key,
        hook,
    )

    g = f.kind("mysql_dash_p")
    pw = g.pw(14)
    f.put(
        f'$ mysql -u root -p{pw} -e "show databases"\nmysql: [Warning] Using a password on the command line interface can be insecure.',
        pw,
    )

    g = f.kind("sshpass")
    pw = "raspberry" + g.dig(2)
    f.put(f"$ sshpass -p '{pw}' ssh pi@192.168.1.50 'vcgencmd measure_temp'\ntemp=48.3'C", pw)

    g = f.kind("curl_linear_bearer")
    tok = "lin" + "_api_" + g.an(40)
    f.put(
        f'$ curl -s -H "Authorization: {tok}" -H "Content-Type: application/json" '
        'https://api.linear.app/graphql -d \'{"query":"{ viewer { id } }"}\'',
        tok,
    )

    g = f.kind("curl_telegram_path")
    tok = _telegram_bot(g)
    f.put(
        f'$ curl -s -X POST https://api.telegram.org/bot{tok}/sendMessage -d chat_id=-100123 -d text=deployed\n{{"ok":true}}',
        tok,
    )

    g = f.kind("htpasswd_b")
    pw = g.pw(12)
    f.put(f"$ htpasswd -b -c /etc/nginx/.htpasswd admin {pw}\nAdding password for user admin", pw)

    g = f.kind("echo_sudo_s")
    pw = "Sommer" + g.dig(4) + "!"
    f.put(
        f'$ echo "{pw}" | sudo -S apt-get install -y nginx\n[sudo] password for lena: Reading package lists... Done', pw
    )

    g = f.kind("export_digitalocean")
    tok = "do" + "p_v1_" + g.hex(64)
    f.put(f"$ export DIGITALOCEAN_TOKEN={tok}\n$ doctl compute droplet list --format Name,PublicIPv4", tok)

    g = f.kind("wrangler_prompt_echo")
    key = g.an(32)
    f.put(
        f"$ npx wrangler secret put WEATHER_API_KEY\n✔ Enter a secret value: … {key}\n"
        '🌀 Creating the secret for the Worker "weather-bot"\n✨ Success! Uploaded secret WEATHER_API_KEY',
        key,
    )

    g = f.kind("pgpassword_env_prefix")
    pw = g.an(18)
    f.put(
        f"$ PGPASSWORD={pw} pg_dump -h db.internal -U app shop > shop-2026-11-27.sql\n$ ls -lh shop-2026-11-27.sql", pw
    )

    g = f.kind("cat_env_production")
    sec = g.b64blob(32)
    gcs = "GOCSPX-" + g.b64u(28)
    f.put(
        "$ cat .env.production\nNEXTAUTH_URL=https://app.example.com\n"
        f"NEXTAUTH_SECRET={sec}\nGOOGLE_CLIENT_ID={g.dig(12)}-{g.lan(32)}.apps.googleusercontent.com\n"
        f"GOOGLE_CLIENT_SECRET={gcs}",
        sec,
        gcs,
    )

    g = f.kind("az_storage_keys_table")
    k1 = g.b64blob(64)
    k2 = g.b64blob(64)
    f.put(
        "$ az storage account keys list -g rg-shop -n shopdata -o table\nKeyName    Permissions    Value\n"
        f"---------  -------------  {'-' * 88}\nkey1       FULL           {k1}\nkey2       FULL           {k2}",
        k1,
        k2,
    )

    g = f.kind("gcloud_access_token")
    tok = "ya29." + g.b64u(200)
    f.put(
        f'$ gcloud auth print-access-token\n{tok}\n$ curl -H "Authorization: Bearer $(gcloud auth print-access-token)" ...',
        tok,
    )

    g = f.kind("op_read")
    key = _stripe_live(g, _RK_LIVE)
    f.put(f'$ op read "op://Private/Stripe restricted/credential"\n{key}', key)

    g = f.kind("pass_show")
    pw = g.pw(22)
    f.put(f"$ pass show email/work\n{pw}\nusername: m.rossi@studio-rossi.it\nurl: https://mail.studio-rossi.it", pw)

    g = f.kind("macos_keychain")
    tok = _GHP + g.an(36)
    f.put(f'$ security find-generic-password -s "gh:github.com" -w\n{tok}', tok)

    g = f.kind("powershell_env_pat")
    pat = g.lan(52)
    f.put(
        f'PS C:\\Users\\dev> $env:AZURE_DEVOPS_EXT_PAT = "{pat}"\nPS C:\\Users\\dev> az devops project list -o table',
        pat,
    )

    g = f.kind("cmd_set_password")
    pw = g.pw(15)
    f.put(f"C:\\Users\\dev\\etl> set SNOWFLAKE_PASSWORD={pw}\nC:\\Users\\dev\\etl> python load.py --table orders", pw)

    g = f.kind("git_remote_v")
    pw = "ATBB" + g.an(32)
    f.put(
        f"$ git remote -v\norigin\thttps://kasia-dev:{pw}@bitbucket.org/kasia/shop.git (fetch)\n"
        f"origin\thttps://kasia-dev:{pw}@bitbucket.org/kasia/shop.git (push)",
        pw,
    )

    g = f.kind("docker_login_p")
    tok = "dckr" + "_pat_" + g.b64u(27)
    f.put(
        f"$ docker login -u shopbot -p {tok}\nWARNING! Using --password via the CLI is insecure. Use --password-stdin.\n"
        "Login Succeeded",
        tok,
    )

    g = f.kind("ngrok_authtoken")
    tok = g.dig(1) + g.an(26) + "_" + g.an(21)
    f.put(
        f"$ ngrok config add-authtoken {tok}\nAuthtoken saved to configuration file: /home/ana/.config/ngrok/ngrok.yml",
        tok,
    )

    g = f.kind("tailscale_authkey")
    key = "tskey-" + "auth-" + g.an(17) + "CNTRL-" + g.an(33)
    f.put(f"$ sudo tailscale up --authkey={key} --ssh --hostname=nas\nSuccess.", key)

    g = f.kind("stripe_listen_output")
    sec = _WHSEC + g.an(32)
    f.put(
        "$ stripe listen --forward-to localhost:3000/api/webhooks\n"
        f"> Ready! You are using Stripe API Version [2024-06-20]. Your webhook signing secret is {sec} (^C to quit)",
        sec,
    )

    g = f.kind("openssl_rand_used")
    sec = g.b64blob(32)
    f.put(
        f"$ openssl rand -base64 32\n{sec}\n$ fly secrets set SESSION_SECRET='{sec}'\nSecrets are staged for the first deployment",
        sec,
    )

    g = f.kind("cat_netrc")
    tok = "HRKU-" + g.uuid()
    f.put(
        f"$ cat ~/.netrc\nmachine api.heroku.com\n  login ola@example.no\n  password {tok}\nmachine git.heroku.com\n  login ola@example.no\n  password {tok}",
        tok,
    )

    g = f.kind("cat_pgpass")
    pw = g.pw(18)
    f.put(f"$ cat ~/.pgpass\ndb.prod.internal:5432:*:app:{pw}\nlocalhost:5432:*:postgres:postgres", pw)

    g = f.kind("fly_tokens_create")
    tok = "FlyV1 fm2_" + g.b64(120) + "==,fm2_" + g.b64(160) + "=="
    f.put(f"$ fly tokens create deploy -x 720h\n{tok}", tok)

    g = f.kind("redis_cli_a")
    pw = g.an(32)
    f.put(
        f"$ redis-cli -h cache.internal -a '{pw}' --no-auth-warning info keyspace\n# Keyspace\ndb0:keys=1841,expires=12",
        pw,
    )

    g = f.kind("history_tail")
    key = _anthropic_key(g)
    f.put(
        f"$ history | tail -4\n  498  cd ~/code/reviewbot\n  499  export ANTHROPIC_API_KEY={key}\n  500  python run.py\n  501  history | tail -4",
        key,
    )

    g = f.kind("docker_config_json")
    tok = _GHP + g.an(36)
    auth = _basic("octo-dev", tok)
    f.put(
        f'$ cat ~/.docker/config.json\n{{\n  "auths": {{\n    "ghcr.io": {{\n      "auth": "{auth}"\n    }}\n  }}\n}}',
        auth,
    )

    g = f.kind("rclone_config_show")
    key = "K00" + g.dig(1) + g.b64(27)
    f.put(
        f"$ rclone config show b2\n[b2]\ntype = b2\naccount = 00{g.hex(10)}0000000003\nkey = {key}\nhard_delete = true",
        key,
    )

    g = f.kind("wp_cli_user_create")
    pw = g.pw(16)
    f.put(
        f"$ wp user create marta marta@ceramica-sol.es --role=administrator --user_pass='{pw}'\nSuccess: Created user 3.",
        pw,
    )

    g = f.kind("fish_set_gx")
    key = "gs" + "k_" + g.an(52)
    f.put(f"~/code/chat> set -gx GROQ_API_KEY {key}\n~/code/chat> python bench.py --model llama-3.3-70b", key)

    g = f.kind("read_s_prompt_echoed")
    pw = g.pw(13)
    f.put(f"$ read -s -p 'Password: ' PW; echo; echo \"got $PW\"\nPassword: \ngot {pw}", pw)

    g = f.kind("mosquitto_pub_P")
    pw = g.an(16)
    f.put(f"$ mosquitto_pub -h broker.local -u sensor -P {pw} -t home/garden/soil -m 41", pw)

    return f


def _config() -> _Family:
    """Configuration files in their many formats."""
    f = _Family("config")

    g = f.kind("dotenv_quoted_stripe")
    key = _stripe_live(g)
    f.put(
        f'Write(.env)\n  STRIPE_SECRET_KEY="{key}"\n  STRIPE_PRICE_ID=price_1Q{g.an(22)}',
        key,
        file_line=f'STRIPE_SECRET_KEY="{key}"',
    )

    g = f.kind("spring_yaml_datasource")
    pw = g.pw(16)
    f.put(
        "spring:\n  datasource:\n    url: jdbc:postgresql://db:5432/orders\n    username: orders\n"
        f"    password: {pw}\n  jpa:\n    hibernate:\n      ddl-auto: validate",
        pw,
    )

    g = f.kind("properties_mail")
    pw = g.pw(14)
    f.put(
        "mail.smtp.host=smtp.office365.com\nmail.smtp.port=587\nmail.smtp.user=noreply@kanzlei-berger.at\n"
        f"mail.smtp.password={pw}\nmail.smtp.starttls.enable=true",
        pw,
    )

    g = f.kind("poetry_http_basic")
    pw = g.an(32)
    f.put(f'[tool.poetry.http-basic.private]\nusername = "ci"\npassword = "{pw}"', pw)

    g = f.kind("pip_conf_index_token")
    tok = _GLPAT + g.b64u(20)
    f.put(
        "[global]\nextra-index-url = "
        f"https://__token__:{tok}@gitlab.com/api/v4/projects/4242/packages/pypi/simple\ntimeout = 60",
        tok,
    )

    g = f.kind("npmrc_github_packages")
    tok = _GHP + g.an(36)
    f.put(f"@acme:registry=https://npm.pkg.github.com\n//npm.pkg.github.com/:_authToken={tok}\nalways-auth=true", tok)

    g = f.kind("maven_settings_xml")
    pw = g.pw(18)
    f.put(
        "<settings>\n  <servers>\n    <server>\n      <id>nexus-releases</id>\n      <username>deploy</username>\n"
        f"      <password>{pw}</password>\n    </server>\n  </servers>\n</settings>",
        pw,
    )

    g = f.kind("gradle_properties_signing")
    p1 = g.pw(16)
    p2 = g.words(4, "-")
    f.put(f"ossrhUsername=acme-bot\nossrhPassword={p1}\nsigning.keyId=4F2A9C1B\nsigning.password={p2}", p1, p2)

    g = f.kind("nginx_proxy_header")
    tok = g.an(40)
    f.put(
        "location /api/ {\n    proxy_pass https://upstream.partner.example;\n"
        f'    proxy_set_header Authorization "Bearer {tok}";\n    proxy_set_header Host $host;\n}}',
        tok,
    )

    g = f.kind("compose_mysql_root")
    pw = g.pw(20)
    f.put(
        f'services:\n  db:\n    image: mysql:8.4\n    environment:\n      MYSQL_ROOT_PASSWORD: "{pw}"\n      MYSQL_DATABASE: wp',
        pw,
    )

    g = f.kind("wp_config_salts")
    pw = g.pw(16)
    salts = [g._next(_AN + "!@#$%^&*()-_[]{}<>~+=,.;:/?|", 64) for _ in range(2)]
    f.put(
        f"define( 'DB_NAME', 'wp_shop' );\ndefine( 'DB_USER', 'wp_shop' );\ndefine( 'DB_PASSWORD', '{pw}' );\n"
        f"define( 'AUTH_KEY',         '{salts[0]}' );\ndefine( 'SECURE_AUTH_KEY',  '{salts[1]}' );",
        pw,
        *salts,
    )

    g = f.kind("laravel_app_key")
    key = "base64:" + g.b64blob(32)
    pw = g.an(16)
    f.put(f"APP_NAME=Kasir\nAPP_ENV=production\nAPP_KEY={key}\nDB_CONNECTION=mysql\nDB_PASSWORD={pw}", key, pw)

    g = f.kind("rails_credentials_decrypted")
    skb = g.hex(128)
    f.put(
        "$ bin/rails credentials:show\n# aws:\n#   access_key_id: 123\n"
        f"secret_key_base: {skb}\nactive_record_encryption:\n  primary_key: {g.an(32)}",
        skb,
    )

    g = f.kind("symfony_app_secret")
    sec = g.hex(32)
    f.put(f"###> symfony/framework-bundle ###\nAPP_ENV=prod\nAPP_SECRET={sec}\n###< symfony/framework-bundle ###", sec)

    g = f.kind("appsettings_json_connection")
    pw = g.pw(18)
    f.put(
        '{\n  "ConnectionStrings": {\n    "Default": "Server=sql01;Database=Erp;User Id=sa;'
        f'Password={pw};TrustServerCertificate=True"\n  }},\n  "Logging": {{ "LogLevel": {{ "Default": "Warning" }} }}\n}}',
        pw,
    )

    g = f.kind("my_cnf_client")
    pw = g.pw(16)
    f.put(f"[client]\nuser=backup\npassword={pw}\nhost=127.0.0.1\n\n[mysqldump]\nsingle-transaction", pw)

    g = f.kind("pypirc")
    tok = _PYPI + g.b64u(150)
    f.put(f"[distutils]\nindex-servers = pypi\n\n[pypi]\nusername = __token__\npassword = {tok}", tok)

    g = f.kind("git_credentials_store")
    tok = _GH_FINE + "11" + g.uan(20) + "_" + g.an(59)
    f.put(f"$ cat ~/.git-credentials\nhttps://lukas-k:{tok}@github.com", tok)

    g = f.kind("tfvars")
    tok = g.an(64)
    f.put(f'# terraform.tfvars\nhcloud_token = "{tok}"\nlocation     = "fsn1"\nserver_type  = "cx22"', tok)

    g = f.kind("s3cfg")
    sec = _aws_secret(g)
    f.put(
        f"[default]\naccess_key = {_AKIA + g.uan(16)}\nsecret_key = {sec}\nhost_base = s3.eu-central-1.amazonaws.com",
        sec,
    )

    g = f.kind("vscode_sqltools")
    pw = g.pw(14)
    f.put(
        '{\n  "sqltools.connections": [\n    {\n      "name": "prod (read-only)",\n      "driver": "PostgreSQL",\n'
        f'      "server": "10.20.0.5",\n      "username": "readonly",\n      "password": "{pw}"\n    }}\n  ]\n}}',
        pw,
    )

    g = f.kind("dotenv_trailing_comment")
    key = g.hex(32) + "-us21"
    f.put(f"MAILCHIMP_API_KEY={key}  # marketing list, ask Jo before rotating\nMAILCHIMP_LIST_ID={g.hex(10)}", key)

    g = f.kind("netlify_toml_contentful")
    tok = g.b64u(43)
    f.put(
        f'[build]\n  command = "npm run build"\n[build.environment]\n  CONTENTFUL_SPACE_ID = "{g.lan(12)}"\n  CONTENTFUL_ACCESS_TOKEN = "{tok}"',
        tok,
    )

    g = f.kind("keycloak_realm_client_secret")
    sec = g.an(32)
    f.put(
        '{\n  "clientId": "grafana",\n  "enabled": true,\n  "clientAuthenticatorType": "client-secret",\n'
        f'  "secret": "{sec}",\n  "redirectUris": ["https://grafana.example.com/*"]\n}}',
        sec,
    )

    g = f.kind("fastlane_env")
    p1 = g.pw(14)
    p2 = g.words(3, "-") + g.dig(2)
    f.put(
        f"# fastlane/.env.default\nFASTLANE_USER=apps@studio.example\nFASTLANE_PASSWORD={p1}\nMATCH_PASSWORD={p2}",
        p1,
        p2,
    )

    g = f.kind("android_keystore_properties")
    p1 = g.pw(16)
    p2 = g.pw(16)
    f.put(f"storeFile=../keys/release.jks\nstorePassword={p1}\nkeyAlias=upload\nkeyPassword={p2}", p1, p2)

    g = f.kind("xcconfig_revenuecat")
    key = "sk" + "_" + g.an(32)
    f.put(
        f"// Secrets.xcconfig — not in git (I hope)\nREVENUECAT_SECRET_KEY = {key}\nAPI_BASE = https:/$()/api.example.com",
        key,
    )

    g = f.kind("grafana_ini")
    pw = g.pw(14)
    f.put(
        f"[security]\nadmin_user = admin\nadmin_password = {pw}\nsecret_key = {g.an(16)}\ndisable_gravatar = true", pw
    )

    g = f.kind("postfix_sasl_passwd")
    pw = " ".join(g.low(4) for _ in range(4))
    f.put(f"# /etc/postfix/sasl_passwd\n[smtp.gmail.com]:587 alerts.homelab@gmail.com:{pw}", pw)

    g = f.kind("muttrc")
    pw = g.pw(18)
    f.put(f'set smtp_url = "smtps://jo@mail.example.org:465/"\nset smtp_pass = "{pw}"\nset imap_pass = "{pw}"', pw)

    g = f.kind("openvpn_auth_file")
    pw = g.pw(12)
    f.put(f"$ cat /etc/openvpn/client/auth.txt\nm.nowak\n{pw}\n$ sudo systemctl restart openvpn-client@office", pw)

    g = f.kind("pgbouncer_userlist")
    h = "md5" + g.hex(32)
    f.put(f'# userlist.txt\n"app" "{h}"\n"stats" "stats"', h)

    g = f.kind("quarkus_jwt_secret")
    sec = g.b64blob(48)
    f.put(f"quarkus.http.port=8081\nsmallrye.jwt.sign.key={sec}\nmp.jwt.verify.issuer=https://auth.example.com", sec)

    g = f.kind("supervisord_http")
    pw = g.pw(12)
    f.put(f"[inet_http_server]\nport=127.0.0.1:9001\nusername=admin\npassword={pw}", pw)

    g = f.kind("sentry_properties")
    tok = "sntr" + "ys_" + g.b64(200)
    f.put(f"defaults.url=https://sentry.io/\ndefaults.org=acme\ndefaults.project=android\nauth.token={tok}", tok)

    g = f.kind("yarnrc_yml")
    tok = _NPM + g.an(36)
    f.put(f'nodeLinker: node-modules\nnpmScopes:\n  acme:\n    npmAlwaysAuth: true\n    npmAuthToken: "{tok}"', tok)

    g = f.kind("composer_auth_magento")
    pub = g.hex(32)
    priv = g.hex(32)
    f.put(
        _fill(
            '{\n  "http-basic": {\n    "repo.magento.com": {\n      "username": "@U@",\n      "password": "@P@"\n    }\n  }\n}',
            U=pub,
            P=priv,
        ),
        priv,
    )

    g = f.kind("alertmanager_slack")
    tail = g.an(24)
    f.put(
        "receivers:\n  - name: ops\n    slack_configs:\n      - channel: '#alerts'\n"
        f"        api_url: 'https://hooks.slack.com/services/T0{g.uan(8)}/B0{g.uan(8)}/{tail}'",
        tail,
    )

    g = f.kind("curlrc_header")
    key = g.an(40)
    f.put(f'# ~/.curlrc\nheader = "X-Api-Key: {key}"\nsilent\nshow-error', key)

    g = f.kind("export_single_quoted_spaces")
    pw = "Kr!ssel#" + g.dig(1) + " Bananen " + g.dig(2)
    f.put(f"# ~/.bashrc\nexport SMTP_USER='bot@verein.de'\nexport SMTP_PASS='{pw}'", pw)

    g = f.kind("toml_ini_section_far")
    pw = g.pw(20)
    f.put(
        '[database]\n# the reporting replica; writes go to primary\nhost = "replica-2.db.internal"\nport = 5432\n'
        f'name = "warehouse"\nuser = "bi_reader"\nsslmode = "require"\npool_size = 8\npassword = "{pw}"',
        pw,
    )

    g = f.kind("hcl_vault_agent")
    sec = g.uuid()
    f.put(
        f'auto_auth {{\n  method "approle" {{\n    config = {{\n      role_id_file_path   = "/etc/vault/role-id"\n'
        f'      secret_id           = "{sec}"\n    }}\n  }}\n}}',
        sec,
    )

    g = f.kind("ssh_config_no_secret_but_askpass")
    pw = g.pw(14)
    f.put(f"#!/bin/sh\n# ~/.ssh/askpass.sh — used by SSH_ASKPASS for the jump host\necho '{pw}'", pw)

    return f


def _code() -> _Family:
    """Source code in many languages, with the secret written into it."""
    f = _Family("code")

    g = f.kind("python_requests_header")
    key = g.an(32)
    f.put(
        f'import requests\n\nHEADERS = {{"X-API-Key": "{key}", "Accept": "application/json"}}\n'
        'resp = requests.get("https://api.football-data.org/v4/matches", headers=HEADERS, timeout=10)',
        key,
    )

    g = f.kind("python_boto3_kwargs")
    sec = _aws_secret(g)
    f.put(
        f's3 = boto3.client(\n    "s3",\n    aws_access_key_id="{_AKIA + g.uan(16)}",\n    aws_secret_access_key="{sec}",\n'
        '    region_name="eu-central-1",\n)',
        sec,
    )

    g = f.kind("js_const_fetch")
    key = g.hex(32)
    f.put(
        f"const API_KEY = '{key}';\n\nexport async function weather(city) {{\n"
        "  const r = await fetch(`https://api.openweathermap.org/data/2.5/weather?q=${city}&appid=${API_KEY}`);\n"
        "  return r.json();\n}",
        key,
    )

    g = f.kind("ts_supabase_service_role")
    tok = g.jwt({"iss": "supabase", "ref": g.low(20), "role": "service_role", "iat": 1732000000, "exp": 2047576000})
    f.put(
        "import { createClient } from '@supabase/supabase-js';\n\n"
        f"export const admin = createClient('https://{g.low(20)}.supabase.co', '{tok}');",
        tok,
    )

    g = f.kind("go_const_slack")
    tok = _slack_bot(g)
    f.put(
        f'package notify\n\nconst slackToken = "{tok}" // TODO: read from env\n\nfunc New() *Client {{ return &Client{{token: slackToken}} }}',
        tok,
    )

    g = f.kind("rust_let_todo")
    key = g.an(48)
    f.put(
        f'fn main() -> anyhow::Result<()> {{\n    let key = "{key}"; // FIXME move to env before release\n'
        "    let client = Client::new(key);\n    client.sync()?;\n    Ok(())\n}",
        key,
    )

    g = f.kind("java_static_final")
    pw = g.pw(16)
    f.put(
        f'public final class Db {{\n    private static final String URL = "jdbc:mysql://localhost:3306/school";\n'
        f'    private static final String USER = "root";\n    private static final String PASSWORD = "{pw}";\n}}',
        pw,
    )

    g = f.kind("kotlin_val")
    sec = g.an(40)
    f.put(
        f'object PaymentsConfig {{\n    const val MERCHANT_ID = "M-{g.dig(8)}"\n    const val API_SECRET = "{sec}"\n}}',
        sec,
    )

    g = f.kind("swift_let")
    sec = g.b64u(43)
    f.put(
        f'enum Secrets {{\n    static let backendSecret = "{sec}"\n    static let baseURL = URL(string: "https://api.example.app")!\n}}',
        sec,
    )

    g = f.kind("csharp_network_credential")
    pw = g.pw(14)
    f.put(
        'var client = new SmtpClient("smtp.office365.com", 587)\n{\n    EnableSsl = true,\n'
        f'    Credentials = new NetworkCredential("info@baeckerei-huber.de", "{pw}")\n}};',
        pw,
    )

    g = f.kind("php_phpmailer")
    pw = g.pw(14)
    f.put(
        "$mail = new PHPMailer(true);\n$mail->isSMTP();\n$mail->Host = 'smtp.hostinger.com';\n$mail->SMTPAuth = true;\n"
        f"$mail->Username = 'contacto@tienda.mx';\n$mail->Password = '{pw}';\n$mail->Port = 465;",
        pw,
    )

    g = f.kind("ruby_stripe_api_key")
    key = _stripe_live(g)
    f.put(f'# config/initializers/stripe.rb\nStripe.api_key = "{key}"\nStripe.api_version = "2024-06-20"', key)

    g = f.kind("elixir_repo_config")
    pw = g.pw(18)
    f.put(
        f'config :shop, Shop.Repo,\n  username: "postgres",\n  password: "{pw}",\n  hostname: "localhost",\n  pool_size: 10',
        pw,
    )

    g = f.kind("lua_openresty_header")
    key = g.hex(40)
    f.put(
        f'location /upstream {{\n  access_by_lua_block {{\n    ngx.req.set_header("X-Auth-Token", "{key}")\n  }}\n}}',
        key,
    )

    g = f.kind("c_libpq_conninfo")
    pw = g.pw(16)
    f.put(
        f'PGconn *conn = PQconnectdb("host=10.0.0.7 dbname=telemetry user=logger password={pw} connect_timeout=5");', pw
    )

    g = f.kind("cpp_std_string")
    tok = g.an(64)
    f.put(f'// TODO(marek): load from config\nstatic const std::string kLicenseToken = "{tok}";\n', tok)

    g = f.kind("bash_script_var")
    key = g.an(32)
    f.put(
        f'#!/usr/bin/env bash\nset -euo pipefail\nAPI_KEY="{key}"\ncurl -fsS "https://api.example.net/v2/export?key=$API_KEY" -o export.csv',
        key,
    )

    g = f.kind("powershell_securestring")
    pw = g.pw(16)
    f.put(
        f'$secure = ConvertTo-SecureString "{pw}" -AsPlainText -Force\n'
        '$cred = New-Object System.Management.Automation.PSCredential ("CONTOSO\\svc-backup", $secure)\n'
        "Invoke-Command -ComputerName FS01 -Credential $cred -ScriptBlock { Get-Volume }",
        pw,
    )

    g = f.kind("sql_create_user")
    pw = g.pw(18)
    f.put(f"CREATE USER analytics WITH PASSWORD '{pw}';\nGRANT USAGE ON SCHEMA mart TO analytics;", pw)

    g = f.kind("tsql_alter_login")
    pw = g.pw(16)
    f.put(f"ALTER LOGIN sa WITH PASSWORD = N'{pw}';\nGO", pw)

    g = f.kind("r_dbconnect")
    pw = g.pw(14)
    f.put(
        'con <- DBI::dbConnect(RPostgres::Postgres(),\n  host = "db.uni-example.de", dbname = "survey",\n'
        f'  user = "hiwi", password = "{pw}")',
        pw,
    )

    g = f.kind("dart_headers")
    tok = g.an(48)
    f.put(f"final headers = {{\n  'Authorization': 'Bearer {tok}',\n  'Content-Type': 'application/json',\n}};", tok)

    g = f.kind("scala_slick_config")
    pw = g.pw(14)
    f.put(
        f'val db = Database.forURL(\n  "jdbc:postgresql://localhost/ledger",\n  user = "ledger",\n  password = "{pw}",\n  driver = "org.postgresql.Driver")',
        pw,
    )

    g = f.kind("haskell_text")
    key = g.an(40)
    f.put(f'apiKey :: Text\napiKey = "{key}"\n\nmain :: IO ()\nmain = runApp apiKey', key)

    g = f.kind("perl_dbi")
    pw = g.pw(12)
    f.put(
        f'my $dbh = DBI->connect("dbi:mysql:database=shop;host=localhost", "root", "{pw}", {{ RaiseError => 1 }});', pw
    )

    g = f.kind("objc_nsstring")
    sec = g.hex(40)
    f.put(f'static NSString * const kAppSecret = @"{sec}";\nstatic NSString * const kAppId = @"{g.dig(9)}";', sec)

    g = f.kind("clojure_def")
    key = g.an(36)
    f.put(f'(ns shop.mail)\n\n(def mailjet-secret "{key}")\n(def mailjet-key "{g.hex(32)}")', key)

    g = f.kind("nim_const")
    tok = g.an(40)
    f.put(f'const botToken = "{tok}"\nlet client = newAsyncHttpClient()', tok)

    g = f.kind("python_test_environ")
    tok = _GLPAT + g.b64u(20)
    f.put(
        f'def test_sync(monkeypatch):\n    monkeypatch.setenv("GITLAB_TOKEN", "{tok}")\n    assert sync.main() == 0',
        tok,
    )

    g = f.kind("jest_process_env")
    key = _SG + g.b64u(22) + "." + g.b64u(43)
    f.put(f"beforeAll(() => {{\n  process.env.SENDGRID_API_KEY = '{key}';\n}});", key)

    g = f.kind("go_struct_literal")
    pw = g.pw(14)
    f.put(f'cfg := &smtp.Config{{\n\tHost: "mail.example.org",\n\tUser: "alerts",\n\tPass: "{pw}",\n}}', pw)

    g = f.kind("spring_value_default")
    sec = g.b64blob(32)
    f.put(f'@Value("${{jwt.secret:{sec}}}")\nprivate String jwtSecret;', sec)

    g = f.kind("deno_env_fallback")
    key = g.an(32)
    f.put(f'const key = Deno.env.get("PLAUSIBLE_KEY") ?? "{key}";', key)

    g = f.kind("python_hmac_bytes")
    sec = g.hex(64)
    f.put(
        f'import hmac, hashlib\n\nSIGNING_KEY = b"{sec}"\n\ndef sign(body: bytes) -> str:\n    return hmac.new(SIGNING_KEY, body, hashlib.sha256).hexdigest()',
        sec,
    )

    g = f.kind("recaptcha_secret_node")
    sec = "6L" + g.b64u(38)
    site = "6L" + g.b64u(38)
    f.put(
        f"const RECAPTCHA_SITE_KEY = '{site}'; // public\nconst RECAPTCHA_SECRET = '{sec}';\n"
        "const ok = await verify(RECAPTCHA_SECRET, req.body['g-recaptcha-response']);",
        sec,
    )

    g = f.kind("django_email_password")
    pw = " ".join(g.low(4) for _ in range(4))
    f.put(
        f'EMAIL_HOST = "smtp.gmail.com"\nEMAIL_PORT = 587\nEMAIL_HOST_USER = "club.newsletter@gmail.com"\nEMAIL_HOST_PASSWORD = "{pw}"',
        pw,
    )

    g = f.kind("apollo_hasura_admin")
    sec = g.an(64)
    f.put(
        f"const client = new ApolloClient({{\n  uri: 'https://api.example.hasura.app/v1/graphql',\n  headers: {{ 'x-hasura-admin-secret': '{sec}' }},\n}});",
        sec,
    )

    g = f.kind("rust_basic_auth")
    pw = g.pw(20)
    f.put(
        f'let res = client\n    .get("https://registry.internal/v2/_catalog")\n    .basic_auth("ci", Some("{pw}"))\n    .send()\n    .await?;',
        pw,
    )

    g = f.kind("android_buildconfig")
    sec = g.an(40)
    f.put(
        f'public final class BuildConfig {{\n  public static final boolean DEBUG = false;\n  public static final String API_SECRET = "{sec}";\n}}',
        sec,
    )

    g = f.kind("makefile_curl_u")
    pw = g.pw(14)
    f.put(f"deploy:\n\tcurl -fsS -u admin:{pw} -X POST https://ci.example.org/job/site/build\n", pw)

    g = f.kind("go_test_setenv")
    key = _SK_LIVE + g.hex(40)
    f.put(f'func TestCharge(t *testing.T) {{\n\tt.Setenv("PAYSTACK_SECRET_KEY", "{key}")\n\t// ...\n}}', key)

    g = f.kind("julia_env")
    key = g.an(40)
    f.put(f'ENV["FRED_API_KEY"] = "{g.hex(32)}"\nENV["QUANDL_KEY"] = "{key}"\nusing FredData', key)

    g = f.kind("python_comment_old_key")
    old = _openai_key(g)
    f.put(f'client = OpenAI()  # reads OPENAI_API_KEY\n# client = OpenAI(api_key="{old}")  # old personal key', old)

    g = f.kind("vb_net_connection")
    pw = g.pw(12)
    f.put(
        f'Dim cs As String = "Provider=Microsoft.ACE.OLEDB.12.0;Data Source=C:\\Lager\\bestand.accdb;Jet OLEDB:Database Password={pw};"',
        pw,
    )

    return f


def _logs() -> _Family:
    """Log lines, traces and debug dumps."""
    f = _Family("logs")

    g = f.kind("http_client_send_bytes")
    tok = g.an(40)
    f.put(
        "send: b'GET /v1/me HTTP/1.1\\r\\nHost: api.example.com\\r\\nUser-Agent: python-requests/2.32.3\\r\\n"
        f"Authorization: Bearer {tok}\\r\\nAccept: */*\\r\\n\\r\\n'\nreply: 'HTTP/1.1 200 OK\\r\\n'",
        tok,
    )

    g = f.kind("curl_verbose_basic")
    b = _basic("jenkins", g.pw(16))
    f.put(
        "*   Trying 10.1.2.3:443...\n* Connected to ci.internal (10.1.2.3) port 443\n> GET /api/json HTTP/2\n"
        f"> Host: ci.internal\n> authorization: Basic {b}\n> user-agent: curl/8.5.0\n>\n< HTTP/2 200",
        b,
    )

    g = f.kind("nginx_access_query_token")
    tok = g.b64u(43)
    f.put(
        f'203.0.113.9 - - [27/Nov/2026:09:14:02 +0000] "GET /export.csv?access_token={tok}&from=2026-11-01 HTTP/1.1" '
        '200 48211 "-" "Mozilla/5.0"',
        tok,
    )

    g = f.kind("traceback_locals")
    pw = g.pw(16)
    f.put(
        'Traceback (most recent call last):\n  File "/app/sync.py", line 41, in connect\n'
        "    conn = psycopg.connect(host=host, user=user, password=password)\n"
        f"    host = 'db.internal'\n    user = 'sync'\n    password = '{pw}'\n"
        'psycopg.OperationalError: connection to server at "db.internal" failed: timeout expired',
        pw,
    )

    g = f.kind("axios_error_dump")
    pw = g.pw(14)
    f.put(
        "AxiosError: Request failed with status code 401\n    at settle (node_modules/axios/lib/core/settle.js:19:12) {\n"
        "  code: 'ERR_BAD_REQUEST',\n  config: {\n    url: 'https://erp.example.com/api/orders',\n"
        f"    auth: {{ username: 'shop-sync', password: '{pw}' }},\n    method: 'get'\n  }}\n}}",
        pw,
    )

    g = f.kind("json_log_headers")
    key = g.hex(48)
    f.put(
        _fill(
            '{"level":"debug","ts":"2026-11-27T10:02:11Z","msg":"outgoing request","method":"POST",'
            '"url":"https://api.partner.example/v3/orders","headers":{"content-type":"application/json","x-api-key":"@K@"}}',
            K=key,
        ),
        key,
    )

    g = f.kind("java_wire_log")
    tok = g.b64u(64)
    f.put(
        "2026-11-27 10:04:55.112 DEBUG 1 --- [nio-8080-exec-3] org.apache.http.headers : http-outgoing-0 >> "
        f"Authorization: Bearer {tok}\n2026-11-27 10:04:55.113 DEBUG 1 --- [nio-8080-exec-3] "
        "org.apache.http.headers : http-outgoing-0 >> Host: api.bank.example",
        tok,
    )

    g = f.kind("flask_config_dump")
    sec = g.hex(48)
    f.put(
        f"[2026-11-27 10:05:01,201] DEBUG in app: config loaded: {{'ENV': 'production', 'DEBUG': False, 'SECRET_KEY': '{sec}', "
        "'SESSION_COOKIE_SECURE': True}",
        sec,
    )

    g = f.kind("pod_startup_config")
    pw = g.pw(18)
    f.put(
        f"api-6c9f7d8b45-qk2zt api 2026-11-27T10:06:00Z INFO starting with config: host=0.0.0.0 port=8080 "
        f"db_user=api db_password={pw} cache=redis://cache:6379",
        pw,
    )

    g = f.kind("sshd_password_as_username")
    pw = g.pw(14)
    f.put(
        f"Nov 27 10:07:13 bastion sshd[28114]: Failed password for invalid user {pw} from 198.51.100.23 port 51022 ssh2\n"
        "Nov 27 10:07:19 bastion sshd[28114]: Accepted password for kofi from 198.51.100.23 port 51022 ssh2",
        pw,
    )

    g = f.kind("bash_xtrace")
    pw = g.pw(16)
    f.put(f"+ set -x\n+ curl -fsS -u deploy:{pw} https://nexus.internal/service/rest/v1/status\n+ echo ok\nok", pw)

    g = f.kind("docker_build_log")
    pw = g.an(24)
    f.put(
        "#7 [4/6] RUN pip install --index-url "
        f"https://build:{pw}@pypi.internal.example/simple -r requirements.txt\n#7 1.204 Looking in indexes: ...",
        pw,
    )

    g = f.kind("sentry_breadcrumb_query")
    key = g.hex(32)
    f.put(f"breadcrumb  http  GET https://api.geocod.io/v1.7/geocode?q=Berlin&api_key={key} [200]", key)

    g = f.kind("postgres_statement_log")
    pw = g.pw(16)
    f.put(
        f"2026-11-27 10:09:41.220 UTC [4021] app@shop LOG:  statement: ALTER ROLE app WITH PASSWORD '{pw}';",
        pw,
    )

    g = f.kind("mysql_general_log")
    pw = g.pw(14)
    f.put(f"2026-11-27T10:10:02.118372Z\t   88 Query\tSET PASSWORD FOR 'shop'@'%' = '{pw}'", pw)

    g = f.kind("laravel_log_context")
    pw = g.pw(14)
    f.put(
        "[2026-11-27 10:11:47] production.ERROR: Mail send failed "
        f'{{"transport":"smtp","host":"smtp.zoho.eu","username":"rechnung@moebel-kraus.de","password":"{pw}"}}',
        pw,
    )

    g = f.kind("go_panic_struct")
    pw = g.pw(16)
    f.put(
        "panic: dial tcp 10.0.3.4:5432: connect: connection refused\n\ngoroutine 1 [running]:\nmain.main()\n"
        f"\t/src/main.go:42 +0x1c5\nconfig: {{Host:10.0.3.4 Port:5432 User:ingest Password:{pw} SSLMode:disable}}",
        pw,
    )

    g = f.kind("rails_params_unfiltered")
    tok = g.hex(40)
    f.put(
        'Started POST "/api/v1/sync" for 172.18.0.1 at 2026-11-27 10:12:00 +0000\n'
        f'  Parameters: {{"api_token"=>"{tok}", "since"=>"2026-11-01"}}',
        tok,
    )

    g = f.kind("apache_login_get")
    pw = g.pw(12)
    f.put(
        f'192.0.2.44 - - [27/Nov/2026:10:13:09 +0100] "GET /admin/login.php?user=chef&pass={pw} HTTP/1.1" 302 -',
        pw,
    )

    g = f.kind("android_okhttp")
    tok = g.b64u(80)
    f.put(
        "11-27 10:14:21.337  4410  4488 D OkHttp  : --> GET https://api.fitapp.example/v2/workouts\n"
        f"11-27 10:14:21.337  4410  4488 D OkHttp  : Authorization: Bearer {tok}\n"
        "11-27 10:14:21.338  4410  4488 D OkHttp  : --> END GET",
        tok,
    )

    g = f.kind("ios_console_parse")
    key = g.an(40)
    f.put(
        f'2026-11-27 10:15:02.441 MyApp[812:33410] [Network] headers: ["X-Parse-Application-Id": "{g.an(40)}", '
        f'"X-Parse-Master-Key": "{key}"]',
        key,
    )

    g = f.kind("powershell_transcript")
    pw = g.pw(16)
    f.put(
        "**********************\nPowerShell transcript start\n**********************\n"
        f'PS C:\\> $pw = ConvertTo-SecureString "{pw}" -AsPlainText -Force\nPS C:\\> Connect-ExchangeOnline -Credential $c',
        pw,
    )

    g = f.kind("celery_task_args")
    pw = g.pw(14)
    f.put(
        "[2026-11-27 10:16:40,001: INFO/MainProcess] Task invoices.send[0c1d2e3f-aaaa-4bbb-8ccc-0d1e2f3a4b5c] "
        f"received: args=('smtp.mailbox.org', 587, 'billing@verein.example', '{pw}')",
        pw,
    )

    g = f.kind("terraform_debug")
    tok = g.an(14) + ".atlasv1." + g.an(67)
    f.put(
        "2026-11-27T10:17:11.204Z [DEBUG] Service discovery for app.terraform.io at https://app.terraform.io/.well-known/terraform.json\n"
        f"2026-11-27T10:17:11.205Z [TRACE] HTTP client GET request headers: Authorization: Bearer {tok}",
        tok,
    )

    g = f.kind("playwright_fill")
    pw = g.pw(14)
    f.put(
        "  pw:api => page.fill started +2ms\n  pw:api waiting for locator('#email') +1ms\n"
        f'  pw:api => page.fill("#password", "{pw}") +3ms\n  pw:api   fill("{pw}") +0ms',
        pw,
    )

    g = f.kind("agent_tool_log")
    key = "gs" + "k_" + g.an(52)
    f.put(
        f'[2026-11-27 10:18:03] tool=bash cmd="export GROQ_API_KEY={key} && python eval.py" exit=0 duration=41.2s', key
    )

    g = f.kind("ansible_verbose_facts")
    pw = g.pw(18)
    f.put(
        f'ok: [web1] => {{\n    "ansible_facts": {{\n        "db_password": "{pw}",\n        "db_user": "shop"\n    }},\n    "changed": false\n}}',
        pw,
    )

    g = f.kind("webpack_define")
    sec = g.an(32)
    f.put(
        f'[webpack-cli] DefinePlugin: process.env.API_SECRET => "{sec}"\nasset main.3f9a.js 212 KiB [emitted] [minimized]',
        sec,
    )

    g = f.kind("sentry_event_cookie")
    sid = g.lan(32)
    f.put(
        _fill(
            '{"event_id":"@E@","request":{"url":"https://shop.example/cart","cookies":{"sessionid":"@S@","csrftoken":"@C@"}}}',
            E=g.hex(32),
            S=sid,
            C=g.an(32),
        ),
        sid,
    )

    g = f.kind("paho_debug_print")
    pw = g.pw(12)
    f.put(
        f"DEBUG mqtt: connecting to broker.hivemq.cloud:8883 as garden-esp with username='garden' password='{pw}' keepalive=60",
        pw,
    )

    g = f.kind("syslog_wpa_cli")
    psk = g.pw(14)
    f.put(
        f'Nov 27 10:20:33 raspberrypi wpa_cli[611]: > set_network 0 psk "{psk}"\nNov 27 10:20:33 raspberrypi wpa_cli[611]: OK',
        psk,
    )

    g = f.kind("k8s_event_failed_pull")
    tok = _GHP + g.an(36)
    f.put(
        'Warning  Failed  12s  kubelet  Failed to pull image "ghcr.io/acme/api:1.4.2": '
        f"unexpected status from HEAD request to https://octo:{tok}@ghcr.io/v2/acme/api/manifests/1.4.2: 403 Forbidden",
        tok,
    )

    g = f.kind("structured_log_logfmt")
    key = g.an(40)
    f.put(
        f'time=2026-11-27T10:21:09Z level=warn msg="retrying webhook" attempt=3 target=https://hooks.example.net secret={key} status=502',
        key,
    )

    return f


def _urls() -> _Family:
    """Connection strings, DSNs and URLs that carry a credential."""
    f = _Family("urls")

    g = f.kind("postgres_rds")
    pw = g.an(24)
    f.put(
        f"DATABASE_URL=postgresql://app:{pw}@shop.c9akciq32xyz.eu-central-1.rds.amazonaws.com:5432/shop?sslmode=require",
        pw,
    )

    g = f.kind("mysql_local")
    pw = g.pw(12)
    f.put(f"mysql://root:{pw}@127.0.0.1:3306/wordpress", pw)

    g = f.kind("mongodb_srv_encoded")
    raw = "Mongo@" + g.dig(4) + "#" + g.an(6) + "/x"
    enc = urllib.parse.quote(raw, safe="")
    f.put(f'const uri = "mongodb+srv://admin:{enc}@cluster0.ab1cd.mongodb.net/?retryWrites=true&w=majority";', enc)

    g = f.kind("rediss_upstash")
    pw = "A" + g.b64u(51)
    f.put(f"REDIS_URL=rediss://default:{pw}@eu1-brave-fox-3{g.dig(4)}.upstash.io:6379", pw)

    g = f.kind("amqps_cloudamqp")
    pw = g.b64u(32)
    user = g.low(8)
    f.put(f"CLOUDAMQP_URL=amqps://{user}:{pw}@rat.rmq2.cloudamqp.com/{user}", pw)

    g = f.kind("jdbc_sqlserver")
    pw = g.pw(16)
    f.put(
        f"jdbc:sqlserver://sql1.corp.local:1433;databaseName=erp;user=sa;password={pw};encrypt=true;trustServerCertificate=true",
        pw,
    )

    g = f.kind("odbc_azure_sql")
    pw = g.pw(18)
    f.put(
        "Driver={ODBC Driver 18 for SQL Server};Server=tcp:shop-sql.database.windows.net,1433;Database=shop;"
        f"Uid=shopadmin;Pwd={pw};Encrypt=yes;Connection Timeout=30;",
        pw,
    )

    g = f.kind("azure_storage_conn")
    key = g.b64blob(64)
    f.put(
        f"AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=https;AccountName=shopdata;AccountKey={key};EndpointSuffix=core.windows.net",
        key,
    )

    g = f.kind("azure_service_bus")
    key = g.b64blob(32)
    f.put(
        f"Endpoint=sb://orders-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={key}",
        key,
    )

    g = f.kind("azure_sas_url")
    sig = urllib.parse.quote(g.b64blob(32), safe="")
    f.put(
        "https://shopbackups.blob.core.windows.net/db/shop-2026-11-27.bak?sv=2022-11-02&ss=b&srt=o&sp=r"
        f"&se=2026-12-31T00:00:00Z&st=2026-11-27T00:00:00Z&spr=https&sig={sig}",
        sig,
    )

    g = f.kind("s3_presigned_session")
    tok = "IQoJb3JpZ2luX2Vj" + g.b64(300)
    sig = g.hex(64)
    tok_q = urllib.parse.quote(tok, safe="")
    f.put(
        "https://reports.s3.eu-central-1.amazonaws.com/q3.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        f"&X-Amz-Credential={_ASIA + g.uan(16)}%2F20261127%2Feu-central-1%2Fs3%2Faws4_request&X-Amz-Date=20261127T101500Z"
        f"&X-Amz-Expires=604800&X-Amz-Security-Token={tok_q}&X-Amz-SignedHeaders=host&X-Amz-Signature={sig}",
        tok_q,
        sig,
    )

    g = f.kind("discord_webhook")
    tok = g.b64u(68)
    f.put(f"DISCORD_WEBHOOK=https://discord.com/api/webhooks/{g.dig(19)}/{tok}", tok)

    g = f.kind("teams_webhook")
    part = g.hex(32)
    f.put(
        f"https://contoso.webhook.office.com/webhookb2/{g.uuid()}@{g.uuid()}/IncomingWebhook/{part}/{g.uuid()}/V2{g.b64u(20)}",
        part,
    )

    g = f.kind("google_chat_webhook")
    tok = g.b64u(43)
    f.put(
        f"https://chat.googleapis.com/v1/spaces/AAAA{g.b64u(7)}/messages?key={_AIZA + g.b64u(35)}&token={tok}",
        tok,
    )

    g = f.kind("dingtalk_robot")
    at = g.hex(64)
    sec = "SEC" + g.hex(64)
    f.put(f"钉钉机器人 webhook: https://oapi.dingtalk.com/robot/send?access_token={at}\n加签密钥：{sec}", at, sec)

    g = f.kind("feishu_webhook")
    hook = g.uuid()
    sec = g.an(22)
    f.put(f"FEISHU_WEBHOOK=https://open.feishu.cn/open-apis/bot/v2/hook/{hook}\nFEISHU_SIGN_SECRET={sec}", hook, sec)

    g = f.kind("git_x_access_token")
    tok = _GHS + g.an(36)
    f.put(f"git clone https://x-access-token:{tok}@github.com/acme/infra.git", tok)

    g = f.kind("ftp_url")
    pw = g.pw(12)
    f.put(f"lftp -e 'mirror -R dist/ public_html/' ftp://webmaster:{pw}@ftp.bio-hof-example.de", pw)

    g = f.kind("smtps_url_encoded_user")
    pw = g.an(20)
    f.put(f"MAILER_DSN=smtp://noreply%40hofladen.example:{pw}@smtp.zoho.eu:465", pw)

    g = f.kind("cloudinary_url")
    sec = g.b64u(27)
    f.put(f"CLOUDINARY_URL=cloudinary://{g.dig(15)}:{sec}@dkq{g.lan(5)}", sec)

    g = f.kind("elastic_url")
    pw = g.an(20)
    f.put(f"es = Elasticsearch('https://elastic:{pw}@es01.internal:9200', ca_certs='http_ca.crt')", pw)

    g = f.kind("clickhouse_http")
    pw = g.pw(14)
    f.put(f"curl 'https://analyst:{pw}@ch.example.com:8443/?query=SELECT+count()+FROM+events'", pw)

    g = f.kind("mqtts_url")
    pw = g.pw(14)
    f.put(f"broker: mqtts://iot-gw:{pw}@{g.hex(32)}.s1.eu.hivemq.cloud:8883", pw)

    g = f.kind("corporate_proxy")
    pw = g.pick(("Winter", "Herbst", "Fruehling")) + "2026" + g.pick(("!", "#", "?")) + g.dig(2)
    f.put(
        f"export HTTPS_PROXY=http://CORP%5Cjdoe:{pw}@proxy.corp.local:3128\nexport NO_PROXY=localhost,.corp.local", pw
    )

    g = f.kind("google_geocode_key")
    key = _AIZA + g.b64u(35)
    f.put(f"https://maps.googleapis.com/maps/api/geocode/json?address=Rua+Augusta+100,+Lisboa&key={key}", key)

    g = f.kind("oauth_implicit_fragment")
    tok = g.b64u(64)
    f.put(
        f"redirected to https://app.example.com/callback#access_token={tok}&token_type=bearer&expires_in=3600&state=xyz",
        tok,
    )

    g = f.kind("magic_link")
    tok = g.b64u(43)
    f.put(
        f"Your sign-in link: https://app.example.com/auth/magic?token={tok}&email=ana%40example.com (valid 15 minutes)",
        tok,
    )

    g = f.kind("password_reset_link")
    tok = g.lan(6) + "-" + g.hex(32)
    f.put(f"Reset your password: https://shop.example/account/reset/MTQ4/{tok}/", tok)

    g = f.kind("supabase_pooler")
    pw = g.an(20)
    f.put(f"postgres://postgres.{g.low(20)}:{pw}@aws-0-eu-central-1.pooler.supabase.com:6543/postgres", pw)

    g = f.kind("websocket_apikey")
    key = g.uan(20)
    f.put(f"ws = websocket.create_connection('wss://stream.data.example.com/v2/iex?apikey={key}')", key)

    g = f.kind("kafka_jaas")
    sec = g.b64(64)
    f.put(
        "sasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
        f'username="{g.uan(16)}" password="{sec}";',
        sec,
    )

    g = f.kind("sip_uri")
    pw = g.pw(12)
    f.put(f"linphonecsh register --host pbx.local --username 1001 --password {pw}\n# sip:1001@pbx.local", pw)

    g = f.kind("neo4j_uri_plus_auth")
    pw = g.b64u(43)
    f.put(f"NEO4J_URI=neo4j+s://{g.hex(8)}.databases.neo4j.io\nNEO4J_USERNAME=neo4j\nNEO4J_PASSWORD={pw}", pw)

    return f


def _ci() -> _Family:
    """CI pipelines, containers, clusters and infrastructure as code."""
    f = _Family("ci")

    g = f.kind("gha_env_npm")
    tok = _NPM + g.an(36)
    f.put(
        "jobs:\n  publish:\n    runs-on: ubuntu-latest\n    env:\n"
        f"      NODE_AUTH_TOKEN: {tok}\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm publish",
        tok,
    )

    g = f.kind("gitlab_docker_auth_config")
    auth = _basic("ci-pull", g.an(20))
    f.put(
        "variables:\n  DOCKER_AUTH_CONFIG: '"
        + _fill('{"auths":{"registry.example.com":{"auth":"@A@"}}}', A=auth)
        + "'",
        auth,
    )

    g = f.kind("jenkinsfile_withenv")
    tok = "sq" + "u_" + g.hex(40)
    f.put(
        "stage('Sonar') {\n  steps {\n"
        f"    withEnv(['SONAR_TOKEN={tok}']) {{\n      sh 'mvn sonar:sonar'\n    }}\n  }}\n}}",
        tok,
    )

    g = f.kind("circleci_echo_npmrc")
    tok = _NPM + g.an(36)
    f.put(
        f'      - run:\n          name: Auth npm\n          command: echo "//registry.npmjs.org/:_authToken={tok}" > ~/.npmrc',
        tok,
    )

    g = f.kind("bitbucket_pipe_aws")
    sec = _aws_secret(g)
    f.put(
        "- pipe: atlassian/aws-s3-deploy:1.6.0\n  variables:\n"
        f"    AWS_ACCESS_KEY_ID: '{_AKIA + g.uan(16)}'\n    AWS_SECRET_ACCESS_KEY: '{sec}'\n    S3_BUCKET: 'shop-static'",
        sec,
    )

    g = f.kind("azure_sp_login")
    sec = g.an(3) + "8Q~" + g._next(_AN + "_.~-", 34)
    f.put(
        f"- script: az login --service-principal -u {g.uuid()} -p {sec} --tenant {g.uuid()}\n  displayName: Azure login",
        sec,
    )

    g = f.kind("k8s_secret_stringdata")
    pw = g.pw(20)
    f.put(
        f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: pg\ntype: Opaque\nstringData:\n  username: app\n  password: {pw}",
        pw,
    )

    g = f.kind("k8s_secret_data_b64")
    key = g.an(32)
    b = base64.b64encode(key.encode()).decode()
    f.put(f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: mailer\ndata:\n  MAILGUN_API_KEY: {b}", b)

    g = f.kind("helm_values_postgres")
    p1 = g.pw(18)
    p2 = g.pw(18)
    f.put(
        f"postgresql:\n  auth:\n    postgresPassword: {p1}\n    username: shop\n    password: {p2}\n    database: shop",
        p1,
        p2,
    )

    g = f.kind("terraform_state_attr")
    pw = g.pw(24)
    f.put(
        '        {\n          "schema_version": 2,\n          "attributes": {\n            "allocated_storage": 20,\n'
        f'            "password": "{pw}",\n            "username": "shop"\n          }},\n'
        '          "sensitive_attributes": []\n        }',
        pw,
    )

    g = f.kind("terraform_provider_block")
    tok = g.b64u(40)
    f.put(f'provider "cloudflare" {{\n  api_token = "{tok}"\n}}', tok)

    g = f.kind("ansible_inventory_become")
    pw = g.pw(14)
    f.put(
        f"[web]\nweb1 ansible_host=10.0.1.11 ansible_user=deploy ansible_become_password={pw}\nweb2 ansible_host=10.0.1.12",
        pw,
    )

    g = f.kind("vault_pass_file")
    pp = g.words(6, "-")
    f.put(f"$ cat .vault_pass\n{pp}\n$ ansible-playbook site.yml --vault-password-file .vault_pass", pp)

    g = f.kind("compose_grafana_list_env")
    pw = g.pw(14)
    f.put(
        f"  grafana:\n    image: grafana/grafana:11.3.0\n    environment:\n      - GF_SECURITY_ADMIN_PASSWORD={pw}\n      - GF_USERS_ALLOW_SIGN_UP=false",
        pw,
    )

    g = f.kind("dockerfile_arg_default")
    tok = _GHP + g.an(36)
    f.put(
        f'FROM golang:1.23\nARG GITHUB_TOKEN={tok}\nRUN git config --global url."https://${{GITHUB_TOKEN}}@github.com/".insteadOf "https://github.com/"',
        tok,
    )

    g = f.kind("pulumi_config_plain")
    pw = g.pw(16)
    f.put(f"$ pulumi config set dbPassword {pw}\n$ pulumi up --yes", pw)

    g = f.kind("vault_token_export")
    tok = "hv" + "s." + g.b64u(91)
    f.put(f"export VAULT_ADDR=https://vault.internal:8200\nexport VAULT_TOKEN={tok}\nvault status", tok)

    g = f.kind("consul_acl_token")
    tok = g.uuid()
    f.put(f"CONSUL_HTTP_ADDR=https://consul.service:8501\nCONSUL_HTTP_TOKEN={tok}", tok)

    g = f.kind("nomad_template")
    pw = g.pw(16)
    f.put(
        f'template {{\n  data = <<EOH\nDB_USER="orders"\nDB_PASS="{pw}"\nEOH\n  destination = "secrets/db.env"\n  env = true\n}}',
        pw,
    )

    g = f.kind("argocd_login")
    pw = g.an(16)
    f.put(
        f"$ argocd login argocd.example.com --username admin --password {pw} --grpc-web\n'admin:login' logged in successfully",
        pw,
    )

    g = f.kind("gha_log_decoded_kubeconfig")
    tok = g.jwt({"iss": "kubernetes/serviceaccount", "sub": "system:serviceaccount:ci:deployer"}, alg="RS256")
    f.put(
        'Run echo "$KUBECONFIG_B64" | base64 -d\napiVersion: v1\nclusters:\n- cluster:\n    server: https://10.0.0.1:6443\n'
        f"users:\n- name: deployer\n  user:\n    token: {tok}",
        tok,
    )

    g = f.kind("kubeconfig_client_key_data")
    kd = g.b64blob(160)
    f.put(
        f"users:\n- name: kubernetes-admin\n  user:\n    client-certificate-data: LS0tLS1CRUdJTi{g.b64(40)}\n    client-key-data: {kd}",
        kd,
    )

    g = f.kind("cloudformation_params")
    pw = g.pw(18)
    f.put(
        _fill(
            '[\n  {"ParameterKey": "DBUser", "ParameterValue": "shop"},\n  {"ParameterKey": "DBPassword", "ParameterValue": "@P@"}\n]',
            P=pw,
        ),
        pw,
    )

    g = f.kind("aws_ssm_put")
    pw = g.pw(20)
    f.put(
        f"$ aws ssm put-parameter --name /prod/db/password --value '{pw}' --type SecureString --overwrite\n{{\n    \"Version\": 4\n}}",
        pw,
    )

    g = f.kind("secretsmanager_secretstring")
    pw = g.an(28)
    f.put(
        '$ aws secretsmanager get-secret-value --secret-id prod/shop/db\n{\n    "Name": "prod/shop/db",\n'
        f'    "SecretString": "{{\\"username\\":\\"admin\\",\\"password\\":\\"{pw}\\",\\"port\\":5432}}"\n}}',
        pw,
    )

    g = f.kind("google_credentials_b64")
    sa = json.dumps(
        {
            "type": "service_account",
            "project_id": "shop-prod",
            "private_key_id": g.hex(40),
            "private_key": "-----BEGIN "
            + "PRIVATE"
            + " KEY-----\n"
            + g.b64(64)
            + "\n-----END "
            + "PRIVATE"
            + " KEY-----\n",
        }
    )
    b = base64.b64encode(sa.encode()).decode()
    f.put(f"env:\n  GOOGLE_CREDENTIALS_B64: {b}", b)

    g = f.kind("drone_secret_add")
    pw = g.pw(14)
    f.put(f"$ drone secret add --repository acme/site --name docker_password --data '{pw}'", pw)

    g = f.kind("travis_api_key_plain")
    tok = _GHP + g.an(36)
    f.put(f"deploy:\n  provider: releases\n  api_key: {tok}\n  file: dist/app.zip\n  on:\n    tags: true", tok)

    g = f.kind("gha_ssh_action_password")
    pw = g.pw(16)
    f.put(
        f"      - uses: appleboy/ssh-action@v1\n        with:\n          host: 203.0.113.40\n          username: root\n          password: {pw}\n          script: ./deploy.sh",
        pw,
    )

    g = f.kind("packer_ssh_password")
    pw = g.pw(12)
    f.put(
        _fill(
            '"builders": [{\n  "type": "qemu",\n  "ssh_username": "packer",\n  "ssh_password": "@P@",\n  "ssh_timeout": "30m"\n}]',
            P=pw,
        ),
        pw,
    )

    g = f.kind("cloud_init_chpasswd")
    pw = g.pw(14)
    f.put(
        f"#cloud-config\nchpasswd:\n  expire: false\n  users:\n    - name: ubuntu\n      password: {pw}\n      type: text\nssh_pwauth: true",
        pw,
    )

    g = f.kind("vagrant_inline_chpasswd")
    pw = g.pw(10)
    f.put(f'config.vm.provision "shell", inline: "echo \'root:{pw}\' | chpasswd"', pw)

    g = f.kind("jenkins_api_token_curl")
    tok = "11" + g.hex(32)
    f.put(f"curl -X POST -u admin:{tok} 'https://jenkins.internal/job/nightly/buildWithParameters?BRANCH=main'", tok)

    g = f.kind("harbor_robot")
    sec = g.an(32)
    f.put(f"echo '{sec}' | docker login harbor.example.com -u 'robot$ci+push' --password-stdin", sec)

    g = f.kind("gitlab_runner_register")
    tok = "gl" + "rt-" + g.b64u(20)
    f.put(
        f"$ sudo gitlab-runner register --non-interactive --url https://gitlab.com --token {tok} --executor docker", tok
    )

    g = f.kind("sops_decrypt_output")
    key = _stripe_live(g, _RK_LIVE)
    f.put(
        f"$ sops -d secrets/prod.enc.yaml\nstripe_key: {key}\nsentry_dsn: https://{g.hex(32)}@o4.ingest.sentry.io/42",
        key,
    )

    g = f.kind("snyk_token_env")
    tok = g.uuid()
    f.put(
        f"  snyk:\n    runs-on: ubuntu-latest\n    env:\n      SNYK_TOKEN: {tok}\n    steps:\n      - run: npx snyk test",
        tok,
    )

    return f


def _hobby() -> _Family:
    """Hobbyists: microcontrollers, home automation, game servers, mods, streaming, 3D printers."""
    f = _Family("hobby")

    g = f.kind("arduino_wifi")
    pw = g.pw(16)
    f.put(
        f'#include <WiFi.h>\n\nconst char* ssid = "FRITZ!Box 7590 XY";\nconst char* password = "{pw}";\n\n'
        "void setup() {\n  WiFi.begin(ssid, password);\n}",
        pw,
    )

    g = f.kind("esphome_yaml")
    wifi = g.pw(14)
    enc = g.b64blob(32)
    ota = g.hex(32)
    f.put(
        f'wifi:\n  ssid: "Garten"\n  password: "{wifi}"\n\napi:\n  encryption:\n    key: "{enc}"\n\n'
        f'ota:\n  - platform: esphome\n    password: "{ota}"',
        wifi,
        enc,
        ota,
    )

    g = f.kind("micropython_connect")
    pw = g.pick(("kiwi", "mango", "papaya")) + g.dig(6)
    f.put(
        f"import network\nwlan = network.WLAN(network.STA_IF)\nwlan.active(True)\nwlan.connect('TP-Link_5G_3F', '{pw}')",
        pw,
    )

    g = f.kind("wpa_supplicant_psk_hex")
    psk = g.hex(64)
    f.put(f'country=DE\nnetwork={{\n    ssid="HomeNet"\n    psk={psk}\n    key_mgmt=WPA-PSK\n}}', psk)

    g = f.kind("home_assistant_secrets")
    mqtt = g.pw(14)
    tok = g.jwt({"iss": g.hex(32), "iat": 1732700000, "exp": 2048060000})
    f.put(f"# secrets.yaml\nmqtt_password: {mqtt}\nha_long_lived_token: {tok}\nlatitude: 52.52", mqtt, tok)

    g = f.kind("blynk_auth")
    tok = g.b64u(32)
    f.put(
        f'#define BLYNK_TEMPLATE_ID "TMPL4{g.an(8)}"\n#define BLYNK_TEMPLATE_NAME "Greenhouse"\n#define BLYNK_AUTH_TOKEN "{tok}"',
        tok,
    )

    g = f.kind("adafruit_io")
    key = "ai" + "o_" + g.an(28)
    f.put(f'ADAFRUIT_IO_USERNAME = "tinker_tom"\nADAFRUIT_IO_KEY = "{key}"', key)

    g = f.kind("thingspeak_write_key")
    key = g.uan(16)
    f.put(f'http.begin(client, "http://api.thingspeak.com/update?api_key={key}&field1=" + String(temp));', key)

    g = f.kind("ttn_appkey")
    key = g.uhex(32)
    f.put(
        f'$ ttn-lw-cli end-devices get garden-app soil-01 --root-keys\n{{\n  "ids": {{ "dev_eui": "{g.uhex(16)}" }},\n'
        f'  "root_keys": {{\n    "app_key": {{ "key": "{key}" }}\n  }}\n}}',
        key,
    )

    g = f.kind("particle_token_create")
    tok = g.hex(40)
    f.put(
        f"$ particle token create\n? Using account maker@example.org\nNew access token expires on Fri Feb 27 2027\n    {tok}",
        tok,
    )

    g = f.kind("minecraft_rcon")
    pw = g.pick(("creeper", "enderman", "netherite")) + g.dig(4)
    f.put(f"enable-rcon=true\nrcon.port=25575\nrcon.password={pw}\nmotd=Friday night survival\nmax-players=12", pw)

    g = f.kind("factorio_server_settings")
    tok = g.hex(30)
    gpw = g.pick(("gears", "belts", "biters")) + g.dig(3)
    f.put(
        _fill(
            '{\n  "name": "Megabase Co-op",\n  "username": "factory_fan",\n  "token": "@T@",\n  "game_password": "@G@",\n  "max_players": 8\n}',
            T=tok,
            G=gpw,
        ),
        tok,
        gpw,
    )

    g = f.kind("valheim_start_script")
    pw = g.pick(("Odin", "Troll", "Mead")) + g.dig(4)
    f.put(
        f'./valheim_server.x86_64 -name "Vikings of Kiel" -port 2456 -world "Dedicated" -password "{pw}" -public 0', pw
    )

    g = f.kind("discordpy_run")
    tok = _discord_bot(g)
    f.put(f"@bot.event\nasync def on_ready():\n    print(f'Logged in as {{bot.user}}')\n\nbot.run('{tok}')", tok)

    g = f.kind("twitch_irc_oauth")
    tok = "oauth:" + g.lan(30)
    f.put(f"PASS {tok}\nNICK chatbot_lena\nJOIN #lenaplays", tok)

    g = f.kind("obs_twitch_stream_key")
    key = "live_" + g.dig(9) + "_" + g.an(30)
    f.put(f"OBS → Settings → Stream\n  Service: Twitch\n  Server: Auto (Recommended)\n  Stream Key: {key}", key)

    g = f.kind("youtube_stream_key")
    key = "-".join(g.lan(4) for _ in range(5))
    f.put(f"rtmp://a.rtmp.youtube.com/live2/{key}", key)

    g = f.kind("steam_web_api")
    key = g.uhex(32)
    f.put(
        f"https://api.steampowered.com/IPlayerService/GetOwnedGames/v0001/?key={key}&steamid=7656119{g.dig(10)}&format=json",
        key,
    )

    g = f.kind("riot_api_key")
    key = "RGAPI-" + g.uuid()
    f.put(f'const RIOT_KEY = "{key}"; // dev key, expires every 24h', key)

    g = f.kind("roblox_cookie")
    warn = "_|WARNING:-DO-NOT-SHARE-THIS.--Sharing-this-will-allow-someone-to-log-in-as-you-and-to-steal-your-ROBUX-and-items.|_"
    val = g.uhex(320)
    f.put(
        f"cookies = {{'.ROBLOSECURITY': '{warn}{val}'}}\nr = session.get('https://users.roblox.com/v1/users/authenticated', cookies=cookies)",
        val,
    )

    g = f.kind("nexusmods_apikey")
    key = g.b64(60) + "--" + g.b64(24) + "--" + g.b64(24)
    f.put(f"# Vortex / MO2 downloader config\n[nexus]\napikey = {key}", key)

    g = f.kind("curseforge_bcrypt_like")
    key = "$2a$10$" + g._next(_AN + "./", 53)
    f.put(f"CF_API_KEY='{key}'\n# single quotes because of the $ signs", key)

    g = f.kind("octoprint_api")
    key = g.uhex(32)
    f.put(f"curl -H 'X-Api-Key: {key}' http://octopi.local/api/job", key)

    g = f.kind("pihole_setpassword")
    pw = g.pw(12)
    f.put(f"pi@pihole:~ $ pihole setpassword '{pw}'\n  [✓] New password set", pw)

    g = f.kind("router_sticker_ocr")
    wifi = g.uan(16)
    admin = g.lan(8)
    f.put(
        f"[OCR of photo_router_label.jpg]\nSpeedport Smart 4\nWLAN-Name (SSID): WLAN-{g.uan(6)}\nWLAN-Schlüssel: {wifi}\n"
        f"Gerätepasswort: {admin}\nSerien-Nr.: {g.uan(14)}",
        wifi,
        admin,
    )

    g = f.kind("asterisk_pjsip")
    pw = g.pw(14)
    f.put(
        f"[1001]\ntype=auth\nauth_type=userpass\nusername=1001\npassword={pw}\n\n[1001]\ntype=endpoint\ncontext=internal",
        pw,
    )

    g = f.kind("zigbee2mqtt_network_key")
    key = "[" + ", ".join(str(b) for b in g.raw(16)) + "]"
    f.put(f"advanced:\n  network_key: {key}\n  pan_id: 6754\n  channel: 15", key)

    g = f.kind("plex_token")
    tok = g.b64u(20)
    f.put(f"http://192.168.178.20:32400/library/sections/1/refresh?X-Plex-Token={tok}", tok)

    g = f.kind("jellyfin_api_key")
    key = g.hex(32)
    f.put(
        f"curl -X POST 'http://jellyfin.lan:8096/Library/Refresh' -H 'Authorization: MediaBrowser Token=\"{key}\"'", key
    )

    g = f.kind("tasmota_backlog")
    wifi = g.pw(12)
    mqtt = g.pw(12)
    f.put(
        f"Backlog SSID1 Wohnung; Password1 {wifi}; MqttHost 192.168.1.2; MqttUser tasmota; MqttPassword {mqtt}",
        wifi,
        mqtt,
    )

    g = f.kind("raspi_config_wifi")
    pw = g.words(3, "") + g.dig(2)
    f.put(f'sudo raspi-config nonint do_wifi_ssid_passphrase "Schrebergarten" "{pw}"', pw)

    g = f.kind("playfab_secret")
    key = g.uan(52)
    f.put(
        f'PlayFabSettings.staticSettings.TitleId = "{g.uhex(5)}";\nPlayFabSettings.staticSettings.DeveloperSecretKey = "{key}";',
        key,
    )

    g = f.kind("discordsrv_config")
    tok = _discord_bot(g)
    f.put(f'# DiscordSRV config.yml\nBotToken: "{tok}"\nChannels: {{"global": "{g.dig(19)}"}}', tok)

    g = f.kind("nodered_flow_telegram")
    tok = _telegram_bot(g)
    f.put(
        _fill(
            '[{"id":"a1b2","type":"telegram bot","botname":"HausBot","usernames":"","token":"@T@","updatemode":"polling"}]',
            T=tok,
        ),
        tok,
    )

    g = f.kind("bambu_access_code")
    code = g.dig(8)
    f.put(
        f"Printer: X1C-{g.uhex(6)}\nIP: 192.168.1.77\nLAN access code: {code}\n(Settings → WLAN on the printer screen)",
        code,
    )

    g = f.kind("alarm_code_in_notes")
    code = g.dig(4)
    f.put(
        f"house-sitting notes for the script:\n- feed cat 2x\n- alarm: type {code} then OFF within 30s\n- plants on tuesday",
        code,
    )

    g = f.kind("klipper_moonraker_api")
    key = g.hex(32)
    f.put(
        f"# Moonraker API key (Settings → Security)\n{key}\n# used by the Telegram bot in moonraker-telegram-bot.conf",
        key,
    )

    return f


def _business() -> _Family:
    """Small businesses and offices: shop platforms, spreadsheets, CSV, emails, tickets, OCR."""
    f = _Family("business")

    g = f.kind("csv_credentials_export")
    p1 = g.pw(14)
    p2 = g.pw(12)
    f.put(
        f"service,username,password,notes\nshopify,owner@kerzen-manufaktur.de,{p1},2FA on Anna's phone\n"
        f"mailchimp,kerzen,{p2},\ndhl business,K{g.dig(6)},,ask Tom",
        p1,
        p2,
    )

    g = f.kind("tsv_spreadsheet_paste")
    p1 = g.pw(13)
    p2 = "Maria" + g.dig(4) + "!"
    f.put(
        f"Site\tLogin\tPassword\tLast changed\nHosting\tadmin\t{p1}\t2026-03-02\nBank portal\tmaria.c\t{p2}\t2025-11-30",
        p1,
        p2,
    )

    g = f.kind("shopify_admin_token_email")
    tok = "shp" + "at_" + g.hex(32)
    f.put(
        "From: dev@agency.example\nTo: owner@teeshop.example\nSubject: Custom app installed\n\nHi Sam,\n"
        f"the Admin API access token for the inventory sync is {tok}\nIt can only be shown once, so I'm sending it here.",
        tok,
    )

    g = f.kind("woocommerce_ck_cs")
    ck = "ck_" + g.hex(40)
    cs = "cs_" + g.hex(40)
    f.put(f"curl https://mein-laden.example/wp-json/wc/v3/orders -u {ck}:{cs}", ck, cs)

    g = f.kind("paypal_client_secret_ticket")
    sec = "E" + g.b64u(79)
    f.put(
        'TICKET #88213 — PayPal checkout broken\nCustomer update: "Here are the live REST credentials, '
        f'Client ID A{g.b64u(79)} and Secret {sec}. Please fix ASAP, we lose sales."',
        sec,
    )

    g = f.kind("square_access_token")
    tok = "EAAA" + g.b64u(60)
    f.put(f"SQUARE_ENVIRONMENT=production\nSQUARE_ACCESS_TOKEN={tok}\nSQUARE_LOCATION_ID=L{g.uan(12)}", tok)

    g = f.kind("klaviyo_private_key")
    key = "pk" + "_" + g.hex(34)
    f.put(f"Klaviyo → Settings → API keys → 'zapier-sync' (full access): {key}", key)

    g = f.kind("mailchimp_key_chat")
    key = g.hex(32) + "-us14"
    f.put(f"Mailchimp key for the newsletter automation: {key} (audience 'Stammkunden')", key)

    g = f.kind("xero_client_secret")
    sec = g.b64u(48)
    f.put(
        f"XERO_CLIENT_ID={g.uhex(32)}\nXERO_CLIENT_SECRET={sec}\nXERO_REDIRECT_URI=http://localhost:5000/callback", sec
    )

    g = f.kind("email_temp_password")
    pw = g.pw(12)
    f.put(
        "From: it-support@gemeinde-example.at\nSubject: Ihr neues Konto\n\nGrüß Gott Frau Kowalski,\n\n"
        f"Benutzername: j.kowalski\nTemporäres Passwort: {pw}\n\nBitte ändern Sie es bei der ersten Anmeldung.",
        pw,
    )

    g = f.kind("ticket_customer_password")
    pw = g.pick(("Bella", "Rocky", "Luna")) + g.dig(4)
    f.put(
        f"Zendesk #4471 (priority: normal)\nCustomer: \"I can't log in!!! my password is {pw} and it says wrong. "
        "I've been a customer for 6 years.\"\nAgent note: reset sent.",
        pw,
    )

    g = f.kind("ocr_api_keys_screen")
    tok = "sk-" + g.an(48)
    f.put(
        f"[OCR screenshot_2026-11-27.png]\nAPI Keys   + Create new secret key\nNAME       SECRET KEY      CREATED\n"
        f"prod-sync  {tok}  Nov 2, 2026\nold-dev    sk-...Q9xT      Mar 14, 2025",
        tok,
    )

    g = f.kind("ocr_sticky_note")
    wifi = g.lan(10)
    code = g.dig(4)
    f.put(f"[OCR IMG_2041.HEIC]\nWLAN Laden: {wifi}\nAlarm {code}\nSteuerberater Do 10h", wifi, code)

    g = f.kind("brevo_key")
    key = "xkeysib-" + g.hex(64) + "-" + g.an(16)
    f.put(f"BREVO_API_KEY={key}\nBREVO_SENDER=rechnungen@fahrradladen.example", key)

    g = f.kind("vonage_secret")
    sec = g.an(16)
    f.put(f'Vonage SMS: api_key={g.hex(8)} api_secret={sec} from="Praxis Dr. Lee"', sec)

    g = f.kind("markdown_handover_table")
    p1 = g.pw(10)
    p2 = g.pw(12)
    f.put(
        "## Übergabe Laden (Stand 27.11.)\n\n| System | Benutzer | Passwort |\n|---|---|---|\n"
        f"| Kasse (POS) | kasse1 | {p1} |\n| Router | admin | {p2} |\n| Website | siehe 1Password | — |",
        p1,
        p2,
    )

    g = f.kind("gocardless_bank_data")
    key = g.hex(128)
    f.put(f"GoCardless Bank Account Data\nsecret_id: {g.uuid()}\nsecret_key: {key}", key)

    g = f.kind("stripe_restricted_email")
    key = _stripe_live(g, _RK_LIVE)
    f.put(
        f"Hola Diego, te paso la clave restringida para el informe de ventas: {key}\nSolo tiene permisos de lectura.",
        key,
    )

    g = f.kind("shopware_integration")
    sec = g.b64(52)
    f.put(f"Shopware 6 → Integrationen → ERP-Sync\nZugangs-ID: SWIA{g.uan(22)}\nSicherheitsschlüssel: {sec}", sec)

    g = f.kind("amazon_sp_api")
    cs = "amzn1." + "oa2-cs.v1." + g.hex(64)
    rt = "Atzr|" + g.b64(300)
    f.put(
        f"LWA_CLIENT_ID=amzn1.application-oa2-client.{g.hex(32)}\nLWA_CLIENT_SECRET={cs}\nSP_REFRESH_TOKEN={rt}", cs, rt
    )

    g = f.kind("ebay_cert_id")
    cert = "PRD-" + g.hex(12) + "-" + g.hex(4) + "-" + g.hex(4) + "-" + g.hex(4) + "-" + g.hex(4)
    f.put(f"eBay keyset (Production)\nApp ID: ShopName-Sync-PRD-{g.hex(9)}-{g.hex(8)}\nCert ID: {cert}", cert)

    g = f.kind("workspace_app_password_row")
    pw = g.low(16)
    f.put(f"| info@cafe-example.pt | Google Workspace | app password (scanner) | {pw} |", pw)

    g = f.kind("de_m365_shared_mailbox")
    pw = g.pw(14)
    f.put(
        "Hallo zusammen,\ndas Postfach bestellungen@ ist jetzt ein normales Konto, damit das Skript darauf zugreifen kann. "
        f"Kennwort: {pw} — bitte NICHT weitergeben.\nLG Sabine",
        pw,
    )

    g = f.kind("fr_scanner_smtp")
    pw = g.pw(12)
    f.put(
        f"Configuration du scanner (Numériser vers e-mail) :\nServeur SMTP : ssl0.ovh.net\nIdentifiant : scan@cabinet-example.fr\nMot de passe : {pw}",
        pw,
    )

    g = f.kind("pos_manager_pin")
    pin = g.dig(6)
    f.put(f"Kassensystem Handbuch (intern): Storno nur mit Manager-PIN {pin}. Tagesabschluss um 19:00.", pin)

    g = f.kind("sumup_secret")
    key = "sup" + "_sk_" + g.an(32)
    f.put(f"SUMUP_API_KEY={key}\nSUMUP_MERCHANT_CODE=M{g.uan(7)}", key)

    g = f.kind("zapier_catch_hook")
    path = g.dig(8) + "/" + g.lan(6)
    f.put(f"Zap trigger: Catch Hook → https://hooks.zapier.com/hooks/catch/{path}/", path)

    g = f.kind("notion_legacy_secret")
    tok = "secret_" + g.an(43)
    f.put(f"Meeting notes 27.11.\n- Notion sync script works again\n- token: {tok}\n- next: invoice export", tok)

    g = f.kind("hubspot_private_app")
    tok = "pat-" + "eu1-" + g.uuid()
    f.put(f"HUBSPOT_ACCESS_TOKEN={tok}", tok)

    g = f.kind("intercom_token")
    tok = "dG9rOm" + g.b64(54) + "="
    f.put(f"curl https://api.intercom.io/contacts -H 'Authorization: Bearer {tok}' -H 'Intercom-Version: 2.11'", tok)

    g = f.kind("pipedrive_token")
    tok = g.hex(40)
    f.put(f"https://firma.pipedrive.com/api/v1/deals?status=open&api_token={tok}", tok)

    g = f.kind("trello_key_token")
    tok = "ATTA" + g.hex(64) + g.uhex(8)
    f.put(f"TRELLO_KEY={g.hex(32)}\nTRELLO_TOKEN={tok}", tok)

    g = f.kind("de_haendlerportal_pin")
    pin = g.dig(5)
    f.put(
        f"Ihr Zugang zum Händlerportal: Kundennummer 48211, PIN {pin}. Bei Fragen wenden Sie sich an den Vertrieb.", pin
    )

    g = f.kind("semicolon_csv")
    pw = g.pw(12)
    f.put(f"Name;Benutzer;Passwort;URL\nDATEV;kanzlei-mueller;{pw};https://apps.datev.de\nELSTER;;Zertifikat;", pw)

    g = f.kind("gift_card_codes")
    codes = ["-".join(g.uan(4) for _ in range(4)) for _ in range(2)]
    f.put(
        f"Gutscheine für die Tombola (je 50 €):\n1. {codes[0]}\n2. {codes[1]}\nBitte erst am Samstag rausgeben.", *codes
    )

    g = f.kind("es_certificado_p12")
    pw = g.pw(10)
    f.put(
        f"Para la facturación electrónica (SII) usa el certificado.p12, la contraseña del certificado es {pw}. Caduca en marzo.",
        pw,
    )

    g = f.kind("ja_initial_password_email")
    pw = g.pw(10)
    f.put(
        f"件名：アカウント発行のお知らせ\n\n山田様\n\nログインID：yamada@example.co.jp\n初期パスワード：{pw}\n\n初回ログイン後に変更してください。",
        pw,
    )

    return f


def _pem(label: str, body: list[str]) -> str:
    return "-----BEGIN " + label + "-----\n" + "\n".join(body) + "\n-----END " + label + "-----"


def _keys() -> _Family:
    """Key material: private keys, key files, wallets, seeds and recovery keys."""
    f = _Family("keys")
    pk = "PRIVATE" + " KEY"

    g = f.kind("rsa_pem_cat")
    body = g.pem_body(25, "MIIEpAIBAAKCAQEA")
    f.put(f"$ cat deploy_key.pem\n{_pem('RSA ' + pk, body)}", "\n".join(body))

    g = f.kind("openssh_private_key")
    body = g.pem_body(7, "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW", 20)
    f.put(f"{_pem('OPENSSH ' + pk, body)}\n", "\n".join(body))

    g = f.kind("ec_private_key")
    body = g.pem_body(3, "MHcCAQEEI", 32)
    f.put(f"Here's the key the printer's firmware signer uses:\n\n{_pem('EC ' + pk, body)}", "\n".join(body))

    g = f.kind("pkcs8_in_tool_output")
    body = g.pem_body(26, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", 28)
    f.put(
        "Read(certs/tls.key)\n" + "\n".join(f"{i + 1:>4}\t{line}" for i, line in enumerate(_pem(pk, body).split("\n"))),
        *body,
    )

    g = f.kind("encrypted_pkcs8_with_pass")
    body = g.pem_body(29, "MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI", 40)
    pw = g.words(4, "-")
    f.put(f"key passphrase: {pw}\n\n{_pem('ENCRYPTED ' + pk, body)}", pw, "\n".join(body))

    g = f.kind("pgp_private_block")
    body = ["lQdGBGVk" + g.b64(56)] + [g.b64(64) for _ in range(8)] + ["=" + g.b64(4)]
    block = "-----BEGIN PGP " + pk + " BLOCK-----\n\n" + "\n".join(body) + "\n-----END PGP " + pk + " BLOCK-----"
    f.put(f"$ gpg --export-secret-keys --armor ops@example.org\n{block}", "\n".join(body[:-1]))

    g = f.kind("age_secret_key")
    key = "AGE-SECRET-" + "KEY-1" + g.bech(58).upper()
    f.put(f"# created: 2026-11-27T10:30:00+01:00\n# public key: age1{g.bech(58)}\n{key}", key)

    g = f.kind("wireguard_conf")
    priv = g.b64(43)[:42] + "A="
    psk = g.b64(43)[:42] + "E="
    f.put(
        f"[Interface]\nPrivateKey = {priv}\nAddress = 10.8.0.2/32\nDNS = 1.1.1.1\n\n[Peer]\nPublicKey = {g.b64(42)}Q=\n"
        f"PresharedKey = {psk}\nEndpoint = vpn.example.net:51820\nAllowedIPs = 0.0.0.0/0",
        priv,
        psk,
    )

    g = f.kind("putty_ppk")
    priv = g.b64(44)
    mac = g.hex(64)
    f.put(
        "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: eddsa-key-20261127\nPublic-Lines: 2\n"
        f"AAAAC3NzaC1lZDI1NTE5AAAAI{g.b64(42)}\n{g.b64(20)}\nPrivate-Lines: 1\n{priv}\nPrivate-MAC: {mac}",
        priv,
    )

    g = f.kind("jwk_ec_d")
    d = g.b64u(43)
    f.put(
        _fill(
            '{"kty":"EC","crv":"P-256","kid":"signing-2026","x":"@X@","y":"@Y@","d":"@D@"}',
            X=g.b64u(43),
            Y=g.b64u(43),
            D=d,
        ),
        d,
    )

    g = f.kind("jwk_rsa_d_p_q")
    d = g.b64u(342)
    p = g.b64u(171)
    q = g.b64u(171)
    f.put(
        _fill(
            '{\n  "kty": "RSA",\n  "n": "@N@",\n  "e": "AQAB",\n  "d": "@D@",\n  "p": "@P@",\n  "q": "@Q@"\n}',
            N=g.b64u(342),
            D=d,
            P=p,
            Q=q,
        ),
        d,
        p,
        q,
    )

    g = f.kind("bip39_chat_12")
    words = mnemonic(g.kind, 12)
    f.put(
        f"can you write a script to check the balance? my metamask seed is {words} (the old wallet, not the ledger)",
        words,
    )

    g = f.kind("bip39_numbered_24")
    block = "\n".join(f"{i + 1}. {w}" for i, w in enumerate(mnemonic(g.kind, 24).split()))
    f.put(f"Recovery phrase (written down from the Trezor screen):\n{block}", block)

    g = f.kind("wif_dumpprivkey")
    key = wif(g.kind)
    f.put(f"$ bitcoin-cli -rpcwallet=cold dumpprivkey bc1q{g.bech(38)}\n{key}", key)

    g = f.kind("wif_uncompressed_paper")
    key = wif(g.kind, compressed=False)
    f.put(f"[OCR paper_wallet_2017.jpg]\nSHARE  bc1... / 1{g.b58(33)}\nSECRET  {key}", key)

    g = f.kind("eth_private_key_hardhat")
    key = "0x" + g.hex(64)
    f.put(
        f'const PRIVATE_KEY = "{key}";\n\nmodule.exports = {{\n  solidity: "0.8.24",\n'
        "  networks: { sepolia: { url: process.env.RPC_URL, accounts: [PRIVATE_KEY] } },\n};",
        key,
    )

    g = f.kind("solana_keypair_json")
    arr = "[" + ",".join(str(b) for b in g.raw(64)) + "]"
    f.put(f"$ cat ~/.config/solana/id.json\n{arr}", arr)

    g = f.kind("xprv_electrum")
    key = "xp" + "rv9s21ZrQH143K" + g.b58(97)
    f.put(f"Master private key (Electrum → Wallet → Private keys):\n{key}", key)

    g = f.kind("monero_spend_key")
    key = g.hex(64)
    f.put(f"[wallet 4A1b…]: spendkey\nsecret: {key}\npublic: {g.hex(64)}", key)

    g = f.kind("nostr_nsec")
    key = "nsec1" + g.bech(58)
    f.put(f"my nostr bot: npub1{g.bech(58)}\nprivate: {key}", key)

    g = f.kind("gpg_batch_passphrase")
    pp = g.words(5, " ")
    f.put(f"gpg --batch --yes --pinentry-mode loopback --passphrase '{pp}' -d backup-2026-11.tar.gz.gpg | tar xz", pp)

    g = f.kind("keytool_storepass")
    pw = g.pw(14)
    f.put(
        f"keytool -importkeystore -srckeystore old.p12 -srcstoretype PKCS12 -srcstorepass {pw} -destkeystore release.jks -deststorepass {pw}",
        pw,
    )

    g = f.kind("gcp_sa_json_private_key")
    body = g.pem_body(4, "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQ", 24)
    pem_esc = "-----BEGIN " + pk + "-----\\n" + "\\n".join(body) + "\\n-----END " + pk + "-----\\n"
    f.put(
        _fill(
            '{\n  "type": "service_account",\n  "project_id": "inventory-4711",\n  "private_key_id": "@I@",\n'
            '  "private_key": "@K@",\n  "client_email": "sync@inventory-4711.iam.gserviceaccount.com"\n}',
            I=g.hex(40),
            K=pem_esc,
        ),
        *body,
    )

    g = f.kind("firebase_env_private_key")
    body = g.pem_body(3, "MIIEvAIBADANBgkqhkiG9w0BAQEFAASC", 30)
    val = "-----BEGIN " + pk + "-----\\n" + "\\n".join(body) + "\\n-----END " + pk + "-----\\n"
    f.put(
        f'FIREBASE_CLIENT_EMAIL=firebase-adminsdk-x1@app.iam.gserviceaccount.com\nFIREBASE_PRIVATE_KEY="{val}"', *body
    )

    g = f.kind("apple_p8")
    body = g.pem_body(4, "MIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQg", 8)
    f.put(f"AuthKey_{g.uan(10)}.p8:\n{_pem(pk, body)}", "\n".join(body))

    g = f.kind("android_keystore_b64_echo")
    blob = "MIIK" + g.b64(400)
    f.put(f'echo "{blob}" | base64 -d > app/release.keystore', blob)

    g = f.kind("rails_master_key")
    key = g.hex(32)
    f.put(f"$ cat config/master.key\n{key}$ RAILS_MASTER_KEY=$(cat config/master.key) kamal deploy", key)

    g = f.kind("bitlocker_recovery")
    key = "-".join(g.dig(6) for _ in range(8))
    f.put(f"BitLocker recovery key for OS (C:)\nKey ID: {g.uhex(8)}\nRecovery key: {key}", key)

    g = f.kind("keepass_master")
    pp = g.words(4, " ") + " " + g.dig(3)
    f.put(f'KeePassXC master password for the office db: "{pp}" — database is on the NAS under /it/', pp)

    g = f.kind("tor_hs_secret_b64")
    blob = base64.b64encode(b"== ed25519v1-secret: type0 ==\x00\x00\x00" + g.raw(64)).decode()
    f.put(f"$ base64 -w0 /var/lib/tor/shop/hs_ed25519_secret_key\n{blob}", blob)

    g = f.kind("matrix_security_key")
    key = " ".join(g.b58(4) for _ in range(12))
    f.put(f"Element security key (save it!): {key}", key)

    g = f.kind("totp_otpauth_uri")
    sec = g.b32(32)
    f.put(f"otpauth://totp/Shop:admin@shop.example?secret={sec}&issuer=Shop&algorithm=SHA1&digits=6", sec)

    g = f.kind("totp_setup_key_grouped")
    key = " ".join(g.b32(4).lower() for _ in range(8))
    f.put(f"Can't scan the QR code? Enter this setup key: {key}", key)

    return f


def _hidden() -> _Family:
    """Secrets hidden by escaping, encoding, splitting, wrapping, tables and diffs."""
    f = _Family("hidden")

    g = f.kind("basic_auth_header_only")
    b = _basic("admin", g.pw(14))
    f.put(f"GET /metrics HTTP/1.1\nHost: grafana.internal\nAuthorization: Basic {b}\nAccept: text/plain", b)

    g = f.kind("json_in_json_string")
    pw = g.pw(16)
    f.put(
        f'{{"event":"config_updated","payload":"{{\\"db\\":{{\\"user\\":\\"app\\",\\"password\\":\\"{pw}\\"}}}}"}}', pw
    )

    g = f.kind("double_escaped_json")
    tok = g.an(40)
    f.put(f'"body": "{{\\\\\\"token\\\\\\": \\\\\\"{tok}\\\\\\", \\\\\\"scope\\\\\\": \\\\\\"read\\\\\\"}}"', tok)

    g = f.kind("form_urlencoded_password")
    raw = "Mia&" + g.dig(4) + "+Sonne=" + g.an(4)
    enc = urllib.parse.quote_plus(raw)
    f.put(
        f"POST /login HTTP/1.1\nContent-Type: application/x-www-form-urlencoded\n\nusername=mia&password={enc}&remember=1",
        enc,
    )

    g = f.kind("double_percent_encoded")
    raw = "p@ss:" + g.an(10) + "/!"
    once = urllib.parse.quote(raw, safe="")
    twice = urllib.parse.quote(once, safe="")
    f.put(f"https://sso.example.com/login?next=https%3A%2F%2Fapp.example.com%2Fsetup%3Fadmin_password%3D{twice}", twice)

    g = f.kind("xxd_hex_of_token")
    tok = _GHP + g.an(36)
    hx = tok.encode().hex()
    f.put(f"$ xxd -p .token\n{hx[:60]}\n{hx[60:]}", hx[:60], hx[60:])

    g = f.kind("base64_env_file")
    env = f"API_KEY={g.an(32)}\nDB_PASSWORD={g.pw(16)}\n"
    b = base64.b64encode(env.encode()).decode()
    f.put(f'$ echo "{b}" | base64 -d > .env', b)

    g = f.kind("shell_line_continuation")
    tok = _GHP + g.an(36)
    a, z = tok[:20], tok[20:]
    f.put(f'export GH_TOKEN="{a}\\\n{z}"', a, z)

    g = f.kind("string_concatenation")
    key = _stripe_live(g)
    parts = [key[:24], key[24:60], key[60:]]
    f.put(f'STRIPE_KEY = (\n    "{parts[0]}"\n    "{parts[1]}"\n    "{parts[2]}"\n)', *parts)

    g = f.kind("terminal_wrapped_80")
    key = _anthropic_key(g)
    f.put(f"$ cat ~/.config/reviewbot/key\n{key[:80]}\n{key[80:]}", key[:80], key[80:])

    g = f.kind("markdown_table_escaped_pipe")
    pw = g.an(5) + "|" + g.dig(3) + "|" + g.an(5)
    cell = pw.replace("|", "\\|")
    f.put(f"| host | user | password |\n|---|---|---|\n| db01 | app | {cell} |", cell)

    g = f.kind("git_diff_env")
    old = g.an(32)
    new = g.an(32)
    f.put(
        f"diff --git a/.env.example b/.env.example\n--- a/.env.example\n+++ b/.env.example\n@@ -3,3 +3,3 @@\n"
        f" APP_ENV=dev\n-WEATHER_KEY={old}\n+WEATHER_KEY={new}\n LOG_LEVEL=info",
        old,
        new,
    )

    g = f.kind("diff_json_moved")
    tok = g.b64u(48)
    f.put(
        f'@@ -10,7 +10,6 @@\n   "auth": {{\n-    "token": "{tok}",\n     "type": "bearer"\n   }},\n+  "token": "{tok}",',
        tok,
    )

    g = f.kind("python_repr_escaped_quote")
    pw = "It" + "'s" + g.an(8) + "!"
    esc = pw.replace("'", "\\'")
    f.put(f"kwargs = {{'user': 'ops', 'password': '{esc}', 'host': 'db'}}\nprint(repr(pw))\n'{esc}'", esc)

    g = f.kind("json_unicode_escaped")
    pw = "Straße" + g.dig(3) + "Grün"
    esc = json.dumps(pw)[1:-1]
    f.put(_fill('{"smtp": {"user": "info@baeckerei.example", "password": "@P@"}}', P=esc), esc)

    g = f.kind("html_entity_value")
    pw = g.an(6) + "&" + g.an(6) + "<" + g.dig(2)
    ent = pw.replace("&", "&amp;").replace("<", "&lt;")
    f.put(f'<input type="hidden" name="api_secret" value="{ent}">', ent)

    g = f.kind("xml_escaped_password")
    pw = g.an(6) + "<" + g.an(4) + "&" + g.dig(3)
    esc = pw.replace("&", "&amp;").replace("<", "&lt;")
    f.put(f"<datasource>\n  <user-name>erp</user-name>\n  <password>{esc}</password>\n</datasource>", esc)

    g = f.kind("rot13_obfuscated")
    tok = g.an(40)
    rot = tok.translate(str.maketrans(_UP + _LO, _UP[13:] + _UP[:13] + _LO[13:] + _LO[:13]))
    f.put(f'import codecs\nAPI_KEY = codecs.decode("{rot}", "rot13")  # so scanners don\'t find it', rot)

    g = f.kind("box_table_unicode")
    tok = g.an(40)
    f.put(
        f"┌─────────┬{'─' * 42}┐\n│ env     │ token{' ' * 36}│\n├─────────┼{'─' * 42}┤\n"
        f"│ prod    │ {tok} │\n└─────────┴{'─' * 42}┘",
        tok,
    )

    g = f.kind("minified_bundle")
    key = g.an(32)
    f.put(
        f'!function(){{"use strict";var e={{apiBase:"https://api.example.com",analyticsId:"G-{g.uan(10)}",'
        f'adminKey:"{key}",debug:!1}};window.__CFG__=e}}();',
        key,
    )

    g = f.kind("yaml_string_json_array")
    pw = g.pw(14)
    f.put(f'env: \'[{{"name":"DB_USER","value":"app"}},{{"name":"DB_PASS","value":"{pw}"}}]\'', pw)

    g = f.kind("nested_redirect_param")
    tok = g.b64u(40)
    inner = "https://app.example.com/cb?token=" + tok
    outer = urllib.parse.quote(inner, safe="")
    enc_tok = urllib.parse.quote(tok, safe="")
    f.put(f"https://login.example.com/authorize?client_id=web&redirect={outer}", enc_tok)

    g = f.kind("ansi_colored")
    tok = _HF + g.an(34)
    f.put(f"\x1b[1mYour token:\x1b[0m \x1b[32m{tok}\x1b[0m\n\x1b[2mCopy it now, it won't be shown again.\x1b[0m", tok)

    g = f.kind("curl_to_python_converter")
    tok = g.b64u(56)
    f.put(
        "headers = {\n    'accept': 'application/json',\n"
        f"    'authorization': 'Bearer {tok}',\n    'user-agent': 'Mozilla/5.0',\n}}\n\n"
        "response = requests.get('https://api.example.com/v1/invoices', headers=headers)",
        tok,
    )

    g = f.kind("csv_doubled_quote")
    pw = g.an(5) + '"' + g.an(5) + "," + g.dig(2)
    cell = '"' + pw.replace('"', '""') + '"'
    f.put(f"name,login,password\nFTP,webuser,{cell}\n", pw.replace('"', '""'))

    g = f.kind("yaml_folded_block")
    tok = g.b64(120)
    f.put(f"license_key: >-\n  {tok[:60]}\n  {tok[60:]}\nproduct: pro", tok[:60], tok[60:])

    g = f.kind("cookie_header_mixed")
    sess = g.jwt({"sub": "u_4711", "sid": g.hex(16)})
    f.put(f"Cookie: _ga=GA1.1.{g.dig(9)}.{g.dig(10)}; theme=dark; __Secure-session={sess}; lang=pt-BR", sess)

    g = f.kind("subprocess_args_repr")
    pw = g.pw(12)
    f.put(f"DEBUG running: ['mysqldump', '-uroot', '-p{pw}', '--single-transaction', 'shop']", pw)

    g = f.kind("sql_doubled_apostrophe")
    pw = "O'" + g.an(6) + g.dig(3)
    esc = pw.replace("'", "''")
    f.put(f"ALTER USER 'reporter'@'%' IDENTIFIED BY '{esc}';", esc)

    g = f.kind("spaced_digits_spoken")
    code = g.dig(6)
    spaced = " ".join(code)
    f.put(f"the recovery PIN they read me on the phone: {spaced} — can you put it in the runbook draft", spaced)

    g = f.kind("data_uri_json")
    cfg = json.dumps({"endpoint": "https://api.example.com", "apiKey": g.an(32)})
    b = base64.b64encode(cfg.encode()).decode()
    f.put(f'<script src="data:application/json;base64,{b}" id="cfg"></script>', b)

    g = f.kind("build_arg_cli")
    tok = _NPM + g.an(36)
    f.put(f"$ docker build --build-arg NPM_TOKEN={tok} -t web:latest .", tok)

    g = f.kind("commented_out_line")
    pw = g.pw(14)
    f.put(f"# DB_PASSWORD={pw}   (old, do not use)\nDB_PASSWORD=${{DB_PASSWORD:?set me}}", pw)

    g = f.kind("base64url_json_blob")
    blob = _b64u_raw(json.dumps({"client": "pos-7", "secret": g.an(32)}).encode())
    f.put(f"PAIRING_CODE={blob}", blob)

    g = f.kind("powershell_backtick_escape")
    pw = "Ab$" + g.an(6) + "$" + g.dig(3)
    esc = pw.replace("$", "`$")
    f.put(f'$pw = "{esc}"\nnet user svc_backup $pw /add', esc)

    g = f.kind("cmdkey_add")
    pw = g.pw(14)
    f.put(f"C:\\> cmdkey /add:fileserver01 /user:CORP\\scan /pass:{pw}\nCMDKEY: Credential added successfully.", pw)

    g = f.kind("kubectl_from_literal")
    pw = g.pw(18)
    f.put(
        f"kubectl create secret generic pg --from-literal=username=app --from-literal=password='{pw}' --dry-run=client -o yaml",
        pw,
    )

    g = f.kind("quoted_printable_softbreak")
    pw = g.an(24)
    a, z = pw[:12], pw[12:]
    f.put(
        "Content-Transfer-Encoding: quoted-printable\n\nIhre Zugangsdaten:=0ABenutzer: shop=0APasswort=3D "
        f"{a}=\n{z}=0A",
        a,
        z,
    )

    g = f.kind("split_across_messages")
    tok = _openai_key(g)
    a, z = tok[:90], tok[90:]
    f.put(f"user: first half: {a}\nuser: (message too long) second half: {z}", a, z)

    g = f.kind("env_in_json_array")
    tok = g.b64u(40)
    f.put(
        _fill(
            '"containerDefinitions": [{"name": "api", "environment": [{"name": "LOG_LEVEL", "value": "info"}, '
            '{"name": "PARTNER_TOKEN", "value": "@T@"}]}]',
            T=tok,
        ),
        tok,
    )

    return f


def _data() -> _Family:
    """Data science and machine learning: notebooks, model APIs, data platforms."""
    f = _Family("data")

    g = f.kind("ipynb_cell_source")
    key = _openai_key(g)
    cell = {
        "cell_type": "code",
        "execution_count": 3,
        "metadata": {},
        "outputs": [],
        "source": ["import openai\n", f'openai.api_key = "{key}"\n', "resp = openai.chat.completions.create(...)"],
    }
    f.put(json.dumps(cell, indent=1), key)

    g = f.kind("colab_environ")
    tok = _HF + g.an(34)
    f.put(
        f'import os\nos.environ["HF_TOKEN"] = "{tok}"\nfrom huggingface_hub import login\nlogin(os.environ["HF_TOKEN"])',
        tok,
    )

    g = f.kind("kaggle_json")
    key = g.hex(32)
    f.put(f'$ cat ~/.kaggle/kaggle.json\n{{"username":"priya_ds","key":"{key}"}}', key)

    g = f.kind("wandb_login")
    key = g.hex(40)
    f.put(f"!wandb login {key}\nwandb: Appending key for api.wandb.ai to your netrc file: /root/.netrc", key)

    g = f.kind("databricks_token")
    tok = "dapi" + g.hex(32)
    f.put(f"%env DATABRICKS_HOST=https://adb-{g.dig(16)}.7.azuredatabricks.net\n%env DATABRICKS_TOKEN={tok}", tok)

    g = f.kind("snowflake_connect")
    pw = g.pw(16)
    f.put(
        "conn = snowflake.connector.connect(\n    user='ETL_USER',\n"
        f"    password='{pw}',\n    account='xy12345.eu-central-1',\n    warehouse='COMPUTE_WH',\n)",
        pw,
    )

    g = f.kind("dbt_profiles_redshift")
    pw = g.pw(18)
    f.put(
        "analytics:\n  target: prod\n  outputs:\n    prod:\n      type: redshift\n      host: rs.example.eu-west-1.redshift.amazonaws.com\n"
        f'      user: dbt\n      password: "{pw}"\n      port: 5439\n      dbname: analytics',
        pw,
    )

    g = f.kind("airflow_conn_uri")
    pw = g.an(20)
    f.put(f"export AIRFLOW_CONN_WAREHOUSE='postgres://airflow:{pw}@warehouse.internal:5432/dwh'", pw)

    g = f.kind("pinecone_key")
    key = "pcsk" + "_" + g.an(5) + "_" + g.an(64)
    f.put(f'pc = Pinecone(api_key="{key}")\nindex = pc.Index("papers")', key)

    g = f.kind("replicate_token")
    tok = "r8" + "_" + g.an(37)
    f.put(f"REPLICATE_API_TOKEN={tok} python -m flux_batch --prompts prompts.txt", tok)

    g = f.kind("cohere_client")
    key = g.an(40)
    f.put(f'co = cohere.ClientV2("{key}")\nres = co.rerank(model="rerank-v3.5", query=q, documents=docs)', key)

    g = f.kind("mistral_env")
    key = g.an(32)
    f.put(f"MISTRAL_API_KEY={key}\nMODEL=mistral-large-latest", key)

    g = f.kind("print_environ_output")
    key = _anthropic_key(g)
    f.put(
        "In [4]: dict(os.environ)\nOut[4]:\n{'HOME': '/home/jovyan',\n 'ANTHROPIC_API_KEY': "
        f"'{key}',\n 'JUPYTER_PORT': '8888',\n 'SHELL': '/bin/bash'}}",
        key,
    )

    g = f.kind("langsmith_key")
    key = "lsv2" + "_pt_" + g.hex(32) + "_" + g.hex(10)
    f.put(f"LANGSMITH_TRACING=true\nLANGSMITH_API_KEY={key}\nLANGSMITH_PROJECT=rag-eval", key)

    g = f.kind("openai_admin_key")
    key = "sk-" + "admin-" + g.b64u(156)
    f.put(
        f'# usage export needs an admin key\ncurl https://api.openai.com/v1/organization/usage/completions -H "Authorization: Bearer {key}"',
        key,
    )

    g = f.kind("together_key")
    key = g.hex(64)
    f.put(f'client = Together(api_key="{key}")', key)

    g = f.kind("perplexity_key")
    key = "pp" + "lx-" + g.an(48)
    f.put(f"PERPLEXITY_API_KEY={key}", key)

    g = f.kind("xai_key")
    key = "xa" + "i-" + g.an(80)
    f.put(f'client = OpenAI(base_url="https://api.x.ai/v1", api_key="{key}")', key)

    g = f.kind("deepseek_key")
    key = "sk-" + g.hex(32)
    f.put(f'client = OpenAI(api_key="{key}", base_url="https://api.deepseek.com")', key)

    g = f.kind("gemini_configure")
    key = _AIZA + g.b64u(35)
    f.put(
        f'import google.generativeai as genai\ngenai.configure(api_key="{key}")\nmodel = genai.GenerativeModel("gemini-1.5-pro")',
        key,
    )

    g = f.kind("r_sys_setenv")
    key = _openai_key(g)
    f.put(f'Sys.setenv(OPENAI_API_KEY = "{key}")\nlibrary(ellmer)\nchat <- chat_openai()', key)

    g = f.kind("streamlit_secrets_toml")
    pw = g.pw(16)
    f.put(
        f'# .streamlit/secrets.toml\n[connections.snowflake]\naccount = "xy12345"\nuser = "DASH"\npassword = "{pw}"\nrole = "REPORTING"',
        pw,
    )

    g = f.kind("label_studio_token")
    tok = g.hex(40)
    f.put(f"curl -X GET http://localhost:8080/api/projects -H 'Authorization: Token {tok}'", tok)

    g = f.kind("roboflow_key")
    key = g.an(20)
    f.put(f'rf = Roboflow(api_key="{key}")\nproject = rf.workspace("lab").project("weeds")', key)

    g = f.kind("clearml_conf")
    sec = g.an(50)
    f.put(f'api {{\n  credentials {{\n    "access_key" = "{g.uan(30)}"\n    "secret_key" = "{sec}"\n  }}\n}}', sec)

    g = f.kind("azure_openai_key")
    key = g.hex(32)
    f.put(
        f"AZURE_OPENAI_ENDPOINT=https://lab-oai.openai.azure.com/\nAZURE_OPENAI_API_KEY={key}\nAZURE_OPENAI_API_VERSION=2024-10-21",
        key,
    )

    g = f.kind("hf_use_auth_token")
    tok = _HF + g.an(34)
    f.put(f'ds = load_dataset("org/private-corpus", split="train", token="{tok}")', tok)

    g = f.kind("elastic_apikey_header")
    ident = g.b64u(20)
    key = g.b64u(22)
    b = base64.b64encode(f"{ident}:{key}".encode()).decode()
    f.put(f"es = Elasticsearch(cloud_id=CLOUD_ID, api_key='{b}')", b)

    g = f.kind("neo4j_driver_auth")
    pw = g.pw(14)
    f.put(f'driver = GraphDatabase.driver("bolt://localhost:7687", auth=("neo4j", "{pw}"))', pw)

    g = f.kind("ipython_sql_magic")
    pw = g.pw(12)
    f.put(f"%load_ext sql\n%sql postgresql://student:{pw}@db.course.example.edu/lab3", pw)

    g = f.kind("notebook_output_stream")
    tok = _GHP + g.an(36)
    out = {"name": "stdout", "output_type": "stream", "text": [f"Using token {tok}\n", "Cloning into 'data'...\n"]}
    f.put(json.dumps(out), tok)

    g = f.kind("comet_ml_key")
    key = g.an(25)
    f.put(f'experiment = Experiment(api_key="{key}", project_name="thesis-cnn", workspace="mara")', key)

    return f


def _benign() -> tuple[str, ...]:
    """Texts that resemble secrets but hold none: hashes, ids, public keys, placeholders, masked
    values, references to secrets kept elsewhere, and the words for passwords in many languages."""
    g = _Gen("benign")
    pk_pub = "PUBLIC" + " KEY"
    aws_doc_id = _AKIA + "IOSFODNN7" + "EXAMPLE"
    aws_doc_secret = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCY" + "EXAMPLEKEY"
    jwt_head = _b64u_raw(b'{"alg":"HS256","typ":"JWT"}')
    return (
        f"commit {g.hex(40)}\nAuthor: Ana Souza <ana@example.com>\nDate:   Thu Nov 27 10:02:11 2026 +0100\n\n    fix: retry on 502",
        f"$ sha256sum dist/app-1.4.2.tar.gz\n{g.hex(64)}  dist/app-1.4.2.tar.gz",
        f"FROM python:3.12-slim@sha256:{g.hex(64)}",
        f'"integrity": "sha512-{g.b64(86)}=="',
        f"X-Request-Id: {g.uuid()}",
        f"NAME                   READY   STATUS    RESTARTS   AGE\nweb-7d9f8c6b5-{g.lan(5)}   1/1     Running   0          3h",
        "arn:aws:iam::123456789012:role/github-actions-deploy",
        f"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{g.b64(43)} lena@thinkpad",
        "OPENAI_API_KEY=your-api-key-here",
        "API_KEY=<YOUR_API_KEY>",
        "      GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}",
        "    password: ${DB_PASSWORD}",
        "STRIPE_SECRET_KEY=" + _SK_LIVE + "x" * 24,
        "Token: " + _GHP + "*" * 36,
        "| STRIPE_KEY | " + _SK_LIVE + "•••••••• | ✅ set |",
        "pk" + "_live_" + "51" + g.an(97) + "  # publishable key, safe in the browser",
        f"Send the refund to bc1q{g.bech(38)} please",
        f"Contract deployed at 0x{g.hex(40)}",
        f"Transaction hash: 0x{g.hex(64)}",
        "Das Passwort muss mindestens 12 Zeichen lang sein und eine Ziffer enthalten.",
        "passwd: password updated successfully",
        "Enter passphrase for key '/home/lena/.ssh/id_ed25519':",
        "Forgot your password? Reset it at https://shop.example/account/recover",
        "token expired at 2026-11-27T10:00:00Z; refreshing via refresh_token grant",
        'curl -H "Authorization: Bearer $TOKEN" https://api.example.com/v1/me',
        'curl -H "Authorization: Bearer ${API_KEY}" https://api.example.com/v1/me',
        "def rotate_secret_key(secret_key: str, *, grace_seconds: int = 3600) -> str:",
        'api_key = os.environ["STRIPE_SECRET_KEY"]',
        'password = getpass.getpass("Password: ")',
        f"github.com/spf13/cobra v1.8.1 h1:{g.b64(43)}=",
        f'checksum = "{g.hex(64)}"',
        f"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAA{g.b64(60)}",
        "--primary: #1f2937; --accent: #f59e0b; --danger: #dc2626;",
        "Ethernet adapter: 3c:22:fb:9a:41:0e  inet6 fe80::3e22:fbff:fe9a:410e",
        "Tracking number 1Z999AA10123456784 — delivered Friday",
        "Order #SO-2026-11-00481 has been shipped",
        f"version v2.14.0-rc.1+build.{g.hex(7)}",
        f"asset main.{g.hex(10)}.js 212 KiB [emitted] [immutable] [minimized]",
        f'The header `{{"alg":"HS256","typ":"JWT"}}` base64url-encodes to {jwt_head}, which is why every JWT starts the same.',
        f"AWS documentation example keys: {aws_doc_id} / {aws_doc_secret}",
        f"https://app.example.com/projects/{g.uuid()}/settings",
        "gtag('config', 'G-8KX2QW4ZPL');",
        f"client_id={g.dig(12)}-{g.lan(32)}.apps.googleusercontent.com",
        "Posted to channel C04RZ6Q1P by user U02AB3CD4EF",
        f"GitHub classic tokens start with {_GHP} and are 40 characters long; fine-grained ones start with {_GH_FINE}.",
        "I removed the hard-coded API key from config.py; it is now read from the environment.",
        "Passwords are now hashed with argon2id before they are stored.",
        "IMG_20261127_101532.jpg  IMG_20261127_101533.jpg",
        "aws ec2 describe-instances --instance-ids i-0abcd1234ef567890 --filters Name=group-id,Values=sg-0a1b2c3d",
        f"Subscription: {g.uuid()} (Pay-As-You-Go)",
        "data:\n  LOG_LEVEL: debug\n  FEATURE_FLAGS: checkout_v2,search_v3",
        "Connected to FRITZ!Box 7590 XY (5 GHz, channel 36)",
        "The PIN must be 4 to 8 digits.",
        "correct horse battery staple is the famous xkcd example of a passphrase",
        "The BIP-39 list starts with abandon, ability, able, about, above, absent, absorb, abstract.",
        f"xpub661MyMwAqRbcF{g.b58(94)}",
        "-----BEGIN PGP "
        + pk_pub
        + " BLOCK-----\n\nmQINBGVk"
        + g.b64(56)
        + "\n"
        + g.b64(64)
        + "\n-----END PGP "
        + pk_pub
        + " BLOCK-----",
        "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE"
        + g.b64(44)
        + "\n"
        + g.b64(64)
        + "\n-----END CERTIFICATE-----",
        f"ED25519 key fingerprint is SHA256:{g.b64(43)}.",
        f"pub   rsa4096 2024-01-09 [SC]\n      {g.uhex(40)}\nuid           [ultimate] Ops Team <ops@example.org>",
        "HMAC-SHA256 test vector: key = 'key', message = 'The quick brown fox jumps over the lazy dog'",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        f"CONTAINER ID   IMAGE         STATUS\n{g.hex(12)}   nginx:1.27    Up 3 hours",
        f"<sync.Client object at 0x7f{g.hex(10)}>",
        "Secret Santa draw for the team is on Friday!",
        "Token usage: 15,342 input tokens, 1,204 output tokens",
        "The key insight is that the cache key must include the locale.",
        '{"login.password": "Passwort", "login.forgot": "Passwort vergessen?", "login.token": "Zugangstoken"}',
        "SELECT id, email FROM users WHERE password_hash IS NULL;",
        "API_KEY=\nSECRET=\nDB_PASSWORD=",
        "Use `openssl rand -hex 32` to generate a secret and put it in .env.",
        "secret = secrets.token_urlsafe(32)",
        f"version https://git-lfs.github.com/spec/v1\noid sha256:{g.hex(64)}\nsize 1048576",
        f"Content-Security-Policy: script-src 'self' 'nonce-{g.b64(22)}=='",
        f'ETag: W/"{g.hex(4)}-{g.b64(27)}"',
        f"code_challenge={g.b64u(43)}&code_challenge_method=S256",
        f"payment_intent pi_3Q{g.an(22)} succeeded for customer cus_{g.an(14)}",
        f"Twilio account {'AC' + g.hex(32)} — console shows 3 numbers",
        "mapboxgl.accessToken = 'pk.ey" + f"J1IjoiZXhhbXBsZSIsImEiOiJjbGF{g.b64u(14)}.{g.b64u(22)}';  // public token",
        f'<div class="g-recaptcha" data-sitekey="6L{g.b64u(38)}"></div>',
        f"/nix/store/{g._next('0123456789abcdfghijklmnpqrsvwxyz', 32)}-python3-3.12.7",
        f"ipfs://bafybei{g._next('abcdefghijklmnopqrstuvwxyz234567', 52)}",
        f"magnet:?xt=urn:btih:{g.hex(40)}&dn=ubuntu-24.04.1-desktop-amd64.iso",
        f"Solana address: {g.b58(44)}",
        "密码错误，请重试。",
        "Неверный пароль. Попробуйте ещё раз.",
        "La contraseña debe tener al menos 8 caracteres.",
        "Mot de passe oublié ?",
        "パスワードを忘れた場合はこちら",
        "비밀번호가 일치하지 않습니다.",
        "كلمة المرور غير صحيحة",
        "User reports the 'Reset password' email never arrives (ticket #4490).",
        "=VLOOKUP(A2;Zugaenge!A:C;3;FALSCH)",
        "Your verification code has expired. Request a new one.",
        f"sentry-trace: {g.hex(32)}-{g.hex(16)}-1",
        f"traceparent: 00-{g.hex(32)}-{g.hex(16)}-01",
        "Please enter the 6-digit code from your authenticator app.",
        "kubectl create secret generic pg --from-env-file=.env.prod  # values come from the vault",
        "export AWS_PROFILE=prod && aws sts get-caller-identity",
        f"Build {g.dig(5)} finished in 4m12s (cache hit ratio 0.87)",
        "ISBN 978-3-16-148410-0",
        f"Invoice RE-2026-{g.dig(5)} über 1.249,00 € ist fällig am 15.12.2026",
        "The WiFi password is on the sticker under the router.",
        "Ask Jo for the staging password; it's in 1Password under 'Staging DB'.",
        "Passwort: ********",
        "password: [FILTERED]",
        "Authorization: Bearer <redacted>",
        f"session_id={g.uuid()} expired; user logged out",
        f"Job {g.uuid()} queued on runner ubuntu-24.04",
        "hunter2 is the classic joke password from bash.org",
        "Use test card 4242 4242 4242 4242 with any future date and any CVC.",
        f"sha1: {g.hex(40)}\nmd5:  {g.hex(32)}",
        f"Lockfile updated: resolved https://registry.yarnpkg.com/react/-/react-18.3.1.tgz#{g.hex(40)}",
        "TODO: move the secret to AWS Secrets Manager instead of hard-coding it",
        "export GITHUB_TOKEN=$(gh auth token)",
        'token = os.getenv("TELEGRAM_BOT_TOKEN") or sys.exit("set TELEGRAM_BOT_TOKEN")',
        "Die PIN für die Karte kommt separat per Post.",
        "the seed for the random number generator is 42",
        "Private-Lines: 0 — this file only has the public half",
        f"public key: age1{g.bech(58)}",
        f"PublicKey = {g.b64(42)}Q=",
        f"npub1{g.bech(58)}",
        "ssh-keygen -t ed25519 -C 'lena@thinkpad' -f ~/.ssh/id_ed25519",
        "chmod 600 ~/.ssh/id_ed25519 && ssh-add ~/.ssh/id_ed25519",
        f"Docker image digest: sha256:{g.hex(64)}",
        "Reset code sent to +49 *** *** **21",
        "Key ID: 7F2A9C1B (expires 2027-01-01)",
        "An SSO session token is valid for 8 hours.",
        "The app password option only shows up once 2-Step Verification is on.",
        "sk-...Q9xT (revoked)",
        "Wachtwoord vergeten? Klik hier.",
        "Hasło musi zawierać co najmniej jedną cyfrę.",
        "Şifreniz başarıyla değiştirildi.",
    )


FAMILIES7: dict[str, tuple[Planted, ...]] = {
    family.name: tuple(family.items)
    for family in (
        _chat(),
        _agent(),
        _shell(),
        _config(),
        _code(),
        _logs(),
        _urls(),
        _ci(),
        _hobby(),
        _business(),
        _keys(),
        _hidden(),
        _data(),
    )
}
FRESH7: tuple[Planted, ...] = tuple(planted for family in FAMILIES7.values() for planted in family)
BENIGN_FRESH7: tuple[str, ...] = _benign()
