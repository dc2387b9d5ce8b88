"""SearchFilters: the Chroma `where` clause, the Python predicate and the mask select the same chunks."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.models import Chunk
from vectorstore.chroma_store import ChunkStore
from vectorstore.filters import FilterColumns, SearchFilters

FILTERS = {
    "criterion": SearchFilters(criteria=(10,)),
    "all_criteria": SearchFilters(criteria=(4, 10)),
    "section": SearchFilters(sections=("lessons",)),
    "sections": SearchFilters(sections=("impact", "practices")),
    "country": SearchFilters(countries=("Jordan", "Tunisia")),
    "country_in_another_language": SearchFilters(countries=("Jordanie", "Túnez")),
    "country_code": SearchFilters(countries=("JO",)),
    "language": SearchFilters(language="es"),
    "years": SearchFilters(years=(2019, 2019)),
    "theme": SearchFilters(theme="migration_development"),
    "case_study": SearchFilters(case_study_ids=("en_nepal_2012-2014_migration_and_development_policy",)),
    "source": SearchFilters(sources=("mieux_jordanie_2016-2019_fr.txt",)),
    "combined": SearchFilters(criteria=(9,), language="fr", sections=("context", "lessons")),
    "nothing_matches": SearchFilters(countries=("Atlantis",)),
}


@pytest.mark.parametrize("name", FILTERS)
def test_chroma_and_python_sides_select_the_same_chunks(
    name: str, use_store: ChunkStore, corpus_chunks: list[Chunk]
) -> None:
    filters = FILTERS[name]
    in_chroma = {chunk.id for chunk, _ in use_store.query("migration", len(corpus_chunks), filters)}
    in_python = {chunk.id for chunk in corpus_chunks if filters.matches(chunk)}
    assert in_chroma == in_python
    assert name == "nothing_matches" or in_python


def test_empty_filters_give_no_where_clause() -> None:
    assert SearchFilters().to_chroma_where() is None
    assert SearchFilters().is_empty()


def test_single_condition_is_not_wrapped_in_and() -> None:
    assert SearchFilters(language="fr").to_chroma_where() == {"language": "fr"}


def test_criteria_must_all_be_illustrated(corpus_chunks: list[Chunk]) -> None:
    chunk = replace(corpus_chunks[0], criteria=(4,))
    assert SearchFilters(criteria=(4,)).matches(chunk)
    assert not SearchFilters(criteria=(4, 10)).matches(chunk)


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [((2019, 2020), True), ((2014, 2016), True), ((2012, 2015), False), ((2020, 2022), False)],
)
def test_years_match_when_ranges_overlap(
    corpus_chunks: list[Chunk], wanted: tuple[int, int], expected: bool
) -> None:
    chunk = replace(corpus_chunks[0], years="2016-2019")
    assert SearchFilters(years=wanted).matches(chunk) is expected


def test_unreadable_years_never_match_a_year_range(corpus_chunks: list[Chunk]) -> None:
    chunk = replace(corpus_chunks[0], years="")
    assert not SearchFilters(years=(0, 3000)).matches(chunk)


def test_theme_filter_excludes_chunks_without_theme(corpus_chunks: list[Chunk]) -> None:
    jordan = next(c for c in corpus_chunks if c.country == "Jordan")
    assert jordan.theme is None
    assert not SearchFilters(theme="irregular_migration").matches(jordan)


def test_criteria_are_filtered_with_contains() -> None:
    assert SearchFilters(criteria=(4,)).to_chroma_where() == {"criteria": {"$contains": 4}}


def test_countries_are_filtered_by_iso_code() -> None:
    where = SearchFilters(countries=("Jordanie", "Jordan", "Tunisie")).to_chroma_where()
    assert where == {"country_code": {"$in": ["JO", "TN"]}}


def test_a_name_that_is_no_known_country_is_matched_as_printed(corpus_chunks: list[Chunk]) -> None:
    filters = SearchFilters(countries=("Atlantis", "Jordanie"))
    assert filters.to_chroma_where() == {
        "$or": [{"country_code": {"$in": ["JO"]}}, {"country": {"$in": ["Atlantis"]}}]
    }
    assert filters.matches(replace(corpus_chunks[0], country="Atlantis"))


def test_blank_country_names_do_not_filter(corpus_chunks: list[Chunk]) -> None:
    assert SearchFilters(countries=("", " ")).is_empty()
    assert SearchFilters(countries=("",)).matches(corpus_chunks[0])


@pytest.mark.parametrize(
    "filters",
    [
        SearchFilters(criteria=(4,)),
        SearchFilters(theme="migration_development"),
        SearchFilters(countries=("Jordan",)),
        SearchFilters(years=(0, 3000)),
    ],
    ids=["criterion", "theme", "country", "years"],
)
def test_a_passage_without_that_field_is_never_selected_by_it(
    filters: SearchFilters, fresh_store: ChunkStore, jordan_chunks: list[Chunk], back_cover: Chunk
) -> None:
    fresh_store.add([back_cover, jordan_chunks[0]])
    in_chroma = {chunk.id for chunk, _ in fresh_store.query("migration", 2, filters)}
    assert back_cover.id not in in_chroma and not filters.matches(back_cover)


# ---- the mask over FilterColumns: every chunk at once, as `matches` one by one ---------------

COUNTRY_SPELLINGS = ("Jordan", "Jordanie", "JO", "Tunisia", "Túnez", "Liban", "Nepal", "Atlantis", " ")


@pytest.fixture(scope="module")
def varied_chunks(corpus_chunks: list[Chunk], back_cover: Chunk) -> list[Chunk]:
    """The corpus, its back cover, and chunks whose years, country and criteria read otherwise."""
    first = corpus_chunks[0]
    return [
        *corpus_chunks,
        back_cover,
        replace(first, id="one-year", years="2019", criteria=()),
        replace(first, id="no-years", years="", theme="legal_migration"),
        replace(first, id="french-name", country="Jordanie", criteria=(4, 10, 12)),
        replace(first, id="unknown-country", country="Atlantis"),
    ]


@st.composite
def search_filters(draw: st.DrawFn, chunks: list[Chunk]) -> SearchFilters:
    def some(values: list[str]) -> tuple[str, ...]:
        return tuple(draw(st.lists(st.sampled_from(values), max_size=3)))

    years = draw(st.none() | st.tuples(st.integers(2010, 2023), st.integers(0, 6)))
    return SearchFilters(
        criteria=tuple(draw(st.lists(st.integers(1, 12), max_size=3))),
        theme=draw(st.none() | st.sampled_from(sorted({c.theme for c in chunks if c.theme} | {"no_theme"}))),
        countries=some(list(COUNTRY_SPELLINGS)),
        sections=some(sorted({c.section for c in chunks} | {"nowhere"})),
        language=draw(st.none() | st.sampled_from(["fr", "en", "es", "de"])),
        years=None if years is None else (years[0], years[0] + years[1]),
        case_study_ids=some(sorted({c.case_study_id for c in chunks} | {"no-such-action"})),
        sources=some(sorted({c.source for c in chunks})),
    )


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_mask_selects_the_chunks_that_match(data: st.DataObject, varied_chunks: list[Chunk]) -> None:
    filters = data.draw(search_filters(varied_chunks))
    mask = filters.mask(FilterColumns(varied_chunks))
    assert mask.tolist() == [filters.matches(chunk) for chunk in varied_chunks]


@pytest.mark.parametrize("name", FILTERS)
def test_mask_agrees_with_matches_for_each_kind_of_filter(name: str, varied_chunks: list[Chunk]) -> None:
    filters = FILTERS[name]
    mask = filters.mask(FilterColumns(varied_chunks))
    assert mask.tolist() == [filters.matches(chunk) for chunk in varied_chunks]


def test_mask_over_no_chunks_is_empty() -> None:
    assert SearchFilters(language="fr").mask(FilterColumns([])).tolist() == []
