"""Lecture 5, question 2 (widget): design an experiment that could confirm "留存 +12 %".

Controls: customers per group, observation window (months) and the true effect used in
the simulation. The redraw runs :func:`course_utils.experiments.simulate_experiments`:
how often experiments of this design confirm the claim (power) and how often they
"confirm" it when there is no effect (false confirmations). The base retention rate of
each window comes from the bank: customers on the books when :data:`START` begins who are
still on the books ``months`` later. The check asks for a design with >= 80 % simulated
power for the claimed +12 % relative lift, within the customer budget.
"""
from __future__ import annotations

import html as _html
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from course_utils import domain
from course_utils.exercises import Exercise, answers
from course_utils.experiments import simulate_experiments
from course_utils.viz.fmt import percent
from course_utils.viz.theme import BAD, GOOD, NEUTRAL

#: The claim: retention +12 % (relative).
CLAIM_LIFT_PCT = 12
#: Start of the observation windows (customers on the books when this day begins).
START = "2023-01-01"
#: Observation windows offered (months); 18 months from START ends with the data.
MONTHS = (3, 6, 12, 18)
#: Customers the bank can put into the experiment (both groups), at most.
BUDGET = 500
#: Simulated experiments per redraw and their seed (the check uses the same numbers).
N_SIMS, SIM_SEED = 2000, 5
TARGET_POWER = 0.80
ALPHA = 0.05
KEYS = ("n_per_group", "months", "lift_pct")
#: The widget's starting values (the untouched state).
DEFAULTS = {"n_per_group": 100, "months": 6, "lift_pct": 5}


def base_retention(customers: pd.DataFrame, start: str = START, months=MONTHS) -> dict[int, float]:
    """Retention (fraction) of the customers on the books when ``start`` begins, ``m`` months later.

    ``{months: share still on the books}``; churned in ``[start, start + m months)`` = not retained.
    """
    base = customers[domain.on_books_at_start(customers, start)]
    out = {}
    for m in months:
        end = pd.Timestamp(start) + pd.DateOffset(months=m)
        out[int(m)] = float(1.0 - domain.churned_during(base, start, end).mean())
    return out


def _design(answer: Any, months_ok) -> tuple[dict | None, str | None]:
    if not isinstance(answer, Mapping):
        return None, ("答案应该是控件 app2，或字典 {'n_per_group': 每组人数, 'months': 观察月数, "
                      f"'lift_pct': 真实效果(%)}}；你给的是{answers.type_name(answer)}。")
    missing = [k for k in KEYS if k not in answer]
    if missing:
        return None, f"设计缺少 {', '.join(missing)}：需要 'n_per_group'、'months'、'lift_pct'。"
    n = answers.to_number(answer["n_per_group"])
    if n is None or n != int(n) or n < 1:
        return None, f"n_per_group（每组人数）应该是正整数，你给的是{answers.type_name(answer['n_per_group'])}。"
    m = answers.to_number(answer["months"])
    if m is None or int(m) != m or int(m) not in months_ok:
        return None, f"months（观察月数）应该是 {', '.join(map(str, months_ok))} 之一。"
    lift = answers.to_number(answer["lift_pct"])
    if lift is None or not 0 <= lift <= 100:
        return None, f"lift_pct（真实相对效果，%）应该是 0 到 100 之间的数，你给的是{answers.type_name(answer['lift_pct'])}。"
    return {"n_per_group": int(n), "months": int(m), "lift_pct": float(lift)}, None


def simulate_design(design: Mapping[str, Any], base: Mapping[int, float]) -> dict | None:
    """The simulation of one design (None when the treated retention would exceed 100 %)."""
    r = base[design["months"]]
    lift = design["lift_pct"] / 100.0
    if r * (1 + lift) >= 1.0:
        return None
    return simulate_experiments(design["n_per_group"], r, lift, n_sims=N_SIMS, alpha=ALPHA, seed=SIM_SEED,
                                claimed_sign=1)


def _bar(label: str, value: float, color: str, mark: float | None = None) -> str:
    marker = (f"<div style='position:absolute;left:{mark * 300:.0f}px;top:-3px;height:20px;border-left:2px dashed #333'></div>"
              if mark is not None else "")
    return (f"<tr><td style='padding-right:8px;white-space:nowrap'>{label}</td>"
            f"<td><div style='position:relative;width:300px;height:14px;background:#eee'>"
            f"<div style='width:{value * 300:.0f}px;height:14px;background:{color}'></div>{marker}</div></td>"
            f"<td style='padding-left:6px'><b>{percent(value)}</b></td></tr>")


