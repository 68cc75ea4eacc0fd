"""The statistical taggers: the character model's features, training it, and the HanLP backend."""

import importlib.util
import io
import json
import tarfile

import pytest
import spacy
from spacy.strings import get_string_id
from typer.testing import CliRunner

import pipeline
from pipeline.cli import app
from pipeline.evaluate import GoldDocument
from pipeline.ner import CharTokenizer, model_label, ner_problem
from pipeline.train import UNKNOWN, reference_doc

SENTENCES = [
    ("张伟在北京创办了华为公司。", [(0, 2, "PER"), (3, 5, "LOC"), (8, 12, "ORG")]),
    ("李娜来到上海访问腾讯集团。", [(0, 2, "PER"), (4, 6, "LOC"), (8, 12, "ORG")]),
    ("王芳在深圳加入了阿里公司。", [(0, 2, "PER"), (3, 5, "LOC"), (8, 12, "ORG")]),
]


def bio_lines(text: str, spans: list[tuple[int, int, str]], prefix: str = "") -> list[str]:
    tags = ["O"] * len(text)
    for start, end, label in spans:
        tags[start:end] = [f"B-{prefix}{label}"] + [f"I-{prefix}{label}"] * (end - start - 1)
    return [f"{char}\t{tag}" for char, tag in zip(text, tags)] + [""]


def test_char_tokenizer_gives_each_character_its_word():
    doc = CharTokenizer(spacy.blank("zh").vocab)("中关村软件园")
    assert [t.text for t in doc] == list("中关村软件园")
    words = {t.lemma for t in doc}
    assert get_string_id("中关村") in words  # jieba's word, hashed
    assert [t.tag_ for t in doc][:3] == ["B", "M", "E"]
    assert doc[0].norm == get_string_id("中关")  # the bigram starting here
    assert doc[-1].norm == get_string_id("园")


def test_char_tokenizer_normalises_and_keeps_length():
    doc = CharTokenizer(spacy.blank("zh").vocab)("ＡＢＣ國際公司")
    assert doc.text == "ABC国际公司"


def test_model_orgs_take_their_label_from_the_head():
    assert model_label("北京国盾量子信息技术有限公司", "ORG") == "COMPANY"
    assert model_label("天府软件园", "ORG") == "PARK"
    assert model_label("国家发改委", "ORG") == "ORG"
    assert model_label("张伟", "PERSON") == "PERSON"


def test_reference_doc_leaves_unknown_spans_unsupervised():
    gold = GoldDocument(
        "x",
        "他住在北京市海淀区中关村大街。",
        [{"start": 3, "end": 14, "label": UNKNOWN}, {"start": 0, "end": 1, "label": "PERSON"}],
        [],
    )
    doc = reference_doc(spacy.blank("zh").vocab, gold)
    assert [(e.text, e.label_) for e in doc.ents] == [("他", "PERSON")]
    assert {t.ent_iob_ for t in doc[3:14]} == {""}  # missing: neither entity nor O
    assert doc[1].ent_iob_ == "O"


