"""`best_rows`: the best-scoring rows of a score array, as both indexes rank their chunks."""

from __future__ import annotations

import numpy as np


def best_rows(scores: np.ndarray, rows: np.ndarray, k: int) -> np.ndarray:
    """The `k` of `rows` (ascending) with the highest scores, best first; ties keep row order.

    Only rows that may be among the best (a score at least the k-th best) are sorted."""
    if len(rows) > k:
        kth = np.partition(scores[rows], len(rows) - k)[len(rows) - k]
        rows = rows[scores[rows] >= kth]
    return rows[np.argsort(-scores[rows], kind="stable")][:k]
