"""PART_OF and PARK_IN rules: a park inside another park, a park inside a place."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from .. import lexicon
from ..places import locality_in_name, may_contain, place_in_name, places_opening
from .context import Context, Mention, Relation
from .located import SETTLE


def part_of_by_name(ctx: Context) -> Iterator[Relation]:
    """A park whose name holds another park's name lies in it (湘乡经开区城西绿色化工片区 →
    湘乡经开区; 贵州省贵阳综合保税区科创产业园 → 贵阳综保区 through the lexicon; 开城工业园区 is
    开城工业园 written in full, not a part of it), and a park
    written right after another (…科创城数智勘探装备产业基地) lies in the first."""
    parks = [m for m in ctx.mentions if m.label == "PARK"]
    names = {
        alias: entity for entity, aliases in ctx.aliases.items() for alias in aliases if ctx.labels[entity] == "PARK"
    }
    lexicon_parks = lexicon.parks()
    by_record = {id(rec): e for e, rec in ctx.records.items() if isinstance(rec, lexicon.Park)}
    parents: dict[tuple[str, str], list[str]] = {}  # (name, entity) → parents: each name read once
    for park in parks:
        name = ctx.text[park.start : park.end]
        key = (name, park.entity)
        if key not in parents:
            parents[key] = [
                entity
                for inner, entity in names.items()
                if entity != park.entity and inner in name and not name.endswith(inner) and name != inner + "区"
            ] + [
                by_record[id(record)]
                for inner, record in lexicon_parks.items()
                if inner in name and not name.endswith(inner) and by_record.get(id(record)) not in (None, park.entity)
            ]
        for parent in parents[key]:
            yield ctx.relation(park.entity, "PART_OF", parent, ctx.sentence_of(park.start), "name", 0.85)
    for first, second in zip(parks, parks[1:]):
        if first.end == second.start and first.entity != second.entity:
            yield ctx.relation(second.entity, "PART_OF", first.entity, ctx.sentence_of(second.start), "adjacent", 0.85)


A_PART_OF = re.compile(r"的?(?:重要|核心)?(?:组成部分|一部分|核心区|板块|园中园|分园)")


def part_of_by_pattern(ctx: Context) -> Iterator[Relation]:
    """P2位于P1 (该产业基地位于…科创城), P1建设P2, P2是P1的重要组成部分: the second park lies in the first."""
    for sentence in ctx.sentences:
        parks = ctx.within(*sentence, {"PARK"})
        for first, second in zip(parks, parks[1:]):
            between = ctx.text[first.end : second.start]
            if re.fullmatch(SETTLE, between):
                yield ctx.relation(first.entity, "PART_OF", second.entity, sentence, "pattern:park-park", 0.8)
            elif re.fullmatch(r"\s*(?:建设|建成|打造|设立|成立)", between):
                yield ctx.relation(second.entity, "PART_OF", first.entity, sentence, "pattern:park-builds", 0.75)
            elif re.fullmatch(r"\s*(?:是|为|作为|属于)", between) and A_PART_OF.match(ctx.text, second.end):
                yield ctx.relation(first.entity, "PART_OF", second.entity, sentence, "pattern:part-of", 0.8)


def part_of_inferred(ctx: Context, found: list[Relation]) -> Iterator[Relation]:
    """P1(P2): P1 shares P2's parent; a park built by a company located in zone Z lies in Z."""
    parents = {}
    for rel in found:
        if rel.relation == "PART_OF":
            parents.setdefault(rel.head, []).append(rel.tail)
    parks = [m for m in ctx.mentions if m.label == "PARK"]
    for first, second in zip(parks, parks[1:]):
        if ctx.text[first.end : second.start] == "(":
            for parent in parents.get(second.entity, []):
                if parent != first.entity:
                    yield ctx.relation(
                        first.entity, "PART_OF", parent, ctx.sentence_of(first.start), "apposition", 0.75
                    )
    located = {(r.head, r.tail) for r in found if r.relation == "LOCATED_IN"}
    for rel in found:
        if rel.relation == "INVESTS_IN" and rel.method == "building":
            for head, zone in located:
                if head == rel.head and zone != rel.tail:
                    yield replace(
                        rel,
                        relation="PART_OF",
                        head=rel.tail,
                        head_label="PARK",
                        tail=zone,
                        tail_label="PARK",
                        method="built-in-zone",
                        confidence=0.6,
                        amount=None,
                    )


