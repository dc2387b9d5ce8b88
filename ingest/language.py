"""Casebook's languages, and telling which one a text is written in (py3langid).

`LANGUAGES` is the one list of the languages Casebook reads and answers in: case studies are
detected among the taxonomy's languages, questions among these. py3langid ships its model
compressed (about half a second to unpack); it is kept unpacked in the cache folder
(`ingest.cache`), so a one-shot command reads it at once: the tables cut down to the languages
asked for, and the tokenizer's automaton (40 MB, the same for any languages), which is mapped
into memory rather than read, since classifying a question visits only a few of its pages."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

import numpy as np
import py3langid
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from ingest.cache import cache_path, cached

LANGUAGES = ("fr", "en", "es", "pt")
MIN_LETTERS = 3  # fewer letters than this tell no language


@cache
def _identifier(languages: tuple[str, ...]) -> LanguageIdentifier:
    # A private identifier: py3langid's module-level one is global state shared with others.
    # py3langid's version stands for its model (hashing the 4.5 MB file would cost each run 15 ms)
    sources: list[Path | str] = [f"py3langid {py3langid.__version__}", Path(__file__)]
    unpacked = cache(lambda: _unpacked_identifier(languages))  # unpacked once at most, for both files
    automaton = cached(
        cache_path("langid-automaton", ".npy", sources),
        _read_automaton,
        lambda: memoryview(unpacked().tk_nextmove),
        _write_automaton,
    )
    path = cache_path(f"langid-tables-{'-'.join(languages)}", ".npz", sources)
    return cached(path, lambda path: _read_identifier(path, automaton), unpacked, _write_identifier)


def _unpacked_identifier(languages: tuple[str, ...]) -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    identifier.set_languages(list(languages))
    return identifier


def _read_automaton(path: Path) -> memoryview:
    """The automaton's transitions, mapped: py3langid indexes them as it would a stdlib array."""
    return memoryview(np.load(path, mmap_mode="r", allow_pickle=False))


def _write_automaton(path: Path, nextmove: memoryview) -> None:
    with path.open("wb") as file:  # a file, not a path: np.save would add ".npy" to the name
        np.save(file, np.asarray(nextmove), allow_pickle=False)


def _write_identifier(path: Path, identifier: LanguageIdentifier) -> None:
    """The identifier's model as it stands (cut down to its languages) but the automaton's
    transitions (kept apart), uncompressed."""
    with path.open("wb") as file:
        np.savez(
            file,
            nb_ptc=identifier.nb_ptc,
            nb_pc=identifier.nb_pc,
            nb_classes=np.array(identifier.nb_classes),
            tk_row=np.frombuffer(identifier.tk_row, dtype=identifier.tk_row.typecode),
            tk_output=np.asarray(identifier.tk_output),
        )


def _read_identifier(path: Path, nextmove: memoryview) -> LanguageIdentifier:
    with np.load(path, allow_pickle=False) as model:
        return LanguageIdentifier(
            model["nb_ptc"],
            model["nb_pc"],
            model["nb_classes"].tolist(),
            nextmove,
            model["tk_output"].tolist(),
            tk_row=_as_array(model["tk_row"]),
        )


def _as_array(values: np.ndarray) -> array:
    """py3langid walks its automaton in stdlib arrays (of the same item type as saved)."""
    walked = array(values.dtype.char)
    walked.frombytes(np.ascontiguousarray(values).data.cast("B"))
    return walked


def detect_language(text: str, languages: Sequence[str] = LANGUAGES, default: str | None = None) -> str:
    """Most likely of `languages` for `text`; `default` (else the first language) for text with
    too few letters to tell."""
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return default or languages[0]
    language, _ = _identifier(tuple(languages)).classify(text)
    return str(language)


def vote_language(heading_languages: Iterable[tuple[str, ...]]) -> str | None:
    """Language most headings belong to; a heading shared by n languages gives each 1/n."""
    votes: dict[str, float] = {}
    for languages in heading_languages:
        for language in languages:
            votes[language] = votes.get(language, 0.0) + 1 / len(languages)
    if not votes:
        return None
    ranked = sorted(votes.items(), key=lambda item: item[1], reverse=True)[:2]
    if len(ranked) == 2 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]
