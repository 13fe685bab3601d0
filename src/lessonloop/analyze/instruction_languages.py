"""Instructions in other languages than English (analyze/instructions.py reads them beside its own):
the same grammar, in French, German, Spanish, Portuguese, Italian, Dutch, Russian, Chinese and
Japanese. A sentence (lower-cased, quotes straightened, after its openers) is an instruction when it
is prohibitive ("nimm nicht ...", "n'utilise pas ...", "不要 ..."), a standing order ("immer ...",
"toujours ...", "必ず ..."), or a substitution ("nimm pnpm", "utilise pnpm", "用 pnpm",
"pnpm を使って", "... stattdessen", "au lieu de ...").

Written for precision, as correction_languages.py: an everyday word that may open a task is left
out ("nimm" alone is "take": it counts when a tool name, a flag or a path follows, or the sentence
says "instead"). Chinese and Japanese have no spaces: their patterns name the characters.
"""

from __future__ import annotations

import re

# Openers that carry no instruction ("nein,", "alors", "不对，"), after which the sentence is read.
OPENER = re.compile(
    r"^(?:(?:nein|nee|нет|не так|alors|bon|euh|mais|also|na ja|naja|aber|bitte|"
    r"pues|bueno|pero|então|entao|allora|però|ну|ok|okay|d'accord|gut|vale|ecco|"
    r"s'il te plaît|s'il vous plaît|por favor|per favore|alsjeblieft|пожалуйста)\b[,.!:;\-\u2014]*\s*"
    # ("no" words that also negate a verb count as openers only before punctuation: "non usare ...")
    r"|(?:no|non|não|nao|ne|nope)[,.!:;\-\u2014]+\s*"
    r"|(?:不对|不是|嗯|请|いいえ|違う|ちがう)[，,。！!、\s]*)+"
)

# What "use" names: a command, flag, path or file; or one word that ends the sentence or is followed
# by what it is for ("nimm pnpm", "utilise pnpm pour ..."), not the start of a task ("nimm die Datei ...")
_AFTER_NAME = (
    r"(?:\s*[,.!;:]|\s*$|\s+(?:für|zum|zur|um|statt|anstatt|pour|au lieu|plutôt|para|en lugar|em vez|per|invece|"
    r"voor|in plaats|для|вместо|instead)\b)"
)
_TOOLISH = r"(?:`[^`]+`|--?[a-z][\w-]*|[\w.-]+/[\w./-]+|\b[\w-]+\.[a-z]{1,5}\b|[\w.@+-]{2,40}" + _AFTER_NAME + r")"

_PROHIBITIVE = re.compile(
    # French
    r"^(?:n'|ne\s+)(?:utilise|utilisez|lance|lancez|fais|faites|mets|mettez|touche|touchez|modifie|"
    r"modifiez|ajoute|ajoutez|supprime|supprimez|commite|commitez|pousse|poussez)\w*\s+(?:pas|jamais|plus)\b"
    r"|^(?:jamais|évite|évitez|arrête de|arrêtez de)\b"
    # German
    r"|^(?:nie|niemals|vermeide|vermeiden sie|hör auf|hört auf)\b"
    r"|^(?:benutze|verwende|nimm|nutze|mach|mache|führe|installiere|ändere|committe|pushe)\w*\s+"
    r"(?:(?:\S+\s+){0,3}?)(?:nicht|kein|keine|keinen|niemals|nie)\b"
    r"|^(?:kein|keine|keinen)\s+\S+\s+(?:benutzen|verwenden|nehmen|mehr)\b"
    # Spanish / Portuguese / Italian
    r"|^(?:no|não|nao|non)\s+(?:uses|use|usa|usar|utilices|utilize|utilizzare|usare|ejecutes|execute|eseguire|"
    r"hagas|faça|fare|toques|toque|toccare|modifiques|modifique|modificare|instales|instale|installare|"
    r"hagas commit|faça commit|fare commit)\b"
    r"|^(?:nunca|jamás|jamais|mai|evita|evite|deja de|pare de|smetti di)\b"
    # Dutch
    r"|^(?:nooit|vermijd|stop met)\b|^(?:gebruik|draai|voer)\s+(?:geen|niet)\b"
    # Russian
    r"|^(?:не\s+(?:используй|используйте|запускай|запускайте|делай|делайте|трогай|меняй|ставь|коммить)"
    r"|никогда|избегай|хватит)"
    # Chinese
    r"|^(?:不要|别|禁止|永远不要|千万不要|请勿|勿)"
    # Japanese
    r"|^(?:決して|絶対に)"
)
_PROHIBITIVE_ANYWHERE = re.compile(r"(?:しないで|使わないで|しないでください|使わないでください|禁止)")

_STANDING = re.compile(
    r"^(?:toujours|assure-toi|assurez-vous|veille à|veillez à|pense à|pensez à"
    r"|immer|stelle sicher|stell sicher|achte darauf|denk daran|denke daran"
    r"|siempre|asegúrate|asegurate|sempre|certifique-se|garanta|assicurati|ricorda di"
    r"|altijd|zorg dat|zorg ervoor|vergeet niet"
    r"|всегда|убедись|обязательно"
    r"|总是|一直|务必|每次|始终|记得|请始终"
    r"|常に|必ず|いつも)"
)
_MODAL = re.compile(
    r"\b(?:du solltest|du musst|ihr solltet|sie sollten|tu dois|vous devez|tu devrais|vous devriez|debes|deberías|"
    r"você deve|voce deve|devi|dovresti|je moet|je zou moeten|ты должен|нужно всегда|надо всегда)\b"
    r"|(?:你应该|你必须|应该始终|必须始终|べきです)"
)

_USE = re.compile(
    r"^(?:utilise|utilisez|prends|prenez|passe à|passez à"
    r"|nimm|nehmt|benutze|benutzt|verwende|verwendet|nutze|nutzt|wechsle zu"
    r"|usa|use|usá|utiliza|utilize|utilizza|usate|cambia a|troca para|muda para|passa a"
    r"|gebruik|neem"
    r"|используй|используйте|возьми|бери|переключись на)\s+" + _TOOLISH
)
_USE_CJK = re.compile(
    r"^(?:用|使用|改用|应该用|应当用|换成|请用|请使用)\s*\S|(?:を使って|を使う|を使用して|に変えて|にして)"
)
_INSTEAD = re.compile(
    r"\b(?:stattdessen|anstatt|statt\s+\S+|à la place|plutôt que|au lieu de|en lugar de|en vez de|em vez de|"
    r"ao invés de|invece di|invece|al posto di|in plaats van|вместо)\b"
    r"|(?:而不是|代替|代わりに|ではなく)"
)
_QUESTION = re.compile(r"[?？]\s*$|^(?:warum|wieso|pourquoi|por qué|por que|perché|waarom|почему|зачем|为什么|なぜ)\b")


def is_instruction_other(lower: str) -> bool:
    """Whether one sentence (lower case, quotes straightened, English openers already removed)
    states an instruction in one of the other languages."""
    text = OPENER.sub("", lower).strip()
    if not text or _QUESTION.search(text):
        return False
    if _PROHIBITIVE.match(text) or _PROHIBITIVE_ANYWHERE.search(text) or _STANDING.match(text):
        return True
    if _MODAL.search(text):
        return True
    return bool(_USE.match(text) or _USE_CJK.search(text) or _INSTEAD.search(text))
