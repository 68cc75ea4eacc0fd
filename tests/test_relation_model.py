"""The relation classifier: candidates and features as pure functions of a built context, a tiny
model trained on written sentences in seconds, and the component that uses it."""

from dataclasses import replace

import pytest

import pipeline
from pipeline.gold import GoldDocument
from pipeline.relations.candidates import candidates
from pipeline.relations.classifier import RelationModel
from pipeline.relations.features import pair_features, tokens, trigger_classes
from pipeline.relations.training import cross_validated_pairs, examples, fit, gold_context, subset


@pytest.fixture(scope="module")
def nlp():
    return pipeline.load(ner="none", **{"components.relations.model": "none"})


def document(doc_id: str, text: str, entities: list[tuple[str, str]], relations=()) -> GoldDocument:
    spans, at = [], 0
    for surface, label in entities:
        start = text.index(surface, at)
        spans.append({"start": start, "end": start + len(surface), "label": label, "entity": surface})
        at = start + len(surface)
    rels = [{"head": h, "relation": r, "tail": t, "amount": None} for h, r, t in relations]
    return GoldDocument(doc_id, text, spans, rels)


def test_candidates_pair_organisations_with_the_park_of_their_sentence_or_the_last_one_before(nlp):
    text = "星海科技入驻苏州工业园区。云帆科技也在这里。\n已经在这里扎根的蓝鲸公司发布新品。"
    doc = document(
        "d", text, [("星海科技", "COMPANY"), ("苏州工业园区", "PARK"), ("云帆科技", "COMPANY"), ("蓝鲸公司", "COMPANY")]
    )
    ctx, _ = gold_context(nlp, doc)
    pairs = {(c.actor.entity, c.park.entity, c.across, c.far) for c in candidates(ctx)}
    # sentences that name no park pair with the last park named: in the paragraph, or before it
    assert pairs == {
        ("星海科技", "苏州工业园区", False, False),
        ("云帆科技", "苏州工业园区", True, False),
        ("蓝鲸公司", "苏州工业园区", True, True),
    }
    far = next(c for c in candidates(ctx) if c.far)
    f = pair_features(ctx, far, {})
    assert f["across_paragraph"] == 1.0 and "trigger=SETTLE@before|across" in f


def test_a_list_of_firms_across_from_its_park_reads_the_whole_sentence(nlp):
    # the trigger stands after the last firm of the list, beyond the first one's window
    text = "苏州工业园区已集聚外资企业上千家。星海科技、云帆科技、蓝鲸智能、青松生物等企业也在这里建厂投产。"
    firms = ["星海科技", "云帆科技", "蓝鲸智能", "青松生物"]
    doc = document("d", text, [("苏州工业园区", "PARK")] + [(firm, "COMPANY") for firm in firms])
    ctx, _ = gold_context(nlp, doc)
    first = next(c for c in candidates(ctx) if c.actor.entity == "星海科技")
    f = pair_features(ctx, first, {})
    assert first.across and "trigger=BUILD@after|across" not in f
    assert f["trigger=BUILD@sentence|across"] == 1.0 and f["sentence_refers_to_park|across"] == 1.0
    assert f["actor_in_list|across"] == 1.0
    last = pair_features(ctx, next(c for c in candidates(ctx) if c.actor.entity == "青松生物"), {})
    assert last["actor_then_deng|across"] == 1.0
    # a park named only as a firm's own name is no reference to the park before
    other = document(
        "e", "苏州工业园区举行签约。开发区建设集团发布年报。", [("苏州工业园区", "PARK"), ("开发区建设集团", "COMPANY")]
    )
    ctx, _ = gold_context(nlp, other)
    assert "sentence_refers_to_park|across" not in pair_features(ctx, next(candidates(ctx)), {})


def test_trigger_classes_generalise_over_the_words_of_a_class():
    assert trigger_classes(["计划", "投资建设"]) == {"INVEST", "BUILD"}
    assert trigger_classes(["正式", "安家"]) == {"SETTLE"}
    assert trigger_classes(["@COMPANY", "考察"]) == {"VISIT"}
    assert trigger_classes(["@PARK"]) == set()  # a masked mention is never a trigger


