"""Issue 25's and issue 39's kinds of secrets, one by one in every scope (tests/secret_samples.py's
PLANTED lines and their file forms), issue 39's held-out variants (tests/secret_samples_heldout.py),
their look-alikes (ordinary commands and English near the rules: secret_samples.BENIGN_COMMANDS
among LOOK_ALIKES), keys written in pieces (split strings, list items), the vendored gitleaks rules
(the JSON is the conversion of the TOML; every rule compiles and has anchors), seed phrases, WIF
keys and idempotence."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from lessonloop.secrets import unanchored
from lessonloop.secrets.bip39_words import WORDS as BIP39_WORDS
from lessonloop.secrets.field_redaction import redact_fields
from lessonloop.secrets.gitleaks_rules import VENDORED_RULES, shannon
from lessonloop.secrets.redaction import SCOPES, Scope, redact, redact_value
from lessonloop.secrets.seed_phrases import valid_checksum
from lessonloop.secrets.wallet_keys import is_wif
from tests.secret_samples import LOOK_ALIKES, PEM_LINE_2, PEM_LINE_3, PKCS8_LINE, PLANTED, mnemonic, wif
from tests.secret_samples_heldout import HELD_OUT

REPO = Path(__file__).resolve().parent.parent.parent
NEW = [p for p in PLANTED if PLANTED.index(p) >= 33]  # the kinds added for issue 25


def test_issue_25_plants_every_kind_it_names() -> None:
    kinds = {p.kind for p in NEW}
    assert {
        "discord-bot-token", "discord-webhook", "telegram-bot-token", "twilio-api-key", "netrc", "curl-cookie",
        "cookie-header", "set-cookie", "kubeconfig", "docker-config", "npmrc", "postgres-url-slash",
        "pem-split-code", "pem-json-lines", "putty-key", "ssh-keygen", "password-in-prose", "gcp-private-key-id",
        "htpasswd", "line-after-redacted",
    } <= kinds  # fmt: skip
    assert len(PLANTED) >= 60


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("planted", NEW, ids=[p.kind for p in NEW])
def test_each_new_kind_is_redacted_in_every_scope(planted: object, scope: Scope) -> None:
    for text in {planted.line, planted.in_file}:  # type: ignore[attr-defined]
        cleaned, count = redact(text, scope)
        assert count >= 1 and "[REDACTED:" in cleaned, cleaned
        assert [s for s in planted.secrets if s in cleaned] == [], cleaned  # type: ignore[attr-defined]
        assert redact(cleaned, scope) == (cleaned, 0)  # idempotent


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_planted_look_alikes_are_kept(text: str, scope: Scope) -> None:
    assert redact(text, scope) == (text, 0)


def test_kinds_are_named_after_the_secret() -> None:
    named = {
        "client.run('MTA5ODc2NTQzMjEwOTg3NjU0Mw.GhQ3xk.Zq8Lm2Vx7Rt4Kp9W_dZq8Lm2Vx7Rt4Kp9W_dZqX')": "discord-bot-token",
        "machine h login u password Netrc5ecretPw9": "netrc-password",
        "Set-Cookie: sid=Ck3SetC00kieVal9Z; Path=/": "cookie",
        "admin:$apr1$Xq7Lm2Vr$Qm8Rt2Lx7Vn4Ks9PzW3yHQ": "password-hash",
        "postgres://app:Pg/Sl4sh9Pw@db.internal:5432/app": "url-password",
    }
    for text, kind in named.items():
        assert f"[REDACTED:{kind}]" in redact(text)[0], text


def test_a_cookie_keeps_its_name_and_attributes() -> None:
    assert redact("Set-Cookie: sid=Ck3SetC00kieVal9Z; Path=/; HttpOnly")[0] == (
        "Set-Cookie: sid=[REDACTED:cookie]; Path=/; HttpOnly"
    )
    assert redact("Cookie: theme=dark; session=Ck9sEss10nV4lue7Q")[0] == "Cookie: theme=dark; session=[REDACTED:cookie]"


def test_a_url_with_a_port_and_a_path_before_an_at_sign_is_kept() -> None:
    for text in ("https://host.example:8080/users/@alice", "see https://example.com:443/path@v2 for it"):
        assert redact(text) == (text, 0)


def test_a_key_split_across_list_items_is_removed_item_by_item() -> None:
    items = ["-----BEGIN PRIVATE KEY-----", PKCS8_LINE, PEM_LINE_3, "-----END PRIVATE KEY-----", "after the key"]
    cleaned, count = redact_value({"key": items}, "output")
    assert cleaned["key"][:4] == ["[REDACTED:private-key]"] * 4 and cleaned["key"][4] == "after the key"
    assert count == 4
    fields, _ = redact_fields({"lines": items})
    assert not any(line in str(fields) for line in (PKCS8_LINE, PEM_LINE_3))


def test_a_key_body_without_its_begin_line_is_removed_to_its_last_line() -> None:
    text = f'k = "MIIEpAIBAAKCAQEA{PEM_LINE_2}" +\n    "{PEM_LINE_3}"\nprint(k)'
    cleaned, count = redact(text, "code")
    assert cleaned == 'k = "[REDACTED:private-key]"\nprint(k)' and count == 1


def test_a_certificate_body_is_not_a_private_key() -> None:
    cert = "MIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ"
    assert redact(cert, "output") == (cert, 0)


def test_the_vendored_rules_json_is_the_conversion_of_the_toml() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gitleaks_rules.py"), "--check"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_every_vendored_rule_compiles_and_has_anchors() -> None:
    assert len(VENDORED_RULES) >= 200
    for rule in VENDORED_RULES:
        assert rule.anchors, rule.kind
        rule.pattern.compiled  # noqa: B018  (compiles)
        for pattern in (*rule.allow_secret, *rule.allow_match, *rule.allow_line):
            pattern.compiled  # noqa: B018


def test_vendored_rules_check_entropy_and_allowlists() -> None:
    assert shannon("aaaa") == 0.0 and shannon("ab") == 1.0
    low = "SK" + "0" * 32  # twilio's shape without its entropy
    assert redact(f"key {low} here") == (f"key {low} here", 0)
    # AWS's documented example keys (gitleaks allows .+EXAMPLE$): look-alikes, kept (issue 82)
    for example in ("AKIAIOSFODNN7EXAMPLE", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"):
        assert redact(example) == (example, 0)
    assert "[REDACTED:aws-access-key-id]" in redact("AKIAZ3MXQ7P2LWEXAMPL")[0]  # not the example: redacted


@pytest.mark.parametrize(
    "text",
    [
        "TASK0a9b8c7d6e5f0a9b8c7d6e5f0a9b8c7d done",  # Twilio's SK inside a word
        "oauth2_token: Optional[str] = None\\n    refresh_token: Optional[str] = None\\n",  # escaped code
        "localhost:5432:*:postgres:postgres",  # a .pgpass line with the well-known default
        "if token is other_token2:",
    ],
)
def test_vendored_and_new_rules_keep_these_look_alikes(text: str) -> None:
    for scope in SCOPES:
        assert redact(text, scope) == (text, 0), scope


def test_a_url_password_before_a_templated_host_is_redacted() -> None:
    text = 'f"https://foo:aabbcc@{Bitbucket.DEFAULT_DOMAIN}/custom/example.git"'
    assert (
        redact(text, "code")[0]
        == 'f"https://foo:[REDACTED:url-password]@{Bitbucket.DEFAULT_DOMAIN}/custom/example.git"'
    )


# --- issue 39 (B9): the kinds of the finding, their families, the held-out variants ----------------

ISSUE_39 = [p for p in PLANTED if PLANTED.index(p) >= len(PLANTED) - 31]


def test_issue_39_plants_every_kind_it_names() -> None:
    assert {p.kind for p in ISSUE_39} == {
        "nmcli-password", "wpa-psk", "chpasswd", "sudo-stdin", "zip-password", "7z-password", "plink-password",
        "snmp-community", "mosquitto-password", "ipmitool-password", "httpie-auth", "poetry-http-basic",
        "sqlplus-connect", "cifs-password", "sshpass-env", "passwd-env", "url-passwd-query", "bip39-seed-12",
        "bip39-seed-24", "bitcoin-wif", "okta-ssws", "snyk", "cohere", "vault-header", "honeycomb-header",
        "s3-presigned-url", "conda-token", "ghost-admin-key", "wordpress-salt", "pagerduty-token",
        "client-secret-json-env",
    }  # fmt: skip


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("planted", HELD_OUT, ids=[p.kind for p in HELD_OUT])
def test_each_held_out_kind_is_redacted_in_every_scope(planted: object, scope: Scope) -> None:
    """tests/secret_samples_heldout.py: variants the rules were not written from."""
    for text in {planted.line, planted.in_file}:  # type: ignore[attr-defined]
        cleaned, _ = redact(text, scope)
        assert [s for s in planted.secrets if s in cleaned] == [], cleaned  # type: ignore[attr-defined]
        assert redact(cleaned, scope) == (cleaned, 0)


def test_the_bip39_word_list_is_the_standard_one() -> None:
    """The digest bitcoin/bips publishes for bip-0039/english.txt (its words, one a line)."""
    assert len(BIP39_WORDS) == 2048 and len(set(BIP39_WORDS)) == 2048
    digest = hashlib.sha256(("\n".join(BIP39_WORDS) + "\n").encode()).hexdigest()
    assert digest == "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda"


def test_the_seed_checksum_is_bip39s() -> None:
    assert valid_checksum(["abandon"] * 11 + ["about"])  # the BIP's first test vector (all-zero entropy)
    assert not valid_checksum(["abandon"] * 12)
    assert valid_checksum(["zoo"] * 11 + ["wrong"])  # all-ones entropy
    for words in (12, 15, 18, 21, 24):
        assert valid_checksum(mnemonic(f"vector {words}", words).split())


@pytest.mark.parametrize("words", [12, 15, 18, 21, 24])
@pytest.mark.parametrize("scope", SCOPES)
def test_seed_phrases_of_every_length_are_redacted(words: int, scope: Scope) -> None:
    phrase = mnemonic(f"any seed {words}", words)
    for text in (phrase, f"seed: {phrase}\n", f'{{"mnemonic": "{phrase}"}}', f"MNEMONIC='{phrase}' node x.js"):
        cleaned, count = redact(text, scope)
        assert phrase not in cleaned and "[REDACTED:bip39-seed-phrase]" in cleaned and count >= 1, cleaned


def test_a_phrase_without_checksum_is_redacted_unless_its_words_are_common_english() -> None:
    # Twelve list words of a wallet's kind (no valid checksum, none common in English): a phrase.
    phrase = "pepper quantum glance oyster velvet tornado mango lizard orbit canyon raven walnut"
    assert not valid_checksum(phrase.split())
    assert redact(f"words: {phrase}")[0] == "words: [REDACTED:bip39-seed-phrase]"
    # English sentences made only of list words (`the`, `a`, `to`, `of` are not in the list): kept.
    for sentence in (
        "make sure you have enough space before you start this task now",
        "you can move the file into the other folder when the build is done",
        "please check that all the tests pass before you open a review",
        "they will keep the same name for this project until the next major version",
        "we need to update the model so that it can learn from every error and report",
        "always keep your own copy of the output when you change the code or the test",
    ):
        for scope in SCOPES:
            assert redact(sentence, scope) == (sentence, 0), sentence


@pytest.mark.usefixtures("rules_only")
def test_a_seed_phrase_is_made_of_whole_words() -> None:
    phrase = mnemonic("glued", 12)
    for text in (f"Xx{phrase}", f"{phrase}9"):  # a word glued on
        assert redact(text) == (text, 0), text
    assert redact(f"'{phrase}'")[0] == "'[REDACTED:bip39-seed-phrase]'"
    # spread over two spaces, lines, numbers or commas, its checksum tells it from prose
    for text in (phrase.replace(" ", "  "), phrase.replace(" ", "\n"), phrase.replace(" ", ", ")):
        assert redact(text)[0] == "[REDACTED:bip39-seed-phrase]", text
    numbered = " ".join(f"{n}. {word}" for n, word in enumerate(phrase.split(), 1))
    assert redact(f"the wallet's words: {numbered}")[0] == "the wallet's words: 1. [REDACTED:bip39-seed-phrase]"
    words = phrase.split()
    broken = "\n".join([*words[:-1], next(w for w in ("zoo", "abandon", "ability") if w != words[-1])])
    assert redact(broken) == (broken, 0)  # a list of the list's words without a checksum: prose


@pytest.mark.usefixtures("rules_only")  # (a random 51-character word after importprivkey is likely-secret)
@pytest.mark.parametrize("scope", SCOPES)
def test_wif_keys_are_redacted_when_their_checksum_holds(scope: Scope) -> None:
    for key in (wif("k1", compressed=False), wif("k2"), wif("k3", testnet=True), wif("k4", False, True)):
        assert is_wif(key)
        cleaned, _ = redact(f"importprivkey {key} label", scope)
        assert cleaned == "importprivkey [REDACTED:bitcoin-wif-key] label", cleaned
        broken = key[:-1] + ("2" if key[-1] != "2" else "3")  # one character off: the checksum fails
        assert not is_wif(broken) and redact(f"importprivkey {broken} label", scope)[1] == 0


def test_ghost_admin_keys_lose_their_secret() -> None:
    key_id, secret = "6a1f9c3e8b2d6a1f9c3e8b2d", "e4b7a29c0d5f1836" * 4
    assert redact(f"key: '{key_id}:{secret}'", "code")[0] == f"key: '{key_id}:[REDACTED:ghost-admin-key]'"
    longer = f"{key_id}ff:{secret}"  # not a Ghost key's shape
    assert redact(longer, "code") == (longer, 0)


@pytest.mark.parametrize("scope", SCOPES)
def test_passwords_piped_to_programs(scope: Scope) -> None:
    cases = {
        "echo 'Sud0Pa55word' | sudo -S apt-get update": "Sud0Pa55word",
        "printf 'root:Chp4ssH3ld9\\n' | chpasswd": "Chp4ssH3ld9",
        "echo -e 'SmbNew9x\\nSmbNew9x' | smbpasswd -a -s bob": "SmbNew9x",
        'cd /srv && echo -n "Kinit9pw" | sudo -u bob kinit bob@EXAMPLE': "Kinit9pw",
        "sudo -S systemctl restart app <<< 'HereStr1ng9'": "HereStr1ng9",
        "chpasswd <<EOF\nbob:HereDoc9pw\nann:HereDoc8pw\nEOF\necho done": "HereDoc9pw",
    }
    for text, secret in cases.items():
        cleaned, _ = redact(text, scope)
        assert secret not in cleaned and "[REDACTED:piped-password]" in cleaned, cleaned
    assert "HereDoc8pw" not in redact("chpasswd <<EOF\nbob:HereDoc9pw\nann:HereDoc8pw\nEOF", scope)[0]
    for kept in ('echo "$PASSWORD" | sudo -S true', "echo $PW | passwd --stdin bob", "echo hi | sudo tee x"):
        assert redact(kept, scope) == (kept, 0)


@pytest.mark.usefixtures("rules_only")
@pytest.mark.parametrize("scope", SCOPES)
def test_authorization_headers_of_every_scheme(scope: Scope) -> None:
    okta, token = "00" + "Qm8Rt2Lx7Vn4Ks9PzW3y" * 2, "y_NbAkKc66ryYTWUXYEu"
    signature = "3e8b1d6f9a2c7e04" * 4
    cases = {
        f"Authorization: SSWS {okta}": okta,
        f"-H 'Authorization: Token token={token}'": token,
        f'Authorization: Token token="{token}", email="a@b.c"': token,
        f"Authorization: AWS4-HMAC-SHA256 Credential=x/y, SignedHeaders=host, Signature={signature}": signature,
        f"Authorization: Splunk {okta}": okta,
        f'"Authorization": "GenieKey {okta}"': okta,
    }
    for text, secret in cases.items():
        cleaned, _ = redact(text, scope)
        assert secret not in cleaned and "[REDACTED:" in cleaned, cleaned
    for kept in ("Authorization: Bearer $TOKEN", '"AWS::Config::AggregationAuthorization": "af318b77aaceeeaa"'):
        assert redact(kept, scope) == (kept, 0)


def test_a_password_after_a_bare_word() -> None:
    redacted = {
        'nmcli dev wifi connect Home password "Wif1Pa55!"': "Wif1Pa55!",
        "nmcli con modify Office wifi-sec.psk Off1cePsk9": "Off1cePsk9",
        "ALTER ROLE app WITH PASSWORD 'R0lePa55'": "R0lePa55",
        "rclone config create f ftp host h user bob pass Rc9pass": "Rc9pass",
        "CREATE USER bob IDENTIFIED BY 'Sq1Pass!';": "Sq1Pass!",
    }
    for text, secret in redacted.items():
        for scope in SCOPES:
            assert secret not in redact(text, scope)[0], (scope, text)
    kept = [
        "grep -rn password src/", "pass show mail/work", 'git commit -m "rotate password v2 abc123"',
        "pass `session_cwd` to the renderer", "the password field must not be empty", "Load a library identified by 'name'",
    ]  # fmt: skip
    for text in kept:
        for scope in SCOPES:
            assert redact(text, scope) == (text, 0), (scope, text)


def test_short_passwords_under_password_keys_and_option_lists() -> None:
    for text, secret in {
        "DB_PASSWD=Dz9!k ./migrate.sh": "Dz9!k",
        "curl 'https://r.local/login?user=admin&passwd=Rt7qz'": "Rt7qz",
        "mount -t cifs //nas/s /mnt -o username=bob,password=cifsSecret,uid=1000": "cifsSecret",
        "SSHPASS=SshP4ss9 sshpass -e ssh host": "SshP4ss9",
    }.items():
        for scope in SCOPES:
            assert secret not in redact(text, scope)[0], (scope, text)
    for text in ("connect(host=h, password=pw)", "--token-validity-units AccessToken=minutes,IdToken=days", "BYPASS=1"):
        assert redact(text, "output") == (text, 0)


@pytest.mark.usefixtures("rules_only")
def test_salts_are_secrets_in_configuration_not_in_code() -> None:
    salt = "Q?8+Lm@2;Vx|7Rt4 Kp#9W&z3yTf6-Hc1Jd5Ga0]Bq7Ne!Zs2Uw8Xo4Pi6Ly%Mr"
    assert salt not in redact(f"define( 'NONCE_SALT', '{salt}' );", "code")[0]
    assert "Dr8uPa1Sa7LtQm3Xw" not in redact("$settings['hash_salt'] = 'Dr8uPa1Sa7LtQm3Xw';", "code")[0]
    for kept in ('salt = b"itsdangerous.Signer"', '"salt": b"joserfc:OKP:HKDF:Ed25519",', "define('WP_DEBUG', false);"):
        assert redact(kept, "code") == (kept, 0)


def test_the_unanchored_search_is_the_same_with_re_and_re2() -> None:
    """Short texts are searched with Python's re until prepare_bulk, long ones and all texts
    after it with re2, below its Python wrapper (secrets/unanchored.py): the same spans and the
    same groups' spans each way."""
    samples = [p.line for p in (*PLANTED, *HELD_OUT)] + list(LOOK_ALIKES)
    texts = ["\n".join(samples[i : i + 7]) for i in range(0, len(samples), 7)]
    saved = unanchored._BULK[0], list(unanchored._BULK_FINDER)
    try:
        unanchored._BULK[0] = False
        unanchored._BULK_FINDER.clear()
        by_re = [unanchored.unanchored_spans(t, t.encode("ascii", "replace")) for t in texts]
        unanchored.prepare_bulk()
        by_re2 = [unanchored.unanchored_spans(t, t.encode("ascii", "replace")) for t in texts]
    finally:
        unanchored._BULK[0] = saved[0]
        unanchored._BULK_FINDER[:] = saved[1]
    assert by_re == by_re2 and sum(map(len, by_re)) >= 10
    finders = [unanchored._finder(False), unanchored._re2_finder(), unanchored._re2_finder(below_wrapper=False)]
    for text in texts:
        data = text.encode("ascii", "replace")
        found = [finder(data, 0) for finder in finders]
        spans = [None if f is None else [tuple(span) for span in f] for f in found]
        assert spans[0] == spans[1] == spans[2], text


