"""Lecture 2 exercises: RFM, segmentation tuning (widget), segment campaigns (widget), cleaning.

In a notebook::

    from course_utils.exercises import ____
    from course_utils.exercises import lecture2
    q1, q2, q3, q4 = lecture2.setup(bank, seed=SEED)
    app2 = lecture2.segmentation_app(q2)        # widget cells are tagged
    app3 = lecture2.campaign_app(q3)            #   widget-exercise, nbval-ignore-output

Every check compares with values computed from the bank it was bound to, so the
exercises stay right for any seed / dataset size. Check logic is plain Python
(``diagnose_*``), widget redraws are the plain functions ``render_*``; both are
tested in tests/test_lecture2_exercises.py.
"""
from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from course_utils import campaign as cp
from course_utils.cleaning import check_preprocessed
from course_utils.datagen import response_rates as rr
from course_utils.exercises.core import NOT_ATTEMPTED, CheckResult, Exercise, _type_name
from course_utils.features import customer_view, rfm
from course_utils.segments import SEGMENTS, html_bars, profile_table, render_segmentation

#: Cut-off date (观察截止日) of Lecture 2: features use data strictly before it.
CUTOFF = "2024-04-01"
#: An earlier cut-off, to show how segments move between two dates.
PREVIOUS_CUTOFF = "2024-01-01"
RFM_COLS = ("recency_days", "frequency", "monetary")

#: Q2 task: quintiles and weights R:F:M = 1:1:2; count 重要保持客户 in the RFM top 20%.
Q2_BINS = 5
Q2_WEIGHTS = (1.0, 1.0, 2.0)
Q2_SEGMENT = "重要保持客户"
Q2_DEFAULTS = {"bins": 4, "w_r": 1.0, "w_f": 1.0, "w_m": 1.0, "count": 0}

#: Q3 targets: total ROI at least 100%, budget per customer, share of the reference profit.
Q3_MIN_ROI = 1.0
Q3_BUDGET_PER_CUSTOMER = 20.0
Q3_PROFIT_SHARE = 0.6

#: Q4 columns.
Q4_NUMERIC = ("age", "monthly_income", "tenure_days", "recency_days", "frequency", "monetary",
              "balance_last")
Q4_CATEGORICAL = ("gender", "city", "occupation")
Q4_LABEL = "loyal"


# ---------------------------------------------------------------------------
# Data preparation shared by the lecture and the exercises
# ---------------------------------------------------------------------------
_VIEW_CACHE: dict = {}


def lecture_view(bank, as_of: str = CUTOFF) -> pd.DataFrame:
    """The customer view of Lecture 2 at ``as_of`` (cached per bank object and date)."""
    key = (id(bank), str(as_of))
    hit = _VIEW_CACHE.get(key)
    if hit is not None and hit[0] is bank:
        return hit[1].copy()
    view = customer_view(bank, as_of)
    if len(_VIEW_CACHE) > 8:
        _VIEW_CACHE.clear()
    _VIEW_CACHE[key] = (bank, view)
    return view.copy()


def rfm_table(bank, as_of: str = CUTOFF) -> pd.DataFrame:
    """R, F, M of the active customers at ``as_of`` (F and M over the last 365 days)."""
    return lecture_view(bank, as_of)[list(RFM_COLS)]


def segment_sizes(bank, as_of: str = CUTOFF, bins: int = 5) -> pd.Series:
    """Customers per RFM segment at ``as_of`` (quintile scores)."""
    from course_utils.segments import rfm_scores

    return rfm_scores(rfm_table(bank, as_of), bins=bins)["segment"].value_counts().reindex(
        list(SEGMENTS), fill_value=0
    )


# ---------------------------------------------------------------------------
# Q1: RFM for a cut-off
# ---------------------------------------------------------------------------
def _as_rfm_frame(answer: Any) -> tuple[pd.DataFrame | None, str]:
    if not isinstance(answer, pd.DataFrame):
        return None, (f"答案应该是一个 DataFrame（每位客户一行，列为 recency_days、frequency、"
                      f"monetary）；你给的是{_type_name(answer)}。")
    df = answer
    if "customer_id" in df.columns:
        df = df.set_index("customer_id")
    if len(df) == 0:
        return None, "答案是空表：没有任何客户。检查筛选条件是不是把所有交易都去掉了。"
    missing = [c for c in RFM_COLS if c not in df.columns]
    if missing:
        return None, (f"缺少列 {missing}。请把三列分别命名为 recency_days（最近一次交易距今天数）、"
                      f"frequency（交易笔数）、monetary（交易金额合计）。")
    out = pd.DataFrame(index=df.index.astype(str))
    for c in RFM_COLS:
        col = df[c]
        if isinstance(col, pd.DataFrame):
            return None, f"有两列都叫 {c}：每个列名只能出现一次。"
        if pd.api.types.is_timedelta64_dtype(col):
            col = col.dt.days
        if pd.api.types.is_bool_dtype(col) or not pd.api.types.is_numeric_dtype(col):
            return None, (f"列 {c} 里存的是文字或其他类型（{col.dtype}），不是数字。"
                          "不要把数字转成字符串 (str)；直接用 groupby 的计算结果。")
        num = pd.to_numeric(col, errors="coerce")
        if num.isna().any():
            return None, f"列 {c} 里有空值 (NaN)：每位客户的三项都应该有数。"
        out[c] = num.to_numpy(dtype=float)
    if out.index.duplicated().any():
        return None, "同一位客户出现了多行：RFM 表应该每位客户一行（按 customer_id 分组）。"
    return out, ""


