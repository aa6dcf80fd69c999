# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 第四讲 个性化产品推荐与服务 · Personalised recommendation & service
#
# **案例导入**：理财经理每天给客户打电话推荐产品，推的往往是“本月主推”——人人一样。客户说“我只要保本的”，
# 电话那头却在介绍股票基金；客户在 APP 上问“信用卡还款日是哪天”，等了十分钟才有人回。
# 这一讲回答两个问题：**推什么**（按客户的偏好推荐理财、贷款、保险产品，而且先守住适当性）和
# **怎么服务**（智能客服机器人、客户留言的情感分析、满意度调查）。数据来自虚拟银行（合成数据，已脱敏）。
#
# **学习目标 (learning objectives)**
#
# 1. 说出协同过滤 (collaborative filtering)、基于内容 (content-based) 和混合推荐 (hybrid) 各自“怎么想”，
#    手算一个产品相似度，并说明新客户（冷启动）怎么推荐；
# 2. 用同一套推荐引擎推荐理财、贷款和保险产品，说出三者的不同（适当性、授信资格、需求）；
# 3. 先做适当性管理（产品风险等级 ≤ 客户风险承受能力），并算出它在准确率上的代价；
# 4. 用按时间切分的数据、precision@k / recall@k / NDCG@k / 覆盖率和自助法区间，诚实地比较推荐方法与热门推荐基线，
#    说出什么时候热门推荐很难被超越；
# 5. 评估智能客服机器人的回答率与转人工率、中文留言情感模型（含否定句）、满意度的驱动因素，
#    并说清“用了机器人的客户更满意”这类说法能证明什么、不能证明什么。
#
# **预计时间**：讲授约 90 分钟（第二天 10:30–12:00），配套练习约 60 分钟
# （[第四讲练习](../exercises/L4_exercises.ipynb)）。
#
# **怎么用这个笔记本**：从上到下依次运行每个代码单元格（Shift + Enter）。文中的数字都由代码从数据算出；
# 讲师换一组数据（见下面的参数）再运行，数字会变，结论的方向依然成立。

# %% tags=["parameters"]
# 参数 (parameters)：讲师可以为每期学员换一个随机种子或数据规模
from course_utils.config import DEFAULT_CUSTOMERS, DEFAULT_SEED

SEED = DEFAULT_SEED
N_CUSTOMERS = DEFAULT_CUSTOMERS

# %%
import numpy as np
import pandas as pd
from IPython.display import Markdown
from sklearn.metrics import confusion_matrix, roc_auc_score

from course_utils import automation, chatbot, coursemap, domain, observational, plotting, sentiment, survey
from course_utils import recommend as rec
from course_utils.config import WINDOW_END
from course_utils.data import get_bank
from course_utils.viz import lecture4 as charts     # 第四讲的图表
from course_utils.viz import percent

plotting.setup()                  # 统一图表风格，并启用中文字体
pd.set_option("display.max_columns", 30)

bank = get_bank(seed=SEED, n_customers=N_CUSTOMERS)
products, customers = bank.products, bank.customers
NAME = products.set_index("product_id")["name"]           # 产品编号 → 产品名称
LABELS = rec.METHOD_LABELS_ZH                             # 方法的中文名
SPLIT = rec.SPLIT_DATE                                    # 按时间切分的日期
train, test = rec.time_split(bank.holdings, SPLIT)        # 之前的持有记录 / 之后新买的产品
engine = rec.RecommendationEngine(train, products, customers, as_of=SPLIT)   # 一次算好，之后随用随取
N_POP, N_TEST = len(engine.customer_ids), test["customer_id"].nunique()
POP = (f"统计范围：{SPLIT} 开始时在网、此前至少持有 1 个产品的 {N_POP:,} 位客户；"
       f"其中 {N_TEST:,} 位在 {SPLIT} 至 {WINDOW_END} 新买了产品（测试客户）")
print(POP)

# %% [markdown]
# ## 一、推荐系统怎么“想” · How recommenders think
#
# ### 1. 持有记录就是“隐式反馈” · Holdings as implicit feedback
#
# 银行很少有“打分”数据（客户不会给理财产品打 5 颗星），但有**持有记录**：谁在什么时候买了什么。
# 把它排成“客户 × 产品”的表，持有记 1、没有记 0，这叫**隐式反馈 (implicit feedback)**。
# 下面是几位客户在几只理财产品上的一小块：

# %%
wealth = products.loc[products["category"] == "理财", "product_id"]
holders = train[train["product_id"].isin(wealth)]["product_id"].value_counts()
TOP5 = holders.index[:5].tolist()                          # 持有人数最多的 5 只理财产品
grid = train.groupby(["customer_id", "product_id"]).size().unstack(fill_value=0)[TOP5]   # 客户 × 产品的持有次数
grid = grid[grid.sum(axis=1) >= 2].head(6).rename(columns=NAME)
grid.index.name, grid.columns.name = "客户", "产品（1 = 持有）"
grid

# %% [markdown]
# ### 2. 基于物品的协同过滤 · Item-based collaborative filtering (worked example)
#
# 思路：“买了 A 的客户也常买 B”。两只产品的**相似度 (similarity)** 用它们的持有客户来算——余弦相似度
# (cosine similarity) = 同时持有两只产品的人数 ÷ √(持有 A 的人数 × 持有 B 的人数)。0 表示没有共同客户。

# %%
sim = pd.DataFrame(engine.sim, index=engine.product_ids, columns=engine.product_ids)   # = rec.item_similarity(train)
sim = sim.loc[TOP5, TOP5].rename(index=NAME, columns=NAME)
charts.similarity_figure(sim, population=f"统计范围：{SPLIT} 之前的全部持有记录（{train['customer_id'].nunique():,} 位客户）")

