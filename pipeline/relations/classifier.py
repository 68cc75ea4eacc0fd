"""The relation classifier: LOCATED_IN and INVESTS_IN for every candidate (organisation, park) pair.

Two logistic regressions over ``features.pair_features`` (one per relation type, since a text
can support both). A pair of entities takes the highest probability over its mention pairs; it
becomes a relation when that probability reaches the type's threshold (chosen on the gold dev
split when the model was trained), and the probability is the relation's ``confidence``.
The model is a JSON file of weights (``models/relations/weights.json``): inference is a sum over
the active features, with no dependency beyond the standard library.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path

from .candidates import candidates
from .context import Context, Relation, invested_amount
from .features import pair_features

TYPES = ("LOCATED_IN", "INVESTS_IN")


@dataclass
class RelationModel:
    weights: dict[str, dict[str, float]]  # relation type → feature → weight
    bias: dict[str, float]
    thresholds: dict[str, float]
    card: dict  # how it was trained: data, sizes, regularisation, dev scores
    rules: dict[str, float] = field(default_factory=dict)  # rule method → its precision on the training data

    @classmethod
    def load(cls, path: str | Path) -> RelationModel:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(data["weights"], data["bias"], data["thresholds"], data.get("card", {}), data.get("rules", {}))

    def save(self, path: str | Path) -> None:
        data = {
            "card": self.card,
            "thresholds": self.thresholds,
            "rules": self.rules,
            "bias": self.bias,
            "weights": self.weights,
        }
        Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")

    def probability(self, relation: str, features: dict[str, float]) -> float:
        weights = self.weights[relation]
        z = self.bias[relation] + sum(weights.get(name, 0.0) * value for name, value in features.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def scores(
        self, ctx: Context, rules: dict[tuple[str, str, str], Relation]
    ) -> dict[tuple[str, str, str], tuple[float, object]]:
        """(actor, type, park) → (highest probability over its mention pairs, that pair)."""
        best: dict[tuple[str, str, str], tuple[float, object]] = {}
        for candidate in candidates(ctx):
            features = pair_features(ctx, candidate, rules)
            for relation in TYPES:
                p = self.probability(relation, features)
                key = (candidate.actor.entity, relation, candidate.park.entity)
                if key not in best or p > best[key][0]:
                    best[key] = (p, candidate)
        return best

    def relations(self, ctx: Context, rules: list[Relation]) -> list[Relation]:
        """The pairs that reach their threshold, with the amount the rules or the sentence tie to
        them, and the rules' relations of the methods that were right more often than wrong on the
        training data (``self.rules``), with that precision as their confidence."""
        by_key = {(r.head, r.relation, r.tail): r for r in rules}
        trusted = {
            key: replace(r, confidence=self.rules[r.method])
            for key, r in by_key.items()
            if r.relation in TYPES and self.rules.get(r.method, 0.0) > 0.5
        }
        out = []
        for (head, relation, tail), (p, candidate) in self.scores(ctx, by_key).items():
            if (head, relation, tail) in trusted:
                continue
            if p < self.thresholds[relation]:
                continue
            amount = None
            if relation == "INVESTS_IN":
                ruled = by_key.get((head, relation, tail))
                amount = ruled.amount if ruled is not None else None
                if amount is None and candidate.view.actors == 1:
                    amount = invested_amount(ctx, *candidate.sentence)
            out.append(ctx.relation(head, relation, tail, candidate.sentence, "classifier", round(p, 4), amount))
        return out + list(trusted.values())
