"""Stage 3a: aliases — （以下简称X） declarations, the short forms of firms named in full, and
every use of them as mentions.

A declaration names the mention right before it; when the alias abbreviates more than that
mention (贵阳综保区科创园 after 贵州省贵阳综合保税区 + 科创产业园), the adjacent mentions merge
into the one name the declaration shows. News also shortens a firm it has named in full without
declaring it (苏宁集团 … 苏宁, 河冶科技股份有限公司 … 河冶科技): those short forms are aliases too.
Every use of an alias is a mention of the same label, surer than the statistical model's guess
on the same characters. The aliases go to ``doc._.aliases`` for coref (coref.py), which reads
entities and writes none.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections import Counter

import jieba
from spacy.language import Language
from spacy.tokens import Doc, Span

from . import lexicon
from .companies import BY_CONTEXT, COMMON_WORD
from .grammar import WORD_TAGS, frequency, is_rare_noun, is_specific_text
from .heads import HEADS, LEGAL_FORMS
from .mentions import Candidate, resolve_overlaps, set_entities
from .places import leading_place

# span._.source of an alias mention: the name the output tables carried when coref tagged aliases
SOURCE = "coref:alias"
ALIAS_PATTERN = re.compile(
    r"\(\s*(?:以下简称|以下称|下称|简称)[:：为]?\s*[“\"「]?(?P<alias>[^”\"」)\s,，、。]{2,15}?)[”\"」]?\s*\)"
)


def _is_subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(c in chars for c in short)


def declared_aliases(doc: Doc) -> dict[str, Span]:
    """alias → the mention it abbreviates. When the alias abbreviates more than the mention
    before it (贵阳综保区科创园 after 贵州省贵阳综合保税区 + 科创产业园), the adjacent mentions are
    merged into the one name the declaration shows."""
    text, aliases = doc._.norm_text, {}
    for match in ALIAS_PATTERN.finditer(text):
        ents = [e for e in doc.ents if e.end_char <= match.start()]
        if not ents or text[ents[-1].end_char : match.start()].strip():
            continue
        first = len(ents) - 1
        while not _is_subsequence(match["alias"], text[ents[first].start_char : ents[-1].end_char]):
            if first == 0 or ents[first - 1].end_char != ents[first].start_char:
                break
            first -= 1
        if first < len(ents) - 1 and _is_subsequence(match["alias"], text[ents[first].start_char : ents[-1].end_char]):
            merged = Candidate(ents[first].start_char, ents[-1].end_char, ents[-1].label_, SOURCE, 0.9)
            keep = [e for e in doc.ents if not (merged.start <= e.start_char < merged.end)]
            doc.ents = keep
            set_entities(doc, [merged])
            ents = [e for e in doc.ents if e.end_char <= match.start()]
        aliases[match["alias"]] = ents[-1]
    return aliases


# A short form jieba counts COMMON_WORD times is an ordinary word (航空 of 美国航空公司), as the
# company lexicon's names are, unless jieba tags it a place or person and counts it less than
# this: a firm's name (苏宁 298, 海尔 230), where 长江, 黄河 and 三峡 (thousands) are the rivers
RARE_NAME = 500
PLACE_OR_PERSON = {"ns", "nr", "nrt"}
BRACKETED = re.compile(r"\([^()]*\)")  # 云帆(北京)科技有限公司, 上海陆家嘴(集团)有限公司
# a person's title or form of address next to a name: 创始人李宁先生 is the man, not his firm
PERSON_BEFORE = re.compile(r"(?:创始人|董事长|总裁|总经理|主席|先生|女士)$")
PERSON_AFTER = re.compile(r"先生|女士|同志|教授|博士|院士")


@functools.lru_cache(maxsize=65536)
def short_forms(name: str) -> frozenset[str]:
    """What news calls a firm after naming it in full: the name without its legal form and
    bracketed parts (苏宁 of 苏宁集团, 河冶科技 of 河冶科技股份有限公司, 云帆科技 of 云帆(北京)科技有限公司),
    and that without the places it opens with, where a word ends after them (河冶科技 of
    河北河冶科技有限公司, never 巴巴 of 阿里巴巴集团). Only forms that read as a name of their own:
    no place, town, park or ordinary word (航空 of 美国航空公司, 长江 of 长江集团). In the silver
    corpus and the gold dev split such a form standing alone as a word was annotated as the firm
    63 times out of 80 (xwlb 46 of 61, the written documents 15 of 16, CLUENER 2 of 3); most of
    the rest name a product (尼康D600) or lie in a longer name the tagger finds whole (国机火炬园)."""
    return frozenset(form for form in _forms(name) if form != name and len(form) >= 2 and _reads_as_name(form))


@functools.lru_cache(maxsize=65536)
def _forms(name: str) -> tuple[str, str]:
    """(core, bare): the name without legal form and brackets, and that without leading places."""
    core = LEGAL_FORMS.sub("", BRACKETED.sub("", LEGAL_FORMS.sub("", name)))
    edges = set(itertools.accumulate(len(w) for w in jieba.cut(core)))
    at = 0
    while (place := leading_place(core, at)) and at + len(place) in edges:
        at += len(place)
    return core, core[at:]


def _ordinary(word: str) -> bool:
    count = frequency(word)
    return count >= COMMON_WORD and not (WORD_TAGS.get(word) in PLACE_OR_PERSON and count < RARE_NAME)


def _place(name: str) -> bool:
    """A gazetteer place, or a town's name that is no ordinary word (张江, 陆家嘴; not 航空 of 航空街道)."""
    return name in lexicon.places() or (name in lexicon.towns() and not _ordinary(name))