def _same(a: pd.Series, b: pd.Series, tol: float = 1e-6) -> bool:
    b = b.reindex(a.index)
    if b.isna().any():
        return False
    return bool(np.allclose(a.to_numpy(dtype=float), b.to_numpy(dtype=float), rtol=1e-6, atol=tol))


def diagnose_rfm(answer: Any, transactions: pd.DataFrame, as_of: str) -> str | None:
    """None if ``answer`` is the RFM table of ``transactions`` before ``as_of``, else a message.

    Recognised mistakes: rows on/after the cut-off used (leakage), recency with the
    wrong sign or from the first transaction, frequency = amounts summed,
    monetary = mean amount, customers missing or extra.
    """
    got, msg = _as_rfm_frame(answer)
    if got is None:
        return msg
    cutoff = pd.Timestamp(as_of)
    expected = rfm(transactions, cutoff)
    expected.index = expected.index.astype(str)
    everything = rfm(transactions, pd.Timestamp(transactions["txn_date"].max()) + pd.Timedelta(days=1))
    everything.index = everything.index.astype(str)
    inclusive = rfm(transactions, cutoff + pd.Timedelta(days=1))
    inclusive.index = inclusive.index.astype(str)

    known = set(transactions["customer_id"].astype(str).unique())
    if not any(i in known for i in got.index[:1000]):
        return ("表里认不出客户号：行索引不是 customer_id，也没有 customer_id 列"
                "（例如 reset_index(drop=True) 会把客户号丢掉）。"
                "让 customer_id 作为索引，或保留为一列。")
    extra = got.index.difference(expected.index)
    unknown = [i for i in extra if i not in known]
    if unknown:
        return (f"表里有 {len(unknown)} 个认不出的客户号（例如 {unknown[0]}）："
                "客户号应该和交易表 customer_id 列里的一样。")
    if len(extra):
        return (f"表里有 {len(extra)} 位客户在截止日之前没有任何交易（他们的交易都在截止日当天或之后）："
                "这是用到了截止日之后的数据（数据泄漏 leakage）。先筛选 txn_date < 截止日。")
    missing = expected.index.difference(got.index)
    if len(missing):
        last = expected["recency_days"]
        shown_max = float(got["recency_days"].max()) if len(got) else 0.0
        if (last.loc[missing] > shown_max).all() and (last.drop(missing) <= shown_max).all():
            return (f"少了 {len(missing)} 位客户：他们截止日前最近一次交易都在 {shown_max:.0f} 天以前。"
                    "看起来你只用了截止日前最近一段时间（例如讲义里的 365 天）的交易；"
                    "这道题要用截止日之前的全部交易（只限定截止日，不限定开始日期）。")
        return (f"少了 {len(missing)} 位在截止日前有交易的客户。检查筛选条件，"
                "并确认是按 customer_id 分组。")
    got = got.loc[expected.index]

    # frequency
    if not _same(got["frequency"], expected["frequency"]):
        if _same(got["frequency"], inclusive["frequency"]):
            return ("截止日当天的交易也被算进去了：只能用严格早于截止日的交易（txn_date < 截止日，"
                    "不是 <=）。")
        if _same(got["frequency"], everything["frequency"]):
            return ("frequency 用到了截止日之后的交易（数据泄漏 leakage）：计算前先筛选 "
                    "txn_date < 截止日。")
        if _same(got["frequency"], expected["monetary"], tol=0.01):
            return "frequency 看起来是金额之和。frequency 应该是交易笔数（count / size），不是金额。"
        return "frequency（交易笔数）和数据对不上：按客户数一数截止日前的交易有几笔。"
    # monetary
    if not _same(got["monetary"], expected["monetary"], tol=0.01):
        if _same(got["monetary"], everything["monetary"], tol=0.01):
            return "monetary 用到了截止日之后的交易（数据泄漏）。先筛选再求和。"
        if _same(got["monetary"], expected["monetary"] / expected["frequency"], tol=0.01):
            return "monetary 看起来是平均每笔金额 (mean)。这里要的是截止日前的交易金额合计 (sum)。"
        return "monetary（交易金额合计）和数据对不上：按客户对 amount 求和 (sum)。"
    # recency
    if not _same(got["recency_days"], expected["recency_days"]):
        if (got["recency_days"] < 0).any():
            if _same(-got["recency_days"], expected["recency_days"]):
                return "recency_days 是负数：方向算反了。应该是 截止日 − 最近一次交易日（天数为正）。"
            return ("recency_days 出现负数：用到了截止日之后的交易，或减法方向反了。"
                    "应该是 截止日 − 最近一次交易日。")
        first = transactions[pd.to_datetime(transactions["txn_date"]) < cutoff].groupby(
            transactions["customer_id"].astype(str))["txn_date"].min()
        from_first = (cutoff - pd.to_datetime(first)).dt.days
        if _same(got["recency_days"], from_first):
            return "recency_days 用的是第一次交易 (min)。Recency 要看最近一次交易，用 max。"
        if _same(got["recency_days"], expected["recency_days"] - 1) or \
                _same(got["recency_days"], expected["recency_days"] + 1):
            return "recency_days 差了 1 天：直接用 (截止日 − 最近一次交易日).dt.days，不要再加减 1。"
        return "recency_days 和数据对不上：应为 截止日 − 该客户最近一次交易日 的天数。"
    return None


