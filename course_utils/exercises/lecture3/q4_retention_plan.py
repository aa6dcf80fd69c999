"""Lecture 3, question 4 (widget): a retention plan under a budget -- whom to call, with which offer.

The trainee picks the ranking (churn risk or uplift), the budget (CNY, every cost:
calls + offers) and an offer per churn-risk reason (or "不联系"). The simulator
(:mod:`course_utils.retention`, the generator's hidden truth) shows contacts, expected
customers saved, costs and net value next to the bank's usual plan: call the highest
risk and give everyone the same discount. The check asks for an uplift-ranked plan
that makes money and beats the usual plan at the same budget without exceeding it.
"""
from __future__ import annotations

import html as _html
from collections.abc import Mapping
from typing import Any

import numpy as np

from course_utils import retention as rt
from course_utils.exercises import Exercise, answers
from course_utils.viz.fmt import money

USUAL_ZH = "银行常规做法：按流失风险排序，人人发个性化优惠"


def plan_from_values(values: Mapping[str, Any]) -> dict:
    """Flat widget values (``ranking``, ``budget``, ``offer_<reason>``) -> plan dict.

    >>> plan_from_values({"ranking": "uplift", "budget": 5000, "offer_price": "pricing"})
    {'ranking': 'uplift', 'budget': 5000, 'offers': {'price': 'pricing'}}
    """
    offers = {k[len("offer_"):]: v for k, v in values.items() if isinstance(k, str) and k.startswith("offer_")}
    return {"ranking": values.get("ranking"), "budget": values.get("budget"), "offers": offers}


def _as_plan(answer: Any) -> tuple[dict | None, str | None]:
    if isinstance(answer, Mapping) and any(isinstance(k, str) and k.startswith("offer_") for k in answer):
        answer = plan_from_values(answer)
    if not isinstance(answer, Mapping):
        return None, ("答案应该是控件 app4，或方案字典 {'ranking': 排序方式, 'budget': 预算(元), "
                      f"'offers': {{原因: 优惠}}}}；你给的是{answers.type_name(answer)}。")
    missing = [k for k in ("ranking", "budget", "offers") if k not in answer]
    if missing:
        return None, f"方案缺少 {', '.join(missing)}：需要 'ranking'、'budget'、'offers'。"
    ranking = answer["ranking"]
    if not isinstance(ranking, str) or ranking not in rt.RANKINGS:
        return None, f"ranking 应该是 'risk'（按流失风险）或 'uplift'（按挽留增益），你给的是{answers.type_name(ranking)}。"
    budget = answers.to_number(answer["budget"])
    if budget is None or budget < 0:
        return None, f"budget 应该是不小于 0 的金额（元），你给的是{answers.type_name(answer['budget'])}。"
    offers = answer["offers"]
    if not isinstance(offers, Mapping):
        return None, f"offers 应该是字典 {{原因: 优惠}}，你给的是{answers.type_name(offers)}。"
    for reason, offer in offers.items():
        if not isinstance(reason, str) or reason not in rt.REASONS:
            return None, f"offers 里有未知的原因 {reason!r}：可选 {', '.join(rt.REASONS)}。"
        if not isinstance(offer, str) or offer not in rt.OFFER_CHOICES:
            return None, (f"原因 {rt.REASON_LABELS_ZH[reason]} 的优惠应该是 "
                          f"{', '.join(rt.OFFER_CHOICES)} 之一，你给的是{answers.type_name(offer)}。")
    return {"ranking": ranking, "budget": float(budget), "offers": dict(offers)}, None


def _results(ctx, plan: dict) -> tuple[dict, dict]:
    mine = rt.simulate_plan(ctx, plan["ranking"], plan["budget"], plan["offers"])
    usual = rt.simulate_plan(ctx, "risk", plan["budget"], rt.STANDARD_OFFERS)
    return mine, usual


