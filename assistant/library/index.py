"""The indexed library: incremental ingest of files into the Chroma store and the lexical index.

Unchanged files (same SHA-256) are skipped, a changed file's chunks are replaced, files gone
from an ingested folder are removed, a file that cannot be read is reported and nothing else is
touched. One ingest at a time per index (a file lock).

Readers never see a half-written file: a file's record is marked pending before its chunks are
written, and `searcher()` drops the chunks of pending records from every result (the ids are
read after the search, so a chunk that reached the store during the search is caught too).

Searching and answering read no Chroma: the lexical index, the passage vectors (`DenseIndex`)
and the passages' sentences with theirs (`SentenceVectors`) are held in memory, row for row,
derived from one read of the store and saved together in CASEBOOK_HOME, and all three are
rebuilt whenever the records' generation changes (an ingest or a removal, by this process or by
another one sharing CASEBOOK_HOME), so a search never sees one side newer than the other.

With `CASEBOOK_CHROMA_URL` the chunks and vectors live on a Chroma server, while the in-memory
indexes' saved copy and the ingest records stay in CASEBOOK_HOME: the indexes are derived data,
and the records are small local bookkeeping. A team deployment shares them through the same CASEBOOK_HOME volume (the ingest
lock lives there too), or lets each host rebuild its indexes from the server.

Reading and chunking files (`ingest.loader`, `ingest.chunker`) is imported by `ingest` itself:
a command that only searches the library, such as a one-shot question, does not load it.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from filelock import FileLock

from assistant.errors import InputFileError
from assistant.library.records import ActionRecord, IngestRecords
from assistant.settings import Settings
from ingest.errors import IngestError
from ingest.models import Chunk, Publication
from ingest.readers import SUPPORTED_SUFFIXES
from ingest.taxonomy import Taxonomy, load_taxonomy
from vectorstore.chroma_store import ChunkStore
from vectorstore.dense import DenseIndex
from vectorstore.embeddings import make_embeddings
from vectorstore.filters import SearchFilters
from vectorstore.hybrid import FusionWeights, HybridSearcher, ScoredChunk
from vectorstore.lexical import LexicalIndex
from vectorstore.sentence_vectors import SentenceVectors

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int, str], None]  # (done, total, current file name)
EXPANDED_QUERIES = 256  # recent queries whose glossary expansion is remembered
EMBED_TOGETHER = 256  # passages of consecutive files embedded in one pass (about 12 case studies)


@dataclass(frozen=True)
class _ReadFile:
    """A new or changed file, read and chunked, waiting to be written; `old_ids`: the chunks of
    its previous version (None when it is new)."""

    key: str
    name: str
    sha: str
    chunks: list[Chunk]
    old_ids: Sequence[str] | None
    publication: Publication


@dataclass(frozen=True)
class _InMemory:
    """The indexes held in memory, row for row over the same committed chunks, and the first
    passage of each Action's section (what metadata answers cite), found once per index."""

    lexical: LexicalIndex
    dense: DenseIndex
    sentences: SentenceVectors
    first_passages: dict[tuple[str, str], Chunk]

    @classmethod
    def of(cls, lexical: LexicalIndex, dense: DenseIndex, sentences: SentenceVectors) -> _InMemory:
        firsts: dict[tuple[str, str], Chunk] = {}
        for chunk in lexical.chunks:  # the lowest position; of equal ones, the first in the index
            first = firsts.get((chunk.case_study_id, chunk.section))
            if first is None or chunk.position < first.position:
                firsts[(chunk.case_study_id, chunk.section)] = chunk
        return cls(lexical, dense, sentences, firsts)


