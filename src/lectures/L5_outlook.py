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
# # 第五讲 未来展望 · Outlook
#
# **案例导入**：同业交流会上，一家银行说“留学金融页面停留超过 3 分钟就推送购汇优惠，转化率提升 28%，满意度提升 19%”；
# 另一家说“情绪识别 + 客户经理回访，人工成本降 60%，3 个月流失率降 12%”。这些数字听起来很好——
# 回到自己行里，第一个问题应该是：**和谁比？样本多大？** 这一讲先看 AI 在银行落地时绕不开的几道坎
# （隐私、可解释、公平、模型监控、生成式 AI 的护栏），再把四个案例在虚拟银行（合成数据，已脱敏）上做一遍，
# 最后把每一个“宣称的效果”放到对照组面前检验。
#
# **学习目标 (learning objectives)**
#
# 1. 在数据上说清四个挑战：个人信息保护（PIPL：最小必要、脱敏、授权）、可解释（原因说明）、公平（各组误报/漏报率）、模型监控（PSI 与 AUC 衰减）；
# 2. 用网页行为做“留学金融”旅程触发：触发名单、带槽位的个性化消息、退订与频控，并用对照组 (holdout) 检验 +28% / +19%；
# 3. 把 RFM 前 20% 名单与流失风险交叉，算清 AI 外呼 + 专属利率、分档加息券的成本与挽留余额；
# 4. 看懂一个真正的调度器 (Apache Airflow) 如何每周运行长尾激活任务，并把“成本 −70%”写成有假设的计算；
# 5. 用情绪识别做服务补救：升级 VIP 通道、锁定“高价值高风险”客户，算人工工作量；对每个宣称的数字说出实验设计、检验、置信区间和所需样本量。
#
# **预计时间**：讲授约 75 分钟（第二天 14:45–16:00），配套练习约 60 分钟
# （[第五讲练习](../exercises/L5_exercises.ipynb)）。
#
# **怎么用这个笔记本**：从上到下依次运行每个代码单元格（Shift + Enter）。文中的数字都由代码从数据算出；
# 讲师换一组数据（见下面的参数）再运行，数字会变，结论的方向依然成立。

# %% tags=["parameters"]
# 参数 (parameters)：讲师可以为每期学员换一个随机种子或数据规模
from course_utils.config import DEFAULT_CUSTOMERS, DEFAULT_SEED

SEED = DEFAULT_SEED
N_CUSTOMERS = DEFAULT_CUSTOMERS

# %%
import tempfile
from pathlib import Path

import pandas as pd
from IPython.display import Markdown, display

import course_utils
from course_utils import experiments, journeys, monitoring, plotting, recovery, retention
from course_utils.churn import FEATURES
from course_utils.churn_models import reason_codes
from course_utils.config import L3_TRAIN_CUTOFF
from course_utils.coupons import coupon_plan_value
from course_utils.data import get_bank
from course_utils.datagen.journey_experiment import EXPERIMENT_END, GROUP_LABELS_ZH
from course_utils.viz import lecture5 as charts     # 第五讲的图表
from course_utils.viz import money, percent
from course_utils.viz.lecture3 import FEATURE_LABELS_ZH as LABEL

plotting.setup()                  # 统一图表风格，并启用中文字体
pd.set_option("display.max_columns", 20)

bank = get_bank(seed=SEED, n_customers=N_CUSTOMERS)
AS_OF = recovery.AS_OF                                   # 名单制作日：2024-01-01 开始时
model = recovery.risk_model(bank)                        # 第三讲的随机森林，2023-07-01 截止日训练
scores = recovery.customer_scores(bank, model=model)     # 一客一行：RFM/RFMP 分数、余额、流失风险
POP = scores.attrs["population"]
print(f"{POP}；其中 6 个月内流失 {percent(scores['churned'].mean())}（仅用于事后核对，不参与打分）")

# %% [markdown]
# ## 一、AI 的趋势与挑战 · Trends and challenges
#
# AI 在客户忠诚度管理上的趋势很清楚：从“按月拉名单”走向**实时触发**（客户一有动作就响应）、从“一刀切”走向**个性化**、
# 从“人盯人”走向**自动化编排**（调度器按规则每天、每周运行）。但每往前走一步，银行都要先回答五个问题。
#
# ### 1. 个人信息保护 · Privacy (PIPL)
#
# 《个人信息保护法》(PIPL) 的三条，落在数据上就是：**最小必要**（只用任务需要的字段）、**脱敏**（姓名、手机号不出现明文）、
# **授权**（没有营销授权、已经退订的客户不发营销消息）。我们的合成数据从生成时就脱敏了：

