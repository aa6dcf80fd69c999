"""A retrieval FAQ chatbot with a human hand-off (Lecture 4 smart service; Lecture 3 hand-off rules).

How the bot answers a message:

1. The message is cleaned like every text of the course (:func:`course_utils.sentiment.clean_text`);
   greetings / thanks (:data:`POLITE_PHRASES`: "你好", "请问", "谢谢" ...), punctuation and spaces
   are removed (:func:`question_key`).
2. Character 1-3-gram TF-IDF vectors (the same analyzer as the sentiment model; the IDF is
   learnt from the FAQ questions) are compared by cosine similarity with every FAQ question.
3. The most similar question wins; its similarity (0..1) is the bot's ``confidence``.
4. The bot **hands off to a human** (``handoff=True``, answer = :data:`HANDOFF_MESSAGE`) when the
   confidence is below ``threshold``, when the best question's intent is one a human must
   handle (``human_intents``, default 利率协商 and 投诉), or when the customer asks to negotiate
   a rate or fee (:func:`asks_rate_negotiation`).

:func:`threshold_table` shows the trade-off a service manager sets with the threshold: a higher
threshold answers fewer messages, gives fewer wrong answers and sends more work to humans.

Hand-off rules of Lecture 3 (智能客服话术与转人工规则):

- :func:`same_question_repeated` - the same question asked ``n`` times in one conversation
  (identical after removing greetings, thanks, punctuation and spaces) -> a human agent;
  :func:`repeated_questions` applies the rule to a whole messages table;
- :func:`asks_rate_negotiation` - the customer wants a lower rate / fee -> a human agent.

Wrong calls raise :class:`~course_utils.errors.CourseArgumentError` (Chinese line, English line).

>>> bot = FaqBot()
>>> r = bot.answer(["信用卡丢了怎么挂失？", "今天天气怎么样"])
>>> r.intent.tolist()[0], r.handoff.tolist()
('挂失补卡', [False, True])
"""
from __future__ import annotations

import math
import numbers
import re

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from course_utils.errors import CourseArgumentError
from course_utils.sentiment import as_texts, clean_text

__all__ = [
    "FAQ",
    "POLITE_PHRASES",
    "HANDOFF_MESSAGE",
    "HUMAN_INTENTS",
    "default_faq",
    "FaqBot",
    "threshold_table",
    "question_key",
    "same_question_repeated",
    "repeated_questions",
    "asks_rate_negotiation",
]

#: The answer when the bot hands a message to a human agent.
HANDOFF_MESSAGE = "这个问题我为您转接人工客服，请稍候。"
#: Intents the bot never answers itself (a human negotiates rates and handles complaints).
HUMAN_INTENTS: tuple[str, ...] = ("利率协商", "投诉")

