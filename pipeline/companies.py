"""Real companies: the listed ones (models/lexicons/listed_companies.tsv, derived from the A-share
list by build_lexicons.py) and a short curated list of famous firms listed elsewhere or not at
all (famous_companies.tsv). Each company is one entity keyed by its registered name; its short
name (比亚迪) and brands (美的 for 美的集团) are aliases.

A lexicon hit is a COMPANY mention when it stands as a name: on jieba word boundaries (国华 is
not in 中国华能), not inside a longer name (the longest span wins in tag.py), and — for names
that also read as something else (平安, 长江, 海南, 中关村, 熊猫) — only with context that makes
it a firm: 公司/集团/股份 or a stock code after it, a firm's verb (宣布, 公告, 拟…), a signing
(与X签约), an enumeration with other companies, or its registered name in the same text.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

import ahocorasick
import jieba

from . import lexicon
from .cache import cached
from .grammar import WORD_TAGS, Sentence, frequency
from .heads import INDUSTRY_WORDS
from .mentions import Candidate
from .places import contains, leading_place, place_before, rest_after_place
from .segment import dictionary_key

LISTED_FILE, CURATED_FILE = "listed_companies.tsv", "famous_companies.tsv"


@dataclass(frozen=True)
class Company:
    name: str  # the registered name: the entity's canonical name
    short_name: str
    brands: tuple[str, ...]
    stock_code: str
    industry: str
    region: str
    curated: bool = False  # from famous_companies.tsv: chosen because news names them so

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(n for n in (self.name, self.short_name, *self.brands) if n)


def _rank(name: str, company: Company) -> int:
    """Which company a clashing name belongs to: a registered name first, then a curated firm's
    names (三星 is Samsung, not the brand derived from 三星新材), then a listed short name, then
    a derived brand."""
    if name == company.name:
        return 0
    if company.curated:
        return 1
    return 2 if name == company.short_name else 3


@cache
def companies() -> dict[str, Company]:
    """Every registered name, short name and brand → its company (``_rank`` settles a clash)."""
    table: dict[str, Company] = {}
    for file in (LISTED_FILE, CURATED_FILE):
        with (lexicon.LEXICON_DIR / file).open(encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                brands = tuple(b for b in row["brands"].split("|") if b)
                company = Company(
                    row["name"],
                    row["short_name"],
                    brands,
                    row["stock_code"].strip(),
                    row["industry"],
                    row["region"],
                    curated=file == CURATED_FILE,
                )
                for name in company.names:
                    if name not in table or _rank(name, company) < _rank(name, table[name]):
                        table[name] = company
    # media that are listed (人民网, 新华网) stay organisations (ANNOTATION.md)
    return {name: c for name, c in table.items() if name not in lexicon.organisations()}


# A short name + a generic word is still the short name (比亚迪公司); a registered form is not
# (比亚迪汽车有限公司 is another legal entity).
GENERIC_SUFFIX = re.compile(r"(?<!有限)(?:公司|集团公司|集团|股份)$")


def lookup(name: str) -> Company | None:
    """The company a mention names: 比亚迪, 比亚迪公司, 比亚迪股份有限公司 → 比亚迪股份有限公司.
    A brand + 集团 is not looked up: 华润集团 is the group, not its listed 华润材料."""
    table = companies()
    if name in table:
        return table[name]
    short = GENERIC_SUFFIX.sub("", name)
    company = table.get(short)
    return company if company is not None and short == company.short_name else None


def another_place_before(text_before: str, company: Company, name: str) -> bool:
    """Does the mention ``name`` stand after a place other than its company's own? 广东省建科院
    is not 深圳市建筑科学研究院 (建科院): a place written before an abbreviation that the
    registered name opens with another place names another firm, even a place holding the firm's
    (a province's institute is not its city's). Before a name the registered name spells out
    (格力电器 in 珠海格力电器股份有限公司) only a place that neither holds nor lies in the firm's
    does (广东格力电器 is still the 珠海 firm). No place in the registered name (深圳比亚迪): never."""
    own, before = leading_place(company.name), place_before(text_before)
    if own is None or before is None:
        return False
    own_place = lexicon.places()[own]
    if before.name == own_place.name or contains(own_place, before):
        return False
    return name not in company.name or not contains(before, own_place)


# Tags of jieba's words that are names rather than ordinary words.
NAME_TAGS = {"nz", "nt", "nr", "nrt", "j"}
COMMON_WORD = 100  # a name jieba counts this often is an ordinary word (阳光, 熊猫), whatever its tag
COMMON_ORDINARY_WORD = 10  # …or this often with an ordinary word's tag (农产品 n, 外高桥 n)


def reads_as_other_thing(name: str, curated: bool = False) -> bool:
    """Does ``name`` also read as a place (towns too: 陆家嘴), a park, an ordinary word, a place +
    industry word (上海电力) or a phrase? Then a lexicon hit alone is not a company mention.
    jieba's frequent proper names (华为 nr, 三星 nz) count only for listed names: the curated
    ones were chosen as firms' names."""
    places = lexicon.places()
    if name in places or name in lexicon.parks() or name in lexicon.towns():
        return True
    count, tag = frequency(name), WORD_TAGS.get(name)
    if count >= COMMON_ORDINARY_WORD and tag not in NAME_TAGS:
        return True
    if count >= COMMON_WORD and tag != "nt" and not curated:
        return True
    if rest_after_place(name, INDUSTRY_WORDS, shortest_rest=2) is not None:
        return True
    return reads_as_phrase(name)