# %%
customers = bank.customers
display(customers[["customer_id", "name", "phone", "age", "city"]].head(3))
flags = journeys.contact_flags(customers)
TRIGGER_COLUMNS = ["customer_id", "visit_date", "page", "dwell_seconds"]
print(f"留学金融触发只需要 web_visits 的 {len(TRIGGER_COLUMNS)} 列（{', '.join(TRIGGER_COLUMNS)}），"
      f"不需要收入、年龄、余额——这就是“最小必要”。")
print(f"营销授权：{percent(flags['consent'].mean())} 的客户同意接收营销消息，{percent(flags['opted_out'].mean())} 已退订"
      f"（课程用客户编号的哈希生成的模拟授权，真实银行从授权管理系统读取）。")

# %% [markdown]
# ### 2. 可解释 · Explainability
#
# 客户经理拿到名单，第一句话总是“为什么是他？”。第三讲的**原因说明 (reason codes)** 在这里复用：把某个特征换成典型客户的值，
# 流失概率降多少，这个特征就“贡献”了多少。下面是流失风险最高的两位客户：

# %%
X = scores.set_index("customer_id")[FEATURES]
top2 = scores.sort_values("risk", ascending=False, kind="stable")["customer_id"].head(2).tolist()
reasons = reason_codes(model, X.loc[top2], top=3, labels=LABEL)
display(reasons[["customer", "churn_probability", "rank", "text"]].round({"churn_probability": 3}))

# %% [markdown]
# ### 3. 公平 · Fairness
#
# 同一个模型，对不同年龄段、性别的客户犯错的方式可能不同：**误报率 (false-positive rate, FPR)** = 没走却被列入名单的比例
# （多打了电话、多给了优惠），**漏报率 (false-negative rate, FNR)** = 走了却没被发现的比例（错过了挽留）。
# 这里的“名单”是风险最高的 20%（`high_risk`），结果是 2024 上半年是否真的流失：

# %%
fair = scores.merge(customers[["customer_id", "gender"]], on="customer_id", how="left")
age_band = pd.cut(fair["age"], [0, 30, 45, 60, 200], right=False,
                  labels=["18–29岁", "30–44岁", "45–59岁", "60岁及以上"]).astype(str)
rates = {"年龄段": monitoring.error_rates_by_group(fair["churned"], fair["high_risk"].astype(int), age_band),
         "性别": monitoring.error_rates_by_group(fair["churned"], fair["high_risk"].astype(int), fair["gender"])}
charts.fairness_figure(rates, population=POP + "；名单 = 风险前 20%，结果 = 6 个月内是否流失")

# %%
display(pd.concat(rates, names=["分组方式", "i"]).reset_index(level=1, drop=True)
        [["group", "n", "positives", "selection_rate", "fpr", "fnr"]].round(3))

# %% [markdown]
# 读图：差距本身不等于歧视——年轻客户本来流失就多，被列入名单的比例自然高。要问的是：**差距能不能用业务原因解释**？
# 漏报集中在哪一组，那一组的客户就更容易“悄悄走掉”；模型上线前后都应按组复核，并把结果写进模型文档。
#
# ### 4. 模型监控 · Model monitoring
#
# 模型上线不是终点。用第三讲的做法在 2022-07-01 截止日训练一个模型，然后**每个月初**给在网客户重新打分，
# 看两件事：客群有没有变（**群体稳定性指数 PSI (population stability index)**，< 0.1 稳定、0.1–0.25 需关注、> 0.25 需排查或重训），
# 模型还准不准（每个截止日之后 6 个月的 AUC）。

# %%
months = pd.date_range("2023-01-01", AS_OF, freq="MS")          # 每月 1 日的截止日
# 第三讲的流失特征表（与 build_churn_table 同一定义），训练期 + 每个截止日各一张，一次算完
tables = monitoring.churn_tables(bank, [L3_TRAIN_CUTOFF, *months])
train = tables[pd.Timestamp(L3_TRAIN_CUTOFF)].assign(period="训练期")
mon_model = recovery.risk_model(bank, L3_TRAIN_CUTOFF, table=train)   # 同样的随机森林，在更早的截止日训练
monthly = pd.concat([train] + [tables[cut].assign(period=f"{cut:%Y-%m}") for cut in months], ignore_index=True)
monthly["score"] = mon_model.predict_proba(monthly[FEATURES])[:, 1]      # 所有月份一次打分
WATCH = {"score": "模型评分", "balance_last": LABEL["balance_last"], "recency_days": LABEL["recency_days"],
         "satisfaction": LABEL["satisfaction"]}
psi_long = pd.concat([monitoring.psi_by_period(monthly, col, "period", baseline="训练期").assign(label=name)
                      for col, name in WATCH.items()], ignore_index=True)
