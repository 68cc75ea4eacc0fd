"""Publishing a finished output folder: the graph files, the explorer page, summary.md with its bar
chart of the parks, and the CSV or Parquet copies of the tables, all built from the JSONL tables.

``batch.extract`` publishes after a run that completed; a run that stopped leaves its tables (for
``--resume``) and nothing built from them.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from . import graph as graph_module
from . import pictures, view
from .emit import iter_rows
from .files import write_atomically
from .rows import TABLE_COLUMNS, TABLES, csv_safe

if TYPE_CHECKING:
    import pandas as pd


def publish(folder: str | Path, formats: tuple[str, ...] = ()) -> None:
    """Build the graph files, the explorer page, summary.md, parks.svg and the ``formats`` copies
    of the tables (csv, parquet) in ``folder``, streaming its JSONL tables."""
    folder = Path(folder)
    builder, summary = graph_module.GraphBuilder(), Summary()
    for row in iter_rows(folder, "documents"):
        summary.documents[row["status"]] += 1
    for row in iter_rows(folder, "entities"):
        builder.add_entities([row])
        summary.add_entity(row)
    for row in iter_rows(folder, "relations"):
        builder.add_relations([row])
        summary.add_relation(row)
    g = builder.build()
    graph_module.write_graph(g, folder)
    view.write_html(g, folder / "graph.html")
    write_atomically(folder / "parks.svg", pictures.park_bars_svg(graph_module.park_rows(g)))
    write_atomically(folder / "summary.md", summary.markdown())
    for fmt in COPY_FORMATS:
        for table in TABLES:
            if fmt in formats:
                _copy_table(folder, table, fmt)
            else:  # a copy from an earlier run with other --format options would be stale
                (folder / f"{table}.{fmt}").unlink(missing_ok=True)


COPY_FORMATS = ("csv", "parquet")


def _csv_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    text = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    return frame.assign(**{c: frame[c].map(csv_safe) for c in text}) if len(text) else frame


def _copy_table(folder: Path, table: str, fmt: str, chunk: int = 50_000) -> None:
    """CSV or Parquet copy of a JSONL table, converted a chunk at a time (pandas is imported
    here: most runs write no copy, and it costs a quarter second to import)."""
    import pandas as pd

    source, target = folder / f"{table}.jsonl", folder / f"{table}.{fmt}"
    columns = TABLE_COLUMNS[table]
    chunks = pd.read_json(source, lines=True, dtype=False, chunksize=chunk) if source.stat().st_size else []
    frames = (c.reindex(columns=columns) for c in chunks)
    first = next(frames, pd.DataFrame(columns=columns))
    if fmt == "csv":
        _csv_safe_frame(first).to_csv(target, index=False)
        for frame in frames:
            _csv_safe_frame(frame).to_csv(target, index=False, header=False, mode="a")
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.Table.from_pandas(first, preserve_index=False).schema
    with pq.ParquetWriter(target, schema) as writer:
        for frame in (first, *frames):
            writer.write_table(pa.Table.from_pandas(frame, schema=schema, preserve_index=False))


@dataclass
class Summary:
    """Counts for summary.md, gathered row by row."""

    documents: Counter = field(default_factory=Counter)
    mentions: Counter = field(default_factory=Counter)
    entities: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    relations: Counter = field(default_factory=Counter)
    members: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add_entity(self, row: dict[str, Any]) -> None:
        self.mentions[row["label"]] += 1
        self.entities[row["label"]].add(row["entity"])

    def add_relation(self, row: dict[str, Any]) -> None:
        self.relations[row["relation"]] += 1
        if row["relation"] in {"LOCATED_IN", "INVESTS_IN"}:
            self.members[row["tail"]].add(row["head"])

    def markdown(self) -> str:
        total, ok = sum(self.documents.values()), self.documents["ok"]
        lines = ["# Extraction summary", "", f"Documents: {total} ({ok} ok, {total - ok} failed)", ""]
        lines += ["## Entities", "", "| label | mentions | entities |", "|---|---|---|"]
        lines += [f"| {label} | {n} | {len(self.entities[label])} |" for label, n in sorted(self.mentions.items())]
        lines += ["", "## Relations", "", "| relation | count |", "|---|---|"]
        lines += [f"| {rel} | {n} |" for rel, n in sorted(self.relations.items())]
        lines += ["", "## Parks and their organisations", "", "![Parks by companies and by investment](parks.svg)", ""]
        for park in sorted(self.members, key=lambda p: (-len(self.members[p]), p)):
            lines.append(f"- **{park}** ({len(self.members[park])}): " + "、".join(sorted(self.members[park])))
        return "\n".join(lines) + "\n"


def export(g: nx.MultiDiGraph, fmt: str, target: Path, park: str | None = None) -> list[Path]:
    """Write ``g`` as graphml, gexf, json (node-link), csv (nodes.csv, edges.csv), neo4j (CSV
    with neo4j-admin import headers), html (the explorer page) or png (the parks with the most
    companies, or the one ``park`` node, each with its companies around it: RuntimeError without
    matplotlib or a CJK font). Returns the files written."""
    target = Path(target)
    if fmt == "png":
        pictures.write_png(g, target, park)
        return [target]
    if fmt == "html":
        view.write_html(g, target)
        return [target]
    if fmt == "graphml":
        nx.write_graphml(graph_module.xml_safe(g), target)
        return [target]
    if fmt == "gexf":
        nx.write_gexf(graph_module.xml_safe(g), target)
        return [target]
    if fmt == "json":
        target.write_text(
            json.dumps(nx.node_link_data(g, edges="links"), ensure_ascii=False, indent=1), encoding="utf-8"
        )
        return [target]
    if fmt not in ("csv", "neo4j"):
        raise ValueError(f"unknown export format {fmt!r}: graphml, gexf, json, csv, neo4j, html or png")
    target.mkdir(parents=True, exist_ok=True)
    neo4j = fmt == "neo4j"
    # what the lexicons add to known companies and parks
    known = [*graph_module.COMPANY_ATTRIBUTES, *graph_module.PARK_ATTRIBUTES]
    node_header = (
        ["id:ID", "name", ":LABEL", "aliases", "mentions:int", "documents", *known]
        if neo4j
        else ["id", "name", "label", "aliases", "mentions", "documents", *known]
    )
    edge_header = (
        [
            ":START_ID",
            ":END_ID",
            ":TYPE",
            "confidence:float",
            "count:int",
            "amount:float",
            "method",
            "evidence",
            "documents",
        ]
        if neo4j
        else ["source", "target", "type", "confidence", "count", "amount", "method", "evidence", "documents"]
    )
    nodes_path = target / "nodes.csv"
    edges_path = target / ("relationships.csv" if neo4j else "edges.csv")
    with nodes_path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(node_header)
        for key, d in g.nodes(data=True):
            aliases = d.get("aliases", "").replace("|", ";") if neo4j else d.get("aliases", "")
            row = [key, d["name"], d["label"], aliases, d.get("mentions", 0), d.get("documents", "")]
            row += [d.get(name, "") for name in known]
            writer.writerow([csv_safe(cell) for cell in row])
    with edges_path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(edge_header)
        for head, tail, d in g.edges(data=True):
            row = [
                head,
                tail,
                d["type"],
                d["confidence"],
                d["count"],
                d.get("amount", ""),
                d.get("method", ""),
                d.get("evidence", ""),
                d.get("documents", ""),
            ]
            writer.writerow([csv_safe(cell) for cell in row])
    return [nodes_path, edges_path]
