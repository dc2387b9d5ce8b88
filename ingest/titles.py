"""Case-study titles: normal case restored from capitals, and the stable readable case id."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field

from ingest.text import STOPWORDS, slugify, words

_WORD = re.compile(r"[^\W\d_]+")
_SENTENCE_START = re.compile(r"(?:^|[.!?:•\n]\s*)$")
_ID_TITLE_WORDS = 3
_ID_MAX_LENGTH = 60


def is_shouted(text: str) -> bool:
    """True for text printed in capitals (a title block), allowing a few lowercase letters."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and sum(ch.isupper() for ch in letters) / len(letters) > 0.8


@dataclass
class _Forms:
    """How one word is written in the body: alone, or inside a run of capitalised words (a name
    such as "National Labour Migration Policy", which says little about the word itself)."""

    alone: Counter[str] = field(default_factory=Counter)
    in_names: Counter[str] = field(default_factory=Counter)


def _body_forms(body: str) -> dict[str, _Forms]:
    """For each lowercased word, how it is written in the body away from sentence starts."""
    forms: dict[str, _Forms] = {}
    matches = list(_WORD.finditer(body))
    for i, match in enumerate(matches):
        if _SENTENCE_START.search(body[max(0, match.start() - 3) : match.start()]):
            continue  # capitalised by grammar, says nothing about the word
        word = match.group(0)
        entry = forms.get(word.lower())
        if entry is None:  # not setdefault: a _Forms (two Counters) per word cost a tenth of parsing
            entry = forms[word.lower()] = _Forms()
        neighbours = [m.group(0) for m in (matches[i - 1] if i else None, _at(matches, i + 1)) if m]
        in_name = word[0].isupper() and any(n[0].isupper() for n in neighbours)
        (entry.in_names if in_name else entry.alone)[word] += 1
    return forms


def _at(matches: list[re.Match[str]], i: int) -> re.Match[str] | None:
    return matches[i] if i < len(matches) else None


def _preferred(word: str, forms: dict[str, _Forms]) -> tuple[str, bool]:
    """The body's usual spelling, and whether it was seen capitalised only inside names.

    A word the body also writes in lower case is a common word unless it is capitalised more
    often on its own than it is written in lower case."""
    lower = word.lower()
    entry = forms.get(lower)
    if entry is None:
        return lower, False
    names = Counter({form: n for form, n in entry.in_names.items() if not form.isupper()})  # no title blocks
    counts = entry.alone if entry.alone.get(lower) else entry.alone + names
    if not counts:
        return lower, False
    best, best_count = max(counts.items(), key=lambda item: (item[1], item[0] == lower))
    if counts.get(lower, 0) >= best_count:
        return lower, False
    return best, not entry.alone.get(best)


def restore_title_case(title: str, body: str) -> str:
    """A title printed in capitals, in sentence case; words the body writes capitalised stay so.

    A word the body capitalises only inside a longer name ("Estratégia Nacional de Imigração")
    keeps its capital only beside another capitalised word of the title: the whole name, or
    nothing of it ("Uma nova estratégia nacional de imigração", not "estratégia Nacional")."""
    if not is_shouted(title):
        return title
    forms = _body_forms(body)
    matches = list(_WORD.finditer(title))
    chosen = [_preferred(m.group(0), forms) for m in matches]
    capital = [form[0].isupper() for form, _ in chosen]
    pieces, last = [], 0
    for i, (match, (form, name_only)) in enumerate(zip(matches, chosen, strict=True)):
        beside_capital = (i > 0 and capital[i - 1]) or (i + 1 < len(capital) and capital[i + 1])
        if name_only and not beside_capital:
            form = form.lower()
        if i == 0:
            form = form[:1].upper() + form[1:]
        pieces += [title[last : match.start()], form]
        last = match.end()
    return "".join([*pieces, title[last:]])


def case_study_id(country: str, years: str, title: str, taken: Collection[str] = ()) -> str:
    """`country-years-first-significant-title-words`, ascii, at most ~60 characters, unique."""
    significant = [w for w in words(title) if w not in STOPWORDS and len(w) > 1][:_ID_TITLE_WORDS]
    base = slugify(" ".join([country, years, *significant]), _ID_MAX_LENGTH)
    candidate, counter = base, 2
    while candidate in taken:
        candidate, counter = f"{base}-{counter}", counter + 1
    return candidate
