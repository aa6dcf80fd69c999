# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (Spark 附录)
#     language: python
#     name: course-spark
# ---

# %% [markdown]
# # 附录一 同样的特征和评分，放到 Spark 上 · Appendix: the same features and scores on Apache Spark
#
# **为什么有这个附录**：课上的虚拟银行只有几千位客户，pandas 在笔记本电脑上几秒钟就算完。
# 真实的银行有上千万客户、几十亿笔交易，数据放在数据仓库 (data warehouse) 里，
# 数据工程师通常用 **Apache Spark** 来算。这个附录说明：第二讲的 RFM 和客群、第三讲的流失特征表和预警模型，
# 换到 Spark 上**定义一模一样、结果一模一样**，而且同一段代码不改就能从一台电脑搬到集群 (cluster) 上。
#
# **学习目标 (learning objectives)**
#
# 1. 知道 Spark 解决什么问题：数据大到一台机器的内存放不下时，把数据分成分区 (partition) 并行计算；
# 2. 读懂用 Spark DataFrame 写的 RFM、流失特征和客群代码（内置函数与窗口函数 (window function)，不用 Python 循环）；
# 3. 亲手核对 Spark 与 pandas 的结果逐项相等（客户编号、天数、笔数完全相同，金额到小数点后很多位相同）；
# 4. 用第三讲训练好的模型给每一位客户打分，并说清为什么选 pandas UDF 而不是重新用 Spark ML 训练；
# 5. 知道换到集群上只改哪两处：主节点地址 (master URL) 和分区数。
#
# **预计时间**：选学材料，约 30 分钟，不占两天的课表。适合数据分析师和 IT 同事课后自学。
#
# **怎么打开**：在课程文件夹里运行 `python3 course.py spark`。第一次会自动准备一个单独的环境 `.venv-spark`
# （PySpark 和 Java 17，学员的课程环境不受影响），然后用内核 (kernel)「Python 3 (Spark 附录)」打开本笔记本。

# %% tags=["parameters"]
# 参数 (parameters)：讲师可以换随机种子或数据规模；MASTER 和分区数决定 Spark 在哪里、分几份来算
from course_utils.config import DEFAULT_CUSTOMERS, DEFAULT_SEED

SEED = DEFAULT_SEED
N_CUSTOMERS = DEFAULT_CUSTOMERS
MASTER = "local[2]"            # 本机 2 个核；集群上换成 "spark://主机:7077"、"yarn" 等
SHUFFLE_PARTITIONS = 8         # 分组汇总后分成几份（集群上约为总核数的 2~3 倍）

# %%
# Spark 内核检查：本附录需要内核「Python 3 (Spark 附录)」（python3 course.py spark 会准备好）
try:
    import pyspark  # noqa: F401
except ImportError:
    class SparkKernelError(Exception):
        def _render_traceback_(self):
            return str(self).splitlines()
    raise SparkKernelError(
        "这个附录需要 Spark 内核「Python 3 (Spark 附录)」，当前内核里没有 PySpark。\n"
        "怎么办：在课程文件夹里运行 python3 course.py spark（第一次会安装 PySpark 和 Java），\n"
        "或者用菜单 Kernel → Change Kernel… 选择「Python 3 (Spark 附录)」，然后从头运行。\n"
        "This appendix needs the kernel \"Python 3 (Spark 附录)\": run `python3 course.py spark`,\n"
        "or choose that kernel (Kernel → Change Kernel…), then run the notebook again.") from None

import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import display
from pyspark.sql import Window
from pyspark.sql import functions as F

from course_utils import churn_models, features, segments
from course_utils import spark as cs
from course_utils.churn import FEATURES, build_churn_table
from course_utils.config import L2_CUTOFF, L3_TEST_CUTOFF, L3_TRAIN_CUTOFF
from course_utils.data import get_bank

pd.set_option("display.max_columns", 20)
bank = get_bank(seed=SEED, n_customers=N_CUSTOMERS)        # pandas 版的银行数据（和各讲相同）
print(f"客户 {len(bank.customers):,} 位，交易 {len(bank.transactions):,} 笔")

# %% [markdown]
# ## 一、Spark 解决什么问题 · What Spark is for
#
# pandas 把整张表放进**一台机器的内存**里计算。一千万客户、每人每年几十笔交易，就是几亿行：
# 只读进内存就要几十 GB，一台笔记本电脑放不下。
#
# Spark 的做法：
#
# - 数据按行切成很多**分区 (partition)**，每个分区交给一个**执行器 (executor)** 的一个核去算；
#   机器不够就加机器，代码不用改；
# - 写法和 pandas 很像：`where` 筛选、`groupBy().agg()` 分组汇总、`join` 连接、**窗口函数 (window function)** 排名；
# - **惰性计算 (lazy evaluation)**：写下的每一步只是“计划”，到需要结果（`show`、`count`、`toPandas`）时，
#   Spark 才把整段计划优化后一次算完。
#
# 本附录用**本地模式 (local mode)**：Spark 在这台电脑上用 2 个核模拟一个小集群，不联网。

