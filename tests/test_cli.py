import json
import os
import subprocess
import sys

import networkx as nx
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.gold import load_gold
from pipeline.rows import TABLE_COLUMNS

from .conftest import GOLD, ROOT, SEED

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
    title = (tmp_path / "evaluation.md").read_text(encoding="utf-8").splitlines()[0]
    assert title == f"# Evaluation of the pipeline on {GOLD}"  # the gold file, no temporary path


def test_evaluate_rejects_a_malformed_gold_file(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"text": "abc", "entities": [{"start": 2, "end": 9, "label": "ORG"}]}\n', encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(gold)])
    assert result.exit_code == 2
    assert "gold.jsonl:1" in result.output and "outside the text" in result.output


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        (['{"text": "abc", "entities": [5]}'], "is not an object"),
        (['{"text": "abc", "entities": [{"start": "0", "end": 2, "label": "ORG"}]}'], "must be integers"),
        (['{"text": "abc", "relations": [7]}'], "is not an object"),
        (['{"text": "abc", "park_places": {"P": [null, 3]}}'], "park_places"),
        (['{"text": "abc", "n": ' + "1" * 5000 + "}"], "not JSON"),
        (["[" * 100_000], "not JSON"),
        (['{"doc_id": "g", "text": "abc"}', '{"doc_id": "g", "text": "xyz"}'], "repeats line 1"),
        ([""], "no gold documents"),
    ],
)
def test_malformed_gold_is_one_line_and_exit_2(tmp_path, lines, reason):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(gold)])
    assert result.exit_code == 2 and reason in result.output and result.exception.__class__ is SystemExit


