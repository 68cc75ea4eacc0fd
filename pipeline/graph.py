"""Stage 4b: one networkx MultiDiGraph across all documents.

A node is an entity (``LABEL:canonical name``), however many documents name it; an edge is a
relation type between two entities, with its count, best confidence, documents, evidence and the
sum of stated amounts. MONEY and PERSON mentions are not nodes: amounts live on INVESTS_IN edges.
The builder takes rows one at a time, so a corpus of any size streams through it.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx

GRAPH_LABELS = {"COMPANY", "PARK", "ORG", "LOC"}


def node_id(label: str, name: str) -> str:
    return f"{label}:{name}"


class GraphBuilder:
    def __init__(self) -> None:
        self.aliases: dict[str, set[str]] = defaultdict(set)
        self.documents: dict[str, set[str]] = defaultdict(set)
        self.mentions: dict[str, int] = defaultdict(int)
        self.edges: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.extra_nodes: dict[str, tuple[str, str, str]] = {}

    def add_entities(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            if row["label"] in GRAPH_LABELS:
                key = node_id(row["label"], row["entity"])
                self.aliases[key].add(row["text"])
                self.documents[key].add(str(row["doc_id"]))
                self.mentions[key] += 1

    def add_relations(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            head, tail = node_id(row["head_label"], row["head"]), node_id(row["tail_label"], row["tail"])
            for key, name, label in ((head, row["head"], row["head_label"]), (tail, row["tail"], row["tail_label"])):
                # a node known only from a lexicon (中关村软件园 → 北京) still needs its attributes
                self.extra_nodes.setdefault(key, (name, label, str(row["doc_id"])))
            edge = self.edges.setdefault(
                (head, tail, row["relation"]),
                {
                    "type": row["relation"],
                    "count": 0,
                    "confidence": 0.0,
                    "documents": set(),
                    "evidence": row["evidence"],
                    "method": row["method"],
                    "amount": None,
                },
            )
            edge["count"] += 1
            edge["confidence"] = max(edge["confidence"], float(row["confidence"]))
            edge["documents"].add(str(row["doc_id"]))
            if row.get("amount") is not None:
                edge["amount"] = float(row["amount"]) + (edge["amount"] or 0.0)

    def build(self) -> nx.MultiDiGraph:
        g = nx.MultiDiGraph()
        for key in self.mentions:
            label, name = key.split(":", 1)
            g.add_node(
                key,
                name=name,
                label=label,
                aliases="|".join(sorted(self.aliases[key] - {name})),
                mentions=self.mentions[key],
                documents="|".join(sorted(self.documents[key])),
            )
        for key, (name, label, doc_id) in self.extra_nodes.items():
            if key not in g:
                g.add_node(key, name=name, label=label, aliases="", mentions=0, documents=doc_id)
        for (head, tail, rel), attrs in self.edges.items():
            attrs = {**attrs, "documents": "|".join(sorted(attrs["documents"]))}
            if attrs["amount"] is None:
                del attrs["amount"]  # GraphML has no null
            g.add_edge(head, tail, key=rel, **attrs)
        return g


def write_graph(g: nx.MultiDiGraph, folder: Path) -> None:
    """graph.graphml and graph.json (node-link), each replaced atomically."""
    tmp = folder / "graph.graphml.tmp"
    nx.write_graphml(g, tmp)
    os.replace(tmp, folder / "graph.graphml")
    data = nx.node_link_data(g, edges="links")
    tmp = folder / "graph.json.tmp"
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, folder / "graph.json")


def read_graph(folder: str | Path) -> nx.MultiDiGraph:
    data = json.loads((Path(folder) / "graph.json").read_text(encoding="utf-8"))
    return nx.node_link_graph(data, edges="links", multigraph=True, directed=True)


def find_node(g: nx.MultiDiGraph, name: str) -> str | None:
    """A node by canonical name or any alias."""
    for key, attrs in g.nodes(data=True):
        if attrs["name"] == name or name in attrs.get("aliases", "").split("|"):
            return key
    return None
