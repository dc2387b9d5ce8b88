"""`TermAnalyzer`: turns chunk texts and queries into BM25 terms (stop words out, stems in).

Words are stemmed with their accents (Snowball needs them: "réfugiés" -> "réfugi" but
"refuges" -> "refug", shelters) and the stem is then folded ("refugi"). A query typed without
accents cannot be stemmed that way, so the analyzer remembers, for every folded word seen in
the corpus, the terms it produced; a query word found there reuses those terms, and only an
unseen word is stemmed as typed. A query in an unknown language is stemmed with every
supported stemmer and the terms are merged.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import defaultdict

import snowballstemmer
from bm25s import stopwords as bm25_stopwords

from ingest.text import fold

STEMMER_NAMES = {"fr": "french", "en": "english", "es": "spanish"}
_STOPWORDS: dict[str, frozenset[str]] = {
    language: frozenset(fold(word) for word in words)
    for language, words in (
        ("fr", bm25_stopwords.STOPWORDS_FRENCH),
        ("en", bm25_stopwords.STOPWORDS_EN),
        ("es", bm25_stopwords.STOPWORDS_SPANISH),
    )
}
_ANY_STOPWORD = frozenset().union(*_STOPWORDS.values())
_WORD = re.compile(r"\w+")
_local = threading.local()  # Snowball stemmers keep state while stemming: one set per thread


class TermAnalyzer:
    """Documents' and queries' terms; `known` maps each folded corpus word to the terms it gave."""

    def __init__(self, known: dict[str, list[str]] | None = None) -> None:
        self._known: defaultdict[str, set[str]] = defaultdict(set)
        for word, terms in (known or {}).items():
            self._known[word].update(terms)

    @property
    def known(self) -> dict[str, list[str]]:
        """The folded-word -> terms table, JSON-ready (saved with the index)."""
        return {word: sorted(terms) for word, terms in self._known.items()}

    def document_terms(self, text: str, language: str) -> list[str]:
        """Terms of a chunk written in `language` (an unsupported language is folded, not stemmed)."""
        terms = []
        for word in _words(text, _STOPWORDS.get(language, frozenset())):
            term = _stem(word, language)
            self._known[fold(word)].add(term)
            terms.append(term)
        return terms

    def query_terms(self, query: str, language: str | None) -> list[str]:
        """Distinct terms of `query`; `language` None means unknown (every stemmer is tried)."""
        stopwords = _ANY_STOPWORD if language is None else _STOPWORDS.get(language, frozenset())
        terms: list[str] = []
        for word in _words(query, stopwords):
            terms += sorted(self._known.get(fold(word), ())) or _query_stems(word, language)
        return list(dict.fromkeys(terms))


def _words(text: str, stopwords: frozenset[str]) -> list[str]:
    """Lower-case words with their accents, in NFC so that Snowball sees "é" as one letter."""
    normalised = unicodedata.normalize("NFC", text).casefold()
    return [word for word in _WORD.findall(normalised) if fold(word) not in stopwords]


def _query_stems(word: str, language: str | None) -> list[str]:
    languages = list(STEMMER_NAMES) if language is None else [language]
    return [_stem(word, lang) for lang in languages]


def _stem(word: str, language: str) -> str:
    if language not in STEMMER_NAMES:
        return fold(word)
    return fold(_stemmer(language).stemWord(word))


def _stemmer(language: str) -> snowballstemmer.Stemmer:
    stemmers: dict[str, snowballstemmer.Stemmer] = _local.__dict__.setdefault("stemmers", {})
    if language not in stemmers:
        stemmers[language] = snowballstemmer.stemmer(STEMMER_NAMES[language])
    return stemmers[language]
