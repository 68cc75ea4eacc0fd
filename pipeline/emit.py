"""Stage 4: the output folder — its files, one run's tables, resume and repair (ANNOTATION.md,
"Extraction output").

Rows are appended and flushed as each document completes, so an interrupted run keeps every
document finished before it (``--resume`` reuses them; a half-written last line is skipped). The
graph, page and summary are built apart, by ``publish.publish``, once a run completed.
"""

from __future__ import annotations

import json
import os
import shutil
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .inputs import Document
from .rows import TABLES, DocumentResult, content_hash, document_row, jsonl


class OutputBusy(RuntimeError):
    """Another run holds the output folder."""


class OutputFolder:
    """Writes ``documents.jsonl``, ``entities.jsonl`` and ``relations.jsonl`` of one run.

    Made in two steps so that a run that cannot start never touches the previous output: the
    constructor only checks the folder, takes its lock (a second run into the same folder is
    refused) and, with ``resume``, indexes what the earlier runs finished; ``open`` (called once
    the engine is up and the first batch is read) truncates the tables, or with ``resume`` moves
    them aside into ``.resume/N/``, where their finished documents are copied from.

    A batch's entity and relation rows are written first and its ``documents.jsonl`` rows last,
    each file flushed after the batch: a document row marks its document done. Rows are always
    written in input order, reused or new, so a resumed run's tables equal a fresh run's.
    """

    def __init__(self, path: str | Path, resume: bool = False, settings: dict[str, Any] | None = None) -> None:
        self.path = Path(path)
        if self.path.exists() and not self.path.is_dir():
            raise NotADirectoryError(f"--out {self.path} is a file, not a folder")
        self.created = not self.path.exists()
        self.path.mkdir(parents=True, exist_ok=True)
        self.settings = settings or {}
        self._lock = _lock(self.path)
        try:
            for name in TABLES:  # a table that cannot be rewritten is found now, before any is truncated
                if (self.path / f"{name}.jsonl").exists():
                    (self.path / f"{name}.jsonl").open("a").close()
        except OSError:
            self.release()
            raise
        self.files: dict[str, Any] = {}
        self.failed = 0
        self.previous = PreviousRuns(self.path, self.settings) if resume else None

    def is_done(self, document: Document) -> bool:
        return self.previous is not None and self.previous.is_done(document)

    def reused(self, document: Document) -> DocumentResult:
        """A finished document's rows from an earlier run, unchanged."""
        assert self.previous is not None
        return self.previous.result(document)

    def open(self) -> None:
        """Start writing: from here on the previous tables are replaced."""
        if self.previous is not None:
            self.previous.move_aside()
        # the tables are about to change: an earlier run's graph, summary or copies would disagree
        # with them (publishing builds them again once the run completes)
        for name in DERIVED_FILES:
            (self.path / name).unlink(missing_ok=True)
        (self.path / RUN_FILE).write_text(json.dumps(self.settings, sort_keys=True), encoding="utf-8")
        self.files = {name: (self.path / f"{name}.jsonl").open("wb") for name in TABLES}

    def write(self, table: str, chunks: Iterable[bytes]) -> None:
        handle = self.files[table]
        for chunk in chunks:
            handle.write(chunk)
        handle.flush()

    def add(self, results: list[DocumentResult]) -> None:
        """Write a batch: its entity and relation rows first, then its document rows."""
        self.write("entities", (c for r in results for c in r.entities))
        self.write("relations", (c for r in results for c in r.relations))
        self.write("documents", [jsonl([r.document for r in results]).encode("utf-8", "backslashreplace")])
        self.failed += sum(r.document["status"] == "error" for r in results)

    def close_tables(self) -> None:
        for handle in self.files.values():
            handle.close()

    def close(self, complete: bool = True) -> None:
        """Close the tables; when the run ``complete``d, drop what resume kept aside. Always
        releases the lock."""
        try:
            self.close_tables()
            if self.files and complete and self.previous is not None:
                self.previous.discard()
        finally:
            if self.previous is not None:
                self.previous.close()
            self.release()

    def release(self) -> None:
        if self._lock is not None:
            self._lock.close()  # closing the descriptor drops the flock
            self._lock = None

    def abandon(self) -> None:
        """A run that never started: release the lock, and remove the folder if this run made it
        (it holds nothing but the lock file), so a failed start leaves no trace."""
        self.release()
        if self.created:
            (self.path / LOCK_FILE).unlink(missing_ok=True)
            try:
                self.path.rmdir()
            except OSError:
                pass  # something else was written there meanwhile: keep it


DERIVED_FILES = (  # what publishing builds from the tables
    "graph.graphml",
    "graph.json",
    "graph.html",
    "summary.md",
    "parks.svg",
    *(f"{table}.{fmt}" for table in TABLES for fmt in ("csv", "parquet")),
)
RUN_FILE = "run.json"  # the settings the tables were made with: resume reuses rows only under them
RESUME_DIR = ".resume"
LOCK_FILE = ".lock"


