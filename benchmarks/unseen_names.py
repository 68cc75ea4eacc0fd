"""How well the pipeline finds the names its lexicons do not know: COMPANY and PARK recall by
lexicon coverage.

    python benchmarks/unseen_names.py [--gold corpus/gold/dev.jsonl corpus/silver/heldout.jsonl]
                                      [--ner models/ner] [--out benchmarks/unseen_names.md]

News names firms and parks no list holds; a tagger that leans on its lexicons finds the names
they hold and misses the others. Each gold mention is put in one of three groups by the
lexicons' names of its label (``gazetteer.known_names``): a known name covers it exactly
(*whole*), one overlaps it (*part*: 上海振华重工 holds 振华重工), or none touches it (*none*);
the recall of each group shows how far what the pipeline finds depends on what the lexicons
already hold. The sealed test split is never read here.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.evaluate import predict, scored_spans  # noqa: E402
from pipeline.gazetteer import known_names  # noqa: E402
from pipeline.gold import load_gold  # noqa: E402
from pipeline.normalise import normalise  # noqa: E402

LABELS = ("COMPANY", "PARK")
GROUPS = ("whole", "part", "none")


def coverage(known: list[tuple[int, int]], start: int, end: int) -> str:
    """whole, part or none: how the lexicons' names of a mention's label cover [start, end)."""
    if (start, end) in known:
        return "whole"
    return "part" if any(a < end and start < b for a, b in known) else "none"


def recall_by_coverage(gold_path: Path, ner: str) -> Counter:
    """(label, group, found or all) → count over the gold file's documents."""
    gold = load_gold(gold_path)
    predicted = predict(gold, ner=ner)
    counts: Counter = Counter()
    for doc in gold:
        known: dict[str, list[tuple[int, int]]] = {label: [] for label in LABELS}
        for kind, a, b in known_names(normalise(doc.text)):
            known.setdefault(kind, []).append((a, b))
        found = scored_spans(predicted[doc.doc_id].entities)
        for start, end, label in scored_spans(doc.entities):
            if label not in LABELS:
                continue
            group = coverage(known[label], start, end)
            counts[label, group, "all"] += 1
            counts[label, group, "found"] += (start, end, label) in found
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--gold",
        type=Path,
        nargs="+",
        default=[ROOT / "corpus" / "gold" / "dev.jsonl", ROOT / "corpus" / "silver" / "heldout.jsonl"],
    )
    parser.add_argument("--ner", default="model", help="the tagger (as parkgraph extract --ner)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "unseen_names.md")
    args = parser.parse_args()
    if any(path.name == "test.jsonl" for path in args.gold):
        parser.error("the sealed test split is not read for analysis")
    lines = [
        "# Recall by lexicon coverage",
        "",
        f"`python benchmarks/unseen_names.py`, {time.strftime('%Y-%m-%d')}, tagger `{args.ner}`. A gold mention is "
        "*whole* when a lexicon name of its label covers it exactly, *part* when one overlaps it, *none* when none "
        "touches it.",
        "",
        "| gold | label | " + " | ".join(f"{group}: found / all (recall)" for group in GROUPS) + " |",
        "|---|---|" + "---|" * len(GROUPS),
    ]
    for path in args.gold:
        counts = recall_by_coverage(path, args.ner)
        for label in LABELS:
            cells = []
            for group in GROUPS:
                found, total = counts[label, group, "found"], counts[label, group, "all"]
                cells.append(f"{found} / {total} ({found / total:.2f})" if total else "–")
            lines.append(
                f"| {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} | {label} | "
                + " | ".join(cells)
                + " |"
            )
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
