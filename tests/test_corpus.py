"""The corpus (corpus/): its files validate, the annotation format converts as documented, and the
evaluator scores PARK_IN by place and reports per source and split."""

import importlib
import sys
from pathlib import Path

import pytest

from pipeline.evaluate import Prediction, score
from pipeline.gold import GoldDocument

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
sys.path.insert(0, str(CORPUS / "tools"))
ann = importlib.import_module("ann")
validate = importlib.import_module("validate")


def test_corpus_files_validate():
    files, problems = validate.validate(CORPUS)
    assert problems == []
    assert files["dev"] and files["test"]
    assert {r["source"] for r in files["test"]} >= {"xwlb"}


@pytest.mark.slow
@pytest.mark.skipif(not (CORPUS.parent.parent / "shared" / "data").is_dir(), reason="needs ../shared/data (the texts)")
def test_silver_annotations_validate_against_their_texts():
    """The silver is not committed: its annotations are, and every one converts and validates
    against the text it was made for; none is a gold document or near one of the test split."""
    build = importlib.import_module("build")
    written = {
        doc.doc_id
        for path in (CORPUS / "annotations" / "silver").glob("*.ann")
        for doc in build.parse(path.read_text("utf-8"))
    }
    assert len(build.annotated("silver")) == len(written) >= 2000  # every annotated document converts
    files, _ = validate.validate(CORPUS)
    gold_ids = {r["doc_id"] for split in ("dev", "test") for r in files[split]}
    silver = build.silver_records(gold_ids, files["test"])
    assert len(silver) >= 2000
    assert [p for r in silver for p in validate.record_problems(r)] == []
    assert validate.near_duplicates(silver, files["test"]) == []


def test_annotation_longest_span_wins_and_occurrences_select():
    text = "北京云帆科技有限公司位于北京中关村软件园。北京很大。"
    (doc,) = ann.parse(
        "## d1\nE\tLOC\t北京\t北京\t@2,3\nE\tCOMPANY\t北京云帆科技有限公司\nE\tCOMPANY\t云帆\t北京云帆科技有限公司\n"
        "E\tPARK\t中关村软件园\nR\tLOCATED_IN\t北京云帆科技有限公司\t中关村软件园\nP\t中关村软件园\t北京\n"
    )
    record = ann.to_record(doc, text)
    assert [(text[e["start"] : e["end"]], e["label"]) for e in record["entities"]] == [
        ("北京云帆科技有限公司", "COMPANY"),  # 云帆 inside it is dropped
        ("北京", "LOC"),
        ("中关村软件园", "PARK"),
        ("北京", "LOC"),
    ]
    assert record["park_places"] == {"中关村软件园": ["北京"]}
    assert ann.parse(ann.from_record(record))[0].doc_id == "d1"
    assert ann.to_record(ann.parse(ann.from_record(record))[0], text)["entities"] == record["entities"]


@pytest.mark.parametrize(
    "lines, reason",
    [
        ("E\tPARK\t不存在园", "does not occur"),
        ("E\tPARK\t中关村软件园", "no P line"),
        ("E\tCOMPANY\t云帆\nR\tLOCATED_IN\t云帆\t中关村软件园", "not the canonical name"),
        ("E\tLOC\t云帆\nE\tCOMPANY\t云帆", "equally long"),
        ("M\t5亿元\tabc\tCNY", "not a number"),
    ],
)
def test_annotation_errors_say_why(lines, reason):
    (doc,) = ann.parse("## d\n" + lines + "\n")
    with pytest.raises(ann.AnnotationError, match=reason):
        ann.to_record(doc, "云帆在中关村软件园投资5亿元。")


def _gold(doc_id: str, places: dict, relations=()) -> GoldDocument:
    text = "苏州工业园区位于苏州。星海科技入驻苏州工业园区。"
    entities = [
        {"start": 0, "end": 6, "label": "PARK", "entity": "苏州工业园区"},
        {"start": 8, "end": 10, "label": "LOC", "entity": "苏州"},
        {"start": 11, "end": 15, "label": "COMPANY", "entity": "星海科技"},
        {"start": 17, "end": 23, "label": "PARK", "entity": "苏州工业园区"},
    ]
    return GoldDocument(doc_id, text, entities, list(relations), places)


