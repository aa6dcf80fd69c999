"""Lecture 4, question 2 (widget): build a recommender that beats popularity, suitably.

The trainee chooses the method (热门推荐 popularity / 基于物品的协同过滤 item CF / 基于内容
content / 混合 hybrid), the neighbours kept per product, the hybrid weight, ``k`` and the
suitability filter (适当性管理). The redraw (:func:`render_recommender`, a plain function) shows
precision@k, recall@k, coverage, long-tail share and unsuitable recommendations next to the
popularity baseline at the same ``k`` and filter, the paired bootstrap interval of the gap in
precision@k, and one example customer's list with the reasons and what they really took up.

Everything heavy is computed once at setup (:class:`RecommenderLab` wraps
:class:`course_utils.recommend.RecommendationEngine`, which caches its score matrices), so a
redraw takes a few milliseconds.

Target (:data:`COVERAGE_FLOOR`): precision@k above popularity's at the same ``k`` with the 95 %
interval of the gap above zero, coverage of the catalogue at least the floor, and no
recommendation above a customer's risk appetite. The population is the customers on the books
when the split day begins who held at least one product before it (time split
:data:`course_utils.recommend.SPLIT_DATE`); the truth is the new products they took up from then on.
"""
from __future__ import annotations

import html as _html
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from course_utils import recommend as R
from course_utils.exercises import Exercise, answers
from course_utils.viz.fmt import percent

#: Smallest share of the catalogue the recommendations must show (products launched after
#: the split cannot be recommended, so 100 % is out of reach).
COVERAGE_FLOOR = 0.80
#: Widget options.
K_MIN, K_MAX = 1, 10
NEIGHBOUR_OPTIONS: tuple = (5, 10, 20, 30, "all")
ALPHA_STEP = 0.1
#: The widget's starting configuration (the baseline, no filter): "not attempted".
DEFAULTS = {"method": "popularity", "neighbours": 20, "alpha": 0.7, "k": 5, "suitable_only": False}
#: Bootstrap of the precision gap: resamples and seed (paired: the same customers for both).
N_BOOT = 500
BOOT_SEED = 0
#: Example customers offered in the widget (one per risk appetite when possible).
N_EXAMPLES = 5
#: Keys of a typed answer and their accepted names.
KEYS = {"method": ("method", "方法"), "k": ("k",), "neighbours": ("neighbours", "neighbors", "近邻数"),
        "alpha": ("alpha", "权重", "混合权重"), "suitable_only": ("suitable_only", "suitable", "适当性过滤")}
#: Chinese names of the methods (display).
METHOD_ZH = {m: R.METHOD_LABELS_ZH[m] for m in R.METHODS}


