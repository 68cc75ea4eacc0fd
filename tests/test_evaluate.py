import json

from pipeline.evaluate import fold_place_into_park


def test_place_before_park_counts_as_one_park_span():
    assert fold_place_into_park({(0, 3, "LOC"), (3, 8, "PARK")}) == {(0, 8, "PARK")}
    assert fold_place_into_park({(0, 2, "LOC"), (2, 4, "LOC"), (4, 9, "PARK")}) == {(0, 9, "PARK")}
    assert fold_place_into_park({(0, 2, "LOC"), (3, 8, "PARK")}) == {(0, 2, "LOC"), (3, 8, "PARK")}
    assert fold_place_into_park({(0, 2, "LOC"), (2, 5, "ORG")}) == {(0, 2, "LOC"), (2, 5, "ORG")}


def test_corpus_readers_map_labels_and_offsets(tmp_path):
    from pipeline.corpora import read_corpus, tag_spans

    assert tag_spans(["B-PER", "I-PER", "O", "I-LOC", "B-ORG"], "bio") == [(0, 2, "PER"), (3, 4, "LOC"), (4, 5, "ORG")]
    assert tag_spans(["B-NAME", "M-NAME", "E-NAME", "S-ORG", "O"], "bmes") == [(0, 3, "NAME"), (3, 4, "ORG")]
    bio = tmp_path / "x.bio"
    bio.write_text("中\tB-ORG\n关\tI-ORG\n村\tI-ORG\n0\t\n\n王\tB-PER\n五\tI-PER\n", encoding="utf-8")
    (first, second) = read_corpus(bio, "bio")
    assert first.text == "中关村0" and first.entities == [{"start": 0, "end": 3, "label": "ORG", "entity": "中关村"}]
    assert second.entities[0]["label"] == "PERSON"
    clue = tmp_path / "c.json"
    clue.write_text(
        '{"text": "浙商银行在杭州", "label": {"company": {"浙商银行": [[0, 3]]}, "address": {"杭州": [[5, 6]]},'
        ' "book": {"x": [[4, 4]]}}}\n',
        encoding="utf-8",
    )
    (doc,) = read_corpus(clue, "cluener")
    assert sorted((e["entity"], e["label"]) for e in doc.entities) == [("杭州", "LOC"), ("浙商银行", "COMPANY")]
    weibo = tmp_path / "w.conll"
    weibo.write_text("我0\tO\n在1\tO\n北0\tB-GPE.NAM\n京1\tI-GPE.NAM\n20\tO\n", encoding="utf-8")
    (doc,) = read_corpus(weibo, "conll")
    assert doc.text == "我在北京2" and doc.entities[0]["label"] == "LOC"


def test_evaluate_a_bio_corpus_with_folded_labels(tmp_path):
    from typer.testing import CliRunner

    from pipeline.cli import app

    bio = tmp_path / "t.bio"
    chars = list("位于苏州工业园区的苏州星海科技有限公司")
    tags = ["O", "O"] + ["B-ORG"] + ["I-ORG"] * 5 + ["O"] + ["B-ORG"] + ["I-ORG"] * 9
    bio.write_text("\n".join(f"{c}\t{t}" for c, t in zip(chars, tags)) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", str(bio), "--format", "bio", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["entities"]["per_label"]["ORG"]["f1"] == 1.0  # PARK and COMPANY scored as MSRA's ORG
    assert "MONEY" not in report["entities"]["per_label"]
