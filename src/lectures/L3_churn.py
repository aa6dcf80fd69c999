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
# # 第三讲 基于AI的客户流失预警与挽留 · Churn early warning & retention
#
# **案例导入**：客户经理每个月都拿到一张“高风险客户名单”，电话打了不少，流失率却没怎么降；
# 优惠券发出去很多，不少落在了本来就不会走的客户手里。问题有三个：名单准不准？打给谁最值？
# 日常的客服和外呼能不能更省钱？这一讲用虚拟银行的数据（合成数据，已脱敏）逐一回答。
#
# **学习目标 (learning objectives)**
#
# 1. 说出流失客户和留存客户的区别，把流失原因归成可以行动的几类（流失原因归类）；
# 2. 按截止日 (cut-off) 准备没有数据泄漏 (leakage) 的训练数据：观察窗口、结果窗口、跨时间验证、类别不平衡、特征选择与标准化；
# 3. 训练并解读逻辑回归、决策树和随机森林，用 AUC、“打 300 个电话”的精确率和召回率、提升度、校准和预期利润评估模型；
# 4. 用置换重要性、部分依赖图和逐客户的原因说明 (reason codes) 解释“为什么是这位客户”；
# 5. 用随机对照的挽留活动和增益模型 (uplift model) 挑出“打了才会留下”的客户，把优惠和流失原因对上；
# 6. 用话术模板、转人工规则和 AI 外呼意向分级为客服和长尾激活降本，并先做合规检查。
#
# **预计时间**：讲授约 135 分钟（第一天 14:45–17:00，含课间休息），配套练习约 75 分钟
# （[第三讲练习](../exercises/L3_exercises.ipynb)）。
#
# **怎么用这个笔记本**：从上到下依次运行每个代码单元格（Shift + Enter）。文中的数字都由代码从数据算出；
# 讲师换一组数据（见下面的参数）再运行，数字会变，结论的方向依然成立。

# %% tags=["parameters"]
# 参数 (parameters)：讲师可以为每期学员换一个随机种子或数据规模
from course_utils.config import DEFAULT_CUSTOMERS, DEFAULT_SEED

SEED = DEFAULT_SEED
N_CUSTOMERS = DEFAULT_CUSTOMERS

# %%
import warnings

import numpy as np
import pandas as pd
from IPython.display import Markdown, display
from sklearn.base import clone
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

from course_utils import automation, churn_models, domain, evaluation, plotting, retention, segments, uplift
from course_utils.churn import FEATURES, build_churn_table
from course_utils.config import BUILTIN_CUSTOMERS, L3_TEST_CUTOFF, L3_TRAIN_CUTOFF
from course_utils.data import get_bank
from course_utils.viz import lecture3 as charts     # 第三讲的图表
from course_utils.viz import money, percent

plotting.setup()                  # 统一图表风格，并启用中文字体
pd.set_option("display.max_columns", 30)
threadpool_limits(1, user_api="blas")   # 本讲的模型都很小：线性代数库只用一个线程，更快，结果也不随电脑的核数变

bank = get_bank(seed=SEED, n_customers=N_CUSTOMERS)
TRAIN_CUT, TEST_CUT = L3_TRAIN_CUTOFF, L3_TEST_CUTOFF     # 训练用的截止日、一年后的测试截止日
train = build_churn_table(bank, TRAIN_CUT)               # 一客一行：截止日前的特征 + 之后 6 个月是否流失
test = retention.churn_table(bank, TEST_CUT)             # 同一张表（build_churn_table）；第六节的风险模型也用它，只算一次
F = [f for f in FEATURES if train[f].notna().any() and test[f].notna().any()]   # 两张表都有数据的特征
LABEL = charts.FEATURE_LABELS_ZH                          # 特征的中文名


def population(table, cut):
    """图表下方的统计范围说明。"""
    day = pd.Timestamp(cut) - pd.Timedelta(days=1)
    return domain.population_note(day, len(table)) + f"；标签：{cut} 起 6 个月内是否流失"


POP_TRAIN, POP_TEST = population(train, TRAIN_CUT), population(test, TEST_CUT)
print(f"训练表：{len(train):,} 位客户，6 个月流失率 {percent(train['churned'].mean())}；"
      f"测试表：{len(test):,} 位客户，流失率 {percent(test['churned'].mean())}")

# %% [markdown]
# ## 一、谁在流失、为什么 · Who leaves and why
#
# 先定义清楚：**流失 (churned)** = 客户在截止日之后 6 个月内销户离开（`churn_date` 落在这 6 个月里）；
# **留存** = 这 6 个月里仍在网。统计范围是截止日开始时在网的客户——已经走了的客户不算。
#
# ### 1. 流失客户和留存客户有什么不同 · Churned vs retained profiles

# %%
PROFILE = ["tenure_days", "age", "satisfaction", "recency_days", "frequency", "balance_trend", "product_count"]
profile = train.groupby("churned")[PROFILE].median().T
profile.loc["complaints"] = train.groupby("churned")["complaints"].apply(lambda s: (s > 0).mean())
profile.columns = ["留存客户", "流失客户"]
profile.index = [LABEL[c] + ("（有的比例）" if c == "complaints" else "（中位数）") for c in profile.index]
print(POP_TRAIN)
profile.round(2)

# %% [markdown]
# 把几个差别最大的指标分成档，看每一档的流失率（虚线 = 整体流失率）：

# %%
bands = {
    "余额变化率": pd.cut(train["balance_trend"], [-np.inf, -0.25, 0, np.inf],
                      labels=["下降超过25%", "下降0–25%", "持平或上升"], right=False),
    "满意度": domain.satisfaction_band(train["satisfaction"]).map(domain.BAND_LABELS),
    "开户时长": pd.cut(train["tenure_days"], [-np.inf, 365, 3 * 365, np.inf], labels=["不到1年", "1–3年", "3年以上"],
                   right=False),
}
panels = {name: train.groupby(b, observed=True)["churned"].agg(churn_rate="mean", n="size") for name, b in bands.items()}
panels["满意度"] = panels["满意度"].reindex(["<70", "70–89", "≥90"])
charts.churn_rate_bands_figure(panels, train["churned"].mean(), population=POP_TRAIN)

# %% [markdown]
# **读图**：余额一直往外流、满意度低、刚开户不久的客户，流失率明显高于整体。这些都是截止日**之前**就能看到的信号——
# 这正是预警模型要学的东西。
#
# ### 2. 流失原因归类 · Churn-reason categories
#
# 客户销户时登记的原因有六种。把它们归成**能对应行动**的几类：价格/费率（手续费高、竞争对手优惠）→ 可以用个性化优惠；
# 服务体验 → 情感关怀；产品/收益（收益率低）→ 产品升级；搬迁/工作变动 → 基本挽留不了。