def test_fields_under_issue_39s_keys_are_redacted_on_the_way_out() -> None:
    """`--json`, exports and MCP (secrets/field_redaction.py): a value under a psk or *PASS key."""
    cleaned, count = redact_fields({"psk": "WpaPsk5ecret9", "SSHPASS": "Ssh9pass", "bypass": "true-ish9"})
    assert cleaned == {"psk": "[REDACTED:assigned-secret]", "SSHPASS": "[REDACTED:env-secret]", "bypass": "true-ish9"}
    assert count == 2


@pytest.mark.parametrize("scope", SCOPES)
def test_any_x_key_or_token_header_holds_a_secret(scope: Scope) -> None:
    for header in ("X-Functions-Key", "x-insert-key", "X-Partner-Key", "X-Vault-Token", "X-Consul-Token"):
        text = f'curl -H "{header}: s.Fk29dkLq0Zx7Vn4Ks9Pw" https://api.example.com'
        assert "Fk29dkLq0Zx7Vn4Ks9Pw" not in redact(text, scope)[0], (header, scope)
    for kept in ("X-Request-Key: none", "x_sort_key = lambda r: r.ts", "X-Atlassian-Token: no-check"):
        assert redact(kept, scope) == (kept, 0)


def test_a_token_prefix_inside_encrypted_content_is_not_named_a_github_token() -> None:
    """Encrypted content that happens to hold `ghp_` is no GitHub token; being random, it may go as
    a random token (issue 60's rule for random text standing alone)."""
    cleaned, _ = redact("blob -5ghp_DtgiFrcnBNuezjR9mNezYbyd4MdzGTQMs0Zh end", "output")
    assert "github" not in cleaned and cleaned.startswith("blob ") and cleaned.endswith(" end")
