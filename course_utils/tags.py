"""The tag system (标签体系) of Lecture 2: readable Chinese tags from rules on the features.

A tag is a rule a relationship manager can read and challenge ("沉睡 = no transaction for
180 days"); :func:`add_tags` applies the rules to a customer view
(:func:`course_utils.features.customer_view`), :func:`tag_summary` counts them.
Definitions shared with the rest of the course (dormant, high value) come from
:mod:`course_utils.domain`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np
import pandas as pd

from . import domain

__all__ = ["TagRule", "DEFAULT_TAG_RULES", "add_tags", "tag_summary", "top_share_mask",
           "TAG_SUMMARY_LABELS_ZH"]


def _require_view(view) -> None:
    if not isinstance(view, pd.DataFrame):
        raise ValueError(
            f"客户视图 view 应该是一个 pandas DataFrame（数据表），现在收到的是 {type(view).__name__}。"
            f"请传入 customer_view(bank, as_of) 的结果。\n"
            f"view must be a pandas DataFrame, got {type(view).__name__}.")


# --------------------------------------------------------------------------
# tag system 标签体系
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class TagRule:
    """One tag of the tag system: a Chinese name, the rule in words, the rule in code.

    ``rule(view)`` returns a boolean Series aligned with ``view``. Rules use
    quantiles of the current population where a fixed threshold would not
    travel between banks (e.g. "top 20% by monetary").
    """

    tag: str
    description: str
    rule: Callable[[pd.DataFrame], pd.Series]
    needs: tuple[str, ...] = ()


def _col(view: pd.DataFrame, name: str, default=0.0) -> pd.Series:
    if name in view.columns:
        return pd.to_numeric(view[name], errors="coerce")
    return pd.Series(default, index=view.index, dtype="float64")


def top_share_mask(s: pd.Series, share: float) -> pd.Series:
    """True for the top ``share`` of ``s`` (by rank, ties kept together), never for 0 or less.

    >>> top_share_mask(pd.Series([5.0, 1, 0, 3, 3]), 0.4).tolist()
    [True, False, False, True, True]
    """
    rank = s.rank(pct=True, method="max")
    return (rank > 1 - share) & (s > 0)



DEFAULT_TAG_RULES: tuple[TagRule, ...] = (
    TagRule("高交易额", "近一年交易金额 monetary 位于前 20%（“高价值客户”另有定义：CLV 前 10%）",
            lambda v: top_share_mask(_col(v, "monetary"), 0.20), ("monetary",)),
    TagRule("高活跃", "交易笔数 frequency 位于前 20%，且近 6 个月每月都有交易",
            lambda v: top_share_mask(_col(v, "frequency"), 0.20) & (_col(v, "active_months") >= 6),
            ("frequency", "active_months")),
    TagRule("沉睡", f"最近一次交易距今超过 {domain.DORMANT_AFTER_DAYS} 天（6 个月无交易）",
            lambda v: domain.is_dormant(_col(v, "recency_days", np.nan)), ("recency_days",)),
    TagRule("理财偏好", "持仓金额中理财/基金占比 ≥ 50%",
            lambda v: _col(v, "wealth_share") >= 0.5, ("wealth_share",)),
    TagRule("线上偏好", "近 90 天交易中手机银行/网银渠道占比 ≥ 70%",
            lambda v: _col(v, "mobile_share") >= 0.7, ("mobile_share",)),
    TagRule("柜台依赖", "近 90 天交易中柜台/网点渠道占比 ≥ 50%",
            lambda v: _col(v, "counter_share") >= 0.5, ("counter_share",)),
    TagRule("余额下滑", "近 3 个月平均余额比之前 3 个月下降 30% 以上",
            lambda v: _col(v, "balance_trend") <= -0.3, ("balance_trend",)),
    TagRule("单一产品", "只持有 1 类产品（产品使用率低，交叉销售机会）",
            lambda v: _col(v, "n_categories") == 1, ("n_categories",)),
    TagRule("负面情绪", "近 90 天有负面情绪的客服留言（不等于正式投诉）",
            lambda v: _col(v, "negative_messages_recent") >= 1, ("negative_messages_recent",)),
    TagRule("留学意向", "近 90 天浏览过留学金融页面",
            lambda v: _col(v, "study_abroad_visits") >= 1, ("study_abroad_visits",)),
    TagRule("年轻客群", "年龄 < 30 岁",
            lambda v: _col(v, "age", np.nan) < 30, ("age",)),
)


def add_tags(view: pd.DataFrame, rules: Iterable[TagRule] | None = None) -> pd.DataFrame:
    """Apply the tag rules: one boolean column per tag plus ``标签`` (tags joined by "、").

    Rules whose input columns are missing are skipped (their tag column is all False),
    so the function works on a partial customer view.

    >>> v = pd.DataFrame({"recency_days": [10, 400], "monetary": [9e5, 10.0]}, index=["A", "B"])
    >>> add_tags(v)["标签"].tolist()
    ['高交易额', '沉睡']
    """
    _require_view(view)
    rules = tuple(DEFAULT_TAG_RULES if rules is None else rules)
    out = view.copy()
    labels = pd.Series("", index=out.index, dtype=object)
    for r in rules:
        if r.needs and not all(c in view.columns for c in r.needs):
            flag = pd.Series(False, index=view.index)
        else:
            flag = r.rule(view).fillna(False).astype(bool)
        out[r.tag] = flag.to_numpy()
        labels = labels.where(~flag.to_numpy(), labels + np.where(labels == "", "", "、") + r.tag)
    out["标签"] = labels.astype(str)
    return out


#: Chinese headers of :func:`tag_summary` (display only).
TAG_SUMMARY_LABELS_ZH = {"tag": "标签", "rule": "规则", "n": "客户数", "share": "占比"}


def tag_summary(tagged: pd.DataFrame, rules: Iterable[TagRule] | None = None) -> pd.DataFrame:
    """Number and share of customers carrying each tag, with the rule in words.

    English columns ``tag`` (the tag's name), ``rule``, ``n``, ``share`` (0-1); show it with
    ``.rename(columns=TAG_SUMMARY_LABELS_ZH)``.

    >>> int(tag_summary(add_tags(pd.DataFrame({"recency_days": [10, 400]}))).set_index("tag").loc["沉睡", "n"])
    1
    """
    rules = tuple(DEFAULT_TAG_RULES if rules is None else rules)
    rows = []
    n = max(len(tagged), 1)
    for r in rules:
        if r.tag in tagged.columns:
            k = int(tagged[r.tag].sum())
            rows.append({"tag": r.tag, "rule": r.description, "n": k, "share": k / n})
    return pd.DataFrame(rows, columns=["tag", "rule", "n", "share"])
