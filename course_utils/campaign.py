"""Segment campaign simulator for Lecture 2 (精准营销 precision marketing).

Building plans that spend a given total, the exercise's targets and reference plan, and
control-group sizes are in :mod:`course_utils.campaign_plans` (re-exported here).

A plan maps each RFM segment to a campaign: product category, channel, offer, touches
(contacts per customer in the month) and budget (CNY). The money adds up:

- **budget = every cost the campaign causes**: the channel's set-up cost, every touch,
  and every coupon / waived fee paid to a responder. The simulator contacts eligible
  customers one by one (seeded order) and stops before the next contact could push the
  spend over the budget, so a segment's ``cost`` never exceeds its ``budget``;
- ``revenue`` = responders x first-year margin, minus the expected credit loss of a
  credit product (PD x LGD x exposure); ``profit = revenue - cost``;
- **ROI (投资回报率) = profit / cost** (1.0 = 100 %: every yuan spent comes back and earns one more).

Before any rate applies, the audience is filtered (:class:`Audience`):

- suitability (适当性管理): a wealth / insurance product only to customers whose risk
  appetite is at least the product's risk level (:data:`PRODUCT_RISK`);
- credit pre-screen for loans and credit cards (:func:`credit_eligible`: no dormant
  customer, age 22-60, recorded income >= 5,000 CNY a month);
- marketing consent per channel (synthetic flags, see
  :func:`course_utils.datagen.response_rates.consent_flags`).

Compliance rules a plan must keep (:func:`compliance_problems`): at most
:data:`CONTACT_CAP_PER_MONTH` touches per customer and channel, and an opt-out line in the
message (:data:`OPT_OUT_WORDS`).

Responses are drawn from seeded noise around hidden true *incremental* rates
(:mod:`course_utils.datagen.response_rates`): the same plan and seed always give the
same result. Measuring an incremental rate for real needs a control group
(:func:`holdout_plan`).

Example::

    aud = audience(segments.rfm_scores(features.customer_view(bank, "2024-04-01")))
    simulate_campaign({"重要价值客户": ("理财", "电话外呼", "加息券", 60_000)}, aud, seed=1)
"""
from __future__ import annotations

import math
import zlib
from typing import Any, Mapping

import numpy as np
import pandas as pd

from course_utils import domain
from course_utils.datagen import response_rates as rr

__all__ = [
    "PRODUCTS", "CHANNELS", "OFFERS", "CHANNEL_COST", "CHANNEL_SETUP_COST", "OFFER_COST",
    "PRODUCT_RISK", "CREDIT_PRODUCTS", "CREDIT_MIN_INCOME", "CREDIT_AGE", "CREDIT_RULE_ZH",
    "CONTACT_CAP_PER_MONTH", "MAX_TOUCHES", "OPT_OUT_WORDS",
    "PlanError", "normalise_plan", "Audience", "audience", "as_audience", "credit_eligible", "risk_level",
    "exclusions", "simulate_cell", "simulate_campaign", "compliance_problems", "plan_problems",
    "evaluate_plan", "has_opt_out", "COLUMNS_ZH", "TOTAL", "TOTAL_ZH", "to_chinese",
    "assumptions", "compare_plans", "holdout_plan", "render_campaign", "segment_description",
    "segment_sizes", "reference_profit", "campaign_targets", "suggested_plan", "full_budget", "allocate", "spread",
]

PRODUCTS: tuple[str, ...] = rr.PRODUCTS
CHANNELS: tuple[str, ...] = rr.CHANNELS
OFFERS: tuple[str, ...] = rr.OFFERS
SEGMENTS: tuple[str, ...] = rr.SEGMENTS
#: Public price list (trainees may see costs; the response rates stay hidden).
CHANNEL_COST = dict(rr.CHANNEL_COST)
CHANNEL_SETUP_COST = dict(rr.CHANNEL_SETUP_COST)
OFFER_COST = dict(rr.OFFER_COST)

