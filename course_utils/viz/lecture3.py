"""Figures of Lecture 3: who churns, leak-free windows, the readable tree, evaluation a banker
understands (ROC, gains, calibration, profit), explanations, uplift, and the automation lesson.

Every function takes plain data (the tables :mod:`course_utils.evaluation`,
:mod:`course_utils.uplift` and :mod:`course_utils.automation` return) and gives a
:class:`~course_utils.viz.theme.CourseFigure` whose title states the message and whose note
names the population. Colours: blue = good / the focus, vermilion = risk / loss, grey = context.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from course_utils import domain

from .fmt import money, percent, percent_axis, wan_axis, wrap_to_width
from .theme import BAD, CATEGORICAL, GOOD, INK, NEUTRAL, NOTE, TEXT_PT, TITLE_PT, new_figure, style_axes

__all__ = [
    "FEATURE_LABELS_ZH", "feature_label", "wrap_to_width",
    "churn_rate_bands_figure", "reason_mix_figure", "windows_figure", "tree_figure", "roc_figure",
    "gains_figure", "calibration_figure", "profit_figure", "importance_figure", "partial_dependence_figure",
    "uplift_decile_figure", "targeting_figure", "routing_figure", "funnel_figure", "outbound_cost_figure",
]

#: Chinese names of the churn-table features (course_utils.churn.FEATURES) for charts and tables.
FEATURE_LABELS_ZH: dict[str, str] = {
    **domain.COLUMN_LABELS_ZH,
    "satisfaction": "满意度",
    "frequency": "近一年交易笔数",
    "monetary": "近一年交易金额(元)",
    "txn_trend": "交易笔数变化率",
    "balance_trend": "余额变化率",
    "product_count": "持有产品和账户数",
    "complaints": "近一年投诉/负面留言",
    "app_minutes_trend": "APP使用时长变化率",
    "survey_days": "调查日期距截止日(天)",
    "survey_score": "调查满意度",
}


def feature_label(column: str) -> str:
    """Chinese display name of a feature column (the column itself when unknown).

    >>> feature_label("balance_trend"), feature_label("x1")
    ('余额变化率', 'x1')
    """
    return FEATURE_LABELS_ZH.get(str(column), str(column))


def _title_note(ax, title: str | None, note: str | None) -> None:
    """Title (message) and note (population) wrapped to the figure's width, the note under the title."""
    width = ax.figure.get_figwidth() * 0.8          # the axes is narrower than the figure (tick labels)
    title = wrap_to_width(title or "", width, TITLE_PT)
    note = wrap_to_width(note, width, TEXT_PT) if note else None
    lines = note.count("\n") + 1 if note else 0
    ax.set_title(title, loc="left", fontsize=TITLE_PT, color=INK, pad=8 + lines * (TEXT_PT * 1.35) + (6 if note else 0))
    if note:
        ax.annotate(note, xy=(0, 1), xycoords="axes fraction", xytext=(0, 6), textcoords="offset points",
                    ha="left", va="bottom", fontsize=TEXT_PT, color=NOTE, annotation_clip=False)


def _suptitle_note(fig, title: str | None, note: str | None) -> None:
    """Figure-level title and a note at the bottom, both wrapped to the figure's width."""
    width = fig.get_figwidth() * 0.96
    fig.suptitle(wrap_to_width(title or "", width, TITLE_PT), x=0.01, ha="left", fontsize=TITLE_PT, color=INK)
    if note:
        fig.supxlabel(wrap_to_width(note, width, TEXT_PT), x=0.01, ha="left", fontsize=TEXT_PT, color=NOTE)


