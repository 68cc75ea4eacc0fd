"""Places written at the start of names: one home for the logic every stage needs of them.

News writes a place before a name (湖北武汉江岸岱家山科创城, 北京云帆智联信息技术有限公司) and
may or may not repeat it. Coref joins a park with and without its place (coref.py), the
company lexicon tells a place + industry word from a firm (companies.py), the relation rules
find where a park lies from its name (relations/parks.py), the graph finds a company's short
name (graph.py) and the evaluator compares names without their places (evaluate.py): all of
them through the functions here.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Container, Mapping
from functools import cache

import jieba

from . import lexicon
from .grammar import PARTNER_COUNTRIES, WORD_TAGS, is_rare_noun, is_specific_text, reads_as_place
from .heads import HEAD_PATTERN, LEGAL_FORMS

MAX_PLACE = lexicon.MAX_PLACE  # characters: the longest place name looked for at a name's start


def leading_place(
    name: str, start: int = 0, shortest_rest: int = 2, places: Mapping[str, lexicon.Place] | None = None
) -> str | None:
    """The longest gazetteer place (2 to ``MAX_PLACE`` characters) written at ``name[start:]``
    that leaves at least ``shortest_rest`` characters after it, or None; ``places`` is the
    gazetteer (default: the places of running text)."""
    places = lexicon.places() if places is None else places
    ends = range(min(len(name) - shortest_rest, start + MAX_PLACE), start + 1, -1)
    return next((name[start:end] for end in ends if name[start:end] in places), None)


def place_before(text: str) -> lexicon.Place | None:
    """The longest gazetteer place (2 to ``MAX_PLACE`` characters) that ``text`` ends with: the
    place written right before a name."""
    places = lexicon.places()
    ends_with = (text[-size:] for size in range(min(len(text), MAX_PLACE), 1, -1))
    return next((places[name] for name in ends_with if name in places), None)


def rest_after_place(name: str, rests: Container[str], shortest_rest: int) -> str | None:
    """What follows a place at the start of ``name`` when it is one of ``rests`` and has at
    least ``shortest_rest`` characters, the shortest place tried first (湖北武汉江岸岱家山科创城 →
    武汉江岸岱家山科创城 when the document names that park too; 上海电力 → 电力, an industry)."""
    places = lexicon.places()
    for i in range(2, len(name) - shortest_rest + 1):
        if name[:i] in places and name[i:] in rests:
            return name[i:]
    return None


def with_place_prefixes_stripped(names: set[str]) -> set[str]:
    """江苏苏州新区 also as 苏州新区 and 新区…: a place written before a name may or may not belong
    to the annotated name (ANNOTATION.md), so relation ends compare without it too."""
    out = set(names)
    for name in names:
        i = 0
        while match := leading_place(name, i):
            i += len(match)
            out.add(name[i:])
    return out


BUSINESS_WORDS = re.compile(
    r"(信息技术|信息系统|网络技术|网络科技|科技发展|技术发展|电子信息|信息产业|科技|技术|信息|网络|电子|软件|"
    r"通信|数码|实业|控股|投资|发展|生物|医药|新材料|材料|化工|能源|环保|智能|数据|文化|传媒|贸易|物流)+$"
)


def core_name(name: str) -> str:
    """北京云帆智联信息技术有限公司 → 云帆智联: the name without its place, bracketed place, legal
    form and business words — what a short name (以下简称…) usually keeps."""
    core = re.sub(r"\([^)]*\)", "", name)
    core = LEGAL_FORMS.sub("", core)
    if place := leading_place(core):
        core = core[len(place) :]
    return BUSINESS_WORDS.sub("", core) or core


@cache
def park_name_places() -> dict[str, lexicon.Place]:
    """The places a park's name may open with: the gazetteer's and the foreign cities'."""
    return {**lexicon.world_places(), **lexicon.places()}


def places_opening(name: str) -> list[tuple[str, lexicon.Place]]:
    """The gazetteer places a park's name opens with, as written, each inside the one before
    (湖北武汉江岸… → 湖北, 武汉, 江岸; 湘乡城西工业园: 城西区 is in 西宁, not in 湘乡; 缅甸皎漂… → 缅甸, 皎漂)."""
    places, chain, i = park_name_places(), [], 0
    while i < len(name):
        match = leading_place(name, i, shortest_rest=0, places=places)
        if not match or (chain and not contains(chain[-1][1], places[match])):
            break
        chain.append((match, places[match]))
        i += len(match)
    return chain


BRACKETED = re.compile(r"[(（]([^()（）]{2,8})[)）]")


def place_in_name(name: str) -> tuple[str, lexicon.Place] | None:
    """The place a park's name puts it in: a place in its brackets (深圳(哈尔滨)产业园 → 哈尔滨:
    the silver's place lists hold the bracketed place for 97 of 99 such parks, in xwlb and the
    written documents), else the most specific gazetteer place its name starts with (湖北武汉江岸…
    → 武汉), after the countries that build it (中新南宁… → 南宁); else the host country a China-X
    park names (中国-阿联酋产能合作园区 → 阿联酋)."""
    if (bracketed := BRACKETED.search(name)) and (inside := places_opening(bracketed.group(1))):
        return inside[-1]
    name, host = _without_partners(_without_brackets(name))
    chain = places_opening(name)
    if chain:
        return chain[-1]
    return (host, lexicon.places()[host]) if host else None


