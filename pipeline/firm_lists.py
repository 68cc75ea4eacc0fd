"""Firms named in a list that a firm noun closes: 罗氏、空气化工、博世等知名跨国企业.

News names companies by short names no lexicon holds, and lists them: 甲、乙、丙等企业入驻,
吸引了甲、乙等互联网企业. What makes each item a company is the list's closing noun, not the
item itself (博世 alone could be a person's name). Seen across sources: the xwlb news (罗氏、
空气化工、博世等知名跨国企业; 大众、宝马、戴姆勒等车企) and the written business news of
corpus/synthetic/ (…等企业入驻…). Items that read as an ordinary word or phrase (钢铁、水泥等企业
lists industries) or a place are not taken, and a list is taken only when two of its items look
like names (a word jieba does not know, a person's or an organisation's name, a listed company):
光伏、新能源等企业 lists sectors. A firm noun that begins a word for people (等企业负责人, 等企业家)
closes no list of firms.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import jieba

from . import lexicon
from .companies import NAME_TAGS, lookup, reads_as_phrase
from .grammar import NAME_VERBS, STOP_TAGS, STOP_WORDS, WORD_TAGS, Sentence, frequency
from .mentions import Candidate

# 等, up to eight characters of qualifiers (知名跨国, 20余家, 一批龙头) that do not start another
# clause or name people (等7人因对…公司, 等专家和…集团), then a noun for firms that does not begin a
# word for people (企业家, 企业负责人, 公司代表)
LIST_CLOSER = re.compile(
    r"等(?:[^\W_人和与及以对因为在的是将]{0,8}?)(?:企业|公司|车企|药企|房企|厂商|厂家|巨头|品牌|集团|银行|运营商)"
    r"(?!家|负责人|代表|高管|员工|职工|人士|领导|主管)"
)
LIST_BREAK = re.compile(r"[。！？；，：,;:!?\n]")  # a list does not reach across these
JOINER = re.compile(r"和|与|及")  # 西门子和默克等企业: the last two items joined by a word
ITEM_MAX = 12
ITEM = re.compile(rf"[\u4e00-\u9fffA-Za-z0-9·&]{{2,{ITEM_MAX}}}")
SEPARATOR = "、"
COMMON_WORD = 10  # a dictionary word this frequent, with an ordinary word's tag, is not a firm's name
NAME_LIKE_TAGS = {"nr", "nrt", "nrfg", "nt"}  # jieba's person and organisation names (博世 nrt, 罗氏 nr)


def reads_as_ordinary(item: str) -> bool:
    """钢铁, 空气化工, 北京: an industry word, a phrase of frequent words or a place, not a firm's
    name (星海生物 and 小红书, an unknown word cut apart, are names)."""
    if item in lexicon.places() or item in lexicon.parks():
        return True
    words = jieba.lcut(item, HMM=False)
    if len(words) == 1:
        return frequency(item) >= COMMON_WORD and WORD_TAGS.get(item) not in NAME_TAGS
    return reads_as_phrase(item)


def looks_like_a_name(item: str) -> bool:
    """A listed company's name, or a name jieba does not know or tags as a person's or an
    organisation's (快手, 博世), somewhere in the item."""
    if lookup(item) is not None:
        return True
    return any(frequency(w) == 0 or WORD_TAGS.get(w) in NAME_LIKE_TAGS for w in jieba.lcut(item, HMM=False))


def _first_item_start(sent: Sentence, end: int) -> int:
    """Where the list's first item begins: the name-like jieba words right before ``end``."""
    start = end
    i = sent.word_at(end - 1) if end > 0 else -1
    while i >= 0:
        a, b = sent.words[i]
        word = sent.text[a:b]
        tag = WORD_TAGS.get(word) or ""
        verb = tag.startswith("v") and word not in NAME_VERBS  # 深入|广汽集团, 供应|宁德时代
        if b > end or word in STOP_WORDS or tag in STOP_TAGS or verb or end - a > ITEM_MAX:
            break
        if not ITEM.fullmatch(word):
            break
        start, i = a, i - 1
    return start


def find_listed_firms(sent: Sentence) -> Iterator[Candidate]:
    """COMPANY candidates for the items of every 、-list that 等 + a firm noun closes."""
    text = sent.text
    floor = 0  # a list starts after the previous closer and after the last clause break
    for closer in LIST_CLOSER.finditer(text):
        if JOINER.match(text, closer.end()):
            floor = closer.end()
            continue  # 等企业和产业园区, 等企业和科研院所: a list of firms and other things
        breaks = [m.end() for m in LIST_BREAK.finditer(text, floor, closer.start())]
        items = _items(sent, max([floor, *breaks]), closer.start())
        floor = closer.end()
        if len(items) < 2:
            continue
        names = [(a, b) for a, b in items if not reads_as_ordinary(text[a:b])]
        if 2 * len(names) < len(items) or sum(looks_like_a_name(text[a:b]) for a, b in names) < 2:
            continue  # industries, sectors or places: 钢铁、水泥、化工等企业, 光伏、新能源等企业
        for a, b in names:
            yield Candidate(a, b, "COMPANY", "list:company", 0.8)


def _items(sent: Sentence, floor: int, end: int) -> list[tuple[int, int]]:
    """The list's items, last first, between ``floor`` and the closer at ``end``; the walk stops
    at the first piece that is not a clean name (a longer phrase, a bracket, a second 等)."""
    text, items = sent.text, []
    while True:
        separator = text.rfind(SEPARATOR, max(floor, end - ITEM_MAX - 1), end)
        if separator < 0:
            start = max(floor, _first_item_start(sent, end))
            if ITEM.fullmatch(text[start:end]):
                items.append((start, end))
            break
        if not ITEM.fullmatch(text[separator + 1 : end]):
            break
        items.append((separator + 1, end))
        end = separator
    if items:  # the last item may hold two names joined by 和/与/及 (西门子和默克等企业)
        a, b = items[0]
        joiner = JOINER.search(text, a, b)
        if joiner is not None and joiner.start() - a >= 2 and b - joiner.end() >= 2:
            items[0:1] = [(joiner.end(), b), (a, joiner.start())]
    return items