#: The bank's FAQ: (question, answer, intent). XX marks a slot the live system fills in
#: (amount, date, product name) - the scripts of Lecture 3 (智能客服话术模板).
FAQ: tuple[tuple[str, str, str], ...] = (
    ("这个月信用卡账单多少钱", "您好，您本月账单为XX元，还款日为XX。", "账单查询"),
    ("信用卡还款日是哪天，账单几号出", "您好，您的账单日为每月XX日，还款日为每月XX日，请按时还款以免影响信用。", "账单查询"),
    ("本期最低还款额是多少", "您好，您本期最低还款额为XX元，全额还款可免利息。", "账单查询"),
    ("账单分期还剩几期没还", "您好，您的账单分期共XX期，已还XX期，剩余XX期，每期应还XX元。", "账单查询"),
    ("没有收到账单短信怎么查账单", "您好，可在手机银行“信用卡-账单”查看电子账单，也可回复短信重新订阅账单提醒。", "账单查询"),
    ("理财产品现在年化收益是多少", "您好，当前XX产品年化收益3.8%（业绩比较基准，不代表实际收益），理财非存款，投资需谨慎。",
     "理财收益咨询"),
    ("买理财一年大概能赚多少钱", "您好，按XX产品业绩比较基准年化3.8%估算，1万元一年约380元，实际收益以到期兑付为准，不保本。",
     "理财收益咨询"),
    ("理财到期了收益什么时候到账", "您好，产品到期后本金和收益一般在1-3个工作日内到账，请留意账户余额变动。", "理财收益咨询"),
    ("理财产品可以提前赎回吗", "您好，开放式产品可在开放日赎回，封闭期内不能提前赎回，具体以产品说明书为准。", "理财收益咨询"),
    ("想了解理财产品的收益和风险，保本吗", "您好，理财产品不保本，风险等级R1-R5，购买前需完成风险测评，仅可购买不超过您风险承受能力的产品。",
     "理财收益咨询"),
    ("贷款利率能不能调低一点", "您好，利率调整需要人工审核，我为您转接客户经理。", "利率协商"),
    ("逾期了能不能协商减免利息", "您好，逾期协商需要人工处理，我为您转接专员。", "利率协商"),
    ("我要投诉，服务太差了", "非常抱歉给您带来不好的体验，我为您转接投诉专员，我们会在24小时内回复。", "投诉"),
    ("银行卡丢了怎么挂失", "您好，可立即在手机银行“卡片管理-挂失”办理临时挂失，或拨打客服热线，之后携带身份证到网点补卡。",
     "挂失补卡"),
    ("补办银行卡需要带什么材料", "您好，请携带本人有效身份证件到任一网点办理补卡，工本费以网点公示为准。", "挂失补卡"),
    ("卡被偷了，怎么马上冻结", "您好，请立即在手机银行“卡片管理”冻结或挂失该卡，也可拨打客服热线24小时办理。", "挂失补卡"),
    ("转账到其他银行多久能到账", "您好，跨行实时转账一般即时到账，普通转账一般在24小时内到账。", "转账问题"),
    ("手机银行转账限额是多少", "您好，手机银行单笔和单日转账限额可在“安全中心-限额管理”中查看和调整。", "转账问题"),
    ("转账失败了钱却被扣了怎么办", "您好，转账失败的款项一般会在1-3个工作日内自动退回原账户，请您放心。", "转账问题"),
    ("转账转错了能撤回吗", "您好，已到账的转账无法撤回，请联系收款人退回；未到账的普通转账可在手机银行“转账记录”中撤销。",
     "转账问题"),
    ("怎么设置转账白名单", "您好，可在手机银行“转账-收款人管理”中添加常用收款人。", "转账问题"),
    ("销户需要办理什么手续", "您好，请携带本人身份证和银行卡到开户网点办理销户，账户内需无余额和未结清业务。", "销户"),
    ("不常用的卡想注销，去外地了账户怎么处理", "您好，不常用的卡可到任一网点注销，注销前请确认卡内没有余额和自动扣款。", "销户"),
    ("网点几点开门几点关门", "您好，网点一般工作日9:00-17:00营业，具体请在手机银行“网点查询”中查看。", "其他"),
    ("怎么修改预留手机号", "您好，请携带身份证到网点修改，或在手机银行“个人信息”中通过人脸识别修改。", "其他"),
    ("信用卡积分怎么兑换", "您好，可在手机银行“信用卡-积分商城”兑换礼品或抵扣年费。", "其他"),
    ("不会用手机银行，能教一下吗", "您好，可在手机银行首页点击“新手指南”，也可到网点请大堂经理现场指导。", "其他"),
)

#: Greetings and thanks removed before matching and before comparing questions.
POLITE_PHRASES: tuple[str, ...] = (
    "麻烦问一下", "麻烦问下", "麻烦您", "麻烦你", "麻烦帮我", "请问一下", "请问", "你好", "您好", "谢谢你",
    "谢谢您", "谢谢", "多谢", "喂", "您", "啊", "呢", "哦", "嗯",
)
_POLITE_RE = re.compile("|".join(re.escape(w) for w in sorted(POLITE_PHRASES, key=len, reverse=True)))
_PUNCT_RE = re.compile(r"[\s,.!?;:、，。！？；：…~～\"'“”‘’()（）【】\[\]<>《》-]+")


