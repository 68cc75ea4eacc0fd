"""The graph's views: the explorer page in headless Chromium, the pictures, the notebook, the graph commands."""

import json
import os
import shutil
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from pipeline.batch import extract
from pipeline.cli import app

from .conftest import ROOT, SEED

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
runner = CliRunner()


@pytest.fixture(scope="module")
def seed_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("seed-out")
    extract([SEED], out, workers=1)
    return out


def chromium_page(p, html: Path):
    """``html`` opened in headless Chromium with every network request refused, once its
    explorer is ready; the page errors are collected in ``page.errors``."""
    browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.route("**/*", lambda route: route.abort() if route.request.url.startswith("http") else route.continue_())
    page.goto(html.as_uri())
    page.wait_for_function("window.explorer && window.explorer.ready", timeout=30000)
    return browser, page


needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (make test installs it)")


@needs_chromium
@pytest.mark.slow
def test_explorer_finds_a_park_and_shows_its_companies_with_evidence_offline(seed_out):
    from playwright.sync_api import sync_playwright

    source = (seed_out / "graph.html").read_text(encoding="utf-8")
    assert "<script src" not in source and "<link" not in source  # every script and style inlined
    graph = json.loads((seed_out / "graph.json").read_text(encoding="utf-8"))
    isolated = {n["id"] for n in graph["nodes"]} - {li[k] for li in graph["links"] for k in ("source", "target")}
    with sync_playwright() as p:
        browser, page = chromium_page(p, seed_out / "graph.html")
        try:
            assert page.evaluate("network.body.data.nodes.length") == len(graph["nodes"]) - len(isolated)
            page.fill("#search", "中关村软件")
            page.click("#results li >> text=中关村软件园")
            panel = page.locator("#panel")
            assert panel.locator("h2").inner_text().strip() == "中关村软件园"
            companies = panel.locator("tr.relation td.counterpart").all_inner_texts()
            assert "北京国盾量子信息技术有限公司" in companies and len(companies) >= 18
            company = "北京国盾量子信息技术有限公司"
            evidence = [e for e in panel.locator("#evidence li").all_inner_texts() if company in e]
            assert evidence and "[000_b8ebdc5dd853cd78]" in evidence[0] and "比如北京国盾量子" in evidence[0]
            panel.locator("button >> text=北京国盾量子信息技术有限公司").click()  # to the company's own panel
            assert panel.locator("h2").inner_text().strip() == "北京国盾量子信息技术有限公司"
            page.click("#neighbourhood")
            assert "neighbourhood" in page.inner_text("#shown")
            page.click("#whole-graph")
            page.uncheck("#label-filters input[value=COMPANY]")  # a company filtered out is still found
            page.fill("#search", "汉王")
            page.click("#results li >> text=汉王科技股份有限公司")
            assert panel.locator("h2").inner_text().strip() == "汉王科技股份有限公司"
            assert page.evaluate("network.body.data.nodes.get('COMPANY:汉王科技股份有限公司') !== null")
            assert page.errors == []
        finally:
            browser.close()


def synthetic_graph(parks: int, companies: int) -> nx.MultiDiGraph:
    """``parks`` parks with ``companies`` companies each, every park in one of 50 cities."""
    g = nx.MultiDiGraph()
    node = {"aliases": "", "mentions": 1, "documents": "d1"}
    edge = {"count": 1, "confidence": 0.9, "method": "pattern", "documents": "d1", "evidence_doc": "d1"}
    for p in range(parks):
        park, city = f"PARK:第{p}产业园", f"LOC:城市{p % 50}"
        g.add_node(park, name=park[5:], label="PARK", **node)
        g.add_node(city, name=city[4:], label="LOC", **node)
        g.add_edge(park, city, key="PARK_IN", type="PARK_IN", evidence=f"第{p}产业园在城市{p % 50}。", **edge)
        for c in range(companies):
            company = f"COMPANY:园{p}企业{c}科技有限公司"
            g.add_node(company, name=company[8:], label="COMPANY", **node)
            g.add_edge(company, park, key="LOCATED_IN", type="LOCATED_IN", evidence=f"{company[8:]}位于园区。", **edge)
    return g


