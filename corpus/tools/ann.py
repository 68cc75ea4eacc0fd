"""The compact annotation format the annotators write, and its conversion to gold records.

One file holds many documents. A document starts with ``## <doc_id>``; then one item a line,
fields separated by TABs (blank lines and lines starting with ``#`` after the header are comments):

    E  LABEL  surface  [canonical]  [@2,3]   an entity: every occurrence of ``surface`` in the text
                                              (or only the 1-based occurrences after @), canonical
                                              name defaults to the surface
    M  surface  value  currency  [@k]        a MONEY mention (value a number or ``null`` when vague)
    R  RELATION  head  tail  [amount]        a relation between canonical names (LOCATED_IN,
                                              INVESTS_IN, PART_OF); amount a number
    P  park  place|place|...                 park_places: every place that may stand as the park's
                                              PARK_IN tail (empty after the TAB: the text gives none)
    N  note text                             a free note (kept in the record as ``notes``)

Spans: every listed occurrence is found with ``str.find``; occurrences that overlap a longer one
are dropped (longest span wins), so 北京 listed as LOC does not fire inside 北京某某有限公司
when that company is listed too. Two equally long overlapping spans are an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LABELS = ("COMPANY", "PARK", "ORG", "LOC", "MONEY", "PERSON")
RELATIONS = {
    "LOCATED_IN": ({"COMPANY", "ORG"}, {"PARK"}),
    "INVESTS_IN": ({"COMPANY", "ORG"}, {"PARK"}),
    "PART_OF": ({"PARK"}, {"PARK"}),
    "PARK_IN": ({"PARK"}, {"LOC"}),
}
CURRENCIES = re.compile(r"^[A-Z]{3}$")


class AnnotationError(ValueError):
    pass


@dataclass
class Item:
    kind: str
    fields: list[str]
    line: int


@dataclass
class Annotated:
    doc_id: str
    items: list[Item] = field(default_factory=list)
    line: int = 0


def parse(text: str, where: str = "") -> list[Annotated]:
    docs: list[Annotated] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r\n")
        if line.startswith("## "):
            docs.append(Annotated(line[3:].strip(), line=number))
            continue
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not docs:
            raise AnnotationError(f"{where}:{number}: an item before the first '## doc_id' header")
        parts = line.split("\t")
        if parts[0] not in {"E", "M", "R", "P", "N"}:
            raise AnnotationError(f"{where}:{number}: unknown item kind {parts[0]!r} (E, M, R, P or N; TAB-separated)")
        docs[-1].items.append(Item(parts[0], [p.strip() for p in parts[1:]], number))
    return docs


def _occurrences(text: str, surface: str) -> list[int]:
    found, i = [], text.find(surface)
    while i >= 0:
        found.append(i)
        i = text.find(surface, i + len(surface))
    return found


def _selector(fields: list[str]) -> tuple[list[str], set[int] | None]:
    if fields and fields[-1].startswith("@"):
        return fields[:-1], {int(k) for k in fields[-1][1:].split(",") if k.strip()}
    return fields, None


def _number(value: str, where: str) -> float | None:
    if value.lower() in {"null", "none", ""}:
        return None
    try:
        return float(value.replace(",", ""))
    except ValueError as error:
        raise AnnotationError(f"{where}: {value!r} is not a number") from error


def to_record(doc: Annotated, text: str, where: str = "") -> dict:
    """The gold record (ANNOTATION.md) of one annotated document; raises on anything inconsistent."""
    candidates, notes, relations, park_places = [], [], [], {}
    for item in doc.items:
        at = f"{where}:{item.line}"
        f, selected = _selector(item.fields)
        if item.kind == "E":
            if len(f) not in (2, 3) or f[0] not in LABELS or f[0] == "MONEY":
                raise AnnotationError(f"{at}: E needs LABEL (one of COMPANY PARK ORG LOC PERSON), surface, [canonical]")
            label, surface, canonical = f[0], f[1], (f[2] if len(f) == 3 and f[2] else f[1])
            extra = {}
        elif item.kind == "M":
            if len(f) != 3 or not CURRENCIES.match(f[2]):
                raise AnnotationError(f"{at}: M needs surface, value (or null), ISO currency")
            label, surface, canonical = "MONEY", f[0], f[0]
            extra = {"value": _number(f[1], at), "currency": f[2]}
        elif item.kind == "R":
            if len(f) not in (3, 4) or f[0] not in RELATIONS:
                raise AnnotationError(f"{at}: R needs RELATION ({', '.join(RELATIONS)}), head, tail, [amount]")
            relations.append(
                {
                    "head": f[1],
                    "relation": f[0],
                    "tail": f[2],
                    "amount": _number(f[3], at) if len(f) == 4 else None,
                    "_at": at,
                }
            )
            continue
        elif item.kind == "P":
            if len(f) not in (1, 2):
                raise AnnotationError(f"{at}: P needs park, places separated by |")
            park_places[f[0]] = [p.strip() for p in (f[1] if len(f) == 2 else "").split("|") if p.strip()]
            continue
        else:
            notes.append("\t".join(item.fields))
            continue
        starts = _occurrences(text, surface)
        if not surface or not starts:
            raise AnnotationError(f"{at}: {surface!r} does not occur in the text of {doc.doc_id}")
        if selected is not None:
            if max(selected) > len(starts) or min(selected) < 1:
                raise AnnotationError(f"{at}: {surface!r} occurs {len(starts)} times, not at {sorted(selected)}")
            starts = [s for k, s in enumerate(starts, start=1) if k in selected]
        for s in starts:
            candidates.append({"start": s, "end": s + len(surface), "label": label, "entity": canonical, **extra})
    kept: list[dict] = []
    for c in sorted(candidates, key=lambda c: (c["start"] - c["end"], c["start"])):
        clash = next((k for k in kept if c["start"] < k["end"] and k["start"] < c["end"]), None)
        if clash is None:
            kept.append(c)
        elif (clash["start"], clash["end"]) == (c["start"], c["end"]) and clash == c:
            continue  # listed twice
        elif clash["end"] - clash["start"] == c["end"] - c["start"]:
            raise AnnotationError(
                f"{where}: {doc.doc_id}: {text[c['start'] : c['end']]!r} ({c['label']} {c['entity']}) and "
                f"{text[clash['start'] : clash['end']]!r} ({clash['label']} {clash['entity']}) overlap, equally long"
            )
    kept.sort(key=lambda e: e["start"])
    labels_of: dict[str, set[str]] = {}
    for e in kept:
        labels_of.setdefault(e["entity"], set()).add(e["label"])
    for name, labels in labels_of.items():
        if len(labels) > 1:
            raise AnnotationError(f"{where}: {doc.doc_id}: canonical {name!r} has several labels {sorted(labels)}")
    for r in relations:
        heads, tails = RELATIONS[r["relation"]]
        for end, allowed in ((r["head"], heads), (r["tail"], tails)):
            if not labels_of.get(end, set()) & allowed:
                raise AnnotationError(
                    f"{r['_at']}: {r['relation']} end {end!r} is not the canonical name of an annotated "
                    f"{'/'.join(sorted(allowed))} (found: {sorted(labels_of.get(end, [])) or 'nothing'})"
                )
        del r["_at"]
    parks = {name for name, labels in labels_of.items() if "PARK" in labels}
    if set(park_places) - parks:
        unknown = sorted(set(park_places) - parks)
        raise AnnotationError(f"{where}: {doc.doc_id}: P lines for parks not annotated: {unknown}")
    if parks - set(park_places):
        raise AnnotationError(f"{where}: {doc.doc_id}: no P line for {sorted(parks - set(park_places))}")
    seen, unique = set(), []
    for r in relations:
        key = (r["head"], r["relation"], r["tail"])
        if key not in seen:
            seen.add(key)
            unique.append(r)
    record = {"doc_id": doc.doc_id, "text": text, "entities": kept, "relations": unique, "park_places": park_places}
    if notes:
        record["notes"] = notes
    return record


def from_record(record: dict) -> str:
    """A gold record written back in the compact format (occurrence selectors where needed)."""
    text, lines = record["text"], [f"## {record['doc_id']}"]
    groups: dict[tuple, list[int]] = {}
    for e in record["entities"]:
        key = (
            e["label"],
            text[e["start"] : e["end"]],
            e.get("entity") or text[e["start"] : e["end"]],
            e.get("value"),
            e.get("currency"),
        )
        groups.setdefault(key, []).append(e["start"])
    for (label, surface, canonical, value, currency), starts in groups.items():
        all_starts = _occurrences(text, surface)
        ks = [all_starts.index(s) + 1 for s in starts if s in all_starts]
        sel = "" if len(ks) == len(all_starts) else "\t@" + ",".join(map(str, ks))
        if label == "MONEY":
            v = "null" if value is None else repr(float(value))
            lines.append(f"M\t{surface}\t{v}\t{currency or 'CNY'}{sel}")
        else:
            lines.append(f"E\t{label}\t{surface}" + (f"\t{canonical}" if canonical != surface else "") + sel)
    for r in record["relations"]:
        if r["relation"] == "PARK_IN":
            continue
        amount = "" if r.get("amount") is None else f"\t{float(r['amount'])!r}"
        lines.append(f"R\t{r['relation']}\t{r['head']}\t{r['tail']}{amount}")
    places = record.get("park_places")
    if places is None:
        places = {}
        for e in record["entities"]:
            if e["label"] == "PARK":
                places.setdefault(e.get("entity") or text[e["start"] : e["end"]], [])
        for r in record["relations"]:
            if r["relation"] == "PARK_IN":
                places.setdefault(r["head"], []).append(r["tail"])
    for park, ps in places.items():
        lines.append(f"P\t{park}\t{'|'.join(ps)}")
    return "\n".join(lines) + "\n"
