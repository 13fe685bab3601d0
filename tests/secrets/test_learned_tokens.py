"""The redactor's learned last pass (secrets/learned_tokens.py, issue 60): which words it reads,
what it takes for a secret in context, what it leaves alone, and what it adds to the rules on the
look-alike sets."""

from __future__ import annotations

import importlib
import importlib.util
import re
import subprocess
import sys

import pytest

from lessonloop.secrets import learned_tokens, learned_weights, redaction
from lessonloop.secrets.learned_tokens import candidates, coarse, features, learned_spans
from lessonloop.secrets.redaction import SCOPES, Scope, redact


def _words(text: str) -> list[str]:
    return [text[start:end] for start, end, _key in candidates(text)]


def test_the_candidates_are_words_that_may_be_secrets() -> None:
    text = (
        "run deploy with Plum7Raven2 then ask kVbQwErTyUiOp for marble-anchor-cobalt-tide; "
        "the code is QVT7 O4ZZ 6K2Q MD7Y and the version 1.2.3 ran on python3"
    )
    found = _words(text)
    assert "Plum7Raven2" in found  # letters with digits
    assert "kVbQwErTyUiOp" in found  # a random mix of cases
    assert "marble-anchor-cobalt-tide" in found  # dashed words
    assert "QVT7 O4ZZ 6K2Q MD7Y" in found  # a code in groups
    for word in ("deploy", "1.2.3", "version", "then"):
        assert word not in found  # a plain word, a number
    assert "python3" in found and learned_spans(text) != [] and "python3" in redact(text, "prose")[0]


def test_a_name_value_pair_gives_its_value_with_its_name() -> None:
    text = "DB_PASS=Zq81kLm0QaZ2x --api-key=Xy9Wq2Lm4Vb6 RtKEP3.V=onlgNxp"
    found = {text[start:end]: key for start, end, key in candidates(text)}
    assert found["Zq81kLm0QaZ2x"] == "DB_PASS"
    assert found["Xy9Wq2Lm4Vb6"] == "api-key"  # a flag's dashes are no part of its name
    # a name that is no identifier: the whole word too (a password with `=` in it)
    assert "RtKEP3.V=onlgNxp" in found and found["RtKEP3.V=onlgNxp"] == ""


def test_public_forms_are_never_candidates() -> None:
    certificate = "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIUR4cEvBlIjUM6iAcoifyWtn9z\n-----END CERTIFICATE-----"
    signature = "-----BEGIN PGP SIGNATURE-----\niQEzBAEBCAAdFiEEx7Zq9Lm2Vb6Nt0Rk3Wd\n-----END PGP SIGNATURE-----"
    for text in (
        certificate,
        signature,
        '"integrity": "sha512-7XGXE0jG1O1KpZ5SVfHBXZ0RJ5c8Q2d4Iyd8uXhoBbXlDqoFpwsuLqZpNlTfQr=="',
        "image@sha256:9f2c7a4e1b8d3f609f2c7a4e1b8d3f60",
        "Stripe('pk_live_Om9lOBlgz6PYGdumeZBvy6g1')",
        "echo aGVsbG8gd29ybGQgYW5kIG1vcmU= | bas",  # base64 of plain text
        "padding AAAAAAAAAAAAAAAA1 end",
        "パスワードは1Passwordの共有保管庫にあります",  # a sentence without spaces
    ):
        assert _words(text) == [], text


def test_features_read_the_word_and_what_stands_around_it() -> None:
    text = "| site | user | pwd |\n|---|---|---|\n| ftp02 | loader | Bicicleta273 |"
    start = text.index("Bicicleta273")
    names = features(text, start, start + len("Bicicleta273"), "")
    assert "wordnum" in names and "year" not in names  # its shape: a word and digits
    assert "H:pwd" in names  # the header above it
    assert "hum|H:pwd" in names  # and the header again, for a person's kind of password
    assert "line:|" in names
    assert coarse("4aa478ae136d87339e8f97ad60a3c671") == "hex"
    assert coarse("QVT7 O4ZZ 6K2Q MD7Y") == "grp"
    assert coarse("Xk2Lm9Qw3Zp8") == "rnd"