class RfmExercise(Exercise):
    """Q1: R, F, M per customer as of the cut-off date."""

    id = "L2.rfm"
    title = "计算截止日的 RFM"
    hints = [
        "第一步只保留截止日之前的交易：tx[tx['txn_date'] < CUTOFF]（严格小于，截止日当天不算）。",
        "按 customer_id 分组 (groupby)，分别求：最近一次交易日 max、交易笔数 size/count、金额合计 sum。",
        "recency_days = (截止日 − 最近一次交易日).dt.days；最后把三列命名为 recency_days、frequency、monetary。",
    ]
    solution_code = (
        "cut = pd.Timestamp(CUTOFF)\n"
        "before = tx[tx['txn_date'] < cut]                      # 只用截止日之前的交易\n"
        "g = before.groupby('customer_id')\n"
        "answer1 = pd.DataFrame({\n"
        "    'recency_days': (cut - g['txn_date'].max()).dt.days,  # 最近一次交易距今天数\n"
        "    'frequency': g.size(),                                 # 交易笔数\n"
        "    'monetary': g['amount'].sum(),                         # 交易金额合计\n"
        "})\n"
        "# 也可以一行：answer1 = features.rfm(tx, CUTOFF)"
    )
    success = "答对了！只用截止日之前的数据，R、F、M 三列都对。"

    def expected(self) -> pd.DataFrame:
        return self.ctx["transactions"]

    def diagnose(self, answer: Any, expected: Any) -> str | None:
        return diagnose_rfm(answer, expected, self.ctx["as_of"])


# ---------------------------------------------------------------------------
# Q2: tune the segmentation (widget)
# ---------------------------------------------------------------------------
def render_segment_tuning(values: Mapping[str, Any], table: pd.DataFrame, draw: bool = False) -> list:
    """Redraw of the segmentation widget (pure): sizes as bars + colour-graded profile table.

    The bars are HTML (``segments.html_bars``) so a redraw stays far below 150 ms;
    ``draw=True`` returns the matplotlib chart instead (lecture, static previews).
    """
    bins = int(values.get("bins", 5))
    w = [float(values.get(k, 1)) for k in ("w_r", "w_f", "w_m")]
    sizes, profile, fig = render_segmentation(table, bins, *w, draw=draw)
    top_col = sizes.columns[2]
    shown = profile.drop(columns=["share"]).copy()
    shown.insert(1, top_col, sizes[top_col].reindex(shown.index))
    if fig is None:
        fig = html_bars(
            [str(i) for i in sizes.index],
            {"客群人数": sizes["客户数"].tolist(), f"其中{top_col[:-2]}": sizes[top_col].tolist()},
            {"客群人数": "#9DB4D3", f"其中{top_col[:-2]}": "#C44E52"},
            title=f"各客群人数（{bins} 档评分，RFM 综合分权重 R:F:M = {w[0]:g}:{w[1]:g}:{w[2]:g}）",
            overlay=True)
    return [fig, profile_table(shown)]


