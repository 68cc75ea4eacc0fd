"""Name grammars for organisations: COMPANY, PARK and ORG names found by their head word.

Chinese organisation names end in a head (…有限公司, …软件园, …研究院); the grammar finds the
head, then walks left over jieba's words while they can belong to a name, and stops at a
function word, a verb that introduces a name (位于, 培育出, 签订 …), punctuation or another
entity. A name must carry something specific — a place, a word jieba does not know (新词, the
usual sign of a brand), a proper-noun tag — so generic phrases (绿色化工园区, 国家重点实验室)
are not names. Each rule is a small generator over a :class:`Sentence` view.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Container, Iterator, Sequence
from dataclasses import dataclass, field

import jieba

from . import lexicon
from .heads import (
    BRANCH_HEADS,
    COMMITTEE_HEADS,
    COMPANY_HEADS,
    GOVERNMENT_HEADS,
    HEAD_PATTERN,
    HEADS,
    MEDIA_HEADS,
    ORG_HEADS,
    PARK_HEADS_LONGEST_FIRST,
    REGISTERED_FORMS,
    SUBUNIT_HEADS,
    has_trade_name,
)
from .mentions import Candidate

WORD_TAGS = lexicon.word_tags()

# Words that make a one-character government head (局, 厅 …) a name: 省工信厅, 国家发改委
ADMIN_LEVELS = {"国家", "中央", "国务院", "省", "市", "县", "区", "自治区", "自治州", "省委", "市委", "县委"}
# Before a government's head, a level alone names no government (省政府, 市委, 两国政府, 省级政府): the
# silver annotates none of the 108 the grammar found without this check (xwlb 106, MSRA 2;
# benchmarks/rule_audit.md), nor does the gold dev split (CLUENER, xwlb). The nation's own bodies
# stay names (国家发改委, 中央办公厅), and so do a level's departments (省工信厅, as the seed's gold has it).
UNNAMED_LEVELS = {"省", "市", "县", "区", "自治区", "自治州", "省级", "市级", "县级", "区级", "各级", "地方", "两国"}
UNNAMED_GOVERNMENT_HEADS = {"政府", "人民政府", "委"}


def unnamed_government(body: str, head: str) -> bool:
    """省政府, 县委, (中美)两国政府: a government the name does not say."""
    return (body in UNNAMED_LEVELS or body.endswith("两国")) and head in UNNAMED_GOVERNMENT_HEADS


# Words that end a name on its left: they introduce, relate or qualify it.
STOP_WORDS = set(
    "在 于 与 和 及 以及 或 由 对 向 从 以 将 把 被 让 给 跟 同 等 如 比如 例如 包括 其中 另 另一家 "
    "这 该 此 其 的 了 着 过 也 都 均 还 已 又 并 而 就 即 及其 首家 一家 多家 一批 位于 落户 入驻 "
    "成立 注册 设立 建设 共建 启动 启建 签订 签约 签署 引进 引入 招引 培育 培育出 诞生 孵化 投资 "
    "打造 走进 来到 到访 调研 参观 考察 携手 联合 合作 举办 召开 发布 获悉 表示 介绍 认为 称 说 获 "
    "获得 成为 作为 依托 支持 推动 带动 吸引 组建 设 有 是 从事 覆盖 聚集 集聚 建成 建立 形成 开展 "
    "实施 加快 瞄准 拥有 包含 涵盖 出 经 图 图为 企业 公司 院士 记者 通讯员 实习生 董事长 总经理 主任 院长 "
    "局长 书记 市长 省长 秘书长 负责人 项目 园区 平台 另一 旗下 下属 所属 全国 全球 我国 国内 当地 "
    "本地 知名 龙头 主要 重点 一个 各类 原 前 后 内 外 中 上 下 里 间 东 南 西 北 正东 正南 正西 正北 东南 "
    "东北 西南 西北 本报讯 历任 曾任 担任 现任 任 分管 利用 嘉宾 附近 地址 到 送到 全资 子公司 全资子公司 "
    "控股子公司 分支机构 新建 扩建 在建".split()
)
STOP_TAGS = {
    "p",
    "c",
    "u",
    "uj",
    "ul",
    "uz",
    "ug",
    "uv",
    "ud",
    "r",
    "d",
    "y",
    "e",
    "o",
    "m",
    "q",
    "f",
    "t",
    "x",
    "w",
    "zg",
    "mq",
}
# Verbs that are also business words inside company names (滴滴出行, 易捷思达科技发展).
NAME_VERBS = set(
    "出行 开发 制造 控股 投资 发展 建设 服务 通信 管理 咨询 贸易 运营 经营 生产 加工 设计 研发 检测 "
    "物流 租赁 传媒 出版 印刷 装饰 安装 维修 销售 培训 交易 结算 支付 保险 担保 融资 置业 "
    "创新 创业 实业 勘探 集成 信息 网络 数码 电子 传感 能源 环保 医疗 计算 识别 存储 制药 规划 监测 控制".split()
)
# Time words that name what a park is for (现代农业产业园, 未来科技城)
NAME_TIME_WORDS = {"现代", "未来"}
# An unknown word that starts or ends with a function character is that character glued to a
# name by jieba (以该, 在此, 为雄安, 驻雄安, 年雄安 …).
SINGLE_STOPS = set("以在于该从对向由被把将与和及了这那是为驻就暨年")
FUNCTION_TAGS = {"p", "c", "u", "uj", "ul", "uz", "r", "m", "t", "f"}
SPECIFIC_TAGS = {"nr", "ns", "nt", "nz", "nrt", "nrfg", "j", "eng", "x"}
MAX_NAME = {"COMPANY": 28, "PARK": 20, "ORG": 24}
MAX_PLACE_CHARS = 16  # longer than any place of the gazetteers (新疆维吾尔自治区 …)


@dataclass
class Sentence:
    """What the grammars read: normalised text, jieba's words, and lexicon places/parks."""

    text: str
    words: Sequence[tuple[int, int]]  # (start, end) of each jieba word, in order
    places: Sequence[tuple[int, int]] = ()  # LOC lexicon matches
    parks: Sequence[tuple[int, int]] = ()  # PARK lexicon matches
    _index: tuple = field(default=(), repr=False, compare=False)

    def _matches(self) -> tuple[dict, dict, dict, dict]:
        """The places and parks by start and by end, built once per (places, parks): every name
        head asks about them, and a scan per head was quadratic in an entity-dense text."""
        key = (id(self.places), len(self.places), id(self.parks), len(self.parks))
        if not self._index or self._index[0] != key:
            by = [defaultdict(list) for _ in range(4)]  # place starts, place ends, park starts, park ends
            for i, names in enumerate((self.places, self.parks)):
                for a, b in names:
                    by[2 * i][a].append(b)
                    by[2 * i + 1][b].append(a)
            self._index = (key, *by)
        return self._index[1:]

    def places_ending(self, end: int) -> list[int]:
        """Starts of the places that end at ``end``."""
        return self._matches()[1].get(end, [])

    def parks_ending(self, end: int) -> list[int]:
        """Starts of the parks that end at ``end``."""
        return self._matches()[3].get(end, [])

    def place_ends_from(self, start: int) -> list[int]:
        """Ends of the places that start at ``start``."""
        return self._matches()[0].get(start, [])

    def names_within(self, start: int, end: int) -> bool:
        """Is a place or park wholly inside [start, end)?"""
        by_start = self._matches()
        return any(b <= end for a in range(start, end) for b in (*by_start[0].get(a, ()), *by_start[2].get(a, ())))

    def in_place(self, offset: int) -> bool:
        """Does a place cover character ``offset``?"""
        starts = self._matches()[0]
        return any(b > offset for a in range(max(0, offset - MAX_PLACE_CHARS), offset + 1) for b in starts.get(a, ()))

    def word_at(self, offset: int) -> int:
        """Index of the word containing character ``offset``."""
        lo, hi = 0, len(self.words) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.words[mid][0] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def aligned(self, offset: int) -> bool:
        """Does ``offset`` fall between two of jieba's words, or inside a word that a lexicon
        match may cut: one jieba does not know or a place (湖南长沙)?"""
        a, b = self.words[self.word_at(offset)]
        return offset in (a, b) or WORD_TAGS.get(self.text[a:b]) in (None, "ns")


