"""Lecture 4, question 3: train a sentiment model and read three of its mistakes.

The trainee gets most of the bank's customer messages (:attr:`Sentiment.messages`, with the
label ``sentiment``: 正面 / 中性 / 负面); the rest are **held back by the check** (every message
whose text also occurs in the held-back part is held back too, so the check scores the model on
texts it has never seen). The trainee trains a model
(:func:`course_utils.sentiment.make_sentiment_model` or their own scikit-learn pipeline, fitted
on 1 = negative) and picks three messages it gets wrong. Answer::

    {"model": model, "mistakes": [text1, text2, text3]}   # or three message_id, or a 3-row table

The check verifies

* the model: fitted, two classes with 1 = negative (``predict_proba(texts)[:, 1]``);
* its AUC on the held-back messages: at least :data:`AUC_FLOOR` and above the negation-aware
  lexicon baseline (:func:`course_utils.sentiment.negation_aware_lexicon`) on the same messages;
  an AUC below 0.5 means the labels were turned round;
* negation: for the pairs of :data:`NEGATION_CHECK` (a positive word and the same phrase with a
  negator: 满意 / 不满意) the negated text must score more negative in at least
  :data:`NEGATION_MIN_CORRECT` of them (a stop-word list that drops 不 / 没 fails here);
* the mistakes: three different messages from :attr:`Sentiment.messages` that the model really
  classifies wrongly at the 0.5 cut (predicted negative but not labelled 负面, or the reverse).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from course_utils import sentiment as S
from course_utils.exercises import Exercise, answers

#: Share of the messages the check holds back (grouped by text: no held-back text is given out).
HELD_BACK_SHARE = 0.25
#: Lowest acceptable AUC on the held-back messages (the model must also beat the lexicon).
AUC_FLOOR = 0.85
#: A positive phrase and the same phrase negated: the second must score more negative.
NEGATION_CHECK: tuple[tuple[str, str], ...] = (
    ("这次服务我满意", "这次服务我不满意"),
    ("客户经理耐心", "客户经理不耐心"),
    ("手续费合理", "手续费不合理"),
    ("手机银行好用", "手机银行不好用"),
    ("还款提醒及时", "还款提醒不及时"),
    ("转账方便", "转账不方便"),
    ("柜员态度专业", "柜员态度不专业"),
)
#: How many of the :data:`NEGATION_CHECK` pairs the model must get right.
NEGATION_MIN_CORRECT = 6
#: Negated *negative* words (不贵, 没问题): models trained on bank messages often still call
#: them negative. Not required; the notebook shows them as a place to look for mistakes.
NEGATED_NEGATIVES: tuple[tuple[str, str], ...] = (
    ("手续费贵", "手续费不贵"),
    ("办业务麻烦", "办业务不麻烦"),
    ("到账有问题", "到账没问题"),
    ("排队慢", "排队不慢"),
)
#: Number of mistakes asked for.
N_MISTAKES = 3
#: The answer's keys and the names a trainee may use for them.
KEYS = {"model": ("model", "模型", "clf", "pipeline"),
        "mistakes": ("mistakes", "errors", "错误", "错例", "判错")}


def split_messages(messages: pd.DataFrame, seed: int = 0,
                   share: float = HELD_BACK_SHARE) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(given, held_back)``: a random share of the distinct texts is held back, with every
    message carrying one of those texts (so the model is scored on texts it never saw).

    Deterministic for a seed; rows keep their order.

    >>> m = pd.DataFrame({"text": ["好", "差", "好", "一般", "太差", "很好", "不满意", "满意"]})
    >>> given, held = split_messages(m, seed=0, share=0.25)
    >>> len(given) + len(held) == len(m), set(given.text) & set(held.text)
    (True, set())
    """
    texts = messages["text"].astype(str).to_numpy()
    distinct = np.unique(texts)
    rng = np.random.default_rng(seed)
    n_held = max(1, int(round(share * len(distinct))))
    held_texts = set(distinct[rng.permutation(len(distinct))[:n_held]].tolist())
    mask = np.array([t in held_texts for t in texts], dtype=bool)
    return messages[~mask].copy(), messages[mask].copy()


