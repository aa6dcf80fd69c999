"""Benchmark: fit / predict time of the three churn models of ``course_utils.churn_models``.

A churn table of the course's shape (13 numeric features with gaps, 4 category columns)
at 5,000 and 100,000 rows; each model is fitted on 80% and scores the other 20%, and
``predict`` times scoring all rows. Also timed at the smaller size: ``reason_codes`` for
300 customers and ``permutation_importance_table`` on the held-out rows (forest).

Run:  .venv/bin/python benchmarks/bench_churn_models.py [--sizes 5000 100000] [--repeat 2]
Prints a markdown table (best of ``--repeat`` runs; the 100k forest runs once unless
``--repeat-large`` says otherwise). Models use one core (``n_jobs=1``).
"""
from __future__ import annotations

import argparse
import os
import platform
import time
from functools import partial

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from course_utils.churn_models import make_churn_model, permutation_importance_table, reason_codes

NUMERIC = ["tenure_days", "age", "monthly_income", "satisfaction", "recency_days", "frequency", "monetary",
           "txn_trend", "balance_last", "balance_trend", "product_count", "complaints", "app_minutes_trend"]
CATEGORICAL = ["gender", "city", "occupation", "risk_appetite"]


def make_table(n: int, seed: int = 0) -> pd.DataFrame:
    """A churn table of the course's shape with a non-linear churn signal (~10% churners)."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({c: rng.normal(size=n) for c in NUMERIC})
    df["age"] = np.clip(np.round(rng.normal(42, 13, n)), 18, 90)
    df["recency_days"] = np.round(rng.exponential(30, n))
    df["monthly_income"] = np.where(rng.random(n) < 0.05, np.nan, np.round(rng.lognormal(9, 0.6, n), -1))
    df["balance_trend"] = np.where(rng.random(n) < 0.04, np.nan, df["balance_trend"])
    df["app_minutes_trend"] = np.nan
    df["gender"] = rng.choice(["男", "女"], n)
    df["city"] = rng.choice([f"城市{i:02d}" for i in range(15)], n)
    df["occupation"] = rng.choice([f"职业{i}" for i in range(8)], n)
    df["risk_appetite"] = pd.Categorical(rng.choice(["R1", "R2", "R3", "R4", "R5"], n))
    z = (-2.6 + 0.02 * df["recency_days"] - 0.8 * df["txn_trend"] + 0.6 * (df["complaints"] > 1)
         + 0.5 * np.abs(df["satisfaction"]) - 0.4 * df["product_count"] + 0.3 * (df["city"] == "城市03"))
    df["churned"] = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    return df


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[5000, 100000])
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--repeat-large", type=int, default=1, help="repeats for sizes above 20,000 rows")
    args = ap.parse_args()

    rows, extra = [], []
    for n in args.sizes:
        df = make_table(n)
        cut = int(n * 0.8)
        train, test = df.iloc[:cut], df.iloc[cut:]
        rep = args.repeat if n <= 20000 else args.repeat_large
        for kind in ("logistic", "tree", "forest"):
            model = make_churn_model(kind, NUMERIC, CATEGORICAL)
            t_fit = best_of(partial(model.fit, train, train["churned"]), rep)
            t_pred = best_of(partial(model.predict_proba, df), rep)
            auc = roc_auc_score(test["churned"], model.predict_proba(test)[:, 1])
            rows.append((n, kind, t_fit, t_pred, auc))
            if kind == "forest" and n == min(args.sizes):
                extra.append((n, "reason_codes, 300 customers (forest)",
                              best_of(partial(reason_codes, model, test.iloc[:300]), rep)))
                extra.append((n, f"permutation_importance_table, {len(test):,} rows x 5 repeats (forest)",
                              best_of(partial(permutation_importance_table, model, test, test["churned"]), 1)))

    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}; Python {platform.python_version()}")
    print()
    print("| rows | model | fit (80% of rows) | predict_proba (all rows) | held-out AUC |")
    print("|---:|---|---:|---:|---:|")
    for n, kind, t_fit, t_pred, auc in rows:
        print(f"| {n:,} | {kind} | {t_fit:.2f} s | {t_pred:.2f} s | {auc:.3f} |")
    if extra:
        print()
        print("| rows | explanation | time |")
        print("|---:|---|---:|")
        for n, what, t in extra:
            print(f"| {n:,} | {what} | {t:.2f} s |")


if __name__ == "__main__":
    main()