class RecommenderLab:
    """The recommenders of one bank, precomputed for the widget and the check.

    ``lab.evaluate(config)`` -> metrics of a configuration, its gap to popularity (with a paired
    bootstrap interval); ``lab.example(customer_id, config)`` -> one customer's list. One redraw
    ranks the products once (:meth:`RecommendationEngine.recommend`); the metrics are then counted
    with integer codes (the same numbers as :meth:`RecommendationEngine.evaluate`, tested).
    """

    def __init__(self, bank: Any, split_date: str = R.SPLIT_DATE):
        train, test = R.time_split(bank.holdings, split_date)
        self.split_date = str(split_date)
        self.products = bank.products
        self.customers = bank.customers
        self.engine = R.RecommendationEngine(train, bank.products, bank.customers, as_of=split_date)
        self.train = train
        users = self.engine.customer_ids.astype(str)
        items = self.engine.product_ids.astype(str)
        self._users, self._items = users, items
        test = test[test["customer_id"].astype(str).isin(users)]
        self.test = test.reset_index(drop=True)
        # the truth as integer keys: customer position x n_products + product position
        cpos = users.get_indexer(self.test["customer_id"].astype(str))
        ppos = items.get_indexer(self.test["product_id"].astype(str))
        self._n_items = len(items)
        known = ppos >= 0  # products launched after the split: never recommendable, still counted
        self._truth_keys = np.unique(cpos[known].astype(np.int64) * self._n_items + ppos[known])
        self._test_users, test_code = np.unique(cpos, return_inverse=True)
        self._n_true = np.bincount(test_code, minlength=len(self._test_users))
        self._test_code_of_user = np.full(len(users), -1, dtype=np.int64)
        self._test_code_of_user[self._test_users] = np.arange(len(self._test_users))
        catalogue = pd.Index(bank.products["product_id"].astype(str).unique())
        self._catalogue_size = len(catalogue)
        self._in_catalogue = items.isin(catalogue)
        self._suitable = R.suitable_pairs(np.repeat(users.to_numpy(), len(items)), np.tile(items.to_numpy(), len(users)),
                                          bank.customers, bank.products).reshape(len(users), len(items))
        n = len(self._test_users)
        rng = np.random.default_rng(BOOT_SEED)
        self._boot = rng.integers(0, n, size=(N_BOOT, n)) if n else np.zeros((N_BOOT, 0), dtype=np.int64)
        self._memo: dict = {}
        self.examples = self._examples()
        self._appetite = (bank.customers.drop_duplicates("customer_id").set_index("customer_id")["risk_appetite"]
                          .reindex(self.examples).astype(str).to_dict())
        names = bank.products.drop_duplicates("product_id").set_index("product_id")["name"]
        self._held_names = {c: [str(names.get(p, p)) for p in sorted(train.loc[train["customer_id"] == c,
                                                                                 "product_id"].unique())]
                            for c in self.examples}
        self._took = {c: set(self.test.loc[self.test["customer_id"] == c, "product_id"]) for c in self.examples}

    def _examples(self) -> list[str]:
        """A few test customers with several products, one per risk appetite where possible."""
        held = self.train.groupby("customer_id")["product_id"].nunique()
        took = self.test.groupby("customer_id")["product_id"].nunique()
        cand = held[(held >= 2)].index.intersection(took.index)
        appetite = self.customers.set_index("customer_id")["risk_appetite"].reindex(cand).astype(str)
        picks = []
        for level in sorted(appetite.unique()):
            ids = sorted(appetite.index[appetite == level].astype(str))
            if ids:
                picks.append(ids[0])
        for cid in sorted(cand.astype(str)):
            if len(picks) >= N_EXAMPLES:
                break
            if cid not in picks:
                picks.append(cid)
        return picks[:N_EXAMPLES]

    @staticmethod
    def engine_args(config: Mapping[str, Any]) -> dict:
        """The engine's keyword arguments of a configuration (``"all"`` neighbours -> None)."""
        nb = config["neighbours"]
        return {"method": config["method"], "k": int(config["k"]), "neighbours": None if nb == "all" else int(nb),
                "alpha": float(config["alpha"]), "suitable_only": bool(config["suitable_only"])}

    def _counts(self, args: Mapping[str, Any]) -> dict:
        """Ranks once, then counts: hits per test customer, coverage, long tail, unsuitable."""
        recs = self.engine.recommend(**args)
        cpos = self._users.get_indexer(recs["customer_id"].astype(str))
        ppos = self._items.get_indexer(recs["product_id"].astype(str))
        hit = np.isin(cpos.astype(np.int64) * self._n_items + ppos, self._truth_keys)
        code = self._test_code_of_user[cpos]
        hits = np.bincount(code[hit & (code >= 0)], minlength=len(self._test_users)).astype(np.int64)
        shown = np.zeros(self._n_items, dtype=bool)
        shown[ppos] = True
        slots = len(ppos)
        return {"hits": hits,
                "coverage": float((shown & self._in_catalogue).sum() / self._catalogue_size)
                if self._catalogue_size else float("nan"),
                "long_tail": float((~self.engine.head[ppos]).sum() / slots) if slots else float("nan"),
                "unsuitable": int((~self._suitable[cpos, ppos]).sum())}

    def evaluate(self, config: Mapping[str, Any]) -> dict:
        """Metrics of ``config`` and of popularity (same k and filter), and the precision gap.

        Keys: ``precision``, ``recall``, ``coverage``, ``long_tail``, ``unsuitable``, ``n_customers``,
        ``pop_precision``, ``pop_coverage``, ``pop_unsuitable``, ``gap``, ``gap_low``, ``gap_high``
        (fractions; ``unsuitable`` counts recommendations above the customer's risk appetite).
        """
        args = self.engine_args(config)
        key = tuple(sorted(args.items(), key=lambda kv: kv[0]))
        if key in self._memo:
            return self._memo[key]
        k, n = args["k"], len(self._test_users)
        mine = self._counts(args)
        pop_key = ("popularity", k, args["suitable_only"])
        if pop_key not in self._memo:
            self._memo[pop_key] = self._counts(dict(args, method="popularity"))
        pop = self._memo[pop_key]
        diff = mine["hits"] - pop["hits"]
        if n:
            boot = diff[self._boot].sum(axis=1) / (k * n)
            lo, hi = (float(v) for v in np.percentile(boot, [2.5, 97.5]))
        else:
            lo = hi = float("nan")
        # integer sums and an exactly rounded float sum: the same digits on every CPU
        nan = float("nan")
        out = {"precision": int(mine["hits"].sum()) / (k * n) if n else nan,
               "recall": math.fsum(mine["hits"] / self._n_true) / n if n else nan,
               "coverage": mine["coverage"], "long_tail": mine["long_tail"], "unsuitable": mine["unsuitable"],
               "n_customers": n, "pop_precision": int(pop["hits"].sum()) / (k * n) if n else nan,
               "pop_coverage": pop["coverage"],
               "pop_unsuitable": pop["unsuitable"], "gap": float(diff.sum() / (k * n)) if n else float("nan"),
               "gap_low": lo, "gap_high": hi}
        if len(self._memo) < 512:
            self._memo[key] = out
        return out

    def example(self, customer_id: str, config: Mapping[str, Any]) -> pd.DataFrame:
        """One customer's list for display: product, category, risk vs appetite, reason, taken up?"""
        table = self.engine.explain(customer_id, **self.engine_args(config))
        appetite = self._appetite.get(customer_id, "")
        took = self._took.get(customer_id, set())
        level = R.risk_number([appetite])[0] if appetite else np.nan
        with np.errstate(invalid="ignore"):
            ok = R.risk_number(table["risk_level"].tolist()) <= level
        return pd.DataFrame({
            "名次": table["rank"].to_numpy(),
            "产品": table["name"].to_numpy(),
            "类别": table["category"].to_numpy(),
            "风险等级": [f"{r}（{'√ 适当' if s else '× 超过 ' + str(appetite)}）"
                     for r, s in zip(table["risk_level"], ok)],
            "推荐理由": table["because"].to_numpy(),
            "切分日后买了吗": ["√ 买了" if p in took else "" for p in table["product_id"]],
        })

    def held_names(self, customer_id: str) -> list[str]:
        """Names of the products an example customer held before the split."""
        return list(self._held_names.get(customer_id, []))

    def appetite(self, customer_id: str) -> str:
        """Risk appetite (R1-R5) of an example customer."""
        return self._appetite.get(customer_id, "?")


