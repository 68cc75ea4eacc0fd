"""Reading inputs (files, folders, JSON Lines) and decoding them without losing a document.

Every document the batch sees comes out as a :class:`Document`; one that cannot be read carries
an ``error`` naming the file and the reason instead of raising, so one bad file never stops the
batch (its row in documents.jsonl says what went wrong).
"""

from __future__ import annotations

import codecs
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

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
    invalid = None
    if b"\x00" not in data:
        try:
            return data.decode("utf-8"), None
        except UnicodeDecodeError as error:
            invalid = error.start
        if _few_invalid_bytes(data):
            # UTF-8 but for a stray bad byte (a truncated copy, one corrupt character): each bad
            # byte becomes U+FFFD and the rest is kept (a guessed code page reads it all as mojibake)
            return data.decode("utf-8", "replace"), None
    best = from_bytes(data).best()
    if best is None or (b"\x00" in data and not best.encoding.startswith("utf_16")):
        where = f"not UTF-8 from byte {invalid}, and " if invalid is not None else ""
        return "", f"binary or undecodable content ({where}no text encoding fits)"
    return str(best), None


def _few_invalid_bytes(data: bytes) -> bool:
    """Whether ``data`` is UTF-8 but for a few bad bytes: at most one in 200 of its non-ASCII
    bytes (text in GBK or Big5 breaks UTF-8 at nearly every Chinese character, however much ASCII
    markup is around it)."""
    replaced = len(data.decode("utf-8", "replace")) - len(data.decode("utf-8", "ignore"))
    non_ascii = len(data) - len(data.decode("ascii", "ignore"))
    return replaced * 200 <= non_ascii


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


def safe_text(text: str) -> str:
    """``text`` with every lone surrogate (an undecodable file name byte, a ``\\ud800`` escape in a
    JSON line) replaced by U+FFFD: one character for one, so no offset moves, and every table row
    can be written as UTF-8."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def safe_id(name: str) -> str:
    """A ``doc_id`` or ``source`` that can be written as UTF-8: lone surrogates (the bytes of a
    non-UTF-8 file name, as ``os.fsdecode`` keeps them) become a visible ``\\udcff`` escape, so two
    such names stay distinct and the id still says which bytes it came from."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", name) if _SURROGATE.search(name) else name


_SURROGATE = re.compile("[\ud800-\udfff]")


def _document(doc_id: str, source: str | Path, text: str = "", error: str | None = None, fmt: str = "text") -> Document:
    return Document(safe_id(doc_id), safe_id(str(source)), safe_text(text), error, fmt)


def read_text_file(path: Path, doc_id: str | None = None) -> Document:
    doc_id = path.stem if doc_id is None else doc_id
    try:
        data = path.read_bytes()
    except OSError as error:
        return _document(doc_id, path, error=f"cannot read: {error.strerror}")
    text, error = decode(data)
    if not error and (path.suffix.lower() in HTML_SUFFIXES or looks_like_html(text)):
        text = html_to_text(text)
        return _document(doc_id, path, text, None if text.strip() else "HTML page without text", "html")
    if not error and not text.strip():  # U+3000 and other spaces a byte strip does not see
        error = "empty file (only whitespace)"
    return _document(doc_id, path, text, error)


# what one malformed line can raise: undecodable bytes and bad JSON (ValueError, also an integer
# past Python's 4,300-digit limit), nesting deeper than the parser's recursion, a record that is
# not an object or lacks its text
_BAD_LINE = (ValueError, RecursionError, KeyError, TypeError, AttributeError)


def read_jsonl(path: Path, stem: str | None = None, handle: BinaryIO | None = None) -> Iterator[Document]:
    """One document a line: ``text`` and an optional ``doc_id`` (default: file name + line number).
    A line that cannot be read is an error row of its own; the file's other lines go on. ``handle``
    reads the lines from an open stream instead (standard input)."""
    stem = path.stem if stem is None else stem
    try:
        handle = handle or path.open("rb")
    except OSError as error:
        yield _document(stem, path, error=f"cannot read: {error.strerror}")
        return
    lines = 0
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            lines += 1
            fallback_id = f"{stem}:{number}"
            source = f"{path}:{number}"
            try:
                record = json.loads(raw.decode("utf-8-sig"))
                text = record["text"]
                if not isinstance(text, str):
                    raise TypeError("'text' is not a string")
                doc_id = record.get("doc_id")
            except _BAD_LINE as error:
                reason = f"missing field {error}" if isinstance(error, KeyError) else str(error)[:200]
                yield _document(fallback_id, source, error=f"bad JSON line: {type(error).__name__}: {reason}")
                continue
            doc_id = str(doc_id) if doc_id not in (None, "") else fallback_id
            # an empty text is an error like an empty file: every input is accounted for the same way
            yield _document(doc_id, source, text, None if text.strip() else "empty text")
    if not lines:  # an empty .jsonl is accounted for like an empty .txt
        yield _document(stem, path, error="empty file (no JSON lines)")


