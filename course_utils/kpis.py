"""Course KPIs of Lecture 1: yearly churn, CLV tiers, loyalty by satisfaction band.

Definitions come from :mod:`course_utils.domain` (populations, tiers, bands). Every
function accepts the ``customers`` table as loaded (dates as ``datetime64``) or as raw
CSV strings (``''``/NaN for "no churn").

Each result names its population: ``as_of=None`` counts the rows given; ``as_of="2024-06-30"``
counts the customers on the books at the end of that day. Tables carry the population in
``frame.attrs["population"]`` (a Chinese note for the figure) and ``frame.attrs["n_population"]``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import domain
from .domain import tier_sizes

__all__ = ["yearly_churn_rates", "clv_tiers", "tier_means", "loyalty_by_satisfaction",
           "population", "tier_sizes"]


def population(customers: pd.DataFrame, as_of=None) -> tuple[pd.DataFrame, str]:
    """The rows a KPI counts and their Chinese population note.

    ``as_of=None``: the rows given (the caller has chosen them); otherwise the customers
    on the books at the end of day ``as_of`` (:func:`course_utils.domain.on_books`).

    >>> df = pd.DataFrame({"open_date": ["2020-01-01", "2020-01-01"], "churn_date": ["", "2022-01-01"]})
    >>> rows, note = population(df, "2023-12-31")
    >>> len(rows), note
    (1, '统计范围：2023-12-31 日终在网客户（1 人）')
    """
    rows = customers if as_of is None else customers.loc[domain.on_books(customers, as_of)]
    return rows, domain.population_note(as_of, len(rows))


def _with_population(frame: pd.DataFrame, note: str, n: int, as_of) -> pd.DataFrame:
    frame.attrs["population"] = note
    frame.attrs["n_population"] = int(n)
    frame.attrs["as_of"] = None if as_of is None else domain.as_date(as_of).strftime("%Y-%m-%d")
    return frame


def yearly_churn_rates(customers: pd.DataFrame, years=(2021, 2022, 2023)) -> pd.Series:
    """Yearly churn rate (fraction) per calendar year.

    Churn rate of year Y = customers on the books when 1 January Y begins
    (:func:`course_utils.domain.year_start_base`) whose ``churn_date`` falls in Y, divided
    by that base. Every churner counts in exactly one year.

    Returns a float Series indexed by year (0.15 = 15 %); NaN for a year with an empty base.

    >>> df = pd.DataFrame({"open_date": ["2020-01-01"] * 4 + ["2021-06-01"],
    ...                    "churn_date": ["2021-03-01", "", "2022-02-01", "", ""]})
    >>> yearly_churn_rates(df, years=(2021, 2022)).round(3).tolist()
    [0.25, 0.25]
    """
    out = {}
    for y in years:
        y = int(y)
        base = domain.year_start_base(customers, y)
        churned = base & domain.churned_during(customers, f"{y}-01-01", f"{y + 1}-01-01")
        n = int(base.sum())
        out[y] = float(churned.sum()) / n if n else float("nan")
    s = pd.Series(out, name="churn_rate", dtype=float)
    s.index.name = "year"
    return s


def tier_means(clv, *, ascending: bool = False, shares=(0.10, 0.60, 0.30),
               stat: str = "mean", top_count: int | None = None) -> pd.Series:
    """Mean (or median) CLV in CNY per value tier, indexed by tier key (top/middle/bottom).

    The default is the course's definition (ranked highest first, 10 % / 60 % / 30 %, sizes
    by :func:`course_utils.domain.tier_sizes`). The keywords produce the typical wrong
    answers an exercise recognises: ``ascending=True`` (sorted the wrong way),
    ``stat="median"``, ``top_count=10`` (the first 10 customers instead of 10 %),
    other ``shares``.

    >>> tier_means(pd.Series([100.0, 1, 2, 3, 4, 5, 6, 7, 8, 9])).round(2).to_dict()
    {'top': 100.0, 'middle': 6.5, 'bottom': 2.0}
    """
    v = pd.to_numeric(pd.Series(clv), errors="coerce").dropna().to_numpy(dtype=float)
    v = np.sort(v, kind="stable")
    if not ascending:
        v = v[::-1]
    n = v.shape[0]
    if tuple(shares) == (0.10, 0.60, 0.30) and top_count is None:
        top, mid, _ = tier_sizes(n)
    else:
        top = domain.round_half_up(shares[0] * n) if top_count is None else int(top_count)
        bottom = domain.round_half_up(shares[2] * n)
        mid = max(n - top - bottom, 0)
    parts = [v[:top], v[top:top + mid], v[top + mid:]]
    agg = np.median if stat == "median" else np.mean
    return pd.Series([float(agg(p)) if p.shape[0] else float("nan") for p in parts],
                     index=list(domain.TIERS), name="mean_clv")


def clv_tiers(customers: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Mean CLV (CNY) of the top 10% / middle 60% / bottom 30% of a population by CLV rank.

    Parameters
    ----------
    customers : DataFrame
        Needs ``clv``; with ``as_of`` also ``open_date`` and ``churn_date``.
    as_of : date, optional
        ``None`` (default): rank the rows given. A date: rank the customers on the
        books at the end of that day (Lecture 1 uses ``config.WINDOW_END``).

    Returns
    -------
    DataFrame, one row per tier (top first): ``tier`` (key), ``label`` ("Top 10%"),
    ``label_zh`` (高价值/中价值/低价值), ``n`` (customers), ``mean_clv`` (CNY),
    ``share_of_clv`` (fraction of the population's total CLV). ``attrs["population"]``
    names the population.

    >>> df = pd.DataFrame({"clv": [100.0, 10, 10, 10, 10, 10, 10, 1, 1, 1]})
    >>> t = clv_tiers(df)
    >>> t["tier"].tolist(), t["mean_clv"].tolist(), t.attrs["population"]
    (['top', 'middle', 'bottom'], [100.0, 10.0, 1.0], '统计范围：所给的 10 位客户')
    """
    rows, note = population(customers, as_of)
    means = tier_means(rows["clv"])
    n_valid = int(pd.to_numeric(rows["clv"], errors="coerce").notna().sum())
    sizes = tier_sizes(n_valid)
    totals = means.fillna(0.0).to_numpy() * np.asarray(sizes, dtype=float)
    grand = totals.sum()
    frame = pd.DataFrame({
        "tier": list(domain.TIERS),
        "label": [domain.TIER_LABELS_EN[t] for t in domain.TIERS],
        "label_zh": [domain.TIER_LABELS_ZH[t] for t in domain.TIERS],
        "n": list(sizes),
        "mean_clv": means.to_numpy(),
        "share_of_clv": totals / grand if grand > 0 else np.full(3, np.nan),
    })
    return _with_population(frame, note, len(rows), as_of)