# %% [markdown]
# ## 二、把数据存成 Parquet · The bank as Parquet files
#
# CSV 适合用 Excel 打开，但大数据通常存成 **Parquet**：按列存储、带数据类型、压缩，
# Spark 只读需要的列。课程的数据生成器在 10 万客户以上默认就写 Parquet
# （`python -m course_utils generate --format parquet`）；这里把课上的银行数据各表另存一份 Parquet。

# %%
parquet_dir = Path(tempfile.mkdtemp(prefix="bank_parquet_"))     # 临时文件夹，不动课程数据
for name, table in bank.tables.items():
    table.to_parquet(parquet_dir / f"{name}.parquet", index=False)

sizes = pd.DataFrame({
    "表": list(bank.tables),
    "行数": [len(t) for t in bank.tables.values()],
    "Parquet (KB)": [round((parquet_dir / f"{n}.parquet").stat().st_size / 1024) for n in bank.tables],
})
sizes.head(6)

# %% [markdown]
# 启动 Spark：`cs.get_session()` 用课程的固定设置——本地 2 个核、关闭网页界面 (Spark UI)、
# 固定的分区数（每次运行分法相同）、只显示错误日志。然后用 `cs.read_bank()` 读进所有表：
# 每张表成为一个 **Spark DataFrame**（分布在各分区上的表），日期列统一成日期类型。

# %%
t0 = time.monotonic()
spark = cs.get_session(MASTER, shuffle_partitions=SHUFFLE_PARTITIONS)
t = cs.read_bank(parquet_dir)                                   # {"customers": Spark DataFrame, ...}
print(f"Spark {spark.version}，主节点 (master) {spark.sparkContext.master}，"
      f"启动用时约 {time.monotonic() - t0:.0f} 秒")
t["transactions"].printSchema()

# %% [markdown]
# ## 三、RFM：筛选 + 分组汇总 · RFM in Spark
#
# 第二讲的 RFM 定义：只用截止日**之前**的交易；R = 最近一次交易距截止日的天数，F = 笔数，M = 金额合计。
# 用 Spark 写出来就是一次筛选、一次分组汇总——和 SQL 几乎一样：

# %%
cut = L2_CUTOFF
tx = t["transactions"]
rfm_by_hand = (
    tx.where(F.col("txn_date") < F.lit(cut))                     # 只用截止日之前的交易（不泄漏）
      .groupBy("customer_id")
      .agg(F.datediff(F.lit(cut), F.max("txn_date")).alias("recency_days"),   # R：天数
           F.count("*").alias("frequency"),                                   # F：笔数
           F.round(F.sum("amount"), 2).alias("monetary"))                     # M：金额（元）
)
rfm_by_hand.orderBy("customer_id").show(5)

# %% [markdown]
# 课程函数 `cs.rfm_spark()` 就是这几行，再加上和 pandas 版 `features.rfm()` 相同的参数
# （`window_days` 只看最近多少天）和相同的错误提示。**到这里 Spark 还什么都没算**：
# `show(5)` 才触发计算。`explain()` 能看到 Spark 优化后的执行计划 (physical plan)，例如先在每个分区里部分汇总，
# 再按客户编号交换数据 (Exchange / shuffle) 合并——这正是能扩展到集群的原因。

# %%
rfm_year = cs.rfm_spark(tx, cut, window_days=365)
rfm_year.explain(mode="simple")

# %% [markdown]
# **窗口函数 (window function)**：不把行合并，而是在“窗口”（例如同一城市的客户）里排名、累计。
# 比如每个城市近一年交易金额最高的前 2 位客户——数据工程师常用它做排名、去重和取最新一条记录：

# %%
by_city = Window.partitionBy("city").orderBy(F.desc("monetary"), F.asc("customer_id"))
top_by_city = (rfm_year.join(t["customers"].select("customer_id", "city"), "customer_id")
               .withColumn("城市内排名", F.row_number().over(by_city))
               .where(F.col("城市内排名") <= 2)
               .orderBy("city", "城市内排名"))
top_by_city.toPandas().head(8)

# %% [markdown]
# ## 四、第三讲的流失特征表 · The Lecture 3 churn table in Spark
#
# `cs.churn_features_spark()` 按第三讲的口径构建一客一行的特征表：截止日开始时仍在网的客户；
# 特征只用截止日之前的数据（观察期 12 个月），标签 `churned` 是截止日起 6 个月内是否流失。
# 交易、余额、产品、投诉、APP 使用各做一次分组汇总，再按客户编号连接 (join)。