def test_features_read_the_words_between_with_names_masked(nlp):
    text = "星海科技与北京云帆科技有限公司计划入驻苏州工业园区。"
    doc = document("d", text, [("星海科技", "COMPANY"), ("北京云帆科技有限公司", "COMPANY"), ("苏州工业园区", "PARK")])
    ctx, _ = gold_context(nlp, doc)
    first = next(c for c in candidates(ctx) if c.actor.entity == "星海科技")
    f = pair_features(ctx, first, {})
    assert f["order=AP"] == 1.0 and f["plan"] == 1.0 and f["actor_opens_text"] == 1.0
    assert "actor_in_list" not in f  # nothing lists it: the text opens with it
    second = next(c for c in candidates(ctx) if c.actor.entity == "北京云帆科技有限公司")
    assert pair_features(ctx, second, {})["actor_in_list"] == 1.0  # …与北京云帆科技有限公司
    assert "gap:@COMPANY|AP" in f and "gap:入驻|AP" in f
    assert not any("云帆" in name for name in f)  # another company's name is not a feature
    assert tokens(text, 0, len(text), first.view.mentions)[:3] == ["@COMPANY", "与", "@COMPANY"]


# the last of each is held out: a known verb in a new phrase; lengths vary alike on both sides
SETTLES = ["入驻", "落户于", "进驻了", "迁入", "正式入驻"]
VISITS = ["参观", "考察了", "访问了", "宣传", "再次考察"]
COMPANIES = ["星海科技", "云帆科技", "蓝鲸智能", "青松生物", "金石材料", "白鹭电子"]
PARKS = ["苏州工业园区", "天府软件园", "张江高科技园区", "东湖高新区"]


def written(verbs: list[str], related: bool, start: int) -> list[GoldDocument]:
    docs = []
    for i, (verb, company) in enumerate((v, c) for v in verbs for c in COMPANIES):
        park = PARKS[(i + start) % len(PARKS)]
        text = f"近日，{company}{verb}{park}。"
        relations = [(company, "LOCATED_IN", park)] if related else []
        docs.append(document(f"w{start}-{i}", text, [(company, "COMPANY"), (park, "PARK")], relations))
    return docs


def test_a_tiny_model_learns_settling_from_visiting_and_survives_saving(nlp, tmp_path):
    train = written(SETTLES[:4], True, 0) + written(VISITS[:4], False, 1)
    model = fit(examples(nlp, train), c=3.0, min_count=1)
    model.save(tmp_path / "weights.json")
    model = RelationModel.load(tmp_path / "weights.json")
    held_out = {d.text: d for d in written(SETTLES[4:], True, 2) + written(VISITS[4:], False, 3)}
    for text, doc in held_out.items():
        ctx, _ = gold_context(nlp, doc)
        (candidate,) = candidates(ctx)
        p = model.probability("LOCATED_IN", pair_features(ctx, candidate, {}))
        assert (p > 0.5) == bool(doc.relations), (text, p)


def test_written_documents_weigh_less_in_the_fit_than_news(nlp):
    # the same sentences say "related" in written documents and "not related" in news: the fit
    # leans toward whichever weighs more
    settled = [replace(d, source="synth") for d in written(SETTLES[:4], True, 0)]
    denied = [replace(d, source="xwlb", relations=[]) for d in written(SETTLES[:4], True, 0)]
    probe = written(SETTLES[4:], True, 2)[0]
    ctx, _ = gold_context(nlp, probe)
    features = pair_features(ctx, next(candidates(ctx)), {})

    def p(written_weight: float) -> float:
        data = examples(nlp, settled + denied, written_weight)
        assert sorted(set(data.weights)) == sorted({written_weight, 1.0})
        return fit(data, c=3.0, min_count=1).probability("LOCATED_IN", features)

    assert p(0.25) < 0.5 < p(4.0)
    part = subset(examples(nlp, settled + denied, 0.25), [0, len(settled)])
    assert part.weights == [0.25, 1.0]  # a fold keeps its pairs' weights


def test_cross_validation_decides_each_pair_once_and_never_a_written_one(nlp):
    docs = written(SETTLES, True, 0) + written(VISITS, False, 1)
    data = examples(nlp, docs)
    sources = {d.doc_id: "synth" if i % 7 == 0 else "xwlb" for i, d in enumerate(docs)}
    decided = cross_validated_pairs(data, c=3.0, sources=sources)
    scored = [d for d in docs if sources[d.doc_id] != "synth"]
    assert len(decided["LOCATED_IN"]) == len(scored)  # one company–park pair a document
    assert sorted(label for _, label in decided["LOCATED_IN"]) == sorted(bool(d.relations) for d in scored)
    # held out, a settling verb is still told from a visit most of the time
    right = sum((p > 0.5) == bool(label) for p, label in decided["LOCATED_IN"])
    assert right >= 0.8 * len(scored)


