"""Scores COMPANY mentions of the written company sentences (tests/data/companies_written.jsonl):
span precision and recall, and how often a found listed company is linked to its registered name."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.evaluate import Counts

WRITTEN = Path(__file__).resolve().parent / "data" / "companies_written.jsonl"


@dataclass
class Scores:
    spans: Counts = field(default_factory=Counts)  # COMPANY spans, strict (the evaluator's counts)
    linked_right: int = 0
    linkable_found: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.spans.scores()["precision"]

    @property
    def recall(self) -> float:
        return self.spans.scores()["recall"]

    @property
    def linking(self) -> float:
        return self.linked_right / max(1, self.linkable_found)


def load_written() -> list[dict]:
    return [json.loads(line) for line in WRITTEN.read_text(encoding="utf-8").splitlines() if line.strip()]


def score(nlp, examples: list[dict]) -> Scores:
    scores = Scores()
    for example, doc in zip(examples, nlp.pipe(e["text"] for e in examples)):
        found = {(e.start_char, e.end_char): e._.entity for e in doc.ents if e.label_ == "COMPANY"}
        expected = {(c["start"], c["end"]): c["canonical"] for c in example["companies"]}
        for span, canonical in expected.items():
            if span not in found:
                scores.spans.fn += 1
                scores.errors.append(f"missed {example['text'][span[0] : span[1]]}: {example['text']}")
                continue
            scores.spans.tp += 1
            if canonical is not None:
                scores.linkable_found += 1
                if found[span] == canonical:
                    scores.linked_right += 1
                else:
                    scores.errors.append(f"linked {found[span]} for {canonical}: {example['text']}")
        for span in found.keys() - expected.keys():
            scores.spans.fp += 1
            scores.errors.append(f"spurious {example['text'][span[0] : span[1]]}: {example['text']}")
    return scores