# %%
a, b = sim.stack().idxmax()                              # 最相似的一对产品（名称）
ida, idb = NAME[NAME == a].index[0], NAME[NAME == b].index[0]
owners = train.groupby("product_id")["customer_id"].apply(set)
n_a, n_b, n_ab = len(owners[ida]), len(owners[idb]), len(owners[ida] & owners[idb])
Markdown(f"手算一遍：持有“{a}”的 {n_a:,} 人，持有“{b}”的 {n_b:,} 人，两只都持有的 {n_ab:,} 人；"
         f"相似度 = {n_ab:,} ÷ √({n_a:,} × {n_b:,}) = **{n_ab / np.sqrt(n_a * n_b):.2f}**，和图上一致。")

# %% [markdown]
# 给一位客户打分：把他**已持有**的每只产品与候选产品的相似度加起来，分高的先推荐
# （每只产品只保留与它最相似的 20 只，叫“近邻 (neighbours)”）。看一位持有两只理财产品的测试客户
# （挑了一位推荐命中过的客户来演示；整体有多准，第四节用全部测试客户量）：

# %%
holds = rec.held_products(train)      # 每位客户切分日前持有的产品（集合）
later = rec.held_products(test)       # 切分日后新买的产品
recs5 = engine.recommend("item_cf", k=5)
hits5 = recs5.merge(test[["customer_id", "product_id"]], on=["customer_id", "product_id"])   # 推荐中了的
two = [c for c in hits5["customer_id"].unique() if len(holds[c] & set(TOP5)) >= 2]   # 持有两只热门理财、推荐命中过的客户（演示用）
who = two[0]
mine = sorted(holds[who])
print(f"客户 {who} 在 {SPLIT} 之前持有：" + "、".join(NAME[p] for p in mine))
engine.explain(who, "item_cf", k=5).set_index("rank")

# %%
bought = sorted(later[who])
hits = set(bought) & set(engine.explain(who, "item_cf", k=5)["product_id"])
Markdown(f"这位客户在 {SPLIT} 之后真的买了：{'、'.join(NAME[p] for p in bought)}——"
         f"前 5 个推荐里命中 {len(hits)} 个。“因为”一栏就是客户经理能说出口的理由。")

# %% [markdown]
# ### 3. 基于用户的协同过滤：对比 · User-based CF, for contrast
#
# 另一种思路：“和你相似的客户买了什么”。先找持有产品最像这位客户的几位客户（近邻），再看他们还持有什么：

# %%
H = train.groupby(["customer_id", "product_id"]).size().unstack(fill_value=0).astype(float)   # 客户 × 产品
norm = np.sqrt(H.sum(axis=1))
user_sim = (H @ H.loc[who]) / (norm * norm[who])          # 每位客户与这位客户的余弦相似度
user_sim = user_sim.drop(who).sort_values(ascending=False, kind="stable").head(5)
pd.DataFrame({"相似度": user_sim.round(2),
              "他还持有、而这位客户没有的产品": [
                  "、".join(NAME[p] for p in sorted(holds[c] - holds[who])) or "—" for c in user_sim.index]})

# %%
n_cust, n_prod = len(H), H.shape[1]
Markdown(f"两种协同过滤都用同一张持有表，但计算量差别很大：基于用户要比较 {n_cust:,} × {n_cust:,} ≈ "
         f"{n_cust * n_cust / 1e6:,.0f} 百万对客户，基于物品只比较 {n_prod} × {n_prod} = {n_prod * n_prod:,} 对产品。"
         f"银行有几百万客户、几十只产品，所以通常用**基于物品**的方法；两者的准确率在第四节一起比较。")

# %% [markdown]
# ### 4. 基于内容的推荐 · Content-based: products like the ones you hold
#
# 协同过滤只看“谁和谁一起被买”，不看产品本身。**基于内容**的推荐看产品属性 (attributes)：类别、风险等级、
# 期限、收益。我们的产品表有这些属性（没有销售渠道一栏；真实银行可以加上“手机银行专属”“网点专售”这类属性）：

# %%
show = ["name", "category", "risk_level", "term_days", "annual_yield"]
ZH = {"name": "产品", "category": "类别", "risk_level": "风险等级", "term_days": "期限(天, 0=活期/开放)",
      "annual_yield": "年化收益/利率(%)"}
cb = engine.explain(who, "content", k=3)
pd.concat([products.set_index("product_id").loc[mine, show].assign(角色="已持有"),
           products.set_index("product_id").loc[cb["product_id"], show].assign(角色="基于内容推荐")]
          ).rename(columns=ZH).set_index("产品")

# %% [markdown]
# 内容模型用“类别 + 风险等级”描述产品。把期限和收益档也加进去会不会更准？在测试客户上量一下（precision@5，第四节解释这个指标）：

# %%
richer = rec.RecommendationEngine(train, products, customers, as_of=SPLIT,
                                  content_features=("category", "risk_level", "annual_yield", "term_days"))
p_cb = engine.evaluate(test, "content", k=5)["precision@k"]
p_rich = richer.evaluate(test, "content", k=5)["precision@k"]
Markdown(f"类别 + 风险等级：{percent(p_cb)}；再加收益档和期限档：{percent(p_rich)}。"
         + ("属性不是越多越好：" if p_rich <= p_cb else "多一些属性略有帮助，但")
         + "内容模型只知道产品“像不像”，不知道客户“会不会一起买”。")

