"""Where the package's model files are, and writing a file so that a reader never sees half of it."""

from __future__ import annotations

import os
import secrets
from importlib import resources
from pathlib import Path


def models_dir() -> Path:
    """``models/`` beside the package in a checkout, or ``pipeline/models`` in an installed wheel."""
    checkout = Path(__file__).resolve().parent.parent / "models"
    if checkout.is_dir():
        return checkout
    return Path(str(resources.files("pipeline") / "models"))


def write_atomically(path: Path, content: str | bytes) -> None:
    """Replace ``path`` with ``content`` (text as UTF-8) at once: a temporary file of its own beside
    it, then a rename, so neither a reader nor another writer ever sees half a file."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    # a name of its own per process and call (two writers never share it); created as any file
    # is, so the umask decides its permissions
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