# %%
left = train[train["churned"] == 1].merge(bank.customers[["customer_id", "churn_reason"]], on="customer_id")
left["原因类别"] = left["churn_reason"].map(retention.REASON_OF_CHURN).map(retention.REASON_LABELS_ZH)
pd.crosstab(left["churn_reason"], left["原因类别"], margins=True, margins_name="合计")

# %%
rfm = segments.rfm_scores(train.set_index("customer_id")[["recency_days", "frequency", "monetary"]])
left["客群"] = np.where(left["customer_id"].map(rfm["segment_key"]).str.startswith("important"), "重要客群", "一般客群")
left["开户时长"] = pd.cut(left["tenure_days"], [-np.inf, 365, 3 * 365, np.inf], labels=["不到1年", "1–3年", "3年以上"],
                      right=False).astype(str)
groups = pd.concat([left.assign(组="客群：" + left["客群"]), left.assign(组="开户：" + left["开户时长"])])
mix = pd.crosstab(groups["组"], groups["原因类别"], normalize="index")
mix = mix[[retention.REASON_LABELS_ZH[r] for r in retention.REASONS if retention.REASON_LABELS_ZH[r] in mix.columns]]
order = ["客群：重要客群", "客群：一般客群", "开户：不到1年", "开户：1–3年", "开户：3年以上"]
mix = mix.reindex([g for g in order if g in mix.index])
overall = left["原因类别"].value_counts(normalize=True)
top = overall.index[0]
charts.reason_mix_figure(mix, groups["组"].value_counts(),
                         title=f"流失客户中“{top}”类最多（{percent(overall.iloc[0])}）；各组的原因构成不同",
                         population=f"统计范围：{TRAIN_CUT} 起 6 个月内流失的 {len(left):,} 位客户（重要客群 = RFM 的四个“重要”客群）")

# %% [markdown]
# **读图**：原因构成因客群和开户时长而不同——挽留措施也应该不同。第六节会用一次真实做过的挽留活动验证：
# 优惠对上原因，效果才好。
#
# > **小组讨论**：你们行的流失原因是怎么登记的？“其他”占多少？哪一类原因你们最有办法、哪一类最没办法？
#
# ## 二、数据准备：不泄漏 · Data preparation without leakage
#
# ### 1. 观察窗口和结果窗口 · Observation and outcome windows
#
# 预警模型在截止日那天使用：那天我们只知道**过去**。所以每张训练表都按一个截止日来做：
# 特征只用截止日**之前** 12 个月的数据（观察窗口），标签只看截止日**之后** 6 个月（结果窗口）。
# 再用一年后的截止日做一张测试表——这叫**跨时间验证 (out-of-time validation)**：用去年的规律预测今年的客户。

# %%
charts.windows_figure({"训练表": TRAIN_CUT, "测试表": TEST_CUT})

# %% [markdown]
# ### 2. 随机划分会让模型“看起来”更好 · A random split flatters the model
#
# 常见做法是把一张表随机切成训练集和测试集。但银行用模型时面对的是**未来**的客户：客户结构、市场和产品都在变。
# 下面用同一种模型（随机森林 (random forest)，第三节细讲）比较两种验证方式的 AUC（曲线下面积，1 = 完美排序，0.5 = 随机）：

# %%
forest = churn_models.make_churn_model("forest", F, random_state=0, n_estimators=100)   # 第三节的“案例演示”模型
churn_models.fit_model(forest, train[F], train["churned"])    # 即 forest.fit(...)：用两个 CPU 核同时种树，结果完全相同
p_forest = forest.predict_proba(test[F])[:, 1]
auc_oot = roc_auc_score(test["churned"], p_forest)

part_a, part_b = train_test_split(train, test_size=0.3, random_state=0, stratify=train["churned"])
rand_model = churn_models.fit_model(clone(forest), part_a[F], part_a["churned"])
auc_random = roc_auc_score(part_b["churned"], rand_model.predict_proba(part_b[F])[:, 1])
pd.DataFrame({"验证方式": [f"随机划分：同一截止日 {TRAIN_CUT} 的表，留出 30%", f"跨时间：在 {TEST_CUT} 的新客户表上测"],
              "AUC": [round(auc_random, 3), round(auc_oot, 3)]}).set_index("验证方式")

# %%
gap = auc_random - auc_oot
Markdown(f"随机划分得到的 AUC 比跨时间验证{'高' if gap > 0 else '低'} {abs(gap):.3f}。"
         + ("向领导汇报时要用跨时间的数字：随机划分让模型看起来比它在明年真实使用时更好。" if gap > 0 else
            "这组数据上差别不大，但跨时间的数字才是明年真实使用时的表现，汇报时用它。"))

# %% [markdown]
# ### 3. 满意度调查的日期会泄漏 · A survey dated after the cut-off leaks
#
# 满意度调查 (survey) 表有调查日期。如果做特征时不看日期、直接取“最近一次调查”，就可能用到截止日**之后**的调查——
# 很多客户恰恰是在快要离开时才被调查到的。比较三种做法（4 层决策树，跨时间验证）：

# %%
survey = bank.survey.set_index("customer_id")


def with_survey(table, cut, only_before):
    """加上调查分数和“调查日期距截止日天数”；only_before=True 时只用截止日之前的调查。"""
    s = survey if not only_before else survey[survey["survey_date"] < pd.Timestamp(cut)]
    out = table.copy()
    out["survey_score"] = out["customer_id"].map(s["overall"])
    out["survey_days"] = (out["customer_id"].map(s["survey_date"]) - pd.Timestamp(cut)).dt.days
    return out


rows = []
for name, extra, before in [("不用调查数据", [], True), ("只用截止日之前的调查", ["survey_score", "survey_days"], True),
                            ("不管日期，取最近一次调查（泄漏）", ["survey_score", "survey_days"], False)]:
    tr, te = with_survey(train, TRAIN_CUT, before), with_survey(test, TEST_CUT, before)
    m = churn_models.make_churn_model("tree", F + extra).fit(tr[F + extra], tr["churned"])
    rows.append((name, roc_auc_score(te["churned"], m.predict_proba(te[F + extra])[:, 1])))
leak = pd.DataFrame(rows, columns=["做法", "跨时间 AUC"]).set_index("做法").round(3)
leak

