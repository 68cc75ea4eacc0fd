"""The evaluator: strict entity P/R/F1 per label, relation P/R/F1 per type, and the errors.

Entities match on (start, end, label); a place written right before a park (LOC + PARK, as in
武汉市东湖高新区) counts the same as one PARK span, in gold and prediction alike. Relations are
scored per document by entity: type equal, head and tail each matching a gold entity by any of
that entity's names (ANNOTATION.md).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import lexicon
from .emit import read_table

CORE_LABELS = ("COMPANY", "PARK", "ORG", "LOC", "MONEY")
RELATION_TYPES = ("LOCATED_IN", "INVESTS_IN", "PARK_IN", "PART_OF")


class GoldError(ValueError):
    """A gold file that does not follow ANNOTATION.md; the message names the file, line and reason."""


@dataclass
class GoldDocument:
    doc_id: str
    text: str
    entities: list[dict[str, Any]]
    relations: list[dict[str, Any]]


def load_gold(path: str | Path) -> list[GoldDocument]:
    path, documents = Path(path), []
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise GoldError(f"{path}: cannot read gold file ({error})") from error
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
            text = record["text"]
            doc = GoldDocument(
                str(record.get("doc_id") or f"{path.stem}:{number}"),
                text,
                list(record.get("entities", [])),
                list(record.get("relations", [])),
            )
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as error:
            raise GoldError(f"{where}: not a gold document ({type(error).__name__}: {error})") from error
        for e in doc.entities:
            if not all(k in e for k in ("start", "end", "label")):
                raise GoldError(f"{where}: entity {e} lacks start, end or label")
            if not (
                isinstance(e["start"], int) and isinstance(e["end"], int) and 0 <= e["start"] < e["end"] <= len(text)
            ):
                raise GoldError(f"{where}: entity {e} has offsets outside the text ({len(text)} chars)")
        for r in doc.relations:
            if not all(k in r for k in ("head", "relation", "tail")):
                raise GoldError(f"{where}: relation {r} lacks head, relation or tail")
        documents.append(doc)
    return documents


def fold_place_into_park(spans: set[tuple[int, int, str]]) -> set[tuple[int, int, str]]:
    """LOC (one or more) immediately followed by PARK → one PARK span: the contract counts
    武汉市 + 东湖高新区 and 武汉市东湖高新区 as the same annotation."""
    ordered, folded, i = sorted(spans), set(), 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j][2] == "LOC" and ordered[j + 1][0] == ordered[j][1]:
            j += 1
        if j > i and ordered[j][2] == "PARK":
            folded.add((ordered[i][0], ordered[j][1], "PARK"))
            i = j + 1
        else:
            folded.add(ordered[i])
            i += 1
    return folded


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def scores(self) -> dict[str, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class Report:
    entities: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    boundaries: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))  # spans, labels ignored
    relations: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    errors: list[dict[str, Any]] = field(default_factory=list)
    documents: int = 0
    missing: list[str] = field(default_factory=list)

    def micro(self, table: dict[str, Counts], labels: tuple[str, ...]) -> dict[str, float]:
        total = Counts()
        for label in labels:
            counts = table.get(label, Counts())  # .get: reading must not add empty labels
            total.tp += counts.tp
            total.fp += counts.fp
            total.fn += counts.fn
        return total.scores()

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "missing_predictions": self.missing,
            "entities": {
                "micro": self.micro(self.entities, CORE_LABELS),
                "micro_all_labels": self.micro(self.entities, tuple(self.entities)),
                "per_label": {k: v.scores() for k, v in sorted(self.entities.items())},
                "boundary_per_label": {k: v.scores() for k, v in sorted(self.boundaries.items())},
                "boundary_micro": self.micro(self.boundaries, tuple(self.boundaries)),
            },
            "relations": {
                "micro": self.micro(self.relations, RELATION_TYPES),
                "per_type": {k: v.scores() for k, v in sorted(self.relations.items())},
            },
            "errors": self.errors,
        }


def _context(text: str, start: int, end: int, width: int = 12) -> str:
    return (text[max(0, start - width) : start] + "[" + text[start:end] + "]" + text[end : end + width]).replace(
        "\n", " "
    )


def with_place_prefixes_stripped(names: set[str]) -> set[str]:
    """江苏苏州新区 also as 苏州新区 and 新区…: a place written before a name may or may not belong
    to the annotated name (ANNOTATION.md), so relation ends compare without it too."""
    places, out = lexicon.places(), set(names)
    for name in names:
        i = 0
        while match := next(
            (name[i:j] for j in range(min(len(name) - 2, i + 8), i + 1, -1) if name[i:j] in places), None
        ):
            i += len(match)
            out.add(name[i:])
    return out


def _names(pairs) -> dict[str, set[str]]:
    names: dict[str, set[str]] = defaultdict(set)
    for entity, name in pairs:
        names[entity].update({entity, name})
    return names


def evaluate(
    gold: list[GoldDocument],
    predictions: str | Path,
    prediction_labels: dict[str, str] | None = None,
    labels: set[str] | None = None,
) -> Report:
    """Score an output folder (``parkgraph extract``) against gold documents.

    ``prediction_labels`` folds our labels into a corpus's coarser scheme (COMPANY → ORG for
    MSRA); with ``labels``, only those labels are scored (a corpus without MONEY does not count
    our money amounts as errors)."""
    entities, relations = read_table(predictions, "entities"), read_table(predictions, "relations")
    pred_entities = defaultdict(list)
    fold = prediction_labels or {}
    for row in entities.to_dict("records") if len(entities) else []:
        row["label"] = fold.get(row["label"], row["label"])
        if labels is None or row["label"] in labels:
            pred_entities[str(row["doc_id"])].append(row)
    pred_relations = defaultdict(list)
    for row in relations.to_dict("records") if len(relations) else []:
        pred_relations[str(row["doc_id"])].append(row)
    documents = read_table(predictions, "documents")
    seen = set(documents["doc_id"].astype(str)) if len(documents) else set()
    report = Report()
    for doc in gold:
        report.documents += 1
        if doc.doc_id not in seen:
            report.missing.append(doc.doc_id)
        _score_entities(report, doc, pred_entities[doc.doc_id])
        _score_relations(report, doc, pred_entities[doc.doc_id], pred_relations[doc.doc_id])
    return report


def _score_entities(report: Report, doc: GoldDocument, predicted: list[dict]) -> None:
    gold = fold_place_into_park({(e["start"], e["end"], e["label"]) for e in doc.entities})
    pred = fold_place_into_park({(e["start"], e["end"], e["label"]) for e in predicted})
    _score_boundaries(report, gold, pred)
    for start, end, label in gold | pred:
        counts = report.entities[label]
        if (start, end, label) in gold and (start, end, label) in pred:
            counts.tp += 1
            continue
        kind = "missed" if (start, end, label) in gold else "spurious"
        if kind == "missed":
            counts.fn += 1
        else:
            counts.fp += 1
        report.errors.append(
            {
                "doc_id": doc.doc_id,
                "kind": f"entity {kind}",
                "label": label,
                "text": doc.text[start:end],
                "context": _context(doc.text, start, end),
            }
        )


def _score_boundaries(report: Report, gold: set, pred: set) -> None:
    """Boundary-only matching: a gold span found with any label counts for the gold label."""
    pred_spans, gold_spans = {(s, e) for s, e, _ in pred}, {(s, e) for s, e, _ in gold}
    for start, end, label in gold:
        if (start, end) in pred_spans:
            report.boundaries[label].tp += 1
        else:
            report.boundaries[label].fn += 1
    for start, end, label in pred:
        if (start, end) not in gold_spans:
            report.boundaries[label].fp += 1


def _score_relations(report: Report, doc: GoldDocument, predicted_entities: list[dict], predicted: list[dict]) -> None:
    gold_names = _names(
        (e.get("entity") or doc.text[e["start"] : e["end"]], doc.text[e["start"] : e["end"]]) for e in doc.entities
    )
    pred_names = _names((e["entity"], e["text"]) for e in predicted_entities)

    def same(pred_entity: str, gold_entity: str) -> bool:
        predicted = with_place_prefixes_stripped(pred_names.get(pred_entity, {pred_entity}))
        return bool(predicted & with_place_prefixes_stripped(gold_names.get(gold_entity, {gold_entity})))

    unmatched = list(doc.relations)
    for rel in predicted:
        match = next(
            (
                g
                for g in unmatched
                if g["relation"] == rel["relation"] and same(rel["head"], g["head"]) and same(rel["tail"], g["tail"])
            ),
            None,
        )
        counts = report.relations[rel["relation"]]
        if match is not None:
            unmatched.remove(match)
            counts.tp += 1
        else:
            counts.fp += 1
            report.errors.append(
                {
                    "doc_id": doc.doc_id,
                    "kind": "relation spurious",
                    "label": rel["relation"],
                    "text": f"{rel['head']} → {rel['tail']}",
                    "context": rel.get("evidence", ""),
                    "method": rel.get("method"),
                }
            )
    for g in unmatched:
        report.relations[g["relation"]].fn += 1
        report.errors.append(
            {
                "doc_id": doc.doc_id,
                "kind": "relation missed",
                "label": g["relation"],
                "text": f"{g['head']} → {g['tail']}",
                "context": "",
            }
        )


def to_markdown(report: Report, title: str = "Evaluation", max_errors: int = 300) -> str:
    data = report.as_dict()
    lines = [f"# {title}", "", f"Documents: {data['documents']}", ""]
    if data["missing_predictions"]:
        lines += [f"Documents without predictions: {', '.join(data['missing_predictions'])}", ""]

    def table(rows: dict[str, dict], first: str) -> list[str]:
        out = [f"| {first} | P | R | F1 | TP | FP | FN |", "|---|---|---|---|---|---|---|"]
        for name, s in rows.items():
            out.append(
                f"| {name} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} "
                f"| {s['tp']} | {s['fp']} | {s['fn']} |"
            )
        return out

    ents = data["entities"]
    lines += ["## Entities (strict spans)", ""]
    lines += table(
        {
            **ents["per_label"],
            "micro (" + ", ".join(CORE_LABELS) + ")": ents["micro"],
            "micro (all labels)": ents["micro_all_labels"],
        },
        "label",
    )
    lines += ["", "## Entities (boundaries only: the span found, whatever its label)", ""]
    lines += table({**ents["boundary_per_label"], "micro": ents["boundary_micro"]}, "label")
    rels = data["relations"]
    lines += ["", "## Relations (by entity, any alias)", ""]
    lines += table({**rels["per_type"], "micro": rels["micro"]}, "relation")
    lines += ["", "## Errors", ""]
    if len(data["errors"]) > max_errors:
        lines.append(f"(the first {max_errors} of {len(data['errors'])}; the JSON report has them all)\n")
    for e in data["errors"][:max_errors]:
        lines.append(f"- `{e['doc_id']}` {e['kind']} **{e['label']}** {e['text']} — {e['context']}")
    return "\n".join(lines) + "\n"
