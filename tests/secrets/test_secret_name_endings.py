"""secrets/assignments.py checks a key against its secret-name pattern only when the key ends as
every name the pattern matches ends (_SECRET_NAME_ENDINGS): a word added to the pattern and not
to the endings would never be found. Names built from every word the pattern spells, in random
orders, must all keep that promise."""

from __future__ import annotations

import random
import re

from lessonloop.secrets import assignments


def test_every_name_the_pattern_matches_ends_with_one_of_the_endings() -> None:
    pattern = assignments._SECRET_NAME.pattern
    words = set(re.findall(r"[a-z0-9]+", pattern))
    words |= {word[:-1] for word in re.findall(r"[a-z0-9]+(?=\?)", pattern)}  # credentials? -> credential
    assert {"pass", "token", "credential", "credentials", "base64"} <= words
    words_list = sorted(words)
    rng = random.Random(7)
    matched = 0
    for _ in range(100_000):
        name = "".join(rng.choice([*words_list, "_", "s", "x"]) for _ in range(rng.randint(1, 5)))
        if assignments._SECRET_NAME.search(name) is not None:
            matched += 1
            assert name.endswith(assignments._SECRET_NAME_ENDINGS), name
    assert matched > 10_000
