"""Stage 2 (model): the character BiLSTM-CRF of ``parkgraph train ner`` as a pipeline component.

The network (``charnet.py``) predicts PERSON, LOC, ORG, COMPANY and PARK, learnt from the silver
corpus and the public corpora (a model of the older scheme predicts PERSON, LOC and ORG only). A
name ending in a company, park or organisation head (…有限公司, …软件园, …委员会, grammar.py)
takes that head's label.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator

import jieba
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .backends import ner_problem, resolve_model_path
from .charnet import CharNet
from .grammar import is_specific_text
from .heads import HEAD_PATTERN, HEADS
from .mentions import Candidate, MentionTagger
from .park_names import in_header_line

LabelOf = Callable[[str, str], str]  # (name, the model's label) → ours
# 公司董事会, 公司业务部, 公司: the text's "the company" for a firm named before it, not a name (the
# base model tagged 4 such spans in 12 CLUENER train sentences that use 公司 so, and in written news)
ANAPHORIC_OPENINGS = ("公司", "本公司", "该公司", "集团", "本集团")
EDGE_PUNCTUATION = "“”‘’\"'「」『』《》，。、；：！？,.;:!?"
FEATURE_CHARS = 100_000  # the features of at most this much text (or of one document) alive at once


def model_label(name: str, label: str) -> str:
    """Our label for a model mention: an organisation whose name ends in a company, park or
    organisation head is one (…有限公司, …软件园, …委员会); otherwise the model's own label."""
    if label not in ("ORG", "COMPANY", "PARK"):
        return label
    for size in range(min(len(name), 5), 0, -1):
        if (head := HEADS.get(name[-size:])) is not None:
            return head
    return label


def model_mention(
    text: str, start: int, end: int, label: str, source: str, score: float, label_of: LabelOf = model_label
) -> Candidate | None:
    """A model's span as a candidate with our label, without whitespace, quotes or punctuation
    at its edges (the jieba ``Doc`` keeps spaces outside its tokens, so no entity may start or
    end on one; a quote kept would hide a quoted platform name from the quote filter); none
    for a span across a line break (a name broken over two lines is a broken page)."""
    edges = None
    while edges != (start, end):
        edges = start, end
        while start < end and (text[start].isspace() or text[start] in EDGE_PUNCTUATION):
            start += 1
        while end > start and (text[end - 1].isspace() or text[end - 1] in EDGE_PUNCTUATION):
            end -= 1
        start, end = _without_unpaired_brackets(text, start, end)
    if start == end or "\n" in text[start:end] or text.startswith(ANAPHORIC_OPENINGS, start):
        return None
    start, end = _with_quotes_balanced(text, start, end)
    label = label_of(text[start:end], label)
    if label == "PARK" and (in_header_line(text, start, end) or (start := park_start(text, start, end)) is None):
        return None  # a park named in a page header states nothing about it (park_names.py)
    return Candidate(start, end, label, source, score)


QUOTE_PAIRS = (("“", "”"), ("‘", "’"), ("「", "」"), ("『", "』"))
BRACKET_PAIRS = (("(", ")"), ("（", "）"), ("[", "]"), ("【", "】"))


def _without_unpaired_brackets(text: str, start: int, end: int) -> tuple[int, int]:
    """A span without the bracket at its edge that closes or opens nothing inside it: a short
    name in brackets (天津经济技术开发区（泰达）) is 泰达, not 泰达）. Names that hold a pair keep it
    (孚能科技(赣州)股份有限公司)."""
    for opening, closing in BRACKET_PAIRS:
        name = text[start:end]
        if name.endswith(closing) and name.count(closing) > name.count(opening):
            end -= 1
        elif name.startswith(opening) and name.count(opening) > name.count(closing):
            start += 1
    return start, end


def _with_quotes_balanced(text: str, start: int, end: int) -> tuple[int, int]:
    """A name quoting a part of itself keeps both quotes (“巨石”工业园, 全国“扫黄打非”办公室: the
    silver's 11 such names all do), where the model's span left the opening one outside. (A span
    that stops before its closing quote ends inside the quoted part: left as it is.)"""
    for opening, closing in QUOTE_PAIRS:
        name = text[start:end]
        if name.count(closing) > name.count(opening) and text[start - 1 : start] == opening:
            start -= 1
    return start, end