def _arg_error(zh: str, en: str) -> CourseArgumentError:
    return CourseArgumentError(f"{zh}\n{en}")


def default_faq() -> pd.DataFrame:
    """The bank's FAQ table (:data:`FAQ`) as a DataFrame with columns question, answer, intent.

    >>> f = default_faq()
    >>> list(f.columns), len(f) >= 20
    (['question', 'answer', 'intent'], True)
    """
    return pd.DataFrame(list(FAQ), columns=["question", "answer", "intent"])


def question_key(text) -> str:
    """A message reduced to its question: cleaned, greetings / thanks, punctuation and spaces removed.

    Two messages are "the same question" when their keys are equal and not empty.

    >>> question_key("您好，本月账单多少钱？谢谢") == question_key("本月账单多少钱")
    True
    """
    s = clean_text(text)
    s = _PUNCT_RE.sub("", s)
    return _POLITE_RE.sub("", s)


def _match_text(text) -> str:
    """Text used for matching: the :func:`question_key` (no greetings, thanks, punctuation)."""
    return question_key(text)


def _check_threshold(v, name: str = "threshold") -> float:
    if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(float(v)):
        raise _arg_error(f"{name} 必须是 0 到 1 之间的一个数（如 0.5），收到 {v!r}",
                         f"{name} must be a number between 0 and 1 (e.g. 0.5), got {v!r}")
    if not 0.0 <= float(v) <= 1.0:
        raise _arg_error(f"{name} 必须在 0 到 1 之间（置信度是 0~1 的相似度），收到 {float(v):g}",
                         f"{name} must be between 0 and 1 (confidence is a 0-1 similarity), got {float(v):g}")
    return float(v)


def _check_faq(faq) -> pd.DataFrame:
    if not isinstance(faq, pd.DataFrame):
        raise _arg_error(f"faq 应是一个表格（DataFrame，列 question, answer, intent），收到 {type(faq).__name__}",
                         f"faq must be a DataFrame with columns question, answer, intent, got {type(faq).__name__}")
    missing = [c for c in ("question", "answer", "intent") if c not in faq.columns]
    if missing:
        raise _arg_error(f"faq 缺少列 {missing}：需要 question（问题）、answer（答案）、intent（意图）三列",
                         f"faq is missing columns {missing}: it needs question, answer and intent")
    if len(faq) == 0:
        raise _arg_error("faq 是空表：至少需要一条问答", "faq is empty: it needs at least one question")
    out = faq[["question", "answer", "intent"]].reset_index(drop=True)
    for col in ("question", "answer", "intent"):
        vals = out[col].astype(object)
        empty = [i for i, v in enumerate(vals) if not clean_text(v)]
        if empty:
            i = empty[0]
            raise _arg_error(f"faq 第 {i} 行（从 0 数）的 {col} 是空的（共 {len(empty)} 行）：每条问答都要填写问题、答案和意图",
                             f"faq row {i} (from 0) has an empty {col} ({len(empty)} rows): every entry needs "
                             "a question, an answer and an intent")
        out[col] = [str(v) for v in vals]
    keys = [_match_text(q) for q in out["question"]]
    if not any(keys):
        raise _arg_error("faq 的问题去掉客套话后都是空的", "faq questions are empty once greetings are removed")
    return out


class _FaqTfidf(TfidfVectorizer):
    """TfidfVectorizer whose ``transform`` drops n-grams outside the fitted vocabulary before
    counting them: the same matrix, about 40 % faster on customer messages (most of their
    n-grams are not in the FAQ, and scikit-learn skips each of those through a KeyError)."""

    _only_known = False

    def build_analyzer(self):  # noqa: D102
        analyze = super().build_analyzer()
        if not self._only_known:
            return analyze
        known = self.vocabulary_
        return lambda doc: [g for g in analyze(doc) if g in known]

    def transform(self, raw_documents):  # noqa: D102
        self._only_known = True
        try:
            return super().transform(raw_documents)
        finally:
            self._only_known = False


