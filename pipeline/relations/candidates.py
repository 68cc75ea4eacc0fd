"""Candidate pairs for the relation classifier: every (organisation, park) pair of mentions that
share a sentence, and an organisation of a sentence that names no park with the last park named
earlier in its paragraph (news names the park once, then speaks of its companies). Anaphors
resolved by coref (该园区, 园区内, 该公司) are mentions of their entity, so a pair also reaches
across sentences through them."""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass

from .context import ACTORS, Context, Mention


@dataclass(frozen=True)
class Candidate:
    actor: Mention
    park: Mention
    sentence: tuple[int, int]
    neighbours: tuple[Mention, ...]  # every mention of the sentence, the pair included
    across: bool = False  # the park is named in an earlier sentence of the paragraph


def candidates(ctx: Context) -> Iterator[Candidate]:
    """Pairs sentence by sentence; mentions found by bisection, so the cost is linear in the text."""
    starts = [m.start for m in ctx.mentions]
    paragraph_starts = [p[0] for p in ctx.paragraphs]
    last_park: tuple[int, Mention] | None = None  # (paragraph, mention)
    for sentence in ctx.sentences:
        first, last = bisect.bisect_left(starts, sentence[0]), bisect.bisect_left(starts, sentence[1])
        inside = tuple(m for m in ctx.mentions[first:last] if m.end <= sentence[1])
        parks = [m for m in inside if m.label == "PARK"]
        paragraph = bisect.bisect_right(paragraph_starts, sentence[0])
        if not parks and last_park is not None and last_park[0] == paragraph:
            parks, across = [last_park[1]], True
        else:
            across = False
        for actor in (m for m in inside if m.label in ACTORS):
            for park in parks:
                if actor.entity != park.entity:
                    yield Candidate(actor, park, sentence, inside, across)
        if not across and parks:
            last_park = (paragraph, parks[-1])
