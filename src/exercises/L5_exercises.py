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
# # 第五讲 练习 · Lecture 5 exercises
#
# 配合[第五讲讲义](../notebooks/L5_outlook.ipynb)使用。共 4 题：
#
# 1. 从原始网页访问记录找出“留学金融”触发名单（客户旅程触发 customer-journey trigger）；
# 2. 设计一个能检验“留存 +12%”的实验：每组人数、观察期、真实效果（控件 widget 练习）；
# 3. 设计“余额达标送加息券”的分档，在不多花钱的前提下赢过统一加息券（控件练习）；
# 4. 写出周环比 APP 使用时长下降 ≥ 50% 的触发规则，在没见过的周上检验。
#
# **预计时间**：约 60 分钟（第二天 16:00–17:00，见开始页的课程地图）。
#
# **怎么做**：在代码里把 `____`（四个下划线）换成你的答案，运行单元格，再看 `q1.check(...)` 的反馈：
# √ 正确、× 还不对（会告诉你哪里不对）、… 尚未作答。控件练习可以直接点控件里的“检查答案”。
# 卡住了？去掉 `# q1.hint()` 前面的 `#` 运行，看提示（多运行几次，提示会越来越具体）；
# 最后还可以看 `q1.solution()` 参考答案。
#
# **合规提醒**：本讲的名单都只是“候选”。真正推送、发短信或打电话之前，还要过营销授权 (consent)、
# 退订 (opt-out) 和联系频次上限 (frequency cap)；消息里只出现脱敏的姓名，并带退订方式。

# %% tags=["parameters"]
# 参数 (parameters)：讲师可以换随机种子或数据规模
from course_utils.config import DEFAULT_CUSTOMERS, DEFAULT_SEED

SEED = DEFAULT_SEED
N_CUSTOMERS = DEFAULT_CUSTOMERS

# %%
import pandas as pd

from course_utils import plotting
from course_utils.data import get_bank
from course_utils.exercises.lecture5 import *   # 练习工具：占位符、setup 和两个控件

plotting.setup()                                # 图表风格和中文字体
bank = get_bank(seed=SEED, n_customers=N_CUSTOMERS)
web_visits = bank.web_visits                    # 网页访问：customer_id, visit_date, page, dwell_seconds
app_usage = bank.app_usage                      # APP 使用：customer_id, week_start, minutes, sessions
q1, q2, q3, q4 = setup(bank)                    # 四道题，按这份数据判分
print(f"数据已加载：{len(bank.customers):,} 位客户，{len(web_visits):,} 次网页访问，"
      f"{len(app_usage):,} 条周使用记录")

# %% [markdown]
# ## 练习 1：留学金融触发名单 · The study-abroad trigger list
#
# 招商银行的案例：客户在“留学金融”页面**停留超过 3 分钟**，就推送购汇优惠和境外开户指南。
# `web_visits` 的**一行 = 一次页面访问**，`dwell_seconds` 是这次访问的停留时间（秒）。
#
# 写函数 `trigger_list(visits)`：返回活动期 `START` 到 `END`（含两端）内，**至少有一次**留学金融页访问
# 停留超过 3 分钟的客户号列表（每位客户一次）。
#
# 检查会把你的函数用在银行的 `web_visits` 上，**还会用在一份手工做的访问记录上**：
# 在我们的数据里，有两种常见错误碰巧给出同样的名单，只有手工数据能把它们区分开。

# %%
START, END = "2024-04-01", "2024-06-30"          # 活动期（含两端）
web_visits[web_visits["page"] == "留学金融"].head()

# %%
# BEGIN PLACEHOLDER
def trigger_list(visits):
    return ____                                  # 客户号列表
