"""Stage 3a: alias declarations — （以下简称X） and every later use of X as mentions.

A declaration names the mention right before it; when the alias abbreviates more than that
mention (贵阳综保区科创园 after 贵州省贵阳综合保税区 + 科创产业园), the adjacent mentions merge
into the one name the declaration shows. Every later use of the alias is a mention of the same
label, surer than the statistical model's guess on the same characters. The declarations go to
``doc._.aliases`` for coref (coref.py), which reads entities and writes none.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from .mentions import Candidate, resolve_overlaps, set_entities

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


def tag_alias_mentions(doc: Doc, aliases: dict[str, Span]) -> None:
    text = doc._.norm_text
    found = [
        Candidate(m.start(), m.end(), span.label_, SOURCE, 0.9)
        for alias, span in aliases.items()
        for m in re.finditer(re.escape(alias), text)
    ]
    # a declared alias is surer than the statistical model's guess on the same characters
    guesses = [e for e in doc.ents if (e._.source or "").startswith("model") and _overlaps_any(e, found)]
    if guesses:
        doc.ents = [e for e in doc.ents if e not in guesses]
    taken = [(e.start_char, e.end_char) for e in doc.ents]
    set_entities(doc, resolve_overlaps(found, taken))


def _overlaps_any(span: Span, candidates: list[Candidate]) -> bool:
    return any(c.start < span.end_char and span.start_char < c.end for c in candidates)


class AliasTagger:
    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        doc._.aliases = declared_aliases(doc)
        tag_alias_mentions(doc, doc._.aliases)
        return doc


@Language.factory(
    "parkgraph_aliases",
    requires=["doc.ents"],
    assigns=["doc.ents", "doc._.aliases", "span._.source", "span._.score"],
)
def create_alias_tagger(nlp: Language, name: str) -> AliasTagger:
    return AliasTagger(name)
