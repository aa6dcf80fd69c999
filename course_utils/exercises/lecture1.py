"""Lecture 1 exercises: churn-trend widget, CLV tiers, satisfaction -> loyalty, churn cut.

In a notebook::

    from course_utils.exercises import ____
    from course_utils.exercises import lecture1
    q1, q2, q3, q4 = lecture1.setup(bank)      # bind the exercises to this bank's data
    app1 = lecture1.churn_trend_app(q1)        # the widget exercise (cell tags:
    app1                                       #   widget-exercise, nbval-ignore-output)
    q1.check(app1.values)

Every check compares with values computed from the customers table it was
bound to, so the exercises stay right for any seed / dataset size. The check
logic is plain Python (``diagnose_*`` functions / ``check_answer``) tested in
tests/test_lecture1_exercises.py; the widget's redraw is
:func:`render_churn_trend`, also a plain function.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from course_utils import charts
from course_utils.config import L1_CHURN_CUT, L1_CHURN_CUT_YEAR, L1_CHURN_YEARS
from course_utils.exercises.core import (
    NOT_ATTEMPTED,
    CheckResult,
    Exercise,
    _is_nan,
    _is_real,
    _type_name,
)
from course_utils.exercises.core import ____ as _PLACEHOLDER

#: Years of the churn-trend exercise; year and relative cut of exercise 4.
YEARS = L1_CHURN_YEARS
CHURN_CUT_YEAR = L1_CHURN_CUT_YEAR
CHURN_CUT = L1_CHURN_CUT
#: Tier labels (same as kpis.clv_tiers) and their accepted aliases.
TIERS = ("Top 10%", "Middle 60%", "Bottom 30%")
TIER_SHARES = (0.10, 0.60, 0.30)
_TIER_ALIASES = {
    "top10%": "Top 10%", "top": "Top 10%", "高价值": "Top 10%", "高价值客户": "Top 10%",
    "middle60%": "Middle 60%", "middle": "Middle 60%", "中价值": "Middle 60%",
    "中价值客户": "Middle 60%",
    "bottom30%": "Bottom 30%", "bottom": "Bottom 30%", "低价值": "Bottom 30%",
    "低价值客户": "Bottom 30%",
}
#: Satisfaction bands (same labels as kpis.loyalty_by_satisfaction) and aliases.
BANDS = ("≥90", "70–89", "<70")
_BAND_ALIASES = {
    "≥90": "≥90", ">=90": "≥90", "90+": "≥90", "90以上": "≥90", "90及以上": "≥90",
    "[90,100]": "≥90", "[90,101)": "≥90",
    "70–89": "70–89", "70-89": "70–89", "70~89": "70–89", "70—89": "70–89",
    "70至89": "70–89", "[70,90)": "70–89",
    "<70": "<70", "70以下": "<70", "[0,70)": "<70",
    "high": "≥90", "mid": "70–89", "low": "<70",   # domain.BANDS keys
}
TIER_CN = charts.TIER_CN

# Default widget state: flat 10% line, no events -> "not attempted".
DEFAULT_RATE_PCT = 10.0
N_EVENT_ROWS = 3


# ---------------------------------------------------------------------------
# Reference computations (also used to recognise typical mistakes)
# ---------------------------------------------------------------------------
def _round_half_up(x: float) -> int:
    # same rounding as kpis.tier_sizes (Python's round() rounds half to even)
    return int(math.floor(x + 0.5 + 1e-9))


def tier_means(clv: pd.Series, *, ascending: bool = False,
               shares: tuple[float, float, float] = TIER_SHARES,
               stat: str = "mean", top_count: int | None = None) -> pd.Series:
    """Mean CLV (CNY) per value tier by rank: Top 10% / Middle 60% / Bottom 30%.

    Customers are sorted by CLV (highest first); the first ``10% × n`` (rounded half up)
    form the top tier, the last ``30% × n`` the bottom tier, the rest the
    middle. ``ascending``, ``shares``, ``stat`` and ``top_count`` reproduce
    typical mistakes (sorting the wrong way, wrong cut, median, "first 10").

    >>> float(tier_means(pd.Series([100.0, 1, 2, 3, 4, 5, 6, 7, 8, 9]))["Top 10%"])
    100.0
    """
    values = pd.to_numeric(pd.Series(clv), errors="coerce").dropna()
    values = values.sort_values(ascending=ascending, kind="stable").to_numpy()
    n = len(values)
    n_top = _round_half_up(shares[0] * n) if top_count is None else int(top_count)
    n_bottom = _round_half_up(shares[2] * n)
    if shares[0] + shares[1] + shares[2] < 0.999:  # a cut that leaves customers out
        n_mid_end = n_top + int(round(shares[1] * n))
    else:
        n_mid_end = n - n_bottom
    parts = (values[:n_top], values[n_top:n_mid_end], values[n - n_bottom:])
    fn = np.median if stat == "median" else np.mean
    return pd.Series([float(fn(p)) if len(p) else float("nan") for p in parts],
                     index=list(TIERS), name="mean_clv")


def band_of(satisfaction: pd.Series, *, right_closed: bool = False) -> pd.Series:
    """Satisfaction band per customer: '≥90', '70–89' or '<70'.

    ``right_closed=True`` reproduces the classic ``pd.cut`` mistake (bins
    (70, 90] put a score of exactly 90 in '70–89' and 70 in '<70').

    >>> band_of(pd.Series([95, 90, 89, 70, 69])).tolist()
    ['≥90', '≥90', '70–89', '70–89', '<70']
    """
    s = pd.to_numeric(pd.Series(satisfaction), errors="coerce")
    if right_closed:
        hi, mid = s > 90, s > 70
    else:
        hi, mid = s >= 90, s >= 70
    out = np.where(hi, "≥90", np.where(mid, "70–89", "<70"))
    return pd.Series(out, index=s.index).where(s.notna())


def loyalty_rates(customers: pd.DataFrame, *, right_closed: bool = False,
                  stat: str = "rate") -> pd.Series:
    """Loyal share (fraction 0-1) per satisfaction band, indexed '≥90' / '70–89' / '<70'.

    ``stat`` = ``"rate"`` (the answer), ``"n"`` (customers per band) or
    ``"loyal_n"`` (loyal customers per band) -- the last two are mistakes.

    >>> df = pd.DataFrame({"satisfaction": [95, 90, 80, 60], "loyal": [1, 0, 1, 0]})
    >>> loyalty_rates(df).tolist()
    [0.5, 1.0, 0.0]
    """
    band = band_of(customers["satisfaction"], right_closed=right_closed)
    loyal = pd.to_numeric(customers["loyal"], errors="coerce")
    grouped = loyal.groupby(band)
    if stat == "n":
        out = grouped.size().astype(float)
    elif stat == "loyal_n":
        out = grouped.sum().astype(float)
    else:
        out = grouped.mean()
    return out.reindex(list(BANDS)).rename("loyal_rate")


def churn_rates(customers: pd.DataFrame, years=YEARS) -> pd.Series:
    """Yearly churn rate (fraction) as in ``kpis.yearly_churn_rates``.

    Uses :mod:`course_utils.kpis` when available, else the same definition
    from :func:`course_utils.impact.year_base`.

    >>> df = pd.DataFrame({"open_date": ["2020-01-01"] * 4,
    ...                    "churn_date": ["2021-05-01", None, None, "2023-02-01"]})
    >>> churn_rates(df).round(3).tolist()
    [0.25, 0.0, 0.333]
    """
    try:
        from course_utils import kpis
        return kpis.yearly_churn_rates(customers, years=tuple(years)).astype(float)
    except ImportError:  # pragma: no cover - kpis is part of the package
        from course_utils.impact import year_base
        out = {}
        for y in years:
            base = year_base(customers, y)
            out[y] = base["churned_in_year"].mean() if len(base) else float("nan")
        return pd.Series(out, dtype=float)


# ---------------------------------------------------------------------------
# Answer normalisation helpers
# ---------------------------------------------------------------------------
def _norm_key(key: Any, aliases: Mapping[str, str]) -> str | None:
    text = str(key).strip().replace(" ", "").replace("　", "")
    for k in (text, text.lower()):
        if k in aliases:
            return aliases[k]
    for canon in set(aliases.values()):
        if text.lower() == canon.replace(" ", "").lower():
            return canon
    return None


def _as_label_series(answer: Any, value_column: str) -> pd.Series | None:
    """Series/dict/DataFrame -> Series of raw values keyed by the raw labels."""
    if isinstance(answer, pd.DataFrame):
        frame = answer
        label_col = next((c for c in ("tier", "band") if c in frame.columns), None)
        if label_col is not None:
            frame = frame.set_index(label_col)
        if value_column in frame.columns:
            return frame[value_column]
        if frame.shape[1] == 1:
            return frame.iloc[:, 0]
        return None
    if isinstance(answer, pd.Series):
        return answer
    if isinstance(answer, Mapping):
        return pd.Series(list(answer.values()), index=list(answer.keys()), dtype=object)
    return None


def _labelled_numbers(answer: Any, labels: tuple[str, ...], aliases: Mapping[str, str],
                      value_column: str, what: str) -> tuple[pd.Series | None, str]:
    """Validate shape/labels/numbers; return (Series of floats by canonical label, message)."""
    example = "、".join(f"'{x}'" for x in labels)
    if isinstance(answer, pd.DataFrame) and answer.empty:
        return None, f"答案是一个空表格（没有任何行）。需要 {len(labels)} 个{what}，键是 {example}。"
    raw = _as_label_series(answer, value_column)
    if raw is None and isinstance(answer, pd.DataFrame):
        label_col = "tier" if "Top 10%" in labels else "band"
        return None, (f"表格里找不到答案：需要「{label_col}」和「{value_column}」两列，"
                      f"或者直接给一个字典 (dict) / 序列 (Series)，键是 {example}。")
    if raw is None:
        return None, (f"答案应该是一个字典 (dict) 或序列 (Series)，键是 {example}；"
                      f"你给的是{_type_name(answer)}。")
    if len(raw) == 0:
        return None, f"答案是空的。需要 {len(labels)} 个{what}，键是 {example}。"
    values: dict[str, Any] = {}
    given_as: dict[str, str] = {}
    unknown = []
    for key, val in raw.items():
        canon = _norm_key(key, aliases)
        if canon is None:
            unknown.append(str(key))
        elif canon in values:
            return None, (f"「{canon}」给了两次（键 '{given_as[canon]}' 和 '{key}' 指的是同一个），"
                          "两个值互相矛盾。每个键只写一次。")
        else:
            values[canon] = val
            given_as[canon] = str(key)
    if unknown:
        return None, f"认不出这些键：{'、'.join(unknown[:5])}。请用 {example} 作为键。"
    missing = [lab for lab in labels if lab not in values]
    if missing:
        return None, f"缺少这些层的{what}：{'、'.join(missing)}。"
    out = {}
    for lab in labels:
        v = values[lab]
        if isinstance(v, str):
            return None, f"「{lab}」的值是文字，不是数字。去掉引号试试。"
        if isinstance(v, (pd.Series, pd.DataFrame, list, tuple, np.ndarray)):
            return None, f"「{lab}」的值应该是一个数字，你给的是{_type_name(v)}（是不是忘了求平均？）。"
        if not _is_real(v) or _is_nan(v):
            return None, f"「{lab}」的值不是有效数字（是空值 NaN 或 None）。检查这一层是不是没有选到任何客户。"
        out[lab] = float(v)
    return pd.Series(out), ""


def _matches(answer: pd.Series, target: pd.Series, rtol: float, atol: float = 0.0) -> bool:
    t = target.reindex(answer.index).astype(float)
    if t.isna().any():
        return False
    return bool(np.all(np.abs(answer.to_numpy() - t.to_numpy())
                       <= atol + rtol * np.abs(t.to_numpy())))


# ---------------------------------------------------------------------------
# Q1: churn trend (widget)
# ---------------------------------------------------------------------------
def widget_values_to_answer(values: Mapping[str, Any]) -> dict:
    """Flat widget values -> ``{"rates": {year: percent}, "events": [(year, text)]}``.

    Widget keys: ``y2021``.. (slider, percent) and ``event1_year`` /
    ``event1_text`` .. (year 0 = no annotation).

    >>> widget_values_to_answer({"y2021": 15.0, "event1_year": 2022, "event1_text": "调费"})
    {'rates': {2021: 15.0}, 'events': [(2022, '调费')]}
    """
    rates = {int(k[1:]): v for k, v in values.items()
             if isinstance(k, str) and k.startswith("y") and k[1:].isdigit()}
    events = []
    for i in range(1, 10):
        if f"event{i}_year" not in values and f"event{i}_text" not in values:
            continue
        year = values.get(f"event{i}_year")
        text = values.get(f"event{i}_text") or ""
        if (year in (0, None, "") or year is _PLACEHOLDER) and not str(text).strip():
            continue
        events.append((year, text))
    return {"rates": rates, "events": events}


def render_churn_trend(values: Mapping[str, Any]) -> Any:
    """Redraw of the churn-trend widget: flat widget values -> Figure.

    Sliders are in percent (15.0 = 15%); events with no year or blank text
    are not drawn (the trainee may be half-way through typing).

    >>> fig = render_churn_trend({"y2021": 15, "y2022": 18, "y2023": 20,
    ...                           "event1_year": 2022, "event1_text": "手续费上调"})
    >>> "手续费上调" in [t.get_text() for t in fig.axes[0].texts]
    True
    """
    answer = widget_values_to_answer(values)
    rates = {}
    for year, v in answer["rates"].items():
        try:
            rates[year] = float(v) / 100.0
        except (TypeError, ValueError):
            rates[year] = float("nan")
    finite = [v for v in rates.values() if math.isfinite(v)]
    ymax = max([0.45] + [v * 1.3 for v in finite])  # fixed scale: slider moves the line
    return charts.churn_trend_figure(rates, answer["events"], ymax=ymax)


def _parse_events(events: Any) -> tuple[list[tuple[Any, str]] | None, str]:
    if isinstance(events, Mapping):
        events = list(events.items())
    if not isinstance(events, (list, tuple)):
        return None, (f"「events」应该是一个列表，例如 [(年份, '事件说明'), ...]；"
                      f"你给的是{_type_name(events)}。")
    out = []
    for e in events:
        if isinstance(e, Mapping):
            out.append((e.get("year"), e.get("text")))
        elif isinstance(e, (list, tuple)) and len(e) == 2:
            out.append((e[0], e[1]))
        else:
            return None, "「events」里的每一项都应该是 (年份, '事件说明') 这样的一对。"
    return out, ""


def diagnose_churn_trend(answer: Any, expected: pd.Series, tol_pp: float = 1.0,
                         min_events: int = 2) -> str | None:
    """Return None if the churn-trend answer is right, else a Chinese message.

    ``answer``: flat widget values (``app1.values``), the widget app itself, or
    ``{"rates": {year: rate}, "events": [(year, text), ...]}`` with rates as
    fractions (0.15) or percent (15). ``expected``: Series year -> fraction.
    Checks, in order: shape, every year present and numeric, rising trend,
    values within ``tol_pp`` percentage points of the data, at least
    ``min_events`` annotations on plotted years with non-empty text.

    >>> exp = pd.Series({2021: 0.15, 2022: 0.18, 2023: 0.20})
    >>> diagnose_churn_trend({"rates": {2021: 15, 2022: 18, 2023: 20},
    ...                       "events": [(2022, "调费"), (2023, "降息")]}, exp) is None
    True
    >>> diagnose_churn_trend({"rates": {2021: 15, 2022: 18, 2023: 20},
    ...                       "events": [(2022, "调费")]}, exp).startswith("至少要标注 2 个")
    True
    """
    if hasattr(answer, "values") and hasattr(answer, "controls"):
        answer = answer.values
    if not isinstance(answer, Mapping):
        return ("答案应该是控件的取值 app1.values（或形如 {'rates': {...}, 'events': [...]} "
                f"的字典）；你给的是{_type_name(answer)}。")
    if "rates" not in answer and any(str(k).startswith("y20") for k in answer):
        answer = widget_values_to_answer(answer)
    if "rates" not in answer or "events" not in answer:
        return "字典里要有两个键：'rates'（各年流失率）和 'events'（关键节点标注）。"
    rates = answer["rates"]
    if isinstance(rates, pd.Series):
        rates = rates.to_dict()
    if not isinstance(rates, Mapping):
        return f"「rates」应该是 {{年份: 流失率}} 的字典；你给的是{_type_name(rates)}。"
    by_year: dict[int, Any] = {}
    for k, v in rates.items():
        try:
            by_year[int(str(k).strip().rstrip("年"))] = v
        except ValueError:
            return f"认不出年份「{k}」，请用 2021、2022、2023 这样的整数作为键。"
    years = [int(y) for y in expected.index]
    vals = []
    for y in years:
        if y not in by_year:
            return f"缺少 {y} 年的流失率。"
        v = by_year[y]
        if isinstance(v, str) or not _is_real(v) or _is_nan(v):
            return f"{y} 年的流失率不是有效数字。"
        vals.append(float(v))
    if max(vals) > 1.0:  # given in percent
        vals = [v / 100.0 for v in vals]
    for i in range(1, len(years)):
        if not vals[i] > vals[i - 1]:
            return (f"折线没有逐年上升：{years[i]} 年的流失率不高于 {years[i - 1]} 年。"
                    "回头看看数据里流失率的走向。")
    off = []
    for y, v in zip(years, vals):
        want = float(expected[y])
        if abs(v - want) > tol_pp / 100.0:
            off.append(f"{y} 年（{'偏高' if v > want else '偏低'}）")
    if off:
        return (f"这些年份的流失率和数据对不上（相差超过 {tol_pp:g} 个百分点）：{'、'.join(off)}。"
                "用第一讲里按年计算的流失率核对一下。")
    events, msg = _parse_events(answer["events"])
    if events is None:
        return msg
    valid = 0
    seen: set[tuple[int, str]] = set()
    for year, text in events:
        try:
            y = int(year)
        except (TypeError, ValueError):
            return f"有一个标注的年份「{year}」不是有效年份。"
        if y == 0:
            return "有一个标注写了说明，但没有选年份。"
        if y not in years:
            return f"有一个标注的年份（{y}）不在图上的年份范围 {years[0]}–{years[-1]} 内。"
        if not isinstance(text, str) or not text.strip():
            return f"{y} 年的标注没有文字说明，写一句发生了什么（例如某次产品调整）。"
        key = (y, "".join(text.split()))
        if key in seen:
            return f"{y} 年的同一条标注写了两次；重复的只算一个，请标注另一个关键节点。"
        seen.add(key)
        valid += 1
    if valid < min_events:
        return (f"至少要标注 {min_events} 个关键节点（例如行内某次产品调整、某个市场变化），"
                f"你目前标注了 {valid} 个。")
    return None


def _is_untouched(answer: Any) -> bool:
    """True for the widget's initial state (flat default line, no annotations)."""
    if hasattr(answer, "values") and hasattr(answer, "controls"):
        answer = answer.values
    if not isinstance(answer, Mapping):
        return False
    if "rates" not in answer and any(str(k).startswith("y20") for k in answer):
        answer = widget_values_to_answer(answer)
    rates, events = answer.get("rates"), answer.get("events")
    if not isinstance(rates, Mapping) or events:
        return False
    try:
        return bool(rates) and all(float(v) == DEFAULT_RATE_PCT for v in rates.values())
    except (TypeError, ValueError):
        return False


