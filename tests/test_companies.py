"""Real companies: the derived lexicon, context for names that read as something else, linking
to the registered name, and the graph node of a known company."""

import json

import pytest
from typer.testing import CliRunner

from pipeline import companies
from pipeline.build_lexicons import brands_of, fold_short_name
from pipeline.cli import app

from .company_scores import load_written, score


def test_written_sentences_meet_precision_recall_and_linking(nlp):
    """tests/data/companies_written.jsonl: sentences written for this test from the lexicons,
    half of them with names that also read as words or places (groups B, C, G and H)."""
    examples = load_written()
    assert len(examples) >= 150
    ambiguous = [e for e in examples if e["group"] in {"B", "C", "G", "H"}]
    assert len(ambiguous) >= len(examples) / 2
    scores = score(nlp, examples)
    assert scores.precision >= 0.90, scores.errors
    assert scores.recall >= 0.90, scores.errors
    assert scores.linking >= 0.95, scores.errors


@pytest.mark.parametrize(
    ("ticker", "short"),
    [
        ("万科Ａ", "万科"),
        ("*ST国华", "国华"),
        ("ST张家界", "张家界"),
        ("寒武纪-U", "寒武纪"),
        ("C林平", "林平"),
        ("TCL科技", "TCL科技"),
    ],
)
def test_ticker_names_fold_to_the_name_news_writes(ticker, short):
    assert fold_short_name(ticker) == short


def test_brands_come_from_ticker_names_and_are_never_an_industry_word():
    assert brands_of("美的集团") == {"美的"}
    assert brands_of("贵州茅台") == {"茅台"}
    assert brands_of("中国银行") == set()  # 银行 alone is no brand
    assert brands_of("中国建筑") == set()  # nor a line of business (建筑公司 is any builder)


def test_the_lexicon_links_every_name_form_to_the_registered_name():
    assert companies.lookup("比亚迪").name == "比亚迪股份有限公司"
    assert companies.lookup("比亚迪公司").name == "比亚迪股份有限公司"
    assert companies.lookup("万科").name == "万科企业股份有限公司"
    assert companies.lookup("美的").name == "美的集团股份有限公司"
    assert companies.lookup("华为").name == "华为技术有限公司"
    # a brand + 集团 is the group, not its listed 华润材料: the curated group's own row, or no firm
    assert companies.lookup("华润集团").name == "华润(集团)有限公司"
    assert companies.lookup("格力集团") is None  # 格力 is a brand of 格力电器
    # a group's brand names the group, not a small listed namesake (华润材料, 大唐药业)
    assert companies.lookup("华润").name == "华润(集团)有限公司"
    assert companies.lookup("大唐").name == "中国大唐集团有限公司"
    assert companies.lookup("大唐药业").name == "内蒙古大唐药业股份有限公司"
    assert companies.lookup("华晨宝马").name == "华晨宝马汽车有限公司"  # a joint venture, not two parents


@pytest.mark.parametrize("name", ["美的", "格力", "中关村", "陆家嘴", "熊猫", "阳光", "海南机场", "小米", "苹果"])
def test_names_that_read_as_words_or_places_need_context(name):
    assert name in companies.ambiguous_names()


@pytest.mark.parametrize("name", ["比亚迪", "宁德时代", "海康威视", "华为", "腾讯", "长江存储"])
def test_plain_firm_names_stand_alone(name):
    assert name not in companies.ambiguous_names()


def labelled(nlp, text):
    return {(e.text, e.label_, e._.entity) for e in nlp(text).ents}


def test_context_decides_for_an_ambiguous_name(nlp):
    assert ("美的", "COMPANY", "美的集团股份有限公司") in labelled(nlp, "美的宣布将在匈牙利建设新工厂。")
    assert not any(label == "COMPANY" for _, label, _ in labelled(nlp, "这里的风景很美的。"))
    # the registered name elsewhere in the text, an enumeration with other companies
    assert ("格力", "COMPANY", "珠海格力电器股份有限公司") in labelled(
        nlp, "珠海格力电器股份有限公司今天开会。会上，格力的产品经理介绍了新品。"
    )
    assert ("中关村", "COMPANY", "北京中关村科技发展(控股)股份有限公司") in labelled(
        nlp, "中关村公告称，公司拟出售资产。"
    )
    assert ("中关村", "PARK", "中关村科技园区") in labelled(nlp, "中关村的科技企业数量持续增长。")


def test_a_short_name_with_its_generic_word_is_one_mention(nlp):
    assert ("比亚迪公司", "COMPANY", "比亚迪股份有限公司") in labelled(nlp, "比亚迪公司在西安投资。")


def test_famous_firms_are_companies_not_persons_or_places(nlp):
    text = "比亚迪、宁德时代、阿里巴巴、腾讯、华为、长江存储、三星电子和小米科技都参加了会议。"
    found = {t: label for t, label, _ in labelled(nlp, text)}
    for name in ("比亚迪", "宁德时代", "阿里巴巴", "腾讯", "华为", "长江存储", "三星电子", "小米科技"):
        assert found.get(name) == "COMPANY", name