#: Risk level (1 = R1 ... 5 = R5) of the product each campaign promotes (suitability).
PRODUCT_RISK: dict[str, int] = dict(rr.PRODUCT_RISK)
#: Products that lend money: offered only after the credit pre-screen.
CREDIT_PRODUCTS: tuple[str, ...] = tuple(rr.CREDIT_RISK)
#: Credit pre-screen (a teaching rule, not a credit model): recorded monthly income (CNY) ...
CREDIT_MIN_INCOME: float = 5_000.0
#: ... and age (years, inclusive).
CREDIT_AGE: tuple[int, int] = (22, 60)
CREDIT_RULE_ZH = (f"近 {domain.DORMANT_AFTER_DAYS} 天内有交易（不是沉睡客户）、年龄 {CREDIT_AGE[0]}–{CREDIT_AGE[1]} 岁、"
                  f"登记的月收入不低于 {CREDIT_MIN_INCOME:,.0f} 元")

#: The bank's contact-frequency caps: touches per customer per month, per channel.
CONTACT_CAP_PER_MONTH: dict[str, int] = {"APP推送": 4, "短信": 2, "电话外呼": 1, "客户经理面访": 1}
#: Touches a plan may ask for (the simulator's range; the caps above are stricter).
MAX_TOUCHES: int = len(rr.TOUCH_EFFECT)
#: A message carries an opt-out line when it contains one of these words.
OPT_OUT_WORDS: tuple[str, ...] = ("退订", "拒收", "不再接收", "不希望再")

#: Key of the total row of :func:`simulate_campaign` (English key; :data:`TOTAL_ZH` for display).
TOTAL = "total"
TOTAL_ZH = "合计"

#: Chinese column names for display.
COLUMNS_ZH = {
    "product": "产品",
    "channel": "渠道",
    "offer": "优惠",
    "touches": "每月触达次数",
    "budget": "预算上限(元)",
    "size": "客群人数",
    "excluded_rule": "不适当/未通过预审",
    "excluded_consent": "未授权该渠道",
    "eligible": "可触达人数",
    "contacts": "触达人数",
    "responses": "响应人数",
    "response_rate": "响应率",
    "contact_cost": "触达成本(元)",
    "offer_cost": "优惠成本(元)",
    "cost": "总成本(元)",
    "margin": "毛收益(元)",
    "credit_loss": "预期信用损失(元)",
    "revenue": "增量收益(元)",
    "profit": "净收益(元)",
    "roi": "投资回报率 ROI",
}
MONEY_COLUMNS = ("budget", "contact_cost", "offer_cost", "cost", "margin", "credit_loss", "revenue",
                 "profit")
RESULT_COLUMNS = ["product", "channel", "offer", "touches", "budget", "size", "excluded_rule",
                  "excluded_consent", "eligible", "contacts", "responses", "response_rate",
                  "contact_cost", "offer_cost", "cost", "margin", "credit_loss", "revenue", "profit",
                  "roi"]


class PlanError(ValueError):
    """An invalid campaign plan; the message is Chinese and says how to fix it.

    In Jupyter it shows as the message only (no traceback).
    """

    def _render_traceback_(self):  # IPython hook: show the message, not a traceback
        return [f"方案有误：{self}"]


def _is_number(x: Any) -> bool:
    return not isinstance(x, bool) and isinstance(x, (int, float, np.integer, np.floating))


