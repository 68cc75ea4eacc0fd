"""Stage 2: tag entities with rules and lexicons — COMPANY, PARK, ORG, LOC, MONEY, PERSON.

Candidates come from the lexicons (real parks, places, organisations), the name grammars, the
money pattern and the person finder. Like the statistical tagger (ner.py), the rules only
propose: the mentions stage (mentions.py) writes ``doc.ents`` by the overlap policy of default.cfg,
where the longest span wins and a lexicon beats a grammar on the same span.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from . import lexicon
from .companies import find_companies
from .firm_lists import find_listed_firms
from .grammar import Sentence, find_names
from .mentions import Candidate, MentionTagger
from .money import find_money
from .park_names import in_header_line, names_built_on_parks, zone_piece_start
from .persons import find_persons


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
            if cut := zone_piece_start(text[start:end]):  # 江苏自贸区|南京片区: two parks
                pieces = [(start, start + cut), (start + cut, end)]
            else:
                pieces = [(start, end)]
            parks.extend(pieces)
            candidates.extend(Candidate(a, b, "PARK", "lexicon:park", 0.95) for a, b in pieces)
        else:
            candidates.append(Candidate(start, end, label, "lexicon:org", 0.95))
    sent.places, sent.parks = places, parks
    candidates.extend(names_built_on_parks(text, parks))
    candidates.extend(find_names(sent))
    firms = list(find_companies(sent, [c for c in candidates if c.label == "COMPANY"]))
    firms += find_listed_firms(sent)
    # the context that made a place or park name a firm (中关村公告称) decides its reading
    firm_spans = {(c.start, c.end) for c in firms}
    candidates = [c for c in candidates if (c.start, c.end) not in firm_spans] + firms
    candidates.extend(Candidate(m.start, m.end, "MONEY", "money", 0.95) for m in find_money(text))
    candidates.extend(Candidate(s, e, "PERSON", "person", 0.8) for s, e in find_persons(text, words))
    return candidates


class RuleTagger(MentionTagger):
    def __call__(self, doc: Doc) -> Doc:
        mentions = self.mentions(doc)
        # the overlap policy asks whether a longer name joins another known firm (mentions.py):
        # the lexicon's firms that need no context (an ambiguous one inside a longer name reads as
        # the word it also is: 中国航发|黎明…厂)
        doc._.known_firms = tuple((m.start, m.end) for m in mentions if m.source == "lexicon:company")
        return self.propose(doc, mentions)

    def mentions(self, doc: Doc) -> list[Candidate]:
        return rule_candidates(doc._.norm_text, doc._.jieba_words)


@Language.factory("parkgraph_rules", assigns=["doc._.candidates", "doc._.known_firms"])
def create_rule_tagger(nlp: Language, name: str) -> RuleTagger:
    return RuleTagger(name)
