"""Lecture 4, question 2 (widget): a recommender that beats popularity, covers the catalogue, is suitable."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from course_utils import recommend
from course_utils.exercises import assert_check_cases
from course_utils.exercises.lecture4 import q2_recommender as Q2

SOLUTION = dict(Q2.DEFAULTS, method="item_cf", neighbours=20, k=5, suitable_only=True)


def _failing_only_coverage(lab):
    """A suitable configuration that beats popularity but shows too little of the catalogue."""
    for method in ("item_cf", "hybrid", "content"):
        for nb in Q2.NEIGHBOUR_OPTIONS:
            cfg = dict(Q2.DEFAULTS, method=method, neighbours=nb, k=1, suitable_only=True)
            m = lab.evaluate(cfg)
            if m["gap_low"] > 0 and m["coverage"] < Q2.COVERAGE_FLOOR:
                return cfg
    return None


def test_lab_metrics_equal_the_engine_and_the_metric_functions(qs):
    lab = qs[1].lab
    for cfg in (SOLUTION, dict(SOLUTION, method="hybrid", alpha=0.3, neighbours="all", k=3),
                dict(SOLUTION, method="content", suitable_only=False, k=10), dict(SOLUTION, method="popularity")):
        mine = lab.evaluate(cfg)
        args = lab.engine_args(cfg)
        ref = lab.engine.evaluate(lab.test, **args)
        for a, b in (("precision", "precision@k"), ("recall", "recall@k"), ("coverage", "coverage"),
                     ("long_tail", "long_tail"), ("unsuitable", "unsuitable"), ("n_customers", "n_customers")):
            assert mine[a] == pytest.approx(ref[b], abs=1e-12), (cfg, a)
        recs = lab.engine.recommend(**args)
        assert mine["precision"] == pytest.approx(recommend.precision_at_k(lab.test, recs, k=args["k"]))
        assert mine["coverage"] == pytest.approx(recommend.coverage(recs, lab.products, k=args["k"]))
        assert mine["unsuitable"] == recommend.unsuitable_count(recs, lab.customers, lab.products)
        pop = lab.engine.recommend(**dict(args, method="popularity"))
        assert mine["pop_precision"] == pytest.approx(recommend.precision_at_k(lab.test, pop, k=args["k"]))
        assert mine["gap"] == pytest.approx(mine["precision"] - mine["pop_precision"])
        assert mine["gap_low"] <= mine["gap"] <= mine["gap_high"]


def test_population_is_one_named_group(qs):
    """Test customers: on the books when the split day begins, holding a product before it."""
    lab = qs[1].lab
    assert set(lab.test["customer_id"]) <= set(lab.engine.customer_ids)
    assert (lab.test["start_date"] >= recommend.SPLIT_DATE).all()
    assert set(lab.examples) <= set(lab.test["customer_id"])


def test_checks(qs):
    q2 = qs[1]
    lab = q2.lab
    low_cov = _failing_only_coverage(lab)
    assert low_cov is not None, "every k=1 configuration covers the catalogue: the coverage floor tests nothing"
    assert_check_cases(
        q2,
        correct=[SOLUTION, dict(SOLUTION, method="hybrid", alpha=0.5), dict(SOLUTION, neighbours="all", k=3),
                 dict(SOLUTION, method="基于物品的协同过滤"), dict(SOLUTION, customer=lab.examples[0])],
        wrong=[(dict(SOLUTION, method="popularity"), "基线本身"),
               (dict(SOLUTION, suitable_only=False), "风险承受能力"),
               (low_cov, "覆盖率只有"),
               (dict(SOLUTION, method="svd"), "method 应该是"),
               (dict(SOLUTION, k=0), "k（每位客户推荐几个产品）"),
               (dict(SOLUTION, k="5"), "文字"),
               (dict(SOLUTION, neighbours=None), "neighbours"),
               (dict(SOLUTION, alpha=1.5), "alpha"),
               (dict(SOLUTION, suitable_only="True"), "True 或 False"),
               ({"method": "item_cf", "k": 5}, "缺少")],
        half_done=[dict(Q2.DEFAULTS)],
    )


def test_a_gap_within_noise_is_not_a_win():
    """The interval, not the point estimate, decides (a stub lab: the real data never ties)."""
    metrics = {"unsuitable": 0, "gap_low": -0.004, "gap": 0.003, "gap_high": 0.01, "precision": 0.1,
               "pop_precision": 0.097, "coverage": 0.9}
    lab = SimpleNamespace(engine=SimpleNamespace(product_ids=list(range(49))), evaluate=lambda cfg: metrics)
    msg = Q2.diagnose_recommender(SOLUTION, lab)
    assert "95% 区间" in msg and "还不能说超过" in msg
    metrics["gap_low"] = 0.001
    assert Q2.diagnose_recommender(SOLUTION, lab) is None


def test_widget_and_render(qs):
    q2 = qs[1]
    app = Q2.recommender_app(q2)
    assert q2.check(app).status == "not_attempted"
    html = "".join(o["data"].get("text/html", "") for o in app.output.outputs)
    assert "热门推荐（基线）" in html and "示例客户" in html and "统计范围" in html
    first = app.output.outputs
    app.set_values(alpha=0.3)                              # unused by popularity, still visible
    assert app.output.outputs != first and "α = 0.3（只对混合推荐有效）" in str(app.output.outputs)
    first = app.output.outputs
    app.set_values(suitable_only=True)
    assert app.output.outputs != first
    assert q2.check(app).status == "incorrect" and "基线本身" in q2.check(app).message
    app.set_values(method="item_cf", neighbours=20, k=5)
    assert q2.check(app).correct and app.check().correct
    app.set_values(customer=q2.lab.examples[-1])          # another example: same metrics, new list
    assert app.last_error is None and q2.check(app).correct
    assert app.answer() == dict(SOLUTION, alpha=0.3)


def test_render_is_pure_and_names_unsuitable_rows(qs):
    lab = qs[1].lab
    values = dict(Q2.DEFAULTS, method="content", suitable_only=False, customer=lab.examples[0])
    out = Q2.render_recommender(values, lab)
    assert out == Q2.render_recommender(values, lab)
    table = Q2.RecommenderLab.example(lab, lab.examples[0], values)
    assert list(table.columns) == ["名次", "产品", "类别", "风险等级", "推荐理由", "切分日后买了吗"]
    shown = lab.evaluate(values)
    assert shown["unsuitable"] > 0
    msg = Q2.render_recommender({"method": "x"}, lab)[0]
    assert "缺少" in msg


def test_example_list_agrees_with_suitability(qs):
    lab = qs[1].lab
    for cid in lab.examples:
        for suit in (False, True):
            cfg = dict(SOLUTION, suitable_only=suit, k=10)
            table = lab.example(cid, cfg)
            recs = lab.engine.recommend(**lab.engine_args(cfg))
            ids = recs.loc[recs["customer_id"] == cid, "product_id"].tolist()
            ok = recommend.suitable_pairs([cid] * len(ids), ids, lab.customers, lab.products)
            assert [("√ 适当" in r) for r in table["风险等级"]] == ok.tolist()
            if suit:
                assert ok.all()


def test_solution_passes_on_other_banks():
    from course_utils.data import get_bank

    for seed, n in ((99, 1500), (1, 300)):
        lab = Q2.RecommenderLab(get_bank(seed=seed, n_customers=n))
        assert Q2.diagnose_recommender(SOLUTION, lab) is None, (seed, n, lab.evaluate(SOLUTION))


def test_bootstrap_is_deterministic(qs):
    lab = qs[1].lab
    a = lab.evaluate(dict(SOLUTION, k=4))
    lab._memo.clear()
    b = lab.evaluate(dict(SOLUTION, k=4))
    assert a == b and np.isfinite(a["gap_low"])