class FaqBot:
    """Retrieval FAQ bot: answers a message with the most similar FAQ question's answer.

    Parameters
    ----------
    faq : DataFrame with columns ``question``, ``answer``, ``intent`` (default :func:`default_faq`).
    threshold : minimum confidence (cosine similarity 0..1) to answer; below it -> human. The
        default 0.45 keeps wrong answers below about 5 % of the answered messages on the course's
        messages table while answering about a quarter of all messages (most others are
        complaints or praise, not FAQ questions) - see :func:`threshold_table`.
    human_intents : intents always handed to a human (default :data:`HUMAN_INTENTS`).
    rate_rule : hand off messages that ask to negotiate a rate or fee (:func:`asks_rate_negotiation`).

    >>> r = FaqBot(threshold=0.3).answer("手机银行转账的限额是多少")
    >>> r.intent[0], bool(r.handoff[0])
    ('转账问题', False)
    """

    def __init__(self, faq: pd.DataFrame | None = None, threshold: float = 0.45,
                 human_intents=HUMAN_INTENTS, rate_rule: bool = True):
        self.faq = _check_faq(default_faq() if faq is None else faq)
        self.threshold = _check_threshold(threshold)
        if isinstance(human_intents, str):
            human_intents = (human_intents,)
        if human_intents is None:
            human_intents = ()
        if not hasattr(human_intents, "__iter__") or not all(isinstance(i, str) for i in human_intents):
            raise _arg_error(f"human_intents 应是意图名称的列表（如 ['利率协商', '投诉']），收到 {human_intents!r}",
                             f"human_intents must be a list of intent names (e.g. ['利率协商', '投诉']), "
                             f"got {human_intents!r}")
        self.human_intents = tuple(human_intents)
        self.rate_rule = bool(rate_rule)
        self._vec = _FaqTfidf(analyzer="char", ngram_range=(1, 3), lowercase=False, sublinear_tf=True)
        self._faq_matrix = self._vec.fit_transform([_match_text(q) for q in self.faq["question"]])

    def __repr__(self) -> str:
        return f"FaqBot({len(self.faq)} questions, threshold={self.threshold:g})"

    def match(self, texts) -> pd.DataFrame:
        """Best FAQ match of each message, before any hand-off decision.

        Columns: ``faq_index`` (row of :attr:`faq`, -1 for an empty message), ``best_question``,
        ``intent``, ``confidence`` (cosine similarity 0..1, rounded to 9 decimals), ``human_rule`` (the reason a
        human must take it whatever the confidence: ``"人工意图"``, ``"利率协商"`` or ``""``).

        >>> FaqBot().match(["本期最低还款额是多少"]).confidence.round(2).tolist()
        [1.0]
        """
        raw = as_texts(texts)
        index = texts.index if isinstance(texts, (pd.Series, pd.DataFrame)) else None
        if raw:
            q = self._vec.transform([_match_text(t) for t in raw])
            sim = (q @ self._faq_matrix.T).toarray()
            best = np.argmax(sim, axis=1)  # first maximum on ties: deterministic
            # rounded: an exact FAQ question scores exactly 1.0 on every machine
            conf = np.clip(np.round(sim[np.arange(len(raw)), best], 9), 0.0, 1.0)
            empty = np.asarray(q.getnnz(axis=1) == 0)
        else:
            best, conf, empty = np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0, dtype=bool)
        faq_index = np.where(empty, -1, best)
        intent = np.where(empty, "", self.faq["intent"].to_numpy(dtype=object)[best])
        bq = np.where(empty, "", self.faq["question"].to_numpy(dtype=object)[best])
        rule = np.full(len(raw), "", dtype=object)
        if self.human_intents:
            rule[np.isin(intent.astype(object), list(self.human_intents)) & ~empty] = "人工意图"
        if self.rate_rule and raw:
            rule[np.asarray(asks_rate_negotiation(list(raw)), dtype=bool)] = "利率协商"
        return pd.DataFrame({"faq_index": faq_index.astype(np.int64), "best_question": list(bq),
                             "intent": list(intent), "confidence": np.where(empty, 0.0, conf),
                             "human_rule": list(rule)}, index=index).astype(
            {"best_question": str, "intent": str, "human_rule": str})

    def answer(self, texts, threshold: float | None = None) -> pd.DataFrame:
        """Answer messages: one row per message (a Series input keeps its index).

        Columns: ``best_question``, ``answer`` (the FAQ answer, or :data:`HANDOFF_MESSAGE`),
        ``intent`` (of the best question), ``confidence`` (0..1), ``handoff`` (True = a human
        takes it), ``reason`` (why it was handed off: ``置信度低`` low confidence, ``人工意图``
        an intent for humans, ``利率协商`` rate negotiation; ``""`` when answered).

        ``threshold``: use this instead of the bot's own for this call.

        >>> FaqBot().answer(["怎么设置转账白名单", "我的房贷利率能不能调低一点"]).reason.tolist()
        ['', '利率协商']
        """
        thr = self.threshold if threshold is None else _check_threshold(threshold)
        m = self.match(texts)
        low = m["confidence"].to_numpy() < thr
        rule = m["human_rule"].to_numpy(dtype=object)
        reason = np.where(rule != "", rule, np.where(low, "置信度低", ""))
        handoff = reason != ""
        answers = self.faq["answer"].to_numpy(dtype=object)[m["faq_index"].clip(lower=0).to_numpy()]
        ans = np.where(handoff, HANDOFF_MESSAGE, answers)
        return pd.DataFrame({"best_question": m["best_question"], "answer": list(ans), "intent": m["intent"],
                             "confidence": m["confidence"], "handoff": handoff, "reason": list(reason)},
                            index=m.index).astype({"answer": str, "reason": str})


