"""Candidate pairs for the relation classifier: every (organisation, park) pair of mentions that
share a sentence and stand within ``REACH`` characters of each other, and an organisation of a
sentence that names no park with the last park named before it (news names the park once, then
speaks of its companies, often paragraphs later: 已经在这里扎根20年的德国企业博世…). Anaphors
resolved by coref (该园区, 园区内, 该公司) are mentions of their entity, so a pair also reaches
across sentences through them.

What the features need of a sentence (its mentions, counts, plan and negation words) is read once
per sentence (``SentenceView``), and mentions are found by bisection: the cost stays linear in the
text even for a 20,000-character sentence without an end."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .context import ACTORS, Context, Mention

REACH = 120  # characters between an organisation and a park: farther pairs are not candidates
PLAN = re.compile(r"拟|计划|将|准备|有望|力争")
NEGATION = re.compile(r"未|不再|没有|终止|取消|撤出|退出|搬离|迁出")


@dataclass(frozen=True)
class SentenceView:
    span: tuple[int, int]
    mentions: tuple[Mention, ...]  # in text order
    starts: tuple[int, ...] = field(repr=False)
    parks: int
    actors: int
    money: bool
    plan: bool
    negation: bool
    # what the features read of the whole sentence, filled by the first pair that needs it: a
    # sentence of N firms is read once, not N times (features._sentence_wide)
    reading: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @classmethod
    def of(cls, text: str, span: tuple[int, int], mentions: tuple[Mention, ...]) -> SentenceView:
        words = text[span[0] : span[1]]
        return cls(
            span,
            mentions,
            tuple(m.start for m in mentions),
            sum(m.label == "PARK" for m in mentions),
            sum(m.label in ACTORS for m in mentions),
            any(m.label == "MONEY" for m in mentions),
            bool(PLAN.search(words)),
            bool(NEGATION.search(words)),
        )

    def within(self, start: int, end: int) -> tuple[Mention, ...]:
        """The sentence's mentions inside [start, end)."""
        first, last = bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)
        return tuple(m for m in self.mentions[first:last] if m.end <= end)


@dataclass(frozen=True)
class Candidate:
    actor: Mention
    park: Mention
    view: SentenceView  # the actor's sentence
    across: bool = False  # the park is named in an earlier sentence
    far: bool = False  # …of an earlier paragraph

    @property
    def sentence(self) -> tuple[int, int]:
        return self.view.span


def candidates(ctx: Context) -> Iterator[Candidate]:
    """Pairs sentence by sentence: each organisation with the parks of its sentence within
    ``REACH`` of it, or, in a sentence that names no park, with the last park named before it."""
    starts = [m.start for m in ctx.mentions]
    paragraph_starts = [p[0] for p in ctx.paragraphs]
    last_park: tuple[int, Mention] | None = None  # (paragraph, mention)
    for sentence in ctx.sentences:
        first, last = bisect.bisect_left(starts, sentence[0]), bisect.bisect_left(starts, sentence[1])
        view = SentenceView.of(ctx.text, sentence, tuple(m for m in ctx.mentions[first:last] if m.end <= sentence[1]))
        parks = [m for m in view.mentions if m.label == "PARK"]
        park_starts = [m.start for m in parks]
        paragraph = bisect.bisect_right(paragraph_starts, sentence[0])
        for actor in (m for m in view.mentions if m.label in ACTORS):
            if parks:
                lo = bisect.bisect_left(park_starts, actor.start - REACH - 60)  # a park name is short
                hi = bisect.bisect_right(park_starts, actor.end + REACH)
                near = [p for p in parks[lo:hi] if p.end >= actor.start - REACH and p.entity != actor.entity]
                yield from (Candidate(actor, park, view) for park in near)
            elif last_park is not None and last_park[1].entity != actor.entity:
                yield Candidate(actor, last_park[1], view, across=True, far=last_park[0] != paragraph)
        if parks:
            last_park = (paragraph, parks[-1])
