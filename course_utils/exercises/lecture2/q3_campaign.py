"""Lecture 2, question 3 (widget): a campaign plan per RFM segment under a budget.

Per segment the trainee picks product, channel, offer and budget; the simulator
(:mod:`course_utils.campaign`) shows contacts, responses, costs, revenue and ROI on
every change (:func:`render_campaign_values`, a plain function). The check asks for
the targets of :func:`course_utils.campaign.campaign_targets` (budget cap, total ROI,
net profit) and no wrong targeting.
"""
from __future__ import annotations

import html as _html
from collections.abc import Mapping
from typing import Any

import pandas as pd

from course_utils import campaign as cp
from course_utils.exercises import Exercise, answers
from course_utils.segments import SEGMENTS, html_bars

#: Product choice meaning "no campaign for this segment".
NO_CAMPAIGN = "（不做活动）"


def widget_values_to_plan(values: Mapping[str, Any]) -> dict:
    """Flat widget values ``{"<segment>|product": ..., "|channel", "|offer", "|budget"}`` -> plan.

    Segments whose product is "(不做活动)" or whose budget is 0 / missing are left out;
    any other value is passed on as it is (the plan check judges it).

    >>> widget_values_to_plan({"重要价值客户|product": "理财", "重要价值客户|channel": "短信",
    ...                        "重要价值客户|offer": "无优惠", "重要价值客户|budget": 800})
    {'重要价值客户': ('理财', '短信', '无优惠', 800)}
    """
    plan = {}
    for seg in SEGMENTS:
        if f"{seg}|budget" not in values:
            continue
        product = values.get(f"{seg}|product")
        budget = values.get(f"{seg}|budget")
        if product is None or (isinstance(product, str) and product == NO_CAMPAIGN):
            continue
        if budget is None or answers.to_number(budget) == 0.0:
            continue
        plan[seg] = (product, values.get(f"{seg}|channel"), values.get(f"{seg}|offer"), budget)
    return plan


def _as_plan(answer: Any) -> Any:
    """Flat widget values (``"<segment>|budget"`` keys) -> plan; anything else unchanged."""
    if isinstance(answer, Mapping) and any(isinstance(k, str) and "|" in k for k in answer):
        return widget_values_to_plan(answer)
    return answer


def diagnose_campaign(answer: Any, sizes: Mapping[str, int], seed: int,
                      targets: Mapping[str, float]) -> str | None:
    """None if the plan meets the targets without wrong targeting, else a message."""
    plan = _as_plan(answer)
    if not isinstance(plan, Mapping):
        return f"答案应该是控件 app3，或方案字典 {{客群: (产品, 渠道, 优惠, 预算)}}；你给的是{answers.type_name(answer)}。"
    try:
        ok, reasons, _ = cp.evaluate_plan(plan, sizes, seed, targets["min_roi"],
                                          targets["max_budget"], targets["min_profit"])
    except cp.PlanError as exc:
        return f"方案有误：{exc}"
    if ok:
        return None
    return "方案还不达标：" + "；".join(r.rstrip("。") for r in reasons) + "。"