def _thresholds(thresholds) -> list[float]:
    if thresholds is None:
        return [round(0.05 * i, 2) for i in range(21)]
    if isinstance(thresholds, numbers.Real) and not isinstance(thresholds, bool):
        thresholds = [thresholds]
    if isinstance(thresholds, (str, bytes)) or not hasattr(thresholds, "__iter__"):
        raise _arg_error(f"thresholds 应是 0~1 之间的一组数（如 [0.3, 0.5, 0.7]），收到 {thresholds!r}",
                         f"thresholds must be numbers between 0 and 1 (e.g. [0.3, 0.5, 0.7]), got {thresholds!r}")
    out = [_check_threshold(t, "threshold") for t in thresholds]
    if not out:
        raise _arg_error("thresholds 是空的：至少给一个阈值", "thresholds is empty: give at least one threshold")
    return out


def threshold_table(bot: FaqBot, texts, true_intents, thresholds=None,
                    minutes_per_handoff: float | None = None) -> pd.DataFrame:
    """Answer rate, wrong answers and human workload of ``bot`` at each confidence threshold.

    ``texts``: messages; ``true_intents``: their real intents (e.g. ``messages['intent']``),
    same length. An answered message is **right** when the bot's intent equals the true intent,
    **wrong** otherwise; a handed-off message is neither (a human answers it).

    Columns, one row per threshold (rates are shares of **all** messages, 0..1):
    ``threshold``, ``answered`` (count), ``answer_rate``, ``right_rate``, ``wrong_rate``,
    ``wrong_share_of_answered`` (wrong / answered; NaN when nothing is answered),
    ``handoffs`` (count: messages for human agents = the human workload), ``handoff_rate``,
    and ``human_hours`` when ``minutes_per_handoff`` is given (handoffs x minutes / 60).

    As the threshold rises, ``answer_rate`` and ``wrong_rate`` never rise and ``handoffs``
    never falls (the same messages are matched once; only the cut moves).

    >>> bot = FaqBot()
    >>> t = threshold_table(bot, ["银行卡丢了怎么挂失", "网点几点开门"], ["挂失补卡", "转账问题"], [0.2, 1.0])
    >>> t[["threshold", "answered", "wrong_rate", "handoffs"]].values.tolist()
    [[0.2, 2.0, 0.5, 0.0], [1.0, 1.0, 0.0, 1.0]]
    """
    if not isinstance(bot, FaqBot):
        raise _arg_error(f"bot 应是 FaqBot(...) 创建的机器人，收到 {type(bot).__name__}",
                         f"bot must be a FaqBot, got {type(bot).__name__}")
    raw = as_texts(texts)
    truth = as_texts(true_intents, "true_intents")
    if len(raw) != len(truth):
        raise _arg_error(f"texts 有 {len(raw)} 条，true_intents 有 {len(truth)} 个：两者应一一对应",
                         f"texts has {len(raw)} messages but true_intents has {len(truth)}: one intent per message")
    if not raw:
        raise _arg_error("texts 是空的：至少需要一条消息", "texts is empty: give at least one message")
    if isinstance(texts, pd.Series) and isinstance(true_intents, pd.Series) and not texts.index.equals(true_intents.index):
        raise _arg_error("texts 和 true_intents 的索引 (index) 不同，按位置对齐会把消息配错意图；"
                         "请从同一张表取两列，例如 chat['text'], chat['intent']，或都用 .tolist()",
                         "texts and true_intents have different indexes, so matching by position would pair "
                         "messages with the wrong intents; take both columns from one table or pass .tolist()")
    ths = _thresholds(thresholds)
    if minutes_per_handoff is not None:
        if isinstance(minutes_per_handoff, bool) or not isinstance(minutes_per_handoff, numbers.Real) \
                or not math.isfinite(minutes_per_handoff) or minutes_per_handoff < 0:
            raise _arg_error(f"minutes_per_handoff 应是 ≥ 0 的分钟数，收到 {minutes_per_handoff!r}",
                             f"minutes_per_handoff must be minutes >= 0, got {minutes_per_handoff!r}")
    m = bot.match(list(raw))
    conf = m["confidence"].to_numpy()
    forced = m["human_rule"].to_numpy(dtype=object) != ""
    right = m["intent"].to_numpy(dtype=object) == np.array([clean_text(t) for t in truth], dtype=object)
    n = len(raw)
    rows = []
    for t in ths:
        answered = ~forced & (conf >= t)
        k = int(answered.sum())
        wrong = int((answered & ~right).sum())
        row = {"threshold": t, "answered": k, "answer_rate": k / n, "right_rate": (k - wrong) / n,
               "wrong_rate": wrong / n, "wrong_share_of_answered": wrong / k if k else float("nan"),
               "handoffs": n - k, "handoff_rate": (n - k) / n}
        if minutes_per_handoff is not None:
            row["human_hours"] = (n - k) * float(minutes_per_handoff) / 60.0
        rows.append(row)
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------
# hand-off rules (Lecture 3)
# ---------------------------------------------------------------------------
def _check_n(n) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 2:
        raise _arg_error(f"n 应是 ≥ 2 的整数（同一问题问到第几次转人工），收到 {n!r}",
                         f"n must be a whole number >= 2 (hand off at the n-th identical question), got {n!r}")
    return int(n)


