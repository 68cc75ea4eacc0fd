"""The mentions room: taggers propose candidates, the overlap policy writes ``doc.ents``, the
alias stage adds the declared short names; coref reads them."""

import pytest
from spacy.training import Example

import pipeline
from pipeline.mentions import Candidate, OverlapPolicy, outside_quoted_names, resolve_overlaps

TEXT = "张伟在北京市海淀区创办了华为技术有限公司"


def policy_doc(nlp, policy: OverlapPolicy, candidates: dict[str, list[Candidate]]):
    return policy.write(nlp.get_pipe("sentences")(nlp.make_doc(TEXT)), candidates)


def test_taggers_propose_and_write_no_entity(nlp):
    doc = nlp.get_pipe("rules")(nlp.get_pipe("sentences")(nlp.make_doc(TEXT)))
    assert doc.ents == ()
    proposed = {(c.start, c.end, c.label) for c in doc._.candidates["rules"]}
    assert (12, 20, "COMPANY") in proposed


def test_the_first_tagger_of_the_policy_wins_and_the_next_fills_its_gaps(nlp):
    rules = [Candidate(3, 6, "LOC", "lexicon:place"), Candidate(6, 9, "LOC", "lexicon:place")]
    model = [Candidate(3, 9, "LOC", "model"), Candidate(0, 2, "PERSON", "model")]
    candidates = {"rules": rules, "ner": model}
    rules_win = OverlapPolicy(("rules", "ner"), {})
    assert [(e.text, e._.source) for e in policy_doc(nlp, rules_win, candidates).ents] == [
        ("张伟", "model"),
        ("北京市", "lexicon:place"),
        ("海淀区", "lexicon:place"),
    ]
    model_wins = OverlapPolicy(("ner", "rules"), {})
    assert [e.text for e in policy_doc(nlp, model_wins, candidates).ents] == ["张伟", "北京市海淀区"]
    # outranking the place lexicon, the model's span replaces the places it covers
    outranking = OverlapPolicy(("rules", "ner"), {"ner": frozenset({"lexicon:place"})})
    assert [e.text for e in policy_doc(nlp, outranking, candidates).ents] == ["张伟", "北京市海淀区"]


def test_a_tagger_the_policy_does_not_place_is_an_error(nlp):
    with pytest.raises(ValueError, match="hanlp"):
        policy_doc(nlp, OverlapPolicy(("rules",), {}), {"hanlp": []})


def test_prefer_changes_the_policy_not_the_pipeline():
    default, model_first = pipeline.load(), pipeline.load(prefer="model")
    assert default.pipe_names == model_first.pipe_names
    assert default.get_pipe("mentions").policy.order == ("rules", "ner")
    assert model_first.get_pipe("mentions").policy == OverlapPolicy(("ner", "rules"), {})


def test_longest_first_then_the_surer_source():
    found = resolve_overlaps(
        [Candidate(0, 4, "ORG", "model"), Candidate(0, 4, "PARK", "lexicon:park"), Candidate(0, 2, "LOC", "lexicon")]
    )
    assert found == [Candidate(0, 4, "PARK", "lexicon:park")]


def test_names_inside_a_quoted_platform_name_are_no_mentions():
    text = "建设“中关村开放实验室”"
    inside, park = Candidate(3, 6, "PARK", "lexicon:park"), Candidate(3, 11, "ORG", "grammar:org")
    assert outside_quoted_names(text, [inside, park]) == []


def test_alias_stage_adds_the_declared_short_name_and_coref_reads_it(nlp):
    doc = nlp("成都云帆科技有限公司（以下简称云帆）位于天府软件园。云帆在该园区投资5亿元。")
    # the declared alias, and the short forms news uses undeclared (aliases.short_forms)
    assert {alias: span.text for alias, span in doc._.aliases.items()} == dict.fromkeys(
        ("云帆", "云帆科技", "成都云帆科技"), "成都云帆科技有限公司"
    )
    shorts = [e for e in doc.ents if e.text == "云帆"]
    assert [e._.source for e in shorts] == ["coref:alias", "coref:alias"]
    assert {e._.entity for e in shorts} == {"成都云帆科技有限公司"}


def test_the_mentions_stage_scores_the_entities(nlp):
    doc = nlp.make_doc("成都云帆科技有限公司位于天府软件园。")
    example = Example.from_dict(doc, {"entities": [(0, 10, "COMPANY"), (12, 17, "PARK")]})
    scores = nlp.evaluate([example])
    assert scores["ents_f"] == 1.0


