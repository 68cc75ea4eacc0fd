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

import re
from collections import Counter

from spacy.language import Language
from spacy.tokens import Doc, Span

from . import lexicon
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


COMMON_WORD = 100  # a short form jieba counts this often is an ordinary word (航空 of 美国航空公司)
PLACE_OR_PERSON = {"ns", "nr", "nrt"}


def short_forms(name: str) -> set[str]:
    """What news calls a firm after naming it in full: the name without its legal form (苏宁 of
    苏宁集团, 河冶科技 of 河冶科技股份有限公司), and that without the places it opens with
    (河冶科技 of 河北河冶科技有限公司). Only forms that read as a name of their own: no place, park
    or ordinary word (航空 of 美国航空公司, 石油 of 中国石油集团). In the silver corpus and the gold
    dev split such a form standing alone was annotated as the firm 77 times out of 111 (xwlb 60,
    the written documents 15, CLUENER 2); most of the rest name a product (尼康D600) or lie in a
    longer name the tagger finds whole (国机火炬园)."""
    core = LEGAL_FORMS.sub("", name)
    bare = core
    while place := leading_place(bare):
        bare = bare[len(place) :]
    return {form for form in (core, bare) if form != name and len(form) >= 2 and _reads_as_name(form)}


def _reads_as_name(form: str) -> bool:
    # jieba's frequent names of places and people are names (苏宁 ns); its frequent "other proper
    # nouns" and abbreviations are mostly terms (高科技 nz, 数控 j)
    ordinary = frequency(form) >= COMMON_WORD and WORD_TAGS.get(form) not in PLACE_OR_PERSON
    return (
        form not in lexicon.places()
        and form not in lexicon.parks()
        and not ordinary
        and (is_specific_text(form) or is_rare_noun(form))
        and not LEGAL_FORMS.search(form)
        and not form.endswith((*HEADS, "区", "园"))  # 西港特区 of 西港特区公司 is the zone
    )


def implied_aliases(doc: Doc, declared: dict[str, Span]) -> dict[str, Span]:
    """Short form → the firm's full mention, for every firm of the document named in full; a
    declared alias or a form two firms share (中铁 of 中铁一局 and 中铁二局) is not one."""
    found: dict[str, Span] = {}
    shared: set[str] = set()
    for span in doc.ents:
        if span.label_ != "COMPANY":
            continue
        for form in short_forms(doc._.norm_text[span.start_char : span.end_char]):
            if form in found and found[form].text != span.text:
                shared.add(form)
            found.setdefault(form, span)
    return {form: span for form, span in found.items() if form not in declared and form not in shared}


def alias_uses(doc: Doc, aliases: dict[str, Span], whole_words: bool = False) -> list[Candidate]:
    """Every use of each alias in the text, as a mention of its entity's label; with
    ``whole_words`` only uses that begin and end at a word's edge (国铁 is no use in 全国铁路)."""
    text = doc._.norm_text
    edges = {token.idx for token in doc} | {len(text)} if whole_words else set()
    return [
        Candidate(m.start(), m.end(), span.label_, SOURCE, 0.9)
        for alias, span in aliases.items()
        for m in re.finditer(re.escape(alias), text)
        if not whole_words or (m.start() in edges and m.end() in edges)
    ]


def tag_alias_mentions(doc: Doc, found: list[Candidate], within_only: bool = False) -> None:
    """The alias uses ``found`` as mentions where they overlap no mention but the statistical
    model's guesses (an alias is surer than a guess on the same characters); with
    ``within_only``, only guesses inside a use give way (the model's 苏宁集团 stays whole)."""
    guesses = [
        e
        for e in doc.ents
        if (e._.source or "").startswith("model")
        and (_inside_any(e, found) if within_only else _overlaps_any(e, found))
    ]
    if guesses:
        doc.ents = [e for e in doc.ents if e not in guesses]
    taken = [(e.start_char, e.end_char) for e in doc.ents]
    set_entities(doc, resolve_overlaps(found, taken))


def one_label_per_name(doc: Doc) -> None:
    """A name keeps one label throughout a document, as the annotators read it (in the gold dev
    split no string carries two labels within a document; in the silver corpus one of 40,515
    does): where the model gave a name another label than a surer source did elsewhere in the
    document (罗勇府 LOC by the gazetteer, then PERSON by the model), or than its own other guesses
    of that name mostly did, its guess takes that label."""
    by_name: dict[str, list[Span]] = {}
    for span in doc.ents:
        by_name.setdefault(span.text, []).append(span)
    relabelled: list[tuple[Span, str]] = []
    for spans in by_name.values():
        if len({s.label_ for s in spans}) < 2:
            continue
        sure = [s for s in spans if not (s._.source or "").startswith("model")]
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


def _inside_any(span: Span, candidates: list[Candidate]) -> bool:
    return any(c.start <= span.start_char and span.end_char <= c.end for c in candidates)


def _overlaps_any(span: Span, candidates: list[Candidate]) -> bool:
    return any(c.start < span.end_char and span.start_char < c.end for c in candidates)


class AliasTagger:
    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        declared = declared_aliases(doc)
        implied = implied_aliases(doc, declared)
        doc._.aliases = declared | implied
        tag_alias_mentions(doc, alias_uses(doc, declared))
        tag_alias_mentions(doc, alias_uses(doc, implied, whole_words=True), within_only=True)
        one_label_per_name(doc)
        return doc


@Language.factory(
    "parkgraph_aliases",
    requires=["doc.ents"],
    assigns=["doc.ents", "doc._.aliases", "span._.source", "span._.score"],
)
def create_alias_tagger(nlp: Language, name: str) -> AliasTagger:
    return AliasTagger(name)