def normalise_plan(plan) -> dict[str, dict]:
    """Validate a plan and return ``{segment: {product, channel, offer, budget, touches}}``.

    A plan maps ``segment -> (product, channel, offer, budget)``, ``segment -> (product,
    channel, offer, budget, touches)`` or ``segment -> {"product": ..., "channel": ...,
    "offer": ..., "budget": ..., "touches": ...}`` (touches default 1). Segments with budget
    0 (or ``None``) are dropped (no campaign). Raises :class:`PlanError` with a Chinese
    message on anything invalid.

    >>> normalise_plan({"重要价值客户": ("理财", "短信", "无优惠", 800)})["重要价值客户"]["touches"]
    1
    """
    if not isinstance(plan, Mapping):
        raise PlanError(
            f"方案应该是一个字典 {{客群: (产品, 渠道, 优惠, 预算)}}，现在是 {type(plan).__name__}。")
    out: dict[str, dict] = {}
    for seg, cell in plan.items():
        if not isinstance(seg, str) or seg not in SEGMENTS:
            raise PlanError(f"未知客群 {str(seg)[:40]!r}。可选客群：{'、'.join(SEGMENTS)}。")
        if cell is None:
            continue
        touches: Any = 1
        if isinstance(cell, Mapping):
            try:
                product, channel, budget = cell["product"], cell["channel"], cell["budget"]
            except KeyError as exc:
                raise PlanError(f"客群 {seg} 的方案缺少 {exc.args[0]!r}。需要 product、channel、offer、"
                                "budget 四项（touches 可选）。") from None
            offer = cell.get("offer", "无优惠")
            touches = cell.get("touches", 1)
        elif isinstance(cell, (tuple, list)) and len(cell) in (4, 5):
            product, channel, offer, budget = cell[:4]
            if len(cell) == 5:
                touches = cell[4]
        else:
            raise PlanError(f"客群 {seg} 的方案应该是 (产品, 渠道, 优惠, 预算) 四项"
                            f"（或再加每月触达次数），现在是 {repr(cell)[:80]}。")
        for what, value in (("产品", product), ("渠道", channel), ("优惠", offer)):
            if not isinstance(value, str):
                raise PlanError(f"客群 {seg}：{what}应该是一段文字（例如 {PRODUCTS[0]!r}），"
                                f"现在是 {type(value).__name__}。")
        if product not in PRODUCTS:
            raise PlanError(f"客群 {seg}：未知产品 {product[:20]!r}。可选产品类别：{'、'.join(PRODUCTS)}。")
        if channel not in CHANNELS:
            raise PlanError(f"客群 {seg}：未知渠道 {channel[:20]!r}。可选渠道：{'、'.join(CHANNELS)}。")
        if offer not in OFFERS:
            raise PlanError(f"客群 {seg}：未知优惠 {offer[:20]!r}。可选优惠：{'、'.join(OFFERS)}。")
        if budget is None:
            budget = 0.0
        if not _is_number(budget):
            raise PlanError(f"客群 {seg}：预算应该是数字（元），现在是 {repr(budget)[:40]}。")
        budget = float(budget)
        if not math.isfinite(budget) or budget < 0:
            raise PlanError(f"客群 {seg}：预算不能为负数或无穷大，现在是 {budget!r}。")
        if not _is_number(touches) or not math.isfinite(float(touches)) or float(touches) != int(touches) \
                or not 1 <= int(touches) <= MAX_TOUCHES:
            raise PlanError(f"客群 {seg}：每月触达次数应该是 1 到 {MAX_TOUCHES} 的整数，"
                            f"现在是 {repr(touches)[:40]}。")
        if budget == 0:
            continue
        out[seg] = {"product": product, "channel": channel, "offer": offer, "budget": budget,
                    "touches": int(touches)}
    return out


# ---------------------------------------------------------------------------
# Who may be contacted: suitability, credit pre-screen, consent
# ---------------------------------------------------------------------------
def risk_level(values) -> np.ndarray:
    """Risk appetite ``"R1"..."R5"`` -> 1..5; anything else (not assessed) -> 0.

    >>> risk_level(["R1", "R5", None, "高"]).tolist()
    [1, 5, 0, 0]
    """
    table = {f"R{i}": i for i in range(1, 6)}
    return np.array([table.get(str(v).strip().upper(), 0) for v in values], dtype=np.int64)


def credit_eligible(view: pd.DataFrame) -> pd.Series:
    """The credit pre-screen (:data:`CREDIT_RULE_ZH`): True where a loan / card may be offered.

    ``view``: one row per customer with ``recency_days``, ``age`` and ``monthly_income``
    (e.g. :func:`course_utils.features.customer_view`). A missing value fails the rule
    (no recorded income, no credit offer). This teaching rule stands in for a real credit
    check (征信 report, debt-to-income), which the synthetic data does not have.

    >>> v = pd.DataFrame({"recency_days": [10, 400, 10], "age": [35, 35, 35],
    ...                   "monthly_income": [8000.0, 8000.0, None]})
    >>> credit_eligible(v).tolist()
    [True, False, False]
    """
    recency = pd.to_numeric(view["recency_days"], errors="coerce")
    age = pd.to_numeric(view["age"], errors="coerce")
    income = pd.to_numeric(view["monthly_income"], errors="coerce")
    ok = (domain.is_active(recency).fillna(False).astype(bool)
          & age.between(*CREDIT_AGE) & (income >= CREDIT_MIN_INCOME))
    return ok.fillna(False).astype(bool).rename("credit_ok")