class ChurnTrendExercise(Exercise):
    """Q1: plot the 2021-2023 churn trend and annotate key events."""

    id = "L1.churn_trend"
    title = "用折线图展示流失率 15%→20%"
    hints = [
        "先在讲义里找到每年的流失率 (churn rate)：分母是 1 月 1 日仍在网的客户，"
        "分子是这一年内流失的客户。",
        "把三个滑块分别调到 2021、2022、2023 年的流失率（单位是 %）。",
        "关键节点：至少选 2 个年份，并各写一句说明，例如“产品调整：……”、“市场变化：……”。",
        "代码作答时写成 {'rates': {2021: 0.15, ...}, 'events': [(2022, '...'), ...]}，"
        "rates 可以是小数，也可以是百分数。",
    ]
    solution_code = (
        "from course_utils.kpis import yearly_churn_rates\n"
        "rates = yearly_churn_rates(customers)      # 每年流失率（小数）\n"
        "answer1 = {\n"
        "    'rates': rates.to_dict(),\n"
        "    'events': [(2022, '产品调整：取消部分免费服务、上调手续费'),\n"
        "               (2023, '市场变化：竞品推出高收益理财、存款降息')],\n"
        "}\n"
        "q1.check(answer1)\n"
        "# 也可以拖动滑块、填写事件后运行 q1.check(app1.values)"
    )
    success = "答对了！三年数据、上升趋势和关键节点都标清楚了。"

    def expected(self) -> pd.Series:
        return churn_rates(self.ctx["customers"])

    def diagnose(self, answer: Any, expected: Any) -> str | None:
        return diagnose_churn_trend(answer, expected)

    def _evaluate(self, answer: Any, *args: Any, **kwargs: Any) -> CheckResult:
        try:
            if _is_untouched(answer):
                return self._result(NOT_ATTEMPTED, "控件还是初始状态：先拖动滑块设置各年流失率，"
                                                   "并填写至少 2 个关键节点，再检查。")
        except Exception:  # noqa: BLE001 - fall through to the normal checks
            pass
        return super()._evaluate(answer, *args, **kwargs)


