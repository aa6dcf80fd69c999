"""Segment campaign simulator for Lecture 2 (精准营销 precision marketing).

A plan maps each RFM segment to a campaign: product category, channel, offer and
budget (CNY). :func:`simulate_campaign` returns per segment the contacts, responses,
costs, incremental revenue and ROI, plus a 合计 (total) row. Responses are drawn
from seeded binomial noise around hidden true rates defined by the generator
(:mod:`course_utils.datagen.response_rates`): the same plan and seed always give
the same result.

Money flows (all CNY):

- contact cost = set-up cost of the channel + contacts x cost per contact; it is paid
  from the budget, so ``contacts = min(segment size, (budget - set-up) / cost per contact)``;
- offer cost = responses x cost of the offer (coupon, waived fee);
- cost = contact cost + offer cost; revenue = responses x first-year margin;
- profit = revenue - cost; ROI = profit / cost (1.0 = 100%: every yuan returns two).

Example::

    plan = {"重要价值客户": ("理财", "客户经理面访", "加息券", 60000)}
    simulate_campaign(plan, segment_sizes={"重要价值客户": 1000}, seed=1)
"""
from __future__ import annotations

import itertools
import zlib
from typing import Mapping

import numpy as np
import pandas as pd

from course_utils.datagen import response_rates as rr

__all__ = [
    "PRODUCTS",
    "CHANNELS",
    "OFFERS",
    "CHANNEL_COST",
    "CHANNEL_SETUP_COST",
    "OFFER_COST",
    "PlanError",
    "normalise_plan",
    "simulate_campaign",
    "evaluate_plan",
    "plan_problems",
    "COLUMNS_ZH",
    "TOTAL",
    "to_chinese",
    "render_campaign",
    "segment_description",
    "segment_sizes",
    "reference_profit",
    "campaign_targets",
    "suggested_plan",
]

PRODUCTS: tuple[str, ...] = rr.PRODUCTS
CHANNELS: tuple[str, ...] = rr.CHANNELS
OFFERS: tuple[str, ...] = rr.OFFERS
SEGMENTS: tuple[str, ...] = rr.SEGMENTS
#: Public price list (trainees may see costs; the response rates stay hidden).
CHANNEL_COST = dict(rr.CHANNEL_COST)
CHANNEL_SETUP_COST = dict(rr.CHANNEL_SETUP_COST)
OFFER_COST = dict(rr.OFFER_COST)

#: Label of the total row of :func:`simulate_campaign`'s result.
TOTAL = "合计"

#: Chinese column names for display.
COLUMNS_ZH = {
    "product": "产品",
    "channel": "渠道",
    "offer": "优惠",
    "budget": "预算(元)",
    "size": "客群人数",
    "contacts": "触达人数",
    "responses": "响应人数",
    "response_rate": "响应率",
    "contact_cost": "触达成本(元)",
    "offer_cost": "优惠成本(元)",
    "cost": "总成本(元)",
    "revenue": "增量收入(元)",
    "profit": "净收益(元)",
    "roi": "ROI",
}


class PlanError(ValueError):
    """An invalid campaign plan; the message is Chinese and says how to fix it.

    In Jupyter it shows as the message only (no traceback).
    """

    def _render_traceback_(self):  # IPython hook: show the message, not a traceback
        return [f"方案有误：{self}"]


def _plan_error(msg: str) -> PlanError:
    return PlanError(msg)