class Audience:
    """Who each campaign may reach: per customer the segment, the suitability / credit /
    consent flags, and (computed once) the eligible counts the simulator uses.

    Build it with :func:`audience` from a scored customer view, or
    :meth:`from_sizes` for hand examples (everyone eligible and consenting).
    """

    def __init__(self, table: pd.DataFrame) -> None:
        #: One row per customer: ``segment``, ``risk_level`` (0-5), ``credit_ok`` and one
        #: ``reach|<channel>`` boolean per channel (consent, and the APP for pushes).
        self.table = table
        self._counts: dict | None = None

    @classmethod
    def from_sizes(cls, sizes: Mapping[str, int]) -> "Audience":
        """Segment sizes only: every customer suitable, credit-eligible and consenting.

        >>> Audience.from_sizes({"重要价值客户": 3}).eligible("重要价值客户", "基金", "短信")
        3
        """
        if isinstance(sizes, pd.Series):
            sizes = sizes.to_dict()
        if not isinstance(sizes, Mapping):
            raise PlanError("segment_sizes 应该是 {客群: 人数}，例如 scored['segment'].value_counts()。")
        rows = []
        for seg, n in sizes.items():
            if seg not in SEGMENTS:
                continue
            if not _is_number(n) or not math.isfinite(float(n)) or int(n) < 0:
                raise PlanError(f"客群 {seg} 的人数应该是不小于 0 的整数，现在是 {repr(n)[:30]}。")
            rows += [seg] * int(n)
        table = pd.DataFrame({"segment": pd.Series(rows, dtype=object), "risk_level": 5,
                              "credit_ok": True})
        for c in CHANNELS:
            table[f"reach|{c}"] = True
        return cls(table)

    @property
    def counts(self) -> dict:
        """``{segment: {"size": n, "rule": {product: n}, "eligible": {(product, channel): n}}}``."""
        if self._counts is None:
            self._counts = _count(self.table)
        return self._counts

    def size(self, segment: str) -> int:
        """Customers of ``segment``."""
        return int(self.counts.get(segment, {}).get("size", 0))

    def eligible(self, segment: str, product: str, channel: str) -> int:
        """Customers of ``segment`` who may be offered ``product`` on ``channel``."""
        return int(self.counts.get(segment, {}).get("eligible", {}).get((product, channel), 0))

    def allowed_by_rule(self, segment: str, product: str) -> int:
        """Customers of ``segment`` who pass suitability / the credit pre-screen for ``product``."""
        return int(self.counts.get(segment, {}).get("rule", {}).get(product, 0))

    def sizes(self) -> dict[str, int]:
        """Customers per segment, every segment listed."""
        return {seg: self.size(seg) for seg in SEGMENTS}

    def __len__(self) -> int:
        return len(self.table)

    def __repr__(self) -> str:
        return f"<Audience: {len(self.table):,} customers>"


def _product_ok(table: pd.DataFrame, product: str) -> np.ndarray:
    if product in CREDIT_PRODUCTS:
        return table["credit_ok"].to_numpy(dtype=bool)
    return table["risk_level"].to_numpy() >= PRODUCT_RISK[product]


def _count(table: pd.DataFrame) -> dict:
    seg = table["segment"].astype(str).to_numpy()
    out: dict = {}
    for s in SEGMENTS:
        mask = seg == s
        sub = table.loc[mask]
        reach = {c: sub[f"reach|{c}"].to_numpy(dtype=bool) for c in CHANNELS}
        rule, eligible = {}, {}
        for p in PRODUCTS:
            ok = _product_ok(sub, p)
            rule[p] = int(ok.sum())
            for c in CHANNELS:
                eligible[(p, c)] = int((ok & reach[c]).sum())
        out[s] = {"size": int(mask.sum()), "rule": rule, "eligible": eligible}
    return out