# %%
in_window = with_survey(train, TRAIN_CUT, False)["survey_days"].between(0, 182)
Markdown(f"泄漏版的 AUC 从 {leak.iloc[0, 0]:.3f} 升到 {leak.iloc[2, 0]:.3f}，而只用截止日之前的调查是 {leak.iloc[1, 0]:.3f}。原因：在结果窗口里被调查的客户中 "
         f"{percent(train.loc[in_window, 'churned'].mean())} 后来流失了，其他客户只有 "
         f"{percent(train.loc[~in_window, 'churned'].mean())}。**调查日期本身泄漏了结局**。注意测试表也是用同样的错误方法做的，"
         "所以跨时间验证也拦不住它：防泄漏只能靠“每个特征都只用截止日之前的数据”这条纪律。")

# %% [markdown]
# ### 4. 类别不平衡：加权还是采样 · Class imbalance: weights vs sampling
#
# 流失客户只占一成左右。模型如果只追求“总体猜对率”，把所有人都猜成“不流失”就能对九成——却一个流失客户也找不到。
# 三种常见处理：**类别权重 (class weights)**、**欠采样 (undersampling)** 只保留多数类（留存客户）的一部分、
# **过采样 (oversampling)** 把少数类复制多份。采样**只能用在训练表上**：测试表必须保持真实比例，否则评估会失真。

