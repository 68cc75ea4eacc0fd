"""When a lexicon park name is not a park mention: inside a longer name or in a page header.

ANNOTATION.md: zone words inside another name do not make a park. The name grammars already
cover names with a head (天津保税区投资有限公司, 东湖高新区市场监督管理局: the longest span wins);
this module adds the names without one, built on the park's name:
- a website or medium (中关村在线, 光谷网, 张江时报) is an ORG;
- a firm named after its zone (中关村建设, 张江发展): the park name + a business word, acting as a
  firm (承建, 宣布, 公告 …: companies.FIRM_AFTER) is a COMPANY;
and drops a park named in a navigation or page-header line (首页 > 中关村 > 三星), which states
nothing about the park.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

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
            yield Candidate(start, business.end(), "COMPANY", "grammar:company", 0.85, business.group())


def in_header_line(text: str, start: int, end: int) -> bool:
    """Is text[start:end] on a short line of items without sentence punctuation (a page header,
    a breadcrumb, a menu)?"""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : len(text) if line_end < 0 else line_end].strip()
    if len(line) > HEADER_LINE_MAX or SENTENCE_PUNCTUATION.search(line):
        return False
    return bool(MENU_SEPARATOR.search(line)) or len(SPACE_BETWEEN_WORDS.findall(line)) >= 2
