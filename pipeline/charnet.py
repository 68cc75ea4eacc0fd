"""The character BiLSTM-CRF of ``models/ner``: its input features and its inference.

An NER over jieba tokens cannot start or end an entity inside a word, and jieba glues names to
their neighbours often (14% of MSRA's entities, see the model card), so the network reads one
step per character. Each character brings four features, the cheap form of the word-lattice
idea of Lattice-LSTM and SoftLexicon:

- the character;
- the bigram starting at it;
- its jieba word's shape: position in the word (S/B/M/E) and the word's length (2, 3, 4+);
- the dictionary words around it: whether a jieba dictionary word of two or more characters
  starts, ends or runs through it (from jieba's word graph, so words jieba did not choose count);
- in models trained with them (``Vocabulary.knowledge``), four more: the same three bits for the
  names of real companies, parks, places and organisations the lexicons hold (``gazetteer.py``).

Training (``bilstm_crf.py``, torch) and inference (here: ONNX Runtime for the network, numpy
for the CRF's Viterbi decoding) read the same features, so the pipeline needs no torch.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import numpy

from .cache import cached
from .gazetteer import KINDS as KNOWN_KINDS
from .gazetteer import knowledge_shapes, span_bits
from .segment import dictionary_words

# MSRA's three types first, then the project's own split of organisations: a model trained on
# the first three (7 tags) reads the first 7 tags of this list, one trained on all five reads 11
TYPES = ("PERSON", "LOC", "ORG", "COMPANY", "PARK")
TAGS = ("O", *(f"{prefix}-{t}" for t in TYPES for prefix in "BI"))
PAD, UNKNOWN = 0, 1  # ids every vocabulary reserves
MISSING = -1  # in training data: a character whose tag the corpus does not give
# in training data: inside an organisation whose kind the corpus does not give (MSRA's ORG:
# a company, a park or another organisation), at its first character and after it
ANY_ORG_BEGIN, ANY_ORG_INSIDE = -2, -3
WORD_SHAPES = 10  # S, then B/M/E × length 2, 3, 4+
LEXICON_SHAPES = 8  # 3 bits: a dictionary word starts / runs through / ends here
WEIGHTS, VOCABULARY, CONFIG = "weights.npz", "vocab.json", "config.json"  # a model folder


def word_shapes(length: int, words: Sequence[tuple[int, int]]) -> numpy.ndarray:
    """Per character: 0 for a one-character word, else 1 + 3 × position (B, M, E) + length bucket."""
    shapes = numpy.zeros(length, dtype="int64")
    bounds = numpy.array(words, dtype="int64").reshape(-1, 2)
    starts, ends = bounds[bounds[:, 1] - bounds[:, 0] > 1].T
    bucket = numpy.minimum(ends - starts, 4) - 2
    shapes[_inside(starts, ends)] = numpy.repeat(4 + bucket, ends - starts)  # M, then B and E over it
    shapes[starts], shapes[ends - 1] = 1 + bucket, 7 + bucket
    return shapes


def _inside(starts: numpy.ndarray, ends: numpy.ndarray) -> numpy.ndarray:
    """Offsets of every character in the (non-overlapping) spans [start, end)."""
    sizes = ends - starts
    return numpy.arange(sizes.sum()) + numpy.repeat(starts - numpy.cumsum(sizes) + sizes, sizes)


def lexicon_shapes(text: str) -> numpy.ndarray:
    """Per character, bits of the dictionary words of 2+ characters around it: 1 one starts here,
    2 one runs through (neither starts nor ends), 4 one ends here."""
    if not text:
        return numpy.zeros(0, dtype="int64")
    # (last, length) pairs flattened in C: a Python tuple per word costs more than the search
    found = numpy.fromiter(chain.from_iterable(dictionary_words().iter(text)), dtype="int64").reshape(-1, 2)
    lasts, lengths = found.T
    return span_bits(len(text), lasts + 1 - lengths, lasts)


def code_points(text: str) -> numpy.ndarray:
    return numpy.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4").astype("int64")


def bigram_codes(codes: numpy.ndarray) -> numpy.ndarray:
    """One int64 per pair of neighbouring code points (21 bits each)."""
    return (codes[:-1] << 21) | codes[1:]


@dataclass
class IdTable:
    """Integer keys → ids, looked up for a whole array at once (binary search in sorted keys)."""

    keys: numpy.ndarray
    ids: numpy.ndarray

    @classmethod
    def of(cls, keys: numpy.ndarray, ids: numpy.ndarray) -> IdTable:
        order = numpy.argsort(keys)
        return cls(keys[order], ids[order])

    def __call__(self, keys: numpy.ndarray) -> numpy.ndarray:
        if not len(self.keys):
            return numpy.full(len(keys), UNKNOWN, dtype="int64")
        where = numpy.searchsorted(self.keys, keys).clip(max=len(self.keys) - 1)
        return numpy.where(self.keys[where] == keys, self.ids[where], UNKNOWN)


@dataclass
class Vocabulary:
    """Characters and bigrams seen in training, each with its row in the embedding tables;
    ``knowledge``: the features include the lexicons' names (``gazetteer.knowledge_shapes``)."""

    chars: dict[str, int]
    bigrams: dict[str, int]
    knowledge: bool = False

    def __post_init__(self) -> None:
        chars = {char: i for char, i in self.chars.items() if len(char) == 1}
        pairs = {bigram: i for bigram, i in self.bigrams.items() if len(bigram) == 2}
        self._char_ids = IdTable.of(code_points("".join(chars)), numpy.array(list(chars.values()), dtype="int64"))
        # the codes of a joined run of pairs: every other bigram is one of them
        self._bigram_ids = IdTable.of(
            bigram_codes(code_points("".join(pairs)))[::2], numpy.array(list(pairs.values()), dtype="int64")
        )

    @property
    def feature_count(self) -> int:
        return 4 + len(KNOWN_KINDS) * self.knowledge

    @classmethod
    def build(
        cls, texts: Sequence[str], max_bigrams: int = 50_000, pretrained: tuple[Sequence[str], Sequence[str]] = ((), ())
    ) -> Vocabulary:
        """Every character; the ``max_bigrams`` most frequent bigrams seen twice or more; the
        lexicons' names as features. ``pretrained`` (characters, bigrams, most frequent first:
        those of ``embeddings.py``) adds its characters and its ``max_bigrams`` first bigrams."""
        from collections import Counter

        chars = sorted({c for t in texts for c in t} | set(pretrained[0]))
        bigram_counts = Counter(t[i : i + 2] for t in texts for i in range(len(t) - 1))
        frequent = sorted((-n, b) for b, n in bigram_counts.items() if n >= 2)[:max_bigrams]
        bigrams = sorted({b for _, b in frequent} | set(pretrained[1][:max_bigrams]))
        return cls({c: i + 2 for i, c in enumerate(chars)}, {b: i + 2 for i, b in enumerate(bigrams)}, True)

    @classmethod
    def load(cls, path: Path) -> Vocabulary:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            {c: i + 2 for i, c in enumerate(data["chars"])},
            {b: i + 2 for i, b in enumerate(data["bigrams"])},
            data.get("knowledge", False),
        )

    def save(self, path: Path) -> None:
        data = {"chars": list(self.chars), "bigrams": list(self.bigrams), "knowledge": self.knowledge}
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    def features(self, pieces: Sequence[tuple[str, Sequence[tuple[int, int]]]]) -> list[numpy.ndarray]:
        """(feature_count, len(text)) ids per (text, jieba word offsets): character, bigram, word
        shape, lexicon shape, then the knowledge shapes of ``KNOWN_KINDS``. The pieces are read
        as one text joined by line breaks, so numpy's cost per call is paid once for them all; no
        dictionary word spans a line break, and a piece's last bigram is cut off at it."""
        texts = [text for text, _ in pieces]
        lengths = numpy.array([len(text) for text in texts], dtype="int64")
        starts = numpy.cumsum(lengths + 1) - lengths - 1
        joined = "\n".join(texts)
        codes = code_points(joined)
        out = numpy.full((self.feature_count, len(joined)), UNKNOWN, dtype="int64")
        out[0] = self._char_ids(codes)
        out[1, :-1] = self._bigram_ids(bigram_codes(codes))
        out[1, (starts + lengths - 1)[lengths > 0]] = UNKNOWN
        words = [(start + a, start + b) for start, (_, spans) in zip(starts.tolist(), pieces) for a, b in spans]
        out[2] = word_shapes(len(joined), words)
        out[3] = lexicon_shapes(joined)
        if self.knowledge:
            out[4:] = knowledge_shapes(*texts)
        return [out[:, start : start + length] for start, length in zip(starts.tolist(), lengths.tolist())]


