"""The ranking weights: a listwise (softmax) model fit on labelled candidate lists.

Each past example is one list: its candidates' features and which of them it touched. The
weights w maximize, summed over the lists, the mean log-probability of the touched files under
softmax(X w) over the list's candidates, minus an L2 penalty: the chance that a file the task
touched is the one ranked first, which is what a ranking is judged on, rather than each file's
touched-or-not alone (a pointwise model also spends itself on scoring lists against each
other). The loss is convex; it is fit by Newton's method with a backtracking line search from
the previous weights (the Hessian kept while full steps succeed, computed again when one does
not), in numpy (a few dozen columns: the exact Hessian is cheap, and scipy's
optimizers would bring a second BLAS thread pool that fights numpy's for the cores).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
_THREAD_SETTINGS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """numpy's BLAS on one thread while the model learns and ranks, unless the user set its
    threads (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS, MKL_NUM_THREADS).

    The products are small (a few thousand candidates, or the rows of 400 lists, by 59
    columns): a second thread gains next to nothing on an idle machine, and when the cores are
    busy (the agent, its tests, a build) a pool that waits on a descheduled thread stalls. The
    first `files predict` of lessonloop's own history beside other work took 29 s of wall time
    and 10 s of CPU with OpenBLAS's two threads, 12 s and 4.2 s with one (2 cores, load 12).
    Nothing else changes: the products are the same, bit for bit (each output element is
    computed by one thread either way)."""
    if any(name in os.environ for name in _THREAD_SETTINGS):
        yield
        return
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # an install without it: the library's own default
        yield
        return
    with ThreadpoolController().limit(limits=1, user_api="blas"):
        yield


class _Lists:
    """The lists stacked: rows, where each list starts, and each row's share of its list's target."""

    def __init__(self, kept: list[tuple[Array, Array]]) -> None:
        self.x = np.ascontiguousarray(np.vstack([rows for rows, _ in kept]), dtype=np.float64)
        sizes = np.array([len(labels) for _, labels in kept])
        self.starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        self.group = np.repeat(np.arange(len(kept)), sizes)
        # each list's touched files share its weight: the mean of their log-probabilities
        self.target = np.concatenate([labels / labels.sum() for _, labels in kept])

    def softmax(self, w: Array) -> tuple[float, Array]:
        """The summed negative log-likelihood at w, and each row's probability in its list."""
        z = self.x @ w
        top = np.maximum.reduceat(z, self.starts)
        e = np.exp(np.maximum(z - top[self.group], -60.0))  # no underflow: denormal numbers are slow
        total = np.add.reduceat(e, self.starts)
        loss = float(np.sum(np.log(total) + top) - self.target @ z)
        return loss, e / total[self.group]


def fit_listwise(lists: Iterable[tuple[Array, Array]], start: Array, l2: float = 1.0, iterations: int = 50) -> Array:
    """Weights for ranking: `lists` of (features, labels 1/0), each list with its candidates'
    rows; lists without a touched file say nothing and are left out. The last column is the
    bias: the same for every candidate of a list, it cannot rank and is kept as it was."""
    kept = [(x, y) for x, y in lists if len(y) and y.any()]
    if not kept:
        return start
    data = _Lists(kept)
    d = data.x.shape[1]
    free = np.ones(d, dtype=bool)
    free[-1] = False
    w = np.where(np.isfinite(start), start, 0.0).astype(np.float64)
    penalty = np.where(free, l2, 0.0)

    def objective(weights: Array) -> tuple[float, Array]:
        loss, p = data.softmax(weights)
        return loss + 0.5 * float(penalty @ (weights * weights)), p

    current, p = objective(w)
    hessian: Array | None = None
    for _ in range(iterations):
        gradient = data.x.T @ (p - data.target) + penalty * w
        if hessian is None:  # kept while full steps are taken: the gradient is cheap, the Hessian is not
            weighted = data.x * p[:, None]
            means = np.add.reduceat(weighted, data.starts)  # per list: the expected row under its softmax
            full = weighted.T @ data.x - means.T @ means + np.diag(penalty)
            hessian = full[np.ix_(free, free)] + 1e-9 * np.eye(int(free.sum()))
        step = np.zeros(d)
        step[free] = np.linalg.solve(hessian, gradient[free])
        size = 1.0
        while size > 1e-4:
            candidate = w - size * step
            value, q = objective(candidate)
            if value <= current:
                break
            size /= 2
        else:
            break
        if size < 1.0:
            hessian = None  # far from where it was computed: compute it again
        w, improvement, current, p = candidate, current - value, value, q
        if improvement < 1e-9 * max(1.0, abs(current)):
            break
    return w