def earlier_output(folder: Path) -> str | None:
    """Why ``folder`` is not input, when it is an earlier run's output folder (its settings and
    its three tables): a rerun over a tree that holds one never reads its tables back as news."""
    if all((folder / name).is_file() for name in (RUN_FILE, *(f"{t}.jsonl" for t in TABLES))):
        return "an earlier run's output folder (run.json and the tables)"
    return None


def _lock(folder: Path):
    """An exclusive, non-blocking lock on ``folder/.lock``, held for the run (the kernel drops
    it when the process dies, so a killed run never leaves the folder locked)."""
    handle = (folder / LOCK_FILE).open("a")
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, as before
        return handle
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise OutputBusy(f"another parkgraph run is writing to {folder}; wait for it or choose another --out") from None
    return handle


class PreviousRuns:
    """The finished documents of earlier runs into a folder, for ``--resume``.

    The current tables and those of any resume that was itself interrupted (``.resume/N/``, newest
    last) are read once; a document is done where its last ``ok`` row with a content hash is, and
    only under the same settings. Its entity and relation rows are found by byte range, so
    nothing but the index is held in memory."""

    def __init__(self, folder: Path, settings: dict[str, Any]) -> None:
        self.folder = folder
        aside = folder / RESUME_DIR
        kept = sorted((p for p in aside.glob("[0-9]*") if p.name.isdigit()), key=lambda p: int(p.name))
        self.target = aside / str(int(kept[-1].name) + 1 if kept else 0)  # where the current tables go
        sets = [*kept, folder]
        self.done: dict[str, tuple[int, str]] = {}  # doc_id → (set, sha1)
        for index, where in enumerate(sets):
            if _settings(where) != settings:
                continue
            for _, _, row in _complete_lines(where / "documents.jsonl"):
                if row.get("status") == "ok" and row.get("sha1"):
                    self.done[str(row["doc_id"])] = (index, row["sha1"])
        self.ranges: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        for index, where in enumerate(sets):
            for table in ("entities", "relations"):
                for start, end, row in _complete_lines(where / f"{table}.jsonl"):
                    doc_id = str(row.get("doc_id"))
                    if self.done.get(doc_id, (None,))[0] == index:
                        ranges = self.ranges[(doc_id, table)]
                        if ranges and ranges[-1][1] == start:
                            ranges[-1] = (ranges[-1][0], end)
                        else:
                            ranges.append((start, end))
        self.sets = [*kept, self.target]
        self.handles: dict[tuple[int, str], Any] = {}

    def is_done(self, document: Document) -> bool:
        done = self.done.get(document.doc_id)
        return document.error is None and done is not None and done[1] == content_hash(document.text)

    def result(self, document: Document) -> DocumentResult:
        where = self.done[document.doc_id][0]
        tables = {}
        for table in ("entities", "relations"):
            tables[table] = []
            for start, end in self.ranges.get((document.doc_id, table), []):
                handle = self._handle(where, table)
                handle.seek(start)
                tables[table].append(handle.read(end - start))
        return DocumentResult(document_row(document), tables["entities"], tables["relations"])

    def _handle(self, where: int, table: str):
        """The table of set ``where``, opened once for the whole run (not twice per document)."""
        if (where, table) not in self.handles:
            self.handles[(where, table)] = (self.sets[where] / f"{table}.jsonl").open("rb")
        return self.handles[(where, table)]

    def close(self) -> None:
        for handle in self.handles.values():
            handle.close()
        self.handles.clear()

    def move_aside(self) -> None:
        self.target.mkdir(parents=True)
        for name in [*(f"{t}.jsonl" for t in TABLES), RUN_FILE]:
            if (self.folder / name).exists():
                os.replace(self.folder / name, self.target / name)

    def discard(self) -> None:
        self.close()
        shutil.rmtree(self.folder / RESUME_DIR, ignore_errors=True)


def _settings(folder: Path) -> dict[str, Any] | None:
    try:
        return json.loads((folder / RUN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _complete_lines(path: Path) -> Iterator[tuple[int, int, dict[str, Any]]]:
    """(start byte, end byte, row) of each row of a JSONL table that was written whole (a killed
    run may leave half a line)."""
    if not path.exists():
        return
    offset = 0
    with path.open("rb") as handle:
        for line in handle:
            start, offset = offset, offset + len(line)
            if not line.endswith(b"\n"):
                continue
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if isinstance(row, dict):
                yield start, offset, row


def iter_rows(folder: Path, table: str) -> Iterator[dict[str, Any]]:
    """A table's rows one at a time (the tables can be larger than memory)."""
    for _, _, row in _complete_lines(folder / f"{table}.jsonl"):
        yield row
