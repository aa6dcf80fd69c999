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
# # 第一讲 AI赋能银行客户忠诚度管理概述 · Overview: AI for Bank Customer Loyalty
#
# **案例导入**：某银行的客户流失率 (churn rate) 居高不下，传统的客户维护方法收效甚微。
# 这一讲我们用一家虚拟银行的数据（合成数据，客户信息已脱敏）看清问题有多大、钱在哪里、
# AI 能从哪里入手。
#
# **学习目标 (Learning objectives)**
#
# 1. 读懂并画出逐年客户流失率的趋势图，在图上标注关键节点（产品调整、市场变化）；
# 2. 说出流失率高的两个根本原因：服务同质化、成本效率低，并能用数据支持讨论；
# 3. 用客户生命周期价值 (customer lifetime value, CLV) 把客户分成高、中、低三层，说明为什么要区别对待；
# 4. 用数据说明客户满意度 (satisfaction) 与忠诚度 (loyalty) 的关系；
# 5. 了解 AI 的四个解决方案方向，并能把“AI 让流失率降低 20%”换算成客户数和客户价值。
#
# **预计时间 (Estimated time)**：讲授约 50 分钟，配套练习约 40 分钟
# （[第一讲练习](../exercises/L1_exercises.ipynb)）。
#
# **怎么用这个笔记本**：从上到下依次运行每个代码单元格（Shift + Enter）。
# 图表已经预先算好，不运行也能先看；换一组数据（见下面的参数）再运行，结论依然成立。

# %% tags=["parameters"]
# 参数 (parameters)：讲师可以为每期学员换一个随机种子或数据规模
from course_utils.config import DEFAULT_CUSTOMERS, DEFAULT_SEED

SEED = DEFAULT_SEED
N_CUSTOMERS = DEFAULT_CUSTOMERS

# %%
import pandas as pd
from IPython.display import display

from course_utils import coursemap, domain, impact, kpis, viz
from course_utils.config import WINDOW_END, WINDOW_START
from course_utils.data import get_bank
from course_utils.exercises import lecture1
from course_utils.plotting import setup

setup()  # 统一图表风格，并启用中文字体

bank = get_bank(seed=SEED, n_customers=N_CUSTOMERS)
customers = bank.customers  # 客户表：每行一位客户
print(f"客户数：{len(customers):,}（含已流失的客户）；数据时间范围：{WINDOW_START} 至 {WINDOW_END}")
customers[["customer_id", "name", "age", "city", "open_date", "churn_date",
           "satisfaction", "loyal", "clv"]].head()

# %% [markdown]
# 上表是客户表的前 5 行：`open_date` 开户日期，`churn_date` 流失日期（空着 = 仍在网），
# `satisfaction` 满意度（0–100 分），`loyal` 是否忠诚客户（1 = 是），`clv` 客户生命周期价值（元）。
# 每一列的含义见 `datasets/README.md`（数据字典）。
#
# 这张表里既有**在网客户**（`churn_date` 为空），也有已经离开的客户。下面每张图都会写明它统计的是**哪一群客户**
# （统计范围），这样数字才可比。

# %% [markdown]
# ## 一、银行客户忠诚度管理面临的挑战 · Challenges
#
# ### 1. 客户流失率数据与趋势图 · Churn trend
#
# **客户流失率 (churn rate)** 的口径：某年 1 月 1 日开始时在网的客户（当天之前开户、当天之前没有流失）中，
# 当年流失的比例。**流失 (churned)** 指客户与银行的关系结束（`churn_date` 有值）。
#
# $$\text{流失率}_{Y} = \frac{Y\ \text{年内流失的客户数}}{Y\ \text{年 1 月 1 日开始时在网的客户数}}$$
#
# 先用 pandas 手算 2023 年，再用课程函数一次算三年，两者应当一致。

