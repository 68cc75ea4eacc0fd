"""The statistical taggers: the character model's features, training it, and the HanLP backend."""

import importlib.util
import io
import json
import math
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import pipeline
from pipeline.backends import ner_problem, resolve_model_path
from pipeline.charnet import (
    ANY_ORG_BEGIN,
    ANY_ORG_INSIDE,
    LEXICON_SHAPES,
    MISSING,
    TAGS,
    WORD_SHAPES,
    CharNet,
    Vocabulary,
    knowledge_shapes,
    tag_spans,
    windows,
    word_shapes,
)
from pipeline.charnet import UNKNOWN as UNKNOWN_ID
from pipeline.cli import app
from pipeline.gold import GoldDocument
from pipeline.ner import model_label, model_mention
from pipeline.train import UNKNOWN, gold_tags

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


def test_features_give_each_character_its_word_and_the_dictionary_words_around_it():
    vocab = Vocabulary.build(["中关村软件园", "中关村软件园"])
    (features,) = vocab.features([("中关村软件园区", [(0, 3), (3, 6), (6, 7)])])
    assert features[0, :6].tolist() == [vocab.chars[c] for c in "中关村软件园"]
    assert features[0, 6] == UNKNOWN_ID  # 区 was never seen
    assert features[1, 0] == vocab.bigrams["中关"] and features[1, 6] == UNKNOWN_ID
    # word shape: B/M/E of a 3-character word (1 + 1, 4 + 1, 7 + 1), then S for 区
    assert features[2].tolist() == [2, 5, 8, 2, 5, 8, 0]
    # jieba's dictionary has 中关村, 软件, 软件园, 园区: 中 starts one, 件 ends one and runs inside one
    lexicon = features[3].tolist()
    assert lexicon[0] & 1 and lexicon[2] & 4 and lexicon[4] & 2 and lexicon[4] & 4 and lexicon[6] & 4


def _lexicon_bits(text: str) -> list[int]:
    """The lexicon feature by its definition, one dictionary word at a time."""
    import jieba

    bits = [0] * len(text)
    for start, ends in jieba.dt.get_DAG(text).items() if text else []:
        for last in (e for e in ends if e > start):
            bits[start] |= 1
            bits[last] |= 4
            for i in range(start + 1, last):
                bits[i] |= 2
    return bits


@given(st.lists(st.text(alphabet="中关村软件园区科技有限公司，。\n 𠀀A1", max_size=30), min_size=1, max_size=6))
def test_batched_features_are_each_pieces_own(texts):
    from pipeline.segment import word_spans

    vocab = Vocabulary.build(["中关村软件园区", "科技有限公司。", "𠀀A1园区"])
    for text, features in zip(texts, vocab.features([(t, word_spans(t)) for t in texts])):
        assert features.shape == (vocab.feature_count, len(text)) == (8, len(text))
        assert features[0].tolist() == [vocab.chars.get(c, UNKNOWN_ID) for c in text]
        assert features[1].tolist() == [vocab.bigrams.get(text[i : i + 2], UNKNOWN_ID) for i in range(len(text))]
        assert features[2].tolist() == word_shapes(len(text), word_spans(text)).tolist()
        assert features[3].tolist() == _lexicon_bits(text)
        assert features[4:].tolist() == knowledge_shapes(text).tolist()


def test_knowledge_shapes_mark_the_lexicons_names():
    text = "比亚迪在西安高新区投资"
    company, park, place, _ = knowledge_shapes(text)
    assert company[:4].tolist() == [1, 2, 4, 0]  # 比亚迪 starts, runs, ends (高新 is a short name too)
    assert park[4] & 1 and park[8] & 4  # 西安高新区
    assert place[4] & 1 and place[5] & 4  # 西安, inside the park's name too