def audience(scored_view: pd.DataFrame, bins: int = 5) -> Audience:
    """The campaign audience of a customer view (one row per customer, index = customer id).

    Uses ``segment`` (computed with :func:`course_utils.segments.rfm_scores` and ``bins``
    when absent), ``risk_appetite`` (R1-R5; missing = not assessed: no wealth product),
    the credit pre-screen columns (:func:`credit_eligible`), ``app_minutes_recent`` (an
    APP push needs the APP) and the synthetic consent flags.

    >>> v = pd.DataFrame({"segment": ["重要价值客户", "一般挽留客户"], "risk_appetite": ["R2", "R4"],
    ...                   "recency_days": [3, 300], "age": [40, 40], "monthly_income": [9e3, 9e3],
    ...                   "app_minutes_recent": [30, 0]}, index=["C000001", "C000002"])
    >>> a = audience(v)
    >>> a.allowed_by_rule("重要价值客户", "基金"), a.allowed_by_rule("一般挽留客户", "贷款")
    (0, 0)
    """
    view = scored_view
    if "segment" not in view.columns:
        from course_utils.segments import rfm_scores

        view = rfm_scores(view, bins=bins)
    ids = [str(i) for i in view.index]
    consent = rr.consent_flags(ids)
    app = pd.to_numeric(view.get("app_minutes_recent", pd.Series(0, index=view.index)),
                        errors="coerce").fillna(0).to_numpy() > 0
    table = pd.DataFrame({
        "segment": view["segment"].astype(str).to_numpy(),
        "risk_level": risk_level(view["risk_appetite"]) if "risk_appetite" in view.columns
        else np.zeros(len(view), dtype=np.int64),
        "credit_ok": credit_eligible(view).to_numpy(),
    }, index=pd.Index(ids, name="customer_id"))
    for c in CHANNELS:
        table[f"reach|{c}"] = consent[c] & (app if c == "APP推送" else True)
    return Audience(table)


def as_audience(aud) -> Audience:
    """``aud`` as an :class:`Audience`: an Audience, a scored customer view, or segment sizes.

    >>> len(as_audience({"重要价值客户": 3}))
    3
    """
    if isinstance(aud, Audience):
        return aud
    if isinstance(aud, pd.DataFrame):
        return audience(aud)
    return Audience.from_sizes(aud)


def exclusions(aud, product: str, channel: str) -> pd.DataFrame:
    """Per segment, who a campaign of ``product`` on ``channel`` may reach and who is left out.

    Columns (English keys): ``size``; ``excluded_rule`` (unsuitable risk appetite, or failed
    credit pre-screen); ``excluded_consent`` (passed the rule but no consent / no APP);
    ``eligible``. :data:`COLUMNS_ZH` translates them.

    >>> exclusions(Audience.from_sizes({"重要价值客户": 4}), "基金", "短信").loc["重要价值客户"].tolist()
    [4, 0, 0, 4]
    """
    a = as_audience(aud)
    if product not in PRODUCTS or channel not in CHANNELS:
        raise PlanError(f"未知产品或渠道：{product!r}、{channel!r}。")
    rows = []
    for seg in SEGMENTS:
        size, rule, elig = a.size(seg), a.allowed_by_rule(seg, product), a.eligible(seg, product, channel)
        rows.append({"segment": seg, "size": size, "excluded_rule": size - rule,
                     "excluded_consent": rule - elig, "eligible": elig})
    return pd.DataFrame(rows).set_index("segment")


# ---------------------------------------------------------------------------
# Simulation
# ---------------------------------------------------------------------------
def _rng(seed: int, segment: str) -> np.random.Generator:
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, zlib.crc32(segment.encode("utf-8"))])


def simulate_cell(segment: str, product: str, channel: str, offer: str, budget: float,
                  eligible: int, touches: int = 1, seed: int = 0) -> dict:
    """One segment campaign on ``eligible`` customers; a dict of counts and money (CNY).

    Customers are contacted in a seeded order; each costs ``touches`` x the channel's price
    and, if they respond, the offer. Contacting stops before the spend (set-up included)
    would exceed ``budget``. Inputs must be valid (see :func:`normalise_plan`); this is the
    fast inner step of :func:`simulate_campaign`.

    >>> r = simulate_cell("重要价值客户", "理财", "APP推送", "无优惠", 520, 5000, seed=1)
    >>> r["contacts"], r["cost"] <= 520
    (1000, True)
    """
    unit = CHANNEL_COST[channel] * touches
    setup = CHANNEL_SETUP_COST[channel]
    per_offer = OFFER_COST[offer]
    contacts = responses = 0
    if eligible > 0 and budget >= setup + unit + per_offer:
        p = rr.true_rate(segment, product, channel, offer, touches)
        responded = _rng(seed, segment).random(int(eligible)) < p
        k = np.arange(1, eligible + 1)
        spend = setup + k * unit + per_offer * np.cumsum(responded)
        # stop before a contact whose possible coupon would break the budget
        affordable = spend + per_offer * ~responded <= budget + 1e-9
        affordable &= spend <= budget + 1e-9
        contacts = int(np.argmin(affordable)) if not affordable.all() else int(eligible)
        responses = int(responded[:contacts].sum())
    contact_cost = setup + contacts * unit if contacts else 0.0
    offer_cost = responses * per_offer
    margin = responses * rr.margin_per_response(segment, product)
    credit_loss = responses * rr.credit_loss_per_response(product)
    cost = contact_cost + offer_cost
    revenue = margin - credit_loss
    return {"contacts": contacts, "responses": responses, "contact_cost": round(contact_cost, 2),
            "offer_cost": round(offer_cost, 2), "cost": round(cost, 2), "margin": round(margin, 2),
            "credit_loss": round(credit_loss, 2), "revenue": round(revenue, 2)}


