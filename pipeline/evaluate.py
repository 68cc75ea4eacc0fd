"""The evaluator: strict entity P/R/F1 per label, relation P/R/F1 per type, and the errors,
overall, per source and per split.

``score(gold, predicted)`` works on documents in memory (``predict`` runs the pipeline on gold
texts without writing anything); ``evaluate(gold, folder)`` is the same over an output folder.

Entities match on (start, end, label); a place written right before a park (LOC + PARK, as in
武汉市东湖高新区) counts the same as one PARK span, in gold and prediction alike; one-character
place abbreviations (中, 京) are not scored (``scored_spans``). Relations are
scored per document by entity: type equal, head and tail each matching a gold entity by any of
that entity's names (ANNOTATION.md). Company→park is LOCATED_IN and INVESTS_IN together. Where
a gold document lists ``park_places``, PARK_IN is scored by place, one per park: a predicted tail
is right when it is any of the park's places (administrative suffixes ignored), and each park
with places counts once.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .gold import GoldDocument
from .places import with_place_prefixes_stripped

CORE_LABELS = ("COMPANY", "PARK", "ORG", "LOC", "MONEY")
RELATION_TYPES = ("LOCATED_IN", "INVESTS_IN", "PARK_IN", "PART_OF")
COMPANY_PARK = ("LOCATED_IN", "INVESTS_IN")
ADMINISTRATIVE_SUFFIX = re.compile(r"(?:特别行政区|自治区|自治州|自治县|街道|地区|省|市|区|县|镇|乡|州|盟|旗)$")


@dataclass
class Prediction:
    """What the pipeline wrote for one document: its entity and relation rows (emit.py columns)."""

    entities: list[dict[str, Any]] = field(default_factory=list)
    relations: list[dict[str, Any]] = field(default_factory=list)


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
    by_source: dict[str, Report] = field(default_factory=dict)
    by_split: dict[str, Report] = field(default_factory=dict)

    def add(self, other: Report) -> None:
        """Counts, errors and documents of ``other`` added to these."""
        for mine, theirs in (
            (self.entities, other.entities),
            (self.boundaries, other.boundaries),
            (self.relations, other.relations),
        ):
            for key, counts in theirs.items():
                mine[key].tp += counts.tp
                mine[key].fp += counts.fp
                mine[key].fn += counts.fn
        self.errors += other.errors
        self.documents += other.documents
        self.missing += other.missing

    def micro(self, table: dict[str, Counts], labels: tuple[str, ...]) -> dict[str, float]:
        total = Counts()
        for label in labels:
            counts = table.get(label, Counts())  # .get: reading must not add empty labels
            total.tp += counts.tp
            total.fp += counts.fp
            total.fn += counts.fn
        return total.scores()

    def headline(self) -> dict[str, Any]:
        """The numbers a per-source or per-split row shows."""
        return {
            "documents": self.documents,
            "entities": self.micro(self.entities, CORE_LABELS),
            "COMPANY": self.micro(self.entities, ("COMPANY",)),
            "PARK": self.micro(self.entities, ("PARK",)),
            "company_park": self.micro(self.relations, COMPANY_PARK),
            "PARK_IN": self.micro(self.relations, ("PARK_IN",)),
            "relations": self.micro(self.relations, RELATION_TYPES),
        }

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
                "company_park": self.micro(self.relations, COMPANY_PARK),
                "per_type": {k: v.scores() for k, v in sorted(self.relations.items())},
            },
            "by_source": {k: v.headline() for k, v in sorted(self.by_source.items())},
            "by_split": {k: v.headline() for k, v in sorted(self.by_split.items())},
            "errors": self.errors,
        }


def _context(text: str, start: int, end: int, width: int = 12) -> str:
    return (text[max(0, start - width) : start] + "[" + text[start:end] + "]" + text[end : end + width]).replace(
        "\n", " "
    )


def _names(pairs) -> dict[str, set[str]]:
    names: dict[str, set[str]] = defaultdict(set)
    for entity, name in pairs:
        names[entity].update({entity, name})
    return names


def score(
    gold: Iterable[GoldDocument],
    predicted: Mapping[str, Prediction],
    prediction_labels: dict[str, str] | None = None,
    labels: set[str] | None = None,
) -> Report:
    """Score predictions held in memory (doc_id → Prediction) against gold documents.

    ``prediction_labels`` folds our labels into a corpus's coarser scheme (COMPANY → ORG for
    MSRA); with ``labels``, only those labels are scored (a corpus without MONEY does not count
    our money amounts as errors). A gold document without a prediction is scored as empty and
    listed in ``missing``."""
    fold, report = prediction_labels or {}, Report()
    for doc in gold:
        one = Report(documents=1)
        prediction = predicted.get(doc.doc_id)
        if prediction is None:
            one.missing.append(doc.doc_id)
            prediction = Prediction()
        entities = [{**row, "label": fold.get(row["label"], row["label"])} for row in prediction.entities]
        entities = [row for row in entities if labels is None or row["label"] in labels]
        _score_entities(one, doc, entities)
        _score_relations(one, doc, entities, prediction.relations)
        report.add(one)
        report.by_source.setdefault(doc.source, Report()).add(one)
        if doc.split:
            report.by_split.setdefault(doc.split, Report()).add(one)
    return report


def evaluate(
    gold: list[GoldDocument],
    predictions: str | Path,
    prediction_labels: dict[str, str] | None = None,
    labels: set[str] | None = None,
) -> Report:
    """Score an output folder (``parkgraph extract``): its tables read into memory, then ``score``."""
    from .emit import iter_rows

    folder, predicted = Path(predictions), {}
    for row in iter_rows(folder, "documents"):
        predicted.setdefault(str(row["doc_id"]), Prediction())
    for table in ("entities", "relations"):
        for row in iter_rows(folder, table):
            getattr(predicted.setdefault(str(row["doc_id"]), Prediction()), table).append(row)
    return score(gold, predicted, prediction_labels, labels)


def predict(
    gold: list[GoldDocument], ner: str = "model", prefer: str | None = None, relations: str = "relations"
) -> dict[str, Prediction]:
    """Run the pipeline on the gold texts in memory, as ``parkgraph extract`` would on them."""
    from .batch import Settings, parse_batch
    from .inputs import Document

    predicted: dict[str, Prediction] = {}
    documents = [Document(doc.doc_id, "gold", doc.text) for doc in gold]
    for start in range(0, len(documents), 64):
        for result in parse_batch(documents[start : start + 64], Settings(ner=ner, prefer=prefer, relations=relations)):
            predicted[str(result.document["doc_id"])] = Prediction(_rows(result.entities), _rows(result.relations))
    return predicted


def _rows(chunks) -> list[dict[str, Any]]:
    """Table rows from a document result's JSONL chunks (bytes, split anywhere)."""
    return [json.loads(line) for line in b"".join(chunks).split(b"\n") if line.strip()]


