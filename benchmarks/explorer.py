"""Screenshots and timings of the explorer page (``graph.html``) in headless Chromium, offline.

    python benchmarks/explorer.py OUT NAME QUERY [PARK]

opens ``OUT/graph.html`` with every network request refused, measures the time from navigation to
the first frame drawn and from typing QUERY to its results (and to the first result's panel),
then writes ``docs/explorer-NAME.png`` (the overview) and ``docs/explorer-NAME-park.png`` (PARK,
or the first result, in its neighbourhood view with its panel) and prints a Markdown table row.
Needs Playwright and Debian's chromium (``make test`` installs both).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

DOCS = Path(__file__).resolve().parent.parent / "docs"


def refuse_network(route) -> None:
    route.abort() if route.request.url.startswith("http") else route.continue_()


def measure(out: Path, name: str, query: str, park: str | None = None) -> dict:
    graph = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.route("**/*", refuse_network)
            page.goto((out / "graph.html").as_uri())
            page.wait_for_function("window.explorer && window.explorer.ready", timeout=60000)
            loaded = page.evaluate("new Promise(r => requestAnimationFrame(() => r(performance.now())))")
            drawn = page.evaluate("network.body.data.nodes.length")
            page.screenshot(path=DOCS / f"explorer-{name}.png")
            started = page.evaluate("performance.now()")
            page.fill("#search", query)
            page.wait_for_selector("#results li")
            searched = page.evaluate("performance.now()") - started
            target = park or page.evaluate(f"explorer.search({json.dumps(query)}, 1)[0].name")
            page.locator("#results li", has_text=target).first.click()
            page.wait_for_selector("#panel h2")
            opened = page.evaluate("performance.now()") - started
            page.click("#neighbourhood")
            page.screenshot(path=DOCS / f"explorer-{name}-park.png")
        finally:
            browser.close()
    return {
        "name": name,
        "nodes": len(graph["nodes"]),
        "edges": len(graph["links"]),
        "drawn": drawn,
        "load_ms": round(loaded),
        "search_ms": round(searched),
        "open_ms": round(opened),
        "page_mb": round((out / "graph.html").stat().st_size / 1e6, 1),
    }


if __name__ == "__main__":
    row = measure(Path(sys.argv[1]).resolve(), sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
    print(
        f"| {row['name']} | {row['nodes']:,} | {row['edges']:,} | {row['drawn']:,} | {row['page_mb']} MB "
        f"| {row['load_ms']} ms | {row['search_ms']} ms | {row['open_ms']} ms |"
    )
