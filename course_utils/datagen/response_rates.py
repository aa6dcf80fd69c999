"""Hidden "true" campaign response rates of the synthetic bank (instructor material).

The campaign simulator (:mod:`course_utils.campaign`) draws responses from these
numbers; trainees only see the simulated outcomes and must discover what works by
experimenting and by reading their segment profiles. The rationale of every number
is in docs/INSTRUCTOR_NOTES_L2.md.

Model, for a segment ``s``, product category ``p``, channel ``c``, offer ``o`` and
``t`` touches (contacts per customer in the month)::

    rate = min(BASE_RATE[s][p] * CHANNEL_EFFECT[s][c] * OFFER_EFFECT[o][p] * TOUCH_EFFECT[t - 1],
               MAX_RATE)

``rate`` is the *incremental* response (customers who take the product because of
the campaign; a real bank measures it against a control group). Each responder brings
``REVENUE_PER_RESPONSE[p] * SEGMENT_VALUE[s]`` CNY of first-year margin, minus the
expected credit loss of a credit product (:data:`CREDIT_RISK`: PD x LGD x exposure),
and costs ``OFFER_COST[o]`` CNY (the coupon, the waived fee). Each touch costs
``CHANNEL_COST[c]`` CNY and every segment campaign has a fixed set-up cost
``CHANNEL_SETUP_COST[c]`` (content, scripts, scheduling).

Who may be contacted at all is decided before any rate applies (``course_utils.campaign``):
suitability (:data:`PRODUCT_RISK`), a credit pre-screen for credit products, and the
customer's marketing consent per channel. The consent flags are synthetic
(:func:`consent_flags`, read from the course's one register
:func:`course_utils.domain.consent_register`: documented shares, drawn from a hash of the
customer id) because the dataset has no CRM consent table.

Numbers are loosely inspired by public industry ranges (SMS response well under 1%,
relationship-manager visits an order of magnitude higher) and chosen so that the
lessons of Lecture 2 hold: expensive channels pay only on valuable segments,
dormant segments barely read APP pushes, tiny budgets on tiny segments do not cover
set-up costs, and targeting 一般挽留客户 with calls or visits loses money.
"""
from __future__ import annotations

import numpy as np

from course_utils.domain import CONSENT_SHARES, consent_register, may_contact
from course_utils.domain import SEGMENTS  # noqa: F401  (re-exported: the RFM scheme's eight names)

PRODUCTS = ("理财", "基金", "保险", "贷款", "存款", "信用卡")
CHANNELS = ("APP推送", "短信", "电话外呼", "客户经理面访")
OFFERS = ("无优惠", "积分礼品", "手续费减免", "加息券")

#: Cost per contact, CNY.
CHANNEL_COST = {"APP推送": 0.02, "短信": 0.10, "电话外呼": 6.0, "客户经理面访": 150.0}
#: Fixed cost of running one segment campaign on a channel, CNY.
CHANNEL_SETUP_COST = {"APP推送": 500.0, "短信": 500.0, "电话外呼": 1000.0, "客户经理面访": 2000.0}

#: Incremental response rate of a plain APP push without offer, per segment x product.
BASE_RATE = {
    #               理财    基金    保险    贷款    存款    信用卡
    "重要价值客户": {"理财": 0.040, "基金": 0.030, "保险": 0.015, "贷款": 0.008, "存款": 0.030, "信用卡": 0.010},
    "重要发展客户": {"理财": 0.025, "基金": 0.030, "保险": 0.012, "贷款": 0.010, "存款": 0.020, "信用卡": 0.025},
    "重要保持客户": {"理财": 0.020, "基金": 0.015, "保险": 0.010, "贷款": 0.006, "存款": 0.030, "信用卡": 0.008},
    "重要挽留客户": {"理财": 0.015, "基金": 0.008, "保险": 0.006, "贷款": 0.004, "存款": 0.025, "信用卡": 0.004},
    "一般价值客户": {"理财": 0.012, "基金": 0.020, "保险": 0.008, "贷款": 0.012, "存款": 0.010, "信用卡": 0.025},
    "一般发展客户": {"理财": 0.006, "基金": 0.010, "保险": 0.005, "贷款": 0.008, "存款": 0.008, "信用卡": 0.020},
    "一般保持客户": {"理财": 0.005, "基金": 0.006, "保险": 0.004, "贷款": 0.006, "存款": 0.008, "信用卡": 0.010},
    "一般挽留客户": {"理财": 0.002, "基金": 0.002, "保险": 0.001, "贷款": 0.003, "存款": 0.003, "信用卡": 0.003},
}

