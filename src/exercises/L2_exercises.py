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
# # 第二讲 练习 · Lecture 2 exercises
#
# 配合[第二讲讲义](../notebooks/L2_profiling.ipynb)使用。共 4 题：
#
# 1. 计算截止日的 RFM（最近一次交易、交易频率、交易金额）；
# 2. 选评分档数：让分群满足两条业务约束（客户经理的人手、客群的最小规模）；
# 3. 为各客群设计合规的营销方案：产品、渠道、优惠、每月次数、预算和文案（控件 (widget) 练习）；
# 4. 为一份新数据设计预处理流水线 (Pipeline)：哪些列怎么处理，由你从数据里判断。
#
# **预计时间**：约 60 分钟（时间安排见开始页的课程地图）。
#
# **怎么做**：在代码里把 `____`（四个下划线）换成你的答案，运行单元格，再看 `q1.check(...)` 的反馈：
# √ 正确、× 还不对（会告诉你哪里不对）、… 尚未作答。控件练习可以直接点控件里的“检查答案”。
# 卡住了？去掉 `# q1.hint()` 前面的 `#` 运行，看提示（多运行几次，提示会越来越具体）；
# 最后还可以看 `q1.solution()` 参考答案。

# %% tags=["parameters"]
# 参数 (parameters)：讲师可以换随机种子或数据规模
from course_utils.config import DEFAULT_CUSTOMERS, DEFAULT_SEED

SEED = DEFAULT_SEED
N_CUSTOMERS = DEFAULT_CUSTOMERS

# %%
import pandas as pd

from course_utils import campaign, cleaning, features, plotting, segments, viz
from course_utils.config import L2_CUTOFF
from course_utils.data import get_bank
from course_utils.exercises.lecture2 import *   # 练习工具：占位符、setup 和营销方案控件

plotting.setup()                          # 图表风格和中文字体
bank = get_bank(seed=SEED, n_customers=N_CUSTOMERS)
tx = bank.transactions                    # 交易明细：customer_id, txn_date, amount, txn_type, channel
CUTOFF = L2_CUTOFF                        # 观察截止日（和讲义相同）
q1, q2, q3, q4 = setup(bank, seed=SEED)   # 四道题，按这份数据判分
print(f"数据已加载：{len(bank.customers):,} 位客户，{len(tx):,} 笔交易；截止日 {CUTOFF}")

# %% [markdown]
# ## 练习 1：计算截止日的 RFM · RFM at a cut-off date
#
# 以 `CUTOFF` 为截止日，用交易表 `tx` 为**每位在截止日前有过交易的客户**计算：
#
# - `recency_days`：截止日 − 最近一次交易日，单位天（截止日前一天交易 = 1）；
# - `frequency`：截止日之前的交易**笔数**；
# - `monetary`：截止日之前的交易**金额合计**（元）。
#
# 只能用**严格早于**截止日的交易（截止日当天的也不算）；这里用截止日之前的**全部**交易，
# 不像讲义第四节那样只取最近一年。结果是一个 DataFrame，
# 索引 (index) 或 `customer_id` 列是客户号，三列分别叫 `recency_days`、`frequency`、`monetary`。

# %%
cut = pd.Timestamp(CUTOFF)
# BEGIN PLACEHOLDER
before = ____              # 只保留截止日之前的交易
answer1 = ____             # 每位客户一行：recency_days、frequency、monetary
# END PLACEHOLDER
# BEGIN SOLUTION
before = tx[tx["txn_date"] < cut]                       # 严格早于截止日
g = before.groupby("customer_id")
answer1 = pd.DataFrame({
    "recency_days": (cut - g["txn_date"].max()).dt.days,  # 最近一次交易距截止日的天数
    "frequency": g.size(),                                 # 交易笔数（不是金额）
    "monetary": g["amount"].sum(),                         # 交易金额合计
})
# END SOLUTION
q1.check(answer1)

# %% tags=["exercise-only"]
# 需要帮助？去掉下一行开头的 # 再运行
# q1.hint()
# q1.solution()

# %% tags=["solution-only"]
# 和课程函数对照：features.rfm 做的是同一件事
(features.rfm(tx, CUTOFF) == answer1).all()