WATER = re.compile(r"[江河海湖]$")


# after a park: 位于/地处/属于… then the place (燕郊经济技术开发区，它属于河北三河市辖地)
LIES_IN = re.compile(r"\s*[，,]?\s*(?:它|该区|该园区)?(?:位于|地处|坐落[于在]|地属|隶属于?|属于)")


def stated_places(ctx: Context) -> tuple[dict[str, str], dict[str, str]]:
    """Park → the place the text says it lies in: a place written right before one of its
    mentions (梅李镇的梅李…工业园, 土默川的金川开发区), else the last of the places right after
    位于/地处/属于… (…开发区，它属于河北三河市). Two tables, read in one pass: cities and finer
    places, and provinces and countries (coarse: a name's own place says more)."""

    def coarse(m: Mention) -> bool:
        record = ctx.records.get(m.entity)
        return isinstance(record, lexicon.Place) and record.level in {"country", "province"}

    before: tuple[dict, dict] = ({}, {})  # (finer, coarse)
    after: tuple[dict, dict] = ({}, {})
    mentions = ctx.mentions
    for i, m in enumerate(mentions):
        if m.label != "PARK":
            continue
        if i and (prev := mentions[i - 1]).label == "LOC":
            between = ctx.text[prev.end : m.start]
            local = between.endswith(("当地的", "当地")) and ctx.sentence_of(prev.start) == ctx.sentence_of(m.start)
            if between in {"", "的", "市", "境内"} or local:  # 到阿拉善盟了解情况，发现当地的孪井滩农业开发区
                before[coarse(prev)].setdefault(m.entity, prev.entity)
        if verb := LIES_IN.match(ctx.text, m.end):
            end, places = verb.end(), []
            for nxt in mentions[i + 1 :]:
                if nxt.start != end or nxt.label != "LOC":
                    break
                places.append(nxt)
                end = nxt.end
            for kind in (False, True):
                if of_kind := [p for p in places if coarse(p) == kind]:
                    after[kind].setdefault(m.entity, of_kind[-1].entity)
    return after[False] | before[False], after[True] | before[True]


def _confirmed_by_gazetteer(park: object, places_named: dict[tuple[str, str], str]) -> str | None:
    """The city, else the province, the document names (``places_named``: (level, name) → as
    written) that the gazetteer says holds the known ``park`` (a story about 北京 that names
    中关村): the text names the place, the gazetteer only confirms that it contains the park, as
    the gold's park_places list every place the text names that truly holds the park
    (ANNOTATION.md). A gazetteer place the text never names stays on the node."""
    if not isinstance(park, lexicon.Park):
        return None
    return places_named.get(("city", park.city)) or places_named.get(("province", park.province))


