"""Figures of Lecture 1: churn trend, root causes, CLV tiers, satisfaction vs loyalty.

Every function takes plain data (a mapping, a Series or a small DataFrame as returned
by :mod:`course_utils.kpis`) and returns a :class:`~course_utils.viz.theme.CourseFigure`.
Call :func:`course_utils.plotting.setup` once per notebook for the Chinese font.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from course_utils import domain

from .fmt import money, percent, percent_axis, wan_axis, wrap_label
from .theme import (BAD, CATEGORICAL, GOOD, INK, NEUTRAL, NOTE, TEXT_PT, new_figure,
                    style_axes, title_and_note)

#: Population of the churn trend (the definition of the yearly rate).
CHURN_RATE_NOTE = "口径：当年流失人数 ÷ 当年 1 月 1 日开始时的在网客户数"


def normalize_events(events: Iterable[Any] | None) -> list[tuple[int, str]]:
    """Turn event annotations into a clean list of ``(year, text)``.

    Accepts ``(year, text)`` pairs or dicts with ``year`` and ``text`` keys.
    Entries with a missing/unparsable year or blank text are dropped (a chart
    must still draw while a trainee is half-way through typing); control characters
    (a pasted NUL, a tab) are removed from the text.

    >>> normalize_events([(2022, " 费率调整 "), {"year": "2023", "text": "竞品\\x00高收益"}, (2021, "")])
    [(2022, '费率调整'), (2023, '竞品高收益')]
    """
    clean: list[tuple[int, str]] = []
    for item in events or ():
        if isinstance(item, Mapping):
            year, text = item.get("year"), item.get("text")
        elif isinstance(item, (tuple, list)) and len(item) == 2:
            year, text = item
        else:
            continue
        try:
            year = int(year)
        except (TypeError, ValueError, OverflowError):
            continue
        if not isinstance(text, str):
            continue
        text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C").strip()
        if text:
            clean.append((year, text))
    return clean


def _rate_series(rates: Mapping[int, float] | pd.Series) -> pd.Series:
    """Year -> rate as floats, years as ints, sorted (junk values become NaN)."""
    raw = dict(rates) if not isinstance(rates, pd.Series) else rates.to_dict()
    series = pd.Series({int(y): v for y, v in raw.items()}, dtype=object)
    series = pd.to_numeric(series, errors="coerce").astype(float)
    return series.sort_index()


def churn_trend_title(rates: Mapping[int, float] | pd.Series) -> str:
    """The message of a churn-trend chart, worded from the rates as they are shown.

    Rates are compared at the precision the chart prints (one decimal of a percent),
    so the title never says "从 10.0% 升至 10.0%"; a path that is flat, turns back
    to where it started, or zig-zags on the way says so.

    >>> churn_trend_title({2021: .15, 2022: .18, 2023: .20})
    '客户流失率 (churn rate) 三年从 15.0% 升至 20.0%'
    >>> churn_trend_title({2021: .10, 2022: .10, 2023: .10})
    '客户流失率 (churn rate) 三年持平于 10.0%'
    >>> churn_trend_title({2021: .10, 2022: .15, 2023: .10})
    '客户流失率 (churn rate) 三年先升后降，回到 10.0%'
    >>> churn_trend_title({2021: .15, 2022: .12, 2023: .20})
    '客户流失率 (churn rate) 三年从 15.0% 升至 20.0%（中间曾回落）'
    """
    series = _rate_series(rates)
    years = list(series.index)
    finite = series[np.isfinite(series.to_numpy(dtype=float))]
    head = "客户流失率 (churn rate)"
    if len(finite) < 2:
        return head
    span = "三年" if years == list(range(years[0], years[0] + 3)) else f"{years[0]}–{years[-1]} 年"
    shown = [round(float(v), 3) for v in finite]          # what percent() prints
    first, last = shown[0], shown[-1]
    steps = [b - a for a, b in zip(shown, shown[1:])]
    if all(v == first for v in shown):
        return f"{head} {span}持平于 {percent(last)}"
    if first == last:
        turn = "先升后降" if max(shown) > first else "先降后升"
        return f"{head} {span}{turn}，回到 {percent(last)}"
    rising = last > first
    verb = "升至" if rising else "降至"
    detour = any(d < 0 for d in steps) if rising else any(d > 0 for d in steps)
    note = ("（中间曾回落）" if rising else "（中间曾回升）") if detour else ""
    return f"{head} {span}从 {percent(finite.iloc[0])} {verb} {percent(finite.iloc[-1])}{note}"


def churn_trend_figure(
    rates: Mapping[int, float] | pd.Series,
    events: Iterable[Any] | None = None,
    *,
    title: str | None = None,
    note: str | None = CHURN_RATE_NOTE,
    figsize: tuple[float, float] = (7.5, 4.4),
    ymax: float | None = None,
):
    """Annotated line chart of yearly churn rates (the line is the risk colour).

    Parameters
    ----------
    rates:
        Year -> churn rate as a fraction (0.15 = 15%), e.g. the Series from
        ``kpis.yearly_churn_rates``. NaN values are left as gaps.
    events:
        Key events to annotate, ``[(2022, "产品调整：…"), (2023, "市场变化：…")]``.
        Events on a year that is not plotted, or with blank text, are skipped.
    title:
        Chart title; by default it states the change from first to last year.
    note:
        The population / definition line under the title.
    ymax:
        Fixed top of the y axis (fraction); default: fits the data. A widget
        passes a fixed value so moving a slider visibly moves the line.

    Example
    -------
    >>> fig = churn_trend_figure({2021: .15, 2022: .18, 2023: .20}, [(2022, "费率调整")])
    >>> fig.axes[0].get_title(loc="left")
    '客户流失率 (churn rate) 三年从 15.0% 升至 20.0%'
    """
    series = _rate_series(rates)
    years = list(series.index)
    values = series.to_numpy(dtype=float)

    # Fixed margins and explicit ticks instead of constrained layout / auto
    # locators: this chart is redrawn by a widget, and both halve the draw time.
    fig = new_figure(figsize, fixed_margins=True)
    fig.subplots_adjust(left=0.11, right=0.97, top=0.83 if note else 0.9, bottom=0.1)
    ax = fig.add_subplot()
    ax.plot(years, values, color=BAD, linewidth=2.5, marker="o", markersize=8, zorder=3)
    for year, value in zip(years, values):
        if np.isfinite(value):
            ax.annotate(percent(value), (year, value), textcoords="offset points",
                        xytext=(0, -18), ha="center", va="top", fontsize=TEXT_PT, color=BAD)

    finite = values[np.isfinite(values)]
    top = float(finite.max()) if finite.size else 0.25
    y_top = ymax if ymax is not None else max(top * 1.55, 0.05)
    ax.set_ylim(0, y_top)
    step = 0.05 if y_top <= 0.36 else (0.1 if y_top <= 0.8 else 0.2)
    ax.set_yticks(np.arange(0, y_top + 1e-9, step))
    ax.set_xticks(years)
    ax.set_xticklabels([f"{y}年" for y in years])
    if years:
        ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    percent_axis(ax.yaxis)
    ax.set_ylabel("年流失率", fontsize=TEXT_PT)
    style_axes(ax, "y")

    # Annotations: alternate heights so two neighbouring events never overlap.
    for i, (year, text) in enumerate(e for e in normalize_events(events) if e[0] in years):
        value = series.get(year)
        if value is None or not np.isfinite(value):
            continue
        lift = 0.22 if i % 2 == 0 else 0.12
        text_y = min(value + y_top * lift, y_top * 0.8)
        # keep boxes inside the axes: first year left-aligned, last right-aligned
        ha = "left" if year == years[0] and len(years) > 1 else (
            "right" if year == years[-1] and len(years) > 1 else "center")
        dx = {"left": -0.15, "right": 0.15, "center": 0.0}[ha]
        # a plain leader line (cheaper to draw than an arrow clipped to the box)
        ax.plot([year, year], [value + y_top * 0.02, text_y], color=INK, lw=1.2, zorder=2)
        ax.text(year + dx, text_y, wrap_label(text), ha=ha, va="bottom", fontsize=TEXT_PT,
                color=INK, zorder=4, multialignment="center",
                bbox=dict(boxstyle="round,pad=0.3", fc="white", ec=INK, lw=1))

    title_and_note(ax, churn_trend_title(series) if title is None else title, note)
    return fig


#: Fonts of the SVG charts: the browser's own CJK fonts (Windows, macOS, Linux with Noto).
SVG_FONTS = ("'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',"
             "'Hiragino Sans GB','WenQuanYi Micro Hei',sans-serif")
#: Pixels per point at the PNG charts' 100 dpi: the SVG uses the same text sizes.
_PX = 100 / 72
#: Event boxes show at most this many lines (a pasted essay must not cover the chart).
SVG_MAX_EVENT_LINES = 4


class SvgChart(str):
    """An SVG chart as a string: shown as HTML by Jupyter and by the widget engine.

    A ``str`` subclass, so :func:`course_utils.exercises.widgets.to_mimebundle` puts it
    into the widget's output as an HTML fragment (no PNG encoding); in a notebook cell it
    displays through ``_repr_html_``.
    """

    def _repr_html_(self) -> str:
        return str(self)


def _text_px(text: str, size_px: float) -> float:
    """Approximate rendered width of ``text`` (CJK full width, other characters ~0.6 em)."""
    return sum(size_px if unicodedata.east_asian_width(ch) in "WF" else 0.6 * size_px
               for ch in text)


def _svg_text(x: float, y: float, text: str, size_px: float, color: str, anchor: str = "start",
              extra: str = "") -> str:
    from html import escape

    return (f'<text x="{x:.1f}" y="{y:.1f}" style="font-size:{size_px:.1f}px" fill="{color}" '
            f'text-anchor="{anchor}"{extra}>{escape(text, quote=False)}</text>')


def _free_spot(bx: float, by: float, w: float, h: float, x_anchor: float, y_point: float,
               placed: list[tuple[float, float, float, float]], width: float, top: float,
               bottom: float) -> tuple[float, float, float]:
    """Top-left corner for an event box that covers no earlier box, and the area it covers.

    Tries where the figure puts it first, then: just above the point, above an earlier
    box, beside one (the box still spans its leader line), below the point under its
    value label -- always inside the plot area (the title and note stay clear). When
    nothing is free, the spot that covers the least of the earlier boxes.
    """
    def overlap(x: float, y: float) -> float:
        return sum(max(0.0, min(x + w, b[2]) + 4 - max(x, b[0])) *
                   max(0.0, min(y + h, b[3]) + 4 - max(y, b[1])) for b in placed)

    def allowed(x: float, y: float) -> bool:
        inside = 2 <= x <= width - w - 2 and top + 2 <= y and y + h <= bottom - 2
        return inside and x - 1 <= x_anchor <= x + w + 1

    below = y_point + 44                          # under the point's value label
    xs = [bx] + [b[2] + 6 for b in placed] + [b[0] - w - 6 for b in placed]
    ys_above = [by, y_point - h - 12] + [b[1] - h - 6 for b in placed]
    ys_below = [below] + sorted(b[3] + 6 for b in placed if b[3] + 6 > below)
    spots = [(x, y) for y in ys_above if y + h <= y_point - 4 for x in xs]
    spots += [(x, y) for y in ys_below for x in xs]
    spots = [xy for xy in spots if allowed(*xy)]
    for x, y in spots:
        if overlap(x, y) == 0:
            return x, y, 0.0
    if spots:
        x, y = min(spots, key=lambda xy: overlap(*xy))
        return x, y, overlap(x, y)
    y = min(max(by, top + 2), bottom - h - 2)
    return bx, y, overlap(bx, y)


def churn_trend_svg(
    rates: Mapping[int, float] | pd.Series,
    events: Iterable[Any] | None = None,
    *,
    title: str | None = None,
    note: str | None = CHURN_RATE_NOTE,
    size: tuple[int, int] = (750, 440),
    ymax: float | None = None,
) -> SvgChart:
    """The churn-trend chart of :func:`churn_trend_figure` as SVG, for widgets.

    Same content, layout, colours and text sizes as the matplotlib figure (at 100 dpi),
    drawn as an SVG string in well under a millisecond instead of ~100 ms of matplotlib
    drawing and PNG encoding; the browser draws the text with its own CJK font, sharp at
    any zoom. Parameters as :func:`churn_trend_figure`; ``size`` is in pixels. NaN rates
    are gaps; event texts are escaped and cut to :data:`SVG_MAX_EVENT_LINES` lines.

    >>> svg = churn_trend_svg({2021: .15, 2022: .18, 2023: .20}, [(2022, "费率<调整>")])
    >>> "三年从 15.0% 升至 20.0%" in svg, "费率&lt;调整&gt;" in svg, svg.count("<circle")
    (True, True, 3)
    """
    series = _rate_series(rates)
    years = list(series.index)
    values = series.to_numpy(dtype=float)
    finite = values[np.isfinite(values)]
    top_rate = float(finite.max()) if finite.size else 0.25
    y_top = float(ymax) if ymax is not None else max(top_rate * 1.55, 0.05)
    y_top = min(max(y_top, 0.05), 10.0) if np.isfinite(y_top) else 0.45   # at most ~50 ticks
    values = np.where(np.abs(values) <= 10.0, values, np.nan)  # a rate beyond 1000 % is a gap
    series = pd.Series(values, index=years, dtype=float)
    width, height = size
    title_px, text_px = 14 * _PX, TEXT_PT * _PX
    left, right = 0.11 * width, 0.97 * width
    top, bottom = (0.17 if note else 0.10) * height, 0.90 * height
    x0, x1 = (years[0] - 0.5, years[-1] + 0.5) if years else (0.0, 1.0)

    def px(year: float) -> float:
        return left + (year - x0) / (x1 - x0) * (right - left)

    def py(rate: float) -> float:
        return bottom - min(max(rate / y_top, -0.05), 1.05) * (bottom - top)

    title = churn_trend_title(series) if title is None else title
    parts = [f'<rect width="{width}" height="{height}" fill="white"/>']
    # grid and y ticks (same steps as the figure)
    step = 0.05 if y_top <= 0.36 else (0.1 if y_top <= 0.8 else 0.2)
    for tick in np.arange(0, y_top + 1e-9, step):
        y = py(float(tick))
        parts.append(f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{right:.1f}" y2="{y:.1f}" '
                     f'stroke="#e3e7eb" stroke-width="1.1"/>')
        parts.append(_svg_text(left - 8, y + text_px * 0.35, f"{tick * 100:.0f}%", text_px, INK,
                               "end"))
    parts.append(f'<line x1="{left:.1f}" y1="{top:.1f}" x2="{left:.1f}" y2="{bottom:.1f}" '
                 f'stroke="#cccccc" stroke-width="1.7"/>')
    parts.append(f'<line x1="{left:.1f}" y1="{bottom:.1f}" x2="{right:.1f}" y2="{bottom:.1f}" '
                 f'stroke="#cccccc" stroke-width="1.7"/>')
    for year in years:
        parts.append(_svg_text(px(year), bottom + text_px * 1.5, f"{year}年", text_px, INK,
                               "middle"))
    ymid = (top + bottom) / 2
    parts.append(_svg_text(0.03 * width, ymid, "年流失率", text_px, INK, "middle",
                           f' transform="rotate(-90 {0.03 * width:.1f} {ymid:.1f})"'))
    # the line, with gaps at NaN, and its points and value labels
    path, pen_down = [], False
    for year, value in zip(years, values):
        if np.isfinite(value):
            path.append(f"{'L' if pen_down else 'M'}{px(year):.1f},{py(value):.1f}")
            pen_down = True
        else:
            pen_down = False
    if path:
        parts.append(f'<path d="{" ".join(path)}" fill="none" stroke="{BAD}" '
                     f'stroke-width="{2.5 * _PX:.1f}" stroke-linejoin="round"/>')
    for year, value in zip(years, values):
        if np.isfinite(value):
            x, y = px(year), py(value)
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{4 * _PX:.1f}" fill="{BAD}"/>')
            parts.append(_svg_text(x, y + 18 * _PX + text_px * 0.85, percent(value), text_px,
                                   BAD, "middle"))
    # event boxes: alternate heights, first left-aligned, last right-aligned (as the figure)
    line_h = text_px * 1.25
    pad = 0.4 * text_px
    multi = len(years) > 1
    items = []
    shown = [e for e in normalize_events(events) if e[0] in years]
    for i, (year, text) in enumerate(shown):
        value = series.get(year)
        if value is None or not np.isfinite(value):
            continue
        lines = wrap_label(text).split("\n")
        if len(lines) > SVG_MAX_EVENT_LINES:
            lines = lines[:SVG_MAX_EVENT_LINES - 1] + [lines[SVG_MAX_EVENT_LINES - 1][:10] + "…"]
        lift = 0.22 if i % 2 == 0 else 0.12
        text_y = py(min(value + y_top * lift, y_top * 0.8))       # bottom of the box
        box_w = min(max(_text_px(ln, text_px) for ln in lines) + 2 * pad, right - left)
        box_h = len(lines) * line_h + 2 * pad
        ha = "left" if multi and year == years[0] else ("right" if multi and year == years[-1]
                                                        else "center")
        xa = px(year + {"left": -0.15, "right": 0.15, "center": 0.0}[ha])
        bx = min(max({"left": xa, "right": xa - box_w, "center": xa - box_w / 2}[ha], 2.0),
                 width - box_w - 2.0)
        items.append((year, float(value), lines, bx, text_y - box_h, box_w, box_h))
    # the figure's spots first; when boxes collide, again with every box packed close to
    # its point; keep the layout that covers the least
    best: tuple[float, list] | None = None
    for tight in (False, True):
        placed: list[tuple[float, float, float, float]] = []
        cost = 0.0
        for year, value, _lines, bx, by, w, h in items:
            first = py(value) - h - 12 if tight else by
            x, y, c = _free_spot(bx, first, w, h, px(year), py(value), placed, width, top, bottom)
            placed.append((x, y, x + w, y + h))
            cost += c
        if best is None or cost < best[0]:
            best = (cost, placed)
        if cost == 0:
            break
    leaders, boxes = [], []
    for (year, value, lines, _bx, _by, w, h), (bx, by, _x1, _y1) in zip(items, best[1] if best else []):
        above = by + h <= py(value)
        y_from = py(value + y_top * 0.02) if above else py(value) + 36
        leaders.append(f'<line x1="{px(year):.1f}" y1="{y_from:.1f}" x2="{px(year):.1f}" '
                       f'y2="{by + h if above else by:.1f}" stroke="{INK}" '
                       f'stroke-width="{1.2 * _PX:.1f}"/>')
        boxes.append(f'<rect x="{bx:.1f}" y="{by:.1f}" width="{w:.1f}" height="{h:.1f}" '
                     f'rx="{pad:.1f}" fill="white" stroke="{INK}" stroke-width="{_PX:.1f}"/>')
        for k, ln in enumerate(lines):
            boxes.append(_svg_text(bx + w / 2, by + pad + (k + 0.82) * line_h, ln, text_px,
                                   INK, "middle"))
    parts += leaders + boxes      # leader lines under every box
    # title (the message) and the population note
    title_y = top - (24 * _PX if note else 8 * _PX) - 0.25 * title_px
    parts.append(_svg_text(left, title_y, title, title_px, INK))
    if note:
        parts.append(_svg_text(left, top - 6 * _PX - 0.25 * text_px, note, text_px, NOTE))
    from html import escape

    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" '
            f'style="max-width:100%;height:auto;font-family:{SVG_FONTS}" '
            f'role="img" aria-label="{escape(title)}">'
            f'<title>{escape(title, quote=False)}</title>')
    return SvgChart(f'<div class="course-svg-chart">{head}{"".join(parts)}</svg></div>')


def _keyed(data, key: str, value_col: str, to_key, order: Sequence[str]) -> pd.DataFrame:
    """A KPI frame (or a mapping label -> value) indexed by vocabulary keys in ``order``."""
    if isinstance(data, pd.DataFrame):
        frame = data.copy()
        if key in frame.columns:
            frame = frame.set_index(key)
    else:
        frame = pd.DataFrame({value_col: pd.Series(dict(data), dtype=float)})
    frame.index = [to_key(i) or str(i) for i in frame.index]
    return frame.loc[[k for k in order if k in frame.index]]


def _population(data, population: str | None) -> str | None:
    if population is not None:
        return population
    return getattr(data, "attrs", {}).get("population")


def clv_tier_figure(
    tiers: pd.DataFrame | Mapping[str, float] | pd.Series,
    *,
    title: str | None = None,
    population: str | None = None,
    figsize: tuple[float, float] = (7.5, 4.6),
):
    """Bar chart of mean customer lifetime value (CLV) per value tier.

    Parameters
    ----------
    tiers:
        ``kpis.clv_tiers(customers, as_of=...)`` (columns tier, n, mean_clv in CNY; its
        ``attrs["population"]`` becomes the note), or a mapping tier -> mean CLV in CNY
        (keys "top"/"middle"/"bottom" or labels such as "Top 10%"). With ``n`` present
        each bar also shows the tier's share of the total CLV.
    population:
        The note under the title (who is counted); default: the frame's attrs.

    Example
    -------
    >>> fig = clv_tier_figure({"top": 5e5, "middle": 1e5, "bottom": 2e4})
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels()][0]
    '高价值客户\\nTop 10%'
    """
    frame = _keyed(tiers, "tier", "mean_clv", domain.tier_key, domain.TIERS)
    means = frame["mean_clv"].astype(float)
    fig = new_figure(figsize)
    ax = fig.add_subplot()
    x = np.arange(len(frame))
    colors = [GOOD if t == domain.HIGH_VALUE_TIER else NEUTRAL for t in frame.index]
    ax.bar(x, means.to_numpy(), color=colors, width=0.6)
    share = None
    if "n" in frame.columns:
        totals = means * frame["n"].astype(float)
        if totals.sum() > 0:
            share = totals / totals.sum()
    for i, (tier, mean) in enumerate(means.items()):
        text = f"人均 {money(mean, '万元')}"
        if share is not None:
            text += f"\n占总 CLV {percent(share[tier])}"
        ax.annotate(text, (i, mean), textcoords="offset points", xytext=(0, 4), ha="center",
                    va="bottom", fontsize=TEXT_PT, color=GOOD if tier == "top" else INK)
    ax.set_xticks(x)
    ax.set_xticklabels([f"{domain.TIER_LABELS_ZH[t]}客户\n{domain.TIER_LABELS_EN[t]}"
                        for t in frame.index])
    ax.set_ylim(0, float(means.max()) * 1.4 if len(means) else 1)
    wan_axis(ax.yaxis)
    ax.set_ylabel("平均客户生命周期价值 (CLV)", fontsize=TEXT_PT)
    style_axes(ax, "y")
    if title is None:
        if {"top", "bottom"} <= set(means.index) and means["bottom"] > 0:
            title = f"高价值客户的人均 CLV 是低价值客户的 {means['top'] / means['bottom']:.0f} 倍"
        else:
            title = "各价值层客户的平均 CLV"
    title_and_note(ax, title, _population(tiers, population))
    return fig


def loyalty_figure(
    bands: pd.DataFrame | Mapping[str, float] | pd.Series,
    *,
    title: str | None = None,
    population: str | None = None,
    figsize: tuple[float, float] = (7.5, 4.6),
):
    """Bar chart of the loyal-customer rate per satisfaction band (low to high).

    Parameters
    ----------
    bands:
        ``kpis.loyalty_by_satisfaction(customers, as_of=...)`` (columns band, n,
        loyal_rate as a fraction) or a mapping band -> rate (keys "high"/"mid"/"low"
        or labels "≥90" / "70–89" / "<70").
    population:
        The note under the title; default: the frame's attrs.

    Example
    -------
    >>> fig = loyalty_figure({"≥90": .85, "70–89": .60, "<70": .30})
    >>> len(fig.axes[0].patches)
    3
    """
    order = tuple(reversed(domain.BANDS))  # low -> high, so the bars rise
    frame = _keyed(bands, "band", "loyal_rate", domain.band_key, order)
    rates = frame["loyal_rate"].astype(float)
    fig = new_figure(figsize)
    ax = fig.add_subplot()
    x = np.arange(len(frame))
    colors = [{"high": GOOD, "low": BAD}.get(b, NEUTRAL) for b in frame.index]
    ax.bar(x, rates.to_numpy(), color=colors, width=0.6)
    for i, (band, rate) in enumerate(rates.items()):
        text = percent(rate)
        if "n" in frame.columns:
            text += f"\n({int(frame.loc[band, 'n']):,} 人)"
        ax.annotate(text, (i, rate), textcoords="offset points", xytext=(0, 4),
                    ha="center", va="bottom", fontsize=TEXT_PT, color=INK)
    ax.set_xticks(x)
    ax.set_xticklabels([domain.BAND_LABELS_ZH[b] for b in frame.index])
    ax.set_ylim(0, 1.15)
    percent_axis(ax.yaxis)
    ax.set_ylabel("忠诚客户占比 (loyalty rate)", fontsize=TEXT_PT)
    style_axes(ax, "y")
    if title is None:
        title = "满意度 (satisfaction) 越高，忠诚客户占比越高"
        if {"high", "low"} <= set(rates.index):
            title = (f"满意度 ≥ 90 的客户中 {percent(rates['high'])} 是忠诚客户，"
                     f"< 70 的只有 {percent(rates['low'])}")
    title_and_note(ax, title, _population(bands, population))
    return fig


def root_cause_figure(
    reasons: pd.Series | Mapping[str, float],
    groups: Mapping[str, str],
    *,
    title: str | None = None,
    population: str | None = None,
    other: str = "其他",
    figsize: tuple[float, float] = (8.0, 4.6),
):
    """Churn reasons (share of churners, largest on top) coloured by their root cause.

    Parameters
    ----------
    reasons:
        Reason -> number of churners.
    groups:
        Reason -> root cause (e.g. "服务同质化", "成本效率低", "其他"). The legend shows
        each root cause with its total share, the title the two largest.
    population:
        Who is counted (e.g. every customer who left between two dates).

    Example
    -------
    >>> fig = root_cause_figure({"收益率低": 41, "手续费高": 36, "其他": 23},
    ...                         {"收益率低": "服务同质化", "手续费高": "成本效率低", "其他": "其他"})
    >>> fig.axes[0].get_title(loc="left")
    '流失原因：服务同质化占 41.0%，成本效率低占 36.0%'
    """
    counts = pd.Series(dict(reasons) if not isinstance(reasons, pd.Series) else reasons,
                       dtype=float).sort_values(kind="stable")
    shares = counts / counts.sum() if counts.sum() > 0 else counts
    group_of = {r: groups.get(r, other) for r in shares.index}
    by_group = shares.groupby(pd.Series(group_of)).sum().sort_values(ascending=False, kind="stable")
    named = [g for g in by_group.index if g != other]
    colour = {g: CATEGORICAL[i % 2] for i, g in enumerate(named)}
    colour[other] = NEUTRAL
    fig = new_figure(figsize)
    ax = fig.add_subplot()
    y = np.arange(len(shares))
    ax.barh(y, shares.to_numpy(), color=[colour[group_of[r]] for r in shares.index])
    for i, share in enumerate(shares.to_numpy()):
        ax.annotate(percent(share), (share, i), textcoords="offset points", xytext=(4, 0),
                    va="center", fontsize=TEXT_PT, color=INK)
    ax.set_yticks(y)
    ax.set_yticklabels([str(r) for r in shares.index])
    percent_axis(ax.xaxis)
    ax.set_xlim(0, float(shares.max()) * 1.25 if len(shares) else 1)
    ax.set_xlabel("占流失客户的比例", fontsize=TEXT_PT)
    style_axes(ax, "x")
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(color=colour[g], label=f"{g}（合计 {percent(by_group[g])}）")
                       for g in by_group.index],
              loc="lower right", fontsize=TEXT_PT, frameon=False, title="根本原因",
              title_fontsize=TEXT_PT)
    if title is None:
        title = "流失原因：" + "，".join(f"{g}占 {percent(by_group[g])}" for g in named[:2])
    title_and_note(ax, title, population)
    return fig


def churn_reason_figure(
    reasons: pd.Series | Mapping[str, float],
    *,
    title: str = "流失客户自述的流失原因 (churn reason)",
    population: str | None = None,
    figsize: tuple[float, float] = (7.5, 4.2),
    highlight: Iterable[str] = (),
):
    """Horizontal bar chart of churn-reason shares (largest on top), some reasons highlighted.

    Prefer :func:`root_cause_figure`, which also shows what the highlight means.

    >>> fig = churn_reason_figure({"收益率低": 30, "服务体验差": 20}, highlight=["收益率低"])
    >>> len(fig.axes[0].patches)
    2
    """
    hl = set(highlight)
    counts = dict(reasons) if not isinstance(reasons, pd.Series) else reasons.to_dict()
    return root_cause_figure(counts, {r: ("重点原因" if r in hl else "其他") for r in counts},
                             title=title, population=population, figsize=figsize)