def satisfaction_band(satisfaction: pd.Series) -> pd.Series:
    """Band key per satisfaction score (see :func:`course_utils.domain.satisfaction_band`).

    >>> satisfaction_band(pd.Series([95, 70, 69.5])).tolist()
    ['high', 'mid', 'low']
    """
    return domain.satisfaction_band(satisfaction)


def loyalty_by_satisfaction(customers: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Share of loyal customers (:func:`course_utils.domain.is_loyal`) per satisfaction band.

    Parameters
    ----------
    customers : DataFrame
        Needs ``satisfaction`` (0-100) and ``loyal`` (0/1); with ``as_of`` also the dates.
    as_of : date, optional
        ``None``: the rows given; a date: the customers on the books at the end of it.

    Returns
    -------
    DataFrame, one row per band (high first): ``band`` (key), ``label`` ("≥90", "70–89",
    "<70"), ``n``, ``loyal_rate`` (fraction); ``attrs["population"]`` names the population.

    >>> df = pd.DataFrame({"satisfaction": [95, 91, 80, 80, 50], "loyal": [1, 0, 1, 1, 0]})
    >>> t = loyalty_by_satisfaction(df)
    >>> t["band"].tolist(), t["loyal_rate"].tolist()
    (['high', 'mid', 'low'], [0.5, 1.0, 0.0])
    """
    rows, note = population(customers, as_of)
    band = domain.satisfaction_band(rows["satisfaction"])
    loyal = domain.is_loyal(rows)
    out = []
    for b in domain.BANDS:
        m = (band == b).to_numpy()
        n = int(m.sum())
        out.append({"band": b, "label": domain.BAND_LABELS[b], "n": n,
                    "loyal_rate": float(loyal.to_numpy()[m].mean()) if n else float("nan")})
    return _with_population(pd.DataFrame(out), note, len(rows), as_of)