PROPER_TAGS = NAME_TAGS | {"ns"}


def reads_as_phrase(name: str) -> bool:
    """数字人 (数字/人), 国际医学, 航天科技: ordinary words only, none a proper name, and no 股份
    or 集团 that would mark a firm."""
    if name.endswith(("股份", "集团")):
        return False
    words = list(jieba.cut(name, HMM=False))
    # two single characters are an unknown word cut apart (财/通/证券), not a phrase
    return (
        len(words) > 1
        and sum(len(w) == 1 for w in words) <= 1
        and all(frequency(w) >= COMMON_PHRASE_WORD and WORD_TAGS.get(w) not in PROPER_TAGS for w in words)
    )


COMMON_PHRASE_WORD = 1000


@cache
def ambiguous_names() -> frozenset[str]:
    """Names whose lexicon hit needs context: those that read as something else, and the brands
    (derived from ticker names by build_lexicons.py: 粤桂 of 粤桂股份 is as often two provinces).
    Where the silver corpus has seen a name often enough, its annotators' reading decides instead
    (``silver_reading``). Cached on disk: deciding costs 0.2 s of every start."""
    return cached("ambiguous-names", _ambiguous_names, *dictionary_key())


def _ambiguous_names() -> frozenset[str]:
    silver = silver_reading()

    def needs_context(name: str, company: Company) -> bool:
        if name == company.name:
            return False
        if name in silver:
            return silver[name]
        return name in company.brands and not company.curated or reads_as_other_thing(name, company.curated)

    return frozenset(n for n, c in companies().items() if needs_context(n, c))


EVIDENCE_FILE = "company_name_evidence.tsv"  # build_lexicons.py --evidence
# Hits in the silver before its reading decides: a few to ask for context, more to waive it (news
# silver leans to the firm reading: 吉利 is 8 of 8 there, and an ordinary word all the same)
MIN_SEEN_OTHER, MIN_SEEN_FIRM = 3, 10
OTHER_RATE, FIRM_RATE = 0.3, 0.8  # read as a firm at most / at least this often


@cache
def silver_reading() -> dict[str, bool]:
    """Name → does its hit need context, as the silver corpus reads it: yes when its annotators
    read it as a firm at most ``OTHER_RATE`` of ``MIN_SEEN_OTHER`` or more hits (亚太, 线上线下,
    北部湾港: the region, the phrase, the port), no when at least ``FIRM_RATE`` of
    ``MIN_SEEN_FIRM`` or more. The thresholds were set before measuring, not tuned (the second
    count was raised after a review found 吉利 waived on 8 hits)."""
    path = lexicon.LEXICON_DIR / EVIDENCE_FILE
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as f:
        return reading_of(csv.DictReader(f, delimiter="\t"))


