"""Reading a "number per label" answer (Lecture 1, questions 2 and 3).

A trainee may hand in a dict, a Series or a DataFrame, keyed by a display
label ("Top 10%", "≥90"), its Chinese name ("高价值") or the English key
("top", "high"). :func:`labelled_numbers` turns any of these into a Series of
floats indexed by the domain's English keys, or explains in Chinese what is
wrong with the shape. It never raises.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from course_utils.exercises import answers


def _as_label_series(answer: Any, label_column: str, value_column: str) -> pd.Series | None:
    """Series/dict/DataFrame -> Series of raw values keyed by the raw labels (or None)."""
    if isinstance(answer, pd.DataFrame):
        frame = answer
        if label_column in frame.columns:
            frame = frame.set_index(label_column)
        if value_column in frame.columns:
            col = frame[value_column]
            return col if isinstance(col, pd.Series) else None
        return frame.iloc[:, 0] if frame.shape[1] == 1 else None
    if isinstance(answer, pd.Series):
        return answer
    if isinstance(answer, Mapping):
        return pd.Series(list(answer.values()), index=list(answer.keys()), dtype=object)
    return None


def labelled_numbers(answer: Any, keys: tuple[str, ...], key_of: Callable[[Any], str | None],
                     labels: Mapping[str, str], label_column: str, value_column: str,
                     what: str) -> tuple[pd.Series | None, str]:
    """``(Series of floats by key, "")`` or ``(None, Chinese message)``.

    ``keys``: the English keys in display order; ``key_of``: label -> key or
    None (``domain.tier_key`` / ``domain.band_key``); ``labels``: key -> the
    label shown to trainees; ``label_column`` / ``value_column``: the columns
    of an accepted DataFrame answer; ``what``: the quantity, in Chinese.

    >>> from course_utils import domain
    >>> got, msg = labelled_numbers({"≥90": 0.8, "70-89": 0.6, "<70": 0.3}, domain.BANDS,
    ...                             domain.band_key, domain.BAND_LABELS, "band", "loyal_rate", "占比")
    >>> got.to_dict(), msg
    ({'high': 0.8, 'mid': 0.6, 'low': 0.3}, '')
    """
    example = "、".join(f"'{labels[k]}'" for k in keys)
    if isinstance(answer, pd.DataFrame) and answer.empty:
        return None, f"答案是一个空表格（没有任何行）。需要 {len(keys)} 个{what}，键是 {example}。"
    raw = _as_label_series(answer, label_column, value_column)
    if raw is None and isinstance(answer, pd.DataFrame):
        return None, (f"表格里找不到答案：需要「{label_column}」和「{value_column}」两列，"
                      f"或者直接给一个字典 (dict) / 序列 (Series)，键是 {example}。")
    if raw is None:
        return None, (f"答案应该是一个字典 (dict) 或序列 (Series)，键是 {example}；"
                      f"你给的是{answers.type_name(answer)}。")
    if len(raw) == 0:
        return None, f"答案是空的。需要 {len(keys)} 个{what}，键是 {example}。"
    values: dict[str, Any] = {}
    given_as: dict[str, str] = {}
    unknown: list[str] = []
    for label, value in raw.items():
        key = key_of(label) if isinstance(label, (str, int, float, np.integer)) else None
        if key is None:
            unknown.append(str(label)[:20])
        elif key in values:
            return None, (f"「{labels[key]}」给了两次（键 '{given_as[key]}' 和 '{label}' 指的是同一个），"
                          "两个值互相矛盾。每个键只写一次。")
        else:
            values[key] = value
            given_as[key] = str(label)
    if unknown:
        return None, f"认不出这些键：{'、'.join(unknown[:5])}。请用 {example} 作为键。"
    missing = [labels[k] for k in keys if k not in values]
    if missing:
        return None, f"缺少这些键的{what}：{'、'.join(missing)}。"
    out = {}
    for k in keys:
        v = values[k]
        if isinstance(v, str):
            return None, f"「{labels[k]}」的值是文字，不是数字。去掉引号试试。"
        if isinstance(v, (pd.Series, pd.DataFrame, list, tuple, np.ndarray)):
            return None, (f"「{labels[k]}」的值应该是一个数字，你给的是{answers.type_name(v)}"
                          "（是不是忘了求平均？）。")
        number = answers.to_number(v)
        if number is None:
            return None, (f"「{labels[k]}」的值不是有效数字（空值 NaN、None 或无穷大）。"
                          "检查这一档是不是没有选到任何客户。")
        out[k] = number
    return pd.Series(out, dtype=float), ""


def matches(got: pd.Series, target: pd.Series, rtol: float = 0.0, atol: float = 0.0) -> bool:
    """True when every value of ``got`` is within ``atol + rtol * |target|`` of ``target``.

    >>> matches(pd.Series({"a": 1.0}), pd.Series({"a": 1.005}), rtol=0.01)
    True
    """
    t = target.reindex(got.index).astype(float)
    if t.isna().any():
        return False
    return bool(np.all(np.abs(got.to_numpy() - t.to_numpy()) <= atol + rtol * np.abs(t.to_numpy())))


def off_labels(got: pd.Series, target: pd.Series, labels: Mapping[str, str],
               rtol: float = 0.0, atol: float = 0.0) -> str:
    """"Top 10%（偏高）、…" for the labels whose value is off (never the right value)."""
    return "、".join(f"{labels[k]}（{'偏高' if got[k] > target[k] else '偏低'}）"
                    for k in got.index if abs(got[k] - target[k]) > atol + rtol * abs(target[k]))
