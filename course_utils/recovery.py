"""High-value retention lists and emotion-driven service recovery (Lecture 5).

Two of the seed's Lecture 5 cases, as plain functions on the synthetic bank:

- **High-value retention** (高价值客户挽留): the RFM top 20 % list (Lecture 2's scores)
  crossed with churn risk (a Lecture 3 random forest) -> an AI outbound call plus an
  exclusive rate offer; cost vs retained balance (:func:`high_value_retention`).
- **Emotion-driven service recovery** (情绪驱动的服务补救): negative emotions (anxiety,
  complaint, anger) in call-centre text (:func:`course_utils.sentiment.detect_emotions`,
  optionally plus a fitted sentiment model) -> escalation to a VIP channel; "high-value
  at-risk" customers (RFMP top 20 % and (negative emotion or high churn risk)) are
  *locked*: a relationship manager calls and offers a 0.5 % deposit-rate bonus. The manual
  workload and the retained value are counted under stated assumptions
  (:class:`RecoveryAssumptions`, :func:`recovery_plan`).

Population: customers on the books when :data:`AS_OF` (2024-01-01) begins -- the population and
row order of ``churn.build_churn_table(bank, AS_OF)`` and of the ``retention_campaign`` table, so
the lists can be checked against that randomised campaign (:func:`campaign_outcomes`).

RFMP: R, F, M as in Lecture 2 (quintile scores of recency, frequency and monetary over the
12 months before the cut-off) plus **P = product holdings** (``product_count`` of the churn table:
wealth/insurance/loan products bought + accounts open). Why P = holdings and not "potential": holdings
are observed facts a banker can check and explain; a customer with several products brings more
margin and takes more with them when they leave, and holdings are what a relationship manager
can defend; "potential" would be a model's guess (income, age) and would put unproven prospects
ahead of proven customers in a list that gets a rate bonus.

Every money figure is an estimate under :class:`RetentionAssumptions` / :class:`RecoveryAssumptions`
(printed next to the figures in the notebook); the effect of the actions themselves needs a
control group (see :mod:`course_utils.experiments`).

>>> scores = pd.DataFrame({"R_score": [5, 1], "F_score": [5, 1], "M_score": [5, 1], "P_score": [4, 1]})
>>> rfmp_score(scores).tolist()
[4.75, 1.0]
"""
from __future__ import annotations

import numbers
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from . import domain
from .errors import CourseArgumentError

__all__ = ["AS_OF", "RISK_TRAIN_CUTOFF", "EMOTION_WINDOW_DAYS", "TOP_SHARE", "RISK_SHARE",
           "RetentionAssumptions", "RecoveryAssumptions", "risk_model", "customer_scores", "rfmp_score", "top_mask",
           "sentiment_model", "emotion_flags", "high_value_retention", "recovery_plan", "manual_workload",
           "campaign_outcomes", "ASSUMPTIONS_ZH"]

#: Lists are made when this day begins (the retention campaign's date).
AS_OF = "2024-01-01"
#: The churn-risk model is trained on the churn table at this cut-off (out of time, Lecture 3).
RISK_TRAIN_CUTOFF = "2023-07-01"
#: Call-centre messages of this many days before AS_OF count for the emotion flag.
EMOTION_WINDOW_DAYS = 90
#: "Top 20 %" of the RFM / RFMP lists and the share called "high churn risk".
TOP_SHARE = 0.2
RISK_SHARE = 0.2
#: Trees of the risk forest (fewer than Lecture 3's 200: a lecture-speed model).
RISK_TREES = 100


def _err(zh: str, en: str) -> CourseArgumentError:
    return CourseArgumentError(f"{zh}\n{en}")


