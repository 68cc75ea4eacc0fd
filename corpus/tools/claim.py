"""Hand out annotation batches: python corpus/tools/claim.py ANNOTATOR

Prints the path of the next batch of texts and the .ann file to write, and records the claim
(corpus/work/claims/<batch>, created atomically, holding the annotator's name). Gold comes first,
then the second annotations, then silver. A batch holding a document this annotator has already
annotated in another batch is skipped, so the two annotations of a doubly annotated document
come from two different annotators. Prints DONE when nothing is left.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

WORK = Path(__file__).resolve().parents[1] / "work"
ANNOTATIONS = Path(__file__).resolve().parents[1] / "annotations"
ORDER = (
    "recheck-",
    "gold-c",
    "gold-x",
    "double-",
    "silver-x",
    "silver-c",
    "silver-y",
    "silver-z",
    "silver-w",
    "silver-v",
    "silver-u",
    "silver-l",
)


def doc_ids(batch: Path) -> set[str]:
    return set(re.findall(r"^=== DOC (\S+)", batch.read_text(encoding="utf-8"), flags=re.M))


def target(name: str) -> Path:
    kind = "double" if name.startswith("double") else "silver" if name.startswith("silver") else "gold"
    return ANNOTATIONS / kind / f"{name}.ann"


def main(annotator: str) -> None:
    claims = WORK / "claims"
    claims.mkdir(parents=True, exist_ok=True)
    batches = sorted(
        (WORK / "batches").glob("*.txt"),
        key=lambda p: (next(k for k, prefix in enumerate(ORDER) if p.stem.startswith(prefix)), p.stem),
    )
    mine = set()
    for claim in claims.iterdir():
        if claim.read_text().strip() == annotator:
            mine |= doc_ids(WORK / "batches" / f"{claim.name}.txt")
    for batch in batches:
        if (claims / batch.stem).exists() or doc_ids(batch) & mine:
            continue
        try:
            fd = os.open(claims / batch.stem, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            continue
        os.write(fd, annotator.encode())
        os.close(fd)
        print(f"texts: {batch}\nwrite: {target(batch.stem)}")
        return
    print("DONE")


if __name__ == "__main__":
    main(sys.argv[1])