def _draw_and_search(p, html: Path, company: str) -> dict[str, float]:
    """Milliseconds from the start of navigation to the first frame drawn (``drawn``) and from
    typing a part of ``company`` in the search box to its panel shown (``searched``), and the
    nodes the explorer holds and draws at first."""
    browser, page = chromium_page(p, html)
    try:
        drawn = page.evaluate("new Promise(r => requestAnimationFrame(() => r(performance.now())))")
        nodes, shown = page.evaluate("explorer.nodes"), page.evaluate("network.body.data.nodes.length")
        started = page.evaluate("performance.now()")
        page.fill("#search", company[:-6])
        page.click(f"#results li >> text={company}")
        page.wait_for_selector(f"#panel h2 >> text={company}")
        searched = page.evaluate("performance.now()") - started
        return {"drawn": drawn, "searched": searched, "nodes": nodes, "shown": shown}
    finally:
        browser.close()


@needs_chromium
@pytest.mark.slow
def test_explorer_opens_ten_thousand_nodes_about_as_fast_as_a_hundred(tmp_path):
    from playwright.sync_api import sync_playwright

    from pipeline.view import write_html

    large, small = synthetic_graph(parks=500, companies=19), synthetic_graph(parks=5, companies=19)
    assert large.number_of_nodes() >= 10_000
    write_html(large, tmp_path / "large.html")
    write_html(small, tmp_path / "small.html")
    with sync_playwright() as p:
        # Against the same page with 115 nodes in the same run, the best of two each (a busy machine
        # slows one run, rarely both): drawing every node would take seconds. An absolute bound
        # failed CI on a busy machine (1.6 s against 1.5 s).
        runs: dict[str, list[dict[str, float]]] = {"large": [], "small": []}
        for _ in range(2):  # alternately, so a slow spell of the machine slows both
            for size, found in runs.items():
                found.append(_draw_and_search(p, tmp_path / f"{size}.html", "园4企业7科技有限公司"))
    assert runs["large"][0]["nodes"] == large.number_of_nodes()
    assert runs["large"][0]["shown"] < 1100  # the overview: the largest parks
    best = {size: {k: min(run[k] for run in found) for k in ("drawn", "searched")} for size, found in runs.items()}
    assert best["large"]["drawn"] < 5 * best["small"]["drawn"], runs
    assert best["large"]["searched"] < 4 * best["small"]["searched"], runs


def test_colours_are_fixed_per_label_whatever_the_order():
    from pipeline.view import COLOURS, explorer_data

    first, second = nx.MultiDiGraph(), nx.MultiDiGraph()
    for g, order in ((first, ["COMPANY", "PARK"]), (second, ["PARK", "COMPANY"])):
        for label in order:
            g.add_node(f"{label}:x", name="x", label=label)
    assert explorer_data(first)["colours"] == explorer_data(second)["colours"] == COLOURS


def test_evidence_text_cannot_close_the_data_script():
    from pipeline.view import explorer_page

    g = nx.MultiDiGraph()
    g.add_node("ORG:a", name="</script><script>alert(1)</script>", label="ORG")
    page = explorer_page(g)
    assert "</script><script>alert(1)" not in page and "\\u003c/script>" in page


def text_corners(text, renderer):
    """The four corners of a (rotated) text's box, in pixels."""
    import numpy as np

    angle = np.radians(text.get_rotation())
    anchor = text.get_transform().transform(text.get_position())
    rotation = text.get_rotation()
    text.set_rotation(0)
    box = text.get_window_extent(renderer)  # unrotated, placed on the same anchor
    text.set_rotation(rotation)
    corners = np.array([[box.x0, box.y0], [box.x1, box.y0], [box.x1, box.y1], [box.x0, box.y1]]) - anchor
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return corners @ turn.T + anchor


def overlap(a, b) -> bool:
    """Whether two convex quadrilaterals overlap (no separating axis among their edges' normals)."""
    import numpy as np

    for quad in (a, b):
        for i in range(4):
            edge = quad[(i + 1) % 4] - quad[i]
            normal = np.array([-edge[1], edge[0]])
            pa, pb = a @ normal, b @ normal
            if pa.max() <= pb.min() or pb.max() <= pa.min():
                return False
    return True


