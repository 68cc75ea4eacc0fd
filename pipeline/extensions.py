"""The ``Doc``/``Span`` extension attributes every stage reads and writes (one place, no parallel data)."""

from __future__ import annotations

from spacy.tokens import Doc, Span


def register_extensions() -> None:
    doc_attrs = {
        "doc_id": None,  # set by the reader; batch jobs carry it through nlp.pipe(as_tuples=True)
        "norm_text": None,  # normalise(): same length as doc.text, what the rules and models read
        "jieba_words": None,  # (start, end) of jieba's words, as the tokenizer cut them (before any split)
        "candidates": None,  # dict tagger name -> list[pipeline.mentions.Candidate]: what each tagger proposes
        "known_firms": None,  # (start, end) of every firm name the lexicons know unambiguously (the rule tagger)
        "aliases": None,  # dict alias -> the Span it abbreviates (以下简称X), set by the alias stage
        "relations": None,  # list[pipeline.relations.Relation], set by the relation stage
        "entities": None,  # dict canonical name -> pipeline.coref.Entity, set by the coref stage
        "anaphora": None,  # list[pipeline.coref.Anaphor]: 该园区 … resolved to an entity
    }
    for name, default in doc_attrs.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    span_attrs = {
        "entity": None,  # canonical name of the entity this mention refers to
        "value": None,  # MONEY: amount in units of its currency
        "currency": None,  # MONEY: ISO 4217 code
        "source": None,  # which rule or model produced the mention
        "score": 1.0,
    }
    for name, default in span_attrs.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)


register_extensions()
