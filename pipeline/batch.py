"""Batch extraction: documents in, output folder out (the engine of ``parkgraph extract``).

Documents are read lazily and cut into batches (at most ``BATCH_DOCS`` documents or
``BATCH_CHARS`` characters); batches are parsed in this process, in a pool of worker processes
(``workers``), or on a Dask cluster (``engine="dask"``). At most ``2 × workers`` batches are in
flight, and results are written in input order, so memory stays bounded and the output is the
same whatever the engine or the number of workers.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import re
import signal
import tempfile
import threading
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from .charnet import windows
from .emit import OutputBusy, OutputFolder, earlier_output
from .inputs import Document, iter_documents
from .publish import publish
from .rows import DocumentResult, document_row, entity_rows, jsonl, relation_rows

BATCH_DOCS = 256
FIRST_BATCH_DOCS = 16
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
    """(offset, piece) cuts of ``text`` no longer than ``limit``: at a sentence end (。！？； or a
    line break) when one is in the last half of the piece, else at a clause end (，、：), so a name
    is cut only in text with neither (``charnet.windows``, which cuts the tagger's windows so)."""
    return [(start, text[start:end]) for start, end in windows(text, limit)]


def parse_document(nlp: Language, document: Document) -> DocumentResult:
    """One document alone; a failure becomes its error row."""
    if document.error:
        return DocumentResult(document_row(document))
    try:
        rows = _Rows()
        for offset, piece in pieces(document.text):
            rows.add(document.doc_id, offset, piece, nlp(piece))
        return rows.result(document)
    except Exception as error:  # noqa: BLE001  (one document's failure never stops the batch)
        return DocumentResult(document_row(document, f"pipeline failed: {type(error).__name__}: {error}"))


class _Rows:
    """A document's entity and relation rows, gathered piece by piece: each parsed piece is turned
    into JSONL text at once and its ``Doc`` let go (a 10 MB document's Docs held together passed
    1.3 GB; its 440,000 entity rows as dicts, 700 MB)."""

    def __init__(self) -> None:
        self.entities, self.relations = _Spool(), _Spool()

    def add(self, doc_id: str, offset: int, piece: str, doc: Doc) -> None:
        # UTF-8 bytes: half the memory of a str of Chinese text (two bytes a character)
        self.entities.append(jsonl(entity_rows(doc, doc_id, offset, piece)).encode("utf-8", "backslashreplace"))
        self.relations.append(jsonl(relation_rows(doc, doc_id, offset, piece)).encode("utf-8", "backslashreplace"))

    def result(self, document: Document) -> DocumentResult:
        return DocumentResult(document_row(document), self.entities, self.relations)


SPOOL_BYTES = 16 * 1024 * 1024


class _Spool:
    """One table's rows of one document: in memory up to ``SPOOL_BYTES``, then in a temporary file,
    so a 10 MB document's rows (90 MB of JSONL) need not be held. Sent to another process, it
    goes as its bytes."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.size = 0
        self.file: Any = None

    def append(self, chunk: bytes) -> None:
        if self.file is None and self.size + len(chunk) > SPOOL_BYTES:
            self.file = tempfile.TemporaryFile()
            self.file.writelines(self.chunks)
            self.chunks = []
        if self.file is not None:
            self.file.write(chunk)
        else:
            self.chunks.append(chunk)
        self.size += len(chunk)

    def __iter__(self) -> Iterator[bytes]:
        if self.file is None:
            yield from self.chunks
            return
        self.file.seek(0)
        while block := self.file.read(1 << 20):
            yield block

    def __reduce__(self):
        return list, (list(self),)


def _chunks(jobs: list[tuple[int, int, str]], chars: int = PIECE_CHARS) -> Iterator[list[tuple[int, int, str]]]:
    """``jobs`` in runs of about ``chars`` characters (at least one job each), so that at most that
    much text is parsed and alive at once."""
    run, size = [], 0
    for job in jobs:
        if run and size + len(job[2]) > chars:
            yield run
            run, size = [], 0
        run.append(job)
        size += len(job[2])
    if run:
        yield run


def parse_batch(documents: list[Document], settings: Settings = DEFAULT_SETTINGS) -> list[DocumentResult]:
    """Parse a batch in this process: what every engine runs, in a worker or here.

    The pieces of the documents go through ``nlp.pipe``, about ``PIECE_CHARS`` characters at a
    time, so that no more text than that is parsed and alive at once; a document's rows never
    depend on its neighbours (each stage treats each piece alone). If anything in the batch
    fails, each document is parsed alone, so that only the broken one gets an error row."""
    nlp = get_pipeline(settings)
    jobs = [(i, offset, piece) for i, d in enumerate(documents) if not d.error for offset, piece in pieces(d.text)]
    try:
        rows: dict[int, _Rows] = {}
        for chunk in _chunks(jobs):
            for (i, offset, piece), doc in zip(chunk, nlp.pipe((piece for _, _, piece in chunk), batch_size=64)):
                rows.setdefault(i, _Rows()).add(documents[i].doc_id, offset, piece, doc)
        return [
            rows.get(i, _Rows()).result(d) if not d.error else DocumentResult(document_row(d))
            for i, d in enumerate(documents)
        ]
    except Exception:  # noqa: BLE001
        return [parse_document(nlp, d) for d in documents]


def batches(
    documents: Iterable[Document], size: Callable[[Document], int] = lambda d: len(d.text)
) -> Iterator[list[Document]]:
    """``documents`` cut into batches of at most ``BATCH_DOCS`` documents or ``BATCH_CHARS``
    characters (of ``size``: a document resume reuses costs nothing to parse). The first batches
    are smaller (``FIRST_BATCH_DOCS``, then four times as many, …) so that progress shows at once."""
    batch, chars, limit = [], 0, min(FIRST_BATCH_DOCS, BATCH_DOCS)
    for document in documents:
        batch.append(document)
        chars += size(document)
        if len(batch) >= limit or chars >= BATCH_CHARS:
            yield batch
            batch, chars, limit = [], 0, min(4 * limit, BATCH_DOCS)
    if batch:
        yield batch


@dataclass
class BatchResult:
    documents: int = 0
    skipped: int = 0
    failed: int = 0
    chars: int = 0
    renamed: int = 0  # documents whose doc_id repeated an earlier one and got a #N suffix


class UsageError(Exception):
    """A run that cannot start (bad option, output folder unusable or busy, no scheduler); the
    previous output is left as it was."""


class Terminated(BaseException):
    """SIGTERM arrived: the run stops, its workers with it. A BaseException, as KeyboardInterrupt
    is, so that no ``except Exception`` (a document's failure → its error row) swallows it."""


class _InProcess:
    def submit(self, fn: Callable, *args: Any) -> Future:
        future: Future = Future()
        future.set_result(fn(*args))
        return future

    def shutdown(self, kill: bool = False) -> None:
        pass


def _worker_init() -> None:
    """In each worker process: die with the main process, whatever kills it (Linux's parent-death
    signal, so a SIGKILLed run leaves no orphans), and take SIGTERM's default action rather than
    the main process's handler inherited through fork."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class _Pool:
    """A process pool whose workers can be stopped at once (on SIGTERM or an error) instead of
    waited for."""

    def __init__(self, workers: int, context) -> None:
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_init)

    def submit(self, fn: Callable, *args: Any) -> Future:
        return self.pool.submit(fn, *args)

    def shutdown(self, kill: bool = False) -> None:
        if not kill:
            self.pool.shutdown()
            return
        processes = list((self.pool._processes or {}).values())  # noqa: SLF001  (no public way before 3.14)
        self.pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=10)


class _Dask:
    """Batches as tasks on a Dask cluster: ``scheduler`` address, or a LocalCluster."""

    CONNECT_TIMEOUT = "10s"

    def __init__(self, scheduler: str | None, workers: int) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as error:
            raise UsageError("the dask engine needs dask.distributed: pip install 'parkgraph[dask]'") from error
        if scheduler is not None and not SCHEDULER_ADDRESS.match(scheduler):
            raise UsageError(f"--scheduler {scheduler!r} is not an address like tcp://host:8786")
        self.cluster = None if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1, processes=True)
        try:
            self.client = Client(scheduler or self.cluster, timeout=self.CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as error:
            if self.cluster is not None:
                self.cluster.close()
            raise UsageError(f"no Dask scheduler answers at {scheduler} ({type(error).__name__})") from None

    def submit(self, fn: Callable, *args: Any):
        return self.client.submit(fn, *args, pure=False)

    def shutdown(self, kill: bool = False) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


SCHEDULER_ADDRESS = re.compile(r"^(?:(?:tcp|tls|inproc|ucx|ws|wss)://)?\[?[\w.:-]+\]?:\d{1,5}$")


def _executor(engine: str, workers: int, scheduler: str | None, settings: Settings):
    if engine == "dask":
        return _Dask(scheduler, workers)
    if workers > 1:
        if "fork" in multiprocessing.get_all_start_methods():
            # load the pipeline (imports, jieba's dictionary, lexicons: ~4 s) once, here, and let the
            # forked workers share it instead of each loading its own
            get_pipeline(settings)("预热。")
            return _Pool(workers, multiprocessing.get_context("fork"))
        return _Pool(workers, None)
    return _InProcess()


def check_options(workers: int | None, min_confidence: float, engine: str) -> None:
    """Options that would fail only after documents were read (or silently) are refused first."""
    if workers is not None and workers < 1:
        raise UsageError(f"--workers {workers}: must be at least 1")
    if not 0.0 <= min_confidence <= 1.0:
        raise UsageError(f"--min-confidence {min_confidence}: must lie between 0 and 1")
    if engine not in {"local", "dask"}:
        raise UsageError(f"unknown engine {engine!r}: choose local or dask")


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
    on_warning: Callable[[str], None] | None = None,
) -> BatchResult:
    """Extract every input document into the output folder ``out``; see ``parkgraph extract``.

    Raises :class:`UsageError` before anything in ``out`` changes when the run cannot start, and
    :class:`Terminated` on SIGTERM, after stopping the workers."""
    check_options(workers, min_confidence, engine)
    inputs = list(inputs)
    workers = workers or os.cpu_count() or 1
    settings = Settings(ner, prefer, min_confidence, relations)
    result = BatchResult()
    try:
        folder = OutputFolder(out, resume=resume, settings=settings._asdict())
    except (OutputBusy, NotADirectoryError) as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot write to --out {out}: {error.strerror or error}") from None
    warn = on_warning or (lambda message: warnings.warn(message, stacklevel=3))

    def renamed(doc_id: str, new_id: str, source: str) -> None:
        result.renamed += 1
        if result.renamed <= MAX_WARNINGS:
            warn(f"doc_id {doc_id!r} repeats an earlier document's: {source} is {new_id!r}")

    skipped: list[str] = []

    def skip(path: Path, why: str) -> None:
        skipped.append(str(path))
        warn(f"{path} not read: {why}")

    with _terminate_on_sigterm():
        executor = None
        try:
            documents = iter_documents(
                inputs, exclude=[folder.path], on_duplicate=renamed, on_skip=skip, not_input=earlier_output
            )
            stream = batches(documents, lambda d: 0 if folder.is_done(d) else len(d.text))
            first, second = next(stream, None), next(stream, None)
            if first is None:  # nothing to write: an earlier run's output stays as it was
                also = f"; left out: {', '.join(skipped[:3])}{' …' if len(skipped) > 3 else ''}" if skipped else ""
                where = ", ".join(map(str, inputs))
                raise UsageError(f"no input documents in {where} (.txt, .md, .html, .jsonl){also}")
            # one batch is not worth starting processes for
            executor = _executor(engine, workers if second is not None else 1, scheduler, settings)
        except BaseException:
            if executor is not None:
                executor.shutdown(kill=True)
            folder.abandon()
            raise
        complete = False
        pending: deque = deque()
        try:
            folder.open()
            for batch in (b for b in (first, second) if b is not None):
                pending.append(_submit(executor, folder, batch, settings))
            for batch in stream:
                while len(pending) >= 2 * workers:
                    _write(folder, *pending.popleft(), result, on_document)
                pending.append(_submit(executor, folder, batch, settings))
            while pending:
                _write(folder, *pending.popleft(), result, on_document)
            executor.shutdown()
            folder.close_tables()
            # only a complete run is published: a stopped one keeps its tables for --resume and
            # builds no graph from partial rows
            publish(folder.path, formats)
            complete = True
        finally:
            if not complete:
                executor.shutdown(kill=True)
            folder.close(complete=complete)
    if result.renamed > MAX_WARNINGS:
        warn(f"{result.renamed} doc_ids in all repeated an earlier document's and got a #N suffix")
    result.failed = folder.failed
    return result


MAX_WARNINGS = 10


@contextlib.contextmanager
def _terminate_on_sigterm() -> Iterator[None]:
    """SIGTERM (``kill``, ``timeout``, a supervisor) raises :class:`Terminated` in the main thread,
    so the run's ``finally`` stops the workers instead of orphaning them."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame) -> None:
        raise Terminated("terminated by SIGTERM")

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _submit(executor, folder: OutputFolder, batch: list[Document], settings: Settings) -> tuple[list, Any]:
    """(batch, the future of its documents to parse): documents an earlier run finished are reused."""
    todo = [d for d in batch if not folder.is_done(d)]
    return batch, executor.submit(parse_batch, todo, settings) if todo else None


def _write(folder: OutputFolder, batch: list[Document], future, result: BatchResult, on_document) -> None:
    parsed = iter(future.result() if future is not None else [])
    results = []
    for document in batch:
        if folder.is_done(document):
            results.append(folder.reused(document))
            result.skipped += 1
        else:
            results.append(item := next(parsed))
            result.documents += 1
            result.chars += item.document["chars"]
    folder.add(results)
    if on_document:
        for item in results:
            on_document(item.document)
