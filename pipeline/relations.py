"""Stage 3b: relations between entities — LOCATED_IN, INVESTS_IN, PARK_IN, PART_OF.

Each rule is a small generator over a :class:`Context` (the document's sentences, paragraphs,
headings and mentions, anaphors included) that yields :class:`Relation` objects with the
evidence sentence, the rule's name and its confidence. ``extract_relations`` runs them in order
and keeps, for each (head, relation, tail), the most confident one.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import jieba
from spacy.language import Language
from spacy.tokens import Doc

from . import lexicon
from .grammar import HEAD_PATTERN, WORD_TAGS, is_rare_noun, is_specific_text, reads_as_place

ACTORS = {"COMPANY", "ORG"}


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    entity: str
    label: str


@dataclass(frozen=True)
class Relation:
    head: str
    relation: str
    tail: str
    head_label: str
    tail_label: str
    evidence_start: int
    evidence_end: int
    method: str
    confidence: float
    amount: float | None = None


@dataclass
class Context:
    text: str  # normalised text: what the patterns read
    sentences: list[tuple[int, int]]
    paragraphs: list[tuple[int, int]]
    mentions: list[Mention]  # entity mentions and resolved anaphors, in text order
    labels: dict[str, str]  # entity → label
    records: dict[str, object]  # entity → lexicon record (Park / Place) when known
    aliases: dict[str, set[str]]  # entity → all its names, the canonical one included
    section_parks: list[tuple[int, int, str]]  # (start, end, park) of sections named after a park
    money: dict[int, float]  # MONEY mention start → value

    def within(self, start: int, end: int, labels: set[str] | None = None) -> list[Mention]:
        """The mentions inside [start, end), in text order: found by bisection over their starts
        (a scan of every mention for every sentence made long documents quadratic)."""
        starts = self._mention_starts
        if starts is None:  # not in text order: the plain scan, same result
            found = (m for m in self.mentions if start <= m.start and m.end <= end)
        else:
            lo, hi = bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)
            found = (m for m in self.mentions[lo:hi] if m.end <= end)
        return [m for m in found if labels is None or m.label in labels]

    @functools.cached_property
    def _mention_starts(self) -> list[int] | None:
        starts = [m.start for m in self.mentions]
        return starts if all(a <= b for a, b in zip(starts, starts[1:])) else None

    @functools.cached_property
    def disjoint(self) -> bool:
        """No two mentions overlap (they are in text order)."""
        return self._mention_starts is not None and all(
            a.end <= b.start for a, b in zip(self.mentions, self.mentions[1:])
        )

    @functools.cached_property
    def longest_mention(self) -> int:
        return max((m.end - m.start for m in self.mentions), default=0)

    @functools.cached_property
    def clause_marks(self) -> list[int]:
        """Offsets of the clause punctuation that ends a pattern's reach (，；：), in order."""
        return [m.start() for m in CLAUSE_MARK.finditer(self.text)]

    def park_mentions(self) -> Iterator[tuple[tuple[int, int], list[Mention], Mention]]:
        """(sentence, its mentions, a park mention among them) for every park mention."""
        for sentence in self.sentences:
            mentions = self.within(*sentence)
            for park in (m for m in mentions if m.label == "PARK"):
                yield sentence, mentions, park

    def sentence_of(self, offset: int) -> tuple[int, int]:
        return _span_of(self.sentences, self._sentence_starts, offset)

    def paragraph_of(self, offset: int) -> tuple[int, int]:
        return _span_of(self.paragraphs, self._paragraph_starts, offset)

    @functools.cached_property
    def _sentence_starts(self) -> list[int] | None:
        return _ordered_starts(self.sentences)

    @functools.cached_property
    def _paragraph_starts(self) -> list[int] | None:
        return _ordered_starts(self.paragraphs)

    def relation(
        self,
        head: str,
        rel: str,
        tail: str,
        sentence: tuple[int, int],
        method: str,
        confidence: float,
        amount: float | None = None,
    ) -> Relation:
        return Relation(
            head,
            rel,
            tail,
            self.labels[head],
            self.labels.get(tail, "LOC"),
            sentence[0],
            sentence[1],
            method,
            confidence,
            amount,
        )


CLAUSE_MARK = re.compile(r"[，,;；:：]")


