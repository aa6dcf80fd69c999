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
# # 第二讲 基于AI的客户画像与精准营销 · Customer profiling & precision marketing
#
# **案例导入**：营销活动“广撒网”，短信发了几十万条，转化率却很低；高价值客户接到的推销和长尾客户一样。
# 问题出在**客户画像 (customer profile)** 不够精准：我们并不真正了解每一位客户。
# 这一讲用虚拟银行的数据（合成数据，已脱敏），从原始数据一步步做出客户画像、客户分群，
# 再为每个客群设计“卖什么、怎么做、走什么渠道”的精准营销方案。
#
# **学习目标 (learning objectives)**
#
# 1. 说出客户画像的四类数据来源（交易、账户、客户信息、互动），并把它们合成“一客一行”的客户视图；
# 2. 用 scikit-learn 的流水线 (Pipeline) 处理缺失值和异常值、给分类变量编码、做标准化或归一化；
# 3. 按截止日计算 RFM（最近一次交易、交易频率、交易金额）和行为指标，并用规则生成中文标签（标签体系）；
# 4. 用 RFM 评分把客户分成 8 个客群，与 k-means 聚类的结果比较，读懂客群画像热力图；
# 5. 为每个客群选择产品、活动和渠道：先做合规筛选（适当性、授信预审、营销授权），再在同样的花费下比较方案的净收益和投资回报率 (ROI)；
# 6. 识别数据泄漏、偏态、分群不稳定、小客群这四个常见问题。
#
# **预计时间**：讲授约 75 分钟，配套练习约 60 分钟
# （[第二讲练习](../exercises/L2_exercises.ipynb)）。
#
# **怎么用这个笔记本**：从上到下依次运行每个代码单元格（Shift + Enter）。结果已经预先算好，
# 不运行也能先看；讲师换一组数据（见下面的参数）再运行，结论依然成立。

# %% tags=["parameters"]
# 参数 (parameters)：讲师可以为每期学员换一个随机种子或数据规模
from course_utils.config import DEFAULT_CUSTOMERS, DEFAULT_SEED

SEED = DEFAULT_SEED
N_CUSTOMERS = DEFAULT_CUSTOMERS

# %%
import numpy as np
import pandas as pd
from IPython.display import display

from course_utils import campaign, cleaning, features, segments, tags, viz
from course_utils.config import L2_COMPARE_BUDGET_PER_CUSTOMER, L2_CUTOFF, L2_PREVIOUS_CUTOFF
from course_utils.data import get_bank
from course_utils.plotting import setup

setup()  # 统一图表风格，并启用中文字体
pd.set_option("display.max_columns", 30)

bank = get_bank(seed=SEED, n_customers=N_CUSTOMERS)
CUTOFF = L2_CUTOFF                  # 观察截止日：特征只用这一天之前的数据
print(f"客户数：{len(bank.customers):,}；观察截止日：{CUTOFF}")

# %% [markdown]
# ## 一、客户画像构建方法与数据来源 · How a customer profile is built
#
# 客户画像的流程只有四步，每一步都用 Python、pandas 和 scikit-learn 完成：
#
# 1. **数据收集**：把散在各个系统里的数据按客户号汇总；
# 2. **数据清洗 (data cleaning)**：处理缺失值、异常值，把文字类别变成数字，统一量纲；
# 3. **特征工程 (feature engineering)**：从原始记录里算出有业务含义的指标，例如 RFM；
# 4. **标签体系 (tag system)**：用规则把指标变成业务人员一看就懂的标签，例如“高交易额”“沉睡”“理财偏好”。
#
# 画像做好之后，才谈得上分群和精准营销。
#
# ## 二、数据收集：四类数据 · Data sources
#
# 下表列出我们用到的每张表：多少行、覆盖多少客户、为画像贡献什么。

# %%
SOURCES = [  # (数据类别, 表, 贡献什么)
    ("交易数据", "transactions", "交易频率、交易金额、交易类型 → R、F、M"),
    ("账户数据", "accounts", "账户类型、开户/销户 → 账户数"),
    ("账户数据", "balances", "月末余额 → 余额水平与趋势"),
    ("账户数据", "holdings", "持有的产品 → 产品使用率、理财偏好"),
    ("客户信息", "customers", "年龄、性别、职业、收入、风险偏好"),
    ("互动数据", "messages", "客服留言（含情绪） → 负面情绪"),
    ("互动数据", "web_visits", "网站浏览页面 → 兴趣（如留学金融）"),
    ("互动数据", "app_usage", "APP 每周使用时长 → 线上活跃度"),
]
pd.DataFrame([
    {"数据类别": kind, "表": name, "行数": len(getattr(bank, name)),
     "覆盖客户数": getattr(bank, name)["customer_id"].nunique(), "为画像贡献": what}
    for kind, name, what in SOURCES
]).set_index(["数据类别", "表"])

