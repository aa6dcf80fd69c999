"""Customer master table of the synthetic bank, with the course KPIs built in.

The three headline figures of Lecture 1 hold *by construction*, not by luck:

* yearly churn 2021 15 % / 2022 18 % / 2023 20 %: every year exactly
  ``round(rate * n_active_on_1_Jan)`` customers active on 1 January are picked to
  churn that year, weighted by a hidden churn propensity (so churn is predictable);
* CLV tiers (top 10 % ~ 500k, middle 60 % ~ 100k, bottom 30 % ~ 20k CNY) among the
  customers on the books on ``config.WINDOW_END`` (the bank's current customers):
  a monotone rank -> value map per tier, rescaled to the exact tier mean, tiers
  non-overlapping; the rank comes from income, balances, activity and tenure.
  A departed customer keeps a historical CLV: the same score mapped through the
  current customers' score -> CLV curve (interpolated); it takes no part in the tiers;
* loyalty by satisfaction band (>=90: 85 %, 70-89: 60 %, <70: 30 %) among the same
  current customers: in each band exactly ``round(rate * n_band)`` are loyal,
  weighted by satisfaction and accounts. A departed customer is never loyal (0).

"On the books on D" is :func:`course_utils.domain.on_books`: ``open_date <= D`` and
(no churn date or ``churn_date > D``), mirrored here on integer day numbers.

Determinism: every continuous value comes from :mod:`.detmath` (no numpy
transcendental ufunc, no libm distribution), every selection uses a stable sort
with ties broken by row, so the output is the same on every CPU.

Hidden columns (prefix ``_``) drive the behaviour tables and the text generators;
they are dropped before the table is returned to users.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import config
from ..domain import round_half_up, tier_sizes
from . import detmath as dm
from . import masking

#: Yearly churn targets (customers active on 1 Jan who churn that year).
CHURN_TARGETS = {2021: 0.15, 2022: 0.18, 2023: 0.20}
#: Churn share in the first half of 2024 (no KPI target; keeps churn going).
CHURN_2024H1 = 0.09
#: CLV tier targets: (name, share of customers, mean CLV in CNY, lower bound, shape).
CLV_TIERS = (("Top 10%", 0.10, 500_000.0), ("Middle 60%", 0.60, 100_000.0),
             ("Bottom 30%", 0.30, 20_000.0))
#: Loyal share per satisfaction band.
LOYAL_TARGETS = {"≥90": 0.85, "70–89": 0.60, "<70": 0.30}
#: Share of customers opened before the window (the rest join during it).
BASE_SHARE = 0.62

CITIES = np.array(["上海", "北京", "深圳", "广州", "杭州", "南京", "苏州", "成都", "武汉",
                   "西安", "重庆", "天津", "长沙", "郑州", "青岛"])
_CITY_W = np.array([12, 11, 9, 9, 8, 7, 6, 7, 6, 5, 5, 4, 4, 4, 3], float)
_CITY_INCOME = np.array([1.35, 1.35, 1.3, 1.2, 1.2, 1.05, 1.05, 0.95, 0.95, 0.9, 0.9, 0.95,
                         0.85, 0.85, 0.9])
OCCUPATIONS = np.array(["企业职员", "公务员/事业单位", "个体经营者", "专业人士", "企业管理者",
                        "自由职业", "学生", "退休"])
_OCC_INCOME = np.array([9000, 10000, 12000, 16000, 26000, 8000, 2500, 5500], float)
CHURN_REASONS = np.array(["服务体验差", "手续费高", "收益率低", "竞争对手优惠", "搬迁/工作变动", "其他"])
RISK_LEVELS = np.array(["R1", "R2", "R3", "R4", "R5"])

EPOCH_DAY = {y: int(np.datetime64(f"{y}-01-01", "D").astype(np.int64)) for y in range(2000, 2026)}
START = int(np.datetime64(config.WINDOW_START, "D").astype(np.int64))
END = int(np.datetime64(config.WINDOW_END, "D").astype(np.int64))
NEVER = 10**9  # sentinel "no churn" in day arithmetic


def on_books_days(open_day: np.ndarray, churn_day: np.ndarray, day: int) -> np.ndarray:
    """Mask of customers on the books on ``day`` (day numbers; ``NEVER`` = no churn).

    Mirrors :func:`course_utils.domain.on_books` on integer days:
    ``open_day <= day and churn_day > day``.

    >>> on_books_days(np.array([5, 5, 12]), np.array([NEVER, 9, NEVER]), 9).tolist()
    [True, False, False]
    """
    return (open_day <= day) & (churn_day > day)


def _pick_weighted(logw: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted indices of exactly ``k`` items drawn without replacement, P ~ exp(logw).

    Gumbel top-k with a stable sort (ties go to the lower index): the same
    selection on every machine (``np.argpartition`` returns its k items in an
    order that depends on the CPU's SIMD path).
    """
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    keys = logw + dm.gumbel(rng, logw.shape[0])
    if k >= keys.shape[0]:
        return np.arange(keys.shape[0])
    return np.sort(np.argsort(-keys, kind="stable")[:k])


