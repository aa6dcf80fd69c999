"""Test helpers for exercise authors: ``assert_check_cases`` and the junk catalogue.

Every exercise's check is tested with its right answer and at least two
*different* wrong ones, each expected to produce its own message; plus the
placeholder, half-done answers and :func:`junk_answers` (which must never be
judged correct)::

    def test_double(tmp_path):
        q = Double(number=21)
        assert_check_cases(q, correct=[42, 42.0],
                           wrong={40: "乘以 2", "42": "数字"},
                           half_done=[[____]])
"""
from __future__ import annotations

import datetime as _dt
import decimal
from collections.abc import Mapping
from typing import Any, Sequence

from .exercise import Exercise
from .feedback import CORRECT, INCORRECT, NOT_ATTEMPTED
from .placeholder import ____


class _Raises:
    """An object whose dunder ``name`` raises (a hostile answer)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return f"<raises on {self._name}>"


def _hostile(name: str) -> Any:
    def boom(self, *args: Any) -> Any:
        raise RuntimeError(f"{name} exploded")
    return type(f"Raises_{name.strip('_')}", (_Raises,), {name: boom})(name)


def junk_answers() -> list[tuple[str, Any]]:
    """Fresh ``(label, answer)`` pairs of junk no check may judge correct (40+ kinds).

    Built anew on every call (generators get consumed, lists get mutated).

    >>> len(junk_answers()) >= 30
    True
    """
    import numpy as np
    import pandas as pd
    from unittest import mock

    rng = np.random.default_rng(0)
    recursive_list: list = [1]
    recursive_list.append(recursive_list)
    recursive_dict: dict = {"a": 1}
    recursive_dict["self"] = recursive_dict
    return [
        ("None", None), ("NaN", float("nan")), ("inf", float("inf")), ("-inf", float("-inf")),
        ("pd.NA", pd.NA), ("pd.NaT", pd.NaT), ("empty text", ""), ("text", "答案"),
        ("number as text", "5"), ("placeholder as text", "____"), ("bytes", b"5"),
        ("long text", "长" * 100_000),
        ("empty list", []), ("list", [1, 2, 3]), ("nested list", [[1, [2, [3]]], []]),
        ("empty dict", {}), ("dict wrong keys", {"wrong": 1, "keys": 2}),
        ("nested dict", {"x": {"y": [None]}}), ("set", {1, 2}), ("range", range(5)),
        ("empty DataFrame", pd.DataFrame()),
        ("DataFrame wrong columns", pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})),
        ("huge DataFrame", pd.DataFrame(rng.normal(size=(200_000, 3)), columns=list("abc"))),
        ("DataFrame duplicated columns", pd.DataFrame([[1, 2]], columns=["a", "a"])),
        ("empty Series", pd.Series([], dtype=float)),
        ("Series of NaN", pd.Series([np.nan, np.nan])),
        ("Series of text", pd.Series(["a", "b"])),
        ("empty array", np.array([])), ("text array", np.array(["a", "b"])),
        ("int8 array", np.array([1, 2, 3], dtype=np.int8)), ("3-D array", np.zeros((2, 2, 2))),
        ("bool array", np.array([True, False])),
        ("datetime array", np.array(["2024-01-01"], dtype="datetime64[D]")),
        ("True", True), ("False", False), ("zero", 0), ("minus one", -1),
        ("huge int", 10 ** 100), ("complex", 1 + 2j), ("Decimal", decimal.Decimal("1.5")),
        ("Decimal NaN", decimal.Decimal("NaN")), ("datetime", _dt.datetime(2024, 1, 1)),
        ("function", lambda x: x), ("class", type("Junk", (), {})), ("builtin class", dict),
        ("generator", (i for i in range(3))), ("module", np), ("Ellipsis", ...),
        ("exception", ValueError("x")), ("object", object()),
        ("__eq__ raises", _hostile("__eq__")), ("__bool__ raises", _hostile("__bool__")),
        ("__len__ raises", _hostile("__len__")), ("__float__ raises", _hostile("__float__")),
        ("__iter__ raises", _hostile("__iter__")),
        ("MagicMock", mock.MagicMock()),
        ("recursive list", recursive_list), ("recursive dict", recursive_dict),
    ]


def half_done_answers() -> list[tuple[str, Any]]:
    """Answers with ``____`` inside a container: always "not attempted".

    >>> [label for label, _ in half_done_answers()][:2]
    ['in list', 'in dict value']
    """
    import numpy as np
    import pandas as pd

    return [("in list", [1, ____]), ("in dict value", {"a": ____}), ("in dict key", {____: 1}),
            ("in nested", {"rates": {2021: ____}, "events": []}),
            ("in Series", pd.Series([1, ____], dtype=object)),
            ("in DataFrame", pd.DataFrame({"x": [1, ____]})),
            ("in array", np.array([1, ____], dtype=object)), ("in tuple", (____, 2))]


def _judge(exercise: Exercise, answer: Any):
    return exercise._judge(answer)  # the guarded check, without writing the progress log


def assert_check_cases(exercise: Exercise, correct: Sequence[Any] = (),
                       wrong: Mapping[Any, str] | Sequence[tuple[Any, str]] = (), *,
                       half_done: Sequence[Any] = (), junk: bool = True,
                       distinct: bool = True) -> None:
    """Assert an exercise's check behaves (call it from a pytest test).

    * every answer in ``correct`` is judged correct, and so is
      ``exercise.expected()`` when it is not None;
    * at least two ``(answer, fragment)`` pairs in ``wrong``: each incorrect,
      with ``fragment`` in its message, and (``distinct``) all messages differ;
    * ``____``, :func:`half_done_answers` and ``half_done`` are not attempted;
    * with ``junk``: no answer of :func:`junk_answers` is correct or lacks a message;
    * results render as text and HTML; hints and the solution show for any level.

    ``wrong`` is a dict (hashable answers) or a list of pairs (DataFrames).

    >>> class Double(Exercise):
    ...     id = "demo.double_cases"
    ...     def expected(self): return 42
    ...     def diagnose(self, answer):
    ...         if not isinstance(answer, int) or isinstance(answer, bool):
    ...             return "答案应该是整数。"
    ...         return None if answer == 42 else ("偏小。" if answer < 42 else "偏大。")
    >>> assert_check_cases(Double(), correct=[42], wrong={40: "偏小", 50: "偏大"})
    """
    pairs = list(wrong.items()) if isinstance(wrong, Mapping) else list(wrong)
    assert correct, f"{exercise.id}: give at least one correct answer"
    assert len(pairs) >= 2, f"{exercise.id}: give at least two wrong answers"
    expected = exercise.expected()
    for ans in [*correct, *([expected] if expected is not None else [])]:
        r = _judge(exercise, ans)
        assert r.status == CORRECT, f"{exercise.id}: correct answer {ans!r} judged {r}\n{r.detail}"
    messages = []
    for ans, fragment in pairs:
        r = _judge(exercise, ans)
        assert r.status == INCORRECT, f"{exercise.id}: wrong answer {ans!r} judged {r}"
        assert fragment in r.message, \
            f"{exercise.id}: wrong answer {ans!r}: expected {fragment!r} in {r.message!r}"
        messages.append(r.message)
    if distinct:
        assert len(set(messages)) == len(messages), \
            f"{exercise.id}: wrong answers share a message: {messages}"
    for ans in [____, *(a for _, a in half_done_answers()), *half_done]:
        r = _judge(exercise, ans)
        assert r.status == NOT_ATTEMPTED, f"{exercise.id}: {ans!r} should be not attempted: {r}"
    if junk:
        for label, ans in junk_answers():
            r = _judge(exercise, ans)
            assert r.status != CORRECT, f"{exercise.id}: junk answer ({label}) judged correct"
            assert r.message.strip(), f"{exercise.id}: junk answer ({label}) got no message"
    for r in (_judge(exercise, correct[0]), _judge(exercise, pairs[0][0])):
        assert str(r) and r._repr_html_()
    shown = exercise._hint_level  # leave the hint sequence as it was
    for level in (None, 1, 0, -1, 10 ** 9, float("inf"), "x", True):
        assert str(exercise.hint(level))
    exercise._hint_level = shown
    assert str(exercise.solution())