def render_retention_plan(values: Mapping[str, Any], ctx) -> list:
    """Redraw of the widget (pure): the plan next to the bank's usual plan, the assumptions."""
    plan, msg = _as_plan(values)
    if msg:
        return [f"<p>{_html.escape(msg)}</p>"]
    mine, usual = _results(ctx, plan)
    table = rt.plans_table({"你的方案": mine, USUAL_ZH: usual})
    diff = mine["net_value"] - usual["net_value"]
    word = "多赚" if diff >= 0 else "少赚"
    head = (f"<div style='font-size:14px;font-weight:bold'>同样预算 {money(plan['budget'])}：你的方案比常规做法"
            f"{word} {money(abs(diff))}</div>"
            f"<div style='font-size:13px;color:#555'>人群：{rt.CAMPAIGN_DATE} 在网、可合规联系的客户；"
            f"{_html.escape(rt.ASSUMPTIONS_ZH)}</div>")
    bars = []
    vmax = max(abs(mine["net_value"]), abs(usual["net_value"]), 1.0)
    for name, res in (("你的方案", mine), ("常规做法", usual)):
        v = res["net_value"]
        color = "#0072B2" if v >= 0 else "#D55E00"
        bars.append(f"<tr><td style='padding-right:8px;white-space:nowrap'>{name}</td><td>"
                    f"<div style='height:14px;width:{abs(v) / vmax * 300:.0f}px;background:{color}'></div></td>"
                    f"<td style='padding-left:6px'>净收益 {money(v)}</td></tr>")
    chart = f"<table style='font-size:13px;border-collapse:collapse'>{''.join(bars)}</table>"
    return [head, chart, table.style.set_uuid("l3_plan")]


