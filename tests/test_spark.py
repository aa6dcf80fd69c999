"""The Spark appendix: course_utils.spark equals its pandas twins, and notebook A1 runs.

Spark lives in its own venv (``.venv-spark``, :mod:`tools.spark_env`); this suite runs
in ``.venv``. So the Spark side runs in a child process of ``.venv-spark`` (one JVM for
all checks), which writes its results as Parquet; the comparisons with the pandas twins
happen here. Never skipped: when Java 17+ or PySpark cannot be had, the tests fail with
the installer's message.

Equality: ids, days and counts exactly; money and ratios (sums and means added in another
order) to ``REL_TOL`` relative; segments, scores 1-5 and tags exactly. Checked on the
committed bank (seed 2024, 5,000 customers) and on a second seed (seed 11, 600 customers,
generated with the CLI into a temporary folder), both as Parquet.
"""
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from course_utils import features, segments
from course_utils.churn import FEATURES, build_churn_table
from course_utils.config import L2_CUTOFF, L3_TEST_CUTOFF, L3_TRAIN_CUTOFF
from course_utils.data import load_bank
from tools import spark_env

# One module fixture runs every Spark job (JVM start included): allow it more than the suite's 900 s
# per test on a loaded machine (measured ~2-8 min on the shared 2-core box).
pytestmark = [pytest.mark.spark, pytest.mark.slow, pytest.mark.timeout(2400)]

ROOT = Path(__file__).resolve().parent.parent
#: Relative tolerance for money and ratios (float sums in another order); ids/days/counts exact.
REL_TOL = 1e-9
SECOND_SEED, SECOND_N = 11, 600
RFM_CUTOFF = "2024-01-01"
APPENDIX = ROOT / "notebooks" / "A1_scale_spark.ipynb"

#: Runs in .venv-spark: every Spark result the tests compare, written as Parquet / JSON.
_RUNNER = r"""
import json, pickle, sys, time
from pathlib import Path
from course_utils import spark as cs
spec = json.loads(sys.argv[1])
t0 = time.monotonic()
spark = cs.get_session()
timings = {"session": round(time.monotonic() - t0, 1)}
keys = ["spark.master", "spark.ui.enabled", "spark.sql.shuffle.partitions", "spark.local.dir",
        "spark.sql.session.timeZone", "spark.sql.adaptive.coalescePartitions.enabled"]
Path(spec["conf_out"]).write_text(json.dumps({k: spark.conf.get(k) for k in keys}))
for job in spec["banks"]:
    out = Path(job["out"]); out.mkdir(parents=True, exist_ok=True)
    t = cs.read_bank(job["parquet"])
    tx = t["transactions"]
    cs.rfm_spark(tx, spec["rfm_cutoff"]).toPandas().to_parquet(out / "rfm_all.parquet")
    cs.rfm_spark(tx, spec["rfm_cutoff"], window_days=365).toPandas().to_parquet(out / "rfm_365.parquet")
    for cut in spec["churn_cutoffs"]:
        cs.churn_features_spark(t, cut).toPandas().to_parquet(out / f"churn_{cut}.parquet")
    cs.segments_spark(t, spec["segment_cutoff"]).toPandas().to_parquet(out / "segments.parquet")
    if job.get("model"):
        model = pickle.loads(Path(job["model"]).read_bytes())
        table = cs.churn_features_spark(t, spec["score_cutoff"])
        cs.score_spark(table, model, spec["score_features"]).toPandas().to_parquet(out / "scores.parquet")
    errors = {}
    for name, call in (
            ("rfm", lambda: cs.rfm_spark(tx.drop("amount"), spec["rfm_cutoff"])),
            ("churn", lambda: cs.churn_features_spark({**t, "transactions": tx.drop("txn_date")},
                                                      spec["score_cutoff"]))):
        try:
            call()
            errors[name] = None
        except ValueError as exc:
            errors[name] = [type(exc).__name__, str(exc)]
    (out / "errors.json").write_text(json.dumps(errors, ensure_ascii=False))
    timings[job["out"]] = round(time.monotonic() - t0, 1)
spark.stop()
print("SPARK_RUNNER " + json.dumps(timings), flush=True)
"""


