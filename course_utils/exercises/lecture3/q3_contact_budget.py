"""Lecture 3, question 3 (widget): how many customers should the retention team call?

A model (logistic / tree / forest, the reference models of question 2) and a number of
customers to call; the widget shows precision, recall, lift and the expected net value
of the campaign at that budget, and the whole net-value curve. The check asks for a
budget whose net value is within 90 % of the best any model reaches.
"""
from __future__ import annotations

import html as _html
from collections.abc import Mapping
from typing import Any

import numpy as np

from course_utils.exercises import Exercise, answers
from course_utils.viz.fmt import money, percent
from course_utils.viz.theme import BAD, GOOD, NEUTRAL

from .models import CONTACT_COST, KINDS, OFFER_COST, SAVE_RATE, VALUE_SAVED

KIND_ZH = {"logistic": "逻辑回归", "tree": "决策树", "forest": "随机森林"}
#: A budget passes when its net value reaches this share of the best one.
GOOD_ENOUGH = 0.90

ASSUMPTIONS_ZH = (f"假设：每联系一位客户 {CONTACT_COST:,.0f} 元，挽留优惠 {OFFER_COST:,.0f} 元/人（发给每位被联系的客户），"
                  f"被联系到的流失客户中有 {SAVE_RATE:.0%} 被挽留，每留住一位价值 {VALUE_SAVED:,.0f} 元。")


def _plan(answer: Any) -> tuple[str | None, int | None, str | None]:
    if not isinstance(answer, Mapping):
        return None, None, f"答案应该是控件 app3，或字典 {{'model': 模型, 'contacts': 人数}}；你给的是{answers.type_name(answer)}。"
    if "model" not in answer or "contacts" not in answer:
        return None, None, "字典需要两个键：'model'（模型）和 'contacts'（联系人数）。"
    model = answer["model"]
    if not isinstance(model, str) or model not in KINDS:
        return None, None, f"model 应该是 'logistic'、'tree' 或 'forest'，你给的是{answers.type_name(model)}。"
    k = answers.to_number(answer["contacts"])
    if k is None or k != int(k):
        return None, None, f"contacts 应该是整数（联系多少位客户），你给的是{answers.type_name(answer['contacts'])}。"
    return model, int(k), None


def _svg(curves: Mapping[str, np.ndarray], model: str, k: int, n_points: int = 240) -> str:
    """Net value (CNY) against customers called: the chosen model blue, the others grey, k marked."""
    w, h, left, top, bottom = 520, 230, 70, 16, 40
    n = len(next(iter(curves.values()))) - 1
    lo = min(float(c.min()) for c in curves.values())
    hi = max(float(c.max()) for c in curves.values())
    lo, hi = min(lo, 0.0), max(hi, 1.0)

    def x(i):
        return left + (w - left - 10) * i / max(n, 1)

    def y(v):
        return top + (h - top - bottom) * (hi - v) / (hi - lo)

    idx = np.unique(np.linspace(0, n, min(n + 1, n_points)).round().astype(int))
    lines = []
    for kind, c in curves.items():
        pts = " ".join(f"{x(i):.1f},{y(c[i]):.1f}" for i in idx)
        color, width = (GOOD, 3) if kind == model else (NEUTRAL, 1.5)
        lines.append(f"<polyline points='{pts}' fill='none' stroke='{color}' stroke-width='{width}'/>")
    kk = min(max(k, 0), n)
    cur = curves[model][kk]
    ticks = "".join(f"<text x='{left - 6}' y='{y(v) + 4:.1f}' text-anchor='end'>{money(v)}</text>"
                    for v in (lo, 0.0, hi) if lo <= v <= hi)
    return (f"<svg width='{w}' height='{h}' style='font-size:13px;font-family:sans-serif'>"
            f"<line x1='{left}' x2='{w - 10}' y1='{y(0):.1f}' y2='{y(0):.1f}' stroke='#999' stroke-dasharray='3,3'/>"
            + "".join(lines) +
            f"<line x1='{x(kk):.1f}' x2='{x(kk):.1f}' y1='{top}' y2='{h - bottom}' stroke='{BAD}' stroke-width='2'/>"
            f"<circle cx='{x(kk):.1f}' cy='{y(cur):.1f}' r='5' fill='{BAD}'/>" + ticks +
            f"<text x='{left}' y='{h - 12}'>0</text><text x='{w - 10}' y='{h - 12}' text-anchor='end'>{n:,} 人</text>"
            f"<text x='{(left + w) / 2:.0f}' y='{h - 12}' text-anchor='middle'>联系人数（按模型风险从高到低）</text>"
            "</svg>")


