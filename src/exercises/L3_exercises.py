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
# # 第三讲 练习 · Lecture 3 exercises
#
# 配合[第三讲讲义](../notebooks/L3_churn.ipynb)使用。共 5 题：
#
# 1. 在截止日构建流失表，不让未来的数据漏进特征（数据泄漏 leakage）；
# 2. 训练并比较逻辑回归、决策树、随机森林（时间外验证 out-of-time），算出预算下的提升度 (lift)；
# 3. 联系多少位客户最划算（控件 widget 练习）；
# 4. 在预算内设计挽留方案：按风险还是按增益 (uplift)、每类原因给什么优惠（控件练习）；
# 5. 自己写智能客服的转人工规则和 AI 外呼的意向分级，在没见过的数据上检验。
#
# **预计时间**：约 75 分钟（第二天 09:00–10:15，见开始页的课程地图）。
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
import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from course_utils import domain, plotting, retention
from course_utils.churn import FEATURES
from course_utils.churn_models import make_churn_model
from course_utils.data import get_bank
from course_utils.exercises.lecture3 import *   # 练习工具：占位符、setup 和两个控件

plotting.setup()                                # 图表风格和中文字体
bank = get_bank(seed=SEED, n_customers=N_CUSTOMERS)
customers = bank.customers                      # 客户主表：open_date, churn_date, ...
tx = bank.transactions                          # 交易明细：customer_id, txn_date, amount, ...
q1, q2, q3, q4, q5 = setup(bank, seed=SEED)     # 五道题，按这份数据判分
print(f"数据已加载：{len(customers):,} 位客户，{len(tx):,} 笔交易")

# %% [markdown]
# ## 练习 1：在截止日构建流失表 · Build a churn table without leakage
#
# 截止日 `CUTOFF`（观察截止日）把时间切成两段：之前是**观察窗口**（只能从这里取特征），
# 之后是**结果窗口**（只用来打标签）。请构建截止日的流失表 `answer1`，每位客户一行
# （客户号放在索引或 `customer_id` 列）：
#
# - **谁**：截止日**当天开始时在网**的客户——开户早于截止日，且没有流失或流失日不早于截止日；
# - `frequency_12m`：截止日**之前 12 个月**的交易笔数（截止日当天的交易不算；没有交易记 0）；
# - `amount_12m`：同一窗口的交易金额之和（元，直接求和，不做清洗；没有交易记 0）；
# - `churned`：截止日起 **6 个月内**流失为 1，否则为 0。
#
# 检查会认出常见的错误：用到了截止日之后的交易、窗口不对、把已经走了的客户也算进来……

# %%
CUTOFF = q1.cutoff                               # 本题的截止日
# BEGIN PLACEHOLDER
answer1 = ____                                   # 每位在网客户一行：frequency_12m, amount_12m, churned
# END PLACEHOLDER
# BEGIN SOLUTION
cut = pd.Timestamp(CUTOFF)
start, end = cut - pd.DateOffset(months=12), cut + pd.DateOffset(months=6)
base = customers[domain.on_books_at_start(customers, cut)]          # 截止日开始时在网
window = tx[(tx["txn_date"] >= start) & (tx["txn_date"] < cut)]     # 只用截止日之前 12 个月
g = window.groupby("customer_id")["amount"]
answer1 = pd.DataFrame({
    "frequency_12m": g.size(),
    "amount_12m": g.sum(),
}).reindex(base["customer_id"]).fillna(0)                          # 没有交易的客户记 0
churn = base.set_index("customer_id")["churn_date"]
answer1["churned"] = ((churn >= cut) & (churn < end)).astype(int)   # 截止日起 6 个月内流失
# END SOLUTION
q1.check(answer1)

# %% tags=["exercise-only"]
# 需要帮助？去掉下一行开头的 # 再运行
# q1.hint()
# q1.solution()

# %% [markdown]
# ## 练习 2：三个模型的时间外验证 · Three models, out of time
#
# `train` 是较早截止日的流失表，`test` 是半年后截止日的流失表（同样的特征 `FEATURES`，标签 `churned`）。
# 用较早的数据训练、在较晚的数据上检验，就是**时间外验证 (out-of-time validation)**：
# 和模型上线后的处境一样——用过去预测未来。
#
# 1. 对三种模型 `'logistic'`、`'tree'`、`'forest'`：`make_churn_model(kind, FEATURES)`，
#    只用 `train` 训练，给 `test` 的每位客户打分（流失概率），放进字典 `scores`；
# 2. 用 `roc_auc_score` 算每个模型在 `test` 上的 AUC，`best` = AUC 最高的模型名；
# 3. 挽留团队只能打 `BUDGET` 个电话：算出 `best` 模型分数最高的 `BUDGET` 位客户的**提升度 (lift)**
#    = 这些人里的流失率 ÷ `test` 整体流失率。
#
# 换个 `random_state` 也没关系：检查会用你自己的分数重新计算。

