"""TermAnalyzer: stop words, accent-aware stemming, and query words matched to corpus terms."""

from __future__ import annotations

from vectorstore.analysis import TermAnalyzer


def test_stopwords_and_case_are_dropped() -> None:
    assert TermAnalyzer().document_terms("Les Réfugiés de la Jordanie", "fr") == ["refugi", "jordan"]


def test_refugees_and_shelters_keep_different_terms() -> None:
    analyzer = TermAnalyzer()
    assert analyzer.document_terms("réfugiés", "fr") != analyzer.document_terms("refuges", "fr")


def test_query_without_accents_reuses_the_accented_corpus_word_terms() -> None:
    analyzer = TermAnalyzer()
    analyzer.document_terms("Les réfugiés syriens et les refuges", "fr")
    assert analyzer.query_terms("refugies", "fr") == analyzer.query_terms("réfugiés", "fr") == ["refugi"]


def test_unseen_query_word_is_stemmed_as_typed() -> None:
    analyzer = TermAnalyzer()
    analyzer.document_terms("la protection des victimes", "fr")
    assert analyzer.query_terms("protections", "fr") == analyzer.query_terms("protection", "fr")


def test_query_in_unknown_language_merges_every_stemmer() -> None:
    assert set(TermAnalyzer().query_terms("protections", None)) == {"protect", "protections"}


def test_curly_and_straight_apostrophes_give_the_same_terms() -> None:
    analyzer = TermAnalyzer()
    assert analyzer.document_terms("d’étude", "fr") == analyzer.document_terms("d'étude", "fr")


def test_portuguese_words_are_stemmed() -> None:
    analyzer = TermAnalyzer()
    assert analyzer.document_terms("ajudou", "pt") == analyzer.document_terms("ajudar", "pt")


def test_unsupported_language_is_folded_not_stemmed() -> None:
    assert TermAnalyzer().document_terms("Études", "de") == ["etudes"]


def test_known_terms_survive_a_json_round_trip() -> None:
    analyzer = TermAnalyzer()
    analyzer.document_terms("Les réfugiés syriens", "fr")
    assert TermAnalyzer(analyzer.known).query_terms("refugies", "fr") == ["refugi"]


def test_words_are_stemmed_by_libstemmer_in_c() -> None:
    # PyStemmer is a dependency: without it snowballstemmer falls back to pure Python, 100x slower
    import Stemmer

    from vectorstore.analysis import _stemmer

    assert isinstance(_stemmer("fr"), Stemmer.Stemmer)
