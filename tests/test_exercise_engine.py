"""Tests of the exercise engine (course_utils.exercises.core) and widget helper."""
from __future__ import annotations

import json
import math

import ipywidgets as W
import numpy as np
import pandas as pd
import pytest

from course_utils.exercises import core
from course_utils.exercises.core import (
    CORRECT, INCORRECT, NOT_ATTEMPTED, ERROR_MARKER, CheckResult, Exercise, ____,
    assert_check_cases, close_to, contains_placeholder, has_columns, is_number, is_type,
    length, monotonic, no_missing, not_empty, progress_summary, same_index, values_close)
from course_utils.exercises.widgets import WidgetExercise, registered, time_render, to_mimebundle


@pytest.fixture(autouse=True)
def progress_file(tmp_path, monkeypatch):
    path = tmp_path / "progress.jsonl"
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(path))
    monkeypatch.setenv("COURSE_USER", "trainee01")
    return path


# --- a tiny fixture exercise: mean CLV by tier from a hand-made frame -----
CUSTOMERS = pd.DataFrame({"tier": ["高", "高", "中", "中", "低"],
                          "clv": [500.0, 520.0, 100.0, 110.0, 20.0]})


class TierMeans(Exercise):
    id = "test.tier_means"
    title = "各层级平均 CLV"
    hints = ["按 tier 分组。", "对 clv 求平均。", "customers.groupby('tier')['clv'].mean()"]
    solution_code = "means = customers.groupby('tier')['clv'].mean()"
    checks = [is_type(pd.Series, dict), not_empty(), same_index(), no_missing(),
              values_close(rtol=0.01)]

    def expected(self):
        return self.ctx["customers"].groupby("tier")["clv"].mean()


@pytest.fixture
def tier_q():
    return TierMeans(customers=CUSTOMERS)


def right_means():
    return CUSTOMERS.groupby("tier")["clv"].mean()


# --- placeholder -----------------------------------------------------------
def test_placeholder_is_singleton_and_absorbs_expressions():
    assert (____ / 100) is ____
    assert ____.mean() is ____
    assert ____["x"] is ____
    assert repr(____) == "____"
    import copy
    import pickle
    assert copy.deepcopy(____) is ____
    assert pickle.loads(pickle.dumps(____)) is ____


def test_contains_placeholder_finds_nested_and_pandas():
    assert contains_placeholder(____)
    assert contains_placeholder({"a": [1, {"b": ____}]})
    assert contains_placeholder(pd.Series([1, ____], dtype=object))
    assert contains_placeholder(pd.DataFrame({"x": [1, ____]}))
    assert not contains_placeholder({"a": [1, 2]})
    assert not contains_placeholder(pd.Series([1.0, 2.0]))
    assert not contains_placeholder("____")  # a string is an answer, not the sentinel


# --- the three outcomes ---------------------------------------------------------
def test_three_outcomes(tier_q):
    assert tier_q.check(right_means()).status == CORRECT
    assert tier_q.check(right_means().to_dict()).status == CORRECT
    assert tier_q.check().status == NOT_ATTEMPTED
    assert tier_q.check(____).status == NOT_ATTEMPTED
    r = tier_q.check({"高": 510.0, "中": ____, "低": 20.0})
    assert r.status == NOT_ATTEMPTED and "还有 ____" in r.message
    wrong = right_means() * 1.5
    r = tier_q.check(wrong)
    assert r.status == INCORRECT and "偏大" in r.message


def test_incorrect_message_does_not_leak_the_answer(tier_q):
    r = tier_q.check(right_means() + 1000)
    for v in right_means():
        assert f"{v:g}" not in r.message


def test_assert_check_cases_on_fixture(tier_q):
    assert_check_cases(
        tier_q,
        correct=[right_means(), right_means().to_dict()],
        wrong=[(right_means().drop("低"), "缺少：低"),
               (right_means() * 0.5, "偏小"),
               ([1, 2, 3], "序列 (Series) 或 字典 (dict)"),
               (pd.Series({"高": 510.0, "中": float("nan"), "低": 20.0}), "缺失值")],
        half_done=[{"高": ____, "中": 105.0, "低": 20.0}])


def test_assert_check_cases_catches_a_check_that_cannot_fail():
    class Lenient(Exercise):
        id = "test.lenient"
        checks = []  # accepts anything: must be caught by the helper

    with pytest.raises(AssertionError):
        assert_check_cases(Lenient(), correct=[1], wrong={2: "x", 3: "y"})