@pytest.mark.parametrize(
    "text",
    [
        "ok the wifi at the cabin is Kuckuck2291 btw",
        "| host | user | key |\n|---|---|---|\n| db1 | ops | f3a9c2e17b4d8a6059e1c3b7 |",
        "jenkins: deployer / Wq7tZ2mx.Lp",
        "logged into the router with admin and Zitrone_2024 finally",
    ],
)
def test_secrets_no_rule_names_are_found_by_their_context(text: str) -> None:
    redaction.LEARNED = False
    try:
        by_rules = redact(text, "prose")[0]
    finally:
        redaction.LEARNED = True
    cleaned, _count = redact(text, "prose")
    assert "[REDACTED:likely-secret]" in cleaned, (by_rules, cleaned)
    assert cleaned.count("[REDACTED:") > by_rules.count("[REDACTED:")


@pytest.mark.parametrize(
    "text",
    [
        "commit 9f2c7a4e1b8d3f609f2c7a4e1b8d3f609f2c7a4e merged into main",
        "pip install requests==2.31.0 urllib3>=2.0.7 certifi",
        "See src/lessonloop/secrets/learned_tokens.py:120 and tests/secrets/test_redaction.py::test_x",
        "useEffect(() => setIsOpen(false), [isOpen]);",
        "ts=2026-11-28T02:40:11Z level=info msg=ready request_id=req_20261128",
        "The build took 12.4s on ubuntu-22.04 with node18 and python3.11",
    ],
)
def test_ordinary_words_with_digits_are_kept(text: str) -> None:
    assert learned_spans(text) == [], text


def test_a_variable_given_to_a_name_in_code_is_kept() -> None:
    code = "token = abc123def\nsecret = compute()\n"
    assert learned_spans(code, "code") == []
    assert redact(code, "code") == (code, 0)


@pytest.mark.parametrize("scope", SCOPES)
def test_the_learned_pass_is_idempotent(scope: Scope) -> None:
    """A word it redacts changes its neighbours' context; it runs until nothing more is found, so a
    second redaction of its output changes nothing."""
    samples = importlib.import_module("tests.secret_samples_fresh9")
    for planted in samples.FRESH9[::7]:
        cleaned, _count = redact(planted.line, scope)
        assert redact(cleaned, scope) == (cleaned, 0), planted.kind


def test_the_weights_are_features_the_pass_makes() -> None:
    """Every weight names a feature of a kind learned_tokens.features writes (a retrained model
    whose features changed in name would silently weigh nothing)."""
    kinds = re.compile(
        r"(?:(?:hex|hum|rnd|grp)\|)?(?:len\d+|cls:\w*|n[dus]\d+|sy:.+|s1:.|ent\d|tr\d+|sh:.+|pre:.*|suf:.*"
        r"|alpha\d+|hex\d+|hexb\d|uuid|version|date|ip|email|snake|camel|pascal|const|dotted|wordnum|dashwords"
        r"|year|dated|slash|bslash|fileext|template|grouped|charrun"
        r"|L[nf4]:.+|R4?:.+|P4?:.+|H4?:.+|Kp:.+|K4:.+|nokey|[ba]:.*|line:.|linestart|lineend)",
        re.S,
    )
    every = [*learned_weights.SHAPE_WEIGHTS, *learned_tokens.context_weights()]
    unknown = [name for name in every if not kinds.fullmatch(name)]
    assert unknown == []
    assert 0.5 <= learned_weights.THRESHOLD < 1 and learned_weights.SHAPE_CUT < 0


def test_the_weights_are_kept_by_the_function_that_writes_their_feature() -> None:
    """The shape weights (loaded for every candidate) hold every name shape_features writes, the
    context weights (loaded past the shape cut) every name context_features writes: scoring with
    the two is scoring with one table."""
    assert not any(learned_tokens.context_feature(n) for n in learned_weights.SHAPE_WEIGHTS)
    assert all(learned_tokens.context_feature(n) for n in learned_tokens.context_weights())
    text = (
        "export API_TOKEN=sk_live_4eC39HqLyjWDarjtT1zdp7dc\n| name | key |\n|---|---|\n| prod | Zx9kQ2mL7pR4 |\n"
        "  - password: Hunter2Hunter2 # the old one\nsha256:9f86d081884c7d659a2feaa0c55ad015 v1.2.3 2026-11-28\n"
    )
    for start, end, key in learned_tokens.candidates(text):
        word = text[start:end]
        assert not any(learned_tokens.context_feature(n) for n in learned_tokens.shape_features(word)), word
        context = learned_tokens.context_features(text, start, end, key, learned_tokens.coarse(word))
        assert all(learned_tokens.context_feature(n) for n in context), word


