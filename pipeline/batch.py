"""Batch extraction: documents in, output folder out (the ``parkgraph extract`` command's engine)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from .emit import OutputFolder
from .io import Document, iter_documents

BATCH_SIZE = 32


@dataclass
class BatchResult:
    documents: int = 0
    failed: int = 0
    chars: int = 0


def _parse(nlp: Language, documents: list[Document]) -> Iterator[tuple[Document, Doc | None, str | None]]:
    """Parse a batch with ``nlp.pipe``; if any document breaks it, parse them one by one so the
    failure stays with its document."""
    try:
        yield from ((d, doc, None) for d, doc in zip(documents, nlp.pipe(d.text for d in documents)))
    except Exception:  # noqa: BLE001  (the per-document pass below reports the real error)
        for document in documents:
            try:
                yield document, nlp(document.text), None
            except Exception as error:  # noqa: BLE001
                yield document, None, f"pipeline failed: {type(error).__name__}: {error}"


def extract(
    nlp: Language,
    inputs: Iterable[str | Path],
    out: str | Path,
    formats: tuple[str, ...] = (),
    on_document: Callable[[Document], None] | None = None,
) -> BatchResult:
    """Run ``nlp`` over every input document and write the output folder ``out``."""
    nlp.max_length = max(nlp.max_length, 50_000_000)  # a 10 MB single line is still one document
    folder, result = OutputFolder(out), BatchResult()
    stream = iter(iter_documents(inputs))
    try:
        while batch := list(islice(stream, BATCH_SIZE)):
            parsed = {id(d): (doc, error) for d, doc, error in _parse(nlp, [d for d in batch if d.error is None])}
            for document in batch:  # rows in input order
                folder.add(document, *parsed.get(id(document), (None, None)))
                result.documents += 1
                result.chars += len(document.text)
                if on_document:
                    on_document(document)
    finally:
        folder.close(formats)
    result.failed = folder.failed
    return result
