"""Accuracy on every corpus, with the project's own evaluator, for each way of tagging.

    python benchmarks/accuracy.py [--data ../shared/data]

Runs `parkgraph evaluate` on the seed page, the park dev set and the public corpora's test (or
dev) splits, once per setting below, and writes benchmarks/accuracy.md: strict F1 per label for
each setting, and P/R and boundary-only F1 for the default one.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTES = "<!-- notes: written by hand, kept when the tables are written again -->"
CORPORA = [
    ("seed page (own gold, dev set)", "seeds/gold/seed.jsonl", "jsonl"),
    ("park dev set (84 corpus sentences)", "tests/data/park_dev.jsonl", "jsonl"),
    ("MSRA test", "{data}/msra_ner/msra.tar.gz::test", "bio"),
    ("CLUENER2020 dev", "{data}/cluener2020/dev.json", "cluener"),
    ("People's Daily test", "{data}/peoples_daily_ner/example.test", "bio"),
    ("People's Daily test, sentences not in MSRA train", "{data}/peoples_daily_ner/example.test", "unseen"),
    ("Resume test", "{data}/resume_ner/test.char.bmes", "bmes"),
    ("Weibo test (v2)", "{data}/weibo_ner/weiboNER_2nd_conll.test", "conll"),
]

# (column, extra `parkgraph evaluate` options); the default pipeline's column comes first
SETTINGS = [
    ("model + rules (default: the model outranks place, org-lexicon and person rules)", []),
    ("model + rules, rules win", ["--prefer", "rules"]),
    ("model + rules, model wins", ["--prefer", "model"]),
    ("rules only", ["--ner", "none"]),
]


def unseen_sentences(spec: str, data: Path, folder: Path) -> list[str]:
    """64% of People's Daily test is verbatim in MSRA train (the model's training data): its
    other sentences as our gold JSONL, with a label map, as `parkgraph evaluate` arguments."""
    from pipeline.corpora import GOLD_LABELS, PREDICTION_LABELS, read_corpus

    seen = {d.text for d in read_corpus(data / "msra_ner" / "msra.tar.gz::msra_train_bio", "bio")}
    gold, label_map = folder / "unseen.jsonl", folder / "labels.json"
    with gold.open("w", encoding="utf-8") as f:
        for doc in read_corpus(spec, "bio"):
            if doc.text not in seen:
                record = {"doc_id": doc.doc_id, "text": doc.text, "entities": doc.entities, "relations": []}
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
    maps = {"gold": GOLD_LABELS["bio"], "predictions": PREDICTION_LABELS["bio"]}
    label_map.write_text(json.dumps(maps), encoding="utf-8")
    return [str(gold), "--format", "jsonl", "--label-map", str(label_map)]


def evaluate(source: list[str], options: list[str]) -> dict:
    with tempfile.TemporaryDirectory() as report:
        cmd = [sys.executable, "-m", "pipeline", "evaluate", *source, "--report", report, *options]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return json.loads((Path(report) / "evaluation.json").read_text(encoding="utf-8"))


def scores(data: dict, fmt: str) -> tuple[dict, dict]:
    """(strict, boundary-only) scores per label, with the micro average as "micro"."""
    ents = data["entities"]
    own_gold = fmt == "jsonl"  # the seed and the park dev set: relations too, micro over our five labels
    strict = {**ents["per_label"], "micro": ents["micro"] if own_gold else ents["micro_all_labels"]}
    if own_gold:
        strict["relations"] = data["relations"]["micro"]
    return strict, {**ents["boundary_per_label"], "micro": ents["boundary_micro"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    columns = " | ".join(name for name, _ in SETTINGS)
    lines = [
        "# Accuracy (strict spans; `python benchmarks/accuracy.py`)",
        "",
        f"Run {time.strftime('%Y-%m-%d')}. Corpus labels are mapped to ours (`pipeline/corpora.py`): for MSRA, "
        "People's Daily, Resume and Weibo our COMPANY and PARK count as ORG; for CLUENER company → COMPANY, "
        "government + organization → ORG, address → LOC (our PARK counts as LOC), name → PERSON. Only the "
        "corpus's labels are scored. The model is models/ner (see its MODEL_CARD.md); it never saw these splits, "
        "but 64% of People's Daily test is verbatim in MSRA train, so the row below it scores the other 36%.",
        "",
        f"| corpus | label | gold | {columns} | P (default) | R (default) | F1 boundaries (default) |",
        "|---|---|---|" + "---|" * len(SETTINGS) + "---|---|---|",
    ]
    for name, spec, fmt in CORPORA:
        spec = spec.format(data=args.data)
        if not Path(spec.split("::")[0]).is_absolute():
            spec = str(ROOT / spec)
        if not Path(spec.split("::")[0]).exists():
            lines.append(f"| {name} | (not found) |" + " |" * (len(SETTINGS) + 4))
            continue
        with tempfile.TemporaryDirectory() as folder:
            source = unseen_sentences(spec, args.data, Path(folder)) if fmt == "unseen" else [spec, "--format", fmt]
            with ThreadPoolExecutor(2) as pool:  # one evaluation per core
                runs = pool.map(evaluate, [source] * len(SETTINGS), [options for _, options in SETTINGS])
                results = [scores(run, fmt) for run in runs]
        (default, bounds) = results[0]
        for label, s in default.items():
            f1s = " | ".join(f"{strict.get(label, {}).get('f1', float('nan')):.3f}" for strict, _ in results)
            b = bounds.get(label, {}).get("f1")
            lines.append(
                f"| {name} | {label} | {s['tp'] + s['fn']} | {f1s} | {s['precision']:.3f} | {s['recall']:.3f} | "
                f"{'' if b is None else f'{b:.3f}'} |"
            )
        print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n"
    target = ROOT / "benchmarks" / "accuracy.md"
    # the notes written by hand below the tables stay
    notes = target.read_text(encoding="utf-8").partition(NOTES)[2] if target.exists() else ""
    target.write_text(text + (f"\n{NOTES}{notes}" if notes else ""), encoding="utf-8")
    # the gold splits' table (benchmarks/corpus_scores.py) goes back in from its saved runs
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "corpus_scores.py"), "--table-only"], check=True)
    print(text)


if __name__ == "__main__":
    main()