def reference_model(given: pd.DataFrame, seed: int = 0):
    """The solution's model and its validation part: ``(model, valid, p_negative_valid)``.

    Trained with :func:`course_utils.sentiment.make_sentiment_model` on 70 % of ``given``;
    ``valid`` is the other 30 % (where the solution reads its mistakes).
    """
    from sklearn.model_selection import train_test_split

    y = S.negative_labels(given["sentiment"])
    train, valid = train_test_split(given, test_size=0.3, random_state=seed, stratify=y)
    model = S.make_sentiment_model().fit(train["text"], S.negative_labels(train["sentiment"]))
    return model, valid, model.predict_proba(valid["text"])[:, 1]


def auc(y: np.ndarray, score: np.ndarray) -> float:
    """Area under the ROC curve (ties count half); NaN with a single class.

    >>> auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    0.75
    """
    y = np.asarray(y, dtype=bool)
    s = np.asarray(score, dtype=float)
    pos, neg = s[y], s[~y]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    ranks = pd.Series(np.concatenate([pos, neg])).rank(method="average").to_numpy()
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def read_answer(answer: Any) -> tuple[dict | None, str]:
    """``({"model": m, "mistakes": x}, "")`` or ``(None, message)``; never raises."""
    return answers.read_keyed(answer, KEYS, "{'model': 你的模型, 'mistakes': [判错的消息1, 消息2, 消息3]}")


def score_texts(model: Any, texts: list[str]) -> tuple[np.ndarray | None, str]:
    """``(probability negative per text, "")`` or ``(None, what is wrong with the model)``."""
    if isinstance(model, type):
        return None, "model 是一个类，不是训练好的模型：先创建并训练，例如 model = make_sentiment_model().fit(...)。"
    predict = getattr(model, "predict_proba", None) if not isinstance(model, (str, bytes)) else None
    if not callable(predict):
        return None, (f"model 应该是训练好的模型（有 predict_proba 方法，例如 make_sentiment_model() 训练后的结果）；"
                      f"你给的是{answers.type_name(model)}。")
    from sklearn.exceptions import NotFittedError

    try:
        proba = predict(list(texts))
    except NotFittedError:
        return None, "模型还没有训练：先 model.fit(文本, 标签)，标签 1 = 负面（用 negative_labels 转换）。"
    except Exception as exc:  # noqa: BLE001 - the trainee's own model: report, never raise
        return None, (f"用你的模型给消息打分时出错（{type(exc).__name__}）：模型应能直接接收一组原始中文文本，"
                      "例如 model.predict_proba(['服务很好'])。")
    try:
        proba = np.asarray(proba, dtype=float)
    except (TypeError, ValueError):
        return None, "model.predict_proba 返回的不是数字表：模型应是 scikit-learn 的分类器或流水线。"
    if proba.ndim != 2 or proba.shape[0] != len(texts):
        return None, "model.predict_proba 应返回每条消息一行的概率表：模型应是 scikit-learn 的分类器或流水线。"
    if proba.shape[1] != 2:
        return None, (f"模型有 {proba.shape[1]} 个类别：这里要的是二分类，标签 1 = 负面、0 = 非负面"
                      "（用 negative_labels(messages['sentiment']) 转换“正面/中性/负面”）。")
    classes = getattr(model, "classes_", None)
    if classes is not None:
        try:
            labels = [int(c) for c in list(classes)]
        except (TypeError, ValueError):
            labels = None
        if labels != [0, 1]:
            return None, ("模型的类别不是 0 和 1：标签应是 1 = 负面、0 = 非负面，"
                          "用 negative_labels(messages['sentiment']) 转换，不要直接用“正面/负面”文字。")
    p = proba[:, 1]
    if not np.isfinite(p).all():
        return None, "模型给出的概率里有空值 (NaN) 或无穷大：检查一下模型的训练。"
    return p, ""


