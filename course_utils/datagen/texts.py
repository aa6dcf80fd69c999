"""Chinese texts of the synthetic bank: service messages, outbound-call replies, survey.

Public functions, called by the orchestrator (``bank.py``):

* :func:`make_messages` -- call-centre / online / chatbot messages with
  ``sentiment`` (正面/中性/负面), ``intent`` and ``emotion`` labels.
* :func:`render_texts` -- the message texts for given labels (used by
  :func:`make_messages`; handy for extra examples in a notebook).
* :func:`make_outbound_calls` -- one AI outbound call per silent customer
  with the reply and its intent grade A/B/C.
* :func:`make_survey` -- satisfaction survey: overall score, five dimension
  scores and a short comment.

How a message is written
------------------------
Labels come first (sentiment from the customer's satisfaction and churn risk,
intent given the sentiment, emotion given both); the text is then expanded from
the hand-written phrase grammar of :mod:`course_utils.datagen.phrases`: a
*frame* (plain complaint, context + complaint + verdict, forum post
"吐槽一下…"/"有没有人遇到过…"/"强烈推荐…", mixed "虽然A，但是B", rhetorical
question, sarcasm, anxious plea, threat …) is filled with clauses about one of
19 aspects (service attitude, waiting, fees, app, wealth returns, credit limit,
card activation, loans, fraud, collection calls, sales pressure, points, branch,
transfers, bills, lost cards, ETC, deposits, chatbot), with slot values
(products, amounts, days, card tails). Mixed messages talk about two aspects
(often two products). About 4 % of messages then get an online typo or
homophone (的/得, 在/再, 账/帐, 登录/登陆, 怎么/咋, 没有/木有 …) and about 11 %
another punctuation style (spaces or ASCII commas, ``!``/``?``). Every name and
number is invented; no phrase is copied from a real review.

Labelling rules (also in ``datasets/README.md``)
------------------------------------------------
* ``sentiment`` is the customer's *overall* attitude. In a mixed message the
  clause after the contrast word (但是/可是/不过/就是/但) decides:
  "服务态度不错，但是手续费太高了" -> 负面; "虽然等了一会儿，但是问题解决得很好" -> 正面.
  Without a contrast word all evaluative clauses of a message agree.
* Negation flips a sentiment word: "不满意", "不是很好", "一点都不好用" are
  负面; "没有乱收费", "并不差", "一点也不麻烦", "没有让我失望" are 正面. About a
  third of the evaluative clauses are negated, so a keyword rule that ignores
  negation gets many messages wrong (tests/test_texts.py).
* About 3 % of sentiment labels are deliberately moved to a neighbouring class
  (正面<->中性, 负面<->中性) to mimic annotator disagreement.
* ``emotion`` (negative messages only; 无 otherwise): 焦虑 (anxious: money
  missing, fraud, lost card, "急！怎么办"), 愤怒 (angry: a threat, an insult or
  outrage: "我要投诉！", "太过分了", "再也不用你们家了"), else 抱怨 (complaint).
  Some neutral rate-negotiation requests about overdue loans are 焦虑.
* ``intent`` is what the message is about: bills 账单查询, wealth products
  理财收益咨询, transfers 转账问题, lost / stolen cards 挂失补卡, closing 销户,
  asking for a lower rate or fee 利率协商 (only these messages ask for
  优惠/打折/减免/降利率), other complaints 投诉, other praise and questions 其他.
* Some customers ask exactly the same question twice on the same day
  (identical text): the chatbot lesson hands such customers to a human.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from course_utils.config import WINDOW_END, WINDOW_START

from . import detmath as dm
from . import phrases as ph

__all__ = [
    "SENTIMENTS",
    "INTENTS",
    "EMOTIONS",
    "OUTBOUND_SCRIPT",
    "render_texts",
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

_SLOT = re.compile(r"\{(#?\w+)\}")


# ----------------------------------------------------------------------------
# Slot values
# ----------------------------------------------------------------------------
_SLOT_LISTS = {
    "product": list(ph.WEALTH_PRODUCTS),
    "loan": list(ph.LOANS),
    "wan": ["1万", "2万", "3万", "5万", "8万", "10万", "两万", "三万", "5w", "2W", "一万五", "6万"],
    "small_limit": ["2000", "3000", "5000", "两千", "三千", "五千", "3k", "4000块", "一千五"],
    "hr": ["一", "两", "三", "1", "2", "半"],
    "n_week": ["两", "三", "1", "2", "3", "四"],
    "n_month": ["三", "六", "3", "6", "两"],
    "n_year": ["两", "三", "五", "十", "2", "3", "5", "8", "七", "好几"],
    "times": ["两", "三", "四", "五", "好几", "N", "十几"],
    "n_win": ["一", "两", "1", "2"],
    "pct": ["1.8", "2.1", "2.5", "2.8", "3.0", "3.2", "3.5", "3.8", "4.2", "4.5", "5"],
    "fee_amt": ["5", "10", "20", "30", "50", "100", "200", "300", "600"],
    "n_times": ["5", "6", "12", "六", "十二"],
    "fast_day": ["当天", "第二天", "两天", "三天", "1天", "2天", "24小时内", "一天"],
    "n_min": [str(5 * k) for k in range(4, 19)],          # 20-90 minutes of waiting
    "n_min_small": ["5", "10", "15", "20"],               # a quick visit
    "n_people": [str(k) for k in range(12, 81)],
}
#: Slots drawn from a list: ``{#name}`` -> (values, weights); the grammar treats them as
#: literal symbols. Days: 60 % digits 2-30, 40 % Chinese numerals.
_LITERAL_SLOTS: dict[str, tuple[list[str], list[float]]] = {k: (v, [1.0] * len(v)) for k, v in _SLOT_LISTS.items()}
_DAY_ZH = ["两", "三", "五", "七", "十", "十几"]
_LITERAL_SLOTS["n_day"] = ([str(d) for d in range(2, 31)] + _DAY_ZH, [0.6 / 29] * 29 + [0.4 / len(_DAY_ZH)] * len(_DAY_ZH))


def _slot_values(name: str, m: int, rng: np.random.Generator) -> np.ndarray:
    """``m`` random values (object array of str) for the computed slots ``{#amt}``, ``{#tail}``."""
    if name == "amt":
        v = np.round(dm.lognormal(rng, dm.log(5000.0), 1.0, m), -2).clip(100, 500000).astype(np.int64)
        return v.astype(str).astype(object)
    if name == "tail":
        return np.char.zfill(rng.integers(0, 10000, m).astype(str), 4).astype(object)
    raise KeyError(f"unknown slot {{#{name}}}")


# ----------------------------------------------------------------------------
# The grammar engine (vectorised: one pass per production, not per message)
# ----------------------------------------------------------------------------
class _Grammar:
    """Compiled :data:`phrases.GRAMMAR`: expands a symbol for many messages at once.

    Choices are drawn with ``rng.integers`` (equal weights) or ``rng.random`` and a
    cumulative-weight look-up, both bit-exact on every machine; messages that chose the
    same production are rendered together (numpy object arrays: element-wise ``+``).
    """

    #: A symbol whose productions only refer to literal symbols is pre-expanded into at most
    #: this many literal texts (same distribution, far fewer calls); ``msg_*`` frames never are.
    INLINE_LIMIT = 6000

    def __init__(self, rules: dict):
        parsed: dict[str, list[tuple[list[str], float]]] = {
            "#" + k: [([t], w) for t, w in zip(*v)] for k, v in _LITERAL_SLOTS.items()}
        for sym, prods in rules.items():
            parsed[sym] = []
            for p in prods:
                t, w = (p, 1.0) if isinstance(p, str) else p
                parsed[sym].append((_SLOT.split(t), float(w)))
        missing = sorted({p[i] for prods in parsed.values() for p, _ in prods for i in range(1, len(p), 2)
                          if p[i] not in parsed and p[i] not in ("#amt", "#tail")})
        if missing:
            raise KeyError(f"phrase grammar refers to undefined symbols {missing}")
        # literal symbols: texts and probabilities
        lit = {sym: ([p[0] for p, _ in prods], [w for _, w in prods]) for sym, prods in parsed.items()
               if all(len(p) == 1 for p, _ in prods)}
        changed = True
        while changed:  # inline bottom-up: "{t_svc}态度{deg}好" becomes every target x adverb
            changed = False
            for sym, prods in parsed.items():
                if sym in lit or sym.startswith("msg_"):
                    continue
                refs = [p[1::2] for p, _ in prods]
                if any(r not in lit for rr in refs for r in rr) or \
                        any(len(set(rr)) < len(rr) for rr in refs):
                    continue
                if sum(int(np.prod([len(lit[r][0]) for r in rr])) for rr in refs) > self.INLINE_LIMIT:
                    continue
                texts, weights = [], []
                for pieces, w in prods:
                    combos = [(pieces[0], w)]
                    for i in range(1, len(pieces), 2):
                        lt, lw = lit[pieces[i]]
                        tot = sum(lw)
                        combos = [(c + t + pieces[i + 1], cw * (x / tot)) for c, cw in combos for t, x in zip(lt, lw)]
                    texts += [c for c, _ in combos]
                    weights += [cw for _, cw in combos]
                lit[sym] = (texts, weights)
                changed = True
        self.rules = {}
        for sym, prods in parsed.items():
            if sym in lit:
                texts, weights = lit[sym]
                parts = [[t] for t in texts]
            else:
                parts, weights = [p for p, _ in prods], [w for _, w in prods]
                texts = ["".join(p) for p in parts]
            w = np.array(weights)
            self.rules[sym] = (parts, np.array(texts, dtype=object), bool((w == w[0]).all()), np.cumsum(w),
                               sym in lit)

    def choose(self, sym: str, m: int, rng: np.random.Generator) -> np.ndarray:
        parts, _, uniform, cum, _ = self.rules[sym]
        if uniform:
            return rng.integers(0, len(parts), m)
        return np.minimum(np.searchsorted(cum, rng.random(m) * cum[-1], side="right"), len(parts) - 1)

    def expand(self, sym: str, m: int, rng: np.random.Generator,
               avoid: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(texts, production index) of ``m`` expansions of ``sym``.

        ``avoid``: production indices not to repeat (a symbol used twice in one
        production gets two different choices: no "太卡了，太卡了").
        """
        n_prod = len(self.rules[sym][0])
        if avoid is not None and n_prod > 1:
            choice = (avoid + 1 + rng.integers(0, n_prod - 1, m)) % n_prod
        else:
            choice = self.choose(sym, m, rng)
        parts, lits, _, _, literal = self.rules[sym]
        if literal:
            return lits[choice], choice
        out = np.empty(m, dtype=object)
        order = np.argsort(choice, kind="stable")
        start = 0
        for j, c in enumerate(np.bincount(choice, minlength=len(parts))):
            if c:
                idx = order[start:start + c]
                start += c
                out[idx] = self._fill(parts[j], int(c), rng)
        return out, choice

    def _fill(self, pieces: list[str], k: int, rng: np.random.Generator) -> np.ndarray:
        acc = np.full(k, pieces[0], dtype=object)
        used: dict[str, np.ndarray] = {}
        for i in range(1, len(pieces), 2):
            name = pieces[i]
            if name in self.rules:
                vals, used[name] = self.expand(name, k, rng, used.get(name))
            else:
                vals = _slot_values(name[1:], k, rng)
            acc = acc + vals
            if pieces[i + 1]:
                acc = acc + pieces[i + 1]
        return acc


_COMPILED: dict[int, tuple[dict, _Grammar]] = {}


def _grammar(rules: dict | None = None) -> _Grammar:
    """The compiled grammar of ``rules`` (default :data:`phrases.GRAMMAR`), compiled once."""
    rules = ph.GRAMMAR if rules is None else rules
    hit = _COMPILED.get(id(rules))
    if hit is None or hit[0] is not rules:
        hit = _COMPILED[id(rules)] = (rules, _Grammar(rules))
    return hit[1]


# online typos and homophones: (right, wrong) pairs
_TYPOS: tuple[tuple[str, str], ...] = (
    ("得", "的"), ("的很", "得很"), ("再", "在"), ("在", "再"), ("账", "帐"), ("登录", "登陆"), ("已经", "以经"),
    ("怎么", "咋"), ("什么", "啥"), ("没有", "木有"), ("真的", "真滴"), ("哪", "那"), ("垃圾", "辣鸡"),
    ("非常", "灰常"), ("这样", "酱紫"), ("不知道", "不造"), ("小时", "钟头"), ("一点", "一丢丢"),
)
#: Hints that steer a complaint (投诉) to an aspect: a churner's last message matches the churn reason.
HINT_ASPECTS: tuple[str, ...] = ("", "fee", "svc", "wealth")
# P(抱怨, 焦虑, 愤怒 | negative, intent)
_EMO_NEG = {
    "投诉": (0.72, 0.0, 0.28), "理财收益咨询": (0.62, 0.25, 0.13), "转账问题": (0.45, 0.45, 0.10),
    "账单查询": (0.55, 0.35, 0.10), "挂失补卡": (0.25, 0.70, 0.05), "销户": (0.65, 0.0, 0.35),
    "利率协商": (0.65, 0.0, 0.35), "其他": (0.72, 0.0, 0.28),
}
_P_ANX_NEGOTIATION = 0.2  # neutral rate requests about an overdue loan


def _codes(values, domain: tuple[str, ...], name: str) -> np.ndarray:
    codes = pd.Index(list(domain), dtype=object).get_indexer(np.asarray(values, dtype=object)).astype(np.int64)
    if (codes < 0).any():
        bad = np.asarray(values, dtype=object)[codes < 0][0]
        raise ValueError(f"{name} {bad!r} is not one of {list(domain)}")
    return codes


def render_texts(sentiment, intent, emotion, rng: np.random.Generator, hint=None,
                 noise: bool = True, return_frames: bool = False, grammar: dict | None = None):
    """Chinese message texts for given labels (one text per label triple).

    ``sentiment``, ``intent``, ``emotion``: equal-length sequences of
    :data:`SENTIMENTS`, :data:`INTENTS`, :data:`EMOTIONS` values; every triple of
    ``phrases.MSG_SYMBOLS`` is allowed (e.g. 中性 messages have emotion 无 except
    anxious rate requests; 负面 messages have 焦虑/抱怨/愤怒). ``hint``: optional
    aspect per message (:data:`HINT_ASPECTS`; "" = none) that steers a complaint
    (负面 投诉) to fees, service or wealth. ``noise``: add online typos and
    punctuation variants. With ``return_frames`` also the frame of each message
    (``"msg_neg_fee#3"``: the top-level grammar symbol and its production), the
    unit of the grouped train/test split in the tests. ``grammar``: another rule
    dict shaped like ``phrases.GRAMMAR`` (default: that one), e.g. with half of
    the phrases held out.

    >>> t = render_texts(["负面", "中性"], ["投诉", "账单查询"], ["抱怨", "无"], np.random.default_rng(1))
    >>> len(t), all(isinstance(s, str) and len(s) >= 5 for s in t)
    (2, True)
    """
    s = _codes(sentiment, SENTIMENTS, "sentiment")
    it = _codes(intent, INTENTS, "intent")
    e = _codes(emotion, EMOTIONS, "emotion")
    m = len(s)
    if not (len(it) == len(e) == m):
        raise ValueError("sentiment, intent and emotion must have the same length")
    h = np.zeros(m, dtype=np.int64) if hint is None else _codes(hint, HINT_ASPECTS, "hint")
    g = _grammar(grammar)
    text = np.empty(m, dtype=object)
    frame = np.empty(m, dtype=object)
    key = ((s * len(INTENTS) + it) * len(EMOTIONS) + e) * len(HINT_ASPECTS) + h
    order = np.argsort(key, kind="stable")
    uniq, first, counts = np.unique(key[order], return_index=True, return_counts=True)
    for k, f0, c in zip(uniq.tolist(), first.tolist(), counts.tolist()):
        idx = order[f0:f0 + c]
        rest, hk = divmod(k, len(HINT_ASPECTS))
        rest, ek = divmod(rest, len(EMOTIONS))
        sk, ik = divmod(rest, len(INTENTS))
        label = (SENTIMENTS[sk], INTENTS[ik], EMOTIONS[ek])
        if label not in ph.MSG_SYMBOLS:
            raise ValueError(f"no messages are written for the labels {label}")
        options = ph.MSG_SYMBOLS[label]
        if hk and label[1] == "投诉":
            prefix = "msg_ang_" if label[2] == "愤怒" else "msg_neg_"
            sym = prefix + HINT_ASPECTS[hk]
            options = [(sym, 1.0)] if sym in g.rules else options
        syms = np.array([o[0] for o in options], dtype=object)
        cum = np.cumsum([float(o[1]) for o in options])
        pick = np.minimum(np.searchsorted(cum, rng.random(c) * cum[-1], side="right"), len(options) - 1)
        for j in range(len(options)):
            sub = idx[pick == j]
            if len(sub):
                t, ch = g.expand(syms[j], len(sub), rng)
                text[sub] = t
                if return_frames:
                    frame[sub] = syms[j] + "#" + ch.astype(str).astype(object)
    if noise:
        text = _add_noise(text, rng)
    # the shortest clauses ("叫号很快") get an end mark: every message has >= 5 characters
    short = np.flatnonzero(np.array([len(t) < 5 for t in text], dtype=bool))
    text[short] = text[short] + np.where(s[short] == 2, "！", "。").astype(object)
    return (text, frame) if return_frames else text


def _add_noise(text: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Online typos / homophones and punctuation styles.

    7 % of the messages are drawn for a typo; those containing a word of :data:`_TYPOS`
    (about 60 %) get one of the applicable ones, so about 4 % carry a typo. About 11 % get
    another punctuation style (spaces or ASCII commas, ``!`` / ``?``).
    """
    m = len(text)
    text = text.copy()
    sel = np.flatnonzero(rng.random(m) < 0.07)
    # each drawn message gets one typo among those that apply to it (random among them)
    fits = np.array([[right in t for right, _ in _TYPOS] for t in text[sel]], dtype=bool).reshape(len(sel), len(_TYPOS))
    score = rng.random((len(sel), len(_TYPOS))) * fits
    kind = np.where(fits.any(axis=1), np.argmax(score, axis=1), -1)
    for j, (right, wrong) in enumerate(_TYPOS):
        idx = sel[kind == j]
        if len(idx):
            text[idx] = [t.replace(right, wrong) for t in text[idx]]
    u = rng.random(m)
    for lo, hi, pairs in ((0.00, 0.04, (("，", " "),)), (0.04, 0.08, (("，", ","),)),
                          (0.08, 0.11, (("！", "!"), ("？", "?")))):
        idx = np.flatnonzero((u >= lo) & (u < hi))
        for a, b in pairs:
            text[idx] = [t.replace(a, b) for t in text[idx]]
    return text


# P(intent | sentiment), rows follow SENTIMENTS, columns INTENTS.
_INTENT_GIVEN_SENT = np.array(
    [  # 账单 理财 利率 投诉 挂失 转账 销户 其他
        [0.14, 0.26, 0.00, 0.00, 0.05, 0.12, 0.00, 0.43],  # 正面
        [0.28, 0.24, 0.12, 0.00, 0.10, 0.12, 0.04, 0.10],  # 中性
        [0.07, 0.14, 0.12, 0.40, 0.06, 0.09, 0.12, 0.00],  # 负面
    ]
)


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
    negative and matching their churn reason (a fee reason -> a complaint
    about fees ...).  ``msg_date`` lies within the customer's life inside the
    window.

    Returns columns ``message_id`` (``<customer_id>-M01``..), ``customer_id``,
    ``msg_date`` (ISO), ``channel`` (电话客服/在线客服/APP智能客服), ``text``
    (5 to about 150 characters, see :func:`render_texts`), ``sentiment``
    (正面/中性/负面), ``intent`` (see :data:`INTENTS`), ``emotion``
    (无/焦虑/抱怨/愤怒).  About 1.5-2 messages per customer.  See the module
    docstring for the labelling rules.

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
    hint = np.zeros(m, dtype=np.int64)
    for pat, it, hk in (("费", 3, 1), ("服务", 3, 2), ("收益|利率", 1, 3), ("竞争|优惠", 2, 0), ("搬|迁|工作", 6, 0)):
        match = np.append(r_uniq.str.contains(pat, regex=True).to_numpy(dtype=bool), False)
        hit = follow & match[r]  # code -1 (missing) -> the appended False
        intent_i = np.where(hit, it, intent_i)
        hint = np.where(hit, hk, hint)
        follow &= ~hit
    intent_i = np.where(near & (sent_i == 2) & (rng.random(m) < 0.25), 6, intent_i)
    # label combinations no customer writes: praise cannot be a complaint, a rate request or
    # a closing; a neutral message is no complaint; a negative one no "other"
    other, complaint = INTENTS.index("其他"), INTENTS.index("投诉")
    no_pos = np.isin(intent_i, [complaint, INTENTS.index("利率协商"), INTENTS.index("销户")])
    intent_i = np.where((sent_i == 0) & no_pos, other, intent_i)
    intent_i = np.where((sent_i == 1) & (intent_i == complaint), other, intent_i)
    intent_i = np.where((sent_i == 2) & (intent_i == other), complaint, intent_i)
    # emotion | sentiment, intent
    ue = rng.random(m)
    emo_i = np.zeros(m, dtype=np.int64)  # 无
    for k, name in enumerate(INTENTS):
        p_com, p_anx, _ = _EMO_NEG[name]
        sel = (sent_i == 2) & (intent_i == k)
        emo_i = np.where(sel, np.where(ue < p_com, 2, np.where(ue < p_com + p_anx, 1, 3)), emo_i)
    nego = (sent_i == 1) & (intent_i == INTENTS.index("利率协商"))
    emo_i = np.where(nego & (ue < _P_ANX_NEGOTIATION), 1, emo_i)
    hint = np.where((sent_i == 2) & (intent_i == complaint), hint, 0)

    sent = np.array(SENTIMENTS, dtype=object)[sent_i]
    intent = np.array(INTENTS, dtype=object)[intent_i]
    emotion = np.array(EMOTIONS, dtype=object)[emo_i]
    text = render_texts(sent, intent, emotion, rng, hint=np.array(HINT_ASPECTS, dtype=object)[hint])

    # channel: older customers phone more
    p_phone = np.clip(0.15 + 0.01 * (age[owner] - 30), 0.1, 0.7)
    uc = rng.random(m)
    channel = np.where(uc < p_phone, CHANNELS[0], np.where(uc < p_phone + (1 - p_phone) * 0.4, CHANNELS[1], CHANNELS[2]))

    # label noise (annotator disagreement) ~3 %
    flip = rng.random(m) < 0.03
    sent = np.where(flip & (sent != "中性"), "中性", np.where(flip, np.where(rng.random(m) < 0.5, "正面", "负面"), sent))

    df = pd.DataFrame(
        {"_o": owner, "_d": date, "channel": channel, "text": text.astype(str),
         "sentiment": sent.astype(str), "intent": intent.astype(str), "emotion": emotion.astype(str)}
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
