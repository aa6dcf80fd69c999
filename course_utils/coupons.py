"""Dynamic coupons (余额达标送加息券): tiered rate coupons on balance thresholds, cost vs retained balance.

A rate coupon (加息券) adds ``rate`` per year to a customer's deposit rate for
``term_days``. "余额达标送加息券" gives a bigger coupon to customers whose balance
reaches a higher threshold. :func:`coupon_plan_value` computes, for a list of
customers and their balances, what a tier plan costs, how much balance it keeps,
and its net value -- next to a **flat** coupon (one rate for everyone in the list)
**at the same cost**, so plans are compared at equal spend.

Assumptions (:class:`CouponAssumptions`, illustrative -- state them wherever the
figures appear; replace them with a measured response from an experiment):

- Cost: ``rate × balance × term_days / 365`` for every customer who gets a coupon
  (paid on the whole balance; an upper bound, since some leave anyway).
- Without a coupon a share ``risk`` of each balance leaves within ``horizon_years``
  (per customer from a churn model if given, else ``base_risk``).
- A coupon keeps part of that at-risk balance. Customers react to the coupon's value
  in money, not to its rate: the share kept is
  ``max_save × (1 − 2^(−value / half_value))`` with ``value = rate × balance × term/365``
  (CNY); at ``value = half_value`` half of ``max_save`` is reached. So ¥3 on a small
  balance keeps almost nothing, and very large coupons add little (diminishing
  returns) -- which is why tiers can beat a flat rate at the same cost.
- Value of a kept balance: ``margin`` (net interest margin per year) × kept balance ×
  ``horizon_years``. Net value = value − cost; ROI = net value ÷ cost.

>>> r = coupon_plan_value([5_000, 80_000, 300_000], [(50_000, 0.003), (200_000, 0.005)])
>>> r.summary["plan"].tolist(), int(r.summary.loc[0, "customers"]), round(float(r.summary.loc[0, "cost"]), 2)
(['tiered', 'flat'], 2, 429.04)
"""
from __future__ import annotations

import math
import numbers
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from .errors import CourseArgumentError

__all__ = ["CouponAssumptions", "CouponPlanResult", "coupon_plan_value", "check_tiers", "MAX_COUPON_RATE"]

#: Highest coupon rate accepted (per year, 3 percentage points).
MAX_COUPON_RATE = 0.03
_LN2 = math.log(2.0)


def _err(zh: str, en: str) -> CourseArgumentError:
    return CourseArgumentError(f"{zh}\n{en}")


@dataclass(frozen=True)
class CouponAssumptions:
    """Assumptions of :func:`coupon_plan_value` (fractions per year, CNY, days). See module doc."""

    term_days: int = 90
    horizon_years: float = 2.0
    margin: float = 0.02
    base_risk: float = 0.20
    max_save: float = 0.5
    half_value: float = 150.0

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class CouponPlanResult:
    """Result of :func:`coupon_plan_value`.

    ``summary``: one row per plan (``tiered``, ``flat``): ``customers`` (with a coupon),
    ``cost``, ``kept_balance``, ``value``, ``net_value``, ``roi`` (CNY; roi a fraction).
    ``by_tier``: per tier of the tiered plan (``tier`` 0 = below the first threshold, no
    coupon): ``threshold``, ``rate``, ``customers``, ``balance``, ``cost``, ``kept_balance``,
    ``net_value``. ``flat_rate``: the flat plan's rate (same cost). ``beats_flat``: tiered net
    value > flat net value. ``per_customer``: per customer balance, tier, rate, cost, kept.
    """

    summary: pd.DataFrame
    by_tier: pd.DataFrame
    flat_rate: float
    beats_flat: bool
    per_customer: pd.DataFrame
    assumptions: CouponAssumptions


