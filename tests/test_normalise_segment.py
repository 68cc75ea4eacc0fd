import itertools

import jieba
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.util import get_words_and_spaces

from pipeline import lexicon, segment
from pipeline.normalise import normalise
from pipeline.segment import word_spans, words_and_spaces


def test_full_width_and_traditional_are_folded_in_place():
    assert normalise("（北京）有限公司１２３") == "(北京)有限公司123"
    assert normalise("中關村軟件園") == "中关村软件园"


@given(st.text(max_size=200))
def test_normalise_never_moves_an_offset(text):
    assert len(normalise(text)) == len(text)


@settings(deadline=None)  # the first example loads jieba's dictionary
@given(st.lists(st.sampled_from(["中关村", "公司", " ", "  ", "\n", "\u3000", "\t", "\r\n", "A1", "。"]), max_size=12))
def test_words_and_spaces_matches_spacy(parts):
    text = "".join(parts)
    spans = word_spans(normalise(text))
    assert words_and_spaces(text, spans) == get_words_and_spaces([text[a:b] for a, b in spans], text)


def jieba_spans(text: str) -> list[tuple[int, int]]:
    """The reference: jieba's own precise mode with the HMM."""
    ends = list(itertools.accumulate(len(word) for word in jieba.dt.cut(text, HMM=True)))
    return list(zip([0, *ends[:-1]], ends))


# words of jieba's dictionary, pieces of them (prefixes that are no word), characters without a
# count that the HMM reads (姍, 鑫), Latin, digits, spaces and punctuation
PIECES = ["中华人民共和国", "国务院", "中关村", "关村", "软件园", "宁德时代", "鑫", "姍", "淼", "的", "在"]
PIECES += ["新能源汽车", "产业园", "比亚迪", "迪", "ABC", "a1", "2024", " ", "\n", "\r\n", "。", "，", "(", "%", "-"]


@settings(deadline=None)
@given(
    st.lists(st.sampled_from(PIECES), max_size=20) | st.text(alphabet="中华人民共和国鑫淼产业园A1 \n。", max_size=40)
)
def test_words_are_jiebas_words(parts):
    text = "".join(parts)
    assert word_spans(text) == jieba_spans(text)


def test_words_follow_a_word_added_to_jiebas_dictionary():
    text = "星海鑫淼科技入驻园区"
    before = word_spans(text)
    jieba.add_word("鑫淼科技", freq=100_000)
    try:
        assert word_spans(text) == jieba_spans(text) != before
    finally:
        jieba.del_word("鑫淼科技")  # not followed (it changes neither the size nor the total):
        segment._DICTIONARIES.clear()  # documented in segment._dictionary


def test_word_tags_are_the_tags_jieba_posseg_reads():
    import jieba.posseg

    assert lexicon.word_tags() == jieba.posseg.dt.word_tag_tab
    assert lexicon.word_tags()["北京"] == "ns"


def test_doc_keeps_original_text_and_offsets(nlp):
    text = "中關村軟件園位於北京。ＡＢＣ公司　成立。"
    doc = nlp(text)
    assert doc.text == text
    assert doc._.norm_text == normalise(text)
    parks = [e for e in doc.ents if e.label_ == "PARK"]
    assert [(e.text, text[e.start_char : e.end_char]) for e in parks] == [("中關村軟件園", "中關村軟件園")]


def test_sentences_split_at_punctuation_and_line_breaks(nlp):
    doc = nlp("## 标题\n\n第一句。第二句！第三句")
    sentences = [s.text.strip() for s in doc.sents if s.text.strip()]
    assert sentences == ["## 标题", "第一句。", "第二句！", "第三句"]


def test_sentences_end_at_the_half_width_and_small_forms_of_the_marks(nlp):
    doc = nlp("第一句｡第二句﹗第三句")  # ｡ (U+FF61) and ﹗ (U+FE57) fold to 。 and !
    assert [s.text for s in doc.sents] == ["第一句｡", "第二句﹗", "第三句"]


def test_entity_edges_inside_a_jieba_word_split_the_token(nlp):
    doc = nlp("比如北京国盾量子信息技术有限公司。")
    (company,) = [e for e in doc.ents if e.label_ == "COMPANY"]
    assert company.text == "北京国盾量子信息技术有限公司"
