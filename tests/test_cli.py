import json

import networkx as nx
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.emit import TABLE_COLUMNS

from .conftest import GOLD, SEED

runner = CliRunner()


def test_extract_writes_the_output_folder(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    out = tmp_path / "out"
    result = runner.invoke(app, ["extract", str(SEED), str(bad), "--out", str(out), "--format", "csv"])
    assert result.exit_code == 1  # one document failed, the other is complete
    docs = [json.loads(line) for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(d["doc_id"], d["status"]) for d in docs] == [("000_b8ebdc5dd853cd78", "ok"), ("bad", "error")]
    # every field ANNOTATION.md asks for, in the documented order
    for table in ("documents", "entities", "relations"):
        row = json.loads((out / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()[0])
        assert list(row) == TABLE_COLUMNS[table]
    g = nx.read_graphml(out / "graph.graphml")
    assert g.nodes["PARK:中关村软件园"]["label"] == "PARK"
    links = json.loads((out / "graph.json").read_text(encoding="utf-8"))["links"]
    located = {
        link["source"] for link in links if link["type"] == "LOCATED_IN" and link["target"] == "PARK:中关村软件园"
    }
    assert len(located) >= 18
    assert (out / "summary.md").exists() and (out / "entities.csv").exists()


def test_evaluate_on_the_seed_meets_the_thresholds(tmp_path):
    result = runner.invoke(app, ["evaluate", str(GOLD), "--json", "--report", str(tmp_path)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["entities"]["micro"]["f1"] >= 0.95
    assert report["relations"]["micro"]["f1"] >= 0.85
    assert (tmp_path / "evaluation.md").exists()


def test_evaluate_rejects_a_malformed_gold_file(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"text": "abc", "entities": [{"start": 2, "end": 9, "label": "ORG"}]}\n', encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(gold)])
    assert result.exit_code == 2
    assert "gold.jsonl:1" in result.output and "outside the text" in result.output


def test_graph_commands(tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(app, ["extract", str(SEED), "--out", str(out), "-q"]).exit_code == 0
    shown = runner.invoke(app, ["graph", "show", "国盾量子", str(out), "--json"])
    assert shown.exit_code == 0
    neighbours = json.loads(shown.stdout)["neighbours"]
    assert {"relation": "LOCATED_IN", "entity": "中关村软件园"}.items() <= neighbours[0].items()
    assert "中关村软件园" in runner.invoke(app, ["graph", "parks", str(out)]).stdout
    assert runner.invoke(app, ["graph", "show", "不存在的公司", str(out)]).exit_code == 1


def test_usage_errors_exit_2(tmp_path):
    assert runner.invoke(app, ["extract", str(tmp_path / "nope.txt"), "--out", str(tmp_path)]).exit_code == 2
    assert runner.invoke(app, ["extract", str(SEED), "--format", "xml"]).exit_code == 2