def _histogram(draws: np.ndarray, null: np.ndarray, claimed_abs: float) -> str:
    """SVG: observed differences with the effect (blue) and without (grey); the claim dashed."""
    lo = float(min(draws.min(), null.min(), 0.0))
    hi = float(max(draws.max(), null.max(), claimed_abs))
    if hi - lo < 1e-9:
        hi = lo + 0.01
    bins = np.linspace(lo, hi, 31)
    a, _ = np.histogram(draws, bins)
    b, _ = np.histogram(null, bins)
    top = max(int(a.max()), int(b.max()), 1)
    w, h, left, bottom = 460, 150, 10, 30
    bw = (w - 2 * left) / 30

    def x(v):
        return left + (w - 2 * left) * (v - lo) / (hi - lo)

    rects = []
    for i in range(30):
        for counts, color, op in ((b, NEUTRAL, 0.6), (a, GOOD, 0.6)):
            hh = (h - bottom - 10) * counts[i] / top
            rects.append(f"<rect x='{left + i * bw:.1f}' y='{h - bottom - hh:.1f}' width='{bw - 1:.1f}' "
                         f"height='{hh:.1f}' fill='{color}' fill-opacity='{op}'/>")
    return (f"<svg width='{w}' height='{h}' style='font-size:12px;font-family:sans-serif'>" + "".join(rects)
            + f"<line x1='{x(claimed_abs):.1f}' x2='{x(claimed_abs):.1f}' y1='0' y2='{h - bottom}' stroke='{BAD}' "
            f"stroke-dasharray='4,3' stroke-width='2'/>"
            f"<line x1='{x(0):.1f}' x2='{x(0):.1f}' y1='0' y2='{h - bottom}' stroke='#333'/>"
            f"<text x='{left}' y='{h - 10}'>{lo * 100:+.1f} 个百分点</text>"
            f"<text x='{w - left}' y='{h - 10}' text-anchor='end'>{hi * 100:+.1f} 个百分点</text>"
            f"<text x='{w / 2:.0f}' y='{h - 10}' text-anchor='middle'>观测到的留存率差（实验组 − 对照组）</text></svg>")


def render_experiment(values: Mapping[str, Any], base: Mapping[int, float], n_base: int,
                      budget: int = BUDGET) -> str:
    """Redraw of the widget (pure): power and false confirmations of the design (HTML + SVG)."""
    design, msg = _design(values, tuple(base))
    if msg:
        return f"<p>{_html.escape(msg)}</p>"
    n, m, lift = design["n_per_group"], design["months"], design["lift_pct"]
    r = base[m]
    note = (f"<div style='color:#555;font-size:13px'>人群：{START} 开始时在网的 {n_base:,} 位客户；"
            f"{m} 个月后仍在网的比例（基准留存率，来自数据）= {percent(r)}。"
            f"模拟：{N_SIMS:,} 次实验，对照组留存率 = 基准，实验组 = 基准 × (1 + 真实效果)，"
            f"双侧两比例 z 检验，显著性 {percent(ALPHA)}；“证实” = 显著且实验组更高。</div>")
    total = 2 * n
    budget_line = (f"<div>实验总人数 {total:,} 人（两组各 {n:,}），预算 {budget:,} 人："
                   + ("<b>在预算内</b>" if total <= budget else f"<b style='color:{BAD}'>超出预算</b>") + "</div>")
    sim = simulate_design(design, base)
    if sim is None:
        return (f"<div style='font-size:14px'><div style='font-weight:bold'>{m} 个月的基准留存率已是 {percent(r)}："
                f"相对提高 {lift:.0f}% 会超过 100%，这样的效果不可能存在</div>{note}{budget_line}</div>")
    power, false_rate = sim["power"], sim["false_confirm_rate"]
    claimed_abs = r * lift / 100.0
    title = (f"每组 {n:,} 人、观察 {m} 个月：真实效果 +{lift:.0f}% 时，{percent(power)} 的实验能证实它"
             if lift > 0 else f"每组 {n:,} 人、观察 {m} 个月：没有真实效果时，仍有 {percent(power)} 的实验“证实”了它")
    rows = _bar("功效 (power)：证实的比例", power, GOOD if power >= TARGET_POWER else BAD, TARGET_POWER)
    rows += _bar("误报 (false confirmation)：无效果也“证实”", false_rate, NEUTRAL)
    churn_line = (f"<div>相当于 {m} 个月流失率从 {percent(1 - r)} 降到 {percent(1 - r * (1 + lift / 100))}。</div>"
                  if lift > 0 else "")
    return (f"<div style='font-size:14px'><div style='font-weight:bold'>{_html.escape(title)}</div>{note}"
            f"<table style='font-size:13px;border-collapse:collapse;margin:6px 0'>{rows}</table>"
            f"{budget_line}{churn_line}"
            + _histogram(sim["lift_draws"], sim["null_lift_draws"], claimed_abs)
            + f"<div style='color:#555;font-size:12px'>蓝色：有真实效果时各次实验观测到的差；灰色：没有效果时；"
            f"红色虚线：宣称的差 {claimed_abs * 100:+.1f} 个百分点；虚线 80% 为功效目标。</div></div>")


