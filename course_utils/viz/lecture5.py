"""Figures of Lecture 5: model monitoring (PSI, AUC decay), fairness, claims tested with a control
group, money of the retention plans, coupon tiers, and the staff workload of service recovery.

Every function takes plain data (what :mod:`course_utils.monitoring`, :mod:`course_utils.experiments`,
:mod:`course_utils.recovery` and :mod:`course_utils.coupons` return) and gives a
:class:`~course_utils.viz.theme.CourseFigure` whose title states the message and whose note names
the population. Colours: blue = good / the focus, vermilion = risk / loss, grey = context.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .fmt import money, percent, percent_axis, wan_axis
from .fmt import wrap_to_width
from .theme import BAD, CATEGORICAL, GOOD, INK, NEUTRAL, NOTE, TEXT_PT, TITLE_PT, new_figure, style_axes

__all__ = ["psi_figure", "auc_decay_figure", "fairness_figure", "claims_figure", "plan_money_figure",
           "coupon_figure", "workload_figure"]


def _title_note(fig, title: str, note: str | None) -> None:
    """Figure title (the message) at the top left, the population note at the bottom left."""
    width = fig.get_figwidth() * 0.96
    fig.suptitle(wrap_to_width(title, width, TITLE_PT), x=0.01, ha="left", fontsize=TITLE_PT, color=INK)
    if note:
        fig.supxlabel(wrap_to_width(note, width, TEXT_PT), x=0.01, ha="left", fontsize=TEXT_PT, color=NOTE)


# ---------------------------------------------------------------------------
# 一、monitoring and fairness
# ---------------------------------------------------------------------------
def psi_figure(psi_long: pd.DataFrame, *, title: str | None = None, population: str | None = None,
               figsize=(10.0, 4.8)):
    """PSI per month of a few features / the score, with the 0.1 and 0.25 rule-of-thumb lines.

    ``psi_long``: columns ``label`` (feature name, Chinese), ``period`` (text), ``psi``.

    >>> d = pd.DataFrame({"label": ["余额", "余额", "评分", "评分"], "period": ["2023-01", "2023-02"] * 2,
    ...                   "psi": [0.02, 0.3, 0.01, 0.05]})
    >>> psi_figure(d).get_suptitle()
    '2023-02 有 1 项指标的 PSI 超过 0.25（显著偏移）：余额'
    """
    fig = new_figure(figsize)
    ax = fig.subplots()
    periods = sorted(psi_long["period"].astype(str).unique())
    x = np.arange(len(periods))
    for i, (label, part) in enumerate(psi_long.groupby("label", sort=False)):
        y = part.set_index(part["period"].astype(str))["psi"].reindex(periods).to_numpy(dtype=float)
        ax.plot(x, y, marker="o", lw=2, color=CATEGORICAL[i % len(CATEGORICAL)], label=str(label))
    for level, text in ((0.1, "0.1 需关注"), (0.25, "0.25 需排查/重训")):
        ax.axhline(level, color=BAD if level > 0.2 else NEUTRAL, ls="--", lw=1.2)
        ax.annotate(text, (x[-1] if len(x) else 0, level), xytext=(4, 3), textcoords="offset points",
                    fontsize=TEXT_PT, color=BAD if level > 0.2 else NOTE)
    ax.set_xticks(x, [p[2:] if len(p) == 7 else p for p in periods], fontsize=TEXT_PT, rotation=0)
    ax.set_ylabel("PSI（相对训练期）", fontsize=TEXT_PT)
    ax.set_ylim(0, max(0.3, float(np.nanmax(psi_long["psi"])) * 1.15 if len(psi_long) else 0.3))
    ax.legend(fontsize=TEXT_PT, frameon=False, ncols=min(4, max(1, psi_long["label"].nunique())),
              loc="upper left")
    style_axes(ax, "y")
    if title is None:
        last = periods[-1] if periods else ""
        at = psi_long[psi_long["period"].astype(str) == last]
        big = at.loc[at["psi"] > 0.25, "label"].astype(str).tolist()
        mid = at.loc[(at["psi"] > 0.1) & (at["psi"] <= 0.25), "label"].astype(str).tolist()
        if big:
            title = f"{last} 有 {len(big)} 项指标的 PSI 超过 0.25（显著偏移）：{'、'.join(big)}"
        elif mid:
            title = f"{last} 有 {len(mid)} 项指标轻度偏移（PSI 0.1–0.25）：{'、'.join(mid)}"
        else:
            title = f"到 {last} 为止，所有监控指标的 PSI 都低于 0.1：客群稳定"
    _title_note(fig, title, population)
    return fig


def auc_decay_figure(perf: pd.DataFrame, *, reference: float | None = None, title: str | None = None,
                     population: str | None = None, figsize=(9.0, 4.4)):
    """AUC per cut-off month after the training period (``perf``: ``period``, ``auc``, ``n``).

    ``reference``: the AUC a banker was promised (e.g. the test AUC of Lecture 3), dashed.

    >>> p = pd.DataFrame({"period": ["2023-01", "2023-07"], "auc": [0.86, 0.80], "n": [3000, 3100]})
    >>> auc_decay_figure(p).get_suptitle()
    '模型区分能力从 2023-01 的 AUC 0.86 变为 2023-07 的 0.80'
    """
    fig = new_figure(figsize)
    ax = fig.subplots()
    periods = perf["period"].astype(str).tolist()
    x = np.arange(len(periods))
    y = perf["auc"].to_numpy(dtype=float)
    ax.plot(x, y, marker="o", lw=2.2, color=GOOD)
    for i in (0, len(y) - 1):
        if len(y):
            ax.annotate(f"{y[i]:.2f}", (x[i], y[i]), xytext=(0, 8), textcoords="offset points", ha="center",
                        fontsize=TEXT_PT, color=INK)
    if reference is not None:
        ax.axhline(reference, color=NEUTRAL, ls="--", lw=1.2)
        ax.annotate(f"上线时承诺 {reference:.2f}", (0, reference), xytext=(2, 4), textcoords="offset points",
                    fontsize=TEXT_PT, color=NOTE)
    ax.axhline(0.5, color=BAD, ls=":", lw=1)
    ax.annotate("0.5 = 随机猜", (x[-1] if len(x) else 0, 0.5), xytext=(-70, 4), textcoords="offset points",
                fontsize=TEXT_PT, color=BAD)
    ax.set_xticks(x, [p[2:] if len(p) == 7 else p for p in periods], fontsize=TEXT_PT)
    ax.set_ylim(0.45, 1.0)
    ax.set_ylabel("AUC（截止日后 6 个月的流失）", fontsize=TEXT_PT)
    ax.set_xlabel("评分截止日（年-月）", fontsize=TEXT_PT)
    style_axes(ax, "y")
    if title is None and len(y):
        title = f"模型区分能力从 {periods[0]} 的 AUC {y[0]:.2f} 变为 {periods[-1]} 的 {y[-1]:.2f}"
    _title_note(fig, title or "模型表现随时间的变化", population)
    return fig


def fairness_figure(rates: Mapping[str, pd.DataFrame], *, title: str | None = None, population: str | None = None,
                    figsize=(11.0, 4.6)):
    """False-positive and false-negative rate per group, one panel per grouping (age band, gender).

    ``rates``: grouping name -> :func:`course_utils.monitoring.error_rates_by_group` result.

    >>> r = pd.DataFrame({"group": ["女", "男"], "n": [10, 10], "fpr": [0.1, 0.2], "fnr": [0.3, 0.5]})
    >>> fairness_figure({"性别": r}).get_suptitle()
    '漏报率（FNR）差距最大在“性别”：30.0% 到 50.0%'
    """
    fig = new_figure(figsize)
    axes = fig.subplots(1, max(len(rates), 1), squeeze=False)[0]
    worst = None
    for ax, (name, r) in zip(axes, rates.items()):
        groups = r["group"].astype(str).tolist()
        x = np.arange(len(groups))
        for k, (col, label, colour) in enumerate((("fpr", "误报率 FPR", NEUTRAL), ("fnr", "漏报率 FNR", BAD))):
            v = r[col].to_numpy(dtype=float)
            ax.bar(x + (k - 0.5) * 0.38, v, width=0.38, color=colour, label=label)
            for i, val in enumerate(v):
                if np.isfinite(val):
                    ax.annotate(percent(val, 0), (x[i] + (k - 0.5) * 0.38, val), xytext=(0, 2),
                                textcoords="offset points", ha="center", fontsize=TEXT_PT - 1 if len(x) > 3 else TEXT_PT)
        ax.set_xticks(x, groups, fontsize=TEXT_PT)
        ax.set_title(name, loc="left", fontsize=TEXT_PT + 1, color=INK)
        percent_axis(ax.yaxis)
        ax.set_ylim(0, 1.0)
        style_axes(ax, "y")
        fnr = r["fnr"].to_numpy(dtype=float)
        if np.isfinite(fnr).any():
            gap = float(np.nanmax(fnr) - np.nanmin(fnr))
            if worst is None or gap > worst[0]:
                worst = (gap, name, float(np.nanmin(fnr)), float(np.nanmax(fnr)))
    axes[0].legend(fontsize=TEXT_PT, frameon=False, loc="upper left")
    if title is None and worst is not None:
        title = f"漏报率（FNR）差距最大在“{worst[1]}”：{percent(worst[2])} 到 {percent(worst[3])}"
    _title_note(fig, title or "各组的误报率与漏报率", population)
    return fig


# ---------------------------------------------------------------------------
# claims tested with a control group
# ---------------------------------------------------------------------------
def claims_figure(rows: pd.DataFrame, *, title: str | None = None, population: str | None = None,
                  figsize=(10.0, 4.8)):
    """Each claim: the observed difference (treatment − control, percentage points) with its CI vs the claim.

    ``rows``: one row per claim with ``label``, ``abs_lift``, ``ci_low``, ``ci_high`` (fractions)
    and ``claimed_abs`` (the claimed difference at the control's rate, fraction).

    >>> d = pd.DataFrame({"label": ["转化 +28%"], "abs_lift": [0.14], "ci_low": [-0.03], "ci_high": [0.3],
    ...                   "claimed_abs": [0.05]})
    >>> claims_figure(d).get_suptitle()
    '1 项宣称中，0 项被数据证实：置信区间包含 0 的，样本太少，不能下结论'
    """
    fig = new_figure(figsize)
    ax = fig.subplots()
    n = len(rows)
    yy = np.arange(n)[::-1]
    confirmed = 0
    for y, (_, r) in zip(yy, rows.iterrows()):
        lo, hi, mid = 100 * r["ci_low"], 100 * r["ci_high"], 100 * r["abs_lift"]
        sig = (lo > 0) or (hi < 0)
        same = sig and np.sign(mid) == np.sign(r["claimed_abs"])
        confirmed += int(same and lo <= 100 * r["claimed_abs"] <= hi)
        colour = GOOD if sig else NEUTRAL
        ax.plot([lo, hi], [y, y], color=colour, lw=4, solid_capstyle="butt")
        ax.plot(mid, y, "o", color=INK, ms=7)
        ax.plot(100 * r["claimed_abs"], y, marker="D", color=BAD, ms=9, ls="none")
        ax.annotate(f"{mid:+.1f}", (mid, y), xytext=(0, 7), textcoords="offset points", ha="center",
                    fontsize=TEXT_PT, color=INK)
    ax.axvline(0, color=INK, lw=1)
    ax.set_yticks(yy, [str(s) for s in rows["label"]], fontsize=TEXT_PT)
    ax.set_xlabel("实验组 − 对照组（百分点）；条 = 95% 置信区间，● = 观测值，◆ = 宣称的幅度", fontsize=TEXT_PT)
    ax.set_ylim(-0.7, n - 0.3)
    style_axes(ax, "x")
    if title is None:
        title = (f"{n} 项宣称中，{confirmed} 项被数据证实："
                 "置信区间包含 0 的，样本太少，不能下结论")
    _title_note(fig, title, population)
    return fig


# ---------------------------------------------------------------------------
# money of the plans
# ---------------------------------------------------------------------------
def plan_money_figure(plans: pd.DataFrame, *, title: str | None = None, note: str | None = None,
                      figsize=(10.0, 4.6)):
    """Cost vs value (CNY) of each plan, with the net value written above.

    ``plans``: one row per plan with ``label``, ``total_cost``, ``value``.

    >>> d = pd.DataFrame({"label": ["高价值挽留"], "total_cost": [2400.0], "value": [1100.0]})
    >>> plan_money_figure(d).get_suptitle()
    '按这些假设，1 个方案中有 1 个入不敷出：成本高于挽留下来的余额带来的价值'
    """
    fig = new_figure(figsize)
    ax = fig.subplots()
    x = np.arange(len(plans))
    cost = plans["total_cost"].to_numpy(dtype=float)
    value = plans["value"].to_numpy(dtype=float)
    ax.bar(x - 0.2, cost, width=0.4, color=BAD, label="成本（外呼/回访 + 利率优惠）")
    ax.bar(x + 0.2, value, width=0.4, color=GOOD, label="价值（挽留余额 × 净息差）")
    top = float(max(np.nanmax(cost), np.nanmax(value), 1.0)) if len(x) else 1.0
    for i in range(len(x)):
        for dx, v in ((-0.2, cost[i]), (0.2, value[i])):
            ax.annotate(money(v), (x[i] + dx, v), xytext=(0, 3), textcoords="offset points", ha="center",
                        fontsize=TEXT_PT)
        net = value[i] - cost[i]
        ax.annotate(f"净值 {money(net)}", (x[i], max(cost[i], value[i]) + top * 0.13), ha="center",
                    fontsize=TEXT_PT, color=GOOD if net >= 0 else BAD)
    ax.set_xticks(x, [str(s) for s in plans["label"]], fontsize=TEXT_PT)
    ax.set_ylim(0, top * 1.32)
    ax.set_ylabel("元", fontsize=TEXT_PT)
    if top >= 1e4:
        wan_axis(ax.yaxis)
        ax.set_ylabel("万元", fontsize=TEXT_PT)
    ax.legend(fontsize=TEXT_PT, frameon=False, loc="upper center", ncols=2, bbox_to_anchor=(0.5, 1.0))
    style_axes(ax, "y")
    if title is None:
        losing = int((value < cost).sum())
        title = (f"按这些假设，{len(x)} 个方案中有 {losing} 个入不敷出：成本高于挽留下来的余额带来的价值" if losing
                 else f"按这些假设，{len(x)} 个方案的价值都高于成本")
    _title_note(fig, title, note)
    return fig


def coupon_figure(summary: pd.DataFrame, *, title: str | None = None, note: str | None = None,
                  figsize=(9.0, 4.4)):
    """Tiered vs flat coupon at the same cost: cost, value and net value (``coupon_plan_value(...).summary``).

    >>> s = pd.DataFrame({"plan": ["tiered", "flat"], "cost": [100.0, 100.0], "value": [300.0, 200.0],
    ...                   "net_value": [200.0, 100.0]})
    >>> coupon_figure(s).get_suptitle()
    '同样花 100元：分档加息券的净值比统一加息券多 100元'
    """
    names = {"tiered": "分档加息券（余额达标）", "flat": "统一加息券（同成本）"}
    fig = new_figure(figsize)
    ax = fig.subplots()
    metrics = (("cost", "成本", BAD), ("value", "价值", GOOD), ("net_value", "净值", INK))
    x = np.arange(len(metrics))
    for k, (_, row) in enumerate(summary.iterrows()):
        v = np.array([row[m] for m, _, _ in metrics], dtype=float)
        ax.bar(x + (k - 0.5) * 0.38, v, width=0.38, color=GOOD if row["plan"] == "tiered" else NEUTRAL,
               label=names.get(str(row["plan"]), str(row["plan"])))
        for i, val in enumerate(v):
            ax.annotate(money(val), (x[i] + (k - 0.5) * 0.38, val), xytext=(0, 3 if val >= 0 else -14),
                        textcoords="offset points", ha="center", fontsize=TEXT_PT)
    ax.axhline(0, color=INK, lw=1)
    ax.set_xticks(x, [m[1] for m in metrics], fontsize=TEXT_PT)
    ax.set_ylabel("元", fontsize=TEXT_PT)
    ax.legend(fontsize=TEXT_PT, frameon=False, loc="upper right")
    lo = float(min(0.0, summary[["cost", "value", "net_value"]].to_numpy(dtype=float).min()))
    hi = float(summary[["cost", "value", "net_value"]].to_numpy(dtype=float).max())
    ax.set_ylim(lo * 1.25 if lo < 0 else 0, hi * 1.35 if hi > 0 else 1)
    if max(abs(lo), abs(hi)) >= 1e4:
        wan_axis(ax.yaxis)
        ax.set_ylabel("万元", fontsize=TEXT_PT)
    style_axes(ax, "y")
    if title is None:
        s = summary.set_index("plan")
        d = float(s.loc["tiered", "net_value"] - s.loc["flat", "net_value"])
        title = (f"同样花 {money(s.loc['tiered', 'cost'])}：分档加息券的净值比统一加息券"
                 f"{'多' if d >= 0 else '少'} {money(abs(d))}")
    _title_note(fig, title, note)
    return fig


def workload_figure(workload: pd.DataFrame, *, title: str | None = None, note: str | None = None,
                    minutes: Mapping[str, float] | None = None, figsize=(9.0, 4.2)):
    """Staff hours before (every message to a human) and after (emotion routing + manager calls).

    ``workload``: :func:`course_utils.recovery.manual_workload` (rows before / after).
    ``minutes``: minutes per agent message, VIP message and manager call (default 6 / 12 / 20).

    >>> w = pd.DataFrame({"agent_messages": [10, 2], "vip_messages": [0, 1], "manager_calls": [0, 0],
    ...                   "hours": [1.0, 0.4], "cost": [80.0, 32.0]}, index=["before", "after"])
    >>> workload_figure(w).get_suptitle()
    '人工工时从 1.0 小时降到 0.4 小时（−60.0%）'
    """
    m = {"agent": 6.0, "vip": 12.0, "manager": 20.0, **(minutes or {})}
    fig = new_figure(figsize)
    ax = fig.subplots()
    parts = (("agent_messages", "agent", "普通人工坐席", NEUTRAL), ("vip_messages", "vip", "VIP专线", GOOD),
             ("manager_calls", "manager", "客户经理回访", BAD))
    y = np.arange(2)[::-1]
    left = np.zeros(2)
    for col, key, label, colour in parts:
        h = workload[col].to_numpy(dtype=float) * m[key] / 60.0
        ax.barh(y, h, left=left, color=colour, label=label, height=0.55)
        left = left + h
    for yi, tot in zip(y, workload["hours"].to_numpy(dtype=float)):
        ax.annotate(f"{tot:,.1f} 小时", (tot, yi), xytext=(4, 0), textcoords="offset points", va="center",
                    fontsize=TEXT_PT)
    ax.set_yticks(y, ["全部人工处理", "情绪分流之后"], fontsize=TEXT_PT)
    ax.set_xlabel("人工工时（小时）", fontsize=TEXT_PT)
    ax.set_xlim(0, float(workload["hours"].max()) * 1.25 + 1e-9)
    ax.legend(fontsize=TEXT_PT, frameon=False, loc="lower right")
    style_axes(ax, "x")
    if title is None:
        b, a = float(workload.loc["before", "hours"]), float(workload.loc["after", "hours"])
        change = (a / b - 1) if b > 0 else 0.0
        title = f"人工工时从 {b:,.1f} 小时降到 {a:,.1f} 小时（{'−' if change < 0 else '+'}{percent(abs(change))}）"
    _title_note(fig, title, note)
    return fig