def normalise_plan(plan) -> dict[str, dict]:
    """Validate a plan and return ``{segment: {product, channel, offer, budget}}``.

    A plan is a mapping ``segment -> (product, channel, offer, budget)`` or
    ``segment -> {"product": ..., "channel": ..., "offer": ..., "budget": ...}``.
    Segments with budget 0 (or ``None``) are dropped (no campaign).
    Raises :class:`PlanError` with a Chinese message on anything invalid.
    """
    if not isinstance(plan, Mapping):
        raise _plan_error(
            f"方案应该是一个字典 {{客群: (产品, 渠道, 优惠, 预算)}}，现在是 {type(plan).__name__}。"
        )
    out: dict[str, dict] = {}
    for seg, cell in plan.items():
        if not isinstance(seg, str) or seg not in SEGMENTS:
            raise _plan_error(f"未知客群 {seg!r}。可选客群：{'、'.join(SEGMENTS)}。")
        if cell is None:
            continue
        if isinstance(cell, Mapping):
            try:
                product, channel, offer = cell["product"], cell["channel"], cell.get("offer", "无优惠")
                budget = cell["budget"]
            except KeyError as exc:
                raise _plan_error(
                    f"客群 {seg} 的方案缺少 {exc.args[0]!r}。需要 product、channel、offer、budget 四项。"
                ) from None
        elif isinstance(cell, (tuple, list)) and len(cell) == 4:
            product, channel, offer, budget = cell
        else:
            raise _plan_error(
                f"客群 {seg} 的方案应该是 (产品, 渠道, 优惠, 预算) 四项，现在是 {repr(cell)[:80]}。"
            )
        for what, value in (("产品", product), ("渠道", channel), ("优惠", offer)):
            if not isinstance(value, str):
                raise _plan_error(f"客群 {seg}：{what}应该是一段文字（例如 {PRODUCTS[0]!r}），"
                                  f"现在是 {type(value).__name__}。")
        if product not in PRODUCTS:
            raise _plan_error(f"客群 {seg}：未知产品 {product!r}。可选产品类别：{'、'.join(PRODUCTS)}。")
        if channel not in CHANNELS:
            raise _plan_error(f"客群 {seg}：未知渠道 {channel!r}。可选渠道：{'、'.join(CHANNELS)}。")
        if offer not in OFFERS:
            raise _plan_error(f"客群 {seg}：未知优惠 {offer!r}。可选优惠：{'、'.join(OFFERS)}。")
        if budget is None:
            budget = 0.0
        if isinstance(budget, bool) or not isinstance(budget, (int, float, np.integer, np.floating)):
            raise _plan_error(f"客群 {seg}：预算应该是数字（元），现在是 {repr(budget)[:40]}。")
        budget = float(budget)
        if not np.isfinite(budget) or budget < 0:
            raise _plan_error(f"客群 {seg}：预算不能为负数或无穷大，现在是 {budget!r}。")
        if budget == 0:
            continue
        out[seg] = {"product": product, "channel": channel, "offer": offer, "budget": budget}
    return out


def _sizes(segment_sizes) -> dict[str, int]:
    if isinstance(segment_sizes, pd.Series):
        segment_sizes = segment_sizes.to_dict()
    if not isinstance(segment_sizes, Mapping):
        raise _plan_error("segment_sizes 应该是 {客群: 人数}，例如 scored['segment'].value_counts()。")
    out = {}
    for k, v in segment_sizes.items():
        if k in SEGMENTS:
            n = int(v)
            if n < 0:
                raise _plan_error(f"客群 {k} 的人数不能为负数。")
            out[str(k)] = n
    return out


def _rng(seed: int, segment: str) -> np.random.Generator:
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, zlib.crc32(segment.encode("utf-8"))])


def simulate_cell(segment: str, product: str, channel: str, offer: str, budget: float,
                  size: int, seed: int = 0) -> tuple[int, int, float, float, float]:
    """One segment campaign: ``(contacts, responses, contact_cost, offer_cost, revenue)``.

    Inputs must be valid (see :func:`normalise_plan`); this is the fast inner step of
    :func:`simulate_campaign` (same numbers for the same seed).
    """
    unit = CHANNEL_COST[channel]
    setup = CHANNEL_SETUP_COST[channel]
    if budget <= setup or size <= 0:
        contacts = 0
    else:
        contacts = int(min(size, np.floor((budget - setup) / unit + 1e-9)))
    p = rr.true_rate(segment, product, channel, offer)
    responses = int(_rng(seed, segment).binomial(contacts, p)) if contacts else 0
    contact_cost = setup + contacts * unit if contacts else 0.0
    offer_cost = responses * OFFER_COST[offer]
    revenue = responses * rr.value_per_response(segment, product)
    return contacts, responses, contact_cost, offer_cost, revenue