def park_in_place(ctx: Context, found: list[Relation]) -> Iterator[Relation]:
    """Each park lies in the place the text says it lies in (``stated_places``), else in the
    most specific place its name gives, in this order: a town in its name (杭州下沙经济技术开发区
    → 下沙, 中关村软件园 → 中关村), the most specific gazetteer place its name starts with
    (湖北武汉江岸… → 武汉), for a known park only a place in its own province (not 南昌's 东湖区
    for 东湖高新区); else its parent park's place. A place in a name is written as the text names
    it elsewhere (梅李 → the text's 梅李镇). The lexicon's city goes on the graph node instead."""
    doc_places = {}
    for entity, record in ctx.records.items():
        if isinstance(record, lexicon.Place):
            doc_places.setdefault(record, entity)
    for entity, label in ctx.labels.items():  # the text's 梅李镇 for the 梅李 of 梅李民营轻纺工业园
        for town in lexicon.towns().get(entity, ()) if label == "LOC" else ():
            doc_places.setdefault(town, entity)
    first_mention = {}
    for m in ctx.mentions:
        first_mention.setdefault(m.entity, m)
    stated, stated_region = stated_places(ctx)
    written_places = [ctx.text[x.start : x.end] for x in ctx.mentions if x.label == "LOC"]
    located: dict[str, tuple[str, str]] = {}  # park → (place, how the place was found: the method)
    for m in first_mention.values():
        if m.label != "PARK":
            continue
        # longest first, names of one length in text order (a set's order changes with the
        # process's hash seed: 福建自贸试验区 lay in 上海 or 福建 from one run to the next)
        written = dict.fromkeys(ctx.text[x.start : x.end] for x in ctx.mentions if x.entity == m.entity)
        names = sorted(written, key=len, reverse=True)
        record = ctx.records.get(m.entity)
        in_name = next((p for p in map(place_in_name, names) if p and may_contain(p[1], record)), None)
        # a town is read where the places a name opens with can hold it: a shorter name of the
        # park is read after the places its longest one opens with (渤海新区, written for
        # 沧州渤海新区: no 渤海 town lies in 沧州; 亦庄开发区 after 北京: 亦庄 does)
        opening = next((c for c in map(places_opening, names) if c), [])
        prefix = "".join(w for w, _ in opening)
        as_placed = [n if n.startswith(prefix) or places_opening(n) else prefix + n for n in names]
        locality = next((p for p in map(locality_in_name, as_placed) if p and may_contain(p[1], record)), None)
        water = locality and WATER.search(locality[0]) and not any(map(places_opening, names))
        if locality and (locality[1] is None or water) and not any(w.startswith(locality[0]) for w in written_places):
            # a word jieba tags as a place but no list knows (三峡, 北斗, 世园) counts only where the
            # text names it as a place: alone it was right for 28 of 170 silver parks (park_in.md);
            # so does a town named like a river, lake or sea that no place before it in the name
            # vouches for (湘江新区: the river; but 常州孟河…: 孟河镇 of 常州)
            locality = None
        if m.entity in stated:
            located[m.entity] = stated[m.entity], "place:stated"
        elif locality:
            written, place = locality
            method = "place:word-in-name" if place is None else "place:town-in-name"
            located[m.entity] = doc_places.get(place, written), method
        elif in_name:
            written, place = in_name
            located[m.entity] = doc_places.get(place, written), "place:in-name"
        elif m.entity in stated_region:  # 广东 + 前海: right, if coarse
            located[m.entity] = stated_region[m.entity], "place:stated-region"
    for rel in found:  # a park with no place of its own lies where its parent lies
        if rel.relation == "PART_OF" and rel.head not in located and rel.tail in located:
            located[rel.head] = located[rel.tail][0], "place:parent"
    by_name = {(place.level, place.name): written for place, written in doc_places.items()}
    for entity, label in ctx.labels.items():  # consecutive places written as one (四川成都): each of them
        chain = places_opening(entity) if label == "LOC" and entity not in ctx.records else []
        if chain and sum(len(written) for written, _ in chain) == len(entity):
            has_city = any(place.level == "city" for _, place in chain)
            for _, place in chain:  # 湖北宜昌 stands for 宜昌, not for 湖北 (东湖高新区 is not in 宜昌)
                if not (has_city and place.level in {"country", "province"}):
                    by_name.setdefault((place.level, place.name), entity)
    for m in first_mention.values():
        if m.label == "PARK" and m.entity not in located:
            if confirmed := _confirmed_by_gazetteer(ctx.records.get(m.entity), by_name):
                located[m.entity] = confirmed, "place:in-document"
    for park, (tail, method) in located.items():
        ctx.labels.setdefault(tail, "LOC")
        yield ctx.relation(park, "PARK_IN", tail, ctx.sentence_of(first_mention[park].start), method, 0.8)
