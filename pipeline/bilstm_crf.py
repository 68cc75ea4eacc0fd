"""Training the character BiLSTM-CRF (torch); ``charnet.py`` runs what this saves, without torch.

This file imports nothing from the package, so it also runs alone where only torch and numpy
are installed (a GPU machine): ``python pipeline/bilstm_crf.py DATA OUT``, with the folder DATA
written by ``parkgraph train --data-only DATA``.

Partially labelled sentences are trained with the partial CRF: where a corpus gives no label
(CLUENER's addresses, see train.py) every tag is allowed, and the loss is the log-likelihood of
all the paths that agree with the known tags, so the model is taught nothing about those spans.
Where a corpus gives a coarse label (MSRA's ORG: a company, a park or another organisation) the
tags of the three kinds are allowed, so the model learns the span there and the kind elsewhere.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy
import torch
from torch import nn

# charnet.py's constants, repeated so that this file runs without the package
TAG_COUNT = 11  # len(TAGS): O, then B- and I- of PERSON, LOC, ORG, COMPANY, PARK
MISSING, ANY_ORG_BEGIN, ANY_ORG_INSIDE = -1, -2, -3
ORG_TAGS = {ANY_ORG_BEGIN: (5, 7, 9), ANY_ORG_INSIDE: (6, 8, 10)}  # B-/I- of ORG, COMPANY, PARK


@dataclass
class Hyperparameters:
    """The network and its training, in one place; saved beside the weights as config.json."""

    char_dim: int = 128
    bigram_dim: int = 64
    word_dim: int = 16
    lexicon_dim: int = 16
    knowledge_dim: int = 8  # each kind of the lexicons' names (gazetteer.py), where the data has them
    hidden: int = 128  # per direction: 192 is 0.4 points better on MSRA and 1.6× slower (MODEL_CARD.md)
    dropout: float = 0.3
    learn_rate: float = 0.002
    batch_size: int = 64
    epochs: int = 12
    max_length: int = 200  # training sentences are cut at punctuation outside entities to this
    seed: int = 0
    max_minutes: float = 0.0  # stop after the epoch that passes this (0: no limit)
    init: str = ""  # a model folder whose weights training continues from
    embeddings: str = ""  # pretrained vectors the character and bigram tables start from (embeddings.py)


class BiLSTMCRF(nn.Module):
    def __init__(self, sizes: list[int], hp: Hyperparameters) -> None:
        super().__init__()
        dims = [hp.char_dim, hp.bigram_dim, hp.word_dim, hp.lexicon_dim]
        dims += [hp.knowledge_dim] * (len(sizes) - len(dims))
        self.embed = nn.ModuleList(nn.Embedding(n, d, padding_idx=0) for n, d in zip(sizes, dims))
        self.dropout = nn.Dropout(hp.dropout)
        self.lstm = nn.LSTM(sum(dims), hp.hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hp.hidden, TAG_COUNT)
        self.crf = nn.ParameterDict(
            {
                "transitions": nn.Parameter(torch.zeros(TAG_COUNT, TAG_COUNT)),
                "start": nn.Parameter(torch.zeros(TAG_COUNT)),
                "end": nn.Parameter(torch.zeros(TAG_COUNT)),
            }
        )

    def emissions(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """(batch, features, width) ids → (batch, width, tags) scores."""
        x = torch.cat([embed(ids[:, k]) for k, embed in enumerate(self.embed)], dim=-1)
        packed = nn.utils.rnn.pack_padded_sequence(
            self.dropout(x), lengths.cpu(), batch_first=True, enforce_sorted=False
        )
        hidden, _ = self.lstm(packed)
        hidden, _ = nn.utils.rnn.pad_packed_sequence(hidden, batch_first=True, total_length=ids.shape[2])
        return self.out(self.dropout(hidden))

    def log_partition(self, scores: torch.Tensor, allowed: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """log Σ exp(score) over the paths whose tags are all ``allowed`` (batch, width, tags)."""
        blocked = torch.finfo(scores.dtype).min / 4
        scores = scores.masked_fill(~allowed, blocked)
        alpha = self.crf["start"] + scores[:, 0]
        for t in range(1, scores.shape[1]):
            step = torch.logsumexp(alpha[:, :, None] + self.crf["transitions"], dim=1) + scores[:, t]
            alpha = torch.where((t < lengths)[:, None], step, alpha)
        return torch.logsumexp(alpha + self.crf["end"], dim=1)

    def loss(self, ids: torch.Tensor, tags: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        scores = self.emissions(ids, lengths)
        everything = torch.ones_like(scores, dtype=torch.bool)
        allowed = torch.where(
            (tags == MISSING)[..., None], everything, nn.functional.one_hot(tags.clamp(min=0), TAG_COUNT).bool()
        )
        for code, kinds in ORG_TAGS.items():
            group = torch.zeros(TAG_COUNT, dtype=torch.bool, device=tags.device)
            group[list(kinds)] = True
            allowed = torch.where((tags == code)[..., None], group, allowed)
        return (self.log_partition(scores, everything, lengths) - self.log_partition(scores, allowed, lengths)).mean()

    def decode(self, ids: torch.Tensor, lengths: torch.Tensor) -> list[list[int]]:
        scores = self.emissions(ids, lengths)
        best = self.crf["start"] + scores[:, 0]
        pointers = []
        for t in range(1, scores.shape[1]):
            step, pointer = (best[:, :, None] + self.crf["transitions"]).max(dim=1)
            running = (t < lengths)[:, None]
            best = torch.where(running, step + scores[:, t], best)
            pointers.append(torch.where(running, pointer, torch.arange(TAG_COUNT, device=ids.device)))
        last = (best + self.crf["end"]).argmax(dim=1)
        path = [last]
        for pointer in reversed(pointers):
            last = pointer.gather(1, last[:, None])[:, 0]
            path.append(last)
        paths = torch.stack(path[::-1], dim=1).tolist()
        return [p[:n] for p, n in zip(paths, lengths.tolist())]


def sentences(data: dict[str, numpy.ndarray], split: str) -> list[tuple[numpy.ndarray, numpy.ndarray]]:
    """(features (features, n), tags (n,)) of each sentence of a split in the data file."""
    features, tags, offsets = data[f"{split}_features"], data[f"{split}_tags"], data[f"{split}_offsets"]
    return [(features[:, a:b], tags[a:b]) for a, b in zip(offsets, offsets[1:])]


def _batch(items: list[tuple[numpy.ndarray, numpy.ndarray]], device: str):
    lengths = torch.tensor([len(t) for _, t in items])
    width = int(lengths.max())
    ids = torch.zeros((len(items), items[0][0].shape[0], width), dtype=torch.long)
    tags = torch.zeros((len(items), width), dtype=torch.long)
    for row, (x, y) in enumerate(items):
        ids[row, :, : len(y)] = torch.from_numpy(x)
        tags[row, : len(y)] = torch.from_numpy(y)
    return ids.to(device), tags.to(device), lengths.to(device)


def spans(tags: list[int]) -> set[tuple[int, int, int]]:
    """(start, end, type) of BIO tag ids (1 + 2 × type is B, 2 + 2 × type is I)."""
    found, start, kind = set(), 0, None
    for i, tag in enumerate([*tags, 0]):
        if kind is not None and tag != 2 + 2 * kind:
            found.add((start, i, kind))
            kind = None
        if tag > 0 and kind is None:
            start, kind = i, (tag - 1) // 2
    return found


def evaluate(model: BiLSTMCRF, dev: list, device: str, batch_size: int = 256) -> float:
    """Strict span F1 on the dev sentences; predictions that touch an unlabelled character are
    not counted either way."""
    model.eval()
    right = predicted = gold = 0
    with torch.no_grad():
        for first in range(0, len(dev), batch_size):
            items = dev[first : first + batch_size]
            ids, _, lengths = _batch(items, device)
            for (_, tags), path in zip(items, model.decode(ids, lengths)):
                known = spans([max(t, 0) for t in tags])
                guessed = {s for s in spans(path) if (tags[s[0] : s[1]] >= 0).all()}  # coarse or unknown: not scored
                right, predicted, gold = right + len(known & guessed), predicted + len(guessed), gold + len(known)
    model.train()
    return 2 * right / max(1, predicted + gold)


def fit(data: dict[str, numpy.ndarray], hp: Hyperparameters, log=print) -> tuple[dict[str, numpy.ndarray], dict]:
    """Train on ``data`` (as ``parkgraph train --data-only`` writes it); return the weights of
    the epoch best on dev (float16, ``charnet.CharNet``'s names) and the training record."""
    torch.manual_seed(hp.seed)
    rng = numpy.random.default_rng(hp.seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    train, dev = sentences(data, "train"), sentences(data, "dev")
    model = BiLSTMCRF([int(n) for n in data["sizes"]], hp)
    for feature, embedding in enumerate(model.embed):
        # rows of pretrained vectors (``pretrained_<feature>``, NaN where none) replace the random start
        pretrained = data.get(f"pretrained_{feature}")
        if pretrained is not None:
            known = torch.from_numpy(~numpy.isnan(pretrained).any(axis=1))
            with torch.no_grad():
                embedding.weight[known] = torch.from_numpy(pretrained)[known]
    if hp.init:
        # a model of fewer tags (the 7 of PERSON, LOC, ORG) fills the first rows of the tag layers,
        # one of fewer features the first columns of the LSTM's input; what it lacks starts at zero,
        # so training begins from the old model's predictions
        state = model.state_dict()
        for name, value in numpy.load(Path(hp.init) / "weights.npz").items():
            rows = tuple(slice(0, n) for n in value.shape)
            if value.shape != tuple(state[name].shape):
                state[name].zero_()
            state[name][rows] = torch.from_numpy(value.astype("float32"))
        model.load_state_dict(state)
    model.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=hp.learn_rate)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda epoch: 1 / (1 + 0.05 * epoch))
    began, best, record = time.time(), (-1.0, None), []
    for epoch in range(hp.epochs):
        # batches of similar lengths, in random order
        order = numpy.argsort([len(t) + rng.random() for _, t in train])
        batches = [order[i : i + hp.batch_size] for i in range(0, len(order), hp.batch_size)]
        total = 0.0
        for index in rng.permutation(len(batches)):
            ids, tags, lengths = _batch([train[i] for i in batches[index]], device)
            loss = model.loss(ids, tags, lengths)
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimizer.step()
            total += loss.item()
        schedule.step()
        f1 = evaluate(model, dev, device)
        minutes = (time.time() - began) / 60
        record.append(
            {"epoch": epoch + 1, "loss": total / len(batches), "dev_f1": round(f1, 4), "minutes": round(minutes, 2)}
        )
        log(json.dumps(record[-1]))
        if f1 > best[0]:
            best = (f1, {k: v.detach().cpu().numpy().astype("float16") for k, v in model.state_dict().items()})
        if hp.max_minutes and minutes > hp.max_minutes:
            break
    return best[1], {"hyperparameters": asdict(hp), "dev_f1": best[0], "epochs": record}


def save(folder: Path, weights: dict[str, numpy.ndarray], record: dict) -> None:
    """The model folder ``charnet.CharNet`` loads (the vocabulary is copied in by the caller)."""
    folder.mkdir(parents=True, exist_ok=True)
    numpy.savez_compressed(folder / "weights.npz", **weights)
    (folder / "config.json").write_text(json.dumps(record, indent=1), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="a folder from `parkgraph train --data-only`")
    parser.add_argument("out", type=Path, help="the model folder to write")
    for name, default in asdict(Hyperparameters()).items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(default), default=default)
    args = parser.parse_args()
    hp = Hyperparameters(**{k: getattr(args, k) for k in asdict(Hyperparameters())})
    weights, record = fit(dict(numpy.load(args.data / "data.npz")), hp)
    save(args.out, weights, record)
    shutil.copy(args.data / "vocab.json", args.out / "vocab.json")


if __name__ == "__main__":
    main()