def read_config(answer: Any, n_products: int = 49) -> tuple[dict | None, str]:
    """A configuration ``{method, k, neighbours, alpha, suitable_only}`` or ``(None, message)``.

    ``method``: a key of :data:`course_utils.recommend.METHODS` or its Chinese name; ``k``: a
    whole number 1..``n_products``; ``neighbours``: a whole number >= 1 or ``"all"``; ``alpha``:
    0..1; ``suitable_only``: True / False. Extra keys (the widget's ``customer``) are ignored.

    >>> read_config({"method": "item_cf", "k": 5, "neighbours": 20, "alpha": 0.7, "suitable_only": True})[0]["k"]
    5
    """
    example = "{'method': 'item_cf', 'k': 5, 'neighbours': 20, 'alpha': 0.7, 'suitable_only': True}"
    if not isinstance(answer, Mapping):
        return None, (f"答案应该是控件 app2，或一个配置字典 {example}；你给的是{answers.type_name(answer)}。")
    values: dict[str, Any] = {}
    for label, value in answer.items():
        key = answers.alias_key(label, KEYS)
        if key is not None:
            if key in values:
                return None, f"「{key}」给了两次，每一项只写一次。"
            values[key] = value
    missing = [k for k in KEYS if k not in values]
    if missing:
        return None, f"配置里缺少 {'、'.join(repr(k) for k in missing)}。请写成 {example}。"
    method = values["method"]
    if isinstance(method, str) and method.strip() in METHOD_ZH.values():
        method = next(k for k, v in METHOD_ZH.items() if v == method.strip())
    if not isinstance(method, str) or method.strip() not in R.METHODS:
        return None, (f"method 应该是 {'、'.join(repr(m) for m in R.METHODS)} 之一；"
                      f"你给的是{answers.type_name(method) if not isinstance(method, str) else repr(method[:20])}。")
    k = values["k"]
    kx = answers.to_number(k)
    if kx is None or kx != int(kx) or not 1 <= kx <= n_products:
        return None, f"k（每位客户推荐几个产品）应该是 1 到 {n_products} 之间的整数；你给的是{_show(k)}。"
    nb = values["neighbours"]
    if isinstance(nb, str) and nb.strip().lower() in ("all", "全部"):
        nb = "all"
    else:
        nx = answers.to_number(nb)
        if nx is None or nx != int(nx) or nx < 1:
            return None, f"neighbours（每个产品保留几个相似产品）应该是 ≥ 1 的整数，或 'all'（全部）；你给的是{_show(nb)}。"
        nb = int(nx)
    alpha = answers.to_number(values["alpha"])
    if alpha is None or not 0 <= alpha <= 1:
        return None, f"alpha（混合权重）应该是 0 到 1 之间的数；你给的是{_show(values['alpha'])}。"
    suit = values["suitable_only"]
    if not isinstance(suit, (bool, np.bool_)):
        return None, f"suitable_only（适当性过滤）应该是 True 或 False；你给的是{_show(suit)}。"
    return {"method": method.strip(), "k": int(kx), "neighbours": nb, "alpha": float(alpha),
            "suitable_only": bool(suit)}, ""


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f"文字 {value[:20]!r}"
    if answers.is_real(value) and not answers.is_nan(value):
        return f" {value}"
    return answers.type_name(value)


