"""The ranking weights: a listwise (softmax) model fit on labelled candidate lists.

Each past example is one list: its candidates' features and which of them it touched. The
weights w maximize, summed over the lists, the mean log-probability of the touched files under
softmax(X w) over the list's candidates, minus an L2 penalty: the chance that a file the task
touched is the one ranked first, which is what a ranking is judged on, rather than each file's
touched-or-not alone (a pointwise model also spends itself on scoring lists against each
other). Fit by L-BFGS (scipy) from the previous weights.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize

Array = npt.NDArray[np.float64]


def fit_listwise(lists: Iterable[tuple[Array, Array]], start: Array, l2: float = 1.0, iterations: int = 200) -> Array:
    """Weights for ranking: `lists` of (features, labels 1/0), each list with its candidates'
    rows; lists without a touched file say nothing and are left out. The last column is the
    bias: the same for every candidate of a list, it cannot rank and is kept as it was."""
    kept = [(x, y) for x, y in lists if len(y) and y.any()]
    if not kept:
        return start
    x = np.vstack([rows for rows, _ in kept])
    sizes = np.array([len(labels) for _, labels in kept])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    group = np.repeat(np.arange(len(kept)), sizes)
    # each list's touched files share its weight: the mean of their log-probabilities
    target = np.concatenate([labels / labels.sum() for _, labels in kept])
    penalty = np.full(x.shape[1], l2)
    penalty[-1] = 0.0
    free = np.ones(x.shape[1])
    free[-1] = 0.0

    def objective(w: Array) -> tuple[float, Array]:
        z = x @ w
        top = np.maximum.reduceat(z, starts)
        e = np.exp(z - top[group])
        total = np.add.reduceat(e, starts)
        loss = float(np.sum(np.log(total) + top) - target @ z + 0.5 * penalty @ (w * w))
        p = e / total[group]
        gradient = (x.T @ (p - target) + penalty * w) * free
        return loss, gradient

    w0 = np.where(np.isfinite(start), start, 0.0).astype(np.float64)
    result = minimize(objective, w0, jac=True, method="L-BFGS-B", options={"maxiter": iterations})
    return np.asarray(result.x, dtype=np.float64)
