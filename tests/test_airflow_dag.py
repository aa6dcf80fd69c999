"""The Lecture 5 DAG, proven by Apache Airflow itself (in its own venv, .venv-airflow).

``tools.airflow_env.ensure()`` installs the pinned Airflow set on first use (~1.5-4 min,
~450 MB, see the module); later runs reuse it. Never skipped: if Airflow cannot be
installed, the test fails with the installer's message.

The DAG runs once with ``dag.test()`` on a small synthetic bank (seed 7, 800 customers)
written to a temporary folder, with an earlier outbox file that puts some triggered
customers at the contact cap. The outbox Airflow writes must hold exactly the customers
a plain-pandas reference selects, and be byte-identical to what
``journeys.activation_job`` writes in-process from the same inputs.
"""
import hashlib
import json
import re
import shutil
import time

import pandas as pd
import pytest

from course_utils import journeys
from course_utils.data import load_bank
from course_utils.datagen import write_bank
from tools import airflow_env

pytestmark = [pytest.mark.airflow, pytest.mark.slow]

DAG_ID = "long_tail_activation"
TASKS = ["find_triggered", "build_messages", "send_to_outbox", "log_run"]


@pytest.fixture(scope="module")
def airflow_ready():
    t0 = time.monotonic()
    try:
        py = airflow_env.ensure()
    except airflow_env.AirflowEnvError as exc:       # fail loudly, never skip
        pytest.fail(f"Airflow could not be installed into {airflow_env.VENV}:\n{exc}")
    print(f"\n[airflow] ensure(): {time.monotonic() - t0:.1f} s ({py})")
    return py


@pytest.fixture(scope="module")
def airflow_home(airflow_ready, tmp_path_factory):
    """One migrated sqlite database (AIRFLOW_HOME) for the module's checks."""
    home = tmp_path_factory.mktemp("airflow_home")
    print(f"[airflow] db migrate: {airflow_env.migrate_db(home)} s")
    return home


@pytest.fixture(scope="module")
def small_bank(tmp_path_factory):
    folder = tmp_path_factory.mktemp("l5bank") / "bank"
    write_bank(folder, 800, seed=7, progress=False)
    return folder


def _reference_triggered(bank, week):
    """Plain pandas: on the books at the end of the week, prev > 0, cur <= prev / 2 (missing = 0)."""
    au, c = bank.app_usage, bank.customers
    wk = pd.Timestamp(week)
    prev = au[au["week_start"] == wk - pd.Timedelta(days=7)].set_index("customer_id")["minutes"]
    cur = au[au["week_start"] == wk].set_index("customer_id")["minutes"].reindex(prev.index).fillna(0)
    hit = set(prev.index[(prev > 0) & (cur * 2 <= prev)])
    end = wk + pd.Timedelta(days=6)
    alive = set(c.loc[(c["open_date"] <= end) & (c["churn_date"].isna() | (c["churn_date"] > end)), "customer_id"])
    return sorted(hit & alive)


