"""Relation classifier against the rules, by cross-validation on the silver corpus, end to end.

    python benchmarks/relations.py [--folds 5] [--ner model] [--out benchmarks/relations.md]

The silver documents are parsed once by the pipeline (its own entities, the rules' relations);
for each fold the classifier is trained on the other folds' silver annotations and decides the
pairs of the held-out fold. Company→park P/R/F1 of rules and classifier, overall and per source,
and per threshold. The rules
were written against the seed page and the park dev set, never against the silver, so the
comparison is fair to both. The gold test split is not read.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pipeline  # noqa: E402
from pipeline.evaluate import Prediction, score  # noqa: E402
from pipeline.gold import load_gold  # noqa: E402
from pipeline.relations.classifier import TYPES  # noqa: E402
from pipeline.relations.training import WRITTEN_WEIGHT, ParsedDev, examples, fit  # noqa: E402

THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)


def rows(relations) -> list[dict]:
    return [{"relation": r.relation, "head": r.head, "tail": r.tail} for r in relations if r.relation in TYPES]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--silver", type=Path, default=ROOT / "corpus" / "silver" / "train.jsonl")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--ner", default="model")
    parser.add_argument("--c", type=float, default=0.3)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "relations.md")
    parser.add_argument(
        "--train-only",
        action="append",
        default=[],
        help="a source whose documents are in every fold's training data, never held out or scored (synth)",
    )
    parser.add_argument("--without", action="append", default=[], help="a source left out altogether")
    args = parser.parse_args()
    everything = [d for d in load_gold(args.silver) if d.source not in args.without]
    always = [d for d in everything if d.source in args.train_only]
    documents = [d for d in everything if d.source not in args.train_only]
    random.Random(0).shuffle(documents)
    began = time.time()
    parsed = ParsedDev.of(documents, args.ner).parsed  # only the scored ones, as the pipeline reads them
    plain = pipeline.load(ner="none", **{"components.relations.model": "none"})
    folds = [documents[k :: args.folds] for k in range(args.folds)]
    rules, learned = {}, {t: {} for t in THRESHOLDS}
    for k, held_out in enumerate(folds):
        train = always + [d for j, fold in enumerate(folds) if j != k for d in fold]
        model = fit(examples(plain, train, WRITTEN_WEIGHT), args.c)
        for gold in held_out:
            ctx, found, entities = parsed[gold.doc_id]
            rules[gold.doc_id] = Prediction(entities, rows(found))
            for t in THRESHOLDS:
                model.thresholds = dict.fromkeys(TYPES, t)
                learned[t][gold.doc_id] = Prediction(entities, rows(model.relations(ctx, found)))
    reports = {"rules": score(documents, rules)} | {
        f"classifier ≥ {t}": score(documents, learned[t]) for t in THRESHOLDS
    }
    sources = sorted({d.source for d in documents})
    lines = [
        "# Relation classifier against the rules (cross-validation on the silver corpus)",
        "",
        f"`python benchmarks/relations.py {' '.join(sys.argv[1:])}` — {len(documents)} silver documents scored, "
        f"{args.folds} folds by document"
        + (f", {len(always)} more ({', '.join(args.train_only)}) in every fold's training" if always else "")
        + (f", without {', '.join(args.without)}" if args.without else "")
        + f"; NER `{args.ner}`, C={args.c}; {time.time() - began:.0f} s. Entities are the pipeline's own, so a "
        "relation needs both its ends found first. Company→park = LOCATED_IN + INVESTS_IN.",
        "",
        "| relations from | P | R | F1 | TP | FP | FN | LOCATED_IN F1 | INVESTS_IN F1 | "
        + " | ".join(f"F1 {s}" for s in sources)
        + " |",
        "|---|---|---|---|---|---|---|---|---|" + "---|" * len(sources),
    ]
    for name, report in reports.items():
        data = report.as_dict()
        cp, per = data["relations"]["company_park"], data["relations"]["per_type"]
        located, invests = (per.get(t, {}).get("f1", 0.0) for t in ("LOCATED_IN", "INVESTS_IN"))
        by = data["by_source"]
        lines.append(
            f"| {name} | {cp['precision']:.3f} | {cp['recall']:.3f} | {cp['f1']:.3f} | {cp['tp']} | {cp['fp']} | "
            f"{cp['fn']} | {located:.3f} | {invests:.3f} | "
            + " | ".join(f"{by[s]['company_park']['f1']:.3f}" for s in sources)
            + " |"
        )
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
