#!/usr/bin/env python3
"""The simple view's pages with a 10,000-entry log: the server's time for each page, and its bytes.

    .venv/bin/python bench/simple_view.py                 # 10,000 entries, 15 runs a page
    .venv/bin/python bench/simple_view.py --entries 500 --runs 5

The app runs in-process (the tests' stand-in for sign-in, tests/web_app.py) and each page is
asked for through Starlette's TestClient: "time" is from the request to the last byte of the
response, in this process, with no network (the server's own cost: routing, the store's reads,
the template). The first request opens and parses the log; it is shown apart ("first page").
Figures are medians and the slowest of the runs; "bytes" is the HTML (uncompressed) without the
CSS, which is one file the browser keeps (its size is given once, and gzipped as a server would).
Saves are timed too: an entry written from the page (a draft kept, the entry written, the draft
dropped: three atomic writes, one of them the whole log file).

Goal (issue 22): every page under 100 ms and under 100 KB at 10,000 entries; the log list paged.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

PAGES = ["/cards", "/cards/4.2", "/cards/4.2?edit=e7", "/entries/e7", "/entries/e7/delete", "/log", "/log?page=200",
         "/log?q=outcome+77", "/log?capability=3&capability=4&open=1", "/log?period=dates&from=1/2/2026&to=1/3/2026",
         "/overview", "/export", "/workbook", "/workbook/1.2", "/workbook/1.3", "/workbook/1.3/cloud.svg",
         "/workbook/2.3", "/about", "/accessibility", "/?choose=1"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    from starlette.testclient import TestClient

    from powerdeck.web.simple import csrf
    from web_app import SECRET, SESSION, fill, make_app

    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        fill(data, args.entries).close()
        log_bytes = (data / "log.json").stat().st_size
        client = TestClient(make_app(data))
        started = time.perf_counter()
        first = client.get("/cards")
        first_ms = (time.perf_counter() - started) * 1000
        assert first.status_code == 200
        print(f"{args.entries:,} entries, log.json {log_bytes / 1e6:.1f} MB; {args.runs} runs a page\n")
        print(f"first page (opens and parses the log): {first_ms:.0f} ms\n")
        print("| page | median ms | slowest ms | bytes |")
        print("|---|---:|---:|---:|")
        for path in PAGES:
            times = []
            size = 0
            for _ in range(args.runs):
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (path, response.status_code)
                size = len(response.content)
            print(f"| `{path}` | {statistics.median(times):.1f} | {max(times):.1f} | {size:,} |")
        token = csrf.token(SECRET, SESSION)
        saves = []
        for n in range(args.runs):
            started = time.perf_counter()
            response = client.post("/cards/5.1", data={"csrf_token": token, "action": f"bench {n}", "do": "save"},
                                   follow_redirects=False)
            saves.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 303
        print(f"| save an entry (POST `/cards/5.1`) | {statistics.median(saves):.1f} | {max(saves):.1f} | - |")
        css = (ROOT / "src/powerdeck/web/static/nhsuk/nhsuk-frontend.min.css").read_bytes()
        own = (ROOT / "src/powerdeck/web/static/simple/simple.css").read_bytes()
        print(f"\nCSS, fetched once and kept by the browser: NHS.UK frontend {len(css):,} bytes "
              f"({len(gzip.compress(css)):,} gzipped), the simple view's own {len(own):,}.")


if __name__ == "__main__":
    main()
