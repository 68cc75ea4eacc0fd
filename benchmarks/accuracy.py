"""Accuracy of the default pipeline on every corpus, with the project's own evaluator.

    python benchmarks/accuracy.py [--data ../shared/data]

Runs `parkgraph evaluate` on the seed page, the park dev set and the public corpora's test (or
dev) splits, and writes benchmarks/accuracy.md (strict and boundary-only F1 per label).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = [
    ("seed page (own gold, dev set)", "seeds/gold/seed.jsonl", "jsonl"),
    ("park dev set (84 corpus sentences)", "tests/data/park_dev.jsonl", "jsonl"),
    ("MSRA test", "{data}/msra_ner/msra.tar.gz::test", "bio"),
    ("CLUENER2020 dev", "{data}/cluener2020/dev.json", "cluener"),
    ("People's Daily test", "{data}/peoples_daily_ner/example.test", "bio"),
    ("Resume test", "{data}/resume_ner/test.char.bmes", "bmes"),
    ("Weibo test (v2)", "{data}/weibo_ner/weiboNER_2nd_conll.test", "conll"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    rows = []
    for name, spec, fmt in CORPORA:
        spec = spec.format(data=args.data)
        if not Path(spec.split("::")[0]).is_absolute():
            spec = str(ROOT / spec)
        if not Path(spec.split("::")[0]).exists():
            rows.append((name, fmt, None))
            continue
        with tempfile.TemporaryDirectory() as report:
            cmd = [sys.executable, "-m", "pipeline", "evaluate", spec, "--format", fmt, "--report", report]
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            rows.append((name, fmt, json.loads((Path(report) / "evaluation.json").read_text(encoding="utf-8"))))
    lines = [
        "# Accuracy (strict spans; `python benchmarks/accuracy.py`)",
        "",
        f"Run {time.strftime('%Y-%m-%d')} with the default pipeline (rules and lexicons; no trained model yet). "
        "Corpus labels are mapped to ours (`pipeline/corpora.py`): for MSRA, People's Daily, Resume and Weibo "
        "our COMPANY and PARK count as ORG; for CLUENER company → COMPANY, government + organization → ORG, "
        "address → LOC (our PARK counts as LOC), name → PERSON. Only the corpus's labels are scored.",
        "",
        "| corpus | label | P | R | F1 (strict) | F1 (boundaries) | gold mentions |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, fmt, data in rows:
        if data is None:
            lines.append(f"| {name} | (not found) | | | | | |")
            continue
        ents = data["entities"]
        per = {**ents["per_label"], "micro": ents["micro_all_labels"] if fmt != "jsonl" else ents["micro"]}
        bounds = {**ents["boundary_per_label"], "micro": ents["boundary_micro"]}
        for label, s in per.items():
            b = bounds.get(label, {}).get("f1", float("nan"))
            lines.append(
                f"| {name} | {label} | {s['precision']:.3f} | {s['recall']:.3f} | **{s['f1']:.3f}** | "
                f"{b:.3f} | {s['tp'] + s['fn']} |"
            )
        if fmt == "jsonl":
            r = data["relations"]["micro"]
            lines.append(
                f"| {name} | relations | {r['precision']:.3f} | {r['recall']:.3f} | **{r['f1']:.3f}** | | "
                f"{r['tp'] + r['fn']} |"
            )
    text = "\n".join(lines) + "\n"
    (ROOT / "benchmarks" / "accuracy.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
