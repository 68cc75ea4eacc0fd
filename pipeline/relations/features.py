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
from collections.abc import Iterator
from functools import lru_cache

import jieba

from .candidates import Candidate
from .context import Context, Mention, Relation

# Trigger classes: a word the training data holds once or never still counts with its class.
# Seeded from ANNOTATION.md's relation definitions and the list; the counts of each class
# among the training pairs are in models/relations/MODEL_CARD.md. Matched as substrings of the
# words between and around the two mentions (投资建设 holds INVEST and BUILD).
TRIGGERS = {
    "SETTLE": "入驻 落户 进驻 迁入 扎根 安家 落地 入园 搬到 迁至 搬迁 设在 总部 办公 引进 引入 迎来 集聚 聚集 吸引",
    "LOCATE": "位于 坐落 地处 园内 区内 园区内 里的 内的 这里 当地",
    "INVEST": "投资 投建 出资 注资 增资 追加 签约 签署 签订 协议",
    "BUILD": "建设 兴建 新建 开工 投产 奠基 动工 打造 布局 设立 成立 建成 创办 共建 扩建 生产基地 项目 工厂 基地",
    "VISIT": "考察 调研 参观 走访 来到 视察 看望 察看 了解",
}
TRIGGER_WORDS = {kind: words.split() for kind, words in TRIGGERS.items()}
# A sentence that names no park but speaks of one: 这里, 在此, a bare 园区 or 开发区
PARK_REFERENCE = re.compile(r"这里|在此|此地|园区|园内|(?<![地市小社城景])区内|该区(?!域)|开发区|高新区|经开区|片区")
ANAPHOR = re.compile(r"^(?:该|本|这个?)[\u4e00-\u9fff]{0,4}$|^园区$")  # 该园区, 该公司, a bare 园区
WINDOW = 10  # characters read before the first and after the second mention
LONG_GAP = 40  # a longer gap is read at its two ends only


@lru_cache(maxsize=65536)
def words(text: str) -> tuple[str, ...]:
    return tuple(w for w in jieba.lcut(text) if w.strip() and not re.fullmatch(r"[\d\W_]+", w))


def pieces(text: str, start: int, end: int, mentions: tuple[Mention, ...]) -> Iterator[str | Mention]:
    """text[start:end] as the stretches of text between the mentions inside it, and those mentions."""
    at = start
    for m in mentions:
        if m.start >= at and m.end <= end:
            yield text[at : m.start]
            yield m
            at = m.end
    yield text[at:end]


def tokens(text: str, start: int, end: int, mentions: tuple[Mention, ...]) -> list[str]:
    """The words of text[start:end], each mention inside written as its label (@COMPANY): what
    is learnt is how news speaks of a company and a park, not which company or park it names."""
    out: list[str] = []
    for piece in pieces(text, start, end, mentions):
        if isinstance(piece, str):
            out += words(piece)
        else:
            out.append(f"@{piece.label}")
    return out


def trigger_classes(read: list[str]) -> set[str]:
    """The trigger classes present in the words ``read`` (a trigger inside one word: 投资建设
    holds INVEST and BUILD; never across two, nor in a mention written as @LABEL)."""
    found = [w for w in read if not w.startswith("@")]
    return {kind for kind, triggers in TRIGGER_WORDS.items() if any(t in w for w in found for t in triggers)}


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    return next((f"<={e}" for e in edges if n <= e), f">{edges[-1]}")


