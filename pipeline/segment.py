"""Stage 1: normalise, segment words with jieba, split sentences.

The tokenizer segments the *normalised* text (width-folded, simplified) but builds the ``Doc``
from the original characters, so ``doc.text`` is the text exactly as read and every offset holds.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

import jieba
import numpy
from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry
from spacy.vocab import Vocab

from . import extensions  # noqa: F401  (registers the Doc/Span attributes)
from .normalise import normalise

jieba.setLogLevel(60)


class JiebaTokenizer:
    """jieba's precise mode (with HMM for unknown words) over the normalised text."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        norm = normalise(text)
        spans = word_spans(norm)
        words, spaces = words_and_spaces(text, spans)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        doc._.norm_text = norm
        doc._.jieba_words = spans
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
        for text in texts:
            yield self(text)

    # spaCy serialises the tokenizer with the pipeline; jieba's dictionary ships with jieba.
    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> JiebaTokenizer:
        return self

    def to_disk(self, path, **kwargs) -> None:
        pass

    def from_disk(self, path, **kwargs) -> JiebaTokenizer:
        return self


def word_spans(norm: str) -> list[tuple[int, int]]:
    """(start, end) of each jieba word of the normalised text, by jieba's default tokenizer (one
    dictionary in memory, shared with grammar.py and the NER's features)."""
    spans, position = [], 0
    for word in jieba.dt.cut(norm, HMM=True):
        spans.append((position, position + len(word)))
        position += len(word)
    return spans


def words_and_spaces(text: str, spans: list[tuple[int, int]]) -> tuple[list[str], list[bool]]:
    """spaCy's ``get_words_and_spaces`` for words that tile ``text`` (jieba's do), in one pass:
    a single space after a word becomes its trailing space, other whitespace runs become tokens.
    (spaCy's version searches the rest of the text for every word, quadratic in a long text.)"""
    words: list[str] = []
    spaces: list[bool] = []
    for start, end in spans:
        word = text[start:end]
        if not word.isspace():
            words.append(word)
            spaces.append(False)
        elif word == " " and words and not spaces[-1] and not words[-1].isspace():
            spaces[-1] = True
        elif words and words[-1].isspace():
            words[-1] += word
        else:
            words.append(word)
            spaces.append(False)
    return words, spaces


@registry.tokenizers("parkgraph.JiebaTokenizer.v1")
def create_jieba_tokenizer():
    return lambda nlp: JiebaTokenizer(nlp.vocab)


SENTENCE_END = re.compile(r"[。！？!?；;…]+[”’」』)）]*$|\n")


@Language.component(
    "parkgraph_sentences",
    assigns=["token.is_sent_start"],
)
def split_sentences(doc: Doc) -> Doc:
    """A sentence ends after 。！？；… (with closing quotes) and at every line break: headings and
    captions have no final punctuation, and a line break never continues a sentence in news text."""
    if not len(doc):
        return doc
    text = doc.text
    ends = [SENTENCE_END.search(text, start, end) is not None for start, end in token_offsets(doc)]
    starts = numpy.where([True, *ends[:-1]], 1, -1)  # SENT_START: 1 starts, -1 continues
    return doc.from_array([SENT_START], starts.astype("uint64").reshape(-1, 1))


def split_tokens_at(doc: Doc, boundaries: Iterable[int]) -> None:
    """Split tokens so that every character offset in ``boundaries`` is a token boundary.

    jieba often glues an entity to its neighbour (成立于中关村 → 成立/于/中关村 is fine, but
    天府软件园区 may not be); entity spans must be exact, so the tokens bend to the spans.
    """
    offsets = token_offsets(doc)
    starts = [start for start, _ in offsets]
    plans: dict[int, list[int]] = {}
    for cut in sorted(set(boundaries)):
        i = bisect.bisect_right(starts, cut) - 1
        if i >= 0 and offsets[i][0] < cut < offsets[i][1]:
            plans.setdefault(i, []).append(cut)
    if not plans:
        return
    with doc.retokenize() as retokenizer:
        for i, cuts in plans.items():
            token = doc[i]
            edges = [0, *(cut - token.idx for cut in cuts), len(token.text)]
            orths = [token.text[a:b] for a, b in zip(edges, edges[1:])]
            retokenizer.split(token, orths, heads=[(token, 0)] * len(orths))


def token_offsets(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) character offsets of every token, read as one array (no Token objects)."""
    if not len(doc):
        return []
    starts, lengths = doc.to_array([IDX, LENGTH]).T
    return list(zip(starts.tolist(), (starts + lengths).tolist()))