# ---------------------------------------------------------------------------
# 一、who leaves and why
# ---------------------------------------------------------------------------
def churn_rate_bands_figure(panels: Mapping[str, pd.DataFrame], overall: float, *, title: str | None = None,
                            population: str | None = None, figsize=(11.0, 4.4)):
    """Churn rate per band of a few features, one panel per feature, bars above the overall rate in vermilion.

    ``panels``: feature name (Chinese) -> DataFrame indexed by band label with ``churn_rate``
    (fraction) and ``n`` (customers). ``overall``: the population's churn rate (dashed line).

    >>> t = pd.DataFrame({"churn_rate": [0.3, 0.05], "n": [100, 900]}, index=["下降", "持平"])
    >>> churn_rate_bands_figure({"余额": t}, 0.075).get_suptitle()
    '余额“下降”的客户流失率 30.0%，是整体（7.5%）的 4.0 倍'
    """
    fig = new_figure(figsize)
    axes = fig.subplots(1, max(len(panels), 1), sharey=True, squeeze=False)[0]
    best = (None, None, -1.0)
    top = max([float(p["churn_rate"].max()) for p in panels.values() if len(p)] + [overall, 0.01])
    for ax, (name, p) in zip(axes, panels.items()):
        rates = p["churn_rate"].to_numpy(dtype=float)
        x = np.arange(len(p))
        ax.bar(x, rates, color=[BAD if r > overall else NEUTRAL for r in rates], width=0.65)
        for i, (r, n) in enumerate(zip(rates, p["n"].to_numpy())):
            ax.annotate(f"{percent(r)}\n{int(n):,}人", (i, r), textcoords="offset points", xytext=(0, 3),
                        ha="center", va="bottom", fontsize=TEXT_PT, color=INK)
        ax.axhline(overall, color=INK, lw=1, ls="--")
        ax.set_xticks(x, [str(b) for b in p.index], fontsize=TEXT_PT)
        ax.set_xlabel(name, fontsize=TEXT_PT)
        ax.set_ylim(0, top * 1.35)
        percent_axis(ax.yaxis)
        style_axes(ax, "y")
        if len(p) and rates.max() > best[2]:
            best = (name, p.index[int(rates.argmax())], float(rates.max()))
    axes[0].set_ylabel("6 个月内流失率", fontsize=TEXT_PT)
    axes[-1].annotate(f"整体 {percent(overall)}", (len(list(panels.values())[-1]) - 0.5, overall),
                      textcoords="offset points", xytext=(0, 3), ha="right", fontsize=TEXT_PT, color=INK)
    if title is None and best[0] is not None:
        title = (f"{best[0]}“{best[1]}”的客户流失率 {percent(best[2])}，"
                 f"是整体（{percent(overall)}）的 {best[2] / overall:.1f} 倍" if overall > 0 else "各档流失率")
    _suptitle_note(fig, title or "各档客户的流失率", population)
    return fig


def reason_mix_figure(shares: pd.DataFrame, counts: Mapping | pd.Series | None = None, *,
                      title: str | None = None, population: str | None = None, figsize=(10.0, 4.6)):
    """Churn-reason categories (shares of churners) per group, stacked 100 % bars, one row per group.

    ``shares``: rows = groups (e.g. tenure bands, segments), columns = reason categories,
    values = fractions of the group's churners (rows sum to 1). ``counts``: churners per group.

    >>> s = pd.DataFrame({"价格": [0.6, 0.2], "服务": [0.4, 0.8]}, index=["新客户", "老客户"])
    >>> reason_mix_figure(s).axes[0].get_title(loc="left")
    '老客户里“服务”最多（80.0%），新客户里“价格”最多（60.0%）'
    """
    fig = new_figure(figsize)
    ax = fig.add_subplot()
    y = np.arange(len(shares))[::-1]
    left = np.zeros(len(shares))
    for j, col in enumerate(shares.columns):
        v = shares[col].to_numpy(dtype=float)
        colour = NEUTRAL if str(col) in ("其他", "other") else CATEGORICAL[j % len(CATEGORICAL)]
        ax.barh(y, v, left=left, color=colour, label=str(col), height=0.6, edgecolor="white")
        for yi, li, vi in zip(y, left, v):
            if vi >= 0.08:
                ax.text(li + vi / 2, yi, percent(vi), ha="center", va="center", fontsize=TEXT_PT,
                        color="white" if colour not in (NEUTRAL, "#F0E442", "#56B4E9", "#E69F00") else INK)
        left += v
    labels = [str(g) for g in shares.index]
    if counts is not None:
        c = pd.Series(counts)
        labels = [f"{g}\n（{int(c.get(g, 0)):,} 人）" for g in shares.index]
    ax.set_yticks(y, labels, fontsize=TEXT_PT)
    ax.set_xlim(0, 1)
    percent_axis(ax.xaxis)
    ax.set_xlabel("占该组流失客户的比例", fontsize=TEXT_PT)
    style_axes(ax, "x")
    ax.legend(ncol=min(len(shares.columns), 6), loc="upper left", bbox_to_anchor=(0, -0.16), fontsize=TEXT_PT,
              frameon=False)
    if title is None and len(shares):
        top = shares.idxmax(axis=1)
        parts = [f"{g}里“{top[g]}”最多（{percent(shares.loc[g, top[g]])}）" for g in list(shares.index)[::-1][:2]]
        title = "，".join(parts)
    _title_note(ax, title or "各组流失客户的原因构成", population)
    return fig


