"""How often a gold entity starts or ends inside a jieba word: what an NER over jieba tokens
cannot get right, and why the shipped model reads characters.

    python benchmarks/word_boundaries.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import jieba

from pipeline.corpora import read_corpus
from pipeline.normalise import normalise

ROOT = Path(__file__).resolve().parent.parent
SPLITS = [
    ("MSRA train", "msra_ner/msra.tar.gz::msra_train_bio", "bio"),
    ("MSRA test", "msra_ner/msra.tar.gz::test", "bio"),
    ("CLUENER2020 dev", "cluener2020/dev.json", "cluener"),
]


def crossing_share(spec: Path | str, fmt: str) -> tuple[int, int]:
    """(entities with an edge inside a jieba word, entities)."""
    crossing = total = 0
    for doc in read_corpus(spec, fmt):
        edges, position = {0}, 0
        for word in jieba.cut(normalise(doc.text)):
            position += len(word)
            edges.add(position)
        for e in doc.entities:
            total += 1
            crossing += e["start"] not in edges or e["end"] not in edges
    return crossing, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    for name, spec, fmt in SPLITS:
        crossing, total = crossing_share(f"{args.data}/{spec}", fmt)
        print(f"| {name} | {total} | {crossing} | {crossing / total:.1%} |")


if __name__ == "__main__":
    main()