# Stop words that are business words in a registered name (CLUENER's 长江实业地产投资有限公司, the
# news' 天津保税区投资有限公司): a walk left from a legal form passes them.
REGISTERED_NAME_WORDS = {"投资", "建设", "发展", "开发"}


ORDINAL = re.compile(r"第[一二三四五六七八九十百0-9]+")


def _is_name_word(word: str, head: str) -> bool:
    if head in REGISTERED_FORMS and word in REGISTERED_NAME_WORDS:
        return True
    if word in STOP_WORDS or not word.strip():
        return False
    if not re.search(r"[\w\u4e00-\u9fff]", word):
        return False
    tag = WORD_TAGS.get(word)
    if tag is None and len(word) > 1 and (word[0] in SINGLE_STOPS or word[-1] in SINGLE_STOPS):
        return False  # jieba's guesses glue function words to names: 城是 in 苏州纳米城是苏州工业园区
    if ORDINAL.fullmatch(word) and head in ORG_HEADS:
        return True  # 第二实验小学, 第一人民医院
    if word.isdigit() or word.endswith(("企业", "机构", "单位")):  # 1997年全公司, 龙头企业宝山钢铁…
        return False
    if tag in STOP_TAGS and not (tag == "m" and re.fullmatch(r"[A-Za-z0-9]+", word)) and word not in NAME_TIME_WORDS:
        return False
    if tag == "v" and word not in NAME_VERBS:
        return False
    return not (head not in COMPANY_HEADS and tag == "vn" and word in {"建设", "投资"})