def test_one_graph_node_per_company_with_its_listing_and_found_by_any_name(tmp_path):
    (tmp_path / "a.txt").write_text("比亚迪股份有限公司在西安高新区投资100亿元建设新能源汽车项目。", encoding="utf-8")
    (tmp_path / "b.txt").write_text("比亚迪宣布扩大生产。光谷的企业数量持续增长。", encoding="utf-8")
    out = tmp_path / "out"
    runner = CliRunner()
    assert (
        runner.invoke(app, ["extract", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--out", str(out)]).exit_code
        == 0
    )
    nodes = {n["id"]: n for n in json.loads((out / "graph.json").read_text(encoding="utf-8"))["nodes"]}
    byd = nodes["COMPANY:比亚迪股份有限公司"]
    assert (byd["stock_code"], byd["region"], byd["documents"]) == ("002594.SZ", "深圳", "a|b")
    assert "比亚迪" in byd["aliases"]
    assert not any(key.startswith("COMPANY:比亚迪") and key != "COMPANY:比亚迪股份有限公司" for key in nodes)
    park = nodes["PARK:武汉东湖新技术开发区"]  # 光谷 folds to the official name
    assert (park["kind"], park["level"], park["province"], park["city"]) == (
        "high_tech_zone",
        "national",
        "湖北省",
        "武汉市",
    )
    for name in ("比亚迪", "比亚迪股份有限公司", "比亚迪公司"):
        shown = runner.invoke(app, ["graph", "show", name, str(out), "--json"])
        assert shown.exit_code == 0 and "比亚迪股份有限公司" in shown.output, name


def test_a_place_before_a_short_name_that_is_not_the_firms_own_names_another_firm(nlp):
    # the place is inside the mention (mentions.with_places_in_firm_names) and read as before the name
    def entities(text: str) -> list[tuple[str, str]]:
        return [(e.text, e._.entity) for e in nlp(text).ents if e.label_ == "COMPANY"]

    assert entities("广东省建科院总部落户翠亨新区。") == [("广东省建科院", "广东省建科院")]
    assert entities("深圳建科院总部落户翠亨新区。") == [("深圳建科院", "深圳市建筑科学研究院股份有限公司")]
    assert entities("福田建科院总部落户翠亨新区。") == [("福田建科院", "深圳市建筑科学研究院股份有限公司")]  # in 深圳
    assert entities("广东省建科院总部落户翠亨新区。建科院表示将追加投资。") == [  # every mention
        ("广东省建科院", "广东省建科院"),
        ("建科院", "广东省建科院"),
    ]


def test_a_firm_named_once_with_its_place_and_then_without_is_one_firm(nlp):
    doc = nlp("大连珍奥公司入驻大连高新区，珍奥公司将投资5亿元建设新厂。")
    assert {e.text: e._.entity for e in doc.ents if e.label_ == "COMPANY"} == {
        "大连珍奥公司": "大连珍奥公司",
        "珍奥公司": "大连珍奥公司",
    }
    # a registered name is the whole name of its own firm: the Wuxi company is not its parent
    doc = nlp("无锡华润微电子有限公司与华润微电子有限公司签约。")
    assert len({e._.entity for e in doc.ents if e.label_ == "COMPANY"}) == 2


def test_a_province_before_a_name_the_registered_name_spells_out_keeps_the_link(nlp):
    doc = nlp("广东格力电器今年营收增长。")
    assert [e._.entity for e in doc.ents if e.label_ == "COMPANY"] == ["珠海格力电器股份有限公司"]


def test_the_silver_reading_of_a_name_decides_whether_it_needs_context():
    rows = [
        {"name": "亚太", "seen": "40", "as_company": "1"},  # the region: context needed
        {"name": "中兴", "seen": "10", "as_company": "9"},  # the firm: none needed
        {"name": "天坛", "seen": "5", "as_company": "2"},  # undecided: the name's own rules stand
        {"name": "国盛", "seen": "2", "as_company": "0"},  # seen too rarely to tell
        {"name": "吉利", "seen": "8", "as_company": "8"},  # too rarely to waive context
    ]
    assert companies.reading_of(rows) == {"亚太": True, "中兴": False}


def test_name_evidence_counts_hits_on_word_boundaries(tmp_path):
    from pipeline.build_lexicons import build_name_evidence

    text = "比亚迪在深圳投资。亚太地区经济增长。亚太经合组织召开会议。"
    silver = tmp_path / "silver.jsonl"
    entities = [
        {"start": 0, "end": 3, "label": "COMPANY"},
        {"start": 4, "end": 6, "label": "LOC"},
        {"start": 18, "end": 24, "label": "ORG"},  # 亚太经合组织: 亚太 inside it tells nothing
    ]
    silver.write_text(json.dumps({"text": text, "entities": entities}, ensure_ascii=False) + "\n", encoding="utf-8")
    build_name_evidence(silver, tmp_path / "evidence.tsv")
    rows = {r.split("\t")[0]: r.split("\t")[1:] for r in (tmp_path / "evidence.tsv").read_text("utf-8").splitlines()}
    assert rows["比亚迪"] == ["1", "1"]
    assert rows["亚太"][1] == "0"  # never a firm, inside 亚太经合组织 included


def test_name_evidence_leaves_out_hits_inside_another_firms_name(tmp_path):
    from pipeline.build_lexicons import build_name_evidence

    text = "长安福特在重庆。福特宣布降价。"
    silver = tmp_path / "silver.jsonl"
    entities = [{"start": 0, "end": 4, "label": "COMPANY"}, {"start": 8, "end": 10, "label": "COMPANY"}]
    silver.write_text(json.dumps({"text": text, "entities": entities}, ensure_ascii=False) + "\n", encoding="utf-8")
    build_name_evidence(silver, tmp_path / "evidence.tsv")
    rows = {r.split("\t")[0]: r.split("\t")[1:] for r in (tmp_path / "evidence.tsv").read_text("utf-8").splitlines()}
    assert rows["福特"] == ["1", "1"]  # standing alone once; inside 长安福特 it tells nothing of that
