"""The course theme: colours with one meaning each, figure sizes, title + population note.

Colours (Okabe-Ito, safe for the common colour-vision deficiencies; good and bad are
blue and orange, never red and green, and every chart also says it in text):

==========  =========  ===============================================
name        colour     meaning
==========  =========  ===============================================
``GOOD``    blue       good, valuable, the thing the chart is about
``BAD``     vermilion  risk, loss, churn
``NEUTRAL`` grey       context (the other bars)
``INK``     dark blue  text, labels, leader lines
==========  =========  ===============================================

``CATEGORICAL`` is the palette for groups without a good/bad meaning; ``DIVERGING`` is
the blue (above) / orange (below) colour map around a reference such as the average.
"""
from __future__ import annotations

import io

from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

GOOD: str = "#0072B2"
BAD: str = "#D55E00"
NEUTRAL: str = "#A7B1BC"
INK: str = "#1d3557"
#: Grey of notes and secondary text.
NOTE: str = "#51606f"
#: Groups without a good/bad meaning (Okabe-Ito order).
CATEGORICAL: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
                                "#F0E442", "#000000")
#: Below (orange) - reference (white) - above (blue).
DIVERGING = LinearSegmentedColormap.from_list("course_diverging", ["#D55E00", "#F7F7F7", "#0072B2"])
#: Sequential single hue for shares and counts (no good/bad meaning).
SEQUENTIAL: str = "Blues"

#: Font sizes in points (readable on a projector: nothing below 11).
TITLE_PT: float = 14
TEXT_PT: float = 11
#: Default size of a single chart, inches.
FIGSIZE: tuple[float, float] = (8.0, 4.6)


class CourseFigure(Figure):
    """A matplotlib Figure that displays itself as PNG in Jupyter.

    Figures made with the object API are not known to pyplot, so Jupyter's
    inline backend would only print ``<Figure ...>`` unless pyplot happened to
    be imported; ``_repr_png_`` makes the display independent of that.
    """

    #: True when the chart sets its own margins (no layout engine): then a
    #: ``bbox_inches="tight"`` request is skipped, which saves a whole extra
    #: draw per PNG (the widget redraw budget is 150 ms).
    fixed_margins: bool = False

    def savefig(self, *args, **kwargs):  # noqa: D102 - see fixed_margins
        if self.fixed_margins:
            if kwargs.get("bbox_inches") in ("tight", None):  # None -> rcParams may say tight
                kwargs["bbox_inches"] = self.bbox_inches       # the whole figure, no extra draw
            if kwargs.get("format") == "png" and "pil_kwargs" not in kwargs:
                kwargs["pil_kwargs"] = {"compress_level": 1}  # ~10% faster, ~10% larger
        return super().savefig(*args, **kwargs)

    def _repr_png_(self) -> bytes:
        buf = io.BytesIO()
        self.savefig(buf, format="png", dpi=100, bbox_inches="tight")
        return buf.getvalue()


def new_figure(figsize=FIGSIZE, *, fixed_margins: bool = False, **kwargs) -> CourseFigure:
    """A :class:`CourseFigure` (constrained layout unless ``fixed_margins``)."""
    if fixed_margins:
        fig = CourseFigure(figsize=figsize, **kwargs)
        fig.fixed_margins = True
    else:
        fig = CourseFigure(figsize=figsize, layout="constrained", **kwargs)
    return fig


def title_and_note(ax, title: str, note: str | None) -> None:
    """The message as the title (left, 14 pt) and the population note under it (11 pt, grey).

    Both stay inside the layout (constrained layout counts them).
    """
    ax.set_title(title, loc="left", fontsize=TITLE_PT, color=INK, pad=24 if note else 8)
    if note:
        ax.annotate(note, xy=(0, 1), xycoords="axes fraction", xytext=(0, 6),
                    textcoords="offset points", ha="left", va="bottom", fontsize=TEXT_PT,
                    color=NOTE, annotation_clip=False)


def style_axes(ax, grid_axis: str = "y") -> None:
    """Ticks at 11 pt, no top/right spines, a light grid on ``grid_axis`` only."""
    ax.tick_params(labelsize=TEXT_PT)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(False)
    if grid_axis:
        ax.grid(axis=grid_axis, color="#e3e7eb", linewidth=0.8)
        ax.set_axisbelow(True)