def write_parquet_bank(csv_folder, parquet_folder) -> Path:
    """The bank of ``csv_folder`` (loaded and validated by ``load_bank``) as one ``<table>.parquet`` each."""
    parquet_folder = Path(parquet_folder)
    parquet_folder.mkdir(parents=True, exist_ok=True)
    bank = load_bank(csv_folder)
    for name, df in bank.tables.items():
        df.to_parquet(parquet_folder / f"{name}.parquet", index=False)
    return parquet_folder


@pytest.fixture(scope="module")
def spark_python():
    t0 = time.monotonic()
    try:
        py = spark_env.ensure(quiet=True)
    except spark_env.SparkEnvError as exc:          # fail loudly, never skip
        pytest.fail(f"The Spark environment (Java 17+ and PySpark) could not be prepared:\n{exc}")
    print(f"\n[spark] ensure(): {time.monotonic() - t0:.1f} s ({py})")
    return py


@pytest.fixture(scope="module")
def banks(tmp_path_factory):
    """{name: (csv folder, parquet folder)}: the committed bank and a second seed from the CLI."""
    base = tmp_path_factory.mktemp("spark_banks")
    second = base / "seed11"
    # the generator's own Parquet (--format both: CSV + Parquet side by side) where the CLI has it
    helptext = subprocess.run([sys.executable, "-m", "course_utils", "generate", "--help"],
                              capture_output=True, text=True, cwd=ROOT).stdout
    fmt = ["--format", "both"] if "--format" in helptext else []
    r = subprocess.run([sys.executable, "-m", "course_utils", "generate", "--customers", str(SECOND_N),
                        "--seed", str(SECOND_SEED), "--out", str(second), "--no-progress", *fmt],
                       capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert r.returncode == 0, r.stderr
    second_pq = second if fmt else write_parquet_bank(second, base / "seed11_pq")
    assert (second_pq / "transactions.parquet").exists()
    return {"default": (ROOT / "datasets", write_parquet_bank(ROOT / "datasets", base / "default_pq")),
            "seed11": (second, second_pq)}


@pytest.fixture(scope="module")
def lecture3_model(banks, tmp_path_factory):
    """The Lecture 3 worked model (forest on FEATURES, trained at L3_TRAIN_CUTOFF), pickled."""
    import pickle

    from course_utils import churn_models

    train = build_churn_table(load_bank(banks["default"][0]), L3_TRAIN_CUTOFF)
    feats = [f for f in FEATURES if train[f].notna().any()]
    model = churn_models.make_churn_model("forest", feats, random_state=0, n_estimators=50)
    model.fit(train[feats], train["churned"])
    path = tmp_path_factory.mktemp("model") / "forest.pkl"
    path.write_bytes(pickle.dumps(model))
    return model, feats, path


@pytest.fixture(scope="module")
def spark_results(spark_python, banks, lecture3_model, tmp_path_factory):
    """Run every Spark computation once (one JVM); {bank name: output folder}."""
    out = tmp_path_factory.mktemp("spark_out")
    _model, feats, model_path = lecture3_model
    spec = {"rfm_cutoff": RFM_CUTOFF, "churn_cutoffs": [L3_TRAIN_CUTOFF, L3_TEST_CUTOFF],
            "segment_cutoff": L2_CUTOFF, "conf_out": str(out / "conf.json"), "score_cutoff": L3_TEST_CUTOFF, "score_features": feats,
            "banks": [{"parquet": str(pq), "out": str(out / name),
                       "model": str(model_path) if name == "default" else None}
                      for name, (_csv, pq) in banks.items()]}
    r = subprocess.run([str(spark_python), "-c", _RUNNER, json.dumps(spec)], capture_output=True, text=True,
                       cwd=ROOT, env=spark_env.spark_environ(), timeout=1800)
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("SPARK_RUNNER ")]
    assert r.returncode == 0 and lines, f"the Spark runner failed ({r.returncode}):\n{(r.stdout + r.stderr)[-6000:]}"
    print(f"[spark] runner timings: {lines[-1]}")
    return {**{name: out / name for name in banks}, "conf": out / "conf.json"}


