"""Stage 3b: entity identity — aliases, short names, anaphora. It reads the mentions and writes
no entity: alias mentions come from the stage before (aliases.py).

Mentions that name the same thing become one entity (ANNOTATION.md, "Entity identity"):
an alias declared by （以下简称X） and every later use of X; a park's management committee and
the park; a park written with and without its place prefix (湖北武汉江岸岱家山科创城 /
武汉江岸岱家山科创城); lexicon aliases of one real park (贵阳综合保税区 / 贵阳综保区); short and
full place names (湘乡 / 湘乡市); every name of a company in the company lexicons (比亚迪 /
比亚迪公司 / 比亚迪股份有限公司), named by its registered name. Anaphors (该园区, 该公司) are
resolved to the nearest compatible entity before them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span

from . import companies, lexicon
from .heads import COMMITTEE_HEADS, REGISTERED_FORMS
from .normalise import normalise
from .places import MAX_PLACE, leading_place, rest_after_place

# 该园区 / 该公司 …, and a bare 园区 opening a phrase about what is in it (。园区内的X, 在园区里,
# 园区企业X): news names its park once, then says 园区
ANAPHOR_PATTERN = re.compile(
    r"(?:该|(?:(?<![\u4e00-\u9fff])|(?<=[在入进驻]))(?=园区(?:内|里|的?企业)))"
    r"(?P<noun>[\u4e00-\u9fff]{0,5}?(?:园区|园|城|基地|区|公司|企业|集团|机构|单位|中心))"
)
KNOWN_RECORDS = (companies.Company, lexicon.Park)
NOUN_LABELS = {"公司": "COMPANY", "企业": "COMPANY", "集团": "COMPANY", "机构": "ORG", "单位": "ORG"}


@dataclass
class Entity:
    name: str  # canonical: a known company's registered name, a known park's official one, else the longest seen
    label: str
    aliases: set[str] = field(default_factory=set)
    record: object = None  # lexicon.Park, lexicon.Place or companies.Company when the entity is a known one


@dataclass(frozen=True)
class Anaphor:
    start: int
    end: int
    entity: str


def _name_of(span: Span) -> str:
    """The name a mention gives its entity: a park's committee (管委会) is the park."""
    name = span.doc._.norm_text[span.start_char : span.end_char]
    if span.label_ == "PARK":
        for head in COMMITTEE_HEADS:
            name = name.removesuffix(head)
    return name


def _listed_firm(name: str, before: str) -> tuple[str, str, companies.Company | None]:
    """(the name as the lexicon may know it, the text before that name, the company it names): a
    mention opening with places (广东格力电器, 上海振华重工: mentions.py keeps a place written before
    a firm inside its name) is read as its firm's name (格力电器) written after those places. A
    registered name is one firm's whole name: 无锡华润微电子有限公司 is not 华润微电子有限公司."""
    company = companies.lookup(name)
    rest = _without_places(name)
    if company is None and rest != name and (company := companies.lookup(rest)) is not None:
        return rest, before + name[: len(name) - len(rest)], company
    return name, before, company


def _without_places(name: str) -> str:
    """A firm's name without the places it opens with (上海振华重工 → 振华重工); a registered name
    is one firm's whole name and stays (无锡华润微电子有限公司 is not 华润微电子有限公司)."""
    if name.endswith(tuple(REGISTERED_FORMS)):
        return name
    at = 0
    while place := leading_place(name, at):
        at += len(place)
    return name[at:]


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