def _without_brackets(name: str) -> str:
    return re.sub(r"[()（）]", "", name)  # 中国(上海)自由贸易试验区 → 上海


def _without_partners(name: str) -> tuple[str, str | None]:
    """A bilateral park's name without the countries that build it, and the host country when
    the name spells it out: 中新南宁国际物流园 → 南宁国际物流园; 中国-阿联酋产能合作园区 →
    (产能合作园区, 阿联酋); 中韩产业园 → 产业园 (xwlb and the written documents name 111 such
    parks; 中韩 is also a town in 河北, which that park is not in)."""
    if leading_place(name, shortest_rest=0) not in (None, "中国") or _town_opening(name):
        return name, None  # 巴中经济开发区, 中新镇工业园: a place, not two countries
    parts = re.split(r"[—－\-]+", name, maxsplit=1)
    if len(parts) == 2:
        first, rest = parts
        if first == "中国" and (country := _country_at(rest)):  # 中国-阿联酋产能合作园区
            return rest[len(country) :], country
        if rest.startswith("中国") and _country_at(first) == first:  # 白俄罗斯-中国工业园
            return rest[2:], first
    if len(name) > 3 and name[0] == "中" and name[1] in PARTNER_COUNTRIES:
        size = 3 if name[2] in PARTNER_COUNTRIES and not leading_place(name, 2) else 2  # 中日韩, not 中新|南宁
        return name[size:], None
    if len(name) > 3 and name[1] == "中" and name[0] in PARTNER_COUNTRIES:
        return name[2:], None
    return name, None


def _town_opening(name: str) -> bool:
    """Does ``name`` open with a town's full name (中新镇)?"""
    towns = lexicon.towns()
    return any(name[:n] in towns and towns[name[:n]][0].name == name[:n] for n in range(3, 6))


def _country_at(text: str) -> str | None:
    """The longest country name ``text`` starts with, China aside."""
    places = lexicon.places()
    found = (text[:n] for n in range(min(len(text), 6), 1, -1))
    return next((c for c in found if c != "中国" and getattr(places.get(c), "level", "") == "country"), None)


def contains(outer: lexicon.Place, inner: lexicon.Place) -> bool:
    """Does the place ``outer`` hold ``inner`` (a province its cities, a county its towns)?"""
    if outer.level == "province":
        return inner.province == outer.name and inner != outer
    if outer.level == "city":
        return inner.city == outer.name and inner != outer
    if outer.level == "county":
        return inner.county == outer.name
    return outer.level == "country" and inner.level != "country"


# jieba tags these as places, but they only say where in a city (湘乡城西…, 某某新区)
GENERIC_LOCALITIES = {"新区", "城区", "市区", "郊区", "城东", "城西", "城南", "城北", "东部", "西部", "南部", "北部"}


def locality_in_name(name: str) -> tuple[str, lexicon.Place | None] | None:
    """A town below the gazetteer's counties in a park's name, right after the places it opens
    with: a town of the civil affairs list inside the last of those places (窦店高端现代制造业产业基地
    → 窦店镇; 天津宝坻石桥工业园区 has none: no 石桥 in 宝坻), else a word jieba tags as a place that
    the list does not know, followed only by a generic descriptor. The countries of a bilateral
    park are no town (中韩产业园)."""
    name = _without_partners(_without_brackets(name))[0]
    head = HEAD_PATTERN.search(name)
    if not head:
        return None
    chain = places_opening(name)
    start = sum(len(written) for written, _ in chain)
    boundaries = set(itertools.accumulate(len(w) for w in jieba.cut(name[: head.start()])))
    towns = lexicon.towns()
    for end in range(min(head.start(), start + 8), start + 1, -1):
        word = name[start:end]
        if end not in boundaries or word in GENERIC_LOCALITIES:
            continue
        if word in towns:
            inside = [t for t in towns[word] if not chain or contains(chain[-1][1], t)]
            if inside and reads_as_place(word):
                return word, inside[0]
        elif _jieba_place(word) and not is_specific_text(name[end : head.start()]):
            return word, None
    return None


def _jieba_place(word: str) -> bool:
    """A place by jieba's tag, or a rare common noun (孪井滩: twice in its corpus). Words it does
    not know at all stay out: 岱家山 in 武汉江岸岱家山科创城 names the park (ANNOTATION.md's own
    example); so do rare proper nouns of other kinds (五环, a ring road: nz)."""
    return WORD_TAGS.get(word) == "ns" or (WORD_TAGS.get(word) == "n" and is_rare_noun(word))


def may_contain(place: lexicon.Place | None, park: object) -> bool:
    """A place in a known park's name must lie in the park's province: 东湖 in 东湖高新区 is the
    武汉 lake the zone is named after, not 南昌's 东湖区."""
    if place is None or not isinstance(park, lexicon.Park) or not park.province or place.level == "country":
        return True
    return (place.province or place.name) == park.province
