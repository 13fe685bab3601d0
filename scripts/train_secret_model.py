"""Learn the weights of the redactor's last pass (secrets/learned_tokens.py) and write them to
src/lessonloop/secrets/learned_weights.py (or `--out PATH`: the bias, the cuts and the shape weights,
a module) and learned_weights_context.bin beside it (the context weights, package data read by
learned_tokens.context_weights: a count, float32 weights, their names joined by NUL).

Examples (every candidate word secrets/learned_tokens.candidates finds, described by its features):

- the planted sets tests/secret_samples*.py (the fresh ones each written by someone who never saw the rules;
  `--hold-out NAME ...` leaves sets out, to measure on them): a word overlapping one of a kind's
  secrets is a positive, every other word of its text and of the look-alikes a negative (the look-alikes'
  weighted `--benign-weight`: they were written to look like secrets);
- the texts of public agent transcripts (`--corpus`, default ../shared/corpus; the sources named by
  `--sources`, the first `--limit-mb` MB of each, each text once): every word a negative (they are
  public, so a secret there is rare), weighted `--corpus-weight`; the other sources are left out,
  to measure the false positives on them (benchmarks/redaction_false_positives.py).

The model is a logistic regression (scikit-learn's liblinear, L2, `--c`), kept to the features seen
in `--min-count` examples or more with a weight of `--min-weight` (0.01) or more. SHAPE_CUT is the lowest shape score
(bias + the word's shape weights) of 99.5% of the training positives the model finds: a word below
it is never read in context (the pass's speed).

Needs scikit-learn (`pip install scikit-learn`; not a dependency of lessonloop, which reads the
weights it writes). Run: `.venv/bin/python scripts/train_secret_model.py [--hold-out fresh15]
[--out PATH] [--threshold 0.6]`.
"""

from __future__ import annotations

import argparse
import importlib
import math
import random
import sys
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from lessonloop.secrets.learned_tokens import (  # noqa: E402
    candidates,
    coarse,
    context_feature,
    context_features,
    features,
    shape_features,
)

TARGET = ROOT / "src" / "lessonloop" / "secrets" / "learned_weights.py"
TRAIN_SOURCES = ("claude-code/spotter", "codex/zo-qore", "aider/aider-dev")


def sample_sets(held_out: Sequence[str]) -> list[str]:
    names = sorted(p.stem.removeprefix("secret_samples_") for p in (ROOT / "tests").glob("secret_samples*.py"))
    return [name for name in names if name not in held_out]


def set_texts(name: str) -> Iterator[tuple[str, tuple[str, ...]]]:
    """(text, its secrets) of every planted kind of a sample module (its tuples of Planted, each
    kind once), then (text, ()) of its look-alikes (its tuples of texts named BENIGN or LOOK_ALIKES)."""
    module = importlib.import_module("tests.secret_samples" + ("" if name == "secret_samples" else f"_{name}"))
    planted: dict[str, Any] = {}
    benign: dict[str, None] = {}
    for attribute in sorted(dir(module)):
        value = getattr(module, attribute)
        if not isinstance(value, tuple) or not value:
            continue
        if all(type(item).__name__ == "Planted" for item in value):
            planted.update((item.kind, item) for item in value if item.kind not in planted)
        elif ("BENIGN" in attribute or "LOOK_ALIKE" in attribute) and all(isinstance(item, str) for item in value):
            benign.update(dict.fromkeys(value))
    for item in planted.values():
        for text in (item.line, item.file_line):
            if text:
                yield text, tuple(item.secrets)
    for text in benign:
        yield text, ()


def labelled(text: str, secrets: Sequence[str]) -> Iterator[tuple[list[str], int, tuple[str, int, int, str]]]:
    spans = []
    for secret in secrets:
        position = text.find(secret)
        while position >= 0:
            spans.append((position, position + len(secret)))
            position = text.find(secret, position + 1)
    for start, end, key in candidates(text):
        positive = any(start < finish and begin < end for begin, finish in spans)
        yield features(text, start, end, key), int(positive), (text, start, end, key)


def corpus_words(corpus: Path, sources: Sequence[str], limit_mb: float, most: int) -> list[tuple[str, int, int, str]]:
    # every string value, the signatures and encrypted reasoning ingest skips included: the redactor
    # may see such blobs elsewhere (a JSON value redacted whole), and they are no secrets to hide
    from benchmarks.redaction_corpus import corpus_texts

    found: list[tuple[str, int, int, str]] = []
    for source in sources:
        seen: set[str] = set()
        size = 0
        for item in corpus_texts(corpus / source):
            if item.value in seen:
                continue
            seen.add(item.value)
            size += len(item.value)
            found += [(item.value, start, end, key) for start, end, key in candidates(item.value)]
            if size > limit_mb * 1e6:
                break
    random.Random(7).shuffle(found)
    return found[:most]


