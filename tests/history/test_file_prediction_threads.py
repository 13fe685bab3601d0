"""File prediction keeps numpy's BLAS on one thread while it learns and ranks (issue 43, item 4):
a second thread gains nothing on its small products and stalls beside busy cores
(history/file_prediction/listwise.py, one_blas_thread)."""

from __future__ import annotations

import pytest

from lessonloop.history.file_prediction.listwise import one_blas_thread

threadpoolctl = pytest.importorskip("threadpoolctl")
SETTINGS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _blas_threads() -> list[int]:
    import numpy  # noqa: F401  (loads the BLAS threadpoolctl looks for)

    return [int(pool["num_threads"]) for pool in threadpoolctl.threadpool_info() if pool["user_api"] == "blas"]


def test_one_blas_thread_inside_and_the_default_after(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    before = _blas_threads()
    if not before:
        pytest.skip("numpy's BLAS is not one threadpoolctl knows")
    with one_blas_thread():
        assert _blas_threads() == [1] * len(before)
    assert _blas_threads() == before


def test_a_thread_count_the_user_set_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    before = _blas_threads()
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    with one_blas_thread():
        assert _blas_threads() == before
