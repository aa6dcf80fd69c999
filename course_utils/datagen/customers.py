"""Customer master table of the synthetic bank, with the course KPIs built in.

The three headline figures of Lecture 1 hold *by construction*, not by luck:

* yearly churn 2021 15 % / 2022 18 % / 2023 20 %: every year exactly
  ``round(rate * n_active_on_1_Jan)`` customers active on 1 January are picked to
  churn that year, weighted by a hidden churn propensity (so churn is predictable);
* CLV tiers (top 10 % ~ 500k, middle 60 % ~ 100k, bottom 30 % ~ 20k CNY): a
  monotone rank -> value map per tier, rescaled to the exact tier mean, tiers
  non-overlapping; the rank comes from income, balances, activity and tenure;
* loyalty by satisfaction band (>=90: 85 %, 70-89: 60 %, <70: 30 %): in each band
  exactly ``round(rate * n_band)`` customers are loyal, weighted by satisfaction.

Hidden columns (prefix ``_``) drive the behaviour tables and the text generators;
they are dropped before the table is returned to users.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import config
from ..domain import tier_sizes
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


def _round_half_up(x: float) -> int:
    return int(np.floor(x + 0.5))


def _pick_weighted(logw: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of exactly ``k`` items drawn without replacement, P ~ exp(logw) (Gumbel top-k)."""
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    keys = logw + rng.gumbel(size=logw.shape[0])
    if k >= keys.shape[0]:
        return np.arange(keys.shape[0])
    return np.argpartition(-keys, k - 1)[:k]


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
    n_base = _round_half_up(BASE_SHARE * n)
    n_new = n - n_base

    # --- open dates: base opened 2005..2020 (skewed recent), new ones during the window
    base_age_days = rng.exponential(4.5 * 365, n_base)
    base_age_days = np.where(base_age_days > 15.5 * 365, rng.uniform(5 * 365, 15.5 * 365, n_base),
                             base_age_days).astype(np.int64)
    base_open = START - 1 - base_age_days
    new_open = rng.integers(START + 1, END + 1, n_new)
    jan1s = np.array([EPOCH_DAY[y] for y in (2022, 2023, 2024)])
    new_open = np.where(np.isin(new_open, jan1s), new_open + 1, new_open)  # never on 1 Jan
    open_day = np.concatenate([base_open, new_open])
    newcomer = open_day >= START

    # --- demographics (age is the true age at WINDOW_END; nobody opened before turning 18)
    age = np.clip(rng.normal(41, 13, n), 19, 82)
    age = np.where(newcomer & (rng.random(n) < 0.5), np.clip(rng.normal(30, 8, n), 19, 70), age)
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
    age_curve = 0.75 + 0.5 * np.exp(-(((age - 45) / 14.0) ** 2))
    income = _OCC_INCOME[occ_i] * _CITY_INCOME[city_i] * age_curve * rng.lognormal(0, 0.45, n)
    income = np.maximum(np.round(income, -2), 1500.0)
    z_inc = (np.log(income) - np.log(income).mean()) / np.log(income).std()

    # --- risk appetite R1..R5 (young and rich take more risk) and a latent taste cluster
    ra = 3.0 - 0.045 * (age - 40) + 0.5 * z_inc + rng.normal(0, 0.9, n)
    risk_i = np.clip(np.round(ra), 1, 5).astype(np.int64) - 1
    # taste order follows products.TASTES: 稳健储蓄, 进取投资, 家庭保障, 信贷消费, 均衡理财, 年轻数字
    taste_score = np.column_stack([
        0.04 * (age - 40) - 0.6 * (risk_i - 1),            # 0 稳健储蓄型
        0.7 * (risk_i - 2) + 0.3 * z_inc,                   # 1 进取投资型
        -np.abs(age - 40) / 10 + 0.3,                       # 2 家庭保障型
        -0.03 * (age - 35) - 0.3 * z_inc,                   # 3 信贷消费型
        -0.3 * np.abs(risk_i - 2.5) + 0.2 * z_inc,          # 4 均衡理财型
        -0.07 * (age - 28),                                 # 5 年轻数字型
    ]) + rng.gumbel(size=(n, 6)) * 0.9
    taste = taste_score.argmax(1)

    # --- latent behaviour levels
    n_acc = 1 + rng.binomial(3, np.clip(0.25 + 0.12 * z_inc, 0.05, 0.8))
    lam = np.clip(1.25 * np.exp(0.25 * z_inc) * rng.lognormal(0, 0.6, n), 0.15, 15.0)
    bal_level = income * rng.lognormal(1.0, 0.8, n) * (1 + 0.3 * (age > 50))
    amt_scale = income * 0.12 * rng.lognormal(0, 0.4, n)
    z_sat = rng.normal(0, 1, n)
    satisfaction = np.clip(np.round(77 + 12.5 * z_sat), 15, 100).astype(np.int64)

    # --- hidden churn propensity: satisfaction, U-shaped age, thin relationship x low activity
    age_u = ((age - 45) / 15.0) ** 2
    low_act = lam < np.quantile(lam, 0.35)
    single = n_acc <= 1
    logit = (-0.35 * (satisfaction - 77) / 12.5 + 1.1 * (satisfaction < 65) + 0.5 * (satisfaction < 75)
             + 1.1 * age_u + 1.8 * (single & low_act) + 0.2 * single
             - 0.25 * z_inc + rng.normal(0, 0.75, n))

    # --- churn: exact yearly counts among customers active on 1 Jan
    churn_day = np.full(n, NEVER, dtype=np.int64)
    plan = [(2021, CHURN_TARGETS[2021], 365), (2022, CHURN_TARGETS[2022], 365),
            (2023, CHURN_TARGETS[2023], 365), (2024, CHURN_2024H1, END - EPOCH_DAY[2024] + 1)]
    for year, rate, ndays in plan:
        jan1 = EPOCH_DAY[year]
        active = np.flatnonzero((open_day < jan1) & (churn_day == NEVER))
        k = _round_half_up(rate * active.shape[0])
        # tenure effect at that date: unhappy newcomers leave fast (interaction)
        ten = (jan1 - open_day[active]) / 365.0
        lw = (logit[active] - 0.2 * np.log1p(ten)
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

    # --- loyalty: exact share per satisfaction band, weighted by satisfaction, against churn
    band = np.where(satisfaction >= 90, 0, np.where(satisfaction >= 70, 1, 2))
    loyal = np.zeros(n, dtype=np.int64)
    for b, rate in enumerate(LOYAL_TARGETS.values()):
        idx = np.flatnonzero(band == b)
        k = _round_half_up(rate * idx.shape[0])
        lw = 0.12 * satisfaction[idx] - 1.5 * churned[idx] + 0.6 * (n_acc[idx] - 1)
        loyal[idx[_pick_weighted(lw, k, rng)]] = 1

    # --- CLV: rank score from income, balances, activity, tenure; exact tier means
    life_end = np.minimum(churn_day, END)
    life_y = (life_end - np.maximum(open_day, START - 3 * 365)) / 365.0
    score = (0.55 * z_inc + 0.5 * np.log(bal_level / income) + 0.35 * np.log(lam)
             + 0.25 * np.log1p(life_y) + 0.2 * (n_acc - 1) + rng.normal(0, 0.35, n))
    clv = _clv_from_score(score)

    # --- dirt: missing incomes (5 %), impossible ages (0.3 %)
    income_obs = income.copy()
    miss = rng.choice(n, _round_half_up(0.05 * n), replace=False)
    income_obs[miss] = np.nan
    age_obs = age.copy()
    bad = rng.choice(n, _round_half_up(0.003 * n), replace=False)
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
        "_taste": taste, "_risk": 1.0 / (1.0 + np.exp(-(logit - 1.5))), "_n_acc": n_acc,
        "_lam": lam, "_bal": bal_level, "_amt": amt_scale, "_dormant": dormant_from,
        "_decline": decline_start, "_dip": dip_start, "_dip_len": dip_len,
    })
    return df


def _clv_from_score(score: np.ndarray) -> np.ndarray:
    """Map a score to CLV (CNY) by rank with exact, non-overlapping tier means."""
    n = score.shape[0]
    order = np.argsort(-score, kind="stable")          # best first
    top, mid, bot = tier_sizes(n)
    out = np.empty(n)
    # (count, lower bound, mean, growth of the exponential shape)
    specs = [(top, 260_000.0, 500_000.0, 3.0), (mid, 42_000.0, 100_000.0, 2.6),
             (bot, 2_000.0, 20_000.0, 0.0)]
    pos = 0
    for cnt, lo, mean, a in specs:
        if cnt == 0:
            continue
        t = (np.arange(cnt)[::-1] + 0.5) / cnt       # 1 -> best within the tier
        shape = np.exp(a * t) if a > 0 else t
        shape = shape / shape.mean()
        out[order[pos:pos + cnt]] = lo + (mean - lo) * shape
        pos += cnt
    return out


def public(df: pd.DataFrame) -> pd.DataFrame:
    """Drop the hidden ``_`` columns."""
    return df[[c for c in df.columns if not c.startswith("_")]].copy()
