"""Figures of Lecture 4: how recommenders think, suitability, honest evaluation, smart service.

Every function takes plain data (the tables :mod:`course_utils.recommend`,
:mod:`course_utils.chatbot`, :mod:`course_utils.survey` and :mod:`course_utils.observational`
return) and gives a :class:`~course_utils.viz.theme.CourseFigure` whose title states the message
and whose note names the population. Colours: blue = the method / the focus, grey = the
popularity baseline and context, vermilion = risk (wrong answers, unsuitable products).
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from matplotlib.ticker import MaxNLocator

from .fmt import percent, percent_axis, text_width_in, wrap_to_width
from .theme import BAD, GOOD, INK, NEUTRAL, NOTE, SEQUENTIAL, TEXT_PT, TITLE_PT, new_figure, style_axes

__all__ = [
    "wrap_to_width", "similarity_figure", "method_comparison_figure", "suitability_figure", "category_figure",
    "exposure_figure", "gap_figure", "threshold_figure", "confusion_figure", "drivers_figure",
    "bot_comparison_figure",
]

#: Colour of the popularity baseline in every comparison (context, not the focus).
BASELINE_KEYS = ("popularity", "热门推荐（基线）")


def _titles(fig, ax, title: str, note: str | None) -> None:
    """Message title (14 pt) and population note (11 pt, grey) wrapped to the width they have.

    Both start at the axes' left edge, which long y tick labels (product names) push to the
    right: the width is the figure's minus the widest y tick label (plus its tick and pad).
    """
    left = text_width_in([t.get_text() for t in ax.get_yticklabels()], TEXT_PT) + 0.3   # inches
    width = fig.get_figwidth() * 0.96 - left
    title = wrap_to_width(title, width, TITLE_PT)
    note = wrap_to_width(note, width, TEXT_PT) if note else None
    lines = note.count("\n") + 1 if note else 0
    ax.set_title(title, loc="left", fontsize=TITLE_PT, color=INK, pad=8 + lines * TEXT_PT * 1.35 + (6 if note else 0))
    if note:
        ax.annotate(note, xy=(0, 1), xycoords="axes fraction", xytext=(0, 6), textcoords="offset points",
                    ha="left", va="bottom", fontsize=TEXT_PT, color=NOTE, annotation_clip=False)


def _pct(axis) -> None:
    """Percent tick labels at round steps (1, 2, 5, 10 ... per cent): no "2%, 5%, 8%" ticks."""
    axis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
    percent_axis(axis)


def _suptitles(fig, title: str, note: str | None) -> None:
    width = fig.get_figwidth() * 0.96
    fig.suptitle(wrap_to_width(title, width, TITLE_PT), x=0.01, ha="left", fontsize=TITLE_PT, color=INK)
    if note:
        fig.supxlabel(wrap_to_width(note, width, TEXT_PT), x=0.01, ha="left", fontsize=TEXT_PT, color=NOTE)


# ---------------------------------------------------------------------------
# 一、how recommenders think
# ---------------------------------------------------------------------------
def similarity_figure(sim: pd.DataFrame, *, title: str | None = None, population: str | None = None,
                      figsize=(8.4, 5.6)):
    """Annotated heat map of a product x product similarity (0..1), e.g. a few wealth products.

    ``sim``: square DataFrame, index = columns = product names. The title names the most
    similar pair unless given.

    >>> s = pd.DataFrame([[0, .4, .1], [.4, 0, .2], [.1, .2, 0]], index=list("ABC"), columns=list("ABC"))
    >>> similarity_figure(s).axes[0].get_title(loc="left")
    '最常被同一批客户持有的是“A”和“B”（相似度 0.40）'
    """
    fig = new_figure(figsize)
    ax = fig.add_subplot()
    v = sim.to_numpy(dtype=float)
    shown = np.where(np.eye(len(v), dtype=bool), np.nan, v)
    top = np.nanmax(shown) if np.isfinite(shown).any() else 1.0
    im = ax.imshow(shown, cmap=SEQUENTIAL, vmin=0, vmax=max(top, 1e-9), aspect="auto")  # fill the width
    for i in range(len(v)):
        for j in range(len(v)):
            txt, colour = ("—", NOTE) if i == j else (f"{v[i, j]:.2f}", "white" if v[i, j] > 0.6 * top else INK)
            ax.text(j, i, txt, ha="center", va="center", fontsize=TEXT_PT, color=colour)
    names = [str(n) for n in sim.index]
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=TEXT_PT)
    ax.set_yticks(range(len(names)), names, fontsize=TEXT_PT)
    ax.grid(False)
    cb = fig.colorbar(im, ax=ax, shrink=0.8)
    cb.ax.tick_params(labelsize=TEXT_PT)
    cb.set_label("余弦相似度（0 = 没有共同客户）", fontsize=TEXT_PT)
    if title is None and np.isfinite(shown).any():
        i, j = np.unravel_index(np.nanargmax(shown), shown.shape)
        title = f"最常被同一批客户持有的是“{names[i]}”和“{names[j]}”（相似度 {v[i, j]:.2f}）"
    _titles(fig, ax, title or "产品之间的相似度", population)
    return fig


def method_comparison_figure(table: pd.DataFrame, *, labels: Mapping[str, str] | None = None,
                             metric_label: str = "precision@5", title: str | None = None,
                             population: str | None = None, figsize=(8.8, 4.4)):
    """Each method's metric with its bootstrap 95 % interval; the popularity baseline in grey.

    ``table``: :func:`course_utils.recommend.bootstrap_compare`'s output (index = method keys;
    ``value``, ``low``, ``high``; ``diff`` vs the baseline). ``labels``: key -> Chinese name.

    >>> t = pd.DataFrame({"value": [0.22, 0.09], "low": [0.21, 0.08], "high": [0.23, 0.10],
    ...                   "diff": [0.13, 0.0]}, index=["item_cf", "popularity"])
    >>> method_comparison_figure(t).axes[0].get_title(loc="left")
    'item_cf 的 precision@5 是热门推荐的 2.4 倍（22.0% 对 9.0%），\\n区间不重叠'
    """
    labels = dict(labels or {})
    fig = new_figure(figsize)
    ax = fig.add_subplot()
    t = table.sort_values("value", kind="stable")
    y = np.arange(len(t))
    base = [k for k in t.index if k in BASELINE_KEYS]
    colours = [NEUTRAL if k in BASELINE_KEYS else GOOD for k in t.index]
    ax.barh(y, t["value"], color=colours, height=0.6)
    err = np.vstack([t["value"] - t["low"], t["high"] - t["value"]])
    ax.errorbar(t["value"], y, xerr=err, fmt="none", ecolor=INK, capsize=4, lw=1.2)
    for yi, (v, hi) in enumerate(zip(t["value"], t["high"])):
        ax.text(hi, yi, f"  {percent(v)}", va="center", fontsize=TEXT_PT, color=INK)
    ax.set_yticks(y, [labels.get(k, k) for k in t.index], fontsize=TEXT_PT)
    top = float(np.nanmax(t["high"].to_numpy(dtype=float))) if len(t) else 0.0
    ax.set_xlim(0, top * 1.25 if np.isfinite(top) and top > 0 else 1.0)
    _pct(ax.xaxis)
    ax.set_xlabel(f"{metric_label}（横线 = 95% 自助法区间）", fontsize=TEXT_PT)
    style_axes(ax, "x")
    if title is None and base and len(t) > 1:
        b = base[0]
        best = t.drop(index=b)["value"].idxmax()
        bv, vv = float(t.at[b, "value"]), float(t.at[best, "value"])
        sep = "区间不重叠" if float(t.at[best, "low"]) > float(t.at[b, "high"]) else "但区间有重叠"
        times = f"是热门推荐的 {vv / bv:.1f} 倍" if bv > 0 else "高于热门推荐"
        if vv <= bv:
            times, sep = "没有超过热门推荐", "差距在误差范围内" if float(t.at[best, "high"]) >= bv else "明显更低"
        title = f"{labels.get(best, best)} 的 {metric_label} {times}（{percent(vv)} 对 {percent(bv)}），{sep}"
    _titles(fig, ax, title or f"各方法的 {metric_label}", population)
    return fig


def suitability_figure(frame: pd.DataFrame, *, labels: Mapping[str, str] | None = None,
                       title: str | None = None, population: str | None = None, figsize=(10.5, 4.4)):
    """What the suitability filter costs: precision without / with it, and the unsuitable advice it stops.

    ``frame``: index = method keys; columns ``precision`` and ``precision_suitable`` (fractions),
    ``unsuitable`` (recommendations above the customer's risk appetite without the filter) and
    ``slots`` (all recommendations made).

    >>> f = pd.DataFrame({"precision": [0.22], "precision_suitable": [0.217], "unsuitable": [2282],
    ...                   "slots": [14290]}, index=["item_cf"])
    >>> suitability_figure(f).get_suptitle()
    '适当性过滤让 precision 只降 0.3 个百分点，却挡住了 16.0% 的不适当推荐'
    """
    labels = dict(labels or {})
    fig = new_figure(figsize)
    ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.4, 1]})
    names = [labels.get(k, k) for k in frame.index]
    y = np.arange(len(frame))[::-1]
    h = 0.36
    ax1.barh(y + h / 2, frame["precision"], height=h, color=NEUTRAL, label="不做适当性过滤")
    ax1.barh(y - h / 2, frame["precision_suitable"], height=h, color=GOOD, label="先做适当性过滤")
    for yi, a, b in zip(y, frame["precision"], frame["precision_suitable"]):
        ax1.text(a, yi + h / 2, f" {percent(a)}", va="center", fontsize=TEXT_PT, color=INK)
        ax1.text(b, yi - h / 2, f" {percent(b)}", va="center", fontsize=TEXT_PT, color=INK)
    ax1.set_yticks(y, names, fontsize=TEXT_PT)
    ax1.set_xlim(0, float(frame[["precision", "precision_suitable"]].to_numpy().max()) * 1.3)
    _pct(ax1.xaxis)
    ax1.set_xlabel("precision@5（越高越准）", fontsize=TEXT_PT)
    ax1.legend(loc="upper left", bbox_to_anchor=(0, -0.18), ncol=2, fontsize=TEXT_PT, frameon=False)
    style_axes(ax1, "x")
    share = frame["unsuitable"] / frame["slots"].where(frame["slots"] > 0)
    ax2.barh(y, share, color=BAD, height=0.6)
    for yi, s, n in zip(y, share, frame["unsuitable"]):
        ax2.text(s, yi, f" {percent(s)}（{int(n):,} 条）", va="center", fontsize=TEXT_PT, color=INK)
    ax2.set_yticks(y, ["" for _ in names])
    ax2.set_xlim(0, max(float(share.max()) * 1.8, 0.05))
    _pct(ax2.xaxis)
    ax2.set_xlabel("不过滤时超出客户风险承受能力的推荐", fontsize=TEXT_PT)
    style_axes(ax2, "x")
    if title is None and len(frame):
        drop = float((frame["precision"] - frame["precision_suitable"]).max())
        move = f"只降 {drop * 100:.1f} 个百分点" if drop > 0 else "没有下降"
        title = f"适当性过滤让 precision {move}，却挡住了 {percent(float(share.max()))} 的不适当推荐"
    _suptitles(fig, title or "适当性过滤的代价", population)
    return fig


def category_figure(frame: pd.DataFrame, *, labels: Mapping[str, str] | None = None, metric_label: str = "precision@3",
                    title: str | None = None, population: str | None = None, figsize=(9.0, 4.4)):
    """Metric per product category (rows) and method (columns), grouped bars; baseline grey.

    >>> f = pd.DataFrame({"item_cf": [0.3, 0.2], "popularity": [0.1, 0.15]}, index=["理财", "贷款"])
    >>> category_figure(f).axes[0].get_title(loc="left")
    '同一套引擎：理财上领先热门推荐最多（30.0% 对 10.0%）'
    """
    labels = dict(labels or {})
    fig = new_figure(figsize)
    ax = fig.add_subplot()
    x = np.arange(len(frame))
    w = 0.8 / max(len(frame.columns), 1)
    palette = [GOOD, "#56B4E9", "#009E73"]
    k = 0
    for j, col in enumerate(frame.columns):
        colour = NEUTRAL if col in BASELINE_KEYS else palette[k % len(palette)]
        k += col not in BASELINE_KEYS
        xs = x - 0.4 + w / 2 + j * w
        ax.bar(xs, frame[col], width=w, color=colour, label=labels.get(col, col))
        for xi, v in zip(xs, frame[col]):
            ax.text(xi, v, percent(v), ha="center", va="bottom", fontsize=TEXT_PT, color=INK)
    ax.set_xticks(x, [str(i) for i in frame.index], fontsize=TEXT_PT)
    _pct(ax.yaxis)
    ax.set_ylabel(metric_label, fontsize=TEXT_PT)
    ax.set_ylim(0, float(np.nanmax(frame.to_numpy(dtype=float))) * 1.25 if frame.size else 1)
    ax.legend(fontsize=TEXT_PT, frameon=False, loc="upper right")
    style_axes(ax, "y")
    base = [c for c in frame.columns if c in BASELINE_KEYS]
    if title is None and base and len(frame.columns) > 1:
        other = [c for c in frame.columns if c not in BASELINE_KEYS][0]
        gap = frame[other] - frame[base[0]]
        best = gap.idxmax()
        title = (f"同一套引擎：{best}上领先热门推荐最多（{percent(frame.at[best, other])} 对 "
                 f"{percent(frame.at[best, base[0]])}）")
    _titles(fig, ax, title or f"各类产品的 {metric_label}", population)
    return fig


def exposure_figure(frame: pd.DataFrame, *, labels: Mapping[str, str] | None = None, title: str | None = None,
                    population: str | None = None, figsize=(10.0, 4.4)):
    """How often each product is recommended, products ordered from most to least held.

    ``frame``: index = products (most-held first), one column per method = share of all
    recommendation slots (0..1); optional bool column ``head`` (the most-held 20 %), drawn as
    a shaded band.

    >>> f = pd.DataFrame({"popularity": [0.5, 0.5, 0, 0], "item_cf": [0.3, 0.2, 0.3, 0.2],
    ...                   "head": [True, False, False, False]}, index=list("ABCD"))
    >>> exposure_figure(f).axes[0].get_title(loc="left")
    '热门推荐 50.0% 的推荐位给了头部 1 只产品，item_cf 只有 30.0%'
    """
    labels = dict(labels or {})
    fig = new_figure(figsize)
    ax = fig.add_subplot()
    cols = [c for c in frame.columns if c != "head"]
    x = np.arange(len(frame))
    if "head" in frame and frame["head"].any():
        n_head = int(frame["head"].sum())
        ax.axvspan(-0.5, n_head - 0.5, color="#eef2f6", zorder=0)
        ax.text(n_head - 0.5, 1.0, " ← 头部（最常持有的 20% 产品）", transform=ax.get_xaxis_transform(),
                va="top", fontsize=TEXT_PT, color=NOTE)
    for col in cols:
        base = col in BASELINE_KEYS
        ax.plot(x, frame[col], color=NEUTRAL if base else GOOD, lw=2.2 if not base else 2.8,
                marker="o", ms=3, label=labels.get(col, col))
    ax.set_xlim(-0.5, len(frame) - 0.5)
    ax.set_xlabel(f"产品（按持有人数从多到少排列，共 {len(frame)} 只）", fontsize=TEXT_PT)
    ax.set_ylabel("占全部推荐位的比例", fontsize=TEXT_PT)
    ax.set_xticks([])
    _pct(ax.yaxis)
    ax.legend(fontsize=TEXT_PT, frameon=False, loc="center right")
    style_axes(ax, "y")
    base = [c for c in cols if c in BASELINE_KEYS]
    other = [c for c in cols if c not in BASELINE_KEYS]
    if title is None and base and other:
        b, o = base[0], other[0]
        if "head" in frame and frame["head"].any():
            head = frame["head"].to_numpy(dtype=bool)
            title = (f"热门推荐 {percent(frame.loc[head, b].sum())} 的推荐位给了头部 {int(head.sum())} 只产品，"
                     f"{labels.get(o, o)} 只有 {percent(frame.loc[head, o].sum())}")
        else:
            title = (f"热门推荐推了 {int((frame[b] > 0).sum())} 只产品，"
                     f"{labels.get(o, o)} 推了 {int((frame[o] > 0).sum())} 只")
    _titles(fig, ax, title or "各产品被推荐的频率", population)
    return fig


def gap_figure(catalogue: pd.DataFrame, taste: pd.DataFrame | None = None, *, method_label: str = "协同过滤",
               metric_label: str = "precision@3", title: str | None = None, population: str | None = None,
               figsize=(11.0, 4.6)):
    """CF minus popularity (with 95 % intervals) by catalogue size, and by taste diversity.

    ``catalogue``: :func:`course_utils.recommend.catalogue_size_experiment` output (``size``,
    ``gap``, ``gap_low``, ``gap_high``). ``taste``: :func:`course_utils.recommend.taste_experiment`
    output (``size``, ``strength``, ``gap`` ...), one line per catalogue size (optional panel).

    >>> c = pd.DataFrame({"size": [5, 49], "gap": [0.02, 0.17], "gap_low": [0.01, 0.16], "gap_high": [0.03, 0.18]})
    >>> gap_figure(c).get_suptitle().replace(chr(10), "")
    '产品越少，协同过滤比热门推荐多出的越少（5 只：+2.0 个百分点；49 只：+17.0 个百分点）'
    """
    panels = 2 if taste is not None else 1
    fig = new_figure(figsize if panels == 2 else (7.0, 4.4))
    axes = np.atleast_1d(fig.subplots(1, panels, sharey=True))
    ax = axes[0]
    c = catalogue.sort_values("size")
    ax.fill_between(c["size"], c["gap_low"], c["gap_high"], color=GOOD, alpha=0.2, lw=0)
    ax.plot(c["size"], c["gap"], color=GOOD, marker="o", lw=2)
    ax.axhline(0, color=INK, lw=1)
    ax.set_xlabel("目录里的产品数（本行数据，随机抽取子集）", fontsize=TEXT_PT)
    ax.set_ylabel(f"{method_label} − 热门推荐（{metric_label}）", fontsize=TEXT_PT)
    _pct(ax.yaxis)
    style_axes(ax, "y")
    if taste is not None:
        ax2 = axes[1]
        colours = [GOOD, "#56B4E9", "#009E73", "#CC79A7"]
        for i, (size, g) in enumerate(taste.groupby("size", sort=True)):
            g = g.sort_values("strength")
            col = colours[i % len(colours)]
            ax2.fill_between(g["strength"], g["gap_low"], g["gap_high"], color=col, alpha=0.18, lw=0)
            ax2.plot(g["strength"], g["gap"], color=col, marker="o", lw=2, label=f"{size} 只产品")
        ax2.axhline(0, color=INK, lw=1)
        ax2.set_xlabel("口味差异（模拟：0 = 人人口味相同）", fontsize=TEXT_PT)
        ax2.legend(fontsize=TEXT_PT, frameon=False, loc="upper left")
        style_axes(ax2, "y")
    if title is None and len(c):
        lo, hi = c.iloc[0], c.iloc[-1]
        title = (f"产品越少，{method_label}比热门推荐多出的越少（{int(lo['size'])} 只："
                 f"{lo['gap'] * 100:+.1f} 个百分点；{int(hi['size'])} 只：{hi['gap'] * 100:+.1f} 个百分点）")
    _suptitles(fig, title or f"{method_label}什么时候赢过热门推荐", population)
    return fig


# ---------------------------------------------------------------------------
# 五、smart service
# ---------------------------------------------------------------------------
def threshold_figure(table: pd.DataFrame, chosen: float | None = None, *, title: str | None = None,
                     population: str | None = None, figsize=(9.0, 4.6)):
    """The FAQ bot's trade-off by confidence threshold: answer rate, wrong answers, hand-offs.

    ``table``: :func:`course_utils.chatbot.threshold_table` output. ``chosen``: the threshold to
    mark (dashed line).

    >>> t = pd.DataFrame({"threshold": [0.2, 0.5], "answer_rate": [0.4, 0.25], "handoff_rate": [0.6, 0.75],
    ...                   "wrong_share_of_answered": [0.2, 0.04]})
    >>> threshold_figure(t, 0.5).axes[0].get_title(loc="left")
    '阈值 0.50：机器人答 25.0% 的消息，答错的占已答的 4.0%，75.0% 转人工'
    """
    fig = new_figure(figsize)
    ax = fig.add_subplot()
    t = table.sort_values("threshold")
    ax.plot(t["threshold"], t["answer_rate"], color=GOOD, lw=2.4, label="机器人回答的比例")
    ax.plot(t["threshold"], t["handoff_rate"], color=NEUTRAL, lw=2.4, label="转人工的比例（人工工作量）")
    ax.plot(t["threshold"], t["wrong_share_of_answered"], color=BAD, lw=2.4, ls="--",
            label="答错的比例（占已回答）")
    ax.set_xlabel("置信度阈值（低于它就转人工）", fontsize=TEXT_PT)
    ax.set_ylim(0, 1.02)
    _pct(ax.yaxis)
    style_axes(ax, "y")
    ax.legend(fontsize=TEXT_PT, frameon=False, loc="center right")
    if chosen is not None:
        ax.axvline(chosen, color=INK, lw=1, ls=":")
        row = t.iloc[int(np.argmin(np.abs(t["threshold"].to_numpy() - chosen)))]
        if title is None:
            title = (f"阈值 {chosen:.2f}：机器人答 {percent(row['answer_rate'])} 的消息，答错的占已答的 "
                     f"{percent(row['wrong_share_of_answered'])}，{percent(row['handoff_rate'])} 转人工")
    _titles(fig, ax, title or "阈值越高，机器人答得越少、错得越少，人工越忙", population)
    return fig


def confusion_figure(matrices: Mapping[str, pd.DataFrame], *, title: str | None = None,
                     population: str | None = None, figsize=(10.0, 4.2)):
    """Confusion matrices side by side (counts and row shares), one panel per model.

    ``matrices``: model name -> 2 x 2 DataFrame of counts, index = true class, columns =
    predicted class (e.g. 非负面 / 负面).

    >>> m = pd.DataFrame([[80, 20], [10, 90]], index=["非负面", "负面"], columns=["非负面", "负面"])
    >>> confusion_figure({"模型": m}).get_suptitle()
    '模型：真负面留言找出 90.0%，误报 20.0%'
    """
    fig = new_figure(figsize)
    axes = np.atleast_1d(fig.subplots(1, len(matrices)))
    parts = []
    for ax, (name, m) in zip(axes, matrices.items()):
        v = m.to_numpy(dtype=float)
        share = v / np.maximum(v.sum(axis=1, keepdims=True), 1)
        ax.imshow(share, cmap=SEQUENTIAL, vmin=0, vmax=1)
        for i in range(v.shape[0]):
            for j in range(v.shape[1]):
                ax.text(j, i, f"{int(v[i, j]):,}\n{percent(share[i, j])}", ha="center", va="center",
                        fontsize=TEXT_PT, color="white" if share[i, j] > 0.6 else INK)
        ax.set_xticks(range(v.shape[1]), [f"判为{c}" for c in m.columns], fontsize=TEXT_PT)
        ax.set_yticks(range(v.shape[0]), [f"实际{c}" for c in m.index], fontsize=TEXT_PT)
        ax.set_title(str(name), fontsize=TEXT_PT + 1, color=INK)
        ax.grid(False)
        if v.shape == (2, 2):
            parts.append(f"{name}：真负面留言找出 {percent(share[1, 1])}，误报 {percent(share[0, 1])}")
    _suptitles(fig, title or "；".join(parts) or "混淆矩阵", population)
    return fig


def drivers_figure(drivers: pd.DataFrame, *, title: str | None = None, population: str | None = None,
                   figsize=(8.6, 4.2)):
    """Drivers of overall satisfaction: importance with bootstrap intervals, strongest on top.

    ``drivers``: :func:`course_utils.survey.driver_importance` output (``name_zh``,
    ``importance``, ``ci_low``, ``ci_high``).

    >>> d = pd.DataFrame({"name_zh": ["手续费", "APP体验"], "importance": [0.5, 0.1],
    ...                   "ci_low": [0.45, 0.05], "ci_high": [0.55, 0.15]})
    >>> drivers_figure(d).axes[0].get_title(loc="left")
    '对总体满意度影响最大的是“手续费”（系数 0.50），其次“APP体验”（0.10）'
    """
    fig = new_figure(figsize)
    ax = fig.add_subplot()
    d = drivers.iloc[::-1]
    y = np.arange(len(d))
    colours = [GOOD if i == len(d) - 1 else NEUTRAL for i in y]
    ax.barh(y, d["importance"], color=colours, height=0.6)
    err = np.vstack([d["importance"] - d["ci_low"], d["ci_high"] - d["importance"]])
    ax.errorbar(d["importance"], y, xerr=err, fmt="none", ecolor=INK, capsize=4, lw=1.2)
    for yi, (v, hi) in enumerate(zip(d["importance"], d["ci_high"])):
        ax.text(max(hi, 0), yi, f"  {v:.2f}", va="center", fontsize=TEXT_PT, color=INK)
    ax.set_yticks(y, d["name_zh"], fontsize=TEXT_PT)
    ax.axvline(0, color=INK, lw=1)
    ax.set_xlim(min(0, float(d["ci_low"].min()) * 1.2), float(d["ci_high"].max()) * 1.25)
    ax.set_xlabel("标准化回归系数（该项高 1 个标准差，总体满意度高多少个标准差）", fontsize=TEXT_PT)
    style_axes(ax, "x")
    if title is None and len(drivers) >= 2:
        a, b = drivers.iloc[0], drivers.iloc[1]
        title = (f"对总体满意度影响最大的是“{a['name_zh']}”（系数 {a['importance']:.2f}），"
                 f"其次“{b['name_zh']}”（{b['importance']:.2f}）")
    _titles(fig, ax, title or "满意度的驱动因素", population)
    return fig


def bot_comparison_figure(result: Mapping, *, unit: str = "分", title: str | None = None,
                          population: str | None = None, figsize=(10.0, 3.8)):
    """Raw vs like-for-like difference (bot-served minus not), each with its 95 % interval.

    ``result``: :func:`course_utils.observational.stratified_difference` output.

    >>> r = {"raw": -0.2, "raw_low": -1.3, "raw_high": 0.9, "adjusted": 1.0, "adjusted_low": -0.2,
    ...      "adjusted_high": 2.3}
    >>> bot_comparison_figure(r).axes[0].get_title(loc="left")
    '同类客户相比，差 +1.0 分，区间含 0：看不出机器人提升了满意度'
    """
    fig = new_figure(figsize)
    ax = fig.add_subplot()
    rows = [("直接比较\n（全部客户）", "raw"), ("同类客户相比\n（分层后）", "adjusted")]
    for i, (_label, key) in enumerate(rows[::-1]):
        v, lo, hi = float(result[key]), float(result[f"{key}_low"]), float(result[f"{key}_high"])
        colour = GOOD if key == "adjusted" else NEUTRAL
        ax.plot([lo, hi], [i, i], color=colour, lw=4, solid_capstyle="round")
        ax.plot([v], [i], "o", color=INK, ms=8)
        ax.text(hi, i, f"  {v:+.1f} {unit}（{lo:+.1f} ~ {hi:+.1f}）", va="center", fontsize=TEXT_PT, color=INK)
    ax.axvline(0, color=INK, lw=1, ls="--")
    ax.set_yticks(range(len(rows)), [r[0] for r in rows[::-1]], fontsize=TEXT_PT)
    span = max(abs(float(result[k])) for k in ("raw_low", "raw_high", "adjusted_low", "adjusted_high"))
    ax.set_xlim(-span * 1.3 - 0.5, span * 2.2 + 0.5)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_xlabel(f"机器人服务过的客户 − 没用过的客户（满意度，{unit}）", fontsize=TEXT_PT)
    style_axes(ax, "x")
    if title is None:
        a, lo, hi = float(result["adjusted"]), float(result["adjusted_low"]), float(result["adjusted_high"])
        verdict = ("区间含 0：看不出机器人提升了满意度" if lo <= 0 <= hi else
                   "高于 0，但这只是相关，不是因果" if lo > 0 else "低于 0：机器人服务过的客户更不满意")
        title = f"同类客户相比，差 {a:+.1f} {unit}，{verdict}"
    _titles(fig, ax, title, population)
    return fig