# %%
# 手算 2023 年的流失率（口径写清楚，结果才可比）
jan1 = pd.Timestamp("2023-01-01")
active = (customers["open_date"] < jan1) & (
    customers["churn_date"].isna() | (customers["churn_date"] >= jan1))  # 1 月 1 日开始时在网
churned_2023 = active & (customers["churn_date"].dt.year == 2023)       # 当年流失
print(f"2023 年初在网 {active.sum():,} 人，当年流失 {churned_2023.sum():,} 人，"
      f"流失率 {viz.percent(churned_2023.sum() / active.sum())}")

# %%
# 用课程函数一次算出三年（与上面手算的口径相同）
churn = kpis.yearly_churn_rates(customers)
pd.DataFrame({"年份": churn.index, "流失率": [viz.percent(r) for r in churn]}).set_index("年份")

# %% [markdown]
# 三个数字放进一张折线图，再标上当年的关键节点。下面两条事件是教学用的示例
# （我们的合成数据并不模拟具体事件）；在你的银行，请换成行内真实发生的事。

# %%
EVENTS = [
    (2022, "产品调整：部分免费服务改为收费"),
    (2023, "市场变化：竞品推出高收益理财、存款降息"),
]
viz.churn_trend_figure(churn, EVENTS)

# %% [markdown]
# **读图（5 秒）**：流失率一年比一年高；每一年都有事件“推了一把”，但趋势本身说明问题不只在某一次事件。
#
# **课堂互动 · 小组讨论**：请使用折线图展示客户流失率的逐年上升趋势，并标注关键节点。
# 下面的控件 (widget) 就是这张图：拖动滑块输入三年流失率，选年份、写一句事件说明（输入后按回车），
# 图会随之更新；点“检查答案”看看是否画对。课后在[第一讲练习](../exercises/L1_exercises.ipynb)
# 第 1 题里还会再做一次。

# %% tags=["widget-exercise", "nbval-ignore-output"]
q1, q2, q3, q4 = lecture1.setup(bank)
app = lecture1.churn_trend_app(q1)
app

# %% [markdown]
# ### 2. 问题分析：流失率高的根本原因 · Root causes
#
# 传统做法在流失率上收效甚微，根本原因可以归为两条：
#
# - **服务同质化 (homogeneous service)**：各家银行的产品和服务差不多，客户看不出区别，
#   谁的收益高、优惠多就去谁家；
# - **成本效率低 (low cost-efficiency)**：靠人工逐个维护客户成本高，只能照顾少数大客户，
#   多数客户得不到及时、有针对性的服务，费用最终也转嫁到客户身上。
#
# 数据能不能支持这个判断？看看流失客户自己说的原因（`churn_reason` 列）。
# 下面把每个原因归到一个根本原因上——这个归类本身就是讨论的起点。

# %%
# 每个流失原因对应哪个根本原因（可以讨论、修改）
ROOT_CAUSE = {
    "竞争对手优惠": "服务同质化", "收益率低": "服务同质化",
    "手续费高": "成本效率低", "服务体验差": "成本效率低",
    "搬迁/工作变动": "其他", "其他": "其他",
}
lost = customers[domain.has_churned(customers, WINDOW_END)]   # 统计范围：数据期内流失的全部客户
reasons = lost["churn_reason"].value_counts()                # 每个原因的人数
by_root = lost["churn_reason"].map(ROOT_CAUSE).value_counts(normalize=True)  # 归到根本原因
display(pd.DataFrame({"占流失客户比例": by_root.map(viz.percent)}).rename_axis("根本原因"))
viz.root_cause_figure(reasons, ROOT_CAUSE, population=(
    f"统计范围：{WINDOW_START} 至 {WINDOW_END} 流失的全部客户（{len(lost):,} 人）"))