def test_assert_check_cases_requires_distinct_messages():
    class Coarse(Exercise):
        id = "test.coarse"
        checks = [lambda a, e: (a == 42, "不对。")]

    with pytest.raises(AssertionError, match="share a message"):
        assert_check_cases(Coarse(), correct=[42], wrong={1: "不对", 2: "不对"}, junk=False)


@pytest.mark.parametrize("junk", [None, float("nan"), "abc", pd.DataFrame(), [], 3.5,
                                  np.array([np.nan]), object(), {"高": "很多"}])
def test_junk_answers_never_raise(tier_q, junk):
    r = tier_q.check(junk)
    assert r.status == INCORRECT
    assert r.message and "Traceback" not in r.message


def test_checker_exception_becomes_friendly_message(progress_file):
    def explode(answer, expected):
        return answer["missing"] > 1  # KeyError on a dict without the key

    q = Exercise(id="test.explode", title="会出错的检查", checks=[explode])
    r = q.check({"a": 1})
    assert r.status == INCORRECT
    assert "无法检查这个答案" in r.message and "KeyError" in r.message
    assert "Traceback" in r.detail
    rows = [json.loads(l) for l in progress_file.read_text(encoding="utf-8").splitlines()]
    assert rows[-1]["error"].startswith("KeyError")


def test_numpy_bool_results_and_badly_defined_checks():
    q = Exercise(id="test.npbool", checks=[lambda a, e: np.bool_(a > 1)])
    assert q.check(2).correct and not q.check(0).correct
    bad = Exercise(id="test.badcheck", checks=[lambda a, e: "ok"])
    r = bad.check(1)
    assert r.status == INCORRECT and "不是你的问题" in r.message and "CheckDefinitionError" in r.detail


def test_expected_failure_is_reported_as_not_your_fault():
    q = Exercise(id="test.badexpected", expected=lambda: 1 / 0, checks=[close_to()])
    r = q.check(1.0)
    assert r.status == INCORRECT and "不是你的问题" in r.message


def test_check_passes_extra_arguments_to_expected():
    q = Exercise(id="test.args", expected=lambda df: df["clv"].sum(), checks=[close_to()])
    assert q.check(CUSTOMERS["clv"].sum(), CUSTOMERS).correct
    assert not q.check(1.0, CUSTOMERS).correct


# --- rendering -----------------------------------------------------------------------
def test_rendering_html_and_text(tier_q):
    r = tier_q.check(right_means() * 2)
    html_ = r._repr_html_()
    assert "❌" in html_ and "#c62828" in html_ and "各层级平均 CLV" in html_
    assert str(r).startswith("❌ 还不对：") and repr(r) == str(r)
    assert "✅" in tier_q.check(right_means())._repr_html_()
    assert "尚未作答" in str(tier_q.check(____))
    escaped = CheckResult(INCORRECT, "<script>x</script>")._repr_html_()
    assert "<script>" not in escaped


def test_hints_reveal_in_turn_and_by_level(tier_q, progress_file):
    h1, h2, h3, h4 = (tier_q.hint() for _ in range(4))
    assert "提示 1/3" in str(h1) and "按 tier 分组" in str(h1)
    assert "提示 2/3" in str(h2)
    assert "提示 3/3" in str(h3) and "最后一条" in str(h3)
    assert "提示 3/3" in str(h4)  # stays on the last one
    assert "提示 2/3" in str(tier_q.hint(2))
    assert "1 到 3" in str(tier_q.hint(9))
    assert "整数" in str(tier_q.hint("two"))
    assert "💡" in h1._repr_html_()
    events = [json.loads(l)["event"] for l in progress_file.read_text(encoding="utf-8").splitlines()]
    assert events.count("hint") == 5


def test_solution_shows_code(tier_q):
    s = tier_q.solution()
    assert "groupby('tier')" in str(s)
    assert "<pre" in s._repr_html_() and "groupby(&#x27;tier&#x27;)" in s._repr_html_()
    assert "没有参考答案" in str(Exercise(id="test.nosolution").solution())


# --- reusable checks --------------------------------------------------------------------
def test_is_number():
    chk = is_number()
    assert chk(0.2, None) == (True, "")
    assert "文字" in chk("0.2", None)[1]
    assert "NaN" in chk(float("nan"), None)[1]
    assert "无穷大" in chk(math.inf, None)[1]
    assert not chk(True, None)[0]
    assert chk(np.float64(0.3), None)[0]


