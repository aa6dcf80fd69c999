"""course_utils.exercises.answers: safe looks at an answer, never raising."""
from __future__ import annotations

import decimal

import numpy as np
import pandas as pd
import pytest

from course_utils.exercises import answers
from course_utils.exercises.testing import junk_answers


@pytest.mark.parametrize("value, number", [
    (3, 3.0), (0.15, 0.15), (np.float32(0.5), 0.5), (np.int64(7), 7.0),
    (decimal.Decimal("1.5"), 1.5), ("0.15", None), ("5", None), (True, None), (np.bool_(True), None),
    (float("nan"), None), (float("inf"), None), (pd.NA, None), (None, None), (1 + 2j, None),
    ([1.0], None), (np.array([1.0]), None), (pd.Series([1.0]), None), (10 ** 400, None),
])
def test_to_number(value, number):
    assert answers.to_number(value) == number


def test_is_nan_and_is_real():
    for missing in (None, float("nan"), np.nan, pd.NA, pd.NaT, decimal.Decimal("NaN"),
                    np.datetime64("NaT")):
        assert answers.is_nan(missing), missing
    for value in (0, 0.0, "", [], [float("nan")], np.array([np.nan]), pd.Series([np.nan])):
        assert not answers.is_nan(value), value
    assert answers.is_real(1) and answers.is_real(np.float64("nan"))
    assert not answers.is_real(True) and not answers.is_real("1") and not answers.is_real(1j)


def test_to_series_and_to_frame():
    assert answers.to_series({"a": 1, "b": 2}).to_dict() == {"a": 1, "b": 2}
    assert answers.to_series([1, 2]).tolist() == [1, 2]
    assert answers.to_series(np.array([1, 2])).tolist() == [1, 2]
    assert answers.to_series(pd.DataFrame({"x": [1]})).name == "x"
    assert answers.to_series(pd.DataFrame({"x": [1], "y": [2]})) is None
    assert answers.to_series(np.zeros((2, 2))) is None and answers.to_series("ab") is None
    assert answers.to_frame(pd.Series([1], name="s")).columns.tolist() == ["s"]
    assert answers.to_frame({"a": [1, 2]}).shape == (2, 1)
    assert answers.to_frame({"a": [1, 2], "b": [1]}) is None  # unequal lengths
    assert answers.to_frame([1, 2]) is None


def test_type_name_is_chinese_with_the_english_term():
    assert answers.type_name([]) == "列表 (list)"
    assert answers.type_name(np.float64(1)) == "小数 (float)"
    assert answers.type_name(np.int32(1)) == "整数 (int)"
    assert answers.type_name(pd.NA) == "缺失值 (pd.NA)"


def test_no_helper_raises_on_junk():
    for label, junk in junk_answers():
        for fn in (answers.to_number, answers.to_series, answers.to_frame, answers.is_nan,
                   answers.is_real, answers.type_name):
            fn(junk)  # must not raise
        numeric = ("zero", "minus one", "Decimal", "huge int")
        assert (answers.to_number(junk) is None) != (label in numeric), label