# %% [markdown]
# ## 练习 2：选评分档数，让分群满足业务约束 · Choose the segmentation under business constraints
#
# 讲义用五分位（`bins=5`）给 R、F、M 打分。档数其实是一个**业务选择**：档数变了，“高”的门槛就变了，
# 各客群的人数也跟着变。营销部门提出两条约束：
#
# 1. 每位重要价值客户都要配专属客户经理，而客户经理最多能服务 `q2.capacity` 这个比例的客户：
#    **重要价值客户的占比不能超过它**；
# 2. 每个客群至少要占客户的 `q2.min_share`，否则不值得单独做活动、效果也测不准：**最小客群的占比不能低于它**。
#
# 任务：对 `bins` = 3、4、5、6、7 分别用 `segments.rfm_scores(q2.table, bins=...)` 分群，做一张表
# （索引是 bins，两列：`important_value_share` 重要价值客户占比、`smallest_share` 8 个客群中最小的占比，都用小数），
# 再在满足两条约束的档数里，选**重要价值客户占比最大**的那个（客户经理的名额要尽量用足）。
# 如果没有满足约束的档数，`bins` 写 `None`。

# %%
print(f"客户经理最多服务 {q2.capacity:.0%} 的客户；每个客群至少占 {q2.min_share:.0%}；"
      f"要分群的客户：{len(q2.table):,} 位")
# BEGIN PLACEHOLDER
table2 = ____              # 以 bins 为索引的 DataFrame：important_value_share、smallest_share
best = ____                # 你选的 bins（整数），没有满足约束的就写 None
# END PLACEHOLDER
# BEGIN SOLUTION
rows = {}
for b in range(3, 8):
    share = segments.rfm_scores(q2.table, bins=b)["segment"].value_counts(normalize=True)
    rows[b] = {"important_value_share": share["重要价值客户"],   # 重要价值客户占比
               "smallest_share": share.min()}                    # 最小客群占比
table2 = pd.DataFrame.from_dict(rows, orient="index")
ok = table2[(table2["important_value_share"] <= q2.capacity)
            & (table2["smallest_share"] >= q2.min_share)]         # 两条约束都满足的档数
best = int(ok["important_value_share"].idxmax()) if len(ok) else None
# END SOLUTION
answer2 = {"table": table2, "bins": best}
q2.check(answer2)

# %% tags=["exercise-only"]
# q2.hint()
# q2.solution()

# %% tags=["solution-only"]
table2.map(viz.percent)                   # 两个占比，一位小数的百分数

# %% [markdown]
# ## 练习 3：为各客群设计合规的营销方案 · Design compliant segment campaigns
#
# 在控件里为每个客群选择**产品**、**渠道**、**优惠**、**每月触达次数**和**预算上限**（0 = 不做活动），
# 并在最下面写一条**营销文案**（短信/推送内容或外呼话术共用）。模拟器会给出每个客群的可触达人数
# （已排除不适当、未通过授信预审、没有授权该渠道的客户）、触达和响应人数、总成本、增量收益和投资回报率
# (ROI = 净收益 ÷ 总成本)，以及合规检查。
#
# 目标（控件里写着具体数字）：
#
# - **总成本**（启动 + 触达 + 优惠，全部算进预算）不超过上限；
# - 总投资回报率至少 100%，净收益达到目标；
# - **合规**：每月触达次数不超过该渠道的上限；文案里写明退订方式；
# - 做了活动的客群都不亏钱，不把高成本的人工渠道（电话外呼、客户经理面访）用在单客价值低的“一般”客群上。
#
# 提示：先想清楚每个客群值多少钱、平时用什么渠道、能推什么产品（讲义第五、六节），再动手。

# %% tags=["widget-exercise", "nbval-ignore-output"]
app3 = campaign_app(q3)
app3

# %%
# 调好控件后，把 ____ 换成 app3（控件本身）；
# 也可以直接写 {'plan': {客群: (产品, 渠道, 优惠, 预算, 每月次数)}, 'message': 营销文案}
targets = q3.targets             # 本题目标：总成本上限、最低投资回报率、最低净收益
# BEGIN PLACEHOLDER
answer3 = ____
# END PLACEHOLDER
# BEGIN SOLUTION
plan3 = campaign.suggested_plan(q3.audience, seed=SEED, max_budget=targets["max_budget"])
answer3 = {"plan": plan3, "message": "【示例银行】您的专属优惠已到账，详询您的客户经理。拒收请回复R"}
# END SOLUTION
q3.check(answer3)

