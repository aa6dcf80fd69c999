"""Benchmark of the holdings/texts generators and the recommenders.

Usage: ``.venv/bin/python benchmarks/bench_products_texts.py [N_CUSTOMERS ...]``
(default ``100000 1000000``).  Uses the stand-in customer frame of the tests
(tests/_standin_customers.py), times each function once and records peak
RSS of this process; writes ``benchmarks/results/products_texts.md``.
Figures only: speed is not a test.  Goal (from the generator brief):
make_holdings for 1,000,000 customers in about 30 s.
"""
from __future__ import annotations

import os
import platform
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from _standin_customers import standin_customers  # noqa: E402

from course_utils.datagen.products import make_holdings, make_products  # noqa: E402
from course_utils.datagen.texts import make_messages, make_outbound_calls, make_survey  # noqa: E402
from course_utils.recommend import item_based_cf, popularity_baseline, time_split  # noqa: E402


def run(n: int) -> list[tuple[str, str, float, float]]:
    cust = standin_customers(n, 7)
    rng = np.random.default_rng(7)
    silent = cust.customer_id[cust.churn_date == ""].iloc[::12]
    rows = []

    def timed(label, fn):
        s, c = time.perf_counter(), time.process_time()
        out = fn()
        dt, ct = time.perf_counter() - s, time.process_time() - c
        size = f"{len(out):,} rows" if hasattr(out, "columns") else ""
        rows.append((label, size, dt, ct))
        print(f"n={n:,} {label:<34s} wall {dt:7.2f} s  cpu {ct:7.2f} s  {size}", flush=True)
        return out

    prods = timed("make_products", lambda: make_products(rng))
    hold = timed("make_holdings", lambda: make_holdings(cust, prods, rng))
    timed("make_messages", lambda: make_messages(cust, rng))
    timed("make_outbound_calls (1 in 12 active)", lambda: make_outbound_calls(cust, silent, rng))
    timed("make_survey", lambda: make_survey(cust, rng))
    train, _ = timed("time_split 2023-07-01 (train rows)", lambda: time_split(hold, "2023-07-01"))
    timed("item_based_cf k=5", lambda: item_based_cf(train, 5))
    timed("popularity_baseline k=5", lambda: popularity_baseline(train, 5))
    return rows


def main(sizes: list[int]) -> None:
    lines = [
        "# Holdings, texts and recommender benchmark",
        "",
        f"Command: `.venv/bin/python benchmarks/bench_products_texts.py {' '.join(map(str, sizes))}`",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs (shared with other jobs), "
        f"Python {platform.python_version()}, numpy {np.__version__}.",
        "Input: the tests' stand-in customers (same columns as the real generator's).",
        "",
        "CPU time is the better guide when other jobs share the cores (wall time then",
        "includes waiting for a core).",
        "",
        "| customers | step | output | wall time (s) | CPU time (s) |",
        "|---:|---|---:|---:|---:|",
    ]
    for n in sizes:
        for label, size, dt, ct in run(n):
            lines.append(f"| {n:,} | {label} | {size} | {dt:.2f} | {ct:.2f} |")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines += ["", f"Peak RSS of the whole run: {rss:,.0f} MB; 1-min load average at the end: "
              f"{os.getloadavg()[0]:.1f}. Goal: make_holdings ≤ ~30 s for 1,000,000 customers."]
    out = ROOT / "benchmarks" / "results" / "products_texts.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(out.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100_000, 1_000_000])