def test_park_in_is_scored_by_place_one_per_park():
    located = {"head": "星海科技", "relation": "LOCATED_IN", "tail": "苏州工业园区"}
    gold = [
        _gold("xwlb-p1", {"苏州工业园区": ["苏州", "江苏省"]}, [located]),
        _gold("msra-train-2", {"苏州工业园区": []}),
    ]
    park_in = [{"relation": "PARK_IN", "head": "苏州工业园区", "tail": t} for t in ("苏州市", "江苏", "昆山")]
    rows = [{**e, "text": gold[0].text[e["start"] : e["end"]]} for e in gold[0].entities]
    report = score(
        gold, {"xwlb-p1": Prediction(rows, [located, *park_in]), "msra-train-2": Prediction(rows, park_in[:1])}
    )
    data = report.as_dict()
    # 苏州市 right (suffix ignored), 江苏 a second right place (neither), 昆山 wrong; the second
    # document's park has no stated place, so its PARK_IN is wrong
    assert data["relations"]["per_type"]["PARK_IN"] == {
        **data["relations"]["per_type"]["PARK_IN"],
        "tp": 1,
        "fp": 2,
        "fn": 0,
    }
    assert data["relations"]["company_park"]["f1"] == 1.0
    assert set(data["by_source"]) == {"xwlb", "msra"}
    assert data["by_source"]["xwlb"]["PARK_IN"]["precision"] == 0.5


def test_a_relation_end_matches_its_own_name_before_a_name_without_places():
    # 山东自贸区 and 江苏自贸区 are both 自贸区 without their places: each PARK_IN must still be
    # scored against its own park
    text = "山东自贸区烟台片区和江苏自贸区南京片区。"
    names = ["山东自贸区", "烟台片区", "江苏自贸区", "南京片区"]
    entities, start = [], 0
    for name in names:
        start = text.index(name, start)
        entities.append({"start": start, "end": start + len(name), "label": "PARK", "entity": name})
    places = {"山东自贸区": ["山东"], "烟台片区": ["烟台"], "江苏自贸区": ["江苏"], "南京片区": ["南京", "江苏"]}
    gold = GoldDocument("xwlb-p9", text, entities, [], places)
    rows = [{**e, "text": name} for e, name in zip(entities, names)]
    park_in = [{"relation": "PARK_IN", "head": n, "tail": p} for n, p in zip(names, ["山东", "烟台", "江苏", "南京"])]
    report = score([gold], {"xwlb-p9": Prediction(rows, park_in)}).as_dict()
    assert report["relations"]["per_type"]["PARK_IN"]["f1"] == 1.0


def test_names_without_places_never_match_two_different_parks():
    # 江苏自贸区 and 山东自贸区 are both 自贸区 without their places: a relation to 上海自贸区 is
    # no relation to either
    text = "甲公司落户江苏自贸区和山东自贸区。上海自贸区。"
    names = [("甲公司", "COMPANY"), ("江苏自贸区", "PARK"), ("山东自贸区", "PARK"), ("上海自贸区", "PARK")]
    entities = [
        {"start": text.index(n), "end": text.index(n) + len(n), "label": label, "entity": n} for n, label in names
    ]
    gold_relations = [{"head": "甲公司", "relation": "LOCATED_IN", "tail": t} for t in ("江苏自贸区", "山东自贸区")]
    gold = GoldDocument("xwlb-p8", text, entities, gold_relations, {})
    rows = [{**e, "text": e["entity"]} for e in entities]
    predicted = [{"head": "甲公司", "relation": "LOCATED_IN", "tail": t} for t in ("上海自贸区", "江苏自贸区")]
    counts = score([gold], {"xwlb-p8": Prediction(rows, predicted)}).as_dict()["relations"]["per_type"]["LOCATED_IN"]
    assert (counts["tp"], counts["fp"], counts["fn"]) == (1, 1, 1)
