"""A lexicon park name is a PARK mention only where it stands as a name of its own: not inside a
website, company, agency or project name, not in a page header (ANNOTATION.md: zone words inside
another name do not make a park). Sentences written for this test."""

import pytest

from pipeline.park_names import in_header_line, zone_piece_start

INSIDE_OTHER_NAMES = [
    # websites and media named after a zone
    "中关村在线报道了三星的新款手机。",
    "据中关村在线消息，该款显卡将于下月上市。",
    "光谷网记者从相关部门获悉了这一消息。",
    "张江在线发布了最新的招聘信息。",
    "北京经济技术开发区融媒体中心报道了此事。",
    # companies
    "招商局蛇口工业区有限公司发布了年度报告。",
    "天津保税区投资有限公司成立于1992年。",
    "上海浦东新区曹路农业投资管理有限公司完成了工商变更。",
    "苏州工业园区国有资本投资运营控股有限公司发行了债券。",
    "中关村建设承建了该项目。",
    "中关村发展集团投资了一家芯片企业。",
    "南京江北新区产业投资集团有限公司完成增资。",
    "天津经济技术开发区总公司是当地的国有企业。",
    "广州开发区投资集团有限公司发布了公告。",
    "青岛保税区棉花交易市场总裁接受了采访。",
    "深圳前海微众银行股份有限公司发布了年报。",
    "上海临港新片区经济发展有限公司签约多个项目。",
    "上海漕河泾新兴技术开发区发展总公司与多家企业签约。",
    "苏州工业园区教育发展投资有限公司负责学校建设。",
    # agencies, courts, schools, hospitals
    "武汉东湖高新区市场监督管理局开展了专项检查。",
    "东湖高新区市场监督管理局发布通知。",
    "成都高新区税务局推出了便民措施。",
    "苏州工业园区管委会经济发展委员会召开会议。",
    "合肥高新区投资促进局赴深圳招商。",
    "西安高新区人民法院审理了这起案件。",
    "苏州工业园区第二实验小学举行了开学典礼。",
    "重庆两江新区人民医院开业。",
    "杭州高新区（滨江）科技局发布了政策。",
    "东湖高新区发展改革局负责项目审批。",
    # projects and events
    "“中关村论坛”将于4月在北京举行。",
    # page headers and navigation
    "首页 > 中关村 > 三星",
    "首页 | 光谷 | 新闻中心 | 联系我们",
    "资讯 / 张江 / 产业动态",
    "中关村  科技  资讯  手机",
]


def test_no_park_inside_other_names(nlp):
    assert len(INSIDE_OTHER_NAMES) >= 30
    for text, doc in zip(INSIDE_OTHER_NAMES, nlp.pipe(INSIDE_OTHER_NAMES)):
        assert [e.text for e in doc.ents if e.label_ == "PARK"] == [], text


@pytest.mark.parametrize(
    ("text", "park"),
    [
        ("推进中关村建设。", "中关村"),
        ("光谷网记者获悉，光谷新增企业百家。", "光谷"),
        ("中关村软件园\n园区内有多家企业。", "中关村软件园"),  # a section heading names its park
    ],
)
def test_a_park_standing_as_a_name_stays(nlp, text, park):
    assert park in [e.text for e in nlp(text).ents if e.label_ == "PARK"]


def test_header_lines_are_short_item_lists_without_sentence_punctuation():
    assert in_header_line("首页 > 中关村 > 三星", 5, 8)
    assert not in_header_line("中关村软件园", 0, 6)
    assert not in_header_line("企业落户中关村 ，发展迅速", 4, 7)


@pytest.mark.parametrize(
    ("text", "parks"),
    [
        ("江苏自贸区南京片区推出了新政。", ["江苏自贸区", "南京片区"]),
        ("在黑龙江自贸区哈尔滨片区，企业数量增长。", ["黑龙江自贸区", "哈尔滨片区"]),
        ("上海自贸区临港新片区签约多个项目。", ["上海自贸区", "临港新片区"]),
        ("南京片区的改革措施已落地。", ["南京片区"]),  # named alone once its zone is known
        ("湘乡经开区城西绿色化工片区建成投产。", ["湘乡经开区城西绿色化工片区"]),  # not a free-trade zone
    ],
)
def test_a_free_trade_zone_and_its_piece_are_two_parks(nlp, text, parks):
    doc = nlp(text)
    assert [e.text for e in doc.ents if e.label_ == "PARK"] == parks
    if len(parks) == 2:
        part_of = [(r.head, r.tail) for r in doc._.relations if r.relation == "PART_OF"]
        zone, piece = (e._.entity for e in doc.ents if e.label_ == "PARK")
        assert (piece, zone) in part_of


def test_zone_piece_start_needs_a_free_trade_zone_before_a_named_piece():
    assert zone_piece_start("江苏自贸区南京片区") == 5
    assert zone_piece_start("中国(江苏)自由贸易试验区南京片区") == len("中国(江苏)自由贸易试验区")
    assert zone_piece_start("江苏自贸区片区") is None  # no name of its own
    assert zone_piece_start("湘乡经开区城西绿色化工片区") is None
    assert zone_piece_start("江苏自贸区") is None


def test_a_firm_named_after_its_zone_is_a_company(nlp):
    assert [(e.text, e.label_) for e in nlp("中关村建设承建了该项目。").ents] == [("中关村建设", "COMPANY")]


def test_an_organisation_never_opens_with_the_head_of_a_park_it_cuts(nlp):
    doc = nlp("李克强来到大连高新区众创空间，走近一个个工作台。")
    assert [(e.text, e.label_) for e in doc.ents if e.label_ in {"PARK", "ORG"}] == [("大连高新区", "PARK")]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("保定高新区海尚科技公司成立。", [("保定高新区", "PARK"), ("海尚科技公司", "COMPANY")]),
        ("大连高新区税务局召开会议。", [("大连高新区税务局", "ORG")]),  # ANNOTATION.md: one ORG
        ("大连高新区管委会发布通告。", [("大连高新区管委会", "PARK")]),  # the committee is the park
    ],
)
def test_a_name_cut_at_a_parks_head_starts_at_the_park_or_after_it(nlp, text, names):
    assert [(e.text, e.label_) for e in nlp(text).ents if e.label_ != "LOC"] == names
