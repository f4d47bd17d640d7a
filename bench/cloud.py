"""How long 500 phrases take to group and lay out as a cloud (the screen redraws on every key).

    .venv/bin/python bench/cloud.py
"""

from __future__ import annotations

import random
import time

from powerdeck.workbook.cloud import layout
from powerdeck.workbook.voices import weights

random.seed(7)
WORDS = ["safe", "parks", "lonely", "buses", "GP", "kind", "neighbours", "music", "benches", "damp", "rent",
         "youth", "club"]
text = "\n".join(" ".join(random.sample(WORDS, random.randint(1, 3))) + (" | resident" if n % 5 == 0 else "")
                 for n in range(500))
for width in (46, 80, 120):
    runs = []
    for _ in range(50):
        start = time.perf_counter()
        layout(weights(text), width)
        runs.append(time.perf_counter() - start)
    runs.sort()
    print(f"500 phrases, width {width}: median {runs[25] * 1000:.2f} ms, worst {runs[-1] * 1000:.2f} ms")
