"""The past retention campaign of the synthetic bank (table ``retention_campaign``) and its hidden truth.

Instructor material: trainees see the table, never the truth. The rationale of every
number is in docs/INSTRUCTOR_NOTES_L3.md ("隐藏的真相 · Hidden truth").

The campaign
------------
On :data:`CAMPAIGN_DATE` (2024-01-01) the bank took every customer on the books when
that day began (the population of ``churn.build_churn_table(bank, "2024-01-01")``).
Customers it may not call -- no marketing consent, on the do-not-call list, or already
contacted :data:`CONTACT_CAP` times in the last 90 days -- are ``group = "excluded"``.
Every other customer was randomised: with probability :data:`TREATMENT_SHARE` to
``"treatment"`` (contacted in the first two weeks of January, one of the three offers
drawn at random with equal chances), else to ``"control"`` (not contacted). The outcome
``churned_6m`` is 1 when the customer's ``customers.churn_date`` falls in
``[2024-01-01, 2024-07-01)`` -- the same label as the churn table at that cut-off.

Columns: ``customer_id``, ``risk_reason`` (the reason key the early-warning team recorded
before the campaign, :data:`REASONS`), ``consent`` (0/1: call consent and no opt-out) and
``do_not_call`` (0/1), both from the course's one consent register
(:func:`course_utils.domain.consent_register`),
``contacts_90d`` (marketing contacts in the 90 days before), ``group``, ``offer``
(:data:`OFFERS`, '' unless treated), ``contact_date`` ('' unless treated), ``contact_cost``
and ``offer_cost`` (CNY, 0 unless treated), ``churned_6m`` (0/1).

Why the outcome agrees with the customers table
-----------------------------------------------
The customers' churn dates are drawn first (they carry Lecture 1's calibrated yearly
churn rates) and must not change. The campaign is then drawn *given* them: for each
customer the generator computes ``q``, the probability that they churn in the outcome
window given everything the generator knows at the campaign date (the hidden churn
propensity, tenure, whether their decline or dormancy had begun; see :func:`churn_probability`),
and a prior over hidden types (below) with ``P(churn | X) = q``. Group, offer and type
are then drawn from their joint distribution *conditional on the observed outcome*
(Bayes' rule). The result is distributed as a randomised experiment with these
effects would be -- the assignment is independent of the features and of the types --
and every outcome equals what ``customers.churn_date`` says.

The hidden types (potential outcomes: churn if not contacted / if contacted with offer o)
-----------------------------------------------------------------------------------------
- ``persuadable`` (可说服): churns if left alone, stays when contacted with any offer;
- ``persuadable_match`` (对症才可说服): churns if left alone, stays only with the offer that
  matches their true churn reason (:data:`MATCHING_OFFER`: pricing <-> price, care <->
  service, upgrade <-> product);
- ``lost_cause`` (必然流失): churns either way -- every customer whose behavioural decline
  had already begun, most life-event leavers (moving away, a new job);
- ``sleeping_dog`` (勿扰客户): stays if left alone, churns *because* of the call -- mostly
  very satisfied, affluent customers who dislike sales calls;
- ``sure_thing`` (稳定客户): stays either way.

The probabilities depend on observable features (satisfaction, tenure, number of
accounts, income, the reason) times ``q``, plus noise; the true effect of contacting a
customer with offer ``o`` is ``uplift(o) = P(persuadable) + P(persuadable_match) * [o matches]
- P(sleeping_dog)`` (reduction in churn probability), returned by :func:`make_campaign` as
``uplift_pricing`` / ``uplift_care`` / ``uplift_upgrade``.

Determinism: only ``+ - * /``, comparisons, stable sorts and :mod:`.detmath`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..domain import CONSENT_SHARES, consent_register, round_half_up
from ..domain import DO_NOT_CALL_SHARE as domain_DO_NOT_CALL_SHARE
from . import customers as cust
from . import detmath as dm

# --------------------------------------------------------------------------- campaign design
#: First day of the campaign and of its outcome window.
CAMPAIGN_DATE = "2024-01-01"
#: Length of the outcome window (months): churn in [2024-01-01, 2024-07-01).
OUTCOME_MONTHS = 6
#: Share of the eligible customers randomised to the treatment group.
TREATMENT_SHARE = 0.5
#: Marketing contacts allowed in 90 days (a customer at the cap is not called).
CONTACT_CAP = 3
#: Days over which the treatment group was called (from the campaign date).
CALL_DAYS = 14
#: Groups of the table.
GROUPS = ("treatment", "control", "excluded")

#: Offer keys (English) and their Chinese display names.
OFFERS = ("pricing", "care", "upgrade")
OFFER_LABELS_ZH = {"pricing": "个性化优惠", "care": "情感关怀", "upgrade": "产品升级"}
#: Reason keys (English) and their Chinese display names.
REASONS = ("price", "service", "product", "life", "other")
REASON_LABELS_ZH = {"price": "价格/费率", "service": "服务体验", "product": "产品/收益",
                    "life": "搬迁/工作变动", "other": "其他"}
#: customers.churn_reason -> reason key.
REASON_OF_CHURN = {"服务体验差": "service", "手续费高": "price", "收益率低": "product",
                   "竞争对手优惠": "price", "搬迁/工作变动": "life", "其他": "other"}
#: The offer that answers a reason (life events and "other" have none).
MATCHING_OFFER = {"price": "pricing", "service": "care", "product": "upgrade"}

#: Cost of one contact (a relationship manager's call, incl. time), CNY.
CONTACT_COST = 25.0
#: Cost of the offer per contacted customer (granted during the call), CNY.
OFFER_COST = {"pricing": 150.0, "care": 40.0, "upgrade": 100.0}

#: Share with call consent and share on the do-not-call list: the course's one register
#: (:func:`course_utils.domain.consent_register`); mean contacts in 90 days.
CONSENT_SHARE = CONSENT_SHARES["call"]
DO_NOT_CALL_SHARE = domain_DO_NOT_CALL_SHARE
MEAN_CONTACTS_90D = 0.8
#: Share of customers whose recorded reason is right (else a random reason key).
REASON_ACCURACY = 0.8

# --------------------------------------------------------------------------- hidden effects
#: Type shares as a fraction of the churn probability q, by true reason:
#: (persuadable by any offer, persuadable only by the matching offer).
PERSUADABLE_SHARE = {"price": (0.80, 0.70), "service": (0.80, 0.70), "product": (0.80, 0.70),
                     "life": (0.05, 0.0), "other": (0.25, 0.0)}
#: Sleeping-dog probability (absolute) for very satisfied (>= 85) affluent / other customers.
SLEEPING_DOG = {"happy_affluent": 0.05, "happy": 0.015, "other": 0.002}

# mirrors customers.make_customers: reason probabilities for unhappy (< 70) / other customers
_REASON_P_UNHAPPY = np.array([0.36, 0.2, 0.14, 0.14, 0.1, 0.06])
_REASON_P_HAPPY = np.array([0.08, 0.12, 0.26, 0.26, 0.2, 0.08])
# mirrors customers.make_customers: decline / dip / dormancy mechanics
_DECLINE_P = (0.8, 0.3)          # (not rich, rich): churners whose activity fades first
_DIP_P = (0.05, 0.6)             # (not rich, rich): non-decliners with a temporary dip
_DECLINE_LEAD = (45, 300)        # decline starts churn_day - integers(45, 300)
_DORMANT_P = 0.075
_CHURN_2024 = cust.CHURN_2024H1

_TYPES = ("persuadable", "persuadable_match", "lost_cause", "sleeping_dog", "sure_thing")


def _day(iso: str) -> int:
    return int(np.datetime64(iso, "D").astype(np.int64))


def _inclusion(w: np.ndarray, k: int) -> np.ndarray:
    """Probability of each item to be among ``k`` drawn without replacement, P ~ ``w``.

    Rosén's approximation of successive (Gumbel top-k) sampling: ``1 - exp(-lam * w)``
    with ``lam`` such that the probabilities sum to ``k`` (bisection, detmath).

    >>> p = _inclusion(np.array([1.0, 1.0, 2.0, 4.0]), 2)
    >>> round(float(p.sum()), 6), bool(p[3] > p[2] > p[0])
    (2.0, True)
    """
    n = w.shape[0]
    if k <= 0:
        return np.zeros(n)
    if k >= n:
        return np.ones(n)
    w = w / w.max()
    lo, hi = 0.0, 1.0
    while float((1.0 - dm.exp(-hi * w)).sum()) < k:
        hi *= 2.0
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        if float((1.0 - dm.exp(-mid * w)).sum()) < k:
            lo = mid
        else:
            hi = mid
    return 1.0 - dm.exp(-0.5 * (lo + hi) * w)


def _z_income(full: pd.DataFrame) -> np.ndarray:
    log_inc = dm.log(full["_income"].to_numpy(dtype=float))
    return (log_inc - log_inc.mean()) / log_inc.std()


def churn_probability(full: pd.DataFrame, on_books: np.ndarray) -> np.ndarray:
    """``q``: probability that each customer on the books churns in the outcome window,
    given the generator's hidden state at the campaign date (fraction, 0..1).

    ``full`` is :func:`customers.make_customers`' frame (hidden columns included);
    ``on_books`` the mask of the campaign population. The 2024 churners were drawn by a
    weighted pick (customers.make_customers); the inclusion probability of that pick is
    updated with what had become visible by the campaign date: a decline already begun
    (only churners decline: q = 1), dormancy (dormant customers never churn: q = 0),
    a temporary dip (dips happen only to customers who do not decline).
    """
    d = _day(CAMPAIGN_DATE)
    idx = np.flatnonzero(on_books)
    sat = full["satisfaction"].to_numpy(dtype=float)[idx]
    open_d = full["_open"].to_numpy()[idx]
    r = full["_risk"].to_numpy(dtype=float)[idx]
    logit = dm.log(r / (1.0 - r)) + 1.5
    ten = (d - open_d) / 365.0
    lw = logit - 0.2 * dm.log1p(ten) + 1.4 * ((sat < 72) & (ten < 1.5))
    w = dm.exp(lw - lw.max())
    k = round_half_up(_CHURN_2024 * idx.shape[0])
    q0 = _inclusion(w, k)

    rich = _z_income(full)[idx] > 0.6
    p_dec = np.where(rich, _DECLINE_P[1], _DECLINE_P[0])
    p_dip = np.where(rich, _DIP_P[1], _DIP_P[0])
    end = cust.END
    # P(decline began before the campaign | declining 2024 churner): churn day uniform on
    # d+1 .. end (integers(1, ndays)), lead uniform on 45 .. 299
    c = np.arange(1, end - d + 1, dtype=float)
    lead = np.arange(_DECLINE_LEAD[0], _DECLINE_LEAD[1], dtype=float)
    v = float((c[:, None] - lead[None, :] < 0).mean())
    v_i = np.where(open_d + 15 < d, v, 0.0)
    s = (d - (cust.START - 120)) / (end - (cust.START - 120))   # P(dip started before the campaign)
    p_dorm = np.where(open_d < cust.EPOCH_DAY[2023] + 180, _DORMANT_P, 0.0)

    dec_vis = full["_decline"].to_numpy()[idx] < d
    dormant = full["_dormant"].to_numpy()[idx] < cust.NEVER
    dip_vis = full["_dip"].to_numpy()[idx] < d
    like1 = np.where(dip_vis, (1 - p_dec) * p_dip * s, p_dec * (1 - v_i) + (1 - p_dec) * (1 - p_dip * s))
    like0 = np.where(dip_vis, p_dip * s, 1 - p_dip * s) * (1 - p_dorm)
    q = q0 * like1 / (q0 * like1 + (1 - q0) * like0)
    q = np.where(dec_vis, 1.0, np.where(dormant, 0.0, q))
    out = np.zeros(len(full))
    out[idx] = q
    return out


def _true_reasons(full: pd.DataFrame, idx: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """True reason key per customer: the churn reason of churners, drawn for the others
    from the generator's reason distribution given satisfaction."""
    reasons = np.array(list(REASON_OF_CHURN.values()), dtype=object)
    sat = full["satisfaction"].to_numpy()[idx]
    p = np.where((sat < 70)[:, None], _REASON_P_UNHAPPY[None, :], _REASON_P_HAPPY[None, :])
    u = rng.random(idx.shape[0])
    drawn = reasons[(np.cumsum(p, axis=1) > u[:, None]).argmax(axis=1)]
    actual = full["churn_reason"].to_numpy(dtype=object)[idx]
    known = np.array([REASON_OF_CHURN.get(str(a), "") for a in actual], dtype=object)
    return np.where(known != "", known, drawn)