psi_long = psi_long[~psi_long["is_baseline"]]
charts.psi_figure(psi_long, population=f"每月 1 日开始时的在网客户（各约 {len(monthly) // (len(months) + 1):,} 人）"
                  f"，与 {L3_TRAIN_CUTOFF} 训练期相比")

# %%
mon = monthly[monthly["period"] != "训练期"]
perf = monitoring.performance_by_period(mon["churned"], mon["score"], mon["period"])
charts.auc_decay_figure(perf, population="每个截止日开始时的在网客户；AUC 衡量截止日后 6 个月流失的排序能力")

# %%
last = psi_long[psi_long["period"] == psi_long["period"].max()].set_index("label")
score_psi = last.loc["模型评分", "psi"]
worst = last.drop(index="模型评分")["psi"].idxmax()                 # 特征中偏移最大的
retrain = score_psi > 0.25 or perf["auc"].iloc[-1] < perf["auc"].iloc[0] - 0.05
report = (f"**模型监控月报（{perf['period'].iloc[-1]}）**：模型评分的 PSI 为 {score_psi:.3f}"
          f"（{monitoring.psi_level(score_psi, zh=True)}）；监控的特征中偏移最大的是“{worst}”，PSI {last.loc[worst, 'psi']:.3f}"
          f"（{monitoring.psi_level(last.loc[worst, 'psi'], zh=True)}）。AUC 从 {perf['period'].iloc[0]} 的 {perf['auc'].iloc[0]:.3f} "
          f"变为 {perf['auc'].iloc[-1]:.3f}，6 个月流失率从 {percent(perf['positive_rate'].iloc[0])} 变为 "
          f"{percent(perf['positive_rate'].iloc[-1])}。建议：" +
          ("重新训练模型并复核特征。" if retrain else
           ("排序能力尚可，继续使用；评分分布在漂移而这几个特征没有，下月排查其他特征（如开户天数、年龄随时间增长）。"
            if score_psi > 0.1 else "继续使用，下月再看。")))
Markdown(report)

# %% [markdown]
# 上面这段“月报”就是分析师每月发给业务和风控的那封邮件：**数字、判断、建议**，三句话说完。
#
# ### 5. 生成式 AI 放在哪里、要什么护栏 · Generative AI and its guardrails
#
# 大模型可以帮客服写回复草稿、给客户经理总结通话、把复杂条款讲成白话。但面向客户的营销消息，银行需要**可审核、可追溯**：
# 本课程生成的消息**不是大模型自由写的，而是“模板 + 槽位 (slots)”**——每个槽位从数据取值、检查是否缺失，姓名自动脱敏，结尾自动加退订提示。
# 护栏 (guardrails) 至少包括：事先审批的模板、槽位校验、敏感信息过滤（下面的手机号会被拒绝）、频控与授权、人工抽检、留痕。

# %%
print(journeys.render_message(journeys.STUDY_ABROAD_TEMPLATE, {"name": "李明"}))          # 姓名自动脱敏
print(journeys.render_message("{name}您好，您的专属顾问电话 {phone}。", {"name": "李明", "phone": "13812345678"}))
for template, slots in ((journeys.STUDY_ABROAD_TEMPLATE, {}),                              # 缺槽位
                        ("{name}您好，请致电 13812345678 咨询。", {"name": "李明"})):          # 明文手机号
    try:
        journeys.render_message(template, slots)
    except ValueError as e:
        print("拦截：", str(e).splitlines()[0])

# %% [markdown]
# ## 二、客户旅程触发：留学金融 · Customer-journey trigger (the 招商银行 case)
#
# 规则：客户**单次**浏览“留学金融”页面**超过** 3 分钟（> 180 秒，不是 ≥；是一次页面访问，不是一天或一个会话加起来）→
# 当天推送购汇优惠 + 境外开户指南。先从原始网页访问记录找出触发名单：

# %%
trig = journeys.dwell_trigger(bank.web_visits, end=EXPERIMENT_END)
print(f"{bank.web_visits['visit_date'].min():%Y-%m-%d} 至 {EXPERIMENT_END}：{len(trig):,} 位客户触发"
      f"（网页访问共 {len(bank.web_visits):,} 次，其中留学金融页 {(bank.web_visits['page'] == '留学金融').sum():,} 次）")
display(trig.head(3))

# %% [markdown]
# 个性化消息由模板和槽位生成（“XX同学”里的 XX 是脱敏后的姓名），发送前按**授权、退订、30 天频控**逐一检查：