def _sizes_top(sizes: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(customers, of which in the RFM top 20%) per segment, from render_segmentation's sizes."""
    if "n_top" in sizes.columns:       # English keys (segments, new)
        return sizes["n"], sizes["n_top"]
    return sizes["客户数"], sizes["RFM前20%人数"]   # legacy display columns


def top_count(table: pd.DataFrame, segment: str = Q2_SEGMENT, bins: int = Q2_BINS,
              weights=Q2_WEIGHTS) -> int:
    """Customers of ``segment`` among the RFM top 20% (weighted score)."""
    sizes, _, _ = render_segmentation(table, bins, *weights, draw=False)
    return int(_sizes_top(sizes)[1].loc[segment])


def segment_total(table: pd.DataFrame, segment: str = Q2_SEGMENT, bins: int = Q2_BINS,
                  weights=Q2_WEIGHTS) -> int:
    """Customers of ``segment`` (all of them, not only the RFM top 20%)."""
    sizes, _, _ = render_segmentation(table, bins, *weights, draw=False)
    return int(_sizes_top(sizes)[0].loc[segment])


def _plain_number(x: Any) -> float | None:
    """``x`` as a float if it is one real, finite number (not bool, not text), else None."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, float, np.integer, np.floating)):
        return None
    x = float(x)
    return x if np.isfinite(x) else None


def _widget_values(answer: Any) -> Any:
    if hasattr(answer, "values") and hasattr(answer, "controls"):
        return answer.values
    return answer


def segment_tuning_untouched(answer: Any) -> bool:
    """True for the widget's initial state (the controls were never moved)."""
    vals = _widget_values(answer)
    if not isinstance(vals, Mapping) or set(vals) != set(Q2_DEFAULTS):
        return False
    return all(_plain_number(vals[k]) == float(v) for k, v in Q2_DEFAULTS.items())


def diagnose_segment_tuning(answer: Any, table: pd.DataFrame) -> str | None:
    """None if the widget answer uses quintiles, weights 1:1:2 and the right count."""
    answer = _widget_values(answer)
    if not isinstance(answer, Mapping):
        return f"答案应该是控件的取值 app2.values（一个字典）；你给的是{_type_name(answer)}。"
    missing = [k for k in Q2_DEFAULTS if k not in answer]
    if missing:
        return f"字典里要有 bins、w_r、w_f、w_m、count 五项（直接用 app2.values）；缺少 {'、'.join(missing)}。"
    bins = _plain_number(answer["bins"])
    if bins is None or bins != int(bins):
        return f"bins（评分档数）应该是一个整数，例如 {Q2_BINS}；你给的是 {answer['bins']!r}。"
    w = [_plain_number(answer[k]) for k in ("w_r", "w_f", "w_m")]
    if any(x is None or x < 0 for x in w):
        return "权重 w_r、w_f、w_m 应该是不小于 0 的数字（不要加引号）。"
    count = _plain_number(answer["count"])
    if count is None or count != int(count) or count < 0:
        return f"人数 count 应该是一个不小于 0 的整数；你给的是 {answer['count']!r}。"
    if int(bins) != Q2_BINS:
        return f"评分档数不对：五分位 (quintiles) 对应 bins = {Q2_BINS}。"
    if w[0] <= 0 or not (abs(w[0] - w[1]) < 1e-9 and abs(w[2] - 2 * w[0]) < 1e-9):
        return "权重比例不对：题目要 R:F:M = 1:1:2（M 的权重是 R、F 的两倍，R 与 F 相等）。"
    want = top_count(table)
    if int(count) == want:
        return None
    if int(count) == segment_total(table):
        return (f"这是整个{Q2_SEGMENT}的人数。题目问的是其中进入“RFM前20%”名单的人数"
                "（图中深色部分 / 表中“RFM前20%人数”一列）。")
    return f"人数和控件显示的对不上：看 {Q2_SEGMENT} 那一行的“RFM前20%人数”。"


class SegmentTuningExercise(Exercise):
    """Q2: quintile RFM segments, weights 1:1:2, read a count off the widget."""

    id = "L2.segment_tuning"
    title = "调整客群划分：五分位、权重 1:1:2"
    hints = [
        "把“评分档数”拖到 5（五分位），再把 R、F、M 的权重设成 1、1、2。",
        f"看图中 {Q2_SEGMENT} 那一行的红色部分，或表格里“RFM前20%人数”一列。",
        "把这个人数填进控件最下面的输入框，再点“检查答案”。",
    ]
    solution_code = (
        "# 控件：评分档数 5，权重 R=1、F=1、M=2，读出重要保持客户的 RFM前20%人数\n"
        "sizes, profile, _ = segments.render_segmentation(rfm_tbl, bins=5, w_r=1, w_f=1, w_m=2, draw=False)\n"
        "answer2 = {'bins': 5, 'w_r': 1, 'w_f': 1, 'w_m': 2,\n"
        "           'count': int(sizes.loc['重要保持客户', 'RFM前20%人数'])}"
    )
    success = "答对了！这些客户金额高、交易多，但最近没来——正是需要及时唤回的人。"

    def expected(self) -> pd.DataFrame:
        return self.ctx["table"]

    def diagnose(self, answer: Any, expected: Any) -> str | None:
        return diagnose_segment_tuning(answer, expected)

    def _evaluate(self, answer: Any, *args: Any, **kwargs: Any) -> CheckResult:
        if segment_tuning_untouched(answer):
            return self._result(NOT_ATTEMPTED, "控件还是初始状态：先调评分档数和权重，再填人数。")
        return super()._evaluate(answer, *args, **kwargs)


def segmentation_app(exercise: SegmentTuningExercise):
    """The segmentation-tuning widget (bins, weights, answer box) bound to ``exercise``."""
    import ipywidgets as W

    from course_utils.exercises.widgets import WidgetExercise

    table = exercise.ctx["table"]
    style = {"description_width": "120px"}
    controls = {
        "bins": W.IntSlider(value=Q2_DEFAULTS["bins"], min=3, max=7, description="评分档数 bins",
                            style=style),
        "w_r": W.FloatSlider(value=1.0, min=0.0, max=3.0, step=0.5, description="R 权重", style=style),
        "w_f": W.FloatSlider(value=1.0, min=0.0, max=3.0, step=0.5, description="F 权重", style=style),
        "w_m": W.FloatSlider(value=1.0, min=0.0, max=3.0, step=0.5, description="M 权重", style=style),
        "count": W.BoundedIntText(value=0, min=0, max=10**7, description="你的答案：人数",
                                  style=style),
    }

    def render(values):
        if sum(float(values[k]) for k in ("w_r", "w_f", "w_m")) <= 0:
            return "<p style='color:#a33'>三个权重不能都为 0：至少给一个维度权重。</p>"
        return render_segment_tuning(values, table)

    instructions = ("<p style='margin:2px 0'>拖动滑块，图和表会随之更新。任务：用五分位 (bins=5)、"
                    f"权重 R:F:M = 1:1:2，读出 {Q2_SEGMENT} 中进入“RFM前20%”名单的人数，"
                    "填入最下面的输入框，再点“检查答案”。</p>")
    return WidgetExercise(controls, render, title="练习 2：调整客群划分", exercise=exercise,
                          name="L2.segment_tuning", instructions=instructions)


# ---------------------------------------------------------------------------
# Q3: segment campaigns (widget)
# ---------------------------------------------------------------------------
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
        if budget is None or (_plain_number(budget) == 0.0):
            continue
        plan[seg] = (product, values.get(f"{seg}|channel"), values.get(f"{seg}|offer"), budget)
    return plan


def _as_plan(answer: Any) -> Any:
    answer = _widget_values(answer)
    if isinstance(answer, Mapping) and any("|" in str(k) for k in answer):
        return widget_values_to_plan(answer)
    return answer


def campaign_untouched(answer: Any) -> bool:
    """True when no segment has a campaign yet (the widget's initial state, or ``{}``)."""
    plan = _as_plan(answer)
    return isinstance(plan, Mapping) and len(plan) == 0


def reference_profit(sizes: Mapping[str, int], max_budget: float, step: float = 500.0) -> float:
    """Best *expected* total profit (CNY) reachable under ``max_budget`` (knapsack over segments).

    Each segment gets one (product, channel, offer) at 25/50/75/100% of its customers,
    or nothing. Used to set the profit target of Q3 from the data.
    """
    n_steps = int(max_budget // step)
    best = np.zeros(n_steps + 1)
    for seg in SEGMENTS:
        size = int(sizes.get(seg, 0))
        if size <= 0:
            continue
        options = []
        for prod, ch, off in itertools.product(rr.PRODUCTS, rr.CHANNELS, rr.OFFERS):
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


def campaign_targets(sizes: Mapping[str, int]) -> dict:
    """Q3 targets from the data: ``max_budget``, ``min_roi``, ``min_profit`` (CNY)."""
    total = int(sum(int(v) for v in dict(sizes).values()))
    max_budget = float(max(10_000, round(Q3_BUDGET_PER_CUSTOMER * total, -3)))
    ref = reference_profit(dict(sizes), max_budget)
    return {"max_budget": max_budget, "min_roi": Q3_MIN_ROI,
            "min_profit": float(round(Q3_PROFIT_SHARE * ref, -3))}


def diagnose_campaign(answer: Any, sizes: Mapping[str, int], seed: int,
                      targets: Mapping[str, float]) -> str | None:
    """None if the plan meets the targets without wrong targeting, else a message."""
    plan = _as_plan(answer)
    if not isinstance(plan, Mapping):
        return f"答案应该是方案字典或控件取值 app3.values；你给的是{_type_name(answer)}。"
    try:
        ok, reasons, _ = cp.evaluate_plan(plan, sizes, seed, targets["min_roi"],
                                          targets["max_budget"], targets["min_profit"])
    except cp.PlanError as exc:
        return f"方案有误：{exc}"
    if ok:
        return None
    return "方案还不达标：" + "；".join(r.rstrip("。") for r in reasons) + "。"


class CampaignExercise(Exercise):
    """Q3: a segment campaign plan beating an ROI and profit target under a budget."""

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
        "plan = lecture2.suggested_plan(sizes, seed=SEED, max_budget=targets['max_budget'])\n"
        "q3.check(plan)"
    )
    success = ("答对了！方案在预算上限内达到了 ROI 和净收益目标，做了活动的客群都不亏钱，"
               "也没有把不划算的人工渠道（电话外呼、客户经理面访）用在单客价值低的客群上。")

    def expected(self) -> dict:
        return self.ctx["targets"]

    def diagnose(self, answer: Any, expected: Any) -> str | None:
        return diagnose_campaign(answer, self.ctx["sizes"], self.ctx["seed"], expected)

    def _evaluate(self, answer: Any, *args: Any, **kwargs: Any) -> CheckResult:
        if campaign_untouched(answer):
            return self._result(NOT_ATTEMPTED, "还没有为任何客群安排预算：先选产品、渠道、优惠并设置预算。")
        return super()._evaluate(answer, *args, **kwargs)


def suggested_plan(sizes: Mapping[str, int], seed: int, max_budget: float) -> dict:
    """A reference plan found the way a trainee would: by trying campaigns in the simulator.

    Segments are taken from the most to the least valuable; for each, every product /
    channel / offer is simulated on the whole segment (or what the remaining budget
    buys) and the most profitable one is kept, skipping wrong targeting and
    loss-making campaigns. Budgets are rounded up to 100 CNY.
    """
    plan: dict = {}
    remaining = float(max_budget)
    for seg in SEGMENTS:
        n = int(sizes.get(seg, 0))
        best = None
        for prod, ch, off in itertools.product(cp.PRODUCTS, cp.CHANNELS, cp.OFFERS):
            if (seg, ch) in rr.WRONG_TARGETS:
                continue
            full = float(np.ceil((cp.CHANNEL_SETUP_COST[ch] + n * cp.CHANNEL_COST[ch]) / 100.0) * 100)
            budget = min(full, float(np.floor(remaining / 100.0) * 100))
            if budget <= cp.CHANNEL_SETUP_COST[ch]:
                continue
            _, _, c_cost, o_cost, rev = cp.simulate_cell(seg, prod, ch, off, budget, n, seed)
            profit = rev - c_cost - o_cost
            if profit > 0 and (best is None or profit > best[0]):
                best = (profit, (prod, ch, off, budget))
        if best is not None:
            plan[seg] = best[1]
            remaining -= best[1][3]
    return plan


def _settings_html(values: Mapping[str, Any]) -> str:
    """Compact table of the current widget settings (every control change shows here)."""
    import html as _html

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

    Bars are HTML by default (fast); ``draw=True`` gives the matplotlib chart.
    """
    plan = widget_values_to_plan(values)
    settings = _settings_html(values)
    if not plan:
        return [settings, "<p>还没有任何客群的预算大于 0：为至少一个客群选择产品并设置预算。</p>"]
    table, msg, fig = cp.render_campaign(plan, sizes, seed=seed, draw=draw)
    if msg:
        return f"<p style='color:#a33'><b>方案有误：</b>{msg}</p>"
    if fig is None:
        body = table.drop(index="合计")
        tot = table.loc["合计"]
        roi = f"{tot['ROI']:.0%}" if pd.notna(tot["ROI"]) else "—"
        fig = html_bars([str(i) for i in body.index],
                        {"总成本(元)": body["总成本(元)"].tolist(), "增量收入(元)": body["增量收入(元)"].tolist()},
                        {"总成本(元)": "#C44E52", "增量收入(元)": "#55A868"},
                        title=f"各客群活动成本与增量收入（总 ROI {roi}，净收益 {tot['净收益(元)']:,.0f} 元）",
                        unit=" 元")
    shown = table.copy()
    fmt = {c: "{:,.0f}" for c in shown.columns if "(元)" in c}
    fmt.update({"响应率": "{:.1%}", "ROI": "{:.0%}"})
    out = [settings, fig, shown.style.set_uuid("l2_campaign").format(fmt, na_rep="—")]
    if targets:
        tot = table.loc["合计"]
        out.append(
            f"<p>目标：总预算 ≤ {targets['max_budget']:,.0f} 元（当前 {tot['预算(元)']:,.0f}），"
            f"总 ROI ≥ {targets['min_roi']:.0%}，净收益 ≥ {targets['min_profit']:,.0f} 元"
            f"（当前 {tot['净收益(元)']:,.0f}）。</p>")
    return out


def campaign_app(exercise: CampaignExercise):
    """The campaign-design widget: per segment product / channel / offer / budget."""
    import ipywidgets as W

    from course_utils.exercises.widgets import WidgetExercise

    sizes = exercise.ctx["sizes"]
    seed = exercise.ctx["seed"]
    targets = exercise.ctx["targets"]
    max_b = float(targets["max_budget"])
    controls: dict[str, Any] = {}
    rows = [W.HBox([W.HTML(f"<b style='display:inline-block;width:170px'>客群（人数）</b>"),
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


# ---------------------------------------------------------------------------
# Q4: cleaning pipeline
# ---------------------------------------------------------------------------
def cleaning_data(bank, as_of: str = CUTOFF) -> pd.DataFrame:
    """Raw frame of Q4: numeric + categorical customer columns and the label ``loyal``."""
    view = lecture_view(bank, as_of)
    loyal = bank.customers.set_index(bank.customers["customer_id"].astype(str))[Q4_LABEL]
    cols = [c for c in (*Q4_NUMERIC, *Q4_CATEGORICAL) if c in view.columns]
    data = view[cols].copy()
    data[Q4_LABEL] = loyal.reindex(data.index).to_numpy()
    return data


#: Plausible ranges used by Q4 (values outside are "impossible" and become missing).
Q4_VALID_RANGES = {"age": (18, 100)}


def _numeric_mismatch(got: pd.Series, raw: pd.Series, column: str) -> str | None:
    """Message if ``got`` is not a monotone transform of the raw column (rank correlation)."""
    ref = pd.to_numeric(raw, errors="coerce")
    lo, hi = Q4_VALID_RANGES.get(column, (-np.inf, np.inf))
    ref = ref.where((ref >= lo) & (ref <= hi))
    ok = ref.notna()
    if ok.sum() < 3 or ref[ok].nunique() < 2:
        return None
    rho = np.corrcoef(got[ok].rank().to_numpy(), ref[ok].rank().to_numpy())[0, 1]
    if not np.isfinite(rho) or rho < 0.9:
        return (f"列 {column} 的数值和原数据里的 {column} 对不上（两者的大小顺序没有对应关系）："
                "每一列都要由原数据的同名列变换而来（填补、缩放），行的顺序也不能打乱。")
    return None


def _onehot_mismatch(answer: pd.DataFrame, raw: pd.Series, column: str) -> str | None:
    """Message unless the one-hot columns ``<column>_<value>`` encode the raw column."""
    prefix = f"{column}_"
    cols = [c for c in answer.columns if str(c).startswith(prefix)]
    if not cols:
        return (f"没有看到分类变量 {column} 的独热编码列（如 {column}_{raw.dropna().iloc[0]}）："
                "每个分类列都要放进 ColumnTransformer 并用 OneHotEncoder 编码。")
    known = raw.dropna().astype(str)
    levels = set(known.unique())
    for c in cols:
        level = str(c)[len(prefix):]
        if level not in levels:
            return f"独热编码列 {c} 对应的类别 {level!r} 在原数据的 {column} 列里不存在。"
        col = pd.to_numeric(answer.loc[known.index, c], errors="coerce")
        if not col.isin([0, 1]).all() or not (col.to_numpy() == (known == level).to_numpy()).all():
            return (f"独热编码列 {c} 和原数据的 {column} 列对不上：它应该在 {column} 为 {level!r} "
                    "的行是 1，其他行是 0。")
    if len(cols) < len(levels) - 1:
        return f"分类变量 {column} 有 {len(levels)} 个类别，独热编码列却只有 {len(cols)} 个。"
    return None


def diagnose_cleaning(answer: Any, data: pd.DataFrame) -> str | None:
    """None if ``answer`` is a clean feature table of ``data``, else the first problem."""
    if isinstance(answer, np.ndarray):
        return ("结果是 numpy 数组，没有列名，无法确认哪些列被缩放、标签是否泄漏。"
                "请在 ColumnTransformer 上调用 .set_output(transform='pandas')。")
    if not isinstance(answer, pd.DataFrame):
        return f"答案应该是预处理后的 DataFrame（X = pre.fit_transform(data)）；你给的是{_type_name(answer)}。"
    if answer.shape[0] == 0 or answer.shape[1] == 0:
        return "结果是空表，请检查 fit_transform 的输入。"
    if len(answer) != len(data):
        return (f"行数变了（{len(answer)} 行，原数据 {len(data)} 行）：预处理要保留每位客户，"
                "缺失值要填补，不要删行。")
    leaked = [c for c in answer.columns if str(c) == Q4_LABEL or str(c).startswith(f"{Q4_LABEL}_")]
    if leaked:
        return (f"特征里出现了标签列 {leaked}：这是数据泄漏 (leakage)。"
                "ColumnTransformer 只列出特征列，标签不要放进去。")
    nonnum = [c for c in answer.columns if not pd.api.types.is_numeric_dtype(answer[c])]
    if nonnum:
        return f"还有非数值列 {nonnum[:4]}：分类变量要用 OneHotEncoder 转成数值。"
    if answer.isna().any().any():
        cols = [str(c) for c in answer.columns[answer.isna().any()]][:4]
        return f"结果里还有缺失值（列 {cols}）：在缩放之前加一步 SimpleImputer 填补缺失值。"
    numeric = [c for c in Q4_NUMERIC if c in data.columns]
    absent = [c for c in numeric if c not in answer.columns]
    if absent:
        return (f"找不到数值列 {absent[:4]}：数值列要全部保留，并保持原列名"
                "（ColumnTransformer(..., verbose_feature_names_out=False)）。")
    aligned = answer.set_axis(data.index) if not answer.index.equals(data.index) else answer
    for c in numeric:
        msg = _numeric_mismatch(aligned[c], data[c], c)
        if msg:
            return msg
    for cat in (c for c in Q4_CATEGORICAL if c in data.columns):
        msg = _onehot_mismatch(aligned, data[cat], cat)
        if msg:
            return msg
    problems = check_preprocessed(answer[numeric], scaled=numeric, scaler="standard")
    if problems:
        return problems[0] + " 用 StandardScaler 把数值列标准化。"
    if "age" in answer.columns and float(answer["age"].abs().max()) > 6:
        return ("年龄里还有不可能的值（如 -1 岁、999 岁）：它们在标准化后远离其他客户。"
                "先把超出 18–100 岁的值设为缺失（RangeToNaN），再填补。")
    return None


class CleaningExercise(Exercise):
    """Q4: a preprocessing pipeline with no NaN, scaled numbers, one-hot categories, no label."""

    id = "L2.cleaning"
    title = "搭建数据预处理流水线"
    hints = [
        "数值列：RangeToNaN（不可能的年龄设为缺失）→ SimpleImputer(strategy='median') → StandardScaler，"
        "放进一个 Pipeline。",
        "分类列：SimpleImputer(strategy='most_frequent') → OneHotEncoder(handle_unknown='ignore', "
        "sparse_output=False)。",
        "用 ColumnTransformer 把两条流水线分别作用在数值列和分类列上，标签 loyal 不要列进去；"
        "加 verbose_feature_names_out=False 和 .set_output(transform='pandas') 保留列名。",
    ]
    solution_code = (
        "num_pipe = Pipeline([('impossible', RangeToNaN({'age': (18, 100)})),\n"
        "                     ('impute', SimpleImputer(strategy='median')),\n"
        "                     ('scale', StandardScaler())])\n"
        "cat_pipe = Pipeline([('impute', SimpleImputer(strategy='most_frequent')),\n"
        "                     ('onehot', OneHotEncoder(handle_unknown='ignore', sparse_output=False))])\n"
        "pre = ColumnTransformer([('num', num_pipe, NUMERIC), ('cat', cat_pipe, CATEGORICAL)],\n"
        "                        verbose_feature_names_out=False).set_output(transform='pandas')\n"
        "X = pre.fit_transform(data)"
    )
    success = "答对了！没有缺失值、数值列已标准化、分类变量已编码，标签也没有混进特征。"

    def expected(self) -> pd.DataFrame:
        return self.ctx["data"]

    def diagnose(self, answer: Any, expected: Any) -> str | None:
        return diagnose_cleaning(answer, expected)


# ---------------------------------------------------------------------------
# Binding to data
# ---------------------------------------------------------------------------
def setup(bank, seed: int = 0, as_of: str = CUTOFF):
    """Create Lecture 2's four exercises bound to ``bank`` (and the campaign noise ``seed``)."""
    table = rfm_table(bank, as_of)
    sizes = segment_sizes(bank, as_of).to_dict()
    targets = campaign_targets(sizes)
    q1 = RfmExercise(transactions=bank.transactions, as_of=as_of)
    q2 = SegmentTuningExercise(table=table)
    q3 = CampaignExercise(sizes=sizes, seed=int(seed), targets=targets)
    q4 = CleaningExercise(data=cleaning_data(bank, as_of))
    return q1, q2, q3, q4