# %% [markdown]
# ### 5. 混合推荐 · Hybrid
#
# **混合推荐**把两种分数按权重相加：混合分 = α × 协同过滤分 + (1 − α) × 内容分（两种分数先各自缩放到 0–1）。
# α = 1 就是纯协同过滤，α = 0 就是纯内容推荐：

# %%
alphas = [0.0, 0.3, 0.5, 0.7, 0.9, 1.0]
pd.DataFrame({"α（协同过滤的权重）": alphas,
              "precision@5": [percent(engine.evaluate(test, "hybrid", 5, alpha=a)["precision@k"]) for a in alphas]}
             ).set_index("α（协同过滤的权重）").T

# %% [markdown]
# ### 6. 冷启动：新客户推荐什么 · Cold start
#
# 新开户的客户没有持有记录，协同过滤无从算起。这时用他的**人口属性**（年龄段 × 收入段）：推荐“和他同类的老客户”最常持有的产品，
# 而且仍然先做适当性过滤。下面在切分日之后才开户的客户上检验：他们开户后买的产品，能不能被提前猜到？

# %%
opened = domain.as_dates(customers["open_date"], "open_date")
new_ids = customers.loc[(opened >= pd.Timestamp(SPLIT)).to_numpy(), "customer_id"]
new_truth = bank.holdings[bank.holdings["customer_id"].isin(new_ids)]
cold = {"cold_start": rec.cold_start(new_ids, customers, train, products, k=5),
        "popularity": rec.cold_start(new_ids, customers, train, products, k=5, min_segment=10**9)}  # 不分群 = 全行热门
example = new_truth["customer_id"].iloc[0]
c_row = customers.set_index("customer_id").loc[example]
print(f"新客户 {example}：{int(c_row['age'])} 岁，月收入 {c_row['monthly_income']:,.0f} 元，风险承受能力 {c_row['risk_appetite']}"
      f"（所在群：{rec.demographic_segments(customers).loc[example]}）")
print("推荐：" + "、".join(NAME[p] for p in cold["cold_start"].query("customer_id == @example")["product_id"]))
cold_table = rec.bootstrap_compare(new_truth, cold, k=5, n_boot=500)
charts.method_comparison_figure(cold_table, labels={"cold_start": "按年龄段 × 收入段推荐", "popularity": "全行热门推荐"},
                                population=f"统计范围：{SPLIT} 至 {WINDOW_END} 开户、之后买了产品的 {len(cold_table) and int(cold_table['n_customers'].iloc[0]):,} 位新客户")

# %% [markdown]
# **读图**：只知道年龄和收入，也比“人人推一样的热门产品”准。客户买了第一个产品之后，就可以换成协同过滤。
#
# > **小组讨论**：你们行给新开户客户推荐什么？开户时已经知道客户的哪些信息（年龄、职业、风险测评、开户渠道）？
# > 哪些信息**不能**用来做推荐（想想个人信息保护法和公平性）？
#
# ## 二、案例演示：理财产品推荐，再到贷款和保险 · Case: wealth, then loans and insurance
#
# ### 1. 协同过滤推荐理财产品 · CF recommends wealth products
#
# 把候选产品限定在“理财”类，并且只推荐客户风险承受能力以内的产品。给刚才那位客户：

# %%
engine.explain(who, "item_cf", k=3, categories=["理财"], suitable_only=True).set_index("rank")

# %% [markdown]
# ### 2. 同一套引擎用于贷款和保险 · The same engine for loans and insurance
#
# 每一类产品单独评估：测试集里只看客户新买的该类产品，推荐也只在该类里选 3 个（precision@3）：

# %%
CATS = ["理财", "基金", "保险", "贷款"]
by_cat = {}
for cat in CATS:
    ids = set(products.loc[products["category"] == cat, "product_id"])
    t_cat = test[test["product_id"].isin(ids)]
    by_cat[cat] = {m: engine.evaluate(t_cat, m, k=3, categories=[cat], suitable_only=True)["precision@k"]
                   for m in ("item_cf", "popularity")} | {"n": t_cat["customer_id"].nunique()}
cat_table = pd.DataFrame(by_cat).T
charts.category_figure(cat_table[["item_cf", "popularity"]], labels=LABELS,
                       population=POP + "；每类只看新买该类产品的客户（人数："
                       + "，".join(f"{c} {int(n):,}" for c, n in cat_table["n"].items()) + "）")

# %%
n_in_cat = products.groupby("category").size()
lose = [c for c in CATS if cat_table.at[c, "item_cf"] <= cat_table.at[c, "popularity"]]
Markdown("每类产品数：" + "，".join(f"{c} {n_in_cat[c]} 只" for c in CATS) + "。"
         + (f"在{'、'.join(lose)}上，协同过滤**没有**超过热门推荐：类别里产品少、候选只有几只时，热门推荐很难被超越"
            "（第四节第 5 点专门讨论）。" if lose else "每一类上协同过滤都不低于热门推荐；产品越少，领先越少（第四节第 5 点）。"))

# %% [markdown]
# 引擎一样，**要考虑的东西不一样**：
#
# | | 理财 / 基金 | 贷款 | 保险 |
# |---|---|---|---|
# | 先过哪道关 | 适当性：产品风险等级 ≤ 客户风险承受能力 | 授信资格 (eligibility)：年龄、已核实收入、无逾期，真实银行还要查征信 | 适当性（投资型保险）+ 健康告知 |
# | 风险在谁身上 | 客户的投资风险 | **银行的信用风险 (credit risk)**：推错了是坏账 | 客户的保障缺口 |
# | 什么决定“需要” | 资金期限、收益预期 | 真实的资金用途（买房、装修、经营） | 人生阶段：成家、子女、养老 |
#
# 贷款推荐先过授信资格。用第三讲的简化规则（`automation.credit_eligibility`）检查协同过滤给出的贷款推荐：