def same_question_repeated(history, n: int = 2) -> bool:
    """Has the customer now asked the same question ``n`` times in this conversation?

    ``history``: the customer's messages in this conversation, oldest first, the latest last.
    True when the latest message's :func:`question_key` occurs at least ``n`` times (an empty
    latest message never counts). Rule of Lecture 3: repeated identical question -> human agent.

    >>> same_question_repeated(["本月账单多少钱？", "您好，本月账单多少钱"])
    True
    >>> same_question_repeated(["本月账单多少钱？", "还款日是哪天"])
    False
    """
    n = _check_n(n)
    msgs = as_texts(history, "history")
    if not msgs:
        return False
    keys = [question_key(t) for t in msgs]
    last = keys[-1]
    return bool(last) and keys.count(last) >= n


def repeated_questions(messages: pd.DataFrame, n: int = 2, by=("customer_id", "msg_date"),
                       text: str = "text") -> pd.Series:
    """:func:`same_question_repeated` on a whole messages table, row by row in table order.

    A message is flagged (True) when it is at least the ``n``-th message with the same
    :func:`question_key` within its group ``by`` (default: the same customer on the same day).

    >>> m = pd.DataFrame({"customer_id": ["C1", "C1", "C2"], "msg_date": ["2024-01-02"] * 3,
    ...                   "text": ["还款日是哪天", "还款日是哪天？", "还款日是哪天"]})
    >>> repeated_questions(m).tolist()
    [False, True, False]
    """
    n = _check_n(n)
    if not isinstance(messages, pd.DataFrame):
        raise _arg_error(f"messages 应是消息表（DataFrame），收到 {type(messages).__name__}",
                         f"messages must be a DataFrame of messages, got {type(messages).__name__}")
    cols = [by] if isinstance(by, str) else list(by)
    missing = [c for c in cols + [text] if c not in messages.columns]
    if missing:
        raise _arg_error(f"messages 缺少列 {missing}（需要 {cols + [text]}）",
                         f"messages is missing columns {missing} (needs {cols + [text]})")
    key = messages[text].map(question_key)
    frame = messages[cols].copy()
    frame["_key"] = key.to_numpy()
    seen = frame.groupby(cols + ["_key"], sort=False, dropna=False).cumcount() + 1
    return pd.Series((seen.to_numpy() >= n) & (key.to_numpy() != ""), index=messages.index,
                     name="repeated")


