"""How a lexicon park name is read: not a park inside a longer name or in a page header, and two
parks where it writes a free-trade zone and its 片区 together.

ANNOTATION.md: zone words inside another name do not make a park. The name grammars already
cover names with a head (天津保税区投资有限公司, 东湖高新区市场监督管理局: the longest span wins);
this module adds the names without one, built on the park's name:
- a website or medium (中关村在线, 光谷网, 张江时报) is an ORG;
- a firm named after its zone (中关村建设, 张江发展): the park name + a business word, acting as a
  firm (承建, 宣布, 公告 …: companies.FIRM_AFTER) is a COMPANY;
and drops a park named in a navigation or page-header line (首页 > 中关村 > 三星), which states
nothing about the park. A free-trade zone's 片区 written after the zone by its own name
(江苏自贸区南京片区) is two parks, the 片区 inside the zone, as the corpus's gold reads it (its
adjudication of 南京片区 with its parent 江苏自贸试验区; 64 of 81 silver mentions in the archive's
news) and as the seed page reads a base written after its park.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from . import lexicon
from .companies import FIRM_AFTER
from .mentions import Candidate

# Media named by a suffix (CLUENER: 中新网, 新浪网, 携程旅行网; news: 中关村在线, 光谷网). 网 alone,
# but not the first character of a word (网络, 网点, 网格)
MEDIA_SUFFIX = re.compile(r"(?:在线|网站|网(?![络点格民球上下])|日报|晚报|时报|周刊|杂志|频道|论坛|资讯)")
BUSINESS_WORD = re.compile(r"(?:建设|发展|投资|控股|实业|置业|开发|集团|股份)")
# A header or navigation line: no sentence punctuation, items split by | > / or by spaces.
SENTENCE_PUNCTUATION = re.compile(r"[，。！？；：,;!?]")
MENU_SEPARATOR = re.compile(r"[|>»›/／＞]")
SPACE_BETWEEN_WORDS = re.compile(r"(?<=\S)\s+(?=\S)")
HEADER_LINE_MAX = 60


def names_built_on_parks(text: str, parks: list[tuple[int, int]]) -> Iterator[Candidate]:
    """ORG and COMPANY candidates that contain a park name (the longer span then wins)."""
    for start, end in parks:
        if media := MEDIA_SUFFIX.match(text, end):
            yield Candidate(start, media.end(), "ORG", "grammar:org", 0.85, media.group())
        elif (business := BUSINESS_WORD.match(text, end)) and FIRM_AFTER.match(text, business.end()):
            # a source of its own: the model, which reads 中关村 as a place, does not re-cut it
            yield Candidate(start, business.end(), "COMPANY", "grammar:zone-firm", 0.85, business.group())


def in_header_line(text: str, start: int, end: int) -> bool:
    """Is text[start:end] on a short line of items without sentence punctuation (a page header,
    a breadcrumb, a menu)?"""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : len(text) if line_end < 0 else line_end].strip()
    if len(line) > HEADER_LINE_MAX or SENTENCE_PUNCTUATION.search(line):
        return False
    return bool(MENU_SEPARATOR.search(line)) or len(SPACE_BETWEEN_WORDS.findall(line)) >= 2


SHORTEST_ZONE = 4  # 上海自贸区


def zone_piece_start(name: str) -> int | None:
    """Where the 片区 begins in a name that writes a free-trade zone and then one of its 片区
    by that 片区's own name (江苏自贸区南京片区 → 5), or None. A 片区 with a generic name (中心片区,
    科技创新片区) is no name of its own: the whole stays one park."""
    parks = lexicon.parks()
    for cut in range(len(name) - 4, SHORTEST_ZONE - 1, -1):  # the longest zone first
        piece = parks.get(name[cut:])
        if lexicon.free_trade_zone(name[:cut]) and piece is not None and piece.kind == "free_trade_zone":
            return cut
    return None