def test_gold_reads_line_separators_inside_texts_and_ids_as_extract_does(tmp_path):
    text = "成都云帆科技有限公司\u2028位于天府软件园\x85。"
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"doc_id": 0, "text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    (document,) = load_gold(gold)
    assert (document.doc_id, document.text) == ("0", text)
    out = tmp_path / "out"
    assert runner.invoke(app, ["extract", str(gold), "--out", str(out), "-q", "--ner", "none"]).exit_code == 0
    result = runner.invoke(app, ["evaluate", str(gold), str(out), "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["missing_predictions"] == []
    assert runner.invoke(app, ["evaluate", str(gold), "--ner", "none", "--json"]).exit_code == 0
    assert runner.invoke(app, ["evaluate", str(gold), "--report", str(SEED)]).exit_code == 2


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
    # with --json the reason is on stdout too, as JSON
    result = runner.invoke(app, ["extract", str(tmp_path / "nope.txt"), "--out", str(tmp_path), "--json"])
    assert json.loads(result.stdout) == {"error": f"no such input: {tmp_path / 'nope.txt'}", "exit_code": 2}
    # a run with failed documents prints one JSON object, its counts, and exits 1
    (tmp_path / "empty.txt").write_bytes(b"")
    inputs = [str(SEED), str(tmp_path / "empty.txt")]
    result = runner.invoke(app, ["extract", *inputs, "-o", str(tmp_path / "o"), "--json"])
    assert result.exit_code == 1 and json.loads(result.stdout)["failed"] == 1
    assert runner.invoke(app, ["extract", str(SEED), "--format", "xml"]).exit_code == 2


def test_help_and_errors_keep_square_brackets(tmp_path):
    # rich markup would read [train] as a style and drop it
    assert "pip install 'parkgraph[train]'" in " ".join(runner.invoke(app, ["train", "ner", "--help"]).output.split())
    result = runner.invoke(app, ["extract", str(tmp_path / "news[1].txt"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "news[1].txt" in result.output


def test_out_naming_a_file_is_a_usage_error(tmp_path):
    for out in (tmp_path / "file.txt", tmp_path / "file.txt" / "sub"):
        (tmp_path / "file.txt").write_text("x", encoding="utf-8")
        result = runner.invoke(app, ["extract", str(SEED), "--out", str(out)])
        assert result.exit_code == 2 and "is a file, not a folder" in result.output
        assert "Traceback" not in result.output and not isinstance(result.exception, OSError)


def test_extract_reads_standard_input_and_quiet_prints_nothing(tmp_path):
    text = "成都云帆科技有限公司位于天府软件园。"
    result = runner.invoke(app, ["extract", "-", "--out", str(tmp_path / "text"), "-q"], input=text)
    assert result.exit_code == 0 and result.output == ""
    (document,) = [json.loads(line) for line in (tmp_path / "text" / "documents.jsonl").open(encoding="utf-8")]
    assert document["doc_id"] == "stdin" and document["chars"] == len(text)
    lines = "".join(json.dumps({"doc_id": f"n{i}", "text": text}, ensure_ascii=False) + "\n" for i in range(3))
    result = runner.invoke(app, ["extract", "-", "--out", str(tmp_path / "lines"), "-q"], input=lines)
    assert result.exit_code == 0
    documents = (tmp_path / "lines" / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["doc_id"] for line in documents] == ["n0", "n1", "n2"]
    braced = "{重要公告}" + text + "\n第二行。\n"  # a text that opens with a brace is still a text
    result = runner.invoke(app, ["extract", "-", "--out", str(tmp_path / "braced"), "-q"], input=braced)
    (document,) = [json.loads(line) for line in (tmp_path / "braced" / "documents.jsonl").open(encoding="utf-8")]
    assert result.exit_code == 0 and (document["doc_id"], document["chars"]) == ("stdin", len(braced))


def test_graph_views_print_tables_and_json(tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(app, ["extract", str(SEED), "--out", str(out), "-q"]).exit_code == 0
    summary = runner.invoke(app, ["graph", "summary", str(out)])
    assert summary.exit_code == 0 and "nodes PARK" in summary.stdout and "┃" in summary.stdout
    counts = json.loads(runner.invoke(app, ["graph", "summary", str(out), "--json"]).stdout)
    assert counts["nodes_by_label"]["PARK"] >= 1 and counts["edges"] == sum(counts["edges_by_type"].values())
    assert "2,170,000,000" in runner.invoke(app, ["graph", "show", "湖南建投集团", str(out)]).stdout  # amount column
    shown = runner.invoke(app, ["graph", "show", "国盾量子", str(out)]).stdout
    evidence_column = "".join(line.split("│")[-2].strip() for line in shown.splitlines() if line.count("│") > 2)
    sentence = json.loads(runner.invoke(app, ["graph", "show", "国盾量子", str(out), "--json"]).stdout)["neighbours"]
    assert len(sentence[0]["evidence"]) > 80 and sentence[0]["evidence"] in evidence_column  # wrapped, never cut
    # the folder where the second name belongs: a usage error that says so, not "no entity named"
    path = runner.invoke(app, ["graph", "path", "国盾量子", str(out)])
    assert path.exit_code == 2 and "is an output folder" in path.output


def test_show_prints_one_texts_entities_and_relations(tmp_path):
    text = "合肥国盾量子科技股份有限公司入驻中关村软件园，投资5亿元。"
    result = runner.invoke(app, ["show", text, "--html", str(tmp_path / "ents.html")])
    assert result.exit_code == 0, result.output
    assert "合肥国盾量子科技股份有限公司[COMPANY]" in result.stdout and "500,000,000" in result.stdout
    assert "INVESTS_IN" in result.stdout and "中关村软件园" in (tmp_path / "ents.html").read_text(encoding="utf-8")


def test_a_run_that_stops_keeps_its_tables_and_builds_no_graph(tmp_path, monkeypatch):
    from pipeline.emit import OutputFolder

    source = tmp_path / "in.jsonl"
    rows = [{"doc_id": f"d{i}", "text": "成都云帆科技有限公司位于天府软件园。"} for i in range(40)]
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out"
    assert runner.invoke(app, ["extract", str(source), "--out", str(out), "-q", "--ner", "none"]).exit_code == 0
    assert (out / "graph.json").exists()
    real, batches = OutputFolder.add, []

    def fail_on_the_second_batch(self, results):
        batches.append(len(results))
        if len(batches) == 2:
            raise OSError(28, "No space left on device")
        real(self, results)

    monkeypatch.setattr(OutputFolder, "add", fail_on_the_second_batch)
    result = runner.invoke(app, ["extract", str(source), "--out", str(out), "-q", "--ner", "none", "-w", "1"])
    assert result.exit_code == 1 and "the run stopped: OSError" in result.output and "--resume" in result.output
    assert len((out / "documents.jsonl").read_text(encoding="utf-8").splitlines()) == batches[0] == 16
    built = {"graph.json", "graph.graphml", "graph.html", "summary.md", "parks.svg"}
    assert not built & {p.name for p in out.iterdir()}  # not from partial rows, nor the earlier run's


def test_the_first_batches_are_small_so_progress_shows_early():
    from pipeline.batch import BATCH_DOCS, batches
    from pipeline.inputs import Document

    sizes = [len(b) for b in batches(Document(f"d{i}", "x", "文本") for i in range(1000))]
    assert sizes[:3] == [16, 64, BATCH_DOCS] and sum(sizes) == 1000


def test_commands_print_no_deprecation_warning_from_jieba():
    result = subprocess.run(
        [sys.executable, "-W", "default", "-c", "import pipeline.segment, pipeline.lexicon"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0 and "pkg_resources" not in result.stderr, result.stderr


def test_train_ner_passes_its_hyperparameters_to_the_training(tmp_path, monkeypatch):
    import pipeline.train

    for name in ("msra_ner/msra.tar.gz", "cluener2020/train.json", "silver.jsonl", "gold.jsonl"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    seen = {}
    monkeypatch.setattr(pipeline.train, "train", lambda *args, **kwargs: seen.update(kwargs) or tmp_path)
    options = ["--silver", str(tmp_path / "silver.jsonl"), "--exclude", str(tmp_path / "gold.jsonl")]
    command = ["train", "ner", str(tmp_path), *options, "--epochs", "1", "--learn-rate", "0.0005"]
    assert runner.invoke(app, command).exit_code == 0
    assert (seen["epochs"], seen["learn_rate"]) == (1, 0.0005)
    assert runner.invoke(app, [*command[:-1], "0"]).exit_code == 2  # no step at all: refused


def test_typers_own_usage_errors_print_json_with_json(monkeypatch, capsys):
    from pipeline.cli import main

    monkeypatch.setattr(sys, "argv", ["parkgraph", "extract", str(SEED), "--workers", "abc", "--json"])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 2
    error = json.loads(capsys.readouterr().out)
    assert error["exit_code"] == 2 and "--workers" in error["error"]
    monkeypatch.setattr(sys, "argv", ["parkgraph", "extract", "--help", "--json"])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 0 and "--workers" in capsys.readouterr().out
