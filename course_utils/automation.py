"""Cost-cutting automation of Lecture 3 (AI自动化运营的降本技巧): service-bot scripts with hand-off
rules, and AI outbound calls for long-tail activation.

**Service bot (智能客服话术模板).** A script is a template with slots filled from the data,
never typed: :func:`bill_answer` fills :data:`BILL_TEMPLATE` ("您好，您本月账单为XX元，还款日为XX。")
from the customer's card spending; :func:`yield_answer` fills :data:`YIELD_TEMPLATE` ("当前XX产品年化
收益3.8%，高于同类XX%…") with the percentile *computed* from the product table
(:func:`yield_percentile`). :func:`handoff_rule` hands a message to a human agent when the same
question is asked again in the conversation or the customer asks to negotiate a rate
(rules from :mod:`course_utils.chatbot`). :func:`route_messages` applies scripts and rules to the
``messages`` table; :func:`service_savings` prices the result with stated :class:`ServiceCosts`.

**AI outbound (长尾客户激活的AI外呼).** :func:`silent_customers` lists customers with no transaction
for :data:`course_utils.domain.DORMANT_AFTER_DAYS` days; before offering credit (备用金) a bank
checks consent, its do-not-call list and credit eligibility (:func:`contact_flags` - the
course's one consent register, :func:`course_utils.domain.consent_register` - and :func:`credit_eligibility`); :func:`outbound_funnel` counts each step.
:func:`grade_intent` grades a reply A/B/C from keywords (negation handled); only A goes to a
customer manager. :func:`grade_report` measures a grader against labelled replies and
:func:`outbound_costs` compares the cost per activated customer with a human calling everyone,
under stated :class:`OutboundCosts`.

All money in CNY (元). Wrong calls raise :class:`~course_utils.errors.CourseArgumentError` with a
Chinese and an English line.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from course_utils import domain
from course_utils.chatbot import asks_rate_negotiation, repeated_questions, same_question_repeated
from course_utils.datagen.texts import OUTBOUND_SCRIPT
from course_utils.errors import CourseArgumentError

__all__ = [
    "BILL_TEMPLATE", "YIELD_TEMPLATE", "RISK_NOTE", "HANDOFF_MESSAGE", "SCRIPTED_INTENTS",
    "fill_template", "credit_card_bill", "bill_answer", "find_product", "find_products", "yield_percentile", "yield_answer",
    "handoff_rule", "handoff_reason", "conversation_histories", "handoff_labels",
    "route_messages", "ServiceCosts", "service_savings",
    "OUTBOUND_AS_OF", "OUTBOUND_SCRIPT", "silent_customers", "contact_flags", "credit_eligibility", "outbound_funnel",
    "REFUSAL_WORDS", "HESITATION_WORDS", "ACCEPT_WORDS", "NOT_REFUSAL_PHRASES", "GRADES",
    "grade_intent", "naive_grade_intent", "grade_replies", "grade_report", "OutboundCosts", "outbound_costs",
]


def _error(zh: str, en: str) -> CourseArgumentError:
    return CourseArgumentError(f"{zh}\n{en}")


def _tables(bank) -> Mapping:
    if isinstance(bank, Mapping):
        return bank
    if hasattr(bank, "tables"):
        return bank.tables
    raise _error("需要 Bank 对象（get_bank() 的结果）或表格字典", "expects a Bank (from get_bank()) or a dict of tables")


def _table(bank, name: str, columns) -> pd.DataFrame:
    tb = _tables(bank)
    if name not in tb:
        raise _error(f"数据里没有 {name} 表", f"the data has no '{name}' table")
    df = tb[name]
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise _error(f"{name} 表缺少列 {missing}", f"table '{name}' lacks columns {missing}")
    return df


# ---------------------------------------------------------------------------
# script templates
# ---------------------------------------------------------------------------
#: Credit-card bill script (seed: "您好，您本月账单为XX元，还款日为XX。").
BILL_TEMPLATE = "您好，您本月账单为{amount}元，还款日为{due_date}。"
#: Wealth-yield script (seed: "当前XX产品年化收益3.8%，高于同类95%…"); the percentile is computed.
YIELD_TEMPLATE = "当前{product}产品年化收益{annual_yield}，高于同类{percentile}的产品。"
#: The "高于同类XX%" clause is said only from this percentile on (a comparison must be true and
#: favourable to be worth saying; below it the bot states the yield alone).
COMPARE_MIN_PERCENTILE = 0.5
#: Compliance sentence every yield answer ends with (a yield is a benchmark, not a promise).
RISK_NOTE = "（业绩比较基准，不代表实际收益；理财非存款，产品有风险，投资须谨慎。）"
#: What the bot says when it hands a message to a human agent.
HANDOFF_MESSAGE = "这个问题我为您转接人工客服，请稍候。"
#: Intents the bot has a script for (others go to a human).
SCRIPTED_INTENTS: tuple[str, ...] = ("账单查询", "理财收益咨询")
#: Card statements close at the end of each month; payment is due on this day of the next month.
PAYMENT_DUE_DAY = 20
#: Transaction types that appear on a card bill.
CARD_SPEND_TYPES: tuple[str, ...] = ("消费",)
#: A single card spend at or above this (CNY) is a data error (datasets/README: impossible amounts).
MAX_CARD_TXN_CNY = 1_000_000.0


def fill_template(template: str, **slots) -> str:
    """Fill the ``{slot}`` fields of a script template; a missing slot is a clear error.

    >>> fill_template(BILL_TEMPLATE, amount="3,456.78", due_date="4月20日")
    '您好，您本月账单为3,456.78元，还款日为4月20日。'
    """
    if not isinstance(template, str):
        raise _error(f"话术模板应是文字，收到 {type(template).__name__}", "the template must be a string")
    try:
        return template.format(**slots)
    except KeyError as e:
        raise _error(f"话术模板的槽位 {{{e.args[0]}}} 没有填：请传入 {e.args[0]}=...",
                     f"template slot {{{e.args[0]}}} is not filled: pass {e.args[0]}=...") from None
    except (IndexError, ValueError) as e:
        raise _error(f"话术模板写法有误（{e}）：槽位写成 {{名字}}", f"malformed template ({e}): write slots as {{name}}") from None


def _card_holders(tb: Mapping) -> pd.DataFrame:
    """customer_id, start (first credit-card holding start date)."""
    h = _table(tb, "holdings", ["customer_id", "product_id", "start_date"])
    p = _table(tb, "products", ["product_id", "category"])
    cards = set(p.loc[p["category"].astype(str) == "信用卡", "product_id"].astype(str))
    hc = h[h["product_id"].astype(str).isin(cards)]
    start = domain.as_dates(hc["start_date"], "start_date")
    return start.groupby(hc["customer_id"].astype(str).to_numpy()).min().rename("start").to_frame()


def _month_code(dates: pd.Series) -> np.ndarray:
    """Months as integers (year * 12 + month - 1): fast to group and to shift."""
    return (dates.dt.year * 12 + dates.dt.month - 1).to_numpy(dtype="int64", na_value=-1)


def _monthly_card_spend(tb: Mapping) -> pd.Series:
    """Card spending (CNY) per (customer_id, month code), duplicates and impossible amounts removed."""
    t = _table(tb, "transactions", ["customer_id", "txn_date", "amount", "txn_type"])
    amount = pd.to_numeric(t["amount"], errors="coerce")
    keep = t["txn_type"].astype(str).isin(CARD_SPEND_TYPES) & (amount > 0) & (amount < MAX_CARD_TXN_CNY)
    t = t[keep.to_numpy(dtype=bool, na_value=False)].drop_duplicates()
    month = _month_code(domain.as_dates(t["txn_date"], "txn_date"))
    cents = (pd.to_numeric(t["amount"]) * 100).round().astype("int64")   # exact sums, same on every CPU
    return cents.groupby([t["customer_id"].astype(str).to_numpy(), month]).sum() / 100


def _bills(tb: Mapping, customer_ids, dates) -> pd.DataFrame:
    ids = pd.Series(list(customer_ids), dtype=object).astype(str)
    when = domain.as_dates(pd.Series(list(dates)), "as_of")
    holders = _card_holders(tb)
    t = _table(tb, "transactions", ["customer_id"])
    # only these customers' transactions (sums are in whole fen, so the amounts are the same)
    spend = _monthly_card_spend({"transactions": t[t["customer_id"].astype(str).isin(set(ids)).to_numpy()]})
    stmt = _month_code(when) - 1
    start = holders["start"].reindex(ids).to_numpy()
    has_card = pd.notna(start) & (start <= when.to_numpy())
    amount = spend.reindex(pd.MultiIndex.from_arrays([ids.to_numpy(), stmt])).fillna(0.0).to_numpy()
    due = when.dt.to_period("M").dt.to_timestamp() + pd.Timedelta(days=PAYMENT_DUE_DAY - 1)
    month = [f"{c // 12:04d}-{c % 12 + 1:02d}" for c in stmt]
    return pd.DataFrame({"customer_id": ids.to_numpy(), "has_card": has_card, "statement_month": month,
                         "amount": np.round(amount, 2), "due_date": due.to_numpy()})


def credit_card_bill(bank, customer_id: str, as_of) -> dict:
    """This month's credit-card bill of one customer, asked on day ``as_of``.

    The statement covers the calendar month before ``as_of`` (it closes at month end) and is due
    on day :data:`PAYMENT_DUE_DAY` of ``as_of``'s month. Amount = the customer's 消费 transactions
    in that month (exact duplicate rows and impossible amounts - negative or ≥ 1,000,000 - left
    out), CNY with 2 decimals. ``has_card`` is False when the customer held no credit card
    (products of category 信用卡) on ``as_of``.

    Returns dict ``customer_id``, ``has_card``, ``statement_month`` ("2024-03"), ``amount`` (CNY),
    ``due_date`` (Timestamp).

    >>> tb = {"holdings": pd.DataFrame({"customer_id": ["C1"], "product_id": ["P1"], "start_date": ["2023-01-05"]}),
    ...       "products": pd.DataFrame({"product_id": ["P1"], "category": ["信用卡"]}),
    ...       "transactions": pd.DataFrame({"customer_id": ["C1", "C1", "C1"], "txn_type": ["消费", "消费", "转账"],
    ...                                     "txn_date": ["2024-03-02", "2024-03-30", "2024-03-05"],
    ...                                     "amount": [100.5, 20.25, 999.0]})}
    >>> b = credit_card_bill(tb, "C1", "2024-04-08")
    >>> b["statement_month"], b["amount"], str(b["due_date"].date())
    ('2024-03', 120.75, '2024-04-20')
    """
    row = _bills(_tables(bank), [customer_id], [as_of]).iloc[0]
    return {"customer_id": row["customer_id"], "has_card": bool(row["has_card"]),
            "statement_month": row["statement_month"], "amount": float(row["amount"]),
            "due_date": pd.Timestamp(row["due_date"])}


def _bill_text(amount: float, due) -> str:
    due = pd.Timestamp(due)
    return fill_template(BILL_TEMPLATE, amount=f"{amount:,.2f}", due_date=f"{due.month}月{due.day}日")


def bill_answer(bank, customer_id: str, as_of) -> str | None:
    """The bill script filled for one customer (None when the customer holds no credit card).

    The amount keeps its 2 decimals (a bill is exact to the fen).

    >>> tb = {"holdings": pd.DataFrame({"customer_id": ["C1"], "product_id": ["P1"], "start_date": ["2023-01-05"]}),
    ...       "products": pd.DataFrame({"product_id": ["P1"], "category": ["信用卡"]}),
    ...       "transactions": pd.DataFrame({"customer_id": ["C1"], "txn_type": ["消费"],
    ...                                     "txn_date": ["2024-03-02"], "amount": [3456.78]})}
    >>> bill_answer(tb, "C1", "2024-04-08")
    '您好，您本月账单为3,456.78元，还款日为4月20日。'
    """
    b = credit_card_bill(bank, customer_id, as_of)
    return _bill_text(b["amount"], b["due_date"]) if b["has_card"] else None


def _products(products) -> pd.DataFrame:
    if hasattr(products, "tables") or isinstance(products, Mapping):
        products = _table(products, "products", ["product_id", "name", "category", "annual_yield"])
    if not isinstance(products, pd.DataFrame):
        raise _error("需要产品表 products（DataFrame）", "expects the products table (a DataFrame)")
    missing = [c for c in ("product_id", "name", "category", "annual_yield") if c not in products.columns]
    if missing:
        raise _error(f"产品表缺少列 {missing}", f"the products table lacks columns {missing}")
    return products


def find_products(texts, products) -> pd.Series:
    """For each text, the product_id whose name appears in it (the longest name wins), or None.

    >>> p = pd.DataFrame({"product_id": ["P1", "P2"], "name": ["稳盈90天", "稳盈"], "category": ["理财"] * 2,
    ...                   "annual_yield": [3.8, 3.0]})
    >>> find_products(["稳盈90天现在收益多少", "今天天气", "稳盈怎么样"], p).tolist()
    ['P1', None, 'P2']
    """
    p = _products(products)
    s = pd.Series([_text(t) for t in ([texts] if isinstance(texts, str) else list(texts))], dtype=object)
    if isinstance(texts, pd.Series):
        s.index = texts.index
    found = np.full(len(s), None, dtype=object)
    best = np.zeros(len(s), dtype=int)
    for pid, name in zip(p["product_id"].astype(str), p["name"].astype(str)):
        if not name:
            continue
        hit = s.str.contains(name, regex=False).to_numpy(dtype=bool) & (len(name) > best)
        found[hit] = pid
        best[hit] = len(name)
    return pd.Series(found, index=s.index, name="product_id", dtype=object)


def find_product(text, products) -> str | None:
    """The product_id whose name appears in ``text`` (the longest name wins), or None.

    >>> p = pd.DataFrame({"product_id": ["P1", "P2"], "name": ["稳盈90天", "稳盈"], "category": ["理财"] * 2,
    ...                   "annual_yield": [3.8, 3.0]})
    >>> find_product("稳盈90天现在收益多少", p), find_product("今天天气", p)
    ('P1', None)
    """
    return find_products([_text(text)], products).iloc[0]


def _product_row(p: pd.DataFrame, product) -> pd.Series:
    key = str(product)
    m = (p["product_id"].astype(str) == key) | (p["name"].astype(str) == key)
    if not m.any():
        ex = "、".join(p["name"].astype(str).head(3))
        raise _error(f"产品表里没有 “{key}”：请用产品编号或完整名称（如 {ex}）",
                     f"no product '{key}' in the products table: use a product id or full name")
    return p[m].iloc[0]


def yield_percentile(products, product, peers=("category",)) -> float:
    """Share of the product's peers with a strictly lower annual yield (fraction 0..1).

    Peers = the *other* products with the same values in ``peers`` (default: the same category -
    comparing a fund with a deposit would flatter it; ``peers=("category", "risk_level")`` is
    stricter). NaN when there are none.
    This is the number behind "高于同类XX%": computed, never typed.

    >>> p = pd.DataFrame({"product_id": ["P1", "P2", "P3", "P4", "P5"], "name": list("ABCDE"),
    ...                   "category": ["理财"] * 4 + ["基金"], "risk_level": ["R2", "R2", "R2", "R3", "R2"],
    ...                   "annual_yield": [3.8, 2.9, 3.5, 4.1, 9.0]})
    >>> yield_percentile(p, "P1")          # lower than 3.8 among B, C, D: B and C
    0.6666666666666666
    >>> yield_percentile(p, "P1", peers=("category", "risk_level"))   # among B, C: both
    1.0
    """
    p = _products(products)
    peers = [peers] if isinstance(peers, str) else list(peers)
    bad = [c for c in peers if c not in p.columns]
    if bad:
        raise _error(f"产品表没有列 {bad}，不能按它划分同类", f"the products table has no columns {bad} to define peers")
    row = _product_row(p, product)
    same = np.ones(len(p), dtype=bool)
    for c in peers:
        same &= (p[c].astype(str) == str(row[c])).to_numpy()
    same &= (p["product_id"].astype(str) != str(row["product_id"])).to_numpy()
    y = pd.to_numeric(p.loc[same, "annual_yield"], errors="coerce").dropna()
    return float((y < float(row["annual_yield"])).sum() / len(y)) if len(y) else float("nan")


def _pct(fraction: float) -> str:
    from course_utils.viz.fmt import percent
    return percent(fraction)


_RISK_ORDER = {f"R{i}": i for i in range(1, 6)}


def yield_answer(products, product, risk_appetite=None, peers=("category",)) -> str:
    """The yield script for one product, percentile computed, compliance note appended.

    The "高于同类XX%" clause appears only when the percentile is at least
    :data:`COMPARE_MIN_PERCENTILE`. With ``risk_appetite`` (the customer's R1-R5) the bot also checks suitability (适当性):
    a product riskier than the customer's appetite is not recommended.

    >>> p = pd.DataFrame({"product_id": ["P1", "P2", "P3"], "name": ["稳盈90天", "B", "C"],
    ...                   "category": ["理财"] * 3, "risk_level": ["R2"] * 3, "annual_yield": [3.8, 2.9, 4.1]})
    >>> yield_answer(p, "稳盈90天")
    '当前稳盈90天产品年化收益3.80%，高于同类50.0%的产品。（业绩比较基准，不代表实际收益；理财非存款，产品有风险，投资须谨慎。）'
    >>> yield_answer(p, "P1", risk_appetite="R1").endswith("该产品风险等级 R2 高于您的风险承受能力 R1，暂不向您推荐。")
    True
    """
    p = _products(products)
    row = _product_row(p, product)
    pct = yield_percentile(p, row["product_id"], peers)
    compare = not math.isnan(pct) and pct >= COMPARE_MIN_PERCENTILE
    template = YIELD_TEMPLATE if compare else YIELD_TEMPLATE.split("，")[0] + "。"   # nothing true to boast
    text = fill_template(template, product=row["name"], annual_yield=f"{float(row['annual_yield']):.2f}%",
                         percentile=_pct(pct) if compare else "") + RISK_NOTE
    if risk_appetite is not None and "risk_level" in p.columns:
        text += _suitability_note(row["risk_level"], risk_appetite)
    return text


def _suitability_note(product_risk, appetite) -> str:
    need, have = _RISK_ORDER.get(str(product_risk)), _RISK_ORDER.get(str(appetite))
    if need and have and need > have:
        return f"该产品风险等级 {product_risk} 高于您的风险承受能力 {appetite}，暂不向您推荐。"
    return ""


# ---------------------------------------------------------------------------
# hand-off rules on chat logs
# ---------------------------------------------------------------------------
def _history(history) -> list[str]:
    if isinstance(history, (str, bytes)) or history is None:
        history = [history]
    if isinstance(history, (pd.Series, np.ndarray)):
        history = list(history)
    try:
        items = list(history)
    except TypeError:
        items = [history]
    return ["" if (v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA) else str(v) for v in items]


def handoff_reason(history, n: int = 2) -> str | None:
    """Why the latest message of a conversation goes to a human agent, or None (the bot answers).

    ``history``: the customer's messages in one conversation (same day), oldest first, the
    message being routed last (one string = a one-message conversation). Reasons:
    ``"repeat"`` - the same question now asked ``n`` times (equal after removing greetings,
    thanks, punctuation and spaces: :func:`course_utils.chatbot.question_key`);
    ``"rate"`` - a request to negotiate a rate or fee (:func:`course_utils.chatbot.asks_rate_negotiation`).
    "repeat" wins when both hold.

    >>> handoff_reason(["本月账单多少钱？", "您好，本月账单多少钱"]), handoff_reason("我的房贷利率能不能调低一点")
    ('repeat', 'rate')
    >>> handoff_reason(["本月账单多少钱？", "还款日是哪天"]) is None
    True
    """
    msgs = _history(history)
    if not msgs:
        return None
    if same_question_repeated(msgs, n=n):
        return "repeat"
    if asks_rate_negotiation(msgs[-1]):
        return "rate"
    return None


def handoff_rule(history, n: int = 2) -> bool:
    """True when the latest message must go to a human agent (see :func:`handoff_reason`).

    Rules of the seed: the same question repeated -> human; a request to negotiate the rate -> human.
    On the committed ``messages`` table the rule agrees with the labels
    (:func:`handoff_labels`) on every message.

    >>> handoff_rule(["信用卡账单多少", "信用卡账单多少？"]), handoff_rule("手续费太高了"), handoff_rule("想协商一下利息")
    (True, False, True)
    """
    return handoff_reason(history, n=n) is not None


def _messages(bank_or_messages) -> pd.DataFrame:
    if isinstance(bank_or_messages, pd.DataFrame):
        m = bank_or_messages
    else:
        m = _table(bank_or_messages, "messages", [])
    missing = [c for c in ("customer_id", "msg_date", "text") if c not in m.columns]
    if missing:
        raise _error(f"消息表缺少列 {missing}", f"the messages table lacks columns {missing}")
    return m


def conversation_histories(messages) -> pd.Series:
    """For every message, its conversation so far: texts of the same customer on the same day up
    to and including it, in table order (index = the messages' index).

    >>> m = pd.DataFrame({"customer_id": ["C1", "C1", "C2"], "msg_date": ["2024-01-02"] * 3,
    ...                   "text": ["账单多少", "还款日哪天", "你好"]})
    >>> conversation_histories(m).tolist()
    [['账单多少'], ['账单多少', '还款日哪天'], ['你好']]
    """
    m = _messages(messages)
    keys = list(zip(m["customer_id"].astype(str), m["msg_date"].astype(str)))
    texts = _history(m["text"])
    seen: dict = {}
    out = []
    for k, t in zip(keys, texts):
        seen.setdefault(k, []).append(t)
        out.append(list(seen[k]))
    return pd.Series(out, index=m.index, name="history", dtype=object)


def handoff_labels(messages) -> pd.Series:
    """The hand-off truth from the labels: ``intent == "利率协商"`` or the text exactly repeats an
    earlier message of the same customer on the same day (bool, index = the messages' index).

    >>> m = pd.DataFrame({"customer_id": ["C1"] * 3, "msg_date": ["2024-01-02"] * 3,
    ...                   "text": ["账单多少", "账单多少", "想降利率"], "intent": ["账单查询", "账单查询", "利率协商"]})
    >>> handoff_labels(m).tolist()
    [False, True, True]
    """
    m = _messages(messages)
    if "intent" not in m.columns:
        raise _error("消息表缺少标注列 intent", "the messages table lacks the label column 'intent'")
    rep = m.groupby([m["customer_id"].astype(str), m["msg_date"].astype(str), m["text"].astype(str)],
                    sort=False).cumcount() > 0
    return ((m["intent"].astype(str) == "利率协商") | rep).rename("handoff")


def route_messages(bank, messages=None) -> pd.DataFrame:
    """Route every message: the bot answers with a filled script, or a human agent takes it.

    Order: the hand-off rules first (``repeat``, ``rate``); then an intent without a script
    (``no_script``: complaints, card loss ... - the intent is the labelled one here; Lecture 4 shows
    how a bot recognises it); then a script whose slots cannot be filled (``no_data``: no credit
    card, no product named in the question); otherwise the bot answers (``reason = "answered"``).

    Returns the messages' ``message_id``, ``customer_id``, ``msg_date``, ``intent``, ``text`` plus
    ``route`` ("bot" / "human"), ``reason`` and ``answer`` (the script, or :data:`HANDOFF_MESSAGE`).
    """
    tb = _tables(bank)
    m = _messages(tb["messages"] if messages is None else messages)
    if "intent" not in m.columns:
        raise _error("消息表缺少列 intent", "the messages table lacks the column 'intent'")
    # handoff_reason on every conversation, vectorised: repeats within (customer, day), then rate requests
    repeat = repeated_questions(m.assign(text=m["text"].astype(object)), n=2).to_numpy()
    rate = np.asarray(asks_rate_negotiation(m["text"].astype(object).tolist()), dtype=bool)
    reason = pd.Series(np.where(repeat, "repeat", np.where(rate, "rate", None)), index=m.index, dtype=object)
    intent = m["intent"].astype(str)
    reason[reason.isna() & ~intent.isin(SCRIPTED_INTENTS)] = "no_script"
    answer = pd.Series(HANDOFF_MESSAGE, index=m.index, dtype=object)

    bill = reason.isna() & (intent == "账单查询")
    if bill.any():
        b = _bills(tb, m.loc[bill, "customer_id"], m.loc[bill, "msg_date"])
        ok = b["has_card"].to_numpy()
        idx = m.index[bill.to_numpy()]
        answer[idx[ok]] = [_bill_text(a, d) for a, d in zip(b["amount"][ok], b["due_date"][ok])]
        reason[idx[~ok]] = "no_data"
    wealth = reason.isna() & (intent == "理财收益咨询")
    if wealth.any():
        p = _products(tb)
        appetite = None
        if "customers" in tb and "risk_appetite" in tb["customers"].columns:
            c = tb["customers"]
            appetite = pd.Series(c["risk_appetite"].astype(str).to_numpy(), index=c["customer_id"].astype(str))
        pids = find_products(m.loc[wealth, "text"], p)
        risk = dict(zip(p["product_id"].astype(str), p["risk_level"].astype(str))) if "risk_level" in p.columns else {}
        base = {pid: yield_answer(p, pid) for pid in pids.dropna().unique()}
        for i, pid, cid in zip(pids.index, pids, m.loc[wealth, "customer_id"].astype(str)):
            if pid is None:
                reason[i] = "no_data"
                continue
            ra = appetite.get(cid) if appetite is not None else None
            answer[i] = base[pid] + (_suitability_note(risk.get(pid), ra) if ra is not None else "")
    route = np.where(reason.isna(), "bot", "human")
    out = m[[c for c in ("message_id", "customer_id", "msg_date", "intent", "text") if c in m.columns]].copy()
    out["route"] = route
    out["reason"] = reason.fillna("answered").to_numpy()
    out["answer"] = answer.to_numpy()
    return out


@dataclass(frozen=True)
class ServiceCosts:
    """Per-message cost assumptions of the service lesson (CNY; replace with the bank's own).

    ``bot`` - a message answered by the bot (licence, compute, upkeep share);
    ``human`` - a message handled by an agent (about 3 minutes of an agent at ~100 元/hour all-in).
    Every message first reaches the bot; a handed-off one costs both.
    """

    bot: float = 0.5
    human: float = 5.0

    def describe(self) -> str:
        """The assumptions in one Chinese sentence (show it next to the figures)."""
        return (f"成本假设：机器人每条 {self.bot:g} 元，人工客服每条 {self.human:g} 元；"
                "每条消息都先到机器人，转人工的再加人工成本")


def service_savings(routed: pd.DataFrame, costs: ServiceCosts | None = None) -> dict:
    """Automation and hand-off rates of routed messages and the money saved vs all-human service.

    Returns dict: ``messages``, ``bot_answered``, ``handed_off`` (counts), ``automation_rate``,
    ``handoff_rate`` (fractions), ``cost_all_human``, ``cost_with_bot``, ``saved`` (CNY),
    ``saved_share`` (fraction of the all-human cost).

    >>> r = pd.DataFrame({"route": ["bot", "bot", "human", "bot"]})
    >>> s = service_savings(r, ServiceCosts(bot=0.5, human=5.0))
    >>> s["automation_rate"], s["cost_all_human"], s["cost_with_bot"], s["saved"]
    (0.75, 20.0, 7.0, 13.0)
    """
    costs = costs or ServiceCosts()
    if not isinstance(routed, pd.DataFrame) or "route" not in routed.columns:
        raise _error("需要 route_messages(...) 的结果（含 route 列）", "expects the result of route_messages(...) (a 'route' column)")
    n = len(routed)
    bot = int((routed["route"] == "bot").sum())
    human = n - bot
    all_human = n * costs.human
    with_bot = n * costs.bot + human * costs.human
    return {"messages": n, "bot_answered": bot, "handed_off": human,
            "automation_rate": bot / n if n else float("nan"), "handoff_rate": human / n if n else float("nan"),
            "cost_all_human": float(all_human), "cost_with_bot": float(with_bot),
            "saved": float(all_human - with_bot), "saved_share": (all_human - with_bot) / all_human if n else float("nan")}


# ---------------------------------------------------------------------------
# AI outbound: the silent list and the checks before offering credit
# ---------------------------------------------------------------------------
#: The AI call's script (seed: "为您专属预留了5万额度备用金，是否确认开通？"), as in ``outbound_calls.script``.
OUTBOUND_SCRIPT = OUTBOUND_SCRIPT
#: Day the outbound campaign starts (the calls of ``outbound_calls`` are in July 2024).
OUTBOUND_AS_OF = "2024-07-01"
#: Credit eligibility for the 5万 备用金 offer (documented, simplified): age range (years),
#: minimum verified monthly income (CNY), no overdue mention in messages in the past 12 months.
CREDIT_AGE = (22, 60)
CREDIT_MIN_INCOME = 4000.0


def silent_customers(bank, as_of=OUTBOUND_AS_OF) -> pd.DataFrame:
    """Customers with no transaction for 6 months (沉默客户) when day ``as_of`` begins.

    Population: on the books when ``as_of`` begins (:func:`course_utils.domain.on_books_at_start`),
    customer for at least :data:`~course_utils.domain.DORMANT_AFTER_DAYS` days (a newer customer
    cannot have been silent that long), and dormant (:func:`course_utils.domain.is_dormant`: no
    transaction in the last 180 days; never transacted counts as dormant).

    Returns customer_id, tenure_days, recency_days (NaN = never transacted), age, monthly_income.
    """
    from course_utils.features import rfm

    c = _table(bank, "customers", ["customer_id", "open_date", "churn_date"])
    cut = domain.as_date(as_of)
    cu = c[domain.on_books_at_start(c, cut).to_numpy()]
    tenure = (cut - domain.as_dates(cu["open_date"], "open_date")).dt.days.to_numpy()
    r = rfm(_table(bank, "transactions", ["customer_id", "txn_date", "amount"]), cut)
    rec = r["recency_days"].reindex(cu["customer_id"].astype(str)).to_numpy(dtype=float)
    keep = (tenure >= domain.DORMANT_AFTER_DAYS) & np.asarray(domain.is_dormant(pd.Series(rec)), dtype=bool)
    out = pd.DataFrame({"customer_id": cu["customer_id"].astype(str).to_numpy(), "tenure_days": tenure,
                        "recency_days": rec})
    for col in ("age", "monthly_income"):
        if col in cu.columns:
            out[col] = pd.to_numeric(cu[col], errors="coerce").to_numpy()
    return out[keep].reset_index(drop=True)


def contact_flags(customer_ids, bank=None) -> pd.DataFrame:
    """Marketing consent (营销授权) and do-not-call (免打扰) per customer, from one register.

    With ``bank`` holding the ``retention_campaign`` table (columns ``consent``, ``do_not_call``,
    recorded for every customer on the books on 2024-01-01), its flags are used: the same
    register as the retention lesson. Other customers (or no such table) get the same flags
    from the course's one **synthetic** register, :func:`course_utils.domain.consent_register`
    (``consent`` = call consent and no opt-out; ``do_not_call``); the generator writes that
    register into ``retention_campaign``, so both sources agree. A real bank reads both from
    its consent and do-not-call registers.

    Returns ``customer_id``, ``consent``, ``do_not_call`` (bool) and ``source`` ("register" /
    "synthetic").

    >>> contact_flags(["C000001", "C000004"]).columns.tolist()
    ['customer_id', 'consent', 'do_not_call', 'source']
    """
    from course_utils.domain import consent_register

    ids = pd.Series(list(customer_ids), dtype=object).astype(str)
    syn = consent_register(ids.tolist())
    consent = (syn["consent_call"].to_numpy(dtype=bool) & ~syn["opted_out"].to_numpy(dtype=bool)).copy()
    dnc = syn["do_not_call"].to_numpy(dtype=bool).copy()
    source = np.full(len(ids), "synthetic", dtype=object)
    tb = _tables(bank) if bank is not None else {}
    reg = tb.get("retention_campaign") if hasattr(tb, "get") else None
    if reg is not None and {"customer_id", "consent", "do_not_call"} <= set(reg.columns):
        r = reg.drop_duplicates("customer_id").set_index(reg.drop_duplicates("customer_id")["customer_id"].astype(str))
        known = ids.isin(r.index).to_numpy()
        consent[known] = pd.to_numeric(r["consent"]).reindex(ids[known]).to_numpy() == 1
        dnc[known] = pd.to_numeric(r["do_not_call"]).reindex(ids[known]).to_numpy() == 1
        source[known] = "register"
    return pd.DataFrame({"customer_id": ids.to_numpy(), "consent": consent, "do_not_call": dnc, "source": source})


def credit_eligibility(bank, customer_ids, as_of=OUTBOUND_AS_OF) -> pd.DataFrame:
    """Can the bank offer these customers a credit line (备用金)? One row per customer.

    Checks (simplified, documented): age within :data:`CREDIT_AGE`; verified monthly income
    (not missing) of at least :data:`CREDIT_MIN_INCOME`; no message mentioning 逾期 (overdue) in
    the 12 months before ``as_of``. A real bank adds its credit bureau check (征信) and existing
    debt. Returns customer_id, age_ok, income_ok, no_overdue, eligible, reason (first failed
    check in Chinese, "" when eligible).
    """
    c = _table(bank, "customers", ["customer_id", "age", "monthly_income"]).copy()
    ids = pd.Series(list(customer_ids), dtype=object).astype(str)
    ci = c.set_index(c["customer_id"].astype(str))
    age = pd.to_numeric(ci["age"], errors="coerce").reindex(ids).to_numpy(dtype=float)
    income = pd.to_numeric(ci["monthly_income"], errors="coerce").reindex(ids).to_numpy(dtype=float)
    age_ok = (age >= CREDIT_AGE[0]) & (age <= CREDIT_AGE[1])
    income_ok = income >= CREDIT_MIN_INCOME
    overdue = np.zeros(len(ids), dtype=bool)
    tb = _tables(bank)
    if "messages" in tb:
        m = tb["messages"]
        d = domain.as_dates(m["msg_date"], "msg_date")
        cut = domain.as_date(as_of)
        hit = m["text"].astype(str).str.contains("逾期", regex=False) & (d < cut) & (d >= cut - pd.DateOffset(months=12))
        overdue = ids.isin(set(m.loc[hit.to_numpy(dtype=bool, na_value=False), "customer_id"].astype(str))).to_numpy()
    reason = np.where(~age_ok, f"年龄不在 {CREDIT_AGE[0]}–{CREDIT_AGE[1]} 岁",
                      np.where(~income_ok, f"收入未核实或低于 {CREDIT_MIN_INCOME:,.0f} 元/月",
                               np.where(overdue, "近 12 个月提到逾期", "")))
    return pd.DataFrame({"customer_id": ids.to_numpy(), "age_ok": age_ok, "income_ok": income_ok,
                         "no_overdue": ~overdue, "eligible": age_ok & income_ok & ~overdue, "reason": reason})


def outbound_funnel(bank, as_of=OUTBOUND_AS_OF) -> pd.DataFrame:
    """The outbound list step by step: silent -> consent -> not on DNC -> credit eligible -> called.

    Returns one row per step: ``step`` (key), ``step_zh``, ``customers`` and the ``customer_ids``
    remaining after it (list). "called" = eligible customers with a reply in ``outbound_calls``.
    """
    silent = silent_customers(bank, as_of)
    ids = silent["customer_id"]
    flags = contact_flags(ids, bank)
    consent = ids[flags["consent"].to_numpy()]
    not_dnc = ids[(flags["consent"] & ~flags["do_not_call"]).to_numpy()]
    elig = credit_eligibility(bank, not_dnc, as_of)
    eligible = not_dnc[elig["eligible"].to_numpy()]
    tb = _tables(bank)
    called_ids = set(tb["outbound_calls"]["customer_id"].astype(str)) if "outbound_calls" in tb else set()
    called = eligible[eligible.isin(called_ids)]
    steps = [("silent", "6个月无交易的沉默客户", ids), ("consent", "已授权营销联系", consent),
             ("not_dnc", "不在免打扰名单", not_dnc), ("eligible", "符合备用金授信条件", eligible),
             ("called", "已外呼并有回复记录", called)]
    return pd.DataFrame({"step": [s[0] for s in steps], "step_zh": [s[1] for s in steps],
                         "customers": [len(s[2]) for s in steps],
                         "customer_ids": [list(s[2]) for s in steps]})


# ---------------------------------------------------------------------------
# intent grading of outbound replies
# ---------------------------------------------------------------------------
GRADES: tuple[str, ...] = ("A", "B", "C")
#: Phrases that contain a refusal word but are not refusals (removed before grading).
NOT_REFUSAL_PHRASES: tuple[str, ...] = ("不是不需要", "不是不想", "不是不要", "不用考虑", "不用想了")
#: Refusal (C): checked first.
REFUSAL_WORDS: tuple[str, ...] = ("不需要", "不用", "没兴趣", "不感兴趣", "别再打", "别打了", "不要再", "不要打",
                                  "不办", "不要了", "没有这个需要", "没需要", "不缺钱", "已经有", "挂了")
#: Hesitation (B): checked second.
HESITATION_WORDS: tuple[str, ...] = ("考虑", "再想想", "想一想", "不确定", "改天", "晚点", "不方便", "没空",
                                     "商量", "短信", "链接", "不着急", "过段时间", "再说", "以后再")
#: Acceptance (A): checked last.
ACCEPT_WORDS: tuple[str, ...] = ("开通", "同意", "可以", "好的", "没问题", "办", "行", "到账", "要用钱", "需要我",
                                 "感兴趣", "了解详情")
_NAIVE = (("C", ("不",)), ("A", ("开通", "同意", "可以", "好", "没问题", "办", "行", "到账", "需要")))


def _text(reply) -> str:
    if reply is None or reply is pd.NA or (isinstance(reply, float) and math.isnan(reply)):
        return ""
    if isinstance(reply, bytes):
        reply = reply.decode("utf-8", errors="replace")
    return str(reply) if isinstance(reply, str) else ""


def grade_intent(reply) -> str:
    """Intent grade of an outbound-call reply from its keywords: "A", "B" or "C".

    A = clear interest (a customer manager follows up), B = hesitant or unclear (SMS nurture),
    C = refusal. Rules in order: remove :data:`NOT_REFUSAL_PHRASES` ("不是不需要" is a double
    negation, "不用考虑了" means yes); a :data:`REFUSAL_WORDS` hit -> C; a :data:`HESITATION_WORDS`
    hit -> B; an :data:`ACCEPT_WORDS` hit -> A; anything else (also empty, None, non-text) -> B:
    never bother a manager with an unclear reply, never drop a customer who did not refuse.

    >>> [grade_intent(r) for r in ["同意了解详情", "不是不需要，就是现在没空", "不用考虑了，直接开通吧", "别再打了"]]
    ['A', 'B', 'A', 'C']
    >>> grade_intent(None)
    'B'
    """
    s = _text(reply)
    for phrase in NOT_REFUSAL_PHRASES:
        s = s.replace(phrase, "，")
    if any(w in s for w in REFUSAL_WORDS):
        return "C"
    if any(w in s for w in HESITATION_WORDS):
        return "B"
    if any(w in s for w in ACCEPT_WORDS):
        return "A"
    return "B"


def naive_grade_intent(reply) -> str:
    """A naive grader for comparison: any "不" -> C, else an acceptance word -> A, else B.

    It ignores negation and hesitation, so "不是不需要，就是现在没空" becomes C and "再考虑一下"
    (no keyword) B only by luck.

    >>> naive_grade_intent("不是不需要，就是现在没空"), naive_grade_intent("不用考虑了，直接开通吧")
    ('C', 'C')
    """
    s = _text(reply)
    for grade, words in _NAIVE:
        if any(w in s for w in words):
            return grade
    return "B"


def grade_replies(replies, grader=grade_intent) -> pd.Series:
    """``grader`` applied to every reply (a list / array / Series; the index is kept).

    >>> grade_replies(pd.Series(["没问题，开通吧", "改天再打吧"], index=[5, 6])).to_dict()
    {5: 'A', 6: 'B'}
    """
    if isinstance(replies, (str, bytes)):
        replies = [replies]
    s = replies if isinstance(replies, pd.Series) else pd.Series(list(replies), dtype=object)
    return pd.Series([grader(r) for r in s.astype(object)], index=s.index, name="grade", dtype=object)


def grade_report(true_grades, predicted) -> dict:
    """How good is a grader against labelled replies?

    Returns dict: ``precision_a`` (of the replies graded A, the share truly A - the customer
    manager's wasted visits are the rest), ``recall_a`` (of the truly A, the share found),
    ``accuracy`` (fractions; NaN when undefined) and ``confusion`` (DataFrame, rows = truth,
    columns = predicted, grades A/B/C).

    >>> r = grade_report(["A", "A", "B", "C"], ["A", "B", "A", "C"])
    >>> r["precision_a"], r["recall_a"], r["accuracy"]
    (0.5, 0.5, 0.5)
    """
    t = pd.Series(list(true_grades), dtype=object).astype(str).str.strip().str.upper()
    p = pd.Series(list(predicted), dtype=object).astype(str).str.strip().str.upper()
    if len(t) != len(p):
        raise _error(f"标注有 {len(t)} 条，预测有 {len(p)} 条：两者应一一对应",
                     f"{len(t)} labels but {len(p)} predictions: they must match one to one")
    conf = pd.crosstab(pd.Categorical(t, GRADES), pd.Categorical(p, GRADES), dropna=False)
    conf.index.name, conf.columns.name = "truth", "predicted"
    tp = int(((t == "A") & (p == "A")).sum())
    npred, ntrue = int((p == "A").sum()), int((t == "A").sum())
    return {"precision_a": tp / npred if npred else float("nan"), "recall_a": tp / ntrue if ntrue else float("nan"),
            "accuracy": float((t == p).mean()) if len(t) else float("nan"), "confusion": conf}


@dataclass(frozen=True)
class OutboundCosts:
    """Cost and conversion assumptions of the outbound lesson (CNY; replace with the bank's own).

    ``ai_call`` - one AI call (voice bot, speech recognition, telecom); ``human_call`` - one agent
    call (about 3 minutes of an agent at ~100 元/hour all-in); ``manager_follow_up`` - a customer
    manager's follow-up of one lead; ``activation_rate`` - share of truly interested (A) customers
    who open the credit line after the follow-up. The credit line's funding and risk cost is
    not counted here.
    """

    ai_call: float = 0.6
    human_call: float = 6.0
    manager_follow_up: float = 40.0
    activation_rate: float = 0.5

    def describe(self) -> str:
        """The assumptions in one Chinese sentence (show it next to the figures)."""
        return (f"成本假设：AI 外呼每通 {self.ai_call:g} 元，人工外呼每通 {self.human_call:g} 元，"
                f"客户经理跟进每人 {self.manager_follow_up:g} 元；真正有意向（A 级）的客户经跟进后 "
                f"{self.activation_rate:.0%} 开通；授信的资金和风险成本另计")


def outbound_costs(true_grades, predicted, costs: OutboundCosts | None = None) -> pd.DataFrame:
    """AI calls + manager follow-up of predicted-A vs a human calling everyone, per activated customer.

    - ``ai``: every customer gets an AI call; the replies graded A go to a customer manager;
      activated = truly-A customers among them x ``activation_rate``.
    - ``human``: an agent calls everyone and recognises every truly-A customer, who goes to a
      customer manager; activated = all truly-A x ``activation_rate``.

    Returns DataFrame indexed by ``ai`` / ``human``: ``plan_zh``, ``calls``, ``call_cost``,
    ``follow_ups``, ``follow_up_cost``, ``total_cost`` (CNY), ``activated`` (expected customers),
    ``cost_per_activation`` (CNY).

    >>> t = outbound_costs(["A", "B", "C", "A"], ["A", "B", "C", "B"], OutboundCosts(1, 10, 40, 0.5))
    >>> t[["total_cost", "activated", "cost_per_activation"]].values.tolist()
    [[44.0, 0.5, 88.0], [120.0, 1.0, 120.0]]
    """
    costs = costs or OutboundCosts()
    rep = grade_report(true_grades, predicted)
    conf = rep["confusion"]
    n = int(conf.to_numpy().sum())
    pred_a, true_a, tp = int(conf["A"].sum()), int(conf.loc["A"].sum()), int(conf.loc["A", "A"])
    rows = []
    for key, zh, call, follow, found in (("ai", "AI 外呼 + 只把 A 级交客户经理", costs.ai_call, pred_a, tp),
                                         ("human", "人工逐一外呼", costs.human_call, true_a, true_a)):
        total = n * call + follow * costs.manager_follow_up
        act = found * costs.activation_rate
        rows.append((key, zh, n, n * call, follow, follow * costs.manager_follow_up, total, act,
                     total / act if act else float("nan")))
    return pd.DataFrame(rows, columns=["plan", "plan_zh", "calls", "call_cost", "follow_ups", "follow_up_cost",
                                       "total_cost", "activated", "cost_per_activation"]).set_index("plan")