def _specific(sent: Sentence, start: int, end: int) -> bool:
    """Does text[start:end] hold a place, a park, an unknown word or a proper-noun word?"""
    if sent.names_within(start, end):
        return True
    for i in range(sent.word_at(start), len(sent.words)):
        a, b = sent.words[i]
        if a >= end:
            break
        word = sent.text[max(a, start) : min(b, end)]
        if len(word) >= 3 and word[-1] in "化性型":
            continue  # 智能化, 高端化: descriptive (jieba even tags 智能化 a person name)
        tag = WORD_TAGS.get(word)
        if tag is None and len(word) >= 2 or tag in SPECIFIC_TAGS and not _common_word(word, tag):
            return True
        if is_rare_noun(word):
            return True
    return False


def is_specific_text(text: str) -> bool:
    """Does ``text`` hold a word jieba does not know or a proper-noun word (国盾, 海淀, 北约)?
    国家重点实验室 and 精细化工 do not: they are common words only."""
    words = jieba.cut(text) if text else []
    return any(WORD_TAGS.get(w) is None and len(w) >= 2 or WORD_TAGS.get(w) in SPECIFIC_TAGS for w in words)


def is_rare_noun(word: str) -> bool:
    """孪井滩, 小榄: words jieba knows as rare nouns (or rare person names: 亦庄), not compounds of
    common words; in a name they are names themselves."""
    tag = WORD_TAGS.get(word)
    return tag in {"n", "nz", "nr"} and len(word) >= 2 and frequency(word) <= RARE_NOUN and not _compound(word)


RARE_NOUN = 50


def frequency(word: str) -> int:
    """The word's count in jieba's dictionary (0 when unknown)."""
    jieba.dt.check_initialized()
    return jieba.dt.FREQ.get(word, 0)


def _compound(word: str) -> bool:
    """生物医药 = 生物 + 医药: a rare word made of two common ones is a common phrase, not a name."""
    return any(frequency(word[:i]) > 100 and frequency(word[i:]) > 100 for i in range(2, len(word) - 1))


def _common_word(word: str, tag: str) -> bool:
    """jieba tags a few frequent ordinary words as places or names (美丽 ns, 富丽 nr)."""
    return tag in {"ns", "nr"} and frequency(word) > 1000 and word not in lexicon.places()


def _bracket_start(text: str, close: int) -> int | None:
    """Start of a short bracketed place such as (北京) ending at ``close`` (the ')' index)."""
    open_ = text.rfind("(", max(0, close - 8), close)
    if open_ < 0 or not re.fullmatch(r"[\u4e00-\u9fff]{2,6}", text[open_ + 1 : close]):
        return None
    return open_


FIRM_HEADS = {"公司", "集团", "集团公司"}  # a firm's own name before them, not a registered legal form


