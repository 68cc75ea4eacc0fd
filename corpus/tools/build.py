"""Build the corpus files from the annotations, and the agreement report.

    python corpus/tools/build.py [--agreement]

reads corpus/draw.json and corpus/annotations/{gold,double,silver}/*.ann (texts from
../shared/data by document id) and writes:
- corpus/gold/dev.jsonl, corpus/gold/test.jsonl: the gold documents annotated so far, each line in
  the gold format of ANNOTATION.md plus ``source``, ``split``, ``date`` (xwlb) and ``park_places``;
- corpus/silver/train.jsonl: the silver documents, minus any gold document or near-duplicate of a
  test one (not committed: its texts stay in ../shared/data; the training commands read it);
- corpus/silver/heldout.jsonl: the company-dense silver items of ``HELD_OUT_BATCHES``, minus any
  that repeats a training text, never trained on: unseen news for measuring a retrained tagger without
  opening the sealed test (not committed either);
- corpus/silver/heldout-written.jsonl: the written documents of ``WRITTEN_HELD_OUT_BATCHES``, never
  trained on: business-news registers no model has read (not committed either);
- with ``--agreement``, corpus/agreement.md: the doubly annotated documents scored one annotation
  against the other (meaningful before adjudication, which edits the first annotation);
- corpus/counts.md: documents, mentions and relations per file and source.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import sources
from ann import AnnotationError, parse, to_record
from validate import near_duplicates

CORPUS = Path(__file__).resolve().parents[1]


def annotated(kind: str) -> dict[str, dict]:
    """doc_id → record of every document annotated in corpus/annotations/<kind>/."""
    records: dict[str, dict] = {}
    for path in sorted((CORPUS / "annotations" / kind).glob("*.ann")):
        for doc in parse(path.read_text(encoding="utf-8"), str(path)):
            try:
                record = to_record(doc, sources.text_of(doc.doc_id), str(path))
            except AnnotationError as error:
                print(f"skipped: {error}", file=sys.stderr)
                continue
            record["annotation"] = path.name
            records[doc.doc_id] = record
    return records


def with_metadata(record: dict, split: str) -> dict:
    doc_id = record["doc_id"]
    meta = {"source": sources.source_of(doc_id), "split": split}
    if sources.date_of(doc_id):
        meta["date"] = sources.date_of(doc_id)
    ordered = {"doc_id": doc_id, **meta, **{k: v for k, v in record.items() if k != "doc_id"}}
    return ordered


def write(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def agreement(first: dict[str, dict], second: dict[str, dict]) -> str:
    """Annotator B scored against annotator A with the project's evaluator (F1 is symmetric)."""
    sys.path.insert(0, str(CORPUS.parent))
    from pipeline.evaluate import Prediction, score
    from pipeline.gold import parse_record

    shared = sorted(set(first) & set(second))
    gold = [parse_record(first[d], d, d) for d in shared]
    predicted = {}
    for d in shared:
        b = second[d]
        entities = [{**e, "text": b["text"][e["start"] : e["end"]]} for e in b["entities"]]
        relations = b["relations"] + [
            {"relation": "PARK_IN", "head": park, "tail": place}
            for park, places in b["park_places"].items()
            for place in places
        ]
        predicted[d] = Prediction(entities, relations)
    report = score(gold, predicted).as_dict()
    ents, rels = report["entities"], report["relations"]
    lines = [
        "# Agreement between two independent annotations",
        "",
        f"{len(shared)} documents annotated twice (corpus/annotations/double/ against the gold files' first "
        "annotation), scored with `pipeline.evaluate.score`, one annotation as gold and the other as "
        "prediction (F1 is symmetric). Measured before adjudication. One-character place abbreviations "
        "(中, 京) are left out, as the evaluator leaves them out (pipeline/evaluate.py, scored_spans).",
        "",
        "| what | F1 | agreed | only in A | only in B |",
        "|---|---|---|---|---|",
    ]
    rows = {
        "entities (all labels, strict spans)": ents["micro_all_labels"],
        **{f"entities {k}": v for k, v in ents["per_label"].items()},
        "relations (all types; PARK_IN by place)": rels["micro"],
        "company→park (LOCATED_IN + INVESTS_IN)": rels["company_park"],
        **{f"relations {k}": v for k, v in rels["per_type"].items()},
    }
    for name, s in rows.items():
        lines.append(f"| {name} | {s['f1']:.3f} | {s['tp']} | {s['fn']} | {s['fp']} |")
    return "\n".join(lines) + "\n"