def test_cross_validation_needs_two_documents_to_decide_anything(nlp):
    (one,) = written(SETTLES[:1], True, 0)[:1]
    data = examples(nlp, [one])
    assert cross_validated_pairs(data, c=3.0, sources={one.doc_id: "gold"}) == {"LOCATED_IN": [], "INVESTS_IN": []}


def test_the_component_takes_company_park_relations_from_the_model(nlp, tmp_path):
    model = fit(examples(nlp, written(SETTLES, True, 0) + written(VISITS, False, 1)), c=3.0, min_count=1)
    model.save(tmp_path / "weights.json")
    with_model = pipeline.load(ner="none", **{"components.relations.model": str(tmp_path)})
    doc = with_model("星海科技有限公司进驻了苏州工业园区。")  # no rule reads 进驻
    relations = {(r.head, r.relation, r.tail, r.method) for r in doc._.relations}
    assert ("星海科技有限公司", "LOCATED_IN", "苏州工业园区", "classifier") in relations
    assert all(0.0 <= r.confidence <= 1.0 for r in doc._.relations)


def test_training_without_the_built_silver_says_how_to_build_it(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    import pipeline.train
    from pipeline.cli import app

    monkeypatch.setattr(pipeline.train, "SILVER", tmp_path / "train.jsonl")
    result = CliRunner().invoke(app, ["train", "relations", "--out", str(tmp_path / "model")])
    assert result.exit_code == 2 and "corpus/tools/build.py" in result.output.replace("\n", "")


def test_tagged_examples_label_the_taggers_pairs_as_evaluation_scores_them():
    from pipeline.relations.training import tagged_examples

    text = "星海科技有限公司进驻了苏州工业园区。蓝鲸科技有限公司的代表参观了苏州工业园区。"
    gold = document(
        "d",
        text,
        [
            ("星海科技有限公司", "COMPANY"),
            ("苏州工业园区", "PARK"),
            ("蓝鲸科技有限公司", "COMPANY"),
            ("苏州工业园区", "PARK"),
        ],
        [("星海科技有限公司", "LOCATED_IN", "中新苏州工业园区")],
    )
    for mention in gold.entities[1::2]:  # the annotation names the park by a name the text never writes
        mention["entity"] = "中新苏州工业园区"
    data = tagged_examples("none", [gold])  # the rules' reading
    labels = {pair: label for pair, label in zip(data.pairs, data.labels["LOCATED_IN"])}
    # a pair is matched to the annotation as `parkgraph evaluate` matches a relation: by any name
    assert labels == {
        ("d", "星海科技有限公司", "苏州工业园区"): 1,
        ("d", "蓝鲸科技有限公司", "苏州工业园区"): 0,
    }


def test_read_with_names_a_documents_file_it_cannot_read(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    import pipeline.train
    from pipeline.cli import app

    silver = tmp_path / "train.jsonl"
    silver.write_text('{"doc_id": "d", "text": "苏州星海科技有限公司入驻苏州工业园区。"}\n', encoding="utf-8")
    monkeypatch.setattr(pipeline.train, "SILVER", silver)
    missing = tmp_path / "half.jsonl"
    result = CliRunner().invoke(app, ["train", "relations", str(silver), "--read-with", f"model={missing}"])
    assert result.exit_code == 2 and "half.jsonl" in result.output.replace("\n", "")


def test_a_document_without_a_park_is_not_read_for_relations(monkeypatch):
    import pipeline.relations

    rules = pipeline.load(ner="none", **{"components.relations.model": "none"})
    settled = "星海科技有限公司入驻{}。云帆科技有限公司也落户该园区。"
    found = {(r.head, r.relation, r.tail) for r in rules(settled.format("苏州工业园区"))._.relations}
    assert ("云帆科技有限公司", "LOCATED_IN", "苏州工业园区") in found  # through 该园区

    def unread(doc):
        raise AssertionError("a document without a park was read for relations")

    monkeypatch.setattr(pipeline.relations, "build_context", unread)
    assert rules(settled.format("园区"))._.relations == []  # 该园区 has no park to stand for
