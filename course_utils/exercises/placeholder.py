"""The placeholder ``____`` a trainee replaces with an answer, and how to find it.

Arithmetic, attribute access, indexing and calls on ``____`` return ``____``
again, so a half-written line such as ``rate = ____ / 100`` or
``____.mean()`` still runs and the check says "not attempted".

>>> (____ / 100) is ____, ____.mean() is ____
(True, True)
>>> contains_placeholder({"2021": 0.15, "2022": ____})
True
"""
from __future__ import annotations

from collections.abc import Mapping
from numbers import Number
from typing import Any

#: How deep :func:`contains_placeholder` looks into nested containers.
MAX_DEPTH = 6
#: How many values of one container (or pandas column) it looks at.
MAX_ITEMS = 100_000


class _Placeholder:
    """The ``____`` sentinel (one instance; copies and pickles stay the same object)."""

    _instance: _Placeholder | None = None

    def __new__(cls) -> _Placeholder:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "____"

    __str__ = __repr__

    def __reduce__(self):  # copy / deepcopy / pickle keep the singleton
        return (_Placeholder, ())

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self

    def __call__(self, *args: Any, **kwargs: Any) -> _Placeholder:
        return self

    def __getitem__(self, key: Any) -> _Placeholder:
        return self

    def __bool__(self) -> bool:
        return False

    def _same(self, *args: Any) -> _Placeholder:
        return self

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _same
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = _same
    __mod__ = __rmod__ = __pow__ = __rpow__ = __neg__ = __pos__ = __abs__ = _same
    __round__ = _same


____ = _Placeholder()
PLACEHOLDER = ____


def contains_placeholder(obj: Any, _depth: int = 0) -> bool:
    """True when ``obj`` is ``____`` or holds it somewhere inside; never raises.

    Looks into dict keys and values, lists, tuples, sets, numpy object arrays,
    and pandas objects (labels, and values of object columns), up to
    :data:`MAX_DEPTH` levels and :data:`MAX_ITEMS` values per container.
    A string ``"____"`` is an answer, not the placeholder.

    >>> contains_placeholder([0.15, [0.18, ____]]), contains_placeholder([0.15, 0.18])
    (True, False)
    >>> contains_placeholder("____")
    False
    """
    try:
        return _contains(obj, _depth)
    except Exception:  # noqa: BLE001 - a hostile object is not the placeholder
        return False


def _contains(obj: Any, depth: int) -> bool:
    if obj is ____:
        return True
    if depth > MAX_DEPTH or obj is None or isinstance(obj, (str, bytes, Number)):
        return False
    if isinstance(obj, Mapping):
        items = list(obj.items())[:MAX_ITEMS]
        return any(_contains(k, depth + 1) or _contains(v, depth + 1) for k, v in items)
    if isinstance(obj, (list, tuple, set, frozenset)):
        return any(_contains(v, depth + 1) for v in list(obj)[:MAX_ITEMS])
    import numpy as np
    import pandas as pd

    if isinstance(obj, pd.DataFrame):
        if _any_label(obj.columns) or _any_label(obj.index):
            return True
        return any(_contains(obj[c], depth + 1) for c in obj.columns[:1000]
                   if isinstance(obj[c], pd.Series) and obj[c].dtype == object)
    if isinstance(obj, (pd.Series, pd.Index)):
        if isinstance(obj, pd.Series) and _any_label(obj.index):
            return True
        if obj.dtype != object:
            return False
        return any(_contains(v, depth + 1) for v in obj[:MAX_ITEMS].tolist())
    if isinstance(obj, np.ndarray) and obj.dtype == object:
        return any(_contains(v, depth + 1) for v in obj.ravel()[:MAX_ITEMS].tolist())
    return False


def _any_label(index: Any) -> bool:
    return index.dtype == object and any(v is ____ for v in index[:MAX_ITEMS])
