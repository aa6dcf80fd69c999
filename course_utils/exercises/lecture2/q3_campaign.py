"""Lecture 2, question 3 (widget): a compliant campaign plan per RFM segment under a cost cap.

Per segment the trainee picks product, channel, offer, touches per month and budget, and
writes one marketing message; the simulator (:mod:`course_utils.campaign`) shows who may be
reached (suitability, credit pre-screen, consent), contacts, responses, every cost, revenue
and ROI on every change (:func:`render_campaign_values`, a plain function). The check asks
for the targets of :func:`course_utils.campaign.campaign_targets` (cap on the total cost,
ROI, net profit), the contact rules (frequency caps, an opt-out line in the message), no
wrong targeting and no loss-making segment.
"""
from __future__ import annotations

import html as _html
from collections.abc import Mapping
from typing import Any

import pandas as pd

from course_utils import campaign as cp
from course_utils.exercises import Exercise, answers
from course_utils.segments import SEGMENTS
from course_utils.viz import money, percent
from course_utils.viz.lecture2 import campaign_bars_html

#: Product choice meaning "no campaign for this segment".
NO_CAMPAIGN = "（不做活动）"
#: The widget's starting message: it has no opt-out line yet (the trainee adds one).
DEFAULT_MESSAGE = "【示例银行】尊敬的客户，您关注的产品本月有专属优惠，详情请咨询您的客户经理。"
#: Result columns shown in the widget's table (English keys; Chinese headers for display).
SHOWN = ["product", "channel", "offer", "touches", "budget", "excluded_rule", "excluded_consent",
         "eligible", "contacts", "responses", "response_rate", "cost", "credit_loss", "revenue",
         "profit", "roi"]


def widget_values_to_plan(values: Mapping[str, Any]) -> dict:
    """Flat widget values ``{"<segment>|product": ..., "|channel", "|offer", "|touches",
    "|budget"}`` -> plan ``{segment: (product, channel, offer, budget, touches)}``.

    Segments whose product is "(不做活动)" or whose budget is 0 / missing are left out;
    any other value is passed on as it is (the plan check judges it).

    >>> widget_values_to_plan({"重要价值客户|product": "理财", "重要价值客户|channel": "短信",
    ...                        "重要价值客户|offer": "无优惠", "重要价值客户|budget": 800})
    {'重要价值客户': ('理财', '短信', '无优惠', 800, 1)}
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
        plan[seg] = (product, values.get(f"{seg}|channel"), values.get(f"{seg}|offer"), budget,
                     values.get(f"{seg}|touches", 1))
    return plan


def widget_answer(values: Mapping[str, Any]) -> dict:
    """What the widget hands to the check: ``{"plan": ..., "message": ...}``."""
    return {"plan": widget_values_to_plan(values), "message": values.get("message")}


def split_answer(answer: Any) -> tuple[Any, Any]:
    """``(plan, message)`` from any accepted answer form (message None when absent).

    Forms: ``{"plan": plan, "message": text}``; the widget's flat values (keys
    ``"<segment>|budget"``, ``"message"``); a bare plan ``{segment: cell}``.

    >>> split_answer({"plan": {}, "message": "退订回T"})
    ({}, '退订回T')
    """
    if isinstance(answer, Mapping):
        if "plan" in answer:
            return answer["plan"], answer.get("message")
        if "message" in answer or any(isinstance(k, str) and "|" in k for k in answer):
            return widget_values_to_plan(answer), answer.get("message")
    return answer, None


def diagnose_campaign(answer: Any, audience: cp.Audience, seed: int,
                      targets: Mapping[str, float]) -> str | None:
    """None if the plan keeps the contact rules and meets the targets without wrong targeting."""
    plan, message = split_answer(answer)
    if not isinstance(plan, Mapping):
        return ("答案应该是控件 app3，或字典 {'plan': {客群: (产品, 渠道, 优惠, 预算, 每月次数)}, "
                f"'message': 营销文案}}；你给的是{answers.type_name(answer)}。")
    if message is not None and not isinstance(message, str):
        return f"营销文案 message 应该是一段文字；你给的是{answers.type_name(message)}。"
    try:
        ok, reasons, _ = cp.evaluate_plan(plan, audience, seed, targets["min_roi"],
                                          targets["max_budget"], targets["min_profit"], message=message)
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
        budget = answers.to_number(values.get(f"{seg}|budget")) or 0.0
        active = product not in (None, NO_CAMPAIGN) and budget
        cells = [seg, product, values.get(f"{seg}|channel"), values.get(f"{seg}|offer"),
                 values.get(f"{seg}|touches", 1), money(budget)]
        style = "" if active else " style='color:#888'"
        rows.append(f"<tr{style}>" + "".join(
            f"<td style='padding:1px 8px'>{_html.escape(str(c))}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th style='padding:1px 8px'>{h}</th>"
                   for h in ("客群", "产品", "渠道", "优惠", "每月次数", "预算上限"))
    text = _html.escape(str(values.get("message", ""))[:300])
    return ("<details open><summary>当前设置（灰色 = 不做活动）</summary>"
            f"<table style='font-size:12px;border-collapse:collapse'><tr>{head}</tr>{''.join(rows)}</table>"
            f"<p style='font-size:12px;margin:2px 0'>营销文案：{text}</p></details>")


def result_table(result: pd.DataFrame):
    """The simulator's result for display: Chinese headers, money as 元 / 万元, rates in %."""
    shown = cp.to_chinese(result[SHOWN])
    fmt = {cp.COLUMNS_ZH[c]: money for c in SHOWN if c in cp.MONEY_COLUMNS}
    fmt.update({cp.COLUMNS_ZH["response_rate"]: percent, cp.COLUMNS_ZH["roi"]: percent})
    return shown.style.set_uuid("l2_campaign").format(fmt, na_rep="—")


