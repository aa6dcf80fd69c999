"""Retention planning on the past campaign (Lecture 3): whom to call, with which offer, for what budget.

The bank ran a randomised retention campaign on 2024-01-01 (table ``retention_campaign``,
see :mod:`course_utils.datagen.retention`). This module turns it into a planning tool:

- :func:`campaign_context` - computed once per bank: the campaign table, the features of
  every customer at the campaign date (``churn.build_churn_table``), a churn-risk score from a
  model trained on an *earlier* cut-off (out of time), an uplift score from a T-learner
  trained on the randomised campaign (cross-fitted: no customer is scored by a model that
  saw their outcome) and the generator's hidden truth (expected effect of each offer on
  each customer) used to value a plan.
- :func:`simulate_plan` - a plan = a ranking ("risk" or "uplift"), a budget in CNY and an
  offer per churn-risk reason (or ``"none"``: do not call). Customers are taken in rank
  order, after the compliance filters, until the next one no longer fits the budget.
  Result: contacts, expected customers saved, contact and offer costs, value saved, net
  value, ROI. Fast (a few arrays, < 1 ms): a widget can redraw on every change.

Assumptions (show them next to the figures, :data:`ASSUMPTIONS_ZH`):

- budget = every cost the plan causes: :data:`CONTACT_COST` per call plus the offer's cost
  (:data:`OFFER_COST`) for every contacted customer (the offer is granted during the call);
- a saved customer is worth :data:`VALUE_PER_SAVED` CNY (about a year and a half of margin
  of an average retail customer; change ``value_per_saved=`` to test other values);
- "expected saved" = the sum of the true reductions in churn probability of the contacted
  customers (the simulator knows them; in real life only a control group can measure them);
- compliance before contacting: marketing consent, not on the do-not-call list, fewer than
  :data:`CONTACT_CAP` marketing contacts in the last 90 days. 产品升级 is an upgrade of the
  account / card package (no investment product, so no suitability assessment is needed).

>>> from course_utils.data import get_bank
>>> ctx = campaign_context(get_bank(seed=7, n_customers=800), seed=7)          # doctest: +SKIP
>>> simulate_plan(ctx, "uplift", 20_000, MATCHED_OFFERS)["net_value"]          # doctest: +SKIP
"""
from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import config, domain
from .datagen.retention import (CAMPAIGN_DATE, CONTACT_CAP, CONTACT_COST, GROUPS, MATCHING_OFFER, OFFER_COST,
                                OFFER_LABELS_ZH, OFFERS, OUTCOME_MONTHS, REASON_LABELS_ZH, REASON_OF_CHURN, REASONS,
                                TREATMENT_SHARE)
from .errors import CourseArgumentError

__all__ = ["CAMPAIGN_DATE", "OUTCOME_MONTHS", "TREATMENT_SHARE", "GROUPS", "CONTACT_CAP", "CONTACT_COST",
           "OFFER_COST", "OFFERS", "REASONS", "REASON_OF_CHURN", "MATCHING_OFFER",
           "OFFER_LABELS_ZH", "REASON_LABELS_ZH", "NO_CONTACT", "OFFER_CHOICES", "OFFER_CHOICE_LABELS_ZH",
           "RANKINGS", "RANKING_LABELS_ZH", "VALUE_PER_SAVED", "RISK_TRAIN_CUTOFF", "STANDARD_OFFERS",
           "MATCHED_OFFERS", "ASSUMPTIONS_ZH", "RESULT_LABELS_ZH", "RetentionContext", "campaign_context",
           "simulate_plan", "budget_curve", "plans_table", "full_cost", "churn_table"]

