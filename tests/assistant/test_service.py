"""The `Casebook` facade: what one call costs the layers below it."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.service import Casebook

QUESTIONS = [
    "Quels enseignements la Jordanie a-t-elle tirés sur la volonté politique, selon ce test ?",
    "What did the Jordan Action learn about existing documents, asks this test?",
]


@pytest.mark.parametrize("question", QUESTIONS)
def test_an_ask_encodes_its_question_once(
    monkeypatch: pytest.MonkeyPatch, corpus_casebook: Casebook, question: str
) -> None:
    """The router searches, then weighs sentences against the question: each needs its vector."""
    embeddings = corpus_casebook.library.embeddings
    encode, embed_query = embeddings._encode, embeddings.embed_query
    asked: list[str] = []
    encoded: list[str] = []

    def counting_asks(text: str) -> list[float]:
        asked.append(text)
        return embed_query(text)

    def counting_encodes(model: object, texts: list[str], is_query: bool) -> np.ndarray:
        if is_query:
            encoded.extend(texts)
        return encode(model, texts, is_query)

    monkeypatch.setattr(embeddings, "embed_query", counting_asks)
    monkeypatch.setattr(embeddings, "_encode", counting_encodes)
    corpus_casebook.ask(question)
    assert len(asked) > 1
    assert encoded == [question]