# %%
cand = trig.merge(customers[["customer_id", "name"]], on="customer_id", how="left")
policy = journeys.ContactPolicy(max_per_30_days=2)
decided = policy.apply(cand["customer_id"].tolist(), flags, history=None, send_at=None)
cand["allowed"], cand["reason_zh"] = decided["allowed"].to_numpy(), decided["reason_zh"].to_numpy()
cand["message"] = [journeys.render_message(journeys.STUDY_ABROAD_TEMPLATE, {"name": n}) if ok else ""
                   for n, ok in zip(cand["name"], cand["allowed"])]
display(cand[["customer_id", "trigger_date", "dwell_seconds", "reason_zh", "message"]].head(3))
print(decided["reason_zh"].value_counts().to_string())

# %% [markdown]
# ### 宣称的 +28% / +19%，用对照组检验
#
# 银行当时是这样做的（`journey_experiment` 表）：触发且有授权的客户**随机**分成两半，推送组收到消息，对照组 (holdout) 什么也不收；
# 14 天内是否购汇或开立境外账户（转化），14 天后的满意度调查（1–5 分，4–5 分算满意）。

# %%
jx = bank.journey_experiment
print(jx["group"].map(GROUP_LABELS_ZH).value_counts().to_string())
elig = jx[jx["group"] != "excluded"]
conv = elig.groupby("group")["converted"].agg(["sum", "count"])
answered = elig[elig["satisfaction"].notna()]
sat = (answered["satisfaction"] >= 4).groupby(answered["group"]).agg(["sum", "count"])
t_conv = experiments.ab_test(conv.loc["holdout", "sum"], conv.loc["holdout", "count"],
                             conv.loc["push", "sum"], conv.loc["push", "count"])
t_sat = experiments.ab_test(sat.loc["holdout", "sum"], sat.loc["holdout", "count"],
                            sat.loc["push", "sum"], sat.loc["push", "count"])
for name, t in (("14 天转化率", t_conv), ("满意比例（4–5 分）", t_sat)):
    print(f"{name}：对照组 {percent(t['rate_a'])}（{t['n_a']} 人） vs 推送组 {percent(t['rate_b'])}（{t['n_b']} 人），"
          f"相对提升 {t['rel_lift'] * 100:+.1f}%，差 {t['abs_lift'] * 100:+.1f} 个百分点，"
          f"95% 置信区间 {t['ci_low'] * 100:+.1f} 到 {t['ci_high'] * 100:+.1f}，p = {t['p_value']:.3f}")
n28 = experiments.sample_size(t_conv["rate_a"], 0.28) if 0 < t_conv["rate_a"] < 0.78 else None

# %%
Markdown(f"""
读数：推送组的转化率看起来{'更高' if t_conv['abs_lift'] > 0 else '并不更高'}（相对 {t_conv['rel_lift'] * 100:+.1f}%），
但每组只有几十人，置信区间从 {t_conv['ci_low'] * 100:+.1f} 到 {t_conv['ci_high'] * 100:+.1f} 个百分点——**既包含 0，也包含宣称的幅度**。
要可靠地检验 +28%，每组约需 **{f'{n28:,}' if n28 else '—'} 人**（80% 功效 (power)，5% 显著性），而这家“银行”半年只触发了 {len(jx):,} 人。
结论不是“推送没用”，而是“**这个样本回答不了这个问题**”：要么把实验做得更久、覆盖更多分行，要么承认数字不确定。
""")

# %% [markdown]
# ## 三、高价值客户挽留 · High-value retention
#
# 名单 = **RFM 前 20%**（第二讲的 R/F/M 综合分，近一年）∩ **流失风险前 20%**（第三讲的随机森林，2023-07-01 训练、2024-01-01 打分）。
# 动作 = AI 外呼 + 专属利率。先看两份名单交叉后剩多少人、手里有多少余额：

# %%
hv = recovery.high_value_retention(scores)
A = recovery.RetentionAssumptions()
print(f"RFM 前 20%：{hv['n_rfm_top']:,} 人；流失风险前 20%：{hv['n_high_risk']:,} 人；两者交叉：{hv['n_list']:,} 人，"
      f"月末余额合计 {money(hv['balance'])}，模型预计其中约 {hv['expected_leavers']:.1f} 人会在半年内流失。")
print(f"成本：外呼 {money(hv['call_cost'])} + 利率优惠 {money(hv['offer_cost'])} = {money(hv['total_cost'])}；"
      f"若流失减少 {percent(A.churn_reduction)}，挽留余额约 {money(hv['retained_balance'])}，"
      f"一年净息差价值 {money(hv['value'])}，净值 {money(hv['net_value'])}；"
      f"流失要减少 {percent(hv['break_even_reduction'])} 才能打平。")

