"""Safe looks at a trainee's answer: each function returns a value or None, never raises.

A ``diagnose`` function starts by turning the answer into the shape it needs;
these helpers do that for any junk a trainee can type (None, NaN, text,
nested lists, objects whose ``__eq__`` or ``__float__`` raise ...) and return
None when the answer does not have that shape, so the author writes one
``if x is None: return "答案应该是..."`` instead of a try/except.

>>> to_number(0.15), to_number("0.15"), to_number(float("nan")), to_number(True)
(0.15, None, None, None)
>>> type_name([1, 2])
'列表 (list)'
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Number
from typing import Any

_TYPE_NAMES = {
    "DataFrame": "表格 (DataFrame)", "Series": "序列 (Series)", "dict": "字典 (dict)",
    "list": "列表 (list)", "tuple": "元组 (tuple)", "str": "文字 (str)",
    "bytes": "字节串 (bytes)", "int": "整数 (int)", "float": "小数 (float)",
    "bool": "布尔值 (bool)", "NoneType": "空值 (None)", "ndarray": "数组 (ndarray)",
    "Figure": "图 (Figure)", "_Placeholder": "占位符 ____", "set": "集合 (set)",
    "NAType": "缺失值 (pd.NA)", "NaTType": "缺失时间 (pd.NaT)", "complex": "复数 (complex)",
    "function": "函数 (function)", "type": "类 (class)", "generator": "生成器 (generator)",
    "WidgetExercise": "交互控件 (widget)",
}


def type_name(obj: Any) -> str:
    """Chinese name of the type of ``obj`` for feedback ("列表 (list)").

    >>> type_name(None), type_name({"a": 1})
    ('空值 (None)', '字典 (dict)')
    """
    try:
        name = type(obj).__name__
    except Exception:  # noqa: BLE001
        return "未知类型"
    if name in ("float64", "float32", "float16"):
        name = "float"
    elif name.startswith(("int", "uint")) and name[-1].isdigit():
        name = "int"
    elif name == "bool_":
        name = "bool"
    return _TYPE_NAMES.get(name, name)


def is_real(x: Any) -> bool:
    """True for a real number: int, float, numpy number, Decimal (not bool, not complex).

    NaN and infinity are real numbers here; :func:`to_number` rejects them.

    >>> is_real(3), is_real(float("nan")), is_real(True), is_real("3")
    (True, True, False, False)
    """
    try:
        import numpy as np

        return (isinstance(x, (Number, np.number)) and not isinstance(x, (bool, np.bool_))
                and not isinstance(x, (complex, np.complexfloating)))
    except Exception:  # noqa: BLE001
        return False


def is_nan(x: Any) -> bool:
    """True for one missing scalar: None, NaN, pd.NA or pd.NaT (containers are not).

    >>> is_nan(None), is_nan(float("nan")), is_nan(0.0), is_nan([float("nan")])
    (True, True, False, False)
    """
    if x is None:
        return True
    try:
        import pandas as pd

        if x is pd.NA or x is pd.NaT:
            return True
        if isinstance(x, (float, Number)) and not isinstance(x, bool):
            return bool(x != x)
        import numpy as np

        if isinstance(x, (np.floating, np.datetime64, np.timedelta64)):
            return bool(np.isnan(x))
    except Exception:  # noqa: BLE001
        return False
    return False


def to_number(x: Any) -> float | None:
    """``x`` as a finite float, or None (text, bool, NaN, inf, containers, junk).

    A one-element Series/array is *not* unwrapped: the trainee should hand in
    the number itself.

    >>> to_number(12), to_number(float("inf")), to_number([1.0])
    (12.0, None, None)
    """
    if not is_real(x):
        return None
    try:
        f = float(x)
    except Exception:  # noqa: BLE001 - Decimal('sNaN'), objects whose __float__ raises
        return None
    return f if math.isfinite(f) else None


def to_series(x: Any):
    """``x`` as a pandas Series (labels kept), or None.

    Accepts a Series, a dict, a list/tuple or 1-D array (positions as labels)
    and a one-column DataFrame. Values are not converted.

    >>> to_series({"a": 1}).to_dict(), to_series("abc") is None
    ({'a': 1}, True)
    """
    try:
        import numpy as np
        import pandas as pd

        if isinstance(x, pd.Series):
            return x
        if isinstance(x, pd.DataFrame):
            return x.iloc[:, 0] if x.shape[1] == 1 else None
        if isinstance(x, Mapping):
            return pd.Series(list(x.values()), index=list(x.keys()), dtype=object)
        if isinstance(x, (list, tuple)):
            return pd.Series(list(x), dtype=object)
        if isinstance(x, np.ndarray) and x.ndim == 1:
            return pd.Series(x)
    except Exception:  # noqa: BLE001
        return None
    return None


def to_frame(x: Any):
    """``x`` as a pandas DataFrame, or None (a Series becomes one column).

    >>> to_frame([1, 2]) is None, to_frame({"a": [1, 2]}).shape
    (True, (2, 1))
    """
    try:
        import pandas as pd

        if isinstance(x, pd.DataFrame):
            return x
        if isinstance(x, pd.Series):
            return x.to_frame()
        if isinstance(x, Mapping) and x and all(isinstance(v, (list, tuple, pd.Series))
                                                for v in x.values()):
            return pd.DataFrame(dict(x))
    except Exception:  # noqa: BLE001
        return None
    return None


# ---------------------------------------------------------------------------
# "One value per named key" answers: {'precision': 0.2, 'recall': 0.35, ...}
# ---------------------------------------------------------------------------
def alias_key(label: Any, aliases: Mapping[str, tuple[str, ...]]) -> str | None:
    """The key whose aliases contain ``label`` (stripped; exact or lower-case), else None.

    >>> alias_key(" 覆盖率 ", {"coverage": ("coverage", "覆盖率")}), alias_key(3, {"k": ("k",)})
    ('coverage', None)
    """
    if not isinstance(label, str):
        return None
    text = label.strip()
    for key, names in aliases.items():
        if text in names or text.lower() in names:
            return key
    return None


def read_keyed(answer: Any, aliases: Mapping[str, tuple[str, ...]], example: str, *,
               labels: Mapping[str, str] | None = None, shape: str = "",
               each: str = "每一项") -> tuple[dict[str, Any] | None, str]:
    """``({key: value}, "")`` for a dict / Series with every key of ``aliases`` once,
    else ``(None, Chinese message)``; never raises.

    ``example``: how the answer should look (shown in every message); ``labels``:
    key -> name shown to trainees (default: the key); ``shape``: what the dict
    holds, appended to "答案应该是一个字典" (e.g. "，里面有两个值"); ``each``: what
    may be given only once ("每个指标"). Values are returned as given: check them
    with :func:`read_numbers` or by hand.

    >>> read_keyed({"k": 5, "方法": "cf"}, {"method": ("method", "方法"), "k": ("k",)}, "{...}")
    ({'k': 5, 'method': 'cf'}, '')
    >>> read_keyed({"k": 5}, {"method": ("method",), "k": ("k",)}, "{'method': …, 'k': …}")[1]
    "缺少：method。请写成 {'method': …, 'k': …}。"
    """
    shown = labels or {k: k for k in aliases}
    if isinstance(answer, _series_type()):
        try:
            answer = answer.to_dict()
        except Exception:  # noqa: BLE001 - an odd Series: a wrong shape below
            answer = None
    if not isinstance(answer, Mapping):
        return None, f"答案应该是一个字典{shape}：{example}；你给的是{type_name(answer)}。"
    values: dict[str, Any] = {}
    unknown = []
    try:
        items = list(answer.items())
    except Exception:  # noqa: BLE001 - a Mapping whose items() raises
        return None, f"答案应该是一个字典{shape}：{example}。"
    for label, value in items:
        key = alias_key(label, aliases)
        if key is None:
            unknown.append(str(label)[:20])
        elif key in values:
            return None, f"「{shown[key]}」给了两次，{each}只写一次。"
        else:
            values[key] = value
    if unknown:
        return None, f"认不出这些键：{'、'.join(unknown[:5])}。请写成 {example}。"
    missing = [shown[k] for k in aliases if k not in values]
    if missing:
        return None, f"缺少：{'、'.join(missing)}。请写成 {example}。"
    return values, ""


def read_numbers(answer: Any, aliases: Mapping[str, tuple[str, ...]], example: str, *,
                 labels: Mapping[str, str] | None = None, shape: str = "", each: str = "每一项",
                 text_tip: str = "去掉引号试试。") -> tuple[dict[str, float] | None, str]:
    """:func:`read_keyed`, then every value a real number: ``({key: float}, "")`` or ``(None, message)``.

    ``text_tip``: what to tell a trainee who typed a number as text.

    >>> read_numbers({"precision": 0.2, "recall": "0.3"}, {"precision": ("precision",),
    ...              "recall": ("recall",)}, "{...}")[1]
    '「recall」的值是文字，不是数字。去掉引号试试。'
    """
    values, msg = read_keyed(answer, aliases, example, labels=labels, shape=shape, each=each)
    if values is None:
        return None, msg
    shown = labels or {k: k for k in aliases}
    out = {}
    for key in aliases:
        v = values[key]
        if isinstance(v, str):
            return None, f"「{shown[key]}」的值是文字，不是数字。{text_tip}"
        number = to_number(v)
        if number is None:
            return None, (f"「{shown[key]}」的值应该是一个数字，你给的是{type_name(v)}"
                          "（NaN、None、列表或序列都不行）。")
        out[key] = number
    return out, ""


def _series_type():
    """``pandas.Series`` (imported on first use: this module stays light)."""
    import pandas as pd

    return pd.Series
