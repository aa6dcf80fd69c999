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
# # 第一讲 练习 · Lecture 1 exercises
#
# 配合[第一讲讲义](../notebooks/L1_overview.ipynb)使用。共 4 题：
#
# 1. 用折线图展示流失率 15%→20%（控件 (widget) 练习）；
# 2. 各价值层的流失率：高价值客户流失得多还是少？
# 3. 按价值算的忠诚度：每个满意度档里，忠诚客户手里握着多少客户生命周期价值
#    (customer lifetime value, CLV)？
# 4. “流失率降低 20%”能留住多少客户、多少价值。
#
# 第 2–4 题的答案讲义里都没有现成的数字：要用讲义教的口径和方法，自己算出来。
#
# **预计时间**：约 40 分钟（时间安排见开始页的课程地图）。
#
# **怎么做**：在代码里把 `____`（四个下划线）换成你的答案，运行单元格，再运行下面的
# `q1.check(...)` 看反馈：√ 正确、× 还不对（会告诉你哪里不对）、… 尚未作答。
# 卡住了？去掉 `# q1.hint()` 前面的 `#` 运行，看提示（多运行几次，提示会越来越具体）；
# 最后还可以看 `q1.solution()` 参考答案。

# %% tags=["parameters"]
# 参数 (parameters)：讲师可以换随机种子或数据规模
from course_utils.config import DEFAULT_CUSTOMERS, DEFAULT_SEED

SEED = DEFAULT_SEED
N_CUSTOMERS = DEFAULT_CUSTOMERS

# %%
import pandas as pd

from course_utils import domain, plotting
from course_utils.data import get_bank
from course_utils.exercises.lecture1 import *   # 练习工具：占位符、setup、churn_trend_app

plotting.setup()                                 # 图表风格和中文字体
bank = get_bank(seed=SEED, n_customers=N_CUSTOMERS)
customers = bank.customers                       # 全部客户（含已流失的）
AS_OF = domain.CURRENT_CUSTOMERS_AS_OF           # 讲义的口径日期
current = customers[domain.on_books(customers, AS_OF)]   # 这一天仍在网的客户
q1, q2, q3, q4 = setup(bank)                     # 四道题，按这份数据判分
print(f"数据已加载：{len(customers):,} 位客户，其中 {AS_OF} 仍在网的 {len(current):,} 位")

# %% [markdown]
# ## 练习 1：用折线图展示流失率 15%→20% · Churn trend
#
# 某银行过去三年的客户流失率逐年上升。请在下面的控件里：
#
# 1. 用三个滑块设置 2021、2022、2023 年的流失率（单位 %，按我们数据算出的值，误差 1 个百分点以内）；
# 2. 为**至少 2 个**关键节点选年份并写一句说明（例如行内某次产品调整、某个市场变化），输入后按回车。
#
# 图会随你的设置更新。可以直接点控件里的“检查答案”，也可以在下一个单元格用代码检查。
# 不记得每年的流失率？用讲义第一节的方法（年初在网的客户里，当年流失的占比）算一算。

# %% tags=["widget-exercise", "nbval-ignore-output"]
app1 = churn_trend_app(q1)
app1

# %%
# 调好控件后，把 ____ 换成 app1（控件本身），再运行本单元格
# BEGIN PLACEHOLDER
answer1 = ____
# END PLACEHOLDER
# BEGIN SOLUTION
from course_utils.kpis import yearly_churn_rates
rates = yearly_churn_rates(customers)             # 每年流失率（小数），按数据计算
answer1 = {
    "rates": rates.to_dict(),
    "events": [(2022, "产品调整：部分免费服务改为收费"),
               (2023, "市场变化：竞品推出高收益理财、存款降息")],
}
# END SOLUTION
q1.check(answer1)

# %% tags=["solution-only"]
# 参考答案画出来的图（和讲义用的是同一个画图函数）
from course_utils import viz

viz.churn_trend_figure(answer1["rates"], answer1["events"])

# %%
# 需要帮助？去掉下一行开头的 # 再运行
# q1.hint()
# q1.solution()

# %% [markdown]
# ## 练习 2：各价值层的流失率 · Churn rate by value tier
#
# 讲义分别算过**每年的流失率**（第一节）和**客户价值分层**（第三节），但没有把两者放在一起。
# 高价值客户更容易流失，还是更不容易？
#
# 人群：**2023 年 1 月 1 日开始时在网的客户**（讲义第一节 2023 年流失率的分母）。
#
# 1. 在这群人里按 `clv` **从高到低**排序分层：前 10% 为 Top 10%，接下来 60% 为 Middle 60%，
#    最后 30% 为 Bottom 30%；
# 2. 算出每层在 2023 年内流失的比例：该层 2023 年内流失的人数 ÷ 该层的人数（0 到 1 之间的小数）；
# 3. 放进字典 `answer2`，键为 `"Top 10%"`、`"Middle 60%"`、`"Bottom 30%"`。

# %%
# BEGIN PLACEHOLDER
base = ____                # 2023 年 1 月 1 日开始时在网的客户
churned = ____             # base 里每位客户 2023 年内是否流失（True / False）
ranked = ____              # base 的 clv 从高到低排序
answer2 = {"Top 10%": ____, "Middle 60%": ____, "Bottom 30%": ____}
# END PLACEHOLDER
# BEGIN SOLUTION
jan1, next_jan1 = pd.Timestamp("2023-01-01"), pd.Timestamp("2024-01-01")
base = customers[(customers["open_date"] < jan1) & (
    customers["churn_date"].isna() | (customers["churn_date"] >= jan1))]   # 年初在网