def diagnose_recommender(answer: Any, lab: RecommenderLab) -> str | None:
    """None if the configuration beats popularity (interval above 0), covers enough of the
    catalogue and recommends nothing unsuitable; else what is wrong."""
    config, msg = read_config(answer, len(lab.engine.product_ids))
    if config is None:
        return msg
    if config["method"] == "popularity":
        return "热门推荐 (popularity) 就是要超过的基线本身：换一种个性化的方法（协同过滤、基于内容或混合）。"
    m = lab.evaluate(config)
    if m["unsuitable"] > 0:
        return (f"有 {m['unsuitable']:,} 条推荐的风险等级超过了客户的风险承受能力：打开适当性过滤"
                "（suitable_only），银行不能向客户推荐超出其风险承受能力的产品。")
    if not m["gap_low"] > 0:
        return (f"precision@{config['k']} 是 {percent(m['precision'])}，热门推荐是 {percent(m['pop_precision'])}："
                f"差距的 95% 区间（{percent(m['gap_low'])} 到 {percent(m['gap_high'])}）没有全部在 0 以上，"
                "还不能说超过了基线。换一种方法或参数试试。")
    if m["coverage"] < COVERAGE_FLOOR - 1e-12:
        return (f"覆盖率只有 {percent(m['coverage'])}，低于 {percent(COVERAGE_FLOOR)}：太多产品从来没被推荐过。"
                "每位客户多推荐几个（k 大一些），或换一种更照顾长尾产品的方法。")
    return None


def _metrics_html(m: Mapping[str, Any], config: Mapping[str, Any]) -> str:
    k = config["k"]
    rows = [
        (f"精确率 precision@{k}", percent(m["precision"]), percent(m["pop_precision"])),
        (f"召回率 recall@{k}", percent(m["recall"]), "—"),
        ("覆盖率 coverage（产品目录）", percent(m["coverage"]), percent(m["pop_coverage"])),
        ("长尾产品占推荐位", percent(m["long_tail"]), "—"),
        ("不适当的推荐（条）", f"{m['unsuitable']:,}", f"{m['pop_unsuitable']:,}"),
    ]
    body = "".join(f"<tr><td style='padding:1px 8px'>{a}</td><td style='padding:1px 8px;text-align:right'>"
                   f"<b>{b}</b></td><td style='padding:1px 8px;text-align:right;color:#51606f'>{c}</td></tr>"
                   for a, b, c in rows)
    return ("<table style='font-size:13px;border-collapse:collapse'><tr><th></th>"
            f"<th style='padding:1px 8px'>你的配置：{_html.escape(METHOD_ZH[config['method']])}</th>"
            "<th style='padding:1px 8px'>热门推荐（基线）</th></tr>" + body + "</table>")


