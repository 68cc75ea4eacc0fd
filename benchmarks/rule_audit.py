"""The rules read against the data: how often each rule's reading agrees with the annotators.

    python benchmarks/rule_audit.py            # about 3 minutes on 2 cores; writes benchmarks/rule_audit.md

A rule earns its place with examples from two sources or more (the issue tracker's issue 14). This
script counts, per source of the silver training corpus, the evidence behind the sixteenth
session's rule changes (`benchmarks/accuracy.md`), so that the numbers in the code's comments can
be measured again:

1. a firm's name without a legal form that opens with Chinese places: annotated as one COMPANY,
   or as a LOC and a COMPANY (``mentions.with_places_in_firm_names``);
2. the person rule's guesses (``persons.guessed_names``): right or wrong against the annotation,
   and how many of each the common-word filter drops;
3. the organisation grammar's names that are a level and a government's head alone (省政府);
4. on the held-out documents (the gold dev split, the held-out silver and the held-out written
   batches; the sealed test is not read), each rule source's candidates that the model backs with
   a mention of the same label, or not, and how often each is right (``confirms`` in default.cfg).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import lexicon  # noqa: E402
from pipeline.mentions import OverlapPolicy  # noqa: E402
from pipeline.persons import guessed_names, occurrences, opens_with_common_word  # noqa: E402
from pipeline.places import leading_place  # noqa: E402
from pipeline.segment import word_spans  # noqa: E402

SILVER = ROOT / "corpus" / "silver" / "train.jsonl"
HELD_OUT = [
    ROOT / "corpus" / "gold" / "dev.jsonl",
    ROOT / "corpus" / "silver" / "heldout.jsonl",
    ROOT / "corpus" / "silver" / "heldout-written.jsonl",
]
REGISTERED = ("有限公司", "有限责任公司")


def documents(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8")]


def source_of(doc: dict) -> str:
    return doc["doc_id"].split("-")[0]


def leading_places(name: str) -> int:
    """Characters of the places ``name`` opens with, leaving two or more after them."""
    at = 0
    while place := leading_place(name, at):
        at += len(place)
    return at


def places_before_firms(docs: list[dict]) -> Counter:
    """(source, "one COMPANY" | "LOC + COMPANY") for firm names without a legal form."""
    out: Counter = Counter()
    for doc in docs:
        ents = sorted(doc["entities"], key=lambda e: e["start"])
        by_end = {e["end"]: e for e in ents}
        for e in ents:
            name = doc["text"][e["start"] : e["end"]]
            if e["label"] != "COMPANY" or name.endswith(REGISTERED):
                continue
            before = by_end.get(e["start"])
            if before and before["label"] == "LOC":
                if lexicon.is_chinese_divisions(doc["text"][before["start"] : before["end"]]):
                    out[source_of(doc), "LOC + COMPANY"] += 1
            elif (n := leading_places(name)) and lexicon.is_chinese_divisions(name[:n]):
                out[source_of(doc), "one COMPANY"] += 1
    return out


def person_guesses(docs: list[dict]) -> Counter:
    """(source, right?, dropped as a common word?) of the person rule's guesses, by mention."""
    out: Counter = Counter()
    for doc in docs:
        text = doc["text"]
        gold = {(e["start"], e["end"]) for e in doc["entities"] if e["label"] == "PERSON"}
        names = guessed_names(text, word_spans(text))
        for common in (False, True):
            chosen = {name for name in names if opens_with_common_word(name) == common}
            for mention in occurrences(text, chosen):
                out[source_of(doc), mention in gold, common] += 1
    return out


