"""``parkgraph train``: the shipped NER model, reproduced with one command from a corpora folder.

The training data are MSRA's train split and CLUENER2020's train split, mapped to the model's
PERSON/LOC/ORG. CLUENER's ``address`` and ``scene`` spans follow a convention MSRA does not
(whole street addresses, scenic spots), so they are *missing* in training, neither entity nor
``O``: the model is not taught that an address is no place. A fixed share of each corpus,
chosen by the seed, is held out as the dev set that picks the best checkpoint; the corpora's own
test splits (and CLUENER's dev split) are never trained on, nor is any sentence of the gold files
in ``exclude`` (the park dev set, tests/data/park_dev.jsonl, is drawn from MSRA and CLUENER train).
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterable
from pathlib import Path

from spacy.tokens import Doc, DocBin, Span
from spacy.vocab import Vocab

from .corpora import read_corpus
from .evaluate import GoldDocument, load_gold
from .ner import ORG_KIND_DIR
from .normalise import normalise

CONFIG_PATH = Path(__file__).with_name("ner.cfg")
ORG_KINDS = {"company": "COMPANY", "government": "ORG", "organization": "ORG"}
UNKNOWN = "-"  # a span whose label the model must not learn either way
TRAINING_SETS = (
    # (path under the corpora folder, reader format, corpus label → model label)
    ("msra_ner/msra.tar.gz::msra_train_bio", "bio", {"PER": "PERSON", "LOC": "LOC", "ORG": "ORG"}),
    (
        "cluener2020/train.json",
        "cluener",
        {
            "company": "ORG",
            "government": "ORG",
            "organization": "ORG",
            "name": "PERSON",
            "address": UNKNOWN,
            "scene": UNKNOWN,
        },
    ),
)
DEV_SHARE = 0.04
# the park dev set of a checkout, drawn from MSRA and CLUENER train: never trained on
DEV_GOLD = Path(__file__).resolve().parent.parent / "tests" / "data" / "park_dev.jsonl"


def reference_doc(vocab: Vocab, gold: GoldDocument) -> Doc:
    """One character a token, over the normalised text (what the model reads), with the gold
    entities; overlapping spans (CLUENER has a few) keep the longest."""
    text = normalise(gold.text)
    doc = Doc(vocab, words=list(text), spaces=[False] * len(text))
    spans = sorted(gold.entities, key=lambda e: (-(e["end"] - e["start"]), e["start"]))
    taken = bytearray(len(text))
    entities, missing = [], []
    for e in spans:
        start, end = e["start"], e["end"]
        if not 0 <= start < end <= len(text) or any(taken[start:end]):
            continue
        taken[start:end] = b"\x01" * (end - start)
        (missing if e["label"] == UNKNOWN else entities).append(Span(doc, start, end, label=e["label"]))
    doc.set_ents(entities, missing=missing, default="outside")
    return doc


def build_corpus(corpora_dir: Path, out_dir: Path, seed: int = 0, exclude: Iterable[Path] = ()) -> dict[str, int]:
    """``train.spacy`` and ``dev.spacy`` in ``out_dir``; returns how many documents each holds
    and how many were left out because a gold file of ``exclude`` holds their text."""
    excluded_texts = "\n".join(normalise(doc.text) for path in exclude for doc in load_gold(path))
    left_out = 0
    vocab = Vocab()
    train, dev = DocBin(store_user_data=False), DocBin(store_user_data=False)
    rng = random.Random(seed)
    for spec, fmt, mapping in TRAINING_SETS:
        documents = []
        for doc in read_corpus(corpora_dir / spec, fmt, mapping):
            if normalise(doc.text) in excluded_texts:
                left_out += 1
            elif doc.text.strip():
                documents.append(doc)
        rng.shuffle(documents)
        held_out = max(1, int(len(documents) * DEV_SHARE))
        for index, gold in enumerate(documents):
            (dev if index < held_out else train).add(reference_doc(vocab, gold))
    out_dir.mkdir(parents=True, exist_ok=True)
    train.to_disk(out_dir / "train.spacy")
    dev.to_disk(out_dir / "dev.spacy")
    return {"train": len(train), "dev": len(dev), "excluded": left_out}


def train(
    corpora_dir: Path,
    output: Path,
    seed: int = 0,
    exclude: Iterable[Path] = (),
    config: Path = CONFIG_PATH,
    overrides: dict[str, object] | None = None,
) -> Path:
    """Train the NER of ``config`` on the corpora and copy the best checkpoint to ``output``.

    The work folder ``output.parent / (output.name + "-training")`` keeps the DocBins, the last
    and best checkpoints; ``overrides`` are dotted config keys (``{"training.max_steps": 100}``).
    """
    from spacy.cli.train import train as spacy_train

    work = output.parent / f"{output.name}-training"
    build_corpus(corpora_dir, work, seed, exclude)
    settings = {
        "paths.train": str(work / "train.spacy"),
        "paths.dev": str(work / "dev.spacy"),
        "system.seed": seed,
        **(overrides or {}),
    }
    spacy_train(config, work / "checkpoints", overrides=settings, use_gpu=-1)
    if output.exists():
        shutil.rmtree(output)
    shutil.copytree(work / "checkpoints" / "model-best", output)
    if examples := org_kind_examples(corpora_dir):
        train_org_kind(examples, output / ORG_KIND_DIR, seed)
    return output


def org_kind_examples(corpora_dir: Path) -> list[tuple[str, str]]:
    """(name, COMPANY or ORG) from CLUENER train, the one corpus that makes the split."""
    documents = read_corpus(corpora_dir / "cluener2020" / "train.json", "cluener", ORG_KINDS)
    names = {(normalise(d.text[e["start"] : e["end"]]), e["label"]) for d in documents for e in d.entities}
    return sorted(names)


def train_org_kind(examples: list[tuple[str, str]], output: Path, seed: int = 0, epochs: int = 8) -> dict:
    """A character n-gram classifier: is a name without a telling head (腾讯, 新浪, 北约) a company
    or another organisation? Saved in ``output``; returns its accuracy on a held-out tenth."""
    import spacy
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch

    fix_random_seed(seed)
    rng = random.Random(seed)
    examples = list(examples)
    rng.shuffle(examples)
    held_out, train_set = examples[: len(examples) // 10], examples[len(examples) // 10 :]
    nlp = spacy.blank("zh")  # spaCy's zh default segments characters
    model = {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True, "ngram_size": 3}
    textcat = nlp.add_pipe("textcat", config={"model": {**model, "no_output_layer": False, "length": 262144}})
    for label in ("COMPANY", "ORG"):
        textcat.add_label(label)

    def example(name: str, label: str) -> Example:
        return Example.from_dict(nlp.make_doc(name), {"cats": {"COMPANY": label == "COMPANY", "ORG": label == "ORG"}})

    optimizer = nlp.initialize(lambda: [example(*x) for x in train_set[:100]])
    for _ in range(epochs):
        rng.shuffle(train_set)
        for batch in minibatch(train_set, 32):
            nlp.update([example(*x) for x in batch], sgd=optimizer)
    right = sum(max(nlp(name).cats, key=nlp(name).cats.get) == label for name, label in held_out)
    accuracy = right / max(1, len(held_out))
    nlp.meta["performance"] = {"accuracy": accuracy, "held_out": len(held_out)}
    nlp.to_disk(output)
    return nlp.meta["performance"]
