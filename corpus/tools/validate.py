"""Validate the corpus files: python corpus/tools/validate.py [corpus/]

Checks every line of gold/dev.jsonl, gold/test.jsonl and (once built: they are not committed, their
texts stay in ../shared/data) silver/train.jsonl, silver/heldout.jsonl and
silver/heldout-written.jsonl against ANNOTATION.md and the corpus's own rules, without the source
corpora (a clean clone can run it):
- offsets inside the text, labels known, spans not overlapping, one label per canonical name,
  MONEY with a numeric or null ``value`` and an ISO 4217 ``currency``;
- relation types known, heads and tails canonical names of entities with the allowed labels;
- ``park_places``: one entry per PARK entity, lists of place names;
- splits: doc_ids unique across all files; xwlb items dated 2012–2021 in dev, 2022–2026 in test;
  no silver document is a gold document or a near-duplicate of a gold test document, and no
  held-out silver document a near-duplicate of a training one.
Prints one line per problem and exits 1 when there is any.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from ann import LABELS, RELATIONS
from draw import near_duplicate, shingles

FILES = {
    "dev": "gold/dev.jsonl",
    "test": "gold/test.jsonl",
    "train": "silver/train.jsonl",
    "heldout": "silver/heldout.jsonl",
    "heldout-written": "silver/heldout-written.jsonl",
}
CURRENCY = re.compile(r"^[A-Z]{3}$")


def record_problems(r: dict) -> list[str]:
    text, problems = r.get("text"), []
    if not isinstance(text, str) or not isinstance(r.get("doc_id"), str):
        return ["no text or doc_id"]
    labels_of: dict[str, set[str]] = {}
    spans = sorted((e["start"], e["end"]) for e in r.get("entities", []))
    for a, b in zip(spans, spans[1:]):
        if b[0] < a[1]:
            problems.append(f"overlapping spans {a} {b}")
    for e in r.get("entities", []):
        if not (
            isinstance(e.get("start"), int)
            and isinstance(e.get("end"), int)
            and 0 <= e["start"] < e["end"] <= len(text)
        ):
            problems.append(f"offsets outside the text: {e}")
            continue
        if e.get("label") not in LABELS:
            problems.append(f"unknown label {e.get('label')!r}")
        if not e.get("entity"):
            problems.append(f"no canonical name: {e}")
        labels_of.setdefault(e.get("entity"), set()).add(e.get("label"))
        if e.get("label") == "MONEY" and not (
            (e.get("value") is None or isinstance(e.get("value"), (int, float)))
            and CURRENCY.match(str(e.get("currency")))
        ):
            problems.append(f"MONEY without a numeric value and an ISO currency: {e}")
    problems += [f"canonical {n!r} has several labels {sorted(ls)}" for n, ls in labels_of.items() if len(ls) > 1]
    for rel in r.get("relations", []):
        allowed = RELATIONS.get(rel.get("relation"))
        if allowed is None:
            problems.append(f"unknown relation {rel.get('relation')!r}")
            continue
        for end, labels in zip((rel.get("head"), rel.get("tail")), allowed):
            if not labels_of.get(end, set()) & labels:
                problems.append(f"{rel['relation']} end {end!r} is not an annotated {'/'.join(sorted(labels))}")
        if rel.get("amount") is not None and not isinstance(rel["amount"], (int, float)):
            problems.append(f"amount is not a number: {rel}")
    parks = {n for n, ls in labels_of.items() if "PARK" in ls}
    places = r.get("park_places")
    if not isinstance(places, dict) or set(places) != parks:
        problems.append(f"park_places keys {sorted(places or {})} are not the parks {sorted(parks)}")
    elif not all(isinstance(v, list) and all(isinstance(p, str) and p for p in v) for v in places.values()):
        problems.append("park_places values are not lists of place names")
    return problems


def validate(corpus: Path) -> tuple[dict[str, list[dict]], list[str]]:
    files, problems, seen = {}, [], {}
    for split, name in FILES.items():
        path = corpus / name
        if split == "train" and not path.exists():
            files[split] = []  # built by build.py from the annotations and ../shared/data
            continue
        if split.startswith("heldout") and not path.exists():
            files[split] = []
            if files["train"]:  # an older build: its train.jsonl may hold the held-out documents
                problems.append(f"{name} is missing beside silver/train.jsonl: run corpus/tools/build.py")
            continue
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        files[split] = records
        for number, r in enumerate(records, start=1):
            where = f"{name}:{number} ({r.get('doc_id')})"
            problems += [f"{where}: {p}" for p in record_problems(r)]
            if r.get("doc_id") in seen:
                problems.append(f"{where}: doc_id also in {seen[r['doc_id']]}")
            seen[r.get("doc_id")] = name
            if r.get("split") != split:
                problems.append(f"{where}: split field {r.get('split')!r}, file {split!r}")
            date = r.get("date")
            if (
                r.get("source") == "xwlb"
                and split in ("dev", "test")
                and (not date or (date >= "20220101") != (split == "test"))
            ):
                problems.append(f"{where}: an xwlb item dated {date} cannot be in {split}")
    for split in ("train", "heldout", "heldout-written"):
        near = near_duplicates(files[split], files["test"])
        problems += [f"{FILES[split]} ({d}): near-duplicate of a gold test document" for d in near]
    for split in ("heldout", "heldout-written"):
        near = near_duplicates(files[split], files["train"])
        problems += [f"{FILES[split]} ({d}): near-duplicate of a training document" for d in near]
    return files, problems


def near_duplicates(records: list[dict], others: list[dict]) -> list[str]:
    """The doc_ids of the ``records`` that repeat most of one of the ``others`` (silver against
    the gold test documents, held-out silver against the training silver)."""
    other_shingles = [shingles(r["text"]) for r in others]
    near = []
    for r in records:
        own = shingles(r["text"])  # once per record, not once per pair
        if any(near_duplicate(own, t) for t in other_shingles):
            near.append(r["doc_id"])
    return near


def main(corpus: str) -> int:
    files, problems = validate(Path(corpus))
    for p in problems:
        print(p)
    print(
        ", ".join(f"{split}: {len(records)} documents" for split, records in files.items())
        + f"; {len(problems)} problems"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).resolve().parents[1])))
