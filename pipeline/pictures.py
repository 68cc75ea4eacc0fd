"""Pictures of the graph: each park with its companies around it (PNG, matplotlib: the ``plot``
extra) and the parks ranked by companies and by stated investment (SVG, written directly, so
every output folder has it without matplotlib).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import networkx as nx

from .graph import ParkRow, park_rows
from .view import COLOURS, RELATION_COLOURS

CJK_FONT_NAMES = ("WenQuanYi", "Noto Sans CJK", "Noto Serif CJK", "Source Han", "Droid Sans Fallback", "AR PL")
NO_MATPLOTLIB = "the PNG pictures need matplotlib: pip install 'parkgraph[plot]'"
NO_CJK_FONT = "no CJK font installed for the PNG (Debian: apt-get install fonts-wqy-microhei)"


def money(amount: float) -> str:
    """An amount in yuan as a reader of Chinese news expects it: 亿 (10⁸) and 万 (10⁴)."""
    if amount >= 1e8:
        return f"{amount / 1e8:,.1f}亿"
    if amount >= 1e4:
        return f"{amount / 1e4:,.0f}万"
    return f"{amount:,.0f}"


BAR_ROWS = 20  # parks per panel
SVG_FONT = "'WenQuanYi Micro Hei','Noto Sans CJK SC','Source Han Sans SC',sans-serif"


def park_bars_svg(rows: list[ParkRow], top: int = BAR_ROWS) -> str:
    """Two bar charts side by side: the parks with the most companies, and those with the most
    stated investment (INVESTS_IN amounts, yuan)."""
    panels = [
        (
            "Companies per park",
            sorted((r for r in rows if r.companies), key=lambda r: -r.companies)[:top],
            lambda r: r.companies,
            str,
            COLOURS["PARK"],
        ),
        (
            "Stated investment per park (yuan)",
            sorted((r for r in rows if r.investment), key=lambda r: -r.investment)[:top],
            lambda r: r.investment,
            money,
            RELATION_COLOURS["INVESTS_IN"],
        ),
    ]
    row_height, label_width, bar_width, panel_width = 22, 230, 220, 560
    height = 50 + row_height * max(1, *(len(p[1]) for p in panels))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * panel_width}" height="{height}" '
        f'font-family="{SVG_FONT}" font-size="13">',
        f'<rect width="{2 * panel_width}" height="{height}" fill="white"/>',
    ]
    for index, (title, ranked, value, shown, colour) in enumerate(panels):
        left = index * panel_width
        parts.append(f'<text x="{left + 10}" y="22" font-size="15" font-weight="bold">{escape(title)}</text>')
        if not ranked:
            parts.append(f'<text x="{left + 10}" y="50" fill="#777">none stated</text>')
        largest = max((value(r) for r in ranked), default=1)
        for i, row in enumerate(ranked):
            y = 40 + i * row_height
            width = max(1.0, bar_width * value(row) / largest)
            name = row.name if len(row.name) <= 16 else row.name[:15] + "…"
            parts += [
                f'<text x="{left + label_width - 6}" y="{y + 15}" text-anchor="end">{escape(name)}</text>',
                f'<rect x="{left + label_width}" y="{y + 3}" width="{width:.1f}" height="{row_height - 6}" '
                f'fill="{colour}"><title>{escape(row.name)}: {escape(shown(value(row)))}</title></rect>',
                f'<text x="{left + label_width + width + 4:.1f}" y="{y + 15}">{escape(shown(value(row)))}</text>',
            ]
    return "\n".join([*parts, "</svg>"]) + "\n"


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


def use_cjk_font() -> None:
    """Make matplotlib draw Chinese; RuntimeError when it cannot (no matplotlib, no CJK font)."""
    try:
        import matplotlib.pyplot as plt
        from matplotlib import font_manager
    except ModuleNotFoundError:
        raise RuntimeError(NO_MATPLOTLIB) from None
    font = cjk_font()
    if font is None:
        raise RuntimeError(NO_CJK_FONT)
    font_manager.fontManager.addfont(font)
    plt.rcParams["font.family"] = font_manager.FontProperties(fname=font).get_name()


MAX_MEMBERS = 40  # around one park: more would not leave room for each name
LIMIT = 3.6  # the axes run from -LIMIT to LIMIT; the companies sit on the unit circle
NAME_RADIUS = 1.08


def _strongest(row: ParkRow, member: str) -> dict[str, Any]:
    return max(row.members[member], key=lambda e: e["confidence"])


def _member_label(g: nx.MultiDiGraph, member: str, row: ParkRow, limit: int = 16) -> str:
    """A company's name (at most ``limit`` characters) with its relation to the park and amount."""
    name = g.nodes[member]["name"]
    edge = _strongest(row, member)
    amount = f" {money(edge['amount'])}" if edge.get("amount") else ""
    return f"{name if len(name) <= limit else name[: limit - 1] + '…'}  {edge['type']}{amount}"