def simulate_campaign(plan, segment_sizes, seed: int = 0) -> pd.DataFrame:
    """Simulate a segment campaign plan.

    Parameters
    ----------
    plan : mapping
        ``segment -> (product, channel, offer, budget)`` (or a dict with those keys).
        product in :data:`PRODUCTS`, channel in :data:`CHANNELS`, offer in :data:`OFFERS`,
        budget in CNY (>= 0; 0 = no campaign).
    segment_sizes : mapping or Series
        Customers per segment, e.g. ``scored["segment"].value_counts()``.
    seed : int
        Seed of the binomial noise; same plan + same seed -> same result.

    Returns
    -------
    DataFrame indexed by segment (plus a final ``合计`` row) with columns
    ``product, channel, offer, budget, size, contacts, responses, response_rate,
    contact_cost, offer_cost, cost, revenue, profit, roi`` (money in CNY, ROI as a
    ratio: 0.5 = 50%). :func:`to_chinese` renames the columns for display.

    Raises
    ------
    PlanError
        Unknown segment / product / channel / offer, negative or non-numeric budget.
    """
    cells = normalise_plan(plan)
    sizes = _sizes(segment_sizes)
    rows = []
    for seg in SEGMENTS:
        if seg not in cells:
            continue
        c = cells[seg]
        size = sizes.get(seg, 0)
        contacts, responses, contact_cost, offer_cost, revenue = simulate_cell(
            seg, c["product"], c["channel"], c["offer"], c["budget"], size, seed
        )
        rows.append(
            {
                "segment": seg,
                **{k: c[k] for k in ("product", "channel", "offer", "budget")},
                "size": size,
                "contacts": contacts,
                "responses": responses,
                "contact_cost": round(contact_cost, 2),
                "offer_cost": round(offer_cost, 2),
                "revenue": round(revenue, 2),
            }
        )
    cols = ["product", "channel", "offer", "budget", "size", "contacts", "responses",
            "response_rate", "contact_cost", "offer_cost", "cost", "revenue", "profit", "roi"]
    if not rows:
        df = pd.DataFrame(columns=cols, index=pd.Index([], name="segment"))
    else:
        df = pd.DataFrame(rows).set_index("segment")
    total = {
        "product": "",
        "channel": "",
        "offer": "",
        "budget": float(df["budget"].sum()) if len(df) else 0.0,
        "size": int(df["size"].sum()) if len(df) else 0,
        "contacts": int(df["contacts"].sum()) if len(df) else 0,
        "responses": int(df["responses"].sum()) if len(df) else 0,
        "contact_cost": float(df["contact_cost"].sum()) if len(df) else 0.0,
        "offer_cost": float(df["offer_cost"].sum()) if len(df) else 0.0,
        "revenue": float(df["revenue"].sum()) if len(df) else 0.0,
    }
    df = pd.concat([df, pd.DataFrame([total], index=pd.Index([TOTAL], name="segment"))])
    df["cost"] = df["contact_cost"] + df["offer_cost"]
    df["profit"] = df["revenue"] - df["cost"]
    df["response_rate"] = (df["responses"] / df["contacts"].where(df["contacts"] > 0)).astype(float)
    df["roi"] = (df["profit"] / df["cost"].where(df["cost"] > 0)).astype(float)
    for col in ("size", "contacts", "responses"):
        df[col] = df[col].astype("int64")
    return df[cols]


def plan_problems(plan, result: pd.DataFrame | None = None) -> list[str]:
    """Chinese descriptions of wrong targeting in a (valid) plan.

    Wrong = an expensive personal channel on a low-value, inactive segment
    (:data:`course_utils.datagen.response_rates.WRONG_TARGETS`), or, when the
    simulated ``result`` is given, a segment campaign that loses money.
    """
    cells = normalise_plan(plan)
    problems = []
    for seg, c in cells.items():
        if (seg, c["channel"]) in rr.WRONG_TARGETS:
            ch = c["channel"]
            problems.append(
                f"{seg} 用了{ch}：这类客户{segment_description(seg)}，单客价值低，"
                f"{ch}每次接触 {CHANNEL_COST[ch]:g} 元、启动 {CHANNEL_SETUP_COST[ch]:,.0f} 元，"
                "成本收不回来。"
            )
    if result is not None:
        for seg in result.index:
            if seg == TOTAL:
                continue
            roi = result.loc[seg, "roi"]
            if pd.notna(roi) and roi < 0 and not any(p.startswith(seg) for p in problems):
                problems.append(f"{seg} 的活动亏损（ROI {roi:.0%}）。")
    return problems