def _walk_left(sent: Sentence, head_start: int, head: str, label: str, stops: Container[int]) -> int:
    """Leftmost start of the name whose head begins at ``head_start``."""
    text, start = sent.text, head_start
    i = sent.word_at(head_start)
    if sent.words[i][0] < head_start:  # the head begins inside a jieba word
        piece = text[sent.words[i][0] : head_start]
        if len(head) == 1 or not _is_name_word(piece, head):
            return head_start
        start = sent.words[i][0]
    i = sent.word_at(start) - 1
    while i >= 0 and head_start - sent.words[i][0] <= MAX_NAME[label]:
        a, b = sent.words[i]
        if b in stops:
            break
        if head in REGISTERED_FORMS and (lexicon_start := _lexicon_name_ending_at(sent, start)) is not None:
            start, i = lexicon_start, sent.word_at(lexicon_start) - 1  # 深圳前海微众银行股份有限公司
            continue
        word = text[a:b]
        if word == ")":
            bracket = _bracket_start(text, a)
            if bracket is None:
                break
            start, i = bracket, sent.word_at(bracket) - 1
            # 方正(北京)有限公司: the word before a bracketed place is the brand, whatever its tag
            if (
                i >= 0
                and sent.text[sent.words[i][0] : sent.words[i][1]] not in STOP_WORDS
                and re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9]+", sent.text[sent.words[i][0] : sent.words[i][1]])
            ):
                start, i = sent.words[i][0], i - 1
            continue
        if not (_is_name_word(word, head) or _inside_unknown_name(sent, i)):
            break
        start, i = a, i - 1
    return start


def _lexicon_name_ending_at(sent: Sentence, offset: int) -> int | None:
    """Start of the lexicon places and parks written together and ending at ``offset``, whatever
    jieba's cut of them (深圳/前/海, 上海浦东新区)."""
    start = None
    while (
        before := min(
            (a for a in (*sent.places_ending(offset), *sent.parks_ending(offset)) if a < offset), default=None
        )
    ) is not None:
        start = offset = before
    return start


def _inside_unknown_name(sent: Sentence, i: int) -> bool:
    """A single character between single characters is part of a name jieba did not know
    (岱/家/山, 澎/越): its tag as a lone word (家: classifier, 越: adverb) means nothing there."""
    a, b = sent.words[i]
    char = sent.text[a:b]
    if b - a != 1 or i == 0 or not "\u4e00" <= char <= "\u9fff" or WORD_TAGS.get(char) in FUNCTION_TAGS:
        return False
    if char in SINGLE_STOPS:  # 就 in 起/就/开城…: a function character begins no name
        return False
    pa, pb = sent.words[i - 1]
    left = sent.text[pa:pb]
    return (
        pb - pa == 1
        and "\u4e00" <= left <= "\u9fff"
        and left not in STOP_WORDS
        and WORD_TAGS.get(left) not in STOP_TAGS
    )


class _Stops:
    """The name ends a walk left must stop at, tested one offset at a time (the walk asks about a
    few words; building the set of every name found so far for every head was quadratic in a
    long sentence)."""

    def __init__(
        self,
        sent: Sentence,
        ends: dict[int, str],
        stopping: set[str],
        universities: set[int],
        label: str,
        head: str,
        head_start: int,
    ) -> None:
        self.sent, self.ends, self.stopping, self.universities = sent, ends, stopping, universities
        self.label, self.subunit = label, head in SUBUNIT_HEADS
        # 微众银行 + 股份有限公司: a name and its legal form are one name
        self.legal_form_at = head_start if head in REGISTERED_FORMS else None
        # 长沙高新区海尚生物环保公司: a park before a firm's own name says where the firm is, it is
        # not part of the name (xwlb gold and silver, the written documents: annotators split
        # these; the tagger learnt the same). A zone's own company (开发区投资公司) and a
        # registered name (天津新技术产业园区天荣建筑工程技术有限公司) and a market or centre named
        # after the zone (青岛保税区棉花交易市场) keep the park.
        self.park_before_name = label == "COMPANY" and head in FIRM_HEADS
        # 江苏自贸区|南京片区: a free-trade zone's 片区 is a park of its own (park_names.py)
        self.zone_piece = head == "片区"
        self.head_start = head_start

    def __contains__(self, end: int) -> bool:
        if self.zone_piece and any(lexicon.free_trade_zone(self.sent.text[a:end]) for a in self.sent.parks_ending(end)):
            return True
        if (
            self.park_before_name
            and self.ends.get(end) == "PARK"
            and has_trade_name(self.sent.text[end : self.head_start])
        ):
            return True
        if self.subunit or self.ends.get(end) not in self.stopping or end in self.universities:
            return False
        if end == self.legal_form_at:
            return False
        # 新华集团中国发展基金有限公司: a group's name opens its subsidiary's
        group = self.sent.text[end - 2 : end] == "集团" and not _starts_with_place(self.sent, end)
        return not (self.label == "COMPANY" and group)