def test_int8_network_tags_the_seed_page_as_the_float_one():
    from pipeline.segment import word_spans

    path = resolve_model_path("ner")
    text = next(Path("seeds").glob("*.txt")).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip()]
    pieces = [(line, word_spans(line)) for line in lines]
    exact = {(i, *s) for i, spans in enumerate(CharNet(path).tag(pieces)) for s in spans}
    fast = {(i, *s) for i, spans in enumerate(CharNet(path, int8=True).tag(pieces)) for s in spans}
    assert len(exact) > 100
    assert len(exact & fast) / len(exact | fast) >= 0.97


@pytest.mark.slow
def test_importing_the_pipeline_leaves_torch_unloaded():
    code = "import sys, pipeline; print('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_model_orgs_take_their_label_from_the_head():
    assert model_label("北京国盾量子信息技术有限公司", "ORG") == "COMPANY"
    assert model_label("天府软件园", "ORG") == "PARK"
    assert model_label("国家发改委", "ORG") == "ORG"
    assert model_label("苏州纺织机械厂", "ORG") == "COMPANY"  # a factory is an enterprise
    assert model_label("阿富汗中央银行", "COMPANY") == "ORG"  # a central bank is the state's, a bank a firm
    assert model_label("印度储备银行", "COMPANY") == "ORG"
    assert model_label("兴业银行", "ORG") == "COMPANY"
    assert model_label("张伟", "PERSON") == "PERSON"


def test_model_spans_lose_the_quotes_and_spaces_at_their_edges():
    span = model_mention("建设“北京市工程实验室”等平台", 2, 12, "ORG", "model", 0.85)
    assert (span.start, span.end) == (3, 11)
    span = model_mention("  腾讯 ", 0, 5, "ORG", "model", 0.85)
    assert (span.start, span.end) == (2, 4)
    assert model_mention("“”", 0, 2, "ORG", "model", 0.85) is None


def test_model_spans_lose_a_bracket_that_pairs_with_nothing_inside_them():
    text = "天津经济技术开发区（泰达）内的孚能科技(赣州)股份有限公司"
    span = model_mention(text, 10, 13, "PARK", "model", 0.85)  # 泰达）
    assert text[span.start : span.end] == "泰达"
    span = model_mention(text, 9, 12, "ORG", "model", 0.85)  # （泰达
    assert text[span.start : span.end] == "泰达"
    span = model_mention(text, 15, 29, "COMPANY", "model", 0.85)
    assert text[span.start : span.end] == "孚能科技(赣州)股份有限公司"


def test_a_name_quoting_a_part_of_itself_keeps_both_quotes():
    text = "是“巨石”工业园的一部分"
    span = model_mention(text, 2, 8, "PARK", "model", 0.85)  # the model's 巨石”工业园
    assert text[span.start : span.end] == "“巨石”工业园"
    span = model_mention("全国“扫黄打非办公室", 0, 10, "ORG", "model", 0.85)  # no closing quote to take
    assert (span.start, span.end) == (0, 10)
    span = model_mention("全国“扫黄打非”工作小组", 0, 7, "ORG", "model", 0.85)  # never ends on a quote
    assert (span.start, span.end) == (0, 7)


def test_word_shapes_bucket_long_words():
    assert word_shapes(6, [(0, 6)]).tolist() == [3, 6, 6, 6, 6, 9]


def test_tag_ids_read_back_as_spans():
    ids = [TAGS.index(t) for t in ["B-PERSON", "I-PERSON", "O", "I-LOC", "B-ORG", "B-ORG", "I-ORG"]]
    assert tag_spans(ids) == [(0, 2, "PERSON"), (3, 4, "LOC"), (4, 5, "ORG"), (5, 7, "ORG")]


def test_unknown_spans_are_missing_in_the_training_tags():
    gold = GoldDocument(
        "x",
        "他住在北京市海淀区中关村大街。",
        [{"start": 3, "end": 14, "label": UNKNOWN}, {"start": 0, "end": 1, "label": "PERSON"}],
        [],
    )
    tags = gold_tags(gold, len(gold.text))
    assert tags[0] == TAGS.index("B-PERSON") and tags[1] == 0
    assert set(tags[3:14].tolist()) == {MISSING}  # neither entity nor O