def _ordered_starts(spans: list[tuple[int, int]]) -> list[int] | None:
    """The starts of ``spans`` when they are in order and do not overlap (then bisection finds the
    one span holding an offset), else None."""
    if all(a[1] <= b[0] for a, b in zip(spans, spans[1:])) and all(a <= b for a, b in spans):
        return [a for a, _ in spans]
    return None


def _span_of(spans: list[tuple[int, int]], starts: list[int] | None, offset: int) -> tuple[int, int]:
    """The span holding ``offset`` (the first, scanning), or the empty span at it."""
    if starts is None:
        return next((s for s in spans if s[0] <= offset < s[1]), (offset, offset))
    i = bisect.bisect_right(starts, offset) - 1
    return spans[i] if i >= 0 and offset < spans[i][1] else (offset, offset)


Rule = Callable[[Context], Iterator[Relation]]

# ---------------------------------------------------------------- LOCATED_IN
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
            amounts = {actors[0].entity: _invested_amount(ctx, *sentence)} if len(actors) == 1 else {}
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


def _before(ctx: Context, sentence: tuple[int, int], mentions: list[Mention], park: Mention) -> list[Mention]:
    """The sentence's ``mentions`` that end before ``park``. When no two mentions overlap, they
    are the ones starting before it, a slice found by bisection (filtering every mention of a
    long sentence for every park was quadratic)."""
    if ctx._mention_starts is None or not ctx.disjoint:
        return [m for m in mentions if m.end <= park.start]
    starts = ctx._mention_starts
    return ctx.mentions[bisect.bisect_left(starts, sentence[0]) : bisect.bisect_left(starts, park.start)]


def _listed(ctx: Context, before: list[Mention]) -> list[Mention]:
    """The organisations listed right before the last of ``before`` (X、Y和Z), that one included."""
    listed = [before[-1]]
    for m in reversed(before[:-1]):
        if m.label not in ACTORS or ctx.text[m.end : listed[0].start] not in {"、", "和", "及", "与", ",", "，"}:
            break
        listed.insert(0, m)
    return listed


PROJECT_AT_PARK = re.compile(r"项目[^，,。；;]{0,8}?在$")
PROJECT_REACH = 11  # the longest text PROJECT_AT_PARK matches: 项目 + 8 + 在
PROJECT_STARTS = re.compile(r"(?:正式|顺利|隆重|集中)?(?:开工|奠基|开建|动工|落地|签约|投产|竣工|启动)")


def invests_by_project(ctx: Context) -> Iterator[Relation]:
    """X投资120亿元的…项目日前在P开工/落地/投产: the sentence's first organisation invests in P,
    with the sentence's amount."""
    actors_of: dict[tuple[int, int], list[Mention]] = {}  # per sentence, not per park
    for sentence, mentions, park in ctx.park_mentions():
        if sentence not in actors_of:
            actors_of[sentence] = [m for m in mentions if m.label in ACTORS]
        first = next((m for m in actors_of[sentence] if m.end <= park.start), None)
        # PROJECT_AT_PARK ends at the park ($): the text right before it decides
        opening = ctx.text[max(sentence[0], park.start - PROJECT_REACH) : park.start]
        if first and PROJECT_AT_PARK.search(opening) and PROJECT_STARTS.match(ctx.text, park.end):
            if not re.search(r"[，,;；]", ctx.text[first.end : park.start]):
                amount = _invested_amount(ctx, *sentence)
                investor = first.entity
                yield ctx.relation(investor, "INVESTS_IN", park.entity, sentence, "pattern:project", 0.7, amount)


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


def located_by_enumeration(ctx: Context) -> Iterator[Relation]:
    """Companies listed after 比如/包括/培育出/以…为代表 belong to the sentence's park, or to the
    park of the sentence before when this one has none (其中，以…为代表的企业 …). After a bare
    比如/例如/包括 the text must speak of enterprises first (企业都在天府软件园，比如…): a list of
    anything else (比如，法国队…) names no park's companies."""
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
        for actor in ctx.within(trigger.end(), sentence[1], ACTORS):
            yield ctx.relation(actor.entity, "LOCATED_IN", parks[-1].entity, sentence, "enumeration", 0.8)


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


# ---------------------------------------------------------------- INVESTS_IN
SIGNING = re.compile(r"签订|签署|签约|签下")
# (a space may stand before the amount: 投资 50 亿元)
INVESTMENT_AMOUNT = re.compile(
    r"(?:总投资|计划投资|项目投资|投资额|拟投资|投资规模|投资)(?:为|约|达|逾|超过?|近)?[ \u3000]?$"
)


