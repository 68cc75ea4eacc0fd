"""Derive the shipped lexicons from the shared source lists (run by hand when a source changes):

    python -m pipeline.build_lexicons ../shared/data/lexicons

- ``models/lexicons/listed_companies.tsv`` from ``a_share_companies.csv``: one row per listed
  company, its short name folded (width, ST/*ST/退市/C/S prefixes, -U/-W suffixes, trailing A/B
  stripped), its brand where the short name is brand + industry word and no other company shares
  it (美的集团 → 美的, 格力电器 → 格力), registered name, stock code, industry and region.
- ``models/lexicons/parks.tsv`` merged with ``national_zones.json``: a zone already listed gains
  its aliases, a missing one becomes a row (place from its name: the file's ``district`` is
  unreliable), and every row gets its ``level``. Disagreements are printed, not resolved silently.

    python -m pipeline.build_lexicons --evidence corpus/silver/train.jsonl

- ``models/lexicons/company_name_evidence.tsv`` from the silver corpus (corpus/tools/build.py):
  for every company lexicon name the tagger would take as a mention there (on jieba's word
  boundaries), how often the annotators read it as a company. companies.py learns from it which
  names need context (亚太, 线上线下: almost never a firm) and which do not.
"""

from __future__ import annotations

import csv
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

from .companies import COMMON_PHRASE_WORD, PROPER_TAGS
from .grammar import WORD_TAGS, frequency
from .heads import INDUSTRY_WORDS
from .lexicon import LEXICON_DIR, places

TRADING_PREFIX = re.compile(r"^(?:\*?ST|S\*ST|退市|C(?=[\u4e00-\u9fff])|S(?=[\u4e00-\u9fff]))")
TRADING_SUFFIX = re.compile(r"(?:-[UWD]+|(?<=[\u4e00-\u9fff])[AB])$")
COMPANY_COLUMNS = ["name", "short_name", "brands", "stock_code", "industry", "region"]


def fold_short_name(ticker: str) -> str:
    """万科Ａ → 万科, *ST国华 → 国华, 寒武纪-U → 寒武纪."""
    name = unicodedata.normalize("NFKC", ticker).strip()
    return TRADING_SUFFIX.sub("", TRADING_PREFIX.sub("", name))


def brands_of(short: str) -> set[str]:
    """美的集团 → 美的, 贵州茅台 → 茅台: the short name without its industry word
    or without the country or province that opens it; never a bare industry word, a place or a
    line of business (中国银行, 中国建筑 have none)."""
    found = {short[: -len(w)] for w in INDUSTRY_WORDS if short.endswith(w) and len(short) - len(w) >= 2}
    table = places()
    for size in (2, 3):
        place = table.get(short[:size])
        if place is not None and place.level in {"country", "province"} and len(short) - size >= 2:
            found.add(short[size:])
    return {b for b in found if b not in INDUSTRY_WORDS and b not in table and not _business_word(b)}


def _business_word(word: str) -> bool:
    """开发 (开发科技), 船舶 (中国船舶), 建筑 (中国建筑): a frequent ordinary word names a line of
    business, not a firm (CLUENER: 游戏开发公司, 联合船舶公司)."""
    return frequency(word) >= COMMON_PHRASE_WORD and WORD_TAGS.get(word) not in PROPER_TAGS


def build_listed_companies(source: Path, target: Path) -> int:
    with source.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    shorts = {r["股票代码"]: fold_short_name(r["股票名称"]) for r in rows}
    taken = set(shorts.values()) | {r["公司全称"] for r in rows}
    brands = Counter(b for s in shorts.values() for b in brands_of(s))
    with target.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter="\t", lineterminator="\n")
        writer.writerow(COMPANY_COLUMNS)
        for r in sorted(rows, key=lambda r: r["股票代码"]):
            short = shorts[r["股票代码"]]
            # a brand two companies share (格力电器 / 格力地产) names neither
            own = sorted(b for b in brands_of(short) if brands[b] == 1 and b not in taken)
            writer.writerow([r["公司全称"], short, "|".join(own), r["股票代码"], r["行业"], r["地区"]])
    return len(rows)


PARK_COLUMNS = ["name", "aliases", "kind", "level", "province", "city"]
ZONE_KINDS = {"hitech": "high_tech_zone", "etdz": "etdz"}
NATIONAL_KINDS = {"high_tech_zone", "etdz", "bonded_zone", "new_area", "new_area_district", "free_trade_zone"}
# Zones whose name in national_zones.json differs from the official one beyond dashes and 县/市:
# each checked by hand (the zone's place and type agree; the other is a former or wrong name).
SAME_ZONE = {
    "上海金桥出口加工区": "上海金桥经济技术开发区",  # the former name
    "武汉东湖新技术产业开发区": "武汉东湖新技术开发区",  # (and it is a high-tech zone, not an ETDZ)
    "苏州相城经济技术开发区": "相城经济技术开发区",
    "荆州开发区": "荆州经济技术开发区",
    "南宁东盟经济开发区": "广西—东盟经济技术开发区",
}


def _zone_key(name: str) -> str:
    return re.sub(r"[-—－()（）县市]", "", name)


