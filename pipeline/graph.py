"""Stage 4b: one networkx MultiDiGraph across all documents.

A node is an entity (``LABEL:canonical name``), however many documents name it; an edge is a
relation type between two entities, with its count, best confidence, documents, evidence and the
sum of stated amounts. MONEY and PERSON mentions are not nodes: amounts live on INVESTS_IN edges.
The builder takes rows one at a time and keeps per node and edge only counts and the first
``DOCUMENTS_LISTED`` document ids, so its memory grows with the entities, not with the corpus.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import networkx as nx

from . import companies, lexicon
from .files import write_atomically
from .heads import BRANCH, REGISTERED_FORMS
from .normalise import normalise
from .places import core_name

GRAPH_LABELS = {"COMPANY", "PARK", "ORG", "LOC"}
DOCUMENTS_LISTED = 20  # document ids a node or edge lists (the smallest); mentions and count cover all


def listed(ids: Iterable[str]) -> str:
    """A ``documents`` attribute: the first ``DOCUMENTS_LISTED`` ids in sorted order, "|"-joined."""
    return "|".join(sorted(set(ids) - {""})[:DOCUMENTS_LISTED])


def _add_document(ids: set[str], doc_id: str) -> None:
    ids.add(doc_id)
    if len(ids) > 2 * DOCUMENTS_LISTED:  # trimmed in bulk; the smallest ids always survive
        kept = sorted(ids)[:DOCUMENTS_LISTED]
        ids.clear()
        ids.update(kept)


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
                _add_document(self.documents[key], str(row["doc_id"]))
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
                    "evidence_doc": str(row["doc_id"]),  # the document the evidence sentence is from
                    "method": row["method"],
                    "amount": None,
                },
            )
            edge["count"] += 1
            edge["confidence"] = max(edge["confidence"], float(row["confidence"]))
            _add_document(edge["documents"], str(row["doc_id"]))
            if row.get("amount") is not None:
                edge["amount"] = float(row["amount"]) + (edge["amount"] or 0.0)

    def build(self) -> nx.MultiDiGraph:
        g = self._raw_graph()
        merge_short_names(g)
        link_branches(g)
        add_known_attributes(g)
        return g

    def _raw_graph(self) -> nx.MultiDiGraph:
        g = nx.MultiDiGraph()
        for key in self.mentions:
            label, name = key.split(":", 1)
            g.add_node(
                key,
                name=name,
                label=label,
                aliases="|".join(sorted(self.aliases[key] - {name})),
                mentions=self.mentions[key],
                documents=listed(self.documents[key]),
            )
        for key, (name, label, doc_id) in self.extra_nodes.items():
            if key not in g:
                g.add_node(key, name=name, label=label, aliases="", mentions=0, documents=doc_id)
        for (head, tail, rel), attrs in self.edges.items():
            attrs = {**attrs, "documents": listed(attrs["documents"])}
            if attrs["amount"] is None:
                del attrs["amount"]  # GraphML has no null
            g.add_edge(head, tail, key=rel, **attrs)
        return g


def _merge(g: nx.MultiDiGraph, short: str, full: str) -> None:
    """Fold node ``short`` into node ``full``: mentions, documents, aliases and edges."""
    a, b = g.nodes[short], g.nodes[full]
    b["aliases"] = "|".join(sorted({*b["aliases"].split("|"), a["name"], *a["aliases"].split("|")} - {"", b["name"]}))
    b["mentions"] += a["mentions"]
    b["documents"] = listed([*b["documents"].split("|"), *a["documents"].split("|")])
    for _, tail, key, attrs in list(g.out_edges(short, keys=True, data=True)):
        g.add_edge(full, tail, key=key, **attrs)
    for head, _, key, attrs in list(g.in_edges(short, keys=True, data=True)):
        g.add_edge(head, full, key=key, **attrs)
    g.remove_node(short)


def merge_short_names(g: nx.MultiDiGraph) -> None:
    """One node per company across documents: a short-name node (云帆智联, 云帆智联公司) joins the
    one full-name node whose alias or core name it is. Two full names are never merged, and a
    short name that fits several full names (腾讯 → 腾讯科技(北京)… and 腾讯科技(深圳)…) stays apart."""
    companies = [n for n, d in g.nodes(data=True) if d["label"] == "COMPANY"]
    full = [n for n in companies if g.nodes[n]["name"].endswith(tuple(REGISTERED_FORMS))]
    by_name: dict[str, set[str]] = defaultdict(set)
    for node in full:
        attrs = g.nodes[node]
        for name in {core_name(attrs["name"]), *attrs["aliases"].split("|")} - {""}:
            by_name[name].add(node)
    for node in companies:
        if node in full or node not in g:
            continue
        name = g.nodes[node]["name"]
        owners = by_name.get(name) or by_name.get(core_name(name), set())
        if len(owners) == 1:
            _merge(g, node, owners.pop())


def link_branches(g: nx.MultiDiGraph) -> None:
    """A branch (…有限公司北京分公司) is its own node, linked to its parent by BRANCH_OF."""
    for node, attrs in list(g.nodes(data=True)):
        match = BRANCH.match(attrs["name"]) if attrs["label"] == "COMPANY" else None
        if not match:
            continue
        parent = node_id("COMPANY", match["parent"])
        if parent not in g:
            g.add_node(
                parent, name=match["parent"], label="COMPANY", aliases="", mentions=0, documents=attrs["documents"]
            )
        g.add_edge(
            node,
            parent,
            key="BRANCH_OF",
            type="BRANCH_OF",
            count=1,
            confidence=0.9,
            documents=attrs["documents"],
            evidence=attrs["name"],
            evidence_doc="",  # read off the name, not a sentence
            method="name",
        )


COMPANY_ATTRIBUTES = ("stock_code", "industry", "region")
PARK_ATTRIBUTES = ("kind", "level", "province", "city")


def known_record(label: str, name: str) -> companies.Company | lexicon.Park | None:
    """The lexicon's company or park that a node's canonical name is (its registered or official name)."""
    if label == "COMPANY":
        company = companies.companies().get(name)
        return company if company is not None and company.name == name else None
    if label == "PARK":
        park = lexicon.parks().get(name) or official_parks().get(name)
        return park if park is not None and normalise(park.name) == name else None
    return None


@cache
def official_parks() -> dict[str, lexicon.Park]:
    """Parks by their official name as the pipeline writes it (width-folded: 中国(上海)…)."""
    return {normalise(park.name): park for park in lexicon.parks().values()}


def add_known_attributes(g: nx.MultiDiGraph) -> None:
    """What the lexicons know goes on the node: a listed company's stock code, industry and
    region; a park's kind, level, province and city ("" where unknown: GraphML has no null)."""
    for _, attrs in g.nodes(data=True):
        record = known_record(attrs["label"], attrs["name"])
        names = COMPANY_ATTRIBUTES if attrs["label"] == "COMPANY" else PARK_ATTRIBUTES
        if record is not None:
            attrs.update({name: getattr(record, name) or "" for name in names})