def simulate_campaign(plan, audience, seed: int = 0) -> pd.DataFrame:
    """Simulate a segment campaign plan.

    Parameters
    ----------
    plan : mapping
        ``segment -> (product, channel, offer, budget[, touches])`` (see :func:`normalise_plan`).
        ``budget`` caps every cost of that segment's campaign (CNY).
    audience : Audience, scored customer view, or mapping ``segment -> size``
        Who may be reached (:func:`audience`); plain sizes mean everyone is eligible.
    seed : int
        Seed of the noise; same plan + same seed -> same result.

    Returns
    -------
    DataFrame indexed by segment plus a final :data:`TOTAL` row, columns
    ``product, channel, offer, touches, budget, size, excluded_rule, excluded_consent,
    eligible, contacts, responses, response_rate, contact_cost, offer_cost, cost, margin,
    credit_loss, revenue, profit, roi`` (money in CNY; ``cost <= budget``; ``roi`` = profit /
    cost as a ratio). :func:`to_chinese` translates it for display.

    Raises
    ------
    PlanError
        Unknown segment / product / channel / offer, negative or non-numeric budget,
        touches outside 1-4.

    >>> res = simulate_campaign({"重要价值客户": ("理财", "短信", "无优惠", 600)}, {"重要价值客户": 500})
    >>> bool(res.loc["total", "cost"] <= 600), list(res.index)
    (True, ['重要价值客户', 'total'])
    """
    cells = normalise_plan(plan)
    aud = as_audience(audience)
    rows = []
    for seg in SEGMENTS:
        if seg not in cells:
            continue
        c = cells[seg]
        size = aud.size(seg)
        rule = aud.allowed_by_rule(seg, c["product"])
        elig = aud.eligible(seg, c["product"], c["channel"])
        sim = simulate_cell(seg, c["product"], c["channel"], c["offer"], c["budget"], elig,
                            c["touches"], seed)
        rows.append({"segment": seg, **{k: c[k] for k in ("product", "channel", "offer", "touches",
                                                             "budget")},
                     "size": size, "excluded_rule": size - rule, "excluded_consent": rule - elig,
                     "eligible": elig, **sim})
    total: dict = {"segment": TOTAL, "product": "", "channel": "", "offer": "", "touches": 0}
    for col in ("budget", "size", "excluded_rule", "excluded_consent", "eligible", "contacts",
                "responses", "contact_cost", "offer_cost", "cost", "margin", "credit_loss", "revenue"):
        total[col] = sum(r[col] for r in rows)
    rows.append(total)
    for r in rows:
        r["profit"] = r["revenue"] - r["cost"]
        r["response_rate"] = r["responses"] / r["contacts"] if r["contacts"] > 0 else float("nan")
        r["roi"] = r["profit"] / r["cost"] if r["cost"] > 0 else float("nan")
        for col in MONEY_COLUMNS:
            r[col] = round(float(r[col]), 2)
    data = {c: np.array([r[c] for r in rows], dtype=_DTYPES.get(c, object)) for c in RESULT_COLUMNS}
    return pd.DataFrame(data, index=pd.Index([r["segment"] for r in rows], name="segment"))


