"""Corrections typed in other languages than English (analyze/correction_languages.py, issue 41
item 3): each language's common ways of saying "no", "wrong", "use Y instead", "you forgot", "undo
that", "still failing", "stop"; the everyday sentences that share their words are not corrections;
and on the prompts of the shared corpora (English) no phrase of another language matches."""

from __future__ import annotations

import pytest

from lessonloop.analyze.correction_languages import OTHER_LANGUAGES
from lessonloop.analyze.corrections import _head, _match, is_correction
from tests.corpus_prompts import corpus_prompts

CORRECTIONS = [
    # French
    ("non, utilise pnpm", "negation"),
    ("Alors, non, il faut utiliser pnpm", "negation"),
    ("C'est pas ça, relis le fichier", "wrong"),
    ("ce n'est pas ce que j'ai demandé", "wrong"),
    ("tu as oublié de lancer les tests", "you-forgot"),
    ("n'utilise pas npm", "dont-use-x-use-y"),
    ("utilise plutôt pnpm", "instead"),
    ("au lieu de npm, utilise pnpm", "instead"),
    ("annule ça", "revert"),
    ("ça ne marche toujours pas", "still-failing"),
    ("arrête, ça suffit", "stop"),
    ("je t'ai dit d'utiliser pnpm", "i-said"),
    ("tu as tout cassé", "that-broke"),
    # German
    ("nein, nimm pnpm", "negation"),
    ("Das ist falsch, nimm pnpm", "wrong"),
    ("Du hast die Tests vergessen", "you-forgot"),
    ("benutze kein npm", "dont-use-x-use-y"),
    ("nimm stattdessen pnpm", "instead"),
    ("mach das rückgängig", "revert"),
    ("funktioniert immer noch nicht", "still-failing"),
    ("hör auf damit", "stop"),
    ("ich habe dir doch gesagt, pnpm", "i-said"),
    # Spanish
    ("no, usa pnpm", "negation"),
    ("eso está mal", "wrong"),
    ("olvidaste los tests", "you-forgot"),
    ("no uses npm", "dont-use-x-use-y"),
    ("usa pnpm en lugar de npm", "instead"),
    ("deshaz el último cambio", "revert"),
    ("sigue fallando", "still-failing"),
    ("te dije que usaras pnpm", "i-said"),
    # Portuguese
    ("não, use pnpm", "negation"),
    ("isso está errado", "wrong"),
    ("você esqueceu o teste", "you-forgot"),
    ("use pnpm em vez de npm", "instead"),
    ("desfaça isso", "revert"),
    ("continua dando erro", "still-failing"),
    # Italian
    ("è sbagliato", "wrong"),
    ("hai dimenticato i test", "you-forgot"),
    ("non usare npm, usa pnpm", "dont-use-x-use-y"),
    ("annulla la modifica", "revert"),
    ("non funziona", "didnt-work"),
    # Dutch
    ("nee, gebruik pnpm", "negation"),
    ("dat is fout", "wrong"),
    # Russian
    ("нет, используй pnpm", "negation"),
    ("это неправильно", "wrong"),
    ("ты забыл тесты", "you-forgot"),
    ("не используй npm", "dont-use-x-use-y"),
    ("откати изменения", "revert"),
    ("всё ещё не работает", "still-failing"),
    # Chinese
    ("不对，应该用 pnpm", "negation"),
    ("你搞错了", "wrong"),
    ("你忘了跑测试", "you-forgot"),
    ("不要用 npm", "dont-use-x-use-y"),
    ("撤销刚才的修改", "revert"),
    ("还是报错", "still-failing"),
    ("我说过用 pnpm", "i-said"),
    # Japanese
    ("違う、pnpmを使って", "wrong"),
    ("npmは使わないで", "dont-use-x-use-y"),
    ("元に戻して", "revert"),
    ("まだ動かない", "still-failing"),
    ("やめて", "stop"),
    # English, with the filler opening it
    ("actually, use pnpm", "instead"),
]

NOT_CORRECTIONS = [
    "non-blocking IO please",
    "ajoute un test pour le parseur",
    "es geht nicht um die Tests, sondern um den Build",
    "kannst du die Datei lesen?",
    "para qué sirve esto?",
    "¿puedes revisar el archivo?",
    "adicione um teste para o parser",
    "aggiungi un test",
    "добавь тест для парсера",
    "我们应该用什么库？",
    "请帮我加一个测试",
    "サーバーを止めて",
    "違うファイルも確認して",
    "also add a test",
]


@pytest.mark.parametrize(("text", "pattern"), CORRECTIONS)
def test_a_correction_in_another_language_is_read(text: str, pattern: str) -> None:
    found = is_correction(text)
    assert found is not None and found[0] == pattern, (text, found)


@pytest.mark.parametrize("text", NOT_CORRECTIONS)
def test_an_everyday_sentence_is_not_a_correction(text: str) -> None:
    assert is_correction(text) is None


@pytest.mark.slow
def test_no_phrase_of_another_language_matches_the_corpora_prompts(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Precision on real prompts: the shared corpora's (English) prompts match none of them."""
    prompts = corpus_prompts(tmp_path_factory)
    assert len(prompts) > 1000
    matched = [
        (phrase.id, sentence[:120])
        for text in prompts
        for sentence in _head(text)
        for phrase in OTHER_LANGUAGES
        if _match(phrase, sentence)
    ]
    assert matched == []
