"""course_utils.exercises.placeholder: the ____ sentinel and finding it inside answers."""
from __future__ import annotations

import copy
import pickle

import numpy as np
import pandas as pd

from course_utils.exercises.placeholder import ____, contains_placeholder
from course_utils.exercises.testing import junk_answers


def test_placeholder_is_a_singleton_that_absorbs_expressions():
    assert (____ / 100) is ____ and (100 - ____) is ____ and round(____) is ____
    assert ____.mean() is ____ and ____["x"] is ____ and ____(1, a=2) is ____
    assert repr(____) == str(____) == "____" and not ____
    assert copy.deepcopy(____) is ____ and pickle.loads(pickle.dumps(____)) is ____


def test_contains_placeholder_finds_it_anywhere():
    assert contains_placeholder(____)
    assert contains_placeholder({"a": [1, {"b": ____}]})
    assert contains_placeholder({____: 1})
    assert contains_placeholder((1, {2, 3}, [____]))
    assert contains_placeholder(pd.Series([1, ____], dtype=object))
    assert contains_placeholder(pd.Series([1, 2], index=["a", ____]))
    assert contains_placeholder(pd.DataFrame({"x": [1, ____]}))
    assert contains_placeholder(pd.DataFrame({____: [1]}))
    assert contains_placeholder(np.array([1, ____], dtype=object))


def test_contains_placeholder_is_false_for_answers():
    assert not contains_placeholder({"a": [1, 2]})
    assert not contains_placeholder(pd.Series([1.0, 2.0]))
    assert not contains_placeholder("____")  # text is an answer, not the sentinel
    assert not contains_placeholder(b"____")


def test_contains_placeholder_never_raises_and_stops_on_recursion():
    for label, junk in junk_answers():
        assert contains_placeholder(junk) is False, label
    deep = [____]
    for _ in range(20):  # deeper than MAX_DEPTH: not searched, not an error
        deep = [deep]
    assert contains_placeholder(deep) is False