def segment_description(segment: str) -> str:
    """What the RFM rule says about a segment, in plain Chinese (from ``segments.SEGMENT_RULES``).

    >>> segment_description("一般发展客户")
    '最近有交易，但交易不多、金额低'
    >>> segment_description("一般挽留客户")
    '很久没有交易，交易不多、金额低'
    """
    from course_utils.segments import SEGMENT_RULES

    rule = next((k for k, v in SEGMENT_RULES.items() if v == segment), None)
    if rule is None:
        return "（未知客群）"
    r_high, f_high, m_high = rule
    recency = "最近有交易" if r_high else "很久没有交易"
    rest = f"交易{'频繁' if f_high else '不多'}、金额{'高' if m_high else '低'}"
    return f"{recency}，{'但' if r_high and not (f_high and m_high) else ''}{rest}"


def evaluate_plan(plan, segment_sizes, seed: int, min_roi: float, max_budget: float,
                  min_profit: float = 0.0) -> tuple[bool, list[str], pd.DataFrame]:
    """Judge a plan against a target: ROI >= ``min_roi``, total budget <= ``max_budget``,
    profit >= ``min_profit`` and no wrong targeting. Returns ``(ok, reasons, result)``.
    """
    result = simulate_campaign(plan, segment_sizes, seed=seed)
    total = result.loc[TOTAL]
    reasons = []
    if total["budget"] > max_budget + 1e-6:
        reasons.append(f"总预算 {total['budget']:,.0f} 元超过上限 {max_budget:,.0f} 元。")
    if total["contacts"] == 0:
        reasons.append("方案没有触达任何客户（预算是否都为 0，或低于渠道启动成本？）。")
    elif not pd.notna(total["roi"]) or total["roi"] < min_roi:
        reasons.append(f"总 ROI 为 {total['roi']:.0%}，还没有达到目标 {min_roi:.0%}。")
    if total["profit"] < min_profit:
        reasons.append(f"净收益 {total['profit']:,.0f} 元，低于目标 {min_profit:,.0f} 元。")
    reasons += plan_problems(plan, result)
    return (not reasons), reasons, result


def to_chinese(result: pd.DataFrame) -> pd.DataFrame:
    """The result table with Chinese column names and readable formatting of rates."""
    out = result.rename(columns=COLUMNS_ZH).copy()
    out.index.name = "客群"
    return out


def render_campaign(plan, segment_sizes, seed: int = 0, draw: bool = True):
    """Pure render logic of the campaign widget: ``(table_zh, message, fig)``.

    ``message`` is ``""`` or the Chinese error of an invalid plan (then table and
    figure are ``None``). The figure shows cost vs. incremental revenue per segment.
    """
    try:
        result = simulate_campaign(plan, segment_sizes, seed=seed)
    except PlanError as exc:
        return None, str(exc), None
    table = to_chinese(result)
    fig = None
    if draw:
        import matplotlib.pyplot as plt

        body = result.drop(index=TOTAL)
        fig, ax = plt.subplots(figsize=(9, 3.6))
        x = np.arange(len(body))
        ax.bar(x - 0.2, body["cost"], width=0.4, label="总成本", color="#DD8452")
        ax.bar(x + 0.2, body["revenue"], width=0.4, label="增量收入", color="#4C72B0")
        ax.set_xticks(x, [str(i) for i in body.index], rotation=20)
        ax.set_ylabel("金额（元）")
        tot = result.loc[TOTAL]
        roi_txt = f"{tot['roi']:.0%}" if pd.notna(tot["roi"]) else "—"
        ax.set_title(f"各客群活动成本与增量收入（总 ROI {roi_txt}，净收益 {tot['profit']:,.0f} 元）")
        ax.legend()
        fig.tight_layout()
    return table, "", fig


# ---------------------------------------------------------------------------
# Planning helpers (Lecture 2, exercise 3 sets its targets and its reference plan with them)
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


