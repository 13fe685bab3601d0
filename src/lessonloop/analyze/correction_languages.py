"""Correction phrases in other languages than English (analyze/corrections.py reads them beside its
own): French, German, Spanish, Portuguese, Italian, Dutch, Russian, Chinese and Japanese, with the
pattern ids and confidences of the English table ("negation", "wrong", "you-forgot",
"dont-use-x-use-y", "instead", "revert", "still-failing", "stop", "i-said", "that-broke").

Written for precision, as the English ones: a word that is also an everyday word ("para" is "for"
in Spanish, "non" opens French compounds, "違う" is also "different" in Japanese) counts only where
it stands alone, opening a sentence before punctuation. The text is the prompt's head as
corrections.py reads it: lower-cased, quotes straightened. Chinese and Japanese have no spaces
and no word boundaries: their patterns name the characters themselves.
"""

from __future__ import annotations

from lessonloop.analyze.correction_phrase import CLAUSE as _CLAUSE
from lessonloop.analyze.correction_phrase import Phrase, anywhere, opens

# Punctuation or the end of the sentence: corrections.py's, with the full-width marks of Chinese
# and Japanese (kept apart: the English phrases are as they were).
_END = r"(?:\s*[,.!:;\u2014\u2013\u3001\u3002\uff0c\uff01\uff1f\uff1b\uff1a]|\s+-+\s|\s*$)"
_CJK_CLAUSE = r"[^\u3002\uff01\uff1f\n]{1,30}?"

# Words that may come before a correction and say nothing themselves ("alors, non ...").
OTHER_LANGUAGE_FILLERS = (
    r"alors|bon|euh|mais|en fait|bref|also|na ja|naja|ähm|äh|aber|eigentlich|pues|bueno|mira|pero|"
    r"então|entao|bom|allora|beh|però|nou|eh|ну|嗯|啊|哦|えっと|あの"
)

_FRENCH: tuple[Phrase, ...] = (
    opens(
        "negation",
        r"non(?:" + _END + r"|\s+(?:c'est|ce n'est|pas|ça|ca|il faut|utilise|utilisez|prends|mets|attends|arrête)\b)",
        0.9,
    ),
    anywhere(
        "wrong",
        r"\b(?:c'est|ce n'est|ça|ca)\s+(?:pas\s+(?:ça|ca|bon|correct|juste|ce que)|faux|incorrect|mauvais)\b",
        0.9,
    ),
    anywhere("wrong", r"\bpas ce que (?:j'ai|je) (?:demandé|voulais|veux|voulu)\b", 0.9),
    anywhere("wrong", r"\b(?:tu t'es|vous vous êtes) trompée?s?\b|\b(?:tu as|vous avez) mal compris\b", 0.9),
    anywhere("you-forgot", r"\b(?:tu as|t'as|vous avez)\s+(?:encore\s+)?(?:oublié|raté|sauté|ignoré|zappé)\b", 0.85),
    anywhere("dont-use-x-use-y", r"\bn'utilise(?:z)? (?:pas|jamais)\b", 0.8),
    anywhere("instead", r"\butilise(?:z)?\s+" + _CLAUSE + r"\s+(?:plutôt|à la place)\b|\butilise(?:z)? plutôt\b", 0.8),
    anywhere("instead", r"\bau lieu de\s+" + _CLAUSE + r",?\s+(?:utilise|utilisez|fais|faites|prends|lance)\b", 0.8),
    opens("revert", r"(?:annule|annulez|reviens en arrière|revenez en arrière|remets|restaure|défais)\b", 0.85),
    anywhere("still-failing", r"\b(?:ça|ca|il|elle|cela)\s+ne\s+(?:marche|fonctionne)\s+(?:toujours\s+)?pas\b", 0.8),
    anywhere("still-failing", r"\btoujours\s+(?:la même erreur|le même problème|en échec|cassé|planté)\b", 0.85),
    opens("stop", r"(?:arrête|arrêtez)(?:" + _END + r"|\s+(?:de|ça|ca|tout|ici)\b)", 0.85),
    anywhere("i-said", r"\b(?:je (?:t'ai|vous ai) (?:dit|demandé)|comme je (?:l'ai )?(?:dit|demandé))\b", 0.75),
    anywhere("that-broke", r"\b(?:tu as|t'as|vous avez|ça a|ca a|cela a)\s+(?:tout\s+)?cassé\b", 0.9),
)