def test_session_is_local_quiet_and_deterministic(spark_results):
    conf = json.loads(spark_results["conf"].read_text())
    assert conf["spark.master"] == "local[2]" and conf["spark.ui.enabled"] == "false"
    assert conf["spark.sql.shuffle.partitions"] == "8"
    assert conf["spark.sql.adaptive.coalescePartitions.enabled"] == "false"
    assert conf["spark.sql.session.timeZone"] == "UTC"
    assert Path(conf["spark.local.dir"]).name.startswith("course-spark-")


def _compare(spark_df: pd.DataFrame, pandas_df: pd.DataFrame, exact: list[str], money: list[str],
             what: str) -> None:
    """Same ids in the same order, same dtypes, exact / tolerant values."""
    assert list(spark_df.columns) == list(pandas_df.columns), what
    assert len(spark_df) == len(pandas_df) > 0, what
    assert spark_df.index.tolist() == pandas_df.index.tolist(), f"{what}: ids differ"
    for c in exact + money:
        s, p = spark_df[c], pandas_df[c]
        if pd.api.types.is_bool_dtype(p) or pd.api.types.is_numeric_dtype(p):
            assert s.dtype == p.dtype, f"{what}.{c}: dtype {s.dtype} vs pandas {p.dtype}"
        if c in exact:
            assert s.astype(str).tolist() == p.astype(str).tolist(), f"{what}.{c} differs"
        else:
            sv, pv = s.to_numpy(float), p.to_numpy(float)
            assert (np.isnan(sv) == np.isnan(pv)).all(), f"{what}.{c}: missing values differ"
            ok = ~np.isnan(pv)
            np.testing.assert_allclose(sv[ok], pv[ok], rtol=REL_TOL, atol=1e-9, err_msg=f"{what}.{c}")


BANK_NAMES = ["default", "seed11"]


@pytest.mark.parametrize("name", BANK_NAMES)
@pytest.mark.parametrize("window", [None, 365])
def test_rfm_equals_pandas(spark_results, banks, name, window):
    bank = load_bank(banks[name][0], tables=["transactions"])
    want = features.rfm(bank.transactions, RFM_CUTOFF, window_days=window)
    got = pd.read_parquet(spark_results[name] / ("rfm_all.parquet" if window is None else "rfm_365.parquet"))
    got = got.set_index("customer_id")
    got.index = got.index.astype(str)
    _compare(got, want, ["recency_days", "frequency"], ["monetary"], f"rfm[{name}, {window}]")


@pytest.mark.parametrize("name", BANK_NAMES)
@pytest.mark.parametrize("cut", [L3_TRAIN_CUTOFF, L3_TEST_CUTOFF])
def test_churn_features_equal_pandas(spark_results, banks, name, cut):
    want = build_churn_table(load_bank(banks[name][0]), cut)
    want = want.sort_values("customer_id", kind="stable").set_index("customer_id")
    got = pd.read_parquet(spark_results[name] / f"churn_{cut}.parquet").set_index("customer_id")
    got.index = got.index.astype(str)
    exact = ["tenure_days", "age", "satisfaction", "recency_days", "frequency", "product_count",
             "complaints", "churned"]
    money = [c for c in want.columns if c not in exact]
    _compare(got, want, exact, money, f"churn[{name}, {cut}]")
    assert want["churned"].sum() > 0 and want["balance_trend"].notna().any()  # the check has teeth


@pytest.mark.parametrize("name", BANK_NAMES)
def test_segments_and_tags_equal_pandas(spark_results, banks, name):
    bank = load_bank(banks[name][0])
    view = features.customer_view(bank, L2_CUTOFF)
    want = segments.rfm_scores(view, bins=5)
    tagged = features.add_tags(view)
    want = want[["recency_days", "frequency", "monetary", "R_score", "F_score", "M_score", "rfm_score",
                 "segment", "segment_key"]].copy()
    for tag in ("高交易额", "沉睡", "年轻客群"):
        want[tag] = tagged[tag].to_numpy()
    want["segment"] = want["segment"].astype(str)
    want["segment_key"] = want["segment_key"].astype(str)
    want = want.sort_index(kind="stable")
    got = pd.read_parquet(spark_results[name] / "segments.parquet").set_index("customer_id")
    got.index = got.index.astype(str)
    exact = ["recency_days", "frequency", "R_score", "F_score", "M_score", "segment", "segment_key",
             "高交易额", "沉睡", "年轻客群"]
    _compare(got, want, exact, ["monetary", "rfm_score"], f"segments[{name}]")
    assert want["segment"].nunique() >= 6 and want["高交易额"].any() and want["沉睡"].any()