#: Multiplier of each channel per segment (reach x persuasion). Dormant segments
#: (低 R) rarely open the APP; valuable ones respond to a personal contact.
CHANNEL_EFFECT = {
    "重要价值客户": {"APP推送": 1.0, "短信": 0.6, "电话外呼": 2.5, "客户经理面访": 6.0},
    "重要发展客户": {"APP推送": 1.0, "短信": 0.6, "电话外呼": 2.5, "客户经理面访": 5.0},
    "重要保持客户": {"APP推送": 0.6, "短信": 0.8, "电话外呼": 3.0, "客户经理面访": 5.0},
    "重要挽留客户": {"APP推送": 0.3, "短信": 0.8, "电话外呼": 3.0, "客户经理面访": 6.0},
    "一般价值客户": {"APP推送": 1.0, "短信": 0.6, "电话外呼": 1.5, "客户经理面访": 2.0},
    "一般发展客户": {"APP推送": 1.0, "短信": 0.7, "电话外呼": 1.2, "客户经理面访": 1.5},
    "一般保持客户": {"APP推送": 0.5, "短信": 0.8, "电话外呼": 1.3, "客户经理面访": 1.5},
    "一般挽留客户": {"APP推送": 0.2, "短信": 0.8, "电话外呼": 1.2, "客户经理面访": 1.5},
}

#: Multiplier of each offer per product category.
OFFER_EFFECT = {
    "无优惠": {p: 1.0 for p in PRODUCTS},
    "积分礼品": {"理财": 1.15, "基金": 1.15, "保险": 1.2, "贷款": 1.1, "存款": 1.2, "信用卡": 1.5},
    "手续费减免": {"理财": 1.1, "基金": 1.6, "保险": 1.0, "贷款": 1.5, "存款": 1.0, "信用卡": 1.3},
    "加息券": {"理财": 1.7, "基金": 1.1, "保险": 1.0, "贷款": 1.0, "存款": 1.8, "信用卡": 1.0},
}
#: Cost of the offer per responder, CNY.
OFFER_COST = {"无优惠": 0.0, "积分礼品": 30.0, "手续费减免": 60.0, "加息券": 120.0}

#: Gross first-year margin per responder for an average customer, CNY (before credit losses).
REVENUE_PER_RESPONSE = {"理财": 600.0, "基金": 500.0, "保险": 800.0, "贷款": 1800.0, "存款": 250.0, "信用卡": 400.0}

#: Credit products: (probability of default in the first year, loss given default, exposure CNY).
#: Their expected credit loss PD x LGD x exposure is charged against each responder's margin.
CREDIT_RISK = {"贷款": (0.02, 0.45, 50_000.0), "信用卡": (0.03, 0.60, 8_000.0)}

#: Product risk level (1 = R1 lowest ... 5 = R5) of the product a campaign promotes; a
#: customer may be offered it only when their risk appetite is at least this level
#: (适当性管理 suitability). Credit products are judged by the credit pre-screen instead.
PRODUCT_RISK = {"存款": 1, "理财": 2, "保险": 2, "基金": 3}

#: Response multiplier of the t-th touch in a month (1, 2, 3, 4 touches per customer):
#: reminders help, with quickly diminishing returns.
TOUCH_EFFECT = (1.0, 1.4, 1.6, 1.7)