def scored_spans(entities: list[dict]) -> set[tuple[int, int, str]]:
    """The spans that count: one-character place abbreviations (中 in 中美, 京 in 京津) are left
    out on both sides. The contract does not settle them and annotators split on them: in the
    corpus's first annotation they were the largest single disagreement, and scoring them would
    reward agreeing with one annotator's habit, not finding places."""
    spans = {(e["start"], e["end"], e["label"]) for e in entities}
    return fold_place_into_park({s for s in spans if not (s[2] == "LOC" and s[1] - s[0] == 1)})


def _score_entities(report: Report, doc: GoldDocument, predicted: list[dict]) -> None:
    gold, pred = scored_spans(doc.entities), scored_spans(predicted)
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


def name_matcher(doc: GoldDocument, predicted_entities: list[dict]) -> Callable[[str, str, bool], bool]:
    """``same(predicted_entity, gold_entity, strip)``: whether a predicted entity of ``doc`` is a
    gold one, as relations are scored. The two share a name as written (any mention's text or the
    canonical name) or, with ``strip``, once one side's leading places go (江苏苏州新区 = 苏州新区);
    never both sides' (山东自贸区 and 江苏自贸区 are both 自贸区)."""
    gold_names = _names(
        (e.get("entity") or doc.text[e["start"] : e["end"]], doc.text[e["start"] : e["end"]]) for e in doc.entities
    )
    pred_names = _names((e["entity"], e["text"]) for e in predicted_entities)

    def same(pred_entity: str, gold_entity: str, strip: bool) -> bool:
        predicted, gold = pred_names.get(pred_entity, {pred_entity}), gold_names.get(gold_entity, {gold_entity})
        if predicted & gold:
            return True
        return strip and bool(
            with_place_prefixes_stripped(predicted) & gold or predicted & with_place_prefixes_stripped(gold)
        )

    return same