def churn_trend_app(exercise: ChurnTrendExercise | None = None, years=YEARS,
                    n_events: int = N_EVENT_ROWS):
    """Build the churn-trend widget exercise (sliders + event rows + chart).

    Returns a :class:`~course_utils.exercises.widgets.WidgetExercise`; display
    it as the last line of a cell tagged ``widget-exercise`` and
    ``nbval-ignore-output``. ``app.values`` is what ``q1.check`` takes.

    >>> app = churn_trend_app()            # doctest: +SKIP
    >>> app.set_values(y2021=15.0)         # doctest: +SKIP
    >>> sorted(app.values)[:2]             # doctest: +SKIP
    ['event1_text', 'event1_year']
    """
    import ipywidgets as W

    from course_utils.exercises.widgets import WidgetExercise

    style = {"description_width": "110px"}
    controls: dict[str, Any] = {}
    for y in years:
        controls[f"y{y}"] = W.FloatSlider(value=DEFAULT_RATE_PCT, min=0.0, max=40.0, step=0.5,
                                          description=f"{y} 年流失率 %", readout_format=".1f",
                                          style=style, layout=W.Layout(width="460px"))
    options = [("（不标注）", 0)] + [(f"{y} 年", y) for y in years]
    for i in range(1, n_events + 1):
        controls[f"event{i}_year"] = W.Dropdown(options=options, value=0,
                                                description=f"关键节点 {i} 年份", style=style)
        controls[f"event{i}_text"] = W.Text(value="", placeholder="例如：产品调整——手续费上调",
                                            description=f"关键节点 {i} 说明", style=style,
                                            layout=W.Layout(width="460px"))
    instructions = ("<p style='margin:2px 0'>拖动滑块设置每年的客户流失率（%），"
                    "再为至少 2 个关键节点选年份、写说明（输入后按回车）。图会随之更新；"
                    "点“检查答案”看反馈。</p>")
    return WidgetExercise(controls, render_churn_trend, title="练习 1：用折线图展示流失率 15%→20%",
                          exercise=exercise, answer=widget_values_to_answer,
                          name="L1.churn_trend", instructions=instructions)


