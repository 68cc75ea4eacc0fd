"""Gold documents (ANNOTATION.md, "Gold file"): their type and their loading, nothing else.

A gold line may carry, beyond the contract's fields, ``park_places`` (per park, the places that
may stand as its PARK_IN tail), ``source`` and ``split`` (for per-source and per-split reports);
without ``source`` the part of ``doc_id`` before the first ``-`` names it (``xwlb-p12`` → xwlb).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class GoldError(ValueError):
    """A gold file that does not follow ANNOTATION.md; the message names the file, line and reason."""


@dataclass
class GoldDocument:
    doc_id: str
    text: str
    entities: list[dict[str, Any]]
    relations: list[dict[str, Any]]
    park_places: dict[str, list[str]] | None = None
    source: str = ""
    split: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.source:
            self.source = self.doc_id.split("-", 1)[0] if "-" in self.doc_id else "gold"


def parse_record(record: dict[str, Any], where: str, default_id: str) -> GoldDocument:
    doc_id = record.get("doc_id")
    try:
        text = record["text"]
        doc = GoldDocument(
            default_id if doc_id in (None, "") else str(doc_id),  # as extract names it: 0 is "0"
            text,
            list(record.get("entities", [])),
            list(record.get("relations", [])),
            record.get("park_places"),
            str(record.get("source") or ""),
            str(record.get("split") or ""),
        )
    except (KeyError, TypeError, AttributeError) as error:
        raise GoldError(f"{where}: not a gold document ({type(error).__name__}: {error})") from error
    if not isinstance(text, str):
        raise GoldError(f"{where}: text is not a string")
    for e in doc.entities:
        if not (isinstance(e, dict) and all(k in e for k in ("start", "end", "label"))):
            raise GoldError(f"{where}: entity {e} is not an object with start, end and label")
        if not all(isinstance(e[k], int) and not isinstance(e[k], bool) for k in ("start", "end")):
            raise GoldError(f"{where}: entity {e}: start and end must be integers")
        if not 0 <= e["start"] < e["end"] <= len(text):
            raise GoldError(f"{where}: entity {e} has offsets outside the text ({len(text)} chars)")
    for r in doc.relations:
        if not (isinstance(r, dict) and all(isinstance(r.get(k), str) for k in ("head", "relation", "tail"))):
            raise GoldError(f"{where}: relation {r} is not an object with head, relation and tail strings")
    if doc.park_places is not None and not (
        isinstance(doc.park_places, dict)
        and all(isinstance(v, list) and all(isinstance(p, str) for p in v) for v in doc.park_places.values())
    ):
        raise GoldError(f"{where}: park_places is not an object of lists of place names")
    return doc


def load_gold(path: str | Path) -> list[GoldDocument]:
    """The documents of a gold JSONL file; a :class:`GoldError` names the line and the reason of
    the first that breaks the contract, and a doc_id given twice (scoring could not tell the two
    apart) or a file without documents is one too."""
    path, documents = Path(path), []
    try:
        # lines end at \n only: U+2028, U+0085 … may stand raw inside a JSON string
        lines = path.read_text(encoding="utf-8-sig").split("\n")
    except (OSError, UnicodeDecodeError) as error:
        raise GoldError(f"{path}: cannot read gold file ({error})") from error
    first_line: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except (ValueError, RecursionError) as error:  # bad JSON, a number past the digit limit, deep nesting
            raise GoldError(f"{where}: not JSON ({type(error).__name__}: {str(error)[:200]})") from error
        if not isinstance(record, dict):
            raise GoldError(f"{where}: not a gold document (a JSON object is expected)")
        document = parse_record(record, where, f"{path.stem}:{number}")
        if document.doc_id in first_line:
            raise GoldError(f"{where}: doc_id {document.doc_id!r} repeats line {first_line[document.doc_id]}")
        first_line[document.doc_id] = number
        documents.append(document)
    if not documents:
        raise GoldError(f"{path}: no gold documents")
    return documents