# END PLACEHOLDER
# BEGIN SOLUTION
def trigger_list(visits):  # noqa: F811 (the exercise notebook defines it as a skeleton)
    v = visits[(visits["page"] == "留学金融")
               & (visits["dwell_seconds"] > 180)                    # 单次访问超过 3 分钟（> 不是 >=）
               & (visits["visit_date"] >= START) & (visits["visit_date"] <= END)]
    return sorted(v["customer_id"].unique())                        # 每位客户一次
# END SOLUTION


q1.check(trigger_list)

# %% tags=["exercise-only"]
# 需要帮助？去掉下一行开头的 # 再运行
# q1.hint()
# q1.solution()

# %% tags=["solution-only"]
# 名单有多少人；推送前还要过授权、退订和频次上限
names = trigger_list(web_visits)
print(f"活动期内触发 {len(names)} 位客户")

# %% [markdown]
# ## 练习 2：设计能检验“留存 +12%”的实验 · Design an experiment
#
# 宣称：“AI 外呼 + 专属利率，客户留存率提高 12%”（相对提高）。要检验它，需要一个随机对照实验：
# 一半客户做动作（实验组），一半不做（对照组），观察一段时间后比较两组的**留存率 (retention rate)**。
#
# 控件会模拟很多次这样的实验，显示：
#
# - **功效 (power)**：如果说法是真的，有多少次实验能“证实”它（显著且方向一致）；
# - **误报 (false confirmation)**：如果其实没有效果，有多少次实验也“证实”了它。
#
# 基准留存率来自数据：2023-01-01 开始时在网的客户，观察期结束时仍在网的比例。
# 目标：真实效果为宣称的 +12% 时功效 ≥ 80%，两组合计不超过预算人数。

# %% tags=["widget-exercise", "nbval-ignore-output"]
app2 = experiment_app(q2)
app2

# %% tags=["solution-only"]
# 3、6 个月的留存率已经很高，+12% 不可能；在能成立的观察期里找功效 ≥ 80% 的最小每组人数
from course_utils.exercises.lecture5.q2_experiment import simulate_design