def _is_zone_name(name: str) -> bool:
    """Source rows such as '高新技术产业开发区' or '全国共145家…' are not zones."""
    return not name.startswith(("高新技术", "经济技术", "全国")) and not name.endswith("。")


def _place_of(name: str) -> tuple[str, str]:
    """(province, city) of the place that opens ``name`` (慈溪经济开发区 → 浙江省, 宁波市)."""
    table = places()
    for size in range(min(len(name), 6), 1, -1):
        place = table.get(name[:size]) or table.get(name[:size] + "市") or table.get(name[:size] + "县")
        if place is not None and place.level in {"province", "city", "county"}:
            return place.province or place.name, place.city
    return "", ""


def merge_national_zones(source: Path, parks_tsv: Path) -> list[str]:
    """Merge the zones into ``parks_tsv`` in place; returns the disagreements found."""
    zones = json.loads(source.read_text(encoding="utf-8"))["zones"]
    with parks_tsv.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    owner: dict[str, dict] = {}
    for row in rows:
        for n in (row["name"], *filter(None, row["aliases"].split("|"))):
            owner[n] = row
    by_key = {_zone_key(n): row for n, row in owner.items()}
    notes, national = [], set()
    for zone in zones:
        name, kind = zone["name"], ZONE_KINDS[zone["type"]]
        if not _is_zone_name(name):
            notes.append(f"skipped: {name} (not a zone name)")
            continue
        row = (
            owner.get(SAME_ZONE.get(name, name))
            or by_key.get(_zone_key(name))
            or next((owner[a] for a in zone["aliases"] if a in owner), None)
        )
        if row is None:
            province, city = _place_of(name)
            row = {"name": name, "aliases": "", "kind": kind, "province": province, "city": city}
            rows.append(row)
            owner[name] = row
            notes.append(f"added: {name} ({kind}, {province} {city})")
        elif row["kind"] != kind:
            notes.append(f"kind differs: {name} is {kind} there, {row['kind']} here (kept)")
        national.add(row["name"])
        aliases = [a for a in row["aliases"].split("|") if a]
        for alias in (name, *zone["aliases"]):
            if alias == row["name"] or alias in aliases or not _is_zone_name(alias):
                continue
            if alias in owner and owner[alias] is not row:
                notes.append(f"alias {alias} of {name} belongs to {owner[alias]['name']} (kept there)")
                continue
            aliases.append(alias)
            owner[alias] = row
        row["aliases"] = "|".join(aliases)
    for row in rows:  # 苏州工业园区 (industrial_park) is a national zone too
        row["level"] = "national" if row["kind"] in NATIONAL_KINDS or row["name"] in national else "other"
    with parks_tsv.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, PARK_COLUMNS, delimiter="\t", lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return notes


def build_name_evidence(silver: Path, target: Path) -> int:
    """Count, per company lexicon name, its hits in the silver texts that stand on jieba's word
    boundaries, and how many of them a COMPANY annotation covers from the hit's first character
    (华润 of 华润集团). A hit further inside a firm's name (煤业 of 平庄煤业, 福特 of 长安福特) says
    nothing of the name standing alone and is not counted. A hit inside a longer name of another
    kind counts against the name (县招商局: at inference that longer name may be only the model's,
    and a lexicon company stands against the model). Returns the number of names written."""
    from . import load
    from .companies import automaton
    from .grammar import Sentence

    nlp = load(ner="none")
    seen: Counter[str] = Counter()
    as_company: Counter[str] = Counter()
    with silver.open(encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    for record in records:
        doc = nlp.make_doc(record["text"])
        sent = Sentence(doc._.norm_text, doc._.jieba_words)
        spans = [(e["start"], e["end"], e["label"]) for e in record["entities"]]
        for end_index, (name, _company) in automaton().iter(sent.text):
            start, end = end_index + 1 - len(name), end_index + 1
            if not (sent.aligned(start) and sent.aligned(end)):
                continue
            firms = [a for a, b, label in spans if a <= start and end <= b and label == "COMPANY"]
            if firms and start not in firms:
                continue
            as_company[name] += bool(firms)
            seen[name] += 1
    with target.open("w", encoding="utf-8", newline="") as f:
        f.write("name\tseen\tas_company\n")
        for name in sorted(seen):
            f.write(f"{name}\t{seen[name]}\t{as_company[name]}\n")
    return len(seen)


def main(shared: str) -> None:
    folder = Path(shared)
    count = build_listed_companies(folder / "a_share_companies.csv", LEXICON_DIR / "listed_companies.tsv")
    print(f"listed_companies.tsv: {count} companies")
    notes = merge_national_zones(folder / "national_zones.json", LEXICON_DIR / "parks.tsv")
    kinds: dict[str, int] = defaultdict(int)
    for note in notes:
        kinds[note.split(":")[0].split(" ")[0]] += 1
        print(note)
    print(dict(kinds))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--evidence"]:
        written = build_name_evidence(Path(sys.argv[2]), LEXICON_DIR / "company_name_evidence.tsv")
        print(f"company_name_evidence.tsv: {written} names")
    else:
        main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/lexicons")