#: Offer choice meaning "do not call customers with this reason".
NO_CONTACT = "none"
OFFER_CHOICES = OFFERS + (NO_CONTACT,)
OFFER_CHOICE_LABELS_ZH = {**OFFER_LABELS_ZH, NO_CONTACT: "不联系"}
RANKINGS = ("risk", "uplift")
RANKING_LABELS_ZH = {"risk": "按流失风险 (churn risk)", "uplift": "按挽留增益 (uplift)"}
#: Value of one saved customer, CNY (planning assumption).
VALUE_PER_SAVED = 5000.0
#: Cut-off of the churn-risk model's training data (labels up to the campaign date).
RISK_TRAIN_CUTOFF = "2023-07-01"
#: Trees of the churn-risk forest (fewer than the lecture's: the context is built in a few seconds).
RISK_TREES = 100
#: The bank's usual plan: the same discount for every reason.
STANDARD_OFFERS = {r: "pricing" for r in REASONS}
#: Offers that answer each reason; life events are not called, "other" gets the cheap care call.
MATCHED_OFFERS = {**MATCHING_OFFER, "life": NO_CONTACT, "other": "care"}

ASSUMPTIONS_ZH = (
    f"假设：每联系一位客户成本 {CONTACT_COST:,.0f} 元，优惠成本按联系人数计（"
    + "、".join(f"{OFFER_LABELS_ZH[o]} {OFFER_COST[o]:,.0f} 元" for o in OFFERS)
    + f"）；每挽留一位客户价值 {VALUE_PER_SAVED:,.0f} 元；“预计挽留”= 被联系客户流失概率的真实下降之和"
    "（模拟器知道真相，现实中只能用对照组估计）；先做合规筛选：有营销授权、不在拒绝来电名单、"
    f"近 90 天营销联系少于 {CONTACT_CAP} 次。")

#: Chinese display names of :func:`simulate_plan`'s keys.
RESULT_LABELS_ZH = {"ranking": "排序方式", "budget": "预算(元)", "contacts": "联系人数",
                    "skipped_compliance": "合规排除人数", "expected_saved": "预计挽留(人)",
                    "contact_cost": "联系成本(元)", "offer_cost": "优惠成本(元)", "total_cost": "总成本(元)",
                    "value_saved": "挽留价值(元)", "net_value": "净收益(元)", "roi": "ROI"}


def _arg_error(zh: str, en: str) -> CourseArgumentError:
    return CourseArgumentError(f"{zh}\n{en}")


@dataclass(eq=False)
class RetentionContext:
    """Everything a plan needs, computed once (see :func:`campaign_context`).

    Per customer on the books at the campaign date (same row order as ``table``):
    ``features`` (churn-table features + ``risk_reason``), ``risk`` (churn probability from
    the out-of-time model), ``uplift`` (cross-fitted T-learner: predicted reduction in churn
    probability when contacted), ``eligible`` (compliance, with the default cap),
    ``truth`` (hidden: ``uplift_<offer>`` true reductions, types).
    """

    table: pd.DataFrame
    features: pd.DataFrame
    risk: np.ndarray
    uplift: np.ndarray
    truth: pd.DataFrame = field(repr=False)
    seed: int = config.DEFAULT_SEED
    _order: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        t = self.table
        self.reason_code = np.array([REASONS.index(r) if r in REASONS else len(REASONS) - 1
                                     for r in t["risk_reason"].astype(str)], dtype=np.int64)
        self.consent = t["consent"].to_numpy(dtype=np.int64)
        self.do_not_call = t["do_not_call"].to_numpy(dtype=np.int64)
        self.contacts_90d = t["contacts_90d"].to_numpy(dtype=np.int64)
        self.true_uplift = np.column_stack([self.truth[f"uplift_{o}"].to_numpy(dtype=float) for o in OFFERS])
        for name in RANKINGS:
            self._order[name] = np.argsort(-self.scores(name), kind="stable")

    @property
    def n(self) -> int:
        """Customers on the books at the campaign date."""
        return len(self.table)

    def scores(self, ranking: str) -> np.ndarray:
        """The score a ranking sorts by (highest first)."""
        return self.risk if ranking == "risk" else self.uplift

    def order(self, ranking: str) -> np.ndarray:
        """Row positions from the highest score down (ties by position)."""
        return self._order[ranking]

    def compliant(self, contact_cap: int = CONTACT_CAP) -> np.ndarray:
        """Mask: may be called (consent, not do-not-call, under the contact cap)."""
        return (self.consent == 1) & (self.do_not_call == 0) & (self.contacts_90d < contact_cap)

    def max_budget(self) -> float:
        """Cost (CNY) of calling every compliant customer with the dearest offer."""
        return float(self.compliant().sum()) * full_cost(max(OFFERS, key=OFFER_COST.get))


