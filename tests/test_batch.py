"""Batch extraction at scale: workers, resume after SIGKILL, Dask, hostile inputs, formats."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline.batch import extract, pieces
from pipeline.rows import TABLE_COLUMNS

from .conftest import SEED

TABLES = ("documents", "entities", "relations")


def read(out: Path, table: str) -> list[dict]:
    return [json.loads(line) for line in (out / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()]


def corpus(tmp_path: Path, copies: int = 4) -> Path:
    """The seed's paragraphs as JSONL documents, several batches long."""
    paragraphs = [p for p in SEED.read_text(encoding="utf-8").split("\n\n") if len(p.strip()) > 20]
    path = tmp_path / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for i in range(copies):
            for j, text in enumerate(paragraphs):
                f.write(json.dumps({"doc_id": f"d{i}-{j}", "text": text}, ensure_ascii=False) + "\n")
    return path


@pytest.fixture(autouse=True)
def small_batches(monkeypatch):
    """Several batches even from a small corpus, so the pools and the resume path are exercised."""
    monkeypatch.setattr("pipeline.batch.BATCH_DOCS", 16)


@pytest.mark.slow
def test_two_workers_write_the_same_output_as_one(tmp_path):
    source = corpus(tmp_path)
    one, two = tmp_path / "one", tmp_path / "two"
    extract([source], one, workers=1)
    extract([source], two, workers=2)
    for table in TABLES:
        assert (one / f"{table}.jsonl").read_bytes() == (two / f"{table}.jsonl").read_bytes()
    assert len(read(one, "documents")) > 64  # several batches went through the pool