# %%
train, test = q2.train, q2.test                  # 较早 / 较晚截止日的流失表
BUDGET = q2.budget                               # 能打的电话数
print(f"训练集 {len(train):,} 位客户（流失率 {train['churned'].mean():.1%}），"
      f"测试集 {len(test):,} 位（流失率 {test['churned'].mean():.1%}），预算 {BUDGET} 个电话")
# BEGIN PLACEHOLDER
scores = ____                                    # {'logistic': 分数, 'tree': 分数, 'forest': 分数}
best = ____                                      # AUC 最高的模型名
lift = ____                                      # best 模型前 BUDGET 位的提升度
# END PLACEHOLDER
# BEGIN SOLUTION
scores = {}
for kind in ["logistic", "tree", "forest"]:
    model = make_churn_model(kind, FEATURES)
    model.fit(train[FEATURES], train["churned"])                 # 只用较早的截止日训练
    scores[kind] = model.predict_proba(test[FEATURES])[:, 1]     # 给较晚截止日的客户打分
auc = {kind: roc_auc_score(test["churned"], s) for kind, s in scores.items()}
best = max(auc, key=auc.get)
top = np.argsort(-scores[best], kind="stable")[:BUDGET]          # 分数最高的 BUDGET 位
lift = test["churned"].iloc[top].mean() / test["churned"].mean()
# END SOLUTION
answer2 = {"scores": scores, "best": best, "lift": lift}
q2.check(answer2)

# %% tags=["exercise-only"]
# q2.hint()
# q2.solution()

# %% tags=["solution-only"]
# 三个模型的 AUC：时间外的数字才是上线后能指望的水平
pd.Series(auc).round(3)

# %% [markdown]
# ## 练习 3：联系多少位客户最划算 · How many customers to call
#
# 按模型给出的流失风险从高到低联系客户：联系得越多，找到的流失客户越多（召回率 recall 上升），
# 但名单越往后，流失率越低（精确率 precision 下降），每个电话和优惠的成本却不变。
#
# 在控件里选一个模型、拖动“联系人数”，看精确率、召回率、提升度和**预期净收益**怎么变
# （假设写在控件里）。找到净收益最高的模型和人数，再检查。

# %% tags=["widget-exercise", "nbval-ignore-output"]
app3 = contact_budget_app(q3)
app3

# %% tags=["solution-only"]
# 每个模型的净收益曲线里取最高点，再选三者中最高的
peaks = {kind: (int(c["net_value"].idxmax()), c["net_value"].max()) for kind, c in q3.curves().items()}
best_model = max(peaks, key=lambda kind: peaks[kind][1])
app3.set_values(model=best_model, contacts=peaks[best_model][0])

# %%
q3.check(app3)

# %% tags=["exercise-only"]
# q3.hint()
# q3.solution()

# %% [markdown]
# ## 练习 4：在预算内设计挽留方案 · Plan retention under a budget
#
# 2024-01-01 银行做过一次**随机对照**的挽留活动（表 `bank.retention_campaign`）：可以合规联系的客户
# 一半被联系（干预组，随机给一种优惠），一半不联系（对照组）。增益模型 (uplift model) 从中学到
# “联系了才会留下”的客户。
#
# 在控件里设计挽留方案：
#
# - **排序**：按流失风险（风险最高的先联系），或按挽留增益（联系后流失概率下降最多的先联系）；
# - **预算**：方案的全部成本（联系成本 + 优惠成本），元；
# - **每类预警原因的优惠**：个性化优惠、情感关怀、产品升级，或不联系。
#
# 模拟器会先做合规筛选（营销授权、拒绝来电名单、联系频次上限），再按排序联系客户直到预算用完，
# 并把结果和**银行常规做法**（按风险排序、人人发个性化优惠）在同样预算下对比。
# 目标：你的方案净收益为正，并且超过常规做法。

# %% tags=["widget-exercise", "nbval-ignore-output"]
app4 = retention_plan_app(q4)
app4