# ---------------------------------------------------------------------------
# Q2: CLV tier means
# ---------------------------------------------------------------------------
def diagnose_tier_means(answer: Any, clv: pd.Series, rtol: float = 0.01) -> str | None:
    """Return None if ``answer`` holds the right mean CLV per tier, else a message.

    ``answer``: dict / Series keyed 'Top 10%' / 'Middle 60%' / 'Bottom 30%'
    (or 高价值 / 中价值 / 低价值), or a DataFrame with tier and mean_clv columns;
    values in CNY. ``clv``: the customers' CLV column.

    >>> clv = pd.Series([float(x) for x in range(1, 11)])   # 10 customers
    >>> diagnose_tier_means({"Top 10%": 10, "Middle 60%": 6.5, "Bottom 30%": 2}, clv) is None
    True
    >>> "排序方向反了" in diagnose_tier_means({"Top 10%": 1, "Middle 60%": 4.5, "Bottom 30%": 9}, clv)
    True
    """
    got, msg = _labelled_numbers(answer, TIERS, _TIER_ALIASES, "mean_clv", "平均 CLV")
    if got is None:
        return msg
    expected = tier_means(clv)
    if _matches(got, expected, rtol):
        return None
    if _matches(got, expected / 10_000, rtol):
        return "数值的单位像是万元。请用元 (CNY) 作答，和数据里 clv 列的单位一致。"
    if _matches(got, tier_means(clv, ascending=True), rtol) or got["Top 10%"] < got["Bottom 30%"]:
        return ("高价值层的平均 CLV 反而比低价值层低：排序方向反了吗？"
                "Top 10% 应该是 CLV 最高的那 10% 客户。")
    if _matches(got, tier_means(clv, stat="median"), rtol):
        return "这些数像是中位数 (median)。题目要的是每层的平均值 (mean)。"
    if _matches(got, tier_means(clv, top_count=10), rtol) \
            or _matches(got.loc[["Top 10%"]], tier_means(clv, top_count=10).loc[["Top 10%"]],
                        rtol):
        return "高价值层应是按人数算的前 10% 客户，而不是前 10 位客户。"
    wrong_cuts = [(0.1, 0.5, 0.4), (0.1, 0.5, 0.3), (0.2, 0.6, 0.2), (0.3, 0.6, 0.1),
                  (0.1, 0.3, 0.6), (0.2, 0.5, 0.3)]
    if any(_matches(got, tier_means(clv, shares=s), rtol) for s in wrong_cuts):
        return ("分层的比例不对：前 10% 是高价值，接下来 60%（排名 10%–70%）是中价值，"
                "最后 30% 是低价值。")
    off = [f"{lab}（{'偏高' if got[lab] > expected[lab] else '偏低'}）"
           for lab in TIERS if abs(got[lab] - expected[lab]) > rtol * abs(expected[lab])]
    return f"这些层的平均 CLV 和数据对不上：{'、'.join(off)}。检查排序和每层的切分位置。"