def pair_features(ctx: Context, candidate: Candidate, rules: dict[tuple[str, str, str], Relation]) -> dict[str, float]:
    text, actor, park, view = ctx.text, candidate.actor, candidate.park, candidate.view
    sentence = view.span
    if candidate.across:  # the park is in an earlier sentence: read the actor's sentence alone
        return _across_features(ctx, candidate, rules)
    first, second = (actor, park) if actor.start < park.start else (park, actor)
    order = "AP" if first is actor else "PA"
    gap = text[first.end : second.start]
    between = view.within(first.end, second.start)
    f: dict[str, float] = {
        f"order={order}": 1.0,
        f"gap={_bucket(len(gap), (0, 2, 5, 10, 20, 40))}": 1.0,
        f"between_mentions={_bucket(len(between), (0, 1, 2))}": 1.0,
        f"actor={actor.label}": 1.0,
        f"parks_in_sentence={_bucket(view.parks, (1, 2))}": 1.0,
        f"actors_in_sentence={_bucket(view.actors, (1, 3))}": 1.0,
    }
    for label in sorted({m.label for m in between}):
        f[f"between_has={label}"] = 1.0
    for mark in ",、;:()":  # the normalised text: full-width punctuation folded to ASCII
        if mark in gap:
            f[f"gap_punct={mark}|{order}"] = 1.0
    spans = (
        [(first.end, second.start)]
        if len(gap) <= LONG_GAP
        else [
            (first.end, first.end + 15),
            (second.start - 15, second.start),
        ]
    )
    gap_words = [w for a, b in spans for w in tokens(text, a, b, view.within(a, b))]
    before = (max(sentence[0], first.start - WINDOW), first.start)
    after = (second.end, min(sentence[1], second.end + WINDOW))
    read = {
        "gap": gap_words,
        "before": tokens(text, *before, view.within(*before)),
        "after": tokens(text, *after, view.within(*after)),
    }
    for where, found in read.items():
        suffix = f"|{order}" if where == "gap" else ""
        for w in found:
            f[f"{where}:{w}{suffix}"] = 1.0
        for kind in trigger_classes(found):
            f[f"trigger={kind}@{where}|{order}"] = 1.0
    f[f"next_to_park:{text[park.end : park.end + 2]}"] = 1.0
    f[f"next_to_actor:{text[actor.end : actor.end + 2]}"] = 1.0
    f[f"prev_to_park:{text[max(0, park.start - 2) : park.start]}"] = 1.0
    if view.plan:
        f["plan"] = 1.0
    if view.negation:
        f["negation"] = 1.0
    if view.money:
        f["money_in_sentence"] = 1.0
    if any(m.label == "MONEY" for m in between):
        f["money_between"] = 1.0
    for role, m in (("park", park), ("actor", actor)):
        if ANAPHOR.match(text[m.start : m.end]):
            f[f"{role}_is_anaphor"] = 1.0
    f.update(_list_features(text, actor))
    if actor.start == ctx.opening:  # the subject of a one-sentence text (the corpora's items)
        f["actor_opens_text"] = 1.0
    f.update(_rule_features(candidate, rules))
    return f


def _list_features(text: str, actor: Mention, suffix: str = "") -> dict[str, float]:
    """The organisation as one of a list (X、Y和Z, X等企业)."""
    f = {}
    if (actor.start > 0 and text[actor.start - 1] in "、和与及") or text[actor.end : actor.end + 1] == "、":
        f[f"actor_in_list{suffix}"] = 1.0
    if "等" in text[actor.end : actor.end + 3]:
        f[f"actor_then_deng{suffix}"] = 1.0
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
    text, actor, view = ctx.text, candidate.actor, candidate.view
    sentence = view.span
    f = {"across": 1.0, f"actor={actor.label}|across": 1.0}
    if candidate.far:  # the park was named in an earlier paragraph
        f["across_paragraph"] = 1.0
    windows = {
        "before": (max(sentence[0], actor.start - WINDOW), actor.start),
        "after": (actor.end, min(sentence[1], actor.end + WINDOW)),
        "opening": (sentence[0], min(sentence[1], sentence[0] + 6)),
    }
    for name, (a, b) in windows.items():
        found = tokens(text, a, b, view.within(a, b))
        for w in found:
            f[f"{name}:{w}|across"] = 1.0
        for kind in trigger_classes(found):
            f[f"trigger={kind}@{name}|across"] = 1.0
    f[f"actors_in_sentence={_bucket(view.actors, (1, 3))}|across"] = 1.0
    f.update(_sentence_wide(text, candidate))
    f.update(_list_features(text, actor, "|across"))
    f.update(_rule_features(candidate, rules))
    return f


def _sentence_wide(text: str, candidate: Candidate) -> dict[str, float]:
    """The across features of the whole sentence, the same for each of its firms: read once per
    sentence (``SentenceView.reading``), or a sentence of N firms would cost N times its length."""
    view = candidate.view
    if "across" not in view.reading:
        f = {}
        # the trigger of a list of firms stands after the last of them, beyond the windows
        for kind in trigger_classes(tokens(text, *view.span, view.mentions)):
            f[f"trigger={kind}@sentence|across"] = 1.0
        if PARK_REFERENCE.search(_outside_mentions(text, view.span, view.mentions)):
            f["sentence_refers_to_park|across"] = 1.0
        view.reading["across"] = f
    return view.reading["across"]


def _outside_mentions(text: str, span: tuple[int, int], mentions: tuple[Mention, ...]) -> str:
    """The text of ``span`` with every mention inside it blanked out."""
    return " ".join(piece for piece in pieces(text, *span, mentions) if isinstance(piece, str))
