"""A text passage's vector, made from its sentences' vectors rather than by embedding it again.

Each sentence of a text chunk is embedded for the answer engine; the chunk's own vector is the
L2-normalised mean of those vectors, so ingest embeds each character once (a chunk of one
sentence is embedded once and the sentence shares its vector). On both dev sets this answers as
the embedded passage did, out-of-fold and in-sample, while a mean weighted by the sentences'
lengths lost a fact and an Action cited first (benchmarks/results/passage_vectors.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike


def from_sentences(vectors: Sequence[ArrayLike]) -> list[float]:
    """The L2-normalised mean of a passage's sentence vectors (at least one) as float32 values;
    the vector itself, unchanged, when there is one."""
    rows = np.asarray(vectors, dtype=np.float32)
    if len(rows) == 1:
        return rows[0].tolist()
    mean = rows.astype(np.float64).mean(axis=0)
    return (mean / np.linalg.norm(mean)).astype(np.float32).tolist()
