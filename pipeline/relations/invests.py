"""INVESTS_IN rules: an organisation invests in, builds, signs for or owns a park."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from .context import ACTORS, Context, Mention, Relation, invested_amount

SIGNING = re.compile(r"签订|签署|签约|签下")


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
        amount = invested_amount(ctx, sign.end(), sentence[1])
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
                amount = invested_amount(ctx, *sentence)
                for actor in ctx.within(built.start(1), built.end(1), ACTORS):
                    park = parks[0].entity
                    yield ctx.relation(actor.entity, "INVESTS_IN", park, sentence, "co-building", 0.75, amount)
        for build in re.finditer(r"(?:投资)?(?:建设|兴建|新建|打造)", text[sentence[0] : sentence[1]]):
            at = sentence[0] + build.end()
            parks = [m for m in ctx.within(at, sentence[1], {"PARK"}) if m.start == at]
            actors = ctx.within(sentence[0], at, ACTORS)
            if parks and actors and actors[0].label == "COMPANY":
                amount = invested_amount(ctx, *sentence)
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
            amount = invested_amount(ctx, rel.evidence_start, rel.evidence_end)
            if amount is not None:
                yield replace(rel, relation="INVESTS_IN", method="settling+amount", confidence=0.75, amount=amount)


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
                amount = invested_amount(ctx, *sentence)
                investor = first.entity
                yield ctx.relation(investor, "INVESTS_IN", park.entity, sentence, "pattern:project", 0.7, amount)