INPUT_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES

Skipped = Callable[[Path, str], None]  # told of a path a folder input does not read, and why
NotInput = Callable[[Path], str | None]  # why a folder is not input (emit.earlier_output), or None


def _walk(
    root: Path, exclude: tuple[Path, ...], not_input: NotInput, on_skip: Skipped
) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Input files under ``root`` (in path order, through symbolic links to folders) and the
    paths that could not be read, with why: an unreadable subfolder, a dangling link or a pipe is
    an error row, never silently skipped. Folders ``not_input`` gives a reason for and links to a
    folder read under another path are not input: ``on_skip`` is told."""
    files, problems = [], []
    if reason := not_input(root):
        on_skip(root, reason)
        return files, problems

    def unreadable(error: OSError) -> None:
        problems.append((Path(error.filename), f"cannot read folder: {error.strerror}"))

    real_root = root.resolve()
    visited = {real_root}
    for folder, dirs, names in os.walk(root, onerror=unreadable, followlinks=True):
        here = Path(folder)
        kept = []
        for name in sorted(dirs):
            sub = here / name
            if _inside(sub, exclude):  # the output folder (and everything the run writes)
                continue
            if reason := not_input(sub):
                on_skip(sub, reason)
            elif sub.is_symlink() and (sub.resolve() == real_root or real_root in sub.resolve().parents):
                # its folder is read under its own path: a link must not rename those documents
                on_skip(sub, f"a link to {sub.resolve()}, inside the input folder")
            elif sub.resolve() in visited:
                on_skip(sub, f"a link to {sub.resolve()}, a folder read already")
            else:
                visited.add(sub.resolve())
                kept.append(name)
        dirs[:] = kept
        for name in names:
            path = here / name
            if path.suffix.lower() not in INPUT_SUFFIXES or _inside(path, exclude):
                continue
            if path.is_file():
                files.append(path)
            elif not path.exists():
                problems.append((path, "dangling symbolic link"))
            else:  # opening a pipe found in a folder would wait for a writer that may never come
                problems.append((path, "not a regular file (a pipe, socket or device)"))
    return sorted(files), problems


def _inside(path: Path, folders: tuple[Path, ...]) -> bool:
    resolved = path.resolve()
    return any(resolved == f or f in resolved.parents for f in folders)


def _relative_id(path: Path, root: Path) -> str:
    """A file's id inside a folder input: its path from the folder, without the extension
    (sub/news), so same-named files in different folders stay apart."""
    return path.relative_to(root).with_suffix("").as_posix()


STDIN = "-"  # as an input: standard input


def read_stdin() -> Iterator[Document]:
    """Standard input (``read_stream``, doc_id ``stdin``)."""
    yield from read_stream(sys.stdin.buffer, "stdin")


# Bytes of one text read from a stream: a longer one is an error row, where /dev/zero or an
# endless pipe would otherwise be read until memory runs out. JSON lines have no such limit.
STREAM_TEXT_LIMIT = 256 * 2**20


def read_stream(stream: BinaryIO, name: str, source: str | Path | None = None) -> Iterator[Document]:
    """A stream without a file name to go by (standard input, a pipe such as ``<(zcat a.gz)``, a
    device): JSON lines when one of its first lines is a JSON object (``_looks_like_jsonl``), read
    a line at a time, so an archive piped in takes the memory of one line; else one text with
    doc_id ``name``, of at most ``STREAM_TEXT_LIMIT`` bytes."""
    head = _first_lines(stream)
    if _looks_like_jsonl(head):
        yield from read_jsonl(Path(name), handle=_Rejoined(head, stream))
        return
    data = head + stream.read(max(0, STREAM_TEXT_LIMIT + 1 - len(head)))
    if len(data) > STREAM_TEXT_LIMIT:
        limit = f"{STREAM_TEXT_LIMIT // 2**20} MB"
        yield _document(name, source or name, error=f"one text of over {limit} from a stream: give it as a file")
        return
    text, error = decode(data)
    yield _document(name, source or name, text, error or (None if text.strip() else "empty text"))


def _first_lines(stream: BinaryIO, lines: int = 10, limit: int = 2**20) -> bytes:
    """The first ``lines`` lines of ``stream``, at most ``limit`` bytes of them (a stream without
    line breaks gives its first ``limit`` bytes)."""
    head = b""
    for _ in range(lines):
        line = stream.readline(limit - len(head))
        head += line
        if not line.endswith(b"\n") or len(head) >= limit:
            break
    return head


class _Rejoined:
    """The lines of ``head`` and then of the rest of ``stream``, as ``read_jsonl`` iterates a file:
    a line cut where ``head`` ends is joined again. The stream is left open (standard input)."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self.head, self.stream = head, stream

    def __enter__(self) -> _Rejoined:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def __iter__(self) -> Iterator[bytes]:
        lines = list(BytesIO(self.head))  # split at b"\n" only, as a file iterates
        cut = lines.pop() if lines and not lines[-1].endswith(b"\n") else b""
        yield from lines
        rest = iter(self.stream)
        if first := cut + next(rest, b""):
            yield first
        yield from rest


