"""The corpus's gold dev and test splits, scored per source, for the record in accuracy.md.

    python benchmarks/corpus_scores.py --name "after"                         # the pipeline as it is
    python benchmarks/corpus_scores.py --name "before" --dev-out D --test-out T   # saved output folders
    python benchmarks/corpus_scores.py --name "no xwlb" --relations /tmp/rel   # a relation model
    python benchmarks/corpus_scores.py --table-only   # rewrite the table (after benchmarks/accuracy.py)

Each run adds (or replaces) one row set under its name in benchmarks/corpus_scores.json and
rewrites the table from all of them in benchmarks/accuracy.md (between its corpus markers). The
test split is sealed: run this on it only when a piece of work is finished, and report what comes
out.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.evaluate import evaluate, predict, score  # noqa: E402
from pipeline.gold import load_gold  # noqa: E402

COLUMNS = ("entities", "COMPANY", "PARK", "company_park", "PARK_IN", "relations")
START, END = "<!-- corpus scores: benchmarks/corpus_scores.py -->", "<!-- end of corpus scores -->"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--name")
    parser.add_argument("--table-only", action="store_true", help="only rewrite the table from the saved runs")
    parser.add_argument("--dev-out", type=Path, help="an output folder of the dev texts, instead of running")
    parser.add_argument("--test-out", type=Path, help="an output folder of the test texts, instead of running")
    parser.add_argument("--relations", default="relations")
    parser.add_argument("--ner", default="model")
    parser.add_argument("--splits", default="dev,test")
    args = parser.parse_args()
    record_path = ROOT / "benchmarks" / "corpus_scores.json"
    records = json.loads(record_path.read_text(encoding="utf-8")) if record_path.exists() else {}
    rows = {}
    for split in [] if args.table_only else args.splits.split(","):
        gold = load_gold(ROOT / "corpus" / "gold" / f"{split}.jsonl")
        folder = getattr(args, f"{split}_out")
        began = time.time()
        report = evaluate(gold, folder) if folder else score(gold, predict(gold, args.ner, None, args.relations))
        data = report.as_dict()
        rows[split] = {"all": {k: data["by_split"].get(split, {}).get(k) for k in COLUMNS} | {"documents": len(gold)}}
        rows[split] |= {
            source: {k: v[k] for k in COLUMNS} | {"documents": v["documents"]}
            for source, v in data["by_source"].items()
        }
        print(f"{split}: {time.time() - began:.0f} s")
    if not args.table_only:
        if not args.name:
            parser.error("--name is required unless --table-only")
        records[args.name] = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "rows": rows}
    record_path.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    lines = [
        "# The corpus's gold splits, per source (F1; written by benchmarks/corpus_scores.py)",
        "",
        "| run | split | source | documents | entities | COMPANY | PARK | company→park | PARK_IN | relations |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, record in records.items():
        for split, by_source in record["rows"].items():
            for source, r in by_source.items():
                cells = " | ".join(f"{r[k]['f1']:.3f}" if r.get(k) else "–" for k in COLUMNS)
                lines.append(f"| {name} ({record['when']}) | {split} | {source} | {r['documents']} | {cells} |")
    accuracy = ROOT / "benchmarks" / "accuracy.md"
    text = accuracy.read_text(encoding="utf-8") if accuracy.exists() else "# Accuracy\n"
    table = "\n".join([START, *lines, END])
    if START in text:
        text = text[: text.index(START)] + table + text[text.index(END) + len(END) :]
    else:
        title, _, rest = text.partition("\n")
        text = f"{title}\n\n{table}\n{rest}"
    accuracy.write_text(text, encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