@given(st.lists(st.sampled_from(["甲", "，", "乙", "乙乙", "乙乙乙"]), max_size=40), st.integers(8, 16))
def test_training_pieces_cover_the_text_without_cutting_an_entity(words, limit):
    text = "".join(words)
    begin, inside = TAGS.index("B-ORG"), TAGS.index("I-ORG")
    tags = numpy.array([t for w in words for t in ([begin] + [inside] * (len(w) - 1) if "乙" in w else [0])])
    pieces = windows(text, limit, lambda i: tags[i] != inside)
    assert "".join(text[a:b] for a, b in pieces) == text
    assert all(b - a <= limit for a, b in pieces)
    assert all(tags[a] != inside for a, _ in pieces if a < len(text))


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="training needs torch (the train extra)")
def test_the_partial_crf_teaches_nothing_where_no_tag_is_given():
    from pipeline.bilstm_crf import BiLSTMCRF, Hyperparameters

    torch = importlib.import_module("torch")
    torch.manual_seed(0)
    model = BiLSTMCRF([10, 10, WORD_SHAPES, LEXICON_SHAPES], Hyperparameters(hidden=8, dropout=0.0))
    ids = torch.randint(1, 8, (2, 4, 5))
    lengths = torch.tensor([5, 3])
    unknown = torch.full((2, 5), MISSING)
    assert abs(model.loss(ids, unknown, lengths).item()) < 1e-5
    known = torch.tensor([[1, 2, 0, 5, 6], [3, 4, 0, 0, 0]])
    assert model.loss(ids, known, lengths).item() > 0.1


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="training needs torch (the train extra)")
def test_a_coarse_organisation_allows_each_kind_of_organisation():
    from pipeline.bilstm_crf import BiLSTMCRF, Hyperparameters

    torch = importlib.import_module("torch")
    torch.manual_seed(0)
    model = BiLSTMCRF([10, 10, WORD_SHAPES, LEXICON_SHAPES], Hyperparameters(hidden=8, dropout=0.0))
    ids, lengths = torch.randint(1, 8, (1, 4, 3)), torch.tensor([3])
    coarse = model.loss(ids, torch.tensor([[ANY_ORG_BEGIN, ANY_ORG_INSIDE, 0]]), lengths).item()
    kinds = [
        model.loss(ids, torch.tensor([[TAGS.index(f"B-{k}"), TAGS.index(f"I-{k}"), 0]]), lengths).item()
        for k in ("ORG", "COMPANY", "PARK")
    ]
    # the likelihood of "some organisation" is the sum of the three kinds' (and of mixed paths)
    assert coarse < min(kinds)
    assert math.exp(-coarse) >= sum(math.exp(-k) for k in kinds) - 1e-6


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
    silver = [
        {
            "doc_id": f"s{i}",
            "text": "星海科技入驻苏州工业园区。",
            "relations": [],
            "entities": [
                {"start": 0, "end": 4, "label": "COMPANY", "entity": "星海科技"},
                {"start": 6, "end": 12, "label": "PARK", "entity": "苏州工业园区"},
            ],
        }
        for i in range(20)
    ]
    (root / "silver.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in silver), "utf-8")
    return root


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="training needs torch (the train extra)")
def test_train_command_reproduces_a_model_that_loads_into_the_pipeline(tiny_corpora, tmp_path):
    model = tmp_path / "ner"
    result = CliRunner().invoke(
        app,
        [
            "train",
            "ner",
            str(tiny_corpora),
            "--out",
            str(model),
            "--epochs",
            "15",
            "--silver",
            str(tiny_corpora / "silver.jsonl"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (model / "weights.npz").exists() and (tmp_path / "ner-data" / "data.npz").exists()
    nlp = pipeline.load(ner=str(model))
    mentions = nlp.get_pipe("ner").mentions(nlp.make_doc("张伟在北京创办了华为公司。"))
    assert {(m.start, m.end, m.label) for m in mentions} >= {(0, 2, "PERSON"), (8, 12, "COMPANY")}


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="training needs torch (the train extra)")
def test_training_data_trains_elsewhere_with_the_standalone_script(tiny_corpora, tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "train",
            "ner",
            str(tiny_corpora),
            "--data-only",
            "--out",
            str(tmp_path / "data"),
            "--silver",
            str(tiny_corpora / "silver.jsonl"),
        ],
    )
    assert result.exit_code == 0, result.output
    script = Path(pipeline.__file__).with_name("bilstm_crf.py")
    # as on a GPU machine without this package: importing it would fail
    run = (
        "import runpy, sys; sys.modules['pipeline'] = None; "
        "sys.argv.pop(0); runpy.run_path(sys.argv[0], run_name='__main__')"
    )
    folders = [str(tmp_path / "data"), str(tmp_path / "model")]
    args = [sys.executable, "-c", run, str(script), *folders, "--epochs", "1", "--hidden", "8"]
    subprocess.run(args, check=True, cwd=tmp_path, capture_output=True)
    assert {p.name for p in (tmp_path / "model").iterdir()} == {"weights.npz", "config.json", "vocab.json"}
    assert CharNet(tmp_path / "model").tag([("张伟在北京。", [(0, 2), (2, 3), (3, 5), (5, 6)])]) is not None


def test_train_command_names_missing_corpora(tmp_path):
    result = CliRunner().invoke(app, ["train", "ner", str(tmp_path)])
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


@pytest.mark.slow
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


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="training needs torch (the train extra)")
def test_onnx_inference_decodes_what_torch_decodes(tiny_corpora, tmp_path):
    from pipeline import bilstm_crf
    from pipeline.train import write_data

    torch = importlib.import_module("torch")
    write_data(tiny_corpora, tmp_path / "data")
    data = dict(numpy.load(tmp_path / "data" / "data.npz"))
    weights, record = bilstm_crf.fit(data, bilstm_crf.Hyperparameters(hidden=16, epochs=2), log=lambda line: None)
    bilstm_crf.save(tmp_path / "model", weights, record)
    (tmp_path / "model" / "vocab.json").write_text((tmp_path / "data" / "vocab.json").read_text("utf-8"), "utf-8")
    net = CharNet(tmp_path / "model")
    model = bilstm_crf.BiLSTMCRF([int(n) for n in data["sizes"]], bilstm_crf.Hyperparameters(hidden=16))
    model.load_state_dict({k: torch.from_numpy(v.astype("float32")) for k, v in weights.items()})
    model.eval()
    sentences = bilstm_crf.sentences(data, "train")[:20]
    ids, _, lengths = bilstm_crf._batch(sentences, "cpu")
    with torch.no_grad():
        expected = model.decode(ids, lengths)
    paths = net._viterbi(*net._scores([x.astype("int64") for x, _ in sentences]))
    assert [p.tolist() for p in paths] == expected


