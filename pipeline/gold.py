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
    try:
        text = record["text"]
        doc = GoldDocument(
            str(record.get("doc_id") or default_id),
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
        if not all(k in e for k in ("start", "end", "label")):
            raise GoldError(f"{where}: entity {e} lacks start, end or label")
        if not (isinstance(e["start"], int) and isinstance(e["end"], int) and 0 <= e["start"] < e["end"] <= len(text)):
            raise GoldError(f"{where}: entity {e} has offsets outside the text ({len(text)} chars)")
    for r in doc.relations:
        if not all(k in r for k in ("head", "relation", "tail")):
            raise GoldError(f"{where}: relation {r} lacks head, relation or tail")
    if doc.park_places is not None and not (
        isinstance(doc.park_places, dict) and all(isinstance(v, list) for v in doc.park_places.values())
    ):
        raise GoldError(f"{where}: park_places is not an object of lists")
    return doc


def load_gold(path: str | Path) -> list[GoldDocument]:
    path, documents = Path(path), []
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise GoldError(f"{path}: cannot read gold file ({error})") from error
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise GoldError(f"{where}: not JSON ({error})") from error
        if not isinstance(record, dict):
            raise GoldError(f"{where}: not a gold document (a JSON object is expected)")
        documents.append(parse_record(record, where, f"{path.stem}:{number}"))
    return documents