def test_close_to_says_direction_and_scale():
    chk = close_to(0.18, rtol=0.02)
    assert chk(0.181, None)[0]
    assert "偏大" in chk(0.25, None)[1]
    assert "偏小" in chk(0.10, None)[1]
    assert "百分数" in chk(18.0, None)[1]
    assert "1 万倍" in close_to(500000.0)(50.0, None)[1]
    assert close_to()(0.18, 0.18)[0]  # EXPECTED default


def test_has_columns_and_not_empty():
    df = pd.DataFrame({"tier": ["高"], "n": [1]})
    assert has_columns(["tier", "n"])(df, None)[0]
    ok, msg = has_columns(["tier", "mean_clv"])(df, None)
    assert not ok and "mean_clv" in msg
    assert "表格 (DataFrame)" in has_columns(["x"])([1], None)[1]
    assert not not_empty()(pd.DataFrame(), None)[0]
    assert not_empty()(df, None)[0]


def test_same_index():
    want = pd.Series([1, 2, 3], index=[2021, 2022, 2023])
    assert same_index(want)({"2021": 1, "2022": 2, "2023": 3}, None)[0]
    ok, msg = same_index(want)({2021: 1, 2022: 2, 2024: 3}, None)
    assert not ok and "缺少：2023" in msg and "多出：2024" in msg
    ok, msg = same_index(want, ordered=True)(want.iloc[::-1], None)
    assert not ok and "顺序" in msg


def test_values_close_names_the_bad_labels():
    want = {"a": 1.0, "b": 2.0, "c": 3.0}
    assert values_close(want)({"a": 1.0, "b": 2.0, "c": 3.0}, None)[0]
    ok, msg = values_close(want)({"a": 1.0, "b": 5.0, "c": 1.0}, None)
    assert not ok and "b（偏大）" in msg and "c（偏小）" in msg and "a" not in msg.split("：")[1]
    ok, msg = values_close(want)({"a": "1", "b": 2.0, "c": 3.0}, None)
    assert "a（是文字" in msg
    df = pd.DataFrame({"tier": ["a", "b"], "m": [1.0, 2.0]}).set_index("tier")
    assert values_close({"a": 1.0, "b": 2.0}, column="m")(df, None)[0]
    assert "缺少列" in values_close({"a": 1.0}, column="zz")(df, None)[1]


def test_monotonic_and_length_and_no_missing():
    assert monotonic()([0.15, 0.18, 0.20], None)[0]
    ok, msg = monotonic()([0.15, 0.18, 0.18], None)
    assert not ok and "第 3 项" in msg
    assert monotonic(strict=False)([1, 1, 2], None)[0]
    assert monotonic(increasing=False)([3, 2, 1], None)[0]
    assert "一列数字" in monotonic()(["a", "b"], None)[1]
    assert not length(3)([1, 2], None)[0]
    assert "缺失值" in no_missing()(pd.DataFrame({"x": [1.0, None]}), None)[1]


# --- progress log ------------------------------------------------------------------------
def test_progress_log_and_summary(tier_q, progress_file, monkeypatch):
    tier_q.check(____)
    tier_q.check(right_means() * 2)
    tier_q.hint()
    tier_q.check(right_means())
    monkeypatch.setenv("COURSE_USER", "trainee02")
    tier_q.check(right_means() * 2)
    tier_q.solution()
    with open(progress_file, "a", encoding="utf-8") as fh:
        fh.write("not json\n")
    s = progress_summary(progress_file).set_index("user")
    assert s.loc["trainee01", "attempts"] == 2
    assert bool(s.loc["trainee01", "solved"]) is True
    assert s.loc["trainee01", "hints"] == 1
    assert bool(s.loc["trainee02", "solved"]) is False
    assert bool(s.loc["trainee02", "solution_viewed"]) is True
    assert s.loc["trainee02", "last_status"] == INCORRECT


def test_progress_write_failure_is_silent(tier_q, monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "no" / "such" / "dir.jsonl"))
    assert tier_q.check(right_means()).correct  # no exception
    monkeypatch.setenv("COURSE_PROGRESS_FILE", "off")
    assert core.progress_path() is None
    assert progress_summary(tmp_path / "missing.jsonl").empty


# --- widget exercises -------------------------------------------------------------------
def render_bars(values):
    """Tiny pure render function: bar chart of two values."""
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    if values["a"] < 0:
        raise ValueError("a must be >= 0")
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.bar(["a", "b"], [values["a"], values["b"]])
    return fig


def make_app(**kw):
    q = Exercise(id="test.widget_sum", title="两数之和",
                 checks=[lambda v, e: (v["a"] + v["b"] == 5, "两数之和应该是题目要求的值。")])
    return WidgetExercise({"a": W.IntSlider(value=1, min=-3, max=10, description="a"),
                           "b": W.IntSlider(value=1, min=0, max=10, description="b")},
                          render_bars, title="示例", exercise=q, name="test.widget", **kw)


