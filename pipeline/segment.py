"""Stage 1: normalise, segment words with jieba, split sentences.

The tokenizer segments the *normalised* text (width-folded, simplified) but builds the ``Doc``
from the original characters, so ``doc.text`` is the text exactly as read and every offset holds.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from math import log
from pathlib import Path

import ahocorasick
import jieba
import numpy
from jieba import finalseg
from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry
from spacy.vocab import Vocab

from . import extensions  # noqa: F401  (registers the Doc/Span attributes)
from .cache import cached
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


def dictionary_words() -> ahocorasick.Automaton:
    """jieba's dictionary words of 2+ characters, each found wherever it occurs: the words of
    ``jieba.dt.get_DAG``, in one pass over a text instead of one dictionary probe per prefix."""
    return _dictionary().words


class _Dictionary:
    """jieba's dictionary as ``word_spans`` reads it: the automaton of its words, each word's
    log(count) − log(total) as jieba computes it (None: no count), worked out once per word."""

    def __init__(self, words: ahocorasick.Automaton) -> None:
        self.words = words
        self.unseen = log(1) - log(jieba.dt.total)  # jieba's value of a word without a count
        self.log_counts = _LogCounts(log(jieba.dt.total))


class _LogCounts(dict):
    """word → log(count) − log(total), or None; filled on first lookup (a plain dict lookup after
    that, the inner loop's main cost)."""

    def __init__(self, log_total: float) -> None:
        super().__init__()
        self.log_total = log_total

    def __missing__(self, word: str) -> float | None:
        count = jieba.dt.FREQ.get(word)
        value = self[word] = log(count) - self.log_total if count else None
        return value


_DICTIONARIES: dict[tuple[str, ...], _Dictionary] = {}


def _dictionary() -> _Dictionary:
    """The dictionary of jieba's default tokenizer, built again when ``dictionary_key`` changes:
    a word added with ``jieba.add_word`` or removed with ``jieba.del_word`` is followed."""
    key = dictionary_key()
    if key not in _DICTIONARIES:
        _DICTIONARIES.clear()
        _DICTIONARIES[key] = _Dictionary(cached("dictionary-words", _dictionary_words, *key))
    return _DICTIONARIES[key]


def dictionary_key() -> tuple[str, str, str, str]:
    """Which dictionary jieba's default tokenizer holds: its file (with the file's time), its size,
    its total count and the words removed from it (``jieba.del_word`` keeps a removed word with a
    count of 0, so size and total stay); what is built from it is cached under this key."""
    jieba.dt.check_initialized()
    dictionary = jieba.dt.dictionary  # None: the dictionary of this jieba version
    source = f"{dictionary}:{Path(dictionary).stat().st_mtime_ns}" if dictionary else "default"
    removed = ",".join(sorted(finalseg.Force_Split_Words))
    return source, str(len(jieba.dt.FREQ)), str(jieba.dt.total), removed


def _dictionary_words() -> ahocorasick.Automaton:
    words = ahocorasick.Automaton(ahocorasick.STORE_LENGTH)
    for word, count in jieba.dt.FREQ.items():
        if count and len(word) > 1:  # a count of 0 marks a prefix, not a word
            words.add_word(word)
    words.make_automaton()
    return words


def word_spans(norm: str) -> list[tuple[int, int]]:
    """(start, end) of each word of the normalised text: the words of jieba's default tokenizer
    (``jieba.dt.cut(norm, HMM=True)``; one dictionary in memory, shared with grammar.py and the
    NER's features), found as jieba finds them but with the dictionary's words read from an
    automaton in one pass (jieba probes every prefix in Python). A test holds the two to the
    same words."""
    spans: list[tuple[int, int]] = []
    position = 0
    dictionary = _dictionary()
    for block in jieba.re_han_default.split(norm):
        if not block:
            continue
        if jieba.re_han_default.match(block):
            lengths = _block_word_lengths(block, dictionary)
        else:  # whitespace runs are words, anything else a word per character
            pieces = (piece for piece in jieba.re_skip_default.split(block) if piece)
            lengths = [n for p in pieces for n in ([len(p)] if jieba.re_skip_default.match(p) else [1] * len(p))]
        for length in lengths:
            spans.append((position, position + length))
            position += length
    return spans


def _block_word_lengths(block: str, dictionary: _Dictionary) -> list[int]:
    """jieba's ``__cut_DAG``: the most probable path through the dictionary's words (ties to
    the longer word), and runs of single characters that make no dictionary word read by the
    HMM (``finalseg``)."""
    n, log_counts, unseen = len(block), dictionary.log_counts, dictionary.unseen
    ends: list[list[int]] = [[] for _ in range(n)]
    for last, length in dictionary.words.iter(block):
        ends[last + 1 - length].append(last)
    score, route = [0.0] * (n + 1), [0] * n
    for start in range(n - 1, -1, -1):
        candidates = ends[start]
        if log_counts[block[start]] is not None:
            candidates = [start, *candidates]
        elif not candidates:
            candidates = [start]
        best, best_end = None, start
        for end in candidates:
            # jieba's log(count or 1) − log(total) + score, in its order: the same float
            value = log_counts[block[start : end + 1]]
            value = (unseen if value is None else value) + score[end + 1]
            if best is None or value > best or (value == best and end > best_end):
                best, best_end = value, end
        score[start], route[start] = best, best_end
    lengths: list[int] = []
    run = None  # where the current run of single characters began
    start = 0
    while start < n:
        end = route[start] + 1
        if end - start == 1:
            run = start if run is None else run
        else:
            if run is not None:
                lengths += _single_run(block[run:start])
                run = None
            lengths.append(end - start)
        start = end
    if run is not None:
        lengths += _single_run(block[run:])
    return lengths


def _single_run(run: str) -> list[int]:
    """jieba's words of a run of single characters: the HMM's when the run is no dictionary word."""
    if len(run) > 1 and not jieba.dt.FREQ.get(run):
        return [len(word) for word in finalseg.cut(run)]
    return [1] * len(run)


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
    captions have no final punctuation, and a line break never continues a sentence in news text.
    Read on the normalised text (``doc.text`` is rebuilt from the tokens on each access), where the
    small, vertical and half-width forms of these marks (﹗, ︒, ｡) end a sentence too."""
    if not len(doc):
        return doc
    text = doc._.norm_text if doc._.norm_text is not None else doc.text
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
