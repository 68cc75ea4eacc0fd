import pytest
from hypothesis import given
from hypothesis import strategies as st


def ents(nlp, text):
    return [(e.text, e.label_) for e in nlp(text).ents]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("以联想(北京)有限公司为代表", ("联想(北京)有限公司", "COMPANY")),
        ("国科量子通信网络有限公司北京分公司等", ("国科量子通信网络有限公司北京分公司", "COMPANY")),
        ("与湖南建投集团签订", ("湖南建投集团", "COMPANY")),
        ("落户苏州工业园区", ("苏州工业园区", "PARK")),
        ("位于成都天府软件园的", ("成都天府软件园", "PARK")),
        ("湘乡经开区管委会签订", ("湘乡经开区管委会", "PARK")),
        ("由清华大学材料学院负责", ("清华大学材料学院", "ORG")),
        ("经浙江省政府同意", ("浙江省政府", "ORG")),
        ("记者从上海市发改委获悉", ("上海市发改委", "ORG")),
    ],
)
def test_name_grammars(nlp, text, expected):
    assert expected in ents(nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        "打造绿色化工园区",
        "国家重点实验室",
        "前瞻布局量子产业",
        "该公司计划",
        "4家独立公司",
        "省政府批复",
        "两国政府签署",
        "县委书记",
    ],
)
def test_generic_phrases_are_not_names(rules_nlp, text):
    # the grammars' judgement; the model has its own (it reads 国家重点实验室 alone as an ORG)
    assert [e for e in ents(rules_nlp, text) if e[1] in {"COMPANY", "PARK", "ORG"}] == []


def test_a_named_government_and_a_levels_department_are_names(rules_nlp):
    # a level alone before 政府 or 委 names no government (test above); a place or a department does
    assert ("湘潭市政府", "ORG") in ents(rules_nlp, "湘潭市政府批复了规划。")
    assert ("省工信厅", "ORG") in ents(rules_nlp, "省发改委、省工信厅等批复认定。")


def test_places_come_from_the_gazetteer_not_inside_words(nlp):
    found = ents(nlp, "湖南长沙和美国、日本的企业在东方明珠附近")
    # consecutive places are one place (ANNOTATION.md): 湖南长沙, or 长沙 after a separate 湖南
    assert {("长沙", "LOC"), ("湖南长沙", "LOC")} & set(found)
    assert ("美国", "LOC") in found and ("日本", "LOC") in found
    assert ("东方", "LOC") not in found


def test_persons_by_title_and_speech_verb_not_by_jieba(nlp, seed_doc, gold):
    persons = {e.text for e in seed_doc.ents if e.label_ == "PERSON"}
    assert {"薛其坤", "邓延嵘", "朱申乐", "华凌", "朴永铁"} <= persons
    gold_persons = {e["entity"] for e in gold["entities"] if e["label"] == "PERSON"}
    assert len(persons - gold_persons) <= 3  # jieba's nr tags 45 words of this page as persons
    assert ("王小明", "PERSON") in ents(nlp, "王小明表示,项目进展顺利。")


@pytest.mark.parametrize(
    "text, persons",
    [
        ("会议强调指出，要坚持创新。", []),  # 强调 before 指出 is the verb, not 强 + 调
        ("全会强调，要深化改革。", []),
        ("书记来到这里考察。", []),
        ("董事长王传福表示，比亚迪将扩产。", ["王传福"]),
        ("院长高峰介绍了情况。", ["高峰"]),  # a name that is also a word, after a title
        ("市长王国庆指出，要稳增长。", ["王国庆"]),  # a place word opens many names: 王国, 江南, 东方
        ("董事长江南春表示，将扩产。", ["江南春"]),
        ("东方明表示，项目已落地。", ["东方明"]),
    ],
)
def test_person_guesses_that_open_with_a_common_word_are_that_word(text, persons):
    from pipeline.persons import find_persons
    from pipeline.segment import word_spans

    assert [text[s:e] for s, e in find_persons(text, word_spans(text))] == persons