def reference_profit(sizes: Mapping[str, int], max_budget: float, step: float = 500.0) -> float:
    """Best *expected* total profit (CNY) reachable under ``max_budget`` (knapsack over segments).

    Each segment gets one (product, channel, offer) at 25/50/75/100% of its customers,
    or nothing. Used to set the profit target of Lecture 2's exercise 3 from the data.

    >>> reference_profit({"重要价值客户": 100}, 400)      # below every set-up cost
    0.0
    >>> reference_profit({"重要价值客户": 100}, 10_000) > 0
    True
    """
    n_steps = int(max_budget // step)
    best = np.zeros(n_steps + 1)
    for seg in SEGMENTS:
        size = int(sizes.get(seg, 0))
        if size <= 0:
            continue
        options = []
        for prod, ch, off in itertools.product(PRODUCTS, CHANNELS, OFFERS):
            p = rr.true_rate(seg, prod, ch, off)
            margin = p * (rr.value_per_response(seg, prod) - rr.OFFER_COST[off]) - rr.CHANNEL_COST[ch]
            if margin <= 0:
                continue
            for frac in (0.25, 0.5, 0.75, 1.0):
                k = int(size * frac)
                cost = rr.CHANNEL_SETUP_COST[ch] + k * rr.CHANNEL_COST[ch]
                profit = k * margin - rr.CHANNEL_SETUP_COST[ch]
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


def campaign_targets(sizes: Mapping[str, int], min_roi: float = 1.0,
                     budget_per_customer: float = 20.0, profit_share: float = 0.6) -> dict:
    """Targets of a campaign-design task, from the data (Lecture 2, exercise 3).

    ``max_budget`` = ``budget_per_customer`` CNY per customer (rounded to 1,000, at
    least 10,000); ``min_roi`` as given (1.0 = 100 %); ``min_profit`` =
    ``profit_share`` of the best expected profit under that budget
    (:func:`reference_profit`), rounded to 1,000 CNY.

    >>> t = campaign_targets({"重要价值客户": 1000})
    >>> t["max_budget"], t["min_roi"], t["min_profit"] > 0
    (20000.0, 1.0, True)
    """
    total = int(sum(int(v) for v in dict(sizes).values()))
    max_budget = float(max(10_000, round(budget_per_customer * total, -3)))
    ref = reference_profit(dict(sizes), max_budget)
    return {"max_budget": max_budget, "min_roi": float(min_roi),
            "min_profit": float(round(profit_share * ref, -3))}


def suggested_plan(sizes: Mapping[str, int], seed: int, max_budget: float) -> dict:
    """A reference plan found the way a trainee would: by trying campaigns in the simulator.

    Segments are taken from the most to the least valuable; for each, every product /
    channel / offer is simulated on the whole segment (or what the remaining budget
    buys) and the most profitable one is kept, skipping wrong targeting and
    loss-making campaigns. Budgets are rounded up to 100 CNY.

    >>> plan = suggested_plan({"重要价值客户": 1000, "一般挽留客户": 500}, seed=1, max_budget=20_000)
    >>> "重要价值客户" in plan and sum(cell[3] for cell in plan.values()) <= 20_000
    True
    """
    plan: dict = {}
    remaining = float(max_budget)
    for seg in SEGMENTS:
        n = int(sizes.get(seg, 0))
        best = None
        for prod, ch, off in itertools.product(PRODUCTS, CHANNELS, OFFERS):
            if (seg, ch) in rr.WRONG_TARGETS:
                continue
            full = float(np.ceil((CHANNEL_SETUP_COST[ch] + n * CHANNEL_COST[ch]) / 100.0) * 100)
            budget = min(full, float(np.floor(remaining / 100.0) * 100))
            if budget <= CHANNEL_SETUP_COST[ch]:
                continue
            _, _, c_cost, o_cost, rev = simulate_cell(seg, prod, ch, off, budget, n, seed)
            profit = rev - c_cost - o_cost
            if profit > 0 and (best is None or profit > best[0]):
                best = (profit, (prod, ch, off, budget))
        if best is not None:
            plan[seg] = best[1]
            remaining -= best[1][3]
    return plan
