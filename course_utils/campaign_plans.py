"""Planning with the campaign simulator (Lecture 2): budgets, targets, reference plans, holdouts.

:mod:`course_utils.campaign` simulates one plan and judges it; this module builds plans
and compares them:

- :func:`full_budget`, :func:`allocate`, :func:`spread` - turn campaigns without budgets into a
  plan that spends a given total (the lecture compares plans at equal spend);
- :func:`compare_plans` - totals of several plans side by side;
- :func:`reference_profit`, :func:`campaign_targets`, :func:`suggested_plan` - the targets and the
  reference solution of Lecture 2's exercise 3;
- :func:`holdout_plan` - how large a control group must be to measure an effect.

Every name is also importable from :mod:`course_utils.campaign`.
"""
from __future__ import annotations

import itertools
import math
from statistics import NormalDist
from typing import Any, Mapping

import numpy as np
import pandas as pd

from course_utils.datagen import response_rates as rr

from .campaign import (CHANNEL_COST, CHANNEL_SETUP_COST, CHANNELS, CONTACT_CAP_PER_MONTH, OFFER_COST,
                       OFFERS, PRODUCTS, SEGMENTS, TOTAL, as_audience, simulate_campaign,
                       simulate_cell)

__all__ = ["compare_plans", "holdout_plan", "segment_sizes", "reference_profit", "campaign_targets",
           "full_budget", "allocate", "spread", "suggested_plan"]


def compare_plans(plans: Mapping[str, Any], audience, seed: int = 0) -> pd.DataFrame:
    """Totals of several plans side by side (English columns): ``contacts, responses, cost,
    revenue, profit, roi`` per plan name. Compare plans at equal ``cost``.

    >>> t = compare_plans({"A": {"重要价值客户": ("理财", "短信", "无优惠", 600)}}, {"重要价值客户": 100})
    >>> t.columns.tolist()
    ['contacts', 'responses', 'cost', 'revenue', 'profit', 'roi']
    """
    rows = {name: simulate_campaign(plan, audience, seed=seed).loc[TOTAL] for name, plan in plans.items()}
    out = pd.DataFrame(rows).T[["contacts", "responses", "cost", "revenue", "profit", "roi"]]
    return out.astype({"contacts": "int64", "responses": "int64", "cost": float, "revenue": float,
                       "profit": float, "roi": float})


def holdout_plan(eligible: int, share: float = 0.10, base_rate: float = 0.02,
                 alpha: float = 0.05, power: float = 0.80) -> dict:
    """How a control group (holdout) would measure a campaign's incremental response.

    ``share`` of the ``eligible`` customers is randomly held out (not contacted); the
    campaign's effect = response rate of the contacted - that of the holdout. Returns
    ``n_treated``, ``n_control`` and ``mde``: the smallest lift (a fraction, e.g. 0.012 =
    1.2 percentage points) a two-sided test at ``alpha`` detects with ``power``, when the
    holdout buys at ``base_rate`` on its own (normal approximation).

    >>> h = holdout_plan(1000, share=0.1, base_rate=0.02)
    >>> h["n_treated"], h["n_control"], round(h["mde"], 3)
    (900, 100, 0.041)
    """
    n_control = int(round(eligible * share))
    n_treated = int(eligible) - n_control
    if n_control <= 0 or n_treated <= 0:
        return {"n_treated": n_treated, "n_control": n_control, "mde": float("nan")}
    z = NormalDist().inv_cdf(1 - alpha / 2) + NormalDist().inv_cdf(power)
    se = math.sqrt(base_rate * (1 - base_rate) * (1 / n_treated + 1 / n_control))
    return {"n_treated": n_treated, "n_control": n_control, "mde": z * se}



# ---------------------------------------------------------------------------
def segment_sizes(rfm_table: pd.DataFrame, bins: int = 5) -> dict[str, int]:
    """Customers per RFM segment (quintile scores by default), every segment listed.

    ``rfm_table``: one row per customer with recency_days, frequency, monetary
    (e.g. ``features.customer_view(bank, cutoff)``).

    >>> table = pd.DataFrame({"recency_days": [1, 50, 100, 200, 300], "frequency": [9, 5, 3, 2, 1],
    ...                       "monetary": [900.0, 500, 300, 200, 100]})
    >>> sizes = segment_sizes(table)
    >>> len(sizes), sum(sizes.values())
    (8, 5)
    """
    from course_utils.segments import rfm_scores

    counts = rfm_scores(rfm_table, bins=bins)["segment"].value_counts()
    return {seg: int(counts.get(seg, 0)) for seg in SEGMENTS}


def _cells():
    """Every (product, channel, offer, touches) a compliant plan may use."""
    for prod, ch, off in itertools.product(PRODUCTS, CHANNELS, OFFERS):
        for t in range(1, CONTACT_CAP_PER_MONTH[ch] + 1):
            yield prod, ch, off, t