class ClvTierExercise(Exercise):
    """Q2: mean CLV of the Top 10% / Middle 60% / Bottom 30% tiers."""

    id = "L1.clv_tiers"
    title = "计算三个价值层的平均 CLV"
    hints = [
        "先把客户按 clv 从高到低排序：customers['clv'].sort_values(ascending=False)。",
        "n = len(customers)；前 round(0.1*n) 个是高价值层，最后 round(0.3*n) 个是低价值层，"
        "中间的是中价值层。用 .iloc[开始:结束] 切片。",
        "每层取 .mean()，把三个数放进字典 {'Top 10%': ..., 'Middle 60%': ..., 'Bottom 30%': ...}。",
    ]
    solution_code = (
        "clv_sorted = customers['clv'].sort_values(ascending=False)   # 从高到低\n"
        "n = len(clv_sorted)\n"
        "n_top, n_bottom = round(0.1 * n), round(0.3 * n)\n"
        "top = clv_sorted.iloc[:n_top]\n"
        "middle = clv_sorted.iloc[n_top:n - n_bottom]\n"
        "bottom = clv_sorted.iloc[n - n_bottom:]\n"
        "answer2 = {'Top 10%': top.mean(), 'Middle 60%': middle.mean(),\n"
        "           'Bottom 30%': bottom.mean()}"
    )
    success = "答对了！高价值客户人数少，却贡献了很大一块价值。"

    def expected(self) -> pd.Series:
        return self.ctx["customers"]["clv"]

    def diagnose(self, answer: Any, expected: Any) -> str | None:
        return diagnose_tier_means(answer, expected)


