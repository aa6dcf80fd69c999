"""course_utils.exercises.feedback: result boxes, icons any Chinese font has."""
from __future__ import annotations

from pathlib import Path

import pytest

from course_utils.exercises.feedback import (
    CORRECT, ERROR_MARKER, INCORRECT, NOT_ATTEMPTED, STYLE, CheckResult, Feedback, error_box_html)

FONT = Path(__file__).resolve().parents[2] / "course_utils" / "fonts" / "CourseSansSC-Regular.otf"


def test_icons_are_in_gb2312_and_in_the_bundled_font():
    from fontTools.ttLib import TTFont

    cmap = TTFont(str(FONT)).getBestCmap()
    for kind, (icon, label, *_) in STYLE.items():
        for ch in icon + label:
            ch.encode("gb2312")  # raises if a CJK font may lack it
            assert ord(ch) in cmap, (kind, ch)
        assert not any(0x2600 <= ord(c) <= 0x27BF or ord(c) >= 0x1F000 or c == "\ufe0f"
                       for c in icon), f"{kind}: emoji-like icon {icon!r}"


def test_outcomes_differ_by_icon_and_label_not_only_colour():
    icons = {STYLE[s][0] for s in (CORRECT, INCORRECT, NOT_ATTEMPTED)}
    labels = {STYLE[s][1] for s in (CORRECT, INCORRECT, NOT_ATTEMPTED)}
    assert len(icons) == len(labels) == 3


def test_check_result_text_html_and_bool():
    r = CheckResult(INCORRECT, "数值偏大。", exercise="L0.x", title="示例")
    assert str(r) == repr(r) == "× 还不对：数值偏大。" and not r
    html_ = r._repr_html_()
    assert 'class="course-feedback course-incorrect"' in html_ and "示例" in html_
    assert CheckResult(CORRECT, "好")
    assert "<script>" not in CheckResult(INCORRECT, "<script>x</script>")._repr_html_()
    with pytest.raises(ValueError):
        CheckResult("maybe", "x")


def test_feedback_boxes_hint_solution_error():
    h = Feedback("hint", "先排序。", label="提示 1/3", title="题")
    assert str(h) == "？ 提示 1/3：先排序。" and "course-hint" in h._repr_html_()
    s = Feedback("solution", "x = a < b", code=True)
    assert str(s).startswith("◎ 参考答案：\n") and "<pre" in s._repr_html_()
    assert "a &lt; b" in s._repr_html_()
    box = error_box_html("图表没能更新", title="练习")
    assert ERROR_MARKER in box and "course-error" in box
