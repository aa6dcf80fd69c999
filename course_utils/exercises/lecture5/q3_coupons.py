"""Lecture 5, question 3 (widget): dynamic coupon tiers (余额达标送加息券) that beat a flat coupon.

Controls: two balance thresholds (万元) and their coupon rates (% per year). The redraw
(:func:`course_utils.coupons.coupon_plan_value`) shows the tier plan's cost, kept balance
and net value next to the bank's current flat coupon (:data:`FLAT_RATE` for every customer
in the list). The check asks for tiers that cost no more than the flat coupon and earn a
higher net value. Population: customers on the books on the last day of the data, with
their last month-end balance.
"""
from __future__ import annotations

import html as _html
from typing import Any

import numpy as np
import pandas as pd

from course_utils import config, coupons, domain
from course_utils.errors import CourseArgumentError
from course_utils.exercises import Exercise, answers
from course_utils.viz.fmt import money, percent
from course_utils.viz.theme import BAD, GOOD, NEUTRAL

#: The bank's current plan: the same coupon rate (per year) for every customer in the list.
FLAT_RATE = 0.003
#: Coupon-rate step of the sliders (percentage points). 0.1: the slider's position is
#: read (and shown) to one decimal, so a finer step would look stuck in the browser.
RATE_STEP = 0.1
#: The widget's starting values (= the flat plan written as two equal tiers): the untouched state.
DEFAULTS = {"t1_wan": 0, "r1_pct": 0.30, "t2_wan": 50, "r2_pct": 0.30}


def coupon_population(bank, as_of: str = config.WINDOW_END) -> pd.DataFrame:
    """Customers on the books on ``as_of`` with their last month-end balance (CNY).

    Columns ``customer_id``, ``balance``; ``attrs["population"]`` names the population.
    """
    customers, bal = bank.customers, bank.balances
    ids = set(customers.loc[domain.on_books(customers, as_of), "customer_id"].astype(str))
    month = bal["month"].max()
    last = bal[(bal["month"] == month) & bal["customer_id"].astype(str).isin(ids)]
    out = last[["customer_id", "balance"]].reset_index(drop=True)
    out.attrs["population"] = (f"人群：{as_of} 在网的 {len(out):,} 位客户，余额 = "
                               f"{pd.Timestamp(month):%Y-%m} 月末余额")
    return out


def tiers_from_values(values) -> list[tuple[float, float]]:
    """Widget values (万元, % per year) -> tiers ``[(threshold CNY, rate fraction), ...]``.

    >>> tiers_from_values({"t1_wan": 5, "r1_pct": 0.3, "t2_wan": 20, "r2_pct": 0.5})
    [(50000.0, 0.003), (200000.0, 0.005)]
    """
    return [(float(values["t1_wan"]) * 10_000, round(float(values["r1_pct"]) / 100, 6)),
            (float(values["t2_wan"]) * 10_000, round(float(values["r2_pct"]) / 100, 6))]


def _tiers(answer: Any) -> tuple[list | None, str | None]:
    if isinstance(answer, dict) and set(DEFAULTS) <= set(answer):
        try:
            answer = tiers_from_values(answer)
        except (TypeError, ValueError):
            return None, "控件的取值读不出来：门槛和加息率都应该是数字。"
    if isinstance(answer, (str, bytes)) or not isinstance(answer, (list, tuple)):
        return None, ("答案应该是控件 app3，或档位列表 [(余额门槛(元), 年化加息率), ...]，例如 "
                      f"[(50000, 0.003), (200000, 0.005)]；你给的是{answers.type_name(answer)}。")
    for t in answer:
        if not isinstance(t, (list, tuple)) or len(t) != 2 or not all(answers.is_real(v) for v in t):
            return None, ("每一档应该是（余额门槛(元), 年化加息率）两个数，例如 (50000, 0.003)；"
                          f"你给了{answers.type_name(t)}。")
    try:
        return coupons.check_tiers(answer), None
    except CourseArgumentError as exc:
        return None, str(exc).split("\n")[0]


def _plan_table(rows) -> str:
    head = "".join(f"<th style='padding:2px 8px;text-align:right'>{h}</th>"
                   for h in ("方案", "获券客户", "成本", "留住的余额", "净收益"))
    body = ""
    for name, s, color in rows:
        body += (f"<tr><td style='padding:2px 8px'>{name}</td>"
                 f"<td style='padding:2px 8px;text-align:right'>{int(s['customers']):,} 人</td>"
                 f"<td style='padding:2px 8px;text-align:right'>{money(s['cost'])}</td>"
                 f"<td style='padding:2px 8px;text-align:right'>{money(s['kept_balance'])}</td>"
                 f"<td style='padding:2px 8px;text-align:right;color:{color}'><b>{money(s['net_value'])}</b></td></tr>")
    return f"<table style='font-size:13px;border-collapse:collapse'><tr>{head}</tr>{body}</table>"


