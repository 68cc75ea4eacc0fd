"""parkgraph: organisations, parks, places and money from Chinese news, and the company–park graph.

>>> import pipeline
>>> nlp = pipeline.load()
>>> doc = nlp("成都云帆科技有限公司位于天府软件园。")
>>> [(e.text, e.label_) for e in doc.ents]
[('成都云帆科技有限公司', 'COMPANY'), ('天府软件园', 'PARK')]
"""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language

from . import coref, relations, segment, tag  # noqa: F401  (register the components)

__version__ = "0.1.0"

CONFIG_PATH = Path(__file__).with_name("default.cfg")


def load(config_path: str | Path = CONFIG_PATH, **overrides) -> Language:
    """The default pipeline, built from one config file (``pipeline/default.cfg``).

    ``overrides`` are dotted config keys, e.g. ``{"components.relations.min_confidence": 0.6}``.
    """
    config = spacy.util.load_config(config_path, overrides=overrides, interpolate=False)
    return spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