def read_mistakes(mistakes: Any) -> tuple[list[str] | None, str]:
    """The trainee's mistakes as a list of strings (texts or message ids), or a message."""
    what = "mistakes 应该是 3 条判错的消息：文字列表、message_id 列表，或 3 行的表格（含 text 列）"
    if isinstance(mistakes, pd.DataFrame):
        if "text" in mistakes.columns:
            items = mistakes["text"].tolist()
        elif "message_id" in mistakes.columns:
            items = mistakes["message_id"].tolist()
        elif mistakes.index.name == "message_id":
            items = list(mistakes.index)
        else:
            return None, f"{what}；这个表格里没有 text 列。"
    elif isinstance(mistakes, (pd.Series, pd.Index)):
        items = list(mistakes)
    elif isinstance(mistakes, np.ndarray):
        if mistakes.ndim != 1:
            return None, f"{what}；你给的是 {mistakes.ndim} 维数组。"
        items = mistakes.tolist()
    elif isinstance(mistakes, (list, tuple, set, frozenset)):
        items = list(mistakes)
    else:
        return None, f"{what}；你给的是{answers.type_name(mistakes)}。"
    bad = [i for i, t in enumerate(items) if not isinstance(t, str)]
    if bad:
        return None, (f"mistakes 的第 {bad[0] + 1} 项不是一段文字（是{answers.type_name(items[bad[0]])}）："
                      "每一项是一条消息的原文或 message_id。")
    items = [t.strip() for t in items]
    if any(not t for t in items):
        return None, "mistakes 里有空文字：每一项是一条消息的原文或 message_id。"
    if len(items) != N_MISTAKES:
        return None, f"mistakes 要正好 {N_MISTAKES} 条消息，你给了 {len(items)} 条。"
    if len(set(items)) != len(items):
        return None, "mistakes 里有重复的消息：请找 3 条不同的判错消息。"
    return items, ""


class MessageIndex:
    """The labelled messages looked up fast: text -> labels (1 = negative), message_id -> text,
    and the held-back texts with their labels (computed once per exercise)."""

    def __init__(self, given: pd.DataFrame, held: pd.DataFrame):
        labels: dict[str, set] = {}
        for text, y in zip(given["text"].astype(str), S.negative_labels(given["sentiment"])):
            labels.setdefault(text, set()).add(int(y))
        self.labels = labels
        self.text_of_id = (dict(zip(given["message_id"].astype(str), given["text"].astype(str)))
                           if "message_id" in given else {})
        self.held_texts = held["text"].astype(str).tolist()
        self.y_held = S.negative_labels(held["sentiment"])


def diagnose_sentiment(answer: Any, index: MessageIndex, baseline_auc: float) -> str | None:
    """None if the model is good on the held-back messages, handles negation and the three
    mistakes are real mistakes of it; else what is wrong."""
    parts, msg = read_answer(answer)
    if parts is None:
        return msg
    items, msg = read_mistakes(parts["mistakes"])
    if items is None:
        return msg
    model = parts["model"]
    p_held, msg = score_texts(model, index.held_texts)
    if p_held is None:
        return msg
    a = auc(index.y_held, p_held)
    if not math.isfinite(a):
        return "留出的消息只有一种情感，没法计算 AUC（数据太少）：请告诉讲师。"
    if a < 0.5:
        return (f"模型在留出消息上的 AUC 只有 {a:.2f}，比随便猜（0.5）还差：标签方向可能反了，"
                "应该是 1 = 负面（negative_labels 的结果），predict_proba(...)[:, 1] = 负面的概率。")
    floor = max(AUC_FLOOR, baseline_auc)
    if a < floor:
        return (f"模型在留出消息上的 AUC 是 {a:.3f}，还不够好：要至少 {AUC_FLOOR:.2f}，并且高于"
                f"词典基线（考虑否定的词典法）的 {baseline_auc:.3f}。用 q3.messages 里更多的消息训练，"
                "或换用 make_sentiment_model()。")
    pos = [p for p, _ in NEGATION_CHECK]
    neg = [n for _, n in NEGATION_CHECK]
    p_pos, msg = score_texts(model, pos)
    if p_pos is None:
        return msg
    p_neg, _ = score_texts(model, neg)
    ok = p_neg > p_pos
    if ok.sum() < NEGATION_MIN_CORRECT:
        i = int(np.flatnonzero(~ok)[0])
        return (f"模型没分清否定：“{neg[i]}”的负面概率（{p_neg[i]:.2f}）不高于“{pos[i]}”（{p_pos[i]:.2f}）；"
                f"{len(ok)} 组否定句只判对 {int(ok.sum())} 组。是不是把“不”“没”当停用词去掉了，或者只用了单个词？")
    texts, truths = [], []
    for i, item in enumerate(items, 1):
        text = item if item in index.labels else index.text_of_id.get(item)
        if text is None:
            return (f"第 {i} 条“{item[:30]}”不在 q3.messages 里：请从 q3.messages（或你从中分出的验证集）"
                    "复制消息原文，或给出它的 message_id。")
        texts.append(text)
        truths.append(index.labels[text])
    if len(set(texts)) != len(texts):
        return "mistakes 里有两项指向同一条消息文字：请找 3 条不同的判错消息。"
    p_items, msg = score_texts(model, texts)
    if p_items is None:
        return msg
    for i, (text, p, truth) in enumerate(zip(texts, p_items, truths), 1):
        pred = int(p >= 0.5)
        if truth == {pred}:
            label = "负面" if pred else "非负面"
            return (f"第 {i} 条“{text[:30]}”你的模型其实判对了（负面概率 {p:.2f}，判为{label}，和标签一致）："
                    "找模型预测（概率 ≥ 0.5 判为负面）和标签不一致的消息。")
    return None


