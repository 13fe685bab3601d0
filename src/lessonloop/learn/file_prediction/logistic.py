"""A small L2-regularized logistic regression fit by Newton's method with a backtracking line
search (so it never diverges, even on separable data), in numpy."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
CHUNK = 1024  # rows per product: small products stay on one thread (a threaded BLAS on tens of
# thousands of rows of ~20 columns spends more time handing out work than computing, 3x slower here)


def _gram(x: Array, weights: Array) -> Array:
    """x^T diag(weights) x, a chunk of rows at a time."""
    out = np.zeros((x.shape[1], x.shape[1]))
    for i in range(0, len(x), CHUNK):
        part = x[i : i + CHUNK]
        out += (part * weights[i : i + CHUNK, None]).T @ part
    return out


def _objective(x: Array, y: Array, sample: Array, penalty: Array, w: Array) -> float:
    z = x @ w
    # log(1 + e^z) - y z, computed without overflow
    loss = np.logaddexp(0.0, z) - y * z
    return float(sample @ loss + 0.5 * penalty @ (w * w))


def fit_logistic(x: Array, y: Array, l2: float = 1.0, iterations: int = 50, start: Array | None = None) -> Array:
    """Weights w minimizing the weighted log loss + l2/2 |w|^2 (the last column of x is the bias:
    not penalized). Classes are weighted to count equally."""
    n, d = x.shape
    w = np.zeros(d) if start is None or not np.all(np.isfinite(start)) else start.astype(np.float64).copy()
    positives = max(float(y.sum()), 1.0)
    negatives = max(float(n - y.sum()), 1.0)
    sample = np.where(y > 0, n / (2 * positives), n / (2 * negatives))
    penalty = np.full(d, l2)
    penalty[-1] = 1e-3
    current = _objective(x, y, sample, penalty, w)
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        gradient = x.T @ (sample * (p - y)) + penalty * w
        hessian = _gram(x, sample * p * (1 - p)) + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        size = 1.0
        while size > 1e-4:
            candidate = w - size * step
            value = _objective(x, y, sample, penalty, candidate)
            if value <= current:
                break
            size /= 2
        else:
            break
        w, improvement, current = candidate, current - value, value
        if improvement < 1e-8 * max(1.0, abs(current)):
            break
    return w
