"""Instructions typed in other languages than English (analyze/instruction_languages.py, issue 41
item 3): a correction's words that say how to work ("nimm pnpm", "n'utilise pas npm", "不要用 npm",
"always" in each language) make a lesson, as English ones do; a task, a question or a report does
not; and on the prompts of the shared corpora (English) no other language's rule finds an
instruction the English rules do not."""

from __future__ import annotations

import pytest

from lessonloop.analyze.instruction_languages import is_instruction_other
from lessonloop.analyze.instructions import instruction, is_instruction, sentences
from lessonloop.learning.engine.correction_lessons import draft_correction
from tests.corpus_prompts import corpus_prompts

INSTRUCTIONS = [
    "nein, nimm pnpm",
    "nimm stattdessen pnpm",
    "benutze kein npm",
    "immer zuerst die Tests laufen lassen",
    "non, utilise pnpm",
    "n'utilise pas npm",
    "toujours lancer les tests avant de committer",
    "no uses npm",
    "usa pnpm en lugar de npm",
    "siempre ejecuta los tests",
    "não, use pnpm",
    "nunca faça push na main",
    "non usare npm, usa pnpm",
    "nee, gebruik pnpm",
    "gebruik geen npm",
    "нет, используй pnpm",
    "не используй npm",
    "всегда запускай тесты",
    "不对，应该用 pnpm",
    "不要用 npm",
    "务必先跑测试",
    "npmは使わないで",
    "違う、pnpmを使って",
    "必ずテストを実行して",
]

NOT_INSTRUCTIONS = [
    "nimm die Datei und lösche die alte Funktion",
    "füge einen Test hinzu",
    "warum nimmst du npm?",
    "ajoute un test pour le parseur",
    "pourquoi npm ?",
    "ça ne marche toujours pas",
    "añade un test",
    "aggiungi un test",
    "добавь тест для парсера",
    "请帮我加一个测试",
    "还是报错",
    "修正してください",
    "まだ動かない",
]


@pytest.mark.parametrize("text", INSTRUCTIONS)
def test_an_instruction_in_another_language_is_read(text: str) -> None:
    assert instruction(text) is not None, text


@pytest.mark.parametrize("text", NOT_INSTRUCTIONS)
def test_a_task_a_question_or_a_report_is_no_instruction(text: str) -> None:
    assert instruction(text) is None, text


def test_a_chinese_or_japanese_text_is_cut_at_its_own_full_stops() -> None:
    assert sentences("还是报错。不要用 npm。") == ["还是报错。", "不要用 npm。"]
    assert instruction("还是报错。不要用 npm。") == "不要用 npm。"


def test_a_typed_correction_in_german_makes_a_lesson_with_its_words() -> None:
    draft = draft_correction("typed", "nein, nimm pnpm", [])
    assert draft is not None and "pnpm" in (draft.prevention or draft.title)


@pytest.mark.slow
def test_no_rule_of_another_language_finds_an_instruction_in_the_corpora_prompts(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Precision on real prompts: on the shared corpora's (English) prompts, the other languages'
    rules find no instruction in a sentence the English rules do not already read as one."""
    prompts = corpus_prompts(tmp_path_factory)
    assert len(prompts) > 1000
    found = [
        sentence[:120]
        for text in prompts
        for sentence in sentences(text)
        if is_instruction_other(sentence.lower()) and not is_instruction(sentence, other_languages=False)
    ]
    assert found == []
