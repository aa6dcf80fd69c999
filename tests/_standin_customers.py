"""Stand-in customers frame for H1b's tests (products, texts, recommender).

It has exactly the columns the real generator hands to ``make_holdings``,
``make_messages``, ``make_outbound_calls`` and ``make_survey`` (including the
hidden ``_taste`` and ``_risk``), so these tests do not depend on the
customer generator.  Not a fixture of the real data: no target is checked here.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

REASONS = np.array(["服务不满意", "收费过高", "收益率低", "竞争对手优惠", "搬迁/工作变动", "其他"])


def standin_customers(n: int, seed: int) -> pd.DataFrame:
    """A synthetic population of ``n`` customers (deterministic per seed)."""
    rng = np.random.default_rng(seed)
    taste = rng.integers(0, 6, n)
    hint = np.array([1, 4, 2, 3, 3, 3])[taste]
    risk = np.clip(hint + rng.integers(-1, 2, n), 1, 5)
    age = np.clip(rng.normal(42, 13, n).round(), 18, 85).astype(int)
    income = np.round(rng.lognormal(np.log(9000), 0.6, n), -1)
    income[rng.random(n) < 0.05] = np.nan
    start = np.datetime64("2015-01-01").astype("int64")
    end = np.datetime64("2024-06-30").astype("int64")
    open_d = rng.integers(start, end - 30, n)
    risk_score = np.clip(rng.beta(2, 5, n), 0, 1)
    churned = rng.random(n) < 0.2 + 0.6 * risk_score
    lo = np.maximum(open_d + 30, np.datetime64("2021-01-01").astype("int64"))
    churn_d = lo + (rng.random(n) * (end - lo)).astype(np.int64)
    churned &= churn_d <= end
    sat = np.clip(np.round(95 - 60 * risk_score + rng.normal(0, 8, n)), 0, 100).astype(int)
    iso = lambda d: np.datetime_as_string(d.astype("datetime64[D]"), unit="D")  # noqa: E731
    return pd.DataFrame(
        {
            "customer_id": [f"C{i + 1:06d}" for i in range(n)],
            "age": age,
            "monthly_income": income,
            "risk_appetite": [f"R{r}" for r in risk],
            "open_date": iso(open_d),
            "churn_date": np.where(churned, iso(churn_d), ""),
            "churn_reason": np.where(churned, REASONS[rng.integers(0, len(REASONS), n)], ""),
            "satisfaction": sat,
            "_taste": taste,
            "_risk": risk_score,
        }
    )