def find_names(sent: Sentence, entity_ends: dict[int, str] | None = None) -> Iterator[Candidate]:
    """COMPANY/PARK/ORG candidates by head word. ``entity_ends`` maps the end offset of names
    already found to their label, so a name does not swallow a neighbour (科创城|数智…产业基地)."""
    text = sent.text
    found: list[Candidate] = []
    ends: dict[int, str] = dict(entity_ends or {})
    universities: set[int] = set()
    park_starts: dict[int, int] = {}  # end → start of each park name found
    for match in HEAD_PATTERN.finditer(text):
        head, head_start, end = match.group(), match.start(), match.end()
        label = HEADS[head]
        # A name may contain its parent's name only when it is a sub-unit (分会, 片区, 办公室).
        # A park may carry an organisation's name (清华大学科技园), not another park's or a company's.
        # What a name may contain: a company another company's (a group's, see below), a park a
        # university's (清华大学科技园), an organisation a park's (贵阳综合保税区税务局).
        stopping = {"COMPANY"} if label == "COMPANY" else {"PARK", "COMPANY", "ORG"} if label == "PARK" else {"ORG"}
        stops = _Stops(sent, ends, stopping, universities if label == "PARK" else set(), label, head, head_start)
        start = _walk_left(sent, head_start, head, label, stops)
        town = None
        if label == "PARK":
            partners = _with_partners(sent, start)  # 在|中韩自贸区: the countries, not a town 在中
            town = _town_before(sent, start) if partners == start else None
            start = _park_start(sent, partners if town is None else town, end)
            if head in FREE_TRADE_HEADS and _between_countries(text, start, head_start):
                continue  # 中韩自贸区, 中国—东盟自贸区: a trade agreement, not a zone
            if not ZONE_KIND_WORDS.sub("", text[start:head_start]):
                continue  # 自贸试验区, 跨境电商综合试验区 alone: a kind of zone, not one (ANNOTATION.md)
            if any(not ZONE_KIND_WORDS.sub("", text[start:a]) for a in sent.places_ending(end)):
                continue  # 国家级青岛西海岸新区: a new area that is a district is a place, 国家级 or not
            if (count := COUNTED.search(text, start, head_start)) and not sent.in_place(count.start()):
                continue  # 七大产业园, 四大贫困片区: a count of zones (22 in the silver's texts, none a
                # name), but 五大连池 is a place
        if head in REGISTERED_FORMS and start in park_starts:
            start = park_starts[start]  # 天津新技术产业园区天荣建筑…有限公司: registered under the park's name
        if label != "PARK" and (cut := _park_cut_at(sent, start)) is not None:
            park_start, zone_end = cut
            if label == "COMPANY" and head in FIRM_HEADS and has_trade_name(text[zone_end:head_start]):
                start = zone_end  # 大连高新区|海尚科技公司: the park says where the firm is
            elif head in INCUBATOR_HEADS and zone_end == head_start:
                continue  # 大连高新区众创空间: the park's own unnamed incubator (the gold dev: the park)
            else:
                start = park_start  # 大连高新区税务局, 大连高新区管委会: the name holds its park
                if head in COMMITTEE_HEADS:
                    label = "PARK"
        if head in COMMITTEE_HEADS and start < head_start and ends.get(head_start) == "PARK":
            label = "PARK"  # 湘乡经开区管委会: the committee is a mention of its park
        if start == head_start:
            continue
        body = text[start:head_start]
        if head in BRANCH_HEADS and body in lexicon.places():
            continue  # 驻宁波分公司: an unnamed branch in a place, not a name
        # A registered legal form (…有限公司) is evidence enough of a name; other heads need
        # something specific in the body.
        generic = head not in REGISTERED_FORMS and town is None and not _specific(sent, start, head_start)
        if head in GOVERNMENT_HEADS:
            if unnamed_government(body, head):
                continue
            governed = any(
                b <= head_start for a in range(start, head_start) for b in sent.place_ends_from(a)
            ) or body.startswith(tuple(ADMIN_LEVELS))
            if len(head) == 1 and not governed:
                continue
            generic = generic and not governed
        if generic and not (_continues_enumeration(text, start, head) or _is_byline(text, head, end)):
            continue
        # (北京) after a university belongs to its name: 中国矿业大学(北京)
        if head == "大学" and text[end : end + 1] == "(":
            close = text.find(")", end, end + 8)
            if close > 0 and _bracket_start(text, close) == end:
                end = close + 1
        # a registered legal form (…有限公司) is a name's surest end: the statistical tagger may
        # re-cut the other grammar names, not these (default.cfg's overlap policy)
        source = "grammar:registered" if label == "COMPANY" and head in REGISTERED_FORMS else f"grammar:{label.lower()}"
        candidate = Candidate(start, end, label, source, 0.85, head)
        found.append(candidate)
        ends[end] = label
        if label == "PARK":
            park_starts[end] = start
        if head == "大学":
            universities.add(end)
        yield candidate
    yield from _school_of_university(sent, found)