def test_park_pictures_label_every_company_without_overlaps(seed_out):
    pictures = pytest.importorskip("pipeline.pictures")
    pytest.importorskip("matplotlib")
    from pipeline.graph import read_graph

    try:
        pictures.use_cjk_font()
    except RuntimeError as error:
        pytest.skip(str(error))
    fig = pictures.park_figure(read_graph(seed_out))
    renderer = fig.canvas.get_renderer()
    texts = [t for ax in fig.axes for t in [*ax.texts, ax.title] if t.get_text()]
    labels = [t.get_text() for t in texts]
    assert "北京国盾量子信息技术有限公司  LOCATED_IN" in labels and "湖南建投集团  INVESTS_IN 21.7亿" in labels
    boxes = [text_corners(t, renderer) for t in texts]
    overlapping = [(labels[i], labels[j]) for i in range(len(boxes)) for j in range(i) if overlap(boxes[i], boxes[j])]
    assert overlapping == []
    frame = fig.axes[0].get_window_extent(renderer)  # and no name runs out of its park's panel
    corners = [xy for text, box in zip(texts, boxes) if text in fig.axes[0].texts for xy in box]
    assert all(frame.x0 <= x <= frame.x1 and frame.y0 <= y <= frame.y1 for x, y in corners)
    png = seed_out / "park.png"
    export = ["graph", "export", str(seed_out), "--format", "png", "--park", "中关村软件园", "--to", str(png)]
    result = runner.invoke(app, export)
    assert result.exit_code == 0, result.output
    assert png.read_bytes().startswith(b"\x89PNG")


def test_summary_has_a_bar_chart_of_the_parks(seed_out):
    svg = (seed_out / "parks.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "中关村软件园" in svg and "Stated investment" in svg
    assert "![Parks by companies and by investment](parks.svg)" in (seed_out / "summary.md").read_text(encoding="utf-8")


def test_displacy_colours_ship_with_the_package(nlp):
    from spacy import displacy

    from pipeline.view import COLOURS, displacy_options, tint

    options = displacy_options()
    assert {"COMPANY", "PARK", "ORG", "LOC", "MONEY"} <= set(options["colors"])
    html = displacy.render(nlp("合肥国盾量子科技股份有限公司入驻中关村软件园。"), style="ent", options=options)
    assert tint(COLOURS["PARK"]) in html and tint(COLOURS["COMPANY"]) in html


@pytest.mark.slow
def test_notebook_runs_and_shows_pictures(seed_out):
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(ROOT / "notebooks" / "inspect_graph.ipynb", as_version=4)
    os.environ["PARKGRAPH_OUT"] = str(seed_out)
    try:
        NotebookClient(
            notebook, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "notebooks")}}
        ).execute()
    finally:
        del os.environ["PARKGRAPH_OUT"]
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    pictures = [o for o in outputs if {"image/png", "image/svg+xml"} & set(o.get("data", {}))]
    assert len(pictures) >= 2
    text = "".join(o.get("text", "") + json.dumps(o.get("data", {}), ensure_ascii=False) for o in outputs)
    assert "中关村软件园" in text and "nodes," in text


def test_show_lists_the_park_companies_with_evidence(seed_out):
    result = runner.invoke(app, ["graph", "show", "中关村软件园", str(seed_out), "--json"])
    neighbours = json.loads(result.stdout)["neighbours"]
    located = {n["entity"] for n in neighbours if n["relation"] == "LOCATED_IN" and n["direction"] == "in"}
    assert len(located) >= 18 and all(n["evidence"] for n in neighbours)
    links = json.loads((seed_out / "graph.json").read_text(encoding="utf-8"))["links"]
    in_json = {
        link["source"].split(":", 1)[1]
        for link in links
        if link["type"] == "LOCATED_IN" and link["target"] == "PARK:中关村软件园"
    }
    assert located == in_json


def test_path_and_exports(seed_out, tmp_path):
    result = runner.invoke(app, ["graph", "path", "国盾量子", "中关村", str(seed_out), "--json"])
    assert result.exit_code == 0
    hops = json.loads(result.stdout)
    assert [h["relation"] for h in hops] == ["LOCATED_IN", "PARK_IN"]
    for fmt in ("graphml", "gexf", "json", "csv", "neo4j", "html"):
        result = runner.invoke(app, ["graph", "export", str(seed_out), "--format", fmt, "--to", str(tmp_path / fmt)])
        assert result.exit_code == 0, result.output
    header = (tmp_path / "neo4j" / "nodes.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == (
        "id:ID,name,:LABEL,aliases,mentions:int,documents,stock_code,industry,region,kind,level,province,city"
    )
    rel_header = (tmp_path / "neo4j" / "relationships.csv").read_text(encoding="utf-8").splitlines()[0]
    assert rel_header.startswith(":START_ID,:END_ID,:TYPE")


