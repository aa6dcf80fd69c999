"""The 留学金融 journey experiment of the synthetic bank (table ``journey_experiment``) and its hidden truth.

Instructor material: trainees see the table, never the truth (docs/INSTRUCTOR_NOTES_L5.md,
"隐藏的真相 · Hidden truth").

The experiment, as a bank would have run it
-------------------------------------------
The trigger of the 招商银行 case: a customer whose single visit of the 留学金融 page lasted
**more than** :data:`MIN_DWELL` seconds (the rule of ``journeys.dwell_trigger``: per page visit,
``>`` not ``>=``) between :data:`EXPERIMENT_START` and :data:`EXPERIMENT_END` enters the
experiment on the day of that first qualifying visit (``trigger_date``). The last trigger day
leaves the :data:`OUTCOME_DAYS`-day outcome window inside the data (which ends 2024-06-30).

Customers without push consent (or who opted out; the course's one synthetic register,
``domain.consent_register``: a SHA-256 hash of the id) are ``group = "excluded"``: never pushed,
never randomised, no survey. Every other customer was randomised with probability
:data:`PUSH_SHARE` to ``"push"`` (the FX discount + overseas-account guide message, sent the same
day) or to ``"holdout"`` (nothing).

Outcomes: ``converted`` = bought foreign exchange or opened the overseas account within
:data:`OUTCOME_DAYS` days of the trigger (``convert_date``, ``product``); ``satisfaction`` =
1-5 answer to a survey sent :data:`OUTCOME_DAYS` days after the trigger (CSAT: 4-5 = satisfied),
empty for customers who did not answer (:data:`RESPONSE_RATE`, the same in both groups).

The hidden truth
----------------
The case reports conversion +28 % and satisfaction +19 %. Here the true effects are smaller:
the push multiplies a customer's conversion probability by ``1 + lift`` with ``lift`` =
:data:`TRUE_CONVERSION_LIFT` on average (larger for the 20-27-year-olds the "XX同学" message
addresses, smaller for parents), and the probability of a satisfied answer by
``1 + TRUE_SATISFIED_LIFT``. The population-level relative lifts of the drawn customers are
returned by :func:`true_effects` (about +15 % and +6 %). At the default 5,000 customers about
50 customers per group are randomised: no test can confirm +28 % (``experiments.sample_size``
asks for several hundred per group). That is the lesson.

Determinism: only ``+ - * /``, comparisons, stable sorts and ``rng.random`` / ``rng.integers``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import domain

#: The page and the dwell limit of the trigger (seconds; strictly more than).
PAGE = "留学金融"
MIN_DWELL = 180
#: First and last trigger day of the experiment (ISO dates, inclusive).
EXPERIMENT_START = "2024-01-01"
EXPERIMENT_END = "2024-06-16"
#: Days after the trigger in which a conversion counts (days 0 .. OUTCOME_DAYS - 1).
OUTCOME_DAYS = 14
#: Share of the eligible customers randomised to the push group.
PUSH_SHARE = 0.5
#: Groups and products (English keys) with their Chinese display names.
GROUPS = ("push", "holdout", "excluded")
GROUP_LABELS_ZH = {"push": "推送组", "holdout": "对照组（不推送）", "excluded": "未纳入（无授权）"}
PRODUCTS = ("fx", "overseas_account")
PRODUCT_LABELS_ZH = {"fx": "购汇", "overseas_account": "境外账户开户"}
#: Push consent and opt-out shares, from the one register (:mod:`course_utils.domain`).
CONSENT_SHARE = domain.CONSENT_SHARES["push"]
OPT_OUT_SHARE = domain.OPT_OUT_SHARE
#: Share of surveyed customers who answer.
RESPONSE_RATE = 0.6

# --------------------------------------------------------------------------- hidden effects
#: Mean conversion probability in 14 days without the push, before the segment multipliers.
BASE_CONVERSION = 0.20
#: Average true relative lift of the push on conversion (the case claims +28 %).
TRUE_CONVERSION_LIFT = 0.17
#: Probability of a satisfied answer (4-5) without the push; +SATISFIED_IF_CONVERTED if converted.
BASE_SATISFIED = 0.56
SATISFIED_IF_CONVERTED = 0.10
#: True relative lift of the push on the probability of a satisfied answer (the case claims +19 %).
TRUE_SATISFIED_LIFT = 0.06
#: Share of conversions that are FX purchases (the rest: overseas accounts).
FX_SHARE = 0.6

_DAY0 = np.datetime64("1970-01-01", "D")


def consent_flags(customer_ids) -> np.ndarray:
    """1 = push consent and no earlier opt-out (the course's one synthetic register,
    :func:`course_utils.domain.consent_register`), else 0.

    >>> consent_flags(["C000001", "C000004"]).tolist() == domain.may_contact(
    ...     domain.consent_register(["C000001", "C000004"]), "push").astype(int).tolist()
    True
    """
    return domain.may_contact(domain.consent_register(customer_ids), "push").astype(np.int64)


def study_triggers(web_visits: pd.DataFrame) -> pd.DataFrame:
    """First qualifying 留学金融 visit per customer (CSV-shaped ``web_visits``: dates as ISO text).

    Returns ``customer_id``, ``trigger_date`` (ISO text), ``dwell_seconds`` sorted by id.

    >>> wv = pd.DataFrame({"customer_id": ["C1", "C1", "C2", "C3"],
    ...                    "visit_date": ["2024-02-01", "2024-01-05", "2024-03-01", "2024-03-02"],
    ...                    "page": ["留学金融"] * 4, "dwell_seconds": [300, 200, 180, 181]})
    >>> study_triggers(wv).values.tolist()
    [['C1', '2024-01-05', 200], ['C3', '2024-03-02', 181]]
    """
    page = np.asarray(web_visits["page"].astype(str), dtype=object)
    day = np.asarray(web_visits["visit_date"].astype(str), dtype=object)
    dwell = web_visits["dwell_seconds"].to_numpy(dtype=np.int64)
    keep = (page == PAGE) & (dwell > MIN_DWELL) & (day >= EXPERIMENT_START) & (day <= EXPERIMENT_END)
    hits = pd.DataFrame({"customer_id": np.asarray(web_visits["customer_id"].astype(str), dtype=object)[keep],
                         "trigger_date": day[keep], "dwell_seconds": dwell[keep]})
    hits = hits.sort_values(["customer_id", "trigger_date"], kind="stable")
    return hits.drop_duplicates("customer_id", keep="first").reset_index(drop=True)


def _segment_factors(age: np.ndarray, income: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(conversion multiplier, lift multiplier) per customer: students vs parents vs others."""
    student = (age >= 20) & (age <= 27)
    parent = (age >= 40) & (age <= 55)
    rich = np.nan_to_num(income, nan=0.0) >= 20_000
    conv = np.where(parent, 1.25, np.where(student, 0.95, 0.6)) * np.where(rich, 1.2, 1.0)
    lift = np.where(student, 1.6, np.where(parent, 0.75, 0.8))
    return conv, lift