def check_tiers(tiers) -> list[tuple[float, float]]:
    """Validated tiers: ``[(threshold CNY, rate per year), ...]``, thresholds strictly increasing.

    >>> check_tiers([(50_000, 0.003), (200_000, 0.005)])
    [(50000.0, 0.003), (200000.0, 0.005)]
    """
    try:
        pairs = [(t[0], t[1]) for t in tiers]
    except (TypeError, IndexError, KeyError):
        raise _err("tiers 必须是（余额门槛, 年化加息率）的列表，例如 [(50000, 0.003), (200000, 0.005)]。",
                   "tiers must be a list of (balance threshold, annual coupon rate), "
                   "e.g. [(50000, 0.003), (200000, 0.005)].") from None
    if not pairs:
        raise _err("至少需要一个档位。", "At least one tier is needed.")
    out = []
    for i, (th, rate) in enumerate(pairs, 1):
        for v, what in ((th, "门槛 threshold"), (rate, "加息率 rate")):
            if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(float(v)):
                raise _err(f"第 {i} 档的{what.split()[0]}必须是数字，现在是 {v!r}。",
                           f"Tier {i}: the {what.split()[1]} must be a number, got {v!r}.")
        th, rate = float(th), float(rate)
        if th < 0:
            raise _err(f"第 {i} 档的余额门槛不能为负数（{th:g}）。", f"Tier {i}: threshold cannot be negative ({th:g}).")
        if not 0 <= rate <= MAX_COUPON_RATE:
            hint = "（加息率写成小数，例如 0.5% 写 0.005）" if rate > MAX_COUPON_RATE else ""
            raise _err(f"第 {i} 档的加息率必须在 0 到 {MAX_COUPON_RATE:.0%} 之间，现在是 {rate:g}{hint}。",
                       f"Tier {i}: the coupon rate must be between 0 and {MAX_COUPON_RATE:.0%}, got {rate:g} "
                       "(write 0.5 % as 0.005).")
        if out and th <= out[-1][0]:
            raise _err(f"档位的余额门槛必须从低到高严格递增：第 {i} 档 {th:,.0f} 不高于上一档 {out[-1][0]:,.0f}。",
                       f"Thresholds must increase strictly: tier {i} ({th:,.0f}) is not above the previous "
                       f"({out[-1][0]:,.0f}).")
        out.append((th, rate))
    return out


def _balances(balances, risk) -> tuple[pd.Series, np.ndarray | None]:
    if isinstance(balances, pd.DataFrame):
        if "balance" not in balances:
            raise _err(f"balances 表需要列 balance（余额，元）；现有列：{list(balances.columns)}。",
                       f"The balances table needs a column 'balance' (CNY); it has {list(balances.columns)}.")
        b = balances["balance"]
        if risk is None and "risk" in balances:
            risk = balances["risk"]
        if "customer_id" in balances:
            b = pd.Series(b.to_numpy(), index=balances["customer_id"].astype(str).to_numpy(), name="balance")
    else:
        b = balances if isinstance(balances, pd.Series) else pd.Series(list(balances))
    num = pd.to_numeric(b, errors="coerce")
    if num.isna().any() or not np.isfinite(num.to_numpy(dtype=float)).all():
        raise _err("余额中有缺失或非数值，请先处理。", "Balances contain missing or non-numeric values.")
    if (num < 0).any():
        raise _err("余额不能为负数。", "Balances cannot be negative.")
    if len(num) == 0:
        raise _err("没有客户（余额列表为空）。", "No customers (empty balance list).")
    r = None
    if risk is not None:
        r = pd.to_numeric(pd.Series(np.asarray(risk)), errors="coerce").to_numpy(dtype=float)
        if len(r) != len(num) or np.isnan(r).any() or ((r < 0) | (r > 1)).any():
            raise _err("risk（流失/资金流出概率）必须与余额一一对应，取值 0 到 1。",
                       "risk (probability that the balance leaves) must match the balances one to one, 0..1.")
    return num.astype(float), r


def _kept(balance: np.ndarray, rate: np.ndarray, risk: np.ndarray, a: CouponAssumptions) -> tuple[np.ndarray, np.ndarray]:
    from .datagen.detmath import exp   # IEEE-exact exp: the same figures on every CPU

    cost = rate * balance * a.term_days / 365.0
    saved_share = a.max_save * (1.0 - exp(-(cost / a.half_value) * _LN2))
    return cost, balance * risk * saved_share


