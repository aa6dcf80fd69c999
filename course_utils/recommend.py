"""Product recommendation for Lecture 4: item-based collaborative filtering,
a popularity baseline, content-based and hybrid recommenders, and metrics.

Everything works on a *holdings* table (one row per customer x product,
columns ``customer_id``, ``product_id`` and, for the time split,
``start_date``).  Holdings are implicit feedback: 1 = holds, 0 = does not.

Typical use::

    from course_utils.recommend import (time_split, item_based_cf,
        popularity_baseline, precision_at_k, recall_at_k, coverage)
    train, test = time_split(bank.holdings, "2023-07-01")
    recs_cf = item_based_cf(train, k=5)
    recs_pop = popularity_baseline(train, k=5)
    precision_at_k(test, recs_cf, k=5), precision_at_k(test, recs_pop, k=5)

Recommendation tables have columns ``customer_id``, ``product_id``,
``rank`` (1 = best) and ``score``; they never contain a product the
customer already holds in the training data.

Metrics follow Microsoft Recommenders' convention: **truth first**
(``metric(test, recs, k=5)``), keyword-friendly, column names as keyword
defaults (``col_user``, ``col_item``, ``col_rank``). ``test`` is the held-out
table of (customer, product) pairs; ``recs`` a recommendation table or a
``{customer: [products best first]}`` mapping. Every customer in ``test``
counts; one without recommendations scores 0.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from . import domain

__all__ = [
    "time_split",
    "item_similarity",
    "item_based_cf",
    "popularity_baseline",
    "product_features",
    "content_based",
    "hybrid",
    "precision_at_k",
    "recall_at_k",
    "ndcg_at_k",
    "coverage",
    "evaluate",
]

_REC_COLUMNS = ["customer_id", "product_id", "rank", "score"]
#: Default column names of the metrics (as in Microsoft Recommenders).
DEFAULT_USER_COL = "customer_id"
DEFAULT_ITEM_COL = "product_id"
DEFAULT_RANK_COL = "rank"
#: Default number of recommendations per customer that the metrics look at.
DEFAULT_K = 5
#: Weight of the popularity term that only breaks ties between equal scores.
POPULARITY_TIEBREAK = 1e-3


def _check_columns(df: pd.DataFrame, cols: Iterable[str], what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what} 应该是 DataFrame（表格），现在是 {type(df).__name__}。")
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(
            f"{what} 缺少列 {missing}（missing columns）；现有列：{list(df.columns)}。"
        )


def time_split(holdings: pd.DataFrame, cutoff) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split holdings at a date (honest evaluation: learn from the past, test on the future).

    * ``train`` = holdings with ``start_date < cutoff``;
    * ``test``  = holdings with ``start_date >= cutoff`` of customers who
      appear in ``train``, minus (customer, product) pairs already in
      ``train`` (so the test asks: *which new products* did they take up?).

    ``cutoff`` is a date string (``"2023-07-01"``) or a timestamp;
    ``start_date`` may be ISO strings or datetime64.

    >>> h = pd.DataFrame({"customer_id": ["a", "a", "b", "c"],
    ...                   "product_id":  ["P1", "P2", "P1", "P3"],
    ...                   "start_date":  ["2023-01-05", "2023-09-01", "2023-08-01", "2022-03-01"]})
    >>> train, test = time_split(h, "2023-07-01")
    >>> train.customer_id.tolist(), test[["customer_id", "product_id"]].values.tolist()
    (['a', 'c'], [['a', 'P2']])
    """
    _check_columns(holdings, ["customer_id", "product_id", "start_date"], "holdings")
    try:
        cut = pd.Timestamp(cutoff)
    except (TypeError, ValueError):
        raise ValueError(f"cutoff 应该是日期，例如 '2023-07-01'，收到 {cutoff!r}。") from None
    start = domain.as_dates(holdings["start_date"], "start_date")
    is_train = (start < cut).to_numpy()
    is_later = (start >= cut).to_numpy()
    c_codes, _ = pd.factorize(holdings["customer_id"])
    p_codes, p_uniq = pd.factorize(holdings["product_id"])
    key = c_codes.astype(np.int64) * (len(p_uniq) + 1) + p_codes
    in_train_cust = np.isin(c_codes, np.unique(c_codes[is_train]))
    new_pair = ~np.isin(key, key[is_train])
    test_mask = is_later & in_train_cust & new_pair
    first = np.zeros(len(key), dtype=bool)
    idx = np.flatnonzero(test_mask)
    _, keep = np.unique(key[idx], return_index=True)
    first[idx[np.sort(keep)]] = True  # one row per (customer, product)
    train = holdings[is_train]
    test = holdings[first]
    return train.reset_index(drop=True), test.reset_index(drop=True)