# %% [markdown]
# 为什么交叉后人这么少？RFM 高的客户恰恰是最活跃、最不容易走的（RFM 前 20% 的 6 个月流失率只有
# 风险前 20% 的零头）。名单给谁专属利率，就意味着**把利率送给了大量本来就不会走的客户**——这正是第三讲“增益”的道理。
#
# ### 动态加息券：余额达标送加息券 · Dynamic coupons
#
# 同样的钱，分档送（余额越高、券越大）还是统一送？以 RFM 前 20% 客户的最新月末余额和模型风险为例，比较**同样成本**下的两种方案：

# %%
top = scores[scores["rfm_top"]]
TIERS = [(50_000, 0.002), (200_000, 0.004), (500_000, 0.006)]      # （余额门槛 元，年化加息率）
cp = coupon_plan_value(top.set_index("customer_id")["balance"], TIERS, risk=top["risk"].to_numpy())
charts.coupon_figure(cp.summary, note=f"RFM 前 20% 的 {len(top):,} 位在网客户（{AS_OF} 开始时）；假设：券期 "
                     f"{cp.assumptions.term_days} 天，净息差 {percent(cp.assumptions.margin)}/年，客户对券的金额有边际递减的反应")

# %%
display(cp.by_tier.assign(threshold=lambda d: d["threshold"].map(money), rate=lambda d: d["rate"].map(percent),
                          cost=lambda d: d["cost"].map(money), kept_balance=lambda d: d["kept_balance"].map(money))
        [["threshold", "rate", "customers", "cost", "kept_balance"]])

# %%
cs = cp.summary.set_index("plan")
Markdown(f"""
同样花 {money(cs.loc['tiered', 'cost'])}：分档方案净值 {money(cs.loc['tiered', 'net_value'])}，统一加息 {money(cs.loc['flat', 'net_value'])}。
分档{'更好' if cp.beats_flat else '并不更好'}，因为客户看的是券值多少钱：小额余额拿 0.2% 几乎没感觉，钱应该花在余额大的客户身上。
{'但两个方案的净值都是负的——给 RFM 前 20% 的所有人发券，大部分券落在本来就不会走的客户手里。' if cs['net_value'].max() < 0 else ''}
这些都是**假设下的估算**（客户对券的反应是假设的），真实效果要靠留对照组的发券实验来测。
""")

# %% [markdown]
# ### “留存 +12%”怎么检验
#
# “留存率提升 12%”先要问**12% 的什么**：全部客户半年留存约 90%，再相对提高 12% 会超过 100%——所以它只能说的是高风险客户。
# 我们手里恰好有一次**随机对照**的挽留活动（第三讲的 `retention_campaign`，2024-01-01，打电话 + 优惠），在风险前 20% 的客户里看：

# %%
hr_ids = scores.loc[scores["high_risk"], "customer_id"]
co = recovery.campaign_outcomes(bank, hr_ids)
stay = {g: co[f"stayed_{g}"] for g in ("control", "treatment")}
print(f"风险前 20% 且可联系的客户：对照组留存 {stay['control'][0]}/{stay['control'][1]}，"
      f"干预组留存 {stay['treatment'][0]}/{stay['treatment'][1]}")

# %% [markdown]
# ## 四、长尾客户激活：用真正的调度器 · Long-tail activation on a real scheduler
#
# 触发规则：**本周 APP 使用时长比上周下降 ≥ 50%**（上周为 0 的、新客户不算）。每周一早上 9 点，调度器自动运行：
# 找出触发客户 → 按模板生成短信（脱敏、退订、30 天频控）→ 写入发件箱文件（**不连网络**）→ 记日志。
# 课堂上直接在笔记本里运行同一个任务函数：

# %%
week = journeys.latest_week(bank.app_usage)
drop = journeys.app_time_drop_trigger(bank.app_usage, week)
with tempfile.TemporaryDirectory() as outbox_dir:
    log = journeys.activation_job(bank, week, Path(outbox_dir), history=None)
    sms = journeys.read_outbox(Path(log["outbox"]))
print(f"{week:%Y-%m-%d} 这一周：{len(drop):,} 位客户时长下降 ≥ 50%，其中在网 {log['triggered']:,} 人；"
      f"发出 {log['messages']:,} 条，拦截 {log['blocked']}")
print("示例短信：", sms["text"].iloc[0] if len(sms) else "（本周没有可发送的客户）")

