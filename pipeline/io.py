"""Reading inputs (files, folders, JSON Lines) and decoding them without losing a document.

Every document the batch sees comes out as a :class:`Document`; one that cannot be read carries
an ``error`` naming the file and the reason instead of raising, so one bad file never stops the
batch (its row in documents.jsonl says what went wrong).
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from charset_normalizer import from_bytes

TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl"}


@dataclass(frozen=True)
class Document:
    doc_id: str
    source: str
    text: str
    error: str | None = None
    format: str = "text"  # "html": text extracted from markup; offsets index the extracted text


def decode(data: bytes) -> tuple[str, str | None]:
    """(text, error). UTF-8 first; a BOM decides UTF-8/UTF-16; otherwise charset-normalizer
    guesses (GBK, GB18030, Big5 …). Binary data is refused, never decoded to garbage."""
    if not data.strip():
        return "", "empty file"
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding), None
            except UnicodeDecodeError as error:
                return "", f"undecodable {encoding} text: {error.reason} at byte {error.start}"
    if b"\x00" not in data:
        try:
            return data.decode("utf-8"), None
        except UnicodeDecodeError:
            pass
    best = from_bytes(data).best()
    if best is None or (b"\x00" in data and not best.encoding.startswith("utf_16")):
        return "", "binary or undecodable content (no text encoding fits)"
    return str(best), None


class _TextExtractor(HTMLParser):
    """Visible text of an HTML page: scripts and styles dropped, block elements as line breaks."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in {"script", "style", "noscript", "template"}:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "noscript", "template"}:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return re.sub(r"\n\s*\n+", "\n\n", "".join(parser.parts)).strip()


def looks_like_html(text: str) -> bool:
    return re.match(r"\s*(<!doctype html|<html|<head|<body)", text[:512], re.I) is not None


def read_text_file(path: Path) -> Document:
    try:
        data = path.read_bytes()
    except OSError as error:
        return Document(path.stem, str(path), "", f"cannot read: {error.strerror}")
    text, error = decode(data)
    if not error and (path.suffix.lower() in HTML_SUFFIXES or looks_like_html(text)):
        text = html_to_text(text)
        return Document(path.stem, str(path), text, None if text.strip() else "HTML page without text", "html")
    return Document(path.stem, str(path), text, error)


def read_jsonl(path: Path) -> Iterator[Document]:
    """One document a line: ``text`` and an optional ``doc_id`` (default: file name + line number)."""
    try:
        handle = path.open("rb")
    except OSError as error:
        yield Document(path.stem, str(path), "", f"cannot read: {error.strerror}")
        return
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            fallback_id = f"{path.stem}:{number}"
            source = f"{path}:{number}"
            try:
                record = json.loads(raw.decode("utf-8-sig"))
                text = record["text"]
                if not isinstance(text, str):
                    raise TypeError("'text' is not a string")
            except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as error:
                reason = f"missing field {error}" if isinstance(error, KeyError) else str(error)
                yield Document(fallback_id, source, "", f"bad JSON line: {reason}")
                continue
            yield Document(str(record.get("doc_id") or fallback_id), source, text)


def iter_documents(inputs: Iterable[str | Path]) -> Iterator[Document]:
    """Documents from files and folders (recursively, in name order), lazily."""
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
            )
            yield from iter_documents(files)
        elif path.suffix.lower() in JSONL_SUFFIXES:
            yield from read_jsonl(path)
        elif path.is_file():
            yield read_text_file(path)
        else:
            yield Document(path.stem, str(path), "", "no such file or folder")