def unnamed_governments(docs: list[dict]) -> Counter:
    """(source, right?) of the organisation grammar's names that ``grammar.unnamed_government``
    turns down (省政府, 县委, 两国政府), found by running the grammar without that check."""
    import pipeline
    from pipeline import grammar

    check = grammar.unnamed_government
    grammar.unnamed_government = lambda body, head: False  # the grammar as it read before the rule
    out: Counter = Counter()
    try:
        nlp = pipeline.load(ner="none")
        for doc, parsed in zip(docs, nlp.pipe((d["text"] for d in docs), batch_size=64)):
            gold = {(e["start"], e["end"]): e["label"] for e in doc["entities"]}
            for c in parsed._.candidates.get("rules", []):
                body = doc["text"][c.start : c.end].removesuffix(c.head)
                if c.source == "grammar:org" and check(body, c.head):
                    out[source_of(doc), gold.get((c.start, c.end)) == "ORG"] += 1
    finally:
        grammar.unnamed_government = check
    return out


def backed_by_model(docs: list[dict]) -> Counter:
    """(rule source, backed?, right?) of the rules' candidates on ``docs``: backed where the
    model proposes a mention of the same label overlapping it, as ``confirms`` reads it."""
    import pipeline

    nlp = pipeline.load(**{"components.mentions.policy.confirms": {}})
    out: Counter = Counter()
    for doc, parsed in zip(docs, nlp.pipe((d["text"] for d in docs), batch_size=64)):
        gold = {(e["start"], e["end"]): e["label"] for e in doc["entities"]}
        proposed = parsed._.candidates
        rules = proposed.get("rules", [])
        everything = OverlapPolicy(("rules", "ner"), {}, {}, {"ner": frozenset(c.source for c in rules)})
        kept = set(everything.confirmed(proposed)["rules"])
        for c in rules:
            out[c.source, c in kept, gold.get((c.start, c.end)) == c.label] += 1
    return out


def main() -> None:
    silver = documents(SILVER)
    lines = ["# The rules read against the data (`python benchmarks/rule_audit.py`)", ""]
    places = places_before_firms(silver)
    lines += [
        "## A Chinese place before a firm's name (no legal form), in the silver training corpus",
        "",
        "| source | one COMPANY | a LOC and a COMPANY |",
        "|---|---|---|",
        *(
            f"| {s} | {places[s, 'one COMPANY']} | {places[s, 'LOC + COMPANY']} |"
            for s in sorted({s for s, _ in places})
        ),
        "",
    ]
    governments = unnamed_governments([d for d in silver if source_of(d) != "synth"])
    lines += [
        "## A level alone before 政府 or 委 (省政府, 县委), found by the grammar without its rule, in the silver",
        "",
        "| source | annotated as that ORG | not |",
        "|---|---|---|",
        *(f"| {s} | {governments[s, True]} | {governments[s, False]} |" for s in sorted({k[0] for k in governments})),
        "",
    ]
    guesses = person_guesses(silver)
    lines += [
        "## The person rule's guesses in the silver training corpus (mentions)",
        "",
        "| source | kept, right | kept, wrong | dropped as a common word, right | dropped, wrong |",
        "|---|---|---|---|---|",
        *(
            f"| {s} | {guesses[s, True, False]} | {guesses[s, False, False]} "
            f"| {guesses[s, True, True]} | {guesses[s, False, True]} |"
            for s in sorted({k[0] for k in guesses})
        ),
        "",
    ]
    held_out = [d for path in HELD_OUT for d in documents(path)]
    backed = backed_by_model(held_out)
    lines += [
        f"## The rules' candidates the model backs, on {len(held_out)} held-out documents",
        "",
        "| rule source | backed: right / all | not backed: right / all |",
        "|---|---|---|",
    ]
    for source in sorted({k[0] for k in backed}):
        right, wrong = (
            (backed[source, True, True], backed[source, False, True]),
            (backed[source, True, False], backed[source, False, False]),
        )
        lines.append(f"| {source} | {right[0]} / {right[0] + wrong[0]} | {right[1]} / {right[1] + wrong[1]} |")
    text = "\n".join(lines) + "\n"
    (ROOT / "benchmarks" / "rule_audit.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
