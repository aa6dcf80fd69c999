"""Lecture 3, question 2: three churn models on an out-of-time split, and the lift at a contact budget.

The trainee fits logistic regression, a decision tree and a random forest on the
earlier cut-off (``train``), scores the later one (``test``), picks the model with
the highest AUC and computes the lift of calling its ``budget`` highest-scored
customers. The check recomputes everything from the trainee's own scores (so any
random_state is fine) and recognises: scores of the training set or of a random
part of the test set, labels (``predict``) instead of probabilities, a leaked label
(AUC near 1), test customers seen in training (random split), the wrong "best"
model, and precision / recall / another budget / another model instead of the lift.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from course_utils.exercises import Exercise, answers

KINDS = ("logistic", "tree", "forest")
KIND_ZH = {"logistic": "逻辑回归", "tree": "决策树", "forest": "随机森林"}
#: AUC at or above this on the test set means the label leaked into the features.
LEAK_AUC = 0.97
#: A forest scoring this much above the reference forest has seen test customers.
SEEN_TEST_MARGIN = 0.04


def _scores(value: Any, n: int, n_train: int, kind: str) -> tuple[np.ndarray | None, str | None]:
    s = answers.to_series(value)
    name = f"scores['{kind}']"
    if s is None or isinstance(value, (str, bytes)):
        return None, f"{name} 应该是每位测试客户一个分数（数组或 Series），你给的是{answers.type_name(value)}。"
    if not (pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)):
        return None, f"{name} 应该是数字（流失概率），不是{answers.type_name(s.iloc[0]) if len(s) else '空的'}。"
    v = s.to_numpy(dtype=float, na_value=np.nan)
    if len(v) != n:
        if len(v) == n_train:
            return None, f"{name} 是训练集上的分数：要用训练好的模型给测试集 test 的 {n:,} 位客户打分。"
        if 0 < len(v) < n:
            return None, (f"{name} 只有 {len(v):,} 个分数，测试集有 {n:,} 位客户：是不是随机切分出了一部分？"
                          "按时间切分：训练集 = 较早的截止日，测试集 = 较晚截止日的全部客户。")
        return None, f"{name} 有 {len(v):,} 个分数，应该和测试集一样多（{n:,} 个）。"
    if not np.isfinite(v).all():
        return None, f"{name} 里有缺失值或无穷大：每位客户都要有分数。"
    if len(np.unique(v)) <= 2:
        return None, (f"{name} 只有 0/1 两种取值，像是 predict() 的预测类别：要用 predict_proba(...)[:, 1] "
                      "的流失概率排序，才能算 AUC 和提升度。")
    return v, None


class ModelCompare(Exercise):
    """Q2: AUC of three models on an out-of-time test set; lift of the best at a contact budget."""

    id = "L3.model_compare"
    title = "三个模型的时间外验证与预算下的提升度"
    hints = [
        "每种模型：model = make_churn_model(kind, FEATURES)；model.fit(train[FEATURES], train['churned'])；"
        "分数 = model.predict_proba(test[FEATURES])[:, 1]。只在 train 上训练，只给 test 打分。",
        "AUC：roc_auc_score(test['churned'], 分数)。best = AUC 最高的那种模型的名字（'logistic'/'tree'/'forest'）。",
        "提升度 (lift) = 前 BUDGET 位（按分数从高到低）里的流失率 ÷ 测试集整体流失率。"
        "排序：np.argsort(-分数, kind='stable')[:BUDGET]。",
    ]
    solution_code = (
        "scores = {}\n"
        "for kind in ['logistic', 'tree', 'forest']:\n"
        "    model = make_churn_model(kind, FEATURES)\n"
        "    model.fit(train[FEATURES], train['churned'])                 # 只用较早的截止日训练\n"
        "    scores[kind] = model.predict_proba(test[FEATURES])[:, 1]     # 给较晚截止日的客户打分\n"
        "auc = {kind: roc_auc_score(test['churned'], s) for kind, s in scores.items()}\n"
        "best = max(auc, key=auc.get)\n"
        "top = np.argsort(-scores[best], kind='stable')[:BUDGET]          # 分数最高的 BUDGET 位\n"
        "lift = test['churned'].iloc[top].mean() / test['churned'].mean()\n"
        "answer2 = {'scores': scores, 'best': best, 'lift': lift}\n"
        "q2.check(answer2)"
    )
    success = ("答对了！时间外验证 (out-of-time) 的 AUC 才是模型上线后的真实水平；"
               "提升度告诉业务：同样打这么多电话，比随机挑人多找到几倍的流失客户。")

    @property
    def budget(self) -> int:
        """Customers the team can call (the lift's budget)."""
        return int(self.context["budget"])

    @property
    def train(self) -> pd.DataFrame:
        """Churn table at the earlier cut-off (a copy)."""
        return self.context["models"].train.copy()

    @property
    def test(self) -> pd.DataFrame:
        """Churn table at the later cut-off (a copy)."""
        return self.context["models"].test.copy()

    def expected(self) -> dict:
        m = self.context["models"]
        scores = m.scores()
        auc = {k: m.auc(v) for k, v in scores.items()}
        best = max(KINDS, key=lambda k: auc[k])
        return {"scores": {k: v.copy() for k, v in scores.items()}, "best": best,
                "lift": m.metrics(scores[best], self.budget)["lift"]}

    def diagnose(self, answer: Any) -> str | None:
        m = self.context["models"]
        if not isinstance(answer, Mapping):
            return ("答案应该是字典 {'scores': {模型: 分数}, 'best': 模型名, 'lift': 提升度}，"
                    f"你给的是{answers.type_name(answer)}。")
        missing = [k for k in ("scores", "best", "lift") if k not in answer]
        if missing:
            return f"字典缺少键 {', '.join(missing)}：需要 'scores'、'best'、'lift'。"
        raw = answer["scores"]
        if not isinstance(raw, Mapping):
            return f"answer2['scores'] 应该是字典 {{'logistic': 分数, 'tree': 分数, 'forest': 分数}}，你给的是{answers.type_name(raw)}。"
        lacking = [k for k in KINDS if k not in raw]
        if lacking:
            return f"scores 缺少模型 {', '.join(lacking)}：三种模型都要训练和打分。"
        n, n_train = len(m.test), len(m.train)
        scores = {}
        for k in KINDS:
            v, msg = _scores(raw[k], n, n_train, k)
            if msg:
                return msg
            scores[k] = v
        auc = {k: m.auc(v) for k, v in scores.items()}
        leaked = [k for k in KINDS if auc[k] >= LEAK_AUC]
        if leaked:
            return (f"{KIND_ZH[leaked[0]]}的 AUC 高达 {auc[leaked[0]]:.3f}，好得不真实：特征里混进了答案"
                    "（例如 churned 本身或截止日之后的信息），这是数据泄漏 (leakage)。只用 FEATURES 里的列。")
        flipped = [k for k in KINDS if auc[k] < 0.5]
        if flipped:
            return (f"{KIND_ZH[flipped[0]]}的分数越高反而越不流失（AUC {auc[flipped[0]]:.3f} < 0.5）：取错了列？"
                    "流失概率是 predict_proba(...)[:, 1]，并且要和 test 的行顺序一致。")
        ref = m.auc(m.scores()["forest"])
        if auc["forest"] > ref + SEEN_TEST_MARGIN:
            return (f"随机森林在测试集上的 AUC（{auc['forest']:.3f}）比只用训练集训练时高出一截："
                    "测试集的客户参与了训练（随机切分，或把测试集并进了训练集）。只用 train 训练。")
        best = answer["best"]
        if not isinstance(best, str) or best not in KINDS:
            return f"best 应该是 'logistic'、'tree' 或 'forest' 之一，你给的是{answers.type_name(best)}。"
        top = max(KINDS, key=lambda k: auc[k])
        if best != top:
            return ("best 不是 AUC 最高的模型：你的三个 AUC 是 "
                    + "、".join(f"{KIND_ZH[k]} {auc[k]:.3f}" for k in KINDS) + "。")
        lift = answers.to_number(answer["lift"])
        if lift is None:
            return f"lift 应该是一个数字（倍数，例如 3.2），你给的是{answers.type_name(answer['lift'])}。"
        return self._lift(lift, scores, best)

    def _lift(self, lift: float, scores: dict, best: str) -> str | None:
        m = self.context["models"]
        b = self.budget
        right = m.metrics(scores[best], b)

        def near(x):
            return x == x and abs(lift - x) <= 0.005 * max(1.0, abs(x))

        if near(right["lift"]):
            return None
        if near(right["precision"]):
            return "这是精确率 (precision)：提升度 = 精确率 ÷ 测试集整体流失率。"
        if near(100 * right["precision"]):
            return "这是百分数形式的精确率 (precision)：提升度 = 精确率 ÷ 测试集整体流失率，是倍数。"
        if near(right["recall"]):
            return "这是召回率 (recall)：提升度 = 前 BUDGET 位的流失率 ÷ 整体流失率。"
        if near(right["churners_reached"]):
            return "这是联系到的流失客户人数：再除以 BUDGET 得到精确率，再除以整体流失率得到提升度。"
        for k in KINDS:
            if k != best and near(m.metrics(scores[k], b)["lift"]):
                return f"这是{KIND_ZH[k]}的提升度：题目要 AUC 最高的模型（{KIND_ZH[best]}）的。"
        n = len(m.test)
        if near(m.decile_lift(scores[best])):
            return f"这是前 10%（第一个十分位）的提升度：题目的预算是 {b} 位客户。"
        for other in {max(1, b // 10), min(n, b * 10), max(1, b - 100), min(n, b + 100)}:
            if other != b and near(m.metrics(scores[best], other)["lift"]):
                return f"预算不对：这是联系 {other} 位客户的提升度，题目是 {b} 位。"
        if near(1.0 / right["lift"]) if right["lift"] else False:
            return "除反了：提升度 = 前 BUDGET 位的流失率 ÷ 整体流失率。"
        return "提升度偏大了。" if lift > right["lift"] else "提升度偏小了。"
