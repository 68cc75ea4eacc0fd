"""Readers for the public annotated corpora, into gold documents with our labels.

Formats (each corpus folder's README in ../shared/data lists its quirks):
- ``cluener``: JSON lines ``{"text", "label": {type: {surface: [[start, end_inclusive]]}}}``;
- ``bio``: one ``char<TAB or SPACE>tag`` a line, blank line between sentences (MSRA — also inside
  its ``.tar.gz`` —, People's Daily); MSRA's ``0<TAB>`` lines with an empty tag are ``O``;
- ``bmes``: the same with B-/M-/E-/S- tags (Resume);
- ``conll``: Weibo's ``char+position<TAB>tag`` lines (the digits after the character are dropped);
- ``jsonl``: our own gold format (ANNOTATION.md).

Each corpus has a label map into ours (``GOLD_LABELS``) and a map for folding our predictions into
the corpus's coarser scheme (``PREDICTION_LABELS``): MSRA's ORG makes no company/organisation
split, so our COMPANY and PARK count as ORG there; CLUENER's ``address`` holds parks, so our PARK
counts as LOC there.
"""

from __future__ import annotations

import io
import json
import re
import tarfile
from collections.abc import Iterator
from pathlib import Path

from .gold import GoldDocument, GoldError, load_gold

FORMATS = ("cluener", "bio", "bmes", "conll", "jsonl")

GOLD_LABELS = {
    "cluener": {"company": "COMPANY", "government": "ORG", "organization": "ORG", "address": "LOC", "name": "PERSON"},
    "bio": {"PER": "PERSON", "LOC": "LOC", "ORG": "ORG", "GPE": "LOC"},
    "bmes": {"NAME": "PERSON", "ORG": "ORG", "LOC": "LOC", "CONT": "LOC"},
    "conll": {"PER.NAM": "PERSON", "ORG.NAM": "ORG", "LOC.NAM": "LOC", "GPE.NAM": "LOC"},
    "jsonl": None,  # already ours
}
PREDICTION_LABELS = {
    "cluener": {"PARK": "LOC"},
    "bio": {"COMPANY": "ORG", "PARK": "ORG"},
    "bmes": {"COMPANY": "ORG", "PARK": "ORG"},
    "conll": {"COMPANY": "ORG", "PARK": "ORG"},
    "jsonl": {},
}


def tag_spans(tags: list[str], scheme: str) -> list[tuple[int, int, str]]:
    """(start, end, type) from BIO or BMES tags; an I-/M-/E- tag that does not continue the
    entity before it starts a new one (MSRA and Resume have a few)."""
    spans, start, label = [], None, None

    def close(end: int) -> None:
        nonlocal start, label
        if start is not None:
            spans.append((start, end, label))
        start, label = None, None

    for i, tag in enumerate(tags):
        prefix, _, kind = tag.partition("-")
        if prefix == "O" or not kind:
            close(i)
            continue
        if prefix in {"B", "S"} or kind != label or start is None:
            close(i)
            start, label = i, kind
        if scheme == "bmes" and prefix in {"E", "S"}:
            close(i + 1)
    close(len(tags))
    return spans


def _documents_from_tags(sentences: list[list[tuple[str, str]]], scheme: str, name: str) -> Iterator[GoldDocument]:
    for index, sentence in enumerate(sentences):
        text = "".join(char for char, _ in sentence)
        entities = [
            {"start": s, "end": e, "label": kind, "entity": text[s:e]}
            for s, e, kind in tag_spans([tag for _, tag in sentence], scheme)
        ]
        yield GoldDocument(f"{name}-{index}", text, entities, [])


def _read_tagged_lines(lines: list[str], conll: bool) -> list[list[tuple[str, str]]]:
    sentences, current = [], []
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            if current:
                sentences.append(current)
                current = []
            continue
        parts = re.split(r"[\t ]", line, maxsplit=1)
        char, tag = parts[0], (parts[1].strip() if len(parts) > 1 else "") or "O"
        if conll:
            char = char[0]  # Weibo writes each character with its position in the jieba word: 科0
        current.append((char, tag))
    if current:
        sentences.append(current)
    return sentences


def _text_lines(path: Path, member: str | None) -> list[str]:
    if path.name.endswith((".tar.gz", ".tgz")):
        with tarfile.open(path) as tar:
            names = [m for m in tar.getmembers() if m.isfile() and (member is None or member in m.name)]
            if len(names) != 1:
                raise GoldError(
                    f"{path}: name one member of {[m.name for m in tar.getmembers() if m.isfile()]} with PATH::MEMBER"
                )
            data = tar.extractfile(names[0]).read()
    else:
        data = path.read_bytes()
    return io.StringIO(data.decode("utf-8", errors="replace")).readlines()


def read_corpus(spec: str | Path, fmt: str, mapping: dict[str, str] | None = None) -> list[GoldDocument]:
    """Gold documents from ``spec`` (a file, or ``archive.tar.gz::member``), labels mapped by
    ``mapping`` (default: ``GOLD_LABELS[fmt]``); corpus labels it lacks are dropped."""
    if fmt not in FORMATS:
        raise GoldError(f"unknown corpus format {fmt!r}: one of {', '.join(FORMATS)}")
    path_text, _, member = str(spec).partition("::")
    path = Path(path_text)
    if not path.exists():
        raise GoldError(f"{path}: no such corpus file")
    if fmt == "jsonl":
        return load_gold(path)
    mapping = mapping or GOLD_LABELS[fmt]
    if fmt == "cluener":
        documents = []
        for index, line in enumerate(_text_lines(path, None)):
            record = json.loads(line)
            entities = [
                {"start": s, "end": e + 1, "label": mapping[kind], "entity": surface}
                for kind, spans in (record.get("label") or {}).items()
                if kind in mapping
                for surface, offsets in spans.items()
                for s, e in offsets
            ]
            documents.append(GoldDocument(f"{path.stem}-{index}", record["text"], entities, []))
        return documents
    sentences = _read_tagged_lines(_text_lines(path, member or None), conll=fmt == "conll")
    documents = list(
        _documents_from_tags(sentences, "bmes" if fmt == "bmes" else "bio", Path(member or path.stem).name)
    )
    for doc in documents:
        doc.entities = [{**e, "label": mapping[e["label"]]} for e in doc.entities if e["label"] in mapping]
    return documents
