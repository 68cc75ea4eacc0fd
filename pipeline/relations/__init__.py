"""Stage 3c: relations between entities — LOCATED_IN, INVESTS_IN, PARK_IN, PART_OF.

Each rule is a small generator over a :class:`Context` (the document's sentences, paragraphs,
headings and mentions, anaphors included) that yields :class:`Relation` objects with the
evidence sentence, the rule's name and its confidence. ``extract_relations`` runs them in order
and keeps, for each (head, relation, tail), the most confident one.

With a relation model (``model`` in the config; ``models/relations`` by default), the
organisation–park relations, LOCATED_IN and INVESTS_IN, come from the classifier
(``classifier.py``), which reads the rules' verdicts as features; PARK_IN and PART_OF stay with
the rules.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..backends import relation_model_path
from .classifier import TYPES, RelationModel
from .context import Context, Mention, Relation, build_context
from .rules import extract_relations

__all__ = ["Context", "Mention", "Relation", "build_context", "extract_relations"]


class RelationExtractor:
    def __init__(self, nlp: Language, name: str, min_confidence: float, model: str) -> None:
        self.name = name
        self.min_confidence = min_confidence
        path = relation_model_path(model)
        self.model = RelationModel.load(path) if path is not None else None

    def __call__(self, doc: Doc) -> Doc:
        if not any(e.label_ == "PARK" for e in doc.ents):
            # every relation has a park at one end (an anaphor such as 该园区 stands for a park
            # entity, never for one of its own): most news names none, and reading it for
            # relations took a tenth of the pipeline's time on the bench corpus
            doc._.relations = []
            return doc
        ctx = build_context(doc)
        relations = extract_relations(ctx)
        if self.model is not None:
            relations = [r for r in relations if r.relation not in TYPES] + self.model.relations(ctx, relations)
        doc._.relations = [r for r in relations if r.confidence >= self.min_confidence]
        return doc


@Language.factory(
    "parkgraph_relations",
    requires=["doc.ents", "span._.entity", "doc._.anaphora", "token.is_sent_start"],
    assigns=["doc._.relations"],
    default_config={"min_confidence": 0.0, "model": "relations"},
)
def create_relation_extractor(nlp: Language, name: str, min_confidence: float, model: str) -> RelationExtractor:
    return RelationExtractor(nlp, name, min_confidence, model)
