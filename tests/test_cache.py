"""The disk cache of startup artefacts, and the dictionary-word features read through it."""

from __future__ import annotations

import jieba
import numpy
import pytest

from pipeline import cache, charnet
from pipeline.gazetteer import span_bits


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("PARKGRAPH_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def counting(value):
    calls = []

    def build():
        calls.append(1)
        return value

    return build, calls


def test_a_second_call_reads_what_the_first_built(folder):
    build, calls = counting({"梅李": ("梅李镇",)})
    assert cache.cached("towns-test", build) == {"梅李": ("梅李镇",)}
    assert cache.cached("towns-test", build) == {"梅李": ("梅李镇",)}
    assert len(calls) == 1
    assert len(list(folder.glob("towns-test-*.pickle"))) == 1


def test_a_new_key_rebuilds_and_only_the_newest_versions_stay(folder):
    import time

    build, calls = counting([1, 2])
    for version in range(5):
        cache.cached("words", build, f"dictionary v{version}")
        time.sleep(0.02)  # one version newer than the other by its file's time
    assert len(calls) == 5
    assert len(list(folder.glob("words-*.pickle"))) == cache.KEPT_VERSIONS == 3
    # two checkouts sharing the folder each find their own version: no rebuild for v2 to v4
    for version in (4, 2, 3):
        cache.cached("words", build, f"dictionary v{version}")
    assert len(calls) == 5
    cache.cached("words", build, "dictionary v0")  # removed: built again
    assert len(calls) == 6


def test_a_damaged_file_is_rebuilt(folder):
    build, calls = counting("value")
    cache.cached("damaged", build)
    (path,) = folder.glob("damaged-*.pickle")
    path.write_bytes(b"\x80 not a pickle")
    assert cache.cached("damaged", build) == "value"
    assert len(calls) == 2


def test_off_builds_every_time_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("PARKGRAPH_CACHE", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    build, calls = counting(3)
    assert cache.cached("off", build) == 3 and cache.cached("off", build) == 3
    assert len(calls) == 2
    assert not any(tmp_path.iterdir())


def test_an_unwritable_folder_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("PARKGRAPH_CACHE", str(blocker / "cache"))
    build, calls = counting("still here")
    assert cache.cached("unwritable", build) == "still here"
    assert blocker.read_text() == "not a folder"


def dag_shapes(text: str) -> numpy.ndarray:
    """The reference: jieba's own DAG of ``text``, words of 2+ characters."""
    words = [(start, last) for start, ends in jieba.dt.get_DAG(text).items() for last in ends if last > start]
    starts, lasts = numpy.array(words, dtype="int64").reshape(-1, 2).T
    return span_bits(len(text), starts, lasts)


@pytest.mark.parametrize(
    "text",
    [
        "中华人民共和国国务院",  # words inside words: 中华, 中华人民, 人民共和国, 共和国, 国务院
        "比亚迪在深圳市坪山区投资建设新能源汽车产业园。\n宁德时代落户溧阳",
        "ABC公司 2024年",
        "的",
    ],
)
def test_dictionary_words_are_the_words_of_jiebas_dag(text):
    assert numpy.array_equal(charnet.lexicon_shapes(text), dag_shapes(text))


def test_the_dictionary_key_follows_a_word_removed_from_jieba():
    # del_word keeps the word with a count of 0: size and total stay, the key must still change
    import jieba
    from jieba import finalseg

    from pipeline.segment import dictionary_key

    word = "一品红"
    before, count = dictionary_key(), jieba.dt.FREQ[word]
    jieba.del_word(word)
    try:
        assert dictionary_key() != before
    finally:  # as it was: del_word changed the count and the removed words only
        jieba.dt.FREQ[word] = count
        finalseg.Force_Split_Words.discard(word)
    assert dictionary_key() == before