def full_cost(offer: str) -> float:
    """Cost (CNY) of contacting one customer with ``offer`` (contact + offer; 0 for "none").

    >>> full_cost("care"), full_cost("none")
    (65.0, 0.0)
    """
    return 0.0 if offer == NO_CONTACT else CONTACT_COST + OFFER_COST[offer]


_TABLES: dict = {}


def churn_table(bank, cutoff: str) -> pd.DataFrame:
    """``churn.build_churn_table(bank, cutoff)``, kept for the bank object it was built from.

    The lecture, the exercises and :func:`campaign_context` need the same tables (the
    campaign date, the risk model's cut-off); each is built once per bank. A copy is returned.

    >>> from course_utils.data import get_bank
    >>> bank = get_bank(seed=7, n_customers=300)                    # doctest: +SKIP
    >>> churn_table(bank, "2024-01-01") is churn_table(bank, "2024-01-01")   # doctest: +SKIP
    False
    """
    from .churn import build_churn_table

    key = (id(bank.customers), str(cutoff))
    hit = _TABLES.get(key)
    if hit is None or hit[0] is not bank.customers:
        if len(_TABLES) >= 8:
            _TABLES.pop(next(iter(_TABLES)))
        hit = _TABLES[key] = (bank.customers, build_churn_table(bank, cutoff))
    return hit[1].copy()


def _features(bank, table: pd.DataFrame, cutoff: str) -> pd.DataFrame:
    from .churn import FEATURES

    ct = churn_table(bank, cutoff)
    if list(ct["customer_id"]) != list(table["customer_id"].astype(str)):
        raise _arg_error("retention_campaign 表的客户与截止日在网客户不一致：请用同一份数据",
                         "the customers of retention_campaign differ from those on the books at the "
                         "campaign date: use tables from one dataset")
    x = ct[FEATURES].copy()
    x["risk_reason"] = table["risk_reason"].astype(str).to_numpy()
    return x


def _uplift_model(x: pd.DataFrame):
    """The T-learner's churn model: a scaled logistic regression on every feature.

    Uplift is a small difference of two churn probabilities estimated on about 1,200
    customers per group; a smooth model estimates it with less noise than a forest.
    Measured on 10 seeds at 5,000 customers, budgets 10,000 / 20,000 / 30,000 CNY, matched
    offers: the logistic T-learner's plan beat risk targeting in 30 of 30 cases and made
    money in 29; the default forest T-learner (min_samples_leaf=50) beat it in 29 and made
    money in 22.
    """
    from .churn_models import make_churn_model

    num = [c for c in x.columns if c != "risk_reason"]
    return make_churn_model("logistic", num, ["risk_reason"])


def _cross_fitted_uplift(x: pd.DataFrame, table: pd.DataFrame, random_state: int, n_folds: int) -> np.ndarray:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):     # tiny solver steps: one BLAS thread is faster
        return _uplift_folds(x, table, random_state, n_folds)


def _uplift_folds(x: pd.DataFrame, table: pd.DataFrame, random_state: int, n_folds: int) -> np.ndarray:
    from .uplift import TLearner

    group = table["group"].astype(str).to_numpy()
    exp = np.flatnonzero(group != "excluded")
    t = (group[exp] == "treatment").astype(np.int64)
    y = table["churned_6m"].to_numpy(dtype=np.int64)[exp]
    fold = np.empty(exp.shape[0], dtype=np.int64)
    perm = np.random.default_rng(random_state).permutation(exp.shape[0])
    fold[perm] = np.arange(exp.shape[0]) % n_folds
    out = np.zeros(len(table))
    rest = np.flatnonzero(group == "excluded")
    for k in range(n_folds):
        train, test = fold != k, fold == k
        model = TLearner(_uplift_model(x), random_state=random_state).fit(x.iloc[exp[train]], t[train], y[train])
        out[exp[test]] = model.predict_uplift(x.iloc[exp[test]])
        if rest.shape[0]:
            out[rest] += model.predict_uplift(x.iloc[rest]) / n_folds
    return out


