"""The explorer page ``graph.html``: one self-contained file, every script and style inlined.

vis-network's standalone build (``static/vis-network.min.js``, MIT) draws the graph; the page's own
script (``static/explorer.html``) adds search over names and aliases, a park list ranked by
companies, a panel with an entity's relations and their evidence, a neighbourhood view and
filters. Positions are laid out here, per park, so the page needs no physics simulation and
opens at once with ten thousand nodes. Colours are fixed per label, the same in the page, the
pictures (``pictures.py``) and displaCy.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from itertools import accumulate
from pathlib import Path
from typing import Any

import networkx as nx

from . import graph as graph_module
from .files import write_atomically

# Tableau 10: distinct for the colour-blind, the same in the page, the PNGs and displaCy
COLOURS = {
    "COMPANY": "#4e79a7",
    "PARK": "#59a14f",
    "ORG": "#f28e2b",
    "LOC": "#b07aa1",
    "MONEY": "#edc948",
    "PERSON": "#9c755f",
    "OTHER": "#bab0ac",
}
RELATION_COLOURS = {
    "LOCATED_IN": "#59a14f",
    "INVESTS_IN": "#e15759",
    "PARK_IN": "#b07aa1",
    "PART_OF": "#76b7b2",
    "BRANCH_OF": "#4e79a7",
    "OTHER": "#999999",
}
STATIC = Path(__file__).with_name("static")


def tint(colour: str, share: float = 0.55) -> str:
    """``colour`` mixed with ``share`` of white: a background that black text stays readable on."""
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * share):02x}" for c in rgb)


def displacy_options() -> dict[str, Any]:
    """``spacy.displacy.render(doc, style="ent", options=displacy_options())``: the labels'
    colours as displaCy backgrounds."""
    labels = [label for label in COLOURS if label != "OTHER"]
    return {"ents": labels, "colors": {label: tint(COLOURS[label]) for label in labels}}


NODE_SPACING = 130  # between neighbours on a ring, in the page's units (a name is about 150 wide)
RING_GAP = 110
CLUSTER_GAP = 160
ONE_RING = 40  # up to this many around a centre sit on one ring (several rings cross their names)


def _ring_offsets(count: int) -> tuple[list[tuple[float, float]], float]:
    """Places for ``count`` nodes on rings around a centre, and the outer radius."""
    offsets, radius = [], 0.0
    while len(offsets) < count:
        radius += RING_GAP if radius else max(160.0, min(count, ONE_RING) * NODE_SPACING / (2 * math.pi))
        capacity = max(6, int(2 * math.pi * radius / NODE_SPACING))
        n = min(capacity, count - len(offsets))
        offsets += [(radius * math.cos(2 * math.pi * i / n), radius * math.sin(2 * math.pi * i / n)) for i in range(n)]
    return offsets, radius


def clusters(g: nx.MultiDiGraph) -> list[list[str]]:
    """The nodes with relations in groups to draw together, each group's centre first: each park
    with its members (an organisation in several parks joins the largest), then each node linked
    to a group joins its neighbour's, then what is left by connected component."""
    owner: dict[str, int] = {}
    groups: list[list[str]] = []
    for row in graph_module.park_rows(g):
        if not row.companies or row.node in owner:
            continue
        group = [row.node, *sorted((m for m in row.members if m not in owner), key=lambda m: g.nodes[m]["name"])]
        owner.update((node, len(groups)) for node in group)
        groups.append(group)
    undirected = g.to_undirected(as_view=True)
    frontier = list(owner)
    while frontier:  # breadth first from the parks' groups
        reached = []
        for node in frontier:
            for other in sorted(undirected[node]):
                if other not in owner:
                    owner[other] = owner[node]
                    groups[owner[node]].append(other)
                    reached.append(other)
        frontier = reached
    rest = g.subgraph(n for n in g if n not in owner and g.degree(n))
    for component in sorted(nx.weakly_connected_components(rest), key=lambda c: (-len(c), min(c))):
        groups.append(sorted(component, key=lambda n: (-g.degree(n), n)))
    return groups