def reference_profit(audience, max_budget: float, step: float = 500.0) -> float:
    """Best *expected* total profit (CNY) a compliant plan reaches under ``max_budget``.

    A knapsack over segments: each gets one compliant (product, channel, offer, touches)
    on 25/50/75/100 % of its eligible customers, or nothing; expected cost = set-up +
    touches + expected coupons. Sets the profit target of Lecture 2's exercise 3.

    >>> reference_profit({"重要价值客户": 100}, 400)      # below every set-up cost
    0.0
    >>> reference_profit({"重要价值客户": 100}, 10_000) > 0
    True
    """
    aud = as_audience(audience)
    n_steps = int(max_budget // step)
    best = np.zeros(n_steps + 1)
    for seg in SEGMENTS:
        options = []
        for prod, ch, off, t in _cells():
            n = aud.eligible(seg, prod, ch)
            if n <= 0:
                continue
            p = rr.true_rate(seg, prod, ch, off, t)
            per_contact_cost = t * CHANNEL_COST[ch] + p * OFFER_COST[off]
            margin = p * rr.value_per_response(seg, prod) - per_contact_cost
            if margin <= 0:
                continue
            for frac in (0.25, 0.5, 0.75, 1.0):
                k = int(n * frac)
                cost = CHANNEL_SETUP_COST[ch] + k * per_contact_cost
                profit = k * margin - CHANNEL_SETUP_COST[ch]
                if profit > 0:
                    options.append((int(np.ceil(cost / step)), profit))
        new = best.copy()
        for c, prof in options:
            if c <= n_steps:
                cand = np.full_like(best, -np.inf)
                cand[c:] = best[: n_steps + 1 - c] + prof
                new = np.maximum(new, cand)
        best = new
    return float(best.max())


def campaign_targets(audience, min_roi: float = 1.0, budget_per_customer: float = 20.0,
                     profit_share: float = 0.7) -> dict:
    """Targets of a campaign-design task, from the data (Lecture 2, exercise 3).

    ``max_budget`` = ``budget_per_customer`` CNY per customer (rounded to 1,000, at least
    10,000): the cap on the plan's *total cost*; ``min_roi`` as given (1.0 = 100 %);
    ``min_profit`` = ``profit_share`` of the best expected profit of a compliant plan under
    that cap (:func:`reference_profit`), rounded to 1,000 CNY.

    >>> t = campaign_targets({"重要价值客户": 1000})
    >>> t["max_budget"], t["min_roi"], t["min_profit"] > 0
    (20000.0, 1.0, True)
    """
    aud = as_audience(audience)
    max_budget = float(max(10_000, round(budget_per_customer * len(aud), -3)))
    ref = reference_profit(aud, max_budget)
    return {"max_budget": max_budget, "min_roi": float(min_roi),
            "min_profit": float(round(profit_share * ref, -3))}


def _budget_for(cost: float) -> float:
    """A budget that covers ``cost``: rounded up to 100 CNY."""
    return float(np.ceil(cost / 100.0 - 1e-9) * 100)


def full_budget(segment: str, product: str, channel: str, offer: str, audience, touches: int = 1,
                seed: int = 0) -> float:
    """The budget (CNY, rounded up to 100) that reaches every eligible customer of ``segment``:
    what the campaign spends plus one coupon held in reserve, 0 when nobody is eligible.

    >>> full_budget("重要价值客户", "理财", "短信", "无优惠", {"重要价值客户": 1000})   # 500 + 1000 x 0.1
    600.0
    """
    n = as_audience(audience).eligible(segment, product, channel)
    if n <= 0:
        return 0.0
    sim = simulate_cell(segment, product, channel, offer, 1e12, n, touches, seed)
    return _budget_for(sim["cost"] + OFFER_COST[offer])


def allocate(cells: Mapping[str, tuple], audience, total: float, seed: int = 0) -> dict:
    """Turn campaigns without budgets into a plan that spends ``total`` (CNY) in the given order.

    ``cells``: ordered ``segment -> (product, channel, offer[, touches])``; each segment gets
    the budget that reaches all its eligible customers (:func:`full_budget`) while the money
    lasts, the next one what is left. Budgets add up to at most ``total``.

    >>> allocate({"重要价值客户": ("理财", "短信", "无优惠")}, {"重要价值客户": 1000}, 5000)
    {'重要价值客户': ('理财', '短信', '无优惠', 600.0, 1)}
    """
    remaining = float(total)
    plan: dict = {}
    for seg, cell in cells.items():
        prod, ch, off = cell[:3]
        t = int(cell[3]) if len(cell) > 3 else 1
        if remaining <= CHANNEL_SETUP_COST[ch]:
            continue
        budget = min(full_budget(seg, prod, ch, off, audience, t, seed), remaining)
        if budget > 0:
            plan[seg] = (prod, ch, off, budget, t)
            remaining -= budget
    return plan


def spread(cells: Mapping[str, tuple], audience, total: float, seed: int = 0) -> dict:
    """Turn campaigns without budgets into a plan that splits ``total`` (CNY) evenly.

    Every segment gets the same share; a segment that needs less (all its eligible
    customers reached) keeps only what it needs and the rest is shared again among the
    others; a segment whose share cannot pay the set-up and one contact is left out.
    Budgets add up to at most ``total`` ("广撒网": the same campaign for everyone).

    >>> spread({"重要价值客户": ("理财", "短信", "无优惠"), "一般挽留客户": ("理财", "短信", "无优惠")},
    ...        {"重要价值客户": 1000, "一般挽留客户": 10_000}, 3000)
    {'重要价值客户': ('理财', '短信', '无优惠', 600.0, 1), '一般挽留客户': ('理财', '短信', '无优惠', 1500.0, 1)}
    """
    need = {}
    for seg, cell in cells.items():
        prod, ch, off = cell[:3]
        t = int(cell[3]) if len(cell) > 3 else 1
        need[seg] = (full_budget(seg, prod, ch, off, audience, t, seed),
                     CHANNEL_SETUP_COST[ch] + t * CHANNEL_COST[ch] + OFFER_COST[off], (prod, ch, off, t))
    active = [s for s in need if need[s][0] > 0]
    budgets: dict[str, float] = {}
    remaining = float(total)
    while active:
        share = float(np.floor(remaining / len(active) / 100.0) * 100)
        too_small = [s for s in active if share < need[s][1]]
        if too_small:                       # cannot even start: leave the smallest need out
            active.remove(min(too_small, key=lambda s: need[s][0]))
            continue
        saturated = [s for s in active if need[s][0] <= share]
        if not saturated:
            for s in active:
                budgets[s] = share
            break
        for s in saturated:
            budgets[s] = need[s][0]
            remaining -= need[s][0]
            active.remove(s)
    return {seg: (*need[seg][2][:3], budgets[seg], need[seg][2][3]) for seg in cells if seg in budgets}


def suggested_plan(audience, seed: int, max_budget: float) -> dict:
    """A compliant reference plan found the way a careful planner would, with the simulator.

    1. For every segment, simulate every compliant campaign (product, channel, offer,
       allowed touches; no wrong targeting) on all its eligible customers and keep those
       that make a profit.
    2. Fund each segment's best-ROI campaign, best ROI first, while the cap allows.
    3. With the money left, repeatedly make the change (another campaign for one segment,
       in full or as far as the money left reaches) that adds the most profit.

    Budgets are what each campaign spends, rounded up to 100 CNY, so they add up to at most
    ``max_budget`` and so does the total cost. Returns
    ``{segment: (product, channel, offer, budget, touches)}``.

    >>> plan = suggested_plan({"重要价值客户": 1000, "一般挽留客户": 500}, seed=1, max_budget=20_000)
    >>> "重要价值客户" in plan and sum(cell[3] for cell in plan.values()) <= 20_000
    True
    """
    aud = as_audience(audience)
    cap = float(np.floor(max_budget / 100.0) * 100)
    options: dict[str, list] = {}
    for seg in SEGMENTS:
        found = []
        for prod, ch, off, t in _cells():
            n = aud.eligible(seg, prod, ch)
            if n <= 0 or (seg, ch) in rr.WRONG_TARGETS:
                continue
            sim = simulate_cell(seg, prod, ch, off, 1e12, n, t, seed)
            profit = sim["revenue"] - sim["cost"]
            if sim["contacts"] and profit > 0:
                found.append((profit, _budget_for(sim["cost"] + OFFER_COST[off]), (prod, ch, off, t)))
        if found:
            options[seg] = found
    chosen: dict[str, tuple] = {}
    remaining = cap
    by_roi = sorted(options, key=lambda s: -max(p / b for p, b, _ in options[s]))
    for seg in by_roi:
        profit, budget, cell = max(options[seg], key=lambda o: o[0] / o[1])
        if budget <= remaining:
            chosen[seg] = (profit, budget, cell)
            remaining -= budget
    while True:
        best = None
        for seg, opts in options.items():
            now_profit, now_budget = (chosen[seg][0], chosen[seg][1]) if seg in chosen else (0.0, 0.0)
            for profit, budget, cell in opts:
                extra = budget - now_budget
                if extra > remaining:      # not affordable in full: what the money left buys
                    budget = now_budget + remaining
                    prod, ch, off, t = cell
                    if budget <= CHANNEL_SETUP_COST[ch]:
                        continue
                    sim = simulate_cell(seg, prod, ch, off, budget, aud.eligible(seg, prod, ch), t, seed)
                    profit, extra = sim["revenue"] - sim["cost"], remaining
                gain = profit - now_profit
                if gain > 0 and (best is None or gain > best[0]):
                    best = (gain, seg, (profit, budget, cell), extra)
        if best is None:
            break
        _, seg, option, extra = best
        chosen[seg] = option
        remaining -= extra
    plan = {}
    for seg in SEGMENTS:
        if seg in chosen:
            _, budget, (prod, ch, off, t) = chosen[seg]
            plan[seg] = (prod, ch, off, budget, t)
    return plan