def train(args: argparse.Namespace) -> dict[str, Any]:
    import numpy as np
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows: list[list[str]] = []
    labels: list[int] = []
    weights: list[float] = []
    positives: list[tuple[str, int, int, str]] = []
    sets = sample_sets(args.hold_out)
    for name in sets:
        for text, secrets in set_texts(name):
            for names, label, where in labelled(text, secrets):
                rows.append(names)
                labels.append(label)
                weights.append(1.0 if secrets else args.benign_weight)
                if label:
                    positives.append(where)
    negatives = corpus_words(Path(args.corpus), args.sources, args.limit_mb, args.most)
    for text, start, end, key in negatives:
        rows.append(features(text, start, end, key))
        labels.append(0)
        weights.append(args.corpus_weight)
    counts = Counter(name for names in rows for name in set(names))
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([{name: 1 for name in names if counts[name] >= args.min_count} for names in rows])
    matrix = matrix.tocsr()
    matrix.indices = matrix.indices.astype(np.int32)
    matrix.indptr = matrix.indptr.astype(np.int32)
    model = LogisticRegression(C=args.c, solver="liblinear", max_iter=5000, random_state=0)
    model.fit(matrix, np.array(labels), sample_weight=np.array(weights))
    coefficients = model.coef_[0]
    kept = {
        name: round(float(coefficients[index]), 3)
        for name, index in vectorizer.vocabulary_.items()
        if abs(coefficients[index]) >= args.min_weight
    }
    bias = round(float(model.intercept_[0]), 3)
    cut_logit = math.log(args.threshold / (1 - args.threshold))
    shapes = []
    for text, start, end, key in positives:
        shape = bias + sum(kept.get(name, 0.0) for name in set(shape_features(text[start:end])))
        word = text[start:end]
        context = sum(kept.get(name, 0.0) for name in set(context_features(text, start, end, key, coarse(word))))
        if shape + context >= cut_logit:
            shapes.append(shape)
    shapes.sort()
    shape_cut = round(shapes[int(len(shapes) * 0.005)] - 0.001, 3) if shapes else -60.0
    print(
        f"sets {', '.join(sets)}; {len(positives)} positives, {len(rows) - len(positives) - len(negatives)} set "
        f"negatives, {len(negatives)} corpus negatives; {len(kept)} weights; shape cut {shape_cut}",
        file=sys.stderr,
    )
    return {"bias": bias, "weights": kept, "threshold": args.threshold, "shape_cut": shape_cut, "sets": sets}


def context_path(path: str | Path) -> Path:
    """Where the context part of the weights written to `path` goes: beside it, `_context.bin`
    in place of its suffix (learned_weights.py -> learned_weights_context.bin)."""
    path = Path(path)
    return path.with_name(path.stem + "_context.bin")


def module_texts(found: dict[str, Any], args: argparse.Namespace) -> tuple[str, bytes]:
    """The module of the bias, the cuts and the shape weights (every text with a candidate loads
    them), and the file of the context weights (read only once a candidate's shape passes the cut:
    secrets/learned_tokens.scored). The split is by what each feature function writes
    (learned_tokens.context_feature)."""
    header = [
        "# Generated by scripts/train_secret_model.py: do not edit; run it again (docs/privacy.md).",
        f"# Trained on {', '.join(found['sets'])} and the corpus sources {', '.join(args.sources)};",
        f"# held out: {', '.join(args.hold_out) or 'none'}. C={args.c}, corpus weight {args.corpus_weight}.",
        "# fmt: off",
        "# ruff: noqa",
        "",
        "from __future__ import annotations",
        "",
        "import sys",
        "from array import array",
        "",
    ]
    ordered = sorted(found["weights"].items())
    shape = [(name, weight) for name, weight in ordered if not context_feature(name)]
    context = [(name, weight) for name, weight in ordered if context_feature(name)]
    main = [
        *header,
        f"BIAS = {found['bias']!r}",
        f"THRESHOLD = {found['threshold']!r}",
        f"SHAPE_CUT = {found['shape_cut']!r}",
        "# the names in one string, the weights as float32 bytes (a dict display costs a hook more)",
        *_table("SHAPE_WEIGHTS", shape),
    ]
    return "\n".join(main) + "\n", weights_file(context)


def weights_file(items: list[tuple[str, float]]) -> bytes:
    """The context weights as learned_tokens.read_weights reads them: their count (uint32), the
    weights (float32), then the names (UTF-8) joined by NUL; little-endian."""
    weights = array("f", [weight for _key, weight in items])
    if sys.byteorder != "little":
        weights.byteswap()
    names = "\0".join(key for key, _weight in items).encode()
    return len(items).to_bytes(4, "little") + weights.tobytes() + names


def _table(name: str, items: list[tuple[str, float]]) -> list[str]:
    names = "\0".join(key for key, _weight in items)
    weights = array("f", [weight for _key, weight in items])
    if sys.byteorder != "little":
        weights.byteswap()
    return [
        f"_NAMES = {names!r}",
        f"_VALUES = {weights.tobytes()!r}  # float32, little-endian",
        "_WEIGHTS = array('f', _VALUES)",
        "if sys.byteorder != 'little':",
        "    _WEIGHTS.byteswap()",
        f"{name}: dict[str, float] = dict(zip(_NAMES.split('\\0'), _WEIGHTS, strict=True))",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hold-out", nargs="*", default=[], help="sample sets to leave out (fresh15 ...)")
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--sources", nargs="*", default=list(TRAIN_SOURCES))
    parser.add_argument("--limit-mb", type=float, default=6.0)
    parser.add_argument("--most", type=int, default=400_000, help="corpus words at most")
    parser.add_argument("--corpus-weight", type=float, default=1.0)
    parser.add_argument("--benign-weight", type=float, default=2.0, help="the weight of the look-alikes' words")
    parser.add_argument("--c", type=float, default=0.3)
    parser.add_argument("--min-count", type=int, default=3)
    parser.add_argument("--threshold", type=float, default=0.6)
    parser.add_argument("--min-weight", type=float, default=0.01, help="weights smaller than this are dropped")
    parser.add_argument("--out", default=str(TARGET))
    args = parser.parse_args(argv)
    if not Path(args.corpus).is_dir():
        print(f"no corpus at {args.corpus}: pass --corpus", file=sys.stderr)
        return 2
    main_text, context_data = module_texts(train(args), args)
    Path(args.out).write_text(main_text)
    context_path(args.out).write_bytes(context_data)
    print(f"wrote {args.out} and {context_path(args.out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