def reading_of(rows: Iterable[Mapping[str, str]]) -> dict[str, bool]:
    """``silver_reading`` from the evidence file's rows (name, seen, as_company)."""
    reading = {}
    for row in rows:
        seen, firm = int(row["seen"]), int(row["as_company"])
        if seen >= MIN_SEEN_OTHER and firm / seen <= OTHER_RATE:
            reading[row["name"]] = True
        elif seen >= MIN_SEEN_FIRM and firm / seen >= FIRM_RATE:
            reading[row["name"]] = False
    return reading


@cache
def automaton() -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for name, company in companies().items():
        auto.add_word(name, (name, company))
    auto.make_automaton()
    return auto


# read by the rules and by the tagger's knowledge features: found once, kept for the last texts
@lru_cache(maxsize=256)
def find_known(text: str) -> tuple[tuple[int, int, str, Company], ...]:
    """(start, end, name, company) of every listed or curated firm's name in ``text``, overlapping
    ones included."""
    return tuple(
        (end_index + 1 - len(name), end_index + 1, name, company)
        for end_index, (name, company) in automaton().iter(text)
    )


# What makes an ambiguous name a firm, right after it: an optional stock code, then a firm's word
FIRM_AFTER = re.compile(
    r"\s*(?:\(\s*\d{6}(?:\.[A-Z]{2})?\s*\)\s*)?"
    r"(?:公司|集团|股份|旗下|董事|总裁|总经理|创始人|宣布|公告|发布公告|披露|表示|称|拟|计划|回应|承建|中标|股价|股票|市值|营收|"
    r"净利|涨停|跌停|的(?:董事长|董事会|总裁|股价|市值|公告|子公司|财报)|(?:与|和)[^，。；]{2,20}?(?:签约|签署|签订|达成|合作))"
)
# …or a signing around it: 与X签约 (与 before the name, the verb after it)
SIGNS_WITH = re.compile(r"(?:与|和|同)$")
SIGNING = re.compile(r"\s*(?:签约|签署|签订|达成|合作|联合|共同)")
# the source of an ambiguous name that the words around it, or a list with a firm, made a firm:
# a guess that one reading of the name settles, not a fact about every other (aliases.py)
BY_CONTEXT = "lexicon:company-by-context"
GENERIC_AFTER = re.compile(r"集团公司|集团|股份公司|公司")
LIST_JOINERS = ("、", "和", "及", "与")


def find_companies(sent: Sentence, named: list[Candidate]) -> Iterator[Candidate]:
    """COMPANY candidates from the lexicons in ``sent`` (the whole normalised text); ``named``
    are the companies the grammars found, neighbours that confirm an enumeration."""
    text = sent.text
    hits = [(s, e, name, company) for s, e, name, company in find_known(text) if sent.aligned(s) and sent.aligned(e)]
    ambiguous = ambiguous_names()
    sure = {(s, e) for s, e, name, _ in hits if name not in ambiguous}
    confirmed = sure | {(s, e) for s, e, name, c in hits if name in ambiguous and _firm_context(text, s, e, c)}
    pending = {(s, e) for s, e, _, _ in hits} - confirmed
    # an enumeration with a confirmed company (平安、腾讯和比亚迪) confirms its neighbours
    neighbours = {(c.start, c.end) for c in named} | confirmed
    while added := {(s, e) for s, e in pending if _listed_beside(text, s, e, neighbours)}:
        confirmed |= added
        neighbours |= added
        pending -= added
    for start, end in sorted(confirmed):
        # 绿地集团, 比亚迪公司: the generic word after a short name belongs to the mention
        generic = GENERIC_AFTER.match(text, end)
        source = "lexicon:company" if (start, end) in sure else BY_CONTEXT
        yield Candidate(start, generic.end() if generic else end, "COMPANY", source, 0.95)


def _firm_context(text: str, start: int, end: int, company: Company) -> bool:
    if FIRM_AFTER.match(text, end):
        return True
    if SIGNS_WITH.search(text[max(0, start - 1) : start]) and SIGNING.match(text, end):
        return True
    return company.name in text  # the registered name in the same document


def _listed_beside(text: str, start: int, end: int, others: set[tuple[int, int]]) -> bool:
    after = text[end : end + 1] in LIST_JOINERS and any(s == end + 1 for s, _ in others)
    before = text[start - 1 : start] in LIST_JOINERS and any(e == start - 1 for _, e in others)
    return after or before
