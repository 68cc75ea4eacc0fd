"""Stage 2 (model): a character-level NER trained on public corpora (``parkgraph train``).

An NER over jieba tokens cannot start or end an entity inside a word, and jieba glues names to
their neighbours often (see the model card), so the model reads one token per character. Each
character token carries its jieba word as features, which is what lifts a character model above
a plain one (the word-lattice idea of Lattice-LSTM and SoftLexicon, in its cheapest form):

- ``ORTH``: the character (of the normalised text);
- ``NORM``: the character bigram starting here;
- ``LEMMA``: the jieba word the character lies in;
- ``TAG``: the character's position in that word, ``B``/``M``/``E``/``S``.

The model predicts PERSON, LOC and ORG (MSRA's scheme, the one every corpus can be mapped to);
an ORG becomes COMPANY, PARK or ORG by the head of its name (grammar.py), so the company/
organisation split never has to be learnt from corpora that disagree on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy
import spacy
from spacy.attrs import LEMMA, NORM, TAG
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.util import minibatch, registry
from spacy.vocab import Vocab

from .grammar import HEADS
from .lexicon import models_dir
from .normalise import normalise
from .segment import JiebaTokenizer, token_offsets
from .tag import Candidate, MentionTagger

ORG_KIND_DIR = "org_kind"  # inside the model folder: the company-or-organisation classifier
POSITIONS = ("S", "B", "M", "E")  # single-character word, begin, middle, end


class CharTokenizer(JiebaTokenizer):
    """One token per character of the normalised text, with its jieba word as features."""

    def __init__(self, vocab: Vocab) -> None:
        super().__init__(vocab)
        self.position_ids = [vocab.strings.add(p) for p in POSITIONS]

    def __call__(self, text: str) -> Doc:
        norm = normalise(text)
        return self.from_words(norm, self.word_spans(norm))

    def from_words(self, text: str, words: Iterable[tuple[int, int]]) -> Doc:
        """The character Doc of ``text`` already segmented into ``words`` (character offsets)."""
        doc = Doc(self.vocab, words=list(text), spaces=[False] * len(text))
        if not text:
            return doc
        # Hashes only: adding every bigram and word to the StringStore would grow it without bound.
        position_ids = self.position_ids
        features = numpy.zeros((len(text), 3), dtype="uint64")
        for start, end in words:
            word_id = get_string_id(text[start:end])
            features[start:end, 1] = word_id
            if end - start == 1:
                features[start, 2] = position_ids[0]
            else:
                features[start, 2] = position_ids[1]
                features[start + 1 : end - 1, 2] = position_ids[2]
                features[end - 1, 2] = position_ids[3]
        features[:, 0] = [get_string_id(text[i : i + 2]) for i in range(len(text))]
        return doc.from_array([NORM, LEMMA, TAG], features)


@registry.tokenizers("parkgraph.CharTokenizer.v1")
def create_char_tokenizer():
    return lambda nlp: CharTokenizer(nlp.vocab)


def model_label(name: str, label: str, org_kind: Language | None = None) -> str:
    """Our label for a model mention: an ORG whose name ends in a company, park or organisation
    head is one (…有限公司, …软件园, …委员会); a name without a telling head (腾讯, 北约) is
    classified by ``org_kind``, the character n-gram classifier trained on CLUENER's split."""
    if label != "ORG":
        return label
    for size in range(min(len(name), 5), 0, -1):
        if (head := HEADS.get(name[-size:])) is not None:
            return head
    if org_kind is not None:
        cats = org_kind(name).cats
        return "COMPANY" if cats["COMPANY"] > cats["ORG"] else "ORG"
    return "ORG"


def model_mention(
    text: str, start: int, end: int, label: str, source: str, score: float, org_kind: Language | None = None
) -> Candidate | None:
    """A model's span as a candidate with our label, without the whitespace at its edges (the
    jieba ``Doc`` keeps spaces outside its tokens, so no entity may start or end on one)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return None
    return Candidate(start, end, model_label(text[start:end], label, org_kind), source, score)


def resolve_model_path(model: str | Path) -> Path:
    """A model path as given, or relative to ``models/`` (``ner`` → the shipped model)."""
    path = Path(model)
    return path if path.exists() else models_dir() / path


class ModelTagger(MentionTagger):
    """The character model of ``parkgraph train`` over a jieba ``Doc``."""

    def __init__(self, nlp: Language, name: str, model: str, overwrite_ents: bool) -> None:
        super().__init__(name, overwrite_ents)
        if problem := ner_problem(model):
            raise FileNotFoundError(problem)
        path = resolve_model_path(model)
        self.model = spacy.load(path)
        self.org_kind = spacy.load(path / ORG_KIND_DIR) if (path / ORG_KIND_DIR).exists() else None

    def mentions(self, doc: Doc) -> list[Candidate]:
        return self._found(doc, self._tag([doc])[0])

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        # the model's matrix products over many documents at once: ~1.6× faster on sentences
        for batch in minibatch(docs, batch_size):
            for doc, chars in zip(batch, self._tag(batch)):
                yield self.write(doc, self._found(doc, chars))

    def _tag(self, docs: list[Doc]) -> list[Doc]:
        chars = [self.model.tokenizer.from_words(d._.norm_text, token_offsets(d)) for d in docs]
        for _, component in self.model.pipeline:
            chars = list(component.pipe(chars, batch_size=len(chars)))
        return chars

    def _found(self, doc: Doc, chars: Doc) -> list[Candidate]:
        norm = doc._.norm_text
        found = (
            model_mention(norm, e.start_char, e.end_char, e.label_, "model", 0.85, self.org_kind) for e in chars.ents
        )
        return [m for m in found if m]


# what every statistical tagger's factory declares (this one and hanlp_ner.py's)
STATISTICAL_TAGGER = {
    "assigns": ["doc.ents", "span._.source", "span._.score"],
    "default_score_weights": {"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0},
}


@Language.factory("parkgraph_ner", default_config={"model": "ner", "overwrite_ents": True}, **STATISTICAL_TAGGER)
def create_model_tagger(nlp: Language, name: str, model: str, overwrite_ents: bool) -> ModelTagger:
    return ModelTagger(nlp, name, model, overwrite_ents)


def ner_problem(ner: str) -> str | None:
    """Why ``ner`` (a ``pipeline.load`` choice) cannot be loaded here, or None."""
    if ner == "none":
        return None
    if ner.startswith("hanlp:"):
        from .hanlp_ner import hanlp_problem

        return hanlp_problem(ner[6:])
    path = resolve_model_path("ner" if ner == "model" else ner)  # "model": the shipped one
    if not (path / "config.cfg").exists():
        return f"{path}: no NER model there (train one with `parkgraph train`)"
    return None
