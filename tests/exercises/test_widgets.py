"""course_utils.exercises.widgets: controls + redraw + check button, never a trainee traceback."""
from __future__ import annotations

import json

import ipywidgets as W
import pandas as pd
import pytest

from course_utils.exercises import Exercise, WidgetExercise, ____
from course_utils.exercises.feedback import ERROR_MARKER
from course_utils.exercises.widgets import registered, time_render, to_mimebundle


def render_bars(values):
    """Tiny pure render function: bar chart of two values (raises on a < 0)."""
    import matplotlib.pyplot as plt

    if values["a"] < 0:
        raise ValueError("a must be >= 0")
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.bar(["a", "b"], [values["a"], values["b"]])
    return fig


class SumIsFive(Exercise):
    id = "test.widget_sum"
    title = "两数之和"
    untouched_message = "先拖动滑块。"

    def is_untouched(self, answer):
        return super().is_untouched(answer) or answer == {"a": 1, "b": 1}

    def diagnose(self, answer):
        return None if answer["a"] + answer["b"] == 5 else "两数之和应该是题目要求的值。"


def make_app(**kw):
    return WidgetExercise({"a": W.IntSlider(value=1, min=-3, max=10, description="a"),
                           "b": W.IntSlider(value=1, min=0, max=10, description="b")},
                          render_bars, title="示例", exercise=SumIsFive(), name="test.widget", **kw)


def png_of(app):
    return [o["data"].get("image/png") for o in app.output.outputs]


def test_redraws_on_change_and_reads_values():
    app = make_app()
    first = png_of(app)
    assert first[0] and app.values == {"a": 1, "b": 1} == app.answer()
    app.controls["b"].value = 7  # like a trainee moving the slider
    assert png_of(app) != first and app.values == {"a": 1, "b": 7}
    assert app.last_render_ms is not None and app.last_render_ms > 0
    assert registered()["test.widget"] is app
    assert app.controls["a"].continuous_update is False


def test_a_trainee_change_that_breaks_render_shows_a_box_and_never_raises():
    app = make_app()
    good = png_of(app)
    app.controls["a"].value = -2  # the front-end's change: must not raise
    outs = app.output.outputs
    assert ERROR_MARKER in outs[0]["data"]["text/html"]
    assert "图表没能更新" in outs[0]["data"]["text/html"]
    assert [o["data"].get("image/png") for o in outs[1:]] == good  # last good drawing kept
    assert "ValueError" in app.last_error and len(app.errors) == 1
    assert app.last_good_values == {"a": 1, "b": 1}
    app.controls["a"].value = 2  # recovers
    assert app.last_error is None and ERROR_MARKER not in json.dumps(app.output.outputs)


def test_changes_from_code_and_the_first_render_still_raise():
    app = make_app()
    with pytest.raises(ValueError):
        app.set_values(a=-1)
    with pytest.raises(ValueError):
        WidgetExercise({"a": W.IntSlider(value=-1, min=-3)}, render_bars, name="test.broken")
    with pytest.raises(KeyError):
        app.set_values(z=1)


def test_check_button_and_check_of_the_app():
    app = make_app()
    q = app.exercise
    assert q.check(app).status == "not_attempted"
    app.set_values(a=2, b=3)
    assert q.check(app).correct
    assert app.check().correct and "√" in app.feedback.value
    app.set_values(a=4)
    assert app.feedback.value == ""  # stale feedback cleared when the values change
    app.check_button.click()
    assert "×" in app.feedback.value and "两数之和" in app.feedback.value


def test_a_broken_answer_function_gives_feedback_not_a_traceback():
    app = make_app(answer=lambda values: values["missing"])
    r = app.check()
    assert r.status == "incorrect" and "不是你的错" in r.message
    assert "不是你的错" in app.feedback.value


def test_answer_function_and_placeholder():
    app = make_app(answer=lambda values: {"a": values["a"], "b": ____})
    assert app.check().status == "not_attempted"


def test_set_values_redraws_once():
    calls = []

    def render(v):
        calls.append(dict(v))
        return f"<b>{v['x']}-{v['y']}</b>"

    app = WidgetExercise({"x": W.IntSlider(value=1), "y": W.IntSlider(value=2)}, render,
                         name="test.once")
    app.set_values(x=3, y=4)
    assert calls == [{"x": 1, "y": 2}, {"x": 3, "y": 4}]
    assert app.output.outputs[0]["data"]["text/html"] == "<b>3-4</b>"
    assert app.check() is None  # no exercise attached


def test_to_mimebundle_kinds_and_preview():
    df = pd.DataFrame({"a": [1]})
    assert "<table" in to_mimebundle(df)[0]["data"]["text/html"]
    assert "<table" in to_mimebundle(df["a"])[0]["data"]["text/html"]
    assert len(to_mimebundle([df, "<i>x</i>", None])) == 2 and to_mimebundle(None) == []
    assert len(time_render(lambda v: df, {}, repeat=3)) == 3
    bundle = make_app()._repr_mimebundle_()
    assert "image/png" in bundle and "交互控件" in bundle["text/plain"]