def _ems(text: str) -> float:
    """``text``'s width in font sizes, roughly: a Chinese character is one, a Latin one about 0.62."""
    return sum(1.0 if "\u2e80" <= c <= "\uffef" else 0.62 for c in text)


def draw_park(ax: Any, g: nx.MultiDiGraph, row: ParkRow) -> None:
    """One park in the middle of ``ax``, its companies on a circle around it, each named with its
    relation (and amount). Names point outwards along their spokes, one spoke's arc each, so no
    two overlap."""
    members = sorted(row.members, key=lambda m: (-sum(e["count"] for e in row.members[m]), g.nodes[m]["name"]))
    shown, hidden = members[:MAX_MEMBERS], len(members) - MAX_MEMBERS
    n = max(1, len(shown))
    ax.set_xlim(-LIMIT, LIMIT)
    ax.set_ylim(-LIMIT, LIMIT)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(f"{row.name}  ({row.companies})", fontsize=12)
    labels = [_member_label(g, member, row) for member in shown]
    # the font fits both the arc each spoke owns where the names start and, for the longest
    # name, the room between the circle and the edge of the axes
    box = ax.get_window_extent()
    points_per_unit = min(box.width, box.height) * 72 / ax.figure.dpi / (2 * LIMIT)
    by_arc = 0.6 * 2 * math.pi * NAME_RADIUS * points_per_unit / n
    by_length = (LIMIT - NAME_RADIUS) * points_per_unit / max(_ems(label) for label in labels)
    size = min(10.0, by_arc, by_length)
    ax.scatter([0], [0], s=400, color=COLOURS["PARK"], zorder=3)
    for i, (member, label) in enumerate(zip(shown, labels)):
        angle = 2 * math.pi * i / n
        x, y = math.cos(angle), math.sin(angle)
        edge = _strongest(row, member)
        ax.plot([0, x], [0, y], color=RELATION_COLOURS.get(edge["type"], RELATION_COLOURS["OTHER"]), lw=1.2, zorder=1)
        ax.scatter([x], [y], s=60, color=COLOURS.get(g.nodes[member]["label"], COLOURS["OTHER"]), zorder=3)
        degrees = math.degrees(angle)
        left = 90 < degrees < 270  # read left to right on both sides
        ax.text(
            NAME_RADIUS * x,
            NAME_RADIUS * y,
            label,
            fontsize=size,
            rotation=degrees - 180 if left else degrees,
            ha="right" if left else "left",
            va="center",
            rotation_mode="anchor",
        )
    if hidden > 0:
        ax.text(0, -LIMIT + 0.1, f"… and {hidden} more", ha="center", fontsize=9, color="#555")


def park_figure(g: nx.MultiDiGraph, park: str | None = None, parks: int = 6) -> Any:
    """A matplotlib figure: the park named ``park`` (a node id), or the ``parks`` parks with the
    most companies, one panel each, with a legend of the colours."""
    use_cjk_font()
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    rows = [r for r in park_rows(g) if r.companies and (park is None or r.node == park)][: 1 if park else parks]
    if not rows:
        raise ValueError("no park with companies in the graph" if park is None else f"{park} has no companies")
    columns = min(3, len(rows))
    lines = math.ceil(len(rows) / columns)
    fig, axes = plt.subplots(lines, columns, figsize=(8 * columns, 8 * lines + 0.6), squeeze=False)
    # the axes take their final size before anything is drawn: draw_park fits the fonts to it
    legend_room = 0.6 / (8 * lines + 0.6)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=legend_room + 0.01, top=0.97, wspace=0.02, hspace=0.06)
    for ax, row in zip(axes.flat, rows):
        draw_park(ax, g, row)
    for ax in list(axes.flat)[len(rows) :]:
        ax.set_axis_off()
    used = {e["type"] for r in rows for edges in r.members.values() for e in edges}
    handles = [
        Line2D([], [], marker="o", linestyle="", color=COLOURS[label], label=label)
        for label in ("PARK", "COMPANY", "ORG")
    ]
    handles += [Line2D([], [], color=RELATION_COLOURS[t], label=t) for t in sorted(used) if t in RELATION_COLOURS]
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), frameon=False)
    return fig


def write_png(g: nx.MultiDiGraph, path: Path, park: str | None = None) -> None:
    """``park_figure`` saved as a PNG (RuntimeError without matplotlib or a CJK font)."""
    fig = park_figure(g, park)
    import matplotlib.pyplot as plt  # (park_figure found it)

    fig.savefig(path, dpi=100)
    plt.close(fig)
