"""Course charts (compatibility module): every figure now lives in :mod:`course_utils.viz`.

Old imports keep working (``charts.churn_trend_figure``, ``charts.format_wan``, ...);
new code imports from :mod:`course_utils.viz`. Tier and band names come from
:mod:`course_utils.domain` (English keys, Chinese display).

>>> churn_trend_figure({2021: .15, 2023: .2}).axes[0].get_title(loc="left")
'客户流失率 (churn rate) 2021–2023 年从 15.0% 升至 20.0%'
"""
from __future__ import annotations

from course_utils.viz import (  # noqa: F401  (re-exported)
    BAD,
    GOOD,
    INK,
    NEUTRAL,
    CourseFigure,
    before_after_figure,
    churn_reason_figure,
    churn_trend_figure,
    clv_tier_figure,
    format_wan,
    loyalty_figure,
    money,
    normalize_events,
    percent,
    profile_heatmap_figure,
    root_cause_figure,
    segment_sizes_figure,
    segment_transition_figure,
    wrap_label,
)
