"""Training the relation classifier (``parkgraph train relations``) from gold-format documents.

Each training document is read with its annotated entities, not the tagger's: the text goes
through the tokenizer, the sentence splitter and coref (for anaphora and aliases), the gold
spans become the Doc's entities, the rules run, and every candidate pair gets its features and
its labels — positive for a type when the annotation relates the two entities that way. scikit-learn
fits one L2 logistic regression per type (a training-time dependency only); the weights are
written as JSON for ``classifier.RelationModel``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.language import Language

from ..gold import GoldDocument
from .candidates import candidates
from .classifier import TYPES, RelationModel
from .context import Context, build_context
from .features import pair_features
from .rules import extract_relations


@dataclass
class Examples:
    features: list[dict[str, float]] = field(default_factory=list)
    labels: dict[str, list[int]] = field(default_factory=lambda: {t: [] for t in TYPES})
    pairs: list[tuple[str, str, str]] = field(default_factory=list)  # (doc_id, actor, park), gold names
    rule_outcomes: Counter = field(default_factory=Counter)  # (rule method, right?) of the rules' relations


def gold_context(nlp: Language, gold: GoldDocument) -> tuple[Context, dict[str, str]]:
    """The Context of a gold document read with its annotated entities, and a map from the
    pipeline's entity names to the gold canonical names."""
    from ..grammar import Candidate
    from ..tag import set_entities

    doc = nlp.get_pipe("sentences")(nlp.make_doc(gold.text))
    mentions = [Candidate(e["start"], e["end"], e["label"], "gold", 1.0) for e in gold.entities]
    set_entities(doc, mentions, keep=False)
    doc = nlp.get_pipe("coref")(doc)
    canonical = {(e["start"], e["end"]): e.get("entity") or gold.text[e["start"] : e["end"]] for e in gold.entities}
    names: dict[str, Counter] = {}
    for span in doc.ents:
        if (span.start_char, span.end_char) in canonical:
            names.setdefault(span._.entity or span.text, Counter())[canonical[span.start_char, span.end_char]] += 1
    return build_context(doc), {name: votes.most_common(1)[0][0] for name, votes in names.items()}


def examples(nlp: Language, documents: Iterable[GoldDocument]) -> Examples:
    out = Examples()
    for gold in documents:
        ctx, to_gold = gold_context(nlp, gold)
        rules = {(r.head, r.relation, r.tail): r for r in extract_relations(ctx)}
        related = {(r["head"], r["relation"], r["tail"]) for r in gold.relations}
        for (head, relation, tail), rule in rules.items():
            if relation in TYPES:
                right = (to_gold.get(head), relation, to_gold.get(tail)) in related
                out.rule_outcomes[rule.method, right] += 1
        for candidate in candidates(ctx):
            actor, park = to_gold.get(candidate.actor.entity), to_gold.get(candidate.park.entity)
            out.features.append(pair_features(ctx, candidate, rules))
            out.pairs.append((gold.doc_id, actor or candidate.actor.entity, park or candidate.park.entity))
            for relation in TYPES:
                out.labels[relation].append(int((actor, relation, park) in related))
    return out


def fit(train: Examples, c: float = 1.0, min_count: int = 2) -> RelationModel:
    """One logistic regression per type; features seen fewer than ``min_count`` times are dropped."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    counts = Counter(name for f in train.features for name in f)
    kept = [{k: v for k, v in f.items() if counts[k] >= min_count} for f in train.features]
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform(kept)
    names = vectorizer.get_feature_names_out()
    weights, bias = {}, {}
    for relation in TYPES:
        y = train.labels[relation]
        if len(set(y)) < 2:
            weights[relation], bias[relation] = {}, -10.0
            continue
        model = LogisticRegression(C=c, max_iter=3000)
        model.fit(x, y)
        weights[relation] = {n: round(float(w), 5) for n, w in zip(names, model.coef_[0]) if abs(w) >= 1e-4}
        bias[relation] = round(float(model.intercept_[0]), 5)
    card = {
        "training_pairs": len(train.features),
        "positives": {t: sum(train.labels[t]) for t in TYPES},
        "C": c,
        "min_count": min_count,
        "features": len(names),
    }
    return RelationModel(weights, bias, {t: 0.5 for t in TYPES}, card, rule_precision(train.rule_outcomes))


def rule_precision(outcomes: Counter) -> dict[str, float]:
    """Each rule's precision on the training documents, smoothed (one right and one wrong added),
    so a rule seen rarely stays near 0.5: the confidence its relations carry."""
    methods = sorted({method for method, _ in outcomes})
    return {m: round((outcomes[m, True] + 1) / (outcomes[m, True] + outcomes[m, False] + 2), 3) for m in methods}


def pair_scores(model: RelationModel, data: Examples, relation: str) -> list[tuple[float, int]]:
    """(highest probability, gold label) per entity pair of ``data``: how the model decides pairs."""
    best: dict[tuple[str, str, str], tuple[float, int]] = {}
    for features, pair, label in zip(data.features, data.pairs, data.labels[relation]):
        p = model.probability(relation, features)
        old = best.get(pair, (0.0, 0))
        best[pair] = (max(old[0], p), max(old[1], label))
    return list(best.values())


def best_threshold(scored: list[tuple[float, int]]) -> tuple[float, float]:
    """(threshold, F1) maximising F1 over the entity pairs, among 0.2, 0.25 … 0.8."""
    positives = sum(label for _, label in scored)
    best = (0.5, 0.0)
    for step in range(20, 81, 5):
        t = step / 100
        tp = sum(1 for p, label in scored if p >= t and label)
        fp = sum(1 for p, label in scored if p >= t and not label)
        f1 = 2 * tp / (2 * tp + fp + (positives - tp)) if tp else 0.0
        if f1 > best[1]:
            best = (t, f1)
    return best


def train(
    train_docs: list[GoldDocument], dev_docs: list[GoldDocument], cs: tuple[float, ...] = (0.1, 0.3, 1.0, 3.0)
) -> RelationModel:
    """Fit on ``train_docs`` for each regularisation strength in ``cs``; keep the one whose
    company→park F1 over the entity pairs of ``dev_docs`` is best, with each type's threshold
    set where its dev F1 peaks. The card records the data, the choice and the dev scores."""
    import pipeline

    nlp = pipeline.load(ner="none")
    train_set, dev_set = examples(nlp, train_docs), examples(nlp, dev_docs)
    best: tuple[float, RelationModel | None] = (-1.0, None)
    tried = {}
    for c in cs:
        model = fit(train_set, c)
        found = {t: best_threshold(pair_scores(model, dev_set, t)) for t in TYPES}
        tried[str(c)] = {t: round(f1, 4) for t, (_, f1) in found.items()}
        combined = sum(f1 for _, f1 in found.values())
        if combined > best[0]:
            model.thresholds = {t: threshold for t, (threshold, _) in found.items()}
            model.card["dev_pair_f1"] = tried[str(c)]
            best = (combined, model)
    model = best[1]
    sources = Counter(d.source for d in train_docs)
    model.card.update(
        training_documents=len(train_docs),
        training_sources=dict(sources),
        dev_documents=len(dev_docs),
        dev_pairs=len(set(dev_set.pairs)),
        tried_C=tried,
    )
    return model