def _share(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < float(value) <= 1:
        raise _err(f"{name} 必须是 0 到 1 之间的比例（例如 20% 写 0.2），现在是 {value!r}。",
                   f"{name} must be a fraction in (0, 1] (e.g. 0.2 for 20 %), got {value!r}.")
    return float(value)


@dataclass(frozen=True)
class RetentionAssumptions:
    """Assumptions of the high-value retention case (CNY, fractions per year unless stated).

    - ``call_cost``: one AI outbound call (telephony + platform), CNY;
    - ``rate_bonus``: the exclusive rate offer, extra deposit rate per year (0.003 = +0.3 %);
    - ``months``: how long the offer runs (months);
    - ``acceptance``: share of called customers who take the offer (only they cost the bonus);
    - ``churn_reduction``: assumed relative reduction of a listed customer's churn probability
      when called (0.12 = the seed's "retention +12 %" read as 12 % fewer leavers; unproven);
    - ``margin``: the bank's yearly net margin on a retained balance (net interest margin).
    """

    call_cost: float = 2.0
    rate_bonus: float = 0.003
    months: int = 6
    acceptance: float = 0.5
    churn_reduction: float = 0.12
    margin: float = 0.015


@dataclass(frozen=True)
class RecoveryAssumptions:
    """Assumptions of the emotion-driven service recovery case.

    - ``minutes_per_message``: a human agent's handling time per message (minutes);
    - ``minutes_vip``: a VIP-channel specialist per escalated message (minutes);
    - ``minutes_manager_call``: a relationship manager's call to a locked customer, incl. notes;
    - ``cost_per_hour``: loaded cost of an hour of staff time (CNY);
    - ``rate_bonus``: the deposit-rate bonus of the lock (0.005 = +0.5 % per year), ``months`` it runs;
    - ``churn_reduction``: assumed relative reduction of a locked customer's churn probability
      (the seed reports "churn −12 % in 3 months"; unproven here);
    - ``margin``: yearly net margin on a retained balance.
    """

    minutes_per_message: float = 6.0
    minutes_vip: float = 12.0
    minutes_manager_call: float = 20.0
    cost_per_hour: float = 80.0
    rate_bonus: float = 0.005
    months: int = 3
    churn_reduction: float = 0.12
    margin: float = 0.015


#: The assumptions sentence to print next to the money figures (Chinese).
ASSUMPTIONS_ZH = ("假设（可修改）：AI 外呼每通 2 元；专属利率每年 +0.3%，为期 6 个月，一半客户接受；"
                  "客户经理回访每通 20 分钟、人工每小时 80 元；加息 +0.5%/年，为期 3 个月；"
                  "被挽留的余额按每年 1.5% 的净息差计价值；“流失减少 12%”是待验证的宣称，不是事实。")


# ---------------------------------------------------------------------------
# scores
# ---------------------------------------------------------------------------
def rfmp_score(scored: pd.DataFrame) -> pd.Series:
    """Mean of the R, F, M and P scores (1..5 each; 5 = best)."""
    cols = ["R_score", "F_score", "M_score", "P_score"]
    return scored[cols].astype(float).mean(axis=1).rename("rfmp_score")


def top_mask(score, tie_break, share: float = TOP_SHARE) -> np.ndarray:
    """True for exactly ``round(share × n)`` (≥ 1) rows with the best ``score`` (ties: higher ``tie_break``, then row order).

    >>> top_mask([3.0, 5.0, 5.0, 1.0, 2.0], [1, 2, 9, 0, 0], 0.4).tolist()
    [False, True, True, False, False]
    """
    share = _share(share, "share")
    s, t = np.asarray(score, dtype=float), np.asarray(tie_break, dtype=float)
    n_top = max(domain.round_half_up(share * s.shape[0]), 1) if s.shape[0] else 0
    order = np.lexsort((-t, -s))
    out = np.zeros(s.shape[0], dtype=bool)
    out[order[:n_top]] = True
    return out


def _churn_table(bank, cutoff) -> pd.DataFrame:
    """Lecture 3's churn table at ``cutoff`` (:func:`course_utils.monitoring.churn_tables`: the same
    table as ``churn.build_churn_table``, built faster)."""
    from .monitoring import churn_tables

    return next(iter(churn_tables(bank, [cutoff]).values()))


def risk_model(bank, train_cutoff: str = RISK_TRAIN_CUTOFF, random_state: int = 0, table=None):
    """Lecture 3's churn random forest, fitted on the churn table at ``train_cutoff`` (6-month outcome).

    ``table``: that churn table when the caller has it already (e.g. from
    :func:`course_utils.monitoring.churn_tables`); built here otherwise. Fitted with
    :func:`course_utils.churn_models.fit_model`: the trees are grown on two threads (each tree
    has its own seed, so the forest is the same as on one thread) and the returned model
    predicts on one thread, so its sums are added in a fixed order.
    """
    from .churn import FEATURES
    from .churn_models import fit_model, make_churn_model

    train = _churn_table(bank, train_cutoff) if table is None else table
    model = make_churn_model("forest", FEATURES, [], random_state=random_state, n_estimators=RISK_TREES)
    return fit_model(model, train[FEATURES], train["churned"])


def customer_scores(bank, as_of: str = AS_OF, train_cutoff: str = RISK_TRAIN_CUTOFF,
                    random_state: int = 0, model=None, table=None) -> pd.DataFrame:
    """One row per customer on the books when ``as_of`` begins: RFM/RFMP scores, balance and churn risk.

    Columns: ``customer_id``, ``recency_days``, ``frequency``, ``monetary`` (CNY, 12 months),
    ``product_count``, ``balance`` (latest month-end balance, CNY), ``R_score`` .. ``P_score``
    (1..5), ``rfm_score``, ``rfmp_score``, ``rfm_top`` / ``rfmp_top`` (the top :data:`TOP_SHARE`),
    ``risk`` (churn probability in the 6 months after ``as_of`` from a random forest trained at
    ``train_cutoff``: Lecture 3's model, out of time; or ``model``, fitted by :func:`risk_model`),
    ``high_risk`` (top :data:`RISK_SHARE` by risk), ``churned`` (the churn table's label: churned
    within 6 months; for checking only), and the churn-table features (:data:`churn.FEATURES`).
    ``attrs["population"]`` names the population. ``table``: the churn table at ``as_of`` when
    the caller has it already; built here otherwise.
    """
    from .churn import FEATURES
    from .segments import rfm_scores, score_column

    if table is None:
        table = _churn_table(bank, as_of)
    if model is None:
        model = risk_model(bank, train_cutoff, random_state)
    risk = model.predict_proba(table[FEATURES])[:, 1]

    out = rfm_scores(table[["customer_id", "recency_days", "frequency", "monetary"]].copy())
    out["product_count"] = table["product_count"].to_numpy()
    out["balance"] = table["balance_last"].fillna(0.0).to_numpy()
    out["P_score"] = score_column(out["product_count"].rename("product_count")).to_numpy()
    out["rfmp_score"] = rfmp_score(out)
    mon = out["monetary"].to_numpy(dtype=float)
    out["rfm_top"] = top_mask(out["rfm_score"], mon)
    out["rfmp_top"] = top_mask(out["rfmp_score"], mon)
    out["risk"] = risk
    out["high_risk"] = top_mask(risk, mon, RISK_SHARE)
    out["churned"] = table["churned"].to_numpy()
    for c in FEATURES:
        if c not in out.columns:
            out[c] = table[c].to_numpy()
    out = out.drop(columns=[c for c in ("segment", "segment_key") if c in out.columns])
    day_before = domain.as_date(as_of) - pd.Timedelta(days=1)
    out.attrs["population"] = domain.population_note(day_before, len(out))
    out.attrs["as_of"] = str(as_of)
    return out.reset_index(drop=True)


# ---------------------------------------------------------------------------
# emotions in call-centre text
# ---------------------------------------------------------------------------
def sentiment_model(messages: pd.DataFrame):
    """Lecture 4's sentiment model (1 = negative) fitted on ``messages`` (``text``, ``sentiment``).

    :func:`course_utils.sentiment.make_sentiment_model` (character n-grams + L2 logistic
    regression, liblinear) solved in its **dual** form: the same penalised likelihood, so the
    same model up to the solver's tolerance (the flags of :func:`emotion_flags` do not change),
    but about 4 times faster when there are far more n-grams than messages, as here.
    Pass only messages dated before the window you score (no peeking).
    """
    from .sentiment import make_sentiment_model, negative_labels

    for c in ("text", "sentiment"):
        if not isinstance(messages, pd.DataFrame) or c not in messages.columns:
            raise _err(f"messages 表缺少列 {c}。请使用课程数据中的 messages 表。",
                       f"messages lacks column {c}. Use the course's messages table.")
    model = make_sentiment_model()
    clf = getattr(model, "named_steps", {}).get("clf")
    params = clf.get_params() if clf is not None else {}
    if (params.get("solver") == "liblinear" and params.get("penalty", "l2") in ("l2", "deprecated")
            and not params.get("l1_ratio")):              # the dual form exists for L2 only
        clf.set_params(dual=True)
    return model.fit(messages["text"].astype(str).tolist(), negative_labels(messages["sentiment"]))


def emotion_flags(messages: pd.DataFrame, as_of: str = AS_OF, days: int = EMOTION_WINDOW_DAYS,
                  model=None, threshold: float = 0.5) -> pd.DataFrame:
    """Messages of the ``days`` before ``as_of`` with their detected emotion and route inputs.

    Emotions come from the lexicon with negation (:func:`course_utils.sentiment.detect_emotions`:
    anxiety / complaint / anger). With a fitted sentiment ``model`` (1 = negative), a message the
    lexicon misses but the model scores ``>= threshold`` is flagged too (emotion 负面（模型）).

    Returns one row per message: ``message_id``, ``customer_id``, ``msg_date``, ``text``,
    ``anxiety``, ``complaint``, ``anger``, ``emotion``, ``negative`` (bool), ``source``
    (词典 / 模型 / '').
    """
    from .sentiment import detect_emotions

    for c in ("customer_id", "msg_date", "text"):
        if c not in messages.columns:
            raise _err(f"messages 表缺少列 {c}。请使用课程数据中的 messages 表。",
                       f"messages lacks column {c}. Use the course's messages table.")
    end = domain.as_date(as_of)
    start = end - pd.Timedelta(days=int(days))
    dates = domain.as_dates(messages["msg_date"], "msg_date")
    win = messages.loc[(dates >= start) & (dates < end)].reset_index(drop=True)
    emo = detect_emotions(win["text"].astype(str).tolist())
    out = win[[c for c in ("message_id", "customer_id", "msg_date", "channel", "text") if c in win.columns]].copy()
    for c in ("anxiety", "complaint", "anger", "emotion"):
        out[c] = emo[c].to_numpy()
    lex = emo["negative_emotion"].to_numpy(dtype=bool)
    neg = lex.copy()
    source = np.where(lex, "词典", "").astype(object)
    if model is not None and len(out):
        p = model.predict_proba(out["text"].astype(str).tolist())[:, 1]
        extra = (~lex) & (p >= threshold)
        neg |= extra
        source[extra] = "模型"
        out.loc[extra, "emotion"] = "负面（模型）"
    out["negative"] = neg
    out["source"] = source
    out["customer_id"] = out["customer_id"].astype(str)
    return out


# ---------------------------------------------------------------------------
# the two plans
# ---------------------------------------------------------------------------
def high_value_retention(scores: pd.DataFrame, assumptions: RetentionAssumptions | None = None) -> dict:
    """RFM top 20 % ∩ high churn risk -> AI outbound call + exclusive rate offer.

    Returns a dict: ``list`` (the customers: id, balance, risk, scores), ``n_rfm_top``,
    ``n_high_risk``, ``n_list``, ``balance`` (CNY on the list), ``expected_leavers`` (sum of
    risk), ``call_cost``, ``offer_cost`` (rate bonus × balance × months/12 × acceptance),
    ``total_cost``, ``retained_balance`` (balance × risk × churn_reduction, summed: the balance
    that stays because of the action), ``value`` (one year's margin on it: retained balance ×
    margin), ``net_value`` (value − total cost), ``break_even_reduction`` (the relative churn
    reduction at which value = cost), ``assumptions`` (dict). Money in CNY.
    """
    a = assumptions or RetentionAssumptions()
    on = scores["rfm_top"].to_numpy(dtype=bool) & scores["high_risk"].to_numpy(dtype=bool)
    lst = scores.loc[on, ["customer_id", "balance", "risk", "rfm_score", "product_count", "churned"]]
    bal = lst["balance"].to_numpy(dtype=float)
    risk = lst["risk"].to_numpy(dtype=float)
    call = a.call_cost * len(lst)
    offer = float((a.rate_bonus * bal * a.months / 12 * a.acceptance).sum())
    retained = float((bal * risk * a.churn_reduction).sum())
    value = retained * a.margin
    return {"list": lst.reset_index(drop=True), "n_rfm_top": int(scores["rfm_top"].sum()),
            "n_high_risk": int(scores["high_risk"].sum()), "n_list": int(on.sum()),
            "balance": float(bal.sum()), "expected_leavers": float(risk.sum()),
            "call_cost": call, "offer_cost": offer, "total_cost": call + offer,
            "retained_balance": retained, "value": value, "net_value": value - call - offer,
            "break_even_reduction": _break_even(call + offer, bal, risk, a.margin),
            "assumptions": asdict(a)}


def _break_even(cost: float, balance: np.ndarray, risk: np.ndarray, margin: float) -> float:
    at_stake = float((balance * risk).sum()) * margin
    return cost / at_stake if at_stake > 0 else float("inf")


def manual_workload(messages: pd.DataFrame, routes: pd.Series, n_manager_calls: int = 0,
                    assumptions: RecoveryAssumptions | None = None) -> pd.DataFrame:
    """Staff hours and cost: every message to a human (before) vs emotion routing (after).

    ``routes``: one route per message (:data:`course_utils.sentiment.ROUTES` values: 常规处理 goes
    to the bot, 人工坐席 to an agent, VIP专线 to a VIP specialist). Rows ``before`` / ``after``,
    columns ``agent_messages``, ``vip_messages``, ``manager_calls``, ``hours``, ``cost`` (CNY);
    ``attrs["reduction"]`` = 1 − cost after / cost before (the seed's "manual cost −60 %").
    """
    from .sentiment import ROUTES

    a = assumptions or RecoveryAssumptions()
    r = pd.Series(routes).astype(str).to_numpy()
    n = len(messages)
    vip = int((r == ROUTES["vip"]).sum())
    agent = int((r == ROUTES["agent"]).sum())
    rows = {"before": (n, 0, 0), "after": (agent, vip, int(n_manager_calls))}
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["agent_messages", "vip_messages", "manager_calls"])
    out["hours"] = (out["agent_messages"] * a.minutes_per_message + out["vip_messages"] * a.minutes_vip
                    + out["manager_calls"] * a.minutes_manager_call) / 60.0
    out["cost"] = out["hours"] * a.cost_per_hour
    before = float(out.loc["before", "cost"])
    out.attrs["reduction"] = (1.0 - float(out.loc["after", "cost"]) / before) if before > 0 else 0.0
    return out


