"""The rows of the output tables (ANNOTATION.md, "Extraction output"): one builder per table, the
tables' columns, and a document's rows ready to append.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc

from .inputs import Document

TABLES = ("documents", "entities", "relations")


def entity_rows(doc: Doc, doc_id: str, offset: int = 0, text: str | None = None) -> list[dict[str, Any]]:
    """Mention rows; ``offset`` shifts spans of a document parsed in pieces. ``text`` is the
    doc's text when the caller has it (``doc.text`` is rebuilt from the tokens on each access)."""
    text = doc.text if text is None else text
    return [
        {
            "doc_id": doc_id,
            "start": e.start_char + offset,
            "end": e.end_char + offset,
            "text": text[e.start_char : e.end_char],
            "label": e.label_,
            "entity": ext.entity or e.text,
            "value": ext.value,
            "currency": ext.currency,
            "source": ext.source,
            "score": ext.score,
        }
        for e in doc.ents
        for ext in [e._]  # one extension object per entity, not one per attribute
    ]


def relation_rows(doc: Doc, doc_id: str, offset: int = 0, text: str | None = None) -> list[dict[str, Any]]:
    text = doc.text if text is None else text
    rows = []
    for r in doc._.relations or []:
        start, end = stripped(text, r.evidence_start, r.evidence_end)
        rows.append(
            {
                "doc_id": doc_id,
                "relation": r.relation,
                "head": r.head,
                "head_label": r.head_label,
                "tail": r.tail,
                "tail_label": r.tail_label,
                "amount": r.amount,
                "evidence": text[start:end],
                "evidence_start": start + offset,
                "evidence_end": end + offset,
                "method": r.method,
                "confidence": r.confidence,
            }
        )
    return rows


def stripped(text: str, start: int, end: int) -> tuple[int, int]:
    """``start``, ``end`` moved past the whitespace at the edges of ``text[start:end]`` (a
    paragraph's 　　 indent), so the evidence and its offsets name the same characters."""
    piece = text[start:end]
    first = start + len(piece) - len(piece.lstrip())
    return first, max(first, start + len(piece.rstrip()))


def content_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def document_row(document: Document, error: str | None = None) -> dict[str, Any]:
    error = error or document.error
    return {
        "doc_id": document.doc_id,
        "source": document.source,
        "chars": len(document.text),
        "status": "error" if error else "ok",
        "error": error,
        "format": document.format,
        "sha1": None if error else content_hash(document.text),
    }


_JSON = json.JSONEncoder(ensure_ascii=False)  # json.dumps builds an encoder per call for a non-default option


def jsonl(rows: list[dict[str, Any]]) -> str:
    return "".join(_JSON.encode(r) + "\n" for r in rows)


@dataclass
class DocumentResult:
    """Everything one document adds to the output folder. Made in a worker, with the table rows
    already serialised, so the writer process only appends text."""

    document: dict[str, Any]
    # JSONL lines as UTF-8, in chunks (a piece's rows each, or blocks of a spool file): never
    # joined into one copy
    entities: Iterable[bytes] = field(default_factory=list)
    relations: Iterable[bytes] = field(default_factory=list)


TABLE_COLUMNS = {
    "documents": ["doc_id", "source", "chars", "status", "error", "format", "sha1"],
    "entities": ["doc_id", "start", "end", "text", "label", "entity", "value", "currency", "source", "score"],
    "relations": [
        "doc_id",
        "relation",
        "head",
        "head_label",
        "tail",
        "tail_label",
        "amount",
        "evidence",
        "evidence_start",
        "evidence_end",
        "method",
        "confidence",
    ],
}


# A cell that starts with one of these is a formula to a spreadsheet (OWASP, "CSV Injection")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, with a leading ``'`` (shown as
    text, the value still readable); numbers and other cells unchanged."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value