# %% tags=["solution-only"]
# 参考方案的模拟结果：钱集中花在“重要”客群，人工渠道只给它们；总成本包括启动、触达和优惠
result3 = campaign.simulate_campaign(plan3, q3.audience, seed=SEED)
table3 = campaign.to_chinese(result3)[["产品", "渠道", "优惠", "每月触达次数", "可触达人数", "触达人数",
                                        "响应人数", "总成本(元)", "净收益(元)", "投资回报率 ROI"]]
table3.assign(**{c: table3[c].map(viz.money) for c in ("总成本(元)", "净收益(元)")},
              **{"投资回报率 ROI": table3["投资回报率 ROI"].map(viz.percent)})

# %% tags=["exercise-only"]
# q3.hint()
# q3.solution()

# %% [markdown]
# ## 练习 4：为一份新数据设计预处理流水线 · Design the cleaning pipeline
#
# `data` 是截止日的一份客户数据，准备以后用来预测客户是否忠诚（标签列 `loyal`）。这一次**不告诉你**
# 哪些列是数值、哪些是分类、哪些列有不可能的值、哪些列是重尾——请你自己从数据里看出来
# （`data.dtypes`、`data.describe()`、`data.skew(numeric_only=True)`），
# 再用讲义第三节的 `cleaning.build_preprocessor`（或你自己写的 `ColumnTransformer`）搭一条流水线，要求：
#
# - 每位客户一行，不能删行，结果里没有缺失值；
# - 不可能的年龄当作缺失再填补；重尾的列处理后不能再有极端值；数值列**标准化**；
# - 所有文字列都做独热编码；标签 `loyal` 不能进特征。
#
# 然后 `X = pre.fit_transform(data)`，检查 `X`。

# %%
data = q4.data                            # 截止日的客户数据（含标签 loyal）
data.dtypes.to_frame("类型").T

# %%
# BEGIN PLACEHOLDER
numeric = ____             # 数值特征列（列表）
categorical = ____         # 分类（文字）列（列表）
pre = ____                 # cleaning.build_preprocessor(...)
X = ____                   # pre.fit_transform(data)
# END PLACEHOLDER
# BEGIN SOLUTION
numeric = data.select_dtypes("number").columns.drop("loyal").tolist()   # 数值特征（标签除外）
categorical = data.columns.difference(numeric + ["loyal"]).tolist()     # 文字列 = 分类变量
skew = data[numeric].skew()
heavy = skew[skew > 2].index.drop("age", errors="ignore").tolist()     # 重尾列（年龄偏是因为 999 岁）
pre = cleaning.build_preprocessor(numeric, categorical, scaler="standard", log_cols=heavy,
                                  ranges={"age": (18, 100)}, clip=(0.01, 0.99))
X = pre.fit_transform(data)
# END SOLUTION
q4.check(X)

# %% tags=["exercise-only"]
# q4.hint()
# q4.solution()

# %% tags=["solution-only"]
X[numeric].describe().loc[["mean", "std", "min", "max"]].round(2)

# %% [markdown]
# ## 做完了？· Wrap-up
#
# - 练习 1：截止日是画像的“时间戳”。用了截止日之后的数据，所有结论都会虚高（数据泄漏）。
# - 练习 2：评分档数是**业务选择**，不是数学真理：它决定“重要价值客户”有多少人，要和人手、客群规模一起定。
# - 练习 3：预算管的是总成本（启动 + 触达 + 优惠）；先合规再营销；ROI 高不等于赚得多；人工渠道只给单客价值高的客群。
# - 练习 4：先看数据再定流水线：哪些列是分类、哪些重尾、哪些值不可能；同一条流水线在新数据上 `transform`，口径不变；标签永远不进特征。
#
# **讨论**：如果你的银行只有短信和客户经理两个渠道，你的营销方案会怎么改？