# %% [markdown]
# ### 1. 交易数据 · Transactions
#
# 每行一笔交易：日期、金额（元）、类型、渠道。先看交易类型和渠道的构成——
# 渠道构成就是后面“渠道偏好”标签的来源。

# %%
tx = bank.transactions
mix = pd.concat({
    "交易类型占比": tx["txn_type"].value_counts(normalize=True),
    "渠道占比": tx["channel"].value_counts(normalize=True),
}).map("{:.1%}".format)
mix.to_frame("占比")

# %% [markdown]
# ### 2. 账户数据、3. 客户信息、4. 互动数据 · Accounts, customer info, interactions
#
# 这些表各自只讲了客户的一面。把它们**按截止日**汇总成“一客一行”的**客户视图 (customer view)**：
# `features.customer_view` 把四类数据合在一起，且只用截止日之前的记录（为什么要强调这一点，见第七节）。

# %%
view = features.customer_view(bank, CUTOFF)
print(f"截止日开始时在网的客户：{len(view):,} 位；每位客户 {view.shape[1]} 个字段")
print(view.attrs["population"])   # 本讲的图表都统计这群客户
GROUPS = {
    "客户信息": ["age", "gender", "occupation", "monthly_income", "tenure_days"],
    "交易数据": ["recency_days", "frequency", "monetary", "txn_recent"],
    "账户数据": ["n_accounts", "balance_last", "balance_trend", "product_usage_rate"],
    "互动数据": ["app_minutes_recent", "web_visits_recent", "messages_recent"],
}
view[[c for cols in GROUPS.values() for c in cols]].head(3)

# %% [markdown]
# 字段含义：`recency_days` 最近一次交易距截止日的天数，`frequency`、`monetary` 为近一年交易笔数和金额（元），
# `txn_recent` 近 90 天交易笔数，`balance_trend` 近 3 个月平均余额相对前 3 个月的变化率（0 = 持平，-0.3 = 下降 30%），
# `product_usage_rate` 持有的产品类别 ÷ 银行的产品类别数，`app_minutes_recent` 近 90 天 APP 使用分钟数。
#
# ## 三、数据预处理 · Preprocessing
#
# ### 1. 缺失值和异常值 · Missing values and outliers
#
# 先体检：哪些列有缺失？哪些值根本不可能？

# %%
raw = view.copy()
checks = pd.DataFrame({
    "缺失数": raw[["monthly_income", "age", "monetary"]].isna().sum(),
    "不可能的值": [0, int(((raw["age"] < 18) | (raw["age"] > 100)).sum()), 0],
    "最小值": raw[["monthly_income", "age", "monetary"]].min(),
    "中位数": raw[["monthly_income", "age", "monetary"]].median(),
    "平均值": raw[["monthly_income", "age", "monetary"]].mean().round(1),
    "最大值": raw[["monthly_income", "age", "monetary"]].max(),
})
checks

# %%
# 交易金额本身的异常：负数（退款/冲正）和超大单笔
amount = tx["amount"]
print(f"负数金额 {int((amount < 0).sum()):,} 笔；≥ 100 万元的单笔 {int((amount >= 1e6).sum()):,} 笔；"
      f"单笔中位数 {viz.money(amount.median())}，最大 {viz.money(amount.max())}")

# %% [markdown]
# 怎么处理，取决于**为什么**会这样：
#
# - **缺失值 (missing values)**：月收入没填的客户不能直接删掉（删掉就丢了这些客户的其他信息）。
#   用**中位数 (median)** 填补：收入是偏态分布，少数高收入会把平均数拉高，中位数更稳。
# - **不可能的值**：年龄 -1 岁、999 岁是录入错误，不是“特别的客户”。先把它们当作缺失，再按上面的办法填补。
# - **重尾 (heavy tail)**：交易金额平均值远大于中位数（见上表）——少数大额客户把平均数拉得很高。
#   这不是错误，但会让模型只看得见大户。办法：按分位数**截尾 (clipping)**，或取**对数 (log)**。
#
# ### 2. 分类变量编码 · Encoding categories
#
# 模型只认数字。性别、城市、职业这类**分类变量 (categorical variable)** 用**独热编码 (one-hot encoding)**：
# 每个类别变成一列 0/1。不要把“北京=1、上海=2”直接当数字——那等于说上海是北京的两倍。

# %%
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler

enc = OneHotEncoder(sparse_output=False).set_output(transform="pandas")
sample = raw[["gender", "occupation"]].astype(object).head(4)
pd.concat([sample, enc.fit_transform(sample)], axis=1)

# %% [markdown]
# ### 3. 标准化与归一化 · Standardisation vs normalisation
#
# 年龄是几十，交易金额是几十万：量纲不同，距离和模型会被大数字主导。
#
# - **标准化 (standardisation)**，`StandardScaler`：减均值、除以标准差 → 均值 0、标准差 1。适合大多数模型和 k-means。
# - **归一化 (normalisation)**，`MinMaxScaler`：压到 0~1 之间。适合需要固定范围的场合（如打分、神经网络）；
#   但一个极端值就会把其他人都挤到 0 附近。

# %%
money = raw[["monetary"]].astype(float)
compare = pd.DataFrame({
    "原值(元)": money["monetary"],
    "标准化": StandardScaler().fit_transform(money)[:, 0],
    "归一化": MinMaxScaler().fit_transform(money)[:, 0],
}).describe().loc[["mean", "std", "min", "50%", "max"]]
compare.index = ["平均值", "标准差", "最小值", "中位数", "最大值"]
compare.round(3)

# %% [markdown]
# 归一化后的中位数非常接近 0：极端大户把其他人都“挤扁”了。所以对重尾的金额，先截尾或取对数，再缩放。
#
# ### 4. 把所有步骤放进一条流水线 · One pipeline
#
# 用 `Pipeline` / `ColumnTransformer` 把上面的步骤串起来：在训练数据上 `fit` 学到中位数、分位数、均值，
# 新数据用 `transform` 原样套用——每个月重跑画像时，口径不会变。

# %%
NUMERIC = ["age", "monthly_income", "tenure_days", "recency_days", "frequency", "monetary", "balance_last"]
CATEGORICAL = ["gender", "city", "occupation"]
pre = cleaning.build_preprocessor(
    NUMERIC, CATEGORICAL,
    scaler="standard",                                   # 或 "minmax"（归一化）
    log_cols=["monthly_income", "monetary", "balance_last", "frequency"],  # 重尾的金额/次数取对数
    ranges={"age": (18, 100)},                           # 不可能的年龄 → 缺失
    clip=(0.01, 0.99),                                   # 1% / 99% 分位截尾
)
print(pre)

# %%
X = pre.fit_transform(raw.assign(**{c: raw[c].astype(object) for c in CATEGORICAL}))
print(f"处理后：{X.shape[0]:,} 行 × {X.shape[1]} 列，缺失值 {int(X.isna().sum().sum())} 个")
cleaning.before_after(raw, X, ["age", "monthly_income", "monetary"]).round(2)

# %%
viz.before_after_figure(raw["monetary"], X["monetary"], population=view.attrs["population"])

# %% [markdown]
# 处理前，即使只画到 99% 分位，金额仍然挤在左边、拖着长尾巴（最大值见上表）；处理后大致对称。
# 右图最左边单独的一根，是近一年没有交易的客户（金额为 0）——它们值得单独关注，而不是被当作噪音。
# 年龄里的 -1 和 999 被当作缺失后填补，收入的缺失也已填补。
#
# ## 四、特征工程 · Feature engineering
#
# ### 1. RFM：最近一次交易、交易频率、交易金额 · Recency, frequency, monetary
#
# - **R (Recency)**：最近一次交易距截止日多少天——越小越好；
# - **F (Frequency)**：一定时间内（这里是截止日前一年）的交易笔数——越大越好；
# - **M (Monetary)**：同一时间内的交易金额合计（元）——越大越好。
#
# 先用 pandas 手算，再和课程函数 `features.rfm` 对一对。

# %%
cut = pd.Timestamp(CUTOFF)
year = tx[(tx["txn_date"] < cut) & (tx["txn_date"] >= cut - pd.Timedelta(days=365))]  # 截止日前一年
g = year.groupby("customer_id")
by_hand = pd.DataFrame({
    "recency_days": (cut - g["txn_date"].max()).dt.days,   # 截止日 − 最近一次交易日
    "frequency": g.size(),                                 # 交易笔数
    "monetary": g["amount"].sum(),                         # 交易金额合计
})
by_function = features.rfm(tx, CUTOFF, window_days=365)
print("手算与函数结果一致：", bool(np.allclose(by_hand.to_numpy(), by_function.to_numpy())))
by_function.head()

# %% [markdown]
# ### 2. 行为指标 · Behaviour indicators
#
# 只看 RFM 还不够。客户视图里还有这些**行为指标**：账户活跃度（近 6 个月有交易的月数）、
# 产品使用率、渠道构成（线上占比）、余额趋势、APP 使用和客服留言。