# ---------------------------------------------------------------------------
# Q3: satisfaction -> loyalty
# ---------------------------------------------------------------------------
def diagnose_loyalty_rates(answer: Any, customers: pd.DataFrame,
                           atol: float = 0.005) -> str | None:
    """Return None if ``answer`` holds the right loyal share per band, else a message.

    ``answer``: dict / Series keyed '≥90' / '70–89' / '<70' with fractions
    (0.85 = 85%), or a DataFrame with band and loyal_rate columns. Tolerance
    ``atol`` (0.005 = half a percentage point, so two-decimal rounding passes).

    >>> df = pd.DataFrame({"satisfaction": [95, 90, 80, 60], "loyal": [1, 0, 1, 0]})
    >>> diagnose_loyalty_rates({"≥90": 0.5, "70-89": 1.0, "<70": 0.0}, df) is None
    True
    >>> diagnose_loyalty_rates({"≥90": 2, "70–89": 1, "<70": 1}, df).startswith("这些数是每档的客户人数")
    True
    """
    got, msg = _labelled_numbers(answer, BANDS, _BAND_ALIASES, "loyal_rate", "忠诚客户占比")
    if got is None:
        return msg
    expected = loyalty_rates(customers)
    if _matches(got, expected, 0.0, atol):
        return None
    if _matches(got, loyalty_rates(customers, stat="n"), 0.0, 0.5):
        return "这些数是每档的客户人数，题目要的是忠诚客户占比（忠诚人数 ÷ 该档人数）。"
    if _matches(got, loyalty_rates(customers, stat="loyal_n"), 0.0, 0.5):
        return "这些数是每档忠诚客户的人数，还要除以该档的总人数，得到占比。"
    if _matches(got, expected * 100, 0.0, atol * 100):
        return "数值像是百分数。请用 0 到 1 之间的比例作答（例如 0.5 表示 50%）。"
    if _matches(got, 1 - expected, 0.0, atol):
        return "这像是不忠诚客户的占比。题目要的是 loyal = 1 的客户占比。"
    alt = loyalty_rates(customers, right_closed=True)
    if _matches(got, alt, 0.0, atol):
        return ("分档边界不对：满意度正好 90 的客户属于「≥90」档，正好 70 的属于「70–89」档。"
                "（用 pd.cut 时注意 right 参数。）")
    if (got > 1).any() or (got < 0).any():
        return "占比应该在 0 到 1 之间。"
    off = [f"{lab}（{'偏高' if got[lab] > expected[lab] else '偏低'}）"
           for lab in BANDS if abs(got[lab] - expected[lab]) > atol]
    return f"这些档的忠诚客户占比和数据对不上：{'、'.join(off)}。检查分档和计算方法。"