_DTYPES = {**{c: np.int64 for c in ("touches", "size", "excluded_rule", "excluded_consent", "eligible",
                                   "contacts", "responses")},
           **{c: float for c in (*MONEY_COLUMNS, "response_rate", "roi")}}


# ---------------------------------------------------------------------------
# Judging a plan: compliance, targeting, targets
# ---------------------------------------------------------------------------
def has_opt_out(message: Any) -> bool:
    """Whether a marketing message tells the customer how to refuse further messages.

    >>> has_opt_out("【示例银行】理财新品上线，详询客户经理。拒收请回复R"), has_opt_out("理财新品上线")
    (True, False)
    """
    return isinstance(message, str) and any(w in message for w in OPT_OUT_WORDS)


def compliance_problems(plan, message: Any = None) -> list[str]:
    """Chinese reasons a (valid) plan breaks the contact rules; empty when it keeps them.

    Rules: at most :data:`CONTACT_CAP_PER_MONTH` touches per customer per month on each
    channel; the message (SMS / push text or call script) carries an opt-out line
    (:func:`has_opt_out`). Consent is not listed: the simulator only reaches consenting
    customers.

    >>> compliance_problems({"重要价值客户": ("理财", "短信", "无优惠", 900, 3)}, "退订回T")
    ['重要价值客户：短信每位客户每月最多 2 次，方案设了 3 次（频次上限）。']
    """
    cells = normalise_plan(plan)
    problems = []
    for seg, c in cells.items():
        cap = CONTACT_CAP_PER_MONTH[c["channel"]]
        if c["touches"] > cap:
            problems.append(f"{seg}：{c['channel']}每位客户每月最多 {cap} 次，方案设了 {c['touches']} 次（频次上限）。")
    if cells:
        if not isinstance(message, str) or not message.strip():
            problems.append("方案还缺营销文案（短信/推送内容或外呼话术）：每条营销信息都要写明退订方式。")
        elif not has_opt_out(message):
            problems.append("营销文案里没有退订方式：按《个人信息保护法》(PIPL) 和短信营销规定，"
                            "每条营销信息都要告诉客户怎样拒收（例如“拒收请回复R”“回复TD退订”）。")
    return problems


def plan_problems(plan, result: pd.DataFrame | None = None) -> list[str]:
    """Chinese descriptions of wrong targeting in a (valid) plan.

    Wrong = an expensive personal channel on a low-value segment
    (:data:`course_utils.datagen.response_rates.WRONG_TARGETS`), or, when the simulated
    ``result`` is given, a segment campaign that loses money.
    """
    cells = normalise_plan(plan)
    problems = []
    for seg, c in cells.items():
        if (seg, c["channel"]) in rr.WRONG_TARGETS:
            ch = c["channel"]
            problems.append(
                f"{seg} 用了{ch}：这类客户{segment_description(seg)}，单客价值低，"
                f"{ch}每次接触 {CHANNEL_COST[ch]:g} 元、启动 {CHANNEL_SETUP_COST[ch]:,.0f} 元，"
                "成本收不回来。")
    if result is not None:
        for seg in result.index:
            if seg == TOTAL:
                continue
            roi = result.loc[seg, "roi"]
            if pd.notna(roi) and roi < 0 and not any(p.startswith(seg) for p in problems):
                problems.append(f"{seg} 的活动亏损（投资回报率 {roi:.0%}）。")
    return problems


def evaluate_plan(plan, audience, seed: int, min_roi: float, max_budget: float,
                  min_profit: float = 0.0, message: Any = None) -> tuple[bool, list[str], pd.DataFrame]:
    """Judge a plan: compliance (:func:`compliance_problems`), total cost <= ``max_budget``,
    ROI >= ``min_roi``, profit >= ``min_profit``, no wrong targeting, no loss-making segment.

    Returns ``(ok, reasons, result)``; the reasons are Chinese.
    """
    result = simulate_campaign(plan, audience, seed=seed)
    total = result.loc[TOTAL]
    reasons = compliance_problems(plan, message)
    if total["cost"] > max_budget + 1e-6:
        reasons.append(f"总成本 {total['cost']:,.0f} 元超过上限 {max_budget:,.0f} 元"
                       "（总成本 = 启动 + 触达 + 优惠，全部算进预算）。")
    if total["contacts"] == 0:
        reasons.append("方案没有触达任何客户（预算是否都低于渠道启动成本，或客群里没有可触达的客户？）。")
    elif not pd.notna(total["roi"]) or total["roi"] < min_roi:
        reasons.append(f"总投资回报率 (ROI) 为 {total['roi']:.0%}，还没有达到目标 {min_roi:.0%}。")
    if total["profit"] < min_profit:
        reasons.append(f"净收益 {total['profit']:,.0f} 元，低于目标 {min_profit:,.0f} 元。")
    reasons += plan_problems(plan, result)
    return (not reasons), reasons, result