# %% [markdown]
# 真正上线时，这个任务由 **Apache Airflow**（开源工作流调度器）运行。仓库里的 DAG 文件（有向无环图，即“任务依赖图”）就是下面这几行：
# 每个 `@task` 是一步，最后一行把四步串起来；`schedule="0 9 * * 1"` = 每周一 9:00。Airflow 的调度器读这个文件，按时创建一次运行，
# 逐个执行任务、失败时重试、在网页界面上留下每一步的日志。课程的测试在**单独的环境**里安装 Airflow，用 `dag.test()` 把整个 DAG 跑一遍并检查发件箱。

# %%
dag_file = Path(course_utils.__file__).resolve().parent.parent / "dags" / "long_tail_activation.py"
lines = dag_file.read_text(encoding="utf-8").splitlines()
start = next(i for i, ln in enumerate(lines) if ln.startswith("@dag("))
show = [ln for ln in lines[start:] if ln.strip().startswith(("@dag", "schedule=", "@task", "def ", "log_run(", "dag_object ="))]
print(f"# {dag_file.name}（节选，共 {len(lines)} 行）")
print("\n".join(show))

# %% [markdown]
# “成本降低 70%”是一个**计算**，不是实验：人工逐个打电话 vs 自动短信（短信费、少量人工抽检、每周的运维时间）。假设写在旁边，改假设，结论就变：

# %%
cost = journeys.activation_cost(log["messages"])
ca = cost["assumptions"]
print(f"本周 {cost['n_contacts']:,} 位客户：人工外呼 {money(cost['manual_cost'])}（每人 {ca['manual_minutes']:g} 分钟，"
      f"每小时 {money(ca['staff_cost_per_hour'])}），自动短信 {money(cost['automated_cost'])}（每条 {ca['sms_cost']:g} 元，"
      f"抽检 {percent(ca['review_share'])}，每次运维 {ca['ops_hours_per_run']:g} 小时）：成本降低 {percent(cost['reduction'])}；"
      f"每周至少 {cost['break_even_contacts']} 人才值得自动化。")

# %% [markdown]
# 注意：这算的只是**成本**。短信能不能让客户回来，要靠留一个不发短信的对照组才知道。
#
# ## 五、情绪驱动的服务补救 · Emotion-driven service recovery
#
# 客服文本里的**焦虑、抱怨、愤怒**，用第四讲的情绪词典（带否定处理）识别，再加一个情感模型（用更早的留言训练）补漏；
# 有负面情绪的留言转人工，其中 **RFMP 前 20%** 的客户直接进 **VIP 专线**。
#
# **RFMP 的 P 是什么？** 这里取**产品持有 (product holdings)**：客户持有的理财、保险、贷款产品和开立的账户数。理由：它是看得见、
# 说得清的事实；持有产品越多，客户带来的收益越多、走时带走的也越多；而“潜力 (potential)”是模型猜的，
# 把未经证实的“潜力客户”排在老客户前面去送加息，业务上说不过去。
#
# 然后**锁定**“高价值高风险”客户：RFMP 前 20% 且（近 90 天有负面情绪 或 流失风险前 20%）→ 客户经理回访 + 存款加息 0.5%。

# %%
msgs = bank.messages
early = msgs[msgs["msg_date"] < pd.Timestamp(AS_OF) - pd.Timedelta(days=recovery.EMOTION_WINDOW_DAYS)]
senti = recovery.sentiment_model(early)        # 第四讲的情感模型（字 n-gram + 逻辑回归），只用更早的留言训练
eflags = recovery.emotion_flags(msgs, model=senti)
plan = recovery.recovery_plan(scores, eflags)
R = recovery.RecoveryAssumptions()
print(f"{AS_OF} 之前 {recovery.EMOTION_WINDOW_DAYS} 天：{len(eflags):,} 条客服留言，负面 {int(eflags['negative'].sum()):,} 条"
      f"（词典 {int((eflags['source'] == '词典').sum())}，模型补充 {int((eflags['source'] == '模型').sum())}），"
      f"涉及 {plan['n_negative_customers']:,} 位在网客户")
print(plan["routed"]["route"].value_counts().to_string())
print(f"锁定 {plan['n_locked']:,} 人（因负面情绪 {plan['n_locked_by_emotion']}，仅因高风险 {plan['n_locked_by_risk_only']}）；"
      f"加息成本 {money(plan['bonus_cost'])}，回访人工 {money(plan['call_cost'])}")

# %%
w = plan["workload"]
charts.workload_figure(w, minutes={"agent": R.minutes_per_message, "vip": R.minutes_vip,
                                   "manager": R.minutes_manager_call},
                       note=f"{AS_OF} 之前 {recovery.EMOTION_WINDOW_DAYS} 天的客服留言；假设：普通坐席每条 {R.minutes_per_message:g} 分钟、"
                            f"VIP 每条 {R.minutes_vip:g} 分钟、回访每人 {R.minutes_manager_call:g} 分钟，其余留言由机器人处理")