def table_html(frame: pd.DataFrame) -> str:
    """A small table as plain HTML (13 px, no index): a few ms faster than a pandas Styler.

    >>> "<th" in table_html(pd.DataFrame({"名次": [1]}))
    True
    """
    head = "".join(f"<th style='padding:1px 6px;text-align:left'>{_html.escape(str(c))}</th>" for c in frame.columns)
    rows = "".join("<tr>" + "".join(f"<td style='padding:1px 6px'>{_html.escape(str(v))}</td>" for v in row) + "</tr>"
                   for row in frame.itertuples(index=False))
    return f"<table style='font-size:13px;border-collapse:collapse'><tr>{head}</tr>{rows}</table>"


def render_recommender(values: Mapping[str, Any], lab: RecommenderLab) -> list:
    """Redraw of the widget (pure): metrics vs popularity, the gap's interval, targets, one example."""
    config, msg = read_config(values, len(lab.engine.product_ids))
    if config is None:
        return [f"<p>{_html.escape(msg)}</p>"]
    m = lab.evaluate(config)
    k = config["k"]
    method = config["method"]
    nb = "全部" if config["neighbours"] == "all" else str(config["neighbours"])
    uses_nb = method in ("item_cf", "hybrid")
    settings = (f"<p style='margin:2px 0;font-size:13px;color:#51606f'>当前设置：{_html.escape(METHOD_ZH[method])}；"
                f"近邻数 {nb}{'' if uses_nb else '（这个方法用不到）'}；"
                f"混合权重 α = {config['alpha']:.1f}{'' if method == 'hybrid' else '（只对混合推荐有效）'}；"
                f"每人推荐 k = {k} 个；适当性过滤{'开' if config['suitable_only'] else '关'}。</p>")
    gap = (f"<p style='margin:2px 0;font-size:13px'>precision@{k} 比热门推荐高 <b>{percent(m['gap'])}</b>"
           f"（95% 区间 {percent(m['gap_low'])} 到 {percent(m['gap_high'])}，对测试客户做 {N_BOOT} 次配对自助抽样 (bootstrap)）。</p>")
    beats = config["method"] != "popularity" and m["gap_low"] > 0
    marks = {True: "√", False: "×"}
    goals = ("<p style='margin:2px 0;font-size:13px'>目标："
             f"{marks[beats]} 精确率超过热门推荐（区间在 0 以上）；"
             f"{marks[m['coverage'] >= COVERAGE_FLOOR - 1e-12]} 覆盖率 ≥ {percent(COVERAGE_FLOOR)}；"
             f"{marks[m['unsuitable'] == 0]} 没有不适当的推荐。</p>")
    cid = values.get("customer")
    parts = [settings, _metrics_html(m, config), gap, goals]
    if isinstance(cid, str) and cid:
        appetite = lab.appetite(cid)
        held = "、".join(lab.held_names(cid)) or "（无）"
        parts.append(f"<p style='margin:6px 0 2px;font-size:13px'><b>示例客户 {_html.escape(cid)}</b>"
                     f"（风险承受能力 {_html.escape(str(appetite))}）切分日前持有：{_html.escape(held)}</p>")
        parts.append(table_html(lab.example(cid, config)))
    parts.append(f"<p style='margin:2px 0;font-size:12px;color:#51606f'>统计范围：{lab.split_date} 当天在网、"
                 f"之前至少持有 1 个产品的客户；测试 = 其中 {m['n_customers']:,} 位切分日后新买了产品的客户。"
                 "覆盖率按全部产品目录计（切分日后才上线的产品推荐不了）。</p>")
    return parts


