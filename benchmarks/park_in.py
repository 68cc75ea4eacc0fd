"""Where a park lies: the precision of each way the PARK_IN rule finds a place, per source.

    python benchmarks/park_in.py [--gold corpus/silver/train.jsonl] [--out benchmarks/park_in.md]

The rule (pipeline/relations/parks.py) finds a park's place in one of seven ways, written in the
relation's ``method``: a place the text states (place:stated), a town in the name
(place:town-in-name), a word jieba tags as a place in the name where the text names it as one
(place:word-in-name), the gazetteer place the name opens with (place:in-name), a province or
country written right before the park (place:stated-region), the parent park's place
(place:parent), a city or province the document names that the gazetteer says holds the known
park (place:in-document). Each way is
scored alone against the silver corpus (ANNOTATION.md's PARK_IN: one per park, right when the
place truly contains it), so a way that is wrong more often than right shows, per source, before
anyone writes a rule on it. The gold dev and test splits are not read.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.evaluate import predict, score  # noqa: E402
from pipeline.gold import load_gold  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=ROOT / "corpus" / "silver" / "train.jsonl")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "park_in.md")
    parser.add_argument("--examples", type=int, default=0, help="print this many wrong places per method")
    args = parser.parse_args()
    gold = [doc for doc in load_gold(args.gold) if doc.park_places is not None]
    began = time.time()
    predicted = predict(gold)
    seconds = time.time() - began
    methods = sorted({r["method"] for p in predicted.values() for r in p.relations if r["relation"] == "PARK_IN"})
    sources = sorted({doc.source for doc in gold})
    lines = [
        "# PARK_IN: precision of each way a park's place is found",
        "",
        f"`python benchmarks/park_in.py` on {args.gold.relative_to(ROOT)}: {len(gold)} documents with",
        f"`park_places`, parsed in {seconds:.0f} s. A cell is right/found (precision); `all` is the rule",
        "as shipped, recall and F1 included.",
        "",
        "| method | " + " | ".join(sources) + " | all sources |",
        "|---|" + "---|" * (len(sources) + 1),
    ]
    for method in [*methods, "all"]:
        only = {
            doc_id: replace(
                p,
                relations=[
                    r for r in p.relations if r["relation"] == "PARK_IN" and (method == "all" or r["method"] == method)
                ],
            )
            for doc_id, p in predicted.items()
        }
        report = score(gold, only).as_dict()
        cells = []
        none = {"tp": 0, "fp": 0}
        by_source = [report["by_source"].get(s, {}).get("PARK_IN") or none for s in sources]
        for counts in [*by_source, report["relations"]["per_type"].get("PARK_IN", none)]:
            found = counts["tp"] + counts["fp"]
            cell = f"{counts['tp']}/{found} ({counts['tp'] / found:.2f})" if found else "–"
            if method == "all" and found:
                cell += f", R {counts['recall']:.2f}, F1 {counts['f1']:.2f}"
            cells.append(cell)
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
        if args.examples and method != "all":
            wrong = [e for e in report["errors"] if e["kind"] == "relation spurious"][: args.examples]
            for error in wrong:
                print(method, error["doc_id"], error["text"], "|", error["context"][:60])
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
