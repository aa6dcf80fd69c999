"""Benchmark of the holdings/texts generators and the recommenders.

Usage: ``.venv/bin/python benchmarks/bench_products_texts.py [--texts-only] [N_CUSTOMERS ...]``
(default ``100000 1000000``).  Uses the stand-in customer frame of the tests
(tests/_standin_customers.py), times each function once and records peak
RSS of this process; writes ``benchmarks/results/products_texts.md``
(``--texts-only``: only the three text generators, into ``benchmarks/results/texts.md``).
Figures only: speed is not a test.  Goals (from the generator briefs):
make_holdings for 1,000,000 customers in about 30 s; make_messages for
1,000,000 customers in the same order as the template generator it replaced
(9.5 s CPU, 2026-11-30).
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


def run(n: int, texts_only: bool = False) -> list[tuple[str, str, float, float]]:
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

    if not texts_only:
        prods = timed("make_products", lambda: make_products(rng))
        hold = timed("make_holdings", lambda: make_holdings(cust, prods, rng))
    msgs = timed("make_messages", lambda: make_messages(cust, rng))
    timed("make_outbound_calls (1 in 12 active)", lambda: make_outbound_calls(cust, silent, rng))
    timed("make_survey", lambda: make_survey(cust, rng))
    if texts_only:
        rows.append(("messages: mean / max characters", f"{msgs.text.str.len().mean():.1f} / "
                     f"{msgs.text.str.len().max()}", float("nan"), float("nan")))
        return rows
    train, _ = timed("time_split 2023-07-01 (train rows)", lambda: time_split(hold, "2023-07-01"))
    timed("item_based_cf k=5", lambda: item_based_cf(train, 5))
    timed("popularity_baseline k=5", lambda: popularity_baseline(train, 5))
    return rows


def main(sizes: list[int], texts_only: bool = False) -> None:
    lines = [
        "# Texts benchmark" if texts_only else "# Holdings, texts and recommender benchmark",
        "",
        f"Command: `.venv/bin/python benchmarks/bench_products_texts.py {'--texts-only ' if texts_only else ''}"
        f"{' '.join(map(str, sizes))}`",
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
        for label, size, dt, ct in run(n, texts_only):
            lines.append(f"| {n:,} | {label} | {size} | {dt:.2f} | {ct:.2f} |".replace("| nan | nan |", "| – | – |"))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines += ["", f"Peak RSS of the whole run: {rss:,.0f} MB; 1-min load average at the end: "
              f"{os.getloadavg()[0]:.1f}. "
              + ("Reference: the template generator this grammar replaced took 9.5 s CPU for make_messages "
                 "at 1,000,000 customers (products_texts.md, 2026-11-30)." if texts_only
                 else "Goal: make_holdings ≤ ~30 s for 1,000,000 customers.")]
    out = ROOT / "benchmarks" / "results" / ("texts.md" if texts_only else "products_texts.md")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(out.read_text(encoding="utf-8"))


if __name__ == "__main__":
    args = sys.argv[1:]
    only = "--texts-only" in args
    main([int(a) for a in args if a != "--texts-only"] or [100_000, 1_000_000], only)