churned = base["churn_date"] < next_jan1            # 当年流失（churn_date 为空时是 False）
ranked = base["clv"].sort_values(ascending=False)   # 在这群人里从高到低排
n = len(ranked)
n_top, n_bottom = round(0.1 * n), round(0.3 * n)
top = ranked.index[:n_top]                          # 每层客户的行号
middle = ranked.index[n_top:n - n_bottom]
bottom = ranked.index[n - n_bottom:]
answer2 = {"Top 10%": churned[top].mean(), "Middle 60%": churned[middle].mean(),
           "Bottom 30%": churned[bottom].mean()}
# END SOLUTION
q2.check(answer2)

# %%
# q2.hint()
# q2.solution()

# %% [markdown]
# **想一想**：哪一层的流失率最低？流失一位高价值客户和流失一位低价值客户，损失差多少？
# 挽留资源应该怎么分？

# %% [markdown]
# ## 练习 3：按价值算的忠诚度 · Loyalty weighted by value
#
# 讲义里的图按**人数**算：每个满意度档里，忠诚客户占多少人。银行还关心**价值**：
# 每个满意度档里，忠诚客户手里握着该档多少的客户生命周期价值 (CLV)？
# 不在忠诚客户手里的价值，就是最容易流失的价值。
#
# 人群仍是 `current`（截止 `AS_OF` 仍在网的客户，和讲义同一口径）。按满意度 `satisfaction` 分成三档：
# **≥90**、**70–89**、**<70**（满意度正好 90 的属于 ≥90 档，正好 70 的属于 70–89 档）。算出每档的
#
# > 忠诚客户（`loyal` = 1）的 CLV 之和 ÷ 该档全部客户的 CLV 之和
#
# （0 到 1 之间的小数），得到以 `"≥90"`、`"70–89"`、`"<70"` 为索引的序列 (Series) 或字典 `answer3`。
#
# 提示：`pd.cut(列, bins=[0, 70, 90, 101], labels=["<70", "70–89", "≥90"], right=...)` 可以分档。

# %%
# BEGIN PLACEHOLDER
band = ____                # 每位客户所在的满意度档
loyal_clv = ____           # 每档忠诚客户的 CLV 之和
all_clv = ____             # 每档全部客户的 CLV 之和
answer3 = ____             # 每档忠诚客户的 CLV 占比
# END PLACEHOLDER
# BEGIN SOLUTION
band = pd.cut(current["satisfaction"], bins=[0, 70, 90, 101],
              labels=["<70", "70–89", "≥90"], right=False)   # right=False：90 归入 ≥90
loyal_clv = (current["clv"] * current["loyal"]).groupby(band, observed=True).sum()
all_clv = current["clv"].groupby(band, observed=True).sum()
answer3 = loyal_clv / all_clv
# END SOLUTION
q3.check(answer3)

# %%
# q3.hint()
# q3.solution()

# %% [markdown]
# **想一想**：和讲义里按人数算的忠诚客户占比比一比，按价值算是更高还是更低？
# 满意度 <70 的那一档，有多少价值握在**不忠诚**的客户手里？

# %% [markdown]
# ## 练习 4：“流失率降低 20%”留住多少客户、多少价值 · What a 20% cut keeps
#
# 某银行说“利用 AI 让客户流失率降低了 20%”。讲义用 2023 年算过一遍；这里换一年：
# 假设我们的银行在 **2022 年**就做到了（流失率**相对**降低 20%）。
#
# 1. 2022 年会**少流失多少位客户**？四舍五入到整数。
# 2. 这些客户的客户生命周期价值 (CLV) **合计多少元**？沿用讲义的假设：被留住的是
#    “平均水平”的 2022 年流失客户（用他们的平均 CLV）。
#
# 口径：2022 年 1 月 1 日开始时在网的客户里，在 2022 年内流失的人（讲义第一节流失率的分子）。
# 把结果写成字典 `answer4 = {"customers": 人数, "clv": 金额（元）}`。
#
# 想一想：“降低 20%”和“降低 20 个百分点”有什么不同？先算出 2022 年的流失率，
# 再看看减去 20 个百分点还剩多少。

# %%
# BEGIN PLACEHOLDER
lost = ____                # 2022 年初在网、并在 2022 年内流失的客户
kept = ____                # 少流失的客户数（整数）
answer4 = {"customers": ____, "clv": ____}
# END PLACEHOLDER
# BEGIN SOLUTION
start, end = pd.Timestamp("2022-01-01"), pd.Timestamp("2023-01-01")
base_2022 = customers[(customers["open_date"] < start) & (
    customers["churn_date"].isna() | (customers["churn_date"] >= start))]   # 年初在网
lost = base_2022[base_2022["churn_date"] < end]                          # 当年流失
kept = round(len(lost) * 0.2)                                            # 相对降低 20%
answer4 = {"customers": kept, "clv": kept * lost["clv"].mean()}          # 平均水平的流失客户
# END SOLUTION
q4.check(answer4)

# %%
# q4.hint()
# q4.solution()

# %% [markdown]
# ## 做完了？· Wrap-up
#
# - 练习 1 的图就是向领导汇报时的那张图：趋势 + 关键节点，一眼能看懂。
# - 练习 2、3 把流失、满意度和**客户价值**放在一起看：挽留和服务要按价值分层，
#   这是后面客户画像（第二讲）和流失预警（第三讲）的起点。
# - 练习 4 只是算术：它**不能**证明 AI 有效。要证明效果，需要对照组 (control group)——第五讲再见。
#
# **讨论**：如果 2024 年的流失率真的比 2023 年低 20%，你还需要哪些信息，才能相信这是 AI 的功劳？