def png_of(app):
    return [o["data"].get("image/png") for o in app.output.outputs]


def test_widget_redraws_on_change_and_reads_values():
    app = make_app()
    first = png_of(app)
    assert first[0] and app.values == {"a": 1, "b": 1}
    app.controls["b"].value = 7  # like a trainee moving the slider
    assert png_of(app) != first
    assert app.values == {"a": 1, "b": 7}
    assert app.last_render_ms is not None and app.last_render_ms > 0
    assert registered()["test.widget"] is app
    assert app.controls["a"].continuous_update is False


def test_widget_render_error_shows_box_keeps_last_good_and_raises():
    app = make_app()
    good = png_of(app)
    with pytest.raises(ValueError):
        app.controls["a"].value = -2
    outs = app.output.outputs
    assert ERROR_MARKER in outs[0]["data"]["text/html"]
    assert "图表没能更新" in outs[0]["data"]["text/html"]
    assert [o["data"].get("image/png") for o in outs[1:]] == good  # last good kept
    assert "ValueError" in app.last_error and len(app.errors) == 1
    assert app.last_good_values == {"a": 1, "b": 1}
    app.controls["a"].value = 2  # recovers
    assert app.last_error is None and ERROR_MARKER not in json.dumps(app.output.outputs)


def test_widget_initial_render_failure_raises():
    with pytest.raises(ValueError):
        WidgetExercise({"a": W.IntSlider(value=-1, min=-3)}, render_bars, name="test.broken")


def test_widget_check_button_shows_feedback():
    app = make_app()
    app.set_values(a=2, b=3)
    r = app.check()
    assert r.correct and "✅" in app.feedback.value
    app.set_values(a=4)
    assert app.feedback.value == ""  # stale feedback cleared when the values change
    app.check_button.click()
    assert "❌" in app.feedback.value and "两数之和" in app.feedback.value


def test_set_values_redraws_once_and_rejects_unknown():
    calls = []

    def render(v):
        calls.append(dict(v))
        return f"<b>{v['x']}-{v['y']}</b>"

    app = WidgetExercise({"x": W.IntSlider(value=1), "y": W.IntSlider(value=2)}, render,
                         name="test.once")
    app.set_values(x=3, y=4)
    assert calls == [{"x": 1, "y": 2}, {"x": 3, "y": 4}]
    assert app.output.outputs[0]["data"]["text/html"] == "<b>3-4</b>"
    with pytest.raises(KeyError):
        app.set_values(z=1)


def test_to_mimebundle_kinds():
    df = pd.DataFrame({"a": [1]})
    assert "<table" in to_mimebundle(df)[0]["data"]["text/html"]
    assert "<table" in to_mimebundle(df["a"])[0]["data"]["text/html"]
    assert len(to_mimebundle([df, "<i>x</i>", None])) == 2
    assert to_mimebundle(None) == []
    assert len(time_render(lambda v: df, {}, repeat=3)) == 3


def test_progress_cli_merges_logs(tier_q, progress_file, tmp_path, monkeypatch, capsys):
    from course_utils.exercises.__main__ import main

    tier_q.check(right_means())
    other = tmp_path / "other.jsonl"
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(other))
    monkeypatch.setenv("COURSE_USER", "trainee07")
    tier_q.check(right_means() * 3)
    assert main(["progress", str(progress_file), str(other)]) == 0
    out = capsys.readouterr().out
    assert "trainee01" in out and "trainee07" in out and "50%" in out
    assert main([]) == 2


@pytest.mark.parametrize("module", ["course_utils.exercises.core", "course_utils.exercises.widgets",
                                    "course_utils.coursemap", "tools.nbbuild"])
def test_docstring_examples(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def test_diagnose_hook_gives_correct_and_its_own_message():
    from course_utils.exercises.core import Exercise

    class Even(Exercise):
        id = "demo.even_diagnose"
        title = "给出一个偶数"

        def expected(self):
            return 0

        def diagnose(self, answer, expected):
            if not isinstance(answer, int):
                return "答案应该是整数。"
            return None if answer % 2 == expected else "这是奇数。"

    q = Even()
    assert q.check(____).status == "not_attempted"
    assert q.check(4).status == "correct"
    odd = q.check(3)
    assert odd.status == "incorrect" and "奇数" in odd.message
    text = q.check("4")
    assert text.status == "incorrect" and "整数" in text.message