def cluster_layout(groups: list[list[str]], isolated: list[str]) -> dict[str, tuple[float, float]]:
    """Each group (of :func:`clusters`) as its centre with the others on rings around it, the
    groups packed in rows, in their order; the ``isolated`` nodes in a grid below."""
    placed = []
    for group in groups:
        offsets, radius = _ring_offsets(len(group) - 1)
        placed.append((group, [(0.0, 0.0), *offsets], radius + CLUSTER_GAP / 2))
    width = max(math.sqrt(sum((2 * r) ** 2 for *_, r in placed)) * 1.2, max((2 * r for *_, r in placed), default=0))
    positions, x, y, row_height = {}, 0.0, 0.0, 0.0
    for group, offsets, radius in placed:
        if x and x + 2 * radius > width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for node, (dx, dy) in zip(group, offsets):
            positions[node] = (round(x + radius + dx, 1), round(y + radius + dy, 1))
        x += 2 * radius
        row_height = max(row_height, 2 * radius)
    columns = max(int(width // NODE_SPACING), math.isqrt(len(isolated)), 1)
    top = y + row_height + CLUSTER_GAP
    for i, node in enumerate(isolated):
        positions[node] = (float(i % columns * NODE_SPACING), top + i // columns * NODE_SPACING)
    return positions


# the overview draws whole groups, the largest parks first, up to about this many nodes: vis-network
# takes seconds to build ten thousand (search and the park list reach every node)
OVERVIEW_NODES = 1000
KNOWN_ATTRIBUTES = (*graph_module.COMPANY_ATTRIBUTES, *graph_module.PARK_ATTRIBUTES)


def explorer_data(g: nx.MultiDiGraph) -> dict[str, Any]:
    """What the page's script reads: nodes with their positions (in the order of their groups),
    edges, parks ranked by companies, and how many of the first nodes the overview draws."""
    groups, isolated = clusters(g), sorted(n for n in g if not g.degree(n))
    positions = cluster_layout(groups, isolated)
    overview = next((n for n in accumulate(len(group) for group in groups) if n >= OVERVIEW_NODES), len(g))
    parks = graph_module.park_rows(g)
    companies = {row.node: row.companies for row in parks}
    nodes = [
        {
            "id": node,
            "name": attrs["name"],
            "label": attrs["label"],
            "aliases": attrs.get("aliases", ""),
            "mentions": attrs.get("mentions", 0),
            "documents": attrs.get("documents", ""),
            "known": {name: attrs[name] for name in KNOWN_ATTRIBUTES if attrs.get(name)},
            "companies": companies.get(node, 0),
            "x": positions[node][0],
            "y": positions[node][1],
        }
        for node in positions
        for attrs in [g.nodes[node]]
    ]
    edges = [
        {
            "from": head,
            "to": tail,
            "type": attrs["type"],
            "confidence": attrs["confidence"],
            "amount": attrs.get("amount"),
            "method": attrs.get("method", ""),
            "evidence": attrs.get("evidence", ""),
            "evidence_doc": attrs.get("evidence_doc", ""),
            "documents": attrs.get("documents", ""),
            "count": attrs.get("count", 1),
        }
        for head, tail, attrs in g.edges(data=True)
    ]
    return {
        "nodes": nodes,
        "edges": edges,
        "parks": [row.node for row in parks if row.companies],
        "label_counts": dict(sorted(Counter(n["label"] for n in nodes).items())),
        "type_counts": dict(sorted(Counter(e["type"] for e in edges).items())),
        "isolated": nx.number_of_isolates(g),
        "overview": overview,
        "colours": COLOURS,
        "relation_colours": RELATION_COLOURS,
    }


def explorer_page(g: nx.MultiDiGraph) -> str:
    # "<" escaped: no text from a document can close the data's <script> element
    payload = json.dumps(explorer_data(g), ensure_ascii=False).replace("<", "\\u003c")
    template = (STATIC / "explorer.html").read_text(encoding="utf-8")
    before_vis, after_vis = template.split("/*VIS_NETWORK*/")
    before_data, after_data = after_vis.split("/*GRAPH_DATA*/")
    vis = (STATIC / "vis-network.min.js").read_text(encoding="utf-8")
    return before_vis + vis + before_data + payload + after_data


def write_html(g: nx.MultiDiGraph, path: Path) -> None:
    write_atomically(path, explorer_page(g))
