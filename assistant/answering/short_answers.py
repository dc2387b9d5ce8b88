"""The fact first: the figure, date, duration, amount, country, organisation or place a question
asks for, taken from the sentence that answers it and written in the question's language.

Numbers are read in the source's conventions and written in the question's (Babel: "655 000"
becomes "655,000" in English), dates and durations are written by CLDR's patterns ("12 octobre
2017" becomes "October 12, 2017"), countries by their CLDR name ("en Belgique" gives "Belgium"),
glossary acronyms with their full form. Nothing is invented: every fact is one the sentence holds.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher
from functools import cache, lru_cache

from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton
from babel.numbers import NumberFormatError, format_currency, format_decimal, parse_decimal
from babel.units import format_unit

from assistant.answering.answers import Answer
from assistant.answering.questions import MONTHS, SPELLED_NUMBERS, YEAR, Question, cognates, question_words
from assistant.answering.translations import translates
from ingest.countries import cities_in, countries_in, country_code
from ingest.taxonomy import Taxonomy
from ingest.text import fold, words

NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:[  ,.]\d{3})+(?:[.,]\d+)?(?!\w)|(?<![\w.,])\d+(?:[.,]\d+)?(?!\w)")
UNITS = {
    "day": "days? jours? dias? días?",
    "week": "weeks? semaines? semanas?",
    "month": "months? mois mes meses",
    "year": "years? ans années annees años anos",
}
CURRENCIES = {"€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "$": "USD", "usd": "USD"}
# Where a count question says what it counts: "how many labour inspectors were trained" (folded).
COUNTED = re.compile(
    r"\b(?:how many|number of|combien d[e']\s*|nombre d[e']\s*|cuant[oa]s|numero de|quant[oa]s|numero de)\s*"
    r"([a-z]{3,}(?:[ '-][a-z]+)*)"
)
COUNTED_WORDS = 3  # "private employment agencies": in English the noun comes after its modifiers
FOLLOWING_WORDS = 5  # "86 foreign service and labour officers": what a figure counts may come fifth
# Two spellings of one noun in two languages share most of their letters in order (difflib's
# ratio): counsellors/conseillers 0.82, members/miembros 0.80; agents/agencies 0.71 are two nouns.
SPELLING_RATIO = 0.8
SPELLING_LENGTH = 5
FRAME_ACRONYMS = frozenset({"MIEUX", "EU", "UE"})  # the programme and the Union frame every answer
ACRONYM = re.compile(r"\b[A-Z][A-Za-z]*[A-Z]s?\b")
# Kinds in the order their fact is looked for: the narrower first ("how long" is also a figure).
ORDER = ("duration", "money", "when", "count", "country", "who", "where")


def short_answer(
    question: Question, sentence: str, source_language: str, own_country: str, taxonomy: Taxonomy
) -> str | None:
    """The fact asked for, from `sentence`, in the question's language; None when the question
    asks for an explanation or the sentence holds no fact of the kind asked."""
    readers: dict[str, Callable[[], str | None]] = {
        "duration": lambda: _duration(sentence, question.language),
        "money": lambda: _money(sentence, source_language, question.language),
        "when": lambda: _date(sentence, question),
        "count": lambda: _figure(sentence, source_language, question),
        "country": lambda: _country(sentence, own_country, question.language),
        "who": lambda: _organisation(sentence, question.language, taxonomy),
        "where": lambda: _place(sentence),
    }
    for kind in ORDER:
        if question.wants(kind) and (fact := readers[kind]()):
            return fact
    return None


def load_formats(languages: Iterable[str]) -> None:
    """Read Babel's number and date formats of these languages now (some 10 ms each), not at
    the first fact written in each."""
    for language in languages:
        Locale.parse(language).decimal_formats  # noqa: B018 (reading it loads the locale's data)


def _number(text: str, language: str) -> Decimal | None:
    compact = re.sub(r"[  ](?=\d{3}\b)", "", text)
    try:
        return parse_decimal(compact, locale=language, strict=False)
    except (NumberFormatError, InvalidOperation):
        return None


def _figure(sentence: str, source: str, question: Question) -> str | None:
    """The count the question asks for: the figure followed by what the question counts ("19
    members" for "how many members"), else the sentence's only figure; None when unclear."""
    counted = counted_nouns(question)
    candidates = counted_figures(question, sentence, source) or counted_figures(
        question, sentence, source, translated=True
    )
    if not candidates or (len(candidates) > 1 and not counted):
        return None
    value, following = candidates[0]
    percent = following.lstrip().startswith("%")
    suffix = ("\u00a0%" if question.language == "fr" else "%") if percent else ""
    return format_decimal(value, locale=question.language) + suffix


def counted_nouns(question: Question) -> tuple[str, ...]:
    """What a count question counts, folded, most likely first: "how many members" -> ("members",);
    "how many labour inspectors were trained" -> ("inspectors", "labour"): English puts the noun
    last among the words up to the first that says no thing (an auxiliary, an article, a
    preposition, a verb in -ed), but a verb may hide among them ("how many people took part"), so
    the first word is the second guess; "combien de membres comptait" -> ("membres",): French,
    Spanish and Portuguese put the noun first. () when the question says nothing it counts."""
    return _counted_nouns(question.text, question.language)


@lru_cache(maxsize=256)  # read for every candidate sentence of a count question (`counted_figures`)
def _counted_nouns(text: str, language: str) -> tuple[str, ...]:
    counted = COUNTED.search(fold(text))
    if not counted:
        return ()
    if language != "en":
        return (words(counted.group(1))[0],)
    stopwords = question_words().stopwords
    said: list[str] = []
    for word in words(counted.group(1))[:COUNTED_WORDS]:
        if word in stopwords or len(word) < 3 or (said and word.endswith("ed")):
            break
        said.append(word)
    return tuple(dict.fromkeys(said[-1:] + said[:1]))


def counted_figures(
    question: Question, sentence: str, source: str, translated: bool = False
) -> list[tuple[Decimal, str]]:
    """The sentence's figures of what the question counts ("19 members" for "how many
    members"), by the likeliest noun that it counts (`counted_nouns`) spelled alike (`_same_noun`,
    loosely in the question's language) or, when `translated` and the sentence is in another
    language, spelled loosely alike or translated ("5.640 solicitudes" for "how many
    applications": a word model, loaded only when spelling finds no count); all its figures when
    the question names nothing it counts."""
    candidates = figures(sentence, source)
    nouns = counted_nouns(question)
    loosely = translated or source == question.language
    for noun in nouns:
        if found := [c for c in candidates if any(_same_noun(noun, w, loosely) for w in words(c[1]))]:
            return found
        if (
            translated
            and source != question.language
            and (
                found := [c for c in candidates if translates(noun, [w for w in words(c[1]) if len(w) >= 3])]
            )
        ):
            return found
    return [] if nouns else candidates


@lru_cache(maxsize=8192)
def _same_noun(a: str, b: str, loosely: bool) -> bool:
    """The counted noun across languages: cognates, four letters in common (membres/members), or,
    `loosely`, the same word spelled the other language's way (conseillers/counsellors,
    réponses/responses; but officials/oficinas too, so that a sentence of another language
    counting it only so is weighed with those counting it translated, `counted_figures`)."""
    if cognates(a, b) or (len(a) >= 4 and len(b) >= 4 and a[:4] == b[:4]):
        return True
    return (
        loosely
        and min(len(a), len(b)) >= SPELLING_LENGTH
        and SequenceMatcher(None, a, b).ratio() >= SPELLING_RATIO
    )


def figures(sentence: str, source: str) -> list[tuple[Decimal, str]]:
    """Every count in the sentence (digits or a number word, years and days of dates aside),
    with the words that follow it (`FOLLOWING_WORDS`), in order."""
    return list(_figures(sentence, source))


@lru_cache(maxsize=8192)  # the sentences of the passages found recur from question to question
def _figures(sentence: str, source: str) -> tuple[tuple[Decimal, str], ...]:
    """What follows a figure ends at the next one ("15 institutions and 19 members": 15 counts
    institutions, not members)."""
    spelled = _spelled()
    found: list[tuple[int, int, Decimal | None]] = []  # start, end, value (None: a year or a day)
    for match in NUMBER.finditer(sentence):
        next_word = fold(sentence[match.end() : match.end() + 20]).split()[:1]
        dated = YEAR.fullmatch(match.group(0)) or (next_word and next_word[0].strip(",.") in MONTHS)
        value = None if dated else _number(match.group(0), source)  # a year or a date's day counts nothing
        found.append((match.start(), match.end(), value))
    for match in re.finditer(r"[^\W\d_]+", sentence):
        if (word := fold(match.group(0))) in spelled:
            found.append((match.start(), match.end(), Decimal(spelled[word])))
    found.sort(key=lambda f: f[0])
    counts: list[tuple[Decimal, str]] = []
    for i, (_, end, value) in enumerate(found):
        if value is None:
            continue
        following = sentence[end : found[i + 1][0] if i + 1 < len(found) else len(sentence)][:80]
        counts.append(
            (value, following if following.startswith("%") else " ".join(following.split()[:FOLLOWING_WORDS]))
        )
    return tuple(counts)


@lru_cache(maxsize=8192)  # a duration question checks each candidate sentence more than once
def date_range(sentence: str) -> tuple[datetime.date, datetime.date, str] | None:
    """The period a sentence gives by its two ends ("between May 2018 and November 2020",
    "de mars 2016 à novembre 2018", "from 2016 to 2018"): the first day of each end's month (of
    its year when no month is said) and the skeleton that writes them as precisely as said."""
    match = _date_range_pattern().search(fold(sentence))
    if not match:
        return None
    groups = match.groups()
    start_month, start_year, end_month, end_year = groups[:4] if groups[1] else groups[4:]
    if (start_month is None) != (end_month is None):
        return None  # "from 2016 to May 2018": one end is not said as precisely as the other
    start = datetime.date(int(start_year), MONTHS[start_month] if start_month else 1, 1)
    end = datetime.date(int(end_year), MONTHS[end_month] if end_month else 1, 1)
    if end <= start:
        return None
    return start, end, "yMMMM" if start_month else "y"


@cache
def _date_range_pattern() -> re.Pattern[str]:
    """A period in Casebook's languages, on folded text: "between X and Y" or "from X to Y", X
    and Y a year or a month and year ("de 2018 y 2019" names two years, not a period)."""
    months = "|".join(sorted(MONTHS, key=len, reverse=True))
    end = rf"(?:({months}) (?:de )?)?((?:19|20)\d{{2}})"
    between = rf"\b(?:between|entre)\s+{end}\s+(?:and|et|y|e)\s+{end}\b"
    from_to = (
        rf"\b(?:from|since|de|desde|du|d'|des|depuis)\s*{end}\s*"
        rf"(?:to|until|till|through|a|au|jusqu'(?:a|en)|hasta|ate|-|–)\s*{end}\b"
    )
    return re.compile(f"{between}|{from_to}")


def _duration(sentence: str, language: str) -> str | None:
    """A length of time the sentence gives ("18 months"), else the period it gives by its ends
    (written as such: how long it lasted is not for a pattern to count)."""
    words = _spelled()
    folded = fold(sentence)
    for unit, spelled in UNITS.items():
        names = "|".join(fold(s) for s in spelled.split())
        match = re.search(rf"\b(\d+|{'|'.join(words)})\s+({names})\b", folded)
        if match:
            count = int(match.group(1)) if match.group(1).isdigit() else words[match.group(1)]
            return format_unit(count, f"duration-{unit}", length="long", locale=language)
    period = date_range(sentence)
    return format_interval(*period, locale=language) if period else None


def _money(sentence: str, source: str, language: str) -> str | None:
    amount = r"\d[\d  .,]*\d|\d"
    match = re.search(
        rf"(€|\$|\bEUR\b|\bUSD\b)\s?({amount})|({amount})\s?(€|\$|EUR\b|USD\b|euros?\b)", sentence, re.I
    )
    if not match:
        return None
    symbol, number = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
    value = _number(number, source)
    if value is None:
        return None
    return format_currency(value, CURRENCIES.get(symbol.lower(), "EUR"), locale=language)


@cache
def _spelled() -> dict[str, int]:
    """Numbers written out, folded -> value."""
    return {fold(word): n for n, spelled in SPELLED_NUMBERS.items() for word in spelled.split()}


def _date(sentence: str, question: Question) -> str | None:
    """The date the sentence gives; of a period it gives by its ends, the end the question asks
    for ("when did it end?"), else the whole period."""
    language = question.language
    period = date_range(sentence)
    if period:
        start, end, skeleton = period
        if question.wants("ended") != question.wants("began"):
            return format_skeleton(skeleton, end if question.wants("ended") else start, locale=language)
        return format_interval(start, end, skeleton, locale=language)
    months = "|".join(sorted(MONTHS, key=len, reverse=True))
    folded = fold(sentence)
    day_first = re.search(rf"\b(\d{{1,2}})(?:er)? (?:de )?({months}) (?:de )?((?:19|20)\d{{2}})\b", folded)
    if day_first:
        day, month, year = int(day_first.group(1)), MONTHS[day_first.group(2)], int(day_first.group(3))
        try:
            return format_date(datetime.date(year, month, day), format="long", locale=language)
        except ValueError:
            return None
    month_first = re.search(rf"\b({months})(?: (\d{{1,2}}),)? (?:de )?((?:19|20)\d{{2}})\b", folded)
    if month_first:
        month, year = MONTHS[month_first.group(1)], int(month_first.group(3))
        if month_first.group(2):
            return format_date(
                datetime.date(year, month, int(month_first.group(2))), format="long", locale=language
            )
        return format_skeleton("yMMMM", datetime.date(year, month, 1), locale=language)
    year_only = YEAR.search(sentence)
    return year_only.group(0) if year_only else None


def _country(sentence: str, own_country: str, language: str) -> str | None:
    own = country_code(own_country)
    for code in countries_in(fold(sentence)).values():
        if code != own:
            return Locale.parse(language).territories.get(code)
    return None


def _organisation(sentence: str, language: str, taxonomy: Taxonomy) -> str | None:
    """The one organisation the sentence names by an acronym (with its full form when the
    glossary has it); None when it names several: which one answers is not for a pattern to say."""
    named = list(dict.fromkeys(a for a in ACRONYM.findall(sentence) if a not in FRAME_ACRONYMS))
    if len(named) != 1:
        return None
    acronym = named[0]
    for entry in taxonomy.acronyms:
        if acronym in entry.all_acronyms():
            local = entry.acronyms.get(language, (acronym,))[0]
            expansion = entry.expansions.get(language)
            return f"{local} ({expansion})" if expansion else local
    return acronym


def _place(sentence: str) -> str | None:
    cities = cities_in(sentence)
    return next(iter(cities)).title() if cities else None


def lead_with_fact(question: Question, answer: Answer, taxonomy: Taxonomy) -> Answer:
    """`answer` opening with the fact each part of the question asks for (its `short_answer`):
    read from the first cited sentence, or for a multi-part question from the first cited
    sentence that holds each part's fact. A list across Actions has no one fact to lead with."""
    if answer.abstained or not answer.citations or question.wants("actions"):
        return answer
    facts = []
    parts = question.part_questions()
    read = answer.citations if parts else answer.citations[:1]
    for part in parts or [question]:
        fact = next(
            (
                found
                for citation in read
                if (
                    found := short_answer(
                        part, citation.quote, citation.chunk.language, citation.chunk.country, taxonomy
                    )
                )
            ),
            None,
        )
        if fact and fact not in facts:
            facts.append(fact)
    if not facts:
        return answer
    short = "; ".join(facts)
    return replace(answer, answer=f"{short}\n{answer.answer}", short_answer=short)
