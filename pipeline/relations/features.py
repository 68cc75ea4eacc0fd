"""Features of a candidate (organisation, park) pair, as a sparse dict of name → value.

What a reader uses to decide that a company is in, or invests in, a park: the words between the
two and around them (read through jieba, so the trigger vocabulary — 入驻, 落户, 投资建设, 签约 … —
is learnt from the training data, not listed), their order and distance, what else stands
between them (other organisations, parks, money, list punctuation), plans and negation in the
sentence, and what the hand-written rules concluded for the pair. Every feature is a pure function
of the text and the mentions.
"""

from __future__ import annotations

import re
from functools import lru_cache

import jieba

from .candidates import Candidate
from .context import ACTORS, Context, Mention, Relation

PLAN = re.compile(r"拟|计划|将|准备|有望|力争")
NEGATION = re.compile(r"未|不再|没有|终止|取消|撤出|退出|搬离|迁出")
ANAPHOR = re.compile(r"^(?:该|本|这个?)[\u4e00-\u9fff]{0,4}$|^园区$")  # 该园区, 该公司, a bare 园区
WINDOW = 10  # characters read before the first and after the second mention
LONG_GAP = 40  # a longer gap is read at its two ends only


@lru_cache(maxsize=65536)
def words(text: str) -> tuple[str, ...]:
    return tuple(w for w in jieba.lcut(text) if w.strip() and not re.fullmatch(r"[\d\W_]+", w))


def tokens(text: str, start: int, end: int, mentions: tuple[Mention, ...]) -> list[str]:
    """The words of text[start:end], each mention inside written as its label (@COMPANY): what
    is learnt is how news speaks of a company and a park, not which company or park it names."""
    out, at = [], start
    for m in mentions:
        if m.start >= at and m.end <= end:
            out += words(text[at : m.start])
            out.append(f"@{m.label}")
            at = m.end
    return out + list(words(text[at:end]))


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    return next((f"<={e}" for e in edges if n <= e), f">{edges[-1]}")


def pair_features(ctx: Context, candidate: Candidate, rules: dict[tuple[str, str, str], Relation]) -> dict[str, float]:
    text, actor, park, sentence = ctx.text, candidate.actor, candidate.park, candidate.sentence
    if candidate.across:  # the park is in an earlier sentence: read the actor's sentence alone
        return _across_features(ctx, candidate, rules)
    first, second = (actor, park) if actor.start < park.start else (park, actor)
    order = "AP" if first is actor else "PA"
    gap = text[first.end : second.start]
    in_sentence = candidate.neighbours
    between = [m for m in in_sentence if first.end <= m.start and m.end <= second.start]
    sentence_text = text[sentence[0] : sentence[1]]
    f: dict[str, float] = {
        f"order={order}": 1.0,
        f"gap={_bucket(len(gap), (0, 2, 5, 10, 20, 40))}": 1.0,
        f"between_mentions={_bucket(len(between), (0, 1, 2))}": 1.0,
        f"actor={actor.label}": 1.0,
        f"parks_in_sentence={_bucket(sum(m.label == 'PARK' for m in in_sentence), (1, 2))}": 1.0,
        f"actors_in_sentence={_bucket(sum(m.label in ACTORS for m in in_sentence), (1, 3))}": 1.0,
    }
    for label in sorted({m.label for m in between}):
        f[f"between_has={label}"] = 1.0
    for mark in ",、;:()":  # the normalised text: full-width punctuation folded to ASCII
        if mark in gap:
            f[f"gap_punct={mark}|{order}"] = 1.0
    if len(gap) <= LONG_GAP:
        gap_words = tokens(text, first.end, second.start, in_sentence)
    else:
        gap_words = tokens(text, first.end, first.end + 15, in_sentence) + tokens(
            text, second.start - 15, second.start, in_sentence
        )
    for w in gap_words:
        f[f"gap:{w}|{order}"] = 1.0
    for w in tokens(text, max(sentence[0], first.start - WINDOW), first.start, in_sentence):
        f[f"before:{w}"] = 1.0
    for w in tokens(text, second.end, min(sentence[1], second.end + WINDOW), in_sentence):
        f[f"after:{w}"] = 1.0
    f[f"next_to_park:{text[park.end : park.end + 2]}"] = 1.0
    f[f"next_to_actor:{text[actor.end : actor.end + 2]}"] = 1.0
    f[f"prev_to_park:{text[max(0, park.start - 2) : park.start]}"] = 1.0
    if PLAN.search(sentence_text):
        f["plan"] = 1.0
    if NEGATION.search(sentence_text):
        f["negation"] = 1.0
    if any(m.label == "MONEY" for m in in_sentence):
        f["money_in_sentence"] = 1.0
    if any(m.label == "MONEY" for m in between):
        f["money_between"] = 1.0
    for role, m in (("park", park), ("actor", actor)):
        if ANAPHOR.match(text[m.start : m.end]):
            f[f"{role}_is_anaphor"] = 1.0
    if text[max(0, actor.start - 1) : actor.start] in "、和与及" or text[actor.end : actor.end + 1] == "、":
        f["actor_in_list"] = 1.0
    if "等" in text[actor.end : actor.end + 3]:
        f["actor_then_deng"] = 1.0
    f.update(_rule_features(candidate, rules))
    return f


def _rule_features(candidate: Candidate, rules: dict[tuple[str, str, str], Relation]) -> dict[str, float]:
    f = {}
    for relation in ("LOCATED_IN", "INVESTS_IN"):
        found = rules.get((candidate.actor.entity, relation, candidate.park.entity))
        if found is not None:
            f[f"rule={relation}"] = 1.0
            f[f"rule={relation}:{found.method.split(':')[0]}"] = 1.0
    return f


def _across_features(
    ctx: Context, candidate: Candidate, rules: dict[tuple[str, str, str], Relation]
) -> dict[str, float]:
    """An organisation of a sentence without a park, and the park of an earlier sentence: the words
    around the organisation say whether the sentence speaks of the park's companies."""
    text, actor, sentence = ctx.text, candidate.actor, candidate.sentence
    f = {"across": 1.0, f"actor={actor.label}|across": 1.0}
    mentions = candidate.neighbours
    for w in tokens(text, max(sentence[0], actor.start - WINDOW), actor.start, mentions):
        f[f"before:{w}|across"] = 1.0
    for w in tokens(text, actor.end, min(sentence[1], actor.end + WINDOW), mentions):
        f[f"after:{w}|across"] = 1.0
    for w in tokens(text, sentence[0], min(sentence[1], sentence[0] + 6), mentions):
        f[f"opening:{w}|across"] = 1.0
    f[f"actors_in_sentence={_bucket(sum(m.label in ACTORS for m in candidate.neighbours), (1, 3))}|across"] = 1.0
    f.update(_rule_features(candidate, rules))
    return f
