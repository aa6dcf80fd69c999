"""Benchmark of H1b's generators: holdings, messages, outbound calls, survey, CF.

Usage: python benchmarks/bench_products_texts.py [N_CUSTOMERS ...]
(default 100000 1000000).  Uses the stand-in customer frame of the tests,
prints wall time per function and peak RSS of this process.  Figures only;
no assertion (speed is not a test).
"""
from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from _standin_customers import standin_customers  # noqa: E402

from course_utils.datagen.products import make_holdings, make_products  # noqa: E402
from course_utils.datagen.texts import make_messages, make_outbound_calls, make_survey  # noqa: E402
from course_utils.recommend import item_based_cf, popularity_baseline, time_split  # noqa: E402


def run(n: int) -> None:
    cust = standin_customers(n, 7)
    rng = np.random.default_rng(7)
    silent = cust.customer_id[cust.churn_date == ""].iloc[:: 12]
    t = {}
    s = time.perf_counter(); prods = make_products(rng); t["make_products"] = time.perf_counter() - s
    s = time.perf_counter(); hold = make_holdings(cust, prods, rng); t["make_holdings"] = time.perf_counter() - s
    s = time.perf_counter(); msg = make_messages(cust, rng); t["make_messages"] = time.perf_counter() - s
    s = time.perf_counter(); oc = make_outbound_calls(cust, silent, rng); t["make_outbound_calls"] = time.perf_counter() - s
    s = time.perf_counter(); sv = make_survey(cust, rng); t["make_survey"] = time.perf_counter() - s
    s = time.perf_counter()
    train, _ = time_split(hold, "2023-07-01"); item_based_cf(train, 5); popularity_baseline(train, 5)
    t["time_split+cf+popularity"] = time.perf_counter() - s
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"n={n:,}: holdings {len(hold):,} rows, messages {len(msg):,}, calls {len(oc):,}, survey {len(sv):,}")
    for k, v in t.items():
        print(f"  {k:<26s} {v:6.2f} s")
    print(f"  peak RSS so far            {rss:6.0f} MB")


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["100000", "1000000"]:
        run(int(arg))