def _settings_html(values: Mapping[str, Any]) -> str:
    """Compact table of the current widget settings (every control change shows here)."""
    rows = []
    for seg in SEGMENTS:
        if f"{seg}|budget" not in values:
            continue
        product = values.get(f"{seg}|product")
        budget = values.get(f"{seg}|budget") or 0
        active = product not in (None, NO_CAMPAIGN) and budget
        cells = [seg, product, values.get(f"{seg}|channel"), values.get(f"{seg}|offer"),
                 f"{float(budget):,.0f}"]
        style = "" if active else " style='color:#888'"
        rows.append(f"<tr{style}>" + "".join(
            f"<td style='padding:1px 8px'>{_html.escape(str(c))}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th style='padding:1px 8px'>{h}</th>" for h in ("客群", "产品", "渠道", "优惠", "预算(元)"))
    return ("<details open><summary>当前设置（灰色 = 不做活动）</summary>"
            f"<table style='font-size:12px;border-collapse:collapse'><tr>{head}</tr>{''.join(rows)}</table>"
            "</details>")


def render_campaign_values(values: Mapping[str, Any], sizes: Mapping[str, int], seed: int,
                           targets: Mapping[str, float] | None = None, draw: bool = False) -> list:
    """Redraw of the campaign widget (pure): bars + result table (+ targets), or the plan's error.

    Computes on the simulator's English columns; Chinese names only for display.
    Bars are HTML by default (fast); ``draw=True`` gives the matplotlib chart.
    """
    plan = widget_values_to_plan(values)
    settings = _settings_html(values)
    if not plan:
        return [settings, "<p>还没有任何客群的预算大于 0：为至少一个客群选择产品并设置预算。</p>"]
    try:
        result = cp.simulate_campaign(plan, sizes, seed=seed)
    except cp.PlanError as exc:
        return f"<p style='color:#a33'><b>方案有误：</b>{_html.escape(str(exc))}</p>"
    body, total = result.drop(index=cp.TOTAL), result.loc[cp.TOTAL]
    roi = f"{total['roi']:.0%}" if pd.notna(total["roi"]) else "—"
    title = f"各客群活动成本与增量收入（总 ROI {roi}，净收益 {total['profit']:,.0f} 元）"
    if draw:
        fig = cp.render_campaign(plan, sizes, seed=seed, draw=True)[2]
    else:
        cost, revenue = cp.COLUMNS_ZH["cost"], cp.COLUMNS_ZH["revenue"]
        fig = html_bars([str(i) for i in body.index],
                        {cost: body["cost"].tolist(), revenue: body["revenue"].tolist()},
                        {cost: "#DD8452", revenue: "#4C72B0"}, title=title, unit=" 元")
    money = ["budget", "contact_cost", "offer_cost", "cost", "revenue", "profit"]
    fmt = {cp.COLUMNS_ZH[c]: "{:,.0f}" for c in money}
    fmt.update({cp.COLUMNS_ZH["response_rate"]: "{:.1%}", cp.COLUMNS_ZH["roi"]: "{:.0%}"})
    out = [settings, fig, cp.to_chinese(result).style.set_uuid("l2_campaign").format(fmt, na_rep="—")]
    if targets:
        out.append(
            f"<p>目标：总预算 ≤ {targets['max_budget']:,.0f} 元（当前 {total['budget']:,.0f}），"
            f"总 ROI ≥ {targets['min_roi']:.0%}，净收益 ≥ {targets['min_profit']:,.0f} 元"
            f"（当前 {total['profit']:,.0f}）。</p>")
    return out


class Campaign(Exercise):
    """Q3: a segment campaign plan reaching an ROI and a profit target under a budget cap."""

    id = "L2.campaign"
    title = "为各客群设计营销方案"
    hints = [
        "先看哪几个客群“值得花钱”：重要价值、重要保持、重要发展、重要挽留客户的单客价值高。",
        "人工渠道（电话外呼、客户经理面访）每次接触成本高，只用在高价值客群；"
        "一般挽留客户只适合最便宜的渠道，或干脆不做。",
        "每个渠道都有启动成本：预算低于启动成本时一个客户也触达不到。看图里的成本和收入，"
        "逐个客群调整，直到总 ROI 和净收益都达标、总预算不超限。",
    ]
    solution_code = (
        "# 思路：从价值最高的客群开始，逐个客群在模拟器里试产品/渠道/优惠，留下净收益最高、\n"
        "# 不亏钱的方案；低价值客群不用人工渠道，亏钱的客群不做。\n"
        "plan = campaign.suggested_plan(q3.sizes, seed=SEED, max_budget=q3.targets['max_budget'])\n"
        "q3.check(plan)"
    )
    success = ("答对了！方案在预算上限内达到了 ROI 和净收益目标，做了活动的客群都不亏钱，"
               "也没有把不划算的人工渠道（电话外呼、客户经理面访）用在单客价值低的客群上。")
    untouched_message = "还没有为任何客群安排预算：先选产品、渠道、优惠并设置预算。"

    @property
    def sizes(self) -> dict:
        """Customers per segment (a copy)."""
        return dict(self.context["sizes"])

    @property
    def targets(self) -> dict:
        """This task's targets: ``max_budget``, ``min_roi``, ``min_profit`` (CNY; a copy)."""
        return dict(self.context["targets"])

    @property
    def seed(self) -> int:
        """Seed of the simulator's noise."""
        return int(self.context["seed"])

    def is_untouched(self, answer: Any) -> bool:
        if super().is_untouched(answer):
            return True
        plan = _as_plan(answer)
        return isinstance(plan, Mapping) and len(plan) == 0

    def diagnose(self, answer: Any) -> str | None:
        return diagnose_campaign(answer, self.context["sizes"], self.seed, self.context["targets"])


def campaign_app(exercise: Campaign):
    """The campaign-design widget: per segment product / channel / offer / budget."""
    import ipywidgets as W

    from course_utils.exercises import WidgetExercise

    sizes, seed, targets = exercise.sizes, exercise.seed, exercise.targets
    max_b = float(targets["max_budget"])
    controls: dict[str, Any] = {}
    rows = [W.HBox([W.HTML("<b style='display:inline-block;width:170px'>客群（人数）</b>"),
                    W.HTML("<b style='display:inline-block;width:120px'>产品</b>"),
                    W.HTML("<b style='display:inline-block;width:130px'>渠道</b>"),
                    W.HTML("<b style='display:inline-block;width:120px'>优惠</b>"),
                    W.HTML("<b>预算（元）</b>")])]
    for seg in SEGMENTS:
        controls[f"{seg}|product"] = W.Dropdown(options=[NO_CAMPAIGN, *cp.PRODUCTS], value=NO_CAMPAIGN,
                                                layout=W.Layout(width="120px"))
        controls[f"{seg}|channel"] = W.Dropdown(options=list(cp.CHANNELS), value="短信",
                                                layout=W.Layout(width="130px"))
        controls[f"{seg}|offer"] = W.Dropdown(options=list(cp.OFFERS), value="无优惠",
                                              layout=W.Layout(width="120px"))
        controls[f"{seg}|budget"] = W.IntSlider(value=0, min=0, max=int(max_b), step=500,
                                                layout=W.Layout(width="330px"))
        rows.append(W.HBox([W.HTML(f"<span style='display:inline-block;width:170px'>{seg}"
                                   f"（{int(sizes.get(seg, 0))}）</span>"),
                            controls[f"{seg}|product"], controls[f"{seg}|channel"],
                            controls[f"{seg}|offer"], controls[f"{seg}|budget"]]))
    prices = "；".join(f"{c} 每次 {cp.CHANNEL_COST[c]:g} 元、启动 {cp.CHANNEL_SETUP_COST[c]:,.0f} 元"
                      for c in cp.CHANNELS)
    instructions = (
        "<p style='margin:2px 0'>为每个客群选择产品、渠道、优惠并拖动预算（0 = 不做活动）。"
        f"渠道价格：{prices}。优惠成本按响应人数计："
        + "；".join(f"{o} {cp.OFFER_COST[o]:g} 元/人" for o in cp.OFFERS)
        + f"。<br>目标：总预算不超过 {max_b:,.0f} 元，总 ROI ≥ {targets['min_roi']:.0%}，"
          f"净收益 ≥ {targets['min_profit']:,.0f} 元，且不对低价值客群用高成本渠道。</p>")

    def render(values):
        return render_campaign_values(values, sizes, seed, targets)

    app = WidgetExercise(controls, render, title="练习 3：为各客群设计营销方案", exercise=exercise,
                         answer=widget_values_to_plan, name="L2.campaign",
                         instructions=instructions)
    # lay the 32 controls out as one row per segment instead of one long column
    grid = W.VBox(rows)
    children = list(app.widget.children)
    for i, child in enumerate(children):
        if isinstance(child, W.VBox) and list(child.children) == list(controls.values()):
            children[i] = grid
    app.widget.children = tuple(children)
    return app
