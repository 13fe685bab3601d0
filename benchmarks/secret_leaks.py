"""How many kinds of secrets leak through the redactor, and how many look-alikes it changes (issue 60).

Reads a sample module (default tests.secret_samples_fresh, the held-out set written without seeing
the rules; `--module tests.secret_samples_heldout` or `tests.secret_samples` for the others) and
runs `lessonloop.secrets.redaction.redact(text, scope)` over each planted text in every scope
("prose", "command", "code", "output"):

- a kind LEAKS in a scope when any of its secret substrings survives in the redacted text (its
  `line`, and its `file_line` when it has one);
- a look-alike is CHANGED in a scope when the redacted text differs from the original (a false
  positive: none of them holds a secret).

Reported: kinds leaking in any scope and per scope, per family when the module has `FAMILIES`, the
leaking kinds with the scopes they leak in, and the look-alikes changed (any scope, per scope).
The planted tuple is the first of FRESH, HELD_OUT, PLANTED found in the module (`--planted NAME`
to choose); the look-alikes the first of BENIGN_FRESH, LOOK_ALIKES (`--benign NAME`); the families
`FAMILIES` when the planted tuple is the default one, or the dict named by `--families NAME`.

This measures; it does not tune. Do not write rules from tests/secret_samples_fresh.py's lines.

`--no-learned`: the rules alone, without the learned last pass (secrets/learned_tokens.py);
`--weights PATH`: that pass with weights trained with sets held out (scripts/train_secret_model.py
`--hold-out fresh15 --out PATH`), for a figure on a set the model never saw.

Run: `.venv/bin/python benchmarks/secret_leaks.py [--module M] [--planted NAME] [--benign NAME] [--families NAME]
[--json] [--show] [--no-learned] [--weights PATH]`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT / "src", ROOT):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from lessonloop.secrets import redaction  # noqa: E402
from lessonloop.secrets.redaction import SCOPES, redact  # noqa: E402


def use_weights(path: str) -> None:
    """Redact with the learned pass's weights from `path` (a module scripts/train_secret_model.py
    wrote with `--out`, e.g. trained with a set held out, and its `_context.bin` file beside it)
    instead of secrets/learned_weights.py and learned_weights_context.bin."""
    import importlib.util

    from lessonloop.secrets import learned_tokens

    given = Path(path)
    context = given.with_name(given.stem + "_context.bin")
    name = "lessonloop.secrets.learned_weights"
    spec = importlib.util.spec_from_file_location(name, given)
    if spec is None or spec.loader is None or not given.is_file() or not context.is_file():
        raise SystemExit(f"cannot load weights from {given} and {context}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules[name] = module
    learned_tokens.CONTEXT_FILE = str(context)
    learned_tokens._context_weights = None  # read from the new file at the next candidate that needs them


PLANTED_NAMES = ("FRESH", "HELD_OUT", "PLANTED")
BENIGN_NAMES = ("BENIGN_FRESH", "LOOK_ALIKES")


def _pick(module: Any, wanted: str | None, names: Sequence[str]) -> tuple[str, Sequence[Any]]:
    for name in (wanted,) if wanted else names:
        if hasattr(module, name):
            return name, getattr(module, name)
    if wanted:
        raise SystemExit(f"{module.__name__} has no {wanted}")
    return "", ()


def leaks(planted: Sequence[Any]) -> dict[str, dict[str, list[str]]]:
    """kind -> scope -> the secrets that survived (only kinds and scopes that leak)."""
    out: dict[str, dict[str, list[str]]] = {}
    for sample in planted:
        texts = [sample.line] + ([sample.file_line] if sample.file_line else [])
        for scope in SCOPES:
            cleaned = [redact(text, scope)[0] for text in texts]
            survived = [s for s in sample.secrets if any(s in c for c in cleaned)]
            if survived:
                out.setdefault(sample.kind, {})[scope] = survived
    return out


def changed(benign: Sequence[str]) -> dict[int, dict[str, str]]:
    """index of a look-alike -> scope -> its redacted text (only those changed)."""
    out: dict[int, dict[str, str]] = {}
    for i, text in enumerate(benign):
        for scope in SCOPES:
            cleaned, _ = redact(text, scope)
            if cleaned != text:
                out.setdefault(i, {})[scope] = cleaned
    return out


def report(
    module_name: str, planted_name: str | None, benign_name: str | None, families_name: str | None = None
) -> dict[str, Any]:
    module = importlib.import_module(module_name)
    p_name, planted = _pick(module, planted_name, PLANTED_NAMES)
    b_name, benign = _pick(module, benign_name, BENIGN_NAMES)
    leaked = leaks(planted)
    fps = changed(benign)
    result: dict[str, Any] = {
        "module": module_name,
        "planted": p_name,
        "kinds": len(planted),
        "leaking_kinds": len(leaked),
        "leaking_per_scope": {s: sum(1 for v in leaked.values() if s in v) for s in SCOPES},
        "leaking": {kind: leaked[kind] for kind in (p.kind for p in planted) if kind in leaked},
        "benign": b_name,
        "benign_texts": len(benign),
        "benign_changed": len(fps),
        "benign_changed_per_scope": {s: sum(1 for v in fps.values() if s in v) for s in SCOPES},
        "changed": [{"text": benign[i], "redacted": v} for i, v in fps.items()],
    }
    families = getattr(module, families_name or "FAMILIES", None)
    if isinstance(families, dict) and (families_name or planted_name in (None, "FRESH")):
        result["families"] = {
            name: {"kinds": len(members), "leaking": sum(1 for p in members if p.kind in leaked)}
            for name, members in families.items()
        }
    return result


def _print(result: dict[str, Any], show: bool) -> None:
    n, k = result["kinds"], result["leaking_kinds"]
    print(
        f"{result['module']}.{result['planted']}: {k} of {n} kinds leak in at least one scope ({100 * k / max(n, 1):.1f}%)"
    )
    for scope, count in result["leaking_per_scope"].items():
        print(f"  {scope:<8} {count:>4} of {n}")
    if "families" in result:
        print("per family (leaking / kinds):")
        for name, f in result["families"].items():
            print(f"  {f['leaking']:>4} / {f['kinds']:<4} {name}")
    print("leaking kinds (scopes):")
    for kind, scopes in result["leaking"].items():
        where = "all" if len(scopes) == len(SCOPES) else ",".join(scopes)
        print(f"  {kind}  [{where}]")
    if not result["benign"]:
        print(f"{result['module']}: no look-alikes ({', '.join(BENIGN_NAMES)})")
        return
    b, c = result["benign_texts"], result["benign_changed"]
    print(f"{result['module']}.{result['benign']}: {c} of {b} look-alikes changed in at least one scope")
    for scope, count in result["benign_changed_per_scope"].items():
        print(f"  {scope:<8} {count:>4} of {b}")
    for item in result["changed"]:
        first = next(iter(item["redacted"].items()))
        print(f"  - {item['text'][:100]!r}")
        if show:
            print(f"    {first[0]}: {first[1][:200]!r}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--module", default="tests.secret_samples_fresh")
    parser.add_argument("--planted", help=f"the tuple of Planted (default: first of {', '.join(PLANTED_NAMES)})")
    parser.add_argument("--benign", help=f"the tuple of look-alikes (default: first of {', '.join(BENIGN_NAMES)})")
    parser.add_argument(
        "--families", help="the dict of family name -> Planted tuple (default: FAMILIES, default tuple only)"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--show", action="store_true", help="print each changed look-alike as redacted")
    parser.add_argument(
        "--weights", help="the learned pass's weights from this file (scripts/train_secret_model.py --out)"
    )
    parser.add_argument("--no-learned", action="store_true", help="the rules only, without the learned pass")
    args = parser.parse_args(argv)
    if args.weights:
        use_weights(args.weights)
    redaction.LEARNED = not args.no_learned
    result = report(args.module, args.planted, args.benign, args.families)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        _print(result, args.show)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
