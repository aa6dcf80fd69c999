"""course_utils.exercises.exercise: the one authoring path and the engine's guard."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils.exercises import (
    CORRECT, INCORRECT, NOT_ATTEMPTED, Exercise, ____, answers, registry)
from course_utils.exercises.testing import half_done_answers, junk_answers

CUSTOMERS = pd.DataFrame({"tier": ["高", "高", "中", "中", "低"],
                          "clv": [500.0, 520.0, 100.0, 110.0, 20.0]})


class TierMeans(Exercise):
    """Mean CLV per tier (a dict or Series keyed by tier)."""

    id = "test.tier_means"
    title = "各层级平均 CLV"
    hints = ["按 tier 分组。", "对 clv 求平均。", "customers.groupby('tier')['clv'].mean()"]
    solution_code = "means = customers.groupby('tier')['clv'].mean()"

    def expected(self):
        return self.context["customers"].groupby("tier")["clv"].mean()

    def diagnose(self, answer):
        got = answers.to_series(answer)
        if got is None:
            return f"答案应该是序列 (Series) 或字典 (dict)，你给的是{answers.type_name(answer)}。"
        want = self.expected()
        missing = [k for k in want.index if k not in got.index]
        if missing:
            return f"缺少：{'、'.join(missing)}。"
        values = [answers.to_number(got[k]) for k in want.index]
        if any(v is None for v in values):
            return "有的层不是有效数字。"
        if any(abs(v - w) > 0.01 * w for v, w in zip(values, want)):
            return "有的层的平均值偏大或偏小。"
        return None


@pytest.fixture
def q():
    return TierMeans(customers=CUSTOMERS)


def right():
    return CUSTOMERS.groupby("tier")["clv"].mean()


def test_three_outcomes(q):
    assert q.check(right()).status == CORRECT and q.check(right().to_dict()).correct
    assert q.check().status == NOT_ATTEMPTED and q.check(____).status == NOT_ATTEMPTED
    half = q.check({"高": 510.0, "中": ____, "低": 20.0})
    assert half.status == NOT_ATTEMPTED and "还有 ____" in half.message
    wrong = q.check(right() * 1.5)
    assert wrong.status == INCORRECT and "偏大" in wrong.message
    assert q.check(None).status == INCORRECT and "None" in q.check(None).message


def test_the_wrong_message_does_not_leak_the_answer(q):
    r = q.check(right() + 1000)
    assert not any(f"{v:g}" in r.message for v in right())


def test_context_is_bound_data_and_reserved_names_are_refused():
    q = TierMeans(customers=CUSTOMERS)
    assert q.context["customers"] is CUSTOMERS and not hasattr(q, "ctx")
    with pytest.raises(TypeError, match="reserved"):
        TierMeans(title="x")
    with pytest.raises(TypeError, match="reserved"):
        TierMeans(diagnose=lambda a: None)


def test_diagnose_must_take_self_and_answer():
    with pytest.raises(TypeError, match="diagnose must take"):
        class Old(Exercise):
            def diagnose(self, answer, expected):
                return None


def test_registry_holds_every_exercise(q):
    assert registry()["test.tier_means"] is q


@pytest.mark.parametrize("returned", [True, False, "", "   ", 0, 1, ("ok", ""), ["x"], np.bool_(True)])
def test_a_diagnose_returning_junk_is_an_author_bug_never_correct(returned):
    class Sloppy(Exercise):
        id = "test.sloppy"

        def diagnose(self, answer):
            return returned

    r = Sloppy().check(1)
    assert r.status == INCORRECT and "检查程序本身有问题" in r.message and r.error


def test_a_raising_diagnose_is_not_the_trainees_fault():
    class Explode(Exercise):
        id = "test.explode"

        def diagnose(self, answer):
            return answer["missing"] > 1

    r = Explode().check({"a": 1})
    assert r.status == INCORRECT and "不是你的错" in r.message and "字典 (dict)" in r.message
    assert r.error == "KeyError" and "Traceback" in r.detail and "Traceback" not in r.message


def test_is_untouched_hook_and_its_failure():
    class Slider(Exercise):
        id = "test.slider"
        untouched_message = "滑块还在初始位置。"

        def is_untouched(self, answer):
            return super().is_untouched(answer) or answer["share"] == 0

        def diagnose(self, answer):
            return None if answer == {"share": 30} else "还不对。"

    q = Slider()
    r = q.check({"share": 0})
    assert r.status == NOT_ATTEMPTED and r.message == "滑块还在初始位置。"
    assert q.check({"share": ____}).status == NOT_ATTEMPTED  # the engine still finds ____
    assert q.check({"share": 30}).correct
    r = q.check([1, 2])  # the hook raises (list indices): checking goes on
    assert r.status == INCORRECT and r.message == "还不对。"


def test_allow_none_and_extra_arguments():
    class NoneOk(Exercise):
        id = "test.none_ok"
        allow_none = True

        def diagnose(self, answer):
            return None if answer is None else "应该是 None。"

    assert NoneOk().check(None).correct
    r = NoneOk().check(None, 2)
    assert r.status == INCORRECT and "只接收一个答案" in r.message
    assert NoneOk().check(None, level=2).status == INCORRECT


def test_widget_apps_are_unwrapped_by_the_engine():
    class FakeApp:
        is_widget_app = True

        def __init__(self, value):
            self.value = value

        def answer(self):
            if self.value == "boom":
                raise RuntimeError("answer() broke")
            return self.value

    class Equals3(Exercise):
        id = "test.equals3"

        def diagnose(self, answer):
            return None if answer == 3 else "不是 3。"

    q = Equals3()
    assert q.check(FakeApp(3)).correct and not q.check(FakeApp(4))
    assert q.check(FakeApp(____)).status == NOT_ATTEMPTED
    r = q.check(FakeApp("boom"))
    assert r.status == INCORRECT and "不是你的错" in r.message


def test_hints_in_turn_by_level_and_never_raising(q):
    h = [str(q.hint()) for _ in range(4)]
    assert "提示 1/3" in h[0] and "按 tier 分组" in h[0] and "提示 2/3" in h[1]
    assert "提示 3/3" in h[2] and "最后一条" in h[2] and "提示 3/3" in h[3]
    assert "提示 2/3" in str(q.hint(2)) and "提示 2/3" in str(q.hint(2.0))
    assert "提示 2/3" in str(q.hint("2")) and "提示 2/3" in str(q.hint(np.int64(2)))
    for level in (0, -1, 4, 10 ** 100):
        assert "1 到 3" in str(q.hint(level)), level
    for level in (float("inf"), float("nan"), 2.5, "x", "", True, [1], {}, ____, pd.NA):
        assert "整数" in str(q.hint(level)), level
    assert "？" in q.hint(1)._repr_html_()


def test_odd_hint_and_solution_definitions_do_not_raise():
    class Odd(Exercise):
        id = "test.odd"
        hints = "只有一条提示"
        solution_code = None

        def diagnose(self, answer):
            return None

    assert "提示 1/1" in str(Odd().hint()) and "没有参考答案" in str(Odd().solution())

    class Broken(Exercise):
        id = "test.broken_hints"
        hints = 5  # not a list: an author slip

    assert "无法显示" in str(Broken().hint())
    assert "没有提示" in str(Exercise().hint())


def test_solution_shows_code(q):
    s = q.solution()
    assert "groupby('tier')" in str(s) and "<pre" in s._repr_html_()


def test_no_junk_passes_and_nothing_raises(q):
    for label, junk in junk_answers():
        r = q.check(junk)
        assert r.status != CORRECT and r.message.strip(), label
    for label, half in half_done_answers():
        assert q.check(half).status == NOT_ATTEMPTED, label


def test_base_exercise_without_diagnose_never_praises():
    r = Exercise().check(1)
    assert r.status == INCORRECT and "不是你的错" in r.message