# verbs that open a clause: a park name does not hold them (in the silver corpus's 2,554 park
# mentions only 启动区, a noun), but the model's span sometimes runs over them: 湘乡市启动建设
# 绿色化工园区 (the seed page), 海南启动自贸区 (xwlb)
CLAUSE_VERBS = frozenset(
    {"启动", "启建", "建设", "打造", "推进", "加快", "设立", "开工", "签约", "落户", "入驻", "引进"}
)


def park_start(text: str, start: int, end: int) -> int | None:
    """Where a park name the model found really starts: after the last clause verb inside it,
    and None when what follows the verb names no park of its own (绿色化工园区, 自贸区)."""
    offset, cut = start, None
    words = list(jieba.cut(text[start:end]))
    for i, word in enumerate(words[:-1]):
        offset += len(word)
        if word in CLAUSE_VERBS and words[i + 1] != "区":
            cut = offset
    if cut is None:
        return start
    head = HEAD_PATTERN.search(text, cut, end)
    return cut if head is not None and is_specific_text(text[cut : head.start()]) else None


class ModelTagger(MentionTagger):
    """The character BiLSTM-CRF of ``parkgraph train`` over a jieba ``Doc``."""

    def __init__(self, nlp: Language, name: str, model: str, int8: bool) -> None:
        super().__init__(name)
        if problem := ner_problem(model):
            raise FileNotFoundError(problem)
        path = resolve_model_path(model)
        self.model = CharNet(path, int8=int8)
        # news repeats its names: label each once (model_label is a function of the name and the
        # model's label alone, so the cache changes the cost, never a document's output)
        self.label_of: LabelOf = functools.lru_cache(maxsize=100_000)(model_label)

    def mentions(self, doc: Doc) -> list[Candidate]:
        return self._tag([doc])[0]

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        # Through the network one doc at a time (its sentences still go together): the int8
        # network quantizes its activations per batch, so sentences of other documents in the
        # batch changed a document's tags (issue 17: 13 of 150 news documents tagged differently
        # alone, 腾讯 PERSON only among other files). The CRF's best paths, exact and independent
        # per window, are decoded for ``batch_size`` documents together: one numpy step per
        # character position for all of them instead of one per document. The features, a
        # function of each character's own text, are computed for the whole chunk at once too
        # (up to ``FEATURE_CHARS`` characters: longer chunks, a document at a time).
        for chunk in spacy.util.minibatch(docs, batch_size):
            pieces = [(d._.norm_text, d._.jieba_words) for d in chunk]
            together = sum(len(text) for text, _ in pieces) <= FEATURE_CHARS
            features = (
                self.model.vocab.features(pieces) if together else [self.model.vocab.features([p])[0] for p in pieces]
            )
            emitted = [self.model.emissions([p], features=[f])[0] for p, f in zip(pieces, features)]
            for doc, mentions in zip(chunk, self._mentions(chunk, self.model.decode(emitted))):
                yield self.propose(doc, mentions)

    def _tag(self, docs: list[Doc]) -> list[list[Candidate]]:
        return self._mentions(docs, self.model.tag([(d._.norm_text, d._.jieba_words) for d in docs]))

    def _mentions(self, docs: list[Doc], found: list[list[tuple[int, int, str]]]) -> list[list[Candidate]]:
        mentions = []
        for doc, spans in zip(docs, found):
            text = doc._.norm_text
            candidates = (model_mention(text, a, b, label, "model", 0.85, self.label_of) for a, b, label in spans)
            mentions.append([m for m in candidates if m])
        return mentions


# what every statistical tagger's factory declares (this one and hanlp_ner.py's)
STATISTICAL_TAGGER = {"assigns": ["doc._.candidates"]}


@Language.factory("parkgraph_ner", default_config={"model": "ner", "int8": True}, **STATISTICAL_TAGGER)
def create_model_tagger(nlp: Language, name: str, model: str, int8: bool) -> ModelTagger:
    return ModelTagger(nlp, name, model, int8)
