"""Recommender (course_utils.recommend): metrics by hand, split rules, and the
lesson's claim: item-based CF beats the popularity baseline on a time split."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from _standin_customers import standin_customers
from course_utils.datagen.products import make_holdings, make_products
from course_utils.recommend import (
    content_based,
    coverage,
    hybrid,
    ndcg_at_k,
    product_features,
    evaluate,
    item_based_cf,
    item_similarity,
    popularity_baseline,
    precision_at_k,
    recall_at_k,
    time_split,
)


# --- hand-computed metrics -------------------------------------------------

TEST = pd.DataFrame({"customer_id": ["a", "a", "b", "c"], "product_id": ["P1", "P3", "P2", "P9"]})


def test_precision_and_recall_by_hand():
    recs = {"a": ["P1", "P2", "P3"], "b": ["P4", "P2", "P5"], "c": ["P1", "P2", "P3"]}
    # hits: a 2, b 1, c 0; test sizes a 2, b 1, c 1
    assert precision_at_k(TEST, recs, k=3) == pytest.approx((2 / 3 + 1 / 3 + 0) / 3)
    assert recall_at_k(TEST, recs, k=3) == pytest.approx((1 + 1 + 0) / 3)
    # only the top 1 counts
    assert precision_at_k(TEST, recs, k=1) == pytest.approx((1 + 0 + 0) / 3)
    assert recall_at_k(TEST, recs, k=1) == pytest.approx((0.5 + 0 + 0) / 3)
    # keyword-friendly, truth first
    assert precision_at_k(test=TEST, recs=recs, k=3) == precision_at_k(TEST, recs, 3)


def test_ndcg_by_hand():
    recs = {"a": ["P1", "P2", "P3"], "b": ["P4", "P2", "P5"], "c": ["P1", "P2", "P3"]}
    # a: hits at 1 and 3, ideal 2 at 1-2; b: hit at 2, ideal at 1; c: none
    a = (1 + 1 / np.log2(4)) / (1 + 1 / np.log2(3))
    b = (1 / np.log2(3)) / 1
    assert ndcg_at_k(TEST, recs, k=3) == pytest.approx((a + b + 0) / 3)
    perfect = {"a": ["P1", "P3"], "b": ["P2"], "c": ["P9"]}
    assert ndcg_at_k(TEST, perfect, k=2) == pytest.approx(1.0)
    # the same hits lower in the list score less; precision cannot tell them apart
    late = {"a": ["X", "P1"], "b": ["X", "P2"], "c": ["X", "P9"]}
    early = {"a": ["P1", "X"], "b": ["P2", "X"], "c": ["P9", "X"]}
    assert precision_at_k(TEST, late, k=2) == precision_at_k(TEST, early, k=2)
    assert ndcg_at_k(TEST, late, k=2) < ndcg_at_k(TEST, early, k=2)


def test_swapped_arguments_get_a_clear_message():
    with pytest.raises(TypeError, match="真实在前"):
        precision_at_k({"a": ["P1"]}, TEST, k=1)


def test_metrics_accept_tables_and_respect_rank_order():
    table = pd.DataFrame(
        {"customer_id": ["a", "a", "b"], "product_id": ["P3", "P1", "P2"], "rank": [2, 1, 1], "score": [0.1, 0.9, 1.0]}
    )
    # a's top 1 is P1 (rank 1), not P3 although P3 comes first in the table
    assert precision_at_k(TEST, table, k=1) == pytest.approx((1 + 1 + 0) / 3)
    renamed = table.rename(columns={"customer_id": "cust", "product_id": "item", "rank": "r"})
    truth = TEST.rename(columns={"customer_id": "cust", "product_id": "item"})
    assert precision_at_k(truth, renamed, k=1, col_user="cust", col_item="item", col_rank="r") == \
        pytest.approx((1 + 1 + 0) / 3)


def test_customer_without_recommendations_counts_as_zero():
    assert precision_at_k(TEST, {"a": ["P1"]}, k=1) == pytest.approx(1 / 3)
    assert recall_at_k(TEST, {}, k=1) == 0 and ndcg_at_k(TEST, {}, k=1) == 0
    assert np.isnan(precision_at_k(TEST.iloc[:0], {"a": ["P1"]}, k=1))


def test_coverage_by_hand():
    recs = {"a": ["P1", "P2"], "b": ["P2", "P3"]}
    assert coverage(recs, ["P1", "P2", "P3", "P4", "P5"]) == pytest.approx(3 / 5)
    assert coverage(recs, 6) == pytest.approx(3 / 6)
    assert coverage(recs, pd.DataFrame({"product_id": ["P1", "P2", "P3", "P4"]}), k=1) == pytest.approx(2 / 4)


def test_evaluate_bundle():
    out = evaluate(TEST[TEST.customer_id == "a"], {"a": ["P1", "P5"]}, ["P1", "P2", "P3", "P4", "P5"], k=2)
    assert out == pytest.approx({"precision@k": 0.5, "recall@k": 0.5,
                                 "ndcg@k": 1 / (1 + 1 / np.log2(3)), "coverage": 0.4})


def test_bad_k_and_bad_input_give_chinese_messages():
    with pytest.raises(ValueError, match="正整数"):
        precision_at_k(TEST, {"a": ["P1"]}, k=0)
    with pytest.raises(ValueError, match="缺少列"):
        item_based_cf(pd.DataFrame({"cust": ["a"], "product_id": ["P1"]}))
    with pytest.raises(TypeError, match="DataFrame"):
        popularity_baseline([("a", "P1")])


# --- split and algorithms on tiny data -------------------------------------

TINY = pd.DataFrame(
    {
        "customer_id": ["a", "a", "a", "b", "b", "c", "c", "d", "e"],
        "product_id": ["P1", "P2", "P3", "P1", "P2", "P1", "P4", "P4", "P2"],
        "start_date": ["2022-01-01", "2022-05-01", "2023-08-01", "2022-02-01", "2023-09-01",
                       "2022-03-01", "2022-03-05", "2023-10-01", "2023-11-01"],
    }
)


def test_time_split_rules():
    train, test = time_split(TINY, "2023-07-01")
    assert (pd.to_datetime(train.start_date) < pd.Timestamp("2023-07-01")).all()
    # d and e have nothing before the cut-off -> not in test; b's P2 is new
    assert sorted(map(tuple, test[["customer_id", "product_id"]].values)) == [("a", "P3"), ("b", "P2")]


def test_time_split_excludes_items_already_held():
    h = pd.DataFrame({"customer_id": ["a", "a"], "product_id": ["P1", "P1"], "start_date": ["2022-01-01", "2024-01-01"]})
    train, test = time_split(h, "2023-07-01")
    assert len(train) == 1 and test.empty


def test_item_similarity_by_hand():
    train, _ = time_split(TINY, "2023-07-01")  # a:{P1,P2} b:{P1} c:{P1,P4}
    sim = item_similarity(train)
    assert sim.loc["P1", "P2"] == pytest.approx(1 / np.sqrt(3 * 1))
    assert sim.loc["P1", "P4"] == pytest.approx(1 / np.sqrt(3 * 1))
    assert sim.loc["P2", "P4"] == 0
    assert np.diag(sim.to_numpy()).sum() == 0
    jac = item_similarity(train, method="jaccard")
    assert jac.loc["P1", "P2"] == pytest.approx(1 / 3)


def test_cf_and_popularity_never_recommend_held_items():
    train, _ = time_split(TINY, "2023-07-01")
    held = set(map(tuple, train[["customer_id", "product_id"]].values))
    for recs in (item_based_cf(train, k=3), popularity_baseline(train, k=3)):
        assert not set(map(tuple, recs[["customer_id", "product_id"]].values)) & held
        assert recs.groupby("customer_id")["rank"].apply(lambda r: list(r) == list(range(1, len(r) + 1))).all()


def test_cf_by_hand():
    train, _ = time_split(TINY, "2023-07-01")
    recs = item_based_cf(train, k=2, neighbours=None)
    # b holds P1: P2 and P4 both have sim 1/sqrt(3); the popularity tie-break is equal
    # too (1 holder each) -> item order decides: P2 first
    b = recs[recs.customer_id == "b"].sort_values("rank")
    assert b.product_id.tolist() == ["P2", "P4"]
    # a holds P1, P2: P4 scores sim(P1,P4)+sim(P2,P4) = 1/sqrt(3)
    a = recs[recs.customer_id == "a"]
    assert a.product_id.tolist() == ["P4"]
    assert a.score.item() == pytest.approx(1 / np.sqrt(3), abs=1e-2)


def test_popularity_by_hand():
    train, _ = time_split(TINY, "2023-07-01")
    pop = popularity_baseline(train, k=1).set_index("customer_id").product_id
    # P1 is held by 3 of 3 customers, P2 and P4 by 1: tie -> item order
    assert pop.to_dict() == {"a": "P4", "b": "P2", "c": "P2"}


# --- the lesson: CF beats popularity on generated data ---------------------

@pytest.mark.parametrize("seed", [1, 2, 3])
def test_item_cf_beats_popularity_on_time_split(seed):
    rng = np.random.default_rng(seed)
    products = make_products(rng)
    holdings = make_holdings(standin_customers(3000, 100 + seed), products, rng)
    train, test = time_split(holdings, "2023-07-01")
    assert test.customer_id.nunique() > 500
    cf = evaluate(test, item_based_cf(train, k=5), products, k=5)
    pop = evaluate(test, popularity_baseline(train, k=5), products, k=5)
    assert cf["precision@k"] > 1.5 * pop["precision@k"]
    assert cf["precision@k"] - pop["precision@k"] > 0.05
    assert cf["recall@k"] > pop["recall@k"]
    assert cf["coverage"] > pop["coverage"]
    assert cf["ndcg@k"] > pop["ndcg@k"]


# --- content-based and hybrid ---------------------------------------------

PRODS = pd.DataFrame(
    {
        "product_id": ["P1", "P2", "P3", "P4"],
        "category": ["基金", "基金", "存款", "存款"],
        "risk_level": ["R4", "R5", "R1", "R1"],
    }
)


def test_product_features_one_hot():
    f = product_features(PRODS)
    assert f.shape == (4, 2 + 3)
    assert (f.sum(axis=1) == 2).all()
    assert f.loc["P3", "category_存款"] == 1 and f.loc["P3", "risk_R1"] == 1


def test_content_based_by_hand():
    h = pd.DataFrame({"customer_id": ["a", "b", "c", "c"], "product_id": ["P3", "P1", "P2", "P4"]})
    recs = content_based(h, PRODS, k=3)
    # a holds a deposit R1 (P3): P4 is identical in features (cosine 1), P1/P2 share nothing
    a = recs[recs.customer_id == "a"].sort_values("rank")
    assert a.product_id.iloc[0] == "P4"
    assert a.score.iloc[0] == pytest.approx(1.0, abs=1e-2)
    # b holds a fund R4: P2 shares the category only -> cosine 1/2
    b = recs[recs.customer_id == "b"].sort_values("rank")
    assert b.product_id.iloc[0] == "P2" and b.score.iloc[0] == pytest.approx(0.5, abs=1e-2)


def test_hybrid_extremes_and_validation():
    rng = np.random.default_rng(4)
    products = make_products(rng)
    train, _ = time_split(make_holdings(standin_customers(800, 9), products, rng), "2023-07-01")
    key = ["customer_id", "rank"]
    pure_cf = hybrid(train, products, k=5, alpha=1.0).sort_values(key).product_id.to_numpy()
    cf = item_based_cf(train, k=5).sort_values(key).product_id.to_numpy()
    assert (pure_cf == cf).mean() > 0.95  # only tie-breaking can differ
    pure_cb = hybrid(train, products, k=5, alpha=0.0).sort_values(key).product_id.to_numpy()
    cb = content_based(train, products, k=5).sort_values(key).product_id.to_numpy()
    assert (pure_cb == cb).mean() > 0.95
    with pytest.raises(ValueError, match="alpha"):
        hybrid(train, products, alpha=1.5)
    # the tie-break is a named parameter: 0 leaves pure scores (ties by product order)
    no_tb = hybrid(train, products, k=5, popularity_tiebreak=0.0)
    with_tb = hybrid(train, products, k=5)
    assert (no_tb["score"].to_numpy() <= with_tb["score"].to_numpy() + 1e-12).all()
    assert (with_tb["score"] - no_tb.set_index(["customer_id", "product_id"]).reindex(
        pd.MultiIndex.from_frame(with_tb[["customer_id", "product_id"]]))["score"].to_numpy()
        ).dropna().between(0, 1e-3).all()


def test_content_based_beats_popularity_but_not_cf():
    rng = np.random.default_rng(8)
    products = make_products(rng)
    train, test = time_split(make_holdings(standin_customers(3000, 18), products, rng), "2023-07-01")
    p = {name: precision_at_k(test, r, 5) for name, r in [
        ("cf", item_based_cf(train, 5)), ("cb", content_based(train, products, 5)),
        ("pop", popularity_baseline(train, 5))]}
    assert p["pop"] < p["cb"] < p["cf"], p