# %%
rng = np.random.default_rng(SEED)
churners, stayers = train[train["churned"] == 1], train[train["churned"] == 0]
samples = {
    "不处理": (train, None),
    "类别权重 balanced": (train, "balanced"),
    "欠采样（留存客户抽到与流失客户一样多）": (pd.concat([churners, stayers.sample(len(churners), random_state=SEED)]), None),
    "过采样（流失客户有放回地抽到与留存一样多）": (pd.concat([stayers, churners.iloc[rng.integers(0, len(churners), len(stayers))]]), None),
}
BUDGET = min(300, len(test) // 5)          # 挽留团队能打的电话数
rows = []
for name, (data, weight) in samples.items():
    m = churn_models.make_churn_model("logistic", F, class_weight=weight).fit(data[F], data["churned"])
    p = m.predict_proba(test[F])[:, 1]
    flagged = p >= 0.5
    hit = int((flagged & (test["churned"] == 1)).sum())
    rows.append({"做法": name, "训练表行数": len(data), "判为流失(≥0.5)的人数": int(flagged.sum()),
                 "精确率": hit / max(flagged.sum(), 1), "召回率": hit / test["churned"].sum(),
                 "AUC": roc_auc_score(test["churned"], p),
                 f"打{BUDGET}个电话的精确率": evaluation.budget_metrics(test["churned"], p, BUDGET)["precision"]})
imbalance = pd.DataFrame(rows).set_index("做法")
imbalance.assign(**{c: imbalance[c].map(percent) for c in ["精确率", "召回率", f"打{BUDGET}个电话的精确率"]},
                 AUC=imbalance["AUC"].round(3))

# %% [markdown]
# **读表**：按 0.5 的门槛判断时，权重和采样让模型“敢说流失”了：召回率 (recall) 大涨、精确率 (precision) 下降。
# 但 AUC 和“打固定数量电话”的精确率变化不大——**排序基本没变，变的主要是门槛**；欠采样还扔掉了大部分留存客户的数据。银行按预算打电话时，用的是排序，
# 所以不必为不平衡大动干戈；要用概率算钱时（第四节的利润），反而不要采样，否则概率会偏高。
#
# ### 5. 特征选择与标准化 · Feature selection and scaling
#
# **互信息 (mutual information)**：一个特征单独能告诉我们多少关于“是否流失”的信息（0 = 毫无关系）。
# 只在训练表上算。第五节还会用**置换重要性 (permutation importance)** 从模型的角度再看一次。

# %%
from sklearn.feature_selection import mutual_info_classif

X_train_filled = train[F].fillna(train[F].median())
mi = pd.Series(mutual_info_classif(X_train_filled, train["churned"], random_state=0), index=F).sort_values(
    ascending=False, kind="stable")
top_f = list(mi.index[:6])
m_top = churn_models.make_churn_model("logistic", top_f).fit(train[top_f], train["churned"])
m_all = churn_models.make_churn_model("logistic", F).fit(train[F], train["churned"])
auc_top = roc_auc_score(test["churned"], m_top.predict_proba(test[top_f])[:, 1])
auc_all = roc_auc_score(test["churned"], m_all.predict_proba(test[F])[:, 1])
display(mi.rename(index=LABEL).round(4).to_frame("互信息"))
Markdown(f"只用互信息最高的 6 个特征，逻辑回归的跨时间 AUC 为 {auc_top:.3f}；用全部 {len(F)} 个为 {auc_all:.3f}。"
         "特征少一半，效果相差无几——模型更简单、更好解释、更不容易随数据漂移。")

# %% [markdown]
# **标准化 (scaling)**：年龄是几十，余额是几十万。逻辑回归按“每单位变化”学系数，量纲差得太远时，
# 优化算法很难收敛，正则化也会不公平地惩罚小量纲的特征，所以要先标准化；决策树和随机森林只比较“大于还是小于某个值”，
# 标准化不改变任何一次比较。

# %%
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", ConvergenceWarning)
    raw_lr = make_pipeline(SimpleImputer(strategy="median"), LogisticRegression(max_iter=100)).fit(train[F], train["churned"])
auc_raw = roc_auc_score(test["churned"], raw_lr.predict_proba(test[F])[:, 1])
tree_raw = make_pipeline(SimpleImputer(strategy="median"), DecisionTreeClassifier(max_depth=4, random_state=0))
tree_std = make_pipeline(SimpleImputer(strategy="median"), StandardScaler(), DecisionTreeClassifier(max_depth=4, random_state=0))
same = np.allclose(tree_raw.fit(train[F], train["churned"]).predict_proba(test[F]),
                   tree_std.fit(train[F], train["churned"]).predict_proba(test[F]))
converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
Markdown(f"- 逻辑回归**不**标准化：{'100 步内收敛了' if converged else '100 步内没有收敛（scikit-learn 发出收敛警告）'}，"
         f"跨时间 AUC {auc_raw:.3f}；标准化后 {auc_all:.3f}。\n"
         f"- 决策树标准化前后的预测{'完全相同' if same else '有差别'}：树模型不需要标准化。")

# %% [markdown]
# ## 三、三种算法 · Logistic regression, decision tree, random forest
#
# ### 1. 逻辑回归：优势比 · Logistic regression and odds ratios
#
# **逻辑回归 (logistic regression)** 给每个特征一个系数。把系数换成**优势比 (odds ratio)** 最好懂：
# 特征增加一个标准差（下表“变化量”，原始单位），流失的几率 (odds) 变成原来的多少倍（>1 更容易流失，<1 更不容易）。

# %%
logistic = m_all                                          # 上面已用全部特征训练好
odds = churn_models.odds_ratios(logistic)
odds_show = odds.head(6).assign(特征=lambda t: t["column"].map(LABEL))[["特征", "step", "odds_ratio"]]
odds_show.columns = ["特征", "变化量（一个标准差）", "优势比"]
first = odds.iloc[0]
display(odds_show.round(2).set_index("特征"))
Markdown(f"读法：{LABEL[first['column']]}每增加 {first['step']:.2f}，流失的几率变为原来的 {first['odds_ratio']:.2f} 倍"
         f"（其他特征不变）。优势比说的是**相关**，不是因果：它不能告诉我们“把余额拉回来”客户就会留下。")

# %% [markdown]
# ### 2. 决策树：客户经理能读懂的规则 · A decision tree a banker can read
#
# **决策树 (decision tree)** 一层层地问“是/否”问题，最后落到一组客户上，给出这组客户的流失率。
# 限制深度（这里 3 层、每组至少占训练客户的 1%），规则才短到能念给客户经理听。

# %%
tree = churn_models.make_churn_model("tree", F, max_depth=3).fit(train[F], train["churned"])
charts.tree_figure(tree, population=POP_TRAIN)

# %%
print(churn_models.tree_rules(tree))     # 同一棵树的文字版：每一行是一个“如果……那么……”

# %% [markdown]
# ### 3. 随机森林：案例演示 · The worked random-forest model
#
# **随机森林 (random forest)** 训练很多棵不同的树（每棵树只看一部分客户和一部分特征），让它们投票。
# 单棵树容易“记住”训练数据的偶然规律，很多棵树的平均就稳得多。我们在第二节已经训练了它：

# %%
params = forest.named_steps["model"].get_params()
aucs = {"随机森林": auc_oot,
        "逻辑回归": auc_all,
        "决策树（3 层）": roc_auc_score(test["churned"], tree.predict_proba(test[F])[:, 1])}
Markdown(f"随机森林：{params['n_estimators']} 棵树，每个叶子至少 {params['min_samples_leaf']} 位客户，"
         f"在 {TRAIN_CUT} 的 {len(train):,} 位客户上训练，在一年后 {TEST_CUT} 的 {len(test):,} 位客户上测试。"
         " 跨时间 AUC：" + "；".join(f"{k} {v:.3f}" for k, v in aucs.items()) + "。")

# %% [markdown]
# ## 四、业务看得懂的评估 · Evaluation a banker understands
#
# ### 1. ROC 曲线和 AUC · ROC and AUC
#
# 把客户按模型分数从高到低排队，一个个往下打电话：**召回率**是找到的流失客户占全部流失客户的比例，
# **误报率**是打扰到的留存客户占全部留存客户的比例。曲线越往左上越好；AUC 是曲线下的面积。

# %%
p_logistic = logistic.predict_proba(test[F])[:, 1]
p_tree = tree.predict_proba(test[F])[:, 1]
charts.roc_figure({"随机森林": (test["churned"], p_forest), "逻辑回归": (test["churned"], p_logistic),
                   "决策树（3 层）": (test["churned"], p_tree)}, population=POP_TEST)

# %% [markdown]
# ### 2. “我们能打 300 个电话” · Precision and recall at a contact budget
#
# 挽留团队的人手是固定的。真正的问题是：**按模型排序打前 N 个电话，能找到多少流失客户？**

# %%
budget_rows = {name: evaluation.budget_metrics(test["churned"], p, BUDGET)
               for name, p in (("随机森林", p_forest), ("逻辑回归", p_logistic), ("决策树（3 层）", p_tree))}
budget_rows["随机挑选（期望）"] = {"contacted": BUDGET, "churners_reached": BUDGET * test["churned"].mean(),
                           "precision": test["churned"].mean(), "recall": BUDGET / len(test), "lift": 1.0}
bt = pd.DataFrame(budget_rows).T[["contacted", "churners_reached", "precision", "recall", "lift"]]
bt.columns = ["打电话人数", "找到的流失客户", "精确率", "召回率", "提升度"]
bm = budget_rows["随机森林"]
display(bt.assign(**{c: bt[c].map(percent) for c in ["精确率", "召回率"]},
                  **{c: bt[c].map("{:,.0f}".format) for c in ["打电话人数", "找到的流失客户"]},
                  提升度=bt["提升度"].map("{:.1f}".format)))
Markdown(f"打 {BUDGET} 个电话：按随机森林的排序能找到 {bm['churners_reached']} 位流失客户（每 10 个电话约 "
         f"{bm['precision'] * 10:.1f} 个打对人），覆盖全部流失客户的 {percent(bm['recall'])}；随机打只能找到约 "
         f"{BUDGET * test['churned'].mean():.0f} 位。这个倍数就是**提升度 (lift)**：{bm['lift']:.1f}。")

# %% [markdown]
# ### 3. 提升度和累计增益 · Lift and cumulative gains by decile
#
# 把客户按分数分成 10 档（每档 10%），看每一档的流失率是整体的几倍（提升度），以及从最高档往下累计能覆盖多少流失客户（累计增益）。

# %%
lift = evaluation.lift_table(test["churned"], p_forest, bins=10)
charts.gains_figure(lift, population=POP_TEST + "；随机森林")

# %% [markdown]
# ### 4. 校准：概率说 20%，真的是 20% 吗？ · Calibration
#
# 排序好不等于概率准。算钱时要用概率（“这位客户有 30% 的可能流失”），所以要看**校准 (calibration)**：
# 把客户按预测概率分档，比较每档的平均预测概率和实际流失率。

# %%
calib = evaluation.calibration_table(test["churned"], p_forest, bins=10)
charts.calibration_figure(calib, population=POP_TEST + "；随机森林，按预测概率分成 10 档")

# %% [markdown]
# 点在虚线下方，说明模型高估了风险；在上方，说明低估了。训练那一年和测试这一年的流失率不同，概率就会整体偏移——
# 这也是模型要定期用新数据重新训练、重新校准的原因（第五讲的模型监控）。
#
# ### 5. 挽留活动的预期利润 · Expected profit of a retention campaign
#
# 每多打一个电话，都要花电话费和优惠券；只有真的被留住的客户才带来价值。**每一项成本都要算进去**：

# %%
ctx = retention.campaign_context(bank, seed=SEED)   # 2024 年初做过的一次随机对照挽留活动（第六节细讲）
campaign = ctx.table
exp = campaign[campaign["group"] != "excluded"]
rate_t = exp.loc[exp["group"] == "treatment", "churned_6m"].mean()
rate_c = exp.loc[exp["group"] == "control", "churned_6m"].mean()
SAVE_RATE = max((rate_c - rate_t) / rate_c, 0.0)             # 被联系的流失客户中能留住的比例（由活动测得）
OFFER = "pricing"                                            # 行里惯用的一种优惠：个性化优惠
curve = evaluation.profit_curve(test["churned"], p_forest, value_saved=retention.VALUE_PER_SAVED,
                                contact_cost=retention.CONTACT_COST, offer_cost=retention.OFFER_COST[OFFER],
                                save_rate=SAVE_RATE)
assumption = (f"假设：每挽留一位客户价值 {money(retention.VALUE_PER_SAVED)}；每联系一位客户 {money(retention.CONTACT_COST)}，"
              f"优惠（{retention.OFFER_LABELS_ZH[OFFER]}）{money(retention.OFFER_COST[OFFER])}；"
              f"被联系的流失客户有 {percent(SAVE_RATE)} 能留住（第六节的随机对照活动测得）")
charts.profit_figure(curve, marks=[BUDGET], population=assumption)

# %%
best = curve.loc[curve["net_value"].idxmax()]
at_budget = curve.loc[BUDGET]
Markdown(f"按这些假设，联系风险最高的 {int(best['contacted']):,} 人时净收益最高（{money(best['net_value'])}，"
         f"投资回报率 (ROI) = 净收益 ÷ 总成本 = {percent(best['roi'])}）；打 {BUDGET} 个电话时净收益 {money(at_budget['net_value'])}。"
         "再往下打，每个电话带来的挽留价值抵不上成本，净收益开始下降。改一改假设（例如优惠更便宜、客户价值更高），最佳规模就会变——"
         "这是和业务部门一起定预算的依据。\n\n**但这里有一个乐观的假设**：每位被联系的流失客户都有同样的机会被留住。"
         "第六节会看到，风险最高的客户往往怎么挽留都要走，按风险挑人的真实利润要低得多。")

# %% [markdown]
# ## 五、为什么是这位客户 · Why this customer
#
# ### 1. 全局：哪些特征最重要 · Permutation importance
#
# **置换重要性**：在测试表上把某一列的值随机打乱（其他列不动），看 AUC 掉了多少。掉得越多，模型越依赖这一列。
# 它对任何模型都适用，而且是在模型没见过的数据上算的。

# %%
probe = test.sample(min(800, len(test)), random_state=0)          # 抽一部分测试客户，算得快一些
importance = churn_models.permutation_importance_table(forest, probe[F], probe["churned"], n_repeats=2, random_state=0)
charts.importance_figure(importance, population=POP_TEST + f"；随机森林，抽 {len(probe):,} 位客户，每列打乱 2 次取平均")

# %% [markdown]
# ### 2. 部分依赖：特征变了，风险怎么变 · Partial dependence
#
# **部分依赖图 (partial dependence)**：把所有客户的某个特征统一改成同一个值，看模型的平均流失概率，再换下一个值……

# %%
from sklearn.inspection import partial_dependence

sample = test[F].astype(float).sample(min(200, len(test)), random_state=0)
pd_curves = []
for col in importance["column"].head(2):
    r = partial_dependence(forest, sample, [col], grid_resolution=10, percentiles=(0.05, 0.95))
    pd_curves.append((col, r["grid_values"][0], r["average"][0]))
charts.partial_dependence_figure(pd_curves, population=POP_TEST + f"；随机森林，随机抽 {len(sample)} 位客户")

# %% [markdown]
# ### 3. 逐客户的原因说明 · Reason codes a relationship manager can say out loud
#
# 客户经理拿到名单，第一个问题是“为什么是他？”。对每位客户，把每个特征逐一换成“典型客户”的值（训练表的中位数），
# 看流失概率降了多少——降得最多的几项，就是这位客户的主要风险原因。

# %%
top3 = test.assign(p=p_forest).nlargest(3, "p")
codes = churn_models.reason_codes(forest, top3[F], top=3, labels=LABEL)
names = bank.customers.set_index("customer_id")["name"]
for idx, grp in codes.groupby("customer", sort=False):
    cid = top3.at[idx, "customer_id"]
    print(f"{names[cid]}（{cid}）流失概率 {percent(grp['churn_probability'].iloc[0])}：")
    for text in grp["text"]:
        print("   -", text)

# %% [markdown]
# 客户经理可以这样开口：“我们注意到您最近账户资金转出比较多，是不是在别处有更合适的安排？”——
# 原因说明告诉他**聊什么**，而不是“系统说你要走了”。原因是“和典型客户比的差别”，是相关不是因果。
#
# ## 六、挽留要算账：打给“打了才会留下”的人 · Retention that pays
#
# ### 1. 为什么要对照组 · Why the campaign was randomised
#
# 2024 年 1 月初，银行做过一次挽留活动：在当天在网、可以合规联系（有营销授权、不在免打扰名单、近 90 天联系未达上限）的客户里，
# **随机**抽一部分打电话并给一种优惠（干预组 treatment），其余不联系（对照组 control）。因为分组是随机的，两组客户在各方面都差不多，
# 两组流失率的差就是“打电话”**本身**的效果——没有对照组，就分不清客户留下是因为电话，还是他本来就不会走。

# %%
exp = exp.assign(**{c: ctx.features.loc[exp.index, c] for c in ["satisfaction", "tenure_days", "balance_trend", "age"]})
balance = exp.groupby("group")[["satisfaction", "tenure_days", "balance_trend", "age"]].median()
balance.insert(0, "客户数", exp["group"].value_counts())
balance["6 个月流失率"] = exp.groupby("group")["churned_6m"].mean().map(percent)
balance.index = balance.index.map({"treatment": "干预组（联系）", "control": "对照组（不联系）"})
balance.columns = ["客户数"] + [LABEL[c] + "（中位数）" for c in ["satisfaction", "tenure_days", "balance_trend", "age"]] + ["6 个月流失率"]
n_t, n_c = int((exp["group"] == "treatment").sum()), int((exp["group"] == "control").sum())
se = np.sqrt(rate_t * (1 - rate_t) / n_t + rate_c * (1 - rate_c) / n_c)
display(balance.round(2))
Markdown(f"两组的特征几乎一样（随机分组的效果）。联系让流失率从 {percent(rate_c)} 降到 {percent(rate_t)}，"
         f"平均效果 {(rate_c - rate_t) * 100:.1f} 个百分点（95% 置信区间约 {(rate_c - rate_t - 1.96 * se) * 100:.1f} 到 "
         f"{(rate_c - rate_t + 1.96 * se) * 100:.1f} 个百分点）。平均来看效果不大——关键是**打给谁**。")

# %% [markdown]
# ### 2. 四种客户与增益模型 · Four kinds of customers and the T-learner
#
# - **可说服 (persuadables)**：不联系会走，联系了会留——唯一值得打的人；
# - **稳定客户 (sure things)**：怎样都不走——打电话只花钱；
# - **必然流失 (lost causes)**：怎样都要走——风险分最高，打了也白打；
# - **勿扰客户 (sleeping dogs)**：本来不走，被推销反而走了。
#
# 风险模型只回答“会不会走”，挑出来的往往是必然流失的人。**增益模型 (uplift model)** 回答“打了电话，流失概率能降多少”。
# 最简单的做法是**双模型 (T-learner)**：用干预组训练一个流失模型、用对照组训练另一个，两者预测之差就是增益：
#
# ```python
# t_learner = uplift.TLearner().fit(X, treated, churned)   # 两个随机森林：一个只看干预组，一个只看对照组
# gain = t_learner.predict_uplift(X_new)                   # = P(流失 | 不联系) − P(流失 | 联系)
# ```
#
# `retention.campaign_context` 已经用这几行代码为活动里的每位客户算好了增益分 `ctx.uplift`；为了诚实评估，
# 每位客户的分数都来自**没见过他的**模型（两折交叉拟合：一半客户训练、给另一半打分，再交换）。
# 风险分 `ctx.risk` 来自用更早的截止日训练的随机森林。检验增益分：按分数分成 5 档，每档里用干预组和对照组算**实际**增益：

# %%
in_exp = (campaign["group"] != "excluded").to_numpy()
treated = (campaign.loc[in_exp, "group"] == "treatment").astype(int).to_numpy()
outcome = campaign.loc[in_exp, "churned_6m"].to_numpy()
deciles = uplift.uplift_by_decile(treated, outcome, ctx.uplift[in_exp], bins=5)
POP_EXP = f"统计范围：{retention.CAMPAIGN_DATE} 挽留活动中随机分组的 {int(in_exp.sum()):,} 位客户（干预 {n_t:,}，对照 {n_c:,}）"
charts.uplift_decile_figure(deciles, population=POP_EXP)

# %%
top2 = deciles.head(2)
low3 = deciles.tail(3)


def observed(rows):
    """几档合起来的实际增益（对照组流失率 − 干预组流失率）。"""
    rc = (rows["churn_rate_control"] * rows["control"]).sum() / rows["control"].sum()
    rt = (rows["churn_rate_treated"] * rows["treated"]).sum() / rows["treated"].sum()
    return rc - rt


u_top, u_low = observed(top2), observed(low3)
Markdown(f"预测增益最高的两档（{int(top2['customers'].sum()):,} 人）实际增益 {u_top * 100:.1f} 个百分点，其余三档 "
         f"{u_low * 100:.1f} 个百分点。"
         + ("排序方向是对的。" if u_top > u_low else "用对照组看不出排序的优势。")
         + f"但每档只有约 {int(deciles['customers'].mean()):,} 人、其中一半是对照组，单独一档的估计误差有好几个百分点——"
         "要测准一小群人的效果，对照组必须足够大。这正是增益模型难以验证的地方。")

# %% [markdown]
#
# ### 3. 同样的预算：打给高风险，还是高增益？ · Risk vs uplift at the same budget
#
# 下面用练习里的**挽留模拟器**比较。模拟器知道每位客户的真实反应（现实中没人知道，只能用对照组估计），
# 所以能算出每个方案“预计挽留多少人”。预算是方案造成的**全部**成本：联系成本 + 优惠成本。

# %%
PLAN_BUDGET = round(20_000 * N_CUSTOMERS / BUILTIN_CUSTOMERS, -3)    # 元：每 5,000 位客户 2 万元，两种挑法花同样多的钱
plans = {
    "按风险 + 统一优惠": retention.simulate_plan(ctx, "risk", PLAN_BUDGET, retention.STANDARD_OFFERS),
    "按增益 + 统一优惠": retention.simulate_plan(ctx, "uplift", PLAN_BUDGET, retention.STANDARD_OFFERS),
    "按风险 + 对症优惠": retention.simulate_plan(ctx, "risk", PLAN_BUDGET, retention.MATCHED_OFFERS),
    "按增益 + 对症优惠": retention.simulate_plan(ctx, "uplift", PLAN_BUDGET, retention.MATCHED_OFFERS),
}
display(retention.plans_table(plans))
versus = pd.DataFrame([{"label": k, "customers_saved": plans[k]["expected_saved"], "net_value": plans[k]["net_value"],
                        "total_cost": plans[k]["total_cost"]} for k in ("按风险 + 对症优惠", "按增益 + 对症优惠")])
charts.targeting_figure(versus, population=f"统计范围：{retention.CAMPAIGN_DATE} 在网的 {len(campaign):,} 位客户；"
                        f"预算 {money(PLAN_BUDGET)}；{retention.ASSUMPTIONS_ZH}")

# %% [markdown]
# **读表**：“统一优惠”是行里惯用的做法——给每位客户同样的优惠。按风险挑人，预算大多花在了“必然流失”的客户身上；
# 按增益挑人，同样的钱留住更多人。再把优惠和原因对上（下一小节），净收益更高。
# 这也解释了第四节利润曲线为什么偏乐观：它假设每位被联系的流失客户被留住的机会都一样。
# 注意：预算放大到联系很多人时，两种挑法会越来越像（高风险客户里也有可说服的人）——增益模型的价值在预算有限时最大。
#
# ### 4. 优惠要对症 · Offers mapped to reasons
#
# 预警团队在活动前为每位客户记录了最可能的流失原因。活动里三种优惠是随机发的，所以可以直接比较：
# 同一类原因的客户，拿到不同优惠后流失率降了多少（对照组流失率 − 该优惠组流失率，单位：百分点）？

# %%
control_rate = exp[exp["group"] == "control"].groupby("risk_reason")["churned_6m"].mean()
got = exp[exp["group"] == "treatment"].groupby(["risk_reason", "offer"])["churned_6m"].agg(["mean", "size"])
effect = (control_rate.reindex(got.index.get_level_values(0)).to_numpy() - got["mean"]) * 100
table = pd.DataFrame({"降低(百分点)": effect.round(1), "人数": got["size"]}).unstack("offer")
table = table.reindex([r for r in retention.REASONS if r in table.index])
table.index = table.index.map(retention.REASON_LABELS_ZH)
table.columns = [f"{retention.OFFER_LABELS_ZH[o]}：{k}" for k, o in table.columns]
table.index.name = "记录的流失原因"
display(table)
best_offer = effect.groupby(level=0).idxmax().map(lambda ix: ix[1])
p0, n_cell = control_rate.mean(), got["size"].median()
margin = 1.96 * np.sqrt(2 * p0 * (1 - p0) / n_cell) * 100
Markdown("在这次活动里，各类原因降得最多的优惠是："
         + "；".join(f"{retention.REASON_LABELS_ZH[r]} → {retention.OFFER_LABELS_ZH[best_offer[r]]}"
                     for r in retention.REASONS if r in retention.MATCHING_OFFER and r in best_offer.index)
         + f"。但每格只有约 {n_cell:.0f} 人，一格的 95% 误差范围约 ±{margin:.0f} 个百分点——单看一格，几个百分点的差别可能只是偶然；"
         "记录的原因也不一定准。要下结论，需要更大的样本或重复实验。")

# %% [markdown]
# 课程的假设是：价格类原因配**个性化优惠**、服务类原因配**情感关怀**、产品类原因配**产品升级**，搬迁换工作的客户基本挽留不了。
# 上一小节的模拟器里，“对症优惠”就是按这个对应关系发的。
# 合规提醒：打电话前先查营销授权、免打扰名单和联系频次上限；推荐理财类的“升级”还要做适当性匹配（产品风险等级 ≤ 客户风险承受能力）。
#
# > **实战演练 · 小组讨论**：针对高流失风险客户设计挽留方案。在[第三讲练习](../exercises/L3_exercises.ipynb)里，
# > 你会用控件选择排序方式（风险或增益）、预算和每类原因的优惠，模拟器给出联系人数、挽留人数、成本和净收益。
#
# ## 七、AI 自动化运营的降本技巧（解决成本效率低） · Cost-cutting automation
#
# ### 1. 智能客服的话术模板与转人工规则 · Service-bot scripts and hand-off rules
#
# 高频问题用**话术模板 (script template)**：固定的句子 + 从系统里取数填的**槽位 (slot)**。
# 槽位的数字必须从数据里取，绝不能手写；取不到，就转人工。

# %%
routed = automation.route_messages(bank)
answered = routed[(routed["intent"] == "账单查询") & (routed["route"] == "bot")]
asked = answered["text"].str.contains("账单多少|账单是多少|应还多少") & ~answered["answer"].str.contains("为0.00元")
example = answered[asked].iloc[0] if asked.any() else answered.iloc[0]     # 一条典型的账单提问
b = automation.credit_card_bill(bank, example["customer_id"], example["msg_date"])
print("模板：", automation.BILL_TEMPLATE)
print(f"客户 {example['customer_id']} 在 {example['msg_date']:%Y-%m-%d} 问：{example['text']}")
print(f"系统取数：{b['statement_month']} 月信用卡消费合计 {b['amount']:,.2f} 元，还款日 {b['due_date']:%Y-%m-%d}")
print("机器人答：", example["answer"])

# %% [markdown]
# 理财收益的话术里，“高于同类 XX%”也必须**算出来**。课程大纲的例句是“年化收益 3.8%，高于同类 95%”。
# 取产品表里年化收益最接近 3.8% 的理财产品，和同类（同一类别的其他产品）比一比：

# %%
products = bank.products
wealth = products[products["category"] == "理财"]
p38 = wealth.loc[(wealth["annual_yield"] - 3.8).abs().idxmin()]
peers = products[(products["category"] == p38["category"]) & (products["product_id"] != p38["product_id"])]
pct = automation.yield_percentile(products, p38["product_id"])
display(peers[["name", "risk_level", "annual_yield"]].sort_values("annual_yield", kind="stable")
        .rename(columns={"name": "同类产品", "risk_level": "风险等级", "annual_yield": "年化收益(%)"}).set_index("同类产品"))
print(automation.yield_answer(products, p38["product_id"]))
Markdown(f"在 {len(peers)} 只同类产品里，{p38['name']}（{p38['annual_yield']:.2f}%）高于其中 {percent(pct)}"
         + ("，和大纲例句里的 95% 不同" if abs(pct - 0.95) > 0.005 else "") + "。话术只说算得出的数字；"
         "低于同类一半的产品，话术干脆不做比较。每条收益话术都带上“业绩比较基准，不代表实际收益”的风险提示；"
         "若产品风险等级高于客户的风险承受能力，机器人不推荐（适当性管理）。")

# %% [markdown]
# **转人工规则 (hand-off rules)**：同一个问题问了第二遍（说明机器人没答到点上）→ 转人工；客户要求协商利率或费用 → 转人工
# （机器人无权谈价格）。规则写成函数，就能在全部聊天记录上检验：

# %%
cases = [["本月账单多少钱？", "您好，本月账单多少钱"], ["本月账单多少钱", "还款日是哪天"],
         ["我的房贷利率能不能调低一点"], ["手续费太高了"]]
pd.DataFrame({"对话（最后一句是当前消息）": [" → ".join(c) for c in cases],
              "转人工？": [automation.handoff_rule(c) for c in cases],
              "原因": [automation.handoff_reason(c) or "—" for c in cases]}).set_index("对话（最后一句是当前消息）")

# %%
labels_ok = (automation.handoff_labels(bank.messages)
             == routed["reason"].isin(["repeat", "rate"]).to_numpy()).mean()
charts.routing_figure(routed, population=f"统计范围：全部 {len(routed):,} 条客服消息（{bank.messages['msg_date'].min():%Y-%m}"
                      f" 至 {bank.messages['msg_date'].max():%Y-%m}）；意图用人工标注")

# %%
costs = automation.ServiceCosts()
saving = automation.service_savings(routed, costs)
scripted = routed[routed["intent"].isin(automation.SCRIPTED_INTENTS)]
in_scope = automation.service_savings(scripted, costs)
no_data = (scripted["reason"] == "no_data").mean()
Markdown(f"- 转人工规则和标注一致的比例：{percent(labels_ok)}。\n"
         f"- 在有话术的两个高频场景（账单查询、理财收益咨询）里，机器人答了 {percent(in_scope['automation_rate'])}；"
         f"其中 {percent(no_data)} 的消息因为**查不到数据**（没有信用卡记录、没说是哪只产品）转了人工——打通数据比改话术更省钱。\n"
         f"- 全部消息：自动化率 {percent(saving['automation_rate'])}，转人工率 {percent(saving['handoff_rate'])}；"
         f"比全部人工节省 {money(saving['saved'])}（{percent(saving['saved_share'])}）。{costs.describe()}。")

# %% [markdown]
# ### 2. 长尾客户激活的 AI 外呼 · AI outbound calls for long-tail activation
#
# **筛选名单**：6 个月（180 天）没有交易的沉默客户（`domain.is_dormant`），而且开户已满 180 天。
# **合规先行**：备用金是信贷产品，外呼前必须确认：客户授权过营销联系、不在免打扰名单、符合授信条件
# （这里用简化规则：年龄、已核实的收入、近 12 个月没有逾期记录；真实银行还要查征信）。
# 授权和免打扰标记取自营销授权登记（第六节挽留活动表里的 consent、do_not_call 两列）；登记里没有的客户用课程的模拟标记
# （见 `automation.contact_flags` 的说明）。

# %%
funnel = automation.outbound_funnel(bank)
charts.funnel_figure(funnel, population=f"统计范围：{automation.OUTBOUND_AS_OF} 开始时在网的客户")

# %%
called = bank.outbound_calls[bank.outbound_calls["customer_id"].isin(funnel["customer_ids"].iloc[-1])]
print("AI 外呼话术：", automation.OUTBOUND_SCRIPT, "（如不需要，可随时告知，我们将不再致电。）")
called[["reply", "intent_grade"]].head(6).rename(columns={"reply": "客户回复", "intent_grade": "人工标注的意向等级"})

# %% [markdown]
# **意向分级**：根据回复里的关键词标 A（明确有意向 → 分配客户经理）、B（犹豫 → 短信培育）、C（拒绝；说“别再打了”的加入免打扰名单）。
# 难点在否定：“不是不需要，就是现在没空”不是拒绝；“不用考虑了，直接开通吧”是同意。
# 比较一个只看关键词、不管否定的“简单规则”和处理了否定的规则（`automation.grade_intent`），和人工标注对照：

# %%
graders = {"简单规则（见“不”就判 C）": automation.naive_grade_intent, "处理否定的规则": automation.grade_intent}
truth = called["intent_grade"].astype(str)
reports = {name: automation.grade_report(truth, automation.grade_replies(called["reply"], g)) for name, g in graders.items()}
pd.DataFrame({name: {"A 级的精确率": percent(r["precision_a"]), "A 级的召回率": percent(r["recall_a"]),
                     "整体准确率": percent(r["accuracy"])} for name, r in reports.items()})

# %% [markdown]
# **A 级的精确率**最要紧：每个被判成 A 的客户都要占用客户经理的时间。最后算一笔账：AI 外呼 + 只把 A 级交给客户经理，
# 和人工逐一外呼相比，每激活一位客户花多少钱？

# %%
ocost = automation.OutboundCosts()
outbound = {name: automation.outbound_costs(truth, automation.grade_replies(called["reply"], g), ocost)
            for name, g in graders.items()}
per_activation = {"AI 外呼 + 简单规则": outbound["简单规则（见“不”就判 C）"].at["ai", "cost_per_activation"],
                  "AI 外呼 + 处理否定的规则": outbound["处理否定的规则"].at["ai", "cost_per_activation"],
                  "人工逐一外呼": outbound["处理否定的规则"].at["human", "cost_per_activation"]}
charts.outbound_cost_figure(per_activation, note=f"外呼 {len(called):,} 位合规名单上的客户；{ocost.describe()}")

# %% [markdown]
# > **小组讨论**：你们行的沉默客户激活，现在是谁在打电话？一个客户经理一天能打多少个？
# > 如果 A 级客户的精确率只有 50%，客户经理会怎么看这份名单？哪些回复你会坚持让人工再听一遍？
#
# ## 小结 · Summary

# %%
Markdown(f"""
- **谁在流失**：余额外流、满意度低、开户不久的客户流失率最高；流失原因归成价格、服务、产品、生活变动几类，各类对应不同的挽留动作。
- **数据准备**：特征只用截止日之前的数据，标签看之后 6 个月；随机划分的 AUC（{auc_random:.3f}）比跨时间验证（{auc_oot:.3f}）
  {'高' if auc_random > auc_oot else '低'}；调查日期泄漏会把 AUC 抬到 {leak.iloc[2, 0]:.3f}；加权和采样主要改变门槛，几乎不改变排序。
- **模型**：跨时间 AUC 随机森林 {auc_oot:.3f}、逻辑回归 {auc_all:.3f}、3 层决策树 {aucs['决策树（3 层）']:.3f}；
  打 {BUDGET} 个电话能找到 {bm['churners_reached']} 位流失客户（提升度 {bm['lift']:.1f}）。
- **解释**：最重要的特征是“{LABEL[importance['column'].iloc[0]]}”；逐客户的原因说明告诉客户经理该聊什么。
- **挽留**：活动平均让流失率降了 {(rate_c - rate_t) * 100:.1f} 个百分点（对照组测得）；同样花 {money(PLAN_BUDGET)}、都用对症优惠，
  按增益挑客户预计挽留 {plans['按增益 + 对症优惠']['expected_saved']:.1f} 人，按风险挑 {plans['按风险 + 对症优惠']['expected_saved']:.1f} 人。
- **自动化**：话术槽位从数据取数，转人工规则与标注一致率 {percent(labels_ok)}；AI 外呼每激活一位客户
  {money(per_activation['AI 外呼 + 处理否定的规则'])}，人工逐一外呼 {money(per_activation['人工逐一外呼'])}——前提是先做合规筛选。
""")

# %% [markdown]
# ## 讨论题 · Discussion questions
#
# 1. 你们行现在的“流失预警名单”是怎么来的？它是用截止日之前的数据做的吗？有没有用到“事后才知道”的信息？
# 2. 如果领导只看 AUC，你会怎样用“打 300 个电话能找到多少人、花多少钱、留住多少人”来汇报？
# 3. 风险最高的客户不一定值得打电话——你能举出身边“必然流失”和“勿扰客户”的例子吗？
# 4. 做一次挽留活动，留多大的对照组合适？对照组的客户“没被挽留”，业务部门会有什么顾虑，你怎么回应？
# 5. 智能客服的哪些问题绝不能让机器人回答？转人工的规则还应该加哪些？
#
# **下一步**：打开[第三讲练习](../exercises/L3_exercises.ipynb)，亲手做无泄漏的流失表、比较三种模型、
# 在预算内规划挽留方案、写转人工规则和意向分级函数。

# %%
from course_utils import coursemap

Markdown("下一讲：" + coursemap.md_link("第四讲 个性化产品推荐与服务", "notebooks/L4_recommendation.ipynb"))
