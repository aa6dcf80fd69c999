"""Every course chart, with one theme (:mod:`.theme`) and one number format (:mod:`.fmt`).

- :mod:`course_utils.viz.theme`: colours with one meaning each, :class:`CourseFigure`,
  the title + population-note layout every chart uses;
- :mod:`course_utils.viz.fmt`: money (元 / 万元), percentages, label wrapping;
- :mod:`course_utils.viz.lecture1`, :mod:`course_utils.viz.lecture2`: the figures of each lecture.

Rules every figure follows: the title states the message, a note under it names the
population (who is counted); text is at least 11 pt; good/bad never rests on a red/green
pair (blue = good / the focus, orange = risk / bad, grey = context, plus labels).
Figures use the object API (no pyplot state), so widgets can redraw them freely and
notebooks never draw charts inline.
"""
from __future__ import annotations

from .fmt import format_wan, money, percent, wrap_label
from .lecture1 import (
    churn_reason_figure,
    churn_trend_figure,
    clv_tier_figure,
    loyalty_figure,
    normalize_events,
    root_cause_figure,
)
from .lecture2 import (
    before_after_figure,
    campaign_figure,
    draw_profile_heatmap,
    profile_heatmap_figure,
    segment_sizes_figure,
    segment_transition_figure,
)
from .theme import BAD, GOOD, INK, NEUTRAL, CourseFigure
from . import lecture3  # noqa: E402,F401  Lecture 3 figures: viz.lecture3.<name>_figure
from . import lecture5  # noqa: E402,F401  Lecture 5 figures: viz.lecture5.<name>_figure

__all__ = [
    "BAD", "GOOD", "INK", "NEUTRAL", "CourseFigure",
    "format_wan", "money", "percent", "wrap_label",
    "churn_trend_figure", "clv_tier_figure", "loyalty_figure", "churn_reason_figure",
    "root_cause_figure", "normalize_events",
    "before_after_figure", "campaign_figure", "profile_heatmap_figure", "draw_profile_heatmap",
    "segment_transition_figure", "segment_sizes_figure",
]
