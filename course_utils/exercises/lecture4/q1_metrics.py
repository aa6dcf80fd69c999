"""Lecture 4, question 1: precision@k, recall@k and coverage of a small case, by hand.

A bank app shows each customer ``k = 3`` products. Six customers got recommendation lists
(one only two products: the suitability filter removed the third; one new customer got
none), five of them took up new products after the split date. The trainee computes the
three metrics by hand and compares them with :func:`course_utils.recommend.evaluate`.

The check recognises the classic slips, each by its number:

* precision divided by the number of products recommended instead of ``k``;
* recall divided by ``k`` (that is precision) instead of the customer's new products;
* customers without recommendations left out of the mean (the library counts them as 0);
* the mean over the customers *with recommendations* instead of the customers in the test;
* pooled ("micro") ratios instead of the mean of per-customer ratios;
* coverage over the products recommended (always 100 %) or over the products taken up,
  instead of the catalogue; coverage of the test customers' lists only; recommendation
  slots counted instead of distinct products; percentages instead of fractions.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from course_utils import recommend
from course_utils.exercises import Exercise, answers

#: The app shows this many products per customer.
K = 3
#: The small case: recommendation lists (best first). 赵 is a new customer: no list.
CASE_RECS: dict[str, list[str]] = {
    "王": ["P01", "P02", "P03"],
    "李": ["P01", "P04"],          # the suitability filter removed the third product
    "张": ["P02", "P03", "P06"],
    "陈": ["P01", "P03", "P05"],
    "刘": ["P01", "P02", "P10"],   # took up nothing new: not in the test
    "周": ["P01", "P02", "P03"],   # took up nothing new: not in the test
}
#: New products each customer took up after the split date (the truth).
CASE_TAKEUPS: dict[str, list[str]] = {
    "王": ["P02", "P05"],
    "李": ["P04"],
    "张": ["P06", "P07", "P08", "P09"],
    "赵": ["P01"],
    "陈": ["P09", "P10"],
}
#: The catalogue: every product the bank could recommend.
CASE_CATALOGUE: list[str] = [f"P{i:02d}" for i in range(1, 11)]
#: The answer's keys and the names a trainee may use for them.
KEYS = {
    "precision": ("precision", "precision@k", f"precision@{K}", "精确率", "准确率"),
    "recall": ("recall", "recall@k", f"recall@{K}", "召回率"),
    "coverage": ("coverage", "覆盖率"),
}
LABELS = {"precision": f"precision（precision@{K}）", "recall": f"recall（recall@{K}）",
          "coverage": "coverage（覆盖率）"}
#: Absolute tolerance: two decimals are enough (0.35 for 0.35, 0.23 for 0.2333).
TOL = 0.005


def case_test() -> pd.DataFrame:
    """The held-out take-ups of the small case as a table ``customer_id, product_id``.

    >>> case_test().groupby("customer_id").size().to_dict()["张"]
    4
    """
    rows = [(c, p) for c, items in CASE_TAKEUPS.items() for p in items]
    return pd.DataFrame(rows, columns=["customer_id", "product_id"])


def case_table() -> pd.DataFrame:
    """The small case for display: per customer the list shown and the new products taken up.

    >>> case_table().loc["赵", "推荐列表（前 3 个）"]
    '（没有推荐：新客户）'
    """
    rows = {}
    for c in dict.fromkeys([*CASE_RECS, *CASE_TAKEUPS]):
        recs = CASE_RECS.get(c)
        took = CASE_TAKEUPS.get(c)
        rows[c] = {f"推荐列表（前 {K} 个）": "、".join(recs) if recs else "（没有推荐：新客户）",
                   "切分日后新买的产品": "、".join(took) if took else "（没有新买：不在测试集里）"}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "客户"
    return out


def _per_customer(recs: Mapping[str, list], takeups: Mapping[str, list], k: int):
    """(hits, n_recommended, n_true) per test customer, in the order of ``takeups``."""
    out = {}
    for c, true in takeups.items():
        shown = list(recs.get(c, []))[:k]
        out[c] = (len(set(shown) & set(true)), len(shown), len(set(true)))
    return out


def metric_variants(recs=None, takeups=None, catalogue=None, k: int = K) -> dict[str, dict[str, float]]:
    """The right metrics (key ``"right"``) and the numbers each typical mistake gives.

    Keys per metric: ``precision``, ``recall``, ``coverage``; mistakes that do not change a
    metric leave it out. Computed from the case, never typed.

    >>> v = metric_variants()
    >>> round(v["right"]["precision"], 4), round(v["right"]["recall"], 4), v["right"]["coverage"]
    (0.2, 0.35, 0.7)
    """
    recs = CASE_RECS if recs is None else recs
    takeups = CASE_TAKEUPS if takeups is None else takeups
    catalogue = CASE_CATALOGUE if catalogue is None else catalogue
    per = _per_customer(recs, takeups, k)
    n_test = len(per)
    with_recs = {c: v for c, v in per.items() if v[1] > 0}
    n_listed = len(recs)
    everyone = len(set(recs) | set(takeups))
    hits = sum(v[0] for v in per.values())

    def mean(values, n):
        return sum(values) / n if n else float("nan")

    shown_all = {p for items in recs.values() for p in list(items)[:k]}
    shown_test = {p for c, items in recs.items() if c in takeups for p in list(items)[:k]}
    taken = {p for items in takeups.values() for p in items}
    right = {
        "precision": mean([h / k for h, _, _ in per.values()], n_test),
        "recall": mean([h / t for h, _, t in per.values()], n_test),
        "coverage": len(shown_all & set(catalogue)) / len(catalogue),
    }
    return {
        "right": right,
        "precision_by_shown": {"precision": mean([h / s for h, s, _ in with_recs.values()], n_test)},
        "skip_no_recs": {"precision": mean([h / k for h, _, _ in with_recs.values()], len(with_recs)),
                         "recall": mean([h / t for h, _, t in with_recs.values()], len(with_recs))},
        "mean_over_listed": {"precision": hits / k / n_listed if n_listed else float("nan")},
        "mean_over_everyone": {"precision": hits / k / everyone, "recall":
                               mean([h / t for h, _, t in per.values()], everyone)},
        "pooled": {"precision": hits / sum(s for _, s, _ in with_recs.values()),
                   "recall": hits / sum(t for _, _, t in per.values())},
        "recall_by_k": {"recall": right["precision"]},
        "recall_by_shown": {"recall": mean([h / s for h, s, _ in with_recs.values()], n_test)},
        "coverage_of_shown": {"coverage": 1.0},
        "coverage_of_taken": {"coverage": len(shown_all & taken) / len(taken)},
        "coverage_test_only": {"coverage": len(shown_test & set(catalogue)) / len(catalogue)},
        "coverage_slots": {"coverage": sum(len(list(v)[:k]) for v in recs.values()) / len(catalogue)},
    }


MISTAKES = {
    "precision_by_shown": "precision 看起来是用“推荐了几个”做分母：precision@k 的分母永远是 k（少推荐的位置也算没命中）。",
    "skip_no_recs": "{what}看起来把没有推荐的客户（新客户赵）排除在平均之外了：测试集里的每位客户都要算，没有推荐就是 0。",
    "mean_over_listed": "precision 看起来是对“有推荐列表的客户”求平均（含没有新买产品的刘、周）：应对测试集里的客户（切分日后真有新买产品的）求平均。",
    "mean_over_everyone": "{what}看起来是对所有客户求平均（含不在测试集里的刘、周）：只对测试集里的客户求平均。",
    "pooled": "{what}看起来是把命中数加总再相除（合并计算）：应先算每位客户的比例，再对客户求平均。",
    "recall_by_k": "recall 的分母用了 k：召回率的分母是这位客户真实新买的产品个数（这样算出来的其实是 precision）。",
    "recall_by_shown": "recall 的分母用了“推荐了几个”：召回率的分母是这位客户真实新买的产品个数。",
    "coverage_of_shown": "覆盖率的分母用了“被推荐过的产品”，结果必然是 100%：分母应是整个产品目录（catalogue）。",
    "coverage_of_taken": "覆盖率的分母用了“客户新买过的产品”：分母应是整个产品目录（catalogue）。",
    "coverage_test_only": "覆盖率只数了测试集客户的推荐列表：所有收到推荐的客户（含刘、周）的列表都要算。",
    "coverage_slots": "覆盖率数的是推荐位（同一个产品推荐给多人被数了多次）：应数出现过的**不同**产品个数。",
}


def read_answer(answer: Any) -> tuple[dict[str, float] | None, str]:
    """``({"precision": p, "recall": r, "coverage": c}, "")`` or ``(None, message)``; never raises.

    >>> read_answer({"precision": 0.2, "recall": 0.35, "覆盖率": 0.7})[0]
    {'precision': 0.2, 'recall': 0.35, 'coverage': 0.7}
    """
    return answers.read_numbers(answer, KEYS, "{'precision': …, 'recall': …, 'coverage': …}",
                                labels=LABELS, shape="，三个值都是 0–1 之间的小数", each="每个指标",
                                text_tip="写成算式，例如 (1/3 + 0) / 2。")


def diagnose_metrics(answer: Any, variants: Mapping[str, Mapping[str, float]]) -> str | None:
    """None if the three metrics match; else what is wrong with each wrong one."""
    got, msg = read_answer(answer)
    if got is None:
        return msg
    right = variants["right"]
    problems = []
    for key in KEYS:
        x, want = got[key], right[key]
        if abs(x - want) <= TOL:
            continue
        what = {"precision": "precision ", "recall": "recall ", "coverage": "覆盖率 "}[key]
        if 1.5 < x <= 100 and abs(x / 100 - want) <= TOL:
            problems.append(f"{what}像是百分数：请用 0–1 之间的小数（例如 0.25 表示 25%）。")
            continue
        if x < 0 or x > 1:
            problems.append(f"{what}不可能小于 0 或大于 1：它是一个比例。"
                            + (MISTAKES["coverage_slots"] if key == "coverage" else ""))
            continue
        named = [name for name, v in variants.items()
                 if name != "right" and key in v and abs(x - v[key]) <= TOL]
        if named:
            problems.append(MISTAKES[named[0]].format(what=what))
        else:
            problems.append(f"{what}{'偏大' if x > want else '偏小'}了：逐位客户数一数命中几个，再看分母。")
    if not problems:
        return None
    return "；".join(p.rstrip("。") for p in problems) + "。"


class MetricsByHand(Exercise):
    """Q1: precision@3, recall@3 and coverage of the small case, computed by hand."""

    id = "L4.metrics_by_hand"
    title = "手算推荐效果指标：precision@k、recall@k、覆盖率"
    hints = [
        f"先在表里逐位客户数“命中”：推荐列表（前 {K} 个）里有几个是他切分日后真的新买了的。"
        "只有测试集里的客户（切分日后真有新买产品的 5 位）参与平均。",
        f"precision@{K} = 命中数 ÷ {K}（推荐不足 {K} 个也除以 {K}）；recall@{K} = 命中数 ÷ 他新买的产品个数；"
        "没有推荐的新客户两项都是 0，也要算进平均。",
        "覆盖率 (coverage) = 所有推荐列表里出现过的**不同**产品个数 ÷ 产品目录的产品个数（10 个），"
        "刘、周虽然不在测试集，他们的列表也算。",
    ]
    solution_code = (
        "# 测试集 5 位客户：王 命中 1（P02），李 1（P04），张 1（P06），赵 0（无推荐），陈 0\n"
        "precision = (1/3 + 1/3 + 1/3 + 0 + 0) / 5          # 分母永远是 k = 3\n"
        "recall = (1/2 + 1/1 + 1/4 + 0 + 0) / 5             # 分母是各自新买的产品个数\n"
        "coverage = 7 / 10                                   # P01~P06 和 P10 出现过，目录 10 个\n"
        "answer1 = {'precision': precision, 'recall': recall, 'coverage': coverage}"
    )
    success = ("答对了！precision@k 除以 k，recall@k 除以客户真实新买的个数，没有推荐的客户记 0；"
               "覆盖率看整个产品目录。课程函数 recommend.evaluate 就是这样算的。")

    @property
    def k(self) -> int:
        """Products shown per customer."""
        return int(self.context["k"])

    @property
    def recs(self) -> dict:
        """Recommendation lists ``{customer: [products best first]}`` (a copy)."""
        return {c: list(v) for c, v in self.context["recs"].items()}

    @property
    def test(self) -> pd.DataFrame:
        """New products taken up after the split: ``customer_id, product_id`` (a copy)."""
        return self.context["test"].copy()

    @property
    def catalogue(self) -> list:
        """Every product of the catalogue (a copy)."""
        return list(self.context["catalogue"])

    @property
    def case(self) -> pd.DataFrame:
        """The case for display (Chinese headers)."""
        return case_table()

    def library(self) -> dict:
        """The course library's result on the case (:func:`course_utils.recommend.evaluate`)."""
        return recommend.evaluate(self.test, self.recs, self.catalogue, k=self.k)

    def expected(self) -> dict:
        right = metric_variants(self.context["recs"], self.context["takeups"], self.context["catalogue"],
                                self.k)["right"]
        return dict(right)

    def diagnose(self, answer: Any) -> str | None:
        variants = metric_variants(self.context["recs"], self.context["takeups"],
                                   self.context["catalogue"], self.k)
        return diagnose_metrics(answer, variants)