# %% [markdown]
# **小组讨论**（10 分钟）：
#
# 1. 你所在的银行，哪些产品或服务和同业“长得一样”？客户凭什么选你？
# 2. 客户经理的时间花在了哪里？哪些工作可以交给系统自动完成，把人留给最需要人的客户？
# 3. 上面的归类你同意吗？“服务体验差”更像同质化还是成本问题？
#
# **梳理成果**：流失率逐年上升，只靠营销拉新补不上流失的口子，必须同样重视客户忠诚度管理。
# 传统的客户管理方式效果有限；结合 AI，可以**提前**预测谁可能流失，并在流失之前采取挽留措施。

# %% [markdown]
# ### 3. 客户生命周期价值 (CLV) 分布 · CLV distribution
#
# **客户生命周期价值 (CLV)**：一位客户在与银行的整个关系期内预计带来的价值（元）。
# 按 CLV 从高到低排序，把客户分成三层：前 10% 为高价值 (Top 10%)，
# 接下来 60% 为中价值 (Middle 60%)，最后 30% 为低价值 (Bottom 30%)。
# 本课程里 **“高价值客户”** 就是指这前 10%。
#
# **统计范围**：银行**当前的客户**，即数据截止日（2024-06-30）日终仍在网的客户。已经流失的客户不再给银行带来价值，
# 不参与分层（他们的 `clv` 只是离开前的历史估值）。

# %%
tiers = kpis.clv_tiers(customers, as_of=WINDOW_END)   # 只算 2024-06-30 日终在网的客户
print(tiers.attrs["population"])
pd.DataFrame({
    "价值层": tiers["label_zh"] + " (" + tiers["label"] + ")",
    "人数": tiers["n"],
    "平均 CLV": tiers["mean_clv"].map(viz.money),
    "占在网客户总 CLV": tiers["share_of_clv"].map(viz.percent),
}).set_index("价值层")

# %%
by_tier = tiers.set_index("tier")          # 按层的英文键取数：top / middle / bottom
ratio = by_tier.loc["top", "mean_clv"] / by_tier.loc["bottom", "mean_clv"]
print(f"高价值客户的人均 CLV 是低价值客户的 {ratio:.0f} 倍；"
      f"前 10% 的客户贡献了在网客户总 CLV 的 {viz.percent(by_tier.loc['top', 'share_of_clv'])}。")
viz.clv_tier_figure(tiers)   # 图下的小字写明统计范围

# %% [markdown]
# **读图**：高价值客户人数只占一成，人均价值却是低价值客户的许多倍（上面算出的倍数，也写在图标题里），
# 贡献了在网客户总价值的很大一块。
# 流失一位高价值客户，相当于流失许多位低价值客户——挽留要**分层**：
# 高价值客户值得专人维护，长尾客户则要靠自动化、低成本的方式经营。

# %% [markdown]
# ## 二、AI 技术如何赋能银行客户忠诚度管理 · How AI helps
#
# ### 1. 客户满意度与忠诚度的关系 · Satisfaction vs loyalty
#
# **忠诚客户 (loyal customer)**：在银行的客户关系回访中，表示本行是自己的**主办银行**、并且**愿意推荐**本行的客户
# （`loyal` = 1）。已经流失的客户不算忠诚。
#
# 把客户按满意度分成三档：≥90、70–89、<70，看每档里忠诚客户的占比。统计范围与上一节相同：2024-06-30 日终在网的客户。

# %%
loyalty = kpis.loyalty_by_satisfaction(customers, as_of=WINDOW_END)   # 每档人数 n 和忠诚客户占比
print(loyalty.attrs["population"])
pd.DataFrame({
    "满意度档": loyalty["label"],
    "人数": loyalty["n"],
    "忠诚客户占比": loyalty["loyal_rate"].map(viz.percent),
}).set_index("满意度档")

# %%
viz.loyalty_figure(loyalty)

