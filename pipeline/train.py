"""``parkgraph train ner``: the shipped NER model, reproduced with one command from a corpora folder.

The model tags the project's own labels: PERSON, LOC, ORG, COMPANY, PARK. Its training data:
- the silver corpus (corpus/silver/train.jsonl, annotated with exactly these labels; its MONEY
  spans are left to the rules), counted twice: it is the one in-domain source;
- MSRA's train split: PER, LOC, and ORG as *any organisation* (a company, a park or another
  organisation: the partial CRF allows the three kinds there, see bilstm_crf.py);
- CLUENER2020's train split: company → COMPANY, government and organization → ORG, name →
  PERSON; its ``address`` and ``scene`` spans follow a convention of their own (whole street
  addresses, scenic spots, parks among them), so they are *missing*, neither entity nor ``O``.
A fixed share of each source, chosen by the seed, is held out as the dev set that picks the best
checkpoint; the corpora's own test splits (and CLUENER's dev split) are never trained on, nor is
any text of the gold files in ``exclude`` (the gold dev and test splits, the park dev set).
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import numpy

from . import embeddings
from .charnet import (
    ANY_ORG_BEGIN,
    ANY_ORG_INSIDE,
    LEXICON_SHAPES,
    MISSING,
    TAGS,
    VOCABULARY,
    WORD_SHAPES,
    Vocabulary,
    windows,
)
from .corpora import read_corpus
from .gazetteer import SHAPES as KNOWLEDGE_SHAPES
from .gold import GoldDocument, load_gold
from .normalise import normalise
from .segment import word_spans

UNKNOWN = "-"  # a span whose label the model must not learn either way
ANY_ORG = "ORG*"  # an organisation of a kind the corpus does not give: ORG, COMPANY or PARK
TRAINING_SETS = (
    # (path under the corpora folder, reader format, corpus label → model label)
    ("msra_ner/msra.tar.gz::msra_train_bio", "bio", {"PER": "PERSON", "LOC": "LOC", "ORG": ANY_ORG}),
    (
        "cluener2020/train.json",
        "cluener",
        {
            "company": "COMPANY",
            "government": "ORG",
            "organization": "ORG",
            "name": "PERSON",
            "address": UNKNOWN,
            "scene": UNKNOWN,
        },
    ),
)
MODEL_LABELS = ("PERSON", "LOC", "ORG", "COMPANY", "PARK")  # the silver's labels the model learns
# built, not committed (its texts stay in ../shared/data): `python corpus/tools/build.py`
SILVER = Path(__file__).resolve().parent.parent / "corpus" / "silver" / "train.jsonl"
NO_SILVER = f"{SILVER} is not built: run `python corpus/tools/build.py` (it reads the texts from ../shared/data)"
SILVER_COPIES = 2
DEV_SHARE = 0.04
BEGINS = numpy.array([tag.startswith("B-") for tag in TAGS])
# the gold of a checkout (the corpus's dev and test splits, the park dev set): never trained on
GOLD_FILES = tuple(
    Path(__file__).resolve().parent.parent / path
    for path in ("tests/data/park_dev.jsonl", "corpus/gold/dev.jsonl", "corpus/gold/test.jsonl")
)


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
        elif e["label"] == ANY_ORG:
            tags[start], tags[start + 1 : end] = ANY_ORG_BEGIN, ANY_ORG_INSIDE
        else:
            tags[start] = TAGS.index(f"B-{e['label']}")
            tags[start + 1 : end] = TAGS.index(f"I-{e['label']}")
    return tags


def split_corpus(
    corpora_dir: Path, seed: int = 0, exclude: Iterable[Path] = (), silver: Iterable[Path] = ()
) -> tuple[list, list, int]:
    """(train, dev, left out): the gold documents of ``TRAINING_SETS`` and of the ``silver``
    files with normalised text, a seeded ``DEV_SHARE`` of each source held out, and how many
    were left out because a gold file of ``exclude`` holds their text."""
    excluded_texts = "\n".join(normalise(doc.text) for path in exclude for doc in load_gold(path))
    left_out = 0
    train, dev = [], []
    rng = random.Random(seed)
    sources = [(read_corpus(corpora_dir / spec, fmt, mapping), 1) for spec, fmt, mapping in TRAINING_SETS]
    for path in silver:
        documents = [
            GoldDocument(d.doc_id, d.text, [e for e in d.entities if e["label"] in MODEL_LABELS], [])
            for d in load_gold(path)
        ]
        sources.append((documents, SILVER_COPIES))
    for corpus, copies in sources:
        documents = []
        for doc in corpus:
            text = normalise(doc.text)
            if text in excluded_texts:
                left_out += 1
            elif text.strip():
                documents.append(GoldDocument(doc.doc_id, text, doc.entities, []))
        rng.shuffle(documents)
        held_out = max(1, int(len(documents) * DEV_SHARE))
        dev += documents[:held_out]
        train += documents[held_out:] * copies
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
    corpora_dir: Path,
    folder: Path,
    seed: int = 0,
    exclude: Iterable[Path] = (),
    limit: int = 200,
    silver: Iterable[Path] = (),
    vocab: Vocabulary | None = None,
    pretrained: Path | None = None,
) -> dict[str, int]:
    """The training data of ``bilstm_crf.py`` in ``folder``: ``data.npz`` and ``vocab.json``;
    returns how many sentences each split holds and how many documents were left out. A model
    that continues from another keeps its ``vocab`` (its embeddings are indexed by it). With
    ``pretrained`` vectors (``embeddings.py``) the vocabulary takes their characters and bigrams
    too, and the data carry the tables the embeddings start from."""
    train, dev, left_out = split_corpus(corpora_dir, seed, exclude, silver)
    vectors = embeddings.load(pretrained) if pretrained else None
    keys = (vectors["chars"].tolist(), vectors["bigrams"].tolist()) if vectors else ((), ())
    vocab = vocab or Vocabulary.build([d.text for d in train], pretrained=keys)
    arrays = {
        f"{name}_{key}": value
        for name, docs in (("train", train), ("dev", dev))
        for key, value in encode(docs, vocab, limit).items()
    }
    sizes = [len(vocab.chars) + 2, len(vocab.bigrams) + 2, WORD_SHAPES, LEXICON_SHAPES]
    sizes += [KNOWLEDGE_SHAPES] * (vocab.feature_count - len(sizes))
    if vectors:
        arrays["pretrained_0"] = embeddings.table(vocab.chars, sizes[0], vectors["char_vectors"], vectors["chars"])
        arrays["pretrained_1"] = embeddings.table(
            vocab.bigrams, sizes[1], vectors["bigram_vectors"], vectors["bigrams"]
        )
    folder.mkdir(parents=True, exist_ok=True)
    numpy.savez_compressed(folder / "data.npz", sizes=numpy.array(sizes), **arrays)
    vocab.save(folder / VOCABULARY)
    return {"train": len(arrays["train_offsets"]) - 1, "dev": len(arrays["dev_offsets"]) - 1, "excluded": left_out}


def train(
    corpora_dir: Path,
    output: Path,
    seed: int = 0,
    exclude: Iterable[Path] = (),
    silver: Iterable[Path] = (),
    **hyperparameters: object,
) -> Path:
    """Train the BiLSTM-CRF on the corpora (needs torch: ``pip install parkgraph[train]``); the
    model folder is ``output``. The training data stay
    in ``output.parent / (output.name + "-data")``; ``hyperparameters`` override
    ``bilstm_crf.Hyperparameters`` (``epochs=2``)."""
    from . import bilstm_crf

    hp = bilstm_crf.Hyperparameters(seed=seed, **hyperparameters)
    data = output.parent / f"{output.name}-data"
    # a model that continues from one without the knowledge features gains them
    vocab = replace(Vocabulary.load(Path(hp.init) / VOCABULARY), knowledge=True) if hp.init else None
    pretrained = Path(hp.embeddings) if hp.embeddings and not hp.init else None
    write_data(corpora_dir, data, seed, exclude, hp.max_length, silver, vocab, pretrained)
    weights, record = bilstm_crf.fit(dict(numpy.load(data / "data.npz")), hp)
    if output.exists():
        shutil.rmtree(output)
    bilstm_crf.save(output, weights, record)
    shutil.copy(data / VOCABULARY, output / VOCABULARY)
    return output