class LoyaltyExercise(Exercise):
    """Q3: loyal share per satisfaction band (≥90 / 70–89 / <70)."""

    id = "L1.loyalty_by_satisfaction"
    title = "满意度分档与忠诚客户占比"
    hints = [
        "先给每位客户分档：满意度 ≥90、70–89、<70。可以用 pd.cut，"
        "bins=[0, 70, 90, 101]，注意边界值 70 和 90 应归到更高的一档。",
        "pd.cut 默认 right=True（区间右端闭合），会把 90 分到 70–89 档；这里要 right=False。",
        "loyal 列是 0/1，对它按档 groupby 后取 .mean() 就是忠诚客户占比。",
    ]
    solution_code = (
        "band = pd.cut(customers['satisfaction'], bins=[0, 70, 90, 101],\n"
        "              labels=['<70', '70–89', '≥90'], right=False)\n"
        "answer3 = customers.groupby(band, observed=True)['loyal'].mean()"
    )
    success = "答对了！满意度越高，忠诚客户占比越高。"

    def expected(self) -> pd.DataFrame:
        return self.ctx["customers"]

    def diagnose(self, answer: Any, expected: Any) -> str | None:
        return diagnose_loyalty_rates(answer, expected)


# ---------------------------------------------------------------------------
# Q4: what "AI cut churn by 20%" means in customers
# ---------------------------------------------------------------------------
def diagnose_customers_kept(answer: Any, customers: pd.DataFrame, year: int = CHURN_CUT_YEAR,
                            relative_cut: float = CHURN_CUT) -> str | None:
    """Return None if ``answer`` is the number of customers kept, else a message.

    Right answer: churners of ``year`` (among customers on the books on 1 January)
    × ``relative_cut``, ±1 customer for rounding. Recognised mistakes: a share
    instead of a count, all churners (a cut of 20 percentage points), 20 % of the
    year-start base, the churners that remain, another year's figure.

    >>> df = pd.DataFrame({"open_date": ["2020-01-01"] * 10,
    ...                    "churn_date": ["2023-03-01"] * 4 + [None] * 6, "clv": [1.0] * 10})
    >>> diagnose_customers_kept(0.8, df, 2023) is None, diagnose_customers_kept(4, df, 2023)[:8]
    (True, '4 是 2023')
    >>> diagnose_customers_kept(2, df, 2023)[:10]
    '20% 要乘在当年流'
    """
    from course_utils.impact import churn_cut_impact

    if isinstance(answer, str):
        return "答案应该是一个数字（客户人数），你给的是文字。去掉引号试试。"
    if not _is_real(answer):
        return f"答案应该是一个数字（客户人数），你给的是{_type_name(answer)}。"
    if _is_nan(answer) or math.isinf(float(answer)):
        return "答案是 NaN（非数字）或无穷大，通常是空数据或除以 0 造成的。"
    a = float(answer)
    r = churn_cut_impact(customers, year, relative_cut)
    want = r.churned * relative_cut
    if abs(a - want) <= 1.0:
        return None
    if 0 < a < 1:
        return "这是一个比例，题目问的是少流失的客户“人数”。"
    pct = f"{relative_cut:.0%}"
    if abs(a - r.churned) <= 1.0:
        return (f"{a:g} 是 {year} 年全部流失客户的人数——相当于把“降低 {pct}”理解成流失率降低 "
                f"{relative_cut * 100:g} 个百分点（{year} 年流失率 {r.churn_rate:.1%}，减去 "
                f"{relative_cut * 100:g} 个百分点就到 0 甚至负数了）。这里是相对降低："
                f"流失率变为原来的 {1 - relative_cut:.0%}。")
    if abs(a - r.active_start * relative_cut) <= 1.0:
        return (f"{pct} 要乘在当年流失的客户数上，而不是年初在网的客户数上："
                "被“降低”的是流失，不是客户总数。")
    if abs(a - r.churned * (1 - relative_cut)) <= 1.0:
        return "这是降低后仍然会流失的人数。题目问的是因此少流失（被留住）的人数。"
    for other in (year - 2, year - 1, year + 1, year + 2):
        try:
            o = churn_cut_impact(customers, other, relative_cut)
        except Exception:  # noqa: BLE001 - a year outside the data
            continue
        if o.churned and abs(a - o.churned * relative_cut) <= 1.0:
            return f"这是 {other} 年的数字（例如讲义里的例子）。题目问的是 {year} 年。"
    return (f"人数{'偏多' if a > want else '偏少'}了。先数出 {year} 年 1 月 1 日在网、"
            f"并在 {year} 年内流失的客户，再想“相对降低 {pct}”意味着什么。")