def test_scores_equal_the_lecture3_model(spark_results, banks, lecture3_model):
    model, feats, _path = lecture3_model
    table = build_churn_table(load_bank(banks["default"][0]), L3_TEST_CUTOFF).set_index("customer_id")
    want = pd.Series(model.predict_proba(table[feats])[:, 1], index=table.index).sort_index()
    got = pd.read_parquet(spark_results["default"] / "scores.parquet").set_index("customer_id")["churn_score"]
    got.index = got.index.astype(str)
    got = got.sort_index()
    assert got.index.tolist() == want.index.tolist()
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=0, atol=1e-12)
    assert want.std() > 0.01  # real scores, not a constant


@pytest.mark.parametrize("name", BANK_NAMES)
def test_missing_column_gives_the_pandas_error(spark_results, banks, name):
    errors = json.loads((spark_results[name] / "errors.json").read_text(encoding="utf-8"))
    tx = load_bank(banks[name][0], tables=["transactions"]).transactions
    with pytest.raises(ValueError) as pandas_err:
        features.rfm(tx.drop(columns=["amount"]), RFM_CUTOFF)
    assert errors["rfm"] == ["ValueError", str(pandas_err.value)]
    kind, message = errors["churn"]
    assert kind == "ValueError" and "txn_date" in message and "交易表" in message and "missing" in message


