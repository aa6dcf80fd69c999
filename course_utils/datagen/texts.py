"""Chinese texts of the synthetic bank: service messages, outbound-call replies, survey.

Public functions, called by the orchestrator (``bank.py``):

* :func:`make_messages` -- call-centre / online / chatbot messages with
  ``sentiment`` (正面/中性/负面), ``intent`` and ``emotion`` labels.
* :func:`make_outbound_calls` -- one AI outbound call per silent customer
  with the reply and its intent grade A/B/C.
* :func:`make_survey` -- satisfaction survey: overall score, five dimension
  scores and a short comment.

All texts are built from templates with slot filling (product names,
amounts, days, card tails) and random polite prefixes/suffixes, fully
vectorised per template.  About half of the non-neutral messages of the
intents 投诉/其他/理财收益咨询 are instead *composed* from an aspect
(服务态度, 等待时间, 手续费, APP, 理财收益) and an evaluation -- plain ("很好",
"太高了") or negated ("并不差", "不是很好"), half of each -- either as one
clause or as a mixed pair "A…，但是B…" whose two clauses disagree.  Every
name and number is invented.

Labelling rules (also in ``datasets/README.md``)
------------------------------------------------
* ``sentiment`` is the customer's *overall* attitude.  In a mixed message
  with a contrast word (但是/可是/不过/就是) the clause *after* the contrast
  word is the main clause and decides the label:
  "服务态度不错，但是手续费太高了" -> 负面;
  "虽然等了一会儿，但是问题解决得很好" -> 正面.
* Negation flips a sentiment word: "不满意", "不是很好" are 负面;
  "没有问题", "并不差", "没有让我失望" are 正面.  A keyword rule that ignores
  negation therefore misclassifies many messages (see tests/test_texts.py).
* About 3 % of sentiment labels are deliberately moved to a neighbouring
  class (正面<->中性, 负面<->中性) to mimic annotator disagreement, so no
  model reaches 100 %.
* ``emotion``: 焦虑 (anxious: lost card, missing money, urgent), 抱怨
  (complaint), 愤怒 (angry: threats, "太过分了", exclamation), 无 (none).
* Some customers ask exactly the same question twice on the same day
  (identical text): the chatbot lesson hands such customers to a human.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from course_utils.config import WINDOW_END, WINDOW_START

from . import detmath as dm

__all__ = [
    "SENTIMENTS",
    "INTENTS",
    "EMOTIONS",
    "OUTBOUND_SCRIPT",
    "make_messages",
    "make_outbound_calls",
    "make_survey",
]

SENTIMENTS: tuple[str, ...] = ("正面", "中性", "负面")
INTENTS: tuple[str, ...] = (
    "账单查询",
    "理财收益咨询",
    "利率协商",
    "投诉",
    "挂失补卡",
    "转账问题",
    "销户",
    "其他",
)
EMOTIONS: tuple[str, ...] = ("无", "焦虑", "抱怨", "愤怒")
CHANNELS: tuple[str, ...] = ("电话客服", "在线客服", "APP智能客服")

#: The outbound-call script of the long-tail activation lesson.
OUTBOUND_SCRIPT = "为您专属预留了5万额度备用金，是否确认开通？"

# Slot values.  Product names come from the synthetic catalogue (products.py).
_WEALTH = np.array(
    ["安享稳盈90天", "安享稳盈30天", "安享稳盈180天", "恒睿固收增强一年", "鑫益现金宝",
     "稳健纯债A", "沪深300指数增强", "平衡配置混合", "周周享开放式", "天天利货币A"]
)
_LOANS = np.array(["房贷", "消费贷", "备用金", "车贷", "经营贷", "信用卡分期"])

# (intent, sentiment, emotion, kind, text).  kind: plain / negation / mixed.
# Slots: {product} wealth product, {loan} loan type, {amount} CNY, {days},
# {minutes}, {tail} 4 invented digits, {times} 2-5.
_T = [
    # 账单查询 bill query
    ("账单查询", "中性", "无", "plain", "我想查一下这个月的信用卡账单是多少"),
    ("账单查询", "中性", "无", "plain", "本月账单多少钱，还款日是哪天"),
    ("账单查询", "中性", "无", "plain", "帮我查下尾号{tail}的卡本期应还多少"),
    ("账单查询", "中性", "无", "plain", "信用卡账单一般几号出"),
    ("账单查询", "中性", "无", "plain", "这个月最低还款额是多少"),
    ("账单查询", "中性", "无", "plain", "我的账单分期还剩几期没还"),
    ("账单查询", "中性", "无", "negation", "没有收到这个月的账单短信，帮我查一下"),
    ("账单查询", "中性", "无", "negation", "我不记得还款日是哪天了"),
    ("账单查询", "负面", "焦虑", "plain", "账单多了{amount}元，我没有消费过，这是怎么回事"),
    ("账单查询", "负面", "抱怨", "negation", "账单明细看不懂，写得不是很清楚"),
    ("账单查询", "负面", "抱怨", "negation", "查了{times}次账单都查不到，不满意"),
    ("账单查询", "正面", "无", "plain", "账单查好了，很清楚，谢谢"),
    ("账单查询", "正面", "无", "plain", "账单提醒很及时，挺方便的"),
    ("账单查询", "正面", "无", "negation", "账单已经看到了，没有问题"),
    # 理财收益咨询 product-yield query
    ("理财收益咨询", "中性", "无", "plain", "{product}现在年化收益是多少"),
    ("理财收益咨询", "中性", "无", "plain", "{product}到期了，收益什么时候到账"),
    ("理财收益咨询", "中性", "无", "plain", "想了解一下{product}的收益和风险"),
    ("理财收益咨询", "中性", "无", "plain", "{product}可以提前赎回吗"),
    ("理财收益咨询", "中性", "无", "plain", "买{amount}元{product}一年大概能赚多少"),
    ("理财收益咨询", "中性", "无", "negation", "{product}的收益是不是保本的，我不太懂"),
    ("理财收益咨询", "负面", "抱怨", "plain", "{product}收益比宣传的低太多了，很失望"),
    ("理财收益咨询", "负面", "焦虑", "plain", "买的{product}亏了{amount}元，这可怎么办"),
    ("理财收益咨询", "负面", "抱怨", "negation", "收益一直在降，不满意"),
    ("理财收益咨询", "负面", "抱怨", "negation", "{product}的收益一点都不好"),
    ("理财收益咨询", "负面", "抱怨", "mixed", "{product}起投门槛挺低，但是收益太差了"),
    ("理财收益咨询", "正面", "无", "plain", "{product}收益挺稳定的，比较满意"),
    ("理财收益咨询", "正面", "无", "plain", "收益到账了，比预期的还好"),
    ("理财收益咨询", "正面", "无", "negation", "理财经理推荐的{product}并不差，收益还可以"),
    ("理财收益咨询", "正面", "无", "negation", "{product}没有让我失望"),
    ("理财收益咨询", "正面", "无", "mixed", "{product}收益不算高，不过很稳，挺满意的"),
    # 利率协商 rate negotiation
    ("利率协商", "中性", "无", "plain", "我的{loan}利率能不能调低一点"),
    ("利率协商", "中性", "无", "plain", "{loan}的手续费能不能打个折"),
    ("利率协商", "中性", "无", "plain", "我是老客户了，{loan}利率可以再优惠吗"),
    ("利率协商", "中性", "无", "plain", "想协商一下{loan}的利率"),
    ("利率协商", "中性", "焦虑", "plain", "{loan}逾期了{days}天，能不能协商减免利息"),
    ("利率协商", "负面", "愤怒", "plain", "别的银行利率都降了，你们不降我就把{loan}转走！"),
    ("利率协商", "负面", "抱怨", "negation", "{loan}利率这么高，不是很合理，希望给我降一点"),
    ("利率协商", "负面", "抱怨", "mixed", "客服说得挺客气，但是{loan}利率就是不肯降"),
    # 投诉 complaint
    ("投诉", "负面", "抱怨", "plain", "你们的服务态度太差了"),
    ("投诉", "负面", "抱怨", "plain", "排队等了{minutes}分钟，非常不满意"),
    ("投诉", "负面", "抱怨", "plain", "手续费太高了，乱收费"),
    ("投诉", "负面", "愤怒", "plain", "客服一直推销，烦死了！"),
    ("投诉", "负面", "愤怒", "plain", "电话打了{times}次都没人接，太过分了！"),
    ("投诉", "负面", "抱怨", "plain", "APP老是闪退，转账都转不了"),
    ("投诉", "负面", "抱怨", "negation", "营业厅工作人员态度不是很好"),
    ("投诉", "负面", "愤怒", "plain", "我要投诉，问题拖了{days}天还没解决！"),
    ("投诉", "负面", "抱怨", "negation", "办个业务一点都不方便，不满意"),
    ("投诉", "负面", "抱怨", "mixed", "服务态度不错，但是手续费太高了"),
    ("投诉", "负面", "抱怨", "mixed", "客服挺耐心的，不过问题一直没解决"),
    ("投诉", "负面", "抱怨", "mixed", "APP界面好看，可是老是闪退"),
    ("投诉", "负面", "抱怨", "mixed", "利率还行，但是办理流程太麻烦了"),
    ("投诉", "负面", "抱怨", "mixed", "网点环境很好，就是等待时间太长了"),
    # 挂失补卡 lost card
    ("挂失补卡", "中性", "无", "plain", "我的卡丢了，怎么挂失"),
    ("挂失补卡", "中性", "无", "plain", "补办一张借记卡需要带什么材料"),
    ("挂失补卡", "中性", "无", "plain", "尾号{tail}的卡需要挂失"),
    ("挂失补卡", "中性", "无", "negation", "卡找不到了，先帮我临时挂失"),
    ("挂失补卡", "负面", "焦虑", "plain", "卡丢了，里面还有{amount}元，急！怎么办"),
    ("挂失补卡", "负面", "焦虑", "plain", "钱包被偷了，尾号{tail}的卡要马上冻结"),
    ("挂失补卡", "负面", "抱怨", "negation", "补卡要等{days}天，太慢了，不合理"),
    ("挂失补卡", "正面", "无", "negation", "挂失办得很快，没有问题，谢谢"),
    # 转账问题 transfers
    ("转账问题", "中性", "无", "plain", "转账到他行多久能到账"),
    ("转账问题", "中性", "无", "plain", "手机银行转账限额是多少"),
    ("转账问题", "中性", "无", "plain", "怎么设置转账白名单"),
    ("转账问题", "中性", "无", "negation", "转账时不小心填错了户名，能撤回吗"),
    ("转账问题", "负面", "焦虑", "plain", "转账{amount}元到现在还没到账，很着急"),
    ("转账问题", "负面", "焦虑", "plain", "转账失败了钱却扣了，怎么回事"),
    ("转账问题", "负面", "抱怨", "negation", "跨行转账又收手续费，不满意"),
    ("转账问题", "正面", "无", "plain", "转账很快就到了，挺方便的"),
    ("转账问题", "正面", "无", "negation", "转账一点也不麻烦，好评"),
    # 销户 account closing
    ("销户", "负面", "抱怨", "plain", "我要销户，不想再用了"),
    ("销户", "负面", "抱怨", "plain", "帮我把账户注销掉，你们的服务让人失望"),
    ("销户", "负面", "愤怒", "plain", "收费这么多，我要销户！"),
    ("销户", "负面", "抱怨", "mixed", "用了好几年了，但是现在不满意，准备销户"),
    ("销户", "中性", "无", "plain", "销户需要什么手续"),
    ("销户", "中性", "无", "plain", "不常用的那张卡想注销一下"),
    ("销户", "中性", "无", "plain", "工作调动去外地了，账户怎么处理"),
    # 其他 other
    ("其他", "正面", "无", "plain", "客服很耐心，非常满意"),
    ("其他", "正面", "无", "plain", "你们的服务越来越好了"),
    ("其他", "正面", "无", "plain", "手机银行用起来很方便"),
    ("其他", "正面", "无", "plain", "理财经理很专业，谢谢"),
    ("其他", "正面", "无", "negation", "没有什么问题了，谢谢你"),
    ("其他", "正面", "无", "negation", "服务一点也不差，点赞"),
    ("其他", "正面", "无", "negation", "办得挺顺利，并不复杂"),
    ("其他", "正面", "无", "mixed", "虽然等了一会儿，但是问题解决得很好"),
    ("其他", "正面", "无", "mixed", "手续费有点高，不过服务确实很周到"),
    ("其他", "中性", "无", "plain", "网点几点关门"),
    ("其他", "中性", "无", "plain", "怎么修改预留手机号"),
    ("其他", "中性", "无", "plain", "信用卡积分怎么兑换"),
    ("其他", "中性", "无", "negation", "我不会用手机银行，能教一下吗"),
]
_TPL = pd.DataFrame(_T, columns=["intent", "sentiment", "emotion", "kind", "text"])

# Compositional evaluations: aspect + evaluation, plain or negated, single or
# mixed ("A…，但是B…").  family -> (aspect words, {(polarity, negated): evaluations}).
_ASPECTS: dict[str, tuple[list[str], dict[tuple[str, bool], list[str]]]] = {
    "service": (
        ["服务态度", "客服", "工作人员", "理财经理的服务"],
        {("正面", False): ["很好", "不错", "很耐心", "很专业", "让人满意"],
         ("正面", True): ["并不差", "一点也不差", "没有让我失望", "没什么可挑剔的"],
         ("负面", False): ["太差了", "很冷淡", "让人失望", "很敷衍"],
         ("负面", True): ["不是很好", "不太专业", "一点都不耐心", "不够热情"]},
    ),
    "waiting": (
        ["排队时间", "等待时间", "电话等待时间"],
        {("正面", False): ["很短", "还可以", "挺短的"],
         ("正面", True): ["并不长", "一点也不长", "不算长"],
         ("负面", False): ["太长了", "长得离谱", "让人受不了"],
         ("负面", True): ["一点都不短", "不太合理", "不是很理想"]},
    ),
    "fees": (
        ["手续费", "年费", "各项收费"],
        {("正面", False): ["很合理", "挺低的", "很透明"],
         ("正面", True): ["并不高", "一点也不贵", "不算贵"],
         ("负面", False): ["太高了", "太贵了", "乱七八糟"],
         ("负面", True): ["不合理", "一点都不透明", "不便宜"]},
    ),
    "app": (
        ["APP", "手机银行", "小程序"],
        {("正面", False): ["很好用", "很方便", "很流畅"],
         ("正面", True): ["一点也不卡", "并不难用", "没出过问题"],
         ("负面", False): ["太卡了", "经常闪退", "很难用"],
         ("负面", True): ["不好用", "一点都不方便", "不太稳定"]},
    ),
    "returns": (
        ["理财收益", "{product}的收益", "基金收益"],
        {("正面", False): ["挺稳定", "还不错", "比预期好"],
         ("正面", True): ["并不差", "没有让我失望", "一点也不低"],
         ("负面", False): ["太低了", "一直在降", "让人失望"],
         ("负面", True): ["不理想", "一点都不好", "不太稳定"]},
    ),
}
_FAMILIES = list(_ASPECTS)
_CONTRAST = np.array(["，但是", "，可是", "，不过", "，就是"])


def _clause(fam: np.ndarray, pol: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """'aspect + evaluation' clauses; half of the evaluations use negation."""
    m = len(fam)
    out = np.empty(m, dtype=object)
    neg = rng.random(m) < 0.5
    for f, name in enumerate(_FAMILIES):
        words, evals = _ASPECTS[name]
        for p in ("正面", "负面"):
            for g in (False, True):
                idx = np.flatnonzero((fam == f) & (pol == p) & (neg == g))
                if len(idx) == 0:
                    continue
                a = np.array(words, dtype=object)[rng.integers(0, len(words), len(idx))]
                e = np.array(evals[(p, g)], dtype=object)[rng.integers(0, len(evals[(p, g)]), len(idx))]
                txt = a + e
                has_slot = np.array(["{product}" in t for t in txt])
                if has_slot.any():
                    prod = _slot_values("product", int(has_slot.sum()), rng)
                    txt[has_slot] = [t.replace("{product}", q) for t, q in zip(txt[has_slot], prod)]
                out[idx] = txt
    return out


def _compose(sent: np.ndarray, intent: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Evaluative messages: single clause (60 %) or mixed (40 %, main clause last).

    Returns (text, intent).  The main clause's aspect is 'returns' for
    理财收益咨询, otherwise service/waiting/fees/app; the intent becomes
    理财收益咨询 for returns, else 投诉 (negative) or 其他 (positive).
    """
    m = len(sent)
    fam = np.where(intent == "理财收益咨询", _FAMILIES.index("returns"), rng.integers(0, 4, m))
    main = _clause(fam, sent, rng)
    other_fam = (fam + rng.integers(1, len(_FAMILIES), m)) % len(_FAMILIES)
    opp = np.where(sent == "正面", "负面", "正面")
    first = _clause(other_fam, opp, rng)
    u = rng.random(m)
    contrast = _CONTRAST[rng.integers(0, len(_CONTRAST), m)].astype(object)
    mixed = np.where(u < 0.25, "虽然" + first + "，但是" + main, first + contrast + main)
    text = np.where(u < 0.4, mixed, main)
    new_intent = np.where(fam == _FAMILIES.index("returns"), "理财收益咨询", np.where(sent == "负面", "投诉", "其他"))
    return text.astype(object), new_intent


