"""Benchmark of the recommender: item_based_cf at 100,000 and 1,000,000 customers, and the
widget path (RecommendationEngine.evaluate) at the default bank.

Usage::

    .venv/bin/python benchmarks/bench_recommend.py                  # 100000 1000000
    .venv/bin/python benchmarks/bench_recommend.py 100000           # one size
    .venv/bin/python benchmarks/bench_recommend.py --no-widget 1000000

Input: the same stand-in customers and holdings generator as
``benchmarks/bench_products_texts.py`` (seed 7), split at ``recommend.SPLIT_DATE``; only
``item_based_cf(train, 5)`` is timed (wall and CPU seconds, best of ``--repeat``), in a child
process per size so that each has its own peak memory. The widget part builds the engine on the
default 5,000-customer bank once and times 30 redraws (``engine.evaluate`` +
``engine.explain``) over every method and a few settings: median and 90th percentile in ms.
Writes ``benchmarks/results/recommend.md``. Figures only: speed is not a test.

Goals (issue 11): item_based_cf on 1M customers x 49 products within the README's figure
(38.9 s wall / 10.0 s CPU, 2026-11-30) or better; widget redraw <= 100 ms median.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "results" / "recommend.md"
README_FIGURE = {1_000_000: (38.86, 10.02), 100_000: (3.87, 1.29)}   # wall, CPU (s), README 2026-11-30

_CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {tests!r})
import numpy as np
from _standin_customers import standin_customers
from course_utils.datagen.products import make_holdings, make_products
from course_utils.recommend import SPLIT_DATE, item_based_cf, time_split
n, repeat = int(sys.argv[1]), int(sys.argv[2])
cust = standin_customers(n, 7)
rng = np.random.default_rng(7)
hold = make_holdings(cust, make_products(rng), rng)
train, _ = time_split(hold, SPLIT_DATE)
del hold, cust
best = None
for _ in range(repeat):
    s, c = time.perf_counter(), time.process_time()
    out = item_based_cf(train, 5)
    wall, cpu = time.perf_counter() - s, time.process_time() - c
    if best is None or cpu < best[1]:
        best = (wall, cpu)
    del out
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"n": n, "train_rows": len(train), "customers": int(train["customer_id"].nunique()),
                  "wall": best[0], "cpu": best[1], "peak_mb": peak}}))
"""


def time_cf(n: int, repeat: int) -> dict:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    code = _CHILD.format(tests=str(ROOT / "tests"))
    r = subprocess.run([sys.executable, "-c", code, str(n), str(repeat)], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=3600)
    if r.returncode != 0:
        raise SystemExit(f"n={n}: child failed\n{r.stderr[-3000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def time_widget(redraws: int = 30) -> dict:
    sys.path.insert(0, str(ROOT))
    from course_utils.data import get_bank
    from course_utils.recommend import METHODS, SPLIT_DATE, RecommendationEngine, time_split

    bank = get_bank()
    train, test = time_split(bank.holdings, SPLIT_DATE)
    s = time.perf_counter()
    engine = RecommendationEngine(train, bank.products, bank.customers, as_of=SPLIT_DATE)
    for m in METHODS:                       # what a widget's setup precomputes
        engine.evaluate(test, m, 5, suitable_only=True)
    setup_ms = (time.perf_counter() - s) * 1000
    who = engine.customer_ids[0]
    settings = [(m, k, nb, a, su) for m in METHODS for k in (3, 5) for nb in (10, 20) for a in (0.5, 0.8)
                for su in (True, False)]
    times = []
    for i in range(redraws):
        m, k, nb, a, su = settings[(i * 7) % len(settings)]
        s = time.perf_counter()
        engine.evaluate(test, m, k, neighbours=nb, alpha=a, suitable_only=su)
        engine.explain(who, m, k, neighbours=nb, alpha=a, suitable_only=su)
        times.append((time.perf_counter() - s) * 1000)
    times.sort()
    return {"customers": len(engine.customer_ids), "test_customers": int(test["customer_id"].nunique()),
            "setup_ms": setup_ms, "median_ms": statistics.median(times),
            "p90_ms": times[int(0.9 * (len(times) - 1))], "max_ms": times[-1], "redraws": redraws}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[100_000, 1_000_000])
    ap.add_argument("--repeat", type=int, default=2, help="timed runs per size (best CPU kept)")
    ap.add_argument("--no-widget", action="store_true")
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args()

    import numpy as np
    import pandas as pd
    import scipy

    rows = []
    for n in args.sizes:
        r = time_cf(n, args.repeat)
        rows.append(r)
        print(f"n={n:,}: item_based_cf wall {r['wall']:.2f} s, CPU {r['cpu']:.2f} s, peak {r['peak_mb']:,.0f} MB",
              flush=True)
    widget = None if args.no_widget else time_widget()
    if widget:
        print(f"widget redraw: median {widget['median_ms']:.1f} ms, p90 {widget['p90_ms']:.1f} ms", flush=True)
    load = os.getloadavg()[0]
    lines = [
        "# Recommender benchmark",
        "",
        f"Command: `.venv/bin/python benchmarks/bench_recommend.py {' '.join(map(str, args.sizes))}"
        f"{' --no-widget' if args.no_widget else ''}` (best of {args.repeat} by CPU time)",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs (shared with other jobs), Python "
        f"{platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, pandas {pd.__version__}; "
        f"1-min load average at the end: {load:.1f}. CPU time is the better guide when the cores are shared.",
        "",
        "Input: stand-in customers (tests/_standin_customers.py, seed 7) -> make_holdings -> time_split at "
        "2023-07-01; 49 products. Timed: `item_based_cf(train, 5)` only.",
        "",
        "| customers | train rows | customers in train | wall (s) | CPU (s) | peak RSS (MB) | README figure wall / CPU (s) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ref = README_FIGURE.get(r["n"])
        lines.append(f"| {r['n']:,} | {r['train_rows']:,} | {r['customers']:,} | {r['wall']:.2f} | {r['cpu']:.2f} | "
                     f"{r['peak_mb']:,.0f} | {f'{ref[0]:.2f} / {ref[1]:.2f}' if ref else '—'} |")
    if widget:
        lines += [
            "",
            "## Widget path (default bank, 5,000 customers)",
            "",
            f"Engine built once and every method's caches warmed (the widget's setup): {widget['setup_ms']:.0f} ms. "
            f"Then {widget['redraws']} redraws, each `engine.evaluate(test, ...)` + `engine.explain(customer, ...)` "
            f"over methods {{popularity, item_cf, content, hybrid}} x k {{3, 5}} x neighbours {{10, 20}} x alpha "
            f"{{0.5, 0.8}} x suitability on/off ({widget['customers']:,} customers recommended to, "
            f"{widget['test_customers']:,} test customers):",
            "",
            "| median (ms) | 90th percentile (ms) | max (ms) | goal |",
            "|---:|---:|---:|---|",
            f"| {widget['median_ms']:.1f} | {widget['p90_ms']:.1f} | {widget['max_ms']:.1f} | <= 100 ms median |",
            "",
            "Chart drawing is not included (the exercise widget's own render adds it).",
        ]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