# %%
BEHAVIOUR = {
    "active_months": "近6月活跃月数", "product_usage_rate": "产品使用率", "mobile_share": "线上渠道占比",
    "balance_trend": "余额变化率", "app_minutes_recent": "近90天APP分钟", "messages_recent": "近90天客服留言",
}
view[list(BEHAVIOUR)].rename(columns=BEHAVIOUR).describe().loc[["mean", "25%", "50%", "75%"]].rename(
    index={"mean": "平均值", "25%": "25%分位", "50%": "中位数", "75%": "75%分位"}).round(2)

# %% [markdown]
# ### 3. 标签体系 · Tag system
#
# 指标是给分析师看的，**标签**是给客户经理看的。每个标签就是一条写得清清楚楚的规则，
# 例如“沉睡 = 最近一次交易距今超过 180 天”。规则可以讨论、可以改——这正是标签体系的好处。

# %%
tagged = features.add_tags(view)
summary = features.tag_summary(tagged)                 # 英文列名计算：tag, rule, n, share
summary.assign(share=summary["share"].map(viz.percent)).set_index("tag").rename_axis("标签").rename(
    columns=tags.TAG_SUMMARY_LABELS_ZH)                 # 显示时换成中文表头

# %%
# 三位客户的标签：一行文字就是一张“客户名片”
tagged.loc[tagged["标签"].str.len() > 0, ["age", "occupation", "recency_days", "monetary", "标签"]].head(3)

# %% [markdown]
# ## 五、客户分群 · Segmentation
#
# ### 1. RFM 评分与八大客群 · RFM scores and 8 segments
#
# 把 R、F、M 各按**五分位 (quintiles)** 打 1–5 分（5 分最好：最近、最常、金额最高）。
# 每个维度 4、5 分算“高”，1、2、3 分算“低”——3 分是中间档，一个普通客户不该算“高”。
# 三个维度的高低组合成 8 个客群：

# %%
pd.DataFrame([
    {"R（最近）": "高" if r else "低", "F（频率）": "高" if f else "低", "M（金额）": "高" if m else "低",
     "客群": name, "含义与常用策略": segments.SEGMENT_STRATEGY[name]}
    for (r, f, m), name in segments.SEGMENT_RULES.items()
]).set_index("客群")

# %%
scored = segments.rfm_scores(view, bins=5)          # 给每位客户打 R/F/M 分并命名客群
sizes = scored["segment"].value_counts().reindex(list(segments.SEGMENTS), fill_value=0)
pd.DataFrame({"客户数": sizes, "占比": (sizes / sizes.sum()).map(viz.percent)})

# %% [markdown]
# ### 2. 客群画像热力图 · Segment profile heatmap
#
# 每一行是一个客群，每一列是一个指标；格子里的数字是该客群的平均值（金额单位：万元）。
# 颜色把每个平均值和**全体客户的平均**比：蓝 = 高于平均，橙 = 低于平均，白 = 差不多；
# 到平均的 2 倍（或一半）时颜色最深，所以很小的差别只显示为浅色。颜色不表示好坏：
# “最近交易距今(天)”偏蓝，意思是很久没来。客户数、占比和年龄只写数字，不上色。

# %%
PROFILE_COLS = ["recency_days", "frequency", "monetary", "balance_last", "product_usage_rate",
                "wealth_share", "mobile_share", "app_minutes_recent", "age"]
profile = segments.segment_profile(scored, "segment", PROFILE_COLS)
viz.profile_heatmap_figure(profile, population=view.attrs["population"])   # 标题 = 最突出的一格

# %% [markdown]
# **读图**：先看标题说的那一格，再逐行问：这个客群和平均客户比，哪里多、哪里少？
# 例如重要挽留客户金额不低（M 高），最近交易却距今很久（R 低）——这是最值得马上挽留的人。
#
# ### 3. 四份“高价值”名单，说的是同一群人吗？ · Four meanings of "high value"
#
# 行里常说的“高价值客户”其实有好几种算法：CLV 前 10%（第一讲的定义，**本课程说“高价值客户”只指这一种**）、
# 近一年交易金额前 20%（标签“高交易额”）、RFM 的“重要价值客户”、RFM 综合分前 20% 名单；
# 很多银行还按资产（这里用月末余额）来算 M。下表的每一格是**同时**在两份名单上的客户数，对角线是每份名单的人数。

# %%
overlap = segments.high_value_overlap(scored, bank.customers.set_index("customer_id")["clv"])
print(view.attrs["population"] + "；CLV 为银行当前估值")
hv = overlap.loc["clv_top10", "clv_top10"]
print(f"CLV 前 10% 的 {hv:,} 位高价值客户中，{overlap.loc['clv_top10', 'important_value'] / hv:.1%} 是“重要价值客户”，"
      f"{overlap.loc['clv_top10', 'balance_top20'] / hv:.1%} 在月末余额前 20% 里")