# %%
churn_sdf = cs.churn_features_spark(t, L3_TEST_CUTOFF)
churn_spark = cs.to_pandas(churn_sdf)
print(f"截止日 {L3_TEST_CUTOFF}：在网客户 {len(churn_spark):,} 位，"
      f"之后 6 个月流失 {int(churn_spark['churned'].sum()):,} 位（{churn_spark['churned'].mean():.1%}）")
churn_spark.head(5)

# %% [markdown]
# ## 五、第二讲的客群与标签 · Lecture 2 segments and tags
#
# `cs.segments_spark()` 复现第二讲的 RFM 打分：在网客户按 R/F/M 各自排名分成 5 档（并列的值同档），
# 再按“高/低”组合成 8 个客群；同时给出三个标签：高交易额（金额前 20%）、沉睡（180 天以上无交易）、年轻客群（30 岁以下）。
# 排名用的正是窗口函数：先数出每个取值有多少位客户，再沿排好序的取值做**累计求和**，得到并列时的平均名次。

# %%
seg_sdf = cs.segments_spark(t, L2_CUTOFF)
seg_counts = (seg_sdf.groupBy("segment").agg(F.count("*").alias("客户数"),
                                             F.round(F.avg("monetary"), 0).alias("近一年平均交易额（元）"))
              .orderBy(F.desc("客户数")).toPandas().rename(columns={"segment": "客群"}))
seg_counts

# %% [markdown]
# ## 六、和 pandas 对一对 · Spark equals pandas
#
# 用各讲里的 pandas 函数在同一份数据上再算一遍，逐项核对：客户编号和顺序、天数、笔数、档位、客群必须**完全相同**；
# 金额和比值允许 1e-9 的相对误差（两边加法的先后顺序不同，浮点数最后几位可能不同）。

# %%
REL_TOL = 1e-9


def compare(name, spark_df, pandas_df, exact, money):
    """一项核对：行数、客户编号、完全相同的列、金额列的最大相对差。"""
    s, p = spark_df.sort_index(), pandas_df.sort_index()
    same_ids = s.index.astype(str).tolist() == p.index.astype(str).tolist()
    exact_ok = same_ids and all(s[c].astype(str).tolist() == p[c].astype(str).tolist() for c in exact)
    worst = 0.0
    if same_ids:
        for c in money:
            a, b = s[c].to_numpy(float), p[c].to_numpy(float)
            if not (np.isnan(a) == np.isnan(b)).all():
                worst = np.inf
                continue
            ok = ~np.isnan(b)
            worst = max(worst, float(np.max(np.abs(a[ok] - b[ok]) / np.maximum(np.abs(b[ok]), 1.0), initial=0.0)))
    passed = exact_ok and worst <= REL_TOL
    return {"核对项": name, "pandas 行数": len(p), "Spark 行数": len(s), "客户编号一致": "是" if same_ids else "否",
            "完全相同的列": len(exact), "金额/比值最大相对差": f"{worst:.1e}", "结果": "✓ 相同" if passed else "✗ 不同"}


rfm_pd = features.rfm(bank.transactions, cut, window_days=365)
churn_pd = build_churn_table(bank, L3_TEST_CUTOFF).set_index("customer_id")
view = features.customer_view(bank, L2_CUTOFF)
seg_pd = segments.rfm_scores(view, bins=5).join(features.add_tags(view)[list(cs.SPARK_TAGS)])
seg_spark = cs.to_pandas(seg_sdf, index="customer_id")
checks = pd.DataFrame([
    compare("RFM（近一年）", cs.to_pandas(rfm_year, index="customer_id"), rfm_pd,
            ["recency_days", "frequency"], ["monetary"]),
    compare("流失特征表（第三讲）", churn_spark.set_index("customer_id"), churn_pd,
            ["tenure_days", "age", "satisfaction", "recency_days", "frequency", "product_count", "complaints",
             "churned"],
            ["monthly_income", "monetary", "txn_trend", "balance_last", "balance_trend", "app_minutes_trend"]),
    compare("RFM 打分与客群（第二讲）", seg_spark, seg_pd,
            ["R_score", "F_score", "M_score", "segment", "segment_key", *cs.SPARK_TAGS], ["rfm_score"]),
])
checks

# %% [markdown]
# ## 七、给每一位客户打分 · Scoring every customer with the Lecture 3 model
#
# 先像第三讲那样，用 pandas 在训练截止日的特征表上训练随机森林 (random forest)；
# 再让 Spark 给测试截止日在网的**每一位客户**算流失概率。
#
# **为什么用 pandas UDF，而不是 Spark ML 重新训练？**
#
# - 第三讲的模型是一个 scikit-learn 流水线 (pipeline：缺失值填补 + 随机森林)，业务部门已经按它的分数设了联系预算和阈值。
#   用 Spark ML 重新训练，会得到**另一个模型**（树的分法、填补方式都不同），分数和名单都会变，需要重新评估和审批；
# - pandas UDF（这里用 `mapInPandas`）把**同一个训练好的模型**发到每个执行器，按批（每批上万行，经 Arrow 传递）
#   整批调用 `predict_proba`——不是一行一行的 Python 循环；结果与 pandas 上逐位相同；
# - 需要在 Spark 上**训练**（例如几亿行样本）时，再考虑 Spark ML 的 `RandomForestClassifier`。