def _risk_scores(bank, x: pd.DataFrame, random_state: int) -> np.ndarray:
    from .churn import FEATURES
    from .churn_models import fit_model, make_churn_model

    train = churn_table(bank, RISK_TRAIN_CUTOFF)
    model = make_churn_model("forest", FEATURES, [], random_state=random_state, n_estimators=RISK_TREES)
    fit_model(model, train[FEATURES], train["churned"])     # trees grown on two threads: the same forest
    return model.predict_proba(x[FEATURES])[:, 1]


def campaign_context(bank, seed: int = config.DEFAULT_SEED, *, random_state: int = 0,
                     n_folds: int = 2) -> RetentionContext:
    """Scores and hidden truth of the past campaign of ``bank`` (computed once, cached).

    Parameters
    ----------
    bank : Bank from :func:`course_utils.data.get_bank` / ``load_bank`` (the course's data).
    seed : int
        The seed the bank was generated with (the notebooks' ``SEED``): the hidden truth is
        regenerated from it and must agree with the bank's campaign table.
    random_state : int
        Seed of the risk model, the T-learner and its folds.
    n_folds : int
        Cross-fitting folds of the uplift score (each customer scored by a model trained on
        the other folds).

    Raises :class:`~course_utils.errors.CourseArgumentError` (Chinese, then English) when the
    bank's data were not generated with ``seed``.
    """
    customers = bank.customers
    gen_table, truth = _campaign_for(int(seed), len(customers))
    table = getattr(bank, "retention_campaign", None)
    table = (gen_table if table is None else table).reset_index(drop=True)
    on = customers.loc[domain.on_books_at_start(customers, CAMPAIGN_DATE)]
    end = domain.as_date(CAMPAIGN_DATE) + pd.DateOffset(months=OUTCOME_MONTHS)
    churned = domain.churned_during(on, CAMPAIGN_DATE, end).to_numpy().astype(np.int64)
    same = (len(table) == len(gen_table) == len(on)
            and (on["customer_id"].astype(str).to_numpy() == gen_table["customer_id"].to_numpy()).all()
            and (churned == gen_table["churned_6m"].to_numpy()).all()
            and (table["customer_id"].astype(str).to_numpy() == gen_table["customer_id"].to_numpy()).all()
            and (table["group"].astype(str).to_numpy() == gen_table["group"].to_numpy()).all())
    if not same:
        raise _arg_error(f"这份数据不是课程生成器用种子 {seed} 生成的，模拟器找不到它的“真相”：请用 get_bank(seed=...) "
                         "的数据，并把同一个 seed 传给 campaign_context",
                         f"these data were not generated by the course generator with seed {seed}, so the "
                         "simulator has no hidden truth for them: use get_bank(seed=...) and pass the same seed")
    return _context(bank, table, truth, int(seed), int(random_state), int(n_folds))


@functools.lru_cache(maxsize=4)
def _campaign_for(seed: int, n: int):
    from .datagen.retention import campaign_for
    return campaign_for(seed, n)


_CONTEXTS: dict = {}


def _context(bank, table, truth, seed, random_state, n_folds) -> RetentionContext:
    key = (seed, len(table), random_state, n_folds, id(bank.customers))
    hit = _CONTEXTS.get(key)
    if hit is not None and hit[0] is bank.customers:
        return hit[1]
    x = _features(bank, table, CAMPAIGN_DATE)
    ctx = RetentionContext(table=table, features=x, risk=_risk_scores(bank, x, random_state),
                           uplift=_cross_fitted_uplift(x, table, random_state, n_folds), truth=truth, seed=seed)
    if len(_CONTEXTS) >= 4:
        _CONTEXTS.pop(next(iter(_CONTEXTS)))
    _CONTEXTS[key] = (bank.customers, ctx)
    return ctx


