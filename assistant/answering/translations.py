"""Whether words of two languages name the same thing ("solicitudes" and "applications",
"formateurs" and "trainers", "belga" and "Bélgica"), where their spelling cannot tell: the cosine
of their vectors by the multilingual Universal Sentence Encoder (a default dependency, loaded on
first use), which puts a word's translations close to it and the other words of its field
further away.

The cut-offs are set on pairs of words (tests/assistant/answering/test_translations.py), not on
questions: the translations there score 0.60 to 0.94, other words of the same field 0.17 to
0.42; an adjective scores 0.60 to 1 with the name of its country.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from vectorstore.embeddings import USE_MULTILINGUAL, make_embeddings

TRANSLATION_SIMILARITY = 0.55
# "belga" and "Bélgica" 0.77, "Spanish" and "Spain" 0.76, "sueca" and "Suecia" 0.60
ADJECTIVE_SIMILARITY = 0.6
ADJECTIVE_MARGIN = 0.05  # over the next country's names ("belga": Bélgica 0.77, Belarús 0.57)
CACHED_WORDS = 65536  # the words next to a library's figures, and the questions' counted nouns

_vectors: dict[str, np.ndarray] = {}
_lock = threading.Lock()


def translates(word: str, others: Iterable[str]) -> bool:
    """Whether one of `others` is `word` in another language (or a synonym as close)."""
    candidates = [w for w in others if w]
    if not candidates:
        return False
    vectors = _vectors_of([word, *candidates])
    return any(float(vectors[word] @ vectors[w]) >= TRANSLATION_SIMILARITY for w in candidates)


def closest_name(forms: Sequence[str], names: Mapping[str, Iterable[str]]) -> str | None:
    """The key of `names` (an adjective's candidate countries, each with its names) whose names
    one of `forms` (a word as written and capitalised) is close to, and clearly closer than to
    any other key's; None when none is."""
    by_key = {key: list(words) for key, words in names.items()}
    vectors = _vectors_of([*forms, *(w for words in by_key.values() for w in words)])
    scores = sorted(
        (
            (max(float(vectors[form] @ vectors[w]) for form in forms for w in words), key)
            for key, words in by_key.items()
            if words
        ),
        reverse=True,
    )
    if not scores or scores[0][0] < ADJECTIVE_SIMILARITY:
        return None
    if len(scores) > 1 and scores[0][0] - scores[1][0] < ADJECTIVE_MARGIN:
        return None
    return scores[0][1]


def _vectors_of(words: list[str]) -> dict[str, np.ndarray]:
    with _lock:
        found = {w: _vectors[w] for w in words if w in _vectors}
    missing = [w for w in dict.fromkeys(words) if w not in found]
    if missing:
        encoded = make_embeddings(USE_MULTILINGUAL).embed_documents(missing)
        new = {w: np.asarray(v, dtype=np.float32) for w, v in zip(missing, encoded, strict=True)}
        found.update(new)
        with _lock:
            if len(_vectors) + len(new) > CACHED_WORDS:
                _vectors.clear()
            _vectors.update(new)
    return found
