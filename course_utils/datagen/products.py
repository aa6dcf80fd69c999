"""Product catalogue and customer holdings of the synthetic bank.

Two public functions, called by the orchestrator (``bank.py``):

* :func:`make_products` -- the catalogue (about 50 clearly synthetic products in
  six categories 理财/基金/保险/贷款/存款/信用卡, risk levels R1-R5).
* :func:`make_holdings` -- which customer holds which product since when and
  for how much.

How holdings are generated (so that the recommendation lecture is true)
-----------------------------------------------------------------------
Every customer carries a hidden taste cluster ``_taste`` (0..5, see
:data:`TASTES`).  For each customer we build a log-weight per product::

    w = taste affinity (category weight + "signature" product boost)
        + product popularity
        + age effect   (older -> deposits/insurance, younger -> cards/funds)
        + income effect (richer -> wealth products; high minimum amounts
                         are penalised for low incomes)
        - risk penalty (one level above the customer's risk appetite: -1.5;
                        two or more levels above: excluded)
        excluded when the product was launched after the customer left

and draw the customer's ``n`` products *without replacement* with the
Gumbel-top-k trick (a stable argsort of ``w`` + Gumbel noise), fully vectorised;
logs and Gumbel noise come from :mod:`.detmath` (bit-identical on every CPU).
``n`` is ``1 + Poisson(lam)`` where ``lam`` grows with income and with the
length of the customer's life inside the window (mean ~4 holdings).
``start_date`` is uniform between ``max(open_date, launch_date)`` and
``min(churn_date, WINDOW_END)``; ``amount`` depends on the category, the
product's minimum amount and the customer's income.

Because products within a taste co-occur far more than their overall
popularity suggests, item-based collaborative filtering beats a popularity
baseline on a time-based split (see ``tests/test_recommend.py``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from course_utils.config import WINDOW_END, WINDOW_START

from . import detmath as dm

__all__ = ["CATEGORIES", "TASTES", "make_products", "make_holdings"]

#: The six product categories, in catalogue order.
CATEGORIES: tuple[str, ...] = ("存款", "理财", "基金", "保险", "贷款", "信用卡")

#: Hidden taste clusters (index = value of the customers' ``_taste`` column).
TASTES: tuple[str, ...] = (
    "稳健储蓄型",  # 0 deposits + low-risk wealth management
    "进取投资型",  # 1 equity / mixed funds
    "家庭保障型",  # 2 insurance, education, annuity
    "信贷消费型",  # 3 loans + credit cards
    "均衡理财型",  # 4 R2-R3 wealth products, bond funds, large deposits
    "年轻数字型",  # 5 money-market fund, youth card, index funds, small loans
)

#: Suggested risk appetite per taste (``R1``..``R5``) -- a hint for the
#: customer generator; holdings only *use* the customer's risk_appetite.
TASTE_RISK_HINT: tuple[int, ...] = (1, 4, 2, 3, 3, 3)

# ---------------------------------------------------------------------------
# Catalogue.  (name, category, risk, annual_yield %, min_amount CNY, term_days,
#              popularity, tastes with a signature boost, launched late?)
# Names are invented; any resemblance to a real product is accidental.
# annual_yield: expected/reference yield for deposits, wealth, funds,
# insurance (guaranteed or illustrative rate); lending rate for loans;
# revolving-credit rate for credit cards.
# ---------------------------------------------------------------------------
_CATALOGUE: list[tuple] = [
    # 存款 deposits (R1)
    ("安心存·三个月定期", "存款", 1, 1.25, 50, 90, 0.9, (0,), False),
    ("安心存·一年定期", "存款", 1, 1.65, 50, 365, 1.2, (0, 2), False),
    ("安心存·三年定期", "存款", 1, 2.35, 50, 1095, 0.8, (0,), False),
    ("智能通知存款", "存款", 1, 1.00, 50000, 7, 0.2, (4,), False),
    ("大额存单·三年期", "存款", 1, 2.90, 200000, 1095, 0.3, (0, 4), False),
    ("养老储蓄·五年期", "存款", 1, 2.75, 1000, 1825, 0.0, (0, 2), True),
    # 理财 wealth management (R1-R3)
    ("鑫益现金宝", "理财", 1, 2.20, 1, 1, 1.1, (0, 5), False),
    ("安享稳盈30天", "理财", 2, 2.90, 10000, 30, 0.6, (0,), False),
    ("安享稳盈90天", "理财", 2, 3.80, 10000, 90, 0.9, (0, 4), False),
    ("安享稳盈180天", "理财", 2, 3.50, 10000, 180, 0.5, (4,), False),
    ("恒睿固收增强一年", "理财", 2, 4.10, 50000, 365, 0.4, (4,), False),
    ("恒睿混合稳进", "理财", 3, 4.60, 50000, 365, 0.2, (4, 1), False),
    ("臻享私行专属", "理财", 3, 5.00, 1000000, 365, -0.8, (4,), False),
    ("周周享开放式", "理财", 2, 3.10, 1000, 7, 0.3, (5,), False),
    ("安享稳盈·新客专享", "理财", 2, 3.90, 1000, 60, 0.3, (5, 0), True),
    ("恒睿绿色金融一年", "理财", 2, 3.70, 10000, 365, 0.0, (4,), True),
    # 基金 funds (R1-R5)
    ("天天利货币A", "基金", 1, 1.90, 1, 0, 1.0, (5,), False),
    ("稳健纯债A", "基金", 2, 3.20, 100, 0, 0.3, (4,), False),
    ("双利增强债券", "基金", 3, 4.00, 100, 0, 0.1, (4, 1), False),
    ("平衡配置混合", "基金", 4, 6.50, 100, 0, 0.2, (1,), False),
    ("消费升级混合", "基金", 4, 7.20, 100, 0, 0.2, (1, 5), False),
    ("沪深300指数增强", "基金", 4, 7.80, 10, 0, 0.6, (1, 5), False),
    ("科技创新股票", "基金", 5, 9.50, 100, 0, 0.3, (1,), False),
    ("新能源产业股票", "基金", 5, 9.80, 100, 0, 0.2, (1,), False),
    ("医药健康股票", "基金", 5, 8.60, 100, 0, 0.0, (1,), False),
    ("海外科技QDII", "基金", 5, 10.20, 1000, 0, -0.2, (1,), False),
    ("红利低波指数", "基金", 4, 6.10, 10, 0, 0.0, (1, 4), True),
    ("养老目标2040", "基金", 3, 5.20, 100, 1095, -0.2, (2, 4), True),
    # 保险 insurance (R1-R3)
    ("守护百万医疗险", "保险", 1, 0.00, 300, 365, 0.6, (2, 5), False),
    ("安康重疾保障", "保险", 1, 0.00, 3000, 7300, 0.4, (2,), False),
    ("意外综合保障", "保险", 1, 0.00, 100, 365, 0.4, (2, 3), False),
    ("少儿教育金保险", "保险", 2, 3.00, 10000, 5475, 0.1, (2,), False),
    ("颐养年金保险", "保险", 2, 3.20, 10000, 7300, 0.1, (2, 0), False),
    ("增额终身寿", "保险", 2, 3.00, 20000, 36500, 0.0, (2, 4), False),
    ("万能账户稳利", "保险", 3, 3.50, 5000, 1825, -0.3, (2, 4), False),
    # 贷款 loans (R2-R3, annual_yield = lending rate)
    ("安居住房贷款", "贷款", 2, 4.10, 100000, 9125, 0.3, (3, 2), False),
    ("惠民消费贷", "贷款", 3, 6.50, 1000, 365, 0.5, (3, 5), False),
    ("备用金", "贷款", 3, 7.20, 1000, 365, 0.4, (3, 5), False),
    ("经营快贷", "贷款", 3, 4.80, 10000, 365, 0.1, (3,), False),
    ("车享贷", "贷款", 2, 5.20, 20000, 1095, 0.1, (3,), False),
    ("教育助学贷", "贷款", 2, 4.30, 5000, 1825, -0.3, (3, 2), False),
    ("安居装修贷", "贷款", 3, 5.50, 10000, 1825, -0.2, (3, 2), True),
    # 信用卡 credit cards (R2-R3, annual_yield = revolving rate)
    ("标准信用卡", "信用卡", 2, 18.25, 0, 0, 0.8, (3,), False),
    ("白金信用卡", "信用卡", 2, 18.25, 0, 0, 0.2, (3, 4), False),
    ("青春信用卡", "信用卡", 3, 18.25, 0, 0, 0.5, (5, 3), False),
    ("车主信用卡", "信用卡", 2, 18.25, 0, 0, 0.1, (3,), False),
    ("商旅信用卡", "信用卡", 2, 18.25, 0, 0, 0.0, (3, 1), False),
    ("留学生信用卡", "信用卡", 2, 18.25, 0, 0, -0.5, (5, 2), False),
    ("数字人民币联名卡", "信用卡", 3, 18.25, 0, 0, 0.0, (5,), True),
]

# Category weight per taste (rows = TASTES, columns = CATEGORIES).
_CAT_WEIGHT = np.array(
    [  # 存款 理财 基金 保险 贷款 信用卡
        [2.0, 1.6, -0.8, 0.2, -1.2, -0.6],  # 稳健储蓄型
        [-0.8, 0.0, 2.0, -0.6, -0.6, 0.0],  # 进取投资型
        [0.6, 0.0, -0.6, 2.2, 0.0, -0.4],  # 家庭保障型
        [-0.8, -1.0, -0.8, -0.2, 2.0, 1.8],  # 信贷消费型
        [0.8, 2.0, 0.8, 0.2, -1.0, -0.2],  # 均衡理财型
        [-0.6, 0.6, 0.8, 0.0, 0.8, 1.2],  # 年轻数字型
    ]
)
_SIGNATURE_BOOST = 1.6
_RISK_NUM = {f"R{i}": i for i in range(1, 6)}
_MAX_HOLD = 12  # at most this many holdings per customer
_LATE_LAUNCH = ("2023-07-01", "2024-03-31")
_EARLY_LAUNCH = ("2021-01-01", "2022-12-31")


def _day(s: str) -> int:
    return int(np.datetime64(s, "D").astype(np.int64))


def _iso(days: np.ndarray) -> np.ndarray:
    """Day numbers -> ISO strings (formatting each distinct day once)."""
    uniq, inv = np.unique(np.asarray(days, dtype="int64"), return_inverse=True)
    return np.datetime_as_string(uniq.astype("datetime64[D]"), unit="D")[inv.reshape(-1)]


def make_products(rng: np.random.Generator) -> pd.DataFrame:
    """Build the product catalogue.

    Columns: ``product_id`` ('P001'..), ``name`` (Chinese, invented),
    ``category`` (理财/基金/保险/贷款/存款/信用卡), ``risk_level`` ('R1'..'R5'),
    ``annual_yield`` (percent per year; lending rate for loans, revolving
    rate for credit cards, 0 for pure-protection insurance),
    ``min_amount`` (CNY; 0 for cards), ``term_days`` (0 = open-ended),
    ``launch_date`` (ISO string).  Most products launch in 2021-2022, the
    ones flagged as new between 2023-07-01 and 2024-03-31, so a time split
    at 2023-07-01 has items unseen in training.  ``安享稳盈90天`` yields
    3.8 %, the figure the course's chatbot script quotes.

    Only the launch dates use ``rng``; names, yields and risk levels are
    fixed so the lectures can quote them.

    >>> p = make_products(np.random.default_rng(0))
    >>> p.loc[p.name == "安享稳盈90天", "annual_yield"].item()
    3.8
    """
    n = len(_CATALOGUE)
    late = np.array([row[8] for row in _CATALOGUE])
    lo = np.where(late, _day(_LATE_LAUNCH[0]), _day(_EARLY_LAUNCH[0]))
    hi = np.where(late, _day(_LATE_LAUNCH[1]), _day(_EARLY_LAUNCH[1]))
    launch = lo + np.floor(rng.random(n) * (hi - lo + 1)).astype(np.int64)
    # a core of long-standing products exists from day one
    core = (~late) & (np.array([row[6] for row in _CATALOGUE]) >= 0.5)
    launch = np.where(core, _day(_EARLY_LAUNCH[0]), launch)
    return pd.DataFrame(
        {
            "product_id": [f"P{i + 1:03d}" for i in range(n)],
            "name": [row[0] for row in _CATALOGUE],
            "category": [row[1] for row in _CATALOGUE],
            "risk_level": [f"R{row[2]}" for row in _CATALOGUE],
            "annual_yield": [float(row[3]) for row in _CATALOGUE],
            "min_amount": [float(row[4]) for row in _CATALOGUE],
            "term_days": [int(row[5]) for row in _CATALOGUE],
            "launch_date": _iso(launch),
        }
    )


def _affinity(products: pd.DataFrame) -> np.ndarray:
    """Taste x product log-weight (category weight + signature + popularity)."""
    by_name = {row[0]: row for row in _CATALOGUE}
    cat_idx = products["category"].map({c: i for i, c in enumerate(CATEGORIES)}).to_numpy()
    aff = _CAT_WEIGHT[:, cat_idx].copy()
    for j, name in enumerate(products["name"]):
        row = by_name.get(name)
        if row is None:  # a catalogue edited by a trainee: no signature info
            continue
        aff[:, j] += row[6]  # popularity
        for t in row[7]:
            aff[t, j] += _SIGNATURE_BOOST
    return aff


def _to_days(col: pd.Series, fill: int) -> np.ndarray:
    """ISO strings / datetimes -> day numbers; empty or invalid -> ``fill``."""
    codes, uniq = pd.factorize(col, use_na_sentinel=True)
    d = pd.to_datetime(pd.Series(uniq, dtype=object).replace("", np.nan), errors="coerce")
    days = np.where(d.isna().to_numpy(), fill, d.to_numpy(dtype="datetime64[D]").astype("int64"))
    return np.where(codes < 0, fill, days[np.maximum(codes, 0)] if len(days) else fill)


def make_holdings(
    customers: pd.DataFrame,
    products: pd.DataFrame,
    rng: np.random.Generator,
    chunk_size: int = 200_000,
) -> pd.DataFrame:
    """Draw every customer's product holdings, following hidden tastes.

    Reads from ``customers``: ``customer_id``, ``age``, ``monthly_income``
    (CNY, may be NaN), ``risk_appetite`` ('R1'..'R5'), ``open_date``,
    ``churn_date`` (ISO string, empty/NaN while active) and the hidden
    ``_taste`` (int 0..5, see :data:`TASTES`).

    Returns columns ``customer_id``, ``product_id``, ``start_date`` (ISO
    string, between max(open_date, launch_date) and min(churn_date,
    WINDOW_END)), ``amount`` (CNY, 2 decimals: invested sum, insured
    annual premium, loan principal or card credit limit), sorted by
    customer then start date.  On average about 4 holdings per customer.
    Vectorised per chunk of ``chunk_size`` customers; deterministic given
    ``rng``.

    >>> rng = np.random.default_rng(1)
    >>> cust = pd.DataFrame({"customer_id": ["C1", "C2"], "age": [30, 60],
    ...     "monthly_income": [9000.0, np.nan], "risk_appetite": ["R3", "R1"],
    ...     "open_date": ["2020-05-01", "2021-03-01"], "churn_date": ["", "2023-01-31"],
    ...     "_taste": [1, 0]})
    >>> h = make_holdings(cust, make_products(rng), rng)
    >>> sorted(h.columns)
    ['amount', 'customer_id', 'product_id', 'start_date']
    """
    p_launch = _to_days(products["launch_date"], _day(WINDOW_START))
    p_risk = products["risk_level"].str[1].astype(int).to_numpy()
    p_cat = products["category"].to_numpy()
    p_min = products["min_amount"].to_numpy(dtype=float)
    log_min = dm.log(np.maximum(p_min, 1.0))
    aff = _affinity(products)
    n_prod = len(products)

    is_dep = p_cat == "存款"
    is_ins = p_cat == "保险"
    is_fund = p_cat == "基金"
    is_wealth = np.isin(p_cat, ["理财", "基金"])
    is_card = p_cat == "信用卡"
    is_loan = p_cat == "贷款"
    equity = is_fund & (p_risk >= 4)
    youth = products["name"].str.contains("青春|留学|数字人民币").to_numpy()

    aff32 = aff.astype(np.float32)
    vec_old = (0.9 * is_dep + 0.5 * is_ins - 1.0 * equity - 1.5 * youth).astype(np.float32)
    vec_young = (0.8 * youth + 0.3 * equity - 0.5 * is_dep - 0.6 * is_ins).astype(np.float32)
    vec_inc = 0.5 * is_wealth + 0.2 * is_ins - 0.2 * is_card
    gap = p_risk[None, :] - np.arange(6)[:, None]  # row = risk appetite 0..5 (0 unused)
    risk_pen = np.where(gap >= 2, -np.inf, np.where(gap == 1, -1.5, 0.0)).astype(np.float32)

    w_start, w_end = _day(WINDOW_START), _day(WINDOW_END)
    parts = []
    for s in range(0, len(customers), chunk_size):
        c = customers.iloc[s : s + chunk_size]
        m = len(c)
        taste = np.clip(c["_taste"].to_numpy(dtype=np.int64), 0, len(TASTES) - 1)
        age = np.clip(pd.to_numeric(c["age"], errors="coerce").fillna(40).to_numpy(float), 18, 90)
        inc_raw = pd.to_numeric(c["monthly_income"], errors="coerce").to_numpy(float)
        inc = np.where(np.isfinite(inc_raw) & (inc_raw > 0), inc_raw, 8000.0)
        risk = c["risk_appetite"].map(_RISK_NUM).astype(float).fillna(2.0).to_numpy().astype(np.int64)
        open_d = np.maximum(_to_days(c["open_date"], w_start), w_start)
        end_d = np.minimum(_to_days(c["churn_date"], w_end), w_end)

        w = aff32[taste]  # (m, P) float32 copy
        old = age >= 55
        young = age < 30
        w[old] += vec_old
        w[young] += vec_young
        z_inc = np.clip(dm.log(inc / 8000.0), -2, 3)
        w += np.outer(z_inc, vec_inc).astype(np.float32)
        # minimum amount far above two years of income -> unlikely
        # (only products whose minimum exceeds 24 x the lowest income matter)
        hi_min = np.flatnonzero(p_min > 24 * inc.min())
        if len(hi_min):
            reach = log_min[hi_min][None, :] - dm.log(24 * inc)[:, None]
            w[:, hi_min] -= (1.5 * np.clip(reach, 0, None)).astype(np.float32)
        # risk: one level above appetite -1.5, two or more excluded (-inf)
        w += risk_pen[risk]
        # + Gumbel noise: Gumbel-top-k sampling without replacement (float32 keys)
        w += dm.gumbel(rng, (m, n_prod), dtype=np.float32)
        w[p_launch[None, :] > end_d[:, None]] = -np.inf
        keys = w
        n_ok = np.isfinite(keys).sum(axis=1)
        # stable sort: equal keys keep catalogue order, the same on every CPU
        # (np.argpartition's order depends on the SIMD path)
        order = np.argsort(-keys, axis=1, kind="stable")[:, :_MAX_HOLD]

        life_years = np.clip((end_d - open_d) / 365.25, 0.0, 3.5)
        lam = (1.2 + 0.9 * life_years) * np.clip(1.0 + 0.25 * z_inc, 0.6, 1.8)
        n_hold = 1 + rng.poisson(lam)
        n_hold = np.minimum(np.minimum(n_hold, _MAX_HOLD), n_ok)
        n_hold = np.where(end_d >= open_d, n_hold, 0)

        rank = np.arange(order.shape[1])[None, :]
        take = rank < n_hold[:, None]
        rows, cols = np.nonzero(take)
        prod = order[rows, cols]

        lo = np.maximum(open_d[rows], p_launch[prod])
        hi = end_d[rows]
        start = lo + np.floor(rng.random(len(rows)) * (hi - lo + 1)).astype(np.int64)

        # amounts by category
        ci = inc[rows]
        u = dm.lognormal(rng, 0.0, 0.6, len(rows))
        base_inv = np.maximum(p_min[prod], 1000.0) * (0.8 + u) + ci * dm.uniform(rng, 0.5, 4.0, len(rows))
        amount = base_inv
        amount = np.where(is_ins[prod], np.maximum(p_min[prod], ci * 0.15 * u), amount)
        amount = np.where(
            is_loan[prod],
            np.maximum(p_min[prod], ci * np.where(p_min[prod] >= 100000, 60.0, 4.0) * u),
            amount,
        )
        amount = np.where(is_card[prod], np.clip(np.round(ci * 1.5 * u, -3), 3000, 200000), amount)
        amount = np.round(amount, -2)
        amount = np.round(np.maximum(amount, 100.0), 2)

        # customers' order, then chronological (then catalogue order) within a customer
        o = np.lexsort((prod, start, rows))
        parts.append((s + rows[o], prod[o], start[o], amount[o]))
    row = np.concatenate([p[0] for p in parts]) if parts else np.empty(0, np.int64)
    prod = np.concatenate([p[1] for p in parts]) if parts else np.empty(0, np.int64)
    start = np.concatenate([p[2] for p in parts]) if parts else np.empty(0, np.int64)
    amount = np.concatenate([p[3] for p in parts]) if parts else np.empty(0, float)
    return pd.DataFrame(
        {
            "customer_id": customers["customer_id"].to_numpy()[row],
            "product_id": products["product_id"].to_numpy()[prod],
            "start_date": _iso(start),
            "amount": amount,
        }
    )
