"""Course KPIs used in Lecture 1 (and checked against the data by the tests).

Every function accepts the ``customers`` table either as loaded (dates as
``datetime64``) or as raw CSV strings (``''``/NaN for "no churn").
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .domain import round_half_up, tier_sizes

__all__ = ["yearly_churn_rates", "clv_tiers", "loyalty_by_satisfaction", "tier_sizes"]

TIER_NAMES = ("Top 10%", "Middle 60%", "Bottom 30%")
TIER_CN = ("高价值", "中价值", "低价值")
BANDS = ("≥90", "70–89", "<70")


def _dates(s: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(s):
        return s
    s = s.replace("", np.nan) if s.dtype == object or pd.api.types.is_string_dtype(s) else s
    return pd.to_datetime(s, errors="coerce")


def yearly_churn_rates(customers: pd.DataFrame, years=(2021, 2022, 2023)) -> pd.Series:
    """Yearly churn rate (fraction) per calendar year.

    Churn rate of year Y = customers active on 1 Jan Y (opened on or before it and
    not churned before it) who churn during Y, divided by those active on 1 Jan Y.

    Parameters: ``customers`` with ``open_date`` and ``churn_date`` (empty/NaT while active).
    Returns a float Series indexed by year (e.g. 0.15 = 15 %).

    >>> df = pd.DataFrame({"open_date": ["2020-01-01"] * 4 + ["2021-06-01"],
    ...                    "churn_date": ["2021-03-01", "", "2022-02-01", "", ""]})
    >>> yearly_churn_rates(df, years=(2021, 2022)).round(3).tolist()
    [0.25, 0.25]
    """
    open_d = _dates(customers["open_date"])
    churn_d = _dates(customers["churn_date"])
    out = {}
    for y in years:
        jan1 = pd.Timestamp(f"{int(y)}-01-01")
        active = (open_d <= jan1) & (churn_d.isna() | (churn_d >= jan1))
        churned = active & (churn_d.dt.year == int(y))
        n = int(active.sum())
        out[int(y)] = float(churned.sum()) / n if n else float("nan")
    s = pd.Series(out, name="churn_rate", dtype=float)
    s.index.name = "year"
    return s


def clv_tiers(customers: pd.DataFrame) -> pd.DataFrame:
    """Mean CLV (CNY) of the Top 10% / Middle 60% / Bottom 30% customers by CLV rank.

    Customers are ranked by ``clv`` (highest first, missing values dropped);
    tier sizes come from :func:`tier_sizes`.

    Returns columns ``tier``, ``tier_cn`` (高价值/中价值/低价值), ``n``, ``mean_clv``.

    >>> df = pd.DataFrame({"clv": [100.0, 10, 10, 10, 10, 10, 10, 1, 1, 1]})
    >>> clv_tiers(df)["mean_clv"].tolist()
    [100.0, 10.0, 1.0]
    """
    v = np.sort(pd.to_numeric(customers["clv"], errors="coerce").dropna().to_numpy())[::-1]
    top, mid, bot = tier_sizes(v.shape[0])
    parts = [v[:top], v[top:top + mid], v[top + mid:]]
    return pd.DataFrame({
        "tier": list(TIER_NAMES), "tier_cn": list(TIER_CN),
        "n": [p.shape[0] for p in parts],
        "mean_clv": [float(p.mean()) if p.shape[0] else float("nan") for p in parts],
    })


def satisfaction_band(satisfaction: pd.Series) -> pd.Series:
    """Band label per satisfaction score: '≥90', '70–89' or '<70' (NaN stays NaN).

    >>> satisfaction_band(pd.Series([95, 70, 69.5])).tolist()
    ['≥90', '70–89', '<70']
    """
    s = pd.to_numeric(satisfaction, errors="coerce")
    out = pd.Series(np.where(s >= 90, BANDS[0], np.where(s >= 70, BANDS[1], BANDS[2])),
                    index=s.index, dtype=object)
    return out.where(s.notna())


def loyalty_by_satisfaction(customers: pd.DataFrame) -> pd.DataFrame:
    """Share of loyal customers (``loyal`` = 1) per satisfaction band.

    Bands: '≥90' (90-100), '70–89' (70 to below 90), '<70'. Returns columns
    ``band``, ``n``, ``loyal_rate`` (fraction).

    >>> df = pd.DataFrame({"satisfaction": [95, 91, 80, 80, 50], "loyal": [1, 0, 1, 1, 0]})
    >>> loyalty_by_satisfaction(df)["loyal_rate"].tolist()
    [0.5, 1.0, 0.0]
    """
    band = satisfaction_band(customers["satisfaction"])
    loyal = pd.to_numeric(customers["loyal"], errors="coerce")
    rows = []
    for b in BANDS:
        m = band == b
        n = int(m.sum())
        rows.append({"band": b, "n": n, "loyal_rate": float(loyal[m].mean()) if n else float("nan")})
    return pd.DataFrame(rows)
