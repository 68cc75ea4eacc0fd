"""The derived lexicons are what build_lexicons.py makes of the shared sources, and every
national zone of the shared list is one park of parks.tsv."""

import json
import shutil
from pathlib import Path

import pytest

from pipeline import lexicon
from pipeline.build_lexicons import build_listed_companies, merge_national_zones

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lexicons"
needs_sources = pytest.mark.skipif(not SHARED.is_dir(), reason="the shared source lists are not here")


@needs_sources
def test_shipped_lexicons_are_rebuilt_identically(tmp_path):
    build_listed_companies(SHARED / "a_share_companies.csv", tmp_path / "listed.tsv")
    assert (tmp_path / "listed.tsv").read_bytes() == (lexicon.LEXICON_DIR / "listed_companies.tsv").read_bytes()
    shutil.copy(lexicon.LEXICON_DIR / "parks.tsv", tmp_path / "parks.tsv")
    merge_national_zones(SHARED / "national_zones.json", tmp_path / "parks.tsv")  # merging again changes nothing
    assert (tmp_path / "parks.tsv").read_bytes() == (lexicon.LEXICON_DIR / "parks.tsv").read_bytes()


@needs_sources
def test_every_national_zone_is_one_park_with_a_level():
    zones = json.loads((SHARED / "national_zones.json").read_text(encoding="utf-8"))["zones"]
    parks = lexicon.parks()
    for zone in zones:
        if zone["name"].startswith(("高新技术", "全国")):
            continue  # two source rows that are not zones
        park = parks[zone["name"]]
        assert park.level == "national", zone["name"]
        assert all(parks[a] is park for a in zone["aliases"] if a in parks and a != "张江高科技园区"), zone["name"]