def _invested_amount(ctx: Context, start: int, end: int) -> float | None:
    """The amount stated as an investment (总投资50亿元); registered capital, output and taxes are not."""
    for money in ctx.within(start, end, {"MONEY"}):
        if INVESTMENT_AMOUNT.search(ctx.text[max(start, money.start - 8) : money.start]):
            return ctx.money[money.start]
    return None


def _topic_park(ctx: Context, sentence: tuple[int, int]) -> str | None:
    """The park a passage is about: the first park of the paragraph, else the section's park."""
    paragraph = ctx.paragraph_of(sentence[0])
    parks = ctx.within(paragraph[0], sentence[1], {"PARK"})
    if parks:
        return parks[0].entity
    return next((park for a, b, park in ctx.section_parks if a <= sentence[0] < b), None)


def invests_by_signing(ctx: Context) -> Iterator[Relation]:
    """A与B签订…协议，…总投资X: the companies before 与 invest in the passage's park (B, often a
    government, is the counterpart); P(管委会)与A签约: A invests in P. A、B、C签订…建立P的协议:
    every signatory invests in P."""
    for sentence in ctx.sentences:
        sign = SIGNING.search(ctx.text, sentence[0], sentence[1])
        if not sign:
            continue
        clause_start = sentence[0] + max(
            (m.end() for m in re.finditer(r"[，,;；:：]", ctx.text[sentence[0] : sign.start()])), default=0
        )
        with_at = ctx.text.rfind("与", clause_start, sign.start())
        host = ctx.within(clause_start, with_at, {"PARK"}) if with_at >= 0 else []
        if host:  # P(管委会)与X签约: the companies after 与 invest in P
            park, investors = host[-1].entity, ctx.within(with_at, sign.start(), {"COMPANY"})
        elif with_at >= 0:
            park, investors = _topic_park(ctx, sentence), ctx.within(clause_start, with_at, {"COMPANY"})
        else:
            named = ctx.within(sign.end(), sentence[1], {"PARK"})
            park, investors = (named[0].entity if named else None), ctx.within(clause_start, sign.start(), ACTORS)
        if park is None:
            continue
        amount = _invested_amount(ctx, sign.end(), sentence[1])
        for actor in investors:
            yield ctx.relation(actor.entity, "INVESTS_IN", park, sentence, "signing", 0.8, amount)


BUILT_BY = re.compile(r"由(.{2,80}?)(?:共建|合建|共同建设|联合建设|共同投资|投资建设|投资兴建|出资建设|投资)")


def invests_by_building(ctx: Context) -> Iterator[Relation]:
    """由A与B共建/由X投资建设: the park before 由, else the sentence's only park (该项目由X投资建设，
    选址于P); X…建设/投资建设P (X the sentence's first actor)."""
    for sentence in ctx.sentences:
        text = ctx.text
        if built := BUILT_BY.search(text, *sentence):
            parks = ctx.within(sentence[0], built.start(), {"PARK"}) or ctx.within(built.end(), sentence[1], {"PARK"})
            if parks and (built.start() > parks[0].start or len(parks) == 1):
                amount = _invested_amount(ctx, *sentence)
                for actor in ctx.within(built.start(1), built.end(1), ACTORS):
                    park = parks[0].entity
                    yield ctx.relation(actor.entity, "INVESTS_IN", park, sentence, "co-building", 0.75, amount)
        for build in re.finditer(r"(?:投资)?(?:建设|兴建|新建|打造)", text[sentence[0] : sentence[1]]):
            at = sentence[0] + build.end()
            parks = [m for m in ctx.within(at, sentence[1], {"PARK"}) if m.start == at]
            actors = ctx.within(sentence[0], at, ACTORS)
            if parks and actors and actors[0].label == "COMPANY":
                amount = _invested_amount(ctx, *sentence)
                yield ctx.relation(actors[0].entity, "INVESTS_IN", parks[0].entity, sentence, "building", 0.7, amount)


OWNED_BY = re.compile(r"(?:旗下|所属|投资建设|投资|开发|运营)的")
OWNED_GAP = 5  # 投资建设的