def test_one_node_per_company_across_documents(tmp_path):
    # a firm no lexicon knows: its short name joins its full name across documents (a listed
    # firm's short name is linked by the company lexicon instead: test_companies.py)
    docs = tmp_path / "docs.jsonl"
    docs.write_text(
        "\n".join(
            json.dumps(d, ensure_ascii=False)
            for d in [
                {"doc_id": "a", "text": "北京云帆智联信息技术有限公司(以下简称云帆智联)位于中关村软件园。"},
                {
                    "doc_id": "b",
                    "text": "云帆智联公司入驻合肥高新区。腾讯科技(北京)有限公司与腾讯科技(深圳)有限公司签约。",
                },
                {"doc_id": "c", "text": "国科量子通信网络有限公司北京分公司位于中关村软件园。"},
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    extract([docs], out, workers=1)
    nodes = {n["id"]: n for n in json.loads((out / "graph.json").read_text(encoding="utf-8"))["nodes"]}
    gd = nodes["COMPANY:北京云帆智联信息技术有限公司"]
    assert "COMPANY:云帆智联公司" not in nodes and set(gd["documents"].split("|")) == {"a", "b"}
    assert "云帆智联公司" in gd["aliases"].split("|")
    assert {"COMPANY:腾讯科技(北京)有限公司", "COMPANY:腾讯科技(深圳)有限公司"} <= set(nodes)
    links = json.loads((out / "graph.json").read_text(encoding="utf-8"))["links"]
    assert {
        "source": "COMPANY:国科量子通信网络有限公司北京分公司",
        "target": "COMPANY:国科量子通信网络有限公司",
        "type": "BRANCH_OF",
    }.items() <= next(li for li in links if li["type"] == "BRANCH_OF").items()


def test_a_joint_investment_counts_once_for_its_park():
    from pipeline.graph import GraphBuilder, park_rows

    builder = GraphBuilder()
    sentence = "甲公司和乙公司签约入驻天府软件园，投资5亿元。"
    investments = (("甲公司", 5e8, sentence), ("乙公司", 5e8, sentence), ("丙公司", 1e8, "丙公司投资1亿元。"))
    for head, amount, evidence in investments:
        builder.add_relations(
            [
                {"doc_id": "d", "relation": "INVESTS_IN", "head": head, "head_label": "COMPANY", "tail": "天府软件园"}
                | {"tail_label": "PARK", "evidence": evidence, "method": "pattern", "confidence": 0.9, "amount": amount}
            ]
        )
    (row,) = park_rows(builder.build())
    assert row.companies == 3 and row.investment == 6e8


def test_graph_memory_is_bounded_by_entities_not_documents():
    from pipeline.graph import DOCUMENTS_LISTED, GraphBuilder

    builder = GraphBuilder()
    for i in range(1000):
        doc_id = f"d{i:04d}"
        builder.add_entities([{"doc_id": doc_id, "label": "PARK", "entity": "中关村软件园", "text": "中关村软件园"}])
        row = {"doc_id": doc_id, "relation": "LOCATED_IN", "head": "百度", "head_label": "COMPANY"}
        row |= {"tail": "中关村软件园", "tail_label": "PARK", "evidence": "百度位于中关村软件园。"}
        builder.add_relations([row | {"method": "pattern", "confidence": 0.9}])
    assert len(builder.documents["PARK:中关村软件园"]) <= 2 * DOCUMENTS_LISTED
    g = builder.build()
    park = g.nodes["PARK:中关村软件园"]
    expected = "|".join(f"d{i:04d}" for i in range(DOCUMENTS_LISTED))
    assert park["mentions"] == 1000 and park["documents"] == expected
    (edge,) = g.get_edge_data("COMPANY:百度", "PARK:中关村软件园").values()
    assert edge["count"] == 1000 and edge["documents"] == expected
