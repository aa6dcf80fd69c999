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
# 2. 调整客群划分：评分档数和权重（控件 (widget) 练习）；
# 3. 为各客群设计营销方案：产品、渠道、优惠、预算（控件练习）；
# 4. 搭建数据预处理流水线 (Pipeline)。
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

from course_utils import campaign, features, plotting, segments
from course_utils.config import L2_CUTOFF
from course_utils.data import get_bank
from course_utils.exercises.lecture2 import *   # 练习工具：占位符、setup 和两个控件

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
# ## 练习 2：调整客群划分 · Tune the segmentation
#
# 下面的控件用 RFM 评分给客户分群。**评分档数 (bins)** 决定每个维度打几档分；
# **权重 (weights)** 决定“RFM 综合分”里 R、F、M 各占多少——综合分最高的 20% 客户就是“RFM前20%”名单
# （第五讲的高价值客户挽留就从这份名单开始）。
#
# 任务：业务部门希望名单更看重交易金额。请把评分档数设为**五分位**，权重设为 **R:F:M = 1:1:2**，
# 读出**重要保持客户**中进入“RFM前20%”名单的人数，填进控件最下面的输入框，点“检查答案”。
#
# 也可以顺便试试：档数从 3 调到 7，各客群的人数怎么变？哪些客群会变得很小？

# %% tags=["widget-exercise", "nbval-ignore-output"]
app2 = segmentation_app(q2)
app2

# %%
# 调好控件后，把 ____ 换成 app2（控件本身），再运行本单元格
# BEGIN PLACEHOLDER
answer2 = ____
# END PLACEHOLDER
# BEGIN SOLUTION
sizes2, _, _ = segments.render_segmentation(q2.table, bins=5, w_r=1, w_f=1, w_m=2, draw=False)
app2.set_values(bins=5, w_r=1.0, w_f=1.0, w_m=2.0,
                count=int(sizes2.loc["重要保持客户", "n_top"]))   # n_top：进入 RFM前20% 的人数
answer2 = app2
# END SOLUTION
q2.check(answer2)

# %% tags=["exercise-only"]
# q2.hint()
# q2.solution()

# %% [markdown]
# ## 练习 3：为各客群设计营销方案 · Design segment campaigns
#
# 在控件里为每个客群选择**产品**、**渠道**、**优惠**和**预算**（0 = 不做活动）。
# 模拟器会给出每个客群的触达人数、响应人数、成本、增量收入和投资回报率
# (ROI = 净收益 ÷ 总成本)，以及合计。
#
# 目标（控件里写着具体数字）：总预算不超过上限，总 ROI 至少 100%，净收益达到目标，
# 并且**不把高成本的人工渠道（电话外呼、客户经理面访）用在单客价值低的“一般”客群上**
# （哪些组合不划算，检查时会逐条告诉你）。
#
# 提示：先想清楚每个客群值多少钱、平时用什么渠道（讲义第五、六节的热力图和策略表），再动手；
# 每个渠道都有启动成本，预算低于启动成本时一个客户也触达不到。

# %% tags=["widget-exercise", "nbval-ignore-output"]
app3 = campaign_app(q3)
app3

# %%
# 调好控件后，把 ____ 换成 app3（控件本身）；也可以直接写方案字典 {客群: (产品, 渠道, 优惠, 预算)}
sizes = q3.sizes                 # 各客群人数
targets = q3.targets             # 本题目标：预算上限、最低 ROI、最低净收益
# BEGIN PLACEHOLDER
answer3 = ____
# END PLACEHOLDER
# BEGIN SOLUTION
answer3 = campaign.suggested_plan(sizes, seed=SEED, max_budget=targets["max_budget"])
# END SOLUTION
q3.check(answer3)

# %% tags=["solution-only"]
# 参考方案的模拟结果：钱集中花在“重要”客群，人工渠道只给它们
result3 = campaign.simulate_campaign(answer3, sizes, seed=SEED)
table3 = campaign.to_chinese(result3)[["产品", "渠道", "优惠", "预算(元)", "触达人数", "响应人数", "净收益(元)", "ROI"]]
table3.assign(**{"预算(元)": table3["预算(元)"].map("{:,.0f}".format),
                 "净收益(元)": table3["净收益(元)"].map("{:,.0f}".format),
                 "ROI": table3["ROI"].map(lambda v: f"{v:.0%}" if pd.notna(v) else "—")})

# %% tags=["exercise-only"]
# q3.hint()
# q3.solution()

# %% [markdown]
# ## 练习 4：搭建数据预处理流水线 · Build the cleaning pipeline
#
# `data` 是截止日的客户数据：数值列 `NUMERIC`、分类列 `CATEGORICAL`，以及标签 `loyal`（是否忠诚客户，
# 以后要预测它，所以**不能**放进特征里）。数据里有缺失的月收入，也有 -1 岁、999 岁这样不可能的年龄。
#
# 用 scikit-learn 搭一个 `ColumnTransformer`：
#
# - 数值列：不可能的年龄（18–100 岁以外）设为缺失 → 中位数填补 → `StandardScaler` 标准化；
# - 分类列：众数填补 → `OneHotEncoder` 独热编码；
# - 输出保留列名：`verbose_feature_names_out=False`，并 `.set_output(transform="pandas")`。
#
# 然后 `X = pre.fit_transform(data)`，检查 `X`。

# %%
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from course_utils.cleaning import RangeToNaN   # 把超出范围的值设为缺失

data = q4.data                            # 截止日的客户数据（含标签 loyal）
NUMERIC = list(q4.numeric)                # 数值列
CATEGORICAL = list(q4.categorical)        # 分类列
data = data.assign(**{c: data[c].astype(object) for c in CATEGORICAL})   # 分类列用普通文本
# BEGIN PLACEHOLDER
num_pipe = ____            # 数值列的 Pipeline
cat_pipe = ____            # 分类列的 Pipeline
pre = ____                 # ColumnTransformer
X = ____                   # pre.fit_transform(data)
# END PLACEHOLDER
# BEGIN SOLUTION
num_pipe = Pipeline([
    ("impossible", RangeToNaN({"age": (18, 100)})),   # -1 岁、999 岁 → 缺失
    ("impute", SimpleImputer(strategy="median")),     # 中位数填补
    ("scale", StandardScaler()),                      # 标准化：均值 0、标准差 1
])
cat_pipe = Pipeline([
    ("impute", SimpleImputer(strategy="most_frequent")),
    ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
])
pre = ColumnTransformer([("num", num_pipe, NUMERIC), ("cat", cat_pipe, CATEGORICAL)],
                        verbose_feature_names_out=False).set_output(transform="pandas")
X = pre.fit_transform(data)                           # 标签 loyal 不在列表里，自动丢弃
# END SOLUTION
q4.check(X)

# %% tags=["exercise-only"]
# q4.hint()
# q4.solution()

# %% tags=["solution-only"]
X.describe().loc[["mean", "std", "min", "max"], NUMERIC].round(2)

# %% [markdown]
# ## 做完了？· Wrap-up
#
# - 练习 1：截止日是画像的“时间戳”。用了截止日之后的数据，所有结论都会虚高（数据泄漏）。
# - 练习 2：档数和权重是**业务选择**，不是数学真理；改变它们，名单就会变。要把规则写下来、讲清楚。
# - 练习 3：ROI 高不等于赚得多；人工渠道贵，只在单客价值高的客群上才收得回成本。
# - 练习 4：同一条流水线在新数据上 `transform`，口径就不会变；标签永远不进特征。
#
# **讨论**：如果你的银行只有短信和客户经理两个渠道，你的营销方案会怎么改？