def _bars(items) -> str:
    vmax = max(max(abs(v) for _, v, _ in items), 1.0)
    out = ""
    for label, v, color in items:
        out += (f"<tr><td style='padding-right:8px;white-space:nowrap'>{label}</td><td>"
                f"<div style='height:14px;width:{abs(v) / vmax * 300:.0f}px;background:{color}'></div></td>"
                f"<td style='padding-left:6px'>{money(v)}</td></tr>")
    return f"<table style='font-size:13px;border-collapse:collapse;margin:4px 0'>{out}</table>"


def assumptions_zh(a: coupons.CouponAssumptions | None = None) -> str:
    """The simulator's assumptions in one Chinese sentence."""
    a = a or coupons.CouponAssumptions()
    return (f"假设：加息券期限 {a.term_days} 天，成本 = 加息率 × 余额 × {a.term_days}/365；不发券时 {percent(a.base_risk)} 的余额会在"
            f" {a.horizon_years:g} 年内流走；券的金额越大留住的越多（最多留住 {percent(a.max_save)}，券值 {a.half_value:,.0f} 元时达到一半），"
            f"留住的余额按净息差 {percent(a.margin)}/年 计 {a.horizon_years:g} 年收益。这些是示意假设，真实效果要用对照实验测。")


def render_coupons(values, balances: pd.DataFrame, reference: dict, population: str) -> str:
    """Redraw of the widget (pure): the tier plan vs the flat coupon (HTML)."""
    tiers, msg = _tiers(values)
    if msg:
        return f"<p>{_html.escape(msg)}</p>"
    r = coupons.coupon_plan_value(balances, tiers)
    mine = r.summary.iloc[0]
    over = mine["cost"] > reference["cost"] * (1 + 1e-9)
    diff = mine["net_value"] - reference["net_value"]
    if over:
        title = f"分档方案花费 {money(mine['cost'])}，超过了统一加息券的 {money(reference['cost'])}：不能同等花费比较"
    else:
        title = (f"花费不超过统一加息券：分档方案净收益{'多' if diff > 0 else '少'} {money(abs(diff))}")
    tier_rows = "".join(
        f"<tr><td style='padding:2px 8px'>{'不发券' if t['tier'] == 0 else f'第 {int(t.tier)} 档'}</td>"
        f"<td style='padding:2px 8px;text-align:right'>{'—' if t['tier'] == 0 else '≥ ' + money(t['threshold'])}</td>"
        f"<td style='padding:2px 8px;text-align:right'>{t['rate'] * 100:.2f}%</td>"
        f"<td style='padding:2px 8px;text-align:right'>{int(t['customers']):,} 人</td>"
        f"<td style='padding:2px 8px;text-align:right'>{money(t['cost'])}</td>"
        f"<td style='padding:2px 8px;text-align:right'>{money(t['net_value'])}</td></tr>"
        for _, t in r.by_tier.iterrows())
    tier_table = ("<table style='font-size:13px;border-collapse:collapse'><tr>"
                  + "".join(f"<th style='padding:2px 8px'>{h}</th>" for h in ("档位", "余额门槛", "加息率", "客户", "成本", "净收益"))
                  + f"</tr>{tier_rows}</table>")
    flat_name = f"统一加息券 {FLAT_RATE * 100:.2f}%（银行现行）"
    return (f"<div style='font-size:14px'><div style='font-weight:bold'>{_html.escape(title)}</div>"
            f"<div style='color:#555;font-size:13px'>{_html.escape(population)}。{_html.escape(assumptions_zh())}</div>"
            + _bars([("你的分档方案", float(mine["net_value"]), GOOD if not over and diff > 0 else BAD),
                     (flat_name, float(reference["net_value"]), NEUTRAL)])
            + _plan_table([("你的分档方案", mine, GOOD if mine["net_value"] >= 0 else BAD),
                           (flat_name, reference, NEUTRAL)])
            + tier_table + "</div>")