def recovery_plan(scores: pd.DataFrame, flags: pd.DataFrame,
                  assumptions: RecoveryAssumptions | None = None) -> dict:
    """Emotion-driven recovery: escalate negative messages, lock high-value at-risk customers.

    ``scores``: :func:`customer_scores`; ``flags``: :func:`emotion_flags` (messages of the window).
    Lock = RFMP top 20 % and (a negative message in the window or high churn risk); only
    customers of ``scores`` (on the books) can be locked. Each locked customer gets a manager
    call and the deposit-rate bonus on their balance.

    Returns a dict: ``routed`` (messages with ``route``), ``locked`` (customers: id, balance,
    risk, negative, high_risk, churned), ``n_negative_customers``, ``n_locked``,
    ``n_locked_by_emotion`` / ``n_locked_by_risk_only``, ``workload`` (:func:`manual_workload`),
    ``bonus_cost``, ``call_cost``, ``total_cost``, ``retained_balance``, ``value``, ``net_value``
    (CNY), ``break_even_reduction``, ``assumptions``.
    """
    from .sentiment import escalate

    a = assumptions or RecoveryAssumptions()
    ids = scores["customer_id"].astype(str)
    top = pd.Series(scores["rfmp_top"].to_numpy(dtype=bool), index=ids.to_numpy())
    msg_top = flags["customer_id"].map(top).fillna(False).astype(bool)
    emo = flags[["anxiety", "complaint", "anger"]].copy()
    emo.loc[flags["source"].eq("模型").to_numpy(), "complaint"] = 1.0        # model-flagged: a complaint
    routed = flags.copy()
    esc = escalate(emo, high_value=msg_top.tolist())
    routed["route"] = esc["route"].to_numpy()
    neg_customers = set(flags.loc[flags["negative"], "customer_id"])
    negative = ids.isin(neg_customers).to_numpy()
    hr = scores["high_risk"].to_numpy(dtype=bool)
    lock = scores["rfmp_top"].to_numpy(dtype=bool) & (negative | hr)
    locked = scores.loc[lock, ["customer_id", "balance", "risk", "rfmp_score", "product_count", "churned"]].copy()
    locked["negative"] = negative[lock]
    locked["high_risk"] = hr[lock]
    bal = locked["balance"].to_numpy(dtype=float)
    bonus = float((a.rate_bonus * bal * a.months / 12).sum())
    work = manual_workload(flags, routed["route"], n_manager_calls=int(lock.sum()), assumptions=a)
    calls = int(lock.sum()) * a.minutes_manager_call / 60.0 * a.cost_per_hour
    retained = float((bal * locked["risk"].to_numpy(dtype=float) * a.churn_reduction).sum())
    value = retained * a.margin
    return {"routed": routed, "locked": locked.reset_index(drop=True),
            "n_negative_customers": int(negative.sum()), "n_locked": int(lock.sum()),
            "n_locked_by_emotion": int((lock & negative).sum()),
            "n_locked_by_risk_only": int((lock & ~negative).sum()),
            "workload": work, "bonus_cost": bonus, "call_cost": calls, "total_cost": bonus + calls,
            "retained_balance": retained, "value": value, "net_value": value - bonus - calls,
            "break_even_reduction": _break_even(bonus + calls, bal, locked["risk"].to_numpy(dtype=float), a.margin),
            "assumptions": asdict(a)}


