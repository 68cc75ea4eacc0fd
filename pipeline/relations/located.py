"""LOCATED_IN rules: an organisation in a park."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from .context import ACTORS, Context, Mention, Relation, invested_amount

SETTLE = r"(?:位于|成立于|落户(?:于|在)?|入驻|坐落(?:于|在)|设在|扎根(?:于|在)?|总部位于|注册(?:于|在))"
PARK_THEN_ACTOR = re.compile(
    r"^[)）]?(?:内|里)?(?:的)?(?:另一家|一家|首家)?[\u4e00-\u9fff]{0,8}?企业[，,]?$|^[)）]?(?:内|里)?的$"
)
ACTOR_THEN_PARK = re.compile(rf"(?:{SETTLE}|均在|都在|也在|落地)$")
ACTOR_IS_PARK_FIRST = re.compile(r"^(?:首家|第一家|重点)?(?:入驻|落户|引进)?企业")


# the longest text PARK_THEN_ACTOR can match (…首家 + eight characters + 企业，) and the longest
# ACTOR_THEN_PARK can (总部位于): beyond these a pair cannot match, so no longer text is searched
PARK_ACTOR_GAP = 20
ACTOR_PARK_TAIL = 8


def located_by_pattern(ctx: Context) -> Iterator[Relation]:
    """位于P的X, P内的X, P企业X, P另一家…企业X, 入驻P的企业，X, X位于P, X…均在P, X是P首家入驻企业.

    Only the actors a pattern can reach are visited (bisection over the sentence's mentions):
    trying every pair of a long sentence and searching the text between them was cubic."""
    text = ctx.text
    starts_of: dict[tuple[int, int], list[int] | None] = {}  # per sentence, not per park
    for sentence, mentions, park in ctx.park_mentions():
        if sentence not in starts_of:
            starts_of[sentence] = [m.start for m in mentions] if ctx._mention_starts is not None else None
        starts = starts_of[sentence]
        for actor in _reachable_actors(ctx, mentions, starts, park):
            if park.end <= actor.start:
                between = text[park.end : actor.start]
                before = text[max(sentence[0], park.start - 5) : park.start]
                inside = re.search(r"企业|内|里", between) or re.search(SETTLE + "$", before)
                if PARK_THEN_ACTOR.match(between) and inside:
                    yield ctx.relation(actor.entity, "LOCATED_IN", park.entity, sentence, "pattern:park-actor", 0.9)
            elif actor.end <= park.start:
                between_tail = text[max(actor.end, park.start - ACTOR_PARK_TAIL) : park.start]
                after = text[park.end : park.end + 8]
                if ACTOR_THEN_PARK.search(between_tail) or (
                    between_tail in {"是", "为", "成为"} and ACTOR_IS_PARK_FIRST.match(after)
                ):
                    yield ctx.relation(actor.entity, "LOCATED_IN", park.entity, sentence, "pattern:actor-park", 0.85)


def _reachable_actors(ctx: Context, mentions: list[Mention], starts: list[int] | None, park: Mention) -> list[Mention]:
    """The actors of ``mentions`` (in text order) that located_by_pattern's patterns could join to
    ``park``: after it within PARK_ACTOR_GAP, or before it with no clause mark in between and,
    unless a settling verb ends right before the park, within ACTOR_PARK_TAIL of it."""
    marks = ctx.clause_marks
    i = bisect.bisect_left(marks, park.start) - 1
    last_mark = marks[i] if i >= 0 else -1  # an actor ending at or before it is cut off by a comma
    far_match = ACTOR_THEN_PARK.search(ctx.text[max(0, park.start - ACTOR_PARK_TAIL) : park.start])
    reach = last_mark + 1 if far_match else max(last_mark + 1, park.start - ACTOR_PARK_TAIL)
    if starts is None:
        lo, hi, after_hi = 0, len(mentions), len(mentions)
    else:
        lo = bisect.bisect_left(starts, reach - ctx.longest_mention)
        hi = bisect.bisect_left(starts, park.start)
        after_hi = bisect.bisect_right(starts, park.end + PARK_ACTOR_GAP)
    before = [m for m in mentions[lo:hi] if m.label in ACTORS and last_mark < m.end <= park.start]
    after = [m for m in mentions[hi:after_hi] if m.label in ACTORS and park.end <= m.start]
    return before + after


# P引进/支持/扶持…X: the park brought the company in; 以P为基地/依托: the company works from it
PARK_BRINGS = re.compile(r"^(?:先后|积极|成功|大力|还|也|已)?(?:引进|引来|吸引|支持|扶持|帮助)(?:了)?$")
BASED_IN = re.compile(r"^为(?:基地|依托|载体|大本营)")


def located_by_park_verb(ctx: Context) -> Iterator[Relation]:
    """P引进X / P支持X建立…基地 (the park acts on the company); X以P为基地 / 依托."""
    text = ctx.text
    for sentence, mentions, park in ctx.park_mentions():
        after = _first_from(ctx, sentence, park.end)
        if after and after.label in ACTORS and PARK_BRINGS.match(text[park.end : after.start]):
            yield ctx.relation(after.entity, "LOCATED_IN", park.entity, sentence, "pattern:park-brings", 0.75)
        if text[park.start - 1 : park.start] == "以" and BASED_IN.match(text[park.end : park.end + 4]):
            breaks = [i + 1 for i in range(sentence[0], park.start) if text[i] in "，,;；"]
            clause_start = max([sentence[0], *breaks])
            actors = [m for m in mentions if clause_start <= m.start and m.end < park.start and m.label in ACTORS]
            if actors:
                yield ctx.relation(actors[-1].entity, "LOCATED_IN", park.entity, sentence, "pattern:based-in", 0.8)


# X(近日)在P + a verb: 投资/建设… (X invests in P), 设立…子公司Y (Y is in P), 落户/投产… (X is in P)
AT_PARK = re.compile(r"^[^，,。；;：:、]{0,6}?在$")
# a unit set up without a name of its own: the founder is what lies in the park
GENERIC_UNIT = re.compile(
    r"(?:研发|研究|技术|创新|运营|生产|制造|结算|销售|服务|数据|设计|测试|检测|培训)*(?:中心|总部|院|所|部|实验室)"
)
LIST_AT_PARK = re.compile(r"^等[^，,。；;：:、]{0,16}?在$")  # X、Y等120家企业在P…
AFTER_PARK = r"(?:内|里)?(?:正式|已经|已|将|顺利|成功|率先|全面|陆续)?"
INVESTS_AT = re.compile(AFTER_PARK + r"(?:追加)?(?:投资|建设|兴建|新建|扩建|建立)")
SETS_UP_AT = re.compile(AFTER_PARK + r"(?:设立|成立|开设|组建|注册成立)了?(?:一家|全资|控股)*(?:子公司|分公司|公司)?")
SETTLES_AT = re.compile(AFTER_PARK + r"(?:落户|落地|入驻|扎根|安家|开业|投产|设厂|办厂|研发|生产|经营|办公)")


def located_by_activity(ctx: Context) -> Iterator[Relation]:
    """X在P投资建设… → X INVESTS_IN P (with the sentence's investment amount); X在P设立子公司Y
    → Y LOCATED_IN P, or X itself when no named organisation follows (中科院南京分院在研创园设立研究所);
    X在P落户/投产/生产… → X LOCATED_IN P. X、Y等120家企业在P…: each of them."""
    text = ctx.text
    for sentence, mentions, park in ctx.park_mentions():
        before = _before(ctx, sentence, mentions, park)
        if not before or before[-1].label not in ACTORS:
            continue
        gap = text[before[-1].end : park.start]
        actors = [before[-1]] if AT_PARK.match(gap) else _listed(ctx, before) if LIST_AT_PARK.match(gap) else []
        if "分别" in gap:  # X和Y分别在P投资30亿元和20亿元
            actors = _listed(ctx, before)
            amounts = _respective_amounts(ctx, park.end, sentence[1], actors)
        else:  # one investor takes the sentence's amount; how a list shares it the text does not say
            amounts = {actors[0].entity: invested_amount(ctx, *sentence)} if len(actors) == 1 else {}
        for actor in actors:
            if INVESTS_AT.match(text, park.end):
                amount = amounts.get(actor.entity)
                yield ctx.relation(actor.entity, "INVESTS_IN", park.entity, sentence, "pattern:invests-at", 0.8, amount)
            elif setup := SETS_UP_AT.match(text, park.end):
                after = next((m for m in mentions if m.start >= setup.end()), None)
                named = after and not GENERIC_UNIT.fullmatch(after.entity)
                child = after if named and after.label in ACTORS and after.start - setup.end() <= 2 else actor
                yield ctx.relation(child.entity, "LOCATED_IN", park.entity, sentence, "pattern:sets-up-at", 0.8)
            elif SETTLES_AT.match(text, park.end):
                yield ctx.relation(actor.entity, "LOCATED_IN", park.entity, sentence, "pattern:settles-at", 0.85)


def _respective_amounts(ctx: Context, start: int, end: int, actors: list[Mention]) -> dict[str, float]:
    """分别…30亿元和20亿元: the amounts after ``start``, in the order of the actors, when they pair up."""
    amounts = [ctx.money[m.start] for m in ctx.within(start, end, {"MONEY"}) if ctx.money.get(m.start) is not None]
    return {a.entity: v for a, v in zip(actors, amounts)} if len(amounts) == len(actors) else {}


def _listed(ctx: Context, before: list[Mention]) -> list[Mention]:
    """The organisations listed right before the last of ``before`` (X、Y和Z), that one included."""
    listed = [before[-1]]
    for m in reversed(before[:-1]):
        if m.label not in ACTORS or ctx.text[m.end : listed[0].start] not in {"、", "和", "及", "与", ",", "，"}:
            break
        listed.insert(0, m)
    return listed


ADDRESS = re.compile(r"(?:地址|总部|厂址|注册地|办公地点?)(?:在|位于|设在|设于|[:：])")


def located_by_address(ctx: Context) -> Iterator[Relation]:
    """X宣告成立，地址在…P / X总部设在P: the sentence's first organisation is in the park;
    X(P) — a company with its park in brackets — too."""
    for sentence in ctx.sentences:
        for address in ADDRESS.finditer(ctx.text, sentence[0], sentence[1]):
            actors = ctx.within(sentence[0], address.start(), ACTORS)
            parks = ctx.within(address.end(), sentence[1], {"PARK"})
            if actors and parks:
                yield ctx.relation(actors[-1].entity, "LOCATED_IN", parks[0].entity, sentence, "address", 0.8)
    for actor, park in zip(ctx.mentions, ctx.mentions[1:]):
        if (
            actor.label in ACTORS
            and park.label == "PARK"
            and ctx.text[actor.end : park.start] == "("
            and ctx.text[park.end : park.end + 1] == ")"
        ):
            yield ctx.relation(actor.entity, "LOCATED_IN", park.entity, ctx.sentence_of(actor.start), "apposition", 0.7)


LIST_TRIGGER = re.compile(
    r"比如|例如|包括|诸如|培育出|孵化出|诞生了|吸引了|(?:集聚|聚集|汇聚)了?|引进了|已有|现有|拥有|(?<=[内里])[，,]?(?:共|已)?有"
    r"|以(?=[^，,。]{2,120}?为代表)"
)


# what a bare 比如/例如/包括 must be examples of to list a park's organisations
EXAMPLES_OF = re.compile(r"企业|公司|机构|单位|项目|厂商|品牌|龙头|巨头")
BARE_LIST_TRIGGERS = {"比如", "例如", "包括", "诸如"}


# between two organisations of one list: a separator, an alias declaration (以下简称…)
LIST_GAP = re.compile(r"[\s()（）“”\"、，,和及与:：]*(?:以下简称|简称|下称)?[\s()（）“”\"、，,和及与:：]*")
LIST_REACH = 12  # characters from the trigger to the list's first organisation (包括…在内, 像…这样)


def located_by_enumeration(ctx: Context) -> Iterator[Relation]:
    """Companies listed after 比如/包括/培育出/以…为代表 belong to the sentence's park, or to the
    park of the sentence before when this one has none (其中，以…为代表的企业 …). After a bare
    比如/例如/包括 the text must speak of enterprises first (企业都在天府软件园，比如…): a list of
    anything else (比如，法国队…) names no park's companies. The list is the run of organisations
    that starts right after the trigger and goes on while only separators stand between them
    (the seed page's 比如X(以下简称Y)、Z…; xwlb's 已经集聚了包括X在内的…): a later clause's
    organisations (…，区政府、海事部门和园区共同组建…) are not listed."""
    for i, sentence in enumerate(ctx.sentences):
        trigger = LIST_TRIGGER.search(ctx.text, sentence[0], sentence[1])
        if not trigger:
            continue
        opening = sentence[0]
        parks = ctx.within(sentence[0], trigger.start(), {"PARK"})
        if not parks and i > 0 and ctx.paragraph_of(sentence[0]) == ctx.paragraph_of(ctx.sentences[i - 1][0]):
            opening = ctx.sentences[i - 1][0]
            parks = ctx.within(*ctx.sentences[i - 1], {"PARK"})
        if not parks:
            continue
        if trigger.group() in BARE_LIST_TRIGGERS and not EXAMPLES_OF.search(ctx.text, opening, trigger.start()):
            continue
        for actor in _list_after(ctx, trigger.end(), sentence[1]):
            yield ctx.relation(actor.entity, "LOCATED_IN", parks[-1].entity, sentence, "enumeration", 0.8)


def _list_after(ctx: Context, start: int, end: int) -> list[Mention]:
    """The organisations listed from ``start``: the first within LIST_REACH, then each one that
    only a separator parts from the one before."""
    listed: list[Mention] = []
    for m in ctx.within(start, end):
        at = listed[-1].end if listed else start
        if listed and not LIST_GAP.fullmatch(ctx.text, at, m.start) or not listed and m.start - start > LIST_REACH:
            break
        if m.label not in ACTORS:
            break
        listed.append(m)
    return listed


def located_by_name(ctx: Context) -> Iterator[Relation]:
    """An organisation named after a park is the park's own (成都高新区电子信息产业发展中心)."""
    parks = {m.entity for m in ctx.mentions if m.label == "PARK"}
    aliases = {ctx.text[m.start : m.end]: m.entity for m in ctx.mentions if m.label == "PARK"}
    for mention in ctx.mentions:
        if mention.label == "ORG":
            name = ctx.text[mention.start : mention.end]
            for alias, park in aliases.items():
                if name.startswith(alias) and len(name) > len(alias) and park in parks:
                    yield ctx.relation(mention.entity, "LOCATED_IN", park, ctx.sentence_of(mention.start), "name", 0.8)
                    break


def _before(ctx: Context, sentence: tuple[int, int], mentions: list[Mention], park: Mention) -> list[Mention]:
    """The sentence's ``mentions`` that end before ``park``. When no two mentions overlap, they
    are the ones starting before it, a slice found by bisection (filtering every mention of a
    long sentence for every park was quadratic)."""
    if ctx._mention_starts is None or not ctx.disjoint:
        return [m for m in mentions if m.end <= park.start]
    starts = ctx._mention_starts
    return ctx.mentions[bisect.bisect_left(starts, sentence[0]) : bisect.bisect_left(starts, park.start)]


def _first_from(ctx: Context, sentence: tuple[int, int], offset: int) -> Mention | None:
    """The first mention of ``sentence`` (as ``within`` lists them) starting at or after ``offset``."""
    starts = ctx._mention_starts
    candidates = ctx.mentions[bisect.bisect_left(starts, offset) :] if starts is not None else ctx.mentions
    for m in candidates:
        if starts is not None and m.start >= sentence[1]:
            return None
        if sentence[0] <= m.start and offset <= m.start and m.end <= sentence[1]:
            return m
    return None
