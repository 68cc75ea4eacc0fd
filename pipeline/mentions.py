"""Mentions: the candidates the taggers propose, and how they become ``doc.ents``.

Every tagger (the rules of tag.py, the statistical models of ner.py and hanlp_ner.py) is a
:class:`MentionTagger`: it proposes candidates in ``doc._.candidates`` and writes no entity. The
``mentions`` stage then writes them as ``doc.ents`` by the overlap policy that default.cfg names
(:class:`OverlapPolicy`): the taggers in order, the first writing its mentions, each next one
only in the gaps, except where it outranks the sources of the entities it overlaps. Within one
tagger the longest candidate wins, then the more trustworthy source. Later stages (aliases.py)
add mentions through ``set_entities`` and ``resolve_overlaps`` too.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import spacy
from spacy.language import Language
from spacy.scorer import get_ner_prf
from spacy.tokens import Doc, Span
from spacy.training import Example

from . import lexicon
from .heads import COMPANY_HEADS, ORG_HEADS, PARK_HEADS_LONGEST_FIRST
from .money import find_money
from .segment import split_tokens_at


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    label: str
    source: str
    score: float = 0.9
    head: str = ""


# “中关村开放实验室”: a quoted name with an organisation head is a platform or project, and the
# names inside it (中关村, 北京) are not mentions of their own. A quoted park is a park
# (“梅李民营轻纺工业园”): news quotes the names of parks as often as not.
NAMING_HEADS = "|".join(sorted([*COMPANY_HEADS, *ORG_HEADS], key=len, reverse=True))
QUOTED_NAME = re.compile(f"“([^”“]{{2,24}}(?:{NAMING_HEADS}))”")
# On a tie in length, the more trustworthy source wins.
SOURCE_PRIORITY = {"lexicon": 0, "money": 0, "coref": 0, "grammar": 1, "list": 1, "person": 2, "model": 3}


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


def outranked(
    ents: list[Span], candidates: list[Candidate], outranks: frozenset[str], extends: frozenset[str] = frozenset()
) -> set[tuple[int, int]]:
    """(start, end) of the entities that candidates replace: a candidate replaces the entities
    it overlaps when all come from ``outranks`` sources, or from ``extends`` sources and lie
    inside it, shorter, unless they are exactly its characters: under another label (美国 as ORG
    against the gazetteer's place: the gazetteer's stands) or as one entity of the same label (the
    same name again gains nothing, and the rule's source says more of it). A park gives way so only
    to a longer park, and only when named without its head (``_complete_park``)."""

    def replaceable(e: Span, c: Candidate) -> bool:
        source = e._.source
        inside = c.start <= e.start_char and e.end_char <= c.end and c.end - c.start > e.end_char - e.start_char
        extending = inside and not (e.label_ == "PARK" and (c.label != "PARK" or _complete_park(e)))
        extending = extending and (not source.startswith("lexicon:company") or _continues_firm(e, c))
        return source in outranks or (source in extends and extending)

    beaten = set()
    # ents are in order and do not overlap: the ones a candidate overlaps are found by bisection
    starts, ends = [e.start_char for e in ents], [e.end_char for e in ents]
    for c in candidates:
        lo, hi = bisect.bisect_right(ends, c.start), bisect.bisect_left(starts, c.end)
        overlapped = [e for e in ents[lo:hi] if e.start_char < c.end and c.start < e.end_char]
        if not overlapped or not all(replaceable(e, c) for e in overlapped):
            continue
        # disjoint entities within the candidate's edges tile it when their lengths add up
        edges = (overlapped[0].start_char, overlapped[-1].end_char) == (c.start, c.end)
        same_characters = edges and sum(e.end_char - e.start_char for e in overlapped) == c.end - c.start
        if same_characters and (len(overlapped) == 1 or any(e.label_ != c.label for e in overlapped)):
            continue  # the same name again gains nothing; the rule's source says more of it
        beaten.update((e.start_char, e.end_char) for e in overlapped)
    return beaten


# A product's model after a firm's name: 三星|Note3, 空客|A321, 时代电气|IGBT (the silver annotates
# the firm alone in xwlb, CLUENER and the written documents)
PRODUCT_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-]*")


def _continues_firm(e: Span, c: Candidate) -> bool:
    """Whether ``c`` continues the lexicon's firm ``e`` (中石化|管道分公司, 美团|出行): what it adds
    holds no other firm the lexicons know unambiguously (华为中兴 joins two; the rule tagger lists
    them in ``doc._.known_firms``), and is no product's model (三星Note3)."""
    if PRODUCT_CODE.fullmatch(e.doc._.norm_text[e.end_char : c.end]):
        return False
    added = ((c.start, e.start_char), (e.end_char, c.end))
    return not any(a <= s and t <= b for s, t in e.doc._.known_firms or () for a, b in added)


def _complete_park(e: Span) -> bool:
    """A park named with its head (黑龙江自贸区, 西咸新区) is whole: what follows it is a park
    of its own (哈尔滨片区, 空港新城, PART_OF it). A park named without one (中关村, 北京亦庄) may
    open a longer park name (中关村顺义园, 北京亦庄生物医药园). Read in the normalised text, as
    the lexicons match (黑龍江自貿區 is 黑龙江自贸区)."""
    return e.doc._.norm_text[e.start_char : e.end_char].endswith(PARK_HEADS_LONGEST_FIRST)


def write_mentions(
    doc: Doc,
    mentions: list[Candidate],
    overwrite: bool,
    outranks: frozenset[str] = frozenset(),
    extends: frozenset[str] = frozenset(),
) -> Doc:
    """Write one tagger's ``mentions`` as ``doc.ents``: replacing what is there (``overwrite``)
    or only in its gaps, except that a mention replaces the entities it overlaps when all of
    them come from a source it ``outranks`` (``"person"``, ``"lexicon:place"``) or from a source
    it ``extends`` and lie inside it (``"grammar:registered"``: 北京华昊中天|生物技术有限公司)."""
    candidates = outside_quoted_names(doc._.norm_text, mentions)
    if overwrite:
        doc.ents = []
    elif (outranks or extends) and (beaten := outranked(list(doc.ents), candidates, outranks, extends)):
        doc.ents = [e for e in doc.ents if (e.start_char, e.end_char) not in beaten]
    taken = [] if overwrite else [(e.start_char, e.end_char) for e in doc.ents]
    set_entities(doc, resolve_overlaps(candidates, taken), keep=not overwrite)
    return doc


class MentionTagger:
    """A tagger proposes its mentions in ``doc._.candidates[name]`` and writes no entity: the
    mentions stage decides. The rules and the statistical taggers differ only in ``mentions``."""

    def __init__(self, name: str) -> None:
        self.name = name

    def mentions(self, doc: Doc) -> list[Candidate]:
        raise NotImplementedError

    def __call__(self, doc: Doc) -> Doc:
        return self.propose(doc, self.mentions(doc))

    def propose(self, doc: Doc, mentions: list[Candidate]) -> Doc:
        doc._.candidates = {**(doc._.candidates or {}), self.name: mentions}
        return doc


@dataclass(frozen=True)
class OverlapPolicy:
    """Whose mentions win where taggers overlap: the taggers in ``order``, the first writing its
    mentions, each next one only in the gaps, except where all the entities a mention overlaps
    come from sources its tagger ``outranks``, or from sources it ``extends`` inside the mention.
    A mention of a source a tagger ``confirms`` stands only where that tagger proposes one of
    the same label overlapping it (a post-check: the company grammar's 高科技公司, which the
    model reads as no name)."""

    order: tuple[str, ...]
    outranks: Mapping[str, frozenset[str]]
    extends: Mapping[str, frozenset[str]] = field(default_factory=dict)
    confirms: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def write(self, doc: Doc, candidates: Mapping[str, list[Candidate]]) -> Doc:
        if unknown := set(candidates) - set(self.order):
            raise ValueError(f"the overlap policy does not place the taggers {sorted(unknown)}: add them to its order")
        candidates = self.confirmed(candidates)
        present = [tagger for tagger in self.order if tagger in candidates]
        for i, tagger in enumerate(present):
            write_mentions(
                doc,
                candidates[tagger],
                overwrite=i == 0,
                outranks=self.outranks.get(tagger, frozenset()),
                extends=self.extends.get(tagger, frozenset()),
            )
        return doc

    def confirmed(self, candidates: Mapping[str, list[Candidate]]) -> dict[str, list[Candidate]]:
        """The candidates without those of a source a tagger ``confirms`` that the tagger, where
        it ran, does not back with a mention of the same label overlapping them."""
        out = dict(candidates)
        for tagger, sources in self.confirms.items():
            if tagger not in candidates:
                continue
            backing = sorted(candidates[tagger], key=lambda c: c.start)
            starts = [c.start for c in backing]
            for name, mentions in candidates.items():
                if name != tagger:
                    out[name] = [c for c in mentions if c.source not in sources or _backed(c, backing, starts)]
        return out


def _backed(candidate: Candidate, backing: list[Candidate], starts: list[int]) -> bool:
    """Does a mention of ``backing`` (one tagger's, flat, sorted by ``starts``) of the
    candidate's label overlap it? Found by bisection: a long text's thousands of mentions stay
    linear."""
    lo = bisect.bisect_right(starts, candidate.start) - 1
    hi = bisect.bisect_left(starts, candidate.end)
    return any(
        c.label == candidate.label and c.start < candidate.end and candidate.start < c.end
        for c in backing[max(lo, 0) : hi]
    )


@spacy.registry.misc("parkgraph.overlap_policy.v1")
def overlap_policy(
    order: list[str],
    outranks: dict[str, list[str]],
    extends: dict[str, list[str]] | None = None,
    confirms: dict[str, list[str]] | None = None,
) -> OverlapPolicy:
    """An :class:`OverlapPolicy` from the config: taggers by component name, sources as written
    in ``span._.source`` (``lexicon:place``, ``person``)."""
    return OverlapPolicy(
        tuple(order),
        {tagger: frozenset(sources) for tagger, sources in outranks.items()},
        {tagger: frozenset(sources) for tagger, sources in (extends or {}).items()},
        {tagger: frozenset(sources) for tagger, sources in (confirms or {}).items()},
    )


class Mentions:
    """The pipeline stage that turns the taggers' candidates into ``doc.ents``."""

    def __init__(self, name: str, policy: OverlapPolicy) -> None:
        self.name = name
        self.policy = policy

    def __call__(self, doc: Doc) -> Doc:
        return with_places_in_firm_names(self.policy.write(doc, doc._.candidates or {}))

    def score(self, examples: Iterable[Example], **kwargs) -> dict[str, object]:
        """Entity precision, recall and F1 (spaCy's, as its own entity recognizer reports them)."""
        return get_ner_prf(examples)


def with_places_in_firm_names(doc: Doc) -> Doc:
    """A Chinese place written right before a firm's name is part of the name (ANNOTATION.md: a
    place inside a company name stays inside it): 大连|珍奥公司, 上海|振华重工 and 辽宁省|本溪市宏达开发公司
    become one COMPANY, whichever tagger found the two. The silver annotates so in every source: a
    firm's name without a legal form opening with a Chinese place is one COMPANY 581 times against
    52 a place and a COMPANY (xwlb), 82 against 1 (MSRA), 49 against 1 (CLUENER), 24 against 0
    (Resume), 120 against 0 (the written texts; benchmarks/rule_audit.md). Places written one
    after another go in together (湖南|长沙|振华重工); a country stays apart (美国|微软公司), as
    the silver often writes it."""
    ents, norm = list(doc.ents), doc._.norm_text
    joined: list[tuple[int, int]] = []  # (index of the first place, index of the firm)
    for i, firm in enumerate(ents):
        first = i
        while (
            firm.label_ == "COMPANY"
            and first > 0
            and ents[first - 1].label_ == "LOC"
            and ents[first - 1].end_char == ents[first].start_char
            and lexicon.is_chinese_divisions(norm[ents[first - 1].start_char : firm.start_char])
        ):
            first -= 1
        if first < i:
            joined.append((first, i))
    if joined:
        apart = {k for first, i in joined for k in range(first, i + 1)}
        doc.ents = [e for k, e in enumerate(ents) if k not in apart]
        firms = [ents[i] for _, i in joined]
        starts = [ents[first].start_char for first, _ in joined]
        set_entities(doc, [Candidate(s, f.end_char, "COMPANY", f._.source, f._.score) for s, f in zip(starts, firms)])
    return doc


@Language.factory(
    "parkgraph_mentions",
    requires=["doc._.candidates"],
    assigns=["doc.ents", "span._.source", "span._.score", "span._.value", "span._.currency"],
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0},
)
def create_mentions(nlp: Language, name: str, policy: OverlapPolicy) -> Mentions:
    return Mentions(name, policy)