def type_probabilities(full: pd.DataFrame, idx: np.ndarray, q: np.ndarray, reason: np.ndarray,
                       noise: np.ndarray) -> dict[str, np.ndarray]:
    """Prior probability of each hidden type for customers ``idx`` (dict type -> array).

    ``q``: churn probability (on ``idx``), ``reason``: true reason keys, ``noise``: a
    multiplier per customer (0.7..1.3). Persuadable shares scale with ``q`` and depend on
    satisfaction, tenure and accounts; sleeping dogs on satisfaction and income; the lost
    causes take the rest of ``q`` so that ``P(churn) = q`` in the randomised design.
    """
    p = TREATMENT_SHARE
    d = _day(CAMPAIGN_DATE)
    sat = full["satisfaction"].to_numpy(dtype=float)[idx]
    ten = (d - full["_open"].to_numpy()[idx]) / 365.0
    n_acc = full["_n_acc"].to_numpy()[idx]
    z_inc = _z_income(full)[idx]
    share_any = np.array([PERSUADABLE_SHARE[r][0] for r in reason])
    share_match = np.array([PERSUADABLE_SHARE[r][1] for r in reason])
    # the very likely leavers are mostly lost causes; persuadables sit in the middle of the risk
    f = (np.clip((0.45 - q) / 0.3, 0.1, 1.0)
         * np.where(sat < 50, 0.25, np.where(sat < 70, 0.9, 1.2))
         * np.where(n_acc >= 2, 1.3, 0.5)
         * np.where(ten >= 2, 1.1, np.where(ten < 1, 0.6, 0.9)) * noise)
    a, b = share_any * f, share_match * f
    # keep room for the lost causes: (1-p) a + (1-p/3) b <= 0.95
    load = (1 - p) * a + (1 - p / 3) * b
    scale = np.where(load > 0.95, 0.95 / np.where(load > 0, load, 1.0), 1.0)
    a, b = a * scale, b * scale
    certain = (q >= 1.0) | (q <= 0.0)                 # decline begun / dormant: no effect
    pi_any = np.where(certain, 0.0, a * q)
    pi_match = np.where(certain, 0.0, b * q)
    happy = sat >= 85
    dog = np.where(happy & (z_inc > 0.3), SLEEPING_DOG["happy_affluent"],
                   np.where(happy, SLEEPING_DOG["happy"], SLEEPING_DOG["other"])) * noise
    room = (q - (1 - p) * pi_any - (1 - p / 3) * pi_match) / p
    pi_dog = np.where(certain, 0.0, np.minimum(dog, 0.8 * room))
    # and for the stayers: P(churn if not contacted) = q + p (pi_any + pi_match / 3 - pi_dog) <= 1
    extra = p * pi_any + p / 3 * pi_match + (1 - p) * pi_dog
    shrink = np.where(extra > 1 - q, (1 - q) / np.where(extra > 0, extra, 1.0), 1.0)
    pi_any, pi_match, pi_dog = pi_any * shrink, pi_match * shrink, pi_dog * shrink
    pi_lost = q - (1 - p) * pi_any - (1 - p / 3) * pi_match - p * pi_dog
    pi_lost = np.where(q >= 1.0, 1.0, np.maximum(pi_lost, 0.0))
    pi_sure = np.maximum(1.0 - pi_any - pi_match - pi_lost - pi_dog, 0.0)
    return {"persuadable": pi_any, "persuadable_match": pi_match, "lost_cause": pi_lost,
            "sleeping_dog": pi_dog, "sure_thing": pi_sure}


