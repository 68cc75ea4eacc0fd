"""Texts of the source corpora by document id, read from ../shared/data (never copied here).

Document ids say where a text comes from, so a gold or silver line can always be traced back:

| id | source | text |
|---|---|---|
| ``xwlb-p<N>`` | news_xwlb/xwlb_park_articles.jsonl, 0-based line N | the item's ``text`` |
| ``xwlb-a<N>`` | news_xwlb/xwlb_all_articles.jsonl.gz, 0-based line N | the item's ``text`` |
| ``msra-train-<N>`` | msra_ner/msra.tar.gz :: msra_train_bio, 0-based sentence N | the characters |
| ``cluener-<split>-<N>`` | cluener2020/<split>.json, 0-based line N | ``text`` |
| ``resume-<split>-<N>`` | resume_ner/<split>.char.bmes, 0-based sentence N | the characters |
| ``pd-<split>-<N>`` | peoples_daily_ner/example.<split>, 0-based sentence N | the characters |
| ``synth-<batch>-<N>`` | corpus/synthetic/<batch>.jsonl (this project's own texts, see its README) | ``text`` |

``<first>_<last>`` instead of N joins consecutive sentences, as tests/data/park_dev.jsonl does.
"""

from __future__ import annotations

import gzip
import json
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from pipeline.corpora import _read_tagged_lines, _text_lines  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
SYNTHETIC = ROOT / "corpus" / "synthetic"


@cache
def synthetic(batch: str) -> dict[str, str]:
    """doc_id → text of one file of written documents (corpus/synthetic/<batch>.jsonl)."""
    with open(SYNTHETIC / f"{batch}.jsonl", encoding="utf-8") as f:
        return {record["doc_id"]: record["text"] for record in map(json.loads, f)}


@cache
def xwlb(kind: str) -> list[dict]:
    """All items of the park file (``p``) or of the whole archive (``a``), in file order."""
    if kind == "p":
        with open(DATA / "news_xwlb" / "xwlb_park_articles.jsonl", encoding="utf-8") as f:
            return [json.loads(line) for line in f]
    with gzip.open(DATA / "news_xwlb" / "xwlb_all_articles.jsonl.gz", "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


@cache
def sentences(corpus: str, split: str) -> list[str]:
    if corpus == "cluener":
        with open(DATA / "cluener2020" / f"{split}.json", encoding="utf-8") as f:
            return [json.loads(line)["text"] for line in f]
    spec = {
        "msra": (DATA / "msra_ner" / "msra.tar.gz", f"msra_{split}_bio"),
        "resume": (DATA / "resume_ner" / f"{split}.char.bmes", None),
        "pd": (DATA / "peoples_daily_ner" / f"example.{split}", None),
    }[corpus]
    return ["".join(c for c, _ in s) for s in _read_tagged_lines(_text_lines(*spec), conll=False)]


def source_of(doc_id: str) -> str:
    """The source a document counts under in per-source reports: xwlb, msra, cluener, resume,
    pd, synth."""
    return doc_id.split("-", 1)[0]


def text_of(doc_id: str) -> str:
    corpus, _, rest = doc_id.partition("-")
    if corpus == "synth":
        return synthetic(rest.rpartition("-")[0])[doc_id]
    if corpus == "xwlb":
        return xwlb(rest[0])[int(rest[1:])]["text"]
    split, _, index = rest.rpartition("-")
    first, _, last = index.partition("_")
    return "".join(sentences(corpus, split)[int(first) : int(last or first) + 1])


def date_of(doc_id: str) -> str | None:
    if doc_id.startswith("xwlb-"):
        return xwlb(doc_id[5])[int(doc_id[6:])]["date"]
    return None