class ExperimentDesign(Exercise):
    """Q2: an experiment design with >= 80 % power for retention +12 % within the customer budget."""

    id = "L5.experiment_design"
    title = "设计能检验“留存 +12%”的实验"
    hints = [
        "先把“真实效果”设成宣称的 +12%：我们要问的是“如果说法是真的，这个实验能不能证实它”。",
        "观察期太短时留存率接近 100%，“再提高 12%”根本不可能；观察期越长，基准留存率越低。",
        "在可行的观察期里，从小到大拖“每组人数”，直到功效 ≥ 80%；两组合计不能超过预算。",
    ]
    solution_code = ("design = q2.expected()      # 观察期、每组人数、真实效果 +12%\n"
                     "app2.set_values(**design)\n"
                     "q2.check(app2)")
    success = ("答对了！这样的实验如果说法属实，八成以上能证实它；而没有效果时“证实”的比例只有约 2.5%。"
               "样本太小的实验既证实不了也否定不了——这就是要先算样本量的原因。")
    untouched_message = "控件还在初始位置：先调整每组人数、观察期和真实效果，再检查。"

    @property
    def budget(self) -> int:
        """Customers the experiment may use (both groups): BUDGET, at most the population."""
        return int(min(BUDGET, self.context["n_base"]))

    def base(self) -> dict[int, float]:
        """Base retention per observation window (months -> fraction)."""
        return dict(self.context["base"])

    def expected(self) -> dict:
        if "_expected" not in self.__dict__:
            base, best = self.base(), None
            for m in sorted(base):
                for n in range(10, self.budget // 2 + 1, 10):
                    d = {"n_per_group": n, "months": m, "lift_pct": CLAIM_LIFT_PCT}
                    sim = simulate_design(d, base)
                    if sim is not None and sim["power"] >= TARGET_POWER:
                        if best is None or n < best["n_per_group"]:
                            best = d
                        break
            self.__dict__["_expected"] = best or {"n_per_group": self.budget // 2, "months": max(base),
                                                  "lift_pct": CLAIM_LIFT_PCT}
        return dict(self.__dict__["_expected"])

    def is_untouched(self, answer: Any) -> bool:
        if super().is_untouched(answer):
            return True
        return isinstance(answer, Mapping) and all(
            k in answer and answers.to_number(answer[k]) == v for k, v in DEFAULTS.items())

    def diagnose(self, answer: Any) -> str | None:
        base = self.base()
        design, msg = _design(answer, tuple(base))
        if msg:
            return msg
        n, m, lift = design["n_per_group"], design["months"], design["lift_pct"]
        if lift == 0:
            return ("真实效果设成了 0：这时“证实”的都是误报。要检验的是宣称的效果：把真实效果设成 +12%，看功效。")
        if lift != CLAIM_LIFT_PCT:
            return (f"真实效果要设成宣称的 +{CLAIM_LIFT_PCT}%："
                    + ("设得更大，功效会被高估（实验看起来比实际更容易成功）。" if lift > CLAIM_LIFT_PCT
                       else "设得更小，检验的就不是这个说法了。"))
        sim = simulate_design(design, base)
        if sim is None:
            return (f"{m} 个月的基准留存率已是 {percent(base[m])}，相对提高 12% 会超过 100%：这个观察期里"
                    "说法根本不可能成立。换一个更长的观察期。")
        if 2 * n > self.budget:
            return f"两组合计 {2 * n:,} 人，超出了 {self.budget:,} 人的预算：试试别的观察期，或减少每组人数。"
        if sim["power"] < TARGET_POWER:
            return (f"功效只有 {percent(sim['power'])}，不到 80%：如果说法是真的，这样的实验有太多次会“没证实”。"
                    "增加每组人数，或换一个观察期。")
        return None


def experiment_app(q: ExperimentDesign):
    """The widget of question 2: customers per group, observation window, true effect."""
    import ipywidgets as W

    from course_utils.exercises import WidgetExercise

    base = q.base()
    n_base, budget = int(q.context["n_base"]), q.budget
    controls = {
        "n_per_group": W.IntSlider(value=DEFAULTS["n_per_group"], min=10, max=1000, step=10,
                                   description="每组人数", layout=W.Layout(width="520px")),
        "months": W.Dropdown(options=[(f"{m} 个月", m) for m in sorted(base)], value=DEFAULTS["months"],
                             description="观察期"),
        "lift_pct": W.IntSlider(value=DEFAULTS["lift_pct"], min=0, max=30, step=1, description="真实效果 %"),
    }

    def render(values):
        return render_experiment(values, base, n_base, budget)

    instructions = (f"<p style='margin:2px 0'>宣称：留存率相对提高 {CLAIM_LIFT_PCT}%。设计一个实验（随机分成对照组和实验组）："
                    f"选每组人数、观察期和模拟用的真实效果。目标：真实效果为 +{CLAIM_LIFT_PCT}% 时功效 ≥ 80%，"
                    f"两组合计不超过 {budget:,} 人。</p>")
    return WidgetExercise(controls, render, title="练习 2：设计能检验“留存 +12%”的实验", exercise=q,
                          answer=lambda values: dict(values), instructions=instructions)
