"""Stage 4: the output folder — tables, graph and summary (ANNOTATION.md, "Extraction output").

Rows are appended and flushed as each document completes, so an interrupted run keeps every
document finished before it; graph files and the summary are written at the end from the tables.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from spacy.tokens import Doc

from . import graph as graph_module
from .io import Document

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
    return [
        {
            "doc_id": doc_id,
            "relation": r.relation,
            "head": r.head,
            "head_label": r.head_label,
            "tail": r.tail,
            "tail_label": r.tail_label,
            "amount": r.amount,
            "evidence": text[r.evidence_start : r.evidence_end].strip(),
            "evidence_start": r.evidence_start + offset,
            "evidence_end": r.evidence_end + offset,
            "method": r.method,
            "confidence": r.confidence,
        }
        for r in doc._.relations or []
    ]


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


def jsonl(rows: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


@dataclass
class DocumentResult:
    """Everything one document adds to the output folder. Made in a worker, with the table rows
    already serialised, so the writer process only appends text."""

    document: dict[str, Any]
    entities: str = ""  # JSONL lines
    relations: str = ""


class OutputFolder:
    """Appends rows to ``documents.jsonl``, ``entities.jsonl`` and ``relations.jsonl``.

    A batch's entity and relation rows are written first and its ``documents.jsonl`` rows last,
    each file flushed after the batch: a document row marks its document done. With
    ``resume``, rows of documents that were not marked done (a run killed mid-way) are dropped
    and the done ones are skipped by the caller (``done``: doc_id → content hash).
    """

    def __init__(self, path: str | Path, resume: bool = False) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.done: dict[str, str] = self._repair() if resume else {}
        mode = "a" if resume else "w"
        self.files = {name: (self.path / f"{name}.jsonl").open(mode, encoding="utf-8") for name in TABLES}
        self.failed = 0

    def _repair(self) -> dict[str, str]:
        done = {}
        for row in _complete_rows(self.path / "documents.jsonl"):
            if row.get("status") == "ok" and row.get("sha1"):
                done[str(row["doc_id"])] = row["sha1"]
        for table in TABLES:
            path = self.path / f"{table}.jsonl"
            kept = [
                r
                for r in _complete_rows(path)
                if str(r.get("doc_id")) in done and (table != "documents" or r.get("status") == "ok")
            ]
            _write_atomically(path, jsonl(kept))
        return done

    def is_done(self, document: Document) -> bool:
        return document.error is None and self.done.get(document.doc_id) == content_hash(document.text)

    def write(self, table: str, lines: str) -> None:
        if lines:
            self.files[table].write(lines)
            self.files[table].flush()

    def add(self, results: list[DocumentResult]) -> None:
        """Write a batch: its entity and relation rows first, then its document rows."""
        self.write("entities", "".join(r.entities for r in results))
        self.write("relations", "".join(r.relations for r in results))
        self.write("documents", jsonl([r.document for r in results]))
        self.failed += sum(r.document["status"] == "error" for r in results)

    def close(self, formats: tuple[str, ...] = ()) -> None:
        for handle in self.files.values():
            handle.close()
        finish(self.path, formats)


def _complete_rows(path: Path) -> list[dict[str, Any]]:
    """The rows of a JSONL table that were written whole (a killed run may leave half a line)."""
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True):
        if line.endswith("\n"):
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return rows


def _write_atomically(path: Path, content: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(content, encoding="utf-8")
    os.replace(tmp, path)


def read_table(folder: str | Path, table: str) -> pd.DataFrame:
    path = Path(folder) / f"{table}.jsonl"
    if not path.exists() or path.stat().st_size == 0:
        return pd.DataFrame()
    return pd.read_json(path, lines=True, dtype=False)


def iter_rows(folder: Path, table: str) -> Iterator[dict[str, Any]]:
    """A table's rows one at a time (the tables can be larger than memory)."""
    path = folder / f"{table}.jsonl"
    if path.exists():
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                yield json.loads(line)


def finish(folder: Path, formats: tuple[str, ...] = ()) -> None:
    """Graph files, summary and table copies, streamed from the JSONL tables."""
    builder, summary = graph_module.GraphBuilder(), Summary()
    for row in iter_rows(folder, "documents"):
        summary.documents[row["status"]] += 1
    for row in iter_rows(folder, "entities"):
        builder.add_entities([row])
        summary.add_entity(row)
    for row in iter_rows(folder, "relations"):
        builder.add_relations([row])
        summary.add_relation(row)
    graph_module.write_graph(builder.build(), folder)
    _write_atomically(folder / "summary.md", summary.markdown())
    for fmt in formats:
        for table in TABLES:
            _copy_table(folder, table, fmt)


def _copy_table(folder: Path, table: str, fmt: str, chunk: int = 50_000) -> None:
    """CSV or Parquet copy of a JSONL table, converted a chunk at a time."""
    source, target = folder / f"{table}.jsonl", folder / f"{table}.{fmt}"
    columns = TABLE_COLUMNS[table]
    chunks = pd.read_json(source, lines=True, dtype=False, chunksize=chunk) if source.stat().st_size else []
    frames = (c.reindex(columns=columns) for c in chunks)
    first = next(frames, pd.DataFrame(columns=columns))
    if fmt == "csv":
        first.to_csv(target, index=False)
        for frame in frames:
            frame.to_csv(target, index=False, header=False, mode="a")
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.Table.from_pandas(first, preserve_index=False).schema
    with pq.ParquetWriter(target, schema) as writer:
        for frame in (first, *frames):
            writer.write_table(pa.Table.from_pandas(frame, schema=schema, preserve_index=False))


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


@dataclass
class Summary:
    """Counts for summary.md, gathered row by row."""

    documents: Counter = field(default_factory=Counter)
    mentions: Counter = field(default_factory=Counter)
    entities: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    relations: Counter = field(default_factory=Counter)
    members: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add_entity(self, row: dict[str, Any]) -> None:
        self.mentions[row["label"]] += 1
        self.entities[row["label"]].add(row["entity"])

    def add_relation(self, row: dict[str, Any]) -> None:
        self.relations[row["relation"]] += 1
        if row["relation"] in {"LOCATED_IN", "INVESTS_IN"}:
            self.members[row["tail"]].add(row["head"])

    def markdown(self) -> str:
        total, ok = sum(self.documents.values()), self.documents["ok"]
        lines = ["# Extraction summary", "", f"Documents: {total} ({ok} ok, {total - ok} failed)", ""]
        lines += ["## Entities", "", "| label | mentions | entities |", "|---|---|---|"]
        lines += [f"| {label} | {n} | {len(self.entities[label])} |" for label, n in sorted(self.mentions.items())]
        lines += ["", "## Relations", "", "| relation | count |", "|---|---|"]
        lines += [f"| {rel} | {n} |" for rel, n in sorted(self.relations.items())]
        lines += ["", "## Parks and their organisations", ""]
        for park in sorted(self.members, key=lambda p: (-len(self.members[p]), p)):
            lines.append(f"- **{park}** ({len(self.members[park])}): " + "、".join(sorted(self.members[park])))
        return "\n".join(lines) + "\n"