_GERMAN: tuple[Phrase, ...] = (
    opens(
        "negation",
        r"(?:nein|nee)(?:" + _END + r"|\s+(?:das|nicht|so|du|bitte|nimm|benutze|verwende|warte|stopp)\b)",
        0.9,
    ),
    anywhere(
        "wrong",
        r"\b(?:das|es)\s+(?:ist|war)\s+(?:(?:leider|völlig|komplett|immer noch|so)\s+)?"
        r"(?:falsch|nicht richtig|nicht korrekt)\b",
        0.9,
    ),
    opens("wrong", r"(?:falsch|so nicht)" + _END, 0.9),
    anywhere("wrong", r"\bnicht (?:das|was) ich (?:wollte|meinte|gesagt|gefragt)", 0.9),
    anywhere(
        "you-forgot", r"\b(?:du hast|sie haben)\s+(?:\w+\s+){0,3}?(?:vergessen|übersehen|ignoriert|ausgelassen)\b", 0.85
    ),
    anywhere("dont-use-x-use-y", r"\b(?:benutze|verwende|nimm|nutze)\s+(?:kein|keine|keinen|nicht)\b", 0.8),
    anywhere("instead", r"\b(?:benutze|verwende|nimm|nutze)\b[^.?!;\n]{0,80}?\bstattdessen\b", 0.8),
    anywhere("instead", r"\bstatt\s+" + _CLAUSE + r",?\s+(?:benutze|verwende|nimm|nutze)\b", 0.8),
    anywhere(
        "revert", r"\b(?:mach(?:e)? (?:das|es|alles) rückgängig|rückgängig machen|setz(?:e)? (?:das|es) zurück)\b", 0.85
    ),
    anywhere(  # (not "es geht nicht um ...": "geht" only with "immer noch")
        "still-failing",
        r"\b(?:funktioniert|klappt|läuft)\s+(?:(?:immer noch|noch immer|weiterhin|trotzdem)\s+)?nicht\b"
        r"|\bgeht\s+(?:immer noch|noch immer)\s+nicht\b",
        0.8,
    ),
    anywhere("still-failing", r"\bimmer noch\s+(?:der gleiche fehler|derselbe fehler|kaputt|fehler|rot)\b", 0.85),
    opens("stop", r"(?:stopp|hör auf|hören sie auf)(?:" + _END + r"|\s+(?:damit|das|bitte)\b)", 0.85),
    anywhere("i-said", r"\bich (?:habe|hab) (?:dir |ihnen )?(?:doch |schon )?(?:gesagt|geschrieben)\b", 0.75),
    anywhere("i-said", r"\bwie ich (?:schon |bereits )?(?:gesagt|geschrieben) habe\b", 0.75),
    anywhere("that-broke", r"\b(?:du hast|das hat|sie haben)\s+(?:\w+\s+){0,2}?kaputt gemacht\b", 0.9),
)

_SPANISH: tuple[Phrase, ...] = (  # "no, ..." is the English table's negation too
    anywhere("wrong", r"\b(?:eso|esto)\s+(?:está|esta)\s+mal\b|\b(?:está|esta) mal\b", 0.9),
    anywhere("wrong", r"\bno es (?:eso|lo que (?:pedí|quería|dije))\b|\bes (?:incorrecto|erróneo)\b", 0.9),
    anywhere("you-forgot", r"\b(?:te )?olvidaste\b|\bse te olvidó\b", 0.85),
    anywhere("dont-use-x-use-y", r"\bno uses\b", 0.8),
    anywhere("instead", r"\b(?:usa|utiliza)\s+" + _CLAUSE + r"\s+en (?:lugar|vez) de\b", 0.8),
    anywhere("instead", r"\ben (?:lugar|vez) de\s+" + _CLAUSE + r",?\s+(?:usa|utiliza|haz|ejecuta)\b", 0.8),
    opens("revert", r"(?:deshaz|revierte|vuelve atrás|restaura)\b", 0.85),
    anywhere("still-failing", r"\bsigue (?:fallando|sin funcionar|dando (?:el mismo )?error)\b", 0.85),
    anywhere("still-failing", r"\b(?:todavía|aún) no funciona\b", 0.85),
    opens("didnt-work", r"no funciona\b", 0.8),
    opens("stop", r"(?:para|detente|basta)" + _END, 0.85),
    anywhere("i-said", r"\bte (?:dije|he dicho)\b", 0.75),
)

_PORTUGUESE: tuple[Phrase, ...] = (
    opens("negation", r"não(?:" + _END + r"|\s+(?:é|era|isso|use|usa|faça|faz)\b)", 0.9),
    anywhere("wrong", r"\b(?:isso|isto)\s+(?:está\s+)?errado\b|\bestá errado\b", 0.9),
    anywhere("wrong", r"\bnão é (?:isso|o que eu (?:pedi|queria|disse))\b", 0.9),
    anywhere("you-forgot", r"\b(?:você )?esqueceu\b", 0.85),
    anywhere("dont-use-x-use-y", r"\bnão (?:use|usa)\b", 0.8),
    anywhere("instead", r"\b(?:use|usa)\s+" + _CLAUSE + r"\s+em vez de\b", 0.8),
    anywhere("instead", r"\bem vez de\s+" + _CLAUSE + r",?\s+(?:use|usa|faça|rode)\b", 0.8),
    opens("revert", r"(?:desfaça|desfaz|reverta|volte atrás)\b", 0.85),
    anywhere("still-failing", r"\bcontinua (?:falhando|dando erro|sem funcionar)\b|\bainda não funciona\b", 0.85),
    opens("stop", r"(?:pare|para)" + _END, 0.85),
)

