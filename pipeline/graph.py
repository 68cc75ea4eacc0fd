"""Stage 4b: one networkx MultiDiGraph across all documents.

A node is an entity (``LABEL:canonical name``), however many documents name it; an edge is a
relation type between two entities, with its count, best confidence, documents and evidence.
MONEY and PERSON mentions are not nodes: amounts live on INVESTS_IN edges.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import networkx as nx
import pandas as pd

GRAPH_LABELS = {"COMPANY", "PARK", "ORG", "LOC"}


def node_id(label: str, name: str) -> str:
    return f"{label}:{name}"


def build_graph(entities: pd.DataFrame, relations: pd.DataFrame) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    aliases, documents, mentions = defaultdict(set), defaultdict(set), defaultdict(int)
    for row in entities.itertuples() if len(entities) else ():
        if row.label in GRAPH_LABELS:
            key = node_id(row.label, row.entity)
            aliases[key].add(row.text)
            documents[key].add(str(row.doc_id))
            mentions[key] += 1
    for key in mentions:
        label, name = key.split(":", 1)
        g.add_node(
            key,
            name=name,
            label=label,
            aliases="|".join(sorted(aliases[key] - {name})),
            mentions=mentions[key],
            documents="|".join(sorted(documents[key])),
        )
    edges: dict[tuple[str, str, str], dict] = {}
    for row in relations.itertuples() if len(relations) else ():
        head, tail = node_id(row.head_label, row.head), node_id(row.tail_label, row.tail)
        for key, name, label in ((head, row.head, row.head_label), (tail, row.tail, row.tail_label)):
            if key not in g:  # a place known only from a lexicon (中关村软件园 → 北京)
                g.add_node(key, name=name, label=label, aliases="", mentions=0, documents=str(row.doc_id))
        edge = edges.setdefault(
            (head, tail, row.relation),
            {
                "type": row.relation,
                "count": 0,
                "confidence": 0.0,
                "documents": set(),
                "evidence": row.evidence,
                "method": row.method,
                "amount": None,
            },
        )
        edge["count"] += 1
        edge["confidence"] = max(edge["confidence"], float(row.confidence))
        edge["documents"].add(str(row.doc_id))
        if pd.notna(row.amount):
            edge["amount"] = float(row.amount) + (edge["amount"] or 0.0)
    for (head, tail, rel), attrs in edges.items():
        attrs = {**attrs, "documents": "|".join(sorted(attrs["documents"]))}
        if attrs["amount"] is None:
            del attrs["amount"]  # GraphML has no null
        g.add_edge(head, tail, key=rel, **attrs)
    return g


def write_graph(g: nx.MultiDiGraph, folder: Path) -> None:
    nx.write_graphml(g, folder / "graph.graphml")
    data = nx.node_link_data(g, edges="links")
    (folder / "graph.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def read_graph(folder: str | Path) -> nx.MultiDiGraph:
    data = json.loads((Path(folder) / "graph.json").read_text(encoding="utf-8"))
    return nx.node_link_graph(data, edges="links", multigraph=True, directed=True)


def find_node(g: nx.MultiDiGraph, name: str) -> str | None:
    """A node by canonical name or any alias."""
    for key, attrs in g.nodes(data=True):
        if attrs["name"] == name or name in attrs.get("aliases", "").split("|"):
            return key
    return None