overlap.rename(index=segments.HIGH_VALUE_LISTS, columns=segments.HIGH_VALUE_LISTS)

# %% [markdown]
# 名单之间重叠得越少，混用“高价值”这个词就越危险：给“重要价值客户”配专属客户经理，并不等于照顾到了 CLV 最高的客户。
# 定名单时先说清用的是哪一种口径；交易金额只反映“流水”，余额（资产）更接近客户放在本行的钱。
#
# ### 4. 另一种做法：k-means 聚类 · Clustering alternative
#
# RFM 规则是人定的。**k-means 聚类 (clustering)** 让数据自己分组：先对重尾的 R、F、M 取对数、再标准化
# （否则金额的数字最大，会一个人说了算），然后分成 4 簇。两种分法一致吗？用交叉表和
# **调整兰德指数 (adjusted Rand index, ARI)** 比较：1 表示完全一致，0 表示和随机分组差不多。

# %%
clusters = segments.kmeans_segments(view[["recency_days", "frequency", "monetary"]], k=4, seed=SEED)
table, ari = segments.compare_segmentations(scored["segment"], clusters)
agreement = ("几乎没有对应关系，和随机分组差不多" if ari < 0.1 else
             "只有小部分一致：很多客户在两种分法里的归属对不上" if ari < 0.5 else
             "大体一致，但仍有不少客户归属不同" if ari < 0.8 else "高度一致")
print(f"调整兰德指数 ARI = {ari:.2f}：两种分法{agreement}")
display(table)
segments.segment_profile(view.assign(cluster=clusters), "cluster",
                         ["recency_days", "frequency", "monetary"]).round(1)

# %% [markdown]
# 看交叉表：每个簇主要由哪几个 RFM 客群组成？ARI 离 1 越远，两种分法的边界差得越多；
# 上面这个值说明两种分法**不能互相替代**：它们看客户的角度不同，谈不上“吻合”。规则分群**好解释、好执行**，
# 聚类**更贴合数据本身的结构**。实践中常用规则分群做日常运营，用聚类检查规则是否漏掉了某类客户。
#
# ## 六、基于客户画像的精准营销策略 · Precision marketing
#
# ### 1. 策略制定：产品推荐、活动策划、渠道选择 · Product, campaign and channel per segment
#
# 每个客群“卖什么、做什么活动、走什么渠道”，要能用数据讲出理由。下表的建议由透明的规则生成
# （见 `segments.segment_strategy` 的说明），“依据”一列就是数据给出的理由。

# %%
strategy = segments.segment_strategy(scored)            # 英文列名计算，显示时换成中文
strategy[["n", "product", "channel", "reason"]].rename(columns=segments.STRATEGY_LABELS_ZH).rename_axis("客群")

# %% [markdown]
# ### 2. 先合规，再营销 · Compliance before marketing
#
# 名单里的客户，并不是谁都能推、都能联系。银行做营销，先过三道关：
#
# 1. **适当性管理 (suitability)**：基金、理财、保险只能推给风险承受能力不低于产品风险等级的客户
#    （例如 R3 的基金不能推给 R1、R2 的客户）；
# 2. **授信预审 (credit pre-screen)**：贷款、信用卡先看客户能不能借——本课程用一条教学规则代替真实的征信审查，
#    规则见下面的输出；沉睡客户一律不推贷款；
# 3. **营销授权与频次 (consent & contact frequency)**：按《个人信息保护法》(PIPL)，只联系同意接收该渠道营销的客户；
#    每位客户每月的触达次数有上限；每条营销信息都要写明退订方式。
#
# 模拟器 (campaign simulator) 按这三道关自动筛掉不能联系的客户。下表是两个例子：
# 用电话外呼推基金、用短信推贷款，各客群还剩多少人可以联系。

# %%
aud = campaign.audience(scored)            # 每位客户：客群、风险承受能力、授信预审、各渠道授权
print("授信预审规则：" + campaign.CREDIT_RULE_ZH)
fund = campaign.exclusions(aud, "基金", "电话外呼")
loan = campaign.exclusions(aud, "贷款", "短信")
pd.DataFrame({                             # 英文列名计算（size, excluded_rule ...），这里换成中文显示
    "客群人数": fund["size"],
    "基金：风险承受能力不够": fund["excluded_rule"], "基金：未授权电话": fund["excluded_consent"],
    "基金：可电话联系": fund["eligible"],
    "贷款：未通过授信预审": loan["excluded_rule"], "贷款：未授权短信": loan["excluded_consent"],
    "贷款：可短信联系": loan["eligible"],
}).rename_axis("客群")

