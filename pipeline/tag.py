"""Stage 2: tag entities with rules and lexicons — COMPANY, PARK, ORG, LOC, MONEY, PERSON.

Candidates come from the lexicons (real parks, places, organisations), the name grammars, the
money pattern and the person finder; the longest span wins, a lexicon beating a grammar on the
same span. The statistical tagger (ner.py) shares ``MentionTagger``: whichever runs first
overwrites, the other fills only the gaps (``overwrite_ents = false``); default.cfg says which.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span

from . import lexicon
from .companies import find_companies
from .grammar import COMPANY_HEADS, ORG_HEADS, Candidate, Sentence, find_names
from .money import find_money
from .park_names import in_header_line, names_built_on_parks
from .persons import find_persons
from .segment import split_tokens_at

# “中关村开放实验室”: a quoted name with an organisation head is a platform or project, and the
# names inside it (中关村, 北京) are not mentions of their own. A quoted park is a park
# (“梅李民营轻纺工业园”): news quotes the names of parks as often as not.
NAMING_HEADS = "|".join(sorted([*COMPANY_HEADS, *ORG_HEADS], key=len, reverse=True))
QUOTED_NAME = re.compile(f"“([^”“]{{2,24}}(?:{NAMING_HEADS}))”")
# On a tie in length, the more trustworthy source wins.
SOURCE_PRIORITY = {"lexicon": 0, "money": 0, "coref": 0, "grammar": 1, "person": 2, "model": 3}


def rule_candidates(text: str, words: list[tuple[int, int]]) -> list[Candidate]:
    """Every candidate mention in normalised ``text`` segmented into ``words``."""
    sent = Sentence(text, words)
    places, parks, candidates = [], [], []
    for start, end, label, _record in lexicon.find_all(text):
        if label == "LOC":
            # a place match must not cut a word in two (东方 in 东方明珠)
            if sent.aligned(start) and sent.aligned(end):
                places.append((start, end))
                candidates.append(Candidate(start, end, "LOC", "lexicon:place", 0.9))
        elif label == "PARK":
            if in_header_line(text, start, end):
                continue
            parks.append((start, end))
            candidates.append(Candidate(start, end, "PARK", "lexicon:park", 0.95))
        else:
            candidates.append(Candidate(start, end, label, "lexicon:org", 0.95))
    sent.places, sent.parks = places, parks
    candidates.extend(names_built_on_parks(text, parks))
    candidates.extend(find_names(sent))
    firms = list(find_companies(sent, [c for c in candidates if c.label == "COMPANY"]))
    # the context that made a place or park name a firm (中关村公告称) decides its reading
    firm_spans = {(c.start, c.end) for c in firms}
    candidates = [c for c in candidates if (c.start, c.end) not in firm_spans] + firms
    candidates.extend(Candidate(m.start, m.end, "MONEY", "money", 0.95) for m in find_money(text))
    candidates.extend(Candidate(s, e, "PERSON", "person", 0.8) for s, e in find_persons(text, words))
    return candidates


def outside_quoted_names(text: str, candidates: list[Candidate]) -> list[Candidate]:
    """Drop the candidates inside a quoted platform or project name (“中关村开放实验室”)."""
    quoted = [(m.start(1), m.end(1)) for m in QUOTED_NAME.finditer(text)]
    return [c for c in candidates if not any(a <= c.start and c.end <= b for a, b in quoted)]


def resolve_overlaps(candidates: list[Candidate], taken: list[tuple[int, int]] = ()) -> list[Candidate]:
    """Flat mentions: longest first, then by source priority; nothing overlaps ``taken``."""
    occupied = bytearray(max((c.end for c in candidates), default=0) + 1)
    for start, end in taken:
        occupied[start : min(end, len(occupied))] = b"\x01" * (min(end, len(occupied)) - start)
    chosen = []
    order = sorted(candidates, key=lambda c: (-(c.end - c.start), SOURCE_PRIORITY[c.source.split(":")[0]], c.start))
    for c in order:
        if not any(occupied[c.start : c.end]):
            occupied[c.start : c.end] = b"\x01" * (c.end - c.start)
            chosen.append(c)
    return sorted(chosen, key=lambda c: c.start)


def set_entities(doc: Doc, mentions: list[Candidate], keep: bool = True) -> None:
    """Make ``mentions`` (plus the existing ents when ``keep``) the doc's entities, splitting
    tokens where a mention's edge falls inside one."""
    if not mentions and keep:
        return
    existing = (
        [(e.start_char, e.end_char, e.label_, e._.source, e._.score, e._.value, e._.currency) for e in doc.ents]
        if keep
        else []
    )
    split_tokens_at(doc, [x for c in mentions for x in (c.start, c.end)])
    spans = []
    for start, end, label, source, score, value, currency in existing:
        span = doc.char_span(start, end, label=label)
        span._.source, span._.score, span._.value, span._.currency = source, score, value, currency
        spans.append(span)
    norm = doc._.norm_text
    for c in mentions:
        span = doc.char_span(c.start, c.end, label=c.label)
        span._.source, span._.score = c.source, c.score
        if c.label == "MONEY":
            money = next(find_money(norm[c.start : c.end]), None)
            if money:
                span._.value, span._.currency = money.value, money.currency
        spans.append(span)
    doc.ents = sorted(spans, key=lambda s: s.start)