# %% tags=["solution-only"]
# 按增益排序 + 对症的优惠（价格→个性化优惠、服务→情感关怀、产品→产品升级、搬迁→不联系），
# 在控件能选的预算里找净收益最高、又赢过常规做法的那个
ctx = q4.simulator()
offers = retention.MATCHED_OFFERS
step, top = q4.budget_steps()


def plan_value(budget):
    mine = retention.simulate_plan(ctx, "uplift", budget, offers)["net_value"]
    usual = retention.simulate_plan(ctx, "risk", budget, retention.STANDARD_OFFERS)["net_value"]
    return mine if mine > max(usual, 0) else -np.inf


best_budget = max(range(step, top + 1, step), key=plan_value)
app4.set_values(ranking="uplift", budget=best_budget, **{f"offer_{r}": o for r, o in offers.items()})

# %%
q4.check(app4)

# %% tags=["exercise-only"]
# q4.hint()
# q4.solution()

# %% [markdown]
# ## 练习 5：转人工规则与外呼意向分级 · Hand-off rule and intent grader
#
# **转人工 (hand-off)**：智能客服遇到两种情况要转给人工客服——客户把**同一个问题又问了一遍**
# （机器人没答好）；客户**要求降利率、减免费用**（机器人无权答应）。写函数 `handoff(history)`：
# `history` 是这次对话到目前为止的消息列表，最新一条在最后；返回 `True` = 转人工。
#
# **意向分级 (intent grading)**：AI 外呼问沉默客户“为您专属预留了5万额度备用金，是否确认开通？”，
# 按回复分级：A = 明确有意向（交给客户经理）、B = 犹豫或听不清（发短信跟进）、C = 拒绝。
# 写函数 `grade(reply)` 返回 `"A"`、`"B"` 或 `"C"`。小心“不是不需要，就是现在没空”这种说法。
#
# 开发数据：`dev`（对话，`handoff` 列是正确答案）和 `replies`（回复，`intent_grade` 列是正确等级），
# 来自客户号末位为偶数的客户。**检查用的是你没见过的数据**：客户号末位为奇数的客户，外加几条新回复。

# %%
dev = q5.dev_messages                # 开发集对话：text、history（到这条为止的对话）、handoff（正确答案）
replies = q5.dev_replies             # 开发集外呼回复：reply、intent_grade（正确等级）
dev.loc[dev["handoff"], ["text", "intent"]].head(8)

# %%
# BEGIN PLACEHOLDER
def handoff(history):               # history[-1] 是最新一条消息
    return ____                      # True = 转人工


def grade(reply):
    return ____                      # "A"、"B" 或 "C"


# 写好后先在开发集上自查（去掉下一行开头的 # 运行）：
# print((dev["history"].map(handoff) == dev["handoff"]).mean(), (replies["reply"].map(grade) == replies["intent_grade"]).mean())
answer5 = {"handoff": handoff, "grade": grade}
q5.check(answer5)
# END PLACEHOLDER
# BEGIN SOLUTION
# INSERT course_utils.exercises.lecture3.q5_automation:SOLUTION_CODE
# END SOLUTION

# %% tags=["exercise-only"]
# q5.hint()
# q5.solution()

# %% tags=["solution-only"]
# 开发集上的一致率（检查用的是没见过的那一半）
pd.Series({"转人工一致率": (dev["history"].map(handoff) == dev["handoff"]).mean(),
           "分级准确率": (replies["reply"].map(grade) == replies["intent_grade"]).mean()}).round(3)

# %% [markdown]
# ## 做完了？· Wrap-up
#
# - 练习 1：截止日是流失表的“时间戳”：特征只能来自之前，标签只能来自之后；
#   把截止日前已经走了的人放进来，模型学到的是“早就走了”，不是“快要走了”。
# - 练习 2：时间外验证的 AUC 才是上线后的水平；提升度把模型翻译成业务语言——同样的电话，多找到几倍的流失客户。
# - 练习 3：预算不是越大越好：名单后面的客户流失率低，电话和优惠成本收不回来。
# - 练习 4：风险最高的客户往往已经留不住；把钱花在“联系了才会留下”的人身上，并给对症的优惠。
#   增益只能用**有对照组**的活动数据来学、来验证。
# - 练习 5：规则简单透明，但要在没见过的数据上检验，并定期用新标注的数据复查。
#
# **讨论**：如果明年的活动没有对照组，你怎么知道挽留方案到底留住了多少客户？