def test_dag_imports_and_runs_with_airflow(airflow_home, small_bank, tmp_path):
    bank = load_bank(small_bank, tables=["customers", "app_usage"])
    week = bank.app_usage["week_start"].max()
    triggered = _reference_triggered(bank, week)
    flags = journeys.contact_flags(triggered).set_index("customer_id")
    consenting = [x for x in triggered if flags.loc[x, "consent"] and not flags.loc[x, "opted_out"]]
    assert len(triggered) >= 10 and len(consenting) >= 6, "the small bank should trigger enough customers"

    # an earlier outbox: 3 customers already had 2 contacts in the last 30 days (cap 2), 1 had one
    send_at = week + pd.Timedelta(days=7, hours=10)
    capped, once = consenting[:3], consenting[3]
    earlier = [{"message_id": f"OLD-{i}-{c}", "customer_id": c, "channel": "SMS", "text": "旧消息。回复TD退订",
                "send_at": (send_at - pd.Timedelta(days=d)).isoformat()}
               for c in capped for i, d in enumerate((3, 20))]
    earlier.append({"message_id": f"OLD-0-{once}", "customer_id": once, "channel": "SMS", "text": "旧消息。回复TD退订",
                    "send_at": (send_at - pd.Timedelta(days=10)).isoformat()})
    earlier.append({"message_id": f"OLD-9-{consenting[4]}", "customer_id": consenting[4], "channel": "SMS",
                    "text": "旧消息。回复TD退订", "send_at": (send_at - pd.Timedelta(days=45)).isoformat()})
    outbox_dir = tmp_path / "outbox"
    journeys.write_outbox(earlier, outbox_dir / "sms_manual_earlier.jsonl")

    t0 = time.monotonic()
    res = airflow_env.check_dag(airflow_home, DAG_ID, migrate=False,
                                run_conf={"data_dir": str(small_bank), "outbox_dir": str(outbox_dir)})
    print(f"[airflow] parse {res['parse_seconds']} s, dag.test {res['test_seconds']} s, "
          f"check total {time.monotonic() - t0:.1f} s")

    assert res["import_errors"] == {}, res["import_errors"]
    assert res["dag_ids"] == [DAG_ID]
    assert res["task_ids"] == TASKS
    assert res["downstream"] == {a: [b] for a, b in zip(TASKS, TASKS[1:])} | {"log_run": []}
    assert res["state"] == "success", res["log"][-4000:]
    assert re.search(r"http|smtp", json.dumps({k: v for k, v in res.items() if k != "log"})) is None

    # the outbox Airflow wrote
    target = journeys.outbox_file(outbox_dir, week)
    out = journeys.read_outbox(target)
    expected = [c for c in consenting if c not in capped]
    assert out["customer_id"].tolist() == expected
    assert once in expected and not set(capped) & set(out["customer_id"])
    assert out["text"].str.endswith(journeys.OPT_OUT_TEXT).all()
    assert not out["text"].str.contains(r"1[3-9]\d{9}").any()
    assert (out["send_at"] == send_at.isoformat()).all() and (out["channel"] == "SMS").all()

    # the run log
    log = json.loads((outbox_dir / "logs" / f"activation_{week:%Y-%m-%d}.json").read_text(encoding="utf-8"))
    assert log["triggered"] == len(triggered) and log["messages"] == len(expected)
    assert log["blocked"]["cap_reached"] == 3
    assert log["blocked"]["no_consent"] + log["blocked"]["opted_out"] == len(triggered) - len(consenting)
    assert log["history_contacts"] == len(earlier)
    assert log["outbox_sha256"] == hashlib.sha256(target.read_bytes()).hexdigest()

    # the same job in-process (the notebook's path) writes the same bytes
    local = tmp_path / "local"
    local.mkdir()
    shutil.copy(outbox_dir / "sms_manual_earlier.jsonl", local)
    mine = journeys.activation_job(small_bank, week, local)
    assert mine["outbox_sha256"] == log["outbox_sha256"]
    assert {k: v for k, v in mine.items() if k != "outbox"} == {k: v for k, v in log.items() if k != "outbox"}


def test_dagbag_reports_a_broken_dag(airflow_home, tmp_path):
    """The import check can fail: a DAG file with an error shows up in import_errors."""
    folder = tmp_path / "dags"
    folder.mkdir()
    (folder / "broken.py").write_text("from airflow.sdk import dag\nraise RuntimeError('broken on purpose')\n")
    res = airflow_env.check_dag(airflow_home, "broken", run_conf=None, dags_folder=folder, migrate=False)
    assert any("broken on purpose" in v for v in res["import_errors"].values()), res["import_errors"]
    assert res["dag_ids"] == []


def test_ensure_is_idempotent(airflow_ready):
    t0 = time.monotonic()
    assert airflow_env.ensure() == airflow_ready
    assert time.monotonic() - t0 < 5
    assert airflow_env.is_ready()
    # the trainees' venv never gets Airflow
    import importlib.util

    assert importlib.util.find_spec("airflow") is None


def test_airflow_env_doctests():
    import doctest

    assert doctest.testmod(airflow_env).failed == 0