def group_entities(doc: Doc, aliases: dict[str, Span]) -> dict[str, Entity]:
    """Assign every mention's ``span._.entity``; return the entities by canonical name."""
    sets = _UnionFind()
    names = {e: _name_of(e) for e in doc.ents}
    label_of = {}
    by_label: dict[str, set[str]] = {}
    for span, name in names.items():
        by_label.setdefault(span.label_, set()).add(name)
        label_of[name] = span.label_
    parks, places = lexicon.parks(), lexicon.places()
    records: dict[str, object] = {}
    text = doc._.norm_text
    # a name written once after a place other than its firm's (广东省建科院) names another firm in
    # every mention of it: the document's bare 建科院 later is the same one
    firms = {
        span: _listed_firm(name, text[max(0, span.start_char - MAX_PLACE) : span.start_char])
        for span, name in names.items()
        if span.label_ == "COMPANY"
    }
    another_firm = {
        written
        for span, (name, before, company) in firms.items()
        if company is not None and companies.another_place_before(before, company, name)
        for written in (names[span], name)
    }
    for span, name in names.items():
        key = f"{span.label_}:{name}"
        sets.find(key)
        if name in aliases:
            sets.union(key, f"{aliases[name].label_}:{_name_of(aliases[name])}")
        # the text's own declaration (以下简称X) wins over the lexicon's reading of the name
        if (
            span.label_ == "COMPANY"
            and name not in aliases
            and name not in another_firm
            and (company := firms[span][2]) is not None
        ):
            records[key] = company
            sets.union(key, f"COMPANY-RECORD:{company.name}")
        if span.label_ == "COMPANY" and (rest := _without_places(name)) != name and rest in by_label["COMPANY"]:
            sets.union(key, f"COMPANY:{rest}")  # 大连珍奥公司 … 珍奥公司: one firm, named once with its place
        if span.label_ == "PARK":
            # 湖北武汉江岸岱家山科创城 and 武汉江岸岱家山科创城, when the document names both
            shorter = rest_after_place(name, by_label["PARK"], shortest_rest=3)
            if shorter:
                sets.union(key, f"PARK:{shorter}")
            if name in parks:
                records[key] = parks[name]
                sets.union(key, f"PARK-RECORD:{parks[name].name}")
        elif span.label_ == "LOC" and name in places:
            records[key] = places[name]
            sets.union(key, f"LOC-RECORD:{places[name]}")
    groups: dict[str, list[str]] = {}
    for span, name in names.items():
        groups.setdefault(sets.find(f"{span.label_}:{name}"), []).append(name)
    # a known company or park is named by its registered or official name, seen or not, so that
    # one real entity has one name in every document
    known = {
        sets.find(key): normalise(record.name) for key, record in records.items() if isinstance(record, KNOWN_RECORDS)
    }
    canonical = {root: known.get(root) or max(group, key=lambda n: (len(n), n)) for root, group in groups.items()}
    entities: dict[str, Entity] = {}
    for span, name in names.items():
        key = f"{span.label_}:{name}"
        root = sets.find(key)
        span._.entity = canonical[root]
        entity = entities.setdefault(canonical[root], Entity(canonical[root], span.label_))
        entity.aliases.add(span.text)
        entity.aliases.add(name)
        entity.record = entity.record or records.get(key)
    for entity in entities.values():
        entity.aliases.discard(entity.name)
    return entities


def resolve_anaphora(doc: Doc) -> list[Anaphor]:
    """该园区 / 该科创城 / 该公司 / 园区内 → the nearest entity before it of a compatible kind."""
    resolved, text = [], doc._.norm_text
    ents = list(doc.ents)
    # a parenthesised name is an apposition of the name before it, not a new antecedent
    antecedents = [e for e in ents if not (e.start_char and text[e.start_char - 1] in "(（")]
    for match in ANAPHOR_PATTERN.finditer(text):
        noun = match["noun"]
        label = next((lab for suffix, lab in NOUN_LABELS.items() if noun.endswith(suffix)), "PARK")
        before = [e for e in antecedents if e.end_char <= match.start() and e.label_ == label]
        # prefer an entity named with the same noun (该科创城 → …科创城), else the nearest one
        same = [e for e in before if e._.entity.endswith(noun) or e.text.endswith(noun)]
        target = (same or before or [None])[-1]
        if target is not None:
            resolved.append(Anaphor(match.start(), match.end(), target._.entity))
    return resolved


class Coreference:
    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        doc._.entities = group_entities(doc, doc._.aliases or {})
        doc._.anaphora = resolve_anaphora(doc)
        return doc


@Language.factory(
    "parkgraph_coref",
    requires=["doc.ents", "doc._.aliases"],
    assigns=["span._.entity", "doc._.entities", "doc._.anaphora"],
)
def create_coreference(nlp: Language, name: str) -> Coreference:
    return Coreference(nlp, name)