def invests_by_owning(ctx: Context) -> Iterator[Relation]:
    """X旗下的P, X投资/开发/运营的P: the company's own park (阿里巴巴集团旗下的…产业园)."""
    for sentence, _, park in ctx.park_mentions():
        # OWNED_BY spans at most OWNED_GAP characters: only a company ending that close can own
        for actor in ctx.within(max(sentence[0], park.start - OWNED_GAP - ctx.longest_mention), park.start):
            owns = actor.label == "COMPANY" and actor.end < park.start
            if owns and OWNED_BY.fullmatch(ctx.text, actor.end, park.start):
                yield ctx.relation(actor.entity, "INVESTS_IN", park.entity, sentence, "pattern:owns", 0.7)


def invests_with_settling(ctx: Context, found: list[Relation]) -> Iterator[Relation]:
    """X是P首家入驻企业，总投资约3亿元: a company located by a pattern, or the only organisation of
    its sentence (P引进了X，项目投资额达50亿元), invests there the amount the sentence states."""
    for rel in found:
        if rel.relation != "LOCATED_IN":
            continue
        if rel.method.startswith("pattern") or len(ctx.within(rel.evidence_start, rel.evidence_end, ACTORS)) == 1:
            amount = _invested_amount(ctx, rel.evidence_start, rel.evidence_end)
            if amount is not None:
                yield replace(rel, relation="INVESTS_IN", method="settling+amount", confidence=0.75, amount=amount)


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


# ---------------------------------------------------------------- PART_OF, PARK_IN
def part_of_by_name(ctx: Context) -> Iterator[Relation]:
    """A park whose name holds another park's name lies in it (湘乡经开区城西绿色化工片区 →
    湘乡经开区; 贵州省贵阳综合保税区科创产业园 → 贵阳综保区 through the lexicon), and a park
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
                if entity != park.entity and inner in name and not name.endswith(inner)
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


def _places_opening(name: str) -> list[tuple[str, lexicon.Place]]:
    """The gazetteer places a park's name opens with, as written, each inside the one before
    (湖北武汉江岸… → 湖北, 武汉, 江岸; 湘乡城西工业园: 城西区 is in 西宁, not in 湘乡)."""
    places, chain, i = lexicon.places(), [], 0
    while i < len(name):
        match = next((name[i:j] for j in range(min(len(name), i + 8), i + 1, -1) if name[i:j] in places), None)
        if not match or (chain and not _inside(places[match], chain[-1][1])):
            break
        chain.append((match, places[match]))
        i += len(match)
    return chain


def _place_in_name(name: str) -> tuple[str, lexicon.Place] | None:
    """The most specific gazetteer place a park's name starts with (湖北武汉江岸… → 武汉)."""
    chain = _places_opening(_without_brackets(name))
    return chain[-1] if chain else None


def _without_brackets(name: str) -> str:
    return re.sub(r"[()（）]", "", name)  # 中国(上海)自由贸易试验区 → 上海


def _inside(inner: lexicon.Place, outer: lexicon.Place) -> bool:
    if outer.level == "province":
        return inner.province == outer.name and inner != outer
    if outer.level == "city":
        return inner.city == outer.name and inner != outer
    if outer.level == "county":
        return inner.county == outer.name
    return outer.level == "country" and inner.level != "country"


# jieba tags these as places, but they only say where in a city (湘乡城西…, 某某新区)
GENERIC_LOCALITIES = {"新区", "城区", "市区", "郊区", "城东", "城西", "城南", "城北", "东部", "西部", "南部", "北部"}


def _locality_in_name(name: str) -> tuple[str, lexicon.Place | None] | None:
    """A town below the gazetteer's counties in a park's name, right after the places it opens
    with: a town of the civil affairs list inside the last of those places (窦店高端现代制造业产业基地
    → 窦店镇; 天津宝坻石桥工业园区 has none: no 石桥 in 宝坻), else a word jieba tags as a place that
    the list does not know, followed only by a generic descriptor."""
    name = _without_brackets(name)
    head = HEAD_PATTERN.search(name)
    if not head:
        return None
    chain = _places_opening(name)
    start = sum(len(written) for written, _ in chain)
    boundaries = set(itertools.accumulate(len(w) for w in jieba.cut(name[: head.start()])))
    towns = lexicon.towns()
    for end in range(min(head.start(), start + 8), start + 1, -1):
        word = name[start:end]
        if end not in boundaries or word in GENERIC_LOCALITIES:
            continue
        if word in towns:
            inside = [t for t in towns[word] if not chain or _inside(t, chain[-1][1])]
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