# P(intent | sentiment), rows follow SENTIMENTS, columns INTENTS.
_INTENT_GIVEN_SENT = np.array(
    [  # 账单 理财 利率 投诉 挂失 转账 销户 其他
        [0.14, 0.26, 0.00, 0.00, 0.05, 0.12, 0.00, 0.43],  # 正面
        [0.28, 0.24, 0.12, 0.00, 0.10, 0.12, 0.04, 0.10],  # 中性
        [0.07, 0.14, 0.12, 0.40, 0.06, 0.09, 0.12, 0.00],  # 负面
    ]
)
_QUESTION = re.compile(r"吗|多少|哪|(?<!好)几|什么|怎么|多久|能不能|可以再|是不是|能撤回|教一下")
_TPL_QUESTION = _TPL.text.str.contains(_QUESTION).to_numpy(dtype=bool)
_TPL_ENDS = _TPL.text.str[-1].isin(["！", "？", "。"]).to_numpy(dtype=bool)
_PREFIX_ANY = np.array(["", "", "", "你好，", "您好，", "喂，"])
_PREFIX_Q = np.array(["", "", "你好，", "您好，", "请问", "麻烦问一下，"])
_SUFFIX_Q = np.array(["", "", "？", "？", "，谢谢"])
_SUFFIX_S = np.array(["", "", "。", "。", "，谢谢"])
_SUFFIX_NEG = np.array(["", "", "。", "。", "！"])
_SLOT = re.compile(r"\{(\w+)\}")


