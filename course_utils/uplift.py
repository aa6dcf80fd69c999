"""Uplift modelling for retention (Lecture 3, 增益模型): call the persuadable, not just the risky.

A past retention campaign was randomised: some customers were contacted (treatment = 1),
a control group was not (treatment = 0); the outcome is whether they churned (1) or
stayed (0). Four kinds of customers hide in such data:

- persuadables (可说服): churn if left alone, stay when contacted - the only ones worth calling;
- sure things (稳定客户): stay either way - a call only costs money;
- lost causes (必然流失): leave either way - the highest risk, yet a call is wasted;
- sleeping dogs (勿扰客户): stay if left alone, leave *because* they were contacted.

**Sign convention.** Outcome = churned, and

    uplift = P(churn | not contacted) - P(churn | contacted)

i.e. the *reduction* in churn probability caused by contacting the customer. Positive =
persuadable; about 0 = sure thing or lost cause; negative = sleeping dog.

- :class:`TLearner` / :func:`fit_t_learner` - the two-model ("T-learner") approach: one churn
  model on the contacted, one on the control group; uplift = difference of their predictions.
- :func:`uplift_by_decile` - observed churn of contacted vs control customers per decile of
  predicted uplift (the honest check: it uses the randomised groups, not the model).
- :func:`qini_curve`, :func:`qini_coefficient` - Radcliffe's Qini curve and area.
- :func:`compare_targeting` - at the same budget: call the highest risk or the highest uplift?
  Customers saved and net value (CNY).

Rankings, bins and input checks follow :mod:`course_utils.evaluation` (ties by original
position, larger bins first, bilingual errors).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from sklearn.base import clone

from course_utils.evaluation import (arg_error, as_binary, as_scores, bin_sizes, check_amount, check_bins,
                                     check_budget, check_same_length)

__all__ = [
    "TLearner",
    "fit_t_learner",
    "uplift_by_decile",
    "qini_curve",
    "qini_coefficient",
    "compare_targeting",
]


def _check_groups(t: np.ndarray, y: np.ndarray | None = None) -> None:
    """Both groups present (and, with ``y``, both outcomes in each group)."""
    nt = int(t.sum())
    if nt == 0 or nt == len(t):
        which = ("对照组（treatment = 0）", "control group (treatment = 0)") if nt else \
            ("干预组（treatment = 1）", "treated group (treatment = 1)")
        raise arg_error(f"没有{which[0]}的客户：增益需要随机分成的干预组和对照组",
                        f"no customers in the {which[1]}: uplift needs a randomised treated and control group")
    if y is None:
        return
    for g, zh, en in ((1, "干预组", "treated group"), (0, "对照组", "control group")):
        yg = y[t == g]
        if yg.min() == yg.max():
            raise arg_error(f"{zh}里的客户结果全是 {int(yg[0])}：无法在该组训练流失模型（需要流失和未流失两类）",
                            f"every customer in the {en} has outcome {int(yg[0])}: a churn model cannot be "
                            "trained on that group (it needs churners and stayers)")


def _default_model(X: pd.DataFrame, random_state: int):
    from course_utils.churn_models import make_churn_model     # deferred: keeps imports light

    if not isinstance(X, pd.DataFrame):
        raise arg_error("默认模型需要 pandas DataFrame；或用 make_model= 传入自己的模型",
                        "the default model needs a pandas DataFrame; or pass your own make_model=")
    num = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c].dtype)
           and not pd.api.types.is_bool_dtype(X[c].dtype)]
    dates = [c for c in X.columns if pd.api.types.is_datetime64_any_dtype(X[c].dtype)]
    if dates:
        raise arg_error(f"特征中有日期列 {dates}：请先换算成天数，或去掉", f"date columns {dates} among the features: "
                        "convert them to days or drop them")
    cat = [c for c in X.columns if c not in num]
    return make_churn_model("forest", [str(c) for c in num], [str(c) for c in cat], random_state,
                            min_samples_leaf=50)


class TLearner:
    """Two-model uplift learner: ``uplift(x) = P_control(churn | x) - P_treated(churn | x)``.

    Parameters
    ----------
    make_model : estimator, callable or None
        The churn model used for both groups: an unfitted scikit-learn classifier (cloned
        twice), or a function returning a new one. Default: a random forest from
        :func:`course_utils.churn_models.make_churn_model` with larger leaves
        (``min_samples_leaf=50``: uplift is a small difference of two probabilities, and
        noisy leaves would swamp it), numeric columns taken from the dtypes, the rest as
        categories.
    random_state : int
        Seed of the default model.

    Attributes after ``fit``: ``model_treated_``, ``model_control_``.

    Example
    -------
    Contact helps customers with ``x = 1`` (churn 2 in 4 -> 0 in 4) and not with ``x = 0``:

    >>> from sklearn.tree import DecisionTreeClassifier
    >>> X = pd.DataFrame({"x": [0, 0, 1, 1] * 4})
    >>> treated = [1] * 8 + [0] * 8
    >>> churned = [0, 1, 0, 0, 0, 1, 0, 0] + [0, 1, 1, 0, 0, 1, 1, 0]
    >>> t = TLearner(DecisionTreeClassifier(random_state=0)).fit(X, treated, churned)
    >>> t.predict_uplift(pd.DataFrame({"x": [0, 1]})).tolist()
    [0.0, 0.5]
    """

    def __init__(self, make_model=None, random_state: int = 0):
        self.make_model = make_model
        self.random_state = random_state

    def _new_model(self, X):
        if self.make_model is None:
            return _default_model(X, self.random_state)
        if hasattr(self.make_model, "fit"):
            return clone(self.make_model)
        if callable(self.make_model):
            return self.make_model()
        raise arg_error("make_model 应是未训练的 scikit-learn 分类器，或返回分类器的函数",
                        "make_model must be an unfitted scikit-learn classifier or a function returning one")

    def fit(self, X, treatment, outcome) -> "TLearner":
        """Fit one churn model on the contacted customers and one on the control group.

        ``X``: features (DataFrame, one row per customer, known *before* the campaign);
        ``treatment``: 1 = contacted, 0 = control; ``outcome``: 1 = churned, 0 = stayed.
        """
        t = as_binary(treatment, "treatment")
        y = as_binary(outcome, "outcome")
        check_same_length(("X", X, np.empty(len(X))), ("treatment", treatment, t), ("outcome", outcome, y))
        _check_groups(t, y)
        rows = np.arange(len(t))

        def part(mask):
            return X.iloc[rows[mask]] if hasattr(X, "iloc") else np.asarray(X)[mask]

        self.model_treated_ = self._new_model(X).fit(part(t == 1), y[t == 1])
        self.model_control_ = self._new_model(X).fit(part(t == 0), y[t == 0])
        return self

    def predict_churn(self, X) -> tuple[np.ndarray, np.ndarray]:
        """Churn probability of each customer if contacted and if not: ``(p_treated, p_control)``."""
        if not hasattr(self, "model_control_"):
            raise arg_error("TLearner 还没有训练：先调用 fit(X, treatment, outcome)",
                            "the TLearner is not fitted yet: call fit(X, treatment, outcome) first")
        return self.model_treated_.predict_proba(X)[:, 1], self.model_control_.predict_proba(X)[:, 1]

    def predict_uplift(self, X) -> np.ndarray:
        """Predicted reduction in churn probability if contacted (fraction; > 0 = persuadable)."""
        p_t, p_c = self.predict_churn(X)
        return p_c - p_t


def fit_t_learner(X, treatment, outcome, make_model=None, random_state: int = 0) -> TLearner:
    """Fit a :class:`TLearner` (see there): ``fit_t_learner(X, t, y).predict_uplift(X_new)``.

    >>> from sklearn.tree import DecisionTreeClassifier
    >>> X = pd.DataFrame({"x": [0, 0, 1, 1] * 4})
    >>> t = fit_t_learner(X, [1] * 8 + [0] * 8, [0, 1, 0, 0] * 2 + [0, 1, 1, 0] * 2,
    ...                   make_model=lambda: DecisionTreeClassifier(random_state=0))
    >>> t.predict_uplift(pd.DataFrame({"x": [0, 1]})).tolist()
    [0.0, 0.5]
    """
    return TLearner(make_model, random_state).fit(X, treatment, outcome)


def _inputs(treatment, outcome, scores, score_name: str):
    t = as_binary(treatment, "treatment")
    y = as_binary(outcome, "outcome")
    s = as_scores(scores, score_name)
    n = check_same_length(("treatment", treatment, t), ("outcome", outcome, y), (score_name, scores, s))
    _check_groups(t)
    return t, y, s, n


def uplift_by_decile(treatment, outcome, uplift_scores, bins: int = 10) -> pd.DataFrame:
    """Observed churn of contacted vs control customers in each bin of predicted uplift.

    Customers are ranked by ``uplift_scores`` (highest first, ties by position) and cut into
    ``bins`` equal bins (larger first). Within a bin the randomised groups give an honest
    estimate of the effect of contact: ``observed_uplift = churn_rate_control -
    churn_rate_treated`` (reduction in churn rate; NaN when a group is empty in the bin).
    A useful model shows large observed uplift in bin 1 and falling values after.

    Returns
    -------
    DataFrame ``bin`` (1 = highest predicted uplift), ``customers``, ``treated``, ``control``
    (counts), ``churn_rate_treated``, ``churn_rate_control``, ``observed_uplift`` and
    ``predicted_uplift`` (mean score of the bin) - rates are fractions.

    Example
    -------
    >>> t = uplift_by_decile([1, 0, 1, 0, 1, 0, 1, 0], [0, 1, 0, 1, 1, 1, 0, 0],
    ...                      [0.9, 0.8, 0.7, 0.6, 0.3, 0.2, 0.1, 0.0], bins=2)
    >>> t[["bin", "treated", "control", "observed_uplift"]].values.tolist()
    [[1.0, 2.0, 2.0, 1.0], [2.0, 2.0, 2.0, 0.0]]
    """
    t, y, s, n = _inputs(treatment, outcome, uplift_scores, "uplift_scores")
    bins = check_bins(bins, n)
    order = np.argsort(-s, kind="stable")
    to, yo, so = t[order], y[order], s[order]
    sizes = bin_sizes(n, bins)
    ends = np.cumsum(sizes)
    rows = []
    for b, (e, k) in enumerate(zip(ends, sizes), start=1):
        tb, yb = to[e - k:e], yo[e - k:e]
        nt, nc = int(tb.sum()), int(k - tb.sum())
        rt = yb[tb == 1].sum() / nt if nt else float("nan")
        rc = yb[tb == 0].sum() / nc if nc else float("nan")
        rows.append((b, int(k), nt, nc, rt, rc, rc - rt, math.fsum(so[e - k:e]) / k))
    return pd.DataFrame(rows, columns=["bin", "customers", "treated", "control", "churn_rate_treated",
                                       "churn_rate_control", "observed_uplift", "predicted_uplift"])


def qini_curve(treatment, outcome, uplift_scores) -> pd.DataFrame:
    """Radcliffe's Qini curve: extra customers retained when contacting the top ``k`` by uplift.

    For the ``k`` customers with the highest scores (ties by position), with ``N_t(k)``,
    ``N_c(k)`` contacted / control customers and ``C_t(k)``, ``C_c(k)`` churners among them:

        qini(k) = C_c(k) * N_t(k) / N_c(k) - C_t(k)

    the churners the control rate predicts among the contacted minus those observed, i.e.
    customers kept by contacting, counted on the treated group's scale (Radcliffe 2007,
    "Using control groups to target on predicted lift"; the control term is 0 while
    ``N_c(k) = 0``, as in scikit-uplift, which however steps over tied scores at once where
    we split ties by position like every ranking here). ``random`` is the straight line
    from 0 to ``qini(n)``: the same budget spent on randomly chosen customers.

    Returns
    -------
    DataFrame with one row per ``k = 0..n``: ``contacted`` (k), ``share_contacted`` (k / n),
    ``treated``, ``control`` (counts among the top k), ``qini`` and ``random`` (customers).

    Example
    -------
    >>> q = qini_curve([1, 0, 1, 0], [0, 1, 1, 1], [0.9, 0.8, 0.2, 0.1])
    >>> q["qini"].tolist()
    [0.0, 0.0, 1.0, 1.0, 1.0]
    """
    t, y, s, n = _inputs(treatment, outcome, uplift_scores, "uplift_scores")
    order = np.argsort(-s, kind="stable")
    to, yo = t[order], y[order]
    nt = np.concatenate([[0], np.cumsum(to)])
    nc = np.arange(n + 1) - nt
    ct = np.concatenate([[0], np.cumsum(yo * to)])
    cc = np.concatenate([[0], np.cumsum(yo * (1 - to))])
    scale = np.divide(nt, nc, out=np.zeros(n + 1), where=nc > 0)
    q = cc * scale - ct
    k = np.arange(n + 1)
    return pd.DataFrame({"contacted": k, "share_contacted": k / n, "treated": nt, "control": nc,
                         "qini": q, "random": q[-1] * k / n})


def qini_coefficient(treatment, outcome, uplift_scores) -> float:
    """Area between the Qini curve and the random line (unnormalised Qini coefficient).

    Definition used here: x = share of customers contacted (0..1), y = ``qini / N_t`` (extra
    retained customers as a share of all contacted customers, so y(1) is the campaign's
    average effect); the area is taken by the trapezoid rule. Units: share x share; 0 =
    no better than random, positive = the ranking puts persuadables first, negative = it puts
    them last. Compare models only on the same data (scikit-uplift's ``qini_auc_score``
    divides a similar area by that of a perfect ranking instead).

    Example
    -------
    >>> qini_coefficient([1, 0, 1, 0], [0, 1, 1, 1], [0.9, 0.8, 0.2, 0.1])
    0.0625
    """
    q = qini_curve(treatment, outcome, uplift_scores)
    d = ((q["qini"] - q["random"]) / q["treated"].iloc[-1]).to_numpy()
    n = len(d) - 1
    return math.fsum(np.concatenate([[d[0] / 2], d[1:-1], [d[-1] / 2]])) / n


def compare_targeting(treatment, outcome, risk_scores, uplift_scores, budget: int, value_saved: float,
                      contact_cost: float, offer_cost: float, accept_rate: float = 1.0,
                      true_uplift=None) -> pd.DataFrame:
    """At the same budget: contact the highest churn risk, or the highest predicted uplift?

    Each strategy contacts its ``budget`` top-ranked customers (ties by position), so both
    spend exactly the same: ``budget * (contact_cost + accept_rate * offer_cost)`` (every
    contacted customer costs a contact; a share ``accept_rate`` takes the offer).
    Customers saved by contacting a group:

    - from the randomised campaign (default): ``(churn rate of the group's control customers
      - churn rate of its contacted customers) x budget``, an unbiased estimate - noisy when
      the group is small; NaN if the group holds no contacted or no control customer;
    - from ``true_uplift`` when given (simulations, the instructor's hidden truth): the sum of
      the true reductions in churn probability of the group.

    ``net_value = customers_saved * value_saved - total_cost``; ``roi = net_value / total_cost``.

    Parameters
    ----------
    treatment, outcome : 0/1 per customer of the evaluated (held-out) campaign data;
        may be None when ``true_uplift`` is given.
    risk_scores, uplift_scores : float per customer (churn probability; predicted uplift).
    budget : int, customers to contact (``0..n``).
    value_saved, contact_cost, offer_cost : CNY per customer; accept_rate : share 0..1.
    true_uplift : float per customer, optional.

    Returns
    -------
    DataFrame with rows ``risk`` and ``uplift`` (index ``strategy``): ``strategy_zh``,
    ``contacted``, ``treated``, ``control`` (in the group), ``churn_rate_treated``,
    ``churn_rate_control``, ``customers_saved``, ``saved_value``, ``total_cost``,
    ``net_value`` (CNY), ``roi``, ``basis`` ("experiment" or "true_uplift").

    Example
    -------
    Four customers; risk picks the two lost causes (churn either way), uplift the two
    persuadables (saved only when contacted):

    >>> r = compare_targeting(None, None, risk_scores=[0.9, 0.8, 0.5, 0.4], uplift_scores=[0.0, 0.1, 0.6, 0.5],
    ...                       budget=2, value_saved=1000, contact_cost=10, offer_cost=40,
    ...                       true_uplift=[0.0, 0.0, 0.5, 0.5])
    >>> r[["customers_saved", "total_cost", "net_value"]].values.tolist()
    [[0.0, 100.0, -100.0], [1.0, 100.0, 900.0]]
    """
    r = as_scores(risk_scores, "risk_scores")
    u = as_scores(uplift_scores, "uplift_scores")
    pairs = [("risk_scores", risk_scores, r), ("uplift_scores", uplift_scores, u)]
    truth = None
    if true_uplift is not None:
        truth = as_scores(true_uplift, "true_uplift")
        pairs.append(("true_uplift", true_uplift, truth))
    if treatment is not None or outcome is not None or truth is None:
        if treatment is None or outcome is None:
            raise arg_error("需要同时给出 treatment 和 outcome（或给出 true_uplift）",
                            "give both treatment and outcome (or true_uplift)")
        t, y = as_binary(treatment, "treatment"), as_binary(outcome, "outcome")
        pairs += [("treatment", treatment, t), ("outcome", outcome, y)]
    else:
        t = y = None
    n = check_same_length(*pairs)
    if t is not None:
        _check_groups(t)
    k = check_budget(budget, n)
    value_saved = check_amount(value_saved, "value_saved")
    contact_cost = check_amount(contact_cost, "contact_cost")
    offer_cost = check_amount(offer_cost, "offer_cost")
    accept_rate = check_amount(accept_rate, "accept_rate", rate=True)
    cost = k * contact_cost + k * accept_rate * offer_cost
    rows = []
    for name, zh, s in (("risk", "按流失风险 (churn risk)", r), ("uplift", "按挽留增益 (uplift)", u)):
        pick = np.argsort(-s, kind="stable")[:k]
        nt = nc = 0
        rt = rc = float("nan")
        if t is not None:
            tp, yp = t[pick], y[pick]
            nt, nc = int(tp.sum()), int(k - tp.sum())
            rt = yp[tp == 1].sum() / nt if nt else float("nan")
            rc = yp[tp == 0].sum() / nc if nc else float("nan")
        saved = math.fsum(truth[pick]) if truth is not None else (rc - rt) * k
        if k == 0:
            saved = 0.0
        net = saved * value_saved - cost
        rows.append((name, zh, k, nt, nc, rt, rc, saved, saved * value_saved, cost, net,
                     net / cost if cost > 0 else float("nan"),
                     "true_uplift" if truth is not None else "experiment"))
    out = pd.DataFrame(rows, columns=["strategy", "strategy_zh", "contacted", "treated", "control",
                                      "churn_rate_treated", "churn_rate_control", "customers_saved",
                                      "saved_value", "total_cost", "net_value", "roi", "basis"])
    return out.set_index("strategy")
