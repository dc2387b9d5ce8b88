"""`TermAnalyzer`: turns chunk texts and queries into BM25 terms (stop words out, stems in).

Words are stemmed with their accents (Snowball needs them: "réfugiés" -> "réfugi" but
"refuges" -> "refug", shelters) and the stem is then folded ("refugi"). A query typed without
accents cannot be stemmed that way, so the analyzer remembers, for every folded word seen in
the corpus, the terms it produced; a query word found there reuses those terms, and only an
unseen word is stemmed as typed. A query in an unknown language is stemmed with every
supported stemmer and the terms are merged.

Stop words are bm25s's lists when an index is built; a saved index keeps the lists it was built
with (`TermAnalyzer.stopwords`), so loading one needs neither bm25s nor the scipy it imports. It
also keeps the languages it stemmed (`STEMMER_NAMES`): an index saved with others is stale.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import defaultdict
from functools import lru_cache

import snowballstemmer

from ingest.text import fold
from vectorstore.bm25 import bm25s_stopwords

STEMMER_NAMES = {"fr": "french", "en": "english", "es": "spanish", "pt": "portuguese"}
_WORD = re.compile(r"\w+")
_local = threading.local()  # Snowball stemmers keep state while stemming: one set per thread


class TermAnalyzer:
    """Documents' and queries' terms; `known` maps each folded corpus word to the terms it gave,
    `stopwords` each language to its folded stop words (bm25s's when not given)."""

    def __init__(
        self, known: dict[str, list[str]] | None = None, stopwords: dict[str, list[str]] | None = None
    ) -> None:
        self._known: defaultdict[str, set[str]] = defaultdict(set)
        for word, terms in (known or {}).items():
            self._known[word].update(terms)
        if stopwords is None:
            stopwords = {language: [fold(w) for w in words] for language, words in bm25s_stopwords().items()}
        self._stopwords = {language: frozenset(words) for language, words in stopwords.items()}
        self._any_stopword = frozenset().union(*self._stopwords.values())

    @property
    def stopwords(self) -> dict[str, list[str]]:
        """The language -> folded stop words table, JSON-ready (saved with the index)."""
        return {language: sorted(words) for language, words in self._stopwords.items()}

    @property
    def known(self) -> dict[str, list[str]]:
        """The folded-word -> terms table, JSON-ready (saved with the index)."""
        return {word: sorted(terms) for word, terms in self._known.items()}

    def document_terms(self, text: str, language: str) -> list[str]:
        """Terms of a chunk written in `language` (an unsupported language is folded, not stemmed)."""
        terms = []
        for word in _words(text, self._stopwords.get(language, frozenset())):
            term = _stem(word, language)
            self._known[fold(word)].add(term)
            terms.append(term)
        return terms

    def query_terms(self, query: str, language: str | None) -> list[str]:
        """Distinct terms of `query`; `language` None means unknown (every stemmer is tried)."""
        stopwords = self._any_stopword if language is None else self._stopwords.get(language, frozenset())
        terms: list[str] = []
        for word in _words(query, stopwords):
            terms += sorted(self._known.get(fold(word), ())) or _query_stems(word, language)
        return list(dict.fromkeys(terms))


def _words(text: str, stopwords: frozenset[str]) -> list[str]:
    """Lower-case words with their accents, in NFC so that Snowball sees "é" as one letter."""
    normalised = unicodedata.normalize("NFC", text).casefold()
    return [word for word in _WORD.findall(normalised) if fold(word) not in stopwords]


@lru_cache(maxsize=4096)  # the words questions use again and again ("how", "many")
def _query_stems(word: str, language: str | None) -> tuple[str, ...]:
    languages = list(STEMMER_NAMES) if language is None else [language]
    return tuple(_stem(word, lang) for lang in languages)


def _stem(word: str, language: str) -> str:
    """The folded Snowball stem of a lower-case `word` in `language` ("helped" -> "help"; accents
    kept give the better stem); an unsupported language's word is only folded."""
    if language not in STEMMER_NAMES:
        return fold(word)
    return fold(_stemmer(language).stemWord(word))


def _stemmer(language: str) -> snowballstemmer.Stemmer:
    stemmers: dict[str, snowballstemmer.Stemmer] = _local.__dict__.setdefault("stemmers", {})
    if language not in stemmers:
        stemmers[language] = snowballstemmer.stemmer(STEMMER_NAMES[language])
    return stemmers[language]