# after a park: 位于/地处/属于… then the place (燕郊经济技术开发区，它属于河北三河市辖地)
LIES_IN = re.compile(r"\s*[，,]?\s*(?:它|该区|该园区)?(?:位于|地处|坐落[于在]|地属|隶属于?|属于)")


def stated_places(ctx: Context) -> dict[str, str]:
    """Park → the place the text says it lies in: a place written right before one of its
    mentions (梅李镇的梅李…工业园, 土默川的金川开发区), else the last of the places right after
    位于/地处/属于… (…开发区，它属于河北三河市). Provinces and countries are too coarse to count."""

    def fine(m: Mention) -> bool:
        record = ctx.records.get(m.entity)
        return m.label == "LOC" and not (isinstance(record, lexicon.Place) and record.level in {"country", "province"})

    before, after = {}, {}
    mentions = ctx.mentions
    for i, m in enumerate(mentions):
        if m.label != "PARK":
            continue
        if i and fine(prev := mentions[i - 1]):
            between = ctx.text[prev.end : m.start]
            local = between.endswith(("当地的", "当地")) and ctx.sentence_of(prev.start) == ctx.sentence_of(m.start)
            if between in {"", "的", "市", "境内"} or local:  # 到阿拉善盟了解情况，发现当地的孪井滩农业开发区
                before.setdefault(m.entity, prev.entity)
        if verb := LIES_IN.match(ctx.text, m.end):
            end, places = verb.end(), []
            for nxt in mentions[i + 1 :]:
                if nxt.start != end or nxt.label != "LOC":
                    break
                places.append(nxt)
                end = nxt.end
            if fine_places := [p for p in places if fine(p)]:
                after.setdefault(m.entity, fine_places[-1].entity)
    return after | before


def park_in_place(ctx: Context, found: list[Relation]) -> Iterator[Relation]:
    """Each park lies in the place the text says it lies in (``stated_places``), else in the
    most specific place its name gives, in this order: a town in its name (杭州下沙经济技术开发区
    → 下沙, 中关村软件园 → 中关村), the most specific gazetteer place its name starts with
    (湖北武汉江岸… → 武汉), its lexicon city; else its parent park's place. A place in a name is
    written as the text names it elsewhere (梅李 → the text's 梅李镇)."""
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
    stated = stated_places(ctx)
    located: dict[str, str] = {}
    for m in first_mention.values():
        if m.label != "PARK":
            continue
        # longest first, names of one length in text order (a set's order changes with the
        # process's hash seed: 福建自贸试验区 lay in 上海 or 福建 from one run to the next)
        written = dict.fromkeys(ctx.text[x.start : x.end] for x in ctx.mentions if x.entity == m.entity)
        names = sorted(written, key=len, reverse=True)
        in_name = next((p for p in map(_place_in_name, names) if p), None)
        record = ctx.records.get(m.entity)
        locality = next((p for p in map(_locality_in_name, names) if p), None)
        if m.entity in stated:
            located[m.entity] = stated[m.entity]
        elif locality or in_name:
            written, place = locality or in_name
            located[m.entity] = doc_places.get(place, written)
        elif isinstance(record, lexicon.Park) and record.city and record.city in lexicon.places():
            place = lexicon.places()[record.city]
            located[m.entity] = doc_places.get(place) or _short_name(place)
    for rel in found:  # a park with no place of its own lies where its parent lies
        if rel.relation == "PART_OF" and rel.head not in located and rel.tail in located:
            located[rel.head] = located[rel.tail]
    for park, tail in located.items():
        ctx.labels.setdefault(tail, "LOC")
        yield ctx.relation(park, "PARK_IN", tail, ctx.sentence_of(first_mention[park].start), "place", 0.8)


def _short_name(place: lexicon.Place) -> str:
    return re.sub(r"(省|市|特别行政区|自治区)$", "", place.name) or place.name