# ---------------------------------------------------------------------------
# claims against the randomised retention campaign
# ---------------------------------------------------------------------------
def campaign_outcomes(bank, customer_ids=None, months: int = 6) -> dict:
    """Treatment vs control of the past retention campaign (2024-01-01) for a list of customers.

    ``customer_ids``: restrict to these customers (e.g. a high-value list); default everyone.
    ``months``: outcome window from 2024-01-01 (6 = the table's ``churned_6m``; 3 = churn
    before 2024-04-01, from ``customers.churn_date``).
    Returns ``{"control": (churned, n), "treatment": (churned, n), "stayed_control": (stayed, n),
    "stayed_treatment": (stayed, n)}`` -- counts ready for :func:`course_utils.experiments.ab_test`.
    """
    camp = bank.retention_campaign
    ids = camp["customer_id"].astype(str)
    keep = camp["group"].isin(["treatment", "control"]).to_numpy()
    if customer_ids is not None:
        keep = keep & ids.isin(set(map(str, customer_ids))).to_numpy()
    if int(months) == 6:
        churned = camp["churned_6m"].to_numpy(dtype=np.int64)
    else:
        cust = bank.customers.set_index(bank.customers["customer_id"].astype(str))
        cd = domain.as_dates(cust["churn_date"], "churn_date").reindex(ids.to_numpy())
        end = domain.as_date(AS_OF) + pd.DateOffset(months=int(months))
        churned = ((cd >= domain.as_date(AS_OF)) & (cd < end)).to_numpy().astype(np.int64)
    out = {}
    for g in ("control", "treatment"):
        m = keep & (camp["group"] == g).to_numpy()
        c, n = int(churned[m].sum()), int(m.sum())
        out[g] = (c, n)
        out[f"stayed_{g}"] = (n - c, n)
    return out