#: Share of customers who consented to marketing on each channel (synthetic, from the one
#: register :data:`course_utils.domain.CONSENT_SHARES`). A visit is booked by phone, so
#: 客户经理面访 uses the call consent; APP pushes also need the APP.
CONSENT_RATE = {"短信": CONSENT_SHARES["sms"], "电话外呼": CONSENT_SHARES["call"], "APP推送": CONSENT_SHARES["push"]}
#: Register channel key of each Chinese channel name.
CONSENT_CHANNEL_KEY = {"短信": "sms", "电话外呼": "call", "APP推送": "push", "客户经理面访": "call"}
#: Value multiplier of a responder by segment (money they bring relative to average).
SEGMENT_VALUE = {
    "重要价值客户": 3.0,
    "重要发展客户": 2.5,
    "重要保持客户": 2.5,
    "重要挽留客户": 2.0,
    "一般价值客户": 1.0,
    "一般发展客户": 0.8,
    "一般保持客户": 0.8,
    "一般挽留客户": 0.5,
}

#: No campaign converts more than this share of the contacted customers.
MAX_RATE = 0.6

#: (segment, channel) pairs that count as "wrong targeting" in the exercise check:
#: expensive personal channels on low-value, inactive customers.
WRONG_TARGETS = frozenset(
    {
        ("一般挽留客户", "电话外呼"),
        ("一般挽留客户", "客户经理面访"),
        ("一般保持客户", "客户经理面访"),
        ("一般发展客户", "客户经理面访"),
    }
)


def true_rate(segment: str, product: str, channel: str, offer: str, touches: int = 1) -> float:
    """The hidden incremental response rate (0-1) of one campaign cell.

    ``touches``: contacts per customer in the month (1-4).

    >>> round(true_rate("重要价值客户", "理财", "APP推送", "无优惠"), 3)
    0.04
    >>> round(true_rate("重要价值客户", "理财", "APP推送", "无优惠", touches=2), 3)
    0.056
    """
    t = min(max(int(touches), 1), len(TOUCH_EFFECT))
    r = (BASE_RATE[segment][product] * CHANNEL_EFFECT[segment][channel] * OFFER_EFFECT[offer][product]
         * TOUCH_EFFECT[t - 1])
    return min(r, MAX_RATE)


def margin_per_response(segment: str, product: str) -> float:
    """Gross first-year margin (CNY) of one responder of ``segment`` taking ``product``.

    >>> margin_per_response("重要价值客户", "理财")
    1800.0
    """
    return REVENUE_PER_RESPONSE[product] * SEGMENT_VALUE[segment]


def credit_loss_per_response(product: str) -> float:
    """Expected first-year credit loss (CNY) of one new credit customer: PD x LGD x exposure.

    0 for products that are not credit.

    >>> credit_loss_per_response("贷款"), credit_loss_per_response("理财")
    (450.0, 0.0)
    """
    if product not in CREDIT_RISK:
        return 0.0
    pd_, lgd, exposure = CREDIT_RISK[product]
    return round(pd_ * lgd * exposure, 2)


def value_per_response(segment: str, product: str) -> float:
    """Net first-year value (CNY) of one responder: margin minus expected credit loss.

    >>> value_per_response("重要价值客户", "贷款")
    4950.0
    """
    return margin_per_response(segment, product) - credit_loss_per_response(product)


def consent_flags(customer_ids) -> dict[str, np.ndarray]:
    """Who may be contacted on each channel: ``{channel: bool array}`` (order of ``customer_ids``).

    From the course's one synthetic register (:func:`course_utils.domain.consent_register`,
    :func:`course_utils.domain.may_contact`): consent on the channel (shares
    :data:`CONSENT_RATE`), no earlier opt-out, and for calls not on the do-not-call list;
    客户经理面访 uses the call flags. Deterministic, and independent of the dataset's seed so
    that the same customer keeps the same flags.

    >>> flags = consent_flags(["C000001", "C000002"])
    >>> sorted(flags), flags["短信"].dtype
    (['APP推送', '客户经理面访', '电话外呼', '短信'], dtype('bool'))
    """
    reg = consent_register(customer_ids)
    return {c: may_contact(reg, CONSENT_CHANNEL_KEY[c]) for c in CHANNELS}
