"""Issue 17's cost check: one entity-dense single-line document of N MB through `parkgraph extract`
on one worker, its wall time and peak RSS (the run is a child process; its maxrss is read back).

    python benchmarks/dense.py 1 10        # 1 MB and 10 MB
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NAMES = ["星海", "云帆", "雷电", "天启", "华光", "明远", "长青", "瑞丰"]
# a company and a park every 8 characters, list-joined: no sentence end anywhere
UNIT = "".join(f"{a}科技有限公司与{b}软件园、" for a in NAMES for b in NAMES)


def dense_text(megabytes: float) -> str:
    chars = int(megabytes * 1_000_000 / 3)  # UTF-8: three bytes a character
    return (UNIT * (chars // len(UNIT) + 1))[:chars]


def run(megabytes: float, ner: str = "model") -> dict:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "dense.jsonl"
        source.write_text(json.dumps({"doc_id": "dense", "text": dense_text(megabytes)}, ensure_ascii=False) + "\n")
        cmd = [sys.executable, "-m", "pipeline", "extract", str(source), "--out", f"{folder}/out", "-q"]
        start = time.perf_counter()
        subprocess.run([*cmd, "--workers", "1", "--ner", ner], check=True, capture_output=True)
        seconds = time.perf_counter() - start
        rows = sum(1 for _ in open(f"{folder}/out/entities.jsonl", encoding="utf-8"))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    return {"mb": megabytes, "ner": ner, "seconds": round(seconds, 1), "peak_rss_mb": round(peak), "entities": rows}


if __name__ == "__main__":
    for size in sys.argv[1:] or ["1"]:
        print(json.dumps(run(float(size))))