def counts(files: dict[str, list[dict]]) -> str:
    """A Markdown table per file: documents, mentions per label, relations per type, per source."""
    labels = ("COMPANY", "PARK", "ORG", "LOC", "MONEY", "PERSON")
    relations = ("LOCATED_IN", "INVESTS_IN", "PART_OF")
    lines = ["# Corpus counts (written by corpus/tools/build.py)", ""]
    header = ["file", "source", "documents", *labels, *relations, "parks with places"]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name, records in files.items():
        for source in sorted({r["source"] for r in records}) + ["all"]:
            group = [r for r in records if source in ("all", r["source"])]
            row = [name, source, str(len(group))]
            row += [str(sum(e["label"] == label for r in group for e in r["entities"])) for label in labels]
            row += [str(sum(x["relation"] == rel for r in group for x in r["relations"])) for rel in relations]
            row.append(str(sum(bool(v) for r in group for v in r["park_places"].values())))
            lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


# the annotation files whose documents are never trained on (company-dense items 150-239)
HELD_OUT_BATCHES = frozenset(f"silver-v{k:03d}.ann" for k in range(10, 16))


# the written batches no model trains on: eight registers of business news written in the
# seventeenth session (corpus/synthetic/README.md); w6 and w7, held out until then, train
WRITTEN_HELD_OUT_BATCHES = frozenset(f"synth-w{n}{batch}.ann" for n in (8, 9) for batch in "abcd")


def silver_records(gold_ids: set[str], test: list[dict]) -> list[dict]:
    """The silver documents: none a gold document, none a near-duplicate of a gold test one."""
    records = [with_metadata(r, "train") for d, r in annotated("silver").items() if d not in gold_ids]
    near = set(near_duplicates(records, test))
    return [r for r in records if r["doc_id"] not in near]


def split_held_out(silver: list[dict]) -> tuple[list[dict], list[dict], list[dict]]:
    """(train, held out, written held out): the documents of ``HELD_OUT_BATCHES`` and
    ``WRITTEN_HELD_OUT_BATCHES`` are held out, except those that repeat a training text (an archive
    item drawn twice under two ids, xwlb-a and xwlb-p, or the same story on another day), which are
    dropped. The two held-out sets are not checked against each other: each is scored on its own,
    and neither is trained on."""
    kept_out = HELD_OUT_BATCHES | WRITTEN_HELD_OUT_BATCHES
    train = [r for r in silver if r["annotation"] not in kept_out]
    repeated = set(near_duplicates([r for r in silver if r["annotation"] in kept_out], train))

    def held(batches: frozenset[str], split: str) -> list[dict]:
        return [{**r, "split": split} for r in silver if r["annotation"] in batches and r["doc_id"] not in repeated]

    return train, held(HELD_OUT_BATCHES, "heldout"), held(WRITTEN_HELD_OUT_BATCHES, "heldout-written")


def main() -> None:
    draw = json.loads((CORPUS / "draw.json").read_text(encoding="utf-8"))
    gold_records, double_records = annotated("gold"), annotated("double")
    split_of = {d: split for split, groups in draw["gold"].items() for ids in groups.values() for d in ids}
    for split in ("dev", "test"):
        ids = [d for groups in [draw["gold"][split]] for group in groups.values() for d in group]
        write(
            CORPUS / "gold" / f"{split}.jsonl",
            [with_metadata(gold_records[d], split) for d in ids if d in gold_records],
        )
    test = [r for d, r in gold_records.items() if split_of.get(d) == "test"]
    train, held_out, written = split_held_out(silver_records(set(split_of), test))
    write(CORPUS / "silver" / "train.jsonl", train)
    write(CORPUS / "silver" / "heldout.jsonl", held_out)
    write(CORPUS / "silver" / "heldout-written.jsonl", written)
    if "--agreement" in sys.argv and set(double_records) & set(gold_records):
        (CORPUS / "agreement.md").write_text(agreement(gold_records, double_records), encoding="utf-8")
    files = {
        name: [json.loads(line) for line in (CORPUS / name).read_text(encoding="utf-8").splitlines()]
        for name in (
            "gold/dev.jsonl",
            "gold/test.jsonl",
            "silver/train.jsonl",
            "silver/heldout.jsonl",
            "silver/heldout-written.jsonl",
        )
    }
    (CORPUS / "counts.md").write_text(counts(files), encoding="utf-8")
    sizes = {name: len(records) for name, records in files.items()}
    print(f"{sizes}, doubly annotated {len(set(double_records) & set(gold_records))}")


if __name__ == "__main__":
    main()