@given(st.lists(st.integers(1, 200), max_size=50), st.integers(1, 1000))
def test_decoding_runs_cover_every_window_within_the_budget(lengths, budget):
    from pipeline.charnet import _runs

    lengths.sort()
    runs = list(_runs(lengths, budget))
    assert [i for run in runs for i in run] == list(range(len(lengths)))
    assert all(len(run) == 1 or len(run) * lengths[run[-1]] <= budget for run in runs)


def test_inference_windows_end_at_sentence_ends_first():
    text = "甲乙丙，丁戊己。庚辛壬癸子丑寅卯辰"
    assert windows(text, 10) == [(0, 8), (8, len(text))]  # after 。 rather than after ，
    assert windows("甲乙丙丁戊己庚辛壬癸子丑", 5) == [(0, 5), (5, 10), (10, 12)]  # no punctuation: at the limit


@pytest.fixture(scope="module")
def net_with_short_windows():
    net = CharNet(resolve_model_path("ner"))
    net.config["hyperparameters"]["max_length"] = 7
    return net


@given(st.text(alphabet="张伟在北京创办华为公司。 ，", max_size=40))
def test_long_texts_are_tagged_in_windows_within_bounds(net_with_short_windows, text):
    from pipeline.segment import word_spans

    (spans,) = net_with_short_windows.tag([(text, word_spans(text))])
    assert all(0 <= a < b <= len(text) for a, b, _ in spans)
    assert all(b1 <= a2 for (_, b1, _), (a2, _, _) in zip(sorted(spans), sorted(spans)[1:]))