def test_seed_company_and_org_names_are_not_in_the_package():
    """The seed's companies and organisations must be found by grammar, not by a list written
    for them. The one exception is listed_companies.tsv, derived mechanically from the exchanges'
    list of all 5,485 A-share companies (build_lexicons.py), which lists 国盾量子 and 神州数码
    as any list of listed companies would, and the counts of those names in the silver corpus
    (company_name_evidence.tsv, derived from both)."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    corpus = "".join(
        p.read_text(encoding="utf-8")
        for d in ("pipeline", "models")
        for p in (root / d).rglob("*")
        if p.is_file()
        and p.suffix in {".py", ".tsv", ".txt", ".cfg"}
        and p.name not in {"listed_companies.tsv", "company_name_evidence.tsv"}
    )
    for name in (
        "国盾量子",
        "神州数码",
        "轻工盐业",
        "航瑞",
        "馨升",
        "银丰生物",
        "量子信息科学研究院",
        "瞪羚企业加速器",
        "联想",
        "科技日报",
    ):
        assert name not in corpus


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("这是丰台区政府的决定", "丰台区政府"),
        ("活动在上海国际博览中心举行", "上海国际博览中心"),
        ("他加入了天津电视台", "天津电视台"),
    ],
)
def test_function_characters_glued_by_jieba_stay_outside_names(nlp, text, name):
    assert name in [e.text for e in nlp(text).ents]


def test_factories_are_companies(nlp):
    doc = nlp("他历任铁道部南京浦镇车辆工厂技术员、苏州纺织机械厂工程师。")
    assert {(e.text, e.label_) for e in doc.ents if e.label_ == "COMPANY"} >= {("苏州纺织机械厂", "COMPANY")}


def test_a_company_registered_under_a_parks_name_is_one_company(nlp):
    doc = nlp("历任天津新技术产业园区天荣建筑工程技术有限公司董事。")
    assert [(e.text, e.label_) for e in doc.ents] == [("天津新技术产业园区天荣建筑工程技术有限公司", "COMPANY")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a park before a firm's own name says where the firm is (the rules alone, so the grammar's own reading)
        ("新型水藻是长沙高新区海尚生物环保公司的主打产品。", [("长沙高新区", "PARK"), ("海尚生物环保公司", "COMPANY")]),
        ("长沙高新区海尚生物环保集团公司扩产。", [("长沙高新区", "PARK"), ("海尚生物环保集团公司", "COMPANY")]),
        # a zone's own company keeps the zone's name
        ("昆山经济技术开发区资产经营公司成立。", [("昆山经济技术开发区资产经营公司", "COMPANY")]),
    ],
)
def test_a_park_before_a_firms_own_name_is_not_part_of_it(rules_nlp, text, expected):
    assert [(e.text, e.label_) for e in rules_nlp(text).ents if e.label_ in ("COMPANY", "PARK")] == expected


@pytest.mark.parametrize(
    ("text", "firms"),
    [
        ("快手、小红书、博世等知名企业先后落户。", {"快手", "小红书", "博世"}),
        ("园区吸引了博世、西门子和默克等外资企业。", {"博世", "西门子", "默克"}),
        ("钢铁、水泥、化工等企业完成了改造。", set()),  # industries
        ("光伏、锂电等企业加快布局。", set()),  # sectors
        ("王昌林、许思涛等专家和正泰集团的代表出席。", {"正泰集团"}),  # people, then another noun
        ("走访了快手、小红书等企业和科研院所。", {"快手"}),  # a mixed list: 快手 from the lexicon only
        ("王建国、李明华等企业负责人参加座谈。", set()),  # a firm noun that begins a word for people
        ("会见了王建国、李明华。罗氏、博世等知名跨国企业先后落户。", {"罗氏", "博世"}),  # not across a sentence
    ],
)
def test_a_list_closed_by_a_firm_noun_names_firms(rules_nlp, text, firms):
    assert {e.text for e in rules_nlp(text).ents if e.label_ == "COMPANY"} == firms


@pytest.mark.parametrize(
    ("text", "parks"),
    [
        # a lexicon park keeps only places before it
        ("双方要继续建设好苏州工业园区。", ["苏州工业园区"]),
        ("从家步行就能在中新天津生态城上学。", ["中新天津生态城"]),
        ("江苏苏州工业园区发布新政。", ["江苏苏州工业园区"]),
        # function characters jieba glues to a name's first word
        ("政策体系为雄安新区建设打下基础。", []),  # an administrative new area: a place
        ("朝韩双方从7月起就开城工业园区问题进行会谈。", ["开城工业园区"]),
        # the partner countries of a bilateral park belong to its name
        ("推动中韩产业园建设取得进展。", ["中韩产业园"]),
        ("泰中罗勇工业园建设进展较快。", ["泰中罗勇工业园"]),
        # a trade agreement between countries is not a zone
        ("稳步推进中日韩自贸区谈判。", []),
        ("日前，在中韩自贸区先行合作示范的带动下，合作加快。", []),
        ("中国—斯里兰卡自贸区谈判正在推进。", []),
        # a kind of zone without a name of its own is bare (ANNOTATION.md)
        ("新设的7个自贸试验区正式挂牌。", []),
        ("增设跨境电商综合试验区。", []),
        ("中国(杭州)跨境电子商务综合试验区成立。", ["中国(杭州)跨境电子商务综合试验区"]),
        ("七大产业园正吸引国内外资源。", []),  # a count of zones
        ("五大连池工业园区新增企业10家。", ["五大连池工业园区"]),  # …but 五大连池 is a place
        # the text's own 中 is no partner country
        ("其中德州高新区表现突出。", ["德州高新区"]),
        ("其中马鞍山经开区增长较快。", ["马鞍山经开区"]),
        # a town before a park, even one that starts with a function character
        ("将台工业园区新增企业。", ["将台工业园区"]),
        # cooperation zones and airport economic zones are parks (ANNOTATION.md: 合作区)
        ("中赞经贸合作区发展迅速。", ["中赞经贸合作区"]),
        ("支持建设跨境经济合作区。", []),  # a kind of zone
        ("湖北鄂州市临空经济区挂牌成立。", ["湖北鄂州市临空经济区"]),
        # a free-trade zone's 片区 by a generic name stays one park with it
        ("陕西自贸区中心片区推出新政。", ["陕西自贸区中心片区"]),
    ],
)
def test_park_names_begin_where_the_name_begins(rules_nlp, text, parks):
    assert [e.text for e in rules_nlp(text).ents if e.label_ == "PARK"] == parks


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("两江新区引进了一批项目。", "PARK"),  # run by a management committee as a zone
        ("长春新区举办招商推介会。", "PARK"),
        ("浦东新区举办招商推介会。", "LOC"),  # an administrative district
        ("雄安新区举办招商推介会。", "LOC"),
        ("国家级青岛西海岸新区招商引资。", None),  # no PARK, 国家级 or not
    ],
)
def test_a_national_new_area_is_a_park_unless_it_is_a_district(rules_nlp, text, label):
    if label is None:
        assert not [e for e in rules_nlp(text).ents if e.label_ == "PARK"]
    else:
        assert [e.label_ for e in rules_nlp(text).ents if e.text == text[:4]] == [label]


@given(
    st.lists(st.tuples(st.integers(0, 40), st.integers(1, 8)), max_size=12),
    st.lists(st.tuples(st.integers(0, 40), st.integers(1, 12)), max_size=6),
    st.integers(0, 50),
    st.integers(0, 20),
)
def test_sentence_indexes_answer_what_a_scan_answers(places, parks, start, width):
    from pipeline.grammar import Sentence

    places = [(a, a + n) for a, n in places]
    parks = [(a, a + n) for a, n in parks]
    sent = Sentence("甲" * 60, [(i, i + 1) for i in range(60)], places, parks)
    end = start + width
    assert sorted(sent.places_ending(end)) == sorted(a for a, b in places if b == end)
    assert sorted(sent.parks_ending(end)) == sorted(a for a, b in parks if b == end)
    assert sent.names_within(start, end) == any(start <= a and b <= end for a, b in (*places, *parks))
    assert sent.in_place(start) == any(a <= start < b for a, b in places)
    sent.places = places[:1]  # a new list of places is indexed anew
    assert sorted(sent.places_ending(end)) == sorted(a for a, b in places[:1] if b == end)