# ---------------------------------------------------------------- fallbacks
def located_in_section(ctx: Context, found: list[Relation]) -> Iterator[Relation]:
    """A company with no relation of its own, in a section whose heading names one park, is in
    that park (low confidence: filter with --min-confidence)."""
    related = {r.head for r in found}
    for mention in ctx.mentions:
        if mention.label != "COMPANY" or mention.entity in related:
            continue
        park = next((p for a, b, p in ctx.section_parks if a <= mention.start < b), None)
        if park:
            related.add(mention.entity)
            yield ctx.relation(mention.entity, "LOCATED_IN", park, ctx.sentence_of(mention.start), "section", 0.5)


RULES: list[Rule] = [
    located_by_pattern,
    located_by_park_verb,
    located_by_activity,
    located_by_enumeration,
    located_by_name,
    located_by_address,
    invests_by_signing,
    invests_by_building,
    invests_by_owning,
    invests_by_project,
    part_of_by_name,
    part_of_by_pattern,
]
# Rules that read what the first ones found, in order.
INFERENCES = [invests_with_settling, part_of_inferred, park_in_place, located_in_section]


def extract_relations(ctx: Context) -> list[Relation]:
    found: list[Relation] = []
    for rule in RULES:
        found.extend(rule(ctx))
    for inference in INFERENCES:
        found.extend(list(inference(ctx, _best(found))))
    return _best(found)


def _best(relations: list[Relation]) -> list[Relation]:
    """One relation per (head, type, tail): the most confident, with any stated amount."""
    best: dict[tuple[str, str, str], Relation] = {}
    for rel in relations:
        if rel.head == rel.tail:
            continue
        key = (rel.head, rel.relation, rel.tail)
        kept = best.get(key)
        if kept is None or rel.confidence > kept.confidence:
            best[key] = rel if rel.amount is not None or kept is None else replace(rel, amount=kept.amount)
    return list(best.values())


# ---------------------------------------------------------------- the component
HEADING = re.compile(r"^(#{1,6})[ \t]*(.+)$", re.M)


def _section_parks(text: str, mentions: list[Mention]) -> list[tuple[int, int, str]]:
    """Markdown sections whose heading names exactly one park. A heading right after another
    (a subtitle) does not end its section."""
    headings = list(HEADING.finditer(text))
    sections, current = [], None
    for i, h in enumerate(headings):
        parks = {m.entity for m in mentions if h.start() <= m.start < h.end() and m.label == "PARK"}
        level = len(h.group(1))
        is_subtitle = i > 0 and not text[headings[i - 1].end() : h.start()].strip()
        if current and (parks or (level <= current[1] and not is_subtitle)):
            sections.append((current[0], h.start(), current[2]))
            current = None
        if len(parks) == 1:
            current = (h.start(), level, parks.pop())
    if current:
        sections.append((current[0], len(text), current[2]))
    return sections


def build_context(doc: Doc) -> Context:
    ext, ents = doc._, doc.ents  # each access builds a new object
    text = ext.norm_text
    mentions = [Mention(e.start_char, e.end_char, e._.entity or e.text, e.label_) for e in ents]
    labels = {m.entity: m.label for m in mentions}
    mentions += [Mention(a.start, a.end, a.entity, labels[a.entity]) for a in ext.anaphora or []]
    mentions.sort(key=lambda m: m.start)
    paragraphs = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    ctx = Context(
        text=text,
        sentences=[(s.start_char, s.end_char) for s in doc.sents],
        paragraphs=paragraphs,
        mentions=mentions,
        labels=labels,
        records={name: e.record for name, e in (ext.entities or {}).items() if e.record is not None},
        aliases={name: {name, *e.aliases} for name, e in (ext.entities or {}).items()},
        section_parks=_section_parks(text, mentions),
        money={e.start_char: e._.value for e in ents if e.label_ == "MONEY"},
    )
    return ctx


class RelationExtractor:
    def __init__(self, nlp: Language, name: str, min_confidence: float) -> None:
        self.name = name
        self.min_confidence = min_confidence

    def __call__(self, doc: Doc) -> Doc:
        relations = extract_relations(build_context(doc))
        doc._.relations = [r for r in relations if r.confidence >= self.min_confidence]
        return doc


@Language.factory(
    "parkgraph_relations",
    requires=["doc.ents", "span._.entity", "doc._.anaphora", "token.is_sent_start"],
    assigns=["doc._.relations"],
    default_config={"min_confidence": 0.0},
)
def create_relation_extractor(nlp: Language, name: str, min_confidence: float) -> RelationExtractor:
    return RelationExtractor(nlp, name, min_confidence)