# %% [markdown]
# **导出结论**：客户满意度与忠诚度密切相关，提升满意度是提高忠诚度的关键。
# 满意度不能一年调查一次就算了：通过 AI，可以从客户的留言、通话和使用行为里**实时**监测满意度，
# 及时发现不满、优化服务体验（第四讲会用情感分析做这件事）。
#
# ### 2. 四个解决方案方向 · Four AI solution areas
#
# 这门课的地图：AI 在客户忠诚度管理上的四个方向，以及在哪一讲学习。

# %%
coursemap.show_solution_areas()

# %% [markdown]
# ### 3. 案例：某银行利用 AI 让客户流失率降低 20% · Case: "AI cut churn by 20%"
#
# 这句话在我们的数据上意味着什么？“降低 20%”指**相对**降低：流失率变为原来的 80%，
# 而不是降低 20 个百分点（下面也算出了那样理解的结果，显然不是这个意思）。
# 以最近一个完整年份 2023 年为例，假设被留住的是“平均水平”的流失客户：

# %%
case = impact.churn_cut_impact(customers, year=2023, relative_cut=0.20)
print(f"2023 年流失率 {viz.percent(case.churn_rate)} → {viz.percent(case.new_churn_rate)}："
      f"少流失 {case.customers_kept:,} 位客户，约 {viz.money(case.clv_kept)} 的客户价值。")
pp = case.churn_rate - case.relative_cut   # 误读成“降低 20 个百分点”
points = f"{case.relative_cut * 100:g} 个百分点"
print(f"若误读成“降低 {points}”：{viz.percent(case.churn_rate)} − {points} = "
      f"{viz.percent(max(pp, 0.0))}" + ("（减到 0 以下只能算 0：等于一位客户都不流失）" if pp <= 0 else ""))
case.table()

# %% [markdown]
# **但要小心**：“流失率降低 20%”是一个**说法 (claim)**。流失率本身每年都在变（市场、利率、竞争），
# 只比较“用 AI 之前”和“用 AI 之后”，分不清是 AI 的功劳还是市场的变化。
# 要证明效果，需要**对照组 (control group)**：随机留出一部分客户不用 AI 措施，比较两组的流失率。
# 第五讲会用数据亲手检验这样一个说法。
#
# ### 4. 课程目标与学习路径 · Learning path
#
# 接下来两天，我们按上面的四个方向，一讲一讲动手做：

# %%
for lec in coursemap.LECTURES[1:]:
    print(f"{lec.number} {lec.title}：{lec.summary}")

# %% [markdown]
# 完整的两天安排和所有笔记本的链接见[课程首页](00_start.ipynb)。
#
# ## 小结 · Summary
#
# - 流失率逐年上升（见第一节的图），只靠营销拉新补不上；忠诚度管理和营销同样重要。
# - 根本原因：**服务同质化 + 成本效率低**；流失客户自述的原因也大多落在这两类里。
# - 价值高度集中：前 10% 的客户贡献了很大一块价值，挽留要分层、有针对性。
# - 满意度越高，忠诚客户占比越高；AI 可以实时监测满意度。
# - AI 的四个方向：客户画像与精准营销、流失预警与挽留、个性化推荐、智能客服与关系维护。
# - “AI 让流失率降低 20%”要换算成客户数和价值来理解，并用对照组来验证。
#
# ## 讨论题 · Discussion questions
#
# 1. 你的银行过去三年的流失率是什么走势？哪些关键节点（产品调整、市场变化）可以标在图上？
# 2. 如果只能为 10% 的客户配备专属客户经理，你会按什么标准选？只看 CLV 够吗？
# 3. 满意度高但仍然流失的客户可能是什么原因？数据里能找到他们吗？
# 4. 供应商告诉你“我们的 AI 让某银行流失率降低了 20%”，你会追问哪三个问题？
#
# **下一步**：打开[第一讲练习](../exercises/L1_exercises.ipynb)，亲手画趋势图，再算各价值层的流失率、
# 按价值算的忠诚度，以及“流失率降低 20%”能留住多少客户和价值。