# ---------------------------------------------------------------------------
# Display and the lecture's comparisons
# ---------------------------------------------------------------------------
def to_chinese(result: pd.DataFrame) -> pd.DataFrame:
    """The result table with Chinese column names and the total row shown as 合计."""
    out = result.rename(columns=COLUMNS_ZH, index={TOTAL: TOTAL_ZH}).copy()
    out.index.name = "客群"
    return out


def assumptions() -> pd.DataFrame:
    """The simulator's assumptions as a table for trainees (Chinese, numbers from the code).

    The response rates are not listed: they are the hidden, simulated truth.

    >>> "短信" in assumptions().index.get_level_values(1)
    True
    """
    rows = []
    for c in CHANNELS:
        rows.append(("渠道", c, f"每次 {CHANNEL_COST[c]:g} 元，每个客群活动启动 {CHANNEL_SETUP_COST[c]:,.0f} 元；"
                                f"每位客户每月最多 {CONTACT_CAP_PER_MONTH[c]} 次"))
    for o in OFFERS:
        rows.append(("优惠", o, f"每位响应客户 {OFFER_COST[o]:g} 元" if OFFER_COST[o] else "不花钱"))
    for p in PRODUCTS:
        if p in CREDIT_PRODUCTS:
            pd_, lgd, ead = rr.CREDIT_RISK[p]
            rule = (f"需通过授信预审；毛收益 {rr.REVENUE_PER_RESPONSE[p]:,.0f} 元 × 客群系数，"
                    f"扣预期信用损失 {pd_:.0%} × {lgd:.0%} × {ead:,.0f} = "
                    f"{rr.credit_loss_per_response(p):,.0f} 元")
        else:
            rule = (f"风险等级 R{PRODUCT_RISK[p]}，只推给风险承受能力 ≥ R{PRODUCT_RISK[p]} 的客户；"
                    f"首年收益 {rr.REVENUE_PER_RESPONSE[p]:,.0f} 元 × 客群系数")
        rows.append(("产品", p, rule))
    return pd.DataFrame(rows, columns=["类别", "项目", "假设"]).set_index(["类别", "项目"])


def render_campaign(plan, audience, seed: int = 0, draw: bool = True):
    """Pure render logic of a campaign: ``(table_zh, message, fig)``.

    ``message`` is ``""`` or the Chinese error of an invalid plan (then table and figure
    are ``None``). The figure is :func:`course_utils.viz.campaign_figure`.
    """
    try:
        result = simulate_campaign(plan, audience, seed=seed)
    except PlanError as exc:
        return None, str(exc), None
    fig = None
    if draw:
        from course_utils.viz import campaign_figure

        fig = campaign_figure(result)
    return to_chinese(result), "", fig


def segment_description(segment: str) -> str:
    """What the RFM rule says about a segment, in plain Chinese (from ``segments.SEGMENT_RULES``).

    >>> segment_description("一般发展客户")
    '最近有交易，但交易不多、金额低'
    >>> segment_description("一般挽留客户")
    '很久没有交易，交易不多、金额低'
    """
    from course_utils.segments import SEGMENT_RULES

    rule = next((k for k, v in SEGMENT_RULES.items() if v == segment), None)
    if rule is None:
        return "（未知客群）"
    r_high, f_high, m_high = rule
    recency = "最近有交易" if r_high else "很久没有交易"
    rest = f"交易{'频繁' if f_high else '不多'}、金额{'高' if m_high else '低'}"
    return f"{recency}，{'但' if r_high and not (f_high and m_high) else ''}{rest}"


# The planning helpers live in their own module; importable from here too.
from .campaign_plans import (allocate, campaign_targets, compare_plans, full_budget,  # noqa: E402
                             holdout_plan, reference_profit, segment_sizes, spread, suggested_plan)