def _offer_codes(offers_by_reason) -> np.ndarray:
    """Offer index per reason code (len(OFFERS) = do not call)."""
    if offers_by_reason is None:
        offers_by_reason = STANDARD_OFFERS
    if not isinstance(offers_by_reason, Mapping):
        raise _arg_error("offers_by_reason 应是字典 {原因: 优惠}，例如 {'price': 'pricing'}",
                         "offers_by_reason must be a dict {reason: offer}, e.g. {'price': 'pricing'}")
    unknown = [k for k in offers_by_reason if k not in REASONS]
    if unknown:
        raise _arg_error(f"未知的原因 {unknown}，可选：{', '.join(REASONS)}",
                         f"unknown reason(s) {unknown}; choose from: {', '.join(REASONS)}")
    codes = []
    for r in REASONS:
        o = offers_by_reason.get(r, NO_CONTACT)
        if not isinstance(o, str) or o not in OFFER_CHOICES:
            raise _arg_error(f"原因 {r} 的优惠 {o!r} 无效，可选：{', '.join(OFFER_CHOICES)}",
                             f"offer {o!r} for reason {r} is not valid; choose from: {', '.join(OFFER_CHOICES)}")
        codes.append(OFFER_CHOICES.index(o))
    return np.array(codes + [len(OFFERS)], dtype=np.int64)


def _budget(budget) -> float:
    if isinstance(budget, bool) or not isinstance(budget, (int, float, np.integer, np.floating)) \
            or not math.isfinite(float(budget)) or float(budget) < 0:
        raise _arg_error(f"预算应是不小于 0 的金额（元），收到 {budget!r}",
                         f"budget must be an amount >= 0 (CNY), got {budget!r}")
    return float(budget)


def simulate_plan(context: RetentionContext, ranking: str = "risk", budget: float = 30_000.0,
                  offers_by_reason: Mapping[str, str] | None = None, *,
                  value_per_saved: float = VALUE_PER_SAVED, contact_cap: int = CONTACT_CAP) -> dict:
    """Expected result of a retention plan on the campaign's customers (hidden truth).

    Parameters
    ----------
    context : from :func:`campaign_context`.
    ranking : "risk" (highest churn probability first) or "uplift" (highest predicted uplift).
    budget : float, CNY: every cost of the plan (contacts + offers) stays within it.
    offers_by_reason : dict reason -> offer key or "none" (do not call); missing reasons are
        not called. Default: :data:`STANDARD_OFFERS`.
    value_per_saved : CNY per customer saved; contact_cap : calls allowed in 90 days.

    Returns
    -------
    dict: ``ranking``, ``budget``, ``contacts``, ``skipped_compliance`` (customers ranked above
    the last one contacted who failed the compliance filters), ``expected_saved`` (customers),
    ``contact_cost``, ``offer_cost``, ``total_cost``, ``value_saved``, ``net_value`` (CNY),
    ``roi`` (net value / total cost; NaN with no cost) and ``contacted`` (row positions).

    Example (a tiny hand-made context: two customers, one persuadable)
    -------
    >>> t = pd.DataFrame({"customer_id": ["C1", "C2"], "risk_reason": ["price", "life"],
    ...                   "consent": [1, 1], "do_not_call": [0, 0], "contacts_90d": [0, 0],
    ...                   "group": ["treatment", "control"], "churned_6m": [0, 1]})
    >>> truth = pd.DataFrame({"uplift_pricing": [0.5, 0.0], "uplift_care": [0.1, 0.0],
    ...                       "uplift_upgrade": [0.1, 0.0]})
    >>> ctx = RetentionContext(t, t, risk=np.array([0.2, 0.9]), uplift=np.array([0.4, 0.0]), truth=truth)
    >>> r = simulate_plan(ctx, "uplift", budget=200, offers_by_reason={"price": "pricing", "life": "care"})
    >>> r["contacts"], r["expected_saved"], r["total_cost"], r["net_value"]
    (1, 0.5, 175.0, 2325.0)
    """
    if ranking not in RANKINGS:
        raise _arg_error(f"排序方式应是 {RANKINGS} 之一，收到 {ranking!r}",
                         f"ranking must be one of {RANKINGS}, got {ranking!r}")
    budget = _budget(budget)
    codes = _offer_codes(offers_by_reason)
    order = context.order(ranking)
    ok = context.compliant(contact_cap)[order]
    offer = codes[context.reason_code[order]]
    call = offer < len(OFFERS)
    costs = np.array([full_cost(o) for o in OFFERS] + [0.0])
    cand = np.flatnonzero(call)
    callable_ = cand[ok[cand]]
    cum = np.cumsum(costs[offer[callable_]])
    k = int(np.searchsorted(cum, budget + 1e-9, side="right"))
    chosen = callable_[:k]
    rows = order[chosen]
    last = chosen[-1] if k else -1
    skipped = int((~ok[cand[cand <= last]]).sum()) if k else 0
    oc = offer[chosen]
    saved = math.fsum(context.true_uplift[rows, oc]) if k else 0.0
    contact = k * CONTACT_COST
    offer_total = math.fsum(OFFER_COST[OFFERS[i]] for i in oc) if k else 0.0
    total = contact + offer_total
    value = saved * float(value_per_saved)
    net = value - total
    return {"ranking": ranking, "budget": budget, "contacts": k, "skipped_compliance": skipped,
            "expected_saved": saved, "contact_cost": contact, "offer_cost": offer_total, "total_cost": total,
            "value_saved": value, "net_value": net, "roi": net / total if total > 0 else float("nan"),
            "contacted": rows}


