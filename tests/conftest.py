import json
from pathlib import Path

import pytest

import pipeline

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_b8ebdc5dd853cd78.txt"
GOLD = ROOT / "seeds" / "gold" / "seed.jsonl"


@pytest.fixture(scope="session")
def nlp():
    return pipeline.load()


@pytest.fixture(scope="session")
def rules_nlp():
    """The rules and lexicons alone, for tests of the name grammars themselves."""
    return pipeline.load(ner="none")


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def gold() -> dict:
    return json.loads(GOLD.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_doc(nlp, seed_text):
    return nlp(seed_text)
