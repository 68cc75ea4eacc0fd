"""What the lexicons know about each character: the tagger's knowledge features.

For every kind of name the project's lexicons hold (real companies with their short names and
brands, real parks, places, well-known organisations) each character gets three bits, as for
jieba's dictionary words (``charnet.lexicon_shapes``): a known name of that kind starts here,
runs through here, ends here. The tagger learns from the silver corpus how far to trust a hit:
比亚迪 or 京东 in a list of firms is a company, 长江 or 平安 in a sentence about a river or about
safety is not. A lexicon hit alone never makes a mention; the network weighs it with the text
around it.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy

KINDS = ("COMPANY", "PARK", "LOC", "ORG")
SHAPES = 8  # 3 bits per character: a name starts / runs through / ends here


def span_bits(length: int, starts: numpy.ndarray, lasts: numpy.ndarray) -> numpy.ndarray:
    """Per character of a text of ``length``, the bits of the spans [start, last] (inclusive)
    over it: 1 one starts here, 2 one runs through (neither starts nor ends), 4 one ends here."""
    bits = numpy.zeros(length, dtype="int64")
    if not len(starts):
        return bits
    # a span covers start+1 … last-1: +1 where that begins, -1 where it stops, summed left to right
    through = numpy.cumsum(numpy.bincount(starts + 1, minlength=length + 1)[:length])
    through -= numpy.cumsum(numpy.bincount(lasts, minlength=length + 1)[:length])
    bits |= 2 * (through > 0)
    bits[starts] |= 1
    bits[lasts] |= 4
    return bits


def known_names(text: str) -> Iterator[tuple[str, int, int]]:
    """(kind, start, end) of every lexicon name in ``text``, overlapping ones included."""
    from . import companies, lexicon  # the lexicons load on first use, not on import

    for start, end, _, _ in companies.find_known(text):
        yield "COMPANY", start, end
    for start, end, label, _ in lexicon.find_all(text):
        yield label, start, end


def knowledge_shapes(*texts: str) -> numpy.ndarray:
    """(len(KINDS), length) bits of the known names of each kind around each character of
    ``texts`` read as one text, joined by one character (as ``charnet.Vocabulary.features``
    reads a batch). No name holds that character, so each text's names are found alone: the
    rules have just found the same ones (``find_known``, ``find_all`` keep them)."""
    found: dict[str, list[tuple[int, int]]] = {kind: [] for kind in KINDS}
    offset = 0
    for text in texts:
        for kind, start, end in known_names(text):
            if end - start > 1:
                found[kind].append((offset + start, offset + end - 1))
        offset += len(text) + 1
    length = max(offset - 1, 0)
    rows = []
    for kind in KINDS:
        starts, lasts = numpy.array(found[kind], dtype="int64").reshape(-1, 2).T
        rows.append(span_bits(length, starts, lasts))
    return numpy.stack(rows) if length else numpy.zeros((len(KINDS), 0), dtype="int64")