class RetentionPlan(Exercise):
    """Q4: an uplift-ranked retention plan that beats the usual risk-ranked plan at the same budget."""

    id = "L3.retention_plan"
    title = "在预算内设计挽留方案"
    hints = [
        "先保持“按流失风险”，把预算从小往大拖：最高风险的客户里有很多已经在转走资金、谁也留不住的人。",
        "换成“按挽留增益”：增益模型用去年的随机对照活动学到“联系了才会留下”的客户，把钱花在他们身上。",
        "再为每类原因选对症的优惠（价格 → 个性化优惠，服务 → 情感关怀，产品 → 产品升级），"
        "搬迁/工作变动的客户联系了也留不住，可以不联系；然后找净收益最高的预算。",
    ]
    solution_code = (
        "plan = q4.expected()        # 按增益排序 + 对症的优惠 + 净收益最高的预算\n"
        "app4.set_values(ranking=plan['ranking'], budget=plan['budget'],\n"
        "                **{f'offer_{r}': o for r, o in plan['offers'].items()})\n"
        "q4.check(app4)"
    )
    success = ("答对了！同样的钱，先联系“联系了才会留下”的客户、给对症的优惠，比只盯着最高风险的客户赚得多。"
               "记住：增益只能用有对照组的活动数据来学和验证。")
    untouched_message = "控件还在初始设置（就是银行的常规做法）：改变排序、预算或优惠，再检查。"

    def simulator(self):
        """The simulator's context (computed on first use, then kept)."""
        if "_ctx" not in self.__dict__:
            self.__dict__["_ctx"] = rt.campaign_context(self.context["bank"], seed=self.context["seed"])
        return self.__dict__["_ctx"]

    def budget_steps(self) -> tuple[int, int]:
        """(step, max) of the budget slider, CNY."""
        top = 0.2 * self.simulator().max_budget()
        step = 1000 if top > 50_000 else 200
        return step, int(top // step * step)

    def default_values(self) -> dict:
        """The widget's starting values: the usual plan at a small budget."""
        step, top = self.budget_steps()
        return {"ranking": "risk", "budget": int(max(step, round(top / 8 / step) * step)),
                "offers": dict(rt.STANDARD_OFFERS)}

    def expected(self) -> dict:
        if "_expected" not in self.__dict__:
            ctx = self.simulator()
            step, top = self.budget_steps()
            best, best_net = None, -np.inf
            for b in range(step, top + 1, step):
                plan = {"ranking": "uplift", "budget": b, "offers": dict(rt.MATCHED_OFFERS)}
                mine, usual = _results(ctx, plan)
                if mine["net_value"] > max(usual["net_value"], 0) and mine["net_value"] > best_net:
                    best, best_net = plan, mine["net_value"]
            self.__dict__["_expected"] = best or {"ranking": "uplift", "budget": step,
                                                  "offers": dict(rt.MATCHED_OFFERS)}
        e = self.__dict__["_expected"]
        return {"ranking": e["ranking"], "budget": e["budget"], "offers": dict(e["offers"])}

    def is_untouched(self, answer: Any) -> bool:
        if super().is_untouched(answer):
            return True
        plan, msg = _as_plan(answer)
        if msg:
            return False
        d = self.default_values()
        return (plan["ranking"] == d["ranking"] and plan["budget"] == d["budget"]
                and {r: plan["offers"].get(r, rt.NO_CONTACT) for r in rt.REASONS} == d["offers"])

    def diagnose(self, answer: Any) -> str | None:
        plan, msg = _as_plan(answer)
        if msg:
            return msg
        if plan["budget"] <= 0:
            return "预算是 0：一个客户也联系不了。"
        ctx = self.simulator()
        mine, usual = _results(ctx, plan)
        if mine["contacts"] == 0:
            return "这个方案一个客户也没联系：预算太小，或者所有原因都选了“不联系”。"
        if mine["total_cost"] > plan["budget"] + 1e-6:          # pragma: no cover - the simulator never does
            return "方案的总成本超过了预算。"
        if plan["ranking"] == "risk":
            return ("你的方案仍然按流失风险排序：风险最高的客户里很多已经在转走资金，联系了也留不住。"
                    "试试按挽留增益 (uplift) 排序。")
        if mine["net_value"] <= usual["net_value"]:
            return (f"净收益 {money(mine['net_value'])} 没有超过常规做法的 {money(usual['net_value'])}："
                    "看看每类原因的优惠是否对症、哪类原因根本不值得联系，或换一个预算。")
        if mine["net_value"] <= 0:
            return (f"比常规做法好，但方案本身还在亏钱（净收益 {money(mine['net_value'])}）："
                    "预算太大时，名单后面的客户增益很小，收不回成本；试试更小的预算或更便宜的优惠。")
        return None


REASON_ORDER = rt.REASONS


def retention_plan_app(q: RetentionPlan):
    """The widget of question 4: ranking, budget and one offer per reason."""
    import ipywidgets as W

    from course_utils.exercises import WidgetExercise

    ctx = q.simulator()
    step, top = q.budget_steps()
    d = q.default_values()
    options = [(rt.OFFER_CHOICE_LABELS_ZH[o], o) for o in rt.OFFER_CHOICES]
    controls: dict[str, Any] = {
        "ranking": W.ToggleButtons(options=[(rt.RANKING_LABELS_ZH[r], r) for r in rt.RANKINGS],
                                   value=d["ranking"], description="排序"),
        "budget": W.IntSlider(value=d["budget"], min=0, max=top, step=step, description="预算(元)",
                              layout=W.Layout(width="520px")),
    }
    for r in REASON_ORDER:
        controls[f"offer_{r}"] = W.Dropdown(options=options, value=d["offers"][r],
                                            description=rt.REASON_LABELS_ZH[r],
                                            style={"description_width": "110px"})

    def render(values):
        return render_retention_plan(values, ctx)

    instructions = ("<p style='margin:2px 0'>选择排序方式、总预算（联系成本 + 优惠成本）和每类预警原因的优惠。"
                    "模拟器按排序从上往下、先做合规筛选（营销授权、拒绝来电名单、联系频次上限），直到预算用完。"
                    "目标：净收益为正，并且超过同样预算下的常规做法。</p>")
    return WidgetExercise(controls, render, title="练习 4：在预算内设计挽留方案", exercise=q,
                          answer=plan_from_values, instructions=instructions)