INCUBATOR_HEADS = frozenset({"众创空间", "孵化器", "加速器", "企业孵化器", "企业加速器"})


def _park_cut_at(sent: Sentence, start: int) -> tuple[int, int] | None:
    """(start, end) of the gazetteer park whose head word a name starting at ``start`` opens with
    (大连|高新区 of 大连高新区税务局: jieba tags 大连, 保定 or 遵义 as no noun, and the walk left
    stops there), else None. The silver and the gold dev name no organisation or company that
    opens with a bare zone word (one of 15,959), so such a name is cut wrong, not a name."""
    for head in PARK_HEADS_LONGEST_FIRST:
        if sent.text.startswith(head, start) and (starts := sent.parks_ending(start + len(head))):
            return min(starts), start + len(head)
    return None


# One-character country names of news (中韩, 中白, 泰中): a park named for the two countries that
# build it keeps them (xwlb and the written documents: 111 silver names, none without 中)
PARTNER_COUNTRIES = set(
    "美日韩朝俄英法德意加澳新欧印巴泰越老柬缅菲马蒙哈乌吉塔土伊以埃沙阿智秘哥瑞冰挪丹芬荷比葡希波捷匈罗保塞格毛白赞尼"
)
FREE_TRADE_HEADS = {"自贸区", "自由贸易区"}
COUNTED = re.compile(r"[一二三四五六七八九十两百\d]+大")
# Words that say what kind of zone a head names, not which one: a park name without anything
# else is bare (the silver marks none of 693 bare 自贸区 / 自贸试验区 in xwlb and the written documents)
ZONE_KIND_WORDS = re.compile(
    r"国家级|国家|自由贸易|自贸|综合保税|综保|保税|高新技术产业|高新|经济技术|经开|跨境电子商务综合|跨境电商综合|"
    r"跨境电商|跨境|边境|经济|经贸|综合"
)


def _park_start(sent: Sentence, start: int, end: int) -> int:
    """The start of a park name the walk left found, mended: a lexicon park it ends with keeps
    only places before it (好|苏州工业园区, 在|中新天津生态城, but 江苏苏州工业园区)."""
    inner = min((a for a in sent.parks_ending(end) if start < a), default=None)
    if inner is not None and _lexicon_name_ending_at(sent, inner) != start:
        return inner
    return start