base = q2.base()
best = None
for months in sorted(base):
    for n in range(10, q2.budget // 2 + 1, 10):
        sim = simulate_design({"n_per_group": n, "months": months, "lift_pct": 12}, base)
        if sim is not None and sim["power"] >= 0.8:
            if best is None or n < best[0]:
                best = (n, months)
            break
app2.set_values(n_per_group=best[0], months=best[1], lift_pct=12)

# %%
q2.check(app2)

# %% tags=["exercise-only"]
# q2.hint()
# q2.solution()

# %% [markdown]
# ## 练习 3：余额达标送加息券 · Dynamic coupon tiers
#
# 银行现在给名单上每位客户发同样的加息券（年化 +0.30%，90 天）。“余额达标送加息券”改成分档：
# 余额达到第一档门槛的客户得到第一档加息率，达到第二档门槛的得到第二档，低于第一档门槛的不发券。
#
# 控件显示分档方案的成本、留住的余额和净收益，旁边是统一加息券（同一批客户）。假设写在控件里：
# 它们是示意假设，真实的客户响应要用对照实验测。
# 目标：**成本不超过**统一加息券，**净收益更高**。

# %% tags=["widget-exercise", "nbval-ignore-output"]
app3 = coupon_app(q3)
app3

# %% tags=["solution-only"]
# 小余额客户不发券，省下的钱给大余额客户更高的加息率；在控件的刻度上搜一个成本不超标、净收益最高的分档
from course_utils import coupons

balances = q3.context["balances"]
flat = q3.reference()
best, best_net = None, flat["net_value"]
for t1 in (2, 5, 10):                            # 第一档门槛（万元）
    for t2 in (10, 20, 50):                       # 第二档门槛（万元）
        for r1 in (0.10, 0.20, 0.30):             # 第一档加息率（%）
            for r2 in (0.40, 0.50, 0.60):         # 第二档加息率（%）
                if t2 <= t1:
                    continue
                s = coupons.coupon_plan_value(balances, [(t1 * 1e4, r1 / 100), (t2 * 1e4, r2 / 100)]).summary.iloc[0]
                if s["cost"] <= flat["cost"] and s["net_value"] > best_net:
                    best, best_net = (t1, r1, t2, r2), s["net_value"]
app3.set_values(t1_wan=best[0], r1_pct=best[1], t2_wan=best[2], r2_pct=best[3])

# %%
q3.check(app3)

# %% tags=["exercise-only"]
# q3.hint()
# q3.solution()

# %% [markdown]
# ## 练习 4：周环比使用时长下降触发 · Week-over-week app-time trigger
#
# 长尾激活：客户本周的 APP 使用时长比上周**下降 ≥ 50%**，就进入激活短信的候选名单。
# `app_usage` 的一行 = 一位客户一周的使用（`week_start` 是那周的周一，`minutes` 是分钟数）。
#
# 写函数 `app_drop(usage, week)`：`week` 是本周的周一（`pd.Timestamp`），返回触发的客户号列表。想清楚这些情况：
#
# - 恰好下降一半（40 → 20 分钟）；
# - 本周**没有记录**的客户（没有记录 = 0 分钟）；
# - 上周为 0 分钟的客户、**新客户**（本周之前没有记录）；
# - 上周没有记录、但更早有记录的客户（“上周”按日历是 `week − 7 天`）。
#
# 用 `dev`（较早的周）开发；**检查用的是最后 4 周（你没见过的周）**，外加一份手工做的边界数据，
# 并会告诉你哪一类情况和参考规则不一致。

# %%
dev = q4.dev_usage()                             # 开发用：最后 4 周之前的记录
dev_weeks = sorted(dev["week_start"].unique())
DEV_WEEK = pd.Timestamp(dev_weeks[-1])           # 开发时可以先用这一周试
print(f"开发数据：{dev_weeks[0]:%Y-%m-%d} 到 {DEV_WEEK:%Y-%m-%d}，共 {len(dev_weeks)} 周")

# %%
# BEGIN PLACEHOLDER
def app_drop(usage, week):
    return ____                                  # 客户号列表
# END PLACEHOLDER
# BEGIN SOLUTION
def app_drop(usage, week):  # noqa: F811
    last = usage[usage["week_start"] == week - pd.Timedelta(days=7)].groupby("customer_id")["minutes"].sum()
    now = usage[usage["week_start"] == week].groupby("customer_id")["minutes"].sum()
    now = now.reindex(last.index, fill_value=0)                     # 本周没有记录 = 0 分钟
    hit = (last > 0) & (now <= 0.5 * last)                          # 上周有使用，且下降 ≥ 50%
    return sorted(last.index[hit])
# END SOLUTION


# 写好后先在开发周上看看（去掉下一行开头的 # 运行）：
# print(len(app_drop(dev, DEV_WEEK)))
q4.check(app_drop)

# %% tags=["exercise-only"]
# q4.hint()
# q4.solution()

# %% [markdown]
# ## 做完了？· Wrap-up
#
# - 练习 1：触发规则要逐字落实：“停留超过 3 分钟”= 单次访问 > 180 秒，不是 ≥，也不是把几次访问加起来。
#   规则错了，名单在我们的数据上可能碰巧一样——所以要用专门设计的测试数据检验。
# - 练习 2：先算样本量再做实验。样本太小的实验既证实不了、也否定不了；效果设得比宣称的大，功效就被高估。
#   也要先问：这个说法在这个观察期里**可能**成立吗？
# - 练习 3：同样的钱，按余额分档比人人一样更有效——前提是假设成立；上线前用对照组测一测真实响应。
# - 练习 4：边界情况（恰好一半、没有记录、新客户、隔周）决定了名单里有谁；在没见过的数据上检验规则。
#
# **讨论**：宣称“留存 +12%”的供应商没给对照组，你会向他要哪些数字？