def test_a_registered_name_gives_way_only_to_a_longer_model_name(nlp):
    from pipeline.mentions import write_mentions

    policy = nlp.get_pipe("mentions").policy
    outranks, extends = policy.outranks["ner"], policy.extends["ner"]
    text = "考察了北京华昊中天生物技术有限公司。"
    doc = nlp.make_doc(text)
    registered = Candidate(9, 17, "COMPANY", "grammar:registered", 0.85)  # 生物技术有限公司: cut short
    for model, kept in [
        (Candidate(5, 13, "COMPANY", "model", 0.85), "生物技术有限公司"),  # overlapping, not covering: the rule stands
        (Candidate(9, 17, "COMPANY", "model", 0.85), "生物技术有限公司"),  # the same name: the rule stands
        (Candidate(3, 17, "COMPANY", "model", 0.85), "北京华昊中天生物技术有限公司"),  # longer: the model's
    ]:
        write_mentions(doc, [registered], overwrite=True)
        write_mentions(doc, [model], False, outranks, extends)
        assert [e.text for e in doc.ents if e.label_ == "COMPANY"] == [kept]
    # an unregistered grammar name is re-cut by the model either way
    write_mentions(doc, [Candidate(3, 17, "COMPANY", "grammar:company", 0.85)], overwrite=True)
    write_mentions(doc, [Candidate(3, 9, "COMPANY", "model", 0.85)], False, outranks, extends)
    assert [e.text for e in doc.ents if e.label_ == "COMPANY"] == ["北京华昊中天"]


def test_an_organisation_grammar_name_gives_way_only_to_a_longer_model_name(nlp):
    from pipeline.mentions import write_mentions

    policy = nlp.get_pipe("mentions").policy
    text = "中国科学院大连化学物理研究所在园区设立分部。"
    doc = nlp.make_doc(text)
    parent = Candidate(0, 5, "ORG", "grammar:org", 0.85)  # 中国科学院: the grammar stops at the parent
    for model, kept in [
        (Candidate(0, 14, "ORG", "model", 0.85), ["中国科学院大连化学物理研究所"]),  # the whole institute
        (Candidate(2, 5, "ORG", "model", 0.85), ["中国科学院"]),  # a cut inside the name: the grammar's stands
    ]:
        write_mentions(doc, [parent], overwrite=True)
        write_mentions(doc, [model], False, policy.outranks["ner"], policy.extends["ner"])
        assert [e.text for e in doc.ents if e.label_ == "ORG"] == kept
    # end to end, with the shipped tagger
    read = pipeline.load()("近日，华中科技大学附属协和医院在光谷生物城开工建设新院区。")
    assert [e.text for e in read.ents if e.label_ == "ORG"] == ["华中科技大学附属协和医院"]


@pytest.mark.parametrize(
    "text, lexicon_park, model_span, model_label, kept",
    [
        # a park named without its head opens a longer name: the model's longer span stands
        ("项目落户中关村顺义园。", (4, 7), (4, 10), "PARK", "中关村顺义园"),
        # a park named with its head is whole: a 片区 after it is a park of its own
        ("在黑龙江自贸区哈尔滨片区。", (1, 7), (1, 12), "PARK", "黑龙江自贸区"),
        # the head is read in the normalised text, as the lexicons match
        ("在黑龍江自貿區哈爾濱片區。", (1, 7), (1, 12), "PARK", "黑龍江自貿區"),
        # a longer name of another kind does not replace the park
        ("在中关村管委会。", (1, 4), (1, 7), "ORG", "中关村"),
    ],
)
def test_a_lexicon_park_gives_way_to_a_longer_model_park_only_without_its_head(
    nlp, text, lexicon_park, model_span, model_label, kept
):
    from pipeline.mentions import write_mentions

    policy = nlp.get_pipe("mentions").policy
    doc = nlp.make_doc(text)
    write_mentions(doc, [Candidate(*lexicon_park, "PARK", "lexicon:park", 0.95)], overwrite=True)
    write_mentions(
        doc, [Candidate(*model_span, model_label, "model", 0.85)], False, policy.outranks["ner"], policy.extends["ner"]
    )
    assert [e.text for e in doc.ents if e.label_ == "PARK"] == [kept]


