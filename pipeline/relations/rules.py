"""The rules in the order they run, and the fallback that reads what they found."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from .context import Context, Relation, Rule
from .invests import (
    invests_by_building,
    invests_by_owning,
    invests_by_project,
    invests_by_signing,
    invests_with_settling,
)
from .located import (
    located_by_activity,
    located_by_address,
    located_by_enumeration,
    located_by_name,
    located_by_park_verb,
    located_by_pattern,
)
from .parks import park_in_place, part_of_by_name, part_of_by_pattern, part_of_inferred


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