@pytest.fixture(scope="module")
def tiny_corpora(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpora")
    msra = "\n".join(line for _ in range(30) for text, spans in SENTENCES for line in bio_lines(text, spans))
    (root / "msra_ner").mkdir()
    with tarfile.open(root / "msra_ner" / "msra.tar.gz", "w:gz") as tar:
        data = msra.encode("utf-8")
        info = tarfile.TarInfo("msra/msra_train_bio")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    (root / "cluener2020").mkdir()
    labels = {"name": {"赵敏": [[0, 1]]}, "address": {"杭州市西湖区": [[3, 8]]}}
    records = [{"text": "赵敏在杭州市西湖区任职。", "label": labels}]
    records += [
        {"text": f"{name}发布公告。", "label": {kind: {name: [[0, len(name) - 1]]}}}
        for name, kind in [
            ("腾讯", "company"),
            ("新浪", "company"),
            ("北约", "government"),
            ("红十字会", "organization"),
        ]
    ]
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    (root / "cluener2020" / "train.json").write_text(lines, encoding="utf-8")
    return root


def test_train_command_reproduces_a_model_that_loads_into_the_pipeline(tiny_corpora, tmp_path):
    model = tmp_path / "ner"
    result = CliRunner().invoke(app, ["train", str(tiny_corpora), "--out", str(model), "--max-steps", "120"])
    assert result.exit_code == 0, result.output
    assert (model / "config.cfg").exists() and (tmp_path / "ner-training" / "train.spacy").exists()
    assert (model / "org_kind" / "meta.json").exists()
    nlp = pipeline.load(ner=str(model))
    mentions = nlp.get_pipe("ner").mentions(nlp.make_doc("张伟在北京创办了华为公司。"))
    assert {(m.start, m.end, m.label) for m in mentions} >= {(0, 2, "PERSON"), (8, 12, "COMPANY")}


def test_train_command_names_missing_corpora(tmp_path):
    result = CliRunner().invoke(app, ["train", str(tmp_path)])
    assert result.exit_code == 2
    assert "msra_ner/msra.tar.gz" in result.output


def test_unknown_ner_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(app, ["extract", str(tmp_path), "--ner", "nothing"], env={"COLUMNS": "300"})
    assert result.exit_code == 2
    assert "no NER model there" in result.output


def test_hanlp_without_the_extra_says_how_to_install(monkeypatch):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None if name == "hanlp" else real_find_spec(name))
    assert "pip install 'parkgraph[hanlp]'" in ner_problem("hanlp:/some/model")


@pytest.mark.skipif(importlib.util.find_spec("hanlp") is None, reason="the hanlp extra is not installed")
def test_hanlp_backend_runs_a_model_trained_offline(tmp_path):
    from pipeline.hanlp_ner import load_hanlp, train_hanlp_ner

    lines = [line for _ in range(10) for text, spans in SENTENCES for line in bio_lines(text, spans)]
    msra_tags = "\n".join(lines).replace("-PER", "-NR").replace("-LOC", "-NS").replace("-ORG", "-NT")
    (tmp_path / "train.tsv").write_text(msra_tags + "\n", encoding="utf-8")
    options = {"epochs": 40, "embed": 32, "rnn_hidden": 32, "batch_size": 10, "lr": 0.01, "patience": 40}
    tsv = tmp_path / "train.tsv"
    model = train_hanlp_ner(tsv, tsv, tmp_path / "hanlp", verbose=False, **options)
    assert load_hanlp(model).model.crf.batch_first is True

    text = "李娜来到上海访问腾讯集团。"  # a training sentence: a 40-epoch toy model only has to remember it
    (tmp_path / "in.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    args = ["extract", str(tmp_path / "in.txt"), "--out", str(out), "--ner", f"hanlp:{model}", "--prefer", "model"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in (out / "entities.jsonl").read_text(encoding="utf-8").splitlines()]
    found = {(r["text"], r["label"]) for r in rows if r["source"] == "model:hanlp"}
    assert {("李娜", "PERSON"), ("腾讯集团", "COMPANY")} <= found


def test_the_shipped_model_fills_the_gaps_the_rules_leave(nlp):
    doc = nlp("张伟在北京创办了一家企业。")  # no title or verb of saying: the person rules stay silent
    found = {(e.text, e.label_, e._.source) for e in doc.ents}
    assert ("张伟", "PERSON", "model") in found
    assert ("北京", "LOC", "lexicon:place") in found  # where both find a span, the rules' stands


def test_names_without_a_telling_head_are_classified_company_or_org():
    org_kind = spacy.load(pipeline.ner.resolve_model_path("ner") / pipeline.ner.ORG_KIND_DIR)
    assert {model_label(n, "ORG", org_kind) for n in ("腾讯", "阿里巴巴", "新浪")} == {"COMPANY"}
    assert {model_label(n, "ORG", org_kind) for n in ("北约", "中国足协", "联合国儿童基金会")} == {"ORG"}