def render_campaign_values(values: Mapping[str, Any], audience: cp.Audience, seed: int,
                           targets: Mapping[str, float] | None = None, draw: bool = False) -> list:
    """Redraw of the campaign widget (pure): bars + result table + rules and targets.

    Computes on the simulator's English columns; Chinese only for display. Bars are HTML by
    default (fast); ``draw=True`` gives :func:`course_utils.viz.campaign_figure`.
    """
    plan = widget_values_to_plan(values)
    settings = _settings_html(values)
    if not plan:
        return [settings, "<p>还没有任何客群的预算大于 0：为至少一个客群选择产品并设置预算。</p>"]
    try:
        result = cp.simulate_campaign(plan, audience, seed=seed)
        problems = cp.compliance_problems(plan, values.get("message"))
    except cp.PlanError as exc:
        return [settings, f"<p style='color:#a33'><b>方案有误：</b>{_html.escape(str(exc))}</p>"]
    if draw:
        from course_utils.viz import campaign_figure

        bars = campaign_figure(result)
    else:
        bars = campaign_bars_html(result)
    total = result.loc[cp.TOTAL]
    rules = ("<p style='margin:2px 0'><b>合规检查：</b>"
             + ("通过（频次未超上限，文案有退订方式）。" if not problems
                else "；".join(_html.escape(p) for p in problems)) + "</p>")
    out = [settings, bars, result_table(result), rules]
    if targets:
        out.append(
            f"<p style='margin:2px 0'>目标：总成本 ≤ {money(targets['max_budget'])}（当前 {money(total['cost'])}），"
            f"总投资回报率 (ROI) ≥ {percent(targets['min_roi'])}（当前 {percent(total['roi'])}），"
            f"净收益 ≥ {money(targets['min_profit'])}（当前 {money(total['profit'])}）。"
            "响应率是模拟的隐藏假设；总成本 = 启动 + 触达 + 优惠。</p>")
    return out


class Campaign(Exercise):
    """Q3: a compliant segment campaign plan reaching ROI and profit targets under a cost cap."""

    id = "L2.campaign"
    title = "为各客群设计营销方案"
    hints = [
        "先看哪几个客群“值得花钱”：重要价值、重要保持、重要发展、重要挽留客户的单客价值高；"
        "表里“可触达人数”已经去掉了不适当、未通过授信预审和没有授权该渠道的客户。",
        "人工渠道（电话外呼、客户经理面访）每次接触成本高，只用在高价值客群；APP推送、短信便宜，"
        "可以多发几次，但不能超过每月的频次上限。文案里要写明退订方式（例如“拒收请回复R”）。",
        "总成本 = 启动 + 触达 + 优惠，全部算进预算；预算低于启动成本时一个客户也触达不到。"
        "逐个客群调整，直到总成本不超限、总投资回报率和净收益都达标、合规检查通过。",
    ]
    solution_code = (
        "# 思路：每个客群在模拟器里试遍合规的产品/渠道/优惠/次数，先给投资回报率最高的方案拨款，\n"
        "# 再把剩下的钱投到多赚最多的地方；低价值客群不用人工渠道，亏钱的客群不做。\n"
        "plan = campaign.suggested_plan(q3.audience, seed=SEED, max_budget=q3.targets['max_budget'])\n"
        "answer3 = {'plan': plan, 'message': '【示例银行】您的专属理财优惠已到账，详询客户经理。拒收请回复R'}\n"
        "q3.check(answer3)"
    )
    success = ("答对了！方案的总成本（启动 + 触达 + 优惠）在上限内，达到了投资回报率和净收益目标，"
               "遵守了频次上限、文案带退订方式；做了活动的客群都不亏钱，"
               "也没有把不划算的人工渠道用在单客价值低的客群上。")
    untouched_message = "还没有为任何客群安排预算：先选产品、渠道、优惠、次数并设置预算。"

    @property
    def audience(self) -> cp.Audience:
        """Who each campaign may reach (segments, suitability, credit pre-screen, consent)."""
        return self.context["audience"]

    @property
    def sizes(self) -> dict:
        """Customers per segment (a copy)."""
        return self.audience.sizes()

    @property
    def targets(self) -> dict:
        """This task's targets: ``max_budget`` (cap on total cost), ``min_roi``, ``min_profit``
        (CNY; a copy)."""
        return dict(self.context["targets"])

    @property
    def seed(self) -> int:
        """Seed of the simulator's noise."""
        return int(self.context["seed"])

    def is_untouched(self, answer: Any) -> bool:
        if super().is_untouched(answer):
            return True
        plan, _ = split_answer(answer)
        return isinstance(plan, Mapping) and len(plan) == 0

    def diagnose(self, answer: Any) -> str | None:
        return diagnose_campaign(answer, self.audience, self.seed, self.context["targets"])


