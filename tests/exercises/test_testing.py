"""course_utils.exercises.testing: the author's test helper must be able to fail."""
from __future__ import annotations

import doctest
import importlib
import inspect

import pytest

from course_utils.exercises import Exercise, answers
from course_utils.exercises.testing import assert_check_cases, junk_answers

ENGINE = ["placeholder", "answers", "feedback", "progress", "exercise", "widgets", "testing",
          "__main__"]


class Double(Exercise):
    id = "test.double"
    hints = ["乘以 2。"]

    def expected(self):
        return self.context["n"] * 2

    def diagnose(self, answer):
        x = answers.to_number(answer)
        if x is None:
            return "答案应该是一个数字。"
        want = self.expected()
        return None if x == want else ("偏小。" if x < want else "偏大。")


def test_a_good_exercise_passes():
    assert_check_cases(Double(n=21), correct=[42, 42.0], wrong={40: "偏小", 50: "偏大", "42": "数字"})


def test_helper_fails_on_a_check_that_cannot_fail():
    class Lenient(Exercise):
        id = "test.lenient"

        def diagnose(self, answer):
            return None

    with pytest.raises(AssertionError):
        assert_check_cases(Lenient(), correct=[1], wrong={2: "x", 3: "y"})


def test_helper_requires_two_distinct_wrong_answers():
    class Coarse(Exercise):
        id = "test.coarse"

        def diagnose(self, answer):
            return None if answer == 42 else "不对。"

    with pytest.raises(AssertionError, match="share a message"):
        assert_check_cases(Coarse(), correct=[42], wrong={1: "不对", 2: "不对"}, junk=False)
    with pytest.raises(AssertionError, match="two wrong"):
        assert_check_cases(Coarse(), correct=[42], wrong={1: "不对"})


def test_helper_fails_when_expected_is_not_judged_correct():
    class RawData(Double):
        id = "test.rawdata"

        def expected(self):
            return {"n": self.context["n"]}  # raw input instead of the answer

        def diagnose(self, answer):
            return None if answer == 42 else ("偏小。" if answer < 42 else "偏大。")

    with pytest.raises(AssertionError, match="judged"):
        assert_check_cases(RawData(n=21), correct=[42], wrong={40: "偏小", 50: "偏大"}, junk=False)


def test_helper_fails_when_junk_is_judged_correct():
    class Truthy(Exercise):
        id = "test.truthy"

        def diagnose(self, answer):
            if answer == 1:
                return "偏小。"
            if answer == 0:
                return "偏小很多。"
            return None if isinstance(answer, (list, int)) else "类型不对。"

    with pytest.raises(AssertionError, match="junk answer"):
        assert_check_cases(Truthy(), correct=[[1, 2]], wrong={1: "偏小", 0: "很多"})


def test_junk_is_fresh_and_varied():
    first, second = junk_answers(), junk_answers()
    assert len(first) >= 30 and len({label for label, _ in first}) == len(first)
    gen = dict(first)["generator"]
    list(gen)
    assert list(dict(second)["generator"]) == [0, 1, 2]  # a new generator each call


@pytest.mark.parametrize("name", ENGINE)
def test_engine_modules_are_small_and_documented(name):
    module = importlib.import_module(f"course_utils.exercises.{name}")
    assert module.__doc__ and len(inspect.getsource(module).splitlines()) <= 300
    for fname, fn in inspect.getmembers(module, inspect.isfunction):
        if fn.__module__ == module.__name__ and not fname.startswith("_"):
            assert fn.__doc__, f"{name}.{fname} has no docstring"


@pytest.mark.parametrize("name", ["course_utils.exercises." + m for m in ENGINE[:-2]]
                         + ["course_utils.coursemap", "tools.nbbuild"])
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
