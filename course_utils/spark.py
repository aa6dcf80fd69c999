"""The course's features and scores on Apache Spark (the optional appendix A1).

Spark twins of the pandas functions the lectures use, written as a data engineer
would: DataFrame code with built-in functions and window functions, no Python
row loops. Each mirrors its pandas twin's definitions exactly (cut-off handling,
day counts, on-books population, fills), so the results are equal -- ids, days
and counts exactly, money and ratios to floating-point rounding (the tests hold
them to 1e-9 relative; Spark and pandas add numbers in different orders).

=========================  ==========================================================
Spark                      pandas twin
=========================  ==========================================================
:func:`rfm_spark`          :func:`course_utils.features.rfm`
:func:`churn_features_spark` :func:`course_utils.churn.build_churn_table` (``FEATURES`` + ``churned``)
:func:`segments_spark`     :func:`course_utils.segments.rfm_scores` on
                           :func:`course_utils.features.customer_view` (Lecture 2), plus the
                           tags 高交易额 / 沉睡 / 年轻客群 of :mod:`course_utils.tags`
:func:`score_spark`        ``model.predict_proba(table[features])[:, 1]`` (Lecture 3 model)
=========================  ==========================================================

PySpark is imported inside the functions only: ``course_utils`` is imported in
the course ``.venv`` where PySpark is absent; these functions run in
``.venv-spark`` (``python3 course.py spark``, kernel "Python 3 (Spark 附录)").

A missing column raises the same bilingual ``ValueError`` as the pandas twin
(for RFM literally the same message).

Dates: every date column is a Spark ``DATE`` after :func:`read_bank` (Parquet
timestamps, dates or ISO text all work); the session time zone is UTC so a
timestamp never moves to another day.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Iterable, Mapping

from . import domain
from .errors import file_error

__all__ = ["get_session", "read_bank", "rfm_spark", "churn_features_spark", "segments_spark",
           "score_spark", "to_pandas", "DATE_COLUMNS", "SHUFFLE_PARTITIONS", "SPARK_TAGS"]

#: Shuffle partitions of :func:`get_session` (deterministic; AQE does not coalesce them).
SHUFFLE_PARTITIONS = 8

#: Date columns per table (what :func:`read_bank` turns into Spark ``DATE``).
DATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "customers": ("open_date", "churn_date"),
    "accounts": ("open_date", "close_date"),
    "balances": ("month",),
    "transactions": ("txn_date",),
    "products": ("launch_date",),
    "holdings": ("start_date", "end_date"),
    "messages": ("msg_date",),
    "outbound_calls": ("call_date",),
    "app_usage": ("week_start",),
    "web_visits": ("visit_date",),
    "survey": ("survey_date",),
    "retention_campaign": ("contact_date",),
    "journey_experiment": ("trigger_date", "push_date", "convert_date"),
}

#: Tags of the Lecture 2 tag system computed by :func:`segments_spark` (they need only the
#: RFM view and age): name -> rule, as in :data:`course_utils.tags.DEFAULT_TAG_RULES`.
SPARK_TAGS = ("高交易额", "沉睡", "年轻客群")

_LOG4J2 = """\
rootLogger.level = error
rootLogger.appenderRef.stdout.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
"""


# --------------------------------------------------------------------------
# session and data
# --------------------------------------------------------------------------
def _java_home() -> str | None:
    """JAVA_HOME of a Java 17+ (tools.spark_env's lookup), when the environment does not set one."""
    try:
        from tools.spark_env import find_java
    except ImportError:  # a copy of course_utils without the repo's tools/
        return None
    found = find_java()
    return found[0] if found else None


def get_session(master: str = "local[2]", app_name: str = "course-appendix-A1",
                shuffle_partitions: int = SHUFFLE_PARTITIONS, driver_memory: str | None = None,
                local_dir: str | os.PathLike | None = None, conf: Mapping[str, str] | None = None):
    """A SparkSession for the course: offline, quiet, deterministic.

    Parameters
    ----------
    master : str
        ``"local[2]"`` (default: this machine, 2 cores) or a cluster URL such as
        ``"spark://host:7077"``, ``"yarn"``, ``"k8s://https://host:6443"`` -- the rest of
        the code does not change.
    shuffle_partitions : int
        ``spark.sql.shuffle.partitions`` (default 8: a fixed number, not Spark's 200, and
        adaptive coalescing off, so every run splits the work the same way). On a cluster
        use about 2-3 x the total executor cores.
    driver_memory : str, optional
        e.g. ``"4g"``; only takes effect when this call starts the JVM.
    local_dir : path, optional
        Spark's scratch folder (shuffle files); default a new temporary folder.
    conf : mapping, optional
        Any further Spark settings.

    Local mode: Spark UI off, loopback only, log level ERROR, UTC session time zone,
    Arrow for ``toPandas``. Returns the (possibly already running) session.
    Example: ``spark = get_session()``; ``get_session("spark://10.0.0.5:7077", 64)``.
    """
    import warnings

    # PySpark 4.3 warns that pandas 3 is "not yet fully supported"; the course's tests check
    # every conversion the appendix uses (toPandas, mapInPandas) against pandas itself.
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ImportError(
            "这里没有 PySpark：Spark 附录要在内核「Python 3 (Spark 附录)」里运行，先运行 python3 course.py spark。\n"
            "PySpark is not installed here: the Spark appendix runs in the kernel \"Python 3 (Spark 附录)\"; "
            "run `python3 course.py spark` first.") from None

    if not os.environ.get("JAVA_HOME"):
        home = _java_home()
        if home:
            os.environ["JAVA_HOME"] = home
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    if local_dir:
        scratch = Path(local_dir)
    else:
        import atexit
        import shutil

        scratch = Path(tempfile.mkdtemp(prefix="course-spark-"))
        atexit.register(shutil.rmtree, scratch, True)  # shuffle files and logs go with the process
    scratch.mkdir(parents=True, exist_ok=True)
    log_conf = scratch / "log4j2.properties"
    log_conf.write_text(_LOG4J2, encoding="utf-8")
    os.environ.setdefault("SPARK_CONF_DIR", str(scratch))  # the driver JVM reads log4j2.properties here
    local = str(master).startswith("local")
    if local:
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    b = (SparkSession.builder.master(master).appName(app_name)
         .config("spark.ui.enabled", "false")
         .config("spark.ui.showConsoleProgress", "false")
         .config("spark.local.dir", str(scratch))
         .config("spark.sql.shuffle.partitions", str(int(shuffle_partitions)))
         .config("spark.sql.adaptive.coalescePartitions.enabled", "false")
         .config("spark.sql.session.timeZone", "UTC")
         .config("spark.sql.execution.arrow.pyspark.enabled", "true")
         .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{log_conf}")
         .config("spark.executor.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{log_conf}"))
    if local:
        b = b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
    if driver_memory:
        b = b.config("spark.driver.memory", str(driver_memory))
    for k, v in (conf or {}).items():
        b = b.config(k, str(v))
    from pyspark import SparkContext

    fresh = SparkContext._active_spark_context is None
    jvm_log = scratch / "jvm-stderr.log"
    if fresh:  # the JVM inherits fd 2: its start-up chatter goes to a log file, not the notebook
        saved, fh = os.dup(2), open(jvm_log, "ab")
        os.dup2(fh.fileno(), 2)
    try:
        spark = b.getOrCreate()
    except Exception as exc:
        tail = jvm_log.read_text(encoding="utf-8", errors="replace")[-3000:] if jvm_log.exists() else ""
        raise RuntimeError(
            "Spark 没能启动：请确认已运行 python3 course.py spark（它会准备 Java 17 和 PySpark）。\n"
            f"Spark could not start: run `python3 course.py spark` (it prepares Java 17 and PySpark).\n{tail}"
        ) from exc
    finally:
        if fresh:
            os.dup2(saved, 2)
            os.close(saved)
            fh.close()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _as_date_col(col, dtype):
    """A column as Spark DATE: timestamps and dates directly, text ISO ('' = none)."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import DateType, StringType

    if isinstance(dtype, DateType):
        return col
    if isinstance(dtype, StringType):
        text = F.trim(col)
        return (F.when(text == "", F.lit(None))
                .when(F.length(text) == 7, F.to_date(F.concat(text, F.lit("-01"))))  # YYYY-MM
                .otherwise(F.to_date(F.substring(text, 1, 10))))
    return F.to_date(col)


def _parquet_path(folder: Path, table: str) -> Path | None:
    for name in (f"{table}.parquet", table):
        p = folder / name
        if p.exists():
            return p
    return None


def read_bank(folder, tables: Iterable[str] | None = None, spark=None) -> dict:
    """The bank's Parquet tables as Spark DataFrames: ``{"customers": df, ...}``.

    ``folder`` holds one ``<table>.parquet`` per table (a file, or a folder of parts as
    Spark itself writes). ``tables`` default: every table found there. Date columns
    (:data:`DATE_COLUMNS`) become Spark ``DATE``. A missing table raises
    :class:`course_utils.errors.DataFileError` naming the file and the fix.
    Example: ``t = read_bank("datasets_parquet")``; ``t["transactions"].count()``.
    """
    spark = spark or get_session()
    folder = Path(folder)
    if tables is None:
        names = sorted({p.name.split(".")[0] for p in folder.glob("*.parquet")})
        if not names:
            raise file_error(folder, "文件夹里没有 Parquet 文件（*.parquet）",
                             "the folder holds no Parquet files (*.parquet)",
                             "python -m course_utils generate --format parquet --out <文件夹>",
                             "python -m course_utils generate --format parquet --out <folder>")
    else:
        names = [tables] if isinstance(tables, str) else list(tables)
    out = {}
    for t in names:
        path = _parquet_path(folder, t)
        if path is None:
            raise file_error(folder / f"{t}.parquet", "找不到这个 Parquet 文件", "the Parquet file is missing",
                             "python -m course_utils generate --format parquet --out <文件夹>",
                             "python -m course_utils generate --format parquet --out <folder>")
        df = spark.read.parquet(str(path))
        types = {f.name: f.dataType for f in df.schema.fields}
        for c in DATE_COLUMNS.get(t, ()):
            if c in types:
                df = df.withColumn(c, _as_date_col(df[c], types[c]))
        out[t] = df
    return out


def to_pandas(df, index: str | None = None):
    """``df.toPandas()`` with string ids as pandas ``str`` and an optional index (for comparisons)."""
    pdf = df.toPandas()
    for c in pdf.columns:
        if pdf[c].dtype == object and pdf[c].map(lambda v: v is None or isinstance(v, str)).all():
            pdf[c] = pdf[c].astype("str")
    return pdf.set_index(index) if index else pdf


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def _require(df, cols: Iterable[str], name: str) -> None:
    """The pandas twins' missing-column error (same text: one message for both engines)."""
    from .features import _require_columns

    _require_columns(df, list(cols), name)


def _day(value, name: str):
    """A cut-off as a Python ``date`` (the pandas parser: same errors for junk)."""
    return domain.as_date(value, name).date()


def _tables(bank) -> Mapping:
    if isinstance(bank, Mapping):
        return bank
    raise TypeError("需要 read_bank() 返回的表格字典 (expects the dict returned by read_bank())")


# --------------------------------------------------------------------------
# RFM (Lecture 2)
# --------------------------------------------------------------------------
def rfm_spark(transactions, as_of, customer_col: str = "customer_id", date_col: str = "txn_date",
              amount_col: str = "amount", window_days: int | None = None):
    """Recency, Frequency and Monetary per customer as of a cut-off, in Spark.

    Twin of :func:`course_utils.features.rfm`: rows dated **strictly before** ``as_of``
    (and on or after ``as_of - window_days`` days when given); ``recency_days`` (long) =
    days from the last transaction to ``as_of`` (1 = the day before), ``frequency``
    (long) = rows, ``monetary`` (double, CNY) = sum of amounts (missing = 0).
    Returns a Spark DataFrame ``customer_col, recency_days, frequency, monetary`` sorted
    by id. Missing column: the same ``ValueError`` as pandas.
    Example: ``rfm_spark(t["transactions"], "2024-04-01", window_days=365).show(3)``.
    """
    from pyspark.sql import functions as F

    _require(transactions, [customer_col, date_col, amount_col], "交易表 transactions")
    cut = _day(as_of, "as_of")
    if window_days is not None and (isinstance(window_days, bool) or not isinstance(window_days, int)
                                    or window_days <= 0):
        raise ValueError(f"window_days 应该是正整数（天数），现在是 {window_days!r}。\n"
                         f"window_days must be a positive int (days), got {window_days!r}.")
    d = F.to_date(F.col(date_col))
    keep = d < F.lit(cut)
    if window_days is not None:
        keep = keep & (d >= F.date_sub(F.lit(cut), int(window_days)))
    return (transactions.where(keep)
            .groupBy(customer_col)
            .agg(F.datediff(F.lit(cut), F.max(d)).cast("long").alias("recency_days"),
                 F.count(F.lit(1)).cast("long").alias("frequency"),
                 F.sum(F.coalesce(F.col(amount_col).cast("double"), F.lit(0.0))).alias("monetary"))
            .orderBy(customer_col))


# --------------------------------------------------------------------------
# the Lecture 3 churn feature table
# --------------------------------------------------------------------------
def _on_books_at_start(customers, cut):
    """Customers on the books when day ``cut`` begins: opened before it, not churned before it."""
    from pyspark.sql import functions as F

    return customers.where((F.col("open_date") < F.lit(cut))
                           & (F.col("churn_date").isNull() | (F.col("churn_date") >= F.lit(cut))))


def _month_age(month_col, cut):
    """Months between the cut-off's month and ``month_col`` (1 = the month before the cut-off)."""
    from pyspark.sql import functions as F

    return (F.lit(cut.year * 12 + cut.month - 1)
            - (F.year(month_col) * 12 + F.month(month_col) - 1))


def churn_features_spark(tables, cutoff, outcome_months: int = 6, lookback_months: int = 12):
    """The Lecture 3 churn table in Spark: ``customer_id``, :data:`course_utils.churn.FEATURES`, ``churned``.

    Twin of :func:`course_utils.churn.build_churn_table` (same population: on the
    books when the cut-off day begins; same definitions, units days / CNY / counts;
    same column order and dtypes: ``tenure_days`` and ``churned`` long, counts and
    ratios double, ``age`` / ``satisfaction`` as in the customers table). Missing
    optional tables give the same fills as pandas (NaN trends, 0 counts).
    ``tables`` is the dict of :func:`read_bank`. Sorted by ``customer_id``.
    Example: ``churn_features_spark(t, "2022-07-01").where("churned = 1").count()``.
    """
    import pandas as pd
    from pyspark.sql import functions as F

    from .churn import BALANCE_SMOOTHING_CNY, FEATURES

    tb = _tables(tables)
    for t in ("customers", "transactions"):
        if t not in tb:
            raise ValueError(f"缺少表 {t}：churn_features_spark 需要 customers 和 transactions。\n"
                             f"Table {t} is missing: churn_features_spark needs customers and transactions.")
    _require(tb["customers"], ["customer_id", "open_date", "churn_date", "age", "monthly_income",
                               "satisfaction"], "客户表 customers")
    _require(tb["transactions"], ["customer_id", "txn_date", "amount"], "交易表 transactions")
    cut_ts = domain.as_date(cutoff, "cutoff")
    cut = cut_ts.date()
    end = (cut_ts + pd.DateOffset(months=outcome_months)).date()
    look = (cut_ts - pd.DateOffset(months=lookback_months)).date()
    last3 = (cut_ts - pd.DateOffset(months=3)).date()

    cu = _on_books_at_start(tb["customers"], cut)
    out = cu.select(
        F.col("customer_id").cast("string").alias("customer_id"),
        F.datediff(F.lit(cut), F.col("open_date")).cast("long").alias("tenure_days"),
        F.col("age"), F.col("monthly_income").cast("double").alias("monthly_income"), F.col("satisfaction"),
        F.when((F.col("churn_date") >= F.lit(cut)) & (F.col("churn_date") < F.lit(end)), 1)
         .otherwise(0).cast("long").alias("churned"))

    # transactions: whole history (recency), observation window, last 3 months -- one pass
    t = tb["transactions"]
    d = F.to_date(F.col("txn_date"))
    amt = F.coalesce(F.col("amount").cast("double"), F.lit(0.0))
    in_window = d >= F.lit(look)
    txn = (t.where(d < F.lit(cut)).groupBy("customer_id")
           .agg(F.datediff(F.lit(cut), F.max(d)).alias("_recency"),
                F.count(F.when(in_window, 1)).cast("double").alias("frequency"),
                F.sum(F.when(in_window, amt)).alias("_monetary"),
                F.count(F.when(d >= F.lit(last3), 1)).cast("double").alias("_n_last3")))
    out = out.join(txn, "customer_id", "left")
    prev_months = float(max(lookback_months - 3, 1))
    freq = F.coalesce(F.col("frequency"), F.lit(0.0))
    n3 = F.coalesce(F.col("_n_last3"), F.lit(0.0))
    out = (out.withColumn("recency_days", F.coalesce(F.col("_recency").cast("double"),
                                                      F.least(F.col("tenure_days"), F.lit(3650)).cast("double")))
           .withColumn("frequency", freq)
           .withColumn("monetary", F.coalesce(F.col("_monetary"), F.lit(0.0)))
           .withColumn("txn_trend", (n3 + 1.0) / ((freq - n3) * 3.0 / prev_months + 1.0) - 1.0))

    # balances: last month-end (only if the month before the cut-off exists), trend 1 vs 4-6
    if "balances" in tb:
        b = tb["balances"]
        b = b.withColumn("_age", _month_age(F.col("month"), cut)).where(F.col("_age").between(1, 6))
        val = F.col("balance").cast("double")
        bal = (b.groupBy("customer_id")
               .agg(F.min_by(val, F.when(val.isNotNull(), F.col("_age"))).alias("_last"),
                    F.max((F.col("_age") == 1).cast("int")).alias("_has1"),
                    F.avg(F.when(F.col("_age") == 1, val)).alias("_recent"),
                    F.avg(F.when(F.col("_age").between(4, 6), val)).alias("_ref")))
        s = float(BALANCE_SMOOTHING_CNY)
        ref = F.col("_ref") + s
        bal = bal.select(
            "customer_id",
            F.when(F.col("_has1") == 1, F.col("_last")).alias("balance_last"),
            ((F.col("_recent") + s) / F.when(ref > 0, ref) - 1.0).alias("balance_trend"))
        out = out.join(bal, "customer_id", "left")
    else:
        out = out.withColumn("balance_last", F.lit(None).cast("double")) \
                 .withColumn("balance_trend", F.lit(None).cast("double"))

    # products: holdings started before the cut-off + accounts open at the cut-off
    counts = []
    if "holdings" in tb:
        counts.append(tb["holdings"].where(F.col("start_date") < F.lit(cut)).select("customer_id"))
    if "accounts" in tb:
        a = tb["accounts"]
        counts.append(a.where((F.col("open_date") < F.lit(cut))
                              & (F.col("close_date").isNull() | (F.col("close_date") >= F.lit(cut))))
                      .select("customer_id"))
    if counts:
        rows = counts[0]
        for more in counts[1:]:
            rows = rows.unionByName(more)
        out = out.join(rows.groupBy("customer_id").agg(F.count(F.lit(1)).cast("double").alias("product_count")),
                       "customer_id", "left")
    else:
        out = out.withColumn("product_count", F.lit(None).cast("double"))

    # complaints in the observation window
    if "messages" in tb:
        m = tb["messages"]
        neg = (F.col("intent") == "投诉") | (F.col("sentiment") == "负面")
        comp = (m.where(F.coalesce(neg, F.lit(False)) & (F.col("msg_date") < F.lit(cut))
                        & (F.col("msg_date") >= F.lit(look)))
                .groupBy("customer_id").agg(F.count(F.lit(1)).cast("double").alias("complaints")))
        out = out.join(comp, "customer_id", "left")
    else:
        out = out.withColumn("complaints", F.lit(None).cast("double"))

    # weekly app minutes: last 4 weeks vs the 4 before, only where the data covers 8 weeks
    trend = F.lit(None).cast("double")
    if "app_usage" in tb:
        u = tb["app_usage"]
        first = u.agg(F.min("week_start")).collect()[0][0]
        if first is not None and first <= (cut_ts - pd.Timedelta(weeks=8)).date():
            wk, mins = F.col("week_start"), F.col("minutes").cast("double")
            a_lo, a_hi = (cut_ts - pd.Timedelta(weeks=4, days=6)).date(), (cut_ts - pd.Timedelta(days=6)).date()
            p_lo = (cut_ts - pd.Timedelta(weeks=8, days=6)).date()
            app = (u.where((wk >= F.lit(p_lo)) & (wk < F.lit(a_hi))).groupBy("customer_id")
                   .agg(F.avg(F.when(wk >= F.lit(a_lo), mins)).alias("_m_a"),
                        F.avg(F.when(wk < F.lit(a_lo), mins)).alias("_m_p")))
            out = out.join(app, "customer_id", "left")
            trend = (F.col("_m_a") + 1.0) / (F.col("_m_p") + 1.0) - 1.0
    out = out.withColumn("app_minutes_trend", trend)
    for c in ("product_count", "complaints"):
        out = out.withColumn(c, F.coalesce(F.col(c), F.lit(0.0)))
    return out.select("customer_id", *FEATURES, "churned").orderBy("customer_id")


# --------------------------------------------------------------------------
# Lecture 2 segments and tags
# --------------------------------------------------------------------------
def _rank_columns(df, col: str, descending: bool):
    """Average rank (pandas ``rank(method="average")``) and max rank of ``col``, by window functions.

    Counts per distinct value, then a running sum over the sorted distinct values: the
    rows of one value share ranks ``before + 1 .. before + n``; their average rank is
    ``before + (n + 1) / 2`` and their max rank ``before + n``. Only the distinct values
    go through the one ordered window (few for days and counts).
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    order = F.col(col).desc() if descending else F.col(col).asc()
    w = Window.orderBy(order).rowsBetween(Window.unboundedPreceding, Window.currentRow)
    ranks = (df.groupBy(col).agg(F.count(F.lit(1)).alias("_n"))
             .withColumn("_upto", F.sum("_n").over(w))
             .select(col, ((F.col("_upto") - F.col("_n")) + (F.col("_n") + 1) / 2.0).alias(f"_avg_{col}"),
                     F.col("_upto").cast("double").alias(f"_max_{col}")))
    return df.join(ranks, col, "left")


def segments_spark(tables, as_of, bins: int = 5, weights=(1.0, 1.0, 1.0), rfm_window_days: int = 365):
    """Lecture 2 RFM scores, the 8 segments and three tags, in Spark.

    Twin of ``segments.rfm_scores(features.customer_view(bank, as_of), bins)``: the
    customers on the books when ``as_of`` begins; ``recency_days`` from the whole history
    (tenure when never), ``frequency`` / ``monetary`` from the last ``rfm_window_days``;
    scores 1..bins by rank-based quantiles ``ceil(avg_rank * bins / n - 1e-9)`` (ties share
    a score; a constant column gets the middle score), ``rfm_score`` the weighted mean,
    ``segment`` / ``segment_key`` by the 8-segment rule (high = score > (bins+1)/2).
    Tags (booleans, :data:`SPARK_TAGS`): 高交易额 = monetary in the top 20 % (max rank) and
    > 0, 沉睡 = recency > :data:`course_utils.domain.DORMANT_AFTER_DAYS`, 年轻客群 = age < 30.
    Returns a Spark DataFrame sorted by ``customer_id``.
    Example: ``segments_spark(t, "2024-04-01").groupBy("segment").count().show()``.
    """
    import numpy as np
    from pyspark.sql import functions as F

    from .segments import SEGMENT_RULES, _check_bins

    tb = _tables(tables)
    _require(tb["customers"], ["customer_id", "open_date", "churn_date", "age"], "客户表 customers")
    bins = _check_bins(bins)
    w = np.asarray(list(weights), dtype="float64")
    if w.shape != (3,) or not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        raise ValueError(f"weights 应该是 3 个非负数 (R, F, M 的权重)，且不能全为 0，现在是 {weights!r}。\n"
                         f"weights must be three non-negative numbers, not all zero; got {weights!r}.")
    w = w / w.sum()
    cut = _day(as_of, "as_of")
    cu = _on_books_at_start(tb["customers"], cut).select(
        F.col("customer_id").cast("string").alias("customer_id"), "age",
        F.datediff(F.lit(cut), F.col("open_date")).alias("_tenure"))
    whole = rfm_spark(tb["transactions"], cut).select("customer_id", F.col("recency_days").alias("_r"))
    year = rfm_spark(tb["transactions"], cut, window_days=rfm_window_days).drop("recency_days")
    v = (cu.join(whole, "customer_id", "left").join(year, "customer_id", "left")
         .select("customer_id", "age",
                 F.coalesce("_r", "_tenure").cast("long").alias("recency_days"),
                 F.coalesce("frequency", F.lit(0)).cast("long").alias("frequency"),
                 F.coalesce("monetary", F.lit(0.0)).alias("monetary")))
    n = v.count()
    stats = v.agg(*[F.countDistinct(c).alias(c) for c in ("recency_days", "frequency", "monetary")]).collect()[0]
    mid = (bins + 1) // 2
    for col, desc, score in (("recency_days", True, "R_score"), ("frequency", False, "F_score"),
                             ("monetary", False, "M_score")):
        v = _rank_columns(v, col, desc)
        if stats[col] <= 1:
            v = v.withColumn(score, F.lit(mid).cast("long"))
        else:
            raw = F.ceil(F.col(f"_avg_{col}") * float(bins) / float(n) - 1e-9)
            v = v.withColumn(score, F.least(F.greatest(raw, F.lit(1)), F.lit(bins)).cast("long"))
    half = (bins + 1) / 2
    code = ((F.col("R_score") > half).cast("int") * 4 + (F.col("F_score") > half).cast("int") * 2
            + (F.col("M_score") > half).cast("int"))
    seg = F.lit(None).cast("string")
    key = F.lit(None).cast("string")
    for (r, f, m), name in SEGMENT_RULES.items():
        k = int(r) * 4 + int(f) * 2 + int(m)
        seg = F.when(code == k, F.lit(name)).otherwise(seg)
        key = F.when(code == k, F.lit(domain.segment_key(name))).otherwise(key)
    v = (v.withColumn("rfm_score", (F.col("R_score") * float(w[0]) + F.col("F_score") * float(w[1]))
                      + F.col("M_score") * float(w[2]))
         .withColumn("segment", seg).withColumn("segment_key", key)
         .withColumn("高交易额", (F.col("_max_monetary") / float(n) > 1 - 0.20) & (F.col("monetary") > 0))
         .withColumn("沉睡", F.col("recency_days") > domain.DORMANT_AFTER_DAYS)
         .withColumn("年轻客群", F.coalesce(F.col("age") < 30, F.lit(False))))
    return v.select("customer_id", "recency_days", "frequency", "monetary", "R_score", "F_score", "M_score",
                    "rfm_score", "segment", "segment_key", *SPARK_TAGS).orderBy("customer_id")


# --------------------------------------------------------------------------
# scoring with the Lecture 3 model
# --------------------------------------------------------------------------
def score_spark(features, model, feature_cols: Iterable[str], id_col: str = "customer_id",
                score_col: str = "churn_score"):
    """Churn probability for every row of a Spark feature table, with a fitted scikit-learn model.

    The fitted pipeline (e.g. Lecture 3's ``make_churn_model("forest", F)``) is shipped to
    the executors once (pickled into the task) and applied with ``mapInPandas``: Arrow
    batches of rows become pandas frames and ``model.predict_proba(batch[feature_cols])[:, 1]``
    scores a whole batch at once -- the very model of the lecture, vectorised, no Python
    row loop. Returns a Spark DataFrame ``id_col, score_col`` (double, 0-1).
    Missing feature columns: the same bilingual ``ValueError`` as the pandas helpers.
    Example: ``score_spark(table, forest, F).orderBy(F.desc("churn_score")).show(5)``.
    """
    from pyspark.sql.types import DoubleType, StructField, StructType

    cols = list(feature_cols)
    _require(features, [id_col, *cols], "特征表 features")
    if not hasattr(model, "predict_proba"):
        raise ValueError(f"model 应该是已训练的 scikit-learn 模型（有 predict_proba），现在是 {type(model).__name__}。\n"
                         f"model must be a fitted scikit-learn classifier with predict_proba, got "
                         f"{type(model).__name__}.")
    id_field = features.schema[id_col]
    schema = StructType([StructField(id_col, id_field.dataType, id_field.nullable),
                         StructField(score_col, DoubleType(), False)])

    def predict(batches):
        import pandas as pd

        for pdf in batches:
            if len(pdf) == 0:
                continue
            p = model.predict_proba(pdf[cols])[:, 1]
            yield pd.DataFrame({id_col: pdf[id_col].to_numpy(), score_col: p.astype("float64")})

    return features.select(id_col, *cols).mapInPandas(predict, schema)