def campaign_app(exercise: Campaign):
    """The campaign-design widget: per segment product / channel / offer / touches / budget,
    one message for all, and the check button."""
    import ipywidgets as W

    from course_utils.exercises import WidgetExercise

    aud, seed, targets = exercise.audience, exercise.seed, exercise.targets
    max_b = float(targets["max_budget"])
    controls: dict[str, Any] = {}
    widths = (170, 120, 130, 120, 90)
    heads = ("客群（人数）", "产品", "渠道", "优惠", "每月次数")
    rows = [W.HBox([W.HTML(f"<b style='display:inline-block;width:{w}px'>{h}</b>")
                    for w, h in zip(widths, heads)] + [W.HTML("<b>预算上限（元）</b>")])]
    for seg in SEGMENTS:
        controls[f"{seg}|product"] = W.Dropdown(options=[NO_CAMPAIGN, *cp.PRODUCTS], value=NO_CAMPAIGN,
                                                layout=W.Layout(width="120px"))
        controls[f"{seg}|channel"] = W.Dropdown(options=list(cp.CHANNELS), value="短信",
                                                layout=W.Layout(width="130px"))
        controls[f"{seg}|offer"] = W.Dropdown(options=list(cp.OFFERS), value="无优惠",
                                              layout=W.Layout(width="120px"))
        controls[f"{seg}|touches"] = W.Dropdown(options=list(range(1, cp.MAX_TOUCHES + 1)), value=1,
                                                layout=W.Layout(width="90px"))
        controls[f"{seg}|budget"] = W.IntSlider(value=0, min=0, max=int(max_b), step=500,
                                                layout=W.Layout(width="330px"))
        rows.append(W.HBox([W.HTML(f"<span style='display:inline-block;width:170px'>{seg}"
                                   f"（{aud.size(seg)}）</span>"),
                            *(controls[f"{seg}|{k}"] for k in ("product", "channel", "offer", "touches",
                                                                "budget"))]))
    controls["message"] = W.Textarea(value=DEFAULT_MESSAGE, description="营销文案",
                                     layout=W.Layout(width="820px", height="48px"))
    prices = "；".join(f"{c} 每次 {cp.CHANNEL_COST[c]:g} 元、启动 {cp.CHANNEL_SETUP_COST[c]:,.0f} 元、"
                      f"每月最多 {cp.CONTACT_CAP_PER_MONTH[c]} 次" for c in cp.CHANNELS)
    instructions = (
        "<p style='margin:2px 0'>为每个客群选择产品、渠道、优惠、每月触达次数，拖动预算上限（0 = 不做活动）；"
        "最下面写一条营销文案（短信/推送内容或外呼话术共用）。"
        f"渠道：{prices}。优惠按响应人数计："
        + "；".join(f"{o} {cp.OFFER_COST[o]:g} 元/人" for o in cp.OFFERS)
        + "。基金只推给风险承受能力 ≥ R3 的客户，贷款和信用卡只推给通过授信预审的客户，"
          "每个渠道只触达授权过的客户。"
        + f"<br>目标：总成本（启动 + 触达 + 优惠）不超过 {money(max_b)}，"
          f"总投资回报率 (ROI) ≥ {percent(targets['min_roi'])}，净收益 ≥ {money(targets['min_profit'])}，"
          "遵守频次上限、文案带退订方式，且不对低价值客群用高成本渠道。</p>")

    def render(values):
        return render_campaign_values(values, aud, seed, targets)

    app = WidgetExercise(controls, render, title="练习 3：为各客群设计营销方案", exercise=exercise,
                         answer=widget_answer, name="L2.campaign", instructions=instructions)
    # lay the controls out as one row per segment instead of one long column
    grid = W.VBox([*rows, controls["message"]])
    children = list(app.widget.children)
    for i, child in enumerate(children):
        if isinstance(child, W.VBox) and list(child.children) == list(controls.values()):
            children[i] = grid
    app.widget.children = tuple(children)
    return app