# %%
loan_recs = engine.recommend("item_cf", k=1, categories=["贷款"], suitable_only=True)
elig = automation.credit_eligibility(bank, loan_recs["customer_id"], as_of=SPLIT)
reasons = elig.loc[~elig["eligible"], "reason"].value_counts()
Markdown(f"{len(loan_recs):,} 位客户各拿到 1 个贷款推荐，其中 **{percent(1 - elig['eligible'].mean())}** 的客户不符合授信条件"
         f"（{'；'.join(f'{r} {n:,} 人' for r, n in reasons.items())}）——这些推荐必须拿掉，不能靠“客户可能感兴趣”就发出去。")

# %% [markdown]
# 保险看需要：同一套引擎给不同年龄段推荐的保险产品组合不同（每位客户推荐 2 个保险产品，按年龄段看构成）：

# %%
ins = engine.recommend("item_cf", k=2, categories=["保险"], suitable_only=True)
ins["年龄段"] = rec.demographic_segments(customers, by=["age"]).reindex(ins["customer_id"]).to_numpy()
mix = pd.crosstab(ins["product_id"].map(NAME), ins["年龄段"], normalize="columns")
mix.index.name, mix.columns.name = "保险产品（占该年龄段推荐的比例）", "年龄段"
mix.loc[mix.max(axis=1).sort_values(ascending=False, kind="stable").index].map(percent)

# %% [markdown]
# **读表**：年龄越大，推荐里的年金保险越多、少儿教育金越少——协同过滤从同龄客户的持有记录里学到了“人生阶段”。
# 但健康告知、保费占收入的比例这些“需要”的硬条件，数据里没有，要由客户经理问清楚。

# %% [markdown]
# ## 三、适当性管理优先 · Suitability first (适当性管理)
#
# **适当性管理 (suitability)**：银行只能向客户推荐风险等级**不高于**其风险承受能力的产品——R2 的客户不能被推荐 R4 的基金。
# 这是监管要求（理财和基金销售的投资者适当性管理），也是信任：推错一次，客户记很久。所以在我们的引擎里，
# 适当性过滤在**排序之前**：不合适的产品根本不进候选名单（`suitable_only=True`）。
#
# 过滤有代价吗？有些客户过去确实买过高于自己风险测评的产品（例如测评之前买的，或签了风险不匹配警示书），
# 过滤之后这些“会买的”产品就不再推荐了：

# %%
risk_c = pd.Series(rec.risk_number(customers["risk_appetite"]), index=customers["customer_id"])
risk_p = pd.Series(rec.risk_number(products["risk_level"]), index=products["product_id"])
above = (risk_p.reindex(test["product_id"]).to_numpy() > risk_c.reindex(test["customer_id"]).to_numpy()).mean()
rows = {}
for m in ("item_cf", "hybrid", "content", "popularity"):
    free, safe = engine.evaluate(test, m, 5), engine.evaluate(test, m, 5, suitable_only=True)
    rows[m] = {"precision": free["precision@k"], "precision_suitable": safe["precision@k"],
               "unsuitable": free["unsuitable"], "slots": N_POP * 5, "after": safe["unsuitable"]}
suit = pd.DataFrame(rows).T
print(f"测试期客户新买的产品里，{percent(above)} 高于他们的风险承受能力；过滤之后，所有方法的不适当推荐都是 "
      f"{int(suit['after'].max())} 条。")
charts.suitability_figure(suit, labels=LABELS, population=POP)

# %% [markdown]
# **为什么银行仍然坚持过滤**：少推中的那一点点，换来的是不向任何客户推荐超出风险承受能力的产品。
# 一条不适当的推荐可能带来投诉、监管处罚和客户流失，这些都不在 precision 里。
# 适当性是推荐的**前提**，不是推荐模型可以权衡掉的一个特征。
#
# > **小组讨论**：客户主动要买高于自己测评等级的产品，柜台怎么处理？机器推荐和客户主动购买，合规要求有什么不同？
#
# ## 四、不自欺的评估 · Evaluation that does not fool you
#
# ### 1. 按时间切分 · A time-based split
#
# 推荐系统上线后面对的是**未来**：它只能用今天之前的数据，猜客户明天会买什么。所以评估也这样做：
# 切分日（setup 单元格打印的日期）之前的持有记录用来“学”，之后新买的产品用来“考”。

# %%
new_products = sorted(set(products["product_id"]) - set(train["product_id"]))
pd.DataFrame({"": [f"{SPLIT} 之前（训练）", f"{SPLIT} 至 {WINDOW_END}（测试：新买的产品）"],
              "持有记录数": [len(train), len(test)],
              "客户数": [train["customer_id"].nunique(), N_TEST]}).set_index("")

# %%
Markdown(f"测试期还上市了 {len(new_products)} 只新产品（{'、'.join(NAME[p] for p in new_products)}）："
         "训练数据里没人持有过它们，协同过滤推荐不了——这是冷启动的另一面（新产品），"
         "需要用内容推荐或运营主推来补。")

