"""Behaviour tables for one chunk of customers: accounts, monthly balances,
transactions, weekly app usage and web visits.

Everything is vectorised over a (customer, month) grid; a chunk gets its own RNG
so large datasets can be written chunk by chunk with the same result.

Behaviour carries the churn signal *before* the churn date (fewer and smaller
transactions, money moving out, less app time), with noise: some churners leave
without warning and some loyal customers have temporary dips.

Continuous values come from :mod:`.detmath` (bit-identical on every CPU); sorts
are stable (``np.lexsort``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import detmath as dm
from .customers import END, NEVER, START, days_to_str

#: Month starts (day numbers) of the window plus one past the end.
_MONTHS = np.arange(np.datetime64("2021-01", "M"), np.datetime64("2024-08", "M"))
MONTH_START = _MONTHS.astype("datetime64[D]").astype(np.int64)
N_MONTHS = 42                                                     # 2021-01 .. 2024-06
MONTH_LABEL = np.array([str(m) for m in _MONTHS[:N_MONTHS]], dtype=object)

TXN_TYPES = np.array(["消费", "转账", "存入", "取现", "还款", "理财申购"], dtype=object)
_TXN_P = np.array([0.40, 0.20, 0.15, 0.08, 0.10, 0.07])
_TXN_MULT = np.array([0.5, 1.6, 2.2, 0.8, 1.2, 4.0])
CHANNELS = np.array(["APP", "网银", "柜台", "ATM", "POS"], dtype=object)
ACCOUNT_TYPES = np.array(["借记卡", "储蓄账户", "信用卡", "理财账户"], dtype=object)
APP_WEEKS = 26
APP_FIRST_WEEK = int(np.datetime64("2024-01-01", "D").astype(np.int64))  # a Monday
WEB_PAGES = np.array(["首页", "理财产品", "基金", "保险", "信用卡", "贷款", "外汇", "留学金融"],
                     dtype=object)
_WEB_P = np.array([0.30, 0.19, 0.11, 0.07, 0.12, 0.09, 0.06, 0.06])
STUDY_PAGE = 7
#: First day of the last six months of the window (silent = no transaction since).
SILENT_FROM = APP_FIRST_WEEK
#: Rates of deliberate dirt in transactions.
BAD_AMOUNT_RATE = 0.001
DUPLICATE_RATE = 0.002


def _cat(codes: np.ndarray, labels: np.ndarray) -> pd.Categorical:
    """Text column as codes + labels (cheap to build and to write as CSV)."""
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64), categories=pd.Index(labels, dtype=object))


def _dcat(days: np.ndarray) -> pd.Categorical:
    """ISO date column ('' for none) from integer day numbers."""
    days = np.asarray(days, dtype=np.int64)
    if days.shape[0] == 0:
        return _cat(days, np.array([], dtype=object))
    never = days >= NEVER
    d = np.where(never, 0, days - START + 4000)      # offsets >= 0 for dates since ~2010
    lo = int(d[~never].min()) if (~never).any() else 0
    d = np.where(never, 0, d - lo)
    present = np.zeros(int(d.max()) + 2, dtype=bool)
    present[d[~never]] = True
    present[-1] = bool(never.any())
    uniq = np.flatnonzero(present)
    lookup = np.zeros(present.shape[0], dtype=np.int64)
    lookup[uniq] = np.arange(uniq.shape[0])
    codes = np.where(never, lookup[-1], lookup[d])
    u_days = np.where(uniq == present.shape[0] - 1, NEVER, uniq + lo + START - 4000)
    if not never.any():
        u_days = uniq + lo + START - 4000
    return _cat(codes, days_to_str(u_days))


def _month_index(day: np.ndarray) -> np.ndarray:
    return np.searchsorted(MONTH_START, day, side="right") - 1


def _activity_factor(mid_day: np.ndarray, c: dict, ci: np.ndarray) -> np.ndarray:
    """Multiplier (0..1] of normal activity at ``mid_day`` for customer rows ``ci``."""
    f = np.ones(mid_day.shape[0])
    ds, ce = c["_decline"][ci], c["_churn"][ci]
    in_dec = (ds < NEVER) & (mid_day >= ds)
    prog = np.clip((mid_day - ds) / np.maximum(ce - ds, 1), 0, 1)
    dec = np.flatnonzero(in_dec)
    f[dec] = 1 - 0.85 * dm.power(prog[dec], 0.7)
    dp = c["_dip"][ci]
    in_dip = (dp < NEVER) & (mid_day >= dp) & (mid_day < dp + c["_dip_len"][ci])
    return np.where(in_dip, f * 0.35, f)


def make_activity(c: dict, offset: int, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Behaviour tables for a chunk of customers.

    ``c`` maps column name -> numpy array for the chunk (customers table incl.
    hidden columns); ``offset`` is the chunk's first global row (for account ids).
    Returns a dict with accounts, balances, transactions, app_usage, web_visits.
    """
    n = c["customer_id"].shape[0]
    ids = c["customer_id"]
    open_d, churn_d = c["_open"], c["_churn"]
    last_d = np.minimum(churn_d, END)                 # last active day (incl.)
    first_d = np.maximum(open_d, START)

    # ---------------- (customer, month) grid
    m0 = _month_index(first_d)
    m1 = _month_index(last_d)
    nm = m1 - m0 + 1
    ci = np.repeat(np.arange(n), nm)
    mo = np.repeat(m0, nm) + (np.arange(ci.shape[0]) - np.repeat(np.cumsum(nm) - nm, nm))
    ms, me = MONTH_START[mo], MONTH_START[mo + 1] - 1
    a0 = np.maximum(ms, first_d[ci])
    a1 = np.minimum(me, last_d[ci])
    frac = (a1 - a0 + 1) / (me - ms + 1)
    mid = (a0 + a1) // 2
    fact = _activity_factor(mid, c, ci)
    awake = mid < c["_dormant"][ci]

    # ---------------- balances (month-end or last active day)
    steps = dm.normal(rng, 0.0, 0.07, ci.shape[0])
    starts = np.cumsum(nm) - nm
    walk = np.cumsum(steps)
    walk = walk - np.repeat(walk[starts] - steps[starts], nm)
    depth = dm.uniform(rng, 0.25, 0.95, n)[ci]        # how much money leaves while declining
    bal_f = np.where(fact < 1, 1 - depth * (1 - fact * np.sqrt(fact)), 1.0) * np.where(awake, 1.0, 0.6)
    balance = np.round(c["_bal"][ci] * dm.exp(walk) * bal_f, 2)
    balances = pd.DataFrame({"customer_id": _cat(ci, ids), "month": _cat(mo, MONTH_LABEL), "balance": balance})

    # ---------------- transactions
    noise = dm.gamma(rng, 3.0, 1 / 3.0, ci.shape[0])
    mu = c["_lam"][ci] * frac * fact * noise * awake
    cnt = rng.poisson(mu)
    t_row = np.repeat(np.arange(ci.shape[0]), cnt)
    t_ci = ci[t_row]
    span = (a1 - a0 + 1)[t_row]
    t_day = a0[t_row] + (rng.random(t_row.shape[0]) * span).astype(np.int64)
    ti = (np.cumsum(_TXN_P) > rng.random((t_row.shape[0], 1))).argmax(1)
    amount = (c["_amt"][t_ci] * _TXN_MULT[ti] * dm.lognormal(rng, 0, 0.8, t_row.shape[0])
              * (0.4 + 0.6 * fact[t_row]))
    amount = np.round(np.clip(amount, 1.0, None), 2)
    age = c["_age"][t_ci]
    p_app = np.clip(0.75 - 0.012 * (age - 30), 0.15, 0.8)
    r = rng.random(t_row.shape[0])
    ch = np.where(r < p_app, 0, np.where(r < p_app + 0.08, 1,
                  np.where(r < p_app + 0.08 + (1 - p_app) * 0.45, 2,
                           np.where(ti == 0, 4, 3))))
    order = np.lexsort((t_day, t_ci))
    t_ci, t_day, ti, amount, ch = t_ci[order], t_day[order], ti[order], amount[order], ch[order]
    # dirt: impossible amounts and duplicated rows
    nt = t_ci.shape[0]
    bad = rng.choice(nt, int(np.floor(BAD_AMOUNT_RATE * nt + 0.5)), replace=False) if nt else []
    amount[bad] = np.where(rng.random(len(bad)) < 0.6, -amount[bad], 9_999_999.99)
    dup = np.sort(rng.choice(nt, int(np.floor(DUPLICATE_RATE * nt + 0.5)), replace=False)) if nt else np.empty(0, int)
    take = np.sort(np.concatenate([np.arange(nt), dup]), kind="stable")
    transactions = pd.DataFrame({
        "customer_id": _cat(t_ci[take], ids), "txn_date": _dcat(t_day[take]),
        "amount": amount[take], "txn_type": _cat(ti[take], TXN_TYPES), "channel": _cat(ch[take], CHANNELS),
    })
    last_txn = np.full(n, -1, dtype=np.int64)
    if nt:
        np.maximum.at(last_txn, t_ci, t_day)

    # ---------------- accounts
    na = c["_n_acc"]
    a_ci = np.repeat(np.arange(n), na)
    k = np.arange(a_ci.shape[0]) - np.repeat(np.cumsum(na) - na, na)
    extra = rng.permuted(np.tile(np.arange(1, 4), (n, 1)), axis=1)
    a_type = np.where(k == 0, 0, extra[a_ci, np.maximum(k - 1, 0)])
    life = np.maximum(last_d - open_d, 1)[a_ci]
    a_open = np.where(k == 0, open_d[a_ci], open_d[a_ci] + (rng.random(a_ci.shape[0]) * life * 0.7).astype(np.int64))
    a_close = churn_d[a_ci]
    gnum = (offset + a_ci + 1).astype(np.int64)
    acc_id = np.char.add(np.char.add("A", np.char.zfill(gnum.astype(str), 7)), k.astype(str)).astype(object)
    accounts = pd.DataFrame({"account_id": acc_id, "customer_id": _cat(a_ci, ids),
                             "account_type": _cat(a_type, ACCOUNT_TYPES), "open_date": _dcat(a_open),
                             "close_date": _dcat(a_close)})

    # ---------------- weekly app usage (last 26 weeks of the window)
    age_all = c["_age"]
    app_user = rng.random(n) < np.clip(0.95 - 0.011 * (age_all - 25), 0.3, 0.9)
    base_min = np.minimum(dm.lognormal(rng, dm.log(40.0), 0.7, n), 240.0)
    wk = APP_FIRST_WEEK + 7 * np.arange(APP_WEEKS)
    alive = (open_d[:, None] <= wk[None, :] + 6) & (churn_d[:, None] > wk[None, :]) & app_user[:, None]
    u_ci, u_w = np.nonzero(alive)
    wday = wk[u_w]
    f = _activity_factor(wday + 3, c, u_ci) * np.where(wday + 3 < c["_dormant"][u_ci], 1.0, 0.15)
    shock = np.where(rng.random(u_ci.shape[0]) < 0.04, dm.uniform(rng, 0.1, 0.45, u_ci.shape[0]), 1.0)
    minutes = np.round(base_min[u_ci] * f * shock * dm.lognormal(rng, 0, 0.25, u_ci.shape[0])).astype(np.int64)
    sessions = rng.poisson(minutes / 7.0 + 0.2)
    sessions = np.where(minutes == 0, 0, np.maximum(sessions, 1))
    app_usage = pd.DataFrame({"customer_id": _cat(u_ci, ids), "week_start": _dcat(wday),
                              "minutes": minutes, "sessions": sessions})

    # ---------------- web visits (2024 H1)
    study = (((age_all >= 40) & (age_all <= 55)) | ((age_all >= 20) & (age_all <= 27))) & (rng.random(n) < 0.25)
    w0 = np.maximum(open_d, APP_FIRST_WEEK)
    w1 = np.minimum(churn_d - 1, END)
    days = np.clip(w1 - w0 + 1, 0, None)
    nv = rng.poisson(dm.gamma(rng, 1.5, 2.0, n) * days / 182.0)
    v_ci = np.repeat(np.arange(n), nv)
    v_day = w0[v_ci] + (rng.random(v_ci.shape[0]) * days[v_ci]).astype(np.int64)
    p = np.tile(_WEB_P, (v_ci.shape[0], 1))
    p[study[v_ci], STUDY_PAGE] = 0.35
    p = p / p.sum(1, keepdims=True)
    page = (p.cumsum(1) > rng.random((v_ci.shape[0], 1))).argmax(1)
    log_med = np.where((page == STUDY_PAGE) & study[v_ci], dm.log(170.0),
                       np.where(page == 0, dm.log(25.0), dm.log(60.0)))
    dwell = np.maximum(np.round(dm.lognormal(rng, log_med, 0.6)), 3).astype(np.int64)
    o = np.lexsort((v_day, v_ci))
    web_visits = pd.DataFrame({"customer_id": _cat(v_ci[o], ids), "visit_date": _dcat(v_day[o]),
                               "page": _cat(page[o], WEB_PAGES), "dwell_seconds": dwell[o]})

    # silent: active at the end, opened before 2024, no transaction in the last 6 months
    silent = (churn_d == NEVER) & (open_d < SILENT_FROM) & (last_txn < SILENT_FROM)
    return {"accounts": accounts, "balances": balances, "transactions": transactions,
            "app_usage": app_usage, "web_visits": web_visits, "_silent_ids": ids[silent]}