def _reads_as_name(form: str) -> bool:
    return (
        form[0].isalnum()  # not —东盟信息港 of 中国—东盟信息港
        and not _place(form)
        and not _place(_forms(form)[1])  # 上海陆家嘴 of 上海陆家嘴(集团)有限公司: places only
        and form not in lexicon.parks()
        and not _ordinary(form)
        and (is_specific_text(form) or is_rare_noun(form))
        and not LEGAL_FORMS.search(form)
        and not form.endswith((*HEADS, "区", "园"))  # 西港特区 of 西港特区公司 is the zone
    )


def implied_aliases(doc: Doc, declared: dict[str, Span]) -> dict[str, Span]:
    """Short form → the firm's full mention, for every firm of the document named in full; a
    declared alias or a form two firms share (中铁 of 中铁一局 and 中铁二局) is not one. Two full
    names with one core are one firm written twice (苏宁集团, 苏宁集团有限公司)."""
    found: dict[str, tuple[Span, str]] = {}
    shared: set[str] = set()
    for span in doc.ents:
        if span.label_ != "COMPANY":
            continue
        name = doc._.norm_text[span.start_char : span.end_char]
        core = _forms(name)[1]
        for form in short_forms(name):
            if form in found and found[form][1] != core:
                shared.add(form)
            found.setdefault(form, (span, core))
    return {form: span for form, (span, _) in found.items() if form not in declared and form not in shared}


def alias_uses(doc: Doc, aliases: dict[str, Span], whole_words: bool = False) -> list[Candidate]:
    """Every use of the aliases in the text (one pass, the longest alias first at each place), as
    mentions of their entities' labels; with ``whole_words`` only uses that begin and end at a
    word's edge (国铁 is no use in 全国铁路) and stand by no title or form of address (李宁先生)."""
    if not aliases:
        return []
    text = doc._.norm_text
    pattern = re.compile("|".join(map(re.escape, sorted(aliases, key=len, reverse=True))))
    edges = {token.idx for token in doc} | {token.idx + len(token.text) for token in doc} if whole_words else set()
    return [
        Candidate(m.start(), m.end(), aliases[m.group()].label_, SOURCE, 0.9)
        for m in pattern.finditer(text)
        if not whole_words
        or (
            m.start() in edges
            and m.end() in edges
            and not PERSON_BEFORE.search(text, max(0, m.start() - 3), m.start())
            and not PERSON_AFTER.match(text, m.end())
        )
    ]