# %% [markdown]
# ### 2. 指标：一位客户手算一遍 · The metrics by hand
#
# 给每位测试客户推荐 k 个产品（这里 k = 5），对照他们后来真的买了什么：
#
# - **precision@k（精确率）** = 前 k 个推荐里买了的个数 ÷ k：推荐“准不准”；
# - **recall@k（召回率）** = 前 k 个推荐里买了的个数 ÷ 他后来买的产品总数：“漏没漏”；
# - **NDCG@k**：买了的产品排得越靠前，分越高（排第 1 比排第 5 值钱）；
# - **覆盖率 (coverage)** = 被推荐给至少一位客户的产品 ÷ 全部产品；**长尾占比 (long tail)** = 推荐位里非热门产品的比例。

# %%
late_hit = hits5.loc[hits5["rank"] >= 2, "customer_id"].unique()
ex = next(c for c in late_hit if len(later[c]) >= 2)       # 后来买了 2 个以上、第 2 位之后有命中的客户
mine5 = recs5.loc[recs5["customer_id"] == ex, "product_id"].tolist()
hit_pos = [i + 1 for i, p in enumerate(mine5) if p in later[ex]]
by_hand = {"precision@5": len(hit_pos) / 5, "recall@5": len(hit_pos) / len(later[ex]),
           "ndcg@5": sum(1 / np.log2(i + 1) for i in hit_pos) / sum(1 / np.log2(i + 2) for i in range(min(5, len(later[ex]))))}
one, one_recs = test[test["customer_id"] == ex], recs5[recs5["customer_id"] == ex]   # 这位客户的真实购买 / 推荐
lib = {"precision@5": rec.precision_at_k(one, one_recs, k=5), "recall@5": rec.recall_at_k(one, one_recs, k=5),
       "ndcg@5": rec.ndcg_at_k(one, one_recs, k=5)}
print(f"客户 {ex} 的推荐：", "、".join(NAME[p] for p in mine5))
print("后来买了：", "、".join(NAME[p] for p in sorted(later[ex])), "｜ 命中位置：", hit_pos)
pd.DataFrame({"手算": by_hand, "函数库": lib}).map(percent)

# %% [markdown]
# 常见错误：precision 除以“实际推荐了几个”而不是 k；recall 除以 k；只在“有推荐的客户”上求平均——
# 每位测试客户都要算进去，没推荐的记 0。
#
# ### 3. 每种方法都和热门推荐比，带上区间 · Every method against popularity, with an interval
#
# **热门推荐 (popularity baseline)**：人人推荐持有人数最多、自己还没有的产品。它是每个推荐模型都必须超过的基线 (baseline)。
# 测试客户只是一批样本，换一批客户数字会变：用**自助法 (bootstrap)** 把测试客户有放回地重抽 500 次，
# 得到 95% 区间。区间不重叠，“比热门推荐好”才是量出来的结论，而不是运气。

# %%
METHODS = ["item_cf", "user_cf", "content", "hybrid", "popularity"]
CONFIGS = {m: {"method": m, "neighbours": 50 if m == "user_cf" else 20, "suitable_only": True} for m in METHODS}
boot = engine.compare(test, CONFIGS, k=5, n_boot=500)    # = rec.bootstrap_compare on each method's list
charts.method_comparison_figure(boot, labels=LABELS, population=POP + "；均已做适当性过滤")

# %%
summary = pd.DataFrame({LABELS[m]: engine.evaluate(test, k=5, **CONFIGS[m]) for m in METHODS}).T
summary = summary[["precision@k", "recall@k", "ndcg@k", "coverage", "long_tail"]].map(percent)
summary.columns = ["precision@5", "recall@5", "NDCG@5", "覆盖率", "长尾占比"]
summary

# %% [markdown]
# ### 4. 长尾：每只产品被推荐了多少次 · How often the long tail is shown
#
# 热门推荐人人一样，只推最热门的几只产品；个性化推荐会把冷门产品推给少数真正适合的客户。

# %%
share = {m: engine.recommend(k=5, **CONFIGS[m])["product_id"].value_counts(normalize=True)
         for m in ("popularity", "item_cf")}
order = pd.Series(engine.holders, index=engine.product_ids).sort_values(ascending=False, kind="stable").index
exposure = pd.DataFrame({m: s.reindex(order).fillna(0.0) for m, s in share.items()})
exposure["head"] = exposure.index.isin(rec.head_products(train))
charts.exposure_figure(exposure, labels=LABELS, population=POP + "；每位客户 5 个推荐位")

# %% [markdown]
# ### 5. 什么时候热门推荐很难被超越 · When popularity is hard to beat
#
# 在我们的虚拟银行上，协同过滤明显赢过热门推荐。但这不是必然的：我们在一家真实银行只有 8 类产品的持有数据上试过，
# 协同过滤的 precision@3 **低于**热门推荐。差距取决于两件事：
#
# 1. **产品有多少**：只有几只产品时，“最热门的 3 只”几乎就是全部答案；
# 2. **客户口味差别有多大**：如果大家买的东西都差不多，“相似客户”也只会推荐热门产品。
#
# 左图：从本行的产品目录里随机抽取一部分产品（每种数量抽 2 次），重新切分和评估；
# 右图：模拟银行，口味差异从 0（人人一样）逐渐加大。

# %%
size_gap = rec.catalogue_size_experiment(bank.holdings, sizes=(4, 8, 15, 30, len(products)), k=3,
                                         repeats=2, seed=SEED, n_boot=200)
taste_gap = rec.taste_experiment(strengths=(0.0, 1.0, 2.0, 3.0, 4.0), sizes=(8, 30), n_customers=1500,
                                 seed=SEED, n_boot=200)
charts.gap_figure(size_gap, taste_gap,
                  population="纵轴：协同过滤减热门推荐的 precision@3（阴影 = 95% 区间）；左：本行数据，测试客户为各子集切分后的测试客户；"
                  "右：模拟的 1,500 位客户")

