"""Stage 4: the output folder — tables, graph and summary (ANNOTATION.md, "Extraction output").

Rows are appended and flushed as each document completes, so an interrupted run keeps every
document finished before it; graph files and the summary are written at the end from the tables.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pandas as pd
from spacy.tokens import Doc

from . import graph as graph_module
from .io import Document

TABLES = ("documents", "entities", "relations")


def entity_rows(doc: Doc, doc_id: str) -> list[dict[str, Any]]:
    return [
        {
            "doc_id": doc_id,
            "start": e.start_char,
            "end": e.end_char,
            "text": e.text,
            "label": e.label_,
            "entity": e._.entity or e.text,
            "value": e._.value,
            "currency": e._.currency,
            "source": e._.source,
            "score": e._.score,
        }
        for e in doc.ents
    ]


def relation_rows(doc: Doc, doc_id: str) -> list[dict[str, Any]]:
    text = doc.text  # built from the tokens on every access: read it once
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
            "evidence_start": r.evidence_start,
            "evidence_end": r.evidence_end,
            "method": r.method,
            "confidence": r.confidence,
        }
        for r in doc._.relations or []
    ]


def document_row(document: Document, error: str | None = None) -> dict[str, Any]:
    error = error or document.error
    return {
        "doc_id": document.doc_id,
        "source": document.source,
        "chars": len(document.text),
        "status": "error" if error else "ok",
        "error": error,
    }


class OutputFolder:
    """Appends rows to ``documents.jsonl``, ``entities.jsonl`` and ``relations.jsonl``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.files = {name: (self.path / f"{name}.jsonl").open("w", encoding="utf-8") for name in TABLES}
        self.counts: Counter[str] = Counter()
        self.failed = 0

    def write(self, table: str, rows: list[dict[str, Any]]) -> None:
        # one write per document: a crash leaves whole lines only
        self.files[table].write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
        self.files[table].flush()
        self.counts[table] += len(rows)

    def add(self, document: Document, doc: Doc | None, error: str | None = None) -> None:
        if doc is not None:
            self.write("entities", entity_rows(doc, document.doc_id))
            self.write("relations", relation_rows(doc, document.doc_id))
        row = document_row(document, error)
        self.failed += row["status"] == "error"
        self.write("documents", [row])

    def close(self, formats: tuple[str, ...] = ()) -> None:
        for handle in self.files.values():
            handle.close()
        finish(self.path, formats)


def read_table(folder: str | Path, table: str) -> pd.DataFrame:
    path = Path(folder) / f"{table}.jsonl"
    if not path.exists() or path.stat().st_size == 0:
        return pd.DataFrame()
    return pd.read_json(path, lines=True, dtype=False)


def finish(folder: Path, formats: tuple[str, ...] = ()) -> None:
    """Graph files, summary and table copies from the JSONL tables."""
    entities, relations = read_table(folder, "entities"), read_table(folder, "relations")
    g = graph_module.build_graph(entities, relations)
    graph_module.write_graph(g, folder)
    (folder / "summary.md").write_text(
        summary_markdown(read_table(folder, "documents"), entities, relations), encoding="utf-8"
    )
    for fmt in formats:
        for table in TABLES:
            frame = read_table(folder, table)
            if fmt == "csv":
                frame.to_csv(folder / f"{table}.csv", index=False)
            elif fmt == "parquet":
                frame.to_parquet(folder / f"{table}.parquet", index=False)


def summary_markdown(documents: pd.DataFrame, entities: pd.DataFrame, relations: pd.DataFrame) -> str:
    ok = int((documents["status"] == "ok").sum()) if len(documents) else 0
    lines = ["# Extraction summary", "", f"Documents: {len(documents)} ({ok} ok, {len(documents) - ok} failed)", ""]
    lines += ["## Entities", "", "| label | mentions | entities |", "|---|---|---|"]
    if len(entities):
        for label, group in entities.groupby("label"):
            lines.append(f"| {label} | {len(group)} | {group['entity'].nunique()} |")
    lines += ["", "## Relations", "", "| relation | count |", "|---|---|"]
    if len(relations):
        for rel, group in relations.groupby("relation"):
            lines.append(f"| {rel} | {len(group)} |")
    lines += ["", "## Parks and their organisations", ""]
    if len(relations):
        members = defaultdict(set)
        for row in relations[relations["relation"].isin(["LOCATED_IN", "INVESTS_IN"])].itertuples():
            members[row.tail].add(row.head)
        for park in sorted(members, key=lambda p: (-len(members[p]), p)):
            lines.append(f"- **{park}** ({len(members[park])}): " + "、".join(sorted(members[park])))
    return "\n".join(lines) + "\n"
