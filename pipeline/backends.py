"""Where the models are and whether they can run here: the checks the CLI makes before a run
and the taggers make when they load, without importing a backend (HanLP, torch) to make them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from .charnet import WEIGHTS
from .files import models_dir

HANLP_INSTALL_HINT = "pip install 'parkgraph[hanlp]' (hanlp==2.1.5 with torch==2.13.0)"


def resolve_model_path(model: str | Path) -> Path:
    """A model path as given, or relative to ``models/`` (``ner`` → the shipped model)."""
    path = Path(model)
    return path if path.exists() else models_dir() / path


def relation_model_path(model: str) -> Path | None:
    """``none`` → no model (rules only); a folder or file path; else a folder under models/."""
    if model == "none":
        return None
    path = resolve_model_path(model)
    return path / "weights.json" if path.is_dir() else path


def ner_problem(ner: str) -> str | None:
    """Why ``ner`` (a ``pipeline.load`` choice) cannot be loaded here, or None."""
    if ner == "none":
        return None
    if ner.startswith("hanlp:"):
        return hanlp_problem(ner[6:])
    path = resolve_model_path("ner" if ner == "model" else ner)  # "model": the shipped one
    if not (path / WEIGHTS).exists():
        return f"{path}: no NER model there (train one with `parkgraph train`)"
    return None


def hanlp_problem(path: str | Path) -> str | None:
    """Why ``--ner hanlp:PATH`` cannot run here, or None."""
    if importlib.util.find_spec("hanlp") is None:
        return f"--ner hanlp needs HanLP, which is not installed: {HANLP_INSTALL_HINT}"
    if not (Path(path) / "meta.json").exists() and not (Path(path) / "config.json").exists():
        return f"{path}: not a HanLP model folder (no meta.json or config.json)"
    return None