# %%
small = size_gap.iloc[0]
flat = taste_gap[taste_gap["strength"] == 0]
Markdown(f"- 本行只留 {int(small['size'])} 只产品时，差距只剩 {small['gap'] * 100:+.1f} 个百分点"
         f"（全目录 {size_gap['gap'].iloc[-1] * 100:+.1f}）。\n"
         f"- 口味差异为 0 时，协同过滤相对热门推荐：" + "；".join(
             f"{int(r['size'])} 只产品 {r['gap'] * 100:+.1f} 个百分点（区间 {r['gap_low'] * 100:+.1f} ~ {r['gap_high'] * 100:+.1f}）"
             for _, r in flat.iterrows())
         + "——没有口味可学，热门推荐就是最好的猜测。\n"
         "- 所以上线前先和热门推荐比一比：产品少、客群同质的银行，可能先把热门推荐和适当性做好，更划算。")

# %% [markdown]
# > **小组讨论**：你们行有多少只在售的理财产品？客户之间的偏好差别大吗？如果只有十几只产品，你会先做推荐模型，还是先做好产品分层和适当性？
#
# ## 五、智能客服与客户关系维护 · Smart service & relationship care
#
# ### 1. FAQ 检索式客服机器人 · A retrieval FAQ chatbot with hand-off
#
# 机器人把客户的问题和常见问题库 (FAQ) 里的每个问题比相似度（字符 n-gram 的 TF-IDF，余弦相似度），
# 最像的那个问题的答案就是回答，相似度就是**置信度 (confidence)**。置信度低于**阈值 (threshold)** 就转人工；
# 投诉、利率协商这类问题无论置信度多高都转人工。

# %%
bot = chatbot.FaqBot()
msgs = bank.messages
chat = msgs[msgs["channel"].isin(["APP智能客服", "在线客服"]).to_numpy()]   # 文字渠道（电话不经过文字机器人）
sample = chat.drop_duplicates("intent").head(6)
ans = bot.answer(sample["text"].tolist())
pd.DataFrame({"客户留言": sample["text"].to_numpy(), "人工标注的意图": sample["intent"].to_numpy(),
              "机器人匹配的问题": ans["best_question"], "置信度": ans["confidence"].round(2),
              "转人工原因": ans["reason"].replace("", "—")})

# %% [markdown]
# 阈值是服务经理要定的：阈值低，机器人答得多，但答错的也多；阈值高，答错少，人工工作量大。
# 设一个严格的服务目标：**答错的不超过已回答的 2%**，在这个前提下让机器人回答尽量多（阈值每 0.05 试一个）。
# 在文字渠道（APP 智能客服、在线客服）的全部留言上：

# %%
thr = chatbot.threshold_table(bot, chat["text"], chat["intent"], minutes_per_handoff=4)
TARGET_WRONG = 0.02                                     # 服务目标：答错 ≤ 已回答的 2%
ok = thr[thr["wrong_share_of_answered"] <= TARGET_WRONG]
best = ok.sort_values(["answer_rate", "threshold"], ascending=[False, True], kind="stable").iloc[0]
charts.threshold_figure(thr, float(best["threshold"]),
                        population=f"统计范围：文字渠道的全部 {len(chat):,} 条客服留言（意图为人工标注）；转人工每条按 4 分钟人工计")

# %%
Markdown(f"满足“答错 ≤ {percent(TARGET_WRONG)}”的最低阈值是 **{best['threshold']:.2f}**：机器人回答 {percent(best['answer_rate'])} 的留言"
         f"（答错的占已回答的 {percent(best['wrong_share_of_answered'])}），{percent(best['handoff_rate'])} 转人工，"
         f"约 {best['human_hours']:,.0f} 小时人工。留言里很多是投诉和表扬，本来就不是 FAQ 能答的——机器人的回答率不会是 100%。")

# %% [markdown]
# ### 2. 中文留言的情感分析 · Sentiment analysis of Chinese messages
#
# 目标：自动找出**负面**留言，尽快交给人处理。两种做法：
#
# - **词典法 (lexicon baseline)**：数正面词和负面词；简单，但不懂否定——“不满意”里有“满意”；
# - **训练的模型**：字符 1–3 元组 (character n-grams) 的 TF-IDF + 逻辑回归，从标注过的留言里学。
#
# 同样按时间切分：用切分日之前的留言训练，之后的留言测试。

# %%
is_before = (msgs["msg_date"] < pd.Timestamp(SPLIT)).to_numpy()
y = sentiment.negative_labels(msgs["sentiment"])         # 1 = 负面
X_train, X_test = msgs.loc[is_before, "text"], msgs.loc[~is_before, "text"]
y_train, y_test = y[is_before], y[~is_before]
model = sentiment.make_sentiment_model().fit(X_train, y_train)
p_model = model.predict_proba(X_test)[:, 1]
p_lex = sentiment.lexicon_sentiment(X_test).to_numpy()
p_neg = sentiment.negation_aware_lexicon(X_test).to_numpy()
aucs = {"词典法（不管否定）": roc_auc_score(y_test, p_lex), "词典法 + 否定规则": roc_auc_score(y_test, p_neg),
        "训练的模型": roc_auc_score(y_test, p_model)}
print(f"训练 {len(X_train):,} 条，测试 {len(X_test):,} 条（负面占 {percent(y_test.mean())}）")
pd.Series(aucs, name="测试集 AUC").round(3).to_frame()