def _draw_design(y: np.ndarray, probs: dict, has_match: np.ndarray, match_i: np.ndarray,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw (arm, type) given the observed outcome ``y``; arm 0 = control, 1..3 = offer."""
    p = TREATMENT_SHARE
    n = y.shape[0]
    arms = [(0, 1 - p)] + [(o + 1, p / 3) for o in range(3)]
    cells, weights = [], []
    for arm, pa in arms:
        for t, name in enumerate(_TYPES):
            if arm == 0:
                churn = np.full(n, name in ("persuadable", "persuadable_match", "lost_cause"))
            elif name == "persuadable_match":
                churn = ~(has_match & (match_i == arm - 1))
            else:
                churn = np.full(n, name in ("lost_cause", "sleeping_dog"))
            ok = churn == (y == 1)
            cells.append((arm, t))
            weights.append(np.where(ok, pa * probs[name], 0.0))
    wmat = np.column_stack(weights)
    total = wmat.sum(axis=1)
    # safety net (cannot happen by construction): no consistent cell -> plain randomisation
    fallback = total <= 0
    if fallback.any():
        for j, (arm, t) in enumerate(cells):
            want = np.where(y[fallback] == 1, _TYPES[t] == "lost_cause", _TYPES[t] == "sure_thing")
            wmat[fallback, j] = want * dict(arms)[arm]
        total = wmat.sum(axis=1)
    cum = np.cumsum(wmat, axis=1) / total[:, None]
    u = rng.random(n)
    pick = np.minimum((cum <= u[:, None]).sum(axis=1), len(cells) - 1)
    arm = np.array([c[0] for c in cells])[pick]
    typ = np.array(_TYPES, dtype=object)[np.array([c[1] for c in cells])[pick]]
    return arm, typ, pick


def make_campaign(full: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``retention_campaign`` table (CSV-shaped) and its hidden truth, for ``full``.

    ``full``: :func:`customers.make_customers`' frame with hidden columns; ``rng``: the
    generator's ``retention`` stream. Returns ``(table, truth)``; ``truth`` has one row per
    table row: ``customer_id``, ``churn_prob`` (q), ``true_reason``, the five type
    probabilities (``p_persuadable`` ...), ``type`` (the drawn type; '' when excluded) and
    ``uplift_pricing`` / ``uplift_care`` / ``uplift_upgrade`` (true reduction in churn
    probability when contacted with that offer; fractions).

    >>> from course_utils.datagen import customers as cust
    >>> full = cust.make_customers(400, np.random.default_rng(1))
    >>> table, truth = make_campaign(full, np.random.default_rng(2))
    >>> sorted(set(table["group"])) == sorted(GROUPS), len(table) == len(truth)
    (True, True)
    """
    d = _day(CAMPAIGN_DATE)
    open_d, churn_d = full["_open"].to_numpy(), full["_churn"].to_numpy()
    on_books = cust.on_books_days(open_d, churn_d, d - 1)
    idx = np.flatnonzero(on_books)
    n = idx.shape[0]
    end = _day("2024-07-01")
    y = ((churn_d[idx] >= d) & (churn_d[idx] < end)).astype(np.int64)

    # observable: compliance flags, the recorded reason
    # consent = call consent not withdrawn by an opt-out; do-not-call list: both from the one
    # register (a hash of the id, not the seed). The two draws below are kept, unused, so that
    # the later draws of the campaign (reasons, design) stay as they were before the register.
    reg = consent_register(full["customer_id"].to_numpy(dtype=object)[idx])
    consent = (reg["consent_call"].to_numpy(dtype=bool) & ~reg["opted_out"].to_numpy(dtype=bool)).astype(np.int64)
    dnc = reg["do_not_call"].to_numpy(dtype=bool).astype(np.int64)
    rng.random(n), rng.random(n)
    contacts = np.minimum(rng.poisson(MEAN_CONTACTS_90D, n), 6).astype(np.int64)
    eligible = (consent == 1) & (dnc == 0) & (contacts < CONTACT_CAP)
    true_reason = _true_reasons(full, idx, rng)
    right = rng.random(n) < REASON_ACCURACY
    other = np.array(REASONS, dtype=object)[rng.integers(0, len(REASONS), n)]
    recorded = np.where(right, true_reason, other)

    # hidden: churn probability, type probabilities, true effects
    q = churn_probability(full, on_books)[idx]
    noise = dm.uniform(rng, 0.7, 1.3, n)
    probs = type_probabilities(full, idx, q, true_reason, noise)
    match_key = np.array([MATCHING_OFFER.get(r, "") for r in true_reason], dtype=object)
    has_match = match_key != ""
    match_i = np.array([OFFERS.index(m) if m else -1 for m in match_key])
    uplift = {o: probs["persuadable"] + probs["persuadable_match"] * (match_key == o) - probs["sleeping_dog"]
              for o in OFFERS}

    # the randomised design, drawn given the outcome (see the module docstring)
    arm, typ, _ = _draw_design(y, probs, has_match, match_i, rng)
    day_u = rng.integers(0, CALL_DAYS, n)
    group = np.where(~eligible, "excluded", np.where(arm > 0, "treatment", "control")).astype(object)
    treated = group == "treatment"
    offer = np.where(treated, np.array(("",) + OFFERS, dtype=object)[arm], "").astype(object)
    contact_day = np.minimum(d + day_u, churn_d[idx] - 1)
    contact_date = np.where(treated, cust.days_to_str(contact_day), "").astype(object)
    offer_cost = np.array([OFFER_COST.get(o, 0.0) for o in offer])
    table = pd.DataFrame({
        "customer_id": full["customer_id"].to_numpy(dtype=object)[idx],
        "risk_reason": recorded,
        "consent": consent,
        "do_not_call": dnc,
        "contacts_90d": contacts,
        "group": group,
        "offer": offer,
        "contact_date": contact_date,
        "contact_cost": np.where(treated, CONTACT_COST, 0.0),
        "offer_cost": np.where(treated, offer_cost, 0.0),
        "churned_6m": y,
    })
    truth = pd.DataFrame({
        "customer_id": table["customer_id"].to_numpy(),
        "churn_prob": q,
        "true_reason": true_reason,
        **{f"p_{t}": probs[t] for t in _TYPES},
        "type": np.where(eligible, typ, "").astype(object),
        **{f"uplift_{o}": uplift[o] for o in OFFERS},
    })
    return table, truth


def retention_stream(seed: int) -> np.random.SeedSequence:
    """The campaign's random stream for ``seed`` (the generator's ``retention`` stream)."""
    from .bank import _streams
    return _streams(seed)["retention"]


def campaign_for(seed: int, n_customers: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(table, truth)`` of the campaign of the bank ``(n_customers, seed)``, regenerated.

    Only the customers table is regenerated (about 0.1 s at 5,000 customers): the
    generator is deterministic, so this is the truth behind the committed files.

    >>> table, truth = campaign_for(7, 300)
    >>> list(table.columns)[:3], bool((truth["customer_id"] == table["customer_id"]).all())
    (['customer_id', 'risk_reason', 'consent'], True)
    """
    from .bank import _streams
    full = cust.make_customers(int(n_customers), np.random.default_rng(_streams(int(seed))["customers"]))
    return make_campaign(full, np.random.default_rng(retention_stream(int(seed))))
