"""Where the package's model files are, and writing a file so that a reader never sees half of it."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path


def models_dir() -> Path:
    """``models/`` beside the package in a checkout, or ``pipeline/models`` in an installed wheel."""
    checkout = Path(__file__).resolve().parent.parent / "models"
    if checkout.is_dir():
        return checkout
    return Path(str(resources.files("pipeline") / "models"))


def write_atomically(path: Path, content: str) -> None:
    """Replace ``path`` with ``content`` at once (a temporary file beside it, then a rename)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(content, encoding="utf-8")
    os.replace(tmp, path)