# %% [markdown]
# AUC（曲线下面积）：随机挑一条负面和一条非负面留言，模型给负面那条打分更高的概率；0.5 = 瞎猜，1 = 完美。
# **否定句**是词典法的软肋。几对只差一个否定词的句子：

# %%
neg_model = sentiment.negation_report(model)
neg_lex = sentiment.negation_report(sentiment.lexicon_sentiment)
pd.DataFrame({"原句": neg_model["text"], "否定后": neg_model["negated"],
              "否定后更负面？": np.where(neg_model["negated_is_negative"], "是", "否"),
              "词典法判对": np.where(neg_lex["correct"], "√", "×"), "模型判对": np.where(neg_model["correct"], "√", "×")})

# %%
mats = {"词典法（不管否定）": confusion_matrix(y_test, p_lex > 0.5, labels=[0, 1]),
        "训练的模型": confusion_matrix(y_test, p_model > 0.5, labels=[0, 1])}
charts.confusion_figure({k: pd.DataFrame(v, index=["非负面", "负面"], columns=["非负面", "负面"]) for k, v in mats.items()},
                        population=f"统计范围：{SPLIT} 之后的 {len(X_test):,} 条留言；分数 > 0.5 判为负面；情感为人工标注")

# %% [markdown]
# **把错误读出来**：模型最有把握却判错的几条留言（讲师可以念给学员听，问一问：是模型错了，还是标注错了？
# 读错误常常也能找出标注本身的错误。）

# %%
errors = pd.DataFrame({"留言": X_test.to_numpy(), "人工标注": np.where(y_test == 1, "负面", "非负面"),
                       "模型的负面概率": p_model.round(2)})
errors["错得多离谱"] = np.abs(errors["模型的负面概率"] - y_test)
errors[errors["错得多离谱"] > 0.5].sort_values("错得多离谱", ascending=False, kind="stable").head(6)

# %% [markdown]
# ### 3. 满意度调查：NPS 和驱动因素 · Satisfaction survey: NPS and drivers
#
# **净推荐值 (NPS, Net Promoter Score)** = 推荐者占比 − 贬损者占比。我们的问卷是 0–100 分：
# ≥ 90 分算推荐者，70–89 中立，< 70 贬损（与第一讲的满意度分档一致）。

# %%
sv = bank.survey
nps_all = survey.nps(sv["overall"], scale=100)
sv_age = sv.assign(年龄段=rec.demographic_segments(customers, by=["age"]).reindex(sv["customer_id"]).to_numpy())
by_age = survey.nps_by(sv_age, "年龄段")
by_age = by_age[~by_age["small"]][["n", "promoters", "detractors", "nps", "ci_low", "ci_high"]]   # 太小的组不看
print(f"全部 {len(sv):,} 份问卷的 NPS：{nps_all:+.1f}")
by_age.assign(promoters=by_age["promoters"].map(percent), detractors=by_age["detractors"].map(percent)).round(1).rename(
    columns={"n": "问卷数", "promoters": "推荐者", "detractors": "贬损者", "nps": "NPS", "ci_low": "95%区间下限",
             "ci_high": "95%区间上限"})

# %% [markdown]
# NPS 告诉我们“多满意”，不告诉我们“为什么”。问卷还有五项分项评分（服务态度、等待时间、产品收益、手续费、APP 体验）：
# 用标准化回归看哪一项最能解释总体满意度：

# %%
drivers = survey.driver_importance(sv, n_boot=200)
charts.drivers_figure(drivers, population=f"统计范围：{len(sv):,} 份满意度问卷；横线 = 95% 自助法区间；"
                      f"R² = {drivers.attrs['r2']:.2f}")

# %% [markdown]
# **读图**：系数最大的分项，是提升满意度最该先动的地方——但这是相关，不是因果；改进之前最好先小范围试点。
#
# ### 4. 案例分享：“智能客服机器人提升客户满意度”？ · Did the chatbot raise satisfaction?
#
# 常见的汇报：“用过智能客服机器人的客户，满意度更高。”怎么检验？先把两组客户放在一起：
# 做满意度调查前 12 个月里联系过客服的客户，用过 APP 智能客服的算“机器人组”，只找过人工的算“对照组”。

# %%
contacts = sv[["customer_id", "survey_date", "overall"]].merge(
    msgs[["customer_id", "msg_date", "channel", "sentiment"]], on="customer_id")
window = (contacts["msg_date"] < contacts["survey_date"]) & \
         (contacts["msg_date"] >= contacts["survey_date"] - pd.DateOffset(months=12))
per = contacts[window].assign(bot=lambda d: (d["channel"] == "APP智能客服").astype(int),
                              negative=lambda d: (d["sentiment"] == "负面").astype(int))
per = per.groupby("customer_id").agg(overall=("overall", "first"), bot=("bot", "max"), contacts=("bot", "size"),
                                     negative_share=("negative", "mean"))
per["age"] = customers.set_index("customer_id")["age"].reindex(per.index)
per["年龄段"] = rec.demographic_segments(customers, by=["age"]).reindex(per.index)
per["联系次数"] = np.where(per["contacts"] >= 3, "3次及以上", per["contacts"].astype(str) + "次")
per["负面留言"] = pd.cut(per["negative_share"], [-1, 0, 0.5, 1], labels=["无", "一半以内", "一半以上"]).astype(str)
balance = observational.balance_table(per, "bot", ["age", "contacts", "negative_share"], ["年龄段", "联系次数", "负面留言"])
balance.rename(index={"age": "年龄", "contacts": "联系次数", "negative_share": "负面留言占比"},
               columns={"treated": "机器人组", "control": "对照组", "control_adjusted": "对照组（分层加权后）",
                        "std_diff": "标准化差异"}).round(2)

