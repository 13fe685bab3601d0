"""Cosine search over lesson vectors held in one numpy matrix, with no SQLite extension.

This Python's sqlite3 cannot load extensions, so sqlite-vec and the like are out. Lessons number
in the thousands to tens of thousands: a brute-force product over all of them takes under a
millisecond at 10,000, a tenth of embedding the query, and needs no index structure to keep in
step with the store. Vectors are stored in SQLite as BLOBs of little-endian float32 (`to_blob`),
read back with `from_blob`, and loaded into a `VectorIndex` for search.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

import numpy as np
import numpy.typing as npt

_DTYPE = np.dtype("<f4")


def to_blob(vec: npt.ArrayLike) -> bytes:
    """One vector as little-endian float32 bytes, the form stored in SQLite (4 bytes per dimension)."""
    array = np.asarray(vec, dtype=_DTYPE)
    if array.ndim != 1:
        raise ValueError(f"to_blob takes one vector (1-D), got shape {array.shape}")
    return array.tobytes()


def from_blob(blob: bytes, dim: int) -> npt.NDArray[np.float32]:
    """The vector stored by `to_blob`, as a writable native float32 array; ValueError if the size is not dim."""
    if len(blob) != dim * _DTYPE.itemsize:
        raise ValueError(f"vector blob of {len(blob)} bytes, expected {dim * _DTYPE.itemsize} ({dim} float32)")
    return np.frombuffer(blob, dtype=_DTYPE).astype(np.float32)


class VectorIndex:
    """Lesson vectors in one (n, dim) float32 matrix, searched by cosine similarity.

    Built from (lesson id, blob) pairs as read from the store. Rows are normalized on the way in,
    so a score is the cosine even for vectors stored unnormalized. Blobs of the wrong size (from
    a model of another dimension, or truncated) and vectors with NaN or infinity (or too large
    to square in float32) are left out and counted in `skipped`, never raised: one bad row must not stop recall. When an id comes twice,
    the last blob wins.
    """

    def __init__(self, rows: Iterable[tuple[int, bytes]], dim: int) -> None:
        if dim <= 0:
            raise ValueError(f"dim must be positive, got {dim}")
        self.dim = dim
        self.skipped = 0
        expected = dim * _DTYPE.itemsize
        blobs: dict[int, bytes] = {}
        for lesson_id, blob in rows:
            if len(blob) == expected:
                blobs[lesson_id] = blob
            else:
                self.skipped += 1
        ids = np.fromiter(blobs.keys(), dtype=np.int64, count=len(blobs))
        matrix = np.frombuffer(b"".join(blobs.values()), dtype=_DTYPE).astype(np.float32).reshape(len(blobs), dim)
        # NaN or infinity anywhere in a row makes its norm non-finite (the squares cannot cancel).
        norms = np.sqrt(np.einsum("ij,ij->i", matrix, matrix))
        finite = np.isfinite(norms)
        if not finite.all():
            self.skipped += int((~finite).sum())
            ids, matrix, norms = ids[finite], matrix[finite], norms[finite]
        np.divide(matrix, norms[:, None], out=matrix, where=norms[:, None] > 0)  # a zero vector stays zero
        self.ids: npt.NDArray[np.int64] = ids
        self.matrix: npt.NDArray[np.float32] = matrix
        # Ids in order, for looking up the rows of `allowed` ids in one vectorized step.
        self._by_id = np.argsort(ids, kind="stable")
        self._sorted_ids = ids[self._by_id]

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, lesson_id: object) -> bool:
        return isinstance(lesson_id, int | np.integer) and len(self._rows_of([int(lesson_id)])) > 0

    def _rows_of(self, lesson_ids: Collection[int]) -> npt.NDArray[np.intp]:
        """The matrix rows of those ids that are in the index, each once, in row order."""
        wanted = np.fromiter(lesson_ids, dtype=np.int64, count=len(lesson_ids))
        if not len(wanted) or not len(self._sorted_ids):
            return np.zeros(0, dtype=np.intp)
        at = np.minimum(np.searchsorted(self._sorted_ids, wanted), len(self._sorted_ids) - 1)
        found = self._sorted_ids[at] == wanted
        return np.unique(self._by_id[at[found]])

    def search(self, query: npt.ArrayLike, k: int, allowed: Collection[int] | None = None) -> list[tuple[int, float]]:
        """The k lessons most similar to `query`, as (lesson id, cosine) best first.

        `allowed`, when given, restricts the search to those lesson ids (ids not in the index are
        ignored). Equal scores are ordered by lesson id, so results are deterministic. A query of
        the wrong length raises ValueError; a zero query scores every lesson 0.
        """
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        if q.shape[0] != self.dim:
            raise ValueError(f"query has {q.shape[0]} dimensions, the index {self.dim}")
        if k <= 0 or not len(self):
            return []
        norm = float(np.linalg.norm(q))
        if norm > 0:
            q = q / norm
        if allowed is None:
            ids, scores = self.ids, _dot(self.matrix, q)
        else:
            rows = self._rows_of(allowed)  # an id listed twice in `allowed` is still one result
            ids, scores = self.ids[rows], _dot(self.matrix[rows], q)
        if k < len(scores):
            # argpartition finds the k-th best score; everything tying with it stays in the running,
            # so which of the tied lessons make the cut is decided by id below, not by chance.
            kth = np.argpartition(-scores, k - 1)[k - 1]
            keep = np.flatnonzero(scores >= scores[kth])
            ids, scores = ids[keep], scores[keep]
        order = np.lexsort((ids, -scores))[:k]
        return [(int(ids[i]), float(scores[i])) for i in order]


def _dot(matrix: npt.NDArray[np.float32], query: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """matrix @ query on the calling thread: einsum, not BLAS.

    numpy's OpenBLAS splits a product this size over every core, and a split that waits on a
    descheduled thread stalls when the cores are busy. On a 2-core machine, 10,000 x 384
    (benchmarks/vector_bench.py): idle, BLAS's product alone takes 0.4x a whole einsum search;
    with both cores kept busy, 5x. Recall runs next to a coding agent and its builds, so it takes
    einsum's steady sub-millisecond cost over BLAS's best case.
    """
    scores: npt.NDArray[np.float32] = np.einsum("ij,j->i", matrix, query)
    return scores
