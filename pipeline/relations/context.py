"""What the relation rules and the classifier read: mentions, sentences, paragraphs and sections
of one document (``Context``), and what they produce (``Relation``)."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from spacy.tokens import Doc

ACTORS = {"COMPANY", "ORG"}


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    entity: str
    label: str


@dataclass(frozen=True)
class Relation:
    head: str
    relation: str
    tail: str
    head_label: str
    tail_label: str
    evidence_start: int
    evidence_end: int
    method: str
    confidence: float
    amount: float | None = None


@dataclass
class Context:
    text: str  # normalised text: what the patterns read
    sentences: list[tuple[int, int]]
    paragraphs: list[tuple[int, int]]
    mentions: list[Mention]  # entity mentions and resolved anaphors, in text order
    labels: dict[str, str]  # entity → label
    records: dict[str, object]  # entity → lexicon record (Park / Place) when known
    aliases: dict[str, set[str]]  # entity → all its names, the canonical one included
    section_parks: list[tuple[int, int, str]]  # (start, end, park) of sections named after a park
    money: dict[int, float]  # MONEY mention start → value

    def within(self, start: int, end: int, labels: set[str] | None = None) -> list[Mention]:
        """The mentions inside [start, end), in text order: found by bisection over their starts
        (a scan of every mention for every sentence made long documents quadratic)."""
        starts = self._mention_starts
        if starts is None:  # not in text order: the plain scan, same result
            found = (m for m in self.mentions if start <= m.start and m.end <= end)
        else:
            lo, hi = bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)
            found = (m for m in self.mentions[lo:hi] if m.end <= end)
        return [m for m in found if labels is None or m.label in labels]

    @functools.cached_property
    def _mention_starts(self) -> list[int] | None:
        starts = [m.start for m in self.mentions]
        return starts if all(a <= b for a, b in zip(starts, starts[1:])) else None

    @functools.cached_property
    def disjoint(self) -> bool:
        """No two mentions overlap (they are in text order)."""
        return self._mention_starts is not None and all(
            a.end <= b.start for a, b in zip(self.mentions, self.mentions[1:])
        )

    @functools.cached_property
    def opening(self) -> int:
        """Where the text starts, after any whitespace."""
        return re.match(r"\s*", self.text).end()

    @functools.cached_property
    def longest_mention(self) -> int:
        return max((m.end - m.start for m in self.mentions), default=0)

    @functools.cached_property
    def clause_marks(self) -> list[int]:
        """Offsets of the clause punctuation that ends a pattern's reach (，；：), in order."""
        return [m.start() for m in CLAUSE_MARK.finditer(self.text)]

    def park_mentions(self) -> Iterator[tuple[tuple[int, int], list[Mention], Mention]]:
        """(sentence, its mentions, a park mention among them) for every park mention."""
        for sentence in self.sentences:
            mentions = self.within(*sentence)
            for park in (m for m in mentions if m.label == "PARK"):
                yield sentence, mentions, park

    def sentence_of(self, offset: int) -> tuple[int, int]:
        return _span_of(self.sentences, self._sentence_starts, offset)

    def paragraph_of(self, offset: int) -> tuple[int, int]:
        return _span_of(self.paragraphs, self._paragraph_starts, offset)

    @functools.cached_property
    def _sentence_starts(self) -> list[int] | None:
        return _ordered_starts(self.sentences)

    @functools.cached_property
    def _paragraph_starts(self) -> list[int] | None:
        return _ordered_starts(self.paragraphs)

    def relation(
        self,
        head: str,
        rel: str,
        tail: str,
        sentence: tuple[int, int],
        method: str,
        confidence: float,
        amount: float | None = None,
    ) -> Relation:
        return Relation(
            head,
            rel,
            tail,
            self.labels[head],
            self.labels.get(tail, "LOC"),
            sentence[0],
            sentence[1],
            method,
            confidence,
            amount,
        )


CLAUSE_MARK = re.compile(r"[，,;；:：]")


def _ordered_starts(spans: list[tuple[int, int]]) -> list[int] | None:
    """The starts of ``spans`` when they are in order and do not overlap (then bisection finds the
    one span holding an offset), else None."""
    if all(a[1] <= b[0] for a, b in zip(spans, spans[1:])) and all(a <= b for a, b in spans):
        return [a for a, _ in spans]
    return None


def _span_of(spans: list[tuple[int, int]], starts: list[int] | None, offset: int) -> tuple[int, int]:
    """The span holding ``offset`` (the first, scanning), or the empty span at it."""
    if starts is None:
        return next((s for s in spans if s[0] <= offset < s[1]), (offset, offset))
    i = bisect.bisect_right(starts, offset) - 1
    return spans[i] if i >= 0 and offset < spans[i][1] else (offset, offset)


Rule = Callable[[Context], Iterator[Relation]]


# the words before an amount that make it an investment (总投资50亿元), not capital, output or taxes
# (a space may stand before the amount: 投资 50 亿元)
INVESTMENT_AMOUNT = re.compile(
    r"(?:总投资|计划投资|项目投资|投资额|拟投资|投资规模|投资)(?:为|约|达|逾|超过?|近)?[ \u3000]?$"
)


def invested_amount(ctx: Context, start: int, end: int) -> float | None:
    """The amount stated as an investment (总投资50亿元); registered capital, output and taxes are not."""
    for money in ctx.within(start, end, {"MONEY"}):
        if INVESTMENT_AMOUNT.search(ctx.text[max(start, money.start - 8) : money.start]):
            return ctx.money[money.start]
    return None


HEADING = re.compile(r"^(#{1,6})[ \t]*(.+)$", re.M)


def _section_parks(text: str, mentions: list[Mention]) -> list[tuple[int, int, str]]:
    """Markdown sections whose heading names exactly one park. A heading right after another
    (a subtitle) does not end its section."""
    headings = list(HEADING.finditer(text))
    sections, current = [], None
    for i, h in enumerate(headings):
        parks = {m.entity for m in mentions if h.start() <= m.start < h.end() and m.label == "PARK"}
        level = len(h.group(1))
        is_subtitle = i > 0 and not text[headings[i - 1].end() : h.start()].strip()
        if current and (parks or (level <= current[1] and not is_subtitle)):
            sections.append((current[0], h.start(), current[2]))
            current = None
        if len(parks) == 1:
            current = (h.start(), level, parks.pop())
    if current:
        sections.append((current[0], len(text), current[2]))
    return sections


def build_context(doc: Doc) -> Context:
    ext, ents = doc._, doc.ents  # each access builds a new object
    text = ext.norm_text
    mentions = [Mention(e.start_char, e.end_char, e._.entity or e.text, e.label_) for e in ents]
    labels = {m.entity: m.label for m in mentions}
    mentions += [Mention(a.start, a.end, a.entity, labels[a.entity]) for a in ext.anaphora or []]
    mentions.sort(key=lambda m: m.start)
    paragraphs = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    ctx = Context(
        text=text,
        sentences=[(s.start_char, s.end_char) for s in doc.sents],
        paragraphs=paragraphs,
        mentions=mentions,
        labels=labels,
        records={name: e.record for name, e in (ext.entities or {}).items() if e.record is not None},
        aliases={name: {name, *e.aliases} for name, e in (ext.entities or {}).items()},
        section_parks=_section_parks(text, mentions),
        money={e.start_char: e._.value for e in ents if e.label_ == "MONEY"},
    )
    return ctx