def render_contact_budget(values: Mapping[str, Any], curves: Mapping[str, Any], population: str) -> str:
    """Redraw of the widget (pure): the figures at this budget and the net-value curves (HTML + SVG).

    ``curves``: model kind -> DataFrame of :meth:`models.ReferenceModels.profit` (one row per budget).
    """
    model, k, msg = _plan(values)
    if msg:
        return f"<p>{_html.escape(msg)}</p>"
    first = next(iter(curves.values()))
    n = len(first) - 1
    k = min(max(k, 0), n)
    row = curves[model].iloc[k]
    net = {kind: c["net_value"].to_numpy() for kind, c in curves.items()}
    cells = [("联系人数", f"{k:,}"), ("精确率 precision", percent(row["precision"])),
             ("召回率 recall", percent(row["recall"])), ("提升度 lift", "—" if k == 0 else f"{row['lift']:.2f}"),
             ("预计挽留", f"{row['customers_saved']:.1f} 人"), ("总成本", money(row["total_cost"])),
             ("净收益", money(row["net_value"]))]
    table = "".join(f"<td style='padding:2px 10px'><div style='color:#555'>{a}</div><b>{b}</b></td>" for a, b in cells)
    title = "净收益先升后降：名单后面的客户流失率低，多打的电话收不回成本"
    return (f"<div style='font-size:14px'><div style='font-weight:bold'>{title}</div>"
            f"<div style='color:#555'>{_html.escape(population)}；{KIND_ZH[model]}（蓝线），其他模型灰线。"
            f"{ASSUMPTIONS_ZH}</div>"
            f"<table style='border-collapse:collapse;margin:4px 0'><tr>{table}</tr></table>"
            + _svg(net, model, k) + "</div>")


class ContactBudget(Exercise):
    """Q3: the number of customers to call (and the model) with the best expected net value."""

    id = "L3.contact_budget"
    title = "联系多少位客户最划算"
    hints = [
        "先选一个模型，把滑块从小往大拖，看净收益怎么变：一开始上升，到某处开始下降。",
        "净收益在“最后一位被联系的客户”带来的价值刚好抵不过他的成本时最高：名单越往后，流失率越低。",
        "三种模型都试一下：排序越准的模型，名单前面的流失客户越集中，最高净收益也越高。",
    ]
    solution_code = ("# 在控件里依次选三种模型，各自把滑块拖到净收益最高处，留下最高的那个\n"
                     "app3.set_values(**q3.expected())\n"
                     "q3.check(app3)")
    success = ("答对了！预算不是越大越好：净收益最高处，名单上“下一位”的预期挽留价值刚好抵不过联系他的成本。"
               "注意这些数字建立在“挽留率 10%”的假设上——下一题用对照组看看真实的效果。")
    untouched_message = "滑块还在 0：先选模型、拖动联系人数，再检查。"

    @property
    def population(self) -> str:
        """Who is counted (Chinese note)."""
        return str(self.context["population"])

    def curves(self) -> dict:
        """Model kind -> profit curve (DataFrame, one row per number of customers called)."""
        m = self.context["models"]
        return {k: m.profit(k) for k in KINDS}

    def expected(self) -> dict:
        best_kind, best_k, best_v = None, 0, -np.inf
        for kind, c in self.curves().items():
            i = int(c["net_value"].to_numpy().argmax())
            if c["net_value"].iat[i] > best_v:
                best_kind, best_k, best_v = kind, i, float(c["net_value"].iat[i])
        return {"model": best_kind, "contacts": best_k}

    def is_untouched(self, answer: Any) -> bool:
        if super().is_untouched(answer):
            return True
        return isinstance(answer, Mapping) and answers.to_number(answer.get("contacts")) == 0

    def diagnose(self, answer: Any) -> str | None:
        model, k, msg = _plan(answer)
        if msg:
            return msg
        curves = self.curves()
        n = len(curves[model]) - 1
        if not 0 <= k <= n:
            return f"contacts 应该在 0 到 {n:,} 之间（测试集的客户数）。"
        nets = {kind: c["net_value"].to_numpy() for kind, c in curves.items()}
        best = max(float(v.max()) for v in nets.values())
        got = float(nets[model][k])
        if best > 0 and got >= GOOD_ENOUGH * best:
            return None
        own = nets[model]
        if float(own.max()) < GOOD_ENOUGH * best:
            return f"{KIND_ZH[model]}的排序最好时也达不到最高净收益的 90%：换个模型试试。"
        if k < int(own.argmax()):
            return "净收益还在上升：名单再往下联系一些客户，多挽回的价值仍然超过成本。"
        return "联系得太多了：名单后面的客户流失率低，多出来的电话和优惠成本收不回来。"


def contact_budget_app(q: ContactBudget):
    """The widget of question 3: a model dropdown and a slider (customers to call)."""
    import ipywidgets as W

    from course_utils.exercises import WidgetExercise

    curves = q.curves()
    n = len(curves["forest"]) - 1
    step = 10 if n >= 1500 else 1
    controls = {
        "model": W.Dropdown(options=[(KIND_ZH[k], k) for k in KINDS], value="logistic", description="模型"),
        "contacts": W.IntSlider(value=0, min=0, max=n, step=step, description="联系人数",
                                layout=W.Layout(width="520px")),
    }
    population = q.population

    def render(values):
        return render_contact_budget(values, curves, population)

    instructions = ("<p style='margin:2px 0'>选一个模型，拖动“联系人数”：按模型给出的流失风险从高到低联系客户。"
                    "找到预期净收益最高的模型和人数，再点“检查答案”。</p>")
    return WidgetExercise(controls, render, title="练习 3：联系多少位客户最划算", exercise=q,
                          answer=lambda values: {"model": values["model"], "contacts": values["contacts"]},
                          instructions=instructions)