def _day(s: str) -> int:
    return int(np.datetime64(s, "D").astype(np.int64))


def _iso(days) -> np.ndarray:
    return np.datetime_as_string(np.asarray(days, dtype="int64").astype("datetime64[D]"), unit="D")


def _to_days(col: pd.Series, fill: int) -> np.ndarray:
    d = pd.to_datetime(col.replace("", np.nan), errors="coerce")
    out = d.to_numpy(dtype="datetime64[D]").astype("int64")
    return np.where(d.isna().to_numpy(), fill, out)


def _num(customers: pd.DataFrame, col: str, default: float) -> np.ndarray:
    if col not in customers:
        return np.full(len(customers), default)
    return pd.to_numeric(customers[col], errors="coerce").fillna(default).to_numpy(float)


def _slot_values(name: str, m: int, rng: np.random.Generator) -> np.ndarray:
    if name == "product":
        return _WEALTH[rng.integers(0, len(_WEALTH), m)]
    if name == "loan":
        return _LOANS[rng.integers(0, len(_LOANS), m)]
    if name == "amount":
        v = np.round(dm.lognormal(rng, dm.log(5000.0), 1.0, m), -2).clip(100, 500000).astype(np.int64)
        return v.astype(str)
    if name == "days":
        return rng.integers(2, 31, m).astype(str)
    if name == "minutes":
        return (rng.integers(3, 19, m) * 5).astype(str)
    if name == "tail":
        return np.char.zfill(rng.integers(0, 10000, m).astype(str), 4)
    if name == "times":
        return np.array(["两", "三", "四", "五", "好几"])[rng.integers(0, 5, m)]
    raise KeyError(name)