def _looks_like_jsonl(data: bytes, lines: int = 10) -> bool:
    """Whether one of the first ``lines`` lines of ``data`` is a JSON object: then a broken line
    among them is an error row of its own, not the start of one text (``{重要公告}…`` is text)."""
    start = 0
    for _ in range(lines):
        end = data.find(b"\n", start)
        line = data[start : end if end >= 0 else len(data)].strip().removeprefix(codecs.BOM_UTF8)
        try:
            if line.startswith(b"{") and isinstance(json.loads(line.decode("utf-8")), dict):
                return True
        except _BAD_LINE:
            pass
        if end < 0:
            return False
        start = end + 1
    return False


def _documents(
    inputs: Iterable[str | Path], exclude: tuple[Path, ...], not_input: NotInput, on_skip: Skipped
) -> Iterator[Document]:
    for item in inputs:
        path = Path(item)
        if str(item) == STDIN:
            yield from read_stdin()
        elif path.is_dir():
            files, problems = _walk(path, exclude, not_input, on_skip)
            for bad, reason in problems:
                yield _document(_relative_id(bad, path) if bad != path else path.name, bad, error=reason)
            for file in files:
                yield from _read(file, _relative_id(file, path))
        elif _inside(path, exclude):
            continue
        elif path.is_file() and path.suffix.lower() == ".json":  # one JSON value, not news text
            yield _document(path.stem, path, error="a .json file: give documents as JSON Lines (.jsonl) or text")
        elif path.is_file():
            yield from _read(path, path.stem)
        elif path.exists():  # named on the command line: a pipe (<(…)) or a device, read as a stream
            try:
                stream = path.open("rb")
            except OSError as error:
                yield _document(path.stem, path, error=f"cannot read: {error.strerror}")
            else:
                with stream:
                    yield from read_stream(stream, path.stem, path)
        elif path.is_symlink():
            yield _document(path.stem, path, error="dangling symbolic link")
        else:
            yield _document(path.stem, path, error="no such file or folder")


def _read(path: Path, doc_id: str) -> Iterator[Document]:
    if path.suffix.lower() in JSONL_SUFFIXES:
        yield from read_jsonl(path, doc_id)
    else:
        yield read_text_file(path, doc_id)


def iter_documents(
    inputs: Iterable[str | Path],
    exclude: Iterable[str | Path] = (),
    on_duplicate: Callable[[str, str, str], None] | None = None,
    on_skip: Skipped | None = None,
    not_input: NotInput = lambda folder: None,
) -> Iterator[Document]:
    """Documents from files and folders (recursively, in path order), lazily; nothing inside
    ``exclude`` (the output folder) is read, nor a folder ``not_input`` gives a reason for (an
    earlier run's output: ``emit.earlier_output``), and ``on_skip(path, why)`` is told of the
    folders a folder input leaves out (``_walk``). Every ``doc_id`` is unique in the run: a
    repeated one gets ``#2``, ``#3`` … and ``on_duplicate(id, new id, source)`` is told."""
    seen: set[str] = set()
    excluded = tuple(Path(p).resolve() for p in exclude)
    for document in _documents(inputs, excluded, not_input, on_skip or (lambda path, why: None)):
        if document.doc_id in seen:
            n = 2
            while f"{document.doc_id}#{n}" in seen:
                n += 1
            renamed = f"{document.doc_id}#{n}"
            if on_duplicate:
                on_duplicate(document.doc_id, renamed, document.source)
            document = replace(document, doc_id=renamed)
        seen.add(document.doc_id)
        yield document