@pytest.mark.parametrize(
    "text, lexicon_firm, model_span, kept",
    [
        # a longer model name continues the lexicon's firm: a branch, a business line
        ("查处中石化管道分公司运销处。", (2, 5), (2, 10), ["中石化管道分公司"]),
        ("对美团出行等平台开展检查。", (1, 3), (1, 5), ["美团出行"]),
        # …but it never joins two firms the lexicons know, nor takes in a product's model
        ("华为中兴联合发起倡议。", (0, 2), (0, 4), ["华为"]),
        ("天翼年欢惠三星Note3大派送。", (5, 7), (5, 12), ["三星"]),
    ],
)
def test_a_lexicon_firm_gives_way_to_a_longer_model_name_that_continues_it(nlp, text, lexicon_firm, model_span, kept):
    from pipeline.mentions import write_mentions

    policy = nlp.get_pipe("mentions").policy
    doc = nlp.get_pipe("rules")(nlp.make_doc(text))  # the rule tagger lists the known firms
    write_mentions(doc, [Candidate(*lexicon_firm, "COMPANY", "lexicon:company", 0.95)], overwrite=True)
    write_mentions(
        doc, [Candidate(*model_span, "COMPANY", "model", 0.85)], False, policy.outranks["ner"], policy.extends["ner"]
    )
    assert [e.text for e in doc.ents if e.label_ == "COMPANY"] == kept


@pytest.mark.parametrize(
    "text, places, firm, expected",
    [
        # a Chinese place right before a firm's name is inside the name, whoever found the two
        ("大连珍奥公司研制成功。", [(0, 2)], (2, 6), [("大连珍奥公司", "COMPANY")]),
        ("辽宁省本溪市宏达开发公司。", [(0, 6)], (6, 12), [("辽宁省本溪市宏达开发公司", "COMPANY")]),
        # places written one after another go in together
        ("湖南长沙振华重工宣布。", [(0, 2), (2, 4)], (4, 8), [("湖南长沙振华重工", "COMPANY")]),
        # a country stays apart, as the silver writes it, and so does what stands before it
        ("美国微软公司宣布。", [(0, 2)], (2, 6), [("美国", "LOC"), ("微软公司", "COMPANY")]),
        ("美国上海振华重工。", [(0, 2), (2, 4)], (4, 8), [("美国", "LOC"), ("上海振华重工", "COMPANY")]),
        # a place that does not touch the name stays apart
        ("上海的振华重工宣布。", [(0, 2)], (3, 7), [("上海", "LOC"), ("振华重工", "COMPANY")]),
    ],
)
def test_a_chinese_place_before_a_firms_name_is_part_of_it(nlp, text, places, firm, expected):
    from pipeline.mentions import set_entities, with_places_in_firm_names

    doc = nlp.make_doc(text)
    doc._.norm_text = text
    mentions = [Candidate(*place, "LOC", "lexicon:place", 0.9) for place in places]
    set_entities(doc, [*mentions, Candidate(*firm, "COMPANY", "lexicon:company", 0.95)])
    doc = with_places_in_firm_names(doc)
    assert [(e.text, e.label_) for e in doc.ents] == expected
    assert all(e._.source != "lexicon:place" for e in doc.ents if e.label_ == "COMPANY")


def test_a_confirmed_source_stands_only_where_the_confirming_tagger_backs_it():
    policy = OverlapPolicy(("rules", "ner"), {}, {}, {"ner": frozenset({"grammar:company"})})
    grammar = Candidate(2, 7, "COMPANY", "grammar:company", 0.85)  # 高科技公司
    place = Candidate(0, 2, "LOC", "lexicon:place", 0.9)
    backed = {"rules": [grammar, place], "ner": [Candidate(3, 7, "COMPANY", "model", 0.9)]}
    assert policy.confirmed(backed)["rules"] == [grammar, place]
    # the model reads no firm there, or another label: the grammar's name goes, the place stays
    for model in ([], [Candidate(2, 7, "ORG", "model", 0.9)], [Candidate(7, 9, "COMPANY", "model", 0.9)]):
        assert policy.confirmed({"rules": [grammar, place], "ner": model})["rules"] == [place]
    # without the model (--ner none) there is nothing to confirm with: everything stands
    assert policy.confirmed({"rules": [grammar, place]})["rules"] == [grammar, place]