class ChurnCutExercise(Exercise):
    """Q4: customers kept if the churn rate of :data:`CHURN_CUT_YEAR` had been 20% lower."""

    id = "L1.churn_cut"
    title = f"流失率降低 {CHURN_CUT:.0%} 能留住多少客户"
    hints = [
        f"先数出 {CHURN_CUT_YEAR} 年 1 月 1 日在网、并在 {CHURN_CUT_YEAR} 年内流失的客户人数"
        "（讲义第一节算流失率时的分子）。",
        f"“流失率降低 {CHURN_CUT:.0%}”是相对降低：流失率变为原来的 {1 - CHURN_CUT:.0%}，"
        f"流失人数也相应减少 {CHURN_CUT:.0%}。",
        f"少流失的人数 = {CHURN_CUT_YEAR} 年流失人数 × {CHURN_CUT:g}。",
    ]
    solution_code = (
        f"start = pd.Timestamp('{CHURN_CUT_YEAR}-01-01')\n"
        f"end = pd.Timestamp('{CHURN_CUT_YEAR + 1}-01-01')\n"
        "on_books = (customers['open_date'] < start) & (\n"
        "    customers['churn_date'].isna() | (customers['churn_date'] >= start))   # 年初在网\n"
        "churned = on_books & (customers['churn_date'] < end)                       # 当年流失\n"
        f"answer4 = churned.sum() * {CHURN_CUT:g}"
    )
    success = "答对了！这些客户每人都带着自己的 CLV——这就是“降低 20%”的分量。"

    def expected(self) -> pd.DataFrame:
        return self.ctx["customers"]

    def diagnose(self, answer: Any, expected: Any) -> str | None:
        return diagnose_customers_kept(answer, expected)


# ---------------------------------------------------------------------------
# Binding to data
# ---------------------------------------------------------------------------
def setup(bank_or_customers: Any) -> tuple[ChurnTrendExercise, ClvTierExercise,
                                           LoyaltyExercise, ChurnCutExercise]:
    """Create Lecture 1's exercises bound to a bank (or its customers table).

    >>> customers = pd.DataFrame({"open_date": ["2020-01-01"], "churn_date": [None],
    ...                           "clv": [1.0], "satisfaction": [90], "loyal": [1]})
    >>> q1, q2, q3, q4 = setup(customers)
    >>> q3.id
    'L1.loyalty_by_satisfaction'
    """
    customers = getattr(bank_or_customers, "customers", bank_or_customers)
    if not isinstance(customers, pd.DataFrame):
        raise TypeError("setup() needs the bank (get_bank(...)) or its customers DataFrame")
    return (ChurnTrendExercise(customers=customers), ClvTierExercise(customers=customers),
            LoyaltyExercise(customers=customers), ChurnCutExercise(customers=customers))