def days_to_str(days: np.ndarray) -> np.ndarray:
    """ISO date strings for integer day numbers; ``NEVER``/negative -> ''."""
    days = np.asarray(days, dtype=np.int64)
    ok = (days < NEVER) & (days > -10**6)
    out = np.full(days.shape[0], "", dtype=object)
    if ok.any():
        u, inv = np.unique(days[ok], return_inverse=True)
        strs = np.datetime_as_string(u.astype("datetime64[D]")).astype(object)
        out[ok] = strs[inv]
    return out


def make_customers(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Generate ``n`` customers (visible columns + hidden ``_`` columns).

    Dates are ISO strings (``churn_date`` is '' while active); money in CNY.

    >>> df = make_customers(200, np.random.default_rng(1))
    >>> df["customer_id"].iloc[0]
    'C000001'
    """
    width = max(6, len(str(n)))
    n_base = round_half_up(BASE_SHARE * n)
    n_new = n - n_base

    # --- open dates: base opened 2005..2020 (skewed recent), new ones during the window
    base_age_days = dm.exponential(rng, 4.5 * 365, n_base)
    base_age_days = np.where(base_age_days > 15.5 * 365, dm.uniform(rng, 5 * 365, 15.5 * 365, n_base),
                             base_age_days).astype(np.int64)
    base_open = START - 1 - base_age_days
    new_open = rng.integers(START + 1, END + 1, n_new)
    jan1s = np.array([EPOCH_DAY[y] for y in (2022, 2023, 2024)])
    new_open = np.where(np.isin(new_open, jan1s), new_open + 1, new_open)  # never on 1 Jan
    open_day = np.concatenate([base_open, new_open])
    newcomer = open_day >= START

    # --- demographics (age is the true age at WINDOW_END; nobody opened before turning 18)
    age = np.clip(dm.normal(rng, 41, 13, n), 19, 82)
    age = np.where(newcomer & (rng.random(n) < 0.5), np.clip(dm.normal(rng, 30, 8, n), 19, 70), age)
    age = age.round().astype(np.int64)
    adult_day = END - ((age - 18) * 365.25).astype(np.int64)
    open_day = np.where(open_day < adult_day, np.minimum(adult_day + rng.integers(0, 400, n), START - 1),
                        open_day)
    open_day = np.where(newcomer, np.concatenate([base_open, new_open]), open_day)
    order = np.argsort(open_day, kind="stable")           # ids follow the opening order
    open_day, age, newcomer = open_day[order], age[order], newcomer[order]
    gender = np.where(rng.random(n) < 0.49, "女", "男").astype(object)
    city_i = rng.choice(len(CITIES), size=n, p=_CITY_W / _CITY_W.sum())
    occ_p = np.tile(np.array([0.42, 0.13, 0.12, 0.11, 0.08, 0.09, 0.0, 0.0]), (n, 1))
    occ_p[age < 25, 6] = 0.35
    occ_p[age >= 50, 7] = np.where(age[age >= 50] >= 60, 3.0, 0.1)
    occ_p = occ_p / occ_p.sum(1, keepdims=True)
    occ_i = (occ_p.cumsum(1) > rng.random((n, 1))).argmax(1)
    a45 = (age - 45) / 14.0
    age_curve = 0.75 + 0.5 * dm.exp(-(a45 * a45))
    income = _OCC_INCOME[occ_i] * _CITY_INCOME[city_i] * age_curve * dm.lognormal(rng, 0, 0.45, n)
    income = np.maximum(np.round(income, -2), 1500.0)
    log_inc = dm.log(income)
    z_inc = (log_inc - log_inc.mean()) / log_inc.std()

    # --- risk appetite R1..R5 (young and rich take more risk) and a latent taste cluster
    ra = 3.0 - 0.045 * (age - 40) + 0.5 * z_inc + dm.normal(rng, 0, 0.9, n)
    risk_i = np.clip(np.round(ra), 1, 5).astype(np.int64) - 1
    # taste order follows products.TASTES: 稳健储蓄, 进取投资, 家庭保障, 信贷消费, 均衡理财, 年轻数字
    taste_score = np.column_stack([
        0.04 * (age - 40) - 0.6 * (risk_i - 1),            # 0 稳健储蓄型
        0.7 * (risk_i - 2) + 0.3 * z_inc,                   # 1 进取投资型
        -np.abs(age - 40) / 10 + 0.3,                       # 2 家庭保障型
        -0.03 * (age - 35) - 0.3 * z_inc,                   # 3 信贷消费型
        -0.3 * np.abs(risk_i - 2.5) + 0.2 * z_inc,          # 4 均衡理财型
        -0.07 * (age - 28),                                 # 5 年轻数字型
    ]) + dm.gumbel(rng, (n, 6)) * 0.9
    taste = taste_score.argmax(1)

    # --- latent behaviour levels
    n_acc = 1 + rng.binomial(3, np.clip(0.25 + 0.12 * z_inc, 0.05, 0.8))
    lam = np.clip(1.25 * dm.exp(0.25 * z_inc) * dm.lognormal(rng, 0, 0.6, n), 0.15, 15.0)
    bal_level = income * dm.lognormal(rng, 1.0, 0.8, n) * (1 + 0.3 * (age > 50))
    amt_scale = income * 0.12 * dm.lognormal(rng, 0, 0.4, n)
    z_sat = rng.standard_normal(n)
    satisfaction = np.clip(np.round(77 + 12.5 * z_sat), 15, 100).astype(np.int64)

    # --- hidden churn propensity: satisfaction, U-shaped age, thin relationship x low activity
    age_u = ((age - 45) / 15.0) * ((age - 45) / 15.0)
    low_act = lam < np.quantile(lam, 0.35)
    single = n_acc <= 1
    logit = (-0.35 * (satisfaction - 77) / 12.5 + 1.1 * (satisfaction < 65) + 0.5 * (satisfaction < 75)
             + 1.1 * age_u + 1.8 * (single & low_act) + 0.2 * single
             - 0.25 * z_inc + dm.normal(rng, 0, 0.75, n))

    # --- churn: exact yearly counts among customers on the books on 1 Jan (the year's base;
    # nobody opens or churns on 1 Jan, so "when 1 Jan begins" and "at its end" agree)
    churn_day = np.full(n, NEVER, dtype=np.int64)
    plan = [(2021, CHURN_TARGETS[2021], 365), (2022, CHURN_TARGETS[2022], 365),
            (2023, CHURN_TARGETS[2023], 365), (2024, CHURN_2024H1, END - EPOCH_DAY[2024] + 1)]
    for year, rate, ndays in plan:
        jan1 = EPOCH_DAY[year]
        active = np.flatnonzero(on_books_days(open_day, churn_day, jan1))
        k = round_half_up(rate * active.shape[0])
        # tenure effect at that date: unhappy newcomers leave fast (interaction)
        ten = (jan1 - open_day[active]) / 365.0
        lw = (logit[active] - 0.2 * dm.log1p(ten)
              + 1.4 * ((satisfaction[active] < 72) & (ten < 1.5)))
        chosen = active[_pick_weighted(lw, k, rng)]
        day = jan1 + rng.integers(1, ndays, chosen.shape[0])          # never on 1 Jan
        early = day < open_day[chosen] + 30
        day = np.where(early, np.maximum(jan1 + 1, open_day[chosen] + 30), day)
        churn_day[chosen] = day
    churned = churn_day < NEVER

    # churn reason depends on satisfaction
    unhappy = satisfaction < 70
    p_unhappy = np.array([0.36, 0.2, 0.14, 0.14, 0.1, 0.06])
    p_happy = np.array([0.08, 0.12, 0.26, 0.26, 0.2, 0.08])
    r = rng.random(n)
    reason_i = np.where(unhappy, (p_unhappy.cumsum() > r[:, None]).argmax(1),
                        (p_happy.cumsum() > r[:, None]).argmax(1))
    churn_reason = np.where(churned, CHURN_REASONS[reason_i], "").astype(object)

    # --- silent (dormant) customers: active at the end, no transactions from a date in 2023
    active_end = ~churned
    dormant = active_end & (rng.random(n) < 0.075) & (open_day < EPOCH_DAY[2023] + 180)
    dormant_from = np.where(dormant, rng.integers(EPOCH_DAY[2022] + 240, EPOCH_DAY[2024] - 5, n),
                            NEVER)
    dormant_from = np.where(dormant, np.maximum(dormant_from, open_day + 60), NEVER)

    # --- behavioural decline before churn (most, not all churners), dips among the rest
    # Affluent customers rarely fade out (they leave at once, e.g. poached by a private bank),
    # but they often move money into wealth products for a while -> a dip that is not churn.
    rich = z_inc > 0.6
    declines = churned & (rng.random(n) < np.where(rich, 0.3, 0.8))
    decline_start = np.where(declines, churn_day - rng.integers(45, 300, n), NEVER)
    decline_start = np.maximum(decline_start, open_day + 15)
    dip = (~declines) & (rng.random(n) < np.where(rich, 0.6, 0.05))
    dip_start = np.where(dip, rng.integers(START - 120, END, n), NEVER)
    dip_len = rng.integers(90, 300, n)

    # --- the lecture's population: customers on the books on WINDOW_END (current customers)
    current = on_books_days(open_day, churn_day, END)

    # --- loyalty: exact share per satisfaction band among current customers, weighted by
    # satisfaction and accounts; a departed customer is not loyal (loyal = 0)
    band = np.where(satisfaction >= 90, 0, np.where(satisfaction >= 70, 1, 2))
    loyal = np.zeros(n, dtype=np.int64)
    for b, rate in enumerate(LOYAL_TARGETS.values()):
        idx = np.flatnonzero((band == b) & current)
        k = round_half_up(rate * idx.shape[0])
        lw = 0.12 * satisfaction[idx] + 0.6 * (n_acc[idx] - 1)
        loyal[idx[_pick_weighted(lw, k, rng)]] = 1

    # --- CLV: rank score from income, balances, activity, tenure; exact tier means among
    # current customers, departed customers keep a historical value on the same curve
    life_end = np.minimum(churn_day, END)
    life_y = (life_end - np.maximum(open_day, START - 3 * 365)) / 365.0
    score = (0.55 * z_inc + 0.5 * dm.log(bal_level / income) + 0.35 * dm.log(lam)
             + 0.25 * dm.log1p(life_y) + 0.2 * (n_acc - 1) + dm.normal(rng, 0, 0.35, n))
    clv = _clv_from_score(score, current)

    # --- dirt: missing incomes (5 %), impossible ages (0.3 %)
    income_obs = income.copy()
    miss = rng.choice(n, round_half_up(0.05 * n), replace=False)
    income_obs[miss] = np.nan
    age_obs = age.copy()
    bad = rng.choice(n, round_half_up(0.003 * n), replace=False)
    age_obs[bad] = rng.choice(np.array([0, 150, 200, -1, 999]), bad.shape[0])

    ids = np.char.add("C", np.char.zfill(np.arange(1, n + 1).astype(str), width)).astype(object)
    df = pd.DataFrame({
        "customer_id": ids,
        "name": masking.masked_names(n, rng),
        "phone": masking.masked_phones(n, rng),
        "gender": gender,
        "age": age_obs,
        "city": CITIES[city_i].astype(object),
        "occupation": OCCUPATIONS[occ_i].astype(object),
        "monthly_income": income_obs,
        "risk_appetite": RISK_LEVELS[risk_i].astype(object),
        "open_date": days_to_str(open_day),
        "churn_date": days_to_str(churn_day),
        "churn_reason": churn_reason,
        "satisfaction": satisfaction,
        "loyal": loyal,
        "clv": np.round(clv, 2),
        # hidden drivers (dropped before output)
        "_open": open_day, "_churn": churn_day, "_age": age, "_income": income,
        "_taste": taste, "_risk": dm.sigmoid(logit - 1.5), "_n_acc": n_acc,
        "_lam": lam, "_bal": bal_level, "_amt": amt_scale, "_dormant": dormant_from,
        "_decline": decline_start, "_dip": dip_start, "_dip_len": dip_len,
    })
    return df


def _clv_from_score(score: np.ndarray, current: np.ndarray | None = None) -> np.ndarray:
    """Map a score to CLV (CNY): by rank among ``current`` rows with exact, non-overlapping
    tier means; other rows by linear interpolation on the current rows' score -> CLV curve.

    >>> v = _clv_from_score(np.arange(10.0), np.arange(10) % 2 == 0)
    >>> bool(v[1] >= v[0] and v[1] <= v[2] and v[9] == v[8])
    True
    """
    n = score.shape[0]
    cur = np.arange(n) if current is None else np.flatnonzero(current)
    order = cur[np.argsort(-score[cur], kind="stable")]          # best first, ties by row
    top, mid, bot = tier_sizes(order.shape[0])
    out = np.zeros(n)
    # (count, lower bound, mean, growth of the exponential shape)
    specs = [(top, 260_000.0, 500_000.0, 3.0), (mid, 42_000.0, 100_000.0, 2.6),
             (bot, 2_000.0, 20_000.0, 0.0)]
    pos = 0
    for cnt, lo, mean, a in specs:
        if cnt == 0:
            continue
        t = (np.arange(cnt)[::-1] + 0.5) / cnt       # 1 -> best within the tier
        shape = dm.exp(a * t) if a > 0 else t
        shape = shape / shape.mean()
        out[order[pos:pos + cnt]] = lo + (mean - lo) * shape
        pos += cnt
    rest = np.setdiff1d(np.arange(n), cur, assume_unique=True)
    if rest.shape[0] and order.shape[0]:
        out[rest] = _interp(score[rest], score[order[::-1]], out[order[::-1]])
    return out


def _interp(x: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Piecewise-linear interpolation on ascending ``xs`` (clamped at both ends), plain ufuncs.

    >>> _interp(np.array([-1.0, 0.5, 3.0]), np.array([0.0, 1.0, 2.0]), np.array([10.0, 20.0, 40.0])).tolist()
    [10.0, 15.0, 40.0]
    """
    if xs.shape[0] == 1:
        return np.full(x.shape[0], ys[0])
    j = np.clip(np.searchsorted(xs, x, side="right"), 1, xs.shape[0] - 1)
    x0, x1, y0, y1 = xs[j - 1], xs[j], ys[j - 1], ys[j]
    dx = x1 - x0
    w = np.clip((x - x0) / np.where(dx > 0, dx, 1.0), 0.0, 1.0)
    return y0 + (y1 - y0) * np.where(dx > 0, w, 0.0)


def public(df: pd.DataFrame) -> pd.DataFrame:
    """Drop the hidden ``_`` columns."""
    return df[[c for c in df.columns if not c.startswith("_")]].copy()
