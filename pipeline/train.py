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

import numpy

from .charnet import LEXICON_SHAPES, MISSING, TAGS, VOCABULARY, WORD_SHAPES, Vocabulary, windows
from .corpora import read_corpus
from .gold import GoldDocument, load_gold
from .ner import ORG_KIND_DIR
from .normalise import normalise
from .segment import word_spans

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
BEGINS = numpy.array([tag.startswith("B-") for tag in TAGS])
# the park dev set of a checkout, drawn from MSRA and CLUENER train: never trained on
DEV_GOLD = Path(__file__).resolve().parent.parent / "tests" / "data" / "park_dev.jsonl"


def gold_tags(gold: GoldDocument, length: int) -> numpy.ndarray:
    """BIO tag ids (charnet.TAGS) of the gold entities, ``MISSING`` over spans of ``UNKNOWN``;
    overlapping spans (CLUENER has a few) keep the longest."""
    tags = numpy.zeros(length, dtype="int8")
    taken = bytearray(length)
    for e in sorted(gold.entities, key=lambda e: (-(e["end"] - e["start"]), e["start"])):
        start, end = e["start"], e["end"]
        if not 0 <= start < end <= length or any(taken[start:end]):
            continue
        taken[start:end] = b"\x01" * (end - start)
        if e["label"] == UNKNOWN:
            tags[start:end] = MISSING
        else:
            tags[start] = TAGS.index(f"B-{e['label']}")
            tags[start + 1 : end] = TAGS.index(f"I-{e['label']}")
    return tags


def split_corpus(corpora_dir: Path, seed: int = 0, exclude: Iterable[Path] = ()) -> tuple[list, list, int]:
    """(train, dev, left out): the gold documents of ``TRAINING_SETS`` with normalised text,
    a seeded ``DEV_SHARE`` of each corpus held out, and how many were left out because a gold
    file of ``exclude`` holds their text."""
    excluded_texts = "\n".join(normalise(doc.text) for path in exclude for doc in load_gold(path))
    left_out = 0
    train, dev = [], []
    rng = random.Random(seed)
    for spec, fmt, mapping in TRAINING_SETS:
        documents = []
        for doc in read_corpus(corpora_dir / spec, fmt, mapping):
            text = normalise(doc.text)
            if text in excluded_texts:
                left_out += 1
            elif text.strip():
                documents.append(GoldDocument(doc.doc_id, text, doc.entities, []))
        rng.shuffle(documents)
        held_out = max(1, int(len(documents) * DEV_SHARE))
        dev += documents[:held_out]
        train += documents[held_out:]
    return train, dev, left_out


def encode(documents: list[GoldDocument], vocab: Vocabulary, limit: int) -> dict[str, numpy.ndarray]:
    """Features, tags and sentence offsets of the documents, cut into pieces of ``limit``."""
    pieces, tags, offsets = [], [], [0]
    for doc in documents:
        doc_tags = gold_tags(doc, len(doc.text))
        cuttable = (doc_tags <= 0) | BEGINS[doc_tags.clip(0)]  # not inside an entity
        for start, end in windows(doc.text, limit, cuttable.__getitem__):
            text = doc.text[start:end]
            pieces.append((text, word_spans(text)))
            tags.append(doc_tags[start:end])
            offsets.append(offsets[-1] + end - start)
    return {
        "features": numpy.concatenate(vocab.features(pieces), axis=1).astype("uint16"),
        "tags": numpy.concatenate(tags),
        "offsets": numpy.array(offsets, dtype="int64"),
    }


def write_data(
    corpora_dir: Path, folder: Path, seed: int = 0, exclude: Iterable[Path] = (), limit: int = 200
) -> dict[str, int]:
    """The training data of ``bilstm_crf.py`` in ``folder``: ``data.npz`` and ``vocab.json``;
    returns how many sentences each split holds and how many documents were left out."""
    train, dev, left_out = split_corpus(corpora_dir, seed, exclude)
    vocab = Vocabulary.build([d.text for d in train])
    arrays = {
        f"{name}_{key}": value
        for name, docs in (("train", train), ("dev", dev))
        for key, value in encode(docs, vocab, limit).items()
    }
    sizes = [len(vocab.chars) + 2, len(vocab.bigrams) + 2, WORD_SHAPES, LEXICON_SHAPES]
    folder.mkdir(parents=True, exist_ok=True)
    numpy.savez_compressed(folder / "data.npz", sizes=numpy.array(sizes), **arrays)
    vocab.save(folder / VOCABULARY)
    return {"train": len(arrays["train_offsets"]) - 1, "dev": len(arrays["dev_offsets"]) - 1, "excluded": left_out}


def train(
    corpora_dir: Path, output: Path, seed: int = 0, exclude: Iterable[Path] = (), **hyperparameters: object
) -> Path:
    """Train the BiLSTM-CRF on the corpora (needs torch: ``pip install parkgraph[train]``) and
    the company/organisation classifier; the model folder is ``output``. The training data stay
    in ``output.parent / (output.name + "-data")``; ``hyperparameters`` override
    ``bilstm_crf.Hyperparameters`` (``epochs=2``)."""
    from . import bilstm_crf

    hp = bilstm_crf.Hyperparameters(seed=seed, **hyperparameters)
    data = output.parent / f"{output.name}-data"
    write_data(corpora_dir, data, seed, exclude, hp.max_length)
    weights, record = bilstm_crf.fit(dict(numpy.load(data / "data.npz")), hp)
    if output.exists():
        shutil.rmtree(output)
    bilstm_crf.save(output, weights, record)
    shutil.copy(data / VOCABULARY, output / VOCABULARY)
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