@dataclass(frozen=True)
class FailedFile:
    file: str
    error: str


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: list[FailedFile] = field(default_factory=list)
    case_studies: int = 0  # in the library after the run
    chunks: int = 0  # in the library after the run
    files: dict[str, str] = field(default_factory=dict)  # file name -> added/updated/unchanged/...

    def to_json(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "failed": [{"file": f.file, "error": f.error} for f in self.failed],
            "case_studies": self.case_studies,
            "chunks": self.chunks,
        }


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def expand_paths(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """Files to ingest, and the folders they came from (for detecting removed files)."""
    files: list[Path] = []
    folders: list[Path] = []
    for path in paths:
        if not path.exists():
            raise InputFileError(f"{path}: no such file or folder")
        if path.is_dir():
            folders.append(path.resolve())
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and p.suffix.lower() in SUPPORTED_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            files.append(path)
    return list(dict.fromkeys(f.resolve() for f in files)), folders


class Library:
    def __init__(self, settings: Settings, taxonomy: Taxonomy | None = None) -> None:
        self.settings = settings
        self.taxonomy = taxonomy or load_taxonomy()
        home = settings.home
        home.mkdir(parents=True, exist_ok=True)
        self.embeddings = make_embeddings(settings.embedding_model)
        self.store = self._open_store()
        self.records = IngestRecords(home / "records.sqlite3")
        self._indexes_path = home / "lexical"  # the vectors are saved beside the lexical index
        self._indexes: _InMemory | None = None
        self._indexes_generation = -1
        self._actions: list[ActionRecord] = []
        self._actions_generation = -1
        self._lock = FileLock(str(home / "ingest.lock"))
        self._indexes_lock = threading.Lock()  # one build at a time when threads share a Library
        # each question is searched several times (scope, section, answer): expand it once
        self._expanded_query = lru_cache(maxsize=EXPANDED_QUERIES)(self._expand_query)
        if self.store.ensure_model(self.embeddings.model_id):
            self._reindex_after_model_change()

    def _open_store(self) -> ChunkStore:
        s = self.settings
        if s.chroma_url:
            return ChunkStore.from_url(
                s.chroma_url, self.embeddings, token=s.chroma_token, collection=s.collection
            )
        return ChunkStore.persistent(s.home / "chroma", self.embeddings, collection=s.collection)

    # ---- reading -------------------------------------------------------------------------

    def actions(self) -> list[ActionRecord]:
        """The indexed Actions, read again only when the records changed."""
        generation = self.records.generation()
        if self._actions_generation != generation:
            self._actions = self.records.actions()
            self._actions_generation = generation
        return self._actions

    def is_empty(self) -> bool:
        return not self.records.files()

    def searcher(self) -> HybridSearcher:
        r = self.settings.retrieval
        weights = FusionWeights(r.dense_weight, r.lexical_weight_same, r.lexical_weight_cross)
        indexes = self._in_memory()
        return CommittedSearcher(
            self.embeddings,
            indexes.lexical,
            indexes.dense,
            weights,
            expand_query=self._expanded_query,
            pending_ids=self.pending_ids,
        )

    def pending_ids(self) -> set[str]:
        """Chunk ids of files whose ingest is under way (or was interrupted): hidden from search."""
        return {chunk_id for record in self.records.pending() for chunk_id in record.chunk_ids}

    def _expand_query(self, query: str) -> str:
        """The query plus the glossary's forms of its acronyms in every language (POS -> SOP...)."""
        extra = [t for lang in self.taxonomy.languages for t in self.taxonomy.expand_acronyms(query, lang)]
        return " ".join([query, *dict.fromkeys(extra)])

    def first_passage(self, action_id: str, section: str) -> Chunk | None:
        """The first passage of an Action's section (what metadata answers cite)."""
        return self._in_memory().first_passages.get((action_id, section))

    def lexical(self) -> LexicalIndex:
        """The lexical index of the committed chunks, as of the records' current generation."""
        return self._in_memory().lexical

    def sentence_vectors(self, chunk_ids: Sequence[str]) -> dict[str, list[tuple[str, np.ndarray]]]:
        """The sentences of each of these committed chunks that has some, in order, with the
        vectors stored for them at ingest: read from memory, as of the current generation."""
        indexes = self._in_memory()
        rows = ((chunk_id, indexes.lexical.row(chunk_id)) for chunk_id in chunk_ids)
        found = {chunk_id: indexes.sentences.of_row(row) for chunk_id, row in rows if row is not None}
        return {chunk_id: sentences for chunk_id, sentences in found.items() if sentences}

    def _in_memory(self) -> _InMemory:
        """The lexical index, the passage vectors and the sentences of the same chunks, row for
        row: loaded or rebuilt together when the records changed since they were (see the
        module's docstring)."""
        with self._indexes_lock:
            generation = self.records.generation()
            if self._indexes is None or self._indexes_generation != generation:
                self._indexes = self._load_or_build_indexes(generation)
                self._indexes_generation = generation
            return self._indexes

    def _load_or_build_indexes(self, generation: int) -> _InMemory:
        folder = self._indexes_path
        marker = folder / "generation"
        if marker.exists() and marker.read_text() == str(generation):
            try:
                lexical = LexicalIndex.load(folder)
                dense = DenseIndex.load(folder, self.embeddings.model_id)
                sentences = SentenceVectors.load(folder)
                if len(dense) == len(sentences) == len(lexical):
                    return _InMemory.of(lexical, dense, sentences)
                log.warning(
                    "rebuilding the indexes: %d vectors and %d passages' sentences for %d chunks",
                    len(dense),
                    len(sentences),
                    len(lexical),
                )
            except Exception as error:  # a damaged or missing file is rebuilt, not fatal
                log.warning("rebuilding the indexes: %s", error)
        pending = self.pending_ids()
        stored = self.store.all_passages()
        committed = [row for row, chunk in enumerate(stored.chunks) if chunk.id not in pending]
        indexes = _InMemory.of(
            LexicalIndex.build([stored.chunks[row] for row in committed]),
            DenseIndex(stored.vectors[committed], self.embeddings.model_id),
            SentenceVectors.build([stored.sentences[row] for row in committed]),
        )
        indexes.lexical.save(folder)
        indexes.dense.save(folder)
        indexes.sentences.save(folder)
        marker.write_text(str(generation))
        return indexes

    # ---- writing -------------------------------------------------------------------------

    def ingest(self, paths: Iterable[Path], progress: ProgressCallback | None = None) -> IngestReport:
        """Read the files in order and write them in groups of about `EMBED_TOGETHER` passages,
        embedded and stored together (fewer, fuller calls of the model and the store); each file
        is still committed on its own (`_write_files`)."""
        files, folders = expand_paths(paths)
        report = IngestReport()
        with self._lock:
            self._repair_pending()
            waiting: list[_ReadFile] = []
            for done, path in enumerate(files):
                if progress:
                    progress(done, len(files), path.name)
                read = self._read_file(path, report)
                if read is not None:
                    waiting.append(read)
                if sum(len(r.chunks) for r in waiting) >= EMBED_TOGETHER:
                    self._write_files(waiting, report)
                    waiting = []
            self._write_files(waiting, report)
            report.removed = self._remove_missing(folders)
            if progress:
                progress(len(files), len(files), "")
        report.case_studies = len(self.records.actions())
        report.chunks = self.store.count()
        return report

    def _read_file(self, path: Path, report: IngestReport) -> _ReadFile | None:
        """The file's chunks to write, or None when it is unchanged or cannot be read (reported)."""
        from ingest.chunker import chunk_publication  # imported here: see the module's docstring
        from ingest.loader import load_file

        key = str(path)
        record = self.records.get(key)
        try:
            sha = file_sha256(path)
            if record and record.sha256 == sha:
                report.unchanged += 1
                report.files[path.name] = "unchanged"
                return None
            publication = load_file(path, self.taxonomy, max_bytes=self.settings.retrieval.max_file_bytes)
            chunks = chunk_publication(publication, max_words=self.settings.retrieval.chunk_words)
        except (IngestError, OSError) as error:
            report.failed.append(FailedFile(path.name, _reason(error, path)))
            report.files[path.name] = "failed"
            return None
        return _ReadFile(key, path.name, sha, chunks, record.chunk_ids if record else None, publication)

    def _write_files(self, files: list[_ReadFile], report: IngestReport) -> None:
        """Write a group of files in one store call (the store's cost per call grows with the
        collection): every file of the group is marked pending first, so that a kill half-way
        leaves each of them to be repaired, and each is committed on its own once written."""
        if not files:
            return
        chunks = [chunk for file in files for chunk in file.chunks]
        vectors = self.store.embed(chunks)
        for file in files:
            new_ids = {c.id for c in file.chunks}
            old_ids = set(file.old_ids or ())
            self.records.mark_pending(file.key, file.name, sorted(new_ids | old_ids))
            if stale := sorted(old_ids - new_ids):
                self.store.delete_ids(stale)
        self.store.add(chunks, vectors)
        for file in files:
            self._commit(file)
            if file.old_ids is None:
                report.added += 1
                report.files[file.name] = "added"
            else:
                report.updated += 1
                report.files[file.name] = "updated"

    def _commit(self, file: _ReadFile) -> None:
        cases = file.publication.case_studies
        counts = {case.id: sum(c.case_study_id == case.id for c in file.chunks) for case in cases}
        actions = [ActionRecord.from_case_study(case, counts[case.id]) for case in cases]
        self.records.commit_file(file.key, file.name, file.sha, [c.id for c in file.chunks], actions)

    def remove(self, path_or_action: str) -> bool:
        """Remove a file (by path) or the file holding an Action (by id) from the library."""
        with self._lock:
            key = self.records.action_path(path_or_action) or str(Path(path_or_action).resolve())
            record = self.records.get(key)
            if record is None:
                return False
            self._forget(record.path, record.name, record.chunk_ids)
            return True

    def _remove_missing(self, folders: list[Path]) -> int:
        removed = 0
        for record in self.records.files():
            path = Path(record.path)
            if any(path.is_relative_to(folder) for folder in folders) and not path.exists():
                self._forget(record.path, record.name, record.chunk_ids)
                removed += 1
        return removed

    def _forget(self, path: str, name: str, chunk_ids: Iterable[str]) -> None:
        """Remove a file's chunks and record; marked pending first, so a kill half-way is repaired."""
        ids = list(chunk_ids)
        self.records.mark_pending(path, name, ids)
        self.store.delete_ids(ids)
        self.records.forget(path)

    def _repair_pending(self) -> None:
        """Undo what an interrupted ingest left: its file is indexed again from scratch."""
        for record in self.records.pending():
            log.warning("repairing the interrupted ingest of %s", record.name)
            self.store.delete_ids(list(record.chunk_ids))
            self.records.forget(record.path)

    def _reindex_after_model_change(self) -> None:
        paths = [Path(r.path) for r in self.records.files()]
        log.warning("embedding model changed: rebuilding the index of %d files", len(paths))
        self.records.forget_all()
        existing = [p for p in paths if p.exists()]
        if existing:
            self.ingest(existing)


class CommittedSearcher(HybridSearcher):
    """A `HybridSearcher` that leaves out the chunks of files still being written."""

    def __init__(self, *args: object, pending_ids: Callable[[], set[str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._pending_ids = pending_ids

    def search(
        self, query: str, k: int = 5, filters: SearchFilters | None = None, language: str | None = None
    ) -> list[ScoredChunk]:
        before = self._pending_ids()
        results = super().search(query, k + len(before), filters, language)
        hidden = before | self._pending_ids()  # read again after: see the module's docstring
        return [r for r in results if r.chunk.id not in hidden][:k]


def _reason(error: Exception, path: Path) -> str:
    reason = getattr(error, "reason", None)
    if reason:
        return str(reason)
    text = str(error)
    return text.removeprefix(f"{path.name}: ") or type(error).__name__