# %%
no_calls = recovery.manual_workload(eflags, plan["routed"]["route"], 0, R).attrs["reduction"]
plans_money = pd.DataFrame([
    {"label": "高价值挽留\n（外呼 + 专属利率）", "total_cost": hv["total_cost"], "value": hv["value"]},
    {"label": "情绪补救锁定\n（回访 + 加息 0.5%）", "total_cost": plan["total_cost"], "value": plan["value"]}])
charts.plan_money_figure(plans_money, note=recovery.ASSUMPTIONS_ZH)

# %%
Markdown(f"""
“人工成本 −60%”在这里算出来是 **{percent(w.attrs['reduction'])}**：只看留言分流是 {percent(no_calls)}，
加上 {plan['n_locked']} 通客户经理回访后就少了。两个挽留方案的价值只算“挽留余额 × 净息差”一年，
按宣称的“流失减少 12%”，都{'入不敷出' if max(hv['net_value'], plan['net_value']) < 0 else '有正的净值'}；
专属利率/加息给了名单上**所有人**，而真正会走的只是少数。要打平，流失至少要减少
{percent(hv['break_even_reduction'])}（高价值挽留）和 {percent(plan['break_even_reduction'])}（情绪补救）——这需要对照组来证明。
""")

# %% [markdown]
# ## 六、宣称的效果要检验 · Reported results are claims
#
# 把本讲的六个数字逐一过一遍：**什么实验能证明它、数据上的检验和置信区间、要多大的样本、换成客户和钱是多少**。
# 有对照组数据的（旅程实验、挽留活动）直接检验；只是成本计算的，写清假设。

# %%
VALUE_CONV = 300.0                      # 假设：一次购汇/境外开户的收益（元）
VALUE_KEPT = retention.VALUE_PER_SAVED  # 第三讲的假设：挽留一位客户的价值（元）
co3 = recovery.campaign_outcomes(bank, months=3)


def claim(text, metric, control, treatment, rel_lift=None, population=None, value=None):
    """宣称 → 实验、检验、样本量、客户与金额（对照组比率为 0 或 1 时无法计算样本量，只报告检验）。"""
    base = control[0] / control[1] if control[1] else 0.0
    base = min(max(base, 0.005), 0.995)
    lift = experiments.parse_claim(text) if rel_lift is None else rel_lift
    if not 0 < base * (1 + lift) < 1:                   # 例如留存 90% 再“+12%”会超过 100%
        print(f"注意：{text} 在对照组比率 {percent(base)} 上不可能实现，按能达到的最大幅度计算样本量。")
        lift = -0.99 if lift < 0 else (0.99 - base) / base
    return experiments.claim_report(text, base, rel_lift=lift, metric=metric, control=control, treatment=treatment,
                                    population=population, value_per_customer=value)


reports = {
    "转化率 +28%": claim("转化率 +28%", "14天转化率 (conversion rate)", (int(conv.loc["holdout", "sum"]), t_conv["n_a"]),
                      (int(conv.loc["push", "sum"]), t_conv["n_b"]), population=len(jx), value=VALUE_CONV),
    "满意度 +19%": claim("满意度 +19%", "满意比例 (CSAT 4–5)", (int(sat.loc["holdout", "sum"]), t_sat["n_a"]),
                      (int(sat.loc["push", "sum"]), t_sat["n_b"])),
    "留存 +12%（高风险）": claim("留存率 +12%", "6个月留存率 (retention rate)", stay["control"], stay["treatment"],
                           population=len(hr_ids), value=VALUE_KEPT),
    "3个月流失 −12%": claim("3个月流失率降低12%", "3个月流失率 (churn rate)", co3["control"], co3["treatment"],
                         population=len(scores), value=VALUE_KEPT),
}
rows = pd.DataFrame([{"label": k, "abs_lift": r.test["abs_lift"], "ci_low": r.test["ci_low"], "ci_high": r.test["ci_high"],
                      "claimed_abs": r.base_rate * r.claimed_rel_lift} for k, r in reports.items()])
charts.claims_figure(rows, population="旅程实验：触发且有授权的客户；挽留活动：2024-01-01 随机对照（打电话 + 优惠）；◆ 按对照组比率换算的宣称幅度")