class Recommender(Exercise):
    """Q2: a recommender configuration that beats popularity, covers the catalogue, stays suitable."""

    id = "L4.recommender"
    title = "搭建推荐系统：超过热门推荐，而且合规"
    hints = [
        "先看基线：热门推荐给每个人推同样几款产品，覆盖率很低。换成“基于物品的协同过滤”看看精确率和覆盖率怎么变。",
        "“不适当的推荐”不为 0 时，勾选“适当性过滤”：风险等级超过客户风险承受能力的产品不能推荐。看看它让精确率降了多少。",
        "k 太小（每人只推 1 个）时覆盖率低；k 太大时精确率下降。k = 3~5、近邻数 20 左右通常就能同时满足三个目标。",
    ]
    solution_code = (
        "# 协同过滤 + 适当性过滤，每人推荐 5 个\n"
        "app2.set_values(method='item_cf', neighbours=20, k=5, suitable_only=True)\n"
        "answer2 = app2"
    )
    success = ("答对了！这个配置比热门推荐准（差距的区间在 0 以上，不是运气），覆盖了大部分产品，"
               "而且每条推荐都在客户的风险承受能力之内。适当性过滤会让精确率略降，但这是监管要求，也是对客户负责。")
    untouched_message = "控件还在初始状态（热门推荐、未开适当性过滤）：先选方法、调参数，再检查。"

    @property
    def lab(self) -> RecommenderLab:
        """The precomputed recommenders (engine, test, examples)."""
        return self.context["lab"]

    @property
    def coverage_floor(self) -> float:
        """Smallest acceptable coverage of the catalogue (0-1)."""
        return COVERAGE_FLOOR

    def expected(self) -> dict:
        best = None
        for method in ("item_cf", "hybrid", "content"):
            for k in (5, 3):
                config = dict(DEFAULTS, method=method, k=k, suitable_only=True)
                if diagnose_recommender(config, self.lab) is None:
                    p = self.lab.evaluate(config)["precision"]
                    if best is None or p > best[0] + 1e-12:
                        best = (p, config)
        return best[1] if best else dict(DEFAULTS, method="item_cf", suitable_only=True)

    def is_untouched(self, answer: Any) -> bool:
        if super().is_untouched(answer):
            return True
        if not isinstance(answer, Mapping):
            return False
        try:
            return all(k in answer and answer[k] == v and type(answer[k]) is type(v) for k, v in DEFAULTS.items())
        except Exception:  # noqa: BLE001 - odd values: not the untouched widget
            return False

    def diagnose(self, answer: Any) -> str | None:
        return diagnose_recommender(answer, self.lab)


def recommender_app(exercise: Recommender):
    """The recommender widget: method, neighbours, hybrid weight, k, suitability, example customer."""
    import ipywidgets as W

    from course_utils.exercises import WidgetExercise

    lab = exercise.lab
    style = {"description_width": "initial"}
    controls = {
        "method": W.Dropdown(options=[(METHOD_ZH[m], m) for m in R.METHODS], value=DEFAULTS["method"],
                             description="推荐方法", style=style),
        "neighbours": W.Dropdown(options=[(("全部" if v == "all" else str(v)), v) for v in NEIGHBOUR_OPTIONS],
                                 value=DEFAULTS["neighbours"], description="近邻数（协同过滤）", style=style),
        "alpha": W.FloatSlider(value=DEFAULTS["alpha"], min=0.0, max=1.0, step=ALPHA_STEP, readout_format=".1f",
                               description="混合权重 α（协同过滤占比）", style=style, layout=W.Layout(width="420px")),
        "k": W.IntSlider(value=DEFAULTS["k"], min=K_MIN, max=K_MAX, description="每人推荐 k 个", style=style),
        "suitable_only": W.Checkbox(value=DEFAULTS["suitable_only"], description="适当性过滤（风险等级 ≤ 客户风险承受能力）",
                                    style=style, indent=False),
        "customer": W.Dropdown(options=[(f"{c}（风险承受能力 {lab.appetite(c)}）", c) for c in lab.examples],
                               value=lab.examples[0] if lab.examples else None, description="示例客户", style=style),
    }
    instructions = (
        "<p style='margin:2px 0'>选推荐方法和参数，看精确率、覆盖率和不适当推荐的条数如何变化（右列是同样 k、"
        "同样过滤下的热门推荐基线）。目标：精确率超过热门推荐（差距的 95% 区间在 0 以上）、"
        f"覆盖率 ≥ {percent(COVERAGE_FLOOR)}、没有不适当的推荐。近邻数只对协同过滤和混合推荐有效，"
        "混合权重只对混合推荐有效。</p>")

    def render(values):
        return render_recommender(values, lab)

    def answer(values):
        return {k: values[k] for k in DEFAULTS}

    return WidgetExercise(controls, render, title="练习 2：搭建推荐系统", exercise=exercise, answer=answer,
                          name="L4.recommender", instructions=instructions)
