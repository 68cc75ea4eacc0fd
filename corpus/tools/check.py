"""Check annotation files against their texts: python corpus/tools/check.py FILE.ann [FILE.ann ...]

Prints one line per problem (file:line: reason) and a count per file; exit 1 when any problem.
Annotators run it on each file before handing it in.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import sources
from ann import AnnotationError, parse, to_record


def check(path: Path) -> tuple[list[dict], list[str]]:
    records, problems = [], []
    try:
        docs = parse(path.read_text(encoding="utf-8"), str(path))
    except AnnotationError as error:
        return [], [str(error)]
    for doc in docs:
        try:
            records.append(to_record(doc, sources.text_of(doc.doc_id), str(path)))
        except (AnnotationError, KeyError, IndexError, ValueError) as error:
            problems.append(f"{path}:{doc.line}: {doc.doc_id}: {error}")
    return records, problems


def main(paths: list[str]) -> int:
    bad = 0
    for p in paths:
        records, problems = check(Path(p))
        for line in problems:
            print(line)
        bad += len(problems)
        labels = Counter(e["label"] for r in records for e in r["entities"])
        rels = Counter(r["relation"] for rec in records for r in rec["relations"])
        print(
            f"{p}: {len(records)} documents ok, {len(problems)} with problems; "
            f"entities {dict(labels)}; relations {dict(rels)}"
        )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