# %%
print(f"推 R3 基金：{fund['excluded_rule'].sum():,} 位客户的风险承受能力不够，被排除；"
      f"另有 {fund['excluded_consent'].sum():,} 位没有授权电话营销。")
print(f"推贷款：{loan['excluded_rule'].sum():,} 位客户没通过授信预审（含全部沉睡客户），被排除。")
print("频次上限（每位客户每月）：" + "，".join(f"{c} {n} 次" for c, n in campaign.CONTACT_CAP_PER_MONTH.items()))
too_often = {"一般保持客户": ("存款", "短信", "加息券", 2_000, 4)}        # 一个月发 4 条短信
for problem in campaign.compliance_problems(too_often, "存款加息券已到账，详询网点。"):
    print("合规检查：" + problem)

# %% [markdown]
# ### 3. 算一笔账：花同样的钱 · Equal spend, different targeting
#
# 渠道的成本差别很大：APP 推送几分钱一次，电话外呼几元一通，客户经理面访上百元一次。
# 比较两个方案，先把账算全：
#
# - **总成本 (total cost)** = 渠道启动成本 + 每次触达的成本 + 送出去的优惠（加息券、手续费减免）。
#   方案的**预算**管的就是这个总数，模拟器花到预算为止；
# - **增量收益 (incremental revenue)** = 因为这次活动才买的客户 × 每位客户的首年收益；贷款和信用卡还要扣掉**预期信用损失**
#   （违约概率 × 违约损失率 × 额度）；
# - **净收益 (net gain)** = 增量收益 − 总成本；**投资回报率 (return on investment, ROI)** = 净收益 ÷ 总成本。
#
# 模拟器的假设如下。各客群对各产品、渠道、优惠的**响应率是课程设定的隐藏数字**（模拟的“真实情况”），表里不列出——
# 就像真实的银行在做活动之前也不知道。

# %%
campaign.assumptions()

# %% [markdown]
# 两个方案花**同样多的钱**（按在网客户每人的预算算出总额，见下面的输出），产品和优惠都一样（理财 + 加息券），
# 只是钱投给谁、走什么渠道不同：
#
# - 方案 A“全员面访”：8 个客群平分预算，都派客户经理上门；
# - 方案 B“分层触达”：重要保持、重要挽留、重要发展客户打电话，剩下的钱给重要价值客户安排面访，一般客群不花钱。

# %%
BUDGET = round(L2_COMPARE_BUDGET_PER_CUSTOMER * len(aud), -3)      # 两个方案的总预算（元）
plan_a = campaign.spread({s: ("理财", "客户经理面访", "加息券") for s in segments.SEGMENTS}, aud, BUDGET, seed=SEED)
plan_b = campaign.allocate({                                        # 按顺序拨款，前面的客群先拿到够用的钱
    "重要保持客户": ("理财", "电话外呼", "加息券"),
    "重要挽留客户": ("理财", "电话外呼", "加息券"),
    "重要发展客户": ("理财", "电话外呼", "加息券"),
    "重要价值客户": ("理财", "客户经理面访", "加息券"),
}, aud, BUDGET, seed=SEED)
compare = campaign.compare_plans({"方案A 全员面访": plan_a, "方案B 分层触达": plan_b}, aud, seed=SEED)
print(f"总预算 {viz.money(BUDGET)}（每位在网客户 {L2_COMPARE_BUDGET_PER_CUSTOMER:g} 元）；实际总成本："
      + "，".join(f"{name} {viz.money(row['cost'])}" for name, row in compare.iterrows()))
viz.lecture2.plan_comparison_figure(compare, population=view.attrs["population"])

# %%
res_a = campaign.simulate_campaign(plan_a, aud, seed=SEED)
setup_a = sum(campaign.CHANNEL_SETUP_COST[cell[1]] for cell in plan_a.values())
print(f"方案 A：{len(plan_a)} 个客群各分到约 {viz.money(BUDGET / len(plan_a))}，其中启动成本共 {viz.money(setup_a)}"
      f"（占总成本 {viz.percent(setup_a / res_a.loc[campaign.TOTAL, 'cost'])}），"
      f"一共只上门 {res_a.loc[campaign.TOTAL, 'contacts']:,} 位客户")
viz.campaign_figure(res_a, population=view.attrs["population"])   # 方案 A 按客群拆开：哪些客群在亏钱