def _matrix(holdings: pd.DataFrame) -> tuple[np.ndarray, pd.Index, pd.Index]:
    """Binary customer x product matrix (float32) with its row/column labels."""
    holdings = holdings.dropna(subset=["customer_id", "product_id"])
    u_codes, u_uniq = pd.factorize(holdings["customer_id"])
    p_codes, p_uniq = pd.factorize(holdings["product_id"])
    order = np.argsort(np.asarray(p_uniq, dtype=object).astype(str), kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    x = np.zeros((len(u_uniq), len(p_uniq)), dtype=np.float32)
    x[u_codes, rank[p_codes]] = 1.0
    return x, pd.Index(u_uniq), pd.Index(np.asarray(p_uniq, dtype=object)[order])


def item_similarity(holdings: pd.DataFrame, method: str = "cosine") -> pd.DataFrame:
    """Product x product similarity from co-holding.

    ``method="cosine"``: ``|A∩B| / sqrt(|A|·|B|)`` where ``A`` = customers
    holding product a; ``method="jaccard"``: ``|A∩B| / |A∪B|``.  The
    diagonal is 0 (a product is not recommended because of itself).

    >>> h = pd.DataFrame({"customer_id": ["a", "a", "b", "b", "c"],
    ...                   "product_id": ["P1", "P2", "P1", "P2", "P1"]})
    >>> round(float(item_similarity(h).loc["P1", "P2"]), 3)   # 2 / sqrt(3*2)
    0.816
    """
    _check_columns(holdings, ["customer_id", "product_id"], "holdings")
    x, _, items = _matrix(holdings)
    return pd.DataFrame(_similarity(x, method), index=items, columns=items)


def _similarity(x: np.ndarray, method: str) -> np.ndarray:
    co = (x.T @ x).astype(np.float64)  # float32 counts are exact below 2**24
    cnt = np.diag(co).copy()
    if method == "cosine":
        denom = np.sqrt(np.outer(cnt, cnt))
    elif method == "jaccard":
        denom = cnt[:, None] + cnt[None, :] - co
    else:
        raise ValueError(f"method 只能是 'cosine' 或 'jaccard'，收到 {method!r}。")
    with np.errstate(divide="ignore", invalid="ignore"):
        sim = np.where(denom > 0, co / denom, 0.0)
    np.fill_diagonal(sim, 0.0)
    return sim


def _top_k(scores: np.ndarray, held: np.ndarray, users: pd.Index, items: pd.Index, k: int) -> pd.DataFrame:
    """Top-k unheld items per row; ties broken by item order (deterministic)."""
    s = np.where(held > 0, -np.inf, scores.astype(np.float64))
    k_eff = min(k, s.shape[1])
    order = np.argsort(-s, axis=1, kind="stable")[:, :k_eff]
    top = np.take_along_axis(s, order, axis=1)
    ok = np.isfinite(top)
    rows, cols = np.nonzero(ok)
    return pd.DataFrame(
        {
            "customer_id": users.to_numpy()[rows],
            "product_id": items.to_numpy()[order[rows, cols]],
            "rank": cols + 1,
            "score": top[rows, cols],
        }
    )


def _check_k(k) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k 应该是正整数（例如 5），收到 {k!r}。")
    return int(k)


def item_based_cf(
    holdings_train: pd.DataFrame,
    k: int = 5,
    method: str = "cosine",
    neighbours: int | None = 20,
    popularity_tiebreak: float = POPULARITY_TIEBREAK,
) -> pd.DataFrame:
    """Item-based collaborative filtering ("customers who hold X also hold Y").

    Score of an unheld product ``j`` for a customer holding the set ``H``::

        score(j) = sum_{i in H} sim(i, j)

    where ``sim`` is :func:`item_similarity` (cosine by default), keeping for
    each product only its ``neighbours`` most similar products (``None`` =
    all).  A tiny popularity term (``popularity_tiebreak`` x share of
    customers holding ``j``) breaks ties, e.g. for customers whose products
    have no neighbours.  Returns the top ``k`` per customer as a table
    ``customer_id, product_id, rank, score`` (products already held are
    never recommended).

    >>> h = pd.DataFrame({"customer_id": ["a", "a", "b", "b", "c"],
    ...                   "product_id": ["P1", "P2", "P1", "P2", "P1"]})
    >>> item_based_cf(h, k=1).query("customer_id == 'c'").product_id.item()
    'P2'
    """
    k = _check_k(k)
    _check_columns(holdings_train, ["customer_id", "product_id"], "holdings_train")
    x, users, items = _matrix(holdings_train)
    scores = _cf_scores(holdings_train, x, items, method, neighbours)
    scores = scores + popularity_tiebreak * x.mean(axis=0)[None, :]
    return _top_k(scores, x, users, items, k)


def _cf_scores(holdings_train, x, items, method, neighbours) -> np.ndarray:
    sim = _similarity(x, method)
    if neighbours is not None and neighbours < len(items) - 1:
        # keep, for each candidate product, its `neighbours` most similar products
        thresh = -np.sort(-sim, axis=0)[neighbours - 1]
        sim = np.where(sim >= thresh[None, :], sim, 0.0)
    return x @ sim


def product_features(products: pd.DataFrame) -> pd.DataFrame:
    """Content features of products: one-hot ``category`` and ``risk_level``.

    Index = ``product_id``; values 0/1.  Used by :func:`content_based`.

    >>> p = pd.DataFrame({"product_id": ["P1", "P2"], "category": ["基金", "存款"],
    ...                   "risk_level": ["R4", "R1"]})
    >>> product_features(p).loc["P1"].to_dict()
    {'category_基金': 1.0, 'category_存款': 0.0, 'risk_R4': 1.0, 'risk_R1': 0.0}
    """
    _check_columns(products, ["product_id", "category", "risk_level"], "products")
    cat = pd.get_dummies(products["category"], prefix="category", dtype=float)
    risk = pd.get_dummies(products["risk_level"], prefix="risk", dtype=float)
    cat = cat[[f"category_{c}" for c in pd.unique(products["category"])]]
    risk = risk[[f"risk_{r}" for r in pd.unique(products["risk_level"])]]
    out = pd.concat([cat, risk], axis=1)
    out.index = products["product_id"].to_numpy()
    return out


def _content_scores(x, items, products) -> np.ndarray:
    f = product_features(products).reindex(items).fillna(0.0).to_numpy()
    f = f / np.maximum(np.linalg.norm(f, axis=1, keepdims=True), 1e-12)
    profile = x @ f
    profile = profile / np.maximum(np.linalg.norm(profile, axis=1, keepdims=True), 1e-12)
    return profile @ f.T


def content_based(
    holdings_train: pd.DataFrame, products: pd.DataFrame, k: int = 5,
    popularity_tiebreak: float = POPULARITY_TIEBREAK,
) -> pd.DataFrame:
    """Content-based recommendation: products *like* the ones a customer holds.

    A customer's profile is the sum of the (normalised) feature vectors of
    the products they hold (:func:`product_features`: category and risk
    level); an unheld product scores the cosine between its features and
    the profile (0..1).  Only products that appear in ``holdings_train``
    are candidates, as for the other recommenders.

    >>> h = pd.DataFrame({"customer_id": ["a", "b", "b"], "product_id": ["P1", "P2", "P3"]})
    >>> p = pd.DataFrame({"product_id": ["P1", "P2", "P3"], "category": ["基金", "基金", "存款"],
    ...                   "risk_level": ["R4", "R4", "R1"]})
    >>> content_based(h, p, k=1).query("customer_id == 'a'").product_id.item()
    'P2'
    """
    k = _check_k(k)
    _check_columns(holdings_train, ["customer_id", "product_id"], "holdings_train")
    x, users, items = _matrix(holdings_train)
    scores = _content_scores(x, items, products) + popularity_tiebreak * x.mean(axis=0)[None, :]
    return _top_k(scores, x, users, items, k)


def hybrid(
    holdings_train: pd.DataFrame,
    products: pd.DataFrame,
    k: int = 5,
    alpha: float = 0.7,
    method: str = "cosine",
    neighbours: int | None = 20,
    popularity_tiebreak: float = POPULARITY_TIEBREAK,
) -> pd.DataFrame:
    """Hybrid: ``alpha`` x CF score + (1 - alpha) x content score.

    Each score is first divided by the customer's largest score of that
    kind, so both lie in 0..1.  ``alpha=1`` is pure item-based CF,
    ``alpha=0`` pure content-based.  ``popularity_tiebreak`` x (share of
    customers holding the product) is added only to break ties, as in
    :func:`item_based_cf`; keep it far below the score differences that
    matter (0 = ties broken by product order alone).

    >>> h = pd.DataFrame({"customer_id": ["a", "a", "b", "b", "c"],
    ...                   "product_id": ["P1", "P2", "P1", "P2", "P1"]})
    >>> p = pd.DataFrame({"product_id": ["P1", "P2"], "category": ["基金", "存款"], "risk_level": ["R4", "R1"]})
    >>> hybrid(h, p, k=1).query("customer_id == 'c'").product_id.item()
    'P2'
    """
    k = _check_k(k)
    if not 0.0 <= float(alpha) <= 1.0:
        raise ValueError(f"alpha 应在 0 到 1 之间，收到 {alpha!r}。")
    _check_columns(holdings_train, ["customer_id", "product_id"], "holdings_train")
    x, users, items = _matrix(holdings_train)

    def scaled(s):
        s = np.where(x > 0, 0.0, s)
        return s / np.maximum(s.max(axis=1, keepdims=True), 1e-12)

    cf = scaled(_cf_scores(holdings_train, x, items, method, neighbours))
    cb = scaled(_content_scores(x, items, products))
    scores = alpha * cf + (1 - alpha) * cb + popularity_tiebreak * x.mean(axis=0)[None, :]
    return _top_k(scores, x, users, items, k)


def popularity_baseline(holdings_train: pd.DataFrame, k: int = 5) -> pd.DataFrame:
    """Recommend the ``k`` most-held products each customer does not hold yet.

    The baseline any recommender must beat.  ``score`` = share of customers
    holding the product in ``holdings_train``.

    >>> h = pd.DataFrame({"customer_id": ["a", "b", "b", "c"],
    ...                   "product_id": ["P1", "P1", "P2", "P3"]})
    >>> popularity_baseline(h, k=1).set_index("customer_id").product_id.to_dict()
    {'a': 'P2', 'b': 'P3', 'c': 'P1'}
    """
    k = _check_k(k)
    _check_columns(holdings_train, ["customer_id", "product_id"], "holdings_train")
    x, users, items = _matrix(holdings_train)
    pop = np.broadcast_to(x.mean(axis=0), x.shape)
    return _top_k(pop, x, users, items, k)


def _rec_lists(recs, k: int, col_user: str = DEFAULT_USER_COL, col_item: str = DEFAULT_ITEM_COL,
               col_rank: str = DEFAULT_RANK_COL) -> dict:
    """Normalise recommendations to {customer_id: [product_id, ...]} (top k, best first)."""
    if isinstance(recs, pd.DataFrame):
        _check_columns(recs, [col_user, col_item], "recs")
        r = recs.sort_values(col_rank, kind="stable") if col_rank in recs else recs
        r = r.groupby(col_user, sort=False)[col_item].agg(list)
        return {c: v[:k] for c, v in r.items()}
    if isinstance(recs, Mapping):
        return {c: list(v)[:k] for c, v in recs.items()}
    raise TypeError("recs 应该是推荐表（DataFrame: customer_id, product_id, rank）或 {客户: [产品…]} 字典。")


def _truth(test, col_user: str = DEFAULT_USER_COL, col_item: str = DEFAULT_ITEM_COL) -> dict:
    if not isinstance(test, pd.DataFrame):
        raise TypeError(
            f"test 应该是留出的真实数据表（customer_id, product_id），现在是 {type(test).__name__}。"
            "参数顺序是“真实在前”：precision_at_k(test, recs, k=5)。\n"
            "test must be the held-out (customer_id, product_id) table; the order is "
            "metric(test, recs, k=5).")
    _check_columns(test, [col_user, col_item], "test")
    return {c: set(v) for c, v in test.groupby(col_user, sort=True)[col_item]}


def _mean_over_test_customers(test, recs, k, per_customer, col_user, col_item, col_rank) -> float:
    """Mean of ``per_customer(recommended_top_k, true_items)`` over the customers in ``test``.

    The one helper behind every accuracy metric: a customer without recommendations
    gets an empty list (and so scores 0); NaN when ``test`` is empty.
    """
    k = _check_k(k)
    truth = _truth(test, col_user, col_item)
    lists = _rec_lists(recs, k, col_user, col_item, col_rank)
    vals = [per_customer(lists.get(cust, []), items, k) for cust, items in truth.items()]
    return float(np.mean(vals)) if vals else float("nan")


def precision_at_k(test: pd.DataFrame, recs, k: int = DEFAULT_K, *, col_user: str = DEFAULT_USER_COL,
                   col_item: str = DEFAULT_ITEM_COL, col_rank: str = DEFAULT_RANK_COL) -> float:
    """Precision@k: mean over test customers of (relevant products in the top k) / k.

    ``test``: held-out ``customer_id, product_id`` rows (what customers really took up);
    ``recs``: recommendation table (``customer_id, product_id, rank``) or
    ``{customer: [products]}``.  Every test customer counts; no recommendations -> 0.
    Fewer than ``k`` recommendations still divide by ``k``.  Returns a fraction in [0, 1].

    >>> recs = {"a": ["P1", "P2"], "b": ["P3", "P4"]}
    >>> test = pd.DataFrame({"customer_id": ["a", "b", "b"], "product_id": ["P2", "P3", "P9"]})
    >>> precision_at_k(test, recs, k=2)   # a: 1/2, b: 1/2
    0.5
    """
    return _mean_over_test_customers(test, recs, k, lambda rec, true, k: len(set(rec) & true) / k,
                                     col_user, col_item, col_rank)


def recall_at_k(test: pd.DataFrame, recs, k: int = DEFAULT_K, *, col_user: str = DEFAULT_USER_COL,
                col_item: str = DEFAULT_ITEM_COL, col_rank: str = DEFAULT_RANK_COL) -> float:
    """Recall@k: mean over test customers of (relevant products in the top k) / (their test products).

    Same arguments and rules as :func:`precision_at_k`.

    >>> recs = {"a": ["P1", "P2"], "b": ["P3", "P4"]}
    >>> test = pd.DataFrame({"customer_id": ["a", "b", "b"], "product_id": ["P2", "P3", "P9"]})
    >>> recall_at_k(test, recs, k=2)   # a: 1/1, b: 1/2
    0.75
    """
    return _mean_over_test_customers(test, recs, k, lambda rec, true, k: len(set(rec) & true) / len(true),
                                     col_user, col_item, col_rank)


def _ndcg_one(rec, true, k) -> float:
    gains = [1.0 / np.log2(i + 2) for i, item in enumerate(rec[:k]) if item in true]
    ideal = sum(1.0 / np.log2(i + 2) for i in range(min(k, len(true))))
    return float(sum(gains) / ideal) if ideal else 0.0


def ndcg_at_k(test: pd.DataFrame, recs, k: int = DEFAULT_K, *, col_user: str = DEFAULT_USER_COL,
              col_item: str = DEFAULT_ITEM_COL, col_rank: str = DEFAULT_RANK_COL) -> float:
    """NDCG@k with binary relevance: rewards relevant products near the top of the list.

    Per customer ``DCG = sum over relevant products at position i (1-based, i <= k) of
    1 / log2(i + 1)``, divided by the best possible DCG (all of the customer's test
    products, up to ``k``, at the top). Mean over test customers; no recommendations -> 0.

    >>> test = pd.DataFrame({"customer_id": ["a", "b"], "product_id": ["P2", "P1"]})
    >>> round(ndcg_at_k(test, {"a": ["P1", "P2"], "b": ["P1", "P3"]}, k=2), 4)   # (1/log2(3) + 1) / 2
    0.8155
    """
    return _mean_over_test_customers(test, recs, k, _ndcg_one, col_user, col_item, col_rank)


def coverage(recs, catalogue, k: int | None = None, *, col_user: str = DEFAULT_USER_COL,
             col_item: str = DEFAULT_ITEM_COL, col_rank: str = DEFAULT_RANK_COL) -> float:
    """Catalogue coverage: share of the catalogue that appears in at least one recommendation list.

    ``catalogue``: product table (with ``product_id``), list of ids, or the
    number of products.  ``k``: only count each customer's top ``k``
    (default: all rows).  A popularity baseline recommends the same few
    products to everybody, so its coverage is low.

    >>> coverage({"a": ["P1", "P2"], "b": ["P1", "P3"]}, ["P1", "P2", "P3", "P4"])
    0.75
    """
    lists = _rec_lists(recs, _check_k(k) if k is not None else 10**9, col_user, col_item, col_rank)
    shown = {p for v in lists.values() for p in v}
    if isinstance(catalogue, pd.DataFrame):
        _check_columns(catalogue, [col_item], "catalogue")
        universe = set(catalogue[col_item])
    elif isinstance(catalogue, (int, np.integer)):
        return len(shown) / int(catalogue) if catalogue else float("nan")
    else:
        universe = set(catalogue)
    return len(shown & universe) / len(universe) if universe else float("nan")


def evaluate(test: pd.DataFrame, recs, catalogue, k: int = DEFAULT_K) -> dict:
    """precision@k, recall@k, ndcg@k and coverage (of the top k) in one dict.

    >>> recs = {"a": ["P1", "P2"]}
    >>> test = pd.DataFrame({"customer_id": ["a"], "product_id": ["P2"]})
    >>> evaluate(test, recs, ["P1", "P2", "P3", "P4"], k=2)["precision@k"]
    0.5
    """
    return {
        "precision@k": precision_at_k(test, recs, k),
        "recall@k": recall_at_k(test, recs, k),
        "ndcg@k": ndcg_at_k(test, recs, k),
        "coverage": coverage(recs, catalogue, k),
    }