def _render(template: str, m: int, rng: np.random.Generator) -> np.ndarray:
    """Fill ``template``'s slots for ``m`` messages (object array of str)."""
    pieces = _SLOT.split(template)  # text, slot, text, slot, text ...
    out = np.full(m, pieces[0], dtype=object)
    for i in range(1, len(pieces), 2):
        out = out + _slot_values(pieces[i], m, rng).astype(object) + pieces[i + 1]
    return out


def _decorate(
    text: np.ndarray, sent: np.ndarray, question: np.ndarray, ends: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Random polite prefix / end punctuation (no sentiment content).

    Questions get question prefixes ("请问") and "？"; statements "。" or
    "，谢谢"; negative statements may end with "！".  ``ends``: the text
    already ends with punctuation (no suffix then).
    """
    m = len(text)
    u1, u2 = rng.random(m), rng.random(m)
    pick = lambda arr, u: arr[(u * len(arr)).astype(int)]  # noqa: E731
    pre = np.where(question, pick(_PREFIX_Q, u1), pick(_PREFIX_ANY, u1)).astype(object)
    suf = np.where(
        question, pick(_SUFFIX_Q, u2), np.where(sent == "负面", pick(_SUFFIX_NEG, u2), pick(_SUFFIX_S, u2))
    ).astype(object)
    suf = np.where(ends, "", suf)
    return pre + text + suf


def _pick_templates(sent: np.ndarray, intent: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Row index into ``_TPL`` for each (sentiment, intent) pair."""
    out = np.full(len(sent), -1, dtype=np.int64)
    for (s, it), idx in pd.Series(np.arange(len(_TPL))).groupby([_TPL.sentiment, _TPL.intent]):
        mask = (sent == s) & (intent == it)
        k = int(mask.sum())
        if k:
            out[mask] = idx.to_numpy()[rng.integers(0, len(idx), k)]
    if (out < 0).any():  # a combination without templates: fall back to 其他
        bad = out < 0
        for s in SENTIMENTS:
            cand = np.flatnonzero((_TPL.sentiment == s) & (_TPL.intent == "其他"))
            mask = bad & (sent == s)
            out[mask] = cand[rng.integers(0, len(cand), int(mask.sum()))]
    return out


def _life(customers: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    w0, w1 = _day(WINDOW_START), _day(WINDOW_END)
    lo = np.maximum(_to_days(customers["open_date"], w0), w0)
    hi = np.minimum(_to_days(customers["churn_date"], w1), w1)
    return lo, np.maximum(hi, lo)


def make_messages(customers: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Generate labelled customer-service messages in Chinese.

    Reads ``customer_id``, ``open_date``, ``churn_date`` (ISO, empty while
    active), ``satisfaction`` (0-100), ``churn_reason`` and hidden ``_risk``
    (0..1 churn propensity); ``age`` is used for the channel when present.
    Unhappy / high-risk customers write more and more negative messages;
    churners write one extra message in the 90 days before leaving, mostly
    negative and matching their churn reason.  ``msg_date`` lies within the
    customer's life inside the window.

    Returns columns ``message_id`` (``<customer_id>-M01``..; unique also when
    called chunk by chunk), ``customer_id``, ``msg_date`` (ISO), ``channel``
    (电话客服/在线客服/APP智能客服), ``text``, ``sentiment`` (正面/中性/负面),
    ``intent`` (see :data:`INTENTS`), ``emotion`` (无/焦虑/抱怨/愤怒).
    About 1.5-2 messages per customer.  See the module docstring for the
    labelling rules.

    >>> c = pd.DataFrame({"customer_id": ["C1"], "open_date": ["2021-02-01"],
    ...     "churn_date": [""], "satisfaction": [80], "churn_reason": [""], "_risk": [0.2]})
    >>> list(make_messages(c, np.random.default_rng(0)).columns)[:4]
    ['message_id', 'customer_id', 'msg_date', 'channel']
    """
    n = len(customers)
    cid = customers["customer_id"].to_numpy()
    risk = np.clip(_num(customers, "_risk", 0.2), 0, 1)
    sat = np.clip(_num(customers, "satisfaction", 75.0), 0, 100)
    age = _num(customers, "age", 40.0)
    lo, hi = _life(customers)
    churned = _to_days(customers["churn_date"], -1) >= 0
    reason = customers["churn_reason"].fillna("").astype(str).to_numpy() if "churn_reason" in customers else np.full(n, "")

    life_frac = np.clip((hi - lo) / 1277.0, 0.05, 1.0)
    lam = (0.7 + 1.6 * risk + 1.6 * (1 - sat / 100)) * (0.35 + 0.65 * life_frac)
    n_reg = rng.poisson(lam)
    owner = np.repeat(np.arange(n), n_reg)
    m_reg = len(owner)
    date_reg = lo[owner] + np.floor(rng.random(m_reg) * (hi[owner] - lo[owner] + 1)).astype(np.int64)
    # pre-churn messages
    pc = np.flatnonzero(churned & (rng.random(n) < 0.7))
    date_pc = np.maximum(hi[pc] - rng.integers(0, 91, len(pc)), lo[pc])
    owner = np.concatenate([owner, pc])
    date = np.concatenate([date_reg, date_pc])
    near = np.concatenate([np.zeros(m_reg, bool), np.ones(len(pc), bool)])
    m = len(owner)

    # sentiment
    z = -2.0 + 2.6 * risk[owner] + 3.0 * (0.7 - sat[owner] / 100) + 1.8 * near
    p_neg = dm.sigmoid(z)
    p_pos = (1 - p_neg) * np.clip(0.15 + 0.45 * sat[owner] / 100, 0, 1)
    u = rng.random(m)
    sent_i = np.where(u < p_neg, 2, np.where(u < p_neg + p_pos, 0, 1))
    # intent | sentiment
    cum = np.cumsum(_INTENT_GIVEN_SENT / _INTENT_GIVEN_SENT.sum(1, keepdims=True), axis=1)
    intent_i = (rng.random(m)[:, None] > cum[sent_i]).sum(axis=1).clip(0, len(INTENTS) - 1)
    # churners' last message follows their reason (patterns matched once per distinct reason)
    r_codes, r_uniq = pd.factorize(pd.Series(reason, dtype=object))
    r_uniq = pd.Series(r_uniq, dtype=object).astype(str)
    r = r_codes[owner]
    follow = near & (rng.random(m) < 0.6)
    for pat, it in (("费", 3), ("服务", 3), ("收益|利率", 1), ("竞争|优惠", 2), ("搬|迁|工作", 6)):
        match = np.append(r_uniq.str.contains(pat, regex=True).to_numpy(dtype=bool), False)
        hit = follow & match[r]  # code -1 (missing) -> the appended False
        intent_i = np.where(hit, it, intent_i)
        follow &= ~hit
    intent_i = np.where(near & (sent_i == 2) & (rng.random(m) < 0.25), 6, intent_i)
    sent = np.array(SENTIMENTS)[sent_i]
    intent = np.array(INTENTS)[intent_i]

    tpl = _pick_templates(sent, intent, rng)
    text = np.empty(m, dtype=object)
    for t in np.unique(tpl):
        idx = np.flatnonzero(tpl == t)
        text[idx] = _render(_TPL.text.iat[t], len(idx), rng)
    sent = _TPL.sentiment.to_numpy()[tpl]
    intent = _TPL.intent.to_numpy()[tpl]
    emotion = _TPL.emotion.to_numpy()[tpl].astype(object)
    # about half of the evaluative (non-neutral) messages are composed from
    # aspect + (negated) evaluation clauses, single or mixed
    comp = np.isin(intent, ["投诉", "其他", "理财收益咨询"]) & (sent != "中性") & (rng.random(m) < 0.55)
    if comp.any():
        ctext, cint = _compose(sent[comp], intent[comp], rng)
        text[comp] = ctext
        intent = intent.copy()
        intent[comp] = cint
        emotion[comp] = np.where(sent[comp] == "负面", "抱怨", "无")
    question = _TPL_QUESTION[tpl] & ~comp
    ends = _TPL_ENDS[tpl] & ~comp
    text = _decorate(text, sent, question, ends, rng)

    # channel: older customers phone more
    p_phone = np.clip(0.15 + 0.01 * (age[owner] - 30), 0.1, 0.7)
    uc = rng.random(m)
    channel = np.where(uc < p_phone, CHANNELS[0], np.where(uc < p_phone + (1 - p_phone) * 0.4, CHANNELS[1], CHANNELS[2]))

    # label noise (annotator disagreement) ~3 %
    flip = rng.random(m) < 0.03
    sent = np.where(flip & (sent != "中性"), "中性", np.where(flip, np.where(rng.random(m) < 0.5, "正面", "负面"), sent))

    df = pd.DataFrame(
        {"_o": owner, "_d": date, "channel": channel, "text": text.astype(str),
         "sentiment": sent, "intent": intent, "emotion": emotion.astype(str)}
    )
    # repeated identical questions: same text, same day, same channel
    askable = df["intent"].isin(["账单查询", "理财收益咨询"]).to_numpy() & (df["sentiment"].to_numpy() == "中性")
    rep = df[askable & (rng.random(m) < 0.18)]
    df = pd.concat([df, rep], ignore_index=True)
    df = df.sort_values(["_o", "_d"], kind="stable").reset_index(drop=True)
    seq = df.groupby("_o").cumcount().to_numpy() + 1
    df.insert(0, "customer_id", cid[df["_o"].to_numpy()])
    df.insert(0, "message_id", df["customer_id"].astype(str) + "-M" + pd.Series(seq).astype(str).str.zfill(2))
    df.insert(2, "msg_date", _iso(df["_d"].to_numpy()))
    return df.drop(columns=["_o", "_d"])


# ----------------------------------------------------------------------------
# Outbound calls
# ----------------------------------------------------------------------------
_REPLIES = {
    "A": [
        "可以，发我看看", "同意了解详情", "什么时候能到账？", "没问题，开通吧", "好的，利率多少？合适就开",
        "行啊，正好最近要用钱", "不用考虑了，直接开通吧", "嗯，那就开通吧", "可以的，需要我做什么",
        "挺好，帮我办一下",
    ],
    "B": [
        "再考虑一下", "先发短信给我吧", "不是不需要，就是现在没空", "我现在不方便，晚点再说",
        "利率多少？我再想想", "先了解一下，暂时还不确定", "改天再打吧", "不一定用得上，你先发个链接",
        "跟家里人商量一下再说", "不着急，过段时间再看",
    ],
    "C": [
        "不需要", "别再打了", "不用了，谢谢", "没兴趣", "我不需要备用金", "已经有别家的了，不用",
        "不要再给我打电话了！", "不办，挂了", "没有这个需要", "我不缺钱，不用了",
    ],
}
_CALL_PREFIX = np.array(["", "", "喂，", "嗯，", "哦，", "啊，"])


def make_outbound_calls(
    customers: pd.DataFrame, silent_ids, rng: np.random.Generator
) -> pd.DataFrame:
    """One AI outbound call per silent customer, with the reply and its grade.

    ``silent_ids``: customer ids of active customers without a transaction
    in the last 6 months of the window.  ``call_date`` is in July 2024 (just
    after the window).  Every call uses :data:`OUTBOUND_SCRIPT`.
    ``intent_grade``: A = clear interest (to a customer manager), B =
    hesitant (nurture by SMS), C = refusal.  Exactly 17.5 % A and 32.5 % B
    (rounded) by construction; more satisfied, lower-risk customers are
    likelier to say yes.  Replies include negation traps:
    "不是不需要，就是现在没空" is B, "不用考虑了，直接开通吧" is A.

    Columns: ``call_id`` (``OC-<customer_id>``), ``customer_id``,
    ``call_date`` (ISO), ``script``, ``reply``, ``intent_grade``.

    >>> c = pd.DataFrame({"customer_id": ["C1", "C2"], "satisfaction": [90, 40], "_risk": [0.1, 0.8]})
    >>> make_outbound_calls(c, ["C2"], np.random.default_rng(0)).customer_id.tolist()
    ['C2']
    """
    ids = pd.Index(pd.unique(pd.Series(list(silent_ids), dtype=object)))
    ids = ids[ids.isin(customers["customer_id"])]
    c = customers.set_index("customer_id").reindex(ids)
    m = len(ids)
    sat = pd.to_numeric(c.get("satisfaction", pd.Series(75.0, index=ids)), errors="coerce").fillna(75).to_numpy(float)
    risk = pd.to_numeric(c.get("_risk", pd.Series(0.3, index=ids)), errors="coerce").fillna(0.3).to_numpy(float)
    score = 1.5 * (sat / 100) - 1.5 * risk + dm.gumbel(rng, m)
    order = np.argsort(-score, kind="stable")
    n_a, n_b = int(round(0.175 * m)), int(round(0.325 * m))
    grade = np.empty(m, dtype=object)
    grade[order[:n_a]] = "A"
    grade[order[n_a : n_a + n_b]] = "B"
    grade[order[n_a + n_b :]] = "C"
    reply = np.empty(m, dtype=object)
    for g, pool in _REPLIES.items():
        idx = np.flatnonzero(grade == g)
        reply[idx] = np.array(pool, dtype=object)[rng.integers(0, len(pool), len(idx))]
    reply = _CALL_PREFIX[rng.integers(0, len(_CALL_PREFIX), m)].astype(object) + reply
    day = _day("2024-07-01") + rng.integers(0, 31, m)
    df = pd.DataFrame(
        {
            "call_id": "OC-" + pd.Series(ids, dtype=str),
            "customer_id": pd.Series(ids, dtype=str),
            "call_date": _iso(day),
            "script": OUTBOUND_SCRIPT,
            "reply": reply.astype(str),
            "intent_grade": grade.astype(str),
        }
    )
    return df.reset_index(drop=True)


# ----------------------------------------------------------------------------
# Survey
# ----------------------------------------------------------------------------
#: Survey dimensions: column -> (Chinese name, weight in the overall score).
SURVEY_DIMENSIONS: dict[str, tuple[str, float]] = {
    "score_service": ("服务态度", 0.25),
    "score_waiting": ("等待时间", 0.15),
    "score_returns": ("产品收益", 0.25),
    "score_fees": ("手续费", 0.20),
    "score_app": ("APP体验", 0.15),
}
_GOOD = {
    "score_service": ["服务态度很好", "客户经理很热情", "客服很耐心"],
    "score_waiting": ["办业务不用等", "排队时间短", "处理速度快"],
    "score_returns": ["理财收益不错", "收益挺稳定", "产品收益让人满意"],
    "score_fees": ["手续费合理", "收费透明", "基本没有乱收费"],
    "score_app": ["APP很好用", "手机银行操作方便", "APP界面清楚"],
}
_BAD = {
    "score_service": ["服务态度一般", "客服不是很专业", "工作人员态度冷淡"],
    "score_waiting": ["排队时间太长", "等待太久", "电话总是打不进去"],
    "score_returns": ["收益太低", "理财收益不满意", "收益一直在降"],
    "score_fees": ["手续费太高", "各种收费太多", "年费不合理"],
    "score_app": ["APP经常闪退", "手机银行不好用", "APP太卡了"],
}


def make_survey(
    customers: pd.DataFrame, rng: np.random.Generator, response_rate: float = 0.75
) -> pd.DataFrame:
    """Satisfaction survey answered by a random ``response_rate`` share of customers.

    The respondents are a simple random sample (missing completely at
    random).  ``overall`` equals the customer's ``satisfaction`` (0-100).
    Five dimension scores (0-100 integers, see :data:`SURVEY_DIMENSIONS`)
    scatter around ``overall`` so that their weighted mean (weights 0.25,
    0.15, 0.25, 0.20, 0.15) is close to it; a churn reason about fees,
    returns or service pulls the matching dimension down.  ``comment`` is a
    short Chinese text (empty for ~20 %) praising the best and/or
    criticising the worst dimension: positive when overall >= 80, mixed
    ("…，但是…") for 60-79 (main clause = the criticism), negative below 60.
    ``survey_date`` lies in the last 90 days of the customer's life in the
    window.

    Columns: ``customer_id``, ``survey_date``, ``overall``, ``score_service``,
    ``score_waiting``, ``score_returns``, ``score_fees``, ``score_app``,
    ``comment``.

    >>> c = pd.DataFrame({"customer_id": ["C1"], "open_date": ["2021-02-01"],
    ...     "churn_date": [""], "satisfaction": [88], "churn_reason": [""]})
    >>> make_survey(c, np.random.default_rng(0), response_rate=1.0).overall.item()
    88
    """
    n = len(customers)
    keep = np.flatnonzero(rng.random(n) < response_rate)
    c = customers.iloc[keep]
    m = len(c)
    overall = np.clip(np.round(_num(c, "satisfaction", 75.0)), 0, 100)
    lo, hi = _life(c)
    date = np.maximum(hi - rng.integers(0, 91, m), lo)
    reason = c["churn_reason"] if "churn_reason" in c else pd.Series([""] * m)
    r_codes, r_uniq = pd.factorize(pd.Series(reason.to_numpy(), dtype=object))
    r_uniq = pd.Series(r_uniq, dtype=object).astype(str)
    cols = list(SURVEY_DIMENSIONS)
    wts = np.array([SURVEY_DIMENSIONS[k][1] for k in cols])
    dev = dm.normal(rng, 0, 9, (m, len(cols)))
    for j, pat in ((3, "费"), (2, "收益|利率"), (0, "服务")):
        hit = np.append(r_uniq.str.contains(pat, regex=True).to_numpy(dtype=bool), False)[r_codes]
        dev[hit, j] -= 18
    # weighted mean of deviations = 0 (summed column by column: a BLAS ``@`` may use FMA
    # and a CPU-dependent order, so its last bits are not the same on every machine)
    wmean = np.zeros(m)
    for j in range(len(cols)):
        wmean = wmean + dev[:, j] * wts[j]
    dev -= wmean[:, None]
    scores = np.clip(np.round(overall[:, None] + dev + dm.normal(rng, 0, 2.5, (m, len(cols)))),
                     0, 100).astype(int)

    best = np.argmax(scores, axis=1)
    worst = np.argmin(scores, axis=1)
    pick = rng.integers(0, 3, m)
    good = np.array([_GOOD[k] for k in cols], dtype=object)[best, pick]
    bad = np.array([_BAD[k] for k in cols], dtype=object)[worst, pick]
    u = rng.random(m)
    pos = np.where(u < 0.5, good + "，非常满意", np.where(u < 0.8, good + "，没有什么不满意的", "整体不错，" + good))
    mix = np.where(u < 0.5, good + "，但是" + bad, np.where(u < 0.8, "总体还行，就是" + bad, "虽然" + good + "，可是" + bad))
    neg = np.where(u < 0.5, bad + "，很不满意", np.where(u < 0.8, bad + "，体验不是很好", bad + "，考虑换银行"))
    comment = np.where(overall >= 80, pos, np.where(overall >= 60, mix, neg))
    comment = np.where(rng.random(m) < 0.2, "", comment)

    out = pd.DataFrame({"customer_id": c["customer_id"].to_numpy(), "survey_date": _iso(date), "overall": overall.astype(int)})
    for j, k in enumerate(cols):
        out[k] = scores[:, j]
    out["comment"] = comment.astype(str)
    return out.reset_index(drop=True)
