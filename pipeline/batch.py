"""Batch extraction: documents in, output folder out (the engine of ``parkgraph extract``).

Documents are read lazily and cut into batches (at most ``BATCH_DOCS`` documents or
``BATCH_CHARS`` characters); batches are parsed in this process, in a pool of worker processes
(``workers``), or on a Dask cluster (``engine="dask"``). At most ``2 × workers`` batches are in
flight, and results are written in input order, so memory stays bounded and the output is the
same whatever the engine or the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from .emit import DocumentResult, OutputFolder, document_row, entity_rows, jsonl, relation_rows
from .io import Document, iter_documents

BATCH_DOCS = 256
BATCH_CHARS = 200_000
# Longer documents are parsed in pieces cut at sentence ends (a 10 MB single line is one
# document, but one spaCy Doc of it would hold millions of tokens). Entities and relations are
# found within a piece; offsets are shifted back into the whole document.
PIECE_CHARS = 100_000


class Settings(NamedTuple):
    """What selects a pipeline (``pipeline.load``'s arguments); sent to every worker."""

    ner: str = "model"
    prefer: str | None = None
    min_confidence: float = 0.0
    relations: str = "relations"  # the relation classifier: models/relations, a path, or none (rules only)


DEFAULT_SETTINGS = Settings()
_PIPELINES: dict[Settings, Language] = {}


def get_pipeline(settings: Settings = DEFAULT_SETTINGS) -> Language:
    """The pipeline for ``settings``, loaded once per process (workers call this too)."""
    if settings not in _PIPELINES:
        import pipeline

        _PIPELINES[settings] = pipeline.load(
            ner=settings.ner,
            prefer=settings.prefer,
            **{
                "components.relations.min_confidence": settings.min_confidence,
                "components.relations.model": settings.relations,
            },
        )
    return _PIPELINES[settings]


def pieces(text: str, limit: int = PIECE_CHARS) -> list[tuple[int, str]]:
    """(offset, piece) cuts of ``text`` no longer than ``limit``, at a sentence end when one is near."""
    if len(text) <= limit:
        return [(0, text)]
    out, start = [], 0
    while start < len(text):
        end = min(len(text), start + limit)
        if end < len(text):
            cut = max((m.end() for m in re.finditer(r"[。！？!?\n]", text[start + limit // 2 : end])), default=None)
            end = start + limit // 2 + cut if cut else end
        out.append((start, text[start:end]))
        start = end
    return out


def parse_document(nlp: Language, document: Document) -> DocumentResult:
    """One document alone; a failure becomes its error row."""
    if document.error:
        return DocumentResult(document_row(document))
    try:
        return _result(document, [(offset, piece, nlp(piece)) for offset, piece in pieces(document.text)])
    except Exception as error:  # noqa: BLE001  (one document's failure never stops the batch)
        return DocumentResult(document_row(document, f"pipeline failed: {type(error).__name__}: {error}"))


def _result(document: Document, parsed: list[tuple[int, str, Doc]]) -> DocumentResult:
    entities, relations = [], []
    for offset, piece, doc in parsed:
        entities += entity_rows(doc, document.doc_id, offset, piece)
        relations += relation_rows(doc, document.doc_id, offset, piece)
    return DocumentResult(document_row(document), jsonl(entities), jsonl(relations))


def parse_batch(documents: list[Document], settings: Settings = DEFAULT_SETTINGS) -> list[DocumentResult]:
    """Parse a batch in this process: what every engine runs, in a worker or here.

    The pieces of all documents go through ``nlp.pipe`` together (the NER model runs its matrix
    products on many sentences at once, ~1.6× faster than one by one); if anything in the batch
    fails, each document is parsed alone, so that only the broken one gets an error row."""
    nlp = get_pipeline(settings)
    jobs = [(i, offset, piece) for i, d in enumerate(documents) if not d.error for offset, piece in pieces(d.text)]
    try:
        parsed: dict[int, list] = {}
        for (i, offset, piece), doc in zip(jobs, nlp.pipe((piece for _, _, piece in jobs), batch_size=64)):
            parsed.setdefault(i, []).append((offset, piece, doc))
        return [
            _result(d, parsed.get(i, [])) if not d.error else DocumentResult(document_row(d))
            for i, d in enumerate(documents)
        ]
    except Exception:  # noqa: BLE001
        return [parse_document(nlp, d) for d in documents]


def batches(documents: Iterable[Document], skip: Callable[[Document], bool]) -> Iterator[list[Document]]:
    batch, chars = [], 0
    for document in documents:
        if skip(document):
            continue
        batch.append(document)
        chars += len(document.text)
        if len(batch) >= BATCH_DOCS or chars >= BATCH_CHARS:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


@dataclass
class BatchResult:
    documents: int = 0
    skipped: int = 0
    failed: int = 0
    chars: int = 0


class _InProcess:
    def submit(self, fn: Callable, *args: Any) -> Future:
        future: Future = Future()
        future.set_result(fn(*args))
        return future

    def shutdown(self) -> None:
        pass


class _Dask:
    """Batches as tasks on a Dask cluster: ``scheduler`` address, or a LocalCluster."""

    def __init__(self, scheduler: str | None, workers: int) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as error:
            raise RuntimeError("the dask engine needs dask.distributed: pip install 'parkgraph[dask]'") from error
        self.cluster = None if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1, processes=True)
        self.client = Client(scheduler or self.cluster)

    def submit(self, fn: Callable, *args: Any):
        return self.client.submit(fn, *args, pure=False)

    def shutdown(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _executor(engine: str, workers: int, scheduler: str | None, settings: Settings):
    if engine == "dask":
        return _Dask(scheduler, workers)
    if workers > 1:
        if "fork" in multiprocessing.get_all_start_methods():
            # load the pipeline (imports, jieba's dictionary, lexicons: ~4 s) once, here, and let the
            # forked workers share it instead of each loading its own
            get_pipeline(settings)("预热。")
            return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))
        return ProcessPoolExecutor(max_workers=workers)
    return _InProcess()


def extract(
    inputs: Iterable[str | Path],
    out: str | Path,
    *,
    ner: str = "model",
    prefer: str | None = None,
    min_confidence: float = 0.0,
    relations: str = "relations",
    formats: tuple[str, ...] = (),
    workers: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    resume: bool = False,
    on_document: Callable[[dict[str, Any]], None] | None = None,
) -> BatchResult:
    """Extract every input document into the output folder ``out``; see ``parkgraph extract``."""
    workers = workers or os.cpu_count() or 1
    settings = Settings(ner, prefer, min_confidence, relations)
    folder, result = OutputFolder(out, resume=resume), BatchResult()

    def skip(document: Document) -> bool:
        if folder.is_done(document):
            result.skipped += 1
            return True
        return False

    stream = batches(iter_documents(inputs), skip)
    first = next(stream, None)
    second = next(stream, None)
    # one batch is not worth starting processes for
    executor = _executor(engine, workers if second is not None else 1, scheduler, settings)
    pending: deque = deque()
    try:
        for batch in (b for b in (first, second) if b is not None):
            pending.append(executor.submit(parse_batch, batch, settings))
        for batch in stream:
            while len(pending) >= 2 * workers:
                _write(folder, pending.popleft().result(), result, on_document)
            pending.append(executor.submit(parse_batch, batch, settings))
        while pending:
            _write(folder, pending.popleft().result(), result, on_document)
    finally:
        executor.shutdown()
        folder.close(formats)
    result.failed = folder.failed
    return result


def _write(folder: OutputFolder, results: list[DocumentResult], result: BatchResult, on_document) -> None:
    folder.add(results)
    for item in results:
        result.documents += 1
        result.chars += item.document["chars"]
        if on_document:
            on_document(item.document)