def coupon_plan_value(balances, tiers, assumptions: CouponAssumptions | None = None, risk=None) -> CouponPlanResult:
    """Cost, kept balance and net value of a tiered coupon plan, and of a flat coupon at the same cost.

    Parameters
    ----------
    balances : balances in CNY -- a list, a Series (index = customer id), or a DataFrame with
        ``balance`` (and optional ``customer_id``, ``risk``). The population is whoever is
        passed (e.g. the high-value at-risk list's latest month-end balances).
    tiers : ``[(threshold, rate), ...]``: a customer with ``balance >= threshold`` gets that
        tier's annual coupon ``rate`` (the highest tier reached); below the first threshold,
        no coupon. Rates are fractions (0.005 = 0.5 %), at most :data:`MAX_COUPON_RATE`.
    assumptions : :class:`CouponAssumptions` (defaults stated in the module docstring).
    risk : optional per-customer probability that the balance leaves without a coupon
        (e.g. a churn model's score); default ``assumptions.base_risk`` for everyone.

    Returns a :class:`CouponPlanResult`. The flat plan gives every customer in the list the
    rate that makes its cost equal to the tiered plan's. Vectorised (a widget redraws it).

    >>> r = coupon_plan_value([5_000, 80_000, 300_000], [(50_000, 0.003), (200_000, 0.005)])
    >>> round(r.flat_rate, 5), r.beats_flat
    (0.00452, True)
    """
    a = CouponAssumptions() if assumptions is None else assumptions
    if not isinstance(a, CouponAssumptions):
        raise _err("assumptions 必须是 CouponAssumptions。", "assumptions must be a CouponAssumptions.")
    t = check_tiers(tiers)
    bal, r = _balances(balances, risk)
    b = bal.to_numpy(dtype=float)
    risk_arr = np.full(b.shape, a.base_risk) if r is None else r
    thresholds = np.array([th for th, _ in t])
    rates = np.array([0.0] + [rt for _, rt in t])
    tier = np.searchsorted(thresholds, b, side="right")          # 0 = below the first threshold
    rate = rates[tier]
    cost, kept = _kept(b, rate, risk_arr, a)
    total_cost = float(cost.sum())
    flat_rate = total_cost / (b.sum() * a.term_days / 365.0) if b.sum() > 0 else 0.0
    f_cost, f_kept = _kept(b, np.full(b.shape, flat_rate), risk_arr, a)
    value_per_kept = a.margin * a.horizon_years

    def row(plan: str, c: np.ndarray, k: np.ndarray, rt: np.ndarray) -> dict:
        cst, val = float(c.sum()), float(k.sum()) * value_per_kept
        return {"plan": plan, "customers": int((rt > 0).sum()), "cost": cst, "kept_balance": float(k.sum()),
                "value": val, "net_value": val - cst, "roi": (val - cst) / cst if cst > 0 else float("nan")}

    summary = pd.DataFrame([row("tiered", cost, kept, rate), row("flat", f_cost, f_kept, np.full(b.shape, flat_rate))])
    per = pd.DataFrame({"balance": b, "tier": tier, "rate": rate, "cost": cost, "kept_balance": kept},
                       index=bal.index)
    k = len(rates)
    tier_kept = np.bincount(tier, weights=kept, minlength=k)
    tier_cost = np.bincount(tier, weights=cost, minlength=k)
    by_tier = pd.DataFrame({"tier": np.arange(k), "threshold": [0.0] + list(thresholds), "rate": rates,
                            "customers": np.bincount(tier, minlength=k).astype("int64"),
                            "balance": np.bincount(tier, weights=b, minlength=k), "cost": tier_cost,
                            "kept_balance": tier_kept, "net_value": tier_kept * value_per_kept - tier_cost})
    beats = bool(summary.loc[0, "net_value"] > summary.loc[1, "net_value"] + 1e-9)
    return CouponPlanResult(summary=summary, by_tier=by_tier, flat_rate=float(flat_rate), beats_flat=beats,
                            per_customer=per, assumptions=a)