def make_experiment(customers: pd.DataFrame, triggers: pd.DataFrame,
                    rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``journey_experiment`` table and its hidden truth (same row order).

    ``customers``: the public customers table (``customer_id``, ``age``, ``monthly_income``);
    ``triggers``: :func:`study_triggers` of the whole ``web_visits`` table.
    Truth columns: ``customer_id``, ``p_convert_holdout``, ``p_convert_push``,
    ``p_satisfied_holdout``, ``p_satisfied_push`` (the last two for a non-converter / converter
    as drawn: the satisfaction probability given the drawn conversion).
    """
    t = triggers.reset_index(drop=True)
    n = len(t)
    ids = t["customer_id"].to_numpy(dtype=object)
    feats = customers.set_index(customers["customer_id"].astype(str))
    age = pd.to_numeric(feats["age"], errors="coerce").reindex(ids).to_numpy(dtype=float)
    income = pd.to_numeric(feats["monthly_income"], errors="coerce").reindex(ids).to_numpy(dtype=float)
    conv_mult, lift_mult = _segment_factors(age, income)
    # draws in a fixed order (one array each)
    u_group, u_conv, conv_day = rng.random(n), rng.random(n), rng.integers(0, OUTCOME_DAYS, n)
    u_prod, u_resp, u_sat, u_score = rng.random(n), rng.random(n), rng.random(n), rng.random(n)

    consent = consent_flags(ids)
    group = np.where(consent == 0, "excluded", np.where(u_group < PUSH_SHARE, "push", "holdout")).astype(object)
    pushed = group == "push"
    p0 = np.minimum(BASE_CONVERSION * conv_mult, 0.6)
    p1 = np.minimum(p0 * (1.0 + TRUE_CONVERSION_LIFT * lift_mult), 0.8)
    converted = (u_conv < np.where(pushed, p1, p0)).astype(np.int64)
    trig = t["trigger_date"].to_numpy(dtype="datetime64[D]")
    conv_date = np.where(converted == 1, np.datetime_as_string(trig + conv_day, unit="D"), "").astype(object)
    product = np.where(converted == 1, np.where(u_prod < FX_SHARE, "fx", "overseas_account"), "").astype(object)

    s0 = BASE_SATISFIED + SATISFIED_IF_CONVERTED * converted
    s1 = s0 * (1.0 + TRUE_SATISFIED_LIFT)
    satisfied = u_sat < np.where(pushed, s1, s0)
    # satisfied -> 4 or 5 (40 % fives); else 1, 2 or 3 (15 / 30 / 55 %)
    score = np.where(satisfied, np.where(u_score < 0.4, 5, 4),
                     np.where(u_score < 0.15, 1, np.where(u_score < 0.45, 2, 3))).astype(float)
    answered = (group != "excluded") & (u_resp < RESPONSE_RATE)
    score[~answered] = np.nan

    table = pd.DataFrame({
        "customer_id": ids, "trigger_date": t["trigger_date"].to_numpy(dtype=object),
        "dwell_seconds": t["dwell_seconds"].to_numpy(dtype=np.int64), "consent": consent, "group": group,
        "push_date": np.where(pushed, t["trigger_date"].to_numpy(dtype=object), "").astype(object),
        "converted": converted, "convert_date": conv_date, "product": product, "satisfaction": score})
    truth = pd.DataFrame({"customer_id": ids, "p_convert_holdout": p0, "p_convert_push": p1,
                          "p_satisfied_holdout": s0, "p_satisfied_push": s1})
    return table, truth


def true_effects(table: pd.DataFrame, truth: pd.DataFrame) -> dict:
    """True relative lifts among the randomised customers (push vs holdout), as fractions.

    ``conversion``: mean P(convert | push) / mean P(convert | holdout) - 1;
    ``satisfied``: the same for a satisfied answer, averaging over the conversion it causes.
    """
    eligible = (table["group"] != "excluded").to_numpy()
    p0 = truth["p_convert_holdout"].to_numpy()[eligible]
    p1 = truth["p_convert_push"].to_numpy()[eligible]
    s_no = BASE_SATISFIED * np.ones_like(p0)
    s_yes = s_no + SATISFIED_IF_CONVERTED
    sat0 = (p0 * s_yes + (1 - p0) * s_no).mean()
    sat1 = ((p1 * s_yes + (1 - p1) * s_no) * (1.0 + TRUE_SATISFIED_LIFT)).mean()
    return {"n_randomised": int(eligible.sum()),
            "conversion_holdout": float(p0.mean()), "conversion_push": float(p1.mean()),
            "conversion": float(p1.mean() / p0.mean() - 1.0),
            "satisfied_holdout": float(sat0), "satisfied_push": float(sat1),
            "satisfied": float(sat1 / sat0 - 1.0)}


def experiment_truth(seed: int, n_customers: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Regenerate the bank ``(n_customers, seed)`` and return (journey_experiment, truth) (instructors)."""
    from .bank import _streams, generate_bank

    bank = generate_bank(n_customers, seed)
    return make_experiment(bank["customers"], study_triggers(bank["web_visits"]),
                           np.random.default_rng(_streams(seed)["journey"]))