def tag_alias_mentions(doc: Doc, found: list[Candidate], within_only: bool = False) -> None:
    """The alias uses ``found`` as mentions where they overlap no mention but the statistical
    model's guesses (an alias is surer than a guess on the same characters); with
    ``within_only``, only guesses inside a use give way (the model's 苏宁集团 stays whole). A
    guess goes only for a use that is placed."""
    if not found:
        return
    cover = _Cover(found)
    yields = cover.inside if within_only else cover.overlaps
    guesses = {
        (e.start_char, e.end_char)
        for e in doc.ents
        if (e._.source or "").startswith("model") and yields(e.start_char, e.end_char)
    }
    taken = [(e.start_char, e.end_char) for e in doc.ents if (e.start_char, e.end_char) not in guesses]
    placed = resolve_overlaps(found, taken)
    placed_cover = _Cover(placed)
    gone = {g for g in guesses if placed_cover.overlaps(*g)}
    if gone:
        doc.ents = [e for e in doc.ents if (e.start_char, e.end_char) not in gone]
    set_entities(doc, placed)


class _Cover:
    """Spans sorted by start, to ask in log time whether any contains or overlaps [start, end)."""

    def __init__(self, spans: list[Candidate]) -> None:
        ordered = sorted((c.start, c.end) for c in spans)
        self.starts = [a for a, _ in ordered]
        self.reach = list(itertools.accumulate((b for _, b in ordered), max))  # furthest end so far

    def inside(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start) - 1
        return i >= 0 and self.reach[i] >= end

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end) - 1
        return i >= 0 and self.reach[i] > start


def one_label_per_name(doc: Doc) -> None:
    """A name keeps one label throughout a document, as the annotators read it (in the gold dev
    split no string carries two labels within a document; in the silver corpus one of 40,515
    does): where the model gave a name another label than a surer source did elsewhere in the
    document (罗勇府 LOC by the gazetteer, then PERSON by the model), or than its own other guesses
    of that name mostly did, its guess takes that label. An ambiguous lexicon name that the words
    around it made a firm is a guess too: one 中国同中亚合作 does not make every 中亚 a firm."""
    by_name: dict[str, list[Span]] = {}
    for span in doc.ents:
        by_name.setdefault(span.text, []).append(span)
    relabelled: list[tuple[Span, str]] = []
    for spans in by_name.values():
        if len({s.label_ for s in spans}) < 2:
            continue
        sure = [s for s in spans if not (s._.source or "").startswith("model") and s._.source != BY_CONTEXT]
        sure_starts = {s.start_char for s in sure}
        votes = Counter(s.label_ for s in (sure or spans)).most_common()
        if len({s.label_ for s in sure}) > 1 or (len(votes) > 1 and votes[0][1] == votes[1][1]):
            continue  # the sure sources disagree, or the guesses are split evenly: nothing to follow
        relabelled += [(s, votes[0][0]) for s in spans if s.label_ != votes[0][0] and s.start_char not in sure_starts]
    if relabelled:
        gone = {(s.start_char, s.end_char) for s, _ in relabelled}
        doc.ents = [e for e in doc.ents if (e.start_char, e.end_char) not in gone]
        set_entities(
            doc, [Candidate(s.start_char, s.end_char, label, s._.source, s._.score) for s, label in relabelled]
        )


class AliasTagger:
    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        declared = with_declared_aliases(doc)
        implied = implied_aliases(doc, declared)
        doc._.aliases = declared | implied
        tag_alias_mentions(doc, alias_uses(doc, implied, whole_words=True), within_only=True)
        one_label_per_name(doc)
        return doc


def with_declared_aliases(doc: Doc) -> dict[str, Span]:
    """The （以下简称X） declarations as ``doc._.aliases`` and their uses as mentions, nothing
    implied: how training reads a document with its annotated entities (relations/training.py)."""
    doc._.aliases = declared = declared_aliases(doc)
    tag_alias_mentions(doc, alias_uses(doc, declared))
    return declared


@Language.factory(
    "parkgraph_aliases",
    requires=["doc.ents"],
    assigns=["doc.ents", "doc._.aliases", "span._.source", "span._.score"],
)
def create_alias_tagger(nlp: Language, name: str) -> AliasTagger:
    return AliasTagger(name)
