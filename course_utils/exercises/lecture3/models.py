"""Reference churn models shared by Lecture 3's questions 2 and 3 (fitted once, on demand).

Not an exercise: the three models of :func:`course_utils.churn_models.make_churn_model`
with their default settings, trained on the earlier cut-off and scored on the later
one, plus the metrics the checks and the contact-budget widget read.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from course_utils.evaluation import budget_metrics, lift_table, profit_curve

KINDS = ("logistic", "tree", "forest")
#: Trees of the reference forest (half the default: the same AUC within 0.01, half the time).
FOREST_TREES = 100

#: The contact-budget widget's economics (CNY; shares): a call, the retention offer, the value
#: of a customer kept, and the share of the contacted churners the call keeps (an assumption:
#: question 4 shows that the riskiest are often beyond saving).
CONTACT_COST = 25.0
OFFER_COST = 100.0
VALUE_SAVED = 5000.0
SAVE_RATE = 0.10


class ReferenceModels:
    """Three default churn models: fit on ``train``, score ``test`` (lazy, cached).

    >>> import pandas as pd
    >>> t = pd.DataFrame({"x": [0, 1, 2, 3] * 10, "churned": [0, 0, 1, 1] * 10})
    >>> m = ReferenceModels(t, t, ["x"])
    >>> round(m.auc(m.scores()["logistic"]), 2)
    1.0
    """

    def __init__(self, train: pd.DataFrame, test: pd.DataFrame, features, random_state: int = 0):
        self.train, self.test = train, test
        self.features = list(features)
        self.random_state = int(random_state)
        self.y = test["churned"].to_numpy(dtype=np.int64)
        self._scores: dict | None = None
        self._profit: dict = {}

    def scores(self) -> dict[str, np.ndarray]:
        """Churn probability of every test customer, per model kind."""
        if self._scores is None:
            from course_utils.churn_models import make_churn_model

            out = {}
            for kind in KINDS:
                extra = {"n_estimators": FOREST_TREES} if kind == "forest" else {}
                model = make_churn_model(kind, self.features, [], random_state=self.random_state, **extra)
                model.fit(self.train[self.features], self.train["churned"])
                out[kind] = model.predict_proba(self.test[self.features])[:, 1]
            self._scores = out
        return self._scores

    def auc(self, scores) -> float:
        """ROC AUC of ``scores`` on the test labels."""
        from sklearn.metrics import roc_auc_score
        return float(roc_auc_score(self.y, scores))

    def metrics(self, scores, budget: int) -> dict:
        """Precision / recall / lift of calling the ``budget`` highest-scored test customers."""
        return budget_metrics(self.y, scores, int(min(max(budget, 0), len(self.y))))

    def decile_lift(self, scores) -> float:
        """Lift of the top 10 % (first decile)."""
        return float(lift_table(self.y, scores, bins=10)["lift"].iloc[0])

    def profit(self, kind: str) -> pd.DataFrame:
        """:func:`course_utils.evaluation.profit_curve` of model ``kind`` for every budget 0..n."""
        if kind not in self._profit:
            curve = profit_curve(self.y, self.scores()[kind], value_saved=VALUE_SAVED,
                                 contact_cost=CONTACT_COST, offer_cost=OFFER_COST, save_rate=SAVE_RATE)
            reached = curve["churners_reached"].to_numpy(dtype=float)
            k = curve["contacted"].to_numpy(dtype=float)
            with np.errstate(divide="ignore", invalid="ignore"):
                curve["precision"] = np.where(k > 0, reached / np.where(k > 0, k, 1), np.nan)
            curve["recall"] = reached / max(int(self.y.sum()), 1)
            curve["lift"] = curve["precision"] / (self.y.mean() if self.y.mean() > 0 else np.nan)
            self._profit[kind] = curve
        return self._profit[kind]
