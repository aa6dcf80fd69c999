"""Benchmark: Lecture 5 library speed (widget redraws) and the Airflow check.

Goals (issue #12): a widget redraw <= 100 ms median -- the experiment-design widget
redraws ``simulate_experiments`` (1,000 simulated experiments), the coupon widget
redraws ``coupon_plan_value`` on the bank's current customers; the Airflow check adds
<= 3 minutes to the test command on a warm machine.

Run:  .venv/bin/python benchmarks/bench_lecture5.py [--airflow]
Writes benchmarks/results/lecture5.md (and prints it). ``--airflow`` also times
``airflow db migrate`` + the DAG's ``dag.test()`` on the committed data (Airflow must
be installable; the first install is timed by ``tools.airflow_env.ensure``).
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from course_utils import journeys
from course_utils.coupons import coupon_plan_value
from course_utils.data import get_bank
from course_utils.experiments import ab_test, sample_size, simulate_experiments
from course_utils.monitoring import psi, psi_by_period

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "lecture5.md"


def timed(fn, repeat: int) -> tuple[float, float]:
    """(median, max) milliseconds of ``repeat`` calls after one warm-up call."""
    fn()
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1000)
    return statistics.median(ts), max(ts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--airflow", action="store_true", help="also time the Airflow DAG check")
    args = ap.parse_args()
    load0 = os.getloadavg()[0]
    bank = get_bank()
    bal = bank.balances[bank.balances["month"] == bank.balances["month"].max()].set_index("customer_id")["balance"]
    rng = np.random.default_rng(0)
    big_e, big_a = rng.normal(0, 1, 100_000), rng.normal(0.1, 1, 100_000)
    import pandas as pd

    monthly = pd.DataFrame({"month": np.repeat([f"2024-{m:02d}" for m in range(1, 13)], 5000),
                            "score": rng.normal(0, 1, 60_000)})
    rows = [
        ("simulate_experiments(n=2,016/group, 1,000 sims)", "widget", 100,
         timed(lambda: simulate_experiments(2016, 0.10, 0.28, n_sims=1000, seed=1), 50)),
        ("simulate_experiments(n=20,000/group, 5,000 sims)", "", None,
         timed(lambda: simulate_experiments(20_000, 0.10, 0.12, n_sims=5000, seed=1), 20)),
        (f"coupon_plan_value({len(bal):,} customers, 3 tiers)", "widget", 100,
         timed(lambda: coupon_plan_value(bal, [(20_000, 0.002), (100_000, 0.004), (300_000, 0.006)]), 50)),
        ("ab_test (statsmodels z-test + Newcombe CI)", "", None, timed(lambda: ab_test(100, 1000, 128, 1000), 50)),
        ("sample_size (statsmodels NormalIndPower)", "", None, timed(lambda: sample_size(0.10, 0.28), 50)),
        ("psi(100,000 vs 100,000 values)", "", None, timed(lambda: psi(big_e, big_a), 20)),
        ("psi_by_period(12 months x 5,000)", "", None,
         timed(lambda: psi_by_period(monthly, "score", "month", "2024-01"), 10)),
        ("dwell_trigger(web_visits, default bank)", "", None, timed(lambda: journeys.dwell_trigger(bank.web_visits), 20)),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(("activation_job(default bank, last week, outbox)", "", None,
                     timed(lambda: journeys.activation_job(bank, None, Path(tmp), history=None), 10)))
    lines = ["# Lecture 5 benchmark (bench_lecture5.py)", "",
             f"Machine: {os.cpu_count()} cores, {platform.system()} {platform.machine()}, Python "
             f"{platform.python_version()}; load average at start {load0:.1f} (other work on the machine slows "
             "everything below).", "",
             "| what | goal | median ms | max ms | within goal |", "|---|---|---:|---:|---|"]
    for name, kind, goal, (med, mx) in rows:
        g = f"<= {goal} ms median ({kind} redraw)" if goal else ""
        ok = ("yes" if med <= goal else "NO") if goal else ""
        lines.append(f"| {name} | {g} | {med:.1f} | {mx:.1f} | {ok} |")
    if args.airflow:
        from tools import airflow_env

        t0 = time.monotonic()
        airflow_env.ensure()
        warm = time.monotonic() - t0
        with tempfile.TemporaryDirectory() as tmp:
            t1 = time.monotonic()
            res = airflow_env.check_dag(Path(tmp) / "home", run_conf={"outbox_dir": str(Path(tmp) / "outbox")})
            total = time.monotonic() - t1
        first = airflow_env.install_seconds()
        lines += ["", "## Airflow (tools/airflow_env.py, dags/long_tail_activation.py)", "",
                  f"- first install of requirements/airflow-lock.txt into .venv-airflow: "
                  f"{'%.0f s' % first if first else 'not recorded'}, {airflow_env.venv_size_mb():.0f} MB on disk",
                  f"- warm `ensure()`: {warm:.2f} s",
                  f"- `airflow db migrate` (sqlite): {res['migrate_seconds']:.1f} s; DagBag parse "
                  f"{res['parse_seconds']:.2f} s; `dag.test()` (4 tasks, committed data): {res['test_seconds']:.1f} s; "
                  f"whole check {total:.1f} s (goal: <= 180 s added to the test command)",
                  f"- state: {res.get('state')}, import errors: {len(res['import_errors'])}"]
    lines += ["", f"Load average at end {os.getloadavg()[0]:.1f}."]
    text = "\n".join(lines) + "\n"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