def windows_figure(cutoffs: Mapping[str, str], lookback_months: int = 12, outcome_months: int = 6, *,
                   title: str = "特征只看截止日之前（观察窗口），标签只看之后（结果窗口）",
                   note: str | None = "每一行是一张训练/测试表；两张表的截止日相隔一年（跨时间验证）",
                   figsize=(10.0, 3.4)):
    """Timeline of the observation window (features) and outcome window (label) of each cut-off.

    >>> windows_figure({"训练": "2022-07-01", "测试": "2023-07-01"}).axes[0].get_yticklabels()[0].get_text()
    '训练\\n截止日 2022-07-01'
    """
    import matplotlib.dates as mdates

    fig = new_figure(figsize)
    ax = fig.add_subplot()
    names = list(cutoffs)
    for i, name in enumerate(names):
        cut = domain.as_date(cutoffs[name])
        y = len(names) - 1 - i
        start, end = cut - pd.DateOffset(months=lookback_months), cut + pd.DateOffset(months=outcome_months)
        ax.barh(y, (cut - start).days, left=mdates.date2num(start), color=GOOD, height=0.5,
                label="观察窗口：算特征" if i == 0 else None)
        ax.barh(y, (end - cut).days, left=mdates.date2num(cut), color=BAD, height=0.5,
                label="结果窗口：看是否流失" if i == 0 else None)
        ax.text(mdates.date2num(start) + (cut - start).days / 2, y, f"{lookback_months} 个月", ha="center",
                va="center", color="white", fontsize=TEXT_PT)
        ax.text(mdates.date2num(cut) + (end - cut).days / 2, y, f"{outcome_months} 个月", ha="center",
                va="center", color="white", fontsize=TEXT_PT)
    ax.set_yticks(range(len(names))[::-1], [f"{n}\n截止日 {domain.as_date(cutoffs[n]).date()}" for n in names],
                  fontsize=TEXT_PT)
    ax.xaxis_date()
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    style_axes(ax, "x")
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.14), ncol=2, fontsize=TEXT_PT, frameon=False)
    _title_note(ax, title, note)
    return fig