def _with_partners(sent: Sentence, start: int) -> int:
    """The start of a park name with the partner countries of a bilateral park, which the walk
    left stops before (中 is a function word to it): 中韩产业园, 泰中罗勇工业园."""
    text = sent.text
    if start < 1 or text[start - 1] != "中" or _place_at(sent, start):
        return start  # 其中|德州高新区, 中|马鞍山…: a place, not a partner country, follows 中
    if text[start] in PARTNER_COUNTRIES and _word_starts(sent, start - 1):
        return start - 1  # 推动|中|韩|产业园, not 其中|…
    if start >= 2 and text[start - 2] in PARTNER_COUNTRIES and _word_starts(sent, start - 2):
        return start - 2  # 泰中罗勇工业园
    return start


def _word_starts(sent: Sentence, offset: int) -> bool:
    return sent.words[sent.word_at(offset)][0] == offset


def _place_at(sent: Sentence, offset: int) -> bool:
    return bool(sent.place_ends_from(offset))


def _between_countries(text: str, start: int, head_start: int) -> bool:
    """中韩, 中日韩, 欧中, 中国—东盟, 中国—斯里兰卡 (the walk stops at the dash: the party before it
    is read back): the parties of a trade agreement."""
    party_before = re.search(r"(?:中国|中|东盟|欧盟)[—－\-·、]+$", text[max(0, start - 5) : start])
    body = (party_before.group() if party_before else "") + text[start:head_start]
    parties = [p for p in re.split(r"[—－\-·、]+", body) if p]
    if len(parties) == 1 and len(body) <= 3:
        return "中" in body and set(body) <= PARTNER_COUNTRIES | {"中"}
    places = lexicon.places()
    return len(parties) >= 2 and all(
        p in {"中国", "东盟", "欧盟"}
        or set(p) <= PARTNER_COUNTRIES | {"中"}
        or getattr(places.get(p), "level", "") == "country"
        for p in parties
    )


def _town_before(sent: Sentence, offset: int) -> int | None:
    """Start of a town (乡镇/街道 of the civil affairs list) written right before ``offset``, a
    park name's place even where jieba cuts it into function words (上地信息产业基地: 上/地)."""
    towns = lexicon.towns()
    for size in range(6, 1, -1):
        start = offset - size
        word = sent.text[start:offset]
        if start >= 0 and word in towns and reads_as_place(word) and sent.words[sent.word_at(start)][0] == start:
            return start
    return None


def reads_as_place(word: str) -> bool:
    """Not a direction (东南, 正东) nor a common word of another kind that happens to name a town
    too (光明 1,219 times in jieba's dictionary, 高新 563, 新华 549; 上地 104)."""
    if set(word) <= DIRECTIONS:
        return False
    return WORD_TAGS.get(word) == "ns" or frequency(word) <= COMMON_WORD


DIRECTIONS = set("东南西北中正上下左右内外前后")
COMMON_WORD = 300


def _is_byline(text: str, head: str, end: int) -> bool:
    """X日报(记者…): a newspaper named in a byline is a name however generic its words."""
    return head in MEDIA_HEADS and re.match(r"\(?(?:记者|通讯员|讯|电)", text[end : end + 4]) is not None


def _starts_with_place(sent: Sentence, offset: int) -> bool:
    """…unless a place in China starts the next name (轻骑集团|青岛轻骑摩托车公司: two companies;
    but 香港新华集团中国发展基金有限公司 is one: a group names its national subsidiaries so)."""
    places = lexicon.places()
    return any(places[sent.text[offset:b]].level != "country" for b in sent.place_ends_from(offset))


def _continues_enumeration(text: str, start: int, head: str) -> bool:
    """工程学院 in 'X大学机械学院、工程学院' is a name: it continues a list of the same head."""
    return text[start - 1 : start] in {"、", "和", "及"} and text[: start - 1].endswith(head)


def _school_of_university(sent: Sentence, found: list[Candidate]) -> Iterator[Candidate]:
    """中国矿业大学(北京)机电与信息工程学院: a school named right after its university, whose own
    name may contain 与/和 (the general grammar stops there)."""
    universities = [c for c in found if c.head == "大学"]
    for university in universities:
        match = re.match(r"[\u4e00-\u9fff]{1,12}?(?:学院|系|研究所|研究院)", sent.text[university.end :])
        if match and not any(p in match.group() for p in "，。、；"):
            yield Candidate(university.start, university.end + match.end(), "ORG", "grammar:org", 0.85, "学院")
