"""Throughput of the default pipeline against jieba.cut and jieba.posseg, in one process.

    python benchmarks/speed.py [--repeat 30]

Writes benchmarks/speed.md. Machines here are noisy: compare the ratios, not the absolute numbers.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import jieba
import jieba.posseg

import pipeline

ROOT = Path(__file__).resolve().parent.parent


def chars_per_second(fn, texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        fn(text)
    return sum(map(len, texts)) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30, help="copies of the seed page in the corpus")
    args = parser.parse_args()
    seed = (ROOT / "seeds" / "000_b8ebdc5dd853cd78.txt").read_text(encoding="utf-8")
    texts = [seed] * args.repeat
    nlp = pipeline.load()
    nlp(seed), list(jieba.cut(seed)), list(jieba.posseg.cut(seed))  # warm up dictionaries and caches
    rows = {
        "jieba.cut": chars_per_second(lambda t: list(jieba.cut(t)), texts),
        "jieba.posseg": chars_per_second(lambda t: list(jieba.posseg.cut(t)), texts),
        "parkgraph (segment, tag, link)": chars_per_second(nlp, texts),
    }
    base = rows["jieba.posseg"]
    lines = [
        "# Throughput (one process, same run)",
        "",
        f"Corpus: the seed page × {args.repeat} ({sum(map(len, texts)):,} characters).",
        "",
        "| system | chars/s | × jieba.posseg |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {value:,.0f} | {value / base:.2f} |" for name, value in rows.items()]
    (ROOT / "benchmarks" / "speed.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