@pytest.mark.slow
def test_kill_and_resume_gives_the_uninterrupted_result(tmp_path):
    # rules only (--ner none): crash safety is about the tables, and the NER model would make the
    # 120k-character corpus take a minute per run
    source = corpus(tmp_path, copies=12)
    reference = tmp_path / "reference"
    extract([source], reference, workers=1, ner="none")
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "pipeline", "extract", str(source), "--out", str(out), "-q", "--workers", "1"]
    cmd += ["--ner", "none"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline:
        done = out / "documents.jsonl"
        if done.exists() and done.read_text(encoding="utf-8").count("\n") >= 40:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    total = len(read(reference, "documents"))
    assert 0 < len(read(out, "documents")) < total, "the run was not killed mid-way"
    with (out / "entities.jsonl").open("a", encoding="utf-8") as f:
        f.write('{"doc_id": "half a li')  # what a crash mid-write would leave
    result = extract([source], out, workers=1, resume=True, ner="none")
    assert result.skipped > 0 and result.skipped + result.documents == total
    for table in TABLES:  # done documents are a prefix, the rest is appended in input order
        assert read(out, table) == read(reference, table)


@pytest.mark.slow
def test_dask_cluster_on_loopback_matches_the_local_engine(tmp_path):
    pytest.importorskip("distributed")
    source = corpus(tmp_path, copies=2)
    local, distributed_out = tmp_path / "local", tmp_path / "dask"
    extract([source], local, workers=1)
    bin_dir = Path(sys.executable).parent
    scheduler_file = tmp_path / "scheduler.json"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    scheduler = subprocess.Popen(
        [
            str(bin_dir / "dask"),
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-dashboard",
            "--scheduler-file",
            str(scheduler_file),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    worker = None
    try:
        for _ in range(300):
            if scheduler_file.exists() and scheduler_file.stat().st_size:
                break
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        worker = subprocess.Popen(
            [
                str(bin_dir / "dask"),
                "worker",
                address,
                "--nworkers",
                "2",
                "--nthreads",
                "1",
                "--host",
                "127.0.0.1",
                "--no-dashboard",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        extract([source], distributed_out, engine="dask", scheduler=address, workers=2)
    finally:
        for proc in (worker, scheduler):
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=30)
    for table in TABLES:
        assert (local / f"{table}.jsonl").read_bytes() == (distributed_out / f"{table}.jsonl").read_bytes()


SENTENCE = "位于苏州工业园区的苏州星海科技有限公司总投资5亿元。"


@pytest.mark.slow
def test_hostile_inputs_are_all_accounted_for(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "utf8.txt").write_text(SENTENCE, encoding="utf-8")
    (folder / "gbk.txt").write_bytes(SENTENCE.encode("gbk"))
    (folder / "gb18030.txt").write_bytes(SENTENCE.encode("gb18030"))
    (folder / "utf16bom.txt").write_bytes(SENTENCE.encode("utf-16"))
    (folder / "utf16le.txt").write_bytes(SENTENCE.encode("utf-16-le"))
    (folder / "utf8bom.txt").write_bytes(b"\xef\xbb\xbf" + SENTENCE.encode("utf-8"))
    (folder / "traditional.txt").write_text("位於蘇州工業園區的蘇州星海科技有限公司總投資5億元。", encoding="utf-8")
    (folder / "page.html").write_text(
        f"<html><head><script>var a='公司';</script></head><body><p>{SENTENCE}</p></body></html>", encoding="utf-8"
    )
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 50)
    (folder / "long.txt").write_text(("x" * 999 + " ") * 10_000 + SENTENCE, encoding="utf-8")
    (folder / "lines.jsonl").write_text(
        json.dumps({"doc_id": "j1", "text": SENTENCE}, ensure_ascii=False) + "\n{not json\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    # rules only: the NER model reads ~5k characters/s, and the 10 MB line would take half an hour
    result = extract([folder], out, workers=1, ner="none")
    docs = {d["doc_id"]: d for d in read(out, "documents")}
    assert set(docs) == {
        "utf8",
        "gbk",
        "gb18030",
        "utf16bom",
        "utf16le",
        "utf8bom",
        "traditional",
        "page",
        "empty",
        "binary",
        "long",
        "j1",
        "lines:2",
    }
    assert {k for k, d in docs.items() if d["status"] == "error"} == {"empty", "binary", "lines:2"}
    assert "empty" in docs["empty"]["error"] and "binary" in docs["binary"]["error"]
    assert result.failed == 3 and docs["page"]["format"] == "html"
    found: dict[str, set] = {}
    for e in read(out, "entities"):
        found.setdefault(e["doc_id"], set()).add(
            (e["label"], e["entity"] if e["doc_id"] != "traditional" else e["label"])
        )
    expected = found["utf8"]
    assert {("PARK", "苏州工业园区"), ("COMPANY", "苏州星海科技有限公司"), ("MONEY", "5亿元")} <= expected
    for doc_id in ("gbk", "gb18030", "utf16bom", "utf16le", "utf8bom", "page", "long", "j1"):
        assert found[doc_id] == expected, doc_id
    long_text = (folder / "long.txt").read_text(encoding="utf-8")
    park = next(e for e in read(out, "entities") if e["doc_id"] == "long" and e["label"] == "PARK")
    assert long_text[park["start"] : park["end"]] == "苏州工业园区"
    trad = [e for e in read(out, "entities") if e["doc_id"] == "traditional"]
    trad_text = (folder / "traditional.txt").read_text(encoding="utf-8")
    assert {(e["label"], trad_text[e["start"] : e["end"]]) for e in trad} >= {
        ("PARK", "蘇州工業園區"),
        ("COMPANY", "蘇州星海科技有限公司"),
    }


def test_pieces_cut_long_texts_at_sentence_ends():
    text = "甲" * 70 + "。" + "乙" * 70 + "。" + "丙" * 30
    cut = pieces(text, limit=100)
    assert "".join(p for _, p in cut) == text
    assert [o for o, _ in cut] == [0, 71, 142] and all(len(p) <= 100 for _, p in cut)


def test_pieces_without_sentence_ends_are_cut_at_clause_ends_not_inside_names():
    clause = "合肥国盾量子科技股份有限公司入驻中关村软件园，"
    text = clause * 20
    cut = pieces(text, limit=100)
    assert "".join(p for _, p in cut) == text
    assert all(p.endswith("，") for _, p in cut[:-1]) and all(len(p) <= 100 for _, p in cut)


def test_csv_and_parquet_copies_have_the_same_columns(tmp_path):
    out = tmp_path / "out"
    extract([SEED], out, formats=("csv", "parquet"), workers=1)
    for table in TABLES:
        jsonl = pd.read_json(out / f"{table}.jsonl", lines=True)
        for frame in (pd.read_csv(out / f"{table}.csv"), pd.read_parquet(out / f"{table}.parquet")):
            assert list(frame.columns) == TABLE_COLUMNS[table]
            assert len(frame) == len(jsonl)