def _score_relations(report: Report, doc: GoldDocument, predicted_entities: list[dict], predicted: list[dict]) -> None:
    same = name_matcher(doc, predicted_entities)
    by_place = doc.park_places is not None
    unmatched = [g for g in doc.relations if not (by_place and g["relation"] == "PARK_IN")]
    places_left = {park: places for park, places in (doc.park_places or {}).items() if places}
    pending = list(predicted)
    # every prediction is matched by names as written first, then the rest with places stripped
    for strip in (False, True):
        left = []
        for rel in pending:
            if by_place and rel["relation"] == "PARK_IN":
                park = next((p for p in doc.park_places if same(rel["head"], p, strip)), None)
                if park is None:
                    left.append(rel)
                elif _place_in(rel["tail"], doc.park_places[park]):
                    if park in places_left:  # one per park: a second right place neither gains nor loses
                        del places_left[park]
                        report.relations["PARK_IN"].tp += 1
                else:
                    report.relations["PARK_IN"].fp += 1
                    report.errors.append(_relation_error(doc, "spurious", rel))
                continue
            match = next(
                (
                    g
                    for g in unmatched
                    if g["relation"] == rel["relation"]
                    and same(rel["head"], g["head"], strip)
                    and same(rel["tail"], g["tail"], strip)
                ),
                None,
            )
            if match is None:
                left.append(rel)
            else:
                unmatched.remove(match)
                report.relations[rel["relation"]].tp += 1
        pending = left
    for rel in pending:
        report.relations[rel["relation"]].fp += 1
        report.errors.append(_relation_error(doc, "spurious", rel))
    for g in unmatched:
        report.relations[g["relation"]].fn += 1
        report.errors.append(_relation_error(doc, "missed", g))
    for park, places in places_left.items():
        report.relations["PARK_IN"].fn += 1
        report.errors.append(
            _relation_error(doc, "missed", {"relation": "PARK_IN", "head": park, "tail": "|".join(places)})
        )


def _place_in(place: str, places: list[str]) -> bool:
    """``place`` is one of ``places``, administrative suffixes ignored (昆山 = 昆山市)."""
    return _place_key(place) in {_place_key(p) for p in places}


def _place_key(place: str) -> str:
    """The name without its administrative suffix, unless one character would be left (苏州 stays)."""
    stripped = ADMINISTRATIVE_SUFFIX.sub("", place)
    return stripped if len(stripped) >= 2 else place


def _relation_error(doc: GoldDocument, kind: str, rel: dict) -> dict[str, Any]:
    return {
        "doc_id": doc.doc_id,
        "kind": f"relation {kind}",
        "label": rel["relation"],
        "text": f"{rel['head']} → {rel['tail']}",
        "context": rel.get("evidence", ""),
        "method": rel.get("method"),
    }


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
    lines += table(
        {**rels["per_type"], "company→park (LOCATED_IN + INVESTS_IN)": rels["company_park"], "micro": rels["micro"]},
        "relation",
    )
    for group, rows in (("source", data["by_source"]), ("split", data["by_split"])):
        if len(rows) > 1 or group == "split" and rows:
            lines += [
                "",
                f"## Per {group} (F1)",
                "",
                f"| {group} | documents | entities | COMPANY | PARK | company→park | PARK_IN | relations |",
                "|---|---|---|---|---|---|---|---|",
            ]
            lines += [
                f"| {name} | {r['documents']} | "
                + " | ".join(
                    f"{r[k]['f1']:.3f}" for k in ("entities", "COMPANY", "PARK", "company_park", "PARK_IN", "relations")
                )
                + " |"
                for name, r in rows.items()
            ]
    lines += ["", "## Errors", ""]
    if len(data["errors"]) > max_errors:
        lines.append(f"(the first {max_errors} of {len(data['errors'])}; the JSON report has them all)\n")
    for e in data["errors"][:max_errors]:
        lines.append(f"- `{e['doc_id']}` {e['kind']} **{e['label']}** {e['text']} — {e['context']}")
    return "\n".join(lines) + "\n"
