"""Optional NER backend: a HanLP model on disk (``--ner hanlp:PATH``; ``pip install 'parkgraph[hanlp]'``).

HanLP's pretrained models download from its hub at load time; this backend only loads a model
folder the user already has (trained with HanLP or with ``train_hanlp_ner`` below). Its labels
map to ours: MSRA's NR/NS/NT, OntoNotes' PERSON/GPE/ORG/MONEY, and the PER/LOC/ORG of BIO
corpora. An ORG becomes COMPANY, PARK or ORG by its name's head, as with the shipped model.

HanLP 2.1.5's RNN tagger passes its CRF constraints where the CRF expects ``batch_first``, so
the CRF reads the LSTM's batch-major output as time-major and learns nothing; ``batch_first`` is
forced on, in training and after loading.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from .backends import hanlp_problem
from .mentions import Candidate, MentionTagger
from .ner import STATISTICAL_TAGGER, model_mention

HANLP_LABELS = {
    "NR": "PERSON",
    "NS": "LOC",
    "NT": "ORG",
    "PERSON": "PERSON",
    "PER": "PERSON",
    "GPE": "LOC",
    "LOC": "LOC",
    "ORG": "ORG",
    "MONEY": "MONEY",
}


def _force_batch_first(component) -> None:
    crf = getattr(getattr(component, "model", None), "crf", None)
    if crf is not None:
        crf.batch_first = True


def load_hanlp(path: str | Path):
    """``hanlp.load(path)`` with the CRF fixed; raises ImportError with the install hint."""
    if problem := hanlp_problem(path):
        raise ImportError(problem) if "not installed" in problem else FileNotFoundError(problem)
    import hanlp

    component = hanlp.load(str(path))
    _force_batch_first(component)
    return component


def train_hanlp_ner(train_tsv: Path, dev_tsv: Path, save_dir: Path, **fit_options) -> Path:
    """Train HanLP's BiLSTM-CRF tagger on ``char<TAB>tag`` files (BIO), with the CRF fixed and a
    fixed seed unless ``fit_options`` gives one (HanLP's default seed is the clock)."""
    from hanlp.components.ner.rnn_ner import RNNNamedEntityRecognizer

    recognizer = RNNNamedEntityRecognizer()
    build_model = recognizer.build_model

    def build_fixed_model(**kwargs):
        model = build_model(**kwargs)
        if model.crf is not None:
            model.crf.batch_first = True
        return model

    # an instance attribute, so the saved model names HanLP's own class and loads without us
    recognizer.build_model = build_fixed_model
    recognizer.fit(str(train_tsv), str(dev_tsv), str(save_dir), **{"seed": 0, **fit_options})
    return save_dir


class HanLPTagger(MentionTagger):
    """Runs a HanLP tagger sentence by sentence over the normalised characters."""

    def __init__(self, nlp: Language, name: str, model: str) -> None:
        super().__init__(name)
        self.model = load_hanlp(model)

    def mentions(self, doc: Doc) -> list[Candidate]:
        norm = doc._.norm_text
        sentences = [(s.start_char, s.end_char) for s in doc.sents if norm[s.start_char : s.end_char].strip()]
        if not sentences:
            return []
        predicted = self.model.predict([list(norm[a:b]) for a, b in sentences])
        return list(_candidates(sentences, predicted, norm))


def _candidates(sentences: list[tuple[int, int]], predicted: list, norm: str) -> Iterable[Candidate]:
    for (offset, _), entities in zip(sentences, predicted):
        for _text, label, begin, end in entities:
            if label in HANLP_LABELS:
                mention = model_mention(norm, offset + begin, offset + end, HANLP_LABELS[label], "model:hanlp", 0.8)
                if mention:
                    yield mention


@Language.factory("parkgraph_hanlp_ner", default_config={"model": ""}, **STATISTICAL_TAGGER)
def create_hanlp_tagger(nlp: Language, name: str, model: str) -> HanLPTagger:
    return HanLPTagger(nlp, name, model)