def outranked(ents: list[Span], candidates: list[Candidate], outranks: frozenset[str]) -> set[tuple[int, int]]:
    """(start, end) of the entities that candidates replace: a candidate replaces the entities
    it overlaps when all come from ``outranks`` sources, unless they are exactly its characters
    under another label (美国 as ORG against the gazetteer's place: the gazetteer's stands)."""
    beaten = set()
    # ents are in order and do not overlap: the ones a candidate overlaps are found by bisection
    starts, ends = [e.start_char for e in ents], [e.end_char for e in ents]
    for c in candidates:
        lo, hi = bisect.bisect_right(ends, c.start), bisect.bisect_left(starts, c.end)
        overlapped = [e for e in ents[lo:hi] if e.start_char < c.end and c.start < e.end_char]
        if not overlapped or any(e._.source not in outranks for e in overlapped):
            continue
        # disjoint entities within the candidate's edges tile it when their lengths add up
        edges = (overlapped[0].start_char, overlapped[-1].end_char) == (c.start, c.end)
        same_characters = edges and sum(e.end_char - e.start_char for e in overlapped) == c.end - c.start
        if same_characters and any(e.label_ != c.label for e in overlapped):
            continue
        beaten.update((e.start_char, e.end_char) for e in overlapped)
    return beaten


class MentionTagger:
    """Writes a source's mentions as ``doc.ents``: replacing what is there (``overwrite_ents``)
    or only in its gaps, except that a mention replaces the entities it overlaps when all of
    them come from a source it ``outranks`` (``"person"``, ``"lexicon:place"``). The rules and
    the statistical taggers differ only in ``mentions``."""

    def __init__(self, name: str, overwrite_ents: bool, outranks: Iterable[str] = ()) -> None:
        self.name = name
        self.overwrite_ents = overwrite_ents
        self.outranks = frozenset(outranks)

    def mentions(self, doc: Doc) -> list[Candidate]:
        raise NotImplementedError

    def __call__(self, doc: Doc) -> Doc:
        return self.write(doc, self.mentions(doc))

    def write(self, doc: Doc, mentions: list[Candidate]) -> Doc:
        candidates = outside_quoted_names(doc._.norm_text, mentions)
        if self.overwrite_ents:
            doc.ents = []
        elif self.outranks and (beaten := outranked(list(doc.ents), candidates, self.outranks)):
            doc.ents = [e for e in doc.ents if (e.start_char, e.end_char) not in beaten]
        taken = [] if self.overwrite_ents else [(e.start_char, e.end_char) for e in doc.ents]
        set_entities(doc, resolve_overlaps(candidates, taken), keep=not self.overwrite_ents)
        return doc


class RuleTagger(MentionTagger):
    def mentions(self, doc: Doc) -> list[Candidate]:
        return rule_candidates(doc._.norm_text, doc._.jieba_words)


@Language.factory(
    "parkgraph_rules",
    assigns=["doc.ents", "span._.source", "span._.score", "span._.value", "span._.currency"],
    default_config={"overwrite_ents": True},
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0},
)
def create_rule_tagger(nlp: Language, name: str, overwrite_ents: bool) -> RuleTagger:
    return RuleTagger(name, overwrite_ents)
