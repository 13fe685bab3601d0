"""The numpy vector index: top-k by cosine, the allowed filter, bad blobs skipped, blob round trips."""

from __future__ import annotations

import numpy as np
import pytest

from lessonloop.apply.vector_index import VectorIndex, from_blob, to_blob


def unit(*values: float) -> np.ndarray:
    vec = np.array(values, dtype=np.float32)
    return vec / np.linalg.norm(vec)


def index_of(vectors: dict[int, np.ndarray], dim: int = 3) -> VectorIndex:
    return VectorIndex(((lesson_id, to_blob(vec)) for lesson_id, vec in vectors.items()), dim)


# Cosines with the query (1, 0, 0): 1 > 0.8 > 0.6 > 0 > -1.
VECTORS = {
    10: unit(0.6, 0.8, 0.0),
    11: unit(1.0, 0.0, 0.0),
    12: unit(0.0, 0.0, 1.0),
    13: unit(-1.0, 0.0, 0.0),
    14: unit(0.8, 0.6, 0.0),
}
QUERY = np.array([1.0, 0.0, 0.0], dtype=np.float32)


def test_blob_round_trip_is_little_endian_float32() -> None:
    vec = np.array([1.5, -2.0, 0.25], dtype=np.float64)
    blob = to_blob(vec)
    assert blob == np.array(vec, dtype="<f4").tobytes()
    assert len(blob) == 12
    back = from_blob(blob, 3)
    assert back.dtype == np.float32
    np.testing.assert_array_equal(back, vec)
    back[0] = 9.0  # writable: not a view of the bytes


def test_from_blob_rejects_the_wrong_size_and_to_blob_a_matrix() -> None:
    with pytest.raises(ValueError, match="expected 16"):
        from_blob(b"\0" * 12, 4)
    with pytest.raises(ValueError, match="1-D"):
        to_blob(np.zeros((2, 3)))


def test_top_k_best_first_with_cosines() -> None:
    index = index_of(VECTORS)
    assert len(index) == 5
    hits = index.search(QUERY, k=3)
    assert [lesson_id for lesson_id, _ in hits] == [11, 14, 10]
    assert [round(score, 5) for _, score in hits] == [1.0, 0.8, 0.6]
    everything = index.search(QUERY, k=50)
    assert [lesson_id for lesson_id, _ in everything] == [11, 14, 10, 12, 13]
    assert everything[-1][1] == pytest.approx(-1.0)


def test_scores_are_cosines_for_unnormalized_vectors_and_queries() -> None:
    index = VectorIndex([(1, to_blob([3.0, 4.0, 0.0])), (2, to_blob([0.0, 0.0, 0.0]))], 3)
    hits = index.search(np.array([10.0, 0.0, 0.0]), k=2)
    assert hits[0][0] == 1
    assert hits[0][1] == pytest.approx(0.6)
    assert hits[1] == (2, 0.0)  # a zero vector scores 0, not NaN


def test_allowed_restricts_the_search() -> None:
    index = index_of(VECTORS)
    hits = index.search(QUERY, k=2, allowed={10, 12, 13, 999})  # 999 is not in the index
    assert [lesson_id for lesson_id, _ in hits] == [10, 12]
    [(only, score)] = index.search(QUERY, k=5, allowed=[13, 13])
    assert only == 13
    assert score == pytest.approx(-1.0)
    assert index.search(QUERY, k=5, allowed=set()) == []
    assert index.search(QUERY, k=5, allowed=[999]) == []


def test_ties_are_ordered_by_id_even_at_the_cut() -> None:
    same = unit(1.0, 1.0, 0.0)
    index = index_of({7: same, 3: same, 5: same, 1: unit(0.0, 0.0, 1.0)})
    assert [lesson_id for lesson_id, _ in index.search(unit(1.0, 1.0, 0.0), k=2)] == [3, 5]


def test_wrong_size_and_non_finite_blobs_are_skipped_and_counted() -> None:
    rows = [
        (1, to_blob(VECTORS[11])),
        (2, to_blob(np.zeros(4))),  # another model's dimension
        (3, b"\x00\x01"),  # truncated
        (4, to_blob([np.nan, 0.0, 0.0])),
        (5, to_blob(VECTORS[10])),
    ]
    index = VectorIndex(rows, 3)
    assert len(index) == 2
    assert index.skipped == 3
    assert [lesson_id for lesson_id, _ in index.search(QUERY, k=5)] == [1, 5]
    assert 1 in index and 2 not in index


def test_an_id_given_twice_keeps_the_last_vector() -> None:
    index = VectorIndex([(1, to_blob(VECTORS[13])), (1, to_blob(VECTORS[11]))], 3)
    assert len(index) == 1
    assert index.search(QUERY, k=1)[0][1] == pytest.approx(1.0)


def test_empty_index_and_k_zero() -> None:
    empty = VectorIndex([], 3)
    assert len(empty) == 0
    assert empty.skipped == 0
    assert empty.search(QUERY, k=10) == []
    assert empty.search(QUERY, k=10, allowed={1}) == []
    assert index_of(VECTORS).search(QUERY, k=0) == []


def test_query_of_the_wrong_dimension_raises() -> None:
    with pytest.raises(ValueError, match="dimensions"):
        index_of(VECTORS).search(np.zeros(4), k=1)


def test_top_k_matches_a_full_sort_on_random_vectors() -> None:
    rng = np.random.default_rng(7)
    matrix = rng.standard_normal((500, 16)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    index = VectorIndex(((i, to_blob(row)) for i, row in enumerate(matrix)), 16)
    query = matrix[42]
    expected = np.argsort(-(matrix @ query), kind="stable")[:10]
    hits = index.search(query, k=10)
    assert [lesson_id for lesson_id, _ in hits] == expected.tolist()
    assert hits[0][1] == pytest.approx(1.0)
