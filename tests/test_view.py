"""The graph's views: the HTML page in headless Chromium, the PNG, the notebook, the graph commands."""

import json
import os
import shutil
from pathlib import Path

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


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (make test installs it)")
def test_graph_html_renders_its_nodes_in_chromium(seed_out):
    from playwright.sync_api import sync_playwright

    page_source = (seed_out / "graph.html").read_text(encoding="utf-8")
    assert '<script src="http' not in page_source and "cdn" not in page_source.lower().split("vis-network")[0]
    graph = json.loads((seed_out / "graph.json").read_text(encoding="utf-8"))
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            page = browser.new_page()
            page.route(
                "**/*", lambda route: route.abort() if route.request.url.startswith("http") else route.continue_()
            )
            page.goto((seed_out / "graph.html").as_uri())
            page.wait_for_function(
                "typeof network !== 'undefined' && network.body.data.nodes.length > 0", timeout=30000
            )
            assert page.evaluate("network.body.data.nodes.length") == len(graph["nodes"])
            assert page.evaluate("network.body.data.edges.length") == len(graph["links"])
            node = page.evaluate("network.body.data.nodes.get('PARK:中关村软件园').details")
            assert node.startswith("中关村软件园 (PARK)")
            page.evaluate("network.selectNodes(['PARK:中关村软件园'])")
            drawn = page.evaluate("Object.keys(network.getPositions()).length")
            assert drawn == len(graph["nodes"])
        finally:
            browser.close()


@pytest.mark.slow
def test_png_overview_uses_a_cjk_font(seed_out, tmp_path):
    from pipeline.view import cjk_font

    if cjk_font() is None:
        pytest.skip("no CJK font installed (make test installs fonts-wqy-microhei)")
    result = runner.invoke(app, ["graph", "export", str(seed_out), "--format", "png", "--to", str(tmp_path / "g.png")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "g.png").stat().st_size > 20_000


@pytest.mark.slow
def test_notebook_runs(seed_out):
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(ROOT / "notebooks" / "inspect_graph.ipynb", as_version=4)
    os.environ["PARKGRAPH_OUT"] = str(seed_out)
    try:
        NotebookClient(
            notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "notebooks")}}
        ).execute()
    finally:
        del os.environ["PARKGRAPH_OUT"]
    outputs = "".join(
        o.get("text", "") + json.dumps(o.get("data", {}), ensure_ascii=False)
        for cell in notebook.cells
        if cell.cell_type == "code"
        for o in cell.outputs
    )
    assert "中关村软件园" in outputs and "nodes," in outputs


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
    for fmt in ("graphml", "gexf", "json", "csv", "neo4j"):
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