def budget_curve(context: RetentionContext, budgets, offers_by_reason: Mapping[str, str] | None = None,
                 rankings=RANKINGS, **kwargs) -> pd.DataFrame:
    """:func:`simulate_plan` for each budget (CNY) and ranking: a long table for a chart.

    Columns: ``ranking``, ``budget`` and the numeric results (without ``contacted``).

    >>> t = pd.DataFrame({"customer_id": ["C1", "C2"], "risk_reason": ["price", "life"], "consent": [1, 1],
    ...                   "do_not_call": [0, 0], "contacts_90d": [0, 0]})
    >>> truth = pd.DataFrame({f"uplift_{o}": [0.5, 0.0] for o in OFFERS})
    >>> ctx = RetentionContext(t, t, risk=np.array([0.2, 0.9]), uplift=np.array([0.4, 0.0]), truth=truth)
    >>> budget_curve(ctx, [0, 400], MATCHED_OFFERS)[["ranking", "budget", "contacts", "net_value"]].values.tolist()
    [['risk', 0.0, 0, 0.0], ['risk', 400.0, 1, 2325.0], ['uplift', 0.0, 0, 0.0], ['uplift', 400.0, 1, 2325.0]]
    """
    rows = []
    for r in rankings:
        for b in budgets:
            res = simulate_plan(context, r, b, offers_by_reason, **kwargs)
            res.pop("contacted")
            rows.append(res)
    return pd.DataFrame(rows)


def plans_table(results: Mapping[str, dict]) -> pd.DataFrame:
    """Plans side by side for display: one column per plan (Chinese row labels, formatted text).

    ``results``: display name -> :func:`simulate_plan` result.

    >>> r = {"ranking": "uplift", "budget": 200.0, "contacts": 1, "skipped_compliance": 0, "expected_saved": 0.5,
    ...      "contact_cost": 25.0, "offer_cost": 150.0, "total_cost": 175.0, "value_saved": 2500.0,
    ...      "net_value": 2325.0, "roi": 13.29}
    >>> plans_table({"方案": r})["方案"].tolist()[:4]
    ['按挽留增益 (uplift)', '1', '0', '0.5']
    """
    from .viz.fmt import money

    def fmt(key, v):
        if key == "ranking":
            return RANKING_LABELS_ZH.get(v, str(v))
        if key in ("contacts", "skipped_compliance"):
            return f"{int(v):,}"
        if key == "expected_saved":
            return f"{v:,.1f}"
        if key == "roi":
            return "—" if not math.isfinite(v) else f"{v * 100:.1f}%"
        return money(v)

    keys = [k for k in RESULT_LABELS_ZH if k != "budget"]
    data = {name: [fmt(k, res[k]) for k in keys] for name, res in results.items()}
    return pd.DataFrame(data, index=[RESULT_LABELS_ZH[k] for k in keys])