# %%
train = build_churn_table(bank, L3_TRAIN_CUTOFF)
test_pd = churn_pd.reset_index()
F_USED = [f for f in FEATURES if train[f].notna().any() and test_pd[f].notna().any()]   # 两张表都有数据的特征
forest = churn_models.make_churn_model("forest", F_USED, random_state=0, n_estimators=100)
forest.fit(train[F_USED], train["churned"])

scores_sdf = cs.score_spark(churn_sdf, forest, F_USED)            # Spark：每位客户一个流失概率
scores = cs.to_pandas(scores_sdf, index="customer_id").sort_index()
expected = pd.Series(forest.predict_proba(test_pd[F_USED])[:, 1], index=test_pd["customer_id"]).sort_index()
max_diff = float(np.abs(scores["churn_score"].to_numpy() - expected.to_numpy()).max())
print(f"Spark 打分 {len(scores):,} 位客户；与 pandas 上同一模型的分数最大差 {max_diff:.1e}")
top = scores.join(churn_pd[["churned"]]).sort_values("churn_score", ascending=False).head(10)
top.rename(columns={"churn_score": "流失概率", "churned": "之后 6 个月是否流失"})

# %% [markdown]
# ## 八、同样的代码搬到集群 · The same code on a cluster
#
# 上面每一行 Spark 代码都不知道自己跑在哪里。换到银行的集群上，只改两处：
#
# 1. **主节点地址 (master URL)**：`cs.get_session("spark://10.0.0.5:7077")`、`"yarn"`（Hadoop 集群）、
#    `"k8s://https://…"`（Kubernetes）；或者由运维用 `spark-submit --master …` 提交，代码里不写；
# 2. **分区数**：`shuffle_partitions` 设为集群总核数的 2~3 倍；数据路径换成 HDFS / 对象存储上的 Parquet
#    （`cs.read_bank("hdfs://…/bank/")`）。
#
# 下面换一个分区数重新算一遍 RFM：分法变了，结果不变。

# %%
now = {"master": spark.sparkContext.master,
       "默认并行度 (defaultParallelism)": spark.sparkContext.defaultParallelism,
       "交易表分区数": tx.rdd.getNumPartitions(),
       "分组后分区数 (shuffle partitions)": spark.conf.get("spark.sql.shuffle.partitions")}
spark.conf.set("spark.sql.shuffle.partitions", "3")
rfm_3 = cs.to_pandas(cs.rfm_spark(tx, cut, window_days=365), index="customer_id")
spark.conf.set("spark.sql.shuffle.partitions", str(SHUFFLE_PARTITIONS))
same = rfm_3.index.equals(rfm_pd.index) and (rfm_3[["recency_days", "frequency"]] == rfm_pd[["recency_days", "frequency"]]).all().all()
display(pd.Series(now, name="当前设置").to_frame())
print("分成 3 份重算 RFM：客户、天数、笔数与 pandas", "完全相同 ✓" if same else "不同 ✗")

# %%
spark.stop()                                   # 用完关闭 Spark（释放内存和临时文件）
shutil.rmtree(parquet_dir, ignore_errors=True)  # 删除本附录写的临时 Parquet 副本

# %% [markdown]
# ## 小结 · Summary
#
# - 第二讲的 RFM、客群和标签，第三讲的流失特征表和预警模型，在 Spark 上口径不变、结果逐项相同（见第六节的核对表）；
# - Spark 代码由筛选、分组汇总、连接和窗口函数组成，没有逐行的 Python 循环，所以能按分区并行、扩展到集群；
# - 打分用 pandas UDF 调用第三讲**同一个**模型：分数不变，业务规则（预算、阈值）不用重新审批；
# - 上集群只改主节点地址和分区数。本机上 pandas 与 Spark 的速度和内存对比见 `benchmarks/results/spark.md`。
#
# ## 讨论题 · Discussion questions
#
# 1. 你行的客户数和交易笔数大约是多少？按每位客户每年 40 笔交易估算，pandas 需要多大内存？什么时候值得上 Spark？
# 2. 如果数据团队坚持在 Spark ML 上重新训练模型，需要重新核对哪些东西（分数分布、名单重合度、预算内的提升度）？
# 3. 第六节的核对表为什么对天数、笔数要求“完全相同”，而对金额只要求“相对误差很小”？
