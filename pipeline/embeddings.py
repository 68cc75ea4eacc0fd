"""Character and bigram vectors pretrained on unlabeled news (gensim's word2vec): the tagger's
embedding tables start from them (``parkgraph train embeddings``, then ``train ner --embeddings``).

Why: the tagger learns from some 5,000 annotated documents; the news archive holds 74,000 more
that nobody annotated. A character or bigram that the labelled data rarely shows (one of a firm's
name, a new town) still gets a vector near those it shares contexts with, and the tagger then
reads an unseen name like the seen names it resembles.

The unlabeled texts: every item of the xwlb archive, MSRA's and CLUENER's training sentences.
Whatever repeats a text of the gold files or of the held-out silver (``EXCLUDED``) is left out,
near duplicates too, so the sealed test and the held-out items stay unseen even unlabeled.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy

from .corpora import read_corpus
from .gold import load_gold
from .normalise import normalise

ROOT = Path(__file__).resolve().parent.parent
EXCLUDED = tuple(
    ROOT / path
    for path in (
        "tests/data/park_dev.jsonl",
        "corpus/gold/dev.jsonl",
        "corpus/gold/test.jsonl",
        "corpus/silver/heldout.jsonl",
        "corpus/silver/heldout-written.jsonl",
    )
)
SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|\n")
SHINGLE = 10  # characters: a text sharing SHARED_SHINGLES of these with an excluded one repeats it
SHARED_SHINGLES = 5
STEP = 5  # every STEP-th shingle of a candidate text is looked up
CHAR_DIM, BIGRAM_DIM = 128, 64  # bilstm_crf.Hyperparameters' char_dim and bigram_dim
MIN_COUNT = 5


SOURCES = {  # source → (path under the corpora folder, reader format); "archive": the xwlb items
    "xwlb": ("news_xwlb/xwlb_all_articles.jsonl.gz", "archive"),
    "msra": ("msra_ner/msra.tar.gz::msra_train_bio", "bio"),
    "cluener": ("cluener2020/train.json", "cluener"),
}


def unlabeled_texts(corpora_dir: Path, without: Iterable[str] = ()) -> Iterator[str]:
    """The archive's items (title and text), then MSRA's and CLUENER's training sentences; none
    of the sources in ``without`` (a cross-source run leaves out xwlb)."""
    for source, (spec, fmt) in SOURCES.items():
        if source in without:
            continue
        if fmt != "archive":
            yield from (doc.text for doc in read_corpus(corpora_dir / spec, fmt))
            continue
        with gzip.open(corpora_dir / spec, "rt", encoding="utf-8") as f:
            for line in f:
                item = json.loads(line)
                yield f"{item['title']}\n{item['text']}"


class Repeats:
    """Whether a text repeats one of ``texts``: it shares ``SHARED_SHINGLES`` of its
    ``SHINGLE``-character pieces (every ``STEP``-th looked up) with one text."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.owner: dict[str, int] = {}
        for number, text in enumerate(texts):
            for i in range(len(text) - SHINGLE + 1):
                self.owner.setdefault(text[i : i + SHINGLE], number)

    def __call__(self, text: str) -> bool:
        hits: dict[int, int] = {}
        for i in range(0, len(text) - SHINGLE + 1, STEP):
            number = self.owner.get(text[i : i + SHINGLE])
            if number is not None:
                hits[number] = hits.get(number, 0) + 1
                if hits[number] >= SHARED_SHINGLES or hits[number] * STEP * 2 >= len(text):
                    return True
        return False


def sentences(texts: Iterable[str], excluded: Iterable[Path] = EXCLUDED) -> tuple[list[str], int]:
    """The normalised sentences of the texts that repeat no excluded gold text, and how many
    texts were left out."""
    repeats = Repeats(normalise(doc.text) for path in excluded if path.exists() for doc in load_gold(path))
    kept, left_out = [], 0
    for text in texts:
        text = normalise(text)
        if repeats(text):
            left_out += 1
            continue
        kept += [s.strip() for s in SENTENCE_END.split(text) if len(s.strip()) > 1]
    return kept, left_out


class _Tokens:
    """A restartable stream of token lists (word2vec reads its corpus once per epoch)."""

    def __init__(self, sentences: list[str], size: int) -> None:
        self.sentences, self.size = sentences, size

    def __iter__(self) -> Iterator[list[str]]:
        for s in self.sentences:
            yield [s[i : i + self.size] for i in range(len(s) - self.size + 1)]


def pretrain(sentences: list[str], out: Path, epochs: int = 3, workers: int = 2, seed: int = 0, log=print) -> Path:
    """Skip-gram vectors of characters (``CHAR_DIM``) and bigrams (``BIGRAM_DIM``) seen
    ``MIN_COUNT`` times or more, most frequent first, saved to ``out`` (``.npz``: chars,
    char_vectors, char_counts, bigrams, bigram_vectors, bigram_counts)."""
    from gensim.models import Word2Vec

    arrays = {}
    for name, size, dim in (("char", 1, CHAR_DIM), ("bigram", 2, BIGRAM_DIM)):
        model = Word2Vec(
            _Tokens(sentences, size),
            vector_size=dim,
            window=5,
            min_count=MIN_COUNT,
            sg=1,
            negative=5,
            workers=workers,
            epochs=epochs,
            seed=seed,
        )
        keys = model.wv.index_to_key  # most frequent first
        arrays[f"{name}s"] = numpy.array(keys)
        arrays[f"{name}_vectors"] = model.wv.vectors.astype("float16")
        arrays[f"{name}_counts"] = numpy.array([model.wv.get_vecattr(k, "count") for k in keys], dtype="int64")
        log(f"{name}s: {len(keys)} vectors")
    out.parent.mkdir(parents=True, exist_ok=True)
    numpy.savez_compressed(out, **arrays)
    return out


def load(path: Path) -> dict[str, numpy.ndarray]:
    with numpy.load(path) as data:
        return dict(data)


def table(keys: dict[str, int], rows: int, vectors: numpy.ndarray, names: numpy.ndarray) -> numpy.ndarray:
    """An embedding table of ``rows`` rows for the ``keys`` (key → row): the pretrained vector
    where there is one, scaled so that the table's spread is torch's default (standard deviation
    1), else NaN (the row keeps its random start)."""
    vectors = vectors.astype("float32")
    scaled = vectors / max(float(vectors.std()), 1e-6)
    out = numpy.full((rows, vectors.shape[1]), numpy.nan, dtype="float32")
    index = {name: i for i, name in enumerate(names.tolist())}
    for key, row in keys.items():
        i = index.get(key)
        if i is not None:
            out[row] = scaled[i]
    return out
