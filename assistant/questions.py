"""What a question asks for: its language, the kind of answer it wants, its key terms and figures."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.language import detect_language
from ingest.text import fold

WORDS_FILE = Path(__file__).with_name("question_words.json")
YEAR = re.compile(r"\b(19|20)\d{2}\b")
NUMBER = re.compile(r"\d")
TOKEN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # on folded text; elisions (l'unhcr) split


@dataclass(frozen=True)
class QuestionWords:
    kinds: dict[str, list[re.Pattern[str]]]
    stopwords: frozenset[str]


@lru_cache(maxsize=1)
def question_words() -> QuestionWords:
    data = json.loads(WORDS_FILE.read_text(encoding="utf-8"))
    kinds = {
        kind: [re.compile(p) for patterns in by_lang.values() for p in patterns]
        for kind, by_lang in data["kinds"].items()
    }
    stopwords = frozenset(w for words in data["stopwords"].values() for w in words)
    return QuestionWords(kinds, stopwords)


@dataclass(frozen=True)
class Question:
    text: str
    language: str
    kinds: frozenset[str]  # count, when, where, who, criteria, theme, actions
    terms: tuple[str, ...]  # folded content words
    years: tuple[str, ...]

    def wants(self, kind: str) -> bool:
        return kind in self.kinds


def analyse(text: str, language: str | None = None) -> Question:
    folded = fold(text)
    words = question_words()
    kinds = frozenset(k for k, patterns in words.kinds.items() if any(p.search(folded) for p in patterns))
    terms = tuple(t for t in TOKEN.findall(folded) if t not in words.stopwords and len(t) > 2)
    return Question(
        text=text,
        language=language or detect_language(text),
        kinds=kinds,
        terms=terms,
        years=tuple(m.group(0) for m in YEAR.finditer(text)),
    )


def content_tokens(text: str) -> list[str]:
    """Folded content words of any text (passage or sentence)."""
    stop = question_words().stopwords
    return [t for t in TOKEN.findall(fold(text)) if t not in stop and len(t) > 2]


def term_overlap(question: Question, text: str) -> float:
    """Share of the question's terms found in `text`. Words match when they share a long enough
    prefix, which also catches cognates across languages (réfugiés/refugees, syriens/Syrian)."""
    terms = set(question.terms)
    if not terms:
        return 0.0
    tokens = set(content_tokens(text))
    return sum(1 for t in terms if any(_cognates(t, w) for w in tokens)) / len(terms)


def _cognates(a: str, b: str) -> bool:
    if a == b:
        return True
    shared = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        shared += 1
    return shared >= max(4, math.ceil(0.6 * min(len(a), len(b))))