class Sentiment(Exercise):
    """Q3: a sentiment model good on held-back messages, negation-aware, and three of its mistakes."""

    id = "L4.sentiment"
    title = "训练情感分析模型，找出它的三个错误"
    hints = [
        "先把标签转换成 1 = 负面、0 = 非负面：y = negative_labels(q3.messages['sentiment'])；"
        "再用 train_test_split 分出一部分消息做验证集（不参与训练）。",
        "model = make_sentiment_model().fit(训练集文本, 训练集标签)；"
        "p = model.predict_proba(验证集文本)[:, 1] 是每条消息为负面的概率，p ≥ 0.5 判为负面。",
        "判错的消息 = 预测（p ≥ 0.5）和标签不一致的行：valid[(p >= 0.5) != y_valid]；"
        "取其中 3 条的 text，和模型一起放进字典：{'model': model, 'mistakes': [...]}。",
    ]
    solution_code = (
        "from sklearn.model_selection import train_test_split\n"
        "messages = q3.messages\n"
        "train, valid = train_test_split(messages, test_size=0.3, random_state=0,\n"
        "                                stratify=negative_labels(messages['sentiment']))\n"
        "model = make_sentiment_model()                                  # 字 1–3 元组 TF-IDF + 逻辑回归\n"
        "model.fit(train['text'], negative_labels(train['sentiment']))    # 1 = 负面\n"
        "p = model.predict_proba(valid['text'])[:, 1]                      # 负面概率\n"
        "wrong = valid[(p >= 0.5) != negative_labels(valid['sentiment'])]  # 判错的消息\n"
        "answer3 = {'model': model, 'mistakes': wrong['text'].head(3).tolist()}"
    )
    success = ("答对了！模型在它没见过的留出消息上表现好、分得清“满意/不满意”，你找的三条确实是它判错的。"
               "读一读错例：常见的是反话、“不贵/没问题”这类否定负面词、以及一条消息里既夸又抱怨。")

    @property
    def messages(self) -> pd.DataFrame:
        """The labelled messages the trainee may use (a copy; the check holds the rest back)."""
        return self.context["given"].copy()

    @property
    def auc_floor(self) -> float:
        """The AUC the model must reach on the held-back messages (and beat the lexicon)."""
        return max(AUC_FLOOR, float(self.context["baseline_auc"]))

    def reference(self):
        """The solution's ``(model, valid, p_negative_valid)`` (computed once)."""
        ref = getattr(self, "_reference", None)
        if ref is None:
            ref = reference_model(self.context["given"], seed=0)
            self._reference = ref
        return ref

    def expected(self) -> dict:
        model, valid, p = self.reference()
        y = S.negative_labels(valid["sentiment"])
        wrong = valid[(p >= 0.5).astype(int) != y]
        # texts whose every labelled copy disagrees with the prediction
        texts = []
        labels = self.context["index"].labels
        for text, pv in zip(wrong["text"].astype(str), (p >= 0.5)[(p >= 0.5).astype(int) != y]):
            if text not in texts and labels[text] == {1 - int(pv)}:
                texts.append(text)
            if len(texts) == N_MISTAKES:
                break
        return {"model": model, "mistakes": texts}

    def diagnose(self, answer: Any) -> str | None:
        return diagnose_sentiment(answer, self.context["index"], float(self.context["baseline_auc"]))
