"""parkgraph: organisations, parks, places and money from Chinese news, and the company–park graph.

>>> import pipeline
>>> nlp = pipeline.load()
>>> doc = nlp("成都云帆科技有限公司位于天府软件园。")
>>> [(e.text, e.label_) for e in doc.ents]
[('成都云帆科技有限公司', 'COMPANY'), ('天府软件园', 'PARK')]
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

# jieba (and cpca) import pkg_resources, which warns on every import; the warning is theirs to fix
# and says nothing to a user of parkgraph, so it is silenced before either is imported
warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)


def _import_spacy_without_torch() -> None:
    """Import spaCy with torch hidden. thinc imports torch whenever it is installed (the `train`
    and `hanlp` extras), which costs ~2.5 s and ~215 MB per process although no component here
    runs on thinc's torch support; training and HanLP import torch themselves, later, as usual."""
    if "torch" in sys.modules or "thinc" in sys.modules:
        return
    sys.modules["torch"] = None  # type: ignore[assignment]  (makes `import torch` raise ImportError)
    try:
        import spacy  # noqa: F401
    finally:
        del sys.modules["torch"]


_import_spacy_without_torch()

import spacy  # noqa: E402
from spacy.language import Language  # noqa: E402

from . import aliases, coref, mentions, relations, segment, tag  # noqa: E402, F401  (register the components)
from . import ner as _ner  # noqa: E402, F401  (registers parkgraph_ner; `ner` is an argument of load())

__version__ = "0.1.0"

CONFIG_PATH = Path(__file__).with_name("default.cfg")


NER_CHOICES = "model (the shipped models/ner), none (rules only), PATH (a model from `parkgraph train`), hanlp:PATH"


def load(config_path: str | Path = CONFIG_PATH, ner: str = "model", prefer: str | None = None, **overrides) -> Language:
    """The default pipeline, built from one config file (``pipeline/default.cfg``).

    ``ner`` picks the statistical tagger, one of ``NER_CHOICES``; ``prefer`` ("model" or "rules")
    says which wins where the model and the rules disagree on a span (default: the config's
    order). ``overrides`` are dotted config keys, e.g. ``{"components.relations.min_confidence": 0.6}``.
    """
    config = spacy.util.load_config(config_path, overrides=overrides, interpolate=False)
    if ner == "none":
        config["nlp"]["pipeline"].remove("ner")
        del config["components"]["ner"]
    elif ner.startswith("hanlp:"):
        from . import hanlp_ner  # noqa: F401  (registers parkgraph_hanlp_ner; hanlp itself loads with the model)

        config["components"]["ner"].update(factory="parkgraph_hanlp_ner", model=ner[6:])
        del config["components"]["ner"]["int8"]
    elif ner != "model":
        config["components"]["ner"]["model"] = ner
    if prefer is not None:
        # the winner's mentions first; the other tagger's fill only its gaps
        config["components"]["mentions"]["policy"].update(
            order=["ner", "rules"] if prefer == "model" else ["rules", "ner"], outranks={}, extends={}, confirms={}
        )
    return spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