def tag_spans(tags: Sequence[int]) -> list[tuple[int, int, str]]:
    """(start, end, type) from tag ids of ``TAGS``; an I- that continues nothing starts a span."""
    spans, start, kind = [], 0, None
    for i, tag in enumerate([*tags, 0]):
        name = TAGS[tag]
        if kind is not None and name != f"I-{kind}":
            spans.append((start, i, kind))
            kind = None
        if name != "O" and kind is None:
            start, kind = i, name[2:]
    return spans


SENTENCE_ENDS, CLAUSE_ENDS = "。！？；!?;\n", "，、：,:"


def windows(text: str, limit: int, cuttable: Callable[[int], bool] = lambda i: True) -> list[tuple[int, int]]:
    """(start, end) pieces of ``text`` of at most ``limit`` characters. A cut goes as late as it
    can after a sentence end, else after a clause end, else anywhere, always at an offset
    ``cuttable`` allows when one in the last half of the piece does (training: not inside an entity)."""
    pieces, start = [], 0
    while len(text) - start > limit:
        allowed = [i for i in range(start + limit, start + limit // 2, -1) if cuttable(i)]
        ends = (
            [i for i in allowed if text[i - 1] in SENTENCE_ENDS]
            or [i for i in allowed if text[i - 1] in CLAUSE_ENDS]
            or allowed
            or [start + limit]
        )
        pieces.append((start, ends[0]))
        start = ends[0]
    return [*pieces, (start, len(text))]


def _runs(lengths: Sequence[int], batch_chars: int) -> Iterator[range]:
    """Runs of ascending ``lengths`` whose padded size (count × the longest) stays within
    ``batch_chars``; each run holds at least one."""
    first = 0
    for i, length in enumerate(lengths):
        if i > first and (i - first + 1) * length > batch_chars:
            yield range(first, i)
            first = i
    if first < len(lengths):
        yield range(first, len(lengths))


def onnx_model(weights: dict[str, numpy.ndarray]) -> bytes:
    """The network up to its tag scores as an ONNX graph: an embedding lookup per feature, one
    bidirectional LSTM over each sequence's own length, the output layer. ONNX Runtime's fused
    LSTM kernel runs it 1.7× faster than the same steps in numpy (measured on the shipped model)."""
    from onnx import TensorProto, helper, numpy_helper

    hidden = weights["lstm.weight_hh_l0"].shape[1]
    # torch's gate order i, f, g, o → ONNX's i, o, f, c
    gates = numpy.r_[0:hidden, 3 * hidden : 4 * hidden, hidden : 2 * hidden, 2 * hidden : 3 * hidden]
    directions = ("", "_reverse")
    features = sum(name.startswith("embed.") for name in weights)
    tables = {
        **{f"table{i}": weights[f"embed.{i}.weight"] for i in range(features)},
        "W": numpy.stack([weights[f"lstm.weight_ih_l0{d}"][gates] for d in directions]),
        "R": numpy.stack([weights[f"lstm.weight_hh_l0{d}"][gates] for d in directions]),
        "B": numpy.stack(
            [numpy.concatenate([weights[f"lstm.bias_{k}_l0{d}"][gates] for k in ("ih", "hh")]) for d in directions]
        ),
        "out_w": weights["out.weight"].T,
        "out_b": weights["out.bias"],
    }
    initializers = [numpy_helper.from_array(a.astype("float32"), name) for name, a in tables.items()]
    initializers.append(numpy_helper.from_array(numpy.array([0, 0, 2 * hidden], dtype="int64"), "shape"))
    nodes = [
        *(helper.make_node("Gather", [f"table{i}", f"ids{i}"], [f"x{i}"]) for i in range(features)),
        helper.make_node("Concat", [f"x{i}" for i in range(features)], ["x"], axis=2),
        helper.make_node(
            "LSTM", ["x", "W", "R", "B", "lengths"], ["y"], hidden_size=hidden, direction="bidirectional"
        ),  # y: (time, direction, batch, H)
        helper.make_node("Transpose", ["y"], ["y_t"], perm=[0, 2, 1, 3]),
        helper.make_node("Reshape", ["y_t", "shape"], ["h"]),  # (time, batch, 2H)
        helper.make_node("MatMul", ["h", "out_w"], ["logits"]),
        helper.make_node("Add", ["logits", "out_b"], ["scores"]),
    ]
    graph = helper.make_graph(
        nodes,
        "charnet",
        [helper.make_tensor_value_info(f"ids{i}", TensorProto.INT64, ["time", "batch"]) for i in range(features)]
        + [helper.make_tensor_value_info("lengths", TensorProto.INT32, ["batch"])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, ["time", "batch", len(weights["out.bias"])])],
        initializers,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString()


def quantized(model: bytes) -> bytes:
    """``model`` with its LSTM and output layer in 8-bit integers (ONNX Runtime's dynamic
    quantization: weights as int8, activations quantized per batch as they come)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.disable(logging.WARNING)  # its advice to pre-process applies to convolutional networks
    try:
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "int8.onnx"
            quantize_dynamic(
                onnx.load_from_string(model),
                target,
                op_types_to_quantize=["LSTM", "MatMul"],
                weight_type=QuantType.QInt8,
            )
            return target.read_bytes()
    finally:
        logging.disable(logging.NOTSET)


class CharNet:
    """The trained network: ``tag(pieces)`` → entity spans per piece of text. ``int8``: run the
    LSTM in 8-bit integers, faster on CPU for a small cost in accuracy (measured in MODEL_CARD.md)."""

    def __init__(self, path: Path, int8: bool = False) -> None:
        import onnxruntime

        self.config = json.loads((path / CONFIG).read_text(encoding="utf-8"))
        self.vocab = Vocabulary.load(path / VOCABULARY)
        weights = dict(numpy.load(path / WEIGHTS))
        tables = sum(name.startswith("embed.") for name in weights)
        if tables != self.vocab.feature_count:
            raise ValueError(
                f"{path}: the weights hold {tables} feature tables, its vocabulary asks for "
                f"{self.vocab.feature_count} features (a vocab.json from another model?)"
            )
        options = onnxruntime.SessionOptions()
        # one thread: the pipeline runs one worker per core, and more threads only fight over them
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        # keyed by the weights' bytes, so that a run that finds the graph cached never imports
        # onnx (0.6 s of every start, most of it ml_dtypes)
        digest = hashlib.sha256((path / WEIGHTS).read_bytes()).hexdigest()
        if int8:
            model = cached("charnet-int8", lambda: quantized(onnx_model(weights)), digest)
        else:
            model = cached("charnet", lambda: onnx_model(weights), digest)
        self.session = onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        self.transitions, self.start, self.end = (
            weights[f"crf.{name}"].astype("float32") for name in ("transitions", "start", "end")
        )
        self.types = TYPES[: (len(self.start) - 1) // 2]  # the types this model was trained on

    def tag(
        self, pieces: Sequence[tuple[str, Sequence[tuple[int, int]]]], batch_chars: int = 4096
    ) -> list[list[tuple[int, int, str]]]:
        """Entity spans of each (text, jieba word offsets): ``emissions`` then ``decode``."""
        return self.decode(self.emissions(pieces, batch_chars))

    def emissions(
        self,
        pieces: Sequence[tuple[str, Sequence[tuple[int, int]]]],
        batch_chars: int = 4096,
        features: Sequence[numpy.ndarray] | None = None,
    ) -> list[list[tuple[int, numpy.ndarray]]]:
        """The network's tag scores for each (text, jieba word offsets): per piece, (start,
        scores of shape (length, tags)) of each window. Texts longer than ``max_length`` characters
        are cut into windows at sentence or clause ends (``windows``); windows of similar length
        go through the network together, about ``batch_chars`` characters at a time.
        ``features``: the pieces' ``Vocabulary.features``, when the caller computed them already."""
        limit = self.config["hyperparameters"]["max_length"]
        if features is None:
            features = self.vocab.features(pieces)
        spans = sorted(
            ((i, a, b) for i, (text, _) in enumerate(pieces) for a, b in windows(text, limit) if b > a),
            key=lambda w: w[2] - w[1],
        )
        found: list[list[tuple[int, numpy.ndarray]]] = [[] for _ in pieces]
        for run in _runs([b - a for _, a, b in spans], batch_chars):
            batch = [spans[w] for w in run]
            scores, lengths = self._scores([features[i][:, a:b] for i, a, b in batch])
            for row, (i, a, _) in enumerate(batch):
                found[i].append((a, scores[row, : lengths[row]]))
        return found

    def decode(self, emitted: Sequence[Sequence[tuple[int, numpy.ndarray]]]) -> list[list[tuple[int, int, str]]]:
        """Entity spans from ``emissions``: the best tag path of each window, with the windows of
        many pieces decoded together (the path of a window never depends on the others')."""
        windows_ = sorted(((i, a, x) for i, piece in enumerate(emitted) for a, x in piece), key=lambda w: len(w[2]))
        found: list[list[tuple[int, int, str]]] = [[] for _ in emitted]
        for run in _runs([len(x) for _, _, x in windows_], 1 << 16):
            batch = [windows_[w] for w in run]
            lengths = numpy.array([len(x) for _, _, x in batch])
            scores = numpy.zeros((len(batch), int(lengths.max(initial=0)), len(self.start)), dtype="float32")
            for row, (_, _, x) in enumerate(batch):
                scores[row, : len(x)] = x
            for (i, a, _), tags in zip(batch, self._viterbi(scores, lengths)):
                found[i].extend((a + start, a + end, kind) for start, end, kind in tag_spans(tags))
        return found

    def _scores(self, inputs: list[numpy.ndarray]) -> tuple[numpy.ndarray, numpy.ndarray]:
        """The network's (batch, width, tags) scores of each (features, length) array, and the lengths."""
        lengths = numpy.array([x.shape[1] for x in inputs])
        width = int(lengths.max(initial=0))
        features = inputs[0].shape[0]
        ids = numpy.zeros((features, width, len(inputs)), dtype="int64")  # time-major, as ONNX's LSTM reads
        for row, x in enumerate(inputs):
            ids[:, : x.shape[1], row] = x
        feeds = {f"ids{i}": ids[i] for i in range(features)} | {"lengths": lengths.astype("int32")}
        (scores,) = self.session.run(None, feeds)
        return scores.transpose(1, 0, 2), lengths

    def _viterbi(self, scores: numpy.ndarray, lengths: numpy.ndarray) -> list[numpy.ndarray]:
        """The best tag path of each row of (batch, width, tags) ``scores`` within its length. Rows
        are taken shortest first, so that at step t the rows still running are the last ones: each
        step updates just those (a row's best scores stay as they were at its last character)."""
        order = numpy.argsort(lengths, kind="stable")
        scores, lengths = scores[order], lengths[order]
        batch, width, tags = scores.shape
        running_from = numpy.searchsorted(lengths, numpy.arange(width), side="right")  # first row longer than t
        best = self.start + scores[:, 0]
        pointers = numpy.zeros((width, batch, tags), dtype="int64")
        for t in range(1, width):
            first = running_from[t]
            candidates = best[first:, :, None] + self.transitions[None]  # (running rows, from, to)
            pointer = pointers[t, first:] = candidates.argmax(axis=1)
            best[first:] = numpy.take_along_axis(candidates, pointer[:, None, :], axis=1)[:, 0] + scores[first:, t]
        last = (best + self.end).argmax(axis=1)
        paths = numpy.zeros((batch, width), dtype="int64")
        for t in range(width - 1, -1, -1):
            first = running_from[t]
            paths[first:, t] = last[first:]
            if t:
                last[first:] = pointers[t, numpy.arange(first, batch), last[first:]]
        found: list[numpy.ndarray] = [paths[0, :0]] * batch
        for row, path, n in zip(order, paths, lengths):
            found[row] = path[:n]
        return found