# %% [markdown]
# 方案 A 把钱撒在 8 个客群上：每个客群都要付一次启动成本（培训、资料、排班），剩下的钱只够上门寥寥几位客户；
# 对交易少、金额低的一般客群派客户经理上门，更是收不回成本。
# 方案 B 花同样多的钱，把贵的资源留给值得的人，便宜的电话用在重要客群——这就是**精准**。
# 注意 ROI 和净收益是两回事：只发 APP 推送的方案 ROI 可以很高，但赚到的钱很少；汇报时两个数都要给。
#
# ### 4. 模拟的数字是假设，真实效果要用对照组 · Measuring the real effect with a control group
#
# 模拟器里的响应率是**增量**响应：因为这次活动才买的客户。真实世界里，有些客户不联系也会买，
# 所以不能把“响应人数”直接当成活动效果。办法是**对照组 (control group)**：从可联系的客户里**随机**留出一部分
# （留出组 holdout）不联系，活动结束后比较两组的购买率，差值才是活动带来的增量。
# 留出多少人，要看想测出多小的提升：

# %%
BASE_RATE = 0.02          # 假设：不联系也会买理财的客户比例（对照组的自然购买率）
rows = {}
for seg, product, ch in (("重要价值客户", "理财", "客户经理面访"), ("重要保持客户", "理财", "电话外呼"),
                         ("一般发展客户", "信用卡", "短信")):
    n = aud.eligible(seg, product, ch)
    h = campaign.holdout_plan(n, share=0.10, base_rate=BASE_RATE)      # 随机留出 10% 不联系
    sim = campaign.simulate_campaign({seg: (product, ch, "无优惠", 1e9)}, aud, seed=SEED).loc[seg]
    rows[f"{seg} · {ch}推{product}"] = {
        "可联系人数": n, "对照组人数": h["n_control"],
        "模拟中的活动效果（增量响应率）": viz.percent(sim["response_rate"]),
        "能测出的最小提升": viz.percent(h["mde"]),
        "测得出来吗": "能" if sim["response_rate"] > h["mde"] else "不能：要大得多的样本",
    }
pd.DataFrame(rows).T

# %% [markdown]
# 表中“能测出的最小提升”按 95% 置信度、80% 把握计算（双样本比例检验的近似公式）：比它小的效果，这样的实验测不出来。
# 效果大的面访，几十人的对照组就测得出来；效果小的电话和短信，同样留出 10% 就测不出来——
# 要么把更多客户放进实验，要么接受“不知道有没有用”。第五讲会用对照组检验案例里“挽留率提升”这类数字。
#
# > **实战演练 · 小组讨论**：针对不同客户群体设计个性化营销方案。在[第二讲练习](../exercises/L2_exercises.ipynb)
# > 第 3 题里，你会用控件为 8 个客群逐个选择产品、渠道、优惠、每月次数和预算，并写一条营销文案；
# > 模拟器会给出可触达人数、响应、总成本、增量收益和投资回报率，并做合规检查。
#
# ## 七、常见问题与解决方案 · Common problems and fixes
#
# ### 1. 数据泄漏 (leakage)：用了截止日之后的数据 · Data leakage
#
# 如果 RFM 用了**全部**交易（包括截止日之后的），画像就“偷看了未来”：拿它去预测或评估活动，效果会虚高。

# %%
leaky = features.rfm(tx, tx["txn_date"].max() + pd.Timedelta(days=1))   # 错误：用了全部交易
right = features.rfm(tx, CUTOFF)                                         # 正确：只用截止日之前
both = right.join(leaky, how="inner", suffixes=("", "_泄漏"))
changed = (both["frequency"] != both["frequency_泄漏"]).mean()
print(f"{viz.percent(changed)} 的客户交易笔数被截止日之后的交易改变了；"
      f"另有 {len(leaky.index.difference(right.index)):,} 位客户只在截止日之后才有交易。")

# %% [markdown]
# **解决**：所有特征都按同一个截止日计算，只用 `txn_date < 截止日` 的数据；活动效果用截止日之后的数据评估。
#
# ### 2. 偏态 (skew)：金额的长尾巴 · Skew
#
# **偏度 (skewness)** 衡量分布有多“歪”：0 是对称，越大尾巴越长。

# %%
m = view.loc[view["monetary"] > 0, "monetary"]          # 近一年有交易的客户
print(f"交易金额偏度：原值 {m.skew():.1f} → 取对数后 {round(np.log(m).skew(), 1) + 0.0:.1f}")

# %% [markdown]
# **解决**：取对数或按分位数截尾（见第三节）；RFM 评分用**排名分位**，本身就不怕极端值。
#
# ### 3. 分群不稳定 · Unstable segments
#
# **分群不稳定 (unstable segments)**：同一位客户，这个季度是“重要价值”，下个季度变成“重要保持”，营销名单就会来回跳。
# 比较两个截止日（相隔一个季度）的客群：

