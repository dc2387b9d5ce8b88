import csv
import io
from dataclasses import replace

from assistant.answering.extractive import ScoredSentence
from assistant.answering.lessons import build_filters, search_lessons, to_csv, to_markdown
from ingest.models import Chunk
from ingest.taxonomy import load_taxonomy
from vectorstore.filters import SearchFilters
from vectorstore.hybrid import ScoredChunk

TAXONOMY = load_taxonomy()
BASE = Chunk(
    id="j1",
    case_study_id="jordanie",
    action="Refuges",
    country="Jordanie",
    years="2016-2019",
    theme=None,
    criteria=(4, 10),
    section="lessons",
    language="fr",
    source="j.txt",
    page=5,
    position=0,
    text="La formation des inspecteurs a payé. Les refuges restent rares.",
)
OTHER = replace(BASE, id="l1", case_study_id="liban", action="Inspection", country="Liban", years="2017-2019")


class FakeRanker:
    def rank_sentences(self, question, passages):
        return [ScoredSentence("La formation des inspecteurs a payé.", p.chunk, 0.9, 0.9) for p in passages]


class FakeCasebook:
    extractive = FakeRanker()

    def __init__(self, hits: list[ScoredChunk]) -> None:
        self.hits = hits
        self.filters: SearchFilters | None = None

    def search(self, query, k=None, filters=None, language=None):
        self.filters = filters
        return self.hits


def _groups():
    hits = [
        ScoredChunk(OTHER, 0.9),
        ScoredChunk(BASE, 0.7),
        ScoredChunk(replace(BASE, id="j2", position=1, page=6), 0.5),
    ]
    return search_lessons(FakeCasebook(hits), "formation des inspecteurs")


def test_passages_are_grouped_by_action_best_action_first() -> None:
    groups = _groups()
    assert [g.country for g in groups] == ["Liban", "Jordanie"]
    assert [h.chunk.id for h in groups[1].hits] == ["j1", "j2"]


def test_each_passage_keeps_its_best_sentence() -> None:
    assert _groups()[0].hits[0].sentence == "La formation des inspecteurs a payé."


def test_csv_has_one_row_per_passage_with_criteria_labels() -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(_groups(), TAXONOMY))))
    assert len(rows) == 3
    assert rows[0]["country"] == "Liban"
    assert rows[0]["criteria"] == "4 Tangible results; 10 Knowledge exchange as a catalyst"


def test_markdown_has_a_heading_per_action_and_bolds_the_sentence() -> None:
    text = to_markdown(_groups(), "formation", TAXONOMY)
    assert text.startswith("# Lessons learnt: formation")
    assert "## Inspection — Liban (2017-2019)" in text
    assert "**La formation des inspecteurs a payé.**" in text


def test_empty_form_fields_do_not_filter() -> None:
    assert build_filters().is_empty()


def test_form_fields_become_search_filters_with_open_year_ranges() -> None:
    filters = build_filters(
        [10, 4, 10], "horizontal_interventions", ["Jordanie"], (2017, None), ["lessons"], "fr"
    )
    assert filters == SearchFilters(
        criteria=(4, 10),
        theme="horizontal_interventions",
        countries=("Jordanie",),
        sections=("lessons",),
        language="fr",
        years=(2017, 9999),
    )