def test_appendix_runs_in_the_spark_kernel(spark_python, tmp_path):
    """The committed appendix executes top to bottom with papermill in the course-spark kernel."""
    assert APPENDIX.exists(), f"{APPENDIX} is missing: build it with python -m tools.nbbuild --only A1"
    nb = json.loads(APPENDIX.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == spark_env.KERNEL_NAME
    assert any(c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code"), "appendix not executed"
    out = tmp_path / "A1_out.ipynb"
    env = spark_env.spark_environ()
    env.update(PYTHONHASHSEED="0", COURSE_PROGRESS_FILE="off")
    env.pop("MPLBACKEND", None)
    papermill = shutil.which("papermill", path=str(Path(sys.executable).parent)) or "papermill"
    r = subprocess.run([papermill, str(APPENDIX), str(out), "-k", spark_env.KERNEL_NAME,
                        "--cwd", str(APPENDIX.parent), "--execution-timeout", "900", "--no-progress-bar"],
                       capture_output=True, text=True, env=env, timeout=1800)
    assert r.returncode == 0, (r.stdout + r.stderr)[-6000:]
    done = json.loads(out.read_text(encoding="utf-8"))
    errors = [o for c in done["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    shown = json.dumps([c.get("outputs", []) for c in done["cells"] if c["cell_type"] == "code"],
                       ensure_ascii=False)
    assert "✗" not in shown, "a Spark-vs-pandas check in the appendix failed"
    assert shown.count("✓ 相同") >= 3 and "完全相同 ✓" in shown, "the appendix's table of checks is missing"


# --------------------------------------------------------------------------
# tools/spark_env: Java lookup and the loud failure (no JVM needed)
# --------------------------------------------------------------------------
def test_spark_env_doctests():
    import doctest

    assert doctest.testmod(spark_env).failed == 0


@pytest.mark.parametrize("text, major", [('openjdk version "17.0.15" 2025-04-15', 17),
                                         ('java version "1.8.0_402"', 8),
                                         ('openjdk version "21" 2023-09-19', 21), ("nonsense", None)])
def test_java_major(text, major):
    assert spark_env.java_major(text) == major


def test_no_java_fails_loudly_with_what_to_install(monkeypatch):
    monkeypatch.setattr(spark_env, "find_java", lambda minimum=17: None)
    monkeypatch.setattr(spark_env, "_is_debian", lambda: False)
    with pytest.raises(spark_env.SparkEnvError) as err:
        spark_env.ensure_java(quiet=True)
    msg = str(err.value)
    assert "Java 17" in msg and "openjdk-17-jre-headless" in msg and "需要" in msg and "Temurin" in msg
    monkeypatch.setattr(spark_env, "_is_debian", lambda: True)
    monkeypatch.setattr(spark_env, "_root_prefix", lambda: None)
    with pytest.raises(spark_env.SparkEnvError, match="root"):
        spark_env.ensure_java(quiet=True)


def test_java_is_installed_with_apt_when_missing(monkeypatch):
    """On Debian as root: apt-get update + install of the first package whose Java is >= 17."""
    calls = []
    found = iter([None, ("/usr/lib/jvm/java-17", 17)])
    monkeypatch.setattr(spark_env, "find_java", lambda minimum=17: next(found))
    monkeypatch.setattr(spark_env, "_is_debian", lambda: True)
    monkeypatch.setattr(spark_env, "_root_prefix", lambda: [])
    monkeypatch.setattr(spark_env, "_apt_candidate_major", lambda pkg: 17 if pkg == "openjdk-17-jre-headless" else None)

    class Done:
        returncode, stdout, stderr = 0, "", ""

    monkeypatch.setattr(spark_env.subprocess, "run", lambda cmd, **kw: calls.append(cmd) or Done())
    assert spark_env.ensure_java(quiet=True) == ("/usr/lib/jvm/java-17", 17)
    assert calls[0][:2] == ["apt-get", "update"]
    assert calls[1][:3] == ["apt-get", "install", "-y"] and calls[1][-1] == "openjdk-17-jre-headless"


def test_ensure_is_idempotent_and_registers_the_kernel(spark_python):
    stamp = spark_env.VENV / spark_env.STAMP_NAME
    before = stamp.stat().st_mtime_ns
    t0 = time.monotonic()
    assert spark_env.ensure(quiet=True) == spark_python
    assert time.monotonic() - t0 < 30 and stamp.stat().st_mtime_ns == before   # nothing reinstalled
    spec = json.loads((spark_env.kernel_dir() / "kernel.json").read_text(encoding="utf-8"))
    assert spec["display_name"] == "Python 3 (Spark 附录)" and spec["argv"][0] == str(spark_python)
    r = subprocess.run([str(spark_python), "-c", "import pyspark, pandas, sklearn, course_utils; "
                        "print(pyspark.__version__, pandas.__version__, sklearn.__version__)"],
                       capture_output=True, text=True, check=True)
    import sklearn

    assert r.stdout.split() == [spark_env.LOCK.read_text().split("pyspark==")[1].split()[0],
                                pd.__version__, sklearn.__version__]  # the very same course packages


def test_spark_command_opens_lab_on_the_appendix(monkeypatch):
    """`course.py spark` = ensure, then course.py's own Lab command line, started on A1."""
    sys.path.insert(0, str(ROOT))
    import course

    seen = {}
    monkeypatch.setattr(course, "run_foreground", lambda argv, **kw: seen.update(argv=argv, env=kw["env"]) or 0)
    monkeypatch.setattr(spark_env.subprocess, "call", lambda argv, **kw: 0)
    assert spark_env._open_lab(["--port=8899"]) == 0
    argv = seen["argv"]
    assert argv[:2] == course.lab_argv()[:2] and "--port=8899" in argv
    assert f"--LabApp.default_url=/lab/tree/{spark_env.APPENDIX}" in argv
    assert f"--ServerApp.root_dir={ROOT.resolve()}" in argv
    assert seen["env"]["PYSPARK_PYTHON"] == str(spark_env.venv_python())


def test_course_utils_spark_imports_without_pyspark_and_says_what_to_do():
    """.venv has no PySpark: the module imports, and a call explains the fix instead of a bare traceback."""
    import importlib.util

    from course_utils import spark as cs

    assert importlib.util.find_spec("pyspark") is None  # this suite runs in .venv
    with pytest.raises(ImportError, match="course.py spark"):
        cs.get_session()