# %%
previous = segments.rfm_scores(features.customer_view(bank, L2_PREVIOUS_CUTOFF), bins=5)
moves, stayed = segments.segment_stability(previous["segment"], scored["segment"])
both = previous.index.intersection(scored.index)          # 两个截止日都在网的客户
print(f"{L2_PREVIOUS_CUTOFF} 到 {CUTOFF}：{viz.percent(stayed)} 的客户留在原客群")
viz.segment_transition_figure(
    moves, stayed, first=L2_PREVIOUS_CUTOFF, second=CUTOFF,
    population=f"统计范围：{L2_PREVIOUS_CUTOFF} 和 {CUTOFF} 两个截止日都在网的客户（{len(both):,} 人）")

# %% [markdown]
# 对角线越深越稳定。**解决**：用更长的观察窗口（例如一年而不是一个月）算 F 和 M；
# 客群变化连续两期才调整营销名单；关注“迁移”本身——从重要价值掉到重要保持，正是挽留的信号。
#
# ### 4. 小客群 · Tiny segments
#
# **小客群 (tiny segments)**：人数太少的客群，活动效果测不准，单独做一套方案也不划算（每个渠道都有启动成本）。

# %%
share = scored["segment"].value_counts(normalize=True)
small = share[share < 0.05]
print("占比不足 5% 的客群：", "、".join(f"{s}（{v:.1%}）" for s, v in small.items()) or "无")
merged = segments.merge_small_segments(scored["segment"], min_share=0.05, into="其他")
merged.value_counts().to_frame("合并后客户数")

# %% [markdown]
# **解决**：把过小的客群并入“其他”或相近的客群；或减少评分档数（例如用三分位），让每个客群更大。
# 第二讲练习第 2 题要你按业务约束（客户经理的人手、客群的最小规模）选评分档数：档数变，客群大小就变。
#
# ## 小结 · Summary

# %%
from IPython.display import Markdown

from course_utils import coursemap

a_row, b_row = compare.iloc[0], compare.iloc[1]
Markdown("\n".join([
    "- 客户画像 = 四类数据（交易、账户、客户信息、互动）按截止日合成一客一行，再清洗、做特征、贴标签。",
    "- 预处理用一条 scikit-learn 流水线：不可能的值当缺失、中位数填补、截尾与对数、独热编码、标准化。",
    f"- RFM 五分位评分把 {len(scored):,} 位在网客户分成 8 个客群；热力图让客户经理一眼读懂各客群；"
    f"k-means 与规则分群的 ARI 只有 {ari:.2f}，它是检验规则的另一种视角，不是替代。",
    f"- 先合规：推 R3 基金要排除 {fund['excluded_rule'].sum():,} 位风险承受能力不够的客户，"
    f"推贷款要排除 {loan['excluded_rule'].sum():,} 位没通过授信预审的客户，只联系授权过的客户，文案带退订方式。",
    f"- 同样花约 {viz.money(compare['cost'].mean())}：全员面访净收益 {viz.money(a_row['profit'])}"
    f"（ROI {viz.percent(a_row['roi'])}），分层触达 {viz.money(b_row['profit'])}（ROI {viz.percent(b_row['roi'])}）。"
    "总成本包括启动、触达和优惠；模拟的响应率是假设，真实效果要用对照组测。",
    "- 四个常见问题：数据泄漏（只用截止日前的数据）、偏态（对数/截尾）、分群不稳定（长窗口、看迁移）、小客群（合并）。",
]))

# %% [markdown]
# ## 讨论题 · Discussion questions
#
# 1. 你的银行有哪些数据可以用来做客户画像？哪些数据散在不同系统里、很难按客户号合起来？
# 2. 标签“沉睡”对你的客户合适吗？信用卡客户和定期存款客户是否应该用不同的规则？
# 3. 重要挽留客户金额高但很久没来：你会先打电话、先发加息券，还是先查他在别家银行的情况？为什么？
# 4. 如果营销活动的投资回报率很高但净收益很小，你会怎样向领导汇报？
# 5. 你的银行怎样记录客户的营销授权和退订？一位客户一个月最多收到几条营销短信，谁在统计？
#
# **下一步**：打开[第二讲练习](../exercises/L2_exercises.ipynb)，亲手算 RFM、按业务约束选分群、设计合规的营销方案、
# 为一份新数据搭建预处理流水线。

# %%
Markdown("下一讲：" + coursemap.md_link("第三讲 基于AI的客户流失预警与挽留", "notebooks/L3_churn.ipynb"))
