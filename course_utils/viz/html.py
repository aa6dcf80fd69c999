"""Charts as plain HTML/CSS, for widgets that must redraw in a few milliseconds."""
from __future__ import annotations

from .theme import BAD, GOOD, INK, NEUTRAL

__all__ = ["html_bars"]


def html_bars(labels, series: dict, colors: dict | None = None, title: str = "", unit: str = "",
              overlay: bool = False, width_px: int = 360) -> str:
    """A horizontal bar chart as plain HTML/CSS (no matplotlib: redraws in a few ms).

    ``series`` maps a legend name to a list of non-negative numbers (one per label).
    ``overlay=True`` draws the second series on top of the first (a part of a whole,
    e.g. "RFM top 20%" inside a segment); otherwise bars are stacked vertically.
    Used by the widget exercises, where a redraw must stay under 150 ms. ``colors`` maps
    a series name to a colour; by default the first series is grey (the whole) and the
    second blue (the part that matters), as in the course charts. Text is 12 px.

    >>> "重要价值客户" in html_bars(["重要价值客户"], {"人数": [10]}, {"人数": "#4C72B0"})
    True
    """
    import html as _html

    names = list(series)
    defaults = (NEUTRAL, GOOD, BAD, INK)
    colors = {n: (colors or {}).get(n, defaults[i % len(defaults)]) for i, n in enumerate(names)}
    vmax = max([float(v) for vals in series.values() for v in vals] + [1e-9])
    legend = " ".join(
        f"<span style='display:inline-block;width:10px;height:10px;background:{colors[n]};"
        f"margin:0 3px 0 10px'></span>{_html.escape(n)}" for n in names)
    rows = []
    for i, lab in enumerate(labels):
        if overlay:
            base, part = float(series[names[0]][i]), float(series[names[1]][i]) if len(names) > 1 else 0.0
            bar = (f"<div style='position:relative;height:14px;width:{width_px}px'>"
                   f"<div style='position:absolute;height:14px;width:{base / vmax * width_px:.1f}px;"
                   f"background:{colors[names[0]]}'></div>"
                   f"<div style='position:absolute;height:14px;width:{part / vmax * width_px:.1f}px;"
                   f"background:{colors[names[1]]}'></div></div>") if len(names) > 1 else ""
            text = " / ".join(f"{float(series[n][i]):,.0f}" for n in names)
        else:
            bar = "".join(
                f"<div style='height:9px;margin:1px 0;width:{max(float(series[n][i]), 0) / vmax * width_px:.1f}px;"
                f"background:{colors[n]}'></div>" for n in names)
            text = " / ".join(f"{float(series[n][i]):,.0f}" for n in names)
        rows.append(f"<tr><td style='text-align:right;padding-right:6px;white-space:nowrap'>"
                    f"{_html.escape(str(lab))}</td><td style='padding:2px 0'>{bar}</td>"
                    f"<td style='padding-left:6px;white-space:nowrap'>{text}{_html.escape(unit)}</td></tr>")
    head = f"<div style='font-weight:bold;margin:4px 0'>{_html.escape(title)}</div>" if title else ""
    return (f"<div class='course-html-bars'>{head}<div style='font-size:12px'>{legend}</div>"
            f"<table style='border-collapse:collapse;font-size:12px'>{''.join(rows)}</table></div>")
