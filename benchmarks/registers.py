"""Company→park relations in registers the classifier never read: leave one written register out.

    python benchmarks/registers.py                       # every w4 and w5 batch; about 40 minutes on 2 cores
    python benchmarks/registers.py --batches w4a,w5c     # some of them
    python benchmarks/registers.py --work /tmp/registers # keeps (and reuses) the trained models there
    python benchmarks/registers.py --groups w4,w5        # each group of batches left out whole (4 models)

Each written batch of `corpus/synthetic/` is one register of news (park newsletters, listed
companies' announcements, government bulletins, interviews …; its README). For each batch the
relation classifier is trained (`parkgraph train relations`, the shipped recipe) on the silver
without that batch, and scores it end to end with the shipped tagger; a second family, trained
without any of the batches, scores them too. Pooled over the batches, the two say whether
documents written in other registers help on a register nobody wrote training text for, which is
what news from outside the project looks like to the classifier. With ``--groups`` each group of
batches (w4: eight registers) is left out whole instead, and scored by one classifier trained on
the rest of the silver: a quicker and stricter reading of the same question, for comparing two
versions of the code (run it once with each, each with its own ``--work``: trained models are
reused). The gold splits are not read except dev, which chooses each model's thresholds as in
`parkgraph train relations`. Writes benchmarks/registers.md (with ``--groups``:
benchmarks/registers-groups.md).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SILVER = ROOT / "corpus" / "silver" / "train.jsonl"
SEED = ROOT / "seeds" / "gold" / "seed.jsonl"


def batch_of(doc_id: str) -> str | None:
    """synth-w4a-007 → w4a; None for a document that is no written one."""
    parts = doc_id.split("-")
    return parts[1] if parts[0] == "synth" and len(parts) == 3 else None


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(lines), encoding="utf-8")
    return path


def train(model: Path, data: list[Path]) -> Path:
    if not (model / "weights.json").exists():
        command = ["parkgraph", "train", "relations", *map(str, data), str(SEED), "--out", str(model)]
        subprocess.run(command, check=True, capture_output=True)
    return model


def company_park(gold: Path, model: Path) -> dict[str, int]:
    command = ["parkgraph", "evaluate", str(gold), "--relations", str(model), "--json"]
    report = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    return {k: report["relations"]["company_park"][k] for k in ("tp", "fp", "fn")}


def f1(counts: dict[str, int]) -> tuple[float, float, float]:
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return (2 * p * r / (p + r) if p + r else 0.0), p, r


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", default="", help="comma-separated written batches (default: every w4 and w5)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/parkgraph-registers"))
    parser.add_argument("--groups", default="", help="comma-separated batch prefixes, each left out whole (w4,w5)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    lines = [
        (batch_of(json.loads(line)["doc_id"]), line)
        for line in SILVER.read_text(encoding="utf-8").splitlines(keepends=True)
    ]
    if args.groups:
        groups(args.groups.split(","), lines, args.work, args.out or ROOT / "benchmarks" / "registers-groups.md")
        return
    by_batch: dict[str, list[str]] = {}
    for batch, line in lines:
        if batch:
            by_batch.setdefault(batch, []).append(line)
    chosen = args.batches.split(",") if args.batches else sorted(b for b in by_batch if b[:2] in ("w4", "w5"))
    base = [line for batch, line in lines if batch not in chosen]
    args.work.mkdir(parents=True, exist_ok=True)
    began = time.time()
    without_any = train(args.work / "without-any", [write_lines(args.work / "base.jsonl", base)])
    rows, totals = [], {"others": {"tp": 0, "fp": 0, "fn": 0}, "none": {"tp": 0, "fp": 0, "fn": 0}}
    for batch in chosen:
        held_out = write_lines(args.work / f"{batch}.jsonl", by_batch[batch])
        other_lines = [line for b in chosen if b != batch for line in by_batch[b]]
        others = write_lines(args.work / f"others-{batch}.jsonl", other_lines)
        model = train(args.work / f"without-{batch}", [args.work / "base.jsonl", others])
        counts = {"others": company_park(held_out, model), "none": company_park(held_out, without_any)}
        for family, c in counts.items():
            for k in c:
                totals[family][k] += c[k]
        rows.append((batch, len(by_batch[batch]), counts))
        print(batch, {k: round(f1(c)[0], 3) for k, c in counts.items()}, flush=True)
    out = [
        "# Company→park relations in written registers left out of training",
        "",
        f"`python benchmarks/registers.py` — {len(chosen)} written batches of `corpus/synthetic/`, one register each; "
        f"{time.time() - began:.0f} s. For each batch: the relation classifier trained on the silver without it "
        "(**others**: the other batches in training) or without any of them (**none**), scored end to end on the "
        "batch with the shipped tagger (which read the w4 batches in its training, not the w5 ones).",
        "",
        "| batch | documents | company→park F1, others | company→park F1, none |",
        "|---|---|---|---|",
    ]
    out += [f"| {b} | {n} | {f1(c['others'])[0]:.3f} | {f1(c['none'])[0]:.3f} |" for b, n, c in rows]
    pooled = ["**{:.3f}** (P {:.3f}, R {:.3f})".format(*f1(totals[family])) for family in ("others", "none")]
    out.append(f"| **pooled** | {sum(n for _, n, _ in rows)} | {pooled[0]} | {pooled[1]} |")
    out += ["", "Pooled counts (TP, FP, FN): " + "; ".join(f"{k} {tuple(v.values())}" for k, v in totals.items()) + "."]
    (args.out or ROOT / "benchmarks" / "registers.md").write_text("\n".join(out) + "\n", encoding="utf-8")
    print("\n".join(out))


def groups(prefixes: list[str], lines: list[tuple[str | None, str]], work: Path, out_path: Path) -> None:
    """Each group of written batches left out whole: trained on the rest, scored on the group."""
    if empty := [p for p in prefixes if not any(batch and batch.startswith(p) for batch, _ in lines)]:
        raise SystemExit(f"--groups: no written batch of {SILVER} starts with {', '.join(empty)}")
    work.mkdir(parents=True, exist_ok=True)
    began, rows, documents, total = time.time(), [], 0, {"tp": 0, "fp": 0, "fn": 0}
    for prefix in prefixes:
        inside = [line for batch, line in lines if batch and batch.startswith(prefix)]
        rest = [line for batch, line in lines if not (batch and batch.startswith(prefix))]
        rest_file = write_lines(work / f"without-{prefix}.jsonl", rest)
        model = train(work / f"without-{prefix}", [rest_file])
        counts = company_park(write_lines(work / f"{prefix}.jsonl", inside), model)
        total = {k: total[k] + counts[k] for k in total}
        documents += len(inside)
        rows.append(f"| {prefix} | {len(inside)} | {f1(counts)[0]:.3f} | {tuple(counts.values())} |")
        print(rows[-1], flush=True)
    pooled = "**{:.3f}** (P {:.3f}, R {:.3f})".format(*f1(total))
    out = [
        "# Company→park relations in groups of written registers left out of training",
        "",
        f"`python benchmarks/registers.py --groups {','.join(prefixes)}` — {time.time() - began:.0f} s. For each group "
        "of batches: the relation classifier trained on the silver without any of its batches, scored end to end "
        "on them with the shipped tagger.",
        "",
        "| group | documents | company→park F1 | TP, FP, FN |",
        "|---|---|---|---|",
        *rows,
        f"| **pooled** | {documents} | {pooled} | {tuple(total.values())} |",
    ]
    out_path.write_text("\n".join(out) + "\n", encoding="utf-8")
    print("\n".join(out))


if __name__ == "__main__":
    main()