class CouponTiers(Exercise):
    """Q3: coupon tiers that cost no more than the flat coupon and earn a higher net value."""

    id = "L5.coupon_tiers"
    title = "设计“余额达标送加息券”的分档"
    hints = [
        "统一加息券把钱平均撒给每位客户：余额很小的客户拿到的券只值几块钱，几乎留不住什么。",
        "把第一档门槛提高（小余额客户不发券），省下的钱给大余额客户更高的加息率。",
        "盯着两个数：成本不能超过统一加息券，净收益要更高。门槛和加息率都调一调，找一个两者都满足的组合。",
    ]
    solution_code = ("tiers = q3.expected()        # [(门槛(元), 加息率), (门槛(元), 加息率)]\n"
                     "app3.set_values(t1_wan=tiers[0][0] / 10000, r1_pct=tiers[0][1] * 100,\n"
                     "                t2_wan=tiers[1][0] / 10000, r2_pct=tiers[1][1] * 100)\n"
                     "q3.check(app3)")
    success = ("答对了！同样（或更少）的钱，按余额分档发券比人人一样的券留住更多余额："
               "券的金额要够客户在意，才有用。记住这些数字建立在示意假设上，真实的响应要用对照实验测。")
    untouched_message = "控件还在初始设置（两档加息率相同 = 银行现行的统一加息券）：调整门槛和加息率，再检查。"

    def reference(self) -> dict:
        """The flat coupon's figures (cost, kept_balance, net_value ...)."""
        if "_ref" not in self.__dict__:
            r = coupons.coupon_plan_value(self.context["balances"], [(0, FLAT_RATE)])
            self.__dict__["_ref"] = r.summary.iloc[0].to_dict()
        return dict(self.__dict__["_ref"])

    def expected(self) -> list:
        """A tier plan on the widget's grid that passes (the best of a small search)."""
        if "_expected" not in self.__dict__:
            bal = self.context["balances"]
            b = bal["balance"].to_numpy(dtype=float)
            ref = self.reference()
            best, best_net = None, -np.inf
            for t1 in (0, 1, 2, 3, 5, 10, 20):
                for t2 in (5, 10, 20, 30, 50, 100):
                    if t2 <= t1:
                        continue
                    for k in (1.0, 1.5, 2.0, 3.0):
                        s1 = b[(b >= t1 * 1e4) & (b < t2 * 1e4)].sum()
                        s2 = b[b >= t2 * 1e4].sum()
                        per_rate = (s1 + k * s2) * coupons.CouponAssumptions().term_days / 365 / 100
                        if per_rate <= 0:
                            continue
                        r1 = np.floor(ref["cost"] / per_rate / RATE_STEP) * RATE_STEP
                        for r1_pct in (r1, r1 - RATE_STEP):
                            r2_pct = np.floor(k * r1_pct / RATE_STEP) * RATE_STEP
                            if r1_pct <= 0 or r2_pct > 1.0:
                                continue
                            tiers = tiers_from_values({"t1_wan": t1, "r1_pct": round(r1_pct, 2), "t2_wan": t2,
                                                       "r2_pct": round(r2_pct, 2)})
                            s = coupons.coupon_plan_value(bal, tiers).summary.iloc[0]
                            if s["cost"] <= ref["cost"] and s["net_value"] > max(best_net, ref["net_value"]):
                                best, best_net = tiers, float(s["net_value"])
            self.__dict__["_expected"] = best or [(0.0, FLAT_RATE), (1e9, FLAT_RATE)]
        return [tuple(t) for t in self.__dict__["_expected"]]

    def is_untouched(self, answer: Any) -> bool:
        if super().is_untouched(answer):
            return True
        return isinstance(answer, dict) and all(
            k in answer and answers.to_number(answer[k]) == v for k, v in DEFAULTS.items())

    def diagnose(self, answer: Any) -> str | None:
        tiers, msg = _tiers(answer)
        if msg:
            return msg
        ref = self.reference()
        s = coupons.coupon_plan_value(self.context["balances"], tiers).summary.iloc[0]
        if s["cost"] > ref["cost"] * (1 + 1e-9):
            return (f"分档方案的成本 {money(s['cost'])} 超过了统一加息券的 {money(ref['cost'])}："
                    "要在同等花费下比较，降低加息率或提高门槛。")
        if s["net_value"] > ref["net_value"]:
            return None
        if s["cost"] < 0.5 * ref["cost"]:
            return ("净收益还不如统一加息券：你只花了不到一半的钱，留住的余额太少。"
                    "在不超过成本的前提下，给大余额客户更高的加息率。")
        if tiers[0][0] < 10_000 and tiers[0][1] > 0:
            return ("净收益还不如统一加息券：第一档门槛太低，余额很小的客户也拿到了只值几块钱的券。"
                    "提高第一档门槛，把钱集中给余额大的客户。")
        return "净收益还没超过统一加息券：调整门槛和加息率，把同样的钱花在券值更能打动客户的地方。"


def coupon_app(q: CouponTiers):
    """The widget of question 3: two thresholds (万元) and two coupon rates (% per year)."""
    import ipywidgets as W

    from course_utils.exercises import WidgetExercise

    balances = q.context["balances"]
    population = str(q.context["population"])
    reference = q.reference()
    controls = {
        "t1_wan": W.IntSlider(value=DEFAULTS["t1_wan"], min=0, max=50, step=1, description="第一档 ≥ 万元"),
        "r1_pct": W.FloatSlider(value=DEFAULTS["r1_pct"], min=0.0, max=1.0, step=RATE_STEP, description="加息 %",
                                readout_format=".1f"),
        "t2_wan": W.IntSlider(value=DEFAULTS["t2_wan"], min=1, max=200, step=1, description="第二档 ≥ 万元"),
        "r2_pct": W.FloatSlider(value=DEFAULTS["r2_pct"], min=0.0, max=1.0, step=RATE_STEP, description="加息 %",
                                readout_format=".1f"),
    }

    def render(values):
        return render_coupons(values, balances, reference, population)

    instructions = ("<p style='margin:2px 0'>余额达到第一档门槛的客户得到第一档加息券，达到第二档门槛的得到第二档；"
                    "低于第一档门槛的不发券。找一个分档：成本不超过银行现行的统一加息券，净收益更高。</p>")
    return WidgetExercise(controls, render, title="练习 3：余额达标送加息券", exercise=q,
                          answer=lambda values: dict(values), instructions=instructions)
