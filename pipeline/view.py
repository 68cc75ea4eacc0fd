"""Pictures of the graph: a self-contained interactive HTML page and a PNG overview.

The HTML page is pyvis (vis-network) with its JavaScript inlined, so it opens offline and can be
mailed; nodes are coloured by label, edges carry their relation type, and a click on a node or
an edge shows its details and evidence sentence in the side panel.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

COLOURS = {"COMPANY": "#4e79a7", "PARK": "#59a14f", "ORG": "#f28e2b", "LOC": "#b07aa1"}
CJK_FONT_NAMES = ("WenQuanYi", "Noto Sans CJK", "Noto Serif CJK", "Source Han", "Droid Sans Fallback", "AR PL")

_PANEL = """
<div id="parkgraph-details" style="position:fixed;top:8px;right:8px;width:340px;max-height:90vh;overflow:auto;
 background:#fff;border:1px solid #ccc;padding:8px;font:13px sans-serif;white-space:pre-wrap">点击节点或边查看证据 /
Click a node or an edge to see its evidence.</div>
<script type="text/javascript">
  network.on("click", function (params) {
    var panel = document.getElementById("parkgraph-details");
    if (params.edges.length && !params.nodes.length) {
      panel.textContent = edges.get(params.edges[0]).details;
    } else if (params.nodes.length) {
      panel.textContent = nodes.get(params.nodes[0]).details;
    }
  });
</script>
"""


def _node_details(attrs: dict) -> str:
    aliases = attrs.get("aliases") or ""
    return (
        f"{attrs['name']} ({attrs['label']})\n别名 aliases: {aliases.replace('|', '、') or '—'}\n"
        f"mentions: {attrs.get('mentions', 0)}\ndocuments: {attrs.get('documents', '')}"
    )


def _edge_details(head: dict, tail: dict, attrs: dict) -> str:
    amount = f"\namount: {attrs['amount']:,.0f}" if attrs.get("amount") else ""
    return (
        f"{head['name']} —{attrs['type']}→ {tail['name']}\nconfidence: {attrs['confidence']:.2f}, "
        f"count: {attrs['count']}{amount}\nmethod: {attrs.get('method', '')}\n\n{attrs.get('evidence', '')}"
    )


def write_html(g: nx.MultiDiGraph, path: Path) -> None:
    from pyvis.network import Network

    net = Network(height="900px", width="100%", directed=True, cdn_resources="in_line", heading="")
    for key, attrs in g.nodes(data=True):
        net.add_node(
            key,
            label=attrs["name"],
            color=COLOURS.get(attrs["label"], "#999999"),
            title=f"{attrs['name']} ({attrs['label']})",
            group=attrs["label"],
            value=max(1, int(attrs.get("mentions", 1))),
            details=_node_details(attrs),
        )
    for head, tail, attrs in g.edges(data=True):
        net.add_edge(
            head,
            tail,
            label=attrs["type"],
            title=attrs.get("evidence", "")[:200],
            details=_edge_details(g.nodes[head], g.nodes[tail], attrs),
            arrows="to",
        )
    net.set_options(
        json.dumps(
            {
                "physics": {"barnesHut": {"springLength": 150}, "stabilization": {"iterations": 200}},
                "edges": {"font": {"size": 10}, "smooth": False},
            }
        )
    )
    page = net.generate_html()
    page = page.replace("</body>", _PANEL + "</body>", 1)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)


def cjk_font() -> str | None:
    """Path of an installed font that has Chinese glyphs, or None."""
    from matplotlib import font_manager

    for font in font_manager.findSystemFonts():
        try:
            name = font_manager.FontProperties(fname=font).get_name()
        except (RuntimeError, ValueError):
            continue
        if any(n.lower() in name.lower() or n.lower().replace(" ", "") in font.lower() for n in CJK_FONT_NAMES):
            return font
    return None


def write_png(g: nx.MultiDiGraph, path: Path, max_nodes: int = 150) -> bool:
    """A static overview (the parks and their best-connected neighbours). False when no CJK font
    is installed: a PNG of tofu boxes helps nobody (Debian: apt-get install fonts-wqy-microhei)."""
    font = cjk_font()
    if font is None:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    font_manager.fontManager.addfont(font)
    plt.rcParams["font.family"] = font_manager.FontProperties(fname=font).get_name()
    connected = [n for n in g.nodes if g.degree(n)]
    keep = sorted(connected, key=lambda n: (g.nodes[n]["label"] != "PARK", -g.degree(n)))[:max_nodes]
    sub = nx.DiGraph(g.subgraph(keep))
    fig, ax = plt.subplots(figsize=(16, 12), dpi=100)
    pos = nx.spring_layout(sub, seed=7, k=0.9)
    nx.draw_networkx_nodes(
        sub,
        pos,
        ax=ax,
        node_size=[120 + 40 * sub.degree(n) for n in sub],
        node_color=[COLOURS.get(g.nodes[n]["label"], "#999999") for n in sub],
    )
    nx.draw_networkx_edges(sub, pos, ax=ax, alpha=0.4, arrows=True, arrowsize=8)
    nx.draw_networkx_labels(
        sub,
        pos,
        ax=ax,
        labels={n: g.nodes[n]["name"] for n in sub},
        font_size=8,
        font_family=plt.rcParams["font.family"],
    )
    for label, colour in COLOURS.items():
        ax.scatter([], [], color=colour, label=label)
    ax.legend(loc="lower left")
    ax.set_axis_off()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True
