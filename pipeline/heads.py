"""The head words of organisation names, by label, and the vocabularies built on them.

Chinese organisation names end in a head (…有限公司, …软件园, …研究院): the name grammars
(grammar.py) find names by them, the statistical taggers label names by them (ner.py), the
quote filter (mentions.py) and the graph (graph.py, places.py) read them. One home, so that the
lists cannot drift apart.
"""

from __future__ import annotations

import re

# Heads, longest first within a label. Order of labels does not matter: the longest span wins.
COMPANY_HEADS = (
    "股份有限公司 有限责任公司 集团有限公司 集团股份公司 有限公司 股份公司 集团公司 分公司 子公司 "
    "公司 集团 银行 分行 支行 交易市场 工厂 厂"
).split()
PARK_HEADS = (
    "自由贸易试验区 综合保税区 保税港区 经济技术开发区 高新技术产业开发区 经济开发区 高新技术开发区 "
    "自由经济区 经济特区 保税物流基地 物流基地 产业功能区 功能区 产业园区 工业园区 科技园区 化工园区 产业基地 "
    "开发试验区 试验区 工业区 产业区 开发园 软件园 科技园 产业园 工业园 化工园 科创园 创业园 物流园 "
    "科学园 孵化园 创新园 研创园 生态园 科创城 科学城 科技城 生物城 生态城 产业新城 高新区 经开区 开发区 综保区 保税区 "
    "自贸区 片区 新区 临空经济区 合作区"
).split()
PARK_HEADS_LONGEST_FIRST = tuple(sorted(PARK_HEADS, key=len, reverse=True))
# 合作区 and 临空经济区 (ANNOTATION.md: cooperation zones are parks) were added after they raised
# PARK_IN on the silver's xwlb and written documents alike; bare 园区 and 示范区 were tried too and
# cut PARK precision on the xwlb silver (0.811 → 0.790): they name too many things that are no park
# 交易市场 heads a firm (CLUENER: 上海华通铂银交易市场; park dev: 青岛保税区棉花交易市场); 投资促进局 and
# the other bureaus an agency (CLUENER: 山西投资促进局; news: 合肥高新区投资促进局, …科技局).
ORG_HEADS = (
    "管理委员会 管委会 研究院 研究所 研究中心 科学院 工程院 社科院 大学 学院 学校 中学 小学 医院 "
    "实验室 协会 分会 学会 商会 联合会 基金会 促进会 委员会 人民政府 政府 办公厅 办公室 发改委 "
    "工信厅 税务局 公安局 管理局 投资促进局 促进局 科技局 商务局 财政局 教育局 统计局 发展改革局 "
    "分局 日报 晚报 早报 时报 商报 电视台 新闻社 通讯社 "
    "企业加速器 企业孵化器 加速器 孵化器 众创空间 中心 法院 检察院 海关 总局 局 厅 委 署 "
    # central banks are the state's (the silver: ORG in all 137, in xwlb, CLUENER, Resume and the
    # written texts), the longer head before a company's 银行
    "中央银行 人民银行 储备银行"
).split()
REGISTERED_FORMS = {"股份有限公司", "有限责任公司", "集团有限公司", "集团股份公司", "有限公司", "股份公司"}
# One-character government heads (局, 厅 …) read as names only after a place or an
# administrative level: 湖南省发改委, 省工信厅, but not 布局, 格局.
GOVERNMENT_HEADS = {"局", "厅", "委", "署", "总局", "发改委", "工信厅", "办公厅", "政府", "人民政府"}
# Heads of a unit inside another organisation: their names may contain the parent's name
# (湘乡经开区城西绿色化工片区, 中国软件行业协会嵌入式系统分会, 长沙市政府新闻办公室).
SUBUNIT_HEADS = {
    "片区",
    "分园",
    "分会",
    "分公司",
    "子公司",
    "分行",
    "支行",
    "办公室",
    "办公厅",
    "学院",
    "研究所",
    "研究中心",
    "中心",
    "实验室",
    "管委会",
    "管理委员会",
}
COMMITTEE_HEADS = {"管委会", "管理委员会"}
BRANCH_HEADS = {"分公司", "分行", "支行", "分会", "分院"}
MEDIA_HEADS = {"日报", "晚报", "早报", "时报", "商报", "电视台", "新闻社", "通讯社"}

HEADS = {h: "COMPANY" for h in COMPANY_HEADS} | {h: "PARK" for h in PARK_HEADS} | {h: "ORG" for h in ORG_HEADS}
HEAD_PATTERN = re.compile(
    "|".join(sorted(HEADS, key=len, reverse=True))
    # a head followed by 区/城 is part of a longer word (化工园区 is generic, not 化工园 + 区)
    + r"(?![区城])"
)


# What a company's short name leaves out (places.core_name): the legal forms, longest first
# (集团股份有限公司 whole, not 股份有限公司 alone), and the bare 公司 and 集团 of a short name
LEGAL_FORMS = re.compile(
    r"(股份有限公司|有限责任公司|集团有限公司|集团股份有限公司|有限公司|股份公司|集团公司|公司|集团)$"
)
# A branch of a company (graph.link_branches): …有限公司北京分公司 → …有限公司
BRANCH = re.compile(
    r"^(?P<parent>.+?(?:有限公司|有限责任公司|股份公司|集团|银行))(?P<place>[\u4e00-\u9fff]{0,6})(?:分公司|分行|支行)$"
)


# An industry word after a brand or a place (美的集团, 上海电力): build_lexicons.py strips it to
# find brands; a place + industry word alone (上海电力) reads as a description, not a firm.
INDUSTRY_WORDS = sorted(
    (
        "集团 股份 控股 电器 电力 银行 乳业 机场 科技 汽车 医药 药业 证券 地产 电子 能源 高速 化工 环保 "
        "通信 实业 发展 新材 材料 智能 传媒 信息 软件 生物 电气 重工 高科 保险 制药 食品 酒业 啤酒 "
        "钢铁 水泥 矿业 航空 物流 港口 旅游 投资 交通 建设"
    ).split(),
    key=len,
    reverse=True,
)


# what a zone's own companies are called after its name (开发区资产经营公司, 自贸区联合发展公司, 发展总公司)
ZONE_COMPANY_WORDS = "总 开发 管理 经营 资产 运营 服务 产业 联合 国际 综合 贸易 商贸 工程 置业 城投 创投 担保".split()


def has_trade_name(body: str) -> bool:
    """Does ``body`` (a company name between what precedes it and its head) hold a name of its
    own once its industry and business words are taken off the end: 海尚生物环保 (海尚) does,
    投资, 资产经营 or 开发建设 (a zone's own company) does not?"""
    stripped = True
    while stripped:
        stripped = False
        for word in (*INDUSTRY_WORDS, *ZONE_COMPANY_WORDS):
            if body.endswith(word):
                body, stripped = body[: -len(word)], True
                break
    return len(body) >= 2