_RATE = r"(?:利率|利息|费率|手续费|年费|息费|罚息|违约金|分期费|房贷|车贷|消费贷|经营贷|备用金|信用卡分期)"
_ASK = (r"(?:降(?:一|点|低|下|些)|(?:给我|能不能|能否|可以|可不可以|肯|不)降|调低|低一点|低一丢丢|优惠|打折|打个折"
        r"|减免|免掉|免了|便宜(?:一?点|些)|协商|商量|少收|少算|减点|减一点)")
# rate word first: same sentence, up to 20 characters (commas allowed); request first: same clause
_RATE_RE = re.compile(rf"{_RATE}[^.!?。！？]{{0,20}}?{_ASK}|{_ASK}[^,.!?;，。！？；]{{0,6}}?{_RATE}")


def asks_rate_negotiation(text):
    """Does the customer ask to negotiate a rate or fee? (Lecture 3: such requests go to a human.)

    Rule: a rate / fee word (利率, 利息, 手续费, 年费, 罚息, a loan name ...) followed in the same
    sentence, at most 20 characters later, by a request (降一点, 降一丢丢, 能不能降, 调低, 优惠, 打折,
    减免, 协商, 便宜点 ...), or a request followed by a rate word in the same clause (at most 6
    characters apart: "想协商一下利息"). A complaint without a request ("手续费太高了",
    "年费不便宜") is not a negotiation. ``text``: one message -> bool; a list / Series -> a bool array / Series.

    >>> asks_rate_negotiation("我的房贷利率能不能调低一点")
    True
    >>> asks_rate_negotiation(["手续费太高了", "想协商一下利息"])
    [False, True]
    """
    if isinstance(text, (str, bytes)) or text is None or (isinstance(text, float) and math.isnan(text)):
        return bool(_RATE_RE.search(clean_text(text)))
    raw = as_texts(text)
    flags = [bool(_RATE_RE.search(clean_text(t))) for t in raw]
    if isinstance(text, (pd.Series, pd.DataFrame)):
        return pd.Series(flags, index=text.index, name="rate_negotiation")
    if isinstance(text, np.ndarray):
        return np.array(flags, dtype=bool)
    return flags