def test_the_shipped_model_fills_the_gaps_the_rules_leave(nlp):
    doc = nlp("张伟在中关村软件园创办了一家企业。")  # no title or verb of saying: the person rules stay silent
    found = {(e.text, e.label_, e._.source) for e in doc.ents}
    assert ("张伟", "PERSON", "model") in found
    # the model, trained on MSRA, sees the place 中关村 here; the park rule's span stands
    assert ("中关村软件园", "PARK", "lexicon:park") in found


def test_model_mentions_replace_only_the_rule_sources_they_outrank(nlp):
    from pipeline.mentions import Candidate, write_mentions

    outranks = nlp.get_pipe("mentions").policy.outranks["ner"]
    # 华为技术有限公司 is a registered name of the curated company lexicon
    doc = nlp.get_pipe("rules")(nlp.get_pipe("sentences")(nlp.make_doc("张伟在北京市海淀区创办了华为技术有限公司")))
    write_mentions(doc, doc._.candidates["rules"], overwrite=True)
    rules = [(e.text, e._.source) for e in doc.ents]
    assert rules == [("北京市", "lexicon:place"), ("海淀区", "lexicon:place"), ("华为技术有限公司", "lexicon:company")]
    write_mentions(doc, [Candidate(6, 14, "ORG", "model", 0.85)], False, outranks)  # overlaps a place and a company
    assert [(e.text, e._.source) for e in doc.ents] == rules
    write_mentions(doc, [Candidate(3, 9, "LOC", "model", 0.85)], False, outranks)  # overlaps places only
    assert [(e.text, e._.source) for e in doc.ents] == [
        ("北京市海淀区", "model"),
        ("华为技术有限公司", "lexicon:company"),
    ]


@settings(deadline=None)  # the first call warms the network up
@given(st.lists(st.text(alphabet="张伟在北京创办华为公司，比亚迪落户中关村软件园。 ", max_size=40), max_size=6))
def test_decoding_documents_together_finds_what_each_finds_alone(net_with_short_windows, texts):
    from pipeline.segment import word_spans

    net = net_with_short_windows
    emitted = [net.emissions([(text, word_spans(text))])[0] for text in texts]
    assert net.decode(emitted) == [net.decode([one])[0] for one in emitted]


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(1, 3), min_size=1, max_size=5), st.integers(0, 2**32 - 1))
def test_decoding_finds_each_windows_best_path_whatever_the_others(lengths, seed):
    import itertools

    net = CharNet(resolve_model_path("ner"))
    tags = len(net.start)
    scores = numpy.random.default_rng(seed).normal(size=(len(lengths), max(lengths), tags)).astype("float32")
    paths = net._viterbi(scores, numpy.array(lengths))

    def score(row: int, path: tuple[int, ...]) -> float:
        total = net.start[path[0]] + net.end[path[-1]] + sum(scores[row, t, tag] for t, tag in enumerate(path))
        return total + sum(net.transitions[a, b] for a, b in zip(path, path[1:]))

    for row, n in enumerate(lengths):
        assert len(paths[row]) == n
        best = max(score(row, p) for p in itertools.product(range(tags), repeat=n))
        assert score(row, tuple(paths[row])) == pytest.approx(best, abs=1e-4)
        alone = net._viterbi(scores[row : row + 1, :n], numpy.array([n]))[0]
        assert alone.tolist() == paths[row].tolist()