# ---------------------------------------------------------------------------
# 三、the tree a banker can read
# ---------------------------------------------------------------------------
def tree_figure(pipeline, *, labels: Mapping[str, str] | None = None, title: str | None = None,
                population: str | None = None, figsize=(13.0, 6.2)):
    """The fitted decision tree of :func:`course_utils.churn_models.make_churn_model` ("tree"), drawn.

    Each split shows its condition in the original units; each leaf the churn rate of the training
    customers who reach it and how many they are (vermilion = above the overall rate, blue = below).
    """
    from course_utils.churn_models import _fitted_parts, _fmt

    guard, prep, model = _fitted_parts(pipeline)
    labels = {**FEATURE_LABELS_ZH, **dict(labels or {})}
    names = [str(f) for f in prep.get_feature_names_out()]
    onehot = {f"{c}_{lv}": (c, lv) for c, counts in guard.category_counts_.items() for lv in counts}
    tree = model.tree_
    v0 = tree.value[0][0]
    overall = v0[1] / v0.sum()
    leaves: list[int] = []

    def collect(node):
        if tree.children_left[node] == -1:
            leaves.append(node)
        else:
            collect(tree.children_left[node])
            collect(tree.children_right[node])

    collect(0)
    xpos = {leaf: i for i, leaf in enumerate(leaves)}

    def place(node):
        if tree.children_left[node] == -1:
            return xpos[node]
        xpos[node] = (place(tree.children_left[node]) + place(tree.children_right[node])) / 2
        return xpos[node]

    place(0)
    depth = int(model.get_depth())
    fig = new_figure(figsize)
    ax = fig.add_subplot()
    ax.set_xlim(-0.6, len(leaves) - 0.4)
    ax.set_ylim(-depth - 0.7, 0.6)
    ax.axis("off")

    def cond(node):
        name, thr = names[tree.feature[node]], float(tree.threshold[node])
        if name in onehot:
            c, lv = onehot[name]
            return f"{labels.get(c, c)} = {lv}?"
        return f"{labels.get(name, name)}\n≤ {_fmt(thr)}?"

    def draw(node, d):
        x = xpos[node]
        if tree.children_left[node] == -1:
            v = tree.value[node][0]
            rate = v[1] / v.sum()
            colour = BAD if rate > overall else GOOD
            ax.text(x, -d, f"流失率\n{percent(rate)}\n{int(tree.n_node_samples[node]):,}人", ha="center",
                    va="center", fontsize=TEXT_PT, color="white",
                    bbox=dict(boxstyle="round,pad=0.35", fc=colour, ec=colour))
            return
        for child, word in ((tree.children_left[node], "是"), (tree.children_right[node], "否")):
            ax.plot([x, xpos[child]], [-d, -d - 1], color=NEUTRAL, lw=1.2, zorder=0)
            ax.text((x + xpos[child]) / 2, -d - 0.5, word, ha="center", va="center", fontsize=TEXT_PT,
                    color=NOTE, bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none"))
            draw(child, d + 1)
        ax.text(x, -d, cond(node), ha="center", va="center", fontsize=TEXT_PT, color=INK,
                bbox=dict(boxstyle="round,pad=0.35", fc="white", ec=INK))

    draw(0, 0)
    if title is None:
        worst = max(leaves, key=lambda n: tree.value[n][0][1] / tree.value[n][0].sum())
        v = tree.value[worst][0]
        title = f"决策树 (decision tree)：最危险的一组客户流失率 {percent(v[1] / v.sum())}（整体 {percent(overall)}）"
    _title_note(ax, title, population)
    return fig


# ---------------------------------------------------------------------------
# 四、evaluation a banker understands
# ---------------------------------------------------------------------------
def roc_figure(curves: Mapping[str, tuple], *, title: str | None = None, population: str | None = None,
               figsize=(7.0, 5.4)):
    """ROC curves: ``curves`` maps a model name to ``(y_true, scores)``; AUC in the legend.

    >>> f = roc_figure({"A": ([0, 1, 0, 1], [0.1, 0.9, 0.2, 0.8]), "B": ([0, 1, 0, 1], [0.9, 0.1, 0.2, 0.8])})
    >>> f.axes[0].get_title(loc="left")
    'A 的 AUC 最高：1.000（0.5 = 随机排序）'
    """
    from sklearn.metrics import roc_auc_score, roc_curve

    fig = new_figure(figsize)
    ax = fig.add_subplot()
    aucs = {}
    for i, (name, (y, s)) in enumerate(curves.items()):
        fpr, tpr, _ = roc_curve(y, s)
        aucs[name] = roc_auc_score(y, s)
        colour = GOOD if i == 0 else (CATEGORICAL[1] if i == 1 else NEUTRAL)
        ax.plot(fpr, tpr, color=colour, lw=2.4 if i == 0 else 1.8, label=f"{name}  AUC = {aucs[name]:.3f}")
    ax.plot([0, 1], [0, 1], color=NEUTRAL, ls="--", lw=1, label="随机排序  AUC = 0.5")
    ax.set_xlabel("误报率：被叫到的留存客户 ÷ 全部留存客户", fontsize=TEXT_PT)
    ax.set_ylabel("召回率：被叫到的流失客户 ÷ 全部流失客户", fontsize=TEXT_PT)
    percent_axis(ax.xaxis)
    percent_axis(ax.yaxis)
    style_axes(ax, "both")
    ax.legend(loc="lower right", fontsize=TEXT_PT, frameon=False)
    if title is None and aucs:
        best = max(aucs, key=aucs.get)
        title = f"{best} 的 AUC 最高：{aucs[best]:.3f}（0.5 = 随机排序）"
    _title_note(ax, title or "ROC 曲线", population)
    return fig


def gains_figure(lift: pd.DataFrame, *, title: str | None = None, population: str | None = None,
                 figsize=(11.0, 4.4)):
    """Lift by decile (bars) and the cumulative gains curve, from :func:`course_utils.evaluation.lift_table`.

    >>> t = pd.DataFrame({"bin": [1, 2], "customers": [5, 5], "churners": [3, 1], "churn_rate": [0.6, 0.2],
    ...                   "lift": [1.5, 0.5], "cum_share_customers": [0.5, 1.0], "cum_share_churners": [0.75, 1.0]})
    >>> gains_figure(t).get_suptitle()
    '分数最高的 50.0% 客户里有 75.0% 的流失客户'
    """
    fig = new_figure(figsize)
    a1, a2 = fig.subplots(1, 2)
    lift_v = lift["lift"].to_numpy(dtype=float)
    a1.bar(lift["bin"], lift_v, color=[GOOD if v > 1 else NEUTRAL for v in lift_v], width=0.7)
    a1.axhline(1, color=INK, ls="--", lw=1)
    for b, v in zip(lift["bin"], lift_v):
        a1.annotate(f"{v:.1f}", (b, v), textcoords="offset points", xytext=(0, 3), ha="center", fontsize=TEXT_PT)
    a1.set_xticks(lift["bin"])
    a1.set_xlabel("分数档（1 = 风险分最高的 10%）", fontsize=TEXT_PT)
    a1.set_ylabel("提升度 (lift)", fontsize=TEXT_PT)
    style_axes(a1, "y")
    x = np.concatenate([[0], lift["cum_share_customers"].to_numpy(dtype=float)])
    y = np.concatenate([[0], lift["cum_share_churners"].to_numpy(dtype=float)])
    a2.plot(x, y, color=GOOD, lw=2.4, marker="o", label="按模型分数")
    a2.plot([0, 1], [0, 1], color=NEUTRAL, ls="--", lw=1, label="随机挑选")
    percent_axis(a2.xaxis)
    percent_axis(a2.yaxis)
    a2.set_xlabel("联系的客户占比（从最高分起）", fontsize=TEXT_PT)
    a2.set_ylabel("覆盖的流失客户占比", fontsize=TEXT_PT)
    a2.legend(loc="lower right", fontsize=TEXT_PT, frameon=False)
    style_axes(a2, "both")
    if title is None:
        cum = lift["cum_share_customers"].to_numpy(dtype=float)
        k = int(np.argmax(cum >= 0.2 - 1e-9))          # the first bins covering a fifth of the customers
        title = (f"分数最高的 {percent(lift['cum_share_customers'].iloc[k])} 客户里有 "
                 f"{percent(lift['cum_share_churners'].iloc[k])} 的流失客户")
    _suptitle_note(fig, title, population)
    return fig


def calibration_figure(table: pd.DataFrame, *, title: str | None = None, population: str | None = None,
                       figsize=(6.8, 5.2)):
    """Predicted vs observed churn rate per bin (:func:`course_utils.evaluation.calibration_table`).

    >>> t = pd.DataFrame({"mean_predicted": [0.1, 0.5], "observed_rate": [0.1, 0.3], "customers": [10, 10]})
    >>> calibration_figure(t).axes[0].get_title(loc="left")
    '预测概率最高的一档：预测 50.0%，实际 30.0%'
    """
    fig = new_figure(figsize)
    ax = fig.add_subplot()
    p, o = table["mean_predicted"].to_numpy(dtype=float), table["observed_rate"].to_numpy(dtype=float)
    top = max(float(np.nanmax(p)), float(np.nanmax(o)), 0.05) * 1.1
    ax.plot([0, top], [0, top], color=NEUTRAL, ls="--", lw=1, label="完全校准")
    ax.plot(p, o, color=GOOD, marker="o", lw=2, label="模型")
    percent_axis(ax.xaxis)
    percent_axis(ax.yaxis)
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.set_xlabel("预测流失概率（每档平均）", fontsize=TEXT_PT)
    ax.set_ylabel("实际流失率", fontsize=TEXT_PT)
    ax.legend(loc="upper left", fontsize=TEXT_PT, frameon=False)
    style_axes(ax, "both")
    if title is None:
        title = f"预测概率最高的一档：预测 {percent(p[-1])}，实际 {percent(o[-1])}"
    _title_note(ax, title, population)
    return fig


def profit_figure(curve: pd.DataFrame, *, marks: Sequence[int] = (), title: str | None = None,
                  population: str | None = None, figsize=(9.0, 4.6)):
    """Net value (CNY) of a retention campaign by the number of customers contacted
    (:func:`course_utils.evaluation.profit_curve`); the best budget and ``marks`` are labelled.

    >>> c = pd.DataFrame({"contacted": [0, 1, 2], "net_value": [0.0, 500.0, 300.0], "total_cost": [0.0, 100.0, 200.0]})
    >>> profit_figure(c).axes[0].get_title(loc="left")
    '联系分数最高的 1 人时净收益最高：500元'
    """
    fig = new_figure(figsize)
    ax = fig.add_subplot()
    k, net = curve["contacted"].to_numpy(), curve["net_value"].to_numpy(dtype=float)
    ax.plot(k, net, color=GOOD, lw=2.2)
    ax.axhline(0, color=INK, lw=1)
    best = int(np.argmax(net))
    ax.plot([k[best]], [net[best]], "o", color=GOOD, ms=8)
    ax.annotate(f"最佳：{int(k[best]):,} 人，{money(net[best])}", (k[best], net[best]), textcoords="offset points",
                xytext=(8, 6), fontsize=TEXT_PT, color=GOOD)
    for m in marks:
        i = int(np.searchsorted(k, m))
        if i < len(k):
            ax.plot([k[i]], [net[i]], "s", color=INK, ms=6)
            ax.annotate(f"{int(k[i]):,} 人：{money(net[i])}", (k[i], net[i]), textcoords="offset points",
                        xytext=(8, -14), fontsize=TEXT_PT, color=INK)
    if np.nanmax(np.abs(net)) >= 1e4:
        wan_axis(ax.yaxis)
        ax.set_ylabel("净收益（万元）", fontsize=TEXT_PT)
    else:
        ax.set_ylabel("净收益（元）", fontsize=TEXT_PT)
    ax.set_xlabel("联系的客户数（按风险分从高到低）", fontsize=TEXT_PT)
    style_axes(ax, "y")
    if title is None:
        title = f"联系分数最高的 {int(k[best]):,} 人时净收益最高：{money(net[best])}"
    _title_note(ax, title, population)
    return fig


# ---------------------------------------------------------------------------
# 五、why this customer
# ---------------------------------------------------------------------------
def importance_figure(table: pd.DataFrame, *, top: int = 8, title: str | None = None,
                      population: str | None = None, figsize=(8.0, 4.8)):
    """Permutation importance (:func:`course_utils.churn_models.permutation_importance_table`), top ``top``.

    >>> t = pd.DataFrame({"column": ["balance_trend", "age"], "importance": [0.08, 0.01], "std": [0.01, 0.0]})
    >>> importance_figure(t).axes[0].get_title(loc="left")
    '打乱“余额变化率”，AUC 下降最多（0.080）'
    """
    t = table.head(top).iloc[::-1]
    fig = new_figure(figsize)
    ax = fig.add_subplot()
    y = np.arange(len(t))
    imp = t["importance"].to_numpy(dtype=float)
    ax.barh(y, imp, xerr=t["std"].to_numpy(dtype=float) if "std" in t else None,
            color=[GOOD if i == len(t) - 1 else NEUTRAL for i in range(len(t))], height=0.6, ecolor=INK)
    err = t["std"].to_numpy(dtype=float) if "std" in t else np.zeros(len(t))
    for yi, v, e in zip(y, imp, err):
        ax.annotate(f"{round(v, 3) + 0.0:.3f}", (max(v + e, 0), yi), textcoords="offset points", xytext=(6, 0),
                    va="center", fontsize=TEXT_PT)
    ax.set_yticks(y, [feature_label(c) for c in t["column"]], fontsize=TEXT_PT)
    ax.set_xlabel("打乱该列后 AUC 的下降", fontsize=TEXT_PT)
    style_axes(ax, "x")
    if title is None and len(table):
        title = f"打乱“{feature_label(table['column'].iloc[0])}”，AUC 下降最多（{table['importance'].iloc[0]:.3f}）"
    _title_note(ax, title or "置换重要性", population)
    return fig


def partial_dependence_figure(curves: Sequence[tuple[str, np.ndarray, np.ndarray]], *, title: str | None = None,
                              population: str | None = None, figsize=(11.0, 4.2)):
    """Partial dependence: the model's average churn probability as one feature changes.

    ``curves``: ``(column, grid values, average probability)`` per panel.

    >>> f = partial_dependence_figure([("balance_trend", np.array([-0.5, 0.0]), np.array([0.3, 0.05]))])
    >>> f.get_suptitle()
    '余额变化率从 -0.5 到 0：平均流失概率从 30.0% 变到 5.0%'
    """
    from course_utils.churn_models import _fmt

    fig = new_figure(figsize)
    axes = fig.subplots(1, max(len(curves), 1), squeeze=False)[0]
    for ax, (col, grid, avg) in zip(axes, curves):
        ax.plot(grid, avg, color=GOOD, lw=2.4)
        ax.set_xlabel(feature_label(col), fontsize=TEXT_PT)
        percent_axis(ax.yaxis)
        style_axes(ax, "both")
    axes[0].set_ylabel("模型给出的平均流失概率", fontsize=TEXT_PT)
    if title is None and curves:
        col, grid, avg = curves[0]
        title = (f"{feature_label(col)}从 {_fmt(float(grid[0]))} 到 {_fmt(float(grid[-1]))}："
                 f"平均流失概率从 {percent(avg[0])} 变到 {percent(avg[-1])}")
    _suptitle_note(fig, title or "部分依赖图", population)
    return fig


# ---------------------------------------------------------------------------
# 六、retention that pays
# ---------------------------------------------------------------------------
def uplift_decile_figure(table: pd.DataFrame, *, title: str | None = None, population: str | None = None,
                         figsize=(9.0, 4.6)):
    """Observed uplift (control churn rate - contacted churn rate) per decile of predicted uplift
    (:func:`course_utils.uplift.uplift_by_decile`); blue = contact helped, vermilion = it hurt.

    >>> t = pd.DataFrame({"bin": [1, 2], "observed_uplift": [0.1, -0.02], "customers": [50, 50]})
    >>> uplift_decile_figure(t).axes[0].get_title(loc="left").replace("\\n", "")
    '预测增益最高的一档：联系后流失率低 10.0 个百分点；最低一档：高 2.0 个百分点'
    """
    fig = new_figure(figsize)
    ax = fig.add_subplot()
    u = table["observed_uplift"].to_numpy(dtype=float)
    b = table["bin"].to_numpy()
    ax.bar(b, np.nan_to_num(u), color=[GOOD if v > 0 else BAD for v in np.nan_to_num(u)], width=0.7)
    ax.axhline(0, color=INK, lw=1)
    for x, v in zip(b, u):
        if np.isfinite(v):
            ax.annotate(f"{v * 100:+.1f}", (x, v), textcoords="offset points", xytext=(0, 3 if v >= 0 else -14),
                        ha="center", fontsize=TEXT_PT)
    ax.set_xticks(b)
    ax.set_xlabel(f"预测增益分档（1 = 预测增益最高的 {percent(1 / max(len(b), 1), 0)}）", fontsize=TEXT_PT)
    ax.set_ylabel("实际增益：对照组流失率 − 联系组流失率", fontsize=TEXT_PT)
    percent_axis(ax.yaxis)
    style_axes(ax, "y")

    def say(v):
        return f"低 {abs(v) * 100:.1f} 个百分点" if v >= 0 else f"高 {abs(v) * 100:.1f} 个百分点"

    if title is None and len(u):
        title = f"预测增益最高的一档：联系后流失率{say(u[0])}；最低一档：{say(u[-1])}"
    _title_note(ax, title or "各档的实际增益", population)
    return fig


def targeting_figure(plans: pd.DataFrame, *, title: str | None = None, population: str | None = None,
                     figsize=(10.0, 4.6)):
    """Plans at the same budget side by side: customers saved and net value (CNY).

    ``plans``: one row per plan with ``label`` (or ``strategy_zh`` as in
    :func:`course_utils.uplift.compare_targeting`), ``customers_saved``, ``net_value`` and
    ``total_cost``. The title compares the last plan with the first.

    >>> c = pd.DataFrame({"label": ["按流失风险", "按挽留增益"], "customers_saved": [2.0, 6.0],
    ...                   "net_value": [-1000.0, 5000.0], "total_cost": [9000.0, 9000.0]})
    >>> targeting_figure(c).get_suptitle()
    '同样花约 9,000元：按挽留增益比按流失风险多挽留 4.0 人，净收益多 6,000元'
    """
    labels = plans["label"] if "label" in plans.columns else plans["strategy_zh"]
    names = [str(s).split(" (")[0] for s in labels]
    fig = new_figure(figsize)
    a1, a2 = fig.subplots(1, 2)
    colours = [NEUTRAL] * (len(plans) - 1) + [GOOD]
    for ax, col, label in ((a1, "customers_saved", "挽留的客户（人）"), (a2, "net_value", "净收益")):
        v = plans[col].to_numpy(dtype=float)
        x = np.arange(len(v))
        ax.bar(x, v, color=[BAD if (col == "net_value" and val < 0) else c for val, c in zip(v, colours)], width=0.6)
        ax.axhline(0, color=INK, lw=1)
        for i, val in enumerate(v):
            ax.annotate(f"{val:,.1f}" if col == "customers_saved" else money(val), (i, val), textcoords="offset points",
                        xytext=(0, 3 if val >= 0 else -14), ha="center", fontsize=TEXT_PT)
        ax.set_xticks(x, [n.replace("+", "\n+") for n in names], fontsize=TEXT_PT)
        ax.set_ylabel(label, fontsize=TEXT_PT)
        lo, hi = min(0.0, float(np.nanmin(v))), max(0.0, float(np.nanmax(v)))
        ax.set_ylim(lo - 0.15 * (hi - lo + 1e-9), hi + 0.15 * (hi - lo + 1e-9))
        if col == "net_value" and np.nanmax(np.abs(v)) >= 1e4:
            wan_axis(ax.yaxis)
            ax.set_ylabel("净收益（万元）", fontsize=TEXT_PT)
        style_axes(ax, "y")
    if title is None and len(plans) >= 2:
        first, last = plans.iloc[0], plans.iloc[-1]
        d_saved = last["customers_saved"] - first["customers_saved"]
        d_net = last["net_value"] - first["net_value"]
        title = (f"同样花约 {money(first['total_cost'])}：{names[-1]}比{names[0]}{'多' if d_saved >= 0 else '少'}挽留 "
                 f"{abs(d_saved):.1f} 人，净收益{'多' if d_net >= 0 else '少'} {money(abs(d_net))}")
    _suptitle_note(fig, title or "同样的预算，不同的挑法", population)
    return fig


# ---------------------------------------------------------------------------
# 七、automation
# ---------------------------------------------------------------------------
#: Display names and colours of the routing reasons of :func:`course_utils.automation.route_messages`.
ROUTE_LABELS_ZH = {"answered": "机器人按话术作答", "repeat": "重复提问→转人工", "rate": "要求协商利率→转人工",
                   "no_data": "查不到数据→转人工", "no_script": "无话术的问题→转人工"}
_ROUTE_COLOURS = {"answered": GOOD, "repeat": BAD, "rate": "#E69F00", "no_data": "#CC79A7", "no_script": NEUTRAL}


def routing_figure(routed: pd.DataFrame, *, title: str | None = None, population: str | None = None,
                   figsize=(10.0, 5.0)):
    """Where each intent's messages went (bot or human, and why), from :func:`course_utils.automation.route_messages`.

    >>> r = pd.DataFrame({"intent": ["账单查询", "账单查询", "投诉"], "reason": ["answered", "repeat", "no_script"],
    ...                   "route": ["bot", "human", "human"]})
    >>> routing_figure(r).axes[0].get_title(loc="left")
    '机器人答了 33.3% 的消息（1 条），66.7% 转人工'
    """
    counts = pd.crosstab(routed["intent"].astype(str), routed["reason"].astype(str))
    counts = counts.reindex(columns=[k for k in ROUTE_LABELS_ZH if k in counts.columns])
    counts = counts.loc[counts.sum(axis=1).sort_values(kind="stable").index]
    fig = new_figure(figsize)
    ax = fig.add_subplot()
    y = np.arange(len(counts))
    left = np.zeros(len(counts))
    for col in counts.columns:
        v = counts[col].to_numpy(dtype=float)
        ax.barh(y, v, left=left, color=_ROUTE_COLOURS[col], label=ROUTE_LABELS_ZH[col], height=0.65)
        left += v
    for yi, total in zip(y, left):
        ax.annotate(f"{int(total):,}", (total, yi), textcoords="offset points", xytext=(4, 0), va="center",
                    fontsize=TEXT_PT)
    ax.set_yticks(y, counts.index, fontsize=TEXT_PT)
    ax.set_xlabel("消息条数", fontsize=TEXT_PT)
    style_axes(ax, "x")
    ax.legend(loc="lower right", fontsize=TEXT_PT, frameon=False)
    n = len(routed)
    bot = int((routed["route"] == "bot").sum())
    if title is None and n:
        title = f"机器人答了 {percent(bot / n)} 的消息（{bot:,} 条），{percent(1 - bot / n)} 转人工"
    _title_note(ax, title or "消息的去向", population)
    return fig


def funnel_figure(funnel: pd.DataFrame, *, title: str | None = None, population: str | None = None,
                  figsize=(9.0, 4.2)):
    """The outbound list step by step (:func:`course_utils.automation.outbound_funnel`).

    >>> f = pd.DataFrame({"step_zh": ["沉默客户", "已授权"], "customers": [100, 80]})
    >>> funnel_figure(f).axes[0].get_title(loc="left")
    '100 位沉默客户中，80 位可以合规地外呼（80.0%）'
    """
    fig = new_figure(figsize)
    ax = fig.add_subplot()
    n = funnel["customers"].to_numpy(dtype=float)
    y = np.arange(len(n))[::-1]
    ax.barh(y, n, color=[NEUTRAL] * (len(n) - 1) + [GOOD], height=0.6)
    for yi, v in zip(y, n):
        ax.annotate(f"{int(v):,} 人（{percent(v / n[0]) if n[0] else '—'}）", (v, yi), textcoords="offset points",
                    xytext=(4, 0), va="center", fontsize=TEXT_PT)
    ax.set_yticks(y, funnel["step_zh"], fontsize=TEXT_PT)
    ax.set_xlim(0, n.max() * 1.35 if len(n) and n.max() > 0 else 1)
    ax.set_xlabel("客户数", fontsize=TEXT_PT)
    style_axes(ax, "x")
    if title is None and len(n):
        title = f"{int(n[0]):,} 位沉默客户中，{int(n[-1]):,} 位可以合规地外呼（{percent(n[-1] / n[0]) if n[0] else '—'}）"
    _title_note(ax, title or "外呼名单", population)
    return fig


def outbound_cost_figure(costs: Mapping[str, float], *, title: str | None = None, note: str | None = None,
                         figsize=(8.5, 4.2)):
    """Cost per activated customer of each plan (bars, CNY); the cheapest in blue.

    ``costs``: plan name -> CNY per activated customer.

    >>> outbound_cost_figure({"AI 外呼": 90.0, "人工外呼": 150.0}).axes[0].get_title(loc="left")
    '每激活一位客户：AI 外呼 90元，人工外呼 150元'
    """
    fig = new_figure(figsize)
    ax = fig.add_subplot()
    names, v = list(costs), np.array(list(costs.values()), dtype=float)
    best = int(np.nanargmin(v)) if len(v) else -1
    ax.bar(np.arange(len(v)), v, color=[GOOD if i == best else NEUTRAL for i in range(len(v))], width=0.6)
    for i, x in enumerate(v):
        ax.annotate(money(x), (i, x), textcoords="offset points", xytext=(0, 3), ha="center", fontsize=TEXT_PT)
    ax.set_xticks(np.arange(len(v)), names, fontsize=TEXT_PT)
    ax.set_ylabel("每激活一位客户的成本（元）", fontsize=TEXT_PT)
    ax.set_ylim(0, np.nanmax(v) * 1.25 if len(v) else 1)
    style_axes(ax, "y")
    if title is None and len(v):
        title = "每激活一位客户：" + "，".join(f"{n} {money(x)}" for n, x in zip(names, v))
    _title_note(ax, title, note)
    return fig