_ITALIAN: tuple[Phrase, ...] = (
    anywhere("wrong", r"\b(?:è|e')\s+sbagliato\b|\bnon è (?:quello che|giusto|corretto)\b", 0.9),
    anywhere("you-forgot", r"\bhai dimenticato\b|\bti sei dimenticato\b", 0.85),
    anywhere("dont-use-x-use-y", r"\bnon usare\b", 0.8),
    anywhere("instead", r"\busa\s+" + _CLAUSE + r"\s+invece\b|\binvece di\s+" + _CLAUSE + r",?\s+usa\b", 0.8),
    opens("revert", r"(?:annulla|ripristina|torna indietro)\b", 0.85),
    anywhere("still-failing", r"\b(?:ancora|continua a) (?:non funziona|fallire|dare errore)\b", 0.85),
    opens("didnt-work", r"non funziona\b", 0.8),
    opens("stop", r"(?:fermati|basta)" + _END, 0.85),
)

_DUTCH: tuple[Phrase, ...] = (
    opens("negation", r"nee" + _END, 0.9),
    anywhere("wrong", r"\bdat is (?:fout|niet goed|niet juist)\b", 0.9),
    anywhere("instead", r"\bgebruik\s+" + _CLAUSE + r"\s+in plaats van\b", 0.8),
    anywhere("still-failing", r"\bwerkt (?:nog steeds )?niet\b", 0.8),
)

_RUSSIAN: tuple[Phrase, ...] = (
    opens("negation", r"нет(?:" + _END + r"|\s+(?:это|не|так|используй)\b)", 0.9),
    anywhere("wrong", r"\b(?:это\s+)?неправильно\b", 0.9),
    opens("wrong", r"не (?:то|так)" + _END, 0.85),
    anywhere("you-forgot", r"\bты (?:опять )?забыл\b", 0.85),
    anywhere("dont-use-x-use-y", r"\bне используй\b", 0.8),
    anywhere("instead", r"\bиспользуй\s+" + _CLAUSE + r"\s+вместо\b|\bвместо\s+" + _CLAUSE + r",?\s+используй\b", 0.8),
    opens("revert", r"(?:откати|отмени|верни (?:как было|обратно))", 0.85),
    anywhere("still-failing", r"\b(?:всё ещё|все еще|по-прежнему)\s+(?:не работает|падает|ошибка)\b", 0.85),
    opens("didnt-work", r"не работает\b", 0.8),
    opens("stop", r"(?:стоп|хватит|остановись)" + _END, 0.85),
)

_CHINESE: tuple[Phrase, ...] = (
    opens("negation", r"(?:不对|不是这样|错了|不是的|不行)", 0.9),
    anywhere("wrong", r"(?:搞错了|弄错了|理解错了|写错了)|不是我(?:要|想要|说)的", 0.9),
    anywhere("you-forgot", r"你(?:又)?忘了", 0.85),
    anywhere("dont-use-x-use-y", r"(?:不要|别|不准)(?:再)?(?:用|使用)", 0.8),
    anywhere("instead", r"改用|换成|用" + _CJK_CLAUSE + r"而不是", 0.8),  # (not 应该用: "which should we use?")
    anywhere("revert", r"撤销|回滚|撤回|改回去|恢复原样|还原", 0.85),
    anywhere("still-failing", r"(?:还是|仍然|依然)(?:不行|不对|报错|失败|有问题|没用)", 0.85),
    opens("stop", r"(?:停下|停止|住手|别(?:再)?弄了)", 0.85),
    anywhere("i-said", r"我(?:已经)?(?:说过|告诉过你)", 0.75),
)

_JAPANESE: tuple[Phrase, ...] = (
    opens("wrong", r"(?:違う|ちがう|違います)(?:" + _END + r"|よ|って)", 0.9),
    anywhere("wrong", r"間違って(?:いる|います|る)", 0.9),
    anywhere("dont-use-x-use-y", r"使わないで", 0.8),
    anywhere("instead", r"(?:ではなく|じゃなくて)" + _CJK_CLAUSE + r"使(?:って|う)", 0.8),
    anywhere("revert", r"元に戻して|取り消して", 0.85),
    anywhere("still-failing", r"(?:まだ|相変わらず)(?:動かない|動きません|エラー|失敗)", 0.85),
    opens("stop", r"(?:止めて|やめて|ストップ)", 0.85),
)

OTHER_LANGUAGES: tuple[Phrase, ...] = (
    *_FRENCH,
    *_GERMAN,
    *_SPANISH,
    *_PORTUGUESE,
    *_ITALIAN,
    *_DUTCH,
    *_RUSSIAN,
    *_CHINESE,
    *_JAPANESE,
)
