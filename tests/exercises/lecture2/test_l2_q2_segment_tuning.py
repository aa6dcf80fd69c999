"""Lecture 2, question 2 (widget): quintile segments with weights 1:1:2."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from course_utils.exercises import assert_check_cases
from course_utils.exercises.lecture2 import q2_segment_tuning as Q2
from course_utils.segments import SEGMENTS


def _right(q2):
    return {"bins": 5, "w_r": 1.0, "w_f": 1.0, "w_m": 2.0, "count": Q2.top_count(q2.table)}


def test_checks(qs):
    q2 = qs[1]
    right = _right(q2)
    whole = Q2.segment_total(q2.table)
    assert whole != right["count"]
    assert_check_cases(
        q2,
        correct=[right, {**right, "w_r": 0.5, "w_f": 0.5, "w_m": 1.0}, {**right, "bins": 5.0}],
        wrong=[({**right, "bins": 4}, "五分位"), ({**right, "w_m": 1.0}, "权重比例"),
               ({**right, "count": whole}, "整个"), ({**right, "count": right["count"] + 7}, "对不上"),
               ({**right, "bins": 5.7}, "bins（评分档数）应该是一个整数"),
               ({**right, "count": right["count"] + 0.4}, "人数 count 应该是"),
               ({**right, "w_r": "1"}, "权重"),
               ({"bins": 5}, "五项")],
        half_done=[dict(Q2.DEFAULTS)],
    )


@pytest.mark.parametrize("junk", [pd.Series([1, 2]), np.array([1.0, 2.0]), pd.NA, "5", 5.7, None, True],
                         ids=["Series", "array", "pd.NA", "text", "5.7", "None", "True"])
@pytest.mark.parametrize("key", ["bins", "w_r", "count"])
def test_junk_values_get_feedback_from_the_check(qs, key, junk):
    """Issue 8 §5: a Series / array / pd.NA as a value raised before the guard; now the check
    itself answers (no 'check failed' detail), for a real answer and for the default state."""
    q2 = qs[1]
    for base in (_right(q2), dict(Q2.DEFAULTS)):
        r = q2.check({**base, key: junk})
        assert r.status == "incorrect", (key, junk, r)
        assert not r.detail, r.detail


def test_widget_redraws_and_checks(qs):
    app = Q2.segmentation_app(qs[1])
    assert qs[1].check(app).status == "not_attempted"
    first = app.output.outputs
    app.set_values(bins=5, w_m=2.0)
    assert app.output.outputs != first and app.last_error is None
    app.set_values(count=Q2.top_count(qs[1].table))
    assert app.check().status == "correct" and qs[1].check(app).status == "correct"
    app.set_values(w_r=0.0, w_f=0.0, w_m=0.0)               # all-zero weights: message, no crash
    assert "不能都为 0" in app.output.outputs[0]["data"]["text/html"]


def test_render_is_pure(qs):
    table = qs[1].table
    bars, styled = Q2.render_segment_tuning({"bins": 3, "w_r": 1, "w_f": 1, "w_m": 1}, table)
    assert isinstance(bars, str) and all(seg in bars for seg in SEGMENTS)
    assert Q2.TOP_LABEL in styled.to_html()
    bars5, _ = Q2.render_segment_tuning({"bins": 5, "w_r": 1, "w_f": 1, "w_m": 2}, table)
    assert bars5 != bars and "1:1:2" in bars5
    fig, _ = Q2.render_segment_tuning({"bins": 5, "w_r": 1, "w_f": 1, "w_m": 2}, table, draw=True)
    assert fig.axes
    plt.close(fig)


def test_html_bars_widths():
    from course_utils.segments import html_bars
    out = html_bars(["a", "b"], {"x": [50, 100]}, {"x": "#000"}, width_px=200)
    assert "width:100.0px" in out and "width:200.0px" in out
    over = html_bars(["a"], {"x": [100], "y": [25]}, {"x": "#000", "y": "#f00"}, overlay=True, width_px=200)
    assert "width:50.0px" in over