# characters XML 1.0 forbids (C0 controls but tab, line feed and carriage return; U+FFFE/U+FFFF;
# lone surrogates): a form feed from pdftotext in one evidence sentence would make the file unreadable
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_text(value: Any) -> Any:
    return XML_INVALID.sub(" ", value) if isinstance(value, str) else value


def xml_safe(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """``g`` with every string (node ids, attributes) writable as XML: each forbidden character
    becomes a space. ``g`` itself is left as it is when it needs no change."""
    strings = (v for _, d in g.nodes(data=True) for v in d.values())
    edges = (v for *_, d in g.edges(keys=True, data=True) for v in d.values())
    if not any(isinstance(v, str) and XML_INVALID.search(v) for v in (*g.nodes, *strings, *edges)):
        return g
    safe = nx.MultiDiGraph()
    safe.add_nodes_from((_xml_text(n), {k: _xml_text(v) for k, v in d.items()}) for n, d in g.nodes(data=True))
    safe.add_edges_from(
        (_xml_text(u), _xml_text(v), _xml_text(key), {k: _xml_text(x) for k, x in d.items()})
        for u, v, key, d in g.edges(keys=True, data=True)
    )
    return safe


def write_graph(g: nx.MultiDiGraph, folder: Path) -> None:
    """graph.graphml and graph.json (node-link), each replaced atomically (the explorer page and
    the pictures are views of it: ``publish.py``)."""
    tmp = folder / "graph.graphml.tmp"
    nx.write_graphml(xml_safe(g), tmp)
    os.replace(tmp, folder / "graph.graphml")
    data = nx.node_link_data(g, edges="links")
    write_atomically(folder / "graph.json", json.dumps(data, ensure_ascii=False, indent=1))


def read_graph(folder: str | Path) -> nx.MultiDiGraph:
    data = json.loads((Path(folder) / "graph.json").read_text(encoding="utf-8"))
    return nx.node_link_graph(data, edges="links", multigraph=True, directed=True)


def find_node(g: nx.MultiDiGraph, name: str) -> str | None:
    """A node by canonical name or any alias, or a known company or park by any of its names in
    the lexicons (比亚迪 finds 比亚迪股份有限公司 even where the texts wrote only the full name)."""
    for key, attrs in g.nodes(data=True):
        if attrs["name"] == name or name in attrs.get("aliases", "").split("|"):
            return key
    company, park = companies.lookup(name), lexicon.parks().get(name)
    for key in (
        node_id("COMPANY", company.name) if company else None,
        node_id("PARK", normalise(park.name)) if park else None,
    ):
        if key in g:
            return key
    return None


MEMBERSHIP = ("LOCATED_IN", "INVESTS_IN")  # the relations that make an organisation one of a park's


@dataclass
class ParkRow:
    """A park with the organisations in it (or investing in it), the investment stated in it and
    its places."""

    node: str
    name: str
    members: dict[str, list[dict[str, Any]]]  # member node → its LOCATED_IN/INVESTS_IN edges' attributes
    investment: float
    places: list[str]

    @property
    def companies(self) -> int:
        return len(self.members)


def park_rows(g: nx.MultiDiGraph) -> list[ParkRow]:
    """Every park, the one with the most organisations first (ties by name)."""
    rows = []
    for node, attrs in g.nodes(data=True):
        if attrs["label"] != "PARK":
            continue
        members: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for member, _, edge in g.in_edges(node, data=True):
            if edge["type"] in MEMBERSHIP:
                members[member].append(edge)
        # one sentence stating one amount for several investors (A、B和C签约，投资21.7亿元) is one
        # investment, not one per investor
        stated = {(e["evidence"], e["amount"]) for edges in members.values() for e in edges if e.get("amount")}
        investment = sum(amount for _, amount in stated)
        places = [g.nodes[v]["name"] for _, v, e in g.out_edges(node, data=True) if e["type"] == "PARK_IN"]
        rows.append(ParkRow(node, attrs["name"], dict(members), investment, places))
    return sorted(rows, key=lambda r: (-r.companies, r.name))


def graph_counts(g: nx.MultiDiGraph) -> dict[str, Any]:
    """Nodes and edges in all, by label and by relation type (``parkgraph graph summary``)."""
    labels = Counter(attrs["label"] for _, attrs in g.nodes(data=True))
    types = Counter(attrs["type"] for _, _, attrs in g.edges(data=True))
    return {
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "isolated": nx.number_of_isolates(g),
        "nodes_by_label": dict(sorted(labels.items())),
        "edges_by_type": dict(sorted(types.items())),
    }


def neighbours(g: nx.MultiDiGraph, node: str) -> list[dict[str, Any]]:
    """``node``'s relations, incoming first: direction, relation, the entity at the other end,
    confidence, amount, method, the evidence sentence and the document it is from."""
    edges = [("in", u, d) for u, _, d in g.in_edges(node, data=True)]
    edges += [("out", v, d) for _, v, d in g.out_edges(node, data=True)]
    return [
        {
            "direction": direction,
            "relation": d["type"],
            "entity": g.nodes[other]["name"],
            "label": g.nodes[other]["label"],
            "confidence": d["confidence"],
            "amount": d.get("amount"),
            "method": d.get("method", ""),
            "evidence": d.get("evidence", ""),
            "evidence_doc": d.get("evidence_doc", ""),
        }
        for direction, other, d in edges
    ]


def shortest_path(g: nx.MultiDiGraph, source: str, target: str) -> list[dict[str, Any]] | None:
    """The hops of the shortest chain of relations between two nodes, edges taken in either
    direction (``direction`` says which); None when they are not connected."""
    try:
        nodes = nx.shortest_path(g.to_undirected(as_view=True), source, target)
    except nx.NetworkXNoPath:
        return None
    hops = []
    for a, b in zip(nodes, nodes[1:]):
        forward = g.get_edge_data(a, b)
        edge = next(iter((forward or g.get_edge_data(b, a)).values()))
        hops.append(
            {
                "from": g.nodes[a]["name"],
                "to": g.nodes[b]["name"],
                "relation": edge["type"],
                "direction": "→" if forward else "←",
                "evidence": edge.get("evidence", ""),
            }
        )
    return hops
