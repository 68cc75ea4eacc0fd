"""Is the output of ``parkgraph extract`` still byte for byte what it was?

A restructuring must not change a byte of output. This script extracts the seed page (``seeds/``)
and the park dev set (``tests/data/park_dev.jsonl``) with the pipeline settings below into a
scratch folder and compares the SHA-256 of every file written with the reference list
``benchmarks/same_output.json``. That list was recorded with the code at the start of the
restructuring (issue 15); ``--record`` writes it anew, deliberately, after a change that is meant
to change the output.

    python benchmarks/same_output.py            # exit 0: identical; 1: the files that differ
    python benchmarks/same_output.py --record   # new reference
    python benchmarks/same_output.py --keep out/same  # keep the outputs there to diff them
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = Path(__file__).with_name("same_output.json")
INPUTS = {
    "seed": sorted(str(p.relative_to(ROOT)) for p in (ROOT / "seeds").glob("*.txt")),
    "park_dev": ["tests/data/park_dev.jsonl"],
}
# the default pipeline, the rules alone, and the model winning every disagreement (the overlap policy)
SETTINGS = {"default": [], "rules": ["--ner", "none", "--relations", "none"], "prefer-model": ["--prefer", "model"]}
SKIPPED = {".lock"}  # an empty lock file


def extract(out: Path) -> dict[str, str]:
    """Run every input with every setting into ``out``; the SHA-256 of each file written, by path."""
    hashes = {}
    for setting, options in SETTINGS.items():
        for name, inputs in INPUTS.items():
            folder = out / setting / name
            command = [sys.executable, "-m", "pipeline", "extract", *inputs, "--out", str(folder), "-w", "1", "-q"]
            subprocess.run([*command, *options], cwd=ROOT, check=True)
            for path in sorted(folder.iterdir()):
                if path.is_file() and path.name not in SKIPPED:
                    hashes[f"{setting}/{name}/{path.name}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def compare(reference: dict[str, str], current: dict[str, str]) -> list[str]:
    """The paths whose files differ, are missing or are new."""
    return sorted(path for path in reference.keys() | current.keys() if reference.get(path) != current.get(path))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--record", action="store_true", help="write the reference list from this code's output")
    parser.add_argument("--keep", type=Path, help="write the outputs here instead of a temporary folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        current = extract((args.keep or Path(scratch)).resolve())
    if args.record:
        REFERENCE.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"{len(current)} files recorded in {REFERENCE.relative_to(ROOT)}")
        return 0
    differing = compare(json.loads(REFERENCE.read_text(encoding="utf-8")), current)
    for path in differing:
        print(f"differs: {path}")
    print(f"{len(current) - len(differing)} of {len(current)} files identical")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
