"""Pretrained character and bigram vectors: what they read, what they leave out, how the tagger
starts from them."""

import gzip
import importlib.util
import json

import numpy
import pytest
from typer.testing import CliRunner

from pipeline import embeddings
from pipeline.charnet import Vocabulary
from pipeline.cli import app

GOLD_TEXT = "苏州工业园区管委会今天与星海科技签约，星海科技的研发中心将落户园区的人工智能产业园。"
needs_gensim = pytest.mark.skipif(importlib.util.find_spec("gensim") is None, reason="needs gensim (the train extra)")
needs_torch = pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="needs torch (the train extra)")


@pytest.fixture
def gold_file(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"doc_id": "g1", "text": GOLD_TEXT, "entities": [], "relations": []}) + "\n", "utf-8")
    return path


def test_a_text_repeating_a_gold_text_is_left_out_and_others_are_cut_into_sentences(gold_file):
    texts = [
        "央视网消息：" + GOLD_TEXT + "记者报道。",  # the same story with a different opening
        "今天天气晴朗。明天有雨！",
        "长江存储在武汉东湖高新区扩建工厂",
    ]
    kept, left_out = embeddings.sentences(texts, excluded=[gold_file])
    assert left_out == 1
    assert kept == ["今天天气晴朗。", "明天有雨!", "长江存储在武汉东湖高新区扩建工厂"]


def test_texts_sharing_only_a_common_phrase_are_not_repeats():
    repeats = embeddings.Repeats([GOLD_TEXT])
    assert not repeats("新华社北京电 苏州工业园区管委会今天发布消息，全年进出口总额增长百分之五以上。")
    assert repeats(GOLD_TEXT[5:])


def test_pretrained_rows_are_scaled_and_the_rest_are_left_to_the_random_start():
    names = numpy.array(["园", "区", "司"])
    vectors = numpy.array([[1.0, -1.0], [2.0, 0.0], [0.0, 3.0]], dtype="float16")
    out = embeddings.table({"园": 2, "司": 4, "朝": 3}, 5, vectors, names)
    assert numpy.isnan(out[[0, 1, 3]]).all()
    spread = vectors.astype("float32").std()
    assert numpy.allclose(out[2], [1 / spread, -1 / spread]) and numpy.allclose(out[4], [0, 3 / spread])


def test_the_vocabulary_takes_the_pretrained_keys_as_well():
    vocab = Vocabulary.build(["星海科技入驻园区。"] * 2, pretrained=(["鑫", "园"], ["鑫海", "园区", "海洋"]))
    assert {"鑫", "园", "星"} <= set(vocab.chars)
    assert {"鑫海", "海洋", "园区", "星海"} <= set(vocab.bigrams)
    assert "鑫海" not in Vocabulary.build(["星海科技入驻园区。"] * 2).bigrams


@needs_torch
def test_training_starts_its_tables_from_the_pretrained_rows():
    from pipeline.bilstm_crf import Hyperparameters, fit

    rng = numpy.random.default_rng(0)
    features = numpy.stack([rng.integers(1, 6, 40), rng.integers(1, 6, 40), numpy.ones(40), numpy.ones(40)])
    data = {
        "sizes": numpy.array([6, 6, 3, 3]),
        "pretrained_0": numpy.full((6, 4), numpy.nan, dtype="float32"),
        **{f"{split}_features": features.astype("uint16") for split in ("train", "dev")},
        **{f"{split}_tags": numpy.zeros(40, dtype="int64") for split in ("train", "dev")},
        **{f"{split}_offsets": numpy.array([0, 20, 40]) for split in ("train", "dev")},
    }
    data["pretrained_0"][3] = [0.5, -0.25, 1.0, 2.0]
    hp = Hyperparameters(char_dim=4, bigram_dim=4, word_dim=2, lexicon_dim=2, hidden=4, epochs=1, learn_rate=1e-9)
    weights, _ = fit(data, hp, log=lambda _: None)
    assert numpy.allclose(weights["embed.0.weight"][3].astype("float32"), [0.5, -0.25, 1.0, 2.0], atol=1e-3)


@pytest.mark.slow
@needs_gensim
def test_train_embeddings_writes_vectors_most_frequent_first(tmp_path):
    corpora = tmp_path / "data"
    (corpora / "news_xwlb").mkdir(parents=True)
    items = [{"title": "园区新闻", "text": "星海科技入驻苏州工业园区。园区企业增长迅速！"}] * 30
    with gzip.open(corpora / "news_xwlb" / "xwlb_all_articles.jsonl.gz", "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(item, ensure_ascii=False) + "\n" for item in items)
    (corpora / "msra_ner").mkdir()
    import io
    import tarfile

    with tarfile.open(corpora / "msra_ner" / "msra.tar.gz", "w:gz") as tar:
        data = "".join(f"{c} O\n" for c in "张伟在北京。").encode("utf-8") + b"\n"
        info = tarfile.TarInfo("msra/msra_train_bio")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    (corpora / "cluener2020").mkdir()
    (corpora / "cluener2020" / "train.json").write_text(json.dumps({"text": "赵敏在杭州。", "label": {}}) + "\n")
    out = tmp_path / "vectors.npz"
    result = CliRunner().invoke(app, ["train", "embeddings", str(corpora), "--out", str(out), "--epochs", "1"])
    assert result.exit_code == 0, result.output
    vectors = embeddings.load(out)
    assert set(vectors["chars"][:2]) == {"园", "区"}  # three times each, the most of any character
    assert vectors["char_vectors"].shape == (len(vectors["chars"]), 128)
    assert "园区" in vectors["bigrams"].tolist() and vectors["bigram_vectors"].shape[1] == 64
    assert (numpy.diff(vectors["bigram_counts"]) <= 0).all()


def test_train_embeddings_names_a_missing_archive(tmp_path):
    result = CliRunner().invoke(app, ["train", "embeddings", str(tmp_path)])
    assert result.exit_code != 0 and "xwlb_all_articles.jsonl.gz" in result.output


def test_train_embeddings_names_the_sources_it_can_leave_out(tmp_path):
    result = CliRunner().invoke(app, ["train", "embeddings", str(tmp_path), "--without-source", "weibo"])
    assert result.exit_code != 0 and "xwlb, msra, cluener" in result.output and "weibo" in result.output


def test_a_cross_source_run_reads_no_archive(tmp_path, monkeypatch):
    monkeypatch.setattr(embeddings, "read_corpus", lambda path, fmt: [type("Doc", (), {"text": f"{fmt}句子"})()])
    texts = list(embeddings.unlabeled_texts(tmp_path, without={"xwlb"}))  # no archive under tmp_path
    assert texts == ["bio句子", "cluener句子"]
