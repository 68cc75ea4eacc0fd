"""Draw the gold and silver documents by a fixed random procedure, and cut them into batches.

    python corpus/tools/draw.py        # writes corpus/draw.json and corpus/work/batches/*.txt

Gold (ISSUE 12): xwlb items that name a park and an organisation (``PARK_NAME`` and ``ORG_WORD``
below, at most 1,500 characters: longer items are policy round-ups), shuffled with seed 12; 125
from 2012–2021 for dev, 125 from 2022–2026 for test. The 84 texts of tests/data/park_dev.jsonl
(the rules were written against them) are dev only; new sentences of the public corpora with a
park word or a company word balance them in test. 64 documents are annotated twice.
Silver: the other eligible xwlb park items (at most 2,000 characters), xwlb items without a park
word that name a company, corpus sentences with an organisation, the remaining park items, then
items the archive does not mark as park items that name a park by another word (科技园, 片区 …)
and a company settling or investing (``OTHER_PARK_WORD``, ``SETTLING``); none of them a gold
document or a near-duplicate of one (``near_duplicate``). Drawn after those, so they stay as they
were: company-dense items (``company_dense``), corpus sentences that name a firm
(``firm_pattern``), the park items of 2,000 to 6,000 characters, and a second group of firm sentences.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import sources

CORPUS = Path(__file__).resolve().parents[1]
PARK_NAME = re.compile(
    r"[\u4e00-\u9fff]{2,12}(?:高新技术产业开发区|经济技术开发区|高新区|经开区|开发区|产业园区?|工业园区?|科技园|"
    r"保税区|保税港区|自贸区|自由贸易试验区|片区|产业基地|合作区|示范区|科学城|科创城|新区)"
)
ORG_WORD = re.compile(r"公司|集团|企业|研究院|大学")
PARK_WORD = re.compile(r"园区|开发区|高新区|产业园|工业园|科技园|经开区|保税区|自贸区|产业基地|科学城")
# xwlb marks an item ``park`` by seven words only; these items name a park with another word
# (科技园, 片区, 新区 …) and say what a company does there: where company–park relations are
OTHER_PARK_WORD = re.compile(
    r"工业园|科技园|软件园|科学城|科创城|产业基地|综保区|保税港区|片区|新区|示范区|合作区|产业园"
)
SETTLING = re.compile(r"入驻|落户|进驻|落地|投资|签约|开工|投产|迁入|扎根|设立")
# the last group: any item, park-flagged or not, that names a company, a park of any kind and a
# settling verb, which no earlier group took (drawn to grow the company→park relations)
ANY_PARK_WORD = re.compile(PARK_WORD.pattern + "|" + OTHER_PARK_WORD.pattern + "|工业区|物流园|试验区|港区|综保区")
COMPANY_WORD = re.compile(r"公司|集团|企业")
SEED = 12


def shingles(text: str, n: int = 5) -> set[str]:
    text = re.sub(r"\s+", "", text)
    return {text[i : i + n] for i in range(max(1, len(text) - n + 1))}


def near_duplicate(a: set[str], b: set[str]) -> bool:
    """One text repeats most of the other (a shorter report of the same story counts)."""
    return len(a & b) / max(1, min(len(a), len(b))) >= 0.5


def eligible_xwlb(limit: int) -> list[int]:
    return [
        i
        for i, item in enumerate(sources.xwlb("p"))
        if len(item["text"]) <= limit and PARK_NAME.search(item["text"]) and ORG_WORD.search(item["text"])
    ]


def corpus_sentences(corpus: str, split: str, used: set[str], pattern: re.Pattern) -> list[str]:
    return [
        f"{corpus}-{split}-{i}"
        for i, s in enumerate(sources.sentences(corpus, split))
        if len(s) >= 15 and pattern.search(s) and f"{corpus}-{split}-{i}" not in used
    ]


def main() -> None:
    rng = random.Random(SEED)
    park_dev = [json.loads(line)["doc_id"] for line in open(CORPUS.parent / "tests/data/park_dev.jsonl")]
    used = set(park_dev)
    for d in park_dev:  # joined sentences block their members too
        corpus, split, index = d.split("-")
        first, _, last = index.partition("_")
        used.update(f"{corpus}-{split}-{k}" for k in range(int(first), int(last or first) + 1))
    pool = eligible_xwlb(1500)
    rng.shuffle(pool)
    old = [f"xwlb-p{i}" for i in pool if sources.xwlb("p")[i]["date"] < "2022"]
    new = [f"xwlb-p{i}" for i in pool if sources.xwlb("p")[i]["date"] >= "2022"]
    gold = {"dev": {"xwlb": old[:125], "park_dev": park_dev}, "test": {"xwlb": new[:125]}}
    org_or_park = re.compile(ORG_WORD.pattern + "|" + PARK_WORD.pattern)
    draws = {("msra", "train"): 41, ("cluener", "train"): 37, ("resume", "train"): 6, ("pd", "test"): 10}
    gold["test"]["corpora"] = []
    for (corpus, split), k in draws.items():
        gold["test"]["corpora"] += rng.sample(corpus_sentences(corpus, split, used, org_or_park), k)
    gold["dev"]["corpora"] = rng.sample(corpus_sentences("pd", "dev", used, org_or_park), 10)
    double = rng.sample(old[:125], 20) + rng.sample(new[:125], 20) + rng.sample(gold["test"]["corpora"], 24)
    gold_ids = {d for split in gold.values() for ids in split.values() for d in ids}
    gold_shingles = [shingles(sources.text_of(d)) for d in gold_ids if d.startswith("xwlb")]

    def clean(doc_id: str) -> bool:
        s = shingles(sources.text_of(doc_id))
        return doc_id not in gold_ids and not any(near_duplicate(s, g) for g in gold_shingles)

    silver_pool = eligible_xwlb(2000)
    rng.shuffle(silver_pool)
    silver_xwlb = [d for d in (f"xwlb-p{i}" for i in silver_pool) if clean(d)]
    everything = sources.xwlb("a")
    company_items = [
        i
        for i, item in enumerate(everything)
        if not item["park"] and 80 <= len(item["text"]) <= 1200 and "公司" in item["text"]
    ]
    silver_negative = [d for d in (f"xwlb-a{i}" for i in rng.sample(company_items, 320)) if clean(d)][:250]
    used |= gold_ids
    silver_corpora = (
        rng.sample(corpus_sentences("cluener", "train", used, org_or_park), 200)
        + rng.sample(corpus_sentences("msra", "train", used, org_or_park), 150)
        + rng.sample(corpus_sentences("resume", "train", used, org_or_park), 100)
    )
    more = [i for i, item in enumerate(sources.xwlb("p")) if len(item["text"]) <= 2000 and i not in set(silver_pool)]
    rng.shuffle(more)
    silver_more = [d for d in (f"xwlb-p{i}" for i in more) if clean(d)]
    settling = [
        i
        for i, item in enumerate(everything)
        if not item["park"]
        and len(item["text"]) <= 2000
        and OTHER_PARK_WORD.search(item["text"])
        and SETTLING.search(item["text"])
        and ORG_WORD.search(item["text"])
    ]
    taken = set(silver_negative)
    silver_settling = [d for d in (f"xwlb-a{i}" for i in settling) if d not in taken and clean(d)]
    taken |= set(silver_xwlb) | set(silver_more) | set(silver_settling)
    park_ids = {item["text"]: i for i, item in enumerate(sources.xwlb("p"))}
    silver_relations = []
    for i, item in enumerate(everything):
        text = item["text"]
        if len(text) > 2000 or not (SETTLING.search(text) and ANY_PARK_WORD.search(text) and COMPANY_WORD.search(text)):
            continue
        doc_id = f"xwlb-p{park_ids[text]}" if text in park_ids else f"xwlb-a{i}"
        if doc_id not in taken and clean(doc_id):
            silver_relations.append(doc_id)
            taken.add(doc_id)
    firm = firm_pattern()
    silver_companies = company_dense(everything, taken, clean, rng, firm)[:COMPANY_DENSE_ITEMS]
    used |= set(silver_corpora)
    silver_corpus_firms = firm_sentences(used, firm, rng)
    # park items longer than every earlier group's limit (mostly inspection tours, it turned out)
    long_items = [i for i, item in enumerate(sources.xwlb("p")) if 2000 < len(item["text"]) <= 6000]
    silver_long = [d for d in (f"xwlb-p{i}" for i in long_items) if d not in taken and clean(d)]
    # a second 500 firm sentences, drawn last so every group above stays as it was
    used |= set(silver_corpus_firms)
    silver_corpus_firms_2 = firm_sentences(used, firm, rng)
    silver = {
        "xwlb_park": silver_xwlb,
        "xwlb_other": silver_negative,
        "corpora": silver_corpora,
        "xwlb_park_no_org": silver_more,
        "xwlb_settling": silver_settling,
        "xwlb_relations": silver_relations,
        "xwlb_companies": silver_companies,
        "corpus_companies": silver_corpus_firms,
        "xwlb_park_long": silver_long,
        "corpus_companies_2": silver_corpus_firms_2,
    }
    (CORPUS / "draw.json").write_text(
        json.dumps({"seed": SEED, "gold": gold, "double": double, "silver": silver}, ensure_ascii=False, indent=1)
        + "\n"
    )
    write_batches(gold, double, silver)


# the sixth session's 480 (silver-v000 to v031), the seventh's 480 (v032 to v063), its second 480 (v064
# to v095); the ninth asked for 480 more and got the last 153 (v096 to v105)
COMPANY_DENSE_ITEMS = 1920


def firm_pattern() -> re.Pattern:
    """A firm named by a listed or curated short name (比亚迪, 华为; not one jieba counts as an
    ordinary word: 外汇, 春季) or with 公司/集团."""
    import jieba

    jieba.initialize()
    lexicon = CORPUS.parent / "models" / "lexicons"
    short_names = set()
    for file in ("listed_companies.tsv", "famous_companies.tsv"):
        rows = (line.split("\t") for line in (lexicon / file).read_text(encoding="utf-8").splitlines()[1:])
        short_names |= {row[1] for row in rows if len(row[1]) >= 2 and jieba.dt.FREQ.get(row[1], 0) < 100}
    return re.compile(
        "|".join(sorted(map(re.escape, short_names), key=len, reverse=True)) + r"|[\u4e00-\u9fff]{2,8}(?:公司|集团)"
    )


def firm_sentences(used: set[str], firm: re.Pattern, rng: random.Random) -> list[str]:
    """250 MSRA and 250 CLUENER training sentences that name a firm (``firm_pattern``), none in ``used``."""
    return rng.sample(corpus_sentences("msra", "train", used, firm), 250) + rng.sample(
        corpus_sentences("cluener", "train", used, firm), 250
    )


def company_dense(everything: list[dict], taken: set[str], clean, rng: random.Random, firm: re.Pattern) -> list[str]:
    """Items that name at least three firms (``firm_pattern``), shuffled: news names firms by short
    names, the tagger's weakest reading (drawn after the other xwlb groups, so they stay as they
    were)."""
    dense = [
        f"xwlb-a{i}"
        for i, item in enumerate(everything)
        if 100 <= len(item["text"]) <= 1200 and len(set(firm.findall(item["text"]))) >= 3
    ]
    rng.shuffle(dense)
    return [d for d in dense if d not in taken and clean(d)]


def write_batch(name: str, ids: list[str]) -> None:
    out = CORPUS / "work" / "batches" / f"{name}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    parts = []
    for d in ids:
        text = sources.text_of(d)
        parts.append(
            f"=== DOC {d} ({len(text)} chars{', date ' + sources.date_of(d) if sources.date_of(d) else ''})\n{text}\n"
        )
    out.write_text("\n".join(parts), encoding="utf-8")


def chunks(ids: list[str], size: int) -> list[list[str]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def write_batches(gold: dict, double: list[str], silver: dict) -> None:
    xwlb_gold = [d for pair in zip(gold["dev"]["xwlb"], gold["test"]["xwlb"]) for d in pair]
    for k, ids in enumerate(chunks(xwlb_gold, 12)):
        write_batch(f"gold-x{k:02d}", ids)
    for k, ids in enumerate(chunks(gold["test"]["corpora"] + gold["dev"]["corpora"], 35)):
        write_batch(f"gold-c{k:02d}", ids)
    for k, ids in enumerate(chunks(double, 16)):
        write_batch(f"double-{k:02d}", ids)
    for k, ids in enumerate(chunks(silver["xwlb_park"], 20)):
        write_batch(f"silver-x{k:03d}", ids)
    for k, ids in enumerate(chunks(silver["xwlb_other"] + silver["corpora"], 50)):
        write_batch(f"silver-c{k:02d}", ids)
    for k, ids in enumerate(chunks(silver["xwlb_park_no_org"], 20)):
        write_batch(f"silver-y{k:03d}", ids)
    for k, ids in enumerate(chunks(silver["xwlb_settling"], 20)):
        write_batch(f"silver-z{k:03d}", ids)
    for k, ids in enumerate(chunks(silver["xwlb_relations"], 15)):
        write_batch(f"silver-w{k:03d}", ids)
    for k, ids in enumerate(chunks(silver["xwlb_companies"], 15)):
        write_batch(f"silver-v{k:03d}", ids)
    for k, ids in enumerate(chunks(silver["corpus_companies"] + silver["corpus_companies_2"], 50)):
        write_batch(f"silver-u{k:03d}", ids)
    for k, ids in enumerate(chunks(silver["xwlb_park_long"], 3)):
        write_batch(f"silver-l{k:03d}", ids)


if __name__ == "__main__":
    main()