def test_the_rules_alone_when_the_pass_is_off() -> None:
    text = "ok the wifi at the cabin is Kuckuck2291 btw"
    redaction.LEARNED = False
    try:
        assert "likely-secret" not in redact(text, "prose")[0]
    finally:
        redaction.LEARNED = True
    assert "likely-secret" in redact(text, "prose")[0]


def _all_look_alikes() -> list[str]:
    texts: dict[str, None] = {}
    for name in ["secret_samples"] + [f"secret_samples_fresh{n}" for n in ("", *range(2, 16))]:
        module = importlib.import_module(f"tests.{name}")
        for attribute in dir(module):
            value = getattr(module, attribute)
            if ("BENIGN" in attribute or "LOOK_ALIKE" in attribute) and isinstance(value, tuple):
                texts.update(dict.fromkeys(item for item in value if isinstance(item, str)))
    return list(texts)


def test_what_the_pass_adds_to_the_rules_on_every_look_alike() -> None:
    """Of the 1,900 look-alikes of every set (texts that look like secrets and hold none), the
    learned pass changes few that the rules keep (docs/privacy.md, "The learned pass")."""
    looks = _all_look_alikes()
    assert len(looks) >= 1800
    added = []
    for text in looks:
        redaction.LEARNED = False
        try:
            by_rules = redact(text, "output")[0]
        finally:
            redaction.LEARNED = True
        if redact(text, "output")[0] != by_rules:
            added.append(text)
    assert len(added) <= 12, added


def test_the_model_is_loaded_by_the_first_text_with_a_candidate() -> None:
    """A hook redacts a few short texts: one without a candidate word costs the pass one scan, not
    the weights' import."""
    script = (
        "import sys; from lessonloop.secrets.redaction import redact; "
        "redact('plain words only, nothing else to see here', 'prose'); "
        "print('lessonloop.secrets.learned_weights' in sys.modules); "
        "redact('ok the wifi at the cabin is Kuckuck2291 btw', 'prose'); "
        "print('lessonloop.secrets.learned_weights' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["False", "True"]


def test_what_lessonloop_shows_is_redacted_by_the_rules_alone() -> None:
    """On the way in the learned pass reads every text; what leaves the store (printed, --json,
    MCP, web, exports, hook answers, team pushes) is redacted again by the rules, so that the pass
    never takes lessonloop's own ids for secrets (a team item's `bde3e0393ba2076fcfbb`)."""
    from lessonloop.secrets.field_redaction import redact_fields
    from lessonloop.secrets.redaction import redact_shown, shown

    told = "ok the wifi at the cabin is Kuckuck2291 btw"
    assert "likely-secret" in redact(told, "prose")[0]
    assert redact_shown(told, "prose") == (told, 0)
    with shown():
        assert redact(told, "prose") == (told, 0)
    assert "likely-secret" in redact(told, "prose")[0]  # (only while inside)
    assert redact_fields({"title": told}) == ({"title": told}, 0)
    assert "likely-secret" in redact_fields({"title": told}, incoming=True)[0]["title"]
    # the rules still apply on the way out
    key = "ghp_" + "Zx8Qw2Lm4Vb6Nt0Rk3Zx8Qw2Lm4Vb6Nt0Rk3"
    assert key not in redact_shown(f"token {key}")[0]


def test_the_context_weights_file_is_what_the_training_script_writes() -> None:
    """secrets/learned_weights_context.bin (package data) reads back to what
    scripts/train_secret_model.py writes from it: the script and the reader keep one format."""
    from pathlib import Path

    script_path = Path(__file__).resolve().parent.parent.parent / "scripts" / "train_secret_model.py"
    spec = importlib.util.spec_from_file_location("train_secret_model", script_path)
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    weights = learned_tokens.context_weights()
    assert len(weights) > 10_000
    with open(learned_tokens.CONTEXT_FILE, "rb") as file:
        assert script.weights_file(list(weights.items())) == file.read()


def test_the_context_weights_are_read_by_the_first_candidate_whose_shape_passes() -> None:
    script = (
        "from lessonloop.secrets import learned_tokens; from lessonloop.secrets.redaction import redact; "
        "redact('plain words only, nothing else to see here', 'prose'); "
        "print(learned_tokens._context_weights is None); "
        "redact('ok the wifi at the cabin is Kuckuck2291 btw', 'prose'); "
        "print(learned_tokens._context_weights is None)"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["True", "False"]