# %% [markdown]
# 两组本来就不一样：机器人组更年轻、联系客服更多、负面留言更多——直接比满意度，比的其实是“两类不同的人”。
# 所以再做**分层比较 (stratification)**：只在年龄段、联系次数、负面留言都相同的客户里比，再按机器人组的人数加权：

# %%
effect = observational.stratified_difference(per, "overall", "bot", ["年龄段", "联系次数", "负面留言"], n_boot=500, seed=SEED)
charts.bot_comparison_figure(effect, population=f"统计范围：调查前 12 个月联系过客服的 {len(per):,} 位受访客户"
                             f"（机器人组 {effect['n_treated']:,}，对照组 {effect['n_control']:,}）；满意度 0–100 分；"
                             "分层：年龄段 × 联系次数 × 负面留言占比；横线 = 95% 区间")

# %%
Markdown(f"直接比较：机器人组满意度{'高' if effect['raw'] > 0 else '低'} {abs(effect['raw']):.1f} 分"
         f"（区间 {effect['raw_low']:+.1f} ~ {effect['raw_high']:+.1f}）；同类客户相比：{effect['adjusted']:+.1f} 分"
         f"（区间 {effect['adjusted_low']:+.1f} ~ {effect['adjusted_high']:+.1f}，{effect['cells']} 个层，"
         f"{effect['treated_outside']} 位机器人组客户找不到可比的对照）。\n\n"
         "**这种比较能说明**：在我们观察到的特征上“同类对同类”之后，差距还剩多少。"
         "**不能说明**：差距是机器人造成的。客户是自己选择用机器人的（没有随机分组），"
         "耐心、数字化习惯、问题的紧急程度这些没观察到的差别都可能造成差距。"
         "要真正检验，得做**随机对照试验**：随机把一半咨询分给机器人，比较两组的满意度（见第五讲）。")

# %% [markdown]
# > **小组讨论**：如果厂商说“上线机器人后满意度提升了 10%”，你会先问哪三个问题？（提示：和谁比？同期还有什么变化？谁选择了用机器人？）
#
# ## 小结 · Summary

# %%
best_m = boot.drop(index="popularity")["value"].idxmax()
Markdown(f"""
- **推荐怎么想**：基于物品的协同过滤看“谁和谁一起被买”（最相似的一对：{a} 与 {b}，{n_ab / np.sqrt(n_a * n_b):.2f}）；
  基于用户的方法要比较 {n_cust * n_cust / 1e6:,.0f} 百万对客户；内容推荐看产品属性；混合推荐两者加权；
  新客户用年龄段 × 收入段推荐，precision@5 {percent(cold_table.at['cold_start', 'value'])}，全行热门 {percent(cold_table.at['popularity', 'value'])}。
- **同一套引擎**推荐理财、贷款、保险；贷款推荐里 {percent(1 - elig['eligible'].mean())} 的客户不符合授信条件，必须先过授信资格。
- **适当性先行**：过滤让协同过滤的 precision@5 从 {percent(suit.at['item_cf', 'precision'])} 变为
  {percent(suit.at['item_cf', 'precision_suitable'])}，挡住了 {int(suit.at['item_cf', 'unsuitable']):,} 条不适当推荐。
- **诚实评估**：按时间切分，{LABELS[best_m]} precision@5 {percent(boot.at[best_m, 'value'])}
  （区间 {percent(boot.at[best_m, 'low'])}–{percent(boot.at[best_m, 'high'])}），热门推荐 {percent(boot.at['popularity', 'value'])}
  （{percent(boot.at['popularity', 'low'])}–{percent(boot.at['popularity', 'high'])}）；产品少或口味同质时差距消失。
- **智能客服**：阈值 {best['threshold']:.2f} 时机器人答 {percent(best['answer_rate'])}、答错占 {percent(best['wrong_share_of_answered'])}；
  情感模型 AUC {aucs['训练的模型']:.3f}，词典法 {aucs['词典法（不管否定）']:.3f}；NPS {nps_all:+.1f}，
  最大的驱动因素是“{drivers['name_zh'].iloc[0]}”；机器人组与同类客户的满意度差 {effect['adjusted']:+.1f} 分
  （区间 {effect['adjusted_low']:+.1f} ~ {effect['adjusted_high']:+.1f}），证明不了因果。
""")

# %% [markdown]
# ## 讨论题 · Discussion questions
#
# 1. 你们行现在的“产品推荐”是怎么做的？是人人一样的主推，还是按客户偏好？怎么知道它比“主推”好？
# 2. 推荐理财产品时，适当性过滤放在排序之前还是之后？放在之后会出现什么问题？
# 3. 协同过滤推荐了一笔贷款给一位客户，客户经理打电话之前还要检查哪些东西？
# 4. 如果让你给智能客服机器人定一个服务目标（答错率、回答率、人工工作量），你会怎么定？谁来签字？
# 5. “用了机器人的客户更满意”——你会设计一个什么样的试验来检验它？对照组多大？看多久？
#
# **下一步**：打开[第四讲练习](../exercises/L4_exercises.ipynb)，亲手算推荐指标、用控件搭一个打败热门推荐的推荐器、
# 训练情感模型并找出它的错误、为客服机器人选一个阈值。

# %%
Markdown("课程地图：" + coursemap.md_link("课程首页（两天安排）", "notebooks/00_start.ipynb")
         + "　｜　下一讲：" + coursemap.md_link("第五讲 未来展望", "notebooks/L5_outlook.ipynb"))