# %%
summary = pd.DataFrame([{"宣称": k, "对照组": percent(r.test["rate_a"]), "实验组": percent(r.test["rate_b"]),
                         "95% 置信区间（百分点）": f"{r.test['ci_low'] * 100:+.1f} 到 {r.test['ci_high'] * 100:+.1f}",
                         "每组所需样本": f"{r.n_needed_per_group:,}", "每组实有": f"{min(r.test['n_a'], r.test['n_b']):,}",
                         "结论": r.verdict} for k, r in reports.items()]
                       + [{"宣称": "长尾激活成本 −70%", "结论": f"计算（有假设）：{percent(cost['reduction'])}"},
                          {"宣称": "人工成本 −60%", "结论": f"计算（有假设）：{percent(w.attrs['reduction'])}"}]).fillna("—")
display(summary)

# %%
r = reports["转化率 +28%"]
print("以旅程实验为例，完整的检验报告：")
display(r.to_frame())

# %%
Markdown(f"""
读表时注意三点：

1. 旅程实验的两个数字（+28%、+19%）：观测到的提升不小，但每组只有几十人，置信区间很宽——**不能证实，也不能否定**。
2. “留存 +12%”和“3 个月流失 −12%”用的是第三讲的挽留活动（打电话 + 优惠），**不是情绪补救本身**：它说明“有对照组的活动能检验这类说法”。
   情绪补救要证明自己，需要在锁定名单里也随机留出对照组；锁定名单只有 {plan['n_locked']} 人，而检验 −12% 每组约需
   {reports['3个月流失 −12%'].n_needed_per_group:,} 人——一期活动远远不够，要跨多期、多分行累积。
3. “成本 −70%”“人工成本 −60%”是**成本计算**：换一组假设（每通电话的分钟数、每小时人工成本），结论就变；它们不说明客户是否因此留下。
""")

# %% [markdown]
# > **小组讨论**：你们行最近一次对外宣传的“效果提升”，有对照组吗？对照组多大？如果领导要求“全部客户都推送，不留对照组”，
# > 你会怎样说服他留出 10% 的客户？留出的客户损失了什么，银行又得到了什么？
#
# ## 小结 · Summary

# %%
Markdown(f"""
- **挑战落在数据上**：营销授权 {percent(flags['consent'].mean())}，姓名手机号脱敏；风险名单在各年龄段的漏报率从
  {percent(rates['年龄段']['fnr'].min())} 到 {percent(rates['年龄段']['fnr'].max())}；模型评分的 PSI 最近一个月为
  {last.loc['模型评分', 'psi']:.3f}，AUC 从 {perf['auc'].iloc[0]:.3f} 变为 {perf['auc'].iloc[-1]:.3f}；营销消息是“模板 + 槽位”，不是自由生成。
- **旅程触发**：{len(jx):,} 位客户触发留学金融规则；推送组转化 {percent(t_conv['rate_b'])}、对照组 {percent(t_conv['rate_a'])}，
  置信区间 {t_conv['ci_low'] * 100:+.1f} 到 {t_conv['ci_high'] * 100:+.1f} 个百分点——样本远小于检验 +28% 所需。
- **高价值挽留**：RFM 前 20% 与风险前 20% 只交叉出 {hv['n_list']} 人；按宣称效果净值 {money(hv['net_value'])}；
  同样成本下分档加息券比统一加息券净值{'高' if cp.beats_flat else '低'}。
- **长尾激活**：每周一由 Airflow 运行的同一个任务，本周发出 {log['messages']:,} 条短信；按假设成本降低 {percent(cost['reduction'])}。
- **情绪补救**：锁定 {plan['n_locked']} 位高价值高风险客户；人工工时按假设减少 {percent(w.attrs['reduction'])}。
- **宣称要检验**：每个数字都要问“和谁比、样本多大、置信区间多宽、值多少钱”。
""")

# %% [markdown]
# ## 讨论题 · Discussion questions
#
# 1. 你们行的客户数据里，哪些字段是营销模型“最小必要”的？哪些字段其实从来不该进模型？
# 2. 如果模型对 60 岁以上客户的漏报率明显更高，你会怎么处理？要不要为这组单独设阈值？
# 3. 生成式 AI 写的客服回复，哪些场景可以直接发给客户，哪些必须人工审核后再发？
# 4. 旅程触发的对照组要留多大？“转化率 +28%”要多少客户、多长时间才能检验？你们行一个月有多少人浏览留学金融页面？
# 5. 给名单上所有人加息 0.5%，和只给“打了才会留下”的人加息，成本差多少？你怎样找出后者？
#
# **下一步**：打开[第五讲练习](../exercises/L5_exercises.ipynb)，从原始网页记录找触发名单、设计一个有足够功效的实验、
# 设计分档加息券、写 APP 时长周环比下降的触发函数。

# %%
from course_utils import coursemap

Markdown("回到课程地图：" + coursemap.md_link("课程首页 · Course map", "notebooks/00_start.ipynb"))
